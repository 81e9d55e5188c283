/* Template families, part 2: string instructions, MOVSX/MOVZX and friends,
 * LEA, the stack, flag instructions and ADC/SBB chains, SSE2, and faults. */
#include <string.h>

#include "tpl.h"


#define BIT(r) (1u << (r))

/* ---- MOVS STOS LODS CMPS SCAS ---- */

static bool string_one(struct t *t, unsigned cell)
{
    static const enum mn ops[5] = { MN_MOVS, MN_STOS, MN_LODS, MN_CMPS, MN_SCAS };
    static const int reps[3] = { 0, 0xf3, 0xf2 };
    struct rng *r = t->r;
    struct dcase *c = t->c;
    struct ginsn g;
    enum mn op = ops[cell % 5];
    int osz = size_of_index((int)(cell / 5 % 4));
    int rep = reps[cell / 20 % 3];
    bool df = cell / 60 % 2, a32 = cell / 120 % 2;
    bool cmp = op == MN_CMPS || op == MN_SCAS;
    if (rep == 0xf2 && !cmp)
        rep = 0xf3;
    t->used |= BIT(0) | BIT(1) | BIT(6) | BIT(7);
    uint64_t count = rng_chance(r, 5) ? 9 + rng_below(r, 32) : rng_below(r, 9);
    uint64_t n = rep ? count : 1;
    uint64_t src = DIFF_DATA + 0x800 + rng_below(r, 0x800);
    uint64_t dst = DIFF_DATA + 0x1800 + rng_below(r, 0x800);
    if (!rng_chance(r, 3)) {
        src &= ~(uint64_t)(osz - 1);
        dst &= ~(uint64_t)(osz - 1);
    }
    if (op == MN_MOVS && rng_chance(r, 8))
        dst = src + (uint64_t)((int64_t)rng_below(r, (uint64_t)(8 * osz)) - 4 * osz);   /* overlap */
    bool fault = rng_chance(r, 10) && n > 0;
    if (fault) {   /* run off the data pages: #PF part-way through */
        uint64_t k = rng_below(r, n);
        dst = df ? DIFF_DATA + (uint64_t)osz * k - (uint64_t)osz * (n - 1) : DIFF_DATA_END - (uint64_t)osz * k - 1;
    }
    uint64_t v = pool_value(r, osz);
    if (cmp && rep && n) {
        /* Equal strings with (usually) one difference, so REPE/REPNE
         * stop at a chosen place. */
        for (uint64_t j = 0; j < n * (uint64_t)osz; j++) {
            uint64_t b = op == MN_CMPS ? case_peek(c, src + j, 1) : v >> (8 * (j % (uint64_t)osz));
            case_poke(c, dst + j, rep == 0xf2 ? b ^ (1 + rng_below(r, 255)) : b, 1);
        }
        if (rng_chance(r, 2) || rep == 0xf2) {
            uint64_t j = rng_below(r, n) * (uint64_t)osz + rng_below(r, (uint64_t)osz);
            uint64_t b = op == MN_CMPS ? case_peek(c, src + j, 1) : v >> (8 * (j % (uint64_t)osz));
            case_poke(c, dst + j, rep == 0xf2 ? b : b ^ (1 + rng_below(r, 255)), 1);
        }
    }
    if (df) {
        src += (n ? n - 1 : 0) * (uint64_t)osz;
        dst += (n ? n - 1 : 0) * (uint64_t)osz;
        c->init.rflags |= FL_DF;
    }
    uint64_t hi = a32 ? rng_next(r) << 32 : 0;
    c->init.r[6] = hi | (a32 ? src & 0xffffffffu : src);
    c->init.r[7] = (a32 ? rng_next(r) << 32 : 0) | (a32 ? dst & 0xffffffffu : dst);
    if (rep)
        c->init.r[1] = (a32 ? rng_next(r) << 32 : 0) | count;
    t_set(t, 0, osz, v);
    return b_string(&g, op, osz, rep, a32, rep ? (long long)count : -1) && t_add(t, &g);
}

void fam_string(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "string", string_one(&t, (unsigned)(i % 240)));
}

/* ---- MOVSX MOVZX MOVSXD CBW.. CQO, RIP-relative MOV ---- */

static bool movx_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct ginsn g;
    if (cell < 24) {
        enum mn op = cell % 2 ? MN_MOVSX : MN_MOVZX;
        int dsz = size_of_index(1 + (int)(cell / 2 % 3)), ssz = cell / 6 % 2 ? 2 : 1;
        if (dsz == 2 && ssz == 2)
            ssz = 1;
        int d = t_reg(t);
        struct opnd s;
        uint64_t v = pool_value(r, ssz);
        if (cell / 12) {
            s = t_mem_val(t, ssz, v, true, NULL);
        } else {
            s = op_reg(ssz == 1 ? t_reg_sz(t, 1) : t_reg(t));
            t_set(t, s.reg, ssz, v);
        }
        return b_movx(&g, op, dsz, ssz, d, s) && t_add(t, &g);
    }
    if (cell < 30) {
        int dsz = size_of_index(1 + (int)((cell - 24) % 3));
        int ssz = dsz == 8 ? 4 : dsz;
        int d = t_reg(t);
        struct opnd s;
        if ((cell - 24) / 3) {
            s = t_mem_val(t, ssz, pool_value(r, ssz), true, NULL);
        } else {
            s = op_reg(t_reg(t));
            t_set(t, s.reg, ssz, pool_value(r, ssz));
        }
        return b_movsxd(&g, dsz, d, s) && t_add(t, &g);
    }
    if (cell < 36) {
        int osz = size_of_index(1 + (int)((cell - 30) % 3));
        t_set(t, 0, 8, pool_value(r, 8));
        return b_cbw(&g, cell < 33 ? MN_CBW : MN_CWD, osz) && t_add(t, &g);
    }
    /* RIP-relative load/store: the displacement is the last 4 bytes. */
    int osz = size_of_index((int)rng_below(r, 4));
    uint64_t a = t_addr(t, osz, 0, false);
    case_poke(t->c, a, pool_value(r, osz), osz);
    int reg = t_reg_sz(t, osz);
    struct opnd m = op_mem(MEM_RIP, NOREG, 0, 0);
    bool store = cell == 37;
    if (!b_mov(&g, osz, store ? MF_RM_R : MF_R_RM, store ? m : op_reg(reg), store ? op_reg(reg) : m, 0))
        return false;
    uint32_t disp = (uint32_t)(a - (DIFF_CODE + (uint64_t)t->c->code_len + (uint64_t)g.n));
    for (int k = 0; k < 4; k++)
        g.b[g.n - 4 + k] = (uint8_t)(disp >> (8 * k));
    return t_add(t, &g);
}

void fam_movx(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "movx", movx_one(&t, (unsigned)(i % 38)));
}

/* ---- LEA ---- */

static bool lea_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct ginsn g;
    int form = (int)(cell % 8), osz = size_of_index(1 + (int)(cell / 8 % 3));
    bool a32 = cell / 24;
    int b = rng_chance(r, 10) ? 4 : t_reg(t), x = t_reg(t), s = (int)rng_below(r, 4);
    int32_t d8 = (int32_t)rng_below(r, 256) - 128, d32 = (int32_t)rng_next(r);
    struct opnd m;
    switch (form) {
    case 0: m = op_mem(b, NOREG, 0, 0); break;
    case 1: m = op_mem(b, NOREG, 0, d8); break;
    case 2: m = op_mem(b, NOREG, 0, d32); m.disp32 = true; break;
    case 3: m = op_mem(b, x, s, 0); break;
    case 4: m = op_mem(b, x, s, rng_chance(r, 2) ? d8 : d32); break;
    case 5: m = op_mem(NOREG, x, s, d32); break;
    case 6: m = op_mem(NOREG, NOREG, 0, d32); break;
    default: m = op_mem(MEM_RIP, NOREG, 0, d32); break;
    }
    m.a32 = a32;
    return b_lea(&g, osz, t_reg(t), m) && t_add(t, &g);
}

void fam_lea(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "lea", lea_one(&t, (unsigned)(i % 48)));
}

/* ---- PUSH POP PUSHF POPF ---- */

/* A value for POPF: random status flags, DF, AC, ID, and bits CPL 3
 * cannot change (IF, IOPL); never TF or NT. */
static uint64_t popf_value(struct rng *r)
{
    uint64_t v = rng_next(r) & (FL_ARITH | FL_DF | 0x200 | 0x3000 | 0x200000);
    if (rng_chance(r, 4))
        v |= 0x40000;   /* AC */
    return v | 2;
}

static bool stack_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct dcase *c = t->c;
    struct ginsn g;
    uint64_t rsp = DIFF_STACK + (uint64_t)((int64_t)rng_below(r, 0x200) - 0x100);
    if (!rng_chance(r, 6))
        rsp &= ~7ull;
    c->init.r[4] = rsp;
    case_poke(c, rsp, pool_value(r, 8), 8);
    int osz = cell % 2 ? 2 : 8;
    int32_t imm = (int32_t)pool_value(r, 4);
    switch (cell) {
    case 0: case 1: {
        int reg = t_reg(t);
        return b_push(&g, PK_REG, osz, op_reg(reg), 0) && t_add(t, &g);
    }
    case 2: case 3:
        return b_push(&g, PK_MEM, osz, t_mem_val(t, osz, pool_value(r, osz), true, NULL), 0) && t_add(t, &g);
    case 4: case 6:
        return b_push(&g, PK_IMM8, cell == 4 ? 8 : 2, op_reg(0), (int8_t)imm) && t_add(t, &g);
    case 5: case 7:
        return b_push(&g, PK_IMM32, cell == 5 ? 8 : 2, op_reg(0), imm) && t_add(t, &g);
    case 8: case 9:
        return b_pop(&g, osz, op_reg(t_reg(t))) && t_add(t, &g);
    case 10: case 11:
        return b_pop(&g, osz, t_mem_val(t, osz, pool_value(r, osz), true, NULL)) && t_add(t, &g);
    case 12: case 13:
        return b_pushf(&g, osz) && t_add(t, &g);
    case 14: case 15:
        case_poke(c, rsp, popf_value(r), osz);
        return b_popf(&g, osz) && t_add(t, &g);
    case 16:
        return b_push(&g, PK_REG, 8, op_reg(4), 0) && t_add(t, &g);
    case 17:
        /* pop rsp: the popped value must keep RSP in the stack page. */
        case_poke(c, rsp, DIFF_STACK + rng_below(r, 0x100) - 0x80, 8);
        return b_pop(&g, 8, op_reg(4)) && t_add(t, &g);
    case 18: case 19: {
        /* pop [rsp+d] (address computed after the increment), push [rsp+d] */
        int32_t d = (int32_t)(rng_below(r, 8) * 8) - 16;
        struct opnd m = op_mem(4, NOREG, 0, d);
        return (cell == 18 ? b_pop(&g, 8, m) : b_push(&g, PK_MEM, 8, m, 0)) && t_add(t, &g);
    }
    default:
        return b_push(&g, PK_REG, 2, op_reg(4), 0) && t_add(t, &g);
    }
}

void fam_stack(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "stack", stack_one(&t, (unsigned)(i % 21)));
}

/* ---- SAHF LAHF CLC STC CMC CLD STD, ADC/SBB chains ---- */

static bool chain(struct t *t, enum mn op, int len)
{
    struct ginsn g;
    int regs[8];
    for (int k = 0; k < 2 * len && k < 8; k++)
        regs[k] = t_reg(t);
    if (!b_flagop(&g, rng_chance(t->r, 2) ? MN_STC : MN_CLC) || !t_add(t, &g))
        return false;
    for (int k = 0; k < len; k++) {
        int osz = k == 0 ? size_of_index((int)rng_below(t->r, 4)) : 8;
        if (!b_alu(&g, op, osz, AF_RM_R, op_reg(regs[2 * k]), op_reg(regs[2 * k + 1]), 0, false) || !t_add(t, &g))
            return false;
    }
    return true;
}

static bool flags_one(struct t *t, unsigned cell)
{
    static const enum mn single[7] = { MN_SAHF, MN_LAHF, MN_CLC, MN_STC, MN_CMC, MN_CLD, MN_STD };
    struct rng *r = t->r;
    struct ginsn g;
    t->used |= 1;
    if (rng_chance(r, 2))
        t->c->init.rflags |= FL_DF;
    if (cell < 7)
        return b_flagop(&g, single[cell]) && t_add(t, &g);
    if (cell == 7)
        return chain(t, MN_ADC, 4);
    if (cell == 8)
        return chain(t, MN_SBB, 4);
    if (cell == 9) {
        int a = t_reg(t), b = t_reg(t);
        return b_alu(&g, MN_ADD, 1, AF_RM_R, op_reg(a), op_reg(b), 0, false) && t_add(t, &g) &&
               b_alu(&g, MN_ADC, 2, AF_RM_I, op_reg(a), op_reg(a), pool_value(r, 2), false) && t_add(t, &g) &&
               b_alu(&g, MN_SBB, 4, AF_R_RM, op_reg(b), t_mem_val(t, 4, pool_value(r, 4), false, NULL), 0, false) &&
               t_add(t, &g) && b_flagop(&g, MN_CMC) && t_add(t, &g) &&
               b_alu(&g, MN_ADC, 8, AF_RM_R, op_reg(a), op_reg(b), 0, false) && t_add(t, &g);
    }
    /* lahf ; xor ah, imm ; sahf */
    return b_flagop(&g, MN_LAHF) && t_add(t, &g) &&
           b_alu(&g, MN_XOR, 1, AF_RM_I, op_reg(RAH), op_reg(RAH), rng_below(r, 256), false) && t_add(t, &g) &&
           b_flagop(&g, MN_SAHF) && t_add(t, &g);
}

void fam_flags(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "flags", flags_one(&t, (unsigned)(i % 11)));
}

/* ---- SSE2 ---- */

static uint8_t shift_imm(struct rng *r)
{
    static const uint8_t v[] = { 0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255 };
    return rng_chance(r, 4) ? (uint8_t)rng_next(r) : v[rng_below(r, sizeof v)];
}

static struct opnd sse_mem(struct t *t, int size, bool align, int variant)
{
    uint64_t a;
    if (variant == 2)
        a = (DIFF_DATA + 0x1000 + rng_below(t->r, 0x1000)) | (1 + rng_below(t->r, 15));
    else
        a = t_addr(t, size, align ? 16 : 0, true);
    return t_mem(t, a);
}

static bool sse_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct dcase *c = t->c;
    struct ginsn g;
    const struct sse_def *d = &sse_defs[cell % (unsigned)sse_defs_count];
    int v = (int)(cell / (unsigned)sse_defs_count);
    int x1 = (int)rng_below(r, 16), x2 = (int)rng_below(r, 16);
    if (rng_chance(r, 3)) {
        /* Equal lanes for the compares; small counts for the shifts. */
        c->init.xmm[x2][0] = rng_chance(r, 2) ? c->init.xmm[x1][0] : rng_below(r, 72);
        if (rng_chance(r, 2)) c->init.xmm[x2][1] = c->init.xmm[x1][1];
    }
    bool w = rng_chance(r, 2);
    switch (d->kind) {
    case SK_XX:
    case SK_XX_IB:
        return b_sse(&g, d, op_xmm(x1), v ? sse_mem(t, d->msize, d->align, v) : op_xmm(x2), false,
                     (uint8_t)rng_next(r)) && t_add(t, &g);
    case SK_MX:
        return b_sse(&g, d, v ? sse_mem(t, d->msize, d->align, v) : op_xmm(x2), op_xmm(x1), false, 0) &&
               t_add(t, &g);
    case SK_X_IB:
        return b_sse(&g, d, op_xmm(x1), op_xmm(x1), false, shift_imm(r)) && t_add(t, &g);
    case SK_XG:
        return b_sse(&g, d, op_xmm(x1), v ? sse_mem(t, w ? 8 : 4, false, 1) : op_reg(t_reg(t)), w, 0) &&
               t_add(t, &g);
    case SK_GX:
        return b_sse(&g, d, v ? sse_mem(t, w ? 8 : 4, false, 1) : op_reg(t_reg(t)), op_xmm(x1), w, 0) &&
               t_add(t, &g);
    default:
        return b_sse(&g, d, op_reg(t_reg(t)), op_xmm(x1), false, 0) && t_add(t, &g);
    }
}

void fam_sse(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "sse", sse_one(&t, (unsigned)(i % (uint64_t)(3 * sse_defs_count))));
}

/* ---- faults ---- */

static bool raw(struct t *t, const char *text, const char *bytes, int n)
{
    struct ginsn g;
    ginsn_init(&g, MN_NOP);
    memcpy(g.b, bytes, (size_t)n);
    g.n = n;
    strncpy(g.text, text, sizeof g.text - 1);
    return t_add(t, &g);
}

#define RAW(t, text, bytes) raw(t, text, bytes, (int)sizeof bytes - 1)

static bool fault_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct dcase *c = t->c;
    struct ginsn g;
    uint64_t *R = c->init.r;
    R[3] = DIFF_DATA + 0x1000 + rng_below(r, 0x800) * 2;   /* rbx: data */
    t->used |= BIT(0) | BIT(1) | BIT(2) | BIT(3);
    switch (cell) {
    case 0: return b_mov(&g, 8, MF_R_RM, op_reg(0), t_mem(t, DIFF_DATA_END + rng_below(r, 0x1000)), 0) && t_add(t, &g);
    case 1: return b_mov(&g, 4, MF_RM_R, t_mem(t, DIFF_DATA - 4 - rng_below(r, 0x100)), op_reg(0), 0) && t_add(t, &g);
    case 2: return b_mov(&g, 1, MF_RM_R, t_mem(t, DIFF_CODE + 0x200 + rng_below(r, 0x100)), op_reg(0), 0) && t_add(t, &g);
    case 3: case 4:
        R[3] = 0x8000000000000000ull | rng_next(r) >> 2;
        return b_mov(&g, 8, cell == 3 ? MF_R_RM : MF_RM_R, cell == 3 ? op_reg(0) : op_mem(3, NOREG, 0, 0),
                     cell == 3 ? op_mem(3, NOREG, 0, 0) : op_reg(0), 0) && t_add(t, &g);
    case 5: R[4] = DIFF_DATA_END + 0x1008; return b_push(&g, PK_REG, 8, op_reg(0), 0) && t_add(t, &g);
    case 6: R[4] = 0x8000000000001000ull; return b_push(&g, PK_REG, 8, op_reg(0), 0) && t_add(t, &g);
    case 7: R[4] = DIFF_DATA_END - 4; return b_pop(&g, 8, op_reg(0)) && t_add(t, &g);
    case 8: return RAW(t, "hlt", "\xf4");
    case 9: return RAW(t, "cli", "\xfa");
    case 10: return RAW(t, "sti", "\xfb");
    case 11: return RAW(t, "in al, dx", "\xec");
    case 12: return RAW(t, "out dx, al", "\xee");
    case 13: return RAW(t, "in al, 0x80", "\xe4\x80");
    case 14: return RAW(t, "rdmsr", "\x0f\x32");
    case 15: return RAW(t, "wrmsr", "\x0f\x30");
    case 16: return RAW(t, "mov rax, cr0", "\x0f\x20\xc0");
    case 17: return RAW(t, "mov cr3, rax", "\x0f\x22\xd8");
    case 18: return RAW(t, "mov rax, dr7", "\x0f\x21\xf8");
    case 19: return RAW(t, "lgdt [rbx]", "\x0f\x01\x13");
    case 20: return RAW(t, "lidt [rbx]", "\x0f\x01\x1b");
    case 21: return RAW(t, "invd", "\x0f\x08");
    case 22: return RAW(t, "wbinvd", "\x0f\x09");
    case 23: return RAW(t, "invlpg [rbx]", "\x0f\x01\x3b");
    case 24: return RAW(t, "clts", "\x0f\x06");
    case 25: return RAW(t, "swapgs", "\x0f\x01\xf8");
    case 26: return RAW(t, "sysretq", "\x48\x0f\x07");
    case 27: return RAW(t, "ud2", "\x0f\x0b");
    case 28: return RAW(t, "lock nop", "\xf0\x90");
    case 29: return RAW(t, "lock add eax, ecx", "\xf0\x01\xc8");
    case 30: return RAW(t, "lock mov [rbx], eax", "\xf0\x89\x03");
    case 31: return RAW(t, "into (invalid in 64-bit)", "\xce");
    case 32: return RAW(t, "push es (invalid in 64-bit)", "\x06");
    case 33: return RAW(t, "daa (invalid in 64-bit)", "\x27");
    case 34: return RAW(t, "pusha (invalid in 64-bit)", "\x60");
    case 35: return RAW(t, "jmp far ptr16:32 (invalid in 64-bit)", "\xea\x00\x00\x00\x00\x33\x00");
    case 36: R[1] = 0; return RAW(t, "div ecx (ecx = 0)", "\xf7\xf1");
    case 37:
        R[0] = 0x8000000000000000ull; R[2] = ~0ull; R[1] = ~0ull;
        return RAW(t, "idiv rcx (min / -1)", "\x48\xf7\xf9");
    case 38: R[3] |= 4; return RAW(t, "movaps xmm0, [rbx] (misaligned)", "\x0f\x28\x03");
    case 39: R[3] = (R[3] & ~15ull) | 8; return RAW(t, "cmpxchg16b [rbx] (misaligned)", "\x48\x0f\xc7\x0b");
    case 40: R[0] = DIFF_CODE + 0x1000 + rng_below(r, 0x100) * 16; return RAW(t, "jmp rax (unmapped)", "\xff\xe0");
    case 41: R[0] = DIFF_DATA + 0x100; return RAW(t, "jmp rax (data page, NX)", "\xff\xe0");
    case 42: R[0] = DIFF_DATA_END + 0x2000; return RAW(t, "call rax (unmapped)", "\xff\xd0");
    case 43: case_poke(c, R[4], DIFF_DATA_END + 0x3000, 8); return RAW(t, "ret (to unmapped)", "\xc3");
    case 44: c->code_off = DIFF_PAGE - 2; return RAW(t, "mov rax, [rbx] (crosses the end of the code page)", "\x48\x8b\x03");
    case 45: R[0] = 0x0000900000000000ull; return RAW(t, "jmp rax (non-canonical)", "\xff\xe0");
    case 46:
        R[3] |= 1;
        c->init.rflags |= 0x40000;
        return RAW(t, "mov eax, [rbx] (misaligned, AC = 1)", "\x8b\x03");
    case 47: return RAW(t, "int1 (icebp)", "\xf1");
    case 48: return RAW(t, "lock cmpxchg8b eax (register operand)", "\xf0\x0f\xc7\xc8");
    case 49: return RAW(t, "lea rax, rbx (register operand)", "\x48\x8d\xc3");
    case 50: return RAW(t, "mov cs, ax", "\x8e\xc8");
    case 51: return RAW(t, "lock bt [rbx], eax", "\xf0\x0f\xa3\x03");
    case 52: return RAW(t, "lock hlt", "\xf0\xf4");
    case 53: case_poke(c, R[4], DIFF_DATA_END + 0x3000, 8); return RAW(t, "ret 8 (to unmapped)", "\xc2\x08\x00");
    case 54: c->code_off = DIFF_PAGE - 3; return RAW(t, "mov rax, [rbx] (INT3 after it is on the next page)", "\x48\x8b\x03");
    case 55: return RAW(t, "int3 ; nop", "\xcc\x90");
    case 56: return RAW(t, "smsw word [rbx]", "\x0f\x01\x23");
    case 57: return RAW(t, "mov eax, ss", "\x8c\xd0");
    case 58: return RAW(t, "mov eax, cs", "\x8c\xc8");
    /* Invalid control/debug/segment register numbers: #UD (decode-time)
     * before the CPL check — SDM "MOV—Move to/from Control Registers":
     * "#UD If an attempt is made to access CR1, CR5, CR6, or CR7". */
    case 59: return RAW(t, "mov cr1, rax", "\x0f\x22\xc8");
    case 60: return RAW(t, "mov cr5, rax", "\x0f\x22\xe8");
    case 61: return RAW(t, "mov cr7, rax", "\x0f\x22\xf8");
    case 62: return RAW(t, "mov cr9, rax", "\x44\x0f\x22\xc8");
    case 63: return RAW(t, "mov rax, cr1", "\x0f\x20\xc8");
    case 64: return RAW(t, "mov rax, cr8 (CPL 3)", "\x44\x0f\x20\xc0");
    case 65: return RAW(t, "mov cr8, rax (CPL 3)", "\x44\x0f\x22\xc0");
    case 66: return RAW(t, "mov dr8, rax", "\x44\x0f\x23\xc0");
    case 67: return RAW(t, "mov rax, dr9", "\x44\x0f\x21\xc8");
    case 68: return RAW(t, "mov sreg6, eax", "\x8e\xf0");
    case 69: return RAW(t, "mov eax, sreg7", "\x8c\xf8");
    case 70: return RAW(t, "mov cs, eax", "\x8e\xc8");
    case 71: return RAW(t, "mov cr6, rax", "\x0f\x22\xf0");
    case 72: return RAW(t, "mov rax, cr5", "\x0f\x20\xe8");
    /* Non-canonical addresses: #SS(0) through RSP/RBP bases, #GP(0)
     * otherwise (R12/R13 included). */
    case 73: R[13] = 0x8000000000000000ull | rng_next(r) >> 2; return RAW(t, "mov rax, [r13+0] (non-canonical)", "\x49\x8b\x45\x00");
    case 74: R[12] = 0x8000000000000000ull | rng_next(r) >> 2; return RAW(t, "mov rax, [r12] (non-canonical)", "\x49\x8b\x04\x24");
    case 75: R[5] = 0x8000000000000000ull | rng_next(r) >> 2; return RAW(t, "mov rax, [rbp+0] (non-canonical)", "\x48\x8b\x45\x00");
    case 76: R[1] = 0x8000000000000000ull; return RAW(t, "mov rax, [rsp+rcx] (non-canonical)", "\x48\x8b\x04\x0c");
    case 77: R[13] = 0x8000000000000000ull | rng_next(r) >> 2; return RAW(t, "mov [r13+8], eax (non-canonical)", "\x41\x89\x45\x08");
    case 78: R[5] = 0x0000900000000000ull; return RAW(t, "push qword [rbp] (non-canonical)", "\xff\x75\x00");
    /* INT n at CPL 3 against Linux's IDT: DPL 3 only for 3 and 4; other
     * vectors #GP(n*8+2). INT 0x80 (a system call natively) is not
     * generated. */
    case 79: return RAW(t, "int 3 (cd 03)", "\xcd\x03");
    case 80: return RAW(t, "int 4 (cd 04)", "\xcd\x04");
    case 81: return RAW(t, "int 1 (cd 01): DPL 0 gate", "\xcd\x01");
    case 82: return RAW(t, "int 0x0d", "\xcd\x0d");
    case 83: return RAW(t, "int 0x21", "\xcd\x21");
    default: return RAW(t, "int 0xff", "\xcd\xff");
    }
}

void fam_fault(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "fault", fault_one(&t, (unsigned)(i % 85)));
}
