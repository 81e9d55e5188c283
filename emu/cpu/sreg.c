/* Segment-register instructions — SDM Vol. 2 "MOV—Move" (Sreg forms),
 * "PUSH—Push Word, Doubleword, or Quadword Onto the Stack", "POP—Pop a
 * Value From the Stack", "LDS/LES/LFS/LGS/LSS—Load Far Pointer". The
 * checks of a segment load are in segment.c (seg_load). */
#include "mem.h"
#include "ops.h"
#include "segment.h"
#include "stack.h"

/* SDM "MOV—Move" and "POP": loading SS inhibits interrupts (and debug
 * traps) until the end of the next instruction. */
static void ss_shadow(struct cpu *c)
{
    c->shadow_until = c->icount + 2;
}

/* The segment register of a one-opcode PUSH/POP — SDM Vol. 2 Appendix A
 * "Opcode Map": 06/07 ES, 0E CS, 16/17 SS, 1E/1F DS, 0F A0/A1 FS,
 * 0F A8/A9 GS. */
static int sreg_of(uint8_t op)
{
    switch (op) {
    case 0x06: case 0x07: return S_ES;
    case 0x0e: return S_CS;
    case 0x16: case 0x17: return S_SS;
    case 0x1e: case 0x1f: return S_DS;
    case 0xa0: case 0xa1: return S_FS;
    default: return S_GS;
    }
}

/* SDM "PUSH": a segment register pushed with a 32- or 64-bit operand
 * size moves SP by the operand size; recent Intel processors write only
 * the 16-bit selector and leave the rest of the slot unmodified. */
void op_push_sreg(struct cpu *c, const struct insn *i)
{
    uint16_t sel = c->seg[sreg_of(i->op)].sel;
    uint64_t sp = (c->r[R_SP] - i->osz) & sp_mask(c);
    uint64_t lin = seg_linear(c, S_SS, sp, i->osz, 1);
    lin_write(c, lin, 2, sel);
    sp_set(c, sp);
    rip_advance(c, i);
}

/* SDM "POP": the selector is read, loaded with all checks, and only then
 * is SP advanced (by the old stack size), so a fault changes nothing. */
void op_pop_sreg(struct cpu *c, const struct insn *i)
{
    int s = sreg_of(i->op);
    uint64_t m = sp_mask(c);
    uint16_t sel = (uint16_t)stack_peek(c, 0, i->osz);
    uint64_t nsp = (c->r[R_SP] & ~m) | ((c->r[R_SP] + i->osz) & m);
    seg_load(c, s, sel);
    c->r[R_SP] = nsp;
    if (s == S_SS)
        ss_shadow(c);
    rip_advance(c, i);
}

/* ModRM.reg names the segment register; REX.R is ignored. 6 and 7 do
 * not exist (#UD). */
static int sreg_field(const struct insn *i)
{
    return i->reg & 7;
}

/* SDM "MOV—Move" (8C): a register destination gets the selector
 * zero-extended to the operand size; memory gets 16 bits. */
void op_mov_E_sreg(struct cpu *c, const struct insn *i)
{
    int s = sreg_field(i);
    if (s > S_GS)
        cpu_ud(c);
    uint16_t sel = c->seg[s].sel;
    if (i->mod == 3)
        reg_set(c, i->rm, i->osz, sel);
    else
        mem_write(c, i->seg, ea_offset(c, i), 2, sel);
    rip_advance(c, i);
}

/* SDM "MOV—Move" (8E): CS cannot be loaded (#UD), nor registers 6, 7. */
void op_mov_sreg_E(struct cpu *c, const struct insn *i)
{
    int s = sreg_field(i);
    if (s == S_CS || s > S_GS)
        cpu_ud(c);
    uint16_t sel = (uint16_t)e_read(c, i, 2);
    seg_load(c, s, sel);
    if (s == S_SS)
        ss_shadow(c);
    rip_advance(c, i);
}

/* The segment register of LES (C4), LDS (C5), LSS (0F B2), LFS (0F B4),
 * LGS (0F B5). */
static int lfp_sreg(uint8_t op)
{
    switch (op) {
    case 0xc4: return S_ES;
    case 0xc5: return S_DS;
    case 0xb2: return S_SS;
    case 0xb4: return S_FS;
    default: return S_GS;
    }
}

/* SDM "LDS/LES/LFS/LGS/LSS": m16:16, m16:32 or m16:64 (REX.W); both
 * parts are read, the segment register is loaded with its checks, then
 * the general register is written. */
void op_lfp(struct cpu *c, const struct insn *i)
{
    uint64_t ea = ea_offset(c, i);
    uint64_t off = mem_read(c, i->seg, ea, i->osz);
    uint16_t sel = (uint16_t)mem_read(c, i->seg, (ea + i->osz) & asz_mask(i->asz), 2);
    seg_load(c, lfp_sreg(i->op), sel);
    reg_set(c, i->reg, i->osz, off);
    rip_advance(c, i);
}
