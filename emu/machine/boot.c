/* The machine state at a multiboot kernel's entry (Multiboot Specification
 * 0.6.96, 3.2 "Machine state"): EAX = 0x2BADB002, EBX = the physical
 * address of the information structure, 32-bit flat protected mode with
 * paging off, interrupts off. */
#include "loader.h"

#include "cpu/cpu.h"

void boot_cpu_multiboot(struct cpu *c, const struct mb_boot *b)
{
    cpu_set_flat32(c);
    c->r[R_AX] = MB_BOOT_MAGIC;
    c->r[R_BX] = b->info;
    c->rip = b->entry;
    c->halted = false;
}
