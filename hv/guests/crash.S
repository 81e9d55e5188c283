/* Built-in guests "tswitch", "triple" and "halt": one 32-bit protected-mode
 * image (entered like a multiboot kernel, paging off) that ends its VM in
 * one of the ways hv must survive, chosen by its argument in EDI:
 *   1  a task switch (JMP to a TSS): an exit hv has no handler for, so hv
 *      stops the VM with a dump of the VMCS guest state;
 *   2  an exception with an empty IDT: triple fault;
 *   3  CLI; HLT: halted with interrupts disabled. */
    .code32
    .section .text.start, "ax"
    .globl _start
_start:
    mov $0x7000, %esp
    cmp $1, %edi
    je tswitch
    cmp $2, %edi
    je triple
    mov $msg_halt, %esi
    call puts
    cli
    hlt
    jmp .

tswitch:
    mov $msg_tswitch, %esi
    call puts
    lgdt gdt_desc
    ljmp $0x18, $0                      /* to the available TSS: task switch */
    jmp .

triple:
    mov $msg_triple, %esi
    call puts
    lidt idt_desc                       /* limit 0: every vector is outside */
    int3                                /* #GP -> #DF -> triple fault */
    jmp .

puts:
    lodsb
    test %al, %al
    jz 2f
    mov %al, %ah
    mov $0x3fd, %dx
1:  inb %dx, %al
    test $0x20, %al
    jz 1b
    mov %ah, %al
    mov $0x3f8, %dx
    outb %al, %dx
    jmp puts
2:  ret

    .section .rodata
    .align 8
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff            /* 0x08 code */
    .quad 0x00cf93000000ffff            /* 0x10 data */
    .word 0x67, tss, 0x8900, 0          /* 0x18 available 32-bit TSS (base < 64 KiB) */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
idt_desc:
    .word 0
    .long 0
msg_tswitch: .asciz "crash: JMP to a TSS (a task switch)\n"
msg_triple:  .asciz "crash: INT3 with an empty IDT (a triple fault)\n"
msg_halt:    .asciz "crash: CLI; HLT\n"

    .section .bss
    .align 16
tss: .space 0x68
