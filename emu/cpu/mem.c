/* Segment checks and the slow path of memory access: page-crossing, MMIO,
 * TLB misses, and self-modifying-code detection. */
#include "mem.h"
#include "debugreg.h"

#include "codecache.h"
#include "dev/lapic.h"
#include "machine/machine.h"

_Noreturn void seg_fault_noncanonical(struct cpu *c, int s)
{
    /* SDM Vol. 3A "Canonical Addressing": #SS(0) for stack references,
     * #GP(0) otherwise. */
    cpu_fault(c, s == S_SS ? EXC_SS : EXC_GP, 0);
}

static _Noreturn void seg_fault(struct cpu *c, int s)
{
    cpu_fault(c, s == S_SS ? EXC_SS : EXC_GP, 0);
}

/* SDM Vol. 3A "Limit Checking" and "Type Checking". */
uint64_t seg_linear_legacy(struct cpu *c, int s, uint64_t off, int sz, int write)
{
    const struct seg *sg = &c->seg[s];
    uint64_t last = off + (uint64_t)sz - 1;
    if (c->mode == MODE_PROT || c->mode == MODE_COMPAT) {
        if (sg->ar & AR_UNUSABLE)
            seg_fault(c, s);
        unsigned t = AR_TYPE(sg->ar);
        if (write && ((t & SEGT_CODE) || !(t & SEGT_WRITABLE)))
            seg_fault(c, s);
        if (!write && (t & SEGT_CODE) && !(t & SEGT_READABLE))
            seg_fault(c, s);
        if (!(t & SEGT_CODE) && (t & SEGT_EXPDOWN)) {
            uint64_t upper = (sg->ar & AR_DB) ? 0xffffffffull : 0xffffull;
            if (off <= sg->limit || last > upper)
                seg_fault(c, s);
            return (sg->base + off) & 0xffffffffull;
        }
    }
    if (last > sg->limit)
        seg_fault(c, s);
    return (sg->base + off) & 0xffffffffull;
}

/* The xAPIC register page answers this CPU's accesses wherever
 * IA32_APIC_BASE puts it, over RAM too — SDM Vol. 3A "Relocating the Local
 * APIC Registers". */
static bool is_apic_page(const struct cpu *c, uint64_t pa)
{
    return (pa & ~0xfffull) == c->apic_page;
}

uint64_t phys_read_one(struct cpu *c, uint64_t pa, int sz)
{
    if (is_apic_page(c, pa))
        return lapic_mmio_read(c->lapic, pa & 0xfff, sz);
    uint8_t *p = phys_ptr(c->m, pa, (uint64_t)sz);
    return p ? load_le(p, sz) : phys_read(c->m, pa, sz);
}

/* A write to RAM drops decoded code taken from that page. */
void phys_write_one(struct cpu *c, uint64_t pa, int sz, uint64_t v)
{
    if (is_apic_page(c, pa)) {
        lapic_mmio_write(c->lapic, pa & 0xfff, sz, v);
        return;
    }
    uint8_t *p = phys_ptr(c->m, pa, (uint64_t)sz);
    if (p) {
        codecache_note_write(c, pa, sz);
        store_le(p, sz, v);
    } else {
        phys_write(c->m, pa, sz, v);
    }
}

/* #AC after the access's other faults — SDM "Priority Among Simultaneous
 * Exceptions and Interrupts". Only user data accesses are checked. */
static void align_check(struct cpu *c, uint64_t lin, int sz, unsigned acc)
{
    if (c->tlb_key == 2 && (acc & ACC_U) && !(acc & (ACC_X | ACC_SYS)) &&
        (sz == 2 || sz == 4 || sz == 8) && (lin & (uint64_t)(sz - 1)))
        cpu_fault(c, EXC_AC, 0);
}

/* An access the TLB did not serve may hit a data breakpoint. */
static void note_breakpoints(struct cpu *c, uint64_t lin, int sz, unsigned acc, bool write)
{
    if ((c->bp_read | c->bp_write) && !(acc & ACC_X))
        dbg_note_data(c, lin, sz, write);
}

uint64_t lin_read_slow(struct cpu *c, uint64_t lin, int sz, unsigned acc)
{
    uint64_t in_page = 0x1000 - (lin & 0xfff);
    if ((uint64_t)sz <= in_page) {
        uint64_t pa = mmu_translate(c, lin, acc);
        align_check(c, lin, sz, acc);
        note_breakpoints(c, lin, sz, acc, false);
        return phys_read_one(c, pa, sz);
    }
    /* Page-crossing: both translations succeed before anything is read. */
    uint64_t pa0 = mmu_translate(c, lin, acc);
    uint64_t pa1 = mmu_translate(c, lin + in_page, acc);
    align_check(c, lin, sz, acc);
    note_breakpoints(c, lin, sz, acc, false);
    uint64_t v = 0;
    for (int k = 0; k < sz; k++) {
        uint64_t pa = (uint64_t)k < in_page ? pa0 + (uint64_t)k : pa1 + ((uint64_t)k - in_page);
        v |= phys_read_one(c, pa, 1) << (8 * k);
    }
    return v;
}

void lin_write_slow(struct cpu *c, uint64_t lin, int sz, uint64_t v, unsigned acc)
{
    uint64_t in_page = 0x1000 - (lin & 0xfff);
    if ((uint64_t)sz <= in_page) {
        uint64_t pa = mmu_translate(c, lin, acc);
        align_check(c, lin, sz, acc);
        note_breakpoints(c, lin, sz, acc, true);
        phys_write_one(c, pa, sz, v);
        return;
    }
    uint64_t pa0 = mmu_translate(c, lin, acc);
    uint64_t pa1 = mmu_translate(c, lin + in_page, acc);
    align_check(c, lin, sz, acc);
    note_breakpoints(c, lin, sz, acc, true);
    for (int k = 0; k < sz; k++) {
        uint64_t pa = (uint64_t)k < in_page ? pa0 + (uint64_t)k : pa1 + ((uint64_t)k - in_page);
        phys_write_one(c, pa, 1, v >> (8 * k));
    }
}

void mem_probe_write(struct cpu *c, int s, uint64_t off, int sz)
{
    uint64_t lin = seg_linear(c, s, off, sz, 1);
    unsigned acc = acc_user(c) | ACC_W;
    mmu_translate(c, lin, acc);
    if (((lin & 0xfff) + (uint64_t)sz) > 0x1000)
        mmu_translate(c, lin + (uint64_t)sz - 1, acc);
}

uint8_t phys_read_byte(struct cpu *c, uint64_t pa)
{
    return (uint8_t)phys_read_one(c, pa, 1);
}
