/* Model-specific registers — SDM Vol. 4, "Model-Specific Registers". */
#ifndef X86_MSR_H
#define X86_MSR_H

#define MSR_IA32_TSC               0x00000010u
#define MSR_IA32_APIC_BASE         0x0000001bu
#define MSR_IA32_FEATURE_CONTROL   0x0000003au
#define MSR_IA32_TSC_ADJUST        0x0000003bu
#define MSR_IA32_SPEC_CTRL         0x00000048u
#define MSR_IA32_BIOS_SIGN_ID      0x0000008bu
#define MSR_IA32_MTRRCAP           0x000000feu
#define MSR_IA32_SYSENTER_CS       0x00000174u
#define MSR_IA32_SYSENTER_ESP      0x00000175u
#define MSR_IA32_SYSENTER_EIP      0x00000176u
#define MSR_IA32_MCG_CAP           0x00000179u
#define MSR_IA32_MCG_STATUS        0x0000017au
#define MSR_IA32_MISC_ENABLE       0x000001a0u
/* IA32_MISC_ENABLE bits (SDM Vol. 4, architectural MSRs): writable 0 (fast
 * strings), 3 (automatic thermal control), 16 (SpeedStep), 18 (MONITOR
 * FSM), 22 (limit CPUID maxval: CPUID.0:EAX reads 2), 23 (xTPR disable),
 * 34 (XD disable: no NX); read-only 7 (performance monitoring available),
 * 11 (BTS unavailable), 12 (PEBS unavailable); the rest reserved. */
#define MISC_ENABLE_FAST_STRINGS   (1ull << 0)
#define MISC_ENABLE_LIMIT_CPUID    (1ull << 22)
#define MISC_ENABLE_XD_DISABLE     (1ull << 34)
#define MISC_ENABLE_WRITABLE       0x400c50009ull
#define MISC_ENABLE_READ_ONLY      0x1880ull
#define MSR_IA32_MTRR_DEF_TYPE     0x000002ffu
#define MSR_IA32_PAT               0x00000277u
#define MSR_IA32_TSC_DEADLINE      0x000006e0u
#define MSR_IA32_EFER              0xc0000080u
#define MSR_IA32_STAR              0xc0000081u
#define MSR_IA32_LSTAR             0xc0000082u
#define MSR_IA32_CSTAR             0xc0000083u
#define MSR_IA32_FMASK             0xc0000084u
#define MSR_IA32_FS_BASE           0xc0000100u
#define MSR_IA32_GS_BASE           0xc0000101u
#define MSR_IA32_KERNEL_GS_BASE    0xc0000102u
#define MSR_IA32_TSC_AUX           0xc0000103u

#endif
