/* The run loop: each CPU in turn runs a quantum of instructions until the
 * machine stops. Time is the instruction count (clock.h), so a run is
 * deterministic: a quantum ends at the next timer event, due events fire
 * between quanta, and when every CPU waits halted for an interrupt the
 * clock jumps to the next event. */
#include "machine.h"

#include <inttypes.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "dev/lapic.h"
#include "dev/pic8259.h"

/* The CPUs take turns in a fixed order, CPU 0 first, each running up to
 * RUN_QUANTUM instructions (CPU 0 only up to the next timer event), so
 * the interleaving of SMP guests is deterministic too. */
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

/* A timer event could still wake a CPU: an event is armed, and CPU 0
 * (the one the PIC drives) has IF set with some PIC line let through, or
 * some CPU has IF set and its APIC timer armed and unmasked. */
static bool timer_may_wake(const struct machine *m)
{
    if (clock_next(m) == CLOCK_NEVER)
        return false;
    if ((m->cpu[0]->rflags & RFLAGS_IF) && m->pic && pic_any_unmasked(m->pic))
        return true;
    for (int i = 0; i < m->ncpu; i++) {
        const struct cpu *c = m->cpu[i];
        if ((c->rflags & RFLAGS_IF) && c->lapic && lapic_timer_may_wake(c->lapic))
            return true;
    }
    return false;
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
    m->cur_cpu = c->index;
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
        /* Machine time is CPU 0's instruction count: while CPU 0 waits
         * halted and other CPUs run, time moves by the most instructions
         * one of them ran in the round (at most to the next event). */
        bool bsp_idle = cpu_idle(m->cpu[0]);
        uint64_t ran = 0;
        for (int i = 0; i < m->ncpu && !m->stop; i++) {
            struct cpu *c = m->cpu[i];
            if (!cpu_idle(c)) {
                uint64_t before = c->icount;
                run_cpu(m, c);
                if (i > 0 && c->icount - before > ran)
                    ran = c->icount - before;
            }
            if (i == 0)
                clock_run_due(m);
        }
        if (bsp_idle && ran && !m->stop) {
            uint64_t now = clock_now(m), next = clock_next(m);
            clock_skip_to(m, next - now < ran ? next : now + ran);
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
