/* Unit tests of pc-testdev (QEMU hw/misc/pc-testdev.c): the data register
 * at every size and offset, its byte port, the IRQ line ports driving the
 * 8259, and the scratch MMIO. Through the buses of a board without CPUs. */
#include <string.h>

#include "dev/pic8259.h"
#include "dev/testdev.h"
#include "machine/machine.h"
#include "test_check.h"

static struct machine *board(void)
{
    char err[200];
    struct machine_config cfg = { .ram = 128 << 20, .devices = true, .no_com1 = true, .ncpu = 1 };
    return machine_new_board_config(&cfg, err, sizeof err);
}

static void data_register(struct tcase *t)
{
    struct machine *m = board();
    struct bus *b = &m->bus;
    bus_out(b, 0xe0, 4, 0x12345678);
    EXPECT_EQ(t, bus_in(b, 0xe0, 4), 0x12345678);
    EXPECT_EQ(t, bus_in(b, 0xe2, 2), 0x1234);
    EXPECT_EQ(t, bus_in(b, 0xe1, 2), 0x3456);
    EXPECT_EQ(t, bus_in(b, 0xe3, 1), 0x12);
    EXPECT_EQ(t, bus_in(b, 0xe2, 4), 0x1234);        /* bytes past the register: 0 */
    bus_out(b, 0xe1, 1, 0xab);
    bus_out(b, 0xe2, 2, 0xcdef);
    EXPECT_EQ(t, bus_in(b, 0xe0, 4), 0xcdefab78);
    EXPECT_EQ(t, bus_in(b, 0xe8, 4), 0xcdefab78);    /* byte port, split */
    bus_out(b, 0xeb, 1, 0x11);
    EXPECT_EQ(t, bus_in(b, 0xe0, 4), 0x11efab78);
    EXPECT_EQ(t, bus_in(b, 0xe4, 4), 0);             /* flush-page reads 0 */
    bus_out(b, 0xe4, 4, 0x100000);
    machine_free_board(m);
}

static void irq_lines(struct tcase *t)
{
    struct machine *m = board();
    struct bus *b = &m->bus;
    bus_out(b, 0x2000 + 5, 1, 1);
    EXPECT_EQ(t, m->pic->chip[0].irr & (1 << 5), 1 << 5);
    bus_out(b, 0x2000 + 5, 1, 0);
    bus_out(b, 0x2000 + 10, 1, 1);
    EXPECT_EQ(t, m->pic->chip[1].irr & (1 << 2), 1 << 2);
    bus_out(b, 0x2000 + 20, 1, 1);                   /* GSI 20: the I/O APIC only */
    EXPECT_EQ(t, bus_in(b, 0x2000 + 5, 1), 0);
    machine_free_board(m);
}

static void iomem(struct tcase *t)
{
    struct machine *m = board();
    phys_write(m, TESTDEV_IOMEM_BASE + 0x10, 8, 0x1122334455667788ull);
    phys_write(m, TESTDEV_IOMEM_BASE + 0x11, 1, 0xaa);
    EXPECT_EQ(t, phys_read(m, TESTDEV_IOMEM_BASE + 0x10, 8), 0x112233445566aa88ull);
    EXPECT_EQ(t, phys_read(m, TESTDEV_IOMEM_BASE + 0x12, 2), 0x5566);
    phys_write(m, TESTDEV_IOMEM_BASE + 0xfffc, 4, 0xdeadbeef);
    EXPECT_EQ(t, phys_read(m, TESTDEV_IOMEM_BASE + 0xfffc, 4), 0xdeadbeef);
    machine_free_board(m);
}

int main(void)
{
    static const struct test tests[] = { TEST(data_register), TEST(irq_lines), TEST(iomem) };
    return RUN_TESTS(tests);
}
