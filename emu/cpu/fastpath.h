/* Decode-time choice of specialised handlers (fastpath.c). */
#ifndef EMU_FASTPATH_H
#define EMU_FASTPATH_H

#include "insn.h"

/* Returns the handler to use for a decoded instruction; may rewrite its
 * operand fields to the specialised handler's convention. */
insn_fn fastpath_select(struct insn *in, int code_size);

/* A direct JMP/CALL that a decoded block may follow to its target (in
 * 64-bit mode, where CS has no limit): the handler to use then, or NULL. */
insn_fn fastpath_follow(const struct insn *in, int code_size);

/* Specialised handlers that live in their instruction family's file. */
void fp_shift_r64_imm(struct cpu *c, const struct insn *i);
void fp_shift_r32_imm(struct cpu *c, const struct insn *i);
void fp_shift_r64_1(struct cpu *c, const struct insn *i);
void fp_shift_r32_1(struct cpu *c, const struct insn *i);
void fp_shift_r64_cl(struct cpu *c, const struct insn *i);
void fp_shift_r32_cl(struct cpu *c, const struct insn *i);

#endif
