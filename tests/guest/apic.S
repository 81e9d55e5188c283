/* The AP start-up trampoline for apic.c: copied to TRAMP_BASE (a page
 * below 1 MiB) and entered by a start-up IPI with vector TRAMP_BASE >> 12,
 * i.e. in real mode at CS = TRAMP_BASE >> 4, IP = 0. It counts itself in
 * ap_count (EDX as INIT left it in ap_edx), enters 32-bit protected mode, stores its APIC ID (from the
 * xAPIC ID register) in ap_id, software-enables its APIC with logical ID
 * 2 (flat model), counts ap_done, and then, interrupts off, loops for good:
 * TPR := ap_tpr, ap_irr := IRR[95:64] (for the lowest-priority checks). */
#define TRAMP_BASE 0x70000
#define ABS(x) ((x) - ap_tramp + TRAMP_BASE)
#define REL(x) ((x) - ap_tramp)

    .section .rodata
    .globl ap_tramp, ap_tramp_end, ap_count, ap_id, ap_done, ap_tpr, ap_irr, ap_edx
    .code16
ap_tramp:
    mov %edx, %cs:REL(ap_edx)           /* EDX after INIT: the CPU signature */
    cli
    mov %cs, %ax
    mov %ax, %ds
    lock incl REL(ap_count)
    lgdtl REL(ap_gdtr)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $ABS(ap_pm32)
    .code32
ap_pm32:
    mov $0x10, %ax
    mov %ax, %ds
    mov 0xfee00020, %eax
    shr $24, %eax
    mov %eax, ABS(ap_id)
    movl $0x1ff, 0xfee000f0             /* SVR: enabled, spurious 0xFF */
    movl $0x02000000, 0xfee000d0        /* LDR: logical ID 2 */
    lock incl ABS(ap_done)
1:  mov ABS(ap_tpr), %eax
    mov %eax, 0xfee00080
    mov 0xfee00220, %eax
    mov %eax, ABS(ap_irr)
    pause
    jmp 1b
    .balign 8
ap_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff
    .quad 0x00cf92000000ffff
ap_gdtr:
    .word 23
    .long ABS(ap_gdt)
    .balign 4
ap_count: .long 0
ap_id:    .long 0xffffffff
ap_done:  .long 0
ap_tpr:   .long 0
ap_irr:   .long 0
ap_edx:   .long 0
ap_tramp_end:
