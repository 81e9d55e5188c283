/* Completing or faulting a guest instruction from an exit handler.
 * Events: SDM Vol. 3C, "VM-Entry Controls for Event Injection" and
 * "Event Injection"; instruction completion: "VM-Exit Instruction Length"
 * and the interruptibility state ("Guest Non-Register State"). */
#include "hv.h"

/* A hardware exception delivered at the next VM entry, as if the exiting
 * instruction had raised it (RIP not advanced: faults). Under unrestricted
 * guest in real mode no error code is delivered ("Checks on VM-Entry
 * Control Fields": deliver-error-code must be 0 when CR0.PE = 0). */
void inject_exception(struct vm *vm, struct exit_info *e, unsigned vector, bool has_error, uint32_t error)
{
    (void)vm;
    uint32_t info = vector | (INTR_TYPE_HW_EXCEPTION << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID;
    if (has_error && (vmr(VMCS_GUEST_CR0) & CR0_PE)) {
        info |= INTR_INFO_DELIVER_CODE;
        vmw_now(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error);
    }
    vmw_now(VMCS_ENTRY_INTR_INFO, info);
    e->injected = true;
}

void inject_ud(struct vm *vm, struct exit_info *e) { inject_exception(vm, e, EXC_UD, false, 0); }
void inject_gp0(struct vm *vm, struct exit_info *e) { inject_exception(vm, e, EXC_GP, true, 0); }

/* #PF: CR2 is not in the VMCS; the guest's CR2 is live in the CPU while
 * its VMCS is current (sched.c switches it), so write it directly. */
void inject_pf(struct vm *vm, struct exit_info *e, uint64_t gva, uint32_t pfec)
{
    write_cr2(gva);
    vm->cr2 = gva;
    inject_exception(vm, e, EXC_PF, true, pfec);
}

/* The instruction is done: RIP past it, and blocking by STI / MOV SS ends
 * with it (an entry with STI blocking and IF=0 would fail the checks). */
void skip_instruction(struct vm *vm, struct exit_info *e)
{
    (void)vm;
    uint64_t rip = e->rip + e->insn_len;
    if (rip > 0xffffffffull && !guest_64bit_code())
        rip &= 0xffffffffull;                       /* EIP wraps outside 64-bit mode */
    vmw_now(VMCS_GUEST_RIP, rip);
    uint64_t intr = vmr(VMCS_GUEST_INTERRUPTIBILITY);
    if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
        vmw_now(VMCS_GUEST_INTERRUPTIBILITY, intr & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/* GPR n in the SDM's numbering; RSP lives in the VMCS. */
uint64_t gpr_read(struct vm *vm, unsigned n)
{
    return n == GPR_RSP ? vmr(VMCS_GUEST_RSP) : vm->regs.gpr[n & 15];
}

void gpr_write(struct vm *vm, unsigned n, uint64_t v)
{
    if (n == GPR_RSP) vmw_now(VMCS_GUEST_RSP, v);
    else vm->regs.gpr[n & 15] = v;
}
