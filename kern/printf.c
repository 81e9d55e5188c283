/* Small printf: %d %i %u %x %X %o %s %c %p %%, width, '-', '0', '#', l and ll. */
#include "kern.h"

struct out { char *buf; size_t n, len; bool to_serial; };

static void put(struct out *o, char c)
{
    if (o->to_serial)
        serial_putc(c);
    else if (o->len + 1 < o->n)
        o->buf[o->len] = c;
    o->len++;
}

static void put_num(struct out *o, uint64_t v, bool neg, int base, bool upper,
                    int width, bool zero, bool left)
{
    char tmp[24];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do { tmp[n++] = digits[v % base]; v /= base; } while (v);
    int len = n + (neg ? 1 : 0);
    if (!left && !zero)
        for (; width > len; width--) put(o, ' ');
    if (neg) put(o, '-');
    if (!left && zero)
        for (; width > len; width--) put(o, '0');
    while (n) put(o, tmp[--n]);
    if (left)
        for (; width > len; width--) put(o, ' ');
}

static int format(struct out *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') { put(o, *fmt); continue; }
        fmt++;
        bool zero = false, left = false, alt = false;
        int width = 0, lng = 0;
        for (;; fmt++) {
            if (*fmt == '0') zero = true;
            else if (*fmt == '-') left = true;
            else if (*fmt == '#') alt = true;
            else break;
        }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') { lng++; fmt++; }
        if (*fmt == 'z') { lng = 1; fmt++; }
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, width, zero, left);
            break;
        }
        case 'u': case 'x': case 'X': case 'o': {
            uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            if (alt && v && base != 10) {             /* 0x / 0X / 0 prefix */
                put(o, '0');
                if (base == 16) put(o, *fmt);
            }
            put_num(o, v, false, base, *fmt == 'X', width, zero, left);
            break;
        }
        case 'p':
            put(o, '0'); put(o, 'x');
            put_num(o, (uint64_t)va_arg(ap, void *), false, 16, false, width, zero, left);
            break;
        case 'c': put(o, (char)va_arg(ap, int)); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int len = (int)strlen(s);
            if (!left) for (; width > len; width--) put(o, ' ');
            while (*s) put(o, *s++);
            if (left) for (; width > len; width--) put(o, ' ');
            break;
        }
        case '%': put(o, '%'); break;
        case 0: fmt--; break;
        default: put(o, '%'); put(o, *fmt); break;
        }
    }
    return (int)o->len;
}

int vprintf(const char *fmt, va_list ap)
{
    struct out o = { .to_serial = true };
    return format(&o, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vprintf(fmt, ap);
    va_end(ap);
    return r;
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct out o = { .buf = buf, .n = n };
    int r = format(&o, fmt, ap);
    if (n)
        buf[o.len < n ? o.len : n - 1] = 0;
    return r;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}
