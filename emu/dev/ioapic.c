/* The I/O APIC — Intel 82093AA datasheet, with QEMU's register values
 * (hw/intc/ioapic.c, version 0x11).
 *
 * Inputs: ioapic_set_irq gives each pin's asserted state; the devices
 * model assertion, so the polarity bit is kept for software but does not
 * invert the input (as QEMU).
 * Delivery: at once to the local APICs, so delivery status reads 0.
 * Fixed and lowest priority (treated as fixed, like the LAPIC's IPIs) go
 * to every APIC the destination names: physical = APIC ID in bits 63:56
 * (0xFF broadcast), logical = the LAPIC's LDR/DFR match. NMI sets the
 * CPU's pending NMI; ExtINT makes the CPU take the next vector from the
 * 8259 as LINT0 ExtINT would; INIT and SMI are not modelled (ignored).
 * Level-triggered: remote IRR is set when the interrupt is delivered and
 * cleared by the EOI broadcast of a LAPIC (lapic.c: TMR set on
 * acceptance); a line still asserted then is delivered again. */
#include "ioapic.h"

#include <stdlib.h>

#include "cpu/cpu.h"
#include "lapic.h"
#include "machine/machine.h"

#define RO_BITS (IORED_DELIVS | IORED_REMOTE_IRR)

static void deliver(struct ioapic *io, int pin)
{
    uint64_t e = io->redir[pin];
    int dm = (int)((e >> IORED_DM_SHIFT) & 7), vector = (int)(e & IORED_VECTOR);
    bool level = e & IORED_LEVEL, logical = e & IORED_DESTMODE;
    uint32_t dest = (uint32_t)(e >> IORED_DEST_SHIFT);
    /* Fixed, lowest priority, NMI and ExtINT reach the local APICs; SMI
     * (no SMM yet), INIT and the reserved modes are not sent. */
    if (dm == DM_FIXED || dm == DM_LOWEST || dm == DM_NMI || dm == DM_EXTINT) {
        struct apic_msg msg = { .dest = dest, .logical = logical, .level = level,
                                .dm = dm, .vector = vector, .shorthand = SH_NONE };
        lapic_send(io->m, NULL, &msg);
    }
    if (level && (dm == 0 || dm == 1))
        io->redir[pin] |= IORED_REMOTE_IRR;
}

/* A level-triggered entry's line is asserted: deliver unless masked or
 * waiting for EOI. */
static void service(struct ioapic *io, int pin)
{
    uint64_t e = io->redir[pin];
    if ((e & IORED_MASK) || !(io->lines & (1u << pin)))
        return;
    if ((e & IORED_LEVEL) && (e & IORED_REMOTE_IRR))
        return;
    deliver(io, pin);
}

void ioapic_set_irq(struct ioapic *io, int gsi, bool level)
{
    if (!io || gsi < 0 || gsi >= IOAPIC_NPINS)
        return;
    uint32_t bit = 1u << gsi;
    bool was = io->lines & bit;
    io->lines = level ? io->lines | bit : io->lines & ~bit;
    if (!level)
        return;
    if (io->redir[gsi] & IORED_LEVEL)
        service(io, gsi);
    else if (!was && !(io->redir[gsi] & IORED_MASK))
        deliver(io, gsi);
}

void ioapic_eoi(struct ioapic *io, int vector)
{
    if (!io)
        return;
    for (int pin = 0; pin < IOAPIC_NPINS; pin++) {
        uint64_t e = io->redir[pin];
        if ((e & IORED_VECTOR) != (uint64_t)vector || !(e & IORED_REMOTE_IRR))
            continue;
        io->redir[pin] &= ~IORED_REMOTE_IRR;
        if (e & IORED_LEVEL)
            service(io, pin);
    }
}

uint32_t ioapic_read_reg(struct ioapic *io, uint8_t index)
{
    switch (index) {
    case 0: return io->id;
    case 1: return IOAPIC_VERSION;
    /* 82093AA datasheet, IOAPICARB: writing the ID register loads the
     * arbitration ID with it (bits 27:24); read-only otherwise. */
    case 2: return io->id;
    default:
        if (index >= 0x10 && index < 0x10 + 2 * IOAPIC_NPINS) {
            uint64_t e = io->redir[(index - 0x10) >> 1];
            return (uint32_t)(index & 1 ? e >> 32 : e);
        }
        return 0;
    }
}

void ioapic_write_reg(struct ioapic *io, uint8_t index, uint32_t val)
{
    if (index == 0) {
        io->id = val & 0x0f000000u;
        return;
    }
    if (index < 0x10 || index >= 0x10 + 2 * IOAPIC_NPINS)
        return;                          /* version, arbitration: read-only */
    int pin = (index - 0x10) >> 1;
    uint64_t e = io->redir[pin];
    if (index & 1)
        e = (e & 0xffffffffull) | (uint64_t)val << 32;
    else
        e = (e & ~0xffffffffull) | (e & RO_BITS) | (val & ~(uint32_t)RO_BITS);
    /* An edge-triggered entry has no remote IRR. */
    if (!(e & IORED_LEVEL))
        e &= ~IORED_REMOTE_IRR;
    io->redir[pin] = e;
    if (e & IORED_LEVEL)
        service(io, pin);                /* unmasked with the line asserted */
}

static uint64_t mmio_read(void *dev, uint64_t off, int size)
{
    struct ioapic *io = dev;
    uint32_t v;
    if (off < 4)
        v = (uint32_t)io->regsel >> (8 * off);
    else if (off >= IOAPIC_IOWIN && off < IOAPIC_IOWIN + 4)
        v = ioapic_read_reg(io, io->regsel) >> (8 * (off - IOAPIC_IOWIN));
    else
        return 0;
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void mmio_write(void *dev, uint64_t off, int size, uint64_t val)
{
    struct ioapic *io = dev;
    if (off == IOAPIC_REGSEL)
        io->regsel = (uint8_t)val;
    else if (off == IOAPIC_IOWIN && size >= 4)
        ioapic_write_reg(io, io->regsel, (uint32_t)val);
}

void ioapic_reset(struct ioapic *io)
{
    io->regsel = 0;
    io->id = 0;
    for (int i = 0; i < IOAPIC_NPINS; i++)
        io->redir[i] = IORED_MASK;
}

struct ioapic *ioapic_new(struct machine *m)
{
    struct ioapic *io = calloc(1, sizeof *io);
    if (!io)
        return NULL;
    io->m = m;
    ioapic_reset(io);
    if (bus_add_mmio(&m->bus, IOAPIC_BASE, IOAPIC_SIZE, mmio_read, mmio_write, io) != 0) {
        free(io);
        return NULL;
    }
    return io;
}

void ioapic_free(struct ioapic *io)
{
    free(io);
}
