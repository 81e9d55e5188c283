/* QEMU's firmware configuration device, fw_cfg, as QEMU's
 * docs/specs/fw_cfg.txt describes its legacy I/O-port interface on x86:
 * a 16-bit selector at 0x510 picks an item and resets the read offset;
 * each byte read of 0x511 returns the item's next byte, and 0 past its
 * end or for an absent item. Writes to the data port are ignored (QEMU
 * has not accepted them since 2.4). FW_CFG_ID is 1: the traditional
 * interface only, no DMA (QEMU says 3). Integer items are little-endian,
 * the file directory is big-endian, as in the spec.
 * Items: "QEMU", the ID, the RAM size (all of it, as QEMU's
 * machine->ram_size), the CPU count and maximum, and "etc/e820" (QEMU's
 * e820 table of RAM, 20-byte entries). For a multiboot kernel QEMU sets
 * no command-line items (hw/i386/x86.c returns after load_multiboot before
 * adding them; measured on QEMU 7.2), so vtx does not either. */
#include "fwcfg.h"

#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"

bool fwcfg_add(struct fwcfg *f, uint16_t key, const void *data, uint32_t len)
{
    if (f->nitems >= FWCFG_MAX_ITEMS)
        return false;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return false;
    if (len)
        memcpy(copy, data, len);
    f->items[f->nitems++] = (struct fwcfg_item){ key, len, copy };
    return true;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[n - 1 - i] = (uint8_t)(v >> (8 * i));
}

static struct fwcfg_item *find(struct fwcfg *f, uint16_t key)
{
    for (int i = 0; i < f->nitems; i++)
        if (f->items[i].key == key)
            return &f->items[i];
    return NULL;
}

/* The directory: a 4-byte count, then per file size (4), select (2),
 * reserved (2) and a 56-byte NUL-padded name, all big-endian. */
bool fwcfg_add_file(struct fwcfg *f, const char *name, const void *data, uint32_t len)
{
    struct fwcfg_item *dir = find(f, FW_CFG_FILE_DIR);
    if (!dir || f->nfiles >= FWCFG_MAX_FILES || strlen(name) >= 56)
        return false;
    uint16_t key = (uint16_t)(FW_CFG_FILE_FIRST + f->nfiles);
    uint8_t *p = dir->data + 4 + 64 * f->nfiles;
    if (!fwcfg_add(f, key, data, len))
        return false;
    memset(p, 0, 64);
    put_be(p, len, 4);
    put_be(p + 4, key, 2);
    memcpy(p + 8, name, strlen(name));
    f->nfiles++;
    put_be(dir->data, (uint64_t)f->nfiles, 4);
    dir->len = 4 + 64 * (uint32_t)f->nfiles;
    return true;
}

void fwcfg_select(struct fwcfg *f, uint16_t key)
{
    f->sel = key;
    f->off = 0;
}

uint8_t fwcfg_read_byte(struct fwcfg *f)
{
    struct fwcfg_item *it = find(f, f->sel);
    if (!it || f->off >= it->len)
        return 0;
    return it->data[f->off++];
}

/* A wider read of the data port returns successive bytes, little-endian. */
static uint32_t fwcfg_in(void *dev, uint16_t port, int size)
{
    if (port != FWCFG_PORT_DATA)
        return 0;
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)fwcfg_read_byte(dev) << (8 * i);
    return v;
}

static void fwcfg_out(void *dev, uint16_t port, int size, uint32_t val)
{
    (void)size;
    if (port == FWCFG_PORT_SEL)
        fwcfg_select(dev, (uint16_t)val);
}

static bool add_items(struct fwcfg *f, struct machine *m, int ncpu)
{
    uint8_t id[4], ram[8], cpus[2], dir[4 + 64 * FWCFG_MAX_FILES] = { 0 };
    uint8_t e820[40];
    int ne = 0;
    put_le(id, 1, 4);
    put_le(ram, m->ram_size, 8);
    put_le(cpus, (uint64_t)ncpu, 2);
    put_le(e820, 0, 8);
    put_le(e820 + 8, m->ram_below_4g, 8);
    put_le(e820 + 16, 1, 4);                    /* E820_RAM */
    ne++;
    if (m->ram_size > m->ram_below_4g) {
        put_le(e820 + 20, MEM_HIGH_BASE, 8);
        put_le(e820 + 28, m->ram_size - m->ram_below_4g, 8);
        put_le(e820 + 36, 1, 4);
        ne++;
    }
    return fwcfg_add(f, FW_CFG_SIGNATURE, "QEMU", 4) && fwcfg_add(f, FW_CFG_ID, id, 4) &&
           fwcfg_add(f, FW_CFG_RAM_SIZE, ram, 8) && fwcfg_add(f, FW_CFG_NB_CPUS, cpus, 2) &&
           fwcfg_add(f, FW_CFG_MAX_CPUS, cpus, 2) && fwcfg_add(f, FW_CFG_FILE_DIR, dir, sizeof dir) &&
           (find(f, FW_CFG_FILE_DIR)->len = 4) && fwcfg_add_file(f, "etc/e820", e820, 20u * (uint32_t)ne);
}

struct fwcfg *fwcfg_new(struct machine *m, int ncpu)
{
    struct fwcfg *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    if (!add_items(f, m, ncpu < 1 ? 1 : ncpu) ||
        bus_add_ports(&m->bus, FWCFG_PORT_SEL, 2, fwcfg_in, fwcfg_out, f) != 0) {
        fwcfg_free(f);
        return NULL;
    }
    return f;
}

void fwcfg_free(struct fwcfg *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->nitems; i++)
        free(f->items[i].data);
    free(f);
}
