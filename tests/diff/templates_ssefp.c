/* Template family "ssefp": SSE/SSE2 floating point. Only operations whose
 * results the SDM defines exactly: IEEE add/sub/mul/div/sqrt (correctly
 * rounded under MXCSR.RC), MIN/MAX (the second operand on NaN or equal
 * zeros — SDM "MINPS"), CMPcc, COMISS/UCOMISS (ZF PF CF; OF SF AF cleared),
 * the conversions (the "integer indefinite" 80000000H on overflow/NaN),
 * shuffles, unpacks and the scalar/half moves, LDMXCSR/STMXCSR. Not
 * generated: RCPPS/RSQRTPS/RCPSS/RSQRTSS, whose approximations the SDM
 * leaves to the implementation (relative error <= 1.5 * 2^-12).
 *
 * Inputs: special values (signed zeros, denormals, infinities, quiet and
 * signalling NaNs with payloads, the largest/smallest normals, rounding
 * ties, integer-conversion boundaries) and random ones; MXCSR with a random
 * rounding mode, FTZ and DAZ, sometimes unmasked exceptions (#XM, vector 19)
 * and sticky flags already set. */
#include <stdio.h>
#include <string.h>

#include "tpl.h"

enum { FK_XX, FK_XX_IB, FK_XG, FK_GX, FK_MX, FK_MXCSR };

struct fpdef {
    const char *name;
    uint8_t pfx;      /* 0, 0x66, 0xf3, 0xf2 */
    uint8_t op;       /* 0F op (0F AE for the MXCSR group) */
    int8_t ext;       /* /digit, -1 */
    uint8_t kind;
    uint8_t msize;    /* memory operand size */
    uint8_t esize;    /* element size of the inputs: 4 or 8 */
    bool align;       /* m128 must be aligned */
    bool flags;       /* writes ZF PF CF, clears OF SF AF */
    bool regonly;     /* no memory form */
};

#define P(n, o, k, m, e) { n, 0, o, -1, k, m, e, m == 16, false, false }
#define D(n, o, k, m, e) { n, 0x66, o, -1, k, m, e, m == 16, false, false }
#define S(n, o, k, m, e) { n, 0xf3, o, -1, k, m, e, false, false, false }
#define T(n, o, k, m, e) { n, 0xf2, o, -1, k, m, e, false, false, false }
static const struct fpdef fpdefs[] = {
    P("addps", 0x58, FK_XX, 16, 4), P("mulps", 0x59, FK_XX, 16, 4), P("subps", 0x5c, FK_XX, 16, 4),
    P("minps", 0x5d, FK_XX, 16, 4), P("divps", 0x5e, FK_XX, 16, 4), P("maxps", 0x5f, FK_XX, 16, 4),
    P("sqrtps", 0x51, FK_XX, 16, 4), P("cmpps", 0xc2, FK_XX_IB, 16, 4), P("shufps", 0xc6, FK_XX_IB, 16, 4),
    P("unpcklps", 0x14, FK_XX, 16, 4), P("unpckhps", 0x15, FK_XX, 16, 4),
    P("cvtps2pd", 0x5a, FK_XX, 8, 4), P("cvtdq2ps", 0x5b, FK_XX, 16, 4),
    S("addss", 0x58, FK_XX, 4, 4), S("mulss", 0x59, FK_XX, 4, 4), S("subss", 0x5c, FK_XX, 4, 4),
    S("minss", 0x5d, FK_XX, 4, 4), S("divss", 0x5e, FK_XX, 4, 4), S("maxss", 0x5f, FK_XX, 4, 4),
    S("sqrtss", 0x51, FK_XX, 4, 4), S("cmpss", 0xc2, FK_XX_IB, 4, 4), S("cvtss2sd", 0x5a, FK_XX, 4, 4),
    S("cvttps2dq", 0x5b, FK_XX, 16, 4), S("cvtsi2ss", 0x2a, FK_XG, 4, 4), S("cvttss2si", 0x2c, FK_GX, 4, 4),
    S("cvtss2si", 0x2d, FK_GX, 4, 4), S("movss", 0x10, FK_XX, 4, 4), S("movss", 0x11, FK_MX, 4, 4),
    S("cvtdq2pd", 0xe6, FK_XX, 8, 4),
    D("addpd", 0x58, FK_XX, 16, 8), D("mulpd", 0x59, FK_XX, 16, 8), D("subpd", 0x5c, FK_XX, 16, 8),
    D("minpd", 0x5d, FK_XX, 16, 8), D("divpd", 0x5e, FK_XX, 16, 8), D("maxpd", 0x5f, FK_XX, 16, 8),
    D("sqrtpd", 0x51, FK_XX, 16, 8), D("cmppd", 0xc2, FK_XX_IB, 16, 8), D("shufpd", 0xc6, FK_XX_IB, 16, 8),
    D("unpcklpd", 0x14, FK_XX, 16, 8), D("unpckhpd", 0x15, FK_XX, 16, 8),
    D("cvtpd2ps", 0x5a, FK_XX, 16, 8), D("cvtps2dq", 0x5b, FK_XX, 16, 4), D("cvttpd2dq", 0xe6, FK_XX, 16, 8),
    D("movapd", 0x28, FK_XX, 16, 8), D("movupd", 0x10, FK_XX, 16, 8),
    T("addsd", 0x58, FK_XX, 8, 8), T("mulsd", 0x59, FK_XX, 8, 8), T("subsd", 0x5c, FK_XX, 8, 8),
    T("minsd", 0x5d, FK_XX, 8, 8), T("divsd", 0x5e, FK_XX, 8, 8), T("maxsd", 0x5f, FK_XX, 8, 8),
    T("sqrtsd", 0x51, FK_XX, 8, 8), T("cmpsd", 0xc2, FK_XX_IB, 8, 8), T("cvtsd2ss", 0x5a, FK_XX, 8, 8),
    T("cvtpd2dq", 0xe6, FK_XX, 16, 8), T("cvtsi2sd", 0x2a, FK_XG, 4, 8), T("cvttsd2si", 0x2c, FK_GX, 8, 8),
    T("cvtsd2si", 0x2d, FK_GX, 8, 8), T("movsd", 0x10, FK_XX, 8, 8), T("movsd", 0x11, FK_MX, 8, 8),
    { "comiss", 0, 0x2f, -1, FK_XX, 4, 4, false, true, false },
    { "ucomiss", 0, 0x2e, -1, FK_XX, 4, 4, false, true, false },
    { "comisd", 0x66, 0x2f, -1, FK_XX, 8, 8, false, true, false },
    { "ucomisd", 0x66, 0x2e, -1, FK_XX, 8, 8, false, true, false },
    { "movhlps", 0, 0x12, -1, FK_XX, 0, 4, false, false, true },
    { "movlhps", 0, 0x16, -1, FK_XX, 0, 4, false, false, true },
    { "movmskps", 0, 0x50, -1, FK_GX, 0, 4, false, false, true },
    { "movmskpd", 0x66, 0x50, -1, FK_GX, 0, 8, false, false, true },
    { "movlps", 0, 0x13, -1, FK_MX, 8, 4, false, false, false },
    { "movhps", 0, 0x17, -1, FK_MX, 8, 4, false, false, false },
    { "movlpd", 0x66, 0x13, -1, FK_MX, 8, 8, false, false, false },
    { "movhpd", 0x66, 0x17, -1, FK_MX, 8, 8, false, false, false },
    { "ldmxcsr", 0, 0xae, 2, FK_MXCSR, 4, 4, false, false, false },
    { "stmxcsr", 0, 0xae, 3, FK_MXCSR, 4, 4, false, false, false },
};
#undef P
#undef D
#undef S
#undef T
static const int nfpdefs = (int)(sizeof fpdefs / sizeof fpdefs[0]);

static uint32_t f32_special(struct rng *r)
{
    static const uint32_t v[] = {
        0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x40000000, 0x40400000,
        0x3eaaaaab, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x80800000, 0x7f800000, 0xff800000,
        0x7fc00000, 0xffc00000, 0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x3fc00000,
        0x40200000, 0x4effffff, 0xcf000001,
    };
    switch (rng_below(r, 6)) {
    case 0: return (uint32_t)rng_below(r, 0x800000) | (rng_chance(r, 2) ? 0x80000000u : 0);   /* denormal */
    case 1: return 0x7f800000u | (uint32_t)(1 + rng_below(r, 0x3fffff)) | (rng_chance(r, 2) ? 0x80000000u : 0); /* SNaN */
    case 2: return 0x7fc00000u | (uint32_t)rng_below(r, 0x400000) | (rng_chance(r, 2) ? 0x80000000u : 0);      /* QNaN */
    case 3: return (uint32_t)rng_next(r);
    default: return v[rng_below(r, sizeof v / sizeof v[0])];
    }
}

static uint64_t f64_special(struct rng *r)
{
    static const uint64_t v[] = {
        0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3fe0000000000000ull,
        0x4000000000000000ull, 0x3fd5555555555555ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
        0x0010000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
        0xfff8000000000000ull, 0x41e0000000000000ull, 0xc1e0000000000000ull, 0x43e0000000000000ull,
        0xc3e0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull, 0x41dfffffffc00000ull,
        0x36a0000000000000ull, 0x47efffffe0000000ull, 0x3810000000000000ull,
    };
    switch (rng_below(r, 6)) {
    case 0: return rng_below(r, 1ull << 52) | (rng_chance(r, 2) ? 1ull << 63 : 0);
    case 1: return 0x7ff0000000000000ull | (1 + rng_below(r, (1ull << 51) - 1)) | (rng_chance(r, 2) ? 1ull << 63 : 0);
    case 2: return 0x7ff8000000000000ull | rng_below(r, 1ull << 51) | (rng_chance(r, 2) ? 1ull << 63 : 0);
    case 3: return rng_next(r);
    default: return v[rng_below(r, sizeof v / sizeof v[0])];
    }
}

static uint64_t lane_value(struct rng *r, int esize)
{
    if (esize == 8)
        return f64_special(r);
    return (uint64_t)f32_special(r) | (uint64_t)f32_special(r) << 32;
}

/* A random valid MXCSR: rounding, FTZ, DAZ, masks, sticky flags. */
static uint32_t mxcsr_value(struct rng *r)
{
    uint32_t m = 0x1f80;
    m |= (uint32_t)rng_below(r, 4) << 13;           /* RC */
    if (rng_chance(r, 4)) m |= 0x8000;              /* FTZ */
    if (rng_chance(r, 4)) m |= 0x0040;              /* DAZ */
    if (rng_chance(r, 5)) m &= ~((uint32_t)rng_next(r) & 0x1f80);   /* unmask some */
    if (rng_chance(r, 4)) m |= (uint32_t)rng_next(r) & 0x3f;        /* sticky flags */
    return m;
}

static bool ssefp_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct dcase *c = t->c;
    const struct fpdef *d = &fpdefs[cell % (unsigned)nfpdefs];
    int variant = (int)(cell / (unsigned)nfpdefs);      /* 0 reg, 1 mem */
    bool mem = variant == 1 && !d->regonly;
    int x1 = (int)rng_below(r, 16), x2 = (int)rng_below(r, 16);
    c->init.mxcsr = mxcsr_value(r);
    for (int i = 0; i < 16; i++) {
        c->init.xmm[i][0] = lane_value(r, d->esize);
        c->init.xmm[i][1] = lane_value(r, d->esize);
    }
    if (rng_chance(r, 4))
        c->init.xmm[x2][0] = c->init.xmm[x1][0];      /* equal operands */
    struct ginsn g;
    ginsn_init(&g, MN_SSE);
    g.need = FEAT_SSE2;
    if (d->flags) {
        g.fdef = FL_ARITH;
        g.fundef = 0;
    }
    unsigned f = (d->pfx == 0x66 ? E_66 : d->pfx == 0xf3 ? E_F3 : d->pfx == 0xf2 ? E_F2 : 0);
    uint8_t opc[2] = { 0x0f, d->op };
    struct encreq q = { .flags = f, .opc = opc, .nopc = 2, .opreg = -1 };
    uint64_t a = 0;
    if (mem || d->kind == FK_MXCSR) {
        int msz = d->msize ? d->msize : 16;
        a = rng_chance(r, 8) ? (DIFF_DATA + 0x1000 + rng_below(r, 0x1000)) | 4   /* misaligned */
                             : t_addr(t, msz, msz == 16 ? 16 : 0, true);
        for (int k = 0; k < msz; k += 8)
            case_poke(c, a + (uint64_t)k, lane_value(r, d->esize), msz - k < 8 ? msz - k : 8);
    }
    struct opnd m = (mem || d->kind == FK_MXCSR) ? t_mem(t, a) : op_xmm(x2);
    bool w = rng_chance(r, 2);
    const char *sz = "";
    switch (d->kind) {
    case FK_XX: case FK_XX_IB:
        q.reg = x1;
        q.rm = m;
        if (d->kind == FK_XX_IB) {
            q.immsz = 1;
            q.imm = d->op == 0xc2 ? rng_below(r, 8) : rng_next(r) & 0xff;
        }
        break;
    case FK_MX:
        if (!mem && (d->op == 0x13 || d->op == 0x17))
            m = t_mem(t, a = t_addr(t, 8, 0, true));     /* MOVLPS/MOVHPS stores: memory only */
        q.reg = x1;
        q.rm = m;
        break;
    case FK_XG: {                                        /* cvtsi2ss/sd xmm, r/m32|64 */
        q.reg = x1;
        if (w) q.flags |= E_W;
        if (mem) {
            case_poke(c, a, pool_value(r, 8), 8);
            q.rm = m;
        } else {
            int g1 = t_reg(t);
            c->init.r[g1] = pool_value(r, 8);
            q.rm = op_reg(g1);
        }
        sz = w ? " (64-bit source)" : "";
        break;
    }
    case FK_GX: {                                        /* cvt*2si / movmsk r, xmm/m */
        int g1 = t_reg(t);
        if (w && d->op != 0x50) q.flags |= E_W;
        q.reg = g1;
        q.rm = mem ? m : op_xmm(x2);
        sz = w && d->op != 0x50 ? " (64-bit result)" : "";
        break;
    }
    default:                                             /* ldmxcsr / stmxcsr */
        q.reg = d->ext;
        q.rm = m;
        if (d->ext == 2)
            case_poke(c, a, rng_chance(r, 6) ? (uint32_t)rng_next(r) : mxcsr_value(r), 4);   /* invalid bits: #GP(0) */
        break;
    }
    if (!enc(&g, &q))
        return false;
    char o1[48];
    if (d->kind == FK_MXCSR || d->kind == FK_MX)
        fmt_opnd(o1, sizeof o1, &q.rm, d->msize);
    else
        snprintf(o1, sizeof o1, "%s", "");
    snprintf(g.text, sizeof g.text, "%s %s%s%s (mxcsr %#x)%s", d->name,
             d->kind == FK_MXCSR ? o1 : "",
             d->kind == FK_MXCSR ? "" : (mem ? "mem" : "reg"),
             d->kind == FK_XX_IB ? ", imm" : "", c->init.mxcsr, sz);
    return t_add(t, &g);
}

void fam_ssefp(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    for (int tries = 0;; tries++) {
        t_begin(&t, c, r, "ssefp");
        if (ssefp_one(&t, (unsigned)(i % (uint64_t)(2 * nfpdefs))) || tries > 200)
            break;
    }
    case_finish(c);
}
