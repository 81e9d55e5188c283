/* Leaving long mode for 32-bit protected mode without paging, and coming
 * back: for test kernels that run legacy-mode code (16-bit protected mode,
 * real-address mode, virtual-8086 mode). SDM Vol. 3A:
 *   out  "Switching Out of IA-32e Mode Operation": compatibility mode, then
 *        CR0.PG = 0 (EFER.LMA becomes 0), then EFER.LME = 0; CR3 = 0 after
 *        paging is off, as step 1 of "Switching Back to Real-Address Mode"
 *        asks;
 *   back "Initializing IA-32e Mode": CR4.PAE, CR3 = PML4, EFER.LME, CR0.PG,
 *        then a far jump to a 64-bit code segment.
 *
 * void pm32_call(const struct desc_ptr *gdtr, const void *entry32)
 *   Called from 64-bit mode at CPL 0. This code, the stack, *gdtr and
 *   entry32 must be identity-mapped below 4 GiB. Loads *gdtr - a GDT that
 *   starts with PM32_GDT_HEAD (modeswitch.h) - leaves IA-32e mode and calls
 *   entry32 (a 32-bit near CALL) in 32-bit protected mode with paging off:
 *   CS = PM32_SEL_CODE32, DS = ES = SS = FS = GS = PM32_SEL_DATA32, ESP on
 *   the caller's stack, EFLAGS unchanged, IDTR still kern's 64-bit IDT (load
 *   a legacy one before any interrupt or exception can come).
 *   entry32 may change any register, segment, GDTR, IDTR or TR. It gets back
 *   with a RET (stack balanced), or from anywhere - any stack, after real
 *   mode, with a GDT whose PM32_GDT_HEAD entries are the same - with a far
 *   jump to PM32_SEL_CODE32:pm32_return from 32-bit or 16-bit protected
 *   mode (paging off). pm32_call then restores CR3, GDTR, IDTR, the caller's
 *   CS and SS (SS also in DS and ES; FS = GS = 0), RSP, RBX, RBP, R12-R15
 *   and returns. TR is not restored. Not re-entrant.
 */
#include "modeswitch.h"

#define CR0_PG   0x80000000
#define CR4_PAE  0x20
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100

    .text
    .code64
    .globl pm32_call, pm32_return
pm32_call:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, pm32_saved_rsp(%rip)
    mov %cr3, %rax
    mov %rax, pm32_saved_cr3(%rip)
    sgdt pm32_saved_gdtr(%rip)
    sidt pm32_saved_idtr(%rip)
    movw %cs, pm32_saved_cs(%rip)
    movw %ss, pm32_saved_ss(%rip)
    mov %esi, %ebx                  /* entry32, below 4 GiB */
    lgdt (%rdi)
    /* Out 1: to compatibility mode (a 32-bit code segment). */
    pushq $PM32_SEL_CODE32
    lea 1f(%rip), %rax
    push %rax
    lretq
    .code32
1:  mov $PM32_SEL_DATA32, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    /* Out 2: paging off (this code is identity-mapped): EFER.LMA = 0;
     * then CR3 = 0. */
    mov %cr0, %eax
    and $~CR0_PG, %eax
    mov %eax, %cr0
    jmp 2f
2:  xor %eax, %eax
    mov %eax, %cr3
    /* Out 3: EFER.LME off. Legacy 32-bit protected mode without paging. */
    mov $MSR_EFER, %ecx
    rdmsr
    and $~EFER_LME, %eax
    wrmsr
    call *%ebx

/* Back in 32-bit (or 16-bit) protected mode, CS = PM32_SEL_CODE32. */
pm32_return:
    mov $PM32_SEL_DATA32, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    mov pm32_saved_rsp, %esp
    /* Initializing IA-32e Mode: CR4.PAE, CR3 = PML4, EFER.LME, CR0.PG. */
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov pm32_saved_cr3, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $CR0_PG, %eax
    mov %eax, %cr0
    ljmp $PM32_SEL_CODE64, $3f
    .code64
3:  lgdt pm32_saved_gdtr(%rip)
    lidt pm32_saved_idtr(%rip)
    movzwl pm32_saved_cs(%rip), %eax
    push %rax
    lea 4f(%rip), %rax
    push %rax
    lretq
4:  movzwl pm32_saved_ss(%rip), %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov pm32_saved_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

    .data
pm32_saved_gdtr: .space 10
pm32_saved_idtr: .space 10
pm32_saved_cs:   .word 0
pm32_saved_ss:   .word 0
    .align 8
pm32_saved_rsp:  .quad 0
pm32_saved_cr3:  .quad 0
