/* SSE/SSE2 floating-point arithmetic, comparisons and bitwise logic:
 * ADD SUB MUL DIV MIN MAX SQRT (PS PD SS SD), RCP/RSQRT (PS SS),
 * CMPccPS/PD/SS/SD, COMISS/COMISD/UCOMISS/UCOMISD, AND ANDN OR XOR
 * (PS PD) — SDM Vol. 2, each instruction's page. Packed forms take an
 * aligned xmm/m128 source; scalar forms take m32/m64 and keep the other
 * elements of the destination. */
#include "simd.h"
#include "sse_fp.h"

/* ---- packed and scalar two-operand arithmetic ---- */

static void fp_packed(struct cpu *c, const struct insn *i, int fmt, int op)
{
    sse_check(c);
    union xmm s, r = *xreg(c, i->reg);
    xmm_src(c, i, &s, 1);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    if (fmt == FP32)
        for (int k = 0; k < 4; k++)
            r.d[k] = (uint32_t)fp_binop(&st, FP32, op, r.d[k], s.d[k]);
    else
        for (int k = 0; k < 2; k++)
            r.q[k] = fp_binop(&st, FP64, op, r.q[k], s.q[k]);
    sse_fp_commit(c, &st);
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

static void fp_scalar(struct cpu *c, const struct insn *i, int fmt, int op)
{
    sse_check(c);
    union xmm *d = xreg(c, i->reg);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    if (fmt == FP32) {
        uint32_t b = xmm_src32(c, i);
        uint32_t r = (uint32_t)fp_binop(&st, FP32, op, d->d[0], b);
        sse_fp_commit(c, &st);
        d->d[0] = r;
    } else {
        uint64_t b = xmm_src64(c, i);
        uint64_t r = fp_binop(&st, FP64, op, d->q[0], b);
        sse_fp_commit(c, &st);
        d->q[0] = r;
    }
    rip_advance(c, i);
}

#define FP_BINOP(name, op)                                                             \
    void op_##name##ps(struct cpu *c, const struct insn *i) { fp_packed(c, i, FP32, op); } \
    void op_##name##pd(struct cpu *c, const struct insn *i) { fp_packed(c, i, FP64, op); } \
    void op_##name##ss(struct cpu *c, const struct insn *i) { fp_scalar(c, i, FP32, op); } \
    void op_##name##sd(struct cpu *c, const struct insn *i) { fp_scalar(c, i, FP64, op); }

FP_BINOP(add, FOP_ADD)   /* "ADDPS" … "ADDSD" */
FP_BINOP(sub, FOP_SUB)   /* "SUBPS" … */
FP_BINOP(mul, FOP_MUL)   /* "MULPS" … */
FP_BINOP(div, FOP_DIV)   /* "DIVPS" … */
FP_BINOP(min, FOP_MIN)   /* "MINPS" … : NaN or two zeros -> second operand */
FP_BINOP(max, FOP_MAX)   /* "MAXPS" … */

/* ---- square root, reciprocal approximations ---- */

/* "SQRTPS"/"SQRTPD": the result is computed from the source only. */
static void sqrt_packed(struct cpu *c, const struct insn *i, int fmt)
{
    sse_check(c);
    union xmm s, r;
    xmm_src(c, i, &s, 1);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    if (fmt == FP32)
        for (int k = 0; k < 4; k++)
            r.d[k] = (uint32_t)fp_sqrt(&st, FP32, s.d[k]);
    else
        for (int k = 0; k < 2; k++)
            r.q[k] = fp_sqrt(&st, FP64, s.q[k]);
    sse_fp_commit(c, &st);
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

void op_sqrtps(struct cpu *c, const struct insn *i) { sqrt_packed(c, i, FP32); }
void op_sqrtpd(struct cpu *c, const struct insn *i) { sqrt_packed(c, i, FP64); }

void sse_scalar_op(struct cpu *c, const struct insn *i, int from, int to,
                   uint64_t (*fn)(struct fpst *st, int fmt, uint64_t a))
{
    sse_check(c);
    uint64_t a = from == FP32 ? xmm_src32(c, i) : xmm_src64(c, i);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    uint64_t r = fn(&st, from, a);
    sse_fp_commit(c, &st);
    if (to == FP32)
        xreg(c, i->reg)->d[0] = (uint32_t)r;
    else
        xreg(c, i->reg)->q[0] = r;
    rip_advance(c, i);
}

void op_sqrtss(struct cpu *c, const struct insn *i) { sse_scalar_op(c, i, FP32, FP32, fp_sqrt); }
void op_sqrtsd(struct cpu *c, const struct insn *i) { sse_scalar_op(c, i, FP64, FP64, fp_sqrt); }

/* "RCPPS"/"RSQRTPS"/"RCPSS"/"RSQRTSS": no SIMD floating-point exceptions. */
static void approx_packed(struct cpu *c, const struct insn *i, uint32_t (*fn)(uint32_t))
{
    sse_check(c);
    union xmm s, r;
    xmm_src(c, i, &s, 1);
    for (int k = 0; k < 4; k++)
        r.d[k] = fn(s.d[k]);
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

static void approx_scalar(struct cpu *c, const struct insn *i, uint32_t (*fn)(uint32_t))
{
    sse_check(c);
    uint32_t a = xmm_src32(c, i);
    xreg(c, i->reg)->d[0] = fn(a);
    rip_advance(c, i);
}

void op_rcpps(struct cpu *c, const struct insn *i) { approx_packed(c, i, fp_rcp32); }
void op_rcpss(struct cpu *c, const struct insn *i) { approx_scalar(c, i, fp_rcp32); }
void op_rsqrtps(struct cpu *c, const struct insn *i) { approx_packed(c, i, fp_rsqrt32); }
void op_rsqrtss(struct cpu *c, const struct insn *i) { approx_scalar(c, i, fp_rsqrt32); }

/* ---- comparisons ---- */

/* CMPPS imm8[2:0] predicates EQ LT LE UNORD NEQ NLT NLE ORD; the legacy
 * encoding ignores imm8[7:3]. LT, LE, NLT, NLE signal on QNaN operands
 * — SDM Vol. 2 "CMPPS", table "Comparison Predicate for CMPPD and CMPPS
 * Instructions". */
static int cmp_pred(struct fpst *st, int fmt, unsigned imm, uint64_t a, uint64_t b)
{
    unsigned p = imm & 7;
    int sig = p == 1 || p == 2 || p == 5 || p == 6;
    int rel = fp_compare(st, fmt, a, b, sig);
    int t;
    switch (p & 3) {
    case 0: t = rel == REL_EQ; break;
    case 1: t = rel == REL_LT; break;
    case 2: t = rel == REL_LT || rel == REL_EQ; break;
    default: t = rel == REL_UN; break;
    }
    return p & 4 ? !t : t;
}

void op_cmpps(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    union xmm s, r = *xreg(c, i->reg);
    xmm_src(c, i, &s, 1);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    for (int k = 0; k < 4; k++)
        r.d[k] = cmp_pred(&st, FP32, (unsigned)i->imm, r.d[k], s.d[k]) ? ~0u : 0;
    sse_fp_commit(c, &st);
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

void op_cmppd(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    union xmm s, r = *xreg(c, i->reg);
    xmm_src(c, i, &s, 1);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    for (int k = 0; k < 2; k++)
        r.q[k] = cmp_pred(&st, FP64, (unsigned)i->imm, r.q[k], s.q[k]) ? ~0ull : 0;
    sse_fp_commit(c, &st);
    *xreg(c, i->reg) = r;
    rip_advance(c, i);
}

void op_cmpss(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint32_t b = xmm_src32(c, i);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    int t = cmp_pred(&st, FP32, (unsigned)i->imm, xreg(c, i->reg)->d[0], b);
    sse_fp_commit(c, &st);
    xreg(c, i->reg)->d[0] = t ? ~0u : 0;
    rip_advance(c, i);
}

void op_cmpsd(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint64_t b = xmm_src64(c, i);
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    int t = cmp_pred(&st, FP64, (unsigned)i->imm, xreg(c, i->reg)->q[0], b);
    sse_fp_commit(c, &st);
    xreg(c, i->reg)->q[0] = t ? ~0ull : 0;
    rip_advance(c, i);
}

/* "COMISS"/"UCOMISS": ZF PF CF = 111 unordered, 000 greater, 001 less,
 * 100 equal; OF SF AF cleared. COMIS* signal on QNaN operands too. The
 * flags are not changed when an unmasked exception is raised. */
static void comis(struct cpu *c, const struct insn *i, int fmt, int signal_qnan)
{
    sse_check(c);
    uint64_t a, b;
    if (fmt == FP32) {
        b = xmm_src32(c, i);
        a = xreg(c, i->reg)->d[0];
    } else {
        b = xmm_src64(c, i);
        a = xreg(c, i->reg)->q[0];
    }
    struct fpst st;
    fpst_init(&st, c->mxcsr);
    int rel = fp_compare(&st, fmt, a, b, signal_qnan);
    sse_fp_commit(c, &st);
    flags_materialize(c);
    uint64_t f = c->rflags & ~(uint64_t)RFLAGS_ARITH;
    if (rel == REL_UN)
        f |= RFLAGS_ZF | RFLAGS_PF | RFLAGS_CF;
    else if (rel == REL_LT)
        f |= RFLAGS_CF;
    else if (rel == REL_EQ)
        f |= RFLAGS_ZF;
    c->rflags = f;
    rip_advance(c, i);
}

void op_comiss(struct cpu *c, const struct insn *i) { comis(c, i, FP32, 1); }
void op_comisd(struct cpu *c, const struct insn *i) { comis(c, i, FP64, 1); }
void op_ucomiss(struct cpu *c, const struct insn *i) { comis(c, i, FP32, 0); }
void op_ucomisd(struct cpu *c, const struct insn *i) { comis(c, i, FP64, 0); }

/* ---- bitwise logic on packed values ("ANDPS", "ANDNPS", "ORPS", "XORPS"
 * and the PD forms: same operation, no exceptions beyond the checks) ---- */

enum { LOG_AND, LOG_ANDN, LOG_OR, LOG_XOR };

static void fp_logic(struct cpu *c, const struct insn *i, int kind)
{
    sse_check(c);
    union xmm s, *d = xreg(c, i->reg);
    xmm_src(c, i, &s, 1);
    for (int k = 0; k < 2; k++) {
        uint64_t a = d->q[k], b = s.q[k];
        switch (kind) {
        case LOG_AND: a &= b; break;
        case LOG_ANDN: a = ~a & b; break;
        case LOG_OR: a |= b; break;
        default: a ^= b; break;
        }
        d->q[k] = a;
    }
    rip_advance(c, i);
}

void op_andps(struct cpu *c, const struct insn *i) { fp_logic(c, i, LOG_AND); }
void op_andnps(struct cpu *c, const struct insn *i) { fp_logic(c, i, LOG_ANDN); }
void op_orps(struct cpu *c, const struct insn *i) { fp_logic(c, i, LOG_OR); }
void op_xorps(struct cpu *c, const struct insn *i) { fp_logic(c, i, LOG_XOR); }
