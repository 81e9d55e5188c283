/* Basic arithmetic: FADD/FADDP/FIADD, FSUB/FSUBP/FSUBR/FSUBRP/FISUB/
 * FISUBR, FMUL/FMULP/FIMUL, FDIV/FDIVP/FDIVR/FDIVRP/FIDIV/FIDIVR, FSQRT —
 * SDM Vol. 2 pages of each, and Vol. 1 "x87 FPU Floating-Point Exception
 * Conditions". Special operands are decided here; finite non-zero
 * operands go to the host (x87_host.c). */
#include "mem.h"
#include "ops.h"
#include "x87.h"

static struct xout result(struct fx80 v, unsigned exc)
{
    struct xout o = { v, exc, false };
    return o;
}

static struct xout finite(enum xop op, struct fx80 a, struct fx80 b, unsigned exc, uint16_t fcw)
{
    struct xout o = { FX80_INDEFINITE, exc, false };
    o.v = xres_to_fx80(x87_host_arith(op, fx80_unpack(a), fx80_unpack(b), fcw, &o.exc, &o.up));
    return o;
}

/* x + 0 (and the other way): the non-zero operand, still rounded to the
 * precision of FCW.PC (precision control applies to every FADD result). */
static struct xout exact(struct fx80 v, unsigned exc, uint16_t fcw)
{
    struct xout o = { v, exc, false };
    struct xres r = x87_round(x87_pc_fmt(fcw), (fcw >> FCW_RC_SHIFT) & 3, fcw, fx80_unpack(v), &o.exc, &o.up);
    o.v = xres_to_fx80(r);
    return o;
}

/* SDM "FADD/FADDP/FIADD" and "FSUB…" result tables. */
static struct xout add(struct fx80 a, struct fx80 b, unsigned de, uint16_t fcw)
{
    enum xclass ka = fx80_class(a), kb = fx80_class(b);
    int sa = FX80_SIGN(a), sb = FX80_SIGN(b);
    if (ka == XC_INF || kb == XC_INF) {
        if (ka == XC_INF && kb == XC_INF && sa != sb)
            return result(FX80_INDEFINITE, FSW_IE);     /* ∞ − ∞ */
        return result(ka == XC_INF ? a : b, de);
    }
    if (ka == XC_ZERO && kb == XC_ZERO) {
        /* SDM Vol. 1 "Signed Zeros": −0 only for −0 + −0, or x − x when
         * rounding down. */
        int s = sa == sb ? sa : ((fcw >> FCW_RC_SHIFT) & 3) == RC_DOWN;
        return result(fx80_zero(s), de);
    }
    if (ka == XC_ZERO)
        return exact(b, de, fcw);
    if (kb == XC_ZERO)
        return exact(a, de, fcw);
    struct xnum na = fx80_unpack(a), nb = fx80_unpack(b);
    if (sa != sb && na.exp == nb.exp && na.sig == nb.sig)
        return result(fx80_zero(((fcw >> FCW_RC_SHIFT) & 3) == RC_DOWN), de);
    return finite(XOP_ADD, a, b, de, fcw);
}

static struct xout mul(struct fx80 a, struct fx80 b, unsigned de, uint16_t fcw)
{
    enum xclass ka = fx80_class(a), kb = fx80_class(b);
    int s = FX80_SIGN(a) ^ FX80_SIGN(b);
    if (ka == XC_INF || kb == XC_INF) {
        if (ka == XC_ZERO || kb == XC_ZERO)
            return result(FX80_INDEFINITE, FSW_IE);     /* 0 × ∞ */
        return result(fx80_inf(s), de);
    }
    if (ka == XC_ZERO || kb == XC_ZERO)
        return result(fx80_zero(s), de);
    return finite(XOP_MUL, a, b, de, fcw);
}

/* SDM "FDIV/FDIVP/FIDIV" table: divide-by-zero outranks the denormal
 * operand exception (SDM "Floating-Point Exception Priority"). */
static struct xout divide(struct fx80 a, struct fx80 b, unsigned de, uint16_t fcw)
{
    enum xclass ka = fx80_class(a), kb = fx80_class(b);
    int s = FX80_SIGN(a) ^ FX80_SIGN(b);
    if (ka == XC_INF)
        return kb == XC_INF ? result(FX80_INDEFINITE, FSW_IE) : result(fx80_inf(s), de);
    if (kb == XC_INF)
        return result(fx80_zero(s), de);
    if (kb == XC_ZERO)
        return ka == XC_ZERO ? result(FX80_INDEFINITE, FSW_IE) : result(fx80_inf(s), FSW_ZE);
    if (ka == XC_ZERO)
        return result(fx80_zero(s), de);
    return finite(XOP_DIV, a, b, de, fcw);
}

/* SDM "FSQRT" table: −0 → −0, negative (even −∞, even a denormal) → #IA. */
static struct xout root(struct fx80 a, unsigned de, uint16_t fcw)
{
    enum xclass k = fx80_class(a);
    if (k == XC_ZERO)
        return result(a, 0);
    if (FX80_SIGN(a))
        return result(FX80_INDEFINITE, FSW_IE);
    if (k == XC_INF)
        return result(a, 0);
    return finite(XOP_SQRT, a, a, de, fcw);
}

struct xout x87_binop(enum xop op, struct fx80 a, struct fx80 b, bool da, bool db, uint16_t fcw)
{
    if (op == XOP_SQRT)
        b = fx80_make(0, EXT_BIAS, 1ull << 63);
    enum xclass ka = fx80_class(a), kb = fx80_class(b);
    /* SDM "Floating-Point Exception Priority": unsupported formats, then
     * SNaN (#IA) and QNaN operands, then the rest. */
    if (ka == XC_UNSUP || kb == XC_UNSUP)
        return result(FX80_INDEFINITE, FSW_IE);
    bool an = ka == XC_QNAN || ka == XC_SNAN, bn = kb == XC_QNAN || kb == XC_SNAN;
    if (an || bn) {
        struct xout o = result(FX80_INDEFINITE, 0);
        o.v = fx80_nan_result(a, op == XOP_SQRT ? NULL : &b, &o.exc);
        return o;
    }
    unsigned de = (da || db || ka == XC_DENORM || kb == XC_DENORM) ? FSW_DE : 0;
    switch (op) {
    case XOP_ADD: return add(a, b, de, fcw);
    case XOP_SUB: b.se ^= 0x8000; return add(a, b, de, fcw);
    case XOP_MUL: return mul(a, b, de, fcw);
    case XOP_DIV: return divide(a, b, de, fcw);
    default: return root(a, de, fcw);
    }
}

/* The ModRM.reg operation of the D8/DC/DA/DE groups: dest = dest op src. */
enum { AR_ADD, AR_MUL, AR_COM, AR_COMP, AR_SUB, AR_SUBR, AR_DIV, AR_DIVR };

static struct xout arith(int k, struct fx80 d, struct fx80 s, bool ds, uint16_t fcw)
{
    switch (k) {
    case AR_ADD: return x87_binop(XOP_ADD, d, s, false, ds, fcw);
    case AR_MUL: return x87_binop(XOP_MUL, d, s, false, ds, fcw);
    case AR_SUB: return x87_binop(XOP_SUB, d, s, false, ds, fcw);
    case AR_SUBR: return x87_binop(XOP_SUB, s, d, ds, false, fcw);
    case AR_DIV: return x87_binop(XOP_DIV, d, s, false, ds, fcw);
    default: return x87_binop(XOP_DIV, s, d, ds, false, fcw);
    }
}

/* ST(0) = ST(0) op memory operand (already converted). */
static void arith_mem(struct cpu *c, const struct insn *i, struct fx80 src, bool den)
{
    x87_note(c, i);
    if (x87_empty(c, 0)) {
        if (x87_underflow(c))
            x87_set(c, 0, FX80_INDEFINITE);
    } else {
        struct xout o = arith(i->reg & 7, x87_get(c, 0), src, den, c->fpu.fcw);
        if (!x87_signal(c, o.exc, o.up, false))
            x87_set(c, 0, o.v);
    }
    rip_advance(c, i);
}

void op_farith_m32fp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    bool den = false;
    struct fx80 v = fx80_from_f32((uint32_t)mem_read(c, i->seg, ea_offset(c, i), 4), &den);
    arith_mem(c, i, v, den);
}

void op_farith_m64fp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    bool den = false;
    struct fx80 v = fx80_from_f64(mem_read(c, i->seg, ea_offset(c, i), 8), &den);
    arith_mem(c, i, v, den);
}

void op_farith_m32int(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    int32_t m = (int32_t)(uint32_t)mem_read(c, i->seg, ea_offset(c, i), 4);
    arith_mem(c, i, fx80_from_int(m), false);
}

void op_farith_m16int(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    int16_t m = (int16_t)(uint16_t)mem_read(c, i->seg, ea_offset(c, i), 2);
    arith_mem(c, i, fx80_from_int(m), false);
}

/* dest = dest op src on registers, then pop if asked. */
static void arith_reg(struct cpu *c, const struct insn *i, int dst, int src, int k, bool pop)
{
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, dst) || x87_empty(c, src)) {
        if (x87_underflow(c)) {
            x87_set(c, dst, FX80_INDEFINITE);
            if (pop)
                x87_pop(c);
        }
    } else {
        struct xout o = arith(k, x87_get(c, dst), x87_get(c, src), false, c->fpu.fcw);
        if (!x87_signal(c, o.exc, o.up, false)) {
            x87_set(c, dst, o.v);
            if (pop)
                x87_pop(c);
        }
    }
    rip_advance(c, i);
}

/* D8 C0..FF: ST(0) = ST(0) op ST(i). */
void op_farith_st0(struct cpu *c, const struct insn *i)
{
    arith_reg(c, i, 0, i->rm & 7, i->reg & 7, false);
}

/* DC C0..FF: ST(i) = ST(i) op ST(0). In this group /4 (E0+i) is FSUBR and
 * /5 FSUB, /6 FDIVR and /7 FDIV — SDM Appendix A, escape opcode DC. */
void op_farith_sti(struct cpu *c, const struct insn *i)
{
    int k = i->reg & 7;
    arith_reg(c, i, i->rm & 7, 0, k >= AR_SUB ? k ^ 1 : k, false);
}

/* DE C0..FF: the same with a pop (FADDP, FMULP, FSUBRP, FSUBP, FDIVRP, FDIVP). */
void op_farith_stip(struct cpu *c, const struct insn *i)
{
    int k = i->reg & 7;
    arith_reg(c, i, i->rm & 7, 0, k >= AR_SUB ? k ^ 1 : k, true);
}

/* An operation on ST(0) whose result replaces it (FSQRT, FRNDINT, F2XM1):
 * #IS when ST(0) is empty, else fn(ST(0), FCW) unless an unmasked
 * exception suppresses the result. */
void x87_unary_st0(struct cpu *c, const struct insn *i, struct xout (*fn)(struct fx80 v, uint16_t fcw))
{
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, 0)) {
        if (x87_underflow(c))
            x87_set(c, 0, FX80_INDEFINITE);
    } else {
        struct xout o = fn(x87_get(c, 0), c->fpu.fcw);
        if (!x87_signal(c, o.exc, o.up, false))
            x87_set(c, 0, o.v);
    }
    rip_advance(c, i);
}

static struct xout sqrt_of(struct fx80 v, uint16_t fcw)
{
    return x87_binop(XOP_SQRT, v, v, false, false, fcw);
}

void op_fsqrt(struct cpu *c, const struct insn *i)
{
    x87_unary_st0(c, i, sqrt_of);
}
