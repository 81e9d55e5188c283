/* A VM's life: created with its RAM, hardware pages, EPT and VPID; ended
 * alone (the others go on) with a reason; judged against what it was
 * expected to do. */
#include "hv.h"

struct vm *vm_new(const char *name, uint64_t ram_size)
{
    if (hv.nvms >= HV_MAX_VMS) {
        printf("hv: %s: too many VMs (at most %d); not started\n", name, HV_MAX_VMS);
        hv.not_created++;
        return NULL;
    }
    struct vm *vm = &hv.vms[hv.nvms];
    memset(vm, 0, sizeof *vm);
    vm->misc_enable = MISC_ENABLE_FAST_STRINGS | 0x1800;   /* BTS, PEBS unavailable */
    vm->id = hv.nvms;
    size_t n = strlen(name);
    if (n >= HV_NAME_MAX) n = HV_NAME_MAX - 1;
    memcpy(vm->name, name, n);
    for (int i = 0; i < hv.nvms; i++)               /* names must be unique */
        if (!strcmp(hv.vms[i].name, vm->name) && n + 3 < HV_NAME_MAX) {
            snprintf(vm->name + n, HV_NAME_MAX - n, "-%d", vm->id);
            break;
        }
    vm->state = VM_RUNNING;
    vm->vpid = (uint16_t)(vm->id + 1);              /* VPID 0 is the host's */
    vm->max_slices = opt.max_slices;
    vm->pg = pmem_alloc(sizeof *vm->pg, 4096);
    vm->ram_size = ram_size;
    /* 2-MiB aligned so that EPT can map it with 2-MiB pages. */
    vm->ram_hpa = (uint64_t)pmem_alloc(ram_size, 2ull << 20);
    if (!vm->pg || !vm->ram_hpa) {
        printf("hv: %s: not enough memory for %lu MiB of RAM (%lu MiB left); not started\n",
               vm->name, ram_size >> 20, pmem_free_bytes() >> 20);
        hv.not_created++;
        return NULL;
    }
    hv.nvms++;
    if (!ept_build(vm)) {
        vm->state = VM_ENDED;
        vm->end = END_LOAD_FAILED;
        return NULL;
    }
    return vm;
}

static const char *const end_words[END_KINDS] = {
    [END_NONE] = "still running",
    [END_EXIT_PORT] = "exited through the debug-exit port",
    [END_EXIT_HYPERCALL] = "exited through HC_EXIT",
    [END_HALT] = "halted with interrupts disabled",
    [END_HALT_IDLE] = "halted waiting for an interrupt (hv's platform has none)",
    [END_TRIPLE_FAULT] = "triple fault",
    [END_EPT_VIOLATION] = "stopped: EPT violation outside its RAM",
    [END_ENTRY_FAILED] = "stopped: VM entry failed",
    [END_UNEXPECTED_EXIT] = "stopped: unexpected VM exit",
    [END_LOAD_FAILED] = "not started: could not be loaded",
    [END_OUT_OF_TIME] = "stopped: used up its time slices",
};

const char *vm_end_words(enum vm_end how)
{
    return how < END_KINDS ? end_words[how] : "?";
}

/* End one VM: print why, flush its console, release its VMCS. */
void vm_end(struct vm *vm, enum vm_end how, int64_t status, const char *fmt, ...)
{
    console_flush(vm);
    vm->state = VM_ENDED;
    vm->end = how;
    vm->end_status = status;
    printf("hv: %s: ", vm->name);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    vm_release_vmcs(vm);
}

/* VMCLEAR makes the VMCS inactive and writes it back to memory ("VMCLEAR"
 * in the instruction reference); it is no longer current. */
void vm_release_vmcs(struct vm *vm)
{
    if (!vm->pg)
        return;
    enum vmx_status st = vmclear((uint64_t)vm->pg->vmcs);
    if (st != VMX_OK)
        vmx_report_fail("VMCLEAR", st);
    if (hv.current == vm)
        hv.current = NULL;
}

static bool ended_by_exit(const struct vm *vm)
{
    return vm->end == END_EXIT_PORT || vm->end == END_EXIT_HYPERCALL;
}

bool vm_as_expected(const struct vm *vm)
{
    bool halted = vm->end == END_HALT || vm->end == END_HALT_IDLE;
    switch (vm->expect) {
    case EXPECT_EXIT0_OR_HALT: return (ended_by_exit(vm) && vm->end_status == 0) || halted;
    case EXPECT_EXIT: return ended_by_exit(vm) && vm->end_status == vm->expect_status;
    case EXPECT_HALT: return halted;
    case EXPECT_EPT: return vm->end == END_EPT_VIOLATION;
    case EXPECT_TRIPLE: return vm->end == END_TRIPLE_FAULT;
    case EXPECT_UNEXPECTED: return vm->end == END_UNEXPECTED_EXIT;
    case EXPECT_ANY: return vm->end != END_NONE && vm->end != END_LOAD_FAILED;
    }
    return false;
}
