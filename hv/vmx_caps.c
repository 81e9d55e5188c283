/* The VMX capability MSRs, read once into named fields, and the one place
 * where a control word is computed from them. SDM Vol. 3D, appendix "VMX
 * Capability Reporting Facility" and its section "Algorithms for
 * Determining VMX Capabilities". */
#include "hv.h"

void vmx_caps_read(struct vmx_caps *c)
{
    c->basic = rdmsr(MSR_IA32_VMX_BASIC);
    /* "Basic VMX Information": bit 55 says whether the TRUE_ MSRs exist;
     * they report which default1 controls may be 0. */
    c->true_ctls = (c->basic & VMX_BASIC_TRUE_CTLS) != 0;
    c->pin   = rdmsr(c->true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
    c->proc  = rdmsr(c->true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
    c->exit  = rdmsr(c->true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
    c->entry = rdmsr(c->true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
    c->misc = rdmsr(MSR_IA32_VMX_MISC);
    c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
    /* "Secondary Processor-Based VM-Execution Controls": the MSR exists
     * only if "activate secondary controls" may be 1. */
    c->proc2 = (c->proc >> 32) & VMX_CTL(PROC_ACTIVATE_SECONDARY)
             ? rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) : 0;
    /* "VPID and EPT Capabilities": exists if EPT or VPID may be enabled. */
    c->ept_vpid = (c->proc2 >> 32) & (VMX_CTL(PROC2_ENABLE_EPT) | VMX_CTL(PROC2_ENABLE_VPID))
                ? rdmsr(MSR_IA32_VMX_EPT_VPID_CAP) : 0;
}

void vmx_caps_print(const struct vmx_caps *c)
{
    printf("hv: IA32_VMX_BASIC %016lx: VMCS revision 0x%x, region %u bytes, memory type %u,"
           " TRUE controls %s\n", c->basic, VMX_BASIC_REVISION(c->basic),
           VMX_BASIC_VMCS_SIZE(c->basic), VMX_BASIC_MEMTYPE(c->basic), c->true_ctls ? "yes" : "no");
    printf("hv: %scontrols (allowed-0:allowed-1): pin %08x:%08x proc %08x:%08x proc2 %08x:%08x"
           " exit %08x:%08x entry %08x:%08x\n", c->true_ctls ? "TRUE " : "",
           (uint32_t)c->pin, (uint32_t)(c->pin >> 32), (uint32_t)c->proc, (uint32_t)(c->proc >> 32),
           (uint32_t)c->proc2, (uint32_t)(c->proc2 >> 32), (uint32_t)c->exit,
           (uint32_t)(c->exit >> 32), (uint32_t)c->entry, (uint32_t)(c->entry >> 32));
    printf("hv: IA32_VMX_MISC %016lx (preemption timer = TSC >> %u), EPT/VPID %016lx\n",
           c->misc, VMX_MISC_PREEMPT_RATE(c->misc), c->ept_vpid);
    printf("hv: CR0 fixed0/fixed1 %08lx/%08lx, CR4 fixed0/fixed1 %08lx/%08lx\n",
           c->cr0_fixed0, c->cr0_fixed1, c->cr4_fixed0, c->cr4_fixed1);
}

static const uint32_t default1[VMX_CONTROL_WORDS] = {
    [VMX_PIN] = PIN_DEFAULT1, [VMX_PROC] = PROC_DEFAULT1, [VMX_PROC2] = 0,
    [VMX_EXIT] = EXIT_DEFAULT1, [VMX_ENTRY] = ENTRY_DEFAULT1,
};

/* A control word from its capability MSR (bits 31:0 = allowed 0-settings:
 * a 1 there means the bit must be 1; bits 63:32 = allowed 1-settings).
 * Every control hv asks for is requested by name; a required one the CPU
 * cannot give is reported by name and fails; an optional one is reported
 * and left 0; bits hv does not know (reserved) get their default setting;
 * bits the CPU forces to 1 are reported. "Algorithms for Determining VMX
 * Capabilities". */
bool adjust_controls(enum vmx_control_word w, uint64_t cap, uint32_t required,
                     uint32_t optional, uint32_t *out)
{
    uint32_t must1 = (uint32_t)cap, may1 = (uint32_t)(cap >> 32);
    bool ok = true;
    for (unsigned bit = 0; bit < 32; bit++) {
        uint32_t m = 1u << bit;
        const char *name = control_name(w, bit);
        if ((required & m) && !(may1 & m)) {
            printf("hv: VMX control not available: %s control \"%s\" (bit %u) is required by hv\n",
                   control_word_name(w), name ? name : "?", bit);
            ok = false;
        } else if ((optional & m) && !(may1 & m)) {
            printf("hv: VMX control not available: %s control \"%s\" (bit %u); hv does without it\n",
                   control_word_name(w), name ? name : "?", bit);
        }
        if ((must1 & m) && name && !((required | optional) & m))
            printf("hv: note: the CPU forces %s control \"%s\" (bit %u) to 1\n",
                   control_word_name(w), name, bit);
    }
    uint32_t v = must1 | ((required | optional) & may1);
    /* Reserved bits (no name in the shared table): their default setting. */
    for (unsigned bit = 0; bit < 32; bit++) {
        uint32_t m = 1u << bit;
        if (!control_name(w, bit) && (default1[w] & m) && (may1 & m))
            v |= m;
    }
    *out = v;
    return ok;
}
