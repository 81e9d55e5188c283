/* The local APIC, one per CPU — SDM Vol. 3A chapter 11.
 *
 * MMIO: each CPU's registers answer that CPU's own accesses in the 4-KiB
 * page IA32_APIC_BASE names (0xFEE00000 at reset; relocatable, over RAM
 * too), through the CPU's physical-access path (emu/cpu/mem.c checks
 * cpu.apic_page, which sync_page() keeps). With the APIC globally disabled
 * or in x2APIC mode the page does not answer: the address decodes as it
 * would without an APIC (a hole reads all-ones).
 *
 * Timer: the APIC timer counts at the 1 GHz bus clock divided by the
 * divide configuration (as QEMU's 1 ns bus cycle), on the machine's
 * virtual clock, so one count is one instruction at divide 1.
 *
 * Interrupt messages (ICR, I/O APIC) are delivered at once (delivery
 * status always reads idle). Destinations: physical APIC ID (0xFF:
 * broadcast), logical flat and cluster models, x2APIC IDs and logical
 * IDs, and the shorthands. Lowest-priority delivery goes to the one
 * target with the lowest arbitration priority (ties: the lowest APIC ID).
 *
 * State: INIT gives the SDM's reset state (SVR 0xFF: software disabled,
 * every LVT entry masked) and keeps IA32_APIC_BASE. At power-up the BSP's
 * APIC is left as QEMU's SeaBIOS leaves it before booting a kernel: SVR
 * 0x1FF (enabled, spurious vector 0xFF), LINT0 = ExtINT (0x8700), LINT1 =
 * NMI (0x8400), so the 8259 reaches CPU 0 through LINT0 when the guest
 * never touches the APIC. LINT1 has no source on this board (no NMI
 * button, no parity/channel-check NMI); the thermal and performance
 * monitor entries are registers without sources (no thermal sensor, no
 * performance counters are advertised). */
#include "lapic.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "machine/machine.h"
#include "ioapic.h"
#include "pic8259.h"

#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_EXTD (1ull << 10)
#define TIMER_MODE(a) (((a)->lvt[LVT_TIMER] >> 17) & 3)   /* 0 one-shot, 1 periodic, 2 TSC deadline */
#define SVR_ENABLE (1u << 8)

static const uint32_t lvt_writable[LVT_N] = {
    [LVT_TIMER] = 0x700ff, [LVT_THERM] = 0x107ff, [LVT_PERF] = 0x107ff,
    [LVT_LINT0] = 0x1a7ff, [LVT_LINT1] = 0x1a7ff, [LVT_ERROR] = 0x100ff,
};

static void bit_set(uint32_t *v, int n) { v[n >> 5] |= 1u << (n & 31); }
static void bit_clr(uint32_t *v, int n) { v[n >> 5] &= ~(1u << (n & 31)); }

static int highest(const uint32_t *v)
{
    for (int k = 7; k >= 0; k--)
        if (v[k])
            return k * 32 + 31 - __builtin_clz(v[k]);
    return -1;
}

static uint32_t ppr(const struct lapic *a)
{
    int isrv = highest(a->isr);
    if (isrv < 0 || (a->tpr >> 4) >= ((unsigned)isrv >> 4))
        return a->tpr;
    return (uint32_t)isrv & 0xf0;
}

static bool hw_enabled(const struct lapic *a)
{
    return a->cpu->apic_base & APIC_BASE_ENABLE;
}

/* The 8259's INT passes through LINT0 programmed ExtINT and unmasked, or
 * straight to the CPU when the APIC is globally disabled. */
static bool extint_ready(const struct lapic *a)
{
    if (a->ioapic_extint)
        return true;                     /* an I/O APIC ExtINT entry */
    if (!a->extint)
        return false;
    if (!hw_enabled(a))
        return true;
    uint32_t l = a->lvt[LVT_LINT0];
    return !(l & LVT_MASKED) && ((l >> LVT_DM_SHIFT) & 7) == DM_EXTINT;
}

static int deliverable(const struct lapic *a)
{
    int v = highest(a->irr);
    return v >= 0 && ((unsigned)v >> 4) > (ppr(a) >> 4) ? v : -1;
}

static void update(struct lapic *a)
{
    struct cpu *c = a->cpu;
    bool line = !a->wait_sipi && (extint_ready(a) || deliverable(a) >= 0);
    c->intr_line = line;
    if (line)
        cpu_leave_block(c);
}

/* SDM Vol. 3A "Error Handling": the error is recorded in the ESR (read
 * after a write to it) and signalled through the LVT error entry. */
#define ESR_SEND_ILLEGAL_VECTOR    (1u << 5)
#define ESR_RECEIVE_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER       (1u << 7)

static void set_error(struct lapic *a, uint32_t bit)
{
    a->esr_pending |= bit;
    uint32_t l = a->lvt[LVT_ERROR];
    if (!(l & LVT_MASKED) && (l & 0xff) >= 16)
        lapic_accept(a, l & 0xff);
    else if (!(l & LVT_MASKED))
        a->esr_pending |= ESR_RECEIVE_ILLEGAL_VECTOR;   /* no recursion */
}

void lapic_accept(struct lapic *a, int vector)
{
    lapic_accept_trig(a, vector, false);
}

/* SDM Vol. 3A "Interrupt Acceptance for Fixed Interrupts": the TMR bit is
 * set for a level-triggered interrupt, cleared for an edge-triggered one;
 * the EOI of a vector whose TMR bit is set is broadcast to the I/O APIC. */
void lapic_accept_trig(struct lapic *a, int vector, bool level)
{
    if (vector < 16) {                    /* vectors 0-15 are illegal */
        set_error(a, ESR_RECEIVE_ILLEGAL_VECTOR);
        return;
    }
    bit_set(a->irr, vector);
    if (level)
        bit_set(a->tmr, vector);
    else
        bit_clr(a->tmr, vector);
    update(a);
}

void lapic_nmi(struct lapic *a)
{
    if (!a->wait_sipi) {
        a->cpu->nmi_pending = true;
        cpu_leave_block(a->cpu);
    }
}

void lapic_extint(struct lapic *a)
{
    a->ioapic_extint = true;
    update(a);
}

int lapic_intr_ack(void *ctx)
{
    struct lapic *a = ctx;
    int v;
    if (extint_ready(a)) {
        a->ioapic_extint = false;
        v = a->m->pic ? pic_intr_ack(a->m->pic) : 0xff;
    } else if ((v = deliverable(a)) >= 0) {
        bit_clr(a->irr, v);
        bit_set(a->isr, v);
    }
    update(a);
    return v;
}

/* LINT0 as its LVT entry programs it (SDM Vol. 3A "Local Vector Table"):
 * ExtINT passes the 8259's INT through (extint_ready); fixed and NMI
 * deliver on the rising edge. */
void lapic_set_lint0(struct lapic *a, bool level)
{
    bool rising = level && !a->extint;
    a->extint = level;
    uint32_t l = a->lvt[LVT_LINT0];
    if (rising && hw_enabled(a) && !(l & LVT_MASKED)) {
        int dm = (l >> LVT_DM_SHIFT) & 7;
        if (dm == DM_FIXED)
            lapic_accept(a, l & 0xff);
        else if (dm == DM_NMI)
            lapic_nmi(a);
    }
    update(a);
}

/* ---- Timer. */

static uint64_t timer_period(const struct lapic *a)
{
    return (uint64_t)a->timer_initial << a->timer_shift;
}

static bool timer_periodic(const struct lapic *a)
{
    return TIMER_MODE(a) == 1;
}

static bool x2apic(const struct lapic *a)
{
    return (a->cpu->apic_base & (APIC_BASE_ENABLE | APIC_BASE_EXTD)) ==
           (APIC_BASE_ENABLE | APIC_BASE_EXTD);
}

static void sync_page(struct lapic *a)
{
    struct cpu *c = a->cpu;
    uint64_t page = hw_enabled(a) && !x2apic(a)
                        ? c->apic_base & ~0xfffull
                        : ~0ull;
    if (page != c->apic_page) {
        c->apic_page = page;
        tlb_flush_all(c);                 /* host pointers to the old/new page */
    }
}

static void timer_event(void *ctx, uint64_t when)
{
    struct lapic *a = ctx;
    if (TIMER_MODE(a) == 2)
        a->deadline = 0;                 /* the deadline has passed: disarmed */
    if (!(a->lvt[LVT_TIMER] & LVT_MASKED))
        lapic_accept(a, a->lvt[LVT_TIMER] & 0xff);
    if (timer_periodic(a) && a->timer_initial) {
        a->timer_load = when;            /* from the ideal time: exact rate */
        clock_arm(&a->timer_ev, when + timer_period(a));
    }
}

static uint32_t timer_current(const struct lapic *a)
{
    if (!a->timer_initial || TIMER_MODE(a) == 2 || a->timer_ev.when == CLOCK_NEVER)
        return 0;                        /* stopped: an expired one-shot */
    uint64_t ticks = (clock_now(a->m) - a->timer_load) >> a->timer_shift;
    if (timer_periodic(a))
        return a->timer_initial - (uint32_t)(ticks % a->timer_initial);
    return ticks >= a->timer_initial ? 0 : a->timer_initial - (uint32_t)ticks;
}

static void timer_start(struct lapic *a, uint32_t count)
{
    if (TIMER_MODE(a) == 2)
        return;                          /* TSC-deadline mode ignores the count */
    a->timer_initial = count;
    a->timer_load = clock_now(a->m);
    if (count)
        clock_arm(&a->timer_ev, a->timer_load + timer_period(a));
    else
        clock_cancel(&a->timer_ev);
}

bool lapic_timer_may_wake(const struct lapic *a)
{
    return a->timer_ev.when != CLOCK_NEVER && !(a->lvt[LVT_TIMER] & LVT_MASKED);
}

/* ---- IPIs. */

static uint32_t x2apic_ldr(const struct lapic *t)
{
    return ((uint32_t)(t->id >> 4) << 16) | (1u << (t->id & 0xf));
}

bool lapic_dest_match(const struct lapic *t, uint32_t dest, bool logical)
{
    if (x2apic(t)) {
        if (dest == 0xffffffffu)
            return true;
        if (!logical)
            return dest == t->id;
        uint32_t ldr = x2apic_ldr(t);
        return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
    }
    if (!logical)
        return dest == 0xff || dest == t->id;
    if (dest == 0xff)
        return true;
    if ((t->dfr >> 28) == 0xf)                           /* flat model */
        return (dest & (t->ldr >> 24)) != 0;
    return (dest >> 4) == (t->ldr >> 28) && (dest & (t->ldr >> 24) & 0xf);   /* cluster */
}

static void start_up(struct lapic *t, int vector)
{
    struct cpu *c = t->cpu;
    if (!t->wait_sipi)
        return;                          /* SIPIs are ignored unless waiting */
    t->wait_sipi = false;
    c->seg[S_CS].sel = (uint16_t)(vector << 8);
    c->seg[S_CS].base = (uint64_t)vector << 12;
    c->rip = 0;
    c->halted = false;
    c->last_block = NULL;
    cpu_update_mode(c);
    update(t);
}

static void init_cpu(struct lapic *t)
{
    struct cpu *c = t->cpu;
    uint8_t id = t->id;
    uint64_t base = c->apic_base;         /* INIT keeps the APIC's mode and base */
    cpu_reset(c);
    c->apic_base = base;
    lapic_reset(t);
    sync_page(t);
    t->id = id;
    c->halted = true;
    c->last_block = NULL;
    t->wait_sipi = true;
    update(t);
}

/* SDM Vol. 3A "Arbitration Priority Register (APR)". */
static uint32_t apr(const struct lapic *a)
{
    int isrv = highest(a->isr), irrv = highest(a->irr);
    unsigned t = a->tpr >> 4, is = isrv < 0 ? 0 : (unsigned)isrv >> 4,
             ir = irrv < 0 ? 0 : (unsigned)irrv >> 4;
    if (t >= ir && t > is)
        return a->tpr;
    unsigned hi = t > is ? t : is;
    return (hi > ir ? hi : ir) << 4;
}

/* Lowest-priority delivery (SDM Vol. 3A "Lowest Priority Delivery
 * Mode"): the target with the lowest arbitration priority; ties go to the
 * lowest APIC ID. (The P6 focus-processor rule is not modelled: newer
 * processors leave the choice to the chipset, which uses priority.) */
static bool lower_priority(const struct lapic *t, const struct lapic *best)
{
    if (!best)
        return true;
    uint32_t pt = apr(t), pb = apr(best);
    return pt != pb ? pt < pb : t->id < best->id;
}

void lapic_init_self(struct lapic *a)
{
    init_cpu(a);
}

static void deliver(struct lapic *t, const struct apic_msg *msg)
{
    /* A halted CPU waited until the message came: its clock moves to the
     * sender's time (clock.h). */
    if (t->cpu->halted)
        clock_catch_up(t->cpu, clock_now(t->m));
    switch (msg->dm) {
    case DM_FIXED:
    case DM_LOWEST:
        lapic_accept_trig(t, msg->vector, msg->level);
        break;
    case DM_NMI:
        lapic_nmi(t);
        break;
    case DM_INIT:
        init_cpu(t);
        break;
    case DM_SIPI:
        start_up(t, msg->vector);
        break;
    case DM_EXTINT:
        lapic_extint(t);
        break;
    default:                              /* SMI: no SMM yet */
        break;
    }
}

void lapic_send(struct machine *m, struct lapic *src, const struct apic_msg *msg)
{
    struct lapic *lowest = NULL;
    for (int i = 0; i < m->ncpu; i++) {
        struct lapic *t = m->cpu[i] ? m->cpu[i]->lapic : NULL;
        if (!t || !hw_enabled(t))
            continue;                     /* a disabled APIC takes no messages */
        bool self = t == src, hit;
        switch (msg->shorthand) {
        case SH_SELF: hit = self; break;
        case SH_ALL: hit = true; break;
        case SH_OTHERS: hit = !self; break;
        default: hit = lapic_dest_match(t, msg->dest, msg->logical); break;
        }
        if (!hit)
            continue;
        if (msg->dm == DM_LOWEST) {
            if (lower_priority(t, lowest))
                lowest = t;
            continue;
        }
        /* INIT to oneself would reset the CPU mid-instruction: it waits
         * for the instruction boundary (lapic_init_self). */
        if (self && msg->dm == DM_INIT) {
            t->cpu->init_pending = true;
            cpu_leave_block(t->cpu);
            continue;
        }
        deliver(t, msg);
    }
    if (lowest)
        deliver(lowest, msg);
}

/* SDM Vol. 3A "Interrupt Command Register (ICR)". */
static void send_ipi(struct lapic *a)
{
    uint32_t lo = a->icr_lo;
    struct apic_msg msg = {
        .dm = (lo >> 8) & 7, .vector = lo & 0xff, .shorthand = (lo >> 18) & 3,
        .logical = lo & (1u << 11), .level = false,
        .dest = x2apic(a) ? a->icr_hi : a->icr_hi >> 24,
    };
    /* INIT level de-assert: only synchronises arbitration IDs. */
    if (msg.dm == DM_INIT && !(lo & (1u << 14)) && (lo & (1u << 15)))
        return;
    if ((msg.dm == DM_FIXED || msg.dm == DM_LOWEST) && msg.vector < 16) {
        set_error(a, ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    lapic_send(a->m, a, &msg);
}

/* ---- Registers. */

uint32_t lapic_read(struct lapic *a, uint32_t off)
{
    off &= 0xff0;
    if (off >= LAPIC_ISR && off < LAPIC_ISR + 0x80)
        return a->isr[(off - LAPIC_ISR) >> 4];
    if (off >= LAPIC_TMR && off < LAPIC_TMR + 0x80)
        return a->tmr[(off - LAPIC_TMR) >> 4];
    if (off >= LAPIC_IRR && off < LAPIC_IRR + 0x80)
        return a->irr[(off - LAPIC_IRR) >> 4];
    if (off >= LAPIC_LVT_TIMER && off <= LAPIC_LVT_ERROR)
        return a->lvt[(off - LAPIC_LVT_TIMER) >> 4];
    switch (off) {
    case LAPIC_ID: return (uint32_t)a->id << 24;
    case LAPIC_VER: return LAPIC_VERSION;
    case LAPIC_TPR: return a->tpr;
    case LAPIC_APR: return apr(a);
    case LAPIC_PPR: return ppr(a);
    case LAPIC_LDR: return a->ldr;
    case LAPIC_DFR: return a->dfr;
    case LAPIC_SVR: return a->svr;
    case LAPIC_ESR: return a->esr;
    case LAPIC_ICR_LO: return a->icr_lo;
    case LAPIC_ICR_HI: return a->icr_hi;
    case LAPIC_TIMER_ICR: return a->timer_initial;
    case LAPIC_TIMER_CCR: return timer_current(a);
    case LAPIC_TIMER_DCR: return a->dcr;
    default: return 0;
    }
}

static void eoi(struct lapic *a)
{
    int v = highest(a->isr);
    if (v < 0)
        return;
    bit_clr(a->isr, v);
    if (a->tmr[v >> 5] & (1u << (v & 31)))
        ioapic_eoi(a->m->ioapic, v);      /* EOI broadcast; the TMR bit stays */
    update(a);
}

void lapic_write(struct lapic *a, uint32_t off, uint32_t val)
{
    off &= 0xff0;
    if (off >= LAPIC_LVT_TIMER && off <= LAPIC_LVT_ERROR) {
        int n = (off - LAPIC_LVT_TIMER) >> 4;
        uint32_t keep = a->lvt[n] & ~lvt_writable[n];    /* remote IRR, status */
        if (n == LVT_TIMER && ((val >> 17) & 3) == 3)
            val &= ~(3u << 17);                          /* reserved mode */
        uint32_t old_mode = TIMER_MODE(a);
        a->lvt[n] = keep | (val & lvt_writable[n]);
        if (n == LVT_TIMER && (TIMER_MODE(a) == 2) != (old_mode == 2)) {
            /* SDM "TSC-Deadline Mode": a transition to or from TSC-deadline
             * mode disarms the timer; between one-shot and periodic the
             * count goes on (and an expired one-shot stays at 0). */
            a->timer_initial = 0;
            a->deadline = 0;
            clock_cancel(&a->timer_ev);
        }
        if (!(a->svr & SVR_ENABLE))
            a->lvt[n] |= LVT_MASKED;
        update(a);
        return;
    }
    switch (off) {
    case LAPIC_ID: a->id = (uint8_t)(val >> 24); break;
    case LAPIC_TPR: a->tpr = (uint8_t)val; update(a); break;
    case LAPIC_EOI: eoi(a); break;
    case LAPIC_LDR: a->ldr = val & 0xff000000u; break;
    case LAPIC_DFR: a->dfr = val | 0x0fffffffu; break;
    case LAPIC_SVR:
        a->svr = val & 0x1ff;
        if (!(a->svr & SVR_ENABLE))
            for (int n = 0; n < LVT_N; n++)
                a->lvt[n] |= LVT_MASKED;
        update(a);
        break;
    case LAPIC_ESR: a->esr = a->esr_pending; a->esr_pending = 0; break;
    case LAPIC_ICR_HI: a->icr_hi = val & 0xff000000u; break;
    case LAPIC_ICR_LO:
        a->icr_lo = val & 0x000cdfffu;
        send_ipi(a);
        break;
    case LAPIC_TIMER_ICR: timer_start(a, val); break;
    case LAPIC_TIMER_DCR: {
        a->dcr = val & 0xb;
        uint32_t v = (a->dcr & 3) | ((a->dcr >> 1) & 4);
        a->timer_shift = (int)((v + 1) & 7);
        break;
    }
    default:
        if (off != LAPIC_TIMER_CCR && off != LAPIC_VER && off != LAPIC_PPR)
            set_error(a, ESR_ILLEGAL_REGISTER);
        break;
    }
}

/* ---- x2APIC (SDM Vol. 3A "Extended XAPIC (x2APIC)"): MSR 0x800 + offset/16. */

void lapic_base_changed(struct lapic *a, uint64_t old)
{
    uint64_t now = a->cpu->apic_base;
    /* SDM "x2APIC State Transitions": entering x2APIC mode, the APIC ID is
     * the initial (hardware) x2APIC ID, whatever software wrote to the
     * xAPIC ID register; it is kept on the way back through disabled. */
    if ((now & APIC_BASE_EXTD) && !(old & APIC_BASE_EXTD))
        a->id = (uint8_t)a->cpu->index;
    if ((old & APIC_BASE_ENABLE) && !(now & APIC_BASE_ENABLE)) {
        uint8_t id = a->id;              /* global disable: reset, ID kept */
        lapic_reset(a);
        a->id = id;
    }
    sync_page(a);
    update(a);
}

static bool x2_readable(uint32_t off)
{
    if (off >= LAPIC_ISR && off < LAPIC_IRR + 0x80)
        return true;
    if (off >= LAPIC_LVT_TIMER && off <= LAPIC_LVT_ERROR)
        return true;
    switch (off) {
    case LAPIC_ID: case LAPIC_VER: case LAPIC_TPR: case LAPIC_PPR: case LAPIC_LDR:
    case LAPIC_SVR: case LAPIC_ESR: case LAPIC_ICR_LO: case LAPIC_TIMER_ICR:
    case LAPIC_TIMER_CCR: case LAPIC_TIMER_DCR:
        return true;
    default:
        return false;
    }
}

bool lapic_msr_read(struct lapic *a, uint32_t index, uint64_t *v)
{
    uint32_t off = (index - 0x800) << 4;
    if (!x2apic(a) || !x2_readable(off))
        return false;
    switch (off) {
    case LAPIC_ID: *v = a->id; break;
    case LAPIC_LDR: *v = x2apic_ldr(a); break;
    case LAPIC_ICR_LO: *v = a->icr_lo | (uint64_t)a->icr_hi << 32; break;
    default: *v = lapic_read(a, off); break;
    }
    return true;
}

#define X2APIC_SELF_IPI 0x3F0

bool lapic_msr_write(struct lapic *a, uint32_t index, uint64_t v)
{
    uint32_t off = (index - 0x800) << 4;
    if (!x2apic(a))
        return false;
    if (off == LAPIC_ICR_LO) {
        if (v & 0xfff33000ull)       /* reserved bits of the low half */
            return false;
        a->icr_hi = (uint32_t)(v >> 32);
        a->icr_lo = (uint32_t)v & 0x000cdfffu;
        send_ipi(a);
        return true;
    }
    if (v >> 32)
        return false;
    switch (off) {
    case LAPIC_EOI: case LAPIC_ESR:
        if (v)
            return false;
        break;
    case X2APIC_SELF_IPI:
        if (v & ~0xffull)
            return false;
        lapic_accept(a, (int)v);
        return true;
    case LAPIC_TPR: case LAPIC_SVR: case LAPIC_TIMER_ICR: case LAPIC_TIMER_DCR:
        break;
    default:
        if (off >= LAPIC_LVT_TIMER && off <= LAPIC_LVT_ERROR)
            break;
        return false;                   /* read-only or not a register */
    }
    lapic_write(a, off, (uint32_t)v);
    return true;
}

/* ---- IA32_TSC_DEADLINE: the timer fires when this CPU's TSC reaches it
 * (the TSC runs with machine time at 1 GHz). Outside TSC-deadline mode
 * writes are ignored and reads give 0. */
uint64_t lapic_get_deadline(const struct lapic *a)
{
    return TIMER_MODE(a) == 2 ? a->deadline : 0;
}

void lapic_set_deadline(struct lapic *a, uint64_t v, uint64_t tsc)
{
    if (TIMER_MODE(a) != 2)
        return;
    a->deadline = v;
    if (!v) {
        clock_cancel(&a->timer_ev);
        return;
    }
    if (v <= tsc) {
        clock_cancel(&a->timer_ev);
        timer_event(a, clock_now(a->m));  /* already passed: fires now */
        return;
    }
    clock_arm(&a->timer_ev, clock_now(a->m) + (v - tsc));
}

/* ---- MMIO: the CPU's physical accesses to its apic_page (emu/cpu/mem.c). */

uint64_t lapic_mmio_read(struct lapic *a, uint32_t off, int size)
{
    uint32_t v = lapic_read(a, off) >> (8 * (off & 3));
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

void lapic_mmio_write(struct lapic *a, uint32_t off, int size, uint64_t val)
{
    if (size < 4 || (off & 0xf))
        return;                           /* registers take aligned 32-bit writes */
    lapic_write(a, off, (uint32_t)val);
}

void lapic_reset(struct lapic *a)
{
    a->tpr = 0;
    a->ldr = 0;
    a->dfr = 0xffffffffu;
    a->svr = 0xff;
    a->esr = a->esr_pending = 0;
    memset(a->irr, 0, sizeof a->irr);
    memset(a->isr, 0, sizeof a->isr);
    memset(a->tmr, 0, sizeof a->tmr);
    for (int n = 0; n < LVT_N; n++)
        a->lvt[n] = LVT_MASKED;
    a->icr_lo = a->icr_hi = 0;
    a->timer_initial = 0;
    a->deadline = 0;
    a->dcr = 0;
    a->timer_shift = 1;
    clock_cancel(&a->timer_ev);
    a->wait_sipi = false;
    a->ioapic_extint = false;
    update(a);
}

struct lapic *lapic_new(struct machine *m, struct cpu *c)
{
    struct lapic *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->m = m;
    a->cpu = c;
    a->id = (uint8_t)c->index;
    if (!clock_register(m, &a->timer_ev, timer_event, a)) {
        free(a);
        return NULL;
    }
    c->lapic = a;
    c->intr_ack = lapic_intr_ack;
    c->intr_ctx = a;
    lapic_reset(a);
    sync_page(a);
    if (c->index == 0) {                  /* as SeaBIOS leaves the BSP */
        a->svr = 0x1ff;
        a->lvt[LVT_LINT0] = 0x8700;
        a->lvt[LVT_LINT1] = 0x8400;
        update(a);
    }
    return a;
}

void lapic_free(struct lapic *a)
{
    if (!a)
        return;
    clock_unregister(a->m, &a->timer_ev);
    a->cpu->lapic = NULL;
    a->cpu->apic_page = ~0ull;
    free(a);
}

void lapic_set_cr8(struct lapic *a, uint64_t v)
{
    a->tpr = (uint8_t)((v & 0xf) << 4);
    update(a);
}

uint64_t lapic_get_cr8(const struct lapic *a)
{
    return a->tpr >> 4;
}
