/* ELF32 and ELF64 kernels for the multiboot loader: the PT_LOAD program
 * headers say what goes where (System V ABI, "Program Loading"; ELF-64
 * Object File Format 1.5). Segments load at their physical address
 * (p_paddr) and the bytes past p_filesz up to p_memsz are zero, as QEMU's
 * load_elf does; the entry point is translated to a physical address when
 * it lies in an executable segment whose p_vaddr differs from p_paddr. */
#include "loader.h"

#include <stdio.h>
#include <string.h>

#include "bytes.h"

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PF_X 1
#define PN_XNUM 0xFFFF

struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

struct elf_file {
    const uint8_t *img;
    size_t size;
    bool is64;
    uint64_t entry, phoff;
    uint32_t phentsize, phnum;
};

/* ELF header, "e_ident": magic, class, little-endian data. */
static bool elf_ident(const uint8_t *img, size_t size, struct elf_file *f, char *err, size_t errlen)
{
    if (size < 52 || memcmp(img, "\177ELF", 4) != 0) {
        snprintf(err, errlen, "multiboot header without the a.out kludge, and not an ELF file");
        return false;
    }
    if ((img[EI_CLASS] != ELFCLASS32 && img[EI_CLASS] != ELFCLASS64) || img[EI_DATA] != ELFDATA2LSB) {
        snprintf(err, errlen, "ELF file is neither 32- nor 64-bit little-endian");
        return false;
    }
    f->img = img;
    f->size = size;
    f->is64 = img[EI_CLASS] == ELFCLASS64;
    return true;
}

static bool elf_header(const uint8_t *img, size_t size, struct elf_file *f, char *err, size_t errlen)
{
    if (!elf_ident(img, size, f, err, errlen))
        return false;
    if (f->is64 && size < 64) {
        snprintf(err, errlen, "ELF header is cut off");
        return false;
    }
    unsigned machine = get_le16(img + 18);
    if (machine != (f->is64 ? EM_X86_64 : EM_386)) {
        snprintf(err, errlen, "ELF file is not for x86 (e_machine %u)", machine);
        return false;
    }
    f->entry = f->is64 ? get_le64(img + 24) : get_le32(img + 24);
    f->phoff = f->is64 ? get_le64(img + 32) : get_le32(img + 28);
    f->phentsize = get_le16(img + (f->is64 ? 54 : 42));
    f->phnum = get_le16(img + (f->is64 ? 56 : 44));
    uint32_t need = f->is64 ? 56 : 32;
    if (f->phnum == 0 || f->phnum == PN_XNUM || f->phentsize < need ||
        f->phoff > size || (uint64_t)f->phnum * f->phentsize > size - f->phoff) {
        snprintf(err, errlen, "ELF program headers are missing or cut off");
        return false;
    }
    return true;
}

static struct elf_phdr elf_phdr_at(const struct elf_file *f, uint32_t i)
{
    const uint8_t *p = f->img + f->phoff + (uint64_t)i * f->phentsize;
    if (f->is64)
        return (struct elf_phdr){ get_le32(p), get_le32(p + 4), get_le64(p + 8), get_le64(p + 16),
                                  get_le64(p + 24), get_le64(p + 32), get_le64(p + 40) };
    return (struct elf_phdr){ get_le32(p), get_le32(p + 24), get_le32(p + 4), get_le32(p + 8),
                              get_le32(p + 12), get_le32(p + 16), get_le32(p + 20) };
}

static bool check_segment(const struct elf_file *f, const struct elf_phdr *ph, uint32_t i,
                          char *err, size_t errlen)
{
    if (ph->filesz > ph->memsz || ph->offset > f->size || ph->filesz > f->size - ph->offset) {
        snprintf(err, errlen, "ELF segment %u lies outside the file", i);
        return false;
    }
    if (ph->paddr >= 0x100000000ull || ph->memsz > 0x100000000ull - ph->paddr) {
        snprintf(err, errlen, "ELF segment %u (physical %#llx) does not fit below 4 GiB",
                 i, (unsigned long long)ph->paddr);
        return false;
    }
    return true;
}

static void add_segment(struct kernel_image *k, const struct elf_file *f, const struct elf_phdr *ph)
{
    uint32_t lo = (uint32_t)ph->paddr;
    uint64_t hi = ph->paddr + ph->memsz;
    k->seg[k->nseg++] = (struct kernel_seg){ lo, f->img + ph->offset, (uint32_t)ph->filesz, (uint32_t)ph->memsz };
    if (k->nseg == 1 || lo < k->low)
        k->low = lo;
    if (k->nseg == 1 || hi > k->high)
        k->high = (uint32_t)(hi > 0xFFFFFFFFull ? 0xFFFFFFFFull : hi);
}

/* QEMU's load_elf: an entry inside an executable segment's file image
 * is moved by that segment's p_paddr - p_vaddr. */
static uint64_t translate_entry(uint64_t entry, const struct elf_phdr *ph)
{
    if (ph->vaddr != ph->paddr && (ph->flags & PF_X) &&
        entry >= ph->vaddr && entry - ph->vaddr < ph->filesz)
        return entry - ph->vaddr + ph->paddr;
    return entry;
}

static bool collect_segments(const struct elf_file *f, struct kernel_image *k, uint64_t *entry,
                             char *err, size_t errlen)
{
    for (uint32_t i = 0; i < f->phnum; i++) {
        struct elf_phdr ph = elf_phdr_at(f, i);
        /* Segments of zero size load nothing (QEMU skips them too). */
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (!check_segment(f, &ph, i, err, errlen))
            return false;
        if (k->nseg == KERNEL_MAX_SEGS) {
            snprintf(err, errlen, "ELF file has more than %d loadable segments", KERNEL_MAX_SEGS);
            return false;
        }
        add_segment(k, f, &ph);
        uint64_t e = translate_entry(f->entry, &ph);
        if (e != f->entry)
            *entry = e;
    }
    if (k->nseg == 0) {
        snprintf(err, errlen, "ELF file has no loadable segment");
        return false;
    }
    return true;
}

bool elf_image(const uint8_t *img, size_t size, struct kernel_image *k, char *err, size_t errlen)
{
    struct elf_file f;
    if (!elf_header(img, size, &f, err, errlen))
        return false;
    uint64_t entry = f.entry;
    if (!collect_segments(&f, k, &entry, err, errlen))
        return false;
    /* The kernel starts in 32-bit protected mode (3.2 "Machine state"). */
    if (entry > 0xFFFFFFFFull) {
        snprintf(err, errlen, "ELF entry point %#llx is above 4 GiB", (unsigned long long)entry);
        return false;
    }
    k->entry = (uint32_t)entry;
    return true;
}
