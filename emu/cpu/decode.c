/* The instruction decoder: prefixes, REX, opcode maps, ModRM/SIB,
 * displacement and immediates — SDM Vol. 2, chapter "Instruction Format".
 * Opcode facts come from the tables in *.def via optable.c. */
#include <stddef.h>
#include <string.h>

#include "cpu.h"
#include "insn.h"

#define MAX_INSN_LEN 15

/* Per-opcode chains of table entries, built once. */
static int16_t chain_head[MAP_COUNT][256];
static int16_t *chain_next;
static int table_ready;

static void build_index(void)
{
    static int16_t next_storage[4096];
    chain_next = next_storage;
    for (int m = 0; m < MAP_COUNT; m++)
        for (int o = 0; o < 256; o++)
            chain_head[m][o] = -1;
    for (int k = opdefs_count - 1; k >= 0; k--) {
        const struct opdef *d = &opdefs[k];
        chain_next[k] = chain_head[d->map][d->opcode];
        chain_head[d->map][d->opcode] = (int16_t)k;
    }
    table_ready = 1;
}

static int form_has_modrm(const struct opdef *d)
{
    return d->form == F_M || d->form == F_MIB || d->form == F_MIV || d->ext != EXT_NONE;
}

/* The mandatory-prefix class of this instruction's prefixes. */
struct prefixes {
    int opsize, adsize, lock, rep, seg, rex, last_f2f3;
};

/* Choose the table entry: an exact ModRM match beats a reg-field group
 * entry; an exact mandatory prefix beats P_ANY; entries invalid in the
 * current mode are skipped. */
static const struct opdef *resolve(int map, int op, int cs, const struct prefixes *p, int modrm, int *idx)
{
    int mpfx = p->last_f2f3 == 0xf3 ? P_F3 : p->last_f2f3 == 0xf2 ? P_F2 : p->opsize ? P_66 : P_NP;
    const struct opdef *best = NULL;
    int best_score = -1;
    for (int k = chain_head[map][op]; k >= 0; k = chain_next[k]) {
        const struct opdef *d = &opdefs[k];
        if ((d->attr & A_I64) && cs == 2)
            continue;
        if ((d->attr & A_O64) && cs != 2)
            continue;
        /* Register-only and memory-only forms share groups (0F AE /7 is
         * SFENCE with mod = 3, CLFLUSH otherwise). */
        if (modrm >= 0 && (d->attr & A_MEM) && (modrm >> 6) == 3)
            continue;
        if (modrm >= 0 && (d->attr & A_REG) && (modrm >> 6) != 3)
            continue;
        int score = 0;
        if (d->ext >= 0xc0) {
            if (modrm != d->ext)
                continue;
            score += 4;
        } else if (d->ext >= 0) {
            if (((modrm >> 3) & 7) != d->ext)
                continue;
            score += 2;
        }
        if (d->pfx != P_ANY) {
            if (d->pfx != mpfx)
                continue;
            score += 1;
        }
        if (score > best_score) {
            best = d;
            best_score = score;
            *idx = k;
        }
    }
    return best;
}

static int osz_of(const struct opdef *d, int cs, const struct prefixes *p)
{
    if (d->attr & A_BYTE)
        return 1;
    if (d->attr & A_W16)
        return 2;
    int o66 = p->opsize && !(d->pfx == P_66);
    if (cs == 2) {
        if (p->rex & 8)
            return 8;
        if (d->attr & A_F64)
            return 8;
        if (d->attr & A_D64)
            return o66 ? 2 : 8;
        return o66 ? 2 : 4;
    }
    return (cs == 1) ^ o66 ? 4 : 2;
}

/* 16-bit ModRM addressing — SDM Vol. 2 table "16-Bit Addressing Forms". */
static const uint8_t ea16_base[8] = { R_BX, R_BX, R_BP, R_BP, EA_NONE, EA_NONE, R_BP, R_BX };
static const uint8_t ea16_index[8] = { R_SI, R_DI, R_SI, R_DI, R_SI, R_DI, EA_NONE, EA_NONE };

struct cursor {
    const uint8_t *b;
    int avail, pos;
};

static int take(struct cursor *c, int n, uint64_t *v)
{
    if (c->pos + n > c->avail)
        return 0;
    uint64_t x = 0;
    for (int k = 0; k < n; k++)
        x |= (uint64_t)c->b[c->pos + k] << (8 * k);
    c->pos += n;
    *v = x;
    return 1;
}

#define TAKE(n, v) do { if (!take(&cur, (n), (v))) return cur.avail >= MAX_INSN_LEN ? DEC_TOOLONG : DEC_MORE; } while (0)

static enum decode_status decode_modrm(struct cursor *cp, struct insn *in, int modrm, const struct prefixes *p, int cs)
{
    struct cursor cur = *cp;
    uint64_t v;
    int mod = modrm >> 6, rm = modrm & 7;
    in->mod = (uint8_t)mod;
    in->rm = (uint8_t)(rm | ((p->rex & 1) << 3));
    in->base = in->index = EA_NONE;
    in->scale = 0;
    in->disp = 0;
    if (mod == 3)
        return DEC_OK;
    int def_ss = 0;
    if (in->asz == 2) {
        if (mod == 0 && rm == 6) {
            TAKE(2, &v);
            in->disp = (int16_t)v;
        } else {
            in->base = ea16_base[rm];
            in->index = ea16_index[rm];
            def_ss = (rm == 2 || rm == 3 || rm == 6);
        }
    } else {
        int base = rm;
        if (rm == 4) {
            TAKE(1, &v);
            int sib = (int)v;
            int idx = ((sib >> 3) & 7) | ((p->rex & 2) << 2);
            in->scale = (uint8_t)(sib >> 6);
            in->index = idx == 4 ? EA_NONE : (uint8_t)idx;
            base = sib & 7;
            if (base == 5 && mod == 0) {
                TAKE(4, &v);
                in->disp = (int32_t)v;
                base = -1;
            }
        } else if (rm == 5 && mod == 0) {
            TAKE(4, &v);
            in->disp = (int32_t)v;
            in->base = cs == 2 ? EA_RIP : EA_NONE;
            base = -2;
        }
        if (base >= 0) {
            /* SS is the default segment for RSP/RBP bases only, not R12/R13
             * (same low bits) — SDM Vol. 1 "Default Segment Selection Rules". */
            in->base = (uint8_t)(base | ((p->rex & 1) << 3));
            def_ss = (in->base == R_SP || in->base == R_BP);
        }
    }
    if (mod == 1) {
        TAKE(1, &v);
        in->disp = (int8_t)v;
    } else if (mod == 2) {
        if (in->asz == 2) {
            TAKE(2, &v);
            in->disp = (int16_t)v;
        } else {
            TAKE(4, &v);
            in->disp = (int32_t)v;
        }
    }
    in->seg = (uint8_t)(p->seg != S_NONE ? p->seg : def_ss ? S_SS : S_DS);
    *cp = cur;
    return DEC_OK;
}

enum decode_status decode(const uint8_t *bytes, int avail, int cs, struct insn *in)
{
    if (!table_ready)
        build_index();
    memset(in, 0, sizeof *in);
    struct cursor cur = { bytes, avail > MAX_INSN_LEN ? MAX_INSN_LEN : avail, 0 };
    struct prefixes p = { 0, 0, 0, 0, S_NONE, 0, 0 };
    uint64_t v;

    /* Legacy prefixes, then REX (only if it immediately precedes the opcode). */
    for (;;) {
        TAKE(1, &v);
        int b = (int)v;
        switch (b) {
        case 0x66: p.opsize = 1; p.rex = 0; continue;
        case 0x67: p.adsize = 1; p.rex = 0; continue;
        case 0xf0: p.lock = 1; p.rex = 0; continue;
        case 0xf2: case 0xf3: p.rep = b; p.last_f2f3 = b; p.rex = 0; continue;
        case 0x26: p.seg = S_ES; p.rex = 0; continue;
        case 0x2e: p.seg = S_CS; p.rex = 0; continue;
        case 0x36: p.seg = S_SS; p.rex = 0; continue;
        case 0x3e: p.seg = S_DS; p.rex = 0; continue;
        case 0x64: p.seg = S_FS; p.rex = 0; continue;
        case 0x65: p.seg = S_GS; p.rex = 0; continue;
        default: break;
        }
        if (cs == 2 && (b & 0xf0) == 0x40) {
            p.rex = b;
            continue;
        }
        cur.pos--;
        break;
    }
    /* In 64-bit mode the ES, CS, SS and DS overrides are ignored. */
    if (cs == 2 && p.seg != S_FS && p.seg != S_GS)
        p.seg = S_NONE;

    int map = MAP_1;
    TAKE(1, &v);
    int op = (int)v;
    if (op == 0x0f) {
        TAKE(1, &v);
        op = (int)v;
        map = MAP_0F;
        if (op == 0x38 || op == 0x3a) {
            map = op == 0x38 ? MAP_0F38 : MAP_0F3A;
            TAKE(1, &v);
            op = (int)v;
        }
    }
    in->op = (uint8_t)op;
    in->rex = (uint8_t)p.rex;
    in->rep = (uint8_t)p.rep;
    in->lock = (uint8_t)p.lock;
    in->segovr = (uint8_t)p.seg;
    in->asz = (uint8_t)(cs == 2 ? (p.adsize ? 4 : 8) : ((cs == 1) ^ p.adsize ? 4 : 2));
    in->seg = (uint8_t)(p.seg != S_NONE ? p.seg : S_DS);
    in->base = in->index = EA_NONE;
    in->mod = 3;

    int head = chain_head[map][op];
    if (head < 0)
        goto ud;
    int modrm = -1;
    if (form_has_modrm(&opdefs[head])) {
        TAKE(1, &v);
        modrm = (int)v;
    }
    int idx = -1;
    const struct opdef *d = resolve(map, op, cs, &p, modrm, &idx);
    if (!d)
        goto ud;
    in->def = (uint16_t)idx;
    in->fn = d->fn;
    in->osz = (uint8_t)osz_of(d, cs, &p);
    if (modrm >= 0) {
        in->reg = (uint8_t)(((modrm >> 3) & 7) | ((p.rex & 4) << 1));
        if (d->attr & A_RMREG)
            modrm |= 0xc0;
        enum decode_status st = decode_modrm(&cur, in, modrm, &p, cs);
        if (st != DEC_OK)
            return st;
        if ((d->attr & A_MEM) && in->mod == 3)
            goto ud;
        if ((d->attr & A_REG) && in->mod != 3)
            goto ud;
    }
    if (d->attr & A_OPREG)
        in->reg = (uint8_t)((op & 7) | ((p.rex & 1) << 3));
    /* Without REX, byte registers 4..7 are AH, CH, DH, BH — SDM Vol. 2
     * "REX Prefixes". In a group, ModRM.reg is an opcode extension. */
    if ((d->attr & A_BYTE) && !p.rex) {
        if (in->reg >= 4 && in->reg < 8 && d->ext == EXT_NONE)
            in->reg = (uint8_t)(in->reg - 4 + REG_AH);
        if (in->mod == 3 && in->rm >= 4 && in->rm < 8)
            in->rm = (uint8_t)(in->rm - 4 + REG_AH);
    }
    /* LOCK is legal only on the listed instructions with a memory
     * destination — SDM Vol. 2 "LOCK". */
    if (p.lock && (!(d->attr & A_LOCK) || in->mod == 3))
        goto ud;

    int isz = in->osz == 8 ? 4 : in->osz;
    switch (d->form) {
    case F_MIB: case F_IB: case F_J8:
        TAKE(1, &v);
        in->imm = (uint64_t)(int64_t)(int8_t)v;
        break;
    case F_MIV: case F_IV:
        TAKE(isz, &v);
        in->imm = isz == 2 ? (uint64_t)(int64_t)(int16_t)v : (uint64_t)(int64_t)(int32_t)v;
        break;
    case F_JV:
        isz = in->osz == 2 ? 2 : 4;
        TAKE(isz, &v);
        in->imm = isz == 2 ? (uint64_t)(int64_t)(int16_t)v : (uint64_t)(int64_t)(int32_t)v;
        break;
    case F_IW:
        TAKE(2, &v);
        in->imm = v;
        break;
    case F_IQ:
        TAKE(in->osz, &v);
        in->imm = v;
        break;
    case F_IWIB:
        TAKE(2, &v);
        in->imm = v;
        TAKE(1, &v);
        in->imm2 = (uint8_t)v;
        break;
    case F_AP:
        TAKE(in->osz == 2 ? 2 : 4, &v);
        in->imm = v;
        TAKE(2, &v);
        in->disp = (int32_t)v;
        break;
    case F_MOFFS:
        TAKE(in->asz, &v);
        in->imm = v;
        break;
    default:
        break;
    }
    in->len = (uint8_t)cur.pos;
    return DEC_OK;
ud:
    in->fn = op_ud;
    in->len = (uint8_t)(cur.pos ? cur.pos : 1);
    return DEC_UD;
}
