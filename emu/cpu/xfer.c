/* Stack cursors and code-segment checks shared by the far control
 * transfers and interrupt delivery (see xfer.h). */
#include "xfer.h"

#include <stdio.h>

#include "mem.h"
#include "segment.h"
#include "stack.h"

void stk_current(struct cpu *c, struct stk *st, uint32_t err)
{
    st->ss = c->seg[S_SS];
    st->sp = c->r[R_SP];
    st->mask = sp_mask(c);
    st->acc = acc_user(c);
    st->err = err;
    st->flat = c->mode == MODE_LONG;
}

void stk_legacy(struct stk *st, const struct seg *ss, uint64_t sp, int cpl, uint32_t err)
{
    st->ss = *ss;
    st->sp = sp;
    st->mask = (ss->ar & AR_DB) ? 0xffffffffull : 0xffffull;
    st->acc = cpl == 3 ? ACC_U : 0;
    st->err = err;
    st->flat = false;
}

void stk_flat(struct stk *st, uint64_t sp, int cpl, uint32_t err)
{
    seg_set_null(&st->ss, 0);
    st->sp = sp;
    st->mask = ~0ull;
    st->acc = cpl == 3 ? ACC_U : 0;
    st->err = err;
    st->flat = true;
}

/* SDM Vol. 3A "Limit Checking": expand-up offsets up to the limit,
 * expand-down offsets above it up to FFFFH or FFFFFFFFH (by B). */
static bool stk_in_limit(const struct stk *st, uint64_t off, int sz)
{
    uint64_t last = off + (uint64_t)sz - 1;
    unsigned t = AR_TYPE(st->ss.ar);
    if (!(t & SEGT_CODE) && (t & SEGT_EXPDOWN)) {
        uint64_t upper = (st->ss.ar & AR_DB) ? 0xffffffffull : 0xffffull;
        return off > st->ss.limit && last <= upper;
    }
    return last <= st->ss.limit;
}

/* Linear address of an access at offset `off`, or #SS(err) — SDM Vol. 3A
 * "Limit Checking" and "Canonical Addressing". */
static uint64_t stk_linear(struct cpu *c, const struct stk *st, uint64_t off, int sz)
{
    if (st->flat) {
        if (!is_canonical(off) || !is_canonical(off + (uint64_t)sz - 1))
            cpu_fault(c, EXC_SS, st->err);
        return off;
    }
    if (!stk_in_limit(st, off, sz))
        cpu_fault(c, EXC_SS, st->err);
    return (st->ss.base + off) & 0xffffffffull;
}

void stk_room(struct cpu *c, const struct stk *st, int n, int sz)
{
    uint64_t sp = st->sp;
    for (int k = 0; k < n; k++) {
        sp = (sp - (uint64_t)sz) & st->mask;
        stk_linear(c, st, sp, sz);
    }
}

void stk_avail(struct cpu *c, const struct stk *st, int n, int sz)
{
    uint64_t sp = st->sp & st->mask;
    for (int k = 0; k < n; k++) {
        stk_linear(c, st, sp, sz);
        sp = (sp + (uint64_t)sz) & st->mask;
    }
}

/* Use the TLB when the access privilege is the current one. */
static bool same_priv(const struct cpu *c, unsigned acc)
{
    return !!(acc & ACC_U) == (c->cpl == 3);
}

void stk_push(struct cpu *c, struct stk *st, uint64_t v, int sz)
{
    uint64_t off = (st->sp - (uint64_t)sz) & st->mask;
    uint64_t lin = stk_linear(c, st, off, sz);
    uint8_t *p = same_priv(c, st->acc) ? tlb_ptr(c, TLB_WRITE, lin, sz) : NULL;
    if (p)
        store_le(p, sz, v);
    else
        lin_write_slow(c, lin, sz, v, st->acc | ACC_W);
    st->sp = (st->sp & ~st->mask) | off;
}

static uint64_t stk_read(struct cpu *c, const struct stk *st, uint64_t off, int sz)
{
    uint64_t lin = stk_linear(c, st, off & st->mask, sz);
    uint8_t *p = same_priv(c, st->acc) ? tlb_ptr(c, TLB_READ, lin, sz) : NULL;
    return p ? load_le(p, sz) : lin_read_slow(c, lin, sz, st->acc);
}

uint64_t stk_peek(struct cpu *c, const struct stk *st, int k, int sz)
{
    return stk_read(c, st, st->sp + (uint64_t)k * (uint64_t)sz, sz);
}

uint64_t stk_pop(struct cpu *c, struct stk *st, int sz)
{
    uint64_t v = stk_read(c, st, st->sp, sz);
    stk_skip(st, (uint64_t)sz);
    return v;
}

void stk_skip(struct stk *st, uint64_t n)
{
    st->sp = (st->sp & ~st->mask) | ((st->sp + n) & st->mask);
}

uint64_t next_rip(const struct cpu *c, const struct insn *i)
{
    uint64_t r = c->rip + i->len;
    if (c->code_size != 2)
        r &= c->code_size ? 0xffffffffull : 0xffffull;
    return r;
}

bool code_runs64(const struct cpu *c, uint64_t desc)
{
    return (c->efer & EFER_LMA) && (desc_ar(desc) & AR_L);
}

/* SDM "JMP", "CALL", "RET", "IRET": the target must be within the code
 * segment limit, or canonical when the target runs in 64-bit mode. */
bool code_target_ok(const struct cpu *c, uint64_t desc, uint64_t rip)
{
    if (code_runs64(c, desc))
        return is_canonical(rip);
    return rip <= desc_limit(desc);
}

/* SDM "JMP"/"CALL"/"RET": IF L-bit = 1 and D-bit = 1 and IA32_EFER.LMA = 1
 * THEN #GP(new code segment selector). */
bool code_ld_invalid(const struct cpu *c, uint32_t ar)
{
    return (c->efer & EFER_LMA) && (ar & AR_L) && (ar & AR_DB);
}

void cs_load(struct cpu *c, uint16_t sel, uint64_t desc, int cpl)
{
    seg_from_desc(&c->seg[S_CS], (uint16_t)((sel & ~3u) | (unsigned)cpl), desc);
}

void sp_load(struct cpu *c, uint64_t sp, bool to64)
{
    if (to64)
        c->r[R_SP] = sp;
    else if (c->seg[S_SS].ar & AR_DB)
        c->r[R_SP] = sp & 0xffffffffull;
    else
        c->r[R_SP] = (c->r[R_SP] & ~0xffffull) | (sp & 0xffff);
}

/* SDM "RET—Return From Procedure" and "IRET/IRETD/IRETQ—Interrupt Return",
 * protected-mode and IA-32e-mode return code-segment checks. */
uint64_t ret_cs_check(struct cpu *c, uint16_t sel)
{
    uint32_t err = sel & 0xfffcu;
    if (!err)
        cpu_gp(c, 0);
    uint64_t d = desc_fetch(c, sel, EXC_GP, 0);
    uint32_t ar = desc_ar(d);
    unsigned rpl = SEL_RPL(sel);
    if (!ar_is_code(ar) || code_ld_invalid(c, ar) || rpl < (unsigned)c->cpl)
        cpu_gp(c, err);
    if (ar_is_conforming_code(ar) ? AR_DPL(ar) > rpl : AR_DPL(ar) != rpl)
        cpu_gp(c, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_NP, err);
    return d;
}

/* Task switches (SDM Vol. 3A "Task Management") are not implemented: the
 * guest gets #GP, and stderr says why once per CPU. */
_Noreturn void task_switch_refuse(struct cpu *c, uint16_t sel, uint32_t ext)
{
    if (!c->warned_task_switch) {
        c->warned_task_switch = true;
        fprintf(stderr, "vtx: task switch through task gate not implemented\n");
    }
    cpu_gp(c, (sel & 0xfffcu) | ext);
}

/* SDM "INT n" (INTER-PRIVILEGE-LEVEL-INTERRUPT) and "CALL" (MORE-PRIVILEGE):
 * a 32-bit TSS holds ESPn at (DPL << 3) + 4 and SSn 4 bytes above it
 * (limit check on TSSstackAddress + 5); a 16-bit TSS holds SPn at
 * (DPL << 2) + 2 and SSn 2 bytes above it (check on + 3). */
void tss_stack_legacy(struct cpu *c, int dpl, uint32_t ext, uint16_t *ss, uint64_t *sp)
{
    const struct seg *tr = &c->tr;
    bool tss32 = (AR_TYPE(tr->ar) & 8) != 0;
    uint32_t at = tss32 ? (uint32_t)dpl * 8 + 4 : (uint32_t)dpl * 4 + 2;
    if (at + (tss32 ? 5u : 3u) > tr->limit)
        cpu_fault(c, EXC_TS, (tr->sel & 0xfffcu) | ext);
    int w = tss32 ? 4 : 2;
    *sp = sys_read(c, sys_linear(c, tr->base + at), w);
    *ss = (uint16_t)sys_read(c, sys_linear(c, tr->base + at + (uint32_t)w), 2);
}

/* SDM "Task-State Segment in 64-Bit Mode": RSP0-2 at 4, 12, 20, IST1-7
 * at 36 + 8 * (n - 1); the 8 bytes must lie within the TSS limit. */
uint64_t tss_read64(struct cpu *c, uint32_t at, uint32_t ext)
{
    if (at + 7 > c->tr.limit)
        cpu_fault(c, EXC_TS, (c->tr.sel & 0xfffcu) | ext);
    return sys_read(c, c->tr.base + at, 8);
}

/* SDM "INT n" / "CALL": NewSS NULL -> #TS(EXT); index outside the table
 * or RPL != new DPL -> #TS(NewSS); DPL != new DPL or not a writable data
 * segment -> #TS(NewSS); not present -> #SS(NewSS). */
uint64_t new_ss_check(struct cpu *c, uint16_t ss, int dpl, uint32_t ext)
{
    uint32_t err = (ss & 0xfffcu) | ext;
    if (!(ss & 0xfffc))
        cpu_fault(c, EXC_TS, ext);
    uint64_t d;
    if (!desc_read(c, ss, &d) || (int)SEL_RPL(ss) != dpl)
        cpu_fault(c, EXC_TS, err);
    uint32_t ar = desc_ar(d);
    if ((int)AR_DPL(ar) != dpl || !ar_is_writable_data(ar))
        cpu_fault(c, EXC_TS, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_SS, err);
    return d;
}
