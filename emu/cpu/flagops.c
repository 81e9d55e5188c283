/* Flag instructions: CLC STC CMC CLD STD CLI STI SAHF LAHF PUSHF POPF —
 * SDM Vol. 2, and Vol. 3A "Flags Affected by IOPL and CPL". */
#include "flags.h"
#include "mem.h"
#include "ops.h"
#include "stack.h"

void op_clc(struct cpu *c, const struct insn *i) { flag_put(c, RFLAGS_CF, 0); rip_advance(c, i); }
void op_stc(struct cpu *c, const struct insn *i) { flag_put(c, RFLAGS_CF, 1); rip_advance(c, i); }
void op_cmc(struct cpu *c, const struct insn *i) { flag_put(c, RFLAGS_CF, !flag_cf(c)); rip_advance(c, i); }
void op_cld(struct cpu *c, const struct insn *i) { c->rflags &= ~(uint64_t)RFLAGS_DF; rip_advance(c, i); }
void op_std(struct cpu *c, const struct insn *i) { c->rflags |= RFLAGS_DF; rip_advance(c, i); }

static int iopl(const struct cpu *c)
{
    return (int)((c->rflags >> RFLAGS_IOPL_SHIFT) & 3);
}

/* CLI/STI need CPL <= IOPL in protected mode and IOPL = 3 in virtual-8086
 * mode (no VME/PVI in this model) — SDM "CLI", "STI". */
static void if_check(struct cpu *c)
{
    if (c->mode != MODE_REAL && c->cpl > iopl(c))
        cpu_gp(c, 0);
}

void op_cli(struct cpu *c, const struct insn *i)
{
    if_check(c);
    c->rflags &= ~(uint64_t)RFLAGS_IF;
    rip_advance(c, i);
}

/* STI blocks interrupts until after the next instruction, if IF was 0 —
 * SDM "STI". */
void op_sti(struct cpu *c, const struct insn *i)
{
    if_check(c);
    if (!(c->rflags & RFLAGS_IF))
        c->shadow_until = c->icount + 2;   /* STI ends its block (A_END) */
    c->rflags |= RFLAGS_IF;
    rip_advance(c, i);
}

#define SAHF_MASK (RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF | RFLAGS_CF)

void op_sahf(struct cpu *c, const struct insn *i)
{
    flags_materialize(c);
    c->rflags = (c->rflags & ~(uint64_t)SAHF_MASK) | ((c->r[R_AX] >> 8) & SAHF_MASK);
    rip_advance(c, i);
}

void op_lahf(struct cpu *c, const struct insn *i)
{
    uint64_t f = (cpu_get_rflags(c) & SAHF_MASK) | RFLAGS_FIXED1;
    reg_set(c, REG_AH, 1, f);
    rip_advance(c, i);
}

/* PUSHF stores RFLAGS with VM and RF cleared — SDM "PUSHF". */
void op_pushf(struct cpu *c, const struct insn *i)
{
    if (c->mode == MODE_VM86 && iopl(c) < 3)
        cpu_gp(c, 0);
    uint64_t f = cpu_get_rflags(c) & ~(uint64_t)(RFLAGS_VM | RFLAGS_RF);
    push(c, f, i->osz);
    rip_advance(c, i);
}

/* POPF: which bits may change depends on mode, CPL and IOPL — SDM "POPF". */
void op_popf(struct cpu *c, const struct insn *i)
{
    if (c->mode == MODE_VM86 && iopl(c) < 3)
        cpu_gp(c, 0);
    uint64_t v = pop(c, i->osz);
    uint64_t old = cpu_get_rflags(c);
    uint64_t mask = RFLAGS_ARITH | RFLAGS_TF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC | RFLAGS_ID |
                    RFLAGS_IF | RFLAGS_IOPL;
    if (c->mode != MODE_REAL) {
        if (c->cpl > 0 || c->mode == MODE_VM86)
            mask &= ~(uint64_t)RFLAGS_IOPL;
        if (c->cpl > iopl(c) && c->mode != MODE_VM86)
            mask &= ~(uint64_t)RFLAGS_IF;
    }
    if (i->osz == 2)
        mask &= 0xffff;
    cpu_set_rflags(c, (old & ~mask) | (v & mask));
    cpu_update_mode(c);
    rip_advance(c, i);
}
