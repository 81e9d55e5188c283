/* The machine state at a multiboot kernel's entry. The Multiboot
 * Specification 0.6.96, 3.2 "Machine state", fixes EAX = 0x2BADB002,
 * EBX = the physical address of the information structure, 32-bit flat
 * protected mode with paging off and interrupts off, and leaves the rest
 * undefined. Kernels written for QEMU rely on more, which QEMU's loader
 * (SeaBIOS, then the multiboot option ROM pc-bios/optionrom/multiboot.S)
 * happens to leave; vtx leaves the same, as measured on QEMU 7.2:
 *   - a GDT of 5 entries (GDTR limit 0x27) with flat 32-bit code at 0x08
 *     and flat data at 0x10, CS = 0x08 and DS/ES/FS/GS/SS = 0x10, so a
 *     kernel may reload segment registers before installing its own GDT;
 *   - IDTR = the real-mode IVT (base 0, limit 0x3FF);
 *   - ESP = 0x6F08 (see boot_stack_top below);
 *   - EFLAGS = 0x00000006 (PF and the fixed bit: what the ROM's last
 *     arithmetic left; IF = 0, DF = 0);
 *   - the x87 unit as FNINIT leaves it (SeaBIOS runs FNINIT): FCW 0x037F,
 *     FSW 0, every register empty, pointers and opcode 0, unlike the power-up
 *     state (FCW 0x0040, SDM Vol. 1 "FPU initialization"). */
#include "loader.h"

#include <string.h>

#include "cpu/cpu.h"
#include "machine.h"

/* The option ROM's GDT (multiboot.S "gdt"), as it reads in memory at the
 * kernel's entry: the data descriptor has its accessed bit set by the
 * ROM's segment loads, the code descriptor does not. 0x18 and 0x20 are
 * 16-bit code and data, used by the ROM on its way in. */
static const uint8_t boot_gdt[MB_GDT_SIZE] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   /* 0x00 null */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00,   /* 0x08 code, 32-bit, 4 GiB */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00,   /* 0x10 data, 32-bit, 4 GiB */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9e, 0x00, 0x00,   /* 0x18 code, 16-bit, 64 KiB */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0x00, 0x00,   /* 0x20 data, 16-bit, 64 KiB */
};

/* SeaBIOS calls option ROMs on its stack below 0x7000 (BUILD_STACK_ADDR);
 * multiboot.S takes 0x30 bytes of it for its far-jump and GDT descriptors
 * and never touches ESP again, so the kernel starts with ESP = 0x6F08 —
 * usable RAM, below the boot information at 0x9000. */
#define BOOT_ESP     0x6F08u
#define BOOT_EFLAGS  0x00000006u
#define BOOT_IDT_LIMIT 0x3FFu

#define FPU_FNINIT_FCW 0x037F

/* The GDT goes to MB_GDT_ADDR, in the BIOS ROM area that the memory map
 * reports as reserved (loader.h), so a kernel that trusts the map does
 * not overwrite it before it has its own. With less than 1 MiB of RAM
 * there is no RAM there and the write is lost; the segment registers are
 * loaded all the same. */
void boot_write_gdt(struct machine *m)
{
    phys_copy_in(m, MB_GDT_ADDR, boot_gdt, sizeof boot_gdt);
}

/* FNINIT (SDM Vol. 2A "FINIT/FNINIT"): control word 037FH, status word
 * 0, tag word FFFFH (all empty: the abridged FXSAVE tag is 0), data and
 * instruction pointers and the last opcode 0. The registers keep their
 * contents. */
static void fpu_fninit(struct fpu *f)
{
    f->fcw = FPU_FNINIT_FCW;
    f->fsw = 0;
    f->ftw = 0;
    f->fop = 0;
    f->fip = f->fdp = 0;
    f->fcs = f->fds = 0;
}

void boot_cpu_multiboot(struct cpu *c, const struct mb_boot *b)
{
    cpu_set_flat32(c);   /* CS 0x08, the other segments 0x10, flat, CR0.PE */
    if (c->m)
        boot_write_gdt(c->m);
    c->gdtr.base = MB_GDT_ADDR;
    c->gdtr.limit = MB_GDT_SIZE - 1;
    c->idtr.base = 0;
    c->idtr.limit = BOOT_IDT_LIMIT;
    /* cpu_set_flat32 left the flags unmaterialised (lazy flags off), so
     * the whole register can be written; no mode-relevant bit changes. */
    c->rflags = BOOT_EFLAGS;
    fpu_fninit(&c->fpu);
    c->r[R_AX] = MB_BOOT_MAGIC;
    c->r[R_BX] = b->info;
    c->r[R_SP] = BOOT_ESP;
    c->rip = b->entry;
    c->halted = false;
}
