/* QEMU's isa-debug-exit device. */
#ifndef EMU_DEBUGEXIT_H
#define EMU_DEBUGEXIT_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

#define DEBUGEXIT_BASE 0xF4
#define DEBUGEXIT_SIZE 4

struct debugexit {
    struct machine *m;
    uint16_t base, size;
};

struct debugexit *debugexit_new(struct machine *m, uint16_t base, uint16_t size);
void debugexit_free(struct debugexit *d);

#endif
