/* The PC: RAM with its memory map, the buses, the CPUs and the run loop. */
#ifndef EMU_MACHINE_H
#define EMU_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

struct cpu;
struct uart16550;
struct debugexit;
struct shutdown_port;

#define MACHINE_MAX_CPUS 8

/* How the machine ended (also the process exit status policy in main.c). */
enum machine_exit {
    MEXIT_NONE,        /* still running */
    MEXIT_DEBUG_PORT,  /* isa-debug-exit: status = (value << 1) | 1 */
    MEXIT_SHUTDOWN,    /* "Shutdown" on port 0x8900, ACPI off: status 0 */
    MEXIT_TRIPLE,      /* triple fault: status 3 */
    MEXIT_HALTED,      /* every CPU halted with interrupts off: status 4 */
};

#define EXIT_STATUS_TRIPLE 3
#define EXIT_STATUS_HALTED 4
#define EXIT_STATUS_HOSTERR 2

/* The PC memory map (QEMU's "pc" machine): RAM from 0 up to at most
 * 3.5 GiB, the rest of RAM from 4 GiB; the legacy VGA window is a hole. */
#define MEM_LOW_MAX     0xE0000000ull   /* 3.5 GiB: PCI hole above */
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
    struct bus bus;

    struct cpu *cpu[MACHINE_MAX_CPUS];
    int ncpu;

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

    /* The standard devices (NULL when created without them). */
    struct uart16550 *com1;
    struct debugexit *debugexit;
    struct shutdown_port *shutdown;
};

/* A machine with `ram` bytes of RAM and `ncpu` CPUs, with the standard
 * devices (COM1, debug-exit, shutdown port) when `devices` is set.
 * Returns NULL and a one-line reason in err when it cannot. */
struct machine *machine_new(uint64_t ram, int ncpu, bool devices, char *err, size_t errlen);
void machine_free(struct machine *m);

/* The board alone: RAM, memory map, buses and devices, no CPUs (board.c).
 * machine_new builds on it; tests that need no CPU use it directly. */
struct machine *machine_new_board(uint64_t ram, bool devices, char *err, size_t errlen);
void machine_free_board(struct machine *m);
/* Write out buffered device output (the UART), e.g. before exiting. */
void machine_flush(struct machine *m);

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
void machine_request_exit(struct machine *m, enum machine_exit kind, int value);
/* The process exit status for how the machine ended (exit.c). */
int machine_exit_status(const struct machine *m);

#endif
