/* The end of the run: for each VM, how it ended, whether that was
 * expected, and its VM exits by reason (names from the shared table
 * include/x86/vmx_exit_reasons.def). The format is read by tests/hv/. */
#include "hv.h"

static void exit_table(const struct vm *vm)
{
    printf("exits by reason for %s\n", vm->name);
    for (uint32_t r = 0; r < EXIT_REASON_MAX; r++)
        if (vm->exit_counts[r])
            printf("%s %lu\n", exit_reason_name(r), vm->exit_counts[r]);
    printf("TOTAL %lu\n", vm->exits_total);
}

int report_all(void)
{
    int bad = 0;
    printf("hv: summary of %d VMs\n", hv.nvms);
    for (int i = 0; i < hv.nvms; i++) {
        const struct vm *vm = &hv.vms[i];
        bool ok = vm_as_expected(vm);
        bad += !ok;
        printf("hv: vm %d %s: %s", vm->id, vm->name, vm_end_words(vm->end));
        if (vm->end == END_EXIT_PORT || vm->end == END_EXIT_HYPERCALL)
            printf(", status %ld", vm->end_status);
        printf(" -> %s\n", ok ? "as expected" : "NOT as expected");
        exit_table(vm);
    }
    if (hv.not_created)
        printf("hv: %d guests could not be started as VMs (see above)\n", hv.not_created);
    if (bad)
        printf("hv: %d of %d VMs did not end as expected\n", bad, hv.nvms);
    else
        printf("hv: all %d VMs ended as expected\n", hv.nvms);
    return bad || hv.not_created ? HV_EXIT_VM_FAILED : HV_EXIT_OK;
}
