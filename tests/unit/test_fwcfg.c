/* Unit tests of fw_cfg's legacy port interface (QEMU docs/specs/fw_cfg.txt):
 * the signature, ID, RAM size, CPU counts, the file directory with
 * etc/e820, zeros past the end and for absent items, and a selector write
 * restarting the offset. Through the port bus of a board without CPUs. */
#include <string.h>

#include "dev/fwcfg.h"
#include "machine/machine.h"
#include "test_check.h"

static struct machine *board(uint64_t ram, int ncpu)
{
    char err[200];
    struct machine_config cfg = { .ram = ram, .devices = true, .no_com1 = true, .ncpu = ncpu };
    return machine_new_board_config(&cfg, err, sizeof err);
}

static uint64_t item_le(struct machine *m, uint16_t key, int n)
{
    bus_out(&m->bus, FWCFG_PORT_SEL, 2, key);
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)bus_in(&m->bus, FWCFG_PORT_DATA, 1) << (8 * i);
    return v;
}

static uint64_t next_be(struct machine *m, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | bus_in(&m->bus, FWCFG_PORT_DATA, 1);
    return v;
}

static void signature_and_id(struct tcase *t)
{
    struct machine *m = board(128 << 20, 1);
    EXPECT_EQ(t, item_le(m, FW_CFG_SIGNATURE, 4), 0x554d4551);   /* "QEMU" */
    EXPECT_EQ(t, item_le(m, FW_CFG_SIGNATURE, 5), 0x554d4551);   /* 0 past the end */
    EXPECT_EQ(t, item_le(m, FW_CFG_ID, 4), 1);
    EXPECT_EQ(t, item_le(m, FW_CFG_CMDLINE_SIZE, 4), 0);         /* absent, as on QEMU */
    bus_out(&m->bus, FWCFG_PORT_SEL, 2, FW_CFG_SIGNATURE);
    EXPECT_EQ(t, bus_in(&m->bus, FWCFG_PORT_DATA, 1), 'Q');
    EXPECT_EQ(t, bus_in(&m->bus, FWCFG_PORT_DATA, 1), 'E');
    bus_out(&m->bus, FWCFG_PORT_SEL, 2, FW_CFG_SIGNATURE);       /* restarts */
    EXPECT_EQ(t, bus_in(&m->bus, FWCFG_PORT_DATA, 1), 'Q');
    machine_free_board(m);
}

static void ram_and_cpus(struct tcase *t)
{
    struct machine *m = board(128 << 20, 1);
    EXPECT_EQ(t, item_le(m, FW_CFG_RAM_SIZE, 8), 128 << 20);
    EXPECT_EQ(t, item_le(m, FW_CFG_NB_CPUS, 2), 1);
    EXPECT_EQ(t, item_le(m, FW_CFG_MAX_CPUS, 2), 1);
    machine_free_board(m);
    m = board(5ull << 30, 2);
    EXPECT_EQ(t, item_le(m, FW_CFG_RAM_SIZE, 8), 5ull << 30);
    EXPECT_EQ(t, item_le(m, FW_CFG_NB_CPUS, 2), 2);
    EXPECT_EQ(t, item_le(m, FW_CFG_MAX_CPUS, 2), 2);
    machine_free_board(m);
}

static void file_dir(struct tcase *t)
{
    struct machine *m = board(5ull << 30, 1);
    bus_out(&m->bus, FWCFG_PORT_SEL, 2, FW_CFG_FILE_DIR);
    EXPECT_EQ(t, next_be(m, 4), 1);
    EXPECT_EQ(t, next_be(m, 4), 40);                /* size: two e820 entries */
    uint16_t key = (uint16_t)next_be(m, 2);
    EXPECT_EQ(t, key, FW_CFG_FILE_FIRST);
    next_be(m, 2);
    char name[57] = { 0 };
    for (int i = 0; i < 56; i++)
        name[i] = (char)bus_in(&m->bus, FWCFG_PORT_DATA, 1);
    EXPECT_STR(t, name, "etc/e820");
    EXPECT_EQ(t, bus_in(&m->bus, FWCFG_PORT_DATA, 1), 0);   /* past the end */
    bus_out(&m->bus, FWCFG_PORT_SEL, 2, key);
    uint64_t a = 0, l = 0, ty = 0;
    for (int i = 0; i < 8; i++) a |= (uint64_t)bus_in(&m->bus, FWCFG_PORT_DATA, 1) << 8 * i;
    for (int i = 0; i < 8; i++) l |= (uint64_t)bus_in(&m->bus, FWCFG_PORT_DATA, 1) << 8 * i;
    for (int i = 0; i < 4; i++) ty |= (uint64_t)bus_in(&m->bus, FWCFG_PORT_DATA, 1) << 8 * i;
    EXPECT_EQ(t, a, 0);
    EXPECT_EQ(t, l, m->ram_below_4g);
    EXPECT_EQ(t, ty, 1);
    machine_free_board(m);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(signature_and_id), TEST(ram_and_cpus), TEST(file_dir),
    };
    return RUN_TESTS(tests);
}
