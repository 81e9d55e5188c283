/* The local APIC of each CPU in xAPIC mode (SDM Vol. 3A, chapter 11
 * "Advanced Programmable Interrupt Controller (APIC)"): MMIO registers in
 * the page IA32_APIC_BASE names, x2APIC MSRs, interrupt acceptance and priority, the APIC timer on the
 * virtual clock, the LVT, and the ICR for IPIs (fixed, NMI, INIT, SIPI). */
#ifndef EMU_LAPIC_H
#define EMU_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/clock.h"

struct machine;
struct cpu;

#define LAPIC_BASE      0xFEE00000ull
#define LAPIC_VERSION   0x00050014u   /* as QEMU: version 0x14, max LVT 5 */

/* Register offsets. */
#define LAPIC_ID        0x020
#define LAPIC_VER       0x030
#define LAPIC_TPR       0x080
#define LAPIC_APR       0x090
#define LAPIC_PPR       0x0A0
#define LAPIC_EOI       0x0B0
#define LAPIC_LDR       0x0D0
#define LAPIC_DFR       0x0E0
#define LAPIC_SVR       0x0F0
#define LAPIC_ISR       0x100
#define LAPIC_TMR       0x180
#define LAPIC_IRR       0x200
#define LAPIC_ESR       0x280
#define LAPIC_LVT_CMCI  0x2F0
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERM 0x330
#define LAPIC_LVT_PERF  0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_ICR 0x380
#define LAPIC_TIMER_CCR 0x390
#define LAPIC_TIMER_DCR 0x3E0

enum { LVT_TIMER, LVT_THERM, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_N };

#define LVT_MASKED      (1u << 16)
#define LVT_DM_SHIFT    8
#define DM_FIXED  0
#define DM_LOWEST 1
#define DM_SMI    2
#define DM_NMI    4
#define DM_INIT   5
#define DM_SIPI   6
#define DM_EXTINT 7

struct lapic {
    struct machine *m;
    struct cpu *cpu;
    uint8_t id;
    uint8_t tpr;
    uint32_t ldr, dfr, svr, esr, esr_pending;
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t lvt[LVT_N];
    uint32_t icr_lo, icr_hi;
    /* Timer: counts down at 1 GHz / divide (see lapic.c). */
    uint32_t timer_initial, dcr;
    int timer_shift;               /* log2 of the divide value */
    uint64_t timer_load;           /* ns: the count was (re)loaded */
    struct clock_event timer_ev;
    bool wait_sipi;                /* INIT received: waiting for a start-up IPI */
    bool extint;                   /* LINT0 ExtINT input (the 8259's INT) */
    bool ioapic_extint;            /* an I/O APIC ExtINT message, until acknowledged */
    uint64_t deadline;             /* IA32_TSC_DEADLINE (TSC-deadline mode) */
};

/* A local APIC for CPU c, attached to it (c->lapic, intr_ack, apic_page).
 * NULL if out of memory or clock events. */
struct lapic *lapic_new(struct machine *m, struct cpu *c);
void lapic_free(struct lapic *a);
/* Power-up / INIT state (SDM Vol. 3A "Local APIC State After Power-Up or
 * Reset"), with LINT0 = ExtINT on the BSP as QEMU leaves it. */
void lapic_reset(struct lapic *a);
/* Register access by offset (MMIO and tests). */
uint32_t lapic_read(struct lapic *a, uint32_t off);
void lapic_write(struct lapic *a, uint32_t off, uint32_t val);
/* The 8259's INT output, wired to LINT0. */
void lapic_set_lint0(struct lapic *a, bool level);
/* Raise a fixed interrupt with this vector (IPIs, timer, LVT). */
void lapic_accept(struct lapic *a, int vector);
/* The same from the I/O APIC: level sets the TMR bit, whose EOI is then
 * broadcast to the I/O APIC (ioapic_eoi). */
void lapic_accept_trig(struct lapic *a, int vector, bool level);
/* An NMI message; an ExtINT message (the next INTA reads the 8259). */
void lapic_nmi(struct lapic *a);
void lapic_extint(struct lapic *a);
/* An interrupt message: from an ICR (src, shorthand) or the I/O APIC
 * (src NULL, SH_NONE). */
enum { SH_NONE, SH_SELF, SH_ALL, SH_OTHERS };
struct apic_msg {
    uint32_t dest;                 /* APIC ID / logical ID (x2APIC: 32 bits) */
    bool logical, level;
    int dm, vector, shorthand;
};
void lapic_send(struct machine *m, struct lapic *src, const struct apic_msg *msg);
/* The xAPIC register page, for this CPU's accesses to cpu.apic_page. */
uint64_t lapic_mmio_read(struct lapic *a, uint32_t off, int size);
void lapic_mmio_write(struct lapic *a, uint32_t off, int size, uint64_t val);
/* This APIC is named by a physical (APIC ID, 0xFF all) or logical
 * (LDR/DFR) destination. */
bool lapic_dest_match(const struct lapic *t, uint32_t dest, bool logical);
/* The INIT this CPU sent itself (cpu.init_pending), taken by the run loop
 * between instructions. */
void lapic_init_self(struct lapic *a);
/* For cpu->intr_ack. */
int lapic_intr_ack(void *lapic);
/* The timer is armed and not masked (a halted CPU may yet be woken). */
bool lapic_timer_may_wake(const struct lapic *a);
/* IA32_APIC_BASE changed from `old` (msr.c has checked the transition):
 * global disable resets the APIC; EXTD selects x2APIC mode. */
void lapic_base_changed(struct lapic *a, uint64_t old);
/* x2APIC MSRs 0x800-0x8FF; false means #GP(0). */
bool lapic_msr_read(struct lapic *a, uint32_t index, uint64_t *v);
bool lapic_msr_write(struct lapic *a, uint32_t index, uint64_t v);
/* IA32_TSC_DEADLINE, given this CPU's TSC now. */
uint64_t lapic_get_deadline(const struct lapic *a);
void lapic_set_deadline(struct lapic *a, uint64_t v, uint64_t tsc);
/* MOV to/from CR8: TPR[7:4]. */
void lapic_set_cr8(struct lapic *a, uint64_t v);
uint64_t lapic_get_cr8(const struct lapic *a);

#endif
