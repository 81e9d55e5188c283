/* The two cascaded 8259A programmable interrupt controllers of the PC
 * (master 0x20/0x21, slave 0xA0/0xA1 on master IR2) with the PIIX edge/level
 * control registers at 0x4D0/0x4D1. */
#ifndef EMU_PIC8259_H
#define EMU_PIC8259_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

#define PIC_MASTER_BASE 0x20
#define PIC_SLAVE_BASE  0xA0
#define PIC_ELCR_BASE   0x4D0

struct pic_chip {
    uint8_t irr, isr, imr;
    uint8_t lines;              /* input levels, for edge detection */
    uint8_t elcr, elcr_mask;    /* 1 = level-triggered */
    uint8_t base;               /* ICW2 vector base (bits 7:3) */
    uint8_t priority_add;       /* the line with highest priority */
    uint8_t icw3;
    int init_state;             /* 0: ready (OCW1), 1..3: expecting ICW2..ICW4 */
    bool init4, single, ltim;
    bool read_isr;              /* OCW3 RR/RIS: reading the command port gives ISR */
    bool poll, special_mask, auto_eoi, rotate_auto_eoi, sfnm;
};

struct pic8259 {
    struct machine *m;
    struct pic_chip chip[2];    /* 0 master, 1 slave */
    bool int_out;               /* the master's INT output */
};

struct pic8259 *pic_new(struct machine *m);   /* registers the ports */
void pic_free(struct pic8259 *p);
/* A device's interrupt line irq (0..15) at level. */
void pic_set_irq(struct pic8259 *p, int irq, bool level);
/* The INTA cycle: the vector (sets ISR, clears an edge request); with no
 * request left, the spurious IRQ 7 vector. For cpu->intr_ack. */
int pic_intr_ack(void *pic);
/* Connect INT to CPU 0 (after the CPUs exist). */
void pic_connect_cpu(struct pic8259 *p);
/* Some line is not masked (a halted CPU may yet be woken). */
bool pic_any_unmasked(const struct pic8259 *p);
/* Port access (exposed for the tests): port is one of 0x20, 0x21, 0xA0,
 * 0xA1, 0x4D0, 0x4D1. */
uint8_t pic_read(struct pic8259 *p, uint16_t port);
void pic_write(struct pic8259 *p, uint16_t port, uint8_t val);

#endif
