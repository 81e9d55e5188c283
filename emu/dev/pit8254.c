/* The Intel 8254 programmable interval timer (Intel 8254 datasheet): three
 * 16-bit down counters clocked at 1.193182 MHz, derived from the machine's
 * virtual clock (clock.h), so nothing runs per instruction: counts and
 * outputs are computed from the time since the count was loaded, and
 * channel 0's rising OUT edges are timer events that pulse IRQ 0 on the
 * PIC. Modes 0-5, LSB/MSB/word access, the counter latch and read-back
 * commands, and BCD counting (count 0 = 10000) are modelled. Channel 0 and
 * 1 gates are tied high; channel 2's gate is port 0x61 bit 0 and its OUT
 * reads as bit 5 (bit 4 toggles every 15.085 us like the refresh clock).
 * The gate, as the datasheet's "Gate Pin Operations Summary" has it: in
 * modes 0 and 4 a low gate suspends counting (the count holds, OUT keeps
 * its level); in modes 2 and 3 it stops counting and forces OUT high, and
 * its rising edge reloads the count; in modes 1 and 5 its rising edge
 * triggers (reloads) the count. Simplifications: mode 3 counts by two as on QEMU (the half-periods of an odd count are
 * rounded); OUT levels change at whole input clocks. */
#include "pit8254.h"

#include <stdlib.h>

#include "dev/pic8259.h"
#include "machine/machine.h"

enum { RW_LATCH, RW_LSB, RW_MSB, RW_WORD, RW_WORD_MSB };

static uint64_t ns_to_ticks(uint64_t ns)
{
    return (uint64_t)(((unsigned __int128)ns * PIT_HZ) / CLOCK_NS_PER_SEC);
}

static uint64_t ticks_to_ns(uint64_t t)
{
    return (uint64_t)(((unsigned __int128)t * CLOCK_NS_PER_SEC + PIT_HZ - 1) / PIT_HZ);
}

static bool triggered_mode(const struct pit_channel *ch)
{
    return ch->mode == 1 || ch->mode == 5;
}

/* Counting now: loaded, and in modes 2 and 3 the gate is high. */
static bool running(const struct pit_channel *ch)
{
    return ch->counting && (ch->gate || (ch->mode != 2 && ch->mode != 3));
}

/* Modes 0 and 4 with the gate low: counting is suspended. */
static bool suspended(const struct pit_channel *ch)
{
    return !ch->gate && (ch->mode == 0 || ch->mode == 4);
}

/* Input clocks counted since the count was loaded. */
static uint64_t elapsed(const struct pit8254 *p, const struct pit_channel *ch, uint64_t now)
{
    (void)p;
    if (suspended(ch))
        return ch->held;
    return ch->held + (now > ch->load_time ? ns_to_ticks(now - ch->load_time) : 0);
}

static uint32_t counter(struct pit8254 *p, const struct pit_channel *ch, uint64_t now)
{
    if (!running(ch))
        return ch->count;
    uint64_t d = elapsed(p, ch, now);
    uint32_t mod = ch->bcd ? 10000 : 65536;
    switch (ch->mode) {
    case 2:
        return ch->count - (uint32_t)(d % ch->count);
    case 3:
        return ch->count - (uint32_t)((2 * d) % ch->count);
    default:
        return (uint32_t)((ch->count + mod - d % mod) % mod);
    }
}

static bool out_at(struct pit8254 *p, const struct pit_channel *ch, uint64_t now)
{
    if (!running(ch))
        return ch->mode != 0;
    uint64_t d = elapsed(p, ch, now);
    switch (ch->mode) {
    case 0: case 1: return d >= ch->count;
    case 2: return ch->count == 1 || d % ch->count != ch->count - 1;
    case 3: return d % ch->count < (ch->count + 1) / 2;
    default: return d != ch->count;   /* 4, 5: low for one clock */
    }
}

bool pit_out(struct pit8254 *p, int c)
{
    return out_at(p, &p->ch[c], clock_now(p->m));
}

/* The next rising edge of OUT after `now`, or CLOCK_NEVER. */
static uint64_t next_rise(struct pit8254 *p, const struct pit_channel *ch, uint64_t now)
{
    if (!running(ch) || suspended(ch))
        return CLOCK_NEVER;
    uint64_t d = elapsed(p, ch, now), tick;
    switch (ch->mode) {
    case 0: case 1:
        if (d >= ch->count)
            return CLOCK_NEVER;
        tick = ch->count;
        break;
    case 2: case 3:
        tick = (d / ch->count + 1) * ch->count;
        break;
    default:
        if (d > ch->count)
            return CLOCK_NEVER;
        tick = ch->count + 1;
        break;
    }
    return ch->load_time + ticks_to_ns(tick - ch->held);
}

static void schedule_irq0(struct pit8254 *p, uint64_t from)
{
    clock_arm(&p->irq0, next_rise(p, &p->ch[0], from));
}

static void irq0_event(void *ctx, uint64_t when)
{
    struct pit8254 *p = ctx;
    if (p->pic) {
        machine_set_isa_irq(p->m, 0, true);
        machine_set_isa_irq(p->m, 0, false);
    }
    schedule_irq0(p, when);   /* from the ideal time: the rate stays exact */
}

static uint32_t from_bcd(uint32_t v)
{
    return (v & 0xf) + ((v >> 4) & 0xf) * 10 + ((v >> 8) & 0xf) * 100 + ((v >> 12) & 0xf) * 1000;
}

static uint16_t to_bcd(uint32_t v)
{
    return (uint16_t)((v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12);
}

static void load_count(struct pit8254 *p, int c, uint32_t val)
{
    struct pit_channel *ch = &p->ch[c];
    if (ch->bcd)
        val = from_bcd(val);
    if (val == 0)
        val = ch->bcd ? 10000 : 65536;
    ch->count = val;
    ch->null_count = false;
    /* Modes 1 and 5 wait for a gate trigger; a new count in mode 2 or 3
     * starts a fresh period here (the datasheet reloads at the end of the
     * current one). */
    if (!triggered_mode(ch)) {
        ch->load_time = clock_now(p->m);
        ch->held = 0;
        ch->counting = true;
    }
    if (c == 0)
        schedule_irq0(p, clock_now(p->m));
}

static void write_count(struct pit8254 *p, int c, uint8_t val)
{
    struct pit_channel *ch = &p->ch[c];
    switch (ch->write_state) {
    case RW_LSB: load_count(p, c, val); break;
    case RW_MSB: load_count(p, c, (uint32_t)val << 8); break;
    case RW_WORD:
        ch->lsb = val;
        ch->write_state = RW_WORD_MSB;
        if (ch->mode == 0) {       /* writing the first byte stops the count */
            ch->counting = false;
            if (c == 0)
                clock_cancel(&p->irq0);
        }
        break;
    case RW_WORD_MSB:
        ch->write_state = RW_WORD;
        load_count(p, c, ch->lsb | (uint32_t)val << 8);
        break;
    }
}

static uint16_t visible_count(struct pit8254 *p, const struct pit_channel *ch)
{
    uint32_t v = counter(p, ch, clock_now(p->m));
    return ch->bcd ? to_bcd(v % 10000) : (uint16_t)v;
}

static void latch_count(struct pit8254 *p, int c)
{
    struct pit_channel *ch = &p->ch[c];
    if (ch->latch_state)
        return;    /* a second latch before the read is ignored */
    ch->latched = visible_count(p, ch);
    ch->latch_state = ch->rw == RW_WORD ? RW_WORD : ch->rw;
}

static void latch_status(struct pit8254 *p, int c)
{
    struct pit_channel *ch = &p->ch[c];
    if (ch->status_latched)
        return;
    ch->status = (uint8_t)(pit_out(p, c) << 7 | ch->null_count << 6 | ch->rw << 4 |
                           ch->mode << 1 | ch->bcd);
    ch->status_latched = true;
}

static void control_word(struct pit8254 *p, uint8_t val)
{
    int c = val >> 6;
    if (c == 3) {                   /* read-back */
        for (c = 0; c < 3; c++) {
            if (!(val & (2 << c)))
                continue;
            if (!(val & 0x20))
                latch_count(p, c);
            if (!(val & 0x10))
                latch_status(p, c);
        }
        return;
    }
    struct pit_channel *ch = &p->ch[c];
    int access = (val >> 4) & 3;
    if (access == RW_LATCH) {
        latch_count(p, c);
        return;
    }
    ch->rw = (uint8_t)access;
    ch->read_state = ch->write_state = (uint8_t)access;
    ch->mode = (val >> 1) & 7;
    if (ch->mode > 5)
        ch->mode -= 4;              /* 6, 7 are 2, 3 */
    ch->bcd = val & 1;
    ch->null_count = true;
    ch->counting = false;           /* until a count is written */
    ch->held = 0;
    if (c == 0)
        clock_cancel(&p->irq0);
}

static void set_gate2(struct pit8254 *p, bool gate)
{
    struct pit_channel *ch = &p->ch[2];
    uint64_t now = clock_now(p->m);
    if (gate == ch->gate)
        return;
    if (ch->mode == 0 || ch->mode == 4) {
        if (!gate)
            ch->held = elapsed(p, ch, now);   /* suspend: the count holds */
        else
            ch->load_time = now;              /* resume from the held count */
    } else if (gate && ch->count && !ch->null_count) {
        ch->load_time = now;                  /* trigger, or restart the period */
        ch->held = 0;
        ch->counting = true;
    }
    ch->gate = gate;
}

static uint8_t read_count(struct pit8254 *p, int c)
{
    struct pit_channel *ch = &p->ch[c];
    if (ch->status_latched) {
        ch->status_latched = false;
        return ch->status;
    }
    uint16_t v;
    uint8_t *state = ch->latch_state ? &ch->latch_state : &ch->read_state;
    v = ch->latch_state ? ch->latched : visible_count(p, ch);
    switch (*state) {
    case RW_LSB:
        if (ch->latch_state)
            ch->latch_state = 0;
        return (uint8_t)v;
    case RW_MSB:
        if (ch->latch_state)
            ch->latch_state = 0;
        return (uint8_t)(v >> 8);
    case RW_WORD:
        *state = RW_WORD_MSB;
        return (uint8_t)v;
    default:   /* RW_WORD_MSB */
        *state = ch->latch_state ? 0 : RW_WORD;
        return (uint8_t)(v >> 8);
    }
}

uint8_t pit_read(struct pit8254 *p, uint16_t port)
{
    if (port == PIT_PORT61) {
        bool refresh = (clock_now(p->m) / 15085) & 1;
        return (uint8_t)(p->ch[2].gate | p->speaker_data << 1 | refresh << 4 | pit_out(p, 2) << 5);
    }
    if (port == PIT_BASE + 3)
        return 0xff;                /* the control word register cannot be read */
    return read_count(p, port - PIT_BASE);
}

void pit_write(struct pit8254 *p, uint16_t port, uint8_t val)
{
    if (port == PIT_PORT61) {
        set_gate2(p, val & 1);
        p->speaker_data = (val >> 1) & 1;
    } else if (port == PIT_BASE + 3) {
        control_word(p, val);
    } else {
        write_count(p, port - PIT_BASE, val);
    }
}

static uint32_t pit_in(void *dev, uint16_t port, int size)
{
    (void)size;
    return pit_read(dev, port);
}

static void pit_outp(void *dev, uint16_t port, int size, uint32_t val)
{
    (void)size;
    pit_write(dev, port, (uint8_t)val);
}

struct pit8254 *pit_new(struct machine *m, struct pic8259 *pic)
{
    struct pit8254 *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    p->pic = pic;
    for (int c = 0; c < 3; c++)
        p->ch[c].gate = c != 2;
    if (!clock_register(m, &p->irq0, irq0_event, p) ||
        bus_add_ports(&m->bus, PIT_BASE, 4, pit_in, pit_outp, p) != 0 ||
        bus_add_ports(&m->bus, PIT_PORT61, 1, pit_in, pit_outp, p) != 0) {
        clock_unregister(m, &p->irq0);
        free(p);
        return NULL;
    }
    return p;
}

void pit_free(struct pit8254 *p)
{
    if (!p)
        return;
    clock_unregister(p->m, &p->irq0);
    free(p);
}
