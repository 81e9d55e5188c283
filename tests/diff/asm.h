/* A small x86-64 assembler for the generators: operands, the ModRM/SIB/REX
 * encoder, Intel-syntax text, and one builder per instruction form (the
 * builders also record each instruction's flag effects from undef.c). */
#ifndef DIFF_ASM_H
#define DIFF_ASM_H

#include <stdbool.h>
#include <stdint.h>

#include "undef.h"

#define RAH 16   /* AH, CH, DH, BH are 16..19 (byte operands without REX) */
#define NOREG (-1)
#define MEM_RIP 16

enum { OK_NONE, OK_REG, OK_MEM, OK_XMM };

struct opnd {
    int8_t kind;
    int8_t reg;          /* OK_REG: 0..15 or RAH..RAH+3; OK_XMM: 0..15 */
    int8_t base, index;  /* OK_MEM: NOREG, 0..15, MEM_RIP (base only) */
    uint8_t scale;       /* 0..3 */
    bool a32;            /* 0x67: 32-bit address size */
    bool disp32;         /* force a 32-bit displacement */
    int32_t disp;
};

static inline struct opnd op_reg(int r) { struct opnd o = { .kind = OK_REG, .reg = (int8_t)r, .base = NOREG, .index = NOREG }; return o; }
static inline struct opnd op_xmm(int r) { struct opnd o = { .kind = OK_XMM, .reg = (int8_t)r, .base = NOREG, .index = NOREG }; return o; }
static inline struct opnd op_mem(int base, int index, int scale, int32_t disp)
{
    struct opnd o = { .kind = OK_MEM, .reg = NOREG, .base = (int8_t)base, .index = (int8_t)index,
                      .scale = (uint8_t)scale, .disp = disp };
    return o;
}

/* One assembled instruction with what the generators must know about it. */
struct ginsn {
    uint8_t b[16];
    int n;
    char text[96];
    enum mn mn;
    uint32_t fread;        /* flags read */
    uint32_t fdef;         /* flags certainly left defined */
    uint32_t fundef;       /* flags that may be left undefined */
    bool fmaybe;           /* may leave the flags unchanged (count unknown) */
    uint16_t wregs;        /* GPRs written */
    uint16_t undef_regs;   /* GPRs left undefined */
    uint32_t need;         /* FEAT_* */
    int alt_off;           /* see dcase.alt_off; -1 none */
    uint32_t alt_fundef;
    uint16_t alt_undef_regs;
};

/* Encoder. */
#define E_LOCK  0x001u
#define E_F3    0x002u   /* REP / REPE / mandatory F3 */
#define E_F2    0x004u   /* REPNE / mandatory F2 */
#define E_66    0x008u   /* operand size or mandatory 66 */
#define E_W     0x010u   /* REX.W */
#define E_BREG  0x020u   /* ModRM.reg names a byte register */
#define E_BRM   0x040u   /* ModRM.rm / +r names a byte register */
#define E_67    0x080u   /* address size */
#define E_REX   0x100u   /* emit REX even when no bit needs it */
#define E_PFX66_FIRST 0x200u  /* put 66 before F2/F3 (default) */

struct encreq {
    unsigned flags;
    const uint8_t *opc;  /* opcode bytes, 0F escapes included */
    int nopc;
    int reg;             /* ModRM.reg value (register or /digit); -1 no ModRM */
    struct opnd rm;      /* ModRM.rm operand (OK_REG / OK_XMM / OK_MEM) */
    int opreg;           /* register added to the last opcode byte; -1 none */
    int immsz;           /* 0, 1, 2, 4, 8 */
    uint64_t imm;
};
/* Appends the encoding to g->b. False if it cannot be encoded (e.g. AH with
 * a REX prefix). */
bool enc(struct ginsn *g, const struct encreq *r);

/* Text. */
const char *reg_name(int r, int size);     /* size in bytes; RAH.. for 1 */
void fmt_opnd(char *out, int outlen, const struct opnd *o, int size);
/* Operand-size flag for a GPR instruction: E_66 for 2, E_W for 8. */
unsigned osz_flags(int osz);
/* "byte"/"word"/... */
const char *size_kw(int size);

/* Condition codes 0..15 (o no b ae e ne be a s ns p np l ge le g). */
extern const char *const cc_names[16];
uint32_t cc_flags(int cc);
/* Evaluates condition cc on RFLAGS value f. */
bool cc_eval(int cc, uint64_t f);

void ginsn_init(struct ginsn *g, enum mn m);

/* Builders (build.c). Each returns false when the operand combination
 * cannot be encoded. osz is the operand size in bytes. */
enum alu_form { AF_RM_R, AF_R_RM, AF_RM_I, AF_RM_I8, AF_A_I };
bool b_alu(struct ginsn *g, enum mn op, int osz, enum alu_form form,
           struct opnd dst, struct opnd src, uint64_t imm, bool lock);
bool b_unary(struct ginsn *g, enum mn op, int osz, struct opnd dst, bool lock);
enum cnt_kind { CNT_1, CNT_IMM, CNT_CL };
/* clval: the CL value when known, -1 when not. */
bool b_shift(struct ginsn *g, enum mn op, int osz, struct opnd dst,
             enum cnt_kind ck, unsigned imm, int clval);
bool b_shxd(struct ginsn *g, enum mn op, int osz, struct opnd dst, int src,
            enum cnt_kind ck, unsigned imm, int clval);
bool b_muldiv(struct ginsn *g, enum mn op, int osz, struct opnd src);
bool b_imul2(struct ginsn *g, int osz, int dst, struct opnd src);
bool b_imul3(struct ginsn *g, int osz, int dst, struct opnd src, int32_t imm, bool imm8);
/* rep: 0, 0xf3, 0xf2. count: the RCX value when known, -1 if not. */
bool b_string(struct ginsn *g, enum mn op, int osz, int rep, bool a32, long long count);
bool b_bt(struct ginsn *g, enum mn op, int osz, struct opnd dst, int src,
          bool use_imm, unsigned imm, bool lock);
/* src_zero: 1 the source is zero, 0 it is not, -1 unknown. */
bool b_bitscan(struct ginsn *g, enum mn op, int osz, int dst, struct opnd src, int src_zero);
bool b_cmpxchg(struct ginsn *g, int osz, struct opnd dst, int src, bool lock);
bool b_cmpxchg8b(struct ginsn *g, bool is16, struct opnd mem, bool lock);
bool b_xadd(struct ginsn *g, int osz, struct opnd dst, int src, bool lock);
bool b_xchg(struct ginsn *g, int osz, struct opnd dst, int src, bool lock);
bool b_xchg_acc(struct ginsn *g, int osz, int reg);   /* 90+r */
bool b_cmov(struct ginsn *g, int cc, int osz, int dst, struct opnd src);
bool b_setcc(struct ginsn *g, int cc, struct opnd dst);
bool b_bswap(struct ginsn *g, int osz, int reg);
bool b_movbe(struct ginsn *g, int osz, bool store, int reg, struct opnd mem);
bool b_movx(struct ginsn *g, enum mn op, int dsz, int ssz, int dst, struct opnd src);
bool b_movsxd(struct ginsn *g, int dsz, int dst, struct opnd src);
bool b_lea(struct ginsn *g, int osz, int dst, struct opnd mem);
bool b_cbw(struct ginsn *g, enum mn op, int osz);
enum push_kind { PK_REG, PK_MEM, PK_IMM8, PK_IMM32 };
bool b_push(struct ginsn *g, enum push_kind k, int osz, struct opnd o, int32_t imm);
bool b_pop(struct ginsn *g, int osz, struct opnd o);
bool b_pushf(struct ginsn *g, int osz);
bool b_popf(struct ginsn *g, int osz);
bool b_flagop(struct ginsn *g, enum mn op);   /* sahf lahf clc stc cmc cld std */
enum mov_form { MF_RM_R, MF_R_RM, MF_R_I, MF_RM_I };
bool b_mov(struct ginsn *g, int osz, enum mov_form f, struct opnd dst, struct opnd src, uint64_t imm);

/* SSE (legacy encodings). */
struct sse_def {
    const char *name;
    uint8_t pfx;        /* 0, 0x66, 0xf3, 0xf2 */
    uint8_t op;         /* 0F op */
    int8_t ext;         /* /digit for the shift-by-immediate group, -1 */
    uint8_t kind;       /* SK_* */
    uint8_t msize;      /* memory operand size in bytes */
    bool align;         /* memory operand must be 16-byte aligned */
};
enum { SK_XX,        /* xmm, xmm/m */
       SK_MX,        /* m, xmm (store) */
       SK_XX_IB,     /* xmm, xmm/m, imm8 */
       SK_X_IB,      /* xmm(rm), imm8 (shift group) */
       SK_XG,        /* xmm, r/m32|64 (movd/movq load) */
       SK_GX,        /* r/m32|64, xmm (movd/movq store) */
       SK_GX_REG,    /* r32, xmm (pmovmskb) */
};
extern const struct sse_def sse_defs[];
extern const int sse_defs_count;
/* src / dst as the kind says; w: 64-bit GPR form (movq); imm for _IB kinds. */
bool b_sse(struct ginsn *g, const struct sse_def *d, struct opnd dst, struct opnd src, bool w, uint8_t imm);

#endif
