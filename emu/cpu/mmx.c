/* MMX register moves and state — SDM Vol. 2 "EMMS", "MOVD/MOVQ" (MMX
 * forms), "MOVQ", "MOVNTQ", "MASKMOVQ"; Vol. 1 "MMX Technology
 * Programming Environment": MM0-7 are the low 64 bits of the x87
 * registers R0-R7; every MMX instruction but EMMS sets TOP = 0 and tags
 * all registers valid, EMMS tags them all empty. The arithmetic is in
 * sse_int.c, sse_shift.c and sse_shuffle.c. */
#include "simd.h"

/* "EMMS": #UD if CR0.EM, #NM if CR0.TS, #MF if an x87 exception is
 * pending; then the tag word is all empty. */
void op_emms(struct cpu *c, const struct insn *i)
{
    mmx_check(c);
    fpu_tag_set_abridged(c, 0x00);
    rip_advance(c, i);
}

/* Operand size of MOVD/MOVQ: 64 bits with REX.W, else 32. */
static int movd_size(const struct insn *i)
{
    return i->osz == 8 ? 8 : 4;
}

/* "0F 6E MOVD mm, r/m32" (zero-extended) / "REX.W 0F 6E MOVQ mm, r/m64". */
void op_movd_mm_load(struct cpu *c, const struct insn *i)
{
    mmx_check(c);
    uint64_t v = e_read(c, i, movd_size(i));
    mm_set(c, i->reg, v);
    mmx_enter(c);
    rip_advance(c, i);
}

/* "0F 7E MOVD r/m32, mm" / "REX.W 0F 7E MOVQ r/m64, mm". */
void op_movd_mm_store(struct cpu *c, const struct insn *i)
{
    mmx_check(c);
    e_write(c, i, movd_size(i), mm_get(c, i->reg));
    mmx_enter(c);
    rip_advance(c, i);
}

/* "0F 6F MOVQ mm, mm/m64". */
void op_movq_mm_load(struct cpu *c, const struct insn *i)
{
    mmx_check(c);
    mm_set(c, i->reg, mmx_src(c, i));
    mmx_enter(c);
    rip_advance(c, i);
}

/* "0F 7F MOVQ mm/m64, mm"; also "0F E7 MOVNTQ m64, mm" (memory only). */
void op_movq_mm_store(struct cpu *c, const struct insn *i)
{
    mmx_check(c);
    uint64_t v = mm_get(c, i->reg);
    if (i->mod == 3)
        mm_set(c, i->rm, v);
    else
        simd_store_m(c, i, 8, v);
    mmx_enter(c);
    rip_advance(c, i);
}

/* "MASKMOVQ mm1, mm2": mm2 holds the byte mask. */
void op_maskmovq(struct cpu *c, const struct insn *i)
{
    mmx_check(c);
    union xmm d = { .q = { mm_get(c, i->reg), 0 } }, m = { .q = { mm_get(c, i->rm), 0 } };
    simd_masked_store(c, i, d.b, m.b, 8);
    mmx_enter(c);
    rip_advance(c, i);
}
