/* DAA and DAS against the SDM's pseudo-code (Vol. 2 "DAA—Decimal Adjust AL
 * after Addition", "DAS—Decimal Adjust AL after Subtraction"), for every AL
 * and every CF/AF input, in real mode (both are invalid in 64-bit mode, so
 * the host-CPU differential tester cannot check them); and SALC. */
#include "cpu/cpu.h"
#include "machine/machine.h"
#include "test_check.h"
#include "x86/flags.h"

/* The SDM's operation, written out: the result AL and CF/AF. */
static void reference(bool sub, unsigned al, bool cf, bool af, unsigned *out, bool *ocf, bool *oaf)
{
    unsigned v = al;
    bool ncf = false;
    *oaf = false;
    if ((al & 0xf) > 9 || af) {
        ncf = cf || (sub ? al < 6 : al + 6 > 0xff);   /* borrow / carry */
        v = sub ? v - 6 : v + 6;
        *oaf = true;
    }
    if (al > 0x99 || cf) {
        v = sub ? v - 0x60 : v + 0x60;
        ncf = true;
    }
    *out = v & 0xff;
    *ocf = ncf;
}

/* CPU c reset into real mode at 0:1000 (code placed there), stopping on
 * exceptions, with EAX and RFLAGS as given. */
static void real_mode_at_1000(struct cpu *c, uint64_t eax, uint64_t rflags)
{
    cpu_reset(c);
    c->seg[S_CS].sel = 0;
    c->seg[S_CS].base = 0;
    c->rip = 0x1000;
    cpu_update_mode(c);
    c->stop_on_exception = true;
    c->r[R_AX] = eax;
    cpu_set_rflags(c, rflags);
}

static void all_inputs(struct tcase *t, bool sub)
{
    char err[200];
    struct machine *m = machine_new(1 << 20, 1, false, err, sizeof err);
    EXPECT(t, m != NULL);
    if (!m)
        return;
    struct cpu *c = m->cpu[0];
    const uint8_t code[] = { sub ? 0x2f : 0x27, 0xf4 };   /* DAS/DAA; HLT */
    phys_copy_in(m, 0x1000, code, sizeof code);
    int bad = 0;
    for (unsigned in = 0; in < 1024 && bad < 3; in++) {
        unsigned al = in & 0xff;
        bool cf = in & 0x100, af = in & 0x200;
        real_mode_at_1000(c, al, RFLAGS_FIXED1 | (cf ? RFLAGS_CF : 0) | (af ? RFLAGS_AF : 0));
        enum cpu_stop st = cpu_run(c, c->icount + 10);
        unsigned want;
        bool wcf, waf;
        reference(sub, al, cf, af, &want, &wcf, &waf);
        uint64_t f = cpu_get_rflags(c);
        bool pf = !(__builtin_popcount(want) & 1);
        if (st != STOP_HLT || (c->r[R_AX] & 0xff) != want || !!(f & RFLAGS_CF) != wcf ||
            !!(f & RFLAGS_AF) != waf || !!(f & RFLAGS_ZF) != (want == 0) ||
            !!(f & RFLAGS_SF) != !!(want & 0x80) || !!(f & RFLAGS_PF) != pf) {
            printf("  %s AL %#x CF %d AF %d: got AL %#llx flags %#llx, want AL %#x CF %d AF %d\n",
                   sub ? "DAS" : "DAA", al, cf, af, (unsigned long long)(c->r[R_AX] & 0xff),
                   (unsigned long long)f, want, wcf, waf);
            bad++;
        }
    }
    EXPECT_EQ(t, bad, 0);
    machine_free(m);
}

/* SALC (D6): AL from CF, flags and the rest of EAX kept. */
static void salc(struct tcase *t)
{
    char err[200];
    struct machine *m = machine_new(1 << 20, 1, false, err, sizeof err);
    struct cpu *c = m->cpu[0];
    const uint8_t code[] = { 0xd6, 0xf4 };
    phys_copy_in(m, 0x1000, code, sizeof code);
    for (int cf = 0; cf < 2; cf++) {
        real_mode_at_1000(c, 0x12345678, RFLAGS_FIXED1 | (cf ? RFLAGS_CF : 0));
        EXPECT_EQ(t, cpu_run(c, c->icount + 10), STOP_HLT);
        EXPECT_EQ(t, c->r[R_AX], cf ? 0x123456ffu : 0x12345600u);
        EXPECT_EQ(t, cpu_get_rflags(c) & RFLAGS_CF, cf ? RFLAGS_CF : 0);
    }
    machine_free(m);
}

static void daa_all_inputs(struct tcase *t) { all_inputs(t, false); }
static void das_all_inputs(struct tcase *t) { all_inputs(t, true); }

int main(void)
{
    static const struct test tests[] = { TEST(daa_all_inputs), TEST(das_all_inputs), TEST(salc) };
    return RUN_TESTS(tests);
}
