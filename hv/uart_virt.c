/* A virtual 16550A UART at COM1 (ports 3F8H-3FFH) for each VM: output
 * only, always ready to send, never anything to receive, no interrupts.
 * Register map: National Semiconductor PC16550D data sheet, "Registers"
 * (THR/RBR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR; DLL/DLM when LCR.DLAB). */
#include "hv.h"

#define UART_LCR_DLAB  0x80
#define UART_LSR_THRE  0x20     /* transmit holding register empty */
#define UART_LSR_TEMT  0x40     /* transmitter empty */
#define UART_IIR_NONE  0x01     /* no interrupt pending */
#define UART_IIR_FIFO  0xc0     /* FIFOs enabled */
#define UART_MSR_CONNECTED 0xb0 /* DCD, DSR, CTS */

uint32_t uart_read(struct vm *vm, unsigned reg)
{
    struct uart *u = &vm->uart;
    switch (reg) {
    case 0: return (u->lcr & UART_LCR_DLAB) ? u->dll : 0;      /* RBR: nothing */
    case 1: return (u->lcr & UART_LCR_DLAB) ? u->dlm : u->ier;
    case 2: return UART_IIR_NONE | ((u->fcr & 1) ? UART_IIR_FIFO : 0);
    case 3: return u->lcr;
    case 4: return u->mcr;
    case 5: return UART_LSR_THRE | UART_LSR_TEMT;
    case 6: return UART_MSR_CONNECTED;
    default: return u->scr;
    }
}

void uart_write(struct vm *vm, unsigned reg, uint8_t v)
{
    struct uart *u = &vm->uart;
    switch (reg) {
    case 0:
        if (u->lcr & UART_LCR_DLAB) u->dll = v;
        else console_putc(vm, (char)v);                     /* THR */
        break;
    case 1:
        if (u->lcr & UART_LCR_DLAB) u->dlm = v;
        else u->ier = v & 0x0f;
        break;
    case 2: u->fcr = v; break;
    case 3: u->lcr = v; break;
    case 4: u->mcr = v & 0x1f; break;
    case 7: u->scr = v; break;
    default: break;                                         /* LSR, MSR: read-only */
    }
}
