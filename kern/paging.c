/* Page-table helpers over the 4-level identity map built by boot.S.
 * SDM Vol. 3A, "4-Level Paging and 5-Level Paging". */
#include "kern.h"

#define ADDR_MASK 0x000ffffffffff000ull
#define POOL_PAGES 64

static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static int pool_used;

void *alloc_page(void)
{
    if (pool_used >= POOL_PAGES)
        panic("page-table pool exhausted");
    void *p = pool[pool_used++];
    memset(p, 0, 4096);
    return p;
}

void flush_tlb(void)
{
    uint64_t cr4 = read_cr4();
    if (cr4 & CR4_PGE) {                /* toggling PGE flushes globals too */
        write_cr4(cr4 & ~CR4_PGE);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

static volatile uint64_t *table_at(uint64_t entry) { return (volatile uint64_t *)(entry & ADDR_MASK); }

/* Entry at `level` (4 = PML4E, 3 = PDPTE, 2 = PDE, 1 = PTE) for va, creating
 * missing tables (P|W|U) on the way; NULL if a large page maps va above it. */
static volatile uint64_t *walk(uint64_t va, int level, bool create)
{
    volatile uint64_t *t = (volatile uint64_t *)(read_cr3() & ADDR_MASK);
    for (int l = 4; l > level; l--) {
        volatile uint64_t *e = &t[(va >> (12 + 9 * (l - 1))) & 511];
        if (!(*e & PTE_P)) {
            if (!create) return NULL;
            *e = (uint64_t)alloc_page() | PTE_P | PTE_W | PTE_U;
        } else if (l <= 3 && (*e & PTE_PS)) {
            return NULL;
        }
        t = table_at(*e);
    }
    return &t[(va >> (12 + 9 * (level - 1))) & 511];
}

volatile uint64_t *walk_entry(uint64_t va, int level) { return walk(va, level, false); }

/* Split the 2-MiB page mapping va into 512 4-KiB pages with the same flags. */
static void split_2m(volatile uint64_t *pde)
{
    uint64_t *pt = alloc_page();
    uint64_t base = *pde & 0x000fffffffe00000ull;
    uint64_t flags = *pde & ~0x000fffffffe00000ull & ~PTE_PS;
    if (flags & (1ull << 12))            /* PAT bit of a large page is bit 12 */
        flags = (flags & ~(1ull << 12)) | PTE_PAT4K;
    for (int i = 0; i < 512; i++)
        pt[i] = (base + ((uint64_t)i << 12)) | flags;
    *pde = (uint64_t)pt | PTE_P | PTE_W | PTE_U | (flags & PTE_A);
}

volatile uint64_t *pte_lookup(uint64_t va, bool split, int *level)
{
    volatile uint64_t *pde = walk(va, 2, false);
    if (!pde || !(*pde & PTE_P))
        return NULL;
    if (*pde & PTE_PS) {
        if (!split) { if (level) *level = 2; return pde; }
        split_2m(pde);
        flush_tlb();
    }
    if (level) *level = 1;
    return walk(va, 1, false);
}

volatile uint64_t *pte_get(uint64_t va) { return pte_lookup(va, true, NULL); }

void page_set_flags(uint64_t va, uint64_t len, uint64_t set, uint64_t clear)
{
    for (uint64_t a = va & PAGE_MASK; a < va + len; a += PAGE_SIZE) {
        volatile uint64_t *e = pte_get(a);
        if (!e) panic("page_set_flags: %lx not mapped", a);
        *e = (*e | set) & ~clear;
        invlpg((void *)a);
    }
}

void map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
    volatile uint64_t *pde = walk(va, 2, true);
    if (pde && (*pde & PTE_P) && (*pde & PTE_PS)) {
        split_2m(pde);
        flush_tlb();
    }
    volatile uint64_t *e = walk(va, 1, true);
    if (!e) panic("map_page: %lx under a large page", va);
    *e = (pa & ADDR_MASK) | flags;
    invlpg((void *)va);
}

void unmap_page(uint64_t va)
{
    volatile uint64_t *e = pte_get(va);
    if (e) { *e = 0; invlpg((void *)va); }
}
