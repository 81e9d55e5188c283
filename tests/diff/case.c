/* Test cases: the random number generator, initial state, the data image
 * and appending instructions. */
#include <stdio.h>
#include <string.h>

#include "gen.h"

const char *const feat_names[FEAT_COUNT] = {
    "popcnt", "lzcnt", "bmi1", "movbe", "cx16", "lahf", "cx8", "sse2",
    "sse3", "ssse3", "sse41", "cmov",
};

uint32_t feat_from_cpuid(uint32_t ecx1, uint32_t edx1, uint32_t ebx7, uint32_t ecx81)
{
    uint32_t f = 0;
    if (ecx1 & (1u << 23)) f |= FEAT_POPCNT;
    if (ecx81 & (1u << 5)) f |= FEAT_LZCNT;
    if (ebx7 & (1u << 3)) f |= FEAT_BMI1;
    if (ecx1 & (1u << 22)) f |= FEAT_MOVBE;
    if (ecx1 & (1u << 13)) f |= FEAT_CX16;
    if (ecx81 & (1u << 0)) f |= FEAT_LAHF;
    if (edx1 & (1u << 8)) f |= FEAT_CX8;
    if (edx1 & (1u << 26)) f |= FEAT_SSE2;
    if (ecx1 & (1u << 0)) f |= FEAT_SSE3;
    if (ecx1 & (1u << 9)) f |= FEAT_SSSE3;
    if (ecx1 & (1u << 19)) f |= FEAT_SSE41;
    if (edx1 & (1u << 15)) f |= FEAT_CMOV;
    return f;
}

void rng_seed(struct rng *r, uint64_t seed)
{
    r->s = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
}

uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
    return n ? rng_next(r) % n : 0;
}

bool rng_chance(struct rng *r, unsigned one_in)
{
    return rng_below(r, one_in) == 0;
}

static const char *const r64names[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };

const char *reg64_name(int r)
{
    return r >= 0 && r < 16 ? r64names[r] : "?";
}

void fill_data(uint8_t *dst, uint64_t seed)
{
    if (seed == 0) {
        memset(dst, 0, DIFF_DATA_SIZE);
        return;
    }
    struct rng r;
    rng_seed(&r, seed);
    for (size_t i = 0; i < DIFF_DATA_SIZE; i += 8) {
        uint64_t v = rng_next(&r);
        memcpy(dst + i, &v, 8);
    }
}

void case_init(struct dcase *c, const char *family)
{
    memset(c, 0, sizeof *c);
    snprintf(c->family, sizeof c->family, "%s", family);
    c->init.r[4] = DIFF_STACK;
    c->init.rflags = DIFF_RFLAGS_FIXED;
    c->init.mxcsr = DIFF_MXCSR_DEFAULT;
    c->alt_off = -1;
}

void case_fill(struct dcase *c, uint64_t seed)
{
    c->fill_seed = seed;
    fill_data(c->data, seed);
}

uint64_t size_mask(int osz)
{
    return osz >= 8 ? ~0ull : (1ull << (8 * osz)) - 1;
}

uint64_t pool_value(struct rng *r, int osz)
{
    int bits = osz * 8;
    uint64_t m = size_mask(osz), sign = 1ull << (bits - 1);
    uint64_t v;
    switch (rng_below(r, 20)) {
    case 0: v = 0; break;
    case 1: v = 1; break;
    case 2: v = 2; break;
    case 3: v = m; break;                          /* -1 */
    case 4: v = m - 1; break;                      /* -2 */
    case 5: v = sign; break;                       /* min */
    case 6: v = sign - 1; break;                   /* max */
    case 7: v = sign + 1; break;
    case 8: v = 1ull << rng_below(r, (uint64_t)bits); break;
    case 9: v = (1ull << rng_below(r, (uint64_t)bits)) - 1; break;
    case 10: v = rng_below(r, 64); break;          /* small */
    case 11: v = -(rng_below(r, 64)); break;       /* small negative */
    case 12: v = 0x7f + rng_below(r, 3); break;    /* byte sign boundary */
    case 13: v = 0x7fff + rng_below(r, 3); break;
    case 14: v = 0x7fffffff + rng_below(r, 3); break;
    case 15: v = 0xffffffffull + rng_below(r, 2); break;
    default: v = rng_next(r); break;
    }
    return v & m;
}

void case_random_state(struct dcase *c, struct rng *r)
{
    for (int i = 0; i < 16; i++)
        c->init.r[i] = rng_chance(r, 3) ? pool_value(r, 8) : rng_next(r);
    c->init.r[4] = DIFF_STACK;
    c->init.rflags = DIFF_RFLAGS_FIXED | (rng_next(r) & FL_ARITH);
    for (int i = 0; i < 16; i++) {
        c->init.xmm[i][0] = rng_chance(r, 4) ? pool_value(r, 8) : rng_next(r);
        c->init.xmm[i][1] = rng_chance(r, 4) ? pool_value(r, 8) : rng_next(r);
    }
    c->init.mxcsr = DIFF_MXCSR_DEFAULT;
    case_fill(c, rng_next(r) | 1);
}

void case_poke(struct dcase *c, uint64_t addr, uint64_t val, int size)
{
    for (int i = 0; i < size; i++) {
        uint64_t a = addr + (uint64_t)i;
        if (a >= DIFF_DATA && a < DIFF_DATA_END)
            c->data[a - DIFF_DATA] = (uint8_t)(val >> (8 * (i & 7)));
    }
}

uint64_t case_peek(const struct dcase *c, uint64_t addr, int size)
{
    uint64_t v = 0;
    for (int i = 0; i < size && i < 8; i++) {
        uint64_t a = addr + (uint64_t)i;
        if (a >= DIFF_DATA && a < DIFF_DATA_END)
            v |= (uint64_t)c->data[a - DIFF_DATA] << (8 * i);
    }
    return v;
}

bool case_add(struct dcase *c, const struct ginsn *g)
{
    if (c->ninsn >= DIFF_MAX_INSNS || c->code_len + g->n + 1 > DIFF_MAX_CODE)
        return false;
    int off = c->code_len;
    struct insn_fx *fx = &c->fx[c->ninsn];
    fx->fread = g->fread;
    fx->fdef = g->fdef;
    fx->fundef = g->fundef;
    fx->need = g->need;
    fx->undef_regs = g->undef_regs;
    c->insn_off[c->ninsn++] = (uint8_t)off;
    memcpy(c->code + off, g->b, (size_t)g->n);
    c->code_len += g->n;
    size_t tl = strlen(c->text);
    snprintf(c->text + tl, sizeof c->text - tl, "%s%s", tl ? " ; " : "", g->text);
    uint32_t before = c->undef_flags;
    c->undef_flags = (c->undef_flags & ~g->fdef) | g->fundef;
    c->undef_regs |= g->undef_regs;
    c->need |= g->need;
    if (g->alt_off >= 0) {
        c->alt_off = off + g->alt_off;
        c->alt_undef_flags = (before & ~flagfx(g->mn == MN_LZCNT ? MN_BSR : MN_BSF)->def) | g->alt_fundef;
        c->alt_undef_regs = c->undef_regs | g->alt_undef_regs;
    }
    return true;
}

void case_finish(struct dcase *c)
{
    c->insn_off[c->ninsn] = (uint8_t)c->code_len;
    c->code[c->code_len++] = 0xcc;
    c->init.rip = DIFF_CODE + (uint64_t)c->code_off;
}
