/* Native side: load the whole register state of a case and jump to its
 * code. Never returns: the sequence ends in INT3 or a fault, whose signal
 * handler (native.c) captures the state and siglongjmps back.
 *
 * void diff_native_enter(const struct dstate *st)   -- layout in diff.h:
 *   r[16] at 0, rip at 128, rflags at 136, xmm[16][2] at 144, mxcsr at 400 */
    .text
    .globl diff_native_enter
    .type diff_native_enter, @function
diff_native_enter:
    mov %rdi, %rax
    /* DS and ES as Linux starts them (null): earlier cases may have
     * loaded them, and nothing else resets them in this process. */
    xor %ecx, %ecx
    mov %ecx, %ds
    mov %ecx, %es
    fninit
    ldmxcsr 400(%rax)
    movdqu 144(%rax), %xmm0
    movdqu 160(%rax), %xmm1
    movdqu 176(%rax), %xmm2
    movdqu 192(%rax), %xmm3
    movdqu 208(%rax), %xmm4
    movdqu 224(%rax), %xmm5
    movdqu 240(%rax), %xmm6
    movdqu 256(%rax), %xmm7
    movdqu 272(%rax), %xmm8
    movdqu 288(%rax), %xmm9
    movdqu 304(%rax), %xmm10
    movdqu 320(%rax), %xmm11
    movdqu 336(%rax), %xmm12
    movdqu 352(%rax), %xmm13
    movdqu 368(%rax), %xmm14
    movdqu 384(%rax), %xmm15
    mov 128(%rax), %rcx
    mov %rcx, diff_native_target(%rip)
    pushq 136(%rax)
    popfq
    mov 8(%rax), %rcx
    mov 16(%rax), %rdx
    mov 24(%rax), %rbx
    mov 40(%rax), %rbp
    mov 48(%rax), %rsi
    mov 56(%rax), %rdi
    mov 64(%rax), %r8
    mov 72(%rax), %r9
    mov 80(%rax), %r10
    mov 88(%rax), %r11
    mov 96(%rax), %r12
    mov 104(%rax), %r13
    mov 112(%rax), %r14
    mov 120(%rax), %r15
    mov 32(%rax), %rsp
    mov 0(%rax), %rax
    jmp *diff_native_target(%rip)
    .size diff_native_enter, . - diff_native_enter

    .bss
    .align 8
diff_native_target:
    .quad 0

    .section .note.GNU-stack,"",@progbits
