/* CPUID feature bits — SDM Vol. 2 "CPUID—CPU Identification". */
#ifndef X86_CPUID_H
#define X86_CPUID_H

/* Leaf 1 EDX */
#define CPUID_1_EDX_FPU   (1u << 0)
#define CPUID_1_EDX_VME   (1u << 1)
#define CPUID_1_EDX_DE    (1u << 2)
#define CPUID_1_EDX_PSE   (1u << 3)
#define CPUID_1_EDX_TSC   (1u << 4)
#define CPUID_1_EDX_MSR   (1u << 5)
#define CPUID_1_EDX_PAE   (1u << 6)
#define CPUID_1_EDX_MCE   (1u << 7)
#define CPUID_1_EDX_CX8   (1u << 8)
#define CPUID_1_EDX_APIC  (1u << 9)
#define CPUID_1_EDX_SEP   (1u << 11)
#define CPUID_1_EDX_MTRR  (1u << 12)
#define CPUID_1_EDX_PGE   (1u << 13)
#define CPUID_1_EDX_MCA   (1u << 14)
#define CPUID_1_EDX_CMOV  (1u << 15)
#define CPUID_1_EDX_PAT   (1u << 16)
#define CPUID_1_EDX_PSE36 (1u << 17)
#define CPUID_1_EDX_CLFSH (1u << 19)
#define CPUID_1_EDX_MMX   (1u << 23)
#define CPUID_1_EDX_FXSR  (1u << 24)
#define CPUID_1_EDX_SSE   (1u << 25)
#define CPUID_1_EDX_SSE2  (1u << 26)

/* Leaf 1 ECX */
#define CPUID_1_ECX_SSE3    (1u << 0)
#define CPUID_1_ECX_VMX     (1u << 5)
#define CPUID_1_ECX_SSSE3   (1u << 9)
#define CPUID_1_ECX_CX16    (1u << 13)
#define CPUID_1_ECX_PCID    (1u << 17)
#define CPUID_1_ECX_X2APIC  (1u << 21)
#define CPUID_1_ECX_MOVBE   (1u << 22)
#define CPUID_1_ECX_POPCNT  (1u << 23)
#define CPUID_1_ECX_TSCDL   (1u << 24)
#define CPUID_1_ECX_XSAVE   (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)

/* Leaf 7 subleaf 0 EBX */
#define CPUID_7_EBX_FSGSBASE (1u << 0)
#define CPUID_7_EBX_TSC_ADJUST (1u << 1)
#define CPUID_7_EBX_BMI1     (1u << 3)
#define CPUID_7_EBX_SMEP     (1u << 7)
#define CPUID_7_EBX_ERMS     (1u << 9)
#define CPUID_7_EBX_INVPCID  (1u << 10)
#define CPUID_7_EBX_SMAP     (1u << 20)

/* Leaf 0x80000001 */
#define CPUID_81_ECX_LAHF    (1u << 0)
#define CPUID_81_ECX_LZCNT   (1u << 5)
#define CPUID_81_ECX_PREFETCHW (1u << 8)
#define CPUID_81_EDX_SYSCALL (1u << 11)
#define CPUID_81_EDX_NX      (1u << 20)
#define CPUID_81_EDX_PAGE1GB (1u << 26)
#define CPUID_81_EDX_RDTSCP  (1u << 27)
#define CPUID_81_EDX_LM      (1u << 29)

/* Leaf 0x80000007 EDX */
#define CPUID_87_EDX_INVTSC  (1u << 8)

#endif
