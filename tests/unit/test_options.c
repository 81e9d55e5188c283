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
    EXPECT(t, !parse_smp("2,sockets=1", &n));
}

static void debug_flags(struct tcase *t)
{
    uint32_t f = 0;
    EXPECT(t, parse_debug("unimp,exc,int,cpu", &f));
    EXPECT_EQ(t, f, DBG_UNIMP | DBG_EXC | DBG_INT | DBG_CPU);
    EXPECT(t, parse_debug("exc", &f) && f == DBG_EXC);
    EXPECT(t, !parse_debug("exc,bogus", &f));
    EXPECT(t, !parse_debug("", &f));
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
                     "-device", "isa-debug-exit,iobase=0xf4,iosize=0x01" };
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
        { "vtx", "-serial", "none", "k" },
        { "vtx", "-display", "gtk", "k" },
        { "vtx", "-device", "e1000", "k" },
        { "vtx", "-device", "isa-debug-exit,iobase=0x501", "k" },
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

int main(void)
{
    static const struct test tests[] = {
        TEST(mem_size_like_qemu),
        TEST(mem_size_rejects_nonsense),
        TEST(smp_counts),
        TEST(debug_flags),
        TEST(qemu_test_runner_line_is_accepted),
        TEST(defaults_and_short_form),
        TEST(help_is_not_an_error),
        TEST(bad_command_lines_are_errors),
    };
    return RUN_TESTS(tests);
}
