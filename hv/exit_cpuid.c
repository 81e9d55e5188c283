/* CPUID (exit reason 10, unconditional): the host's answer, filtered to
 * the machine hv gives a guest: one CPU, no VMX/SMX, no LAPIC, no XSAVE/
 * AVX state, no MONITOR/MWAIT, no MTRR/MCA/perf monitoring; plus the
 * hypervisor-present bit and hv's leaves at 40000000H. SDM Vol. 2, "CPUID—
 * CPU Identification" (leaf tables); Vol. 3C, "Instructions That Cause VM
 * Exits Unconditionally". */
#include "hv.h"

/* Leaf 1 */
#define L1_ECX_HIDE ((1u << 3) /* MONITOR */ | (1u << 4) /* DS-CPL */ | (1u << 5) /* VMX */ | \
                     (1u << 6) /* SMX */ | (1u << 7) /* EST */ | (1u << 8) /* TM2 */ | \
                     (1u << 2) /* DTES64 */ | (1u << 12) /* FMA */ | (1u << 15) /* PDCM */ | \
                     (1u << 17) /* PCID */ | (1u << 18) /* DCA */ | (1u << 21) /* x2APIC */ | \
                     (1u << 24) /* TSC-deadline */ | (1u << 26) /* XSAVE */ | (1u << 27) /* OSXSAVE */ | \
                     (1u << 28) /* AVX */ | (1u << 29) /* F16C */)
#define L1_ECX_HYPERVISOR (1u << 31)
#define L1_EDX_HIDE ((1u << 7) /* MCE */ | (1u << 9) /* APIC */ | (1u << 12) /* MTRR */ | \
                     (1u << 14) /* MCA */ | (1u << 18) /* PSN */ | (1u << 21) /* DS */ | \
                     (1u << 22) /* ACPI */ | (1u << 28) /* HTT */ | (1u << 29) /* TM */ | \
                     (1u << 31) /* PBE */)
/* Leaf 7 subleaf 0: only features that need nothing from hv. */
#define L7_EBX_KEEP ((1u << 0) /* FSGSBASE */ | (1u << 3) /* BMI1 */ | (1u << 7) /* SMEP */ | \
                     (1u << 8) /* BMI2 */ | (1u << 9) /* ERMS */ | (1u << 18) /* RDSEED */ | \
                     (1u << 19) /* ADX */ | (1u << 20) /* SMAP */ | (1u << 23) /* CLFLUSHOPT */ | \
                     (1u << 29) /* SHA */)
#define L7_EBX_INVPCID (1u << 10)
#define L7_ECX_KEEP ((1u << 2) /* UMIP */)
/* Leaf 80000001H */
#define X1_ECX_HIDE ((1u << 2) /* SVM */ | (1u << 3) /* ExtApicSpace */ | (1u << 13) /* WDT */ | \
                     (1u << 16) /* FMA4 */ | (1u << 11) /* XOP */)
#define X1_EDX_RDTSCP (1u << 27)

static void hv_leaves(uint32_t leaf, struct cpuid *r)
{
    *r = (struct cpuid){ 0, 0, 0, 0 };
    if (leaf == HV_CPUID_BASE) {
        r->a = HV_CPUID_VERSION;
        memcpy(&r->b, HV_SIGNATURE, 4);
        memcpy(&r->c, HV_SIGNATURE + 4, 4);
        memcpy(&r->d, HV_SIGNATURE + 8, 4);
    } else if (leaf == HV_CPUID_VERSION) {
        r->a = HV_ABI_VERSION;
    }
}

static void filter(struct vm *vm, uint32_t leaf, uint32_t sub, struct cpuid *r)
{
    switch (leaf) {
    case 0:
        if (vm->misc_enable & MISC_ENABLE_LIMIT_CPUID)
            r->a = 2;                           /* IA32_MISC_ENABLE[22] */
        break;
    case 1:
        r->b &= 0x0000ffffu;                    /* APIC ID 0, one logical CPU */
        r->b |= 1u << 16;
        r->c = (r->c & ~L1_ECX_HIDE) | L1_ECX_HYPERVISOR;
        r->d &= ~L1_EDX_HIDE;
        break;
    case 4:
        r->a &= 0x00003fffu;                    /* one core, one thread per cache */
        break;
    case 7:
        if (sub == 0) {
            r->a = 0;
            r->b &= L7_EBX_KEEP | (hv.ctl.invpcid ? L7_EBX_INVPCID : 0);
            r->c &= L7_ECX_KEEP;
        } else {
            r->a = r->b = r->c = 0;
        }
        r->d = 0;
        break;
    case 5: case 6: case 0xa: case 0xb: case 0xd: case 0xf: case 0x10: case 0x12:
    case 0x14: case 0x1f:
        *r = (struct cpuid){ 0, 0, 0, 0 };      /* features hv does not give */
        break;
    case 0x80000001:
        r->c &= ~X1_ECX_HIDE;
        if (!hv.ctl.rdtscp)
            r->d &= ~X1_EDX_RDTSCP;
        if (vm->misc_enable & MISC_ENABLE_XD_DISABLE)
            r->d &= ~CPUID_80000001_EDX_NX;     /* IA32_MISC_ENABLE[34] */
        break;
    case 0x80000008:
        r->c = 0;                               /* one core */
        break;
    }
}

void exit_cpuid(struct vm *vm, struct exit_info *e)
{
    uint32_t leaf = (uint32_t)vm->regs.gpr[GPR_RAX], sub = (uint32_t)vm->regs.gpr[GPR_RCX];
    struct cpuid r;
    if (leaf >= 0x40000000u && leaf <= 0x4fffffffu) {
        hv_leaves(leaf, &r);
    } else {
        /* Limit CPUID maxval: leaves above 2 give leaf 2's values, as
         * for any leaf beyond the highest basic one. */
        if ((vm->misc_enable & MISC_ENABLE_LIMIT_CPUID) && leaf > 2 && leaf < 0x80000000u)
            leaf = 2;
        r = cpuid(leaf, sub);
        filter(vm, leaf, sub, &r);
    }
    vm->regs.gpr[GPR_RAX] = r.a;
    vm->regs.gpr[GPR_RBX] = r.b;
    vm->regs.gpr[GPR_RCX] = r.c;
    vm->regs.gpr[GPR_RDX] = r.d;
    skip_instruction(vm, e);
}
