/* Template families, part 3: control flow inside the code page (Jcc, JMP,
 * LOOPcc, JrCXZ, CALL/RET in their direct, register and memory forms,
 * ENTER/LEAVE) and miscellaneous instructions (XLAT, MOV moffs, NOP and
 * hint forms, fences, CLFLUSH, MOVNTI, segment-register reads).
 *
 * Branch sequences are written as raw bytes with their targets inside the
 * sequence; such cases are marked fixed (the minimizer keeps them whole).
 * 66-prefixed near branches are not generated: AMD truncates RIP to 16 bits
 * there while Intel ignores the prefix (SDM "JMP—Jump": operand size is
 * forced to 64 bits in 64-bit mode), so the host cannot stand for Intel. */
#include <string.h>

#include "tpl.h"


/* Appends raw bytes as one instruction (no flag effects recorded). */
static bool put(struct t *t, const char *text, const uint8_t *b, int n)
{
    struct ginsn g;
    ginsn_init(&g, MN_NOP);
    memcpy(g.b, b, (size_t)n);
    g.n = n;
    strncpy(g.text, text, sizeof g.text - 1);
    return t_add(t, &g);
}

#define PUT(t, text, ...) put(t, text, (const uint8_t[]){ __VA_ARGS__ }, \
                              (int)sizeof((const uint8_t[]){ __VA_ARGS__ }))

static uint64_t here(struct t *t)
{
    return DIFF_CODE + (uint64_t)t->c->code_off + (uint64_t)t->c->code_len;
}

static void le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* "mov eax, imm32": the instruction a forward branch jumps over. */
static bool mov_eax(struct t *t, uint32_t v)
{
    uint8_t b[5] = { 0xb8 };
    le32(b + 1, v);
    return put(t, "mov eax, imm32", b, 5);
}

static bool branch_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct dcase *c = t->c;
    uint64_t *R = c->init.r;
    c->fixed = true;
    t->used = 0xffff;
    if (rng_chance(r, 4))
        c->init.rflags = DIFF_RFLAGS_FIXED | (rng_chance(r, 2) ? FL_ARITH : 0);
    uint8_t b[16];
    if (cell < 16) {                      /* jcc rel8 over a mov */
        PUT(t, "jcc rel8", (uint8_t)(0x70 + cell), 5);
        return mov_eax(t, 0x11111111) && PUT(t, "add eax, 1", 0x83, 0xc0, 0x01);
    }
    if (cell < 32) {                      /* jcc rel32 */
        PUT(t, "jcc rel32", 0x0f, (uint8_t)(0x80 + cell - 16), 5, 0, 0, 0);
        return mov_eax(t, 0x22222222) && PUT(t, "add eax, 1", 0x83, 0xc0, 0x01);
    }
    switch (cell) {
    case 32: return PUT(t, "jmp rel8", 0xeb, 5) && mov_eax(t, 1);
    case 33: return PUT(t, "jmp rel32", 0xe9, 5, 0, 0, 0) && mov_eax(t, 2);
    case 34: case 35: case 36: {          /* loop / loope / loopne */
        R[1] = 1 + rng_below(r, 8);
        if (rng_chance(r, 4)) {           /* 67: ECX, garbage above */
            R[1] |= rng_next(r) << 32;
            R[0] = rng_below(r, 4);
            return PUT(t, "inc rax", 0x48, 0xff, 0xc0) && PUT(t, "cmp rax, 3", 0x48, 0x83, 0xf8, 3) &&
                   PUT(t, "addr32 loop", 0x67, (uint8_t)(0xe2 - (cell - 34)), (uint8_t)-10);
        }
        R[0] = rng_below(r, 4);
        return PUT(t, "inc rax", 0x48, 0xff, 0xc0) && PUT(t, "cmp rax, 3", 0x48, 0x83, 0xf8, 3) &&
               PUT(t, cell == 34 ? "loop" : cell == 35 ? "loope" : "loopne", (uint8_t)(0xe2 - (cell - 34)), (uint8_t)-9);
    }
    case 37:
        R[1] = rng_chance(r, 2) ? 0 : pool_value(r, 8);
        return PUT(t, "jrcxz", 0xe3, 5) && mov_eax(t, 3);
    case 38:
        R[1] = (rng_next(r) << 32) | (rng_chance(r, 2) ? 0 : rng_next(r) & 0xffffffff);
        return PUT(t, "jecxz", 0x67, 0xe3, 5) && mov_eax(t, 4);
    case 39: case 44: {                   /* call rel32 ; add ; int3 ; sub: mov ; ret [imm16] */
        bool imm = cell == 44;
        return PUT(t, "call rel32", 0xe8, 4, 0, 0, 0) && PUT(t, "add rax, rbx", 0x48, 0x01, 0xd8) &&
               PUT(t, "int3", 0xcc) && PUT(t, "sub: mov ebx, 7", 0xbb, 7, 0, 0, 0) &&
               (imm ? PUT(t, "ret 8", 0xc2, 8, 0) : PUT(t, "ret", 0xc3));
    }
    case 40: case 42: {                   /* call reg / jmp reg */
        int reg = 8 + (int)rng_below(r, 8);
        uint8_t rex = 0x41, op = (uint8_t)((cell == 40 ? 0xd0 : 0xe0) | (reg & 7));
        R[reg] = here(t) + 3 + 3 + 1;
        return PUT(t, cell == 40 ? "call r64" : "jmp r64", rex, 0xff, op) && PUT(t, "add rax, rbx", 0x48, 0x01, 0xd8) &&
               PUT(t, "int3", 0xcc) && PUT(t, "target: mov ebx, 7", 0xbb, 7, 0, 0, 0) &&
               (cell == 40 ? PUT(t, "ret", 0xc3) : PUT(t, "add rax, rbx", 0x48, 0x01, 0xd8));
    }
    case 41: case 43: {                   /* call [mem] / jmp [mem] */
        uint64_t a = t_addr(t, 8, 8, false);
        R[3] = a;
        case_poke(c, a, here(t) + 2 + 3 + 1, 8);
        return PUT(t, cell == 41 ? "call [rbx]" : "jmp [rbx]", 0xff, cell == 41 ? 0x13 : 0x23) &&
               PUT(t, "add rax, rcx", 0x48, 0x01, 0xc8) && PUT(t, "int3", 0xcc) &&
               PUT(t, "target: mov ecx, 7", 0xb9, 7, 0, 0, 0) &&
               (cell == 41 ? PUT(t, "ret", 0xc3) : PUT(t, "add rax, rcx", 0x48, 0x01, 0xc8));
    }
    case 45:                              /* push imm32 ; ret */
        le32(b, (uint32_t)(here(t) + 5 + 1 + 5));
        return PUT(t, "push target", 0x68, b[0], b[1], b[2], b[3]) && PUT(t, "ret", 0xc3) && mov_eax(t, 5);
    case 46:                              /* call sub1 ; int3 ; sub1: call sub2 ; ret ; sub2: ret */
        return PUT(t, "call sub1", 0xe8, 1, 0, 0, 0) && PUT(t, "int3", 0xcc) &&
               PUT(t, "sub1: call sub2", 0xe8, 1, 0, 0, 0) && PUT(t, "ret", 0xc3) &&
               PUT(t, "sub2: inc rax", 0x48, 0xff, 0xc0) && PUT(t, "ret", 0xc3);
    case 47:                              /* branch hints */
        return PUT(t, "jcc rel8 with a hint prefix", rng_chance(r, 2) ? 0x2e : 0x3e,
                   (uint8_t)(0x70 + rng_below(r, 16)), 5) && mov_eax(t, 6);
    case 48:                              /* dec ecx ; jnz back */
        R[1] = 1 + rng_below(r, 10);
        return PUT(t, "inc rax", 0x48, 0xff, 0xc0) && PUT(t, "dec ecx", 0xff, 0xc9) && PUT(t, "jnz -7", 0x75, (uint8_t)-7);
    default:                              /* jmp rel8 backward then forward out */
        return PUT(t, "jmp +2", 0xeb, 2) && PUT(t, "jmp +5", 0xeb, 5) && PUT(t, "jmp -4", 0xeb, (uint8_t)-4) &&
               PUT(t, "skipped", 0x48, 0xff, 0xc0) && PUT(t, "nop", 0x90);
    }
}

void fam_branch(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "branch", branch_one(&t, (unsigned)(i % 50)));
}

/* ---- misc ---- */

static bool moffs(struct t *t, const char *text, uint8_t pfx, uint8_t op, int size, bool a32)
{
    uint64_t a = t_addr(t, size, 0, true);
    case_poke(t->c, a, pool_value(t->r, size), size);
    uint8_t b[12];
    int n = 0;
    if (pfx) b[n++] = pfx;
    if (a32) b[n++] = 0x67;
    if (size == 8) b[n++] = 0x48;
    b[n++] = op;
    for (int i = 0; i < (a32 ? 4 : 8); i++)
        b[n++] = (uint8_t)(a >> (8 * i));
    return put(t, text, b, n);
}

/* A ModRM instruction with a memory operand at addr; opc may include 0F. */
static bool mem_insn(struct t *t, const char *text, unsigned flags, const uint8_t *opc, int nopc, int reg, uint64_t addr)
{
    struct ginsn g;
    ginsn_init(&g, MN_NOP);
    struct encreq q = { .flags = flags, .opc = opc, .nopc = nopc, .reg = reg, .rm = t_mem(t, addr), .opreg = -1 };
    if (!enc(&g, &q))
        return false;
    strncpy(g.text, text, sizeof g.text - 1);
    return t_add(t, &g);
}

static bool misc_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct dcase *c = t->c;
    uint64_t *R = c->init.r;
    static const uint8_t nop1f[2] = { 0x0f, 0x1f }, pf18[2] = { 0x0f, 0x18 }, pf0d[2] = { 0x0f, 0x0d };
    static const uint8_t ae[2] = { 0x0f, 0xae }, c3[2] = { 0x0f, 0xc3 };
    uint64_t anywhere = rng_chance(r, 2) ? t_addr(t, 8, 0, true) : rng_next(r) >> (rng_below(r, 2) ? 0 : 20);
    switch (cell) {
    case 0:
        R[3] = t_addr(t, 256, 0, false);
        return PUT(t, "xlat", 0xd7);
    case 1:
        R[3] = t_addr(t, 256, 0, true);
        return PUT(t, "xlat (rex.w)", 0x48, 0xd7);
    case 2: return moffs(t, "mov al, [moffs64]", 0, 0xa0, 1, false);
    case 3: return moffs(t, "mov eax, [moffs64]", 0, 0xa1, 4, false);
    case 4: return moffs(t, "mov rax, [moffs64]", 0, 0xa1, 8, false);
    case 5: return moffs(t, "mov ax, [moffs64]", 0x66, 0xa1, 2, false);
    case 6: return moffs(t, "mov [moffs64], al", 0, 0xa2, 1, false);
    case 7: return moffs(t, "mov [moffs64], rax", 0, 0xa3, 8, false);
    case 8: return moffs(t, "mov eax, [moffs32]", 0, 0xa1, 4, true);
    case 9: case 10: case 11: case 12: {  /* enter size, level */
        R[5] = DIFF_STACK + rng_below(r, 0x700);
        if (!rng_chance(r, 4))
            R[5] &= ~7ull;
        uint16_t size = (uint16_t)(rng_chance(r, 2) ? rng_below(r, 64) * 8 : rng_below(r, 0x200));
        uint8_t level = cell == 9 ? 0 : cell == 10 ? 1 : (uint8_t)(2 + rng_below(r, cell == 12 ? 40 : 6));
        if (cell == 12 && rng_chance(r, 2))
            level = (uint8_t)rng_next(r);          /* masked to 5 bits */
        return PUT(t, "enter size, level", 0xc8, (uint8_t)size, (uint8_t)(size >> 8), level);
    }
    case 13:
        R[5] = DIFF_STACK + rng_below(r, 0x700);
        return PUT(t, "enterw size, level (66)", 0x66, 0xc8, (uint8_t)rng_below(r, 64), 0, (uint8_t)rng_below(r, 4));
    case 14:
        R[5] = DIFF_STACK + rng_below(r, 0x200) - 0x100;
        return PUT(t, "leave", 0xc9);
    case 15:
        R[5] = DIFF_STACK + rng_below(r, 0x200) - 0x100;
        return PUT(t, "leavew (66)", 0x66, 0xc9);
    case 16: return mem_insn(t, "nop [mem] (0f 1f /0, never accesses memory)", 0, nop1f, 2, 0, anywhere);
    case 17: return mem_insn(t, "nop word [mem] (66 0f 1f /0)", E_66, nop1f, 2, 0, anywhere);
    case 18: return mem_insn(t, "prefetch [mem] (0f 18 /0../3, never faults)", 0, pf18, 2, (int)rng_below(r, 4), anywhere);
    case 19: return mem_insn(t, "prefetchw [mem] (0f 0d /1)", 0, pf0d, 2, 1, anywhere);
    case 20: return PUT(t, "pause", 0xf3, 0x90);
    /* Fences ignore ModRM.rm — SDM "LFENCE": "encoded by any opcode of the
     * form 0F AE Ex, where x is in the range 8-F" (MFENCE F0-F7, SFENCE
     * F8-FF). */
    case 21: return PUT(t, "lfence (any rm)", 0x0f, 0xae, (uint8_t)(0xe8 + rng_below(r, 8)));
    case 22: return PUT(t, "mfence (any rm)", 0x0f, 0xae, (uint8_t)(0xf0 + rng_below(r, 8)));
    case 23: return PUT(t, "sfence (any rm)", 0x0f, 0xae, (uint8_t)(0xf8 + rng_below(r, 8)));
    case 24: return mem_insn(t, "clflush [mem]", 0, ae, 2, 7, t_addr(t, 1, 0, true));
    case 25:
        if (!mem_insn(t, "movnti [mem], r", rng_chance(r, 2) ? E_W : 0, c3, 2, (int)rng_below(r, 16),
                      t_addr(t, 8, 0, true)))
            return false;
        c->need |= FEAT_SSE2;          /* MOVNTI is an SSE2 instruction */
        c->fx[c->ninsn - 1].need = FEAT_SSE2;
        return true;
    case 26: {
        int reg = (int)rng_below(r, 16);
        if (reg == 4) reg = 0;
        uint64_t v = pool_value(r, 8);
        uint8_t b[10] = { (uint8_t)(0x48 | (reg >> 3)), (uint8_t)(0xb8 + (reg & 7)) };
        for (int i = 0; i < 8; i++) b[2 + i] = (uint8_t)(v >> (8 * i));
        return put(t, "mov r64, imm64", b, 10);
    }
    case 27: return PUT(t, "mov ah, imm8", 0xb4, (uint8_t)rng_next(r));
    case 28: return PUT(t, "mov eax, ds", 0x8c, 0xd8);
    case 29: return PUT(t, "mov eax, es", 0x8c, 0xc0);
    case 30: return PUT(t, "mov eax, fs", 0x8c, 0xe0);
    case 31: return PUT(t, "mov eax, gs", 0x8c, 0xe8);
    case 32: {
        static const uint8_t op8c[1] = { 0x8c };
        return mem_insn(t, "mov word [mem], ss", 0, op8c, 1, 2, t_addr(t, 2, 0, true));
    }
    case 33: return PUT(t, "str eax", 0x0f, 0x00, 0xc8);
    case 34: return PUT(t, "sldt eax", 0x0f, 0x00, 0xc0);
    case 35: R[0] = 0; return PUT(t, "mov ds, ax (null)", 0x8e, 0xd8) && PUT(t, "mov ecx, ds", 0x8c, 0xd9);
    case 36: R[0] = 0; return PUT(t, "mov ss, ax (null at CPL 3)", 0x8e, 0xd0);
    /* Not generated: RDFSBASE/WRFSBASE (natively FS is the TLS base). */
    default: return PUT(t, "cs nop word [rax+rax*1+0x0]", 0x2e, 0x66, 0x0f, 0x1f, 0x84, 0x00, 0, 0, 0, 0);
    }
}

void fam_misc(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    RETRY(&t, c, r, "misc", misc_one(&t, (unsigned)(i % 38)));
}
