/* Round-robin scheduling of the VMs on hv's one CPU, like an OS schedules
 * processes: the VMX-preemption timer is the clock (SDM Vol. 3C,
 * "VMX-Preemption Timer"), VMPTRLD switches the current VMCS ("VMPTRLD" in
 * the instruction reference; a VMCS keeps its launch state while not
 * current), and the state the VMCS does not hold is switched by hv:
 * x87/SSE registers (FXSAVE/FXRSTOR), CR2, DR0-DR3, DR6 and the MSRs the
 * guests use directly (exit_msr.c). */
#include "hv.h"

static const uint32_t lazy_msr_index[LAZY_MSRS] = {
    [LAZY_STAR] = MSR_IA32_STAR, [LAZY_LSTAR] = MSR_IA32_LSTAR, [LAZY_CSTAR] = MSR_IA32_CSTAR,
    [LAZY_FMASK] = MSR_IA32_FMASK, [LAZY_KERNEL_GS_BASE] = MSR_IA32_KERNEL_GS_BASE,
    [LAZY_TSC_AUX] = MSR_IA32_TSC_AUX, [LAZY_PAT] = MSR_IA32_PAT,
};

/* Whether hv switches lazy MSR i: PAT only without the PAT controls,
 * TSC_AUX only where it exists. */
static bool lazy_used(unsigned i)
{
    if (i == LAZY_PAT)
        return !hv.ctl.pat;
    if (i == LAZY_TSC_AUX)
        return cpu_has(0x80000001, 0, 3, CPUID_80000001_EDX_RDTSCP);
    return true;
}

bool vm_make_current(struct vm *vm)
{
    if (hv.current == vm)
        return true;
    enum vmx_status st = vmptrld((uint64_t)vm->pg->vmcs);
    if (st != VMX_OK) {
        vmx_report_fail("VMPTRLD", st);
        return false;
    }
    hv.current = vm;
    return true;
}

/* The first time a VM runs it inherits hv's values (power-up-like). */
static void cpu_state_init(struct vm *vm)
{
    uint16_t *fx = (uint16_t *)vm->pg->fxsave;
    fx[0] = 0x037f;                                  /* FCW after FNINIT */
    *(uint32_t *)(vm->pg->fxsave + 24) = 0x1f80;     /* MXCSR after reset */
    vm->lazy_msr[LAZY_PAT] = 0x0007040600070406ull;
    vm->dr6 = 0xffff0ff0;
}

static void cpu_state_save(struct vm *vm)
{
    fxsave64(vm->pg->fxsave);
    vm->cr2 = read_cr2();
    vm->dr[0] = read_dr0(); vm->dr[1] = read_dr1(); vm->dr[2] = read_dr2(); vm->dr[3] = read_dr3();
    vm->dr6 = read_dr6();
    for (unsigned i = 0; i < LAZY_MSRS; i++)
        if (lazy_used(i))
            vm->lazy_msr[i] = rdmsr(lazy_msr_index[i]);
}

static void cpu_state_load(struct vm *vm)
{
    fxrstor64(vm->pg->fxsave);
    write_cr2(vm->cr2);
    write_dr0(vm->dr[0]); write_dr1(vm->dr[1]); write_dr2(vm->dr[2]); write_dr3(vm->dr[3]);
    write_dr6(vm->dr6);
    for (unsigned i = 0; i < LAZY_MSRS; i++)
        if (lazy_used(i))
            wrmsr(lazy_msr_index[i], vm->lazy_msr[i]);
}

/* Give the CPU to vm: its VMCS current, its registers loaded, a full
 * time slice. */
static bool switch_to(struct vm *vm)
{
    static struct vm *on_cpu;                        /* whose registers the CPU holds */
    if (on_cpu != vm) {
        if (on_cpu && on_cpu->state == VM_RUNNING)
            cpu_state_save(on_cpu);
        cpu_state_load(vm);
        on_cpu = vm;
        if (opt.verbose)
            printf("hv: switch to %s\n", vm->name);
    }
    if (!vm_make_current(vm))
        return false;
    vmw_now(VMCS_PREEMPTION_TIMER_VALUE, hv.slice_tsc >> hv.ctl.timer_rate);
    return true;
}

static struct vm *next_runnable(int after)
{
    for (int i = 1; i <= hv.nvms; i++) {
        struct vm *vm = &hv.vms[(after + i) % hv.nvms];
        if (vm->state == VM_RUNNING)
            return vm;
    }
    return NULL;
}

/* Run vm until its slice ends, it yields, or it ends. */
static void run_slice(struct vm *vm)
{
    vm->yield = false;
    while (vm->state == VM_RUNNING && !vm->yield) {
        enum vmx_status st = vmx_run(&vm->regs, vm->launched);
        if (st != VMX_OK) {
            vmx_report_fail(vm->launched ? "VMRESUME" : "VMLAUNCH", st);
            vm_end(vm, END_ENTRY_FAILED, 0, "%s failed; VM stopped",
                   vm->launched ? "VMRESUME" : "VMLAUNCH");
            return;
        }
        vm->launched = true;
        exit_dispatch(vm);
    }
}

void sched_run(void)
{
    for (int i = 0; i < hv.nvms; i++)
        cpu_state_init(&hv.vms[i]);
    printf("hv: running %d VMs round-robin, time slice %lu TSC cycles"
           " (VMX-preemption timer %lu ticks)\n", hv.nvms, hv.slice_tsc,
           hv.slice_tsc >> hv.ctl.timer_rate);
    int last = hv.nvms - 1;
    for (struct vm *vm; (vm = next_runnable(last));) {
        last = vm->id;
        if (!switch_to(vm)) {
            vm_end(vm, END_ENTRY_FAILED, 0, "could not make its VMCS current; VM stopped");
            continue;
        }
        run_slice(vm);
    }
    printf("hv: every VM has ended\n");
}
