/* Near control transfer: Jcc, JMP, CALL, RET, LOOP family, JrCXZ —
 * SDM Vol. 2. The target is checked (CS limit, or canonical form in 64-bit
 * mode: #GP(0) reported on the branch itself) before anything changes. */
#include "flags.h"
#include "mem.h"
#include "ops.h"
#include "stack.h"

/* Validate and truncate a near-branch target to the operand size. */
static uint64_t near_target(struct cpu *c, const struct insn *i, uint64_t t)
{
    if (i->osz == 2)
        t &= 0xffff;
    else if (i->osz == 4)
        t &= 0xffffffff;
    if (c->mode == MODE_LONG) {
        if (!is_canonical(t))
            cpu_gp(c, 0);
    } else if (t > c->seg[S_CS].limit) {
        cpu_gp(c, 0);
    }
    return t;
}

static uint64_t next_rip(const struct cpu *c, const struct insn *i)
{
    return c->rip + i->len;
}

/* A taken branch leaves the decoded block (conditional branches do not
 * end blocks: codecache.c). */
static void branch_if(struct cpu *c, const struct insn *i, int taken)
{
    if (taken) {
        c->rip = near_target(c, i, next_rip(c, i) + i->imm);
        cpu_leave_block(c);
    } else {
        rip_advance(c, i);
    }
}

void op_jcc(struct cpu *c, const struct insn *i)
{
    branch_if(c, i, cond(c, i->op & 15));
}

void op_jmp_rel(struct cpu *c, const struct insn *i)
{
    branch_if(c, i, 1);
}

void op_jmp_E(struct cpu *c, const struct insn *i)
{
    c->rip = near_target(c, i, e_read(c, i, i->osz));
}

void op_call_rel(struct cpu *c, const struct insn *i)
{
    uint64_t t = near_target(c, i, next_rip(c, i) + i->imm);
    push(c, next_rip(c, i), i->osz);
    c->rip = t;
}

void op_call_E(struct cpu *c, const struct insn *i)
{
    uint64_t t = near_target(c, i, e_read(c, i, i->osz));
    push(c, next_rip(c, i), i->osz);
    c->rip = t;
}

void op_ret(struct cpu *c, const struct insn *i)
{
    uint64_t t = near_target(c, i, stack_peek(c, 0, i->osz));
    sp_set(c, c->r[R_SP] + (uint64_t)i->osz + (i->op == 0xc2 ? (i->imm & 0xffff) : 0));
    c->rip = t;
}

/* LOOP/LOOPE/LOOPNE count in rCX by address size. */
void op_loop(struct cpu *c, const struct insn *i)
{
    uint64_t n = (c->r[R_CX] - 1) & asz_mask(i->asz);
    int taken = n != 0;
    if (i->op == 0xe0)
        taken = taken && !flag_zf(c);
    else if (i->op == 0xe1)
        taken = taken && flag_zf(c);
    uint64_t t = taken ? near_target(c, i, next_rip(c, i) + i->imm) : 0;
    reg_set(c, R_CX, i->asz, n);
    if (taken) {
        c->rip = t;
        cpu_leave_block(c);
    } else {
        rip_advance(c, i);
    }
}

void op_jrcxz(struct cpu *c, const struct insn *i)
{
    branch_if(c, i, (c->r[R_CX] & asz_mask(i->asz)) == 0);
}
