/* The legacy interrupt and timer path: the 8259A PIC pair (Intel 8259A
 * datasheet: ICW1-4, OCW1-3), the 8254 PIT (Intel 8254 datasheet; channel
 * 2 through port 0x61) and the MC146818 RTC/CMOS. Runs on QEMU (real time)
 * and on vtx (virtual time: 1 instruction = 1 ns), so rates are checked
 * against other timers of the same machine with tolerances, never against
 * wall time. */
#include "kern.h"

#define PIT_HZ 1193182u
#define TICK_DIV 1193u                  /* channel 0: ~1000.15 Hz */
#define VEC_IRQ0 0x20
#define VEC_SLAVE 0x28

static volatile uint64_t ticks, rtc_ints, spurious;
static volatile uint8_t rtc_flags;      /* register C values seen, ORed */
static volatile bool eoi_in_handler = true;
static uint64_t tsc_per_20_ticks;       /* measured in test_irq0 */

static void irq0_handler(struct intr_frame *f)
{
    (void)f;
    ticks++;
    if (eoi_in_handler)
        outb(0x20, 0x20);
}

static void rtc_handler(struct intr_frame *f)
{
    (void)f;
    rtc_ints++;
    outb(0x70, 0x0c);
    rtc_flags |= inb(0x71);             /* read C: lowers IRQ 8 */
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
}

static void spurious_handler(struct intr_frame *f)
{
    (void)f;
    spurious++;
}

static void pic_init(void)
{
    outb(0x20, 0x11); outb(0xa0, 0x11);   /* ICW1: edge, cascade, ICW4 */
    outb(0x21, VEC_IRQ0); outb(0xa1, VEC_SLAVE);
    outb(0x21, 0x04); outb(0xa1, 0x02);   /* ICW3: slave on IR2 */
    outb(0x21, 0x01); outb(0xa1, 0x01);   /* ICW4: 8086 mode */
    outb(0x21, 0xff); outb(0xa1, 0xff);
}

static uint8_t pic_reg(uint16_t port, uint8_t ocw3)
{
    outb(port, ocw3);
    return inb(port);
}

static void pit_ch0(uint16_t div)
{
    outb(0x43, 0x34);                   /* channel 0, LSB then MSB, mode 2 */
    outb(0x40, (uint8_t)div);
    outb(0x40, (uint8_t)(div >> 8));
}

/* Channel 2 in mode 0 (one-shot): OUT (port 0x61 bit 5) rises after count. */
static void ch2_start(uint16_t count)
{
    outb(0x61, (inb(0x61) & 0x0c) | 0x01);  /* gate on, speaker off */
    outb(0x43, 0xb0);
    outb(0x42, (uint8_t)count);
    outb(0x42, (uint8_t)(count >> 8));
}

static bool ch2_done(void)
{
    return inb(0x61) & 0x20;
}

static uint16_t ch2_latch(void)
{
    outb(0x43, 0x80);
    uint8_t lo = inb(0x42);
    return (uint16_t)(lo | inb(0x42) << 8);
}

/* Busy-wait (IF as it is) for count PIT clocks. */
static void spin_pit(uint16_t count)
{
    ch2_start(count);
    while (!ch2_done())
        asm volatile("pause");
}

/* Busy-wait until ticks reaches `want` or ~55 ms pass; true if reached. */
static bool spin_ticks(uint64_t want)
{
    ch2_start(0xffff);
    while (ticks < want)
        if (ch2_done())
            return ticks >= want;
    return true;
}

static void hlt_ticks(uint64_t n)
{
    uint64_t end = ticks + n;
    while (ticks < end)
        asm volatile("sti; hlt" ::: "memory");
}

/* Channel 0 as the BIOS leaves it (SeaBIOS on QEMU; emu/machine/biosstate.c
 * on vtx): mode 2 (rate generator), LSB then MSB, binary — the 18.2 Hz tick. */
static void test_bios_pit(void)
{
    outb(0x43, 0xe2);                   /* read-back: status of channel 0 */
    uint8_t st = inb(0x40);
    reportf((st & 0x3f) == 0x34, "pit-ch0-as-the-bios-leaves-it", "status %#x", st);
}

static void test_pic(void)
{
    pic_init();
    outb(0x21, 0xfe);
    reportf(inb(0x21) == 0xfe, "pic-imr-readback", "IMR %#x", inb(0x21));
    reportf(inb(0xa1) == 0xff, "pic-slave-imr-readback", "IMR %#x", inb(0xa1));
    reportf(pic_reg(0x20, 0x0b) == 0, "pic-isr-empty", "ISR %#x", pic_reg(0x20, 0x0b));
    outb(0x20, 0x0a);
}

static void test_irq0(void)
{
    pit_ch0(TICK_DIV);
    sti();
    bool ok = spin_ticks(5);
    reportf(ok, "irq0-arrives", "%lu ticks in 55 ms", ticks);
    cli();
    uint64_t t = ticks;
    asm volatile("sti; hlt; cli" ::: "memory");
    reportf(ticks > t, "sti-hlt-wakes-on-timer", "ticks %lu -> %lu", t, ticks);

    /* ~1000 Hz over 65535 PIT clocks (54.9 ms): ~55 ticks. */
    sti();
    ch2_start(0xffff);
    t = ticks;
    while (!ch2_done())
        asm volatile("hlt");
    uint64_t n = ticks - t;
    reportf(n >= 27 && n <= 62, "irq0-rate-vs-pit-channel-2", "%lu ticks, expected ~55", n);

    /* The TSC over 40 ticks is twice that over 20 (with HLT in between). */
    hlt_ticks(1);
    uint64_t a = rdtsc();
    hlt_ticks(20);
    uint64_t b = rdtsc();
    hlt_ticks(40);
    uint64_t c = rdtsc();
    uint64_t d1 = b - a, d2 = c - b;
    tsc_per_20_ticks = d1;
    reportf(d1 > 0 && d2 * 10 >= d1 * 16 && d2 * 10 <= d1 * 24, "tsc-ratio-over-ticks",
            "TSC %lu over 20 ticks, %lu over 40", d1, d2);
    if (!on_qemu) {
        /* vtx: the TSC counts machine time in ns, halted time included. */
        uint64_t per = d1 / 20, want = 1000000000ull * TICK_DIV / PIT_HZ;
        reportf(per > want * 99 / 100 && per < want * 101 / 100, "tsc-1ghz-across-hlt",
                "%lu TSC per tick, want %lu", per, want);
    }
}

static void test_eoi_and_mask(void)
{
    /* Without EOI the in-service IRQ 0 blocks the next one. */
    sti();
    hlt_ticks(1);
    eoi_in_handler = false;
    uint64_t t = ticks;
    bool got = spin_ticks(t + 1);
    spin_pit(11932);                    /* 10 ms: ~10 more periods */
    uint64_t after = ticks;
    uint8_t isr = pic_reg(0x20, 0x0b), irr = pic_reg(0x20, 0x0a);
    reportf(got && after == t + 1, "no-eoi-blocks-irq0", "ticks %lu -> %lu", t, after);
    reportf(isr & 1, "isr-bit0-while-in-service", "ISR %#x", isr);
    reportf(irr & 1, "irr-bit0-pending", "IRR %#x", irr);
    eoi_in_handler = true;
    outb(0x20, 0x20);                   /* non-specific EOI */
    for (int i = 0; i < 100; i++)
        asm volatile("nop");
    reportf(ticks >= after + 1, "eoi-delivers-pending", "ticks %lu -> %lu", after, ticks);
    reportf(pic_reg(0x20, 0x0b) == 0, "isr-clear-after-eoi", "ISR %#x", pic_reg(0x20, 0x0b));

    /* Masked: nothing is delivered, IRR still latches the request. */
    outb(0x21, 0xff);
    t = ticks;
    spin_pit(11932);
    uint64_t masked = ticks - t;
    irr = pic_reg(0x20, 0x0a);
    reportf(masked == 0, "mask-blocks-irq0", "%lu ticks while masked", masked);
    reportf(irr & 1, "masked-irq0-in-irr", "IRR %#x", irr);
    outb(0x21, 0xfe);
    for (int i = 0; i < 100; i++)
        asm volatile("nop");
    reportf(ticks > t, "unmask-delivers", "ticks %lu -> %lu", t, ticks);
    cli();
}

static void test_ch2(void)
{
    ch2_start(0xffff);
    uint16_t a = ch2_latch();
    spin_pit(2000);
    ch2_start(0xffff);
    uint16_t b = ch2_latch();
    for (int i = 0; i < 20000; i++)
        asm volatile("nop");
    uint16_t c = ch2_latch();
    reportf(a > 0xf000 && b > c, "pit-ch2-counts-down", "%#x then %#x, %#x", a, b, c);
    reportf(!ch2_done(), "pit-ch2-out-low-while-counting", "port 0x61 %#x", inb(0x61));
    outb(0x43, 0xe8);                   /* read-back: status of channel 2 only */
    uint8_t st = inb(0x42);
    reportf((st & 0x3f) == 0x30, "pit-readback-status", "status %#x", st);
    spin_pit(100);
    reportf(ch2_done(), "pit-ch2-out-high-at-terminal-count", "port 0x61 %#x", inb(0x61));

    /* 8254 datasheet, "Gate Pin Operations Summary": in mode 0 a low gate
     * suspends counting, a high one resumes it. */
    ch2_start(0xffff);
    for (int i = 0; i < 2000; i++)
        asm volatile("nop");
    outb(0x61, inb(0x61) & 0x0c);       /* gate low */
    uint16_t h1 = ch2_latch();
    for (int i = 0; i < 20000; i++)
        asm volatile("nop");
    uint16_t h2 = ch2_latch();
    outb(0x61, (inb(0x61) & 0x0c) | 0x01);
    for (int i = 0; i < 20000; i++)
        asm volatile("nop");
    uint16_t h3 = ch2_latch();
    report_qemu_differs(h1 == h2 && h1 < 0xffff, "pit-mode0-gate-low-holds", "%#x then %#x", h1, h2);
    reportf(h3 < h2, "pit-mode0-gate-high-counts", "%#x then %#x", h2, h3);
    outb(0x61, inb(0x61) & 0x0c);       /* gate off */
}

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, 0x80 | reg);             /* NMI stays masked */
    return inb(0x71);
}

static bool bcd_ok(uint8_t v, int max)
{
    return (v & 0xf) <= 9 && (v >> 4) <= 9 && (v >> 4) * 10 + (v & 0xf) <= max;
}

static int bcd(uint8_t v) { return (v >> 4) * 10 + (v & 0xf); }

static int rtc_seconds_of_day(void)
{
    while (cmos(0x0a) & 0x80)
        ;
    return bcd(cmos(4)) * 3600 + bcd(cmos(2)) * 60 + bcd(cmos(0));
}

static void test_cmos(void)
{
    while (cmos(0x0a) & 0x80)
        ;
    uint8_t s = cmos(0), mi = cmos(2), h = cmos(4), d = cmos(7), mo = cmos(8), y = cmos(9);
    reportf(bcd_ok(s, 59) && bcd_ok(mi, 59) && bcd_ok(h, 23), "rtc-time-bcd",
            "%02x:%02x:%02x", h, mi, s);
    reportf(bcd_ok(d, 31) && d && bcd_ok(mo, 12) && mo && bcd_ok(y, 99), "rtc-date-bcd",
            "%02x-%02x-%02x", y, mo, d);
    reportf(cmos(0x32) == 0x20, "rtc-century", "%#x", cmos(0x32));
    reportf(cmos(0x0d) == 0x80, "rtc-status-d-valid", "D %#x", cmos(0x0d));
    uint8_t b = cmos(0x0b);
    reportf((b & 0x06) == 0x02, "rtc-status-b-bcd-24h", "B %#x", b);
    uint16_t base = (uint16_t)(cmos(0x15) | cmos(0x16) << 8);
    uint16_t ext = (uint16_t)(cmos(0x30) | cmos(0x31) << 8);
    uint16_t above16 = (uint16_t)(cmos(0x34) | cmos(0x35) << 8);
    reportf(base == 640, "cmos-base-memory", "%u KiB", base);
    reportf(ext == 0xffff, "cmos-extended-memory-capped", "%#x", ext);
    reportf(above16 == (128 - 16) * 16, "cmos-memory-above-16m", "%u x 64 KiB", above16);
    outb(0x70, 0x0d);                   /* NMI unmasked again */

    /* 1.1 s of timer ticks moves the RTC by 1 to 3 seconds. */
    int t0 = rtc_seconds_of_day();
    sti();
    hlt_ticks(1100);
    cli();
    int dt = (rtc_seconds_of_day() - t0 + 86400) % 86400;
    reportf(dt >= 1 && dt <= 3, "rtc-advances-with-timer", "%d s over 1100 ticks", dt);
}

static void test_rtc_periodic(void)
{
    /* 1024 Hz periodic interrupt on IRQ 8 through the slave: ~56 in 54.9 ms. */
    outb(0x21, 0xfb);                   /* only the cascade */
    outb(0xa1, 0xfe);                   /* IRQ 8 */
    outb(0x70, 0x0a); outb(0x71, 0x26);
    outb(0x70, 0x0b); outb(0x71, (uint8_t)(cmos(0x0b) | 0x40));
    (void)cmos(0x0c);
    sti();
    spin_ticks(ticks);                  /* nothing: IRQ 0 is masked */
    uint64_t r0 = rtc_ints;
    spin_pit(0xffff);
    uint64_t n = rtc_ints - r0;
    cli();
    outb(0x70, 0x0b); outb(0x71, (uint8_t)(cmos(0x0b) & ~0x40));
    (void)cmos(0x0c);
    outb(0xa1, 0xff);
    outb(0x21, 0xfe);
    reportf(n >= 28 && n <= 62, "rtc-periodic-irq8-rate", "%lu interrupts, expected ~56", n);
}

/* MC146818 datasheet: the update-ended interrupt (B.UIE) once a second,
 * and the alarm interrupt (B.AIE) when seconds match (minutes and hours
 * "don't care"), both on IRQ 8 with their flags in C. Timed by IRQ 0. */
static void rtc_mode(uint8_t b)
{
    outb(0x70, 0x0b);
    outb(0x71, b);
    (void)cmos(0x0c);
    rtc_ints = 0;
    rtc_flags = 0;
}

static void test_rtc_update_alarm(void)
{
    outb(0x21, 0xfa);                   /* IRQ 0 and the cascade */
    outb(0xa1, 0xfe);                   /* IRQ 8 */
    rtc_mode(0x12);                     /* UIE, 24-hour BCD */
    sti();
    hlt_ticks(2100);
    cli();
    uint64_t n = rtc_ints;
    reportf(n >= 2 && n <= 3 && (rtc_flags & 0xd0) == 0x90, "rtc-update-ended-irq8",
            "%lu interrupts in 2.1 s, C flags %#x", n, rtc_flags);
    while (cmos(0x0a) & 0x80)
        ;
    int sec = (bcd(cmos(0)) + 2) % 60;
    outb(0x70, 0x01); outb(0x71, (uint8_t)((sec / 10) << 4 | sec % 10));
    outb(0x70, 0x03); outb(0x71, 0xff);
    outb(0x70, 0x05); outb(0x71, 0xff);
    rtc_mode(0x22);                     /* AIE */
    sti();
    hlt_ticks(3100);
    cli();
    reportf(rtc_ints == 1 && (rtc_flags & 0xe0) == 0xa0, "rtc-alarm-irq8",
            "%lu interrupts in 3.1 s, C flags %#x", rtc_ints, rtc_flags);
    rtc_mode(0x02);
    outb(0xa1, 0xff);
    outb(0x21, 0xfe);
}

/* IA32_TSC_ADJUST (SDM Vol. 3B "Time-Stamp Counter"): a write to it moves
 * the TSC by its change; a write to the TSC moves it by the TSC's change.
 * Checked when CPUID.7:EBX[1] advertises it (QEMU TCG does not). */
/* vtx's time model (README "Time"): RDTSC takes 25 ns, WRMSR 100 ns, so
 * back-to-back RDTSCs differ by 25 and a WRMSR between them adds 100, as
 * software timing them on silicon expects (kvm-unit-tests' tsc_adjust). */
static void test_tsc_costs(void)
{
    uint32_t lo0, hi0, lo1, hi1;
    asm volatile("rdtsc; mov %%eax, %0; mov %%edx, %1; rdtsc"
                 : "=r"(lo0), "=r"(hi0), "=a"(lo1), "=d"(hi1));
    uint64_t d = ((uint64_t)hi1 << 32 | lo1) - ((uint64_t)hi0 << 32 | lo0);
    reportf(d == 27, "rdtsc-takes-25ns", "consecutive RDTSCs %lu ns apart (25 + 2 MOVs)", d);
    uint64_t aux = rdmsr(0xc0000103);
    asm volatile("rdtsc; mov %%eax, %0; mov %%edx, %1; mov %4, %%eax; mov %5, %%edx; wrmsr; rdtsc"
                 : "=&r"(lo0), "=&r"(hi0), "=&a"(lo1), "=&d"(hi1)
                 : "r"((uint32_t)aux), "r"((uint32_t)(aux >> 32)), "c"(0xc0000103));
    d = ((uint64_t)hi1 << 32 | lo1) - ((uint64_t)hi0 << 32 | lo0);
    reportf(d == 129, "wrmsr-takes-100ns", "RDTSC, 4 MOVs, WRMSR, RDTSC: %lu ns", d);
}

static void test_tsc_adjust(void)
{
    if (cpuid(0, 0).a < 7 || !(cpuid(7, 0).b & 2))
        return;
    uint64_t adj0 = rdmsr(0x3b);
    report("tsc-adjust-zero-at-boot", adj0 == 0);
    uint64_t t0 = rdtsc();
    wrmsr(0x3b, adj0 + 1000000000000ull);
    uint64_t t1 = rdtsc();
    reportf(t1 - t0 >= 1000000000000ull && t1 - t0 < 1000000000000ull + 10000000,
            "tsc-adjust-write-moves-tsc", "TSC moved by %lu", t1 - t0);
    reportf(rdmsr(0x3b) == adj0 + 1000000000000ull, "tsc-adjust-readback", "%#lx", rdmsr(0x3b));
    uint64_t before = rdtsc();
    wrmsr(0x10, 0x1000);
    uint64_t adj = rdmsr(0x3b);
    uint64_t delta = adj0 + 1000000000000ull - adj;    /* how far the TSC was set back */
    reportf(delta >= before - 0x1000 && delta < before - 0x1000 + 10000000,
            "tsc-write-moves-tsc-adjust", "ADJUST %#lx, TSC was %#lx", adj, before);
    wrmsr(0x3b, 0);
    uint64_t t2 = rdtsc();
    reportf(t2 >= delta - 1000000000000ull && rdmsr(0x3b) == 0, "tsc-adjust-restored",
            "TSC %#lx", t2);
}

/* CPUID leaf 0x15 (TSC/crystal ratio): when present (EAX, EBX, ECX all
 * nonzero), its TSC frequency agrees with the TSC rate measured against
 * PIT ticks. Only vtx reports the leaf; QEMU TCG gives zeros. */
static void test_cpuid15(void)
{
    if (cpuid(0, 0).a < 0x15)
        return;
    struct cpuid r = cpuid(0x15, 0);
    if (!r.a || !r.b || !r.c)
        return;
    uint64_t hz = (uint64_t)r.c * r.b / r.a;
    uint64_t measured = tsc_per_20_ticks * PIT_HZ / (20ull * TICK_DIV);
    reportf(measured > hz / 100 * 99 && measured < hz / 100 * 101, "tsc-freq-matches-cpuid15",
            "CPUID.15H %lu Hz, measured %lu Hz", hz, measured);
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    set_handler(VEC_IRQ0, irq0_handler);
    set_handler(VEC_SLAVE, rtc_handler);
    set_handler(VEC_IRQ0 + 7, spurious_handler);
    set_handler(VEC_SLAVE + 7, spurious_handler);
    test_bios_pit();
    test_pic();
    test_irq0();
    test_eoi_and_mask();
    test_ch2();
    test_cmos();
    test_rtc_update_alarm();
    test_rtc_periodic();
    test_tsc_adjust();
    if (!on_qemu)
        test_tsc_costs();
    test_cpuid15();
    outb(0x21, 0xff);
    pit_ch0(0);
    return report_summary();
}
