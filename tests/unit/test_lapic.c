/* Unit tests of the local APIC: boot state, priority (TPR/PPR), EOI, the
 * timer on the virtual clock, the 8259 through LINT0, IPIs (fixed,
 * shorthands, INIT and SIPI, lowest priority), errors, and each CPU's
 * register page (relocatable). */
#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "cpu/sysreg.h"
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
static bool isr(struct lapic *a, int v) { return lapic_read(a, LAPIC_ISR + 0x10 * (v >> 5)) >> (v & 31) & 1; }

static void boot_state(struct tcase *t)
{
    struct machine *m = smp2();
    EXPECT(t, m && m->cpu[0]->lapic && m->cpu[1]->lapic);
    if (!m)
        return;
    struct lapic *a = m->cpu[0]->lapic, *b = m->cpu[1]->lapic;
    EXPECT_EQ(t, lapic_read(a, LAPIC_ID), 0);
    EXPECT_EQ(t, lapic_read(b, LAPIC_ID), 1u << 24);
    EXPECT_EQ(t, lapic_read(a, LAPIC_VER), 0x00050014);
    EXPECT_EQ(t, lapic_read(a, LAPIC_SVR), 0x1ff);
    EXPECT_EQ(t, lapic_read(a, LAPIC_LVT_LINT0), 0x8700);
    EXPECT_EQ(t, lapic_read(a, LAPIC_LVT_LINT1), 0x8400);
    EXPECT_EQ(t, lapic_read(a, LAPIC_LVT_TIMER), LVT_MASKED);
    EXPECT_EQ(t, lapic_read(b, LAPIC_SVR), 0xff);
    EXPECT_EQ(t, lapic_read(b, LAPIC_LVT_LINT0), LVT_MASKED);
    EXPECT_EQ(t, lapic_read(a, LAPIC_DFR), 0xffffffffu);
    EXPECT(t, b->wait_sipi && m->cpu[1]->halted);
    machine_free(m);
}

static void priority_and_eoi(struct tcase *t)
{
    struct machine *m = smp2();
    struct cpu *c = m->cpu[0];
    struct lapic *a = c->lapic;
    lapic_write(a, LAPIC_TPR, 0x50);
    EXPECT_EQ(t, lapic_read(a, LAPIC_PPR), 0x50);
    lapic_accept(a, 0x45);
    EXPECT(t, irr(a, 0x45) && !c->intr_line);
    lapic_accept(a, 0x61);
    EXPECT(t, c->intr_line);
    EXPECT_EQ(t, lapic_intr_ack(a), 0x61);
    EXPECT(t, isr(a, 0x61) && !irr(a, 0x61) && !c->intr_line);
    EXPECT_EQ(t, lapic_read(a, LAPIC_PPR), 0x60);
    lapic_write(a, LAPIC_TPR, 0);
    EXPECT(t, !c->intr_line);                 /* 0x45 is below the in-service class */
    lapic_write(a, LAPIC_EOI, 0);
    EXPECT(t, !isr(a, 0x61) && c->intr_line);
    EXPECT_EQ(t, lapic_intr_ack(a), 0x45);
    lapic_write(a, LAPIC_EOI, 0);
    EXPECT_EQ(t, lapic_read(a, LAPIC_PPR), 0);
    /* CR8 is TPR[7:4]. */
    lapic_set_cr8(a, 3);
    EXPECT_EQ(t, lapic_read(a, LAPIC_TPR), 0x30);
    EXPECT_EQ(t, lapic_get_cr8(a), 3);
    /* Vectors 0-15 are illegal: ESR bit 6. */
    lapic_accept(a, 5);
    lapic_write(a, LAPIC_ESR, 0);
    EXPECT_EQ(t, lapic_read(a, LAPIC_ESR), 0x40);
    machine_free(m);
}

static void timer(struct tcase *t)
{
    struct machine *m = smp2();
    struct lapic *a = m->cpu[0]->lapic;
    lapic_write(a, LAPIC_TIMER_DCR, 0xb);            /* divide by 1 */
    lapic_write(a, LAPIC_LVT_TIMER, 0x40);           /* one-shot */
    uint64_t t0 = clock_now(m);
    lapic_write(a, LAPIC_TIMER_ICR, 1000);
    clock_skip_to(m, t0 + 400);
    EXPECT_EQ(t, lapic_read(a, LAPIC_TIMER_CCR), 600);
    EXPECT(t, !irr(a, 0x40));
    clock_skip_to(m, t0 + 1000);
    EXPECT(t, irr(a, 0x40));
    EXPECT_EQ(t, lapic_read(a, LAPIC_TIMER_CCR), 0);
    EXPECT_EQ(t, a->timer_ev.when, CLOCK_NEVER);       /* one-shot: not re-armed */
    EXPECT_EQ(t, lapic_intr_ack(a), 0x40);
    lapic_write(a, LAPIC_EOI, 0);

    /* Periodic, divide by 2: period 200 ns. */
    lapic_write(a, LAPIC_TIMER_DCR, 0x0);
    lapic_write(a, LAPIC_LVT_TIMER, 0x41 | (1u << 17));
    t0 = clock_now(m);
    lapic_write(a, LAPIC_TIMER_ICR, 100);
    int n = 0;
    for (uint64_t k = 1; k <= 5; k++) {
        clock_skip_to(m, t0 + 200 * k);
        if (irr(a, 0x41)) {
            n++;
            lapic_intr_ack(a);
            lapic_write(a, LAPIC_EOI, 0);
        }
    }
    EXPECT_EQ(t, n, 5);
    clock_skip_to(m, t0 + 1100);
    EXPECT_EQ(t, lapic_read(a, LAPIC_TIMER_CCR), 50);
    /* Masked: keeps counting, no interrupt. */
    lapic_write(a, LAPIC_LVT_TIMER, 0x41 | (1u << 17) | LVT_MASKED);
    clock_skip_to(m, t0 + 1600);
    EXPECT(t, !irr(a, 0x41));
    EXPECT(t, !lapic_timer_may_wake(a));
    lapic_write(a, LAPIC_TIMER_ICR, 0);
    EXPECT_EQ(t, a->timer_ev.when, CLOCK_NEVER);
    machine_free(m);
}

static void pic_through_lint0(struct tcase *t)
{
    struct machine *m = smp2();
    struct pic8259 *p = m->pic;
    struct cpu *c = m->cpu[0];
    pic_write(p, 0x20, 0x11); pic_write(p, 0x21, 0x20); pic_write(p, 0x21, 0x04);
    pic_write(p, 0x21, 0x01); pic_write(p, 0x21, 0xfe);
    pic_set_irq(p, 0, true);
    EXPECT(t, c->intr_line);
    lapic_write(c->lapic, LAPIC_LVT_LINT0, 0x8700 | LVT_MASKED);
    EXPECT(t, !c->intr_line);
    lapic_write(c->lapic, LAPIC_LVT_LINT0, 0x8700);
    EXPECT(t, c->intr_line);
    EXPECT_EQ(t, c->intr_ack(c->intr_ctx), 0x20);
    EXPECT(t, !c->intr_line);
    /* Globally disabled APIC: the 8259 goes straight to the CPU. */
    pic_write(p, 0x20, 0x20);
    pic_set_irq(p, 0, false);
    lapic_write(c->lapic, LAPIC_LVT_LINT0, LVT_MASKED);
    c->apic_base &= ~(1ull << 11);
    pic_set_irq(p, 0, true);
    EXPECT(t, c->intr_line);
    EXPECT_EQ(t, c->intr_ack(c->intr_ctx), 0x20);
    machine_free(m);
}

static void ipis(struct tcase *t)
{
    struct machine *m = smp2();
    struct lapic *a = m->cpu[0]->lapic, *b = m->cpu[1]->lapic;
    struct cpu *c1 = m->cpu[1];
    /* A fixed IPI does not wake a CPU waiting for SIPI. */
    lapic_write(a, LAPIC_ICR_HI, 1u << 24);
    lapic_write(a, LAPIC_ICR_LO, 0x4030);
    EXPECT(t, !c1->intr_line);
    lapic_write(a, LAPIC_ICR_LO, 0x4500);            /* INIT */
    EXPECT(t, b->wait_sipi && c1->halted);
    EXPECT_EQ(t, lapic_read(b, LAPIC_IRR + 0x10), 0);
    lapic_write(a, LAPIC_ICR_LO, 0x4608);            /* SIPI vector 8 */
    EXPECT(t, !b->wait_sipi && !c1->halted);
    EXPECT_EQ(t, c1->seg[S_CS].sel, 0x0800);
    EXPECT_EQ(t, c1->seg[S_CS].base, 0x8000);
    EXPECT_EQ(t, c1->rip, 0);
    EXPECT_EQ(t, c1->mode, MODE_REAL);
    lapic_write(a, LAPIC_ICR_LO, 0x4609);            /* ignored now */
    EXPECT_EQ(t, c1->seg[S_CS].sel, 0x0800);
    /* Fixed IPIs: physical destination, then all-excluding-self. */
    lapic_write(b, LAPIC_SVR, 0x1ff);
    lapic_write(a, LAPIC_ICR_LO, 0x4031);
    EXPECT(t, irr(b, 0x31) && c1->intr_line && !irr(a, 0x31));
    lapic_write(a, LAPIC_ICR_LO, 0xC4032);
    EXPECT(t, irr(b, 0x32) && !irr(a, 0x32));
    lapic_write(a, LAPIC_ICR_LO, 0x84033);           /* all including self */
    EXPECT(t, irr(b, 0x33) && irr(a, 0x33));
    lapic_write(b, LAPIC_ICR_LO, 0x44034);           /* self */
    EXPECT(t, irr(b, 0x34) && !irr(a, 0x34));
    EXPECT_EQ(t, lapic_read(a, LAPIC_ICR_LO) & (1u << 12), 0);   /* delivered */
    /* NMI. */
    lapic_write(b, LAPIC_ICR_HI, 0);
    lapic_write(b, LAPIC_ICR_LO, 0x4400);
    EXPECT(t, m->cpu[0]->nmi_pending);
    machine_free(m);
}

/* Each CPU reaches its own APIC through its own accesses to the page
 * IA32_APIC_BASE names; other agents (phys_read: loader, devices) do not. */
static void mmio_per_cpu_and_relocation(struct tcase *t)
{
    struct machine *m = smp2();
    struct cpu *c0 = m->cpu[0], *c1 = m->cpu[1];
    EXPECT_EQ(t, phys_read_one(c1, LAPIC_BASE + LAPIC_ID, 4), 1u << 24);
    EXPECT_EQ(t, phys_read_one(c0, LAPIC_BASE + LAPIC_ID, 4), 0);
    phys_write_one(c0, LAPIC_BASE + LAPIC_TPR, 4, 0x20);
    EXPECT_EQ(t, lapic_read(c0->lapic, LAPIC_TPR), 0x20);
    EXPECT_EQ(t, lapic_read(c1->lapic, LAPIC_TPR), 0);
    EXPECT_EQ(t, phys_read(m, LAPIC_BASE + LAPIC_VER, 4), 0xffffffffu);
    /* Relocated over RAM: CPU 0 sees its registers there, CPU 1 the RAM. */
    phys_write(m, 0x100030, 4, 0x12345678);
    EXPECT(t, msr_write(c0, 0x1b, 0x100000 | (1u << 11) | (1u << 8)));
    EXPECT_EQ(t, phys_read_one(c0, 0x100030, 4), 0x00050014);
    EXPECT_EQ(t, phys_read_one(c1, 0x100030, 4), 0x12345678);
    EXPECT_EQ(t, phys_read_one(c0, LAPIC_BASE + LAPIC_VER, 4), 0xffffffffu);
    phys_write_one(c0, 0x100080, 4, 0x30);
    EXPECT_EQ(t, lapic_read(c0->lapic, LAPIC_TPR), 0x30);
    EXPECT_EQ(t, phys_read(m, 0x100080, 4), 0);          /* RAM untouched */
    /* Globally disabled: the page is gone, the state reset. */
    EXPECT(t, msr_write(c0, 0x1b, 0x100000 | (1u << 8)));
    EXPECT_EQ(t, phys_read_one(c0, 0x100030, 4), 0x12345678);
    /* SDM "x2APIC State Transitions": disabled goes to xAPIC mode only. */
    EXPECT(t, !msr_write(c0, 0x1b, LAPIC_BASE | (1u << 11) | (1u << 10) | (1u << 8)));
    EXPECT(t, msr_write(c0, 0x1b, LAPIC_BASE | (1u << 11) | (1u << 8)));
    EXPECT_EQ(t, lapic_read(c0->lapic, LAPIC_TPR), 0);
    EXPECT_EQ(t, lapic_read(c0->lapic, LAPIC_SVR), 0xff);
    machine_free(m);
}

/* SDM "Arbitration Priority Register", "Lowest Priority Delivery Mode". */
static void lowest_priority(struct tcase *t)
{
    struct machine *m = smp2();
    struct lapic *a = m->cpu[0]->lapic, *b = m->cpu[1]->lapic;
    b->wait_sipi = false;
    m->cpu[1]->halted = false;
    lapic_write(a, LAPIC_TPR, 0x30);
    EXPECT_EQ(t, lapic_read(a, LAPIC_APR), 0x30);
    lapic_accept(a, 0x51);
    EXPECT_EQ(t, lapic_read(a, LAPIC_APR), 0x50);
    struct apic_msg msg = { .dest = 0xff, .dm = DM_LOWEST, .vector = 0x61 };
    lapic_send(m, NULL, &msg);
    EXPECT(t, irr(b, 0x61) && !irr(a, 0x61));          /* B: APR 0 */
    lapic_write(b, LAPIC_TPR, 0x80);
    msg.vector = 0x62;
    lapic_send(m, NULL, &msg);
    EXPECT(t, irr(a, 0x62) && !irr(b, 0x62));          /* A: 0x50 < 0x80 */
    lapic_write(b, LAPIC_TPR, 0x50);
    msg.vector = 0x63;
    lapic_send(m, NULL, &msg);                          /* B: max(5, 6) = 0x60 */
    EXPECT(t, irr(a, 0x63) && !irr(b, 0x63));
    lapic_write(a, LAPIC_TPR, 0x70);
    lapic_write(b, LAPIC_TPR, 0x00);                    /* both 0x60 now: lowest ID */
    msg.vector = 0x64;
    EXPECT_EQ(t, lapic_read(a, LAPIC_APR), 0x70);
    EXPECT_EQ(t, lapic_read(b, LAPIC_APR), 0x60);
    lapic_send(m, NULL, &msg);
    EXPECT(t, irr(b, 0x64));
    machine_free(m);
}

/* SDM "TSC-Deadline Mode" / "APIC Timer": switching between one-shot and
 * periodic keeps the initial count and the running count; an expired
 * one-shot stays at 0. */
static void timer_mode_switch(struct tcase *t)
{
    struct machine *m = smp2();
    struct lapic *a = m->cpu[0]->lapic;
    lapic_write(a, LAPIC_TIMER_DCR, 0xb);
    lapic_write(a, LAPIC_LVT_TIMER, 0x10040);        /* one-shot, masked */
    uint64_t t0 = clock_now(m);
    lapic_write(a, LAPIC_TIMER_ICR, 1000);
    clock_skip_to(m, t0 + 300);
    lapic_write(a, LAPIC_LVT_TIMER, 0x10040 | (1u << 17));   /* to periodic */
    EXPECT_EQ(t, lapic_read(a, LAPIC_TIMER_ICR), 1000);
    EXPECT_EQ(t, lapic_read(a, LAPIC_TIMER_CCR), 700);
    clock_skip_to(m, t0 + 1200);
    EXPECT_EQ(t, lapic_read(a, LAPIC_TIMER_CCR), 800);      /* reloaded, counting */
    lapic_write(a, LAPIC_LVT_TIMER, 0x10040);                /* back to one-shot */
    clock_skip_to(m, t0 + 2100);
    EXPECT_EQ(t, lapic_read(a, LAPIC_TIMER_CCR), 0);        /* expired */
    lapic_write(a, LAPIC_LVT_TIMER, 0x10040 | (1u << 17));
    EXPECT_EQ(t, lapic_read(a, LAPIC_TIMER_CCR), 0);        /* stays stopped */
    lapic_write(a, LAPIC_LVT_TIMER, 0x10040 | (2u << 17));   /* TSC deadline: disarms */
    EXPECT_EQ(t, lapic_read(a, LAPIC_TIMER_ICR), 0);
    machine_free(m);
}

/* SDM "x2APIC State Transitions": the x2APIC ID is the initial one even
 * if software changed the xAPIC ID, and stays so back in xAPIC mode. */
static void x2apic_id_is_initial(struct tcase *t)
{
    struct machine *m = smp2();
    struct cpu *c = m->cpu[1];
    lapic_write(c->lapic, LAPIC_ID, 5u << 24);
    EXPECT_EQ(t, lapic_read(c->lapic, LAPIC_ID), 5u << 24);
    EXPECT(t, msr_write(c, 0x1b, LAPIC_BASE | (1u << 11) | (1u << 10)));
    uint64_t v = 0;
    EXPECT(t, msr_read(c, 0x802, &v));
    EXPECT_EQ(t, v, 1);
    EXPECT(t, msr_write(c, 0x1b, LAPIC_BASE));
    EXPECT(t, msr_write(c, 0x1b, LAPIC_BASE | (1u << 11)));
    EXPECT_EQ(t, lapic_read(c->lapic, LAPIC_ID), 1u << 24);
    machine_free(m);
}

/* INIT with "all including self": the others at once, the sender at its
 * next instruction boundary (then waiting for a start-up IPI). */
static void init_self(struct tcase *t)
{
    struct machine *m = smp2();
    struct lapic *a = m->cpu[0]->lapic, *b = m->cpu[1]->lapic;
    b->wait_sipi = false;
    m->cpu[1]->halted = false;
    m->cpu[0]->rip = 0x1234;
    lapic_write(a, LAPIC_ICR_LO, 0x84500);
    EXPECT(t, b->wait_sipi && m->cpu[1]->halted);
    EXPECT(t, m->cpu[0]->init_pending && !a->wait_sipi);
    EXPECT_EQ(t, cpu_run(m->cpu[0], m->cpu[0]->icount + 100), STOP_HLT);
    EXPECT(t, a->wait_sipi && m->cpu[0]->halted && !m->cpu[0]->init_pending);
    EXPECT_EQ(t, m->cpu[0]->rip, 0xfff0);
    machine_free(m);
}

/* SDM "Error Handling": illegal vectors, illegal register, LVT error. */
static void errors(struct tcase *t)
{
    struct machine *m = smp2();
    struct lapic *a = m->cpu[0]->lapic;
    lapic_write(a, LAPIC_LVT_ERROR, 0x58);
    lapic_write(a, LAPIC_ICR_LO, 0x40003);              /* self, fixed, vector 3 */
    EXPECT(t, !irr(a, 3) && irr(a, 0x58));
    lapic_write(a, LAPIC_ESR, 0);
    EXPECT_EQ(t, lapic_read(a, LAPIC_ESR), 0x20);
    lapic_accept(a, 5);
    lapic_write(a, 0x3f0, 1);                           /* no register there */
    lapic_write(a, LAPIC_ESR, 0);
    EXPECT_EQ(t, lapic_read(a, LAPIC_ESR), 0xc0);
    lapic_write(a, LAPIC_ESR, 0);
    EXPECT_EQ(t, lapic_read(a, LAPIC_ESR), 0);
    machine_free(m);
}

static void x2apic_and_deadline(struct tcase *t)
{
    struct machine *m = smp2();
    struct cpu *c = m->cpu[1];
    struct lapic *b = c->lapic;
    uint64_t v = 0;
    EXPECT(t, !msr_read(c, 0x802, &v));              /* xAPIC mode: #GP */
    EXPECT(t, !msr_write(c, 0x1b, 0xfee00000ull | (1u << 10)));   /* EXTD without EN */
    EXPECT(t, msr_write(c, 0x1b, 0xfee00000ull | (3u << 10)));
    EXPECT(t, msr_read(c, 0x802, &v) && v == 1);
    EXPECT(t, msr_read(c, 0x80d, &v) && v == 0x2);       /* LDR: cluster 0, bit 1 */
    EXPECT(t, !msr_write(c, 0x802, 0));              /* read-only */
    EXPECT(t, !msr_read(c, 0x80b, &v));              /* EOI is write-only */
    EXPECT(t, !msr_read(c, 0x80e, &v));              /* no DFR */
    EXPECT(t, !msr_write(c, 0x80b, 1));              /* EOI takes 0 */
    EXPECT_EQ(t, phys_read(m, LAPIC_BASE + LAPIC_ID, 4), 0xffffffffu);
    EXPECT(t, msr_write(c, 0x83f, 0x42));            /* SELF IPI */
    EXPECT(t, irr(b, 0x42));
    /* ICR to x2APIC ID 0 (CPU 0 is in xAPIC mode, ID 0). */
    EXPECT(t, msr_write(c, 0x830, 0x43));
    EXPECT(t, irr(m->cpu[0]->lapic, 0x43));
    EXPECT(t, !msr_write(c, 0x1b, 0xfee00000ull | (1u << 11)));   /* x2APIC -> xAPIC */
    EXPECT(t, msr_write(c, 0x1b, 0xfee00000ull));                 /* disable: reset */
    EXPECT(t, !irr(b, 0x42));
    EXPECT_EQ(t, lapic_read(b, LAPIC_ID), 1u << 24);

    /* TSC deadline on CPU 0. */
    struct cpu *c0 = m->cpu[0];
    struct lapic *a = c0->lapic;
    EXPECT(t, msr_write(c0, 0x6e0, 123) && msr_read(c0, 0x6e0, &v) && v == 0);   /* not in mode 2 */
    lapic_write(a, LAPIC_LVT_TIMER, 0x44 | (2u << 17));
    uint64_t tsc = cpu_tsc(c0), now = clock_now(m);
    EXPECT(t, msr_write(c0, 0x6e0, tsc + 500) && msr_read(c0, 0x6e0, &v) && v == tsc + 500);
    EXPECT_EQ(t, a->timer_ev.when, now + 500);
    lapic_write(a, LAPIC_TIMER_ICR, 1000);           /* ignored in this mode */
    EXPECT_EQ(t, a->timer_ev.when, now + 500);
    clock_skip_to(m, now + 500);
    EXPECT(t, irr(a, 0x44));
    EXPECT(t, msr_read(c0, 0x6e0, &v) && v == 0);
    EXPECT(t, msr_write(c0, 0x6e0, 1) && irr(a, 0x44));   /* past deadline: at once */
    lapic_write(a, LAPIC_LVT_TIMER, 0x44);           /* mode change disarms */
    EXPECT_EQ(t, a->timer_ev.when, CLOCK_NEVER);
    machine_free(m);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(boot_state), TEST(priority_and_eoi), TEST(timer), TEST(pic_through_lint0),
        TEST(ipis), TEST(mmio_per_cpu_and_relocation), TEST(lowest_priority), TEST(errors), TEST(init_self), TEST(timer_mode_switch),
        TEST(x2apic_id_is_initial),
        TEST(x2apic_and_deadline),
    };
    return RUN_TESTS(tests);
}
