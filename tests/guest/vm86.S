/* Virtual-8086 mode, the assembly half of vm86.c.
 *
 * vm86.c copies v86_blob to V86_BASE, fills the TSS descriptor in vm_gdt,
 * builds vm_idt/vm_idtr and calls pm32_call(&vm_gdtr, vm_enter32)
 * (kern/modeswitch.S), which
 *   1. leaves IA-32e mode for 32-bit protected mode without paging
 *      (SDM Vol. 3A "Switching Out of IA-32e Mode Operation"); vm_enter32
 *      loads the legacy IDT and a 32-bit TSS (SS0:ESP0 = the ring-0 stack,
 *      I/O bitmap);
 *   2. enters virtual-8086 mode twice with IRET and VM=1 in the EFLAGS image
 *      ("Entering Virtual-8086 Mode"): phase 1 with IOPL 3, phase 2 with
 *      IOPL 0. Every interrupt or exception from V86 mode lands in vm_common
 *      at CPL 0, which logs the frame and what the handler sees (vm_log) and
 *      resumes V86 code at its v86_catch IP, or - when nothing is armed, as
 *      for the HLT that ends each phase - returns from vm_enter;
 *   3. returns to pm32_call, which re-enters long mode ("Initializing
 *      IA-32e Mode").
 * CR4.VME stays 0 throughout.
 */

#define V86_BASE  0x20000
#define V86_SEG   0x2000            /* CS = DS */
#define V86_SS    0x3000
#define V86_SP    0xfff0
#define V86_ES    0x4000
#define V86_FS    0x5000
#define V86_GS    0x6000
#define R(x)      ((x)-v86_blob)    /* offset of a blob label in V86_SEG */

#include "modeswitch.h"

/* vm_gdt selectors (PM32_GDT_HEAD first: 0x08 32-bit code, 0x10 32-bit
 * data, 0x18 64-bit code) */
#define SEL_TSS    0x20             /* 32-bit TSS, filled by vm86.c */

#define FL_IF    0x200
#define FL_IOPL3 0x3000
#define FL_VM    0x20000

#define EVENT_DWORDS 19             /* struct v86_event in vm86.c */
#define MAX_EVENTS   32

/* ======================================================================
 * The V86 monitor (in place). pm32_call (kern/modeswitch.S) calls
 * vm_enter32 in 32-bit protected mode without paging and re-enters long
 * mode when it returns.
 * ====================================================================== */
    .text
    .code32
    .globl vm_enter32
vm_enter32:
    /* Legacy protected mode: the IDT and the TSS for V86 mode. */
    lidt vm_idtr
    mov $SEL_TSS, %ax
    ltr %ax
    push $(FL_VM | FL_IOPL3 | FL_IF | 2)   /* phase 1: IOPL 3, IF 1 */
    push $R(v86_phase1)
    call vm_enter
    add $8, %esp
    push $(FL_VM | 2)                      /* phase 2: IOPL 0, IF 0 */
    push $R(v86_phase2)
    call vm_enter
    add $8, %esp
    ret

/* vm_enter(ip, eflags): IRET to V86_SEG:ip with eflags (VM = 1). The frame
 * is EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS (Vol. 2 "IRET",
 * RETURN-TO-VIRTUAL-8086-MODE). Returns when V86 code ends (vm_exit). */
vm_enter:
    pusha
    mov %esp, vm_enter_esp
    mov 36(%esp), %eax
    mov 40(%esp), %ebx
    push $V86_GS
    push $V86_FS
    push $V86_SEG                   /* DS */
    push $V86_ES
    push $V86_SS
    push $V86_SP
    push %ebx                       /* EFLAGS */
    push $V86_SEG                   /* CS */
    push %eax                       /* EIP */
    iretl
vm_exit:
    mov $PM32_SEL_DATA32, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %fs
    mov %eax, %gs
    mov vm_enter_esp, %esp
    popa
    ret

/* Interrupt and exception stubs, 16 bytes apart (vm86.c points the gates
 * at vm_stubs + 16 * vector). Error codes: 8, 10-14, 17. */
    .align 16
    .globl vm_stubs
vm_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65
    .align 16
    .if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17)
    .else
    push $0
    .endif
    push $\v
    jmp vm_common
    .endr

/* At CPL 0 on SS0:ESP0 with the V86 frame: vector, error, EIP, CS, EFLAGS,
 * ESP, SS, ES, DS, FS, GS ("Handling an Interrupt or Exception Through a
 * Protected-Mode Trap or Interrupt Gate"). Log one struct v86_event. */
vm_common:
    push %eax
    xor %eax, %eax
    mov %ds, %ax                    /* as found: null selectors */
    mov %eax, %ss:vm_hsegs + 0
    mov %es, %ax
    mov %eax, %ss:vm_hsegs + 4
    mov %fs, %ax
    mov %eax, %ss:vm_hsegs + 8
    mov %gs, %ax
    mov %eax, %ss:vm_hsegs + 12
    mov $PM32_SEL_DATA32, %eax
    mov %eax, %ds
    mov %eax, %es
    pop %eax
    pusha                           /* 32(%esp) = vector */
    cld
    mov vm_nlog, %ebx
    cmp $MAX_EVENTS, %ebx
    jae 1f
    imul $EVENT_DWORDS * 4, %ebx, %edi
    add $vm_log, %edi
    lea 32(%esp), %esi              /* vector .. GS: 11 dwords */
    mov $11, %ecx
    rep movsl
    mov $vm_hsegs, %esi             /* DS ES FS GS in the handler */
    mov $4, %ecx
    rep movsl
    pushfl
    pop %eax
    stosl                           /* EFLAGS in the handler */
    xor %eax, %eax
    mov %cs, %ax
    stosl
    mov %ss, %ax
    stosl
    lea 40(%esp), %eax              /* where the CPU put EIP */
    stosl
    incl vm_nlog
1:  movzwl V86_BASE + R(v86_catch), %eax
    test %eax, %eax
    jz vm_exit
    mov %eax, 40(%esp)              /* resume V86 code there */
    movw $0, V86_BASE + R(v86_catch)
    popa
    add $8, %esp
    iretl

    .data
    .align 8
    .globl vm_gdt, vm_log, vm_nlog
vm_gdt:
    PM32_GDT_HEAD
    .quad 0                         /* 0x20 32-bit TSS (vm86.c) */
vm_gdt_end:
    .globl vm_gdtr
vm_gdtr:        .word vm_gdt_end - vm_gdt - 1
                .quad vm_gdt
    .align 8
vm_enter_esp:   .long 0
vm_hsegs:       .long 0, 0, 0, 0
vm_nlog:        .long 0
vm_log:         .fill MAX_EVENTS * EVENT_DWORDS, 4, 0

/* ======================================================================
 * The blob: V86 code and data, copied to V86_BASE (CS = DS = V86_SEG)
 * ====================================================================== */
    .text
    .code16
    .align 16
    .globl v86_blob, v86_blob_end
v86_blob:

/* VTRY label, insn: run insn (at label) with the monitor's resume point
 * armed just past it; the monitor disarms it when it runs. */
.macro VTRY label, insn:vararg
    movw $R(9f), R(v86_catch)
    .globl \label
\label:
    \insn
    movw $0, R(v86_catch)
9:
.endm

/* ---- Phase 1: IOPL 3, IF 1 ---- */
v86_phase1:
    /* "Entering Virtual-8086 Mode": segments from the IRET frame. */
    mov %cs, R(res_cs)
    mov %ds, R(res_ds)
    mov %ss, R(res_ss)
    mov %es, R(res_es)
    mov %fs, R(res_fs)
    mov %gs, R(res_gs)
    mov %esp, R(res_esp)
    smsw R(res_msw)
    /* Vol. 2 "PUSHF/PUSHFD": VM and RF are cleared in the image. */
    pushfl
    popl R(res_pushfd)
    /* Vol. 3A "Virtual-8086 Mode", "Address Translation in Real-Address
     * Mode": linear = selector * 16 + offset, as in real mode. */
    mov $V86_SEG + 1, %ax
    mov %ax, %es
    mov %es:R(v86_marker) - 0x10, %ax
    mov %ax, R(res_alias)
    mov $V86_ES, %ax
    mov %ax, %es
    movw $0xbeef, %es:0x10          /* linear 0x40010 */

    /* "Class 3—Software Interrupt Handling in Virtual-8086 Mode" (VME = 0):
     * INT n with IOPL 3 goes through the IDT (gate DPL 3) to CPL 0. */
    mov %sp, R(res_sp_int)
    VTRY v86_int3_insn, int $0x40
    mov %ds, R(res_ds2)
    mov %es, R(res_es2)
    mov %fs, R(res_fs2)
    mov %gs, R(res_gs2)
    mov %ss, R(res_ss2)
    /* ... through a DPL-0 gate: #GP(vector * 8 + 2) (Vol. 2 "INT n"). */
    VTRY v86_int41_insn, int $0x41
    /* "Sensitive Instructions": CLI works with IOPL 3. */
    VTRY v86_cli3_insn, cli
    pushf
    popw R(res_flags_cli3)
    /* "I/O-Port-Mapped I/O" (V86): the I/O bitmap decides, whatever IOPL;
     * 0x80 is allowed, 0x81 is not (a word at 0x80 touches 0x81). */
    VTRY v86_out80_3_insn, outb %al, $0x80
    VTRY v86_in81_3_insn, inb $0x81, %al
    VTRY v86_inw80_3_insn, inw $0x80, %ax
    movw $1, R(res_done1)
    .globl v86_end1
v86_end1:
    hlt                             /* #GP(0) at CPL 3: back to the monitor */

/* ---- Phase 2: IOPL 0, IF 0 ---- */
v86_phase2:
    /* "Sensitive Instructions": with IOPL < 3, PUSHF, CLI, STI and INT n
     * are #GP(0) (CR4.VME = 0). */
    mov %sp, %bx
    VTRY v86_pushf0_insn, pushf
    mov %bx, %sp
    VTRY v86_cli0_insn, cli
    VTRY v86_sti0_insn, sti
    VTRY v86_int0_insn, int $0x40
    /* The I/O bitmap still decides. */
    VTRY v86_out80_0_insn, outb %al, $0x80
    VTRY v86_in81_0_insn, inb $0x81, %al
    movw $1, R(res_done2)
    .globl v86_end2
v86_end2:
    hlt

/* ---- Data and result slots (vm86.c reads them at V86_BASE + R(slot)) ---- */
    .align 2
v86_catch:      .word 0
    .globl v86_marker
v86_marker:     .word 0x7a7a
.macro SLOT name
    .globl \name
    .align 4
\name: .long 0
.endm
    SLOT res_cs
    SLOT res_ds
    SLOT res_ss
    SLOT res_es
    SLOT res_fs
    SLOT res_gs
    SLOT res_esp
    SLOT res_msw
    SLOT res_pushfd
    SLOT res_alias
    SLOT res_sp_int
    SLOT res_ds2
    SLOT res_es2
    SLOT res_fs2
    SLOT res_gs2
    SLOT res_ss2
    SLOT res_flags_cli3
    SLOT res_done1
    SLOT res_done2
v86_blob_end:
    .code64
