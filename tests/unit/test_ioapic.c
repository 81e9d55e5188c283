/* Unit tests of the I/O APIC: registers through MMIO, edge and level
 * delivery to the local APICs (physical and logical destinations), remote
 * IRR and the LAPIC's EOI broadcast (TMR), NMI, and the ISA IRQ wiring of
 * the MADT (IRQ 0 -> GSI 2) with pc-testdev lines 16-23 on GSIs 16-23. */
#include "cpu/cpu.h"
#include "dev/ioapic.h"
#include "dev/lapic.h"
#include "dev/pic8259.h"
#include "machine/machine.h"
#include "test_check.h"

static struct machine *smp2(void)
{
    char err[200];
    struct machine_config cfg = { .ram = 16 << 20, .devices = true, .no_com1 = true, .ncpu = 2 };
    return machine_new_config(&cfg, err, sizeof err);
}

static bool irr(struct lapic *a, int v) { return lapic_read(a, LAPIC_IRR + 0x10 * (v >> 5)) >> (v & 31) & 1; }
static bool tmr(struct lapic *a, int v) { return lapic_read(a, LAPIC_TMR + 0x10 * (v >> 5)) >> (v & 31) & 1; }

static uint32_t mmio_rd(struct machine *m, uint32_t reg)
{
    phys_write(m, IOAPIC_BASE, 4, reg);
    return (uint32_t)phys_read(m, IOAPIC_BASE + IOAPIC_IOWIN, 4);
}

static void mmio_wr(struct machine *m, uint32_t reg, uint32_t v)
{
    phys_write(m, IOAPIC_BASE, 4, reg);
    phys_write(m, IOAPIC_BASE + IOAPIC_IOWIN, 4, v);
}

static void registers(struct tcase *t)
{
    struct machine *m = smp2();
    EXPECT(t, m && m->ioapic);
    if (!m)
        return;
    EXPECT_EQ(t, mmio_rd(m, 0), 0);
    EXPECT_EQ(t, mmio_rd(m, 1), 0x00170011);
    EXPECT_EQ(t, mmio_rd(m, 2), 0);
    EXPECT_EQ(t, phys_read(m, IOAPIC_BASE, 1), 2);          /* IOREGSEL reads back */
    mmio_wr(m, 0, 0x0f000000);
    EXPECT_EQ(t, mmio_rd(m, 0), 0x0f000000);
    EXPECT_EQ(t, mmio_rd(m, 2), 0x0f000000);                 /* arbitration ID follows */
    mmio_wr(m, 2, 0);
    EXPECT_EQ(t, mmio_rd(m, 2), 0x0f000000);                 /* read-only */
    mmio_wr(m, 1, 0);
    EXPECT_EQ(t, mmio_rd(m, 1), 0x00170011);                 /* read-only */
    for (int i = 0; i < IOAPIC_NPINS; i++)
        EXPECT_EQ(t, mmio_rd(m, 0x10 + 2 * i), IORED_MASK);
    mmio_wr(m, 0x10 + 2 * 5, 0x1ffff);
    EXPECT_EQ(t, mmio_rd(m, 0x10 + 2 * 5), 0x1afff);         /* status, remote IRR read-only */
    mmio_wr(m, 0x11 + 2 * 5, 0xff000000);
    EXPECT_EQ(t, mmio_rd(m, 0x11 + 2 * 5), 0xff000000);
    machine_free(m);
}

static void edge(struct tcase *t)
{
    struct machine *m = smp2();
    struct ioapic *io = m->ioapic;
    struct lapic *a = m->cpu[0]->lapic, *b = m->cpu[1]->lapic;
    ioapic_write_reg(io, 0x10 + 2 * 20, 0x41);               /* fixed, physical 0 */
    ioapic_set_irq(io, 20, true);
    EXPECT(t, irr(a, 0x41) && !irr(b, 0x41) && !tmr(a, 0x41));
    EXPECT(t, !(ioapic_read_reg(io, 0x10 + 2 * 20) & IORED_REMOTE_IRR));
    lapic_intr_ack(a);
    lapic_write(a, LAPIC_EOI, 0);
    ioapic_set_irq(io, 20, true);                            /* still high: no edge */
    EXPECT(t, !irr(a, 0x41));
    ioapic_set_irq(io, 20, false);
    ioapic_set_irq(io, 20, true);
    EXPECT(t, irr(a, 0x41));
    ioapic_set_irq(io, 20, false);
    /* Physical ID 1; broadcast 0xFF; masked. */
    ioapic_write_reg(io, 0x11 + 2 * 20, 1u << 24);
    ioapic_write_reg(io, 0x10 + 2 * 20, 0x42);
    ioapic_set_irq(io, 20, true);
    ioapic_set_irq(io, 20, false);
    EXPECT(t, irr(b, 0x42) && !irr(a, 0x42));
    ioapic_write_reg(io, 0x11 + 2 * 20, 0xffu << 24);
    ioapic_write_reg(io, 0x10 + 2 * 20, 0x43);
    ioapic_set_irq(io, 20, true);
    ioapic_set_irq(io, 20, false);
    EXPECT(t, irr(a, 0x43) && irr(b, 0x43));
    ioapic_write_reg(io, 0x10 + 2 * 20, 0x44 | IORED_MASK);
    ioapic_set_irq(io, 20, true);
    ioapic_set_irq(io, 20, false);
    EXPECT(t, !irr(a, 0x44) && !irr(b, 0x44));
    /* Logical, flat: LDR bit 1 on CPU 1 only. */
    lapic_write(b, LAPIC_LDR, 0x02000000);
    ioapic_write_reg(io, 0x11 + 2 * 20, 0x02u << 24);
    ioapic_write_reg(io, 0x10 + 2 * 20, 0x45 | IORED_DESTMODE);
    ioapic_set_irq(io, 20, true);
    ioapic_set_irq(io, 20, false);
    EXPECT(t, irr(b, 0x45) && !irr(a, 0x45));
    /* NMI. */
    ioapic_write_reg(io, 0x11 + 2 * 20, 0);
    ioapic_write_reg(io, 0x10 + 2 * 20, 4u << IORED_DM_SHIFT);
    ioapic_set_irq(io, 20, true);
    EXPECT(t, m->cpu[0]->nmi_pending);
    machine_free(m);
}

static void level(struct tcase *t)
{
    struct machine *m = smp2();
    struct ioapic *io = m->ioapic;
    struct lapic *a = m->cpu[0]->lapic;
    ioapic_write_reg(io, 0x10 + 2 * 17, 0x51 | IORED_LEVEL);
    ioapic_set_irq(io, 17, true);
    EXPECT(t, irr(a, 0x51) && tmr(a, 0x51));
    EXPECT(t, ioapic_read_reg(io, 0x10 + 2 * 17) & IORED_REMOTE_IRR);
    EXPECT_EQ(t, lapic_intr_ack(a), 0x51);
    ioapic_set_irq(io, 17, true);                            /* held by remote IRR */
    EXPECT(t, !irr(a, 0x51));
    lapic_write(a, LAPIC_EOI, 0);                            /* still asserted: again */
    EXPECT(t, irr(a, 0x51) && tmr(a, 0x51));
    EXPECT(t, ioapic_read_reg(io, 0x10 + 2 * 17) & IORED_REMOTE_IRR);
    EXPECT_EQ(t, lapic_intr_ack(a), 0x51);
    ioapic_set_irq(io, 17, false);
    lapic_write(a, LAPIC_EOI, 0);
    EXPECT(t, !irr(a, 0x51) && tmr(a, 0x51));                /* TMR kept until the next acceptance */
    EXPECT(t, !(ioapic_read_reg(io, 0x10 + 2 * 17) & IORED_REMOTE_IRR));
    /* Unmasking with the line asserted delivers. */
    ioapic_write_reg(io, 0x10 + 2 * 17, 0x52 | IORED_LEVEL | IORED_MASK);
    ioapic_set_irq(io, 17, true);
    EXPECT(t, !irr(a, 0x52));
    ioapic_write_reg(io, 0x10 + 2 * 17, 0x52 | IORED_LEVEL);
    EXPECT(t, irr(a, 0x52));
    /* The EOI of a vector last accepted edge-triggered (TMR clear) is not
     * broadcast. */
    ioapic_set_irq(io, 17, false);
    EXPECT_EQ(t, lapic_intr_ack(a), 0x52);
    lapic_write(a, LAPIC_EOI, 0);
    EXPECT(t, !(ioapic_read_reg(io, 0x10 + 2 * 17) & IORED_REMOTE_IRR) && !irr(a, 0x52));
    ioapic_set_irq(io, 17, true);
    EXPECT(t, (ioapic_read_reg(io, 0x10 + 2 * 17) & IORED_REMOTE_IRR) && tmr(a, 0x52));
    lapic_accept(a, 0x52);
    EXPECT(t, !tmr(a, 0x52));
    EXPECT_EQ(t, lapic_intr_ack(a), 0x52);
    lapic_write(a, LAPIC_EOI, 0);
    EXPECT(t, ioapic_read_reg(io, 0x10 + 2 * 17) & IORED_REMOTE_IRR);
    machine_free(m);
}

static void isa_wiring(struct tcase *t)
{
    struct machine *m = smp2();
    struct ioapic *io = m->ioapic;
    struct lapic *a = m->cpu[0]->lapic;
    ioapic_write_reg(io, 0x10 + 2 * 2, 0x60);                /* GSI 2: the PIT's IRQ 0 */
    ioapic_write_reg(io, 0x10 + 2 * 0, 0x61);
    machine_set_isa_irq(m, 0, true);
    machine_set_isa_irq(m, 0, false);
    EXPECT(t, irr(a, 0x60) && !irr(a, 0x61));
    EXPECT(t, m->pic->chip[0].irr & 1);                      /* and the 8259 */
    ioapic_write_reg(io, 0x10 + 2 * 4, 0x62);
    machine_set_isa_irq(m, 4, true);
    EXPECT(t, irr(a, 0x62));
    ioapic_write_reg(io, 0x10 + 2 * 18, 0x63);               /* pc-testdev line 18 */
    bus_out(&m->bus, 0x2012, 1, 1);
    EXPECT(t, irr(a, 0x63));
    ioapic_write_reg(io, 0x10 + 2 * 14, 0x64 | IORED_LEVEL); /* line 14: ISA IRQ 14 */
    bus_out(&m->bus, 0x200e, 1, 1);
    EXPECT(t, irr(a, 0x64) && (m->pic->chip[1].irr & (1 << 6)));
    machine_free(m);
}

int main(void)
{
    static const struct test tests[] = { TEST(registers), TEST(edge), TEST(level), TEST(isa_wiring) };
    return RUN_TESTS(tests);
}
