/* Compare-and-exchange and exchange-and-add: CMPXCHG, CMPXCHG8B,
 * CMPXCHG16B, XADD — SDM Vol. 2. CPUs interleave only between
 * instructions, so each of these is atomic with respect to the others. */
#include "flags.h"
#include "mem.h"
#include "ops.h"

/* The destination is always written (with its own value on a mismatch),
 * as the locked bus cycle does — SDM "CMPXCHG". */
void op_cmpxchg(struct cpu *c, const struct insn *i)
{
    int sz = i->osz;
    struct rmw m;
    uint64_t d = e_rmw_begin(c, i, &m, sz);
    uint64_t a = reg_get(c, R_AX, sz);
    uint64_t r = a - d;
    if (a == d) {
        rmw_end(c, &m, sz, reg_get(c, i->reg, sz));
    } else {
        if (i->mod != 3)
            rmw_end(c, &m, sz, d);
        reg_set(c, R_AX, sz, d);
    }
    lf_arith(c, r, cout_sub(a, d, r), sz);
    rip_advance(c, i);
}

void op_xadd(struct cpu *c, const struct insn *i)
{
    int sz = i->osz;
    struct rmw m;
    uint64_t d = e_rmw_begin(c, i, &m, sz);
    uint64_t s = reg_get(c, i->reg, sz);
    uint64_t r = d + s;
    reg_set(c, i->reg, sz, d);
    rmw_end(c, &m, sz, r);
    lf_arith(c, r, cout_add(d, s, r), sz);
    rip_advance(c, i);
}

/* CMPXCHG8B m64 / CMPXCHG16B m128 (REX.W; #GP(0) unless 16-byte aligned).
 * Only ZF changes. */
void op_cmpxchg8b(struct cpu *c, const struct insn *i)
{
    int half = i->osz == 8 ? 8 : 4;
    uint64_t off = ea_offset(c, i);
    if (half == 8 && (off & 15) && c->mode == MODE_LONG)
        cpu_gp(c, 0);
    struct rmw lo, hi;
    uint64_t mlo = rmw_begin_mem(c, &lo, i->seg, off, half);
    uint64_t mhi = rmw_begin_mem(c, &hi, i->seg, (off + (uint64_t)half) & asz_mask(i->asz), half);
    int eq = mlo == reg_get(c, R_AX, half) && mhi == reg_get(c, R_DX, half);
    if (eq) {
        rmw_end(c, &lo, half, reg_get(c, R_BX, half));
        rmw_end(c, &hi, half, reg_get(c, R_CX, half));
    } else {
        rmw_end(c, &lo, half, mlo);
        rmw_end(c, &hi, half, mhi);
        reg_set(c, R_AX, half, mlo);
        reg_set(c, R_DX, half, mhi);
    }
    flag_put(c, RFLAGS_ZF, eq);
    rip_advance(c, i);
}
