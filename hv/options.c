/* hv's command line and its modules, read from the multiboot information
 * and copied into hv's own memory (pmem may reuse the loader's memory).
 *
 * hv command line (words, any order):
 *   demos=LIST                 built-in guests to run, comma-separated
 *                              (default "all" = primes,realmode,probe,
 *                              hostile; also tswitch, triple, halt; "none")
 *   bench=N                    add the "bench" guest: N CPUID exits
 *   slice=N                    time slice in TSC cycles (default 2000000)
 *   slices=N                   stop a VM after N slices (default 0: never)
 *   verbose                    log every VM switch
 * Each module line's own words (they stay in the guest's command line too):
 *   name=NAME    the VM's name (default: the file name without extension
 *                if the string starts with it, as with QEMU and vtx; else
 *                module<i>)
 *   mem=MIB      its RAM in MiB (default 8)
 *   expect=exit:N|exit|halt|ept|triple|unexpected|any
 *                how it should end (default: exit status 0 or a halt) */
#include "hv.h"

struct hv_options opt;

/* Value of key= in a space-separated string, copied into buf; false if absent. */
static bool word_value(const char *s, const char *key, char *buf, size_t n)
{
    size_t k = strlen(key);
    while (*s) {
        while (*s == ' ') s++;
        const char *e = s;
        while (*e && *e != ' ') e++;
        if ((size_t)(e - s) > k && !strncmp(s, key, k) && s[k] == '=') {
            size_t len = (size_t)(e - s) - k - 1;
            if (len >= n) len = n - 1;
            memcpy(buf, s + k + 1, len);
            buf[len] = 0;
            return true;
        }
        s = e;
    }
    return false;
}

static uint64_t parse_u64(const char *s)
{
    uint64_t v = 0;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { base = 16; s += 2; }
    for (;; s++) {
        int d;
        if (*s >= '0' && *s <= '9') d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
        else break;
        v = v * base + d;
    }
    return v;
}

bool word_in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *s = list; *s;) {
        const char *e = s;
        while (*e && *e != ',') e++;
        if ((size_t)(e - s) == n && !strncmp(s, word, n))
            return true;
        s = *e ? e + 1 : e;
    }
    return false;
}

bool parse_expect(const char *v, enum vm_expect *e, int64_t *status)
{
    *status = 0;
    if (!strcmp(v, "exit")) *e = EXPECT_EXIT;
    else if (!strncmp(v, "exit:", 5)) { *e = EXPECT_EXIT; *status = (int64_t)parse_u64(v + 5); }
    else if (!strcmp(v, "halt")) *e = EXPECT_HALT;
    else if (!strcmp(v, "ept")) *e = EXPECT_EPT;
    else if (!strcmp(v, "triple")) *e = EXPECT_TRIPLE;
    else if (!strcmp(v, "unexpected")) *e = EXPECT_UNEXPECTED;
    else if (!strcmp(v, "any")) *e = EXPECT_ANY;
    else return false;
    return true;
}

/* Default VM name: the module's file name without directory or extension
 * when its string starts with one (QEMU and vtx pass "file args"; GRUB
 * passes only the arguments), else "module<i>". */
static void default_name(const char *cmdline, uint32_t i, char *name)
{
    const char *s = cmdline, *e = cmdline;
    while (*e && *e != ' ') e++;
    bool file = e > s;
    for (const char *p = s; p < e; p++)
        if (*p == '=') file = false;
    if (!file) {
        snprintf(name, HV_NAME_MAX, "module%u", i);
        return;
    }
    for (const char *p = s; p < e; p++)
        if (*p == '/') s = p + 1;
    const char *dot = e;
    for (const char *p = s; p < e; p++)
        if (*p == '.') dot = p;
    size_t n = (size_t)(dot - s);
    if (n == 0) { snprintf(name, HV_NAME_MAX, "module%u", i); return; }
    if (n >= HV_NAME_MAX) n = HV_NAME_MAX - 1;
    memcpy(name, s, n);
    name[n] = 0;
}

static void module_parse(struct module_spec *m, uint32_t i)
{
    const struct multiboot_module *mod = mb_module(i);
    char v[64];
    m->start = mod->mod_start;
    m->end = mod->mod_end;
    size_t n = strlen(mb_module_string(i));
    if (n >= sizeof m->cmdline) n = sizeof m->cmdline - 1;
    memcpy(m->cmdline, mb_module_string(i), n);
    m->cmdline[n] = 0;
    if (!word_value(m->cmdline, "name", m->name, sizeof m->name))
        default_name(m->cmdline, i, m->name);
    m->mem = 8ull << 20;
    if (word_value(m->cmdline, "mem", v, sizeof v)) {
        uint64_t mib = parse_u64(v);
        if (mib < 2) mib = 2;
        if (mib > 1024) mib = 1024;
        m->mem = ((mib + 1) & ~1ull) << 20;        /* whole 2-MiB pages */
    }
    m->expect = EXPECT_EXIT0_OR_HALT;
    m->expect_status = 0;
    if (word_value(m->cmdline, "expect", v, sizeof v) && !parse_expect(v, &m->expect, &m->expect_status))
        printf("hv: module %u: unknown expect=%s (use exit:N, exit, halt, ept, triple or any)\n", i, v);
}

void options_parse(void)
{
    const char *cl = mb_cmdline();
    char v[64];
    printf("hv: command line \"%s\"\n", cl);
    if (!word_value(cl, "demos", opt.demos, sizeof opt.demos))
        memcpy(opt.demos, "all", 4);
    opt.slice_tsc = 2000000;
    if (word_value(cl, "slice", v, sizeof v) && parse_u64(v) >= 10000)
        opt.slice_tsc = parse_u64(v);
    if (word_value(cl, "slices", v, sizeof v))
        opt.max_slices = parse_u64(v);
    if (word_value(cl, "bench", v, sizeof v))
        opt.bench = parse_u64(v);
    opt.verbose = mb_cmdline_has("verbose");
    uint32_t n = mb_module_count();
    if (n > HV_MAX_MODULES) {
        printf("hv: %u modules; hv runs the first %d\n", n, HV_MAX_MODULES);
        n = HV_MAX_MODULES;
    }
    for (uint32_t i = 0; i < n; i++)
        module_parse(&opt.modules[opt.nmodules++], i);
}
