/* Benchmark "int": integer ALU work in registers and the L1-sized working
 * set — a PRNG mix (xorshift64*, a 32-bit LCG, rotates, data-dependent
 * branches), CRC-32 bit by bit and by table, a small sieve of Eratosthenes,
 * Euclid's GCD (DIV) and 64x64->128 multiplies. One iteration is about
 * 0.21 M instructions; `n=` on the command line sets the iteration count. */
#include "bench.h"

#define BUF_BYTES   1024
#define SIEVE_MAX   4096
#define MIX_STEPS   2048
#define GCD_PAIRS   64

static uint8_t buf[BUF_BYTES];
static uint8_t composite[SIEVE_MAX];
static uint32_t crc_table[256];

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* PRNG mix: fills buf and returns a fold of every step. */
static uint64_t prng_mix(uint64_t *state, uint32_t *lcg)
{
    uint64_t x = *state, acc = 0;
    uint32_t l = *lcg;
    for (int i = 0; i < MIX_STEPS; i++) {
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
        uint64_t r = x * 0x2545f4914f6cdd1dull;
        l = l * 1664525u + 1013904223u;
        if (r & 0x100)
            acc += rotl64(r, l & 63);
        else
            acc ^= r >> (l >> 27);
        if ((l & 3) == 0)
            acc = acc * 3 + (uint64_t)(int64_t)(int32_t)l;
        buf[i & (BUF_BYTES - 1)] ^= (uint8_t)(r >> 56);
    }
    *state = x;
    *lcg = l;
    return acc;
}

/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit. */
static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

static void crc32_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32_table(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return ~c;
}

/* Sieve of Eratosthenes below SIEVE_MAX: number of primes and their sum. */
static uint64_t sieve_small(void)
{
    for (int i = 0; i < SIEVE_MAX; i++)
        composite[i] = 0;
    uint64_t count = 0, sum = 0;
    for (uint32_t p = 2; p < SIEVE_MAX; p++) {
        if (composite[p])
            continue;
        count++;
        sum += p;
        for (uint32_t m = p * p; m < SIEVE_MAX; m += p)
            composite[m] = 1;
    }
    return count << 32 | sum;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* DIV-heavy and MUL-heavy arithmetic on PRNG-derived operands. */
static uint64_t arith(uint64_t seed)
{
    uint64_t acc = 0, x = seed | 1;
    for (int i = 0; i < GCD_PAIRS; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t a = x >> 20, b = (x & 0xfffffff) + 1;
        acc += gcd(a, b);
        unsigned __int128 p = (unsigned __int128)x * (a | 1);
        acc ^= (uint64_t)(p >> 64) + (uint64_t)p;
        acc += (uint64_t)((int64_t)x / (int64_t)(b | 3));
        acc = rotl64(acc, i & 31) ^ popcount64(x);
    }
    return acc;
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    uint64_t n = bench_arg_n(1400);
    uint64_t t0 = bench_tsc();

    crc32_init();
    uint64_t state = 0x9e3779b97f4a7c15ull, sum = 0;
    uint32_t lcg = 12345;
    for (uint64_t it = 0; it < n; it++) {
        uint64_t v = prng_mix(&state, &lcg);
        uint32_t c1 = crc32_bitwise(buf, BUF_BYTES);
        uint32_t c2 = crc32_table(buf, BUF_BYTES);
        uint64_t s = sieve_small();
        uint64_t a = arith(v ^ it);
        sum = bench_mix(sum, v);
        sum = bench_mix(sum, (uint64_t)c1 << 32 | c2);
        sum = bench_mix(sum, s ^ a);
    }

    uint64_t t1 = bench_tsc();
    return bench_report("int", n, sum, t1 - t0);
}
