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

#define MEMMAP_MAX_REGIONS 12

/* Firmware reserved areas that SeaBIOS reports on QEMU's pc machine. */
#define MEM_EBDA_BASE   0x9FC00ull      /* extended BIOS data area, 1 KiB */
#define MEM_BIOS_BASE   0xF0000ull      /* system BIOS ROM, 64 KiB */
#define MEM_1M          0x100000ull
#define MEM_FLASH_BASE  0xFFFC0000ull   /* BIOS flash alias below 4 GiB, 256 KiB */
/* SeaBIOS keeps its tables at the top of the RAM below 4 GiB and reports
 * that as reserved (src/malloc.c malloc_preinit, BUILD_MAX_HIGHTABLE:
 * 128 KiB in the SeaBIOS 1.16 that QEMU 7.2 runs, as measured). */
#define MEM_HIGHTABLE_SIZE 0x20000ull
/* q35 only: PCIe MMCONFIG (256 MiB) and the ICH9 root complex register
 * block (16 KiB), reserved by SeaBIOS on the q35 machine. */
#define MEM_Q35_MMCONFIG_BASE 0xB0000000ull
#define MEM_Q35_MMCONFIG_SIZE 0x10000000ull
#define MEM_Q35_RCBA_BASE     0xFED1C000ull
#define MEM_Q35_RCBA_SIZE     0x4000ull
/* The HyperTransport window below 1 TiB that QEMU 7.1+ reserves for AMD
 * vCPUs (hw/i386/pc.c pc_memory_init: AMD_HT_START / AMD_HT_SIZE). */
#define MEM_AMD_HT_BASE 0xFD00000000ull
#define MEM_AMD_HT_END  0x10000000000ull
/* Largest RAM below 4 GiB that vtx accepts (-machine max-ram-below-4g):
 * above it are the I/O APIC, HPET, local APIC and BIOS flash. */
#define MEM_LOW_LIMIT   0xFEC00000ull

/* How much of `ram` bytes QEMU maps below 4 GiB on machine `type`, with
 * max-ram-below-4g `max_below` (0: the machine's default). */
uint64_t memmap_below_4g(enum machine_type type, uint64_t ram, uint64_t max_below);
/* Allocate m's RAM (rounded up to 4 KiB) and the per-page arrays; the
 * split below/above 4 GiB follows m->type (set by the caller). */
bool memmap_init(struct machine *m, uint64_t ram, uint64_t max_below, char *err, size_t errlen);
void memmap_free(struct machine *m);
/* The memory map in ascending order; returns the number of regions. */
int memmap_regions(const struct machine *m, struct mem_region *out);

#endif
