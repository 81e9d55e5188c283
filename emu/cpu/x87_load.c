/* Floating-point loads and stores: FLD m32fp/m64fp/m80fp, FST/FSTP
 * m32fp/m64fp, FSTP m80fp, and the constants FLD1, FLDL2T, FLDL2E,
 * FLDPI, FLDLG2, FLDLN2, FLDZ — SDM Vol. 2 "FLD", "FST/FSTP",
 * "FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ". */
#include "mem.h"
#include "ops.h"
#include "x87.h"

/* Push v after the stack-overflow check; exc are the conversion's own
 * exceptions (#IA for an SNaN source, #D for a denormal one). */
static void push_value(struct cpu *c, const struct insn *i, struct fx80 v, unsigned exc)
{
    x87_note(c, i);
    if (!x87_empty(c, 7)) {
        if (x87_overflow(c))
            x87_push(c, FX80_INDEFINITE);
    } else if (!x87_signal(c, exc, false, false)) {
        x87_push(c, v);
    }
    rip_advance(c, i);
}

/* SDM "FLD": m32fp/m64fp sources are converted exactly; an SNaN source is
 * #IA (masked: loaded quieted), a denormal source #D. */
static void fld_ieee(struct cpu *c, const struct insn *i, struct fx80 v, bool den)
{
    unsigned exc = den ? FSW_DE : 0;
    if (fx80_class(v) == XC_SNAN) {
        exc = FSW_IE;
        v.sig |= 1ull << 62;
    }
    push_value(c, i, v, exc);
}

void op_fld_m32fp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    bool den = false;
    struct fx80 v = fx80_from_f32((uint32_t)mem_read(c, i->seg, ea_offset(c, i), 4), &den);
    fld_ieee(c, i, v, den);
}

void op_fld_m64fp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    bool den = false;
    struct fx80 v = fx80_from_f64(mem_read(c, i->seg, ea_offset(c, i), 8), &den);
    fld_ieee(c, i, v, den);
}

/* An m80 operand: 8 bytes of significand, then the sign/exponent word. */
static uint64_t m80_next(const struct insn *i, uint64_t off)
{
    return (off + 8) & asz_mask(i->asz);
}

/* SDM "FLD": an m80fp source is loaded as it is, without exceptions. */
void op_fld_m80fp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    uint64_t off = ea_offset(c, i);
    struct fx80 v;
    v.sig = mem_read(c, i->seg, off, 8);
    v.se = (uint16_t)mem_read(c, i->seg, m80_next(i, off), 2);
    push_value(c, i, v, 0);
}

/* Shared by FST/FSTP (below) and FIST/FISTP (x87_int.c). */
void x87_store_st0(struct cpu *c, const struct insn *i, uint64_t off, int size, uint64_t bits, unsigned exc,
                   bool up, bool pop)
{
    bool blocked = x87_blocks(c, exc, true);
    if (!blocked)
        mem_write(c, i->seg, off, size, bits);
    x87_note(c, i);
    x87_signal(c, exc, up, true);
    if (!blocked && pop)
        x87_pop(c);
    rip_advance(c, i);
}

/* SDM "FST/FSTP" to m32fp/m64fp: rounded to the destination; with an
 * empty ST(0) the masked response stores the indefinite. Memory is written
 * before anything else changes, so a fault leaves the FPU as it was. */
static void fst_ieee(struct cpu *c, const struct insn *i, int size)
{
    bool pop = (i->reg & 7) == 3;
    uint64_t off = ea_offset(c, i);
    unsigned exc = 0;
    bool up = false;
    uint64_t bits;
    if (x87_empty(c, 0)) {
        exc = FSW_IE | FSW_SF;
        bits = size == 4 ? 0xffc00000ull : 0xfff8000000000000ull;
    } else if (size == 4) {
        bits = fx80_to_f32(x87_get(c, 0), c->fpu.fcw, &exc, &up);
    } else {
        bits = fx80_to_f64(x87_get(c, 0), c->fpu.fcw, &exc, &up);
    }
    x87_store_st0(c, i, off, size, bits, exc, up, pop);
}

void op_fst_m32fp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    fst_ieee(c, i, 4);
}

void op_fst_m64fp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    fst_ieee(c, i, 8);
}

/* SDM "FST/FSTP": FSTP m80fp stores ST(0) unchanged (no #IA for SNaNs). */
void op_fstp_m80fp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    uint64_t off = ea_offset(c, i);
    struct fx80 v = FX80_INDEFINITE;
    unsigned exc = FSW_IE | FSW_SF;
    if (!x87_empty(c, 0)) {
        v = x87_get(c, 0);
        exc = 0;
    }
    bool blocked = x87_blocks(c, exc, true);
    if (!blocked) {
        mem_probe_write(c, i->seg, off, 10);
        mem_write(c, i->seg, off, 8, v.sig);
        mem_write(c, i->seg, m80_next(i, off), 2, v.se);
    }
    x87_note(c, i);
    x87_signal(c, exc, false, true);
    if (!blocked)
        x87_pop(c);
    rip_advance(c, i);
}

/* The constants: the 64-bit significand truncated from the exact value,
 * and whether the exact value lies above the halfway point. SDM Vol. 1
 * "Load Constant Instructions": the internal constant is rounded per
 * FCW.RC (round to nearest gives the 8087/287 values); no #P is raised.
 * D9 E8..EE = FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ. */
static const struct {
    uint16_t se;
    uint64_t sig;
    bool exact, above_half;
} constants[7] = {
    { 0x3fff, 0x8000000000000000ull, true, false },   /* 1 */
    { 0x4000, 0xd49a784bcd1b8afeull, false, false },  /* log2(10) */
    { 0x3fff, 0xb8aa3b295c17f0bbull, false, true },   /* log2(e) */
    { 0x4000, 0xc90fdaa22168c234ull, false, true },   /* pi */
    { 0x3ffd, 0x9a209a84fbcff798ull, false, true },   /* log10(2) */
    { 0x3ffe, 0xb17217f7d1cf79abull, false, true },   /* ln(2) */
    { 0x0000, 0x0000000000000000ull, true, false },   /* +0.0 */
};

void op_fldconst(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    int k = i->rm & 7;
    struct fx80 v = { constants[k].sig, constants[k].se };
    if (!constants[k].exact) {
        switch (x87_rc(c)) {
        case RC_NEAREST: v.sig += constants[k].above_half; break;
        case RC_UP: v.sig += 1; break;    /* positive, irrational: never exact */
        default: break;                   /* down and toward zero: truncated */
        }
    }
    push_value(c, i, v, 0);
}
