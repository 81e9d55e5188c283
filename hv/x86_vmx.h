/* One static inline per VMX instruction (SDM Vol. 2, "VMX Instruction
 * Reference"), each returning the instruction's outcome from RFLAGS:
 * VMsucceed (CF=0, ZF=0), VMfailInvalid (CF=1: no current VMCS / bad
 * pointer) or VMfailValid (ZF=1: the error number is in the current VMCS's
 * VM-instruction error field). SDM Vol. 3C, "Conventions" in the VMX
 * instruction reference. */
#ifndef HV_X86_VMX_H
#define HV_X86_VMX_H

#include <stdint.h>
#include <stdbool.h>
#include "x86/vmx.h"

enum vmx_status { VMX_OK = 0, VMX_FAIL_INVALID = 1, VMX_FAIL_VALID = 2 };

static inline enum vmx_status vmx_outcome(bool cf, bool zf)
{
    return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

static inline enum vmx_status vmxon(uint64_t region_pa)
{
    bool cf, zf;
    asm volatile("vmxon %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(region_pa) : "memory");
    return vmx_outcome(cf, zf);
}

static inline enum vmx_status vmxoff(void)
{
    bool cf, zf;
    asm volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf) :: "memory");
    return vmx_outcome(cf, zf);
}

static inline enum vmx_status vmclear(uint64_t vmcs_pa)
{
    bool cf, zf;
    asm volatile("vmclear %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(vmcs_pa) : "memory");
    return vmx_outcome(cf, zf);
}

static inline enum vmx_status vmptrld(uint64_t vmcs_pa)
{
    bool cf, zf;
    asm volatile("vmptrld %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(vmcs_pa) : "memory");
    return vmx_outcome(cf, zf);
}

static inline enum vmx_status vmptrst(uint64_t *vmcs_pa)
{
    bool cf, zf;
    asm volatile("vmptrst %2" : "=@ccc"(cf), "=@ccz"(zf), "=m"(*vmcs_pa) :: "memory");
    return vmx_outcome(cf, zf);
}

static inline enum vmx_status vmread(uint32_t field, uint64_t *value)
{
    bool cf, zf;
    asm volatile("vmread %3, %2" : "=@ccc"(cf), "=@ccz"(zf), "=rm"(*value)
                 : "r"((uint64_t)field) : "memory");
    return vmx_outcome(cf, zf);
}

static inline enum vmx_status vmwrite(uint32_t field, uint64_t value)
{
    bool cf, zf;
    asm volatile("vmwrite %2, %3" : "=@ccc"(cf), "=@ccz"(zf)
                 : "rm"(value), "r"((uint64_t)field) : "memory");
    return vmx_outcome(cf, zf);
}

struct invept_desc { uint64_t eptp, reserved; };
static inline enum vmx_status invept(uint64_t type, uint64_t eptp)
{
    struct invept_desc d = { eptp, 0 };
    bool cf, zf;
    asm volatile("invept %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(d), "r"(type) : "memory");
    return vmx_outcome(cf, zf);
}

struct invvpid_desc { uint64_t vpid, linear; };
static inline enum vmx_status invvpid(uint64_t type, uint16_t vpid, uint64_t linear)
{
    struct invvpid_desc d = { vpid, linear };
    bool cf, zf;
    asm volatile("invvpid %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(d), "r"(type) : "memory");
    return vmx_outcome(cf, zf);
}

/* VMREAD / VMWRITE of fields hv knows exist, outcome checked: a failure
 * is reported (vmcs_setup.c) with the field's name and the VM-instruction
 * error, and a failed read gives 0. */
void vmx_access_failed(const char *insn, uint32_t field, enum vmx_status st);

static inline uint64_t vmr(uint32_t field)
{
    uint64_t v = 0;
    enum vmx_status st = vmread(field, &v);
    if (st != VMX_OK) {
        vmx_access_failed("VMREAD", field, st);
        v = 0;
    }
    return v;
}

static inline void vmw_now(uint32_t field, uint64_t value)
{
    enum vmx_status st = vmwrite(field, value);
    if (st != VMX_OK)
        vmx_access_failed("VMWRITE", field, st);
}

/* FXSAVE/FXRSTOR of a VM's x87/SSE state (SDM Vol. 2, FXSAVE). */
static inline void fxsave64(void *area) { asm volatile("fxsave64 (%0)" :: "r"(area) : "memory"); }
static inline void fxrstor64(const void *area) { asm volatile("fxrstor64 (%0)" :: "r"(area) : "memory"); }

#define DEFINE_DR(n) \
    static inline uint64_t read_dr##n(void) { uint64_t v; asm volatile("mov %%dr" #n ", %0" : "=r"(v)); return v; } \
    static inline void write_dr##n(uint64_t v) { asm volatile("mov %0, %%dr" #n :: "r"(v)); }
DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
#undef DEFINE_DR

#endif
