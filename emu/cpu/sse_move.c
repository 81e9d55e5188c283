/* SSE/SSE2 data movement on XMM registers — SDM Vol. 2 "MOVAPS",
 * "MOVUPS", "MOVSS", "MOVSD", "MOVLPS", "MOVHPS", "MOVHLPS", "MOVLHPS",
 * "MOVNTPS", "MOVNTDQ", "MOVNTI", "MOVMSKPS", "MOVMSKPD", "MOVD/MOVQ",
 * "MOVQ", "MOVDQA", "MOVDQU", "MOVQ2DQ", "MOVDQ2Q", "MASKMOVDQU".
 * The PD and DQ forms are the same moves as the PS forms. */
#include "simd.h"

/* ---- whole-register moves ---- */

/* MOVUPS/MOVUPD/MOVDQU: no alignment requirement. */
void op_movups_load(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    union xmm v;
    xmm_src(c, i, &v, 0);
    *xreg(c, i->reg) = v;
    rip_advance(c, i);
}

void op_movups_store(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    xmm_dst(c, i, xreg(c, i->reg), 0);
    rip_advance(c, i);
}

/* MOVAPS/MOVAPD/MOVDQA, and MOVNTPS/MOVNTPD/MOVNTDQ (memory only; the
 * non-temporal hint changes nothing here): 16-byte alignment. */
void op_movaps_load(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    union xmm v;
    xmm_src(c, i, &v, 1);
    *xreg(c, i->reg) = v;
    rip_advance(c, i);
}

void op_movaps_store(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    xmm_dst(c, i, xreg(c, i->reg), 1);
    rip_advance(c, i);
}

/* ---- scalar moves ---- */

/* "MOVSS xmm1, xmm2": bits 127:32 kept; "MOVSS xmm1, m32": zeroed. */
void op_movss_load(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    if (i->mod == 3) {
        xreg(c, i->reg)->d[0] = xreg(c, i->rm)->d[0];
    } else {
        union xmm v = { .q = { xmm_src32(c, i), 0 } };
        *xreg(c, i->reg) = v;
    }
    rip_advance(c, i);
}

void op_movss_store(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint32_t v = xreg(c, i->reg)->d[0];
    if (i->mod == 3)
        xreg(c, i->rm)->d[0] = v;
    else
        simd_store_m(c, i, 4, v);
    rip_advance(c, i);
}

/* "MOVSD xmm1, xmm2": bits 127:64 kept; "MOVSD xmm1, m64": zeroed. */
void op_movsd_load(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    if (i->mod == 3) {
        xreg(c, i->reg)->q[0] = xreg(c, i->rm)->q[0];
    } else {
        union xmm v = { .q = { xmm_src64(c, i), 0 } };
        *xreg(c, i->reg) = v;
    }
    rip_advance(c, i);
}

void op_movsd_store(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint64_t v = xreg(c, i->reg)->q[0];
    if (i->mod == 3)
        xreg(c, i->rm)->q[0] = v;
    else
        simd_store_m(c, i, 8, v);
    rip_advance(c, i);
}

/* ---- half-register moves ---- */

/* 0F 12: "MOVLPS xmm, m64" / "MOVLPD xmm, m64" (low quadword loaded),
 * and with a register operand "MOVHLPS xmm1, xmm2" (low <- source high). */
void op_movlps_load(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint64_t v = i->mod == 3 ? xreg(c, i->rm)->q[1] : xmm_src64(c, i);
    xreg(c, i->reg)->q[0] = v;
    rip_advance(c, i);
}

/* 0F 13: "MOVLPS/MOVLPD m64, xmm" (memory only). */
void op_movlps_store(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    simd_store_m(c, i, 8, xreg(c, i->reg)->q[0]);
    rip_advance(c, i);
}

/* 0F 16: "MOVHPS/MOVHPD xmm, m64" (high quadword loaded), and with a
 * register operand "MOVLHPS xmm1, xmm2" (high <- source low). */
void op_movhps_load(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint64_t v = i->mod == 3 ? xreg(c, i->rm)->q[0] : xmm_src64(c, i);
    xreg(c, i->reg)->q[1] = v;
    rip_advance(c, i);
}

/* 0F 17: "MOVHPS/MOVHPD m64, xmm" (memory only). */
void op_movhps_store(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    simd_store_m(c, i, 8, xreg(c, i->reg)->q[1]);
    rip_advance(c, i);
}

/* ---- sign masks ---- */

void op_movmskps(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    const union xmm *v = xreg(c, i->rm);
    uint32_t m = 0;
    for (int k = 0; k < 4; k++)
        m |= (v->d[k] >> 31) << k;
    reg_set(c, i->reg, 4, m);
    rip_advance(c, i);
}

void op_movmskpd(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    const union xmm *v = xreg(c, i->rm);
    reg_set(c, i->reg, 4, (uint32_t)((v->q[0] >> 63) | ((v->q[1] >> 63) << 1)));
    rip_advance(c, i);
}

/* ---- MOVD/MOVQ between XMM and general registers or memory ---- */

/* Operand size of MOVD/MOVQ: 64 bits with REX.W, else 32. */
static int movd_size(const struct insn *i)
{
    return i->osz == 8 ? 8 : 4;
}

/* "66 0F 6E MOVD/MOVQ xmm, r/m32|r/m64": zero-extended to 128 bits. */
void op_movd_xmm_load(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    union xmm v = { .q = { e_read(c, i, movd_size(i)), 0 } };
    *xreg(c, i->reg) = v;
    rip_advance(c, i);
}

/* "66 0F 7E MOVD/MOVQ r/m32|r/m64, xmm". */
void op_movd_xmm_store(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    e_write(c, i, movd_size(i), xreg(c, i->reg)->q[0]);
    rip_advance(c, i);
}

/* "F3 0F 7E MOVQ xmm1, xmm2/m64": bits 127:64 zeroed. */
void op_movq_xmm_load(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    union xmm v = { .q = { xmm_src64(c, i), 0 } };
    *xreg(c, i->reg) = v;
    rip_advance(c, i);
}

/* "66 0F D6 MOVQ xmm2/m64, xmm1": a register destination gets bits
 * 127:64 zeroed. */
void op_movq_xmm_store(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint64_t v = xreg(c, i->reg)->q[0];
    if (i->mod == 3) {
        union xmm r = { .q = { v, 0 } };
        *xreg(c, i->rm) = r;
    } else {
        simd_store_m(c, i, 8, v);
    }
    rip_advance(c, i);
}

/* "MOVQ2DQ xmm, mm" / "MOVDQ2Q mm, xmm": SSE checks, then a pending x87
 * exception, and the x87 unit enters MMX state. */
void op_movq2dq(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    x87_pending_check(c);
    union xmm v = { .q = { mm_get(c, i->rm), 0 } };
    *xreg(c, i->reg) = v;
    mmx_enter(c);
    rip_advance(c, i);
}

void op_movdq2q(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    x87_pending_check(c);
    mm_set(c, i->reg, xreg(c, i->rm)->q[0]);
    mmx_enter(c);
    rip_advance(c, i);
}

/* "MOVNTI m32/m64, r32/r64": a general-register store; no CR0/CR4
 * checks (its exceptions are those of MOV). */
void op_movnti(struct cpu *c, const struct insn *i)
{
    int sz = movd_size(i);
    simd_store_m(c, i, sz, reg_get(c, i->reg, sz));
    rip_advance(c, i);
}

/* ---- byte-masked stores ---- */

/* MASKMOVQ / MASKMOVDQU: the bytes of `data` whose mask byte has bit 7
 * set go to DS:rDI (segment override allowed). With an all-zero mask
 * nothing is accessed (the SDM leaves faults implementation dependent);
 * otherwise the whole n-byte range is checked before any byte is
 * written. */
void simd_masked_store(struct cpu *c, const struct insn *i, const uint8_t *data, const uint8_t *mask, int n)
{
    int any = 0;
    for (int k = 0; k < n; k++)
        any |= mask[k] & 0x80;
    if (!any)
        return;
    uint64_t off = c->r[R_DI] & asz_mask(i->asz);
    uint64_t lin = seg_linear(c, i->seg, off, n, 1);
    simd_probe_write(c, lin, n);
    for (int k = 0; k < n; k++)
        if (mask[k] & 0x80)
            lin_write(c, (lin + (uint64_t)k) & simd_lin_mask(c), 1, data[k]);
}

void op_maskmovdqu(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    simd_masked_store(c, i, xreg(c, i->reg)->b, xreg(c, i->rm)->b, 16);
    rip_advance(c, i);
}
