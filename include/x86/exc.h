/* Exception and interrupt vectors — SDM Vol. 3A, "Exception and Interrupt Reference". */
#ifndef X86_EXC_H
#define X86_EXC_H

enum x86_vector {
    EXC_DE = 0,   /* divide error */
    EXC_DB = 1,   /* debug */
    EXC_NMI = 2,
    EXC_BP = 3,   /* breakpoint (INT3) */
    EXC_OF = 4,   /* overflow (INTO) */
    EXC_BR = 5,   /* BOUND range exceeded */
    EXC_UD = 6,   /* invalid opcode */
    EXC_NM = 7,   /* device not available */
    EXC_DF = 8,   /* double fault */
    EXC_TS = 10,  /* invalid TSS */
    EXC_NP = 11,  /* segment not present */
    EXC_SS = 12,  /* stack-segment fault */
    EXC_GP = 13,  /* general protection */
    EXC_PF = 14,  /* page fault */
    EXC_MF = 16,  /* x87 floating-point error */
    EXC_AC = 17,  /* alignment check */
    EXC_MC = 18,  /* machine check */
    EXC_XM = 19,  /* SIMD floating-point */
    EXC_VE = 20,  /* virtualization exception */
    EXC_CP = 21,  /* control protection */
};

/* Page-fault error code bits — SDM Vol. 3A, "Page-Fault Exception (#PF)". */
#define PFEC_P    (1u << 0)
#define PFEC_W    (1u << 1)
#define PFEC_U    (1u << 2)
#define PFEC_RSVD (1u << 3)
#define PFEC_I    (1u << 4)
#define PFEC_PK   (1u << 5)

/* Selector error code bits — SDM Vol. 3A, "Error Code". */
#define ERRC_EXT  (1u << 0)
#define ERRC_IDT  (1u << 1)
#define ERRC_TI   (1u << 2)

#endif
