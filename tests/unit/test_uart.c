/* Unit tests of the 16550A UART: the register behaviour Linux's 8250
 * driver probes, loopback, the line status and the host side. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dev/uart16550.h"
#include "test_check.h"

struct irq_probe {
    int calls;
    bool level;
};

static void irq_cb(void *ctx, bool level)
{
    struct irq_probe *p = ctx;
    p->calls++;
    p->level = level;
}

static void reset_values(struct tcase *t)
{
    struct uart16550 *u = uart_new(-1, -1);
    EXPECT_EQ(t, uart_read(u, UART_IER), 0);
    EXPECT_EQ(t, uart_read(u, UART_IIR), 0x01);
    EXPECT_EQ(t, uart_read(u, UART_LCR), 0);
    EXPECT_EQ(t, uart_read(u, UART_MCR), 0);
    EXPECT_EQ(t, uart_read(u, UART_LSR), 0x60);
    EXPECT_EQ(t, uart_read(u, UART_MSR), 0xB0);
    uart_free(u);
}

static void dlab_selects_the_divisor_latch(struct tcase *t)
{
    struct uart16550 *u = uart_new(-1, -1);
    uart_write(u, UART_IER, 0x05);
    uart_write(u, UART_LCR, 0x83);
    EXPECT_EQ(t, uart_read(u, UART_LCR), 0x83);
    uart_write(u, UART_DLL, 0x01);
    uart_write(u, UART_DLM, 0x02);
    EXPECT_EQ(t, uart_read(u, UART_DLL), 0x01);
    EXPECT_EQ(t, uart_read(u, UART_DLM), 0x02);
    EXPECT_EQ(t, u->divisor, 0x0201);
    uart_write(u, UART_LCR, 0x03);
    EXPECT_EQ(t, uart_read(u, UART_IER), 0x05);   /* IER untouched by DLM */
    uart_write(u, UART_LCR, 0x80);
    EXPECT_EQ(t, uart_read(u, UART_DLM), 0x02);
    uart_free(u);
}

static void ier_keeps_four_bits(struct tcase *t)
{
    /* Linux autoconfig: IER=0 reads 0, IER=0x0F reads 0x0F. */
    struct uart16550 *u = uart_new(-1, -1);
    uart_write(u, UART_IER, 0xFF);
    EXPECT_EQ(t, uart_read(u, UART_IER), 0x0F);
    uart_write(u, UART_IER, 0);
    EXPECT_EQ(t, uart_read(u, UART_IER), 0);
    uart_free(u);
}

static void scratch_holds_a_byte(struct tcase *t)
{
    struct uart16550 *u = uart_new(-1, -1);
    uart_write(u, UART_SCR, 0xA5);
    EXPECT_EQ(t, uart_read(u, UART_SCR), 0xA5);
    uart_write(u, UART_SCR, 0x5A);
    EXPECT_EQ(t, uart_read(u, UART_SCR), 0x5A);
    uart_free(u);
}

static void fifo_enable_shows_in_iir(struct tcase *t)
{
    struct uart16550 *u = uart_new(-1, -1);
    uart_write(u, UART_FCR, 0x01);
    EXPECT_EQ(t, uart_read(u, UART_IIR), 0xC1);   /* 16550A: bits 7:6 set */
    uart_write(u, UART_FCR, 0x21);                /* 64-byte bit: not a 16750 */
    EXPECT_EQ(t, uart_read(u, UART_IIR) >> 5, 6);
    uart_write(u, UART_FCR, 0x00);
    EXPECT_EQ(t, uart_read(u, UART_IIR), 0x01);
    uart_free(u);
}

static void mcr_keeps_five_bits(struct tcase *t)
{
    struct uart16550 *u = uart_new(-1, -1);
    uart_write(u, UART_MCR, 0xFF);
    EXPECT_EQ(t, uart_read(u, UART_MCR), 0x1F);
    uart_free(u);
}

static void loopback_routes_mcr_to_msr(struct tcase *t)
{
    struct uart16550 *u = uart_new(-1, -1);
    /* Linux autoconfig: MCR = LOOP|RTS|OUT2 gives MSR CTS|DCD. */
    uart_write(u, UART_MCR, UART_MCR_LOOP | 0x0A);
    EXPECT_EQ(t, uart_read(u, UART_MSR) & 0xF0, 0x90);
    uart_write(u, UART_MCR, UART_MCR_LOOP | 0x0F);
    EXPECT_EQ(t, uart_read(u, UART_MSR) & 0xF0, 0xF0);
    uart_write(u, UART_MCR, UART_MCR_LOOP);
    uint8_t msr = uart_read(u, UART_MSR);
    EXPECT_EQ(t, msr & 0xF0, 0);
    EXPECT_EQ(t, msr & 0x0F, UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_TERI | UART_MSR_DDCD);
    EXPECT_EQ(t, uart_read(u, UART_MSR), 0);      /* deltas cleared by the read */
    uart_write(u, UART_MCR, 0);
    EXPECT_EQ(t, uart_read(u, UART_MSR) & 0xF0, 0xB0);
    uart_free(u);
}

static void loopback_routes_thr_to_rbr(struct tcase *t)
{
    int out[2];
    EXPECT(t, pipe(out) == 0);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    struct uart16550 *u = uart_new(-1, out[1]);
    uart_write(u, UART_MCR, UART_MCR_LOOP);
    EXPECT_EQ(t, uart_read(u, UART_LSR) & UART_LSR_DR, 0);
    uart_write(u, UART_THR, 'Z');
    uart_write(u, UART_THR, '\n');
    EXPECT_EQ(t, uart_read(u, UART_LSR), 0x61);
    EXPECT_EQ(t, uart_read(u, UART_RBR), 'Z');
    EXPECT_EQ(t, uart_read(u, UART_RBR), '\n');
    EXPECT_EQ(t, uart_read(u, UART_LSR), 0x60);
    uart_flush(u);
    char buf[4];
    EXPECT(t, read(out[0], buf, sizeof buf) < 0);   /* nothing went out */
    uart_free(u);
    close(out[0]);
    close(out[1]);
}

static void transmit_goes_to_the_host(struct tcase *t)
{
    int out[2];
    EXPECT(t, pipe(out) == 0);
    struct uart16550 *u = uart_new(-1, out[1]);
    for (const char *s = "hi\n"; *s; s++) {
        EXPECT(t, uart_read(u, UART_LSR) & UART_LSR_THRE);
        uart_write(u, UART_THR, (uint8_t)*s);
    }
    char buf[8] = { 0 };
    EXPECT_EQ(t, read(out[0], buf, sizeof buf - 1), 3);   /* flushed at newline */
    EXPECT_STR(t, buf, "hi\n");
    uart_write(u, UART_THR, 'x');
    uart_free(u);   /* flushes */
    EXPECT_EQ(t, read(out[0], buf, 1), 1);
    EXPECT_EQ(t, buf[0], 'x');
    close(out[0]);
    close(out[1]);
}

static void input_sets_data_ready(struct tcase *t)
{
    int in[2];
    EXPECT(t, pipe(in) == 0);
    struct uart16550 *u = uart_new(in[0], -1);
    EXPECT_EQ(t, uart_read(u, UART_LSR) & UART_LSR_DR, 0);   /* nothing yet: no block */
    EXPECT(t, write(in[1], "ab", 2) == 2);
    EXPECT_EQ(t, uart_read(u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
    EXPECT_EQ(t, uart_read(u, UART_RBR), 'a');
    EXPECT_EQ(t, uart_read(u, UART_RBR), 'b');
    EXPECT_EQ(t, uart_read(u, UART_LSR) & UART_LSR_DR, 0);
    close(in[1]);
    EXPECT_EQ(t, uart_read(u, UART_LSR) & UART_LSR_DR, 0);   /* EOF */
    EXPECT(t, u->in_eof);
    uart_free(u);
    close(in[0]);
}

static void thre_interrupt_is_cleared_by_reading_iir(struct tcase *t)
{
    struct irq_probe p = { 0 };
    struct uart16550 *u = uart_new(-1, -1);
    u->irq = irq_cb;
    u->irq_ctx = &p;
    uart_write(u, UART_FCR, 0x01);
    uart_write(u, UART_IER, UART_IER_THRI);
    EXPECT(t, p.level);
    EXPECT_EQ(t, uart_read(u, UART_IIR), 0xC2);
    EXPECT(t, !p.level);
    EXPECT_EQ(t, uart_read(u, UART_IIR), 0xC1);
    /* Linux's THRE test: re-enabling ETBEI raises it again. */
    uart_write(u, UART_IER, 0);
    uart_write(u, UART_IER, UART_IER_THRI);
    EXPECT_EQ(t, uart_read(u, UART_IIR), 0xC2);
    uart_write(u, UART_THR, 'a');   /* sent at once: THR empty again */
    EXPECT_EQ(t, uart_read(u, UART_IIR), 0xC2);
    uart_free(u);
}

static void received_data_interrupt_has_priority(struct tcase *t)
{
    struct uart16550 *u = uart_new(-1, -1);
    uart_write(u, UART_MCR, UART_MCR_LOOP);
    uart_write(u, UART_IER, UART_IER_RDI | UART_IER_THRI);
    uart_write(u, UART_THR, 'q');
    EXPECT_EQ(t, uart_read(u, UART_IIR), 0x04);
    EXPECT_EQ(t, uart_read(u, UART_RBR), 'q');
    EXPECT_EQ(t, uart_read(u, UART_IIR), 0x02);
    uart_free(u);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(reset_values),
        TEST(dlab_selects_the_divisor_latch),
        TEST(ier_keeps_four_bits),
        TEST(scratch_holds_a_byte),
        TEST(fifo_enable_shows_in_iir),
        TEST(mcr_keeps_five_bits),
        TEST(loopback_routes_mcr_to_msr),
        TEST(loopback_routes_thr_to_rbr),
        TEST(transmit_goes_to_the_host),
        TEST(input_sets_data_ready),
        TEST(thre_interrupt_is_cleared_by_reading_iir),
        TEST(received_data_interrupt_has_priority),
    };
    return RUN_TESTS(tests);
}
