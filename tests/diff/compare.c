/* Comparing the two outcomes of a case, and printing cases and outcomes.
 *
 * Compared: how the run stopped (INT3 or which exception), the error code
 * (page faults: P, W, U, RSVD and I/D bits), the page-fault linear address
 * (CR2 vs the kernel's cr2 / si_addr), RIP, all 16 GPRs except those the
 * case marks undefined, RFLAGS (DIFF_RFLAGS_CMP minus the case's undefined
 * flags, from undef.c), XMM0-15, MXCSR and every byte of the data pages. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diff.h"
#include "undef.h"

#ifdef DIFF_HAVE_ZYDIS
#include <Zydis/Zydis.h>
#endif

static const char *const vec_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP",
    "#SS", "#GP", "#PF", "15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

const char *vector_name(int v)
{
    if (v >= 0 && v < 32 && vec_names[v])
        return vec_names[v];
    return "?";
}

static bool has_error_code(int v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

/* Page-fault error bits compared. Linux reports user accesses to kernel
 * addresses as protection faults (P = 1) to hide the kernel's page-table
 * layout, so P is not compared there. */
static uint32_t pf_error_mask(uint64_t addr)
{
    uint32_t m = 0x1f;    /* P W U RSVD I */
    if (addr >= 0x00007ffffffff000ull)
        m &= ~1u;
    return m;
}

struct why {
    char *buf;
    size_t len, used;
    int items;
};

static void add(struct why *w, const char *fmt, ...)
{
    if (w->used >= w->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (w->items++)
        w->used += (size_t)snprintf(w->buf + w->used, w->len - w->used, "; ");
    if (w->used < w->len)
        w->used += (size_t)vsnprintf(w->buf + w->used, w->len - w->used, fmt, ap);
    va_end(ap);
}

static const char *kind_name(int k)
{
    switch (k) {
    case OUT_EXC: return "exception";
    case OUT_TIMEOUT: return "timeout";
    case OUT_HLT: return "hlt";
    case OUT_OTHER: return "other-stop";
    case OUT_CRASH: return "runner-crash";
    case OUT_SETUP: return "setup-error";
    default: return "none";
    }
}

static void describe_stop(char *out, size_t len, const struct doutcome *o)
{
    if (o->kind != OUT_EXC) {
        snprintf(out, len, "%s%s%s", kind_name(o->kind), o->msg[0] ? ": " : "", o->msg);
        return;
    }
    if (o->vector == 3)
        snprintf(out, len, "#BP (int3)");
    else if (o->vector == 14)
        snprintf(out, len, "#PF err=%#x addr=%#" PRIx64, o->error, o->addr);
    else if (has_error_code(o->vector))
        snprintf(out, len, "%s(%#x)", vector_name(o->vector), o->error);
    else
        snprintf(out, len, "%s", vector_name(o->vector));
}

/* The flags and registers undefined where the run stopped: a sequence that
 * faults part-way has only executed the instructions before the faulting
 * one. rip is the native stop RIP (INT3: after it; faults: the faulting
 * instruction). */
static void undef_at(const struct dcase *c, uint64_t rip, uint32_t *flags, uint16_t *regs)
{
    *flags = c->undef_flags;
    *regs = c->undef_regs;
    uint64_t start = DIFF_CODE + (uint64_t)c->code_off;
    if (rip < start || rip >= start + (uint64_t)c->code_len || c->ninsn <= 0)
        return;
    int off = (int)(rip - start), k;
    for (k = 0; k <= c->ninsn; k++)
        if (c->insn_off[k] == off)
            break;
    if (k > c->ninsn || k == c->ninsn)
        return;   /* not an instruction start, or the INT3: the whole case */
    uint32_t u = 0;
    uint16_t ur = 0;
    for (int j = 0; j < k; j++) {
        u = (u & ~c->fx[j].fdef) | c->fx[j].fundef;
        ur |= c->fx[j].undef_regs;
    }
    *flags = u;
    *regs = ur;
}

uint32_t compare_outcomes(const struct dcase *c, const struct doutcome *a,
                          const struct doutcome *b, char *whybuf, size_t whylen)
{
    struct why w = { whybuf, whylen, 0, 0 };
    uint32_t d = 0;
    if (whylen)
        whybuf[0] = 0;
    char sa[200], sb[200];
    describe_stop(sa, sizeof sa, a);
    describe_stop(sb, sizeof sb, b);
    if (a->kind == OUT_TIMEOUT && b->kind == OUT_TIMEOUT)
        return 0;     /* both still running: the same (endless) behaviour */
    if (a->kind != b->kind || a->kind != OUT_EXC) {
        add(&w, "stop: native %s, vtx %s", sa, sb);
        return DIFF_F_KIND;
    }
    if (a->vector != b->vector) {
        add(&w, "vector: native %s, vtx %s", sa, sb);
        return DIFF_F_VECTOR;
    }
    if (has_error_code(a->vector)) {
        uint32_t m = a->vector == 14 ? pf_error_mask(a->addr) : ~0u;
        if ((a->error ^ b->error) & m) {
            d |= DIFF_F_ERROR;
            add(&w, "error code: native %#x, vtx %#x", a->error, b->error);
        }
    }
    if (a->vector == 14 && a->addr != b->addr) {
        d |= DIFF_F_ADDR;
        add(&w, "#PF address: native %#" PRIx64 ", vtx %#" PRIx64, a->addr, b->addr);
    }
    uint32_t undef_flags;
    uint16_t undef_regs;
    undef_at(c, a->st.rip, &undef_flags, &undef_regs);
    if (a->st.rip != b->st.rip) {
        d |= DIFF_F_RIP;
        add(&w, "rip: native %#" PRIx64 ", vtx %#" PRIx64, a->st.rip, b->st.rip);
    }
    for (int i = 0; i < 16; i++) {
        if ((undef_regs >> i) & 1)
            continue;
        if (a->st.r[i] != b->st.r[i]) {
            d |= DIFF_F_GPR;
            add(&w, "%s: native %#" PRIx64 ", vtx %#" PRIx64, reg64_name(i), a->st.r[i], b->st.r[i]);
        }
    }
    uint64_t fm = DIFF_RFLAGS_CMP & ~(uint64_t)undef_flags;
    uint64_t fx = (a->st.rflags ^ b->st.rflags) & fm;
    if (fx) {
        char f[96], fa[96], fb[96];
        flags_str((uint32_t)fx, f, sizeof f);
        flags_str((uint32_t)(a->st.rflags & fx), fa, sizeof fa);
        flags_str((uint32_t)(b->st.rflags & fx), fb, sizeof fb);
        d |= DIFF_F_FLAGS;
        add(&w, "flags %s: native %s (rflags %#" PRIx64 "), vtx %s (rflags %#" PRIx64 ")",
            f, fa, a->st.rflags, fb, b->st.rflags);
    }
    for (int i = 0; i < 16; i++) {
        if (a->st.xmm[i][0] != b->st.xmm[i][0] || a->st.xmm[i][1] != b->st.xmm[i][1]) {
            d |= DIFF_F_XMM;
            add(&w, "xmm%d: native %016" PRIx64 ":%016" PRIx64 ", vtx %016" PRIx64 ":%016" PRIx64,
                i, a->st.xmm[i][1], a->st.xmm[i][0], b->st.xmm[i][1], b->st.xmm[i][0]);
        }
    }
    if (a->st.mxcsr != b->st.mxcsr) {
        d |= DIFF_F_MXCSR;
        add(&w, "mxcsr: native %#x, vtx %#x", a->st.mxcsr, b->st.mxcsr);
    }
    /* x87: FCW, FSW (minus the condition codes the case leaves undefined),
     * tags, and the valid registers. */
    if (a->st.fcw != b->st.fcw) {
        d |= DIFF_F_X87;
        add(&w, "fcw: native %#x, vtx %#x", a->st.fcw, b->st.fcw);
    }
    if ((a->st.fsw ^ b->st.fsw) & ~c->fsw_undef) {
        d |= DIFF_F_X87;
        add(&w, "fsw: native %#x, vtx %#x (not compared: %#x)", a->st.fsw, b->st.fsw, c->fsw_undef);
    }
    if (a->st.ftw != b->st.ftw) {
        d |= DIFF_F_X87;
        add(&w, "ftw: native %#x, vtx %#x", a->st.ftw, b->st.ftw);
    }
    int top = (a->st.fsw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        if (!((a->st.ftw >> ((top + i) & 7)) & 1) || !memcmp(a->st.st[i], b->st.st[i], 10))
            continue;
        uint64_t ma, mb;
        uint16_t ea, eb;
        memcpy(&ma, a->st.st[i], 8);
        memcpy(&ea, a->st.st[i] + 8, 2);
        memcpy(&mb, b->st.st[i], 8);
        memcpy(&eb, b->st.st[i] + 8, 2);
        d |= DIFF_F_X87;
        add(&w, "st%d: native %04x:%016" PRIx64 ", vtx %04x:%016" PRIx64, i, ea, ma, eb, mb);
    }
    int first = -1, last = -1, n = 0;
    for (int i = 0; i < (int)DIFF_DATA_SIZE; i++) {
        if (a->data[i] != b->data[i]) {
            if (first < 0) first = i;
            last = i;
            n++;
        }
    }
    if (n) {
        d |= DIFF_F_MEM;
        char hn[80] = "", hv[80] = "";
        int lo = first, hi = last < first + 15 ? last : first + 15;
        for (int i = lo; i <= hi; i++) {
            snprintf(hn + strlen(hn), sizeof hn - strlen(hn), "%02x", a->data[i]);
            snprintf(hv + strlen(hv), sizeof hv - strlen(hv), "%02x", b->data[i]);
        }
        add(&w, "memory: %d bytes differ in [%#" PRIx64 ", %#" PRIx64 "]; at %#" PRIx64 ": native %s, vtx %s",
            n, DIFF_DATA + (uint64_t)first, DIFF_DATA + (uint64_t)last, DIFF_DATA + (uint64_t)first, hn, hv);
    }
    return d;
}

void disasm_line(const uint8_t *code, int len, char *out, size_t outlen)
{
    out[0] = 0;
#ifdef DIFF_HAVE_ZYDIS
    ZydisDecoder dec;
    ZydisFormatter fmt;
    ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL);
    size_t used = 0;
    int off = 0;
    while (off < len && used + 4 < outlen) {
        ZydisDecodedInstruction in;
        ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
        char buf[128];
        if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + off, (ZyanUSize)(len - off), &in, ops))) {
            used += (size_t)snprintf(out + used, outlen - used, "%s(bad)", used ? " ; " : "");
            break;
        }
        ZydisFormatterFormatInstruction(&fmt, &in, ops, in.operand_count_visible, buf, sizeof buf,
                                        DIFF_CODE + (uint64_t)off, ZYAN_NULL);
        used += (size_t)snprintf(out + used, outlen - used, "%s%s", used ? " ; " : "", buf);
        off += in.length;
    }
#else
    (void)code;
    (void)len;
    (void)outlen;
#endif
}

void print_case(const struct dcase *c, bool xmm)
{
    printf("  code (%d bytes at %#llx):", c->code_len, (unsigned long long)(DIFF_CODE + (uint64_t)c->code_off));
    for (int i = 0; i < c->code_len; i++)
        printf(" %02x", c->code[i]);
    printf("\n");
    char dis[512];
    disasm_line(c->code, c->code_len, dis, sizeof dis);
    if (dis[0])
        printf("  zydis: %s\n", dis);
    if (c->text[0])
        printf("  gen:   %s\n", c->text);
    printf("  init:");
    for (int i = 0; i < 16; i++)
        printf("%s %s=%#" PRIx64, i % 4 == 0 && i ? "\n       " : "", reg64_name(i), c->init.r[i]);
    char f[96];
    flags_str((uint32_t)c->init.rflags, f, sizeof f);
    printf("\n        rflags=%#" PRIx64 " (%s) mxcsr=%#x data fill=%#" PRIx64 "\n",
           c->init.rflags, f, c->init.mxcsr, c->fill_seed);
    if (xmm)
        for (int i = 0; i < 16; i++)
            printf("        xmm%d=%016" PRIx64 ":%016" PRIx64 "\n", i, c->init.xmm[i][1], c->init.xmm[i][0]);
    char u[96];
    flags_str(c->undef_flags, u, sizeof u);
    printf("        undefined (not compared): flags %s", u);
    for (int i = 0; i < 16; i++)
        if ((c->undef_regs >> i) & 1)
            printf(" %s", reg64_name(i));
    printf("\n");
}

void print_outcome(const char *who, const struct doutcome *o, bool xmm)
{
    char s[220];
    describe_stop(s, sizeof s, o);
    printf("  %-6s stop: %s", who, s);
    if (o->kind != OUT_EXC && o->kind != OUT_TIMEOUT && o->kind != OUT_HLT) {
        printf("\n");
        return;
    }
    char f[96];
    flags_str((uint32_t)o->st.rflags, f, sizeof f);
    printf(" rip=%#" PRIx64 " rflags=%#" PRIx64 " (%s)\n        ", o->st.rip, o->st.rflags, f);
    for (int i = 0; i < 16; i++)
        printf("%s%s=%#" PRIx64, i % 4 == 0 && i ? "\n        " : i ? " " : "", reg64_name(i), o->st.r[i]);
    printf("\n");
    if (xmm) {
        for (int i = 0; i < 16; i++)
            printf("        xmm%d=%016" PRIx64 ":%016" PRIx64 "\n", i, o->st.xmm[i][1], o->st.xmm[i][0]);
        printf("        mxcsr=%#x\n", o->st.mxcsr);
    }
}
