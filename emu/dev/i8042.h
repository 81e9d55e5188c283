/* The PC keyboard controller (i8042) at ports 0x60 and 0x64, reduced to
 * what kernels use it for without a keyboard: the reset line and A20. */
#ifndef EMU_I8042_H
#define EMU_I8042_H

#include <stdint.h>

struct machine;

#define I8042_DATA_PORT   0x60
#define I8042_STATUS_PORT 0x64
#define I8042_QUEUE_SIZE  4

struct i8042 {
    struct machine *m;
    uint8_t status, mode, outport;
    uint8_t write_cmd;        /* command waiting for its data byte, 0 if none */
    uint8_t queue[I8042_QUEUE_SIZE];
    int qhead, qcount;
    uint8_t last;             /* the data port reads this when the queue is empty */
};

struct i8042 *i8042_new(struct machine *m);
void i8042_free(struct i8042 *k);
/* Port accesses (exposed for the tests). */
void i8042_write_command(struct i8042 *k, uint8_t val);
void i8042_write_data(struct i8042 *k, uint8_t val);
uint8_t i8042_read_status(const struct i8042 *k);
uint8_t i8042_read_data(struct i8042 *k);

#endif
