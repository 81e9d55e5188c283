/* General-register access by operand size. Byte registers 16..19 are
 * AH, CH, DH, BH (the decoder maps them when there is no REX prefix). */
#ifndef EMU_REGS_H
#define EMU_REGS_H

#include "cpu.h"
#include "insn.h"

static inline uint64_t reg_get(const struct cpu *c, unsigned r, int sz)
{
    switch (sz) {
    case 1: return r >= REG_AH ? (c->r[r - REG_AH] >> 8) & 0xff : c->r[r] & 0xff;
    case 2: return c->r[r] & 0xffff;
    case 4: return c->r[r] & 0xffffffff;
    default: return c->r[r];
    }
}

/* 32-bit writes zero the upper half — SDM Vol. 1, "General-Purpose
 * Registers in 64-Bit Mode"; 8/16-bit writes keep the other bits. */
static inline void reg_set(struct cpu *c, unsigned r, int sz, uint64_t v)
{
    switch (sz) {
    case 1:
        if (r >= REG_AH)
            c->r[r - REG_AH] = (c->r[r - REG_AH] & ~0xff00ull) | ((v & 0xff) << 8);
        else
            c->r[r] = (c->r[r] & ~0xffull) | (v & 0xff);
        break;
    case 2: c->r[r] = (c->r[r] & ~0xffffull) | (v & 0xffff); break;
    case 4: c->r[r] = v & 0xffffffff; break;
    default: c->r[r] = v; break;
    }
}

static inline uint64_t asz_mask(int asz)
{
    return asz == 8 ? ~0ull : asz == 4 ? 0xffffffffull : 0xffffull;
}

/* The effective address (offset within the segment) of a memory operand. */
static inline uint64_t ea_offset(const struct cpu *c, const struct insn *i)
{
    uint64_t a = (uint64_t)(int64_t)i->disp;
    if (i->base < 16)
        a += c->r[i->base];
    else if (i->base == EA_RIP)
        a += c->rip + i->len;
    if (i->index < 16)
        a += c->r[i->index] << i->scale;
    return a & asz_mask(i->asz);
}

/* Next instruction's RIP, wrapped to the operand size of the code segment. */
static inline void rip_advance(struct cpu *c, const struct insn *i)
{
    c->rip += i->len;
    if (c->code_size != 2)
        c->rip &= c->code_size ? 0xffffffffull : 0xffffull;
}

#endif
