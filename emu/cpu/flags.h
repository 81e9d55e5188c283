/* Lazy arithmetic flags — SDM Vol. 1, "Status Flags".
 *
 * An arithmetic instruction stores its result sign-extended to 64 bits in
 * lf.res and its carry-out vector, condensed, in lf.aux:
 *   bit 63 = CF (carry/borrow out of the top bit),
 *   bit 62 = carry/borrow out of the bit below the top (OF = b63 ^ b62),
 *   bit 0  = AF (carry/borrow out of bit 3).
 * ZF, SF and PF are derived from lf.res. Instructions that set flags some
 * other way choose res/aux to encode them, or materialise the flags into
 * rflags (lf.valid = false). */
#ifndef EMU_FLAGS_H
#define EMU_FLAGS_H

#include "cpu.h"

static inline uint64_t sext(uint64_t v, int sz)
{
    switch (sz) {
    case 1: return (uint64_t)(int64_t)(int8_t)v;
    case 2: return (uint64_t)(int64_t)(int16_t)v;
    case 4: return (uint64_t)(int64_t)(int32_t)v;
    default: return v;
    }
}

static inline uint64_t szmask(int sz)
{
    return sz == 8 ? ~0ull : (1ull << (sz * 8)) - 1;
}

/* Record an arithmetic result and its carry-out vector `cout`. */
static inline void lf_arith(struct cpu *c, uint64_t res, uint64_t cout, int sz)
{
    c->lf.res = sext(res, sz);
    c->lf.aux = ((cout << (64 - sz * 8)) & (3ull << 62)) | ((cout >> 3) & 1);
    c->lf.valid = true;
}

/* Record a result with explicit CF, OF and AF. */
static inline void lf_set(struct cpu *c, uint64_t res, int sz, int cf, int of, int af)
{
    c->lf.res = sext(res, sz);
    c->lf.aux = ((uint64_t)cf << 63) | ((uint64_t)(cf ^ of) << 62) | (uint64_t)af;
    c->lf.valid = true;
}

/* Carry-out vectors — SDM Vol. 1 "ADD"/"SUB": bit i is the carry (borrow)
 * out of bit i. */
static inline uint64_t cout_add(uint64_t a, uint64_t b, uint64_t r)
{
    return (a & b) | ((a | b) & ~r);
}
static inline uint64_t cout_sub(uint64_t a, uint64_t b, uint64_t r)
{
    return (~a & b) | (~(a ^ b) & r);
}

static inline int parity8(uint64_t v)
{
    unsigned x = (unsigned)v & 0xff;
    x ^= x >> 4;
    return !((0x6996u >> (x & 0xf)) & 1);   /* 1 when the byte has even parity */
}

static inline int flag_cf(const struct cpu *c)
{
    return c->lf.valid ? (int)(c->lf.aux >> 63) : (int)(c->rflags & RFLAGS_CF);
}
static inline int flag_of(const struct cpu *c)
{
    return c->lf.valid ? (int)(((c->lf.aux >> 63) ^ (c->lf.aux >> 62)) & 1)
                       : !!(c->rflags & RFLAGS_OF);
}
static inline int flag_af(const struct cpu *c)
{
    return c->lf.valid ? (int)(c->lf.aux & 1) : !!(c->rflags & RFLAGS_AF);
}
static inline int flag_zf(const struct cpu *c)
{
    return c->lf.valid ? c->lf.res == 0 : !!(c->rflags & RFLAGS_ZF);
}
static inline int flag_sf(const struct cpu *c)
{
    return c->lf.valid ? (int)(c->lf.res >> 63) : !!(c->rflags & RFLAGS_SF);
}
static inline int flag_pf(const struct cpu *c)
{
    return c->lf.valid ? parity8(c->lf.res) : !!(c->rflags & RFLAGS_PF);
}

/* Fold the lazy flags into rflags (afterwards rflags is authoritative). */
static inline void flags_materialize(struct cpu *c)
{
    if (!c->lf.valid)
        return;
    uint64_t f = c->rflags & ~(uint64_t)RFLAGS_ARITH;
    f |= flag_cf(c) ? RFLAGS_CF : 0;
    f |= flag_pf(c) ? RFLAGS_PF : 0;
    f |= flag_af(c) ? RFLAGS_AF : 0;
    f |= flag_zf(c) ? RFLAGS_ZF : 0;
    f |= flag_sf(c) ? RFLAGS_SF : 0;
    f |= flag_of(c) ? RFLAGS_OF : 0;
    c->rflags = f;
    c->lf.valid = false;
}

/* Set or clear one status flag, keeping the others. */
static inline void flag_put(struct cpu *c, uint64_t bit, int on)
{
    flags_materialize(c);
    c->rflags = on ? (c->rflags | bit) : (c->rflags & ~bit);
}

/* Condition codes tttn — SDM Vol. 2, Appendix B "Condition Test Field". */
static inline int cond(const struct cpu *c, int cc)
{
    int r;
    switch (cc >> 1) {
    case 0: r = flag_of(c); break;
    case 1: r = flag_cf(c); break;
    case 2: r = flag_zf(c); break;
    case 3: r = flag_cf(c) | flag_zf(c); break;
    case 4: r = flag_sf(c); break;
    case 5: r = flag_pf(c); break;
    case 6: r = flag_sf(c) != flag_of(c); break;
    default: r = flag_zf(c) | (flag_sf(c) != flag_of(c)); break;
    }
    return r ^ (cc & 1);
}

#endif
