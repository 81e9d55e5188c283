/* Loading a kernel: the Multiboot v1 header (multiboot.c), ELF program
 * headers (elf.c), the boot information (mbinfo.c), the -initrd module
 * list (modlist.c), reading the files (bootfiles.c) and the boot CPU's
 * initial state (boot.c). References: the Multiboot Specification 0.6.96;
 * the System V ABI "Program Loading"; QEMU's hw/i386/multiboot.c for where
 * a PC loader puts the boot information. */
#ifndef EMU_LOADER_H
#define EMU_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct cpu;

/* Multiboot Specification 0.6.96, "The layout of Multiboot header". */
#define MB_HEADER_MAGIC   0x1BADB002u
#define MB_BOOT_MAGIC     0x2BADB002u   /* EAX at entry ("Machine state") */
#define MB_SEARCH_LIMIT   8192          /* header within the first 8192 bytes */
#define MB_HEADER_MIN     12            /* magic, flags, checksum */
#define MB_HEADER_AOUT    32            /* ... through entry_addr */
#define MB_HFLAG_PAGE_ALIGN 0x00000001u /* modules page-aligned */
#define MB_HFLAG_MEMINFO    0x00000002u /* mem_* fields wanted */
#define MB_HFLAG_VIDEO      0x00000004u /* video mode table wanted */
#define MB_HFLAG_REQUIRED   0x0000FFFFu /* bits 0-15: loader must honour */
#define MB_HFLAG_AOUT_KLUDGE 0x00010000u /* address fields valid */

/* Multiboot Specification 0.6.96, "Boot information format". */
#define MB_INFO_MEMORY      0x001u
#define MB_INFO_BOOTDEV     0x002u
#define MB_INFO_CMDLINE     0x004u
#define MB_INFO_MODS        0x008u
#define MB_INFO_MEM_MAP     0x040u
#define MB_INFO_LOADER_NAME 0x200u

/* Where QEMU's loader puts the boot information (hw/i386/multiboot.c):
 * the memory map at 0x9000 and the info structure at 0x9500. */
#define MB_MMAP_ADDR      0x9000u
#define MB_INFO_ADDR      0x9500u
#define MB_INFO_SIZE      88u
#define MB_BOOTINFO_END   (MB_INFO_ADDR + MB_INFO_SIZE)
#define MB_MOD_SIZE       16u
#define MB_MMAP_ENTRY     24u           /* size field + 20-byte entry */
#define MB_LOADER_NAME    "vtx"
#define MB_BOOT_DEVICE    0x8000FFFFu   /* as QEMU: BIOS disk 0x80, whole disk */

struct mb_header {
    uint32_t offset;          /* where the header is in the file */
    uint32_t flags;
    /* Valid with MB_HFLAG_AOUT_KLUDGE. */
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* Finds the header: 1 found, 0 none, -1 found but unusable (err says why). */
int mb_find_header(const uint8_t *img, size_t size, struct mb_header *h, char *err, size_t errlen);

/* A kernel as a list of pieces to place in physical memory. */
#define KERNEL_MAX_SEGS 32
struct kernel_seg {
    uint32_t paddr;
    const uint8_t *data;      /* filesz bytes from the image */
    uint32_t filesz, memsz;   /* memsz - filesz bytes of zeros follow */
};
struct kernel_image {
    struct kernel_seg seg[KERNEL_MAX_SEGS];
    int nseg;
    uint32_t low, high;       /* extent [low, high) of all pieces */
    uint32_t entry;
};

/* The pieces of an a.out-kludge image (multiboot.c) or an ELF32/ELF64
 * image (elf.c); false with err when the image is malformed. */
bool mb_aout_image(const uint8_t *img, size_t size, const struct mb_header *h,
                   struct kernel_image *k, char *err, size_t errlen);
bool elf_image(const uint8_t *img, size_t size, struct kernel_image *k, char *err, size_t errlen);

/* A boot module: its string ("file args", as QEMU passes it) and contents. */
struct mb_module {
    const char *string;
    const uint8_t *data;
    size_t size;
};

struct mb_config {
    const char *kernel_path;  /* as given on the command line */
    const char *append;       /* -append, "" when absent */
    const char *initrd;       /* -initrd as given, or NULL */
    const struct mb_module *mods;
    int nmods;
};

/* Where the loader put things, for the CPU and for the tests. */
struct mb_boot {
    uint32_t entry;           /* EIP */
    uint32_t info;            /* EBX: the multiboot information structure */
    uint32_t buf_low, buf_end;  /* kernel, info area and modules */
};

/* Load the kernel image and its modules into m's RAM and build the boot
 * information; false with a one-line reason in err. */
bool multiboot_load(struct machine *m, const uint8_t *img, size_t size,
                    const struct mb_config *cfg, struct mb_boot *out, char *err, size_t errlen);

/* The layout of the loader's buffer after the kernel (mbinfo.c). */
struct mb_layout {
    uint32_t low;             /* kernel start = buffer start */
    uint32_t mods_addr;       /* module list (16 bytes each) */
    uint32_t strings;         /* module strings, then the kernel command line */
    uint32_t loader_name;
    uint64_t first_mod;       /* modules follow, each page-aligned */
    uint64_t end;             /* end of the buffer (past the last module) */
};
void mb_plan_layout(const struct kernel_image *k, const struct mb_config *cfg, struct mb_layout *l);
/* Write the info structure, strings, module list and memory map. */
bool mb_write_info(struct machine *m, const struct mb_config *cfg, const struct mb_layout *l);

/* The -initrd list: "file args,file args" with ",," for a literal comma
 * (QEMU's get_opt_value). */
struct modlist {
    char **items;
    int n;
};
bool modlist_parse(const char *list, struct modlist *out, char *err, size_t errlen);
void modlist_free(struct modlist *l);

/* Read a whole file (kernel, module); false with "PATH: reason" in err. */
bool file_read_all(const char *path, uint8_t **data, size_t *size, char *err, size_t errlen);

/* Read the kernel and module files and load them (bootfiles.c). */
bool boot_load_files(struct machine *m, const char *kernel, const char *append,
                     const char *initrd, struct mb_boot *out, char *err, size_t errlen);

/* The GDT a kernel inherits (boot.c): QEMU's option ROM leaves 5 entries
 * (limit 0x27) in its ROM at 0xC02B8, a range its memory map does not
 * list; vtx puts the same bytes in the BIOS ROM area [0xF0000, 0x100000),
 * which the map reports as reserved, clear of the reset vector (0xFFFF0)
 * and the model byte (0xFFFFE). */
#define MB_GDT_ADDR       0xFFF00u
#define MB_GDT_SIZE       40u
#define MB_GDT_CODE_SEL   0x08u
#define MB_GDT_DATA_SEL   0x10u

/* The machine state a multiboot loader leaves (boot.c): the CPU's
 * registers, and the GDT in memory. */
void boot_cpu_multiboot(struct cpu *c, const struct mb_boot *b);
void boot_write_gdt(struct machine *m);

#endif
