/* Shared by the SSE/SSE2 and MMX handlers (sse_*.c, mmx.c, fxsave.c):
 * the availability checks, MXCSR bits, the MMX view of the x87
 * registers, and operand access for XMM/MMX instructions. */
#ifndef EMU_SIMD_H
#define EMU_SIMD_H

#include "flags.h"
#include "mem.h"
#include "ops.h"

/* MXCSR — SDM Vol. 1 "MXCSR Control and Status Register". */
#define MXCSR_IE   0x0001u
#define MXCSR_DE   0x0002u
#define MXCSR_ZE   0x0004u
#define MXCSR_OE   0x0008u
#define MXCSR_UE   0x0010u
#define MXCSR_PE   0x0020u
#define MXCSR_FLAGS 0x003fu
#define MXCSR_DAZ  0x0040u
#define MXCSR_MASK_SHIFT 7        /* IM..PM = bits 7..12, same order as the flags */
#define MXCSR_RC_SHIFT 13
#define MXCSR_FTZ  0x8000u
/* The MXCSR_MASK vtx reports in the FXSAVE image: every defined bit,
 * DAZ included — SDM Vol. 1 "Guidelines for Writing to the MXCSR
 * Register". Setting any other bit is #GP(0). */
#define MXCSR_WRITABLE 0x0000ffffu

/* x87 state touched by MMX instructions and FXSAVE. */
#define FSW_ES        0x0080u
#define FSW_TOP_MASK  0x3800u

/* The x87 tag word in the FXSAVE ("abridged") form: one bit per physical
 * register, 1 = valid. vtx keeps fpu.ftw in this form; these two are the
 * only places that know it. */
static inline uint8_t fpu_tag_abridged(const struct cpu *c)
{
    return (uint8_t)c->fpu.ftw;
}
static inline void fpu_tag_set_abridged(struct cpu *c, uint8_t tags)
{
    c->fpu.ftw = tags;
}

/* SSE/SSE2 availability — SDM Vol. 3A "Initialization of the SSE/SSE2
 * Extensions" and Vol. 2 "Exception Classifications" (legacy SSE): #UD
 * if CR0.EM = 1 or CR4.OSFXSR = 0, then #NM if CR0.TS = 1. */
static inline void sse_check(struct cpu *c)
{
    if ((c->cr0 & CR0_EM) || !(c->cr4 & CR4_OSFXSR))
        cpu_ud(c);
    if (c->cr0 & CR0_TS)
        cpu_fault_noerr(c, EXC_NM);
}

/* A pending unmasked x87 exception (FSW.ES) is taken before an MMX
 * instruction — SDM Vol. 1 "Exceptions That Can Occur When Executing MMX
 * Instructions" (#MF). As for the waiting x87 instructions
 * (x87_check_pending), only with CR0.NE = 1: the FERR#/IRQ 13 path of
 * CR0.NE = 0 is not modelled. */
static inline void x87_pending_check(struct cpu *c)
{
    if ((c->fpu.fsw & FSW_ES) && (c->cr0 & CR0_NE))
        cpu_fault_noerr(c, EXC_MF);
}

/* MMX availability — SDM Vol. 1 "Exceptions That Can Occur When
 * Executing MMX Instructions": #UD if CR0.EM, #NM if CR0.TS, #MF if an
 * x87 exception is pending. */
static inline void mmx_check(struct cpu *c)
{
    if (c->cr0 & CR0_EM)
        cpu_ud(c);
    if (c->cr0 & CR0_TS)
        cpu_fault_noerr(c, EXC_NM);
    x87_pending_check(c);
}

/* An MMX instruction (other than EMMS) sets TOP = 0 and tags every
 * register valid — SDM Vol. 1 "Effect of MMX Instructions on the x87
 * FPU Tag Word". Called after every fault check. */
static inline void mmx_enter(struct cpu *c)
{
    c->fpu.fsw &= (uint16_t)~FSW_TOP_MASK;
    fpu_tag_set_abridged(c, 0xff);
}

/* MMn is bits 63:0 of physical register Rn; writing it sets bits 79:64
 * to all ones — SDM Vol. 1 "MMX Technology Registers" / "Effect of MMX
 * Instructions on the x87 FPU Registers". REX never extends an MMX
 * register number. */
static inline uint64_t mm_get(const struct cpu *c, unsigned n)
{
    uint64_t v;
    memcpy(&v, c->fpu.st[n & 7], 8);
    return v;
}
static inline void mm_set(struct cpu *c, unsigned n, uint64_t v)
{
    memcpy(c->fpu.st[n & 7], &v, 8);
    c->fpu.st[n & 7][8] = 0xff;
    c->fpu.st[n & 7][9] = 0xff;
}

/* Linear addresses wrap at 4 GiB outside 64-bit mode. */
static inline uint64_t simd_lin_mask(const struct cpu *c)
{
    return c->mode == MODE_LONG ? ~0ull : 0xffffffffull;
}

/* Linear address of the memory operand of size sz after the segment
 * checks, and, with align16, the alignment check that legacy SSE
 * 128-bit operands need (#GP(0)) — SDM Vol. 3A "Alignment of 128-bit
 * memory operands". */
uint64_t simd_lin(struct cpu *c, const struct insn *i, int sz, int write, int align16);
/* Whole-operand access by linear address: a read or write of sz bytes
 * (a multiple of 4) that faults before anything is written. */
void simd_read_lin(struct cpu *c, uint64_t lin, void *dst, int sz);
void simd_write_lin(struct cpu *c, uint64_t lin, const void *src, int sz);
/* Fault now if any page of [lin, lin+sz) is not writable. */
void simd_probe_write(struct cpu *c, uint64_t lin, int sz);

/* The W (xmm/m128) operand: aligned or not. */
void xmm_src(struct cpu *c, const struct insn *i, union xmm *v, int align16);
/* Store a whole XMM value to the W operand (register or m128). */
void xmm_dst(struct cpu *c, const struct insn *i, const union xmm *v, int align16);
/* W operand as a scalar: XMM bits 31:0 / 63:0, or m32 / m64. */
uint32_t xmm_src32(struct cpu *c, const struct insn *i);
uint64_t xmm_src64(struct cpu *c, const struct insn *i);
/* Q operand (mm/m64) and the m32 form used by the MMX low unpacks. */
uint64_t mmx_src(struct cpu *c, const struct insn *i);
uint32_t mmx_src32(struct cpu *c, const struct insn *i);
/* MASKMOVQ/MASKMOVDQU: store the bytes selected by mask[k] bit 7 to DS:rDI. */
void simd_masked_store(struct cpu *c, const struct insn *i, const uint8_t *data, const uint8_t *mask, int n);
/* Memory forms of the small stores. */
void simd_store_m(struct cpu *c, const struct insn *i, int sz, uint64_t v);

static inline union xmm *xreg(struct cpu *c, unsigned n)
{
    return &c->xmm[n & 15];
}

/* An element-wise operation d = d op s on n bytes (8: MMX, 16: XMM),
 * run as "op mm, mm/m64" or "op xmm, xmm/m128" (aligned). */
typedef void (*simd_vop)(union xmm *d, const union xmm *s, int n);
void simd_run_mmx(struct cpu *c, const struct insn *i, simd_vop fn);
void simd_run_xmm(struct cpu *c, const struct insn *i, simd_vop fn);

/* Both handlers of an instruction that has an MMX (NP) and an XMM (66)
 * form. */
#define SIMD_MMX_XMM(name, fn)                                                          \
    void op_##name##_mm(struct cpu *c, const struct insn *i) { simd_run_mmx(c, i, fn); }  \
    void op_##name##_xmm(struct cpu *c, const struct insn *i) { simd_run_xmm(c, i, fn); }

#endif
