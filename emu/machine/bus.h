/* The machine's port-I/O and MMIO buses. Devices register address ranges
 * with callbacks; the CPU calls bus_in/bus_out/bus_mmio_* and knows nothing
 * of the devices behind them. */
#ifndef EMU_BUS_H
#define EMU_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

typedef uint32_t (*port_in_fn)(void *dev, uint16_t port, int size);
typedef void (*port_out_fn)(void *dev, uint16_t port, int size, uint32_t val);
typedef uint64_t (*mmio_read_fn)(void *dev, uint64_t off, int size);
typedef void (*mmio_write_fn)(void *dev, uint64_t off, int size, uint64_t val);

struct port_range {
    uint16_t base, len;
    port_in_fn in;
    port_out_fn out;
    void *dev;
};

struct mmio_range {
    uint64_t base, len;
    mmio_read_fn read;
    mmio_write_fn write;
    void *dev;
};

#define BUS_MAX_PORT_RANGES 64
#define BUS_MAX_MMIO_RANGES 32

struct bus {
    struct port_range ports[BUS_MAX_PORT_RANGES];
    int nports;
    struct mmio_range mmio[BUS_MAX_MMIO_RANGES];
    int nmmio;
};

int bus_add_ports(struct bus *b, uint16_t base, uint16_t len, port_in_fn in, port_out_fn out, void *dev);
int bus_add_mmio(struct bus *b, uint64_t base, uint64_t len, mmio_read_fn rd, mmio_write_fn wr, void *dev);
/* Unclaimed ports read all-ones and ignore writes. size is 1, 2 or 4. */
uint32_t bus_in(struct bus *b, uint16_t port, int size);
void bus_out(struct bus *b, uint16_t port, int size, uint32_t val);
/* Returns the MMIO range covering pa, or NULL. */
struct mmio_range *bus_find_mmio(struct bus *b, uint64_t pa);

#endif
