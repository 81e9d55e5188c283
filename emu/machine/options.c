/* The command line: vtx -kernel FILE [-append STR] [-initrd LIST] [-m SIZE]
 * [-smp N] [-d LIST] ..., or vtx FILE. Options are spelt as QEMU spells
 * them (one or two dashes, QemuOpts "key=value" lists with ",," for a
 * comma), and the QEMU options that users habitually pass for the same
 * kernels are accepted: honoured where vtx has the thing, ignored where it
 * changes nothing, refused with a reason where vtx cannot do it. */
#include "options.h"

#include <stdio.h>
#include <string.h>

#include "dev/debugcon.h"

const char options_usage[] =
    "usage: vtx [options] -kernel FILE\n"
    "       vtx [options] FILE\n"
    "Boots a multiboot kernel (ELF32, ELF64 or a.out kludge) on an emulated PC.\n"
    "\n"
    "  -kernel FILE      the multiboot kernel\n"
    "  -append STR       its command line (the kernel sees \"FILE STR\")\n"
    "  -initrd LIST      modules: \"file args,file args\" (\",,\" is a comma)\n"
    "  -m SIZE[,slots=N,maxmem=SIZE]  RAM: 128, 128M, 1G, 512k (default 128M)\n"
    "  -smp N[,sockets=S,cores=C,threads=T,maxcpus=M]  CPUs, 1 to 8 (default 1)\n"
    "  -machine TYPE[,max-ram-below-4g=SIZE], -M TYPE\n"
    "                    pc (default) or q35 (also pc-i440fx-*, pc-q35-*,\n"
    "                    type=...): memory map and chipset as QEMU's\n"
    "  -cpu MODEL[,...]  qemu32, qemu64, kvm64, max, host, base, vtx: all the\n"
    "                    same vtx CPU; +feat, -feat, vendor= are ignored\n"
    "  -serial DEV       COM1: stdio (default), mon:stdio, file:PATH, null,\n"
    "                    none (no COM1), chardev:ID\n"
    "  -debugcon DEV     port 0xE9 debug console: stdio, file:PATH, null, chardev:ID\n"
    "  -chardev stdio,id=ID | file,id=ID,path=PATH[,append=on] | null,id=ID\n"
    "  -device isa-debug-exit[,iobase=N][,iosize=1|2|4]  exit port (default\n"
    "                    0x501, size 2); one is always at 0xf4, size 4\n"
    "  -device isa-debugcon[,iobase=N],chardev=ID[,readback=N]  (default 0xE9)\n"
    "  -d LIST           trace: unimp, exc, int, cpu (QEMU's cpu_reset,\n"
    "                    guest_errors, exec, in_asm, op, pcall: accepted)\n"
    "  -D FILE           traces to FILE instead of stderr\n"
    "  -pidfile FILE     write the process id to FILE (removed at exit)\n"
    "  -h, --help        this text\n"
    "\n"
    "Accepted for QEMU compatibility and ignored: -nodefaults, -nographic,\n"
    "-no-reboot, -no-shutdown, -snapshot, -usb, -no-acpi, -no-hpet,\n"
    "-display none, -vnc none, -vga none|std (there is no VGA), -monitor none,\n"
    "-nic none, -net none, -accel tcg[,...], -rtc base=utc|localtime[,...],\n"
    "-name X, -k LAYOUT, -boot ..., -device pc-testdev, -device pci-testdev.\n"
    "Refused: -enable-kvm and -accel kvm (vtx is a CPU emulator), -s, -S,\n"
    "-gdb (no gdb stub yet).\n"
    "\n"
    "vtx does not reboot: a guest reset (0x64 command 0xFE, 0xCF9, port 0x92)\n"
    "ends it with status 0, as QEMU -no-reboot does. Exit status: (v << 1) | 1\n"
    "after the guest writes v to an isa-debug-exit port; 0 after \"Shutdown\" on\n"
    "port 0x8900 or a reset; 3 on a triple fault; 4 when every CPU halts for\n"
    "good; 2 on bad input.\n";

#define KVM_REFUSED "KVM is not used: vtx is a CPU emulator (drop %s)"
#define GDB_REFUSED "no gdb stub yet%s"

static enum options_result bad(char *err, size_t errlen, const char *fmt, const char *a)
{
    snprintf(err, errlen, fmt, a);
    return OPTIONS_ERROR;
}

static bool is_one_of(const char *s, const char *const *names)
{
    for (; *names; names++)
        if (strcmp(s, *names) == 0)
            return true;
    return false;
}

static bool copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n == 0 || n >= cap)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

/* ---- character devices ---- */

/* A -serial / -debugcon value (QEMU chardev/char.c qemu_chr_parse_compat:
 * the forms vtx has). */
static bool parse_chr_spec(const char *v, struct opt_chr *c)
{
    *c = (struct opt_chr){ .kind = CHR_STDIO };
    if (strcmp(v, "stdio") == 0 || strcmp(v, "mon:stdio") == 0)
        return true;
    if (strcmp(v, "null") == 0) {
        c->kind = CHR_NULL;
        return true;
    }
    if (strcmp(v, "none") == 0) {
        c->kind = CHR_NONE;
        return true;
    }
    if (strncmp(v, "file:", 5) == 0) {
        c->kind = CHR_FILE;
        return copy_text(c->text, sizeof c->text, v + 5);
    }
    if (strncmp(v, "chardev:", 8) == 0) {
        c->kind = CHR_ID;
        return copy_text(c->text, OPT_ID_MAX, v + 8);
    }
    return false;
}

/* -serial: the first device is COM1 ("none" is no device and takes no
 * port: QEMU softmmu/vl.c serial_parse). vtx emulates COM1 only; a later
 * -serial stdio/mon:stdio/null (QEMU's COM2..) is accepted and dropped. */
static enum options_result set_serial(struct vtx_options *o, const char *v, char *err, size_t errlen)
{
    struct opt_chr c;
    if (!parse_chr_spec(v, &c))
        return bad(err, errlen, "bad value for -serial: '%.300s' (vtx has stdio, mon:stdio, "
                   "file:PATH, null, none, chardev:ID)", v);
    o->serial_given = true;
    if (c.kind == CHR_NONE)
        return OPTIONS_RUN;
    if (o->nserial++ == 0)
        o->serial = c;
    else if (c.kind != CHR_STDIO && c.kind != CHR_NULL)
        return bad(err, errlen, "-serial %.300s: vtx emulates one serial port (COM1), and "
                   "COM1 is already given", v);
    return OPTIONS_RUN;
}

static bool add_debugcon(struct vtx_options *o, uint16_t iobase, uint8_t readback,
                         const struct opt_chr *c)
{
    if (o->ndebugcons == MACHINE_MAX_DEBUGCONS)
        return false;
    o->debugcons[o->ndebugcons++] = (struct opt_debugcon){ iobase, readback, *c };
    return true;
}

/* -debugcon DEV: QEMU allows one, an isa-debugcon at 0xE9 (vl.c
 * debugcon_parse). */
static bool set_debugcon(struct vtx_options *o, const char *v)
{
    struct opt_chr c;
    if (o->debugcon_given || !parse_chr_spec(v, &c))
        return false;
    o->debugcon_given = true;
    return c.kind == CHR_NONE || add_debugcon(o, DEBUGCON_BASE, DEBUGCON_READBACK, &c);
}

/* -chardev BACKEND,id=ID,...: stdio (signal=, mux= ignored), file
 * (path=, append=on|off), null. */
static bool set_chardev(struct vtx_options *o, const char *v)
{
    static const char *const backends[] = { "stdio", "file", "null", NULL };
    static const enum opt_chr_kind kinds[] = { CHR_STDIO, CHR_FILE, CHR_NULL };
    static const char *const on_off[] = { "on", "off", NULL };
    struct opt_chardev cd = { 0 };
    struct opt_item it;
    int r = next_opt_item(&v, &it);
    if (r != 1 || it.has_val || !is_one_of(it.key, backends) || o->nchardevs == OPT_MAX_CHARDEVS)
        return false;
    for (int i = 0; backends[i]; i++)
        if (strcmp(it.key, backends[i]) == 0)
            cd.backend.kind = kinds[i];
    while ((r = next_opt_item(&v, &it)) == 1) {
        bool ok = it.has_val;
        if (strcmp(it.key, "id") == 0)
            ok = ok && copy_text(cd.id, sizeof cd.id, it.val);
        else if (strcmp(it.key, "path") == 0 && cd.backend.kind == CHR_FILE)
            ok = ok && copy_text(cd.backend.text, sizeof cd.backend.text, it.val);
        else if (strcmp(it.key, "append") == 0 && cd.backend.kind == CHR_FILE)
            ok = ok && is_one_of(it.val, on_off);
        else if (strcmp(it.key, "signal") == 0 || strcmp(it.key, "mux") == 0)
            ok = ok && is_one_of(it.val, on_off);
        else
            ok = false;
        if (!ok)
            return false;
        if (strcmp(it.key, "append") == 0)
            cd.backend.append = strcmp(it.val, "on") == 0;
    }
    if (r < 0 || !cd.id[0] || (cd.backend.kind == CHR_FILE && !cd.backend.text[0]))
        return false;   /* QEMU too needs the id, and the path of a file */
    if (options_chardev(o, cd.id))
        return false;   /* ids are unique */
    o->chardevs[o->nchardevs++] = cd;
    return true;
}

const struct opt_chardev *options_chardev(const struct vtx_options *o, const char *id)
{
    for (int i = 0; i < o->nchardevs; i++)
        if (strcmp(o->chardevs[i].id, id) == 0)
            return &o->chardevs[i];
    return NULL;
}

const struct opt_chr *options_com1(const struct vtx_options *o)
{
    static const struct opt_chr stdio = { .kind = CHR_STDIO };
    if (!o->serial_given)
        return &stdio;
    return o->nserial ? &o->serial : NULL;
}

/* ---- -device ---- */

/* isa-debug-exit (QEMU hw/misc/debugexit.c): iobase default 0x501, iosize
 * default 2; vtx takes sizes 1, 2 and 4. */
static bool device_debug_exit(struct vtx_options *o, const char *v)
{
    uint64_t base = 0x501, size = 2;
    struct opt_item it;
    int r;
    while ((r = next_opt_item(&v, &it)) == 1) {
        bool ok = it.has_val;
        if (strcmp(it.key, "iobase") == 0)
            ok = ok && parse_number(it.val, 0xFFFF, &base);
        else if (strcmp(it.key, "iosize") == 0)
            ok = ok && parse_number(it.val, 4, &size) && (size == 1 || size == 2 || size == 4);
        else
            ok = false;
        if (!ok)
            return false;
    }
    if (r < 0 || base + size > 0x10000 || o->nexits == MACHINE_MAX_EXITS)
        return false;
    o->exits[o->nexits].base = (uint16_t)base;
    o->exits[o->nexits].size = (uint16_t)size;
    o->nexits++;
    return true;
}

/* isa-debugcon (QEMU hw/char/debugcon.c): iobase default 0xE9, readback
 * default 0xE9, chardev required ("Can't create debugcon: No chardev
 * specified" on QEMU). */
static bool device_debugcon(struct vtx_options *o, const char *v)
{
    uint64_t base = DEBUGCON_BASE, readback = DEBUGCON_READBACK;
    struct opt_chr c = { .kind = CHR_ID };
    struct opt_item it;
    int r;
    while ((r = next_opt_item(&v, &it)) == 1) {
        bool ok = it.has_val;
        if (strcmp(it.key, "iobase") == 0)
            ok = ok && parse_number(it.val, 0xFFFF, &base);
        else if (strcmp(it.key, "readback") == 0)
            ok = ok && parse_number(it.val, 0xFF, &readback);
        else if (strcmp(it.key, "chardev") == 0)
            ok = ok && copy_text(c.text, OPT_ID_MAX, it.val);
        else
            ok = false;
        if (!ok)
            return false;
    }
    return r == 0 && c.text[0] && add_debugcon(o, (uint16_t)base, (uint8_t)readback, &c);
}

static bool set_device(struct vtx_options *o, const char *v)
{
    static const char *const testdevs[] = { "pc-testdev", "pci-testdev", NULL };
    if (is_one_of(v, testdevs))
        return true;
    size_t len = strcspn(v, ",");
    const char *rest = v[len] ? v + len + 1 : v + len;
    if (len == 14 && strncmp(v, "isa-debug-exit", 14) == 0)
        return device_debug_exit(o, rest);
    if (len == 12 && strncmp(v, "isa-debugcon", 12) == 0)
        return device_debugcon(o, rest);
    return false;
}

/* ---- -machine, -accel, -cpu ---- */

static bool machine_type_name(const char *n, enum machine_type *t)
{
    if (strcmp(n, "pc") == 0 || (strncmp(n, "pc-i440fx-", 10) == 0 && n[10])) {
        *t = MACHINE_PC;
        return true;
    }
    if (strcmp(n, "q35") == 0 || (strncmp(n, "pc-q35-", 7) == 0 && n[7])) {
        *t = MACHINE_Q35;
        return true;
    }
    return false;
}

/* -machine [type=]TYPE[,accel=tcg][,max-ram-below-4g=SIZE][,...]: the type
 * and max-ram-below-4g (at most 4 GiB, as QEMU's x86 machine checks) are
 * honoured; the version of pc-i440fx-X.Y / pc-q35-X.Y is not looked at
 * (the machine is QEMU 7.2's); a few common switches are ignored. */
static enum options_result set_machine(struct vtx_options *o, const char *name, const char *v,
                                       char *err, size_t errlen)
{
    static const char *const ignored[] = { "usb", "vmport", "smm", "acpi", "hpet", "graphics",
                                           "dump-guest-core", "mem-merge", "kernel-irqchip",
                                           "kernel_irqchip", NULL };
    const char *v0 = v;
    struct opt_item it;
    bool first = true;
    int r;
    while ((r = next_opt_item(&v, &it)) == 1) {
        bool ok = true;
        if ((first && !it.has_val) || strcmp(it.key, "type") == 0)
            ok = machine_type_name(it.has_val ? it.val : it.key, &o->machine);
        else if (strcmp(it.key, "accel") == 0 && strcmp(it.val, "kvm") == 0)
            return bad(err, errlen, KVM_REFUSED, "accel=kvm");
        else if (strcmp(it.key, "accel") == 0)
            ok = strcmp(it.val, "tcg") == 0;
        else if (strcmp(it.key, "max-ram-below-4g") == 0) {
            if (!parse_byte_size(it.val, &o->max_ram_below_4g) || !o->max_ram_below_4g ||
                o->max_ram_below_4g > (4ull << 30))
                return bad(err, errlen, "-machine max-ram-below-4g=%.300s: a size up to 4G, "
                           "as on QEMU", it.val);
        } else {
            ok = it.has_val && is_one_of(it.key, ignored);
        }
        if (!ok)
            break;
        first = false;
    }
    if (r != 0) {
        snprintf(err, errlen, "bad value for -%s: '%.300s' (vtx has the pc and q35 machines)",
                 name, v0);
        return OPTIONS_ERROR;
    }
    return OPTIONS_RUN;
}

/* -accel tcg[,thread=...,tb-size=...]: the sub-options are ignored. */
static enum options_result set_accel(const char *v, char *err, size_t errlen)
{
    size_t len = strcspn(v, ",");
    if (len == 3 && strncmp(v, "kvm", 3) == 0)
        return bad(err, errlen, KVM_REFUSED, "-accel kvm");
    if (len == 3 && strncmp(v, "tcg", 3) == 0)
        return OPTIONS_RUN;
    return bad(err, errlen, "bad value for -accel: '%s' (vtx is its own accelerator: tcg)", v);
}

/* -cpu MODEL[,+feat,-feat,feat=on,vendor=...]: every model is the one vtx
 * CPU (CPUID as emu/cpu/features.h says); the suffixes are ignored. */
static bool cpu_ok(const char *v)
{
    static const char *const models[] = { "qemu32", "qemu64", "kvm64", "max", "host", "base",
                                          "vtx", NULL };
    struct opt_item it;
    return next_opt_item(&v, &it) == 1 && !it.has_val && is_one_of(it.key, models);
}

/* -rtc base=utc|localtime[,clock=host|rt|vm][,driftfix=none|slew]: vtx
 * has no RTC yet; checked and ignored. */
static bool rtc_ok(const char *v)
{
    static const char *const bases[] = { "utc", "localtime", NULL };
    static const char *const clocks[] = { "host", "rt", "vm", NULL };
    static const char *const drifts[] = { "none", "slew", NULL };
    struct opt_item it;
    int r;
    while ((r = next_opt_item(&v, &it)) == 1) {
        bool ok = it.has_val &&
                  ((strcmp(it.key, "base") == 0 && is_one_of(it.val, bases)) ||
                   (strcmp(it.key, "clock") == 0 && is_one_of(it.val, clocks)) ||
                   (strcmp(it.key, "driftfix") == 0 && is_one_of(it.val, drifts)));
        if (!ok)
            return false;
    }
    return r == 0;
}

/* ---- the option table ---- */

static bool is_flag_ignored(const char *name)
{
    static const char *const names[] = { "nodefaults", "nographic", "no-reboot", "no-shutdown",
                                         "snapshot", "usb", "no-acpi", "no-hpet", NULL };
    return is_one_of(name, names);
}

static bool takes_value(const char *name)
{
    static const char *const names[] = {
        "kernel", "append", "initrd", "m", "smp", "d", "D", "serial", "accel", "machine", "M",
        "cpu", "device", "display", "vnc", "vga", "monitor", "chardev", "debugcon", "rtc", "nic",
        "net", "name", "k", "boot", "pidfile", NULL };
    return is_one_of(name, names);
}

/* Options whose value is checked and otherwise ignored. */
static bool ignored_with_value(const char *name, const char *v, bool *ok)
{
    static const char *const vgas[] = { "none", "std", NULL };
    if (strcmp(name, "display") == 0 || strcmp(name, "monitor") == 0 || strcmp(name, "vnc") == 0 ||
        strcmp(name, "nic") == 0 || strcmp(name, "net") == 0)
        *ok = strcmp(v, "none") == 0;
    else if (strcmp(name, "vga") == 0)
        *ok = is_one_of(v, vgas);   /* std: accepted; vtx has no VGA to show */
    else if (strcmp(name, "cpu") == 0)
        *ok = cpu_ok(v);
    else if (strcmp(name, "rtc") == 0)
        *ok = rtc_ok(v);
    else if (strcmp(name, "name") == 0 || strcmp(name, "k") == 0 || strcmp(name, "boot") == 0)
        *ok = true;
    else
        return false;
    return true;
}

/* An option that takes a value: store it or check it. */
static enum options_result set_value(struct vtx_options *o, const char *name, const char *v,
                                     char *err, size_t errlen)
{
    bool ok = true;
    if (strcmp(name, "machine") == 0 || strcmp(name, "M") == 0)
        return set_machine(o, name, v, err, errlen);
    if (strcmp(name, "accel") == 0)
        return set_accel(v, err, errlen);
    if (strcmp(name, "kernel") == 0)        o->kernel = v;
    else if (strcmp(name, "append") == 0)   o->append = v;
    else if (strcmp(name, "initrd") == 0)   o->initrd = v;
    else if (strcmp(name, "D") == 0)        o->trace_file = v;
    else if (strcmp(name, "pidfile") == 0)  o->pidfile = v;
    else if (strcmp(name, "m") == 0)        ok = parse_mem_option(v, &o->ram);
    else if (strcmp(name, "smp") == 0)      ok = parse_smp(v, &o->ncpu);
    else if (strcmp(name, "d") == 0)        ok = parse_debug(v, &o->debug);
    else if (strcmp(name, "serial") == 0)   return set_serial(o, v, err, errlen);
    else if (strcmp(name, "debugcon") == 0) ok = set_debugcon(o, v);
    else if (strcmp(name, "chardev") == 0)  ok = set_chardev(o, v);
    else if (strcmp(name, "device") == 0)   ok = set_device(o, v);
    else if (!ignored_with_value(name, v, &ok))
        ok = false;
    if (!ok) {
        snprintf(err, errlen, "bad value for -%s: '%.300s'", name, v);
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
    if (strcmp(name, "enable-kvm") == 0)
        return bad(err, errlen, KVM_REFUSED, "-enable-kvm");
    if (strcmp(name, "s") == 0 || strcmp(name, "S") == 0 || strcmp(name, "gdb") == 0)
        return bad(err, errlen, GDB_REFUSED, "");
    if (!takes_value(name))
        return bad(err, errlen, "unknown option '%s' (try --help)", argv[*i]);
    if (*i + 1 >= argc)
        return bad(err, errlen, "option '%s' needs a value", argv[*i]);
    *i += 1;
    return set_value(o, name, argv[*i], err, errlen);
}

/* Every chardev:ID and chardev=ID names a -chardev, given before or after. */
static enum options_result check_chardev_ids(const struct vtx_options *o, char *err, size_t errlen)
{
    const struct opt_chr *com1 = options_com1(o);
    if (com1 && com1->kind == CHR_ID && !options_chardev(o, com1->text))
        return bad(err, errlen, "-serial chardev:%s: no -chardev with that id", com1->text);
    for (int i = 0; i < o->ndebugcons; i++) {
        const struct opt_chr *c = &o->debugcons[i].chr;
        if (c->kind == CHR_ID && !options_chardev(o, c->text))
            return bad(err, errlen, "isa-debugcon chardev=%s: no -chardev with that id", c->text);
    }
    return OPTIONS_RUN;
}

enum options_result options_parse(int argc, char **argv, struct vtx_options *o, char *err, size_t errlen)
{
    *o = (struct vtx_options){ .ram = DEFAULT_RAM, .ncpu = 1, .machine = MACHINE_PC };
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
    return check_chardev_ids(o, err, errlen);
}
