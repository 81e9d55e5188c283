/* Multiboot v1 boot information (Multiboot Specification 0.6.96, "Boot information format"). */
#ifndef KERN_MULTIBOOT_H
#define KERN_MULTIBOOT_H

#include <stdint.h>
#include <stdbool.h>

#define MBI_FLAG_MEM     (1u << 0)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS    (1u << 3)
#define MBI_FLAG_MMAP    (1u << 6)

struct __attribute__((packed)) multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;      /* KiB below 1 MiB / above 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
    uint32_t apm_table;
};

struct __attribute__((packed)) multiboot_module {
    uint32_t mod_start, mod_end;
    uint32_t string;
    uint32_t reserved;
};

/* `size` does not count itself: the next entry is at (char *)e + e->size + 4. */
struct __attribute__((packed)) multiboot_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;                      /* 1 = available RAM */
};

struct multiboot_info;
const char *mb_cmdline(void);                   /* "" when absent */
bool mb_cmdline_has(const char *word);          /* whole-word match */
uint32_t mb_module_count(void);
const struct multiboot_module *mb_module(uint32_t i);
const char *mb_module_string(uint32_t i);
/* Iterate the memory map: returns the entry after prev (NULL = first). */
const struct multiboot_mmap *mb_mmap_next(const struct multiboot_mmap *prev);

#endif
