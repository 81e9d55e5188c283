/* QEMU's pc-testdev, the ISA test device of kvm-unit-tests. */
#ifndef EMU_TESTDEV_H
#define EMU_TESTDEV_H

#include <stdint.h>

struct machine;
struct pic8259;

#define TESTDEV_PORT_DATA   0xE0      /* 4 ports: the 32-bit register */
#define TESTDEV_PORT_FLUSH  0xE4      /* 4 ports: flush-page */
#define TESTDEV_PORT_BYTE   0xE8      /* 4 ports: the register, byte by byte */
#define TESTDEV_PORT_IRQ    0x2000    /* 24 ports: one per ISA IRQ line */
#define TESTDEV_NIRQ        24
#define TESTDEV_IOMEM_BASE  0xFF000000ull
#define TESTDEV_IOMEM_SIZE  0x10000u

struct testdev {
    struct machine *m;
    struct pic8259 *pic;
    uint32_t data;
    uint8_t iomem[TESTDEV_IOMEM_SIZE];
};

struct testdev *testdev_new(struct machine *m, struct pic8259 *pic);
void testdev_free(struct testdev *d);

#endif
