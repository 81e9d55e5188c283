/* Event delivery through the IDT/IVT in every mode — SDM Vol. 3A,
 * "Interrupt and Exception Handling". Implemented in intr.c. */
#ifndef EMU_INTR_H
#define EMU_INTR_H

#include "cpu.h"

enum event_kind {
    EV_HWINT,      /* external interrupt (INTR) */
    EV_NMI,
    EV_EXCEPTION,  /* processor-detected exception (fault, trap, abort) */
    EV_SOFTINT,    /* INT n: gate DPL checked, EXT = 0 */
    EV_SOFTEXC,    /* INT3, INTO: gate DPL checked, EXT = 0 */
    EV_PRIVSOFT,   /* INT1 (ICEBP): no DPL check */
};

/* Deliver an event. return_rip is the RIP to push (the faulting
 * instruction for faults, the next one for traps and software
 * interrupts). May raise a nested fault through cpu_fault(). */
void cpu_deliver_event(struct cpu *c, int vector, enum event_kind kind,
                       bool has_error, uint32_t error, uint64_t return_rip);

/* Does this exception vector push an error code? — SDM table
 * "Protected-Mode Exceptions and Interrupts". */
static inline bool exc_has_error_code(int v)
{
    return v == EXC_DF || v == EXC_TS || v == EXC_NP || v == EXC_SS ||
           v == EXC_GP || v == EXC_PF || v == EXC_AC || v == EXC_CP;
}

/* ---- Shared by the delivery paths (intr.c: real and protected mode,
 * intr64.c: IA-32e mode). ---- */

/* One event being delivered. */
struct event {
    int vector;
    enum event_kind kind;
    bool has_error;
    uint32_t error;
    uint64_t rip;       /* return RIP pushed on the stack */
    uint32_t ext;       /* EXT bit (ERRC_EXT or 0) for error codes */
};

/* INT n, INT3, INTO: the gate DPL is checked against CPL. */
static inline bool intr_is_soft(const struct event *ev)
{
    return ev->kind == EV_SOFTINT || ev->kind == EV_SOFTEXC;
}
/* Error code naming the IDT entry: (vector << 3) | IDT | EXT. */
static inline uint32_t intr_idt_err(const struct event *ev)
{
    return ((uint32_t)ev->vector << 3) | ERRC_IDT | ev->ext;
}
/* Gate DPL (software events) and P checks. */
void intr_gate_access(struct cpu *c, const struct event *ev, uint32_t gate_ar);
/* The handler's code-segment descriptor, checked. */
uint64_t intr_handler_desc(struct cpu *c, const struct event *ev, uint16_t sel);
/* RFLAGS as pushed for this event (RF set for faults). */
uint64_t intr_pushed_rflags(struct cpu *c, const struct event *ev);
/* Clear TF, VM, RF, NT, and IF for interrupt gates (type bit 0 clear). */
void intr_enter_flags(struct cpu *c, unsigned gate_type);
/* IA-32e mode delivery (intr64.c). */
void intr_deliver_ia32e(struct cpu *c, const struct event *ev);

#endif
