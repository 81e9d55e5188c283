/* Not a test: prints what the CPU reports (CPUID) and the modes the boot
 * went through. `make run` shows this. */
#include "kern.h"

static const char *const leaf1_edx[32] = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", 0, "sep",
    "mtrr", "pge", "mca", "cmov", "pat", "pse36", "psn", "clfsh", 0, "ds", "acpi",
    "mmx", "fxsr", "sse", "sse2", "ss", "htt", "tm", "ia64", "pbe" };
static const char *const leaf1_ecx[32] = {
    "sse3", "pclmulqdq", "dtes64", "monitor", "ds-cpl", "vmx", "smx", "est", "tm2",
    "ssse3", "cnxt-id", "sdbg", "fma", "cx16", "xtpr", "pdcm", 0, "pcid", "dca",
    "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave",
    "osxsave", "avx", "f16c", "rdrand", "hypervisor" };
static const char *const leaf7_ebx[32] = {
    "fsgsbase", "tsc-adjust", "sgx", "bmi1", "hle", "avx2", "fdp-excptn-only", "smep",
    "bmi2", "erms", "invpcid", "rtm", "pqm", "fpu-csds", "mpx", "pqe", "avx512f",
    "avx512dq", "rdseed", "adx", "smap", "avx512ifma", "pcommit", "clflushopt", "clwb",
    "intel-pt", "avx512pf", "avx512er", "avx512cd", "sha", "avx512bw", "avx512vl" };
static const char *const leaf7_ecx[32] = {
    "prefetchwt1", "avx512vbmi", "umip", "pku", "ospke", "waitpkg", "avx512vbmi2",
    "cet-ss", "gfni", "vaes", "vpclmulqdq", "avx512vnni", "avx512bitalg", "tme",
    "avx512-vpopcntdq", 0, "la57", 0, 0, 0, 0, 0, "rdpid", "kl", "bus-lock-detect",
    "cldemote", 0, "movdiri", "movdir64b", "enqcmd", "sgx-lc", "pks" };
static const char *const leaf7_edx[32] = {
    0, 0, "avx512-4vnniw", "avx512-4fmaps", "fsrm", "uintr", 0, 0, "avx512-vp2intersect",
    "srbds-ctrl", "md-clear", "rtm-always-abort", 0, "tsx-force-abort", "serialize",
    "hybrid", "tsxldtrk", 0, "pconfig", "arch-lbr", "cet-ibt", 0, "amx-bf16",
    "avx512-fp16", "amx-tile", "amx-int8", "spec-ctrl", "stibp", "l1d-flush",
    "arch-capabilities", "core-capabilities", "ssbd" };
static const char *const ext1_edx[32] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "syscall", 0, 0, 0, 0, 0, 0, 0, 0, "nx", 0,
    "mmxext", 0, 0, "fxsr-opt", "pdpe1gb", "rdtscp", 0, "lm", "3dnowext", "3dnow" };
static const char *const ext1_ecx[32] = {
    "lahf-lm", "cmp-legacy", "svm", "extapic", "cr8-legacy", "abm", "sse4a",
    "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", 0, "lwp",
    "fma4", "tce", 0, "nodeid-msr", 0, "tbm", "topoext", "perfctr-core",
    "perfctr-nb", 0, 0, 0, 0, 0, 0, 0 };

static void print_bits(const char *what, uint32_t v, const char *const names[32])
{
    printf("  %-22s %08x:", what, v);
    for (int i = 0; i < 32; i++) {
        if (!(v & (1u << i)))
            continue;
        if (names[i]) printf(" %s", names[i]);
        else printf(" bit%d", i);
    }
    printf("\n");
}

static void print_regs_str(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    uint32_t r[4] = { a, b, c, d };
    const char *s = (const char *)r;
    for (int i = 0; i < 16 && s[i]; i++)
        printf("%c", s[i]);
}

int kmain(struct multiboot_info *mb)
{
    struct cpuid r0 = cpuid(0, 0), x0 = cpuid(0x80000000, 0);
    struct cpuid r1 = cpuid(1, 0);
    printf("vtx demo kernel\n");
    printf("boot: multiboot (EAX=0x2BADB002, info at %p) -> 32-bit protected mode"
           " -> PAE paging (identity, 2-MiB pages) -> long mode 64-bit\n", (void *)mb);
    printf("cmdline: \"%s\"\n", mb_cmdline());
    if (mb->flags & MBI_FLAG_MEM)
        printf("memory: %u KiB low, %u KiB above 1 MiB\n", mb->mem_lower, mb->mem_upper);
    printf("CPU vendor: ");
    print_regs_str(r0.b, r0.d, r0.c, 0);
    uint32_t fam = (r1.a >> 8) & 0xf, model = (r1.a >> 4) & 0xf;
    if (fam == 0xf) fam += (r1.a >> 20) & 0xff;
    if (fam == 0x6 || fam >= 0xf) model |= ((r1.a >> 16) & 0xf) << 4;
    printf("\nfamily 0x%x model 0x%x stepping %u\n", fam, model, r1.a & 0xf);
    printf("max basic leaf 0x%x, max extended leaf 0x%x\n", r0.a, x0.a);
    if (x0.a >= 0x80000004) {
        printf("brand: ");
        for (uint32_t l = 0x80000002; l <= 0x80000004; l++) {
            struct cpuid b = cpuid(l, 0);
            print_regs_str(b.a, b.b, b.c, b.d);
        }
        printf("\n");
    }
    printf("features:\n");
    print_bits("leaf 1 EDX", r1.d, leaf1_edx);
    print_bits("leaf 1 ECX", r1.c, leaf1_ecx);
    if (r0.a >= 7) {
        struct cpuid r7 = cpuid(7, 0);
        print_bits("leaf 7 EBX", r7.b, leaf7_ebx);
        print_bits("leaf 7 ECX", r7.c, leaf7_ecx);
        print_bits("leaf 7 EDX", r7.d, leaf7_edx);
    }
    if (x0.a >= 0x80000001) {
        struct cpuid x1 = cpuid(0x80000001, 0);
        print_bits("leaf 80000001h EDX", x1.d, ext1_edx);
        print_bits("leaf 80000001h ECX", x1.c, ext1_ecx);
    }
    if (x0.a >= 0x80000008) {
        struct cpuid x8 = cpuid(0x80000008, 0);
        printf("address sizes: %u-bit physical, %u-bit linear\n", x8.a & 0xff, (x8.a >> 8) & 0xff);
    }
    printf("CR0=%lx CR4=%lx EFER=%lx CS=%x\n", read_cr0(), read_cr4(),
           rdmsr(MSR_IA32_EFER), read_cs());
    printf("demo done\n");
    return 0;
}
