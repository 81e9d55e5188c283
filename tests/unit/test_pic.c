/* Unit tests of the 8259A PIC pair: initialization, priorities, EOI,
 * cascade, spurious vectors, edge/level (ELCR), poll, rotation, AEOI. */
#include "dev/pic8259.h"
#include "machine/machine.h"
#include "test_check.h"

static struct machine *board(void)
{
    char err[200];
    struct machine_config cfg = { .ram = 16 << 20, .devices = true, .no_com1 = true, .ncpu = 1 };
    return machine_new_board_config(&cfg, err, sizeof err);
}

/* The usual remap: master 0x20, slave 0x28, everything unmasked. */
static struct pic8259 *init(struct machine *m, uint8_t icw4)
{
    struct pic8259 *p = m->pic;
    pic_write(p, 0x20, 0x11); pic_write(p, 0xa0, 0x11);
    pic_write(p, 0x21, 0x20); pic_write(p, 0xa1, 0x28);
    pic_write(p, 0x21, 0x04); pic_write(p, 0xa1, 0x02);
    pic_write(p, 0x21, icw4); pic_write(p, 0xa1, icw4);
    pic_write(p, 0x21, 0x00); pic_write(p, 0xa1, 0x00);
    return p;
}

static uint8_t isr(struct pic8259 *p, uint16_t port)
{
    pic_write(p, port, 0x0b);
    return pic_read(p, port);
}

static uint8_t irr(struct pic8259 *p, uint16_t port)
{
    pic_write(p, port, 0x0a);
    return pic_read(p, port);
}

static void vector_isr_and_eoi(struct tcase *t)
{
    struct machine *m = board();
    struct pic8259 *p = init(m, 0x01);
    EXPECT(t, !p->int_out);
    pic_set_irq(p, 3, true);
    EXPECT(t, p->int_out);
    EXPECT_EQ(t, irr(p, 0x20), 0x08);
    EXPECT_EQ(t, pic_intr_ack(p), 0x23);
    EXPECT_EQ(t, isr(p, 0x20), 0x08);
    EXPECT_EQ(t, irr(p, 0x20), 0x00);      /* edge: cleared by INTA */
    EXPECT(t, !p->int_out);
    pic_write(p, 0x20, 0x20);              /* non-specific EOI */
    EXPECT_EQ(t, isr(p, 0x20), 0);
    machine_free_board(m);
}

static void priorities_and_nesting(struct tcase *t)
{
    struct machine *m = board();
    struct pic8259 *p = init(m, 0x01);
    pic_set_irq(p, 5, true);
    pic_set_irq(p, 1, true);
    EXPECT_EQ(t, pic_intr_ack(p), 0x21);   /* IR1 before IR5 */
    EXPECT(t, !p->int_out);                /* IR5 waits for IR1's EOI */
    pic_set_irq(p, 0, true);
    EXPECT(t, p->int_out);                 /* IR0 nests */
    EXPECT_EQ(t, pic_intr_ack(p), 0x20);
    EXPECT_EQ(t, isr(p, 0x20), 0x03);
    pic_write(p, 0x20, 0x20);              /* clears IR0, the highest */
    EXPECT_EQ(t, isr(p, 0x20), 0x02);
    pic_write(p, 0x20, 0x61);              /* specific EOI for IR1 */
    EXPECT_EQ(t, isr(p, 0x20), 0x00);
    EXPECT(t, p->int_out);
    EXPECT_EQ(t, pic_intr_ack(p), 0x25);
    machine_free_board(m);
}

static void mask_holds_request(struct tcase *t)
{
    struct machine *m = board();
    struct pic8259 *p = init(m, 0x01);
    pic_write(p, 0x21, 0x01);
    EXPECT_EQ(t, pic_read(p, 0x21), 0x01);
    pic_set_irq(p, 0, true);
    EXPECT(t, !p->int_out);
    EXPECT_EQ(t, irr(p, 0x20), 0x01);
    pic_write(p, 0x21, 0x00);
    EXPECT(t, p->int_out);
    machine_free_board(m);
}

static void cascade(struct tcase *t)
{
    struct machine *m = board();
    struct pic8259 *p = init(m, 0x01);
    pic_set_irq(p, 10, true);
    EXPECT(t, p->int_out);
    EXPECT_EQ(t, pic_intr_ack(p), 0x2a);
    EXPECT_EQ(t, isr(p, 0x20), 0x04);
    EXPECT_EQ(t, isr(p, 0xa0), 0x04);
    pic_write(p, 0xa0, 0x20);
    pic_write(p, 0x20, 0x20);
    EXPECT_EQ(t, isr(p, 0x20) | isr(p, 0xa0), 0);
    pic_write(p, 0xa1, 0x04);              /* masked on the slave */
    pic_set_irq(p, 10, false);
    pic_set_irq(p, 10, true);
    EXPECT(t, !p->int_out);
    machine_free_board(m);
}

static void spurious(struct tcase *t)
{
    struct machine *m = board();
    struct pic8259 *p = init(m, 0x01);
    EXPECT_EQ(t, pic_intr_ack(p), 0x27);
    EXPECT_EQ(t, isr(p, 0x20), 0);
    /* A level request that goes away before INTA. */
    pic_write(p, 0x4d0, 0x20);             /* IRQ 5 level */
    pic_set_irq(p, 5, true);
    EXPECT(t, p->int_out);
    pic_set_irq(p, 5, false);
    EXPECT(t, !p->int_out);
    EXPECT_EQ(t, pic_intr_ack(p), 0x27);
    /* On the slave: the master latched the cascade edge, the slave has
     * nothing at INTA: spurious IRQ 15, master IR2 in service. */
    pic_write(p, 0x4d1, 0x02);             /* IRQ 9 level */
    pic_set_irq(p, 9, true);
    pic_set_irq(p, 9, false);
    EXPECT(t, p->int_out);
    EXPECT_EQ(t, pic_intr_ack(p), 0x2f);
    EXPECT_EQ(t, isr(p, 0xa0), 0);
    EXPECT_EQ(t, isr(p, 0x20), 0x04);
    machine_free_board(m);
}

static void edge_and_level(struct tcase *t)
{
    struct machine *m = board();
    struct pic8259 *p = init(m, 0x01);
    pic_write(p, 0x4d0, 0xff);
    EXPECT_EQ(t, pic_read(p, 0x4d0), 0xf8);
    pic_write(p, 0x4d1, 0xff);
    EXPECT_EQ(t, pic_read(p, 0x4d1), 0xde);
    pic_write(p, 0x4d0, 0x20);             /* IRQ 5 level, IRQ 6 edge */
    pic_set_irq(p, 5, true);
    EXPECT_EQ(t, pic_intr_ack(p), 0x25);
    pic_write(p, 0x20, 0x20);
    EXPECT(t, p->int_out);                 /* still asserted: requests again */
    pic_set_irq(p, 5, false);
    EXPECT(t, !p->int_out);
    pic_set_irq(p, 6, true);
    EXPECT_EQ(t, pic_intr_ack(p), 0x26);
    pic_write(p, 0x20, 0x20);
    pic_set_irq(p, 6, true);               /* no new edge */
    EXPECT(t, !p->int_out);
    pic_set_irq(p, 6, false);
    pic_set_irq(p, 6, true);
    EXPECT(t, p->int_out);
    machine_free_board(m);
}

static void poll_and_rotation(struct tcase *t)
{
    struct machine *m = board();
    struct pic8259 *p = init(m, 0x01);
    pic_set_irq(p, 4, true);
    pic_write(p, 0x20, 0x0c);              /* OCW3 poll */
    EXPECT_EQ(t, pic_read(p, 0x20), 0x84);
    EXPECT_EQ(t, isr(p, 0x20), 0x10);
    pic_write(p, 0x20, 0x20);
    pic_write(p, 0x20, 0x0c);
    EXPECT_EQ(t, pic_read(p, 0x20), 0x00);
    pic_write(p, 0x20, 0xc2);              /* set priority: IR2 lowest */
    pic_set_irq(p, 4, false);
    pic_set_irq(p, 1, true);
    pic_set_irq(p, 4, true);
    EXPECT_EQ(t, pic_intr_ack(p), 0x24);
    pic_write(p, 0x20, 0xa0);              /* rotate on non-specific EOI: IR4 lowest */
    EXPECT_EQ(t, pic_intr_ack(p), 0x21);
    machine_free_board(m);
}

static void auto_eoi(struct tcase *t)
{
    struct machine *m = board();
    struct pic8259 *p = init(m, 0x03);
    pic_set_irq(p, 2 + 1, true);
    EXPECT_EQ(t, pic_intr_ack(p), 0x23);
    EXPECT_EQ(t, isr(p, 0x20), 0);
    machine_free_board(m);
}

static void icw1_resets(struct tcase *t)
{
    struct machine *m = board();
    struct pic8259 *p = init(m, 0x01);
    pic_write(p, 0x21, 0x5a);
    pic_write(p, 0x20, 0x11);
    EXPECT_EQ(t, pic_read(p, 0x21), 0);    /* ICW1 clears IMR */
    pic_write(p, 0x21, 0x40);
    pic_write(p, 0x21, 0x04);
    pic_write(p, 0x21, 0x01);
    pic_write(p, 0x21, 0xfe);
    EXPECT_EQ(t, pic_read(p, 0x21), 0xfe);
    pic_set_irq(p, 0, true);
    EXPECT_EQ(t, pic_intr_ack(p), 0x40);
    machine_free_board(m);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(vector_isr_and_eoi), TEST(priorities_and_nesting), TEST(mask_holds_request),
        TEST(cascade), TEST(spurious), TEST(edge_and_level), TEST(poll_and_rotation),
        TEST(auto_eoi), TEST(icw1_resets),
    };
    return RUN_TESTS(tests);
}
