/* 16-bit protected mode, the assembly half of pm16.c.
 *
 * pm16.c copies pm_blob to LOW_BASE and calls pm32_call(&pm_gdtr,
 * pm_enter32) (kern/modeswitch.S), which
 *   1. leaves IA-32e mode for 32-bit protected mode without paging
 *      (SDM Vol. 3A "Switching Out of IA-32e Mode Operation"); pm_enter32
 *      loads a legacy IDT of 16-bit gates and far-jumps to a 16-bit code
 *      segment (D = 0, base LOW_BASE);
 *   2. runs the checks (pm_checks) with CS = SEL_CODE16, DS = ES = GS =
 *      SEL_DATA16 (GS is never changed: the bookkeeping goes through it),
 *      SS = SEL_STACK16 (B = 0), storing what it saw in the slots;
 *   3. far-jumps back to pm32_return, which re-enters long mode
 *      ("Initializing IA-32e Mode"). pm16.c compares the slots with the SDM.
 */

#define LOW_BASE  0x10000
#define R(x)      ((x)-pm_blob)   /* offset of a blob label */

#include "modeswitch.h"

/* pm_gdt selectors (PM32_GDT_HEAD first: 0x08 32-bit code, 0x10 32-bit
 * data, 0x18 64-bit code) */
#define SEL_CODE16   0x20           /* base LOW_BASE, limit 0xffff, D=0 */
#define SEL_DATA16   0x28           /* base LOW_BASE, limit 0xffff, B=0 */
#define SEL_STACK16  0x30           /* base 0x20000, limit 0xffff, B=0 */
#define SEL_LIMITED  0x38           /* base 0x30000, limit 0x0fff */
#define SEL_EXPDN16  0x40           /* base 0x40000, limit 0x0fff, expand-down, B=0 */
#define SEL_EXPDN32  0x48           /* the same with B=1 */
#define SEL_CGATE16  0x50           /* 16-bit call gate -> SEL_CODE16B:pm_cg_target */
#define SEL_CODE16B  0x58           /* like SEL_CODE16 */
#define SEL_CODE32L  0x60           /* 32-bit code, base LOW_BASE */
#define SEL_CODE16S  0x68           /* 16-bit code, base LOW_BASE, limit 0x0fff */

/* ======================================================================
 * pm32_call calls pm_enter32 in 32-bit protected mode without paging; the
 * blob comes back with a far jump to pm32_return (both kern/modeswitch.S).
 * ====================================================================== */
    .text
    .code32
    .globl pm_enter32
pm_enter32:
    /* Legacy protected mode: IDT of 16-bit gates, then the 16-bit segment
     * with EAX = 0xaaaa5555 (its upper half must survive a 16-bit MOV). */
    lidt pm_idtr
    mov $0xaaaa5555, %eax
    ljmp $SEL_CODE16, $R(pm16_entry)
    .code64

/* ---- GDT and IDT (SDM Vol. 3A "Segment Descriptors", "Call Gates",
 * "IDT Descriptors"). Gate: offset 15:0, selector, 0, type|DPL|P, offset 31:16. */
.macro GATE off, sel, type
    .word \off
    .word \sel
    .byte 0
    .byte \type
    .word 0
.endm
#define INTGATE16  0x86
#define TRAPGATE16 0x87
#define CALLGATE16 0x84
#define INTGATE32  0x8e

    .data
    .align 8
pm_gdt:
    PM32_GDT_HEAD
    .quad 0x00009a010000ffff        /* 0x20 16-bit code, base 0x10000, limit 0xffff */
    .quad 0x000092010000ffff        /* 0x28 16-bit data, base 0x10000, limit 0xffff */
    .quad 0x000092020000ffff        /* 0x30 16-bit stack, base 0x20000, limit 0xffff */
    .quad 0x0000920300000fff        /* 0x38 data, base 0x30000, limit 0x0fff */
    .quad 0x0000960400000fff        /* 0x40 expand-down data, base 0x40000, limit 0x0fff, B=0 */
    .quad 0x0040960400000fff        /* 0x48 expand-down data, base 0x40000, limit 0x0fff, B=1 */
    GATE R(pm_cg_target), SEL_CODE16B, CALLGATE16   /* 0x50 */
    .quad 0x00009a010000ffff        /* 0x58 16-bit code, base 0x10000 */
    .quad 0x00409a010000ffff        /* 0x60 32-bit code, base 0x10000, limit 0xffff */
    .quad 0x00009a0100000fff        /* 0x68 16-bit code, base 0x10000, limit 0x0fff */
pm_gdt_end:
    .globl pm_gdtr
pm_gdtr:        .word pm_gdt_end - pm_gdt - 1
                .quad pm_gdt

    .align 8
pm_idt:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    GATE R(pm_stubs)+\v*8, SEL_CODE16, INTGATE16
    .endr
    .fill 0x40 - 32, 8, 0
    GATE R(pm_int40), SEL_CODE16, INTGATE16         /* 0x40 */
    GATE R(pm_int41), SEL_CODE16, TRAPGATE16        /* 0x41 */
    GATE R(pm_int42), SEL_CODE32L, INTGATE32        /* 0x42 */
pm_idt_end:
pm_idtr:        .word pm_idt_end - pm_idt - 1
                .quad pm_idt

/* ======================================================================
 * The blob: copied to LOW_BASE; all 16-bit (and one 32-bit) segments
 * used here have that base, so offsets are R(label).
 * ====================================================================== */
    .text
    .code16
    .align 16
    .globl pm_blob, pm_blob_end
pm_blob:

pm16_entry:
    /* SDM Vol. 3A "Defining 16-Bit and 32-Bit Program Modules": D = 0,
     * so opcode B8 takes a 16-bit immediate and writes only AX. */
    mov $0x1234, %ax
    mov $SEL_DATA16, %bx
    mov %bx, %ds
    mov %bx, %es
    mov %bx, %gs
    mov $SEL_STACK16, %bx
    mov %bx, %ss
    mov $0xfff0, %esp
    mov %eax, R(res_opsize)
    call pm_checks
    ljmpl $PM32_SEL_CODE32, $pm32_return

/* ---- Exception stubs for vectors 0..31 (16-bit interrupt gates). The
 * CPU pushes FLAGS, CS, IP and, for 8, 10-14 and 17, a 16-bit error code
 * (Vol. 3A "Error Code"); the stub pushes a 0 in its place otherwise. */
    .align 8
pm_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .align 8
    .if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17)
    .else
    push $0
    .endif
    push $\v
    jmp pm_exc
    .endr

/* Stack: vector, error, IP, CS, FLAGS. Record; resume at catch_ip. */
pm_exc:
    push %ax
    push %bp
    mov %sp, %bp                    /* [bp+4] vector [bp+6] error [bp+8] IP [bp+10] CS */
    mov 4(%bp), %ax
    mov %ax, %gs:R(exc_vec)
    mov 6(%bp), %ax
    mov %ax, %gs:R(exc_err)
    mov 8(%bp), %ax
    mov %ax, %gs:R(exc_ip)
    mov 10(%bp), %ax
    mov %ax, %gs:R(exc_cs)
    lea 6(%bp), %ax
    mov %ax, %gs:R(exc_sp)          /* where the error code is */
    mov %gs:R(catch_ip), %ax
    test %ax, %ax
    jz 1f
    mov %ax, 8(%bp)
    movw $SEL_CODE16, 10(%bp)
    movw $0, %gs:R(catch_ip)
    pop %bp
    pop %ax
    add $4, %sp
    iret
1:  movw $1, %gs:R(pm_aborted)
    ljmpl $PM32_SEL_CODE32, $pm32_return

/* INT 0x40 / 0x41 (16-bit interrupt / trap gate): record FLAGS inside the
 * handler, SP at entry and the three frame words in a 16-byte slot. */
.macro FRAME16 slot
    pushf
    popw %gs:R(\slot) + 0
    mov %sp, %gs:R(\slot) + 2
    push %bp
    mov %sp, %bp
    mov 2(%bp), %ax
    mov %ax, %gs:R(\slot) + 4       /* IP */
    mov 4(%bp), %ax
    mov %ax, %gs:R(\slot) + 6       /* CS */
    mov 6(%bp), %ax
    mov %ax, %gs:R(\slot) + 8       /* FLAGS */
    pop %bp
    iret
.endm
pm_int40:
    FRAME16 res_i40
pm_int41:
    FRAME16 res_i41

/* INT 0x42: a 32-bit interrupt gate to 32-bit code, from 16-bit code: the
 * frame is EIP, CS, EFLAGS as doublewords ("Interrupt Control Transfers"). */
    .code32
pm_int42:
    pushfl
    popl %gs:R(res_i42) + 0
    mov %esp, %gs:R(res_i42) + 4
    mov %esp, %ebp                  /* ESP's upper half is 0 */
    mov 0(%ebp), %eax
    mov %eax, %gs:R(res_i42) + 8    /* EIP */
    mov 4(%ebp), %eax
    mov %eax, %gs:R(res_i42) + 12   /* CS */
    mov 8(%ebp), %eax
    mov %eax, %gs:R(res_i42) + 16   /* EFLAGS */
    iretl
    .code16

/* Call-gate target (SEL_CODE16B): CS, SP and the two pushed words. */
pm_cg_target:
    mov %cs, %gs:R(res_cg) + 0
    mov %sp, %gs:R(res_cg) + 2
    mov %sp, %bp
    mov 0(%bp), %ax
    mov %ax, %gs:R(res_cg) + 4      /* IP */
    mov 2(%bp), %ax
    mov %ax, %gs:R(res_cg) + 6      /* CS */
    lret

/* FAULT slot, label, insn: run insn (at label) with recovery armed. The
 * 16-byte slot gets: vector (0xffff: none), error code, IP, SP before the
 * instruction, and the address of the error-code word in the frame. */
.macro FAULT slot, label, insn:vararg
    movw $R(9f), %gs:R(catch_ip)
    movw $0xffff, %gs:R(exc_vec)
    mov %sp, %gs:R(\slot) + 6
    .globl \label
\label:
    \insn
    movw $0, %gs:R(catch_ip)
9:  mov %gs:R(exc_vec), %ax
    mov %ax, %gs:R(\slot) + 0
    mov %gs:R(exc_err), %ax
    mov %ax, %gs:R(\slot) + 2
    mov %gs:R(exc_ip), %ax
    mov %ax, %gs:R(\slot) + 4
    mov %gs:R(exc_sp), %ax
    mov %ax, %gs:R(\slot) + 8
.endm

/* ---- The checks ---- */
pm_checks:
    smsw %ax
    mov %ax, R(res_msw)
    mov %cs, %ax
    mov %ax, R(res_cs)
    /* Vol. 3A "Mixing 16-Bit and 32-Bit Code": default operand size 16:
     * PUSH moves SP by 2; default address size 16: the EA wraps at 64 KiB. */
    mov %sp, %bx
    push %ax
    mov %sp, %cx
    pop %ax
    sub %cx, %bx
    mov %bx, R(res_push_delta)
    mov $0xfff0, %bx
    mov $0x40, %si
    lea (%bx,%si), %ax
    mov %ax, R(res_ea_wrap)
    /* Vol. 3A "Mixing 16-Bit and 32-Bit Operations Within a Code Segment". */
    mov $0x7fffffff, %eax
    add $1, %eax
    pushf
    popw R(res_add32_flags)
    mov %eax, R(res_add32)
    movl $0x11223344, 0x8200
    mov $0x8000, %eax
    mov $0x80, %ecx
    mov (%eax,%ecx,4), %edx         /* 0x67: DS:[EAX+ECX*4] */
    mov %edx, R(res_sib)

    /* Vol. 3A "Exception- or Interrupt-Handler Procedures", "Flag Usage By
     * Exception- or Interrupt-Handler Procedure": a 16-bit gate pushes
     * FLAGS, CS, IP as words; an interrupt gate clears IF, a trap gate does
     * not. IF is set first (the PIC is masked). */
    mov %sp, R(res_int_sp0)
    sti
    int $0x40
    .globl pm_i40_ret
pm_i40_ret:
    cli
    sti
    int $0x41
    .globl pm_i41_ret
pm_i41_ret:
    cli
    int $0x42
    .globl pm_i42_ret
pm_i42_ret:

    /* Vol. 3A "Call Gates", "Accessing a Code Segment Through a Call Gate":
     * the offset in the CALL is ignored; a 16-bit gate pushes CS and IP as
     * words (same privilege: no stack switch). */
    mov %sp, R(res_cg_sp0)
    lcall $SEL_CGATE16, $0x5555
    .globl pm_cg_ret
pm_cg_ret:
    mov %cs, %ax
    mov %ax, R(res_cg_cs_after)
    mov %sp, R(res_cg_sp_after)

    /* Vol. 3A "Limit Checking": DS limit 0x0fff (byte granular): the last
     * word is fine, a word across the limit or a byte beyond it is #GP(0);
     * through SS (limit 0xffff) it is #SS(0); a far JMP to an offset past
     * the target CS limit is #GP(0) (Vol. 2 "JMP"). */
    mov $SEL_LIMITED, %ax
    mov %ax, %ds
    FAULT res_lim_ok, pm_lim_ok_insn, mov 0xffe, %ax
    FAULT res_lim_word, pm_lim_word_insn, mov 0xfff, %ax
    FAULT res_lim_byte, pm_lim_byte_insn, mov 0x1000, %al
    mov $SEL_DATA16, %ax
    mov %ax, %ds
    mov $0xffff, %bp
    FAULT res_lim_ss, pm_lim_ss_insn, mov 0(%bp), %ax
    FAULT res_lim_cs, pm_lim_cs_insn, ljmp $SEL_CODE16S, $0x2000

    /* Vol. 3A "Code- and Data-Segment Descriptor Types" / "Limit Checking":
     * expand-down, limit 0x0fff: valid offsets are 0x1000..0xffff with B=0,
     * 0x1000..0xffffffff with B=1; the rest is #GP(0) (#SS(0) through SS). */
    mov $SEL_EXPDN16, %ax
    mov %ax, %es
    FAULT res_ed_lo, pm_ed_lo_insn, movw $0xbeef, %es:0x1000
    FAULT res_ed_hi, pm_ed_hi_insn, movw $0xcafe, %es:0xfffe
    FAULT res_ed_lim, pm_ed_lim_insn, mov %es:0x0fff, %al
    FAULT res_ed_cross, pm_ed_cross_insn, mov %es:0x0fff, %ax
    FAULT res_ed_zero, pm_ed_zero_insn, mov %es:0, %al
    mov $0x10000, %ebx
    FAULT res_ed_64k, pm_ed_64k_insn, mov %es:(%ebx), %al
    mov $SEL_EXPDN32, %ax
    mov %ax, %es
    FAULT res_ed32_64k, pm_ed32_64k_insn, movw $0x1234, %es:(%ebx)
    mov $0xfffffffe, %ebx
    FAULT res_ed32_top, pm_ed32_top_insn, movw $0x5678, %es:(%ebx)
    mov $0x0fff, %ebx
    FAULT res_ed32_lim, pm_ed32_lim_insn, mov %es:(%ebx), %al
    mov $SEL_DATA16, %ax
    mov %ax, %es
    /* Expand-down stack: SS:0x8000 is inside, [BP] = 0x0800 is not. */
    mov %sp, %di
    mov $SEL_EXPDN16, %ax
    mov %ax, %ss
    mov $0x8000, %sp
    mov $0x0800, %bp
    FAULT res_ed_ss, pm_ed_ss_insn, mov 0(%bp), %ax
    mov $SEL_STACK16, %ax
    mov %ax, %ss
    mov %di, %sp
    ret

/* ---- Data and result slots (read by pm16.c at LOW_BASE + R(slot)) ---- */
catch_ip:       .word 0
.macro SLOT name, bytes=4
    .globl \name
    .align 4
\name: .fill \bytes, 1, 0
.endm
    SLOT pm_aborted
    SLOT exc_vec
    SLOT exc_err
    SLOT exc_ip
    SLOT exc_cs
    SLOT exc_sp
    SLOT res_opsize
    SLOT res_msw
    SLOT res_cs
    SLOT res_push_delta
    SLOT res_ea_wrap
    SLOT res_add32_flags
    SLOT res_add32
    SLOT res_sib
    SLOT res_int_sp0
    SLOT res_i40, 16
    SLOT res_i41, 16
    SLOT res_i42, 20
    SLOT res_cg_sp0
    SLOT res_cg, 8
    SLOT res_cg_cs_after
    SLOT res_cg_sp_after
    SLOT res_lim_ok, 16
    SLOT res_lim_word, 16
    SLOT res_lim_byte, 16
    SLOT res_lim_ss, 16
    SLOT res_lim_cs, 16
    SLOT res_ed_lo, 16
    SLOT res_ed_hi, 16
    SLOT res_ed_lim, 16
    SLOT res_ed_cross, 16
    SLOT res_ed_zero, 16
    SLOT res_ed_64k, 16
    SLOT res_ed32_64k, 16
    SLOT res_ed32_top, 16
    SLOT res_ed32_lim, 16
    SLOT res_ed_ss, 16
pm_blob_end:
    .code64
