/* The MultiProcessor Specification 1.4 tables (Intel MP spec, chapter 4
 * "MP Configuration Table"), as SeaBIOS writes them on QEMU's pc machine,
 * for kernels that find CPUs and interrupt routing without ACPI:
 * - the MP Floating Pointer Structure ("_MP_", 16-byte aligned) in the
 *   BIOS area, where the scan of 0xF0000-0xFFFFF finds it; no default
 *   configuration, IMCR absent (virtual-wire mode);
 * - the configuration table ("PCMP", revision 1.4): one processor entry
 *   per CPU (APIC ID = index, the BSP flagged), the ISA bus, the I/O APIC,
 *   an I/O interrupt entry for each ISA IRQ but 2 (IRQ 0 on pin 2, the
 *   others on their own pins, as the MADT's overrides say), and local
 *   interrupt entries: ExtINT on LINT0, NMI on LINT1 of every APIC.
 * It lives at MPTABLE_BASE, after the ACPI tables. */
#include "mptable.h"

#include <string.h>

#include "acpi.h"
#include "bytes.h"
#include "cpu/features.h"
#include "dev/ioapic.h"
#include "dev/lapic.h"
#include "machine.h"

enum { MP_PROC, MP_BUS, MP_IOAPIC, MP_IOINTR, MP_LINTR };
enum { INT_INT = 0, INT_NMI = 1, INT_EXTINT = 3 };
#define MP_HDR_LEN 44

static uint32_t proc_entry(uint8_t *p, int id)
{
    p[0] = MP_PROC;
    p[1] = (uint8_t)id;
    p[2] = LAPIC_VERSION & 0xff;
    p[3] = 1 | (id == 0 ? 2 : 0);           /* enabled, bootstrap processor */
    put_le(p + 4, CPU_SIGNATURE, 4);
    put_le(p + 8, FEAT_1_EDX, 4);
    return 20;
}

static uint32_t intr_entry(uint8_t *p, int type, int kind, int src_irq, int dst_id, int dst_pin)
{
    p[0] = (uint8_t)type;
    p[1] = (uint8_t)kind;
    put_le(p + 2, 0, 2);                    /* polarity, trigger: bus default */
    p[4] = 0;                               /* source bus: ISA */
    p[5] = (uint8_t)src_irq;
    p[6] = (uint8_t)dst_id;
    p[7] = (uint8_t)dst_pin;
    return 8;
}

bool mptable_build(struct machine *m, int ncpu)
{
    uint8_t *base = phys_ptr(m, MPTABLE_BASE, MPTABLE_AREA_SIZE);
    if (!base || MP_HDR_LEN + 16 + 20 * ncpu + 8 + 8 + 8 * 15 + 2 * 8 > (int)MPTABLE_AREA_SIZE)
        return false;
    memset(base, 0, MPTABLE_AREA_SIZE);
    uint8_t *t = base + 16;
    uint32_t n = MP_HDR_LEN;
    uint16_t entries = 0;
    for (int i = 0; i < ncpu; i++, entries++)
        n += proc_entry(t + n, i);
    t[n] = MP_BUS;
    memcpy(t + n + 2, "ISA   ", 6);
    n += 8;
    entries++;
    t[n] = MP_IOAPIC;
    t[n + 1] = ACPI_IOAPIC_ID;
    t[n + 2] = IOAPIC_VERSION & 0xff;
    t[n + 3] = 1;                           /* usable */
    put_le(t + n + 4, ACPI_IOAPIC_ADDR, 4);
    n += 8;
    entries++;
    for (int irq = 0; irq < 16; irq++) {
        if (irq == 2)
            continue;                       /* the cascade */
        n += intr_entry(t + n, MP_IOINTR, INT_INT, irq, ACPI_IOAPIC_ID, irq == 0 ? 2 : irq);
        entries++;
    }
    n += intr_entry(t + n, MP_LINTR, INT_EXTINT, 0, 0xff, 0);
    n += intr_entry(t + n, MP_LINTR, INT_NMI, 0, 0xff, 1);
    entries += 2;

    memcpy(t, "PCMP", 4);
    put_le(t + 4, n, 2);
    t[6] = 4;                               /* revision 1.4 */
    memcpy(t + 8, "VTX     ", 8);
    memcpy(t + 16, "VTXPC       ", 12);
    put_le(t + 34, entries, 2);
    put_le(t + 36, ACPI_LAPIC_ADDR, 4);
    t[7] = byte_checksum(t, n);

    uint8_t *f = base;                      /* the floating pointer */
    memcpy(f, "_MP_", 4);
    put_le(f + 4, MPTABLE_BASE + 16, 4);
    f[8] = 1;                               /* length in 16-byte units */
    f[9] = 4;
    f[10] = byte_checksum(f, 16);
    return true;
}
