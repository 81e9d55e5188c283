/* The board: the machine struct with its RAM, memory map, buses and the
 * standard devices (the 8259 PIC pair, the I/O APIC, the 8254 PIT, the RTC/CMOS, COM1 on
 * IRQ 4, isa-debug-exit at 0xf4, the shutdown port, port 0x92, the
 * keyboard controller, the reset control register) plus the
 * debug-exit and debug-console devices the command line asks for, without
 * CPUs. machine.c adds the CPUs. */
#include "machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dev/cmos.h"
#include "dev/debugcon.h"
#include "dev/debugexit.h"
#include "dev/i8042.h"
#include "dev/ioapic.h"
#include "dev/pic8259.h"
#include "dev/pit8254.h"
#include "dev/port92.h"
#include "dev/resetctl.h"
#include "dev/shutdown.h"
#include "dev/uart16550.h"
#include "memmap.h"
#include "platform.h"

/* COM1 reads stdin, unless stdin is a terminal that belongs to another
 * process group (vtx in the background): reading it would stop vtx. */
int machine_stdin_fd(void)
{
    if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) != getpgrp())
        return -1;
    return STDIN_FILENO;
}

void machine_set_isa_irq(struct machine *m, int irq, bool level)
{
    if (irq < 0 || irq > 15)
        return;
    if (m->pic)
        pic_set_irq(m->pic, irq, level);
    if (m->ioapic && irq != 2)           /* IRQ 2 is the cascade */
        ioapic_set_irq(m->ioapic, irq == 0 ? 2 : irq, level);
}

static void com1_irq(void *ctx, bool level)
{
    machine_set_isa_irq(ctx, COM1_IRQ, level);
}

static bool add_com1(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    if (cfg->no_com1)
        return true;
    m->com1 = cfg->com1 ? uart_new_chardev(cfg->com1) : uart_new(machine_stdin_fd(), STDOUT_FILENO);
    if (!m->com1 || !uart_attach(m->com1, &m->bus, COM1_BASE)) {
        snprintf(err, errlen, "cannot create COM1");
        return false;
    }
    m->com1->irq = com1_irq;
    m->com1->irq_ctx = m;
    return true;
}

/* [base, base+size) lies within debug-exit ports already present. */
static bool exit_ports_cover(const struct machine *m, uint32_t base, uint32_t size)
{
    for (uint32_t p = base; p < base + size; p++) {
        bool covered = p - m->debugexit->base < m->debugexit->size;
        for (int i = 0; i < m->nexits && !covered; i++)
            covered = p - m->exits[i]->base < m->exits[i]->size;
        if (!covered)
            return false;
    }
    return true;
}

/* -device isa-debug-exit: one device per iobase; a device whose ports are
 * already debug-exit ports (the usual iobase=0xf4 of the test runners) is
 * not added twice. */
static bool add_exits(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    for (int i = 0; i < cfg->nexits; i++) {
        uint16_t base = cfg->exits[i].base, size = cfg->exits[i].size;
        if (exit_ports_cover(m, base, size))
            continue;
        struct debugexit *d = debugexit_new(m, base, size);
        if (!d) {
            snprintf(err, errlen, "cannot put isa-debug-exit at port %#x (size %u): the ports are taken",
                     base, size);
            return false;
        }
        m->exits[m->nexits++] = d;
    }
    return true;
}

static bool add_debugcons(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    for (int i = 0; i < cfg->ndebugcons; i++) {
        struct debugcon *d = debugcon_new(&m->bus, cfg->debugcons[i].base,
                                          cfg->debugcons[i].readback, cfg->debugcons[i].chr);
        if (!d) {
            snprintf(err, errlen, "cannot put isa-debugcon at port %#x: the port is taken",
                     cfg->debugcons[i].base);
            return false;
        }
        m->debugcons[m->ndebugcons++] = d;
    }
    return true;
}

/* The reset paths QEMU's chipsets have: port 0x92, the keyboard
 * controller, and 0xCF9 (PIIX3 RCR on pc, ICH9 RST_CNT on q35). */
static bool add_reset_devices(struct machine *m)
{
    m->port92 = port92_new(m);
    m->kbc = i8042_new(m);
    m->resetctl = resetctl_new(m, m->type == MACHINE_Q35 ? RESETCTL_KEEP_ICH9 : RESETCTL_KEEP_PIIX3);
    return m->port92 && m->kbc && m->resetctl;
}

/* The interrupt and timer path: PIC pair, I/O APIC, PIT on IRQ 0, RTC on IRQ 8. */
static bool add_timers(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    m->pic = pic_new(m);
    m->ioapic = m->pic ? ioapic_new(m) : NULL;
    if (!m->ioapic) {
        snprintf(err, errlen, "cannot create the PIC and I/O APIC");
        return false;
    }
    m->pit = m->pic ? pit_new(m, m->pic) : NULL;
    m->cmos = m->pit ? cmos_new(m, m->pic, cfg->ncpu) : NULL;
    if (!m->cmos) {
        snprintf(err, errlen, "cannot create the PIC, PIT and RTC");
        return false;
    }
    return true;
}

static bool add_devices(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    if (!add_timers(m, cfg, err, errlen))
        return false;
    if (!add_com1(m, cfg, err, errlen))
        return false;
    m->debugexit = debugexit_new(m, DEBUGEXIT_BASE, DEBUGEXIT_SIZE);
    m->shutdown = shutdown_new(m);
    if (!m->debugexit || !m->shutdown || !add_reset_devices(m)) {
        snprintf(err, errlen, "cannot create the exit and reset devices");
        return false;
    }
    return add_exits(m, cfg, err, errlen) && add_debugcons(m, cfg, err, errlen) &&
           platform_add(m, cfg, err, errlen);
}

struct machine *machine_new_board_config(const struct machine_config *cfg, char *err, size_t errlen)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    m->type = cfg->type;
    m->trace = stderr;
    if (!memmap_init(m, cfg->ram, cfg->max_ram_below_4g, err, errlen) ||
        (cfg->devices && !add_devices(m, cfg, err, errlen))) {
        machine_free_board(m);
        return NULL;
    }
    return m;
}

struct machine *machine_new_board(uint64_t ram, bool devices, char *err, size_t errlen)
{
    struct machine_config cfg = { .ram = ram, .devices = devices };
    return machine_new_board_config(&cfg, err, errlen);
}

void machine_flush(struct machine *m)
{
    if (m->com1)
        uart_flush(m->com1);
    for (int i = 0; i < m->ndebugcons; i++)
        debugcon_flush(m->debugcons[i]);
}

void machine_free_board(struct machine *m)
{
    if (!m)
        return;
    uart_free(m->com1);
    debugexit_free(m->debugexit);
    for (int i = 0; i < m->nexits; i++)
        debugexit_free(m->exits[i]);
    for (int i = 0; i < m->ndebugcons; i++)
        debugcon_free(m->debugcons[i]);
    shutdown_free(m->shutdown);
    port92_free(m->port92);
    i8042_free(m->kbc);
    resetctl_free(m->resetctl);
    cmos_free(m->cmos);
    pit_free(m->pit);
    pic_free(m->pic);
    ioapic_free(m->ioapic);
    platform_free(m);
    memmap_free(m);
    free(m);
}
