/* Stack pushes and pops with the stack-address size of SS (or RSP in
 * 64-bit mode) — SDM Vol. 1 "Stack". A push writes before RSP changes,
 * so a fault leaves RSP as it was. */
#ifndef EMU_STACK_H
#define EMU_STACK_H

#include "mem.h"

static inline uint64_t sp_mask(const struct cpu *c)
{
    return c->stack_size == 2 ? ~0ull : c->stack_size ? 0xffffffffull : 0xffffull;
}

static inline void sp_set(struct cpu *c, uint64_t v)
{
    uint64_t m = sp_mask(c);
    c->r[R_SP] = (c->r[R_SP] & ~m) | (v & m);
}

static inline void push(struct cpu *c, uint64_t v, int sz)
{
    uint64_t sp = (c->r[R_SP] - (uint64_t)sz) & sp_mask(c);
    mem_write(c, S_SS, sp, sz, v);
    sp_set(c, sp);
}

/* Read the value at the top of the stack + off without popping. */
static inline uint64_t stack_peek(struct cpu *c, uint64_t off, int sz)
{
    return mem_read(c, S_SS, (c->r[R_SP] + off) & sp_mask(c), sz);
}

static inline uint64_t pop(struct cpu *c, int sz)
{
    uint64_t v = stack_peek(c, 0, sz);
    sp_set(c, c->r[R_SP] + (uint64_t)sz);
    return v;
}

#endif
