/* The ACPI tables (ACPI Specification 6.x, chapter 5 "ACPI Software
 * Programming Model"), laid out as QEMU's pc machine with SeaBIOS gives
 * them where vtx has the same hardware:
 * - RSDP (revision 2, OEM "VTX   ") on a 16-byte boundary in the BIOS
 *   area, where the standard scan of 0xE0000-0xFFFFF finds it, with both
 *   its checksum (first 20 bytes) and its extended checksum;
 * - RSDT and XSDT, each listing the FADT and the MADT;
 * - MADT: local APIC at 0xFEE00000, PCAT_COMPAT, one enabled Processor
 *   Local APIC per CPU (processor UID = APIC ID = index), the I/O APIC
 *   (ID 0 at 0xFEC00000, GSI base 0), QEMU's interrupt source overrides
 *   (IRQ 0 -> GSI 2; IRQ 9, the SCI, level-triggered active-high) and a
 *   local APIC NMI on LINT1 for every processor;
 * - FADT revision 3 (as QEMU's pc), PIIX4 PM1a event block 0x600 and
 *   control block 0x604 (emu/dev/pm.c), SCI on IRQ 9, the 0xCF9 reset
 *   register, 32-bit pointers and X_ fields; no SMI command port, so ACPI
 *   mode is always on (SCI_EN reads 1); no PM timer and no GPE block;
 * - FACS (64-byte aligned);
 * - DSDT: the header and \_S5_ = Package {0, 0, 0, 0}, QEMU's S5 sleep
 *   type, so that an OS can power off.
 * Everything lives at ACPI_BASE in [0xF0000, 0x100000), which the
 * multiboot memory map reports as reserved, below boot.c's GDT at
 * 0xFFF00. */
#include "acpi.h"

#include <string.h>

#include "bytes.h"
#include "machine.h"

#define HDR_LEN 36


/* The common header; the checksum is set by finish(). */
static void header(uint8_t *p, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(p, sig, 4);
    put_le(p + 4, len, 4);
    p[8] = rev;
    memcpy(p + 10, "VTX   ", 6);
    memcpy(p + 16, "VTXPC   ", 8);
    put_le(p + 24, 1, 4);
    memcpy(p + 28, "VTX ", 4);
    put_le(p + 32, 1, 4);
}

static void finish(uint8_t *p, uint32_t len)
{
    p[9] = 0;
    p[9] = byte_checksum(p, len);
}

/* A Generic Address Structure for an I/O port block. */
static void gas_io(uint8_t *p, uint8_t bits, uint16_t port)
{
    p[0] = 1;                       /* System I/O */
    p[1] = bits;
    p[2] = 0;
    p[3] = bits == 8 ? 1 : 2;       /* byte / word access */
    put_le(p + 4, port, 8);
}

static uint32_t build_madt(uint8_t *p, int ncpu)
{
    uint32_t n = HDR_LEN;
    put_le(p + n, ACPI_LAPIC_ADDR, 4);
    put_le(p + n + 4, 1, 4);                   /* PCAT_COMPAT */
    n += 8;
    for (int i = 0; i < ncpu; i++, n += 8) {
        p[n] = 0; p[n + 1] = 8;             /* Processor Local APIC */
        p[n + 2] = (uint8_t)i; p[n + 3] = (uint8_t)i;
        put_le(p + n + 4, 1, 4);               /* enabled */
    }
    p[n] = 1; p[n + 1] = 12;                /* I/O APIC */
    p[n + 2] = ACPI_IOAPIC_ID; p[n + 3] = 0;
    put_le(p + n + 4, ACPI_IOAPIC_ADDR, 4);
    put_le(p + n + 8, 0, 4);
    n += 12;
    static const struct { uint8_t irq; uint32_t gsi; uint16_t flags; } iso[] = {
        { 0, 2, 0 },                        /* the PIT on GSI 2 */
        { ACPI_SCI_IRQ, ACPI_SCI_IRQ, 0x000d },   /* active high, level */
    };
    for (unsigned i = 0; i < sizeof iso / sizeof iso[0]; i++, n += 10) {
        p[n] = 2; p[n + 1] = 10;            /* Interrupt Source Override */
        p[n + 2] = 0;                       /* ISA */
        p[n + 3] = iso[i].irq;
        put_le(p + n + 4, iso[i].gsi, 4);
        put_le(p + n + 8, iso[i].flags, 2);
    }
    p[n] = 4; p[n + 1] = 6;                 /* Local APIC NMI: all CPUs, LINT1 */
    p[n + 2] = 0xff;
    put_le(p + n + 3, 0, 2);
    p[n + 5] = 1;
    n += 6;
    header(p, "APIC", n, 1);
    finish(p, n);
    return n;
}

static uint32_t build_fadt(uint8_t *p, uint32_t facs, uint32_t dsdt)
{
    const uint32_t len = 244;
    put_le(p + 36, facs, 4);
    put_le(p + 40, dsdt, 4);
    put_le(p + 46, ACPI_SCI_IRQ, 2);
    put_le(p + 56, 0x600, 4);                  /* PM1a_EVT_BLK */
    put_le(p + 64, 0x604, 4);                  /* PM1a_CNT_BLK */
    p[88] = 4;                              /* PM1_EVT_LEN */
    p[89] = 2;                              /* PM1_CNT_LEN */
    put_le(p + 96, 0xfff, 2);                  /* P_LVL2_LAT: no C2 */
    put_le(p + 98, 0xfff, 2);                  /* P_LVL3_LAT: no C3 */
    p[108] = 0x32;                          /* CENTURY: the CMOS register */
    put_le(p + 109, 0x3, 2);                   /* IAPC_BOOT_ARCH: legacy devices, 8042 */
    /* WBINVD, PROC_C1, SLP_BUTTON, RTC_S4, RESET_REG_SUP */
    put_le(p + 112, 0x1 | 0x4 | 0x20 | 0x80 | 0x400, 4);
    gas_io(p + 116, 8, 0xcf9);              /* RESET_REG */
    p[128] = 0x06;                          /* RESET_VALUE */
    put_le(p + 132, facs, 8);
    put_le(p + 140, dsdt, 8);
    gas_io(p + 148, 32, 0x600);             /* X_PM1a_EVT_BLK */
    gas_io(p + 172, 16, 0x604);             /* X_PM1a_CNT_BLK */
    header(p, "FACP", len, 3);
    finish(p, len);
    return len;
}

static uint32_t build_dsdt(uint8_t *p)
{
    /* Name (_S5_, Package (4) { 0, 0, 0, 0 }) */
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
    uint32_t len = HDR_LEN + sizeof aml;
    memcpy(p + HDR_LEN, aml, sizeof aml);
    header(p, "DSDT", len, 1);
    finish(p, len);
    return len;
}

static uint32_t align(uint32_t v, uint32_t a)
{
    return (v + a - 1) & ~(a - 1);
}

bool acpi_build(struct machine *m, int ncpu)
{
    uint8_t *base = phys_ptr(m, ACPI_BASE, ACPI_AREA_SIZE);
    if (!base)
        return false;
    memset(base, 0, ACPI_AREA_SIZE);
    uint32_t rsdp = 0, facs = 64, dsdt = 128;          /* offsets from ACPI_BASE */
    uint32_t madt = align(dsdt + build_dsdt(base + dsdt), 16);
    uint32_t fadt = align(madt + build_madt(base + madt, ncpu), 16);
    uint32_t rsdt = align(fadt + build_fadt(base + fadt, ACPI_BASE + facs, ACPI_BASE + dsdt), 16);
    uint32_t xsdt = align(rsdt + HDR_LEN + 8, 16);

    uint8_t *f = base + facs;
    memcpy(f, "FACS", 4);
    put_le(f + 4, 64, 4);
    f[32] = 1;                                           /* version */

    uint8_t *r = base + rsdt, *x = base + xsdt;
    put_le(r + HDR_LEN, ACPI_BASE + fadt, 4);
    put_le(r + HDR_LEN + 4, ACPI_BASE + madt, 4);
    header(r, "RSDT", HDR_LEN + 8, 1);
    finish(r, HDR_LEN + 8);
    put_le(x + HDR_LEN, ACPI_BASE + fadt, 8);
    put_le(x + HDR_LEN + 8, ACPI_BASE + madt, 8);
    header(x, "XSDT", HDR_LEN + 16, 1);
    finish(x, HDR_LEN + 16);

    uint8_t *p = base + rsdp;
    memcpy(p, "RSD PTR ", 8);
    memcpy(p + 9, "VTX   ", 6);
    p[15] = 2;
    put_le(p + 16, ACPI_BASE + rsdt, 4);
    put_le(p + 20, 36, 4);
    put_le(p + 24, ACPI_BASE + xsdt, 8);
    p[8] = byte_checksum(p, 20);
    p[32] = byte_checksum(p, 36);
    return xsdt + HDR_LEN + 16 <= ACPI_AREA_SIZE;
}
