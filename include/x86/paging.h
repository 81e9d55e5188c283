/* Paging-structure entry bits — SDM Vol. 3A, "Paging". */
#ifndef X86_PAGING_H
#define X86_PAGING_H

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_U    (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)
#define PTE_G    (1ull << 8)
#define PTE_PAT4K (1ull << 7)
#define PTE_NX   (1ull << 63)

#define PAGE_SIZE 4096ull
#define PAGE_MASK (~(PAGE_SIZE - 1))

#endif
