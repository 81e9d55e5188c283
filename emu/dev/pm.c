/* The PM1a register blocks of the PIIX4 power-management function as
 * QEMU's pc machine has them once SeaBIOS sets the PM base to 0x600
 * (ACPI Specification, "PM1 Event Grouping" and "PM1 Control Grouping";
 * QEMU hw/acpi/core.c): PM1a_STS at 0x600 (write 1 to clear), PM1a_EN at
 * 0x602, PM1a_CNT at 0x604. The FADT (machine/acpi.c) names them.
 * Writing SLP_EN (bit 13) with SLP_TYP (bits 12:10) = 0, the \_S5 value,
 * powers off: the machine ends with status 0, as QEMU's ACPI power-off
 * with -no-reboot does. Other sleep types (QEMU's S3) are ignored: vtx
 * does not suspend. SLP_EN reads 0; SCI_EN is always 1 since there is no
 * SMI command port to switch modes. No event ever sets a status bit (no
 * PM timer, power button or GPE). Byte accesses reach either half of a
 * register. */
#include "pm.h"

#include <stdlib.h>

#include "machine/acpi.h"
#include "machine/machine.h"

static uint16_t *reg(struct pm *p, uint16_t off)
{
    return off < 2 ? &p->sts : off < 4 ? &p->en : &p->cnt;
}

static uint32_t pm_in(void *dev, uint16_t port, int size)
{
    struct pm *p = dev;
    uint16_t off = (uint16_t)(port - PM_BASE);
    uint32_t v = 0;
    for (int i = 0; i < size && off + i < 6; i++) {
        uint16_t o = (uint16_t)(off + i);
        v |= (uint32_t)((*reg(p, o) >> (8 * (o & 1))) & 0xff) << (8 * i);
    }
    return v;
}

static void write16(struct pm *p, uint16_t off, uint16_t val, uint16_t mask)
{
    if (off < 2) {
        p->sts &= (uint16_t)~(val & mask);
    } else if (off < 4) {
        p->en = (uint16_t)((p->en & ~mask) | (val & mask));
    } else {
        uint16_t cnt = (uint16_t)((p->cnt & ~mask) | (val & mask));
        p->cnt = (uint16_t)((cnt & ~PM1_SLP_EN) | PM1_SCI_EN);
        if ((cnt & PM1_SLP_EN) && (mask & PM1_SLP_EN) &&
            ((cnt >> PM1_SLP_TYP_SHIFT) & 7) == ACPI_S5_SLP_TYP) {
            machine_flush(p->m);
            machine_request_exit(p->m, MEXIT_SHUTDOWN, 0);
        }
    }
}

static void pm_out(void *dev, uint16_t port, int size, uint32_t val)
{
    struct pm *p = dev;
    uint16_t off = (uint16_t)(port - PM_BASE);
    if (size == 1) {
        int sh = 8 * (off & 1);
        write16(p, off & ~1, (uint16_t)((val & 0xff) << sh), (uint16_t)(0xff << sh));
        return;
    }
    for (int i = 0; i < size && off + i < 6; i += 2)
        write16(p, (uint16_t)((off + i) & ~1), (uint16_t)(val >> (8 * i)), 0xffff);
}

struct pm *pm_new(struct machine *m)
{
    struct pm *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    p->cnt = PM1_SCI_EN;
    if (bus_add_ports(&m->bus, PM_BASE, 6, pm_in, pm_out, p) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

void pm_free(struct pm *p)
{
    free(p);
}
