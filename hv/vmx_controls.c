/* The controls hv programs into every VMCS, each requested by name and
 * computed from the capability MSRs by adjust_controls(). SDM Vol. 3C,
 * "VM-Execution Control Fields", "VM-Exit Control Fields", "VM-Entry
 * Control Fields"; EPT/VPID from "VPID and EPT Capabilities". */
#include "hv.h"

/* Required: without these hv cannot isolate or schedule its VMs. */
#define PIN_REQUIRED  (VMX_CTL(PIN_EXTERNAL_INTERRUPT_EXITING) | VMX_CTL(PIN_NMI_EXITING) | \
                       VMX_CTL(PIN_PREEMPTION_TIMER))
#define PROC_REQUIRED (VMX_CTL(PROC_HLT_EXITING) | VMX_CTL(PROC_MWAIT_EXITING) | \
                       VMX_CTL(PROC_MONITOR_EXITING) | VMX_CTL(PROC_CR8_LOAD_EXITING) | \
                       VMX_CTL(PROC_CR8_STORE_EXITING) | VMX_CTL(PROC_USE_IO_BITMAPS) | \
                       VMX_CTL(PROC_USE_MSR_BITMAPS) | VMX_CTL(PROC_ACTIVATE_SECONDARY))
#define PROC_OPTIONAL (VMX_CTL(PROC_USE_TSC_OFFSETTING) | VMX_CTL(PROC_RDPMC_EXITING))
#define PROC2_REQUIRED (VMX_CTL(PROC2_ENABLE_EPT) | VMX_CTL(PROC2_ENABLE_VPID) | \
                        VMX_CTL(PROC2_UNRESTRICTED_GUEST))
#define PROC2_OPTIONAL (VMX_CTL(PROC2_ENABLE_RDTSCP) | VMX_CTL(PROC2_ENABLE_INVPCID) | \
                        VMX_CTL(PROC2_WBINVD_EXITING))
#define EXIT_REQUIRED (VMX_CTL(EXIT_HOST_ADDR_SPACE_SIZE) | VMX_CTL(EXIT_SAVE_DEBUG_CONTROLS) | \
                       VMX_CTL(EXIT_SAVE_IA32_EFER) | VMX_CTL(EXIT_LOAD_IA32_EFER))
#define EXIT_OPTIONAL (VMX_CTL(EXIT_SAVE_IA32_PAT) | VMX_CTL(EXIT_LOAD_IA32_PAT) | \
                       VMX_CTL(EXIT_SAVE_PREEMPTION_TIMER))
#define ENTRY_REQUIRED (VMX_CTL(ENTRY_LOAD_DEBUG_CONTROLS) | VMX_CTL(ENTRY_LOAD_IA32_EFER))
#define ENTRY_OPTIONAL (VMX_CTL(ENTRY_LOAD_IA32_PAT))

/* EPT: 4-level walks and write-back paging structures ("VPID and EPT
 * Capabilities"); INVEPT and INVVPID to flush when a VM is built or its
 * guest changes paging mode. */
static bool ept_vpid_ok(struct vmx_controls *c, uint64_t cap)
{
    bool ok = true;
    if (!(cap & EPT_CAP_WALK_4)) {
        printf("hv: EPT capability missing: page-walk length 4 (IA32_VMX_EPT_VPID_CAP bit 6)\n");
        ok = false;
    }
    if (!(cap & EPT_CAP_MEMTYPE_WB))
        printf("hv: EPT capability missing: write-back paging structures (bit 14); using uncacheable\n");
    if (!(cap & EPT_CAP_INVEPT) || !(cap & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL))) {
        printf("hv: EPT capability missing: INVEPT (bits 20, 25/26)\n");
        ok = false;
    }
    if (!(cap & VPID_CAP_INVVPID) || !(cap & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL))) {
        printf("hv: VPID capability missing: INVVPID (bits 32, 41/42)\n");
        ok = false;
    }
    c->ept_2mb = (cap & EPT_CAP_2MB_PAGES) != 0;
    if (!c->ept_2mb)
        printf("hv: EPT capability not available: 2-MByte pages (bit 16); mapping with 4-KByte pages\n");
    return ok;
}

/* Guest/host masks: CR bits hv owns. A guest write that changes an owned
 * bit exits (exit_cr.c); reads of owned bits see the read shadow. SDM Vol.
 * 3C, "Guest/Host Masks and Read Shadows for CR0 and CR4". Owned: bits
 * fixed by VMX (except PE/PG, free under unrestricted guest but tracked by
 * hv for IA-32e mode), and CR4 features hv hides from its guests. */
static void cr_masks(struct vmx_controls *c, const struct vmx_caps *k)
{
    uint64_t cr0_fixed = (k->cr0_fixed0 | ~k->cr0_fixed1) & 0xffffffffull;
    c->cr0_mask = cr0_fixed | CR0_PE | CR0_PG | CR0_NE;
    uint64_t guest_cr4 = CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE |
                         CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_UMIP |
                         CR4_FSGSBASE | CR4_SMEP | CR4_SMAP;
    guest_cr4 &= k->cr4_fixed1 & ~k->cr4_fixed0;
    c->cr4_mask = ~guest_cr4;
}

bool vmx_controls_choose(void)
{
    struct vmx_caps *k = &hv.caps;
    struct vmx_controls *c = &hv.ctl;
    bool ok = adjust_controls(VMX_PIN, k->pin, PIN_REQUIRED, 0, &c->pin);
    ok &= adjust_controls(VMX_PROC, k->proc, PROC_REQUIRED, PROC_OPTIONAL, &c->proc);
    ok &= adjust_controls(VMX_PROC2, k->proc2, PROC2_REQUIRED, PROC2_OPTIONAL, &c->proc2);
    ok &= adjust_controls(VMX_EXIT, k->exit, EXIT_REQUIRED, EXIT_OPTIONAL, &c->exit);
    ok &= adjust_controls(VMX_ENTRY, k->entry, ENTRY_REQUIRED, ENTRY_OPTIONAL, &c->entry);
    /* "IA-32e mode guest" is set per VM; it must be allowed to be 1. */
    if (!((k->entry >> 32) & VMX_CTL(ENTRY_IA32E_MODE_GUEST))) {
        printf("hv: VMX control not available: VM-entry control \"IA-32e mode guest\" (bit 9)\n");
        ok = false;
    }
    if (ok)
        ok = ept_vpid_ok(c, k->ept_vpid);
    if (!(k->misc & VMX_MISC_ACT_HLT))
        printf("hv: note: activity state HLT not supported (IA32_VMX_MISC bit 6); hv does not use it\n");
    if (!ok) {
        printf("hv: refusing to start: this CPU lacks VMX features hv needs (listed above)\n");
        return false;
    }
    c->pat = (c->exit & VMX_CTL(EXIT_SAVE_IA32_PAT)) && (c->exit & VMX_CTL(EXIT_LOAD_IA32_PAT)) &&
             (c->entry & VMX_CTL(ENTRY_LOAD_IA32_PAT));
    if (!c->pat)
        printf("hv: IA32_PAT is switched by hv (no load/save IA32_PAT controls)\n");
    c->save_timer = (c->exit & VMX_CTL(EXIT_SAVE_PREEMPTION_TIMER)) != 0;
    if (!c->save_timer)
        printf("hv: a time slice restarts at every VM exit (no \"save VMX-preemption timer value\")\n");
    c->rdtscp = (c->proc2 & VMX_CTL(PROC2_ENABLE_RDTSCP)) != 0;
    c->invpcid = (c->proc2 & VMX_CTL(PROC2_ENABLE_INVPCID)) != 0;
    c->timer_rate = VMX_MISC_PREEMPT_RATE(k->misc);
    cr_masks(c, k);
    printf("hv: controls: pin %08x proc %08x proc2 %08x exit %08x entry %08x; CR0 mask %lx, CR4 mask %lx\n",
           c->pin, c->proc, c->proc2, c->exit, c->entry, c->cr0_mask, c->cr4_mask);
    return true;
}
