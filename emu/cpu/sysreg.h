/* Control-register writes with their checks, shared by MOV CR, LMSW and
 * (later) VM entry/exit. */
#ifndef EMU_SYSREG_H
#define EMU_SYSREG_H

#include "cpu.h"

void cr0_write(struct cpu *c, uint64_t v);
void cr3_write(struct cpu *c, uint64_t v);
void cr4_write(struct cpu *c, uint64_t v);
uint64_t cpu_tsc(const struct cpu *c);
/* The TSC as RDTSC, RDTSCP and RDMSR read it (clock_read: never behind a
 * value another CPU read). */
uint64_t cpu_read_tsc(struct cpu *c);
/* MSR access by index (msr.c); false means #GP(0). */
bool msr_read(struct cpu *c, uint32_t index, uint64_t *v);
bool msr_write(struct cpu *c, uint32_t index, uint64_t v);

#endif
