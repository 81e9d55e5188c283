/* Built-in guest "bench": N CPUID instructions, each a VM exit and a
 * VMRESUME: `make bench` times the run between the two marker lines. */
#include "glib.h"

int gmain(uint64_t n)
{
    printf("bench: start %lu CPUID exits\n", n);
    for (uint64_t i = 0; i < n; i++)
        cpuid(0, 0);
    printf("bench: done\n");
    return 0;
}
