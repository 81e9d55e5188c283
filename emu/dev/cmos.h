/* The MC146818-style RTC and CMOS RAM of the PC (ports 0x70/0x71, IRQ 8). */
#ifndef EMU_CMOS_H
#define EMU_CMOS_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/clock.h"

struct machine;
struct pic8259;

#define CMOS_PORT 0x70
/* Machine time 0 is this wall-clock time: 2026-01-01 00:00:00 UTC. */
#define CMOS_EPOCH 1767225600ull

#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS   0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_WEEKDAY 0x06
#define RTC_DAY     0x07
#define RTC_MONTH   0x08
#define RTC_YEAR    0x09
#define RTC_REG_A   0x0a
#define RTC_REG_B   0x0b
#define RTC_REG_C   0x0c
#define RTC_REG_D   0x0d
#define RTC_CENTURY 0x32

struct cmos {
    struct machine *m;
    struct pic8259 *pic;        /* IRQ 8 (may be NULL) */
    uint8_t index;
    bool nmi_disabled;          /* bit 7 of the last write to 0x70 */
    uint8_t ram[128];
    int64_t delta_s;            /* guest-set time minus the default, in seconds */
    bool frozen;                /* register B's SET bit: no update cycles */
    int64_t frozen_s;           /* the time while frozen */
    uint64_t checked;           /* machine seconds whose update cycles have
                                 * set UF/AF in register C */
    struct clock_event periodic;
    struct clock_event update;  /* next update cycle, while UIE or AIE is on */
};

/* ncpu and the memory sizes fill the bytes QEMU's BIOS reads. */
struct cmos *cmos_new(struct machine *m, struct pic8259 *pic, int ncpu);
void cmos_free(struct cmos *c);
uint8_t cmos_read(struct cmos *c, uint16_t port);
void cmos_write(struct cmos *c, uint16_t port, uint8_t val);

#endif
