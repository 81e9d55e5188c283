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

#endif
