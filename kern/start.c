/* From boot.S's 64-bit entry to kmain(): GDT, TSS, IDT, serial, user pages. */
#include "kern.h"

extern uint32_t mb_info_phys;
bool on_qemu;
void gdt_init(void);
void idt_init(void);

bool cpu_has(uint32_t leaf, uint32_t sub, int reg, uint32_t mask)
{
    uint32_t max = cpuid(leaf & 0x80000000u, 0).a;
    if (leaf > max)
        return false;
    struct cpuid r = cpuid(leaf, sub);
    uint32_t v = reg == 0 ? r.a : reg == 1 ? r.b : reg == 2 ? r.c : r.d;
    return (v & mask) == mask;
}

bool cpu_is_intel(void)
{
    struct cpuid r = cpuid(0, 0);
    return r.b == 0x756e6547 && r.d == 0x49656e69 && r.c == 0x6c65746e;  /* GenuineIntel */
}

/* Firmware may leave the 8259 PICs unmasked with IRQ 0 at vector 8, so
 * a timer tick during a test's STI window would look like a #DF: mask
 * every line (OCW1) until a test sets up interrupts itself. */
static void pic_mask_all(void)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

void kern_start(uint32_t mbi)
{
    mb_info = (struct multiboot_info *)(uint64_t)mbi;
    pic_mask_all();
    serial_init();
    serial_putc('\n');               /* end the firmware's last line */
    gdt_init();
    idt_init();
    page_set_flags((uint64_t)__user_start, (uint64_t)(__user_end - __user_start), PTE_U, 0);
    on_qemu = mb_cmdline_has("qemu");
    kexit(kmain(mb_info));
}
