/* IEEE single/double arithmetic as the SSE units do it, in integer
 * arithmetic: MXCSR rounding, DAZ, FTZ, the exception flags split into
 * pre-computation (IE, DE, ZE) and post-computation (OE, UE, PE)
 * conditions, and the x86 NaN rules — SDM Vol. 1 "SIMD Floating-Point
 * Exceptions" and "Generating SIMD Floating-Point Exceptions". Values are
 * passed as their bit patterns (uint64_t holding an f32 or f64). */
#ifndef EMU_SSE_FP_H
#define EMU_SSE_FP_H

#include <stdint.h>

struct cpu;
struct insn;

enum fp_fmt { FP32, FP64 };
enum fp_rel { REL_LT, REL_EQ, REL_GT, REL_UN };
enum fp_binop { FOP_ADD, FOP_SUB, FOP_MUL, FOP_DIV, FOP_MIN, FOP_MAX };

/* One instruction's floating-point context. Flags of all elements are
 * ORed; pre and post are kept apart because an unmasked pre-computation
 * exception suppresses the post-computation flags. */
struct fpst {
    uint32_t mxcsr;
    unsigned pre, post;
};

static inline void fpst_init(struct fpst *st, uint32_t mxcsr)
{
    st->mxcsr = mxcsr;
    st->pre = st->post = 0;
}

uint64_t fp_binop(struct fpst *st, int fmt, int op, uint64_t a, uint64_t b);
uint64_t fp_sqrt(struct fpst *st, int fmt, uint64_t a);
/* Ordered/unordered relation; signal_qnan: a QNaN operand also sets IE. */
int fp_compare(struct fpst *st, int fmt, uint64_t a, uint64_t b, int signal_qnan);
/* Format conversion FP32 <-> FP64 (to the other format). */
uint64_t fp_convert(struct fpst *st, int from, uint64_t a);
uint64_t fp_from_int(struct fpst *st, int fmt, int64_t v);
/* To a signed integer of `bits` (32/64); truncate or use MXCSR.RC. NaN,
 * infinity and out-of-range give IE and the integer indefinite. */
uint64_t fp_to_int(struct fpst *st, int fmt, uint64_t a, int bits, int truncate);
/* RCPSS/RSQRTSS: no flags, MXCSR ignored (see sse_fp.c for accuracy). */
uint32_t fp_rcp32(uint32_t a);
uint32_t fp_rsqrt32(uint32_t a);

/* Set the flags in MXCSR and raise #XM (CR4.OSXMMEXCPT = 1) or #UD for
 * an unmasked exception; returns only when the result may be written. */
void sse_fp_commit(struct cpu *c, const struct fpst *st);

/* A one-source scalar instruction (sse_float.c): fn(st, from, source) on
 * the W operand's low element (xmm/m32 for FP32, xmm/m64 for FP64), then,
 * unless #XM/#UD, the low FP32/FP64 element of the destination set to the
 * result (in the format `to`) and the rest kept. SQRTSS/SQRTSD,
 * CVTSS2SD/CVTSD2SS. */
void sse_scalar_op(struct cpu *c, const struct insn *i, int from, int to,
                   uint64_t (*fn)(struct fpst *st, int fmt, uint64_t a));

#endif
