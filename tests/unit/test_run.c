/* Unit tests of the run loop and machine life cycle (machine.c, run.c,
 * boot.c) with a scripted stand-in for the CPU defined here, so they do
 * not depend on the interpreter: it defines every cpu_* function the
 * machine files call, and the linker then takes none from libvtx.a. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "machine/loader.h"
#include "machine/machine.h"
#include "test_check.h"

/* What the stand-in does in cpu_run, chosen by the test in r[R_DI]. */
enum script { RUN_BUDGET_THEN_EXIT, RUN_HALT, RUN_TRIPLE };
#define QUANTA_BEFORE_EXIT 3

static int flat32_calls;

struct cpu *cpu_new(struct machine *m, int index)
{
    struct cpu *c = calloc(1, sizeof *c);
    if (c) {
        c->m = m;
        c->index = index;
    }
    return c;
}

void cpu_free(struct cpu *c)
{
    free(c);
}

/* INIT and SIPI (dev/lapic.c) reset the CPU and refresh its mode. */
void cpu_reset(struct cpu *c)
{
    c->rip = 0xfff0;
}

void cpu_update_mode(struct cpu *c)
{
    (void)c;
}

/* The local APIC flushes a CPU's TLB when its register page moves. */
void tlb_flush_all(struct cpu *c)
{
    (void)c;
}

void cpu_set_flat32(struct cpu *c)
{
    c->cr0 = 1;
    flat32_calls++;
}

enum cpu_stop cpu_run(struct cpu *c, uint64_t until)
{
    c->r[R_SI]++;   /* number of calls */
    switch (c->r[R_DI]) {
    case RUN_HALT:
        c->halted = true;
        return STOP_HLT;
    case RUN_TRIPLE:
        return STOP_TRIPLE;
    default:
        c->icount = until;
        if (c->r[R_SI] < QUANTA_BEFORE_EXIT)
            return STOP_BUDGET;
        bus_out(&c->m->bus, 0xf4, 1, 5);   /* isa-debug-exit */
        return c->stop_request ? STOP_MACHINE : STOP_BUDGET;
    }
}

static struct machine *new_machine(int ncpu, enum script s)
{
    char err[200];
    struct machine *m = machine_new(4 << 20, ncpu, true, err, sizeof err);
    for (int i = 0; m && i < m->ncpu; i++)
        m->cpu[i]->r[R_DI] = s;
    return m;
}

/* Runs m with stderr captured into buf. */
static int run_capturing_stderr(struct machine *m, char *buf, size_t len)
{
    FILE *f = tmpfile();
    int saved = dup(2);
    fflush(stderr);
    dup2(fileno(f), 2);
    int status = machine_run(m);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
    return status;
}

static void machine_new_starts_the_bsp_only(struct tcase *t)
{
    struct machine *m = new_machine(4, RUN_HALT);
    EXPECT(t, m != NULL);
    if (!m)
        return;
    EXPECT_EQ(t, m->ncpu, 4);
    EXPECT(t, !m->cpu[0]->halted);
    EXPECT(t, m->cpu[1]->halted && m->cpu[2]->halted && m->cpu[3]->halted);
    EXPECT_EQ(t, m->cpu[3]->index, 3);
    EXPECT(t, m->cpu[2]->m == m);
    machine_free(m);
}

static void machine_new_refuses_bad_cpu_counts(struct tcase *t)
{
    char err[200] = "";
    EXPECT(t, machine_new(4 << 20, 0, false, err, sizeof err) == NULL);
    EXPECT(t, err[0] != '\0');
    EXPECT(t, machine_new(4 << 20, MACHINE_MAX_CPUS + 1, false, err, sizeof err) == NULL);
}

static void run_stops_at_the_debug_exit_port(struct tcase *t)
{
    struct machine *m = new_machine(1, RUN_BUDGET_THEN_EXIT);
    m->debug = DBG_EXC;
    char err[300];
    EXPECT_EQ(t, run_capturing_stderr(m, err, sizeof err), 11);   /* (5 << 1) | 1 */
    EXPECT_EQ(t, m->cpu[0]->r[R_SI], QUANTA_BEFORE_EXIT);
    EXPECT(t, m->cpu[0]->icount > 0);
    EXPECT_EQ(t, m->cpu[0]->debug, DBG_EXC);
    EXPECT_STR(t, err, "");
    machine_free(m);
}

static void run_ends_when_every_cpu_is_halted(struct tcase *t)
{
    struct machine *m = new_machine(2, RUN_HALT);
    m->cpu[0]->rip = 0x100023;
    char err[300];
    EXPECT_EQ(t, run_capturing_stderr(m, err, sizeof err), 4);
    EXPECT_EQ(t, m->exit_kind, MEXIT_HALTED);
    EXPECT_STR(t, err, "vtx: all CPUs halted with nothing pending at RIP 0x100023\n");
    EXPECT_EQ(t, m->cpu[1]->r[R_SI], 0);   /* the AP waits for a SIPI */
    machine_free(m);
}

static void run_ends_on_a_triple_fault(struct tcase *t)
{
    struct machine *m = new_machine(1, RUN_TRIPLE);
    char err[300];
    EXPECT_EQ(t, run_capturing_stderr(m, err, sizeof err), 3);
    EXPECT_EQ(t, m->exit_kind, MEXIT_TRIPLE);
    machine_free(m);
}

static void halted_cpu_with_nmi_pending_keeps_running(struct tcase *t)
{
    struct machine *m = new_machine(2, RUN_BUDGET_THEN_EXIT);
    m->cpu[1]->nmi_pending = true;   /* the halted AP can be woken */
    m->cpu[1]->r[R_DI] = RUN_HALT;
    char err[300];
    EXPECT_EQ(t, run_capturing_stderr(m, err, sizeof err), 11);
    EXPECT(t, m->cpu[1]->r[R_SI] > 0);
    machine_free(m);
}

static void boot_state_is_multiboot(struct tcase *t)
{
    struct machine *m = new_machine(1, RUN_HALT);
    struct mb_boot b = { 0x100040, 0x9500, 0x100000, 0x102000 };
    int before = flat32_calls;
    m->cpu[0]->halted = true;
    boot_cpu_multiboot(m->cpu[0], &b);
    EXPECT_EQ(t, flat32_calls, before + 1);
    EXPECT_EQ(t, m->cpu[0]->r[R_AX], 0x2BADB002);
    EXPECT_EQ(t, m->cpu[0]->r[R_BX], 0x9500);
    EXPECT_EQ(t, m->cpu[0]->rip, 0x100040);
    EXPECT(t, !m->cpu[0]->halted);
    machine_free(m);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(machine_new_starts_the_bsp_only),
        TEST(machine_new_refuses_bad_cpu_counts),
        TEST(run_stops_at_the_debug_exit_port),
        TEST(run_ends_when_every_cpu_is_halted),
        TEST(run_ends_on_a_triple_fault),
        TEST(halted_cpu_with_nmi_pending_keeps_running),
        TEST(boot_state_is_multiboot),
    };
    return RUN_TESTS(tests);
}
