/* 16-bit protected mode: a code segment with D = 0 in legacy protected
 * mode, 16-bit gates, a 16-bit call gate, segment limits and expand-down
 * segments. The 16-bit code is in pm16.S, leaving and re-entering long
 * mode is pm32_call (kern/modeswitch.S); each check below cites the SDM
 * section that gives its expected value. */
#include "kern.h"

#define LOW_BASE    0x10000u        /* where pm_blob runs */
#define SEL_CODE16  0x20u
#define SEL_CODE16B 0x58u

extern char pm_blob[], pm_blob_end[], pm_enter32[];
extern const struct desc_ptr pm_gdtr;

/* Offset of a blob label; result slots in the low copy. */
#define OFF(sym) ({ extern char sym[]; (uint32_t)(sym - pm_blob); })
#define RES(sym) (*(volatile uint32_t *)(uintptr_t)(LOW_BASE + OFF(sym)))
#define RESW(sym, i) (((volatile uint16_t *)(uintptr_t)(LOW_BASE + OFF(sym)))[i])
#define RESD(sym, i) (((volatile uint32_t *)(uintptr_t)(LOW_BASE + OFF(sym)))[i])

/* A FAULT slot (pm16.S): vector (0xffff: none), error, IP, SP before, and
 * the address of the error-code word in the exception frame. */
struct fault16 { uint16_t vec, err, ip, sp, err_at; };
#define FREC(sym) (*(volatile struct fault16 *)(uintptr_t)(LOW_BASE + OFF(sym)))
#define PHYS16(a) (*(volatile uint16_t *)(uintptr_t)(a))

static void expect_fault(bool qemu_differs, const char *name, struct fault16 f, int vec, uint32_t ip)
{
    bool ok = f.vec == vec && f.err == 0 && f.ip == ip;
    void (*rep)(bool, const char *, const char *, ...) = qemu_differs ? report_qemu_differs : reportf;
    if (f.vec == 0xffff)
        rep(ok, name, "no exception; want vector %d error 0 at IP 0x%x", vec, ip);
    else
        rep(ok, name, "vector %u error 0x%x at IP 0x%x; want vector %d error 0 at 0x%x",
            f.vec, f.err, f.ip, vec, ip);
}

static void expect_no_fault(const char *name, struct fault16 f)
{
    reportf(f.vec == 0xffff, name, "vector %u error 0x%x at IP 0x%x", f.vec, f.err, f.ip);
}

static void check_sizes(void)
{
    /* Vol. 3A "Defining 16-Bit and 32-Bit Program Modules": D = 0 means
     * 16-bit operands and addresses by default. */
    reportf(RES(res_msw) & CR0_PE, "pm16-protected-mode", "MSW 0x%x", RES(res_msw));
    reportf(RES(res_cs) == SEL_CODE16, "pm16-cs", "CS 0x%x", RES(res_cs));
    reportf(RES(res_opsize) == 0xaaaa1234, "pm16-default-operand-size-16", "EAX 0x%x", RES(res_opsize));
    reportf(RES(res_push_delta) == 2, "pm16-push-2-bytes", "SP moved %u", RES(res_push_delta));
    reportf(RES(res_ea_wrap) == 0x30, "pm16-default-address-size-16", "LEA 0x%x", RES(res_ea_wrap));
    /* Vol. 3A "Mixing 16-Bit and 32-Bit Operations Within a Code Segment". */
    reportf(RES(res_add32) == 0x80000000u && (RES(res_add32_flags) & RFLAGS_OF), "pm16-66-add32",
            "EAX 0x%x FLAGS 0x%x", RES(res_add32), RES(res_add32_flags));
    reportf(RES(res_sib) == 0x11223344, "pm16-67-sib-addressing", "0x%x", RES(res_sib));
}

static void check_gates(void)
{
    /* Vol. 3A "Exception- or Interrupt-Handler Procedures" (16-bit gate:
     * FLAGS, CS, IP as words) and "Flag Usage By Exception- or Interrupt-
     * Handler Procedure" (interrupt gate clears IF, trap gate does not).
     * Slot words: FLAGS in handler, SP at entry, IP, CS, FLAGS pushed. */
    uint32_t sp0 = RES(res_int_sp0);
    reportf(RESW(res_i40, 1) == sp0 - 6 && RESW(res_i40, 2) == OFF(pm_i40_ret) && RESW(res_i40, 3) == SEL_CODE16,
            "pm16-intgate16-frame-words", "SP 0x%x (before 0x%x) IP 0x%x CS 0x%x",
            RESW(res_i40, 1), sp0, RESW(res_i40, 2), RESW(res_i40, 3));
    reportf((RESW(res_i40, 4) & RFLAGS_IF) && (RESW(res_i40, 4) & RFLAGS_FIXED1), "pm16-intgate16-pushes-flags",
            "FLAGS 0x%x", RESW(res_i40, 4));
    reportf(!(RESW(res_i40, 0) & RFLAGS_IF), "pm16-intgate16-clears-if", "FLAGS 0x%x", RESW(res_i40, 0));
    reportf(RESW(res_i41, 1) == sp0 - 6 && RESW(res_i41, 2) == OFF(pm_i41_ret) && RESW(res_i41, 3) == SEL_CODE16,
            "pm16-trapgate16-frame-words", "SP 0x%x (before 0x%x) IP 0x%x CS 0x%x",
            RESW(res_i41, 1), sp0, RESW(res_i41, 2), RESW(res_i41, 3));
    reportf(RESW(res_i41, 0) & RFLAGS_IF, "pm16-trapgate16-keeps-if", "FLAGS 0x%x", RESW(res_i41, 0));
    /* Vol. 3A "Interrupt Control Transfers" (mixing 16- and 32-bit code):
     * the gate size, not the code size, sets the frame: 32-bit gate from
     * 16-bit code pushes EFLAGS, CS, EIP as doublewords. */
    reportf(RESD(res_i42, 1) == sp0 - 12 && RESD(res_i42, 2) == OFF(pm_i42_ret) &&
            (RESD(res_i42, 3) & 0xffff) == SEL_CODE16 && (RESD(res_i42, 4) & RFLAGS_FIXED1),
            "pm16-intgate32-from-16bit-frame-dwords", "ESP 0x%x (before 0x%x) EIP 0x%x CS 0x%x EFLAGS 0x%x",
            RESD(res_i42, 1), sp0, RESD(res_i42, 2), RESD(res_i42, 3), RESD(res_i42, 4));
    reportf(!(RESD(res_i42, 0) & RFLAGS_IF), "pm16-intgate32-clears-if", "EFLAGS 0x%x", RESD(res_i42, 0));

    /* Vol. 3A "Call Gates", "Accessing a Code Segment Through a Call Gate". */
    uint32_t csp = RES(res_cg_sp0);
    reportf(RESW(res_cg, 0) == SEL_CODE16B, "pm16-callgate16-target-cs", "CS 0x%x", RESW(res_cg, 0));
    reportf(RESW(res_cg, 1) == csp - 4 && RESW(res_cg, 2) == OFF(pm_cg_ret) && RESW(res_cg, 3) == SEL_CODE16,
            "pm16-callgate16-pushes-words", "SP 0x%x (before 0x%x) IP 0x%x CS 0x%x",
            RESW(res_cg, 1), csp, RESW(res_cg, 2), RESW(res_cg, 3));
    reportf(RES(res_cg_cs_after) == SEL_CODE16 && RES(res_cg_sp_after) == csp, "pm16-callgate16-lret",
            "CS 0x%x SP 0x%x", RES(res_cg_cs_after), RES(res_cg_sp_after));
}

static void check_limits(void)
{
    /* Vol. 3A "Limit Checking" with a 16-bit (byte-granular) limit. */
    expect_no_fault("pm16-limit-last-word-ok", FREC(res_lim_ok));
    expect_fault(true, "pm16-limit-word-across-gp", FREC(res_lim_word), EXC_GP, OFF(pm_lim_word_insn));
    expect_fault(true, "pm16-limit-byte-beyond-gp", FREC(res_lim_byte), EXC_GP, OFF(pm_lim_byte_insn));
    expect_fault(true, "pm16-ss-limit-ss", FREC(res_lim_ss), EXC_SS, OFF(pm_lim_ss_insn));
    /* Vol. 2 "JMP": #GP(0) if the offset is beyond the new CS limit. */
    struct fault16 f = FREC(res_lim_cs);
    expect_fault(false, "pm16-far-jmp-beyond-cs-limit-gp", f, EXC_GP, OFF(pm_lim_cs_insn));
    /* Vol. 3A "Error Code": pushed as a word through a 16-bit gate. */
    reportf(f.vec == EXC_GP && f.err_at == f.sp - 8, "pm16-error-code-16bit-word",
            "error code at SP 0x%x, SP before 0x%x", f.err_at, f.sp);

    /* Vol. 3A "Code- and Data-Segment Descriptor Types" (expand-down) and
     * "Limit Checking": limit 0x0fff, base 0x40000. */
    expect_no_fault("pm16-expdown-b0-lowest-valid", FREC(res_ed_lo));
    expect_no_fault("pm16-expdown-b0-0xfffe-valid", FREC(res_ed_hi));
    reportf(PHYS16(0x41000) == 0xbeef && PHYS16(0x4fffe) == 0xcafe, "pm16-expdown-base-plus-offset",
            "0x41000: 0x%x, 0x4fffe: 0x%x", PHYS16(0x41000), PHYS16(0x4fffe));
    expect_fault(true, "pm16-expdown-b0-at-limit-gp", FREC(res_ed_lim), EXC_GP, OFF(pm_ed_lim_insn));
    expect_fault(true, "pm16-expdown-b0-word-across-limit-gp", FREC(res_ed_cross), EXC_GP, OFF(pm_ed_cross_insn));
    expect_fault(true, "pm16-expdown-b0-offset-0-gp", FREC(res_ed_zero), EXC_GP, OFF(pm_ed_zero_insn));
    expect_fault(true, "pm16-expdown-b0-above-ffff-gp", FREC(res_ed_64k), EXC_GP, OFF(pm_ed_64k_insn));
    expect_no_fault("pm16-expdown-b1-above-ffff-valid", FREC(res_ed32_64k));
    expect_no_fault("pm16-expdown-b1-fffffffe-valid", FREC(res_ed32_top));
    reportf(PHYS16(0x50000) == 0x1234 && PHYS16(0x3fffe) == 0x5678, "pm16-expdown-b1-base-plus-offset",
            "0x50000: 0x%x, 0x3fffe: 0x%x", PHYS16(0x50000), PHYS16(0x3fffe));
    expect_fault(true, "pm16-expdown-b1-at-limit-gp", FREC(res_ed32_lim), EXC_GP, OFF(pm_ed32_lim_insn));
    expect_fault(true, "pm16-expdown-stack-below-limit-ss", FREC(res_ed_ss), EXC_SS, OFF(pm_ed_ss_insn));
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    size_t size = (size_t)(pm_blob_end - pm_blob);
    if (size > 0x7000)                  /* DS:0x8000.. is scratch */
        panic("pm_blob is %zu bytes", size);
    memcpy((void *)(uintptr_t)LOW_BASE, pm_blob, size);
    PHYS16(0x41000) = PHYS16(0x4fffe) = PHYS16(0x50000) = PHYS16(0x3fffe) = 0;

    /* Mask the PICs: IF is set on purpose for the gate checks. */
    uint8_t m1 = inb(0x21), m2 = inb(0xa1);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    pm32_call(&pm_gdtr, pm_enter32);
    outb(0x21, m1);
    outb(0xa1, m2);

    report("pm16-back-in-long-mode", read_cs() == SEL_KCODE && (rdmsr(MSR_IA32_EFER) & EFER_LMA));
    if (RES(pm_aborted))
        reportf(false, "pm16-unexpected-exception", "vector %u error 0x%x at 0x%x:0x%x",
                RES(exc_vec), RES(exc_err), RES(exc_cs), RES(exc_ip));
    check_sizes();
    check_gates();
    check_limits();
    return report_summary();
}
