/* Specialised handlers for the most frequent instruction forms, chosen at
 * decode time (fastpath_select). Each computes exactly what the generic
 * handler for its form computes — the generic handlers define the
 * semantics; these only drop the run-time switches on operand size and
 * operand kind. Selected only where they apply unchanged: register
 * operands, 32/64-bit sizes, 64-bit mode for stack and branch forms. */
#include "fastpath.h"
#include "flags.h"
#include "mem.h"
#include "ops.h"
#include "stack.h"

#define U32(x) ((uint64_t)(uint32_t)(x))

/* ALU register/register and register/immediate, 32 and 64 bits. The
 * destination is i->rm, the source i->reg or the immediate. */
#define ALU_OPS(X) \
    X(add, r = a + b; lf_arith(c, r, cout_add(a, b, r), SZ), 1, 1) \
    X(sub, r = a - b; lf_arith(c, r, cout_sub(a, b, r), SZ), 1, 1) \
    X(cmp, r = a - b; lf_arith(c, r, cout_sub(a, b, r), SZ), 0, 1) \
    X(and, r = a & b; lf_set(c, r, SZ, 0, 0, 0), 1, 1) \
    X(or, r = a | b; lf_set(c, r, SZ, 0, 0, 0), 1, 1) \
    X(xor, r = a ^ b; lf_set(c, r, SZ, 0, 0, 0), 1, 1) \
    X(test, r = a & b; lf_set(c, r, SZ, 0, 0, 0), 0, 0)

/* (name, body, writes the destination, has an "op reg, [mem]" form) */

#define DEF_ALU_ONE(name, body, writes, SZV, A, B, STORE) \
    static void name(struct cpu *c, const struct insn *i) \
    { \
        enum { SZ = SZV }; \
        uint64_t a = (A), b = (B), r; \
        body; \
        if (writes) \
            c->r[i->rm] = STORE; \
        c->rip += i->len; \
    }
#define DEF_ALU(name, body, writes, has_rm) \
    DEF_ALU_ONE(fp_##name##_rr64, body, writes, 8, c->r[i->rm], c->r[i->reg], r) \
    DEF_ALU_ONE(fp_##name##_ri64, body, writes, 8, c->r[i->rm], i->imm, r) \
    DEF_ALU_ONE(fp_##name##_rr32, body, writes, 4, U32(c->r[i->rm]), U32(c->r[i->reg]), U32(r)) \
    DEF_ALU_ONE(fp_##name##_ri32, body, writes, 4, U32(c->r[i->rm]), U32(i->imm), U32(r))
ALU_OPS(DEF_ALU)

/* ALU op index (as in alu.c) -> handlers [rr64, ri64, rr32, ri32]. */
static const insn_fn alu_fast[8][4] = {
    [0] = { fp_add_rr64, fp_add_ri64, fp_add_rr32, fp_add_ri32 },
    [1] = { fp_or_rr64, fp_or_ri64, fp_or_rr32, fp_or_ri32 },
    [4] = { fp_and_rr64, fp_and_ri64, fp_and_rr32, fp_and_ri32 },
    [5] = { fp_sub_rr64, fp_sub_ri64, fp_sub_rr32, fp_sub_ri32 },
    [6] = { fp_xor_rr64, fp_xor_ri64, fp_xor_rr32, fp_xor_ri32 },
    [7] = { fp_cmp_rr64, fp_cmp_ri64, fp_cmp_rr32, fp_cmp_ri32 },
};

/* Jcc, one handler per condition: in 64-bit mode the target is only
 * checked for canonical form. */
#define DEF_JCC(cc) \
    static void fp_jcc##cc(struct cpu *c, const struct insn *i) \
    { uint64_t next = c->rip + i->len; \
      if (cond(c, cc)) { \
          uint64_t t = next + i->imm; \
          if (!is_canonical(t)) \
              cpu_gp(c, 0); \
          c->rip = t; \
          cpu_leave_block(c); \
      } else { \
          c->rip = next; \
      } }
DEF_JCC(0) DEF_JCC(1) DEF_JCC(2) DEF_JCC(3) DEF_JCC(4) DEF_JCC(5) DEF_JCC(6) DEF_JCC(7)
DEF_JCC(8) DEF_JCC(9) DEF_JCC(10) DEF_JCC(11) DEF_JCC(12) DEF_JCC(13) DEF_JCC(14) DEF_JCC(15)
static const insn_fn jcc_fast[16] = {
    fp_jcc0, fp_jcc1, fp_jcc2, fp_jcc3, fp_jcc4, fp_jcc5, fp_jcc6, fp_jcc7,
    fp_jcc8, fp_jcc9, fp_jcc10, fp_jcc11, fp_jcc12, fp_jcc13, fp_jcc14, fp_jcc15,
};

/* ALU with a memory operand, 32 and 64 bits: "mr" is op [mem], reg
 * (read-modify-write unless the op only compares), "rm" is op reg, [mem],
 * "mi" is op [mem], imm — the same primitives as the register forms. */
#define DEF_ALU_MEM_ALL(name, body, writes, has_rm) \
    DEF_ALU_MEM(name, body, writes) \
    DEF_ALU_RM_IF_##has_rm(name, body, writes)
#define DEF_ALU_RM_IF_0(name, body, writes)
#define DEF_ALU_RM_IF_1(name, body, writes) \
    DEF_ALU_RM(fp_##name##_rm64, body, writes, 8, c->r[i->reg], r) \
    DEF_ALU_RM(fp_##name##_rm32, body, writes, 4, U32(c->r[i->reg]), U32(r))
#define DEF_ALU_MEM(name, body, writes) \
    DEF_ALU_MR(fp_##name##_mr64, body, writes, 8, c->r[i->reg]) \
    DEF_ALU_MR(fp_##name##_mr32, body, writes, 4, U32(c->r[i->reg])) \
    DEF_ALU_MR(fp_##name##_mi64, body, writes, 8, i->imm) \
    DEF_ALU_MR(fp_##name##_mi32, body, writes, 4, U32(i->imm))
#define DEF_ALU_MR(fname, body, writes, SZV, B) \
    static void fname(struct cpu *c, const struct insn *i) \
    { \
        enum { SZ = SZV }; \
        uint64_t b = (B), r, a; \
        if (writes) { \
            struct rmw m; \
            a = rmw_begin_mem(c, &m, i->seg, ea_offset(c, i), SZ); \
            body; \
            rmw_end(c, &m, SZ, r); \
        } else { \
            a = mem_read(c, i->seg, ea_offset(c, i), SZ); \
            body; \
        } \
        c->rip += i->len; \
    }
#define DEF_ALU_RM(fname, body, writes, SZV, A, STORE) \
    static void fname(struct cpu *c, const struct insn *i) \
    { \
        enum { SZ = SZV }; \
        uint64_t a = (A), b = mem_read(c, i->seg, ea_offset(c, i), SZ), r; \
        body; \
        if (writes) \
            c->r[i->reg] = STORE; \
        c->rip += i->len; \
    }
ALU_OPS(DEF_ALU_MEM_ALL)

/* op index -> [mr64, mr32, mi64, mi32, rm64, rm32] */
static const insn_fn alu_mem_fast[8][6] = {
    [0] = { fp_add_mr64, fp_add_mr32, fp_add_mi64, fp_add_mi32, fp_add_rm64, fp_add_rm32 },
    [1] = { fp_or_mr64, fp_or_mr32, fp_or_mi64, fp_or_mi32, fp_or_rm64, fp_or_rm32 },
    [4] = { fp_and_mr64, fp_and_mr32, fp_and_mi64, fp_and_mi32, fp_and_rm64, fp_and_rm32 },
    [5] = { fp_sub_mr64, fp_sub_mr32, fp_sub_mi64, fp_sub_mi32, fp_sub_rm64, fp_sub_rm32 },
    [6] = { fp_xor_mr64, fp_xor_mr32, fp_xor_mi64, fp_xor_mi32, fp_xor_rm64, fp_xor_rm32 },
    [7] = { fp_cmp_mr64, fp_cmp_mr32, fp_cmp_mi64, fp_cmp_mi32, fp_cmp_rm64, fp_cmp_rm32 },
};

/* SHL, SHR, SAR of a 32/64-bit register by a non-zero masked count, with
 * the flags shift.c defines (OF = CF ^ MSB for SHL, MSB ^ next for SHR,
 * 0 for SAR; AF = 0). A zero count changes nothing but zero-extends a
 * 32-bit register. */
#define DEF_SHIFT(name, SZV, COUNT, BODY) \
    static void name(struct cpu *c, const struct insn *i) \
    { \
        enum { SZ = SZV, W = SZV * 8 }; \
        unsigned n = (unsigned)(COUNT) & (SZ == 8 ? 63u : 31u); \
        uint64_t v = c->r[i->rm] & szmask(SZ), r; \
        if (n) { \
            BODY; \
        } else { \
            r = v; \
        } \
        c->r[i->rm] = r; \
        c->rip += i->len; \
    }
#define SHL_BODY \
    int cf = (int)((v >> (W - n)) & 1); \
    r = (v << n) & szmask(SZ); \
    lf_set(c, r, SZ, cf, (int)((r >> (W - 1)) & 1) ^ cf, 0)
#define SHR_BODY \
    int cf = (int)((v >> (n - 1)) & 1); \
    r = v >> n; \
    lf_set(c, r, SZ, cf, (int)(((r >> (W - 1)) ^ (r >> (W - 2))) & 1), 0)
#define SAR_BODY \
    int64_t s = (int64_t)sext(v, SZ); \
    int cf = (int)(((uint64_t)s >> (n - 1)) & 1); \
    r = (uint64_t)(s >> n) & szmask(SZ); \
    lf_set(c, r, SZ, cf, 0, 0)
#define DEF_SHIFTS(op, BODY) \
    DEF_SHIFT(fp_##op##_r64_imm, 8, i->imm & 0xff, BODY) \
    DEF_SHIFT(fp_##op##_r32_imm, 4, i->imm & 0xff, BODY) \
    DEF_SHIFT(fp_##op##_r64_1, 8, 1, BODY) \
    DEF_SHIFT(fp_##op##_r32_1, 4, 1, BODY) \
    DEF_SHIFT(fp_##op##_r64_cl, 8, c->r[R_CX] & 0xff, BODY) \
    DEF_SHIFT(fp_##op##_r32_cl, 4, c->r[R_CX] & 0xff, BODY)
DEF_SHIFTS(shl, SHL_BODY)
DEF_SHIFTS(shr, SHR_BODY)
DEF_SHIFTS(sar, SAR_BODY)

/* [group-2 op][count source: imm, 1, CL][64, 32] */
static const insn_fn shift_fast[8][3][2] = {
    [4] = { { fp_shl_r64_imm, fp_shl_r32_imm }, { fp_shl_r64_1, fp_shl_r32_1 }, { fp_shl_r64_cl, fp_shl_r32_cl } },
    [5] = { { fp_shr_r64_imm, fp_shr_r32_imm }, { fp_shr_r64_1, fp_shr_r32_1 }, { fp_shr_r64_cl, fp_shr_r32_cl } },
    [6] = { { fp_shl_r64_imm, fp_shl_r32_imm }, { fp_shl_r64_1, fp_shl_r32_1 }, { fp_shl_r64_cl, fp_shl_r32_cl } },
    [7] = { { fp_sar_r64_imm, fp_sar_r32_imm }, { fp_sar_r64_1, fp_sar_r32_1 }, { fp_sar_r64_cl, fp_sar_r32_cl } },
};

static void fp_store_imm64(struct cpu *c, const struct insn *i)
{
    mem_write(c, i->seg, ea_offset(c, i), 8, i->imm);
    c->rip += i->len;
}
static void fp_store_imm32(struct cpu *c, const struct insn *i)
{
    mem_write(c, i->seg, ea_offset(c, i), 4, i->imm);
    c->rip += i->len;
}

/* NEG: CF = (source != 0), flags as 0 - source. */
static void fp_neg64(struct cpu *c, const struct insn *i)
{
    uint64_t a = c->r[i->rm], r = 0 - a;
    lf_arith(c, r, cout_sub(0, a, r), 8);
    c->r[i->rm] = r;
    c->rip += i->len;
}
static void fp_neg32(struct cpu *c, const struct insn *i)
{
    uint64_t a = U32(c->r[i->rm]), r = U32(0 - a);
    lf_arith(c, r, cout_sub(0, a, r), 4);
    c->r[i->rm] = r;
    c->rip += i->len;
}

static void fp_mov_rr64(struct cpu *c, const struct insn *i) { c->r[i->rm] = c->r[i->reg]; c->rip += i->len; }
static void fp_mov_rr32(struct cpu *c, const struct insn *i) { c->r[i->rm] = U32(c->r[i->reg]); c->rip += i->len; }
static void fp_mov_ri64(struct cpu *c, const struct insn *i) { c->r[i->reg] = i->imm; c->rip += i->len; }
static void fp_mov_ri32(struct cpu *c, const struct insn *i) { c->r[i->reg] = U32(i->imm); c->rip += i->len; }

/* 64-bit mode loads and stores through the data TLB. */
static void fp_load64(struct cpu *c, const struct insn *i)
{
    c->r[i->reg] = mem_read(c, i->seg, ea_offset(c, i), 8);
    c->rip += i->len;
}
static void fp_load32(struct cpu *c, const struct insn *i)
{
    c->r[i->reg] = mem_read(c, i->seg, ea_offset(c, i), 4);
    c->rip += i->len;
}
static void fp_store64(struct cpu *c, const struct insn *i)
{
    mem_write(c, i->seg, ea_offset(c, i), 8, c->r[i->reg]);
    c->rip += i->len;
}
static void fp_store32(struct cpu *c, const struct insn *i)
{
    mem_write(c, i->seg, ea_offset(c, i), 4, c->r[i->reg]);
    c->rip += i->len;
}
static void fp_lea64(struct cpu *c, const struct insn *i) { c->r[i->reg] = ea_offset(c, i); c->rip += i->len; }

static void fp_incdec(struct cpu *c, const struct insn *i, int sz, int dec)
{
    uint64_t a = c->r[i->rm] & szmask(sz);
    uint64_t r = (dec ? a - 1 : a + 1) & szmask(sz);
    uint64_t cout = dec ? cout_sub(a, 1, r) : cout_add(a, 1, r);
    int top = sz * 8 - 1;
    lf_set(c, r, sz, flag_cf(c), (int)(((cout >> top) ^ (cout >> (top - 1))) & 1), (int)((cout >> 3) & 1));
    c->r[i->rm] = r;
    c->rip += i->len;
}
static void fp_inc64(struct cpu *c, const struct insn *i) { fp_incdec(c, i, 8, 0); }
static void fp_dec64(struct cpu *c, const struct insn *i) { fp_incdec(c, i, 8, 1); }
static void fp_inc32(struct cpu *c, const struct insn *i) { fp_incdec(c, i, 4, 0); }
static void fp_dec32(struct cpu *c, const struct insn *i) { fp_incdec(c, i, 4, 1); }

static void fp_push64(struct cpu *c, const struct insn *i)
{
    uint64_t sp = c->r[R_SP] - 8;
    lin_write(c, seg_linear(c, S_SS, sp, 8, 1), 8, c->r[i->reg]);
    c->r[R_SP] = sp;
    c->rip += i->len;
}
static void fp_pop64(struct cpu *c, const struct insn *i)
{
    uint64_t v = lin_read(c, seg_linear(c, S_SS, c->r[R_SP], 8, 0), 8);
    c->r[R_SP] += 8;
    c->r[i->reg] = v;
    c->rip += i->len;
}
static void fp_call64(struct cpu *c, const struct insn *i)
{
    uint64_t next = c->rip + i->len, t = next + i->imm;
    if (!is_canonical(t))
        cpu_gp(c, 0);
    uint64_t sp = c->r[R_SP] - 8;
    lin_write(c, seg_linear(c, S_SS, sp, 8, 1), 8, next);
    c->r[R_SP] = sp;
    c->rip = t;
}
static void fp_ret64(struct cpu *c, const struct insn *i)
{
    (void)i;
    uint64_t t = lin_read(c, seg_linear(c, S_SS, c->r[R_SP], 8, 0), 8);
    if (!is_canonical(t))
        cpu_gp(c, 0);
    c->r[R_SP] += 8;
    c->rip = t;
}

/* JMP rel inside a block that goes on at the target (fastpath_follow). */
static void fp_jmp64(struct cpu *c, const struct insn *i)
{
    uint64_t t = c->rip + i->len + i->imm;
    if (!is_canonical(t))
        cpu_gp(c, 0);
    c->rip = t;
}

insn_fn fastpath_follow(const struct insn *in, int code_size)
{
    if (code_size != 2)
        return NULL;
    if (in->fn == fp_call64)
        return fp_call64;
    if (in->fn == op_jmp_rel)
        return fp_jmp64;
    return NULL;
}

static int is_reg_reg(const struct insn *i) { return i->mod == 3; }

insn_fn fastpath_select(struct insn *in, int code_size)
{
    insn_fn f = in->fn;
    int w = in->osz == 8 ? 0 : in->osz == 4 ? 2 : -1;
    if (code_size != 2)
        return f;              /* legacy modes keep the generic handlers */
    if (f == op_jcc)
        return jcc_fast[in->op & 15];
    if (f == op_call_rel)
        return fp_call64;
    if (f == op_ret && in->op == 0xc3)
        return fp_ret64;
    if (f == op_push_r && in->osz == 8)
        return fp_push64;
    if (f == op_pop_r && in->osz == 8)
        return fp_pop64;
    if (w < 0)
        return f;
    if ((f == op_alu_EG || f == op_alu_GE) && is_reg_reg(in)) {
        insn_fn g = alu_fast[(in->op >> 3) & 7][w];
        if (g && f == op_alu_GE) {       /* normalise: destination in rm */
            uint8_t t = in->reg;
            in->reg = in->rm;
            in->rm = t;
        }
        return g ? g : f;
    }
    if (f == op_alu_EI && is_reg_reg(in)) {
        insn_fn g = alu_fast[in->reg & 7][w + 1];
        return g ? g : f;
    }
    if (f == op_alu_AI) {                /* accumulator forms: rm = rAX */
        insn_fn g = alu_fast[(in->op >> 3) & 7][w + 1];
        if (g)
            in->rm = R_AX;
        return g ? g : f;
    }
    if (f == op_test_EG && is_reg_reg(in))
        return w ? fp_test_rr32 : fp_test_rr64;
    if (f == op_test_EI && is_reg_reg(in))
        return w ? fp_test_ri32 : fp_test_ri64;
    if (f == op_test_EG && !is_reg_reg(in))
        return w ? fp_test_mr32 : fp_test_mr64;
    if (f == op_test_EI && !is_reg_reg(in))
        return w ? fp_test_mi32 : fp_test_mi64;
    if (f == op_test_AI) {
        in->rm = R_AX;
        return w ? fp_test_ri32 : fp_test_ri64;
    }
    if (f == op_mov_E_imm && is_reg_reg(in)) {
        in->reg = in->rm;
        return w ? fp_mov_ri32 : fp_mov_ri64;
    }
    if (is_reg_reg(in) && (f == op_shift_EI || f == op_shift_E1 || f == op_shift_ECL)) {
        int src = f == op_shift_EI ? 0 : f == op_shift_E1 ? 1 : 2;
        insn_fn g = shift_fast[in->reg & 7][src][w ? 1 : 0];
        if (g)
            return g;
        if (f == op_shift_EI)
            return w ? fp_shift_r32_imm : fp_shift_r64_imm;
        if (f == op_shift_E1)
            return w ? fp_shift_r32_1 : fp_shift_r64_1;
        return w ? fp_shift_r32_cl : fp_shift_r64_cl;
    }
    if (f == op_mov_EG && is_reg_reg(in))
        return w ? fp_mov_rr32 : fp_mov_rr64;
    if (f == op_mov_GE && is_reg_reg(in)) {
        uint8_t t = in->reg;
        in->reg = in->rm;
        in->rm = t;
        return w ? fp_mov_rr32 : fp_mov_rr64;
    }
    if (f == op_mov_r_imm)
        return w ? fp_mov_ri32 : fp_mov_ri64;
    if (f == op_mov_E_imm)
        return w ? fp_store_imm32 : fp_store_imm64;
    if (f == op_neg && is_reg_reg(in))
        return w ? fp_neg32 : fp_neg64;
    if (!is_reg_reg(in) && !in->lock && (f == op_alu_EG || f == op_alu_GE || f == op_alu_EI)) {
        int form = f == op_alu_EG ? 0 : f == op_alu_EI ? 2 : 4;
        int op = f == op_alu_EI ? in->reg & 7 : (in->op >> 3) & 7;
        insn_fn g = alu_mem_fast[op][form + (w ? 1 : 0)];
        return g ? g : f;
    }
    if (f == op_mov_GE)
        return w ? fp_load32 : fp_load64;
    if (f == op_mov_EG)
        return w ? fp_store32 : fp_store64;
    if (f == op_lea && in->osz == 8 && in->asz == 8)
        return fp_lea64;
    if ((f == op_inc_E || f == op_dec_E) && is_reg_reg(in)) {
        if (f == op_inc_E)
            return w ? fp_inc32 : fp_inc64;
        return w ? fp_dec32 : fp_dec64;
    }
    return f;
}
