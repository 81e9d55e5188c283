/* From the command line's file names to a loaded kernel: read the kernel
 * and each -initrd module (the file name is an item's text before its
 * first space), then hand them to the multiboot loader. */
#include "loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct boot_files {
    uint8_t *kernel;
    size_t kernel_size;
    struct modlist list;
    struct mb_module *mods;
};

static void boot_files_free(struct boot_files *f)
{
    for (int i = 0; f->mods && i < f->list.n; i++)
        free((void *)f->mods[i].data);
    free(f->mods);
    modlist_free(&f->list);
    free(f->kernel);
}

static bool read_module(struct mb_module *mod, const char *item, char *err, size_t errlen)
{
    size_t len = strcspn(item, " ");
    char *path = malloc(len + 1);
    if (!path) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    memcpy(path, item, len);
    path[len] = '\0';
    uint8_t *data = NULL;
    bool ok = file_read_all(path, &data, &mod->size, err, errlen);
    free(path);
    mod->string = item;
    mod->data = data;
    return ok;
}

static bool read_modules(struct boot_files *f, const char *initrd, char *err, size_t errlen)
{
    if (!initrd)
        return true;
    if (!modlist_parse(initrd, &f->list, err, errlen))
        return false;
    f->mods = calloc((size_t)f->list.n + 1, sizeof *f->mods);
    if (!f->mods) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    for (int i = 0; i < f->list.n; i++)
        if (!read_module(&f->mods[i], f->list.items[i], err, errlen))
            return false;
    return true;
}

bool boot_load_files(struct machine *m, const char *kernel, const char *append,
                     const char *initrd, struct mb_boot *out, char *err, size_t errlen)
{
    struct boot_files f = { 0 };
    bool ok = file_read_all(kernel, &f.kernel, &f.kernel_size, err, errlen) &&
              read_modules(&f, initrd, err, errlen);
    if (ok) {
        struct mb_config cfg = { kernel, append ? append : "", initrd, f.mods, f.list.n };
        char why[200];
        ok = multiboot_load(m, f.kernel, f.kernel_size, &cfg, out, why, sizeof why);
        if (!ok)
            snprintf(err, errlen, "%s: %s", kernel, why);
    }
    boot_files_free(&f);
    return ok;
}
