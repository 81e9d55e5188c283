/* Real-address mode: leave long mode, run 16-bit checks in real mode,
 * come back and report. The 16-bit code and the switches to and from real
 * mode are in realmode.S (phases described there), leaving and re-entering
 * long mode is pm32_call (kern/modeswitch.S); each check below cites the
 * SDM section that gives its expected value. */
#include "kern.h"

#define LOW_BASE 0x10000u           /* where rm_blob runs: 0x1000:0 */
#define LOW_SEG  0x1000u
#define MB_HEADER_MAGIC 0x1BADB002u /* first dword at 1 MiB (kernel.ld) */

extern char rm_blob[], rm_blob_end[], rm_enter32[];
extern const struct desc_ptr rm_gdtr;

/* Offset of a blob label; value of a result slot in the low copy. */
#define OFF(sym) ({ extern char sym[]; (uint32_t)(sym - rm_blob); })
#define RES(sym) (*(volatile uint32_t *)(uintptr_t)(LOW_BASE + OFF(sym)))
#define RES16(sym) ((uint16_t)RES(sym))
#define RESW(sym, i) (((volatile uint16_t *)(uintptr_t)(LOW_BASE + OFF(sym)))[i])
#define RES64(sym) (*(volatile uint64_t *)(uintptr_t)(LOW_BASE + OFF(sym)))

/* A fault check: vector and IP recorded by the IVT handler. */
static void expect_rm_fault(bool qemu_differs, const char *name, uint32_t vec, uint32_t ip,
                            uint32_t want_vec, uint32_t want_ip)
{
    bool ok = vec == want_vec && ip == want_ip;
    void (*rep)(bool, const char *, const char *, ...) = qemu_differs ? report_qemu_differs : reportf;
    if (vec == 0xffff)
        rep(ok, name, "no exception; want vector %u at IP 0x%x", want_vec, want_ip);
    else
        rep(ok, name, "vector %u at IP 0x%x; want vector %u at IP 0x%x", vec, ip, want_vec, want_ip);
}

static void check_basics(void)
{
    /* "Switching Back to Real-Address Mode": CR0.PE = 0 after the far jump;
     * "Switching Out of IA-32e Mode Operation": EFER.LME = EFER.LMA = 0. */
    reportf(!(RES(res_msw) & CR0_PE), "rm-cr0-pe-clear", "MSW 0x%x", RES(res_msw));
    reportf(!(RES(res_efer) & (EFER_LME | EFER_LMA)), "rm-efer-lme-lma-clear", "EFER 0x%x", RES(res_efer));
    reportf(RES(res_cs) == LOW_SEG, "rm-far-jump-loads-cs", "CS 0x%x", RES(res_cs));
}

static void check_addressing(void)
{
    /* Vol. 2 "16-Bit Addressing Forms with the ModR/M Byte"; BP-based
     * forms default to SS (Vol. 1 "Default Segment Selection Rules"). */
    reportf(RES(res_bx_si) == 0x1111, "modrm16-bx-si-uses-ds", "0x%x", RES(res_bx_si));
    reportf(RES(res_bp_di) == 0x2222, "modrm16-bp-di-uses-ss", "0x%x", RES(res_bp_di));
    reportf(RES(res_bp_disp8) == 0x4444, "modrm16-bp-disp8-uses-ss", "0x%x", RES(res_bp_disp8));
    reportf(RES(res_bp_ds) == 0x1111, "modrm16-bp-ds-override", "0x%x", RES(res_bp_ds));
    reportf(RES(res_disp16) == 0x3333, "modrm16-disp16", "0x%x", RES(res_disp16));
    /* Vol. 1 "Specifying an Offset": a 16-bit effective address is
     * computed modulo 64 KiB. */
    reportf(RES(res_ea_wrap) == 0x0030, "modrm16-ea-wraps-at-64k", "LEA 0x%x", RES(res_ea_wrap));
    uint16_t want = *(uint16_t *)(rm_blob + 0x30);
    reportf(RES16(res_ea_wrap_load) == want, "modrm16-wrapped-load", "0x%x, want 0x%x",
            RES16(res_ea_wrap_load), want);
    /* Vol. 3A "Segment Wraparound": #GP (DS) / #SS (SS) for a word at 0xffff. */
    expect_rm_fault(true, "rm-word-at-ffff-ds-gp", RES(res_gp_wrap_vec), RES(res_gp_wrap_ip),
                    EXC_GP, OFF(rm_gp_wrap_insn));
    expect_rm_fault(true, "rm-word-at-ffff-ss-ss", RES(res_ss_wrap_vec), RES(res_ss_wrap_ip),
                    EXC_SS, OFF(rm_ss_wrap_insn));
    /* Vol. 3A "Address Translation in Real-Address Mode". */
    reportf(RES(res_seg_alias) == 0x1111, "rm-linear-is-sel-times-16", "0x1001:0x8000 = 0x%x", RES(res_seg_alias));
    reportf(RES(res_seg_alias_w) == 0x5a5a, "rm-alias-write", "0x%x", RES(res_seg_alias_w));
    /* ... and "Segment Wraparound": 0xffff:0x0010 = 0x100000 without A20M#
     * (Multiboot hands over with A20 enabled). */
    reportf(RES(res_ffff_0010) == MB_HEADER_MAGIC && *(volatile uint32_t *)0x100000 == MB_HEADER_MAGIC,
            "rm-ffff-0010-is-1mib", "0x%x", RES(res_ffff_0010));
}

static void check_int_far(void)
{
    /* Vol. 2 "INT n/INTO/INT3/INT1" (REAL-ADDRESS-MODE), Vol. 3A "Interrupt
     * and Exception Handling" in real-address mode: FLAGS, CS, IP pushed;
     * IF and TF cleared; IRET pops IP, CS, FLAGS. */
    uint32_t sp0 = RES(res_int_sp0);
    reportf(RES(res_int_ip) == OFF(rm_int_ret), "rm-int-pushes-ip-after", "IP 0x%x want 0x%x",
            RES(res_int_ip), OFF(rm_int_ret));
    reportf(RES(res_int_cs) == LOW_SEG, "rm-int-pushes-cs", "CS 0x%x", RES(res_int_cs));
    reportf((RES(res_int_flags) & (RFLAGS_IF | RFLAGS_TF)) == (RFLAGS_IF | RFLAGS_TF),
            "rm-int-pushes-flags", "FLAGS 0x%x", RES(res_int_flags));
    reportf(!(RES(res_int_hflags) & (RFLAGS_IF | RFLAGS_TF)), "rm-int-clears-if-tf",
            "FLAGS in handler 0x%x", RES(res_int_hflags));
    reportf(RES(res_int_hsp) == sp0 - 6, "rm-int-frame-3-words", "SP 0x%x, before 0x%x", RES(res_int_hsp), sp0);
    uint32_t f = RES(res_iret_flags);
    reportf((f & RFLAGS_CF) && (f & RFLAGS_IF) && !(f & RFLAGS_TF), "rm-iret-loads-flags", "FLAGS 0x%x", f);
    reportf(RES(res_int_sp1) == sp0, "rm-iret-pops-3-words", "SP 0x%x, before 0x%x", RES(res_int_sp1), sp0);

    /* Vol. 2 "CALL", "RET", "JMP": far transfers in real-address mode. */
    uint32_t fsp = RES(res_far_sp0);
    reportf(RESW(res_far, 0) == LOW_SEG - 1, "rm-far-call-loads-cs", "CS 0x%x", RESW(res_far, 0));
    reportf(RESW(res_far, 2) == OFF(rm_far_ret) && RESW(res_far, 3) == LOW_SEG && RESW(res_far, 1) == fsp - 4,
            "rm-far-call-pushes-cs-ip", "IP 0x%x CS 0x%x SP 0x%x (before 0x%x)",
            RESW(res_far, 2), RESW(res_far, 3), RESW(res_far, 1), fsp);
    reportf(RES(res_far_sp2) == fsp && RES(res_far_cs_after) == LOW_SEG, "rm-far-ret",
            "SP 0x%x CS 0x%x", RES(res_far_sp2), RES(res_far_cs_after));
    reportf(RESW(res_far, 4) == LOW_SEG - 1 && RESW(res_far, 6) == OFF(rm_far_ret2) && RESW(res_far, 7) == LOW_SEG,
            "rm-far-call-m16-16", "CS 0x%x, pushed 0x%x:0x%x", RESW(res_far, 4), RESW(res_far, 7), RESW(res_far, 6));
    reportf(RES(res_fjmp_cs) == LOW_SEG - 1, "rm-far-jmp-loads-cs", "CS 0x%x", RES(res_fjmp_cs));
}

static void check_arith(void)
{
    /* Vol. 2 "PUSHA/PUSHAD", "POPA/POPAD". */
    uint32_t sp0 = RES(res_pusha_sp0);
    const uint16_t img[8] = { 0x7777, 0x6666, 0x5555, (uint16_t)sp0, 0x4444, 0x3333, 0x2222, 0x1111 };
    bool ok = true;
    for (int i = 0; i < 8; i++)
        ok &= RESW(res_pusha_img, i) == img[i];
    reportf(ok, "rm-pusha-order", "DI..AX = %x %x %x %x %x %x %x %x", RESW(res_pusha_img, 0),
            RESW(res_pusha_img, 1), RESW(res_pusha_img, 2), RESW(res_pusha_img, 3), RESW(res_pusha_img, 4),
            RESW(res_pusha_img, 5), RESW(res_pusha_img, 6), RESW(res_pusha_img, 7));
    reportf(RES(res_pusha_sp1) == sp0 - 16, "rm-pusha-16-bytes", "SP 0x%x before 0x%x", RES(res_pusha_sp1), sp0);
    reportf(RES(res_popa_sp) == sp0 && RES(res_popa_ax) == 0xaaaa && RES(res_popa_bp) == 0x5555 &&
            RES(res_popa_di) == 0x7777, "rm-popa-skips-sp", "SP 0x%x AX 0x%x BP 0x%x DI 0x%x",
            RES(res_popa_sp), RES(res_popa_ax), RES(res_popa_bp), RES(res_popa_di));
    /* Vol. 2 "MUL", "DIV", "IDIV": 16-bit operands use DX:AX. */
    uint32_t mf = RES(res_mul_flags);
    reportf(RES(res_mul_dx) == 0x0626 && RES(res_mul_ax) == 0x0060 && (mf & RFLAGS_CF) && (mf & RFLAGS_OF),
            "rm-mul16", "DX:AX %x:%x FLAGS 0x%x", RES(res_mul_dx), RES(res_mul_ax), mf);
    reportf(RES(res_div_q) == 0x0100 && RES(res_div_r) == 0x0056, "rm-div16", "q 0x%x r 0x%x",
            RES(res_div_q), RES(res_div_r));
    reportf(RES(res_idiv_q) == 0xff72 && RES(res_idiv_r) == 0xfffa, "rm-idiv16", "q 0x%x r 0x%x",
            RES(res_idiv_q), RES(res_idiv_r));
    /* Vol. 2 "LOOP/LOOPcc": CX or ECX by address size. */
    reportf(RES(res_loop_n) == 3 && RES(res_loop_ecx) == 0x00050000, "rm-loop-counts-cx",
            "%u iterations, ECX 0x%x", RES(res_loop_n), RES(res_loop_ecx));
    reportf(RES(res_loop32_n) == 0x10002, "rm-loop-addr32-counts-ecx", "%u iterations", RES(res_loop32_n));
    /* Vol. 2 "MOVS/MOVSB", "REP", "LODS": SI, DI, CX. */
    reportf(RES(res_str_esi) == 0xaaaa0000u + OFF(rm_str_src) + 16 && RES(res_str_edi) == 0xbbbb8110u &&
            RES(res_str_ecx) == 0xcccc0000u, "rm-rep-movsb-uses-si-di-cx", "ESI 0x%x EDI 0x%x ECX 0x%x",
            RES(res_str_esi), RES(res_str_edi), RES(res_str_ecx));
    extern char rm_str_src[];
    reportf(!memcmp((void *)(uintptr_t)(LOW_BASE + 0x8100), rm_str_src, 16), "rm-rep-movsb-copies", "data differs");
    reportf(RES(res_lods_esi) == 0x12340000, "rm-lodsb-si-wraps", "ESI 0x%x", RES(res_lods_esi));
    /* Vol. 3A "Mixing 16-Bit and 32-Bit Operations Within a Code Segment". */
    reportf(RES(res_add32) == 0x80000000u && (RES(res_add32_flags) & RFLAGS_OF), "rm-66-add32",
            "EAX 0x%x FLAGS 0x%x", RES(res_add32), RES(res_add32_flags));
    reportf(RES(res_mul32_hi) == 1 && RES(res_mul32_lo) == 0, "rm-66-mul32", "EDX:EAX %x:%x",
            RES(res_mul32_hi), RES(res_mul32_lo));
    reportf(RES(res_sib) == 0x11223344, "rm-67-sib-addressing", "0x%x", RES(res_sib));
    reportf(RES(res_push32_delta) == 4 && RES(res_push32_val) == 0x12345678, "rm-66-push32",
            "SP moved %u, value 0x%x", RES(res_push32_delta), RES(res_push32_val));
}

static void check_unreal_cpu(uint64_t tsc0, uint64_t tsc3)
{
    /* "Switching Back to Real-Address Mode": segment limits stay in the
     * hidden part; a 64-KiB limit makes offset 0x100000 fault (#GP) ... */
    expect_rm_fault(true, "rm-limit-ffff-32bit-offset-gp", RES(res_gslim_vec), RES(res_gslim_ip),
                    EXC_GP, OFF(rm_gs_limit_insn));
    /* ... a 4-GiB limit loaded in protected mode allows it ("unreal"). */
    reportf(RES(res_unreal_vec) == 0xffff && RES(res_unreal_val) == MB_HEADER_MAGIC, "rm-unreal-4gib-limit-kept",
            "vector 0x%x, read 0x%x", RES(res_unreal_vec), RES(res_unreal_val));
    reportf(RES(res_unreal_fs) == 0, "rm-unreal-selector-reloaded", "FS 0x%x", RES(res_unreal_fs));
    /* Vol. 2 "CPUID" and "RDTSC" in real-address mode. */
    struct cpuid c0 = cpuid(0, 0), c1 = cpuid(1, 0);
    volatile uint32_t *r = (volatile uint32_t *)(uintptr_t)(LOW_BASE + OFF(res_cpuid0));
    reportf(r[0] == c0.a && r[1] == c0.b && r[2] == c0.c && r[3] == c0.d, "rm-cpuid-leaf0",
            "%x %x %x %x", r[0], r[1], r[2], r[3]);
    reportf(RES(res_cpuid1_a) == c1.a, "rm-cpuid-leaf1-signature", "0x%x, want 0x%x", RES(res_cpuid1_a), c1.a);
    uint64_t t1 = RES64(res_tsc1), t2 = RES64(res_tsc2);
    reportf(tsc0 < t1 && t1 <= t2 && t2 < tsc3, "rm-rdtsc", "0x%lx 0x%lx 0x%lx 0x%lx", tsc0, t1, t2, tsc3);
    /* Vol. 3A "Interrupt 0—Divide Error Exception (#DE)", "Interrupt 6—
     * Invalid Opcode Exception (#UD)": faults through the IVT. */
    expect_rm_fault(false, "rm-de-via-ivt", RES(res_de_vec), RES(res_de_ip), EXC_DE, OFF(rm_de_insn));
    reportf(RES(res_de_cs) == LOW_SEG, "rm-de-pushes-cs", "CS 0x%x", RES(res_de_cs));
    expect_rm_fault(false, "rm-ud2-via-ivt", RES(res_ud_vec), RES(res_ud_ip), EXC_UD, OFF(rm_ud_insn));
    /* Vol. 2 "STR": #UD, not recognized in real-address mode. */
    expect_rm_fault(false, "rm-str-ud", RES(res_udstr_vec), RES(res_udstr_ip), EXC_UD, OFF(rm_str_insn));
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    size_t size = (size_t)(rm_blob_end - rm_blob);
    if (size > 0x7000)                  /* 0x8000.. is scratch */
        panic("rm_blob is %zu bytes", size);
    memcpy((void *)(uintptr_t)LOW_BASE, rm_blob, size);

    /* Mask the PICs: IF is set on purpose for the INT check. */
    uint8_t m1 = inb(0x21), m2 = inb(0xa1);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    uint64_t tsc0 = rdtsc();
    pm32_call(&rm_gdtr, rm_enter32);
    uint64_t tsc3 = rdtsc();
    outb(0x21, m1);
    outb(0xa1, m2);

    report("rm-back-in-long-mode", read_cs() == SEL_KCODE && (rdmsr(MSR_IA32_EFER) & EFER_LMA));
    if (RES(rm_aborted))
        reportf(false, "rm-unexpected-exception", "vector 0x%x at 0x%x:0x%x",
                RES(exc_vec), RES(exc_cs), RES(exc_ip));
    check_basics();
    check_addressing();
    check_int_far();
    check_arith();
    check_unreal_cpu(tsc0, tsc3);
    return report_summary();
}
