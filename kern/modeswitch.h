/* What pm32_call (modeswitch.S) needs in the caller's GDT; usable from C and
 * from assembly. Entries 1..3 of that GDT must be, in this order: */
#ifndef KERN_MODESWITCH_H
#define KERN_MODESWITCH_H

#define PM32_SEL_CODE32 0x08    /* 32-bit code, base 0, limit 4 GiB */
#define PM32_SEL_DATA32 0x10    /* 32-bit data, base 0, limit 4 GiB */
#define PM32_SEL_CODE64 0x18    /* 64-bit code */

#ifdef __ASSEMBLER__
/* The null descriptor and entries 1..3: start the caller's GDT with it. */
.macro PM32_GDT_HEAD
    .quad 0
    .quad 0x00cf9a000000ffff        /* PM32_SEL_CODE32 */
    .quad 0x00cf92000000ffff        /* PM32_SEL_DATA32 */
    .quad 0x00af9a000000ffff        /* PM32_SEL_CODE64 */
.endm
#endif

#endif
