/* A decoded instruction, and the opcode table entries it is decoded from. */
#ifndef EMU_INSN_H
#define EMU_INSN_H

#include <stdint.h>

struct cpu;
struct insn;
typedef void (*insn_fn)(struct cpu *c, const struct insn *i);

#define EA_NONE 0xffu   /* no base / no index */
#define EA_RIP  0x10u   /* RIP-relative base */
#define REG_AH  16u     /* byte registers AH, CH, DH, BH are 16..19 */

struct insn {
    insn_fn fn;
    uint64_t imm;       /* immediate, sign- or zero-extended as the form says */
    int32_t disp;       /* displacement (also far-pointer selector, rel target) */
    uint8_t len;        /* bytes */
    uint8_t osz;        /* operand size in bytes: 1, 2, 4, 8 */
    uint8_t asz;        /* address size in bytes: 2, 4, 8 */
    uint8_t seg;        /* effective segment S_* for the memory operand */
    uint8_t reg;        /* ModRM.reg (+REX.R), or the +r register */
    uint8_t rm;         /* ModRM.rm (+REX.B) when mod == 3 */
    uint8_t base;       /* memory operand: base register, EA_RIP or EA_NONE */
    uint8_t index;      /* memory operand: index register or EA_NONE */
    uint8_t scale;      /* memory operand: index shift 0..3 */
    uint8_t mod;        /* ModRM.mod; 3 means a register operand */
    uint8_t rep;        /* 0, 0xf3 (REP/REPE) or 0xf2 (REPNE) */
    uint8_t lock;       /* LOCK prefix present */
    uint8_t rex;        /* the REX byte, 0 if none */
    uint8_t op;         /* opcode byte */
    uint8_t imm2;       /* second immediate (ENTER) */
    uint8_t segovr;     /* segment override prefix given (S_* or S_NONE) */
    uint16_t def;       /* index of the opcode table entry (for traces) */
};

/* Immediate / operand forms of an opcode table entry. */
enum op_form {
    F_NONE,   /* no ModRM, no immediate */
    F_M,      /* ModRM */
    F_MIB,    /* ModRM, imm8 */
    F_MIV,    /* ModRM, imm16/32 (imm32 sign-extended for 64-bit operands) */
    F_IB,     /* imm8 */
    F_IW,     /* imm16 */
    F_IV,     /* imm16/32 (sign-extended imm32 for 64-bit operands) */
    F_IQ,     /* imm16/32/64 by operand size (MOV r, imm) */
    F_IWIB,   /* imm16, imm8 (ENTER) */
    F_AP,     /* far pointer: offset16/32 then selector16 */
    F_MOFFS,  /* moffs of address size */
    F_J8,     /* rel8 */
    F_JV,     /* rel16/32 */
};

/* Attributes. */
#define A_BYTE   0x0001u  /* byte operands */
#define A_LOCK   0x0002u  /* LOCK allowed (with a memory destination) */
#define A_END    0x0004u  /* ends a decoded block (branch, mode change) */
#define A_D64    0x0008u  /* default operand size 64 in 64-bit mode */
#define A_F64    0x0010u  /* operand size forced to 64 in 64-bit mode */
#define A_I64    0x0020u  /* invalid in 64-bit mode */
#define A_O64    0x0040u  /* valid only in 64-bit mode */
#define A_MEM    0x0080u  /* memory operand required (#UD on mod == 3) */
#define A_REG    0x0100u  /* register operand required (#UD on a memory form) */
#define A_OPREG  0x0200u  /* register in the low 3 opcode bits (+REX.B) */
#define A_W16    0x0400u  /* operand size is always 16 bits */
#define A_SSE    0x0800u  /* SSE: CR0.EM/TS and CR4.OSFXSR rules apply */
#define A_RMREG  0x1000u  /* ModRM.mod ignored: r/m is always a register (MOV CR/DR) */
#define A_CBR    0x2000u  /* conditional branch: a block goes on past it; the
                           * handler leaves the block when it is taken */

enum op_map { MAP_1, MAP_0F, MAP_0F38, MAP_0F3A, MAP_COUNT };
enum op_pfx { P_ANY, P_NP, P_66, P_F3, P_F2 };  /* mandatory prefix */
#define EXT_NONE  (-1)
#define EXT_REG(r)  (r)           /* ModRM.reg, any mod */
#define EXT_RM(b)   (b)           /* an exact ModRM byte 0xc0..0xff */

struct opdef {
    uint8_t map, opcode;
    int16_t ext;
    uint8_t pfx;
    uint8_t form;
    uint16_t attr;
    const char *name;
    insn_fn fn;
};

extern const struct opdef opdefs[];
extern const int opdefs_count;

/* Decode the instruction at bytes[0..avail) for a CPU in code size
 * cs (0: 16, 1: 32, 2: 64). Returns its length, or 0 if more bytes are
 * needed, or -1 if the bytes are not a valid instruction (#UD; with the
 * length consumed so far in *len_out). */
enum decode_status { DEC_OK, DEC_MORE, DEC_UD, DEC_TOOLONG };
enum decode_status decode(const uint8_t *bytes, int avail, int cs, struct insn *out);

/* Executed when the bytes decode to nothing vtx implements. */
void op_ud(struct cpu *c, const struct insn *i);

#endif
