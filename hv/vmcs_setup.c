/* Filling a VM's VMCS: controls, host state, and the guest state that is
 * the same for every kind of guest (guest_state.c sets the rest). SDM Vol.
 * 3C, "Organization of VMCS Data", "VM-Execution Control Fields",
 * "VM-Exit Control Fields", "VM-Entry Control Fields", "Host-State Area",
 * "Guest-State Area"; the checks they must pass are in "Checks on VMX
 * Controls and Host-State Area" and "Checks on the Guest State Area".
 * VMWRITE outcomes are accumulated and checked once per group. */
#include "hv.h"

void vmw(struct vmcs_writer *w, uint32_t field, uint64_t value)
{
    enum vmx_status st = vmwrite(field, value);
    if (st != VMX_OK && !w->failed++) {
        w->first_field = field;
        w->first_status = st;
        if (st == VMX_FAIL_VALID)
            vmread(VMCS_VM_INSTRUCTION_ERROR, &w->first_error);
    }
}

/* The four fields of a segment register; ES..TR are consecutive in each
 * of the selector, base, limit and access-rights tables. */
void vmw_seg(struct vmcs_writer *w, enum seg_reg r, const struct seg *s)
{
    vmw(w, VMCS_GUEST_ES_SELECTOR + 2 * r, s->sel);
    vmw(w, VMCS_GUEST_ES_BASE + 2 * r, s->base);
    vmw(w, VMCS_GUEST_ES_LIMIT + 2 * r, s->limit);
    vmw(w, VMCS_GUEST_ES_AR + 2 * r, s->ar);
}

void vmx_access_failed(const char *insn, uint32_t field, enum vmx_status st)
{
    static unsigned reported;
    if (reported++ >= 16)
        return;
    printf("hv: %s of %s (0x%04x) failed", insn, vmcs_field_name(field), field);
    if (st == VMX_FAIL_VALID) {
        uint64_t err = 0;
        vmread(VMCS_VM_INSTRUCTION_ERROR, &err);
        printf(": VMfailValid, VM-instruction error %lu: %s\n", err, vmx_error_name(err));
    } else {
        printf(": VMfailInvalid (no current VMCS)\n");
    }
}

bool vmw_check(const struct vmcs_writer *w, const char *what)
{
    if (!w->failed)
        return true;
    printf("hv: %s: %u VMWRITEs failed; the first, to %s (0x%04x), with %s", what, w->failed,
           vmcs_field_name(w->first_field), w->first_field,
           w->first_status == VMX_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid");
    if (w->first_status == VMX_FAIL_VALID)
        printf(", VM-instruction error %lu: %s", w->first_error, vmx_error_name(w->first_error));
    printf("\n");
    return false;
}

static void setup_controls(struct vmcs_writer *w, struct vm *vm)
{
    const struct vmx_controls *c = &hv.ctl;
    vmw(w, VMCS_PIN_BASED_CONTROLS, c->pin);
    vmw(w, VMCS_PROC_BASED_CONTROLS, c->proc);
    vmw(w, VMCS_SECONDARY_PROC_CONTROLS, c->proc2);
    vmw(w, VMCS_EXIT_CONTROLS, c->exit);
    vmw(w, VMCS_ENTRY_CONTROLS, c->entry);          /* IA-32e mode: guest_state.c */
    vmw(w, VMCS_EXCEPTION_BITMAP, 0);               /* guests handle their own */
    vmw(w, VMCS_PAGE_FAULT_ERROR_CODE_MASK, 0);
    vmw(w, VMCS_PAGE_FAULT_ERROR_CODE_MATCH, 0);
    vmw(w, VMCS_CR3_TARGET_COUNT, 0);
    /* Its own I/O and MSR bitmaps: every port exits; MSRs as exit_msr.c says. */
    vmw(w, VMCS_IO_BITMAP_A, (uint64_t)vm->pg->io_bitmap_a);
    vmw(w, VMCS_IO_BITMAP_B, (uint64_t)vm->pg->io_bitmap_b);
    vmw(w, VMCS_MSR_BITMAP, (uint64_t)vm->pg->msr_bitmap);
    vmw(w, VMCS_EXIT_MSR_STORE_COUNT, 0);
    vmw(w, VMCS_EXIT_MSR_LOAD_COUNT, 0);
    vmw(w, VMCS_ENTRY_MSR_LOAD_COUNT, 0);
    vmw(w, VMCS_ENTRY_INTR_INFO, 0);
    /* Its own EPT and VPID. */
    vmw(w, VMCS_EPT_POINTER, vm->eptp);
    vmw(w, VMCS_VPID, vm->vpid);
    /* The guest's TSC starts near 0 ("Use TSC offsetting"). */
    if (c->proc & VMX_CTL(PROC_USE_TSC_OFFSETTING))
        vmw(w, VMCS_TSC_OFFSET, -rdtsc());
    vmw(w, VMCS_CR0_GUEST_HOST_MASK, c->cr0_mask);
    vmw(w, VMCS_CR4_GUEST_HOST_MASK, c->cr4_mask);
    vmw(w, VMCS_PREEMPTION_TIMER_VALUE, hv.slice_tsc >> c->timer_rate);
}

/* "Host-State Area": what the CPU loads at every VM exit; hv's own state.
 * Selector RPL/TI must be 0 ("Checks on Host Segment and Descriptor-Table
 * Registers"); 64-bit host ("host address-space size"). */
static void setup_host(struct vmcs_writer *w)
{
    struct desc_ptr gdtr, idtr;
    sgdt(&gdtr);
    sidt(&idtr);
    vmw(w, VMCS_HOST_CR0, read_cr0());
    vmw(w, VMCS_HOST_CR3, read_cr3());
    vmw(w, VMCS_HOST_CR4, read_cr4());
    vmw(w, VMCS_HOST_ES_SELECTOR, SEL_KDATA);
    vmw(w, VMCS_HOST_CS_SELECTOR, SEL_KCODE);
    vmw(w, VMCS_HOST_SS_SELECTOR, SEL_KDATA);
    vmw(w, VMCS_HOST_DS_SELECTOR, SEL_KDATA);
    vmw(w, VMCS_HOST_FS_SELECTOR, 0);
    vmw(w, VMCS_HOST_GS_SELECTOR, 0);
    vmw(w, VMCS_HOST_TR_SELECTOR, SEL_TSS);
    vmw(w, VMCS_HOST_FS_BASE, 0);
    vmw(w, VMCS_HOST_GS_BASE, 0);
    vmw(w, VMCS_HOST_TR_BASE, (uint64_t)&tss);
    vmw(w, VMCS_HOST_GDTR_BASE, gdtr.base);
    vmw(w, VMCS_HOST_IDTR_BASE, idtr.base);
    vmw(w, VMCS_HOST_IA32_SYSENTER_CS, 0);
    vmw(w, VMCS_HOST_IA32_SYSENTER_ESP, 0);
    vmw(w, VMCS_HOST_IA32_SYSENTER_EIP, 0);
    vmw(w, VMCS_HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
    if (hv.ctl.pat)
        vmw(w, VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
    vmw(w, VMCS_HOST_RIP, (uint64_t)vmx_exit_stub);
    vmw(w, VMCS_HOST_RSP, 0);                       /* vmrun.S writes it */
}

/* Guest state every kind of guest shares: "Guest Non-Register State" and
 * the MSR fields. */
static void setup_guest_common(struct vmcs_writer *w)
{
    vmw(w, VMCS_LINK_POINTER, ~0ull);               /* no shadow VMCS */
    vmw(w, VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
    vmw(w, VMCS_GUEST_INTERRUPTIBILITY, 0);
    vmw(w, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
    vmw(w, VMCS_GUEST_DR7, 0x400);
    vmw(w, VMCS_GUEST_IA32_DEBUGCTL, 0);
    vmw(w, VMCS_GUEST_IA32_SYSENTER_CS, 0);
    vmw(w, VMCS_GUEST_IA32_SYSENTER_ESP, 0);
    vmw(w, VMCS_GUEST_IA32_SYSENTER_EIP, 0);
    if (hv.ctl.pat)
        vmw(w, VMCS_GUEST_IA32_PAT, 0x0007040600070406ull);   /* power-up PAT */
    vmw(w, VMCS_GUEST_FS_BASE, 0);
    vmw(w, VMCS_GUEST_GS_BASE, 0);
}

/* VMCLEAR (launch state "clear"), VMPTRLD (current), then every field. */
bool vmcs_setup(struct vm *vm)
{
    *(uint32_t *)vm->pg->vmcs = VMX_BASIC_REVISION(hv.caps.basic);
    enum vmx_status st = vmclear((uint64_t)vm->pg->vmcs);
    if (st != VMX_OK) {
        vmx_report_fail("VMCLEAR", st);
        return false;
    }
    if (!vm_make_current(vm))
        return false;
    struct vmcs_writer w = { 0 };
    setup_controls(&w, vm);
    setup_host(&w);
    setup_guest_common(&w);
    io_bitmap_init(vm);
    msr_bitmap_init(vm);
    ept_flush(vm);
    return vmw_check(&w, vm->name);
}
