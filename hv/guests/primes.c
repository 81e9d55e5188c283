/* Built-in guest "primes": a 64-bit guest that computes. It prints the
 * first 100 primes and counts the primes below 100000 by trial division
 * (long enough to be preempted many times), then writes its status to the
 * debug-exit port F4H. */
#include "glib.h"

static bool is_prime(uint32_t n)
{
    if (n < 2)
        return false;
    for (uint32_t d = 2; d * d <= n; d++)
        if (n % d == 0)
            return false;
    return true;
}

int gmain(uint64_t arg)
{
    (void)arg;
    printf("primes: the first 100 primes\n");
    uint64_t sum = 0;
    unsigned count = 0;
    for (uint32_t n = 2; count < 100; n++) {
        if (!is_prime(n))
            continue;
        printf("%5u%s", n, ++count % 10 ? "" : "\n");
        sum += n;
    }
    printf("primes: their sum is %lu\n", sum);
    unsigned below = 0;
    for (uint32_t n = 2; n < 100000; n++)
        below += is_prime(n);
    printf("primes: %u primes below 100000\n", below);
    bool ok = sum == 24133 && below == 9592;
    printf("primes: %s\n", ok ? "correct" : "WRONG");
    serial_wait_idle();
    outl(0xf4, ok ? 0 : 1);             /* the debug-exit port ends the VM */
    return 1;                           /* not reached */
}
