/* Unit tests of the ACPI tables (machine/acpi.c) and the PM1a registers
 * (dev/pm.c): the RSDP found by the standard scan of 0xE0000-0xFFFFF with
 * both checksums, every table's checksum, the MADT's entries per CPU
 * count, the FADT's PM1a blocks, and power-off through PM1a_CNT. */
#include <string.h>

#include "dev/pm.h"
#include "machine/acpi.h"
#include "machine/machine.h"
#include "test_check.h"

static struct machine *board(int ncpu)
{
    char err[200];
    struct machine_config cfg = { .ram = 128 << 20, .devices = true, .no_com1 = true, .ncpu = ncpu };
    return machine_new_board_config(&cfg, err, sizeof err);
}

static bool sum_ok(const uint8_t *p, uint32_t len)
{
    uint8_t s = 0;
    for (uint32_t i = 0; i < len; i++)
        s = (uint8_t)(s + p[i]);
    return s == 0;
}

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static const uint8_t *scan_rsdp(struct machine *m)
{
    for (uint64_t a = 0xe0000; a < 0x100000; a += 16) {
        const uint8_t *p = phys_ptr(m, a, 36);
        if (p && memcmp(p, "RSD PTR ", 8) == 0 && sum_ok(p, 20))
            return p;
    }
    return NULL;
}

static const uint8_t *table(struct machine *m, uint64_t pa)
{
    const uint8_t *h = phys_ptr(m, pa, 36);
    return h ? phys_ptr(m, pa, rd32(h + 4)) : NULL;
}

/* The table with signature sig listed in the XSDT. */
static const uint8_t *find(struct machine *m, const char *sig)
{
    const uint8_t *x = table(m, rd64(scan_rsdp(m) + 24));
    for (uint32_t off = 36; off + 8 <= rd32(x + 4); off += 8) {
        const uint8_t *t = table(m, rd64(x + off));
        if (t && memcmp(t, sig, 4) == 0)
            return t;
    }
    return NULL;
}

static void rsdp_and_checksums(struct tcase *t)
{
    struct machine *m = board(1);
    const uint8_t *r = scan_rsdp(m);
    EXPECT(t, r != NULL);
    if (!r) {
        machine_free_board(m);
        return;
    }
    EXPECT_EQ(t, r[15], 2);
    EXPECT(t, memcmp(r + 9, "VTX   ", 6) == 0);
    EXPECT_EQ(t, rd32(r + 20), 36);
    EXPECT(t, sum_ok(r, 36));
    const uint8_t *rsdt = table(m, rd32(r + 16)), *xsdt = table(m, rd64(r + 24));
    EXPECT(t, rsdt && memcmp(rsdt, "RSDT", 4) == 0 && sum_ok(rsdt, rd32(rsdt + 4)));
    EXPECT(t, xsdt && memcmp(xsdt, "XSDT", 4) == 0 && sum_ok(xsdt, rd32(xsdt + 4)));
    EXPECT_EQ(t, rd32(rsdt + 4), 36 + 8);
    EXPECT_EQ(t, rd32(xsdt + 4), 36 + 16);
    for (int i = 0; i < 2; i++)
        EXPECT_EQ(t, rd32(rsdt + 36 + 4 * i), rd64(xsdt + 36 + 8 * i));
    const uint8_t *fadt = find(m, "FACP"), *madt = find(m, "APIC");
    EXPECT(t, fadt && sum_ok(fadt, rd32(fadt + 4)));
    EXPECT(t, madt && sum_ok(madt, rd32(madt + 4)));
    const uint8_t *dsdt = table(m, rd64(fadt + 140)), *facs = phys_ptr(m, rd64(fadt + 132), 64);
    EXPECT(t, dsdt && memcmp(dsdt, "DSDT", 4) == 0 && sum_ok(dsdt, rd32(dsdt + 4)));
    EXPECT(t, facs && memcmp(facs, "FACS", 4) == 0 && rd32(facs + 4) == 64);
    EXPECT_EQ(t, rd64(fadt + 132) % 64, 0);
    EXPECT_EQ(t, rd32(fadt + 40), rd64(fadt + 140));
    EXPECT_EQ(t, rd32(fadt + 36), rd64(fadt + 132));
    /* All of it in the reserved BIOS area, clear of boot.c's GDT. */
    EXPECT(t, rd64(r + 24) >= 0xf0000 && rd64(r + 24) + 52 <= 0xfff00);
    machine_free_board(m);
}

static void madt_per_cpu(struct tcase *t)
{
    for (int n = 1; n <= 4; n += 3) {
        struct machine *m = board(n);
        const uint8_t *a = find(m, "APIC");
        EXPECT_EQ(t, rd32(a + 36), 0xfee00000);
        EXPECT_EQ(t, rd32(a + 40), 1);
        int cpus = 0, ioapic = 0, iso0 = 0, iso9 = 0;
        for (uint32_t off = 44; off < rd32(a + 4); off += a[off + 1]) {
            const uint8_t *e = a + off;
            if (e[0] == 0) {
                EXPECT_EQ(t, e[2], cpus);
                EXPECT_EQ(t, e[3], cpus);
                EXPECT_EQ(t, rd32(e + 4), 1);
                cpus++;
            } else if (e[0] == 1) {
                ioapic += rd32(e + 4) == 0xfec00000 && rd32(e + 8) == 0;
            } else if (e[0] == 2) {
                iso0 += e[3] == 0 && rd32(e + 4) == 2;
                iso9 += e[3] == 9 && rd32(e + 4) == 9 && (e[8] | e[9] << 8) == 0xd;
            }
        }
        EXPECT_EQ(t, cpus, n);
        EXPECT_EQ(t, ioapic, 1);
        EXPECT_EQ(t, iso0, 1);
        EXPECT_EQ(t, iso9, 1);
        machine_free_board(m);
    }
}

static void fadt_pm1a(struct tcase *t)
{
    struct machine *m = board(1);
    const uint8_t *f = find(m, "FACP");
    EXPECT_EQ(t, f[8], 3);
    EXPECT_EQ(t, rd32(f + 4), 244);
    EXPECT_EQ(t, f[46] | f[47] << 8, 9);
    EXPECT_EQ(t, rd32(f + 56), 0x600);
    EXPECT_EQ(t, rd32(f + 64), 0x604);
    EXPECT_EQ(t, f[88], 4);
    EXPECT_EQ(t, f[89], 2);
    EXPECT_EQ(t, rd64(f + 148 + 4), 0x600);
    EXPECT_EQ(t, rd64(f + 172 + 4), 0x604);
    machine_free_board(m);
}

static void pm1a_registers(struct tcase *t)
{
    struct machine *m = board(1);
    struct bus *b = &m->bus;
    EXPECT_EQ(t, bus_in(b, 0x604, 2), PM1_SCI_EN);
    bus_out(b, 0x602, 2, 0x0121);
    EXPECT_EQ(t, bus_in(b, 0x602, 2), 0x0121);
    EXPECT_EQ(t, bus_in(b, 0x600, 4), 0x01210000);
    bus_out(b, 0x600, 2, 0xffff);                       /* write-1-to-clear */
    EXPECT_EQ(t, bus_in(b, 0x600, 2), 0);
    bus_out(b, 0x604, 2, 1u << PM1_SLP_TYP_SHIFT | PM1_SLP_EN);   /* S3: ignored */
    EXPECT_EQ(t, m->exit_kind, MEXIT_NONE);
    EXPECT_EQ(t, bus_in(b, 0x604, 2), 1u << PM1_SLP_TYP_SHIFT | PM1_SCI_EN);
    bus_out(b, 0x604, 2, PM1_SLP_EN);                   /* S5 */
    EXPECT_EQ(t, m->exit_kind, MEXIT_SHUTDOWN);
    EXPECT_EQ(t, machine_exit_status(m), 0);
    machine_free_board(m);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(rsdp_and_checksums), TEST(madt_per_cpu), TEST(fadt_pm1a), TEST(pm1a_registers),
    };
    return RUN_TESTS(tests);
}
