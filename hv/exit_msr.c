/* RDMSR / WRMSR (exit reasons 31, 32) through each VM's MSR bitmap. SDM
 * Vol. 3C, "MSR-Bitmap Address", "Instructions That Cause VM Exits
 * Conditionally"; MSR meanings: Vol. 4, "Model-Specific Registers".
 *
 * Not intercepted (the bitmap bit is 0):
 *   FS_BASE, GS_BASE, SYSENTER_CS/ESP/EIP  - in the VMCS guest-state area
 *   STAR, LSTAR, CSTAR, FMASK, KERNEL_GS_BASE, TSC_AUX (and PAT without the
 *   PAT controls) - not in the VMCS: the CPU holds the running VM's values;
 *   sched.c saves and loads them when it switches VMs.
 *   TSC reads - offset by the VM's TSC offset.
 * Emulated: EFER, PAT, TSC writes, DEBUGCTL, FEATURE_CONTROL (locked, VMX
 * off), MISC_ENABLE (per VM, with its architectural bits: limit CPUID
 * maxval acts in exit_cpuid.c, XD disable hides NX and refuses EFER.NXE;
 * reserved bits #GP), BIOS_SIGN_ID, PLATFORM_ID. Anything else: #GP(0), as
 * on a CPU without that MSR. */
#include "hv.h"

#define MSR_IA32_PLATFORM_ID 0x17u
#define MSR_IA32_DEBUGCTL    0x1d9u

static void bitmap_pass(struct vm *vm, uint32_t msr, bool read, bool write)
{
    uint8_t *b = vm->pg->msr_bitmap;
    uint32_t bit = msr & 0x1fff;
    bool high = msr >= 0xc0000000u;
    if (read)
        b[(high ? MSR_BITMAP_READ_HIGH : MSR_BITMAP_READ_LOW) + bit / 8] &= (uint8_t)~(1u << (bit % 8));
    if (write)
        b[(high ? MSR_BITMAP_WRITE_HIGH : MSR_BITMAP_WRITE_LOW) + bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

void msr_bitmap_init(struct vm *vm)
{
    static const uint32_t pass[] = {
        MSR_IA32_FS_BASE, MSR_IA32_GS_BASE, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP,
        MSR_IA32_SYSENTER_EIP, MSR_IA32_STAR, MSR_IA32_LSTAR, MSR_IA32_CSTAR, MSR_IA32_FMASK,
        MSR_IA32_KERNEL_GS_BASE, MSR_IA32_TSC_AUX,
    };
    memset(vm->pg->msr_bitmap, 0xff, 4096);
    for (unsigned i = 0; i < sizeof pass / sizeof pass[0]; i++)
        bitmap_pass(vm, pass[i], true, true);
    bitmap_pass(vm, MSR_IA32_TSC, true, false);
    if (!hv.ctl.pat)
        bitmap_pass(vm, MSR_IA32_PAT, true, true);
}

static void msr_gp(struct vm *vm, struct exit_info *e, const char *what, uint32_t msr)
{
    if (vm->msr_warnings++ < 8)
        printf("hv: %s: %s of MSR 0x%x refused: #GP(0) injected\n",
               vm->name, what, msr);
    inject_gp0(vm, e);
}

/* "IA32_EFER": SCE, LME, NXE are the guest's (LMA follows CR0.PG, see
 * exit_cr.c); LME may not change while paging is on. */
static bool efer_write(struct vm *vm, uint64_t v)
{
    uint64_t old = vmr(VMCS_GUEST_IA32_EFER);
    uint64_t allowed = EFER_SCE | EFER_LME | EFER_LMA;
    if (cpu_has(0x80000001, 0, 3, CPUID_80000001_EDX_NX) && !(vm->misc_enable & MISC_ENABLE_XD_DISABLE))
        allowed |= EFER_NXE;
    if (v & ~allowed)
        return false;
    if ((guest_cr0() & CR0_PG) && ((v ^ old) & EFER_LME))
        return false;
    vmw_now(VMCS_GUEST_IA32_EFER, (v & ~EFER_LMA) | (old & EFER_LMA));
    return true;
}

/* "IA32_PAT": each entry must be a valid memory type (0, 1, 4, 5, 6, 7). */
static bool pat_valid(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        unsigned t = (v >> (8 * i)) & 0xff;
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

void exit_rdmsr(struct vm *vm, struct exit_info *e)
{
    uint32_t msr = (uint32_t)vm->regs.gpr[GPR_RCX];
    uint64_t v;
    switch (msr) {
    case MSR_IA32_EFER: v = vmr(VMCS_GUEST_IA32_EFER); break;
    case MSR_IA32_PAT: v = vmr(VMCS_GUEST_IA32_PAT); break;
    case MSR_IA32_DEBUGCTL: v = vmr(VMCS_GUEST_IA32_DEBUGCTL); break;
    case MSR_IA32_FEATURE_CONTROL: v = FEATURE_CONTROL_LOCK; break;   /* locked, VMX off */
    case MSR_IA32_MISC_ENABLE: v = vm->misc_enable; break;
    case MSR_IA32_BIOS_SIGN_ID: case MSR_IA32_PLATFORM_ID: v = 0; break;
    default:
        msr_gp(vm, e, "RDMSR", msr);
        return;
    }
    vm->regs.gpr[GPR_RAX] = (uint32_t)v;
    vm->regs.gpr[GPR_RDX] = v >> 32;
    skip_instruction(vm, e);
}

void exit_wrmsr(struct vm *vm, struct exit_info *e)
{
    uint32_t msr = (uint32_t)vm->regs.gpr[GPR_RCX];
    uint64_t v = (uint32_t)vm->regs.gpr[GPR_RAX] | (vm->regs.gpr[GPR_RDX] << 32);
    bool ok = true;
    switch (msr) {
    case MSR_IA32_EFER: ok = efer_write(vm, v); break;
    case MSR_IA32_PAT:
        if ((ok = pat_valid(v))) vmw_now(VMCS_GUEST_IA32_PAT, v);
        break;
    case MSR_IA32_TSC:
        if (hv.ctl.proc & VMX_CTL(PROC_USE_TSC_OFFSETTING))
            vmw_now(VMCS_TSC_OFFSET, v - rdtsc());
        break;
    case MSR_IA32_DEBUGCTL:
        if ((ok = (v & ~3ull) == 0)) vmw_now(VMCS_GUEST_IA32_DEBUGCTL, v);   /* LBR, BTF */
        break;
    case MSR_IA32_MISC_ENABLE:
        if ((ok = !(v & ~(MISC_ENABLE_WRITABLE | MISC_ENABLE_READ_ONLY))))
            vm->misc_enable = (v & MISC_ENABLE_WRITABLE) | (vm->misc_enable & MISC_ENABLE_READ_ONLY);
        break;
    case MSR_IA32_BIOS_SIGN_ID: break;                                      /* ignored */
    default:
        msr_gp(vm, e, "WRMSR", msr);
        return;
    }
    if (!ok) {
        inject_gp0(vm, e);
        return;
    }
    skip_instruction(vm, e);
}
