/* The virtual clock and timer events (clock.h): 1 instruction = 1 ns. */
#include "clock.h"

#include "cpu/cpu.h"
#include "machine.h"

uint64_t clock_now(const struct machine *m)
{
    return (m->ncpu ? m->cpu[0]->icount : 0) + m->clock.offset_ns;
}

bool clock_register(struct machine *m, struct clock_event *e, void (*fn)(void *ctx, uint64_t when), void *ctx)
{
    if (m->clock.nev >= CLOCK_MAX_EVENTS)
        return false;
    *e = (struct clock_event){ CLOCK_NEVER, fn, ctx };
    m->clock.ev[m->clock.nev++] = e;
    return true;
}

void clock_unregister(struct machine *m, struct clock_event *e)
{
    for (int i = 0; i < m->clock.nev; i++)
        if (m->clock.ev[i] == e) {
            m->clock.ev[i] = m->clock.ev[--m->clock.nev];
            return;
        }
}

static struct clock_event *earliest(const struct machine *m)
{
    struct clock_event *best = NULL;
    for (int i = 0; i < m->clock.nev; i++) {
        struct clock_event *e = m->clock.ev[i];
        if (e->when != CLOCK_NEVER && (!best || e->when < best->when))
            best = e;
    }
    return best;
}

uint64_t clock_next(const struct machine *m)
{
    struct clock_event *e = earliest(m);
    return e ? e->when : CLOCK_NEVER;
}

void clock_run_due(struct machine *m)
{
    uint64_t now = clock_now(m);
    struct clock_event *e;
    while ((e = earliest(m)) && e->when <= now) {
        uint64_t when = e->when;
        e->when = CLOCK_NEVER;     /* the callback may re-arm it */
        e->fn(e->ctx, when);
    }
}

void clock_skip_to(struct machine *m, uint64_t t)
{
    uint64_t now = clock_now(m);
    if (t > now) {
        uint64_t d = t - now;
        m->clock.offset_ns += d;
        for (int i = 0; i < m->ncpu; i++)
            m->cpu[i]->tsc_offset += d;
    }
    clock_run_due(m);
}
