/* QEMU's isa-debugcon: the port-0xE9 debug console. */
#ifndef EMU_DEBUGCON_H
#define EMU_DEBUGCON_H

#include <stdint.h>

struct bus;
struct chardev;

#define DEBUGCON_BASE     0xE9
#define DEBUGCON_READBACK 0xE9

struct debugcon {
    uint16_t base;
    uint8_t readback;
    struct chardev *chr;      /* not owned */
};

/* A debug console at port `base` writing to chr; NULL when the port is
 * taken or memory is short. */
struct debugcon *debugcon_new(struct bus *b, uint16_t base, uint8_t readback, struct chardev *chr);
/* Writes out what the back end holds (before the machine ends). */
void debugcon_flush(struct debugcon *d);
void debugcon_free(struct debugcon *d);

#endif
