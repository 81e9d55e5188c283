/* Rounding to a destination format and to an integer, and FRNDINT —
 * SDM Vol. 1 "Rounding", "Precision Control Field", "Numeric Overflow
 * Exception (#O)", "Numeric Underflow Exception (#U)", "Inexact-Result
 * (Precision) Exception (#P)". All exact integer arithmetic. */
#include "mem.h"
#include "ops.h"
#include "x87.h"

/* Register format at the three precisions of FCW.PC, and the memory
 * formats. The bias adjustment of unmasked overflow/underflow results is
 * 24576 for the register format — SDM "Numeric Overflow Exception (#O)";
 * memory destinations are never written then, so theirs is unused. */
const struct xfmt XFMT_EXT = { 64, EXT_EMAX, 24576 };
const struct xfmt XFMT_EXT53 = { 53, EXT_EMAX, 24576 };
const struct xfmt XFMT_EXT24 = { 24, EXT_EMAX, 24576 };
const struct xfmt XFMT_F64 = { 53, 1023, 1536 };
const struct xfmt XFMT_F32 = { 24, 127, 192 };

/* FCW.PC: 00 single, 10 double, 11 extended; the reserved 01 acts as 11 on
 * real processors (noted in Bochs). */
const struct xfmt *x87_pc_fmt(uint16_t fcw)
{
    switch ((fcw >> FCW_PC_SHIFT) & 3) {
    case 0: return &XFMT_EXT24;
    case 2: return &XFMT_EXT53;
    default: return &XFMT_EXT;
    }
}

/* SDM table "Rounding Modes": does rounding away the discarded part
 * (half = its top bit, sticky = any other bit) increment the kept part? */
bool x87_round_inc(int rc, int sign, int lsb, int half, bool sticky)
{
    switch (rc) {
    case RC_NEAREST: return half && (sticky || lsb);
    case RC_DOWN: return sign && (half || sticky);
    case RC_UP: return !sign && (half || sticky);
    default: return false;
    }
}

/* (hi, lo) >>= d, ORing every bit shifted out into bit 0 of lo. */
static void shr_jam(uint64_t *hi, uint64_t *lo, int32_t d)
{
    if (d <= 0)
        return;
    if (d >= 128) {
        *lo = (*hi | *lo) != 0;
        *hi = 0;
    } else if (d >= 64) {
        uint64_t h = *hi, st = *lo != 0;
        if (d > 64)
            st |= (h << (128 - d)) != 0;
        *lo = (d == 64 ? h : h >> (d - 64)) | st;
        *hi = 0;
    } else {
        uint64_t st = (*lo << (64 - d)) != 0;
        *lo = (*lo >> d) | (*hi << (64 - d)) | st;
        *hi >>= d;
    }
}

struct rounded {
    uint64_t sig;
    bool carry, inexact, inc;
};

/* Keep the top `prec` bits of sig (extra = the bits below sig). */
static struct rounded round_bits(uint64_t sig, uint64_t extra, int prec, int rc, int sign)
{
    struct rounded r = { 0, false, false, false };
    int shift = 64 - prec;
    int half, lsb;
    bool sticky;
    if (shift == 0) {
        half = (int)(extra >> 63);
        sticky = (extra << 1) != 0;
        lsb = (int)(sig & 1);
    } else {
        half = (int)((sig >> (shift - 1)) & 1);
        sticky = (sig & ((1ull << (shift - 1)) - 1)) != 0 || extra != 0;
        lsb = (int)((sig >> shift) & 1);
        sig &= ~((1ull << shift) - 1);
    }
    r.inexact = half || sticky;
    r.inc = x87_round_inc(rc, sign, lsb, half, sticky);
    r.sig = sig;
    if (r.inc) {
        r.sig = sig + (1ull << shift);
        r.carry = r.sig < sig;
    }
    return r;
}

/* Masked overflow: infinity when rounding goes away from zero, else the
 * largest finite number — SDM table "Masked Responses to Numeric Overflow". */
static struct xres overflow_masked(const struct xfmt *f, int rc, int sign, bool *up)
{
    struct xres r = { sign, 2 * f->emax + 1, 1ull << 63 };
    bool to_inf = rc == RC_NEAREST || (rc == RC_UP && !sign) || (rc == RC_DOWN && sign);
    *up = to_inf;
    if (!to_inf) {
        r.bexp = 2 * f->emax;
        r.sig = ~0ull << (64 - f->prec);
    }
    return r;
}

/* Masked underflow: the exact value denormalised and rounded once at the
 * format's denormal precision; UE only with PE — SDM "Numeric Underflow
 * Exception (#U)". */
static struct xres underflow_masked(const struct xfmt *f, int rc, struct xnum n, unsigned *exc, bool *up)
{
    uint64_t hi = n.sig, lo = n.extra;
    shr_jam(&hi, &lo, (1 - f->emax) - n.exp);
    struct rounded d = round_bits(hi, lo, f->prec, rc, n.sign);
    struct xres r = { n.sign, (int32_t)(d.sig >> 63), d.sig };
    if (d.inexact)
        *exc |= FSW_UE | FSW_PE;
    *up = d.inc;
    return r;
}

struct xres x87_round(const struct xfmt *f, int rc, uint16_t fcw, struct xnum n, unsigned *exc, bool *up)
{
    struct xres r = { n.sign, 0, 0 };
    *up = false;
    if (!n.sig)
        return r;
    int32_t emin = 1 - f->emax;
    struct rounded a = round_bits(n.sig, n.extra, f->prec, rc, n.sign);
    int32_t e = n.exp;
    uint64_t s = a.sig;
    if (a.carry) {
        s = 1ull << 63;
        e++;
    }
    if (e > f->emax) {
        if (fcw & FCW_OM) {
            *exc |= FSW_OE | FSW_PE;
            return overflow_masked(f, rc, n.sign, up);
        }
        *exc |= FSW_OE | (a.inexact ? FSW_PE : 0);
        e -= f->adjust;
        if (e > f->emax) {           /* beyond even the adjusted range (FSCALE) */
            *up = true;
            return (struct xres){ n.sign, 2 * f->emax + 1, 1ull << 63 };
        }
    } else if (e < emin) {
        /* Tiny: detected after rounding, with unbounded exponent. */
        if (fcw & FCW_UM)
            return underflow_masked(f, rc, n, exc, up);
        *exc |= FSW_UE | (a.inexact ? FSW_PE : 0);
        e += f->adjust;
        if (e < emin)                /* beyond even the adjusted range (FSCALE) */
            return underflow_masked(f, rc, n, exc, up);
    } else {
        *exc |= a.inexact ? FSW_PE : 0;
    }
    *up = a.inc;
    r.bexp = e + f->emax;
    r.sig = s;
    return r;
}

uint64_t x87_round_int(struct fx80 v, int rc, bool *inexact, bool *up, bool *big)
{
    *inexact = *up = *big = false;
    struct xnum n = fx80_unpack(v);
    if (!n.sig)
        return 0;
    if (n.exp >= 64) {
        *big = true;
        return 0;
    }
    if (n.exp == 63)
        return n.sig;
    int shift = 63 - n.exp;
    uint64_t ip = 0;
    int half = 0;
    bool sticky = true;
    if (shift == 64) {
        half = 1;
        sticky = (n.sig << 1) != 0;
    } else if (shift < 64) {
        ip = n.sig >> shift;
        half = (int)((n.sig >> (shift - 1)) & 1);
        sticky = (n.sig & ((1ull << (shift - 1)) - 1)) != 0;
    }
    *inexact = half || sticky;
    *up = x87_round_inc(rc, n.sign, (int)(ip & 1), half, sticky);
    return ip + (*up ? 1 : 0);
}

/* SDM "FRNDINT—Round to Integer": ST(0) rounded per FCW.RC; #IA for an
 * SNaN or unsupported encoding, #D for a denormal, #P if inexact. */
static struct xout frndint(struct fx80 v, uint16_t fcw)
{
    struct xout o = { v, 0, false };
    switch (fx80_class(v)) {
    case XC_UNSUP:
        o.v = FX80_INDEFINITE;
        o.exc = FSW_IE;
        return o;
    case XC_QNAN:
    case XC_SNAN:
        o.v = fx80_nan_result(v, NULL, &o.exc);
        return o;
    case XC_ZERO:
    case XC_INF:
        return o;
    case XC_DENORM:
        o.exc = FSW_DE;
        break;
    default:
        if (FX80_EXP(v) - EXT_BIAS >= 63)
            return o;               /* already an integer */
        break;
    }
    bool inexact, big;
    uint64_t m = x87_round_int(v, (fcw >> FCW_RC_SHIFT) & 3, &inexact, &o.up, &big);
    o.v = fx80_from_mag(FX80_SIGN(v), m);
    if (inexact)
        o.exc |= FSW_PE;
    return o;
}

void op_frndint(struct cpu *c, const struct insn *i)
{
    x87_unary_st0(c, i, frndint);
}
