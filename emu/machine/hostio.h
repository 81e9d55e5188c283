/* The host side of a run (hostio.c): the character back ends, the -D
 * trace file and the -pidfile the command line asks for, turned into a
 * machine configuration. */
#ifndef EMU_HOSTIO_H
#define EMU_HOSTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "machine.h"
#include "options.h"

#define HOSTIO_MAX_CHARDEVS (OPT_MAX_CHARDEVS + MACHINE_MAX_DEBUGCONS + 2)

struct hostio {
    struct chardev *chr[HOSTIO_MAX_CHARDEVS];   /* owned */
    int nchr;
    struct chardev *stdio;                      /* the one stdio back end, shared */
    struct chardev *by_id[OPT_MAX_CHARDEVS];    /* -chardev i, once opened */
    FILE *trace;                                /* -D file, or NULL */
    const char *pidfile;                        /* written by us, removed at close */
};

/* Opens what o names and fills cfg (RAM, CPUs, machine type, COM1, the
 * debug-exit and debug-console devices); false with err when a file
 * cannot be opened. hostio_close undoes it (after machine_free). */
bool hostio_open(struct hostio *h, const struct vtx_options *o, struct machine_config *cfg,
                 char *err, size_t errlen);
void hostio_close(struct hostio *h);

#endif
