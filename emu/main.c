/* vtx: boot a multiboot kernel on an emulated PC. Bad host input gets one
 * line "vtx: reason" on stderr and exit status 2; otherwise the status
 * says how the machine ended (machine_exit_status). */
#include <stdio.h>

#include "cpu/cpu.h"
#include "machine/loader.h"
#include "machine/machine.h"
#include "machine/options.h"

static int host_error(const char *reason)
{
    fprintf(stderr, "vtx: %s\n", reason);
    return EXIT_STATUS_HOSTERR;
}

int main(int argc, char **argv)
{
    struct vtx_options o;
    char err[512];
    switch (options_parse(argc, argv, &o, err, sizeof err)) {
    case OPTIONS_HELP:  fputs(options_usage, stdout); return 0;
    case OPTIONS_ERROR: return host_error(err);
    case OPTIONS_RUN:   break;
    }
    struct machine *m = machine_new(o.ram, o.ncpu, true, err, sizeof err);
    if (!m)
        return host_error(err);
    m->debug = o.debug;
    struct mb_boot boot;
    if (!boot_load_files(m, o.kernel, o.append, o.initrd, &boot, err, sizeof err)) {
        machine_free(m);
        return host_error(err);
    }
    boot_cpu_multiboot(m->cpu[0], &boot);
    int status = machine_run(m);
    machine_free(m);
    return status;
}
