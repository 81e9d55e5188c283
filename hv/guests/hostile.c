/* Built-in guest "hostile": tries to get out of its VM. It runs VMX
 * instructions, writes the machine's reset and power-off ports and hv's
 * serial port, writes VMX and other MSRs, floods hv with hypercalls, looks
 * for hv's memory, and finally writes outside its RAM, where hv must stop
 * it (EPT violation). Each attempt prints what happened; every line must
 * say "contained". */
#include "glib.h"

static void vmx_insns(void)
{
    static uint64_t region;
    uint64_t v = 0;
    struct { const char *name; int vector; } r[6];
    asm volatile(TRY("vmxon %0") :: "m"(region) : "rax", "memory");
    r[0].name = "VMXON"; r[0].vector = try_vector;
    asm volatile(TRY("vmptrld %0") :: "m"(region) : "rax", "memory");
    r[1].name = "VMPTRLD"; r[1].vector = try_vector;
    asm volatile(TRY("vmread %1, %0") : "=r"(v) : "r"(0x681eull) : "rax", "memory");
    r[2].name = "VMREAD"; r[2].vector = try_vector;
    asm volatile(TRY("vmwrite %0, %1") :: "r"(0ull), "r"(0x681eull) : "rax", "memory");
    r[3].name = "VMWRITE"; r[3].vector = try_vector;
    asm volatile(TRY("vmlaunch") ::: "rax", "memory");
    r[4].name = "VMLAUNCH"; r[4].vector = try_vector;
    asm volatile(TRY("vmxoff") ::: "rax", "memory");
    r[5].name = "VMXOFF"; r[5].vector = try_vector;
    for (int i = 0; i < 6; i++)
        printf("hostile: %-8s -> %s\n", r[i].name, r[i].vector == EXC_UD ? "#UD: contained" : "NOT #UD: ESCAPED?");
}

static void msrs(void)
{
    static const struct { uint32_t msr; uint64_t v; const char *name; } w[] = {
        { MSR_IA32_FEATURE_CONTROL, 5, "IA32_FEATURE_CONTROL" },
        { 0x480, 0, "IA32_VMX_BASIC" },
        { MSR_IA32_EFER, EFER_LME | EFER_LMA | (1ull << 12), "IA32_EFER.SVME" },
        { MSR_IA32_APIC_BASE, 0xfee00900, "IA32_APIC_BASE" },
    };
    for (unsigned i = 0; i < sizeof w / sizeof w[0]; i++) {
        asm volatile(TRY("wrmsr") :: "c"(w[i].msr), "a"((uint32_t)w[i].v), "d"((uint32_t)(w[i].v >> 32)) : "memory");
        printf("hostile: WRMSR %-20s -> %s\n", w[i].name, try_vector == EXC_GP ? "#GP: contained" : "no #GP: ESCAPED?");
    }
    uint64_t cr4 = read_cr4();
    asm volatile(TRY("mov %0, %%cr4") :: "r"(cr4 | CR4_VMXE) : "rax", "memory");
    printf("hostile: MOV CR4.VMXE=1 -> %s\n", try_vector == EXC_GP ? "#GP: contained" : "no #GP: ESCAPED?");
}

static void ports(void)
{
    outb(0x64, 0xfe);                   /* keyboard-controller reset */
    outb(0xcf9, 0x06);                  /* PCI reset control: hard reset */
    outb(0x92, 0x01);                   /* fast reset */
    outw(0x604, 0x2000);                /* QEMU ACPI power off */
    outw(0xb004, 0x2000);               /* Bochs ACPI power off */
    for (const char *s = "Shutdown"; *s; s++)
        outb(0x8900, (uint8_t)*s);      /* Bochs shutdown port */
    outb(0x21, 0x00);                   /* unmask the PIC */
    outl(0xcf8, 0x80000000);            /* PCI configuration */
    bool ones = inl(0xcfc) == 0xffffffffu && inb(0x64) == 0xff;
    printf("hostile: wrote reset, power-off, PIC and PCI ports; still running, reads give %s -> contained\n",
           ones ? "all ones" : "SOMETHING");
}

static void flood(void)
{
    uint64_t ok = 0, efault = 0, einval = 0;
    for (int i = 0; i < 20000; i++)
        ok += hc_get_id(NULL) >= 0;
    for (int i = 0; i < 2000; i++)
        efault += hc_print((void *)(0x80000000ull + 4096ull * i), 64) == HC_EFAULT;
    for (int i = 0; i < 200; i++)
        einval += hc_print((void *)0x100000, ~0ull) == HC_EINVAL;
    printf("hostile: hypercall flood: %lu/20000 answered, %lu/2000 EFAULT, %lu/200 EINVAL -> contained\n",
           ok, efault, einval);
}

extern char _start[];

static void memory(uint64_t ram)
{
    /* Guest-physical 1 MiB is where hv itself lives in host-physical
     * memory; in this VM it is the VM's own RAM: its own code. */
    bool own = !memcmp((void *)0x100000, _start, 16);
    printf("hostile: guest-physical 0x100000 holds %s -> %s\n", own ? "its own code" : "SOMETHING ELSE",
           own ? "contained" : "ESCAPED?");
    printf("hostile: now writing guest-physical 0x%lx, just past its %lu MiB of RAM\n", ram, ram >> 20);
    serial_wait_idle();
    *(volatile uint64_t *)ram = 0x6863746f72636b21ull;
    printf("hostile: the write went through: ESCAPED\n");
}

int gmain(uint64_t arg)
{
    (void)arg;
    gidt_init();
    printf("hostile: trying to escape from hv\n");
    vmx_insns();
    msrs();
    ports();
    flood();
    memory(fwcfg_ram_size());
    return 1;
}
