/* The multiboot information (Multiboot Specification 0.6.96, 3.3 "Boot
 * information format"), laid out where QEMU's loader puts it
 * (hw/i386/multiboot.c and its option ROM pc-bios/optionrom/multiboot.S):
 *   0x9000  memory map, as SeaBIOS's INT 15h E820 reports it
 *   0x9500  the 88-byte info structure
 *   kernel  at its load address, then (page-aligned size of the kernel
 *           later) the module list, the module strings, the kernel command
 *           line "KERNEL APPEND", the loader name; then each module on its
 *           own page-aligned offset from the kernel's start.
 * Offsets are page-aligned relative to the kernel's start, as in QEMU. */
#include "loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "machine.h"
#include "memmap.h"

/* Offsets in the info structure (3.3). */
enum {
    MBI_FLAGS = 0, MBI_MEM_LOWER = 4, MBI_MEM_UPPER = 8, MBI_BOOT_DEVICE = 12,
    MBI_CMDLINE = 16, MBI_MODS_COUNT = 20, MBI_MODS_ADDR = 24,
    MBI_MMAP_LENGTH = 44, MBI_MMAP_ADDR = 48, MBI_LOADER_NAME = 64,
};

static uint64_t page_up(uint64_t x)
{
    return (x + MEM_PAGE_SIZE - 1) & ~(MEM_PAGE_SIZE - 1);
}

/* Bytes kept for strings: QEMU reserves strlen+1 of the kernel path, of
 * -append and of the whole -initrd argument. */
static uint64_t strings_reserve(const struct mb_config *cfg)
{
    uint64_t q = strlen(cfg->kernel_path) + 1 + strlen(cfg->append) + 1;
    uint64_t mods = 0;
    for (int i = 0; i < cfg->nmods; i++)
        mods += strlen(cfg->mods[i].string) + 1;
    uint64_t given = cfg->initrd ? strlen(cfg->initrd) + 1 : 0;
    return q + (given > mods ? given : mods);
}

void mb_plan_layout(const struct kernel_image *k, const struct mb_config *cfg, struct mb_layout *l)
{
    uint64_t mbinfo = page_up((uint64_t)k->high - k->low);
    uint64_t strings = strings_reserve(cfg);
    uint64_t buf = page_up(mbinfo + strings + (uint64_t)MB_MOD_SIZE * cfg->nmods +
                           strlen(MB_LOADER_NAME) + 1);
    l->low = k->low;
    l->mods_addr = (uint32_t)(k->low + mbinfo);
    l->strings = l->mods_addr + MB_MOD_SIZE * (uint32_t)cfg->nmods;
    l->loader_name = (uint32_t)(l->strings + strings);
    l->first_mod = k->low + buf;
    for (int i = 0; i < cfg->nmods; i++)
        buf = page_up(buf + cfg->mods[i].size);
    l->end = k->low + buf;
}

static bool put32(struct machine *m, uint64_t pa, uint32_t v)
{
    uint8_t b[4];
    put_le32(b, v);
    return phys_copy_in(m, pa, b, 4);
}

static bool put_string(struct machine *m, uint64_t pa, const char *s)
{
    return phys_copy_in(m, pa, s, strlen(s) + 1);
}

/* 3.3 "mods_addr": start, end (exclusive), string, reserved. */
static bool write_modules(struct machine *m, const struct mb_config *cfg,
                          const struct mb_layout *l, uint64_t *str)
{
    uint64_t at = l->first_mod;
    for (int i = 0; i < cfg->nmods; i++) {
        const struct mb_module *mod = &cfg->mods[i];
        uint64_t ent = l->mods_addr + (uint64_t)MB_MOD_SIZE * i;
        bool ok = phys_copy_in(m, at, mod->data, mod->size) &&
                  put32(m, ent, (uint32_t)at) && put32(m, ent + 4, (uint32_t)(at + mod->size)) &&
                  put32(m, ent + 8, (uint32_t)*str) && put_string(m, *str, mod->string);
        if (!ok)
            return false;
        *str += strlen(mod->string) + 1;
        at = l->low + page_up(at + mod->size - l->low);
    }
    return true;
}

/* QEMU passes "%s %s" of the kernel path and -append: "KERNEL " when
 * there is no -append. */
static bool write_cmdline(struct machine *m, const struct mb_config *cfg, uint64_t at)
{
    size_t n = strlen(cfg->kernel_path) + strlen(cfg->append) + 2;
    char *s = malloc(n);
    if (!s)
        return false;
    snprintf(s, n, "%s %s", cfg->kernel_path, cfg->append);
    bool ok = put_string(m, at, s);
    free(s);
    return ok;
}

/* 3.3 "mmap_addr": each entry is a 4-byte size (20) then base, length,
 * type; mmap_addr points at the first size field. Returns the length. */
static uint32_t write_mmap(struct machine *m, const struct mem_region *r, int n)
{
    uint8_t e[MB_MMAP_ENTRY];
    for (int i = 0; i < n; i++) {
        put_le32(e, MB_MMAP_ENTRY - 4);
        put_le64(e + 4, r[i].base);
        put_le64(e + 12, r[i].len);
        put_le32(e + 20, r[i].type);
        phys_copy_in(m, MB_MMAP_ADDR + (uint64_t)i * MB_MMAP_ENTRY, e, sizeof e);
    }
    return (uint32_t)n * MB_MMAP_ENTRY;
}

/* mem_upper as the option ROM computes it: KiB of usable RAM contiguous
 * from 1 MiB, following the map below 4 GiB. */
static uint32_t mem_upper_kib(const struct mem_region *r, int n)
{
    uint64_t top = MEM_1M;
    for (int i = 0; i < n; i++) {
        bool extends = r[i].type == MEM_TYPE_RAM && r[i].base < MEM_HIGH_BASE &&
                       r[i].base <= top && top < r[i].base + r[i].len;
        if (extends) {
            top = r[i].base + r[i].len;
            i = -1;   /* the map need not be ordered: search again */
        }
    }
    return (uint32_t)((top - MEM_1M) >> 10);
}

/* mem_lower: KiB of conventional memory (INT 12h: up to the EBDA). */
static uint32_t mem_lower_kib(const struct machine *m)
{
    uint64_t low = m->ram_below_4g < MEM_EBDA_BASE ? m->ram_below_4g : MEM_EBDA_BASE;
    return (uint32_t)(low >> 10);
}

static bool write_info_struct(struct machine *m, const struct mb_config *cfg,
                              const struct mb_layout *l, uint32_t cmdline)
{
    struct mem_region r[MEMMAP_MAX_REGIONS];
    int n = memmap_regions(m, r);
    uint8_t mbi[MB_INFO_SIZE] = { 0 };
    put_le32(mbi + MBI_FLAGS, MB_INFO_MEMORY | MB_INFO_BOOTDEV | MB_INFO_CMDLINE |
                              MB_INFO_MODS | MB_INFO_MEM_MAP | MB_INFO_LOADER_NAME);
    put_le32(mbi + MBI_MEM_LOWER, mem_lower_kib(m));
    put_le32(mbi + MBI_MEM_UPPER, mem_upper_kib(r, n));
    put_le32(mbi + MBI_BOOT_DEVICE, MB_BOOT_DEVICE);
    put_le32(mbi + MBI_CMDLINE, cmdline);
    put_le32(mbi + MBI_MODS_COUNT, (uint32_t)cfg->nmods);
    put_le32(mbi + MBI_MODS_ADDR, l->mods_addr);
    put_le32(mbi + MBI_MMAP_LENGTH, write_mmap(m, r, n));
    put_le32(mbi + MBI_MMAP_ADDR, MB_MMAP_ADDR);
    put_le32(mbi + MBI_LOADER_NAME, l->loader_name);
    return phys_copy_in(m, MB_INFO_ADDR, mbi, sizeof mbi);
}

bool mb_write_info(struct machine *m, const struct mb_config *cfg, const struct mb_layout *l)
{
    uint64_t str = l->strings;
    if (!write_modules(m, cfg, l, &str))
        return false;
    uint32_t cmdline = (uint32_t)str;
    return write_cmdline(m, cfg, cmdline) && put_string(m, l->loader_name, MB_LOADER_NAME) &&
           write_info_struct(m, cfg, l, cmdline);
}
