/* Template family "x87": load operands (FLD m32/m64/m80, FILD, FBLD,
 * constants), one operation, then store results (FSTP m80/m64/m32, FISTP,
 * FBSTP) and FNSTSW AX; the x87 state itself (FCW, FSW, tags, valid
 * registers) is compared too. Sometimes FLDCW first: rounding control,
 * precision control, unmasked exceptions (#MF at the next waiting
 * instruction, vector 16, with CR0.NE = 1 as under Linux).
 *
 * Only operations whose results the SDM defines exactly: +, -, *, /, FSQRT,
 * FPREM/FPREM1, FRNDINT, FSCALE, FXTRACT, FABS/FCHS, compares, FXAM, FTST,
 * FCMOVcc, loads, stores and conversions. Not generated: FSIN FCOS FSINCOS
 * FPTAN FPATAN F2XM1 FYL2X FYL2XP1 (the SDM gives accuracy bounds, not
 * results), FISTTP (SSE3, not advertised by vtx).
 *
 * Host limits (AMD), so not generated: unmasked invalid-operation,
 * denormal and zero-divide exceptions — the SDM (Vol. 1 "Denormal Operand
 * Exception (#D)", "FCOM/FCOMP/FCOMPP": "If the invalid-operation exception
 * is unmasked, the condition code flags are not set") leaves TOP, the
 * operands and the condition codes unchanged, while this host still pushes
 * the loaded value, compares, or sets C3 C2 C0 = 111; and pseudo-denormal
 * operands (this host returns them normalized from FPREM). Only overflow,
 * underflow and precision exceptions are ever unmasked here.
 *
 * Condition codes: after the arithmetic instructions and after stores the
 * SDM leaves C0, C2 and C3 undefined (each page's "FPU Flags Affected"), so
 * the final FSW compare masks them; compare-type operations are followed
 * at once by FNSTSW AX, where all four are defined. */
#include <stdio.h>
#include <string.h>

#include "tpl.h"

#define C0 0x0100u
#define C1 0x0200u
#define C2 0x0400u
#define C3 0x4000u

static void rand80(struct rng *r, uint8_t out[10])
{
    uint64_t m;
    uint16_t e;
    switch (rng_below(r, 10)) {
    case 0: m = 0; e = 0; break;                                           /* zero */
    case 1: m = rng_next(r) >> 1; e = 0; break;                            /* denormal */
    case 2: m = 1ull << 63; e = 0x7fff; break;                             /* infinity */
    case 3: m = (3ull << 62) | (rng_next(r) >> 2); e = 0x7fff; break;      /* QNaN */
    case 4: m = (1ull << 63) | (1 + (rng_next(r) >> 3)); e = 0x7fff; break; /* SNaN */
    case 5: m = rng_next(r) >> (1 + rng_below(r, 60)); e = 0; break;       /* small denormal */
    case 6: m = rng_next(r) >> 1; e = (uint16_t)(1 + rng_below(r, 0x7ffe)); break; /* unnormal */
    case 7: m = 1ull << 63; e = (uint16_t)(0x3fff + rng_below(r, 64) - 32); break;  /* powers of two */
    default: m = (1ull << 63) | rng_next(r); e = (uint16_t)(0x3fff + rng_below(r, 200) - 100); break;
    }
    if (rng_chance(r, 2))
        e |= 0x8000;
    memcpy(out, &m, 8);
    memcpy(out + 8, &e, 2);
}

static uint64_t rand_f64(struct rng *r)
{
    static const uint64_t v[] = { 0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0x7ff0000000000000ull,
                                  0x7ff8000000000001ull, 0x7ff0000000000001ull, 0x0000000000000001ull,
                                  0x3fe0000000000000ull, 0x4004000000000000ull, 0x43e0000000000000ull };
    if (rng_chance(r, 3))
        return v[rng_below(r, sizeof v / sizeof v[0])] | (rng_chance(r, 2) ? 1ull << 63 : 0);
    uint64_t e = 0x3ff + rng_below(r, 120) - 60;
    return (e << 52) | (rng_next(r) >> 12) | (rng_chance(r, 2) ? 1ull << 63 : 0);
}

/* An x87 instruction with a memory operand [rbx+disp8] (rbx = memory base). */
static bool xm(struct t *t, const char *text, uint8_t op, int digit, int32_t disp)
{
    struct ginsn g;
    ginsn_init(&g, MN_NOP);
    struct encreq q = { .opc = &op, .nopc = 1, .reg = digit, .rm = op_mem(3, NOREG, 0, disp), .opreg = -1 };
    if (!enc(&g, &q))
        return false;
    snprintf(g.text, sizeof g.text, "%s [rbx%+d]", text, disp);
    return t_add(t, &g);
}

/* A register-form x87 instruction: two bytes. */
static bool xr(struct t *t, const char *text, uint8_t b0, uint8_t b1)
{
    struct ginsn g;
    ginsn_init(&g, MN_NOP);
    g.b[0] = b0;
    g.b[1] = b1;
    g.n = 2;
    snprintf(g.text, sizeof g.text, "%s", text);
    return t_add(t, &g);
}

/* Loads one operand (a random kind) from [rbx+disp]. */
static bool load(struct t *t, int32_t disp)
{
    struct rng *r = t->r;
    uint64_t a = t->c->init.r[3] + (uint64_t)(int64_t)disp;
    uint8_t v80[10];
    switch (rng_below(r, 9)) {
    case 0: case 1:
        rand80(r, v80);
        for (int i = 0; i < 10; i++) case_poke(t->c, a + (uint64_t)i, v80[i], 1);
        return xm(t, "fld tbyte", 0xdb, 5, disp);
    case 2: case 3:
        case_poke(t->c, a, rand_f64(r), 8);
        return xm(t, "fld qword", 0xdd, 0, disp);
    case 4:
        case_poke(t->c, a, (uint32_t)rng_next(r), 4);
        return xm(t, "fld dword", 0xd9, 0, disp);
    case 5:
        case_poke(t->c, a, pool_value(r, 8), 8);
        return xm(t, "fild qword", 0xdf, 5, disp);
    case 6:
        case_poke(t->c, a, pool_value(r, 4), 4);
        return xm(t, "fild dword", 0xdb, 0, disp);
    case 7:
        case_poke(t->c, a, pool_value(r, 2), 2);
        return xm(t, "fild word", 0xdf, 0, disp);
    default: {
        static const char *const names[7] = { "fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz" };
        int k = (int)rng_below(r, 7);
        return xr(t, names[k], 0xd9, (uint8_t)(0xe8 + k));
    }
    }
}

static bool x87_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct dcase *c = t->c;
    c->init.r[3] = DIFF_MEMBASE;
    t->used = 0xffff;
    c->fsw_undef = C0 | C2 | C3;
    /* Control word: random RC and PC (not the reserved PC = 01),
     * exceptions masked unless chosen otherwise. */
    if (rng_chance(r, 2)) {
        static const uint16_t pc[3] = { 0x000, 0x200, 0x300 };
        uint16_t cw = (uint16_t)(0x0040 | 0x3f | pc[rng_below(r, 3)] | (uint16_t)(rng_below(r, 4) << 10));
        if (rng_chance(r, 6))
            cw &= (uint16_t)~(rng_next(r) & 0x38);    /* OM UM PM only */
        case_poke(c, DIFF_MEMBASE - 0x10, cw, 2);
        if (!xm(t, "fldcw word", 0xd9, 5, -0x10))
            return false;
    }
    if (!load(t, 0x20) || !load(t, 0x40))
        return false;
    /* ST(0) = second operand loaded, ST(1) = first. */
    static const struct { const char *name; uint8_t b0, b1; bool cmp; } regops[] = {
        { "fadd st0, st1", 0xd8, 0xc1, false }, { "fmul st0, st1", 0xd8, 0xc9, false },
        { "fsub st0, st1", 0xd8, 0xe1, false }, { "fsubr st0, st1", 0xd8, 0xe9, false },
        { "fdiv st0, st1", 0xd8, 0xf1, false }, { "fdivr st0, st1", 0xd8, 0xf9, false },
        { "faddp st1, st0", 0xde, 0xc1, false }, { "fsubp st1, st0", 0xde, 0xe9, false },
        { "fmulp st1, st0", 0xde, 0xc9, false }, { "fdivp st1, st0", 0xde, 0xf9, false },
        { "fsqrt", 0xd9, 0xfa, false }, { "fabs", 0xd9, 0xe1, false }, { "fchs", 0xd9, 0xe0, false },
        { "frndint", 0xd9, 0xfc, false }, { "fxtract", 0xd9, 0xf4, false }, { "fscale", 0xd9, 0xfd, false },
        { "fprem", 0xd9, 0xf8, true }, { "fprem1", 0xd9, 0xf5, true }, { "fxch st1", 0xd9, 0xc9, false },
        { "fcom st1", 0xd8, 0xd1, true }, { "fcomp st1", 0xd8, 0xd9, true }, { "fcompp", 0xde, 0xd9, true },
        { "fucom st1", 0xdd, 0xe1, true }, { "fucomp st1", 0xdd, 0xe9, true }, { "fucompp", 0xda, 0xe9, true },
        { "ftst", 0xd9, 0xe4, true }, { "fxam", 0xd9, 0xe5, true },
        { "fcomi st0, st1", 0xdb, 0xf1, false }, { "fucomi st0, st1", 0xdb, 0xe9, false },
        { "fcomip st0, st1", 0xdf, 0xf1, false }, { "fucomip st0, st1", 0xdf, 0xe9, false },
        { "fcmovb st0, st1", 0xda, 0xc1, false }, { "fcmove st0, st1", 0xda, 0xc9, false },
        { "fcmovbe st0, st1", 0xda, 0xd1, false }, { "fcmovu st0, st1", 0xda, 0xd9, false },
        { "fcmovnb st0, st1", 0xdb, 0xc1, false }, { "fcmovne st0, st1", 0xdb, 0xc9, false },
        { "fcmovnbe st0, st1", 0xdb, 0xd1, false }, { "fcmovnu st0, st1", 0xdb, 0xd9, false },
        { "fincstp", 0xd9, 0xf7, false }, { "fdecstp", 0xd9, 0xf6, false }, { "ffree st1", 0xdd, 0xc1, false },
    };
    static const struct { const char *name; uint8_t op; int digit; int size; } memops[] = {
        { "fadd qword", 0xdc, 0, 8 }, { "fmul dword", 0xd8, 1, 4 }, { "fsub qword", 0xdc, 4, 8 },
        { "fsubr dword", 0xd8, 5, 4 }, { "fdiv qword", 0xdc, 6, 8 }, { "fdivr dword", 0xd8, 7, 4 },
        { "fiadd dword", 0xda, 0, 4 }, { "fimul word", 0xde, 1, 2 }, { "fidiv dword", 0xda, 6, 4 },
        { "fcom qword", 0xdc, 2, 8 }, { "ficomp word", 0xde, 3, 2 },
    };
    const int nreg = (int)(sizeof regops / sizeof regops[0]), nmem = (int)(sizeof memops / sizeof memops[0]);
    int k = (int)(cell % (unsigned)(nreg + nmem));
    bool cmp;
    /* FSCALE by a huge scale with unmasked overflow/underflow goes beyond
     * the bias adjustment (SDM "Numeric Overflow/Underflow Exception"):
     * the host and vtx differ and the SDM does not settle it. */
    if (k < nreg && regops[k].b1 == 0xfd)
        case_poke(c, DIFF_MEMBASE - 0x10, case_peek(c, DIFF_MEMBASE - 0x10, 2) | 0x18, 2);
    if (k < nreg) {
        cmp = regops[k].cmp;
        if (!xr(t, regops[k].name, regops[k].b0, regops[k].b1))
            return false;
    } else {
        k -= nreg;
        cmp = memops[k].digit == 2 || memops[k].digit == 3;
        uint64_t v = memops[k].size == 8 ? rand_f64(r) : memops[k].op == 0xd8 ? (uint32_t)rng_next(r) : pool_value(r, memops[k].size);
        case_poke(c, DIFF_MEMBASE + 0x60, v, memops[k].size);
        if (!xm(t, memops[k].name, memops[k].op, memops[k].digit, 0x60))
            return false;
    }
    /* Condition codes of a compare-type operation: captured at once. */
    if (cmp && !xr(t, "fnstsw ax", 0xdf, 0xe0))
        return false;
    /* FWAIT: raises a pending unmasked exception (#MF). */
    if (rng_chance(r, 3)) {
        struct ginsn g;
        ginsn_init(&g, MN_NOP);
        g.b[0] = 0x9b;
        g.n = 1;
        snprintf(g.text, sizeof g.text, "fwait");
        if (!t_add(t, &g))
            return false;
    }
    /* Store what is left, in a random format. */
    switch (rng_below(r, 6)) {
    case 0: if (!xm(t, "fstp qword", 0xdd, 3, 0x80)) return false; break;
    case 1: if (!xm(t, "fstp dword", 0xd9, 3, 0x80)) return false; break;
    case 2: if (!xm(t, "fistp qword", 0xdf, 7, 0x80)) return false; break;
    case 3: if (!xm(t, "fistp word", 0xdf, 3, 0x80)) return false; break;
    case 4: if (!xm(t, "fbstp tbyte", 0xdf, 6, 0x80)) return false; break;
    default: if (!xm(t, "fst tbyte-ish: fstp tbyte", 0xdb, 7, 0x80)) return false; break;
    }
    if (!xm(t, "fstp tbyte", 0xdb, 7, 0xa0))
        return false;
    return xm(t, "fnstcw word", 0xd9, 7, 0xc0);
}

void fam_x87(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    for (int tries = 0;; tries++) {
        t_begin(&t, c, r, "x87");
        if (x87_one(&t, (unsigned)i) || tries > 200)
            break;
    }
    case_finish(c);
}
