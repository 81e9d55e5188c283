/* Far JMP and far CALL through call gates — SDM Vol. 3A "Call Gates",
 * "IA-32e Mode Call Gates", "Accessing a Code Segment Through a Call
 * Gate", "Stack Switching"; Vol. 2 "CALL—Call Procedure" (CALL-GATE,
 * MORE-PRIVILEGE, SAME-PRIVILEGE) and "JMP—Jump" (CALL-GATE). */
#include "mem.h"
#include "segment.h"
#include "xfer.h"

/* A call gate and the code segment it names. */
struct gate {
    uint64_t g[2];     /* the gate (16 bytes in IA-32e mode) */
    uint16_t sel;      /* code-segment selector from the gate */
    uint64_t d;        /* its descriptor */
    uint64_t off;      /* entry point */
    int sz;            /* gate size in bytes: 2, 4 or 8 */
};

/* SDM "IA-32e Mode Call Gates": the gate is 16 bytes and the type field
 * of its upper half must be 0 (#GP(gate selector)). Then for JMP and CALL:
 * gate DPL < CPL or DPL < RPL -> #GP(gate); not present -> #NP(gate). */
static void gate_read(struct cpu *c, uint16_t gsel, uint64_t gd, struct gate *gt)
{
    uint32_t gerr = gsel & 0xfffcu;
    gt->g[0] = gd;
    gt->g[1] = 0;
    bool lma = (c->efer & EFER_LMA) != 0;
    if (lma && (!desc_read16(c, gsel, gt->g) || ((gt->g[1] >> 40) & 0x1f)))
        cpu_gp(c, gerr);
    uint32_t ar = desc_ar(gt->g[0]);
    if (AR_DPL(ar) < (unsigned)c->cpl || AR_DPL(ar) < SEL_RPL(gsel))
        cpu_gp(c, gerr);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_NP, gerr);
    gt->sel = (uint16_t)(gt->g[0] >> 16);
    gt->sz = lma ? 8 : (AR_TYPE(ar) & 8) ? 4 : 2;
    gt->off = gt->g[0] & 0xffff;
    if (gt->sz >= 4)
        gt->off |= (gt->g[0] >> 32) & 0xffff0000ull;
    if (gt->sz == 8)
        gt->off |= (gt->g[1] & 0xffffffffull) << 32;
}

/* SDM "CALL"/"JMP" CALL-GATE: NULL code selector #GP(0); outside the
 * table, not code, or a bad DPL (CALL: DPL > CPL; JMP: conforming
 * DPL > CPL, non-conforming DPL != CPL) #GP(code sel); in IA-32e mode not
 * a 64-bit code segment #GP(code sel); not present #NP(code sel). */
static void gate_target(struct cpu *c, struct gate *gt, bool call)
{
    uint32_t err = gt->sel & 0xfffcu;
    if (!err)
        cpu_gp(c, 0);
    gt->d = desc_fetch(c, gt->sel, EXC_GP, 0);
    uint32_t ar = desc_ar(gt->d);
    unsigned cpl = (unsigned)c->cpl;
    if (!ar_is_code(ar))
        cpu_gp(c, err);
    bool bad = (call || ar_is_conforming_code(ar)) ? AR_DPL(ar) > cpl : AR_DPL(ar) != cpl;
    if (bad || ((c->efer & EFER_LMA) && !ar_is_code64(ar)))
        cpu_gp(c, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_NP, err);
}

/* The entry point must be within the new code segment's limit (or
 * canonical for 64-bit code): #GP(0). */
static void gate_entry_check(struct cpu *c, const struct gate *gt)
{
    if (!code_target_ok(c, gt->d, gt->off))
        cpu_gp(c, 0);
}

/* Commit: CS from the gate's code segment (accessed bit already set). */
static void gate_enter(struct cpu *c, const struct gate *gt, int cpl)
{
    cs_load(c, gt->sel, gt->d, cpl);
    c->rip = gt->off;
    cpu_update_mode(c);
}

/* SDM "CALL" SAME-PRIVILEGE: room for CS and (E/R)IP of the gate size
 * (#SS(0); a 64-bit gate uses the 64-bit RSP), then push them. */
static void call_same(struct cpu *c, const struct insn *i, struct gate *gt)
{
    struct stk st;
    if (gt->sz == 8)
        stk_flat(&st, c->r[R_SP], c->cpl, 0);
    else
        stk_current(c, &st, 0);
    stk_room(c, &st, 2, gt->sz);
    gate_entry_check(c, gt);
    stk_push(c, &st, c->seg[S_CS].sel, gt->sz);
    stk_push(c, &st, next_rip(c, i), gt->sz);
    desc_set_accessed(c, gt->sel, &gt->d);
    c->r[R_SP] = st.sp;
    gate_enter(c, gt, c->cpl);
}

/* The inner stack: from the 32/16-bit TSS with the NewSS checks, or
 * RSPn of the 64-bit TSS with SS NULL (RPL = new CPL). Returns the SS
 * descriptor (0 for the NULL SS). */
static uint64_t inner_stack(struct cpu *c, int dpl, struct seg *ss, struct stk *st)
{
    if (c->efer & EFER_LMA) {
        uint64_t nsp = tss_read64(c, (uint32_t)dpl * 8 + 4, 0);
        seg_set_null_ss(ss, (uint16_t)dpl);
        stk_flat(st, nsp, dpl, 0);
        return 0;
    }
    uint16_t nss;
    uint64_t nsp;
    tss_stack_legacy(c, dpl, 0, &nss, &nsp);
    uint64_t sd = new_ss_check(c, nss, dpl, 0);
    seg_from_desc(ss, nss, sd);
    stk_legacy(st, ss, nsp, dpl, nss & 0xfffcu);
    return sd;
}

/* SDM "CALL" MORE-PRIVILEGE: switch to the inner stack, which must have
 * room for SS, (E/R)SP, the parameters and CS, (E/R)IP (#SS(NewSS));
 * entry point check (#GP(0)); push the caller's SS:ESP, copy the
 * gate's parameter count (5 bits, not in IA-32e mode) of items from the
 * caller's stack, push the return address. CPL becomes the DPL. */
static void call_more(struct cpu *c, const struct insn *i, struct gate *gt)
{
    int dpl = (int)AR_DPL(desc_ar(gt->d));
    struct seg ss;
    struct stk st, old;
    uint64_t sd = inner_stack(c, dpl, &ss, &st);
    int params = gt->sz == 8 ? 0 : (int)((gt->g[0] >> 32) & 0x1f);
    stk_room(c, &st, 4 + params, gt->sz);
    gate_entry_check(c, gt);
    stk_current(c, &old, 0);
    stk_avail(c, &old, params, gt->sz);
    if (sd) {
        desc_set_accessed(c, ss.sel, &sd);
        ss.ar = desc_ar(sd);
    }
    stk_push(c, &st, c->seg[S_SS].sel, gt->sz);
    stk_push(c, &st, c->r[R_SP], gt->sz);
    for (int k = params - 1; k >= 0; k--)
        stk_push(c, &st, stk_peek(c, &old, k, gt->sz), gt->sz);
    stk_push(c, &st, c->seg[S_CS].sel, gt->sz);
    stk_push(c, &st, next_rip(c, i), gt->sz);
    desc_set_accessed(c, gt->sel, &gt->d);
    c->seg[S_SS] = ss;
    c->r[R_SP] = st.sp;
    gate_enter(c, gt, dpl);
}

void callgate_xfer(struct cpu *c, const struct insn *i, uint16_t gsel, uint64_t gd, bool call)
{
    struct gate gt;
    gate_read(c, gsel, gd, &gt);
    gate_target(c, &gt, call);
    uint32_t ar = desc_ar(gt.d);
    if (!call) {
        gate_entry_check(c, &gt);
        desc_set_accessed(c, gt.sel, &gt.d);
        gate_enter(c, &gt, c->cpl);
    } else if (!ar_is_conforming_code(ar) && (int)AR_DPL(ar) < c->cpl) {
        call_more(c, i, &gt);
    } else {
        call_same(c, i, &gt);
    }
}
