/* How a machine ends, and the process exit status each ending gives. */
#include "machine.h"

#include <stdio.h>

#include "cpu/cpu.h"

/* The first request wins: the run loop stops right after it. Each CPU is
 * asked to leave cpu_run at the next instruction boundary. */
void machine_request_exit(struct machine *m, enum machine_exit kind, int value)
{
    if (m->exit_kind != MEXIT_NONE)
        return;
    m->exit_kind = kind;
    m->exit_value = value;
    m->stop = true;
    for (int i = 0; i < m->ncpu; i++)
        if (m->cpu[i])
            m->cpu[i]->stop_request = true;
}

/* QEMU run with -no-reboot, as test runners run it, ends with status 0
 * when the guest resets the machine (softmmu/runstate.c: a guest reset
 * with reboot disabled is a shutdown). vtx never reboots: it always ends
 * there, and says so, since the guest may not have meant to stop. */
void machine_request_reset(struct machine *m)
{
    if (m->exit_kind != MEXIT_NONE)
        return;
    machine_flush(m);
    fprintf(stderr, "vtx: the guest reset the machine\n");
    machine_request_exit(m, MEXIT_RESET, 0);
}

/* QEMU's isa-debug-exit convention: (value << 1) | 1 (the host keeps the
 * low 8 bits); "Shutdown", ACPI power-off and reset: 0; triple fault: 3; every
 * CPU halted for good: 4. */
int machine_exit_status(const struct machine *m)
{
    switch (m->exit_kind) {
    case MEXIT_DEBUG_PORT: return (int)(((uint32_t)m->exit_value << 1) | 1u);
    case MEXIT_SHUTDOWN:   return 0;
    case MEXIT_RESET:      return 0;
    case MEXIT_TRIPLE:     return EXIT_STATUS_TRIPLE;
    case MEXIT_HALTED:     return EXIT_STATUS_HALTED;
    default:               return EXIT_STATUS_HOSTERR;
    }
}
