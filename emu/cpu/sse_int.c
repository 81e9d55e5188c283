/* Packed integer arithmetic, logic and comparisons on MMX and XMM
 * registers (MMX, the SSE additions on MMX registers, SSE2) — SDM Vol. 2
 * "PADDB/PADDW/PADDD/PADDQ" … "PXOR". Each operation is written once
 * over n bytes and run as the MMX form (n = 8) or the XMM form (n = 16). */
#include "simd.h"

/* "op mm, mm/m64": MMX checks, then the x87 unit enters MMX state. */
void simd_run_mmx(struct cpu *c, const struct insn *i, simd_vop fn)
{
    mmx_check(c);
    union xmm d = { .q = { mm_get(c, i->reg), 0 } }, s = { .q = { 0, 0 } };
    s.q[0] = mmx_src(c, i);
    fn(&d, &s, 8);
    mm_set(c, i->reg, d.q[0]);
    mmx_enter(c);
    rip_advance(c, i);
}

/* "op xmm, xmm/m128": SSE checks, 16-byte aligned memory operand. */
void simd_run_xmm(struct cpu *c, const struct insn *i, simd_vop fn)
{
    sse_check(c);
    union xmm s;
    xmm_src(c, i, &s, 1);
    fn(xreg(c, i->reg), &s, 16);
    rip_advance(c, i);
}

static inline int sat_s8(int v) { return v < -128 ? -128 : v > 127 ? 127 : v; }
static inline int sat_u8(int v) { return v < 0 ? 0 : v > 255 ? 255 : v; }
static inline int sat_s16(int v) { return v < -32768 ? -32768 : v > 32767 ? 32767 : v; }
static inline int sat_u16(int v) { return v < 0 ? 0 : v > 65535 ? 65535 : v; }

/* An element-wise operation: a is the destination element, b the source
 * element, both of type T. */
#define LANE_OP(fn, T, arr, expr)                                      \
    static void fn(union xmm *d, const union xmm *s, int n)             \
    {                                                                   \
        for (int k = 0; k < n / (int)sizeof(T); k++) {                  \
            T a = d->arr[k], b = s->arr[k];                             \
            d->arr[k] = (T)(expr);                                      \
        }                                                               \
    }

/* Wrap-around add and subtract. */
LANE_OP(v_paddb, uint8_t, b, a + b)
LANE_OP(v_paddw, uint16_t, w, a + b)
LANE_OP(v_paddd, uint32_t, d, a + b)
LANE_OP(v_paddq, uint64_t, q, a + b)
LANE_OP(v_psubb, uint8_t, b, a - b)
LANE_OP(v_psubw, uint16_t, w, a - b)
LANE_OP(v_psubd, uint32_t, d, a - b)
LANE_OP(v_psubq, uint64_t, q, a - b)

/* Saturating add and subtract ("PADDSB", "PADDUSB", "PSUBSB", "PSUBUSB"). */
LANE_OP(v_paddsb, uint8_t, b, sat_s8((int8_t)a + (int8_t)b))
LANE_OP(v_paddsw, uint16_t, w, sat_s16((int16_t)a + (int16_t)b))
LANE_OP(v_paddusb, uint8_t, b, sat_u8(a + b))
LANE_OP(v_paddusw, uint16_t, w, sat_u16(a + b))
LANE_OP(v_psubsb, uint8_t, b, sat_s8((int8_t)a - (int8_t)b))
LANE_OP(v_psubsw, uint16_t, w, sat_s16((int16_t)a - (int16_t)b))
LANE_OP(v_psubusb, uint8_t, b, sat_u8(a - b))
LANE_OP(v_psubusw, uint16_t, w, sat_u16(a - b))

/* Multiplies ("PMULLW", "PMULHW", "PMULHUW"). */
LANE_OP(v_pmullw, uint16_t, w, (uint32_t)a * b)
LANE_OP(v_pmulhw, uint16_t, w, (uint32_t)((int32_t)(int16_t)a * (int16_t)b) >> 16)
LANE_OP(v_pmulhuw, uint16_t, w, ((uint32_t)a * b) >> 16)

/* Averages, minimum and maximum ("PAVGB", "PMINUB", "PMINSW", …). */
LANE_OP(v_pavgb, uint8_t, b, (a + b + 1) >> 1)
LANE_OP(v_pavgw, uint16_t, w, ((uint32_t)a + b + 1) >> 1)
LANE_OP(v_pminub, uint8_t, b, a < b ? a : b)
LANE_OP(v_pmaxub, uint8_t, b, a > b ? a : b)
LANE_OP(v_pminsw, uint16_t, w, (int16_t)a < (int16_t)b ? a : b)
LANE_OP(v_pmaxsw, uint16_t, w, (int16_t)a > (int16_t)b ? a : b)

/* Logic ("PAND", "PANDN": NOT destination AND source, "POR", "PXOR"). */
LANE_OP(v_pand, uint64_t, q, a & b)
LANE_OP(v_pandn, uint64_t, q, ~a & b)
LANE_OP(v_por, uint64_t, q, a | b)
LANE_OP(v_pxor, uint64_t, q, a ^ b)

/* Comparisons: all ones where true ("PCMPEQB", "PCMPGTB": signed). */
LANE_OP(v_pcmpeqb, uint8_t, b, a == b ? 0xff : 0)
LANE_OP(v_pcmpeqw, uint16_t, w, a == b ? 0xffff : 0)
LANE_OP(v_pcmpeqd, uint32_t, d, a == b ? 0xffffffffu : 0)
LANE_OP(v_pcmpgtb, uint8_t, b, (int8_t)a > (int8_t)b ? 0xff : 0)
LANE_OP(v_pcmpgtw, uint16_t, w, (int16_t)a > (int16_t)b ? 0xffff : 0)
LANE_OP(v_pcmpgtd, uint32_t, d, (int32_t)a > (int32_t)b ? 0xffffffffu : 0)

/* "PMULUDQ": the low unsigned dword of each quadword, 64-bit product. */
static void v_pmuludq(union xmm *d, const union xmm *s, int n)
{
    for (int k = 0; k < n / 8; k++)
        d->q[k] = (uint64_t)d->d[2 * k] * s->d[2 * k];
}

/* "PMADDWD": signed word products added in pairs; 0x8000 * 0x8000 twice
 * wraps to 0x80000000. */
static void v_pmaddwd(union xmm *d, const union xmm *s, int n)
{
    for (int k = 0; k < n / 4; k++) {
        int64_t p0 = (int64_t)(int16_t)d->w[2 * k] * (int16_t)s->w[2 * k];
        int64_t p1 = (int64_t)(int16_t)d->w[2 * k + 1] * (int16_t)s->w[2 * k + 1];
        d->d[k] = (uint32_t)(p0 + p1);
    }
}

/* "PSADBW": per quadword, the sum of absolute byte differences in bits
 * 15:0, bits 63:16 zero. */
static void v_psadbw(union xmm *d, const union xmm *s, int n)
{
    for (int k = 0; k < n / 8; k++) {
        unsigned sum = 0;
        for (int j = 0; j < 8; j++) {
            int a = d->b[8 * k + j], b = s->b[8 * k + j];
            sum += (unsigned)(a > b ? a - b : b - a);
        }
        d->q[k] = sum;
    }
}

SIMD_MMX_XMM(paddb, v_paddb)
SIMD_MMX_XMM(paddw, v_paddw)
SIMD_MMX_XMM(paddd, v_paddd)
SIMD_MMX_XMM(paddq, v_paddq)
SIMD_MMX_XMM(psubb, v_psubb)
SIMD_MMX_XMM(psubw, v_psubw)
SIMD_MMX_XMM(psubd, v_psubd)
SIMD_MMX_XMM(psubq, v_psubq)
SIMD_MMX_XMM(paddsb, v_paddsb)
SIMD_MMX_XMM(paddsw, v_paddsw)
SIMD_MMX_XMM(paddusb, v_paddusb)
SIMD_MMX_XMM(paddusw, v_paddusw)
SIMD_MMX_XMM(psubsb, v_psubsb)
SIMD_MMX_XMM(psubsw, v_psubsw)
SIMD_MMX_XMM(psubusb, v_psubusb)
SIMD_MMX_XMM(psubusw, v_psubusw)
SIMD_MMX_XMM(pmullw, v_pmullw)
SIMD_MMX_XMM(pmulhw, v_pmulhw)
SIMD_MMX_XMM(pmulhuw, v_pmulhuw)
SIMD_MMX_XMM(pmuludq, v_pmuludq)
SIMD_MMX_XMM(pmaddwd, v_pmaddwd)
SIMD_MMX_XMM(psadbw, v_psadbw)
SIMD_MMX_XMM(pavgb, v_pavgb)
SIMD_MMX_XMM(pavgw, v_pavgw)
SIMD_MMX_XMM(pminub, v_pminub)
SIMD_MMX_XMM(pmaxub, v_pmaxub)
SIMD_MMX_XMM(pminsw, v_pminsw)
SIMD_MMX_XMM(pmaxsw, v_pmaxsw)
SIMD_MMX_XMM(pand, v_pand)
SIMD_MMX_XMM(pandn, v_pandn)
SIMD_MMX_XMM(por, v_por)
SIMD_MMX_XMM(pxor, v_pxor)
SIMD_MMX_XMM(pcmpeqb, v_pcmpeqb)
SIMD_MMX_XMM(pcmpeqw, v_pcmpeqw)
SIMD_MMX_XMM(pcmpeqd, v_pcmpeqd)
SIMD_MMX_XMM(pcmpgtb, v_pcmpgtb)
SIMD_MMX_XMM(pcmpgtw, v_pcmpgtw)
SIMD_MMX_XMM(pcmpgtd, v_pcmpgtd)
