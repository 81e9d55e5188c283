/* Shifts and rotates: ROL ROR RCL RCR SHL/SAL SHR SAR, SHLD, SHRD —
 * SDM Vol. 2 "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD".
 *
 * Undefined flags, chosen as Intel CPUs (and Bochs) produce them:
 * - OF for counts > 1: SHL/ROL/RCL: CF ^ MSB(result); SHR/ROR/RCR/SHRD/
 *   SHLD: MSB(result) ^ bit below it; SAR: 0.
 * - AF for shifts with a non-zero count: 0.
 * - CF for SHL/SHR counts >= the operand width (8/16-bit only): the last
 *   bit shifted out, i.e. 0 past the width.
 * - RCL/RCR of 8/16-bit operands by a multiple of width+1 change nothing,
 *   flags included (the rotate count modulo width+1 is 0).
 * A 32-bit register destination is zero-extended even with count 0. */
#include "flags.h"
#include "mem.h"
#include "ops.h"

enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

static uint64_t top_bits(uint64_t r, int w)
{
    return ((r >> (w - 1)) ^ (r >> (w - 2))) & 1;   /* MSB ^ next */
}

static uint64_t rotate_left(uint64_t v, unsigned n, int w)
{
    uint64_t m = szmask(w / 8);
    n %= (unsigned)w;
    return n ? ((v << n) | (v >> (w - (int)n))) & m : v;
}

/* Rotate (w+1)-bit value CF:v left by n (n < w+1). */
static uint64_t rcl(uint64_t v, int cf, unsigned n, int w, int *cf_out)
{
    for (unsigned k = 0; k < n; k++) {
        int out = (int)((v >> (w - 1)) & 1);
        v = ((v << 1) | (uint64_t)cf) & szmask(w / 8);
        cf = out;
    }
    *cf_out = cf;
    return v;
}

static uint64_t rcr(uint64_t v, int cf, unsigned n, int w, int *cf_out)
{
    for (unsigned k = 0; k < n; k++) {
        int out = (int)(v & 1);
        v = (v >> 1) | ((uint64_t)cf << (w - 1));
        cf = out;
    }
    *cf_out = cf;
    return v;
}

/* Only CF and OF change for rotates. */
static void set_cf_of(struct cpu *c, int cf, int of)
{
    flags_materialize(c);
    c->rflags = (c->rflags & ~(uint64_t)(RFLAGS_CF | RFLAGS_OF)) |
                (cf ? RFLAGS_CF : 0) | (of ? RFLAGS_OF : 0);
}

/* Shift v (already masked to w bits) by a non-zero masked count n. */
static uint64_t shift(struct cpu *c, int op, uint64_t v, unsigned n, int w)
{
    int sz = w / 8, cf;
    uint64_t r;
    switch (op) {
    case SH_ROL:
        r = rotate_left(v, n, w);
        cf = (int)(r & 1);
        set_cf_of(c, cf, (int)(((r >> (w - 1)) & 1) ^ (uint64_t)cf));
        return r;
    case SH_ROR:
        r = rotate_left(v, (unsigned)w - (n % (unsigned)w), w);
        set_cf_of(c, (int)((r >> (w - 1)) & 1), (int)top_bits(r, w));
        return r;
    case SH_RCL:
        if (n % (unsigned)(w + 1) == 0)
            return v;     /* 8/16-bit count a multiple of w+1: flags unchanged */
        r = rcl(v, flag_cf(c), n % (unsigned)(w + 1), w, &cf);
        set_cf_of(c, cf, (int)(((r >> (w - 1)) & 1) ^ (uint64_t)cf));
        return r;
    case SH_RCR:
        if (n % (unsigned)(w + 1) == 0)
            return v;
        r = rcr(v, flag_cf(c), n % (unsigned)(w + 1), w, &cf);
        set_cf_of(c, cf, (int)top_bits(r, w));
        return r;
    case SH_SHL:
    case SH_SAL:
        r = n >= 64 ? 0 : (v << n) & szmask(sz);
        cf = n <= (unsigned)w ? (int)((v >> (w - (int)n)) & 1) : 0;
        lf_set(c, r, sz, cf, (int)(((r >> (w - 1)) & 1) ^ (uint64_t)cf), 0);
        return r;
    case SH_SHR:
        r = n >= 64 ? 0 : v >> n;
        cf = n <= (unsigned)w ? (int)((v >> (n - 1)) & 1) : 0;
        lf_set(c, r, sz, cf, (int)top_bits(r, w), 0);
        return r;
    default: { /* SAR */
        int64_t s = (int64_t)sext(v, sz);
        unsigned k = n >= (unsigned)w ? (unsigned)w - 1 : n;
        r = (uint64_t)(s >> k) & szmask(sz);
        cf = (int)(((uint64_t)s >> (n >= (unsigned)w ? (unsigned)w - 1 : n - 1)) & 1);
        lf_set(c, r, sz, cf, 0, 0);
        return r;
    }
    }
}

static void shift_E(struct cpu *c, const struct insn *i, unsigned count)
{
    int sz = i->osz, w = sz * 8;
    unsigned n = count & (sz == 8 ? 63u : 31u);
    struct rmw m;
    uint64_t v = e_rmw_begin(c, i, &m, sz);
    if (n)
        rmw_end(c, &m, sz, shift(c, i->reg & 7, v, n, w));
    else if (i->mod == 3 && sz == 4)
        reg_set(c, i->rm, 4, v);
    rip_advance(c, i);
}

void op_shift_EI(struct cpu *c, const struct insn *i) { shift_E(c, i, (unsigned)i->imm & 0xff); }
void op_shift_E1(struct cpu *c, const struct insn *i) { shift_E(c, i, 1); }
void op_shift_ECL(struct cpu *c, const struct insn *i) { shift_E(c, i, (unsigned)c->r[R_CX] & 0xff); }

/* SHLD/SHRD: a count greater than a 16-bit operand's width gives an
 * undefined result; vtx shifts through the 32-bit concatenation as Intel
 * CPUs do. */
static void shxd(struct cpu *c, const struct insn *i, unsigned count, int left)
{
    int sz = i->osz, w = sz * 8;
    unsigned n = count & (sz == 8 ? 63u : 31u);
    struct rmw m;
    uint64_t d = e_rmw_begin(c, i, &m, sz);
    uint64_t s = reg_get(c, i->reg, sz);
    if (!n) {
        if (i->mod == 3 && sz == 4)
            reg_set(c, i->rm, 4, d);
        rip_advance(c, i);
        return;
    }
    uint64_t r;
    int cf;
    if (w == 16) {
        /* Counts 17..31 shift the 48-bit pattern d:s:d, as P6 and later do. */
        uint64_t x = (d << 32) | (s << 16) | d;
        if (left) {
            r = ((x << n) >> 32) & 0xffff;
            cf = (int)((x >> (48 - n)) & 1);
        } else {
            r = (x >> n) & 0xffff;
            cf = (int)((d >> (n - 1)) & 1);
        }
    } else if (left) {
        r = ((d << n) | (s >> (w - (int)n))) & szmask(sz);
        cf = (int)((d >> (w - (int)n)) & 1);
    } else {
        r = ((d >> n) | (s << (w - (int)n))) & szmask(sz);
        cf = (int)((d >> (n - 1)) & 1);
    }
    rmw_end(c, &m, sz, r);
    int of = left ? (int)(((r >> (w - 1)) & 1) ^ (uint64_t)cf) : (int)top_bits(r, w);
    lf_set(c, r, sz, cf, of, 0);
    rip_advance(c, i);
}

void op_shld_I(struct cpu *c, const struct insn *i) { shxd(c, i, (unsigned)i->imm & 0xff, 1); }
void op_shld_CL(struct cpu *c, const struct insn *i) { shxd(c, i, (unsigned)c->r[R_CX] & 0xff, 1); }
void op_shrd_I(struct cpu *c, const struct insn *i) { shxd(c, i, (unsigned)i->imm & 0xff, 0); }
void op_shrd_CL(struct cpu *c, const struct insn *i) { shxd(c, i, (unsigned)c->r[R_CX] & 0xff, 0); }

/* Register forms of 32/64-bit shifts and rotates, chosen at decode time in
 * 64-bit mode (fastpath.c): the same shift(), without the operand fetch. */
static void shift_reg(struct cpu *c, const struct insn *i, unsigned count, int sz)
{
    unsigned n = count & (sz == 8 ? 63u : 31u);
    uint64_t v = sz == 8 ? c->r[i->rm] : (c->r[i->rm] & 0xffffffffull);
    if (n)
        v = shift(c, i->reg & 7, v, n, sz * 8);
    c->r[i->rm] = v;
    c->rip += i->len;
}

void fp_shift_r64_imm(struct cpu *c, const struct insn *i) { shift_reg(c, i, (unsigned)i->imm & 0xff, 8); }
void fp_shift_r32_imm(struct cpu *c, const struct insn *i) { shift_reg(c, i, (unsigned)i->imm & 0xff, 4); }
void fp_shift_r64_1(struct cpu *c, const struct insn *i) { shift_reg(c, i, 1, 8); }
void fp_shift_r32_1(struct cpu *c, const struct insn *i) { shift_reg(c, i, 1, 4); }
void fp_shift_r64_cl(struct cpu *c, const struct insn *i) { shift_reg(c, i, (unsigned)c->r[R_CX] & 0xff, 8); }
void fp_shift_r32_cl(struct cpu *c, const struct insn *i) { shift_reg(c, i, (unsigned)c->r[R_CX] & 0xff, 4); }
