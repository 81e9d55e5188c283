/* MXCSR and x87/MMX/SSE state save and restore — SDM Vol. 2 "LDMXCSR",
 * "STMXCSR", "FXSAVE", "FXRSTOR" (table "Non-64-bit-Mode Layout of
 * FXSAVE and FXRSTOR Memory Region" and the 64-bit layouts). */
#include "simd.h"

/* "LDMXCSR m32": a set reserved bit (outside MXCSR_MASK) is #GP(0).
 * Loading unmasked exceptions with their flags set raises nothing. */
void op_ldmxcsr(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    uint32_t v = (uint32_t)mem_read(c, i->seg, ea_offset(c, i), 4);
    if (v & ~MXCSR_WRITABLE)
        cpu_gp(c, 0);
    c->mxcsr = v;
    rip_advance(c, i);
}

void op_stmxcsr(struct cpu *c, const struct insn *i)
{
    sse_check(c);
    simd_store_m(c, i, 4, c->mxcsr);
    rip_advance(c, i);
}

/* FXSAVE/FXRSTOR raise #NM for CR0.TS = 1 or CR0.EM = 1 (not #UD), and
 * need no CR4.OSFXSR; their 512-byte operand is 16-byte aligned, #GP(0)
 * otherwise ("regardless of segment"). */
static uint64_t fx_operand(struct cpu *c, const struct insn *i, int write)
{
    if (c->cr0 & (CR0_TS | CR0_EM))
        cpu_fault_noerr(c, EXC_NM);
    return simd_lin(c, i, 512, write, 1);
}

/* REX.W selects the 64-bit layout (FXSAVE64: 64-bit FPU IP and DP, no
 * selectors). */
static int fx_wide(const struct insn *i)
{
    return (i->rex & 8) != 0;
}

/* XMM0-15 in 64-bit mode, XMM0-7 otherwise. */
static int fx_nxmm(const struct cpu *c)
{
    return c->mode == MODE_LONG ? 16 : 8;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Bytes 0-23: FCW, FSW, abridged FTW, FOP, FPU IP/CS, FPU DP/DS
 * (reserved bytes written as zero). */
static void fx_header(const struct cpu *c, const struct insn *i, uint8_t *h)
{
    memset(h, 0, 24);
    put16(h + 0, c->fpu.fcw);
    put16(h + 2, c->fpu.fsw);
    h[4] = fpu_tag_abridged(c);
    put16(h + 6, c->fpu.fop & 0x7ff);
    if (fx_wide(i)) {
        put64(h + 8, c->fpu.fip);
        put64(h + 16, c->fpu.fdp);
    } else {
        put32(h + 8, (uint32_t)c->fpu.fip);
        put16(h + 12, c->fpu.fcs);
        put32(h + 16, (uint32_t)c->fpu.fdp);
        put16(h + 20, c->fpu.fds);
    }
}

/* FXSAVE writes the defined fields only: the 6 reserved bytes of each
 * register slot and bytes 288/416-511 are left as they were. MXCSR,
 * MXCSR_MASK and the XMM registers are saved only with CR4.OSFXSR = 1
 * (the SDM leaves it implementation dependent; this is what Bochs and
 * QEMU do). */
void op_fxsave(struct cpu *c, const struct insn *i)
{
    uint64_t lin = fx_operand(c, i, 1);
    simd_probe_write(c, lin, 512);
    uint8_t h[32];
    fx_header(c, i, h);
    int sse = (c->cr4 & CR4_OSFXSR) != 0;
    if (sse) {
        put32(h + 24, c->mxcsr);
        put32(h + 28, MXCSR_WRITABLE);
    }
    simd_write_lin(c, lin, h, sse ? 32 : 24);
    uint64_t mask = simd_lin_mask(c);
    for (int k = 0; k < 8; k++) {
        uint64_t at = (lin + 32 + 16 * (uint64_t)k) & mask;
        lin_write(c, at, 8, get64(c->fpu.st[k]));
        lin_write(c, (at + 8) & mask, 2, get16(c->fpu.st[k] + 8));
    }
    if (sse)
        for (int k = 0; k < fx_nxmm(c); k++)
            simd_write_lin(c, (lin + 160 + 16 * (uint64_t)k) & mask, &c->xmm[k], 16);
    rip_advance(c, i);
}

/* FXRSTOR reads the whole image first; a reserved MXCSR bit is #GP(0)
 * with nothing loaded. The tag byte is the abridged form, as stored. */
void op_fxrstor(struct cpu *c, const struct insn *i)
{
    uint64_t lin = fx_operand(c, i, 0);
    uint8_t img[512];
    simd_read_lin(c, lin, img, 512);
    int sse = (c->cr4 & CR4_OSFXSR) != 0;
    uint32_t mxcsr = get32(img + 24);
    if (sse && (mxcsr & ~MXCSR_WRITABLE))
        cpu_gp(c, 0);
    struct fpu *f = &c->fpu;
    f->fcw = get16(img + 0);
    f->fsw = get16(img + 2);
    fpu_tag_set_abridged(c, img[4]);
    f->fop = get16(img + 6) & 0x7ff;
    if (fx_wide(i)) {
        f->fip = get64(img + 8);
        f->fdp = get64(img + 16);
        f->fcs = f->fds = 0;
    } else {
        f->fip = get32(img + 8);
        f->fcs = get16(img + 12);
        f->fdp = get32(img + 16);
        f->fds = get16(img + 20);
    }
    for (int k = 0; k < 8; k++)
        memcpy(f->st[k], img + 32 + 16 * k, 10);
    if (sse) {
        c->mxcsr = mxcsr;
        for (int k = 0; k < fx_nxmm(c); k++)
            memcpy(&c->xmm[k], img + 160 + 16 * k, 16);
    }
    rip_advance(c, i);
}
