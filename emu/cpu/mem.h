/* Memory access from the CPU: segmentation (logical -> linear), the
 * software TLB (linear -> host) and the slow path through the page walk.
 * A hit costs a compare and an add (DESIGN.md "Speed"). */
#ifndef EMU_MEM_H
#define EMU_MEM_H

#include <string.h>

#include "cpu.h"
#include "insn.h"
#include "regs.h"

/* Access kinds for the page walk. */
#define ACC_W   1u   /* write */
#define ACC_X   2u   /* instruction fetch */
#define ACC_U   4u   /* user-mode access (CPL 3, not an implicit supervisor access) */
#define ACC_SYS 8u   /* implicit supervisor access (GDT, IDT, TSS, …) */

#define MAXPHYADDR 40

static inline uint64_t load_le(const uint8_t *p, int sz)
{
    switch (sz) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}
static inline void store_le(uint8_t *p, int sz, uint64_t v)
{
    switch (sz) {
    case 1: *p = (uint8_t)v; break;
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

static inline int is_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* The TLB tag of a linear address for the current privilege. */
static inline uint64_t tlb_tag(const struct cpu *c, uint64_t lin)
{
    return (lin & ~0xfffull) | c->tlb_tagbits;
}

/* Host pointer for [lin, lin+sz) if the TLB maps it for this kind, else NULL. */
static inline uint8_t *tlb_ptr(struct cpu *c, int kind, uint64_t lin, int sz)
{
    if ((lin & 0xfff) + (uint64_t)sz > 0x1000)
        return NULL;
    const struct tlb_entry *e = &c->tlb[kind][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->tag != tlb_tag(c, lin))
        return NULL;
    return (uint8_t *)(uintptr_t)(lin + e->addend);
}

/* Out of line (mem.c). */
uint64_t seg_linear_legacy(struct cpu *c, int s, uint64_t off, int sz, int write);
_Noreturn void seg_fault_noncanonical(struct cpu *c, int s);
uint64_t lin_read_slow(struct cpu *c, uint64_t lin, int sz, unsigned acc);
void lin_write_slow(struct cpu *c, uint64_t lin, int sz, uint64_t v, unsigned acc);
/* Translate with checks and fill the TLB (mmu.c). Raises #PF. */
uint64_t mmu_translate(struct cpu *c, uint64_t lin, unsigned acc);
/* Translate without side effects; false if not mapped. */
bool mmu_probe(struct cpu *c, uint64_t lin, unsigned acc, uint64_t *pa);
/* Load the PAE PDPTE registers from CR3; false if one is invalid. */
bool mmu_load_pdptes(struct cpu *c, uint64_t cr3);

static inline unsigned acc_user(const struct cpu *c)
{
    return c->cpl == 3 ? ACC_U : 0;
}

/* Logical -> linear address with the segment checks of the current mode —
 * SDM Vol. 3A "Segment-Limit Checking" / "Canonical Addressing". */
static inline uint64_t seg_linear(struct cpu *c, int s, uint64_t off, int sz, int write)
{
    if (c->mode == MODE_LONG) {
        uint64_t lin = off + (s >= S_FS ? c->seg[s].base : 0);
        if (!is_canonical(lin) || !is_canonical(lin + (uint64_t)sz - 1))
            seg_fault_noncanonical(c, s);
        return lin;
    }
    return seg_linear_legacy(c, s, off, sz, write);
}

static inline uint64_t lin_read(struct cpu *c, uint64_t lin, int sz)
{
    uint8_t *p = tlb_ptr(c, TLB_READ, lin, sz);
    return p ? load_le(p, sz) : lin_read_slow(c, lin, sz, acc_user(c));
}
static inline void lin_write(struct cpu *c, uint64_t lin, int sz, uint64_t v)
{
    uint8_t *p = tlb_ptr(c, TLB_WRITE, lin, sz);
    if (p)
        store_le(p, sz, v);
    else
        lin_write_slow(c, lin, sz, v, acc_user(c) | ACC_W);
}

static inline uint64_t mem_read(struct cpu *c, int s, uint64_t off, int sz)
{
    return lin_read(c, seg_linear(c, s, off, sz, 0), sz);
}
static inline void mem_write(struct cpu *c, int s, uint64_t off, int sz, uint64_t v)
{
    lin_write(c, seg_linear(c, s, off, sz, 1), sz, v);
}

uint8_t phys_read_byte(struct cpu *c, uint64_t pa);
/* Guest-physical access from the CPU (RAM, MMIO, holes); writes to RAM
 * invalidate decoded code from that page. */
uint64_t phys_read_one(struct cpu *c, uint64_t pa, int sz);
void phys_write_one(struct cpu *c, uint64_t pa, int sz, uint64_t v);

/* Check that a write would succeed (segment and paging), changing nothing
 * but accessed/dirty bits. */
void mem_probe_write(struct cpu *c, int s, uint64_t off, int sz);

/* Implicit supervisor accesses to system structures by linear address. */
static inline uint64_t sys_read(struct cpu *c, uint64_t lin, int sz)
{
    return lin_read_slow(c, lin, sz, ACC_SYS);
}
static inline void sys_write(struct cpu *c, uint64_t lin, int sz, uint64_t v)
{
    lin_write_slow(c, lin, sz, v, ACC_SYS | ACC_W);
}

/* Read-modify-write of one operand: translated once with write intent, so
 * a fault reports a write access (W = 1) before anything changes. */
struct rmw {
    uint8_t *p;       /* host pointer, or NULL for the slow path */
    uint64_t lin;
    int reg;          /* register operand, or -1 */
};

static inline uint64_t rmw_begin_mem(struct cpu *c, struct rmw *m, int s, uint64_t off, int sz)
{
    m->reg = -1;
    m->lin = seg_linear(c, s, off, sz, 1);
    m->p = tlb_ptr(c, TLB_WRITE, m->lin, sz);
    if (m->p)
        return load_le(m->p, sz);
    return lin_read_slow(c, m->lin, sz, acc_user(c) | ACC_W);
}

static inline void rmw_end(struct cpu *c, struct rmw *m, int sz, uint64_t v)
{
    if (m->reg >= 0)
        reg_set(c, (unsigned)m->reg, sz, v);
    else if (m->p)
        store_le(m->p, sz, v);
    else
        lin_write_slow(c, m->lin, sz, v, acc_user(c) | ACC_W);
}

/* The ModRM r/m operand ("E" in the SDM's operand notation). */
static inline uint64_t e_read(struct cpu *c, const struct insn *i, int sz)
{
    if (i->mod == 3)
        return reg_get(c, i->rm, sz);
    return mem_read(c, i->seg, ea_offset(c, i), sz);
}
static inline void e_write(struct cpu *c, const struct insn *i, int sz, uint64_t v)
{
    if (i->mod == 3)
        reg_set(c, i->rm, sz, v);
    else
        mem_write(c, i->seg, ea_offset(c, i), sz, v);
}
static inline uint64_t e_rmw_begin(struct cpu *c, const struct insn *i, struct rmw *m, int sz)
{
    if (i->mod == 3) {
        m->reg = i->rm;
        m->p = NULL;
        m->lin = 0;
        return reg_get(c, i->rm, sz);
    }
    return rmw_begin_mem(c, m, i->seg, ea_offset(c, i), sz);
}

#endif
