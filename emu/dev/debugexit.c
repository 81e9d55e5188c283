/* isa-debug-exit: QEMU's test device (hw/misc/debugexit.c, documented in
 * QEMU's "isa-debug-exit" device help and used by kvm-unit-tests). A write
 * of any size to any of its ports ends the machine; the process exit status
 * is (value << 1) | 1, so a guest can never produce status 0. Reads give 0.
 * vtx places it where the test kernels expect it: iobase 0xf4, iosize 4. */
#include "debugexit.h"

#include <stdlib.h>

#include "machine/machine.h"

static uint32_t debugexit_in(void *dev, uint16_t port, int size)
{
    (void)dev, (void)port, (void)size;
    return 0;
}

static void debugexit_out(void *dev, uint16_t port, int size, uint32_t val)
{
    struct debugexit *d = dev;
    (void)port, (void)size;
    machine_request_exit(d->m, MEXIT_DEBUG_PORT, (int)val);
}

struct debugexit *debugexit_new(struct machine *m, uint16_t base, uint16_t size)
{
    struct debugexit *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    *d = (struct debugexit){ m, base, size };
    if (bus_add_ports(&m->bus, base, size, debugexit_in, debugexit_out, d) != 0) {
        free(d);
        return NULL;
    }
    return d;
}

void debugexit_free(struct debugexit *d)
{
    free(d);
}
