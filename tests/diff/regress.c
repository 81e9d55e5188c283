/* One case as one line of text (tests/diff/regressions.txt, and the
 * "repro:" line printed for every mismatch). Format: see the head of
 * regressions.txt. */
#include <ctype.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch = tolower(ch);
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
}

/* Hex byte string into buf; returns the count or -1. */
static int parse_bytes(const char *s, size_t n, uint8_t *buf, int max)
{
    int k = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '_' || s[i] == ':') { i++; continue; }
        if (i + 1 >= n || k >= max) return -1;
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0) return -1;
        buf[k++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    return k;
}

static int parse_u64(const char *s, size_t n, uint64_t *v)
{
    char tmp[40], *end;
    if (n == 0 || n >= sizeof tmp) return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    *v = strtoull(tmp, &end, 0);
    return *end ? -1 : 0;
}

static int reg_index(const char *s, size_t n)
{
    for (int i = 0; i < 16; i++)
        if (strlen(reg64_name(i)) == n && !strncmp(s, reg64_name(i), n))
            return i;
    return -1;
}

static uint32_t parse_need(const char *s, size_t n)
{
    uint32_t f = 0;
    while (n) {
        size_t k = 0;
        while (k < n && s[k] != ',') k++;
        for (int i = 0; i < FEAT_COUNT; i++)
            if (strlen(feat_names[i]) == k && !strncmp(s, feat_names[i], k))
                f |= 1u << i;
        s += k;
        n -= k;
        if (n) { s++; n--; }
    }
    return f;
}

static int parse_token(struct dcase *c, const char *key, size_t kn, const char *v, size_t vn,
                       char *err, size_t errlen)
{
    uint64_t x;
    int r;
#define KEY(s) (kn == strlen(s) && !strncmp(key, s, kn))
    if (KEY("code")) {
        int n = parse_bytes(v, vn, c->code, DIFF_MAX_CODE - 1);
        if (n <= 0) goto bad;
        c->code_len = n;
    } else if (KEY("at")) {
        if (parse_u64(v, vn, &x) || x >= DIFF_PAGE) goto bad;
        c->code_off = (int)x;
    } else if ((r = reg_index(key, kn)) >= 0) {
        if (parse_u64(v, vn, &c->init.r[r])) goto bad;
    } else if (KEY("rflags")) {
        if (parse_u64(v, vn, &c->init.rflags)) goto bad;
    } else if (KEY("mxcsr")) {
        if (parse_u64(v, vn, &x)) goto bad;
        c->init.mxcsr = (uint32_t)x;
    } else if (kn > 3 && !strncmp(key, "xmm", 3)) {
        int i = atoi(key + 3);
        const char *colon = memchr(v, ':', vn);
        if (i < 0 || i > 15 || !colon) goto bad;
        char tmp[2][24] = { "", "" };
        size_t a = (size_t)(colon - v), b = vn - a - 1;
        if (a >= 24 || b >= 24) goto bad;
        memcpy(tmp[0], v, a);
        memcpy(tmp[1], colon + 1, b);
        c->init.xmm[i][1] = strtoull(tmp[0], NULL, 16);
        c->init.xmm[i][0] = strtoull(tmp[1], NULL, 16);
    } else if (KEY("fill")) {
        if (parse_u64(v, vn, &x)) goto bad;
        case_fill(c, x);
    } else if (key[0] == '@') {
        uint8_t buf[DIFF_DATA_SIZE];
        if (parse_u64(key + 1, kn - 1, &x)) goto bad;
        int n = parse_bytes(v, vn, buf, (int)sizeof buf);
        if (n <= 0 || x < DIFF_DATA || x + (uint64_t)n > DIFF_DATA_END) goto bad;
        memcpy(c->data + (x - DIFF_DATA), buf, (size_t)n);
    } else if (KEY("undef")) {
        char tmp[128];
        if (vn >= sizeof tmp) goto bad;
        memcpy(tmp, v, vn);
        tmp[vn] = 0;
        c->undef_flags = flags_parse(tmp);
    } else if (KEY("undefreg")) {
        while (vn) {
            size_t k = 0;
            while (k < vn && v[k] != ',') k++;
            if ((r = reg_index(v, k)) < 0) goto bad;
            c->undef_regs |= (uint16_t)(1u << r);
            v += k;
            vn -= k;
            if (vn) { v++; vn--; }
        }
    } else if (KEY("fswundef")) {
        if (parse_u64(v, vn, &x)) goto bad;
        c->fsw_undef = (uint16_t)x;
    } else if (KEY("need")) {
        c->need = parse_need(v, vn);
    } else if (KEY("fam")) {
        snprintf(c->family, sizeof c->family, "%.*s", (int)vn, v);
    } else {
        snprintf(err, errlen, "unknown key '%.*s'", (int)kn, key);
        return -1;
    }
    return 0;
#undef KEY
bad:
    snprintf(err, errlen, "bad value for '%.*s': '%.*s'", (int)kn, key, (int)vn, v);
    return -1;
}

/* Returns 1 for a case, 0 for a blank/comment line, -1 on error. */
int case_parse(const char *line, struct dcase *c, char *err, size_t errlen)
{
    case_init(c, "regress");
    const char *p = line;
    while (*p && *p != '#') {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p || *p == '#' || *p == '\n' || *p == '\r') break;
        const char *tok = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') p++;
        const char *eq = memchr(tok, '=', (size_t)(p - tok));
        if (!eq) {
            snprintf(err, errlen, "token without '=': '%.*s'", (int)(p - tok), tok);
            return -1;
        }
        if (parse_token(c, tok, (size_t)(eq - tok), eq + 1, (size_t)(p - eq - 1), err, errlen))
            return -1;
    }
    if (*p == '#') {
        p++;
        while (*p == ' ') p++;
        snprintf(c->text, sizeof c->text, "%.*s", (int)strcspn(p, "\r\n"), p);
    }
    if (!c->code_len) {
        const char *q = line;
        while (*q == ' ' || *q == '\t') q++;
        if (!*q || *q == '#' || *q == '\n' || *q == '\r')
            return 0;
        snprintf(err, errlen, "no code= token");
        return -1;
    }
    c->ninsn = 1;
    c->insn_off[0] = 0;
    c->fx[0].need = c->need;
    c->fx[0].fundef = c->undef_flags;
    c->fx[0].undef_regs = c->undef_regs;
    case_finish(c);
    return 1;
}

static size_t put(char *out, size_t len, size_t n, const char *fmt, ...)
{
    if (n >= len) return n;
    va_list ap;
    va_start(ap, fmt);
    n += (size_t)vsnprintf(out + n, len - n, fmt, ap);
    va_end(ap);
    return n;
}

void case_format(const struct dcase *c, char *out, size_t len)
{
    size_t n = 0;
    int clen = c->code_len;
    if (clen && c->code[clen - 1] == 0xcc)
        clen--;   /* the terminator is implied */
    n = put(out, len, n, "fam=%s code=", c->family[0] ? c->family : "case");
    for (int i = 0; i < clen; i++)
        n = put(out, len, n, "%02x", c->code[i]);
    if (c->code_off)
        n = put(out, len, n, " at=%#x", c->code_off);
    for (int i = 0; i < 16; i++)
        if (c->init.r[i] || i == 4)
            n = put(out, len, n, " %s=%#" PRIx64, reg64_name(i), c->init.r[i]);
    n = put(out, len, n, " rflags=%#" PRIx64, c->init.rflags);
    if (c->init.mxcsr != DIFF_MXCSR_DEFAULT)
        n = put(out, len, n, " mxcsr=%#x", c->init.mxcsr);
    for (int i = 0; i < 16; i++)
        if (c->init.xmm[i][0] || c->init.xmm[i][1])
            n = put(out, len, n, " xmm%d=%" PRIx64 ":%" PRIx64, i, c->init.xmm[i][1], c->init.xmm[i][0]);
    if (c->fill_seed)
        n = put(out, len, n, " fill=%#" PRIx64, c->fill_seed);
    static uint8_t base[DIFF_DATA_SIZE];
    fill_data(base, c->fill_seed);
    for (int i = 0; i < (int)DIFF_DATA_SIZE;) {
        if (c->data[i] == base[i]) { i++; continue; }
        int j = i, last = i;
        while (j < (int)DIFF_DATA_SIZE && j - last < 8) {
            if (c->data[j] != base[j]) last = j;
            j++;
        }
        n = put(out, len, n, " @%#" PRIx64 "=", DIFF_DATA + (uint64_t)i);
        for (int k = i; k <= last; k++)
            n = put(out, len, n, "%02x", c->data[k]);
        i = last + 1;
    }
    if (c->undef_flags) {
        char f[96];
        flags_str(c->undef_flags, f, sizeof f);
        n = put(out, len, n, " undef=%s", f);
    }
    if (c->undef_regs) {
        n = put(out, len, n, " undefreg=");
        const char *sep = "";
        for (int i = 0; i < 16; i++)
            if ((c->undef_regs >> i) & 1) {
                n = put(out, len, n, "%s%s", sep, reg64_name(i));
                sep = ",";
            }
    }
    if (c->fsw_undef)
        n = put(out, len, n, " fswundef=%#x", c->fsw_undef);
    if (c->need) {
        n = put(out, len, n, " need=");
        const char *sep = "";
        for (int i = 0; i < FEAT_COUNT; i++)
            if ((c->need >> i) & 1) {
                n = put(out, len, n, "%s%s", sep, feat_names[i]);
                sep = ",";
            }
    }
    if (c->text[0])
        n = put(out, len, n, " # %s", c->text);
}
