/* A whole machine: the board (board.c) and its CPUs. CPU 0 is the
 * bootstrap processor; the others wait halted for a start-up IPI
 * (SDM Vol. 3A "Multiple-Processor (MP) Initialization"). */
#include "machine.h"

#include <stdio.h>

#include "cpu/cpu.h"
#include "dev/lapic.h"
#include "dev/pic8259.h"

static bool add_cpus(struct machine *m, int ncpu, char *err, size_t errlen)
{
    for (int i = 0; i < ncpu; i++) {
        struct cpu *c = cpu_new(m, i);
        if (!c) {
            snprintf(err, errlen, "cannot create CPU %d", i);
            return false;
        }
        m->cpu[m->ncpu++] = c;
        c->debug = m->debug;
        /* Application processors wait for INIT-SIPI-SIPI. */
        if (i > 0)
            c->halted = true;
        /* With the platform devices, each CPU has its local APIC. */
        if (m->pic && !lapic_new(m, c)) {
            snprintf(err, errlen, "cannot create the local APIC of CPU %d", i);
            return false;
        }
        if (i > 0 && c->lapic)
            c->lapic->wait_sipi = true;
    }
    return true;
}

struct machine *machine_new_config(const struct machine_config *cfg, char *err, size_t errlen)
{
    if (cfg->ncpu < 1 || cfg->ncpu > MACHINE_MAX_CPUS) {
        snprintf(err, errlen, "%d CPUs requested; vtx supports 1 to %d", cfg->ncpu,
                 MACHINE_MAX_CPUS);
        return NULL;
    }
    struct machine *m = machine_new_board_config(cfg, err, errlen);
    if (!m)
        return NULL;
    if (!add_cpus(m, cfg->ncpu, err, errlen)) {
        machine_free(m);
        return NULL;
    }
    if (m->pic)
        pic_connect_cpu(m->pic);   /* INT and INTA go to the BSP */
    return m;
}

struct machine *machine_new(uint64_t ram, int ncpu, bool devices, char *err, size_t errlen)
{
    struct machine_config cfg = { .ram = ram, .ncpu = ncpu, .devices = devices };
    return machine_new_config(&cfg, err, errlen);
}

void machine_free(struct machine *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->ncpu; i++) {
        lapic_free(m->cpu[i]->lapic);
        cpu_free(m->cpu[i]);
    }
    m->ncpu = 0;
    machine_free_board(m);
}
