/* The port-I/O and MMIO buses: a device claims a range with callbacks;
 * nothing behind an address means all-ones on read and writes ignored
 * (an ISA bus with no driver pulls the data lines high). */
#include "bus.h"

#include <stddef.h>

/* All-ones of an access size of 1, 2 or 4 bytes. */
static uint32_t size_mask(int size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1u;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

int bus_add_ports(struct bus *b, uint16_t base, uint16_t len, port_in_fn in, port_out_fn out, void *dev)
{
    if (len == 0 || (uint32_t)base + len > 0x10000u || b->nports >= BUS_MAX_PORT_RANGES)
        return -1;
    for (int i = 0; i < b->nports; i++)
        if (ranges_overlap(base, len, b->ports[i].base, b->ports[i].len))
            return -1;
    b->ports[b->nports++] = (struct port_range){ base, len, in, out, dev };
    return 0;
}

int bus_add_mmio(struct bus *b, uint64_t base, uint64_t len, mmio_read_fn rd, mmio_write_fn wr, void *dev)
{
    if (len == 0 || base + len < base || b->nmmio >= BUS_MAX_MMIO_RANGES)
        return -1;
    for (int i = 0; i < b->nmmio; i++)
        if (ranges_overlap(base, len, b->mmio[i].base, b->mmio[i].len))
            return -1;
    b->mmio[b->nmmio++] = (struct mmio_range){ base, len, rd, wr, dev };
    return 0;
}

static struct port_range *find_port(struct bus *b, uint16_t port)
{
    for (int i = 0; i < b->nports; i++)
        if ((uint16_t)(port - b->ports[i].base) < b->ports[i].len)
            return &b->ports[i];
    return NULL;
}

/* The range that holds the whole access [port, port+size), or NULL. */
static struct port_range *find_port_access(struct bus *b, uint16_t port, int size)
{
    struct port_range *r = find_port(b, port);
    if (r && (uint32_t)(port - r->base) + (uint32_t)size <= r->len)
        return r;
    return NULL;
}

static uint32_t in_byte(struct bus *b, uint16_t port)
{
    struct port_range *r = find_port(b, port);
    if (!r || !r->in)
        return 0xffu;
    return r->in(r->dev, port, 1) & 0xffu;
}

uint32_t bus_in(struct bus *b, uint16_t port, int size)
{
    struct port_range *r = find_port_access(b, port, size);
    if (r)
        return r->in ? r->in(r->dev, port, size) & size_mask(size) : size_mask(size);
    /* An access that straddles ranges (or hits none) is split into bytes,
     * as the ISA bus does for an 8-bit device. */
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= in_byte(b, (uint16_t)(port + k)) << (8 * k);
    return v;
}

void bus_out(struct bus *b, uint16_t port, int size, uint32_t val)
{
    struct port_range *r = find_port_access(b, port, size);
    if (r) {
        if (r->out)
            r->out(r->dev, port, size, val & size_mask(size));
        return;
    }
    for (int k = 0; k < size; k++) {
        uint16_t p = (uint16_t)(port + k);
        struct port_range *rb = find_port(b, p);
        if (rb && rb->out)
            rb->out(rb->dev, p, 1, (val >> (8 * k)) & 0xffu);
    }
}

struct mmio_range *bus_find_mmio(struct bus *b, uint64_t pa)
{
    for (int i = 0; i < b->nmmio; i++)
        if (pa - b->mmio[i].base < b->mmio[i].len)
            return &b->mmio[i];
    return NULL;
}
