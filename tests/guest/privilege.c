/* Privilege levels and the ways between them. SDM Vol. 3A, "Protection",
 * "Privilege Level Checking When Transferring Program Control Between Code
 * Segments", "Call Gates", "I/O Permission Bit Map"; Vol. 2 SYSCALL, SYSRET,
 * SYSENTER, SYSEXIT, SWAPGS, RDTSC, RDTSCP. */
#include "kern.h"

/* ---- CPL 3 entry and the ring 3 -> 0 return through a DPL 3 gate. */
USER_FN(u_segs, "mov %cs, %eax\nmov %ss, %ebx\nmov %rsp, %rcx\npushfq\npop %rdx");

static void test_iret(void)
{
    int v = run_user(u_segs, 0);
    report("iretq-to-cpl3", v == USER_RET_VECTOR);
    reportf((caught.frame.rax & 0xffff) == (SEL_UCODE64 | 3), "cpl3-cs", "CS 0x%lx", caught.frame.rax);
    reportf((caught.frame.rbx & 0xffff) == (SEL_UDATA | 3), "cpl3-ss", "SS 0x%lx", caught.frame.rbx);
    reportf(caught.frame.rcx == (uint64_t)user_stack_top - 8, "cpl3-rsp", "RSP 0x%lx", caught.frame.rcx);
    reportf(caught.cs == (SEL_UCODE64 | 3) && caught.ss == (SEL_UDATA | 3), "int-dpl3-gate-from-cpl3",
            "frame CS 0x%lx SS 0x%lx", caught.cs, caught.ss);
    v = run_user(u_segs, RFLAGS_IOPL);
    reportf((caught.frame.rdx & RFLAGS_IOPL) == RFLAGS_IOPL, "iretq-sets-iopl-from-cpl0",
            "RFLAGS 0x%lx", caught.frame.rdx);
}

/* ---- Far CALL through a 64-bit call gate, RET far back ("Call Gates",
 * "Calling a Procedure at a More Privileged Level" in IA-32e mode). */
#define GATE_IDX GDT_FIRST_SPARE
volatile uint64_t cg_cs, cg_ss, cg_rsp, cg_stack[4];
void cg_target(void);
asm(".text\ncg_target:\n\t"
    "mov %cs, cg_cs(%rip)\n\tmov %ss, cg_ss(%rip)\n\tmov %rsp, cg_rsp(%rip)\n\t"
    "mov 0(%rsp), %rax\n\tmov %rax, cg_stack+0(%rip)\n\t"
    "mov 8(%rsp), %rax\n\tmov %rax, cg_stack+8(%rip)\n\t"
    "mov 16(%rsp), %rax\n\tmov %rax, cg_stack+16(%rip)\n\t"
    "mov 24(%rsp), %rax\n\tmov %rax, cg_stack+24(%rip)\n\t"
    "lretq\n");
USER_DATA struct __attribute__((packed)) { uint32_t off; uint16_t sel; } cg_ptr;
USER_FN(u_callgate, "mov %rsp, %rbx\n.globl u_callgate_ret\nmov $cg_ptr, %eax\nlcall *(%rax)\n"
        "u_callgate_ret: mov %cs, %ecx\nmov %ss, %edx\nmov %rsp, %rsi");
extern char u_callgate_ret[];

static void test_callgate(void)
{
    uint64_t t = (uint64_t)cg_target;
    gdt[GATE_IDX] = (t & 0xffff) | ((uint64_t)SEL_KCODE << 16) | ((uint64_t)SYS_CALLGATE << 40) |
                    (3ull << 45) | (1ull << 47) | (((t >> 16) & 0xffff) << 48);
    gdt[GATE_IDX + 1] = t >> 32;
    cg_ptr.off = 0xdeadbeef;             /* ignored for a call gate */
    cg_ptr.sel = GATE_IDX * 8 | 3;
    int v = run_user(u_callgate, 0);
    report("callgate-round-trip", v == USER_RET_VECTOR);
    reportf(cg_cs == SEL_KCODE, "callgate-target-cs", "CS 0x%lx", cg_cs);
    reportf(cg_ss == 0, "callgate-new-ss-null", "SS 0x%lx", cg_ss);
    reportf(cg_rsp == (uint64_t)intr_stack_top - 32, "callgate-stack-from-rsp0", "RSP 0x%lx", cg_rsp);
    reportf(cg_stack[0] == (uint64_t)u_callgate_ret, "callgate-pushed-rip", "0x%lx", cg_stack[0]);
    reportf(cg_stack[1] == (SEL_UCODE64 | 3), "callgate-pushed-cs", "0x%lx", cg_stack[1]);
    reportf(cg_stack[2] == caught.frame.rbx, "callgate-pushed-rsp", "0x%lx vs 0x%lx", cg_stack[2], caught.frame.rbx);
    reportf(cg_stack[3] == (SEL_UDATA | 3), "callgate-pushed-ss", "0x%lx", cg_stack[3]);
    reportf((caught.frame.rcx & 0xffff) == (SEL_UCODE64 | 3) && (caught.frame.rdx & 0xffff) == (SEL_UDATA | 3) &&
            caught.frame.rsi == caught.frame.rbx, "callgate-lret-back-to-cpl3",
            "CS 0x%lx SS 0x%lx RSP 0x%lx", caught.frame.rcx, caught.frame.rdx, caught.frame.rsi);
    /* A gate with DPL 0 cannot be called from CPL 3: #GP(gate selector). */
    gdt[GATE_IDX] &= ~(3ull << 45);
    v = run_user(u_callgate, 0);
    expect_exception("callgate-dpl0-from-cpl3", EXC_GP, GATE_IDX * 8, RIP_ANY);
    /* Not present: #NP(gate selector). */
    gdt[GATE_IDX] |= 3ull << 45;
    gdt[GATE_IDX] &= ~(1ull << 47);
    v = run_user(u_callgate, 0);
    expect_exception("callgate-not-present", EXC_NP, GATE_IDX * 8, RIP_ANY);
    gdt[GATE_IDX] = gdt[GATE_IDX + 1] = 0;
}

/* ---- IOPL and the I/O permission bitmap ("I/O Privilege Level",
 * "I/O Permission Bit Map"; CLI/STI). */
USER_FN(u_cli, ".globl u_cli_i\nu_cli_i: cli\npushfq\npop %rbx");
USER_FN(u_sti, ".globl u_sti_i\nu_sti_i: sti");
USER_FN(u_in80, ".globl u_in80_i\nu_in80_i: inb $0x80, %al");
USER_FN(u_in81, ".globl u_in81_i\nu_in81_i: inb $0x81, %al");
USER_FN(u_inw80, ".globl u_inw80_i\nu_inw80_i: inw $0x80, %ax");
USER_FN(u_inw7f, ".globl u_inw7f_i\nu_inw7f_i: inw $0x7f, %ax");
USER_FN(u_outdx, "mov $0x80, %edx\n.globl u_outdx_i\nu_outdx_i: outb %al, %dx");
extern char u_cli_i[], u_sti_i[], u_in80_i[], u_in81_i[], u_inw80_i[], u_inw7f_i[], u_outdx_i[];

static void test_io(void)
{
    run_user(u_cli, 0);
    expect_exception("cli-cpl3-iopl0", EXC_GP, 0, (uint64_t)u_cli_i);
    run_user(u_sti, 0);
    expect_exception("sti-cpl3-iopl0", EXC_GP, 0, (uint64_t)u_sti_i);
    int v = run_user(u_cli, RFLAGS_IOPL | RFLAGS_IF);
    reportf(v == USER_RET_VECTOR && !(caught.frame.rbx & RFLAGS_IF), "cli-cpl3-iopl3",
            "vector %d RFLAGS 0x%lx", v, caught.frame.rbx);
    iopb_allow(0x7f, true);
    iopb_allow(0x80, true);
    iopb_allow(0x81, false);
    v = run_user(u_in80, 0);
    reportf(v == USER_RET_VECTOR, "iopb-allowed-port", "vector %d", v);
    run_user(u_in81, 0);
    expect_exception("iopb-denied-port", EXC_GP, 0, (uint64_t)u_in81_i);
    v = run_user(u_inw7f, 0);
    reportf(v == USER_RET_VECTOR, "iopb-word-both-allowed", "vector %d", v);
    run_user(u_inw80, 0);
    expect_exception("iopb-word-second-byte-denied", EXC_GP, 0, (uint64_t)u_inw80_i);
    v = run_user(u_outdx, 0);
    reportf(v == USER_RET_VECTOR, "iopb-out-dx-allowed", "vector %d", v);
    v = run_user(u_in81, RFLAGS_IOPL);
    reportf(v == USER_RET_VECTOR, "iopl3-ignores-bitmap", "vector %d", v);
    /* The bitmap is read at the I/O map base: beyond the TSS limit = denied. */
    uint16_t base = tss.iomap_base;
    tss.iomap_base = 0xffff;
    run_user(u_in80, 0);
    tss.iomap_base = base;
    expect_exception("iopb-base-beyond-limit-denied", EXC_GP, 0, (uint64_t)u_in80_i);
    iopb_allow(0x7f, false);
    iopb_allow(0x80, false);
}

/* ---- Privileged instructions at CPL 3: #GP(0). */
USER_FN(u_priv_hlt, "hlt");
USER_FN(u_priv_clts, "clts");
USER_FN(u_priv_lgdt, "lgdt (%rsp)");
USER_FN(u_priv_lidt, "lidt (%rsp)");
USER_FN(u_priv_ltr, "mov $0x38, %eax\nltr %ax");
USER_FN(u_priv_invlpg, "invlpg (%rsp)");
USER_FN(u_priv_rdmsr, "mov $0x10, %ecx\nrdmsr");
USER_FN(u_priv_wrmsr, "mov $0xc0000100, %ecx\nxor %eax, %eax\nxor %edx, %edx\nwrmsr");
USER_FN(u_priv_movcr3, "mov %cr3, %rax");
USER_FN(u_priv_movdr7, "mov %dr7, %rax");
USER_FN(u_priv_wbinvd, "wbinvd");
USER_FN(u_priv_swapgs, "swapgs");
USER_FN(u_priv_rdpmc, "xor %ecx, %ecx\nrdpmc");
USER_FN(u_priv_lmsw, "xor %eax, %eax\nlmsw %ax");

static void test_priv_insns(void)
{
    static const struct { const char *name; void (*fn)(void); } t[] = {
        { "gp-cpl3-hlt", u_priv_hlt }, { "gp-cpl3-clts", u_priv_clts },
        { "gp-cpl3-lgdt", u_priv_lgdt }, { "gp-cpl3-lidt", u_priv_lidt },
        { "gp-cpl3-ltr", u_priv_ltr }, { "gp-cpl3-invlpg", u_priv_invlpg },
        { "gp-cpl3-rdmsr", u_priv_rdmsr }, { "gp-cpl3-wrmsr", u_priv_wrmsr },
        { "gp-cpl3-mov-from-cr3", u_priv_movcr3 }, { "gp-cpl3-mov-from-dr7", u_priv_movdr7 },
        { "gp-cpl3-wbinvd", u_priv_wbinvd }, { "gp-cpl3-swapgs", u_priv_swapgs },
        { "gp-cpl3-rdpmc-pce0", u_priv_rdpmc }, { "gp-cpl3-lmsw", u_priv_lmsw },
    };
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        run_user(t[i].fn, 0);
        expect_exception(t[i].name, EXC_GP, 0, RIP_ANY);
    }
}

/* ---- SYSCALL / SYSRET (SDM Vol. 2, SYSCALL and SYSRET). */
volatile uint64_t sc_rcx, sc_r11, sc_cs, sc_ss, sc_rflags;
void syscall_entry(void);
asm(".text\nsyscall_entry:\n\t"
    "mov %rcx, sc_rcx(%rip)\n\tmov %r11, sc_r11(%rip)\n\t"
    "mov %cs, sc_cs(%rip)\n\tmov %ss, sc_ss(%rip)\n\t"
    "pushfq\n\tpopq sc_rflags(%rip)\n\t"
    "sysretq\n");
USER_FN(u_syscall, "lea 1f(%rip), %rbx\npushfq\npop %rdi\nsyscall\n1: mov %cs, %ecx\nmov %ss, %edx\npushfq\npop %rsi");
USER_FN(u_syscall_ud, ".globl u_syscall_ud_i\nu_syscall_ud_i: syscall");
extern char u_syscall_ud_i[];

static void test_syscall(void)
{
    if (!cpu_has(0x80000001, 0, 3, CPUID_80000001_EDX_SYSCALL)) {
        report_skip("syscall", "CPUID.80000001H:EDX.SYSCALL is 0");
        return;
    }
    uint64_t efer = rdmsr(MSR_IA32_EFER);
    wrmsr(MSR_IA32_EFER, efer & ~EFER_SCE);
    run_user(u_syscall_ud, 0);
    expect_exception("syscall-ud-without-efer-sce", EXC_UD, 0, (uint64_t)u_syscall_ud_i);
    wrmsr(MSR_IA32_EFER, efer | EFER_SCE);
    wrmsr(MSR_IA32_STAR, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32));
    wrmsr(MSR_IA32_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_IA32_FMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_AC);
    int v = run_user(u_syscall, RFLAGS_IF | RFLAGS_AC | RFLAGS_CF);
    report("syscall-sysret-round-trip", v == USER_RET_VECTOR);
    reportf(sc_rcx == caught.frame.rbx, "syscall-rcx-next-rip", "RCX 0x%lx want 0x%lx", sc_rcx, caught.frame.rbx);
    reportf(sc_r11 == caught.frame.rdi, "syscall-r11-rflags", "R11 0x%lx want 0x%lx", sc_r11, caught.frame.rdi);
    reportf(sc_cs == SEL_KCODE && sc_ss == SEL_KDATA, "syscall-star-selectors", "CS 0x%lx SS 0x%lx", sc_cs, sc_ss);
    reportf(!(sc_rflags & (RFLAGS_IF | RFLAGS_AC)), "syscall-fmask-clears", "RFLAGS 0x%lx", sc_rflags);
    reportf(sc_r11 & RFLAGS_CF, "syscall-user-flags-had-cf", "R11 0x%lx", sc_r11);
    report_qemu_differs(sc_rflags & RFLAGS_CF, "syscall-keeps-unmasked-flags", "RFLAGS 0x%lx, CF lost", sc_rflags);
    reportf((caught.frame.rcx & 0xffff) == (SEL_UCODE64 | 3), "sysret-cs", "CS 0x%lx", caught.frame.rcx);
    reportf((caught.frame.rdx & 0xffff) == (SEL_UDATA | 3), "sysret-ss", "SS 0x%lx", caught.frame.rdx);
    reportf(caught.frame.rsi == caught.frame.rdi, "sysret-rflags-from-r11", "RFLAGS 0x%lx want 0x%lx",
            caught.frame.rsi, caught.frame.rdi);
    wrmsr(MSR_IA32_EFER, efer);
}

/* ---- SYSENTER / SYSEXIT in 64-bit mode (SDM Vol. 2, SYSENTER, SYSEXIT). */
volatile uint64_t se_cs, se_ss, se_rsp, se_rflags;
void sysenter_entry(void);
asm(".text\nsysenter_entry:\n\t"
    "mov %cs, se_cs(%rip)\n\tmov %ss, se_ss(%rip)\n\tmov %rsp, se_rsp(%rip)\n\t"
    "pushfq\n\tpopq se_rflags(%rip)\n\t"
    ".byte 0x48, 0x0f, 0x35\n");        /* SYSEXIT with REX.W: to 64-bit CPL 3 */
USER_FN(u_sysenter, "lea 1f(%rip), %rdx\nmov %rsp, %rcx\nmov %rsp, %rdi\nsysenter\n"
        "1: mov %cs, %ebx\nmov %ss, %esi\nmov %rsp, %r8");
static uint8_t sysenter_stack[256] __attribute__((aligned(16)));

static void test_sysenter(void)
{
    if (!cpu_has(1, 0, 3, CPUID_1_EDX_SEP)) {
        report_skip("sysenter", "CPUID.1:EDX.SEP is 0");
        return;
    }
    if (!cpu_is_intel()) {
        report_skip("sysenter", "not an Intel CPU: SYSENTER is #UD in 64-bit mode on AMD");
        return;
    }
    wrmsr(MSR_IA32_SYSENTER_CS, SEL_KCODE);
    wrmsr(MSR_IA32_SYSENTER_ESP, (uint64_t)sysenter_stack + sizeof sysenter_stack);
    wrmsr(MSR_IA32_SYSENTER_EIP, (uint64_t)sysenter_entry);
    int v = run_user(u_sysenter, RFLAGS_IF);
    report("sysenter-sysexit-round-trip", v == USER_RET_VECTOR);
    reportf(se_cs == SEL_KCODE && se_ss == SEL_KDATA, "sysenter-selectors", "CS 0x%lx SS 0x%lx", se_cs, se_ss);
    reportf(se_rsp == (uint64_t)sysenter_stack + sizeof sysenter_stack, "sysenter-rsp", "RSP 0x%lx", se_rsp);
    reportf(!(se_rflags & RFLAGS_IF), "sysenter-clears-if", "RFLAGS 0x%lx", se_rflags);
    reportf((caught.frame.rbx & 0xffff) == (SEL_UCODE64 | 3), "sysexit64-cs", "CS 0x%lx", caught.frame.rbx);
    reportf((caught.frame.rsi & 0xffff) == (SEL_UDATA2 | 3), "sysexit64-ss", "SS 0x%lx", caught.frame.rsi);
    reportf(caught.frame.r8 == caught.frame.rdi, "sysexit-rsp-from-rcx", "RSP 0x%lx", caught.frame.r8);
    /* SYSENTER_CS = 0: #GP(0). */
    wrmsr(MSR_IA32_SYSENTER_CS, 0);
    run_user(u_sysenter, 0);
    expect_exception("sysenter-null-cs-gp", EXC_GP, 0, RIP_ANY);
}

/* ---- SWAPGS (SDM Vol. 2, SWAPGS). */
static void test_swapgs(void)
{
    wrmsr(MSR_IA32_GS_BASE, 0x1111000);
    wrmsr(MSR_IA32_KERNEL_GS_BASE, 0x2222000);
    swapgs();
    uint64_t gs = rdmsr(MSR_IA32_GS_BASE), kgs = rdmsr(MSR_IA32_KERNEL_GS_BASE);
    reportf(gs == 0x2222000 && kgs == 0x1111000, "swapgs-exchanges", "GS_BASE 0x%lx KERNEL_GS_BASE 0x%lx", gs, kgs);
    static volatile uint64_t cell = 0x5a5a;
    wrmsr(MSR_IA32_GS_BASE, (uint64_t)&cell - 8);
    uint64_t v;
    asm volatile("mov %%gs:8, %0" : "=r"(v));
    reportf(v == 0x5a5a, "gs-base-addressing", "read 0x%lx", v);
    wrmsr(MSR_IA32_GS_BASE, 0);
    wrmsr(MSR_IA32_KERNEL_GS_BASE, 0);
}

/* ---- TSC: CR4.TSD, RDTSCP and IA32_TSC_AUX. */
USER_FN(u_rdtsc, ".globl u_rdtsc_i\nu_rdtsc_i: rdtsc");
USER_FN(u_rdtscp, ".globl u_rdtscp_i\nu_rdtscp_i: rdtscp");
extern char u_rdtsc_i[], u_rdtscp_i[];

static void test_tsc(void)
{
    uint64_t a = rdtsc(), b = rdtsc();
    reportf(b > a, "rdtsc-increases", "%lx then %lx", a, b);
    int v = run_user(u_rdtsc, 0);
    reportf(v == USER_RET_VECTOR, "rdtsc-cpl3-tsd0", "vector %d", v);
    write_cr4(read_cr4() | CR4_TSD);
    run_user(u_rdtsc, 0);
    expect_exception("rdtsc-cpl3-tsd1-gp", EXC_GP, 0, (uint64_t)u_rdtsc_i);
    a = rdtsc();
    report("rdtsc-cpl0-tsd1-ok", a != 0);
    bool has_rdtscp = cpu_has(0x80000001, 0, 3, CPUID_80000001_EDX_RDTSCP);
    if (has_rdtscp) {
        run_user(u_rdtscp, 0);
        expect_exception("rdtscp-cpl3-tsd1-gp", EXC_GP, 0, (uint64_t)u_rdtscp_i);
    }
    write_cr4(read_cr4() & ~CR4_TSD);
    if (!has_rdtscp) {
        report_skip("rdtscp", "CPUID.80000001H:EDX.RDTSCP is 0");
        return;
    }
    wrmsr(MSR_IA32_TSC_AUX, 0x12345);
    uint32_t aux = 0;
    rdtscp(&aux);
    reportf(aux == 0x12345, "rdtscp-tsc-aux", "ECX 0x%x", aux);
    v = run_user(u_rdtscp, 0);
    reportf(v == USER_RET_VECTOR && (uint32_t)caught.frame.rcx == 0x12345, "rdtscp-cpl3-tsc-aux",
            "vector %d ECX 0x%lx", v, caught.frame.rcx);
}

/* ---- UMIP: SGDT/SIDT/SLDT/SMSW/STR at CPL 3 with CR4.UMIP=1 -> #GP(0). */
USER_FN(u_sgdt, "sub $16, %rsp\nsgdt (%rsp)\nadd $16, %rsp");
USER_FN(u_sidt, "sub $16, %rsp\nsidt (%rsp)\nadd $16, %rsp");
USER_FN(u_sldt, "sldt %ax");
USER_FN(u_smsw, "smsw %eax");
USER_FN(u_str, "str %ax");

static void test_umip(void)
{
    int v = run_user(u_sgdt, 0);
    reportf(v == USER_RET_VECTOR, "sgdt-cpl3-without-umip", "vector %d", v);
    if (!cpu_has(7, 0, 2, CPUID_7_ECX_UMIP)) {
        /* Without UMIP, CR4 bit 11 is reserved: setting it is #GP(0) — SDM
         * "MOV—Move to/from Control Registers". */
        uint64_t cr4 = read_cr4() | CR4_UMIP;
        asm volatile(ASM_TRY_INSN("mov %0, %%cr4") :: "r"(cr4) : "memory");
        expect_exception("umip-unsupported-cr4-bit-gp", EXC_GP, 0, try_start);
        return;
    }
    write_cr4(read_cr4() | CR4_UMIP);
    static const struct { const char *name; void (*fn)(void); } t[] = {
        { "umip-sgdt", u_sgdt }, { "umip-sidt", u_sidt }, { "umip-sldt", u_sldt },
        { "umip-smsw", u_smsw }, { "umip-str", u_str },
    };
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        run_user(t[i].fn, 0);
        expect_exception(t[i].name, EXC_GP, 0, RIP_ANY);
    }
    struct desc_ptr p;
    sgdt(&p);
    reportf(p.base == (uint64_t)gdt, "umip-sgdt-cpl0-allowed", "base 0x%lx", p.base);
    write_cr4(read_cr4() & ~CR4_UMIP);
}

/* Machine-check architecture (SDM Vol. 3B "Machine-Check Global Control
 * MSRs"): with CPUID.1:EDX.MCA, IA32_MCG_CAP gives the bank count and is
 * read-only; the bank MSRs past the count do not exist; IA32_MCG_STATUS
 * takes 0; CR4.MCE can be set. Without MCA (e.g. under hv), IA32_MCG_CAP
 * does not exist. */
static void test_mca(void)
{
    struct cpuid r = cpuid(1, 0);
    if (!(r.d & (1u << 14))) {
        asm volatile(ASM_TRY_INSN("rdmsr") :: "c"(0x179) : "rax", "rdx", "memory");
        reportf(caught.vector == EXC_GP, "mca-absent-mcg-cap-gp", "vector %d", caught.vector);
        return;
    }
    uint32_t banks = (uint32_t)rdmsr(0x179) & 0xff;
    asm volatile(ASM_TRY_INSN("rdmsr") :: "c"(0x400 + 4 * banks) : "rax", "rdx", "memory");
    report_qemu_differs(caught.vector == EXC_GP, "mca-bank-past-count-gp", "bank %u: vector %d",
                        banks, caught.vector);
    asm volatile(ASM_TRY_INSN("wrmsr") :: "c"(0x179), "a"(0), "d"(0) : "memory");
    report_qemu_differs(caught.vector == EXC_GP, "mcg-cap-read-only-gp", "vector %d", caught.vector);
    wrmsr(0x17a, 0);
    reportf(rdmsr(0x17a) == 0, "mcg-status-takes-0", "%#lx", rdmsr(0x17a));
    if (r.d & (1u << 7)) {
        uint64_t cr4 = read_cr4();
        write_cr4(cr4 | (1u << 6));
        reportf(read_cr4() & (1u << 6), "cr4-mce-settable", "CR4 %#lx", read_cr4());
        write_cr4(cr4);
    }
}

/* IA32_MISC_ENABLE (SDM Vol. 4, architectural MSRs): bit 22 limits
 * CPUID.0:EAX to 2, bit 34 hides NX (CPUID.80000001H:EDX[20]); reserved
 * bits are #GP. */
static void test_misc_enable(void)
{
    uint64_t misc = rdmsr(0x1a0);
    wrmsr(0x1a0, misc | (1ull << 22));
    uint32_t max = cpuid(0, 0).a;
    wrmsr(0x1a0, misc);
    report_qemu_differs(max == 2, "misc-enable-limit-cpuid-maxval", "CPUID.0:EAX %u", max);
    reportf(cpuid(0, 0).a > 2, "misc-enable-limit-cpuid-cleared", "CPUID.0:EAX %u", cpuid(0, 0).a);
    asm volatile(ASM_TRY_INSN("wrmsr") :: "c"(0x1a0), "a"((uint32_t)misc | (1u << 1)),
                 "d"((uint32_t)(misc >> 32)) : "memory");
    report_qemu_differs(caught.vector == EXC_GP, "misc-enable-reserved-bit-gp", "vector %d",
                        caught.vector);
    wrmsr(0x1a0, misc);
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    test_iret();
    test_callgate();
    test_io();
    test_priv_insns();
    test_syscall();
    test_sysenter();
    test_swapgs();
    test_tsc();
    test_umip();
    test_mca();
    test_misc_enable();
    return report_summary();
}
