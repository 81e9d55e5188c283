/* Physical memory for VMs and VMX structures: two bump allocators over the
 * multiboot memory map's available RAM below 4 GiB (identity-mapped by
 * kern/boot.S), skipping hv's image and the modules still to be loaded:
 * pages grow up from the bottom, 2-MiB aligned guest RAM grows down from
 * the top (so that alignment wastes nothing). Nothing is freed: VMs live
 * until hv ends. */
#include "hv.h"

extern char __image_end[];

#define MAX_RESERVED (HV_MAX_MODULES + 2)
static struct { uint64_t start, end; } reserved[MAX_RESERVED];
static int nreserved;
static uint64_t cursor = 0x100000, top = 4ull << 30;
/* The memory map, copied: the multiboot information may lie in memory
 * that pmem hands out. */
#define MAX_RAM 32
static struct { uint64_t start, end; } ram[MAX_RAM];
static int nram;

static void reserve(uint64_t start, uint64_t end)
{
    if (nreserved < MAX_RESERVED && end > start) {
        reserved[nreserved].start = start;
        reserved[nreserved].end = end;
        nreserved++;
    }
}

void pmem_init(void)
{
    reserve(0, (uint64_t)__image_end);
    for (int i = 0; i < opt.nmodules; i++)
        reserve(opt.modules[i].start, opt.modules[i].end);
    cursor = (uint64_t)__image_end;
    for (const struct multiboot_mmap *m = mb_mmap_next(NULL); m && nram < MAX_RAM; m = mb_mmap_next(m)) {
        uint64_t end = m->addr + m->len;
        if (end > (4ull << 30)) end = 4ull << 30;      /* the identity map */
        if (m->type == 1 && end > m->addr) {
            ram[nram].start = m->addr;
            ram[nram].end = end;
            nram++;
        }
    }
}

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* The lowest aligned address >= p whose [p, p+size) is available RAM and
 * overlaps nothing reserved; 0 if none. */
static uint64_t fit(uint64_t p, uint64_t size, uint64_t align)
{
    for (int r = 0; r < nram; r++) {
        uint64_t rend = ram[r].end;
        uint64_t q = align_up(p > ram[r].start ? p : ram[r].start, align);
        for (bool moved = true; moved;) {
            moved = false;
            for (int i = 0; i < nreserved; i++)
                if (q < reserved[i].end && q + size > reserved[i].start) {
                    q = align_up(reserved[i].end, align);
                    moved = true;
                }
        }
        if (q + size <= rend)
            return q;
    }
    return 0;
}

/* The highest aligned [p, p+size) below `top` and above `cursor` that is
 * available RAM overlapping nothing reserved; 0 if none. */
static uint64_t fit_down(uint64_t size, uint64_t align)
{
    for (int r = nram - 1; r >= 0; r--) {
        uint64_t end = ram[r].end < top ? ram[r].end : top;
        if (end < size)
            continue;
        uint64_t q = (end - size) & ~(align - 1);
        for (bool moved = true; moved && q >= ram[r].start && q >= cursor;) {
            moved = false;
            for (int i = 0; i < nreserved; i++)
                if (q < reserved[i].end && q + size > reserved[i].start) {
                    if (reserved[i].start < size) return 0;
                    q = (reserved[i].start - size) & ~(align - 1);
                    moved = true;
                }
        }
        if (q >= ram[r].start && q >= cursor && q + size <= end)
            return q;
    }
    return 0;
}

void *pmem_alloc(uint64_t size, uint64_t align)
{
    uint64_t p;
    if (align >= (2ull << 20)) {
        p = fit_down(size, align);
        if (p)
            top = p;
    } else {
        p = fit(cursor, size, align);
        if (p && p + size > top)
            p = 0;
        if (p)
            cursor = p + size;
    }
    if (!p)
        return NULL;
    memset((void *)p, 0, size);
    return (void *)p;
}

uint64_t pmem_free_bytes(void)
{
    uint64_t total = 0;
    for (int r = 0; r < nram; r++) {
        uint64_t start = ram[r].start > cursor ? ram[r].start : cursor;
        uint64_t end = ram[r].end < top ? ram[r].end : top;
        if (end > start)
            total += end - start;
    }
    return total;
}
