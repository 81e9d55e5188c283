/* The interrupt instructions — SDM Vol. 2 "INT n/INTO/INT3/INT1—Call to
 * Interrupt Procedure" and "BOUND—Check Array Index Against Bounds". */
#include "flags.h"
#include "intr.h"
#include "mem.h"
#include "ops.h"
#include "segment.h"
#include "xfer.h"

/* SDM "INT n": in virtual-8086 mode with IOPL < 3 (and CR4.VME = 0, VME is
 * not advertised) INT n raises #GP(0). INT3 and INTO are not
 * IOPL-sensitive ("Sensitive Instructions"). */
void op_int(struct cpu *c, const struct insn *i)
{
    if (c->mode == MODE_VM86 && cpu_iopl(c) < 3)
        cpu_gp(c, 0);
    cpu_deliver_event(c, (int)(i->imm & 0xff), EV_SOFTINT, false, 0, next_rip(c, i));
}

void op_int3(struct cpu *c, const struct insn *i)
{
    cpu_deliver_event(c, EXC_BP, EV_SOFTEXC, false, 0, next_rip(c, i));
}

/* INTO raises #OF only when OF = 1 (invalid in 64-bit mode: the decoder). */
void op_into(struct cpu *c, const struct insn *i)
{
    if (!flag_of(c)) {
        rip_advance(c, i);
        return;
    }
    cpu_deliver_event(c, EXC_OF, EV_SOFTEXC, false, 0, next_rip(c, i));
}

/* INT1 (ICEBP) delivers #DB without the gate DPL check, as a
 * privileged software exception. */
void op_int1(struct cpu *c, const struct insn *i)
{
    cpu_deliver_event(c, EXC_DB, EV_PRIVSOFT, false, 0, next_rip(c, i));
}

/* SDM "BOUND": the signed index in the register must lie within the
 * signed bounds at m16&16 / m32&32, else #BR (a fault). */
void op_bound(struct cpu *c, const struct insn *i)
{
    int sz = i->osz;
    uint64_t ea = ea_offset(c, i);
    int64_t lo = (int64_t)sext(mem_read(c, i->seg, ea, sz), sz);
    int64_t hi = (int64_t)sext(mem_read(c, i->seg, (ea + (uint64_t)sz) & asz_mask(i->asz), sz), sz);
    int64_t idx = (int64_t)sext(reg_get(c, i->reg, sz), sz);
    if (idx < lo || idx > hi)
        cpu_fault_noerr(c, EXC_BR);
    rip_advance(c, i);
}
