/* The 16550A UART, as on COM1 of a PC (port 0x3F8, IRQ 4).
 * Described by the TI/National "PC16550D Universal Asynchronous
 * Receiver/Transmitter with FIFOs" data sheet; the behaviour modelled is
 * what Linux's 8250 driver probes (autoconfig in 8250_port.c): IER keeps
 * its low four bits, IIR bits 7:6 show the FIFOs, scratch holds a byte,
 * loopback routes MCR to MSR and THR to RBR, and LSR THRE|TEMT are always
 * set because transmission to the host is instantaneous.
 * Host side: output goes to a character back end (chardev.c: buffered
 * until a newline or a flush), input comes from the back end's in_fd,
 * read without blocking when the guest polls. */
#include "uart16550.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "chardev.h"
#include "machine/bus.h"

/* ---- host side ---- */

void uart_flush(struct uart16550 *u)
{
    chardev_flush(u->chr);
}

static void host_put(struct uart16550 *u, uint8_t ch)
{
    chardev_put(u->chr, ch);
}

static void rx_push(struct uart16550 *u, uint8_t ch)
{
    if (u->rx_count == UART_FIFO_SIZE)
        return;   /* overrun: the character is lost */
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = ch;
    u->rx_count++;
}

static uint8_t rx_pop(struct uart16550 *u)
{
    if (u->rx_count == 0)
        return 0;
    uint8_t ch = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    u->rx_count--;
    return ch;
}

/* Take what the host has ready, without blocking, into an empty FIFO.
 * In loopback mode the serial input is disconnected (data sheet, MCR bit 4). */
static void host_poll_input(struct uart16550 *u)
{
    int in_fd = u->chr->in_fd;
    if (u->rx_count || in_fd < 0 || u->in_eof || (u->mcr & UART_MCR_LOOP))
        return;
    struct pollfd p = { .fd = in_fd, .events = POLLIN };
    if (poll(&p, 1, 0) <= 0)
        return;
    uint8_t buf[UART_FIFO_SIZE];
    ssize_t n = (p.revents & POLLNVAL) ? 0 : read(in_fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        u->in_eof = true;
        return;
    }
    for (ssize_t k = 0; k < n; k++)
        rx_push(u, buf[k]);
}

/* ---- interrupts ---- */

/* IIR bits 3:0 by priority (data sheet, Table IV "Interrupt Control
 * Functions"): receiver line status (no errors are modelled), received
 * data, THR empty, modem status. */
static uint8_t iir_id(const struct uart16550 *u)
{
    if ((u->ier & UART_IER_RDI) && u->rx_count)
        return UART_IIR_RDI;
    if ((u->ier & UART_IER_THRI) && u->thr_ipending)
        return UART_IIR_THRI;
    if ((u->ier & UART_IER_MSI) && (u->msr & 0x0F))
        return UART_IIR_MSI;
    return UART_IIR_NO_INT;
}

static void update_irq(struct uart16550 *u)
{
    bool level = iir_id(u) != UART_IIR_NO_INT;
    if (level != u->irq_level) {
        u->irq_level = level;
        if (u->irq)
            u->irq(u->irq_ctx, level);
    }
}

/* ---- modem status ---- */

/* MSR bits 7:4: in loopback, DCD=OUT2, RI=OUT1, DSR=DTR, CTS=RTS (data
 * sheet, MCR bit 4); otherwise a connected terminal (DCD, DSR, CTS). */
static uint8_t modem_lines(const struct uart16550 *u)
{
    if (!(u->mcr & UART_MCR_LOOP))
        return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    uint8_t s = 0;
    if (u->mcr & UART_MCR_RTS)  s |= UART_MSR_CTS;
    if (u->mcr & UART_MCR_DTR)  s |= UART_MSR_DSR;
    if (u->mcr & UART_MCR_OUT1) s |= UART_MSR_RI;
    if (u->mcr & UART_MCR_OUT2) s |= UART_MSR_DCD;
    return s;
}

/* MSR bits 3:0 record changes since the last MSR read; TERI only on RI
 * going from on to off. */
static void update_modem_status(struct uart16550 *u)
{
    uint8_t old = u->msr & 0xF0, now = modem_lines(u), ch = old ^ now;
    uint8_t delta = u->msr & 0x0F;
    if (ch & UART_MSR_CTS) delta |= UART_MSR_DCTS;
    if (ch & UART_MSR_DSR) delta |= UART_MSR_DDSR;
    if (ch & UART_MSR_DCD) delta |= UART_MSR_DDCD;
    if ((old & UART_MSR_RI) && !(now & UART_MSR_RI)) delta |= UART_MSR_TERI;
    u->msr = now | delta;
}

/* ---- registers ---- */

static void write_thr(struct uart16550 *u, uint8_t val)
{
    if (u->mcr & UART_MCR_LOOP)
        rx_push(u, val);   /* loopback: the transmitter feeds the receiver */
    else
        host_put(u, val);
    /* The character left at once: THR is empty again. */
    u->thr_ipending = true;
}

static void write_ier(struct uart16550 *u, uint8_t val)
{
    uint8_t old = u->ier;
    u->ier = val & UART_IER_MASK;   /* bits 7:4 are always 0 */
    /* Enabling ETBEI with THR empty raises the THRE interrupt. */
    if ((u->ier & UART_IER_THRI) && !(old & UART_IER_THRI))
        u->thr_ipending = true;
}

/* FCR bit 0 enables both FIFOs and must be set for the other bits to be
 * programmed; changing it clears the FIFOs. Bits 1, 2 clear RX, TX. */
static void write_fcr(struct uart16550 *u, uint8_t val)
{
    if ((val ^ u->fcr) & UART_FCR_ENABLE)
        u->rx_count = 0;
    if (!(val & UART_FCR_ENABLE)) {
        u->fcr = 0;
        return;
    }
    if (val & UART_FCR_CLEAR_RCVR)
        u->rx_count = 0;
    u->fcr = val & 0xC9;   /* enable, DMA mode, trigger level */
}

static uint8_t read_iir(struct uart16550 *u)
{
    uint8_t id = iir_id(u);
    /* Reading IIR when it names THRE clears that interrupt. */
    if (id == UART_IIR_THRI)
        u->thr_ipending = false;
    return id | ((u->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0);
}

static uint8_t read_lsr(struct uart16550 *u)
{
    host_poll_input(u);
    return UART_LSR_THRE | UART_LSR_TEMT | (u->rx_count ? UART_LSR_DR : 0);
}

static uint8_t read_msr(struct uart16550 *u)
{
    uint8_t v = u->msr;
    u->msr &= 0xF0;   /* reading clears the delta bits */
    return v;
}

static uint8_t read_rbr(struct uart16550 *u)
{
    uart_flush(u);   /* the guest is interactive: show its prompt */
    host_poll_input(u);
    return rx_pop(u);
}

static uint8_t read_reg(struct uart16550 *u, int reg)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (reg) {
    case UART_RBR: return dlab ? (uint8_t)u->divisor : read_rbr(u);
    case UART_IER: return dlab ? (uint8_t)(u->divisor >> 8) : u->ier;
    case UART_IIR: return read_iir(u);
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR: return read_lsr(u);
    case UART_MSR: return read_msr(u);
    default:       return u->scr;
    }
}

static void write_reg(struct uart16550 *u, int reg, uint8_t val)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (reg) {
    case UART_THR:
        if (dlab) u->divisor = (uint16_t)((u->divisor & 0xFF00) | val);
        else write_thr(u, val);
        break;
    case UART_IER:
        if (dlab) u->divisor = (uint16_t)((u->divisor & 0x00FF) | (val << 8));
        else write_ier(u, val);
        break;
    case UART_FCR: write_fcr(u, val); break;
    case UART_LCR: u->lcr = val; break;
    case UART_MCR:
        u->mcr = val & UART_MCR_MASK;   /* bits 7:5 are always 0 */
        update_modem_status(u);
        break;
    case UART_LSR: break;   /* factory test only */
    case UART_MSR: break;   /* read-only */
    default: u->scr = val; break;
    }
}

uint8_t uart_read(struct uart16550 *u, int reg)
{
    uint8_t v = read_reg(u, reg & 7);
    update_irq(u);
    return v;
}

void uart_write(struct uart16550 *u, int reg, uint8_t val)
{
    write_reg(u, reg & 7, val);
    update_irq(u);
}

/* ---- life cycle and bus glue ---- */

/* Master reset values (data sheet, Table VI "UART Reset Configuration");
 * the divisor latch is not reset: it starts at 12 (9600 baud). */
void uart_reset(struct uart16550 *u)
{
    u->ier = u->lcr = u->mcr = u->scr = u->fcr = 0;
    u->thr_ipending = false;
    u->rx_head = u->rx_count = 0;
    u->msr = modem_lines(u);
    update_irq(u);
}

struct uart16550 *uart_new_chardev(struct chardev *chr)
{
    struct uart16550 *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    u->chr = chr;
    u->divisor = 12;
    uart_reset(u);
    return u;
}

struct uart16550 *uart_new(int in_fd, int out_fd)
{
    struct chardev *chr = chardev_new(in_fd, out_fd, false);
    struct uart16550 *u = chr ? uart_new_chardev(chr) : NULL;
    if (!u) {
        chardev_free(chr);
        return NULL;
    }
    u->own_chr = true;
    return u;
}

void uart_free(struct uart16550 *u)
{
    if (!u)
        return;
    uart_flush(u);
    if (u->own_chr)
        chardev_free(u->chr);
    free(u);
}

/* Byte registers: a wider access reaches consecutive registers. */
static uint32_t port_in(void *dev, uint16_t port, int size)
{
    struct uart16550 *u = dev;
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)uart_read(u, port - u->base + k) << (8 * k);
    return v;
}

static void port_out(void *dev, uint16_t port, int size, uint32_t val)
{
    struct uart16550 *u = dev;
    for (int k = 0; k < size; k++)
        uart_write(u, port - u->base + k, (uint8_t)(val >> (8 * k)));
}

bool uart_attach(struct uart16550 *u, struct bus *b, uint16_t base)
{
    u->base = base;
    return bus_add_ports(b, base, 8, port_in, port_out, u) == 0;
}
