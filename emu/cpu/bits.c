/* Bit test and scan: BT BTS BTR BTC, BSF BSR, TZCNT LZCNT POPCNT —
 * SDM Vol. 2. Undefined flags follow Intel CPUs as Bochs models them:
 * BT* change only CF; BSF/BSR with a non-zero source set SF and PF from
 * the index and clear CF, OF and AF; with a zero source they set ZF and
 * leave the destination and the other flags alone. */
#include "flags.h"
#include "mem.h"
#include "ops.h"

enum { BT_TEST, BT_SET, BT_RESET, BT_COMP };

static uint64_t bt_apply(int op, uint64_t v, unsigned bit)
{
    uint64_t m = 1ull << bit;
    switch (op) {
    case BT_SET: return v | m;
    case BT_RESET: return v & ~m;
    case BT_COMP: return v ^ m;
    default: return v;
    }
}

/* op from the opcode: 0F A3 BT, AB BTS, B3 BTR, BB BTC; 0F BA /4../7. */
static void bt_common(struct cpu *c, const struct insn *i, int op, int64_t off, int reg_offset)
{
    int sz = i->osz, w = sz * 8;
    unsigned bit = (unsigned)(off & (w - 1));
    uint64_t v;
    struct rmw m;
    if (i->mod == 3 || !reg_offset) {
        if (op == BT_TEST)
            v = e_read(c, i, sz);
        else
            v = e_rmw_begin(c, i, &m, sz);
    } else {
        /* A register bit offset addresses memory beyond the operand —
         * SDM "BT": effective address + operand size * (offset SAR log2 w). */
        int64_t unit = off / w - (off % w < 0);   /* floor, without overflow */
        uint64_t ea = (ea_offset(c, i) + (uint64_t)(unit * sz)) & asz_mask(i->asz);
        if (op == BT_TEST)
            v = mem_read(c, i->seg, ea, sz);
        else
            v = rmw_begin_mem(c, &m, i->seg, ea, sz);
    }
    if (op != BT_TEST)
        rmw_end(c, &m, sz, bt_apply(op, v, bit));
    flag_put(c, RFLAGS_CF, (int)((v >> bit) & 1));
    rip_advance(c, i);
}

static int bt_op(const struct insn *i)
{
    switch (i->op) {
    case 0xab: return BT_SET;
    case 0xb3: return BT_RESET;
    case 0xbb: return BT_COMP;
    default: return BT_TEST;
    }
}

void op_bt_EG(struct cpu *c, const struct insn *i)
{
    int64_t off = (int64_t)sext(reg_get(c, i->reg, i->osz), i->osz);
    bt_common(c, i, bt_op(i), off, 1);
}

void op_bt_EI(struct cpu *c, const struct insn *i)
{
    bt_common(c, i, (i->reg & 7) - 4, (int64_t)(i->imm & 0xff), 0);
}

static void scan_result(struct cpu *c, const struct insn *i, uint64_t src, unsigned idx)
{
    flags_materialize(c);
    if (src == 0) {
        c->rflags |= RFLAGS_ZF;
    } else {
        reg_set(c, i->reg, i->osz, idx);
        c->rflags = (c->rflags & ~(uint64_t)RFLAGS_ARITH) | (parity8(idx) ? RFLAGS_PF : 0);
    }
    rip_advance(c, i);
}

void op_bsf(struct cpu *c, const struct insn *i)
{
    uint64_t v = e_read(c, i, i->osz);
    unsigned idx = 0;
    while (v && !((v >> idx) & 1))
        idx++;
    scan_result(c, i, v, idx);
}

void op_bsr(struct cpu *c, const struct insn *i)
{
    uint64_t v = e_read(c, i, i->osz);
    unsigned idx = (unsigned)(i->osz * 8 - 1);
    while (v && !((v >> idx) & 1))
        idx--;
    scan_result(c, i, v, idx);
}

/* LZCNT: CF = (source == 0), ZF = (result == 0). TZCNT (BMI1) is not
 * advertised, so F3 0F BC executes as BSF, as on CPUs without BMI1. */
void op_lzcnt(struct cpu *c, const struct insn *i)
{
    int w = i->osz * 8;
    uint64_t v = e_read(c, i, i->osz);
    unsigned n = 0;
    while ((int)n < w && !((v >> (w - 1 - (int)n)) & 1))
        n++;
    reg_set(c, i->reg, i->osz, n);
    lf_set(c, n, i->osz, v == 0, 0, 0);
    rip_advance(c, i);
}

/* POPCNT clears OF SF AF CF PF and sets ZF iff the source is 0. */
void op_popcnt(struct cpu *c, const struct insn *i)
{
    uint64_t v = e_read(c, i, i->osz);
    unsigned n = 0;
    for (uint64_t x = v; x; x &= x - 1)
        n++;
    reg_set(c, i->reg, i->osz, n);
    c->lf.valid = false;
    c->rflags = (c->rflags & ~(uint64_t)RFLAGS_ARITH) | (v == 0 ? RFLAGS_ZF : 0);
    rip_advance(c, i);
}
