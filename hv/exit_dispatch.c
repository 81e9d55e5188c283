/* Every VM exit comes here: read what the exit says, count it, keep it in
 * the VM's ring of recent exits, and call the one handler for its basic
 * exit reason. The table's default stops the VM with a VMCS dump. SDM Vol.
 * 3C, "VM-Exit Information Fields" ("Basic VM-Exit Information",
 * "Information for VM Exits That Occur During Event Delivery"). */
#include "hv.h"

static exit_handler_t *const handlers[EXIT_REASON_MAX] = {
    [EXIT_REASON_EXCEPTION_NMI]      = exit_exception_nmi,
    [EXIT_REASON_EXTERNAL_INTERRUPT] = exit_external_interrupt,
    [EXIT_REASON_TRIPLE_FAULT]       = exit_triple_fault,
    [EXIT_REASON_CPUID]              = exit_cpuid,
    [EXIT_REASON_GETSEC]             = exit_getsec,
    [EXIT_REASON_HLT]                = exit_hlt,
    [EXIT_REASON_INVD]               = exit_invd,
    [EXIT_REASON_RDPMC]              = exit_rdpmc,
    [EXIT_REASON_VMCALL]             = exit_vmcall,
    [EXIT_REASON_VMCLEAR]            = exit_vmx_instruction,
    [EXIT_REASON_VMLAUNCH]           = exit_vmx_instruction,
    [EXIT_REASON_VMPTRLD]            = exit_vmx_instruction,
    [EXIT_REASON_VMPTRST]            = exit_vmx_instruction,
    [EXIT_REASON_VMREAD]             = exit_vmx_instruction,
    [EXIT_REASON_VMRESUME]           = exit_vmx_instruction,
    [EXIT_REASON_VMWRITE]            = exit_vmx_instruction,
    [EXIT_REASON_VMXOFF]             = exit_vmx_instruction,
    [EXIT_REASON_VMXON]              = exit_vmx_instruction,
    [EXIT_REASON_INVEPT]             = exit_vmx_instruction,
    [EXIT_REASON_INVVPID]            = exit_vmx_instruction,
    [EXIT_REASON_VMFUNC]             = exit_vmx_instruction,
    [EXIT_REASON_CR_ACCESS]          = exit_cr_access,
    [EXIT_REASON_IO_INSTRUCTION]     = exit_io,
    [EXIT_REASON_RDMSR]              = exit_rdmsr,
    [EXIT_REASON_WRMSR]              = exit_wrmsr,
    [EXIT_REASON_INVALID_GUEST_STATE] = exit_entry_failure,
    [EXIT_REASON_MSR_LOADING]        = exit_entry_failure,
    [EXIT_REASON_MACHINE_CHECK]      = exit_entry_failure,
    [EXIT_REASON_MWAIT]              = exit_mwait_monitor,
    [EXIT_REASON_MONITOR]            = exit_mwait_monitor,
    [EXIT_REASON_EPT_VIOLATION]      = exit_ept_violation,
    [EXIT_REASON_EPT_MISCONFIG]      = exit_ept_misconfig,
    [EXIT_REASON_PREEMPTION_TIMER]   = exit_preemption_timer,
    [EXIT_REASON_WBINVD]             = exit_wbinvd,
    [EXIT_REASON_XSETBV]             = exit_xsetbv,
};

static void read_exit(struct exit_info *e)
{
    e->reason = (uint32_t)vmr(VMCS_EXIT_REASON);
    e->basic = EXIT_REASON_BASIC(e->reason);
    e->qualification = vmr(VMCS_EXIT_QUALIFICATION);
    e->rip = vmr(VMCS_GUEST_RIP);
    e->insn_len = (uint32_t)vmr(VMCS_EXIT_INSTRUCTION_LEN);
    e->insn_info = 0;                       /* read by the handlers that use it */
    e->injected = false;
}

static void record(struct vm *vm, const struct exit_info *e)
{
    vm->exits_total++;
    if (e->basic < EXIT_REASON_MAX)
        vm->exit_counts[e->basic]++;
    struct exit_record *r = &vm->ring[vm->ring_next++ % HV_EXIT_RING];
    r->reason = e->reason;
    r->qualification = e->qualification;
    r->rip = e->rip;
}

/* An exit during event delivery (IDT-vectoring information valid) that hv
 * handled without ending the VM: deliver the event again at the next
 * entry, unless the handler injected one itself. "Information for VM
 * Exits That Occur During Event Delivery"; "Event Injection". */
static bool during_delivery_possible(uint32_t basic)
{
    return basic == EXIT_REASON_EXCEPTION_NMI || basic == EXIT_REASON_EPT_VIOLATION ||
           basic == EXIT_REASON_EPT_MISCONFIG || basic == EXIT_REASON_TASK_SWITCH ||
           basic == EXIT_REASON_APIC_ACCESS;
}

static void redeliver(struct vm *vm, const struct exit_info *e)
{
    if (!during_delivery_possible(e->basic))
        return;
    uint64_t idt = vmr(VMCS_IDT_VECTORING_INFO);
    if (!(idt & INTR_INFO_VALID) || e->injected || vm->state != VM_RUNNING)
        return;
    vmw_now(VMCS_ENTRY_INTR_INFO, idt & ~(uint64_t)INTR_INFO_NMI_UNBLOCK_IRET);
    if (idt & INTR_INFO_DELIVER_CODE)
        vmw_now(VMCS_ENTRY_EXCEPTION_ERROR_CODE, vmr(VMCS_IDT_VECTORING_ERROR_CODE));
    vmw_now(VMCS_ENTRY_INSTRUCTION_LEN, e->insn_len);
}

void exit_dispatch(struct vm *vm)
{
    struct exit_info e;
    read_exit(&e);
    record(vm, &e);
    exit_handler_t *h = e.basic < EXIT_REASON_MAX ? handlers[e.basic] : NULL;
    if ((e.reason & EXIT_REASON_ENTRY_FAILURE) && h != exit_entry_failure)
        h = exit_entry_failure;
    (h ? h : exit_unexpected)(vm, &e);
    if (vm->state == VM_RUNNING)
        redeliver(vm, &e);
}
