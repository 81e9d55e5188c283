/* Two-operand arithmetic and logic (ADD OR ADC SBB AND SUB XOR CMP), TEST,
 * INC/DEC, NEG/NOT — SDM Vol. 2 instruction pages of the same names.
 * AF after AND/OR/XOR/TEST is undefined; vtx clears it, as Intel CPUs do
 * (and Bochs, which models them). */
#include "flags.h"
#include "mem.h"
#include "ops.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* Compute a OP b at size sz, set the flags, return the result. */
static uint64_t alu(struct cpu *c, int op, uint64_t a, uint64_t b, int sz)
{
    uint64_t r;
    switch (op) {
    case ALU_ADD:
        r = a + b;
        lf_arith(c, r, cout_add(a, b, r), sz);
        return r;
    case ALU_ADC:
        r = a + b + (uint64_t)flag_cf(c);
        lf_arith(c, r, cout_add(a, b, r), sz);
        return r;
    case ALU_SBB:
        r = a - b - (uint64_t)flag_cf(c);
        lf_arith(c, r, cout_sub(a, b, r), sz);
        return r;
    case ALU_SUB:
    case ALU_CMP:
        r = a - b;
        lf_arith(c, r, cout_sub(a, b, r), sz);
        return r;
    case ALU_AND: r = a & b; break;
    case ALU_OR: r = a | b; break;
    default: r = a ^ b; break;
    }
    lf_set(c, r, sz, 0, 0, 0);
    return r;
}

/* Apply op to the r/m operand with source b (a read-only CMP, or RMW). */
static void alu_E(struct cpu *c, const struct insn *i, int op, uint64_t b)
{
    int sz = i->osz;
    if (op == ALU_CMP) {
        alu(c, op, e_read(c, i, sz), b, sz);
    } else {
        struct rmw m;
        uint64_t a = e_rmw_begin(c, i, &m, sz);
        rmw_end(c, &m, sz, alu(c, op, a, b, sz));
    }
    rip_advance(c, i);
}

void op_alu_EG(struct cpu *c, const struct insn *i)
{
    alu_E(c, i, (i->op >> 3) & 7, reg_get(c, i->reg, i->osz));
}

void op_alu_EI(struct cpu *c, const struct insn *i)
{
    alu_E(c, i, i->reg & 7, i->imm & szmask(i->osz));
}

void op_alu_GE(struct cpu *c, const struct insn *i)
{
    int op = (i->op >> 3) & 7, sz = i->osz;
    uint64_t r = alu(c, op, reg_get(c, i->reg, sz), e_read(c, i, sz), sz);
    if (op != ALU_CMP)
        reg_set(c, i->reg, sz, r);
    rip_advance(c, i);
}

void op_alu_AI(struct cpu *c, const struct insn *i)
{
    int op = (i->op >> 3) & 7, sz = i->osz;
    uint64_t r = alu(c, op, reg_get(c, R_AX, sz), i->imm & szmask(sz), sz);
    if (op != ALU_CMP)
        reg_set(c, R_AX, sz, r);
    rip_advance(c, i);
}

void op_test_EG(struct cpu *c, const struct insn *i)
{
    alu(c, ALU_AND, e_read(c, i, i->osz), reg_get(c, i->reg, i->osz), i->osz);
    rip_advance(c, i);
}

void op_test_EI(struct cpu *c, const struct insn *i)
{
    alu(c, ALU_AND, e_read(c, i, i->osz), i->imm & szmask(i->osz), i->osz);
    rip_advance(c, i);
}

void op_test_AI(struct cpu *c, const struct insn *i)
{
    alu(c, ALU_AND, reg_get(c, R_AX, i->osz), i->imm & szmask(i->osz), i->osz);
    rip_advance(c, i);
}

/* INC/DEC leave CF unchanged — SDM "INC", "DEC". */
static uint64_t incdec(struct cpu *c, uint64_t a, int dec, int sz)
{
    int cf = flag_cf(c);
    uint64_t r = dec ? a - 1 : a + 1;
    uint64_t cout = dec ? cout_sub(a, 1, r) : cout_add(a, 1, r);
    int top = sz * 8 - 1;
    int of = (int)(((cout >> top) ^ (cout >> (top - 1))) & 1);
    lf_set(c, r, sz, cf, of, (int)((cout >> 3) & 1));
    return r;
}

void op_inc_r(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->reg, i->osz, incdec(c, reg_get(c, i->reg, i->osz), 0, i->osz));
    rip_advance(c, i);
}

void op_dec_r(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->reg, i->osz, incdec(c, reg_get(c, i->reg, i->osz), 1, i->osz));
    rip_advance(c, i);
}

static void incdec_E(struct cpu *c, const struct insn *i, int dec)
{
    struct rmw m;
    uint64_t a = e_rmw_begin(c, i, &m, i->osz);
    uint64_t r = dec ? a - 1 : a + 1;
    rmw_end(c, &m, i->osz, r);
    incdec(c, a, dec, i->osz);
    rip_advance(c, i);
}

void op_inc_E(struct cpu *c, const struct insn *i) { incdec_E(c, i, 0); }
void op_dec_E(struct cpu *c, const struct insn *i) { incdec_E(c, i, 1); }

/* NEG: CF = (source != 0) — SDM "NEG". */
void op_neg(struct cpu *c, const struct insn *i)
{
    struct rmw m;
    uint64_t a = e_rmw_begin(c, i, &m, i->osz);
    uint64_t r = 0 - a;
    rmw_end(c, &m, i->osz, r);
    lf_arith(c, r, cout_sub(0, a, r), i->osz);
    rip_advance(c, i);
}

void op_not(struct cpu *c, const struct insn *i)
{
    struct rmw m;
    uint64_t a = e_rmw_begin(c, i, &m, i->osz);
    rmw_end(c, &m, i->osz, ~a);
    rip_advance(c, i);
}
