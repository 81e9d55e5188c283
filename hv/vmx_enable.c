/* Entering and leaving VMX operation, the SDM's way: SDM Vol. 3C,
 * "Discovering Support for VMX", "Enabling and Entering VMX Operation",
 * "Restrictions on VMX Operation" (CR0/CR4 fixed bits), "VMXON Region",
 * "Leaving VMX Operation". Each step says what failed and why. */
#include "hv.h"

void vmx_report_fail(const char *what, enum vmx_status st)
{
    if (st == VMX_FAIL_INVALID) {
        printf("hv: %s failed: VMfailInvalid (CF=1: no current VMCS or invalid pointer)\n", what);
    } else if (st == VMX_FAIL_VALID) {
        uint64_t err = 0;
        vmread(VMCS_VM_INSTRUCTION_ERROR, &err);
        printf("hv: %s failed: VMfailValid (ZF=1), VM-instruction error %lu: %s\n",
               what, err, vmx_error_name(err));
    }
}

/* "Discovering Support for VMX": CPUID.1:ECX.VMX[bit 5]. */
static bool vmx_supported(void)
{
    if (cpu_has(1, 0, 2, CPUID_1_ECX_VMX))
        return true;
    printf("hv: refusing to start: this CPU does not support VMX"
           " (CPUID.1:ECX.VMX[bit 5] = 0); hv needs Intel VT-x\n");
    return false;
}

/* "Enabling and Entering VMX Operation": IA32_FEATURE_CONTROL must be
 * locked with "enable VMX outside SMX operation" set. If firmware left it
 * unlocked, hv sets and locks it; if locked with VMX off, VMXON would #GP. */
static bool feature_control_ok(void)
{
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    if (!(fc & FEATURE_CONTROL_LOCK)) {
        wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
        printf("hv: IA32_FEATURE_CONTROL was unlocked (%lx): locked it with VMX outside SMX enabled\n", fc);
        return true;
    }
    if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
        printf("hv: refusing to start: VMX disabled by firmware (IA32_FEATURE_CONTROL = %lx:"
               " locked with \"enable VMX outside SMX operation\" = 0); enable VT-x in the firmware setup\n", fc);
        return false;
    }
    printf("hv: IA32_FEATURE_CONTROL = %lx: locked, VMX outside SMX enabled\n", fc);
    return true;
}

/* "Basic VMX Information": what hv relies on in IA32_VMX_BASIC. */
static bool basic_ok(const struct vmx_caps *c)
{
    if (VMX_BASIC_VMCS_SIZE(c->basic) > 4096) {
        printf("hv: refusing to start: VMCS region of %u bytes does not fit a page\n",
               VMX_BASIC_VMCS_SIZE(c->basic));
        return false;
    }
    if (VMX_BASIC_MEMTYPE(c->basic) != VMX_MEMTYPE_WB)
        printf("hv: note: VMCS memory type %u, not write-back\n", VMX_BASIC_MEMTYPE(c->basic));
    return true;
}

/* "Restrictions on VMX Operation": bits set in FIXED0 must be 1 and bits
 * clear in FIXED1 must be 0 in CR0 and CR4 before VMXON (and in VMX
 * operation); CR4.VMXE enables VMXON. CR4.OSFXSR lets FXSAVE switch the
 * guests' SSE state. */
static bool fixed_bits_apply(const struct vmx_caps *c)
{
    uint64_t cr0 = read_cr0(), cr4 = read_cr4() | CR4_VMXE | CR4_OSFXSR;
    uint64_t want0 = (cr0 | c->cr0_fixed0) & c->cr0_fixed1;
    uint64_t want4 = (cr4 | c->cr4_fixed0) & c->cr4_fixed1;
    if (!(want4 & CR4_VMXE)) {
        printf("hv: refusing to start: IA32_VMX_CR4_FIXED1 (%lx) does not allow CR4.VMXE\n", c->cr4_fixed1);
        return false;
    }
    if (want0 != cr0) {
        printf("hv: CR0 %lx -> %lx (IA32_VMX_CR0_FIXED0/FIXED1)\n", cr0, want0);
        write_cr0(want0);
    }
    write_cr4(want4);
    return true;
}

int vmx_enable(void)
{
    if (!vmx_supported() || !feature_control_ok())
        return HV_EXIT_NO_VMX;
    vmx_caps_read(&hv.caps);
    vmx_caps_print(&hv.caps);
    if (!basic_ok(&hv.caps) || !fixed_bits_apply(&hv.caps))
        return HV_EXIT_NO_VMX;
    /* "VMXON Region": a 4-KiB aligned region whose first 31 bits hold the
     * VMCS revision identifier from IA32_VMX_BASIC. */
    hv.vmxon_region = pmem_alloc(4096, 4096);
    if (!hv.vmxon_region) {
        printf("hv: no memory for the VMXON region\n");
        return HV_EXIT_VMX_FAILED;
    }
    *(uint32_t *)hv.vmxon_region = VMX_BASIC_REVISION(hv.caps.basic);
    enum vmx_status st = vmxon((uint64_t)hv.vmxon_region);
    if (st != VMX_OK) {
        vmx_report_fail("VMXON", st);
        write_cr4(read_cr4() & ~CR4_VMXE);
        return HV_EXIT_VMX_FAILED;
    }
    printf("hv: VMXON ok (region at %p, revision 0x%x): in VMX root operation\n",
           (void *)hv.vmxon_region, VMX_BASIC_REVISION(hv.caps.basic));
    return HV_EXIT_OK;
}

/* "Leaving VMX Operation": VMXOFF, then CR4.VMXE may be cleared. */
void vmx_disable(void)
{
    enum vmx_status st = vmxoff();
    if (st != VMX_OK) {
        vmx_report_fail("VMXOFF", st);
        return;
    }
    write_cr4(read_cr4() & ~CR4_VMXE);
    printf("hv: VMXOFF ok: left VMX operation\n");
}
