/* Shared pieces of the privileged control transfers (far CALL/JMP/RET,
 * call gates, interrupt delivery, IRET): a stack cursor on an explicit
 * SS:SP that does not touch the CPU's registers until the caller
 * commits, and the checks on the target code segment. Implemented in
 * xfer.c. */
#ifndef EMU_XFER_H
#define EMU_XFER_H

#include "cpu.h"
#include "insn.h"

/* A stack being built or unwound. Pushes and pops check the segment
 * limit (or canonical form on a 64-bit stack) and raise #SS(err). */
struct stk {
    struct seg ss;     /* the stack segment (hidden part) */
    uint64_t sp;       /* RSP; only the bits in `mask` move */
    uint64_t mask;     /* 0xffff, 0xffffffff or ~0 */
    unsigned acc;      /* page-access bits: ACC_U for CPL 3 accesses */
    uint32_t err;      /* error code for #SS */
    bool flat;         /* 64-bit stack: no limit, canonical addresses */
};

/* The CPU's current stack, accessed at the current privilege. */
void stk_current(struct cpu *c, struct stk *st, uint32_t err);
/* A new stack: SS from `ss`, size from SS.B, accessed at privilege cpl. */
void stk_legacy(struct stk *st, const struct seg *ss, uint64_t sp, int cpl, uint32_t err);
/* A 64-bit stack (IA-32e mode transfers to 64-bit code). */
void stk_flat(struct stk *st, uint64_t sp, int cpl, uint32_t err);
/* #SS(err) unless n pushes (or pops) of sz bytes stay within the limits. */
void stk_room(struct cpu *c, const struct stk *st, int n, int sz);
void stk_avail(struct cpu *c, const struct stk *st, int n, int sz);
void stk_push(struct cpu *c, struct stk *st, uint64_t v, int sz);
uint64_t stk_pop(struct cpu *c, struct stk *st, int sz);
/* Read the item k slots (of sz bytes) above the top without popping. */
uint64_t stk_peek(struct cpu *c, const struct stk *st, int k, int sz);
/* Move SP by n bytes (RET imm16) within the stack's size. */
void stk_skip(struct stk *st, uint64_t n);

/* The RIP of the instruction after i (wrapped to the code size). */
uint64_t next_rip(const struct cpu *c, const struct insn *i);

/* Would `desc` run as 64-bit code after the transfer (IA-32e, L = 1)? */
bool code_runs64(const struct cpu *c, uint64_t desc);
/* Is rip a valid entry into code segment `desc`: within the limit for
 * legacy/compatibility targets, canonical for 64-bit targets. */
bool code_target_ok(const struct cpu *c, uint64_t desc, uint64_t rip);
/* In IA-32e mode a code segment with L = 1 and D = 1 is invalid. */
bool code_ld_invalid(const struct cpu *c, uint32_t ar);
/* Load CS from a checked descriptor, with RPL = cpl. */
void cs_load(struct cpu *c, uint16_t sel, uint64_t desc, int cpl);
/* Set RSP after a load of SS: 64-bit targets take all of it, otherwise
 * ESP or SP by the B flag of the new SS. */
void sp_load(struct cpu *c, uint64_t sp, bool to64);

/* The return code-segment checks of far RET and IRET: NULL (#GP(0)),
 * index, code type, RPL >= CPL, conforming DPL <= RPL, non-conforming
 * DPL = RPL, L/D (#GP(sel)), present (#NP(sel)). Returns the descriptor;
 * the caller sets its accessed bit when it commits. */
uint64_t ret_cs_check(struct cpu *c, uint16_t sel);

/* The stack for privilege level dpl from the current 32-bit or 16-bit
 * TSS (#TS(TR | ext) if outside the TSS limit). */
void tss_stack_legacy(struct cpu *c, int dpl, uint32_t ext, uint16_t *ss, uint64_t *sp);
/* An 8-byte field of the 64-bit TSS at offset `at` (RSPn, ISTn). */
uint64_t tss_read64(struct cpu *c, uint32_t at, uint32_t ext);
/* The checks on the new SS of an inner-privilege stack switch:
 * #TS(ext) for NULL, #TS(ss | ext) for index, RPL, DPL and type,
 * #SS(ss | ext) if not present. Returns the descriptor. */
uint64_t new_ss_check(struct cpu *c, uint16_t ss, int dpl, uint32_t ext);

/* Far JMP (call == false) or CALL through the call gate `gsel`, whose
 * first 8 bytes are gd (callgate.c). */
void callgate_xfer(struct cpu *c, const struct insn *i, uint16_t gsel, uint64_t gd, bool call);

/* Task switches are not implemented: say so once on stderr and raise
 * #GP((sel & 0xfffc) | ext) so that the guest sees a defined fault. */
_Noreturn void task_switch_refuse(struct cpu *c, uint16_t sel, uint32_t ext);

#endif
