/* Comparison and classification: FCOM/FCOMP/FCOMPP, FUCOM/FUCOMP/FUCOMPP,
 * FICOM/FICOMP, FCOMI/FCOMIP/FUCOMI/FUCOMIP, FTST, FXAM — SDM Vol. 2
 * pages of each. */
#include "flags.h"
#include "mem.h"
#include "ops.h"
#include "x87.h"

/* Magnitude order of two supported values (zeros, finite, infinities). */
static int mag_cmp(struct fx80 a, enum xclass ka, struct fx80 b, enum xclass kb)
{
    if (ka == XC_INF || kb == XC_INF)
        return (ka == XC_INF) - (kb == XC_INF);
    if (ka == XC_ZERO || kb == XC_ZERO)
        return (ka != XC_ZERO) - (kb != XC_ZERO);
    struct xnum na = fx80_unpack(a), nb = fx80_unpack(b);
    if (na.exp != nb.exp)
        return na.exp < nb.exp ? -1 : 1;
    return (na.sig > nb.sig) - (na.sig < nb.sig);
}

/* SDM "FCOM/FCOMP/FCOMPP": any NaN or unsupported operand is #IA and
 * unordered; FUCOM (quiet) raises #IA only for SNaNs and unsupported
 * encodings. The sign of zero is ignored. #D for denormal operands. */
enum xcmp x87_compare(struct fx80 a, struct fx80 b, bool da, bool db, bool quiet, unsigned *exc)
{
    enum xclass ka = fx80_class(a), kb = fx80_class(b);
    if (ka == XC_UNSUP || kb == XC_UNSUP) {
        *exc |= FSW_IE;
        return XCMP_UN;
    }
    if (ka == XC_QNAN || ka == XC_SNAN || kb == XC_QNAN || kb == XC_SNAN) {
        if (!quiet || ka == XC_SNAN || kb == XC_SNAN)
            *exc |= FSW_IE;
        return XCMP_UN;
    }
    if (da || db || ka == XC_DENORM || kb == XC_DENORM)
        *exc |= FSW_DE;
    int sa = ka == XC_ZERO ? 0 : FX80_SIGN(a) ? -1 : 1;
    int sb = kb == XC_ZERO ? 0 : FX80_SIGN(b) ? -1 : 1;
    int r = sa != sb ? (sa > sb) - (sa < sb) : sa * mag_cmp(a, ka, b, kb);
    return r < 0 ? XCMP_LT : r > 0 ? XCMP_GT : XCMP_EQ;
}

/* SDM table "FCOM/FCOMP/FCOMPP Results": C3 C2 C0. */
static unsigned cc_of(enum xcmp r)
{
    switch (r) {
    case XCMP_GT: return 0;
    case XCMP_LT: return FSW_C0;
    case XCMP_EQ: return FSW_C3;
    default: return FSW_C3 | FSW_C2 | FSW_C0;
    }
}

/* Record the comparison unless an unmasked #IA/#D suppresses it (then the
 * condition codes are not set and nothing is popped — SDM "FCOM"). */
static void com_finish(struct cpu *c, enum xcmp r, unsigned exc, int pops)
{
    if (x87_signal(c, exc, false, false))
        return;
    x87_set_cc(c, cc_of(r));
    while (pops-- > 0)
        x87_pop(c);
}

/* ST(0) against ST(n) or a converted memory operand; underflow gives
 * "unordered" when masked. */
static void com_regs(struct cpu *c, int n, bool quiet, int pops)
{
    if (x87_empty(c, 0) || x87_empty(c, n)) {
        if (x87_underflow(c))
            com_finish(c, XCMP_UN, 0, pops);
        return;
    }
    unsigned exc = 0;
    enum xcmp r = x87_compare(x87_get(c, 0), x87_get(c, n), false, false, quiet, &exc);
    com_finish(c, r, exc, pops);
}

static void com_mem(struct cpu *c, const struct insn *i, struct fx80 v, bool den)
{
    int pops = i->reg & 1;    /* /2 FCOM, /3 FCOMP */
    x87_note(c, i);
    if (x87_empty(c, 0)) {
        if (x87_underflow(c))
            com_finish(c, XCMP_UN, 0, pops);
    } else {
        unsigned exc = 0;
        enum xcmp r = x87_compare(x87_get(c, 0), v, false, den, false, &exc);
        com_finish(c, r, exc, pops);
    }
    rip_advance(c, i);
}

void op_fcom_m32fp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    bool den = false;
    struct fx80 v = fx80_from_f32((uint32_t)mem_read(c, i->seg, ea_offset(c, i), 4), &den);
    com_mem(c, i, v, den);
}

void op_fcom_m64fp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    bool den = false;
    struct fx80 v = fx80_from_f64(mem_read(c, i->seg, ea_offset(c, i), 8), &den);
    com_mem(c, i, v, den);
}

void op_ficom_m32int(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    int32_t m = (int32_t)(uint32_t)mem_read(c, i->seg, ea_offset(c, i), 4);
    com_mem(c, i, fx80_from_int(m), false);
}

void op_ficom_m16int(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    int16_t m = (int16_t)(uint16_t)mem_read(c, i->seg, ea_offset(c, i), 2);
    com_mem(c, i, fx80_from_int(m), false);
}

static void com_sti(struct cpu *c, const struct insn *i, bool quiet, int pops)
{
    x87_start(c, true);
    x87_note(c, i);
    com_regs(c, i->rm & 7, quiet, pops);
    rip_advance(c, i);
}

void op_fcom_sti(struct cpu *c, const struct insn *i)
{
    com_sti(c, i, false, 0);
}

void op_fcomp_sti(struct cpu *c, const struct insn *i)
{
    com_sti(c, i, false, 1);
}

void op_fucom_sti(struct cpu *c, const struct insn *i)
{
    com_sti(c, i, true, 0);
}

void op_fucomp_sti(struct cpu *c, const struct insn *i)
{
    com_sti(c, i, true, 1);
}

void op_fcompp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    com_regs(c, 1, false, 2);
    rip_advance(c, i);
}

void op_fucompp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    com_regs(c, 1, true, 2);
    rip_advance(c, i);
}

/* SDM "FCOMI/FCOMIP/FUCOMI/FUCOMIP": ZF, PF, CF as in table "FCOMI/FCOMIP/
 * FUCOMI/FUCOMIP Results" (unordered: all three set); OF, SF and AF
 * cleared; C1 = 0. DB E8+i FUCOMI, DB F0+i FCOMI, DF: the popping forms. */
void op_fcomi(struct cpu *c, const struct insn *i)
{
    static const uint64_t zpc[4] = {
        [XCMP_GT] = 0, [XCMP_LT] = RFLAGS_CF, [XCMP_EQ] = RFLAGS_ZF,
        [XCMP_UN] = RFLAGS_ZF | RFLAGS_PF | RFLAGS_CF,
    };
    x87_start(c, true);
    x87_note(c, i);
    bool quiet = (i->reg & 7) == 5, pop = i->op == 0xdf;
    int n = i->rm & 7;
    enum xcmp r = XCMP_UN;
    unsigned exc = 0;
    bool ok;
    if (x87_empty(c, 0) || x87_empty(c, n)) {
        ok = x87_underflow(c);
    } else {
        r = x87_compare(x87_get(c, 0), x87_get(c, n), false, false, quiet, &exc);
        ok = !x87_signal(c, exc, false, false);
    }
    if (ok) {
        flags_materialize(c);
        c->rflags = (c->rflags & ~(uint64_t)RFLAGS_ARITH) | zpc[r];
        if (pop)
            x87_pop(c);
    }
    rip_advance(c, i);
}

/* SDM "FTST": ST(0) against +0.0, as FCOM. */
void op_ftst(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, 0)) {
        if (x87_underflow(c))
            com_finish(c, XCMP_UN, 0, 0);
    } else {
        unsigned exc = 0;
        enum xcmp r = x87_compare(x87_get(c, 0), fx80_zero(0), false, false, false, &exc);
        com_finish(c, r, exc, 0);
    }
    rip_advance(c, i);
}

/* SDM "FXAM" table: C3 C2 C0 = class, C1 = sign of ST(0) even when the
 * register is empty. Pseudo-denormals report "denormal"; unnormals,
 * pseudo-NaNs and pseudo-infinities "unsupported". */
void op_fxam(struct cpu *c, const struct insn *i)
{
    static const unsigned cls[] = {
        [XC_ZERO] = FSW_C3, [XC_DENORM] = FSW_C3 | FSW_C2, [XC_NORMAL] = FSW_C2,
        [XC_INF] = FSW_C2 | FSW_C0, [XC_QNAN] = FSW_C0, [XC_SNAN] = FSW_C0, [XC_UNSUP] = 0,
    };
    x87_start(c, true);
    x87_note(c, i);
    struct fx80 v = x87_get(c, 0);
    unsigned cc = x87_empty(c, 0) ? FSW_C3 | FSW_C0 : cls[fx80_class(v)];
    x87_set_cc(c, cc | (FX80_SIGN(v) ? FSW_C1 : 0));
    rip_advance(c, i);
}
