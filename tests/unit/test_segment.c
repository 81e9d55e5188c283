/* Unit tests of segmentation, interrupt delivery, far transfers and the
 * descriptor instructions (emu/cpu/segment.c, intr*.c, farxfer.c,
 * callgate.c, iret.c, descinsn.c, ptrcheck.c, ioperm.c): hand-encoded
 * instructions run on the CPU with paging off (or identity-mapped for
 * IA-32e mode), and the resulting state and stack frames are checked
 * against the SDM. */
#include <setjmp.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/intr.h"
#include "cpu/segment.h"
#include "machine/machine.h"
#include "test_check.h"
#include "x86/paging.h"

#define GDT   0x1000u
#define IDT   0x2000u
#define TSS   0x3000u
#define CODE  0x10000u
#define HNDL  0x11000u     /* interrupt handler */
#define GATEH 0x12000u     /* call-gate target */
#define STK0  0x9000u      /* CPL 0 stack top */
#define STK3  0x8000u      /* CPL 3 stack top */
#define PML4  0x100000u

/* Selectors of the test GDT. */
enum {
    K_CODE = 0x08, K_DATA = 0x10, U_CODE = 0x18, U_DATA = 0x20, TSS_SEL = 0x28,
    CGATE = 0x30, NP_DATA = 0x38, CODE16 = 0x40, TSS2 = 0x48, LDT_SEL = 0x50,
};

static struct machine *m;
static struct cpu *c;

/* An 8-byte segment descriptor from a base, a byte limit and a VMX-layout
 * access-rights word (SDM "Segment Descriptors"). */
static uint64_t mkdesc(uint32_t base, uint32_t limit, uint32_t ar)
{
    if (ar & AR_G)
        limit >>= 12;
    return (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) | ((uint64_t)(ar & 0xff) << 40) |
           ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)((ar >> 12) & 0xf) << 52) |
           ((uint64_t)(base >> 24) << 56);
}

/* A gate descriptor (SDM "Call Gates", "IDT Descriptors"). */
static uint64_t mkgate(uint16_t sel, uint32_t off, unsigned type, unsigned dpl, unsigned params)
{
    return (off & 0xffff) | ((uint64_t)sel << 16) | ((uint64_t)params << 32) |
           ((uint64_t)(0x80u | (dpl << 5) | type) << 40) | ((uint64_t)(off >> 16) << 48);
}

static void put64(uint64_t pa, uint64_t v) { phys_copy_in(m, pa, &v, 8); }
static void put32(uint64_t pa, uint32_t v) { phys_copy_in(m, pa, &v, 4); }
static void put16(uint64_t pa, uint16_t v) { phys_copy_in(m, pa, &v, 2); }
static void putb(uint64_t pa, const char *bytes, size_t n) { phys_copy_in(m, pa, bytes, n); }
static uint32_t get32(uint64_t pa) { uint32_t v = 0; phys_copy_out(m, pa, &v, 4); return v; }
static uint64_t get64(uint64_t pa) { uint64_t v = 0; phys_copy_out(m, pa, &v, 8); return v; }

static void setseg(int s, uint16_t sel)
{
    uint64_t d = get64(GDT + (sel & ~7u));
    seg_from_desc(&c->seg[s], sel, d);
}

static void gdt_common(bool ia32e)
{
    uint32_t l = ia32e ? AR_L : AR_DB;
    put64(GDT + K_CODE, mkdesc(0, 0xffffffff, 0x9b | AR_G | l));
    put64(GDT + K_DATA, mkdesc(0, 0xffffffff, 0x93 | AR_G | AR_DB));
    put64(GDT + U_CODE, mkdesc(0, 0xffffffff, 0xfb | AR_G | l));
    put64(GDT + U_DATA, mkdesc(0, 0xffffffff, 0xf3 | AR_G | AR_DB));
    put64(GDT + TSS_SEL, mkdesc(TSS, 0x2067, 0x8b));
    put64(GDT + NP_DATA, mkdesc(0, 0xffff, 0x73));
    put64(GDT + CODE16, mkdesc(0, 0xffff, 0x9b));
    put64(GDT + TSS2, mkdesc(0x5000, 0x67, 0x89));
    put64(GDT + LDT_SEL, mkdesc(0x6000, 0xff, 0x82));
}

/* 32-bit protected mode, paging off, CPL 0, GDT/IDT/TSS as above. */
static void setup_pm32(void)
{
    static const uint8_t zero[0x3000];
    phys_copy_in(m, 0, zero, sizeof zero);
    cpu_reset(c);
    cpu_set_flat32(c);
    gdt_common(false);
    put64(GDT + CGATE, mkgate(K_CODE, GATEH, SYS_CALLGATE, 3, 2));
    put64(IDT + 0x30 * 8, mkgate(K_CODE, HNDL, SYS_INTGATE, 3, 0));
    put64(IDT + 0x31 * 8, mkgate(K_CODE, HNDL, SYS_INTGATE, 0, 0));
    put32(TSS + 4, STK0);
    put32(TSS + 8, K_DATA);
    put16(TSS + 0x66, 0x68);
    static uint8_t ones[0x2000];
    memset(ones, 0xff, sizeof ones);
    phys_copy_in(m, TSS + 0x68, ones, sizeof ones);
    put16(TSS + 0x68 + 0x80 / 8, 0xfffe);   /* port 0x80 allowed */
    c->gdtr = (struct dtr){ GDT, 0xff };
    c->idtr = (struct dtr){ IDT, 0x7ff };
    seg_from_desc(&c->tr, TSS_SEL, get64(GDT + TSS_SEL));
    setseg(S_CS, K_CODE);
    for (int s = 0; s < 6; s++)
        if (s != S_CS)
            setseg(s, K_DATA);
    c->r[R_SP] = STK0;
    c->rip = CODE;
    c->stop_on_exception = true;
    c->stopped_vector = -1;
    cpu_update_mode(c);
}

/* Switch the CPU to CPL 3 with user segments (state set directly). */
static void to_user(void)
{
    setseg(S_CS, U_CODE | 3);
    setseg(S_SS, U_DATA | 3);
    setseg(S_ES, U_DATA | 3);
    c->r[R_SP] = STK3;
    cpu_update_mode(c);
}

static enum cpu_stop run(const char *code, size_t n, uint64_t insns)
{
    putb(c->seg[S_CS].base + c->rip, code, n);
    c->halted = false;
    c->stopped_vector = -1;
    return cpu_run(c, c->icount + insns);
}

/* ---- tests ---- */

static void int_from_cpl3_switches_stack(struct tcase *t)
{
    setup_pm32();
    to_user();
    setseg(S_DS, K_DATA);             /* DPL 0: IRET to CPL 3 makes it NULL */
    cpu_set_rflags(c, RFLAGS_FIXED1 | RFLAGS_IF);
    putb(HNDL, "\xf4\xcf", 2);        /* hlt; iretd */
    enum cpu_stop s = run("\xcd\x30", 2, 100);
    EXPECT_EQ(t, s, STOP_HLT);
    EXPECT_EQ(t, c->cpl, 0);
    EXPECT_EQ(t, c->seg[S_SS].sel, K_DATA);
    EXPECT_EQ(t, c->r[R_SP], STK0 - 20);
    EXPECT_EQ(t, get32(STK0 - 20), CODE + 2);       /* EIP */
    EXPECT_EQ(t, get32(STK0 - 16), U_CODE | 3);     /* CS */
    EXPECT(t, get32(STK0 - 12) & RFLAGS_IF);         /* EFLAGS */
    EXPECT_EQ(t, get32(STK0 - 8), STK3);            /* ESP */
    EXPECT_EQ(t, get32(STK0 - 4), U_DATA | 3);      /* SS */
    EXPECT(t, !(c->rflags & RFLAGS_IF));
    s = run("", 0, 1);                               /* iretd */
    EXPECT_EQ(t, c->cpl, 3);
    EXPECT_EQ(t, c->rip, CODE + 2);
    EXPECT_EQ(t, c->r[R_SP], STK3);
    EXPECT_EQ(t, c->seg[S_SS].sel, U_DATA | 3);
    EXPECT_EQ(t, c->seg[S_DS].sel, 0);
    EXPECT(t, c->seg[S_DS].ar & AR_UNUSABLE);
    EXPECT_EQ(t, c->seg[S_ES].sel, U_DATA | 3);
    EXPECT(t, c->rflags & RFLAGS_IF);
}

static void int_gate_dpl_checked(struct tcase *t)
{
    setup_pm32();
    to_user();
    EXPECT_EQ(t, run("\xcd\x31", 2, 10), STOP_EXCEPTION);
    EXPECT_EQ(t, c->stopped_vector, EXC_GP);
    EXPECT_EQ(t, c->stopped_error, (0x31u << 3) | 2);
}

/* cpu_deliver_event with the IDT limit too small: EXT depends on the kind. */
static int deliver_expecting_fault(int vector, enum event_kind kind)
{
    c->stopped_vector = -1;
    if (setjmp(c->unwind) == 0)
        cpu_deliver_event(c, vector, kind, false, 0, c->rip);
    return c->stopped_vector;
}

static void idt_limit_error_codes(struct tcase *t)
{
    setup_pm32();
    c->idtr.limit = 0x1ff;
    EXPECT_EQ(t, deliver_expecting_fault(0x40, EV_HWINT), EXC_GP);
    EXPECT_EQ(t, c->stopped_error, (0x40u << 3) | 2 | 1);
    EXPECT_EQ(t, deliver_expecting_fault(0x40, EV_SOFTINT), EXC_GP);
    EXPECT_EQ(t, c->stopped_error, (0x40u << 3) | 2);
    EXPECT_EQ(t, deliver_expecting_fault(0x40, EV_PRIVSOFT), EXC_GP);
    EXPECT_EQ(t, c->stopped_error, (0x40u << 3) | 2 | 1);
}

static void mov_sreg_checks(struct tcase *t)
{
    setup_pm32();
    to_user();
    c->r[R_CX] = NP_DATA | 3;
    EXPECT_EQ(t, run("\x8e\xd9", 2, 1), STOP_EXCEPTION);      /* mov ds, ecx */
    EXPECT_EQ(t, c->stopped_vector, EXC_NP);
    EXPECT_EQ(t, c->stopped_error, NP_DATA);
    c->r[R_CX] = K_DATA | 3;
    run("\x8e\xd9", 2, 1);
    EXPECT_EQ(t, c->stopped_vector, EXC_GP);
    EXPECT_EQ(t, c->stopped_error, K_DATA);
    c->r[R_CX] = K_DATA;
    run("\x8e\xd1", 2, 1);                                      /* mov ss, ecx */
    EXPECT_EQ(t, c->stopped_vector, EXC_GP);
    EXPECT_EQ(t, c->stopped_error, K_DATA);
    c->r[R_CX] = 3;
    run("\x8e\xd9", 2, 1);                                      /* NULL: fine */
    EXPECT_EQ(t, c->stopped_vector, -1);
    EXPECT(t, c->seg[S_DS].ar & AR_UNUSABLE);
    EXPECT_EQ(t, c->rip, CODE + 2);
}

static void call_gate_copies_parameters(struct tcase *t)
{
    setup_pm32();
    to_user();
    putb(GATEH, "\xf4\xca\x08\x00", 4);                        /* hlt; lret 8 */
    static const char code[] = "\x68\x11\x11\x00\x00" "\x68\x22\x22\x00\x00"
                               "\x9a\x00\x00\x00\x00\x33\x00";   /* lcall 0x33:0 */
    EXPECT_EQ(t, run(code, sizeof code - 1, 100), STOP_HLT);
    EXPECT_EQ(t, c->cpl, 0);
    EXPECT_EQ(t, c->r[R_SP], STK0 - 24);
    EXPECT_EQ(t, get32(STK0 - 4), U_DATA | 3);
    EXPECT_EQ(t, get32(STK0 - 8), STK3 - 8);
    EXPECT_EQ(t, get32(STK0 - 12), 0x1111);
    EXPECT_EQ(t, get32(STK0 - 16), 0x2222);
    EXPECT_EQ(t, get32(STK0 - 20), U_CODE | 3);
    EXPECT_EQ(t, get32(STK0 - 24), CODE + sizeof code - 1);
    run("", 0, 1);                                              /* lret 8 */
    EXPECT_EQ(t, c->stopped_vector, -1);
    EXPECT_EQ(t, c->cpl, 3);
    EXPECT_EQ(t, c->rip, CODE + sizeof code - 1);
    EXPECT_EQ(t, c->r[R_SP], STK3);
    EXPECT_EQ(t, c->seg[S_SS].sel, U_DATA | 3);
}

static void lar_lsl_verr_verw(struct tcase *t)
{
    setup_pm32();
    c->r[R_CX] = U_CODE;
    run("\x0f\x02\xc1", 3, 1);                                  /* lar eax, ecx */
    EXPECT(t, c->rflags & RFLAGS_ZF);
    EXPECT_EQ(t, c->r[R_AX], 0x00c0fb00);
    run("\x0f\x03\xc1", 3, 1);                                  /* lsl eax, ecx */
    EXPECT_EQ(t, c->r[R_AX], 0xffffffff);
    run("\x0f\x00\xe1", 3, 1);                                  /* verr cx */
    EXPECT(t, c->rflags & RFLAGS_ZF);
    run("\x0f\x00\xe9", 3, 1);                                  /* verw cx */
    EXPECT(t, !(c->rflags & RFLAGS_ZF));
    c->r[R_CX] = CGATE;
    run("\x0f\x02\xc1", 3, 1);
    EXPECT(t, c->rflags & RFLAGS_ZF);                           /* call gate: LAR yes */
    run("\x0f\x03\xc1", 3, 1);
    EXPECT(t, !(c->rflags & RFLAGS_ZF));                        /* ... LSL no */
    c->r[R_CX] = 0;
    run("\x0f\x02\xc1", 3, 1);
    EXPECT(t, !(c->rflags & RFLAGS_ZF));
    EXPECT_EQ(t, c->stopped_vector, -1);
}

static void ltr_lldt(struct tcase *t)
{
    setup_pm32();
    c->r[R_CX] = TSS2;
    run("\x0f\x00\xd9", 3, 1);                                  /* ltr cx */
    EXPECT_EQ(t, c->stopped_vector, -1);
    EXPECT_EQ(t, c->tr.sel, TSS2);
    EXPECT_EQ(t, c->tr.base, 0x5000);
    EXPECT_EQ(t, AR_TYPE(c->tr.ar), SYS_TSS_BUSY);
    EXPECT_EQ(t, (get64(GDT + TSS2) >> 40) & 0xf, SYS_TSS_BUSY);
    run("\x0f\x00\xd9", 3, 1);                                  /* busy now: #GP(sel) */
    EXPECT_EQ(t, c->stopped_vector, EXC_GP);
    EXPECT_EQ(t, c->stopped_error, TSS2);
    c->r[R_CX] = LDT_SEL;
    run("\x0f\x00\xd1", 3, 1);                                  /* lldt cx */
    EXPECT_EQ(t, c->stopped_vector, -1);
    EXPECT_EQ(t, c->ldtr.base, 0x6000);
    EXPECT_EQ(t, c->ldtr.limit, 0xff);
}

static void io_bitmap(struct tcase *t)
{
    setup_pm32();
    to_user();
    c->r[R_DX] = 0x80;
    run("\xec", 1, 1);                                          /* in al, dx */
    EXPECT_EQ(t, c->stopped_vector, -1);
    c->r[R_DX] = 0x81;
    run("\xec", 1, 1);
    EXPECT_EQ(t, c->stopped_vector, EXC_GP);
    EXPECT_EQ(t, c->stopped_error, 0);
}

static void real_mode_int_and_iret(struct tcase *t)
{
    static const uint8_t zero[0x1000];
    phys_copy_in(m, 0, zero, sizeof zero);
    cpu_reset(c);
    c->stop_on_exception = true;
    put32(0x10 * 4, (0x2000u << 16) | 0x100);
    putb(0x20100, "\xf4\xcf", 2);                               /* hlt; iret */
    seg_load_real(c, S_CS, 0x1000);
    seg_load_real(c, S_SS, 0x0000);
    c->r[R_SP] = 0x7000;
    c->rip = 0;
    cpu_set_rflags(c, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_CF);
    cpu_update_mode(c);
    EXPECT_EQ(t, run("\xcd\x10", 2, 10), STOP_HLT);
    EXPECT_EQ(t, c->seg[S_CS].sel, 0x2000);
    EXPECT_EQ(t, c->r[R_SP], 0x7000 - 6);
    uint32_t lo = get32(0x7000 - 6);
    EXPECT_EQ(t, lo & 0xffff, 2);                               /* IP */
    EXPECT_EQ(t, lo >> 16, 0x1000);                             /* CS */
    EXPECT_EQ(t, get32(0x7000 - 2) & 0xffff, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_CF);
    EXPECT(t, !(c->rflags & RFLAGS_IF));
    run("", 0, 1);
    EXPECT_EQ(t, c->seg[S_CS].sel, 0x1000);
    EXPECT_EQ(t, c->rip, 2);
    EXPECT_EQ(t, c->r[R_SP], 0x7000);
    EXPECT(t, c->rflags & RFLAGS_IF);
}

static void vm86_round_trip(struct tcase *t)
{
    setup_pm32();
    /* IRETD frame to virtual-8086 mode at 2000:0000, SS:SP 3000:0100. */
    uint32_t f[9] = { 0, 0x2000, RFLAGS_FIXED1 | RFLAGS_VM | RFLAGS_IOPL, 0x100, 0x3000,
                      0x1111, 0x2222, 0x3333, 0x4444 };
    for (int k = 0; k < 9; k++)
        put32(STK0 - 64 + 4 * (uint32_t)k, f[k]);
    c->r[R_SP] = STK0 - 64;
    putb(0x20000, "\xcd\x30", 2);                               /* int 0x30 in VM86 */
    putb(HNDL, "\xf4", 1);
    EXPECT_EQ(t, run("\xcf", 1, 1), STOP_BUDGET);
    EXPECT_EQ(t, c->mode, MODE_VM86);
    EXPECT_EQ(t, c->seg[S_DS].base, 0x22220);
    EXPECT_EQ(t, c->seg[S_CS].ar, 0xf3);
    EXPECT_EQ(t, c->r[R_SP], 0x100);
    EXPECT_EQ(t, run("", 0, 10), STOP_HLT);
    EXPECT_EQ(t, c->mode, MODE_PROT);
    EXPECT_EQ(t, c->r[R_SP], STK0 - 36);
    EXPECT_EQ(t, get32(STK0 - 4), 0x4444);                      /* GS */
    EXPECT_EQ(t, get32(STK0 - 16), 0x1111);                     /* ES */
    EXPECT_EQ(t, get32(STK0 - 20), 0x3000);                     /* SS */
    EXPECT_EQ(t, get32(STK0 - 24), 0x100);                      /* ESP */
    EXPECT(t, get32(STK0 - 28) & RFLAGS_VM);                    /* EFLAGS */
    EXPECT_EQ(t, get32(STK0 - 32), 0x2000);                     /* CS */
    EXPECT_EQ(t, get32(STK0 - 36), 2);                          /* EIP */
    EXPECT_EQ(t, c->seg[S_DS].sel, 0);
    EXPECT(t, c->seg[S_GS].ar & AR_UNUSABLE);
}

/* IA-32e mode: identity-mapped first 4 MiB (2-MiB user pages). */
static void setup_long(void)
{
    setup_pm32();
    static const uint8_t zero[0x3000];
    phys_copy_in(m, PML4, zero, sizeof zero);
    put64(PML4, (PML4 + 0x1000) | PTE_P | PTE_W | PTE_U);
    put64(PML4 + 0x1000, (PML4 + 0x2000) | PTE_P | PTE_W | PTE_U);
    put64(PML4 + 0x2000, 0 | PTE_P | PTE_W | PTE_U | PTE_PS);
    put64(PML4 + 0x2008, 0x200000 | PTE_P | PTE_W | PTE_U | PTE_PS);
    cpu_set_long64(c, PML4);
    c->cr4 &= ~(uint64_t)(CR4_SMEP | CR4_SMAP);
    gdt_common(true);
    put64(GDT + TSS_SEL + 8, 0);
    put64(IDT + 0x30 * 16, mkgate(K_CODE, HNDL, SYS_INTGATE, 3, 0));
    put64(IDT + 0x30 * 16 + 8, 0);
    put64(IDT + 0x31 * 16, mkgate(K_CODE, HNDL, SYS_INTGATE, 3, 0) | (1ull << 32));
    put64(IDT + 0x31 * 16 + 8, 0);
    put64(TSS + 4, STK0 + 8);
    put64(TSS + 0x24, 0xa008);
    c->gdtr = (struct dtr){ GDT, 0xff };
    c->idtr = (struct dtr){ IDT, 0xfff };
    seg_from_desc(&c->tr, TSS_SEL, get64(GDT + TSS_SEL));
    setseg(S_CS, U_CODE | 3);
    setseg(S_SS, U_DATA | 3);
    c->r[R_SP] = STK3 + 8;
    c->rip = CODE;
    cpu_update_mode(c);
    tlb_flush_all(c);
}

static void long_mode_int_and_iretq(struct tcase *t)
{
    setup_long();
    putb(HNDL, "\xf4\x48\xcf", 3);                              /* hlt; iretq */
    EXPECT_EQ(t, run("\xcd\x30", 2, 10), STOP_HLT);
    EXPECT_EQ(t, c->stopped_vector, -1);
    EXPECT_EQ(t, c->mode, MODE_LONG);
    EXPECT_EQ(t, c->cpl, 0);
    EXPECT_EQ(t, c->seg[S_SS].sel, 0);                          /* NULL, RPL 0 */
    EXPECT_EQ(t, c->r[R_SP], STK0 - 40);                        /* RSP0 aligned down */
    EXPECT_EQ(t, get64(STK0 - 8), U_DATA | 3);
    EXPECT_EQ(t, get64(STK0 - 16), STK3 + 8);
    EXPECT_EQ(t, get64(STK0 - 32), U_CODE | 3);
    EXPECT_EQ(t, get64(STK0 - 40), CODE + 2);
    run("", 0, 1);
    EXPECT_EQ(t, c->stopped_vector, -1);
    EXPECT_EQ(t, c->cpl, 3);
    EXPECT_EQ(t, c->rip, CODE + 2);
    EXPECT_EQ(t, c->r[R_SP], STK3 + 8);
    EXPECT_EQ(t, c->seg[S_SS].sel, U_DATA | 3);
}

static void long_mode_ist(struct tcase *t)
{
    setup_long();
    putb(HNDL, "\xf4", 1);
    EXPECT_EQ(t, run("\xcd\x31", 2, 10), STOP_HLT);
    EXPECT_EQ(t, c->r[R_SP], 0xa000 - 40);
    EXPECT_EQ(t, get64(0xa000 - 40), CODE + 2);
}

static void long_mode_far_return_to_compat(struct tcase *t)
{
    setup_long();
    setseg(S_CS, K_CODE);
    setseg(S_SS, K_DATA);
    c->r[R_SP] = STK0;
    cpu_update_mode(c);
    put64(GDT + 0x58, mkdesc(0, 0xffffffff, 0x9b | AR_G | AR_DB));   /* 32-bit code */
    put64(STK0 - 16, CODE + 0x100);
    put64(STK0 - 8, 0x58);
    c->r[R_SP] = STK0 - 16;
    putb(CODE + 0x100, "\xf4", 1);
    EXPECT_EQ(t, run("\x48\xcb", 2, 10), STOP_HLT);              /* lretq */
    EXPECT_EQ(t, c->mode, MODE_COMPAT);
    EXPECT_EQ(t, c->seg[S_CS].sel, 0x58);
    EXPECT_EQ(t, c->r[R_SP], STK0);
}

/* A fault delivered through a trap gate: error code and RF in the
 * pushed EFLAGS (SDM "Instruction-Breakpoint Exception Condition"). */
static void fault_frame_has_error_and_rf(struct tcase *t)
{
    setup_pm32();
    put64(IDT + EXC_NP * 8, mkgate(K_CODE, HNDL, SYS_TRAPGATE, 0, 0));
    putb(HNDL, "\xf4", 1);
    c->stop_on_exception = false;
    c->r[R_CX] = NP_DATA;
    EXPECT_EQ(t, run("\x8e\xd9", 2, 10), STOP_HLT);
    EXPECT_EQ(t, c->r[R_SP], STK0 - 16);
    EXPECT_EQ(t, get32(STK0 - 16), NP_DATA);                    /* error code */
    EXPECT_EQ(t, get32(STK0 - 12), CODE);                       /* faulting EIP */
    EXPECT(t, get32(STK0 - 4) & RFLAGS_RF);
    EXPECT(t, !(c->rflags & RFLAGS_RF));
}

static void task_gate_refused(struct tcase *t)
{
    setup_pm32();
    put64(IDT + 0x32 * 8, mkgate(TSS2, 0, SYS_TASKGATE, 3, 0));
    EXPECT_EQ(t, run("\xcd\x32", 2, 10), STOP_EXCEPTION);
    EXPECT_EQ(t, c->stopped_vector, EXC_GP);
    EXPECT_EQ(t, c->stopped_error, TSS2);
    EXPECT_EQ(t, c->rip, CODE);
}

/* A far CALL through a 64-bit call gate from CPL 3: RSP0 unaligned is used
 * as is, SS becomes NULL, four 8-byte items are pushed. */
static void long_mode_call_gate(struct tcase *t)
{
    setup_long();
    put64(GDT + 0x60, mkgate(K_CODE, GATEH, SYS_CALLGATE, 3, 0));
    put64(GDT + 0x68, 0);
    put32(0x7000, 0);
    put16(0x7004, 0x63);
    putb(GATEH, "\xf4", 1);
    EXPECT_EQ(t, run("\xff\x1c\x25\x00\x70\x00\x00", 7, 10), STOP_HLT);
    EXPECT_EQ(t, c->stopped_vector, -1);
    EXPECT_EQ(t, c->cpl, 0);
    EXPECT_EQ(t, c->seg[S_SS].sel, 0);
    EXPECT_EQ(t, c->r[R_SP], STK0 + 8 - 32);
    EXPECT_EQ(t, get64(STK0), U_DATA | 3);
    EXPECT_EQ(t, get64(STK0 - 8), STK3 + 8);
    EXPECT_EQ(t, get64(STK0 - 16), U_CODE | 3);
    EXPECT_EQ(t, get64(STK0 - 24), CODE + 7);
}

static void long_mode_null_ss(struct tcase *t)
{
    setup_long();
    c->r[R_CX] = 0;
    run("\x8e\xd1", 2, 1);                                     /* CPL 3: #GP(0) */
    EXPECT_EQ(t, c->stopped_vector, EXC_GP);
    EXPECT_EQ(t, c->stopped_error, 0);
    setseg(S_CS, K_CODE);
    setseg(S_SS, K_DATA);
    cpu_update_mode(c);
    run("\x8e\xd1", 2, 1);                                     /* CPL 0, RPL 0: fine */
    EXPECT_EQ(t, c->stopped_vector, -1);
    EXPECT(t, c->seg[S_SS].ar & AR_UNUSABLE);
}

int main(void)
{
    char err[200];
    m = machine_new(8u << 20, 1, false, err, sizeof err);
    if (!m) {
        printf("FAIL test_segment: machine_new: %s\n", err);
        return 1;
    }
    c = m->cpu[0];
    static const struct test tests[] = {
        TEST(int_from_cpl3_switches_stack),
        TEST(int_gate_dpl_checked),
        TEST(idt_limit_error_codes),
        TEST(mov_sreg_checks),
        TEST(call_gate_copies_parameters),
        TEST(lar_lsl_verr_verw),
        TEST(ltr_lldt),
        TEST(io_bitmap),
        TEST(real_mode_int_and_iret),
        TEST(vm86_round_trip),
        TEST(long_mode_int_and_iretq),
        TEST(long_mode_ist),
        TEST(long_mode_far_return_to_compat),
        TEST(fault_frame_has_error_and_rf),
        TEST(task_gate_refused),
        TEST(long_mode_call_gate),
        TEST(long_mode_null_ss),
    };
    int st = RUN_TESTS(tests);
    machine_free(m);
    return st;
}
