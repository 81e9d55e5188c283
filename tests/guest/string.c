/* String instructions: MOVS, STOS, LODS, CMPS, SCAS; REP/REPE/REPNE; DF.
 * SDM Vol. 2, "MOVS/MOVSB/...", "REP/REPE/REPZ/REPNE/REPNZ", and Vol. 1
 * "String Instructions". */
#include "kern.h"

static uint8_t src[256], dst[256];
struct regs { uint64_t rsi, rdi, rcx, rax, f; };

#define RUN(insn, r) \
    asm volatile("pushq %[f]\n\tpopfq\n\t" insn "\n\tpushfq\n\tpopq %[f]\n\tcld" \
                 : "+S"((r).rsi), "+D"((r).rdi), "+c"((r).rcx), "+a"((r).rax), [f] "+r"((r).f) :: "memory", "cc")

static void fill(void)
{
    for (int i = 0; i < 256; i++) { src[i] = (uint8_t)i; dst[i] = 0xee; }
}

static void test_movs_stos(void)
{
    static const struct { const char *name; int size; } sz[4] = {
        { "movsb", 1 }, { "movsw", 2 }, { "movsl", 4 }, { "movsq", 8 } };
    char name[40];
    for (int s = 0; s < 4; s++) {
        /* DF=0: forward, RSI/RDI advance by size per element. */
        fill();
        struct regs r = { (uint64_t)src + 8, (uint64_t)dst + 8, 5, 0, RFLAGS_FIXED1 };
        switch (s) {
        case 0: RUN("rep movsb", r); break;
        case 1: RUN("rep movsw", r); break;
        case 2: RUN("rep movsl", r); break;
        case 3: RUN("rep movsq", r); break;
        }
        int n = 5 * sz[s].size;
        bool ok = !memcmp(dst + 8, src + 8, n) && dst[7] == 0xee && dst[8 + n] == 0xee &&
                  r.rcx == 0 && r.rsi == (uint64_t)src + 8 + n && r.rdi == (uint64_t)dst + 8 + n;
        snprintf(name, sizeof name, "rep-%s-df0", sz[s].name);
        reportf(ok, name, "rsi +%ld rdi +%ld rcx %lu", r.rsi - (uint64_t)src - 8, r.rdi - (uint64_t)dst - 8, r.rcx);
        /* DF=1: backward from the last element. */
        fill();
        r = (struct regs){ (uint64_t)src + 64, (uint64_t)dst + 64, 4, 0, RFLAGS_FIXED1 | RFLAGS_DF };
        switch (s) {
        case 0: RUN("rep movsb", r); break;
        case 1: RUN("rep movsw", r); break;
        case 2: RUN("rep movsl", r); break;
        case 3: RUN("rep movsq", r); break;
        }
        n = 4 * sz[s].size;
        ok = !memcmp(dst + 64 - n + sz[s].size, src + 64 - n + sz[s].size, n) &&
             dst[64 + sz[s].size] == 0xee && dst[64 - n + sz[s].size - 1] == 0xee &&
             r.rcx == 0 && r.rsi == (uint64_t)src + 64 - n && r.rdi == (uint64_t)dst + 64 - n;
        snprintf(name, sizeof name, "rep-%s-df1", sz[s].name);
        reportf(ok, name, "rsi %ld rdi %ld rcx %lu", r.rsi - (uint64_t)src - 64, r.rdi - (uint64_t)dst - 64, r.rcx);
    }
    /* RCX = 0: nothing happens, registers unchanged. */
    fill();
    struct regs r = { (uint64_t)src, (uint64_t)dst, 0, 0, RFLAGS_FIXED1 };
    RUN("rep movsq", r);
    reportf(dst[0] == 0xee && r.rsi == (uint64_t)src && r.rdi == (uint64_t)dst, "rep-movs-rcx0", "rsi +%ld", r.rsi - (uint64_t)src);
    /* Single MOVS without REP ignores RCX. */
    r = (struct regs){ (uint64_t)src, (uint64_t)dst, 0, 0, RFLAGS_FIXED1 };
    RUN("movsl", r);
    reportf(!memcmp(dst, src, 4) && dst[4] == 0xee && r.rdi == (uint64_t)dst + 4, "movs-no-rep", "rdi +%ld", r.rdi - (uint64_t)dst);

    static const char *const sn[4] = { "stosb", "stosw", "stosl", "stosq" };
    for (int s = 0; s < 4; s++) {
        fill();
        r = (struct regs){ 0, (uint64_t)dst + 16, 3, 0x1122334455667788ull, RFLAGS_FIXED1 };
        switch (s) {
        case 0: RUN("rep stosb", r); break;
        case 1: RUN("rep stosw", r); break;
        case 2: RUN("rep stosl", r); break;
        case 3: RUN("rep stosq", r); break;
        }
        int size = 1 << s;
        bool ok = r.rcx == 0 && r.rdi == (uint64_t)dst + 16 + 3 * size && dst[16 + 3 * size] == 0xee;
        for (int i = 0; i < 3 * size; i++)
            ok = ok && dst[16 + i] == ((const uint8_t *)&(uint64_t){ 0x1122334455667788ull })[i % size];
        snprintf(name, sizeof name, "rep-%s", sn[s]);
        reportf(ok, name, "rdi +%ld", r.rdi - (uint64_t)dst - 16);
    }
    /* LODS: loads and advances; 32-bit form zero-extends RAX. */
    fill();
    r = (struct regs){ (uint64_t)src + 4, 0, 0, ~0ull, RFLAGS_FIXED1 };
    RUN("lodsl", r);
    reportf(r.rax == 0x07060504 && r.rsi == (uint64_t)src + 8, "lodsl", "rax 0x%lx", r.rax);
    r = (struct regs){ (uint64_t)src + 4, 0, 0, ~0ull, RFLAGS_FIXED1 | RFLAGS_DF };
    RUN("lodsw", r);
    reportf(r.rax == 0xffffffffffff0504ull && r.rsi == (uint64_t)src + 2, "lodsw-df1-keeps-upper", "rax 0x%lx", r.rax);
    r = (struct regs){ (uint64_t)src + 4, 0, 3, 0, RFLAGS_FIXED1 };
    RUN("rep lodsb", r);
    reportf((r.rax & 0xff) == 6 && r.rcx == 0 && r.rsi == (uint64_t)src + 7, "rep-lodsb", "rax 0x%lx", r.rax);
}

static void test_cmps_scas(void)
{
    static uint8_t a[32], b[32];
    for (int i = 0; i < 32; i++) a[i] = b[i] = (uint8_t)(i + 1);
    b[10] = 0x80;
    /* REPE CMPSB stops after the first difference, flags from that compare. */
    struct regs r = { (uint64_t)a, (uint64_t)b, 32, 0, RFLAGS_FIXED1 };
    RUN("repe cmpsb", r);
    reportf(r.rcx == 32 - 11 && r.rsi == (uint64_t)a + 11 && r.rdi == (uint64_t)b + 11 &&
            !(r.f & RFLAGS_ZF) && (r.f & RFLAGS_CF), "repe-cmpsb-stops-at-difference",
            "rcx %lu rsi +%ld flags 0x%lx", r.rcx, r.rsi - (uint64_t)a, r.f);
    /* CMPS computes [RSI] - [RDI]: 11 - 0x80 = 0x8b: borrow, sign, and a
     * signed overflow (11 - (-128) = 139). */
    reportf((r.f & (RFLAGS_SF | RFLAGS_OF | RFLAGS_CF)) == (RFLAGS_SF | RFLAGS_OF | RFLAGS_CF), "cmpsb-flags-src-minus-dst", "flags 0x%lx", r.f);
    r = (struct regs){ (uint64_t)a, (uint64_t)a, 4, 0, RFLAGS_FIXED1 };
    RUN("repe cmpsq", r);
    reportf(r.rcx == 0 && r.rsi == (uint64_t)a + 32 && (r.f & RFLAGS_ZF), "repe-cmpsq-all-equal",
            "rcx %lu", r.rcx);
    r = (struct regs){ (uint64_t)a, (uint64_t)b, 0, 0, RFLAGS_FIXED1 | RFLAGS_ZF | RFLAGS_CF };
    RUN("repe cmpsb", r);
    reportf(r.rsi == (uint64_t)a && (r.f & RFLAGS_ARITH) == (RFLAGS_ZF | RFLAGS_CF), "repe-cmps-rcx0-flags-unchanged",
            "flags 0x%lx", r.f);
    /* REPNE CMPSW stops at the first equal element. */
    static uint16_t w1[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, w2[8] = { 9, 9, 9, 4, 9, 9, 9, 9 };
    r = (struct regs){ (uint64_t)w1, (uint64_t)w2, 8, 0, RFLAGS_FIXED1 };
    RUN("repne cmpsw", r);
    reportf(r.rcx == 4 && r.rsi == (uint64_t)(w1 + 4) && (r.f & RFLAGS_ZF), "repne-cmpsw-stops-at-equal",
            "rcx %lu", r.rcx);
    /* SCAS compares RAX with [RDI]. */
    static const char str[] = "hello, world";
    r = (struct regs){ 0, (uint64_t)str, 100, 0, RFLAGS_FIXED1 };
    RUN("repne scasb", r);
    reportf(r.rdi == (uint64_t)str + sizeof str && r.rcx == 100 - sizeof str && (r.f & RFLAGS_ZF),
            "repne-scasb-strlen", "rdi +%ld rcx %lu", r.rdi - (uint64_t)str, r.rcx);
    r = (struct regs){ 0, (uint64_t)str + 11, 100, 'l', RFLAGS_FIXED1 | RFLAGS_DF };
    RUN("repne scasb", r);
    reportf(r.rdi == (uint64_t)str + 9 && r.rcx == 98, "repne-scasb-df1-backward",
            "rdi +%ld rcx %lu", r.rdi - (uint64_t)str, r.rcx);
    static uint32_t d[4] = { 7, 7, 7, 8 };
    r = (struct regs){ 0, (uint64_t)d, 4, 0xffffffff00000007ull, RFLAGS_FIXED1 };
    RUN("repe scasl", r);
    reportf(r.rcx == 0 && r.rdi == (uint64_t)(d + 4) && !(r.f & RFLAGS_ZF) && (r.f & RFLAGS_CF),
            "repe-scasl-eax-only", "rcx %lu flags 0x%lx", r.rcx, r.f);
    /* Address-size override: REP counts with ECX (the upper half of RCX is
     * not compared: only ECX is specified as the counter). */
    fill();
    r = (struct regs){ (uint64_t)src, (uint64_t)dst, 0x100000002ull, 0, RFLAGS_FIXED1 };
    RUN(".byte 0x67\n\trep movsb", r);
    reportf((r.rcx & 0xffffffff) == 0 && r.rdi == (uint64_t)dst + 2 && dst[2] == 0xee,
            "rep-movs-addr32-uses-ecx", "rcx 0x%lx rdi +%ld", r.rcx, r.rdi - (uint64_t)dst);
}

static void test_faults(void)
{
    /* A fault in the middle of REP MOVS leaves RSI/RDI/RCX describing the
     * remaining iterations ("REP ... can be interrupted"). */
    static uint8_t buf[64];
    volatile uint64_t *pte = pte_get(0x900000 + 0x1000);
    uint64_t save = *pte;
    *pte &= ~PTE_P;
    invlpg((void *)(0x900000 + 0x1000));
    uint64_t rsi = (uint64_t)buf, rdi = 0x900000 + 0x1000 - 16, rcx = 40;
    asm volatile(ASM_TRY("1f") "rep movsb\n\tmovq $0, catch_recover_rip(%%rip)\n1:"
                 : "+S"(rsi), "+D"(rdi), "+c"(rcx) :: "memory");
    *pte = save;
    invlpg((void *)(0x900000 + 0x1000));
    reportf(caught.vector == EXC_PF && caught.cr2 == 0x901000 && caught.frame.rcx == 24 &&
            caught.frame.rdi == 0x901000 && caught.frame.rsi == (uint64_t)buf + 16,
            "rep-movsb-fault-state", "vector %d cr2 0x%lx rcx %lu rdi 0x%lx", caught.vector, caught.cr2,
            caught.frame.rcx, caught.frame.rdi);
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    test_movs_stos();
    test_cmps_scas();
    test_faults();
    return report_summary();
}
