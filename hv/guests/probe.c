/* Built-in guest "probe": looks at the machine hv gives it — CPUID
 * (filtered: no VMX, hv's leaf 40000000H), RDTSC (offset so it starts near
 * 0), MSRs (FEATURE_CONTROL locked with VMX off, no VMX capability MSRs,
 * LSTAR its own), CR4.VMXE hidden, fw_cfg, unknown ports, string I/O and
 * every hypercall. One PASS/FAIL line per check; exits with HC_EXIT. */
#include "glib.h"

static const char hello[] = "probe: hello through HC_PRINT\n";
static const char outs_msg[] = "probe: hello through REP OUTSB\n";

static void cpuid_checks(void)
{
    struct cpuid r1 = cpuid(1, 0);
    check("cpuid-vmx-hidden", !(r1.c & CPUID_1_ECX_VMX), "CPUID.1:ECX = %x", r1.c);
    check("cpuid-hypervisor-bit", r1.c & (1u << 31), "CPUID.1:ECX = %x", r1.c);
    struct cpuid h = cpuid(HV_CPUID_BASE, 0);
    char sig[13];
    memcpy(sig, &h.b, 4);
    memcpy(sig + 4, &h.c, 4);
    memcpy(sig + 8, &h.d, 4);
    sig[12] = 0;
    printf("probe: CPUID 0x40000000: max leaf 0x%x, signature \"%s\"\n", h.a, sig);
    check("cpuid-hv-signature", !memcmp(sig, HV_SIGNATURE, 12) && h.a >= HV_CPUID_VERSION, "\"%s\"", sig);
    check("cpuid-hv-version", cpuid(HV_CPUID_VERSION, 0).a == HV_ABI_VERSION, "wrong version");
}

static void tsc_checks(void)
{
    uint64_t t0 = rdtsc(), prev = t0;
    bool mono = true;
    for (int i = 0; i < 1000; i++) {
        uint64_t t = rdtsc();
        if (t <= prev) mono = false;
        prev = t;
    }
    check("rdtsc-monotonic", mono, "TSC went backwards");
    check("rdtsc-offset-near-zero", t0 < (1ull << 40), "TSC %lx", t0);
}

static void hypercall_checks(void)
{
    uint64_t n = 0;
    int64_t id = hc_get_id(&n);
    printf("probe: HC_GET_ID says VM %ld\n", id);
    check("hc-get-id", id >= 0 && (uint64_t)id < n, "id %ld of %lu", id, n);
    check("hc-version", hypercall(HC_VERSION, 0, 0, NULL) == HV_ABI_VERSION, "wrong version");
    int64_t r = hc_print(hello, sizeof hello - 1);
    check("hc-print", r == (int64_t)sizeof hello - 1, "returned %ld", r);
    r = hc_print((void *)0x40000000, 16);                      /* 1 GiB: not its RAM */
    check("hc-print-outside-ram-efault", r == HC_EFAULT, "returned %ld", r);
    r = hc_print(hello, HC_PRINT_MAX + 1);
    check("hc-print-too-long-einval", r == HC_EINVAL, "returned %ld", r);
    check("hc-unknown-enosys", hypercall(99, 0, 0, NULL) == HC_ENOSYS, "wrong error");
    check("hc-yield", hc_yield() == 0, "nonzero");
}

static void msr_checks(void)
{
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    check("msr-feature-control-vmx-off", fc == 1, "IA32_FEATURE_CONTROL = %lx", fc);
    asm volatile(TRY("rdmsr") :: "c"(0x480) : "rax", "rdx", "memory");
    check("msr-vmx-basic-gp", try_vector == EXC_GP, "vector %d", try_vector);
    uint64_t efer = rdmsr(MSR_IA32_EFER);
    check("msr-efer-long-mode", (efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA), "EFER %lx", efer);
    wrmsr(MSR_IA32_LSTAR, 0xffffffff81234560ull);
    hc_yield();                                    /* another VM runs in between */
    check("msr-lstar-own", rdmsr(MSR_IA32_LSTAR) == 0xffffffff81234560ull, "LSTAR %lx", rdmsr(MSR_IA32_LSTAR));
}

static void cr_checks(void)
{
    uint64_t cr4 = read_cr4();
    check("cr4-vmxe-hidden", !(cr4 & CR4_VMXE), "CR4 %lx", cr4);
    asm volatile(TRY("mov %0, %%cr4") :: "r"(cr4 | CR4_VMXE) : "rax", "memory");
    check("cr4-vmxe-set-gp", try_vector == EXC_GP, "vector %d", try_vector);
    check("cr0-ne-pe-pg", (read_cr0() & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG), "CR0 %lx", read_cr0());
}

static void device_checks(void)
{
    char sig[5] = { 0 };
    fwcfg_read(0x0000, sig, 4);
    uint16_t cpus = 0;
    fwcfg_read(0x0005, &cpus, 2);
    uint64_t ram = fwcfg_ram_size();
    printf("probe: fw_cfg \"%s\": %u CPU, %lu MiB of RAM\n", sig, cpus, ram >> 20);
    check("fwcfg", !strcmp(sig, "QEMU") && cpus == 1 && ram == 4u << 20, "%s %u %lx", sig, cpus, ram);
    check("port-unknown-all-ones", inb(0x1234) == 0xff && inl(0x80) == 0xffffffffu, "not all ones");
    check("uart-lsr-ready", (inb(0x3fd) & 0x60) == 0x60, "LSR %x", inb(0x3fd));
    const char *p = outs_msg;
    uint64_t n = sizeof outs_msg - 1;
    asm volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(0x3f8) : "memory");
    check("rep-outsb", n == 0 && p == outs_msg + sizeof outs_msg - 1, "RCX %lu", n);
}

int gmain(uint64_t arg)
{
    (void)arg;
    gidt_init();
    printf("probe: what does the machine look like from inside a VM?\n");
    cpuid_checks();
    tsc_checks();
    hypercall_checks();
    msr_checks();
    cr_checks();
    device_checks();
    return check_summary("probe");
}
