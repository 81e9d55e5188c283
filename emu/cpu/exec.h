/* Internal entry points shared by the run loop and fault handling. */
#ifndef EMU_EXEC_H
#define EMU_EXEC_H

#include "cpu.h"

void cpu_deliver_pending(struct cpu *c);
enum cpu_stop cpu_run_loop(struct cpu *c, uint64_t until);
void cpu_report_triple(struct cpu *c);
const char *exc_name(int vector);
void op_toolong(struct cpu *c, const struct insn *i);

#endif
