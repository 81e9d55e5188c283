/* Entering a guest and coming back. SDM Vol. 3C, "VM Entries" and "VM
 * Exits": VMLAUNCH/VMRESUME load guest state from the VMCS, but not the
 * guest's general-purpose registers (except RSP/RIP/RFLAGS); a VM exit
 * loads host state (RSP = HOST_RSP, RIP = HOST_RIP) and saves none of them.
 *
 * enum vmx_status vmx_run(struct guest_regs *regs, int launched)
 *   Saves hv's callee-saved registers, records the stack in HOST_RSP, loads
 *   the guest's GPRs from regs, and executes VMRESUME (launched != 0) or
 *   VMLAUNCH. Returns VMX_OK (0) after a VM exit, with the guest's GPRs
 *   saved back into regs, or VMX_FAIL_INVALID (1) / VMX_FAIL_VALID (2) if
 *   the instruction failed (no VM entry happened). */

#define VMCS_HOST_RSP 0x6c14

    .text
    .globl vmx_run
vmx_run:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi                       /* regs, found again at the VM exit */
    mov $VMCS_HOST_RSP, %eax
    vmwrite %rsp, %rax
    jbe .Lfailed                    /* CF or ZF: VMWRITE failed */
    mov %rdi, %rax
    cmpl $0, %esi                   /* flags survive the MOVs below */
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
    mov 0(%rax), %rax
    jne 1f
    vmlaunch
    jmp .Lfailed
1:  vmresume
.Lfailed:
    /* Still here: VMfailInvalid (CF) or VMfailValid (ZF). */
    mov $1, %eax
    jc 2f
    mov $2, %eax
2:  pop %rdi
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

    .globl vmx_exit_stub
vmx_exit_stub:
    /* HOST_RIP: RSP = HOST_RSP, i.e. pointing at the saved regs pointer. */
    push %rax
    mov 8(%rsp), %rax
    mov %rcx, 8(%rax)
    mov %rdx, 16(%rax)
    mov %rbx, 24(%rax)
    mov %rbp, 40(%rax)
    mov %rsi, 48(%rax)
    mov %rdi, 56(%rax)
    mov %r8, 64(%rax)
    mov %r9, 72(%rax)
    mov %r10, 80(%rax)
    mov %r11, 88(%rax)
    mov %r12, 96(%rax)
    mov %r13, 104(%rax)
    mov %r14, 112(%rax)
    mov %r15, 120(%rax)
    pop %rcx                        /* the guest's RAX */
    mov %rcx, 0(%rax)
    pop %rdi
    xor %eax, %eax                  /* VMX_OK */
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
