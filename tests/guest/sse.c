/* SSE/SSE2 basics and their system controls. SDM Vol. 3A, "System
 * Programming for Instruction Set Extensions" (CR4.OSFXSR, CR0.EM/MP/TS),
 * Vol. 2 FXSAVE/FXRSTOR, MOVAPS, PSHUFD, PUNPCK*. SSE code is inline asm:
 * the kernel is built with -mno-sse. */
#include "kern.h"

typedef struct { uint64_t lo, hi; } __attribute__((aligned(16))) x128;
static uint8_t fx_area[512] __attribute__((aligned(16))), fx_area2[512] __attribute__((aligned(16)));

static bool eq(x128 a, uint64_t lo, uint64_t hi) { return a.lo == lo && a.hi == hi; }

#define OP2(insn, a, b) ({ x128 _r = (a), _s = (b); \
    asm("movdqa %0, %%xmm0\n\tmovdqa %1, %%xmm1\n\t" insn " %%xmm1, %%xmm0\n\tmovdqa %%xmm0, %0" \
        : "+m"(_r) : "m"(_s)); _r; })

static void enable_sse(void)
{
    write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

static void test_moves(void)
{
    static x128 a = { 0x0123456789abcdefull, 0xfedcba9876543210ull }, r;
    static uint8_t buf[48] __attribute__((aligned(16)));
    asm("movaps %1, %%xmm2\n\tmovaps %%xmm2, %0" : "=m"(r) : "m"(a));
    report("movaps-round-trip", eq(r, a.lo, a.hi));
    memcpy(buf + 1, &a, 16);
    asm("movups %1, %%xmm3\n\tmovdqu %%xmm3, %0" : "=m"(*(x128 *)(buf + 17)) : "m"(*(x128 *)(buf + 1)));
    report("movups-movdqu-unaligned", !memcmp(buf + 17, &a, 16));
    asm("movdqa %1, %%xmm4\n\tmovdqa %%xmm4, %0" : "=m"(r) : "m"(a));
    report("movdqa", eq(r, a.lo, a.hi));
    uint64_t q = 0x1122334455667788ull;
    asm("movdqa %2, %%xmm5\n\tmovq %1, %%xmm5\n\tmovdqa %%xmm5, %0" : "=m"(r) : "r"(q), "m"(a));
    report("movq-gpr-to-xmm-zeroes-high", eq(r, q, 0));
    asm("movdqa %2, %%xmm5\n\tmovd %k1, %%xmm5\n\tmovdqa %%xmm5, %0" : "=m"(r) : "r"(0xdeadbeefull), "m"(a));
    report("movd-zeroes-upper", eq(r, 0xdeadbeef, 0));
    uint64_t back;
    asm("movdqa %1, %%xmm6\n\tmovq %%xmm6, %0" : "=r"(back) : "m"(a));
    report("movq-xmm-to-gpr", back == a.lo);
    /* MOVAPS/MOVDQA with a misaligned memory operand: #GP(0). */
    asm volatile(ASM_TRY_INSN("movaps (%0), %%xmm0") :: "r"(buf + 8) : "memory");
    expect_exception("movaps-misaligned-gp", EXC_GP, 0, try_start);
    asm volatile(ASM_TRY_INSN("movdqa %%xmm0, (%0)") :: "r"(buf + 4) : "memory");
    expect_exception("movdqa-store-misaligned-gp", EXC_GP, 0, try_start);
    asm volatile(ASM_TRY_INSN("pxor (%0), %%xmm0") :: "r"(buf + 4) : "memory");
    expect_exception("legacy-sse-mem-misaligned-gp", EXC_GP, 0, try_start);
}

static void test_integer(void)
{
    x128 a = { 0x00ff00ff00ff00ffull, 0x8080808080808080ull };
    x128 b = { 0x0f0f0f0f0f0f0f0full, 0xffffffffffffffffull };
    report("pxor", eq(OP2("pxor", a, b), 0x0ff00ff00ff00ff0ull, 0x7f7f7f7f7f7f7f7full));
    report("pand", eq(OP2("pand", a, b), 0x000f000f000f000full, 0x8080808080808080ull));
    report("por", eq(OP2("por", a, b), 0x0fff0fff0fff0fffull, 0xffffffffffffffffull));
    report("pandn", eq(OP2("pandn", a, b), 0x0f000f000f000f00ull, 0x7f7f7f7f7f7f7f7full));
    x128 c = { 0x0102030405060708ull, 0x1112131415161718ull };
    x128 d = { 0x0102030005060700ull, 0x1112131415161718ull };
    report("pcmpeqb", eq(OP2("pcmpeqb", c, d), 0xffffff00ffffff00ull, ~0ull));
    x128 e = { 0xff7f0001ff7f0001ull, 0x7fffffff00000001ull };
    x128 one = { 0x0101010101010101ull, 0x0000000100000001ull };
    report("paddb-wraps", eq(OP2("paddb", e, one), 0x0080010200800102ull, 0x7fffff0000000002ull));
    x128 w1 = { 0x7fff0001ffff8000ull, 0 }, w2 = { 0x0001000100010001ull, 0 };
    report("paddw", eq(OP2("paddw", w1, w2), 0x8000000200008001ull, 0));
    /* 0xff7f0001 + 0x01010101 = 0x00800102 (mod 2^32) in each low lane. */
    report("paddd", eq(OP2("paddd", e, one), 0x0080010200800102ull, 0x8000000000000002ull));
    x128 q1 = { ~0ull, 5 }, q2 = { 1, 6 };
    report("paddq-carry-does-not-cross", eq(OP2("paddq", q1, q2), 0, 11));
    report("psubq", eq(OP2("psubq", q2, q1), 2, 1));
    /* bytes of one - e: 01-01=00 01-00=01 01-7f=82 01-ff=02 (low qword). */
    report("psubb", OP2("psubb", one, e).lo == 0x0282010002820100ull);
    x128 s = { 0x4444444433333333ull, 0x2222222211111111ull }, r;
    asm("movdqa %1, %%xmm1\n\tpshufd $0x1b, %%xmm1, %%xmm0\n\tmovdqa %%xmm0, %0" : "=m"(r) : "m"(s));
    report("pshufd-reverse", eq(r, 0x1111111122222222ull, 0x3333333344444444ull));
    x128 lo8 = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull }, hi8 = { 0x1716151413121110ull, 0x1f1e1d1c1b1a1918ull };
    report("punpcklbw", eq(OP2("punpcklbw", lo8, hi8), 0x1303120211011000ull, 0x1707160615051404ull));
    report("punpckhbw", eq(OP2("punpckhbw", lo8, hi8), 0x1b0b1a0a19091808ull, 0x1f0f1e0e1d0d1c0cull));
    report("punpckldq", eq(OP2("punpckldq", lo8, hi8), 0x1312111003020100ull, 0x1716151407060504ull));
    report("punpcklqdq", eq(OP2("punpcklqdq", lo8, hi8), lo8.lo, hi8.lo));
    report("punpckhqdq", eq(OP2("punpckhqdq", lo8, hi8), lo8.hi, hi8.hi));
}

static void test_fxsave(void)
{
    /* FXSAVE/FXRSTOR ("FXSAVE": layout, XMM registers at offset 160). */
    static x128 v[2] = { { 0x1111, 0x2222 }, { 0x3333, 0x4444 } }, r[2];
    asm volatile("movdqa %0, %%xmm0\n\tmovdqa %1, %%xmm7" :: "m"(v[0]), "m"(v[1]));
    uint32_t mxcsr = 0x1f80 | (1 << 13);           /* round down */
    asm volatile("ldmxcsr %0" :: "m"(mxcsr));
    asm volatile("fxsave %0" : "=m"(fx_area));
    report("fxsave-xmm0-at-160", !memcmp(fx_area + 160, &v[0], 16));
    report("fxsave-xmm7-at-272", !memcmp(fx_area + 160 + 7 * 16, &v[1], 16));
    uint32_t saved_mxcsr;
    memcpy(&saved_mxcsr, fx_area + 24, 4);
    reportf(saved_mxcsr == mxcsr, "fxsave-mxcsr-at-24", "0x%x", saved_mxcsr);
    asm volatile("pxor %%xmm0, %%xmm0\n\tpxor %%xmm7, %%xmm7" ::: "memory");
    uint32_t def = 0x1f80;
    asm volatile("ldmxcsr %0" :: "m"(def));
    asm volatile("fxrstor %0" :: "m"(fx_area));
    asm volatile("movdqa %%xmm0, %0\n\tmovdqa %%xmm7, %1" : "=m"(r[0]), "=m"(r[1]));
    uint32_t now;
    asm volatile("stmxcsr %0" : "=m"(now));
    report("fxrstor-round-trip", !memcmp(r, v, sizeof v) && now == mxcsr);
    asm volatile("fxsave %0" : "=m"(fx_area2));
    report("fxsave-again-identical-xmm", !memcmp(fx_area + 160, fx_area2 + 160, 256));
    /* Reserved MXCSR bits in the FXRSTOR image: #GP(0). */
    uint32_t bad = 0xffff0000;
    memcpy(fx_area2 + 24, &bad, 4);
    asm volatile(ASM_TRY_INSN("fxrstor (%0)") :: "r"(fx_area2) : "memory");
    expect_exception_qemu_differs("fxrstor-reserved-mxcsr-gp", EXC_GP, 0, try_start);
    asm volatile(ASM_TRY_INSN("ldmxcsr (%0)") :: "r"(&bad) : "memory");
    expect_exception_qemu_differs("ldmxcsr-reserved-bits-gp", EXC_GP, 0, try_start);
    asm volatile(ASM_TRY_INSN("fxsave (%0)") :: "r"(fx_area2 + 8) : "memory");
    expect_exception("fxsave-misaligned-gp", EXC_GP, 0, try_start);
    asm volatile("ldmxcsr %0" :: "m"(def));
}

static void test_controls(void)
{
    /* CR0.TS=1: SSE instruction -> #NM. */
    write_cr0(read_cr0() | CR0_TS);
    asm volatile(ASM_TRY_INSN("pxor %%xmm0, %%xmm0") ::: "memory");
    expect_exception("sse-cr0-ts-nm", EXC_NM, 0, try_start);
    asm volatile(ASM_TRY_INSN("fxsave (%0)") :: "r"(fx_area) : "memory");
    expect_exception("fxsave-cr0-ts-nm", EXC_NM, 0, try_start);
    clts();
    /* CR0.EM=1: SSE instruction -> #UD. */
    write_cr0(read_cr0() | CR0_EM);
    asm volatile(ASM_TRY_INSN("pxor %%xmm0, %%xmm0") ::: "memory");
    expect_exception("sse-cr0-em-ud", EXC_UD, 0, try_start);
    write_cr0(read_cr0() & ~CR0_EM);
    /* CR4.OSFXSR=0: SSE instruction -> #UD. */
    write_cr4(read_cr4() & ~CR4_OSFXSR);
    asm volatile(ASM_TRY_INSN("movaps %%xmm1, %%xmm0") ::: "memory");
    expect_exception("sse-cr4-osfxsr0-ud", EXC_UD, 0, try_start);
    write_cr4(read_cr4() | CR4_OSFXSR);
    asm volatile(ASM_TRY_INSN("movaps %%xmm1, %%xmm0") ::: "memory");
    reportf(caught.vector == -1, "sse-enabled-no-fault", "vector %d", caught.vector);
    /* An unmasked SIMD FP exception with OSXMMEXCPT=1 -> #XM. */
    uint32_t m = 0x1f80 & ~(1u << 9);                /* unmask divide-by-zero */
    static x128 one = { 0x3f800000, 0 }, zero = { 0, 0 };
    asm volatile("ldmxcsr %0\n\tmovaps %1, %%xmm0\n\tmovaps %2, %%xmm1" :: "m"(m), "m"(one), "m"(zero));
    asm volatile(ASM_TRY_INSN("divss %%xmm1, %%xmm0") ::: "memory");
    expect_exception_qemu_differs("divss-by-zero-unmasked-xm", EXC_XM, 0, try_start);
    uint32_t now;
    asm volatile("stmxcsr %0" : "=m"(now));
    reportf(now & (1u << 2), "mxcsr-zero-divide-flag", "MXCSR 0x%x", now);
    m = 0x1f80;
    asm volatile("ldmxcsr %0" :: "m"(m));
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    if (!cpu_has(1, 0, 3, CPUID_1_EDX_FXSR | CPUID_1_EDX_SSE | CPUID_1_EDX_SSE2)) {
        report_skip("sse", "CPUID.1:EDX lacks FXSR/SSE/SSE2");
        return report_summary();
    }
    enable_sse();
    test_moves();
    test_integer();
    test_fxsave();
    test_controls();
    return report_summary();
}
