/* diffcheck: runs instruction sequences natively and on vtx and compares
 * what is architecturally defined.
 *
 *   diffcheck [--seed S] [--count N] [--template NAME|all] [-v]
 *   diffcheck --random [--seed S] [--count N]
 *   diffcheck --regress tests/diff/regressions.txt
 *   diffcheck --case 'code=4801c8 rax=1 ...'
 *
 * Prints the details of each mismatch (sequence bytes and disassembly, the
 * initial state, both outcomes, the fields that differ, a one-line repro in
 * the regressions.txt format), one PASS/FAIL line per group, a summary of
 * mismatch classes, and a closing summary line. Exit status 0 when nothing
 * differs, 1 on mismatches, 2 on bad usage or when a runner cannot start. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"
#include "runner.h"

struct opts {
    uint64_t seed;
    uint64_t count;
    const char *family;       /* NULL: all */
    bool random;
    const char *regress;
    const char *one_case;
    bool verbose;
    int max_print;
    bool minimize;
    bool native_only;
    bool self_check;          /* native vs native: checks the harness */
    uint32_t assume;          /* features treated as advertised by vtx */
};

/* Mismatch classes: "<mnemonic>: <fields>" with a count and an example. */
#define MAX_CLASSES 256
struct mclass {
    char key[200];
    int count;
    char repro[1024];
};

struct ctx {
    struct opts o;
    struct runner *nat, *vtx;
    uint32_t host_feat, vtx_feat;
    struct mclass classes[MAX_CLASSES];
    int nclasses;
    uint64_t total, mismatches, skipped;
    uint64_t hist[34];        /* this group's native stops: vectors, 32 other, 33 skipped */
};

static struct dcase cur_case, nat_case, min_case, try_case, sub_case;
static struct doutcome out_nat, out_vtx, tmp_nat, tmp_vtx;

static void usage(void)
{
    fprintf(stderr,
            "usage: diffcheck [--seed S] [--count N] [--template NAME|all] [--random]\n"
            "                 [--regress FILE] [--case LINE] [--max-print K] [--no-minimize]\n"
            "                 [--native-only] [--self-check] [--assume FEAT,..] [--list] [-v]\n");
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void feat_str(uint32_t f, char *out, size_t len)
{
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; i < FEAT_COUNT; i++)
        if ((f >> i) & 1)
            n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? " " : "", feat_names[i]);
    if (!out[0])
        snprintf(out, len, "(none)");
}

/* The case the native side runs and the masks to use, given what vtx
 * advertises: an instruction vtx does not advertise must raise #UD there,
 * so natively it becomes UD2 (same RIP, same state at the fault) — except
 * LZCNT/TZCNT, which the SDM says execute as BSR/BSF without the feature:
 * natively their F3 becomes a DS override (ignored in 64-bit mode). */
static void native_version(struct ctx *x, const struct dcase *c, struct dcase *n)
{
    *n = *c;
    uint32_t missing = c->need & ~x->vtx_feat;
    if (!missing)
        return;
    if (c->alt_off >= 0 && !(missing & ~(FEAT_LZCNT | FEAT_BMI1))) {
        n->code[c->alt_off] = 0x3e;   /* F3 -> DS override: ignored, same length */
        n->undef_flags = c->alt_undef_flags;
        n->undef_regs = c->alt_undef_regs;
        return;
    }
    for (int k = 0; k < c->ninsn; k++) {
        if (c->fx[k].need & missing) {
            n->code[c->insn_off[k]] = 0x0f;
            n->code[c->insn_off[k] + 1] = 0x0b;
            return;
        }
    }
}

/* Runs both sides; returns the DIFF_F_* mask (0: equal). */
static uint32_t run_both(struct ctx *x, const struct dcase *c, struct doutcome *on, struct doutcome *ov,
                         char *why, size_t whylen)
{
    native_version(x, c, &nat_case);
    runner_run(x->nat, &nat_case, on);
    runner_run(x->vtx, c, ov);
    return compare_outcomes(&nat_case, on, ov, why, whylen);
}

/* The first instruction's prefixes and mnemonic ("lock adc", "rep movsd"). */
static const char *first_mnemonic(const char *text, char *buf, size_t len)
{
    static const char *const prefixes[] = { "lock", "rep", "repe", "repne", "addr32" };
    size_t n = strcspn(text, ";"), k = 0;
    for (;;) {
        size_t w = strcspn(text + k, " ;");
        bool prefix = false;
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
            if (strlen(prefixes[i]) == w && !strncmp(text + k, prefixes[i], w))
                prefix = true;
        k += w;
        if (!prefix || k >= n)
            break;
        k++;
    }
    if (k > n)
        k = n;
    snprintf(buf, len, "%.*s", (int)k, text);
    return buf;
}

static void field_names(uint32_t d, const char *why, char *out, size_t len)
{
    static const char *const names[] = { "stop", "vector", "error", "#PF-addr", "rip", "gpr", "flags",
                                         "xmm", "mxcsr", "memory", "x87" };
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; i < 11; i++) {
        if (!((d >> i) & 1))
            continue;
        if (i == 6) {
            /* flags OF|AF */
            const char *p = strstr(why, "flags ");
            int l = p ? (int)strcspn(p + 6, ":") : 0;
            n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%sflags %.*s", n ? "," : "", l, p ? p + 6 : "");
        } else {
            n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? "," : "", names[i]);
        }
    }
}

static void record_class(struct ctx *x, const struct dcase *c, uint32_t d, const char *why)
{
    char mn[64], fields[128], key[200], line[1024];
    first_mnemonic(c->text[0] ? c->text : "?", mn, sizeof mn);
    field_names(d, why, fields, sizeof fields);
    snprintf(key, sizeof key, "%.63s: %.127s", mn, fields);
    for (int i = 0; i < x->nclasses; i++) {
        if (!strcmp(x->classes[i].key, key)) {
            x->classes[i].count++;
            return;
        }
    }
    if (x->nclasses >= MAX_CLASSES)
        return;
    struct mclass *m = &x->classes[x->nclasses++];
    snprintf(m->key, sizeof m->key, "%s", key);
    m->count = 1;
    case_format(c, line, sizeof line);
    snprintf(m->repro, sizeof m->repro, "%s", line);
}

/* Rebuilds try_case from c keeping the instructions in keep (bitmask);
 * false if the flags some instruction reads would then be undefined. */
static bool subsequence(const struct dcase *c, uint32_t keep, struct dcase *out)
{
    *out = *c;
    out->code_len = 0;
    out->ninsn = 0;
    out->undef_flags = 0;
    out->undef_regs = 0;
    out->need = 0;
    out->alt_off = -1;
    out->text[0] = 0;
    char texts[DIFF_TEXT];
    snprintf(texts, sizeof texts, "%s", c->text);
    char *save = NULL, *tok = strtok_r(texts, ";", &save);
    for (int k = 0; k < c->ninsn; k++, tok = tok ? strtok_r(NULL, ";", &save) : NULL) {
        if (!((keep >> k) & 1))
            continue;
        const struct insn_fx *fx = &c->fx[k];
        if (fx->fread & out->undef_flags)
            return false;
        int len = c->insn_off[k + 1] - c->insn_off[k];
        out->insn_off[out->ninsn] = (uint8_t)out->code_len;
        out->fx[out->ninsn++] = *fx;
        memcpy(out->code + out->code_len, c->code + c->insn_off[k], (size_t)len);
        out->code_len += len;
        out->undef_flags = (out->undef_flags & ~fx->fdef) | fx->fundef;
        out->undef_regs |= fx->undef_regs;
        out->need |= fx->need;
        if (tok) {
            while (*tok == ' ') tok++;
            size_t tl = strlen(out->text), l = strlen(tok);
            while (l && tok[l - 1] == ' ') l--;
            snprintf(out->text + tl, sizeof out->text - tl, "%s%.*s", tl ? " ; " : "", (int)l, tok);
        }
    }
    if (!out->ninsn)
        return false;
    case_finish(out);
    return true;
}

/* Greedy: drop instructions one at a time while the mismatch (same class
 * of fields) persists. */
static bool minimize(struct ctx *x, const struct dcase *c, uint32_t d, struct dcase *best)
{
    /* Cases run natively in another form (vtx lacks a feature) keep it. */
    if (c->ninsn <= 1 || c->fixed || (c->need & ~x->vtx_feat))
        return false;
    uint32_t keep = (1u << c->ninsn) - 1;
    bool changed = false, again = true;
    char why[2048];
    while (again) {
        again = false;
        for (int k = 0; k < c->ninsn; k++) {
            uint32_t k2 = keep & ~(1u << k);
            if (k2 == keep || !k2 || !subsequence(c, k2, &try_case))
                continue;
            if (run_both(x, &try_case, &tmp_nat, &tmp_vtx, why, sizeof why) & d) {
                keep = k2;
                changed = again = true;
            }
        }
    }
    if (changed)
        subsequence(c, keep, best);
    return changed;
}

/* Simplifies the initial state while the mismatch (same fields) persists:
 * registers to zero, the random data fill to zero (keeping the bytes the
 * case placed), status flags clear, XMM registers to zero. */
static void shrink_state(struct ctx *x, struct dcase *c, uint32_t d)
{
    char why[2048];
    for (int i = 0; i < 16; i++) {
        if (i == 4 || !c->init.r[i])
            continue;
        try_case = *c;
        try_case.init.r[i] = 0;
        if (run_both(x, &try_case, &tmp_nat, &tmp_vtx, why, sizeof why) & d)
            *c = try_case;
    }
    if (c->fill_seed) {
        static uint8_t base[DIFF_DATA_SIZE];
        fill_data(base, c->fill_seed);
        try_case = *c;
        try_case.fill_seed = 0;
        for (size_t k = 0; k < DIFF_DATA_SIZE; k++)
            try_case.data[k] = c->data[k] == base[k] ? 0 : c->data[k];
        if (run_both(x, &try_case, &tmp_nat, &tmp_vtx, why, sizeof why) & d)
            *c = try_case;
    }
    if (c->init.rflags & (FL_ARITH | FL_DF)) {
        try_case = *c;
        try_case.init.rflags &= ~(uint64_t)FL_ARITH;
        if (run_both(x, &try_case, &tmp_nat, &tmp_vtx, why, sizeof why) & d)
            *c = try_case;
    }
    for (int i = 0; i < 16; i++) {
        if (!c->init.xmm[i][0] && !c->init.xmm[i][1])
            continue;
        try_case = *c;
        try_case.init.xmm[i][0] = try_case.init.xmm[i][1] = 0;
        if (run_both(x, &try_case, &tmp_nat, &tmp_vtx, why, sizeof why) & d)
            *c = try_case;
    }
}

static bool class_known(struct ctx *x, const struct dcase *c, uint32_t d, const char *why)
{
    char mn[64], fields[128], key[200];
    first_mnemonic(c->text[0] ? c->text : "?", mn, sizeof mn);
    field_names(d, why, fields, sizeof fields);
    snprintf(key, sizeof key, "%.63s: %.127s", mn, fields);
    for (int i = 0; i < x->nclasses; i++)
        if (!strcmp(x->classes[i].key, key))
            return true;
    return false;
}

static void print_mismatch(struct ctx *x, const char *group, uint64_t n, const struct dcase *c,
                           const char *why, uint32_t d)
{
    bool xmm = (d & (DIFF_F_XMM | DIFF_F_MXCSR)) || !strcmp(c->family, "sse");
    printf("MISMATCH diff/%s #%" PRIu64 ": %s\n", group, n, c->text);
    print_case(c, xmm);
    if (c->need & ~x->vtx_feat)
        printf("  note: vtx does not advertise what this needs: natively run as #UD / BSR / BSF\n");
    print_outcome("native", &out_nat, xmm);
    print_outcome("vtx", &out_vtx, xmm);
    printf("  differ: %s\n", why);
    static char line[1 << 16];
    case_format(c, line, sizeof line);
    printf("  repro: %s\n", line);
}

/* Runs one case; returns true when it matched (or was skipped). */
static bool check_case(struct ctx *x, const char *group, struct dcase *c, uint64_t *group_mism,
                       char *first, size_t firstlen)
{
    x->total++;
    if (c->need & ~x->host_feat) {
        x->skipped++;
        x->hist[33]++;
        return true;
    }
    char why[4096];
    if (x->o.native_only) {
        native_version(x, c, &nat_case);
        runner_run(x->nat, &nat_case, &out_nat);
        printf("case %s: %s\n", group, c->text);
        print_case(c, false);
        print_outcome("native", &out_nat, false);
        return true;
    }
    uint32_t d = run_both(x, c, &out_nat, &out_vtx, why, sizeof why);
    x->hist[out_nat.kind == OUT_EXC && out_nat.vector >= 0 && out_nat.vector < 32 ? out_nat.vector : 32]++;
    if (x->o.verbose) {
        printf("case diff/%s %s: %s\n", group, d ? "MISMATCH" : "ok", c->text);
        if (x->o.verbose && !d) {
            print_case(c, false);
            print_outcome("native", &out_nat, false);
        }
    }
    if (!d)
        return true;
    x->mismatches++;
    (*group_mism)++;
    const struct dcase *rep = c;
    bool show = (int64_t)*group_mism <= x->o.max_print;
    if (x->o.minimize && (show || !class_known(x, c, d, why))) {
        /* Minimize what will be shown: fewer instructions, simpler state;
         * then run the result again for its own outcomes. */
        min_case = *c;
        if (minimize(x, c, d, &sub_case))
            min_case = sub_case;
        shrink_state(x, &min_case, d);
        char why2[4096];
        uint32_t d2 = run_both(x, &min_case, &out_nat, &out_vtx, why2, sizeof why2);
        if (d2) {
            rep = &min_case;
            d = d2;
            snprintf(why, sizeof why, "%s", why2);
        } else {
            run_both(x, c, &out_nat, &out_vtx, why, sizeof why);
        }
    }
    if (*group_mism == 1) {
        char mn[64], f[128];
        field_names(d, why, f, sizeof f);
        snprintf(first, firstlen, "%s: %s", rep->text[0] ? first_mnemonic(rep->text, mn, sizeof mn) : "?", f);
    }
    if (show)
        print_mismatch(x, group, *group_mism, rep, why, d);
    record_class(x, rep, d, why);
    return false;
}

static void group_line(struct ctx *x, const char *group, uint64_t n, uint64_t mism, const char *first, double secs)
{
    char h[256] = "";
    size_t k = 0;
    for (int v = 0; v < 34; v++)
        if (x->hist[v])
            k += (size_t)snprintf(h + k, sizeof h - k, "%s%" PRIu64 " %s", k ? ", " : "", x->hist[v],
                                  v == 3 ? "int3" : v == 32 ? "other" : v == 33 ? "skipped" : vector_name(v));
    memset(x->hist, 0, sizeof x->hist);
    if (mism)
        printf("FAIL diff/%s: %" PRIu64 " mismatches in %" PRIu64 " cases (first: %s)\n", group, mism, n, first);
    else
        printf("PASS diff/%s: %" PRIu64 " cases, %.1f s\n", group, n, secs);
    printf("  native stops: %s\n", h);
    fflush(stdout);
}

static void run_family(struct ctx *x, const struct family *f)
{
    struct rng r;
    uint64_t mism = 0;
    char first[256] = "";
    double t0 = now();
    for (uint64_t i = 0; i < x->o.count; i++) {
        rng_seed(&r, x->o.seed * 1000003u + i * 7919u + (uint64_t)(f - families) * 104729u);
        f->make(&cur_case, &r, i, x->vtx_feat);
        check_case(x, f->name, &cur_case, &mism, first, sizeof first);
    }
    group_line(x, f->name, x->o.count, mism, first, now() - t0);
}

static void run_random(struct ctx *x)
{
    struct rng r;
    uint64_t mism = 0;
    char first[256] = "";
    double t0 = now();
    uint32_t feat = x->host_feat & x->vtx_feat;
    for (uint64_t i = 0; i < x->o.count; i++) {
        rng_seed(&r, x->o.seed * 0x100000001b3ull + i);
        random_case(&cur_case, &r, feat);
        check_case(x, "random", &cur_case, &mism, first, sizeof first);
    }
    group_line(x, "random", x->o.count, mism, first, now() - t0);
}

static int run_regress(struct ctx *x, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "diffcheck: cannot open %s\n", path);
        return -1;
    }
    static char line[1 << 16];
    uint64_t n = 0, mism = 0;
    int lineno = 0;
    char first[256] = "";
    double t0 = now();
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char err[200];
        int k = case_parse(line, &cur_case, err, sizeof err);
        if (k < 0) {
            fprintf(stderr, "diffcheck: %s:%d: %s\n", path, lineno, err);
            fclose(f);
            return -1;
        }
        if (k == 0)
            continue;
        n++;
        check_case(x, "regressions", &cur_case, &mism, first, sizeof first);
    }
    fclose(f);
    group_line(x, "regressions", n, mism, first, now() - t0);
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){ .seed = 1, .count = 1000, .max_print = 3, .minimize = true };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDV() do { if (!v) { fprintf(stderr, "diffcheck: %s needs a value\n", a); return -1; } i++; } while (0)
        if (!strcmp(a, "--seed")) { NEEDV(); o->seed = strtoull(v, NULL, 0); }
        else if (!strcmp(a, "--count")) { NEEDV(); o->count = strtoull(v, NULL, 0); }
        else if (!strcmp(a, "--template")) { NEEDV(); o->family = strcmp(v, "all") ? v : NULL; }
        else if (!strcmp(a, "--random")) o->random = true;
        else if (!strcmp(a, "--regress")) { NEEDV(); o->regress = v; }
        else if (!strcmp(a, "--case")) { NEEDV(); o->one_case = v; }
        else if (!strcmp(a, "--max-print")) { NEEDV(); o->max_print = atoi(v); }
        else if (!strcmp(a, "--no-minimize")) o->minimize = false;
        else if (!strcmp(a, "--native-only")) o->native_only = true;
        else if (!strcmp(a, "--self-check")) o->self_check = true;
        else if (!strcmp(a, "--assume")) {
            NEEDV();
            for (int k = 0; k < FEAT_COUNT; k++)
                if (strstr(v, feat_names[k]))
                    o->assume |= 1u << k;
        }
        else if (!strcmp(a, "-v")) o->verbose = true;
        else if (!strcmp(a, "--list")) {
            for (int k = 0; k < families_count; k++)
                printf("%-10s %s\n", families[k].name, families[k].desc);
            exit(0);
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage();
            exit(0);
        } else {
            fprintf(stderr, "diffcheck: unknown option '%s'\n", a);
            usage();
            return -1;
        }
#undef NEEDV
    }
    if (o->family && !family_find(o->family)) {
        fprintf(stderr, "diffcheck: unknown template '%s' (see --list)\n", o->family);
        return -1;
    }
    return 0;
}

static void print_classes(struct ctx *x)
{
    if (!x->nclasses)
        return;
    printf("mismatch classes (instruction: fields, count, first repro):\n");
    for (int i = 0; i < x->nclasses; i++)
        printf("  %-48s %5d  %s\n", x->classes[i].key, x->classes[i].count, x->classes[i].repro);
}

int main(int argc, char **argv)
{
    static struct ctx x;
    if (parse_args(argc, argv, &x.o))
        return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    x.nat = native_runner_new();
    x.vtx = x.o.native_only ? NULL : x.o.self_check ? native_runner_new() : vtx_runner_new();
    if (!x.nat || (!x.o.native_only && !x.vtx)) {
        fprintf(stderr, "diffcheck: cannot create runners\n");
        return 2;
    }
    /* Probe both sides once: a runner that cannot set up is fatal. */
    struct dcase probe;
    case_init(&probe, "probe");
    case_finish(&probe);
    runner_run(x.nat, &probe, &out_nat);
    if (out_nat.kind != OUT_EXC || out_nat.vector != 3) {
        fprintf(stderr, "diffcheck: native runner does not work: %s\n", out_nat.msg[0] ? out_nat.msg : "no int3 stop");
        return 2;
    }
    x.host_feat = runner_features(x.nat);
    x.vtx_feat = x.host_feat;
    if (!x.o.native_only) {
        runner_run(x.vtx, &probe, &out_vtx);
        if (out_vtx.kind == OUT_SETUP) {
            fprintf(stderr, "diffcheck: vtx runner cannot start: %s\n", out_vtx.msg);
            return 2;
        }
        x.vtx_feat = runner_features(x.vtx) | x.o.assume;
    }
    char hf[160], vf[160];
    feat_str(x.host_feat, hf, sizeof hf);
    feat_str(x.vtx_feat, vf, sizeof vf);
    printf("diffcheck: seed %" PRIu64 "; host features: %s; vtx features: %s\n", x.o.seed, hf, vf);

    double t0 = now();
    if (x.o.one_case) {
        char err[200];
        uint64_t mism = 0;
        char first[256];
        if (case_parse(x.o.one_case, &cur_case, err, sizeof err) <= 0) {
            fprintf(stderr, "diffcheck: --case: %s\n", err);
            return 2;
        }
        x.o.max_print = 1;
        bool ok = check_case(&x, "case", &cur_case, &mism, first, sizeof first);
        if (ok && !x.o.native_only) {
            print_case(&cur_case, true);
            print_outcome("native", &out_nat, true);
            print_outcome("vtx", &out_vtx, true);
        }
    } else if (x.o.regress) {
        if (run_regress(&x, x.o.regress))
            return 2;
    } else if (x.o.random) {
        run_random(&x);
    } else {
        for (int i = 0; i < families_count; i++)
            if (!x.o.family || !strcmp(x.o.family, families[i].name))
                run_family(&x, &families[i]);
    }
    print_classes(&x);
    printf("diffcheck: seed %" PRIu64 ": %" PRIu64 " cases, %" PRIu64 " mismatches, %" PRIu64
           " skipped (host lacks a feature), %.1f s, worker restarts: native %d, vtx %d\n",
           x.o.seed, x.total, x.mismatches, x.skipped, now() - t0, x.nat->restarts, x.vtx ? x.vtx->restarts : 0);
    runner_free(x.nat);
    runner_free(x.vtx);
    return x.mismatches ? 1 : 0;
}
