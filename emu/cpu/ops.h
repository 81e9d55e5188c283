/* Declarations of every instruction handler named in the opcode tables. */
#ifndef EMU_OPS_H
#define EMU_OPS_H

#include "cpu.h"
#include "insn.h"

#define OP(map, opcode, ext, pfx, form, attr, name, fn) void fn(struct cpu *c, const struct insn *i);
#include "gp.def"
#include "system.def"
#include "sse.def"
#include "x87.def"
#undef OP

#endif
