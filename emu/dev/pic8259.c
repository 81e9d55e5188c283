/* The 8259A programmable interrupt controller pair of the PC, as described
 * by the Intel 8259A datasheet (ICW1-ICW4, OCW1-OCW3, priority resolution,
 * cascade, poll, special mask mode, automatic EOI, rotation), with the
 * PIIX/ICH edge/level control registers (ELCR) at 0x4D0/0x4D1: IRQ 0, 1,
 * 2, 8 and 13 are always edge-triggered. The master's INT drives CPU 0's
 * interrupt line; the CPU's INTA cycle is pic_intr_ack. A request that
 * disappears before INTA gives the spurious IRQ 7 vector of that chip
 * without setting ISR (datasheet, "Interrupt Sequence"). Until the guest
 * initializes them, both chips have every line masked. */
#include "pic8259.h"

#include <stdlib.h>

#include "cpu/cpu.h"
#include "lapic.h"
#include "machine/machine.h"

static uint8_t eff_elcr(const struct pic_chip *c)
{
    return c->ltim ? 0xff : c->elcr;
}

/* Priority level (0 = highest) of the best bit in mask, 8 if none. */
static int priority(const struct pic_chip *c, uint8_t mask)
{
    if (!mask)
        return 8;
    int p = 0;
    while (!(mask & (1u << ((p + c->priority_add) & 7))))
        p++;
    return p;
}

/* The line the chip would interrupt with, or -1. */
static int chip_irq(const struct pic_chip *c, bool master)
{
    int p = priority(c, c->irr & ~c->imr);
    if (p == 8)
        return -1;
    uint8_t in_service = c->isr;
    if (c->special_mask)
        in_service &= ~c->imr;
    if (master && c->sfnm)
        in_service &= ~(1u << 2);   /* the slave may nest its own priorities */
    if (p < priority(c, in_service))
        return (p + c->priority_add) & 7;
    return -1;
}

static void chip_line(struct pic_chip *c, int irq, bool level)
{
    uint8_t bit = (uint8_t)(1u << irq);
    if (eff_elcr(c) & bit) {
        if (level)
            c->irr |= bit;
        else
            c->irr &= ~bit;
    } else if (level && !(c->lines & bit)) {
        c->irr |= bit;
    }
    c->lines = level ? c->lines | bit : c->lines & ~bit;
}

static void update(struct pic8259 *p)
{
    chip_line(&p->chip[0], 2, chip_irq(&p->chip[1], false) >= 0);
    p->int_out = chip_irq(&p->chip[0], true) >= 0;
    struct machine *m = p->m;
    if (m && m->ncpu && m->cpu[0]->lapic) {
        lapic_set_lint0(m->cpu[0]->lapic, p->int_out);   /* INT drives LINT0 */
    } else if (m && m->ncpu && m->cpu[0]->intr_ack == pic_intr_ack) {
        struct cpu *c = m->cpu[0];
        c->intr_line = p->int_out;
        if (p->int_out)
            cpu_leave_block(c);
    }
}

void pic_set_irq(struct pic8259 *p, int irq, bool level)
{
    if (irq < 0 || irq > 15)
        return;
    chip_line(&p->chip[irq >> 3], irq & 7, level);
    update(p);
}

static void chip_ack(struct pic_chip *c, int irq)
{
    uint8_t bit = (uint8_t)(1u << irq);
    if (c->auto_eoi) {
        if (c->rotate_auto_eoi)
            c->priority_add = (uint8_t)((irq + 1) & 7);
    } else {
        c->isr |= bit;
    }
    if (!(eff_elcr(c) & bit))
        c->irr &= ~bit;
}

int pic_intr_ack(void *pic)
{
    struct pic8259 *p = pic;
    struct pic_chip *ma = &p->chip[0], *sl = &p->chip[1];
    int vec, irq = chip_irq(ma, true);
    if (irq == 2) {
        int irq2 = chip_irq(sl, false);
        chip_ack(ma, 2);
        if (irq2 >= 0)
            chip_ack(sl, irq2);
        else
            irq2 = 7;                 /* spurious IRQ 15 */
        vec = (sl->base + irq2) & 0xff;
    } else if (irq >= 0) {
        chip_ack(ma, irq);
        vec = (ma->base + irq) & 0xff;
    } else {
        vec = (ma->base + 7) & 0xff;  /* spurious IRQ 7 */
    }
    update(p);
    return vec;
}

/* OCW3 poll: the next read is an INTA; 0x80 | level, or 0. */
static uint8_t poll_read(struct pic8259 *p, int which)
{
    struct pic_chip *c = &p->chip[which];
    c->poll = false;
    int irq = chip_irq(c, which == 0);
    if (irq < 0)
        return 0;
    chip_ack(c, irq);
    update(p);
    return (uint8_t)(0x80 | irq);
}

static void icw1(struct pic_chip *c, uint8_t val)
{
    /* Datasheet "Initialization Command Words": edge sense reset, IMR
     * cleared, IR7 lowest priority, special mask mode off, read IRR. */
    uint8_t elcr = c->elcr, elcr_mask = c->elcr_mask;
    *c = (struct pic_chip){ .elcr = elcr, .elcr_mask = elcr_mask };
    c->init_state = 1;
    c->init4 = val & 1;
    c->single = val & 2;
    c->ltim = val & 8;
}

static void ocw2(struct pic_chip *c, uint8_t val)
{
    int irq;
    switch (val >> 5) {
    case 0: c->rotate_auto_eoi = false; break;
    case 4: c->rotate_auto_eoi = true; break;
    case 1:   /* non-specific EOI */
    case 5: { /* rotate on non-specific EOI */
        int pr = priority(c, c->isr);
        if (pr == 8)
            break;
        irq = (pr + c->priority_add) & 7;
        c->isr &= (uint8_t)~(1u << irq);
        if (val >> 5 == 5)
            c->priority_add = (uint8_t)((irq + 1) & 7);
        break;
    }
    case 3:   /* specific EOI */
        c->isr &= (uint8_t)~(1u << (val & 7));
        break;
    case 6:   /* set priority: IR(val&7) becomes the lowest */
        c->priority_add = (uint8_t)((val + 1) & 7);
        break;
    case 7:   /* rotate on specific EOI */
        irq = val & 7;
        c->isr &= (uint8_t)~(1u << irq);
        c->priority_add = (uint8_t)((irq + 1) & 7);
        break;
    default:
        break;
    }
}

static void data_write(struct pic_chip *c, uint8_t val)
{
    switch (c->init_state) {
    case 0: c->imr = val; break;                                   /* OCW1 */
    case 1:                                                        /* ICW2 */
        c->base = val & 0xf8;
        c->init_state = c->single ? (c->init4 ? 3 : 0) : 2;
        break;
    case 2: c->icw3 = val; c->init_state = c->init4 ? 3 : 0; break; /* ICW3 */
    case 3:                                                        /* ICW4 */
        c->sfnm = val & 0x10;
        c->auto_eoi = val & 2;
        c->init_state = 0;
        break;
    }
}

void pic_write(struct pic8259 *p, uint16_t port, uint8_t val)
{
    if (port == PIC_ELCR_BASE || port == PIC_ELCR_BASE + 1) {
        struct pic_chip *c = &p->chip[port & 1];
        c->elcr = val & c->elcr_mask;
        update(p);
        return;
    }
    struct pic_chip *c = &p->chip[port >= PIC_SLAVE_BASE];
    if (port & 1)
        data_write(c, val);
    else if (val & 0x10)
        icw1(c, val);
    else if (val & 0x08) {                                         /* OCW3 */
        if (val & 4)
            c->poll = true;
        if (val & 2)
            c->read_isr = val & 1;
        if (val & 0x40)
            c->special_mask = (val >> 5) & 1;
    } else
        ocw2(c, val);
    update(p);
}

uint8_t pic_read(struct pic8259 *p, uint16_t port)
{
    if (port == PIC_ELCR_BASE || port == PIC_ELCR_BASE + 1)
        return p->chip[port & 1].elcr;
    int which = port >= PIC_SLAVE_BASE;
    struct pic_chip *c = &p->chip[which];
    if (c->poll)
        return poll_read(p, which);
    if (port & 1)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

bool pic_any_unmasked(const struct pic8259 *p)
{
    const struct pic_chip *ma = &p->chip[0], *sl = &p->chip[1];
    return (ma->imr | 4) != 0xff || (!(ma->imr & 4) && sl->imr != 0xff);
}

static uint32_t pic_in(void *dev, uint16_t port, int size)
{
    (void)size;
    return pic_read(dev, port);
}

static void pic_out(void *dev, uint16_t port, int size, uint32_t val)
{
    (void)size;
    pic_write(dev, port, (uint8_t)val);
}

struct pic8259 *pic_new(struct machine *m)
{
    struct pic8259 *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    /* Before the guest's ICW1 every line is masked, as the firmware on
     * QEMU leaves the lines nobody asked for: no vector base is set yet. */
    p->chip[0].imr = p->chip[1].imr = 0xff;
    p->chip[0].elcr_mask = 0xf8;   /* IRQ 0, 1, 2 edge only */
    p->chip[1].elcr_mask = 0xde;   /* IRQ 8, 13 edge only */
    if (m && (bus_add_ports(&m->bus, PIC_MASTER_BASE, 2, pic_in, pic_out, p) != 0 ||
              bus_add_ports(&m->bus, PIC_SLAVE_BASE, 2, pic_in, pic_out, p) != 0 ||
              bus_add_ports(&m->bus, PIC_ELCR_BASE, 2, pic_in, pic_out, p) != 0)) {
        free(p);
        return NULL;
    }
    return p;
}

void pic_connect_cpu(struct pic8259 *p)
{
    struct machine *m = p->m;
    if (!m || !m->ncpu)
        return;
    if (!m->cpu[0]->lapic) {       /* else INT reaches the CPU through LINT0 */
        m->cpu[0]->intr_ack = pic_intr_ack;
        m->cpu[0]->intr_ctx = p;
    }
    update(p);
}

void pic_free(struct pic8259 *p)
{
    free(p);
}
