/* Loading a guest image into its VM's RAM, the way a multiboot loader
 * loads a kernel: the multiboot header (searched in the first 8 KiB), then
 * the ELF program headers (ELF32 or ELF64) or, with header flag 16, the
 * a.out-kludge addresses; then the multiboot information in the VM's low
 * memory and the machine state the specification promises. Multiboot
 * Specification 0.6.96: "OS image format", "Machine state", "Boot
 * information format". ELF: System V ABI, "Program Header". */
#include "hv.h"
#include "guest_layout.h"

#define MB_HEADER_MAGIC  0x1BADB002u
#define MB_BOOT_MAGIC    0x2BADB002u
#define MB_SEARCH        8192
#define MBH_VIDEO_MODE   (1u << 2)
#define MBH_AOUT_KLUDGE  (1u << 16)
#define MBI_FLAG_LOADER_NAME (1u << 9)

struct mb_header {
    uint32_t magic, flags, checksum;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct elf_ident { uint8_t magic[4], cls, data, version, pad[9]; };
struct elf32_ehdr { struct elf_ident id; uint16_t type, machine; uint32_t version, entry, phoff, shoff, flags;
                    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx; };
struct elf32_phdr { uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align; };
struct elf64_ehdr { struct elf_ident id; uint16_t type, machine; uint32_t version; uint64_t entry, phoff, shoff;
                    uint32_t flags; uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx; };
struct elf64_phdr { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; };
#define PT_LOAD 1

struct segment { uint64_t offset, vaddr, paddr, filesz, memsz; };

static bool put(struct vm *vm, uint64_t gpa, const uint8_t *src, uint64_t filesz, uint64_t memsz)
{
    uint8_t *dst = gpa_ptr(vm, gpa, memsz);
    if (!dst || filesz > memsz) {
        printf("hv: %s: segment at 0x%lx-0x%lx does not fit its %lu MiB of RAM (give it mem=)\n",
               vm->name, gpa, gpa + memsz, vm->ram_size >> 20);
        return false;
    }
    memcpy(dst, src, filesz);
    memset(dst + filesz, 0, memsz - filesz);
    return true;
}

static bool segment_get(const uint8_t *img, uint64_t size, bool is64, unsigned i, struct segment *s, bool *load)
{
    if (is64) {
        const struct elf64_ehdr *h = (const void *)img;
        uint64_t off = h->phoff + (uint64_t)i * h->phentsize;
        if (off + sizeof(struct elf64_phdr) > size) return false;
        const struct elf64_phdr *p = (const void *)(img + off);
        *load = p->type == PT_LOAD;
        *s = (struct segment){ p->offset, p->vaddr, p->paddr, p->filesz, p->memsz };
    } else {
        const struct elf32_ehdr *h = (const void *)img;
        uint64_t off = h->phoff + (uint64_t)i * h->phentsize;
        if (off + sizeof(struct elf32_phdr) > size) return false;
        const struct elf32_phdr *p = (const void *)(img + off);
        *load = p->type == PT_LOAD;
        *s = (struct segment){ p->offset, p->vaddr, p->paddr, p->filesz, p->memsz };
    }
    return true;
}

/* PT_LOAD segments at their physical addresses; the entry point converted
 * from virtual to physical when it lies in a segment linked elsewhere. */
bool elf_load(struct vm *vm, const uint8_t *img, uint64_t size, uint64_t *entry)
{
    const struct elf_ident *id = (const void *)img;
    if (size < sizeof(struct elf64_ehdr) || memcmp(id->magic, "\x7f" "ELF", 4) ||
        (id->cls != 1 && id->cls != 2) || id->data != 1) {
        printf("hv: %s: not a little-endian ELF image\n", vm->name);
        return false;
    }
    bool is64 = id->cls == 2;
    unsigned phnum = is64 ? ((const struct elf64_ehdr *)img)->phnum : ((const struct elf32_ehdr *)img)->phnum;
    uint64_t e = is64 ? ((const struct elf64_ehdr *)img)->entry : ((const struct elf32_ehdr *)img)->entry;
    *entry = e;
    unsigned loaded = 0;
    for (unsigned i = 0; i < phnum; i++) {
        struct segment s;
        bool load;
        if (!segment_get(img, size, is64, i, &s, &load)) {
            printf("hv: %s: ELF program header %u is outside the file\n", vm->name, i);
            return false;
        }
        if (!load || !s.memsz)
            continue;
        if (s.offset + s.filesz > size) {
            printf("hv: %s: ELF segment %u extends past the end of the file\n", vm->name, i);
            return false;
        }
        if (!put(vm, s.paddr, img + s.offset, s.filesz, s.memsz))
            return false;
        if (e >= s.vaddr && e < s.vaddr + s.memsz)
            *entry = e - s.vaddr + s.paddr;
        loaded++;
    }
    if (!loaded) {
        printf("hv: %s: ELF image has no loadable segment\n", vm->name);
        return false;
    }
    return true;
}

static const struct mb_header *mb_header_find(const uint8_t *img, uint64_t size, uint64_t *offset)
{
    for (uint64_t off = 0; off + sizeof(struct mb_header) <= size && off < MB_SEARCH; off += 4) {
        const struct mb_header *h = (const void *)(img + off);
        if (h->magic == MB_HEADER_MAGIC && h->magic + h->flags + h->checksum == 0) {
            *offset = off;
            return h;
        }
    }
    return NULL;
}

/* Header flag 16: the header's own addresses say where the image goes. */
static bool aout_load(struct vm *vm, const uint8_t *img, uint64_t size, const struct mb_header *h,
                      uint64_t hoff, uint64_t *entry)
{
    if (h->header_addr < h->load_addr || hoff < h->header_addr - h->load_addr) {
        printf("hv: %s: inconsistent multiboot a.out-kludge addresses\n", vm->name);
        return false;
    }
    uint64_t file_start = hoff - (h->header_addr - h->load_addr);
    uint64_t len = h->load_end_addr ? h->load_end_addr - h->load_addr : size - file_start;
    uint64_t mem = h->bss_end_addr > h->load_addr + len ? h->bss_end_addr - h->load_addr : len;
    if (file_start + len > size) {
        printf("hv: %s: multiboot load_end_addr is past the end of the file\n", vm->name);
        return false;
    }
    *entry = h->entry_addr;
    return put(vm, h->load_addr, img + file_start, len, mem);
}

/* The multiboot information: memory sizes and map, command line, loader
 * name. Returns its guest-physical address, 0 if it does not fit. */
static uint64_t mbi_write(struct vm *vm, const char *cmdline)
{
    struct multiboot_info *mbi = gpa_ptr(vm, MB_INFO, sizeof *mbi);
    struct multiboot_mmap *mm = gpa_ptr(vm, MB_MMAP, 4 * sizeof *mm);
    char *name = gpa_ptr(vm, MB_LOADER_NAME, 16), *cl = gpa_ptr(vm, MB_CMDLINE, MB_CMDLINE_MAX);
    if (!mbi || !mm || !name || !cl)
        return 0;
    static const struct { uint64_t addr, len; uint32_t type; } map[3] = {
        { 0, MB_LOW_END, 1 }, { MB_LOW_END, 0xa0000 - MB_LOW_END, 2 }, { 0xf0000, 0x10000, 2 },
    };
    for (int i = 0; i < 3; i++)
        mm[i] = (struct multiboot_mmap){ 20, map[i].addr, map[i].len, map[i].type };
    mm[3] = (struct multiboot_mmap){ 20, 0x100000, vm->ram_size - 0x100000, 1 };
    memcpy(name, "hv (vtx)", 9);
    size_t n = strlen(cmdline);
    if (n >= MB_CMDLINE_MAX) n = MB_CMDLINE_MAX - 1;
    memcpy(cl, cmdline, n);
    cl[n] = 0;
    memset(mbi, 0, sizeof *mbi);
    mbi->flags = MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_MMAP | MBI_FLAG_LOADER_NAME;
    mbi->mem_lower = MB_LOW_END >> 10;
    mbi->mem_upper = (uint32_t)((vm->ram_size - 0x100000) >> 10);
    mbi->cmdline = MB_CMDLINE;
    mbi->mmap_addr = MB_MMAP;
    mbi->mmap_length = 4 * sizeof *mm;
    mbi->boot_loader_name = MB_LOADER_NAME;
    return MB_INFO;
}

/* One module: a VM started as a multiboot loader starts a kernel. */
bool multiboot_guest_create(const struct module_spec *m)
{
    const uint8_t *img = (const uint8_t *)m->start;
    uint64_t size = m->end - m->start, hoff = 0, entry = 0;
    struct vm *vm = vm_new(m->name, m->mem);
    if (!vm)
        return false;
    vm->expect = m->expect;
    vm->expect_status = m->expect_status;
    printf("hv: %s: multiboot module \"%s\", %lu bytes, %lu MiB of RAM\n",
           vm->name, m->cmdline, size, vm->ram_size >> 20);
    const struct mb_header *h = mb_header_find(img, size, &hoff);
    bool ok = h != NULL;
    if (!h)
        printf("hv: %s: no multiboot header in the first 8 KiB: not a multiboot kernel\n", vm->name);
    else if (h->flags & MBH_VIDEO_MODE)
        printf("hv: %s: the kernel asks for video mode information (header flag 2); hv has no"
               " display and passes none\n", vm->name);
    if (ok)
        ok = (h->flags & MBH_AOUT_KLUDGE) ? aout_load(vm, img, size, h, hoff, &entry)
                                          : elf_load(vm, img, size, &entry);
    uint64_t mbi = ok ? mbi_write(vm, m->cmdline) : 0;
    struct guest_start s = { .rip = entry, .rsp = 0, .rax = MB_BOOT_MAGIC, .rbx = mbi };
    if (!ok || !mbi || !vmcs_setup(vm) || !guest_state_prot32(vm, &s)) {
        vm_end(vm, END_LOAD_FAILED, 0, "could not be started (see above)");
        return false;
    }
    printf("hv: %s: entry 0x%lx in 32-bit protected mode, multiboot information at 0x%lx\n",
           vm->name, entry, mbi);
    return true;
}
