/* The CPUID feature bits vtx advertises: the one place that says what is
 * implemented. Extensions are added here only with their instructions. */
#ifndef EMU_FEATURES_H
#define EMU_FEATURES_H

#include <float.h>

#include "cpu.h"
#include "x86/cpuid.h"

/* CPUID.1:EAX, also EDX after reset and INIT: family 6, model 0x5e,
 * stepping 3. */
#define CPU_SIGNATURE 0x000506e3u

/* The x87 unit computes with the host's long double: offered only where
 * that is the 80-bit extended format (x87.h). */
#if LDBL_MANT_DIG == 64 && LDBL_MAX_EXP == 16384
#define FEAT_X87 CPUID_1_EDX_FPU
#else
#define FEAT_X87 0u
#endif

/* MCE/MCA: machine-check architecture with no banks (msr.c). */
#define FEAT_1_EDX (FEAT_X87 | CPUID_1_EDX_DE | CPUID_1_EDX_PSE | CPUID_1_EDX_TSC | CPUID_1_EDX_MSR | \
                    CPUID_1_EDX_MCE | CPUID_1_EDX_MCA | CPUID_1_EDX_APIC | \
                    CPUID_1_EDX_PAE | CPUID_1_EDX_CX8 | CPUID_1_EDX_SEP | CPUID_1_EDX_PGE | \
                    CPUID_1_EDX_CMOV | CPUID_1_EDX_PAT | CPUID_1_EDX_PSE36 | CPUID_1_EDX_CLFSH | \
                    CPUID_1_EDX_MMX | CPUID_1_EDX_FXSR | CPUID_1_EDX_SSE | CPUID_1_EDX_SSE2)
#define FEAT_1_ECX (CPUID_1_ECX_CX16 | CPUID_1_ECX_PCID | CPUID_1_ECX_MOVBE | CPUID_1_ECX_POPCNT | \
                    CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSCDL)
#define FEAT_7_EBX (CPUID_7_EBX_FSGSBASE | CPUID_7_EBX_TSC_ADJUST | CPUID_7_EBX_SMEP | CPUID_7_EBX_ERMS | \
                    CPUID_7_EBX_INVPCID | CPUID_7_EBX_SMAP)
#define FEAT_81_ECX (CPUID_81_ECX_LAHF | CPUID_81_ECX_LZCNT | CPUID_81_ECX_PREFETCHW)
#define FEAT_81_EDX (CPUID_81_EDX_SYSCALL | CPUID_81_EDX_NX | CPUID_81_EDX_PAGE1GB | \
                     CPUID_81_EDX_RDTSCP | CPUID_81_EDX_LM)

void cpuid_query(struct cpu *c, uint32_t leaf, uint32_t sub, uint32_t out[4]);

#endif
