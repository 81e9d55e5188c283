/* The run loop: each CPU in turn runs a quantum of instructions until the
 * machine stops. Time is the instruction count, so a run is deterministic. */
#include "machine.h"

#include <inttypes.h>
#include <stdio.h>

#include "cpu/cpu.h"

#define RUN_QUANTUM 65536u

/* Something can still wake a halted CPU: an NMI, or an external interrupt
 * with RFLAGS.IF set (SDM Vol. 2A "HLT"). No device raises interrupts yet,
 * so for now this is only what the CPU itself has pending. */
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

static void stop_halted(struct machine *m)
{
    machine_flush(m);
    fprintf(stderr, "vtx: all CPUs halted with nothing pending at RIP %#" PRIx64 "\n",
            m->cpu[0]->rip);
    machine_request_exit(m, MEXIT_HALTED, 0);
}

/* One quantum of one CPU, and what its stop means for the machine. */
static void run_cpu(struct machine *m, struct cpu *c)
{
    switch (cpu_run(c, c->icount + RUN_QUANTUM)) {
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
        for (int i = 0; i < m->ncpu && !m->stop; i++)
            if (!cpu_idle(m->cpu[i]))
                run_cpu(m, m->cpu[i]);
        if (!m->stop && all_idle(m))
            stop_halted(m);
    }
    machine_flush(m);
    return machine_exit_status(m);
}
