/* The machine's virtual clock and timer events. Time is virtual and
 * deterministic (DESIGN.md "Speed"): every CPU has its own clock in
 * nanoseconds, cpu_time() = its retired-instruction count (one instruction
 * is one nanosecond, a few slow ones more: cpu_spend) plus the time it
 * spent idle; the TSC runs at 1 GHz on it. The CPUs run in turns
 * (emu/machine/run.c) that end together at a common time, the machine
 * time; a CPU that halts, waits for a start-up IPI or yields (PAUSE) is
 * moved to the end of the turn as if it had waited there, so the CPUs'
 * clocks, and their TSCs, agree at every turn's end. During a CPU's turn
 * clock_now() is that CPU's clock, so what it reads from a device matches
 * its TSC. When every CPU is halted waiting for an interrupt, the run loop
 * jumps the clock to the next armed event (clock_skip_to).
 *
 * Devices own their struct clock_event, register it once (clock_register)
 * and arm it at an absolute time; the run loop fires due events between
 * turns and ends each turn at the next event, so an event fires at its
 * time unless it was armed during a turn for a time before the turn's end
 * (then it fires at the end of the turn, at most one turn late; periodic
 * devices compute their next time from the ideal time, not the firing
 * time, so their rate stays exact). */
#ifndef EMU_CLOCK_H
#define EMU_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct cpu;

#define CLOCK_NS_PER_SEC 1000000000ull
#define CLOCK_NEVER UINT64_MAX
#define CLOCK_MAX_EVENTS 16

struct clock_event {
    uint64_t when;                  /* absolute ns; CLOCK_NEVER: not armed */
    void (*fn)(void *ctx, uint64_t when);
    void *ctx;
};

struct vclock {
    uint64_t now;                   /* machine time: where the last turn ended */
    uint64_t latest_read;           /* the latest time a CPU read (clock_read) */
    struct clock_event *ev[CLOCK_MAX_EVENTS];
    int nev;
};

/* Time in ns: the running CPU's clock during its turn, else machine time. */
uint64_t clock_now(const struct machine *m);
/* Register a device's event (disarmed); false if the table is full. */
bool clock_register(struct machine *m, struct clock_event *e, void (*fn)(void *ctx, uint64_t when), void *ctx);
void clock_unregister(struct machine *m, struct clock_event *e);
static inline void clock_arm(struct clock_event *e, uint64_t when) { e->when = when; }
static inline void clock_cancel(struct clock_event *e) { e->when = CLOCK_NEVER; }
/* The earliest armed event time, or CLOCK_NEVER. */
uint64_t clock_next(const struct machine *m);
/* Fire every event due at the current time (earliest first). */
void clock_run_due(struct machine *m);
/* Move machine time forward to t (no-op if t is not later), every CPU's
 * clock that is behind t with it (as if idle); then fire what is due. */
void clock_skip_to(struct machine *m, uint64_t t);
/* A CPU reads the time (its TSC): the CPUs' TSCs are synchronized, so a
 * time read on one CPU and passed to another must not be ahead of what
 * that one then reads. Within a turn a CPU can be behind one that ran
 * before it, so a CPU whose clock is behind the latest time any CPU has
 * read stalls until then (its clock moves there as if the read took that
 * long). Returns its clock. */
uint64_t clock_read(struct cpu *c);
/* Move a CPU's clock that is behind t to t: it was idle until then. */
void clock_catch_up(struct cpu *c, uint64_t t);

#endif
