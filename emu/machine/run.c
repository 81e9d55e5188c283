/* The run loop: each CPU in turn runs a quantum of instructions until the
 * machine stops. Time is the instruction count (clock.h), so a run is
 * deterministic: a quantum ends at the next timer event, due events fire
 * between quanta, and when every CPU waits halted for an interrupt the
 * clock jumps to the next event. */
#include "machine.h"

#include <inttypes.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "dev/pic8259.h"

#define RUN_QUANTUM 65536u

/* Something can still wake a halted CPU: an NMI, or an external interrupt
 * with RFLAGS.IF set (SDM Vol. 2A "HLT"). */
static bool cpu_can_wake(const struct cpu *c)
{
    return c->nmi_pending || (c->intr_line && (c->rflags & RFLAGS_IF));
}

static bool cpu_idle(const struct cpu *c)
{
    return c->halted && !cpu_can_wake(c);
}

static bool all_idle(const struct machine *m)
{
    for (int i = 0; i < m->ncpu; i++)
        if (!cpu_idle(m->cpu[i]))
            return false;
    return true;
}

/* A timer event could still wake a CPU: CPU 0 (the one the PIC drives)
 * has IF set, the PIC lets some line through and an event is armed. */
static bool timer_may_wake(const struct machine *m)
{
    return (m->cpu[0]->rflags & RFLAGS_IF) && m->pic && pic_any_unmasked(m->pic) &&
           clock_next(m) != CLOCK_NEVER;
}

static void stop_halted(struct machine *m)
{
    machine_flush(m);
    fprintf(stderr, "vtx: all CPUs halted with nothing pending at RIP %#" PRIx64 "\n",
            m->cpu[0]->rip);
    machine_request_exit(m, MEXIT_HALTED, 0);
}

/* One quantum of one CPU, and what its stop means for the machine. CPU 0's
 * quantum ends at the next timer event. */
static void run_cpu(struct machine *m, struct cpu *c)
{
    uint64_t until = c->icount + RUN_QUANTUM;
    if (c->index == 0) {
        uint64_t next = clock_next(m), now = clock_now(m);
        if (next != CLOCK_NEVER && next - now < RUN_QUANTUM)
            until = c->icount + (next > now ? next - now : 1);
    }
    switch (cpu_run(c, until)) {
    case STOP_TRIPLE:
        /* The CPU has printed which faults led to it. */
        machine_request_exit(m, MEXIT_TRIPLE, 0);
        break;
    case STOP_EXCEPTION:
        machine_flush(m);
        fprintf(stderr, "vtx: CPU %d stopped on exception %d (test mode)\n",
                c->index, c->stopped_vector);
        m->stop = true;
        break;
    case STOP_BUDGET:
    case STOP_HLT:
    case STOP_MACHINE:
        break;
    }
}

int machine_run(struct machine *m)
{
    if (m->ncpu == 0)
        return EXIT_STATUS_HOSTERR;
    for (int i = 0; i < m->ncpu; i++)
        m->cpu[i]->debug = m->debug;
    while (!m->stop) {
        for (int i = 0; i < m->ncpu && !m->stop; i++) {
            if (!cpu_idle(m->cpu[i]))
                run_cpu(m, m->cpu[i]);
            if (i == 0)
                clock_run_due(m);
        }
        if (m->stop || !all_idle(m))
            continue;
        if (timer_may_wake(m))
            clock_skip_to(m, clock_next(m));
        else
            stop_halted(m);
    }
    machine_flush(m);
    return machine_exit_status(m);
}
