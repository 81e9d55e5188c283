/* The board: the machine struct with its RAM, memory map, buses and the
 * standard devices (COM1, isa-debug-exit, the shutdown port), without
 * CPUs. machine.c adds the CPUs. */
#include "machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dev/debugexit.h"
#include "dev/shutdown.h"
#include "dev/uart16550.h"
#include "memmap.h"

/* COM1 reads stdin, unless stdin is a terminal that belongs to another
 * process group (vtx in the background): reading it would stop vtx. */
static int com1_input_fd(void)
{
    if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) != getpgrp())
        return -1;
    return STDIN_FILENO;
}

static bool add_devices(struct machine *m, char *err, size_t errlen)
{
    m->com1 = uart_new(com1_input_fd(), STDOUT_FILENO);
    if (!m->com1 || !uart_attach(m->com1, &m->bus, COM1_BASE)) {
        snprintf(err, errlen, "cannot create COM1");
        return false;
    }
    m->debugexit = debugexit_new(m, DEBUGEXIT_BASE, DEBUGEXIT_SIZE);
    m->shutdown = shutdown_new(m);
    if (!m->debugexit || !m->shutdown) {
        snprintf(err, errlen, "cannot create the exit devices");
        return false;
    }
    return true;
}

struct machine *machine_new_board(uint64_t ram, bool devices, char *err, size_t errlen)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    if (!memmap_init(m, ram, err, errlen) || (devices && !add_devices(m, err, errlen))) {
        machine_free_board(m);
        return NULL;
    }
    return m;
}

void machine_flush(struct machine *m)
{
    if (m->com1)
        uart_flush(m->com1);
}

void machine_free_board(struct machine *m)
{
    if (!m)
        return;
    uart_free(m->com1);
    debugexit_free(m->debugexit);
    shutdown_free(m->shutdown);
    memmap_free(m);
    free(m);
}
