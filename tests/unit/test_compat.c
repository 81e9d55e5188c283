/* Unit tests of what kernels written for QEMU rely on beyond the
 * Multiboot Specification: the entry state QEMU's loader leaves (x87
 * after FNINIT, the option ROM's GDT, ESP, EFLAGS, IDTR), the reset paths
 * (port 0x92, the keyboard controller, 0xCF9) and how a reset ends vtx,
 * isa-debug-exit at any iobase, isa-debugcon, and COM1 on other back ends
 * or none. Values are QEMU 7.2's, as measured with a kernel printing them. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "dev/chardev.h"
#include "dev/i8042.h"
#include "dev/port92.h"
#include "dev/resetctl.h"
#include "machine/loader.h"
#include "machine/machine.h"
#include "machine/memmap.h"
#include "test_check.h"

static struct machine *machine_with(const struct machine_config *cfg)
{
    char err[200];
    return machine_new_config(cfg, err, sizeof err);
}

static struct machine *pc(void)
{
    struct machine_config cfg = { .ram = 16 << 20, .ncpu = 1, .devices = true };
    return machine_with(&cfg);
}

/* Runs fn(m) with stderr captured into buf. */
static void capture_stderr(void (*fn)(struct machine *), struct machine *m, char *buf, size_t len)
{
    FILE *f = tmpfile();
    int saved = dup(2);
    fflush(stderr);
    dup2(fileno(f), 2);
    fn(m);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* ---- entry state ---- */

static void boot(struct machine *m)
{
    struct mb_boot b = { 0x100040, 0x9500, 0x100000, 0x102000 };
    boot_cpu_multiboot(m->cpu[0], &b);
}

static void entry_x87_is_as_fninit_leaves_it(struct tcase *t)
{
    struct machine *m = pc();
    struct cpu *c = m->cpu[0];
    EXPECT_EQ(t, c->fpu.fcw, 0x0040);   /* the power-up value, before the loader */
    c->fpu.fsw = 0x3800;
    c->fpu.fip = 0x1234;
    c->fpu.fop = 0x55;
    boot(m);
    EXPECT_EQ(t, c->fpu.fcw, 0x037F);
    EXPECT_EQ(t, c->fpu.fsw, 0);
    EXPECT_EQ(t, c->fpu.ftw, 0);        /* abridged tag: every register empty */
    EXPECT(t, c->fpu.fip == 0 && c->fpu.fdp == 0 && c->fpu.fop == 0);
    EXPECT(t, c->fpu.fcs == 0 && c->fpu.fds == 0);
    machine_free(m);
}

static void entry_registers_are_qemus(struct tcase *t)
{
    struct machine *m = pc();
    struct cpu *c = m->cpu[0];
    boot(m);
    EXPECT_EQ(t, c->r[R_AX], 0x2BADB002);
    EXPECT_EQ(t, c->r[R_BX], 0x9500);
    EXPECT_EQ(t, c->r[R_SP], 0x6F08);
    EXPECT_EQ(t, c->rip, 0x100040);
    EXPECT_EQ(t, cpu_get_rflags(c), 0x00000006);
    EXPECT_EQ(t, c->cr0 & (CR0_PE | CR0_PG), CR0_PE);
    EXPECT_EQ(t, c->idtr.base, 0);
    EXPECT_EQ(t, c->idtr.limit, 0x3FF);
    EXPECT_EQ(t, c->seg[S_CS].sel, 0x08);
    static const int data[] = { S_DS, S_ES, S_FS, S_GS, S_SS };
    for (int i = 0; i < 5; i++)
        EXPECT_EQ(t, c->seg[data[i]].sel, 0x10);
    EXPECT_EQ(t, c->mode, MODE_PROT);
    EXPECT_EQ(t, c->code_size, 1);
    machine_free(m);
}

/* The GDT is in memory, in a range the memory map reports as reserved,
 * and its descriptors are the ones CS and DS..SS hold. */
static void entry_gdt_is_valid_and_reserved(struct tcase *t)
{
    struct machine *m = pc();
    struct cpu *c = m->cpu[0];
    boot(m);
    EXPECT_EQ(t, c->gdtr.limit, 0x27);
    EXPECT_EQ(t, c->gdtr.base, MB_GDT_ADDR);
    EXPECT_EQ(t, phys_read(m, MB_GDT_ADDR, 8), 0);
    EXPECT_EQ(t, phys_read(m, MB_GDT_ADDR + 0x08, 8), 0x00CF9A000000FFFFull);
    EXPECT_EQ(t, phys_read(m, MB_GDT_ADDR + 0x10, 8), 0x00CF93000000FFFFull);
    EXPECT_EQ(t, phys_read(m, MB_GDT_ADDR + 0x18, 8), 0x00009E000000FFFFull);
    EXPECT_EQ(t, phys_read(m, MB_GDT_ADDR + 0x20, 8), 0x000092000000FFFFull);
    struct mem_region r[MEMMAP_MAX_REGIONS];
    int n = memmap_regions(m, r);
    bool reserved = false;
    for (int i = 0; i < n; i++)
        if (r[i].type == MEM_TYPE_RESERVED && r[i].base <= MB_GDT_ADDR &&
            MB_GDT_ADDR + MB_GDT_SIZE <= r[i].base + r[i].len)
            reserved = true;
    EXPECT(t, reserved);
    /* the hidden parts agree with the descriptors: flat 4 GiB, 32-bit */
    EXPECT(t, c->seg[S_CS].base == 0 && c->seg[S_CS].limit == 0xffffffff);
    EXPECT(t, c->seg[S_DS].base == 0 && c->seg[S_DS].limit == 0xffffffff);
    EXPECT(t, (c->seg[S_CS].ar & 0xff) == 0x9b && (c->seg[S_SS].ar & 0xff) == 0x93);
    machine_free(m);
}

/* ---- reset requests ---- */

static void out92(struct machine *m) { bus_out(&m->bus, 0x92, 1, 0x03); }

static void port92_reads_a20_on_and_resets_on_bit0_rising(struct tcase *t)
{
    struct machine *m = pc();
    EXPECT_EQ(t, bus_in(&m->bus, 0x92, 1), 0x02);
    char err[200];
    capture_stderr(out92, m, err, sizeof err);
    EXPECT_EQ(t, m->exit_kind, MEXIT_RESET);
    EXPECT_EQ(t, machine_exit_status(m), 0);
    EXPECT_STR(t, err, "vtx: the guest reset the machine\n");
    EXPECT(t, m->stop && m->cpu[0]->stop_request);
    machine_free(m);
    /* bit 0 already set: no edge, no reset (QEMU hw/i386/port92.c) */
    struct machine *b = pc();
    port92_write(b->port92, 0x00);
    EXPECT_EQ(t, b->exit_kind, MEXIT_NONE);
    EXPECT_EQ(t, port92_read(b->port92), 0x00);
    b->port92->outport = 0x01;
    port92_write(b->port92, 0x03);
    EXPECT_EQ(t, b->exit_kind, MEXIT_NONE);
    machine_free(b);
}

static void quiet_reset(struct machine *m)
{
    i8042_write_command(m->kbc, 0xFE);
}

static void kbc_state_and_reset(struct tcase *t)
{
    struct machine *m = pc();
    EXPECT_EQ(t, bus_in(&m->bus, 0x64, 1), 0x1C);   /* as SeaBIOS leaves it */
    EXPECT_EQ(t, bus_in(&m->bus, 0x60, 1), 0xFA);
    bus_out(&m->bus, 0x64, 1, 0x20);                 /* read the command byte */
    EXPECT_EQ(t, bus_in(&m->bus, 0x64, 1), 0x1D);
    EXPECT_EQ(t, bus_in(&m->bus, 0x60, 1), 0x61);
    EXPECT_EQ(t, bus_in(&m->bus, 0x64, 1), 0x1C);
    bus_out(&m->bus, 0x64, 1, 0xD0);                 /* read the output port */
    EXPECT_EQ(t, bus_in(&m->bus, 0x60, 1), 0xCF);
    bus_out(&m->bus, 0x64, 1, 0xAA);                 /* self test */
    EXPECT_EQ(t, bus_in(&m->bus, 0x60, 1), 0x55);
    bus_out(&m->bus, 0x60, 1, 0xFF);                 /* keyboard reset: ACK, passed */
    EXPECT_EQ(t, bus_in(&m->bus, 0x60, 1), 0xFA);
    EXPECT_EQ(t, bus_in(&m->bus, 0x60, 1), 0xAA);
    bus_out(&m->bus, 0x64, 1, 0xD1);                 /* output port, reset line high */
    bus_out(&m->bus, 0x60, 1, 0xDF);
    bus_out(&m->bus, 0x64, 1, 0xFF);                 /* pulse nothing */
    bus_out(&m->bus, 0x64, 1, 0xF1);                 /* pulse bits 3-1, not 0 */
    EXPECT_EQ(t, m->exit_kind, MEXIT_NONE);
    char err[200];
    capture_stderr(quiet_reset, m, err, sizeof err);
    EXPECT_EQ(t, m->exit_kind, MEXIT_RESET);
    EXPECT_EQ(t, machine_exit_status(m), 0);
    machine_free(m);
    /* every pulse of bit 0 (an even command 0xF0-0xFE) resets; so does
     * an output-port write with bit 0 clear */
    static const uint8_t cmds[] = { 0xF0, 0xF2, 0xFC, 0xFE };
    m = pc();
    FILE *f = tmpfile();
    int saved = dup(2);
    dup2(fileno(f), 2);
    for (size_t i = 0; i < sizeof cmds; i++) {
        m->exit_kind = MEXIT_NONE;
        i8042_write_command(m->kbc, cmds[i]);
        EXPECT_EQ(t, m->exit_kind, MEXIT_RESET);
    }
    m->exit_kind = MEXIT_NONE;
    i8042_write_command(m->kbc, 0xD1);
    i8042_write_data(m->kbc, 0xCE);
    EXPECT_EQ(t, m->exit_kind, MEXIT_RESET);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(f);
    machine_free(m);
}

static void out_cf9(struct machine *m) { bus_out(&m->bus, 0xCF9, 1, 0x06); }

static void reset_control_cf9(struct tcase *t)
{
    struct machine *m = pc();
    EXPECT_EQ(t, bus_in(&m->bus, 0xCF9, 1), 0x00);
    bus_out(&m->bus, 0xCF9, 1, 0x0A);             /* PIIX3 keeps bit 1 only */
    EXPECT_EQ(t, bus_in(&m->bus, 0xCF9, 1), 0x02);
    bus_out(&m->bus, 0xCF8, 4, 0x8000FC00);        /* PCI config address: bit 2 of byte 1 */
    EXPECT_EQ(t, m->exit_kind, MEXIT_NONE);
    EXPECT_EQ(t, bus_in(&m->bus, 0xCFC, 4), 0xffffffff);   /* still no PCI */
    char err[200];
    capture_stderr(out_cf9, m, err, sizeof err);
    EXPECT_EQ(t, m->exit_kind, MEXIT_RESET);
    EXPECT_STR(t, err, "vtx: the guest reset the machine\n");
    machine_free(m);
    /* q35: ICH9 RST_CNT keeps bits 1 and 3; 0x0E resets */
    struct machine_config q = { .ram = 16 << 20, .ncpu = 1, .devices = true, .type = MACHINE_Q35 };
    m = machine_with(&q);
    resetctl_write(m->resetctl, 0x0A);
    EXPECT_EQ(t, resetctl_read(m->resetctl), 0x0A);
    m->exit_kind = MEXIT_HALTED;                   /* a reset after the end changes nothing */
    resetctl_write(m->resetctl, 0x0E);
    EXPECT_EQ(t, m->exit_kind, MEXIT_HALTED);
    machine_free(m);
}

/* ---- isa-debug-exit and isa-debugcon ---- */

static void debug_exit_at_requested_bases(struct tcase *t)
{
    struct machine_config cfg = { .ram = 16 << 20, .ncpu = 1, .devices = true, .nexits = 3 };
    cfg.exits[0].base = 0x501, cfg.exits[0].size = 2;
    cfg.exits[1].base = 0xf4, cfg.exits[1].size = 1;   /* already there: not added twice */
    cfg.exits[2].base = 0xf6, cfg.exits[2].size = 2;   /* inside the 0xf4 device */
    struct machine *m = machine_with(&cfg);
    EXPECT(t, m != NULL);
    if (!m)
        return;
    EXPECT_EQ(t, m->nexits, 1);
    EXPECT_EQ(t, bus_in(&m->bus, 0x501, 1), 0);
    EXPECT_EQ(t, bus_in(&m->bus, 0x503, 1), 0xff);   /* iosize 2: two ports */
    bus_out(&m->bus, 0x502, 1, 0x3c);
    EXPECT_EQ(t, machine_exit_status(m), 121);
    machine_free(m);
    struct machine_config clash = { .ram = 16 << 20, .ncpu = 1, .devices = true, .nexits = 1 };
    clash.exits[0].base = 0x3f8, clash.exits[0].size = 4;   /* COM1's ports */
    char err[200] = "";
    EXPECT(t, machine_new_config(&clash, err, sizeof err) == NULL);
    EXPECT(t, strstr(err, "isa-debug-exit") != NULL);
}

static void debugcon_writes_bytes_and_reads_back_e9(struct tcase *t)
{
    int p[2];
    EXPECT(t, pipe(p) == 0);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    struct chardev *chr = chardev_new(-1, p[1], false);
    struct machine_config cfg = { .ram = 16 << 20, .ncpu = 1, .devices = true, .ndebugcons = 2 };
    cfg.debugcons[0].base = 0xE9, cfg.debugcons[0].readback = 0xE9, cfg.debugcons[0].chr = chr;
    cfg.debugcons[1].base = 0x402, cfg.debugcons[1].readback = 0x42, cfg.debugcons[1].chr = chr;
    struct machine *m = machine_with(&cfg);
    EXPECT(t, m != NULL);
    if (!m)
        return;
    EXPECT_EQ(t, bus_in(&m->bus, 0xE9, 1), 0xE9);
    EXPECT_EQ(t, bus_in(&m->bus, 0x402, 1), 0x42);
    bus_out(&m->bus, 0xE9, 1, 'h');
    bus_out(&m->bus, 0x402, 1, 'i');
    char buf[8] = "";
    EXPECT(t, read(p[0], buf, sizeof buf) < 0);   /* buffered until a newline */
    machine_flush(m);
    EXPECT_EQ(t, read(p[0], buf, sizeof buf - 1), 2);
    EXPECT(t, memcmp(buf, "hi", 2) == 0);
    machine_free(m);
    chardev_free(chr);
    close(p[0]);
    close(p[1]);
}

/* COM1 and the debug console on one back end keep the guest's order. */
static void com1_and_debugcon_share_a_back_end(struct tcase *t)
{
    int p[2];
    EXPECT(t, pipe(p) == 0);
    struct chardev *chr = chardev_new(-1, p[1], false);
    struct machine_config cfg = { .ram = 16 << 20, .ncpu = 1, .devices = true, .com1 = chr,
                                  .ndebugcons = 1 };
    cfg.debugcons[0].base = 0xE9, cfg.debugcons[0].readback = 0xE9, cfg.debugcons[0].chr = chr;
    struct machine *m = machine_with(&cfg);
    const char *s = "AbCd\n";
    for (int i = 0; s[i]; i++)
        bus_out(&m->bus, (i & 1) ? 0xE9 : 0x3F8, 1, (uint8_t)s[i]);
    char buf[8] = "";
    EXPECT_EQ(t, read(p[0], buf, sizeof buf - 1), 5);
    EXPECT_STR(t, buf, "AbCd\n");
    machine_free(m);
    chardev_free(chr);
    close(p[0]);
    close(p[1]);
}

static void serial_none_means_no_com1(struct tcase *t)
{
    struct machine_config cfg = { .ram = 16 << 20, .ncpu = 1, .devices = true, .no_com1 = true };
    struct machine *m = machine_with(&cfg);
    EXPECT(t, m && m->com1 == NULL);
    EXPECT_EQ(t, bus_in(&m->bus, 0x3FD, 1), 0xff);
    EXPECT(t, m->debugexit != NULL);
    machine_free(m);
}

static void serial_to_a_file(struct tcase *t)
{
    char path[] = "/tmp/vtx-test-serial-XXXXXX";
    int fd = mkstemp(path);
    EXPECT(t, fd >= 0);
    close(fd);
    char err[200] = "";
    struct chardev *chr = chardev_open_file(path, false, err, sizeof err);
    EXPECT(t, chr != NULL);
    struct machine_config cfg = { .ram = 16 << 20, .ncpu = 1, .devices = true, .com1 = chr };
    struct machine *m = machine_with(&cfg);
    bus_out(&m->bus, 0x3F8, 1, 'o');
    bus_out(&m->bus, 0x3F8, 1, 'k');
    machine_free(m);
    chardev_free(chr);
    FILE *f = fopen(path, "r");
    char buf[8] = "";
    EXPECT(t, f && fgets(buf, sizeof buf, f));
    EXPECT_STR(t, buf, "ok");
    if (f)
        fclose(f);
    unlink(path);
    EXPECT(t, chardev_open_file("/nonexistent/dir/x", false, err, sizeof err) == NULL);
    EXPECT(t, strstr(err, "/nonexistent/dir/x") != NULL);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(entry_x87_is_as_fninit_leaves_it),
        TEST(entry_registers_are_qemus),
        TEST(entry_gdt_is_valid_and_reserved),
        TEST(port92_reads_a20_on_and_resets_on_bit0_rising),
        TEST(kbc_state_and_reset),
        TEST(reset_control_cf9),
        TEST(debug_exit_at_requested_bases),
        TEST(debugcon_writes_bytes_and_reads_back_e9),
        TEST(com1_and_debugcon_share_a_back_end),
        TEST(serial_none_means_no_com1),
        TEST(serial_to_a_file),
    };
    return RUN_TESTS(tests);
}
