/* Where hv puts things in a guest's RAM (guest-physical addresses).
 * Built-in 64-bit guests: page tables, GDT and TSS below their image at
 * 1 MiB; the stack grows down from G64_STACK_TOP.
 * Multiboot guests: GDT, TSS and the multiboot information in the first
 * pages, the kernel where its ELF or a.out-kludge header says (>= 1 MiB).
 * Real-mode guests: image at 0000:7C00, stack below it. */
#ifndef HV_GUEST_LAYOUT_H
#define HV_GUEST_LAYOUT_H

#define G64_PML4       0x10000ull
#define G64_PDPT       0x11000ull
#define G64_PD         0x12000ull     /* 4 pages: 4 GiB of 2-MiB pages */
#define G64_GDT        0x16000ull
#define G64_TSS        0x16100ull
#define G64_STACK_TOP  0xff000ull
#define G64_IMAGE      0x100000ull

#define MB_GDT         0x1000ull
#define MB_TSS         0x1080ull
#define MB_INFO        0x2000ull      /* struct multiboot_info */
#define MB_MMAP        0x2100ull
#define MB_LOADER_NAME 0x2200ull
#define MB_CMDLINE     0x2300ull
#define MB_CMDLINE_MAX 0xd00ull
#define MB_LOW_END     0x9fc00ull     /* mem_lower = 639 KiB */

#define REAL_ENTRY     0x7c00ull
#define REAL_STACK_TOP 0x7000ull

#define BUILTIN_RAM    (4ull << 20)

#endif
