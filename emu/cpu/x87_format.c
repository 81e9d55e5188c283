/* x87 data formats: the 80-bit register image, its classes, NaN
 * propagation, and exact conversions from and to the memory formats —
 * SDM Vol. 1, chapter "Data Types" and "x87 FPU Data Types". */
#include "x87.h"

/* SDM Vol. 1 "Indefinites": the real indefinite is a negative QNaN with
 * significand 1.1000…0. */
const struct fx80 FX80_INDEFINITE = { 0xc000000000000000ull, 0xffff };

struct fx80 fx80_load(const uint8_t b[10])
{
    struct fx80 v = { 0, 0 };
    for (int k = 7; k >= 0; k--)
        v.sig = (v.sig << 8) | b[k];
    v.se = (uint16_t)(b[8] | (b[9] << 8));
    return v;
}

void fx80_store(uint8_t b[10], struct fx80 v)
{
    for (int k = 0; k < 8; k++)
        b[k] = (uint8_t)(v.sig >> (8 * k));
    b[8] = (uint8_t)v.se;
    b[9] = (uint8_t)(v.se >> 8);
}

struct fx80 fx80_make(int sign, int bexp, uint64_t sig)
{
    struct fx80 v = { sig, (uint16_t)(((unsigned)sign << 15) | ((unsigned)bexp & 0x7fff)) };
    return v;
}

struct fx80 fx80_zero(int sign)
{
    return fx80_make(sign, 0, 0);
}

struct fx80 fx80_inf(int sign)
{
    return fx80_make(sign, 0x7fff, 1ull << 63);
}

/* SDM Vol. 1 "Unsupported Double Extended-Precision Floating-Point
 * Encodings and Pseudo-Denormals": a clear J bit with a non-zero exponent
 * (unnormal, pseudo-infinity, pseudo-NaN) is unsupported; exponent 0 with
 * J set (pseudo-denormal) is an operand the FPU accepts as a denormal. */
enum xclass fx80_class(struct fx80 v)
{
    int e = FX80_EXP(v);
    if (e == 0)
        return v.sig ? XC_DENORM : XC_ZERO;
    if (!(v.sig >> 63))
        return XC_UNSUP;
    if (e == 0x7fff) {
        if (!(v.sig << 1))
            return XC_INF;
        return (v.sig >> 62) & 1 ? XC_QNAN : XC_SNAN;
    }
    return XC_NORMAL;
}

static int clz64(uint64_t x)
{
    int n = 0;
    for (int s = 32; s; s >>= 1) {
        if (!(x >> (64 - s))) {
            n += s;
            x <<= s;
        }
    }
    return n;
}

/* Denormals and pseudo-denormals have the exponent of the smallest normal
 * (the pseudo-denormal's biased 0 means 1, as for denormals). */
struct xnum fx80_unpack(struct fx80 v)
{
    struct xnum n = { FX80_SIGN(v), 0, v.sig, 0 };
    if (!v.sig)
        return n;
    int e = FX80_EXP(v);
    int z = clz64(v.sig);
    n.sig <<= z;
    n.exp = (e ? e : 1) - EXT_BIAS - z;
    return n;
}

struct fx80 xres_to_fx80(struct xres r)
{
    return fx80_make(r.sign, (int)r.bexp, r.sig);
}

/* SDM Vol. 1 table "Rules for Handling NaNs" (x87 column): SNaN and QNaN →
 * the QNaN; two SNaNs or two QNaNs → the one with the larger significand
 * (equal significands: the positive one, as Bochs does); an SNaN is
 * returned quieted. */
struct fx80 fx80_nan_result(struct fx80 a, const struct fx80 *b, unsigned *exc)
{
    enum xclass ka = fx80_class(a), kb = b ? fx80_class(*b) : XC_ZERO;
    bool an = ka == XC_QNAN || ka == XC_SNAN, bn = kb == XC_QNAN || kb == XC_SNAN;
    if (ka == XC_SNAN || kb == XC_SNAN)
        *exc |= FSW_IE;
    struct fx80 qa = a, qb = b ? *b : a;
    qa.sig |= 1ull << 62;
    qb.sig |= 1ull << 62;
    if (!bn)
        return qa;
    if (!an)
        return qb;
    if (ka != kb)
        return ka == XC_QNAN ? qa : qb;
    if (qa.sig != qb.sig)
        return qa.sig > qb.sig ? qa : qb;
    return qa.se <= qb.se ? qa : qb;
}

/* A binary32/binary64 value to extended: exact. `fbits` fraction bits,
 * `emax` the format's bias. NaN payloads keep their quiet bit (SNaNs are
 * not quieted here: the operation using them decides). */
static struct fx80 from_ieee(int sign, int32_t e, uint64_t frac, int fbits, int32_t emax, bool *denormal)
{
    int shift = 63 - fbits;
    if (e == 2 * emax + 1)
        return fx80_make(sign, 0x7fff, (1ull << 63) | (frac << shift));
    if (e == 0) {
        if (!frac)
            return fx80_zero(sign);
        *denormal = true;
        uint64_t sig = frac << shift;
        int z = clz64(sig);
        return fx80_make(sign, (int)(1 - emax - z + EXT_BIAS), sig << z);
    }
    return fx80_make(sign, (int)(e - emax + EXT_BIAS), (1ull << 63) | (frac << shift));
}

struct fx80 fx80_from_f32(uint32_t v, bool *denormal)
{
    return from_ieee((int)(v >> 31), (int32_t)((v >> 23) & 0xff), v & 0x7fffff, 23, 127, denormal);
}

struct fx80 fx80_from_f64(uint64_t v, bool *denormal)
{
    return from_ieee((int)(v >> 63), (int32_t)((v >> 52) & 0x7ff), v & 0xfffffffffffffull, 52, 1023,
                     denormal);
}

struct fx80 fx80_from_mag(int sign, uint64_t m)
{
    if (!m)
        return fx80_zero(sign);
    int z = clz64(m);
    return fx80_make(sign, 63 - z + EXT_BIAS, m << z);
}

struct fx80 fx80_from_int(int64_t v)
{
    return fx80_from_mag(v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

/* ST(0) to binary32/binary64 for FST/FSTP — SDM "FST/FSTP": rounded per
 * FCW.RC; #IA for an SNaN or an unsupported encoding (masked: the quieted
 * NaN, or the indefinite); #O, #U, #P; no #D. */
static uint64_t to_ieee(struct fx80 v, const struct xfmt *f, uint16_t fcw, unsigned *exc, bool *up)
{
    int fbits = f->prec - 1;
    int ebits = f->emax == 127 ? 8 : 11;
    uint64_t sign = (uint64_t)FX80_SIGN(v) << (fbits + ebits);
    uint64_t einf = (uint64_t)(2 * f->emax + 1) << fbits;
    uint64_t qbit = 1ull << (fbits - 1);
    switch (fx80_class(v)) {
    case XC_ZERO:
        return sign;
    case XC_INF:
        return sign | einf;
    case XC_SNAN:
        *exc |= FSW_IE;
        /* fall through */
    case XC_QNAN:
        return sign | einf | qbit | ((v.sig << 1) >> (64 - fbits));
    case XC_UNSUP:
        *exc |= FSW_IE;
        return ((uint64_t)1 << (fbits + ebits)) | einf | qbit;
    default:
        break;
    }
    struct xres r = x87_round(f, (fcw >> FCW_RC_SHIFT) & 3, fcw, fx80_unpack(v), exc, up);
    return ((uint64_t)r.sign << (fbits + ebits)) | ((uint64_t)r.bexp << fbits) |
           ((r.sig << 1) >> (64 - fbits));
}

uint32_t fx80_to_f32(struct fx80 v, uint16_t fcw, unsigned *exc, bool *up)
{
    return (uint32_t)to_ieee(v, &XFMT_F32, fcw, exc, up);
}

uint64_t fx80_to_f64(struct fx80 v, uint16_t fcw, unsigned *exc, bool *up)
{
    return to_ieee(v, &XFMT_F64, fcw, exc, up);
}
