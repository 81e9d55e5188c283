/* Stack instructions: PUSH, POP, PUSHA, POPA, ENTER, LEAVE — SDM Vol. 2. */
#include "mem.h"
#include "ops.h"
#include "stack.h"

void op_push_r(struct cpu *c, const struct insn *i)
{
    push(c, reg_get(c, i->reg, i->osz), i->osz);
    rip_advance(c, i);
}

void op_pop_r(struct cpu *c, const struct insn *i)
{
    uint64_t v = pop(c, i->osz);
    reg_set(c, i->reg, i->osz, v);
    rip_advance(c, i);
}

void op_push_imm(struct cpu *c, const struct insn *i)
{
    push(c, i->imm, i->osz);
    rip_advance(c, i);
}

/* PUSH r/m computes the address before RSP changes. */
void op_push_E(struct cpu *c, const struct insn *i)
{
    push(c, e_read(c, i, i->osz), i->osz);
    rip_advance(c, i);
}

/* POP r/m: an RSP-based address is computed after the increment — SDM
 * "POP". RSP changes only once the store has succeeded. */
void op_pop_E(struct cpu *c, const struct insn *i)
{
    uint64_t v = stack_peek(c, 0, i->osz);
    uint64_t old = c->r[R_SP];
    if (i->mod == 3) {
        sp_set(c, old + (uint64_t)i->osz);
        reg_set(c, i->rm, i->osz, v);
    } else {
        sp_set(c, old + (uint64_t)i->osz);
        uint64_t ea = ea_offset(c, i);
        uint64_t new_sp = c->r[R_SP];
        c->r[R_SP] = old;
        mem_write(c, i->seg, ea, i->osz, v);
        c->r[R_SP] = new_sp;
    }
    rip_advance(c, i);
}

void op_pusha(struct cpu *c, const struct insn *i)
{
    int sz = i->osz;
    uint64_t sp = c->r[R_SP], m = sp_mask(c);
    for (int r = R_AX; r <= R_DI; r++) {
        uint64_t v = r == R_SP ? sp : c->r[r];
        mem_write(c, S_SS, (sp - (uint64_t)(sz * (r + 1))) & m, sz, v);
    }
    sp_set(c, sp - (uint64_t)(8 * sz));
    rip_advance(c, i);
}

void op_popa(struct cpu *c, const struct insn *i)
{
    int sz = i->osz;
    uint64_t v[8];
    for (int r = R_AX; r <= R_DI; r++)
        v[r] = stack_peek(c, (uint64_t)(sz * (7 - r)), sz);
    for (int r = R_AX; r <= R_DI; r++)
        if (r != R_SP)
            reg_set(c, (unsigned)r, sz, v[r]);
    sp_set(c, c->r[R_SP] + (uint64_t)(8 * sz));
    rip_advance(c, i);
}

/* ENTER size, level — SDM "ENTER". Every store is done relative to the
 * original RSP before RSP and RBP are committed. */
void op_enter(struct cpu *c, const struct insn *i)
{
    int sz = i->osz;
    unsigned level = i->imm2 & 31;
    uint64_t m = sp_mask(c);
    uint64_t sp = c->r[R_SP] - (uint64_t)sz;
    mem_write(c, S_SS, sp & m, sz, reg_get(c, R_BP, sz));
    uint64_t frame = sp;
    uint64_t bp = c->r[R_BP];
    for (unsigned l = 1; l < level; l++) {
        bp -= (uint64_t)sz;
        sp -= (uint64_t)sz;
        mem_write(c, S_SS, sp & m, sz, mem_read(c, S_SS, bp & m, sz));
    }
    if (level) {
        sp -= (uint64_t)sz;
        mem_write(c, S_SS, sp & m, sz, frame);
    }
    sp -= i->imm & 0xffff;
    reg_set(c, R_BP, sz, frame);
    sp_set(c, sp);
    rip_advance(c, i);
}

void op_leave(struct cpu *c, const struct insn *i)
{
    uint64_t m = sp_mask(c);
    uint64_t v = mem_read(c, S_SS, c->r[R_BP] & m, i->osz);
    sp_set(c, (c->r[R_BP] & m) + (uint64_t)i->osz);
    reg_set(c, R_BP, i->osz, v);
    rip_advance(c, i);
}
