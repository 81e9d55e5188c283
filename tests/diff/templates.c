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
    { "ssefp", "SSE/SSE2 floating point: arithmetic, MIN/MAX, compares, COMISS, conversions, MXCSR modes, #XM", fam_ssefp },
    { "x87", "x87 loads, arithmetic, FSQRT FPREM FRNDINT FSCALE FXTRACT, compares, FCMOV, stores, FCW modes, #MF", fam_x87 },
    { "seg", "MOV DS/ES/SS loads, LAR LSL VERR VERW against Linux's GDT at CPL 3", fam_seg },
    { "branch", "Jcc JMP LOOPcc JrCXZ CALL RET (direct, register, memory) inside the code page", fam_branch },
    { "misc", "XLAT, MOV moffs, ENTER/LEAVE, NOP/prefetch/fences/CLFLUSH, MOVNTI, Sreg reads", fam_misc },
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
    /* XMM state only matters to the SSE family: zero elsewhere keeps the
     * repro lines short. */
    if (strcmp(fam, "sse"))
        memset(c->init.xmm, 0, sizeof c->init.xmm);
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

/* ---- shifts and rotates ---- */

static bool shift_one(struct t *t, enum mn op, int osz, enum cnt_kind ck, bool mem)
{
    struct ginsn g;
    uint64_t v = pool_value(t->r, osz);
    unsigned cnt = ck == CNT_1 ? 1 : t_count(t, osz * 8);
    int clval = -1;
    struct opnd d;
    if (ck == CNT_CL) {
        t->used |= 2;
        t_set(t, 1, 1, cnt);
        clval = (int)cnt;
    }
    if (mem) {
        d = t_mem_val(t, osz, v, true, NULL);
    } else {
        d = op_reg(t_reg_sz(t, osz));
        t_set(t, d.reg, osz, v);
    }
    return b_shift(&g, op, osz, d, ck, cnt, clval) && t_add(t, &g);
}

void fam_shift(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    static const enum mn ops[7] = { MN_ROL, MN_ROR, MN_RCL, MN_RCR, MN_SHL, MN_SHR, MN_SAR };
    uint64_t cell = i % (7 * 4 * 3 * 2);
    enum mn op = ops[cell % 7];
    int osz = size_of_index((int)(cell / 7 % 4));
    enum cnt_kind ck = (enum cnt_kind)(cell / 28 % 3);
    bool mem = cell / 84;
    struct t t;
    RETRY(&t, c, r, "shift", shift_one(&t, op, osz, ck, mem));
}

static bool shld_one(struct t *t, enum mn op, int osz, enum cnt_kind ck, bool mem)
{
    struct ginsn g;
    unsigned cnt = t_count(t, osz * 8);
    int clval = -1;
    if (ck == CNT_CL) {
        t->used |= 2;
        t_set(t, 1, 1, cnt);
        clval = (int)cnt;
    }
    int s = t_reg(t);
    t_set(t, s, osz, pool_value(t->r, osz));
    struct opnd d;
    uint64_t v = pool_value(t->r, osz);
    if (mem) {
        d = t_mem_val(t, osz, v, true, NULL);
    } else {
        d = op_reg(rng_chance(t->r, 8) ? s : t_reg(t));
        t_set(t, d.reg, osz, v);
    }
    return b_shxd(&g, op, osz, d, s, ck, cnt, clval) && t_add(t, &g);
}

void fam_shld(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    uint64_t cell = i % 24;
    enum mn op = cell % 2 ? MN_SHRD : MN_SHLD;
    int osz = size_of_index(1 + (int)(cell / 2 % 3));
    enum cnt_kind ck = cell / 6 % 2 ? CNT_CL : CNT_IMM;
    struct t t;
    RETRY(&t, c, r, "shld", shld_one(&t, op, osz, ck, cell / 12));
}

/* ---- MUL IMUL DIV IDIV ---- */

static void set_dividend(struct t *t, enum mn op, int osz, uint64_t divisor)
{
    struct rng *r = t->r;
    uint64_t m = size_mask(osz), sign = 1ull << (osz * 8 - 1);
    uint64_t lo = pool_value(r, osz), hi;
    if (op == MN_DIV) {
        hi = rng_chance(r, 6) || !divisor ? pool_value(r, osz) : rng_below(r, divisor);
    } else {
        if (rng_chance(r, 10)) {          /* min / -1 overflows */
            lo = sign;
            divisor = m;
        }
        hi = rng_chance(r, 6) ? pool_value(r, osz) : (lo & sign) ? m : 0;
    }
    if (osz == 1) {
        t_set(t, 0, 2, hi << 8 | lo);
    } else {
        t_set(t, 0, osz, lo);
        t_set(t, 2, osz, hi);
    }
    (void)divisor;
}

static bool muldiv_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct ginsn g;
    static const enum mn ops[4] = { MN_MUL, MN_IMUL, MN_DIV, MN_IDIV };
    t->used |= 1 | 4;
    if (cell < 32) {
        enum mn op = ops[cell % 4];
        int osz = size_of_index((int)(cell / 4 % 4));
        bool mem = cell / 16;
        uint64_t v = pool_value(r, osz);
        bool div = op == MN_DIV || op == MN_IDIV;
        if (div && !v && !rng_chance(r, 3))
            v = 1 + rng_below(r, 1000);
        struct opnd s;
        if (mem) {
            s = t_mem_val(t, osz, v, true, NULL);
        } else if (!div && rng_chance(r, 6)) {
            s = op_reg(rng_chance(r, 2) ? 0 : 2);     /* mul rax / mul rdx */
        } else {
            s = op_reg(t_reg_sz(t, osz));
            t_set(t, s.reg, osz, v);
        }
        if (div) {
            /* IDIV: an overflow case rewrites the divisor to -1. */
            set_dividend(t, op, osz, v);
            if (op == MN_IDIV && t_get(t, 0, osz) == 1ull << (osz * 8 - 1) && rng_chance(r, 2)) {
                if (mem) s = t_mem_val(t, osz, size_mask(osz), false, NULL);
                else t_set(t, s.reg, osz, size_mask(osz));
            }
        } else {
            t_set(t, 0, osz, pool_value(r, osz));
        }
        return b_muldiv(&g, op, osz, s) && t_add(t, &g);
    }
    t->used &= (uint16_t)~(1 | 4);
    unsigned k = cell - 32;
    int osz = size_of_index(1 + (int)(k % 3));
    int d = t_reg(t);
    t_set(t, d, osz, pool_value(r, osz));
    struct opnd s;
    bool mem = cell < 38 ? k / 3 : k / 6 % 2;
    if (mem) {
        s = t_mem_val(t, osz, pool_value(r, osz), true, NULL);
    } else {
        s = op_reg(rng_chance(r, 6) ? d : t_reg(t));
        if (s.reg != d) t_set(t, s.reg, osz, pool_value(r, osz));
    }
    if (cell < 38)
        return b_imul2(&g, osz, d, s) && t_add(t, &g);
    bool imm8 = k / 3 % 2;
    int32_t imm = imm8 ? (int32_t)sext(pool_value(r, 1), 1)
                       : (int32_t)sext(pool_value(r, osz == 2 ? 2 : 4), osz == 2 ? 2 : 4);
    return b_imul3(&g, osz, d, s, imm, imm8) && t_add(t, &g);
}

void fam_muldiv(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "muldiv", muldiv_one(&t, (unsigned)(i % 50)));
}

/* ---- BT BTS BTR BTC ---- */

/* A bit offset for a memory bit string at a: mostly near, sometimes
 * anywhere in the data pages (negative offsets included), sometimes beyond. */
static int64_t bt_offset(struct t *t, uint64_t a, int osz)
{
    struct rng *r = t->r;
    int64_t bits = osz * 8;
    unsigned k = (unsigned)rng_below(r, 10);
    if (k < 5)
        return (int64_t)rng_below(r, (uint64_t)(128 * bits)) - 64 * bits;
    if (k < 8) {
        int64_t target = (int64_t)(DIFF_DATA + rng_below(r, DIFF_DATA_SIZE - (uint64_t)osz));
        int64_t e = (target - (int64_t)a) / osz;
        if (target < (int64_t)a && (target - (int64_t)a) % osz) e--;
        return e * bits + (int64_t)rng_below(r, (uint64_t)bits);
    }
    if (k < 9)
        return (int64_t)sext(pool_value(r, osz), osz);
    return ((int64_t)(DIFF_DATA_END - a) / osz + (int64_t)rng_below(r, 4)) * bits;
}

static bool bt_one(struct t *t, enum mn op, int osz, int form)
{
    struct rng *r = t->r;
    struct ginsn g;
    bool lock = form >= 4, imm = form % 2;
    unsigned immv = (unsigned)rng_below(r, 256);
    struct opnd d;
    int s = -1;
    if (!imm) {
        s = t_reg(t);
        t_set(t, s, osz, pool_value(r, osz));
    }
    if (form < 2) {
        d = op_reg(t_reg(t));
        t_set(t, d.reg, osz, pool_value(r, osz));
    } else {
        uint64_t a = imm ? t_addr(t, osz, 0, true) : DIFF_DATA + 0x1000 + rng_below(r, 0x1000);
        if (!imm && !rng_chance(r, 3))
            a &= ~(uint64_t)(osz - 1);
        if (!imm)
            t_set(t, s, osz, (uint64_t)bt_offset(t, a, osz));
        d = t_mem(t, a);
    }
    return b_bt(&g, op, osz, d, s, imm, immv, lock) && t_add(t, &g);
}

void fam_bt(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    uint64_t cell = i % 72;
    enum mn op = (enum mn)(MN_BT + (int)(cell % 4));
    int osz = size_of_index(1 + (int)(cell / 4 % 3));
    struct t t;
    RETRY(&t, c, r, "bt", bt_one(&t, op, osz, (int)(cell / 12)));
}

/* ---- BSF BSR LZCNT TZCNT POPCNT ---- */

static uint64_t scan_value(struct rng *r, int osz)
{
    int bits = osz * 8;
    switch (rng_below(r, 10)) {
    case 0: case 1: return 0;
    case 2: case 3: return 1ull << rng_below(r, (uint64_t)bits);
    case 4: return size_mask(osz);
    case 5: return 1ull << (bits - 1);
    case 6: return rng_next(r) & size_mask(osz) & ~((1ull << rng_below(r, (uint64_t)bits)) - 1);
    case 7: return rng_next(r) & ((1ull << rng_below(r, (uint64_t)bits)) - 1);
    default: return pool_value(r, osz);
    }
}

static bool bitscan_one(struct t *t, enum mn op, int osz, bool mem)
{
    struct ginsn g;
    uint64_t v = scan_value(t->r, osz);
    int d = t_reg(t);
    struct opnd s;
    if (mem) {
        s = t_mem_val(t, osz, v, true, NULL);
    } else if (rng_chance(t->r, 6)) {
        s = op_reg(d);
        t_set(t, d, osz, v);
    } else {
        s = op_reg(t_reg(t));
        t_set(t, s.reg, osz, v);
    }
    return b_bitscan(&g, op, osz, d, s, v == 0) && t_add(t, &g);
}

void fam_bitscan(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    static const enum mn ops[5] = { MN_BSF, MN_BSR, MN_LZCNT, MN_TZCNT, MN_POPCNT };
    uint64_t cell = i % 30;
    struct t t;
    RETRY(&t, c, r, "bitscan", bitscan_one(&t, ops[cell % 5], size_of_index(1 + (int)(cell / 5 % 3)), cell / 15));
}

/* ---- CMPXCHG CMPXCHG8B CMPXCHG16B XADD XCHG ---- */

static bool atomic_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct ginsn g;
    if (cell >= 12 && cell < 17) {
        bool is16 = cell >= 14, lock = cell == 13 || cell == 15;
        int sz = is16 ? 16 : 8;
        uint64_t a = t_addr(t, sz, is16 ? 16 : (rng_chance(r, 3) ? 0 : 8), cell != 16);
        if (cell == 16)
            a = (DIFF_DATA + 0x1000 + rng_below(r, 0x1000)) | 8;   /* misaligned: #GP(0) */
        uint64_t m0 = pool_value(r, 8), m1 = pool_value(r, 8);
        case_poke(t->c, a, m0, 8);
        if (is16) case_poke(t->c, a + 8, m1, 8);
        t->used |= 0xf;
        if (rng_chance(r, 2)) {
            if (is16) { t_set(t, 0, 8, m0); t_set(t, 2, 8, m1); }
            else { t_set(t, 0, 4, m0); t_set(t, 2, 4, m0 >> 32); }
        }
        return b_cmpxchg8b(&g, is16, t_mem(t, a), lock) && t_add(t, &g);
    }
    unsigned k = cell < 12 ? cell : cell < 41 ? (cell - 17) % 12 : 0;
    int osz = size_of_index((int)(k % 4)), form = (int)(k / 4);
    if (cell >= 41) {
        int reg = (int)rng_below(r, 16);
        if (reg == 4) reg = 0;
        return b_xchg_acc(&g, size_of_index(1 + (int)(cell - 41)), reg) && t_add(t, &g);
    }
    uint64_t a = pool_value(r, osz);
    if (cell < 12)
        t->used |= 1;
    int s = t_reg_sz(t, osz);
    t_set(t, s, osz, pool_value(r, osz));
    struct opnd d;
    if (form == 0) {
        d = op_reg(t_reg_sz(t, osz));
        t_set(t, d.reg, osz, a);
    } else {
        d = t_mem_val(t, osz, a, true, NULL);
    }
    bool lock = form == 2;
    if (cell < 12) {
        t_set(t, 0, osz, rng_chance(r, 2) ? a : pool_value(r, osz));
        return b_cmpxchg(&g, osz, d, s, lock) && t_add(t, &g);
    }
    if (cell < 29)
        return b_xadd(&g, osz, d, s, lock) && t_add(t, &g);
    return b_xchg(&g, osz, d, s, lock) && t_add(t, &g);
}

void fam_atomic(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "atomic", atomic_one(&t, (unsigned)(i % 44)));
}

/* ---- CMOVcc SETcc ---- */

static bool cond_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct ginsn g;
    if (rng_chance(r, 4))
        t->c->init.rflags = DIFF_RFLAGS_FIXED | (rng_chance(r, 2) ? FL_ARITH : 0);
    if (cell < 96) {
        int cc = (int)(cell % 16), osz = size_of_index(1 + (int)(cell / 16 % 3));
        int d = t_reg(t);
        t_set(t, d, osz, pool_value(r, osz));
        struct opnd s;
        if (cell / 48) {
            s = t_mem_val(t, osz, pool_value(r, osz), true, NULL);
        } else {
            s = op_reg(t_reg(t));
            t_set(t, s.reg, osz, pool_value(r, osz));
        }
        return b_cmov(&g, cc, osz, d, s) && t_add(t, &g);
    }
    int cc = (int)((cell - 96) % 16);
    struct opnd d = (cell - 96) / 16 ? t_mem_val(t, 1, rng_next(r), true, NULL) : op_reg(t_reg_sz(t, 1));
    return b_setcc(&g, cc, d) && t_add(t, &g);
}

void fam_cond(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "cond", cond_one(&t, (unsigned)(i % 128)));
}

/* ---- BSWAP MOVBE ---- */

static bool bswap_one(struct t *t, unsigned cell)
{
    struct ginsn g;
    if (cell < 3)
        return b_bswap(&g, size_of_index(1 + (int)cell), t_reg(t)) && t_add(t, &g);
    int osz = size_of_index(1 + (int)((cell - 3) % 3));
    bool store = (cell - 3) / 3;
    int reg = t_reg(t);
    struct opnd m = t_mem_val(t, osz, pool_value(t->r, osz), true, NULL);
    return b_movbe(&g, osz, store, reg, m) && t_add(t, &g);
}

void fam_bswap(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "bswap", bswap_one(&t, (unsigned)(i % 9)));
}
