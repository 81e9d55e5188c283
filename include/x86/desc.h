/* Segment descriptors and selectors — SDM Vol. 3A, "Segment Descriptors". */
#ifndef X86_DESC_H
#define X86_DESC_H

#define SEL_RPL(s)  ((s) & 3u)
#define SEL_TI      4u
#define SEL_INDEX(s) ((s) >> 3)

/* Access-rights word in the VMX layout (SDM Vol. 3C "Guest Register State"):
 * bits 3:0 type, 4 S, 6:5 DPL, 7 P, 12 AVL, 13 L, 14 D/B, 15 G, 16 unusable.
 * The CPU model keeps every segment's attributes in this form. */
#define AR_TYPE(a)  ((a) & 0xfu)
#define AR_S        (1u << 4)
#define AR_DPL(a)   (((a) >> 5) & 3u)
#define AR_DPL_SHIFT 5
#define AR_P        (1u << 7)
#define AR_AVL      (1u << 12)
#define AR_L        (1u << 13)
#define AR_DB       (1u << 14)
#define AR_G        (1u << 15)
#define AR_UNUSABLE (1u << 16)

/* Code/data type bits (S = 1). */
#define SEGT_ACCESSED 1u
#define SEGT_WRITABLE 2u   /* data */
#define SEGT_READABLE 2u   /* code */
#define SEGT_EXPDOWN  4u   /* data */
#define SEGT_CONFORM  4u   /* code */
#define SEGT_CODE     8u

/* System descriptor types (S = 0). */
#define SYS_LDT        2u
#define SYS_TSS16_AVL  1u
#define SYS_TSS16_BUSY 3u
#define SYS_CALLGATE16 4u
#define SYS_TASKGATE   5u
#define SYS_INTGATE16  6u
#define SYS_TRAPGATE16 7u
#define SYS_TSS_AVL    9u
#define SYS_TSS_BUSY   11u
#define SYS_CALLGATE   12u
#define SYS_INTGATE    14u
#define SYS_TRAPGATE   15u

/* Convert the high dword of a descriptor to the AR word and back. */
#define DESC_HI_TO_AR(hi) ((((hi) >> 8) & 0xffu) | (((hi) >> 8) & 0xf000u))

#endif
