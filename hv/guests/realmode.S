/* Built-in guest "realmode": 16-bit real-mode code at 0000:7C00, run by hv
 * under unrestricted guest (CR0.PE = 0, no paging). It prints through the
 * 16550 at port 3F8H by polling LSR, checks CR0.PE with SMSW, calls its
 * own interrupt handler through the real-mode IVT, does segment
 * arithmetic and 16-bit multiplication, and ends by writing 0 to the
 * debug-exit port F4H. */
    .code16
    .section .text.start, "ax"
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7000, %sp
    mov $msg_hello, %si
    call puts

    smsw %ax                            /* CR0 low word (the read shadow) */
    test $1, %al
    jnz fail
    mov $msg_pe0, %si
    call puts

    movw $int42, 0x42 * 4               /* IVT entry 42H -> 0000:int42 */
    movw $0, 0x42 * 4 + 2
    int $0x42

    mov $0x1000, %ax                    /* 1000:0010 is linear 10010H */
    mov %ax, %es
    movw $0xbeef, %es:0x10
    xor %ax, %ax
    mov %ax, %es
    mov $0x1001, %ax                    /* ... and so is 1001:0000 */
    mov %ax, %ds
    mov 0, %bx
    xor %ax, %ax
    mov %ax, %ds
    cmp $0xbeef, %bx
    jne fail
    mov $msg_seg, %si
    call puts

    mov $1, %ax                         /* 8! = 40320 in 16 bits */
    mov $2, %cx
1:  mul %cx
    inc %cx
    cmp $9, %cx
    jb 1b
    push %ax                            /* puts uses AL */
    mov $msg_fact, %si
    call puts
    pop %ax
    call putdec
    mov $msg_nl, %si
    call puts

    mov $msg_bye, %si
    call puts
    mov $0, %al
    out %al, $0xf4                      /* debug exit, status 0 */
    hlt

fail:
    mov $msg_fail, %si
    call puts
    mov $1, %al
    out %al, $0xf4
    hlt

int42:
    push %si
    mov $msg_int, %si
    call puts
    pop %si
    iret

/* Print the NUL-terminated string at DS:SI. */
puts:
    lodsb
    test %al, %al
    jz 2f
    call putc
    jmp puts
2:  ret

/* Print AL once the transmitter holding register is empty (LSR bit 5). */
putc:
    push %dx
    push %ax
    mov $0x3fd, %dx
3:  in %dx, %al
    test $0x20, %al
    jz 3b
    pop %ax
    mov $0x3f8, %dx
    out %al, %dx
    pop %dx
    ret

/* Print AX in decimal. */
putdec:
    mov $10, %bx
    xor %cx, %cx
4:  xor %dx, %dx
    div %bx
    push %dx
    inc %cx
    test %ax, %ax
    jnz 4b
5:  pop %ax
    add $'0', %al
    call putc
    loop 5b
    ret

msg_hello: .asciz "realmode: hello from 16-bit real mode at 0000:7C00\n"
msg_pe0:   .asciz "realmode: SMSW says CR0.PE = 0\n"
msg_int:   .asciz "realmode: INT 42h reached its handler through the IVT\n"
msg_seg:   .asciz "realmode: 1000:0010 and 1001:0000 are the same byte\n"
msg_fact:  .asciz "realmode: 8! = "
msg_nl:    .asciz "\n"
msg_bye:   .asciz "realmode: done\n"
msg_fail:  .asciz "realmode: FAILED\n"
