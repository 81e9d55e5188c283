/* Hardware breakpoints (DR0–DR3 under DR7) and the debug exceptions they
 * raise — SDM Vol. 3B "Debug Registers" and "Debug Exception (#DB)". */
#ifndef EMU_DEBUGREG_H
#define EMU_DEBUGREG_H

#include "cpu.h"

#define DR6_BD (1ull << 13)   /* debug-register access (general detect) */
#define DR6_BS (1ull << 14)   /* single step */
#define DR7_GD (1ull << 13)   /* general detect enable */

/* Recompute which breakpoints are armed after a change to DR0–DR3, DR7 or
 * CR4.DE; flushes the TLB when the watched data pages change. */
void dbg_update(struct cpu *c);
/* Before an instruction, while an instruction breakpoint is armed and
 * RF is clear: a #DB fault if RIP's linear address matches one. */
void dbg_check_exec(struct cpu *c);
/* A data access the TLB did not serve (the pages of armed data
 * breakpoints are never in it): note which breakpoints it hits; the #DB
 * trap follows the instruction. */
void dbg_note_data(struct cpu *c, uint64_t lin, int sz, bool write);
/* An I/O access (breakpoints with R/W = 10 while CR4.DE is set). */
void dbg_note_io(struct cpu *c, uint16_t port, int sz);
/* The page of lin holds an armed data breakpoint for this kind of access:
 * no TLB entry for it (mmu.c). */
bool dbg_page_watched(const struct cpu *c, uint64_t lin, bool write);
/* Deliver the #DB trap for what the last instruction hit (data or I/O
 * breakpoints, and single step when bs). */
void dbg_trap(struct cpu *c, bool bs);

#endif
