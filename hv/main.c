/* hv: a bare-metal VT-x hypervisor. A multiboot kernel (kern/ brings it to
 * 64-bit mode with identity paging, serial output and an IDT) that runs
 * its built-in demo guests and every multiboot module it was given as
 * isolated VMs, then reports how each ended. The steps, in order: */
#include "hv.h"

struct hv hv;

/* hv uses no interrupts: mask both 8259 PICs so that no device interrupt
 * is pending while guests run (ICW-less OCW1 masks, 8259A data sheet). */
static void pic_mask_all(void)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

static void guests_create(void)
{
    builtin_guests_create();                    /* primes, realmode, probe, hostile */
    for (int i = 0; i < opt.nmodules; i++)
        multiboot_guest_create(&opt.modules[i]);  /* one VM per module */
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    printf("hv: vtx hypervisor starting\n");
    options_parse();                            /* command line, modules */
    pic_mask_all();                             /* no interrupts, ever */
    pmem_init();                                /* pages above hv and its modules */
    int st = vmx_enable();                      /* CPUID, FEATURE_CONTROL, CR0/CR4, VMXON */
    if (st != HV_EXIT_OK) {
        printf("hv: exit status %d\n", st);
        return st;
    }
    if (!vmx_controls_choose()) {               /* every control from the capability MSRs */
        vmx_disable();
        printf("hv: exit status %d\n", HV_EXIT_NO_VMX);
        return HV_EXIT_NO_VMX;
    }
    hv.slice_tsc = opt.slice_tsc;
    guests_create();                            /* VMCS, EPT, VPID, bitmaps per VM */
    sched_run();                                /* round-robin until all have ended */
    st = report_all();                          /* exit status and exits per VM */
    vmx_disable();                              /* VMXOFF */
    printf("hv: exit status %d\n", st);
    return st;
}
