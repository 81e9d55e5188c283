/* Far JMP, far CALL and far RET — SDM Vol. 2 "JMP—Jump", "CALL—Call
 * Procedure", "RET—Return From Procedure"; Vol. 3A "Privilege Level
 * Checking When Transferring Program Control Between Code Segments".
 * Transfers through call gates are in callgate.c, IRET in iret.c. */
#include "mem.h"
#include "ops.h"
#include "segment.h"
#include "xfer.h"

static uint64_t osz_mask(int osz)
{
    return osz == 2 ? 0xffffull : osz == 4 ? 0xffffffffull : ~0ull;
}

/* SDM "JMP"/"CALL", real-address or virtual-8086 mode: the offset is
 * masked to the operand size and must lie within the CS limit (#GP(0));
 * CALL needs room for CS and (E)IP (#SS(0)). */
static void far_real(struct cpu *c, const struct insn *i, uint16_t sel, uint64_t off, bool call)
{
    int sz = i->osz;
    struct stk st;
    stk_current(c, &st, 0);
    if (call)
        stk_room(c, &st, 2, sz);
    off &= osz_mask(sz);
    if (off > c->seg[S_CS].limit)
        cpu_gp(c, 0);
    if (call) {
        stk_push(c, &st, c->seg[S_CS].sel, sz);
        stk_push(c, &st, next_rip(c, i), sz);
        c->r[R_SP] = st.sp;
    }
    seg_load_real(c, S_CS, sel);
    c->rip = off;
    cpu_update_mode(c);
}

/* SDM "JMP"/"CALL" CONFORMING-CODE-SEGMENT and NONCONFORMING-CODE-SEGMENT:
 * L = D = 1 in IA-32e mode, conforming DPL > CPL, or non-conforming
 * RPL > CPL or DPL != CPL: #GP(sel); not present: #NP(sel); CALL needs
 * room for the return address (#SS(0)); a CALL into compatibility mode
 * truncates the offset to 32 bits; the offset must be within the limit
 * (or canonical for 64-bit code): #GP(0). CS.RPL becomes CPL. */
static void far_code(struct cpu *c, const struct insn *i, uint16_t sel, uint64_t d,
                     uint64_t off, bool call)
{
    uint32_t ar = desc_ar(d), err = sel & 0xfffcu;
    unsigned cpl = (unsigned)c->cpl;
    if (code_ld_invalid(c, ar))
        cpu_gp(c, err);
    if (ar_is_conforming_code(ar) ? AR_DPL(ar) > cpl : (SEL_RPL(sel) > cpl || AR_DPL(ar) != cpl))
        cpu_gp(c, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_NP, err);
    int sz = i->osz;
    struct stk st;
    stk_current(c, &st, 0);
    if (call)
        stk_room(c, &st, 2, sz);
    if (call && (c->efer & EFER_LMA) && !(ar & AR_L))
        off &= 0xffffffffull;
    off &= osz_mask(sz);
    if (!code_target_ok(c, d, off))
        cpu_gp(c, 0);
    desc_set_accessed(c, sel, &d);
    if (call) {
        stk_push(c, &st, c->seg[S_CS].sel, sz);
        stk_push(c, &st, next_rip(c, i), sz);
        c->r[R_SP] = st.sp;
    }
    cs_load(c, sel, d, c->cpl);
    c->rip = off;
    cpu_update_mode(c);
}

/* SDM "JMP"/"CALL" TASK-GATE and TASK-STATE-SEGMENT: the privilege and
 * presence checks are made, then the task switch is refused. A TSS must
 * be available with DPL >= CPL and DPL >= RPL; a task gate needs
 * DPL >= CPL and DPL >= RPL. */
static _Noreturn void far_task(struct cpu *c, uint16_t sel, uint64_t d)
{
    uint32_t ar = desc_ar(d), err = sel & 0xfffcu;
    unsigned t = AR_TYPE(ar);
    bool busy = t == SYS_TSS16_BUSY || t == SYS_TSS_BUSY;
    if (AR_DPL(ar) < (unsigned)c->cpl || AR_DPL(ar) < SEL_RPL(sel) || busy)
        cpu_gp(c, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_NP, err);
    task_switch_refuse(c, t == SYS_TASKGATE ? (uint16_t)(d >> 16) : sel, 0);
}

/* SDM "JMP"/"CALL" protected mode: a NULL selector is #GP(0); outside the
 * table #GP(sel); legal targets are code segments, call gates, and
 * (outside IA-32e mode) task gates and TSSs; in IA-32e mode only 64-bit
 * call gates. Anything else is #GP(sel). */
static void far_prot(struct cpu *c, const struct insn *i, uint16_t sel, uint64_t off, bool call)
{
    uint32_t err = sel & 0xfffcu;
    if (!err)
        cpu_gp(c, 0);
    uint64_t d = desc_fetch(c, sel, EXC_GP, 0);
    uint32_t ar = desc_ar(d);
    unsigned t = AR_TYPE(ar);
    if (ar & AR_S) {
        if (!(ar & SEGT_CODE))
            cpu_gp(c, err);
        far_code(c, i, sel, d, off, call);
    } else if (t == SYS_CALLGATE || (t == SYS_CALLGATE16 && !(c->efer & EFER_LMA))) {
        callgate_xfer(c, i, sel, d, call);
    } else if (!(c->efer & EFER_LMA) && (t == SYS_TASKGATE || t == SYS_TSS16_AVL ||
               t == SYS_TSS_AVL || t == SYS_TSS16_BUSY || t == SYS_TSS_BUSY)) {
        far_task(c, sel, d);
    } else {
        cpu_gp(c, err);
    }
}

static void far_xfer(struct cpu *c, const struct insn *i, uint16_t sel, uint64_t off, bool call)
{
    if (c->mode == MODE_REAL || c->mode == MODE_VM86)
        far_real(c, i, sel, off, call);
    else
        far_prot(c, i, sel, off, call);
}

/* The m16:16, m16:32 or m16:64 operand: offset first, then selector. */
static void far_operand(struct cpu *c, const struct insn *i, uint16_t *sel, uint64_t *off)
{
    uint64_t ea = ea_offset(c, i);
    *off = mem_read(c, i->seg, ea, i->osz);
    *sel = (uint16_t)mem_read(c, i->seg, (ea + i->osz) & asz_mask(i->asz), 2);
}

void op_jmpf_ptr(struct cpu *c, const struct insn *i)
{
    far_xfer(c, i, (uint16_t)i->disp, i->imm, false);
}

void op_callf_ptr(struct cpu *c, const struct insn *i)
{
    far_xfer(c, i, (uint16_t)i->disp, i->imm, true);
}

void op_jmpf_M(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    uint64_t off;
    far_operand(c, i, &sel, &off);
    far_xfer(c, i, sel, off, false);
}

void op_callf_M(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    uint64_t off;
    far_operand(c, i, &sel, &off);
    far_xfer(c, i, sel, off, true);
}

/* ---- RET far ---- */

/* SDM "RET" real-address / virtual-8086 mode: pop (E)IP and CS (#SS(0)
 * if not within the stack), (E)IP within the CS limit (#GP(0)), then
 * release imm16 bytes. */
static void retf_real(struct cpu *c, int sz, uint64_t adj)
{
    struct stk st;
    stk_current(c, &st, 0);
    stk_avail(c, &st, 2, sz);
    uint64_t rip = stk_pop(c, &st, sz);
    uint16_t sel = (uint16_t)stk_pop(c, &st, sz);
    if (rip > c->seg[S_CS].limit)
        cpu_gp(c, 0);
    stk_skip(&st, adj);
    c->r[R_SP] = st.sp;
    seg_load_real(c, S_CS, sel);
    c->rip = rip;
    cpu_update_mode(c);
}

/* SDM "RET" (IA-32e-MODE-)RETURN-TO-OUTER-PRIVILEGE-LEVEL: after the
 * imm16 release, pop (E/R)SP and SS (#SS(0)); a NULL SS is #GP(0) except
 * in IA-32e mode returning to 64-bit code at RPL < 3; SS checks; RIP
 * check; then release imm16 bytes on the new stack and make ES, FS, GS,
 * DS NULL where their DPL < the new CPL. */
static void retf_outer(struct cpu *c, struct stk *st, uint16_t sel, uint64_t d, uint64_t rip,
                       uint64_t adj, int sz)
{
    int rpl = (int)SEL_RPL(sel);
    bool to64 = code_runs64(c, d);
    stk_skip(st, adj);
    stk_avail(c, st, 2, sz);
    uint64_t nsp = stk_pop(c, st, sz);
    uint16_t nss = (uint16_t)stk_pop(c, st, sz);
    uint64_t sd = 0;
    if (!(nss & 0xfffc)) {
        if (!to64 || SEL_RPL(nss) == 3)
            cpu_gp(c, 0);
    } else {
        sd = ss_check_return(c, nss, rpl);
    }
    if (!code_target_ok(c, d, rip))
        cpu_gp(c, 0);
    desc_set_accessed(c, sel, &d);
    if (nss & 0xfffc) {
        desc_set_accessed(c, nss, &sd);
        seg_from_desc(&c->seg[S_SS], nss, sd);
    } else {
        seg_set_null_ss(&c->seg[S_SS], (uint16_t)((nss & ~3u) | (unsigned)rpl));
    }
    cs_load(c, sel, d, rpl);
    sp_load(c, nsp + adj, to64);
    c->rip = rip;
    cpu_update_mode(c);
    seg_invalidate_outer(c, rpl);
}

/* SDM "RET" protected mode and IA-32e mode: pop the return address
 * (#SS(0) if not within the stack), check the return CS; at the same
 * privilege the RIP must fit the new CS, then imm16 bytes are released. */
static void retf_prot(struct cpu *c, int sz, uint64_t adj)
{
    struct stk st;
    stk_current(c, &st, 0);
    stk_avail(c, &st, 2, sz);
    uint64_t rip = stk_pop(c, &st, sz);
    uint16_t sel = (uint16_t)stk_pop(c, &st, sz);
    uint64_t d = ret_cs_check(c, sel);
    if ((int)SEL_RPL(sel) > c->cpl) {
        retf_outer(c, &st, sel, d, rip, adj, sz);
        return;
    }
    if (!code_target_ok(c, d, rip))
        cpu_gp(c, 0);
    desc_set_accessed(c, sel, &d);
    stk_skip(&st, adj);
    c->r[R_SP] = st.sp;
    cs_load(c, sel, d, c->cpl);
    c->rip = rip;
    cpu_update_mode(c);
}

void op_retf(struct cpu *c, const struct insn *i)
{
    uint64_t adj = i->op == 0xca ? (i->imm & 0xffff) : 0;
    if (c->mode == MODE_REAL || c->mode == MODE_VM86)
        retf_real(c, i->osz, adj);
    else
        retf_prot(c, i->osz, adj);
}
