/* RAM and the memory map of QEMU's PC machine: RAM at [0, min(ram, 3.5 GiB))
 * with the VGA window [0xA0000, 0xC0000) cut out, the ROM area
 * [0xC0000, 0x100000) backed by RAM, and RAM beyond 3.5 GiB at 4 GiB.
 * The guest pages are one anonymous mapping, touched only when used. */
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

bool memmap_init(struct machine *m, uint64_t ram, char *err, size_t errlen)
{
    if (ram == 0 || ram > MEM_MAX_RAM) {
        snprintf(err, errlen, "RAM size %llu is out of range", (unsigned long long)ram);
        return false;
    }
    ram = page_round_up(ram);
    void *p = mmap(NULL, ram, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM",
                 (unsigned long long)(ram >> 20));
        return false;
    }
    m->ram = p;
    m->ram_size = ram;
    m->ram_below_4g = min_u64(ram, MEM_LOW_MAX);
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

/* The map SeaBIOS gives a multiboot kernel on QEMU (via INT 15h E820):
 * conventional memory up to the EBDA, the EBDA and BIOS ROM reserved,
 * extended memory from 1 MiB, the flash alias below 4 GiB reserved and
 * RAM above 4 GiB. Usable regions are clipped to the RAM present. */
int memmap_regions(const struct machine *m, struct mem_region *out)
{
    uint64_t low = m->ram_below_4g;
    int n = 0;
    n = add_region(out, n, 0, min_u64(low, MEM_EBDA_BASE), MEM_TYPE_RAM);
    n = add_region(out, n, MEM_EBDA_BASE, MEM_VGA_BASE, MEM_TYPE_RESERVED);
    n = add_region(out, n, MEM_BIOS_BASE, MEM_1M, MEM_TYPE_RESERVED);
    n = add_region(out, n, MEM_1M, low, MEM_TYPE_RAM);
    n = add_region(out, n, MEM_FLASH_BASE, MEM_HIGH_BASE, MEM_TYPE_RESERVED);
    n = add_region(out, n, MEM_HIGH_BASE, MEM_HIGH_BASE + (m->ram_size - low), MEM_TYPE_RAM);
    return n;
}
