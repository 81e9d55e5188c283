/* Decimal adjust: DAA DAS AAA AAS AAM AAD (legacy modes only) — SDM Vol. 2.
 * Undefined flags: OF is cleared; after AAA/AAS, SF, ZF and PF follow AL;
 * after AAM/AAD, CF and AF are cleared. */
#include "flags.h"
#include "mem.h"
#include "ops.h"

static void set_al(struct cpu *c, uint64_t v) { reg_set(c, R_AX, 1, v); }
static uint64_t al(const struct cpu *c) { return c->r[R_AX] & 0xff; }

void op_daa(struct cpu *c, const struct insn *i)
{
    uint64_t old = al(c), v = old;
    int cf = flag_cf(c), af = 0, ncf = 0;
    if ((v & 0xf) > 9 || flag_af(c)) {
        v += 6;
        af = 1;
    }
    if (old > 0x99 || cf) {
        v += 0x60;
        ncf = 1;
    }
    set_al(c, v);
    lf_set(c, v & 0xff, 1, ncf, 0, af);
    rip_advance(c, i);
}

void op_das(struct cpu *c, const struct insn *i)
{
    uint64_t old = al(c), v = old;
    int cf = flag_cf(c), af = 0, ncf = 0;
    if ((v & 0xf) > 9 || flag_af(c)) {
        v -= 6;
        af = 1;
        ncf = old < 6;                    /* SDM "DAS": CF ← old_CF or borrow */
    }
    if (old > 0x99 || cf) {
        v -= 0x60;
        ncf = 1;
    }
    set_al(c, v);
    lf_set(c, v & 0xff, 1, ncf, 0, af);
    rip_advance(c, i);
}

static void ascii_adjust(struct cpu *c, const struct insn *i, int sub)
{
    uint64_t ax = c->r[R_AX] & 0xffff;
    int adj = (ax & 0xf) > 9 || flag_af(c);
    if (adj)
        ax = sub ? ((ax - 6) & 0xff) | ((ax - 0x100) & 0xff00) : ax + 0x106;
    ax = (ax & 0xff0f);
    reg_set(c, R_AX, 2, ax);
    lf_set(c, ax & 0xff, 1, adj, 0, adj);
    rip_advance(c, i);
}

void op_aaa(struct cpu *c, const struct insn *i) { ascii_adjust(c, i, 0); }
void op_aas(struct cpu *c, const struct insn *i) { ascii_adjust(c, i, 1); }

void op_aam(struct cpu *c, const struct insn *i)
{
    uint64_t base = i->imm & 0xff;
    if (base == 0)
        cpu_fault_noerr(c, EXC_DE);
    uint64_t a = al(c);
    reg_set(c, R_AX, 2, ((a / base) << 8) | (a % base));
    lf_set(c, a % base, 1, 0, 0, 0);
    rip_advance(c, i);
}

void op_aad(struct cpu *c, const struct insn *i)
{
    uint64_t base = i->imm & 0xff;
    uint64_t v = (al(c) + ((c->r[R_AX] >> 8) & 0xff) * base) & 0xff;
    reg_set(c, R_AX, 2, v);
    lf_set(c, v, 1, 0, 0, 0);
    rip_advance(c, i);
}

/* SALC (opcode D6, outside 64-bit mode): AL ← CF ? FFH : 00H, flags kept.
 * The SDM's opcode map leaves D6 without a mnemonic, but every Intel
 * processor since the 8086 executes it so (Bochs and QEMU do too, and
 * kvm-unit-tests' realmode checks it); vtx follows the silicon. */
void op_salc(struct cpu *c, const struct insn *i)
{
    set_al(c, flag_cf(c) ? 0xff : 0);
    rip_advance(c, i);
}
