/* Template families, part 1: the helpers, the family table, and the
 * integer families (ALU, unary, shifts and rotates, SHLD/SHRD, multiply and
 * divide, bit test, bit scan, atomics, CMOVcc/SETcc, BSWAP/MOVBE).
 *
 * Case i of a family picks its "cell" (operation x operand size x form) as
 * i modulo the number of cells, so every cell is visited once per round;
 * values (interesting or random), registers, addressing forms and input
 * flags are drawn at random for each case. */
#include <string.h>

#include "tpl.h"

const struct family families[] = {
    { "alu", "ADD OR ADC SBB AND SUB XOR CMP TEST x sizes x forms (reg, imm, mem, lock)", fam_alu },
    { "unary", "INC DEC NEG NOT x sizes x reg/mem/lock", fam_unary },
    { "shift", "ROL ROR RCL RCR SHL SHR SAR by 1/imm/CL, boundary counts", fam_shift },
    { "shld", "SHLD SHRD by imm/CL", fam_shld },
    { "muldiv", "MUL IMUL (1/2/3 operands) DIV IDIV incl. #DE", fam_muldiv },
    { "bt", "BT BTS BTR BTC reg/mem, imm/reg offsets (negative, large)", fam_bt },
    { "bitscan", "BSF BSR LZCNT TZCNT POPCNT", fam_bitscan },
    { "atomic", "CMPXCHG CMPXCHG8B CMPXCHG16B XADD XCHG (with and without LOCK)", fam_atomic },
    { "cond", "CMOVcc SETcc, all conditions", fam_cond },
    { "bswap", "BSWAP MOVBE", fam_bswap },
    { "string", "MOVS STOS LODS CMPS SCAS x sizes x REP/REPE/REPNE x DF x addr32", fam_string },
    { "movx", "MOVSX MOVZX MOVSXD CBW CWDE CDQE CWD CDQ CQO, RIP-relative loads", fam_movx },
    { "lea", "LEA addressing forms, 16/32/64-bit operand and address sizes", fam_lea },
    { "stack", "PUSH POP PUSHF POPF (reg, mem, imm, RSP-relative)", fam_stack },
    { "flags", "SAHF LAHF CLC STC CMC CLD STD, ADC/SBB chains", fam_flags },
    { "sse", "SSE2 moves, logic, integer add/sub/compare, shuffles, shifts", fam_sse },
    { "fault", "faults: #PF #GP #SS #UD #DE #AC, privileged instructions at CPL 3", fam_fault },
};
const int families_count = (int)(sizeof families / sizeof families[0]);

const struct family *family_find(const char *name)
{
    for (int i = 0; i < families_count; i++)
        if (!strcmp(families[i].name, name))
            return &families[i];
    return NULL;
}

/* ---- helpers ---- */

void t_begin(struct t *t, struct dcase *c, struct rng *r, const char *fam)
{
    case_init(c, fam);
    case_random_state(c, r);
    t->c = c;
    t->r = r;
    t->used = 1u << 4;
}

int t_reg(struct t *t)
{
    if (t->used == 0xffff)
        return 0;
    for (;;) {
        int r = (int)rng_below(t->r, 16);
        if (!((t->used >> r) & 1)) {
            t->used |= (uint16_t)(1u << r);
            return r;
        }
    }
}

int t_reg_sz(struct t *t, int osz)
{
    if (osz == 1 && rng_chance(t->r, 4)) {
        /* AH, CH, DH, BH */
        for (int tries = 0; tries < 8; tries++) {
            int r = (int)rng_below(t->r, 4);
            if (!((t->used >> r) & 1)) {
                t->used |= (uint16_t)(1u << r);
                return RAH + r;
            }
        }
    }
    return t_reg(t);
}

void t_set(struct t *t, int reg, int osz, uint64_t v)
{
    if (reg >= RAH) {
        uint64_t *p = &t->c->init.r[reg - RAH];
        *p = (*p & ~0xff00ull) | (v & 0xff) << 8;
        return;
    }
    uint64_t m = size_mask(osz);
    t->c->init.r[reg] = (t->c->init.r[reg] & ~m) | (v & m);
}

uint64_t t_get(struct t *t, int reg, int osz)
{
    if (reg >= RAH)
        return (t->c->init.r[reg - RAH] >> 8) & 0xff;
    return t->c->init.r[reg] & size_mask(osz);
}

uint64_t t_addr(struct t *t, int size, int align, bool faults)
{
    struct rng *r = t->r;
    unsigned k = (unsigned)rng_below(r, 100);
    uint64_t a;
    if (faults && k < 4) {
        /* Crossing from the last data page into the unmapped page after. */
        return DIFF_DATA_END - 1 - rng_below(r, (uint64_t)(size > 1 ? size - 1 : 1));
    }
    if (faults && k < 6)
        return DIFF_DATA_END + rng_below(r, 0x40);          /* unmapped */
    if (faults && k < 8)
        return DIFF_DATA - (uint64_t)size - rng_below(r, 0x40);  /* unmapped below */
    if (faults && k < 9)
        return DIFF_CODE + 0x100 + rng_below(r, 0x100);      /* read-only code */
    if (k < 15) {
        /* Crossing a page boundary inside the data pages. */
        a = DIFF_DATA + DIFF_PAGE * (1 + rng_below(r, 2)) - 1 - rng_below(r, (uint64_t)(size > 1 ? size - 1 : 1));
        if (!align)
            return a;
    } else {
        a = DIFF_DATA + 0x800 + rng_below(r, 0x2000);
    }
    if (align)
        a &= ~(uint64_t)(align - 1);
    else if (!rng_chance(r, 3))
        a &= ~(uint64_t)((size > 8 ? 8 : size) - 1);
    return a;
}

struct opnd t_mem(struct t *t, uint64_t addr)
{
    struct rng *r = t->r;
    struct opnd o;
    int form = (int)rng_below(r, 8);
    if (t->used == 0xffff)
        form = 5;
    int b, x, s;
    int32_t d;
    switch (form) {
    case 0:  /* [base] */
        b = t_reg(t);
        t->c->init.r[b] = addr;
        return op_mem(b, NOREG, 0, 0);
    case 1:  /* [base+disp8] */
        b = t_reg(t);
        d = (int32_t)rng_below(r, 256) - 128;
        t->c->init.r[b] = addr - (uint64_t)(int64_t)d;
        return op_mem(b, NOREG, 0, d);
    case 2:  /* [base+disp32] */
        b = t_reg(t);
        d = (int32_t)rng_below(r, 0x20000) - 0x10000;
        t->c->init.r[b] = addr - (uint64_t)(int64_t)d;
        o = op_mem(b, NOREG, 0, d);
        o.disp32 = true;
        return o;
    case 3:
    case 4: { /* [base+index*scale+disp] */
        b = t_reg(t);
        x = t_reg(t);
        if (x == 4) x = b;   /* not reached: t_reg never returns RSP */
        s = (int)rng_below(r, 4);
        int64_t xv = (int64_t)rng_below(r, 0x100) - 0x80;
        d = form == 3 ? 0 : (int32_t)rng_below(r, 256) - 128;
        t->c->init.r[x] = (uint64_t)xv;
        t->c->init.r[b] = addr - ((uint64_t)xv << s) - (uint64_t)(int64_t)d;
        return op_mem(b, x, s, d);
    }
    case 5:  /* [disp32] absolute (the data lies below 2 GiB) */
        return op_mem(NOREG, NOREG, 0, (int32_t)addr);
    case 6: { /* [index*scale+disp32] */
        x = t_reg(t);
        s = (int)rng_below(r, 4);
        int64_t xv = (int64_t)rng_below(r, 0x100);
        t->c->init.r[x] = (uint64_t)xv;
        return op_mem(NOREG, x, s, (int32_t)(addr - ((uint64_t)xv << s)));
    }
    default: { /* 32-bit address size: garbage in the upper halves */
        b = t_reg(t);
        d = (int32_t)rng_below(r, 256) - 128;
        t->c->init.r[b] = (rng_next(r) & ~0xffffffffull) | ((addr - (uint64_t)(int64_t)d) & 0xffffffffull);
        o = op_mem(b, NOREG, 0, d);
        o.a32 = true;
        return o;
    }
    }
}

struct opnd t_mem_val(struct t *t, int size, uint64_t val, bool faults, uint64_t *addr_out)
{
    uint64_t a = t_addr(t, size, 0, faults);
    case_poke(t->c, a, val, size > 8 ? 8 : size);
    if (addr_out)
        *addr_out = a;
    return t_mem(t, a);
}

unsigned t_count(struct t *t, int bits)
{
    static const int rel[] = { 0, 1, 2, 3, -1, -2, -3, -4, -5 };
    struct rng *r = t->r;
    switch (rng_below(r, 8)) {
    case 0: return (unsigned)rng_below(r, 4);
    case 1: return (unsigned)(bits - 1 + (int)rng_below(r, 3));      /* w-1, w, w+1 */
    case 2: return (unsigned)(2 * bits - 1 + (int)rng_below(r, 3));
    case 3: return 31u + (unsigned)rng_below(r, 3);
    case 4: return 63u + (unsigned)rng_below(r, 3);
    case 5: return (unsigned)(bits + rel[rng_below(r, 9)]) & 0xff;
    case 6: return (unsigned)rng_below(r, 256);
    default: return (unsigned)rng_below(r, (uint64_t)bits + 2);
    }
}

bool t_add(struct t *t, const struct ginsn *g)
{
    return case_add(t->c, g);
}

/* Runs `build` until it produces an encodable instruction; the case is
 * restarted (fresh random state) for every attempt. */
#define RETRY(t, c, r, fam, body)                          \
    for (int tries_ = 0;; tries_++) {                      \
        t_begin(t, c, r, fam);                             \
        if (body)                                          \
            break;                                         \
        if (tries_ > 200)                                  \
            break;                                         \
    }                                                      \
    case_finish(c)

/* ---- ALU ---- */

static const enum mn alu_ops[9] = { MN_ADD, MN_OR, MN_ADC, MN_SBB, MN_AND, MN_SUB, MN_XOR, MN_CMP, MN_TEST };

static uint64_t sext(uint64_t v, int bytes)
{
    int sh = 64 - 8 * bytes;
    return (uint64_t)((int64_t)(v << sh) >> sh);
}

static bool alu_one(struct t *t, enum mn op, int osz, int form)
{
    struct rng *r = t->r;
    uint64_t a = pool_value(r, osz), b = pool_value(r, osz);
    if (rng_chance(r, 4)) b = a;
    else if (rng_chance(r, 8)) b = (0 - a) & size_mask(osz);
    struct ginsn g;
    bool lock = form >= 9, ok;
    if (op == MN_TEST && (form == 1 || form == 5)) form = form == 1 ? 0 : 6;
    if ((op == MN_TEST || osz == 1) && (form == 3 || form == 8)) form = form == 3 ? 2 : 7;
    int isz = osz == 1 ? 1 : osz == 2 ? 2 : 4;
    uint64_t imm = (form == 3 || form == 8) ? sext(b, 1) : sext(b, isz);
    struct opnd d, s;
    switch (form) {
    case 0: case 1: {           /* reg, reg (both encodings) */
        int rd = t_reg_sz(t, osz);
        int rs = rng_chance(r, 6) ? rd : t_reg_sz(t, osz);
        t_set(t, rd, osz, a);
        if (rs != rd) t_set(t, rs, osz, b);
        d = op_reg(rd);
        s = op_reg(rs);
        ok = b_alu(&g, op, osz, form == 0 ? AF_RM_R : AF_R_RM, d, s, 0, false);
        break;
    }
    case 2: case 3:             /* reg, imm */
        d = op_reg(t_reg_sz(t, osz));
        t_set(t, d.reg, osz, a);
        ok = b_alu(&g, op, osz, form == 2 ? AF_RM_I : AF_RM_I8, d, d, imm, false);
        break;
    case 4:                     /* accumulator, imm (short form) */
        t->used |= 1;
        t_set(t, 0, osz, a);
        ok = b_alu(&g, op, osz, AF_A_I, op_reg(0), op_reg(0), imm, false);
        break;
    case 5:                     /* reg, mem */
        d = op_reg(t_reg_sz(t, osz));
        t_set(t, d.reg, osz, a);
        s = t_mem_val(t, osz, b, true, NULL);
        ok = b_alu(&g, op, osz, AF_R_RM, d, s, 0, false);
        break;
    case 6: case 9:             /* mem, reg */
        s = op_reg(t_reg_sz(t, osz));
        t_set(t, s.reg, osz, b);
        d = t_mem_val(t, osz, a, true, NULL);
        ok = b_alu(&g, op, osz, AF_RM_R, d, s, 0, lock);
        break;
    default:                    /* mem, imm */
        d = t_mem_val(t, osz, a, true, NULL);
        ok = b_alu(&g, op, osz, form == 8 ? AF_RM_I8 : AF_RM_I, d, d, imm, lock);
        break;
    }
    return ok && t_add(t, &g);
}

void fam_alu(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    uint64_t cell = i % (9 * 4 * 11);
    enum mn op = alu_ops[cell % 9];
    int osz = size_of_index((int)(cell / 9 % 4));
    int form = (int)(cell / 36);
    struct t t;
    RETRY(&t, c, r, "alu", alu_one(&t, op, osz, form));
}

/* ---- INC DEC NEG NOT ---- */

static bool unary_one(struct t *t, enum mn op, int osz, int form)
{
    struct ginsn g;
    bool ok;
    uint64_t v = pool_value(t->r, osz);
    if (form == 0) {
        int d = t_reg_sz(t, osz);
        t_set(t, d, osz, v);
        ok = b_unary(&g, op, osz, op_reg(d), false);
    } else {
        ok = b_unary(&g, op, osz, t_mem_val(t, osz, v, true, NULL), form == 2);
    }
    return ok && t_add(t, &g);
}

void fam_unary(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    static const enum mn ops[4] = { MN_INC, MN_DEC, MN_NEG, MN_NOT };
    uint64_t cell = i % 48;
    struct t t;
    RETRY(&t, c, r, "unary", unary_one(&t, ops[cell % 4], size_of_index((int)(cell / 4 % 4)), (int)(cell / 16)));
}
