/* Unit tests of the 8254 PIT: counts and outputs in virtual time, access
 * modes, latch and read-back, BCD, IRQ 0 periods and port 0x61. Time is
 * moved with clock_skip_to on a board without CPUs. */
#include "dev/pic8259.h"
#include "dev/pit8254.h"
#include "machine/machine.h"
#include "test_check.h"

static struct machine *board(void)
{
    char err[200];
    struct machine_config cfg = { .ram = 16 << 20, .devices = true, .no_com1 = true, .ncpu = 1 };
    struct machine *m = machine_new_board_config(&cfg, err, sizeof err);
    struct pic8259 *p = m->pic;
    pic_write(p, 0x20, 0x11); pic_write(p, 0x21, 0x20);
    pic_write(p, 0x21, 0x04); pic_write(p, 0x21, 0x01);
    pic_write(p, 0x21, 0xfe);
    return m;
}

/* ns at which `ticks` PIT clocks have passed since t0 (rounded up). */
static uint64_t at(uint64_t t0, uint64_t ticks)
{
    return t0 + (ticks * CLOCK_NS_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

static uint16_t latch(struct pit8254 *p, int c)
{
    pit_write(p, 0x43, (uint8_t)(c << 6));
    uint8_t lo = pit_read(p, (uint16_t)(0x40 + c));
    return (uint16_t)(lo | pit_read(p, (uint16_t)(0x40 + c)) << 8);
}

static void program(struct pit8254 *p, int c, int mode, uint16_t count)
{
    pit_write(p, 0x43, (uint8_t)(c << 6 | 0x30 | mode << 1));
    pit_write(p, (uint16_t)(0x40 + c), (uint8_t)count);
    pit_write(p, (uint16_t)(0x40 + c), (uint8_t)(count >> 8));
}

static void mode2_irq0_period(struct tcase *t)
{
    struct machine *m = board();
    uint64_t t0 = clock_now(m);
    program(m->pit, 0, 2, 1193);
    EXPECT_EQ(t, clock_next(m), at(t0, 1193));
    int irqs = 0;
    while (clock_next(m) <= t0 + CLOCK_NS_PER_SEC) {
        uint64_t k = (uint64_t)irqs + 1;
        EXPECT_EQ(t, clock_next(m), at(t0, k * 1193));
        clock_skip_to(m, clock_next(m));
        EXPECT(t, m->pic->int_out);
        EXPECT_EQ(t, pic_intr_ack(m->pic), 0x20);
        pic_write(m->pic, 0x20, 0x20);
        irqs++;
    }
    EXPECT_EQ(t, irqs, 1000);   /* 1193182 / 1193 = 1000.15 Hz */
    machine_free_board(m);
}

static void counter_and_latch(struct tcase *t)
{
    struct machine *m = board();
    uint64_t t0 = clock_now(m);
    program(m->pit, 0, 2, 1000);
    EXPECT_EQ(t, latch(m->pit, 0), 1000);
    clock_skip_to(m, at(t0, 300));
    pit_write(m->pit, 0x43, 0x00);          /* latch */
    clock_skip_to(m, at(t0, 500));
    EXPECT_EQ(t, pit_read(m->pit, 0x40), (uint8_t)700);
    EXPECT_EQ(t, pit_read(m->pit, 0x40), 700 >> 8);
    EXPECT_EQ(t, latch(m->pit, 0), 500);
    clock_skip_to(m, at(t0, 1250));
    EXPECT_EQ(t, latch(m->pit, 0), 750);    /* reloaded */
    machine_free_board(m);
}

static void access_modes_and_readback(struct tcase *t)
{
    struct machine *m = board();
    uint64_t t0 = clock_now(m);
    pit_write(m->pit, 0x43, 0x94);          /* ch2, LSB only, mode 2 */
    pit_write(m->pit, 0x42, 100);
    clock_skip_to(m, at(t0, 10));
    pit_write(m->pit, 0x61, 0x01);          /* gate up: restarts mode 2 */
    clock_skip_to(m, at(clock_now(m), 10));
    EXPECT_EQ(t, pit_read(m->pit, 0x42), 90);
    pit_write(m->pit, 0x43, 0xa4);          /* ch2, MSB only */
    pit_write(m->pit, 0x43, 0xe8);          /* read-back status of ch2 */
    EXPECT_EQ(t, pit_read(m->pit, 0x42) & 0x7f, 0x64);   /* null count, MSB, mode 2 */
    pit_write(m->pit, 0x42, 0x02);
    pit_write(m->pit, 0x43, 0xc8);          /* read-back count and status */
    EXPECT_EQ(t, pit_read(m->pit, 0x42), 0xa4);          /* OUT high, count loaded */
    EXPECT_EQ(t, pit_read(m->pit, 0x42), 0x02);          /* MSB of 0x200 */
    machine_free_board(m);
}

static void bcd_counting(struct tcase *t)
{
    struct machine *m = board();
    uint64_t t0 = clock_now(m);
    pit_write(m->pit, 0x43, 0x31);          /* ch0, word, mode 0, BCD */
    pit_write(m->pit, 0x40, 0x00);
    pit_write(m->pit, 0x40, 0x10);          /* 1000 */
    clock_skip_to(m, at(t0, 1));
    EXPECT_EQ(t, latch(m->pit, 0), 0x0999);
    EXPECT_EQ(t, clock_next(m), at(t0, 1000));
    machine_free_board(m);
}

static void mode0_one_shot(struct tcase *t)
{
    struct machine *m = board();
    uint64_t t0 = clock_now(m);
    program(m->pit, 0, 0, 50);
    EXPECT(t, !pit_out(m->pit, 0));
    clock_skip_to(m, at(t0, 49));
    EXPECT(t, !pit_out(m->pit, 0));
    EXPECT(t, !m->pic->int_out);
    clock_skip_to(m, at(t0, 50));
    EXPECT(t, pit_out(m->pit, 0));
    EXPECT(t, m->pic->int_out);
    EXPECT_EQ(t, clock_next(m), CLOCK_NEVER);
    machine_free_board(m);
}

static void mode3_square_wave(struct tcase *t)
{
    struct machine *m = board();
    uint64_t t0 = clock_now(m);
    program(m->pit, 0, 3, 100);
    clock_skip_to(m, at(t0, 49));
    EXPECT(t, pit_out(m->pit, 0));
    clock_skip_to(m, at(t0, 50));
    EXPECT(t, !pit_out(m->pit, 0));
    clock_skip_to(m, at(t0, 99));
    EXPECT(t, !pit_out(m->pit, 0));
    clock_skip_to(m, at(t0, 100));
    EXPECT(t, pit_out(m->pit, 0));
    machine_free_board(m);
}

static void port61_channel2(struct tcase *t)
{
    struct machine *m = board();
    pit_write(m->pit, 0x61, 0x03);
    EXPECT_EQ(t, pit_read(m->pit, 0x61) & 0x03, 0x03);
    program(m->pit, 2, 0, 1000);
    uint64_t t0 = clock_now(m);
    EXPECT_EQ(t, pit_read(m->pit, 0x61) & 0x20, 0);
    clock_skip_to(m, at(t0, 1000));
    EXPECT_EQ(t, pit_read(m->pit, 0x61) & 0x20, 0x20);
    /* Mode 1 waits for a gate trigger. */
    pit_write(m->pit, 0x61, 0x00);
    program(m->pit, 2, 1, 10);
    clock_skip_to(m, at(clock_now(m), 100));
    EXPECT_EQ(t, latch(m->pit, 2), 10);
    pit_write(m->pit, 0x61, 0x01);
    EXPECT_EQ(t, pit_read(m->pit, 0x61) & 0x20, 0);
    clock_skip_to(m, at(clock_now(m), 10));
    EXPECT_EQ(t, pit_read(m->pit, 0x61) & 0x20, 0x20);
    machine_free_board(m);
}

/* Datasheet "Gate Pin Operations Summary": in modes 0 and 4 a low gate
 * suspends counting and a high one resumes it from the held count. */
static void gate_suspends_modes_0_4(struct tcase *t)
{
    struct machine *m = board();
    for (int mode = 0; mode <= 4; mode += 4) {
        pit_write(m->pit, 0x61, 0x01);
        program(m->pit, 2, mode, 1000);
        uint64_t t0 = clock_now(m);
        clock_skip_to(m, at(t0, 300));
        EXPECT_EQ(t, latch(m->pit, 2), 700);
        pit_write(m->pit, 0x61, 0x00);            /* gate low: hold */
        clock_skip_to(m, at(clock_now(m), 5000));
        EXPECT_EQ(t, latch(m->pit, 2), 700);
        EXPECT_EQ(t, pit_read(m->pit, 0x61) & 0x20, mode == 4 ? 0x20 : 0);
        uint64_t t1 = clock_now(m);
        pit_write(m->pit, 0x61, 0x01);            /* resume */
        clock_skip_to(m, at(t1, 699));
        EXPECT_EQ(t, pit_read(m->pit, 0x61) & 0x20, mode == 4 ? 0x20 : 0);
        clock_skip_to(m, at(t1, 700));
        EXPECT_EQ(t, latch(m->pit, 2), 0);
        EXPECT_EQ(t, pit_read(m->pit, 0x61) & 0x20, mode == 4 ? 0 : 0x20);
    }
    machine_free_board(m);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(mode2_irq0_period), TEST(counter_and_latch), TEST(access_modes_and_readback),
        TEST(bcd_counting), TEST(mode0_one_shot), TEST(mode3_square_wave), TEST(port61_channel2),
        TEST(gate_suspends_modes_0_4),
    };
    return RUN_TESTS(tests);
}
