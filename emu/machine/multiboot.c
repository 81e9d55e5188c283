/* Multiboot v1 (the Multiboot Specification 0.6.96): finding the header,
 * the a.out kludge, and placing the kernel, its modules and the boot
 * information in RAM. ELF images are taken apart in elf.c; the boot
 * information is laid out in mbinfo.c the way QEMU's loader does it. */
#include "loader.h"

#include <stdint.h>
#include <stdio.h>

#include "bytes.h"
#include "machine.h"

/* 3.1.2 "The magic fields of Multiboot header": magic + flags + checksum
 * is 0 mod 2^32. */
static bool header_checksum_ok(const uint8_t *p)
{
    return (uint32_t)(get_le32(p) + get_le32(p + 4) + get_le32(p + 8)) == 0;
}

static void read_address_fields(const uint8_t *p, struct mb_header *h)
{
    /* 3.1.3 "The address fields of Multiboot header". */
    h->header_addr = get_le32(p + 12);
    h->load_addr = get_le32(p + 16);
    h->load_end_addr = get_le32(p + 20);
    h->bss_end_addr = get_le32(p + 24);
    h->entry_addr = get_le32(p + 28);
}

/* The header's flags ask for nothing we cannot give. */
static int check_header_flags(const struct mb_header *h, char *err, size_t errlen)
{
    /* 3.1.2: a loader that does not understand a required bit (0-15)
     * must refuse the image. Bits 0, 1 are always satisfied; bit 2 (video
     * mode) is ignored, as QEMU does, since there is no display. */
    uint32_t unknown = h->flags & MB_HFLAG_REQUIRED &
                       ~(MB_HFLAG_PAGE_ALIGN | MB_HFLAG_MEMINFO | MB_HFLAG_VIDEO);
    if (unknown) {
        snprintf(err, errlen, "multiboot header requires unknown features (flags %#x)", unknown);
        return -1;
    }
    return 1;
}

/* 3.1.1 "OS image format": the header lies, 32-bit aligned, entirely
 * within the first 8192 bytes of the image. */
int mb_find_header(const uint8_t *img, size_t size, struct mb_header *h, char *err, size_t errlen)
{
    size_t limit = size < MB_SEARCH_LIMIT ? size : MB_SEARCH_LIMIT;
    size_t bad_checksum_at = SIZE_MAX;
    for (size_t off = 0; off + MB_HEADER_MIN <= limit; off += 4) {
        const uint8_t *p = img + off;
        if (get_le32(p) != MB_HEADER_MAGIC)
            continue;
        if (!header_checksum_ok(p)) {
            bad_checksum_at = off;
            continue;
        }
        *h = (struct mb_header){ .offset = (uint32_t)off, .flags = get_le32(p + 4) };
        if (h->flags & MB_HFLAG_AOUT_KLUDGE) {
            if (off + MB_HEADER_AOUT > limit) {
                snprintf(err, errlen, "multiboot header at offset %#zx is cut off", off);
                return -1;
            }
            read_address_fields(p, h);
        }
        return check_header_flags(h, err, errlen);
    }
    if (bad_checksum_at != SIZE_MAX)
        snprintf(err, errlen, "multiboot header at offset %#zx has a bad checksum", bad_checksum_at);
    else
        snprintf(err, errlen, "no multiboot header in the first %d bytes", MB_SEARCH_LIMIT);
    return 0;
}

/* 3.1.3: the file from offset (header offset - (header_addr - load_addr))
 * is loaded at load_addr up to load_end_addr (0: end of file), then zeros
 * up to bss_end_addr (0: no bss); execution starts at entry_addr. */
bool mb_aout_image(const uint8_t *img, size_t size, const struct mb_header *h,
                   struct kernel_image *k, char *err, size_t errlen)
{
    if (h->load_addr > h->header_addr || h->header_addr - h->load_addr > h->offset) {
        snprintf(err, errlen, "multiboot load_addr %#x does not fit header_addr %#x", h->load_addr, h->header_addr);
        return false;
    }
    uint64_t text = h->offset - (h->header_addr - h->load_addr);
    if (h->load_end_addr && h->load_end_addr < h->load_addr) {
        snprintf(err, errlen, "multiboot load_end_addr %#x is below load_addr", h->load_end_addr);
        return false;
    }
    uint64_t load = h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr : size - text;
    if (text + load > size) {
        snprintf(err, errlen, "image is shorter than its multiboot load_end_addr says");
        return false;
    }
    uint64_t mem = h->bss_end_addr ? (uint64_t)h->bss_end_addr - h->load_addr : load;
    if (h->bss_end_addr && (uint64_t)h->bss_end_addr < h->load_addr + load) {
        snprintf(err, errlen, "multiboot bss_end_addr %#x is below the loaded data", h->bss_end_addr);
        return false;
    }
    if (h->load_addr + mem > 0x100000000ull) {
        snprintf(err, errlen, "image does not fit below 4 GiB");
        return false;
    }
    k->seg[0] = (struct kernel_seg){ h->load_addr, img + text, (uint32_t)load, (uint32_t)mem };
    k->nseg = 1;
    k->low = h->load_addr;
    k->high = (uint32_t)(h->load_addr + mem);
    k->entry = h->entry_addr;
    return true;
}

static bool kernel_image_of(const uint8_t *img, size_t size, const struct mb_header *h,
                            struct kernel_image *k, char *err, size_t errlen)
{
    *k = (struct kernel_image){ 0 };
    if (h->flags & MB_HFLAG_AOUT_KLUDGE)
        return mb_aout_image(img, size, h, k, err, errlen);
    return elf_image(img, size, k, err, errlen);
}

/* The whole buffer must be RAM. It may cover the boot information at
 * 0x9000-0x9558: QEMU then loads the kernel over it (see multiboot_load). */
static bool check_placement(struct machine *m, const struct mb_layout *l, char *err, size_t errlen)
{
    if (l->end > m->ram_below_4g) {
        snprintf(err, errlen, "does not fit in RAM: kernel and modules need memory up to %#llx, RAM ends at %#llx",
                 (unsigned long long)l->end, (unsigned long long)m->ram_below_4g);
        return false;
    }
    if (!phys_ptr(m, l->low, l->end - l->low)) {
        snprintf(err, errlen, "kernel at [%#x, %#llx) overlaps the VGA window [%#llx, %#llx)",
                 l->low, (unsigned long long)l->end, MEM_VGA_BASE, MEM_VGA_END);
        return false;
    }
    return true;
}

static void place_segments(struct machine *m, const struct kernel_image *k)
{
    for (int i = 0; i < k->nseg; i++) {
        phys_zero(m, k->seg[i].paddr, k->seg[i].memsz);
        phys_copy_in(m, k->seg[i].paddr, k->seg[i].data, k->seg[i].filesz);
    }
}

static void place_kernel(struct machine *m, const struct kernel_image *k, const struct mb_layout *l)
{
    phys_zero(m, l->low, l->end - l->low);
    place_segments(m, k);
}

bool multiboot_load(struct machine *m, const uint8_t *img, size_t size,
                    const struct mb_config *cfg, struct mb_boot *out, char *err, size_t errlen)
{
    struct mb_header h;
    int found = mb_find_header(img, size, &h, err, errlen);
    if (found == 0) {
        char why[160];
        snprintf(why, sizeof why, "%s", err);
        snprintf(err, errlen, "not a multiboot image (%s)", why);
    }
    if (found <= 0)
        return false;
    struct kernel_image k;
    if (!kernel_image_of(img, size, &h, &k, err, errlen))
        return false;
    struct mb_layout l;
    mb_plan_layout(&k, cfg, &l);
    if (!check_placement(m, &l, err, errlen))
        return false;
    place_kernel(m, &k, &l);
    if (!mb_write_info(m, cfg, &l)) {
        snprintf(err, errlen, "cannot write the boot information");
        return false;
    }
    /* A kernel loaded over the boot information wins, as on QEMU (whose
     * loader writes that information first; kvm-unit-tests' realmode.flat
     * is linked at 0x8000-0xf000). */
    if (l.low < MB_BOOTINFO_END && l.end > MB_MMAP_ADDR)
        place_segments(m, &k);
    *out = (struct mb_boot){ k.entry, MB_INFO_ADDR, l.low, (uint32_t)l.end };
    return true;
}
