/* The I/O APIC at 0xFEC00000 (82093AA; the MADT names it with ID 0, GSI
 * base 0): ID and version registers, redirection entries, and interrupts
 * from pc-testdev's IRQ line ports (tests/run-guest.sh adds -device
 * pc-testdev) through the local APIC with the 8259 masked: edge-triggered
 * delivery, and level-triggered remote IRR set on delivery, cleared by the
 * local APIC's EOI (the TMR bit is set for the vector), with a line still
 * asserted delivered again. */
#include "kern.h"

#define IOAPIC 0xFEC00000ull
#define APIC 0xFEE00000ull
/* pc-testdev port 0x200e: ISA IRQ 14 -> GSI 14 (as kvm-unit-tests use).
 * Lines 16-23 (ports 0x2010-0x2017) reach GSIs 16-23 on vtx, but QEMU's
 * pc-testdev aborts on them (isa_get_irq asserts irq < 16). */
#define LINE 14
#define VEC_IO 0x61
#define VEC_SPURIOUS 0xff

static volatile uint32_t io_ints, io_remote_irr, io_tmr, io_masked;
static bool eoi_in_handler, mask_in_handler;
static uint32_t drop_line_at;           /* deassert the line at this count */

static void io_sel(uint32_t r) { *(volatile uint32_t *)(uintptr_t)IOAPIC = r; }
static uint32_t io_rd(uint32_t r) { io_sel(r); return *(volatile uint32_t *)(uintptr_t)(IOAPIC + 0x10); }
static void io_wr(uint32_t r, uint32_t v) { io_sel(r); *(volatile uint32_t *)(uintptr_t)(IOAPIC + 0x10) = v; }
static uint32_t apic_rd(uint32_t off) { return *(volatile uint32_t *)(uintptr_t)(APIC + off); }
static void apic_wr(uint32_t off, uint32_t v) { *(volatile uint32_t *)(uintptr_t)(APIC + off) = v; }
static void set_line(int level) { outb((uint16_t)(0x2000 + LINE), (uint8_t)level); }

static uint32_t redir_lo(void) { return io_rd(0x10 + 2 * LINE); }

static void io_handler(struct intr_frame *f)
{
    (void)f;
    io_ints++;
    io_remote_irr = redir_lo() >> 14 & 1;
    io_tmr = apic_rd(0x180 + 0x10 * (VEC_IO >> 5)) >> (VEC_IO & 31) & 1;
    if (drop_line_at && io_ints == drop_line_at)
        set_line(0);
    if (mask_in_handler)
        io_wr(0x10 + 2 * LINE, redir_lo() | (1u << 16));
    if (eoi_in_handler)
        apic_wr(0xb0, 0);
}

static void spurious_handler(struct intr_frame *f) { (void)f; }

static void settle(void)
{
    for (int i = 0; i < 100; i++)
        asm volatile("nop");
}

static void test_registers(void)
{
    uint32_t id = io_rd(0), ver = io_rd(1);
    reportf((id >> 24 & 0xf) == 0, "ioapic-id-zero", "ID reg %#x", id);
    reportf((ver & 0xff) == 0x11 || (ver & 0xff) == 0x20, "ioapic-version", "%#x", ver);
    reportf((ver >> 16 & 0xff) == 23, "ioapic-24-entries", "max redirection entry %u", ver >> 16 & 0xff);
    uint32_t e = redir_lo();
    reportf(e & (1u << 16), "ioapic-entry-masked-at-boot", "%#x", e);
    io_wr(0x10 + 2 * LINE + 1, 0x01000000);
    io_wr(0x10 + 2 * LINE, 0x10000 | 0x2000 | 0x800 | 0x0300 | 0x42);
    uint32_t lo = redir_lo(), hi = io_rd(0x10 + 2 * LINE + 1);
    reportf(lo == (0x10000 | 0x2000 | 0x800 | 0x0100 | 0x42) || lo == 0x12b42,
            "ioapic-entry-readback", "lo %#x hi %#x", lo, hi);
    reportf(hi >> 24 == 1, "ioapic-entry-dest-readback", "hi %#x", hi);
    io_wr(0x10 + 2 * LINE, 0x10000 | 0x4000 | 0x1000);          /* read-only bits */
    reportf((redir_lo() & 0x5000) == 0, "ioapic-entry-status-bits-read-only", "%#x", redir_lo());
    io_wr(0x10 + 2 * LINE + 1, 0);
}

static void test_edge(void)
{
    uint32_t dest = apic_rd(0x20) & 0xff000000u;
    io_wr(0x10 + 2 * LINE + 1, dest);
    io_wr(0x10 + 2 * LINE, VEC_IO);                  /* fixed, physical, edge, unmasked */
    eoi_in_handler = true;
    io_ints = 0;
    sti();
    set_line(1);
    settle();
    reportf(io_ints == 1, "ioapic-edge-delivered", "%u interrupts", io_ints);
    reportf(io_tmr == 0, "ioapic-edge-tmr-clear", "TMR bit %u", io_tmr);
    /* (A second write of 1 is no rising edge: checked in
     * tests/unit/test_ioapic.c only, QEMU delivers on every write of 1.) */
    set_line(0);
    set_line(1);
    settle();
    reportf(io_ints == 2, "ioapic-edge-second-rise", "%u interrupts", io_ints);
    set_line(0);
    io_wr(0x10 + 2 * LINE, VEC_IO | (1u << 16));     /* masked: nothing */
    set_line(1);
    settle();
    set_line(0);
    reportf(io_ints == 2, "ioapic-masked-entry-silent", "%u interrupts", io_ints);
    cli();
}

static void test_level(void)
{
    uint32_t dest = apic_rd(0x20) & 0xff000000u;
    io_wr(0x10 + 2 * LINE + 1, dest);
    io_wr(0x10 + 2 * LINE, VEC_IO | (1u << 15));     /* level, unmasked */
    eoi_in_handler = false;
    io_ints = 0;
    sti();
    set_line(1);
    settle();
    cli();
    reportf(io_ints == 1, "ioapic-level-delivered", "%u interrupts", io_ints);
    reportf(io_remote_irr == 1, "ioapic-level-remote-irr-set", "remote IRR %u", io_remote_irr);
    reportf(io_tmr == 1, "lapic-tmr-set-for-level", "TMR bit %u", io_tmr);
    /* No EOI yet: the line stays high, remote IRR holds further delivery. */
    set_line(0);
    reportf(redir_lo() >> 14 & 1, "ioapic-remote-irr-held-until-eoi", "%#x", redir_lo());
    apic_wr(0xb0, 0);
    reportf(!(redir_lo() >> 14 & 1), "ioapic-remote-irr-cleared-by-eoi", "%#x", redir_lo());
    uint32_t tmr = apic_rd(0x180 + 0x10 * (VEC_IO >> 5)) >> (VEC_IO & 31) & 1;
    uint32_t isr = apic_rd(0x100 + 0x10 * (VEC_IO >> 5)) >> (VEC_IO & 31) & 1;
    reportf(isr == 0, "lapic-isr-clear-after-eoi", "ISR bit %u TMR bit %u", isr, tmr);

    /* A line still asserted at EOI is delivered again. */
    io_ints = 0;
    eoi_in_handler = true;
    mask_in_handler = false;
    drop_line_at = 3;                                /* the handler ends the storm */
    sti();
    set_line(1);
    settle();
    cli();
    drop_line_at = 0;
    reportf(io_ints == 3, "ioapic-level-redelivered-while-asserted", "%u interrupts", io_ints);
    reportf(!(redir_lo() >> 14 & 1), "ioapic-remote-irr-clear-at-end", "%#x", redir_lo());

    /* Unmasking an entry whose line is asserted delivers it. */
    io_ints = 0;
    mask_in_handler = true;
    io_wr(0x10 + 2 * LINE, VEC_IO | (1u << 15) | (1u << 16));
    set_line(1);
    sti();
    settle();
    reportf(io_ints == 0, "ioapic-level-masked-silent", "%u interrupts", io_ints);
    io_wr(0x10 + 2 * LINE, VEC_IO | (1u << 15));
    settle();
    cli();
    set_line(0);
    reportf(io_ints == 1, "ioapic-level-unmask-delivers", "%u interrupts", io_ints);
    io_wr(0x10 + 2 * LINE, 1u << 16);
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    set_handler(VEC_IO, io_handler);
    set_handler(VEC_SPURIOUS, spurious_handler);
    outb(0x21, 0xff);                                /* the 8259 masked */
    outb(0xa1, 0xff);
    apic_wr(0xf0, 0x100 | VEC_SPURIOUS);
    apic_wr(0x80, 0);
    test_registers();
    test_edge();
    test_level();
    return report_summary();
}
