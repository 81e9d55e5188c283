/* Unit tests of the kernel loader: multiboot header discovery, the a.out
 * kludge, ELF32/ELF64 program loading, the boot information as QEMU lays
 * it out, the -initrd list and reading files. Images are built in memory. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/bytes.h"
#include "machine/loader.h"
#include "machine/machine.h"
#include "test_check.h"

#define IMG_MAX 0x8000

static struct machine *board(uint64_t ram)
{
    char err[200];
    struct machine *m = machine_new_board(ram, false, err, sizeof err);
    if (m)
        memset(m->ram, 0xEE, 0x400000 < m->ram_size ? 0x400000 : m->ram_size);  /* stale RAM */
    return m;
}

static void put_mb_header(uint8_t *p, uint32_t flags)
{
    put_le32(p, MB_HEADER_MAGIC);
    put_le32(p + 4, flags);
    put_le32(p + 8, (uint32_t)-(MB_HEADER_MAGIC + flags));
}

static void fill_pattern(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i * 7);
}

/* An a.out-kludge image: file offset 0 loads at load_addr; the header sits
 * at hdr_off; `size` bytes of file. */
static size_t make_aout(uint8_t *img, size_t size, uint32_t hdr_off, uint32_t load_addr,
                        uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
    fill_pattern(img, size, 1);
    uint8_t *h = img + hdr_off;
    put_mb_header(h, MB_HFLAG_AOUT_KLUDGE | MB_HFLAG_PAGE_ALIGN | MB_HFLAG_MEMINFO);
    put_le32(h + 12, load_addr + hdr_off);
    put_le32(h + 16, load_addr);
    put_le32(h + 20, load_end);
    put_le32(h + 24, bss_end);
    put_le32(h + 28, entry);
    return size;
}

struct seg_spec {
    uint64_t vaddr, paddr;
    uint32_t filesz, memsz, flags;
};

/* An ELF32 or ELF64 executable with the given PT_LOAD segments, data at
 * file offset 0x1000 * (i + 1); a multiboot header (flags 0) at 0x1000. */
static size_t make_elf(uint8_t *img, bool is64, uint64_t entry, const struct seg_spec *s, int n)
{
    memset(img, 0, IMG_MAX);
    memcpy(img, "\177ELF", 4);
    img[4] = is64 ? 2 : 1;
    img[5] = 1;
    img[6] = 1;
    put_le32(img + 16, 2 | (uint32_t)(is64 ? 62 : 3) << 16);   /* ET_EXEC, machine */
    put_le32(img + 20, 1);
    uint32_t ehsize = is64 ? 64 : 52, phsize = is64 ? 56 : 32;
    if (is64) {
        put_le64(img + 24, entry);
        put_le64(img + 32, ehsize);
        put_le32(img + 52, ehsize | phsize << 16);
        put_le32(img + 56, (uint32_t)n);
    } else {
        put_le32(img + 24, (uint32_t)entry);
        put_le32(img + 28, ehsize);
        put_le32(img + 40, ehsize | phsize << 16);
        put_le32(img + 44, (uint32_t)n);
    }
    size_t end = 0;
    for (int i = 0; i < n; i++) {
        uint8_t *ph = img + ehsize + (size_t)i * phsize;
        uint32_t off = 0x1000u * (uint32_t)(i + 1);
        fill_pattern(img + off, s[i].filesz, (uint8_t)(0x40 + i));
        if (is64) {
            put_le32(ph, 1);
            put_le32(ph + 4, s[i].flags);
            put_le64(ph + 8, off);
            put_le64(ph + 16, s[i].vaddr);
            put_le64(ph + 24, s[i].paddr);
            put_le64(ph + 32, s[i].filesz);
            put_le64(ph + 40, s[i].memsz);
        } else {
            put_le32(ph, 1);
            put_le32(ph + 4, off);
            put_le32(ph + 8, (uint32_t)s[i].vaddr);
            put_le32(ph + 12, (uint32_t)s[i].paddr);
            put_le32(ph + 16, s[i].filesz);
            put_le32(ph + 20, s[i].memsz);
            put_le32(ph + 24, s[i].flags);
        }
        end = off + s[i].filesz;
    }
    put_mb_header(img + 0x1000, MB_HFLAG_PAGE_ALIGN);
    return end;
}

static const struct mb_config plain_cfg = { "kernel", "", NULL, NULL, 0 };

static bool load(struct machine *m, const uint8_t *img, size_t size, struct mb_boot *b, char *err)
{
    return multiboot_load(m, img, size, &plain_cfg, b, err, 200);
}

static bool ram_equals(struct machine *m, uint64_t pa, const uint8_t *want, size_t n)
{
    uint8_t *p = phys_ptr(m, pa, n);
    return p && memcmp(p, want, n) == 0;
}

static bool ram_is_zero(struct machine *m, uint64_t pa, size_t n)
{
    uint8_t *p = phys_ptr(m, pa, n);
    for (size_t i = 0; p && i < n; i++)
        if (p[i])
            return false;
    return p != NULL;
}

static const char *ram_string(struct machine *m, uint64_t pa)
{
    const char *p = (const char *)phys_ptr(m, pa, 1);
    return p && memchr(p, 0, 256) ? p : "(not a string)";
}

/* ---- header discovery ---- */

static void header_found_at_aligned_offsets_in_8k(struct tcase *t)
{
    static uint8_t img[IMG_MAX];
    struct mb_header h;
    char err[200];
    size_t offs[] = { 0, 4, 0x1ff0, 8192 - 12 };
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        memset(img, 0, sizeof img);
        put_mb_header(img + offs[i], 0);
        EXPECT_EQ(t, mb_find_header(img, sizeof img, &h, err, sizeof err), 1);
        EXPECT_EQ(t, h.offset, offs[i]);
    }
    memset(img, 0, sizeof img);
    put_mb_header(img + 8192, 0);
    EXPECT_EQ(t, mb_find_header(img, sizeof img, &h, err, sizeof err), 0);
    memset(img, 0, sizeof img);
    put_mb_header(img + 2, 0);   /* not 32-bit aligned */
    EXPECT_EQ(t, mb_find_header(img, sizeof img, &h, err, sizeof err), 0);
    EXPECT_EQ(t, mb_find_header(img, 8, &h, err, sizeof err), 0);   /* short file */
}

static void header_with_bad_checksum_is_skipped(struct tcase *t)
{
    static uint8_t img[0x3000];
    struct mb_header h;
    char err[200];
    put_mb_header(img + 0x100, 0);
    put_le32(img + 0x108, get_le32(img + 0x108) + 1);
    EXPECT_EQ(t, mb_find_header(img, sizeof img, &h, err, sizeof err), 0);
    EXPECT(t, strstr(err, "checksum") != NULL);
    put_mb_header(img + 0x200, 0);   /* a later good one is found */
    EXPECT_EQ(t, mb_find_header(img, sizeof img, &h, err, sizeof err), 1);
    EXPECT_EQ(t, h.offset, 0x200);
}

static void header_with_unknown_required_flag_is_refused(struct tcase *t)
{
    static uint8_t img[0x1000];
    struct mb_header h;
    char err[200];
    put_mb_header(img, 1u << 3);
    EXPECT_EQ(t, mb_find_header(img, sizeof img, &h, err, sizeof err), -1);
    put_mb_header(img, MB_HFLAG_VIDEO | MB_HFLAG_MEMINFO | (1u << 20));   /* optional bit */
    EXPECT_EQ(t, mb_find_header(img, sizeof img, &h, err, sizeof err), 1);
}

static void header_address_fields_are_read(struct tcase *t)
{
    static uint8_t img[0x2000];
    struct mb_header h;
    char err[200];
    make_aout(img, sizeof img, 0x20, 0x100000, 0x101800, 0x104000, 0x100040);
    EXPECT_EQ(t, mb_find_header(img, sizeof img, &h, err, sizeof err), 1);
    EXPECT_EQ(t, h.header_addr, 0x100020);
    EXPECT_EQ(t, h.load_addr, 0x100000);
    EXPECT_EQ(t, h.load_end_addr, 0x101800);
    EXPECT_EQ(t, h.bss_end_addr, 0x104000);
    EXPECT_EQ(t, h.entry_addr, 0x100040);
    /* cut off: the address fields run past the file */
    EXPECT_EQ(t, mb_find_header(img, 0x30, &h, err, sizeof err), -1);
}

/* ---- a.out kludge ---- */

static void aout_loads_text_and_zeroes_bss(struct tcase *t)
{
    static uint8_t img[0x2000];
    struct machine *m = board(8 << 20);
    struct mb_boot b;
    char err[200] = "";
    make_aout(img, sizeof img, 0x40, 0x100000, 0x101800, 0x104000, 0x100044);
    EXPECT(t, load(m, img, sizeof img, &b, err));
    EXPECT_STR(t, err, "");
    EXPECT(t, ram_equals(m, 0x100000, img, 0x1800));
    EXPECT(t, ram_is_zero(m, 0x101800, 0x2800));
    EXPECT_EQ(t, b.entry, 0x100044);
    EXPECT_EQ(t, b.info, 0x9500);
    machine_free_board(m);
}

/* A kernel linked over the boot information (0x9000-0x9558) loads, and its
 * bytes win there, as on QEMU (kvm-unit-tests' realmode.flat at 0x8000). */
static void kernel_over_boot_information_wins(struct tcase *t)
{
    static uint8_t img[0x2000];
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i * 7 + 1);
    struct machine *m = board(8 << 20);
    struct mb_boot b;
    char err[200] = "";
    make_aout(img, sizeof img, 0x40, 0x8000, 0xa000, 0xa000, 0x8044);
    EXPECT(t, load(m, img, sizeof img, &b, err));
    EXPECT_STR(t, err, "");
    EXPECT(t, ram_equals(m, 0x8000, img, 0x2000));
    EXPECT_EQ(t, b.entry, 0x8044);
    machine_free_board(m);
}

static void aout_without_load_end_loads_the_whole_file(struct tcase *t)
{
    static uint8_t img[0x2000];
    struct machine *m = board(8 << 20);
    struct mb_boot b;
    char err[200];
    /* header at file offset 0x1000, text starting at file offset 0x800 */
    fill_pattern(img, sizeof img, 3);
    uint8_t *h = img + 0x1000;
    put_mb_header(h, MB_HFLAG_AOUT_KLUDGE);
    put_le32(h + 12, 0x200800);   /* header_addr */
    put_le32(h + 16, 0x200000);   /* load_addr: file offset 0x800 */
    put_le32(h + 20, 0);
    put_le32(h + 24, 0);
    put_le32(h + 28, 0x200000);
    EXPECT(t, load(m, img, sizeof img, &b, err));
    EXPECT(t, ram_equals(m, 0x200000, img + 0x800, 0x1800));
    EXPECT_EQ(t, b.buf_low, 0x200000);
    machine_free_board(m);
}

static void aout_with_bad_addresses_is_refused(struct tcase *t)
{
    static uint8_t img[0x2000];
    struct machine *m = board(8 << 20);
    struct mb_boot b;
    char err[200];
    make_aout(img, sizeof img, 0x40, 0x100000, 0x100000 + 0x3000, 0, 0x100000);
    EXPECT(t, !load(m, img, sizeof img, &b, err));   /* file shorter than load_end */
    make_aout(img, sizeof img, 0x40, 0x100000, 0x101000, 0x100800, 0x100000);
    EXPECT(t, !load(m, img, sizeof img, &b, err));   /* bss_end below load_end */
    make_aout(img, sizeof img, 0x40, 0x100000, 0, 0, 0x100000);
    put_le32(img + 0x40 + 12, 0x100000 - 0x100);  /* header_addr below load_addr */
    put_le32(img + 0x40 + 8, (uint32_t)-(MB_HEADER_MAGIC + get_le32(img + 0x44)));
    EXPECT(t, !load(m, img, sizeof img, &b, err));
    machine_free_board(m);
}

static void image_larger_than_ram_is_refused(struct tcase *t)
{
    static uint8_t img[0x2000];
    struct machine *m = board(4 << 20);
    struct mb_boot b;
    char err[200] = "";
    make_aout(img, sizeof img, 0x40, 0x100000, 0, 0x500000, 0x100000);
    EXPECT(t, !load(m, img, sizeof img, &b, err));
    EXPECT(t, strstr(err, "RAM") != NULL);
    machine_free_board(m);
}

static void image_over_the_vga_window_is_refused(struct tcase *t)
{
    static uint8_t img[0x2000];
    struct machine *m = board(4 << 20);
    struct mb_boot b;
    char err[200] = "";
    make_aout(img, sizeof img, 0x40, 0x9F000, 0, 0x9F000 + 0x3000, 0x9F000);
    EXPECT(t, !load(m, img, sizeof img, &b, err));   /* runs into the VGA window */
    EXPECT(t, strstr(err, "VGA") != NULL);
    make_aout(img, sizeof img, 0x40, 0x10000, 0, 0, 0x10000);   /* low memory is fine */
    EXPECT(t, load(m, img, sizeof img, &b, err));
    machine_free_board(m);
}

static void non_multiboot_file_is_refused(struct tcase *t)
{
    static uint8_t img[0x4000];
    struct machine *m = board(4 << 20);
    struct mb_boot b;
    char err[200] = "";
    fill_pattern(img, sizeof img, 9);
    EXPECT(t, !load(m, img, sizeof img, &b, err));
    EXPECT(t, strstr(err, "not a multiboot image") != NULL);
    put_mb_header(img + 0x100, 0);   /* header without kludge, and not ELF */
    EXPECT(t, !load(m, img, sizeof img, &b, err));
    EXPECT(t, strstr(err, "ELF") != NULL);
    machine_free_board(m);
}

/* ---- ELF ---- */

static void elf32_loads_by_program_headers(struct tcase *t)
{
    static uint8_t img[IMG_MAX];
    struct seg_spec s[] = {
        { 0x100000, 0x100000, 0x300, 0x300, 5 },
        { 0x103000, 0x103000, 0x20, 0x1000, 6 },
    };
    size_t n = make_elf(img, false, 0x100010, s, 2);
    struct machine *m = board(8 << 20);
    struct mb_boot b;
    char err[200] = "";
    EXPECT(t, load(m, img, n, &b, err));
    EXPECT_STR(t, err, "");
    EXPECT(t, ram_equals(m, 0x100000, img + 0x1000, 0x300));
    EXPECT(t, ram_equals(m, 0x103000, img + 0x2000, 0x20));
    EXPECT(t, ram_is_zero(m, 0x103020, 0xFE0));   /* bss */
    EXPECT(t, ram_is_zero(m, 0x100300, 0x2D00));  /* the gap */
    EXPECT_EQ(t, b.entry, 0x100010);
    EXPECT_EQ(t, b.buf_low, 0x100000);
    machine_free_board(m);
}

static void elf32_entry_moves_with_paddr(struct tcase *t)
{
    static uint8_t img[IMG_MAX];
    struct seg_spec s[] = { { 0xC0100000u, 0x100000, 0x200, 0x400, 5 } };
    size_t n = make_elf(img, false, 0xC0100020u, s, 1);
    struct machine *m = board(8 << 20);
    struct mb_boot b;
    char err[200] = "";
    EXPECT(t, load(m, img, n, &b, err));
    EXPECT_EQ(t, b.entry, 0x100020);
    EXPECT(t, ram_equals(m, 0x100000, img + 0x1000, 0x200));
    machine_free_board(m);
}

static void elf64_loads_by_program_headers(struct tcase *t)
{
    static uint8_t img[IMG_MAX];
    struct seg_spec s[] = {
        { 0xFFFFFFFF80200000ull, 0x200000, 0x180, 0x180, 5 },
        { 0x0, 0, 0, 0, 6 },   /* empty: skipped */
        { 0x300000, 0x300000, 0x10, 0x2000, 6 },
    };
    size_t n = make_elf(img, true, 0xFFFFFFFF80200040ull, s, 3);
    struct machine *m = board(8 << 20);
    struct mb_boot b;
    char err[200] = "";
    EXPECT(t, load(m, img, n, &b, err));
    EXPECT_STR(t, err, "");
    EXPECT(t, ram_equals(m, 0x200000, img + 0x1000, 0x180));
    EXPECT(t, ram_equals(m, 0x300000, img + 0x3000, 0x10));
    EXPECT(t, ram_is_zero(m, 0x300010, 0x1FF0));
    EXPECT_EQ(t, b.entry, 0x200040);
    machine_free_board(m);
}

static void elf_malformed_is_refused(struct tcase *t)
{
    static uint8_t img[IMG_MAX];
    struct seg_spec s[] = { { 0x100000, 0x100000, 0x100, 0x100, 5 } };
    struct machine *m = board(8 << 20);
    struct mb_boot b;
    char err[200];
    size_t n = make_elf(img, false, 0x100000, s, 1);
    img[18] = 62;   /* ELF32 for x86-64 */
    EXPECT(t, !load(m, img, n, &b, err));
    n = make_elf(img, false, 0x100000, s, 1);
    EXPECT(t, !load(m, img, 0x1080, &b, err));   /* segment past the end of the file */
    n = make_elf(img, true, 0x100000000ull, s, 1);
    EXPECT(t, !load(m, img, n, &b, err));   /* entry above 4 GiB */
    EXPECT(t, strstr(err, "4 GiB") != NULL);
    struct seg_spec big[] = { { 0x100000, 0x100000, 0x100, 0x100000000ull - 0x100000 + 1, 5 } };
    n = make_elf(img, true, 0x100000, big, 1);
    EXPECT(t, !load(m, img, n, &b, err));   /* memsz runs past 4 GiB */
    n = make_elf(img, false, 0x100000, s, 1);
    put_le32(img + 44, 0x400);   /* phnum past the file */
    EXPECT(t, !load(m, img, n, &b, err));
    machine_free_board(m);
}

/* ---- boot information ---- */

static uint32_t rd32(struct machine *m, uint64_t pa)
{
    return (uint32_t)phys_read(m, pa, 4);
}

static void boot_info_follows_qemu(struct tcase *t)
{
    static uint8_t img[0x4000], mod1[5000], mod2[10];
    fill_pattern(mod1, sizeof mod1, 0x11);
    fill_pattern(mod2, sizeof mod2, 0x22);
    make_aout(img, 0x2345, 0x40, 0x100000, 0, 0, 0x100040);
    struct mb_module mods[] = { { "m1 arg1", mod1, sizeof mod1 }, { "m2", mod2, sizeof mod2 } };
    struct mb_config cfg = { "/tmp/k.elf", "console=ttyS0 x=1", "m1 arg1,m2", mods, 2 };
    struct machine *m = board(128 << 20);
    struct mb_boot b;
    char err[200] = "";
    EXPECT(t, multiboot_load(m, img, 0x2345, &cfg, &b, err, sizeof err));
    EXPECT_STR(t, err, "");
    uint32_t mbi = b.info;
    EXPECT_EQ(t, mbi, 0x9500);
    EXPECT_EQ(t, rd32(m, mbi + 0), 0x24F);          /* MEM|BOOTDEV|CMDLINE|MODS|MMAP|NAME */
    EXPECT_EQ(t, rd32(m, mbi + 4), 639);            /* mem_lower */
    EXPECT_EQ(t, rd32(m, mbi + 8), 129920);         /* mem_upper: 127 MiB - SeaBIOS's 128 KiB */
    EXPECT_EQ(t, rd32(m, mbi + 12), 0x8000FFFF);    /* boot_device */
    EXPECT_EQ(t, rd32(m, mbi + 20), 2);             /* mods_count */
    EXPECT_EQ(t, rd32(m, mbi + 24), 0x103000);      /* mods_addr: after the kernel's pages */
    EXPECT_EQ(t, rd32(m, mbi + 16), 0x10302B);      /* cmdline after the module strings */
    EXPECT_STR(t, ram_string(m, 0x10302B), "/tmp/k.elf console=ttyS0 x=1");
    EXPECT_EQ(t, rd32(m, mbi + 64), 0x103048);      /* loader name after QEMU's reservation */
    EXPECT_STR(t, ram_string(m, 0x103048), "vtx");
    /* module list: start, end, string */
    EXPECT_EQ(t, rd32(m, 0x103000), 0x104000);
    EXPECT_EQ(t, rd32(m, 0x103004), 0x104000 + 5000);
    EXPECT_EQ(t, rd32(m, 0x103008), 0x103020);
    EXPECT_STR(t, ram_string(m, 0x103020), "m1 arg1");
    EXPECT_EQ(t, rd32(m, 0x103010), 0x106000);
    EXPECT_EQ(t, rd32(m, 0x103014), 0x10600A);
    EXPECT_STR(t, ram_string(m, rd32(m, 0x103018)), "m2");
    EXPECT(t, ram_equals(m, 0x104000, mod1, sizeof mod1));
    EXPECT(t, ram_equals(m, 0x106000, mod2, sizeof mod2));
    EXPECT_EQ(t, b.buf_end, 0x107000);
    machine_free_board(m);
}

static void boot_info_memory_map(struct tcase *t)
{
    static uint8_t img[0x2000];
    make_aout(img, sizeof img, 0x40, 0x100000, 0, 0, 0x100040);
    struct machine *m = board(64 << 20);
    struct mb_boot b;
    char err[200];
    EXPECT(t, load(m, img, sizeof img, &b, err));
    EXPECT_EQ(t, rd32(m, b.info + 48), 0x9000);   /* mmap_addr */
    EXPECT_EQ(t, rd32(m, b.info + 44), 7 * 24);   /* mmap_length */
    /* as QEMU 7.2 + SeaBIOS report it for -m 64 */
    static const uint64_t want[7][3] = {
        { 0, 0x9FC00, 1 }, { 0x9FC00, 0x400, 2 }, { 0xF0000, 0x10000, 2 },
        { 0x100000, (64 << 20) - 0x100000 - 0x20000, 1 }, { (64 << 20) - 0x20000, 0x20000, 2 },
        { 0xFFFC0000, 0x40000, 2 }, { 0xFD00000000, 0x300000000, 2 },
    };
    for (int i = 0; i < 7; i++) {
        uint64_t e = 0x9000 + 24 * (uint64_t)i;
        EXPECT_EQ(t, rd32(m, e), 20);
        EXPECT_EQ(t, phys_read(m, e + 4, 8), want[i][0]);
        EXPECT_EQ(t, phys_read(m, e + 12, 8), want[i][1]);
        EXPECT_EQ(t, rd32(m, e + 20), want[i][2]);
    }
    EXPECT_EQ(t, rd32(m, b.info + 8), (64 << 10) - 1024 - 128);   /* mem_upper */
    EXPECT_EQ(t, rd32(m, b.info + 20), 0);        /* no modules */
    machine_free_board(m);
}

static void cmdline_without_append_ends_in_a_space(struct tcase *t)
{
    static uint8_t img[0x2000];
    make_aout(img, sizeof img, 0x40, 0x100000, 0, 0, 0x100040);
    struct machine *m = board(8 << 20);
    struct mb_boot b;
    char err[200];
    struct mb_config cfg = { "build/k.elf", "", NULL, NULL, 0 };
    EXPECT(t, multiboot_load(m, img, sizeof img, &cfg, &b, err, sizeof err));
    EXPECT_STR(t, ram_string(m, rd32(m, b.info + 16)), "build/k.elf ");   /* QEMU: "%s %s" */
    machine_free_board(m);
}

/* ---- -initrd list ---- */

static void modlist_splits_on_single_commas(struct tcase *t)
{
    struct modlist l;
    char err[200];
    EXPECT(t, modlist_parse("a.bin x=1 y,b.bin,c", &l, err, sizeof err));
    EXPECT_EQ(t, l.n, 3);
    if (l.n == 3) {
        EXPECT_STR(t, l.items[0], "a.bin x=1 y");
        EXPECT_STR(t, l.items[1], "b.bin");
        EXPECT_STR(t, l.items[2], "c");
    }
    modlist_free(&l);
    EXPECT(t, modlist_parse("trail,", &l, err, sizeof err));
    EXPECT_EQ(t, l.n, 1);
    modlist_free(&l);
    EXPECT(t, modlist_parse("", &l, err, sizeof err));
    EXPECT_EQ(t, l.n, 0);
    modlist_free(&l);
}

static void modlist_double_comma_is_a_comma(struct tcase *t)
{
    struct modlist l;
    char err[200];
    EXPECT(t, modlist_parse("a,,b x,,y,c,,", &l, err, sizeof err));
    EXPECT_EQ(t, l.n, 2);
    if (l.n == 2) {
        EXPECT_STR(t, l.items[0], "a,b x,y");
        EXPECT_STR(t, l.items[1], "c,");
    }
    modlist_free(&l);
    EXPECT(t, !modlist_parse(",a", &l, err, sizeof err));   /* empty file name */
    EXPECT(t, !modlist_parse("a, b", &l, err, sizeof err));
}

/* ---- files ---- */

static bool write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static void missing_file_names_the_reason(struct tcase *t)
{
    uint8_t *d;
    size_t n;
    char err[200];
    EXPECT(t, !file_read_all("/nonexistent/vtx-kernel", &d, &n, err, sizeof err));
    EXPECT_STR(t, err, "/nonexistent/vtx-kernel: No such file or directory");
    EXPECT(t, !file_read_all("/", &d, &n, err, sizeof err));
}

static void files_load_with_their_modules(struct tcase *t)
{
    static uint8_t img[0x2000];
    char dir[] = "/tmp/vtx-test-XXXXXX", kpath[64], m1[64], m2[64], initrd[200];
    EXPECT(t, mkdtemp(dir) != NULL);
    snprintf(kpath, sizeof kpath, "%s/kernel", dir);
    snprintf(m1, sizeof m1, "%s/mod,one", dir);
    snprintf(m2, sizeof m2, "%s/two", dir);
    snprintf(initrd, sizeof initrd, "%s/mod,,one arg,%s/two", dir, dir);
    make_aout(img, sizeof img, 0x40, 0x100000, 0, 0, 0x100040);
    EXPECT(t, write_file(kpath, img, sizeof img));
    EXPECT(t, write_file(m1, "first", 5));
    EXPECT(t, write_file(m2, "second!", 7));
    struct machine *m = board(8 << 20);
    struct mb_boot b;
    char err[200] = "";
    EXPECT(t, boot_load_files(m, kpath, "hello", initrd, &b, err, sizeof err));
    EXPECT_STR(t, err, "");
    EXPECT_EQ(t, rd32(m, b.info + 20), 2);
    uint32_t mods = rd32(m, b.info + 24);
    EXPECT(t, ram_equals(m, rd32(m, mods), (const uint8_t *)"first", 5));
    EXPECT_EQ(t, rd32(m, mods + 4) - rd32(m, mods), 5);
    char want[80];
    snprintf(want, sizeof want, "%s/mod,one arg", dir);
    EXPECT_STR(t, ram_string(m, rd32(m, mods + 8)), want);
    EXPECT(t, ram_equals(m, rd32(m, mods + 16), (const uint8_t *)"second!", 7));
    snprintf(want, sizeof want, "%s hello", kpath);
    EXPECT_STR(t, ram_string(m, rd32(m, b.info + 16)), want);
    snprintf(initrd, sizeof initrd, "%s/missing", dir);
    EXPECT(t, !boot_load_files(m, kpath, NULL, initrd, &b, err, sizeof err));
    EXPECT(t, strstr(err, "missing: No such file") != NULL);
    machine_free_board(m);
    unlink(kpath), unlink(m1), unlink(m2), rmdir(dir);
}

int main(void)
{
    static const struct test tests[] = {
        TEST(header_found_at_aligned_offsets_in_8k),
        TEST(header_with_bad_checksum_is_skipped),
        TEST(header_with_unknown_required_flag_is_refused),
        TEST(header_address_fields_are_read),
        TEST(aout_loads_text_and_zeroes_bss), TEST(kernel_over_boot_information_wins),
        TEST(aout_without_load_end_loads_the_whole_file),
        TEST(aout_with_bad_addresses_is_refused),
        TEST(image_larger_than_ram_is_refused),
        TEST(image_over_the_vga_window_is_refused),
        TEST(non_multiboot_file_is_refused),
        TEST(elf32_loads_by_program_headers),
        TEST(elf32_entry_moves_with_paddr),
        TEST(elf64_loads_by_program_headers),
        TEST(elf_malformed_is_refused),
        TEST(boot_info_follows_qemu),
        TEST(boot_info_memory_map),
        TEST(cmdline_without_append_ends_in_a_space),
        TEST(modlist_splits_on_single_commas),
        TEST(modlist_double_comma_is_a_comma),
        TEST(missing_file_names_the_reason),
        TEST(files_load_with_their_modules),
    };
    return RUN_TESTS(tests);
}
