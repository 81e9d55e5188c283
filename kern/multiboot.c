/* Multiboot v1 boot-information helpers. */
#include "kern.h"

struct multiboot_info *mb_info;

const char *mb_cmdline(void)
{
    if (!mb_info || !(mb_info->flags & MBI_FLAG_CMDLINE) || !mb_info->cmdline)
        return "";
    return (const char *)(uint64_t)mb_info->cmdline;
}

bool mb_cmdline_has(const char *word)
{
    const char *s = mb_cmdline();
    size_t n = strlen(word);
    while (*s) {
        while (*s == ' ') s++;
        const char *e = s;
        while (*e && *e != ' ') e++;
        if ((size_t)(e - s) == n && !strncmp(s, word, n))
            return true;
        s = e;
    }
    return false;
}

uint32_t mb_module_count(void)
{
    if (!mb_info || !(mb_info->flags & MBI_FLAG_MODS))
        return 0;
    return mb_info->mods_count;
}

const struct multiboot_module *mb_module(uint32_t i)
{
    if (i >= mb_module_count())
        return NULL;
    return (const struct multiboot_module *)(uint64_t)mb_info->mods_addr + i;
}

const char *mb_module_string(uint32_t i)
{
    const struct multiboot_module *m = mb_module(i);
    return m && m->string ? (const char *)(uint64_t)m->string : "";
}

const struct multiboot_mmap *mb_mmap_next(const struct multiboot_mmap *prev)
{
    if (!mb_info || !(mb_info->flags & MBI_FLAG_MMAP))
        return NULL;
    uint64_t start = mb_info->mmap_addr, end = start + mb_info->mmap_length;
    uint64_t next = prev ? (uint64_t)prev + prev->size + 4 : start;
    if (next + sizeof(struct multiboot_mmap) > end)
        return NULL;
    return (const struct multiboot_mmap *)next;
}
