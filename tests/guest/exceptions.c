/* Exceptions: vector, error code and saved RIP of each.
 * SDM Vol. 3A, "Interrupt 0-21 ..." in "Exception and Interrupt Reference",
 * and "Exception and Interrupt Handling in 64-bit Mode". */
#include "kern.h"
#include <stddef.h>

#define NONCANON 0x8000000000000000ull
#define SPARE (GDT_FIRST_SPARE)
#define SPARE_SEL(i) ((SPARE + (i)) * 8)

static void test_de(void)
{
    /* Interrupt 0 - Divide Error: fault, RIP of the DIV; no error code. */
    asm volatile("xor %%edx, %%edx\n\tmov $1, %%eax\n\txor %%ecx, %%ecx\n\t"
                 ASM_TRY_INSN("div %%rcx") ::: "rax", "rcx", "rdx", "memory");
    expect_exception("de-div-by-zero", EXC_DE, 0, try_start);
    asm volatile("mov $0x8000000000000000, %%rax\n\tcqo\n\tmov $-1, %%rcx\n\t"
                 ASM_TRY_INSN("idiv %%rcx") ::: "rax", "rcx", "rdx", "memory");
    expect_exception("de-idiv-overflow", EXC_DE, 0, try_start);
    asm volatile("mov $0x100, %%ax\n\tmov $1, %%cl\n\t"
                 ASM_TRY_INSN("div %%cl") ::: "rax", "rcx", "memory");
    expect_exception("de-div8-quotient-too-big", EXC_DE, 0, try_start);
}

static void test_db(void)
{
    /* INT1 (F1): debug exception as a trap, RIP after the instruction. */
    asm volatile(ASM_TRY_INSN(".byte 0xf1") ::: "memory");
    report_qemu_differs(caught.vector == EXC_DB && caught.rip == try_end, "db-int1-trap",
                        "vector %d at RIP 0x%lx, want vector 1 at 0x%lx", caught.vector, caught.rip, try_end);

    /* Single-step (Debug Exception Conditions, "Single-Step Exception
     * Condition"): a #DB trap after the instruction that follows the POPF
     * that set TF, with DR6.BS (bit 14) set. */
    write_dr6(0);
    uint64_t after_nop;
    asm volatile("lea 4f(%%rip), %0\n\t"
                 ASM_TRY("1f")
                 "pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                 "nop\n4:\tnop\n\tnop\n\t"
                 "movq $0, catch_recover_rip(%%rip)\n1:"
                 : "=&r"(after_nop) :: "memory");
    expect_exception("db-single-step-rip", EXC_DB, 0, after_nop);
    uint64_t dr6 = read_dr6();
    reportf(dr6 & (1u << 14), "db-single-step-dr6-bs", "DR6 = 0x%lx", dr6);
    report("db-single-step-tf-saved", (caught.rflags & RFLAGS_TF) != 0);
}

static void test_bp(void)
{
    /* Interrupt 3 - Breakpoint: trap, saved RIP is after INT3. */
    asm volatile(ASM_TRY_INSN("int3") ::: "memory");
    expect_exception("bp-int3-rip-after", EXC_BP, 0, try_end);
    report("bp-int3-one-byte", try_end - try_start == 1);
    asm volatile(ASM_TRY_INSN(".byte 0xcd, 0x03") ::: "memory");
    expect_exception("bp-int-3-rip-after", EXC_BP, 0, try_end);
}

static void test_ud(void)
{
    asm volatile(ASM_TRY_INSN("ud2") ::: "memory");
    expect_exception("ud-ud2", EXC_UD, 0, try_start);
    /* LOCK with an instruction that cannot be locked: #UD (LOCK prefix). */
    asm volatile(ASM_TRY_INSN(".byte 0xf0, 0x90") ::: "memory");
    expect_exception("ud-lock-nop", EXC_UD, 0, try_start);
    asm volatile(ASM_TRY_INSN(".byte 0xf0, 0x01, 0xc3") ::: "rbx", "memory");
    expect_exception("ud-lock-register-destination", EXC_UD, 0, try_start);
    /* INTO, PUSH ES, AAA, BOUND-style one-byte opcodes are invalid in 64-bit mode. */
    asm volatile(ASM_TRY_INSN(".byte 0xce") ::: "memory");
    expect_exception("ud-into-64bit", EXC_UD, 0, try_start);
    asm volatile(ASM_TRY_INSN(".byte 0x06") ::: "memory");
    expect_exception("ud-push-es-64bit", EXC_UD, 0, try_start);
    asm volatile(ASM_TRY_INSN(".byte 0x37") ::: "memory");
    expect_exception("ud-aaa-64bit", EXC_UD, 0, try_start);
    /* MOV to CR1 is reserved: #UD. */
    asm volatile("xor %%eax, %%eax\n\t" ASM_TRY_INSN(".byte 0x0f, 0x22, 0xc8") ::: "rax", "memory");
    expect_exception("ud-mov-cr1", EXC_UD, 0, try_start);
}

static void test_nm(void)
{
    /* Interrupt 7 - Device Not Available: x87 instruction with CR0.TS=1;
     * WAIT/FWAIT with CR0.TS=1 and CR0.MP=1. */
    uint64_t cr0 = read_cr0();
    write_cr0((cr0 | CR0_TS | CR0_MP) & ~CR0_EM);
    asm volatile(ASM_TRY_INSN("fninit") ::: "memory");
    expect_exception("nm-x87-with-ts", EXC_NM, 0, try_start);
    asm volatile(ASM_TRY_INSN("fwait") ::: "memory");
    expect_exception("nm-fwait-with-ts-mp", EXC_NM, 0, try_start);
    write_cr0((cr0 | CR0_TS) & ~(CR0_MP | CR0_EM));
    asm volatile(ASM_TRY_INSN("fwait") ::: "memory");
    reportf(caught.vector == -1, "nm-fwait-ts-without-mp-no-fault", "vector %d", caught.vector);
    write_cr0((cr0 | CR0_EM) & ~CR0_TS);
    asm volatile(ASM_TRY_INSN("fninit") ::: "memory");
    expect_exception("nm-x87-with-em", EXC_NM, 0, try_start);
    write_cr0(cr0 & ~(CR0_TS | CR0_EM));
    asm volatile(ASM_TRY_INSN("fninit") ::: "memory");
    reportf(caught.vector == -1, "nm-x87-ts-clear-no-fault", "vector %d", caught.vector);
    write_cr0(cr0);
}

static void noncanon_access(void)
{
    asm volatile(ASM_TRY_INSN("movq (%%rax), %%rax") :: "a"(NONCANON) : "memory");
}

static void test_df(void)
{
    /* Interrupt 8 - Double Fault: a contributory exception (#GP) while
     * delivering a contributory exception (#GP on a vector beyond the IDT
     * limit, or #NP on a not-present gate). Error code 0. */
    set_idt_limit(EXC_GP * 16 - 1);
    noncanon_access();
    set_idt_limit(sizeof idt - 1);
    expect_exception("df-gp-vector-beyond-idt-limit", EXC_DF, 0, RIP_ANY);
    set_gate_present(EXC_GP, false);
    noncanon_access();
    set_gate_present(EXC_GP, true);
    expect_exception("df-gp-gate-not-present", EXC_DF, 0, RIP_ANY);
    /* A #PF while delivering a #PF is also a double fault ("Conditions for
     * Generating a Double Fault"): the #PF gate uses IST2, which points at
     * an unmapped stack, so pushing the frame faults. */
    tss.ist[1] = 0x5000001000ull;
    set_gate(EXC_PF, SYS_INTGATE, 0, 2);
    asm volatile(ASM_TRY_INSN("movq (%%rax), %%rax") :: "a"(0x5000000000ull) : "memory");
    set_gate(EXC_PF, SYS_INTGATE, 0, 0);
    expect_exception("df-pf-while-pushing-pf-frame", EXC_DF, 0, RIP_ANY);
}

static void test_np_ss(void)
{
    /* Interrupt 11 - Segment Not Present: loading DS with P=0; error code
     * is the selector (TI=0, EXT=0). */
    gdt_set(SPARE, seg_desc(0, 0xfffff, AR_S | SEGT_WRITABLE | AR_DB | AR_G));   /* P=0 */
    uint16_t sel = SPARE_SEL(0);
    asm volatile(ASM_TRY_INSN("mov %w0, %%ds") :: "r"(sel) : "memory");
    write_ds(SEL_KDATA);
    expect_exception("np-load-ds", EXC_NP, sel, try_start);
    /* Loading SS with a not-present segment: #SS(selector) (MOV, "Protected
     * Mode Exceptions"). */
    asm volatile(ASM_TRY_INSN("mov %w0, %%ss") :: "r"(sel) : "memory");
    expect_exception("ss-load-ss-not-present", EXC_SS, sel, try_start);
    /* INT n through a not-present gate: #NP(vector*8+2), IDT bit set. */
    set_gate_present(0x41, false);
    asm volatile(ASM_TRY_INSN("int $0x41") ::: "memory");
    set_gate_present(0x41, true);
    report_qemu_differs(caught.vector == EXC_NP && caught.error == 0x41 * 8 + ERRC_IDT,
                        "np-int-gate-not-present", "vector %d error 0x%lx, want 11 error 0x%x",
                        caught.vector, caught.error, 0x41 * 8 + ERRC_IDT);
}

static void test_ss_noncanon(void)
{
    /* "Interrupt 12 - Stack Fault Exception (#SS)": a memory reference
     * through SS (RSP/RBP based) with a non-canonical address is #SS(0).
     * The #SS and #GP gates use IST1 so delivery has a good stack. */
    set_gate(EXC_SS, SYS_INTGATE, 0, 1);
    set_gate(EXC_GP, SYS_INTGATE, 0, 1);
    asm volatile("mov %%rsp, %%rbx\n\tmov %0, %%rsp\n\t"
                 ASM_TRY_INSN("push %%rax") "mov %%rbx, %%rsp"
                 :: "r"(NONCANON + 0x100) : "rbx", "memory");
    report_qemu_differs(caught.vector == EXC_SS && caught.error == 0, "ss-push-noncanonical-rsp",
                        "vector %d error 0x%lx", caught.vector, caught.error);
    asm volatile("push %%rbp\n\tmov %0, %%rbp\n\t"
                 ASM_TRY_INSN("mov (%%rbp), %%rax") "pop %%rbp"
                 :: "r"(NONCANON) : "rax", "memory");
    report_qemu_differs(caught.vector == EXC_SS && caught.error == 0, "ss-rbp-noncanonical",
                        "vector %d error 0x%lx", caught.vector, caught.error);
    set_gate(EXC_SS, SYS_INTGATE, 0, 0);
    set_gate(EXC_GP, SYS_INTGATE, 0, 0);
}

/* User-mode pieces for the CPL 3 checks. */
USER_FN(u_hlt, ".globl u_hlt_i\nu_hlt_i: hlt");
USER_FN(u_movcr0, ".globl u_movcr0_i\nu_movcr0_i: mov %cr0, %rax");
USER_FN(u_int42, ".globl u_int42_i\nu_int42_i: int $0x42");
USER_FN(u_int3, ".globl u_int3_i\nu_int3_i: int3");
USER_FN(u_ac, "mov $user_buf+1, %rax\n.globl u_ac_i\nu_ac_i: movl (%rax), %ebx");
USER_FN(u_rsp, "mov %rsp, %rbx");
USER_FN(u_null_ss, "xor %eax, %eax\n.globl u_null_ss_i\nu_null_ss_i: mov %ax, %ss");
extern char u_hlt_i[], u_movcr0_i[], u_int42_i[], u_int3_i[], u_ac_i[], u_null_ss_i[];
USER_DATA uint8_t user_buf[64];

static void test_gp(void)
{
    /* Interrupt 13 - General Protection: non-canonical address, #GP(0). */
    noncanon_access();
    expect_exception("gp-noncanonical-load", EXC_GP, 0, try_start);
    asm volatile(ASM_TRY_INSN("jmp *%%rax") :: "a"(NONCANON) : "memory");
    expect_exception_qemu_differs("gp-noncanonical-jump-target", EXC_GP, 0, try_start);
    /* Selector beyond the GDT limit: error code = selector with RPL cleared. */
    uint16_t sel = GDT_ENTRIES * 8 + 3;
    asm volatile(ASM_TRY_INSN("mov %w0, %%es") :: "r"(sel) : "memory");
    write_es(SEL_KDATA);
    expect_exception("gp-selector-beyond-gdt-limit", EXC_GP, sel & 0xfffc, try_start);
    /* A code segment loaded into SS, an execute-only one into DS: #GP(sel). */
    sel = SEL_KCODE;
    asm volatile(ASM_TRY_INSN("mov %w0, %%ss") :: "r"(sel) : "memory");
    expect_exception("gp-code-segment-into-ss", EXC_GP, SEL_KCODE, try_start);
    gdt_set(SPARE + 1, seg_desc(0, 0xfffff, AR_P | AR_S | SEGT_CODE | AR_DB | AR_G));
    sel = SPARE_SEL(1);
    asm volatile(ASM_TRY_INSN("mov %w0, %%ds") :: "r"(sel) : "memory");
    write_ds(SEL_KDATA);
    expect_exception("gp-execute-only-into-ds", EXC_GP, sel, try_start);
    /* DPL < RPL for a data segment: #GP(selector). */
    sel = SEL_KDATA | 3;
    asm volatile(ASM_TRY_INSN("mov %w0, %%ds") :: "r"(sel) : "memory");
    write_ds(SEL_KDATA);
    expect_exception("gp-data-dpl-below-rpl", EXC_GP, SEL_KDATA, try_start);
    /* INT n beyond the IDT limit: #GP(vector*8+2). */
    set_idt_limit(0x80 * 16 - 1);
    asm volatile(ASM_TRY_INSN("int $0xa0") ::: "memory");
    set_idt_limit(sizeof idt - 1);
    report_qemu_differs(caught.vector == EXC_GP && caught.error == 0xa0 * 8 + ERRC_IDT,
                        "gp-int-beyond-idt-limit", "vector %d error 0x%lx, want 13 error 0x%x",
                        caught.vector, caught.error, 0xa0 * 8 + ERRC_IDT);
    /* Privileged instructions at CPL 3: #GP(0). */
    run_user(u_hlt, 0);
    expect_exception("gp-hlt-cpl3", EXC_GP, 0, (uint64_t)u_hlt_i);
    run_user(u_movcr0, 0);
    expect_exception("gp-mov-cr0-cpl3", EXC_GP, 0, (uint64_t)u_movcr0_i);
    /* INT n through a gate with DPL < CPL: #GP(vector*8+2) ("INT n/INTO/
     * INT3/INT1", protected-mode checks), also for INT3. */
    run_user(u_int42, 0);
    expect_exception_qemu_differs("gp-int-dpl0-gate-from-cpl3", EXC_GP, 0x42 * 8 + ERRC_IDT, (uint64_t)u_int42_i);
    run_user(u_int3, 0);
    expect_exception_qemu_differs("gp-int3-dpl0-gate-from-cpl3", EXC_GP, 3 * 8 + ERRC_IDT, (uint64_t)u_int3_i);
    set_gate(3, SYS_INTGATE, 3, 0);
    run_user(u_int3, 0);
    set_gate(3, SYS_INTGATE, 0, 0);
    expect_exception("bp-int3-dpl3-gate-from-cpl3", EXC_BP, 0, (uint64_t)u_int3_i + 1);
    /* Null selector into SS at CPL 3 in 64-bit mode: #GP(0). */
    run_user(u_null_ss, 0);
    expect_exception("gp-null-ss-cpl3", EXC_GP, 0, (uint64_t)u_null_ss_i);
    /* ... but allowed at CPL 0 (MOV, "64-Bit Mode Exceptions"). */
    asm volatile(ASM_TRY_INSN("mov %w0, %%ss") :: "r"(0) : "memory");
    write_ss(SEL_KDATA);
    reportf(caught.vector == -1, "null-ss-cpl0-allowed", "vector %d", caught.vector);
}

static void test_pf(void)
{
    /* Interrupt 14 - Page Fault: CR2 = linear address, error code W=1 P=0. */
    volatile uint64_t *p = (volatile uint64_t *)0x5000000000ull;  /* unmapped */
    asm volatile(ASM_TRY_INSN("movq $1, (%0)") :: "r"(p) : "memory");
    expect_exception("pf-write-not-present", EXC_PF, PFEC_W, try_start);
    reportf(caught.cr2 == (uint64_t)p, "pf-cr2", "CR2 0x%lx", caught.cr2);
    asm volatile(ASM_TRY_INSN("movq (%0), %%rax") :: "r"(p + 3) : "rax", "memory");
    expect_exception("pf-read-not-present", EXC_PF, 0, try_start);
    reportf(caught.cr2 == (uint64_t)(p + 3), "pf-cr2-read", "CR2 0x%lx", caught.cr2);
}

static void test_ac(void)
{
    /* Interrupt 17 - Alignment Check: CPL 3, CR0.AM=1, EFLAGS.AC=1.
     * (QEMU TCG does not implement alignment checking.) */
    uint64_t cr0 = read_cr0();
    write_cr0(cr0 | CR0_AM);
    run_user(u_ac, RFLAGS_AC);
    expect_exception_qemu_differs("ac-misaligned-cpl3", EXC_AC, 0, (uint64_t)u_ac_i);
    int v = run_user(u_ac, 0);
    reportf(v == USER_RET_VECTOR, "ac-not-without-eflags-ac", "vector %d", v);
    write_cr0(cr0 & ~CR0_AM);
    v = run_user(u_ac, RFLAGS_AC);
    reportf(v == USER_RET_VECTOR, "ac-not-without-cr0-am", "vector %d", v);
    write_cr0(cr0 | CR0_AM);
    /* No alignment checks at CPL 0 (SMAP off: AC is just a flag here). */
    asm volatile("pushfq\n\torq $0x40000, (%%rsp)\n\tpopfq\n\t"
                 ASM_TRY_INSN("movl (%0), %%eax") "pushfq\n\tandq $~0x40000, (%%rsp)\n\tpopfq"
                 :: "r"(user_buf + 1) : "rax", "memory", "cc");
    reportf(caught.vector == -1, "ac-not-at-cpl0", "vector %d", caught.vector);
    write_cr0(cr0);
}

/* Software interrupt frame ("64-Bit Mode Stack Frame"): the CPU aligns RSP
 * to 16 bytes and always pushes SS:RSP. */
static volatile uint64_t h_frame_end, h_ss_reg;
static volatile struct intr_frame h_frame;
static void frame_handler(struct intr_frame *f)
{
    h_frame_end = (uint64_t)&f->ss + 8;
    h_ss_reg = read_ss();
    memcpy((void *)&h_frame, f, sizeof *f);
    if ((f->cs & 3) == 3)
        catch_exception(f);             /* back to the kernel */
}

static void test_frame(void)
{
    set_handler(0x43, frame_handler);
    set_gate(0x43, SYS_INTGATE, 3, 0);
    uint64_t rsp_before, rip_after;
    asm volatile("sub $8, %%rsp\n\tmov %%rsp, %0\n\tlea 1f(%%rip), %1\n\t"
                 "int $0x43\n1:\tadd $8, %%rsp" : "=&r"(rsp_before), "=&r"(rip_after) :: "memory");
    report("frame-cpl0-rsp-aligned-16", (h_frame_end & 15) == 0);
    reportf(h_frame.rsp == rsp_before, "frame-cpl0-saved-rsp", "0x%lx vs 0x%lx", h_frame.rsp, rsp_before);
    reportf(h_frame.ss == SEL_KDATA, "frame-cpl0-saved-ss", "0x%lx", h_frame.ss);
    reportf(h_frame.cs == SEL_KCODE, "frame-cpl0-saved-cs", "0x%lx", h_frame.cs);
    reportf(h_frame.rip == rip_after, "frame-cpl0-saved-rip", "0x%lx vs 0x%lx", h_frame.rip, rip_after);
    reportf(h_frame.rflags & RFLAGS_FIXED1, "frame-cpl0-saved-rflags", "0x%lx", h_frame.rflags);
    reportf(h_ss_reg == SEL_KDATA, "frame-cpl0-ss-unchanged", "SS 0x%lx", h_ss_reg);

    /* From CPL 3: new stack from TSS.RSP0, SS becomes NULL (RPL 0). */
    USER_FN(u_int43, "mov %rsp, %rbx\nint $0x43");
    catch_recover_rip = 0;
    int v = run_user(u_int43, 0);
    report("frame-cpl3-delivered", v == 0x43);
    report("frame-cpl3-on-rsp0-stack", h_frame_end == (uint64_t)intr_stack_top);
    reportf(h_frame.ss == (SEL_UDATA | 3), "frame-cpl3-saved-ss", "0x%lx", h_frame.ss);
    reportf(h_frame.cs == (SEL_UCODE64 | 3), "frame-cpl3-saved-cs", "0x%lx", h_frame.cs);
    reportf(h_frame.rsp == h_frame.rbx, "frame-cpl3-saved-rsp", "0x%lx vs 0x%lx", h_frame.rsp, h_frame.rbx);
    reportf(h_ss_reg == 0, "frame-cpl3-new-ss-null", "SS 0x%lx", h_ss_reg);
    /* Interrupt gates clear IF; trap gates do not ("Interrupt Procedure"). */
    sti();
    asm volatile("int $0x43" ::: "memory");
    report("frame-saved-rflags-if", (h_frame.rflags & RFLAGS_IF) != 0);
    set_gate(0x43, SYS_TRAPGATE, 3, 0);
    cli();
    set_handler(0x43, NULL);
}

static volatile uint64_t if_in_handler;
static void if_handler(struct intr_frame *f) { (void)f; if_in_handler = read_rflags() & RFLAGS_IF; }

static void test_gate_if(void)
{
    set_handler(0x44, if_handler);
    set_gate(0x44, SYS_INTGATE, 0, 0);
    sti();
    asm volatile("int $0x44" ::: "memory");
    cli();
    report("intgate-clears-if-in-handler", if_in_handler == 0);
    set_gate(0x44, SYS_TRAPGATE, 0, 0);
    sti();
    asm volatile("int $0x44" ::: "memory");
    cli();
    report("trapgate-keeps-if-in-handler", if_in_handler != 0);
    set_handler(0x44, NULL);
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    test_de();
    test_db();
    test_bp();
    test_ud();
    test_nm();
    test_df();
    test_np_ss();
    test_ss_noncanon();
    test_gp();
    test_pf();
    test_ac();
    test_frame();
    test_gate_if();
    return report_summary();
}
