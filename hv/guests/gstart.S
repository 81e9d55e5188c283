/* Entry and exception stubs of hv's built-in 64-bit guests. hv starts a
 * guest at _start in 64-bit mode with RSP set and its argument in RDI; the
 * return value of gmain() becomes its HC_EXIT status. Exceptions 0-31 go
 * through gidt (glib.c): under TRY they resume at the recovery address
 * with the vector in try_vector; otherwise the guest exits with status
 * 100 + vector. */
#include "../hypercall.h"

    .section .text.start, "ax"
    .globl _start
_start:
    call gmain
    mov %eax, %ebx
    mov $HC_EXIT, %eax
    vmcall
1:  hlt
    jmp 1b

    .text
    .macro stub v
    .globl exc_stub_\v
exc_stub_\v:
    .if (\v == 8) || (\v == 10) || (\v == 11) || (\v == 12) || (\v == 13) || (\v == 14) || (\v == 17) || (\v == 21)
    .else
    push $0
    .endif
    push $\v
    jmp exc_common
    .endm

    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    stub \v
    .endr

exc_common:
    /* stack: vector, error code, RIP, CS, RFLAGS, RSP, SS */
    cmpq $0, try_recover(%rip)
    je 2f
    mov (%rsp), %rax
    mov %eax, try_vector(%rip)
    mov 8(%rsp), %rax
    mov %rax, try_error(%rip)
    mov try_recover(%rip), %rax
    mov %rax, 16(%rsp)
    movq $0, try_recover(%rip)
    add $16, %rsp
    iretq
2:  pop %rbx
    add $100, %ebx
    mov $HC_EXIT, %eax
    vmcall
3:  hlt
    jmp 3b

    .section .rodata
    .globl exc_stubs
exc_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad exc_stub_\v
    .endr
