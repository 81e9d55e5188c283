/* The 16550A UART (COM1 on the PC). */
#ifndef EMU_UART16550_H
#define EMU_UART16550_H

#include <stdbool.h>
#include <stdint.h>

struct bus;
struct chardev;

#define COM1_BASE 0x3F8
#define COM1_IRQ  4

/* Register offsets from the base port (TI PC16550D data sheet, Table II). */
#define UART_RBR 0   /* read, DLAB=0: receiver buffer */
#define UART_THR 0   /* write, DLAB=0: transmitter holding */
#define UART_DLL 0   /* DLAB=1: divisor latch, low byte */
#define UART_IER 1   /* DLAB=0: interrupt enable */
#define UART_DLM 1   /* DLAB=1: divisor latch, high byte */
#define UART_IIR 2   /* read: interrupt identification */
#define UART_FCR 2   /* write: FIFO control */
#define UART_LCR 3   /* line control */
#define UART_MCR 4   /* modem control */
#define UART_LSR 5   /* line status */
#define UART_MSR 6   /* modem status */
#define UART_SCR 7   /* scratch */

#define UART_LCR_DLAB 0x80
#define UART_IER_MASK 0x0F   /* ERBFI, ETBEI, ELSI, EDSSI */
#define UART_IER_RDI  0x01
#define UART_IER_THRI 0x02
#define UART_IER_RLSI 0x04
#define UART_IER_MSI  0x08
#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI  0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI  0x04
#define UART_IIR_FIFO 0xC0   /* both FIFOs enabled (16550A) */
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RCVR 0x02
#define UART_FCR_CLEAR_XMIT 0x04
#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1F
#define UART_LSR_DR   0x01
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS  0x10
#define UART_MSR_DSR  0x20
#define UART_MSR_RI   0x40
#define UART_MSR_DCD  0x80

#define UART_FIFO_SIZE 16

struct uart16550 {
    uint16_t base;
    uint8_t ier, lcr, mcr, scr, fcr;
    uint8_t msr;              /* status bits 7:4 and delta bits 3:0 */
    uint16_t divisor;
    bool thr_ipending;        /* THR-empty interrupt waiting to be read in IIR */

    /* Receiver FIFO (loopback data and host input). */
    uint8_t rx[UART_FIFO_SIZE];
    int rx_head, rx_count;

    /* Host side: the character back end (output buffered there until a
     * newline, a full buffer or a flush; input read from its in_fd without
     * blocking when the guest looks for it). */
    struct chardev *chr;
    bool own_chr;             /* made by uart_new, freed with the UART */
    bool in_eof;

    /* Interrupt line (IRQ 4 for COM1), for the interrupt controller. */
    void (*irq)(void *ctx, bool level);
    void *irq_ctx;
    bool irq_level;
};

/* A UART reading in_fd and writing out_fd (either may be -1). */
struct uart16550 *uart_new(int in_fd, int out_fd);
/* A UART on a back end that outlives it (shared with other devices). */
struct uart16550 *uart_new_chardev(struct chardev *chr);
void uart_free(struct uart16550 *u);
/* Claim the 8 ports at base on the bus; false if they are taken. */
bool uart_attach(struct uart16550 *u, struct bus *b, uint16_t base);
void uart_reset(struct uart16550 *u);
void uart_flush(struct uart16550 *u);

/* Register access by offset 0..7 (the bus callbacks use these). */
uint8_t uart_read(struct uart16550 *u, int reg);
void uart_write(struct uart16550 *u, int reg, uint8_t val);

#endif
