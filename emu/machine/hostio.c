/* From the command line's device options to a machine configuration:
 * every use of stdio shares one back end (so COM1 and a debug console on
 * stdio interleave in the guest's order), each -chardev is opened once
 * however many devices name it, file:PATH opens its own file. */
#include "hostio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev/chardev.h"

static struct chardev *keep(struct hostio *h, struct chardev *c, char *err, size_t errlen)
{
    if (!c) {
        if (!err[0])
            snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    h->chr[h->nchr++] = c;
    return c;
}

/* The back end for one device; NULL with err on failure. */
static struct chardev *resolve(struct hostio *h, const struct vtx_options *o,
                               const struct opt_chr *c, char *err, size_t errlen)
{
    err[0] = '\0';
    switch (c->kind) {
    case CHR_STDIO:
        if (!h->stdio)
            h->stdio = keep(h, chardev_new(machine_stdin_fd(), STDOUT_FILENO, false), err, errlen);
        return h->stdio;
    case CHR_FILE:
        return keep(h, chardev_open_file(c->text, c->append, err, errlen), err, errlen);
    case CHR_ID: {
        const struct opt_chardev *cd = options_chardev(o, c->text);
        if (!cd) {
            snprintf(err, errlen, "no -chardev with id '%s'", c->text);
            return NULL;
        }
        int i = (int)(cd - o->chardevs);
        if (!h->by_id[i])
            h->by_id[i] = resolve(h, o, &cd->backend, err, errlen);
        return h->by_id[i];
    }
    case CHR_NULL:
    case CHR_NONE:
    default:
        return keep(h, chardev_new(-1, -1, false), err, errlen);
    }
}

static bool open_trace_and_pid(struct hostio *h, const struct vtx_options *o, char *err, size_t errlen)
{
    if (o->trace_file) {
        h->trace = fopen(o->trace_file, "w");
        if (!h->trace) {
            snprintf(err, errlen, "-D %s: %s", o->trace_file, strerror(errno));
            return false;
        }
    }
    if (o->pidfile) {
        FILE *f = fopen(o->pidfile, "w");
        if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
            snprintf(err, errlen, "-pidfile %s: %s", o->pidfile, strerror(errno));
            return false;
        }
        h->pidfile = o->pidfile;   /* QEMU removes its pidfile at exit too */
    }
    return true;
}

bool hostio_open(struct hostio *h, const struct vtx_options *o, struct machine_config *cfg,
                 char *err, size_t errlen)
{
    *h = (struct hostio){ 0 };
    *cfg = (struct machine_config){ .ram = o->ram, .ncpu = o->ncpu, .type = o->machine,
                                    .max_ram_below_4g = o->max_ram_below_4g, .devices = true };
    if (!open_trace_and_pid(h, o, err, errlen))
        return false;
    const struct opt_chr *com1 = options_com1(o);
    cfg->no_com1 = com1 == NULL;
    if (com1 && !(cfg->com1 = resolve(h, o, com1, err, errlen)))
        return false;
    for (int i = 0; i < o->nexits; i++) {
        cfg->exits[i].base = o->exits[i].base;
        cfg->exits[i].size = o->exits[i].size;
    }
    cfg->nexits = o->nexits;
    for (int i = 0; i < o->ndebugcons; i++) {
        cfg->debugcons[i].base = o->debugcons[i].iobase;
        cfg->debugcons[i].readback = o->debugcons[i].readback;
        if (!(cfg->debugcons[i].chr = resolve(h, o, &o->debugcons[i].chr, err, errlen)))
            return false;
    }
    cfg->ndebugcons = o->ndebugcons;
    return true;
}

void hostio_close(struct hostio *h)
{
    for (int i = 0; i < h->nchr; i++)
        chardev_free(h->chr[i]);
    h->nchr = 0;
    if (h->trace)
        fclose(h->trace);
    h->trace = NULL;
    if (h->pidfile)
        unlink(h->pidfile);
    h->pidfile = NULL;
}
