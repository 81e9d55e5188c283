/* The platform devices QEMU's own test kernels (kvm-unit-tests) rely on:
 * fw_cfg's legacy port interface (QEMU docs/specs/fw_cfg.txt),
 * pc-testdev (QEMU hw/misc/pc-testdev.c; tests/run-guest.sh adds
 * -device pc-testdev, which vtx always has), and the ACPI tables (RSDP
 * found by the standard scan, checksums, MADT, FADT, DSDT's \_S5_).
 * Expects QEMU's pc machine as tests/run-guest.sh starts it: -m 128 and
 * one CPU. With "poweroff" on the command line it ends with an ACPI
 * power-off (status 0) instead of the debug-exit port: tests/suite-unit.sh
 * runs it so, since tests/run-guest.sh wants status 1. */
#include "kern.h"
#include "firmware.h"
#include "multiboot.h"

#define VEC_IRQ0 0x20
#define VEC_SLAVE 0x28

static void test_fw_cfg(struct multiboot_info *mb)
{
    char sig[5] = { 0 };
    fw_cfg_select(0);
    for (int i = 0; i < 4; i++)
        sig[i] = (char)inb(FW_CFG_DATA);
    reportf(strcmp(sig, "QEMU") == 0, "fw_cfg signature", "'%s'", sig);
    report("fw_cfg reads past the end give 0", inb(FW_CFG_DATA) == 0);
    fw_cfg_select(0);
    report("fw_cfg selector write restarts the item", inb(FW_CFG_DATA) == 'Q');
    uint32_t id = (uint32_t)fw_cfg_item(1, 4);
    reportf(id & 1, "fw_cfg ID has the traditional interface", "id 0x%x", id);
    /* SeaBIOS reserves the top 128 KiB of RAM below the split. */
    uint64_t ram = fw_cfg_item(3, 8), mb_ram = ((uint64_t)mb->mem_upper + 1024) * 1024 + 0x20000;
    reportf(ram == mb_ram, "fw_cfg RAM size matches multiboot mem_upper", "0x%llx vs 0x%llx",
            (unsigned long long)ram, (unsigned long long)mb_ram);
    uint64_t ncpu = fw_cfg_item(5, 2), max = fw_cfg_item(0xf, 2);
    reportf(ncpu == 1 && max == 1, "fw_cfg CPU count 1", "nb %llu max %llu",
            (unsigned long long)ncpu, (unsigned long long)max);
    /* For a multiboot kernel QEMU gives the command line in the multiboot
     * information only: the fw_cfg command-line items are absent (0). */
    uint64_t csize = fw_cfg_item(0x14, 4), cdata = fw_cfg_item(0x15, 1);
    reportf(csize == 0 && cdata == 0 && mb_cmdline()[0], "fw_cfg has no command line for multiboot",
            "size %llu, multiboot '%s'", (unsigned long long)csize, mb_cmdline());
    fw_cfg_select(0x19);
    uint32_t n = (uint32_t)fw_cfg_next_be(4);
    bool e820 = false;
    for (uint32_t f = 0; f < n && f < 64; f++) {
        char name[57] = { 0 };
        uint32_t size = (uint32_t)fw_cfg_next_be(4);
        uint16_t sel = (uint16_t)fw_cfg_next_be(2);
        fw_cfg_next_be(2);
        for (int i = 0; i < 56; i++)
            name[i] = (char)inb(FW_CFG_DATA);
        if (strcmp(name, "etc/e820") == 0 && size >= 20) {
            fw_cfg_select(sel);
            uint64_t base = fw_cfg_next_le(8), len = fw_cfg_next_le(8);
            e820 = base == 0 && len == ram && fw_cfg_next_le(4) == 1;
            break;
        }
    }
    reportf(e820, "fw_cfg file etc/e820 lists the RAM", "%u files", n);
}

static void test_data_register(void)
{
    outl(0xe0, 0x12345678);
    bool ok = inl(0xe0) == 0x12345678 && inw(0xe0) == 0x5678 && inw(0xe2) == 0x1234 &&
              inb(0xe0) == 0x78 && inb(0xe1) == 0x56 && inb(0xe2) == 0x34 && inb(0xe3) == 0x12;
    report("pc-testdev data register: 32-bit write, reads of each size", ok);
    outb(0xe1, 0xab);
    outw(0xe2, 0xcdef);
    uint32_t v = inl(0xe0);
    reportf(v == 0xcdefab78, "pc-testdev data register: byte and word writes", "0x%x", v);
    bool bytes = inb(0xe8) == 0x78 && inb(0xe9) == 0xab && inb(0xea) == 0xef && inb(0xeb) == 0xcd;
    outb(0xeb, 0x11);
    report("pc-testdev byte port", bytes && inl(0xe0) == 0x11efab78);
    outl(0xe4, 0x200000);               /* flush-page: nothing visible changes */
    report("pc-testdev flush-page", inl(0xe0) == 0x11efab78);
}

static volatile int irq_count[16];

static void irq_handler(struct intr_frame *f)
{
    int irq = (int)f->vector - VEC_IRQ0;
    irq_count[irq]++;
    if (irq >= 8)
        outb(0xa0, 0x20);
    outb(0x20, 0x20);
}

static void test_irq_lines(void)
{
    outb(0x20, 0x11); outb(0xa0, 0x11);   /* ICW1: edge, cascade, ICW4 */
    outb(0x21, VEC_IRQ0); outb(0xa1, VEC_SLAVE);
    outb(0x21, 0x04); outb(0xa1, 0x02);
    outb(0x21, 0x01); outb(0xa1, 0x01);
    outb(0x21, 0xff & ~(1 << 3) & ~(1 << 2)); outb(0xa1, 0xff & ~(1 << 3));
    set_handler(VEC_IRQ0 + 3, irq_handler);
    set_handler(VEC_SLAVE + 3, irq_handler);
    uint8_t elcr = inb(0x4d1);
    outb(0x4d1, elcr & ~(1 << 3));      /* IRQ 11 edge-triggered (SeaBIOS makes it level) */
    static const int lines[] = { 3, 11 };
    for (int i = 0; i < 2; i++) {
        int l = lines[i];
        sti();
        outb((uint16_t)(0x2000 + l), 1);
        for (int k = 0; k < 1000 && !irq_count[l]; k++)
            asm volatile("pause");
        outb((uint16_t)(0x2000 + l), 0);
        cli();
        reportf(irq_count[l] == 1, "pc-testdev IRQ line port raises IRQ", "IRQ %d: %d interrupts",
                l, irq_count[l]);
    }
    outb(0x21, 0xff); outb(0xa1, 0xff);
    outb(0x4d1, elcr);
}

static void test_iomem(void)
{
    volatile uint8_t *p = (volatile uint8_t *)0xff000000ull;
    *(volatile uint64_t *)(p + 0x100) = 0x1122334455667788ull;
    *(volatile uint32_t *)(p + 0xfffc) = 0xdeadbeef;
    p[0x101] = 0xaa;
    *(volatile uint16_t *)(p + 0x106) = 0x5566;
    uint64_t v = *(volatile uint64_t *)(p + 0x100);
    bool ok = v == 0x556633445566aa88ull && *(volatile uint32_t *)(p + 0xfffc) == 0xdeadbeef &&
         p[0x103] == 0x55 && *(volatile uint16_t *)(p + 0x102) == 0x5566;
    reportf(ok, "pc-testdev scratch MMIO at 0xff000000", "0x%llx", (unsigned long long)v);
}

static const uint8_t *madt, *fadt;
static uint16_t pm1a_cnt;

static void test_acpi(void)
{
    const uint8_t *rsdp = acpi_find_rsdp();
    report("ACPI RSDP found in the BIOS area", rsdp != NULL);
    if (!rsdp)
        return;
    bool ext = rsdp[15] >= 2;
    if (ext)
        report("ACPI RSDP extended checksum", sum_ok(rsdp, rd32(rsdp + 20)));
    const uint8_t *sdt = (const uint8_t *)(uintptr_t)(ext ? rd32(rsdp + 24) : rd32(rsdp + 16));
    uint32_t esize = ext ? 8 : 4;
    bool ok = memcmp(sdt, ext ? "XSDT" : "RSDT", 4) == 0 && sum_ok(sdt, rd32(sdt + 4));
    reportf(ok, "ACPI RSDT/XSDT signature and checksum", "revision %u", rsdp[15]);
    bool all_ok = true;
    for (uint32_t off = 36; off + esize <= rd32(sdt + 4); off += esize) {
        const uint8_t *t = (const uint8_t *)(uintptr_t)rd32(sdt + off);
        all_ok &= sum_ok(t, rd32(t + 4));
        if (memcmp(t, "APIC", 4) == 0)
            madt = t;
        if (memcmp(t, "FACP", 4) == 0)
            fadt = t;
    }
    report("ACPI tables' checksums", all_ok);
    report("ACPI MADT and FADT present", madt && fadt);
    if (!madt || !fadt)
        return;
    int cpus = 0, ioapics = 0;
    uint32_t ioapic_addr = 0;
    for (uint32_t off = 44; off + 2 <= rd32(madt + 4); off += madt[off + 1]) {
        if (madt[off + 1] < 2)
            break;
        if (madt[off] == 0 && (rd32(madt + off + 4) & 1))
            cpus++;
        if (madt[off] == 1) {
            ioapics++;
            ioapic_addr = rd32(madt + off + 4);
        }
    }
    reportf(rd32(madt + 36) == 0xfee00000 && cpus == 1 && ioapics == 1 && ioapic_addr == 0xfec00000,
            "ACPI MADT: local APIC, 1 CPU, the I/O APIC", "lapic 0x%x, %d CPUs, %d I/O APICs at 0x%x",
            rd32(madt + 36), cpus, ioapics, ioapic_addr);
    pm1a_cnt = (uint16_t)rd32(fadt + 64);
    reportf(pm1a_cnt == 0x604 && rd32(fadt + 56) == 0x600 && rd16(fadt + 46) == 9,
            "ACPI FADT: PM1a blocks 0x600/0x604, SCI 9", "evt 0x%x cnt 0x%x sci %u",
            rd32(fadt + 56), pm1a_cnt, rd16(fadt + 46));
    const uint8_t *dsdt = (const uint8_t *)(uintptr_t)rd32(fadt + 40);
    bool s5 = false;
    for (uint32_t i = 36; i + 4 < rd32(dsdt + 4) && !s5; i++)
        s5 = memcmp(dsdt + i, "_S5_", 4) == 0;
    report("ACPI DSDT checksum and \\_S5_", memcmp(dsdt, "DSDT", 4) == 0 && sum_ok(dsdt, rd32(dsdt + 4)) && s5);
}

/* \_S5_ is Package {0, ...} on QEMU and vtx: SLP_TYP 0. */
static void power_off(void)
{
    printf("powering off\n");
    serial_wait_idle();
    uint16_t cnt = inw(pm1a_cnt ? pm1a_cnt : 0x604);
    outw(pm1a_cnt ? pm1a_cnt : 0x604, (uint16_t)((cnt & ~0x3c00) | 0x2000));
    for (int i = 0; i < 1000000; i++)
        asm volatile("pause");
    report("ACPI power-off ends the machine", false);
}

int kmain(struct multiboot_info *mb)
{
    test_fw_cfg(mb);
    test_data_register();
    test_irq_lines();
    test_iomem();
    test_acpi();
    if (mb_cmdline_has("poweroff"))
        power_off();
    return report_summary();
}
