/* Virtual-8086 mode entered from 32-bit protected mode (paging off) with
 * IRET, a 32-bit TSS (SS0:ESP0, I/O bitmap) and a legacy IDT; CR4.VME = 0.
 * The V86 code and the monitor are in vm86.S, leaving and re-entering long
 * mode is pm32_call (kern/modeswitch.S); each check below cites the SDM
 * section that gives its expected value. */
#include "kern.h"

#define V86_BASE 0x20000u
#define V86_SEG  0x2000u
#define V86_SS   0x3000u
#define V86_SP   0xfff0u
#define V86_ES   0x4000u
#define V86_FS   0x5000u
#define V86_GS   0x6000u
#define SEL_CODE32 PM32_SEL_CODE32
#define SEL_DATA32 PM32_SEL_DATA32
#define SEL_TSS32  0x20u

extern char v86_blob[], v86_blob_end[], vm_stubs[], vm_enter32[];
extern uint64_t vm_gdt[];
extern const struct desc_ptr vm_gdtr;

/* Offset of a blob label; result slots in the low copy. */
#define OFF(sym) ({ extern char sym[]; (uint32_t)(sym - v86_blob); })
#define RES(sym) (*(volatile uint32_t *)(uintptr_t)(V86_BASE + OFF(sym)))

/* SDM Vol. 3A "Task-State Segment (TSS)", 32-bit; the I/O bitmap covers
 * ports 0..255 (the rest lies beyond the TSS limit: denied). */
struct __attribute__((packed)) tss32 {
    uint16_t link, r0;
    uint32_t esp0;
    uint16_t ss0, r1;
    uint32_t esp1;
    uint16_t ss1, r2;
    uint32_t esp2;
    uint16_t ss2, r3;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10, trap, iomap;
};
static struct __attribute__((packed, aligned(16))) {
    struct tss32 t;
    uint8_t iopb[32];
    uint8_t end;                        /* all ones ends the bitmap */
} vm_tss;
static uint8_t r0_stack[4096] __attribute__((aligned(16)));
#define ESP0 ((uint32_t)(uintptr_t)(r0_stack + sizeof r0_stack))

/* IDT: 32-bit interrupt gates ("IDT Descriptors") to vm_stubs. */
uint64_t vm_idt[0x42] __attribute__((aligned(8)));
struct desc_ptr vm_idtr;
static uint64_t gate32(uint32_t off, int dpl)
{
    return (off & 0xffff) | ((uint64_t)SEL_CODE32 << 16) | ((uint64_t)(0x80 | dpl << 5 | SYS_INTGATE) << 40) |
           ((uint64_t)(off >> 16) << 48);
}

/* One entry of vm_log (vm86.S): the V86 frame, then the handler's view. */
struct v86_event {
    uint32_t vec, err, eip, cs, eflags, esp, ss, es, ds, fs, gs;
    uint32_t h_ds, h_es, h_fs, h_gs, h_eflags, h_cs, h_ss, frame_at;
};
extern struct v86_event vm_log[];
extern uint32_t vm_nlog;

static const struct v86_event *event_at(uint32_t eip)
{
    for (uint32_t i = 0; i < vm_nlog; i++)
        if (vm_log[i].eip == eip)
            return &vm_log[i];
    return NULL;
}

/* An exception at label: vector and error code. */
static const struct v86_event *expect_v86_fault(const char *name, uint32_t eip, uint32_t vec, uint32_t err)
{
    const struct v86_event *e = event_at(eip);
    if (!e)
        reportf(false, name, "no exception; want vector %u error 0x%x at IP 0x%x", vec, err, eip);
    else
        reportf(e->vec == vec && e->err == err, name, "vector %u error 0x%x; want vector %u error 0x%x",
                e->vec, e->err, vec, err);
    return e && e->vec == vec && e->err == err ? e : NULL;
}

static void expect_v86_no_fault(const char *name, uint32_t eip)
{
    const struct v86_event *e = event_at(eip);
    reportf(!e, name, "vector %u error 0x%x", e ? e->vec : 0, e ? e->err : 0);
}

static void check_entry(void)
{
    /* Vol. 2 "IRET" (RETURN-TO-VIRTUAL-8086-MODE) and Vol. 3A "Entering
     * Virtual-8086 Mode": EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS popped. */
    reportf(RES(res_done1) == 1 && RES(res_done2) == 1, "v86-entered-with-iret", "phase 1 %u, phase 2 %u",
            RES(res_done1), RES(res_done2));
    reportf(RES(res_cs) == V86_SEG && RES(res_ds) == V86_SEG && RES(res_ss) == V86_SS && RES(res_es) == V86_ES &&
            RES(res_fs) == V86_FS && RES(res_gs) == V86_GS && RES(res_esp) == V86_SP,
            "v86-iret-loads-segments", "CS %x DS %x SS %x ES %x FS %x GS %x ESP %x", RES(res_cs), RES(res_ds),
            RES(res_ss), RES(res_es), RES(res_fs), RES(res_gs), RES(res_esp));
    reportf(RES(res_msw) & CR0_PE, "v86-smsw-pe-set", "MSW 0x%x", RES(res_msw));
    /* Vol. 2 "PUSHF/PUSHFD": VM and RF cleared in the image; IOPL as set. */
    uint32_t f = RES(res_pushfd);
    reportf(!(f & (RFLAGS_VM | RFLAGS_RF)) && (f & RFLAGS_IOPL) == RFLAGS_IOPL, "v86-pushfd-clears-vm-rf",
            "EFLAGS 0x%x", f);
    /* Vol. 3A "Virtual-8086 Mode" / "Address Translation in Real-Address
     * Mode": selector * 16 + offset. */
    reportf(RES(res_alias) == 0x7a7a && *(volatile uint16_t *)0x40010 == 0xbeef, "v86-linear-is-sel-times-16",
            "alias 0x%x, 0x40010 = 0x%x", RES(res_alias), *(volatile uint16_t *)0x40010);
    /* Each phase ends with HLT: #GP(0) at CPL 3 ("Sensitive Instructions"). */
    expect_v86_fault("v86-hlt-gp", OFF(v86_end1), EXC_GP, 0);
}

static void check_int(void)
{
    /* Vol. 3A "Class 3—Software Interrupt Handling in Virtual-8086 Mode"
     * (VME = 0, IOPL 3: through the IDT) and "Handling an Interrupt or
     * Exception Through a Protected-Mode Trap or Interrupt Gate": CPL 0 on
     * SS0:ESP0; GS FS DS ES SS ESP EFLAGS CS EIP are pushed, VM is cleared,
     * DS ES FS GS are loaded with null selectors; IRET returns. */
    uint32_t ip = OFF(v86_int3_insn) + 2;
    const struct v86_event *e = event_at(ip);
    reportf(e && e->vec == 0x40, "v86-int-iopl3-via-idt", "%s vector %u", e ? "" : "no event,", e ? e->vec : 0);
    if (!e)
        return;
    reportf(e->cs == V86_SEG && e->ss == V86_SS && e->esp == RES(res_sp_int) && e->es == V86_ES &&
            e->ds == V86_SEG && e->fs == V86_FS && e->gs == V86_GS, "v86-int-frame-segments",
            "CS %x SS %x ESP %x (SP was %x) ES %x DS %x FS %x GS %x", e->cs, e->ss, e->esp, RES(res_sp_int),
            e->es, e->ds, e->fs, e->gs);
    reportf((e->eflags & RFLAGS_VM) && (e->eflags & RFLAGS_IOPL) == RFLAGS_IOPL && (e->eflags & RFLAGS_IF),
            "v86-int-frame-eflags-vm", "EFLAGS 0x%x", e->eflags);
    reportf(!(e->h_eflags & (RFLAGS_VM | RFLAGS_IF)), "v86-int-handler-vm-if-clear", "EFLAGS 0x%x", e->h_eflags);
    reportf(!(e->h_ds & 0xffff) && !(e->h_es & 0xffff) && !(e->h_fs & 0xffff) && !(e->h_gs & 0xffff),
            "v86-int-handler-segments-null", "DS %x ES %x FS %x GS %x", e->h_ds, e->h_es, e->h_fs, e->h_gs);
    reportf(e->h_cs == SEL_CODE32 && e->h_ss == SEL_DATA32, "v86-int-handler-cs-ss0", "CS %x SS %x",
            e->h_cs, e->h_ss);
    reportf(e->frame_at == ESP0 - 36, "v86-int-frame-on-esp0", "EIP at 0x%x, ESP0 0x%x", e->frame_at, ESP0);
    reportf(RES(res_ds2) == V86_SEG && RES(res_es2) == V86_ES && RES(res_fs2) == V86_FS && RES(res_gs2) == V86_GS &&
            RES(res_ss2) == V86_SS, "v86-iret-restores-segments", "DS %x ES %x FS %x GS %x SS %x",
            RES(res_ds2), RES(res_es2), RES(res_fs2), RES(res_gs2), RES(res_ss2));
    /* Vol. 2 "INT n": a gate with DPL < CPL (3) is #GP(vector * 8 + 2). */
    expect_v86_fault("v86-int-dpl0-gate-gp", OFF(v86_int41_insn), EXC_GP, 0x41 * 8 + ERRC_IDT);
}

static void check_sensitive(void)
{
    /* Vol. 3A "Sensitive Instructions": CLI is allowed with IOPL 3 ... */
    expect_v86_no_fault("v86-cli-iopl3-ok", OFF(v86_cli3_insn));
    reportf(!(RES(res_flags_cli3) & RFLAGS_IF), "v86-cli-iopl3-clears-if", "FLAGS 0x%x", RES(res_flags_cli3));
    /* ... and with IOPL < 3 PUSHF, CLI, STI, INT n are #GP(0) (VME off;
     * for INT n also "Class 3—Software Interrupt Handling ..."). */
    expect_v86_fault("v86-pushf-iopl0-gp", OFF(v86_pushf0_insn), EXC_GP, 0);
    const struct v86_event *e = expect_v86_fault("v86-cli-iopl0-gp", OFF(v86_cli0_insn), EXC_GP, 0);
    if (e) {
        /* An exception from V86 mode: the same frame, plus an error code. */
        reportf((e->eflags & RFLAGS_VM) && !(e->eflags & RFLAGS_IOPL) && !(e->h_eflags & RFLAGS_VM) &&
                e->cs == V86_SEG && e->frame_at == ESP0 - 36, "v86-gp-frame",
                "EFLAGS 0x%x, in handler 0x%x, CS %x, EIP at 0x%x", e->eflags, e->h_eflags, e->cs, e->frame_at);
    }
    expect_v86_fault("v86-sti-iopl0-gp", OFF(v86_sti0_insn), EXC_GP, 0);
    expect_v86_fault("v86-int-iopl0-gp", OFF(v86_int0_insn), EXC_GP, 0);
    expect_v86_fault("v86-hlt-iopl0-gp", OFF(v86_end2), EXC_GP, 0);

    /* Vol. 3A "I/O-Port-Mapped I/O" (Virtual-8086 Mode I/O) and Vol. 1
     * "I/O Permission Bit Map": in V86 mode the bitmap is checked whatever
     * IOPL is; every byte of a multi-byte port must be allowed. */
    expect_v86_no_fault("v86-io-allowed-iopl3", OFF(v86_out80_3_insn));
    expect_v86_fault("v86-io-denied-iopl3-gp", OFF(v86_in81_3_insn), EXC_GP, 0);
    expect_v86_fault("v86-io-word-partly-denied-gp", OFF(v86_inw80_3_insn), EXC_GP, 0);
    expect_v86_no_fault("v86-io-allowed-iopl0", OFF(v86_out80_0_insn));
    expect_v86_fault("v86-io-denied-iopl0-gp", OFF(v86_in81_0_insn), EXC_GP, 0);
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    memcpy((void *)(uintptr_t)V86_BASE, v86_blob, (size_t)(v86_blob_end - v86_blob));
    *(volatile uint16_t *)0x40010 = 0;

    memset(&vm_tss, 0, sizeof vm_tss);
    vm_tss.t.esp0 = ESP0;
    vm_tss.t.ss0 = SEL_DATA32;
    vm_tss.t.iomap = sizeof vm_tss.t;
    memset(vm_tss.iopb, 0xff, sizeof vm_tss.iopb);
    vm_tss.iopb[0x80 / 8] &= (uint8_t)~(1u << (0x80 % 8));     /* port 0x80 only */
    vm_tss.end = 0xff;
    vm_gdt[SEL_TSS32 / 8] = seg_desc((uint32_t)(uintptr_t)&vm_tss, sizeof vm_tss - 1, AR_P | SYS_TSS_AVL);
    for (int v = 0; v < 0x42; v++)
        vm_idt[v] = gate32((uint32_t)(uintptr_t)(vm_stubs + 16 * v), v == 0x40 ? 3 : 0);
    vm_idtr.limit = sizeof vm_idt - 1;
    vm_idtr.base = (uint64_t)vm_idt;

    /* Mask the PICs: phase 1 runs with IF = 1. */
    uint8_t m1 = inb(0x21), m2 = inb(0xa1);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    pm32_call(&vm_gdtr, vm_enter32);
    outb(0x21, m1);
    outb(0xa1, m2);
    /* Back on kern's 64-bit TSS: it is marked busy, so make it available. */
    gdt[SEL_TSS / 8] &= ~(2ull << 40);
    ltr(SEL_TSS);

    report("v86-back-in-long-mode", read_cs() == SEL_KCODE && (rdmsr(MSR_IA32_EFER) & EFER_LMA) && str() == SEL_TSS);
    check_entry();
    check_int();
    check_sensitive();
    return report_summary();
}
