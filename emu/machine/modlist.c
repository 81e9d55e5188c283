/* The -initrd module list, in QEMU's syntax (qemu-option.c get_opt_value):
 * items are separated by ',' and ",," stands for a literal comma. Each
 * item is "file args": the module's file is the part before the first
 * space, and the whole item is the module's string (hw/i386/multiboot.c). */
#include "loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One item from *p, unescaped; *p moves past it and its separator. */
static char *next_item(const char **p)
{
    const char *s = *p;
    char *out = malloc(strlen(s) + 1), *o = out;
    if (!out)
        return NULL;
    while (*s) {
        if (*s == ',') {
            if (s[1] != ',')
                break;
            s++;   /* ",," is one literal comma */
        }
        *o++ = *s++;
    }
    *o = '\0';
    *p = *s ? s + 1 : s;
    return out;
}

static bool add_item(struct modlist *l, char *item)
{
    char **n = realloc(l->items, (size_t)(l->n + 1) * sizeof *n);
    if (!n)
        return false;
    l->items = n;
    l->items[l->n++] = item;
    return true;
}

bool modlist_parse(const char *list, struct modlist *out, char *err, size_t errlen)
{
    *out = (struct modlist){ 0 };
    const char *p = list;
    while (*p) {
        char *item = next_item(&p);
        if (!item || !add_item(out, item)) {
            free(item);
            modlist_free(out);
            snprintf(err, errlen, "out of host memory");
            return false;
        }
        if (item[0] == '\0' || item[0] == ' ') {
            modlist_free(out);
            snprintf(err, errlen, "-initrd: a module has no file name");
            return false;
        }
    }
    return true;
}

void modlist_free(struct modlist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    *l = (struct modlist){ 0 };
}
