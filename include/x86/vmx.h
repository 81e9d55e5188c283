/* VMX architectural facts, written once for the emulator (vtx), the
 * hypervisor (hv) and the tests. Intel SDM, Vol. 3C "Virtual Machine
 * Extensions", Vol. 3D appendices, Vol. 2 "VMX Instruction Reference";
 * sections are cited by title, against the edition of December 2022
 * (order no. 325462-078), because section numbers move between editions.
 *
 * The long lists live in X-macro tables beside this header:
 *   vmx_fields.def        VMCS fields: encoding, width, existence, SDM name
 *   vmx_exit_reasons.def  basic exit reasons with SDM names
 *   vmx_errors.def        VM-instruction error numbers with SDM text
 *   vmx_controls.def      control bits per control word with SDM names
 * This header turns them into enums/defines; a program that wants the
 * names as strings includes the .def file again with its own macro.
 */
#ifndef X86_VMX_H
#define X86_VMX_H

/* ---- Capability and control MSRs: SDM Vol. 3D, Appendix "VMX Capability
 * Reporting Facility"; Vol. 4, "Model-Specific Registers". */
#define MSR_IA32_VMX_BASIC            0x480u
#define MSR_IA32_VMX_PINBASED_CTLS    0x481u
#define MSR_IA32_VMX_PROCBASED_CTLS   0x482u
#define MSR_IA32_VMX_EXIT_CTLS        0x483u
#define MSR_IA32_VMX_ENTRY_CTLS       0x484u
#define MSR_IA32_VMX_MISC             0x485u
#define MSR_IA32_VMX_CR0_FIXED0       0x486u
#define MSR_IA32_VMX_CR0_FIXED1       0x487u
#define MSR_IA32_VMX_CR4_FIXED0       0x488u
#define MSR_IA32_VMX_CR4_FIXED1       0x489u
#define MSR_IA32_VMX_VMCS_ENUM        0x48au
#define MSR_IA32_VMX_PROCBASED_CTLS2  0x48bu
#define MSR_IA32_VMX_EPT_VPID_CAP     0x48cu
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS  0x48du
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48eu
#define MSR_IA32_VMX_TRUE_EXIT_CTLS   0x48fu
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS  0x490u
#define MSR_IA32_VMX_VMFUNC           0x491u
#define MSR_IA32_VMX_PROCBASED_CTLS3  0x492u
#define MSR_IA32_VMX_EXIT_CTLS2       0x493u

/* IA32_FEATURE_CONTROL (MSR 3AH): SDM Vol. 3C, "Enabling and Entering VMX
 * Operation". WRMSR to it #GPs once the lock bit is set. */
#define FEATURE_CONTROL_LOCK             (1ull << 0)
#define FEATURE_CONTROL_VMX_INSIDE_SMX   (1ull << 1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX  (1ull << 2)

/* IA32_VMX_BASIC: SDM Vol. 3D, "Basic VMX Information". */
#define VMX_BASIC_REVISION(b)      ((uint32_t)((b) & 0x7fffffffu))
#define VMX_BASIC_VMCS_SIZE(b)     ((uint32_t)(((b) >> 32) & 0x1fffu))
#define VMX_BASIC_PHYS_32BIT       (1ull << 48)  /* addresses limited to 32 bits */
#define VMX_BASIC_DUAL_MONITOR     (1ull << 49)
#define VMX_BASIC_MEMTYPE(b)       ((unsigned)(((b) >> 50) & 0xfu))
#define VMX_BASIC_INOUT_INFO       (1ull << 54)  /* INS/OUTS instruction info */
#define VMX_BASIC_TRUE_CTLS        (1ull << 55)  /* IA32_VMX_TRUE_*_CTLS exist */
#define VMX_BASIC_NO_ERRCODE_REQ   (1ull << 56)
#define VMX_MEMTYPE_UC 0u
#define VMX_MEMTYPE_WB 6u

/* IA32_VMX_MISC: SDM Vol. 3D, "Miscellaneous Data". */
#define VMX_MISC_PREEMPT_RATE(m)   ((unsigned)((m) & 0x1fu)) /* timer = TSC >> rate */
#define VMX_MISC_STORE_LMA         (1ull << 5)
#define VMX_MISC_ACT_HLT           (1ull << 6)
#define VMX_MISC_ACT_SHUTDOWN      (1ull << 7)
#define VMX_MISC_ACT_WAIT_SIPI     (1ull << 8)
#define VMX_MISC_CR3_TARGETS(m)    ((unsigned)(((m) >> 16) & 0x1ffu))
#define VMX_MISC_MAX_MSR_LIST(m)   (512u * ((unsigned)(((m) >> 25) & 7u) + 1u))
#define VMX_MISC_VMWRITE_ANY       (1ull << 29)
#define VMX_MISC_ZERO_LEN_INJECT   (1ull << 30)
#define VMX_MISC_MSEG_REVISION(m)  ((uint32_t)((m) >> 32))

/* IA32_VMX_EPT_VPID_CAP: SDM Vol. 3D, "VPID and EPT Capabilities". */
#define EPT_CAP_EXEC_ONLY          (1ull << 0)
#define EPT_CAP_WALK_4             (1ull << 6)
#define EPT_CAP_WALK_5             (1ull << 7)
#define EPT_CAP_MEMTYPE_UC         (1ull << 8)
#define EPT_CAP_MEMTYPE_WB         (1ull << 14)
#define EPT_CAP_2MB_PAGES          (1ull << 16)
#define EPT_CAP_1GB_PAGES          (1ull << 17)
#define EPT_CAP_INVEPT             (1ull << 20)
#define EPT_CAP_AD_FLAGS           (1ull << 21)
#define EPT_CAP_ADV_EXIT_INFO      (1ull << 22)
#define EPT_CAP_INVEPT_SINGLE      (1ull << 25)
#define EPT_CAP_INVEPT_ALL         (1ull << 26)
#define VPID_CAP_INVVPID           (1ull << 32)
#define VPID_CAP_INVVPID_ADDR      (1ull << 40)
#define VPID_CAP_INVVPID_SINGLE    (1ull << 41)
#define VPID_CAP_INVVPID_ALL       (1ull << 42)
#define VPID_CAP_INVVPID_SINGLE_NG (1ull << 43)

/* INVEPT / INVVPID types: SDM Vol. 2, "INVEPT" and "INVVPID". */
#define INVEPT_SINGLE_CONTEXT   1u
#define INVEPT_ALL_CONTEXT      2u
#define INVVPID_ADDRESS         0u
#define INVVPID_SINGLE_CONTEXT  1u
#define INVVPID_ALL_CONTEXT     2u
#define INVVPID_SINGLE_NO_GLOBALS 3u

/* ---- VMCS fields (vmx_fields.def). Encoding layout: SDM Vol. 3C, "VMREAD,
 * VMWRITE, and Encodings of VMCS Fields". */
#define VMCS_ENC_HIGH(e)   ((e) & 1u)               /* access type: high half */
#define VMCS_ENC_INDEX(e)  (((e) >> 1) & 0x1ffu)
#define VMCS_ENC_TYPE(e)   (((e) >> 10) & 3u)
#define VMCS_ENC_WIDTH(e)  (((e) >> 13) & 3u)
#define VMCS_ENC_RESERVED(e) ((e) & 0xffff9000u)    /* bits 31:15 and 12 */
enum vmcs_field_type { VMCS_TYPE_CONTROL = 0, VMCS_TYPE_RO_DATA = 1,
                       VMCS_TYPE_GUEST = 2, VMCS_TYPE_HOST = 3 };
enum vmcs_width { W16 = 0, W64 = 1, W32 = 2, WNAT = 3 };

/* When a field exists (the notes under the SDM's field tables): */
enum vmcs_req {
    VMCS_REQ_ALWAYS,
    VMCS_REQ_VPID,          /* 1-setting of "enable VPID" */
    VMCS_REQ_POSTED_INTR,   /* "process posted interrupts" */
    VMCS_REQ_EPT_VE,        /* "EPT-violation #VE" */
    VMCS_REQ_VID,           /* "virtual-interrupt delivery" */
    VMCS_REQ_PML,           /* "enable PML" */
    VMCS_REQ_MSR_BITMAP,    /* "use MSR bitmaps" */
    VMCS_REQ_TPR_SHADOW,    /* "use TPR shadow" */
    VMCS_REQ_APIC_ACCESS,   /* "virtualize APIC accesses" */
    VMCS_REQ_VMFUNC,        /* "enable VM functions" */
    VMCS_REQ_EPT,           /* "enable EPT" */
    VMCS_REQ_EPTP_SWITCH,   /* "EPTP switching" VM function */
    VMCS_REQ_VMCS_SHADOW,   /* "VMCS shadowing" */
    VMCS_REQ_XSAVES,        /* "enable XSAVES/XRSTORS" */
    VMCS_REQ_ENCLS,         /* "enable ENCLS exiting" */
    VMCS_REQ_SPP,           /* "sub-page write permissions for EPT" */
    VMCS_REQ_TSC_SCALING,   /* "use TSC scaling" */
    VMCS_REQ_PROC3,         /* "activate tertiary controls" */
    VMCS_REQ_ENCLV,         /* "enable ENCLV exiting" */
    VMCS_REQ_PAT,           /* "load IA32_PAT" (entry) or "save IA32_PAT" (exit) */
    VMCS_REQ_EFER,          /* "load IA32_EFER" (entry) or "save IA32_EFER" (exit) */
    VMCS_REQ_PERF_GLOBAL,   /* "load IA32_PERF_GLOBAL_CTRL" (entry) */
    VMCS_REQ_BNDCFGS,       /* "load IA32_BNDCFGS" or "clear IA32_BNDCFGS" */
    VMCS_REQ_RTIT,          /* "load IA32_RTIT_CTL" or "clear IA32_RTIT_CTL" */
    VMCS_REQ_LBR,           /* "load guest IA32_LBR_CTL" or "clear IA32_LBR_CTL" */
    VMCS_REQ_PKRS,          /* "load PKRS" (entry) */
    VMCS_REQ_PAT_HOST,      /* "load IA32_PAT" (exit) */
    VMCS_REQ_EFER_HOST,     /* "load IA32_EFER" (exit) */
    VMCS_REQ_PERF_GLOBAL_HOST, /* "load IA32_PERF_GLOBAL_CTRL" (exit) */
    VMCS_REQ_PKRS_HOST,     /* "load PKRS" (exit) */
    VMCS_REQ_PROC2,         /* "activate secondary controls" */
    VMCS_REQ_PLE,           /* "PAUSE-loop exiting" */
    VMCS_REQ_PREEMPT,       /* "activate VMX-preemption timer" */
    VMCS_REQ_CET,           /* "load CET state" (entry) */
    VMCS_REQ_CET_HOST,      /* "load CET state" (exit) */
};

enum vmcs_field {
#define VMCS_FIELD(name, enc, width, req, sdm) VMCS_##name = enc,
#include "vmx_fields.def"
};

/* ---- Exit reasons (vmx_exit_reasons.def). SDM Vol. 3C, "Basic VM-Exit
 * Information": bits 15:0 basic reason, bit 31 VM-entry failure. */
enum vmx_exit_reason {
#define EXIT_REASON(num, name, sdm) EXIT_REASON_##name = num,
#include "vmx_exit_reasons.def"
};
#define EXIT_REASON_BASIC(r)        ((r) & 0xffffu)
#define EXIT_REASON_ENTRY_FAILURE   (1u << 31)
#define EXIT_REASON_MAX             76u      /* table bound: reasons < this */

/* ---- VM-instruction errors (vmx_errors.def). */
enum vmx_instruction_error {
#define VMX_ERROR(num, name, sdm) VMXERR_##name = num,
#include "vmx_errors.def"
};
#define VMXERR_MAX 29u

/* ---- Control bits (vmx_controls.def): the enumerators are bit numbers,
 * <WORD>_<NAME>_BIT (bit 31 does not fit an int enumerator as a mask);
 * VMX_CTL(PROC_HLT_EXITING) is the 32-bit mask. */
enum vmx_control_bit {
#define VMX_CONTROL(word, bit, name, sdm) word##_##name##_BIT = bit,
#include "vmx_controls.def"
};
#define VMX_CTL(name) (1u << (name##_BIT))
enum vmx_control_word { VMX_PIN, VMX_PROC, VMX_PROC2, VMX_EXIT, VMX_ENTRY, VMX_CONTROL_WORDS };
/* The "default1" class: reserved bits that are 1 unless the TRUE_ MSRs say
 * otherwise. SDM Vol. 3D, "VM-Execution Controls" ... "VM-Entry Controls"
 * in the capability appendix. */
#define PIN_DEFAULT1    0x00000016u   /* bits 1, 2, 4 */
#define PROC_DEFAULT1   0x0401e172u   /* bits 1, 4-6, 8, 13-16, 26 */
#define EXIT_DEFAULT1   0x00036dffu   /* bits 0-8, 10, 11, 13, 14, 16, 17 */
#define ENTRY_DEFAULT1  0x000011ffu   /* bits 0-8, 12 */

/* ---- Event injection / exit interruption information: SDM Vol. 3C,
 * "VM-Entry Controls for Event Injection" and "Information for VM Exits Due
 * to Vectored Events". */
#define INTR_INFO_VECTOR(i)        ((i) & 0xffu)
#define INTR_INFO_TYPE(i)          (((i) >> 8) & 7u)
#define INTR_INFO_TYPE_SHIFT       8
#define INTR_INFO_DELIVER_CODE     (1u << 11)
#define INTR_INFO_NMI_UNBLOCK_IRET (1u << 12)
#define INTR_INFO_VALID            (1u << 31)
#define INTR_TYPE_EXT_INTR         0u
#define INTR_TYPE_NMI              2u
#define INTR_TYPE_HW_EXCEPTION     3u
#define INTR_TYPE_SW_INTR          4u
#define INTR_TYPE_PRIV_SW_EXCEPTION 5u
#define INTR_TYPE_SW_EXCEPTION     6u
#define INTR_TYPE_OTHER            7u

/* Guest interruptibility state and activity state: SDM Vol. 3C, "Guest
 * Non-Register State". */
#define INTERRUPTIBILITY_STI       (1u << 0)
#define INTERRUPTIBILITY_MOV_SS    (1u << 1)
#define INTERRUPTIBILITY_SMI       (1u << 2)
#define INTERRUPTIBILITY_NMI       (1u << 3)
#define ACTIVITY_ACTIVE            0u
#define ACTIVITY_HLT               1u
#define ACTIVITY_SHUTDOWN          2u
#define ACTIVITY_WAIT_SIPI         3u

/* ---- Exit qualifications: SDM Vol. 3C, "Exit Qualification for VM Exits
 * Due to ..." tables. */
/* Control-register accesses */
#define CRQ_CR(q)            ((unsigned)((q) & 0xfu))
#define CRQ_ACCESS(q)        ((unsigned)(((q) >> 4) & 3u))
#define CRQ_ACCESS_MOV_TO    0u
#define CRQ_ACCESS_MOV_FROM  1u
#define CRQ_ACCESS_CLTS      2u
#define CRQ_ACCESS_LMSW      3u
#define CRQ_LMSW_MEMORY      (1u << 6)
#define CRQ_GPR(q)           ((unsigned)(((q) >> 8) & 0xfu))
#define CRQ_LMSW_DATA(q)     ((unsigned)(((q) >> 16) & 0xffffu))
/* I/O instructions */
#define IOQ_SIZE(q)          ((unsigned)((q) & 7u) + 1u)   /* 1, 2 or 4 bytes */
#define IOQ_IN               (1u << 3)
#define IOQ_STRING           (1u << 4)
#define IOQ_REP              (1u << 5)
#define IOQ_IMMEDIATE        (1u << 6)
#define IOQ_PORT(q)          ((unsigned)(((q) >> 16) & 0xffffu))
/* EPT violations */
#define EPTQ_READ            (1u << 0)
#define EPTQ_WRITE           (1u << 1)
#define EPTQ_FETCH           (1u << 2)
#define EPTQ_READABLE        (1u << 3)
#define EPTQ_WRITABLE        (1u << 4)
#define EPTQ_EXECUTABLE      (1u << 5)
#define EPTQ_LINEAR_VALID    (1u << 7)
#define EPTQ_LINEAR_TRANSLATION (1u << 8)
/* VM-entry failures (exit reason 33/34): SDM "VM-Entry Failures During or
 * After Loading Guest State". */
#define ENTRYQ_DEFAULT       0u
#define ENTRYQ_PDPTE         2u
#define ENTRYQ_NMI_INJECT    3u
#define ENTRYQ_LINK_POINTER  4u

/* VM-exit instruction information for INS/OUTS: address size in bits 9:7
 * (0 16-bit, 1 32-bit, 2 64-bit). SDM "VM-Exit Instruction Information". */
#define INSNINFO_ADDR_SIZE(i) (((i) >> 7) & 7u)

/* ---- EPT: SDM Vol. 3C, "EPT Translation Mechanism" and "Format of
 * Extended-Page-Table Pointer". */
#define EPTP_MEMTYPE(t)      ((uint64_t)(t) & 7u)
#define EPTP_WALK_LENGTH(n)  ((uint64_t)((n) - 1) << 3)
#define EPTP_AD_ENABLE       (1ull << 6)
#define EPT_READ             (1ull << 0)
#define EPT_WRITE            (1ull << 1)
#define EPT_EXEC             (1ull << 2)
#define EPT_RWX              (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MEMTYPE(t)       ((uint64_t)(t) << 3)   /* leaf entries */
#define EPT_IGNORE_PAT       (1ull << 6)
#define EPT_LARGE            (1ull << 7)
#define EPT_ADDR_MASK        0x000ffffffffff000ull

/* I/O bitmaps: A covers ports 0000H-7FFFH, B 8000H-FFFFH; MSR bitmap:
 * read-low, read-high, write-low, write-high, 1 KiB each, for MSRs
 * 00000000H-00001FFFH and C0000000H-C0001FFFH. SDM Vol. 3C, "I/O-Bitmap
 * Addresses" and "MSR-Bitmap Address". */
#define MSR_BITMAP_READ_LOW   0x000u
#define MSR_BITMAP_READ_HIGH  0x400u
#define MSR_BITMAP_WRITE_LOW  0x800u
#define MSR_BITMAP_WRITE_HIGH 0xc00u

#endif
