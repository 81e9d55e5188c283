/* Partial remainders: FPREM (quotient truncated) and FPREM1 (IEEE,
 * quotient rounded to nearest even) — SDM Vol. 2 "FPREM—Partial
 * Remainder", "FPREM1—Partial Remainder". The remainder is exact; it is
 * computed by long division of the significands. */
#include "ops.h"
#include "regs.h"
#include "x87.h"

struct prem {
    struct xout o;
    bool complete;
    uint64_t q;       /* low quotient bits when complete */
};

/* (a_sig * 2^d) mod b_sig and the quotient's low 64 bits, a_sig and b_sig
 * normalised. */
static uint64_t long_div(uint64_t a, uint64_t b, int32_t d, uint64_t *q)
{
    uint64_t r = a, qq = 0;
    if (r >= b) {
        r -= b;
        qq = 1;
    }
    for (int32_t k = 0; k < d; k++) {
        bool carry = r >> 63;
        r <<= 1;
        qq <<= 1;
        if (carry || r >= b) {
            r -= b;
            qq |= 1;
        }
    }
    *q = qq;
    return r;
}

/* The exact remainder r * 2^(exp - 63) with the sign of the dividend
 * (FPREM1 may flip it), packed through the rounding path for #U. */
static struct xout pack(int sign, uint64_t r, int32_t exp, uint16_t fcw)
{
    struct xout o = { fx80_zero(sign), 0, false };
    if (!r)
        return o;
    struct xnum n = { sign, exp, r, 0 };
    while (!(n.sig >> 63)) {
        n.sig <<= 1;
        n.exp--;
    }
    o.v = xres_to_fx80(x87_round(&XFMT_EXT, RC_NEAREST, fcw, n, &o.exc, &o.up));
    return o;
}

/* SDM "FPREM": with D = exponent difference, D < 64 gives the complete
 * remainder; otherwise ST(0) is reduced by N bits, N "an implementation-
 * dependent number between 32 and 63": vtx takes 32 + (D mod 32), the
 * choice Bochs makes. */
static struct prem fprem(struct fx80 a, struct fx80 b, bool ieee, uint16_t fcw)
{
    struct prem p = { { FX80_INDEFINITE, 0, false }, true, 0 };
    enum xclass ka = fx80_class(a), kb = fx80_class(b);
    if (ka == XC_UNSUP || kb == XC_UNSUP) {
        p.o.exc = FSW_IE;
        return p;
    }
    if (ka == XC_QNAN || ka == XC_SNAN || kb == XC_QNAN || kb == XC_SNAN) {
        p.o.v = fx80_nan_result(a, &b, &p.o.exc);
        return p;
    }
    if (ka == XC_INF || kb == XC_ZERO) {
        p.o.exc = FSW_IE;
        return p;
    }
    unsigned exc = (ka == XC_DENORM || kb == XC_DENORM) ? FSW_DE : 0;
    p.o.v = a;
    p.o.exc = exc;
    if (ka == XC_ZERO)
        return p;                       /* the dividend, quotient 0 */
    struct xnum na = fx80_unpack(a), nb = fx80_unpack(b);
    if (kb == XC_INF) {
        /* The dividend, through the result path: a denormal one is a
         * tiny result (#U when unmasked), as the host x87 shows. */
        p.o = pack(na.sign, na.sig, na.exp, fcw);
        p.o.exc |= exc;
        return p;
    }
    int32_t d = na.exp - nb.exp;
    if (d >= 64) {
        int32_t n = 32 + d % 32;
        uint64_t q;
        uint64_t r = long_div(na.sig, nb.sig, n, &q);
        p.o = pack(na.sign, r, na.exp - n, fcw);
        p.o.exc |= exc;
        p.complete = false;
        return p;
    }
    if (d < 0) {
        /* |a| < |b|: quotient 0, unless FPREM1 rounds a/b (in [1/2, 1))
         * up to 1, which needs |a| > |b|/2 (D = -1, a_sig > b_sig). */
        if (!ieee || d < -1 || na.sig <= nb.sig) {
            p.o = pack(na.sign, na.sig, na.exp, fcw);
            p.o.exc |= exc;
            return p;
        }
        p.q = 1;
        p.o = pack(!na.sign, nb.sig - (na.sig - nb.sig), na.exp, fcw);
        p.o.exc |= exc;
        return p;
    }
    uint64_t r = long_div(na.sig, nb.sig, d, &p.q);
    int sign = na.sign;
    if (ieee && r) {
        /* Round the quotient to nearest even: compare r with b/2. */
        bool over = (r >> 63) || (r << 1) > nb.sig;
        bool tie = !(r >> 63) && (r << 1) == nb.sig;
        if (over || (tie && (p.q & 1))) {
            r = nb.sig - r;
            p.q++;
            sign ^= 1;
        }
    }
    p.o = pack(sign, r, nb.exp, fcw);
    p.o.exc |= exc;
    return p;
}

/* ST(0) = remainder of ST(0) / ST(1). C2 = 1 if incomplete; when complete
 * C0, C3, C1 = quotient bits 2, 1, 0 — SDM "FPREM" "FPU Flags Affected". */
static void do_fprem(struct cpu *c, const struct insn *i, bool ieee)
{
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, 0) || x87_empty(c, 1)) {
        if (x87_underflow(c))
            x87_set(c, 0, FX80_INDEFINITE);
    } else {
        struct prem p = fprem(x87_get(c, 0), x87_get(c, 1), ieee, c->fpu.fcw);
        if (!x87_signal(c, p.o.exc, p.o.up, false)) {
            x87_set(c, 0, p.o.v);
            unsigned cc = 0;
            if (!p.complete)
                cc = FSW_C2;
            else
                cc = ((p.q & 4) ? FSW_C0 : 0) | ((p.q & 2) ? FSW_C3 : 0) | ((p.q & 1) ? FSW_C1 : 0);
            x87_set_cc(c, cc);
        }
    }
    rip_advance(c, i);
}

void op_fprem(struct cpu *c, const struct insn *i)
{
    do_fprem(c, i, false);
}

void op_fprem1(struct cpu *c, const struct insn *i)
{
    do_fprem(c, i, true);
}
