/* Segmentation: descriptor fetch, segment-register loads with their
 * protection checks, and the I/O permission check. Implemented in
 * segment.c and ioperm.c. */
#ifndef EMU_SEGMENT_H
#define EMU_SEGMENT_H

#include "cpu.h"

/* Read the 8-byte descriptor for sel from the GDT or LDT; false if the
 * index is outside the table limit. */
bool desc_read(struct cpu *c, uint16_t sel, uint64_t *desc);
/* Fill a segment register's hidden part from a descriptor. */
void seg_from_desc(struct seg *s, uint16_t sel, uint64_t desc);
/* MOV/POP/LxS to ES, SS, DS, FS or GS with every check of the current mode
 * (SDM Vol. 2 "MOV—Move", "POP", "LDS/LES/LFS/LGS/LSS"). */
void seg_load(struct cpu *c, int s, uint16_t sel);
/* Real-address and virtual-8086 mode load: base = sel << 4. */
void seg_load_real(struct cpu *c, int s, uint16_t sel);
/* May the current privilege access `size` bytes at `port`? — SDM Vol. 1
 * "I/O Privilege Level" and "I/O Permission Bit Map". Raises #GP(0) if not. */
void io_check(struct cpu *c, uint16_t port, int size);

#endif
