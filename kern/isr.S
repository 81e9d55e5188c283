/* 256 interrupt stubs and the common entry that saves the GPRs into a
 * struct intr_frame (kern.h) and calls intr_dispatch().
 * SDM Vol. 3A, "Exception and Interrupt Handling in 64-bit Mode":
 * the CPU aligns RSP to 16 and pushes SS, RSP, RFLAGS, CS, RIP [, error]. */

    .text
    .code64

/* Vectors for which the CPU pushes an error code (SDM Vol. 3A,
 * "Exception and Interrupt Reference"): 8, 10-14, 17, 21, 29, 30. */
.macro STUB v
    .align 16
isr_stub_\v:
    .if (\v == 8) || (\v == 10) || (\v == 11) || (\v == 12) || (\v == 13) || (\v == 14) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
    .else
    pushq $0
    .endif
    pushq $\v
    jmp intr_common
.endm

    .altmacro
    .globl isr_stubs_start
isr_stubs_start:
    .set i, 0
    .rept 256
    STUB %i
    .set i, i + 1
    .endr
    .noaltmacro

    .section .rodata
    .align 8
    .globl isr_stub_table
isr_stub_table:
    .set i, 0
    .rept 256
    .quad isr_stubs_start + 16 * i
    .set i, i + 1
    .endr

    .text
    .globl intr_common
intr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    cld
    call intr_dispatch
    .globl intr_return
intr_return:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp
    iretq
