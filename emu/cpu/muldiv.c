/* MUL, IMUL (one, two and three operands), DIV, IDIV — SDM Vol. 2.
 * Undefined flags as Intel CPUs (and Bochs) leave them: after MUL/IMUL,
 * SF, ZF and PF follow the low half of the product and AF is 0; DIV and
 * IDIV leave every flag unchanged. */
#include "flags.h"
#include "mem.h"
#include "ops.h"

/* 64 x 64 -> 128-bit unsigned product in hi:lo. */
static void mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t al = a & 0xffffffff, ah = a >> 32, bl = b & 0xffffffff, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
    *lo = (ll & 0xffffffff) | (mid << 32);
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static void imul64(int64_t a, int64_t b, uint64_t *hi, uint64_t *lo)
{
    mul64((uint64_t)a, (uint64_t)b, hi, lo);
    if (a < 0)
        *hi -= (uint64_t)b;
    if (b < 0)
        *hi -= (uint64_t)a;
}

/* Full product of a and b at size sz: low and high halves. */
static void product(uint64_t a, uint64_t b, int sz, int is_signed, uint64_t *hi, uint64_t *lo)
{
    int w = sz * 8;
    if (sz == 8) {
        if (is_signed)
            imul64((int64_t)a, (int64_t)b, hi, lo);
        else
            mul64(a, b, hi, lo);
        return;
    }
    uint64_t p = is_signed ? (uint64_t)((int64_t)sext(a, sz) * (int64_t)sext(b, sz)) : a * b;
    *lo = p & szmask(sz);
    *hi = (p >> w) & szmask(sz);
}

static void mul_flags(struct cpu *c, uint64_t lo, int sz, int overflow)
{
    lf_set(c, lo, sz, overflow, overflow, 0);
}

void op_mul(struct cpu *c, const struct insn *i)
{
    int sz = i->osz;
    uint64_t hi, lo, src = e_read(c, i, sz);
    product(reg_get(c, R_AX, sz), src, sz, 0, &hi, &lo);
    if (sz == 1) {
        reg_set(c, R_AX, 2, (hi << 8) | lo);
    } else {
        reg_set(c, R_AX, sz, lo);
        reg_set(c, R_DX, sz, hi);
    }
    mul_flags(c, lo, sz, hi != 0);
    rip_advance(c, i);
}

void op_imul1(struct cpu *c, const struct insn *i)
{
    int sz = i->osz;
    uint64_t hi, lo, src = e_read(c, i, sz);
    product(reg_get(c, R_AX, sz), src, sz, 1, &hi, &lo);
    if (sz == 1) {
        reg_set(c, R_AX, 2, (hi << 8) | lo);
    } else {
        reg_set(c, R_AX, sz, lo);
        reg_set(c, R_DX, sz, hi);
    }
    uint64_t sign_fill = (sext(lo, sz) >> 63) ? szmask(sz) : 0;
    mul_flags(c, lo, sz, hi != sign_fill);
    rip_advance(c, i);
}

static void imul_to_reg(struct cpu *c, const struct insn *i, uint64_t a, uint64_t b)
{
    int sz = i->osz;
    uint64_t hi, lo;
    product(a, b, sz, 1, &hi, &lo);
    uint64_t sign_fill = (sext(lo, sz) >> 63) ? szmask(sz) : 0;
    reg_set(c, i->reg, sz, lo);
    mul_flags(c, lo, sz, hi != sign_fill);
    rip_advance(c, i);
}

void op_imul_GE(struct cpu *c, const struct insn *i)
{
    uint64_t b = e_read(c, i, i->osz);
    imul_to_reg(c, i, reg_get(c, i->reg, i->osz), b);
}

void op_imul_GEI(struct cpu *c, const struct insn *i)
{
    uint64_t a = e_read(c, i, i->osz);
    imul_to_reg(c, i, a, i->imm & szmask(i->osz));
}

/* 128 / 64 unsigned division; false if the quotient does not fit. */
static bool div128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *q, uint64_t *r)
{
    if (hi >= d)
        return false;
    if (hi == 0) {          /* the common case: a 64-bit dividend */
        *q = lo / d;
        *r = lo % d;
        return true;
    }
    uint64_t quo = 0, rem = hi;
    for (int k = 63; k >= 0; k--) {
        uint64_t top = rem >> 63;
        rem = (rem << 1) | ((lo >> k) & 1);
        if (top || rem >= d) {
            rem -= d;
            quo |= 1ull << k;
        }
    }
    *q = quo;
    *r = rem;
    return true;
}

static void div_store(struct cpu *c, int sz, uint64_t q, uint64_t r)
{
    if (sz == 1) {
        reg_set(c, R_AX, 2, ((r & 0xff) << 8) | (q & 0xff));
    } else {
        reg_set(c, R_AX, sz, q);
        reg_set(c, R_DX, sz, r);
    }
}

/* #DE on a zero divisor or a quotient too large — SDM "DIV". */
void op_div(struct cpu *c, const struct insn *i)
{
    int sz = i->osz;
    uint64_t d = e_read(c, i, sz);
    if (d == 0)
        cpu_fault_noerr(c, EXC_DE);
    uint64_t q, r;
    if (sz == 8) {
        if (!div128(c->r[R_DX], c->r[R_AX], d, &q, &r))
            cpu_fault_noerr(c, EXC_DE);
    } else {
        uint64_t n = sz == 1 ? reg_get(c, R_AX, 2)
                             : (reg_get(c, R_DX, sz) << (sz * 8)) | reg_get(c, R_AX, sz);
        q = n / d;
        r = n % d;
        if (q > szmask(sz))
            cpu_fault_noerr(c, EXC_DE);
    }
    div_store(c, sz, q, r);
    rip_advance(c, i);
}

void op_idiv(struct cpu *c, const struct insn *i)
{
    int sz = i->osz;
    int64_t d = (int64_t)sext(e_read(c, i, sz), sz);
    if (d == 0)
        cpu_fault_noerr(c, EXC_DE);
    uint64_t q, r;
    if (sz == 8) {
        uint64_t hi = c->r[R_DX], lo = c->r[R_AX];
        int nneg = (int64_t)hi < 0, dneg = d < 0;
        if (nneg) {                      /* |dividend| as 128 bits */
            lo = ~lo + 1;
            hi = ~hi + (lo == 0);
        }
        uint64_t ad = dneg ? 0 - (uint64_t)d : (uint64_t)d, uq, ur;
        if (!div128(hi, lo, ad, &uq, &ur))
            cpu_fault_noerr(c, EXC_DE);
        int qneg = nneg ^ dneg;
        if (uq > (qneg ? (1ull << 63) : (1ull << 63) - 1))
            cpu_fault_noerr(c, EXC_DE);
        q = qneg ? 0 - uq : uq;
        r = nneg ? 0 - ur : ur;
    } else {
        int64_t n = sz == 1 ? (int64_t)sext(reg_get(c, R_AX, 2), 2)
                            : (int64_t)sext((reg_get(c, R_DX, sz) << (sz * 8)) | reg_get(c, R_AX, sz), sz * 2);
        if (d == -1 && n == INT64_MIN)
            cpu_fault_noerr(c, EXC_DE);     /* would overflow the host too */
        int64_t sq = n / d, sr = n % d;
        int64_t lim = (int64_t)1 << (sz * 8 - 1);
        if (sq >= lim || sq < -lim)
            cpu_fault_noerr(c, EXC_DE);
        q = (uint64_t)sq;
        r = (uint64_t)sr;
    }
    div_store(c, sz, q, r);
    rip_advance(c, i);
}
