/* Integer and packed-BCD loads and stores: FILD m16/m32/m64int, FIST/FISTP
 * m16/m32int, FISTP m64int, FBLD, FBSTP — SDM Vol. 2 "FILD", "FIST/FISTP",
 * "FBLD", "FBSTP". (FISTTP is SSE3, not advertised: its slots are #UD.) */
#include "mem.h"
#include "ops.h"
#include "x87.h"

static void push_exact(struct cpu *c, const struct insn *i, struct fx80 v)
{
    x87_note(c, i);
    if (!x87_empty(c, 7)) {
        if (x87_overflow(c))
            x87_push(c, FX80_INDEFINITE);
    } else {
        x87_signal(c, 0, false, false);
        x87_push(c, v);
    }
    rip_advance(c, i);
}

void op_fild_m16int(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    int16_t m = (int16_t)(uint16_t)mem_read(c, i->seg, ea_offset(c, i), 2);
    push_exact(c, i, fx80_from_int(m));
}

void op_fild_m32int(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    int32_t m = (int32_t)(uint32_t)mem_read(c, i->seg, ea_offset(c, i), 4);
    push_exact(c, i, fx80_from_int(m));
}

void op_fild_m64int(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    uint64_t m = mem_read(c, i->seg, ea_offset(c, i), 8);
    push_exact(c, i, fx80_from_mag(m >> 63, m >> 63 ? 0 - m : m));
}

/* SDM "FIST/FISTP": ST(0) rounded per FCW.RC; #IA (masked: the integer
 * indefinite, 100…0) for NaN, ∞, unsupported or out of range; #P if
 * inexact, C1 = rounded up. */
static uint64_t to_int(struct fx80 v, int size, int rc, unsigned *exc, bool *up)
{
    uint64_t indefinite = 1ull << (size * 8 - 1);
    switch (fx80_class(v)) {
    case XC_ZERO:
        return 0;
    case XC_DENORM:
    case XC_NORMAL:
        break;
    default:
        *exc |= FSW_IE;
        return indefinite;
    }
    bool inexact, big;
    uint64_t m = x87_round_int(v, rc, &inexact, up, &big);
    int sign = FX80_SIGN(v);
    if (big || m > indefinite - 1 + (uint64_t)sign) {
        *exc |= FSW_IE;
        return indefinite;
    }
    *exc |= inexact ? FSW_PE : 0;
    return sign ? 0 - m : m;
}

static void fist(struct cpu *c, const struct insn *i, int size, bool pop)
{
    uint64_t off = ea_offset(c, i);
    unsigned exc = 0;
    bool up = false;
    uint64_t bits;
    if (x87_empty(c, 0)) {
        exc = FSW_IE | FSW_SF;
        bits = 1ull << (size * 8 - 1);
    } else {
        bits = to_int(x87_get(c, 0), size, x87_rc(c), &exc, &up);
    }
    x87_store_st0(c, i, off, size, bits, exc, up, pop);
}

/* DF /2 FIST m16int, DF /3 FISTP m16int. */
void op_fist_m16int(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    fist(c, i, 2, (i->reg & 7) == 3);
}

/* DB /2 FIST m32int, DB /3 FISTP m32int. */
void op_fist_m32int(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    fist(c, i, 4, (i->reg & 7) == 3);
}

void op_fistp_m64int(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    fist(c, i, 8, true);
}

/* SDM "FBLD": 18 BCD digits, least significant byte first, sign in bit 7
 * of byte 9; converted exactly. Digits above 9 make the result undefined:
 * vtx weighs them as they are. */
void op_fbld(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    uint64_t off = ea_offset(c, i);
    uint64_t lo = mem_read(c, i->seg, off, 8);
    uint64_t hi = mem_read(c, i->seg, (off + 8) & asz_mask(i->asz), 2);
    uint64_t m = 0;
    for (int k = 8; k >= 0; k--) {
        unsigned byte = (unsigned)((k == 8 ? hi : lo >> (8 * k)) & 0xff);
        m = m * 100 + (byte >> 4) * 10 + (byte & 15);
    }
    push_exact(c, i, fx80_from_mag((int)((hi >> 15) & 1), m));
}

/* SDM "FBSTP": ST(0) rounded per FCW.RC to an 18-digit integer; #IA
 * (masked: the packed BCD indefinite FFFF C000 0000 0000 0000) for NaN, ∞,
 * unsupported or |value| ≥ 10^18; #P if inexact. The sign of a zero result
 * is kept. */
void op_fbstp(struct cpu *c, const struct insn *i)
{
    x87_start(c, true);
    uint64_t off = ea_offset(c, i);
    uint8_t b[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff };
    unsigned exc = 0;
    bool up = false;
    if (x87_empty(c, 0)) {
        exc = FSW_IE | FSW_SF;
    } else {
        struct fx80 v = x87_get(c, 0);
        enum xclass k = fx80_class(v);
        bool inexact = false, big = false;
        uint64_t m = 0;
        if (k == XC_DENORM || k == XC_NORMAL)
            m = x87_round_int(v, x87_rc(c), &inexact, &up, &big);
        if (k != XC_ZERO && k != XC_DENORM && k != XC_NORMAL)
            exc = FSW_IE;
        else if (big || m > 999999999999999999ull)
            exc = FSW_IE;
        else {
            exc = inexact ? FSW_PE : 0;
            for (int j = 0; j < 9; j++, m /= 100)
                b[j] = (uint8_t)((m % 10) | ((m / 10 % 10) << 4));
            b[9] = (uint8_t)(FX80_SIGN(v) << 7);
        }
    }
    bool blocked = x87_blocks(c, exc, true);
    if (!blocked) {
        mem_probe_write(c, i->seg, off, 10);
        uint64_t lo = 0;
        for (int k = 7; k >= 0; k--)
            lo = (lo << 8) | b[k];
        mem_write(c, i->seg, off, 8, lo);
        mem_write(c, i->seg, (off + 8) & asz_mask(i->asz), 2, (uint64_t)b[8] | ((uint64_t)b[9] << 8));
    }
    x87_note(c, i);
    x87_signal(c, exc, up, true);
    if (!blocked)
        x87_pop(c);
    rip_advance(c, i);
}
