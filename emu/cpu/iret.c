/* IRET/IRETD/IRETQ — SDM Vol. 2 "IRET/IRETD/IRETQ—Interrupt Return" and
 * Vol. 3A "Returning from an Exception or Interrupt-Handler Procedure",
 * "IRET in IA-32e Mode", "Virtual-8086 Mode". Task returns (NT = 1
 * outside IA-32e mode) are refused: task switching is not implemented. */
#include "mem.h"
#include "ops.h"
#include "segment.h"
#include "xfer.h"

#define IRET_ARITH (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF | \
                    RFLAGS_DF | RFLAGS_OF | RFLAGS_NT)

/* The popped return frame. */
struct frame {
    uint64_t rip;
    uint16_t cs;
    uint64_t fl;
};

static void pop_frame(struct cpu *c, struct stk *st, int sz, struct frame *f)
{
    stk_avail(c, st, 3, sz);
    f->rip = stk_pop(c, st, sz);
    f->cs = (uint16_t)stk_pop(c, st, sz);
    f->fl = stk_pop(c, st, sz);
}

/* SDM "IRET" RETURN-TO-SAME/OUTER-PRIVILEGE-LEVEL: CF PF AF ZF SF TF DF
 * OF NT always; RF AC ID for 32/64-bit operands; IF if CPL <= IOPL;
 * IOPL (and VIF, VIP for 32/64-bit operands) if CPL = 0. CPL is the one
 * IRET started at. */
static uint64_t iret_flags(struct cpu *c, uint64_t temp, int sz)
{
    uint64_t cur = cpu_get_rflags(c);
    uint64_t m = IRET_ARITH;
    if (sz >= 4)
        m |= RFLAGS_RF | RFLAGS_AC | RFLAGS_ID;
    if (c->cpl <= cpu_iopl(c))
        m |= RFLAGS_IF;
    if (c->cpl == 0)
        m |= RFLAGS_IOPL | (sz >= 4 ? RFLAGS_VIF | RFLAGS_VIP : 0);
    return (cur & ~m) | (temp & m);
}

/* SDM "IRET" REAL-ADDRESS-MODE: a 32-bit IRET loads EFLAGS with
 * (temp AND 257FD5H) OR (EFLAGS AND 1A0000H); a 16-bit one FLAGS[15:0].
 * The return IP must be within the CS limit (#GP(0)). */
static void iret_real(struct cpu *c, int sz)
{
    struct stk st;
    struct frame f;
    stk_current(c, &st, 0);
    pop_frame(c, &st, sz, &f);
    if (f.rip > c->seg[S_CS].limit)
        cpu_gp(c, 0);
    uint64_t cur = cpu_get_rflags(c);
    uint64_t fl = sz == 4 ? (f.fl & 0x257fd5) | (cur & 0x1a0000) : (cur & ~0xffffull) | f.fl;
    c->r[R_SP] = st.sp;
    cpu_set_rflags(c, fl);
    seg_load_real(c, S_CS, f.cs);
    c->rip = f.rip;
    cpu_update_mode(c);
}

/* SDM "IRET" RETURN-FROM-VIRTUAL-8086-MODE: only with IOPL = 3 (else
 * #GP(0): no VME); VM, IOPL, VIP and VIF are not changed by the pop
 * (a 16-bit pop keeps IOPL and the upper half). */
static void iret_vm86(struct cpu *c, int sz)
{
    const uint64_t keep32 = RFLAGS_VM | RFLAGS_IOPL | RFLAGS_VIP | RFLAGS_VIF;
    if (cpu_iopl(c) < 3)
        cpu_gp(c, 0);
    struct stk st;
    struct frame f;
    stk_current(c, &st, 0);
    pop_frame(c, &st, sz, &f);
    if (f.rip > c->seg[S_CS].limit)
        cpu_gp(c, 0);
    uint64_t cur = cpu_get_rflags(c);
    uint64_t keep = sz == 4 ? keep32 : ~0xffffull | RFLAGS_IOPL;
    c->r[R_SP] = st.sp;
    cpu_set_rflags(c, (f.fl & ~keep) | (cur & keep));
    seg_load_real(c, S_CS, f.cs);
    c->rip = f.rip;
    cpu_update_mode(c);
}

/* SDM "IRET" RETURN-TO-VIRTUAL-8086-MODE (CPL 0, VM = 1 in the image):
 * ESP, SS, ES, DS, FS, GS are popped as 32-bit items (#SS(0) if not
 * within the stack), EFLAGS <- image, and every segment is loaded as in
 * virtual-8086 mode. EIP must be within the 64-KByte CS limit. */
static void iret_to_vm86(struct cpu *c, struct stk *st, const struct frame *f)
{
    static const int order[5] = { S_SS, S_ES, S_DS, S_FS, S_GS };
    uint16_t sel[5];
    stk_avail(c, st, 6, 4);
    uint64_t esp = stk_pop(c, st, 4);
    for (int k = 0; k < 5; k++)
        sel[k] = (uint16_t)stk_pop(c, st, 4);
    if (f->rip > 0xffff)
        cpu_gp(c, 0);
    cpu_set_rflags(c, f->fl);
    for (int k = 0; k < 5; k++)
        seg_load_real(c, order[k], sel[k]);
    seg_load_real(c, S_CS, f->cs);
    c->r[R_SP] = esp & 0xffffffffull;
    c->rip = f->rip;
    cpu_update_mode(c);
}

/* SDM "IRET" RETURN-TO-SAME-PRIVILEGE-LEVEL (no SS pop): RIP check
 * (#GP(0)), CS, flags. */
static void iret_same(struct cpu *c, const struct stk *st, const struct frame *f, uint64_t d, int sz)
{
    if (!code_target_ok(c, d, f->rip))
        cpu_gp(c, 0);
    desc_set_accessed(c, f->cs, &d);
    uint64_t fl = iret_flags(c, f->fl, sz);
    c->r[R_SP] = st->sp;
    cs_load(c, f->cs, d, c->cpl);
    cpu_set_rflags(c, fl);
    c->rip = f->rip;
    cpu_update_mode(c);
}

/* Commit a return that popped SS:(E/R)SP. sd == 0 means a NULL SS
 * (IA-32e mode only). ES, FS, GS, DS are then checked against the new
 * CPL when it is outer. */
static void iret_commit_ss(struct cpu *c, const struct frame *f, uint64_t d, int sz,
                           uint16_t nss, uint64_t sd, uint64_t nsp)
{
    int rpl = (int)SEL_RPL(f->cs);
    bool outer = rpl > c->cpl;
    bool to64 = code_runs64(c, d);
    desc_set_accessed(c, f->cs, &d);
    if (sd)
        desc_set_accessed(c, nss, &sd);
    uint64_t fl = iret_flags(c, f->fl, sz);
    if (sd)
        seg_from_desc(&c->seg[S_SS], nss, sd);
    else
        seg_set_null_ss(&c->seg[S_SS], nss);
    cs_load(c, f->cs, d, rpl);
    sp_load(c, nsp, to64);
    cpu_set_rflags(c, fl);
    c->rip = f->rip;
    cpu_update_mode(c);
    if (outer)
        seg_invalidate_outer(c, rpl);
}

/* SDM "IRET" RETURN-TO-OUTER-PRIVILEGE-LEVEL (protected mode): pop
 * (E)SP and SS (#SS(0)); NULL SS #GP(0); SS checks against the return
 * CS RPL; RIP check (#GP(0)). */
static void iret_outer(struct cpu *c, struct stk *st, const struct frame *f, uint64_t d, int sz)
{
    stk_avail(c, st, 2, sz);
    uint64_t nsp = stk_pop(c, st, sz);
    uint16_t nss = (uint16_t)stk_pop(c, st, sz);
    if (!(nss & 0xfffc))
        cpu_gp(c, 0);
    uint64_t sd = ss_check_return(c, nss, (int)SEL_RPL(f->cs));
    if (!code_target_ok(c, d, f->rip))
        cpu_gp(c, 0);
    iret_commit_ss(c, f, d, sz, nss, sd, nsp);
}

/* SDM "IRET" TASK-RETURN: would switch to the TSS in the link field of
 * the current TSS; refused (#GP(link selector)). */
static _Noreturn void iret_task(struct cpu *c)
{
    uint16_t link = 0;
    if (c->tr.limit >= 1 && !(c->tr.ar & AR_UNUSABLE))
        link = (uint16_t)sys_read(c, sys_linear(c, c->tr.base), 2);
    task_switch_refuse(c, link, 0);
}

/* SDM "IRET" PROTECTED-MODE: NT = 1 is a task return; VM = 1 in the image
 * at CPL 0 returns to virtual-8086 mode; otherwise the CS checks and a
 * return to the same or an outer privilege level. */
static void iret_prot(struct cpu *c, int sz)
{
    if (c->rflags & RFLAGS_NT)
        iret_task(c);
    struct stk st;
    struct frame f;
    stk_current(c, &st, 0);
    pop_frame(c, &st, sz, &f);
    if ((f.fl & RFLAGS_VM) && c->cpl == 0) {
        iret_to_vm86(c, &st, &f);
        return;
    }
    uint64_t d = ret_cs_check(c, f.cs);
    if ((int)SEL_RPL(f.cs) > c->cpl)
        iret_outer(c, &st, &f, d, sz);
    else
        iret_same(c, &st, &f, d, sz);
}

/* SDM "IRET" IA-32e-MODE-RETURN, the SS rules: a NULL SS is #GP(0) going
 * to compatibility mode, to CPL 3, or with RPL != the new CPL; else the
 * SS checks. Returns 0 for an accepted NULL SS. */
static uint64_t iret64_ss(struct cpu *c, uint16_t nss, int rpl, bool to64)
{
    if (nss & 0xfffc)
        return ss_check_return(c, nss, rpl);
    if (!to64 || rpl == 3 || (int)SEL_RPL(nss) != rpl)
        cpu_gp(c, 0);
    return 0;
}

/* SDM "IRET" IA-32e-MODE: NT = 1 is #GP(0); SS:RSP is popped on a return
 * to an outer level and always when IRET starts in 64-bit mode; a NULL
 * return CS or a non-canonical RIP is #GP(0). */
static void iret_ia32e(struct cpu *c, int sz)
{
    if (c->rflags & RFLAGS_NT)
        cpu_gp(c, 0);
    struct stk st;
    struct frame f;
    stk_current(c, &st, 0);
    pop_frame(c, &st, sz, &f);
    int rpl = (int)SEL_RPL(f.cs);
    bool pop_ss = rpl > c->cpl || c->mode == MODE_LONG;
    uint64_t nsp = 0;
    uint16_t nss = 0;
    if (pop_ss) {
        stk_avail(c, &st, 2, sz);
        nsp = stk_pop(c, &st, sz);
        nss = (uint16_t)stk_pop(c, &st, sz);
    }
    if (!(f.cs & 0xfffc) || !is_canonical(f.rip))
        cpu_gp(c, 0);
    uint64_t d = ret_cs_check(c, f.cs);
    if (!pop_ss) {
        iret_same(c, &st, &f, d, sz);
        return;
    }
    uint64_t sd = iret64_ss(c, nss, rpl, code_runs64(c, d));
    if (!code_target_ok(c, d, f.rip))
        cpu_gp(c, 0);
    iret_commit_ss(c, &f, d, sz, nss, sd, nsp);
}

/* SDM Vol. 3A "NMI Handling While Processing an NMI": execution of IRET
 * unblocks NMIs, even if the instruction causes a fault. */
void op_iret(struct cpu *c, const struct insn *i)
{
    c->nmi_blocked = false;
    switch (c->mode) {
    case MODE_REAL: iret_real(c, i->osz); break;
    case MODE_VM86: iret_vm86(c, i->osz); break;
    case MODE_PROT: iret_prot(c, i->osz); break;
    default: iret_ia32e(c, i->osz); break;
    }
}
