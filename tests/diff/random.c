/* Random mode: sequences of 1..8 instructions drawn from a table of
 * instruction makers with random operands (random registers, ModRM/SIB
 * memory forms through a base register that points into the data pages,
 * random immediates).
 *
 * Comparable by construction:
 *  - the base register B and index register X of memory operands are never
 *    written, RSP changes only through PUSH/POP (kept in the stack page),
 *    RSI/RDI only through string instructions: every address a sequence
 *    uses stays near the data pages (natively other mappings exist, e.g.
 *    ASan's shadow at 0x7fff8000, that vtx does not have);
 *  - no instruction reads a flag that an earlier one left undefined (the
 *    generator tracks the undefined set; the final set is masked);
 *  - instructions with undefined register results (BSF/BSR on zero, BSWAP
 *    r16, SHLD/SHRD r16 by CL) are not used;
 *  - POPF only pops a value pushed just before it (no TF, NT);
 *  - no branches, system calls, CPUID, RDTSC, segment loads, x87. */
#include <stdio.h>
#include <string.h>

#include "tpl.h"

struct rctx {
    struct t t;
    int B, X;
    uint16_t avoid;      /* registers never written: B, X, RSP, RSI, RDI */
    uint32_t feat;
};

static int rsize(struct rng *r) { return size_of_index((int)rng_below(r, 4)); }
static int rsize_nb(struct rng *r) { return size_of_index(1 + (int)rng_below(r, 3)); }

static int r_dst(struct rctx *x)
{
    for (;;) {
        int r = (int)rng_below(x->t.r, 16);
        if (!((x->avoid >> r) & 1))
            return r;
    }
}

static int r_dst_sz(struct rctx *x, int osz)
{
    if (osz == 1 && rng_chance(x->t.r, 5)) {
        int r = (int)rng_below(x->t.r, 4);
        if (!((x->avoid >> r) & 1))
            return RAH + r;
    }
    return r_dst(x);
}

static int r_src(struct rctx *x, int osz)
{
    if (osz == 1 && rng_chance(x->t.r, 5))
        return RAH + (int)rng_below(x->t.r, 4);
    return (int)rng_below(x->t.r, 16);
}

static struct opnd r_mem(struct rctx *x, int size)
{
    struct rng *r = x->t.r;
    int32_t d8 = (int32_t)rng_below(r, 256) - 128;
    struct opnd o;
    switch (rng_below(r, 7)) {
    case 0: return op_mem(x->B, NOREG, 0, 0);
    case 1: return op_mem(x->B, NOREG, 0, d8);
    case 2:
        o = op_mem(x->B, NOREG, 0, (int32_t)rng_below(r, 0x800) - 0x400);
        o.disp32 = true;
        return o;
    case 3: return op_mem(x->B, x->X, (int)rng_below(r, 4), d8);
    case 4: return op_mem(x->B, x->X, (int)rng_below(r, 4), 0);
    case 5: return op_mem(NOREG, NOREG, 0, (int32_t)(DIFF_MEMBASE + rng_below(r, 0x1000) - 0x800));
    default:
        (void)size;
        return op_mem(x->B, NOREG, 0, (int32_t)(rng_below(r, 64) * 16) - 0x200);
    }
}

static uint64_t rimm(struct rng *r, int sz)
{
    return pool_value(r, sz);
}

/* Makers: fill up to two instructions, return how many (0: failed). */
typedef int (*maker_fn)(struct rctx *x, struct ginsn *g);

static int m_alu(struct rctx *x, struct ginsn *g)
{
    static const enum mn ops[9] = { MN_ADD, MN_OR, MN_ADC, MN_SBB, MN_AND, MN_SUB, MN_XOR, MN_CMP, MN_TEST };
    struct rng *r = x->t.r;
    enum mn op = ops[rng_below(r, 9)];
    int osz = rsize(r);
    uint64_t imm = rimm(r, 8);
    switch (rng_below(r, 9)) {
    case 0: return b_alu(g, op, osz, AF_RM_R, op_reg(r_dst_sz(x, osz)), op_reg(r_src(x, osz)), 0, false);
    case 1: return b_alu(g, op, osz, AF_R_RM, op_reg(r_dst_sz(x, osz)), op_reg(r_src(x, osz)), 0, false);
    case 2: return b_alu(g, op, osz, AF_RM_I, op_reg(r_dst_sz(x, osz)), op_reg(0), imm, false);
    case 3: return b_alu(g, op, osz, AF_RM_I8, op_reg(r_dst(x)), op_reg(0), imm, false);
    case 4: return b_alu(g, op, osz, AF_A_I, op_reg(0), op_reg(0), imm, false);
    case 5: return b_alu(g, op, osz, AF_R_RM, op_reg(r_dst_sz(x, osz)), r_mem(x, osz), 0, false);
    case 6: return b_alu(g, op, osz, AF_RM_R, r_mem(x, osz), op_reg(r_src(x, osz)), 0,
                         op != MN_CMP && op != MN_TEST && rng_chance(r, 3));
    default: return b_alu(g, op, osz, rng_chance(r, 2) ? AF_RM_I : AF_RM_I8, r_mem(x, osz), op_reg(0), imm,
                          op != MN_CMP && op != MN_TEST && rng_chance(r, 3));
    }
}

static int m_unary(struct rctx *x, struct ginsn *g)
{
    static const enum mn ops[4] = { MN_INC, MN_DEC, MN_NEG, MN_NOT };
    struct rng *r = x->t.r;
    int osz = rsize(r);
    enum mn op = ops[rng_below(r, 4)];
    if (rng_chance(r, 2))
        return b_unary(g, op, osz, op_reg(r_dst_sz(x, osz)), false);
    return b_unary(g, op, osz, r_mem(x, osz), rng_chance(r, 3));
}

static int m_shift(struct rctx *x, struct ginsn *g)
{
    static const enum mn ops[7] = { MN_ROL, MN_ROR, MN_RCL, MN_RCR, MN_SHL, MN_SHR, MN_SAR };
    struct rng *r = x->t.r;
    int osz = rsize(r);
    enum cnt_kind ck = (enum cnt_kind)rng_below(r, 3);
    struct opnd d = rng_chance(r, 3) ? r_mem(x, osz) : op_reg(r_dst_sz(x, osz));
    return b_shift(g, ops[rng_below(r, 7)], osz, d, ck, t_count(&x->t, osz * 8), -1);
}

static int m_shxd(struct rctx *x, struct ginsn *g)
{
    struct rng *r = x->t.r;
    int osz = rsize_nb(r);
    enum cnt_kind ck = osz == 2 || rng_chance(r, 2) ? CNT_IMM : CNT_CL;
    unsigned cnt = osz == 2 ? (unsigned)rng_below(r, 17) : t_count(&x->t, osz * 8);
    struct opnd d = rng_chance(r, 3) ? r_mem(x, osz) : op_reg(r_dst(x));
    return b_shxd(g, rng_chance(r, 2) ? MN_SHLD : MN_SHRD, osz, d, r_src(x, 8), ck, cnt, -1);
}

static int m_muldiv(struct rctx *x, struct ginsn *g)
{
    static const enum mn ops[4] = { MN_MUL, MN_IMUL, MN_DIV, MN_IDIV };
    struct rng *r = x->t.r;
    int osz = rsize(r);
    struct opnd s = rng_chance(r, 3) ? r_mem(x, osz) : op_reg(r_src(x, osz));
    switch (rng_below(r, 3)) {
    case 0: return b_muldiv(g, ops[rng_below(r, 4)], osz, s);
    case 1: return b_imul2(g, rsize_nb(r), r_dst(x), s);
    default: return b_imul3(g, rsize_nb(r), r_dst(x), s, (int32_t)rimm(r, 4), rng_chance(r, 2));
    }
}

static int m_string(struct rctx *x, struct ginsn *g)
{
    static const enum mn ops[5] = { MN_MOVS, MN_STOS, MN_LODS, MN_CMPS, MN_SCAS };
    static const int reps[3] = { 0, 0xf3, 0xf2 };
    struct rng *r = x->t.r;
    return b_string(g, ops[rng_below(r, 5)], rsize(r), reps[rng_below(r, 3)], rng_chance(r, 8), -1);
}

static int m_bt(struct rctx *x, struct ginsn *g)
{
    struct rng *r = x->t.r;
    enum mn op = (enum mn)(MN_BT + (int)rng_below(r, 4));
    int osz = rsize_nb(r);
    unsigned imm = (unsigned)rng_below(r, 256);
    if (rng_chance(r, 2))
        return b_bt(g, op, osz, op_reg(op == MN_BT ? r_src(x, 8) : r_dst(x)), r_src(x, 8),
                    rng_chance(r, 2), imm, false);
    /* Memory bit strings: immediate offsets, or the (small) index register. */
    return b_bt(g, op, osz, r_mem(x, osz), x->X, !rng_chance(r, 3), imm, op != MN_BT && rng_chance(r, 3));
}

static int m_count(struct rctx *x, struct ginsn *g)
{
    static const enum mn ops[3] = { MN_LZCNT, MN_TZCNT, MN_POPCNT };
    struct rng *r = x->t.r;
    int osz = rsize_nb(r);
    struct opnd s = rng_chance(r, 3) ? r_mem(x, osz) : op_reg(r_src(x, 8));
    return b_bitscan(g, ops[rng_below(r, 3)], osz, r_dst(x), s, -1);
}

static int m_xchgs(struct rctx *x, struct ginsn *g)
{
    struct rng *r = x->t.r;
    int osz = rsize(r);
    bool mem = rng_chance(r, 2), lock = mem && rng_chance(r, 2);
    struct opnd d = mem ? r_mem(x, osz) : op_reg(r_dst_sz(x, osz));
    int s = r_dst_sz(x, osz);
    switch (rng_below(r, 5)) {
    case 0: return b_cmpxchg(g, osz, d, s, lock);
    case 1: return b_xadd(g, osz, d, s, lock);
    case 2: return b_xchg(g, osz, d, s, lock);
    case 3: {
        int reg = r_dst(x);
        return (x->avoid & 1) ? 0 : b_xchg_acc(g, rsize_nb(r), reg);
    }
    default: return b_cmpxchg8b(g, rng_chance(r, 3), r_mem(x, 16), rng_chance(r, 2));
    }
}

static int m_cond(struct rctx *x, struct ginsn *g)
{
    struct rng *r = x->t.r;
    int cc = (int)rng_below(r, 16);
    if (rng_chance(r, 2)) {
        int osz = rsize_nb(r);
        return b_cmov(g, cc, osz, r_dst(x), rng_chance(r, 3) ? r_mem(x, osz) : op_reg(r_src(x, 8)));
    }
    return b_setcc(g, cc, rng_chance(r, 3) ? r_mem(x, 1) : op_reg(r_dst_sz(x, 1)));
}

static int m_swap(struct rctx *x, struct ginsn *g)
{
    struct rng *r = x->t.r;
    if (rng_chance(r, 2))
        return b_bswap(g, rng_chance(r, 2) ? 4 : 8, r_dst(x));
    bool store = rng_chance(r, 2);
    int osz = rsize_nb(r);
    return b_movbe(g, osz, store, store ? r_src(x, 8) : r_dst(x), r_mem(x, osz));
}

static int m_movx(struct rctx *x, struct ginsn *g)
{
    struct rng *r = x->t.r;
    int dsz = rsize_nb(r);
    switch (rng_below(r, 5)) {
    case 0: case 1: {
        int ssz = dsz == 2 || rng_chance(r, 2) ? 1 : 2;
        struct opnd s = rng_chance(r, 3) ? r_mem(x, ssz) : op_reg(r_src(x, ssz));
        return b_movx(g, rng_chance(r, 2) ? MN_MOVSX : MN_MOVZX, dsz, ssz, r_dst(x), s);
    }
    case 2:
        return b_movsxd(g, dsz, r_dst(x), rng_chance(r, 3) ? r_mem(x, 4) : op_reg(r_src(x, 8)));
    case 3: {
        struct opnd m = r_mem(x, 8);
        if (rng_chance(r, 4)) { m.index = (int8_t)r_src(x, 8); if (m.index == 4) m.index = NOREG; }
        m.a32 = rng_chance(r, 5);
        return b_lea(g, dsz, r_dst(x), m);
    }
    default:
        if ((x->avoid & 5))
            return 0;
        return b_cbw(g, rng_chance(r, 2) ? MN_CBW : MN_CWD, dsz);
    }
}

static int m_stack(struct rctx *x, struct ginsn *g)
{
    struct rng *r = x->t.r;
    int osz = rng_chance(r, 5) ? 2 : 8;
    switch (rng_below(r, 6)) {
    case 0: return b_push(g, PK_REG, osz, op_reg(r_src(x, 8)), 0);
    case 1: return b_push(g, rng_chance(r, 2) ? PK_IMM8 : PK_IMM32, osz, op_reg(0), (int32_t)rimm(r, 4));
    case 2: return b_push(g, PK_MEM, osz, r_mem(x, osz), 0);
    case 3: return b_pop(g, osz, rng_chance(r, 3) ? r_mem(x, osz) : op_reg(r_dst(x)));
    case 4: return b_pushf(g, osz);
    default: {
        /* push imm32 ; popfq — flags and DF only. */
        int32_t v = (int32_t)(rng_next(r) & (FL_ARITH | FL_DF));
        if (!b_push(&g[0], PK_IMM32, 8, op_reg(0), v) || !b_popf(&g[1], 8))
            return 0;
        return 2;
    }
    }
}

static int m_flag(struct rctx *x, struct ginsn *g)
{
    static const enum mn ops[7] = { MN_SAHF, MN_LAHF, MN_CLC, MN_STC, MN_CMC, MN_CLD, MN_STD };
    enum mn op = ops[rng_below(x->t.r, 7)];
    if (op == MN_LAHF && (x->avoid & 1))
        return 0;
    return b_flagop(g, op);
}

static int m_mov(struct rctx *x, struct ginsn *g)
{
    struct rng *r = x->t.r;
    int osz = rsize(r);
    switch (rng_below(r, 5)) {
    case 0: return b_mov(g, osz, MF_RM_R, op_reg(r_dst_sz(x, osz)), op_reg(r_src(x, osz)), 0);
    case 1: return b_mov(g, osz, MF_R_RM, op_reg(r_dst_sz(x, osz)), r_mem(x, osz), 0);
    case 2: return b_mov(g, osz, MF_RM_R, r_mem(x, osz), op_reg(r_src(x, osz)), 0);
    case 3: return b_mov(g, osz, MF_R_I, op_reg(r_dst_sz(x, osz)), op_reg(0), rimm(r, 8));
    default: return b_mov(g, osz, MF_RM_I, r_mem(x, osz), op_reg(0), rimm(r, 8));
    }
}

static int m_sse(struct rctx *x, struct ginsn *g)
{
    struct rng *r = x->t.r;
    const struct sse_def *d = &sse_defs[rng_below(r, (uint64_t)sse_defs_count)];
    int x1 = (int)rng_below(r, 16), x2 = (int)rng_below(r, 16);
    bool mem = rng_chance(r, 3), w = rng_chance(r, 2);
    switch (d->kind) {
    case SK_XX: case SK_XX_IB:
        return b_sse(g, d, op_xmm(x1), mem ? r_mem(x, 16) : op_xmm(x2), false, (uint8_t)rng_next(r));
    case SK_MX:
        return b_sse(g, d, mem ? r_mem(x, 16) : op_xmm(x2), op_xmm(x1), false, 0);
    case SK_X_IB:
        return b_sse(g, d, op_xmm(x1), op_xmm(x1), false, (uint8_t)rng_below(r, 80));
    case SK_XG:
        return b_sse(g, d, op_xmm(x1), mem ? r_mem(x, 8) : op_reg(r_src(x, 8)), w, 0);
    case SK_GX:
        return b_sse(g, d, mem ? r_mem(x, 8) : op_reg(r_dst(x)), op_xmm(x1), w, 0);
    default:
        return b_sse(g, d, op_reg(r_dst(x)), op_xmm(x1), false, 0);
    }
}

/* NOP and hint forms, fences, MOVNTI: no architectural effect but decode. */
static int m_misc(struct rctx *x, struct ginsn *g)
{
    static const uint8_t nop1f[2] = { 0x0f, 0x1f }, pf18[2] = { 0x0f, 0x18 }, ae[2] = { 0x0f, 0xae };
    static const uint8_t c3[2] = { 0x0f, 0xc3 };
    struct rng *r = x->t.r;
    ginsn_init(g, MN_NOP);
    struct encreq q = { .opreg = -1, .nopc = 2, .reg = 0, .rm = r_mem(x, 8) };
    switch (rng_below(r, 6)) {
    case 0: q.opc = nop1f; q.flags = rng_chance(r, 2) ? E_66 : 0; snprintf(g->text, sizeof g->text, "nop [mem]"); break;
    case 1: q.opc = pf18; q.reg = (int)rng_below(r, 4); snprintf(g->text, sizeof g->text, "prefetch [mem]"); break;
    case 2: q.opc = ae; q.reg = 7; snprintf(g->text, sizeof g->text, "clflush [mem]"); break;
    case 3:
        q.opc = c3;
        q.reg = r_src(x, 8);
        q.flags = rng_chance(r, 2) ? E_W : 0;
        g->need = FEAT_SSE2;
        snprintf(g->text, sizeof g->text, "movnti [mem], %s", reg_name(q.reg, q.flags ? 8 : 4));
        break;
    case 4:
        g->b[0] = 0x0f; g->b[1] = 0xae; g->b[2] = (uint8_t)(0xe8 + 8 * rng_below(r, 3));
        g->n = 3;
        snprintf(g->text, sizeof g->text, "lfence/mfence/sfence");
        return 1;
    default:
        g->b[0] = 0xf3; g->b[1] = 0x90;
        g->n = 2;
        snprintf(g->text, sizeof g->text, "pause");
        return 1;
    }
    return enc(g, &q);
}

static const struct { maker_fn fn; int weight; } makers[] = {
    { m_alu, 8 }, { m_unary, 2 }, { m_shift, 4 }, { m_shxd, 2 }, { m_muldiv, 2 },
    { m_string, 2 }, { m_bt, 2 }, { m_count, 1 }, { m_xchgs, 3 }, { m_cond, 3 },
    { m_swap, 1 }, { m_movx, 3 }, { m_stack, 2 }, { m_flag, 2 }, { m_mov, 3 }, { m_sse, 4 },
    { m_misc, 1 },
};

static maker_fn pick_maker(struct rng *r)
{
    int total = 0;
    for (size_t i = 0; i < sizeof makers / sizeof makers[0]; i++)
        total += makers[i].weight;
    int k = (int)rng_below(r, (uint64_t)total);
    for (size_t i = 0; i < sizeof makers / sizeof makers[0]; i++) {
        if (k < makers[i].weight)
            return makers[i].fn;
        k -= makers[i].weight;
    }
    return m_alu;
}

void random_case(struct dcase *c, struct rng *r, uint32_t feat)
{
    static const int bases[6] = { 3, 5, 12, 13, 14, 15 };
    static const int indexes[4] = { 8, 9, 10, 11 };
    struct rctx x;
    t_begin(&x.t, c, r, "random");
    for (int i = 0; i < 16; i++) {
        c->init.xmm[i][0] = rng_chance(r, 4) ? pool_value(r, 8) : rng_next(r);
        c->init.xmm[i][1] = rng_chance(r, 4) ? pool_value(r, 8) : rng_next(r);
    }
    x.feat = feat;
    x.B = bases[rng_below(r, 6)];
    x.X = indexes[rng_below(r, 4)];
    x.avoid = (uint16_t)((1u << x.B) | (1u << x.X) | (1u << 4) | (1u << 6) | (1u << 7));
    c->init.r[x.B] = DIFF_MEMBASE + rng_below(r, 0x400) - 0x200;
    if (rng_chance(r, 2))
        c->init.r[x.B] &= ~15ull;
    c->init.r[x.X] = rng_below(r, 24) - 8;
    c->init.r[6] = DIFF_DATA + 0x800 + rng_below(r, 0x800);
    c->init.r[7] = DIFF_DATA + 0x1800 + rng_below(r, 0x800);
    if (!rng_chance(r, 4))
        c->init.r[1] = rng_below(r, 17);
    if (rng_chance(r, 6))
        c->init.rflags |= FL_DF;
    int n = 1 + (int)rng_below(r, 8);
    for (int k = 0; k < n; k++) {
        for (int tries = 0; tries < 100; tries++) {
            struct ginsn g[2];
            int m = pick_maker(r)(&x, g);
            if (m <= 0)
                continue;
            /* Reject: unavailable features, writes to protected registers,
             * reads of flags left undefined. */
            uint32_t u = c->undef_flags;
            bool ok = true;
            for (int j = 0; j < m && ok; j++) {
                /* Implicit writes: RSP by the stack instructions, RSI/RDI
                 * by the string instructions. */
                bool str = g[j].mn >= MN_MOVS && g[j].mn <= MN_SCAS;
                uint16_t w = g[j].wregs & (uint16_t)~((1u << 4) | (str ? (1u << 6) | (1u << 7) : 0));
                if ((g[j].need & ~feat) || (w & x.avoid) || (g[j].fread & u) || g[j].undef_regs)
                    ok = false;
                u = (u & ~g[j].fdef) | g[j].fundef;
            }
            if (!ok)
                continue;
            /* Sometimes redundant ES/CS/SS/DS overrides in front (ignored
             * in 64-bit mode); past 15 bytes the instruction is #GP(0). */
            for (int j = 0; j < m; j++) {
                if (!rng_chance(r, 12))
                    continue;
                static const uint8_t segs[4] = { 0x26, 0x2e, 0x36, 0x3e };
                int k = 1 + (int)rng_below(r, 4);
                if (g[j].n + k > (int)sizeof g[j].b)
                    continue;
                memmove(g[j].b + k, g[j].b, (size_t)g[j].n);
                for (int q = 0; q < k; q++)
                    g[j].b[q] = segs[rng_below(r, 4)];
                g[j].n += k;
                if (g[j].alt_off >= 0)
                    g[j].alt_off += k;
                char t[sizeof g[j].text];
                snprintf(t, sizeof t, "(%d seg prefixes) %s", k, g[j].text);
                memcpy(g[j].text, t, sizeof t);
            }
            for (int j = 0; j < m; j++)
                if (!case_add(c, &g[j]))
                    ok = false;
            break;
        }
    }
    case_finish(c);
}
