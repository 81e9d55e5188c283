/* Segmentation: descriptor-table access and the loads of ES, SS, DS, FS
 * and GS with their protection checks — SDM Vol. 3A "Protected-Mode
 * Memory Management" and "Protection"; Vol. 2 "MOV—Move", "POP—Pop a
 * Value from the Stack", "LDS/LES/LFS/LGS/LSS—Load Far Pointer". */
#include "segment.h"

#include "mem.h"

uint64_t desc_base(uint64_t d)
{
    return ((d >> 16) & 0xffffffull) | (((d >> 56) & 0xffull) << 24);
}

/* SDM "Segment Descriptors": G scales the 20-bit limit by 4 KBytes. */
uint32_t desc_limit(uint64_t d)
{
    uint32_t raw = (uint32_t)(d & 0xffff) | (uint32_t)((d >> 32) & 0xf0000);
    return (d & (1ull << 55)) ? (raw << 12) | 0xfff : raw;
}

/* SDM "Segment Selectors": TI selects the GDT or the LDT; the entry
 * (index * 8 + size - 1) must lie within the table limit. A NULL LDT
 * (LDTR unusable) has no entries. */
static bool desc_locate(const struct cpu *c, uint16_t sel, unsigned size, uint64_t *lin)
{
    uint64_t base = c->gdtr.base;
    uint32_t limit = c->gdtr.limit;
    if (sel & SEL_TI) {
        if (c->ldtr.ar & AR_UNUSABLE)
            return false;
        base = c->ldtr.base;
        limit = c->ldtr.limit;
    }
    uint32_t off = sel & ~7u;
    if ((uint64_t)off + size - 1 > limit)
        return false;
    *lin = sys_linear(c, base + off);
    return true;
}

bool desc_read(struct cpu *c, uint16_t sel, uint64_t *desc)
{
    uint64_t lin;
    if (!desc_locate(c, sel, 8, &lin))
        return false;
    *desc = sys_read(c, lin, 8);
    return true;
}

/* SDM "Segment Descriptor Tables in IA-32e Mode": system descriptors are
 * 16 bytes (two entries). */
bool desc_read16(struct cpu *c, uint16_t sel, uint64_t d[2])
{
    uint64_t lin;
    if (!desc_locate(c, sel, 16, &lin))
        return false;
    d[0] = sys_read(c, lin, 8);
    d[1] = sys_read(c, sys_linear(c, lin + 8), 8);
    return true;
}

uint64_t desc_fetch(struct cpu *c, uint16_t sel, int vector, uint32_t ext)
{
    uint64_t d;
    if (!desc_read(c, sel, &d))
        cpu_fault(c, vector, (sel & 0xfffcu) | ext);
    return d;
}

/* Rewrite the access-rights byte (descriptor byte 5) with `bits` set. */
static void desc_set_type_bits(struct cpu *c, uint16_t sel, uint64_t *d, unsigned bits)
{
    uint64_t lin;
    unsigned ar = (unsigned)(*d >> 40) & 0xff;
    if ((ar & bits) == bits || !desc_locate(c, sel, 8, &lin))
        return;
    sys_write(c, sys_linear(c, lin + 5), 1, ar | bits);
    *d |= (uint64_t)bits << 40;
}

/* SDM "Segment Descriptors", type field: the processor sets the accessed
 * bit when it loads the selector into a segment register. */
void desc_set_accessed(struct cpu *c, uint16_t sel, uint64_t *d)
{
    desc_set_type_bits(c, sel, d, SEGT_ACCESSED);
}

/* SDM "LTR—Load Task Register": the TSS descriptor is marked busy. */
void desc_set_busy(struct cpu *c, uint16_t sel, uint64_t *d)
{
    desc_set_type_bits(c, sel, d, 2u);
}

void seg_from_desc(struct seg *s, uint16_t sel, uint64_t desc)
{
    s->sel = sel;
    s->base = desc_base(desc);
    s->limit = desc_limit(desc);
    s->ar = desc_ar(desc);
}

/* SDM "Segment Loading Instructions in IA-32e Mode" and the Linux/Intel
 * behaviour of NULL loads: base and limit cleared, register unusable. */
void seg_set_null(struct seg *s, uint16_t sel)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0;
    s->ar = AR_UNUSABLE;
}

void seg_set_null_ss(struct seg *s, uint16_t sel)
{
    seg_set_null(s, sel);
    s->ar |= SEL_RPL(sel) << AR_DPL_SHIFT;
}

/* SDM "Real-Address Mode Operation" / "Virtual-8086 Mode": the base is
 * selector * 16. In virtual-8086 mode every segment is a 64-KByte,
 * DPL-3, read/write data segment (VMX guest-state layout 0xf3). In real
 * mode the limit and the size attributes stay as they were. */
void seg_load_real(struct cpu *c, int s, uint16_t sel)
{
    struct seg *g = &c->seg[s];
    g->sel = sel;
    g->base = (uint64_t)sel << 4;
    if (c->mode == MODE_VM86 || (c->rflags & RFLAGS_VM)) {
        g->limit = 0xffff;
        g->ar = 0xf3;
        return;
    }
    uint32_t keep = g->ar & (AR_AVL | AR_DB | AR_G);
    g->ar = keep | AR_P | AR_S | (s == S_CS ? (SEGT_CODE | SEGT_READABLE | SEGT_ACCESSED)
                                            : (SEGT_WRITABLE | SEGT_ACCESSED));
}

/* SDM "MOV—Move" (SS is loaded) and "Privilege Level Checking When Loading
 * the SS Register": RPL = CPL, a writable data segment with DPL = CPL,
 * present (#SS(sel) if not). In 64-bit mode a NULL SS is allowed at
 * CPL < 3 when RPL = CPL. */
static void load_ss(struct cpu *c, uint16_t sel)
{
    uint32_t err = sel & 0xfffcu;
    if (!err) {
        if (c->mode != MODE_LONG || c->cpl == 3 || (int)SEL_RPL(sel) != c->cpl)
            cpu_gp(c, 0);
        seg_set_null_ss(&c->seg[S_SS], sel);
        cpu_update_mode(c);
        return;
    }
    uint64_t d = desc_fetch(c, sel, EXC_GP, 0);
    uint32_t ar = desc_ar(d);
    if ((int)SEL_RPL(sel) != c->cpl || !ar_is_writable_data(ar) || (int)AR_DPL(ar) != c->cpl)
        cpu_gp(c, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_SS, err);
    desc_set_accessed(c, sel, &d);
    seg_from_desc(&c->seg[S_SS], sel, d);
    cpu_update_mode(c);
}

/* SDM "MOV—Move" (DS, ES, FS, GS is loaded) and "Privilege Checking When
 * Accessing Data Segments": a data or readable code segment; for data and
 * non-conforming code, RPL <= DPL and CPL <= DPL; present (#NP(sel)).
 * A NULL selector makes the register unusable. */
static void load_data(struct cpu *c, int s, uint16_t sel)
{
    uint32_t err = sel & 0xfffcu;
    if (!err) {
        seg_set_null(&c->seg[s], sel);
        return;
    }
    uint64_t d = desc_fetch(c, sel, EXC_GP, 0);
    uint32_t ar = desc_ar(d);
    if (!(ar & AR_S) || ((ar & SEGT_CODE) && !(ar & SEGT_READABLE)))
        cpu_gp(c, err);
    if (!ar_is_conforming_code(ar) && (SEL_RPL(sel) > AR_DPL(ar) || (unsigned)c->cpl > AR_DPL(ar)))
        cpu_gp(c, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_NP, err);
    desc_set_accessed(c, sel, &d);
    seg_from_desc(&c->seg[s], sel, d);
}

void seg_load(struct cpu *c, int s, uint16_t sel)
{
    if (c->mode == MODE_REAL || c->mode == MODE_VM86) {
        seg_load_real(c, s, sel);
        if (s == S_SS)
            cpu_update_mode(c);
        return;
    }
    if (s == S_SS)
        load_ss(c, sel);
    else
        load_data(c, s, sel);
}

/* SDM "RET—Return From Procedure" / "IRET": RETURN-TO-OUTER-PRIVILEGE-LEVEL,
 * the stack segment checks: index within limits (#GP(sel)), RPL = return
 * CS RPL, writable data, DPL = return CS RPL (#GP(sel)), present
 * (#SS(sel)). NULL selectors are handled by the callers. */
uint64_t ss_check_return(struct cpu *c, uint16_t sel, int rpl)
{
    uint32_t err = sel & 0xfffcu;
    uint64_t d = desc_fetch(c, sel, EXC_GP, 0);
    uint32_t ar = desc_ar(d);
    if ((int)SEL_RPL(sel) != rpl || !ar_is_writable_data(ar) || (int)AR_DPL(ar) != rpl)
        cpu_gp(c, err);
    if (!(ar & AR_P))
        cpu_fault(c, EXC_SS, err);
    return d;
}

/* SDM "RET" / "IRET": FOR each SegReg in (ES, FS, GS, DS): if it points
 * to a data or non-conforming code segment and CPL > DPL (hidden part),
 * SegReg <- NULL. Already unusable registers keep their state (their
 * FS/GS base stays in use in 64-bit mode). */
void seg_invalidate_outer(struct cpu *c, int cpl)
{
    static const int regs[4] = { S_ES, S_FS, S_GS, S_DS };
    for (int k = 0; k < 4; k++) {
        struct seg *s = &c->seg[regs[k]];
        if (s->ar & AR_UNUSABLE)
            continue;
        if (!ar_is_conforming_code(s->ar) && (int)AR_DPL(s->ar) < cpl) {
            s->sel = 0;
            s->ar = AR_UNUSABLE;
        }
    }
}
