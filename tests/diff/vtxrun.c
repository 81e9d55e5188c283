/* vtx runner: the same case on vtx's CPU, in 64-bit mode at CPL 3, with
 * the same linear addresses identity-mapped by 4-level page tables built in
 * guest RAM (code page: present, user, read-only, executable; data pages:
 * present, user, writable, NX; nothing else). The CPU stops on the first
 * exception (test mode), like the native side's signal. */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "machine/machine.h"
#include "runner.h"
#include "x86/paging.h"

#define VTX_RAM     (32ull << 20)
#define PT_BASE     0x00100000ull          /* PML4, PDPT, PD, PT: 4 pages */
/* A 64-bit TSS like Linux's for a task without ioperm(): the I/O bitmap
 * offset lies beyond the limit, so IN/OUT at CPL 3 raise #GP(0). It sits on
 * a supervisor-only page between the code and the data pages (unmapped
 * natively; the generators never address it). */
#define TSS_BASE    (DIFF_CODE + 0x8000)
#define TSS_LIMIT   0x67
#define USER_TR     0x40
/* An IDT like Linux's on x86-64: 256 present 64-bit interrupt gates to the
 * kernel code selector, DPL 0 except #BP (3) and #OF (4), which user code
 * may raise with INT3/INT 3/INTO/INT 4. Delivery never happens (the CPU
 * stops on the exception); the gates decide INT n's DPL check. On the
 * next supervisor-only page. */
#define IDT_BASE    (DIFF_CODE + 0x9000)
#define KERNEL_CS   0x10
#define KERNEL_DS   0x18
/* Linux's GDT layout (selectors 0x10, 0x18, 0x23, 0x2b, 0x33, TSS 0x40),
 * one stub per vector ("hlt" at HANDLERS + 16 * vector) and a kernel stack
 * (TSS.RSP0): an interrupt vtx delivers instead of stopping on (test mode
 * stops on exceptions, INT3 and INTO, not on INT n or INT1) lands in its
 * stub, halts, and the runner reports it from the interrupt frame, as
 * Linux would report it. All on supervisor-only pages. */
#define GDT_BASE    (DIFF_CODE + 0xa000)
#define HANDLERS    (DIFF_CODE + 0xb000)
#define KSTACK_TOP  (DIFF_CODE + 0xd000)
#define VTX_BUDGET  2000000ull             /* instructions before "timeout" */

/* Ring-3 selectors as Linux uses them (__USER_CS, __USER_DS). */
#define USER_CS 0x33
#define USER_DS 0x2b

static struct machine *vm;

static int vtx_init(char *err, size_t errlen)
{
    char why[128] = "";
    vm = machine_new(VTX_RAM, 1, false, why, sizeof why);
    if (!vm) {
        snprintf(err, errlen, "vtx: machine_new: %s", why);
        return -1;
    }
    return 0;
}

static uint64_t *table(uint64_t pa)
{
    return (uint64_t *)phys_ptr(vm, pa, DIFF_PAGE);
}

static void map_pages(void)
{
    uint64_t *pml4 = table(PT_BASE), *pdpt = table(PT_BASE + 0x1000);
    uint64_t *pd = table(PT_BASE + 0x2000), *pt = table(PT_BASE + 0x3000);
    memset(pml4, 0, 4 * DIFF_PAGE);
    uint64_t up = PTE_P | PTE_W | PTE_U;
    pml4[(DIFF_CODE >> 39) & 511] = (PT_BASE + 0x1000) | up;
    pdpt[(DIFF_CODE >> 30) & 511] = (PT_BASE + 0x2000) | up;
    pd[(DIFF_CODE >> 21) & 511] = (PT_BASE + 0x3000) | up;
    /* User: code (read/execute), data (read/write/NX). */
    pt[(DIFF_CODE >> 12) & 511] = DIFF_CODE | PTE_P | PTE_U;
    for (uint64_t a = DIFF_DATA; a < DIFF_DATA_END; a += DIFF_PAGE)
        pt[(a >> 12) & 511] = a | PTE_P | PTE_W | PTE_U | PTE_NX;
    /* Supervisor: TSS, IDT, GDT, kernel stack (read/write/NX), stubs. */
    static const uint64_t sys[4] = { TSS_BASE, IDT_BASE, GDT_BASE, KSTACK_TOP - DIFF_PAGE };
    for (int i = 0; i < 4; i++)
        pt[(sys[i] >> 12) & 511] = sys[i] | PTE_P | PTE_W | PTE_NX;
    pt[(HANDLERS >> 12) & 511] = HANDLERS | PTE_P;
}

static void build_tss(void)
{
    uint8_t *tss = phys_ptr(vm, TSS_BASE, DIFF_PAGE);
    memset(tss, 0, DIFF_PAGE);
    uint64_t rsp0 = KSTACK_TOP;
    memcpy(tss + 4, &rsp0, 8);     /* RSP0 */
    tss[0x66] = TSS_LIMIT + 1;     /* I/O map base address: past the limit */
    memset(phys_ptr(vm, KSTACK_TOP - DIFF_PAGE, DIFF_PAGE), 0, DIFF_PAGE);
}

/* 64-bit interrupt gates to the stubs: hlt ; jmp back to the hlt. */
static void build_idt(void)
{
    uint8_t *idt = phys_ptr(vm, IDT_BASE, DIFF_PAGE), *h = phys_ptr(vm, HANDLERS, DIFF_PAGE);
    memset(h, 0xcc, DIFF_PAGE);
    for (int v = 0; v < 256; v++) {
        uint8_t *g = idt + 16 * v;
        uint64_t target = HANDLERS + 16u * (unsigned)v;
        int dpl = v == 3 || v == 4 ? 3 : 0;
        memset(g, 0, 16);
        g[0] = (uint8_t)target;
        g[1] = (uint8_t)(target >> 8);
        g[2] = KERNEL_CS;
        g[5] = (uint8_t)(0x80 | dpl << 5 | SYS_INTGATE);
        g[6] = (uint8_t)(target >> 16);
        g[7] = (uint8_t)(target >> 24);
        memcpy(g + 8, (const uint8_t *)&target + 4, 4);
        h[16 * v] = 0xf4;
        h[16 * v + 1] = 0xeb;
        h[16 * v + 2] = 0xfd;
    }
}

/* Linux's GDT: null, kernel32 CS, kernel CS, kernel DS, user32 CS, user DS,
 * user CS, -, TSS (2 entries), LDT (none), TLS (3, empty), CPUNODE. */
static void build_gdt(void)
{
    uint64_t *gdt = table(GDT_BASE);
    memset(gdt, 0, DIFF_PAGE);
    gdt[0x08 >> 3] = 0x00cf9b000000ffffull;
    gdt[KERNEL_CS >> 3] = 0x00af9b000000ffffull;
    gdt[KERNEL_DS >> 3] = 0x00cf93000000ffffull;
    gdt[0x23 >> 3] = 0x00cffb000000ffffull;
    gdt[USER_DS >> 3] = 0x00cff3000000ffffull;
    gdt[USER_CS >> 3] = 0x00affb000000ffffull;
    uint64_t tb = TSS_BASE;
    gdt[USER_TR >> 3] = TSS_LIMIT | (tb & 0xffffff) << 16 | (uint64_t)(0x80 | SYS_TSS_BUSY) << 40 |
                        ((tb >> 24) & 0xff) << 56;
    gdt[(USER_TR >> 3) + 1] = tb >> 32;
}

static void build_page_tables(void)
{
    map_pages();
    build_tss();
    build_idt();
    build_gdt();
}

static void load_memory(const struct dcase *c)
{
    uint8_t page[DIFF_PAGE];
    memset(page, 0xcc, sizeof page);
    int off = c->code_off < 0 ? 0 : c->code_off >= (int)DIFF_PAGE ? (int)DIFF_PAGE - 1 : c->code_off;
    int len = c->code_len;
    if (off + len > (int)DIFF_PAGE)
        len = (int)DIFF_PAGE - off;
    memcpy(page + off, c->code, (size_t)len);
    /* phys_copy_in invalidates decoded code of the pages it writes. */
    phys_copy_in(vm, DIFF_CODE, page, DIFF_PAGE);
    phys_copy_in(vm, DIFF_DATA, c->data, DIFF_DATA_SIZE);
    build_page_tables();
}

static void set_user_seg(struct seg *s, uint16_t sel, uint32_t type, uint32_t extra)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->ar = type | AR_S | (3u << AR_DPL_SHIFT) | AR_P | AR_G | extra;
}

static void load_cpu(struct cpu *c, const struct dcase *k)
{
    cpu_reset(c);
    cpu_set_long64(c, PT_BASE);
    /* As Linux runs user code here: CR0 = PG AM WP NE ET MP PE (so SMSW
     * reads 0x33 as natively), NX and SYSCALL enabled, SSE enabled,
     * CR4.FSGSBASE set (RDFSBASE works at CPL 3 on this host). */
    c->efer |= EFER_NXE | EFER_SCE;
    c->cr0 = CR0_PG | CR0_AM | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE;
    c->cr4 |= CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_FSGSBASE;
    set_user_seg(&c->seg[S_CS], USER_CS, SEGT_CODE | SEGT_READABLE | SEGT_ACCESSED, AR_L);
    set_user_seg(&c->seg[S_SS], USER_DS, SEGT_WRITABLE | SEGT_ACCESSED, AR_DB);
    /* Linux runs 64-bit user code with null selectors in DS, ES, FS and GS
     * (unusable; 64-bit mode does not check them). FS/GS bases stay 0: the
     * generators never use FS/GS overrides (natively FS is the TLS). */
    static const int nulls[4] = { S_DS, S_ES, S_FS, S_GS };
    for (int k = 0; k < 4; k++) {
        struct seg *sg = &c->seg[nulls[k]];
        sg->sel = 0;
        sg->base = 0;
        sg->limit = 0;
        sg->ar = AR_UNUSABLE;
    }
    c->tr.sel = USER_TR;
    c->tr.base = TSS_BASE;
    c->tr.limit = TSS_LIMIT;
    c->tr.ar = SYS_TSS_BUSY | AR_P;
    c->ldtr.sel = 0;           /* no LDT, as under Linux */
    c->ldtr.base = 0;
    c->ldtr.limit = 0;
    c->ldtr.ar = AR_UNUSABLE;
    c->idtr.base = IDT_BASE;
    c->idtr.limit = 256 * 16 - 1;
    c->gdtr.base = GDT_BASE;
    c->gdtr.limit = 0x7f;      /* Linux: 16 entries */
    cpu_update_mode(c);
    memcpy(c->r, k->init.r, sizeof c->r);
    int off = k->code_off < 0 ? 0 : k->code_off >= (int)DIFF_PAGE ? (int)DIFF_PAGE - 1 : k->code_off;
    c->rip = DIFF_CODE + (uint64_t)off;
    cpu_set_rflags(c, k->init.rflags | DIFF_RFLAGS_FIXED);
    for (int i = 0; i < 16; i++)
        memcpy(c->xmm[i].q, k->init.xmm[i], 16);
    c->mxcsr = k->init.mxcsr;
    /* x87 as FNINIT leaves it (the native side runs FNINIT first). */
    c->fpu.fcw = 0x037f;
    c->fpu.fsw = 0;
    c->fpu.ftw = 0;
    c->fpu.fop = 0;
    c->fpu.fip = c->fpu.fdp = 0;
    c->fpu.fcs = c->fpu.fds = 0;
    c->stop_on_exception = true;
    c->stopped_vector = -1;
    c->stopped_error = 0;
    c->halted = false;
    tlb_flush_all(c);
}

static void capture(struct cpu *c, struct doutcome *o)
{
    memcpy(o->st.r, c->r, sizeof o->st.r);
    o->st.rip = c->rip;
    o->st.rflags = cpu_get_rflags(c);
    for (int i = 0; i < 16; i++)
        memcpy(o->st.xmm[i], c->xmm[i].q, 16);
    o->st.mxcsr = c->mxcsr;
    o->st.fcw = c->fpu.fcw;
    o->st.fsw = c->fpu.fsw;
    o->st.ftw = (uint8_t)c->fpu.ftw;
    int top = (c->fpu.fsw >> 11) & 7;
    for (int i = 0; i < 8; i++)
        memcpy(o->st.st[i], c->fpu.st[(top + i) & 7], 10);   /* physical -> ST(i) */
    const uint8_t *d = phys_ptr(vm, DIFF_DATA, DIFF_DATA_SIZE);
    if (d)
        memcpy(o->data, d, DIFF_DATA_SIZE);
}

/* The 64-bit interrupt frame below TSS.RSP0: SS, RSP, RFLAGS, CS, RIP and,
 * for some exceptions, an error code. */
static void delivered(struct cpu *c, struct doutcome *o)
{
    capture(c, o);
    const uint64_t *f = (const uint64_t *)phys_ptr(vm, KSTACK_TOP - 48, 48);
    o->kind = OUT_EXC;
    o->vector = (int)((c->rip - 1 - HANDLERS) / 16);
    o->error = c->r[R_SP] == KSTACK_TOP - 48 ? (uint32_t)f[0] : 0;
    if (o->vector == 14)
        o->addr = c->cr2;
    o->st.rip = f[1];
    o->st.rflags = f[3];
    o->st.r[R_SP] = f[4];
    snprintf(o->msg, sizeof o->msg, "vtx: delivered through the IDT");
}

static void vtx_run(const struct dcase *k, struct doutcome *o)
{
    memset(o, 0, offsetof(struct doutcome, data));
    struct cpu *c = vm->cpu[0];
    load_memory(k);
    load_cpu(c, k);
    enum cpu_stop s = cpu_run(c, c->icount + VTX_BUDGET);
    switch (s) {
    case STOP_EXCEPTION:
        o->kind = OUT_EXC;
        o->vector = c->stopped_vector;
        o->error = c->stopped_error;
        if (o->vector == 14)
            o->addr = c->cr2;
        break;
    case STOP_HLT:
        if (c->cpl == 0 && c->rip > HANDLERS && c->rip <= HANDLERS + 16 * 255 + 1) {
            /* Delivered to a stub: report the vector from the frame. */
            delivered(c, o);
            return;
        }
        o->kind = OUT_HLT;
        snprintf(o->msg, sizeof o->msg, "vtx: halted");
        break;
    case STOP_BUDGET:
        o->kind = OUT_TIMEOUT;
        snprintf(o->msg, sizeof o->msg, "vtx: no stop after %llu instructions",
                 (unsigned long long)VTX_BUDGET);
        break;
    default:
        o->kind = OUT_OTHER;
        snprintf(o->msg, sizeof o->msg, "vtx: cpu_run returned %s",
                 s == STOP_TRIPLE ? "STOP_TRIPLE" : s == STOP_MACHINE ? "STOP_MACHINE" : "?");
        break;
    }
    capture(c, o);
}

/* CPUID run on vtx itself at CPL 3: what its CPU advertises. */
static uint32_t vtx_features(void)
{
    static struct dcase k;
    static struct doutcome o;
    static const uint32_t leaves[3] = { 1, 7, 0x80000001u };
    uint32_t regs[3][4] = { { 0 } };
    for (int i = 0; i < 3; i++) {
        case_init(&k, "cpuid");
        k.code[0] = 0x0f;
        k.code[1] = 0xa2;
        k.code[2] = 0xcc;
        k.code_len = 3;
        k.init.r[0] = leaves[i];
        k.init.r[4] = DIFF_STACK;
        vtx_run(&k, &o);
        if (o.kind != OUT_EXC || o.vector != 3)
            return 0;
        regs[i][0] = (uint32_t)o.st.r[0];
        regs[i][1] = (uint32_t)o.st.r[3];
        regs[i][2] = (uint32_t)o.st.r[1];
        regs[i][3] = (uint32_t)o.st.r[2];
    }
    return feat_from_cpuid(regs[0][2], regs[0][3], regs[1][1], regs[2][2]);
}

static const struct runner_ops vtx_ops = {
    .name = "vtx",
    .init = vtx_init,
    .run = vtx_run,
    .features = vtx_features,
    .timeout_ms = 10000,
};

struct runner *vtx_runner_new(void)
{
    return runner_new(&vtx_ops);
}
