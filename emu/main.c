/* vtx: boot a multiboot kernel on an emulated PC. Bad host input gets one
 * line "vtx: reason" on stderr and exit status 2; otherwise the status
 * says how the machine ended (machine_exit_status). */
#include <stdio.h>

#include "cpu/cpu.h"
#include "machine/biosstate.h"
#include "machine/hostio.h"
#include "machine/loader.h"
#include "machine/machine.h"
#include "machine/options.h"

static int host_error(const char *reason)
{
    fprintf(stderr, "vtx: %s\n", reason);
    return EXIT_STATUS_HOSTERR;
}

static int boot_and_run(const struct vtx_options *o, struct hostio *h, char *err, size_t errlen)
{
    struct machine_config cfg;
    if (!hostio_open(h, o, &cfg, err, errlen))
        return host_error(err);
    struct machine *m = machine_new_config(&cfg, err, errlen);
    if (!m)
        return host_error(err);
    m->debug = o->debug;
    if (h->trace)
        m->trace = h->trace;
    struct mb_boot boot;
    if (!boot_load_files(m, o->kernel, o->append, o->initrd, &boot, err, errlen)) {
        machine_free(m);
        return host_error(err);
    }
    boot_cpu_multiboot(m->cpu[0], &boot);
    bios_leave_state(m);
    int status = machine_run(m);
    machine_free(m);
    return status;
}

int main(int argc, char **argv)
{
    static struct vtx_options o;
    char err[512];
    switch (options_parse(argc, argv, &o, err, sizeof err)) {
    case OPTIONS_HELP:  fputs(options_usage, stdout); return 0;
    case OPTIONS_ERROR: return host_error(err);
    case OPTIONS_RUN:   break;
    }
    struct hostio h;
    int status = boot_and_run(&o, &h, err, sizeof err);
    hostio_close(&h);
    return status;
}
