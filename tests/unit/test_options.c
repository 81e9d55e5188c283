/* Unit tests of the command line: -m sizes as QEMU reads them, -smp, -d,
 * and the QEMU options that are accepted or refused. */
#include <string.h>

#include "cpu/cpu.h"
#include "machine/options.h"
#include "test_check.h"

#define ARGC(a) ((int)(sizeof a / sizeof a[0]))

static enum options_result parse(int argc, char **argv, struct vtx_options *o, char *err)
{
    return options_parse(argc, argv, o, err, 200);
}

static void mem_size_like_qemu(struct tcase *t)
{
    static const struct { const char *s; unsigned long long v; } ok[] = {
        { "128", 128ull << 20 }, { "128M", 128ull << 20 }, { "128m", 128ull << 20 },
        { "1G", 1ull << 30 }, { "1g", 1ull << 30 }, { "512k", 512ull << 10 },
        { "512K", 512ull << 10 }, { "1.5G", 3ull << 29 }, { "0.5", 1ull << 19 },
        { "size=64M", 64ull << 20 }, { "1T", 1ull << 40 }, { "1000B", 8192 },
        { "8192B", 8192 }, { "8193B", 16384 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint64_t v = 0;
        EXPECT(t, parse_mem_size(ok[i].s, &v));
        EXPECT_EQ(t, v, ok[i].v);
    }
}

static void mem_size_rejects_nonsense(struct tcase *t)
{
    static const char *bad[] = { "", "0", "M", "12Q", "1GB", "-1", "1.", ".5", "1..5G",
                                 "0x10", "2000T", "99999999999999999999", " 128", "128 " };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v = 0;
        if (parse_mem_size(bad[i], &v) && !t->failed) {
            t->failed = true;
            snprintf(t->why, sizeof t->why, "'%s' accepted as %llu", bad[i], (unsigned long long)v);
        }
    }
}

static void smp_counts(struct tcase *t)
{
    int n = 0;
    EXPECT(t, parse_smp("1", &n) && n == 1);
    EXPECT(t, parse_smp("8", &n) && n == 8);
    EXPECT(t, parse_smp("cpus=2", &n) && n == 2);
    EXPECT(t, !parse_smp("0", &n));
    EXPECT(t, !parse_smp("9", &n));
    EXPECT(t, !parse_smp("two", &n));
    EXPECT(t, !parse_smp("", &n));
}

/* QEMU's topology rules (hw/core/machine-smp.c): omitted values computed,
 * the product must be maxcpus, cpus <= maxcpus <= 8 (vtx's maximum). */
static void smp_topology_like_qemu(struct tcase *t)
{
    static const struct { const char *s; int n; } ok[] = {
        { "2,sockets=1", 2 }, { "2,sockets=1,cores=2", 2 }, { "2,sockets=2", 2 },
        { "4,sockets=1,cores=2,threads=2", 4 }, { "sockets=2,cores=2,threads=2", 8 },
        { "cores=4", 4 }, { "4,maxcpus=8", 4 }, { "cpus=2,maxcpus=4,sockets=2", 2 },
        { "4,threads=2", 4 }, { "0x4", 4 }, { "04", 4 }, { "2,dies=1,clusters=1", 2 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int n = 0;
        if ((!parse_smp(ok[i].s, &n) || n != ok[i].n) && !t->failed) {
            t->failed = true;
            snprintf(t->why, sizeof t->why, "'%s' gave %d, expected %d", ok[i].s, n, ok[i].n);
        }
    }
    static const char *bad[] = { "4,maxcpus=16", "sockets=3,cores=3", "9,maxcpus=9",
                                 "4,maxcpus=2", "2,cores=4", "2,sockets=0", "2,bogus=1",
                                 "2,sockets=", "2,,sockets=1", "-2" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int n = 0;
        if (parse_smp(bad[i], &n) && !t->failed) {
            t->failed = true;
            snprintf(t->why, sizeof t->why, "'%s' accepted as %d", bad[i], n);
        }
    }
}

static void mem_option_with_hotplug_fields(struct tcase *t)
{
    uint64_t v = 0;
    EXPECT(t, parse_mem_option("512M,slots=2,maxmem=1G", &v) && v == 512ull << 20);
    EXPECT(t, parse_mem_option("size=1G,maxmem=2G,slots=4", &v) && v == 1ull << 30);
    EXPECT(t, parse_mem_option("256", &v) && v == 256ull << 20);
    EXPECT(t, !parse_mem_option("512M,maxmem=256M", &v));   /* QEMU: maxmem >= size */
    EXPECT(t, !parse_mem_option("512M,bogus=1", &v));
    EXPECT(t, !parse_mem_option("slots=2", &v));
    EXPECT(t, !parse_mem_option("", &v));
}

/* Property integers as QEMU's string input visitor reads them (strtoull
 * base 0). */
static void numbers_like_qemu_properties(struct tcase *t)
{
    uint64_t v = 0;
    EXPECT(t, parse_number("244", 0xffff, &v) && v == 244);
    EXPECT(t, parse_number("0xf4", 0xffff, &v) && v == 0xf4);
    EXPECT(t, parse_number("0XF4", 0xffff, &v) && v == 0xf4);
    EXPECT(t, parse_number("04", 4, &v) && v == 4);
    EXPECT(t, parse_number("0x04", 4, &v) && v == 4);
    EXPECT(t, parse_number("0364", 0xffff, &v) && v == 244);   /* leading 0: octal */
    EXPECT(t, parse_number("0", 4, &v) && v == 0);
    static const char *bad[] = { "", "-1", "+1", " 1", "1 ", "0x", "12a", "08", "0x10000" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse_number(bad[i], 0xffff, &v) && !t->failed) {
            t->failed = true;
            snprintf(t->why, sizeof t->why, "'%s' accepted as %llu", bad[i], (unsigned long long)v);
        }
}

static void debug_flags(struct tcase *t)
{
    uint32_t f = 0;
    EXPECT(t, parse_debug("unimp,exc,int,cpu", &f));
    EXPECT_EQ(t, f, DBG_UNIMP | DBG_EXC | DBG_INT | DBG_CPU);
    EXPECT(t, parse_debug("exc", &f) && f == DBG_EXC);
    EXPECT(t, !parse_debug("exc,bogus", &f));
    EXPECT(t, !parse_debug("", &f));
    /* QEMU's items: int is vtx's int trace; the others trace nothing */
    EXPECT(t, parse_debug("int,cpu_reset", &f) && f == DBG_INT);
    EXPECT(t, parse_debug("guest_errors,unimp", &f) && f == DBG_UNIMP);
    EXPECT(t, parse_debug("exec,in_asm,op,pcall", &f) && f == 0);
    EXPECT(t, parse_debug("cpu_reset", &f) && f == 0);
    EXPECT(t, !parse_debug("int,", &f) || f == DBG_INT);
}

static void qemu_test_runner_line_is_accepted(struct tcase *t)
{
    char *argv[] = { "vtx", "-nodefaults", "-nographic", "-serial", "stdio", "-device",
                     "isa-debug-exit,iobase=0xf4,iosize=0x4", "--no-reboot", "-no-reboot",
                     "-accel", "tcg", "-machine", "q35", "-M", "pc", "-cpu", "max",
                     "-device", "pc-testdev", "-device", "pci-testdev",
                     "-kernel", "k.elf", "-append", "a b", "-initrd", "m1,m2", "-m", "256",
                     "-smp", "2", "-d", "exc,int", "-no-shutdown", "-display", "none",
                     "-vga", "none", "-monitor", "none", "-serial", "mon:stdio",
                     "-device", "isa-debug-exit,iobase=0xf4,iosize=0x01" ,
                     "-no-acpi", "-no-hpet", "-nic", "none", "-net", "none", "-vga", "std",
                     "-name", "X", "-k", "en-us", "-boot", "order=c", "-snapshot", "-usb",
                     "-rtc", "base=utc,clock=vm", "-rtc", "base=localtime",
                     "-cpu", "qemu64,+smep,-x2apic,vendor=GenuineIntel",
                     "-accel", "tcg,thread=single", "-machine", "type=pc",
                     "-vnc", "none", "-machine", "pc,kernel_irqchip=split",
                     "-d", "int,cpu_reset,guest_errors,exec,in_asm,op,pcall,exc" };
    struct vtx_options o;
    char err[200] = "";
    EXPECT_EQ(t, parse(ARGC(argv), argv, &o, err), OPTIONS_RUN);
    EXPECT_STR(t, err, "");
    EXPECT_STR(t, o.kernel, "k.elf");
    EXPECT_STR(t, o.append, "a b");
    EXPECT_STR(t, o.initrd, "m1,m2");
    EXPECT_EQ(t, o.ram, 256ull << 20);
    EXPECT_EQ(t, o.ncpu, 2);
    EXPECT_EQ(t, o.debug, DBG_EXC | DBG_INT);
    EXPECT_EQ(t, o.machine, MACHINE_PC);   /* the last -machine wins */
    EXPECT_EQ(t, o.nexits, 2);
    EXPECT(t, options_com1(&o) && options_com1(&o)->kind == CHR_STDIO);
}

static void defaults_and_short_form(struct tcase *t)
{
    char *argv[] = { "vtx", "kernel.elf" };
    struct vtx_options o;
    char err[200];
    EXPECT_EQ(t, parse(ARGC(argv), argv, &o, err), OPTIONS_RUN);
    EXPECT_STR(t, o.kernel, "kernel.elf");
    EXPECT(t, o.append == NULL && o.initrd == NULL);
    EXPECT_EQ(t, o.ram, 128ull << 20);
    EXPECT_EQ(t, o.ncpu, 1);
    EXPECT_EQ(t, o.debug, 0);
    EXPECT_EQ(t, o.machine, MACHINE_PC);
    EXPECT(t, o.nexits == 0 && o.ndebugcons == 0 && o.nchardevs == 0);
    EXPECT(t, o.trace_file == NULL && o.pidfile == NULL);
    EXPECT(t, options_com1(&o) && options_com1(&o)->kind == CHR_STDIO);
    char *dbl[] = { "vtx", "--kernel", "k", "--m", "1G" };
    EXPECT_EQ(t, parse(ARGC(dbl), dbl, &o, err), OPTIONS_RUN);
    EXPECT_EQ(t, o.ram, 1ull << 30);
}

static void help_is_not_an_error(struct tcase *t)
{
    char *a[] = { "vtx", "--help" }, *b[] = { "vtx", "-h" }, *c[] = { "vtx", "k", "-help" };
    struct vtx_options o;
    char err[200];
    EXPECT_EQ(t, parse(ARGC(a), a, &o, err), OPTIONS_HELP);
    EXPECT_EQ(t, parse(ARGC(b), b, &o, err), OPTIONS_HELP);
    EXPECT_EQ(t, parse(ARGC(c), c, &o, err), OPTIONS_HELP);
    EXPECT(t, strstr(options_usage, "-kernel") != NULL);
}

/* Each of these is one line of error. */
static void bad_command_lines_are_errors(struct tcase *t)
{
    static char *cases[][4] = {
        { "vtx", "-bogus", "k", NULL },
        { "vtx", NULL },
        { "vtx", "-kernel", NULL },
        { "vtx", "-m", "lots", "k" },
        { "vtx", "-smp", "99", "k" },
        { "vtx", "-d", "everything", "k" },
        { "vtx", "-cpu", "486", "k" },
        { "vtx", "-machine", "virt", "k" },
        { "vtx", "-accel", "kvm", "k" },
        { "vtx", "-serial", "vc", "k" },
        { "vtx", "-serial", "tcp::4444", "k" },
        { "vtx", "-display", "gtk", "k" },
        { "vtx", "-device", "e1000", "k" },
        { "vtx", "-device", "isa-debug-exit,iosize=3", "k" },
        { "vtx", "-device", "isa-debug-exit,iosize=0x08", "k" },
        { "vtx", "-device", "isa-debug-exit,iobase=0x10000", "k" },
        { "vtx", "-device", "isa-debug-exit,iobase=0xffff,iosize=2", "k" },
        { "vtx", "-device", "isa-debug-exit,iobase=", "k" },
        { "vtx", "-device", "isa-debug-exit,iobase=-1", "k" },
        { "vtx", "-device", "isa-debug-exit,bogus=1", "k" },
        { "vtx", "-device", "isa-debugcon", "k" },
        { "vtx", "-device", "isa-debugcon,chardev=nope", "k" },
        { "vtx", "-cpu", "Haswell", "k" },
        { "vtx", "-cpu", "pentium3,+sse", "k" },
        { "vtx", "-machine", "microvm", "k" },
        { "vtx", "-machine", "pc-i440fx-", "k" },
        { "vtx", "-machine", "pc,max-ram-below-4g=5G", "k" },
        { "vtx", "-machine", "pc,bogus=1", "k" },
        { "vtx", "-machine", "pc,accel=hvf", "k" },
        { "vtx", "-M", "type=virt", "k" },
        { "vtx", "-m", "512M,maxmem=256M", "k" },
        { "vtx", "-smp", "4,maxcpus=16", "k" },
        { "vtx", "-smp", "sockets=3,cores=3", "k" },
        { "vtx", "-vga", "cirrus", "k" },
        { "vtx", "-nic", "user", "k" },
        { "vtx", "-rtc", "base=mars", "k" },
        { "vtx", "-chardev", "file,id=f", "k" },
        { "vtx", "-chardev", "socket,id=s", "k" },
        { "vtx", "-chardev", "stdio", "k" },
        { "vtx", "-serial", "chardev:nope", "k" },
        { "vtx", "-gdb", "tcp::1234", "k" },
        { "vtx", "-s", "k", NULL },
        { "vtx", "-S", "k", NULL },
        { "vtx", "-enable-kvm", "k", NULL },
        { "vtx", "-D", NULL },
        { "vtx", "a", "b", NULL },
        { "vtx", "-kernel", "a", "b" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int argc = 0;
        while (argc < 4 && cases[i][argc])
            argc++;
        struct vtx_options o;
        char err[200] = "";
        enum options_result r = parse(argc, cases[i], &o, err);
        if ((r != OPTIONS_ERROR || !err[0] || strchr(err, '\n')) && !t->failed) {
            t->failed = true;
            snprintf(t->why, sizeof t->why, "case %zu (%s %s) gave %d \"%s\"", i,
                     cases[i][1] ? cases[i][1] : "", argc > 2 ? cases[i][2] : "", (int)r, err);
        }
    }
}

/* argv from a NULL-terminated list, parsed. */
static enum options_result parse_list(char **args, struct vtx_options *o, char *err)
{
    int argc = 0;
    while (args[argc])
        argc++;
    return parse(argc, args, o, err);
}

static void machine_types(struct tcase *t)
{
    static const struct { const char *flag, *v; enum machine_type type; } c[] = {
        { "-machine", "q35", MACHINE_Q35 }, { "-M", "q35", MACHINE_Q35 },
        { "-machine", "pc", MACHINE_PC }, { "-machine", "type=q35", MACHINE_Q35 },
        { "-machine", "type=pc", MACHINE_PC }, { "-M", "pc-i440fx-7.2", MACHINE_PC },
        { "-M", "pc-i440fx-2.12", MACHINE_PC }, { "-machine", "pc-q35-7.2", MACHINE_Q35 },
        { "-machine", "pc-q35-8.0,accel=tcg", MACHINE_Q35 },
        { "-machine", "q35,usb=off,vmport=off,smm=off", MACHINE_Q35 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *argv[] = { "vtx", (char *)c[i].flag, (char *)c[i].v, "k", NULL };
        struct vtx_options o;
        char err[200] = "";
        if ((parse_list(argv, &o, err) != OPTIONS_RUN || o.machine != c[i].type) && !t->failed) {
            t->failed = true;
            snprintf(t->why, sizeof t->why, "%s %s: %d \"%s\"", c[i].flag, c[i].v,
                     (int)o.machine, err);
        }
    }
    char *mr[] = { "vtx", "-machine", "q35,max-ram-below-4g=1G", "-machine", "accel=tcg", "k", NULL };
    struct vtx_options o;
    char err[200] = "";
    EXPECT_EQ(t, parse_list(mr, &o, err), OPTIONS_RUN);
    EXPECT_EQ(t, o.machine, MACHINE_Q35);   /* a -machine without a type keeps it */
    EXPECT_EQ(t, o.max_ram_below_4g, 1ull << 30);
}

static void cpu_models_and_suffixes(struct tcase *t)
{
    static const char *ok[] = { "qemu32", "qemu64", "kvm64", "max", "host", "base", "vtx",
                                "max,+x2apic", "qemu64,+smep,+smap", "host,+vmx",
                                "kvm64,-svm,vendor=GenuineIntel", "qemu32,model=6" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *argv[] = { "vtx", "-cpu", (char *)ok[i], "k", NULL };
        struct vtx_options o;
        char err[200] = "";
        if (parse_list(argv, &o, err) != OPTIONS_RUN && !t->failed) {
            t->failed = true;
            snprintf(t->why, sizeof t->why, "-cpu %s: \"%s\"", ok[i], err);
        }
    }
}

static void serial_ports(struct tcase *t)
{
    struct vtx_options o;
    char err[200];
    char *file[] = { "vtx", "-serial", "file:/tmp/s.out", "k", NULL };
    EXPECT_EQ(t, parse_list(file, &o, err), OPTIONS_RUN);
    EXPECT(t, options_com1(&o) && options_com1(&o)->kind == CHR_FILE);
    EXPECT_STR(t, options_com1(&o)->text, "/tmp/s.out");
    char *null[] = { "vtx", "-serial", "null", "k", NULL };
    EXPECT_EQ(t, parse_list(null, &o, err), OPTIONS_RUN);
    EXPECT_EQ(t, options_com1(&o)->kind, CHR_NULL);
    char *none[] = { "vtx", "-serial", "none", "k", NULL };
    EXPECT_EQ(t, parse_list(none, &o, err), OPTIONS_RUN);
    EXPECT(t, options_com1(&o) == NULL);   /* no COM1 at all */
    /* QEMU: "none" takes no port, the next -serial is COM1 */
    char *none_then[] = { "vtx", "-serial", "none", "-serial", "null", "k", NULL };
    EXPECT_EQ(t, parse_list(none_then, &o, err), OPTIONS_RUN);
    EXPECT(t, options_com1(&o) && options_com1(&o)->kind == CHR_NULL);
    char *twice[] = { "vtx", "-serial", "stdio", "-serial", "stdio", "-serial", "mon:stdio", "k", NULL };
    EXPECT_EQ(t, parse_list(twice, &o, err), OPTIONS_RUN);
    EXPECT_EQ(t, options_com1(&o)->kind, CHR_STDIO);
    char *com2_file[] = { "vtx", "-serial", "stdio", "-serial", "file:/tmp/x", "k", NULL };
    EXPECT_EQ(t, parse_list(com2_file, &o, err), OPTIONS_ERROR);
    char *cd[] = { "vtx", "-serial", "chardev:c0", "-chardev", "file,id=c0,path=/tmp/a,,b,append=on", "k", NULL };
    EXPECT_EQ(t, parse_list(cd, &o, err), OPTIONS_RUN);
    EXPECT(t, options_com1(&o)->kind == CHR_ID);
    const struct opt_chardev *c0 = options_chardev(&o, "c0");
    EXPECT(t, c0 && c0->backend.kind == CHR_FILE && c0->backend.append);
    EXPECT_STR(t, c0 ? c0->backend.text : "", "/tmp/a,b");   /* ",," is a comma */
}

static void chardev_table(struct tcase *t)
{
    struct vtx_options o;
    char err[200];
    char *ok[] = { "vtx", "-chardev", "stdio,id=a,signal=off", "-chardev", "null,id=b",
                   "-chardev", "file,path=/tmp/c,id=c", "k", NULL };
    EXPECT_EQ(t, parse_list(ok, &o, err), OPTIONS_RUN);
    EXPECT_EQ(t, o.nchardevs, 3);
    EXPECT(t, options_chardev(&o, "a") && options_chardev(&o, "a")->backend.kind == CHR_STDIO);
    EXPECT(t, options_chardev(&o, "b") && options_chardev(&o, "b")->backend.kind == CHR_NULL);
    EXPECT(t, options_chardev(&o, "c") && !options_chardev(&o, "c")->backend.append);
    EXPECT(t, options_chardev(&o, "d") == NULL);
    char *dup[] = { "vtx", "-chardev", "stdio,id=a", "-chardev", "null,id=a", "k", NULL };
    EXPECT_EQ(t, parse_list(dup, &o, err), OPTIONS_ERROR);
    char *noid[] = { "vtx", "-chardev", "null", "k", NULL };
    EXPECT_EQ(t, parse_list(noid, &o, err), OPTIONS_ERROR);
}

static void debug_exit_devices(struct tcase *t)
{
    struct vtx_options o;
    char err[200];
    char *argv[] = { "vtx", "-device", "isa-debug-exit", "-device", "isa-debug-exit,iobase=244,iosize=04",
                     "-device", "isa-debug-exit,iosize=0x01,iobase=0x0f4", "-device",
                     "isa-debug-exit,iobase=0x700,iosize=1", "k", NULL };
    EXPECT_EQ(t, parse_list(argv, &o, err), OPTIONS_RUN);
    EXPECT_EQ(t, o.nexits, 4);
    EXPECT(t, o.exits[0].base == 0x501 && o.exits[0].size == 2);   /* QEMU's defaults */
    EXPECT(t, o.exits[1].base == 0xf4 && o.exits[1].size == 4);
    EXPECT(t, o.exits[2].base == 0xf4 && o.exits[2].size == 1);
    EXPECT(t, o.exits[3].base == 0x700 && o.exits[3].size == 1);
}

static void debug_consoles(struct tcase *t)
{
    struct vtx_options o;
    char err[200];
    char *dc[] = { "vtx", "-debugcon", "stdio", "k", NULL };
    EXPECT_EQ(t, parse_list(dc, &o, err), OPTIONS_RUN);
    EXPECT(t, o.ndebugcons == 1 && o.debugcons[0].iobase == 0xE9 && o.debugcons[0].readback == 0xE9);
    EXPECT_EQ(t, o.debugcons[0].chr.kind, CHR_STDIO);
    char *file[] = { "vtx", "-debugcon", "file:/tmp/d.out", "k", NULL };
    EXPECT_EQ(t, parse_list(file, &o, err), OPTIONS_RUN);
    EXPECT(t, o.debugcons[0].chr.kind == CHR_FILE);
    char *dev[] = { "vtx", "-device", "isa-debugcon,iobase=0x402,chardev=c,readback=0x42",
                    "-chardev", "null,id=c", "k", NULL };
    EXPECT_EQ(t, parse_list(dev, &o, err), OPTIONS_RUN);
    EXPECT(t, o.ndebugcons == 1 && o.debugcons[0].iobase == 0x402 && o.debugcons[0].readback == 0x42);
    EXPECT(t, o.debugcons[0].chr.kind == CHR_ID);
    char *none[] = { "vtx", "-debugcon", "none", "k", NULL };
    EXPECT_EQ(t, parse_list(none, &o, err), OPTIONS_RUN);
    EXPECT_EQ(t, o.ndebugcons, 0);
    char *two[] = { "vtx", "-debugcon", "stdio", "-debugcon", "null", "k", NULL };
    EXPECT_EQ(t, parse_list(two, &o, err), OPTIONS_ERROR);   /* QEMU takes one */
}

static void refusals_say_why(struct tcase *t)
{
    struct vtx_options o;
    char err[200];
    char *kvm[] = { "vtx", "-enable-kvm", "k", NULL };
    EXPECT_EQ(t, parse_list(kvm, &o, err), OPTIONS_ERROR);
    EXPECT_STR(t, err, "KVM is not used: vtx is a CPU emulator (drop -enable-kvm)");
    char *accel[] = { "vtx", "-accel", "kvm", "k", NULL };
    EXPECT_EQ(t, parse_list(accel, &o, err), OPTIONS_ERROR);
    EXPECT(t, strncmp(err, "KVM is not used: vtx is a CPU emulator", 38) == 0);
    char *macc[] = { "vtx", "-machine", "q35,accel=kvm", "k", NULL };
    EXPECT_EQ(t, parse_list(macc, &o, err), OPTIONS_ERROR);
    EXPECT(t, strncmp(err, "KVM is not used", 15) == 0);
    char *s[] = { "vtx", "-s", "k", NULL }, *S[] = { "vtx", "k", "-S", NULL };
    char *gdb[] = { "vtx", "-gdb", "tcp::1234", "k", NULL };
    EXPECT_EQ(t, parse_list(s, &o, err), OPTIONS_ERROR);
    EXPECT_STR(t, err, "no gdb stub yet");
    EXPECT_EQ(t, parse_list(S, &o, err), OPTIONS_ERROR);
    EXPECT_STR(t, err, "no gdb stub yet");
    EXPECT_EQ(t, parse_list(gdb, &o, err), OPTIONS_ERROR);
    EXPECT_STR(t, err, "no gdb stub yet");
}

static void trace_file_and_pidfile(struct tcase *t)
{
    struct vtx_options o;
    char err[200];
    char *argv[] = { "vtx", "-D", "/tmp/trace.log", "-pidfile", "/tmp/vtx.pid", "k", NULL };
    EXPECT_EQ(t, parse_list(argv, &o, err), OPTIONS_RUN);
    EXPECT_STR(t, o.trace_file, "/tmp/trace.log");
    EXPECT_STR(t, o.pidfile, "/tmp/vtx.pid");
    EXPECT(t, strstr(options_usage, "-D FILE") && strstr(options_usage, "-debugcon") &&
              strstr(options_usage, "isa-debug-exit") && strstr(options_usage, "q35"));
}

int main(void)
{
    static const struct test tests[] = {
        TEST(mem_size_like_qemu),
        TEST(mem_size_rejects_nonsense),
        TEST(smp_counts),
        TEST(smp_topology_like_qemu),
        TEST(mem_option_with_hotplug_fields),
        TEST(numbers_like_qemu_properties),
        TEST(debug_flags),
        TEST(qemu_test_runner_line_is_accepted),
        TEST(defaults_and_short_form),
        TEST(help_is_not_an_error),
        TEST(bad_command_lines_are_errors),
        TEST(machine_types),
        TEST(cpu_models_and_suffixes),
        TEST(serial_ports),
        TEST(chardev_table),
        TEST(debug_exit_devices),
        TEST(debug_consoles),
        TEST(refusals_say_why),
        TEST(trace_file_and_pidfile),
    };
    return RUN_TESTS(tests);
}
