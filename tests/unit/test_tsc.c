/* Unit tests of IA32_TSC_ADJUST (SDM Vol. 3B "Time-Stamp Counter") and of
 * the CPUID leaves up to 0x16: TSC/crystal ratio (0x15) and frequencies
 * (0x16) for the 1 GHz TSC, zeros for what is not implemented. */
#include "cpu/cpu.h"
#include "cpu/features.h"
#include "cpu/sysreg.h"
#include "machine/machine.h"
#include "test_check.h"

static struct machine *smp2(void)
{
    char err[200];
    struct machine_config cfg = { .ram = 16 << 20, .devices = true, .no_com1 = true, .ncpu = 2 };
    return machine_new_config(&cfg, err, sizeof err);
}

static void tsc_adjust(struct tcase *t)
{
    struct machine *m = smp2();
    struct cpu *c = m->cpu[0];
    uint64_t v = 1;
    EXPECT(t, msr_read(c, 0x3b, &v) && v == 0);
    c->icount += 1000;
    uint64_t tsc0 = cpu_tsc(c);
    EXPECT(t, msr_write(c, 0x3b, 5000));                 /* TSC += 5000 */
    EXPECT_EQ(t, cpu_tsc(c), tsc0 + 5000);
    EXPECT(t, msr_read(c, 0x3b, &v) && v == 5000);
    EXPECT(t, msr_write(c, 0x3b, 2000));                 /* TSC -= 3000 */
    EXPECT_EQ(t, cpu_tsc(c), tsc0 + 2000);
    tsc0 = cpu_tsc(c);
    EXPECT(t, msr_write(c, 0x10, tsc0 + 100000));        /* ADJUST += 100000 */
    EXPECT(t, msr_read(c, 0x3b, &v) && v == 102000);
    EXPECT(t, msr_write(c, 0x10, 0));                    /* backwards: negative delta */
    EXPECT(t, msr_read(c, 0x3b, &v) && v == 102000 - (tsc0 + 100000));
    EXPECT_EQ(t, cpu_tsc(c), 0);
    EXPECT(t, msr_read(m->cpu[1], 0x3b, &v) && v == 0);  /* per CPU */
    uint32_t r[4];
    cpuid_query(c, 7, 0, r);
    EXPECT(t, r[1] & 2);
    machine_free(m);
}

static void cpuid_leaves(struct tcase *t)
{
    struct machine *m = smp2();
    struct cpu *c = m->cpu[1];
    uint32_t r[4];
    cpuid_query(c, 0, 0, r);
    EXPECT_EQ(t, r[0], 0x16);
    cpuid_query(c, 0x15, 0, r);
    EXPECT(t, r[0] && r[1] && r[2]);
    EXPECT_EQ(t, (uint64_t)r[2] * r[1] / r[0], 1000000000ull);
    cpuid_query(c, 0x16, 0, r);
    EXPECT(t, r[0] == 1000 && r[1] == 1000 && r[2] == 100);
    cpuid_query(c, 2, 0, r);
    EXPECT(t, r[0] == 1 && !r[1] && !r[2] && !r[3]);
    static const uint32_t zero[] = { 3, 4, 5, 6, 8, 9, 0xa, 0xc, 0xd, 0xe, 0xf, 0x10, 0x11, 0x12, 0x13, 0x14 };
    for (unsigned i = 0; i < sizeof zero / sizeof zero[0]; i++)
        for (uint32_t sub = 0; sub < 3; sub++) {
            cpuid_query(c, zero[i], sub, r);
            EXPECT(t, !r[0] && !r[1] && !r[2] && !r[3]);
        }
    cpuid_query(c, 0xb, 0, r);
    EXPECT(t, r[0] == 0 && r[1] == 1 && r[2] == 0x100 && r[3] == 1);
    cpuid_query(c, 0xb, 1, r);
    EXPECT(t, r[0] == 1 && r[1] == 2 && r[2] == 0x201 && r[3] == 1);
    cpuid_query(c, 0xb, 2, r);
    EXPECT(t, r[0] == 0 && r[1] == 0 && r[2] == 2 && r[3] == 1);
    uint32_t hi[4];
    cpuid_query(c, 0x16, 0, hi);
    cpuid_query(c, 0x17, 0, r);                          /* beyond: the highest basic leaf */
    EXPECT(t, r[0] == hi[0] && r[1] == hi[1] && r[2] == hi[2] && r[3] == hi[3]);
    machine_free(m);
}

int main(void)
{
    static const struct test tests[] = { TEST(tsc_adjust), TEST(cpuid_leaves) };
    return RUN_TESTS(tests);
}
