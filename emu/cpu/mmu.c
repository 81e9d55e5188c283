/* Linear -> physical translation: 32-bit, PAE and 4-level paging with the
 * access-rights checks, accessed/dirty updates and #PF error codes of
 * SDM Vol. 3A, chapter "Paging". Successful translations of RAM pages are
 * cached in the software TLB. */
#include "debugreg.h"
#include "mem.h"

#include "codecache.h"
#include "machine/machine.h"
#include "x86/paging.h"

#define PHYS_MASK ((1ull << MAXPHYADDR) - 1)
#define ADDR_4K (PHYS_MASK & ~0xfffull)

/* Bits 51:MAXPHYADDR of a 64-bit entry are reserved — SDM "Use of the
 * Page-Fault Error Code"/"Reserved bits". */
#define RSV_HIGH (((1ull << 52) - 1) & ~PHYS_MASK)

struct walk {
    uint64_t pa;
    uint64_t pte_addr[5];   /* entries to update with A (and D on the last) */
    uint64_t pte_val[5];
    int n;
    int user, write, nx;    /* combined rights across levels */
    int large;              /* mapped by a 2-MByte, 4-MByte or 1-GByte page */
};

static _Noreturn void page_fault(struct cpu *c, uint64_t lin, unsigned acc, uint32_t bits)
{
    uint32_t ec = bits;
    if (acc & ACC_W)
        ec |= PFEC_W;
    if (acc & ACC_U)
        ec |= PFEC_U;
    /* I/D is reported only when SMEP or PAE-with-NXE makes fetches
     * distinguishable — SDM "Page-Fault Error Code". */
    if ((acc & ACC_X) && ((c->cr4 & CR4_SMEP) || ((c->cr4 & CR4_PAE) && (c->efer & EFER_NXE))))
        ec |= PFEC_I;
    c->cr2 = lin;
    cpu_fault(c, EXC_PF, ec);
}

static void add_entry(struct walk *w, uint64_t addr, uint64_t val)
{
    w->pte_addr[w->n] = addr;
    w->pte_val[w->n] = val;
    w->n++;
    w->user &= !!(val & PTE_U);
    w->write &= !!(val & PTE_W);
}

/* 4-level and PAE walks (64-bit entries). Returns 0 or the #PF bits. */
static uint32_t walk64(struct cpu *c, uint64_t lin, struct walk *w)
{
    int nxe = !!(c->efer & EFER_NXE);
    uint64_t rsv_nx = nxe ? 0 : PTE_NX;
    uint64_t table;
    int level;
    if (c->efer & EFER_LMA) {
        uint64_t e4 = 0, a4 = (c->cr3 & ADDR_4K) + ((lin >> 39) & 511) * 8;
        e4 = phys_read_one(c, a4, 8);
        if (!(e4 & PTE_P))
            return 0;   /* not present: P = 0 */
        if (e4 & (RSV_HIGH | rsv_nx | PTE_PS))
            return PFEC_P | PFEC_RSVD;
        add_entry(w, a4, e4);
        w->nx |= !!(e4 & PTE_NX) && nxe;
        table = e4 & ADDR_4K;
        level = 3;
    } else {
        uint64_t e3 = c->pdpte[(lin >> 30) & 3];
        if (!(e3 & PTE_P))
            return 0;
        /* PAE PDPTE reserved bits were checked when CR3 was loaded; a
         * PDPTE has no A bit to set and no rights bits. */
        table = e3 & ADDR_4K;
        level = 2;
        goto pd;
    }
    /* level 3: PDPT */
    {
        uint64_t a = table + ((lin >> 30) & 511) * 8, e = phys_read_one(c, a, 8);
        if (!(e & PTE_P))
            return 0;
        if (e & (RSV_HIGH | rsv_nx))
            return PFEC_P | PFEC_RSVD;
        if ((e & PTE_PS) && (e & 0x3fffe000ull))   /* 1-GByte page: bits 29:13 */
            return PFEC_P | PFEC_RSVD;
        add_entry(w, a, e);
        w->nx |= !!(e & PTE_NX) && nxe;
        if (e & PTE_PS) {
            w->pa = (e & ADDR_4K & ~0x3fffffffull) | (lin & 0x3fffffff);
            w->large = 1;
            return 0xffffffffu;   /* done */
        }
        table = e & ADDR_4K;
        level = 2;
    }
pd:
    (void)level;
    {
        uint64_t a = table + ((lin >> 21) & 511) * 8, e = phys_read_one(c, a, 8);
        if (!(e & PTE_P))
            return 0;
        if (e & (RSV_HIGH | rsv_nx))
            return PFEC_P | PFEC_RSVD;
        if ((e & PTE_PS) && (e & 0x1fe000ull))     /* 2-MByte page: bits 20:13 */
            return PFEC_P | PFEC_RSVD;
        add_entry(w, a, e);
        w->nx |= !!(e & PTE_NX) && nxe;
        if (e & PTE_PS) {
            w->pa = (e & ADDR_4K & ~0x1fffffull) | (lin & 0x1fffff);
            w->large = 1;
            return 0xffffffffu;
        }
        table = e & ADDR_4K;
    }
    {
        uint64_t a = table + ((lin >> 12) & 511) * 8, e = phys_read_one(c, a, 8);
        if (!(e & PTE_P))
            return 0;
        if (e & (RSV_HIGH | rsv_nx))
            return PFEC_P | PFEC_RSVD;
        add_entry(w, a, e);
        w->nx |= !!(e & PTE_NX) && nxe;
        w->pa = (e & ADDR_4K) | (lin & 0xfff);
        return 0xffffffffu;
    }
}

/* 32-bit paging (4-byte entries), with PSE 4-MByte pages and PSE-36. */
static uint32_t walk32(struct cpu *c, uint64_t lin, struct walk *w)
{
    uint64_t a = (c->cr3 & 0xfffff000ull) + ((lin >> 22) & 1023) * 4;
    uint64_t e = phys_read_one(c, a, 4);
    if (!(e & PTE_P))
        return 0;
    if ((e & PTE_PS) && (c->cr4 & CR4_PSE)) {
        /* Bits 20:13 hold PA bits 39:32; bit 21 is reserved (MAXPHYADDR 40). */
        if (e & (1ull << 21))
            return PFEC_P | PFEC_RSVD;
        add_entry(w, a, e);
        w->pa = (e & 0xffc00000ull) | (((e >> 13) & 0xff) << 32) | (lin & 0x3fffff);
        w->large = 1;
        return 0xffffffffu;
    }
    add_entry(w, a, e);
    uint64_t a2 = (e & 0xfffff000ull) + ((lin >> 12) & 1023) * 4;
    uint64_t e2 = phys_read_one(c, a2, 4);
    if (!(e2 & PTE_P))
        return 0;
    add_entry(w, a2, e2);
    w->pa = (e2 & 0xfffff000ull) | (lin & 0xfff);
    return 0xffffffffu;
}

/* Access rights — SDM "Access Rights" (U/S, R/W, WP, NX, SMEP, SMAP). */
static int rights_ok(struct cpu *c, const struct walk *w, unsigned acc)
{
    int user_acc = !!(acc & ACC_U);
    if (acc & ACC_X) {
        if (w->nx)
            return 0;
        if (user_acc)
            return w->user;
        return !(w->user && (c->cr4 & CR4_SMEP));
    }
    if (user_acc) {
        if (!w->user)
            return 0;
        return !(acc & ACC_W) || w->write;
    }
    if (w->user && (c->cr4 & CR4_SMAP) && ((acc & ACC_SYS) || !(c->rflags & RFLAGS_AC)))
        return 0;
    if ((acc & ACC_W) && !w->write && (c->cr0 & CR0_WP))
        return 0;
    return 1;
}

static void tlb_fill(struct cpu *c, uint64_t lin, unsigned acc, const struct walk *w, int paging)
{
    if (acc & ACC_SYS)
        return;
    if (!!(acc & ACC_U) != (c->cpl == 3))
        return;
    /* SMAP depends on RFLAGS.AC, which changes without a TLB flush. */
    if (paging && w->user && !(acc & ACC_U) && (c->cr4 & CR4_SMAP) && !(acc & ACC_X))
        return;
    uint64_t page = w->pa & ~0xfffull;
    uint8_t *host = phys_ptr(c->m, page, 0x1000);
    if (!host || page == c->apic_page)
        return;                  /* not RAM, or the APIC page over RAM */
    int kind = (acc & ACC_X) ? TLB_EXEC : (acc & ACC_W) ? TLB_WRITE : TLB_READ;
    if (c->tlb_key == 2 && kind != TLB_EXEC)
        return;     /* alignment checking: data accesses take the slow path */
    if (kind == TLB_WRITE && codecache_page_has_code(c, page))
        return;
    /* Write entries are only made for pages writable whatever CR0.WP says,
     * so toggling WP flushes nothing, as the SDM requires none ("Operations
     * that Invalidate TLBs and Paging-Structure Caches"): a supervisor
     * write that WP clear lets through to a read-only page is not cached. */
    if (kind == TLB_WRITE && paging && !w->write)
        return;
    /* Accesses to a page with an armed data breakpoint take the slow path,
     * which checks them (debugreg.c). */
    if (kind != TLB_EXEC && (c->bp_read | c->bp_write) && dbg_page_watched(c, lin, kind == TLB_WRITE))
        return;
    if (w->large)
        c->tlb_has_large = true;
    struct tlb_entry *e = &c->tlb[kind][(lin >> 12) & (TLB_SIZE - 1)];
    e->tag = tlb_tag(c, lin);
    e->addend = (uintptr_t)host - (uintptr_t)(lin & ~0xfffull);
}

static int do_walk(struct cpu *c, uint64_t lin, struct walk *w, uint32_t *pf)
{
    w->n = 0;
    w->large = 0;
    w->user = w->write = 1;
    w->nx = 0;
    uint32_t r = (c->cr4 & CR4_PAE) ? walk64(c, lin, w) : walk32(c, lin, w);
    if (r != 0xffffffffu) {
        *pf = r;
        return 0;
    }
    return 1;
}

uint64_t mmu_translate(struct cpu *c, uint64_t lin, unsigned acc)
{
    struct walk w;
    if (!(c->cr0 & CR0_PG)) {
        w.pa = lin & 0xffffffffull;
        w.user = w.write = 1;
        w.large = 0;
        tlb_fill(c, lin, acc, &w, 0);
        return w.pa;
    }
    uint32_t pf;
    if (!do_walk(c, lin, &w, &pf))
        page_fault(c, lin, acc, pf);
    if (!rights_ok(c, &w, acc))
        page_fault(c, lin, acc, PFEC_P);
    /* Accessed and dirty flags — SDM "Accessed and Dirty Flags". */
    int esz = (c->cr4 & CR4_PAE) ? 8 : 4;
    for (int k = 0; k < w.n; k++) {
        uint64_t v = w.pte_val[k];
        uint64_t nv = v | PTE_A;
        if (k == w.n - 1 && (acc & ACC_W))
            nv |= PTE_D;
        if (nv != v)
            phys_write_one(c, w.pte_addr[k], esz, nv);
    }
    tlb_fill(c, lin, acc, &w, 1);
    return w.pa;
}

bool mmu_probe(struct cpu *c, uint64_t lin, unsigned acc, uint64_t *pa)
{
    struct walk w;
    if (!(c->cr0 & CR0_PG)) {
        *pa = lin & 0xffffffffull;
        return true;
    }
    uint32_t pf;
    if (!do_walk(c, lin, &w, &pf) || !rights_ok(c, &w, acc))
        return false;
    *pa = w.pa;
    return true;
}

/* PAE paging: the four PDPTEs are loaded with CR3 — SDM "PDPTE Registers".
 * A present PDPTE with reserved bits set makes the load fail (#GP). */
bool mmu_load_pdptes(struct cpu *c, uint64_t cr3)
{
    uint64_t base = cr3 & 0xffffffe0ull;
    uint64_t e[4];
    for (int k = 0; k < 4; k++) {
        e[k] = phys_read_one(c, base + 8u * (unsigned)k, 8);
        if ((e[k] & PTE_P) && (e[k] & (RSV_HIGH | PTE_NX | 0x1e6ull)))
            return false;
    }
    for (int k = 0; k < 4; k++)
        c->pdpte[k] = e[k];
    return true;
}

/* A flush starts a new generation, which no existing tag carries; only
 * when the generations run out are the entries cleared. */
void tlb_flush_all(struct cpu *c)
{
    c->chain_epoch++;
    c->tlb_has_large = false;
    if (++c->tlb_gen > TLB_GEN_MAX) {
        c->tlb_gen = 0;
        for (int k = 0; k < TLB_KINDS; k++)
            for (unsigned i = 0; i < TLB_SIZE; i++)
                c->tlb[k][i].tag = TLB_INVALID;
    }
    tlb_set_tagbits(c);
}

/* INVLPG drops the whole page containing lin; our entries are 4-KByte
 * pieces, so a large page may be cached in several: then flush all. */
void tlb_flush_page(struct cpu *c, uint64_t lin)
{
    c->chain_epoch++;
    if (c->tlb_has_large) {
        tlb_flush_all(c);
        return;
    }
    unsigned i = (lin >> 12) & (TLB_SIZE - 1);
    for (int k = 0; k < TLB_KINDS; k++)
        c->tlb[k][i].tag = TLB_INVALID;
}
