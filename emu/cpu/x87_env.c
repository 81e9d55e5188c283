/* x87 control instructions: FNINIT, FNCLEX, FNSTCW, FLDCW, FNSTSW (m16
 * and AX), FNSTENV, FLDENV, FNSAVE, FRSTOR — SDM Vol. 2 pages of each and
 * Vol. 1 "Saving the x87 FPU's State with FSTENV/FNSTENV and FSAVE/
 * FNSAVE" (figures of the protected- and real-mode, 16- and 32-bit
 * images). Control instructions leave FOP, FIP and FDP alone — SDM Vol. 1
 * "x87 FPU Instruction and Data (Operand) Pointers". The no-wait forms do
 * not check for pending exceptions; FLDCW, FLDENV and FRSTOR do. */
#include "mem.h"
#include "ops.h"
#include "regs.h"
#include "x87.h"

/* SDM Vol. 1 "x87 FPU Tag Word": 00 valid, 01 zero, 10 special (NaN, ∞,
 * denormal, unsupported), 11 empty; indexed by physical register. */
uint16_t x87_full_tags(const struct cpu *c)
{
    unsigned t = 0;
    for (int p = 0; p < 8; p++) {
        unsigned tag = 3;
        if ((c->fpu.ftw >> p) & 1) {
            enum xclass k = fx80_class(fx80_load(c->fpu.st[p]));
            tag = k == XC_ZERO ? 1 : k == XC_NORMAL ? 0 : 2;
        }
        t |= tag << (2 * p);
    }
    return (uint16_t)t;
}

/* SDM "FINIT/FNINIT": FCW 037FH, FSW 0, all tags empty, pointers and
 * opcode 0; the data registers keep their contents. */
void x87_init(struct cpu *c)
{
    c->fpu.fcw = FCW_INIT;
    c->fpu.fsw = 0;
    c->fpu.ftw = 0;
    c->fpu.fop = 0;
    c->fpu.fip = c->fpu.fdp = 0;
    c->fpu.fcs = c->fpu.fds = 0;
}

/* ES and B follow the flags and masks after FCW or FSW is loaded: SDM
 * "FLDCW" — an unmasked pending exception is raised by the next waiting
 * instruction. */
static void refresh_es(struct cpu *c)
{
    if (c->fpu.fsw & ~c->fpu.fcw & FSW_EXC)
        c->fpu.fsw = (uint16_t)(c->fpu.fsw | FSW_ES | FSW_B);
    else
        c->fpu.fsw = (uint16_t)(c->fpu.fsw & ~(FSW_ES | FSW_B));
}

static uint16_t fcw_value(uint64_t v)
{
    return (uint16_t)((v & FCW_WRITABLE) | FCW_FIXED1);
}

void op_fninit(struct cpu *c, const struct insn *i)
{
    x87_start(c, false);
    x87_init(c);
    rip_advance(c, i);
}

/* SDM "FCLEX/FNCLEX": clears PE..IE, SF, ES and B. */
void op_fnclex(struct cpu *c, const struct insn *i)
{
    x87_start(c, false);
    c->fpu.fsw = (uint16_t)(c->fpu.fsw & ~(FSW_EXC | FSW_SF | FSW_ES | FSW_B));
    rip_advance(c, i);
}

void op_fnstcw(struct cpu *c, const struct insn *i)
{
    x87_start(c, false);
    mem_write(c, i->seg, ea_offset(c, i), 2, c->fpu.fcw);
    rip_advance(c, i);
}

/* SDM "FLDCW": reserved bits 7 and 13..15 read as 0, bit 6 as 1. */
void op_fldcw(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    c->fpu.fcw = fcw_value(mem_read(c, i->seg, ea_offset(c, i), 2));
    refresh_es(c);
    rip_advance(c, i);
}

void op_fnstsw_m16(struct cpu *c, const struct insn *i)
{
    x87_start(c, false);
    mem_write(c, i->seg, ea_offset(c, i), 2, c->fpu.fsw);
    rip_advance(c, i);
}

void op_fnstsw_ax(struct cpu *c, const struct insn *i)
{
    x87_start(c, false);
    reg_set(c, R_AX, 2, c->fpu.fsw);
    rip_advance(c, i);
}

static void put16(uint8_t *b, unsigned v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, uint32_t v)
{
    put16(b, v & 0xffff);
    put16(b + 2, v >> 16);
}

static unsigned get16(const uint8_t *b)
{
    return b[0] | ((unsigned)b[1] << 8);
}

static uint32_t get32(const uint8_t *b)
{
    return get16(b) | ((uint32_t)get16(b + 2) << 16);
}

/* Protected-mode layout (and 64-bit mode) unless real-address or
 * virtual-8086 mode; the 32-bit layout unless the operand size is 16. */
static bool env_protected(const struct cpu *c)
{
    return c->mode != MODE_REAL && c->mode != MODE_VM86;
}

static int env_size(const struct insn *i)
{
    return i->osz == 2 ? 14 : 28;
}

/* The environment image (SDM Vol. 1 figures "Protected Mode x87 FPU State
 * Image in Memory, 32-Bit Format" through "Real Mode … 16-Bit Format").
 * Reserved halves are written as 1s, as Bochs does; in real and
 * virtual-8086 mode the pointers are the 20/32-bit linear addresses. */
static int env_image(const struct cpu *c, const struct insn *i, uint8_t *b)
{
    const struct fpu *f = &c->fpu;
    uint16_t tags = x87_full_tags(c);
    uint32_t ip = (uint32_t)f->fip, dp = (uint32_t)f->fdp;
    bool prot = env_protected(c);
    if (!prot) {
        ip += (uint32_t)f->fcs << 4;
        dp += (uint32_t)f->fds << 4;
    }
    if (env_size(i) == 28) {
        put32(b + 0, 0xffff0000u | f->fcw);
        put32(b + 4, 0xffff0000u | f->fsw);
        put32(b + 8, 0xffff0000u | tags);
        if (prot) {
            put32(b + 12, ip);
            put32(b + 16, f->fcs | ((uint32_t)(f->fop & 0x7ff) << 16));
            put32(b + 20, dp);
            put32(b + 24, 0xffff0000u | f->fds);
        } else {
            put32(b + 12, 0xffff0000u | (ip & 0xffff));
            put32(b + 16, ((ip & 0xffff0000u) >> 4) | (f->fop & 0x7ffu));
            put32(b + 20, 0xffff0000u | (dp & 0xffff));
            put32(b + 24, (dp & 0xffff0000u) >> 4);
        }
        return 28;
    }
    put16(b + 0, f->fcw);
    put16(b + 2, f->fsw);
    put16(b + 4, tags);
    if (prot) {
        put16(b + 6, ip & 0xffff);
        put16(b + 8, f->fcs);
        put16(b + 10, dp & 0xffff);
        put16(b + 12, f->fds);
    } else {
        put16(b + 6, ip & 0xffff);
        put16(b + 8, ((ip >> 4) & 0xf000) | (f->fop & 0x7ffu));
        put16(b + 10, dp & 0xffff);
        put16(b + 12, (dp >> 4) & 0xf000);
    }
    return 14;
}

/* Load an environment image. The tag word only says which registers are
 * empty (11) — SDM Vol. 1 "x87 FPU Tag Word". */
static void env_load(struct cpu *c, const struct insn *i, const uint8_t *b)
{
    struct fpu *f = &c->fpu;
    unsigned tags;
    bool prot = env_protected(c);
    if (env_size(i) == 28) {
        f->fcw = fcw_value(get16(b));
        f->fsw = (uint16_t)get16(b + 4);
        tags = get16(b + 8);
        if (prot) {
            f->fip = get32(b + 12);
            f->fcs = (uint16_t)get16(b + 16);
            f->fop = (uint16_t)(get16(b + 18) & 0x7ff);
            f->fdp = get32(b + 20);
            f->fds = (uint16_t)get16(b + 24);
        } else {
            f->fip = get16(b + 12) | ((get32(b + 16) & 0x0ffff000u) << 4);
            f->fop = (uint16_t)(get16(b + 16) & 0x7ff);
            f->fdp = get16(b + 20) | ((get32(b + 24) & 0x0ffff000u) << 4);
            f->fcs = f->fds = 0;
        }
    } else {
        f->fcw = fcw_value(get16(b));
        f->fsw = (uint16_t)get16(b + 2);
        tags = get16(b + 4);
        if (prot) {
            f->fip = get16(b + 6);
            f->fcs = (uint16_t)get16(b + 8);
            f->fdp = get16(b + 10);
            f->fds = (uint16_t)get16(b + 12);
            f->fop = 0;
        } else {
            f->fip = get16(b + 6) | ((get16(b + 8) & 0xf000u) << 4);
            f->fop = (uint16_t)(get16(b + 8) & 0x7ff);
            f->fdp = get16(b + 10) | ((get16(b + 12) & 0xf000u) << 4);
            f->fcs = f->fds = 0;
        }
    }
    unsigned ftw = 0;
    for (int p = 0; p < 8; p++)
        if (((tags >> (2 * p)) & 3) != 3)
            ftw |= 1u << p;
    f->ftw = (uint16_t)ftw;
    refresh_es(c);
}

/* Multi-byte operands: a store is checked whole before any byte is
 * written, so a fault leaves memory unchanged. */
static void write_buf(struct cpu *c, const struct insn *i, const uint8_t *b, int n)
{
    uint64_t off = ea_offset(c, i);
    mem_probe_write(c, i->seg, off, n);
    for (int k = 0; k < n; k += 2)
        mem_write(c, i->seg, (off + (uint64_t)k) & asz_mask(i->asz), 2, get16(b + k));
}

static void read_buf(struct cpu *c, const struct insn *i, uint8_t *b, int n)
{
    uint64_t off = ea_offset(c, i);
    for (int k = 0; k < n; k += 2)
        put16(b + k, (unsigned)mem_read(c, i->seg, (off + (uint64_t)k) & asz_mask(i->asz), 2));
}

/* SDM "FSTENV/FNSTENV": store the environment, then mask all exceptions
 * (ES and B clear with them). */
void op_fnstenv(struct cpu *c, const struct insn *i)
{
    uint8_t b[28];
    x87_start(c, false);
    write_buf(c, i, b, env_image(c, i, b));
    c->fpu.fcw = (uint16_t)(c->fpu.fcw | FSW_EXC);
    c->fpu.fsw = (uint16_t)(c->fpu.fsw & ~(FSW_ES | FSW_B));
    rip_advance(c, i);
}

void op_fldenv(struct cpu *c, const struct insn *i)
{
    uint8_t b[28];
    x87_start(c, true);
    read_buf(c, i, b, env_size(i));
    env_load(c, i, b);
    rip_advance(c, i);
}

/* SDM "FSAVE/FNSAVE": the environment, then ST(0)..ST(7) in stack order,
 * then FNINIT. */
void op_fnsave(struct cpu *c, const struct insn *i)
{
    uint8_t b[108];
    x87_start(c, false);
    int n = env_image(c, i, b);
    for (int st = 0; st < 8; st++)
        fx80_store(b + n + 10 * st, x87_get(c, st));
    write_buf(c, i, b, n + 80);
    x87_init(c);
    rip_advance(c, i);
}

/* SDM "FRSTOR": registers are in stack order relative to the loaded TOP. */
void op_frstor(struct cpu *c, const struct insn *i)
{
    uint8_t b[108];
    x87_start(c, true);
    int n = env_size(i);
    read_buf(c, i, b, n + 80);
    env_load(c, i, b);
    for (int st = 0; st < 8; st++)
        memcpy(c->fpu.st[x87_phys(c, st)], b + n + 10 * st, 10);
    rip_advance(c, i);
}
