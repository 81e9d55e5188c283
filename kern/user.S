/* Running code at CPL 3 (see kern.h, USER_FN and run_user). */
    .text
    .code64

/* int run_user_regs(void (*fn)(void), uint64_t rflags, uint64_t rdi, uint64_t rsi):
 * IRETQ to fn at CPL 3 on the user stack with the given RFLAGS; fn ends with
 * INT 0x80 (USER_EXIT) or faults. Returns the vector that ended it. */
    .globl run_user_regs, run_user
run_user:
    xorl %edx, %edx
    xorl %ecx, %ecx
run_user_regs:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    movl $-1, caught(%rip)
    leaq 1f(%rip), %rax
    movq %rax, catch_recover_rip(%rip)
    movq %rsp, catch_recover_rsp(%rip)
    /* SDM Vol. 3A, "Return from an Interrupt Procedure" (IRET to CPL 3). */
    pushq $0x23                         /* SS = SEL_UDATA | 3 */
    leaq user_stack_top(%rip), %rax
    subq $8, %rax                       /* like after a CALL: RSP+8 aligned */
    leaq user_return(%rip), %r8
    movq %r8, (%rax)                    /* a plain RET from fn ends it too */
    pushq %rax
    orq $2, %rsi
    pushq %rsi                          /* RFLAGS */
    pushq $0x2b                         /* CS = SEL_UCODE64 | 3 */
    pushq %rdi                          /* RIP */
    movq %rdx, %rdi
    movq %rcx, %rsi
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    iretq
1:  movslq caught(%rip), %rax
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    cld
    ret

    .section .utext, "ax"
    .globl user_return
user_return:
    int $0x80
    ud2

    .section .udata, "aw"
    .align 16
    .globl user_stack_top
user_stack:
    .space 16384
user_stack_top:
