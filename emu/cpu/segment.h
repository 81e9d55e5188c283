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

/* ---- Descriptor fields and helpers (segment.c) — SDM Vol. 3A
 * "Segment Descriptors" and "Segment Descriptor Tables in IA-32e Mode". */

/* The access rights of an 8-byte descriptor in the VMX layout. */
static inline uint32_t desc_ar(uint64_t d)
{
    return DESC_HI_TO_AR((uint32_t)(d >> 32));
}
uint64_t desc_base(uint64_t d);
uint32_t desc_limit(uint64_t d);   /* byte granular, expanded by G */

static inline bool ar_is_code(uint32_t ar)
{
    return (ar & AR_S) && (ar & SEGT_CODE);
}
static inline bool ar_is_conforming_code(uint32_t ar)
{
    return ar_is_code(ar) && (ar & SEGT_CONFORM);
}
static inline bool ar_is_writable_data(uint32_t ar)
{
    return (ar & AR_S) && !(ar & SEGT_CODE) && (ar & SEGT_WRITABLE);
}
/* A 64-bit code segment: L = 1, D = 0 (SDM "IA-32e Mode" code segments). */
static inline bool ar_is_code64(uint32_t ar)
{
    return ar_is_code(ar) && (ar & AR_L) && !(ar & AR_DB);
}

/* Linear address of a system structure: 32 bits outside IA-32e mode. */
static inline uint64_t sys_linear(const struct cpu *c, uint64_t a)
{
    return (c->efer & EFER_LMA) ? a : (a & 0xffffffffull);
}

/* Read the 16-byte system descriptor for sel (IA-32e mode); false if
 * index*8 + 15 is outside the table limit. */
bool desc_read16(struct cpu *c, uint16_t sel, uint64_t d[2]);
/* desc_read, raising vector((sel & 0xfffc) | ext) if sel is outside its table. */
uint64_t desc_fetch(struct cpu *c, uint16_t sel, int vector, uint32_t ext);
/* Set the accessed bit of the descriptor for sel (and in *d). */
void desc_set_accessed(struct cpu *c, uint16_t sel, uint64_t *d);
/* Set the busy bit of the TSS descriptor for sel (and in *d). */
void desc_set_busy(struct cpu *c, uint16_t sel, uint64_t *d);

/* A NULL selector in a segment register: the register is unusable. For
 * SS the DPL keeps the RPL (the CPL in IA-32e mode). */
void seg_set_null(struct seg *s, uint16_t sel);
void seg_set_null_ss(struct seg *s, uint16_t sel);
/* After a far return or IRET to an outer privilege level: ES, FS, GS
 * and DS holding a data or non-conforming code segment with DPL < CPL
 * are made NULL (SDM Vol. 2 "RET", "IRET"). cpl is the new CPL. */
void seg_invalidate_outer(struct cpu *c, int cpl);
/* SS load checks at privilege level `rpl` for far returns and IRET:
 * returns the descriptor (accessed bit not yet set), or raises
 * #GP(sel)/#SS(sel). */
uint64_t ss_check_return(struct cpu *c, uint16_t sel, int rpl);

static inline int cpu_iopl(const struct cpu *c)
{
    return (int)((c->rflags & RFLAGS_IOPL) >> RFLAGS_IOPL_SHIFT);
}

#endif
