/* The PC's real-time clock and CMOS RAM, after the Motorola MC146818A
 * datasheet and QEMU's hw/rtc/mc146818rtc.c and pc_cmos_init (which bytes
 * a BIOS reads). Port 0x70 selects a register (bit 7 masks NMI: stored,
 * vtx raises no NMI from it), port 0x71 reads or writes it.
 *
 * The time is deterministic: machine time 0 (clock.h) is 2026-01-01
 * 00:00:00 UTC (CMOS_EPOCH); registers 0-9 give that plus machine time,
 * plus whatever offset the guest set by writing them. Register B keeps the
 * guest's format bits (default 0x02: 24-hour, BCD); D reads 0x80 (valid
 * RAM and time); C's flags clear on read.
 *
 * Update cycles happen at each whole second of machine time (the time
 * registers change then). A's UIP bit reads 1 during the 244 us before
 * each (the datasheet's tBUC; as QEMU). Each update sets C.UF, and C.AF
 * when the three alarm registers match the new time (an alarm byte of
 * 0xC0-0xFF matches any value). B.SET stops updates (the time holds and
 * can be written whole) and clears B.UIE. The periodic interrupt (rate
 * from A) sets C.PF. A flag whose enable bit in B is set (PIE, AIE, UIE)
 * also sets C.IRQF and raises IRQ 8 until C is read. Not modelled: the
 * divider bits of A stopping the clock, daylight saving (B.DSE). */
#include "cmos.h"

#include <stdlib.h>

#include "dev/pic8259.h"
#include "machine/machine.h"

#define REG_A_UIP  0x80
#define REG_B_SET  0x80
#define REG_B_PIE  0x40
#define REG_B_AIE  0x20
#define REG_B_UIE  0x10
#define REG_B_DM   0x04   /* binary */
#define REG_B_24H  0x02
#define REG_C_IRQF 0x80
#define REG_C_PF   0x40
#define REG_C_AF   0x20
#define REG_C_UF   0x10
#define UIP_NS     244141   /* 8 cycles of the 32.768 kHz time base */

struct tm_fields { int sec, min, hour, wday, day, mon, year; };

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant's
 * algorithms, public domain). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t time_at(const struct cmos *c, uint64_t machine_s)
{
    return (int64_t)CMOS_EPOCH + (int64_t)machine_s + c->delta_s;
}

static int64_t now_s(const struct cmos *c)
{
    return c->frozen ? c->frozen_s : time_at(c, clock_now(c->m) / CLOCK_NS_PER_SEC);
}

static void set_now_s(struct cmos *c, int64_t t)
{
    if (c->frozen)
        c->frozen_s = t;
    else
        c->delta_s += t - now_s(c);
}

static struct tm_fields split(int64_t t)
{
    struct tm_fields f;
    int64_t days = t / 86400, rem = t % 86400;
    f.sec = (int)(rem % 60);
    f.min = (int)(rem / 60 % 60);
    f.hour = (int)(rem / 3600);
    f.wday = (int)((days + 4) % 7) + 1;   /* 1970-01-01 was a Thursday; Sunday = 1 */
    civil_from_days(days, &f.year, &f.mon, &f.day);
    return f;
}

static int64_t join(const struct tm_fields *f)
{
    return days_from_civil(f->year, f->mon, f->day) * 86400 + f->hour * 3600 + f->min * 60 + f->sec;
}

static uint8_t enc(const struct cmos *c, int v)
{
    return (c->ram[RTC_REG_B] & REG_B_DM) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static int dec(const struct cmos *c, uint8_t v)
{
    return (c->ram[RTC_REG_B] & REG_B_DM) ? v : (v >> 4) * 10 + (v & 0xf);
}

static uint8_t enc_hour(const struct cmos *c, int h)
{
    if (c->ram[RTC_REG_B] & REG_B_24H)
        return enc(c, h);
    int h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(enc(c, h12) | (h >= 12 ? 0x80 : 0));
}

static int dec_hour(const struct cmos *c, uint8_t v)
{
    if (c->ram[RTC_REG_B] & REG_B_24H)
        return dec(c, v);
    int h = dec(c, v & 0x7f) % 12;
    return (v & 0x80) ? h + 12 : h;
}

static uint8_t time_reg(const struct cmos *c, int reg)
{
    struct tm_fields f = split(now_s(c));
    switch (reg) {
    case RTC_SECONDS: return enc(c, f.sec);
    case RTC_MINUTES: return enc(c, f.min);
    case RTC_HOURS: return enc_hour(c, f.hour);
    case RTC_WEEKDAY: return enc(c, f.wday);
    case RTC_DAY: return enc(c, f.day);
    case RTC_MONTH: return enc(c, f.mon);
    case RTC_YEAR: return enc(c, f.year % 100);
    default: return enc(c, f.year / 100);   /* RTC_CENTURY */
    }
}

/* The guest sets one field of the time: keep the rest running. */
static void set_time_reg(struct cmos *c, int reg, uint8_t val)
{
    int64_t cur = now_s(c);
    struct tm_fields f = split(cur);
    switch (reg) {
    case RTC_SECONDS: f.sec = dec(c, val) % 60; break;
    case RTC_MINUTES: f.min = dec(c, val) % 60; break;
    case RTC_HOURS: f.hour = dec_hour(c, val) % 24; break;
    case RTC_WEEKDAY: return;   /* derived from the date */
    case RTC_DAY: f.day = dec(c, val); break;
    case RTC_MONTH: f.mon = dec(c, val); break;
    case RTC_YEAR: f.year = f.year / 100 * 100 + dec(c, val) % 100; break;
    default: f.year = dec(c, val) * 100 + f.year % 100; break;   /* century */
    }
    if (f.day < 1 || f.day > 31 || f.mon < 1 || f.mon > 12)
        return;
    set_now_s(c, join(&f));
}

/* Periodic interrupt period: rate 1, 2 are 256 and 128 Hz; rate r >= 3
 * is 32768 >> (r - 1) Hz; 0 is off. Returns the period in units of
 * 1/32768 ns (so that 1024 Hz, 976562.5 ns, is exact), 0 if off. */
static uint64_t periodic_units(const struct cmos *c)
{
    int r = c->ram[RTC_REG_A] & 0xf;
    if (!r || !(c->ram[RTC_REG_B] & REG_B_PIE))
        return 0;
    if (r <= 2)
        r += 7;
    return CLOCK_NS_PER_SEC << (r - 1);
}

/* The first multiple of the period after `from`. */
static void schedule_periodic(struct cmos *c, uint64_t from)
{
    uint64_t p = periodic_units(c);
    if (!p) {
        clock_cancel(&c->periodic);
        return;
    }
    unsigned __int128 k = (unsigned __int128)from * 32768 / p + 1;
    clock_arm(&c->periodic, (uint64_t)((k * p + 32767) / 32768));
}

static void periodic_event(void *ctx, uint64_t when)
{
    struct cmos *c = ctx;
    c->ram[RTC_REG_C] |= REG_C_PF | REG_C_IRQF;
    if (c->pic)
        machine_set_isa_irq(c->m, 8, true);
    schedule_periodic(c, when);
}

static void raise_irq8(struct cmos *c)
{
    if (c->pic)
        machine_set_isa_irq(c->m, 8, true);
}

static bool alarm_field(const struct cmos *c, int reg, int value)
{
    uint8_t a = c->ram[reg];
    if ((a & 0xc0) == 0xc0)
        return true;                     /* "don't care" */
    return reg == RTC_HOURS_ALARM ? dec_hour(c, a) == value : dec(c, a) == value;
}

static bool alarm_matches(const struct cmos *c, int64_t t)
{
    struct tm_fields f = split(t);
    return alarm_field(c, RTC_SECONDS_ALARM, f.sec) && alarm_field(c, RTC_MINUTES_ALARM, f.min) &&
           alarm_field(c, RTC_HOURS_ALARM, f.hour);
}

/* The update cycles up to now: UF, AF (an alarm repeats at most daily, so
 * the last day's worth of seconds is enough), and IRQF for enabled flags. */
static void catch_up(struct cmos *c)
{
    uint64_t sec = clock_now(c->m) / CLOCK_NS_PER_SEC;
    if (sec <= c->checked)
        return;
    if (!c->frozen) {
        c->ram[RTC_REG_C] |= REG_C_UF;
        uint64_t from = sec - c->checked > 86400 ? sec - 86400 : c->checked;
        for (uint64_t s = from + 1; s <= sec && !(c->ram[RTC_REG_C] & REG_C_AF); s++)
            if (alarm_matches(c, time_at(c, s)))
                c->ram[RTC_REG_C] |= REG_C_AF;
    }
    c->checked = sec;
    uint8_t b = c->ram[RTC_REG_B], f = c->ram[RTC_REG_C];
    if (((f & REG_C_UF) && (b & REG_B_UIE)) || ((f & REG_C_AF) && (b & REG_B_AIE))) {
        c->ram[RTC_REG_C] |= REG_C_IRQF;
        raise_irq8(c);
    }
}

/* The next update cycle is an event only while it may interrupt. */
static void schedule_update(struct cmos *c)
{
    if (c->ram[RTC_REG_B] & (REG_B_UIE | REG_B_AIE))
        clock_arm(&c->update, (clock_now(c->m) / CLOCK_NS_PER_SEC + 1) * CLOCK_NS_PER_SEC);
    else
        clock_cancel(&c->update);
}

static void update_event(void *ctx, uint64_t when)
{
    struct cmos *c = ctx;
    (void)when;
    catch_up(c);
    schedule_update(c);
}

static bool update_in_progress(const struct cmos *c)
{
    return !c->frozen && clock_now(c->m) % CLOCK_NS_PER_SEC >= CLOCK_NS_PER_SEC - UIP_NS;
}

uint8_t cmos_read(struct cmos *c, uint16_t port)
{
    if (port == CMOS_PORT)
        return 0xff;   /* the index register is write-only */
    int reg = c->index;
    switch (reg) {
    case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS: case RTC_WEEKDAY:
    case RTC_DAY: case RTC_MONTH: case RTC_YEAR: case RTC_CENTURY:
        return time_reg(c, reg);
    case RTC_REG_A:
        return (uint8_t)((c->ram[reg] & 0x7f) | (update_in_progress(c) ? REG_A_UIP : 0));
    case RTC_REG_C: {
        catch_up(c);
        uint8_t v = c->ram[reg];
        c->ram[reg] = 0;
        if (c->pic)
            machine_set_isa_irq(c->m, 8, false);
        return v;
    }
    case RTC_REG_D:
        return 0x80;
    default:
        return c->ram[reg];
    }
}

void cmos_write(struct cmos *c, uint16_t port, uint8_t val)
{
    if (port == CMOS_PORT) {
        c->index = val & 0x7f;
        c->nmi_disabled = val & 0x80;
        return;
    }
    int reg = c->index;
    switch (reg) {
    case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS: case RTC_WEEKDAY:
    case RTC_DAY: case RTC_MONTH: case RTC_YEAR: case RTC_CENTURY:
        set_time_reg(c, reg, val);
        break;
    case RTC_REG_A:
        c->ram[reg] = val & 0x7f;
        schedule_periodic(c, clock_now(c->m));
        break;
    case RTC_REG_B:
        catch_up(c);                     /* flags of the updates so far */
        if ((val & REG_B_SET) && !c->frozen) {
            c->frozen_s = now_s(c);
            c->frozen = true;
        } else if (!(val & REG_B_SET) && c->frozen) {
            c->frozen = false;
            set_now_s(c, c->frozen_s);   /* runs on from the time set */
        }
        if (val & REG_B_SET)
            val &= (uint8_t)~REG_B_UIE;
        c->ram[reg] = val;
        schedule_periodic(c, clock_now(c->m));
        schedule_update(c);
        break;
    case RTC_REG_C: case RTC_REG_D:
        break;   /* read-only */
    default:
        c->ram[reg] = val;
        break;
    }
}

static uint32_t cmos_in(void *dev, uint16_t port, int size)
{
    (void)size;
    return cmos_read(dev, port);
}

static void cmos_out(void *dev, uint16_t port, int size, uint32_t val)
{
    (void)size;
    cmos_write(dev, port, (uint8_t)val);
}

static void put16(uint8_t *ram, int at, uint64_t v)
{
    if (v > 0xffff)
        v = 0xffff;
    ram[at] = (uint8_t)v;
    ram[at + 1] = (uint8_t)(v >> 8);
}

/* The memory sizes as QEMU's pc_cmos_init stores them. */
static void fill_ram(struct cmos *c, int ncpu)
{
    struct machine *m = c->m;
    uint64_t low = m->ram_below_4g, high = m->ram_size - low;
    c->ram[RTC_REG_A] = 0x26;   /* 32.768 kHz divider, 1024 Hz rate */
    c->ram[RTC_REG_B] = REG_B_24H;
    put16(c->ram, 0x15, 640);   /* base memory, KiB */
    uint64_t ext = low > (1u << 20) ? (low >> 10) - 1024 : 0;
    put16(c->ram, 0x17, ext);
    put16(c->ram, 0x30, ext);
    put16(c->ram, 0x34, low > (16u << 20) ? (low - (16u << 20)) >> 16 : 0);
    uint64_t hi = high >> 16;
    c->ram[0x5b] = (uint8_t)hi;
    c->ram[0x5c] = (uint8_t)(hi >> 8);
    c->ram[0x5d] = (uint8_t)(hi >> 16);
    c->ram[0x5f] = (uint8_t)(ncpu > 0 ? ncpu - 1 : 0);
    c->ram[0x37] = 0x20;        /* PS/2 century byte, BCD */
}

struct cmos *cmos_new(struct machine *m, struct pic8259 *pic, int ncpu)
{
    struct cmos *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->m = m;
    c->pic = pic;
    fill_ram(c, ncpu);
    if (!clock_register(m, &c->periodic, periodic_event, c) ||
        !clock_register(m, &c->update, update_event, c) ||
        bus_add_ports(&m->bus, CMOS_PORT, 2, cmos_in, cmos_out, c) != 0) {
        clock_unregister(m, &c->periodic);
        clock_unregister(m, &c->update);
        free(c);
        return NULL;
    }
    return c;
}

void cmos_free(struct cmos *c)
{
    if (!c)
        return;
    clock_unregister(c->m, &c->periodic);
    clock_unregister(c->m, &c->update);
    free(c);
}
