/* Multiboot v1 boot information as the loader passes it (Multiboot
 * Specification 0.6.96, "Boot information format"). tests/run-guest.sh
 * boots this kernel with -append "alpha=1 beta=two" (plus "qemu" on QEMU)
 * and -initrd "data/mod1.txt arg1,data/mod2.txt arg2 more". */
#include "kern.h"

static const char *const mod_file[2] = { "mod1.txt", "mod2.txt" };
static const char *const mod_args[2] = { "arg1", "arg2 more" };
static const char *const mod_text[2] = { "module one\n", "second module, a bit longer\n" };

/* The loader may put the kernel's path first (GRUB and QEMU do). */
static const char *skip_path(const char *s, const char *first_expected)
{
    size_t n = strlen(first_expected);
    if (!strncmp(s, first_expected, n) && (s[n] == ' ' || !s[n]))
        return s;
    const char *sp = strchr(s, ' ');
    return sp ? sp + 1 : s + strlen(s);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

int kmain(struct multiboot_info *mb)
{
    reportf(mb != NULL && (uint64_t)mb < 0x100000000ull, "info-pointer", "%p", (void *)mb);
    reportf(mb->flags & MBI_FLAG_CMDLINE, "flag-cmdline", "flags 0x%x", mb->flags);
    const char *args = skip_path(mb_cmdline(), "alpha=1");
    bool ok = !strcmp(args, "alpha=1 beta=two") || !strcmp(args, "alpha=1 beta=two qemu");
    reportf(ok, "cmdline-equals-append", "\"%s\"", mb_cmdline());
    report("cmdline-word-lookup", mb_cmdline_has("beta=two") && !mb_cmdline_has("beta"));

    reportf(mb->flags & MBI_FLAG_MODS, "flag-mods", "flags 0x%x", mb->flags);
    reportf(mb_module_count() == 2, "module-count", "%u", mb_module_count());
    uint32_t prev_end = 0;
    for (uint32_t i = 0; i < 2 && i < mb_module_count(); i++) {
        const struct multiboot_module *m = mb_module(i);
        const char *s = mb_module_string(i);
        char name[40];
        const char *sp = strchr(s, ' ');
        size_t first = sp ? (size_t)(sp - s) : strlen(s);
        char path[128];
        memcpy(path, s, first < sizeof path - 1 ? first : sizeof path - 1);
        path[first < sizeof path - 1 ? first : sizeof path - 1] = 0;
        snprintf(name, sizeof name, "module%u-string", i);
        reportf(ends_with(path, mod_file[i]) && sp && !strcmp(sp + 1, mod_args[i]), name, "\"%s\"", s);
        size_t len = strlen(mod_text[i]);
        snprintf(name, sizeof name, "module%u-length", i);
        reportf(m->mod_end - m->mod_start == len, name, "start 0x%x end 0x%x", m->mod_start, m->mod_end);
        snprintf(name, sizeof name, "module%u-contents", i);
        report(name, !memcmp((const void *)(uint64_t)m->mod_start, mod_text[i], len));
        /* Header flag 0 asked for page-aligned modules. */
        snprintf(name, sizeof name, "module%u-page-aligned", i);
        reportf((m->mod_start & 0xfff) == 0, name, "0x%x", m->mod_start);
        snprintf(name, sizeof name, "module%u-above-kernel", i);
        extern char __image_end[];
        reportf(m->mod_start >= (uint64_t)__image_end && m->mod_start >= prev_end, name, "0x%x", m->mod_start);
        prev_end = m->mod_end;
    }

    reportf(mb->flags & MBI_FLAG_MEM, "flag-mem", "flags 0x%x", mb->flags);
    reportf(mb->mem_lower >= 600 && mb->mem_lower <= 640, "mem-lower", "%u KiB", mb->mem_lower);
    /* -m 128: upper memory is 127 MiB minus whatever the firmware keeps. */
    reportf(mb->mem_upper > 120 * 1024 && mb->mem_upper <= 127 * 1024, "mem-upper", "%u KiB", mb->mem_upper);

    reportf(mb->flags & MBI_FLAG_MMAP, "flag-mmap", "flags 0x%x", mb->flags);
    bool low_ram = false, hole_ok = true, high_ram = false, sane = true;
    uint64_t total = 0;
    for (const struct multiboot_mmap *e = mb_mmap_next(NULL); e; e = mb_mmap_next(e)) {
        if (e->size < 20) sane = false;
        if (e->type != 1) continue;
        total += e->len;
        if (e->addr == 0 && e->len >= 0x90000) low_ram = true;
        /* No available RAM may overlap 640 KiB .. 1 MiB (VGA, ROMs). */
        if (e->addr < 0x100000 && e->addr + e->len > 0xa0000) hole_ok = false;
        if (e->addr <= 0x100000 && e->addr + e->len >= 0x100000 + (uint64_t)mb->mem_upper * 1024) high_ram = true;
    }
    report("mmap-entries-well-formed", sane);
    report("mmap-low-ram-at-0", low_ram);
    report("mmap-hole-640k-1m", hole_ok);
    report("mmap-covers-mem-upper", high_ram);
    reportf(total >= 120ull << 20 && total <= 128ull << 20, "mmap-total-ram", "%lu KiB", total >> 10);
    return report_summary();
}
