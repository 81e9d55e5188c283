/* hv's hypercall interface (VMCALL), shared by hv and its guests.
 *
 * A guest at CPL 0 executes VMCALL (0F 01 C1) with the function number in
 * RAX and arguments in RBX, RCX, RDX; the result comes back in RAX (other
 * registers are preserved unless a function says otherwise). In 32-bit and
 * 16-bit guests the low 32 bits of each register are used. A negative RAX is
 * an error (HC_E*). Find hv with CPUID leaf 0x40000000: EBX, ECX, EDX hold
 * the signature HV_SIGNATURE, EAX the highest hypervisor leaf.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#define HV_SIGNATURE     "vtx-hv-vtxhv"   /* 12 bytes: EBX, ECX, EDX */
#define HV_CPUID_BASE    0x40000000u      /* EAX = max leaf, EBX:ECX:EDX = signature */
#define HV_CPUID_VERSION 0x40000001u      /* EAX = HV_ABI_VERSION */
#define HV_ABI_VERSION   1

#define HC_VERSION  0   /* -> RAX = HV_ABI_VERSION */
#define HC_PRINT    1   /* RBX = guest-virtual address, RCX = length (<= 4096)
                           -> RAX = bytes printed on the VM's console */
#define HC_GET_ID   2   /* -> RAX = this VM's id (0, 1, ...), RBX = number of VMs */
#define HC_YIELD    3   /* give the CPU to the next VM -> RAX = 0 */
#define HC_EXIT     4   /* RBX = exit status; the VM ends, VMCALL does not return */

#define HC_ENOSYS   (-1)    /* unknown function number */
#define HC_EFAULT   (-2)    /* a guest address is not mapped or not RAM */
#define HC_EPERM    (-3)    /* VMCALL from CPL > 0 */
#define HC_EINVAL   (-4)    /* bad argument (e.g. length > 4096) */

#define HC_PRINT_MAX 4096

#endif
