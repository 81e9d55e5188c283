/* Sign and exponent manipulation: FCHS, FABS, FSCALE, FXTRACT — SDM
 * Vol. 2 "FCHS", "FABS", "FSCALE", "FXTRACT". All exact. */
#include "mem.h"
#include "ops.h"
#include "x87.h"

/* SDM "FCHS"/"FABS": only the sign bit changes, whatever ST(0) holds;
 * C1 = 0; #IS is the only exception. */
static void sign_op(struct cpu *c, const struct insn *i, uint16_t and_mask, uint16_t xor_mask)
{
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, 0)) {
        if (x87_underflow(c))
            x87_set(c, 0, FX80_INDEFINITE);
    } else {
        struct fx80 v = x87_get(c, 0);
        v.se = (uint16_t)((v.se & and_mask) ^ xor_mask);
        x87_signal(c, 0, false, false);
        x87_set(c, 0, v);
    }
    rip_advance(c, i);
}

void op_fchs(struct cpu *c, const struct insn *i)
{
    sign_op(c, i, 0xffff, 0x8000);
}

void op_fabs(struct cpu *c, const struct insn *i)
{
    sign_op(c, i, 0x7fff, 0);
}

/* The scale factor: ST(1) truncated toward zero, clamped far outside the
 * range any result can reach (the result then overflows or underflows). */
static int32_t scale_of(struct fx80 b)
{
    struct xnum n = fx80_unpack(b);
    if (!n.sig || n.exp < 0)
        return 0;
    int32_t m = n.exp > 20 ? 1 << 21 : (int32_t)(n.sig >> (63 - n.exp));
    return n.sign ? -m : m;
}

/* SDM "FSCALE" table: ST(0) * 2^trunc(ST(1)). 0 * 2^+∞ and ∞ * 2^−∞ are
 * #IA; x * 2^−∞ = 0, x * 2^+∞ = ∞ for finite non-zero x. */
static struct xout fscale(struct fx80 a, struct fx80 b, uint16_t fcw)
{
    struct xout o = { FX80_INDEFINITE, 0, false };
    enum xclass ka = fx80_class(a), kb = fx80_class(b);
    if (ka == XC_UNSUP || kb == XC_UNSUP) {
        o.exc = FSW_IE;
        return o;
    }
    if (ka == XC_QNAN || ka == XC_SNAN || kb == XC_QNAN || kb == XC_SNAN) {
        o.v = fx80_nan_result(a, &b, &o.exc);
        return o;
    }
    int sb = FX80_SIGN(b);
    if (kb == XC_INF) {
        if ((ka == XC_ZERO && !sb) || (ka == XC_INF && sb)) {
            o.exc = FSW_IE;
            return o;
        }
        o.exc = ka == XC_DENORM ? FSW_DE : 0;
        o.v = (ka == XC_ZERO || ka == XC_INF) ? a : sb ? fx80_zero(FX80_SIGN(a)) : fx80_inf(FX80_SIGN(a));
        return o;
    }
    o.exc = (ka == XC_DENORM || kb == XC_DENORM) ? FSW_DE : 0;
    o.v = a;
    if (ka == XC_ZERO || ka == XC_INF)
        return o;
    struct xnum n = fx80_unpack(a);
    n.exp += scale_of(b);
    o.v = xres_to_fx80(x87_round(&XFMT_EXT, (fcw >> FCW_RC_SHIFT) & 3, fcw, n, &o.exc, &o.up));
    return o;
}

void op_fscale(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, 0) || x87_empty(c, 1)) {
        if (x87_underflow(c))
            x87_set(c, 0, FX80_INDEFINITE);
    } else {
        struct xout o = fscale(x87_get(c, 0), x87_get(c, 1), c->fpu.fcw);
        if (!x87_signal(c, o.exc, o.up, false))
            x87_set(c, 0, o.v);
    }
    rip_advance(c, i);
}

/* SDM "FXTRACT": ST(0) becomes the unbiased exponent (as a real number),
 * then the significand (exponent 0, sign kept) is pushed. ±0: #Z, masked
 * exponent −∞ and significand ±0; ∞: +∞ and ±∞; a denormal (#D) is
 * normalised first. */
void op_fxtract(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, 0) || !x87_empty(c, 7)) {
        bool masked = x87_empty(c, 0) ? x87_underflow(c) : x87_overflow(c);
        if (masked) {
            x87_set(c, 0, FX80_INDEFINITE);
            x87_push(c, FX80_INDEFINITE);
        }
        rip_advance(c, i);
        return;
    }
    struct fx80 a = x87_get(c, 0), e = FX80_INDEFINITE, s = FX80_INDEFINITE;
    unsigned exc = 0;
    switch (fx80_class(a)) {
    case XC_UNSUP:
        exc = FSW_IE;
        break;
    case XC_QNAN:
    case XC_SNAN:
        e = s = fx80_nan_result(a, NULL, &exc);
        break;
    case XC_ZERO:
        exc = FSW_ZE;
        e = fx80_inf(1);
        s = a;
        break;
    case XC_INF:
        e = fx80_inf(0);
        s = a;
        break;
    default: {
        struct xnum n = fx80_unpack(a);
        exc = fx80_class(a) == XC_DENORM ? FSW_DE : 0;
        e = fx80_from_int(n.exp);
        s = fx80_make(n.sign, EXT_BIAS, n.sig);
        break;
    }
    }
    if (!x87_signal(c, exc, false, false)) {
        x87_set(c, 0, e);
        x87_push(c, s);
    }
    rip_advance(c, i);
}
