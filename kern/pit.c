/* Busy-waiting on the 8254's channel 2 (mode 0, gate through port 0x61,
 * OUT read back as port 0x61 bit 5): a delay that works the same on any
 * PC, real or emulated, with interrupts as they are. */
#include "kern.h"

void pit_spin(uint16_t count)
{
    outb(0x61, (inb(0x61) & 0x0c) | 0x01);     /* gate on, speaker off */
    outb(0x43, 0xb0);                          /* channel 2, LSB+MSB, mode 0 */
    outb(0x42, (uint8_t)count);
    outb(0x42, (uint8_t)(count >> 8));
    while (!(inb(0x61) & 0x20))
        asm volatile("pause");
}

void delay_ms(int ms)
{
    for (int i = 0; i < ms; i++)
        pit_spin(1193);                        /* 1.193182 MHz */
}
