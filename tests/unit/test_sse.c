/* Unit tests of the SSE/SSE2/MMX instructions (emu/cpu/sse*.c, mmx.c,
 * fxsave.c): hand-encoded instructions run on vtx's CPU in 64-bit mode,
 * and the results are compared with the host CPU executing the same
 * operation through compiler intrinsics, with the host MXCSR set to the
 * same rounding/DAZ/FTZ/flags (all exceptions masked on the host). The
 * rules the host cannot show (unmasked exceptions, #XM/#UD/#NM/#GP,
 * FXSAVE layout, MMX x87 state) are checked against the SDM text. */
#include <emmintrin.h>
#include <mmintrin.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_harness.h"
#include "test_check.h"

#define PT     0x100000ull   /* PML4, PDPT, PD, PT */
#define CODE   0x10000ull
#define DATA   0x20000ull    /* 16-byte aligned scratch */
#define XPAGE  0x200000ull   /* 4-KiB mapped; XPAGE + 0x1000 is not present */
#ifndef FUZZ
#define FUZZ   3000      /* random cases per instruction (-DFUZZ=N for more) */
#endif

/* ---- machine, paging and running code (cpu_harness.h) ---- */

/* Beyond harness_map_low: PD entry 1 points at a page table mapping XPAGE
 * with 4-KiB pages, all but XPAGE + 0x1000. */
static void build_tables(void)
{
    static uint64_t pt[512];
    uint64_t pd1 = (PT + 0x3000) | PTE_P | PTE_W | PTE_U;
    for (uint64_t k = 0; k < 512; k++)
        pt[k] = (XPAGE + (k << 12)) | PTE_P | PTE_W | PTE_U;
    pt[1] = 0;
    put(PT + 0x2000 + 8, &pd1, sizeof pd1);
    put(PT + 0x3000, pt, sizeof pt);
}

static void fresh_cpu(void)
{
    harness_reset_long64(PT);
    build_tables();
}

static int run(const uint8_t *code, size_t n) { return harness_run(CODE, code, n, 64); }

/* ---- random values with the interesting cases over-represented ---- */

static uint64_t rs = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

/* A float (fbits = 23) or double (fbits = 52) bit pattern. */
static uint64_t gen_fp(int fbits)
{
    int ebits = fbits == 23 ? 8 : 11;
    uint64_t emax = (1ull << ebits) - 1, bias = emax >> 1;
    uint64_t sign = (rnd() & 1) << (fbits + ebits), fr = rnd() & ((1ull << fbits) - 1), e;
    switch (rnd() % 13) {
    case 0: return rnd() & ((sign << 1) - 1);
    case 1: e = 0; break;                                   /* denormal or zero */
    case 2: return sign;                                    /* zero */
    case 3: return sign | (emax << fbits);                  /* infinity */
    case 4: return sign | (emax << fbits) | (1ull << (fbits - 1)) | (fr >> 1);   /* QNaN */
    case 5: return sign | (emax << fbits) | (fr >> 1) | 1;  /* SNaN */
    case 6: e = emax - 1 - rnd() % 3; break;                /* near overflow */
    case 7: e = 1 + rnd() % 3; break;                       /* near underflow */
    case 8: e = bias + 20 + rnd() % 45; break;              /* around the integer limits */
    case 9: e = bias; fr = rnd() % 4 ? fr & 7 : fr; break;  /* 1.0 and neighbours */
    case 10: e = bias + rnd() % 8 - 4; fr &= ~0ull << (fbits / 2); break;
    default: e = bias - 30 + rnd() % 60; break;
    }
    return sign | (e << fbits) | fr;
}

/* A second operand close to the first often enough to cancel or tie. */
static uint64_t gen_fp_near(int fbits, uint64_t a)
{
    switch (rnd() % 4) {
    case 0: return a ^ (rnd() & 7);
    case 1: return a ^ (1ull << (fbits + (fbits == 23 ? 8 : 11)));     /* negated */
    case 2: return a + ((rnd() % 5) << fbits) - (2ull << fbits);     /* other exponent */
    default: return gen_fp(fbits);
    }
}

static void gen_xmm(union xmm *v, int fmt64)
{
    for (int k = 0; k < 2; k++)
        if (fmt64)
            v->q[k] = gen_fp(52);
        else
            v->d[2 * k] = (uint32_t)gen_fp(23), v->d[2 * k + 1] = (uint32_t)gen_fp(23);
}

static void gen_xmm_near(union xmm *v, const union xmm *a, int fmt64)
{
    for (int k = 0; k < 2; k++)
        if (fmt64)
            v->q[k] = gen_fp_near(52, a->q[k]);
        else
            v->d[2 * k] = (uint32_t)gen_fp_near(23, a->d[2 * k]),
            v->d[2 * k + 1] = (uint32_t)gen_fp_near(23, a->d[2 * k + 1]);
}

/* An MXCSR with every exception masked, random RC, DAZ, FTZ and flags. */
static uint32_t gen_mxcsr(void)
{
    uint32_t v = 0x1f80 | (uint32_t)(rnd() & 0x3f) | ((uint32_t)(rnd() & 3) << 13);
    if (rnd() % 3 == 0)
        v |= 0x40;
    if (rnd() % 3 == 0)
        v |= 0x8000;
    return v;
}

/* Host execution of fn(d, s) under MXCSR mx; returns the host's MXCSR after. */
typedef void (*host_fn)(union xmm *d, const union xmm *s);
static uint32_t host_run(host_fn fn, uint32_t mx, union xmm *d, const union xmm *s)
{
    uint32_t saved = _mm_getcsr();
    _mm_setcsr(mx);
    fn(d, s);
    uint32_t after = _mm_getcsr();
    _mm_setcsr(saved);
    return after;
}

/* Wrappers running one intrinsic on (d, s) with volatile operands, so the
 * operation stays between the host MXCSR writes and reads. */
#define HOST_PS(intr)                                                               \
    static void h_##intr(union xmm *d, const union xmm *s)                          \
    {                                                                               \
        __m128 a, b;                                                                \
        memcpy(&a, d, 16);                                                          \
        memcpy(&b, s, 16);                                                          \
        volatile __m128 va = a, vb = b;                                             \
        volatile __m128 r = intr(va, vb);                                           \
        __m128 rr = r;                                                              \
        memcpy(d, &rr, 16);                                                         \
    }
#define HOST_PD(intr)                                                               \
    static void h_##intr(union xmm *d, const union xmm *s)                          \
    {                                                                               \
        __m128d a, b;                                                               \
        memcpy(&a, d, 16);                                                          \
        memcpy(&b, s, 16);                                                          \
        volatile __m128d va = a, vb = b;                                            \
        volatile __m128d r = intr(va, vb);                                          \
        __m128d rr = r;                                                             \
        memcpy(d, &rr, 16);                                                         \
    }
#define HOST_I(intr)                                                                \
    static void h_##intr(union xmm *d, const union xmm *s)                          \
    {                                                                               \
        __m128i a, b;                                                               \
        memcpy(&a, d, 16);                                                          \
        memcpy(&b, s, 16);                                                          \
        __m128i r = intr(a, b);                                                     \
        memcpy(d, &r, 16);                                                          \
    }
#define HOST_MM(intr)                                                               \
    static void h_##intr(union xmm *d, const union xmm *s)                          \
    {                                                                               \
        __m64 a, b;                                                                 \
        memcpy(&a, d, 8);                                                           \
        memcpy(&b, s, 8);                                                           \
        __m64 r = intr(a, b);                                                       \
        memcpy(d, &r, 8);                                                           \
        _mm_empty();                                                                \
    }

/* Unary forms: the result depends on s only (and d for the scalar ones). */
#define U_PS(name, expr) static __m128 name(__m128 a, __m128 b) { (void)a; return expr; }
#define U_PD(name, expr) static __m128d name(__m128d a, __m128d b) { (void)a; return expr; }
U_PS(u_sqrtps, _mm_sqrt_ps(b))
U_PD(u_sqrtpd, _mm_sqrt_pd(b))
static __m128 u_sqrtss(__m128 a, __m128 b) { return _mm_move_ss(a, _mm_sqrt_ss(b)); }
static __m128d u_sqrtsd(__m128d a, __m128d b) { return _mm_sqrt_sd(a, b); }
static __m128d u_cvtps2pd(__m128d a, __m128d b) { (void)a; return _mm_cvtps_pd(_mm_castpd_ps(b)); }
static __m128 u_cvtpd2ps(__m128 a, __m128 b) { (void)a; return _mm_cvtpd_ps(_mm_castps_pd(b)); }
static __m128d u_cvtss2sd(__m128d a, __m128d b) { return _mm_cvtss_sd(a, _mm_castpd_ps(b)); }
static __m128 u_cvtsd2ss(__m128 a, __m128 b) { return _mm_cvtsd_ss(a, _mm_castps_pd(b)); }
static __m128 u_cvtps2dq(__m128 a, __m128 b) { (void)a; return _mm_castsi128_ps(_mm_cvtps_epi32(b)); }
static __m128 u_cvttps2dq(__m128 a, __m128 b) { (void)a; return _mm_castsi128_ps(_mm_cvttps_epi32(b)); }
static __m128 u_cvtdq2ps(__m128 a, __m128 b) { (void)a; return _mm_cvtepi32_ps(_mm_castps_si128(b)); }
static __m128d u_cvtpd2dq(__m128d a, __m128d b) { (void)a; return _mm_castsi128_pd(_mm_cvtpd_epi32(b)); }
static __m128d u_cvttpd2dq(__m128d a, __m128d b) { (void)a; return _mm_castsi128_pd(_mm_cvttpd_epi32(b)); }
static __m128d u_cvtdq2pd(__m128d a, __m128d b) { (void)a; return _mm_cvtepi32_pd(_mm_castpd_si128(b)); }

HOST_PS(_mm_add_ps) HOST_PS(_mm_sub_ps) HOST_PS(_mm_mul_ps) HOST_PS(_mm_div_ps)
HOST_PS(_mm_min_ps) HOST_PS(_mm_max_ps)
HOST_PS(_mm_add_ss) HOST_PS(_mm_sub_ss) HOST_PS(_mm_mul_ss) HOST_PS(_mm_div_ss)
HOST_PS(_mm_min_ss) HOST_PS(_mm_max_ss)
HOST_PD(_mm_add_pd) HOST_PD(_mm_sub_pd) HOST_PD(_mm_mul_pd) HOST_PD(_mm_div_pd)
HOST_PD(_mm_min_pd) HOST_PD(_mm_max_pd)
HOST_PD(_mm_add_sd) HOST_PD(_mm_sub_sd) HOST_PD(_mm_mul_sd) HOST_PD(_mm_div_sd)
HOST_PD(_mm_min_sd) HOST_PD(_mm_max_sd)
HOST_PS(u_sqrtps) HOST_PD(u_sqrtpd) HOST_PS(u_sqrtss) HOST_PD(u_sqrtsd)
HOST_PD(u_cvtps2pd) HOST_PS(u_cvtpd2ps) HOST_PD(u_cvtss2sd) HOST_PS(u_cvtsd2ss)
HOST_PS(u_cvtps2dq) HOST_PS(u_cvttps2dq) HOST_PS(u_cvtdq2ps)
HOST_PD(u_cvtpd2dq) HOST_PD(u_cvttpd2dq) HOST_PD(u_cvtdq2pd)
HOST_PS(_mm_cmpeq_ps) HOST_PS(_mm_cmplt_ps) HOST_PS(_mm_cmple_ps) HOST_PS(_mm_cmpunord_ps)
HOST_PS(_mm_cmpneq_ps) HOST_PS(_mm_cmpnlt_ps) HOST_PS(_mm_cmpnle_ps) HOST_PS(_mm_cmpord_ps)
HOST_PD(_mm_cmpeq_pd) HOST_PD(_mm_cmplt_pd) HOST_PD(_mm_cmple_pd) HOST_PD(_mm_cmpunord_pd)
HOST_PD(_mm_cmpneq_pd) HOST_PD(_mm_cmpnlt_pd) HOST_PD(_mm_cmpnle_pd) HOST_PD(_mm_cmpord_pd)
HOST_PS(_mm_cmpeq_ss) HOST_PS(_mm_cmplt_ss) HOST_PS(_mm_cmple_ss) HOST_PS(_mm_cmpunord_ss)
HOST_PS(_mm_cmpneq_ss) HOST_PS(_mm_cmpnlt_ss) HOST_PS(_mm_cmpnle_ss) HOST_PS(_mm_cmpord_ss)
HOST_PD(_mm_cmpeq_sd) HOST_PD(_mm_cmplt_sd) HOST_PD(_mm_cmple_sd) HOST_PD(_mm_cmpunord_sd)
HOST_PD(_mm_cmpneq_sd) HOST_PD(_mm_cmpnlt_sd) HOST_PD(_mm_cmpnle_sd) HOST_PD(_mm_cmpord_sd)

/* A floating-point instruction "pfx 0F op /r [imm8]" on xmm0, xmm1. */
struct fpcase {
    const char *name;
    uint8_t pfx, op;
    int imm;            /* -1: no immediate */
    int fmt64;
    host_fn host;
    int commutes;       /* the host compiler may swap the operands */
};

static const struct fpcase fpcases[] = {
    { "addps", 0, 0x58, -1, 0, h__mm_add_ps, 1 }, { "addss", 0xf3, 0x58, -1, 0, h__mm_add_ss, 1 },
    { "addpd", 0x66, 0x58, -1, 1, h__mm_add_pd, 1 }, { "addsd", 0xf2, 0x58, -1, 1, h__mm_add_sd, 1 },
    { "subps", 0, 0x5c, -1, 0, h__mm_sub_ps, 0 }, { "subss", 0xf3, 0x5c, -1, 0, h__mm_sub_ss, 0 },
    { "subpd", 0x66, 0x5c, -1, 1, h__mm_sub_pd, 0 }, { "subsd", 0xf2, 0x5c, -1, 1, h__mm_sub_sd, 0 },
    { "mulps", 0, 0x59, -1, 0, h__mm_mul_ps, 1 }, { "mulss", 0xf3, 0x59, -1, 0, h__mm_mul_ss, 1 },
    { "mulpd", 0x66, 0x59, -1, 1, h__mm_mul_pd, 1 }, { "mulsd", 0xf2, 0x59, -1, 1, h__mm_mul_sd, 1 },
    { "divps", 0, 0x5e, -1, 0, h__mm_div_ps, 0 }, { "divss", 0xf3, 0x5e, -1, 0, h__mm_div_ss, 0 },
    { "divpd", 0x66, 0x5e, -1, 1, h__mm_div_pd, 0 }, { "divsd", 0xf2, 0x5e, -1, 1, h__mm_div_sd, 0 },
    { "minps", 0, 0x5d, -1, 0, h__mm_min_ps, 0 }, { "minss", 0xf3, 0x5d, -1, 0, h__mm_min_ss, 0 },
    { "minpd", 0x66, 0x5d, -1, 1, h__mm_min_pd, 0 }, { "minsd", 0xf2, 0x5d, -1, 1, h__mm_min_sd, 0 },
    { "maxps", 0, 0x5f, -1, 0, h__mm_max_ps, 0 }, { "maxss", 0xf3, 0x5f, -1, 0, h__mm_max_ss, 0 },
    { "maxpd", 0x66, 0x5f, -1, 1, h__mm_max_pd, 0 }, { "maxsd", 0xf2, 0x5f, -1, 1, h__mm_max_sd, 0 },
    { "sqrtps", 0, 0x51, -1, 0, h_u_sqrtps, 0 }, { "sqrtss", 0xf3, 0x51, -1, 0, h_u_sqrtss, 0 },
    { "sqrtpd", 0x66, 0x51, -1, 1, h_u_sqrtpd, 0 }, { "sqrtsd", 0xf2, 0x51, -1, 1, h_u_sqrtsd, 0 },
    { "cvtps2pd", 0, 0x5a, -1, 0, h_u_cvtps2pd, 0 }, { "cvtpd2ps", 0x66, 0x5a, -1, 1, h_u_cvtpd2ps, 0 },
    { "cvtss2sd", 0xf3, 0x5a, -1, 0, h_u_cvtss2sd, 0 }, { "cvtsd2ss", 0xf2, 0x5a, -1, 1, h_u_cvtsd2ss, 0 },
    { "cvtps2dq", 0x66, 0x5b, -1, 0, h_u_cvtps2dq, 0 }, { "cvttps2dq", 0xf3, 0x5b, -1, 0, h_u_cvttps2dq, 0 },
    { "cvtdq2ps", 0, 0x5b, -1, 0, h_u_cvtdq2ps, 0 }, { "cvtpd2dq", 0xf2, 0xe6, -1, 1, h_u_cvtpd2dq, 0 },
    { "cvttpd2dq", 0x66, 0xe6, -1, 1, h_u_cvttpd2dq, 0 }, { "cvtdq2pd", 0xf3, 0xe6, -1, 0, h_u_cvtdq2pd, 0 },
    { "cmpeqps", 0, 0xc2, 0, 0, h__mm_cmpeq_ps, 0 }, { "cmpltps", 0, 0xc2, 1, 0, h__mm_cmplt_ps, 0 },
    { "cmpleps", 0, 0xc2, 2, 0, h__mm_cmple_ps, 0 }, { "cmpunordps", 0, 0xc2, 3, 0, h__mm_cmpunord_ps, 0 },
    { "cmpneqps", 0, 0xc2, 4, 0, h__mm_cmpneq_ps, 0 }, { "cmpnltps", 0, 0xc2, 5, 0, h__mm_cmpnlt_ps, 0 },
    { "cmpnleps", 0, 0xc2, 6, 0, h__mm_cmpnle_ps, 0 }, { "cmpordps", 0, 0xc2, 0x0f, 0, h__mm_cmpord_ps, 0 },
    { "cmpeqpd", 0x66, 0xc2, 0, 1, h__mm_cmpeq_pd, 0 }, { "cmpltpd", 0x66, 0xc2, 1, 1, h__mm_cmplt_pd, 0 },
    { "cmplepd", 0x66, 0xc2, 2, 1, h__mm_cmple_pd, 0 }, { "cmpunordpd", 0x66, 0xc2, 3, 1, h__mm_cmpunord_pd, 0 },
    { "cmpneqpd", 0x66, 0xc2, 4, 1, h__mm_cmpneq_pd, 0 }, { "cmpnltpd", 0x66, 0xc2, 5, 1, h__mm_cmpnlt_pd, 0 },
    { "cmpnlepd", 0x66, 0xc2, 6, 1, h__mm_cmpnle_pd, 0 }, { "cmpordpd", 0x66, 0xc2, 7, 1, h__mm_cmpord_pd, 0 },
    { "cmpeqss", 0xf3, 0xc2, 0, 0, h__mm_cmpeq_ss, 0 }, { "cmpltss", 0xf3, 0xc2, 1, 0, h__mm_cmplt_ss, 0 },
    { "cmpless", 0xf3, 0xc2, 2, 0, h__mm_cmple_ss, 0 }, { "cmpunordss", 0xf3, 0xc2, 3, 0, h__mm_cmpunord_ss, 0 },
    { "cmpneqss", 0xf3, 0xc2, 4, 0, h__mm_cmpneq_ss, 0 }, { "cmpnltss", 0xf3, 0xc2, 5, 0, h__mm_cmpnlt_ss, 0 },
    { "cmpnless", 0xf3, 0xc2, 6, 0, h__mm_cmpnle_ss, 0 }, { "cmpordss", 0xf3, 0xc2, 7, 0, h__mm_cmpord_ss, 0 },
    { "cmpeqsd", 0xf2, 0xc2, 0, 1, h__mm_cmpeq_sd, 0 }, { "cmpltsd", 0xf2, 0xc2, 1, 1, h__mm_cmplt_sd, 0 },
    { "cmplesd", 0xf2, 0xc2, 2, 1, h__mm_cmple_sd, 0 }, { "cmpunordsd", 0xf2, 0xc2, 3, 1, h__mm_cmpunord_sd, 0 },
    { "cmpneqsd", 0xf2, 0xc2, 4, 1, h__mm_cmpneq_sd, 0 }, { "cmpnltsd", 0xf2, 0xc2, 5, 1, h__mm_cmpnlt_sd, 0 },
    { "cmpnlesd", 0xf2, 0xc2, 6, 1, h__mm_cmpnle_sd, 0 }, { "cmpordsd", 0xf2, 0xc2, 7, 1, h__mm_cmpord_sd, 0 },
};

/* True when lane k of a and b are both NaN (the host may pick either). */
static int both_nan(const union xmm *a, const union xmm *b, int fmt64)
{
    for (int k = 0; k < (fmt64 ? 2 : 4); k++) {
        uint64_t x = fmt64 ? a->q[k] : a->d[k], y = fmt64 ? b->q[k] : b->d[k];
        uint64_t e = fmt64 ? 0x7ff0000000000000ull : 0x7f800000u, f = fmt64 ? (1ull << 52) - 1 : 0x7fffff;
        if ((x & e) == e && (x & f) && (y & e) == e && (y & f))
            return 1;
    }
    return 0;
}

static int encode_fp(uint8_t *code, const struct fpcase *k, uint8_t modrm)
{
    int n = 0;
    if (k->pfx)
        code[n++] = k->pfx;
    code[n++] = 0x0f;
    code[n++] = k->op;
    code[n++] = modrm;
    if (k->imm >= 0)
        code[n++] = (uint8_t)k->imm;
    return n;
}

/* Every floating-point instruction on FUZZ random operand pairs and
 * MXCSR settings, register and (aligned) memory source, against the
 * host: destination bits and the whole MXCSR. */
static void fp_matches_host(struct tcase *t)
{
    fresh_cpu();
    for (size_t n = 0; n < sizeof fpcases / sizeof fpcases[0] && !t->failed; n++) {
        const struct fpcase *k = &fpcases[n];
        for (int it = 0; it < FUZZ && !t->failed; it++) {
            union xmm d, s, want;
            gen_xmm(&d, k->fmt64);
            gen_xmm_near(&s, &d, k->fmt64);
            if (k->commutes && both_nan(&d, &s, k->fmt64))
                continue;
            uint32_t mx = gen_mxcsr();
            want = d;
            uint32_t want_mx = host_run(k->host, mx, &want, &s);
            uint8_t code[8];
            int mem = it & 1;
            int len = encode_fp(code, k, mem ? 0x00 : 0xc1);   /* xmm0, xmm1 / xmm0, [rax] */
            c->xmm[0] = d;
            c->xmm[1] = s;
            c->mxcsr = mx;
            c->r[R_AX] = DATA;
            put(DATA, &s, 16);
            int v = run(code, (size_t)len);
            if (v != -1 || memcmp(&c->xmm[0], &want, 16) || c->mxcsr != want_mx) {
                snprintf(t->why, sizeof t->why,
                         "%s mxcsr %#x d %016llx:%016llx s %016llx:%016llx -> vector %d "
                         "%016llx:%016llx mxcsr %#x, host %016llx:%016llx mxcsr %#x",
                         k->name, mx, (unsigned long long)d.q[1], (unsigned long long)d.q[0],
                         (unsigned long long)s.q[1], (unsigned long long)s.q[0], v,
                         (unsigned long long)c->xmm[0].q[1], (unsigned long long)c->xmm[0].q[0],
                         c->mxcsr, (unsigned long long)want.q[1], (unsigned long long)want.q[0], want_mx);
                t->failed = true;
            }
        }
    }
}

/* ---- scalar conversions with general registers, COMISS/UCOMISS ---- */

static uint64_t gen_int(void)
{
    static const uint64_t edge[] = { 0, 1, ~0ull, 0x7fffffff, 0x80000000, 0xffffffff80000000ull,
                                     0x7fffffffffffffffull, 0x8000000000000000ull, 0x1000001, 0x20000000000001ull };
    switch (rnd() % 4) {
    case 0: return edge[rnd() % (sizeof edge / sizeof edge[0])];
    case 1: return rnd() >> (rnd() % 64);
    case 2: return (uint64_t)-(int64_t)(rnd() >> (rnd() % 64));
    default: return rnd();
    }
}

/* Host conversions under MXCSR mx (volatile operands as above). */
static uint64_t host_cvt(int kind, uint32_t mx, uint64_t a, uint64_t d0, uint32_t *mx_out)
{
    uint32_t saved = _mm_getcsr();
    volatile uint64_t va = a, r = 0;
    float f;
    double g;
    uint32_t a32 = (uint32_t)a;
    memcpy(&f, &a32, 4);
    memcpy(&g, &a, 8);
    volatile float vf = f;
    volatile double vg = g;
    __m128 xs;
    __m128d xd;
    memcpy(&xs, &d0, 8);
    memcpy(&xd, &d0, 8);
    _mm_setcsr(mx);
    switch (kind) {
    case 0: r = (uint32_t)_mm_cvtss_si32(_mm_set_ss(vf)); break;
    case 1: r = (uint64_t)_mm_cvtss_si64(_mm_set_ss(vf)); break;
    case 2: r = (uint32_t)_mm_cvttss_si32(_mm_set_ss(vf)); break;
    case 3: r = (uint64_t)_mm_cvttss_si64(_mm_set_ss(vf)); break;
    case 4: r = (uint32_t)_mm_cvtsd_si32(_mm_set_sd(vg)); break;
    case 5: r = (uint64_t)_mm_cvtsd_si64(_mm_set_sd(vg)); break;
    case 6: r = (uint32_t)_mm_cvttsd_si32(_mm_set_sd(vg)); break;
    case 7: r = (uint64_t)_mm_cvttsd_si64(_mm_set_sd(vg)); break;
    case 8: { __m128 x = _mm_cvtsi32_ss(xs, (int)(uint32_t)va); uint32_t u; memcpy(&u, &x, 4); r = u; break; }
    case 9: { __m128 x = _mm_cvtsi64_ss(xs, (long long)va); uint32_t u; memcpy(&u, &x, 4); r = u; break; }
    case 10: { __m128d x = _mm_cvtsi32_sd(xd, (int)(uint32_t)va); uint64_t u; memcpy(&u, &x, 8); r = u; break; }
    default: { __m128d x = _mm_cvtsi64_sd(xd, (long long)va); uint64_t u; memcpy(&u, &x, 8); r = u; break; }
    }
    uint64_t rr = r;
    *mx_out = _mm_getcsr();
    _mm_setcsr(saved);
    return rr;
}

/* CVT(T)SS2SI, CVT(T)SD2SI (32/64-bit) and CVTSI2SS/SD (32/64-bit). */
static void cvt_gpr_matches_host(struct tcase *t)
{
    static const struct { const char *name; uint8_t code[5]; int len; } ops[] = {
        { "cvtss2si eax", { 0xf3, 0x0f, 0x2d, 0xc1 }, 4 }, { "cvtss2si rax", { 0xf3, 0x48, 0x0f, 0x2d, 0xc1 }, 5 },
        { "cvttss2si eax", { 0xf3, 0x0f, 0x2c, 0xc1 }, 4 }, { "cvttss2si rax", { 0xf3, 0x48, 0x0f, 0x2c, 0xc1 }, 5 },
        { "cvtsd2si eax", { 0xf2, 0x0f, 0x2d, 0xc1 }, 4 }, { "cvtsd2si rax", { 0xf2, 0x48, 0x0f, 0x2d, 0xc1 }, 5 },
        { "cvttsd2si eax", { 0xf2, 0x0f, 0x2c, 0xc1 }, 4 }, { "cvttsd2si rax", { 0xf2, 0x48, 0x0f, 0x2c, 0xc1 }, 5 },
        { "cvtsi2ss xmm0, ecx", { 0xf3, 0x0f, 0x2a, 0xc1 }, 4 }, { "cvtsi2ss xmm0, rcx", { 0xf3, 0x48, 0x0f, 0x2a, 0xc1 }, 5 },
        { "cvtsi2sd xmm0, ecx", { 0xf2, 0x0f, 0x2a, 0xc1 }, 4 }, { "cvtsi2sd xmm0, rcx", { 0xf2, 0x48, 0x0f, 0x2a, 0xc1 }, 5 },
    };
    fresh_cpu();
    for (int k = 0; k < 12 && !t->failed; k++) {
        for (int it = 0; it < FUZZ && !t->failed; it++) {
            uint64_t a = k < 8 ? gen_fp(k < 4 ? 23 : 52) : gen_int(), d0 = rnd();
            uint32_t mx = gen_mxcsr(), want_mx;
            uint64_t want = host_cvt(k, mx, a, d0, &want_mx), got;
            c->mxcsr = mx;
            c->xmm[1].q[0] = a;
            c->xmm[0].q[0] = d0;
            c->xmm[0].q[1] = 0x1234;
            c->r[R_CX] = a;
            c->r[R_AX] = 0x5555555555555555ull;
            int v = run(ops[k].code, (size_t)ops[k].len);
            got = k < 8 ? c->r[R_AX] : k < 10 ? (uint64_t)c->xmm[0].d[0] : c->xmm[0].q[0];
            int upper_ok = k < 8 || (c->xmm[0].q[1] == 0x1234 && (k >= 10 || c->xmm[0].d[1] == (uint32_t)(d0 >> 32)));
            if (v != -1 || got != want || c->mxcsr != want_mx || !upper_ok) {
                snprintf(t->why, sizeof t->why, "%s mxcsr %#x src %#llx: vector %d got %#llx mxcsr %#x, host %#llx mxcsr %#x",
                         ops[k].name, mx, (unsigned long long)a, v, (unsigned long long)got, c->mxcsr,
                         (unsigned long long)want, want_mx);
                t->failed = true;
            }
        }
    }
}

/* COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF and MXCSR against the host
 * (the flags from C comparisons, the MXCSR from the host instruction). */
static void comis_matches_host(struct tcase *t)
{
    fresh_cpu();
    for (int k = 0; k < 4 && !t->failed; k++) {
        int dbl = k & 1, signal = !(k & 2);
        uint8_t code[4] = { 0x66, 0x0f, (uint8_t)(signal ? 0x2f : 0x2e), 0xc1 };
        for (int it = 0; it < FUZZ && !t->failed; it++) {
            uint64_t a = gen_fp(dbl ? 52 : 23), b = gen_fp_near(dbl ? 52 : 23, a);
            uint32_t mx = gen_mxcsr(), saved = _mm_getcsr(), want_mx;
            int lt, eq, un;
            if (dbl) {
                double x, y;
                memcpy(&x, &a, 8);
                memcpy(&y, &b, 8);
                volatile __m128d vx = _mm_set_sd(x), vy = _mm_set_sd(y);
                _mm_setcsr(mx);
                volatile int r = signal ? _mm_comieq_sd(vx, vy) : _mm_ucomieq_sd(vx, vy);
                want_mx = _mm_getcsr();
                (void)r;
                _mm_setcsr(saved);
                if (mx & 0x40) {   /* DAZ: compare denormals as zeros */
                    if (x != 0 && x > -2.2250738585072014e-308 && x < 2.2250738585072014e-308) x = 0;
                    if (y != 0 && y > -2.2250738585072014e-308 && y < 2.2250738585072014e-308) y = 0;
                }
                un = x != x || y != y, lt = x < y, eq = x == y;
            } else {
                float x, y;
                uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
                memcpy(&x, &a32, 4);
                memcpy(&y, &b32, 4);
                volatile __m128 vx = _mm_set_ss(x), vy = _mm_set_ss(y);
                _mm_setcsr(mx);
                volatile int r = signal ? _mm_comieq_ss(vx, vy) : _mm_ucomieq_ss(vx, vy);
                want_mx = _mm_getcsr();
                (void)r;
                _mm_setcsr(saved);
                if (mx & 0x40) {
                    if (x != 0 && x > -1.17549435e-38f && x < 1.17549435e-38f) x = 0;
                    if (y != 0 && y > -1.17549435e-38f && y < 1.17549435e-38f) y = 0;
                }
                un = x != x || y != y, lt = x < y, eq = x == y;
            }
            code[0] = dbl ? 0x66 : 0x40;   /* a REX prefix with no effect for the PS forms */
            c->mxcsr = mx;
            c->xmm[0].q[0] = a;
            c->xmm[1].q[0] = b;
            cpu_set_rflags(c, 0x8d5);      /* OF SF AF PF CF set beforehand */
            int v = run(code, 4);
            uint64_t f = cpu_get_rflags(c) & 0x8d5;
            uint64_t wf = un ? 0x45 : lt ? 0x01 : eq ? 0x40 : 0;
            if (v != -1 || f != wf || c->mxcsr != want_mx) {
                snprintf(t->why, sizeof t->why, "%s%s %#llx, %#llx mxcsr %#x: vector %d flags %#llx mxcsr %#x, want %#llx %#x",
                         signal ? "comis" : "ucomis", dbl ? "d" : "s", (unsigned long long)a, (unsigned long long)b,
                         mx, v, (unsigned long long)f, c->mxcsr, (unsigned long long)wf, want_mx);
                t->failed = true;
            }
        }
    }
}

/* ---- integer operations, XMM and MMX forms ---- */

HOST_I(_mm_unpacklo_epi8) HOST_I(_mm_unpacklo_epi16) HOST_I(_mm_unpacklo_epi32) HOST_I(_mm_unpacklo_epi64)
HOST_I(_mm_unpackhi_epi8) HOST_I(_mm_unpackhi_epi16) HOST_I(_mm_unpackhi_epi32) HOST_I(_mm_unpackhi_epi64)
HOST_I(_mm_packs_epi16) HOST_I(_mm_packs_epi32) HOST_I(_mm_packus_epi16)
HOST_I(_mm_cmpgt_epi8) HOST_I(_mm_cmpgt_epi16) HOST_I(_mm_cmpgt_epi32)
HOST_I(_mm_cmpeq_epi8) HOST_I(_mm_cmpeq_epi16) HOST_I(_mm_cmpeq_epi32)
HOST_I(_mm_srl_epi16) HOST_I(_mm_srl_epi32) HOST_I(_mm_srl_epi64)
HOST_I(_mm_sra_epi16) HOST_I(_mm_sra_epi32)
HOST_I(_mm_sll_epi16) HOST_I(_mm_sll_epi32) HOST_I(_mm_sll_epi64)
HOST_I(_mm_add_epi8) HOST_I(_mm_add_epi16) HOST_I(_mm_add_epi32) HOST_I(_mm_add_epi64)
HOST_I(_mm_sub_epi8) HOST_I(_mm_sub_epi16) HOST_I(_mm_sub_epi32) HOST_I(_mm_sub_epi64)
HOST_I(_mm_adds_epi8) HOST_I(_mm_adds_epi16) HOST_I(_mm_adds_epu8) HOST_I(_mm_adds_epu16)
HOST_I(_mm_subs_epi8) HOST_I(_mm_subs_epi16) HOST_I(_mm_subs_epu8) HOST_I(_mm_subs_epu16)
HOST_I(_mm_mullo_epi16) HOST_I(_mm_mulhi_epi16) HOST_I(_mm_mulhi_epu16) HOST_I(_mm_mul_epu32)
HOST_I(_mm_madd_epi16) HOST_I(_mm_sad_epu8) HOST_I(_mm_avg_epu8) HOST_I(_mm_avg_epu16)
HOST_I(_mm_min_epu8) HOST_I(_mm_max_epu8) HOST_I(_mm_min_epi16) HOST_I(_mm_max_epi16)
HOST_I(_mm_and_si128) HOST_I(_mm_andnot_si128) HOST_I(_mm_or_si128) HOST_I(_mm_xor_si128)
HOST_PS(_mm_unpacklo_ps) HOST_PS(_mm_unpackhi_ps) HOST_PD(_mm_unpacklo_pd) HOST_PD(_mm_unpackhi_pd)
HOST_PS(_mm_and_ps) HOST_PS(_mm_andnot_ps) HOST_PS(_mm_or_ps) HOST_PS(_mm_xor_ps)

HOST_MM(_mm_unpacklo_pi8) HOST_MM(_mm_unpacklo_pi16) HOST_MM(_mm_unpacklo_pi32)
HOST_MM(_mm_unpackhi_pi8) HOST_MM(_mm_unpackhi_pi16) HOST_MM(_mm_unpackhi_pi32)
HOST_MM(_mm_packs_pi16) HOST_MM(_mm_packs_pi32) HOST_MM(_mm_packs_pu16)
HOST_MM(_mm_cmpgt_pi8) HOST_MM(_mm_cmpgt_pi16) HOST_MM(_mm_cmpgt_pi32)
HOST_MM(_mm_cmpeq_pi8) HOST_MM(_mm_cmpeq_pi16) HOST_MM(_mm_cmpeq_pi32)
HOST_MM(_mm_srl_pi16) HOST_MM(_mm_srl_pi32) HOST_MM(_mm_srl_si64)
HOST_MM(_mm_sra_pi16) HOST_MM(_mm_sra_pi32)
HOST_MM(_mm_sll_pi16) HOST_MM(_mm_sll_pi32) HOST_MM(_mm_sll_si64)
HOST_MM(_mm_add_pi8) HOST_MM(_mm_add_pi16) HOST_MM(_mm_add_pi32) HOST_MM(_mm_add_si64)
HOST_MM(_mm_sub_pi8) HOST_MM(_mm_sub_pi16) HOST_MM(_mm_sub_pi32) HOST_MM(_mm_sub_si64)
HOST_MM(_mm_adds_pi8) HOST_MM(_mm_adds_pi16) HOST_MM(_mm_adds_pu8) HOST_MM(_mm_adds_pu16)
HOST_MM(_mm_subs_pi8) HOST_MM(_mm_subs_pi16) HOST_MM(_mm_subs_pu8) HOST_MM(_mm_subs_pu16)
HOST_MM(_mm_mullo_pi16) HOST_MM(_mm_mulhi_pi16) HOST_MM(_mm_mulhi_pu16) HOST_MM(_mm_mul_su32)
HOST_MM(_mm_madd_pi16) HOST_MM(_mm_sad_pu8) HOST_MM(_mm_avg_pu8) HOST_MM(_mm_avg_pu16)
HOST_MM(_mm_min_pu8) HOST_MM(_mm_max_pu8) HOST_MM(_mm_min_pi16) HOST_MM(_mm_max_pi16)
HOST_MM(_mm_and_si64) HOST_MM(_mm_andnot_si64) HOST_MM(_mm_or_si64) HOST_MM(_mm_xor_si64)

struct intcase {
    const char *name;
    uint8_t pfx, op;
    host_fn xmm, mmx;     /* the 66 form and the NP form (NULL: none) */
    int shift;            /* the source is a shift count */
};

#define IC(name, op, x, mm) { name, 0x66, op, h_##x, mm, 0 }
#define ICS(name, op, x, mm) { name, 0x66, op, h_##x, mm, 1 }
static const struct intcase intcases[] = {
    IC("punpcklbw", 0x60, _mm_unpacklo_epi8, h__mm_unpacklo_pi8),
    IC("punpcklwd", 0x61, _mm_unpacklo_epi16, h__mm_unpacklo_pi16),
    IC("punpckldq", 0x62, _mm_unpacklo_epi32, h__mm_unpacklo_pi32),
    IC("packsswb", 0x63, _mm_packs_epi16, h__mm_packs_pi16),
    IC("pcmpgtb", 0x64, _mm_cmpgt_epi8, h__mm_cmpgt_pi8),
    IC("pcmpgtw", 0x65, _mm_cmpgt_epi16, h__mm_cmpgt_pi16),
    IC("pcmpgtd", 0x66, _mm_cmpgt_epi32, h__mm_cmpgt_pi32),
    IC("packuswb", 0x67, _mm_packus_epi16, h__mm_packs_pu16),
    IC("punpckhbw", 0x68, _mm_unpackhi_epi8, h__mm_unpackhi_pi8),
    IC("punpckhwd", 0x69, _mm_unpackhi_epi16, h__mm_unpackhi_pi16),
    IC("punpckhdq", 0x6a, _mm_unpackhi_epi32, h__mm_unpackhi_pi32),
    IC("packssdw", 0x6b, _mm_packs_epi32, h__mm_packs_pi32),
    IC("punpcklqdq", 0x6c, _mm_unpacklo_epi64, NULL),
    IC("punpckhqdq", 0x6d, _mm_unpackhi_epi64, NULL),
    IC("pcmpeqb", 0x74, _mm_cmpeq_epi8, h__mm_cmpeq_pi8),
    IC("pcmpeqw", 0x75, _mm_cmpeq_epi16, h__mm_cmpeq_pi16),
    IC("pcmpeqd", 0x76, _mm_cmpeq_epi32, h__mm_cmpeq_pi32),
    ICS("psrlw", 0xd1, _mm_srl_epi16, h__mm_srl_pi16),
    ICS("psrld", 0xd2, _mm_srl_epi32, h__mm_srl_pi32),
    ICS("psrlq", 0xd3, _mm_srl_epi64, h__mm_srl_si64),
    IC("paddq", 0xd4, _mm_add_epi64, h__mm_add_si64),
    IC("pmullw", 0xd5, _mm_mullo_epi16, h__mm_mullo_pi16),
    IC("psubusb", 0xd8, _mm_subs_epu8, h__mm_subs_pu8),
    IC("psubusw", 0xd9, _mm_subs_epu16, h__mm_subs_pu16),
    IC("pminub", 0xda, _mm_min_epu8, h__mm_min_pu8),
    IC("pand", 0xdb, _mm_and_si128, h__mm_and_si64),
    IC("paddusb", 0xdc, _mm_adds_epu8, h__mm_adds_pu8),
    IC("paddusw", 0xdd, _mm_adds_epu16, h__mm_adds_pu16),
    IC("pmaxub", 0xde, _mm_max_epu8, h__mm_max_pu8),
    IC("pandn", 0xdf, _mm_andnot_si128, h__mm_andnot_si64),
    IC("pavgb", 0xe0, _mm_avg_epu8, h__mm_avg_pu8),
    ICS("psraw", 0xe1, _mm_sra_epi16, h__mm_sra_pi16),
    ICS("psrad", 0xe2, _mm_sra_epi32, h__mm_sra_pi32),
    IC("pavgw", 0xe3, _mm_avg_epu16, h__mm_avg_pu16),
    IC("pmulhuw", 0xe4, _mm_mulhi_epu16, h__mm_mulhi_pu16),
    IC("pmulhw", 0xe5, _mm_mulhi_epi16, h__mm_mulhi_pi16),
    IC("psubsb", 0xe8, _mm_subs_epi8, h__mm_subs_pi8),
    IC("psubsw", 0xe9, _mm_subs_epi16, h__mm_subs_pi16),
    IC("pminsw", 0xea, _mm_min_epi16, h__mm_min_pi16),
    IC("por", 0xeb, _mm_or_si128, h__mm_or_si64),
    IC("paddsb", 0xec, _mm_adds_epi8, h__mm_adds_pi8),
    IC("paddsw", 0xed, _mm_adds_epi16, h__mm_adds_pi16),
    IC("pmaxsw", 0xee, _mm_max_epi16, h__mm_max_pi16),
    IC("pxor", 0xef, _mm_xor_si128, h__mm_xor_si64),
    ICS("psllw", 0xf1, _mm_sll_epi16, h__mm_sll_pi16),
    ICS("pslld", 0xf2, _mm_sll_epi32, h__mm_sll_pi32),
    ICS("psllq", 0xf3, _mm_sll_epi64, h__mm_sll_si64),
    IC("pmuludq", 0xf4, _mm_mul_epu32, h__mm_mul_su32),
    IC("pmaddwd", 0xf5, _mm_madd_epi16, h__mm_madd_pi16),
    IC("psadbw", 0xf6, _mm_sad_epu8, h__mm_sad_pu8),
    IC("psubb", 0xf8, _mm_sub_epi8, h__mm_sub_pi8),
    IC("psubw", 0xf9, _mm_sub_epi16, h__mm_sub_pi16),
    IC("psubd", 0xfa, _mm_sub_epi32, h__mm_sub_pi32),
    IC("psubq", 0xfb, _mm_sub_epi64, h__mm_sub_si64),
    IC("paddb", 0xfc, _mm_add_epi8, h__mm_add_pi8),
    IC("paddw", 0xfd, _mm_add_epi16, h__mm_add_pi16),
    IC("paddd", 0xfe, _mm_add_epi32, h__mm_add_pi32),
    { "unpcklps", 0, 0x14, h__mm_unpacklo_ps, NULL, 0 },
    { "unpckhps", 0, 0x15, h__mm_unpackhi_ps, NULL, 0 },
    { "unpcklpd", 0x66, 0x14, h__mm_unpacklo_pd, NULL, 0 },
    { "unpckhpd", 0x66, 0x15, h__mm_unpackhi_pd, NULL, 0 },
    { "andps", 0, 0x54, h__mm_and_ps, NULL, 0 }, { "andpd", 0x66, 0x54, h__mm_and_ps, NULL, 0 },
    { "andnps", 0, 0x55, h__mm_andnot_ps, NULL, 0 }, { "andnpd", 0x66, 0x55, h__mm_andnot_ps, NULL, 0 },
    { "orps", 0, 0x56, h__mm_or_ps, NULL, 0 }, { "orpd", 0x66, 0x56, h__mm_or_ps, NULL, 0 },
    { "xorps", 0, 0x57, h__mm_xor_ps, NULL, 0 }, { "xorpd", 0x66, 0x57, h__mm_xor_ps, NULL, 0 },
};

/* Bytes biased toward the saturation and sign boundaries. */
static void gen_int_vec(union xmm *v, int shift)
{
    static const uint8_t edge[] = { 0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff };
    for (int k = 0; k < 16; k++)
        v->b[k] = rnd() % 3 ? edge[rnd() % sizeof edge] : (uint8_t)rnd();
    if (shift && rnd() % 4) {
        v->q[0] = rnd() % 72;
        if (rnd() % 8 == 0)
            v->q[0] |= 1ull << (32 + rnd() % 32);
    }
}

static void int_fail(struct tcase *t, const char *form, const char *name, const union xmm *d,
                     const union xmm *s, const union xmm *got, const union xmm *want, int v)
{
    snprintf(t->why, sizeof t->why, "%s %s d %016llx:%016llx s %016llx:%016llx -> vector %d %016llx:%016llx, host %016llx:%016llx",
             form, name, (unsigned long long)d->q[1], (unsigned long long)d->q[0], (unsigned long long)s->q[1],
             (unsigned long long)s->q[0], v, (unsigned long long)got->q[1], (unsigned long long)got->q[0],
             (unsigned long long)want->q[1], (unsigned long long)want->q[0]);
    t->failed = true;
}

/* Each "66 0F op xmm8, xmm1|[rax]" (REX.R also checked) against the host. */
static void int_xmm_matches_host(struct tcase *t)
{
    fresh_cpu();
    for (size_t n = 0; n < sizeof intcases / sizeof intcases[0] && !t->failed; n++) {
        const struct intcase *k = &intcases[n];
        for (int it = 0; it < FUZZ / 3 && !t->failed; it++) {
            union xmm d, s, want;
            gen_int_vec(&d, 0);
            gen_int_vec(&s, k->shift);
            want = d;
            host_run(k->xmm, 0x1f80, &want, &s);
            int mem = it & 1;
            uint8_t code[6];
            int len = 0;
            if (k->pfx)
                code[len++] = k->pfx;
            code[len++] = 0x44;    /* REX.R: xmm8 */
            code[len++] = 0x0f;
            code[len++] = k->op;
            code[len++] = mem ? 0x00 : 0xc1;
            c->xmm[8] = d;
            c->xmm[1] = s;
            c->r[R_AX] = DATA;
            put(DATA, &s, 16);
            int v = run(code, (size_t)len);
            if (v != -1 || memcmp(&c->xmm[8], &want, 16))
                int_fail(t, "xmm", k->name, &d, &s, &c->xmm[8], &want, v);
        }
    }
}

static uint64_t mm_reg(int n)
{
    uint64_t v;
    memcpy(&v, c->fpu.st[n], 8);
    return v;
}

static void set_mm(int n, uint64_t v)
{
    memcpy(c->fpu.st[n], &v, 8);
    c->fpu.st[n][8] = c->fpu.st[n][9] = 0;
}

/* Each "0F op mm3, mm5|[rax]" against the host's MMX intrinsics. REX.R
 * and REX.B do not extend MMX register numbers. */
static void int_mmx_matches_host(struct tcase *t)
{
    fresh_cpu();
    for (size_t n = 0; n < sizeof intcases / sizeof intcases[0] && !t->failed; n++) {
        const struct intcase *k = &intcases[n];
        if (!k->mmx)
            continue;
        for (int it = 0; it < FUZZ / 3 && !t->failed; it++) {
            union xmm d, s, want;
            gen_int_vec(&d, 0);
            gen_int_vec(&s, k->shift);
            d.q[1] = s.q[1] = 0;
            want = d;
            k->mmx(&want, &s);
            int mem = it & 1;
            uint8_t code[4] = { 0x45, 0x0f, k->op, (uint8_t)(mem ? 0x18 : 0xdd) };   /* REX.RB */
            set_mm(3, d.q[0]);
            set_mm(5, s.q[0]);
            c->fpu.ftw = 0;
            c->fpu.fsw = 0x3800;
            c->r[R_R8] = DATA;      /* REX.B: the base is r8 */
            put(DATA, &s, 16);
            int v = run(code, 4);
            union xmm got = { .q = { mm_reg(3), 0 } };
            if (v != -1 || got.q[0] != want.q[0])
                int_fail(t, "mmx", k->name, &d, &s, &got, &want, v);
            else if (c->fpu.ftw != 0xff || (c->fpu.fsw & 0x3800) || c->fpu.st[3][8] != 0xff || c->fpu.st[3][9] != 0xff) {
                snprintf(t->why, sizeof t->why, "mmx %s: ftw %#x fsw %#x exponent %02x%02x", k->name,
                         c->fpu.ftw, c->fpu.fsw, c->fpu.st[3][9], c->fpu.st[3][8]);
                t->failed = true;
            }
        }
    }
}

/* ---- shuffles, inserts, extracts, masks ---- */

static void shuffles_and_inserts(struct tcase *t)
{
    fresh_cpu();
    union xmm s = { .q = { 0x7766554433221100ull, 0xffeeddccbbaa9988ull } };
    union xmm d = { .q = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull } };
    for (unsigned imm = 0; imm < 256 && !t->failed; imm += 7) {
        union xmm r;
        c->xmm[1] = s;
        EXPECT_EQ(t, RUN(0x66, 0x0f, 0x70, 0xc1, (uint8_t)imm), -1);           /* pshufd */
        for (int k = 0; k < 4; k++)
            r.d[k] = s.d[(imm >> (2 * k)) & 3];
        EXPECT(t, !memcmp(&c->xmm[0], &r, 16));
        EXPECT_EQ(t, RUN(0xf2, 0x0f, 0x70, 0xc1, (uint8_t)imm), -1);           /* pshuflw */
        r = s;
        for (int k = 0; k < 4; k++)
            r.w[k] = s.w[(imm >> (2 * k)) & 3];
        EXPECT(t, !memcmp(&c->xmm[0], &r, 16));
        EXPECT_EQ(t, RUN(0xf3, 0x0f, 0x70, 0xc1, (uint8_t)imm), -1);           /* pshufhw */
        r = s;
        for (int k = 0; k < 4; k++)
            r.w[4 + k] = s.w[4 + ((imm >> (2 * k)) & 3)];
        EXPECT(t, !memcmp(&c->xmm[0], &r, 16));
        c->xmm[0] = d;
        EXPECT_EQ(t, RUN(0x0f, 0xc6, 0xc1, (uint8_t)imm), -1);                 /* shufps */
        r.d[0] = d.d[imm & 3], r.d[1] = d.d[(imm >> 2) & 3];
        r.d[2] = s.d[(imm >> 4) & 3], r.d[3] = s.d[(imm >> 6) & 3];
        EXPECT(t, !memcmp(&c->xmm[0], &r, 16));
        c->xmm[0] = d;
        EXPECT_EQ(t, RUN(0x66, 0x0f, 0xc6, 0xc1, (uint8_t)imm), -1);           /* shufpd */
        EXPECT(t, c->xmm[0].q[0] == d.q[imm & 1] && c->xmm[0].q[1] == s.q[(imm >> 1) & 1]);
        set_mm(1, s.q[0]);
        EXPECT_EQ(t, RUN(0x0f, 0x70, 0xc1, (uint8_t)imm), -1);                 /* pshufw mm0, mm1 */
        union xmm w = { .q = { s.q[0], 0 } }, rw = { .q = { 0, 0 } };
        for (int k = 0; k < 4; k++)
            rw.w[k] = w.w[(imm >> (2 * k)) & 3];
        EXPECT_EQ(t, mm_reg(0), rw.q[0]);
    }
    /* Host cross-checks of a few selectors. */
    __m128i hs;
    memcpy(&hs, &s, 16);
    __m128i h1 = _mm_shuffle_epi32(hs, 0x1b);
    c->xmm[1] = s;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x70, 0xc1, 0x1b), -1);
    EXPECT(t, !memcmp(&c->xmm[0], &h1, 16));
    __m128 fd, fs;
    memcpy(&fd, &d, 16);
    memcpy(&fs, &s, 16);
    __m128 h2 = _mm_shuffle_ps(fd, fs, 0x9c);
    c->xmm[0] = d;
    EXPECT_EQ(t, RUN(0x0f, 0xc6, 0xc1, 0x9c), -1);
    EXPECT(t, !memcmp(&c->xmm[0], &h2, 16));

    /* PINSRW/PEXTRW (r32 and m16 forms), PMOVMSKB, MOVMSKPS/PD. */
    c->xmm[0] = d;
    c->r[R_CX] = 0xdeadbeefcafef00dull;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xc4, 0xc1, 0x0d), -1);                       /* pinsrw xmm0, ecx, 13 -> word 5 */
    EXPECT_EQ(t, c->xmm[0].w[5], 0xf00d);
    EXPECT_EQ(t, c->xmm[0].w[4], d.w[4]);
    uint16_t w16 = 0xabcd;
    put(XPAGE + 0xffe, &w16, 2);                                               /* m16 at the end of a page */
    c->r[R_AX] = XPAGE + 0xffe;
    set_mm(2, 0);
    EXPECT_EQ(t, RUN(0x0f, 0xc4, 0x10, 0x06), -1);                             /* pinsrw mm2, [rax], 6 -> word 2 */
    EXPECT_EQ(t, mm_reg(2), 0x0000abcd00000000ull);
    c->r[R_AX] = ~0ull;
    c->xmm[1] = s;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xc5, 0xc1, 0x06), -1);                       /* pextrw eax, xmm1, 6 */
    EXPECT_EQ(t, c->r[R_AX], 0xddcc);
    set_mm(1, s.q[0]);
    EXPECT_EQ(t, RUN(0x0f, 0xc5, 0xc1, 0x07), -1);                             /* pextrw eax, mm1, 7 -> word 3 */
    EXPECT_EQ(t, c->r[R_AX], 0x7766);
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xd7, 0xc1), -1);                             /* pmovmskb eax, xmm1 */
    EXPECT_EQ(t, c->r[R_AX], 0xff00);
    set_mm(1, 0x80ff7f0100000080ull);
    EXPECT_EQ(t, RUN(0x0f, 0xd7, 0xc1), -1);                                   /* pmovmskb eax, mm1 */
    EXPECT_EQ(t, c->r[R_AX], 0xc1);
    c->xmm[1].q[0] = 0x800000007fffffffull;
    c->xmm[1].q[1] = 0xffffffff00000000ull;
    EXPECT_EQ(t, RUN(0x0f, 0x50, 0xc1), -1);                                   /* movmskps eax, xmm1 */
    EXPECT_EQ(t, c->r[R_AX], 0xa);
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x50, 0xc1), -1);                             /* movmskpd eax, xmm1 */
    EXPECT_EQ(t, c->r[R_AX], 3);
    EXPECT_EQ(t, RUN(0x0f, 0x50, 0x01), EXC_UD);                               /* memory operand */
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xc5, 0x01, 0x00), EXC_UD);
}

/* Groups 12-14 (0F 71/72/73) against the register-count forms on the
 * host; PSLLDQ/PSRLDQ against their definition. */
static void shift_imm_forms(struct tcase *t)
{
    static const struct { uint8_t op, ext; host_fn x, mm; const char *name; } sh[] = {
        { 0x71, 2, h__mm_srl_epi16, h__mm_srl_pi16, "psrlw" }, { 0x71, 4, h__mm_sra_epi16, h__mm_sra_pi16, "psraw" },
        { 0x71, 6, h__mm_sll_epi16, h__mm_sll_pi16, "psllw" }, { 0x72, 2, h__mm_srl_epi32, h__mm_srl_pi32, "psrld" },
        { 0x72, 4, h__mm_sra_epi32, h__mm_sra_pi32, "psrad" }, { 0x72, 6, h__mm_sll_epi32, h__mm_sll_pi32, "pslld" },
        { 0x73, 2, h__mm_srl_epi64, h__mm_srl_si64, "psrlq" }, { 0x73, 6, h__mm_sll_epi64, h__mm_sll_si64, "psllq" },
    };
    fresh_cpu();
    for (int k = 0; k < 8 && !t->failed; k++) {
        for (unsigned imm = 0; imm < 256 && !t->failed; imm += (imm < 70 ? 1 : 37)) {
            union xmm v, cnt = { .q = { imm, 0 } }, want;
            gen_int_vec(&v, 0);
            want = v;
            sh[k].x(&want, &cnt);
            c->xmm[9] = v;
            EXPECT_EQ(t, RUN(0x66, 0x41, 0x0f, sh[k].op, (uint8_t)(0xc1 | (sh[k].ext << 3)), (uint8_t)imm), -1);
            if (memcmp(&c->xmm[9], &want, 16))
                int_fail(t, "xmm imm", sh[k].name, &v, &cnt, &c->xmm[9], &want, (int)imm);
            v.q[1] = want.q[1] = 0;
            want.q[0] = v.q[0];
            sh[k].mm(&want, &cnt);
            set_mm(1, v.q[0]);
            EXPECT_EQ(t, RUN(0x0f, sh[k].op, (uint8_t)(0xc1 | (sh[k].ext << 3)), (uint8_t)imm), -1);
            EXPECT_EQ(t, mm_reg(1), want.q[0]);
        }
    }
    for (unsigned imm = 0; imm < 20; imm++) {
        union xmm v, l = { .q = { 0, 0 } }, r = { .q = { 0, 0 } };
        gen_int_vec(&v, 0);
        for (unsigned b = 0; b < 16; b++) {
            if (b >= imm)
                l.b[b] = v.b[b - imm];
            if (b + imm < 16)
                r.b[b] = v.b[b + imm];
        }
        c->xmm[2] = v;
        EXPECT_EQ(t, RUN(0x66, 0x0f, 0x73, 0xfa, (uint8_t)imm), -1);          /* pslldq xmm2, imm */
        EXPECT(t, !memcmp(&c->xmm[2], &l, 16));
        c->xmm[2] = v;
        EXPECT_EQ(t, RUN(0x66, 0x0f, 0x73, 0xda, (uint8_t)imm), -1);          /* psrldq xmm2, imm */
        EXPECT(t, !memcmp(&c->xmm[2], &r, 16));
    }
    EXPECT_EQ(t, RUN(0x0f, 0x73, 0xf9, 0x01), EXC_UD);                         /* PSLLDQ has no MMX form */
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x71, 0x30, 0x01), EXC_UD);                   /* memory operand */
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x71, 0xc1, 0x01), EXC_UD);                   /* /0 is undefined */
}

/* ---- moves, alignment, partial-register rules ---- */

static void moves_and_alignment(struct tcase *t)
{
    fresh_cpu();
    union xmm a = { .q = { 0x0123456789abcdefull, 0xfedcba9876543210ull } }, z = { .q = { 0, 0 } }, b;
    uint8_t buf[64];
    for (int k = 0; k < 64; k++)
        buf[k] = (uint8_t)(k * 7 + 1);
    put(DATA, buf, 64);
    c->r[R_AX] = DATA + 8;
    c->xmm[0] = a;
    EXPECT_EQ(t, RUN(0x0f, 0x28, 0x00), EXC_GP);                               /* movaps xmm0, [rax+8] */
    EXPECT_EQ(t, c->stopped_error, 0);
    EXPECT_EQ(t, c->rip, CODE);
    EXPECT(t, !memcmp(&c->xmm[0], &a, 16));
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x7f, 0x00), EXC_GP);                         /* movdqa [rax], xmm0 */
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xfc, 0x00), EXC_GP);                         /* paddb xmm0, [rax] */
    EXPECT_EQ(t, RUN(0x0f, 0x58, 0x00), EXC_GP);                               /* addps xmm0, [rax] */
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x70, 0x00, 0x1b), EXC_GP);                   /* pshufd */
    EXPECT_EQ(t, RUN(0x0f, 0x10, 0x00), -1);                                   /* movups xmm0, [rax] */
    EXPECT(t, !memcmp(&c->xmm[0], buf + 8, 16));
    EXPECT_EQ(t, RUN(0xf3, 0x0f, 0x6f, 0x08), -1);                             /* movdqu xmm1, [rax] */
    EXPECT(t, !memcmp(&c->xmm[1], buf + 8, 16));
    c->xmm[2] = a;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x11, 0x50, 0x03), -1);                       /* movupd [rax+3], xmm2 */
    get(DATA + 11, &b, 16);
    EXPECT(t, !memcmp(&b, &a, 16));
    c->r[R_AX] = DATA;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xe7, 0x10), -1);                             /* movntdq [rax], xmm2 */
    get(DATA, &b, 16);
    EXPECT(t, !memcmp(&b, &a, 16));
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xe7, 0xd0), EXC_UD);                         /* register form */

    /* MOVSS/MOVSD: register forms keep the rest, loads zero it. */
    c->xmm[0] = a;
    c->xmm[1] = z;
    c->xmm[1].d[0] = 0x11111111;
    EXPECT_EQ(t, RUN(0xf3, 0x0f, 0x10, 0xc1), -1);
    EXPECT(t, c->xmm[0].d[0] == 0x11111111 && c->xmm[0].d[1] == a.d[1] && c->xmm[0].q[1] == a.q[1]);
    c->r[R_AX] = DATA + 3;
    EXPECT_EQ(t, RUN(0xf3, 0x0f, 0x10, 0x00), -1);                             /* unaligned m32 is fine */
    uint32_t m32;
    get(DATA + 3, &m32, 4);
    EXPECT(t, c->xmm[0].q[1] == 0 && c->xmm[0].d[1] == 0 && c->xmm[0].d[0] == m32);
    c->xmm[0] = a;
    EXPECT_EQ(t, RUN(0xf2, 0x0f, 0x10, 0xc1), -1);
    EXPECT(t, c->xmm[0].q[0] == 0x11111111 && c->xmm[0].q[1] == a.q[1]);
    EXPECT_EQ(t, RUN(0xf2, 0x0f, 0x10, 0x00), -1);
    EXPECT(t, c->xmm[0].q[1] == 0);
    c->xmm[0] = a;
    c->xmm[1] = z;
    EXPECT_EQ(t, RUN(0xf3, 0x0f, 0x11, 0xc1), -1);                             /* movss xmm1, xmm0 */
    EXPECT(t, c->xmm[1].d[0] == a.d[0] && c->xmm[1].d[1] == 0 && c->xmm[1].q[1] == 0);

    /* MOVLPS/MOVHPS/MOVHLPS/MOVLHPS, MOVLPD/MOVHPD memory-only. */
    c->xmm[0] = a;
    c->xmm[1].q[0] = 1, c->xmm[1].q[1] = 2;
    EXPECT_EQ(t, RUN(0x0f, 0x12, 0xc1), -1);                                   /* movhlps xmm0, xmm1 */
    EXPECT(t, c->xmm[0].q[0] == 2 && c->xmm[0].q[1] == a.q[1]);
    EXPECT_EQ(t, RUN(0x0f, 0x16, 0xc1), -1);                                   /* movlhps xmm0, xmm1 */
    EXPECT(t, c->xmm[0].q[0] == 2 && c->xmm[0].q[1] == 1);
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x12, 0xc1), EXC_UD);
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x17, 0xc1), EXC_UD);
    c->r[R_AX] = DATA + 5;
    c->xmm[0] = a;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x16, 0x00), -1);                             /* movhpd xmm0, [rax] */
    uint64_t q;
    get(DATA + 5, &q, 8);
    EXPECT(t, c->xmm[0].q[1] == q && c->xmm[0].q[0] == a.q[0]);
    EXPECT_EQ(t, RUN(0x0f, 0x13, 0x08), -1);                                   /* movlps [rax], xmm1 */
    get(DATA + 5, &q, 8);
    EXPECT_EQ(t, q, 1);

    /* MOVD/MOVQ between XMM and general registers. */
    c->xmm[0] = a;
    c->r[R_CX] = 0x8877665544332211ull;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x6e, 0xc1), -1);                             /* movd xmm0, ecx */
    EXPECT(t, c->xmm[0].q[0] == 0x44332211 && c->xmm[0].q[1] == 0);
    EXPECT_EQ(t, RUN(0x66, 0x48, 0x0f, 0x6e, 0xc1), -1);                       /* movq xmm0, rcx */
    EXPECT(t, c->xmm[0].q[0] == 0x8877665544332211ull && c->xmm[0].q[1] == 0);
    c->xmm[3] = a;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x7e, 0xd9), -1);                             /* movd ecx, xmm3 */
    EXPECT_EQ(t, c->r[R_CX], 0x89abcdef);
    EXPECT_EQ(t, RUN(0x66, 0x48, 0x0f, 0x7e, 0xd9), -1);                       /* movq rcx, xmm3 */
    EXPECT_EQ(t, c->r[R_CX], a.q[0]);
    c->xmm[0] = a;
    EXPECT_EQ(t, RUN(0xf3, 0x0f, 0x7e, 0xc3), -1);                             /* movq xmm0, xmm3 */
    EXPECT(t, c->xmm[0].q[0] == a.q[0] && c->xmm[0].q[1] == 0);
    c->xmm[0] = a;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xd6, 0xd8), -1);                             /* movq xmm0, xmm3 (D6) */
    EXPECT(t, c->xmm[0].q[0] == a.q[0] && c->xmm[0].q[1] == 0);

    /* MOVNTI, MOVQ2DQ, MOVDQ2Q, LOCK. */
    c->r[R_AX] = DATA;
    c->r[R_CX] = 0x1122334455667788ull;
    EXPECT_EQ(t, RUN(0x48, 0x0f, 0xc3, 0x08), -1);                             /* movnti [rax], rcx */
    get(DATA, &q, 8);
    EXPECT_EQ(t, q, 0x1122334455667788ull);
    EXPECT_EQ(t, RUN(0x0f, 0xc3, 0xc8), EXC_UD);
    set_mm(4, 0x5a5a5a5a12345678ull);
    c->xmm[0] = a;
    EXPECT_EQ(t, RUN(0xf3, 0x0f, 0xd6, 0xc4), -1);                             /* movq2dq xmm0, mm4 */
    EXPECT(t, c->xmm[0].q[0] == 0x5a5a5a5a12345678ull && c->xmm[0].q[1] == 0);
    EXPECT_EQ(t, RUN(0xf2, 0x0f, 0xd6, 0xeb), -1);                             /* movdq2q mm5, xmm3 */
    EXPECT_EQ(t, mm_reg(5), a.q[0]);
    EXPECT_EQ(t, RUN(0xf0, 0x0f, 0x58, 0x00), EXC_UD);                         /* lock addps */

    /* A 16-byte store that crosses into a non-present page writes nothing. */
    uint8_t before[16], after[16];
    get(XPAGE + 0xff8, before, 8);
    c->r[R_AX] = XPAGE + 0xff8;
    c->xmm[0] = a;
    EXPECT_EQ(t, RUN(0x0f, 0x11, 0x00), EXC_PF);                               /* movups [rax], xmm0 */
    EXPECT_EQ(t, c->cr2, XPAGE + 0x1000);
    get(XPAGE + 0xff8, after, 8);
    EXPECT(t, !memcmp(before, after, 8));
    /* FS segment override with a base. */
    c->seg[S_FS].base = DATA;
    c->r[R_AX] = 0x10;
    c->xmm[0] = a;
    EXPECT_EQ(t, RUN(0x64, 0x0f, 0x29, 0x00), -1);                             /* movaps fs:[rax], xmm0 */
    get(DATA + 0x10, &b, 16);
    EXPECT(t, !memcmp(&b, &a, 16));
}

/* ---- MMX and the x87 state ---- */

static void mmx_x87_state(struct tcase *t)
{
    fresh_cpu();
    c->fpu.fsw = 0x2800;     /* TOP = 5 */
    c->fpu.ftw = 0;
    set_mm(0, 1);
    set_mm(1, 2);
    EXPECT_EQ(t, RUN(0x0f, 0xfc, 0xc1), -1);                                   /* paddb mm0, mm1 */
    EXPECT_EQ(t, mm_reg(0), 3);
    EXPECT_EQ(t, c->fpu.fsw & 0x3800, 0);
    EXPECT_EQ(t, c->fpu.ftw, 0xff);
    EXPECT(t, c->fpu.st[0][8] == 0xff && c->fpu.st[0][9] == 0xff);
    EXPECT(t, c->fpu.st[1][8] == 0 && c->fpu.st[1][9] == 0);                  /* a source is not written */
    EXPECT_EQ(t, RUN(0x0f, 0x77), -1);                                         /* emms */
    EXPECT_EQ(t, c->fpu.ftw, 0);
    /* MOVD/MOVQ with general registers and memory. */
    c->r[R_CX] = 0xffffffff80000001ull;
    EXPECT_EQ(t, RUN(0x0f, 0x6e, 0xd1), -1);                                   /* movd mm2, ecx */
    EXPECT_EQ(t, mm_reg(2), 0x80000001);
    EXPECT_EQ(t, RUN(0x48, 0x0f, 0x6e, 0xd1), -1);                             /* movq mm2, rcx */
    EXPECT_EQ(t, mm_reg(2), 0xffffffff80000001ull);
    EXPECT_EQ(t, RUN(0x0f, 0x7e, 0xd0), -1);                                   /* movd eax, mm2 */
    EXPECT_EQ(t, c->r[R_AX], 0x80000001);
    c->r[R_AX] = DATA;
    EXPECT_EQ(t, RUN(0x0f, 0x7f, 0x10), -1);                                   /* movq [rax], mm2 */
    uint64_t q;
    get(DATA, &q, 8);
    EXPECT_EQ(t, q, 0xffffffff80000001ull);
    EXPECT_EQ(t, RUN(0x0f, 0x6f, 0x38), -1);                                   /* movq mm7, [rax] */
    EXPECT_EQ(t, mm_reg(7), q);
    EXPECT_EQ(t, RUN(0x0f, 0xe7, 0x38), -1);                                   /* movntq [rax], mm7 */
    EXPECT_EQ(t, RUN(0x0f, 0xe7, 0xf8), EXC_UD);
    /* MMX low unpacks read only m32: the last 4 bytes of a page suffice. */
    uint32_t w = 0x44332211;
    put(XPAGE + 0xffc, &w, 4);
    c->r[R_AX] = XPAGE + 0xffc;
    set_mm(3, 0x8877665500000000ull);
    EXPECT_EQ(t, RUN(0x0f, 0x60, 0x18), -1);                                   /* punpcklbw mm3, [rax] */
    EXPECT_EQ(t, mm_reg(3), 0x4400330022001100ull);
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x60, 0x18), EXC_GP);                         /* the XMM form reads m128 */
    /* A pending x87 exception is #MF before the MMX instruction. */
    c->fpu.ftw = 0x0f;
    c->fpu.fsw = 0x0081;
    EXPECT_EQ(t, RUN(0x0f, 0xfc, 0xc1), EXC_MF);
    EXPECT_EQ(t, c->fpu.ftw, 0x0f);
    EXPECT_EQ(t, RUN(0x0f, 0x77), EXC_MF);
    c->cr0 &= ~CR0_NE;                                                         /* FERR# path: not modelled */
    EXPECT_EQ(t, RUN(0x0f, 0xfc, 0xc1), -1);
    c->cr0 |= CR0_NE;
    c->fpu.ftw = 0x0f;
    c->fpu.fsw = 0x1800;
    /* A faulting MMX store leaves the x87 state alone. */
    c->r[R_AX] = XPAGE + 0x1000;
    EXPECT_EQ(t, RUN(0x0f, 0x7f, 0x00), EXC_PF);
    EXPECT_EQ(t, c->fpu.ftw, 0x0f);
    EXPECT_EQ(t, c->fpu.fsw, 0x1800);
}

/* ---- CR0/CR4 availability checks ---- */

static void availability_faults(struct tcase *t)
{
    fresh_cpu();
    c->r[R_AX] = DATA;
    c->cr0 |= CR0_EM;
    EXPECT_EQ(t, RUN(0x0f, 0x58, 0xc1), EXC_UD);                               /* addps */
    EXPECT_EQ(t, RUN(0x0f, 0xfc, 0xc1), EXC_UD);                               /* paddb mm */
    EXPECT_EQ(t, RUN(0x0f, 0x77), EXC_UD);                                     /* emms */
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x00), EXC_NM);                               /* fxsave: #NM, not #UD */
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x08), EXC_NM);                               /* fxrstor */
    c->cr0 |= CR0_TS;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xef, 0xc1), EXC_UD);                         /* EM before TS */
    c->cr0 &= ~CR0_EM;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xef, 0xc1), EXC_NM);                         /* pxor xmm */
    EXPECT_EQ(t, RUN(0x0f, 0xef, 0xc1), EXC_NM);                               /* pxor mm */
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x10), EXC_NM);                               /* ldmxcsr */
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x00), EXC_NM);                               /* fxsave */
    EXPECT_EQ(t, RUN(0x0f, 0xc3, 0x08), -1);                                   /* movnti: no checks */
    c->cr0 &= ~CR0_TS;
    c->cr4 &= ~CR4_OSFXSR;
    EXPECT_EQ(t, RUN(0x0f, 0x58, 0xc1), EXC_UD);                               /* addps */
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xef, 0xc1), EXC_UD);                         /* pxor xmm */
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x10), EXC_UD);                               /* ldmxcsr */
    EXPECT_EQ(t, RUN(0x0f, 0xef, 0xc1), -1);                                   /* pxor mm: MMX needs no OSFXSR */
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x00), -1);                                   /* fxsave */
    EXPECT_EQ(t, RUN(0xf3, 0x0f, 0xd6, 0xc4), EXC_UD);                         /* movq2dq is SSE2 */
    c->cr4 |= CR4_OSFXSR;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xef, 0xc1), -1);
}

/* ---- unmasked exceptions: #XM / #UD, flags, destination unchanged ---- */

static int run_fp(uint32_t mxcsr, uint64_t d, uint64_t s, const uint8_t *code, size_t n)
{
    c->mxcsr = mxcsr;
    c->xmm[0].q[0] = d;
    c->xmm[0].q[1] = 0x0123456789abcdefull;
    c->xmm[1].q[0] = s;
    c->xmm[1].q[1] = s;
    return run(code, n);
}

static void unmasked_exceptions(struct tcase *t)
{
    static const uint8_t divss[] = { 0xf3, 0x0f, 0x5e, 0xc1 }, mulss[] = { 0xf3, 0x0f, 0x59, 0xc1 },
                         addps[] = { 0x0f, 0x58, 0xc1 }, addss[] = { 0xf3, 0x0f, 0x58, 0xc1 },
                         comiss[] = { 0x0f, 0x2f, 0xc1 }, cvttss2si[] = { 0xf3, 0x0f, 0x2c, 0xc1 },
                         mulsd[] = { 0xf2, 0x0f, 0x59, 0xc1 };
    fresh_cpu();
    /* 1.0 / 0.0 with ZM = 0. */
    EXPECT_EQ(t, run_fp(0x1f80 & ~0x200u, 0x3f800000, 0, divss, 4), EXC_XM);
    EXPECT_EQ(t, c->mxcsr, 0x1d84);
    EXPECT_EQ(t, c->xmm[0].q[0], 0x3f800000);
    EXPECT_EQ(t, c->rip, CODE);
    c->cr4 &= ~CR4_OSXMMEXCPT;
    EXPECT_EQ(t, run_fp(0x1f80 & ~0x200u, 0x3f800000, 0, divss, 4), EXC_UD);
    c->cr4 |= CR4_OSXMMEXCPT;
    EXPECT_EQ(t, run_fp(0x1f80, 0x3f800000, 0, divss, 4), -1);               /* masked: +inf, ZE */
    EXPECT(t, c->xmm[0].d[0] == 0x7f800000 && c->mxcsr == 0x1f84);
    /* Unmasked IE in one lane: only the pre-computation flags are set
     * (the overflow in another lane is not reported). */
    c->mxcsr = 0x1f80 & ~0x80u;
    c->xmm[0].q[0] = 0x7f7fffff7f800001ull;     /* lane 0 SNaN, lane 1 max */
    c->xmm[0].q[1] = 0;
    c->xmm[1].q[0] = 0x7f7fffff3f800000ull;
    c->xmm[1].q[1] = 0;
    EXPECT_EQ(t, run(addps, 3), EXC_XM);
    EXPECT_EQ(t, c->mxcsr, 0x1f01);
    EXPECT_EQ(t, c->xmm[0].q[0], 0x7f7fffff7f800001ull);
    /* Masked IE with unmasked OE: both reported, #XM; max + max is exact
     * with an unbounded exponent, so no PE. */
    c->mxcsr = 0x1f80 & ~0x200u & ~0x400u;
    EXPECT_EQ(t, run(addps, 3), EXC_XM);
    EXPECT_EQ(t, c->mxcsr, 0x1989);
    /* Unmasked overflow with an exact unbounded result: OE without PE. */
    EXPECT_EQ(t, run_fp(0x1f80 & ~0x400u, 0x7f000000, 0x40000000, mulss, 4), EXC_XM);
    EXPECT_EQ(t, c->mxcsr, 0x1b88);
    EXPECT_EQ(t, run_fp(0x1f80, 0x7f000000, 0x40000000, mulss, 4), -1);
    EXPECT(t, c->xmm[0].d[0] == 0x7f800000 && c->mxcsr == 0x1fa8);
    /* Unmasked underflow: an exact tiny result is reported; masked, it is
     * not (and the denormal is delivered). */
    EXPECT_EQ(t, run_fp(0x1f80 & ~0x800u, 0x00800000, 0x3f000000, mulss, 4), EXC_XM);
    EXPECT_EQ(t, c->mxcsr, 0x1790);
    EXPECT_EQ(t, run_fp(0x1f80, 0x00800000, 0x3f000000, mulss, 4), -1);
    EXPECT(t, c->xmm[0].d[0] == 0x00400000 && c->mxcsr == 0x1f80);
    /* Unmasked precision. */
    EXPECT_EQ(t, run_fp(0x1f80 & ~0x1000u, 0x3f800000, 0x40400000, divss, 4), EXC_XM);
    EXPECT(t, c->mxcsr == 0x0fa0 && c->xmm[0].q[0] == 0x3f800000);
    /* Unmasked denormal: DE only (PE of the same element not reported). */
    EXPECT_EQ(t, run_fp(0x1f80 & ~0x100u, 0x3f800000, 0x00000001, addss, 4), EXC_XM);
    EXPECT_EQ(t, c->mxcsr, 0x1e82);
    /* COMISS with a QNaN and IM = 0: #XM and RFLAGS unchanged. */
    cpu_set_rflags(c, 0x2);
    EXPECT_EQ(t, run_fp(0x1f80 & ~0x80u, 0x7fc00000, 0x3f800000, comiss, 3), EXC_XM);
    EXPECT_EQ(t, cpu_get_rflags(c) & 0x8d5, 0);
    EXPECT_EQ(t, run_fp(0x1f80, 0x7fc00000, 0x3f800000, comiss, 3), -1);
    EXPECT_EQ(t, cpu_get_rflags(c) & 0x8d5, 0x45);
    /* CVTTSS2SI of a NaN with IM = 0: #XM, EAX unchanged. */
    c->r[R_AX] = 77;
    EXPECT_EQ(t, run_fp(0x1f80 & ~0x80u, 0, 0x7fc00000, cvttss2si, 4), EXC_XM);
    EXPECT_EQ(t, c->r[R_AX], 77);
    EXPECT_EQ(t, run_fp(0x1f80, 0, 0x7fc00000, cvttss2si, 4), -1);
    EXPECT_EQ(t, c->r[R_AX], 0x80000000);
    /* MULSD overflow, masked, by rounding mode: to +inf or to the largest finite. */
    EXPECT_EQ(t, run_fp(0x1f80 | 0x6000, 0x7fe0000000000000ull, 0x4000000000000000ull, mulsd, 4), -1);
    EXPECT_EQ(t, c->xmm[0].q[0], 0x7fefffffffffffffull);
    EXPECT_EQ(t, run_fp(0x1f80 | 0x2000, 0xffe0000000000000ull, 0x4000000000000000ull, mulsd, 4), -1);
    EXPECT_EQ(t, c->xmm[0].q[0], 0xfff0000000000000ull);
}

/* ---- DAZ and FTZ ---- */

static void daz_ftz_cases(struct tcase *t)
{
    static const uint8_t addss[] = { 0xf3, 0x0f, 0x58, 0xc1 }, mulss[] = { 0xf3, 0x0f, 0x59, 0xc1 },
                         minss[] = { 0xf3, 0x0f, 0x5d, 0xc1 };
    fresh_cpu();
    /* DAZ: the denormal is a zero, and DE is not set. */
    EXPECT_EQ(t, run_fp(0x1fc0, 0x80000001, 0x00000000, addss, 4), -1);
    EXPECT(t, c->xmm[0].d[0] == 0 && c->mxcsr == 0x1fc0);
    EXPECT_EQ(t, run_fp(0x1f80, 0x80000001, 0x00000000, addss, 4), -1);
    EXPECT(t, c->xmm[0].d[0] == 0x80000001 && c->mxcsr == 0x1f82);
    EXPECT_EQ(t, run_fp(0x1fc0, 0x3f800000, 0x00000005, minss, 4), -1);      /* returns the zeroed source */
    EXPECT(t, c->xmm[0].d[0] == 0 && c->mxcsr == 0x1fc0);
    /* FTZ: a tiny result, even an exact one, is a signed zero with UE and PE. */
    EXPECT_EQ(t, run_fp(0x9f80, 0x80800000, 0x3f000000, mulss, 4), -1);
    EXPECT(t, c->xmm[0].d[0] == 0x80000000 && c->mxcsr == 0x9fb0);
    /* Tininess after rounding: 2^-126 * (1 - 2^-24) rounds to 2^-126 but
     * is tiny with an unbounded exponent: UE and PE; FTZ flushes it. */
    EXPECT_EQ(t, run_fp(0x1f80, 0x00800000, 0x3f7fffff, mulss, 4), -1);
    EXPECT(t, c->xmm[0].d[0] == 0x00800000 && c->mxcsr == 0x1fb0);
    EXPECT_EQ(t, run_fp(0x9f80, 0x00800000, 0x3f7fffff, mulss, 4), -1);
    EXPECT(t, c->xmm[0].d[0] == 0 && c->mxcsr == 0x9fb0);
    /* (2^25 - 1) * 2^-151 rounds (24 bits, unbounded exponent) up to
     * 2^-126: not tiny after rounding, so no UE and no flush. */
    EXPECT_EQ(t, run_fp(0x1f80, 0x1e918e00, 0x21612000, mulss, 4), -1);
    EXPECT(t, c->xmm[0].d[0] == 0x00800000 && c->mxcsr == 0x1fa0);
    EXPECT_EQ(t, run_fp(0x9f80, 0x1e918e00, 0x21612000, mulss, 4), -1);
    EXPECT(t, c->xmm[0].d[0] == 0x00800000 && c->mxcsr == 0x9fa0);
    /* x - x is +0, and -0 when rounding down. */
    EXPECT_EQ(t, run_fp(0x1f80, 0x3f800000, 0xbf800000, addss, 4), -1);
    EXPECT_EQ(t, c->xmm[0].d[0], 0);
    EXPECT_EQ(t, run_fp(0x3f80, 0x3f800000, 0xbf800000, addss, 4), -1);
    EXPECT_EQ(t, c->xmm[0].d[0], 0x80000000);
}

/* ---- FXSAVE / FXRSTOR ---- */

static void fill(uint64_t pa, uint8_t v, size_t n)
{
    uint8_t b[512];
    memset(b, v, sizeof b);
    put(pa, b, n);
}

static void set_fpu_sample(void)
{
    c->fpu.fcw = 0x037f;
    c->fpu.fsw = 0x3a21;
    c->fpu.ftw = 0xa5;
    c->fpu.fop = 0x07ff;
    c->fpu.fip = 0x1122334455667788ull;
    c->fpu.fdp = 0x99aabbccddeeff00ull;
    c->fpu.fcs = 0x1b;
    c->fpu.fds = 0x23;
    for (int k = 0; k < 8; k++)
        for (int b = 0; b < 10; b++)
            c->fpu.st[k][b] = (uint8_t)(k * 16 + b);
    for (int k = 0; k < 16; k++)
        for (int b = 0; b < 16; b++)
            c->xmm[k].b[b] = (uint8_t)(0x80 + k * 3 + b);
    c->mxcsr = 0x9fe1;
}

static void fxsave_fxrstor(struct tcase *t)
{
    fresh_cpu();
    set_fpu_sample();
    uint8_t img[512];
    c->r[R_AX] = DATA;
    fill(DATA, 0xaa, 512);
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x00), -1);                                   /* fxsave [rax] */
    get(DATA, img, 512);
    static const uint8_t head32[32] = { 0x7f, 0x03, 0x21, 0x3a, 0xa5, 0x00, 0xff, 0x07,
                                        0x88, 0x77, 0x66, 0x55, 0x1b, 0x00, 0x00, 0x00,
                                        0x00, 0xff, 0xee, 0xdd, 0x23, 0x00, 0x00, 0x00,
                                        0xe1, 0x9f, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00 };
    EXPECT(t, !memcmp(img, head32, 32));
    for (int k = 0; k < 8; k++) {
        EXPECT(t, !memcmp(img + 32 + 16 * k, c->fpu.st[k], 10));
        EXPECT(t, img[32 + 16 * k + 10] == 0xaa && img[32 + 16 * k + 15] == 0xaa);
    }
    EXPECT(t, !memcmp(img + 160, c->xmm, 256));                               /* 16 registers in 64-bit mode */
    EXPECT(t, img[416] == 0xaa && img[511] == 0xaa);
    /* FXSAVE64: 64-bit FPU IP and DP. */
    EXPECT_EQ(t, RUN(0x48, 0x0f, 0xae, 0x00), -1);
    get(DATA, img, 512);
    uint64_t ip, dp;
    memcpy(&ip, img + 8, 8);
    memcpy(&dp, img + 16, 8);
    EXPECT(t, ip == 0x1122334455667788ull && dp == 0x99aabbccddeeff00ull);
    /* FXRSTOR of a modified image. */
    img[0] = 0x7f, img[1] = 0x02;               /* FCW */
    img[4] = 0x3c;                               /* abridged tag */
    uint32_t mx = 0x1f80 | 0x40;
    memcpy(img + 24, &mx, 4);
    img[32] = 0x42;
    img[160 + 15 * 16] = 0x99;
    memset(img + 8, 0x11, 16);
    put(DATA, img, 512);
    EXPECT_EQ(t, RUN(0x48, 0x0f, 0xae, 0x08), -1);                             /* fxrstor64 [rax] */
    EXPECT(t, c->fpu.fcw == 0x027f && c->fpu.ftw == 0x3c && c->mxcsr == 0x1fc0);
    EXPECT(t, c->fpu.st[0][0] == 0x42 && c->xmm[15].b[0] == 0x99);
    EXPECT(t, c->fpu.fip == 0x1111111111111111ull && c->fpu.fdp == 0x1111111111111111ull);
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x08), -1);                                   /* 32-bit layout */
    EXPECT(t, c->fpu.fip == 0x11111111 && c->fpu.fcs == 0x1111 && c->fpu.fdp == 0x11111111 && c->fpu.fds == 0x1111);
    /* Reserved MXCSR bits: #GP(0) and nothing loaded. */
    mx = 0x10000;
    memcpy(img + 24, &mx, 4);
    img[0] = 0x00;
    put(DATA, img, 512);
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x08), EXC_GP);
    EXPECT(t, c->fpu.fcw == 0x027f && c->mxcsr == 0x1fc0);
    /* Misaligned operands. */
    c->r[R_AX] = DATA + 8;
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x00), EXC_GP);
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x08), EXC_GP);
    /* Without CR4.OSFXSR: no MXCSR and no XMM registers. */
    c->r[R_AX] = DATA;
    fill(DATA, 0xaa, 512);
    c->cr4 &= ~CR4_OSFXSR;
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x00), -1);
    get(DATA, img, 512);
    EXPECT(t, img[24] == 0xaa && img[31] == 0xaa && img[160] == 0xaa && img[0] == 0x7f);
    c->cr4 |= CR4_OSFXSR;
    /* An image crossing into a non-present page: #PF, nothing written. */
    c->r[R_AX] = XPAGE + 0xf00;
    fill(XPAGE + 0xf00, 0x55, 256);
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x00), EXC_PF);
    get(XPAGE + 0xf00, img, 256);
    EXPECT(t, img[0] == 0x55 && img[255] == 0x55);
}

static void ldmxcsr_stmxcsr(struct tcase *t)
{
    fresh_cpu();
    uint32_t v = 0x7f3f;   /* all flags, DAZ, masks partly clear, RC = 11 */
    put(DATA, &v, 4);
    c->r[R_AX] = DATA;
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x10), -1);                                   /* ldmxcsr [rax]: no #XM */
    EXPECT_EQ(t, c->mxcsr, 0x7f3f);
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x5c, 0x24, 0xf0), -1);                       /* stmxcsr [rsp-16] */
    uint32_t back = 0;
    get(0x9000 - 16, &back, 4);
    EXPECT_EQ(t, back, 0x7f3f);
    v = 0x00011f80;
    put(DATA, &v, 4);
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x10), EXC_GP);
    EXPECT_EQ(t, c->stopped_error, 0);
    EXPECT_EQ(t, c->mxcsr, 0x7f3f);
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0xd0), EXC_UD);                               /* register form */
}

/* ---- conversions with MMX operands ---- */

static void cvt_mmx_forms(struct tcase *t)
{
    fresh_cpu();
    c->mxcsr = 0x1f80;
    set_mm(1, ((uint64_t)(uint32_t)-3 << 32) | 16777217u);
    c->xmm[0].q[0] = 0, c->xmm[0].q[1] = 0x5555;
    c->fpu.ftw = 0;
    EXPECT_EQ(t, RUN(0x0f, 0x2a, 0xc1), -1);                                   /* cvtpi2ps xmm0, mm1 */
    EXPECT(t, c->xmm[0].d[0] == 0x4b800000 && c->xmm[0].d[1] == 0xc0400000 && c->xmm[0].q[1] == 0x5555);
    EXPECT(t, c->mxcsr == 0x1fa0 && c->fpu.ftw == 0xff);
    c->fpu.ftw = 0;
    uint64_t src = 7;
    put(DATA, &src, 8);
    c->r[R_AX] = DATA;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x2a, 0x00), -1);                             /* cvtpi2pd xmm0, [rax]: no transition */
    EXPECT(t, c->xmm[0].q[0] == 0x401c000000000000ull && c->xmm[0].q[1] == 0 && c->fpu.ftw == 0);
    c->xmm[1].d[0] = 0x3fc00000;    /* 1.5 */
    c->xmm[1].d[1] = 0xc0200000;    /* -2.5 */
    c->mxcsr = 0x1f80;
    EXPECT_EQ(t, RUN(0x0f, 0x2d, 0xd1), -1);                                   /* cvtps2pi mm2, xmm1 */
    EXPECT_EQ(t, mm_reg(2), ((uint64_t)(uint32_t)-2 << 32) | 2);
    EXPECT_EQ(t, RUN(0x0f, 0x2c, 0xd1), -1);                                   /* cvttps2pi */
    EXPECT_EQ(t, mm_reg(2), ((uint64_t)(uint32_t)-2 << 32) | 1);
    c->xmm[1].q[0] = 0x41e0000000000000ull;   /* 2^31: out of range */
    c->xmm[1].q[1] = 0xc1e0000000000000ull;   /* -2^31: in range */
    c->mxcsr = 0x1f80;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x2d, 0xd1), -1);                             /* cvtpd2pi mm2, xmm1 */
    EXPECT_EQ(t, mm_reg(2), 0x8000000080000000ull);
    EXPECT_EQ(t, c->mxcsr, 0x1f81);
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x2c, 0xd1), -1);                             /* cvttpd2pi */
    c->fpu.fsw = 0x80;
    EXPECT_EQ(t, RUN(0x0f, 0x2a, 0xc1), EXC_MF);                               /* pending x87 exception */
    EXPECT_EQ(t, RUN(0x0f, 0x2a, 0x00), -1);                                   /* memory form: no #MF */
    c->fpu.fsw = 0;
}

/* RCPPS/RSQRTPS: within the SDM's 1.5 * 2^-12 relative error, the
 * special cases of the instruction pages, and no MXCSR change. */
static void rcp_rsqrt_bounds(struct tcase *t)
{
    fresh_cpu();
    for (int it = 0; it < FUZZ && !t->failed; it++) {
        uint32_t x = (uint32_t)(rnd() & 0x7fffffff);
        if ((x >> 23) == 0 || (x >> 23) >= 0xfd)
            x = 0x3f800000 | (x & 0x7fffff);
        c->xmm[1].d[0] = x;
        c->mxcsr = 0x1f80;
        EXPECT_EQ(t, RUN(0xf3, 0x0f, 0x53, 0xc1, 0xf3, 0x0f, 0x52, 0xd1), -1);   /* rcpss xmm0; rsqrtss xmm2 */
        float fx, r1, r2;
        memcpy(&fx, &x, 4);
        memcpy(&r1, &c->xmm[0].d[0], 4);
        memcpy(&r2, &c->xmm[2].d[0], 4);
        double e1 = (double)r1 * fx - 1, e2 = (double)r2 * (double)r2 * fx - 1;
        EXPECT(t, e1 < 1.5 / 4096 && e1 > -1.5 / 4096);
        EXPECT(t, e2 < 3.0 / 4096 && e2 > -3.0 / 4096);
        EXPECT_EQ(t, c->mxcsr, 0x1f80);
    }
    static const uint32_t in[] = { 0x00000000, 0x80000000, 0x7f800000, 0x00000001, 0xbf800000, 0x7f800001 };
    static const uint32_t rcp[] = { 0x7f800000, 0xff800000, 0x00000000, 0x7f800000, 0xbf800000, 0x7fc00001 };
    static const uint32_t rsq[] = { 0x7f800000, 0xff800000, 0x00000000, 0x7f800000, 0xffc00000, 0x7fc00001 };
    for (int k = 0; k < 6; k++) {
        c->xmm[1].d[0] = in[k];
        EXPECT_EQ(t, RUN(0xf3, 0x0f, 0x53, 0xc1, 0xf3, 0x0f, 0x52, 0xd1), -1);
        EXPECT_EQ(t, c->xmm[0].d[0], rcp[k]);
        EXPECT_EQ(t, c->xmm[2].d[0], rsq[k]);
    }
    c->xmm[1].d[0] = 0x7f000000;   /* 2^127: the reciprocal is tiny and flushed */
    EXPECT_EQ(t, RUN(0xf3, 0x0f, 0x53, 0xc1), -1);
    EXPECT_EQ(t, c->xmm[0].d[0], 0);
}

/* MASKMOVDQU / MASKMOVQ to DS:RDI. */
static void masked_stores(struct tcase *t)
{
    fresh_cpu();
    fill(DATA, 0x11, 32);
    c->r[R_DI] = DATA + 1;
    c->xmm[0].q[0] = 0x0807060504030201ull, c->xmm[0].q[1] = 0x100f0e0d0c0b0a09ull;
    c->xmm[1].q[0] = 0x80000000000000ffull, c->xmm[1].q[1] = 0x7f80000000000000ull;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xf7, 0xc1), -1);
    uint8_t b[32];
    get(DATA, b, 32);
    EXPECT(t, b[0] == 0x11 && b[1] == 0x01 && b[2] == 0x11 && b[8] == 0x08 && b[15] == 0x0f && b[16] == 0x11);
    set_mm(2, 0xaabbccddeeff0011ull);
    set_mm(3, 0x0000000000008000ull);
    c->r[R_DI] = DATA + 20;
    EXPECT_EQ(t, RUN(0x0f, 0xf7, 0xd3), -1);                                   /* maskmovq mm2, mm3 */
    get(DATA, b, 32);
    EXPECT(t, b[20] == 0x11 && b[21] == 0x00 && b[22] == 0x11);
    /* An all-zero mask accesses nothing; otherwise the range is checked. */
    c->r[R_DI] = XPAGE + 0x1000;
    set_mm(3, 0);
    EXPECT_EQ(t, RUN(0x0f, 0xf7, 0xd3), -1);
    c->r[R_DI] = XPAGE + 0xffc;
    set_mm(3, 0x80);
    fill(XPAGE + 0xffc, 0x33, 4);
    EXPECT_EQ(t, RUN(0x0f, 0xf7, 0xd3), EXC_PF);
    get(XPAGE + 0xffc, b, 4);
    EXPECT_EQ(t, b[0], 0x33);
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0xf7, 0x01), EXC_UD);                         /* memory form */
}

/* 32-bit protected mode (flat, paging off): no REX, XMM0-7 only in the
 * FXSAVE image, 16-bit addressing with 67h, segment limits. */
static void legacy_mode_forms(struct tcase *t)
{
    fresh_cpu();
    cpu_set_flat32(c);
    c->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    union xmm one = { .d = { 0x3f800000, 0x40000000, 0x40400000, 0x40800000 } };
    put(DATA, &one, 16);
    c->r[R_AX] = DATA;
    c->xmm[0] = one;
    EXPECT_EQ(t, RUN(0x0f, 0x58, 0x00), -1);                                   /* addps xmm0, [eax] */
    EXPECT(t, c->xmm[0].d[0] == 0x40000000 && c->xmm[0].d[3] == 0x41000000);
    c->r[R_CX] = 0x12345678;
    EXPECT_EQ(t, RUN(0x66, 0x0f, 0x6e, 0xc1), -1);                             /* movd xmm0, ecx */
    EXPECT(t, c->xmm[0].q[0] == 0x12345678 && c->xmm[0].q[1] == 0);
    put(0x7000, &one, 16);
    c->r[R_BX] = 0xdead7000;                                                   /* only BX counts */
    EXPECT_EQ(t, RUN(0x67, 0x0f, 0x28, 0x0f), -1);                             /* movaps xmm1, [bx] */
    EXPECT(t, !memcmp(&c->xmm[1], &one, 16));
    set_fpu_sample();
    fill(DATA, 0xaa, 512);
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x00), -1);                                   /* fxsave [eax] */
    uint8_t img[512];
    get(DATA, img, 512);
    EXPECT(t, !memcmp(img + 160, c->xmm, 128) && img[288] == 0xaa && img[415] == 0xaa);
    memset(img + 160, 0, 256);
    put(DATA, img, 512);
    EXPECT_EQ(t, RUN(0x0f, 0xae, 0x08), -1);                                   /* fxrstor: XMM8-15 untouched */
    EXPECT(t, c->xmm[7].q[0] == 0 && c->xmm[8].b[0] == 0x80 + 8 * 3);
    /* A 16-byte operand past the DS limit: #GP(0); past the SS limit: #SS(0). */
    c->mxcsr = 0x1f80;
    c->seg[S_DS].limit = DATA + 8;
    EXPECT_EQ(t, RUN(0x0f, 0x10, 0x00), EXC_GP);                               /* movups xmm0, [eax] */
    c->seg[S_SS].limit = DATA + 8;
    c->r[R_BP] = DATA;
    EXPECT_EQ(t, RUN(0x0f, 0x10, 0x45, 0x00), EXC_SS);                         /* movups xmm0, [ebp+0] */
    EXPECT_EQ(t, c->stopped_error, 0);
}

int main(void)
{
    if (!harness_open("test_sse"))
        return 1;
    static const struct test tests[] = {
        TEST(fp_matches_host),
        TEST(cvt_gpr_matches_host),
        TEST(comis_matches_host),
        TEST(int_xmm_matches_host),
        TEST(int_mmx_matches_host),
        TEST(shuffles_and_inserts),
        TEST(shift_imm_forms),
        TEST(moves_and_alignment),
        TEST(mmx_x87_state),
        TEST(availability_faults),
        TEST(unmasked_exceptions),
        TEST(daz_ftz_cases),
        TEST(fxsave_fxrstor),
        TEST(ldmxcsr_stmxcsr),
        TEST(cvt_mmx_forms),
        TEST(rcp_rsqrt_bounds),
        TEST(masked_stores),
        TEST(legacy_mode_forms),
    };
    int st = RUN_TESTS(tests);
    machine_free(m);
    return st;
}
