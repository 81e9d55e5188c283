/* Benchmark "mem": memory traffic through 4-KiB pages. The kernel maps a
 * 32-MiB region at REGION_VA with 8192 4-KiB pages whose physical frames
 * (32..64 MiB) are scattered by a permutation, fills it, then each
 * iteration does:
 *   - read-modify-write of one word in every one of the 8192 pages (4 passes),
 *   - random read-modify-writes over the 16-MiB data area,
 *   - a dependent pointer chase through 64 Ki nodes spread over 8 MiB,
 *   - a 4-MiB word-copy loop, REP MOVSQ and REP STOSQ of 2 MiB,
 *   - a sieve of Eratosthenes over a 1-Mi-bit array (odd numbers < 2 Mi)
 *     that moves through the last 8 MiB from one iteration to the next.
 * Filling the region and building the chase cost 34 M instructions, one
 * iteration 31 M (Bochs counts); `n=` sets the count (n=0 maps
 * the region and stops). Layout inside the region:
 *   [0, 16M)  data area;  [16M, 24M) chase nodes (16 bytes every 128);
 *   [24M, 32M) sieve area. The page pass writes only bytes 64..127 of a
 *   128-byte line, so it never touches a chase node. */
#include "bench.h"

#define REGION_VA    0x4000000000ull          /* 256 GiB: PML4[0], PDPT[256] */
#define REGION_PA    0x2000000ull             /* 32 MiB */
#define REGION_BYTES (32ull << 20)
#define REGION_PAGES (REGION_BYTES >> 12)     /* 8192 */
#define DATA_OFF     0
#define DATA_BYTES   (16ull << 20)
#define CHASE_OFF    (16ull << 20)
#define CHASE_NODES  65536
#define CHASE_STRIDE 128
#define SIEVE_OFF    (24ull << 20)
#define SIEVE_AREA   (8ull << 20)
#define SIEVE_BITS   (1ull << 20)             /* odd numbers below 2 Mi */
#define SIEVE_BYTES  (SIEVE_BITS / 8)         /* 128 KiB */
#define RANDOM_OPS   (512 * 1024)
#define CHASE_STEPS  (512 * 1024)
#define COPY_BYTES   (4ull << 20)
#define REP_BYTES    (2ull << 20)

static uint8_t *const region = (uint8_t *)REGION_VA;

static inline uint64_t *word_at(uint64_t off) { return (uint64_t *)(region + off); }

/* VA page i -> PA page (i * 3079) mod 8192: a permutation (3079 is odd). */
static void map_region(void)
{
    for (uint64_t i = 0; i < REGION_PAGES; i++) {
        uint64_t frame = (i * 3079) & (REGION_PAGES - 1);
        map_page(REGION_VA + (i << 12), REGION_PA + (frame << 12), PTE_P | PTE_W);
    }
}

static void fill_region(void)
{
    uint64_t *w = word_at(0);
    uint64_t x = 0x0123456789abcdefull;
    for (uint64_t i = 0; i < REGION_BYTES / 8; i++) {
        x += 0x9e3779b97f4a7c15ull;
        w[i] = x ^ (x >> 29);
    }
}

/* Node i at CHASE_OFF + i * 128: {next pointer, payload}. next(i) is a
 * full-period LCG mod 2^16 (a = 1 mod 4, c odd): one cycle of 64 Ki nodes. */
static uint64_t *chase_node(uint64_t i) { return word_at(CHASE_OFF + i * CHASE_STRIDE); }

static void build_chase(void)
{
    for (uint64_t i = 0; i < CHASE_NODES; i++) {
        uint64_t next = (i * 32773 + 12345) & (CHASE_NODES - 1);
        uint64_t *node = chase_node(i);
        node[0] = (uint64_t)chase_node(next);
        node[1] = i * 0x9e3779b97f4a7c15ull;
    }
}

static uint64_t page_pass(uint64_t it)
{
    uint64_t acc = 0;
    for (uint64_t pass = 0; pass < 4; pass++) {
        for (uint64_t j = 0; j < REGION_PAGES; j++) {
            uint64_t page = (j * 1031 + it * 7 + pass * 2053) & (REGION_PAGES - 1);
            uint64_t x = j * 200 + it * 8 + pass * 24;
            uint64_t off = (x & 0xf80) | 0x40 | (x & 0x38);
            uint64_t *w = word_at((page << 12) + off);
            uint64_t v = *w;
            *w = v * 5 + j;
            acc ^= v;
        }
    }
    return acc;
}

static uint64_t random_rmw(uint64_t *seed)
{
    uint64_t x = *seed, acc = 0;
    uint64_t *data = word_at(DATA_OFF);
    for (int i = 0; i < RANDOM_OPS; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        uint64_t *w = &data[(x >> 11) & (DATA_BYTES / 8 - 1)];
        uint64_t v = *w;
        *w = v + x;
        acc += v >> (x & 7);
    }
    *seed = x;
    return acc;
}

static uint64_t chase(uint64_t start)
{
    uint64_t *p = chase_node(start & (CHASE_NODES - 1)), acc = 0;
    for (int i = 0; i < CHASE_STEPS; i++) {
        acc += p[1];
        p = (uint64_t *)p[0];
    }
    return acc ^ (uint64_t)p;
}

static uint64_t copies(uint64_t it)
{
    uint64_t src = ((it * 3) & 3) * COPY_BYTES;          /* 0..12 MiB */
    uint64_t dst = ((it * 3 + 2) & 3) * COPY_BYTES;
    const uint64_t *s = word_at(DATA_OFF + src);
    uint64_t *d = word_at(DATA_OFF + dst);
    for (uint64_t i = 0; i < COPY_BYTES / 8; i += 4) {
        uint64_t a = s[i], b = s[i + 1], c = s[i + 2], e = s[i + 3];
        d[i] = a ^ it; d[i + 1] = b; d[i + 2] = c + it; d[i + 3] = e;
    }
    /* REP MOVSQ: the copy just made, shifted by 1 MiB, onto the source. */
    void *rd = word_at(DATA_OFF + src), *rs = word_at(DATA_OFF + dst + (1u << 20));
    uint64_t cnt = REP_BYTES / 8;
    asm volatile("rep movsq" : "+D"(rd), "+S"(rs), "+c"(cnt) :: "memory");
    /* REP STOSQ: a pattern over 2 MiB of the destination. */
    void *sd = word_at(DATA_OFF + dst + (2u << 20));
    cnt = REP_BYTES / 8;
    asm volatile("rep stosq" : "+D"(sd), "+c"(cnt) : "a"(it * 0x0101010101010101ull) : "memory");
    uint64_t acc = 0;
    for (uint64_t off = 0; off < DATA_BYTES; off += 4096 + 8)
        acc = acc * 31 + *word_at(DATA_OFF + off);
    return acc;
}

/* Odd-only sieve: bit k stands for 2k+1. Returns the count of primes below
 * 2*SIEVE_BITS and a fold of the bitmap. */
static uint64_t sieve(uint64_t it)
{
    uint64_t base = SIEVE_OFF + ((it * SIEVE_BYTES) & (SIEVE_AREA - 1));
    uint64_t *bits = word_at(base);
    const uint64_t words = SIEVE_BITS / 64, limit = 2 * SIEVE_BITS;
    for (uint64_t i = 0; i < words; i++)
        bits[i] = 0;
    bits[0] = 1;                                   /* 1 is not prime */
    for (uint64_t p = 3; p * p < limit; p += 2) {
        uint64_t k = p >> 1;
        if (bits[k >> 6] & (1ull << (k & 63)))
            continue;
        for (uint64_t m = (p * p) >> 1; m < SIEVE_BITS; m += p)
            bits[m >> 6] |= 1ull << (m & 63);
    }
    uint64_t composites = 0, fold = 0;
    for (uint64_t i = 0; i < words; i++) {
        composites += popcount64(bits[i]);
        fold = (fold << 1 | fold >> 63) ^ bits[i];
    }
    uint64_t primes = 1 + SIEVE_BITS - composites;  /* 2, then the odd ones */
    return primes << 40 ^ fold;
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    uint64_t n = bench_arg_n(8);
    map_region();
    uint64_t t0 = bench_tsc();

    uint64_t sum = 0, seed = 0x2545f4914f6cdd1dull;
    if (n) {
        fill_region();
        build_chase();
    }
    for (uint64_t it = 0; it < n; it++) {
        sum = bench_mix(sum, page_pass(it));
        sum = bench_mix(sum, random_rmw(&seed));
        sum = bench_mix(sum, chase(seed));
        sum = bench_mix(sum, copies(it));
        sum = bench_mix(sum, sieve(it));
    }

    uint64_t t1 = bench_tsc();
    return bench_report("mem", n, sum, t1 - t0);
}
