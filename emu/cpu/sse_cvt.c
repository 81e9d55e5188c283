/* SSE/SSE2 conversions between single, double and integers — SDM Vol. 2
 * "CVTPI2PS" … "CVTTSD2SI". Conversions to integer round by MXCSR.RC
 * (CVTT*: toward zero) and give the integer indefinite with IE for NaN,
 * infinity or out-of-range values; they never signal DE. Forms with an
 * MMX register operand switch the x87 unit to MMX state (and first take
 * a pending x87 exception); an m64 source does not ("CVTPI2PS":
 * "For operands xmm, m64 the instruction does not cause a transition"). */
#include "simd.h"
#include "sse_fp.h"

/* Integer source/destination width of CVTSI2S* / CVTS*2SI: REX.W picks
 * 64 bits; otherwise 32 (an operand-size prefix does not make it 16). */
static int gp_width(const struct insn *i)
{
    return i->osz == 8 ? 64 : 32;
}

/* ---- MMX <-> packed single/double ---- */

/* "CVTPI2PS xmm, mm/m64": two dwords to singles in bits 63:0; the high
 * half of the destination is kept. */
void op_cvtpi2ps(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    if (i->mod == 3)
        x87_pending_check(c);
    uint64_t v = mmx_src(c, i);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    uint32_t lo = (uint32_t)fp_from_int(&st, FP32, (int32_t)(uint32_t)v);
    uint32_t hi = (uint32_t)fp_from_int(&st, FP32, (int32_t)(uint32_t)(v >> 32));
    sse_fp_commit(c, &st);
    union xmm *d = xreg(c, i->reg);
    d->d[0] = lo;
    d->d[1] = hi;
    if (i->mod == 3)
        mmx_enter(c);
    rip_advance(c, i);
}

/* "CVTPI2PD xmm, mm/m64": exact, no floating-point exceptions. */
void op_cvtpi2pd(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    if (i->mod == 3)
        x87_pending_check(c);
    uint64_t v = mmx_src(c, i);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    union xmm *d = xreg(c, i->reg);
    d->q[0] = fp_from_int(&st, FP64, (int32_t)(uint32_t)v);
    d->q[1] = fp_from_int(&st, FP64, (int32_t)(uint32_t)(v >> 32));
    if (i->mod == 3)
        mmx_enter(c);
    rip_advance(c, i);
}

/* "CVTPS2PI"/"CVTTPS2PI mm, xmm/m64" (fmt FP32) and "CVTPD2PI"/"CVTTPD2PI
 * mm, xmm/m128" (fmt FP64, aligned): two elements to dwords; always an MMX
 * transition. */
static void p2pi(struct cpu *c, const struct insn *i, int fmt, int truncate)
{
    sse_check(c);
    x87_pending_check(c);
    uint64_t a0, a1;
    if (fmt == FP32) {
        uint64_t v = xmm_src64(c, i);
        a0 = (uint32_t)v;
        a1 = v >> 32;
    } else {
        union xmm s;
        xmm_src(c, i, &s, 1);
        a0 = s.q[0];
        a1 = s.q[1];
    }
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    uint64_t lo = fp_to_int(&st, fmt, a0, 32, truncate);
    uint64_t hi = fp_to_int(&st, fmt, a1, 32, truncate);
    sse_fp_commit(c, &st);
    mm_set(c, i->reg, lo | (hi << 32));
    mmx_enter(c);
    rip_advance(c, i);
}

void op_cvtps2pi(struct cpu *c, const struct insn *i) { p2pi(c, i, FP32, 0); }
void op_cvttps2pi(struct cpu *c, const struct insn *i) { p2pi(c, i, FP32, 1); }
void op_cvtpd2pi(struct cpu *c, const struct insn *i) { p2pi(c, i, FP64, 0); }
void op_cvttpd2pi(struct cpu *c, const struct insn *i) { p2pi(c, i, FP64, 1); }

/* ---- general-purpose register <-> scalar ---- */

/* "CVTSI2SS"/"CVTSI2SD xmm, r/m32|r/m64": only the low element changes. */
static void si2s(struct cpu *c, const struct insn *i, int fmt)
{
    sse_check(c);
    int w = gp_width(i);
    uint64_t v = e_read(c, i, w / 8);
    int64_t n = w == 64 ? (int64_t)v : (int64_t)(int32_t)(uint32_t)v;
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    uint64_t r = fp_from_int(&st, fmt, n);
    sse_fp_commit(c, &st);
    if (fmt == FP32)
        xreg(c, i->reg)->d[0] = (uint32_t)r;
    else
        xreg(c, i->reg)->q[0] = r;
    rip_advance(c, i);
}

void op_cvtsi2ss(struct cpu *c, const struct insn *i) { si2s(c, i, FP32); }
void op_cvtsi2sd(struct cpu *c, const struct insn *i) { si2s(c, i, FP64); }

/* "CVTSS2SI"/"CVTTSS2SI"/"CVTSD2SI"/"CVTTSD2SI r32|r64, xmm/m32|m64". */
static void s2si(struct cpu *c, const struct insn *i, int fmt, int truncate)
{
    sse_check(c);
    uint64_t a = fmt == FP32 ? xmm_src32(c, i) : xmm_src64(c, i);
    int w = gp_width(i);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    uint64_t r = fp_to_int(&st, fmt, a, w, truncate);
    sse_fp_commit(c, &st);
    reg_set(c, i->reg, w / 8, r);
    rip_advance(c, i);
}

void op_cvtss2si(struct cpu *c, const struct insn *i) { s2si(c, i, FP32, 0); }
void op_cvttss2si(struct cpu *c, const struct insn *i) { s2si(c, i, FP32, 1); }
void op_cvtsd2si(struct cpu *c, const struct insn *i) { s2si(c, i, FP64, 0); }
void op_cvttsd2si(struct cpu *c, const struct insn *i) { s2si(c, i, FP64, 1); }

/* ---- single <-> double ---- */

/* "CVTPS2PD xmm, xmm/m64". */
void op_cvtps2pd(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint64_t v = xmm_src64(c, i);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    union xmm r;
    r.q[0] = fp_convert(&st, FP32, (uint32_t)v);
    r.q[1] = fp_convert(&st, FP32, v >> 32);
    sse_fp_commit(c, &st);
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

/* "CVTPD2PS xmm, xmm/m128": bits 127:64 of the destination are zeroed. */
void op_cvtpd2ps(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    union xmm s, r;
    xmm_src(c, i, &s, 1);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    r.d[0] = (uint32_t)fp_convert(&st, FP64, s.q[0]);
    r.d[1] = (uint32_t)fp_convert(&st, FP64, s.q[1]);
    r.q[1] = 0;
    sse_fp_commit(c, &st);
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

/* "CVTSS2SD xmm, xmm/m32": bits 127:64 kept. */
void op_cvtss2sd(struct cpu *c, const struct insn *i) { sse_scalar_op(c, i, FP32, FP64, fp_convert); }

/* "CVTSD2SS xmm, xmm/m64": bits 127:32 kept. */
void op_cvtsd2ss(struct cpu *c, const struct insn *i) { sse_scalar_op(c, i, FP64, FP32, fp_convert); }

/* ---- packed dwords <-> packed single/double ---- */

/* "CVTDQ2PS xmm, xmm/m128". */
void op_cvtdq2ps(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    union xmm s, r;
    xmm_src(c, i, &s, 1);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    for (int k = 0; k < 4; k++)
        r.d[k] = (uint32_t)fp_from_int(&st, FP32, (int32_t)s.d[k]);
    sse_fp_commit(c, &st);
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

/* "CVTPS2DQ"/"CVTTPS2DQ xmm, xmm/m128". */
static void ps2dq(struct cpu *c, const struct insn *i, int truncate)
{
    sse_check(c);
    union xmm s, r;
    xmm_src(c, i, &s, 1);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    for (int k = 0; k < 4; k++)
        r.d[k] = (uint32_t)fp_to_int(&st, FP32, s.d[k], 32, truncate);
    sse_fp_commit(c, &st);
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

void op_cvtps2dq(struct cpu *c, const struct insn *i) { ps2dq(c, i, 0); }
void op_cvttps2dq(struct cpu *c, const struct insn *i) { ps2dq(c, i, 1); }

/* "CVTDQ2PD xmm, xmm/m64": exact. */
void op_cvtdq2pd(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint64_t v = xmm_src64(c, i);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    union xmm r;
    r.q[0] = fp_from_int(&st, FP64, (int32_t)(uint32_t)v);
    r.q[1] = fp_from_int(&st, FP64, (int32_t)(uint32_t)(v >> 32));
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

/* "CVTPD2DQ"/"CVTTPD2DQ xmm, xmm/m128": bits 127:64 zeroed. */
static void pd2dq(struct cpu *c, const struct insn *i, int truncate)
{
    sse_check(c);
    union xmm s, r;
    xmm_src(c, i, &s, 1);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    r.d[0] = (uint32_t)fp_to_int(&st, FP64, s.q[0], 32, truncate);
    r.d[1] = (uint32_t)fp_to_int(&st, FP64, s.q[1], 32, truncate);
    r.q[1] = 0;
    sse_fp_commit(c, &st);
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

void op_cvtpd2dq(struct cpu *c, const struct insn *i) { pd2dq(c, i, 0); }
void op_cvttpd2dq(struct cpu *c, const struct insn *i) { pd2dq(c, i, 1); }
