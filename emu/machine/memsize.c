/* Number arguments of the command line: -m sizes (QEMU's qemu_strtosz
 * with MiB as the default unit), -smp counts and -d flag lists. */
#include "options.h"

#include <ctype.h>
#include <string.h>

#include "cpu/cpu.h"
#include "machine.h"

/* The multiplier of a size suffix; 0 when unknown. */
static uint64_t suffix_unit(const char *s)
{
    if (*s == '\0')
        return 1ull << 20;   /* QEMU: a bare number is MiB */
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

bool parse_mem_size(const char *s, uint64_t *out)
{
    if (strncmp(s, "size=", 5) == 0)
        s += 5;
    uint64_t whole, frac = 0, scale, fscale = 1;
    if (read_digits(&s, 15, &whole, &scale) <= 0)
        return false;
    if (*s == '.') {
        s++;
        /* Six digits of fraction keep frac * unit within 64 bits. */
        if (read_digits(&s, 6, &frac, &fscale) <= 0)
            return false;
    }
    uint64_t unit = suffix_unit(s);
    if (unit == 0 || whole > MEM_MAX_RAM / unit)
        return false;
    uint64_t bytes = whole * unit + frac * unit / fscale;
    bytes = (bytes + 8191) & ~8191ull;   /* QEMU: QEMU_ALIGN_UP(sz, 8192) */
    if (bytes == 0 || bytes > MEM_MAX_RAM)
        return false;
    *out = bytes;
    return true;
}

bool parse_smp(const char *s, int *out)
{
    if (strncmp(s, "cpus=", 5) == 0)
        s += 5;
    uint64_t v, scale;
    int n = read_digits(&s, 3, &v, &scale);
    if (n <= 0 || *s != '\0' || v < 1 || v > MACHINE_MAX_CPUS)
        return false;
    *out = (int)v;
    return true;
}

static const struct { const char *name; uint32_t flag; } debug_names[] = {
    { "unimp", DBG_UNIMP }, { "exc", DBG_EXC }, { "int", DBG_INT }, { "cpu", DBG_CPU },
};

static uint32_t debug_flag(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof debug_names / sizeof debug_names[0]; i++)
        if (strlen(debug_names[i].name) == len && strncmp(debug_names[i].name, name, len) == 0)
            return debug_names[i].flag;
    return 0;
}

bool parse_debug(const char *s, uint32_t *out)
{
    uint32_t flags = 0;
    while (*s) {
        size_t len = strcspn(s, ",");
        uint32_t f = debug_flag(s, len);
        if (!f)
            return false;
        flags |= f;
        s += len;
        if (*s == ',')
            s++;
    }
    *out = flags;
    return flags != 0;
}
