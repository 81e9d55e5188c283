/* Each VM's console: the bytes it sends to its virtual COM1 or through
 * HC_PRINT, printed by whole lines on hv's serial port with the VM's name
 * as prefix, "[name] text". A VM may print at most CONSOLE_CAP bytes, so a
 * flooding guest cannot drown the others' output. */
#include "hv.h"

#define CONSOLE_CAP (256u << 10)

void console_flush(struct vm *vm)
{
    struct console *c = &vm->con;
    if (!c->len)
        return;
    c->line[c->len] = 0;
    printf("[%s] %s\n", vm->name, c->line);
    c->len = 0;
}

void console_putc(struct vm *vm, char ch)
{
    struct console *c = &vm->con;
    if (c->capped)
        return;
    if (++c->bytes > CONSOLE_CAP) {
        console_flush(vm);
        printf("hv: %s: console output limit (%u KiB) reached; the rest is dropped\n",
               vm->name, CONSOLE_CAP >> 10);
        c->capped = true;
        return;
    }
    if (ch == '\r')
        return;
    if (ch == '\n') {
        c->line[c->len] = 0;
        printf("[%s] %s\n", vm->name, c->line);
        c->len = 0;
        return;
    }
    if ((unsigned char)ch < 0x20 && ch != '\t')
        ch = '.';                               /* keep hv's log readable */
    c->line[c->len++] = ch;
    if (c->len == CONSOLE_LINE - 1)
        console_flush(vm);
}

void console_write(struct vm *vm, const char *s, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        console_putc(vm, s[i]);
}
