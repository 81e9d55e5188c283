/* Fast system calls — SDM Vol. 2 "SYSCALL—Fast System Call", "SYSRET—
 * Return From Fast System Call", "SYSENTER—Fast System Call", "SYSEXIT—
 * Fast Return from Fast System Call", "SWAPGS—Swap GS Base Register";
 * Vol. 3A "Fast System Calls in 64-Bit Mode" and "Sysenter and Sysexit
 * Instructions". Every segment loaded here gets the SDM's fixed flat
 * attributes, not a descriptor. */
#include "mem.h"
#include "ops.h"
#include "segment.h"
#include "xfer.h"

/* Flat 4-GByte segments: base 0, limit FFFFFH with G = 1, S = 1, P = 1. */
#define AR_FLAT_CODE (AR_P | AR_S | SEGT_CODE | SEGT_READABLE | SEGT_ACCESSED | AR_G)   /* type 11 */
#define AR_FLAT_DATA (AR_P | AR_S | SEGT_WRITABLE | SEGT_ACCESSED | AR_G | AR_DB)      /* type 3, B = 1 */

static void flat_seg(struct seg *s, uint16_t sel, uint32_t ar, int dpl)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->ar = ar | ((uint32_t)dpl << AR_DPL_SHIFT);
}

/* CS with L = 1, D = 0 for 64-bit code, else L = 0, D = 1. */
static void flat_cs(struct cpu *c, uint16_t sel, bool code64, int dpl)
{
    flat_seg(&c->seg[S_CS], sel, AR_FLAT_CODE | (code64 ? AR_L : AR_DB), dpl);
}

/* SDM "SYSCALL": #UD unless in 64-bit mode (CS.L = 1, IA32_EFER.LMA = 1)
 * with IA32_EFER.SCE = 1 (SYSCALL is not supported outside 64-bit mode
 * on Intel processors). */
static void syscall_mode_check(struct cpu *c)
{
    if (c->mode != MODE_LONG || !(c->efer & EFER_SCE))
        cpu_ud(c);
}

/* SDM "SYSCALL": RCX <- next RIP, R11 <- RFLAGS, RFLAGS &= ~IA32_FMASK,
 * CS <- STAR[47:32] & FFFCH, SS <- STAR[47:32] + 8, CPL 0, RIP <-
 * IA32_LSTAR. RF is 0 in both: the processor clears RF at the start of
 * every instruction (Vol. 3B "Instruction-Breakpoint Exception
 * Condition"). */
void op_syscall(struct cpu *c, const struct insn *i)
{
    syscall_mode_check(c);
    uint16_t sel = (uint16_t)(c->star >> 32);
    uint64_t fl = cpu_get_rflags(c) & ~(uint64_t)RFLAGS_RF;
    c->r[R_CX] = next_rip(c, i);
    c->r[R_R11] = fl;
    cpu_set_rflags(c, fl & ~c->fmask);
    flat_cs(c, sel & 0xfffc, true, 0);
    flat_seg(&c->seg[S_SS], (uint16_t)(sel + 8), AR_FLAT_DATA, 0);
    c->rip = c->lstar;
    cpu_update_mode(c);
}

/* SDM "SYSRET": same #UD rule; CPL must be 0 (#GP(0)); returning to
 * 64-bit mode (REX.W) RCX must be canonical (#GP(0)). RFLAGS <-
 * (R11 & 3C7FD7H) | 2; CS <- STAR[63:48] (+16 for 64-bit) | 3,
 * SS <- (STAR[63:48] + 8) | 3, CPL 3. */
void op_sysret(struct cpu *c, const struct insn *i)
{
    syscall_mode_check(c);
    if (c->cpl != 0)
        cpu_gp(c, 0);
    bool to64 = i->osz == 8;
    if (to64 && !is_canonical(c->r[R_CX]))
        cpu_gp(c, 0);
    uint16_t base = (uint16_t)(c->star >> 48);
    c->rip = to64 ? c->r[R_CX] : c->r[R_CX] & 0xffffffffull;
    cpu_set_rflags(c, (c->r[R_R11] & 0x3c7fd7) | RFLAGS_FIXED1);
    flat_cs(c, (uint16_t)((to64 ? base + 16 : base) | 3), to64, 3);
    flat_seg(&c->seg[S_SS], (uint16_t)((base + 8) | 3), AR_FLAT_DATA, 3);
    cpu_update_mode(c);
}

/* SDM "SYSENTER": #GP(0) in real-address mode or with IA32_SYSENTER_CS
 * [15:2] = 0. VM and IF are cleared (RF at instruction end); CS <-
 * SYSENTER_CS & FFFCH, SS <- CS + 8, both DPL 0; in IA-32e mode the
 * target is 64-bit code with RSP/RIP from the MSRs, else 32-bit code
 * with their low 32 bits. */
void op_sysenter(struct cpu *c, const struct insn *i)
{
    (void)i;
    uint16_t sel = (uint16_t)c->sysenter_cs;
    if (c->mode == MODE_REAL || !(sel & 0xfffc))
        cpu_gp(c, 0);
    bool lma = (c->efer & EFER_LMA) != 0;
    uint64_t fl = cpu_get_rflags(c);
    cpu_set_rflags(c, fl & ~(uint64_t)(RFLAGS_VM | RFLAGS_IF | RFLAGS_RF));
    flat_cs(c, sel & 0xfffc, lma, 0);
    flat_seg(&c->seg[S_SS], (uint16_t)((sel & 0xfffc) + 8), AR_FLAT_DATA, 0);
    c->r[R_SP] = lma ? c->sysenter_esp : c->sysenter_esp & 0xffffffffull;
    c->rip = lma ? c->sysenter_eip : c->sysenter_eip & 0xffffffffull;
    cpu_update_mode(c);
}

/* SDM "SYSEXIT": #GP(0) with IA32_SYSENTER_CS[15:2] = 0, outside
 * protected mode, or at CPL != 0; with REX.W (return to 64-bit mode)
 * RCX and RDX must be canonical. CS <- SYSENTER_CS + 32 (64-bit) or
 * + 16, RPL 3; SS <- CS + 8; RSP <- RCX, RIP <- RDX (32 bits unless
 * 64-bit). */
void op_sysexit(struct cpu *c, const struct insn *i)
{
    uint16_t sel = (uint16_t)c->sysenter_cs;
    if (!(sel & 0xfffc) || c->mode == MODE_REAL || c->cpl != 0)
        cpu_gp(c, 0);
    bool to64 = i->osz == 8;
    if (to64 && (!is_canonical(c->r[R_CX]) || !is_canonical(c->r[R_DX])))
        cpu_gp(c, 0);
    uint16_t cs = (uint16_t)((sel + (to64 ? 32 : 16)) | 3);
    flat_cs(c, cs, to64, 3);
    flat_seg(&c->seg[S_SS], (uint16_t)(cs + 8), AR_FLAT_DATA, 3);
    c->r[R_SP] = to64 ? c->r[R_CX] : c->r[R_CX] & 0xffffffffull;
    c->rip = to64 ? c->r[R_DX] : c->r[R_DX] & 0xffffffffull;
    cpu_update_mode(c);
}

/* SDM "SWAPGS": CPL 0 only (#GP(0)); exchanges GS.base with
 * IA32_KERNEL_GS_BASE. 64-bit mode only (the decoder gives #UD). */
void op_swapgs(struct cpu *c, const struct insn *i)
{
    if (c->cpl != 0)
        cpu_gp(c, 0);
    uint64_t t = c->seg[S_GS].base;
    c->seg[S_GS].base = c->kernel_gs_base;
    c->kernel_gs_base = t;
    rip_advance(c, i);
}
