/* The keyboard controller as QEMU models it (hw/input/pckbd.c), with the
 * state SeaBIOS leaves at a multiboot kernel's entry: status 0x1C
 * (UNLOCKED | CMD | SELFTEST; QEMU never clears CMD), command byte 0x61,
 * output port 0xCF, and the data port reading 0xFA (the keyboard's last
 * ACK). There is no keyboard or mouse behind it: a byte sent to the
 * keyboard is acknowledged (0xFA; 0xFF reset also reports 0xAA, 0xEE
 * echoes) and nothing else arrives. No interrupt is raised.
 * Reset: command 0xFE, and every "pulse output port" command 0xF0-0xFF
 * that pulses bit 0 (an even value), or output-port write (0xD1) with bit
 * 0 clear, request a machine reset, as QEMU's kbd_write_command and
 * outport_write do. A20 (output port bit 1) is stored, never applied. */
#include "i8042.h"

#include <stdlib.h>

#include "machine/machine.h"

/* Status register bits and commands (pckbd.c names). */
enum {
    STAT_OBF = 0x01, STAT_SELFTEST = 0x04, STAT_CMD = 0x08, STAT_UNLOCKED = 0x10,
    MODE_DISABLE_KBD = 0x10, MODE_DISABLE_MOUSE = 0x20,
    OUT_RESET = 0x01, OUT_OBF = 0x10,
    CCMD_READ_MODE = 0x20, CCMD_WRITE_MODE = 0x60, CCMD_MOUSE_DISABLE = 0xA7,
    CCMD_MOUSE_ENABLE = 0xA8, CCMD_TEST_MOUSE = 0xA9, CCMD_SELF_TEST = 0xAA,
    CCMD_KBD_TEST = 0xAB, CCMD_KBD_DISABLE = 0xAD, CCMD_KBD_ENABLE = 0xAE,
    CCMD_READ_OUTPORT = 0xD0, CCMD_WRITE_OUTPORT = 0xD1, CCMD_WRITE_OBUF = 0xD2,
    CCMD_WRITE_AUX_OBUF = 0xD3, CCMD_WRITE_MOUSE = 0xD4, CCMD_PULSE_BITS_3_0 = 0xF0,
    CCMD_RESET = 0xFE, CCMD_NO_OP = 0xFF,
};

static void queue(struct i8042 *k, uint8_t b)
{
    if (k->qcount == I8042_QUEUE_SIZE)
        return;
    k->queue[(k->qhead + k->qcount) % I8042_QUEUE_SIZE] = b;
    k->qcount++;
    k->status |= STAT_OBF;
}

static void outport_write(struct i8042 *k, uint8_t val)
{
    k->outport = val;
    if (!(val & OUT_RESET))
        machine_request_reset(k->m);
}

void i8042_write_command(struct i8042 *k, uint8_t val)
{
    /* Bits 3-0 of 0xF0-0xFF name the output-port bits to pulse low; only
     * pulsing bit 0 (the CPU reset line) does anything. */
    if ((val & CCMD_PULSE_BITS_3_0) == CCMD_PULSE_BITS_3_0)
        val = (val & 1) ? CCMD_NO_OP : CCMD_RESET;
    switch (val) {
    case CCMD_READ_MODE:      queue(k, k->mode); break;
    case CCMD_WRITE_MODE:
    case CCMD_WRITE_OBUF:
    case CCMD_WRITE_AUX_OBUF:
    case CCMD_WRITE_MOUSE:
    case CCMD_WRITE_OUTPORT:  k->write_cmd = val; break;
    case CCMD_MOUSE_DISABLE:  k->mode |= MODE_DISABLE_MOUSE; break;
    case CCMD_MOUSE_ENABLE:   k->mode &= (uint8_t)~MODE_DISABLE_MOUSE; break;
    case CCMD_TEST_MOUSE:
    case CCMD_KBD_TEST:       queue(k, 0x00); break;
    case CCMD_SELF_TEST:      k->status |= STAT_SELFTEST; queue(k, 0x55); break;
    case CCMD_KBD_DISABLE:    k->mode |= MODE_DISABLE_KBD; break;
    case CCMD_KBD_ENABLE:     k->mode &= (uint8_t)~MODE_DISABLE_KBD; break;
    case CCMD_READ_OUTPORT:
        queue(k, (uint8_t)(k->outport | ((k->status & STAT_OBF) ? OUT_OBF : 0)));
        break;
    case CCMD_RESET:          machine_request_reset(k->m); break;
    default:                  break;
    }
}

/* A byte for the keyboard: acknowledged, as a PS/2 keyboard does. */
static void keyboard_write(struct i8042 *k, uint8_t val)
{
    if (val == 0xEE) {        /* echo */
        queue(k, 0xEE);
        return;
    }
    queue(k, 0xFA);
    if (val == 0xFF)          /* reset: self-test passed */
        queue(k, 0xAA);
}

void i8042_write_data(struct i8042 *k, uint8_t val)
{
    switch (k->write_cmd) {
    case 0:                   keyboard_write(k, val); break;
    case CCMD_WRITE_MODE:     k->mode = val; break;
    case CCMD_WRITE_OBUF:
    case CCMD_WRITE_AUX_OBUF: queue(k, val); break;
    case CCMD_WRITE_OUTPORT:  outport_write(k, val); break;
    case CCMD_WRITE_MOUSE:    queue(k, 0xFA); break;
    default:                  break;
    }
    k->write_cmd = 0;
}

uint8_t i8042_read_status(const struct i8042 *k)
{
    return k->status;
}

uint8_t i8042_read_data(struct i8042 *k)
{
    if (k->qcount) {
        k->last = k->queue[k->qhead];
        k->qhead = (k->qhead + 1) % I8042_QUEUE_SIZE;
        if (--k->qcount == 0)
            k->status &= (uint8_t)~STAT_OBF;
    }
    return k->last;
}

static uint32_t i8042_in(void *dev, uint16_t port, int size)
{
    (void)size;
    return port == I8042_DATA_PORT ? i8042_read_data(dev) : i8042_read_status(dev);
}

static void i8042_out(void *dev, uint16_t port, int size, uint32_t val)
{
    (void)size;
    if (port == I8042_DATA_PORT)
        i8042_write_data(dev, (uint8_t)val);
    else
        i8042_write_command(dev, (uint8_t)val);
}

struct i8042 *i8042_new(struct machine *m)
{
    struct i8042 *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    *k = (struct i8042){ .m = m, .status = STAT_UNLOCKED | STAT_CMD | STAT_SELFTEST,
                         .mode = 0x61, .outport = 0xCF, .last = 0xFA };
    if (bus_add_ports(&m->bus, I8042_DATA_PORT, 1, i8042_in, i8042_out, k) != 0 ||
        bus_add_ports(&m->bus, I8042_STATUS_PORT, 1, i8042_in, i8042_out, k) != 0) {
        free(k);
        return NULL;
    }
    return k;
}

void i8042_free(struct i8042 *k)
{
    free(k);
}
