/* Number arguments of the command line: -m sizes (QEMU's qemu_strtosz
 * with MiB as the default unit), sizes in bytes, integers, -smp and -d
 * flag lists, and the QemuOpts item syntax they share. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "machine.h"

int next_opt_item(const char **pp, struct opt_item *it)
{
    const char *p = *pp;
    if (*p == '\0')
        return 0;
    size_t kn = 0, vn = 0;
    it->has_val = false;
    while (*p) {
        char ch = *p++;
        if (ch == ',') {
            if (*p != ',')
                break;          /* the end of this item */
            p++;                /* ",," is a comma */
        } else if (ch == '=' && !it->has_val) {
            it->has_val = true;
            continue;
        }
        if (it->has_val ? vn + 1 >= sizeof it->val : kn + 1 >= sizeof it->key)
            return -1;
        if (it->has_val)
            it->val[vn++] = ch;
        else
            it->key[kn++] = ch;
    }
    it->key[kn] = '\0';
    it->val[vn] = '\0';
    *pp = p;
    return 1;
}

bool parse_number(const char *s, uint64_t max, uint64_t *out)
{
    if (!isdigit((unsigned char)*s))
        return false;   /* no sign, no space, not empty */
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

/* The multiplier of a size suffix; 0 when unknown. */
static uint64_t suffix_unit(const char *s, uint64_t bare)
{
    if (*s == '\0')
        return bare;
    if (s[1] != '\0')
        return 0;
    switch (toupper((unsigned char)*s)) {
    case 'B': return 1;
    case 'K': return 1ull << 10;
    case 'M': return 1ull << 20;
    case 'G': return 1ull << 30;
    case 'T': return 1ull << 40;
    default:  return 0;
    }
}

/* Up to `max` decimal digits into *v, with *scale = 10^digits; returns
 * the number of digits, or -1 if there are more. */
static int read_digits(const char **s, int max, uint64_t *v, uint64_t *scale)
{
    int n = 0;
    *v = 0;
    *scale = 1;
    for (; isdigit((unsigned char)**s); (*s)++) {
        if (++n > max)
            return -1;
        *v = *v * 10 + (uint64_t)(**s - '0');
        *scale *= 10;
    }
    return n;
}

/* qemu_strtosz: digits, an optional fraction, an optional suffix; a bare
 * number is in units of `bare`. At most MEM_MAX_RAM bytes. */
static bool parse_size_unit(const char *s, uint64_t bare, uint64_t *out)
{
    uint64_t whole, frac = 0, scale, fscale = 1;
    if (read_digits(&s, 15, &whole, &scale) <= 0)
        return false;
    if (*s == '.') {
        s++;
        /* Six digits of fraction keep frac * unit within 64 bits. */
        if (read_digits(&s, 6, &frac, &fscale) <= 0)
            return false;
    }
    uint64_t unit = suffix_unit(s, bare);
    if (unit == 0 || whole > MEM_MAX_RAM / unit)
        return false;
    uint64_t bytes = whole * unit + frac * unit / fscale;
    if (bytes > MEM_MAX_RAM)
        return false;
    *out = bytes;
    return true;
}

bool parse_byte_size(const char *s, uint64_t *out)
{
    return parse_size_unit(s, 1, out);
}

bool parse_mem_size(const char *s, uint64_t *out)
{
    if (strncmp(s, "size=", 5) == 0)
        s += 5;
    uint64_t bytes;
    if (!parse_size_unit(s, 1ull << 20, &bytes))   /* QEMU: a bare number is MiB */
        return false;
    bytes = (bytes + 8191) & ~8191ull;   /* QEMU: QEMU_ALIGN_UP(sz, 8192) */
    if (bytes == 0 || bytes > MEM_MAX_RAM)
        return false;
    *out = bytes;
    return true;
}

/* QEMU softmmu/vl.c parse_memory_options: size (implied first), slots,
 * maxmem; maxmem below the size is an error. vtx has no memory hotplug:
 * slots and maxmem change nothing. */
bool parse_mem_option(const char *s, uint64_t *out)
{
    struct opt_item it;
    uint64_t size = 0, maxmem = 0, slots;
    bool first = true;
    int r;
    while ((r = next_opt_item(&s, &it)) == 1) {
        bool ok;
        if (first && !it.has_val)
            ok = parse_mem_size(it.key, &size);
        else if (strcmp(it.key, "size") == 0)
            ok = parse_mem_size(it.val, &size);
        else if (strcmp(it.key, "slots") == 0)
            ok = parse_number(it.val, 256, &slots);
        else if (strcmp(it.key, "maxmem") == 0)
            ok = parse_byte_size(it.val, &maxmem);
        else
            ok = false;
        if (!ok)
            return false;
        first = false;
    }
    if (r < 0 || size == 0 || (maxmem && maxmem < size))
        return false;
    *out = size;
    return true;
}

enum { SMP_CPUS, SMP_SOCKETS, SMP_DIES, SMP_CLUSTERS, SMP_CORES, SMP_THREADS, SMP_MAXCPUS, SMP_N };

static int smp_key(const char *k)
{
    static const char *const keys[SMP_N] = { "cpus", "sockets", "dies", "clusters", "cores",
                                             "threads", "maxcpus" };
    for (int i = 0; i < SMP_N; i++)
        if (strcmp(k, keys[i]) == 0)
            return i;
    return -1;
}

/* The omitted values, as QEMU 7.2 computes them (hw/core/machine-smp.c
 * machine_parse_smp_config, "prefer cores over sockets" as every machine
 * type since 6.2 does), then its checks: the topology's product must be
 * maxcpus, cpus <= maxcpus, and maxcpus within the machine's maximum
 * (vtx: MACHINE_MAX_CPUS). Explicit zeros are refused. */
static bool smp_resolve(uint64_t v[SMP_N], int *out)
{
    uint64_t cpus = v[SMP_CPUS], sockets = v[SMP_SOCKETS], cores = v[SMP_CORES];
    uint64_t threads = v[SMP_THREADS], maxcpus = v[SMP_MAXCPUS];
    uint64_t dies = v[SMP_DIES] ? v[SMP_DIES] : 1, clusters = v[SMP_CLUSTERS] ? v[SMP_CLUSTERS] : 1;
    if (cpus == 0 && maxcpus == 0) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        if (sockets == 0) {
            cores = cores ? cores : 1;
            threads = threads ? threads : 1;
            sockets = maxcpus / (dies * clusters * cores * threads);
        } else if (cores == 0) {
            threads = threads ? threads : 1;
            cores = maxcpus / (sockets * dies * clusters * threads);
        }
        if (threads == 0)
            threads = maxcpus / (sockets * dies * clusters * cores);
    }
    uint64_t product = sockets * dies * clusters * cores * threads;
    maxcpus = maxcpus ? maxcpus : product;
    cpus = cpus ? cpus : maxcpus;
    if (product != maxcpus || cpus > maxcpus || maxcpus > MACHINE_MAX_CPUS || cpus < 1)
        return false;
    *out = (int)cpus;
    return true;
}

bool parse_smp(const char *s, int *out)
{
    uint64_t v[SMP_N] = { 0 };
    struct opt_item it;
    bool first = true;
    int r;
    while ((r = next_opt_item(&s, &it)) == 1) {
        int k = first && !it.has_val ? SMP_CPUS : smp_key(it.key);
        const char *num = first && !it.has_val ? it.key : it.val;
        /* Each value at most 4096 keeps the products within 64 bits. */
        if (k < 0 || !parse_number(num, 4096, &v[k]) || v[k] == 0)
            return false;
        first = false;
    }
    return r == 0 && !first && smp_resolve(v, out);
}

/* QEMU's -d items (util/log.c qemu_log_items) that have a vtx trace map to
 * it; the others are accepted and trace nothing. */
static const struct { const char *name; uint32_t flag; } debug_names[] = {
    { "unimp", DBG_UNIMP }, { "exc", DBG_EXC }, { "int", DBG_INT }, { "cpu", DBG_CPU },
    { "cpu_reset", 0 }, { "guest_errors", 0 }, { "exec", 0 }, { "in_asm", 0 },
    { "op", 0 }, { "pcall", 0 },
};

static bool debug_flag(const char *name, size_t len, uint32_t *flag)
{
    for (size_t i = 0; i < sizeof debug_names / sizeof debug_names[0]; i++)
        if (strlen(debug_names[i].name) == len && strncmp(debug_names[i].name, name, len) == 0) {
            *flag = debug_names[i].flag;
            return true;
        }
    return false;
}

bool parse_debug(const char *s, uint32_t *out)
{
    uint32_t flags = 0;
    if (*s == '\0')
        return false;
    while (*s) {
        size_t len = strcspn(s, ",");
        uint32_t f;
        if (!debug_flag(s, len, &f))
            return false;
        flags |= f;
        s += len;
        if (*s == ',')
            s++;
    }
    *out = flags;
    return true;
}
