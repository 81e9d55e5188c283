/* System Control Port A (port 0x92, "fast A20 and reset"). */
#ifndef EMU_PORT92_H
#define EMU_PORT92_H

#include <stdint.h>

struct machine;

#define PORT92_PORT  0x92
#define PORT92_RESET 0x01   /* bit 0: 0 -> 1 resets the machine */
#define PORT92_A20   0x02   /* bit 1: A20 gate */

struct port92 {
    struct machine *m;
    uint8_t outport;
};

struct port92 *port92_new(struct machine *m);
void port92_free(struct port92 *p);
/* One write / read of the port (exposed for the tests). */
void port92_write(struct port92 *p, uint8_t val);
uint8_t port92_read(const struct port92 *p);

#endif
