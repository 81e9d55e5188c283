/* Leaving the machine: QEMU isa-debug-exit (port 0xf4, QEMU exits with
 * (status << 1) | 1) and the Bochs shutdown port 0x8900. */
#include "kern.h"

void kexit(int status)
{
    serial_wait_idle();                 /* LSR.TEMT: let the last byte out */
    outl(0xf4, (uint32_t)status);
    for (const char *s = "Shutdown"; *s; s++)
        outb(0x8900, (uint8_t)*s);
    for (;;)
        asm volatile("cli; hlt");
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL panic: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    kexit(1);
}
