/* The command line: vtx -kernel FILE [-append STR] [-initrd LIST] [-m SIZE]
 * [-smp N] [-d LIST], or vtx FILE. Options are spelt as QEMU spells them
 * (one or two dashes), and the QEMU options that the test runners pass
 * for the same kernels are accepted when they ask for what vtx has. */
#include "options.h"

#include <stdio.h>
#include <string.h>

const char options_usage[] =
    "usage: vtx [options] -kernel FILE\n"
    "       vtx [options] FILE\n"
    "Boots a multiboot kernel (ELF32, ELF64 or a.out kludge) on an emulated PC.\n"
    "\n"
    "  -kernel FILE      the multiboot kernel\n"
    "  -append STR       its command line (the kernel sees \"FILE STR\")\n"
    "  -initrd LIST      modules: \"file args,file args\" (\",,\" is a comma)\n"
    "  -m SIZE           RAM: 128, 128M, 1G, 512k (default 128M)\n"
    "  -smp N            CPUs, 1 to 8 (default 1)\n"
    "  -d LIST           trace: unimp,exc,int,cpu\n"
    "  -h, --help        this text\n"
    "\n"
    "Accepted for QEMU compatibility and ignored: -nodefaults, -nographic,\n"
    "-no-reboot, -no-shutdown, -serial stdio|mon:stdio, -display none,\n"
    "-vga none, -monitor none, -accel tcg, -machine pc|q35, -cpu max|host|\n"
    "qemu64|vtx|base, -device isa-debug-exit,iobase=0xf4,iosize=0x1|0x2|0x4,\n"
    "-device pc-testdev, -device pci-testdev.\n"
    "\n"
    "COM1 is stdin/stdout. Exit status: (v << 1) | 1 after the guest writes v\n"
    "to port 0xf4; 0 after \"Shutdown\" on port 0x8900; 3 on a triple fault;\n"
    "4 when every CPU halts for good; 2 on bad input.\n";

/* The sub-option `tok` (of length len) is one of `allowed`. */
static bool token_in(const char *tok, size_t len, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (strlen(*allowed) == len && strncmp(tok, *allowed, len) == 0)
            return true;
    return false;
}

/* A QEMU option value whose first part (before any sub-options, which are
 * not looked at) is one of `names`. */
static bool value_is_one_of(const char *v, const char *const *names)
{
    return token_in(v, strcspn(v, ","), names);
}

/* -device: only the devices vtx always has; isa-debug-exit only where vtx
 * puts it (iobase=0xf4; any iosize QEMU users write: 1, 2 or 4). */
static bool device_ok(const char *v)
{
    static const char *const testdevs[] = { "pc-testdev", "pci-testdev", NULL };
    static const char *const exit_opts[] = { "iobase=0xf4", "iosize=0x4", "iosize=4", "iosize=0x04",
                                             "iosize=0x1", "iosize=1", "iosize=0x01",
                                             "iosize=0x2", "iosize=2", "iosize=0x02", NULL };
    if (token_in(v, strlen(v), testdevs))
        return true;
    size_t len = strcspn(v, ",");
    if (len != 14 || strncmp(v, "isa-debug-exit", 14) != 0)
        return false;
    for (const char *p = v + len; *p == ','; p += len) {
        p++;
        len = strcspn(p, ",");
        if (!token_in(p, len, exit_opts))
            return false;
    }
    return true;
}

/* Options that are accepted and ignored when their value is right. */
static bool ignored_with_value(const char *name, const char *v, bool *ok)
{
    static const char *const accel[] = { "tcg", NULL };
    static const char *const machines[] = { "pc", "q35", NULL };
    static const char *const cpus[] = { "max", "host", "qemu64", "vtx", "base", NULL };
    if (strcmp(name, "serial") == 0)
        *ok = strcmp(v, "stdio") == 0 || strcmp(v, "mon:stdio") == 0;
    else if (strcmp(name, "display") == 0 || strcmp(name, "vga") == 0 || strcmp(name, "monitor") == 0)
        *ok = strcmp(v, "none") == 0;
    else if (strcmp(name, "accel") == 0)
        *ok = value_is_one_of(v, accel);
    else if (strcmp(name, "machine") == 0 || strcmp(name, "M") == 0)
        *ok = value_is_one_of(v, machines);
    else if (strcmp(name, "cpu") == 0)
        *ok = value_is_one_of(v, cpus);
    else if (strcmp(name, "device") == 0)
        *ok = device_ok(v);
    else
        return false;
    return true;
}

static bool is_flag_ignored(const char *name)
{
    return strcmp(name, "nodefaults") == 0 || strcmp(name, "nographic") == 0 ||
           strcmp(name, "no-reboot") == 0 || strcmp(name, "no-shutdown") == 0;
}

static bool takes_value(const char *name)
{
    static const char *const names[] = { "kernel", "append", "initrd", "m", "smp", "d",
                                         "serial", "accel", "machine", "M", "cpu", "device",
                                         "display", "vga", "monitor", NULL };
    for (const char *const *n = names; *n; n++)
        if (strcmp(name, *n) == 0)
            return true;
    return false;
}

static enum options_result bad(char *err, size_t errlen, const char *fmt, const char *a)
{
    snprintf(err, errlen, fmt, a);
    return OPTIONS_ERROR;
}

/* An option that takes a value: store it or check it. */
static enum options_result set_value(struct vtx_options *o, const char *name, const char *v,
                                     char *err, size_t errlen)
{
    bool ok = true;
    if (strcmp(name, "kernel") == 0)       o->kernel = v;
    else if (strcmp(name, "append") == 0)  o->append = v;
    else if (strcmp(name, "initrd") == 0)  o->initrd = v;
    else if (strcmp(name, "m") == 0)       ok = parse_mem_size(v, &o->ram);
    else if (strcmp(name, "smp") == 0)     ok = parse_smp(v, &o->ncpu);
    else if (strcmp(name, "d") == 0)       ok = parse_debug(v, &o->debug);
    else if (!ignored_with_value(name, v, &ok))
        ok = false;
    if (!ok) {
        snprintf(err, errlen, "bad value for -%s: '%s'", name, v);
        return OPTIONS_ERROR;
    }
    return OPTIONS_RUN;
}

static enum options_result one_option(struct vtx_options *o, int argc, char **argv, int *i,
                                      char *err, size_t errlen)
{
    const char *name = argv[*i] + 1;
    if (name[0] == '-')
        name++;   /* QEMU takes --opt as -opt */
    if (strcmp(name, "h") == 0 || strcmp(name, "help") == 0)
        return OPTIONS_HELP;
    if (is_flag_ignored(name))
        return OPTIONS_RUN;
    if (!takes_value(name))
        return bad(err, errlen, "unknown option '%s' (try --help)", argv[*i]);
    if (*i + 1 >= argc)
        return bad(err, errlen, "option '%s' needs a value", argv[*i]);
    *i += 1;
    return set_value(o, name, argv[*i], err, errlen);
}

enum options_result options_parse(int argc, char **argv, struct vtx_options *o, char *err, size_t errlen)
{
    *o = (struct vtx_options){ .ram = DEFAULT_RAM, .ncpu = 1 };
    const char *positional = NULL;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-' || argv[i][1] == '\0') {
            if (positional)
                return bad(err, errlen, "unexpected argument '%s'", argv[i]);
            positional = argv[i];
            continue;
        }
        enum options_result r = one_option(o, argc, argv, &i, err, errlen);
        if (r != OPTIONS_RUN)
            return r;
    }
    if (positional && o->kernel)
        return bad(err, errlen, "unexpected argument '%s' (the kernel is given by -kernel)", positional);
    if (positional)
        o->kernel = positional;
    if (!o->kernel)
        return bad(err, errlen, "no kernel given (vtx -kernel FILE; try --help)%s", "");
    return OPTIONS_RUN;
}
