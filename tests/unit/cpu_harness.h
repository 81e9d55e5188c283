/* The machine/CPU harness shared by the CPU unit tests (test_sse.c,
 * test_x87.c): one machine with one CPU in 64-bit mode over the low 64 MiB
 * identity-mapped, and hand-encoded code run up to a HLT. Static inline
 * functions in a header, because mk/unit.mk links each test from its own
 * object and libvtx.a only. */
#ifndef CPU_HARNESS_H
#define CPU_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "machine/machine.h"
#include "x86/paging.h"

static struct machine *m;
static struct cpu *c;

static inline void put(uint64_t pa, const void *p, size_t n) { phys_copy_in(m, pa, p, n); }
static inline void get(uint64_t pa, void *p, size_t n) { phys_copy_out(m, pa, p, n); }

/* Creates the machine (64 MiB, one CPU) into m and c; prints the FAIL line
 * of test `name` and returns false when it cannot. */
static inline bool harness_open(const char *name)
{
    char err[200];
    m = machine_new(64 << 20, 1, false, err, sizeof err);
    if (!m) {
        printf("FAIL %s: machine_new: %s\n", name, err);
        return false;
    }
    c = m->cpu[0];
    return true;
}

/* PML4 at pt, PDPT at pt + 0x1000, PD at pt + 0x2000: the low 64 MiB
 * identity-mapped with 2-MiB pages, present, writable and user. */
static inline void harness_map_low(uint64_t pt)
{
    static uint64_t pml4[512], pdpt[512], pd[512];
    memset(pml4, 0, sizeof pml4);
    memset(pdpt, 0, sizeof pdpt);
    pml4[0] = (pt + 0x1000) | PTE_P | PTE_W | PTE_U;
    pdpt[0] = (pt + 0x2000) | PTE_P | PTE_W | PTE_U;
    for (uint64_t k = 0; k < 512; k++)
        pd[k] = k < 32 ? (k << 21) | PTE_P | PTE_W | PTE_U | PTE_PS : 0;
    put(pt, pml4, sizeof pml4);
    put(pt + 0x1000, pdpt, sizeof pdpt);
    put(pt + 0x2000, pd, sizeof pd);
}

/* A reset CPU in 64-bit mode over harness_map_low(pt), stopping on
 * exceptions, with RSP = 0x9000. */
static inline void harness_reset_long64(uint64_t pt)
{
    cpu_reset(c);
    harness_map_low(pt);
    cpu_set_long64(c, pt);
    c->stop_on_exception = true;
    c->r[R_SP] = 0x9000;
}

/* Runs the n bytes of code at code_pa followed by HLT, for at most steps
 * instructions; returns -1 when HLT is reached, else the exception vector
 * (RIP then points at the faulting instruction), or -2 when neither. */
static inline int harness_run(uint64_t code_pa, const uint8_t *code, size_t n, uint64_t steps)
{
    static const uint8_t hlt = 0xf4;
    put(code_pa, code, n);
    put(code_pa + n, &hlt, 1);
    c->rip = code_pa;
    c->halted = false;
    c->stopped_vector = -1;
    enum cpu_stop st = cpu_run(c, c->icount + steps);
    if (st == STOP_EXCEPTION)
        return c->stopped_vector;
    return st == STOP_HLT ? -1 : -2;
}

/* RUN(bytes...): the test's run() on a compound-literal byte array. */
#define RUN(...) run((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

#endif
