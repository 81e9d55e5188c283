/* COM1 16550 UART: 115200 8N1, polled output. */
#include "kern.h"

#define COM1 0x3f8
#define LSR_THRE (1u << 5)      /* transmit holding register empty */
#define LSR_TEMT (1u << 6)      /* transmitter empty */

void serial_init(void)
{
    outb(COM1 + 1, 0x00);       /* IER: no interrupts */
    outb(COM1 + 3, 0x80);       /* LCR: DLAB */
    outb(COM1 + 0, 0x01);       /* divisor 1 = 115200 */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);       /* 8N1 */
    outb(COM1 + 2, 0x07);       /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);       /* DTR, RTS */
}

void serial_putc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    while (!(inb(COM1 + 5) & LSR_THRE))
        ;
    outb(COM1, (uint8_t)c);
}

void serial_wait_idle(void)
{
    while (!(inb(COM1 + 5) & LSR_TEMT))
        ;
}
