/* Unit tests of the RTC and CMOS RAM: the deterministic time (2026-01-01
 * 00:00:00 UTC at machine time 0) in BCD and binary, 12/24-hour, status
 * registers, setting the time, the periodic, update-ended and alarm
 * interrupts on IRQ 8, UIP, SET, and the
 * memory-size bytes. Time is moved with clock_skip_to on a board without
 * CPUs. */
#include "dev/cmos.h"
#include "dev/pic8259.h"
#include "machine/machine.h"
#include "test_check.h"

static struct machine *board(uint64_t ram)
{
    char err[200];
    struct machine_config cfg = { .ram = ram, .devices = true, .no_com1 = true, .ncpu = 2 };
    return machine_new_board_config(&cfg, err, sizeof err);
}

static uint8_t rd(struct cmos *c, uint8_t reg)
{
    cmos_write(c, 0x70, reg);
    return cmos_read(c, 0x71);
}

static void wr(struct cmos *c, uint8_t reg, uint8_t val)
{
    cmos_write(c, 0x70, reg);
    cmos_write(c, 0x71, val);
}

static void epoch_in_bcd(struct tcase *t)
{
    struct machine *m = board(128 << 20);
    struct cmos *c = m->cmos;
    EXPECT_EQ(t, rd(c, 0), 0x00);
    EXPECT_EQ(t, rd(c, 2), 0x00);
    EXPECT_EQ(t, rd(c, 4), 0x00);
    EXPECT_EQ(t, rd(c, 6), 5);              /* Thursday */
    EXPECT_EQ(t, rd(c, 7), 0x01);
    EXPECT_EQ(t, rd(c, 8), 0x01);
    EXPECT_EQ(t, rd(c, 9), 0x26);
    EXPECT_EQ(t, rd(c, 0x32), 0x20);
    clock_skip_to(m, 3661 * CLOCK_NS_PER_SEC + CLOCK_NS_PER_SEC / 2);
    EXPECT_EQ(t, rd(c, 0), 0x01);
    EXPECT_EQ(t, rd(c, 2), 0x01);
    EXPECT_EQ(t, rd(c, 4), 0x01);
    clock_skip_to(m, (31 + 28) * 86400 * CLOCK_NS_PER_SEC + 59 * CLOCK_NS_PER_SEC);
    EXPECT_EQ(t, rd(c, 7), 0x01);           /* 2026-03-01 */
    EXPECT_EQ(t, rd(c, 8), 0x03);
    EXPECT_EQ(t, rd(c, 0), 0x59);
    machine_free_board(m);
}

static void formats(struct tcase *t)
{
    struct machine *m = board(128 << 20);
    struct cmos *c = m->cmos;
    EXPECT_EQ(t, rd(c, 0x0b), 0x02);
    clock_skip_to(m, (13 * 3600 + 45 * 60) * CLOCK_NS_PER_SEC);
    EXPECT_EQ(t, rd(c, 4), 0x13);
    wr(c, 0x0b, 0x00);                      /* 12-hour BCD */
    EXPECT_EQ(t, rd(c, 4), 0x81);           /* 1 PM */
    wr(c, 0x0b, 0x06);                      /* 24-hour binary */
    EXPECT_EQ(t, rd(c, 4), 13);
    EXPECT_EQ(t, rd(c, 2), 45);
    EXPECT_EQ(t, rd(c, 9), 26);
    machine_free_board(m);
}

static void status_registers(struct tcase *t)
{
    struct machine *m = board(128 << 20);
    struct cmos *c = m->cmos;
    EXPECT_EQ(t, rd(c, 0x0a), 0x26);
    EXPECT_EQ(t, rd(c, 0x0d), 0x80);
    EXPECT_EQ(t, rd(c, 0x0c), 0x00);
    cmos_write(c, 0x70, 0x8f);
    EXPECT(t, c->nmi_disabled);
    cmos_write(c, 0x71, 0x5a);
    cmos_write(c, 0x70, 0x0f);
    EXPECT(t, !c->nmi_disabled);
    EXPECT_EQ(t, cmos_read(c, 0x71), 0x5a);
    machine_free_board(m);
}

static void set_time(struct tcase *t)
{
    struct machine *m = board(128 << 20);
    struct cmos *c = m->cmos;
    wr(c, 4, 0x22);
    wr(c, 2, 0x30);
    wr(c, 9, 0x27);
    clock_skip_to(m, 10 * CLOCK_NS_PER_SEC);
    EXPECT_EQ(t, rd(c, 4), 0x22);
    EXPECT_EQ(t, rd(c, 2), 0x30);
    EXPECT_EQ(t, rd(c, 0), 0x10);
    EXPECT_EQ(t, rd(c, 9), 0x27);
    machine_free_board(m);
}

/* Both PICs initialised (vectors 0x20, 0x28), only IRQ 8 let through. */
static void pics_for_irq8(struct pic8259 *p)
{
    pic_write(p, 0x20, 0x11); pic_write(p, 0x21, 0x20); pic_write(p, 0x21, 0x04); pic_write(p, 0x21, 0x01);
    pic_write(p, 0xa0, 0x11); pic_write(p, 0xa1, 0x28); pic_write(p, 0xa1, 0x02); pic_write(p, 0xa1, 0x01);
    pic_write(p, 0x21, 0xfb); pic_write(p, 0xa1, 0xfe);
}

static void ack_irq8(struct tcase *t, struct pic8259 *p)
{
    EXPECT(t, p->int_out);
    EXPECT_EQ(t, pic_intr_ack(p), 0x28);
    pic_write(p, 0xa0, 0x20);
    pic_write(p, 0x20, 0x20);
}

static void periodic_irq8(struct tcase *t)
{
    struct machine *m = board(128 << 20);
    struct cmos *c = m->cmos;
    struct pic8259 *p = m->pic;
    pics_for_irq8(p);
    EXPECT_EQ(t, clock_next(m), CLOCK_NEVER);
    wr(c, 0x0b, 0x42);                      /* PIE, 1024 Hz from A = 0x26 */
    int n = 0;
    while (clock_next(m) <= CLOCK_NS_PER_SEC) {
        clock_skip_to(m, clock_next(m));
        ack_irq8(t, p);
        /* IRQF | PF, cleared by the read (and UF once a second is over) */
        EXPECT_EQ(t, rd(c, 0x0c) & ~0x10, 0xc0);
        n++;
    }
    EXPECT_EQ(t, n, 1024);
    wr(c, 0x0b, 0x02);
    EXPECT_EQ(t, clock_next(m), CLOCK_NEVER);
    machine_free_board(m);
}

/* MC146818 datasheet: UIP, the update-ended and alarm flags and
 * interrupts, and SET stopping the clock. */
static void update_alarm_and_set(struct tcase *t)
{
    const uint64_t s = CLOCK_NS_PER_SEC;
    struct machine *m = board(128 << 20);
    struct cmos *c = m->cmos;
    struct pic8259 *p = m->pic;
    pics_for_irq8(p);
    clock_skip_to(m, s - 300000);
    EXPECT_EQ(t, rd(c, 0x0a) & 0x80, 0);
    clock_skip_to(m, s - 200000);
    EXPECT_EQ(t, rd(c, 0x0a) & 0x80, 0x80);     /* UIP: update within 244 us */
    clock_skip_to(m, s);
    EXPECT_EQ(t, rd(c, 0x0a) & 0x80, 0);
    EXPECT_EQ(t, rd(c, 0x0c), 0x10);            /* UF; UIE off: no IRQF */
    EXPECT_EQ(t, rd(c, 0x0c), 0x00);
    EXPECT(t, !p->int_out);
    wr(c, 0x0b, 0x12);                          /* UIE */
    EXPECT_EQ(t, clock_next(m), 2 * s);
    clock_skip_to(m, clock_next(m));
    ack_irq8(t, p);
    EXPECT_EQ(t, rd(c, 0x0c), 0x90);
    wr(c, 0x0b, 0x22);                          /* AIE only; alarm 00:00:05 */
    wr(c, 1, 0x05); wr(c, 3, 0x00); wr(c, 5, 0x00);
    clock_skip_to(m, 4 * s + s / 2);
    EXPECT(t, !p->int_out);
    EXPECT_EQ(t, rd(c, 0x0c), 0x10);
    clock_skip_to(m, 5 * s);
    ack_irq8(t, p);
    EXPECT_EQ(t, rd(c, 0x0c), 0xb0);            /* IRQF | AF | UF */
    wr(c, 1, 0xff);                             /* seconds: don't care */
    clock_skip_to(m, 6 * s);
    ack_irq8(t, p);
    EXPECT_EQ(t, rd(c, 0x0c), 0xb0);
    wr(c, 0x0b, 0x92);                          /* SET (clears UIE) */
    EXPECT_EQ(t, rd(c, 0x0b), 0x82);
    clock_skip_to(m, 10 * s);
    EXPECT_EQ(t, rd(c, 0), 0x06);               /* held at 00:00:06 */
    EXPECT_EQ(t, rd(c, 0x0c), 0x00);            /* no updates */
    wr(c, 0, 0x30);
    wr(c, 0x0b, 0x02);
    clock_skip_to(m, 12 * s);
    EXPECT_EQ(t, rd(c, 0), 0x32);
    machine_free_board(m);
}

static void memory_bytes(struct tcase *t)
{
    struct machine *m = board(128 << 20);
    struct cmos *c = m->cmos;
    EXPECT_EQ(t, rd(c, 0x15) | rd(c, 0x16) << 8, 640);
    EXPECT_EQ(t, rd(c, 0x17) | rd(c, 0x18) << 8, 0xffff);
    EXPECT_EQ(t, rd(c, 0x30) | rd(c, 0x31) << 8, 0xffff);
    EXPECT_EQ(t, rd(c, 0x34) | rd(c, 0x35) << 8, (128 - 16) * 16);
    EXPECT_EQ(t, rd(c, 0x5b) | rd(c, 0x5c) << 8 | rd(c, 0x5d) << 16, 0);
    EXPECT_EQ(t, rd(c, 0x5f), 1);
    machine_free_board(m);
    m = board(32 << 20);
    c = m->cmos;
    EXPECT_EQ(t, rd(c, 0x17) | rd(c, 0x18) << 8, 31 * 1024);
    EXPECT_EQ(t, rd(c, 0x34) | rd(c, 0x35) << 8, 16 * 16);
    machine_free_board(m);
    m = board(5ull << 30);
    c = m->cmos;
    uint64_t high = m->ram_size - m->ram_below_4g;
    EXPECT_EQ(t, rd(c, 0x5b) | rd(c, 0x5c) << 8 | rd(c, 0x5d) << 16, high >> 16);
    EXPECT_EQ(t, rd(c, 0x34) | rd(c, 0x35) << 8, (m->ram_below_4g - (16 << 20)) >> 16);
    machine_free_board(m);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(epoch_in_bcd), TEST(formats), TEST(status_registers), TEST(set_time),
        TEST(periodic_irq8), TEST(update_alarm_and_set), TEST(memory_bytes),
    };
    return RUN_TESTS(tests);
}
