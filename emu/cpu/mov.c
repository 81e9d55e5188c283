/* Data movement: MOV forms, LEA, MOVZX/MOVSX/MOVSXD, CBW/CWD families,
 * XLAT, XCHG, BSWAP, MOVBE, CMOVcc, SETcc, NOP — SDM Vol. 2. */
#include "flags.h"
#include "mem.h"
#include "ops.h"

void op_mov_EG(struct cpu *c, const struct insn *i)
{
    e_write(c, i, i->osz, reg_get(c, i->reg, i->osz));
    rip_advance(c, i);
}

void op_mov_GE(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->reg, i->osz, e_read(c, i, i->osz));
    rip_advance(c, i);
}

void op_mov_E_imm(struct cpu *c, const struct insn *i)
{
    e_write(c, i, i->osz, i->imm);
    rip_advance(c, i);
}

void op_mov_r_imm(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->reg, i->osz, i->imm);
    rip_advance(c, i);
}

void op_mov_A_moffs(struct cpu *c, const struct insn *i)
{
    reg_set(c, R_AX, i->osz, mem_read(c, i->seg, i->imm & asz_mask(i->asz), i->osz));
    rip_advance(c, i);
}

void op_mov_moffs_A(struct cpu *c, const struct insn *i)
{
    mem_write(c, i->seg, i->imm & asz_mask(i->asz), i->osz, reg_get(c, R_AX, i->osz));
    rip_advance(c, i);
}

void op_lea(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->reg, i->osz, ea_offset(c, i));
    rip_advance(c, i);
}

/* An 8-bit r/m operand of an instruction whose other operand is wider. */
static uint64_t eb_read(struct cpu *c, const struct insn *i)
{
    if (i->mod == 3) {
        unsigned r = i->rm;
        if (!i->rex && r >= 4 && r < 8)
            r = r - 4 + REG_AH;
        return reg_get(c, r, 1);
    }
    return mem_read(c, i->seg, ea_offset(c, i), 1);
}

void op_movzx_b(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->reg, i->osz, eb_read(c, i));
    rip_advance(c, i);
}

void op_movzx_w(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->reg, i->osz, e_read(c, i, 2));
    rip_advance(c, i);
}

void op_movsx_b(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->reg, i->osz, sext(eb_read(c, i), 1));
    rip_advance(c, i);
}

void op_movsx_w(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->reg, i->osz, sext(e_read(c, i, 2), 2));
    rip_advance(c, i);
}

/* MOVSXD: sign-extends with REX.W; otherwise a plain 32/16-bit move. */
void op_movsxd(struct cpu *c, const struct insn *i)
{
    int ssz = i->osz == 8 ? 4 : i->osz;
    reg_set(c, i->reg, i->osz, sext(e_read(c, i, ssz), ssz));
    rip_advance(c, i);
}

void op_cbw(struct cpu *c, const struct insn *i)
{
    int half = i->osz / 2;
    reg_set(c, R_AX, i->osz, sext(reg_get(c, R_AX, half), half));
    rip_advance(c, i);
}

void op_cwd(struct cpu *c, const struct insn *i)
{
    uint64_t a = reg_get(c, R_AX, i->osz);
    int neg = (int)((a >> (i->osz * 8 - 1)) & 1);
    reg_set(c, R_DX, i->osz, neg ? ~0ull : 0);
    rip_advance(c, i);
}

void op_xlat(struct cpu *c, const struct insn *i)
{
    uint64_t off = (c->r[R_BX] + (c->r[R_AX] & 0xff)) & asz_mask(i->asz);
    reg_set(c, R_AX, 1, mem_read(c, i->seg, off, 1));
    rip_advance(c, i);
}

void op_xchg_EG(struct cpu *c, const struct insn *i)
{
    struct rmw m;
    uint64_t a = e_rmw_begin(c, i, &m, i->osz);
    uint64_t b = reg_get(c, i->reg, i->osz);
    rmw_end(c, &m, i->osz, b);
    reg_set(c, i->reg, i->osz, a);
    rip_advance(c, i);
}

/* 90+r: XCHG rAX, r. 90 without REX.B is NOP (no zero-extension of EAX). */
void op_xchg_ax(struct cpu *c, const struct insn *i)
{
    if (i->reg != R_AX) {
        uint64_t a = reg_get(c, R_AX, i->osz), b = reg_get(c, i->reg, i->osz);
        reg_set(c, R_AX, i->osz, b);
        reg_set(c, i->reg, i->osz, a);
    }
    rip_advance(c, i);
}

static uint64_t bswap_sz(uint64_t v, int sz)
{
    uint64_t r = 0;
    for (int k = 0; k < sz; k++)
        r |= ((v >> (8 * k)) & 0xff) << (8 * (sz - 1 - k));
    return r;
}

/* BSWAP r16 is undefined by the SDM; Intel CPUs clear the register's low
 * 16 bits, and so does vtx. */
void op_bswap(struct cpu *c, const struct insn *i)
{
    if (i->osz == 2)
        reg_set(c, i->reg, 2, 0);
    else
        reg_set(c, i->reg, i->osz, bswap_sz(reg_get(c, i->reg, i->osz), i->osz));
    rip_advance(c, i);
}

void op_movbe_GM(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->reg, i->osz, bswap_sz(e_read(c, i, i->osz), i->osz));
    rip_advance(c, i);
}

void op_movbe_MG(struct cpu *c, const struct insn *i)
{
    e_write(c, i, i->osz, bswap_sz(reg_get(c, i->reg, i->osz), i->osz));
    rip_advance(c, i);
}

/* CMOVcc reads its source even when the condition is false, and a 32-bit
 * destination is zero-extended either way — SDM "CMOVcc". */
void op_cmovcc(struct cpu *c, const struct insn *i)
{
    uint64_t v = e_read(c, i, i->osz);
    if (cond(c, i->op & 15))
        reg_set(c, i->reg, i->osz, v);
    else if (i->osz == 4)
        reg_set(c, i->reg, 4, reg_get(c, i->reg, 4));
    rip_advance(c, i);
}

void op_setcc(struct cpu *c, const struct insn *i)
{
    e_write(c, i, 1, (uint64_t)cond(c, i->op & 15));
    rip_advance(c, i);
}

void op_nop(struct cpu *c, const struct insn *i)
{
    rip_advance(c, i);
}
