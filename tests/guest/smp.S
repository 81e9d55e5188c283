/* The AP start-up code for smp.c: copied to TRAMP_BASE (0x8000) and
 * entered by the broadcast start-up IPI with vector 8, in real mode at
 * CS = 0x800, IP = 0. Each AP takes a ticket (lock xadd on smp_started),
 * enters 32-bit protected mode, records its APIC ID (xAPIC ID register) in
 * smp_ids[ticket] and smp_id_mask, passes a message (smp_msg[ticket], then
 * smp_flag[ticket]: plain stores, which x86-TSO keeps in order), adds 1 to
 * smp_counter smp_iters times with LOCK INC, counts smp_done and halts. */
#define TRAMP_BASE 0x8000
#define ABS(x) ((x) - smp_tramp + TRAMP_BASE)
#define REL(x) ((x) - smp_tramp)

    .section .rodata
    .globl smp_tramp, smp_tramp_end, smp_started, smp_done, smp_counter
    .globl smp_id_mask, smp_ids, smp_msg, smp_flag, smp_iters
    .code16
smp_tramp:
    cli
    mov %cs, %ax
    mov %ax, %ds
    mov $1, %ebx
    lock xadd %ebx, REL(smp_started)    /* ticket */
    lgdtl REL(smp_gdtr)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $ABS(smp_pm32)
    .code32
smp_pm32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    and $15, %ebx
    mov 0xfee00020, %edx
    shr $24, %edx
    lock bts %edx, ABS(smp_id_mask)
    mov %edx, ABS(smp_ids)(,%ebx,4)
    lea 0x100(%edx), %eax
    mov %eax, ABS(smp_msg)(,%ebx,4)
    movl $1, ABS(smp_flag)(,%ebx,4)
    mov ABS(smp_iters), %ecx
1:  lock incl ABS(smp_counter)
    dec %ecx
    jnz 1b
    lock incl ABS(smp_done)
2:  cli
    hlt
    jmp 2b
    .balign 8
smp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff
    .quad 0x00cf92000000ffff
smp_gdtr:
    .word 23
    .long ABS(smp_gdt)
    .balign 4
smp_started: .long 0
smp_done:    .long 0
smp_counter: .long 0
smp_id_mask: .long 0
smp_iters:   .long 0
smp_ids:     .fill 16, 4, 0xffffffff
smp_msg:     .fill 16, 4, 0
smp_flag:    .fill 16, 4, 0
smp_tramp_end:
