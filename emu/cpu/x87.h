/* The x87 FPU: internal interface shared by the emu/cpu/x87_*.c files —
 * SDM Vol. 1, chapter "Programming with the x87 FPU".
 *
 * State lives in struct fpu (cpu.h), kept in the FXSAVE image's terms:
 *   fcw, fsw (TOP in bits 13:11), ftw = the ABRIDGED tag byte (bit n = 1:
 *   physical register Rn is valid; the 2-bit tag word that FSTENV/FSAVE
 *   store is computed from the register contents), fop, fip, fdp, fcs, fds,
 *   st[n] = physical register Rn as 10 little-endian bytes.
 *
 * Arithmetic uses the host's long double, which on x86-64 is this same
 * 80-bit extended format (x87_host.c); everything else (classification,
 * conversions, rounding to a narrower format, remainders) is exact integer
 * code here. */
#ifndef EMU_X87_H
#define EMU_X87_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "insn.h"

/* x87 FPU status word — SDM Vol. 1 "x87 FPU Status Register". */
#define FSW_IE  0x0001u
#define FSW_DE  0x0002u
#define FSW_ZE  0x0004u
#define FSW_OE  0x0008u
#define FSW_UE  0x0010u
#define FSW_PE  0x0020u
#define FSW_SF  0x0040u
#define FSW_ES  0x0080u
#define FSW_C0  0x0100u
#define FSW_C1  0x0200u
#define FSW_C2  0x0400u
#define FSW_TOP 0x3800u
#define FSW_C3  0x4000u
#define FSW_B   0x8000u
#define FSW_EXC 0x003fu   /* the six exception flags */
#define FSW_CC  (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* x87 FPU control word — SDM Vol. 1 "x87 FPU Control Word". */
#define FCW_IM  0x0001u
#define FCW_DM  0x0002u
#define FCW_ZM  0x0004u
#define FCW_OM  0x0008u
#define FCW_UM  0x0010u
#define FCW_PM  0x0020u
#define FCW_PC_SHIFT 8
#define FCW_RC_SHIFT 10
/* Bits 6 (reads as 1), 7 and 13..15 are reserved (Bochs i387 model). */
#define FCW_WRITABLE 0x1f3fu
#define FCW_FIXED1   0x0040u
#define FCW_INIT     0x037fu   /* FINIT — SDM "FINIT/FNINIT" */

/* Rounding control — SDM Vol. 1 "Rounding Control Field". */
enum { RC_NEAREST, RC_DOWN, RC_UP, RC_ZERO };

/* An 80-bit register value: significand (bit 63 = J, the integer bit) and
 * sign/exponent word. */
struct fx80 {
    uint64_t sig;
    uint16_t se;
};

#define FX80_EXP(v)  ((int)((v).se & 0x7fff))
#define FX80_SIGN(v) ((int)((v).se >> 15))
#define EXT_BIAS 16383
#define EXT_EMAX 16383
#define EXT_EMIN (-16382)

/* Classes — SDM Vol. 1 table "Recognized and Supported Floating-Point
 * Encodings" and "Unsupported Double Extended-Precision Floating-Point
 * Encodings and Pseudo-Denormals": pseudo-denormals are DENORM (supported
 * operands), pseudo-NaNs, pseudo-infinities and unnormals are UNSUP. */
enum xclass { XC_ZERO, XC_DENORM, XC_NORMAL, XC_INF, XC_QNAN, XC_SNAN, XC_UNSUP };

/* A finite value unpacked with an unbounded exponent:
 * value = (-1)^sign * sig * 2^(exp - 63), sig normalised (bit 63 set) or 0;
 * extra holds bits below sig (bit 63 = one half ulp of a 64-bit sig). */
struct xnum {
    int sign;
    int32_t exp;
    uint64_t sig;
    uint64_t extra;
};

/* A destination format for rounding: precision in bits, emax (= bias),
 * and the bias adjustment for unmasked overflow/underflow results —
 * SDM Vol. 1 "Numeric Overflow Exception (#O)". */
struct xfmt {
    int prec;
    int32_t emax;
    int32_t adjust;
};
extern const struct xfmt XFMT_EXT, XFMT_EXT53, XFMT_EXT24, XFMT_F64, XFMT_F32;

/* A rounded result in its format: biased exponent field and significand
 * aligned so that bit 63 is the (explicit or implicit) integer bit. */
struct xres {
    int sign;
    int32_t bexp;
    uint64_t sig;
};

/* Outcome of one operation: exception flags (FSW_IE..FSW_PE) and whether
 * an inexact result was rounded up (C1). */
struct xout {
    struct fx80 v;
    unsigned exc;
    bool up;
};

/* ---- x87_format.c: encodings and conversions ---- */
extern const struct fx80 FX80_INDEFINITE;   /* the real indefinite QNaN */
struct fx80 fx80_load(const uint8_t b[10]);
void fx80_store(uint8_t b[10], struct fx80 v);
enum xclass fx80_class(struct fx80 v);
static inline bool fx80_is_nan(struct fx80 v)
{
    enum xclass k = fx80_class(v);
    return k == XC_QNAN || k == XC_SNAN;
}
struct fx80 fx80_make(int sign, int bexp, uint64_t sig);
struct fx80 fx80_zero(int sign);
struct fx80 fx80_inf(int sign);
/* A supported finite value (zero, denormal, normal) unpacked. */
struct xnum fx80_unpack(struct fx80 v);
struct fx80 xres_to_fx80(struct xres r);
/* The NaN an operation returns — SDM Vol. 1 "Rules for Handling NaNs":
 * an SNaN is quieted; of two NaNs the QNaN, else the larger significand.
 * Adds FSW_IE to *exc if either is an SNaN. b may be NULL. */
struct fx80 fx80_nan_result(struct fx80 a, const struct fx80 *b, unsigned *exc);
struct fx80 fx80_from_f32(uint32_t v, bool *denormal);
struct fx80 fx80_from_f64(uint64_t v, bool *denormal);
struct fx80 fx80_from_int(int64_t v);
struct fx80 fx80_from_mag(int sign, uint64_t m);   /* (-1)^sign * m, exact */
/* ST(0) converted for FST m32/m64: the bits to store and the exceptions. */
uint32_t fx80_to_f32(struct fx80 v, uint16_t fcw, unsigned *exc, bool *up);
uint64_t fx80_to_f64(struct fx80 v, uint16_t fcw, unsigned *exc, bool *up);

/* ---- x87_round.c: rounding ---- */
/* Round n to format f with rounding control rc — SDM Vol. 1 "Rounding",
 * "Numeric Overflow Exception (#O)", "Numeric Underflow Exception (#U)":
 * tininess is detected after rounding; masked overflow gives infinity or
 * the largest finite number, masked underflow a denormal; unmasked gives
 * the bias-adjusted result. */
struct xres x87_round(const struct xfmt *f, int rc, uint16_t fcw, struct xnum n,
                      unsigned *exc, bool *up);
/* The register format at the precision FCW.PC selects. */
const struct xfmt *x87_pc_fmt(uint16_t fcw);
bool x87_round_inc(int rc, int sign, int lsb, int half, bool sticky);
/* Round a supported finite value to an integer: the magnitude; *big when
 * it is 2^64 or more. */
uint64_t x87_round_int(struct fx80 v, int rc, bool *inexact, bool *up, bool *big);

/* ---- x87_host.c: host long double ---- */
enum xop { XOP_ADD, XOP_SUB, XOP_MUL, XOP_DIV, XOP_SQRT };
/* a op b for finite non-zero a, b (b unused for SQRT), rounded to the
 * precision of FCW.PC with FCW.RC into the register format. */
struct xres x87_host_arith(enum xop op, struct xnum a, struct xnum b, uint16_t fcw,
                           unsigned *exc, bool *up);
long double x87_to_ld(struct fx80 v);
struct fx80 x87_from_ld(long double x);
/* Runs fn(x, y) in round-to-nearest with the host's flags cleared; returns
 * the result and FSW_PE/FSW_UE/FSW_OE for what the host raised. */
long double x87_host_call(long double (*fn)(long double, long double), long double x,
                          long double y, unsigned *exc);
/* True when the host's long double is the x87 extended format and the host
 * FPU computes with a 64-bit significand. */
bool x87_host_ok(void);

/* ---- x87_arith.c ---- */
/* a + b, a * b, a / b, sqrt(a) with every special case; da/db: the operand
 * was a denormal in its source format (an m32/m64 denormal is a normal
 * extended value). */
struct xout x87_binop(enum xop op, struct fx80 a, struct fx80 b, bool da, bool db, uint16_t fcw);
/* ST(0) = fn(ST(0), FCW) with the stack-underflow and exception rules of a
 * one-operand instruction, then RIP; the whole of FSQRT, FRNDINT, F2XM1. */
void x87_unary_st0(struct cpu *c, const struct insn *i, struct xout (*fn)(struct fx80 v, uint16_t fcw));

/* ---- x87_load.c ---- */
/* The end of a store of ST(0) (FIST/FISTP, FST/FSTP m32fp/m64fp):
 * bits (size bytes) to [off] unless exc holds an unmasked exception that
 * blocks it, then the pointers, FSW, the pop when pop, and RIP. */
void x87_store_st0(struct cpu *c, const struct insn *i, uint64_t off, int size, uint64_t bits, unsigned exc,
                   bool up, bool pop);

/* ---- x87_stack.c: stack, tags, exceptions, pointers ---- */
static inline int x87_top(const struct cpu *c)
{
    return (c->fpu.fsw >> 11) & 7;
}
static inline int x87_phys(const struct cpu *c, int st)
{
    return (x87_top(c) + st) & 7;
}
static inline bool x87_empty(const struct cpu *c, int st)
{
    return !((c->fpu.ftw >> x87_phys(c, st)) & 1);
}
struct fx80 x87_get(const struct cpu *c, int st);
void x87_set(struct cpu *c, int st, struct fx80 v);     /* and tag it valid */
void x87_push(struct cpu *c, struct fx80 v);
void x87_pop(struct cpu *c);
static inline void x87_set_cc(struct cpu *c, unsigned cc)
{
    c->fpu.fsw = (uint16_t)((c->fpu.fsw & ~FSW_CC) | cc);
}
static inline int x87_rc(const struct cpu *c)
{
    return (c->fpu.fcw >> FCW_RC_SHIFT) & 3;
}

/* #NM, then (for the waiting forms) a pending #MF — the "Protected Mode
 * Exceptions" of every x87 instruction page. */
void x87_start(struct cpu *c, bool wait);
/* #MF if an unmasked exception is pending and CR0.NE = 1: for FWAIT. */
void x87_check_pending(struct cpu *c);
/* FOP, FIP/FCS and (memory forms) FDP/FDS for a non-control instruction —
 * SDM Vol. 1 "x87 FPU Instruction and Data (Operand) Pointers". */
void x87_note(struct cpu *c, const struct insn *i);
/* Record exceptions in FSW (and C1) and return the unmasked ones that
 * suppress the result: IE, DE, ZE always; OE, UE only when `mem` (the
 * destination is memory). */
unsigned x87_signal(struct cpu *c, unsigned exc, bool up, bool mem);
/* The same decision without changing anything (stores test it before
 * writing memory). */
bool x87_blocks(const struct cpu *c, unsigned exc, bool mem);
/* Stack faults — SDM "Stack Overflow or Underflow Exception (#IS)".
 * Return true when IM masks them (the caller then gives the masked
 * response). */
bool x87_underflow(struct cpu *c);
bool x87_overflow(struct cpu *c);

/* ---- x87_env.c ---- */
uint16_t x87_full_tags(const struct cpu *c);   /* the 16-bit tag word */
void x87_init(struct cpu *c);                  /* FNINIT's effect */

/* ---- x87_compare.c ---- */
enum xcmp { XCMP_GT, XCMP_LT, XCMP_EQ, XCMP_UN };
enum xcmp x87_compare(struct fx80 a, struct fx80 b, bool da, bool db, bool quiet, unsigned *exc);

#endif
