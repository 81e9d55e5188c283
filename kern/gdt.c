/* GDT and 64-bit TSS. SDM Vol. 3A, "Segment Descriptors" and
 * "Task Management in 64-bit Mode". Layout: see kern.h. */
#include "kern.h"

#define AR_CODE64_K (AR_P | AR_S | SEGT_CODE | SEGT_READABLE | SEGT_ACCESSED | AR_L | AR_G)
#define AR_DATA_K   (AR_P | AR_S | SEGT_WRITABLE | SEGT_ACCESSED | AR_DB | AR_G)
#define AR_CODE32_K (AR_P | AR_S | SEGT_CODE | SEGT_READABLE | SEGT_ACCESSED | AR_DB | AR_G)
#define AR_DPL3     (3u << AR_DPL_SHIFT)

uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
/* SDM Vol. 1, "I/O Permission Bit Map". */
struct tss_block tss_block __attribute__((aligned(16)));

/* Stacks for interrupts from CPL 3 (TSS.RSP0) and for #DF (IST1). */
asm(".bss\n\t.align 16\n\t.space 16384\n\t.globl intr_stack_top\nintr_stack_top:\n\t"
    ".space 8192\n\t.globl df_stack_top\ndf_stack_top:\n\t.text");
#define intr_stack_top_addr ((uint64_t)intr_stack_top)

uint64_t seg_desc(uint32_t base, uint32_t limit, uint32_t ar)
{
    uint64_t d = (limit & 0xffffu) | ((uint64_t)(base & 0xffffffu) << 16);
    d |= (uint64_t)(ar & 0xffu) << 40;
    d |= (uint64_t)((limit >> 16) & 0xfu) << 48;
    d |= (uint64_t)((ar >> 12) & 0xfu) << 52;
    d |= (uint64_t)(base >> 24) << 56;
    return d;
}

void gdt_set(int index, uint64_t desc)
{
    gdt[index] = desc;
}

void gdt_set_tss(int index, uint64_t base, uint32_t limit)
{
    gdt[index] = seg_desc((uint32_t)base, limit, AR_P | SYS_TSS_AVL);
    gdt[index + 1] = base >> 32;
}

void gdt_reload(void)
{
    struct desc_ptr p = { sizeof gdt - 1, (uint64_t)gdt };
    lgdt(&p);
}

void iopb_allow(uint16_t port, bool allow)
{
    if (allow) tss_iopb[port / 8] &= (uint8_t)~(1u << (port % 8));
    else tss_iopb[port / 8] |= (uint8_t)(1u << (port % 8));
}

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[SEL_KCODE / 8] = seg_desc(0, 0xfffff, AR_CODE64_K);
    gdt[SEL_KDATA / 8] = seg_desc(0, 0xfffff, AR_DATA_K);
    gdt[SEL_UCODE32 / 8] = seg_desc(0, 0xfffff, AR_CODE32_K | AR_DPL3);
    gdt[SEL_UDATA / 8] = seg_desc(0, 0xfffff, AR_DATA_K | AR_DPL3);
    gdt[SEL_UCODE64 / 8] = seg_desc(0, 0xfffff, AR_CODE64_K | AR_DPL3);
    gdt[SEL_UDATA2 / 8] = seg_desc(0, 0xfffff, AR_DATA_K | AR_DPL3);
    gdt[SEL_KCODE32 / 8] = seg_desc(0, 0xfffff, AR_CODE32_K);

    memset(&tss, 0, sizeof tss);
    tss.rsp[0] = intr_stack_top_addr;
    tss.ist[0] = (uint64_t)df_stack_top;   /* IST1: #DF */
    tss.iomap_base = sizeof tss;
    memset(tss_iopb, 0xff, sizeof tss_iopb);
    gdt_set_tss(SEL_TSS / 8, (uint64_t)&tss, sizeof tss + sizeof tss_iopb - 1);

    gdt_reload();
    asm volatile("pushq %0\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "movw %w1, %%ax\n\t"
                 "movw %%ax, %%ds\n\tmovw %%ax, %%es\n\tmovw %%ax, %%ss\n\t"
                 "xorl %%eax, %%eax\n\tmovw %%ax, %%fs\n\tmovw %%ax, %%gs"
                 :: "i"(SEL_KCODE), "i"(SEL_KDATA) : "rax", "memory");
    ltr(SEL_TSS);
}
