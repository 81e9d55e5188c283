/* The per-instruction table of flag effects, from the "Flags Affected"
 * section of each instruction's page in the Intel SDM Vol. 2 (pages cited by
 * title, since section numbers move between editions). Flags listed as
 * undefined are recorded in the output but never matched: the host here is
 * AMD, and only the SDM decides what Intel defines. */
#include <stdio.h>
#include <string.h>

#include "undef.h"

#define SZAPC (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)
#define SZP   (FL_SF | FL_ZF | FL_PF)

static const struct flagfx fx[MN_COUNT] = {
    /*                 name        read    def                   undef  */
    [MN_ADD]     = { "add",      0, FL_ARITH, 0, "ADD—Add" },
    [MN_OR]      = { "or",       0, FL_OF | FL_CF | SZP, FL_AF, "OR—Logical Inclusive OR" },
    [MN_ADC]     = { "adc",      FL_CF, FL_ARITH, 0, "ADC—Add With Carry" },
    [MN_SBB]     = { "sbb",      FL_CF, FL_ARITH, 0, "SBB—Integer Subtraction With Borrow" },
    [MN_AND]     = { "and",      0, FL_OF | FL_CF | SZP, FL_AF, "AND—Logical AND" },
    [MN_SUB]     = { "sub",      0, FL_ARITH, 0, "SUB—Subtract" },
    [MN_XOR]     = { "xor",      0, FL_OF | FL_CF | SZP, FL_AF, "XOR—Logical Exclusive OR" },
    [MN_CMP]     = { "cmp",      0, FL_ARITH, 0, "CMP—Compare Two Operands" },
    [MN_TEST]    = { "test",     0, FL_OF | FL_CF | SZP, FL_AF, "TEST—Logical Compare" },
    /* INC/DEC: "The CF flag is not affected." */
    [MN_INC]     = { "inc",      0, FL_ARITH & ~FL_CF, 0, "INC—Increment by 1" },
    [MN_DEC]     = { "dec",      0, FL_ARITH & ~FL_CF, 0, "DEC—Decrement by 1" },
    [MN_NEG]     = { "neg",      0, FL_ARITH, 0, "NEG—Two's Complement Negation" },
    [MN_NOT]     = { "not",      0, 0, 0, "NOT—One's Complement Negation" },
    /* Count-dependent: see flagfx_count(). */
    [MN_ROL]     = { "rol",      0, FL_CF, FL_OF, "RCL/RCR/ROL/ROR—Rotate" },
    [MN_ROR]     = { "ror",      0, FL_CF, FL_OF, "RCL/RCR/ROL/ROR—Rotate" },
    [MN_RCL]     = { "rcl",      FL_CF, FL_CF, FL_OF, "RCL/RCR/ROL/ROR—Rotate" },
    [MN_RCR]     = { "rcr",      FL_CF, FL_CF, FL_OF, "RCL/RCR/ROL/ROR—Rotate" },
    [MN_SHL]     = { "shl",      0, FL_CF | SZP, FL_OF | FL_AF, "SAL/SAR/SHL/SHR—Shift" },
    [MN_SHR]     = { "shr",      0, FL_CF | SZP, FL_OF | FL_AF, "SAL/SAR/SHL/SHR—Shift" },
    [MN_SAL_UNUSED] = { "sal?",  0, 0, FL_ARITH, "SAL/SAR/SHL/SHR—Shift (/6 is not an SDM encoding)" },
    [MN_SAR]     = { "sar",      0, FL_CF | SZP, FL_OF | FL_AF, "SAL/SAR/SHL/SHR—Shift" },
    [MN_SHLD]    = { "shld",     0, FL_CF | SZP, FL_OF | FL_AF, "SHLD—Double Precision Shift Left" },
    [MN_SHRD]    = { "shrd",     0, FL_CF | SZP, FL_OF | FL_AF, "SHRD—Double Precision Shift Right" },
    /* "The OF and CF flags are set to 0 if the upper half of the result is
     * 0 ...; The SF, ZF, AF, and PF flags are undefined." */
    [MN_MUL]     = { "mul",      0, FL_OF | FL_CF, SZP | FL_AF, "MUL—Unsigned Multiply" },
    [MN_IMUL]    = { "imul",     0, FL_OF | FL_CF, SZP | FL_AF, "IMUL—Signed Multiply" },
    /* "The CF, OF, SF, ZF, AF, and PF flags are undefined." */
    [MN_DIV]     = { "div",      0, 0, FL_ARITH, "DIV—Unsigned Divide" },
    [MN_IDIV]    = { "idiv",     0, 0, FL_ARITH, "IDIV—Signed Divide" },
    [MN_MOVS]    = { "movs",     FL_DF, 0, 0, "MOVS/MOVSB/MOVSW/MOVSD/MOVSQ—Move Data From String to String" },
    [MN_STOS]    = { "stos",     FL_DF, 0, 0, "STOS/STOSB/STOSW/STOSD/STOSQ—Store String" },
    [MN_LODS]    = { "lods",     FL_DF, 0, 0, "LODS/LODSB/LODSW/LODSD/LODSQ—Load String" },
    [MN_CMPS]    = { "cmps",     FL_DF, FL_ARITH, 0, "CMPS/CMPSB/CMPSW/CMPSD/CMPSQ—Compare String Operands" },
    [MN_SCAS]    = { "scas",     FL_DF, FL_ARITH, 0, "SCAS/SCASB/SCASW/SCASD—Scan String" },
    /* "The CF flag contains the value of the selected bit. The ZF flag is
     * unaffected. The OF, SF, AF, and PF flags are undefined." */
    [MN_BT]      = { "bt",       0, FL_CF, FL_OF | FL_SF | FL_AF | FL_PF, "BT—Bit Test" },
    [MN_BTS]     = { "bts",      0, FL_CF, FL_OF | FL_SF | FL_AF | FL_PF, "BTS—Bit Test and Set" },
    [MN_BTR]     = { "btr",      0, FL_CF, FL_OF | FL_SF | FL_AF | FL_PF, "BTR—Bit Test and Reset" },
    [MN_BTC]     = { "btc",      0, FL_CF, FL_OF | FL_SF | FL_AF | FL_PF, "BTC—Bit Test and Complement" },
    /* "The ZF flag is set to 1 if the source operand is 0; otherwise, the
     * ZF flag is cleared. The CF, OF, SF, AF, and PF flags are undefined."
     * (and the destination is undefined for a zero source) */
    [MN_BSF]     = { "bsf",      0, FL_ZF, FL_CF | FL_OF | FL_SF | FL_AF | FL_PF, "BSF—Bit Scan Forward" },
    [MN_BSR]     = { "bsr",      0, FL_ZF, FL_CF | FL_OF | FL_SF | FL_AF | FL_PF, "BSR—Bit Scan Reverse" },
    /* "ZF ... CF ... OF, SF, PF and AF flags are undefined." */
    [MN_LZCNT]   = { "lzcnt",    0, FL_ZF | FL_CF, FL_OF | FL_SF | FL_PF | FL_AF, "LZCNT—Count the Number of Leading Zero Bits" },
    [MN_TZCNT]   = { "tzcnt",    0, FL_ZF | FL_CF, FL_OF | FL_SF | FL_PF | FL_AF, "TZCNT—Count the Number of Trailing Least Significant Zero Bits" },
    /* "OF, SF, ZF, AF, CF, PF are all cleared. ZF is set if SRC = 0" */
    [MN_POPCNT]  = { "popcnt",   0, FL_ARITH, 0, "POPCNT—Return the Count of Number of Bits Set to 1" },
    [MN_CMPXCHG] = { "cmpxchg",  0, FL_ARITH, 0, "CMPXCHG—Compare and Exchange" },
    /* "The CF, PF, AF, SF, and OF flags are unaffected." */
    [MN_CMPXCHG8B]  = { "cmpxchg8b",  0, FL_ZF, 0, "CMPXCHG8B/CMPXCHG16B—Compare and Exchange Bytes" },
    [MN_CMPXCHG16B] = { "cmpxchg16b", 0, FL_ZF, 0, "CMPXCHG8B/CMPXCHG16B—Compare and Exchange Bytes" },
    [MN_XADD]    = { "xadd",     0, FL_ARITH, 0, "XADD—Exchange and Add" },
    [MN_XCHG]    = { "xchg",     0, 0, 0, "XCHG—Exchange Register/Memory With Register" },
    /* CMOVcc / SETcc read the flags of their condition (cond_flags()). */
    [MN_CMOVCC]  = { "cmov",     0, 0, 0, "CMOVcc—Conditional Move" },
    [MN_SETCC]   = { "set",      0, 0, 0, "SETcc—Set Byte on Condition" },
    /* BSWAP r16: "the result is undefined" (register, not flags). */
    [MN_BSWAP]   = { "bswap",    0, 0, 0, "BSWAP—Byte Swap" },
    [MN_MOVBE]   = { "movbe",    0, 0, 0, "MOVBE—Move Data After Swapping Bytes" },
    [MN_MOVSX]   = { "movsx",    0, 0, 0, "MOVSX/MOVSXD—Move With Sign-Extension" },
    [MN_MOVZX]   = { "movzx",    0, 0, 0, "MOVZX—Move With Zero-Extend" },
    [MN_MOVSXD]  = { "movsxd",   0, 0, 0, "MOVSX/MOVSXD—Move With Sign-Extension" },
    [MN_LEA]     = { "lea",      0, 0, 0, "LEA—Load Effective Address" },
    [MN_CBW]     = { "cbw",      0, 0, 0, "CBW/CWDE/CDQE—Convert Byte to Word/Convert Word to Doubleword/Convert Doubleword to Quadword" },
    [MN_CWD]     = { "cwd",      0, 0, 0, "CWD/CDQ/CQO—Convert Word to Doubleword/Convert Doubleword to Quadword" },
    [MN_PUSH]    = { "push",     0, 0, 0, "PUSH—Push Word, Doubleword, or Quadword Onto the Stack" },
    [MN_POP]     = { "pop",      0, 0, 0, "POP—Pop a Value From the Stack" },
    /* PUSHF stores every flag: it reads them all. */
    [MN_PUSHF]   = { "pushf",    FL_ALL, 0, 0, "PUSHF/PUSHFD/PUSHFQ—Push EFLAGS Register Onto the Stack" },
    [MN_POPF]    = { "popf",     0, FL_ALL, 0, "POPF/POPFD/POPFQ—Pop Stack Into EFLAGS Register" },
    [MN_SAHF]    = { "sahf",     0, SZAPC, 0, "SAHF—Store AH Into Flags" },
    [MN_LAHF]    = { "lahf",     SZAPC, 0, 0, "LAHF—Load Status Flags Into AH Register" },
    [MN_CLC]     = { "clc",      0, FL_CF, 0, "CLC—Clear Carry Flag" },
    [MN_STC]     = { "stc",      0, FL_CF, 0, "STC—Set Carry Flag" },
    [MN_CMC]     = { "cmc",      FL_CF, FL_CF, 0, "CMC—Complement Carry Flag" },
    [MN_CLD]     = { "cld",      0, FL_DF, 0, "CLD—Clear Direction Flag" },
    [MN_STD]     = { "std",      0, FL_DF, 0, "STD—Set Direction Flag" },
    [MN_MOV]     = { "mov",      0, 0, 0, "MOV—Move" },
    [MN_NOP]     = { "nop",      0, 0, 0, "NOP—No Operation" },
    [MN_SSE]     = { "sse",      0, 0, 0, "(SSE integer/move/logic: no flags affected)" },
};

const struct flagfx *flagfx(enum mn m)
{
    return &fx[m];
}

/* Shifts and rotates mask the count to 5 bits (6 with REX.W). */
static unsigned masked_count(int osz, unsigned count)
{
    return count & (osz == 8 ? 0x3fu : 0x1fu);
}

int flagfx_count(enum mn m, int osz, unsigned count, uint32_t *def,
                 uint32_t *undef, int *dest_undef)
{
    unsigned mc = masked_count(osz, count), bits = (unsigned)osz * 8;
    *def = 0;
    *undef = 0;
    *dest_undef = 0;
    /* All pages: "If the count is 0, the flags are not affected." */
    if (mc == 0)
        return 0;
    switch (m) {
    case MN_ROL: case MN_ROR: case MN_RCL: case MN_RCR:
        /* RCL/RCR/ROL/ROR—Rotate: "If the masked count is 1, then the OF
         * flag is affected, otherwise (masked count is greater than 1) the
         * OF flag is undefined. The CF flag is affected when the masked
         * count is nonzero. The SF, ZF, AF, and PF flags are always
         * unaffected." */
        *def = FL_CF | (mc == 1 ? FL_OF : 0);
        *undef = mc == 1 ? 0 : FL_OF;
        return 1;
    case MN_SHL: case MN_SHR: case MN_SAR:
        /* SAL/SAR/SHL/SHR—Shift: "The OF flag is affected only on 1-bit
         * shifts. For left shifts, ... For a non-zero count, the AF flag is
         * undefined." CF "is undefined for SHL and SHR instructions where
         * the count is greater than or equal to the size (in bits) of the
         * destination operand." */
        *def = SZP | FL_CF | (mc == 1 ? FL_OF : 0);
        *undef = FL_AF | (mc == 1 ? 0 : FL_OF);
        if (m != MN_SAR && mc >= bits) {
            *def &= ~FL_CF;
            *undef |= FL_CF;
        }
        return 1;
    case MN_SHLD: case MN_SHRD:
        /* SHLD/SHRD: "For a 1-bit shift, the OF flag is set if a sign change
         * occurred; otherwise, it is cleared. For shifts greater than 1 bit,
         * the OF flag is undefined. If a shift occurs, the AF flag is
         * undefined. ... If the count is greater than the operand size, the
         * flags are undefined." Operation: "IF COUNT > SIZE THEN DEST is
         * undefined". */
        if (mc > bits) {
            *undef = FL_ARITH;
            *dest_undef = 1;
            return 1;
        }
        *def = SZP | FL_CF | (mc == 1 ? FL_OF : 0);
        *undef = FL_AF | (mc == 1 ? 0 : FL_OF);
        return 1;
    default:
        *def = fx[m].def;
        *undef = fx[m].undef;
        return 1;
    }
}

uint32_t flagfx_count_any(enum mn m, int osz)
{
    switch (m) {
    case MN_ROL: case MN_ROR: case MN_RCL: case MN_RCR:
        return FL_OF;
    case MN_SHL: case MN_SHR:
        return FL_OF | FL_AF | (osz <= 2 ? FL_CF : 0);
    case MN_SAR:
        return FL_OF | FL_AF;
    case MN_SHLD: case MN_SHRD:
        return osz == 2 ? FL_ARITH : (FL_OF | FL_AF);
    default:
        return fx[m].undef;
    }
}

static const struct { uint32_t bit; const char *name; } flag_names[] = {
    { FL_CF, "CF" }, { FL_PF, "PF" }, { FL_AF, "AF" }, { FL_ZF, "ZF" },
    { FL_SF, "SF" }, { 0x100, "TF" }, { 0x200, "IF" }, { FL_DF, "DF" },
    { FL_OF, "OF" }, { 0x3000, "IOPL" }, { 0x4000, "NT" }, { 0x10000, "RF" },
    { 0x40000, "AC" }, { 0x200000, "ID" },
};

void flags_str(uint32_t f, char *out, int outlen)
{
    int n = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++) {
        if (!(f & flag_names[i].bit))
            continue;
        n += snprintf(out + n, (size_t)(outlen > n ? outlen - n : 0), "%s%s",
                      n ? "|" : "", flag_names[i].name);
        if (n >= outlen)
            break;
    }
    if (!out[0])
        snprintf(out, (size_t)outlen, "-");
}

uint32_t flags_parse(const char *s)
{
    uint32_t f = 0;
    while (*s) {
        size_t len = strcspn(s, "|,");
        for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
            if (strlen(flag_names[i].name) == len && !strncmp(s, flag_names[i].name, len))
                f |= flag_names[i].bit;
        s += len;
        if (*s)
            s++;
    }
    return f;
}
