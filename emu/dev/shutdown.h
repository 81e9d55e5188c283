/* The Bochs/QEMU shutdown port. */
#ifndef EMU_SHUTDOWN_H
#define EMU_SHUTDOWN_H

#include <stdint.h>

struct machine;

#define SHUTDOWN_PORT 0x8900

struct shutdown_port {
    struct machine *m;
    int state;   /* how many letters of "Shutdown" have arrived */
};

struct shutdown_port *shutdown_new(struct machine *m);
void shutdown_free(struct shutdown_port *s);
/* One write to the port (exposed for the tests). */
void shutdown_write(struct shutdown_port *s, uint32_t val);

#endif
