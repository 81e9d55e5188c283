/* QEMU's pc-testdev (hw/misc/pc-testdev.c), the ISA device QEMU's test
 * kernels (kvm-unit-tests) use; vtx always has it, as it accepts
 * -device pc-testdev.
 * - 0xE0-0xE3: a 32-bit register; an access of any size at byte offset k
 *   reads or writes the bytes from k up (bits beyond 32 are dropped).
 * - 0xE8-0xEB: the same register, accessed a byte at a time (QEMU splits
 *   wider accesses into byte accesses, which is what this does).
 * - 0xE4-0xE7: flush-page: a write names a guest-physical address; QEMU
 *   remaps that host page so that KVM refaults it. vtx has no host
 *   mappings to drop: it invalidates decoded code of the page (as a write
 *   to it would). Reads give 0.
 * - 0x2000-0x2017: one port per ISA IRQ line; a write sets the line's
 *   level (nonzero = high). Lines 0-15 are ISA IRQs (the 8259 pair and
 *   the I/O APIC, IRQ 0 on GSI 2: machine_set_isa_irq); lines 16-23 reach
 *   only the I/O APIC, GSIs 16-23. Reads give 0.
 * - 0xFF000000, 64 KiB: scratch memory, read and written at any size.
 * Devices from the command line come first: a port one of them has (say
 * isa-debugcon at 0xE9) stays theirs, and pc-testdev takes the rest. */
#include "testdev.h"

#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "ioapic.h"
#include "pic8259.h"

static uint32_t reg_mask(int size, int shift)
{
    uint32_t m = size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return m << shift;
}

static uint32_t data_in(void *dev, uint16_t port, int size)
{
    struct testdev *d = dev;
    int shift = (port & 3) * 8;
    return (d->data & reg_mask(size, shift)) >> shift;
}

static void data_out(void *dev, uint16_t port, int size, uint32_t val)
{
    struct testdev *d = dev;
    int shift = (port & 3) * 8;
    uint32_t mask = reg_mask(size, shift);
    d->data = (d->data & ~mask) | ((val << shift) & mask);
}

static uint32_t byte_in(void *dev, uint16_t port, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= data_in(dev, (uint16_t)(port + i), 1) << (8 * i);
    return v;
}

static void byte_out(void *dev, uint16_t port, int size, uint32_t val)
{
    for (int i = 0; i < size; i++)
        data_out(dev, (uint16_t)(port + i), 1, val >> (8 * i));
}

static uint32_t zero_in(void *dev, uint16_t port, int size)
{
    (void)dev, (void)port, (void)size;
    return 0;
}

static void flush_out(void *dev, uint16_t port, int size, uint32_t val)
{
    struct testdev *d = dev;
    (void)port, (void)size;
    int64_t i = phys_page_index(d->m, val);
    if (i >= 0) {
        d->m->code_bits[i] = 0;
        d->m->page_gen[i]++;
    }
}

static void irq_out(void *dev, uint16_t port, int size, uint32_t val)
{
    struct testdev *d = dev;
    (void)size;
    int line = port - TESTDEV_PORT_IRQ;
    bool level = (val & 0xff) != 0;
    if (line < 16 && d->pic)
        machine_set_isa_irq(d->m, line, level);
    else if (line >= 16)
        ioapic_set_irq(d->m->ioapic, line, level);   /* GSIs 16-23 */
}

static uint64_t iomem_read(void *dev, uint64_t off, int size)
{
    struct testdev *d = dev;
    uint64_t v = 0;
    for (int i = 0; i < size && off + i < TESTDEV_IOMEM_SIZE; i++)
        v |= (uint64_t)d->iomem[off + i] << (8 * i);
    return v;
}

static void iomem_write(void *dev, uint64_t off, int size, uint64_t val)
{
    struct testdev *d = dev;
    for (int i = 0; i < size && off + i < TESTDEV_IOMEM_SIZE; i++)
        d->iomem[off + i] = (uint8_t)(val >> (8 * i));
}

/* The range, or each of its ports that is free. */
static void add_ports(struct testdev *d, uint16_t base, uint16_t len, port_in_fn in, port_out_fn out)
{
    struct bus *b = &d->m->bus;
    if (bus_add_ports(b, base, len, in, out, d) == 0)
        return;
    for (uint16_t p = base; p < base + len; p++)
        bus_add_ports(b, p, 1, in, out, d);
}

struct testdev *testdev_new(struct machine *m, struct pic8259 *pic)
{
    struct testdev *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->m = m;
    d->pic = pic;
    add_ports(d, TESTDEV_PORT_DATA, 4, data_in, data_out);
    add_ports(d, TESTDEV_PORT_FLUSH, 4, zero_in, flush_out);
    add_ports(d, TESTDEV_PORT_BYTE, 4, byte_in, byte_out);
    add_ports(d, TESTDEV_PORT_IRQ, TESTDEV_NIRQ, zero_in, irq_out);
    if (bus_add_mmio(&m->bus, TESTDEV_IOMEM_BASE, TESTDEV_IOMEM_SIZE, iomem_read, iomem_write, d) != 0) {
        free(d);
        return NULL;
    }
    return d;
}

void testdev_free(struct testdev *d)
{
    free(d);
}
