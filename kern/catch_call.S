/* int catch_call(void (*fn)(void *), void *arg): call fn(arg) with exception
 * recovery armed; return the vector caught, or -1 if fn returned. */
    .text
    .code64
    .globl catch_call
catch_call:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp                       /* keep 16-byte alignment for fn */
    movl $-1, caught(%rip)
    leaq 1f(%rip), %rax
    movq %rax, catch_recover_rip(%rip)
    movq %rsp, catch_recover_rsp(%rip)
    movq %rdi, %rax
    movq %rsi, %rdi
    call *%rax
    movq $0, catch_recover_rip(%rip)
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
