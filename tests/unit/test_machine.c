/* Unit tests of the machine without a CPU: the port and MMIO buses, the
 * memory map and guest-physical access, the exit devices and the exit
 * status policy. */
#include <stdlib.h>
#include <string.h>

#include "dev/debugexit.h"
#include "dev/shutdown.h"
#include "machine/machine.h"
#include "machine/memmap.h"
#include "test_check.h"

/* ---- a recording device for the bus ---- */

struct recorder {
    uint16_t port;
    int size, nin, nout;
    uint32_t val;
    uint64_t off;
};

static uint32_t rec_in(void *dev, uint16_t port, int size)
{
    struct recorder *r = dev;
    r->port = port, r->size = size, r->nin++;
    return 0x12345678u;
}

static void rec_out(void *dev, uint16_t port, int size, uint32_t val)
{
    struct recorder *r = dev;
    r->port = port, r->size = size, r->val = val, r->nout++;
}

static uint64_t rec_read(void *dev, uint64_t off, int size)
{
    struct recorder *r = dev;
    r->off = off, r->size = size, r->nin++;
    return 0x1122334455667788ull;
}

static void rec_write(void *dev, uint64_t off, int size, uint64_t val)
{
    struct recorder *r = dev;
    r->off = off, r->size = size, r->val = (uint32_t)val, r->nout++;
}

static struct machine *board(uint64_t ram, bool devices)
{
    char err[200];
    return machine_new_board(ram, devices, err, sizeof err);
}

/* ---- bus ---- */

static void bus_dispatches_to_the_claimed_range(struct tcase *t)
{
    struct bus b = { 0 };
    struct recorder r = { 0 };
    EXPECT(t, bus_add_ports(&b, 0x100, 8, rec_in, rec_out, &r) == 0);
    EXPECT_EQ(t, bus_in(&b, 0x102, 2), 0x5678);
    EXPECT_EQ(t, r.port, 0x102);
    EXPECT_EQ(t, r.size, 2);
    bus_out(&b, 0x104, 4, 0xdeadbeef);
    EXPECT_EQ(t, r.port, 0x104);
    EXPECT_EQ(t, r.val, 0xdeadbeef);
    bus_out(&b, 0x107, 1, 0x1ff);   /* masked to the access size */
    EXPECT_EQ(t, r.val, 0xff);
}

static void bus_unclaimed_ports_read_all_ones(struct tcase *t)
{
    struct bus b = { 0 };
    EXPECT_EQ(t, bus_in(&b, 0x80, 1), 0xff);
    EXPECT_EQ(t, bus_in(&b, 0x80, 2), 0xffff);
    EXPECT_EQ(t, bus_in(&b, 0x80, 4), 0xffffffff);
    bus_out(&b, 0x80, 4, 0);   /* ignored, must not crash */
    bus_out(&b, 0xffff, 4, 0);
    EXPECT_EQ(t, bus_in(&b, 0xffff, 4), 0xffffffff);
}

static void bus_rejects_overlapping_ranges(struct tcase *t)
{
    struct bus b = { 0 };
    struct recorder r = { 0 };
    EXPECT(t, bus_add_ports(&b, 0x3f8, 8, rec_in, rec_out, &r) == 0);
    EXPECT(t, bus_add_ports(&b, 0x3ff, 1, rec_in, rec_out, &r) != 0);
    EXPECT(t, bus_add_ports(&b, 0x3f0, 9, rec_in, rec_out, &r) != 0);
    EXPECT(t, bus_add_ports(&b, 0x3f0, 8, rec_in, rec_out, &r) == 0);
    EXPECT(t, bus_add_ports(&b, 0xfff0, 0x20, rec_in, rec_out, &r) != 0);
    EXPECT(t, bus_add_mmio(&b, 0xfee00000, 0x1000, rec_read, rec_write, &r) == 0);
    EXPECT(t, bus_add_mmio(&b, 0xfee00800, 0x1000, rec_read, rec_write, &r) != 0);
}

static void bus_splits_an_access_across_ranges(struct tcase *t)
{
    struct bus b = { 0 };
    struct recorder r = { 0 };
    bus_add_ports(&b, 0x200, 1, rec_in, rec_out, &r);
    /* 0x1ff unclaimed, 0x200 claimed, 0x201..0x202 unclaimed */
    EXPECT_EQ(t, bus_in(&b, 0x1ff, 4), 0xffff78ff);
    EXPECT_EQ(t, r.size, 1);
    bus_out(&b, 0x1ff, 2, 0xabcd);
    EXPECT_EQ(t, r.val, 0xab);
    EXPECT_EQ(t, r.port, 0x200);
}

static void bus_finds_mmio_ranges(struct tcase *t)
{
    struct bus b = { 0 };
    struct recorder r = { 0 };
    bus_add_mmio(&b, 0xfec00000, 0x1000, rec_read, rec_write, &r);
    EXPECT(t, bus_find_mmio(&b, 0xfec00000) != NULL);
    EXPECT(t, bus_find_mmio(&b, 0xfec00fff) != NULL);
    EXPECT(t, bus_find_mmio(&b, 0xfec01000) == NULL);
    EXPECT(t, bus_find_mmio(&b, 0xfebfffff) == NULL);
}

/* ---- memory map ---- */

static void memmap_small_machine(struct tcase *t)
{
    struct machine *m = board(128 << 20, false);
    EXPECT(t, m != NULL);
    if (!m)
        return;
    EXPECT_EQ(t, m->ram_size, 128 << 20);
    EXPECT_EQ(t, m->ram_below_4g, 128 << 20);
    EXPECT_EQ(t, m->npages, (128 << 20) >> 12);
    EXPECT_EQ(t, m->type, MACHINE_PC);
    struct mem_region r[MEMMAP_MAX_REGIONS];
    int n = memmap_regions(m, r);
    EXPECT_EQ(t, n, 7);
    EXPECT(t, r[0].base == 0 && r[0].len == 0x9fc00 && r[0].type == 1);
    EXPECT(t, r[1].base == 0x9fc00 && r[1].len == 0x400 && r[1].type == 2);
    EXPECT(t, r[2].base == 0xf0000 && r[2].len == 0x10000 && r[2].type == 2);
    /* SeaBIOS reserves the top 128 KiB of RAM below 4 GiB */
    EXPECT(t, r[3].base == 0x100000 && r[3].len == 0x7fe0000 - 0x100000 && r[3].type == 1);
    EXPECT(t, r[4].base == 0x7fe0000 && r[4].len == 0x20000 && r[4].type == 2);
    EXPECT(t, r[5].base == 0xfffc0000 && r[5].len == 0x40000 && r[5].type == 2);
    EXPECT(t, r[6].base == 0xfd00000000ull && r[6].len == 0x300000000ull && r[6].type == 2);
    /* the reserved top is still RAM */
    EXPECT(t, phys_ptr(m, 0x7fe0000, 0x20000) != NULL);
    machine_free_board(m);
}

/* pc (hw/i386/pc_piix.c): RAM that reaches 3.5 GiB splits at 3 GiB. */
static void memmap_ram_above_3_5g_moves_to_4g(struct tcase *t)
{
    struct machine *m = board(4ull << 30, false);
    EXPECT(t, m != NULL);
    if (!m)
        return;
    EXPECT_EQ(t, m->ram_below_4g, 0xC0000000ull);
    struct mem_region r[MEMMAP_MAX_REGIONS];
    int n = memmap_regions(m, r);
    EXPECT_EQ(t, n, 8);
    EXPECT(t, r[6].base == 0x100000000ull && r[6].len == 0x40000000ull && r[6].type == 1);
    EXPECT(t, phys_ptr(m, 0x100000000ull, 8) == m->ram + 0xC0000000ull);
    EXPECT(t, phys_ptr(m, 0x13FFFFFF8ull, 8) != NULL);
    EXPECT(t, phys_ptr(m, 0x13FFFFFFCull, 8) == NULL);
    EXPECT(t, phys_ptr(m, 0xBFFFFFF8ull, 8) != NULL);
    EXPECT(t, phys_ptr(m, 0xC0000000ull, 1) == NULL);
    phys_write(m, 0x100000010ull, 4, 0xcafef00d);
    EXPECT_EQ(t, phys_read(m, 0x100000010ull, 4), 0xcafef00d);
    EXPECT_EQ(t, phys_read(m, 0xF0000000ull, 4), 0xffffffff);
    EXPECT_EQ(t, phys_read(m, 0x140000000ull, 8), ~0ull);
    EXPECT_EQ(t, phys_page_index(m, 0x100000000ull), 0xC0000000ull >> 12);
    machine_free_board(m);
}

/* The split below 4 GiB, QEMU 7.2's rules: pc_piix.c pc_init1 and
 * pc_q35.c pc_q35_init, with and without max-ram-below-4g. */
static void memmap_split_rules_of_pc_and_q35(struct tcase *t)
{
    static const struct {
        enum machine_type type;
        uint64_t ram, max, below;
    } c[] = {
        { MACHINE_PC, 128ull << 20, 0, 128ull << 20 },
        { MACHINE_PC, 3ull << 30, 0, 3ull << 30 },
        { MACHINE_PC, 0xDFFFE000ull, 0, 0xDFFFE000ull },       /* just under 3.5 GiB */
        { MACHINE_PC, 0xE0000000ull, 0, 0xC0000000ull },       /* 3.5 GiB: split at 3 */
        { MACHINE_PC, 4ull << 30, 0, 0xC0000000ull },
        { MACHINE_PC, 4ull << 30, 2ull << 30, 2ull << 30 },    /* max-ram-below-4g=2G */
        { MACHINE_PC, 3968ull << 20, 4ull << 30, 3968ull << 20 },   /* QEMU's own example */
        { MACHINE_PC, 4ull << 30, 4ull << 30, 0xC0000000ull },
        { MACHINE_Q35, 128ull << 20, 0, 128ull << 20 },
        { MACHINE_Q35, 0xAFFFE000ull, 0, 0xAFFFE000ull },      /* just under 2.75 GiB */
        { MACHINE_Q35, 0xB0000000ull, 0, 0x80000000ull },      /* 2.75 GiB: split at 2 */
        { MACHINE_Q35, 3ull << 30, 0, 0x80000000ull },
        { MACHINE_Q35, 4ull << 30, 0, 0x80000000ull },
        { MACHINE_Q35, 3ull << 30, 1ull << 30, 1ull << 30 },
        { MACHINE_Q35, 2ull << 30, 4ull << 30, 2ull << 30 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        uint64_t got = memmap_below_4g(c[i].type, c[i].ram, c[i].max);
        if (got != c[i].below && !t->failed) {
            t->failed = true;
            snprintf(t->why, sizeof t->why, "case %zu: %#llx below 4 GiB, expected %#llx", i,
                     (unsigned long long)got, (unsigned long long)c[i].below);
        }
    }
}

static struct machine *board_cfg(enum machine_type type, uint64_t ram, uint64_t max_below)
{
    char err[200];
    struct machine_config cfg = { .ram = ram, .type = type, .max_ram_below_4g = max_below };
    return machine_new_board_config(&cfg, err, sizeof err);
}

/* The E820 maps QEMU 7.2 + SeaBIOS 1.16 give a multiboot kernel, as
 * measured (base, end, type per line; entries in ascending order). */
static void memmap_is_qemus_for_pc_and_q35(struct tcase *t)
{
    static const struct {
        enum machine_type type;
        uint64_t ram;
        int n;
        uint64_t r[10][3];
    } c[] = {
        { MACHINE_PC, 3ull << 30, 7, {
            { 0, 0x9fc00, 1 }, { 0x9fc00, 0xa0000, 2 }, { 0xf0000, 0x100000, 2 },
            { 0x100000, 0xbffe0000, 1 }, { 0xbffe0000, 0xc0000000, 2 },
            { 0xfffc0000, 0x100000000, 2 }, { 0xfd00000000, 0x10000000000, 2 } } },
        { MACHINE_PC, 4ull << 30, 8, {
            { 0, 0x9fc00, 1 }, { 0x9fc00, 0xa0000, 2 }, { 0xf0000, 0x100000, 2 },
            { 0x100000, 0xbffe0000, 1 }, { 0xbffe0000, 0xc0000000, 2 },
            { 0xfffc0000, 0x100000000, 2 }, { 0x100000000, 0x140000000, 1 },
            { 0xfd00000000, 0x10000000000, 2 } } },
        { MACHINE_Q35, 128ull << 20, 9, {
            { 0, 0x9fc00, 1 }, { 0x9fc00, 0xa0000, 2 }, { 0xf0000, 0x100000, 2 },
            { 0x100000, 0x7fe0000, 1 }, { 0x7fe0000, 0x8000000, 2 },
            { 0xb0000000, 0xc0000000, 2 }, { 0xfed1c000, 0xfed20000, 2 },
            { 0xfffc0000, 0x100000000, 2 }, { 0xfd00000000, 0x10000000000, 2 } } },
        { MACHINE_Q35, 3ull << 30, 10, {
            { 0, 0x9fc00, 1 }, { 0x9fc00, 0xa0000, 2 }, { 0xf0000, 0x100000, 2 },
            { 0x100000, 0x7ffe0000, 1 }, { 0x7ffe0000, 0x80000000, 2 },
            { 0xb0000000, 0xc0000000, 2 }, { 0xfed1c000, 0xfed20000, 2 },
            { 0xfffc0000, 0x100000000, 2 }, { 0x100000000, 0x140000000, 1 },
            { 0xfd00000000, 0x10000000000, 2 } } },
        { MACHINE_Q35, 4ull << 30, 10, {
            { 0, 0x9fc00, 1 }, { 0x9fc00, 0xa0000, 2 }, { 0xf0000, 0x100000, 2 },
            { 0x100000, 0x7ffe0000, 1 }, { 0x7ffe0000, 0x80000000, 2 },
            { 0xb0000000, 0xc0000000, 2 }, { 0xfed1c000, 0xfed20000, 2 },
            { 0xfffc0000, 0x100000000, 2 }, { 0x100000000, 0x180000000, 1 },
            { 0xfd00000000, 0x10000000000, 2 } } },
        /* -m 1.1M: too little above 1 MiB for SeaBIOS's tables */
        { MACHINE_PC, 0x11a000, 6, {
            { 0, 0x9fc00, 1 }, { 0x9fc00, 0xa0000, 2 }, { 0xf0000, 0x100000, 2 },
            { 0x100000, 0x11a000, 1 }, { 0xfffc0000, 0x100000000, 2 },
            { 0xfd00000000, 0x10000000000, 2 } } },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct machine *m = board_cfg(c[i].type, c[i].ram, 0);
        EXPECT(t, m != NULL);
        if (!m)
            return;
        struct mem_region r[MEMMAP_MAX_REGIONS];
        int n = memmap_regions(m, r);
        bool same = n == c[i].n;
        for (int k = 0; same && k < n; k++)
            same = r[k].base == c[i].r[k][0] && r[k].base + r[k].len == c[i].r[k][1] &&
                   r[k].type == c[i].r[k][2];
        if (!same && !t->failed) {
            t->failed = true;
            snprintf(t->why, sizeof t->why, "case %zu: %d regions, differs from QEMU's", i, n);
        }
        machine_free_board(m);
    }
}

static void memmap_refuses_ram_over_the_ioapic(struct tcase *t)
{
    char err[200] = "";
    struct machine_config cfg = { .ram = 4080ull << 20, .max_ram_below_4g = 4ull << 30 };
    EXPECT(t, machine_new_board_config(&cfg, err, sizeof err) == NULL);
    EXPECT(t, strstr(err, "max-ram-below-4g") != NULL);
    cfg.max_ram_below_4g = (2ull << 30) + 1;   /* not page-aligned */
    cfg.ram = 4ull << 30;
    EXPECT(t, machine_new_board_config(&cfg, err, sizeof err) == NULL);
}

static void memmap_rejects_bad_sizes(struct tcase *t)
{
    char err[200] = "";
    EXPECT(t, machine_new_board(0, false, err, sizeof err) == NULL);
    EXPECT(t, err[0] != '\0');
    EXPECT(t, machine_new_board(MEM_MAX_RAM + 1, false, err, sizeof err) == NULL);
}

/* ---- guest-physical access ---- */

static void phys_ram_is_little_endian(struct tcase *t)
{
    struct machine *m = board(2 << 20, false);
    phys_write(m, 0x1000, 8, 0x0102030405060708ull);
    EXPECT_EQ(t, m->ram[0x1000], 0x08);
    EXPECT_EQ(t, m->ram[0x1007], 0x01);
    EXPECT_EQ(t, phys_read(m, 0x1000, 2), 0x0708);
    EXPECT_EQ(t, phys_read(m, 0x1004, 4), 0x01020304);
    EXPECT(t, phys_ptr(m, 0x1000, 8) == m->ram + 0x1000);
    machine_free_board(m);
}

static void phys_vga_window_is_a_hole(struct tcase *t)
{
    struct machine *m = board(2 << 20, false);
    phys_write(m, 0xA0000, 4, 0);
    phys_write(m, 0xBFFFC, 4, 0);
    EXPECT_EQ(t, phys_read(m, 0xA0000, 1), 0xff);
    EXPECT_EQ(t, phys_read(m, 0xA0000, 2), 0xffff);
    EXPECT_EQ(t, phys_read(m, 0xB8000, 4), 0xffffffff);
    EXPECT_EQ(t, phys_read(m, 0xBFFF8, 8), ~0ull);
    EXPECT_EQ(t, m->ram[0xA0000], 0);   /* the write did not reach RAM */
    EXPECT(t, phys_ptr(m, 0xA0000, 1) == NULL);
    EXPECT(t, phys_ptr(m, 0x9FFFF, 2) == NULL);
    EXPECT(t, phys_ptr(m, 0x9FFFF, 1) != NULL);
    EXPECT(t, phys_ptr(m, 0x9F000, 0x1000) != NULL);
    EXPECT(t, phys_ptr(m, 0xBF000, 0x1000) == NULL);
    EXPECT_EQ(t, phys_page_index(m, 0xA0000), -1);
    /* straddling RAM and the hole: RAM bytes read, hole bytes all-ones */
    phys_write(m, 0x9FFFE, 2, 0x4241);
    EXPECT_EQ(t, phys_read(m, 0x9FFFE, 4), 0xffff4241);
    machine_free_board(m);
}

static void phys_rom_area_is_ram(struct tcase *t)
{
    struct machine *m = board(2 << 20, false);
    phys_write(m, 0xC0000, 4, 0x11223344);
    phys_write(m, 0xFFFFC, 4, 0x55667788);
    EXPECT_EQ(t, phys_read(m, 0xC0000, 4), 0x11223344);
    EXPECT_EQ(t, phys_read(m, 0xFFFFC, 4), 0x55667788);
    EXPECT(t, phys_ptr(m, 0xC0000, 0x40000) != NULL);
    machine_free_board(m);
}

static void phys_beyond_ram_reads_all_ones(struct tcase *t)
{
    struct machine *m = board(2 << 20, false);
    phys_write(m, 0x200000, 4, 0);
    EXPECT_EQ(t, phys_read(m, 0x200000, 4), 0xffffffff);
    EXPECT_EQ(t, phys_read(m, 0xFFFFFFF0ull, 8), ~0ull);
    EXPECT_EQ(t, phys_read(m, 0x1FFFFE, 4), 0xffff0000);
    EXPECT(t, phys_ptr(m, 0x1FFFFF, 2) == NULL);
    EXPECT(t, !phys_copy_in(m, 0x1FF000, "x", 0x2000));
    machine_free_board(m);
}

static void phys_mmio_goes_to_the_bus(struct tcase *t)
{
    struct machine *m = board(2 << 20, false);
    struct recorder r = { 0 };
    bus_add_mmio(&m->bus, 0xFEE00000ull, 0x1000, rec_read, rec_write, &r);
    EXPECT_EQ(t, phys_read(m, 0xFEE00030ull, 4), 0x55667788);
    EXPECT_EQ(t, r.off, 0x30);
    EXPECT_EQ(t, r.size, 4);
    phys_write(m, 0xFEE000B0ull, 4, 0);
    EXPECT_EQ(t, r.off, 0xB0);
    EXPECT_EQ(t, r.nout, 1);
    machine_free_board(m);
}

static void phys_write_invalidates_decoded_code(struct tcase *t)
{
    struct machine *m = board(2 << 20, false);
    m->code_bits[0x100] = 1;
    uint32_t gen = m->page_gen[0x100];
    phys_write(m, 0x100800, 1, 0x90);
    EXPECT_EQ(t, m->page_gen[0x100], gen + 1);
    EXPECT_EQ(t, m->code_bits[0x100], 0);
    m->code_bits[0x101] = 1;
    EXPECT(t, phys_copy_in(m, 0x100ff0, "0123456789abcdefghij", 20));
    EXPECT_EQ(t, m->page_gen[0x101], 1);
    machine_free_board(m);
}

/* ---- exit devices and status ---- */

static void debugexit_status_is_value_shifted_or_one(struct tcase *t)
{
    struct machine *m = board(2 << 20, true);
    EXPECT(t, m->debugexit != NULL);
    EXPECT_EQ(t, bus_in(&m->bus, 0xf4, 1), 0);
    bus_out(&m->bus, 0xf4, 1, 0x10);
    EXPECT_EQ(t, m->exit_kind, MEXIT_DEBUG_PORT);
    EXPECT(t, m->stop);
    EXPECT_EQ(t, m->exit_value, 0x10);
    EXPECT_EQ(t, machine_exit_status(m), 0x21);
    machine_free_board(m);
    m = board(2 << 20, true);
    bus_out(&m->bus, 0xf6, 2, 0);   /* any port of the four, any size */
    EXPECT_EQ(t, machine_exit_status(m), 1);
    machine_free_board(m);
    m = board(2 << 20, true);
    bus_out(&m->bus, 0xf4, 4, 0x7f);
    EXPECT_EQ(t, machine_exit_status(m) & 0xff, 0xff);
    machine_free_board(m);
}

static void exit_status_per_ending(struct tcase *t)
{
    {
        struct machine r = { 0 };
        machine_request_exit(&r, MEXIT_RESET, 0);
        EXPECT_EQ(t, machine_exit_status(&r), 0);
    }
    struct machine m = { 0 };
    EXPECT_EQ(t, machine_exit_status(&m), 2);
    machine_request_exit(&m, MEXIT_TRIPLE, 0);
    EXPECT_EQ(t, machine_exit_status(&m), 3);
    machine_request_exit(&m, MEXIT_SHUTDOWN, 0);   /* first request wins */
    EXPECT_EQ(t, m.exit_kind, MEXIT_TRIPLE);
    m = (struct machine){ 0 };
    machine_request_exit(&m, MEXIT_HALTED, 0);
    EXPECT_EQ(t, machine_exit_status(&m), 4);
    m = (struct machine){ 0 };
    machine_request_exit(&m, MEXIT_SHUTDOWN, 0);
    EXPECT_EQ(t, machine_exit_status(&m), 0);
    m = (struct machine){ 0 };
    machine_request_exit(&m, MEXIT_DEBUG_PORT, 3);
    EXPECT_EQ(t, machine_exit_status(&m), 7);
}

static void out_string(struct machine *m, const char *s)
{
    for (; *s; s++)
        bus_out(&m->bus, 0x8900, 1, (uint8_t)*s);
}

static void shutdown_port_needs_the_whole_word(struct tcase *t)
{
    struct machine *m = board(2 << 20, true);
    out_string(m, "Shutdow");
    EXPECT_EQ(t, m->exit_kind, MEXIT_NONE);
    out_string(m, "xn");   /* another byte starts again */
    EXPECT_EQ(t, m->exit_kind, MEXIT_NONE);
    out_string(m, "ShutSdown");   /* a letter out of place is ignored (Bochs) */
    EXPECT_EQ(t, m->exit_kind, MEXIT_SHUTDOWN);
    EXPECT_EQ(t, machine_exit_status(m), 0);
    EXPECT_EQ(t, bus_in(&m->bus, 0x8900, 1), 0xff);
    machine_free_board(m);
}

static void standard_devices_are_on_the_bus(struct tcase *t)
{
    struct machine *m = board(2 << 20, true);
    EXPECT(t, m->com1 && m->debugexit && m->shutdown);
    EXPECT_EQ(t, bus_in(&m->bus, 0x3fd, 1), 0x60);   /* COM1 LSR */
    EXPECT_EQ(t, bus_in(&m->bus, 0x2fd, 1), 0xff);   /* no COM2 */
    machine_free_board(m);
    m = board(2 << 20, false);
    EXPECT(t, !m->com1 && m->bus.nports == 0);
    EXPECT(t, m->trace == stderr);
    machine_free_board(m);
}

static void two_machines_are_independent(struct tcase *t)
{
    struct machine *a = board(2 << 20, true), *b = board(2 << 20, true);
    phys_write(a, 0x5000, 4, 0xaaaaaaaa);
    EXPECT_EQ(t, phys_read(b, 0x5000, 4), 0);
    bus_out(&a->bus, 0xf4, 1, 1);
    EXPECT(t, a->stop && !b->stop);
    machine_free_board(a);
    machine_free_board(b);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(bus_dispatches_to_the_claimed_range),
        TEST(bus_unclaimed_ports_read_all_ones),
        TEST(bus_rejects_overlapping_ranges),
        TEST(bus_splits_an_access_across_ranges),
        TEST(bus_finds_mmio_ranges),
        TEST(memmap_small_machine),
        TEST(memmap_ram_above_3_5g_moves_to_4g),
        TEST(memmap_split_rules_of_pc_and_q35),
        TEST(memmap_is_qemus_for_pc_and_q35),
        TEST(memmap_refuses_ram_over_the_ioapic),
        TEST(memmap_rejects_bad_sizes),
        TEST(phys_ram_is_little_endian),
        TEST(phys_vga_window_is_a_hole),
        TEST(phys_rom_area_is_ram),
        TEST(phys_beyond_ram_reads_all_ones),
        TEST(phys_mmio_goes_to_the_bus),
        TEST(phys_write_invalidates_decoded_code),
        TEST(debugexit_status_is_value_shifted_or_one),
        TEST(exit_status_per_ending),
        TEST(shutdown_port_needs_the_whole_word),
        TEST(standard_devices_are_on_the_bus),
        TEST(two_machines_are_independent),
    };
    return RUN_TESTS(tests);
}
