/* The run loop: the CPUs take turns until the machine stops. Time is
 * virtual (clock.h), so a run is deterministic: a turn ends at the next
 * timer event, due events fire between turns, and when every CPU waits
 * halted for an interrupt the clock jumps to the next event. */
#include "machine.h"

#include <inttypes.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "dev/lapic.h"
#include "dev/pic8259.h"

/* A turn: each CPU that can run, in a fixed order (CPU 0 first), runs until
 * its clock reaches the turn's end, RUN_TURN ns after the last one (sooner
 * if a timer event is due), or until it halts or yields (PAUSE). With one
 * CPU the turn only bounds how late an event armed during it can fire; with
 * several it is also how long a CPU spinning without PAUSE on a location
 * another CPU writes may spin before that CPU runs, so it is shorter. */
#define RUN_TURN_UP  65536u
#define RUN_TURN_SMP 4096u

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

bool machine_others_can_run(const struct machine *m, const struct cpu *self)
{
    for (int i = 0; i < m->ncpu; i++)
        if (m->cpu[i] != self && !cpu_idle(m->cpu[i]))
            return true;
    return false;
}

/* One CPU's part of the turn that ends at `end`, and what its stop means
 * for the machine. A CPU that halts or yields waits out the rest of the
 * turn: its clock moves to the end. */
static void run_cpu(struct machine *m, struct cpu *c, uint64_t end)
{
    if (cpu_idle(c) || cpu_time(c) >= end) {
        clock_catch_up(c, end);
        return;
    }
    m->running = c;
    enum cpu_stop stop = cpu_run(c, c->icount + (end - cpu_time(c)));
    m->running = NULL;
    switch (stop) {
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
    case STOP_HLT:
    case STOP_YIELD:
        clock_catch_up(c, end);
        break;
    case STOP_BUDGET:
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
    uint64_t turn = m->ncpu > 1 ? RUN_TURN_SMP : RUN_TURN_UP;
    while (!m->stop) {
        uint64_t now = m->clock.now, next = clock_next(m);
        uint64_t end = next > now && next - now < turn ? next : now + turn;
        for (int i = 0; i < m->ncpu && !m->stop; i++)
            run_cpu(m, m->cpu[i], end);
        if (m->stop)
            break;
        m->clock.now = end;
        clock_run_due(m);
        if (!all_idle(m))
            continue;
        if (timer_may_wake(m))
            clock_skip_to(m, clock_next(m));
        else
            stop_halted(m);
    }
    machine_flush(m);
    return machine_exit_status(m);
}
