/* The shutdown port 0x8900: Bochs's convention (iodev/unmapped.cc, "Shutdown
 * port"), also honoured by old QEMU BIOSes. Writing the bytes "Shutdown" in
 * sequence powers the machine off (process exit status 0). As in Bochs, a
 * letter of "Shutdown" out of sequence leaves the state alone, and any
 * other value starts the sequence again. Reads see nothing (all-ones). */
#include "shutdown.h"

#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"

static const char shutdown_word[] = "Shutdown";

void shutdown_write(struct shutdown_port *s, uint32_t val)
{
    const char *p = val && val < 0x100 ? strchr(shutdown_word, (int)val) : NULL;
    if (!p) {
        s->state = 0;
        return;
    }
    if (p - shutdown_word == s->state)
        s->state++;
    if (s->state == (int)strlen(shutdown_word)) {
        s->state = 0;
        machine_request_exit(s->m, MEXIT_SHUTDOWN, 0);
    }
}

static void shutdown_out(void *dev, uint16_t port, int size, uint32_t val)
{
    (void)port, (void)size;
    shutdown_write(dev, val);
}

struct shutdown_port *shutdown_new(struct machine *m)
{
    struct shutdown_port *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->m = m;
    if (bus_add_ports(&m->bus, SHUTDOWN_PORT, 1, NULL, shutdown_out, s) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

void shutdown_free(struct shutdown_port *s)
{
    free(s);
}
