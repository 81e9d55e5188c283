/* Unit tests of the x87 FPU (emu/cpu/x87_*.c): hand-encoded instructions
 * run on vtx's CPU in 64-bit mode. Results are compared with the host's
 * own x87 (long double arithmetic, conversions and glibc functions built
 * on x87 instructions, under <fenv.h> rounding with all host exceptions
 * masked), with the host's binary64/binary32 arithmetic for precision
 * control, and otherwise with values the SDM gives (indefinites, layouts,
 * condition codes, masked and unmasked responses). */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_harness.h"
#include "test_check.h"

#define PT    0x100000ull    /* PML4, PDPT, PD */
#define CODE  0x10000ull
#define DATA  0x20000ull     /* RBX points here; slot k is DATA + 16 k */
#define FUZZ  4000

/* FSW / FCW bits (SDM Vol. 1 "x87 FPU Status Register", "Control Word"). */
#define IE 0x0001u
#define DE 0x0002u
#define ZE 0x0004u
#define OE 0x0008u
#define UE 0x0010u
#define PE 0x0020u
#define SF 0x0040u
#define ES 0x0080u
#define C0 0x0100u
#define C1 0x0200u
#define C2 0x0400u
#define C3 0x4000u
#define BB 0x8000u
#define EXC 0x3fu

/* ---- machine, paging and running code (cpu_harness.h) ---- */

/* 64-bit mode, CR0.NE = 1, the FPU as FNINIT leaves it. */
static void fresh_cpu(void)
{
    harness_reset_long64(PT);
    c->r[R_BX] = DATA;
    memset(&c->fpu, 0, sizeof c->fpu);
    c->fpu.fcw = 0x037f;
}

static int run(const uint8_t *code, size_t n) { return harness_run(CODE, code, n, 20000); }

/* [rbx + 16 k] as ModRM (mod = 01, rm = RBX) + disp8 for ModRM.reg r. */
#define M(r, k) (uint8_t)(0x43 | ((r) << 3)), (uint8_t)(16 * (k))

/* ---- 80-bit values ---- */

struct x80 {
    uint64_t sig;
    uint16_t se;
};

static struct x80 x80_of(long double v)
{
    uint8_t b[sizeof(long double)];
    memcpy(b, &v, sizeof b);
    struct x80 x;
    memcpy(&x.sig, b, 8);
    x.se = (uint16_t)(b[8] | (b[9] << 8));
    return x;
}

static long double ld_of(struct x80 x)
{
    uint8_t b[sizeof(long double)];
    memset(b, 0, sizeof b);
    memcpy(b, &x.sig, 8);
    b[8] = (uint8_t)x.se;
    b[9] = (uint8_t)(x.se >> 8);
    long double v;
    memcpy(&v, b, sizeof v);
    return v;
}

static struct x80 X(uint16_t se, uint64_t sig)
{
    struct x80 x = { sig, se };
    return x;
}

static bool same(struct x80 a, struct x80 b)
{
    return a.sig == b.sig && a.se == b.se;
}

static void set_x(int slot, struct x80 x)
{
    uint8_t b[10];
    memcpy(b, &x.sig, 8);
    b[8] = (uint8_t)x.se;
    b[9] = (uint8_t)(x.se >> 8);
    put(DATA + 16 * (uint64_t)slot, b, 10);
}

static struct x80 get_x(int slot)
{
    uint8_t b[10];
    get(DATA + 16 * (uint64_t)slot, b, 10);
    struct x80 x;
    memcpy(&x.sig, b, 8);
    x.se = (uint16_t)(b[8] | (b[9] << 8));
    return x;
}

static void set_ld(int slot, long double v) { set_x(slot, x80_of(v)); }
static void set_u64(int slot, uint64_t v) { put(DATA + 16 * (uint64_t)slot, &v, 8); }
static void set_u32(int slot, uint32_t v) { put(DATA + 16 * (uint64_t)slot, &v, 4); }
static void set_u16(int slot, uint16_t v) { put(DATA + 16 * (uint64_t)slot, &v, 2); }
static uint64_t get_u64(int slot) { uint64_t v = 0; get(DATA + 16 * (uint64_t)slot, &v, 8); return v; }
static uint32_t get_u32(int slot) { uint32_t v = 0; get(DATA + 16 * (uint64_t)slot, &v, 4); return v; }
static uint16_t get_u16(int slot) { uint16_t v = 0; get(DATA + 16 * (uint64_t)slot, &v, 2); return v; }

/* The register ST(n) and its tag, read from the FPU state. */
static int top(void) { return (c->fpu.fsw >> 11) & 7; }
static struct x80 st(int n)
{
    const uint8_t *b = c->fpu.st[(top() + n) & 7];
    struct x80 x;
    memcpy(&x.sig, b, 8);
    x.se = (uint16_t)(b[8] | (b[9] << 8));
    return x;
}
static bool st_valid(int n) { return (c->fpu.ftw >> ((top() + n) & 7)) & 1; }

static const struct x80 INDEF = { 0xc000000000000000ull, 0xffff };

/* ---- the host oracle ---- */

static const int host_rc[4] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
#define RC_Z 3

/* FSW flags for what the host raised. */
static unsigned flags_of(int fe)
{
    return ((fe & FE_INVALID) ? IE : 0) | ((fe & FE_DIVBYZERO) ? ZE : 0) | ((fe & FE_OVERFLOW) ? OE : 0) |
           ((fe & FE_UNDERFLOW) ? UE : 0) | ((fe & FE_INEXACT) ? PE : 0);
}

enum hop { H_ADD, H_SUB, H_SUBR, H_MUL, H_DIV, H_DIVR, H_SQRT, H_RINT, H_FMOD, H_REM };

/* One long double operation on the host x87 with rounding rc. */
static unsigned host_ld(enum hop op, long double a, long double b, int rc, long double *r)
{
    volatile long double x = a, y = b, z = 0;
    fenv_t env;
    feholdexcept(&env);
    fesetround(host_rc[rc]);
    switch (op) {
    case H_ADD: z = x + y; break;
    case H_SUB: z = x - y; break;
    case H_SUBR: z = y - x; break;
    case H_MUL: z = x * y; break;
    case H_DIV: z = x / y; break;
    case H_DIVR: z = y / x; break;
    case H_SQRT: z = sqrtl(x); break;
    case H_RINT: z = rintl(x); break;
    case H_FMOD: z = fmodl(x, y); break;
    case H_REM: z = remainderl(x, y); break;
    }
    int fe = fetestexcept(FE_ALL_EXCEPT);
    fesetenv(&env);
    *r = z;
    return flags_of(fe);
}

/* ---- random operands with the interesting cases over-represented ---- */

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

/* A supported 80-bit value (no unnormals, pseudo-NaNs/infinities or
 * pseudo-denormals: those are tested on their own). */
static struct x80 gen_x80(void)
{
    uint16_t s = (uint16_t)((rnd() & 1) << 15);
    uint64_t sig = rnd() | (1ull << 63);
    switch (rnd() % 14) {
    case 0: return X(s, 0);
    case 1: return X(s, sig >> (1 + rnd() % 63));                          /* denormal */
    case 2: return X(s | 0x7fff, 1ull << 63);                              /* infinity */
    case 3: return X(s | 0x7fff, sig | (1ull << 62));                      /* QNaN */
    case 4: return X(s | 0x7fff, (sig & ~(1ull << 62)) | 1);               /* SNaN */
    case 5: return X(s | (uint16_t)(0x7ffe - rnd() % 3), sig);             /* near overflow */
    case 6: return X(s | (uint16_t)(1 + rnd() % 3), sig);                  /* near underflow */
    case 7: return X(s | (uint16_t)(0x3fff + rnd() % 4), sig & ~0xffffull); /* short significand */
    case 8: return X(s | (uint16_t)(0x3fff + 20 + rnd() % 45), sig);       /* integer range */
    case 9: return X(s | 0x3fff, (1ull << 63) | (rnd() & 7));              /* 1.0 and neighbours */
    case 10: return X(s | (uint16_t)(0x2000 + rnd() % 0x4000), sig);       /* wide range */
    default: return X(s | (uint16_t)(0x3fff - 40 + rnd() % 80), sig);
    }
}

/* A second operand near the first often enough to cancel, tie or match. */
static struct x80 gen_near(struct x80 a)
{
    switch (rnd() % 5) {
    case 0: return X(a.se, a.sig ^ (rnd() & 7));
    case 1: return X(a.se ^ 0x8000, a.sig);
    case 2: return X((uint16_t)(a.se + rnd() % 5 - 2), a.sig);
    case 3: return X(a.se ^ 0x8000, a.sig ^ (1ull << (rnd() % 63)));
    default: return gen_x80();
    }
}

static bool is_nan(struct x80 x)
{
    return (x.se & 0x7fff) == 0x7fff && (x.sig << 1);
}

/* ---- tests ---- */

/* FADDP/FSUBP/FSUBRP/FMULP/FDIVP/FDIVRP with PC = 64 against the host x87
 * in every rounding mode: result bits and IE, ZE, OE, UE, PE. */
static void arith_matches_host(struct tcase *t)
{
    static const struct { uint8_t modrm; enum hop op; } ops[] = {
        { 0xc1, H_ADD }, { 0xe9, H_SUB }, { 0xe1, H_SUBR }, { 0xc9, H_MUL }, { 0xf9, H_DIV }, { 0xf1, H_DIVR },
    };
    for (int n = 0; n < FUZZ && !t->failed; n++) {
        struct x80 a = gen_x80(), b = gen_near(a);
        int k = (int)(rnd() % 6), rc = (int)(rnd() % 4);
        fresh_cpu();
        c->fpu.fcw = (uint16_t)(0x037f | (rc << 10));
        set_x(0, a);
        set_x(1, b);
        /* FLD a; FLD b; op ST(1), ST(0) and pop */
        int v = RUN(0xdb, M(5, 0), 0xdb, M(5, 1), 0xde, ops[k].modrm);
        long double r, z;
        unsigned want = host_ld(ops[k].op, ld_of(a), ld_of(b), rc, &r);
        host_ld(ops[k].op, ld_of(a), ld_of(b), RC_Z, &z);
        struct x80 got = st(0), exp = x80_of(r);
        if ((want & PE) && !same(exp, x80_of(z)))
            want |= C1;        /* rounded up (away from the truncated result) */
        unsigned flags = c->fpu.fsw & (IE | ZE | OE | UE | PE | C1);
        if (v != -1 || !same(got, exp) || flags != want) {
            snprintf(t->why, sizeof t->why,
                     "op %d rc %d: %04x:%016llx, %04x:%016llx -> %04x:%016llx fsw %04x (vector %d), host %04x:%016llx flags %02x",
                     k, rc, a.se, (unsigned long long)a.sig, b.se, (unsigned long long)b.sig, got.se,
                     (unsigned long long)got.sig, c->fpu.fsw, v, exp.se, (unsigned long long)exp.sig, want);
            t->failed = true;
        }
    }
}

/* A double with a moderate exponent (results stay normal binary64), or a
 * float (fbits 23). */
static uint64_t gen_ieee(int fbits, int span)
{
    int ebits = fbits == 23 ? 8 : 11;
    uint64_t bias = (1ull << (ebits - 1)) - 1;
    uint64_t fr = rnd() & ((1ull << fbits) - 1);
    if (rnd() % 4 == 0)
        fr &= ~0ull << (fbits / 2);
    uint64_t e = bias + (uint64_t)((int)(rnd() % (2 * (uint64_t)span)) - span);
    return ((rnd() & 1) << (fbits + ebits)) | (e << fbits) | fr;
}

/* Double operation with rounding rc on the host (SSE binary64/binary32). */
static unsigned host_d(enum hop op, double a, double b, int rc, double *r)
{
    volatile double x = a, y = b, z = 0;
    fenv_t env;
    feholdexcept(&env);
    fesetround(host_rc[rc]);
    switch (op) {
    case H_ADD: z = x + y; break;
    case H_SUB: z = x - y; break;
    case H_MUL: z = x * y; break;
    case H_DIV: z = x / y; break;
    default: z = sqrt(x); break;
    }
    int fe = fetestexcept(FE_ALL_EXCEPT);
    fesetenv(&env);
    *r = z;
    return flags_of(fe);
}

static unsigned host_f(enum hop op, float a, float b, int rc, float *r)
{
    volatile float x = a, y = b, z = 0;
    fenv_t env;
    feholdexcept(&env);
    fesetround(host_rc[rc]);
    switch (op) {
    case H_ADD: z = x + y; break;
    case H_SUB: z = x - y; break;
    case H_MUL: z = x * y; break;
    case H_DIV: z = x / y; break;
    default: z = sqrtf(x); break;
    }
    int fe = fetestexcept(FE_ALL_EXCEPT);
    fesetenv(&env);
    *r = z;
    return flags_of(fe);
}

/* SDM "Precision Control Field": with PC = 53 (24) bits, an operation on
 * binary64 (binary32) operands gives the binary64 (binary32) result when it
 * is in that format's normal range: FADD m64, FSUB m64, FMUL m64, FDIV m64,
 * FSQRT against host SSE arithmetic. */
static void precision_control_matches_host(struct tcase *t)
{
    static const struct { uint8_t reg; enum hop op; } ops[] = {
        { 0, H_ADD }, { 4, H_SUB }, { 1, H_MUL }, { 6, H_DIV }, { 8, H_SQRT },
    };
    for (int n = 0; n < FUZZ && !t->failed; n++) {
        int single = (int)(rnd() & 1), k = (int)(rnd() % 5), rc = (int)(rnd() % 4);
        fresh_cpu();
        c->fpu.fcw = (uint16_t)(0x007f | (rc << 10) | ((single ? 0 : 2) << 8));
        uint64_t a, b;
        long double want;
        unsigned wflags;
        if (single) {
            a = gen_ieee(23, 40);
            b = rnd() % 3 ? gen_ieee(23, 40) : a ^ (rnd() & 3);
            float fa, fb, r;
            uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
            memcpy(&fa, &ua, 4);
            memcpy(&fb, &ub, 4);
            if (ops[k].op == H_SQRT)
                fa = fabsf(fa);
            wflags = host_f(ops[k].op, fa, fb, rc, &r);
            want = r;
            memcpy(&ua, &fa, 4);
            set_u32(0, ua);
            set_u32(1, ub);
        } else {
            a = gen_ieee(52, 400);
            b = rnd() % 3 ? gen_ieee(52, 400) : a ^ (rnd() & 3);
            double da, db, r;
            memcpy(&da, &a, 8);
            memcpy(&db, &b, 8);
            if (ops[k].op == H_SQRT)
                da = fabs(da);
            wflags = host_d(ops[k].op, da, db, rc, &r);
            want = r;
            memcpy(&a, &da, 8);
            set_u64(0, a);
            set_u64(1, b);
        }
        uint8_t ld = single ? 0xd9 : 0xdd, arith = single ? 0xd8 : 0xdc;
        int v = ops[k].op == H_SQRT ? RUN(ld, M(0, 0), 0xd9, 0xfa, 0xdb, M(7, 2))
                                    : RUN(ld, M(0, 0), arith, M(ops[k].reg, 1), 0xdb, M(7, 2));
        struct x80 got = get_x(2), exp = x80_of(want);
        unsigned flags = c->fpu.fsw & (IE | ZE | OE | UE | PE);
        if (v != -1 || !same(got, exp) || flags != wflags) {
            snprintf(t->why, sizeof t->why, "%s op %d rc %d: %#llx, %#llx -> %04x:%016llx fsw %04x, host %04x:%016llx %02x",
                     single ? "single" : "double", k, rc, (unsigned long long)a, (unsigned long long)b, got.se,
                     (unsigned long long)got.sig, c->fpu.fsw, exp.se, (unsigned long long)exp.sig, wflags);
            t->failed = true;
        }
    }
}

/* Precision control rounds once: 1 + (2^-53 + 2^-70) is just above the
 * halfway point between 1 and 1 + 2^-52, so PC = 53 with round to nearest
 * gives 1 + 2^-52 (a 64-bit rounding first would give a tie and 1.0). A
 * product far outside binary64's range keeps the extended exponent range:
 * 2^-1000 * 2^-1000 = 2^-2000 exactly, normal, no #U. x + 0 is rounded
 * to PC too. */
static void precision_control_rounds_once(struct tcase *t)
{
    fresh_cpu();
    c->fpu.fcw = 0x027f;
    set_ld(0, 1.0L);
    set_ld(1, 0x1p-53L + 0x1p-70L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdb, M(5, 1), 0xde, 0xc1), -1);
    EXPECT(t, same(st(0), x80_of(1.0L + 0x1p-52L)));
    EXPECT_EQ(t, c->fpu.fsw & (EXC | C1), PE | C1);

    fresh_cpu();
    c->fpu.fcw = 0x027f;
    set_ld(0, 0x1p-1000L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdb, M(5, 0), 0xde, 0xc9, 0xdb, M(7, 2)), -1);
    EXPECT(t, same(get_x(2), x80_of(0x1p-2000L)));
    EXPECT_EQ(t, c->fpu.fsw & EXC, 0);

    fresh_cpu();
    c->fpu.fcw = 0x007f | (3 << 10);     /* PC = 24, toward zero */
    set_ld(0, 1.0L + 0x1p-30L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xee, 0xde, 0xc1), -1);   /* + FLDZ */
    EXPECT(t, same(st(0), x80_of(1.0L)));
    EXPECT_EQ(t, c->fpu.fsw & (EXC | C1), PE);

    /* PC = 01 (reserved) behaves as 64 bits. */
    fresh_cpu();
    c->fpu.fcw = 0x017f;
    set_ld(0, 1.0L);
    set_ld(1, 0x1p-63L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdb, M(5, 1), 0xde, 0xc1, 0xdb, M(7, 2)), -1);
    EXPECT(t, same(get_x(2), x80_of(1.0L + 0x1p-63L)));
}

/* Host conversions of long double to float/double and integers: on
 * x86-64 these are x87 FSTP m32/m64 and FISTP m64 (llrintl). */
static unsigned host_cvt(int kind, long double a, int rc, uint64_t *bits)
{
    volatile long double x = a;
    volatile float f = 0;
    volatile double d = 0;
    volatile long double r = 0;
    volatile long long q = 0;
    fenv_t env;
    feholdexcept(&env);
    fesetround(host_rc[rc]);
    switch (kind) {
    case 0: f = (float)x; break;
    case 1: d = (double)x; break;
    case 2: q = llrintl(x); break;
    default: r = rintl(x); break;
    }
    int fe = fetestexcept(FE_ALL_EXCEPT);
    fesetenv(&env);
    float fv = f;
    double dv = d;
    long double rv = r;
    uint32_t u32;
    switch (kind) {
    case 0: memcpy(&u32, &fv, 4); *bits = u32; break;
    case 1: memcpy(bits, &dv, 8); break;
    case 2: *bits = (uint64_t)q; break;
    default: {
        /* FIST m32 / m16 from the rounded value */
        int size = kind == 3 ? 32 : 16;
        long double lim = size == 32 ? 2147483648.0L : 32768.0L;
        if ((fe & FE_INVALID) || isnan(rv) || rv >= lim || rv < -lim) {
            *bits = 1ull << (size - 1);
            return IE;
        }
        *bits = (uint64_t)(long long)rv & (size == 32 ? 0xffffffffull : 0xffffull);
        break;
    }
    }
    return flags_of(fe);
}

/* FST m32fp, FST m64fp, FISTP m64int, FIST m32int, FIST m16int against the
 * host, in every rounding mode; C1 = rounded up away from the truncation. */
static void stores_match_host(struct tcase *t)
{
    static const uint8_t op[5] = { 0xd9, 0xdd, 0xdf, 0xdb, 0xdf };
    static const uint8_t reg[5] = { 2, 2, 7, 2, 2 };
    static const int size[5] = { 4, 8, 8, 4, 2 };
    for (int n = 0; n < FUZZ && !t->failed; n++) {
        struct x80 a = gen_x80();
        int k = (int)(rnd() % 5), rc = (int)(rnd() % 4);
        if (k >= 2 && rnd() % 2)
            a = X((uint16_t)((a.se & 0x8000) | (0x3fff + rnd() % 66)), a.sig);
        fresh_cpu();
        c->fpu.fcw = (uint16_t)(0x037f | (rc << 10));
        set_x(0, a);
        set_u64(1, 0x5555555555555555ull);
        int v = RUN(0xdb, M(5, 0), op[k], M(reg[k], 1));
        uint64_t want, trunc;
        unsigned wf = host_cvt(k, ld_of(a), rc, &want);
        host_cvt(k, ld_of(a), RC_Z, &trunc);
        if ((wf & PE) && want != trunc)
            wf |= C1;
        uint64_t got = get_u64(1);
        if (size[k] < 8)
            got &= (1ull << (8 * size[k])) - 1;
        unsigned flags = c->fpu.fsw & (IE | ZE | OE | UE | PE | C1);
        if (v != -1 || got != want || flags != wf) {
            snprintf(t->why, sizeof t->why, "kind %d rc %d: %04x:%016llx -> %#llx fsw %04x (vector %d), host %#llx %03x",
                     k, rc, a.se, (unsigned long long)a.sig, (unsigned long long)got, c->fpu.fsw, v,
                     (unsigned long long)want, wf);
            t->failed = true;
        }
    }
}

/* FSQRT and FRNDINT (glibc's rintl is FRNDINT) against the host; FPREM and
 * FPREM1 looped until C2 = 0 against fmodl/remainderl (glibc loops FPREM
 * and FPREM1 the same way). */
static void unary_and_remainder_match_host(struct tcase *t)
{
    for (int n = 0; n < FUZZ && !t->failed; n++) {
        struct x80 a = gen_x80(), b = gen_near(a);
        int k = (int)(rnd() % 4), rc = (int)(rnd() % 4);
        if (k >= 2 && rnd() % 2)
            b = X((uint16_t)((b.se & 0x8000) | ((a.se & 0x7fff) - rnd() % 200)), b.sig);
        fresh_cpu();
        c->fpu.fcw = (uint16_t)(0x037f | (rc << 10));
        set_x(0, a);
        set_x(1, b);
        int v;
        long double r;
        unsigned want;
        switch (k) {
        case 0:
            v = RUN(0xdb, M(5, 0), 0xd9, 0xfa);
            want = host_ld(H_SQRT, ld_of(a), 0, rc, &r);
            break;
        case 1:
            v = RUN(0xdb, M(5, 0), 0xd9, 0xfc);
            want = host_ld(H_RINT, ld_of(a), 0, rc, &r);
            break;
        default:
            /* FLD b; FLD a; 1: FPREM(1); FNSTSW AX; TEST AH, 4; JNZ 1b */
            v = RUN(0xdb, M(5, 1), 0xdb, M(5, 0), 0xd9, k == 2 ? 0xf8 : 0xf5, 0xdf, 0xe0, 0xf6, 0xc4, 0x04,
                    0x75, 0xf7);
            want = host_ld(k == 2 ? H_FMOD : H_REM, ld_of(a), ld_of(b), rc, &r);
            break;
        }
        long double z;
        if (k < 2) {
            host_ld(k ? H_RINT : H_SQRT, ld_of(a), 0, RC_Z, &z);
            if ((want & PE) && !same(x80_of(z), x80_of(r)))
                want |= C1;
        }
        unsigned mask = k < 2 ? (IE | ZE | OE | UE | PE | C1) : (IE | ZE | OE | UE | PE);
        struct x80 got = st(0), exp = x80_of(r);
        unsigned flags = c->fpu.fsw & mask;
        if (v != -1 || !same(got, exp) || flags != want) {
            snprintf(t->why, sizeof t->why,
                     "op %d rc %d: %04x:%016llx, %04x:%016llx -> %04x:%016llx fsw %04x (vector %d), host %04x:%016llx %03x",
                     k, rc, a.se, (unsigned long long)a.sig, b.se, (unsigned long long)b.sig, got.se,
                     (unsigned long long)got.sig, c->fpu.fsw, v, exp.se, (unsigned long long)exp.sig, want);
            t->failed = true;
        }
    }
}

/* FCOM/FUCOM/FCOMI/FUCOMI: condition codes and EFLAGS against the host's
 * ordering; #IA for every NaN (FCOM) or only SNaNs (FUCOM). */
static void compares_match_host(struct tcase *t)
{
    for (int n = 0; n < FUZZ && !t->failed; n++) {
        struct x80 a = gen_x80(), b = rnd() % 3 ? gen_near(a) : a;
        int k = (int)(rnd() % 4);
        bool quiet = k & 1, eflags = k >= 2;
        fresh_cpu();
        set_x(0, a);
        set_x(1, b);
        uint8_t op = eflags ? 0xdb : quiet ? 0xdd : 0xd8, modrm = eflags ? (quiet ? 0xe9 : 0xf1) : quiet ? 0xe1 : 0xd1;
        cpu_set_rflags(c, 0x8d5 | 2);      /* OF SF AF PF CF set beforehand */
        int v = RUN(0xdb, M(5, 1), 0xdb, M(5, 0), op, modrm);   /* ST(0) = a, ST(1) = b */
        long double x = ld_of(a), y = ld_of(b);
        bool unsup = ((a.se & 0x7fff) && !(a.sig >> 63)) || ((b.se & 0x7fff) && !(b.sig >> 63));
        bool un = unsup || isnan(x) || isnan(y);
        bool snan = (is_nan(a) && !((a.sig >> 62) & 1)) || (is_nan(b) && !((b.sig >> 62) & 1));
        unsigned want_ie = un && (!quiet || snan || unsup) ? IE : 0;
        int rel = un ? 3 : x < y ? 1 : x == y ? 2 : 0;
        static const unsigned ccs[4] = { 0, C0, C3, C3 | C2 | C0 };
        static const uint64_t efl[4] = { 0, 1, 0x40, 0x45 };
        bool ok;
        if (eflags)
            ok = (cpu_get_rflags(c) & 0x8d5) == efl[rel] && (c->fpu.fsw & (C1 | IE)) == want_ie;
        else
            ok = (c->fpu.fsw & (C0 | C1 | C2 | C3 | IE)) == (ccs[rel] | want_ie);
        if (v != -1 || !ok) {
            snprintf(t->why, sizeof t->why, "kind %d: %04x:%016llx vs %04x:%016llx: fsw %04x rflags %llx (vector %d)", k,
                     a.se, (unsigned long long)a.sig, b.se, (unsigned long long)b.sig, c->fpu.fsw,
                     (unsigned long long)cpu_get_rflags(c), v);
            t->failed = true;
        }
    }
}

/* SDM "Stack Overflow or Underflow Exception (#IS)", masked: IE, SF, C1 =
 * 1 for overflow / 0 for underflow, the QNaN indefinite (or the integer
 * indefinite in memory) as the result, and the instruction completes. */
static void stack_faults_masked(struct tcase *t)
{
    fresh_cpu();
    /* FSTP m64 from an empty stack: the indefinite stored, TOP incremented. */
    EXPECT_EQ(t, RUN(0xdd, M(3, 0)), -1);
    EXPECT_EQ(t, get_u64(0), 0xfff8000000000000ull);
    EXPECT_EQ(t, c->fpu.fsw, IE | SF | (1u << 11));
    EXPECT_EQ(t, c->fpu.ftw, 0);

    /* Eight pushes fill the stack; the ninth overflows and pushes the
     * indefinite over ST(7). */
    fresh_cpu();
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xeb), -1);
    EXPECT_EQ(t, c->fpu.fsw & (EXC | SF | C1), 0);
    EXPECT_EQ(t, c->fpu.ftw, 0xff);
    EXPECT_EQ(t, RUN(0xd9, 0xee), -1);
    EXPECT_EQ(t, c->fpu.fsw & (EXC | SF | C1 | ES), IE | SF | C1);
    EXPECT(t, same(st(0), INDEF));
    EXPECT_EQ(t, top(), 7);

    /* FADD ST(0), ST(1) with ST(1) empty: ST(0) = indefinite, C1 = 0. */
    fresh_cpu();
    c->fpu.fsw = C1;
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd8, 0xc1), -1);
    EXPECT(t, same(st(0), INDEF));
    EXPECT_EQ(t, c->fpu.fsw & (EXC | SF | C1), IE | SF);

    /* FISTP m16 from empty: the integer indefinite 8000H. */
    fresh_cpu();
    set_u16(0, 0x1234);
    EXPECT_EQ(t, RUN(0xdf, M(3, 0)), -1);
    EXPECT_EQ(t, get_u16(0), 0x8000);

    /* FCOMP with ST(1) empty: unordered, and the pop still happens. */
    fresh_cpu();
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd8, 0xd9), -1);
    EXPECT_EQ(t, c->fpu.fsw & (C3 | C2 | C0 | IE | SF), C3 | C2 | C0 | IE | SF);
    EXPECT_EQ(t, c->fpu.ftw, 0);

    /* FXCH with ST(1) empty: the empty one becomes the indefinite. */
    fresh_cpu();
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd9, 0xc9), -1);
    EXPECT(t, same(st(0), INDEF));
    EXPECT(t, same(st(1), x80_of(1.0L)) && st_valid(1));
}

/* Unmasked: nothing changes but IE, SF, C1, ES and B; the next waiting x87
 * instruction (or FWAIT) raises #MF (vector 16) with RIP on it; the no-wait
 * control instructions run; FNCLEX clears the condition — SDM "x87 FPU
 * Exception Synchronization", "FCLEX/FNCLEX". */
static void unmasked_exceptions_raise_mf(struct tcase *t)
{
    fresh_cpu();
    c->fpu.fcw = 0x037e;                    /* IM = 0 */
    EXPECT_EQ(t, RUN(0xdd, M(3, 0)), -1);   /* FSTP m64 from an empty stack */
    EXPECT_EQ(t, c->fpu.fsw, IE | SF | ES | BB);
    EXPECT_EQ(t, top(), 0);
    EXPECT_EQ(t, RUN(0xdf, 0xe0, 0xd9, M(7, 1), 0xd9, 0xe8), 16);   /* FNSTSW AX; FNSTCW; FLD1 */
    EXPECT_EQ(t, c->rip, CODE + 5);
    EXPECT_EQ(t, c->r[R_AX] & 0xffff, IE | SF | ES | BB);
    EXPECT_EQ(t, get_u16(1), 0x037e);
    EXPECT_EQ(t, c->fpu.ftw, 0);
    EXPECT_EQ(t, RUN(0xdb, 0xe2, 0xd9, 0xe8), -1);   /* FNCLEX; FLD1 */
    EXPECT_EQ(t, c->fpu.fsw & (EXC | SF | ES | BB), 0);
    EXPECT(t, same(st(0), x80_of(1.0L)));

    /* With CR0.NE = 0 the PC's FERR#/IRQ 13 path is not modelled: no #MF. */
    fresh_cpu();
    c->cr0 &= ~CR0_NE;
    c->fpu.fcw = 0x037e;
    EXPECT_EQ(t, RUN(0xdd, M(3, 0), 0xd9, 0xe8), -1);
    EXPECT(t, c->fpu.fsw & ES);

    /* Unmasked #P: the rounded result is stored, and #MF follows. */
    fresh_cpu();
    c->fpu.fcw = 0x035f;                    /* PM = 0 */
    set_ld(0, 3.0L);
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xdb, M(5, 0), 0xde, 0xf9), -1);   /* 1 / 3 */
    EXPECT(t, same(st(0), x80_of(1.0L / 3.0L)));
    EXPECT_EQ(t, c->fpu.fsw & (EXC | ES | BB), PE | ES | BB);
    EXPECT_EQ(t, RUN(0xd9, 0xe8), 16);

    /* FLDCW unmasking a flag already set makes it pending. */
    fresh_cpu();
    set_u16(0, 0x0370);                      /* all but PM/UM/OM... IM DM ZM cleared */
    EXPECT_EQ(t, RUN(0xd9, 0xee, 0xd9, 0xe8, 0xde, 0xf9), -1);   /* 0 / 1 is fine; 1 / 0: */
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd9, 0xee, 0xde, 0xf9), -1);
    EXPECT_EQ(t, c->fpu.fsw & (ZE | ES), ZE);
    EXPECT(t, same(st(0), X(0x7fff, 1ull << 63)));
    EXPECT_EQ(t, RUN(0xd9, M(5, 0)), -1);
    EXPECT_EQ(t, c->fpu.fcw, 0x0370 | 0x40);
    EXPECT_EQ(t, c->fpu.fsw & (ES | BB), ES | BB);
    EXPECT_EQ(t, RUN(0xd9, 0xe8), 16);
}

/* SDM "WAIT/FWAIT": a pending unmasked exception raises #MF at FWAIT too
 * (CR0.NE = 1), and FWAIT with CR0.MP = CR0.TS = 1 is #NM. The waiting
 * forms FINIT, FSTSW… are FWAIT + the no-wait form. */
static void fwait_raises_pending_mf(struct tcase *t)
{
    fresh_cpu();
    c->fpu.fsw = IE | SF | ES | BB;
    EXPECT_EQ(t, RUN(0x9b, 0xdb, 0xe3), 16);        /* FINIT = FWAIT; FNINIT */
    EXPECT_EQ(t, c->rip, CODE);
    EXPECT_EQ(t, RUN(0xdb, 0xe3, 0x9b), -1);        /* FNINIT; FWAIT */
    c->cr0 |= CR0_TS | CR0_MP;
    EXPECT_EQ(t, RUN(0x9b), 7);
}

/* SDM "Interrupt 7—Device Not Available Exception (#NM)": CR0.EM or CR0.TS
 * makes every x87 instruction #NM, the no-wait ones too; #UD comes first
 * for an undefined slot. */
static void device_not_available(struct tcase *t)
{
    fresh_cpu();
    c->cr0 |= CR0_TS;
    EXPECT_EQ(t, RUN(0xd9, 0xe8), 7);
    EXPECT_EQ(t, RUN(0xdb, 0xe3), 7);
    EXPECT_EQ(t, RUN(0xdf, 0xe0), 7);
    EXPECT_EQ(t, RUN(0xd9, 0xd1), 6);
    c->cr0 &= ~CR0_TS;
    c->cr0 |= CR0_EM;
    EXPECT_EQ(t, RUN(0xd9, 0xe8), 7);
    EXPECT_EQ(t, c->fpu.ftw, 0);
    /* #NM outranks a pending #MF. */
    c->fpu.fsw = IE | ES | BB;
    EXPECT_EQ(t, RUN(0xd9, 0xe8), 7);
}

/* Slots the SDM leaves undefined are #UD; FISTTP (SSE3) is not advertised;
 * LOCK is #UD; the undocumented aliases run. */
static void undefined_slots_and_aliases(struct tcase *t)
{
    fresh_cpu();
    EXPECT_EQ(t, RUN(0xd9, 0xd1), 6);
    EXPECT_EQ(t, RUN(0xd9, 0xe2), 6);
    EXPECT_EQ(t, RUN(0xd9, 0xef), 6);
    EXPECT_EQ(t, RUN(0xd9, M(1, 0)), 6);
    EXPECT_EQ(t, RUN(0xdb, M(1, 0)), 6);        /* FISTTP m32int */
    EXPECT_EQ(t, RUN(0xdd, M(1, 0)), 6);        /* FISTTP m64int */
    EXPECT_EQ(t, RUN(0xdf, M(1, 0)), 6);        /* FISTTP m16int */
    EXPECT_EQ(t, RUN(0xdb, M(4, 0)), 6);
    EXPECT_EQ(t, RUN(0xdd, M(5, 0)), 6);
    EXPECT_EQ(t, RUN(0xdb, 0xe5), 6);
    EXPECT_EQ(t, RUN(0xda, 0xe8), 6);
    EXPECT_EQ(t, RUN(0xde, 0xd8), 6);
    EXPECT_EQ(t, RUN(0xdf, 0xe1), 6);
    EXPECT_EQ(t, RUN(0xf0, 0xd8, M(0, 0)), 6);  /* LOCK FADD */
    EXPECT_EQ(t, c->fpu.ftw, 0);
    /* FLD1; FLDZ; FXCH4 ST(1); FSTP1 ST(1); DF C0 FFREEP ST(0) */
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd9, 0xee, 0xdd, 0xc9, 0xd9, 0xd9), -1);
    EXPECT(t, same(st(0), x80_of(1.0L)));
    EXPECT_EQ(t, RUN(0xdf, 0xc0), -1);
    EXPECT_EQ(t, c->fpu.ftw, 0);
    /* FENI/FDISI/FSETPM do nothing, not even with an exception pending. */
    c->fpu.fsw = IE | ES | BB;
    EXPECT_EQ(t, RUN(0xdb, 0xe0, 0xdb, 0xe1, 0xdb, 0xe4), -1);
}

/* SDM Vol. 1 "Saving the x87 FPU's State with FSTENV/FNSTENV": the 28-byte
 * protected-mode image (64-bit mode), FOP/FIP/FDP of the last non-control
 * instruction, the tag word from the contents; then all exceptions masked.
 * The 14-byte image with an operand-size prefix. */
static void fnstenv_layouts(struct tcase *t)
{
    fresh_cpu();
    c->fpu.fcw = 0x0372;
    set_ld(1, 2.5L);
    /* FLD m80 [rbx+16]; FLDZ; FNSTCW (control: no pointer update);
     * FNSTENV [rbx+32] */
    EXPECT_EQ(t, RUN(0xdb, M(5, 1), 0xd9, 0xee, 0xd9, M(7, 0), 0xd9, M(6, 2)), -1);
    uint8_t env[28];
    get(DATA + 32, env, 28);
    uint32_t w[7];
    memcpy(w, env, 28);
    EXPECT_EQ(t, w[0], 0xffff0372u);
    EXPECT_EQ(t, w[1], 0xffff0000u | (6u << 11));
    EXPECT_EQ(t, w[2], 0xffff0000u | 0x1fffu);     /* R6 zero (01), R7 valid (00) */
    EXPECT_EQ(t, w[3], (uint32_t)CODE + 3);        /* FLDZ */
    EXPECT_EQ(t, w[4], 0x08u | (0x1eeu << 16));    /* FCS, FOP = D9 EE */
    EXPECT_EQ(t, w[5], (uint32_t)DATA + 16);       /* FDP of FLD m80 */
    EXPECT_EQ(t, w[6], 0xffff0010u);
    EXPECT_EQ(t, c->fpu.fcw, 0x037f);

    /* 66h: the 14-byte protected-mode image. */
    c->fpu.fcw = 0x027f;
    EXPECT_EQ(t, RUN(0x66, 0xd9, M(6, 4)), -1);
    uint16_t h[7];
    get(DATA + 64, h, 14);
    EXPECT_EQ(t, h[0], 0x027f);
    EXPECT_EQ(t, h[1], 6u << 11);
    EXPECT_EQ(t, h[2], 0x1fff);
    EXPECT_EQ(t, h[3], (uint16_t)(CODE + 3));
    EXPECT_EQ(t, h[4], 0x08);
    EXPECT_EQ(t, h[5], (uint16_t)(DATA + 16));
    EXPECT_EQ(t, h[6], 0x10);

    /* FLDENV of the 28-byte image: state back, tags from empty/non-empty. */
    memset(&c->fpu, 0, sizeof c->fpu);
    c->fpu.fcw = 0x037f;
    w[2] = 0xffff0000u | 0x7fff;                   /* only R7 non-empty */
    w[1] = 0xffff0000u | (7u << 11) | ZE;
    w[0] = 0xffff0000u | 0x037b;                   /* ZM = 0: ZE pending */
    put(DATA + 32, w, 28);
    EXPECT_EQ(t, RUN(0xd9, M(4, 2)), -1);
    EXPECT_EQ(t, c->fpu.fcw, 0x037b);
    EXPECT_EQ(t, c->fpu.fsw, (7u << 11) | ZE | ES | BB);
    EXPECT_EQ(t, c->fpu.ftw, 0x80);
    EXPECT_EQ(t, c->fpu.fop, 0x1ee);
    EXPECT_EQ(t, c->fpu.fip, CODE + 3);
    EXPECT_EQ(t, c->fpu.fdp, DATA + 16);
    EXPECT_EQ(t, RUN(0xd9, 0xe8), 16);
}

/* FNSAVE stores the environment and ST(0)..ST(7) in stack order, then
 * initialises; FRSTOR loads them back relative to the loaded TOP. */
static void fnsave_frstor(struct tcase *t)
{
    fresh_cpu();
    set_ld(0, -7.25L);
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xdb, M(5, 0), 0xd9, 0xeb), -1);   /* 1, -7.25, pi */
    struct x80 s0 = st(0), s1 = st(1), s2 = st(2);
    uint16_t fsw = c->fpu.fsw;
    EXPECT_EQ(t, RUN(0xdd, M(6, 1)), -1);                            /* FNSAVE [rbx+16] */
    EXPECT_EQ(t, c->fpu.fcw, 0x037f);
    EXPECT_EQ(t, c->fpu.fsw, 0);
    EXPECT_EQ(t, c->fpu.ftw, 0);
    EXPECT_EQ(t, c->fpu.fip, 0);
    uint8_t img[108];
    get(DATA + 16, img, 108);
    struct x80 r0, r2;
    memcpy(&r0.sig, img + 28, 8);
    memcpy(&r0.se, img + 36, 2);
    memcpy(&r2.sig, img + 48, 8);
    memcpy(&r2.se, img + 56, 2);
    EXPECT(t, same(r0, s0) && same(r2, s2));
    EXPECT_EQ(t, img[8] | (img[9] << 8), 0x03ff);   /* R5..R7 valid, rest empty */
    memset(c->fpu.st, 0, sizeof c->fpu.st);
    EXPECT_EQ(t, RUN(0xdd, M(4, 1)), -1);           /* FRSTOR [rbx+16] */
    EXPECT_EQ(t, c->fpu.fsw, fsw);
    EXPECT_EQ(t, c->fpu.ftw, 0xe0);
    EXPECT(t, same(st(0), s0) && same(st(1), s1) && same(st(2), s2));
}

/* Real-address mode images (SDM figures "Real Mode x87 FPU State Image in
 * Memory, 32-Bit/16-Bit Format"): the pointers as 20/32-bit linear
 * addresses with FOP beside them. */
static void fnstenv_real_mode(struct tcase *t)
{
    fresh_cpu();
    c->cr0 = CR0_ET | CR0_NE;
    c->cr4 = 0;
    c->efer = 0;
    struct seg cs = { 0x10000, 0xffff, 0x9b, 0x1000 }, ds = { 0x20000, 0xffff, 0x93, 0x2000 };
    c->seg[S_CS] = cs;
    for (int s = 0; s < 6; s++)
        if (s != S_CS)
            c->seg[s] = ds;
    cpu_update_mode(c);
    tlb_flush_all(c);
    c->r[R_BX] = 0;
    /* FLD m80 [bx+0x10]; FNSTENV [bx+0x20] (16-bit); 66 FNSTENV [bx+0x40] */
    static const uint8_t code[] = { 0xdb, 0x6f, 0x10, 0xd9, 0x77, 0x20, 0x66, 0xd9, 0x77, 0x40, 0xf4 };
    put(0x10000 + 0x100, code, sizeof code);
    set_ld(1, 1.5L);
    c->rip = 0x100;
    c->stopped_vector = -1;
    EXPECT_EQ(t, cpu_run(c, c->icount + 10), STOP_HLT);
    uint16_t h[7];
    get(DATA + 32, h, 14);
    uint32_t ip = 0x10100, dp = 0x20010;
    EXPECT_EQ(t, h[3], ip & 0xffff);
    EXPECT_EQ(t, h[4], ((ip >> 4) & 0xf000) | 0x36f);   /* FOP = DB 6F */
    EXPECT_EQ(t, h[5], dp & 0xffff);
    EXPECT_EQ(t, h[6], (dp >> 4) & 0xf000);
    uint32_t w[7];
    get(DATA + 64, w, 28);
    EXPECT_EQ(t, w[3], 0xffff0000u | (ip & 0xffff));
    EXPECT_EQ(t, w[4], ((ip & 0xffff0000u) >> 4) | 0x36f);
    EXPECT_EQ(t, w[5], 0xffff0000u | (dp & 0xffff));
    EXPECT_EQ(t, w[6], (dp & 0xffff0000u) >> 4);
}

/* SDM "FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ": the internal constant
 * rounded per RC, round to nearest giving the long-known values. */
static void constants(struct tcase *t)
{
    static const uint64_t trunc[5] = { 0xd49a784bcd1b8afeull, 0xb8aa3b295c17f0bbull, 0xc90fdaa22168c234ull,
                                       0x9a209a84fbcff798ull, 0xb17217f7d1cf79abull };
    static const int near_up[5] = { 0, 1, 1, 1, 1 };
    for (int rc = 0; rc < 4; rc++) {
        fresh_cpu();
        c->fpu.fcw = (uint16_t)(0x037f | (rc << 10));
        EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd9, 0xe9, 0xd9, 0xea, 0xd9, 0xeb, 0xd9, 0xec, 0xd9, 0xed, 0xd9, 0xee), -1);
        EXPECT(t, same(st(0), X(0, 0)));
        EXPECT(t, same(st(6), x80_of(1.0L)));
        for (int k = 0; k < 5; k++) {
            uint64_t want = trunc[k] + (rc == 2 || (rc == 0 && near_up[k]));
            EXPECT_EQ(t, st(5 - k).sig, want);
        }
        EXPECT_EQ(t, c->fpu.fsw & EXC, 0);
    }
    fresh_cpu();
    EXPECT(t, RUN(0xd9, 0xeb) == -1 && same(st(0), x80_of(3.14159265358979323851L)));
}

static void integers_and_bcd(struct tcase *t)
{
    fresh_cpu();
    set_u16(0, 0x8000);
    set_u32(1, 0x7fffffff);
    set_u64(2, 0x8000000000000001ull);
    EXPECT_EQ(t, RUN(0xdf, M(0, 0), 0xdb, M(0, 1), 0xdf, M(5, 2)), -1);
    EXPECT(t, same(st(2), x80_of(-32768.0L)));
    EXPECT(t, same(st(1), x80_of(2147483647.0L)));
    EXPECT(t, same(st(0), x80_of(-9223372036854775807.0L)));
    /* FISTP m32int of 2^63 - 1: out of range, masked: indefinite. */
    EXPECT_EQ(t, RUN(0xdb, M(3, 3)), -1);
    EXPECT_EQ(t, get_u32(3), 0x80000000u);
    EXPECT_EQ(t, c->fpu.fsw & (EXC | C1), IE);

    /* FBLD / FBSTP: -123456789012345678 round trip; 2.5 rounds to 2
     * (nearest even) with #P. */
    fresh_cpu();
    uint8_t bcd[10] = { 0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0x80 };
    put(DATA, bcd, 10);
    EXPECT_EQ(t, RUN(0xdf, M(4, 0)), -1);
    EXPECT(t, same(st(0), x80_of(-123456789012345678.0L)));
    EXPECT_EQ(t, RUN(0xdf, M(6, 1)), -1);
    uint8_t out[10];
    get(DATA + 16, out, 10);
    EXPECT(t, memcmp(out, bcd, 10) == 0);
    set_ld(2, 2.5L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 2), 0xdf, M(6, 3)), -1);
    get(DATA + 48, out, 10);
    EXPECT_EQ(t, out[0], 0x02);
    EXPECT_EQ(t, c->fpu.fsw & (EXC | C1), PE);
    /* 10^18 does not fit: the packed BCD indefinite. */
    set_ld(2, 1e18L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 2), 0xdf, M(6, 3)), -1);
    get(DATA + 48, out, 10);
    static const uint8_t indef[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff };
    EXPECT(t, memcmp(out, indef, 10) == 0);
    EXPECT_EQ(t, c->fpu.ftw, 0);
}

/* SDM "FXAM" classes (C3 C2 C0) with C1 = sign, "FTST". */
static void fxam_and_ftst(struct tcase *t)
{
    static const struct { struct x80 v; unsigned cc; } cases[] = {
        { { 0, 0x8000 }, C3 | C1 },                                 /* -0 */
        { { 1, 0 }, C3 | C2 },                                      /* denormal */
        { { 1ull << 63, 0 }, C3 | C2 },                             /* pseudo-denormal */
        { { 1ull << 63, 0x3fff }, C2 },                             /* normal */
        { { 1ull << 63, 0xffff }, C2 | C0 | C1 },                   /* -inf */
        { { 3ull << 62, 0x7fff }, C0 },                             /* QNaN */
        { { (1ull << 63) | 1, 0x7fff }, C0 },                       /* SNaN */
        { { 1ull << 62, 0x7fff }, 0 },                              /* pseudo-NaN */
        { { 0, 0x7fff }, 0 },                                       /* pseudo-infinity */
        { { 1ull << 62, 0x3fff }, 0 },                              /* unnormal */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        fresh_cpu();
        set_x(0, cases[k].v);
        EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xe5), -1);
        EXPECT_EQ(t, c->fpu.fsw & (C0 | C1 | C2 | C3 | EXC), cases[k].cc);
    }
    fresh_cpu();
    set_x(0, X(0xbfff, 1ull << 63));     /* -1.0, left in R7 after FFREE */
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdd, 0xc0, 0xd9, 0xe5), -1);
    EXPECT_EQ(t, c->fpu.fsw & (C0 | C1 | C2 | C3), C3 | C0 | C1);   /* empty, sign of the contents */
    /* FTST: -1 < 0; a denormal is #D; NaN is unordered with #IA. */
    fresh_cpu();
    set_x(0, X(0xbfff, 1ull << 63));
    set_x(1, X(0, 5));
    set_x(2, X(0x7fff, 3ull << 62));
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xe4), -1);
    EXPECT_EQ(t, c->fpu.fsw & (C0 | C2 | C3 | EXC), C0);
    EXPECT_EQ(t, RUN(0xdb, M(5, 1), 0xd9, 0xe4), -1);
    EXPECT_EQ(t, c->fpu.fsw & (C0 | C2 | C3 | EXC), DE);
    EXPECT_EQ(t, RUN(0xdb, M(5, 2), 0xd9, 0xe4), -1);
    EXPECT_EQ(t, c->fpu.fsw & (C0 | C2 | C3 | EXC), C3 | C2 | C0 | IE | DE);
}

/* SDM "Unsupported Double Extended-Precision Floating-Point Encodings and
 * Pseudo-Denormals": unnormals, pseudo-NaNs and pseudo-infinities are #IA
 * (masked: the indefinite); FLD m80 loads them unchanged; a pseudo-denormal
 * is a denormal operand (#D) with its value. Denormal memory operands are
 * #D; unmasked, nothing is loaded. */
static void unsupported_and_denormal_operands(struct tcase *t)
{
    fresh_cpu();
    set_x(0, X(0x3fff, 1ull << 62));           /* unnormal */
    EXPECT_EQ(t, RUN(0xdb, M(5, 0)), -1);
    EXPECT(t, same(st(0), X(0x3fff, 1ull << 62)));
    EXPECT_EQ(t, c->fpu.fsw & EXC, 0);
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xde, 0xc1), -1);
    EXPECT(t, same(st(0), INDEF));
    EXPECT_EQ(t, c->fpu.fsw & EXC, IE);

    fresh_cpu();
    set_x(0, X(0, 1ull << 63));                /* pseudo-denormal = 2^-16382 */
    set_ld(1, 0x1p-16382L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdb, M(5, 1), 0xde, 0xe9), -1);   /* a - b */
    EXPECT(t, same(st(0), X(0, 0)));
    EXPECT_EQ(t, c->fpu.fsw & EXC, DE);

    /* FLD m32 denormal with DM = 0: #D, no push, #MF next. */
    fresh_cpu();
    c->fpu.fcw = 0x037d;
    set_u32(0, 1);
    EXPECT_EQ(t, RUN(0xd9, M(0, 0)), -1);
    EXPECT_EQ(t, c->fpu.ftw, 0);
    EXPECT_EQ(t, c->fpu.fsw & (EXC | ES), DE | ES);
    EXPECT_EQ(t, RUN(0xd9, 0xe8), 16);
    /* Masked: loaded as the exact (normal extended) value. */
    fresh_cpu();
    set_u32(0, 1);
    EXPECT_EQ(t, RUN(0xd9, M(0, 0)), -1);
    EXPECT(t, same(st(0), x80_of(0x1p-149L)));
    EXPECT_EQ(t, c->fpu.fsw & EXC, DE);
    /* FLD m64 SNaN: #IA, loaded quieted. */
    fresh_cpu();
    set_u64(0, 0x7ff0000000000001ull);
    EXPECT_EQ(t, RUN(0xdd, M(0, 0)), -1);
    EXPECT(t, same(st(0), X(0x7fff, 0xc000000000000800ull)));
    EXPECT_EQ(t, c->fpu.fsw & EXC, IE);
}

/* SDM "Numeric Overflow/Underflow Exception": unmasked with a register
 * destination, the result is stored with its exponent adjusted by 24576;
 * unmasked with a memory destination nothing is stored, nothing popped,
 * and PE is not reported. */
static void unmasked_overflow_underflow(struct tcase *t)
{
    fresh_cpu();
    c->fpu.fcw = 0x0377;                       /* OM = 0 */
    set_ld(0, 0x1.8p16000L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdb, M(5, 0), 0xde, 0xc9), -1);
    EXPECT(t, same(st(0), x80_of(0x1.2p7425L)));
    EXPECT_EQ(t, c->fpu.fsw & (EXC | ES), OE | ES);

    fresh_cpu();
    c->fpu.fcw = 0x036f;                       /* UM = 0 */
    set_ld(0, 0x1.8p-16000L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdb, M(5, 0), 0xde, 0xc9), -1);
    EXPECT(t, same(st(0), x80_of(0x1.2p-7423L)));
    EXPECT_EQ(t, c->fpu.fsw & (EXC | ES), UE | ES);
    /* Exact but tiny is still #U when unmasked (FLD a denormal; FADD 0). */
    fresh_cpu();
    c->fpu.fcw = 0x036f;
    set_x(0, X(0, 0x10));
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xee, 0xde, 0xc1), -1);
    EXPECT(t, same(st(0), X((uint16_t)(24576 - 16382 - 59 + 16383), 1ull << 63)));
    EXPECT_EQ(t, c->fpu.fsw & (EXC | ES), UE | DE | ES);

    /* FSTP m32 of 1e300 with OM = 0: memory and stack unchanged. */
    fresh_cpu();
    c->fpu.fcw = 0x0377;
    set_ld(0, 1e300L);
    set_u32(1, 0x12345678);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, M(3, 1)), -1);
    EXPECT_EQ(t, get_u32(1), 0x12345678u);
    EXPECT_EQ(t, c->fpu.ftw, 0x80);
    EXPECT_EQ(t, c->fpu.fsw & (EXC | ES | C1), OE | ES);
    /* Masked: +inf (round to nearest) with OE and PE, C1 = 1. */
    c->fpu.fcw = 0x037f;
    c->fpu.fsw = 7u << 11;
    EXPECT_EQ(t, RUN(0xd9, M(3, 1)), -1);
    EXPECT_EQ(t, get_u32(1), 0x7f800000u);
    EXPECT_EQ(t, c->fpu.fsw & (EXC | ES | C1), OE | PE | C1);
    /* Round toward zero: the largest float instead. */
    fresh_cpu();
    c->fpu.fcw = 0x0f7f;
    set_ld(0, -1e300L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, M(3, 1)), -1);
    EXPECT_EQ(t, get_u32(1), 0xff7fffffu);
}

/* FCMOVcc (DA: B, E, BE, U; DB: the negations), FINCSTP/FDECSTP, FFREE,
 * FLD/FST ST(i), FCHS/FABS. */
static void register_moves(struct tcase *t)
{
    fresh_cpu();
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd9, 0xee), -1);     /* ST(0) = 0, ST(1) = 1 */
    cpu_set_rflags(c, 2 | 1);                          /* CF */
    EXPECT_EQ(t, RUN(0xdb, 0xc1), -1);                 /* FCMOVNB: not taken */
    EXPECT(t, same(st(0), X(0, 0)));
    EXPECT_EQ(t, RUN(0xda, 0xc1), -1);                 /* FCMOVB: taken */
    EXPECT(t, same(st(0), x80_of(1.0L)));
    cpu_set_rflags(c, 2 | 4);                          /* PF */
    EXPECT_EQ(t, RUN(0xd9, 0xee, 0xda, 0xda), -1);     /* FLDZ; FCMOVU ST(2) */
    EXPECT(t, same(st(0), x80_of(1.0L)));

    fresh_cpu();
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd9, 0xf7), -1);     /* FLD1; FINCSTP */
    EXPECT_EQ(t, top(), 0);
    EXPECT_EQ(t, c->fpu.ftw, 0x80);
    EXPECT_EQ(t, RUN(0xd9, 0xf6, 0xdd, 0xc0), -1);     /* FDECSTP; FFREE ST(0) */
    EXPECT_EQ(t, top(), 7);
    EXPECT_EQ(t, c->fpu.ftw, 0);

    fresh_cpu();
    set_ld(0, -2.0L);
    /* FLD m80; FLD ST(0); FCHS; FLD1; FST ST(2); FABS */
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xc0, 0xd9, 0xe0, 0xd9, 0xe8, 0xdd, 0xd2, 0xd9, 0xe1), -1);
    EXPECT(t, same(st(0), x80_of(1.0L)));
    EXPECT(t, same(st(1), x80_of(2.0L)));
    EXPECT(t, same(st(2), x80_of(1.0L)));
    EXPECT_EQ(t, top(), 5);
    EXPECT_EQ(t, RUN(0xdd, 0xd9, 0xdd, 0xd8), -1);     /* FSTP ST(1); FSTP ST(0) */
    EXPECT_EQ(t, top(), 7);
    EXPECT(t, same(st(0), x80_of(1.0L)));
}

/* SDM "FSCALE", "FXTRACT", and the quotient bits of "FPREM"/"FPREM1". */
static void scale_extract_remainder(struct tcase *t)
{
    fresh_cpu();
    set_ld(0, 3.75L);
    set_ld(1, -2.9L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 1), 0xdb, M(5, 0), 0xd9, 0xfd), -1);    /* 3.75 * 2^-2 */
    EXPECT(t, same(st(0), x80_of(0.9375L)));
    EXPECT_EQ(t, RUN(0xd9, 0xf4), -1);                                  /* FXTRACT */
    EXPECT(t, same(st(0), x80_of(1.875L)));
    EXPECT(t, same(st(1), x80_of(-1.0L)));
    /* FXTRACT of 0: #Z, exponent -inf. */
    fresh_cpu();
    EXPECT_EQ(t, RUN(0xd9, 0xee, 0xd9, 0xf4), -1);
    EXPECT(t, same(st(1), X(0xffff, 1ull << 63)) && same(st(0), X(0, 0)));
    EXPECT_EQ(t, c->fpu.fsw & EXC, ZE);
    /* FSCALE 0 * 2^+inf is #IA. */
    fresh_cpu();
    set_x(0, X(0x7fff, 1ull << 63));
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xee, 0xd9, 0xfd), -1);
    EXPECT(t, same(st(0), INDEF));
    /* FSCALE overflow, masked: infinity. */
    fresh_cpu();
    set_ld(0, 20000.0L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xe8, 0xd9, 0xfd), -1);
    EXPECT(t, same(st(0), X(0x7fff, 1ull << 63)));
    EXPECT_EQ(t, c->fpu.fsw & EXC, OE | PE);

    /* 17 rem 3: quotient 5 (101b: C0 = 1, C3 = 0, C1 = 1), remainder 2;
     * FPREM1 rounds 17/3 to 6 (110b), remainder -1. */
    fresh_cpu();
    set_ld(0, 3.0L);
    set_ld(1, 17.0L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdb, M(5, 1), 0xd9, 0xf8), -1);
    EXPECT(t, same(st(0), x80_of(2.0L)));
    EXPECT_EQ(t, c->fpu.fsw & (C0 | C1 | C2 | C3), C0 | C1);
    fresh_cpu();
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdb, M(5, 1), 0xd9, 0xf5), -1);
    EXPECT(t, same(st(0), x80_of(-1.0L)));
    EXPECT_EQ(t, c->fpu.fsw & (C0 | C1 | C2 | C3), C0 | C3);
    /* A denormal dividend with an infinite divisor comes back through the
     * result path: with UM = 0 it is a tiny result, #U and bias-adjusted
     * (found against the host x87 by tests/diff). */
    fresh_cpu();
    c->fpu.fcw = 0x036f;
    set_x(0, X(0x7fff, 1ull << 63));
    set_x(1, X(0, 0x173b02e1));
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdb, M(5, 1), 0xd9, 0xf8), -1);
    EXPECT(t, same(st(0), X(0x5fde, 0xb9d8170800000000ull)));
    EXPECT_EQ(t, c->fpu.fsw & (EXC | ES | C2), UE | DE | ES);
    /* Exponent difference >= 64: one partial step, C2 = 1. */
    fresh_cpu();
    set_ld(0, 3.0L);
    set_ld(1, 0x1p100L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xdb, M(5, 1), 0xd9, 0xf8), -1);
    EXPECT_EQ(t, c->fpu.fsw & C2, C2);
}

/* Transcendentals: the host libm value, the SDM special cases, and C2 for
 * an operand outside ±2^63. */
static void transcendentals(struct tcase *t)
{
    static const long double xs[] = { 0.5L, -1.25L, 3.0L, 1e-10L, -0.9L, 100.0L };
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        long double x = xs[k];
        fresh_cpu();
        set_ld(0, x);
        /* FLD x; FSIN / FLD x; FCOS / FLD x; FPTAN */
        EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xfe, 0xdb, M(5, 0), 0xd9, 0xff, 0xdb, M(5, 0), 0xd9, 0xf2), -1);
        EXPECT(t, same(st(0), x80_of(1.0L)));
        EXPECT(t, same(st(1), x80_of(tanl(x))));
        EXPECT(t, same(st(2), x80_of(cosl(x))));
        EXPECT(t, same(st(3), x80_of(sinl(x))));
        EXPECT_EQ(t, c->fpu.fsw & (C2 | IE | ZE | OE), 0);
        fresh_cpu();
        set_ld(0, x);
        EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xfb), -1);      /* FSINCOS */
        EXPECT(t, same(st(0), x80_of(cosl(x))) && same(st(1), x80_of(sinl(x))));
        if (fabsl(x) <= 1) {
            fresh_cpu();
            set_ld(0, x);
            EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xf0), -1);  /* F2XM1 */
            long double l = x * 0.693147180559945309417232121458176568L;
            long double want = fabsl(x) < 1e-5L ? l + l * l / 2 : exp2l(x) - 1;
            EXPECT(t, fabsl(ld_of(st(0)) - want) <= 8 * LDBL_EPSILON * fabsl(want));
        }
        fresh_cpu();
        set_ld(0, x);
        set_ld(1, 2.0L);
        /* FLD 2; FLD x; FPATAN = atan2(2, x) */
        EXPECT_EQ(t, RUN(0xdb, M(5, 1), 0xdb, M(5, 0), 0xd9, 0xf3), -1);
        EXPECT(t, same(st(0), x80_of(atan2l(2.0L, x))));
        EXPECT_EQ(t, top(), 7);
    }
    /* FYL2X: 3 * log2(8) = 9; FYL2XP1: 2 * log2(1 + 0) = +0. */
    fresh_cpu();
    set_ld(0, 8.0L);
    set_ld(1, 3.0L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 1), 0xdb, M(5, 0), 0xd9, 0xf1), -1);
    EXPECT(t, same(st(0), x80_of(9.0L)));
    EXPECT_EQ(t, c->fpu.fsw & EXC, 0);
    /* FYL2X of 0 with finite ST(1): #Z, -ST(1) sign infinity. */
    fresh_cpu();
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd9, 0xee, 0xd9, 0xf1), -1);
    EXPECT(t, same(st(0), X(0xffff, 1ull << 63)));
    EXPECT_EQ(t, c->fpu.fsw & EXC, ZE);
    /* FYL2X of a negative number: #IA. */
    fresh_cpu();
    EXPECT_EQ(t, RUN(0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe0, 0xd9, 0xf1), -1);
    EXPECT(t, same(st(0), INDEF));
    EXPECT_EQ(t, c->fpu.fsw & EXC, IE);
    /* FSIN of 2^63: out of range, C2 = 1, unchanged; FSIN of inf: #IA. */
    fresh_cpu();
    set_ld(0, 0x1p63L);
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xfe), -1);
    EXPECT(t, same(st(0), x80_of(0x1p63L)));
    EXPECT_EQ(t, c->fpu.fsw & (C2 | EXC), C2);
    set_x(0, X(0x7fff, 1ull << 63));
    EXPECT_EQ(t, RUN(0xdb, M(5, 0), 0xd9, 0xfe), -1);
    EXPECT(t, same(st(0), INDEF));
    EXPECT_EQ(t, c->fpu.fsw & (C2 | EXC), IE);
    /* FCOS(±0) = 1 exactly; FPTAN(-0) = -0 then 1. */
    fresh_cpu();
    EXPECT_EQ(t, RUN(0xd9, 0xee, 0xd9, 0xff, 0xd9, 0xee, 0xd9, 0xe0, 0xd9, 0xf2), -1);
    EXPECT(t, same(st(0), x80_of(1.0L)) && same(st(1), X(0x8000, 0)) && same(st(2), x80_of(1.0L)));
    EXPECT_EQ(t, c->fpu.fsw & EXC, 0);
}

/* The host's long double is the x87 format (checked at run time). */
bool x87_host_ok(void);
static void host_format(struct tcase *t)
{
    EXPECT(t, x87_host_ok());
    EXPECT_EQ(t, LDBL_MANT_DIG, 64);
}

static const struct test tests[] = {
    TEST(host_format),
    TEST(stack_faults_masked),
    TEST(unmasked_exceptions_raise_mf),
    TEST(device_not_available),
    TEST(fwait_raises_pending_mf),
    TEST(undefined_slots_and_aliases),
    TEST(fnstenv_layouts),
    TEST(fnsave_frstor),
    TEST(fnstenv_real_mode),
    TEST(constants),
    TEST(integers_and_bcd),
    TEST(fxam_and_ftst),
    TEST(unsupported_and_denormal_operands),
    TEST(unmasked_overflow_underflow),
    TEST(register_moves),
    TEST(scale_extract_remainder),
    TEST(transcendentals),
    TEST(stores_match_host),
    TEST(unary_and_remainder_match_host),
    TEST(compares_match_host),
    TEST(arith_matches_host),
    TEST(precision_control_matches_host),
    TEST(precision_control_rounds_once),
};

int main(void)
{
    if (!harness_open("test_x87"))
        return 1;
    int st = RUN_TESTS(tests);
    machine_free(m);
    return st;
}
