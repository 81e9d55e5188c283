/* The machine's virtual clock and timer events. Time is virtual and
 * deterministic (DESIGN.md "Speed"): machine time in nanoseconds is CPU 0's
 * retired-instruction count plus an offset, so one instruction is one
 * nanosecond and the TSC runs at 1 GHz. When every CPU is halted waiting
 * for an interrupt, the run loop jumps the clock to the next armed event
 * (clock_skip_to) and moves each CPU's TSC offset by the same amount, so
 * RDTSC keeps equal to machine time.
 *
 * Devices own their struct clock_event, register it once (clock_register)
 * and arm it at an absolute time; the run loop fires due events between
 * CPU quanta and ends each quantum at the next event, so an event fires at
 * its time unless it was armed during the quantum for a time before the
 * quantum's end (then it fires at the end of the quantum, at most
 * RUN_QUANTUM ns late; periodic devices compute their next time from the
 * ideal time, not the firing time, so their rate stays exact). */
#ifndef EMU_CLOCK_H
#define EMU_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

#define CLOCK_NS_PER_SEC 1000000000ull
#define CLOCK_NEVER UINT64_MAX
#define CLOCK_MAX_EVENTS 16

struct clock_event {
    uint64_t when;                  /* absolute ns; CLOCK_NEVER: not armed */
    void (*fn)(void *ctx, uint64_t when);
    void *ctx;
};

struct vclock {
    uint64_t offset_ns;             /* time skipped while halted (and board-only time) */
    struct clock_event *ev[CLOCK_MAX_EVENTS];
    int nev;
};

/* Machine time in ns. */
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
/* Move time forward to t (no-op if t is not later): adds to the offset and
 * to every CPU's TSC offset; then fires what is due. */
void clock_skip_to(struct machine *m, uint64_t t);

#endif
