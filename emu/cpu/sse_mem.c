/* Memory operands of the SSE/SSE2 and MMX instructions: 16-byte
 * alignment, whole-operand reads and writes that fault before any byte
 * changes, and the register-or-memory operand forms. */
#include "simd.h"

uint64_t simd_lin(struct cpu *c, const struct insn *i, int sz, int write, int align16)
{
    uint64_t lin = seg_linear(c, i->seg, ea_offset(c, i), sz, write);
    /* "#GP(0) ... If a memory operand is not aligned on a 16-byte
     * boundary" (SDM Vol. 2, e.g. MOVAPS "Protected Mode Exceptions"):
     * checked on the linear address, after the segment checks. */
    if (align16 && (lin & 15))
        cpu_gp(c, 0);
    return lin;
}

void simd_read_lin(struct cpu *c, uint64_t lin, void *dst, int sz)
{
    uint8_t *out = dst;
    uint64_t mask = simd_lin_mask(c);
    uint8_t *p = tlb_ptr(c, TLB_READ, lin, sz);
    if (p) {
        memcpy(out, p, (size_t)sz);
        return;
    }
    for (int k = 0, n; k < sz; k += n) {
        n = sz - k >= 8 ? 8 : 4;
        uint64_t v = lin_read(c, (lin + (uint64_t)k) & mask, n);
        memcpy(out + k, &v, (size_t)n);
    }
}

void simd_probe_write(struct cpu *c, uint64_t lin, int sz)
{
    /* Every page of the operand is writable before the first byte is
     * stored (sz is at most 512, so at most two pages). */
    unsigned acc = acc_user(c) | ACC_W;
    mmu_translate(c, lin, acc);
    if ((lin & 0xfff) + (uint64_t)sz > 0x1000)   /* CR2 = start of the second page */
        mmu_translate(c, ((lin | 0xfff) + 1) & simd_lin_mask(c), acc);
}

void simd_write_lin(struct cpu *c, uint64_t lin, const void *src, int sz)
{
    const uint8_t *in = src;
    uint64_t mask = simd_lin_mask(c);
    uint8_t *p = tlb_ptr(c, TLB_WRITE, lin, sz);
    if (p) {
        memcpy(p, in, (size_t)sz);
        return;
    }
    simd_probe_write(c, lin, sz);
    for (int k = 0, n; k < sz; k += n) {
        n = sz - k >= 8 ? 8 : 4;
        uint64_t v = 0;
        memcpy(&v, in + k, (size_t)n);
        lin_write(c, (lin + (uint64_t)k) & mask, n, v);
    }
}

void xmm_src(struct cpu *c, const struct insn *i, union xmm *v, int align16)
{
    if (i->mod == 3) {
        *v = *xreg(c, i->rm);
        return;
    }
    simd_read_lin(c, simd_lin(c, i, 16, 0, align16), v, 16);
}

void xmm_dst(struct cpu *c, const struct insn *i, const union xmm *v, int align16)
{
    if (i->mod == 3) {
        *xreg(c, i->rm) = *v;
        return;
    }
    simd_write_lin(c, simd_lin(c, i, 16, 1, align16), v, 16);
}

uint32_t xmm_src32(struct cpu *c, const struct insn *i)
{
    if (i->mod == 3)
        return xreg(c, i->rm)->d[0];
    return (uint32_t)mem_read(c, i->seg, ea_offset(c, i), 4);
}

uint64_t xmm_src64(struct cpu *c, const struct insn *i)
{
    if (i->mod == 3)
        return xreg(c, i->rm)->q[0];
    return mem_read(c, i->seg, ea_offset(c, i), 8);
}

uint64_t mmx_src(struct cpu *c, const struct insn *i)
{
    if (i->mod == 3)
        return mm_get(c, i->rm);
    return mem_read(c, i->seg, ea_offset(c, i), 8);
}

uint32_t mmx_src32(struct cpu *c, const struct insn *i)
{
    if (i->mod == 3)
        return (uint32_t)mm_get(c, i->rm);
    return (uint32_t)mem_read(c, i->seg, ea_offset(c, i), 4);
}

void simd_store_m(struct cpu *c, const struct insn *i, int sz, uint64_t v)
{
    mem_write(c, i->seg, ea_offset(c, i), sz, v);
}
