/* Multiboot v1 entry: 32-bit protected mode -> PAE paging -> long mode.
 * SDM Vol. 3A, "Initializing IA-32e Mode". */
#define MB_MAGIC   0x1BADB002
#define MB_FLAGS   0x00000003          /* page-align modules, memory info */
#define MB_BOOT_MAGIC 0x2BADB002

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .text.boot32, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    cmpl $MB_BOOT_MAGIC, %eax
    jne boot_fail_magic
    movl %ebx, mb_info_phys
    movl $boot_stack_top, %esp

    /* zero .bss */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    /* long mode supported? CPUID 80000001h EDX.LM[29] */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb boot_fail_lm
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc boot_fail_lm
    movl %edx, %esi                     /* keep for NX */

    /* Identity map 0..4 GiB with 2-MiB pages: PML4[0] -> PDPT[0..3] -> PD0..3.
     * Upper levels allow user access; leaves are supervisor-only. */
    movl $pdpt, %eax
    orl $0x7, %eax
    movl %eax, pml4
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $12, %eax
    addl $pd, %eax
    orl $0x7, %eax
    movl %eax, pdpt(,%ecx,8)
    incl %ecx
    cmpl $4, %ecx
    jb 1b
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax                     /* P | W | PS */
    movl %ecx, %edx
    shrl $11, %edx                      /* bits 32+ of the address */
    movl %eax, pd(,%ecx,8)
    movl %edx, pd+4(,%ecx,8)
    incl %ecx
    cmpl $2048, %ecx
    jb 2b

    movl %cr4, %eax
    orl $(1 << 5), %eax                 /* CR4.PAE */
    movl %eax, %cr4
    movl $pml4, %eax
    movl %eax, %cr3

    movl $0xC0000080, %ecx              /* IA32_EFER */
    rdmsr
    orl $(1 << 8), %eax                 /* LME */
    btl $20, %esi
    jnc 3f
    orl $(1 << 11), %eax                /* NXE when CPUID says NX */
3:  wrmsr

    movl %cr0, %eax
    orl $0x80010033, %eax               /* PG | WP | NE | ET | MP | PE */
    andl $~0x4, %eax                    /* EM off */
    movl %eax, %cr0

    lgdt boot_gdt_desc
    ljmp $0x08, $start64

boot_fail_magic:
    movl $msg_magic, %esi
    jmp boot_fail
boot_fail_lm:
    movl $msg_lm, %esi
boot_fail:
    movw $0x3f8, %dx
4:  lodsb
    testb %al, %al
    jz 5f
    outb %al, %dx
    jmp 4b
5:  movw $0xf4, %dx
    movl $1, %eax
    outl %eax, %dx
    cli
6:  hlt
    jmp 6b

    .code64
start64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl mb_info_phys, %edi
    call kern_start
7:  cli
    hlt
    jmp 7b

    .section .rodata
msg_magic: .asciz "FAIL boot: not loaded by a multiboot loader (EAX != 0x2BADB002)\n"
msg_lm:    .asciz "FAIL boot: CPU has no long mode\n"

    .align 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 0x08: 64-bit code, DPL 0 */
    .quad 0x00cf92000000ffff            /* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_desc:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .data
    .globl mb_info_phys
mb_info_phys: .long 0

    .bss
    .align 4096
    .globl pml4, pdpt, pd
pml4: .space 4096
pdpt: .space 4096
pd:   .space 4 * 4096
    .align 16
    .globl boot_stack_top
boot_stack: .space 65536
boot_stack_top:
