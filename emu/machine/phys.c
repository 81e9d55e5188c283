/* Guest-physical memory access outside the CPU's fast path: RAM, MMIO
 * through the bus, and holes. The memory map (memmap.c) says a hole reads
 * all-ones and ignores writes, as an address with no device decoding it
 * does on a PC. */
#include "machine.h"

#include <string.h>

static uint64_t all_ones(int size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* A write reached RAM other than through the CPU's store path (loader,
 * devices): a page holding decoded code gets a new generation, so blocks
 * decoded from it are dropped, as emu/cpu/codecache.c does for the CPU. */
static void note_ram_write(struct machine *m, uint64_t pa, uint64_t len)
{
    for (uint64_t a = pa & ~(MEM_PAGE_SIZE - 1); a < pa + len; a += MEM_PAGE_SIZE) {
        int64_t i = phys_page_index(m, a);
        if (i >= 0 && m->code_bits[i]) {
            m->code_bits[i] = 0;
            m->page_gen[i]++;
        }
    }
}

static uint64_t load_le(const uint8_t *p, int size)
{
    uint64_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint64_t)p[k] << (8 * k);
    return v;
}

static void store_le(uint8_t *p, int size, uint64_t v)
{
    for (int k = 0; k < size; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

/* The MMIO range holding all of [pa, pa+size), or NULL. */
static struct mmio_range *mmio_for(struct machine *m, uint64_t pa, int size)
{
    struct mmio_range *r = bus_find_mmio(&m->bus, pa);
    if (r && pa - r->base + (uint64_t)size <= r->len)
        return r;
    return NULL;
}

static uint64_t read_byte(struct machine *m, uint64_t pa)
{
    uint8_t *p = phys_ptr(m, pa, 1);
    if (p)
        return *p;
    struct mmio_range *r = mmio_for(m, pa, 1);
    if (r && r->read)
        return r->read(r->dev, pa - r->base, 1) & 0xff;
    return 0xff;
}

static void write_byte(struct machine *m, uint64_t pa, uint8_t v)
{
    uint8_t *p = phys_ptr(m, pa, 1);
    if (p) {
        *p = v;
        note_ram_write(m, pa, 1);
        return;
    }
    struct mmio_range *r = mmio_for(m, pa, 1);
    if (r && r->write)
        r->write(r->dev, pa - r->base, 1, v);
}

uint64_t phys_read(struct machine *m, uint64_t pa, int size)
{
    uint8_t *p = phys_ptr(m, pa, (uint64_t)size);
    if (p)
        return load_le(p, size);
    struct mmio_range *r = mmio_for(m, pa, size);
    if (r)
        return r->read ? r->read(r->dev, pa - r->base, size) & all_ones(size) : all_ones(size);
    /* Straddles RAM, MMIO or a hole: byte by byte. */
    uint64_t v = 0;
    for (int k = 0; k < size; k++)
        v |= read_byte(m, pa + (uint64_t)k) << (8 * k);
    return v;
}

void phys_write(struct machine *m, uint64_t pa, int size, uint64_t val)
{
    uint8_t *p = phys_ptr(m, pa, (uint64_t)size);
    if (p) {
        store_le(p, size, val);
        note_ram_write(m, pa, (uint64_t)size);
        return;
    }
    struct mmio_range *r = mmio_for(m, pa, size);
    if (r) {
        if (r->write)
            r->write(r->dev, pa - r->base, size, val & all_ones(size));
        return;
    }
    for (int k = 0; k < size; k++)
        write_byte(m, pa + (uint64_t)k, (uint8_t)(val >> (8 * k)));
}

bool phys_copy_in(struct machine *m, uint64_t pa, const void *src, uint64_t len)
{
    uint8_t *p = phys_ptr(m, pa, len);
    if (!p || pa + len < pa)
        return false;
    memcpy(p, src, len);
    note_ram_write(m, pa, len);
    return true;
}

bool phys_zero(struct machine *m, uint64_t pa, uint64_t len)
{
    uint8_t *p = phys_ptr(m, pa, len);
    if (!p || pa + len < pa)
        return false;
    memset(p, 0, len);
    note_ram_write(m, pa, len);
    return true;
}

bool phys_copy_out(struct machine *m, uint64_t pa, void *dst, uint64_t len)
{
    uint8_t *p = phys_ptr(m, pa, len);
    if (!p)
        return false;
    memcpy(dst, p, len);
    return true;
}
