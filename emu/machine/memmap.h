/* RAM allocation and the PC memory map as firmware reports it (E820). */
#ifndef EMU_MEMMAP_H
#define EMU_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "machine.h"

/* E820 / multiboot memory-map types (ACPI spec, "System Address Map
 * Interfaces"; Multiboot Specification 0.6.96, "Boot information format"). */
#define MEM_TYPE_RAM      1
#define MEM_TYPE_RESERVED 2

struct mem_region {
    uint64_t base, len;
    uint32_t type;
};

#define MEMMAP_MAX_REGIONS 8

/* Firmware reserved areas that SeaBIOS reports on QEMU's pc machine. */
#define MEM_EBDA_BASE   0x9FC00ull      /* extended BIOS data area, 1 KiB */
#define MEM_BIOS_BASE   0xF0000ull      /* system BIOS ROM, 64 KiB */
#define MEM_1M          0x100000ull
#define MEM_FLASH_BASE  0xFFFC0000ull   /* BIOS flash alias below 4 GiB, 256 KiB */

/* Allocate m's RAM (rounded up to 4 KiB) and the per-page arrays. */
bool memmap_init(struct machine *m, uint64_t ram, char *err, size_t errlen);
void memmap_free(struct machine *m);
/* The memory map in ascending order; returns the number of regions. */
int memmap_regions(const struct machine *m, struct mem_region *out);

#endif
