/* Descriptor-table and task registers — SDM Vol. 2 "LGDT/LIDT—Load
 * Global/Interrupt Descriptor Table Register", "SGDT", "SIDT", "LLDT—Load
 * Local Descriptor Table Register", "LTR—Load Task Register", "SLDT",
 * "STR"; Vol. 3A "Segment Descriptor Tables in IA-32e Mode" and "TSS
 * Descriptor in 64-bit mode". */
#include "mem.h"
#include "ops.h"
#include "segment.h"

/* SDM "LGDT/LIDT": CPL 0 (#GP(0); CPL is 3 in virtual-8086 mode). The
 * operand is a 16-bit limit and a base: 8 bytes in 64-bit mode (must be
 * canonical, #GP(0)), else 4 bytes, of which 24 bits with a 16-bit
 * operand size. */
static void load_dtr(struct cpu *c, const struct insn *i, struct dtr *t)
{
    if (c->cpl != 0)
        cpu_gp(c, 0);
    uint64_t ea = ea_offset(c, i);
    uint64_t at = (ea + 2) & asz_mask(i->asz);
    uint32_t limit = (uint32_t)mem_read(c, i->seg, ea, 2);
    uint64_t base;
    if (c->mode == MODE_LONG) {
        base = mem_read(c, i->seg, at, 8);
        if (!is_canonical(base))
            cpu_gp(c, 0);
    } else {
        base = mem_read(c, i->seg, at, 4);
        if (i->osz == 2)
            base &= 0xffffff;
    }
    t->base = base;
    t->limit = limit;
    rip_advance(c, i);
}

void op_lgdt(struct cpu *c, const struct insn *i)
{
    load_dtr(c, i, &c->gdtr);
}

void op_lidt(struct cpu *c, const struct insn *i)
{
    load_dtr(c, i, &c->idtr);
}

/* SDM "SGDT", "SIDT", "SLDT", "STR" and CR4.UMIP (Vol. 3A "User-Mode
 * Instruction Prevention"): #GP(0) at CPL > 0 when CR4.UMIP = 1. */
static void umip_check(struct cpu *c)
{
    if ((c->cr4 & CR4_UMIP) && c->cpl > 0)
        cpu_gp(c, 0);
}

/* SDM "SGDT"/"SIDT": the limit, then the base: 8 bytes in 64-bit mode,
 * else the full 32-bit base whatever the operand size. */
static void store_dtr(struct cpu *c, const struct insn *i, const struct dtr *t)
{
    umip_check(c);
    uint64_t ea = ea_offset(c, i);
    int bsz = c->mode == MODE_LONG ? 8 : 4;
    mem_write(c, i->seg, ea, 2, t->limit);
    mem_write(c, i->seg, (ea + 2) & asz_mask(i->asz), bsz, t->base);
    rip_advance(c, i);
}

void op_sgdt(struct cpu *c, const struct insn *i)
{
    store_dtr(c, i, &c->gdtr);
}

void op_sidt(struct cpu *c, const struct insn *i)
{
    store_dtr(c, i, &c->idtr);
}

/* SLDT, STR, LLDT, LTR are not recognized in real-address and
 * virtual-8086 mode (#UD). */
static void prot_only(struct cpu *c)
{
    if (c->mode == MODE_REAL || c->mode == MODE_VM86)
        cpu_ud(c);
}

/* SDM "SLDT"/"STR": a register destination gets the selector
 * zero-extended to the operand size; memory gets 16 bits. */
static void store_sel(struct cpu *c, const struct insn *i, uint16_t sel)
{
    prot_only(c);
    umip_check(c);
    if (i->mod == 3)
        reg_set(c, i->rm, i->osz, sel);
    else
        mem_write(c, i->seg, ea_offset(c, i), 2, sel);
    rip_advance(c, i);
}

void op_sldt(struct cpu *c, const struct insn *i)
{
    store_sel(c, i, c->ldtr.sel);
}

void op_str(struct cpu *c, const struct insn *i)
{
    store_sel(c, i, c->tr.sel);
}

/* The GDT entry of an LDT or TSS descriptor for LLDT/LTR: the selector
 * must name the GDT and lie within its limit (#GP(sel)); in IA-32e mode
 * the descriptor is 16 bytes and the type of its upper half must be 0
 * (#GP(sel)). */
static void sysdesc_fetch(struct cpu *c, uint16_t sel, uint64_t d[2])
{
    uint32_t err = sel & 0xfffcu;
    d[1] = 0;
    if (sel & SEL_TI)
        cpu_gp(c, err);
    if (!(c->efer & EFER_LMA)) {
        d[0] = desc_fetch(c, sel, EXC_GP, 0);
        return;
    }
    if (!desc_read16(c, sel, d) || ((d[1] >> 40) & 0x1f))
        cpu_gp(c, err);
}

/* Load LDTR or TR from a checked system descriptor; in IA-32e mode the
 * base is 64 bits and must be canonical (#GP(sel)). */
static void sysdesc_load(struct cpu *c, struct seg *s, uint16_t sel, const uint64_t d[2])
{
    uint64_t base = desc_base(d[0]);
    if (c->efer & EFER_LMA) {
        base |= (d[1] & 0xffffffffull) << 32;
        if (!is_canonical(base))
            cpu_gp(c, sel & 0xfffcu);
    }
    seg_from_desc(s, sel, d[0]);
    s->base = base;
}

/* SDM "LLDT": protected mode only, CPL 0 (#GP(0)); a NULL selector makes
 * LDTR invalid; otherwise an LDT descriptor in the GDT (#GP(sel)),
 * present (#NP(sel)). */
void op_lldt(struct cpu *c, const struct insn *i)
{
    prot_only(c);
    if (c->cpl != 0)
        cpu_gp(c, 0);
    uint16_t sel = (uint16_t)e_read(c, i, 2);
    uint32_t err = sel & 0xfffcu;
    if (!err) {
        seg_set_null(&c->ldtr, sel);
        rip_advance(c, i);
        return;
    }
    uint64_t d[2];
    sysdesc_fetch(c, sel, d);
    uint32_t ar = desc_ar(d[0]);
    if ((ar & AR_S) || AR_TYPE(ar) != SYS_LDT)
        cpu_gp(c, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_NP, err);
    struct seg s;
    sysdesc_load(c, &s, sel, d);
    c->ldtr = s;
    rip_advance(c, i);
}

/* SDM "LTR": protected mode only, CPL 0 (#GP(0)); NULL selector #GP(0);
 * an available TSS in the GDT — 16- or 32-bit outside IA-32e mode, a
 * 64-bit TSS in it — else #GP(sel); present (#NP(sel)). The descriptor
 * is marked busy. */
void op_ltr(struct cpu *c, const struct insn *i)
{
    prot_only(c);
    if (c->cpl != 0)
        cpu_gp(c, 0);
    uint16_t sel = (uint16_t)e_read(c, i, 2);
    uint32_t err = sel & 0xfffcu;
    if (!err)
        cpu_gp(c, 0);
    uint64_t d[2];
    sysdesc_fetch(c, sel, d);
    uint32_t ar = desc_ar(d[0]);
    unsigned t = AR_TYPE(ar);
    bool ok = t == SYS_TSS_AVL || (t == SYS_TSS16_AVL && !(c->efer & EFER_LMA));
    if ((ar & AR_S) || !ok)
        cpu_gp(c, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_NP, err);
    struct seg s;
    sysdesc_load(c, &s, sel, d);
    desc_set_busy(c, sel, &d[0]);
    s.ar = desc_ar(d[0]);
    c->tr = s;
    rip_advance(c, i);
}
