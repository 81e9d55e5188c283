/* Packed shifts — SDM Vol. 2 "PSLLW/PSLLD/PSLLQ", "PSRLW/PSRLD/PSRLQ",
 * "PSRAW/PSRAD", "PSLLDQ", "PSRLDQ": the count is the whole 64-bit low
 * quadword of the source operand or imm8; a count larger than the element
 * width clears the element (PSRA: fills it with the sign bit). */
#include "simd.h"

enum { SH_LL, SH_RL, SH_RA };

static uint64_t lane_get(const union xmm *v, int esz, int k)
{
    switch (esz) {
    case 2: return v->w[k];
    case 4: return v->d[k];
    default: return v->q[k];
    }
}

static void lane_set(union xmm *v, int esz, int k, uint64_t x)
{
    switch (esz) {
    case 2: v->w[k] = (uint16_t)x; break;
    case 4: v->d[k] = (uint32_t)x; break;
    default: v->q[k] = x; break;
    }
}

static void vshift(union xmm *v, int n, int esz, int kind, uint64_t count)
{
    int bits = esz * 8;
    uint64_t mask = esz == 8 ? ~0ull : (1ull << bits) - 1;
    for (int k = 0; k < n / esz; k++) {
        uint64_t x = lane_get(v, esz, k);
        int neg = (int)((x >> (bits - 1)) & 1);
        uint64_t r;
        if (kind == SH_RA) {
            unsigned cnt = count >= (uint64_t)bits ? (unsigned)bits - 1 : (unsigned)count;
            r = x >> cnt;
            if (neg && cnt)
                r |= mask & ~(mask >> cnt);
        } else if (count >= (uint64_t)bits) {
            r = 0;
        } else {
            r = kind == SH_LL ? (x << count) & mask : x >> count;
        }
        lane_set(v, esz, k, r);
    }
}

/* Count from a register or memory operand: mm/m64, xmm/m128 (aligned). */
static void shift_mmx(struct cpu *c, const struct insn *i, int esz, int kind)
{
    mmx_check(c);
    uint64_t count = mmx_src(c, i);
    union xmm v = { .q = { mm_get(c, i->reg), 0 } };
    vshift(&v, 8, esz, kind, count);
    mm_set(c, i->reg, v.q[0]);
    mmx_enter(c);
    rip_advance(c, i);
}

static void shift_xmm(struct cpu *c, const struct insn *i, int esz, int kind)
{
    sse_check(c);
    union xmm s;
    xmm_src(c, i, &s, 1);
    vshift(xreg(c, i->reg), 16, esz, kind, s.q[0]);
    rip_advance(c, i);
}

/* Count in imm8, register operand in ModRM.rm (groups 12, 13, 14). */
static void shift_mmx_imm(struct cpu *c, const struct insn *i, int esz, int kind)
{
    mmx_check(c);
    union xmm v = { .q = { mm_get(c, i->rm), 0 } };
    vshift(&v, 8, esz, kind, i->imm & 0xff);
    mm_set(c, i->rm, v.q[0]);
    mmx_enter(c);
    rip_advance(c, i);
}

static void shift_xmm_imm(struct cpu *c, const struct insn *i, int esz, int kind)
{
    sse_check(c);
    vshift(xreg(c, i->rm), 16, esz, kind, i->imm & 0xff);
    rip_advance(c, i);
}

#define SHIFT_OPS(name, esz, kind)                                                                        \
    void op_##name##_mm(struct cpu *c, const struct insn *i) { shift_mmx(c, i, esz, kind); }              \
    void op_##name##_xmm(struct cpu *c, const struct insn *i) { shift_xmm(c, i, esz, kind); }             \
    void op_##name##_mm_imm(struct cpu *c, const struct insn *i) { shift_mmx_imm(c, i, esz, kind); }      \
    void op_##name##_xmm_imm(struct cpu *c, const struct insn *i) { shift_xmm_imm(c, i, esz, kind); }

SHIFT_OPS(psllw, 2, SH_LL)
SHIFT_OPS(pslld, 4, SH_LL)
SHIFT_OPS(psllq, 8, SH_LL)
SHIFT_OPS(psrlw, 2, SH_RL)
SHIFT_OPS(psrld, 4, SH_RL)
SHIFT_OPS(psrlq, 8, SH_RL)
SHIFT_OPS(psraw, 2, SH_RA)
SHIFT_OPS(psrad, 4, SH_RA)

/* "PSLLDQ"/"PSRLDQ xmm, imm8": whole-register byte shift; imm8 > 15
 * clears the register. */
static void byte_shift(struct cpu *c, const struct insn *i, int left)
{
    sse_check(c);
    unsigned cnt = (unsigned)(i->imm & 0xff);
    union xmm *v = xreg(c, i->rm), r = { .q = { 0, 0 } };
    for (unsigned k = 0; k < 16; k++) {
        unsigned from = left ? k - cnt : k + cnt;   /* wraps to a large value when out of range */
        if (cnt < 16 && from < 16)
            r.b[k] = v->b[from];
    }
    *v = r;
    rip_advance(c, i);
}

void op_pslldq(struct cpu *c, const struct insn *i) { byte_shift(c, i, 1); }
void op_psrldq(struct cpu *c, const struct insn *i) { byte_shift(c, i, 0); }
