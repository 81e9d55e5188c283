/* The AP start-up code for smp.c: copied to TRAMP_BASE (0x8000) and
 * entered by the broadcast start-up IPI with vector 8, in real mode at
 * CS = 0x800, IP = 0. Each AP takes a ticket (lock xadd on smp_started),
 * enters 32-bit protected mode, records its APIC ID (xAPIC ID register) in
 * smp_ids[ticket] and smp_id_mask, passes a message (smp_msg[ticket], then
 * smp_flag[ticket]: plain stores, which x86-TSO keeps in order), records
 * its first TSC read (smp_tsc[ticket]), adds 1 to smp_counter smp_iters
 * times with LOCK INC, runs the TSC warp check (smp_warp_rounds rounds of:
 * take smp_lock spinning with PAUSE, read the TSC, count a warp if it is
 * below smp_last_tsc, store it there, release), counts smp_done and
 * halts. */
#define TRAMP_BASE 0x8000
#define ABS(x) ((x) - smp_tramp + TRAMP_BASE)
#define REL(x) ((x) - smp_tramp)

    .section .rodata
    .globl smp_tramp, smp_tramp_end, smp_started, smp_done, smp_counter
    .globl smp_id_mask, smp_ids, smp_msg, smp_flag, smp_iters
    .globl smp_tsc, smp_warp_rounds, smp_lock, smp_last_tsc, smp_warps
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
    rdtsc
    mov %eax, ABS(smp_tsc)(,%ebx,8)
    mov %edx, ABS(smp_tsc)+4(,%ebx,8)
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
    mov ABS(smp_warp_rounds), %ecx
3:  mov $1, %eax
    xchg %eax, ABS(smp_lock)
    test %eax, %eax
    jz 4f
    pause
    jmp 3b
4:  rdtsc
    cmp ABS(smp_last_tsc)+4, %edx
    ja 5f
    jb 6f
    cmp ABS(smp_last_tsc), %eax
    jae 5f
6:  incl ABS(smp_warps)
5:  mov %eax, ABS(smp_last_tsc)
    mov %edx, ABS(smp_last_tsc)+4
    movl $0, ABS(smp_lock)
    dec %ecx
    jnz 3b
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
smp_warp_rounds: .long 0
smp_lock:    .long 0
smp_warps:   .long 0
    .balign 8
smp_last_tsc: .quad 0
smp_tsc:     .fill 16, 8, 0
smp_tramp_end:
