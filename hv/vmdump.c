/* The post-mortem of a VM that hv had to stop: its exit, every guest-state
 * field of its VMCS (names from the shared table include/x86/
 * vmx_fields.def), the exit-information fields, and its last exits. */
#include "hv.h"

static void dump_fields(unsigned type)
{
    unsigned col = 0;
    for (unsigned i = 0; i < vmcs_nfields; i++) {
        const struct vmcs_field_info *f = &vmcs_fields[i];
        uint64_t v;
        if (VMCS_ENC_TYPE(f->enc) != type || vmread(f->enc, &v) != VMX_OK)
            continue;                       /* a field this CPU does not have */
        printf("  %-28s %016lx%s", f->name, v, ++col % 2 ? "" : "\n");
    }
    if (col % 2)
        printf("\n");
}

void vmdump(struct vm *vm, const struct exit_info *e)
{
    printf("hv: %s: VMCS dump: exit reason 0x%x (%s), qualification 0x%lx, guest RIP 0x%lx\n",
           vm->name, e->reason, exit_reason_name(e->basic), e->qualification, e->rip);
    printf(" exit information:\n");
    dump_fields(VMCS_TYPE_RO_DATA);
    printf(" guest state:\n");
    dump_fields(VMCS_TYPE_GUEST);
    printf(" guest GPRs: rax %lx rbx %lx rcx %lx rdx %lx rsi %lx rdi %lx rbp %lx\n",
           vm->regs.gpr[GPR_RAX], vm->regs.gpr[GPR_RBX], vm->regs.gpr[GPR_RCX],
           vm->regs.gpr[GPR_RDX], vm->regs.gpr[GPR_RSI], vm->regs.gpr[GPR_RDI],
           vm->regs.gpr[GPR_RBP]);
    printf(" last exits (oldest first):\n");
    unsigned n = vm->ring_next < HV_EXIT_RING ? vm->ring_next : HV_EXIT_RING;
    for (unsigned i = vm->ring_next - n; i != vm->ring_next; i++) {
        const struct exit_record *r = &vm->ring[i % HV_EXIT_RING];
        printf("  %-20s qualification %lx RIP %lx\n", exit_reason_name(EXIT_REASON_BASIC(r->reason)),
               r->qualification, r->rip);
    }
}
