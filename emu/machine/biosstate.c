/* The interrupt hardware as SeaBIOS leaves it when QEMU boots a multiboot
 * kernel, for kernels that rely on it (kvm-unit-tests' realmode.flat waits
 * in HLT for the BIOS timer tick):
 *   - the 8259 pair initialised with vectors 0x08 (master) and 0x70
 *     (slave), cascade on IR2, 8086 mode; IRQ 0, 1, 2 and 8 unmasked;
 *   - the 8254's channel 0 in mode 2 with count 0 (65536): IRQ 0 at
 *     18.2 Hz;
 *   - the real-mode IVT: every vector points into a small ROM in the BIOS
 *     area (BIOS_STUB_BASE) — IRQ 0-7 and 8-15 to handlers that send the
 *     PICs a non-specific EOI and return, every other vector to an IRET.
 * vtx has no BIOS services behind these: no INT 10h/13h/15h/16h, no tick
 * count in the BIOS data area. A kernel that enables interrupts without
 * reprogramming the PICs sees IRQ 0 on vector 8, as on QEMU. */
#include "biosstate.h"

#include <string.h>

#include "bytes.h"
#include "dev/pic8259.h"
#include "dev/pit8254.h"
#include "machine.h"

#define BIOS_STUB_SEG  0xF000u
#define BIOS_STUB_OFF  0xF000u
#define BIOS_STUB_BASE (BIOS_STUB_SEG * 16 + BIOS_STUB_OFF)   /* 0xFF000 */

/* push ax; mov al, 0x20; out 0x20, al; pop ax; iret */
static const uint8_t irq_master[] = { 0x50, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf };
/* push ax; mov al, 0x20; out 0xa0, al; out 0x20, al; pop ax; iret */
static const uint8_t irq_slave[] = { 0x50, 0xb0, 0x20, 0xe6, 0xa0, 0xe6, 0x20, 0x58, 0xcf };
static const uint8_t iret_only[] = { 0xcf };

enum { OFF_IRET = 0, OFF_MASTER = 0x10, OFF_SLAVE = 0x20 };

static void pic_setup(struct pic8259 *p)
{
    static const uint8_t seq[][2] = {
        { 0x20, 0x11 }, { 0x21, 0x08 }, { 0x21, 0x04 }, { 0x21, 0x01 },   /* master */
        { 0xa0, 0x11 }, { 0xa1, 0x70 }, { 0xa1, 0x02 }, { 0xa1, 0x01 },   /* slave */
        { 0x21, 0xf8 }, { 0xa1, 0xfe },                                    /* masks */
    };
    for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++)
        pic_write(p, seq[i][0], seq[i][1]);
}

void bios_leave_state(struct machine *m)
{
    if (!m->pic || !m->pit)
        return;
    uint8_t rom[0x30];
    memset(rom, 0xcf, sizeof rom);
    memcpy(rom + OFF_IRET, iret_only, sizeof iret_only);
    memcpy(rom + OFF_MASTER, irq_master, sizeof irq_master);
    memcpy(rom + OFF_SLAVE, irq_slave, sizeof irq_slave);
    if (!phys_copy_in(m, BIOS_STUB_BASE, rom, sizeof rom))
        return;                          /* under 1 MiB of RAM: no ROM, no IVT */
    uint8_t ivt[256 * 4];
    for (int v = 0; v < 256; v++) {
        unsigned off = BIOS_STUB_OFF + ((v >= 0x08 && v < 0x10) ? OFF_MASTER
                                        : (v >= 0x70 && v < 0x78) ? OFF_SLAVE : OFF_IRET);
        put_le(ivt + 4 * v, off | (uint32_t)BIOS_STUB_SEG << 16, 4);
    }
    phys_copy_in(m, 0, ivt, sizeof ivt);
    pic_setup(m->pic);
    pit_write(m->pit, 0x43, 0x34);       /* channel 0, LSB+MSB, mode 2 */
    pit_write(m->pit, 0x40, 0);
    pit_write(m->pit, 0x40, 0);
}
