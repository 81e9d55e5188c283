/* Rearranging instructions: packs with saturation, unpacks (integer and
 * floating-point), shuffles, word insert/extract and byte masks — SDM
 * Vol. 2 "PACKSSWB/PACKSSDW", "PACKUSWB", "PUNPCKLBW…", "PUNPCKHBW…",
 * "UNPCKLPS" …, "PSHUFD", "PSHUFHW", "PSHUFLW", "PSHUFW", "SHUFPS",
 * "SHUFPD", "PINSRW", "PEXTRW", "PMOVMSKB". */
#include "simd.h"

/* ---- packs: destination elements first, then source elements ---- */

static int sat(int64_t v, int64_t lo, int64_t hi)
{
    return (int)(v < lo ? lo : v > hi ? hi : v);
}

static void v_packsswb(union xmm *d, const union xmm *s, int n)
{
    union xmm r;
    int m = n / 2;      /* words per operand */
    for (int k = 0; k < n; k++) {
        const union xmm *src = k < m ? d : s;
        r.b[k] = (uint8_t)sat((int16_t)src->w[k % m], -128, 127);
    }
    memcpy(d, &r, (size_t)n);
}

static void v_packuswb(union xmm *d, const union xmm *s, int n)
{
    union xmm r;
    int m = n / 2;      /* words per operand */
    for (int k = 0; k < n; k++) {
        const union xmm *src = k < m ? d : s;
        r.b[k] = (uint8_t)sat((int16_t)src->w[k % m], 0, 255);
    }
    memcpy(d, &r, (size_t)n);
}

static void v_packssdw(union xmm *d, const union xmm *s, int n)
{
    union xmm r;
    int m = n / 4;      /* dwords per operand */
    for (int k = 0; k < 2 * m; k++) {
        const union xmm *src = k < m ? d : s;
        r.w[k] = (uint16_t)sat((int32_t)src->d[k % m], -32768, 32767);
    }
    memcpy(d, &r, (size_t)n);
}

/* ---- unpacks: interleave elements of size esz from the low or high
 * half of destination and source ---- */

static void unpack(union xmm *d, const union xmm *s, int n, int esz, int high)
{
    union xmm r;
    int half = n / 2;
    int base = high ? half : 0;
    for (int k = 0; k < half / esz; k++) {
        memcpy(&r.b[2 * k * esz], &d->b[base + k * esz], (size_t)esz);
        memcpy(&r.b[(2 * k + 1) * esz], &s->b[base + k * esz], (size_t)esz);
    }
    memcpy(d, &r, (size_t)n);
}

static void v_punpcklbw(union xmm *d, const union xmm *s, int n) { unpack(d, s, n, 1, 0); }
static void v_punpcklwd(union xmm *d, const union xmm *s, int n) { unpack(d, s, n, 2, 0); }
static void v_punpckldq(union xmm *d, const union xmm *s, int n) { unpack(d, s, n, 4, 0); }
static void v_punpcklqdq(union xmm *d, const union xmm *s, int n) { unpack(d, s, n, 8, 0); }
static void v_punpckhbw(union xmm *d, const union xmm *s, int n) { unpack(d, s, n, 1, 1); }
static void v_punpckhwd(union xmm *d, const union xmm *s, int n) { unpack(d, s, n, 2, 1); }
static void v_punpckhdq(union xmm *d, const union xmm *s, int n) { unpack(d, s, n, 4, 1); }
static void v_punpckhqdq(union xmm *d, const union xmm *s, int n) { unpack(d, s, n, 8, 1); }

SIMD_MMX_XMM(packsswb, v_packsswb)
SIMD_MMX_XMM(packssdw, v_packssdw)
SIMD_MMX_XMM(packuswb, v_packuswb)
SIMD_MMX_XMM(punpckhbw, v_punpckhbw)
SIMD_MMX_XMM(punpckhwd, v_punpckhwd)
SIMD_MMX_XMM(punpckhdq, v_punpckhdq)

/* The XMM low unpacks read m128; the MMX ones read only m32
 * ("PUNPCKLBW mm, mm/m32"). UNPCKLPS/UNPCKHPS/UNPCKLPD/UNPCKHPD are the
 * same operations as PUNPCKLDQ/PUNPCKHDQ/PUNPCKLQDQ/PUNPCKHQDQ. */
static void unpack_low_mmx(struct cpu *c, const struct insn *i, simd_vop fn)
{
    mmx_check(c);
    union xmm d = { .q = { mm_get(c, i->reg), 0 } }, s = { .q = { mmx_src32(c, i), 0 } };
    fn(&d, &s, 8);
    mm_set(c, i->reg, d.q[0]);
    mmx_enter(c);
    rip_advance(c, i);
}

void op_punpcklbw_mm(struct cpu *c, const struct insn *i) { unpack_low_mmx(c, i, v_punpcklbw); }
void op_punpcklwd_mm(struct cpu *c, const struct insn *i) { unpack_low_mmx(c, i, v_punpcklwd); }
void op_punpckldq_mm(struct cpu *c, const struct insn *i) { unpack_low_mmx(c, i, v_punpckldq); }
void op_punpcklbw_xmm(struct cpu *c, const struct insn *i) { simd_run_xmm(c, i, v_punpcklbw); }
void op_punpcklwd_xmm(struct cpu *c, const struct insn *i) { simd_run_xmm(c, i, v_punpcklwd); }
void op_punpckldq_xmm(struct cpu *c, const struct insn *i) { simd_run_xmm(c, i, v_punpckldq); }
void op_punpcklqdq(struct cpu *c, const struct insn *i) { simd_run_xmm(c, i, v_punpcklqdq); }
void op_punpckhqdq(struct cpu *c, const struct insn *i) { simd_run_xmm(c, i, v_punpckhqdq); }

/* ---- shuffles with an imm8 selector ---- */

/* "PSHUFW mm1, mm2/m64, imm8". */
void op_pshufw(struct cpu *c, const struct insn *i)
{
    mmx_check(c);
    union xmm s = { .q = { mmx_src(c, i), 0 } }, r;
    for (int k = 0; k < 4; k++)
        r.w[k] = s.w[(i->imm >> (2 * k)) & 3];
    mm_set(c, i->reg, r.q[0]);
    mmx_enter(c);
    rip_advance(c, i);
}

/* "PSHUFD": dwords; "PSHUFLW"/"PSHUFHW": words of one half, the other
 * half copied. */
static void pshuf(struct cpu *c, const struct insn *i, int kind)
{
    sse_check(c);
    union xmm s, r;
    xmm_src(c, i, &s, 1);
    r = s;
    for (int k = 0; k < 4; k++) {
        unsigned sel = (unsigned)(i->imm >> (2 * k)) & 3;
        if (kind == 0)
            r.d[k] = s.d[sel];
        else if (kind == 1)
            r.w[k] = s.w[sel];
        else
            r.w[4 + k] = s.w[4 + sel];
    }
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

void op_pshufd(struct cpu *c, const struct insn *i) { pshuf(c, i, 0); }
void op_pshuflw(struct cpu *c, const struct insn *i) { pshuf(c, i, 1); }
void op_pshufhw(struct cpu *c, const struct insn *i) { pshuf(c, i, 2); }

/* "SHUFPS": result dwords 0-1 from the destination, 2-3 from the source. */
void op_shufps(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    union xmm s, *d = xreg(c, i->reg), r;
    xmm_src(c, i, &s, 1);
    unsigned imm = (unsigned)i->imm;
    r.d[0] = d->d[imm & 3];
    r.d[1] = d->d[(imm >> 2) & 3];
    r.d[2] = s.d[(imm >> 4) & 3];
    r.d[3] = s.d[(imm >> 6) & 3];
    *d = r;
    rip_advance(c, i);
}

/* "SHUFPD": imm8 bit 0 picks the destination quadword, bit 1 the source's. */
void op_shufpd(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    union xmm s, *d = xreg(c, i->reg), r;
    xmm_src(c, i, &s, 1);
    r.q[0] = d->q[i->imm & 1];
    r.q[1] = s.q[(i->imm >> 1) & 1];
    *d = r;
    rip_advance(c, i);
}

/* ---- word insert/extract, byte masks ---- */

/* "PINSRW mm, r32/m16, imm8" / "PINSRW xmm, r32/m16, imm8". */
static uint16_t pinsrw_src(struct cpu *c, const struct insn *i)
{
    if (i->mod == 3)
        return (uint16_t)c->r[i->rm];
    return (uint16_t)mem_read(c, i->seg, ea_offset(c, i), 2);
}

void op_pinsrw_mm(struct cpu *c, const struct insn *i)
{
    mmx_check(c);
    union xmm v = { .q = { mm_get(c, i->reg), 0 } };
    v.w[i->imm & 3] = pinsrw_src(c, i);
    mm_set(c, i->reg, v.q[0]);
    mmx_enter(c);
    rip_advance(c, i);
}

void op_pinsrw_xmm(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint16_t w = pinsrw_src(c, i);
    xreg(c, i->reg)->w[i->imm & 7] = w;
    rip_advance(c, i);
}

/* "PEXTRW r32, mm, imm8" / "PEXTRW r32, xmm, imm8": zero-extended into
 * the whole register (register operand only). */
void op_pextrw_mm(struct cpu *c, const struct insn *i)
{
    mmx_check(c);
    union xmm v = { .q = { mm_get(c, i->rm), 0 } };
    reg_set(c, i->reg, 4, v.w[i->imm & 3]);
    mmx_enter(c);
    rip_advance(c, i);
}

void op_pextrw_xmm(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    reg_set(c, i->reg, 4, xreg(c, i->rm)->w[i->imm & 7]);
    rip_advance(c, i);
}

static uint32_t byte_signs(const union xmm *v, int n)
{
    uint32_t m = 0;
    for (int k = 0; k < n; k++)
        m |= (uint32_t)(v->b[k] >> 7) << k;
    return m;
}

/* "PMOVMSKB r32, mm" / "PMOVMSKB r32, xmm". */
void op_pmovmskb_mm(struct cpu *c, const struct insn *i)
{
    mmx_check(c);
    union xmm v = { .q = { mm_get(c, i->rm), 0 } };
    reg_set(c, i->reg, 4, byte_signs(&v, 8));
    mmx_enter(c);
    rip_advance(c, i);
}

void op_pmovmskb_xmm(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    reg_set(c, i->reg, 4, byte_signs(xreg(c, i->rm), 16));
    rip_advance(c, i);
}
