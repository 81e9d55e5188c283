/* Real-address mode, the assembly half of realmode.c.
 *
 * realmode.c copies rm_blob (16-bit code, its data and the result slots) to
 * LOW_BASE and calls pm32_call(&rm_gdtr, rm_enter32) (kern/modeswitch.S):
 *   1. pm32_call leaves IA-32e mode: compatibility mode, paging off, CR3 = 0,
 *      EFER.LME off (SDM Vol. 3A "Switching Out of IA-32e Mode Operation");
 *   2. goes to real-address mode: 64-KiB 16-bit protected-mode segments,
 *      real-mode IVT, CR0.PE off, far jump, real-mode segments
 *      (SDM Vol. 3A "Switching Back to Real-Address Mode");
 *   3. runs the checks (rm_checks) and stores what it saw in the slots;
 *   4. returns: CR0.PE on, far jump to pm32_return ("Switching to Protected
 *      Mode"), which restores PAE paging and long mode ("Initializing IA-32e
 *      Mode").
 * realmode.c then compares the slots with what the SDM says.
 */

#define LOW_SEG   0x1000            /* real-mode CS = DS = ES: the blob */
#define LOW_BASE  0x10000
#define STK_SEG   0x2000            /* real-mode SS: 0x20000..0x2ffff */
#define R(x)      ((x) - rm_blob)   /* offset of a blob label in LOW_SEG */

#include "modeswitch.h"

/* rm_gdt selectors (PM32_GDT_HEAD first: 0x08 32-bit code, 0x10 32-bit
 * data, 0x18 64-bit code) */
#define SEL_CODE16 0x20             /* base LOW_BASE, limit 0xffff, D=0 */
#define SEL_DATA16 0x28             /* base LOW_BASE, limit 0xffff, B=0 */
#define SEL_FLAT16 0x30             /* base 0, limit 4 GiB: for unreal mode */

#define CR0_PE   0x1
#define MSR_EFER 0xc0000080
#define FL_CF    0x0001
#define FL_TF    0x0100
#define FL_IF    0x0200

/* ======================================================================
 * Phase 1: pm32_call calls rm_enter32 in 32-bit protected mode without
 * paging; phase 4 ends with a far jump to pm32_return.
 * ====================================================================== */
    .text
    .code32
    .globl rm_enter32
rm_enter32:
    /* Into a readable 16-bit code segment with a 64-KiB limit (the blob). */
    ljmp $SEL_CODE16, $R(rm_pm16)
    .code64

    .data
    .align 8
rm_gdt:
    PM32_GDT_HEAD
    .quad 0x00009a010000ffff        /* 0x20 16-bit code, base 0x10000, 64 KiB */
    .quad 0x000092010000ffff        /* 0x28 16-bit data, base 0x10000, 64 KiB */
    .quad 0x008f92000000ffff        /* 0x30 data, base 0, 4 GiB (G=1) */
rm_gdt_end:
    .globl rm_gdtr
rm_gdtr:        .word rm_gdt_end - rm_gdt - 1
                .quad rm_gdt

/* ======================================================================
 * The blob: copied to LOW_BASE, runs at LOW_SEG:R(label)
 * ====================================================================== */
    .text
    .code16
    .align 16
    .globl rm_blob, rm_blob_end
rm_blob:

/* ---- Phase 2: 16-bit protected mode -> real-address mode ---- */
rm_pm16:
    /* Data segments with a 64-KiB limit, byte granular, expand-up, writable. */
    mov $SEL_DATA16, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    lidt R(rm_ivt_ptr)              /* the real-mode IVT at 0 */
    mov %cr0, %eax
    and $~CR0_PE, %eax
    mov %eax, %cr0
    ljmp $LOW_SEG, $R(rm_real)      /* loads CS the real-mode way */
rm_real:
    mov $LOW_SEG, %ax
    mov %ax, %ds
    mov %ax, %es
    mov $STK_SEG, %ax
    mov %ax, %ss
    mov $0xfff0, %esp
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    call rm_setup_ivt
    call rm_checks

/* ---- Phase 4 (start): back to protected mode ---- */
rm_leave:
    cli
    lgdtl %cs:R(rm_gdtr16)
    mov %cr0, %eax
    or $CR0_PE, %eax
    mov %eax, %cr0
    ljmpl $PM32_SEL_CODE32, $pm32_return

/* ---- The IVT: vectors 0..31 -> rm_stubs (record, resume at catch_ip),
 * the rest -> rm_stub_other; #DB and INT 0x40 get their own handlers. */
rm_setup_ivt:
    push %es
    xor %ax, %ax
    mov %ax, %es
    xor %di, %di
    xor %cx, %cx
1:  mov $R(rm_stub_other), %ax
    cmp $32, %cx
    jae 2f
    mov %cx, %ax
    shl $3, %ax
    add $R(rm_stubs), %ax
2:  mov %ax, %es:(%di)
    movw $LOW_SEG, %es:2(%di)
    add $4, %di
    inc %cx
    cmp $256, %cx
    jb 1b
    movw $R(rm_db), %es:4*1
    movw $R(rm_int40), %es:4*0x40
    pop %es
    ret

    .align 8
rm_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .align 8
    push $\v
    jmp rm_exc
    .endr
rm_stub_other:
    push $0xff
    jmp rm_exc

/* Exception: stack = vector, IP, CS, FLAGS. Record them; resume at
 * catch_ip (armed by TRY), or give up on an unexpected one. */
rm_exc:
    push %bp
    mov %sp, %bp
    push %ax
    mov 2(%bp), %ax
    mov %ax, %cs:R(exc_vec)
    mov 4(%bp), %ax
    mov %ax, %cs:R(exc_ip)
    mov 6(%bp), %ax
    mov %ax, %cs:R(exc_cs)
    mov %cs:R(catch_ip), %ax
    test %ax, %ax
    jz 1f
    mov %ax, 4(%bp)
    movw $LOW_SEG, 6(%bp)
    movw $0, %cs:R(catch_ip)
    pop %ax
    pop %bp
    add $2, %sp
    iret
1:  movw $1, %cs:R(rm_aborted)
    jmp rm_leave

/* #DB (a single-step trap, if any, after INT with TF=1): count, no TF. */
rm_db:
    incw %cs:R(rm_db_count)
    push %bp
    mov %sp, %bp
    andw $~FL_TF, 6(%bp)
    pop %bp
    iret

/* INT 0x40: record the frame and the flags inside the handler. */
rm_int40:
    pushf
    popw %cs:R(res_int_hflags)
    mov %sp, %cs:R(res_int_hsp)
    push %bp
    mov %sp, %bp
    push %ax
    mov 2(%bp), %ax
    mov %ax, %cs:R(res_int_ip)
    mov 4(%bp), %ax
    mov %ax, %cs:R(res_int_cs)
    mov 6(%bp), %ax
    mov %ax, %cs:R(res_int_flags)
    andw $~FL_TF, 6(%bp)            /* no single-stepping after IRET */
    orw $FL_CF, 6(%bp)              /* IRET must load FLAGS from here */
    pop %ax
    pop %bp
    iret

/* TRY label: arm recovery at label (exc_vec = 0xffff: nothing yet).
 * ENDTRY after the instruction disarms. */
.macro TRY recover
    movw $R(\recover), %cs:R(catch_ip)
    movw $0xffff, %cs:R(exc_vec)
.endm
.macro ENDTRY
    movw $0, %cs:R(catch_ip)
.endm
/* Copy the last exception's vector and IP to two slots. */
.macro SAVE_EXC vslot, ipslot
    mov %cs:R(exc_vec), %ax
    mov %ax, %cs:R(\vslot)
    mov %cs:R(exc_ip), %ax
    mov %ax, %cs:R(\ipslot)
.endm

/* ---- Phase 3: the checks (CS = DS = ES = LOW_SEG, SS = STK_SEG) ---- */
rm_checks:
    /* Real-address mode proper: CR0.PE = 0; IA-32e mode off. */
    smsw %ax
    mov %ax, R(res_msw)
    mov $MSR_EFER, %ecx
    rdmsr
    mov %eax, R(res_efer)
    mov %cs, %ax
    mov %ax, R(res_cs)

    /* Vol. 2 "16-Bit Addressing Forms with the ModR/M Byte": [BX+SI] uses
     * DS, [BP+DI] and [BP+disp8] use SS; mod 00 r/m 110 is disp16. */
    movw $0x1111, 0x8010            /* DS:0x8010 = linear 0x18010 */
    movw $0x2222, %ss:0x8010        /* SS:0x8010 = linear 0x28010 */
    movw $0x3333, 0x8030
    movw $0x4444, %ss:0x8030
    mov $0x8000, %bx
    mov $0x10, %si
    mov (%bx,%si), %ax
    mov %ax, R(res_bx_si)
    mov $0x8000, %bp
    mov $0x10, %di
    mov (%bp,%di), %ax
    mov %ax, R(res_bp_di)
    mov 0x30(%bp), %ax
    mov %ax, R(res_bp_disp8)
    mov %ds:(%bp,%di), %ax
    mov %ax, R(res_bp_ds)
    mov 0x8030, %dx
    mov %dx, R(res_disp16)
    /* The 16-bit effective address wraps: 0xfff0 + 0x40 = 0x0030. */
    mov $0xfff0, %bx
    mov $0x40, %si
    lea (%bx,%si), %ax
    mov %ax, R(res_ea_wrap)
    mov (%bx,%si), %ax
    mov %ax, R(res_ea_wrap_load)

    /* Vol. 3A "Segment Wraparound": a word at offset 0xffff crosses the
     * 64-KiB limit: #GP through DS, #SS through SS. */
    mov $0xffff, %bx
    TRY 1f
    .globl rm_gp_wrap_insn
rm_gp_wrap_insn:
    mov (%bx), %ax
    ENDTRY
1:  SAVE_EXC res_gp_wrap_vec, res_gp_wrap_ip
    mov $0xffff, %bp
    TRY 1f
    .globl rm_ss_wrap_insn
rm_ss_wrap_insn:
    mov 0(%bp), %ax
    ENDTRY
1:  SAVE_EXC res_ss_wrap_vec, res_ss_wrap_ip

    /* Vol. 3A "Address Translation in Real-Address Mode": linear =
     * selector * 16 + offset, so 0x1001:0x8000 is 0x1000:0x8010; and
     * 0xffff:0x0010 is linear 0x100000 (no A20M#: Multiboot enables A20). */
    mov $LOW_SEG + 1, %ax
    mov %ax, %es
    mov %es:0x8000, %ax
    mov %ax, R(res_seg_alias)
    movw $0x5a5a, %es:0x8002
    mov 0x8012, %ax
    mov %ax, R(res_seg_alias_w)
    mov $0xffff, %ax
    mov %ax, %es
    mov %es:0x10, %eax
    mov %eax, R(res_ffff_0010)
    mov $LOW_SEG, %ax
    mov %ax, %es

    /* Vol. 2 "INT n" (real-address mode): push FLAGS, clear IF and TF,
     * push CS and IP, load CS:IP from the IVT; IRET pops all three.
     * IF and TF are set first; the PIC is masked, so no IRQ comes. */
    mov %sp, R(res_int_sp0)
    pushf
    pop %ax
    or $(FL_IF | FL_TF), %ax
    and $~FL_CF, %ax
    push %ax
    popf
    int $0x40
    .globl rm_int_ret
rm_int_ret:
    pushf
    cli
    popw R(res_iret_flags)
    mov %sp, R(res_int_sp1)

    /* Vol. 2 "CALL", "RET", "JMP": far transfers in real-address mode.
     * 0x0fff:(x + 0x10) is the same byte as 0x1000:x. BX selects the
     * record rm_far_fn fills (8 bytes each). */
    mov %sp, R(res_far_sp0)
    xor %bx, %bx
    lcall $LOW_SEG - 1, $R(rm_far_fn) + 0x10
    .globl rm_far_ret
rm_far_ret:
    mov %sp, R(res_far_sp2)
    mov %cs, %ax
    mov %ax, R(res_far_cs_after)
    mov $8, %bx
    lcall *R(rm_far_ptr)            /* m16:16 in memory */
    .globl rm_far_ret2
rm_far_ret2:
    ljmp $LOW_SEG - 1, $R(rm_far_jmp) + 0x10
rm_far_jmp:
    mov %cs, %ax
    mov %ax, R(res_fjmp_cs)
    ljmp $LOW_SEG, $R(rm_far_jmp_back)
rm_far_jmp_back:

    /* Vol. 2 "PUSHA/PUSHAD", "POPA/POPAD": AX CX DX BX SP BP SI DI, SP as
     * it was before PUSHA; POPA skips the SP word. */
    mov $0x1111, %ax
    mov $0x2222, %cx
    mov $0x3333, %dx
    mov $0x4444, %bx
    mov $0x5555, %bp
    mov $0x6666, %si
    mov $0x7777, %di
    mov %sp, R(res_pusha_sp0)
    pusha
    mov %sp, R(res_pusha_sp1)
    mov %sp, %bp
    xor %si, %si
1:  mov (%bp,%si), %ax
    mov %ax, R(res_pusha_img)(%si)
    add $2, %si
    cmp $16, %si
    jb 1b
    movw $0x1234, 6(%bp)            /* the SP word: ignored */
    movw $0xaaaa, 14(%bp)           /* the AX word */
    popa
    mov %sp, R(res_popa_sp)
    mov %ax, R(res_popa_ax)
    mov %bp, R(res_popa_bp)
    mov %di, R(res_popa_di)

    /* Vol. 2 "MUL", "DIV", "IDIV" with 16-bit operands: DX:AX. */
    mov $0x1234, %ax
    mov $0x5678, %cx
    mul %cx
    mov %ax, R(res_mul_ax)
    mov %dx, R(res_mul_dx)
    pushf
    popw R(res_mul_flags)
    mov $0x0012, %dx
    mov $0x3456, %ax
    mov $0x1234, %cx
    div %cx
    mov %ax, R(res_div_q)
    mov %dx, R(res_div_r)
    mov $-1000, %ax
    cwd
    mov $7, %cx
    idiv %cx
    mov %ax, R(res_idiv_q)
    mov %dx, R(res_idiv_r)

    /* Vol. 2 "LOOP/LOOPcc": the count is CX with a 16-bit address size
     * (ECX's upper half is left alone), ECX with an 0x67 prefix. */
    mov $0x00050003, %ecx
    xor %ax, %ax
1:  inc %ax
    loop 1b
    mov %ax, R(res_loop_n)
    mov %ecx, R(res_loop_ecx)
    mov $0x00010002, %ecx
    xor %eax, %eax
1:  inc %eax
    addr32 loop 1b
    mov %eax, R(res_loop32_n)

    /* Vol. 2 "MOVS", "REP", "LODS": a 16-bit address size uses SI, DI and
     * CX; the upper halves of ESI, EDI, ECX stay; SI wraps at 0xffff. */
    mov $0xaaaa0000 + R(rm_str_src), %esi
    mov $0xbbbb8100, %edi
    mov $0xcccc0010, %ecx
    cld
    rep movsb
    mov %esi, R(res_str_esi)
    mov %edi, R(res_str_edi)
    mov %ecx, R(res_str_ecx)
    mov $0x1234ffff, %esi
    lodsb
    mov %esi, R(res_lods_esi)

    /* Vol. 3A "Mixing 16-Bit and 32-Bit Operations Within a Code Segment":
     * 0x66 gives 32-bit operands, 0x67 32-bit addressing (SIB). */
    mov $0x7fffffff, %eax
    add $1, %eax                    /* 32-bit: OF = 1, EAX = 0x80000000 */
    pushf
    popw R(res_add32_flags)
    mov %eax, R(res_add32)
    mov $0x10000, %eax
    mov $0x10000, %ecx
    mull %ecx                       /* EDX:EAX = 1:0 */
    mov %eax, R(res_mul32_lo)
    mov %edx, R(res_mul32_hi)
    movl $0x11223344, 0x8200
    mov $0x8000, %eax
    mov $0x80, %ecx
    mov (%eax,%ecx,4), %edx         /* DS:[EAX+ECX*4] = DS:0x8200 */
    mov %edx, R(res_sib)
    mov %sp, %bx
    pushl $0x12345678               /* 0x66: a doubleword push */
    mov %sp, %cx
    popl %eax
    sub %cx, %bx
    mov %bx, R(res_push32_delta)
    mov %eax, R(res_push32_val)

    /* "Switching Back to Real-Address Mode": the limit stays in the hidden
     * part of a segment register; a real-mode load changes only selector
     * and base. GS still has the 64-KiB limit from the way down, so a
     * 32-bit offset above 0xffff faults ... */
    xor %ax, %ax
    mov %ax, %gs
    mov $0x100000, %ebx
    TRY 1f
    .globl rm_gs_limit_insn
rm_gs_limit_insn:
    mov %gs:(%ebx), %eax
    ENDTRY
1:  SAVE_EXC res_gslim_vec, res_gslim_ip
    /* ... while FS, loaded with a 4-GiB segment in protected mode, keeps
     * that limit back in real mode ("unreal mode"). */
    cli
    lgdtl %cs:R(rm_gdtr16)
    mov %cr0, %eax
    or $CR0_PE, %eax
    mov %eax, %cr0
    ljmp $SEL_CODE16, $R(1f)
1:  mov $SEL_FLAT16, %ax
    mov %ax, %fs
    mov %cr0, %eax
    and $~CR0_PE, %eax
    mov %eax, %cr0
    ljmp $LOW_SEG, $R(2f)
2:  xor %ax, %ax
    mov %ax, %fs                    /* base 0, the 4-GiB limit stays */
    mov %fs, %ax
    mov %ax, R(res_unreal_fs)
    xor %eax, %eax
    TRY 1f
    .globl rm_unreal_insn
rm_unreal_insn:
    mov %fs:(%ebx), %eax            /* linear 0x100000 */
    ENDTRY
1:  mov %eax, R(res_unreal_val)      /* before SAVE_EXC clobbers AX */
    SAVE_EXC res_unreal_vec, res_unreal_ip

    /* Vol. 2 "CPUID", "RDTSC": both work in real-address mode. */
    xor %eax, %eax
    xor %ecx, %ecx
    cpuid
    mov %eax, R(res_cpuid0)
    mov %ebx, R(res_cpuid0) + 4
    mov %ecx, R(res_cpuid0) + 8
    mov %edx, R(res_cpuid0) + 12
    mov $1, %eax
    xor %ecx, %ecx
    cpuid
    mov %eax, R(res_cpuid1_a)
    rdtsc
    mov %eax, R(res_tsc1)
    mov %edx, R(res_tsc1) + 4
    rdtsc
    mov %eax, R(res_tsc2)
    mov %edx, R(res_tsc2) + 4

    /* Vol. 3A "Interrupt 0—Divide Error Exception (#DE)" and "Interrupt
     * 6—Invalid Opcode Exception (#UD)" through the IVT: faults, the
     * saved CS:IP is the instruction. STR is not recognized in
     * real-address mode (Vol. 2 "STR", Real-Address Mode Exceptions). */
    xor %dx, %dx
    mov $1, %ax
    xor %cx, %cx
    TRY 1f
    .globl rm_de_insn
rm_de_insn:
    div %cx
    ENDTRY
1:  SAVE_EXC res_de_vec, res_de_ip
    mov %cs:R(exc_cs), %ax
    mov %ax, R(res_de_cs)
    TRY 1f
    .globl rm_ud_insn
rm_ud_insn:
    ud2
    ENDTRY
1:  SAVE_EXC res_ud_vec, res_ud_ip
    TRY 1f
    .globl rm_str_insn
rm_str_insn:
    str %ax
    ENDTRY
1:  SAVE_EXC res_udstr_vec, res_udstr_ip
    ret

/* Far-call target, entered as 0x0fff:(R(rm_far_fn) + 0x10). DS = LOW_SEG;
 * BX = offset of the record in res_far. */
rm_far_fn:
    mov %cs, %ax
    mov %ax, R(res_far)(%bx)
    mov %sp, R(res_far) + 2(%bx)
    mov %sp, %bp
    mov 0(%bp), %ax
    mov %ax, R(res_far) + 4(%bx)    /* pushed IP */
    mov 2(%bp), %ax
    mov %ax, R(res_far) + 6(%bx)    /* pushed CS */
    lret

/* ---- Data (in the blob) ---- */
    .align 4
rm_ivt_ptr:     .word 0x3ff
                .long 0
rm_gdtr16:      .word rm_gdt_end - rm_gdt - 1
                .long rm_gdt
rm_far_ptr:     .word R(rm_far_fn) + 0x10
                .word LOW_SEG - 1
    .globl rm_str_src
rm_str_src:     .ascii "0123456789abcdef"
catch_ip:       .word 0

/* Result slots, read by realmode.c at LOW_BASE + R(slot). */
.macro SLOT name, bytes=4
    .globl \name
    .align 4
\name: .fill \bytes, 1, 0
.endm
    SLOT rm_aborted
    SLOT rm_db_count
    SLOT exc_vec
    SLOT exc_ip
    SLOT exc_cs
    SLOT res_msw
    SLOT res_efer
    SLOT res_cs
    SLOT res_bx_si
    SLOT res_bp_di
    SLOT res_bp_disp8
    SLOT res_bp_ds
    SLOT res_disp16
    SLOT res_ea_wrap
    SLOT res_ea_wrap_load
    SLOT res_gp_wrap_vec
    SLOT res_gp_wrap_ip
    SLOT res_ss_wrap_vec
    SLOT res_ss_wrap_ip
    SLOT res_seg_alias
    SLOT res_seg_alias_w
    SLOT res_ffff_0010
    SLOT res_int_sp0
    SLOT res_int_hflags
    SLOT res_int_hsp
    SLOT res_int_ip
    SLOT res_int_cs
    SLOT res_int_flags
    SLOT res_iret_flags
    SLOT res_int_sp1
    SLOT res_far_sp0
    SLOT res_far_sp2
    SLOT res_far_cs_after
    SLOT res_far, 16
    SLOT res_fjmp_cs
    SLOT res_pusha_sp0
    SLOT res_pusha_sp1
    SLOT res_pusha_img, 16
    SLOT res_popa_sp
    SLOT res_popa_ax
    SLOT res_popa_bp
    SLOT res_popa_di
    SLOT res_mul_ax
    SLOT res_mul_dx
    SLOT res_mul_flags
    SLOT res_div_q
    SLOT res_div_r
    SLOT res_idiv_q
    SLOT res_idiv_r
    SLOT res_loop_n
    SLOT res_loop_ecx
    SLOT res_loop32_n
    SLOT res_str_esi
    SLOT res_str_edi
    SLOT res_str_ecx
    SLOT res_lods_esi
    SLOT res_add32_flags
    SLOT res_add32
    SLOT res_mul32_lo
    SLOT res_mul32_hi
    SLOT res_sib
    SLOT res_push32_delta
    SLOT res_push32_val
    SLOT res_gslim_vec
    SLOT res_gslim_ip
    SLOT res_unreal_fs
    SLOT res_unreal_vec
    SLOT res_unreal_ip
    SLOT res_unreal_val
    SLOT res_cpuid0, 16
    SLOT res_cpuid1_a
    SLOT res_tsc1, 8
    SLOT res_tsc2, 8
    SLOT res_de_vec
    SLOT res_de_ip
    SLOT res_de_cs
    SLOT res_ud_vec
    SLOT res_ud_ip
    SLOT res_udstr_vec
    SLOT res_udstr_ip
rm_blob_end:
    .code64
