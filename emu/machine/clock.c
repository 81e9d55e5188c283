/* The virtual clock and timer events (clock.h): 1 instruction = 1 ns. */
#include "clock.h"

#include "cpu/cpu.h"
#include "machine.h"

uint64_t clock_now(const struct machine *m)
{
    return m->running ? cpu_time(m->running) : m->clock.now;
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

uint64_t clock_read(struct cpu *c)
{
    uint64_t *latest = &c->m->clock.latest_read;
    if (cpu_time(c) < *latest)
        c->icount += *latest - cpu_time(c);
    *latest = cpu_time(c);
    return *latest;
}

void clock_catch_up(struct cpu *c, uint64_t t)
{
    if (cpu_time(c) < t)
        c->idle_ns += t - cpu_time(c);
}

void clock_skip_to(struct machine *m, uint64_t t)
{
    if (t > m->clock.now)
        m->clock.now = t;
    for (int i = 0; i < m->ncpu; i++)
        clock_catch_up(m->cpu[i], m->clock.now);
    clock_run_due(m);
}
