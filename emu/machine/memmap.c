/* RAM and the memory map of QEMU's pc and q35 machines: RAM from 0 up to
 * the machine's split below 4 GiB with the VGA window [0xA0000, 0xC0000)
 * cut out, the ROM area [0xC0000, 0x100000) backed by RAM, and the rest
 * of RAM at 4 GiB. The guest pages are one anonymous mapping, touched
 * only when used. */
#include "memmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

static uint64_t page_round_up(uint64_t n)
{
    return (n + MEM_PAGE_SIZE - 1) & ~(MEM_PAGE_SIZE - 1);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* pc: hw/i386/pc_piix.c pc_init1. The split is max-ram-below-4g (default
 * 3.5 GiB); when RAM does not fit under it, it moves down to 3 GiB
 * ("gigabyte_align", every machine type since pc-i440fx-2.1).
 * q35: hw/i386/pc_q35.c pc_q35_init. 2.75 GiB (0xB0000000) leaves room for
 * the PCI hole and MMCONFIG; when RAM does not fit under it, the split is
 * 2 GiB; max-ram-below-4g (default 4 GiB) only lowers it.
 * Either way, RAM that reaches the split is cut there; the rest goes to
 * 4 GiB. */
uint64_t memmap_below_4g(enum machine_type type, uint64_t ram, uint64_t max_below)
{
    uint64_t lowmem;
    if (type == MACHINE_Q35) {
        lowmem = ram >= 0xB0000000ull ? 0x80000000ull : 0xB0000000ull;
        if (max_below && lowmem > max_below)
            lowmem = max_below;
    } else {
        uint64_t max = max_below ? max_below : MEM_LOW_MAX;
        lowmem = max;
        if (ram >= max && lowmem > 0xC0000000ull)
            lowmem = 0xC0000000ull;
    }
    return ram >= lowmem ? lowmem : ram;
}

/* Guest RAM: one anonymous mapping, aligned to 2 MiB and marked for
 * transparent huge pages where the host has them, so that guest accesses
 * spread over many pages do not also miss in the host's TLB. */
#define RAM_ALIGN (2ull << 20)

static void *ram_map(uint64_t ram)
{
    uint64_t len = ram + RAM_ALIGN;
    uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uint8_t *start = (uint8_t *)(((uintptr_t)p + RAM_ALIGN - 1) & ~(uintptr_t)(RAM_ALIGN - 1));
    if (start > p)
        munmap(p, (size_t)(start - p));
    uint8_t *end = start + ram, *map_end = p + len;
    if (map_end > end)
        munmap(end, (size_t)(map_end - end));
#ifdef MADV_HUGEPAGE
    madvise(start, ram, MADV_HUGEPAGE);
#endif
    return start;
}

bool memmap_init(struct machine *m, uint64_t ram, uint64_t max_below, char *err, size_t errlen)
{
    if (ram == 0 || ram > MEM_MAX_RAM) {
        snprintf(err, errlen, "RAM size %llu is out of range", (unsigned long long)ram);
        return false;
    }
    ram = page_round_up(ram);
    uint64_t below = memmap_below_4g(m->type, ram, max_below);
    if (below & (MEM_PAGE_SIZE - 1)) {
        snprintf(err, errlen, "max-ram-below-4g=%#llx is not a multiple of 4 KiB",
                 (unsigned long long)max_below);
        return false;
    }
    if (below > MEM_LOW_LIMIT) {
        snprintf(err, errlen, "%llu MiB of RAM below 4 GiB would cover the I/O APIC at %#llx "
                 "(lower max-ram-below-4g)", (unsigned long long)(below >> 20), MEM_LOW_LIMIT);
        return false;
    }
    void *p = ram_map(ram);
    if (!p) {
        snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM",
                 (unsigned long long)(ram >> 20));
        return false;
    }
    m->ram = p;
    m->ram_size = ram;
    m->ram_below_4g = below;
    m->npages = ram >> MEM_PAGE_SHIFT;
    m->page_gen = calloc(m->npages, sizeof *m->page_gen);
    m->code_bits = calloc(m->npages, 1);
    if (!m->page_gen || !m->code_bits) {
        memmap_free(m);
        snprintf(err, errlen, "out of host memory for the page tables of guest RAM");
        return false;
    }
    return true;
}

void memmap_free(struct machine *m)
{
    if (m->ram)
        munmap(m->ram, m->ram_size);
    free(m->page_gen);
    free(m->code_bits);
    m->ram = NULL;
    m->page_gen = NULL;
    m->code_bits = NULL;
    m->ram_size = m->ram_below_4g = m->npages = 0;
}

static int add_region(struct mem_region *out, int n, uint64_t base, uint64_t end, uint32_t type)
{
    if (end > base)
        out[n++] = (struct mem_region){ base, end - base, type };
    return n;
}

/* The map SeaBIOS gives a multiboot kernel on QEMU 7.2 (via INT 15h
 * E820, in ascending order, as measured with -m 128M/3G/4G on pc and q35):
 * conventional memory up to the EBDA, the EBDA and BIOS ROM reserved,
 * extended memory from 1 MiB with its top 128 KiB reserved for SeaBIOS's
 * tables (only when the block is big enough to hold them), on q35 the
 * MMCONFIG and RCBA windows, the flash alias below 4 GiB, RAM above
 * 4 GiB, and the AMD HyperTransport window: QEMU adds it because TCG's
 * default CPU models (qemu64, max) say AuthenticAMD; vtx reports it too so
 * the map is the one kernels see on QEMU, unless RAM reaches into it. */
int memmap_regions(const struct machine *m, struct mem_region *out)
{
    uint64_t low = m->ram_below_4g, high_end = MEM_HIGH_BASE + (m->ram_size - low);
    uint64_t table = low;   /* SeaBIOS's reserved top, if it fits above 1 MiB */
    if (low >= MEM_1M + MEM_HIGHTABLE_SIZE)
        table = low - MEM_HIGHTABLE_SIZE;
    int n = 0;
    n = add_region(out, n, 0, min_u64(low, MEM_EBDA_BASE), MEM_TYPE_RAM);
    n = add_region(out, n, MEM_EBDA_BASE, MEM_VGA_BASE, MEM_TYPE_RESERVED);
    n = add_region(out, n, MEM_BIOS_BASE, MEM_1M, MEM_TYPE_RESERVED);
    n = add_region(out, n, MEM_1M, table, MEM_TYPE_RAM);
    n = add_region(out, n, table, low, MEM_TYPE_RESERVED);
    if (m->type == MACHINE_Q35) {
        n = add_region(out, n, MEM_Q35_MMCONFIG_BASE, MEM_Q35_MMCONFIG_BASE + MEM_Q35_MMCONFIG_SIZE,
                       MEM_TYPE_RESERVED);
        n = add_region(out, n, MEM_Q35_RCBA_BASE, MEM_Q35_RCBA_BASE + MEM_Q35_RCBA_SIZE,
                       MEM_TYPE_RESERVED);
    }
    n = add_region(out, n, MEM_FLASH_BASE, MEM_HIGH_BASE, MEM_TYPE_RESERVED);
    n = add_region(out, n, MEM_HIGH_BASE, high_end, MEM_TYPE_RAM);
    if (high_end <= MEM_AMD_HT_BASE)
        n = add_region(out, n, MEM_AMD_HT_BASE, MEM_AMD_HT_END, MEM_TYPE_RESERVED);
    return n;
}
