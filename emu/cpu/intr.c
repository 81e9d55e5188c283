/* Event delivery through the IVT (real-address mode) and the IDT
 * (protected and virtual-8086 mode) — SDM Vol. 3A "Interrupt and
 * Exception Handling", "Interrupt and Exception Handling in
 * Real-Address Mode", "Interrupt and Exception Handling in Virtual-8086
 * Mode"; Vol. 2 "INT n/INTO/INT3/INT1—Call to Interrupt Procedure".
 * IA-32e mode delivery is in intr64.c. */
#include <stdio.h>

#include "intr.h"
#include "machine/machine.h"

#include "flags.h"
#include "mem.h"
#include "segment.h"
#include "xfer.h"

/* SDM "Resume Flag (RF)" (Vol. 3B "Instruction-Breakpoint Exception
 * Condition"): the RF image pushed for a fault-class exception is 1
 * (except instruction-breakpoint #DB); software interrupts push 0. */
static bool exc_is_fault(int v)
{
    switch (v) {
    case EXC_DE: case EXC_BR: case EXC_UD: case EXC_NM: case EXC_TS: case EXC_NP:
    case EXC_SS: case EXC_GP: case EXC_PF: case EXC_MF: case EXC_AC: case EXC_XM:
    case EXC_VE:
        return true;
    default:
        return false;
    }
}

uint64_t intr_pushed_rflags(struct cpu *c, const struct event *ev)
{
    uint64_t f = cpu_get_rflags(c);
    if (intr_is_soft(ev) || ev->kind == EV_PRIVSOFT)
        f &= ~(uint64_t)RFLAGS_RF;
    else if (ev->kind == EV_EXCEPTION && exc_is_fault(ev->vector))
        f |= RFLAGS_RF;
    return f;
}

/* SDM "INT n": TF, VM, RF and NT are cleared; IF is cleared for an
 * interrupt gate (SDM "Flag Usage By Exception- or Interrupt-Handler
 * Procedure"). Interrupt gates have type bit 0 clear. */
void intr_enter_flags(struct cpu *c, unsigned gate_type)
{
    uint64_t f = cpu_get_rflags(c);
    f &= ~(uint64_t)(RFLAGS_TF | RFLAGS_VM | RFLAGS_RF | RFLAGS_NT);
    if (!(gate_type & 1))
        f &= ~(uint64_t)RFLAGS_IF;
    cpu_set_rflags(c, f);
}

/* SDM "INT n": a software interrupt needs gate DPL >= CPL, else
 * #GP((vector << 3) | 2) with EXT = 0; a gate not present is
 * #NP((vector << 3) | 2 | EXT). */
void intr_gate_access(struct cpu *c, const struct event *ev, uint32_t gate_ar)
{
    if (intr_is_soft(ev) && (int)AR_DPL(gate_ar) < c->cpl)
        cpu_gp(c, ((uint32_t)ev->vector << 3) | ERRC_IDT);
    if (!(gate_ar & AR_P))
        cpu_fault(c, EXC_NP, intr_idt_err(ev));
}

/* SDM "INT n", TRAP-OR-INTERRUPT-GATE: NULL selector #GP(EXT); outside
 * its table, not code, or DPL > CPL: #GP(sel | EXT); in IA-32e mode not
 * a 64-bit code segment: #GP(sel | EXT); not present: #NP(sel | EXT). */
uint64_t intr_handler_desc(struct cpu *c, const struct event *ev, uint16_t sel)
{
    uint32_t err = (sel & 0xfffcu) | ev->ext;
    if (!(sel & 0xfffc))
        cpu_gp(c, ev->ext);
    uint64_t d = desc_fetch(c, sel, EXC_GP, ev->ext);
    uint32_t ar = desc_ar(d);
    if (!ar_is_code(ar) || (int)AR_DPL(ar) > c->cpl)
        cpu_gp(c, err);
    if ((c->efer & EFER_LMA) && !ar_is_code64(ar))
        cpu_gp(c, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_NP, err);
    return d;
}

/* ---- Real-address mode ---- */

/* SDM "INT n" REAL-ADDRESS-MODE and "Interrupt and Exception Handling in
 * Real-Address Mode": the IVT entry (vector * 4 + 3 within the IDTR
 * limit, else #GP), push FLAGS, CS, IP; clear IF, TF and AC. */
static void deliver_real(struct cpu *c, const struct event *ev)
{
    uint64_t at = (uint64_t)ev->vector * 4;
    if (at + 3 > c->idtr.limit)
        cpu_gp(c, 0);
    uint32_t ivt = (uint32_t)sys_read(c, (c->idtr.base + at) & 0xffffffffull, 4);
    struct stk st;
    stk_current(c, &st, 0);
    stk_room(c, &st, 3, 2);
    stk_push(c, &st, cpu_get_rflags(c), 2);
    stk_push(c, &st, c->seg[S_CS].sel, 2);
    stk_push(c, &st, ev->rip, 2);
    c->r[R_SP] = st.sp;
    cpu_set_rflags(c, cpu_get_rflags(c) & ~(uint64_t)(RFLAGS_IF | RFLAGS_TF | RFLAGS_AC));
    seg_load_real(c, S_CS, (uint16_t)(ivt >> 16));
    c->rip = ivt & 0xffff;
}

/* ---- Protected mode and virtual-8086 mode ---- */

static bool gate_is32(uint64_t g)
{
    return (AR_TYPE(desc_ar(g)) & 8) != 0;
}

static uint64_t gate_offset(uint64_t g)
{
    uint64_t lo = g & 0xffff;
    return gate_is32(g) ? lo | ((g >> 32) & 0xffff0000ull) : lo;
}

/* SDM "INT n" PROTECTED-MODE: (vector * 8) + 7 within the IDT limit and
 * an interrupt, trap or task gate, else #GP((vector << 3) | 2 | EXT). */
static uint64_t idt_gate(struct cpu *c, const struct event *ev)
{
    uint64_t at = (uint64_t)ev->vector * 8;
    if (at + 7 > c->idtr.limit)
        cpu_gp(c, intr_idt_err(ev));
    uint64_t g = sys_read(c, sys_linear(c, c->idtr.base + at), 8);
    uint32_t ar = desc_ar(g);
    unsigned t = AR_TYPE(ar);
    bool ok = t == SYS_TASKGATE || t == SYS_INTGATE16 || t == SYS_TRAPGATE16 ||
              t == SYS_INTGATE || t == SYS_TRAPGATE;
    if ((ar & AR_S) || !ok)
        cpu_gp(c, intr_idt_err(ev));
    intr_gate_access(c, ev, ar);
    return g;
}

static void push_frame(struct cpu *c, struct stk *st, const struct event *ev, int sz)
{
    stk_push(c, st, intr_pushed_rflags(c, ev), sz);
    stk_push(c, st, c->seg[S_CS].sel, sz);
    stk_push(c, st, ev->rip, sz);
    if (ev->has_error)
        stk_push(c, st, ev->error, sz);
}

/* SDM "INT n" INTERRUPT-FROM-VIRTUAL-8086-MODE: GS, FS, DS, ES are pushed
 * before the frame, and made NULL ("invalid for use in protected mode"). */
static void vm86_push_segs(struct cpu *c, struct stk *st, int sz)
{
    static const int order[4] = { S_GS, S_FS, S_DS, S_ES };
    for (int k = 0; k < 4; k++)
        stk_push(c, st, c->seg[order[k]].sel, sz);
}

static void vm86_null_segs(struct cpu *c)
{
    static const int regs[4] = { S_GS, S_FS, S_DS, S_ES };
    for (int k = 0; k < 4; k++)
        seg_set_null(&c->seg[regs[k]], 0);
}

/* SDM "INT n" INTER-PRIVILEGE-LEVEL-INTERRUPT and
 * INTERRUPT-FROM-VIRTUAL-8086-MODE: stack from the TSS, NewSS checks,
 * room for the frame (#SS(NewSS | EXT)), handler IP within the limit
 * (#GP(EXT)); from virtual-8086 mode GS, FS, DS, ES are pushed first and
 * then made NULL. */
static void prot_inter(struct cpu *c, const struct event *ev, uint64_t g, uint16_t sel, uint64_t cd)
{
    bool vm = c->mode == MODE_VM86;
    int dpl = (int)AR_DPL(desc_ar(cd));
    uint16_t nss;
    uint64_t nsp;
    tss_stack_legacy(c, dpl, ev->ext, &nss, &nsp);
    uint64_t sd = new_ss_check(c, nss, dpl, ev->ext);
    struct seg ss;
    seg_from_desc(&ss, nss, sd);
    int sz = gate_is32(g) ? 4 : 2;
    struct stk st;
    stk_legacy(&st, &ss, nsp, dpl, (nss & 0xfffcu) | ev->ext);
    stk_room(c, &st, 5 + ev->has_error + (vm ? 4 : 0), sz);
    uint64_t rip = gate_offset(g);
    if (!code_target_ok(c, cd, rip))
        cpu_gp(c, ev->ext);
    desc_set_accessed(c, nss, &sd);
    desc_set_accessed(c, sel, &cd);
    if (vm)
        vm86_push_segs(c, &st, sz);
    stk_push(c, &st, c->seg[S_SS].sel, sz);
    stk_push(c, &st, c->r[R_SP], sz);
    push_frame(c, &st, ev, sz);
    if (vm)
        vm86_null_segs(c);
    seg_from_desc(&c->seg[S_SS], nss, sd);
    c->r[R_SP] = st.sp;
    cs_load(c, sel, cd, dpl);
    intr_enter_flags(c, AR_TYPE(desc_ar(g)));
    c->rip = rip;
}

/* SDM "INT n" INTRA-PRIVILEGE-LEVEL-INTERRUPT: room on the current stack
 * (#SS(EXT)), handler IP within the limit (#GP(EXT)), CS.RPL = CPL. */
static void prot_intra(struct cpu *c, const struct event *ev, uint64_t g, uint16_t sel, uint64_t cd)
{
    int sz = gate_is32(g) ? 4 : 2;
    struct stk st;
    stk_current(c, &st, ev->ext);
    stk_room(c, &st, 3 + ev->has_error, sz);
    uint64_t rip = gate_offset(g);
    if (!code_target_ok(c, cd, rip))
        cpu_gp(c, ev->ext);
    desc_set_accessed(c, sel, &cd);
    push_frame(c, &st, ev, sz);
    c->r[R_SP] = st.sp;
    cs_load(c, sel, cd, c->cpl);
    intr_enter_flags(c, AR_TYPE(desc_ar(g)));
    c->rip = rip;
}

/* SDM "INT n" PROTECTED-MODE / TRAP-OR-INTERRUPT-GATE: a non-conforming
 * handler with DPL < CPL switches stacks (from virtual-8086 mode only to
 * DPL 0); otherwise it must be conforming or DPL = CPL, and never from
 * virtual-8086 mode: #GP(sel | EXT). Task gates are refused. */
static void deliver_prot(struct cpu *c, const struct event *ev)
{
    uint64_t g = idt_gate(c, ev);
    uint16_t sel = (uint16_t)(g >> 16);
    if (AR_TYPE(desc_ar(g)) == SYS_TASKGATE)
        task_switch_refuse(c, sel, ev->ext);
    uint64_t cd = intr_handler_desc(c, ev, sel);
    uint32_t ar = desc_ar(cd);
    uint32_t err = (sel & 0xfffcu) | ev->ext;
    bool vm = c->mode == MODE_VM86;
    if (!ar_is_conforming_code(ar) && (int)AR_DPL(ar) < c->cpl) {
        if (vm && AR_DPL(ar) != 0)
            cpu_gp(c, err);
        prot_inter(c, ev, g, sel, cd);
        return;
    }
    if (vm)
        cpu_gp(c, err);
    prot_intra(c, ev, g, sel, cd);
}

/* EXT is 0 only for INT n, INT3 and INTO; INT1 (ICEBP) is delivered like
 * an external event — SDM Vol. 3A "Error Code". */
void cpu_deliver_event(struct cpu *c, int vector, enum event_kind kind,
                       bool has_error, uint32_t error, uint64_t return_rip)
{
    struct event ev = { vector & 0xff, kind, has_error, error, return_rip, 0 };
    if (c->stop_on_exception && kind == EV_SOFTEXC) {
        /* Test mode: INT3 and INTO raise #BP and #OF; report them with RIP
         * where the handler would return to. INT n, INT1 and external
         * events are delivered. */
        c->rip = return_rip;
        c->stop_is_trap = true;
        cpu_fault(c, vector & 0xff, error);
    }
    /* Software interrupts and exceptions do not pass through
     * cpu_deliver_pending: trace them here (-d exc, -d int). */
    if (((c->debug & DBG_EXC) && (kind == EV_SOFTEXC || kind == EV_PRIVSOFT)) ||
        ((c->debug & DBG_INT) && kind == EV_SOFTINT))
        fprintf(machine_trace(c->m), "vtx: cpu%d %s %#x at rip %#llx\n", c->index,
                kind == EV_SOFTINT ? "INT" : "software exception", vector & 0xff,
                (unsigned long long)c->rip);
    c->deliver_ext = !intr_is_soft(&ev);
    ev.ext = c->deliver_ext ? ERRC_EXT : 0;
    if (c->mode == MODE_REAL) {
        ev.has_error = false;   /* real mode pushes no error codes */
        deliver_real(c, &ev);
    } else if (c->efer & EFER_LMA) {
        intr_deliver_ia32e(c, &ev);
    } else {
        deliver_prot(c, &ev);
    }
    cpu_update_mode(c);
}
