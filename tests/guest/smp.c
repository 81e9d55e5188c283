/* Several CPUs found and started the standard ways, as kernels written for
 * QEMU do it (tests/run-guest.sh passes -smp 8 and "cpus=8"): the CPU
 * count from fw_cfg, the processors of the ACPI MADT and of the MP table
 * (MP spec 1.4, with its bus, I/O APIC and interrupt entries), then every
 * AP started at once by a broadcast INIT-SIPI-SIPI (SDM Vol. 3A "MP
 * Initialization Example"; the AP code is smp.S). Checked: every AP runs,
 * once, with its own APIC ID; stores reach the BSP in program order
 * (x86-TSO message passing); LOCK INC from all CPUs at once loses nothing;
 * the CPUs' TSCs are synchronized: an AP's first TSC read lies between the
 * BSP's reads before the start-up IPI and after the AP is done, and the
 * check Linux runs at boot (check_tsc_warp: CPUs take turns under a
 * spinlock reading the TSC) never sees it go backwards. */
#include "firmware.h"
#include "kern.h"
#include "multiboot.h"

#define TRAMP_BASE 0x8000u
#define ITERS 20000u
#define WARP_ROUNDS 3000u

extern char smp_tramp[], smp_tramp_end[], smp_started[], smp_done[], smp_counter[];
extern char smp_id_mask[], smp_ids[], smp_msg[], smp_flag[], smp_iters[];
extern char smp_tsc[], smp_warp_rounds[], smp_lock[], smp_last_tsc[], smp_warps[];
#define TV(sym) (*(volatile uint32_t *)(uintptr_t)(TRAMP_BASE + (uint32_t)(sym - smp_tramp)))
#define TQ(sym, i) (((volatile uint64_t *)(uintptr_t)(TRAMP_BASE + (uint32_t)(sym - smp_tramp)))[i])
#define TA(sym, i) (((volatile uint32_t *)(uintptr_t)(TRAMP_BASE + (uint32_t)(sym - smp_tramp)))[i])

static void apic_wr(uint32_t off, uint32_t v) { *(volatile uint32_t *)(uintptr_t)(0xfee00000u + off) = v; }

/* The BSP's part of the TSC warp check (the APs' is in smp.S). */
static void tsc_warp_rounds(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t one = 1;
        for (;;) {
            asm volatile("xchg %0, %1" : "+r"(one), "+m"(TV(smp_lock)) : : "memory");
            if (!one)
                break;
            one = 1;
            asm volatile("pause");
        }
        uint64_t t = rdtsc();
        if (t < TQ(smp_last_tsc, 0))
            TV(smp_warps)++;
        TQ(smp_last_tsc, 0) = t;
        asm volatile("" : : : "memory");
        TV(smp_lock) = 0;
    }
}

static int cmdline_cpus(void)
{
    const char *s = mb_cmdline();
    for (; *s; s++)
        if (memcmp(s, "cpus=", 5) == 0) {
            int n = 0;
            for (s += 5; *s >= '0' && *s <= '9'; s++)
                n = n * 10 + (*s - '0');
            return n;
        }
    return 0;
}

/* MP spec 1.4, chapter 4: entries 0 processor (20 bytes), 1 bus, 2 I/O
 * APIC, 3 I/O interrupt, 4 local interrupt (8 bytes each). */
static void test_mp_table(int want)
{
    const uint8_t *fp = mp_find_floating();
    report("mp-floating-pointer-found", fp != NULL);
    if (!fp)
        return;
    const uint8_t *t = (const uint8_t *)(uintptr_t)rd32(fp + 4);
    bool hdr = t && fp[11] == 0 && memcmp(t, "PCMP", 4) == 0 && sum_ok(t, rd16(t + 4));
    reportf(hdr, "mp-config-table-checksum", "spec rev %u, feature1 %u", fp[9], fp[11]);
    if (!hdr)
        return;
    int cpus = 0, bsp = -1, isa = -1, ioapics = 0;
    uint32_t ioapic_addr = 0;
    bool irq0_pin2 = false, extint_lint0 = false, nmi_lint1 = false;
    const uint8_t *e = t + 44, *end = t + rd16(t + 4);
    for (int i = 0; i < rd16(t + 34) && e < end; i++) {
        switch (e[0]) {
        case 0:
            if (e[3] & 1)
                cpus++;
            if (e[3] & 2)
                bsp = e[1];
            e += 20;
            continue;
        case 1:
            if (memcmp(e + 2, "ISA", 3) == 0)
                isa = e[1];
            break;
        case 2:
            ioapics++;
            ioapic_addr = rd32(e + 4);
            break;
        case 3:
            if (e[1] == 0 && e[4] == isa && e[5] == 0 && e[7] == 2)
                irq0_pin2 = true;
            break;
        case 4:
            if (e[1] == 3 && e[7] == 0)
                extint_lint0 = true;
            if (e[1] == 1 && e[7] == 1)
                nmi_lint1 = true;
            break;
        default:
            e = end;
            continue;
        }
        e += 8;
    }
    report_qemu_differs(cpus == want && bsp == (int)(cpuid(1, 0).b >> 24), "mp-processors",
            "%d enabled, BSP %d", cpus, bsp);
    reportf(rd32(t + 36) == 0xfee00000u && ioapics == 1 && ioapic_addr == 0xfec00000u,
            "mp-local-and-io-apic", "LAPIC %#x, %d I/O APICs at %#x", rd32(t + 36), ioapics,
            ioapic_addr);
    reportf(isa >= 0 && irq0_pin2, "mp-isa-irq0-on-pin2", "ISA bus %d", isa);
    reportf(extint_lint0 && nmi_lint1, "mp-lint0-extint-lint1-nmi", "%d %d", extint_lint0, nmi_lint1);
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    int want = cmdline_cpus();
    reportf(want >= 2 && want <= 16, "cmdline-cpus", "cpus=%d (the runner passes cpus=N)", want);
    int nb = (int)fw_cfg_item(FW_CFG_NB_CPUS, 2);
    reportf(nb == want, "fw-cfg-nb-cpus", "%d", nb);
    uint8_t ids[16];
    int madt = acpi_madt_cpus(ids, 16);
    bool distinct = true;
    for (int i = 0; i < madt; i++)
        for (int j = 0; j < i; j++)
            distinct &= ids[i] != ids[j];
    reportf(madt == want && distinct, "acpi-madt-processors", "%d, distinct IDs %d", madt, distinct);
    reportf(((cpuid(1, 0).b >> 16) & 0xff) >= (uint32_t)want, "cpuid-logical-count",
            "CPUID.1:EBX[23:16] %u", (cpuid(1, 0).b >> 16) & 0xff);
    test_mp_table(want);

    memcpy((void *)(uintptr_t)TRAMP_BASE, smp_tramp, (size_t)(smp_tramp_end - smp_tramp));
    TV(smp_iters) = ITERS;
    TV(smp_warp_rounds) = WARP_ROUNDS;
    apic_wr(0x300, 0xc4500);                      /* INIT, all excluding self */
    pit_spin(11932);                              /* 10 ms */
    uint64_t tsc_before = rdtsc();
    apic_wr(0x300, 0xc4600 | (TRAMP_BASE >> 12)); /* SIPI */
    pit_spin(239);                                /* 200 us */
    apic_wr(0x300, 0xc4600 | (TRAMP_BASE >> 12));
    for (uint32_t i = 0; i < ITERS; i++)
        asm volatile("lock incl %0" : "+m"(TV(smp_counter)));
    tsc_warp_rounds(WARP_ROUNDS);
    for (int i = 0; i < 1000 && TV(smp_done) < (uint32_t)(want - 1); i++)
        pit_spin(1193);
    uint64_t tsc_after = rdtsc();
    uint32_t started = TV(smp_started), done = TV(smp_done);
    reportf(started == (uint32_t)(want - 1) && done == started, "every-ap-started-once",
            "%u started, %u done, want %d", started, done, want - 1);
    uint32_t mask = 0;
    for (int i = 0; i < madt; i++)
        if (ids[i] != (cpuid(1, 0).b >> 24))
            mask |= 1u << ids[i];
    reportf(TV(smp_id_mask) == mask, "ap-apic-ids-match-madt", "APs %#x, MADT %#x", TV(smp_id_mask), mask);
    bool msgs = true;
    for (uint32_t i = 0; i < started && i < 16; i++)
        msgs &= TA(smp_flag, i) == 1 && TA(smp_msg, i) == TA(smp_ids, i) + 0x100;
    report("stores-seen-in-order", msgs);
    int inside = 0;
    for (uint32_t i = 0; i < started && i < 16; i++)
        inside += TQ(smp_tsc, i) > tsc_before && TQ(smp_tsc, i) < tsc_after;
    reportf(inside == (int)started && started, "ap-first-tsc-after-sipi",
            "%d of %u APs read a TSC between the BSP's %llu and %llu (first AP: %llu)", inside,
            started, (unsigned long long)tsc_before, (unsigned long long)tsc_after,
            (unsigned long long)TQ(smp_tsc, 0));
    reportf(TV(smp_warps) == 0, "tsc-never-warps-across-cpus", "%u warps in %u reads", TV(smp_warps),
            WARP_ROUNDS * (started + 1));
    uint32_t total = ITERS * (started + 1);
    reportf(TV(smp_counter) == total, "lock-inc-from-every-cpu", "%u, want %u", TV(smp_counter), total);
    return report_summary();
}
