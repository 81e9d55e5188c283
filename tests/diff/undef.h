/* Flag effects of the instructions the generators emit: which status flags
 * each reads, which it leaves architecturally defined, and which the SDM
 * calls undefined (recorded in the output, not matched). The table lives in
 * undef.c, one entry per instruction, each citing its SDM Vol. 2 page. */
#ifndef DIFF_UNDEF_H
#define DIFF_UNDEF_H

#include <stdint.h>

enum mn {
    MN_ADD, MN_OR, MN_ADC, MN_SBB, MN_AND, MN_SUB, MN_XOR, MN_CMP,  /* /digit order */
    MN_TEST, MN_INC, MN_DEC, MN_NEG, MN_NOT,
    MN_ROL, MN_ROR, MN_RCL, MN_RCR, MN_SHL, MN_SHR, MN_SAL_UNUSED, MN_SAR,  /* /digit order */
    MN_SHLD, MN_SHRD,
    MN_MUL, MN_IMUL, MN_DIV, MN_IDIV,
    MN_MOVS, MN_STOS, MN_LODS, MN_CMPS, MN_SCAS,
    MN_BT, MN_BTS, MN_BTR, MN_BTC,
    MN_BSF, MN_BSR, MN_LZCNT, MN_TZCNT, MN_POPCNT,
    MN_CMPXCHG, MN_CMPXCHG8B, MN_CMPXCHG16B, MN_XADD, MN_XCHG,
    MN_CMOVCC, MN_SETCC, MN_BSWAP, MN_MOVBE,
    MN_MOVSX, MN_MOVZX, MN_MOVSXD, MN_LEA, MN_CBW, MN_CWD,
    MN_PUSH, MN_POP, MN_PUSHF, MN_POPF,
    MN_SAHF, MN_LAHF, MN_CLC, MN_STC, MN_CMC, MN_CLD, MN_STD,
    MN_MOV, MN_NOP, MN_SSE,
    MN_COUNT
};

/* Flag bits as in RFLAGS. */
#define FL_CF 0x001u
#define FL_PF 0x004u
#define FL_AF 0x010u
#define FL_ZF 0x040u
#define FL_SF 0x080u
#define FL_DF 0x400u
#define FL_OF 0x800u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)
#define FL_ALL   (FL_ARITH | FL_DF)

struct flagfx {
    const char *name;
    uint32_t read;     /* flags the instruction reads (DF for string ops) */
    uint32_t def;      /* flags it sets to a defined value */
    uint32_t undef;    /* flags the SDM leaves undefined */
    const char *sdm;   /* SDM Vol. 2 instruction page, "Flags Affected" */
};

const struct flagfx *flagfx(enum mn m);

/* Count-dependent instructions (shifts, rotates, SHLD/SHRD): the effect for
 * an operand size (bytes) and the raw count operand. Sets *def and *undef;
 * returns 0 if the flags are left unchanged (masked count 0), 1 otherwise.
 * *dest_undef is set when the destination itself is undefined (SHLD/SHRD
 * with a count greater than the operand size). */
int flagfx_count(enum mn m, int osz, unsigned count, uint32_t *def,
                 uint32_t *undef, int *dest_undef);
/* The same, for a count not known in advance (shift by CL in random
 * sequences): every flag any count could leave undefined. */
uint32_t flagfx_count_any(enum mn m, int osz);

/* "OF|AF" style names. */
void flags_str(uint32_t f, char *out, int outlen);
uint32_t flags_parse(const char *s);   /* inverse; 0 on "" or "-" */

#endif
