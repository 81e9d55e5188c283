/* The I/O APIC (Intel 82093AA datasheet; QEMU hw/intc/ioapic.c) at
 * 0xFEC00000: IOREGSEL at +0x00, IOWIN at +0x10; ID (0), version (1),
 * arbitration (2) and 24 redirection entries (0x10 + 2n, low then high
 * dword). ISA IRQs reach it through machine_set_isa_irq (board.c) as the
 * MADT says: IRQ 0 -> GSI 2, the others identity. */
#ifndef EMU_IOAPIC_H
#define EMU_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

#define IOAPIC_BASE     0xFEC00000ull
#define IOAPIC_SIZE     0x1000
#define IOAPIC_NPINS    24
#define IOAPIC_VERSION  0x00170011u   /* as QEMU: version 0x11, 24 entries */

#define IOAPIC_REGSEL   0x00
#define IOAPIC_IOWIN    0x10

/* Redirection entry bits. */
#define IORED_VECTOR      0xffull
#define IORED_DM_SHIFT    8            /* 0 fixed, 1 lowest priority, 4 NMI, 7 ExtINT */
#define IORED_DESTMODE    (1ull << 11) /* 1: logical */
#define IORED_DELIVS      (1ull << 12) /* delivery status (read-only) */
#define IORED_POLARITY    (1ull << 13) /* 1: active low */
#define IORED_REMOTE_IRR  (1ull << 14) /* read-only */
#define IORED_LEVEL       (1ull << 15) /* trigger mode: 1 level */
#define IORED_MASK        (1ull << 16)
#define IORED_DEST_SHIFT  56

struct ioapic {
    struct machine *m;
    uint8_t regsel;
    uint32_t id;                       /* register 0 (bits 27:24) */
    uint64_t redir[IOAPIC_NPINS];
    uint32_t lines;                    /* input levels (asserted = 1) */
};

/* Creates it and claims its MMIO page; NULL if out of memory or taken. */
struct ioapic *ioapic_new(struct machine *m);
void ioapic_free(struct ioapic *io);
void ioapic_reset(struct ioapic *io);
/* Input pin gsi (0..23) asserted or not. Edge-triggered entries deliver
 * on assertion; level-triggered ones while asserted and remote IRR clear. */
void ioapic_set_irq(struct ioapic *io, int gsi, bool level);
/* A local APIC's EOI of a level-triggered vector: clears remote IRR of the
 * entries with that vector (and redelivers a line still asserted). */
void ioapic_eoi(struct ioapic *io, int vector);
/* Register access (MMIO and tests). */
uint32_t ioapic_read_reg(struct ioapic *io, uint8_t index);
void ioapic_write_reg(struct ioapic *io, uint8_t index, uint32_t val);

#endif
