/* Control and debug registers: MOV CR/DR, CLTS, LMSW, SMSW, INVLPG,
 * INVPCID, CLAC/STAC, RDTSC/RDTSCP, XGETBV/XSETBV, RD/WR FS/GS BASE —
 * SDM Vol. 2 and Vol. 3A "Control Registers". */
#include "flags.h"
#include "mem.h"
#include "ops.h"
#include "sysreg.h"
#include "debugreg.h"
#include "dev/lapic.h"
#include "machine/clock.h"
#include "x86/paging.h"

/* CR4 bits this CPU supports (CPUID agrees: see cpuid.c). */
#define CR4_SUPPORTED (CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE | \
                       CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_FSGSBASE | CR4_PCIDE | \
                       CR4_SMEP | CR4_SMAP)
#define CR4_PAGING_BITS (CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCIDE | CR4_SMEP | CR4_SMAP)
#define CR3_RESERVED (~((1ull << MAXPHYADDR) - 1) & ~CR3_NOFLUSH)

static void need_cpl0(struct cpu *c)
{
    if (c->cpl != 0)
        cpu_gp(c, 0);
}

/* MOV to CR0 — SDM "MOV—Move to/from Control Registers" and "Changing
 * the Paging Mode"/"Initializing IA-32e Mode". */
void cr0_write(struct cpu *c, uint64_t v)
{
    if (v >> 32)
        cpu_gp(c, 0);
    v |= CR0_ET;
    if ((v & CR0_PG) && !(v & CR0_PE))
        cpu_gp(c, 0);
    if ((v & CR0_NW) && !(v & CR0_CD))
        cpu_gp(c, 0);
    int pg_on = (v & CR0_PG) && !(c->cr0 & CR0_PG);
    int pg_off = !(v & CR0_PG) && (c->cr0 & CR0_PG);
    if (pg_off && (c->cr4 & CR4_PCIDE))
        cpu_gp(c, 0);
    if (pg_off && c->mode == MODE_LONG)
        cpu_gp(c, 0);
    if (pg_on && (c->efer & EFER_LME)) {
        if (!(c->cr4 & CR4_PAE) || (c->seg[S_CS].ar & AR_L))
            cpu_gp(c, 0);
    } else if (pg_on && (c->cr4 & CR4_PAE)) {
        if (!mmu_load_pdptes(c, c->cr3))
            cpu_gp(c, 0);
    }
    if (pg_on && (c->efer & EFER_LME))
        c->efer |= EFER_LMA;
    if (pg_off)
        c->efer &= ~EFER_LMA;
    if ((v ^ c->cr0) & (CR0_PG | CR0_PE))
        tlb_flush_all(c);                /* WP: write entries have their own key */
    c->cr0 = v;
    cpu_update_mode(c);
}

void cr3_write(struct cpu *c, uint64_t v)
{
    if (c->mode == MODE_LONG || (c->efer & EFER_LMA)) {
        if (v & CR3_RESERVED)
            cpu_gp(c, 0);
        if (c->cr4 & CR4_PCIDE)
            v &= ~CR3_NOFLUSH;
    } else {
        v &= 0xffffffffull;
        if ((c->cr0 & CR0_PG) && (c->cr4 & CR4_PAE) && !mmu_load_pdptes(c, v))
            cpu_gp(c, 0);
    }
    c->cr3 = v;
    tlb_flush_all(c);
}

void cr4_write(struct cpu *c, uint64_t v)
{
    if (v & ~(uint64_t)CR4_SUPPORTED)
        cpu_gp(c, 0);
    if ((c->efer & EFER_LMA) && !(v & CR4_PAE))
        cpu_gp(c, 0);
    if ((v & CR4_PCIDE) && !(c->cr4 & CR4_PCIDE) &&
        (!(c->efer & EFER_LMA) || (c->cr3 & CR3_PCID_MASK)))
        cpu_gp(c, 0);
    if ((c->cr0 & CR0_PG) && !(c->efer & EFER_LMA) && (v & CR4_PAE) &&
        ((v ^ c->cr4) & (CR4_PAE | CR4_PSE | CR4_PGE | CR4_SMEP | CR4_SMAP)) &&
        !mmu_load_pdptes(c, c->cr3))
        cpu_gp(c, 0);
    if ((v ^ c->cr4) & CR4_PAGING_BITS)
        tlb_flush_all(c);
    bool de = (v ^ c->cr4) & CR4_DE;
    c->cr4 = v;
    if (de)
        dbg_update(c);               /* I/O breakpoints need CR4.DE */
}

/* CR1, CR5–CR7 and CR9+ do not exist: #UD, before the CPL check — SDM
 * "MOV—Move to/from Control Registers", Protected Mode Exceptions. */
static void cr_exists(struct cpu *c, unsigned r)
{
    if (r == 1 || (r > 4 && r != 8))
        cpu_ud(c);
}

void op_mov_to_cr(struct cpu *c, const struct insn *i)
{
    cr_exists(c, i->reg);
    need_cpl0(c);
    uint64_t v = reg_get(c, i->rm, c->mode == MODE_LONG ? 8 : 4);
    switch (i->reg) {
    case 0: cr0_write(c, v); break;
    case 2: c->cr2 = v; break;
    case 3: cr3_write(c, v); break;
    case 4: cr4_write(c, v); break;
    case 8:
        if (v & ~0xfull)
            cpu_gp(c, 0);
        c->cr8 = v;
        if (c->lapic)
            lapic_set_cr8(c->lapic, v);   /* CR8 is TPR[7:4] */
        break;
    default: cpu_ud(c);
    }
    rip_advance(c, i);
}

void op_mov_from_cr(struct cpu *c, const struct insn *i)
{
    uint64_t v;
    switch (i->reg) {
    case 0: v = c->cr0; break;
    case 2: v = c->cr2; break;
    case 3: v = c->cr3; break;
    case 4: v = c->cr4; break;
    case 8: v = c->lapic ? lapic_get_cr8(c->lapic) : c->cr8; break;
    default: cpu_ud(c);
    }
    need_cpl0(c);
    reg_set(c, i->rm, c->mode == MODE_LONG ? 8 : 4, v);
    rip_advance(c, i);
}

/* DR4/DR5 alias DR6/DR7 unless CR4.DE — SDM "Debug Registers". */
static int dr_index(struct cpu *c, unsigned r)
{
    if (r > 7)
        cpu_ud(c);
    if (r == 4 || r == 5) {
        if (c->cr4 & CR4_DE)
            cpu_ud(c);
        r += 2;
    }
    return (int)r;
}

/* General detect (DR7.GD): any MOV DR is a #DB fault with DR6.BD set, and
 * GD is cleared for the handler — SDM "General-Detect Exception
 * Condition". */
static void general_detect(struct cpu *c)
{
    if (!(c->dr[7] & DR7_GD))
        return;
    c->dr[6] |= DR6_BD;
    c->dr[7] &= ~DR7_GD;
    cpu_fault_noerr(c, EXC_DB);
}

void op_mov_to_dr(struct cpu *c, const struct insn *i)
{
    int r = dr_index(c, i->reg);
    need_cpl0(c);
    general_detect(c);
    uint64_t v = reg_get(c, i->rm, c->mode == MODE_LONG ? 8 : 4);
    if ((r == 6 || r == 7) && (v >> 32))
        cpu_gp(c, 0);
    if (r == 6)
        v = (v & 0x0000e00full) | 0xffff0ff0ull;
    else if (r == 7)
        v = (v & 0xffff2bffull) | 0x400;
    c->dr[r] = v;
    if (r != 6)
        dbg_update(c);
    rip_advance(c, i);
}

void op_mov_from_dr(struct cpu *c, const struct insn *i)
{
    int r = dr_index(c, i->reg);
    need_cpl0(c);
    general_detect(c);
    reg_set(c, i->rm, c->mode == MODE_LONG ? 8 : 4, c->dr[r]);
    rip_advance(c, i);
}

void op_clts(struct cpu *c, const struct insn *i)
{
    need_cpl0(c);
    c->cr0 &= ~CR0_TS;
    rip_advance(c, i);
}

/* LMSW loads CR0 bits 3:0 but cannot clear PE — SDM "LMSW". */
void op_lmsw(struct cpu *c, const struct insn *i)
{
    need_cpl0(c);
    uint64_t v = e_read(c, i, 2) & 0xf;
    uint64_t n = (c->cr0 & ~0xeull) | (v & 0xe) | ((v | c->cr0) & CR0_PE);
    cr0_write(c, n);
    rip_advance(c, i);
}

void op_smsw(struct cpu *c, const struct insn *i)
{
    if (i->mod == 3)
        reg_set(c, i->rm, i->osz, c->cr0);
    else
        e_write(c, i, 2, c->cr0);
    rip_advance(c, i);
}

void op_invlpg(struct cpu *c, const struct insn *i)
{
    need_cpl0(c);
    uint64_t off = ea_offset(c, i);
    uint64_t lin = c->mode == MODE_LONG ? off + (i->seg >= S_FS ? c->seg[i->seg].base : 0)
                                        : (c->seg[i->seg].base + off) & 0xffffffffull;
    tlb_flush_page(c, lin);
    rip_advance(c, i);
}

/* INVPCID type 0..3 — SDM "INVPCID". vtx's TLB is not tagged by PCID, so
 * every type flushes at least what is required. */
void op_invpcid(struct cpu *c, const struct insn *i)
{
    if (c->mode == MODE_REAL || c->mode == MODE_VM86)
        cpu_ud(c);
    need_cpl0(c);
    uint64_t type = reg_get(c, i->reg, c->mode == MODE_LONG ? 8 : 4);
    uint64_t off = ea_offset(c, i);
    uint64_t pcid = mem_read(c, i->seg, off, 8);
    uint64_t lin = mem_read(c, i->seg, (off + 8) & asz_mask(i->asz), 8);
    if (type > 3 || (pcid & ~0xfffull))
        cpu_gp(c, 0);
    if (type == 0 && !is_canonical(lin))
        cpu_gp(c, 0);
    if ((type == 0 || type == 1) && !(c->cr4 & CR4_PCIDE) && pcid)
        cpu_gp(c, 0);
    tlb_flush_all(c);
    rip_advance(c, i);
}

/* CLAC/STAC: #UD at CPL > 0 — SDM "CLAC", "STAC". */
void op_clac(struct cpu *c, const struct insn *i)
{
    if (c->cpl != 0)
        cpu_ud(c);
    c->rflags &= ~(uint64_t)RFLAGS_AC;
    rip_advance(c, i);
}

void op_stac(struct cpu *c, const struct insn *i)
{
    if (c->cpl != 0)
        cpu_ud(c);
    c->rflags |= RFLAGS_AC;
    rip_advance(c, i);
}

uint64_t cpu_tsc(const struct cpu *c)
{
    return cpu_time(c) + c->tsc_offset;
}

uint64_t cpu_read_tsc(struct cpu *c)
{
    return clock_read(c) + c->tsc_offset;
}

/* RDTSC: #GP(0) if CR4.TSD and CPL > 0 — SDM "RDTSC". */
void op_rdtsc(struct cpu *c, const struct insn *i)
{
    if ((c->cr4 & CR4_TSD) && c->cpl != 0)
        cpu_gp(c, 0);
    uint64_t t = cpu_read_tsc(c);
    reg_set(c, R_AX, 4, t);
    reg_set(c, R_DX, 4, t >> 32);
    cpu_spend(c, COST_RDTSC);
    rip_advance(c, i);
}

void op_rdtscp(struct cpu *c, const struct insn *i)
{
    if ((c->cr4 & CR4_TSD) && c->cpl != 0)
        cpu_gp(c, 0);
    uint64_t t = cpu_read_tsc(c);
    reg_set(c, R_AX, 4, t);
    reg_set(c, R_DX, 4, t >> 32);
    reg_set(c, R_CX, 4, c->tsc_aux);
    cpu_spend(c, COST_RDTSC);
    rip_advance(c, i);
}

/* XSAVE is not advertised, so CR4.OSXSAVE cannot be set and XGETBV/XSETBV
 * raise #UD — SDM "XGETBV". */
void op_xgetbv(struct cpu *c, const struct insn *i)
{
    if (!(c->cr4 & CR4_OSXSAVE))
        cpu_ud(c);
    if ((uint32_t)c->r[R_CX] != 0)
        cpu_gp(c, 0);
    reg_set(c, R_AX, 4, c->xcr0);
    reg_set(c, R_DX, 4, c->xcr0 >> 32);
    rip_advance(c, i);
}

void op_xsetbv(struct cpu *c, const struct insn *i)
{
    if (!(c->cr4 & CR4_OSXSAVE))
        cpu_ud(c);
    need_cpl0(c);
    uint64_t v = (c->r[R_DX] << 32) | (c->r[R_AX] & 0xffffffff);
    if ((uint32_t)c->r[R_CX] != 0 || v != (XCR0_X87 | XCR0_SSE) || !(v & XCR0_X87))
        cpu_gp(c, 0);
    c->xcr0 = v;
    rip_advance(c, i);
}

/* RDFSBASE family: #UD unless CR4.FSGSBASE — SDM "RDFSBASE/RDGSBASE". */
static void fsgs_read(struct cpu *c, const struct insn *i, int s)
{
    if (!(c->cr4 & CR4_FSGSBASE))
        cpu_ud(c);
    reg_set(c, i->rm, i->osz == 8 ? 8 : 4, c->seg[s].base);
    rip_advance(c, i);
}

static void fsgs_write(struct cpu *c, const struct insn *i, int s)
{
    if (!(c->cr4 & CR4_FSGSBASE))
        cpu_ud(c);
    uint64_t v = reg_get(c, i->rm, i->osz == 8 ? 8 : 4);
    if (!is_canonical(v))
        cpu_gp(c, 0);
    c->seg[s].base = v;
    rip_advance(c, i);
}

void op_rdfsbase(struct cpu *c, const struct insn *i) { fsgs_read(c, i, S_FS); }
void op_rdgsbase(struct cpu *c, const struct insn *i) { fsgs_read(c, i, S_GS); }
void op_wrfsbase(struct cpu *c, const struct insn *i) { fsgs_write(c, i, S_FS); }
void op_wrgsbase(struct cpu *c, const struct insn *i) { fsgs_write(c, i, S_GS); }
