/* Integer instructions: exact results and the architecturally defined
 * flags (SDM Vol. 1, "EFLAGS Register" and Vol. 2 per instruction; Vol. 1
 * Appendix A "EFLAGS Cross-Reference"). Expected values come from a model
 * written from the SDM's Operation/Flags Affected sections (below), and a
 * few literal cases. Undefined flags are never compared. */
#include "kern.h"

#define CF RFLAGS_CF
#define PF RFLAGS_PF
#define AF RFLAGS_AF
#define ZF RFLAGS_ZF
#define SF RFLAGS_SF
#define OF RFLAGS_OF
#define ARITH RFLAGS_ARITH

static const uint64_t vals[] = {
    0, 1, 2, 0x0f, 0x10, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, 0xfffffffffffffffeull, 0xffffffffffffffffull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull,
};
#define NVALS (sizeof vals / sizeof vals[0])

static uint64_t mask(int sz) { return sz == 64 ? ~0ull : (1ull << sz) - 1; }
static uint64_t sign(int sz) { return 1ull << (sz - 1); }
static uint64_t szp(uint64_t r, int sz)          /* SF, ZF, PF of a result */
{
    uint64_t f = 0;
    r &= mask(sz);
    if (r & sign(sz)) f |= SF;
    if (!r) f |= ZF;
    if (!__builtin_parity(r & 0xff)) f |= PF;
    return f;
}
/* Writing a 32-bit register zero-extends; 8/16-bit writes keep the rest. */
static uint64_t merge(uint64_t old, uint64_t r, int sz)
{
    if (sz >= 32) return r & mask(sz);
    return (old & ~mask(sz)) | (r & mask(sz));
}

enum { ADD, ADC, SUB, SBB, AND, OR, XOR, CMP, TEST, INC, DEC, NEG, NOT };

/* The model: returns the result, sets *f to the new flags and *def to the
 * flags this instruction defines. */
static uint64_t model(int op, int sz, uint64_t a, uint64_t b, uint64_t fin, uint64_t *f, uint64_t *def)
{
    uint64_t m = mask(sz), s = sign(sz), r = 0, c = fin & CF ? 1 : 0;
    unsigned __int128 wide;
    a &= m; b &= m;
    *def = ARITH;
    switch (op) {
    case ADC: case ADD: case INC:
        if (op == INC) { b = 1; c = 0; }
        if (op == ADD) c = 0;
        wide = (unsigned __int128)a + b + c;
        r = (uint64_t)wide & m;
        *f = szp(r, sz) | ((a ^ b ^ r) & AF) | ((((a ^ r) & (b ^ r)) & s) ? OF : 0);
        if (op == INC) *f |= fin & CF;
        else if ((wide >> sz) & 1) *f |= CF;
        return r;
    case SBB: case SUB: case CMP: case DEC: case NEG:
        if (op == DEC) { b = 1; c = 0; }
        if (op == SUB || op == CMP) c = 0;
        if (op == NEG) { b = a; a = 0; c = 0; }
        r = (a - b - c) & m;
        *f = szp(r, sz) | ((a ^ b ^ r) & AF) | ((((a ^ b) & (a ^ r)) & s) ? OF : 0);
        if (op == DEC) *f |= fin & CF;
        else if ((unsigned __int128)a < (unsigned __int128)b + c) *f |= CF;
        return op == CMP ? a : r;
    case AND: case TEST: r = a & b; break;
    case OR: r = a | b; break;
    case XOR: r = a ^ b; break;
    case NOT:
        *f = fin; *def = ARITH;         /* NOT affects no flags */
        return ~a & m;
    }
    *f = szp(r, sz);                    /* CF = OF = 0, AF undefined */
    *def = ARITH & ~AF;
    return op == TEST ? a : r;
}

typedef uint64_t (*binfn)(uint64_t a, uint64_t b, uint64_t *f);

#define FLAGS_IN  "pushq %[f]\n\tpopfq\n\t"
#define FLAGS_OUT "\n\tpushfq\n\tpopq %[f]"
#define DEF_BIN(fn, insn, mod) \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t *fl) { \
        uint64_t f = *fl; \
        asm(FLAGS_IN insn " %" mod "[b], %" mod "[a]" FLAGS_OUT \
            : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc"); \
        *fl = f; return a; }
#define DEF_UN(fn, insn, mod) \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t *fl) { \
        uint64_t f = *fl; (void)b; \
        asm(FLAGS_IN insn " %" mod "[a]" FLAGS_OUT : [a] "+r"(a), [f] "+r"(f) :: "cc"); \
        *fl = f; return a; }
#define DEF_ALL(kind, insn, DEF) \
    DEF(kind##8, insn "b", "b") DEF(kind##16, insn "w", "w") \
    DEF(kind##32, insn "l", "k") DEF(kind##64, insn "q", "q")

DEF_ALL(add, "add", DEF_BIN) DEF_ALL(adc, "adc", DEF_BIN) DEF_ALL(sub, "sub", DEF_BIN)
DEF_ALL(sbb, "sbb", DEF_BIN) DEF_ALL(and, "and", DEF_BIN) DEF_ALL(or, "or", DEF_BIN)
DEF_ALL(xor, "xor", DEF_BIN) DEF_ALL(cmp, "cmp", DEF_BIN) DEF_ALL(test, "test", DEF_BIN)
DEF_ALL(inc, "inc", DEF_UN) DEF_ALL(dec, "dec", DEF_UN) DEF_ALL(neg, "neg", DEF_UN)
DEF_ALL(not, "not", DEF_UN)

#define ROW(kind, K) { #kind, K, { kind##8, kind##16, kind##32, kind##64 } }
static const struct { const char *name; int op; binfn fn[4]; } binops[] = {
    ROW(add, ADD), ROW(adc, ADC), ROW(sub, SUB), ROW(sbb, SBB), ROW(and, AND), ROW(or, OR),
    ROW(xor, XOR), ROW(cmp, CMP), ROW(test, TEST), ROW(inc, INC), ROW(dec, DEC), ROW(neg, NEG),
    ROW(not, NOT),
};

static void test_binops(void)
{
    static const int sizes[4] = { 8, 16, 32, 64 };
    static const uint64_t fins[2] = { RFLAGS_FIXED1, RFLAGS_FIXED1 | ARITH };
    char name[32];
    for (unsigned o = 0; o < sizeof binops / sizeof binops[0]; o++) {
        for (int z = 0; z < 4; z++) {
            int sz = sizes[z];
            bool ok = true;
            for (unsigned i = 0; i < NVALS && ok; i++)
                for (unsigned j = 0; j < NVALS && ok; j++)
                    for (int k = 0; k < 2 && ok; k++) {
                        uint64_t a = vals[i] ^ (0x0123456789abcdefull & ~mask(sz)), b = vals[j];
                        uint64_t f = fins[k], ef, def;
                        uint64_t r = binops[o].fn[z](a, b, &f);
                        uint64_t er = model(binops[o].op, sz, a, b, fins[k], &ef, &def);
                        er = merge(a, er, sz);
                        if (binops[o].op == CMP || binops[o].op == TEST) er = a;
                        if (r != er || ((f ^ ef) & def)) {
                            ok = false;
                            snprintf(name, sizeof name, "%s%d", binops[o].name, sz);
                            reportf(false, name, "a=0x%lx b=0x%lx flags-in 0x%lx: got 0x%lx flags 0x%lx, want 0x%lx flags 0x%lx (mask 0x%lx)",
                                    a, b, fins[k], r, f & def, er, ef & def, def);
                        }
                    }
            if (ok) {
                snprintf(name, sizeof name, "%s%d", binops[o].name, sz);
                report(name, true);
            }
        }
    }
    /* A few literal cases (SDM ADD/SUB examples). */
    uint64_t f = RFLAGS_FIXED1;
    uint64_t r = add8(0x7f, 1, &f);
    reportf(r == 0x80 && (f & ARITH) == (SF | AF | OF), "add8-7f-plus-1-literal", "0x%lx flags 0x%lx", r, f);
    f = RFLAGS_FIXED1;
    r = sub32(0, 1, &f);
    reportf(r == 0xffffffff && (f & ARITH) == (SF | AF | PF | CF), "sub32-0-minus-1-literal", "0x%lx flags 0x%lx", r, f);
}

/* ---- Shifts and rotates ("SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR"). */
enum { SHL, SHR, SAR, ROL, ROR, RCL, RCR };
typedef uint64_t (*shfn)(uint64_t a, uint64_t c, uint64_t *f);
#define DEF_SH(fn, insn, mod) \
    static uint64_t fn(uint64_t a, uint64_t c, uint64_t *fl) { \
        uint64_t f = *fl; \
        asm(FLAGS_IN insn " %%cl, %" mod "[a]" FLAGS_OUT : [a] "+r"(a), [f] "+r"(f) : "c"(c) : "cc"); \
        *fl = f; return a; }
DEF_ALL(shl, "shl", DEF_SH) DEF_ALL(shr, "shr", DEF_SH) DEF_ALL(sar, "sar", DEF_SH)
DEF_ALL(rol, "rol", DEF_SH) DEF_ALL(ror, "ror", DEF_SH) DEF_ALL(rcl, "rcl", DEF_SH)
DEF_ALL(rcr, "rcr", DEF_SH)
static const struct { const char *name; int op; shfn fn[4]; } shops[] = {
    ROW(shl, SHL), ROW(shr, SHR), ROW(sar, SAR), ROW(rol, ROL), ROW(ror, ROR), ROW(rcl, RCL),
    ROW(rcr, RCR),
};

static uint64_t shmodel(int op, int sz, uint64_t a, unsigned cnt, uint64_t fin, uint64_t *f, uint64_t *def)
{
    uint64_t m = mask(sz), s = sign(sz);
    unsigned c = cnt & (sz == 64 ? 63 : 31);
    a &= m;
    *f = fin;
    *def = ARITH;
    if (op == RCL || op == RCR) c %= (unsigned)(sz + 1);
    else if (op == ROL || op == ROR) c %= (unsigned)sz;
    if ((op == ROL || op == ROR) && (cnt & (sz == 64 ? 63 : 31)) == 0)
        return a;                       /* masked count 0: no flags change */
    if (c == 0 && op != ROL && op != ROR)
        return a;
    uint64_t r = a, cf = fin & CF ? 1 : 0;
    for (unsigned i = 0; i < c; i++) {
        uint64_t msb = (r & s) ? 1 : 0, lsb = r & 1;
        switch (op) {
        case SHL: cf = msb; r = (r << 1) & m; break;
        case SHR: cf = lsb; r >>= 1; break;
        case SAR: cf = lsb; r = (r >> 1) | (r & s); break;
        case ROL: r = ((r << 1) | msb) & m; cf = r & 1; break;
        case ROR: r = (r >> 1) | (lsb ? s : 0); cf = (r & s) ? 1 : 0; break;
        case RCL: r = ((r << 1) | cf) & m; cf = msb; break;
        case RCR: r = (r >> 1) | (cf ? s : 0); cf = lsb; break;
        }
    }
    if (op == ROL || op == ROR) {       /* masked count % size may be 0 */
        cf = op == ROL ? r & 1 : (r & s) ? 1 : 0;
    }
    *f = (fin & ~CF) | (cf ? CF : 0);
    unsigned mc = cnt & (sz == 64 ? 63 : 31);
    bool one = mc == 1;
    uint64_t of = 0;
    switch (op) {
    case SHL: case RCL: case ROL: of = ((r & s) ? 1 : 0) ^ cf; break;
    case SHR: of = (a & s) ? 1 : 0; break;
    case SAR: of = 0; break;
    case ROR: case RCR: of = ((r >> (sz - 1)) ^ (r >> (sz - 2))) & 1; break;
    }
    if (op == RCR) of = ((a & s) ? 1 : 0) ^ (fin & CF ? 1 : 0);   /* RCR: OF = MSB(dest) XOR CF before */
    *f = (*f & ~OF) | (of ? OF : 0);
    *def = CF | (one ? OF : 0);
    if (op <= SAR) {
        *f = (*f & ~(SF | ZF | PF)) | szp(r, sz);
        *def |= SF | ZF | PF;
        if (mc >= (unsigned)sz && op != SAR) *def &= ~CF;   /* CF undefined */
    }
    return r;
}

static void test_shifts(void)
{
    static const int sizes[4] = { 8, 16, 32, 64 };
    static const unsigned counts[] = { 0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255 };
    char name[32];
    for (unsigned o = 0; o < sizeof shops / sizeof shops[0]; o++)
        for (int z = 0; z < 4; z++) {
            int sz = sizes[z];
            bool ok = true;
            for (unsigned i = 0; i < NVALS && ok; i++)
                for (unsigned j = 0; j < sizeof counts / sizeof counts[0] && ok; j++)
                    for (int k = 0; k < 2 && ok; k++) {
                        uint64_t fin = RFLAGS_FIXED1 | (k ? ARITH : 0), f = fin, ef, def;
                        uint64_t a = vals[i];
                        uint64_t r = shops[o].fn[z](a, counts[j], &f);
                        uint64_t er = merge(a, shmodel(shops[o].op, sz, a, counts[j], fin, &ef, &def), sz);
                        /* A 32-bit op with masked count 0 still zero-extends. */
                        if (r != er || ((f ^ ef) & def)) {
                            ok = false;
                            snprintf(name, sizeof name, "%s%d", shops[o].name, sz);
                            reportf(false, name, "a=0x%lx count %u flags-in 0x%lx: got 0x%lx flags 0x%lx, want 0x%lx flags 0x%lx (mask 0x%lx)",
                                    a, counts[j], fin, r, f & def, er, ef & def, def);
                        }
                    }
            if (ok) {
                snprintf(name, sizeof name, "%s%d", shops[o].name, sz);
                report(name, true);
            }
        }
}

/* ---- SHLD/SHRD (count < operand size: defined result). */
static void test_shld(void)
{
    uint64_t a = 0x123456789abcdef0ull, b = 0xfedcba9876543210ull, f = RFLAGS_FIXED1;
    asm(FLAGS_IN "shldq $8, %[b], %[a]" FLAGS_OUT : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc");
    reportf(a == 0x3456789abcdef0feull && !(f & CF), "shld64-imm8", "0x%lx flags 0x%lx", a, f);
    uint32_t x = 0x80000001, y = 0xc0000000;
    f = RFLAGS_FIXED1;
    asm(FLAGS_IN "shrdl $1, %[y], %[x]" FLAGS_OUT : [x] "+r"(x), [f] "+r"(f) : [y] "r"(y) : "cc");
    /* CF = last bit out (bit 0 of 0x80000001 = 1); OF = sign change (1 -> 0). */
    reportf(x == 0x40000000 && (f & CF) && (f & OF), "shrd32-1", "0x%x flags 0x%lx", x, f);
    uint16_t w = 0x8001, v = 0xffff;
    f = RFLAGS_FIXED1;
    uint64_t cnt = 4;
    asm(FLAGS_IN "shldw %%cl, %[v], %[w]" FLAGS_OUT : [w] "+r"(w), [f] "+r"(f) : [v] "r"(v), "c"(cnt) : "cc");
    reportf(w == 0x001f && !(f & CF) && !(f & ZF), "shld16-cl", "0x%x flags 0x%lx", w, f);
    a = 0x1234; f = RFLAGS_FIXED1 | CF;
    cnt = 64;                           /* masked to 0: nothing changes */
    asm(FLAGS_IN "shrdq %%cl, %[b], %[a]" FLAGS_OUT : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b), "c"(cnt) : "cc");
    reportf(a == 0x1234 && (f & CF), "shrd64-count-masked-0", "0x%lx flags 0x%lx", a, f);
}

/* ---- MUL / IMUL / DIV / IDIV. */
static void test_muldiv(void)
{
    uint64_t lo, hi, f = RFLAGS_FIXED1;
    asm(FLAGS_IN "mulq %[b]" FLAGS_OUT : "=a"(lo), "=d"(hi), [f] "+r"(f) : "a"(0xffffffffffffffffull), [b] "r"(0xffffffffffffffffull) : "cc");
    reportf(lo == 1 && hi == 0xfffffffffffffffeull && (f & CF) && (f & OF), "mul64", "0x%lx:%lx f 0x%lx", hi, lo, f);
    f = RFLAGS_FIXED1 | CF | OF;
    asm(FLAGS_IN "mulq %[b]" FLAGS_OUT : "=a"(lo), "=d"(hi), [f] "+r"(f) : "a"(3ull), [b] "r"(5ull) : "cc");
    reportf(lo == 15 && hi == 0 && !(f & (CF | OF)), "mul64-no-high", "0x%lx:%lx f 0x%lx", hi, lo, f);
    uint64_t ax = 0x12340000 | 0x80;
    f = RFLAGS_FIXED1;
    asm(FLAGS_IN "mulb %b[b]" FLAGS_OUT : "+a"(ax), [f] "+r"(f) : [b] "q"(0x02) : "cc");
    reportf((ax & 0xffffffff) == 0x12340100 && (f & CF), "mul8-ax", "0x%lx f 0x%lx", ax, f);
    f = RFLAGS_FIXED1;
    asm(FLAGS_IN "imulq %[b]" FLAGS_OUT : "=a"(lo), "=d"(hi), [f] "+r"(f) : "a"(-3ll), [b] "r"(7ull) : "cc");
    reportf(lo == (uint64_t)-21 && hi == ~0ull && !(f & (CF | OF)), "imul64-one-operand", "0x%lx:%lx f 0x%lx", hi, lo, f);
    uint64_t r = 0x4000000000000000ull;
    f = RFLAGS_FIXED1;
    asm(FLAGS_IN "imulq %[b], %[r]" FLAGS_OUT : [r] "+r"(r), [f] "+r"(f) : [b] "r"(2ull) : "cc");
    reportf(r == 0x8000000000000000ull && (f & CF) && (f & OF), "imul64-two-operand-overflow", "0x%lx f 0x%lx", r, f);
    uint32_t r32;
    f = RFLAGS_FIXED1;
    asm(FLAGS_IN "imull $-5, %[s], %[r]" FLAGS_OUT : [r] "=r"(r32), [f] "+r"(f) : [s] "r"(100) : "cc");
    reportf(r32 == (uint32_t)-500 && !(f & (CF | OF)), "imul32-three-operand", "0x%x f 0x%lx", r32, f);
    uint16_t r16 = 0;
    f = RFLAGS_FIXED1;
    asm(FLAGS_IN "imulw $300, %[s], %[r]" FLAGS_OUT : [r] "=r"(r16), [f] "+r"(f) : [s] "r"((uint16_t)300) : "cc");
    reportf(r16 == (uint16_t)90000 && (f & CF) && (f & OF), "imul16-three-operand-overflow", "0x%x f 0x%lx", r16, f);
    uint64_t q, rem;
    asm("divq %[d]" : "=a"(q), "=d"(rem) : "a"(0x10ull), "d"(1ull), [d] "r"(0x10ull) : "cc");
    reportf(q == 0x1000000000000001ull && rem == 0, "div128-by-64", "q 0x%lx r 0x%lx", q, rem);
    asm("idivq %[d]" : "=a"(q), "=d"(rem) : "a"(-7ll), "d"(-1ll), [d] "r"(2ull) : "cc");
    reportf(q == (uint64_t)-3 && rem == (uint64_t)-1, "idiv64-truncates-toward-zero", "q 0x%lx r 0x%lx", q, rem);
    ax = 0xffff0000 | 1003;
    asm("divb %b[d]" : "+a"(ax) : [d] "q"(10) : "cc");
    reportf((ax & 0xffffffff) == (0xffff0000 | (3 << 8) | 100), "div8-ah-al", "0x%lx", ax);
    uint32_t q32, r32b;
    asm("idivl %[d]" : "=a"(q32), "=d"(r32b) : "a"(100), "d"(0), [d] "r"(-7) : "cc");
    reportf(q32 == (uint32_t)-14 && r32b == 2, "idiv32", "q 0x%x r 0x%x", q32, r32b);
    asm volatile("xor %%edx, %%edx\n\tmov $0x8000, %%eax\n\tmov $-1, %%cx\n\tmov $0xffff, %%dx\n\t"
                 ASM_TRY_INSN("idivw %%cx") ::: "rax", "rcx", "rdx", "memory");
    expect_exception("idiv16-overflow-de", EXC_DE, 0, try_start);
    asm volatile("mov $1, %%eax\n\txor %%edx, %%edx\n\txor %%ecx, %%ecx\n\t"
                 ASM_TRY_INSN("divl %%ecx") ::: "rax", "rcx", "rdx", "memory");
    expect_exception("div32-by-zero-de", EXC_DE, 0, try_start);
}

/* ---- BT/BTS/BTR/BTC, BSF/BSR, LZCNT/TZCNT/POPCNT. */
static void test_bits(void)
{
    uint64_t v = 0x8000000000000001ull, f = RFLAGS_FIXED1 | ZF;
    asm(FLAGS_IN "btq $63, %[v]" FLAGS_OUT : [f] "+r"(f) : [v] "r"(v) : "cc");
    reportf((f & CF) && (f & ZF), "bt-reg-cf-zf-unchanged", "f 0x%lx", f);
    f = RFLAGS_FIXED1;
    asm(FLAGS_IN "btsq $4, %[v]" FLAGS_OUT : [v] "+r"(v), [f] "+r"(f) :: "cc");
    reportf(v == 0x8000000000000011ull && !(f & CF), "bts-reg", "0x%lx f 0x%lx", v, f);
    asm(FLAGS_IN "btrq $63, %[v]" FLAGS_OUT : [v] "+r"(v), [f] "+r"(f) :: "cc");
    reportf(v == 0x11 && (f & CF), "btr-reg", "0x%lx f 0x%lx", v, f);
    asm(FLAGS_IN "btcq $0, %[v]" FLAGS_OUT : [v] "+r"(v), [f] "+r"(f) :: "cc");
    reportf(v == 0x10 && (f & CF), "btc-reg", "0x%lx f 0x%lx", v, f);
    uint64_t idx = 64 + 3;              /* register bit offset is taken modulo 64 */
    v = 0x8;
    asm(FLAGS_IN "btq %[i], %[v]" FLAGS_OUT : [f] "+r"(f) : [v] "r"(v), [i] "r"(idx) : "cc");
    report("bt-reg-offset-modulo", (f & CF) != 0);
    /* Memory operand with a register bit offset addresses bytes outside
     * the operand ("Bit(BitBase, BitOffset)"), also negative offsets. */
    static uint8_t bitmap[512];
    memset(bitmap, 0, sizeof bitmap);
    uint8_t *base = bitmap + 256;
    idx = 1000;
    asm(FLAGS_IN "btsq %[i], (%[b])" FLAGS_OUT : [f] "+r"(f) : [b] "r"(base), [i] "r"(idx) : "cc", "memory");
    reportf(base[125] == 1 && !(f & CF), "bts-mem-large-offset", "byte 0x%x", base[125]);
    idx = (uint64_t)-9;
    asm(FLAGS_IN "btsl %k[i], (%[b])" FLAGS_OUT : [f] "+r"(f) : [b] "r"(base), [i] "r"(idx) : "cc", "memory");
    reportf(base[-2] == 0x80, "bts-mem-negative-offset", "byte 0x%x", base[-2]);
    idx = 1000;
    asm(FLAGS_IN "btq %[i], (%[b])" FLAGS_OUT : [f] "+r"(f) : [b] "r"(base), [i] "r"(idx) : "cc", "memory");
    report("bt-mem-large-offset", (f & CF) != 0);
    asm(FLAGS_IN "btrw %w[i], (%[b])" FLAGS_OUT : [f] "+r"(f) : [b] "r"(base), [i] "r"(idx) : "cc", "memory");
    reportf(base[125] == 0 && (f & CF), "btr-mem16-offset", "byte 0x%x", base[125]);

    uint64_t r = 0x1234;
    f = RFLAGS_FIXED1;
    asm(FLAGS_IN "bsfq %[s], %[r]" FLAGS_OUT : [r] "+r"(r), [f] "+r"(f) : [s] "r"(0x8000000000000100ull) : "cc");
    reportf(r == 8 && !(f & ZF), "bsf", "%lu f 0x%lx", r, f);
    asm(FLAGS_IN "bsrq %[s], %[r]" FLAGS_OUT : [r] "+r"(r), [f] "+r"(f) : [s] "r"(0x8000000000000100ull) : "cc");
    reportf(r == 63 && !(f & ZF), "bsr", "%lu f 0x%lx", r, f);
    asm(FLAGS_IN "bsfq %[s], %[r]" FLAGS_OUT : [r] "+r"(r), [f] "+r"(f) : [s] "r"(0ull) : "cc");
    report("bsf-zero-sets-zf", (f & ZF) != 0);
    f = RFLAGS_FIXED1;
    asm(FLAGS_IN "bsrl %k[s], %k[r]" FLAGS_OUT : [r] "+r"(r), [f] "+r"(f) : [s] "r"(0u) : "cc");
    report("bsr-zero-sets-zf", (f & ZF) != 0);

    if (cpu_has(1, 0, 2, CPUID_1_ECX_POPCNT)) {
        f = RFLAGS_FIXED1 | ARITH;
        asm(FLAGS_IN "popcntq %[s], %[r]" FLAGS_OUT : [r] "=r"(r), [f] "+r"(f) : [s] "r"(0xf0f0f0f0f0f0f0f1ull) : "cc");
        reportf(r == 33 && !(f & ARITH), "popcnt", "%lu f 0x%lx", r, f);
        f = RFLAGS_FIXED1;
        asm(FLAGS_IN "popcntw %w[s], %w[r]" FLAGS_OUT : [r] "=r"(r), [f] "+r"(f) : [s] "r"(0) : "cc");
        reportf((f & ARITH) == ZF, "popcnt-zero-zf", "f 0x%lx", f);
    } else report_skip("popcnt", "CPUID.1:ECX.POPCNT is 0");
    if (cpu_has(0x80000001, 0, 2, CPUID_80000001_ECX_ABM)) {
        f = RFLAGS_FIXED1;
        asm(FLAGS_IN "lzcntq %[s], %[r]" FLAGS_OUT : [r] "=r"(r), [f] "+r"(f) : [s] "r"(0x00ff000000000000ull) : "cc");
        reportf(r == 8 && !(f & (CF | ZF)), "lzcnt", "%lu f 0x%lx", r, f);
        asm(FLAGS_IN "lzcntl %k[s], %k[r]" FLAGS_OUT : [r] "=r"(r), [f] "+r"(f) : [s] "r"(0ull) : "cc");
        reportf(r == 32 && (f & CF) && !(f & ZF), "lzcnt-zero", "%lu f 0x%lx", r, f);
    } else report_skip("lzcnt", "CPUID.80000001H:ECX.ABM is 0");
    if (cpu_has(7, 0, 1, CPUID_7_EBX_BMI1)) {
        f = RFLAGS_FIXED1;
        asm(FLAGS_IN "tzcntq %[s], %[r]" FLAGS_OUT : [r] "=r"(r), [f] "+r"(f) : [s] "r"(0x100ull) : "cc");
        reportf(r == 8 && !(f & (CF | ZF)), "tzcnt", "%lu f 0x%lx", r, f);
        asm(FLAGS_IN "tzcntw %w[s], %w[r]" FLAGS_OUT : [r] "=r"(r), [f] "+r"(f) : [s] "r"(0ull) : "cc");
        reportf((r & 0xffff) == 16 && (f & CF), "tzcnt-zero", "%lu f 0x%lx", r, f);
        asm(FLAGS_IN "tzcntq %[s], %[r]" FLAGS_OUT : [r] "=r"(r), [f] "+r"(f) : [s] "r"(1ull) : "cc");
        reportf(r == 0 && (f & ZF), "tzcnt-result-zero-zf", "%lu f 0x%lx", r, f);
    } else {
        /* Without BMI1, F3 0F BC is BSF with an ignored REP prefix — SDM
         * "TZCNT" (Operation on processors without BMI1): a zero source
         * sets ZF and leaves the destination alone. */
        f = RFLAGS_FIXED1;
        asm(FLAGS_IN "tzcntq %[s], %[r]" FLAGS_OUT : [r] "=r"(r), [f] "+r"(f) : [s] "r"(0x100ull) : "cc");
        reportf(r == 8 && !(f & ZF), "tzcnt-without-bmi1-is-bsf", "%lu f 0x%lx", r, f);
        r = 0x1234;
        asm(FLAGS_IN "tzcntq %[s], %[r]" FLAGS_OUT : [r] "+r"(r), [f] "+r"(f) : [s] "r"(0ull) : "cc");
        reportf(r == 0x1234 && (f & ZF), "tzcnt-without-bmi1-zero-source", "%lu f 0x%lx", r, f);
    }
}

/* ---- CMPXCHG, CMPXCHG8B/16B, XADD, XCHG, BSWAP. */
static void test_atomics(void)
{
    uint64_t mem = 5, rax = 5, f = RFLAGS_FIXED1;
    asm(FLAGS_IN "lock cmpxchgq %[n], %[m]" FLAGS_OUT : [m] "+m"(mem), "+a"(rax), [f] "+r"(f) : [n] "r"(9ull) : "cc");
    reportf(mem == 9 && rax == 5 && (f & ZF), "cmpxchg-equal", "mem %lu rax %lu f 0x%lx", mem, rax, f);
    rax = 4;
    asm(FLAGS_IN "cmpxchgq %[n], %[m]" FLAGS_OUT : [m] "+m"(mem), "+a"(rax), [f] "+r"(f) : [n] "r"(7ull) : "cc");
    reportf(mem == 9 && rax == 9 && !(f & ZF) && (f & CF), "cmpxchg-not-equal", "mem %lu rax %lu f 0x%lx", mem, rax, f);
    uint32_t m32 = 0x11111111;
    uint64_t rax64 = 0xffffffff22222222ull;
    asm(FLAGS_IN "cmpxchgl %[n], %[m]" FLAGS_OUT : [m] "+m"(m32), "+a"(rax64), [f] "+r"(f) : [n] "r"(0) : "cc");
    reportf(rax64 == 0x11111111, "cmpxchg32-fail-zero-extends-eax", "rax 0x%lx", rax64);
    uint64_t m8b = 0x1111111122222222ull;
    uint32_t a = 0x22222222, d = 0x11111111;
    asm(FLAGS_IN "lock cmpxchg8b %[m]" FLAGS_OUT : [m] "+m"(m8b), "+a"(a), "+d"(d), [f] "+r"(f) : "b"(0x44444444), "c"(0x33333333) : "cc");
    reportf(m8b == 0x3333333344444444ull && (f & ZF), "cmpxchg8b-equal", "mem 0x%lx f 0x%lx", m8b, f);
    asm(FLAGS_IN "cmpxchg8b %[m]" FLAGS_OUT : [m] "+m"(m8b), "+a"(a), "+d"(d), [f] "+r"(f) : "b"(0), "c"(0) : "cc");
    reportf(a == 0x44444444 && d == 0x33333333 && !(f & ZF), "cmpxchg8b-not-equal", "edx:eax 0x%x:%x", d, a);
    if (cpu_has(1, 0, 2, CPUID_1_ECX_CX16)) {
        static uint64_t m16[2] __attribute__((aligned(16))) = { 1, 2 };
        uint64_t lo = 1, hi = 2;
        asm(FLAGS_IN "lock cmpxchg16b %[m]" FLAGS_OUT : [m] "+m"(m16), "+a"(lo), "+d"(hi), [f] "+r"(f) : "b"(3ull), "c"(4ull) : "cc");
        reportf(m16[0] == 3 && m16[1] == 4 && (f & ZF), "cmpxchg16b-equal", "mem %lu %lu", m16[0], m16[1]);
        static uint64_t mis[3] __attribute__((aligned(16)));
        asm volatile(ASM_TRY_INSN("cmpxchg16b (%0)") :: "r"((uint8_t *)mis + 8), "a"(0), "d"(0), "b"(0), "c"(0) : "memory", "cc");
        expect_exception("cmpxchg16b-misaligned-gp", EXC_GP, 0, try_start);
    } else report_skip("cmpxchg16b", "CPUID.1:ECX.CX16 is 0");
    uint64_t x = 0x7fffffffffffffffull, y = 1;
    f = RFLAGS_FIXED1;
    asm(FLAGS_IN "xaddq %[y], %[x]" FLAGS_OUT : [x] "+r"(x), [y] "+r"(y), [f] "+r"(f) :: "cc");
    reportf(x == 0x8000000000000000ull && y == 0x7fffffffffffffffull && (f & OF) && (f & SF), "xadd", "x 0x%lx y 0x%lx f 0x%lx", x, y, f);
    uint16_t w1 = 0x1234; uint64_t w2 = 0xffffffffffff5678ull;
    asm("xchgw %w[b], %[a]" : [a] "+m"(w1), [b] "+r"(w2));
    reportf(w1 == 0x5678 && w2 == 0xffffffffffff1234ull, "xchg16-keeps-upper", "0x%x 0x%lx", w1, w2);
    uint64_t bs = 0x0102030405060708ull;
    asm("bswapq %0" : "+r"(bs));
    uint64_t bs32 = 0xffffffff11223344ull;
    asm("bswapl %k0" : "+r"(bs32));
    reportf(bs == 0x0807060504030201ull && bs32 == 0x44332211, "bswap", "0x%lx 0x%lx", bs, bs32);
}

/* ---- Jcc/SETcc/CMOVcc conditions ("Jcc": condition table). */
#define DEF_SETCC(cc) \
    static int set_##cc(uint64_t f) { uint8_t r; \
        asm("pushq %1\n\tpopfq\n\tset" #cc " %0" : "=q"(r) : "r"(f) : "cc"); return r; } \
    static int cmov_##cc(uint64_t f) { uint64_t r = 0; \
        asm("pushq %1\n\tpopfq\n\tcmov" #cc "q %2, %0" : "+r"(r) : "r"(f), "r"(1ull) : "cc"); return (int)r; }
DEF_SETCC(o) DEF_SETCC(no) DEF_SETCC(b) DEF_SETCC(ae) DEF_SETCC(e) DEF_SETCC(ne)
DEF_SETCC(be) DEF_SETCC(a) DEF_SETCC(s) DEF_SETCC(ns) DEF_SETCC(p) DEF_SETCC(np)
DEF_SETCC(l) DEF_SETCC(ge) DEF_SETCC(le) DEF_SETCC(g)

static int cond(int cc, uint64_t f)
{
    bool c = f & CF, z = f & ZF, s = f & SF, o = f & OF, p = f & PF, r = false;
    switch (cc >> 1) {
    case 0: r = o; break;
    case 1: r = c; break;
    case 2: r = z; break;
    case 3: r = c || z; break;
    case 4: r = s; break;
    case 5: r = p; break;
    case 6: r = s != o; break;
    case 7: r = z || s != o; break;
    }
    return (cc & 1) ? !r : r;
}

static void test_conditions(void)
{
    int (*const set[16])(uint64_t) = { set_o, set_no, set_b, set_ae, set_e, set_ne, set_be, set_a,
        set_s, set_ns, set_p, set_np, set_l, set_ge, set_le, set_g };
    int (*const cmov[16])(uint64_t) = { cmov_o, cmov_no, cmov_b, cmov_ae, cmov_e, cmov_ne, cmov_be,
        cmov_a, cmov_s, cmov_ns, cmov_p, cmov_np, cmov_l, cmov_ge, cmov_le, cmov_g };
    static const char *const names[16] = { "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns",
        "p", "np", "l", "ge", "le", "g" };
    static const uint64_t bits[5] = { CF, ZF, SF, OF, PF };
    char name[24];
    for (int cc = 0; cc < 16; cc++) {
        bool ok_set = true, ok_cmov = true;
        for (int m = 0; m < 32; m++) {
            uint64_t f = RFLAGS_FIXED1;
            for (int b = 0; b < 5; b++) if (m & (1 << b)) f |= bits[b];
            if (set[cc](f) != cond(cc, f)) ok_set = false;
            if (cmov[cc](f) != cond(cc, f)) ok_cmov = false;
        }
        snprintf(name, sizeof name, "set%s", names[cc]);
        report(name, ok_set);
        snprintf(name, sizeof name, "cmov%s", names[cc]);
        report(name, ok_cmov);
    }
    /* CMOV with a 32-bit operand zero-extends even when the condition is false. */
    uint64_t r = 0xffffffff00000005ull;
    asm("xor %%eax, %%eax\n\tcmovnel %k1, %k0" : "+r"(r) : "r"(7) : "rax", "cc");
    reportf(r == 5, "cmov32-false-zero-extends", "0x%lx", r);
}

/* ---- LOOP/JRCXZ, ENTER/LEAVE, PUSHF/POPF, sign extension, MOVSX/MOVZX, LEA. */
static void test_misc(void)
{
    uint64_t n = 0, rcx = 5;
    asm("1: inc %0\n\tloop 1b" : "+r"(n), "+c"(rcx));
    reportf(n == 5 && rcx == 0, "loop", "n %lu rcx %lu", n, rcx);
    n = 0; rcx = 10;
    asm("xor %%eax, %%eax\n1: inc %0\n\tcmp $3, %0\n\tloopne 1b" : "+r"(n), "+c"(rcx) :: "rax", "cc");
    reportf(n == 3 && rcx == 7, "loopne-stops-on-zf", "n %lu rcx %lu", n, rcx);
    n = 0; rcx = 10;
    asm("1: inc %0\n\tcmp %0, %0\n\tloope 1b" : "+r"(n), "+c"(rcx) :: "cc");
    reportf(n == 10 && rcx == 0, "loope-runs-to-rcx-zero", "n %lu rcx %lu", n, rcx);
    n = 0; rcx = 0x100000001ull;
    asm("1: inc %0\n\taddr32 loop 1b" : "+r"(n), "+c"(rcx));
    reportf(n == 1 && (rcx & 0xffffffff) == 0, "loop-addr32-uses-ecx", "n %lu rcx 0x%lx", n, rcx);
    uint64_t taken;
    asm("xor %%ecx, %%ecx\n\tmov $1, %0\n\tjrcxz 1f\n\tmov $0, %0\n1:" : "=r"(taken) :: "rcx");
    report("jrcxz-taken", taken == 1);
    asm("mov $0x100000000, %%rcx\n\tmov $1, %0\n\tjecxz 1f\n\tmov $0, %0\n1:" : "=r"(taken) :: "rcx");
    report("jecxz-ignores-upper-rcx", taken == 1);

    uint64_t rsp0, rbp1, rsp1, rbp2, rsp2, slot;
    asm volatile("mov %%rbp, %%r8\n\tmov %%rsp, %0\n\tenter $24, $0\n\tmov %%rbp, %1\n\tmov %%rsp, %2\n\t"
                 "leave\n\tmov %%rsp, %3\n\tmov %%rbp, %4\n\tmov %%r8, %%rbp"
                 : "=&r"(rsp0), "=&r"(rbp1), "=&r"(rsp1), "=&r"(rsp2), "=&r"(rbp2) :: "r8", "memory");
    reportf(rbp1 == rsp0 - 8 && rsp1 == rsp0 - 32 && rsp2 == rsp0, "enter-leave",
            "rsp0 0x%lx rbp 0x%lx rsp 0x%lx after 0x%lx", rsp0, rbp1, rsp1, rsp2);
    asm volatile("mov %%rbp, %%r8\n\tmov %%rsp, %0\n\tenter $16, $1\n\tmov %%rbp, %1\n\tmov %%rsp, %2\n\t"
                 "mov -8(%%rbp), %3\n\tleave\n\tmov %%r8, %%rbp"
                 : "=&r"(rsp0), "=&r"(rbp1), "=&r"(rsp1), "=&r"(slot) :: "r8", "memory");
    /* Level 1: push RBP, then push the frame pointer itself, then allocate. */
    reportf(rbp1 == rsp0 - 8 && slot == rbp1 && rsp1 == rsp0 - 16 - 16, "enter-level1",
            "rsp0 0x%lx rbp 0x%lx rsp 0x%lx slot 0x%lx", rsp0, rbp1, rsp1, slot);
    (void)rbp2;

    uint64_t old = read_rflags(), got;
    uint64_t want = RFLAGS_FIXED1 | ARITH | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC | RFLAGS_ID | RFLAGS_IOPL;
    asm volatile("pushq %1\n\tpopfq\n\tpushfq\n\tpopq %0\n\tpushq %2\n\tpopfq"
                 : "=r"(got) : "r"(want | (1u << 3) | (1u << 5) | (1u << 15)), "r"(old) : "cc", "memory");
    reportf(got == want, "popf-pushf-reserved-bits", "got 0x%lx want 0x%lx", got, want);
    asm volatile("pushq $0\n\tpopfq\n\tpushfq\n\tpopq %0\n\tpushq %1\n\tpopfq" : "=r"(got) : "r"(old) : "cc", "memory");
    reportf(got == RFLAGS_FIXED1, "popf-zero-bit1-reads-1", "0x%lx", got);
    asm volatile("pushq %1\n\tpopfq\n\tpushfq\n\tpopq %0\n\tpushq %2\n\tpopfq"
                 : "=r"(got) : "r"((uint64_t)RFLAGS_VM | RFLAGS_RF | RFLAGS_FIXED1), "r"(old) : "cc", "memory");
    reportf(!(got & (RFLAGS_VM | RFLAGS_RF)), "popf-cannot-set-vm-rf", "0x%lx", got);

    uint64_t r;
    asm("mov $0xffffffffffff0080, %0\n\tcbw" : "=a"(r));
    reportf(r == 0xffffffffffffff80ull, "cbw", "0x%lx", r);
    asm("mov $0xffffffff00008000, %0\n\tcwde" : "=a"(r));
    reportf(r == 0xffff8000ull, "cwde-zero-extends", "0x%lx", r);
    asm("mov $0x80000000, %0\n\tcdqe" : "=a"(r));
    reportf(r == 0xffffffff80000000ull, "cdqe", "0x%lx", r);
    uint64_t d;
    asm("mov $0x8000, %%eax\n\tmov $0x12345678, %%edx\n\tcwd" : "=a"(r), "=d"(d));
    reportf((d & 0xffffffff) == 0x1234ffff, "cwd", "0x%lx", d);
    asm("mov $0x80000000, %%eax\n\tcdq" : "=a"(r), "=d"(d));
    reportf(d == 0xffffffff, "cdq", "0x%lx", d);
    asm("mov $0x8000000000000000, %%rax\n\tcqo" : "=a"(r), "=d"(d));
    reportf(d == ~0ull, "cqo", "0x%lx", d);
    asm("movsbq %b1, %0" : "=r"(r) : "q"(0x80));
    reportf(r == 0xffffffffffffff80ull, "movsx-8-64", "0x%lx", r);
    asm("movswl %w1, %k0" : "=r"(r) : "r"(0x8001));
    reportf(r == 0xffff8001ull, "movsx-16-32-zero-extends", "0x%lx", r);
    asm("movslq %k1, %0" : "=r"(r) : "r"(0x80000000u));
    reportf(r == 0xffffffff80000000ull, "movsxd", "0x%lx", r);
    r = ~0ull;
    asm("movzbw %b1, %w0" : "+r"(r) : "q"(0xff));
    reportf(r == 0xffffffffffff00ffull, "movzx-8-16-keeps-upper", "0x%lx", r);
    asm("movzwq %w1, %0" : "=r"(r) : "r"(0xffffffffu));
    reportf(r == 0xffff, "movzx-16-64", "0x%lx", r);

    /* LEA ("Specifying an Offset"): base + index*scale + disp, RIP-relative,
     * 32-bit address size, 16/32-bit operand size. */
    uint64_t base = 0x1000, idx = 0x20;
    asm("lea 0x7(%1,%2,8), %0" : "=r"(r) : "r"(base), "r"(idx));
    reportf(r == 0x1107, "lea-base-index-scale-disp", "0x%lx", r);
    asm("lea -0x10(,%1,4), %0" : "=r"(r) : "r"(idx));
    reportf(r == 0x70, "lea-index-only", "0x%lx", r);
    uint64_t here;
    asm("lea 0(%%rip), %0\n1:\n\tlea 1b(%%rip), %1" : "=r"(r), "=r"(here));
    reportf(r == here, "lea-rip-relative-is-next-insn", "0x%lx vs 0x%lx", r, here);
    asm("lea (%k1,%k2), %k0" : "=r"(r) : "r"(0xffffffffull), "r"(2ull));
    reportf(r == 1, "lea-32bit-operand-wraps", "0x%lx", r);
    asm(".byte 0x67\n\tlea 0x10(%1,%2), %0" : "=r"(r) : "r"(0xfffffff8ull), "r"(0x100000000ull));
    reportf(r == 8, "lea-addr32-truncates", "0x%lx", r);
    r = 0xffffffffffffffffull;
    asm("lea 0x1234(%1), %w0" : "+r"(r) : "r"(0x10000ull));
    reportf(r == 0xffffffffffff1234ull, "lea-16bit-operand", "0x%lx", r);
    asm("lea (%1,%1,2), %0" : "=r"(r) : "r"(0x8000000000000000ull));
    reportf(r == 0x8000000000000000ull, "lea-64bit-wraps", "0x%lx", r);
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    test_binops();
    test_shifts();
    test_shld();
    test_muldiv();
    test_bits();
    test_atomics();
    test_conditions();
    test_misc();
    return report_summary();
}
