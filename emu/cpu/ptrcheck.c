/* Pointer validation — SDM Vol. 3A "Pointer Validation", "Checking Access
 * Rights (LAR Instruction)", "Checking Read/Write Rights (VERR and VERW
 * Instructions)", "Checking That the Pointer Offset Is Within Limits (LSL
 * Instruction)", "Checking Caller Access Privileges (ARPL Instruction)";
 * Vol. 2 "LAR", "LSL", "VERR/VERW", "ARPL". */
#include "flags.h"
#include "mem.h"
#include "ops.h"
#include "segment.h"

/* These instructions are not recognized in real-address and
 * virtual-8086 mode (#UD). */
static void prot_only(struct cpu *c)
{
    if (c->mode == MODE_REAL || c->mode == MODE_VM86)
        cpu_ud(c);
}

/* The descriptor for sel; false (ZF = 0, no fault) for a NULL selector
 * or one outside its table. */
static bool probe(struct cpu *c, uint16_t sel, uint64_t *d)
{
    return (sel & 0xfffc) && desc_read(c, sel, d);
}

/* "Visible at CPL": unless the segment is conforming code, CPL <= DPL
 * and RPL <= DPL. */
static bool visible(const struct cpu *c, uint16_t sel, uint32_t ar)
{
    if (ar_is_conforming_code(ar))
        return true;
    return (unsigned)c->cpl <= AR_DPL(ar) && SEL_RPL(sel) <= AR_DPL(ar);
}

/* SDM "LAR" table "Segment and Gate Types": all code and data segments;
 * of the system types, protected mode accepts 1, 2, 3, 4, 5, 9, B, C and
 * IA-32e mode only 9, B, C. */
static bool lar_type_ok(const struct cpu *c, uint32_t ar)
{
    if (ar & AR_S)
        return true;
    unsigned ok = (c->efer & EFER_LMA) ? 0x1a00u : 0x1a3eu;
    return (ok >> AR_TYPE(ar)) & 1;
}

/* SDM "LSL" table "Segment and Gate Descriptor Types": all code and data
 * segments; of the system types, protected mode accepts 1, 2, 3, 9, B and
 * IA-32e mode 0 (upper half of a 16-byte descriptor, as the table says),
 * 2, 9, B. */
static bool lsl_type_ok(const struct cpu *c, uint32_t ar)
{
    if (ar & AR_S)
        return true;
    unsigned ok = (c->efer & EFER_LMA) ? 0x0a05u : 0x0a0eu;
    return (ok >> AR_TYPE(ar)) & 1;
}

/* SDM "LAR": on success DEST <- the second descriptor doubleword masked
 * by 00F0FF00H (bits 19:16 are undefined: returned as 0), or FF00H for a
 * 16-bit operand; ZF = 1. Otherwise ZF = 0 and DEST is unchanged. */
void op_lar(struct cpu *c, const struct insn *i)
{
    prot_only(c);
    uint16_t sel = (uint16_t)e_read(c, i, 2);
    uint64_t d;
    bool ok = probe(c, sel, &d) && lar_type_ok(c, desc_ar(d)) && visible(c, sel, desc_ar(d));
    if (ok) {
        uint32_t hi = (uint32_t)(d >> 32);
        reg_set(c, i->reg, i->osz, hi & (i->osz == 2 ? 0xff00u : 0x00f0ff00u));
    }
    flag_put(c, RFLAGS_ZF, ok);
    rip_advance(c, i);
}

/* SDM "LSL": on success DEST <- the limit scaled by G (16 bits for a
 * 16-bit operand), ZF = 1; otherwise ZF = 0 and DEST is unchanged. */
void op_lsl(struct cpu *c, const struct insn *i)
{
    prot_only(c);
    uint16_t sel = (uint16_t)e_read(c, i, 2);
    uint64_t d;
    bool ok = probe(c, sel, &d) && lsl_type_ok(c, desc_ar(d)) && visible(c, sel, desc_ar(d));
    if (ok)
        reg_set(c, i->reg, i->osz, desc_limit(d));
    flag_put(c, RFLAGS_ZF, ok);
    rip_advance(c, i);
}

/* SDM "VERR/VERW": ZF = 1 if the segment is readable (VERR: data or
 * readable code) or writable (VERW: writable data) and, unless conforming
 * code, visible at CPL with the selector's RPL. System segments fail. */
static void verify(struct cpu *c, const struct insn *i, bool write)
{
    prot_only(c);
    uint16_t sel = (uint16_t)e_read(c, i, 2);
    uint64_t d;
    bool ok = probe(c, sel, &d);
    if (ok) {
        uint32_t ar = desc_ar(d);
        bool code = ar_is_code(ar);
        if (write)
            ok = ar_is_writable_data(ar) && visible(c, sel, ar);
        else
            ok = (ar & AR_S) && (!code || (ar & SEGT_READABLE)) && visible(c, sel, ar);
    }
    flag_put(c, RFLAGS_ZF, ok);
    rip_advance(c, i);
}

void op_verr(struct cpu *c, const struct insn *i)
{
    verify(c, i, false);
}

void op_verw(struct cpu *c, const struct insn *i)
{
    verify(c, i, true);
}

/* SDM "ARPL": if DEST.RPL < SRC.RPL then ZF = 1 and DEST.RPL <- SRC.RPL,
 * else ZF = 0. Not recognized in real-address and virtual-8086 mode. */
void op_arpl(struct cpu *c, const struct insn *i)
{
    prot_only(c);
    struct rmw m;
    uint64_t dst = e_rmw_begin(c, i, &m, 2);
    unsigned src_rpl = (unsigned)reg_get(c, i->reg, 2) & 3;
    bool adj = (dst & 3) < src_rpl;
    if (adj)
        dst = (dst & ~3ull) | src_rpl;
    rmw_end(c, &m, 2, dst);
    flag_put(c, RFLAGS_ZF, adj);
    rip_advance(c, i);
}
