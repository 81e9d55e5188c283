/* The bridge to the host's long double: the one correctly rounded step of
 * FADD/FSUB/FMUL/FDIV/FSQRT, done by the host FPU under <fenv.h> rounding
 * control, and calls into libm for the transcendental instructions.
 *
 * This relies on the host's long double being the x87 double extended
 * format (64-bit significand, 15-bit exponent, stored little-endian in the
 * first 10 bytes), as on x86-64 and i386 Linux: register images are copied
 * in and out with memcpy. x87_host_ok() checks it at run time; a host
 * without it advertises no FPU (features.h) and x87 opcodes raise #UD.
 *
 * Every host computation is bracketed: the host environment is saved,
 * the rounding mode set and the flags cleared, and the environment is
 * restored before returning, so nothing leaks into the emulator and no
 * guest fault (a longjmp) can happen in between. Operands go through
 * volatile objects so the compiler cannot move the arithmetic across the
 * fenv calls (C11 has #pragma STDC FENV_ACCESS, which gcc does not support).
 *
 * Precision control and exponent range are not the host's business: the
 * operands are scaled into [1, 2) first, so the host result is the exactly
 * rounded significand with an unbounded exponent; narrower precisions use
 * round-to-odd (round toward zero, then OR the inexact flag into the last
 * bit), which makes the second rounding in x87_round exact. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "x87.h"

_Static_assert(sizeof(long double) >= 10, "the x87 model needs a long double of at least 10 bytes");

static const int host_round[4] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };

static long double ld_of(struct fx80 v)
{
    uint8_t b[sizeof(long double)];
    long double x;
    memset(b, 0, sizeof b);
    fx80_store(b, v);
    memcpy(&x, b, sizeof x);
    return x;
}

static struct fx80 fx_of(long double x)
{
    uint8_t b[sizeof(long double)];
    memcpy(b, &x, sizeof b);
    return fx80_load(b);
}

long double x87_to_ld(struct fx80 v)
{
    return ld_of(v);
}

struct fx80 x87_from_ld(long double x)
{
    return fx_of(x);
}

bool x87_host_ok(void)
{
    if (LDBL_MANT_DIG != 64 || LDBL_MAX_EXP != 16384)
        return false;
    struct fx80 one = fx_of(1.0L);
    if (one.se != 0x3fff || one.sig != 1ull << 63)
        return false;
    volatile long double x = 1.0L, y = 0x1p-63L;   /* the host FPU's own precision control */
    volatile long double z = x + y;
    return z != x;
}

/* A value with the given significand and biased exponent, or (exp below
 * the normal range) the denormal it denotes — exact for any operand that
 * came from a register or a memory format. */
static long double ld_num(struct xnum n, int32_t exp)
{
    int32_t b = exp + EXT_BIAS;
    if (b >= 1)
        return ld_of(fx80_make(n.sign, (int)b, n.sig));
    return ld_of(fx80_make(n.sign, 0, 1 - b >= 64 ? 0 : n.sig >> (1 - b)));
}

static int host_flags(int fe)
{
    int f = 0;
    f |= (fe & FE_INVALID) ? FSW_IE : 0;
    f |= (fe & FE_DIVBYZERO) ? FSW_ZE : 0;
    f |= (fe & FE_OVERFLOW) ? FSW_OE : 0;
    f |= (fe & FE_UNDERFLOW) ? FSW_UE : 0;
    f |= (fe & FE_INEXACT) ? FSW_PE : 0;
    return f;
}

/* x op y in the host with rounding rc: the FSW flags the host raised. */
static int host_op(enum xop op, long double x, long double y, int rc, long double *res)
{
    volatile long double vx = x, vy = y, vr = 0;
    fenv_t saved;
    feholdexcept(&saved);
    fesetround(host_round[rc]);
    switch (op) {
    case XOP_MUL: vr = vx * vy; break;
    case XOP_DIV: vr = vx / vy; break;
    case XOP_SQRT: vr = sqrtl(vx); break;
    default: vr = vx + vy; break;
    }
    int fe = fetestexcept(FE_ALL_EXCEPT);
    fesetenv(&saved);
    *res = vr;
    return host_flags(fe);
}

/* a op b for finite non-zero a, b, rounded once by the host to a 64-bit
 * significand with rounding rc and unbounded exponent. The operands are
 * scaled into [1, 2) (sqrt: [1, 4)); an addend more than 66 binades below
 * the other only contributes a sticky bit, so it is replaced by a tiny one
 * that keeps every rounding the same. */
static struct xnum scaled(enum xop op, struct xnum a, struct xnum b, int rc, bool *inexact)
{
    long double x, y = 0, r;
    int32_t base;
    if (op == XOP_ADD && a.exp < b.exp) {
        struct xnum t = a;
        a = b;
        b = t;
    }
    x = ld_num(a, 0);
    switch (op) {
    case XOP_MUL: y = ld_num(b, 0); base = a.exp + b.exp; break;
    case XOP_DIV: y = ld_num(b, 0); base = a.exp - b.exp; break;
    case XOP_SQRT: {
        int32_t odd = a.exp % 2 != 0;
        x = ld_num(a, odd);
        base = (a.exp - odd) / 2;
        break;
    }
    default: {
        int32_t d = a.exp - b.exp;
        struct xnum tiny = { b.sign, 0, 1ull << 63, 0 };
        y = d <= 66 ? ld_num(b, -d) : ld_num(tiny, -68);
        base = a.exp;
        break;
    }
    }
    *inexact = host_op(op, x, y, rc, &r) & FSW_PE;
    struct fx80 v = fx_of(r);
    struct xnum n = { FX80_SIGN(v), base + FX80_EXP(v) - EXT_BIAS, v.sig, 0 };
    return n;
}

/* Masked underflow at full precision: the host computes on the real
 * operands and denormalises with a single rounding, as the x87 does. */
static struct xres tiny_direct(enum xop op, struct xnum a, struct xnum b, int rc, unsigned *exc, bool *up)
{
    long double x = ld_num(a, a.exp), y = op == XOP_SQRT ? 0 : ld_num(b, b.exp), r, z;
    int f = host_op(op, x, y, rc, &r);
    *up = false;
    if (f & FSW_PE) {
        *exc |= FSW_UE | FSW_PE;
        if (rc != RC_ZERO) {
            host_op(op, x, y, RC_ZERO, &z);
            *up = r != z;
        }
    }
    struct fx80 v = fx_of(r);
    struct xres res = { FX80_SIGN(v), FX80_EXP(v), v.sig };
    return res;
}

struct xres x87_host_arith(enum xop op, struct xnum a, struct xnum b, uint16_t fcw, unsigned *exc, bool *up)
{
    int rc = (fcw >> FCW_RC_SHIFT) & 3;
    const struct xfmt *f = x87_pc_fmt(fcw);
    bool inexact;
    if (op == XOP_SUB) {
        op = XOP_ADD;
        b.sign ^= 1;
    }
    if (f->prec < 64) {
        struct xnum n = scaled(op, a, b, RC_ZERO, &inexact);
        n.sig |= inexact;                          /* round to odd */
        return x87_round(f, rc, fcw, n, exc, up);
    }
    struct xnum n = scaled(op, a, b, rc, &inexact);
    *up = false;
    if (inexact && rc != RC_ZERO) {
        bool dummy;
        struct xnum z = scaled(op, a, b, RC_ZERO, &dummy);
        *up = z.exp != n.exp || z.sig != n.sig;
    }
    if (n.exp > EXT_EMAX) {
        if (fcw & FCW_OM)
            return x87_round(&XFMT_EXT, rc, fcw, n, exc, up);   /* infinity or the largest */
        *exc |= FSW_OE | (inexact ? FSW_PE : 0);
        return (struct xres){ n.sign, n.exp - XFMT_EXT.adjust + EXT_BIAS, n.sig };
    }
    if (n.exp < EXT_EMIN) {
        if (fcw & FCW_UM)
            return tiny_direct(op, a, b, rc, exc, up);
        *exc |= FSW_UE | (inexact ? FSW_PE : 0);
        return (struct xres){ n.sign, n.exp + XFMT_EXT.adjust + EXT_BIAS, n.sig };
    }
    *exc |= inexact ? FSW_PE : 0;
    return (struct xres){ n.sign, n.exp + EXT_BIAS, n.sig };
}

long double x87_host_call(long double (*fn)(long double, long double), long double x, long double y,
                          unsigned *exc)
{
    volatile long double vx = x, vy = y, vr;
    fenv_t saved;
    feholdexcept(&saved);
    fesetround(FE_TONEAREST);
    vr = fn(vx, vy);
    int fe = fetestexcept(FE_ALL_EXCEPT);
    fesetenv(&saved);
    *exc |= (unsigned)host_flags(fe);
    return vr;
}
