/* hv: a bare-metal VT-x hypervisor that runs several isolated guests.
 * One header for every hv file: the VM structure, then every cross-file
 * prototype grouped under the file it comes from (xv6 defs.h style). */
#ifndef HV_H
#define HV_H

#include "kern.h"
#include "x86_vmx.h"
#include "hypercall.h"

#define HV_MAX_VMS        24
#define HV_NAME_MAX       24
#define HV_EXIT_RING      16      /* last N exits kept per VM for post-mortem */
#define HV_MAX_MODULES    HV_MAX_VMS

/* hv's own exit status (kexit): */
#define HV_EXIT_OK          0     /* every VM ended as expected */
#define HV_EXIT_VM_FAILED   1     /* some VM ended otherwise */
#define HV_EXIT_NO_VMX      2     /* no usable VT-x: hv refused to start */
#define HV_EXIT_VMX_FAILED  3     /* VT-x bring-up failed (VMXON, VMCS setup) */

/* ---- Capability MSRs, read once into named fields (vmx_caps.c). */
struct vmx_caps {
    uint64_t basic;                 /* IA32_VMX_BASIC */
    uint64_t pin, proc, exit, entry;/* TRUE_ variants when basic says so */
    uint64_t proc2;                 /* IA32_VMX_PROCBASED_CTLS2 (0 if none) */
    uint64_t misc;                  /* IA32_VMX_MISC */
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint64_t ept_vpid;              /* IA32_VMX_EPT_VPID_CAP (0 if none) */
    bool true_ctls;
};

/* The control words hv programs into every VMCS (vmx_controls.c). */
struct vmx_controls {
    uint32_t pin, proc, proc2, exit, entry;
    bool pat;                       /* load/save IA32_PAT on entry and exit */
    bool save_timer;                /* "save VMX-preemption timer value" */
    bool rdtscp, invpcid;           /* guest may use RDTSCP / INVPCID */
    bool ept_2mb;                   /* EPT 2-MiB pages */
    unsigned timer_rate;            /* timer ticks every 2^rate TSC cycles */
    uint64_t cr0_mask, cr4_mask;    /* CR bits hv owns (guest/host masks) */
};

/* ---- A VM. */
enum vm_state { VM_RUNNING, VM_ENDED };

/* How a VM ended (vm.c has the words). */
enum vm_end {
    END_NONE,
    END_EXIT_PORT,          /* wrote the debug-exit port 0xf4 */
    END_EXIT_HYPERCALL,     /* HC_EXIT */
    END_HALT,               /* HLT with RFLAGS.IF = 0 */
    END_HALT_IDLE,          /* HLT with IF = 1: no interrupt will ever come */
    END_TRIPLE_FAULT,
    END_EPT_VIOLATION,      /* access outside its RAM */
    END_ENTRY_FAILED,       /* VMLAUNCH/VMRESUME failed or entry-failure exit */
    END_UNEXPECTED_EXIT,    /* an exit hv has no handler for */
    END_LOAD_FAILED,        /* could not be loaded (bad image, no room) */
    END_OUT_OF_TIME,        /* used up slices= */
    END_KINDS
};

/* What the run counts as a success for this VM (vm.c, expect=). */
enum vm_expect { EXPECT_EXIT0_OR_HALT, EXPECT_EXIT, EXPECT_HALT, EXPECT_EPT, EXPECT_TRIPLE,
                 EXPECT_UNEXPECTED, EXPECT_ANY };

/* Guest GPRs saved by vmrun.S. The order is the SDM's register numbering
 * (RAX=0 ... R15=15), as used by the CR-access exit qualification; the RSP
 * slot is unused (RSP lives in the VMCS). */
struct guest_regs {
    uint64_t gpr[16];
};
#define GPR_RAX 0
#define GPR_RCX 1
#define GPR_RDX 2
#define GPR_RBX 3
#define GPR_RSP 4
#define GPR_RBP 5
#define GPR_RSI 6
#define GPR_RDI 7

/* Virtual 16550 UART (uart_virt.c). */
struct uart {
    uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
};

/* Virtual fw_cfg (fwcfg_virt.c). */
struct fwcfg {
    uint16_t key;
    uint32_t offset;
};

/* The console: output lines prefixed with the VM's name (console.c). */
#define CONSOLE_LINE 160
struct console {
    char line[CONSOLE_LINE];
    unsigned len;
    uint64_t bytes;                 /* total accepted, for the output cap */
    bool capped;
};

struct exit_record { uint32_t reason; uint64_t qualification, rip; };

/* Page-aligned hardware structures of one VM. SDM Vol. 3C: "VMCS Region",
 * "I/O-Bitmap Addresses", "MSR-Bitmap Address"; FXSAVE area 16-aligned. */
struct vm_pages {
    uint8_t vmcs[4096];
    uint8_t io_bitmap_a[4096];
    uint8_t io_bitmap_b[4096];
    uint8_t msr_bitmap[4096];
    uint64_t ept_pml4[512];
    uint8_t fxsave[512];
};
_Static_assert(sizeof(struct vm_pages) % 4096 == 512, "vm_pages layout");

/* MSRs not in the VMCS that each VM owns while it runs (sched.c). */
enum { LAZY_STAR, LAZY_LSTAR, LAZY_CSTAR, LAZY_FMASK, LAZY_KERNEL_GS_BASE,
       LAZY_TSC_AUX, LAZY_PAT, LAZY_MSRS };

struct vm {
    int id;
    char name[HV_NAME_MAX];
    enum vm_state state;
    enum vm_end end;
    int64_t end_status;             /* exit status for END_EXIT_* */
    enum vm_expect expect;
    int64_t expect_status;

    struct vm_pages *pg;            /* page-aligned, from pmem */
    uint64_t ram_hpa, ram_size;     /* its RAM: guest-physical 0..ram_size */
    uint64_t eptp;
    uint16_t vpid;
    bool launched;                  /* VMLAUNCH done: VMRESUME from now on */
    bool yield;                     /* give up the CPU after this exit */
    uint64_t slices, max_slices;

    struct guest_regs regs;
    uint64_t cr2, dr[4], dr6;       /* not in the VMCS: switched by sched.c */
    uint64_t lazy_msr[LAZY_MSRS];
    uint64_t misc_enable;           /* IA32_MISC_ENABLE as the VM sees it */
    uint8_t cr8;                    /* TPR as MOV CR8 sees it */

    struct uart uart;
    struct fwcfg fwcfg;
    struct console con;
    unsigned msr_warnings;
    uint64_t hypercalls;

    uint64_t exits_total;
    uint64_t exit_counts[EXIT_REASON_MAX];
    struct exit_record ring[HV_EXIT_RING];
    unsigned ring_next;
};

/* What one exit looks like to a handler (exit_dispatch.c reads it). */
struct exit_info {
    uint32_t reason;                /* full exit-reason field */
    uint32_t basic;                 /* bits 15:0 */
    uint64_t qualification;
    uint64_t rip;
    uint32_t insn_len;
    uint32_t insn_info;
    bool injected;                  /* a handler queued an event */
};

/* The whole hypervisor: one CPU, its VMs. */
struct hv {
    struct vmx_caps caps;
    struct vmx_controls ctl;
    uint8_t *vmxon_region;
    struct vm vms[HV_MAX_VMS];
    int nvms;
    int not_created;                /* guests asked for that could not become VMs */
    struct vm *current;             /* whose VMCS is current (VMPTRLD) */
    uint64_t slice_tsc;             /* time slice in TSC cycles */
    struct vm *fpu_owner, *msr_owner;
};
extern struct hv hv;

/* ---- options.c: hv's command line and the module list, copied out of the
 * multiboot information before pmem may reuse that memory. */
struct module_spec {
    uint64_t start, end;            /* the image, where the loader put it */
    char cmdline[256];              /* the module string, for the guest */
    char name[HV_NAME_MAX];
    uint64_t mem;                   /* RAM in bytes (mem=) */
    enum vm_expect expect;
    int64_t expect_status;
};
struct hv_options {
    char demos[128];                /* demos=primes,realmode,... / all / none */
    uint64_t bench;                 /* bench=N: add the CPUID-loop guest */
    uint64_t slice_tsc;             /* slice=N TSC cycles */
    uint64_t max_slices;            /* slices=N per VM, 0 = unlimited */
    bool verbose;
    int nmodules;
    struct module_spec modules[HV_MAX_MODULES];
};
extern struct hv_options opt;
void options_parse(void);
bool parse_expect(const char *v, enum vm_expect *e, int64_t *status);
bool word_in_list(const char *list, const char *word);

/* ---- pmem.c: physical pages above hv and its modules. */
void pmem_init(void);
void *pmem_alloc(uint64_t size, uint64_t align);     /* zeroed; NULL if none */
uint64_t pmem_free_bytes(void);

/* ---- vmx_names.c: names from the shared tables. */
const char *exit_reason_name(uint32_t basic);        /* "CPUID" */
const char *exit_reason_sdm(uint32_t basic);         /* "CPUID" / long form */
const char *vmx_error_name(uint64_t err);            /* SDM text */
const char *control_name(enum vmx_control_word w, unsigned bit);
const char *control_word_name(enum vmx_control_word w);
struct vmcs_field_info { uint32_t enc; uint8_t width; const char *name, *sdm; };
extern const struct vmcs_field_info vmcs_fields[];
extern const unsigned vmcs_nfields;
const char *vmcs_field_name(uint32_t enc);

/* ---- vmx_caps.c */
void vmx_caps_read(struct vmx_caps *c);
void vmx_caps_print(const struct vmx_caps *c);
bool adjust_controls(enum vmx_control_word w, uint64_t cap, uint32_t required,
                     uint32_t optional, uint32_t *out);

/* ---- vmx_enable.c */
int vmx_enable(void);                /* HV_EXIT_OK or the refusal status */
void vmx_disable(void);
void vmx_report_fail(const char *what, enum vmx_status st);

/* ---- vmx_controls.c */
bool vmx_controls_choose(void);

/* ---- vmcs_setup.c */
bool vmcs_setup(struct vm *vm);
struct seg { uint16_t sel; uint64_t base; uint32_t limit, ar; };
enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };
struct vmcs_writer { unsigned failed; uint32_t first_field; enum vmx_status first_status; uint64_t first_error; };
void vmw(struct vmcs_writer *w, uint32_t field, uint64_t value);
void vmw_seg(struct vmcs_writer *w, enum seg_reg r, const struct seg *s);
bool vmw_check(const struct vmcs_writer *w, const char *what);

/* ---- ept.c */
bool ept_build(struct vm *vm);
void ept_flush(struct vm *vm);
void vpid_flush(struct vm *vm);

/* ---- vm.c */
struct vm *vm_new(const char *name, uint64_t ram_size);
void vm_end(struct vm *vm, enum vm_end how, int64_t status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *vm_end_words(enum vm_end how);
bool vm_as_expected(const struct vm *vm);
void vm_release_vmcs(struct vm *vm);

/* ---- guest_state.c: initial register state per kind of guest. */
struct guest_start { uint64_t rip, rsp, rax, rbx, rdi; };
bool guest_state_long64(struct vm *vm, const struct guest_start *s);
bool guest_state_prot32(struct vm *vm, const struct guest_start *s);
bool guest_state_real(struct vm *vm, const struct guest_start *s);
uint64_t guest_cr0_real_value(uint64_t visible);
uint64_t guest_cr4_real_value(uint64_t visible);

/* ---- guest_load.c: ELF and multiboot images into a VM's RAM. */
bool elf_load(struct vm *vm, const uint8_t *img, uint64_t size, uint64_t *entry);
bool multiboot_guest_create(const struct module_spec *m);

/* ---- guest_builtin.c */
void builtin_guests_create(void);

/* ---- guest_mem.c. A failed walk sets *pfec to a #PF error code, or to
 * PFEC_NOT_RAM when the guest-physical address is outside the VM's RAM. */
#define PFEC_NOT_RAM (1u << 31)
void *gpa_ptr(struct vm *vm, uint64_t gpa, uint64_t len);   /* NULL outside RAM */
bool gva_to_gpa(struct vm *vm, uint64_t gva, bool write, uint64_t *gpa, uint32_t *pfec);
bool guest_read(struct vm *vm, uint64_t gva, void *buf, uint64_t len, uint64_t *fault_gva, uint32_t *pfec);
bool guest_write(struct vm *vm, uint64_t gva, const void *buf, uint64_t len, uint64_t *fault_gva, uint32_t *pfec);
bool guest_load_pdptes(struct vm *vm, uint64_t cr3);
bool guest_long_mode(void);
bool guest_64bit_code(void);
unsigned guest_cpl(void);

/* ---- inject.c: events and instruction completion. */
void inject_exception(struct vm *vm, struct exit_info *e, unsigned vector, bool has_error, uint32_t error);
void inject_ud(struct vm *vm, struct exit_info *e);
void inject_gp0(struct vm *vm, struct exit_info *e);
void inject_pf(struct vm *vm, struct exit_info *e, uint64_t gva, uint32_t pfec);
void skip_instruction(struct vm *vm, struct exit_info *e);
uint64_t gpr_read(struct vm *vm, unsigned n);
void gpr_write(struct vm *vm, unsigned n, uint64_t v);

/* ---- console.c */
void console_putc(struct vm *vm, char c);
void console_write(struct vm *vm, const char *s, uint64_t n);
void console_flush(struct vm *vm);

/* ---- uart_virt.c, fwcfg_virt.c: the VM's devices on its port bus. */
#define COM1_BASE 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define FWCFG_PORT_SEL  0x510
#define FWCFG_PORT_DATA 0x511
uint32_t uart_read(struct vm *vm, unsigned reg);
void uart_write(struct vm *vm, unsigned reg, uint8_t v);
uint32_t fwcfg_read(struct vm *vm, uint16_t port, unsigned size);
void fwcfg_write(struct vm *vm, uint16_t port, unsigned size, uint32_t v);

/* ---- exit_*.c: one handler per exit reason (exit_dispatch.c's table). */
typedef void exit_handler_t(struct vm *vm, struct exit_info *e);
void exit_dispatch(struct vm *vm);
exit_handler_t exit_cpuid, exit_io, exit_rdmsr, exit_wrmsr, exit_cr_access,
    exit_hlt, exit_triple_fault, exit_ept_violation, exit_ept_misconfig,
    exit_vmx_instruction, exit_preemption_timer, exit_vmcall,
    exit_external_interrupt, exit_invd, exit_wbinvd, exit_xsetbv, exit_rdpmc,
    exit_mwait_monitor, exit_entry_failure, exit_unexpected, exit_getsec,
    exit_exception_nmi;
void msr_bitmap_init(struct vm *vm);
void io_bitmap_init(struct vm *vm);
bool cr0_write(struct vm *vm, struct exit_info *e, uint64_t value);
uint64_t guest_cr0(void);                  /* as the guest sees them */
uint64_t guest_cr4(void);

/* ---- vmdump.c */
void vmdump(struct vm *vm, const struct exit_info *e);

/* ---- vmrun.S */
enum vmx_status vmx_run(struct guest_regs *regs, int launched);
void vmx_exit_stub(void);

/* ---- sched.c */
void sched_run(void);
bool vm_make_current(struct vm *vm);

/* ---- report.c */
int report_all(void);

#endif
