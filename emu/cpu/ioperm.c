/* The I/O permission check for IN, OUT, INS and OUTS — SDM Vol. 1
 * "I/O Privilege Level" and "I/O Permission Bit Map". */
#include "segment.h"

#include "debugreg.h"
#include "mem.h"

#define TSS_IOMAP_BASE 0x66u   /* SDM "32-Bit Task-State Segment (TSS)" */

/* The bit map is consulted only in protected mode with CPL > IOPL and in
 * virtual-8086 mode (SDM "I/O Privilege Level"). */
static bool bitmap_needed(const struct cpu *c)
{
    if (c->mode == MODE_REAL)
        return false;
    return c->mode == MODE_VM86 || c->cpl > cpu_iopl(c);
}

/* SDM "I/O Permission Bit Map": TR must hold a 32-bit (or 64-bit) TSS;
 * the processor reads two bytes of the map so that an access spanning a
 * byte boundary is covered; both must lie within the TSS limit; every
 * bit for port .. port + size - 1 must be clear. */
static void io_permission(struct cpu *c, uint16_t port, int size)
{
    if (!bitmap_needed(c))
        return;
    const struct seg *tr = &c->tr;
    unsigned type = AR_TYPE(tr->ar);
    if ((tr->ar & AR_UNUSABLE) || (tr->ar & AR_S) || (type != SYS_TSS_AVL && type != SYS_TSS_BUSY))
        cpu_gp(c, 0);
    if (tr->limit < TSS_IOMAP_BASE + 1)
        cpu_gp(c, 0);
    uint32_t map = (uint32_t)sys_read(c, sys_linear(c, tr->base + TSS_IOMAP_BASE), 2);
    uint32_t off = map + (port >> 3);
    if ((uint64_t)off + 1 > tr->limit)
        cpu_gp(c, 0);
    uint32_t bits = (uint32_t)sys_read(c, sys_linear(c, tr->base + off), 2);
    uint32_t mask = ((1u << size) - 1) << (port & 7);
    if (bits & mask)
        cpu_gp(c, 0);
}

/* The check, then an I/O breakpoint the access hits (debugreg.c): IN,
 * OUT, INS and OUTS call this before the access. */
void io_check(struct cpu *c, uint16_t port, int size)
{
    io_permission(c, port, size);
    dbg_note_io(c, port, size);
}
