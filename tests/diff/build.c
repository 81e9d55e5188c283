/* Instruction builders: one per instruction form, each encoding through
 * enc(), writing Intel-syntax text, and recording the flag effects (from
 * undef.c), the registers written and the CPU features needed. Opcodes are
 * from the SDM Vol. 2 opcode tables. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "asm.h"
#include "diff.h"

#define BIT(r) ((uint16_t)(1u << ((r) >= RAH ? (r) - RAH : (r))))

static void text(struct ginsn *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->text, sizeof g->text, fmt, ap);
    va_end(ap);
}

/* Formatted operand in a rotating set of buffers. */
static const char *O(const struct opnd *o, int size)
{
    static char buf[4][48];
    static int k;
    char *b = buf[k++ & 3];
    fmt_opnd(b, 48, o, size);
    return b;
}

static void wr(struct ginsn *g, const struct opnd *o)
{
    if (o->kind == OK_REG)
        g->wregs |= BIT(o->reg);
}

static unsigned byteflags(int osz) { return osz == 1 ? (E_BREG | E_BRM) : 0; }
static int immsz_of(int osz) { return osz == 1 ? 1 : osz == 2 ? 2 : 4; }
static uint64_t imm_trunc(uint64_t v, int sz) { return sz == 8 ? v : v & ((1ull << (8 * sz)) - 1); }

static bool emit(struct ginsn *g, unsigned flags, const uint8_t *opc, int nopc, int reg,
                 struct opnd rm, int opreg, int immsz, uint64_t imm)
{
    struct encreq r = { .flags = flags, .opc = opc, .nopc = nopc, .reg = reg, .rm = rm,
                        .opreg = opreg, .immsz = immsz, .imm = imm };
    return enc(g, &r);
}

bool b_alu(struct ginsn *g, enum mn op, int osz, enum alu_form form,
           struct opnd dst, struct opnd src, uint64_t imm, bool lock)
{
    ginsn_init(g, op);
    bool test = op == MN_TEST;
    int w = osz != 1, digit = test ? 0 : (int)op;
    unsigned f = osz_flags(osz) | (lock ? E_LOCK : 0);
    const char *lk = lock ? "lock " : "";
    const char *nm = flagfx(op)->name;
    uint8_t opc;
    int isz = immsz_of(osz);
    bool ok;
    switch (form) {
    case AF_RM_R:
        if (src.kind != OK_REG) return false;
        opc = (uint8_t)(test ? 0x84 + w : (int)op * 8 + w);
        ok = emit(g, f | byteflags(osz), &opc, 1, src.reg, dst, -1, 0, 0);
        text(g, "%s%s %s, %s", lk, nm, O(&dst, osz), O(&src, osz));
        break;
    case AF_R_RM:
        if (test || dst.kind != OK_REG) return false;
        opc = (uint8_t)(op * 8 + 2 + w);
        ok = emit(g, f | byteflags(osz), &opc, 1, dst.reg, src, -1, 0, 0);
        text(g, "%s%s %s, %s", lk, nm, O(&dst, osz), O(&src, osz));
        break;
    case AF_RM_I:
        opc = (uint8_t)(test ? 0xf6 + w : 0x80 + w);
        ok = emit(g, f | byteflags(osz), &opc, 1, digit, dst, -1, isz, imm);
        text(g, "%s%s %s, 0x%llx", lk, nm, O(&dst, osz), (unsigned long long)imm_trunc(imm, isz));
        break;
    case AF_RM_I8:
        if (test || osz == 1) return false;
        opc = 0x83;
        ok = emit(g, f, &opc, 1, digit, dst, -1, 1, imm);
        text(g, "%s%s %s, 0x%llx (imm8)", lk, nm, O(&dst, osz), (unsigned long long)imm_trunc(imm, 1));
        break;
    default: /* AF_A_I */
        if (dst.kind != OK_REG || dst.reg != 0) return false;
        opc = (uint8_t)(test ? 0xa8 + w : (int)op * 8 + 4 + w);
        ok = emit(g, f, &opc, 1, -1, dst, -1, isz, imm);
        text(g, "%s%s %s, 0x%llx (short)", lk, nm, reg_name(0, osz), (unsigned long long)imm_trunc(imm, isz));
        break;
    }
    if (op != MN_CMP && !test)
        wr(g, &dst);
    return ok;
}

bool b_unary(struct ginsn *g, enum mn op, int osz, struct opnd dst, bool lock)
{
    ginsn_init(g, op);
    int w = osz != 1;
    uint8_t opc;
    int digit;
    switch (op) {
    case MN_INC: opc = (uint8_t)(0xfe + w); digit = 0; break;
    case MN_DEC: opc = (uint8_t)(0xfe + w); digit = 1; break;
    case MN_NOT: opc = (uint8_t)(0xf6 + w); digit = 2; break;
    default:     opc = (uint8_t)(0xf6 + w); digit = 3; break;   /* NEG */
    }
    text(g, "%s%s %s", lock ? "lock " : "", flagfx(op)->name, O(&dst, osz));
    wr(g, &dst);
    return emit(g, osz_flags(osz) | byteflags(osz) | (lock ? E_LOCK : 0), &opc, 1, digit, dst, -1, 0, 0);
}

/* Shared by shifts/rotates and SHLD/SHRD: the flag effect for the count. */
static void count_effect(struct ginsn *g, int osz, int count, const struct opnd *dst)
{
    if (count < 0) {
        g->fmaybe = true;
        g->fdef = 0;
        g->fundef = flagfx_count_any(g->mn, osz);
        if ((g->mn == MN_SHLD || g->mn == MN_SHRD) && osz == 2 && dst->kind == OK_REG)
            g->undef_regs |= BIT(dst->reg);
        return;
    }
    uint32_t def, undef;
    int dest_undef;
    if (!flagfx_count(g->mn, osz, (unsigned)count, &def, &undef, &dest_undef)) {
        g->fdef = g->fundef = 0;
        return;
    }
    g->fdef = def;
    g->fundef = undef;
    if (dest_undef && dst->kind == OK_REG)
        g->undef_regs |= BIT(dst->reg);
}

bool b_shift(struct ginsn *g, enum mn op, int osz, struct opnd dst,
             enum cnt_kind ck, unsigned imm, int clval)
{
    ginsn_init(g, op);
    int w = osz != 1, digit = (int)(op - MN_ROL);
    uint8_t opc;
    int count;
    bool ok;
    unsigned f = osz_flags(osz) | byteflags(osz);
    const char *nm = flagfx(op)->name;
    if (ck == CNT_1) {
        opc = (uint8_t)(0xd0 + w);
        ok = emit(g, f, &opc, 1, digit, dst, -1, 0, 0);
        text(g, "%s %s, 1", nm, O(&dst, osz));
        count = 1;
    } else if (ck == CNT_IMM) {
        opc = (uint8_t)(0xc0 + w);
        ok = emit(g, f, &opc, 1, digit, dst, -1, 1, imm & 0xff);
        text(g, "%s %s, %u", nm, O(&dst, osz), imm & 0xff);
        count = (int)(imm & 0xff);
    } else {
        opc = (uint8_t)(0xd2 + w);
        ok = emit(g, f, &opc, 1, digit, dst, -1, 0, 0);
        text(g, "%s %s, cl", nm, O(&dst, osz));
        count = clval;
    }
    count_effect(g, osz, count, &dst);
    wr(g, &dst);
    return ok;
}

bool b_shxd(struct ginsn *g, enum mn op, int osz, struct opnd dst, int src,
            enum cnt_kind ck, unsigned imm, int clval)
{
    ginsn_init(g, op);
    if (osz == 1 || ck == CNT_1)
        return false;
    uint8_t opc[2] = { 0x0f, (uint8_t)((op == MN_SHLD ? 0xa4 : 0xac) + (ck == CNT_CL)) };
    struct opnd s = op_reg(src);
    bool ok;
    int count;
    if (ck == CNT_IMM) {
        ok = emit(g, osz_flags(osz), opc, 2, src, dst, -1, 1, imm & 0xff);
        text(g, "%s %s, %s, %u", flagfx(op)->name, O(&dst, osz), O(&s, osz), imm & 0xff);
        count = (int)(imm & 0xff);
    } else {
        ok = emit(g, osz_flags(osz), opc, 2, src, dst, -1, 0, 0);
        text(g, "%s %s, %s, cl", flagfx(op)->name, O(&dst, osz), O(&s, osz));
        count = clval;
    }
    count_effect(g, osz, count, &dst);
    /* A memory destination left undefined cannot be compared. */
    if (dst.kind == OK_MEM && osz == 2 && (count < 0 || (count & 0x1f) > 16))
        return false;
    wr(g, &dst);
    return ok;
}

bool b_muldiv(struct ginsn *g, enum mn op, int osz, struct opnd src)
{
    ginsn_init(g, op);
    uint8_t opc = (uint8_t)(0xf6 + (osz != 1));
    int digit = op == MN_MUL ? 4 : op == MN_IMUL ? 5 : op == MN_DIV ? 6 : 7;
    text(g, "%s %s", flagfx(op)->name, O(&src, osz));
    g->wregs = osz == 1 ? BIT(0) : (BIT(0) | BIT(2));
    return emit(g, osz_flags(osz) | byteflags(osz), &opc, 1, digit, src, -1, 0, 0);
}

bool b_imul2(struct ginsn *g, int osz, int dst, struct opnd src)
{
    ginsn_init(g, MN_IMUL);
    if (osz == 1) return false;
    static const uint8_t opc[2] = { 0x0f, 0xaf };
    struct opnd d = op_reg(dst);
    text(g, "imul %s, %s", O(&d, osz), O(&src, osz));
    g->wregs = BIT(dst);
    return emit(g, osz_flags(osz), opc, 2, dst, src, -1, 0, 0);
}

bool b_imul3(struct ginsn *g, int osz, int dst, struct opnd src, int32_t imm, bool imm8)
{
    ginsn_init(g, MN_IMUL);
    if (osz == 1) return false;
    uint8_t opc = imm8 ? 0x6b : 0x69;
    int isz = imm8 ? 1 : immsz_of(osz);
    struct opnd d = op_reg(dst);
    text(g, "imul %s, %s, 0x%llx%s", O(&d, osz), O(&src, osz),
         (unsigned long long)imm_trunc((uint64_t)(int64_t)imm, isz), imm8 ? " (imm8)" : "");
    g->wregs = BIT(dst);
    return emit(g, osz_flags(osz), &opc, 1, dst, src, -1, isz, (uint64_t)(int64_t)imm);
}

bool b_string(struct ginsn *g, enum mn op, int osz, int rep, bool a32, long long count)
{
    ginsn_init(g, op);
    uint8_t base;
    uint16_t w = 0;
    switch (op) {
    case MN_MOVS: base = 0xa4; w = BIT(6) | BIT(7); break;
    case MN_CMPS: base = 0xa6; w = BIT(6) | BIT(7); break;
    case MN_STOS: base = 0xaa; w = BIT(7); break;
    case MN_LODS: base = 0xac; w = BIT(6) | BIT(0); break;
    default:      base = 0xae; w = BIT(7); break;   /* SCAS */
    }
    bool cmp = op == MN_CMPS || op == MN_SCAS;
    if (rep == 0xf2 && !cmp)
        return false;    /* REPNE with a non-compare string op is reserved */
    uint8_t opc = (uint8_t)(base + (osz != 1));
    unsigned f = osz_flags(osz) | (a32 ? E_67 : 0) | (rep == 0xf3 ? E_F3 : rep == 0xf2 ? E_F2 : 0);
    static const char sfx[] = "bw?d???q";
    text(g, "%s%s%s%c", a32 ? "addr32 " : "", rep == 0xf3 ? (cmp ? "repe " : "rep ") : rep ? "repne " : "",
         flagfx(op)->name, sfx[osz - 1]);
    if (rep)
        w |= BIT(1);
    g->wregs = w;
    if (cmp && rep) {
        if (count < 0) {
            g->fmaybe = true;
            g->fdef = 0;
        } else if (count == 0 || (a32 && (count & 0xffffffffll) == 0)) {
            g->fdef = 0;
        }
    }
    return emit(g, f, &opc, 1, -1, op_reg(0), -1, 0, 0);
}

bool b_bt(struct ginsn *g, enum mn op, int osz, struct opnd dst, int src,
          bool use_imm, unsigned imm, bool lock)
{
    ginsn_init(g, op);
    if (osz == 1) return false;
    unsigned f = osz_flags(osz) | (lock ? E_LOCK : 0);
    int k = (int)(op - MN_BT);   /* BT BTS BTR BTC */
    bool ok;
    if (use_imm) {
        static const uint8_t opc[2] = { 0x0f, 0xba };
        ok = emit(g, f, opc, 2, 4 + k, dst, -1, 1, imm & 0xff);
        text(g, "%s%s %s, %u", lock ? "lock " : "", flagfx(op)->name, O(&dst, osz), imm & 0xff);
    } else {
        static const uint8_t ops[4] = { 0xa3, 0xab, 0xb3, 0xbb };
        uint8_t opc[2] = { 0x0f, ops[k] };
        struct opnd s = op_reg(src);
        ok = emit(g, f, opc, 2, src, dst, -1, 0, 0);
        text(g, "%s%s %s, %s", lock ? "lock " : "", flagfx(op)->name, O(&dst, osz), O(&s, osz));
    }
    if (op != MN_BT)
        wr(g, &dst);
    return ok;
}

bool b_bitscan(struct ginsn *g, enum mn op, int osz, int dst, struct opnd src, int src_zero)
{
    ginsn_init(g, op);
    if (osz == 1) return false;
    uint8_t opc[2] = { 0x0f, 0 };
    unsigned f = osz_flags(osz);
    switch (op) {
    case MN_BSF: opc[1] = 0xbc; break;
    case MN_BSR: opc[1] = 0xbd; break;
    case MN_TZCNT: opc[1] = 0xbc; f |= E_F3; g->need = FEAT_BMI1; break;
    case MN_LZCNT: opc[1] = 0xbd; f |= E_F3; g->need = FEAT_LZCNT; break;
    default: opc[1] = 0xb8; f |= E_F3; g->need = FEAT_POPCNT; break;
    }
    struct opnd d = op_reg(dst);
    text(g, "%s %s, %s", flagfx(op)->name, O(&d, osz), O(&src, osz));
    g->wregs = BIT(dst);
    if ((op == MN_BSF || op == MN_BSR) && src_zero)
        g->undef_regs = BIT(dst);
    if (op == MN_TZCNT || op == MN_LZCNT) {
        /* Without the feature the SDM says F3 0F BC/BD is BSF/BSR. */
        const struct flagfx *alt = flagfx(op == MN_TZCNT ? MN_BSF : MN_BSR);
        g->alt_off = osz == 2 ? 1 : 0;
        g->alt_fundef = alt->undef;
        g->alt_undef_regs = src_zero ? BIT(dst) : 0;
    }
    return emit(g, f, opc, 2, dst, src, -1, 0, 0);
}

bool b_cmpxchg(struct ginsn *g, int osz, struct opnd dst, int src, bool lock)
{
    ginsn_init(g, MN_CMPXCHG);
    uint8_t opc[2] = { 0x0f, (uint8_t)(0xb0 + (osz != 1)) };
    struct opnd s = op_reg(src);
    text(g, "%scmpxchg %s, %s", lock ? "lock " : "", O(&dst, osz), O(&s, osz));
    g->wregs = BIT(0);
    wr(g, &dst);
    return emit(g, osz_flags(osz) | byteflags(osz) | (lock ? E_LOCK : 0), opc, 2, src, dst, -1, 0, 0);
}

bool b_cmpxchg8b(struct ginsn *g, bool is16, struct opnd mem, bool lock)
{
    ginsn_init(g, is16 ? MN_CMPXCHG16B : MN_CMPXCHG8B);
    static const uint8_t opc[2] = { 0x0f, 0xc7 };
    text(g, "%s%s %s", lock ? "lock " : "", is16 ? "cmpxchg16b" : "cmpxchg8b", O(&mem, is16 ? 16 : 8));
    g->wregs = BIT(0) | BIT(2);
    g->need = is16 ? FEAT_CX16 : FEAT_CX8;
    return emit(g, (is16 ? E_W : 0) | (lock ? E_LOCK : 0), opc, 2, 1, mem, -1, 0, 0);
}

bool b_xadd(struct ginsn *g, int osz, struct opnd dst, int src, bool lock)
{
    ginsn_init(g, MN_XADD);
    uint8_t opc[2] = { 0x0f, (uint8_t)(0xc0 + (osz != 1)) };
    struct opnd s = op_reg(src);
    text(g, "%sxadd %s, %s", lock ? "lock " : "", O(&dst, osz), O(&s, osz));
    g->wregs = BIT(src);
    wr(g, &dst);
    return emit(g, osz_flags(osz) | byteflags(osz) | (lock ? E_LOCK : 0), opc, 2, src, dst, -1, 0, 0);
}

bool b_xchg(struct ginsn *g, int osz, struct opnd dst, int src, bool lock)
{
    ginsn_init(g, MN_XCHG);
    uint8_t opc = (uint8_t)(0x86 + (osz != 1));
    struct opnd s = op_reg(src);
    text(g, "%sxchg %s, %s", lock ? "lock " : "", O(&dst, osz), O(&s, osz));
    g->wregs = BIT(src);
    wr(g, &dst);
    return emit(g, osz_flags(osz) | byteflags(osz) | (lock ? E_LOCK : 0), &opc, 1, src, dst, -1, 0, 0);
}

bool b_xchg_acc(struct ginsn *g, int osz, int reg)
{
    ginsn_init(g, MN_XCHG);
    if (osz == 1) return false;
    uint8_t opc = 0x90;
    struct opnd a = op_reg(0), r = op_reg(reg);
    if (reg == 0 && osz == 4) {
        text(g, "nop (90: xchg eax, eax does not zero-extend)");
    } else {
        text(g, "xchg %s, %s (90+r)", O(&a, osz), O(&r, osz));
        g->wregs = BIT(0) | BIT(reg);
    }
    return emit(g, osz_flags(osz), &opc, 1, -1, a, reg, 0, 0);
}

bool b_cmov(struct ginsn *g, int cc, int osz, int dst, struct opnd src)
{
    ginsn_init(g, MN_CMOVCC);
    if (osz == 1) return false;
    uint8_t opc[2] = { 0x0f, (uint8_t)(0x40 + cc) };
    struct opnd d = op_reg(dst);
    text(g, "cmov%s %s, %s", cc_names[cc], O(&d, osz), O(&src, osz));
    g->fread = cc_flags(cc);
    g->wregs = BIT(dst);
    g->need = FEAT_CMOV;
    return emit(g, osz_flags(osz), opc, 2, dst, src, -1, 0, 0);
}

bool b_setcc(struct ginsn *g, int cc, struct opnd dst)
{
    ginsn_init(g, MN_SETCC);
    uint8_t opc[2] = { 0x0f, (uint8_t)(0x90 + cc) };
    text(g, "set%s %s", cc_names[cc], O(&dst, 1));
    g->fread = cc_flags(cc);
    wr(g, &dst);
    return emit(g, E_BRM, opc, 2, 0, dst, -1, 0, 0);
}

bool b_bswap(struct ginsn *g, int osz, int reg)
{
    ginsn_init(g, MN_BSWAP);
    if (osz == 1) return false;
    static const uint8_t opc[2] = { 0x0f, 0xc8 };
    struct opnd r = op_reg(reg);
    text(g, "bswap %s", O(&r, osz));
    g->wregs = BIT(reg);
    if (osz == 2)
        g->undef_regs = BIT(reg);    /* BSWAP: "references a 16-bit register, the result is undefined" */
    return emit(g, osz_flags(osz), opc, 2, -1, r, reg, 0, 0);
}

bool b_movbe(struct ginsn *g, int osz, bool store, int reg, struct opnd mem)
{
    ginsn_init(g, MN_MOVBE);
    if (osz == 1) return false;
    uint8_t opc[3] = { 0x0f, 0x38, (uint8_t)(store ? 0xf1 : 0xf0) };
    struct opnd r = op_reg(reg);
    if (store)
        text(g, "movbe %s, %s", O(&mem, osz), O(&r, osz));
    else {
        text(g, "movbe %s, %s", O(&r, osz), O(&mem, osz));
        g->wregs = BIT(reg);
    }
    g->need = FEAT_MOVBE;
    return emit(g, osz_flags(osz), opc, 3, reg, mem, -1, 0, 0);
}

bool b_movx(struct ginsn *g, enum mn op, int dsz, int ssz, int dst, struct opnd src)
{
    ginsn_init(g, op);
    if (dsz == 1 || ssz > 2 || dsz <= ssz - 1) return false;
    uint8_t opc[2] = { 0x0f, (uint8_t)((op == MN_MOVZX ? 0xb6 : 0xbe) + (ssz == 2)) };
    struct opnd d = op_reg(dst);
    text(g, "%s %s, %s", flagfx(op)->name, O(&d, dsz), O(&src, ssz));
    g->wregs = BIT(dst);
    return emit(g, osz_flags(dsz) | (ssz == 1 ? E_BRM : 0), opc, 2, dst, src, -1, 0, 0);
}

bool b_movsxd(struct ginsn *g, int dsz, int dst, struct opnd src)
{
    ginsn_init(g, MN_MOVSXD);
    if (dsz == 1) return false;
    uint8_t opc = 0x63;
    struct opnd d = op_reg(dst);
    text(g, "movsxd %s, %s", O(&d, dsz), O(&src, dsz == 8 ? 4 : dsz));
    g->wregs = BIT(dst);
    return emit(g, osz_flags(dsz), &opc, 1, dst, src, -1, 0, 0);
}

bool b_lea(struct ginsn *g, int osz, int dst, struct opnd mem)
{
    ginsn_init(g, MN_LEA);
    if (osz == 1 || mem.kind != OK_MEM) return false;
    uint8_t opc = 0x8d;
    struct opnd d = op_reg(dst);
    text(g, "lea %s, %s", O(&d, osz), O(&mem, 0));
    g->wregs = BIT(dst);
    return emit(g, osz_flags(osz), &opc, 1, dst, mem, -1, 0, 0);
}

bool b_cbw(struct ginsn *g, enum mn op, int osz)
{
    ginsn_init(g, op);
    if (osz == 1) return false;
    static const char *const n98[9] = { [2] = "cbw", [4] = "cwde", [8] = "cdqe" };
    static const char *const n99[9] = { [2] = "cwd", [4] = "cdq", [8] = "cqo" };
    uint8_t opc = op == MN_CBW ? 0x98 : 0x99;
    text(g, "%s", op == MN_CBW ? n98[osz] : n99[osz]);
    g->wregs = op == MN_CBW ? BIT(0) : BIT(2);
    return emit(g, osz_flags(osz), &opc, 1, -1, op_reg(0), -1, 0, 0);
}

bool b_push(struct ginsn *g, enum push_kind k, int osz, struct opnd o, int32_t imm)
{
    ginsn_init(g, MN_PUSH);
    if (osz != 2 && osz != 8) return false;
    unsigned f = osz == 2 ? E_66 : 0;
    uint8_t opc;
    g->wregs = BIT(4);
    switch (k) {
    case PK_REG:
        opc = 0x50;
        text(g, "push %s", O(&o, osz));
        return emit(g, f, &opc, 1, -1, o, o.reg, 0, 0);
    case PK_MEM:
        opc = 0xff;
        text(g, "push %s", O(&o, osz));
        return emit(g, f, &opc, 1, 6, o, -1, 0, 0);
    case PK_IMM8:
        opc = 0x6a;
        text(g, "push%s 0x%x (imm8)", osz == 2 ? "w" : "", (unsigned)(imm & 0xff));
        return emit(g, f, &opc, 1, -1, o, -1, 1, (uint64_t)(int64_t)imm);
    default:
        opc = 0x68;
        text(g, "push%s 0x%x", osz == 2 ? "w" : "", osz == 2 ? (unsigned)(imm & 0xffff) : (unsigned)imm);
        return emit(g, f, &opc, 1, -1, o, -1, osz == 2 ? 2 : 4, (uint64_t)(int64_t)imm);
    }
}

bool b_pop(struct ginsn *g, int osz, struct opnd o)
{
    ginsn_init(g, MN_POP);
    if (osz != 2 && osz != 8) return false;
    unsigned f = osz == 2 ? E_66 : 0;
    uint8_t opc;
    g->wregs = BIT(4);
    text(g, "pop %s", O(&o, osz));
    if (o.kind == OK_REG) {
        g->wregs |= BIT(o.reg);
        opc = 0x58;
        return emit(g, f, &opc, 1, -1, o, o.reg, 0, 0);
    }
    opc = 0x8f;
    return emit(g, f, &opc, 1, 0, o, -1, 0, 0);
}

bool b_pushf(struct ginsn *g, int osz)
{
    ginsn_init(g, MN_PUSHF);
    uint8_t opc = 0x9c;
    text(g, osz == 2 ? "pushfw" : "pushfq");
    g->wregs = BIT(4);
    return emit(g, osz == 2 ? E_66 : 0, &opc, 1, -1, op_reg(0), -1, 0, 0);
}

bool b_popf(struct ginsn *g, int osz)
{
    ginsn_init(g, MN_POPF);
    uint8_t opc = 0x9d;
    text(g, osz == 2 ? "popfw" : "popfq");
    g->wregs = BIT(4);
    return emit(g, osz == 2 ? E_66 : 0, &opc, 1, -1, op_reg(0), -1, 0, 0);
}

bool b_flagop(struct ginsn *g, enum mn op)
{
    ginsn_init(g, op);
    uint8_t opc;
    switch (op) {
    case MN_SAHF: opc = 0x9e; g->need = FEAT_LAHF; break;
    case MN_LAHF: opc = 0x9f; g->need = FEAT_LAHF; g->wregs = BIT(0); break;
    case MN_CLC: opc = 0xf8; break;
    case MN_STC: opc = 0xf9; break;
    case MN_CMC: opc = 0xf5; break;
    case MN_CLD: opc = 0xfc; break;
    case MN_STD: opc = 0xfd; break;
    default: return false;
    }
    text(g, "%s", flagfx(op)->name);
    return emit(g, 0, &opc, 1, -1, op_reg(0), -1, 0, 0);
}

bool b_mov(struct ginsn *g, int osz, enum mov_form fm, struct opnd dst, struct opnd src, uint64_t imm)
{
    ginsn_init(g, MN_MOV);
    int w = osz != 1;
    unsigned f = osz_flags(osz) | byteflags(osz);
    uint8_t opc;
    wr(g, &dst);
    switch (fm) {
    case MF_RM_R:
        opc = (uint8_t)(0x88 + w);
        text(g, "mov %s, %s", O(&dst, osz), O(&src, osz));
        return emit(g, f, &opc, 1, src.reg, dst, -1, 0, 0);
    case MF_R_RM:
        opc = (uint8_t)(0x8a + w);
        text(g, "mov %s, %s", O(&dst, osz), O(&src, osz));
        return emit(g, f, &opc, 1, dst.reg, src, -1, 0, 0);
    case MF_R_I:
        opc = osz == 1 ? 0xb0 : 0xb8;
        text(g, "mov %s, 0x%llx", O(&dst, osz), (unsigned long long)imm_trunc(imm, osz));
        return emit(g, f, &opc, 1, -1, dst, dst.reg, osz, imm);
    default:
        opc = (uint8_t)(0xc6 + w);
        text(g, "mov %s, 0x%llx", O(&dst, osz), (unsigned long long)imm_trunc(imm, immsz_of(osz)));
        return emit(g, f, &opc, 1, 0, dst, -1, immsz_of(osz), imm);
    }
}

#define X(n, p, o, k, m, a) { n, p, o, -1, k, m, a }
#define S(n, o, e) { n, 0x66, o, e, SK_X_IB, 0, false }
const struct sse_def sse_defs[] = {
    X("movaps", 0, 0x28, SK_XX, 16, true),     X("movaps", 0, 0x29, SK_MX, 16, true),
    X("movups", 0, 0x10, SK_XX, 16, false),    X("movups", 0, 0x11, SK_MX, 16, false),
    X("movdqa", 0x66, 0x6f, SK_XX, 16, true),  X("movdqa", 0x66, 0x7f, SK_MX, 16, true),
    X("movdqu", 0xf3, 0x6f, SK_XX, 16, false), X("movdqu", 0xf3, 0x7f, SK_MX, 16, false),
    X("movq", 0xf3, 0x7e, SK_XX, 8, false),    X("movq", 0x66, 0xd6, SK_MX, 8, false),
    X("movd", 0x66, 0x6e, SK_XG, 4, false),    X("movd", 0x66, 0x7e, SK_GX, 4, false),
    X("pxor", 0x66, 0xef, SK_XX, 16, true),    X("pand", 0x66, 0xdb, SK_XX, 16, true),
    X("pandn", 0x66, 0xdf, SK_XX, 16, true),   X("por", 0x66, 0xeb, SK_XX, 16, true),
    X("xorps", 0, 0x57, SK_XX, 16, true),      X("andps", 0, 0x54, SK_XX, 16, true),
    X("andnps", 0, 0x55, SK_XX, 16, true),     X("orps", 0, 0x56, SK_XX, 16, true),
    X("paddb", 0x66, 0xfc, SK_XX, 16, true),   X("paddw", 0x66, 0xfd, SK_XX, 16, true),
    X("paddd", 0x66, 0xfe, SK_XX, 16, true),   X("paddq", 0x66, 0xd4, SK_XX, 16, true),
    X("psubb", 0x66, 0xf8, SK_XX, 16, true),   X("psubw", 0x66, 0xf9, SK_XX, 16, true),
    X("psubd", 0x66, 0xfa, SK_XX, 16, true),   X("psubq", 0x66, 0xfb, SK_XX, 16, true),
    X("pcmpeqb", 0x66, 0x74, SK_XX, 16, true), X("pcmpeqw", 0x66, 0x75, SK_XX, 16, true),
    X("pcmpeqd", 0x66, 0x76, SK_XX, 16, true), X("pcmpgtb", 0x66, 0x64, SK_XX, 16, true),
    X("pcmpgtw", 0x66, 0x65, SK_XX, 16, true), X("pcmpgtd", 0x66, 0x66, SK_XX, 16, true),
    X("pmovmskb", 0x66, 0xd7, SK_GX_REG, 0, false),
    X("pshufd", 0x66, 0x70, SK_XX_IB, 16, true),
    X("punpcklbw", 0x66, 0x60, SK_XX, 16, true), X("punpcklwd", 0x66, 0x61, SK_XX, 16, true),
    X("punpckldq", 0x66, 0x62, SK_XX, 16, true), X("punpcklqdq", 0x66, 0x6c, SK_XX, 16, true),
    X("punpckhbw", 0x66, 0x68, SK_XX, 16, true), X("punpckhwd", 0x66, 0x69, SK_XX, 16, true),
    X("punpckhdq", 0x66, 0x6a, SK_XX, 16, true), X("punpckhqdq", 0x66, 0x6d, SK_XX, 16, true),
    X("psllw", 0x66, 0xf1, SK_XX, 16, true),   X("pslld", 0x66, 0xf2, SK_XX, 16, true),
    X("psllq", 0x66, 0xf3, SK_XX, 16, true),   X("psrlw", 0x66, 0xd1, SK_XX, 16, true),
    X("psrld", 0x66, 0xd2, SK_XX, 16, true),   X("psrlq", 0x66, 0xd3, SK_XX, 16, true),
    X("psraw", 0x66, 0xe1, SK_XX, 16, true),   X("psrad", 0x66, 0xe2, SK_XX, 16, true),
    S("psllw", 0x71, 6), S("psrlw", 0x71, 2), S("psraw", 0x71, 4),
    S("pslld", 0x72, 6), S("psrld", 0x72, 2), S("psrad", 0x72, 4),
    S("psllq", 0x73, 6), S("psrlq", 0x73, 2), S("pslldq", 0x73, 7), S("psrldq", 0x73, 3),
};
#undef X
#undef S
const int sse_defs_count = (int)(sizeof sse_defs / sizeof sse_defs[0]);

bool b_sse(struct ginsn *g, const struct sse_def *d, struct opnd dst, struct opnd src, bool w, uint8_t imm)
{
    ginsn_init(g, MN_SSE);
    g->need = FEAT_SSE2;
    uint8_t opc[2] = { 0x0f, d->op };
    unsigned f = (d->pfx == 0x66 ? E_66 : d->pfx == 0xf3 ? E_F3 : d->pfx == 0xf2 ? E_F2 : 0) | (w ? E_W : 0);
    int msz = w ? 8 : d->msize;
    const char *nm = w ? "movq" : d->name;
    switch (d->kind) {
    case SK_XX:
        text(g, "%s %s, %s", nm, O(&dst, msz), O(&src, msz));
        return emit(g, f, opc, 2, dst.reg, src, -1, 0, 0);
    case SK_MX:
        text(g, "%s %s, %s", nm, O(&dst, msz), O(&src, msz));
        return emit(g, f, opc, 2, src.reg, dst, -1, 0, 0);
    case SK_XX_IB:
        text(g, "%s %s, %s, 0x%x", nm, O(&dst, msz), O(&src, msz), imm);
        return emit(g, f, opc, 2, dst.reg, src, -1, 1, imm);
    case SK_X_IB:
        text(g, "%s %s, %u", nm, O(&dst, 16), imm);
        return emit(g, f, opc, 2, d->ext, dst, -1, 1, imm);
    case SK_XG:
        text(g, "%s %s, %s", nm, O(&dst, msz), O(&src, msz));
        return emit(g, f, opc, 2, dst.reg, src, -1, 0, 0);
    case SK_GX:
        text(g, "%s %s, %s", nm, O(&dst, msz), O(&src, msz));
        wr(g, &dst);
        return emit(g, f, opc, 2, src.reg, dst, -1, 0, 0);
    default: /* SK_GX_REG */
        text(g, "%s %s, %s", nm, O(&dst, 4), O(&src, 16));
        wr(g, &dst);
        return emit(g, f, opc, 2, dst.reg, src, -1, 0, 0);
    }
}
