/* Reset Control at port 0xCF9, as QEMU models it: on the pc machine the
 * PIIX3's RCR (hw/isa/piix3.c rcr_write), on q35 the ICH9 LPC's RST_CNT
 * (hw/isa/lpc_ich9.c ich9_rst_cnt_write). A write with bit 2 (RST_CPU)
 * set resets the machine (0x06 and 0x0E are the usual values); otherwise
 * the register keeps the reset-type bits (bit 1 on PIIX3, bits 1 and 3 on
 * ICH9), which a read returns.
 * The register is one byte inside the PCI configuration ports 0xCF8-0xCFF.
 * On QEMU an access goes to the region holding its first port, so a
 * 32-bit OUT to 0xCF8 (the PCI configuration address) never reaches the
 * reset register; vtx claims the eight ports and does the same. vtx has no
 * PCI: the other ports read all-ones and ignore writes, as before. */
#include "resetctl.h"

#include <stdlib.h>

#include "machine/machine.h"

void resetctl_write(struct resetctl *r, uint8_t val)
{
    if (val & RESETCTL_RST_CPU) {
        machine_request_reset(r->m);
        return;
    }
    r->value = val & r->keep;
}

uint8_t resetctl_read(const struct resetctl *r)
{
    return r->value;
}

static uint32_t resetctl_in(void *dev, uint16_t port, int size)
{
    (void)size;
    if (port != RESETCTL_PORT)
        return 0xffffffffu;
    return 0xffffff00u | resetctl_read(dev);
}

static void resetctl_out(void *dev, uint16_t port, int size, uint32_t val)
{
    (void)size;
    if (port == RESETCTL_PORT)
        resetctl_write(dev, (uint8_t)val);
}

struct resetctl *resetctl_new(struct machine *m, uint8_t keep)
{
    struct resetctl *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    *r = (struct resetctl){ m, keep, 0 };
    if (bus_add_ports(&m->bus, RESETCTL_PCI_BASE, RESETCTL_PCI_LEN, resetctl_in, resetctl_out, r) != 0) {
        free(r);
        return NULL;
    }
    return r;
}

void resetctl_free(struct resetctl *r)
{
    free(r);
}
