/* CPU life cycle, reset state and mode bookkeeping. */
#include <stdlib.h>
#include <string.h>

#include "codecache.h"
#include "features.h"
#include "flags.h"
#include "machine/machine.h"
#include "mem.h"
#include "x86/msr.h"

#define RFLAGS_VALID 0x3f7fd5ull

struct cpu *cpu_new(struct machine *m, int index)
{
    struct cpu *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->m = m;
    c->index = index;
    if (codecache_init(c) < 0) {
        free(c);
        return NULL;
    }
    cpu_reset(c);
    return c;
}

void cpu_free(struct cpu *c)
{
    if (!c)
        return;
    codecache_free(c);
    free(c);
}

static void seg_set(struct seg *s, uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
    s->sel = sel;
    s->base = base;
    s->limit = limit;
    s->ar = ar;
}

/* SDM Vol. 3A "Processor State Following Power-up, Reset, or INIT". */
void cpu_reset(struct cpu *c)
{
    memset(c->r, 0, sizeof c->r);
    c->r[R_DX] = CPU_SIGNATURE;        /* as CPUID.1:EAX */
    c->rip = 0xfff0;
    c->rflags = RFLAGS_FIXED1;
    c->lf.valid = false;
    seg_set(&c->seg[S_CS], 0xf000, 0xffff0000ull, 0xffff, 0x9b);
    for (int s = 0; s < 6; s++)
        if (s != S_CS)
            seg_set(&c->seg[s], 0, 0, 0xffff, 0x93);
    seg_set(&c->ldtr, 0, 0, 0xffff, 0x82);
    seg_set(&c->tr, 0, 0, 0xffff, 0x8b);
    c->gdtr = (struct dtr){ 0, 0xffff };
    c->idtr = (struct dtr){ 0, 0xffff };
    c->cr0 = CR0_ET | CR0_NW | CR0_CD;
    c->cr2 = c->cr3 = c->cr4 = c->cr8 = 0;
    c->efer = 0;
    c->xcr0 = XCR0_X87;
    memset(c->dr, 0, sizeof c->dr);
    c->dr[6] = 0xffff0ff0ull;
    c->dr[7] = 0x400;
    c->bp_exec = c->bp_read = c->bp_write = c->bp_io = 0;
    c->db_hits = 0;
    c->db_trap = false;
    c->pat = 0x0007040600070406ull;
    c->apic_base = 0xfee00000ull | (1u << 11) | (c->index == 0 ? (1u << 8) : 0);
    c->apic_page = ~0ull;              /* the local APIC claims it (lapic.c) */
    c->misc_enable = 0x1801;           /* fast strings; BTS, PEBS unavailable */
    c->feature_control = 0;
    c->mcg_status = 0;
    c->star = c->lstar = c->cstar = c->fmask = c->kernel_gs_base = c->tsc_aux = 0;
    c->sysenter_cs = c->sysenter_esp = c->sysenter_eip = 0;
    memset(c->xmm, 0, sizeof c->xmm);
    c->mxcsr = 0x1f80;
    memset(&c->fpu, 0, sizeof c->fpu);
    c->fpu.fcw = 0x0040;
    c->fpu.ftw = 0xff;     /* tag word 5555H: every register valid, +0.0 */
    c->halted = c->index != 0;         /* APs wait for SIPI (platform issue) */
    c->nmi_pending = c->nmi_blocked = false;
    c->init_pending = false;
    c->shadow_until = 0;
    c->exc_vector = -1;
    c->delivering = -1;
    c->exc_chain_len = 0;
    c->triple = false;
    tlb_flush_all(c);
    cpu_update_mode(c);
}

void tlb_set_tagbits(struct cpu *c)
{
    c->tlb_tagbits = c->tlb_key | (uint64_t)c->tlb_gen << TLB_GEN_SHIFT;
}

/* Alignment checking applies at CPL 3 with CR0.AM and RFLAGS.AC — SDM
 * Vol. 3A "Alignment Check Exception (#AC)". */
static void update_tlb_key(struct cpu *c)
{
    if (c->cpl != 3)
        c->tlb_key = 0;
    else
        c->tlb_key = ((c->cr0 & CR0_AM) && (c->rflags & RFLAGS_AC)) ? 2 : 1;
    tlb_set_tagbits(c);
}

void cpu_update_mode(struct cpu *c)
{
    const struct seg *cs = &c->seg[S_CS];
    if (!(c->cr0 & CR0_PE)) {
        c->mode = MODE_REAL;
        c->cpl = 0;
    } else if (c->rflags & RFLAGS_VM) {
        c->mode = MODE_VM86;
        c->cpl = 3;
    } else {
        c->mode = (c->efer & EFER_LMA) ? ((cs->ar & AR_L) ? MODE_LONG : MODE_COMPAT) : MODE_PROT;
        c->cpl = cs->sel & 3;
    }
    if (c->mode == MODE_LONG)
        c->code_size = 2;
    else if (c->mode == MODE_VM86)
        c->code_size = 0;
    else
        c->code_size = (cs->ar & AR_DB) ? 1 : 0;
    update_tlb_key(c);
    if (c->mode == MODE_LONG)
        c->stack_size = 2;
    else if (c->mode == MODE_VM86)
        c->stack_size = 0;
    else
        c->stack_size = (c->seg[S_SS].ar & AR_DB) ? 1 : 0;
    /* Block links map a RIP to a decoded block through the CS base and
     * limit, the CPL's right to fetch and the decode size: when one of
     * these changed they may be stale. (A MOV to CR0 or CR4 that changes
     * none of them, as a CR0.TS or WP toggle, keeps them.) */
    uint32_t shape = (uint32_t)c->mode | (uint32_t)c->cpl << 4 | (uint32_t)c->code_size << 8;
    if (shape != c->link_shape || cs->base != c->link_cs_base || cs->limit != c->link_cs_limit) {
        c->chain_epoch++;
        c->link_shape = shape;
        c->link_cs_base = cs->base;
        c->link_cs_limit = cs->limit;
    }
}

uint64_t cpu_get_rflags(struct cpu *c)
{
    flags_materialize(c);
    return c->rflags;
}

void cpu_set_rflags(struct cpu *c, uint64_t v)
{
    c->lf.valid = false;
    c->rflags = (v & RFLAGS_VALID) | RFLAGS_FIXED1;
    update_tlb_key(c);
}

/* Flat segments (code selector 0x08 with attributes cs_ar, data 0x10),
 * RFLAGS cleared, and the mode recomputed from the control registers. */
static void set_flat(struct cpu *c, uint32_t cs_ar)
{
    seg_set(&c->seg[S_CS], 0x08, 0, 0xffffffff, cs_ar);
    for (int s = 0; s < 6; s++)
        if (s != S_CS)
            seg_set(&c->seg[s], 0x10, 0, 0xffffffff, 0xc093);
    cpu_set_rflags(c, RFLAGS_FIXED1);
    c->halted = false;
    tlb_flush_all(c);
    cpu_update_mode(c);
}

/* The state a Multiboot loader leaves — Multiboot Specification 0.6.96,
 * "Machine state": flat 32-bit code and data segments, paging off. */
void cpu_set_flat32(struct cpu *c)
{
    c->cr0 = (c->cr0 | CR0_PE) & ~(CR0_PG | CR0_NW | CR0_CD);
    set_flat(c, 0xc09b);
}

/* 64-bit mode, CPL 0, 4-level paging from cr3 (used by tests and tools). */
void cpu_set_long64(struct cpu *c, uint64_t cr3)
{
    c->cr0 = CR0_PE | CR0_PG | CR0_ET | CR0_NE | CR0_WP | CR0_MP;
    c->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    c->cr3 = cr3;
    c->efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE;
    set_flat(c, 0xa09b);
}
