/* The PC: RAM with its memory map, the buses, the CPUs and the run loop. */
#ifndef EMU_MACHINE_H
#define EMU_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "clock.h"

struct cpu;
struct chardev;
struct uart16550;
struct debugexit;
struct debugcon;
struct shutdown_port;
struct port92;
struct i8042;
struct resetctl;
struct pic8259;
struct ioapic;
struct pit8254;
struct cmos;
struct platform;

#define MACHINE_MAX_CPUS 8
#define MACHINE_MAX_EXITS 8        /* -device isa-debug-exit beyond the one at 0xf4 */
#define MACHINE_MAX_DEBUGCONS 4

/* The QEMU machine type whose memory map and chipset vtx models. */
enum machine_type {
    MACHINE_PC,     /* "pc": i440FX + PIIX3 (QEMU's default) */
    MACHINE_Q35,    /* "q35": Q35 + ICH9 */
};

/* What to build (machine_new_config). Zero means the default. */
struct machine_config {
    uint64_t ram;               /* bytes */
    int ncpu;
    enum machine_type type;
    uint64_t max_ram_below_4g;  /* -machine max-ram-below-4g=; 0: QEMU's default */
    bool devices;               /* the standard devices */
    /* With devices: */
    bool no_com1;               /* -serial none */
    struct chardev *com1;       /* COM1's back end (not owned); NULL: stdin/stdout */
    struct { uint16_t base, size; } exits[MACHINE_MAX_EXITS];
    int nexits;                 /* isa-debug-exit devices besides the one at 0xf4 */
    struct { uint16_t base; uint8_t readback; struct chardev *chr; } debugcons[MACHINE_MAX_DEBUGCONS];
    int ndebugcons;             /* isa-debugcon devices (back ends not owned) */
};

/* How the machine ended (also the process exit status policy in main.c). */
enum machine_exit {
    MEXIT_NONE,        /* still running */
    MEXIT_DEBUG_PORT,  /* isa-debug-exit: status = (value << 1) | 1 */
    MEXIT_SHUTDOWN,    /* "Shutdown" on port 0x8900, ACPI off: status 0 */
    MEXIT_TRIPLE,      /* triple fault: status 3 */
    MEXIT_HALTED,      /* every CPU halted with interrupts off: status 4 */
    MEXIT_RESET,       /* the guest asked for a reset (0x64, 0xCF9, 0x92): status 0 */
};

#define EXIT_STATUS_TRIPLE 3
#define EXIT_STATUS_HALTED 4
#define EXIT_STATUS_HOSTERR 2

/* The PC memory map (QEMU's "pc" and "q35" machines): RAM from 0 up to
 * the machine's split below 4 GiB (memmap.c), the rest of RAM from 4 GiB;
 * the legacy VGA window is a hole. */
#define MEM_LOW_MAX     0xE0000000ull   /* 3.5 GiB: pc's default max-ram-below-4g */
#define MEM_HIGH_BASE   0x100000000ull  /* RAM above 3.5 GiB appears at 4 GiB */
#define MEM_VGA_BASE    0xA0000ull      /* legacy VGA window: nothing behind it */
#define MEM_VGA_END     0xC0000ull
#define MEM_PAGE_SHIFT  12
#define MEM_PAGE_SIZE   (1ull << MEM_PAGE_SHIFT)
/* Largest -m we accept: bounded so that page_gen and friends stay small. */
#define MEM_MAX_RAM     (1ull << 40)

struct machine {
    uint8_t *ram;
    uint64_t ram_size;        /* bytes of RAM (guest-physical 0 .. below_4g, then 4G ..) */
    uint64_t ram_below_4g;    /* RAM mapped at [0, ram_below_4g); the rest from 4 GiB */
    enum machine_type type;
    struct bus bus;
    struct vclock clock;      /* machine time and timer events (clock.h) */

    struct cpu *cpu[MACHINE_MAX_CPUS];
    int ncpu;
    /* The CPU whose turn it is (run.c), NULL between turns: the clock
     * reads its time (clock.c). */
    struct cpu *running;

    /* Decoded-code invalidation: one generation per 4-KiB RAM page, and a
     * bit per page saying decoded code exists for it (emu/cpu/codecache.c).
     * code_bits has one byte per page, so it serves as a bitmap or a byte
     * map. Pages are numbered by RAM offset: see phys_page_index(). */
    uint32_t *page_gen;
    uint8_t *code_bits;
    uint64_t npages;

    enum machine_exit exit_kind;
    int exit_value;           /* debug-exit value written by the guest */
    bool stop;                /* asks the run loop to stop */
    uint32_t debug;           /* -d flags, copied into each CPU */
    FILE *trace;              /* where -d traces go (-D FILE); stderr by default */

    /* The standard devices (NULL when created without them). */
    struct uart16550 *com1;   /* NULL also with -serial none */
    struct debugexit *debugexit;   /* the one at 0xf4 */
    struct shutdown_port *shutdown;
    struct port92 *port92;
    struct i8042 *kbc;
    struct resetctl *resetctl;
    struct pic8259 *pic;      /* the 8259 pair; its INT drives CPU 0 */
    struct ioapic *ioapic;    /* the I/O APIC at 0xFEC00000 */
    struct pit8254 *pit;      /* the 8254 timer and port 0x61 */
    struct cmos *cmos;        /* the RTC and CMOS RAM */
    struct platform *platform;     /* fw_cfg, pc-testdev, ACPI (platform.c) */
    /* Devices asked for on the command line. */
    struct debugexit *exits[MACHINE_MAX_EXITS];
    int nexits;
    struct debugcon *debugcons[MACHINE_MAX_DEBUGCONS];
    int ndebugcons;
};

/* A machine with `ram` bytes of RAM and `ncpu` CPUs, with the standard
 * devices (COM1 on stdin/stdout, debug-exit at 0xf4, shutdown port 0x8900,
 * port 0x92, the keyboard controller, reset control 0xCF9) when `devices`
 * is set; QEMU's "pc" machine. Returns NULL and a one-line reason in err
 * when it cannot. */
struct machine *machine_new(uint64_t ram, int ncpu, bool devices, char *err, size_t errlen);
/* The same from a full configuration (main.c). */
struct machine *machine_new_config(const struct machine_config *cfg, char *err, size_t errlen);
void machine_free(struct machine *m);

/* The board alone: RAM, memory map, buses and devices, no CPUs (board.c).
 * machine_new builds on it; tests that need no CPU use it directly. */
struct machine *machine_new_board(uint64_t ram, bool devices, char *err, size_t errlen);
struct machine *machine_new_board_config(const struct machine_config *cfg, char *err, size_t errlen);
void machine_free_board(struct machine *m);
/* Write out buffered device output (the UART, debug consoles), e.g.
 * before exiting. */
void machine_flush(struct machine *m);
/* The descriptor COM1 reads on stdio: stdin, or -1 when stdin is a
 * terminal that belongs to another process group (vtx in the background:
 * reading it would stop vtx). */
int machine_stdin_fd(void);
/* ISA interrupt line irq (0..15) at level: to the 8259 pair and to the
 * I/O APIC pin the MADT names (IRQ 0 -> GSI 2, the others identity). */
void machine_set_isa_irq(struct machine *m, int irq, bool level);

/* Guest-physical memory. phys_ptr returns the host address of RAM behind
 * pa if [pa, pa+len) lies in RAM, else NULL. phys_read/phys_write handle
 * RAM, MMIO and holes (all-ones on read, writes ignored); size is 1, 2, 4
 * or 8 and the value is little-endian. */
static inline uint8_t *phys_ptr(struct machine *m, uint64_t pa, uint64_t len)
{
    uint64_t low = m->ram_below_4g;
    if (pa < low && len <= low - pa) {
        /* Memory map: the VGA window [0xA0000, 0xC0000) is not RAM. */
        if (pa + len <= MEM_VGA_BASE || pa >= MEM_VGA_END)
            return m->ram + pa;
        return NULL;
    }
    uint64_t high = m->ram_size - low;
    if (pa >= MEM_HIGH_BASE && pa - MEM_HIGH_BASE < high &&
        len <= high - (pa - MEM_HIGH_BASE))
        return m->ram + low + (pa - MEM_HIGH_BASE);
    return NULL;
}

/* The index into page_gen/code_bits of the RAM page holding pa, or -1 if
 * pa is not RAM (the VGA window counts as not RAM). */
static inline int64_t phys_page_index(struct machine *m, uint64_t pa)
{
    uint8_t *p = phys_ptr(m, pa, 1);
    return p ? (int64_t)((uint64_t)(p - m->ram) >> MEM_PAGE_SHIFT) : -1;
}

uint64_t phys_read(struct machine *m, uint64_t pa, int size);
void phys_write(struct machine *m, uint64_t pa, int size, uint64_t val);
/* Copy into guest memory (loader); returns false if not all RAM. */
bool phys_copy_in(struct machine *m, uint64_t pa, const void *src, uint64_t len);
/* Fill guest RAM with zeros (loader: bss); false if not all RAM. */
bool phys_zero(struct machine *m, uint64_t pa, uint64_t len);
/* Copy out of guest RAM (tests, debugging); false if not all RAM. */
bool phys_copy_out(struct machine *m, uint64_t pa, void *dst, uint64_t len);

/* Run every CPU until the machine stops; returns the process exit status. */
int machine_run(struct machine *m);
/* Some CPU other than self is neither halted nor waiting for a start-up
 * IPI with nothing to wake it (PAUSE asks: emu/cpu/misc.c). */
bool machine_others_can_run(const struct machine *m, const struct cpu *self);
void machine_request_exit(struct machine *m, enum machine_exit kind, int value);
/* A device asked for a reset: vtx does not reboot; the machine ends with
 * status 0 and "vtx: the guest reset the machine" on stderr (exit.c). */
void machine_request_reset(struct machine *m);
/* The process exit status for how the machine ended (exit.c). */
int machine_exit_status(const struct machine *m);

/* Where -d traces are printed: the machine's -D file, or stderr. */
static inline FILE *machine_trace(const struct machine *m)
{
    return m && m->trace ? m->trace : stderr;
}

#endif
