/* Unit tests of the CPUs' clocks (emu/machine/clock.h): a halted CPU's
 * clock moves to the time a message wakes it; a TSC read is never behind
 * one another CPU made (the reader stalls); PAUSE ends a CPU's turn only
 * while another CPU can run. */
#include "cpu/cpu.h"
#include "cpu/sysreg.h"
#include "dev/lapic.h"
#include "machine/machine.h"
#include "test_check.h"

static struct machine *smp2(void)
{
    char err[200];
    struct machine_config cfg = { .ram = 16 << 20, .devices = true, .no_com1 = true, .ncpu = 2 };
    return machine_new_config(&cfg, err, sizeof err);
}

/* The start-up IPI reaches CPU 1 at CPU 0's time: CPU 1 waited until then. */
static void wake_moves_clock(struct tcase *t)
{
    struct machine *m = smp2();
    struct cpu *c0 = m->cpu[0], *c1 = m->cpu[1];
    c0->icount += 7000;
    m->running = c0;
    EXPECT_EQ(t, clock_now(m), cpu_time(c0));
    EXPECT(t, !machine_others_can_run(m, c0));       /* CPU 1 waits for SIPI */
    lapic_write(c0->lapic, LAPIC_ICR_HI, 1u << 24);
    lapic_write(c0->lapic, LAPIC_ICR_LO, 0x4608);
    EXPECT_EQ(t, cpu_time(c1), cpu_time(c0));
    EXPECT_EQ(t, c1->icount, 0);
    EXPECT(t, machine_others_can_run(m, c0));
    /* A running CPU's clock is not moved by a message. */
    c0->icount += 100;
    lapic_write(c0->lapic, LAPIC_ICR_LO, 0x4400);     /* NMI */
    EXPECT_EQ(t, cpu_time(c1), 7000);
    m->running = NULL;
    EXPECT_EQ(t, clock_now(m), m->clock.now);
    machine_free(m);
}

/* Linux's boot-time TSC warp check, reduced: CPU 0 reads at 5000, then
 * CPU 1 (behind, at 1000) reads and must not see less. */
static void tsc_read_never_behind(struct tcase *t)
{
    struct machine *m = smp2();
    struct cpu *c0 = m->cpu[0], *c1 = m->cpu[1];
    c0->icount = 5000;
    c1->icount = 1000;
    uint64_t a = cpu_read_tsc(c0), b = cpu_read_tsc(c1);
    EXPECT_EQ(t, a, 5000);
    EXPECT_EQ(t, b, 5000);
    EXPECT_EQ(t, c1->icount, 5000);                  /* it stalled until then */
    c1->icount += 10;
    EXPECT_EQ(t, cpu_read_tsc(c1), 5010);            /* ahead: its own clock */
    EXPECT_EQ(t, cpu_read_tsc(c0), 5010);
    /* The TSC offsets (WRMSR to the TSC) stay per CPU. */
    EXPECT(t, msr_write(c1, 0x10, 1));
    EXPECT_EQ(t, cpu_read_tsc(c1), 1);
    machine_free(m);
}

/* PAUSE at 0x1000 (real mode), then HLT. */
static enum cpu_stop run_pause(struct cpu *c)
{
    static const uint8_t code[] = { 0xf3, 0x90, 0xf4 };
    phys_copy_in(c->m, 0x1000, code, sizeof code);
    c->seg[S_CS].sel = 0;
    c->seg[S_CS].base = 0;
    c->rip = 0x1000;
    c->halted = false;
    c->m->running = c;
    enum cpu_stop st = cpu_run(c, c->icount + 100);
    c->m->running = NULL;
    return st;
}

static void pause_yields_only_to_a_cpu_that_can_run(struct tcase *t)
{
    struct machine *m = smp2();
    struct cpu *c0 = m->cpu[0], *c1 = m->cpu[1];
    EXPECT_EQ(t, run_pause(c0), STOP_HLT);           /* CPU 1 waits for SIPI */
    EXPECT_EQ(t, c0->rip, 0x1003);
    c1->lapic->wait_sipi = false;
    c1->halted = false;
    EXPECT_EQ(t, run_pause(c0), STOP_YIELD);
    EXPECT_EQ(t, c0->rip, 0x1002);                   /* after PAUSE */
    EXPECT(t, !c0->yield);
    c1->halted = true;                               /* HLT, IF clear */
    EXPECT_EQ(t, run_pause(c0), STOP_HLT);
    machine_free(m);
}

int main(void)
{
    static const struct test tests[] = { TEST(wake_moves_clock), TEST(tsc_read_never_behind),
                                         TEST(pause_yields_only_to_a_cpu_that_can_run) };
    return RUN_TESTS(tests);
}
