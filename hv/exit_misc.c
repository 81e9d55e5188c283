/* The small exit handlers: halts, faults that end a VM, instructions a
 * guest may not use, and the scheduler's clock. SDM Vol. 3C, "Instructions
 * That Cause VM Exits Unconditionally" / "... Conditionally", "Triple
 * Fault", "EPT Violations", "VMX-Preemption Timer"; exit qualifications as
 * in "Exit Qualification for EPT Violations". */
#include "hv.h"

/* HLT: hv delivers no interrupts, so a halted VM would never wake up: it
 * ends. With IF = 0 that is the ordinary "halt forever" ending. */
void exit_hlt(struct vm *vm, struct exit_info *e)
{
    skip_instruction(vm, e);
    if (vmr(VMCS_GUEST_RFLAGS) & RFLAGS_IF)
        vm_end(vm, END_HALT_IDLE, 0, "HLT with interrupts enabled at RIP 0x%lx: no interrupt source"
               " exists on hv's platform; the VM ends", e->rip);
    else
        vm_end(vm, END_HALT, 0, "halted (HLT with interrupts disabled) at RIP 0x%lx", e->rip);
}

void exit_triple_fault(struct vm *vm, struct exit_info *e)
{
    vm_end(vm, END_TRIPLE_FAULT, 0, "triple fault at RIP 0x%lx (the guest's exception handling"
           " failed); VM stopped", e->rip);
}

/* An access outside the VM's RAM: its EPT maps nothing else. */
void exit_ept_violation(struct vm *vm, struct exit_info *e)
{
    uint64_t q = e->qualification, gpa = vmr(VMCS_GUEST_PHYSICAL_ADDRESS);
    const char *kind = (q & EPTQ_WRITE) ? "write" : (q & EPTQ_FETCH) ? "instruction fetch" : "read";
    char linear[48] = "";
    if (q & EPTQ_LINEAR_VALID)
        snprintf(linear, sizeof linear, ", guest-linear 0x%lx", vmr(VMCS_GUEST_LINEAR_ADDRESS));
    if (gpa < vm->ram_size) {
        vm_end(vm, END_EPT_VIOLATION, 0, "EPT violation inside its RAM (hv bug?): %s at"
               " guest-physical 0x%lx%s, RIP 0x%lx, qualification 0x%lx", kind, gpa, linear, e->rip, q);
        return;
    }
    vm_end(vm, END_EPT_VIOLATION, 0, "EPT violation: %s at guest-physical 0x%lx%s, outside its RAM"
           " (0-0x%lx), RIP 0x%lx; VM stopped", kind, gpa, linear, vm->ram_size - 1, e->rip);
}

void exit_ept_misconfig(struct vm *vm, struct exit_info *e)
{
    uint64_t gpa = vmr(VMCS_GUEST_PHYSICAL_ADDRESS);
    vmdump(vm, e);
    vm_end(vm, END_UNEXPECTED_EXIT, 0, "EPT misconfiguration at guest-physical 0x%lx, RIP 0x%lx"
           " (hv built a bad EPT entry)", gpa, e->rip);
}

/* VMXON, VMCLEAR, VMPTRLD, VMPTRST, VMREAD, VMWRITE, VMLAUNCH, VMRESUME,
 * VMXOFF, INVEPT, INVVPID, VMFUNC: the guest's CPU has no VMX (CPUID says
 * so), where these raise #UD. */
void exit_vmx_instruction(struct vm *vm, struct exit_info *e)
{
    inject_ud(vm, e);
}

/* GETSEC: no SMX either (CR4.SMXE cannot be set): #UD. */
void exit_getsec(struct vm *vm, struct exit_info *e) { inject_ud(vm, e); }

/* The time slice is over: round robin to the next VM (sched.c). */
void exit_preemption_timer(struct vm *vm, struct exit_info *e)
{
    (void)e;
    vm->yield = true;
    vm->slices++;
    if (vm->max_slices && vm->slices >= vm->max_slices)
        vm_end(vm, END_OUT_OF_TIME, 0, "used up its %lu time slices at RIP 0x%lx; VM stopped",
               vm->max_slices, e->rip);
}

/* Exit reason 0 with an NMI ("NMI exiting" is on, so an NMI that arrives
 * while a guest runs comes to hv): it belongs to the machine, not to the
 * guest, and hv has nothing to do for it. NMIs stay blocked in hv
 * afterwards (no IRET), which is what hv wants. Exceptions cannot exit (the
 * exception bitmap is 0): any other case is unexpected. "VM Exits Caused
 * by NMIs" / "Information for VM Exits Due to Vectored Events". */
void exit_exception_nmi(struct vm *vm, struct exit_info *e)
{
    uint32_t info = (uint32_t)vmr(VMCS_EXIT_INTR_INFO);
    if ((info & INTR_INFO_VALID) && INTR_INFO_TYPE(info) == INTR_TYPE_NMI) {
        vm->yield = true;
        return;
    }
    exit_unexpected(vm, e);
}

/* hv masks the PICs and runs with interrupts off, so an external interrupt
 * is unexpected but harmless: it stays pending for nobody. */
void exit_external_interrupt(struct vm *vm, struct exit_info *e)
{
    (void)e;
    vm->yield = true;
}

void exit_invd(struct vm *vm, struct exit_info *e) { skip_instruction(vm, e); }
void exit_wbinvd(struct vm *vm, struct exit_info *e) { skip_instruction(vm, e); }

/* XSETBV: XSAVE is hidden and CR4.OSXSAVE cannot be set, so #UD. */
void exit_xsetbv(struct vm *vm, struct exit_info *e) { inject_ud(vm, e); }

/* RDPMC: no performance counters for guests: #GP(0). */
void exit_rdpmc(struct vm *vm, struct exit_info *e) { inject_gp0(vm, e); }

/* MONITOR/MWAIT: hidden in CPUID: #UD. */
void exit_mwait_monitor(struct vm *vm, struct exit_info *e) { inject_ud(vm, e); }

/* Exit reasons 33, 34, 41 with bit 31 set: the VM entry itself failed
 * ("VM-Entry Failures During or After Loading Guest State"). */
void exit_entry_failure(struct vm *vm, struct exit_info *e)
{
    const char *q = e->qualification == ENTRYQ_PDPTE ? " (a PDPTE is invalid)"
                  : e->qualification == ENTRYQ_LINK_POINTER ? " (VMCS link pointer)"
                  : e->qualification == ENTRYQ_NMI_INJECT ? " (NMI injection)" : "";
    printf("hv: %s: VM entry failed: exit reason %u %s (%s), qualification %lu%s\n", vm->name,
           e->basic, exit_reason_name(e->basic), exit_reason_sdm(e->basic), e->qualification, q);
    vmdump(vm, e);
    vm_end(vm, END_ENTRY_FAILED, 0, "VM entry failed (%s); VM stopped", exit_reason_name(e->basic));
}

/* The dispatch table's default: stop this VM, show everything. */
void exit_unexpected(struct vm *vm, struct exit_info *e)
{
    printf("hv: %s: unexpected VM exit: reason %u %s (%s), qualification 0x%lx, RIP 0x%lx\n",
           vm->name, e->basic, exit_reason_name(e->basic), exit_reason_sdm(e->basic),
           e->qualification, e->rip);
    vmdump(vm, e);
    vm_end(vm, END_UNEXPECTED_EXIT, 0, "stopped after unexpected exit %s", exit_reason_name(e->basic));
}
