/* isa-debugcon (QEMU hw/char/debugcon.c): one I/O port, by default 0xE9
 * (Bochs's "port E9 hack"). Each byte written goes to the character back
 * end; a read returns the readback value, 0xE9 by default, so a guest can
 * detect the console. The device is one byte wide (QEMU's ops take 1-byte
 * accesses only): a wider access reaches it through its low byte, as the
 * bus splits it. */
#include "debugcon.h"

#include <stdlib.h>

#include "chardev.h"
#include "machine/bus.h"

static uint32_t debugcon_in(void *dev, uint16_t port, int size)
{
    struct debugcon *d = dev;
    (void)port, (void)size;
    return d->readback;
}

static void debugcon_out(void *dev, uint16_t port, int size, uint32_t val)
{
    struct debugcon *d = dev;
    (void)port, (void)size;
    chardev_put(d->chr, (uint8_t)val);
}

struct debugcon *debugcon_new(struct bus *b, uint16_t base, uint8_t readback, struct chardev *chr)
{
    struct debugcon *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    *d = (struct debugcon){ base, readback, chr };
    if (bus_add_ports(b, base, 1, debugcon_in, debugcon_out, d) != 0) {
        free(d);
        return NULL;
    }
    return d;
}

void debugcon_flush(struct debugcon *d)
{
    chardev_flush(d->chr);
}

void debugcon_free(struct debugcon *d)
{
    if (d)
        chardev_flush(d->chr);
    free(d);
}
