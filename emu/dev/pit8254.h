/* The 8254 programmable interval timer (ports 0x40-0x43, channel 0 on IRQ 0)
 * and port 0x61 (channel 2 gate, speaker data, channel 2 output). */
#ifndef EMU_PIT8254_H
#define EMU_PIT8254_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/clock.h"

struct machine;
struct pic8259;

#define PIT_BASE   0x40
#define PIT_HZ     1193182u
#define PIT_PORT61 0x61

struct pit_channel {
    uint32_t count;            /* period in input clocks: 1..65536 (10000 BCD) */
    uint64_t load_time;        /* ns: the count was loaded, the gate triggered,
                                * or (modes 0, 4) the gate rose again */
    uint64_t held;             /* modes 0, 4: input clocks counted before the
                                * gate last went low */
    uint8_t mode, rw, bcd;     /* control word fields */
    bool counting;             /* a count is loaded (modes 1, 5: and triggered) */
    bool gate;
    bool null_count;
    uint8_t write_state, read_state;
    uint8_t lsb;               /* first byte of a two-byte count */
    uint16_t latched;
    uint8_t latch_state;       /* 0: no count latched, else the RW state to read it */
    uint8_t status;
    bool status_latched;
};

struct pit8254 {
    struct machine *m;
    struct pic8259 *pic;        /* IRQ 0 (may be NULL) */
    struct pit_channel ch[3];
    bool speaker_data;          /* port 0x61 bit 1 */
    struct clock_event irq0;    /* next rising edge of channel 0's OUT */
};

struct pit8254 *pit_new(struct machine *m, struct pic8259 *pic);
void pit_free(struct pit8254 *p);
/* Port access (exposed for the tests): 0x40-0x43 and 0x61. */
uint8_t pit_read(struct pit8254 *p, uint16_t port);
void pit_write(struct pit8254 *p, uint16_t port, uint8_t val);
/* Channel c's OUT now. */
bool pit_out(struct pit8254 *p, int c);

#endif
