/* RFLAGS bits — SDM Vol. 1, "EFLAGS Register". */
#ifndef X86_FLAGS_H
#define X86_FLAGS_H

#define RFLAGS_CF   (1u << 0)
#define RFLAGS_FIXED1 (1u << 1)      /* bit 1 always reads 1 */
#define RFLAGS_PF   (1u << 2)
#define RFLAGS_AF   (1u << 4)
#define RFLAGS_ZF   (1u << 6)
#define RFLAGS_SF   (1u << 7)
#define RFLAGS_TF   (1u << 8)
#define RFLAGS_IF   (1u << 9)
#define RFLAGS_DF   (1u << 10)
#define RFLAGS_OF   (1u << 11)
#define RFLAGS_IOPL (3u << 12)
#define RFLAGS_IOPL_SHIFT 12
#define RFLAGS_NT   (1u << 14)
#define RFLAGS_RF   (1u << 16)
#define RFLAGS_VM   (1u << 17)
#define RFLAGS_AC   (1u << 18)
#define RFLAGS_VIF  (1u << 19)
#define RFLAGS_VIP  (1u << 20)
#define RFLAGS_ID   (1u << 21)

/* The six status flags (arithmetic flags). */
#define RFLAGS_ARITH (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF)

#endif
