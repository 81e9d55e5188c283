/* The encoder: legacy prefixes, REX, opcode, ModRM, SIB, displacement,
 * immediate — SDM Vol. 2, "Instruction Format" — and operand text. */
#include <stdio.h>
#include <string.h>

#include "asm.h"

static const char *const r64[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                     "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const r32[16] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                     "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" };
static const char *const r16[16] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                                     "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" };
static const char *const r8[20] = { "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                                    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
                                    "ah", "ch", "dh", "bh" };

const char *const cc_names[16] = { "o", "no", "b", "ae", "e", "ne", "be", "a",
                                   "s", "ns", "p", "np", "l", "ge", "le", "g" };

const char *reg_name(int r, int size)
{
    if (r < 0 || r >= 20 || (r >= 16 && size != 1))
        return "?";
    switch (size) {
    case 1: return r8[r];
    case 2: return r16[r];
    case 4: return r32[r];
    default: return r64[r];
    }
}

const char *size_kw(int size)
{
    switch (size) {
    case 1: return "byte";
    case 2: return "word";
    case 4: return "dword";
    case 8: return "qword";
    case 10: return "tbyte";
    case 16: return "xmmword";
    default: return "";
    }
}

unsigned osz_flags(int osz)
{
    return osz == 2 ? E_66 : osz == 8 ? E_W : 0;
}

void fmt_opnd(char *out, int outlen, const struct opnd *o, int size)
{
    if (o->kind == OK_REG) {
        snprintf(out, (size_t)outlen, "%s", reg_name(o->reg, size));
        return;
    }
    if (o->kind == OK_XMM) {
        snprintf(out, (size_t)outlen, "xmm%d", o->reg);
        return;
    }
    int n = snprintf(out, (size_t)outlen, "%s%s[", size_kw(size), size ? " " : "");
    const char *const *names = o->a32 ? r32 : r64;
    bool any = false;
    if (o->base == MEM_RIP) {
        n += snprintf(out + n, (size_t)(outlen - n), "%s", o->a32 ? "eip" : "rip");
        any = true;
    } else if (o->base != NOREG) {
        n += snprintf(out + n, (size_t)(outlen - n), "%s", names[o->base]);
        any = true;
    }
    if (o->index != NOREG) {
        n += snprintf(out + n, (size_t)(outlen - n), "%s%s*%d", any ? "+" : "",
                      names[o->index], 1 << o->scale);
        any = true;
    }
    if (o->disp || !any) {
        if (any)
            n += snprintf(out + n, (size_t)(outlen - n), "%s0x%x", o->disp < 0 ? "-" : "+",
                          o->disp < 0 ? -(unsigned)o->disp : (unsigned)o->disp);
        else
            n += snprintf(out + n, (size_t)(outlen - n), "0x%x", (unsigned)o->disp);
    }
    snprintf(out + n, (size_t)(outlen - n), "]");
}

/* A byte-register operand: AH..BH cannot take a REX prefix, SPL..DIL need
 * one. Returns the 3-bit+REX register number. */
static int byte_reg(int r, bool *need_rex, bool *no_rex)
{
    if (r >= RAH) {
        *no_rex = true;
        return r - RAH + 4;
    }
    if (r >= 4 && r < 8)
        *need_rex = true;
    return r;
}

static bool fits8(int32_t v) { return v >= -128 && v <= 127; }

bool enc(struct ginsn *g, const struct encreq *r)
{
    uint8_t b[32];
    int n = 0, rex = 0, regbits = 0;
    bool need_rex = r->flags & E_REX, no_rex = false;
    unsigned f = r->flags;

    if (f & E_LOCK) b[n++] = 0xf0;
    if (f & E_66) b[n++] = 0x66;
    if (f & E_F2) b[n++] = 0xf2;
    if (f & E_F3) b[n++] = 0xf3;
    if ((f & E_67) || (r->reg >= 0 && r->rm.kind == OK_MEM && r->rm.a32)) b[n++] = 0x67;
    if (f & E_W) rex |= 8;

    uint8_t modrm = 0, sib = 0;
    bool has_sib = false;
    int dispsz = 0;
    int32_t disp = 0;
    if (r->reg >= 0) {
        int rg = r->reg;
        if (f & E_BREG)
            rg = byte_reg(rg, &need_rex, &no_rex);
        if (rg & 8) rex |= 4;
        regbits = rg & 7;
        const struct opnd *o = &r->rm;
        if (o->kind == OK_REG || o->kind == OK_XMM) {
            int x = o->reg;
            if (o->kind == OK_REG && (f & E_BRM))
                x = byte_reg(x, &need_rex, &no_rex);
            if (x & 8) rex |= 1;
            modrm = (uint8_t)(0xc0 | regbits << 3 | (x & 7));
        } else if (o->kind == OK_MEM) {
            disp = o->disp;
            if (o->base == MEM_RIP) {
                modrm = (uint8_t)(regbits << 3 | 5);
                dispsz = 4;
            } else if (o->base == NOREG) {
                /* [index*s + disp32] or [disp32]: SIB with base 101, mod 00. */
                modrm = (uint8_t)(regbits << 3 | 4);
                has_sib = true;
                int idx = o->index == NOREG ? 4 : o->index;
                if (o->index == 4) return false;
                if (idx & 8) rex |= 2;
                sib = (uint8_t)(o->scale << 6 | (idx & 7) << 3 | 5);
                dispsz = 4;
            } else {
                int mod;
                if (o->disp32) mod = 2;
                else if (disp == 0 && (o->base & 7) != 5) mod = 0;
                else if (fits8(disp)) mod = 1;
                else mod = 2;
                dispsz = mod == 1 ? 1 : mod == 2 ? 4 : 0;
                if (o->base & 8) rex |= 1;
                if (o->index != NOREG || (o->base & 7) == 4) {
                    if (o->index == 4) return false;
                    int idx = o->index == NOREG ? 4 : o->index;
                    if (idx & 8) rex |= 2;
                    has_sib = true;
                    sib = (uint8_t)(o->scale << 6 | (idx & 7) << 3 | (o->base & 7));
                    modrm = (uint8_t)(mod << 6 | regbits << 3 | 4);
                } else {
                    modrm = (uint8_t)(mod << 6 | regbits << 3 | (o->base & 7));
                }
            }
        } else {
            return false;
        }
    }
    uint8_t last = r->nopc ? r->opc[r->nopc - 1] : 0;
    if (r->opreg >= 0) {
        int x = r->opreg;
        if (f & E_BRM)
            x = byte_reg(x, &need_rex, &no_rex);
        if (x & 8) rex |= 1;
        last = (uint8_t)(last + (x & 7));
    }
    if (rex || need_rex) {
        if (no_rex)
            return false;
        b[n++] = (uint8_t)(0x40 | rex);
    }
    for (int i = 0; i < r->nopc - 1; i++)
        b[n++] = r->opc[i];
    if (r->nopc)
        b[n++] = last;
    if (r->reg >= 0) {
        b[n++] = modrm;
        if (has_sib) b[n++] = sib;
        for (int i = 0; i < dispsz; i++)
            b[n++] = (uint8_t)((uint32_t)disp >> (8 * i));
    }
    for (int i = 0; i < r->immsz; i++)
        b[n++] = (uint8_t)(r->imm >> (8 * i));
    if (n > 15 || g->n + n > (int)sizeof g->b)
        return false;
    memcpy(g->b + g->n, b, (size_t)n);
    g->n += n;
    return true;
}

uint32_t cc_flags(int cc)
{
    switch (cc >> 1) {
    case 0: return FL_OF;
    case 1: return FL_CF;
    case 2: return FL_ZF;
    case 3: return FL_CF | FL_ZF;
    case 4: return FL_SF;
    case 5: return FL_PF;
    case 6: return FL_SF | FL_OF;
    default: return FL_ZF | FL_SF | FL_OF;
    }
}

bool cc_eval(int cc, uint64_t f)
{
    bool cf = f & FL_CF, zf = f & FL_ZF, sf = f & FL_SF, of = f & FL_OF, pf = f & FL_PF;
    bool v;
    switch (cc >> 1) {
    case 0: v = of; break;
    case 1: v = cf; break;
    case 2: v = zf; break;
    case 3: v = cf || zf; break;
    case 4: v = sf; break;
    case 5: v = pf; break;
    case 6: v = sf != of; break;
    default: v = zf || sf != of; break;
    }
    return (cc & 1) ? !v : v;
}

void ginsn_init(struct ginsn *g, enum mn m)
{
    memset(g, 0, sizeof *g);
    g->mn = m;
    g->alt_off = -1;
    const struct flagfx *fx = flagfx(m);
    g->fread = fx->read;
    g->fdef = fx->def;
    g->fundef = fx->undef;
}
