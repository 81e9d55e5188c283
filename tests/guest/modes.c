/* Compatibility mode inside IA-32e mode: a 32-bit code segment (L=0, D=1),
 * a 16-bit stack segment (B=0), segment bases and limits, which 64-bit mode
 * ignores. SDM Vol. 3A, "IA-32e Mode" ("Compatibility Mode"), "Segment
 * Descriptors", "Limit Checking", and Vol. 1 "Stack Alignment"/"Address-Size
 * Attributes for Stack Accesses". */
#include "kern.h"

#define SEL_DATA16  ((GDT_FIRST_SPARE + 0) * 8)   /* B=0 data, base = stack16 */
#define SEL_LIMITED ((GDT_FIRST_SPARE + 1) * 8)   /* limit 0xfff, byte granular */
#define SEL_BASED   ((GDT_FIRST_SPARE + 2) * 8)   /* base = based_buf */

uint8_t stack16[256] __attribute__((aligned(16)));
uint32_t based_buf[16] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };
volatile uint32_t r_cs, r_push, r_dec, r_sp16, r_based;
volatile uint64_t saved_rsp;

/* 64-bit -> compat (LRETQ to SEL_KCODE32) -> checks -> LJMP back to 64-bit. */
void compat_checks(void);
asm(".text\n.globl compat_checks\ncompat_checks:\n\t"
    "push %rbx\n\tpush %rbp\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n\t"
    "mov %rsp, saved_rsp(%rip)\n\t"
    "pushq $0x48\n\tlea 1f(%rip), %rax\n\tpushq %rax\n\tlretq\n"
    ".code32\n"
    "1:\tmov %cs, %eax\n\tmov %eax, r_cs\n\t"
    /* PUSH in a 32-bit code segment moves ESP by 4. */
    "mov %esp, %ecx\n\tpush %eax\n\tmov %ecx, %eax\n\tsub %esp, %eax\n\tmov %eax, r_push\n\tpop %eax\n\t"
    /* 0x48 is DEC EAX outside 64-bit mode (a REX prefix in 64-bit mode). */
    "mov $5, %eax\n\t.byte 0x48\n\tmov %eax, r_dec\n\t"
    /* B=0 stack: PUSH uses SP, the upper half of ESP is kept. */
    "mov %ss, %ebx\n\tmov %esp, %esi\n\t"
    "mov $" "0x50" ", %eax\n\tmov %eax, %ss\n\tmov $0xabcd0010, %esp\n\t"
    "push $0x5a5a5a5a\n\tmov %esp, %edx\n\t"
    "mov %ebx, %ss\n\tmov %esi, %esp\n\tmov %edx, r_sp16\n\t"
    /* DS base is added in compatibility mode. */
    "mov $0x60, %eax\n\tmov %eax, %ds\n\tmov 8, %eax\n\tmov $0x10, %ecx\n\tmov %ecx, %ds\n\tmov %eax, r_based\n\t"
    "ljmp $0x08, $2f\n"
    ".code64\n"
    "2:\tmov saved_rsp(%rip), %rsp\n\t"
    "pop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbp\n\tpop %rbx\n\tret\n");

/* Access DS:0x1000 with a 4-KiB limit from compatibility mode: #GP(0). */
void compat_limit(void);
asm(".text\n.globl compat_limit\ncompat_limit:\n\t"
    "pushq $0x48\n\tlea 1f(%rip), %rax\n\tpushq %rax\n\tlretq\n"
    ".code32\n"
    "1:\tmov $0x58, %eax\n\tmov %eax, %ds\n\t"
    "mov 0xffc, %eax\n\t"                  /* last dword inside the limit: fine */
    ".globl compat_limit_fault\ncompat_limit_fault:\n\t"
    "mov 0xffd, %eax\n\t"                  /* crosses the limit: #GP(0) */
    "ud2\n"
    ".code64\n");
extern char compat_limit_fault[];

static void limit_fn(void *arg) { (void)arg; compat_limit(); }

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    /* SS base = stack16 - 0x0000: SP 0x0010 -> push writes base + 0x000c. */
    gdt_set(SEL_DATA16 / 8, seg_desc((uint32_t)(uint64_t)stack16, 0xffff, AR_P | AR_S | SEGT_WRITABLE | SEGT_ACCESSED));
    gdt_set(SEL_LIMITED / 8, seg_desc(0, 0xfff, AR_P | AR_S | SEGT_WRITABLE | SEGT_ACCESSED | AR_DB));
    gdt_set(SEL_BASED / 8, seg_desc((uint32_t)(uint64_t)based_buf, 0xfffff,
                                    AR_P | AR_S | SEGT_WRITABLE | SEGT_ACCESSED | AR_DB | AR_G));
    compat_checks();
    reportf(r_cs == SEL_KCODE32, "compat-cs", "CS 0x%x", r_cs);
    reportf(r_push == 4, "compat-push-4-bytes", "ESP moved %u", r_push);
    reportf(r_dec == 4, "compat-0x48-is-dec", "EAX %u", r_dec);
    reportf(r_sp16 == 0xabcd000c, "stack16-push-uses-sp", "ESP 0x%x", r_sp16);
    uint32_t pushed;
    memcpy(&pushed, stack16 + 0xc, 4);
    reportf(pushed == 0x5a5a5a5a, "stack16-push-at-ss-base-plus-sp", "0x%x", pushed);
    reportf(r_based == 0x33333333, "compat-ds-base-applied", "0x%x", r_based);
    report("back-in-64bit-mode", read_cs() == SEL_KCODE);

    /* 64-bit mode ignores the DS base ("Segmentation in IA-32e Mode"). */
    write_ds(SEL_BASED);
    uint32_t v = *(volatile uint32_t *)&based_buf[1];
    write_ds(SEL_KDATA);
    reportf(v == 0x22222222, "64bit-ds-base-ignored", "0x%x", v);
    /* ... and the limit. */
    write_ds(SEL_LIMITED);
    v = *(volatile uint32_t *)&based_buf[3];
    write_ds(SEL_KDATA);
    reportf(v == 0x44444444, "64bit-ds-limit-ignored", "0x%x", v);

    int vec = catch_call(limit_fn, NULL);
    write_ds(SEL_KDATA);
    report_qemu_differs(vec == EXC_GP && caught.error == 0 && caught.rip == (uint64_t)compat_limit_fault &&
            caught.cs == SEL_KCODE32, "compat-limit-gp",
            "vector %d error 0x%lx RIP 0x%lx CS 0x%lx", vec, caught.error, caught.rip, caught.cs);
    /* The exception frame built for compatibility-mode code is the 64-bit one. */
    reportf(caught.cs == SEL_KCODE32 && (caught.rflags & RFLAGS_FIXED1) && caught.ss == SEL_KDATA, "compat-fault-frame",
            "SS 0x%lx RFLAGS 0x%lx", caught.ss, caught.rflags);
    return report_summary();
}
