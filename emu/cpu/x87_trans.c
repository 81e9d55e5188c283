/* Transcendental instructions: FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1,
 * FYL2X, FYL2XP1 — SDM Vol. 2 pages of each and Vol. 1 "Transcendental
 * Instruction Accuracy".
 *
 * Special operands follow the SDM result tables exactly; finite operands
 * go to the host's libm long-double functions, which are accurate to about
 * an ulp but may differ from silicon in the last bit (silicon reduces
 * arguments with a 66-bit pi; libm reduces exactly). The x87 ignores FCW.PC
 * and rounds these results per FCW.RC; libm is called in round-to-nearest
 * and C1 (rounded up) is reported as 0. */
#include <math.h>

#include "mem.h"
#include "ops.h"
#include "x87.h"

static long double f_sin(long double x, long double y) { (void)y; return sinl(x); }
static long double f_cos(long double x, long double y) { (void)y; return cosl(x); }
static long double f_tan(long double x, long double y) { (void)y; return tanl(x); }
static long double f_atan2(long double y, long double x) { return atan2l(y, x); }
static long double f_log2(long double x, long double y) { (void)y; return log2l(x); }
/* log2(1 + x) = log1p(x) * log2(e); 2^x - 1 = expm1(x * ln 2). */
static long double f_log2p1(long double x, long double y) { (void)y; return log1pl(x) * 1.44269504088896340735992468100189214L; }
static long double f_2xm1(long double x, long double y) { (void)y; return expm1l(x * 0.693147180559945309417232121458176568L); }

/* A host result as an operation outcome: the host's #P, #U, #O, with the
 * bias-adjusted value when #U/#O are unmasked (SDM "Numeric Underflow
 * Exception (#U)"). */
static struct xout from_host(long double r, unsigned hexc, unsigned exc, uint16_t fcw)
{
    struct xout o = { x87_from_ld(r), exc | (hexc & (FSW_PE | FSW_UE | FSW_OE)), false };
    if ((o.exc & FSW_UE) && !(fcw & FCW_UM) && fx80_class(o.v) == XC_DENORM) {
        struct xnum n = fx80_unpack(o.v);
        o.v = fx80_make(n.sign, (int)(n.exp + XFMT_EXT.adjust + EXT_BIAS), n.sig);
    }
    return o;
}

static struct xout call1(long double (*fn)(long double, long double), struct fx80 a, unsigned exc, uint16_t fcw)
{
    unsigned h = 0;
    long double r = x87_host_call(fn, x87_to_ld(a), 0, &h);
    return from_host(r, h, exc, fcw);
}

/* The common operand checks of a one-operand function: unsupported → #IA,
 * NaN → NaN (#IA for an SNaN). Returns true when *o is already the answer. */
static bool operand_special(struct fx80 a, struct xout *o)
{
    enum xclass k = fx80_class(a);
    o->v = FX80_INDEFINITE;
    o->exc = 0;
    o->up = false;
    if (k == XC_UNSUP) {
        o->exc = FSW_IE;
        return true;
    }
    if (k == XC_QNAN || k == XC_SNAN) {
        o->v = fx80_nan_result(a, NULL, &o->exc);
        return true;
    }
    return false;
}

/* SDM "FSIN"/"FCOS"/"FPTAN"/"FSINCOS": |x| ≥ 2^63 sets C2 and leaves
 * ST(0) alone; ∞ is #IA; ±0 gives sin ±0, cos +1, tan ±0 exactly. */
enum trig { T_SIN, T_COS, T_TAN };

static bool out_of_range(struct fx80 a)
{
    enum xclass k = fx80_class(a);
    return (k == XC_NORMAL) && FX80_EXP(a) - EXT_BIAS >= 63;
}

static struct xout trig(enum trig t, struct fx80 a, uint16_t fcw)
{
    struct xout o;
    if (operand_special(a, &o))
        return o;
    enum xclass k = fx80_class(a);
    if (k == XC_INF) {
        o.exc = FSW_IE;
        return o;
    }
    if (k == XC_ZERO) {
        o.v = t == T_COS ? fx80_make(0, EXT_BIAS, 1ull << 63) : a;
        return o;
    }
    unsigned de = k == XC_DENORM ? FSW_DE : 0;
    return call1(t == T_SIN ? f_sin : t == T_COS ? f_cos : f_tan, a, de, fcw);
}

static void trig_op(struct cpu *c, const struct insn *i, enum trig t)
{
    x87_start(c, true);
    x87_note(c, i);
    c->fpu.fsw = (uint16_t)(c->fpu.fsw & ~FSW_C2);
    if (x87_empty(c, 0)) {
        if (x87_underflow(c))
            x87_set(c, 0, FX80_INDEFINITE);
    } else if (out_of_range(x87_get(c, 0))) {
        c->fpu.fsw = (uint16_t)((c->fpu.fsw | FSW_C2) & ~FSW_C1);
    } else {
        struct xout o = trig(t, x87_get(c, 0), c->fpu.fcw);
        if (!x87_signal(c, o.exc, o.up, false))
            x87_set(c, 0, o.v);
    }
    rip_advance(c, i);
}

void op_fsin(struct cpu *c, const struct insn *i)
{
    trig_op(c, i, T_SIN);
}

void op_fcos(struct cpu *c, const struct insn *i)
{
    trig_op(c, i, T_COS);
}

/* FPTAN and FSINCOS leave two results: ST(0) is replaced and one more is
 * pushed (FPTAN pushes +1.0; a NaN operand gives the NaN twice). */
static void trig_push(struct cpu *c, const struct insn *i, bool sincos)
{
    x87_start(c, true);
    x87_note(c, i);
    c->fpu.fsw = (uint16_t)(c->fpu.fsw & ~FSW_C2);
    if (x87_empty(c, 0) || !x87_empty(c, 7)) {
        bool masked = x87_empty(c, 0) ? x87_underflow(c) : x87_overflow(c);
        if (masked) {
            x87_set(c, 0, FX80_INDEFINITE);
            x87_push(c, FX80_INDEFINITE);
        }
    } else if (out_of_range(x87_get(c, 0))) {
        c->fpu.fsw = (uint16_t)((c->fpu.fsw | FSW_C2) & ~FSW_C1);
    } else {
        struct fx80 a = x87_get(c, 0);
        struct xout first = trig(sincos ? T_SIN : T_TAN, a, c->fpu.fcw);
        struct xout second = { fx80_make(0, EXT_BIAS, 1ull << 63), 0, false };
        if (sincos)
            second = trig(T_COS, a, c->fpu.fcw);
        if (fx80_is_nan(a) || (first.exc & FSW_IE))
            second.v = first.v;
        if (!x87_signal(c, first.exc | second.exc, first.up, false)) {
            x87_set(c, 0, first.v);
            x87_push(c, second.v);
        }
    }
    rip_advance(c, i);
}

void op_fptan(struct cpu *c, const struct insn *i)
{
    trig_push(c, i, false);
}

void op_fsincos(struct cpu *c, const struct insn *i)
{
    trig_push(c, i, true);
}

/* SDM "F2XM1": 2^x − 1, defined for −1 ≤ x ≤ +1 (vtx computes the value
 * outside too); ±0 → ±0, −∞ → −1, +∞ → +∞. */
static struct xout f2xm1(struct fx80 a, uint16_t fcw)
{
    struct xout o;
    if (operand_special(a, &o))
        return o;
    switch (fx80_class(a)) {
    case XC_ZERO:
        o.v = a;
        return o;
    case XC_INF:
        o.v = FX80_SIGN(a) ? fx80_make(1, EXT_BIAS, 1ull << 63) : a;
        return o;
    default:
        return call1(f_2xm1, a, fx80_class(a) == XC_DENORM ? FSW_DE : 0, fcw);
    }
}

void op_f2xm1(struct cpu *c, const struct insn *i)
{
    x87_unary_st0(c, i, f2xm1);
}

/* Two-operand functions of ST(1), ST(0): the result replaces ST(1) and the
 * stack is popped. NaN and unsupported operands first. */
static bool pair_special(struct fx80 x, struct fx80 y, struct xout *o)
{
    enum xclass kx = fx80_class(x), ky = fx80_class(y);
    o->v = FX80_INDEFINITE;
    o->exc = 0;
    o->up = false;
    if (kx == XC_UNSUP || ky == XC_UNSUP) {
        o->exc = FSW_IE;
        return true;
    }
    if (fx80_is_nan(x) || fx80_is_nan(y)) {
        o->v = fx80_nan_result(x, &y, &o->exc);
        return true;
    }
    return false;
}

/* SDM "FPATAN" table: arctan(ST(1)/ST(0)) with the signs choosing the
 * quadrant — the C atan2 conventions, which libm follows for ±0 and ±∞. */
static struct xout fpatan(struct fx80 x, struct fx80 y, uint16_t fcw)
{
    struct xout o;
    if (pair_special(x, y, &o))
        return o;
    unsigned de = (fx80_class(x) == XC_DENORM || fx80_class(y) == XC_DENORM) ? FSW_DE : 0;
    unsigned h = 0;
    long double r = x87_host_call(f_atan2, x87_to_ld(y), x87_to_ld(x), &h);
    return from_host(r, h, de, fcw);
}

/* SDM "FYL2X" table: ST(1) * log2(ST(0)). ST(0) < 0 (−∞ too) is #IA;
 * ST(0) = ±0 with ST(1) finite non-zero is #Z (∓∞); 0 * ∞ cases are #IA.
 * The product is formed by the exact multiplier, so #O/#U are right. */
static struct xout fyl2x(struct fx80 x, struct fx80 y, bool plus1, uint16_t fcw)
{
    struct xout o;
    if (pair_special(x, y, &o))
        return o;
    enum xclass kx = fx80_class(x), ky = fx80_class(y);
    unsigned de = (kx == XC_DENORM || ky == XC_DENORM) ? FSW_DE : 0;
    uint16_t full = (uint16_t)(fcw | (3u << FCW_PC_SHIFT));
    struct fx80 l;
    unsigned h = 0;
    if (!plus1) {
        if (FX80_SIGN(x) && kx != XC_ZERO) {
            o.exc = FSW_IE;
            return o;
        }
        if (kx == XC_ZERO && (ky == XC_DENORM || ky == XC_NORMAL)) {
            o.v = fx80_inf(!FX80_SIGN(y));
            o.exc = FSW_ZE;
            return o;
        }
        struct xnum n = fx80_unpack(x);
        if (kx == XC_ZERO)
            l = fx80_inf(1);
        else if (kx == XC_INF)
            l = x;
        else if (n.sig == 1ull << 63)
            l = fx80_from_int(n.exp);      /* a power of two: exact */
        else
            l = x87_from_ld(x87_host_call(f_log2, x87_to_ld(x), 0, &h));
    } else {
        /* FYL2XP1 is defined for |ST(0)| < 1 − √2/2; outside, vtx computes
         * log2(1 + x) (#IA below −1, as log of a negative number). */
        l = kx == XC_ZERO || kx == XC_INF ? x : x87_from_ld(x87_host_call(f_log2p1, x87_to_ld(x), 0, &h));
        if (h & FSW_IE) {
            o.exc = FSW_IE;
            return o;
        }
        if (fx80_class(l) == XC_INF && FX80_SIGN(l) && (ky == XC_DENORM || ky == XC_NORMAL)) {
            o.v = fx80_inf(!FX80_SIGN(y));
            o.exc = FSW_ZE;
            return o;
        }
    }
    o = x87_binop(XOP_MUL, y, l, false, false, full);
    o.exc |= de | (h & FSW_PE);
    return o;
}

static void pair_op(struct cpu *c, const struct insn *i, int kind)
{
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, 0) || x87_empty(c, 1)) {
        if (x87_underflow(c)) {
            x87_set(c, 1, FX80_INDEFINITE);
            x87_pop(c);
        }
    } else {
        struct fx80 x = x87_get(c, 0), y = x87_get(c, 1);
        struct xout o = kind == 0 ? fpatan(x, y, c->fpu.fcw) : fyl2x(x, y, kind == 2, c->fpu.fcw);
        if (!x87_signal(c, o.exc, o.up, false)) {
            x87_set(c, 1, o.v);
            x87_pop(c);
        }
    }
    rip_advance(c, i);
}

void op_fpatan(struct cpu *c, const struct insn *i)
{
    pair_op(c, i, 0);
}

void op_fyl2x(struct cpu *c, const struct insn *i)
{
    pair_op(c, i, 1);
}

void op_fyl2xp1(struct cpu *c, const struct insn *i)
{
    pair_op(c, i, 2);
}
