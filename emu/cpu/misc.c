/* HLT, #UD for what is not implemented, over-long instructions, FWAIT,
 * CLFLUSH, INVD/WBINVD. */
#include <stdio.h>

#include "exec.h"
#include "machine/machine.h"
#include "x87.h"
#include "mem.h"
#include "ops.h"

void op_hlt(struct cpu *c, const struct insn *i)
{
    if (c->cpl != 0)
        cpu_gp(c, 0);
    rip_advance(c, i);
    c->halted = true;
}

/* PAUSE, the spin-wait hint (SDM Vol. 2B "PAUSE"): architecturally a NOP.
 * While this CPU runs its turn nothing else changes memory, so a spin loop
 * waiting for another CPU would spin to the end of the turn; when another
 * CPU can run, the turn ends here instead and the CPU's clock moves to the
 * turn's end as if it had spun (emu/machine/run.c). */
void op_pause(struct cpu *c, const struct insn *i)
{
    rip_advance(c, i);
    if (c->m->ncpu > 1 && machine_others_can_run(c->m, c))
        c->yield = true;
}

/* Bytes that decode to nothing vtx implements: #UD, and with -d unimp a
 * line naming the bytes and RIP. */
void op_ud(struct cpu *c, const struct insn *i)
{
    if (c->debug & DBG_UNIMP) {
        FILE *out = machine_trace(c->m);
        fprintf(out, "vtx: cpu%d #UD at rip %#llx:", c->index, (unsigned long long)c->rip);
        uint64_t pa;
        for (int k = 0; k < i->len && k < 15; k++) {
            uint64_t lin = (c->mode == MODE_LONG ? 0 : c->seg[S_CS].base) + c->rip + (uint64_t)k;
            if (!mmu_probe(c, lin, ACC_X, &pa))
                break;
            fprintf(out, " %02llx", (unsigned long long)(phys_read_byte(c, pa)));
        }
        fprintf(out, "\n");
    }
    cpu_ud(c);
}

/* Longer than 15 bytes: #GP(0) — SDM Vol. 2 "Instruction Format". */
void op_toolong(struct cpu *c, const struct insn *i)
{
    (void)i;
    cpu_gp(c, 0);
}

/* FWAIT: #NM when CR0.MP and CR0.TS are both set — SDM "WAIT/FWAIT". */
void op_fwait(struct cpu *c, const struct insn *i)
{
    if ((c->cr0 & CR0_MP) && (c->cr0 & CR0_TS))
        cpu_fault_noerr(c, EXC_NM);
    x87_check_pending(c);
    rip_advance(c, i);
}

void op_clflush(struct cpu *c, const struct insn *i)
{
    mem_read(c, i->seg, ea_offset(c, i), 1);
    rip_advance(c, i);
}

void op_invd(struct cpu *c, const struct insn *i)
{
    if (c->cpl != 0)
        cpu_gp(c, 0);
    rip_advance(c, i);
}

/* RDPMC: #GP(0) at CPL > 0 without CR4.PCE, and for an invalid counter in
 * ECX — SDM "RDPMC". This CPU has no performance counters (CPUID leaf 0AH
 * is not reported), so every counter number is invalid. */
void op_rdpmc(struct cpu *c, const struct insn *i)
{
    (void)i;
    cpu_gp(c, 0);
}
