/* The SSE floating-point core in integer arithmetic (no host FPU state
 * is used, so results and flags do not depend on the host or the
 * compiler). The rules are SDM Vol. 1 "SSE and SSE2 Exceptions" /
 * "SIMD Floating-Point Exception Conditions" and Appendix E ("Results of
 * Operations with NaN Operands"):
 *  - DAZ replaces denormal operands by zeros of the same sign first;
 *  - pre-computation conditions, highest priority first: SNaN operand
 *    (IE), QNaN operand, invalid operation (IE), divide by zero (ZE),
 *    denormal operand (DE); only the highest one applies to an element;
 *  - post-computation: the exact result is rounded to the destination
 *    precision with unbounded exponent; above the largest normal is
 *    overflow, below the smallest normal ("tininess after rounding") is
 *    underflow, and FTZ flushes a masked underflow to zero.
 * Internally a finite non-zero value is (sign, exp, sig) meaning
 * sig * 2^(exp - 62) with sig normalised to bit 62 and bit 0 sticky. */
#include "sse_fp.h"

#include "cpu.h"
#include "simd.h"

struct fpfmt {
    int fbits;        /* fraction bits */
    int bias;         /* also the largest unbiased exponent */
    int ebits;
};
static const struct fpfmt fmts[2] = { { 23, 127, 8 }, { 52, 1023, 11 } };

enum fpclass { C_ZERO, C_DENORM, C_NORMAL, C_INF, C_QNAN, C_SNAN };

struct unp {
    int sign, exp;
    uint64_t sig;
};

static inline uint64_t f_sign(const struct fpfmt *f)
{
    return 1ull << (f->fbits + f->ebits);
}
static inline uint64_t f_fracmask(const struct fpfmt *f)
{
    return (1ull << f->fbits) - 1;
}
static inline unsigned f_expfield(const struct fpfmt *f, uint64_t x)
{
    return (unsigned)(x >> f->fbits) & ((1u << f->ebits) - 1);
}
static inline uint64_t f_inf(const struct fpfmt *f, int sign)
{
    return ((uint64_t)((1u << f->ebits) - 1) << f->fbits) | (sign ? f_sign(f) : 0);
}
static inline uint64_t f_zero(const struct fpfmt *f, int sign)
{
    return sign ? f_sign(f) : 0;
}
static inline uint64_t f_quiet(const struct fpfmt *f)
{
    return 1ull << (f->fbits - 1);
}
/* The QNaN floating-point indefinite: 0xFFC00000 / 0xFFF8000000000000. */
static inline uint64_t f_indefinite(const struct fpfmt *f)
{
    return f_inf(f, 1) | f_quiet(f);
}
static inline int f_signbit(const struct fpfmt *f, uint64_t x)
{
    return (x & f_sign(f)) != 0;
}

static int classify(const struct fpfmt *f, uint64_t x)
{
    unsigned e = f_expfield(f, x);
    uint64_t fr = x & f_fracmask(f);
    if (e == 0)
        return fr ? C_DENORM : C_ZERO;
    if (e == (1u << f->ebits) - 1) {
        if (!fr)
            return C_INF;
        return (fr & f_quiet(f)) ? C_QNAN : C_SNAN;
    }
    return C_NORMAL;
}

/* DAZ — SDM Vol. 1 "Denormals-Are-Zeros": no DE for the replaced value. */
static uint64_t daz(const struct fpst *st, const struct fpfmt *f, uint64_t x)
{
    if ((st->mxcsr & MXCSR_DAZ) && classify(f, x) == C_DENORM)
        return x & f_sign(f);
    return x;
}

static int clz64(uint64_t x)
{
    int n = 0;
    if (!(x >> 32)) { n += 32; x <<= 32; }
    if (!(x >> 48)) { n += 16; x <<= 16; }
    if (!(x >> 56)) { n += 8; x <<= 8; }
    if (!(x >> 60)) { n += 4; x <<= 4; }
    if (!(x >> 62)) { n += 2; x <<= 2; }
    if (!(x >> 63)) { n += 1; }
    return n;
}

/* A finite non-zero value, normalised. */
static struct unp unpack(const struct fpfmt *f, uint64_t x)
{
    struct unp u;
    unsigned e = f_expfield(f, x);
    u.sign = f_signbit(f, x);
    u.sig = (x & f_fracmask(f)) << (62 - f->fbits);
    if (e) {
        u.sig |= 1ull << 62;
        u.exp = (int)e - f->bias;
    } else {
        int s = clz64(u.sig) - 1;
        u.sig <<= s;
        u.exp = 1 - f->bias - s;
    }
    return u;
}

static uint64_t shift_right_jam(uint64_t x, int n)
{
    if (n <= 0)
        return x;
    if (n >= 64)
        return x != 0;
    return (x >> n) | ((x << (64 - n)) != 0);
}

static int rc_of(const struct fpst *st)
{
    return (int)(st->mxcsr >> MXCSR_RC_SHIFT) & 3;
}

/* Drop the low n (>= 1) bits of sig, rounding by rc (0 nearest-even,
 * 1 down, 2 up, 3 toward zero) for a value of the given sign. */
static uint64_t shift_round(uint64_t sig, int n, int rc, int sign, int *inexact)
{
    uint64_t q, rem;
    int above_half, at_half;
    if (n >= 64) {
        q = 0;
        rem = sig;
        above_half = n == 64 && sig > (1ull << 63);
        at_half = n == 64 && sig == (1ull << 63);
    } else {
        uint64_t half = 1ull << (n - 1);
        q = sig >> n;
        rem = sig & ((half << 1) - 1);
        above_half = rem > half;
        at_half = rem == half;
    }
    *inexact = rem != 0;
    int up;
    switch (rc) {
    case 0: up = above_half || (at_half && (q & 1)); break;
    case 1: up = rem && sign; break;
    case 2: up = rem && !sign; break;
    default: up = 0; break;
    }
    return q + (uint64_t)up;
}

/* Round (sign, exp, sig) to the format and pack it, with the overflow,
 * underflow and precision conditions — SDM Vol. 1 "Numeric Overflow
 * Exception (#O)", "Numeric Underflow Exception (#U)", "Inexact-Result
 * (Precision) Exception (#P)", "Flush-To-Zero". */
static uint64_t round_pack(struct fpst *st, const struct fpfmt *f, int sign, int exp, uint64_t sig)
{
    if (sig >> 63) {
        sig = (sig >> 1) | (sig & 1);
        exp++;
    } else {
        int s = clz64(sig) - 1;
        sig <<= s;
        exp -= s;
    }
    int p = f->fbits + 1, rc = rc_of(st), inexact;
    int emin = 1 - f->bias;
    uint64_t q = shift_round(sig, 63 - p, rc, sign, &inexact);
    int rexp = exp;
    if (q >> p) {
        q >>= 1;
        rexp++;
    }
    unsigned masks = st->mxcsr >> MXCSR_MASK_SHIFT;
    if (rexp > f->bias) {
        st->post |= MXCSR_OE;
        if (!(masks & MXCSR_OE)) {
            if (inexact)
                st->post |= MXCSR_PE;
            return f_inf(f, sign);     /* not written: #XM follows */
        }
        st->post |= MXCSR_PE;
        /* Masked overflow result by rounding mode — SDM Vol. 1 table
         * "Masked Responses to Numeric Overflow". */
        int to_inf = rc == 0 || (rc == 1 && sign) || (rc == 2 && !sign);
        return to_inf ? f_inf(f, sign) : f_inf(f, sign) - 1;
    }
    if (rexp < emin) {
        if (!(masks & MXCSR_UE)) {
            /* Unmasked: reported for any tiny result, exact or not. */
            st->post |= MXCSR_UE | (inexact ? MXCSR_PE : 0);
            return f_zero(f, sign);
        }
        if (st->mxcsr & MXCSR_FTZ) {
            st->post |= MXCSR_UE | MXCSR_PE;
            return f_zero(f, sign);
        }
        /* Denormalise from the unrounded value (one rounding only). */
        int dinexact;
        uint64_t d = shift_round(sig, 63 - p + (emin - exp), rc, sign, &dinexact);
        if (dinexact)
            st->post |= MXCSR_UE | MXCSR_PE;
        return f_zero(f, sign) | d;    /* d = 2^fbits encodes the smallest normal */
    }
    if (inexact)
        st->post |= MXCSR_PE;
    return f_zero(f, sign) | ((uint64_t)(rexp + f->bias) << f->fbits) | (q & f_fracmask(f));
}

/* Two-operand NaN result: the first NaN operand, quieted; IE for an
 * SNaN — SDM Vol. 1 table "Rules for Handling NaNs" / Appendix E. */
static uint64_t nan2(struct fpst *st, const struct fpfmt *f, uint64_t a, int ca, uint64_t b, int cb)
{
    if (ca == C_SNAN || cb == C_SNAN)
        st->pre |= MXCSR_IE;
    return (ca >= C_QNAN ? a : b) | f_quiet(f);
}

static uint64_t invalid(struct fpst *st, const struct fpfmt *f)
{
    st->pre |= MXCSR_IE;
    return f_indefinite(f);
}

static void denormal_check(struct fpst *st, int ca, int cb)
{
    if (ca == C_DENORM || cb == C_DENORM)
        st->pre |= MXCSR_DE;
}

static uint64_t fp_add(struct fpst *st, const struct fpfmt *f, uint64_t a, int ca, uint64_t b, int cb, int sub)
{
    int sa = f_signbit(f, a), sb = f_signbit(f, b) ^ sub;
    if (ca == C_INF || cb == C_INF) {
        if (ca == C_INF && cb == C_INF && sa != sb)
            return invalid(st, f);
        denormal_check(st, ca, cb);
        return f_inf(f, ca == C_INF ? sa : sb);
    }
    denormal_check(st, ca, cb);
    if (ca == C_ZERO && cb == C_ZERO)
        return f_zero(f, sa == sb ? sa : rc_of(st) == 1);
    if (ca == C_ZERO) {
        struct unp u = unpack(f, b);
        return round_pack(st, f, sb, u.exp, u.sig);
    }
    if (cb == C_ZERO) {
        struct unp u = unpack(f, a);
        return round_pack(st, f, sa, u.exp, u.sig);
    }
    struct unp x = unpack(f, a), y = unpack(f, b);
    x.sign = sa;
    y.sign = sb;
    if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) {
        struct unp t = x;
        x = y;
        y = t;
    }
    uint64_t ys = shift_right_jam(y.sig, x.exp - y.exp), sig;
    if (x.sign == y.sign) {
        sig = x.sig + ys;
    } else {
        sig = x.sig - ys;
        if (!sig)   /* exact cancellation: +0, or -0 when rounding down */
            return f_zero(f, rc_of(st) == 1);
    }
    return round_pack(st, f, x.sign, x.exp, sig);
}

static void mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

static uint64_t fp_mul(struct fpst *st, const struct fpfmt *f, uint64_t a, int ca, uint64_t b, int cb)
{
    int s = f_signbit(f, a) ^ f_signbit(f, b);
    if (ca == C_INF || cb == C_INF) {
        if (ca == C_ZERO || cb == C_ZERO)
            return invalid(st, f);
        denormal_check(st, ca, cb);
        return f_inf(f, s);
    }
    denormal_check(st, ca, cb);
    if (ca == C_ZERO || cb == C_ZERO)
        return f_zero(f, s);
    struct unp x = unpack(f, a), y = unpack(f, b);
    uint64_t hi, lo;
    mul64(x.sig << 1, y.sig << 1, &hi, &lo);
    return round_pack(st, f, s, x.exp + y.exp, hi | (lo != 0));
}

static uint64_t fp_div(struct fpst *st, const struct fpfmt *f, uint64_t a, int ca, uint64_t b, int cb)
{
    int s = f_signbit(f, a) ^ f_signbit(f, b);
    if ((ca == C_INF && cb == C_INF) || (ca == C_ZERO && cb == C_ZERO))
        return invalid(st, f);
    if (ca == C_INF) {
        denormal_check(st, ca, cb);
        return f_inf(f, s);
    }
    if (cb == C_INF) {
        denormal_check(st, ca, cb);
        return f_zero(f, s);
    }
    if (cb == C_ZERO) {     /* finite non-zero dividend: ZE outranks DE */
        st->pre |= MXCSR_ZE;
        return f_inf(f, s);
    }
    denormal_check(st, ca, cb);
    if (ca == C_ZERO)
        return f_zero(f, s);
    struct unp x = unpack(f, a), y = unpack(f, b);
    uint64_t n = x.sig, d = y.sig, q = 0;
    int exp = x.exp - y.exp;
    if (n < d) {
        n <<= 1;
        exp--;
    }
    if (f->fbits == 23) {
        /* 24-bit significands: one host division gives 38 quotient bits. */
        uint64_t nn = n >> 38, dd = d >> 39;
        q = (nn << 37) / dd;
        return round_pack(st, f, s, exp, (q << 24) | ((nn << 37) % dd != 0));
    }
    for (int k = 62; k >= 0; k--) {
        if (n >= d) {
            n -= d;
            q |= 1ull << k;
        }
        n <<= 1;
    }
    return round_pack(st, f, s, exp, q | (n != 0));
}

/* MINPS/MAXPS and friends: any NaN operand (QNaN too) sets IE and
 * returns the second operand unchanged; two zeros of either sign also
 * return the second operand — SDM Vol. 2 "MINPS"/"MAXPS" Operation. */
static uint64_t fp_minmax(struct fpst *st, const struct fpfmt *f, uint64_t a, int ca, uint64_t b, int cb, int is_max)
{
    if (ca >= C_QNAN || cb >= C_QNAN) {
        st->pre |= MXCSR_IE;
        return b;
    }
    denormal_check(st, ca, cb);
    if (ca == C_ZERO && cb == C_ZERO)
        return b;
    int sa = f_signbit(f, a), sb = f_signbit(f, b);
    uint64_t ma = a & ~f_sign(f), mb = b & ~f_sign(f);
    int a_lt_b = sa != sb ? sa : (ma != mb && ((ma < mb) ^ sa));
    int a_gt_b = sa != sb ? sb : (ma != mb && ((ma > mb) ^ sa));
    return (is_max ? a_gt_b : a_lt_b) ? a : b;
}

uint64_t fp_binop(struct fpst *st, int fmt, int op, uint64_t a, uint64_t b)
{
    const struct fpfmt *f = &fmts[fmt];
    a = daz(st, f, a);
    b = daz(st, f, b);
    int ca = classify(f, a), cb = classify(f, b);
    if (op == FOP_MIN || op == FOP_MAX)
        return fp_minmax(st, f, a, ca, b, cb, op == FOP_MAX);
    if (ca >= C_QNAN || cb >= C_QNAN)
        return nan2(st, f, a, ca, b, cb);
    switch (op) {
    case FOP_ADD: return fp_add(st, f, a, ca, b, cb, 0);
    case FOP_SUB: return fp_add(st, f, a, ca, b, cb, 1);
    case FOP_MUL: return fp_mul(st, f, a, ca, b, cb);
    default: return fp_div(st, f, a, ca, b, cb);
    }
}

/* Square root by the digit-by-digit method on a 112-bit radicand. */
uint64_t fp_sqrt(struct fpst *st, int fmt, uint64_t a)
{
    const struct fpfmt *f = &fmts[fmt];
    a = daz(st, f, a);
    int ca = classify(f, a);
    if (ca >= C_QNAN)
        return nan2(st, f, a, ca, a, ca);
    if (ca == C_ZERO)
        return a;
    if (f_signbit(f, a))
        return invalid(st, f);
    if (ca == C_INF)
        return a;
    denormal_check(st, ca, ca);
    struct unp u = unpack(f, a);
    uint64_t s = u.sig >> 9;           /* value = s * 2^t, s in [2^53, 2^54) */
    int t = u.exp - 53;
    if (t & 1) {
        s <<= 1;
        t--;
    }
    uint64_t hi = s >> 8, lo = s << 56, root = 0, rem = 0;   /* radicand s * 2^56 */
    for (int k = 55; k >= 0; k--) {
        int bit = 2 * k;
        uint64_t two = bit >= 64 ? (hi >> (bit - 64)) & 3 : (lo >> bit) & 3;
        rem = (rem << 2) | two;
        uint64_t trial = (root << 2) | 1;
        root <<= 1;
        if (rem >= trial) {
            rem -= trial;
            root |= 1;
        }
    }
    return round_pack(st, f, 0, t / 2 + 27, (root << 7) | (rem != 0));
}

int fp_compare(struct fpst *st, int fmt, uint64_t a, uint64_t b, int signal_qnan)
{
    const struct fpfmt *f = &fmts[fmt];
    a = daz(st, f, a);
    b = daz(st, f, b);
    int ca = classify(f, a), cb = classify(f, b);
    if (ca == C_SNAN || cb == C_SNAN) {
        st->pre |= MXCSR_IE;
        return REL_UN;
    }
    if (ca == C_QNAN || cb == C_QNAN) {
        if (signal_qnan)
            st->pre |= MXCSR_IE;
        return REL_UN;
    }
    denormal_check(st, ca, cb);
    if (ca == C_ZERO && cb == C_ZERO)
        return REL_EQ;
    int sa = f_signbit(f, a), sb = f_signbit(f, b);
    if (sa != sb)
        return sa ? REL_LT : REL_GT;
    uint64_t ma = a & ~f_sign(f), mb = b & ~f_sign(f);
    if (ma == mb)
        return REL_EQ;
    return ((ma < mb) ^ sa) ? REL_LT : REL_GT;
}

/* CVTSS2SD / CVTSD2SS: a NaN keeps its sign and top fraction bits and is
 * quieted (IE for an SNaN); DE for a denormal source. */
uint64_t fp_convert(struct fpst *st, int from, uint64_t a)
{
    const struct fpfmt *f = &fmts[from], *t = &fmts[!from];
    a = daz(st, f, a);
    int ca = classify(f, a), s = f_signbit(f, a);
    if (ca >= C_QNAN) {
        if (ca == C_SNAN)
            st->pre |= MXCSR_IE;
        uint64_t fr = a & f_fracmask(f);
        fr = t->fbits > f->fbits ? fr << (t->fbits - f->fbits) : fr >> (f->fbits - t->fbits);
        return f_inf(t, s) | f_quiet(t) | fr;
    }
    if (ca == C_INF)
        return f_inf(t, s);
    if (ca == C_ZERO)
        return f_zero(t, s);
    denormal_check(st, ca, ca);
    struct unp u = unpack(f, a);
    return round_pack(st, t, s, u.exp, u.sig);
}

uint64_t fp_from_int(struct fpst *st, int fmt, int64_t v)
{
    const struct fpfmt *f = &fmts[fmt];
    if (!v)
        return 0;
    int s = v < 0;
    uint64_t m = s ? 0 - (uint64_t)v : (uint64_t)v;
    return round_pack(st, f, s, 62, m);
}

/* The integer indefinite 0x80000000 / 0x8000000000000000 — SDM Vol. 1
 * "Conversions ... from Floating-Point to Integer". */
uint64_t fp_to_int(struct fpst *st, int fmt, uint64_t a, int bits, int truncate)
{
    const struct fpfmt *f = &fmts[fmt];
    uint64_t indef = 1ull << (bits - 1);
    a = daz(st, f, a);
    int ca = classify(f, a);
    if (ca >= C_INF) {
        st->pre |= MXCSR_IE;
        return indef;
    }
    if (ca == C_ZERO)
        return 0;
    struct unp u = unpack(f, a);
    uint64_t q;
    int inexact = 0;
    if (u.exp >= 64) {
        st->pre |= MXCSR_IE;
        return indef;
    }
    if (u.exp == 63)
        q = u.sig << 1;
    else if (u.exp == 62)
        q = u.sig;
    else
        q = shift_round(u.sig, 62 - u.exp, truncate ? 3 : rc_of(st), u.sign, &inexact);
    if (q > indef - 1 + (uint64_t)u.sign) {
        st->pre |= MXCSR_IE;
        return indef;
    }
    if (inexact)
        st->post |= MXCSR_PE;
    q = u.sign ? 0 - q : q;
    return bits == 32 ? (uint32_t)q : q;
}

/* RCPPS/RCPSS: the SDM bounds the relative error by 1.5 * 2^-12; vtx
 * returns the exactly rounded (nearest-even) reciprocal, which meets
 * that bound. Denormal sources count as zero and tiny results flush to
 * zero; no flags — SDM Vol. 2 "RCPSS". */
uint32_t fp_rcp32(uint32_t a)
{
    const struct fpfmt *f = &fmts[FP32];
    int ca = classify(f, a), s = f_signbit(f, a);
    if (ca >= C_QNAN)
        return a | (uint32_t)f_quiet(f);
    if (ca == C_INF)
        return (uint32_t)f_zero(f, s);
    if (ca <= C_DENORM)
        return (uint32_t)f_inf(f, s);
    struct fpst st;
    fpst_init(&st, 0x1f80);
    uint32_t r = (uint32_t)fp_div(&st, f, 0x3f800000u, C_NORMAL, a, C_NORMAL);
    if (classify(f, r) == C_DENORM)
        r &= (uint32_t)f_sign(f);
    return r;
}

/* RSQRTPS/RSQRTSS: 1/sqrt(x) computed in double precision and rounded to
 * single (within the SDM bound of 1.5 * 2^-12; not always the correctly
 * rounded value). -0/+0 (and denormals) give -inf/+inf, negative
 * values the indefinite, +inf gives +0; no flags — SDM Vol. 2 "RSQRTSS". */
uint32_t fp_rsqrt32(uint32_t a)
{
    const struct fpfmt *f = &fmts[FP32];
    int ca = classify(f, a), s = f_signbit(f, a);
    if (ca >= C_QNAN)
        return a | (uint32_t)f_quiet(f);
    if (ca <= C_DENORM)
        return (uint32_t)f_inf(f, s);
    if (s)
        return (uint32_t)f_indefinite(f);
    if (ca == C_INF)
        return 0;
    struct fpst st;
    fpst_init(&st, 0x1f80);
    uint64_t d = fp_convert(&st, FP32, a);
    uint64_t r = fp_sqrt(&st, FP64, d);
    r = fp_binop(&st, FP64, FOP_DIV, 0x3ff0000000000000ull, r);
    return (uint32_t)fp_convert(&st, FP64, r);
}

/* SDM Vol. 1 "Generating SIMD Floating-Point Exceptions": an unmasked
 * pre-computation exception stops the instruction before the
 * computation (only the pre-computation flags are set); otherwise all
 * flags are set, and an unmasked one raises the exception with the
 * destination unchanged. Vol. 3A "Interrupt 19—SIMD Floating-Point
 * Exception (#XM)": #UD instead when CR4.OSXMMEXCPT = 0. */
void sse_fp_commit(struct cpu *c, const struct fpst *st)
{
    unsigned masks = (st->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
    unsigned raised = st->pre & ~masks ? st->pre : st->pre | st->post;
    c->mxcsr |= raised;
    if (raised & ~masks) {
        if (c->cr4 & CR4_OSXMMEXCPT)
            cpu_fault_noerr(c, EXC_XM);
        cpu_ud(c);
    }
}
