/* The x87 register stack, tags, exception signalling and the instruction
 * pointers, and the instructions that only move registers: FLD ST(i),
 * FST/FSTP ST(i), FXCH, FFREE, FFREEP, FINCSTP, FDECSTP, FNOP, FCMOVcc,
 * FENI/FDISI/FSETPM — SDM Vol. 1 "x87 FPU Execution Environment". */
#include <float.h>

#include "flags.h"
#include "mem.h"
#include "ops.h"
#include "x87.h"

/* The model needs the host's long double to be x87 extended (x87_host.c). */
#define HOST_HAS_X87 (LDBL_MANT_DIG == 64 && LDBL_MAX_EXP == 16384)

struct fx80 x87_get(const struct cpu *c, int st)
{
    return fx80_load(c->fpu.st[x87_phys(c, st)]);
}

void x87_set(struct cpu *c, int st, struct fx80 v)
{
    int p = x87_phys(c, st);
    fx80_store(c->fpu.st[p], v);
    c->fpu.ftw = (uint16_t)(c->fpu.ftw | (1u << p));
}

static void set_top(struct cpu *c, int top)
{
    c->fpu.fsw = (uint16_t)((c->fpu.fsw & ~FSW_TOP) | ((unsigned)(top & 7) << 11));
}

/* SDM Vol. 1 "x87 FPU Data Registers": a push decrements TOP, a pop tags
 * ST(0) empty and increments TOP. */
void x87_push(struct cpu *c, struct fx80 v)
{
    set_top(c, x87_top(c) - 1);
    x87_set(c, 0, v);
}

void x87_pop(struct cpu *c)
{
    c->fpu.ftw = (uint16_t)(c->fpu.ftw & ~(1u << x87_phys(c, 0)));
    set_top(c, x87_top(c) + 1);
}

void x87_check_pending(struct cpu *c)
{
    /* SDM Vol. 1 "x87 FPU Exception Synchronization" and Vol. 3A
     * "Interrupt 16—x87 FPU Floating-Point Error (#MF)": with CR0.NE = 1 a
     * pending unmasked exception (ES) raises #MF at the next waiting x87
     * instruction or FWAIT. With CR0.NE = 0 a PC signals FERR# to IRQ 13
     * through external logic; vtx does not model that path, and the
     * instruction goes on as if IGNNE# were asserted. */
    if ((c->fpu.fsw & FSW_ES) && (c->cr0 & CR0_NE))
        cpu_fault_noerr(c, EXC_MF);
}

void x87_start(struct cpu *c, bool wait)
{
    if (!HOST_HAS_X87)
        cpu_ud(c);
    /* SDM "Interrupt 7—Device Not Available Exception (#NM)": CR0.EM = 1 or
     * CR0.TS = 1 for any x87 instruction. */
    if (c->cr0 & (CR0_EM | CR0_TS))
        cpu_fault_noerr(c, EXC_NM);
    if (wait)
        x87_check_pending(c);
}

void x87_note(struct cpu *c, const struct insn *i)
{
    /* SDM Vol. 1 "Last Instruction Opcode": low 3 bits of the first opcode
     * byte and the ModRM byte. vtx records it for every non-control
     * instruction (what the fopcode compatibility mode guarantees). */
    c->fpu.fop = (uint16_t)(((i->op & 7u) << 8) | ((unsigned)(i->mod & 3) << 6) | ((i->reg & 7u) << 3) |
                            (i->rm & 7u));
    /* "x87 FPU Instruction and Data (Operand) Pointers": the instruction's
     * first byte (prefixes included), its CS; the memory operand's offset
     * and segment selector. */
    c->fpu.fip = c->rip;
    c->fpu.fcs = c->seg[S_CS].sel;
    if (i->mod != 3) {
        c->fpu.fdp = ea_offset(c, i);
        c->fpu.fds = i->seg < 6 ? c->seg[i->seg].sel : 0;
    }
}

/* The FSW an exception set leads to, and the exceptions that suppress the
 * result. SDM Vol. 1 "Floating-Point Exception Priority": an invalid
 * operation or divide-by-zero excludes every other exception; an unmasked
 * denormal stops before the operation; OE/UE/PE are post-computation.
 * "Numeric Overflow/Underflow Exception": unmasked with a memory
 * destination nothing is stored (and, as on Bochs, PE is not reported and
 * C1 is cleared); with a register destination the bias-adjusted result is
 * stored. C1: the stack-fault direction (1 = overflow) or, with PE,
 * whether the result was rounded up; else 0. ES and B are set when an
 * unmasked exception is flagged. */
static unsigned decide(uint16_t fcw, uint16_t *fsw, unsigned exc, bool up, bool mem)
{
    unsigned unmasked = ~fcw & FSW_EXC, block;
    bool c1;
    if (exc & (FSW_IE | FSW_ZE)) {
        exc &= FSW_IE | FSW_ZE | FSW_SF;
        block = exc & unmasked;
        c1 = (exc & FSW_SF) && up;
    } else if (exc & FSW_DE & unmasked) {
        exc = FSW_DE;
        block = FSW_DE;
        c1 = false;
    } else {
        exc &= FSW_EXC;
        block = 0;
        c1 = (exc & FSW_PE) && up;
        if (mem && (exc & (FSW_OE | FSW_UE) & unmasked)) {
            block = exc & (FSW_OE | FSW_UE) & unmasked;
            exc &= ~FSW_PE;
            c1 = false;
        }
    }
    unsigned f = (*fsw | (exc & (FSW_EXC | FSW_SF))) & ~FSW_C1;
    if (c1)
        f |= FSW_C1;
    if (exc & unmasked & FSW_EXC)
        f |= FSW_ES | FSW_B;
    *fsw = (uint16_t)f;
    return block;
}

unsigned x87_signal(struct cpu *c, unsigned exc, bool up, bool mem)
{
    return decide(c->fpu.fcw, &c->fpu.fsw, exc, up, mem);
}

bool x87_blocks(const struct cpu *c, unsigned exc, bool mem)
{
    uint16_t fsw = c->fpu.fsw;
    return decide(c->fpu.fcw, &fsw, exc, false, mem) != 0;
}

bool x87_underflow(struct cpu *c)
{
    x87_signal(c, FSW_IE | FSW_SF, false, false);
    return c->fpu.fcw & FCW_IM;
}

bool x87_overflow(struct cpu *c)
{
    x87_signal(c, FSW_IE | FSW_SF, true, false);
    return c->fpu.fcw & FCW_IM;
}

static int sti(const struct insn *i)
{
    return i->rm & 7;
}

/* SDM "FLD": ST(i) is read before the push; stack underflow outranks
 * overflow (SDM "Floating-Point Exception Priority"). C1 = 1 on overflow. */
void op_fld_sti(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, sti(i))) {
        if (x87_underflow(c))
            x87_push(c, FX80_INDEFINITE);
    } else if (!x87_empty(c, 7)) {
        if (x87_overflow(c))
            x87_push(c, FX80_INDEFINITE);
    } else {
        struct fx80 v = x87_get(c, sti(i));
        x87_signal(c, 0, false, false);
        x87_push(c, v);
    }
    rip_advance(c, i);
}

/* SDM "FST/FSTP": a register destination gets ST(0) unchanged. */
static void fst_sti(struct cpu *c, const struct insn *i, bool pop)
{
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, 0)) {
        if (x87_underflow(c)) {
            x87_set(c, sti(i), FX80_INDEFINITE);
            if (pop)
                x87_pop(c);
        }
    } else {
        x87_signal(c, 0, false, false);
        x87_set(c, sti(i), x87_get(c, 0));
        if (pop)
            x87_pop(c);
    }
    rip_advance(c, i);
}

void op_fst_sti(struct cpu *c, const struct insn *i)
{
    fst_sti(c, i, false);
}

void op_fstp_sti(struct cpu *c, const struct insn *i)
{
    fst_sti(c, i, true);
}

/* SDM "FXCH": with an empty operand, masked, the empty one becomes the
 * indefinite before the exchange. */
void op_fxch(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    bool e0 = x87_empty(c, 0), ei = x87_empty(c, sti(i));
    struct fx80 a = x87_get(c, 0), b = x87_get(c, sti(i));
    if (e0 || ei) {
        if (!x87_underflow(c)) {
            rip_advance(c, i);
            return;
        }
        a = e0 ? FX80_INDEFINITE : a;
        b = ei ? FX80_INDEFINITE : b;
    } else {
        x87_signal(c, 0, false, false);
    }
    x87_set(c, 0, b);
    x87_set(c, sti(i), a);
    rip_advance(c, i);
}

/* SDM "FFREE": tag ST(i) empty; TOP unchanged; C0..C3 undefined (kept). */
void op_ffree(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    c->fpu.ftw = (uint16_t)(c->fpu.ftw & ~(1u << x87_phys(c, sti(i))));
    rip_advance(c, i);
}

/* DF C0+i: FFREE ST(i), then pop (undocumented by Intel, executed by
 * Intel and AMD processors; AMD documents it as FFREEP). */
void op_ffreep(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    c->fpu.ftw = (uint16_t)(c->fpu.ftw & ~(1u << x87_phys(c, sti(i))));
    x87_pop(c);
    rip_advance(c, i);
}

/* SDM "FINCSTP" / "FDECSTP": TOP ± 1, tags unchanged, C1 = 0. */
void op_fincstp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    set_top(c, x87_top(c) + 1);
    c->fpu.fsw = (uint16_t)(c->fpu.fsw & ~FSW_C1);
    rip_advance(c, i);
}

void op_fdecstp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    set_top(c, x87_top(c) - 1);
    c->fpu.fsw = (uint16_t)(c->fpu.fsw & ~FSW_C1);
    rip_advance(c, i);
}

/* SDM "FNOP": a waiting instruction that changes nothing but the x87
 * instruction pointers. */
void op_fnop(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    x87_note(c, i);
    rip_advance(c, i);
}

/* DB E0/E1/E4 FNENI, FNDISI, FNSETPM: SDM Vol. 3 "Architecture
 * Compatibility" — ignored by the 387 and later (no-wait, no pointers). */
void op_fnop_legacy(struct cpu *c, const struct insn *i)
{
    x87_start(c, false);
    rip_advance(c, i);
}

/* SDM "FCMOVcc": DA C0/C8/D0/D8 = B, E, BE, U; DB = their negations.
 * Underflow is checked whatever the condition (as Bochs). */
void op_fcmov(struct cpu *c, const struct insn *i)
{
    static const int tttn[4] = { 0x2, 0x4, 0x6, 0xa };   /* B, E, BE, P */
    x87_start(c, true);
    x87_note(c, i);
    if (x87_empty(c, 0) || x87_empty(c, sti(i))) {
        if (x87_underflow(c))
            x87_set(c, 0, FX80_INDEFINITE);
    } else {
        x87_signal(c, 0, false, false);
        if (cond(c, tttn[(i->reg & 7) & 3] | (i->op == 0xdb)))
            x87_set(c, 0, x87_get(c, sti(i)));
    }
    rip_advance(c, i);
}
