/* Shared by the benchmark kernels (bench/NAME.c): the iteration count from the
 * multiboot command line, a checksum mixer and the result line that
 * bench/run.sh reads.
 *
 * Protocol: the kernel prints
 *     BENCH-RESULT <name> n=<n> checksum=<16 hex digits> tsc=<RDTSC delta>
 * and returns 0 (isa-debug-exit status 0: the emulator exits with 1).
 * The checksum depends only on the computation, so it must be the same on
 * every emulator; the TSC delta is informative (on Bochs it is the number
 * of instructions retired by the workload, see shared/EMULATORS.md). */
#ifndef BENCH_H
#define BENCH_H

#include "kern.h"

/* "n=<decimal>" on the command line, or dflt when absent. */
static inline uint64_t bench_arg_n(uint64_t dflt)
{
    const char *s = mb_cmdline();
    while (*s) {
        while (*s == ' ') s++;
        if (s[0] == 'n' && s[1] == '=') {
            uint64_t v = 0;
            for (s += 2; *s >= '0' && *s <= '9'; s++)
                v = v * 10 + (uint64_t)(*s - '0');
            return v;
        }
        while (*s && *s != ' ') s++;
    }
    return dflt;
}

/* 64-bit mixing step (the splitmix64 finaliser) for folding results. */
static inline uint64_t bench_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h ^= h >> 30; h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27; h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

/* SWAR population count (no POPCNT, and no call into libgcc). */
static inline uint64_t popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (x * 0x0101010101010101ull) >> 56;
}

/* Serialising RDTSC for the measurement points: CPUID keeps earlier
 * instructions from retiring after the read on real hardware. */
static inline uint64_t bench_tsc(void)
{
    (void)cpuid(0, 0);
    return rdtsc();
}

static inline int bench_report(const char *name, uint64_t n, uint64_t sum, uint64_t tsc)
{
    printf("BENCH-RESULT %s n=%lu checksum=%016lx tsc=%lu\n", name, n, sum, tsc);
    return 0;
}

/* A value the compiler cannot see through (keeps a loop from being folded). */
#define BENCH_OPAQUE(x) asm volatile("" : "+r"(x))

#endif
