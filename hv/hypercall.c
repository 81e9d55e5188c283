/* VMCALL (exit reason 18): hv's hypercalls, documented in hypercall.h.
 * Function in RAX, arguments in RBX, RCX, RDX, result in RAX. Only CPL 0
 * may call (KVM's convention too). SDM Vol. 2, "VMCALL—Call to VM Monitor"
 * (in VMX non-root operation it causes a VM exit). */
#include "hv.h"

static int64_t hc_print(struct vm *vm, uint64_t gva, uint64_t len)
{
    char buf[256];
    if (len > HC_PRINT_MAX)
        return HC_EINVAL;
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < sizeof buf ? len - done : sizeof buf, fault;
        uint32_t pfec;
        if (!guest_read(vm, gva + done, buf, n, &fault, &pfec))
            return done ? (int64_t)done : HC_EFAULT;
        console_write(vm, buf, n);
        done += n;
    }
    return (int64_t)len;
}

void exit_vmcall(struct vm *vm, struct exit_info *e)
{
    uint64_t *r = vm->regs.gpr;
    bool wide = guest_64bit_code();
    uint64_t nr = wide ? r[GPR_RAX] : (uint32_t)r[GPR_RAX];
    uint64_t a1 = wide ? r[GPR_RBX] : (uint32_t)r[GPR_RBX];
    uint64_t a2 = wide ? r[GPR_RCX] : (uint32_t)r[GPR_RCX];
    int64_t ret;
    vm->hypercalls++;
    if (guest_cpl() != 0) {
        ret = HC_EPERM;
    } else {
        switch (nr) {
        case HC_VERSION: ret = HV_ABI_VERSION; break;
        case HC_PRINT:   ret = hc_print(vm, a1, a2); break;
        case HC_GET_ID:  ret = vm->id; r[GPR_RBX] = (uint64_t)hv.nvms; break;
        case HC_YIELD:   ret = 0; vm->yield = true; break;
        case HC_EXIT:
            skip_instruction(vm, e);
            vm_end(vm, END_EXIT_HYPERCALL, (int64_t)a1, "exit status %ld (HC_EXIT)", (int64_t)a1);
            return;
        default:         ret = HC_ENOSYS; break;
        }
    }
    r[GPR_RAX] = wide ? (uint64_t)ret : (uint32_t)ret;
    skip_instruction(vm, e);
}
