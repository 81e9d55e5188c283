/* System Control Port A as QEMU models it (hw/i386/port92.c): a read
 * returns the last value written; bit 1 is the A20 gate and bit 0 going
 * from 0 to 1 requests a reset. At a multiboot kernel's entry on QEMU the
 * port reads 0x02, because SeaBIOS turned A20 on through it. vtx keeps A20
 * always on (bit 1 is stored but masks no address line); a reset request
 * ends the machine (machine_request_reset). */
#include "port92.h"

#include <stdlib.h>

#include "machine/machine.h"

void port92_write(struct port92 *p, uint8_t val)
{
    uint8_t old = p->outport;
    p->outport = val;
    if ((val & PORT92_RESET) && !(old & PORT92_RESET))
        machine_request_reset(p->m);
}

uint8_t port92_read(const struct port92 *p)
{
    return p->outport;
}

static uint32_t port92_in(void *dev, uint16_t port, int size)
{
    (void)port, (void)size;
    return port92_read(dev);
}

static void port92_out(void *dev, uint16_t port, int size, uint32_t val)
{
    (void)port, (void)size;
    port92_write(dev, (uint8_t)val);
}

struct port92 *port92_new(struct machine *m)
{
    struct port92 *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    *p = (struct port92){ m, PORT92_A20 };
    if (bus_add_ports(&m->bus, PORT92_PORT, 1, port92_in, port92_out, p) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

void port92_free(struct port92 *p)
{
    free(p);
}
