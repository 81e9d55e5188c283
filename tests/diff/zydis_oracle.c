/* zydis-oracle: vtx's instruction decoder against Zydis (DESIGN.md, a
 * well-kept decoder library as a decoder oracle in tests only).
 *
 *   zydis-oracle [--seed S] [--count N] [--max-print K] [-v]
 *
 * Inputs: random byte strings, structured random ones (prefixes, REX,
 * opcode map, random ModRM/SIB/displacement/immediate bytes), valid
 * encodings from the diff generators, and mutations of those (a byte
 * changed, a prefix inserted, a byte dropped). Each is decoded in 64-bit
 * mode by vtx's decode() and by Zydis. They must agree on validity and on
 * the length, and on the memory operand (base, index, scale, displacement)
 * when both decode one.
 *
 * When Zydis decodes an instruction and vtx says #UD, that is "not
 * implemented" (counted, top opcodes listed) — unless vtx's opcode table
 * has an entry for that opcode / ModRM.reg / mandatory prefix / operand
 * kind, which makes it a failure. AMD-only instructions (3DNow!, SSE4a,
 * XOP, FMA4, TBM, SVM, CLZERO, MONITORX, ...) are counted apart. Zydis runs
 * with MPX off (BND* encodings are hint NOPs on current Intel CPUs).
 *
 * Prints "PASS diff/zydis" or "FAIL diff/zydis: ..." and a summary;
 * exit status 0 when nothing disagrees. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Zydis/Zydis.h>

#include "cpu/cpu.h"
#include "cpu/insn.h"
#include "gen.h"
#include "runner.h"

struct stats {
    uint64_t total, both_ok, both_bad, not_impl, amd_only, fail, exec_ud;
    uint64_t fail_len, fail_valid_vtx, fail_valid_zydis, fail_mem;
};

#define MAX_KEYS 4096
struct key_count {
    char key[80];
    uint64_t n;
};
static struct key_count keys[MAX_KEYS];
static int nkeys;

/* Disagreement classes, with the first example of each. */
#define MAX_FAILS 512
struct fail_class {
    char key[120];
    uint64_t n;
    char example[520];
};
static struct fail_class fails[MAX_FAILS];
static int nfails;

static struct fail_class *fail_class(const char *k)
{
    for (int i = 0; i < nfails; i++)
        if (!strcmp(fails[i].key, k)) {
            fails[i].n++;
            return NULL;
        }
    if (nfails >= MAX_FAILS)
        return NULL;
    struct fail_class *f = &fails[nfails++];
    snprintf(f->key, sizeof f->key, "%s", k);
    f->n = 1;
    return f;
}

static int cmp_fail(const void *a, const void *b)
{
    const struct fail_class *x = a, *y = b;
    return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->key, y->key);
}

static void count_key(const char *k)
{
    for (int i = 0; i < nkeys; i++)
        if (!strcmp(keys[i].key, k)) {
            keys[i].n++;
            return;
        }
    if (nkeys < MAX_KEYS) {
        snprintf(keys[nkeys].key, sizeof keys[nkeys].key, "%s", k);
        keys[nkeys++].n = 1;
    }
}

static int cmp_key(const void *a, const void *b)
{
    const struct key_count *x = a, *y = b;
    return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->key, y->key);
}

/* ---- inputs ---- */

static const uint8_t legacy_pfx[] = { 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };

static void gen_random(struct rng *r, uint8_t *b)
{
    for (int i = 0; i < 16; i++)
        b[i] = (uint8_t)rng_next(r);
}

static void gen_structured(struct rng *r, uint8_t *b)
{
    int n = 0;
    int np = (int)rng_below(r, 4);
    for (int i = 0; i < np; i++)
        b[n++] = legacy_pfx[rng_below(r, sizeof legacy_pfx)];
    if (rng_chance(r, 2))
        b[n++] = (uint8_t)(0x40 | rng_below(r, 16));
    switch (rng_below(r, 6)) {
    case 0: case 1: case 2:
        break;
    case 3: case 4:
        b[n++] = 0x0f;
        break;
    default:
        b[n++] = 0x0f;
        b[n++] = rng_chance(r, 2) ? 0x38 : 0x3a;
        break;
    }
    b[n++] = (uint8_t)rng_next(r);
    /* ModRM: favour register forms and small memory forms. */
    uint8_t modrm = (uint8_t)rng_next(r);
    if (rng_chance(r, 3))
        modrm |= 0xc0;
    b[n++] = modrm;
    while (n < 16)
        b[n++] = (uint8_t)rng_next(r);
}

/* A pool of valid encodings from the diff generators. */
#define POOL 4096
static uint8_t pool[POOL][16];
static int pool_len[POOL];
static int npool;

static void fill_pool(uint64_t seed)
{
    static struct dcase c;
    struct rng r;
    uint32_t all = (1u << FEAT_COUNT) - 1;
    for (uint64_t k = 0; npool < POOL && k < 100000; k++) {
        rng_seed(&r, seed * 31 + k);
        if (k % 2)
            random_case(&c, &r, all);
        else
            families[k / 2 % (uint64_t)families_count].make(&c, &r, k / 2, all);
        for (int i = 0; i < c.ninsn && npool < POOL; i++) {
            int len = c.insn_off[i + 1] - c.insn_off[i];
            if (len <= 0 || len > 15)
                continue;
            memset(pool[npool], 0x90, 16);
            memcpy(pool[npool], c.code + c.insn_off[i], (size_t)len);
            pool_len[npool++] = len;
        }
    }
}

static void gen_valid(struct rng *r, uint8_t *b, bool mutate)
{
    int k = (int)rng_below(r, (uint64_t)npool);
    int len = pool_len[k];
    for (int i = 0; i < 16; i++)
        b[i] = (uint8_t)rng_next(r);
    memcpy(b, pool[k], (size_t)len);
    if (!mutate)
        return;
    int pos = (int)rng_below(r, (uint64_t)len);
    switch (rng_below(r, 5)) {
    case 0: b[pos] = (uint8_t)rng_next(r); break;                 /* change a byte */
    case 1: b[pos] ^= (uint8_t)(1u << rng_below(r, 8)); break;    /* flip a bit */
    case 2:                                                       /* insert a prefix */
        memmove(b + 1, b, 15);
        b[0] = rng_chance(r, 3) ? (uint8_t)(0x40 | rng_below(r, 16)) : legacy_pfx[rng_below(r, sizeof legacy_pfx)];
        break;
    case 3: memmove(b + pos, b + pos + 1, (size_t)(15 - pos)); break;   /* drop a byte */
    default: b[pos] = (uint8_t)(0xc0 | rng_next(r)); break;           /* register ModRM */
    }
}

/* ---- comparison ---- */

static int zreg_index(ZydisRegister reg)
{
    if (reg >= ZYDIS_REGISTER_RAX && reg <= ZYDIS_REGISTER_R15)
        return (int)(reg - ZYDIS_REGISTER_RAX);
    if (reg >= ZYDIS_REGISTER_EAX && reg <= ZYDIS_REGISTER_R15D)
        return (int)(reg - ZYDIS_REGISTER_EAX);
    if (reg == ZYDIS_REGISTER_RIP || reg == ZYDIS_REGISTER_EIP)
        return EA_RIP;
    if (reg == ZYDIS_REGISTER_NONE)
        return EA_NONE;
    return -1;
}

static bool amd_only(const ZydisDecodedInstruction *z)
{
    switch (z->meta.isa_set) {
    case ZYDIS_ISA_SET_AMD: case ZYDIS_ISA_SET_AMD3DNOW: case ZYDIS_ISA_SET_AMD_INVLPGB:
    case ZYDIS_ISA_SET_CLZERO: case ZYDIS_ISA_SET_FMA4: case ZYDIS_ISA_SET_LWP:
    case ZYDIS_ISA_SET_MCOMMIT: case ZYDIS_ISA_SET_MONITORX: case ZYDIS_ISA_SET_RDPRU:
    case ZYDIS_ISA_SET_SNP: case ZYDIS_ISA_SET_SSE4A: case ZYDIS_ISA_SET_SVM:
    case ZYDIS_ISA_SET_TBM: case ZYDIS_ISA_SET_XOP:
        return true;
    default:
        return z->encoding == ZYDIS_INSTRUCTION_ENCODING_3DNOW || z->encoding == ZYDIS_INSTRUCTION_ENCODING_XOP;
    }
}

/* The mandatory-prefix class the bytes give (the last F2/F3 wins, else 66). */
static int mandatory_pfx(const ZydisDecodedInstruction *z)
{
    int last = 0, has66 = 0;
    for (int i = 0; i < z->raw.prefix_count; i++) {
        uint8_t v = z->raw.prefixes[i].value;
        if (v == 0xf2 || v == 0xf3) last = v;
        if (v == 0x66) has66 = 1;
    }
    return last == 0xf3 ? P_F3 : last == 0xf2 ? P_F2 : has66 ? P_66 : P_NP;
}

/* Does vtx's opcode table have an entry for this instruction's opcode,
 * ModRM.reg/ModRM, mandatory prefix and operand kind? */
static const struct opdef *vtx_has_entry(const ZydisDecodedInstruction *z)
{
    if (z->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY)
        return NULL;
    int map;
    switch (z->opcode_map) {
    case ZYDIS_OPCODE_MAP_DEFAULT: map = MAP_1; break;
    case ZYDIS_OPCODE_MAP_0F: map = MAP_0F; break;
    case ZYDIS_OPCODE_MAP_0F38: map = MAP_0F38; break;
    case ZYDIS_OPCODE_MAP_0F3A: map = MAP_0F3A; break;
    default: return NULL;
    }
    bool has_modrm = z->attributes & ZYDIS_ATTRIB_HAS_MODRM;
    int modrm = has_modrm ? (z->raw.modrm.mod << 6 | z->raw.modrm.reg << 3 | z->raw.modrm.rm) : -1;
    int mp = mandatory_pfx(z);
    for (int k = 0; k < opdefs_count; k++) {
        const struct opdef *d = &opdefs[k];
        if (d->map != map || d->opcode != z->opcode || (d->attr & A_I64) || d->fn == op_ud)
            continue;
        if (d->ext >= 0xc0 && modrm != d->ext)
            continue;
        if (d->ext >= 0 && d->ext < 0xc0 && (modrm < 0 || ((modrm >> 3) & 7) != d->ext))
            continue;
        if (d->pfx != P_ANY && d->pfx != mp)
            continue;
        if (modrm >= 0 && (d->attr & A_MEM) && (modrm >> 6) == 3)
            continue;
        if (modrm >= 0 && (d->attr & A_REG) && (modrm >> 6) != 3 && !(d->attr & A_RMREG))
            continue;
        return d;
    }
    return NULL;
}

static void hex(const uint8_t *b, int n, char *out)
{
    for (int i = 0; i < n; i++)
        sprintf(out + 3 * i, "%02x ", b[i]);
    if (n) out[3 * n - 1] = 0;
    else out[0] = 0;
}

/* Zydis 4.0 quirk: with a 0x67 prefix, REX.B = 1 and SIB.base = 101 with
 * mod = 00, Zydis reports base R13D and no displacement (while counting
 * the disp32 in the length). The SDM ("Special Cases of REX Encodings")
 * says no base, disp32, REX.B ignored: do not compare the operand there. */
static bool zydis_sib_quirk(const uint8_t *b, const ZydisDecodedInstruction *z)
{
    bool a67 = false;
    for (int i = 0; i < z->raw.prefix_count; i++)
        if (z->raw.prefixes[i].value == 0x67)
            a67 = true;
    (void)b;
    return a67 && z->raw.rex.B && z->raw.modrm.mod == 0 && z->raw.modrm.rm == 4 && z->raw.sib.base == 5;
}

static const char *vtx_status(enum decode_status st)
{
    switch (st) {
    case DEC_OK: return "ok";
    case DEC_MORE: return "more";
    case DEC_UD: return "#UD";
    default: return "too-long";
    }
}

static void opcode_key(const ZydisDecodedInstruction *z, char *key, size_t len)
{
    int mp = mandatory_pfx(z);
    char ext[16] = "";
    if ((z->attributes & ZYDIS_ATTRIB_HAS_MODRM) && z->encoding == ZYDIS_INSTRUCTION_ENCODING_LEGACY)
        snprintf(ext, sizeof ext, "/%u", (unsigned)(z->raw.modrm.reg & 7));
    snprintf(key, len, "%s%s%02x%s %s",
             mp == P_66 ? "66 " : mp == P_F3 ? "f3 " : mp == P_F2 ? "f2 " : "",
             z->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY ? "vex/evex " :
             z->opcode_map == ZYDIS_OPCODE_MAP_0F ? "0f " : z->opcode_map == ZYDIS_OPCODE_MAP_0F38 ? "0f 38 " :
             z->opcode_map == ZYDIS_OPCODE_MAP_0F3A ? "0f 3a " : "",
             z->opcode, ext, ZydisMnemonicGetString(z->mnemonic));
}

/* The opcode bytes of an instruction vtx decoded (prefixes skipped). */
static void vtx_key(const uint8_t *b, const struct insn *in, char *key, size_t len)
{
    int i = 0;
    while (i < 14 && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 || b[i] == 0xf2 || b[i] == 0xf3 ||
                      b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e || b[i] == 0x64 ||
                      b[i] == 0x65 || (b[i] & 0xf0) == 0x40))
        i++;
    char op[16];
    if (b[i] == 0x0f && (b[i + 1] == 0x38 || b[i + 1] == 0x3a))
        snprintf(op, sizeof op, "0f %02x %02x", b[i + 1], b[i + 2]);
    else if (b[i] == 0x0f)
        snprintf(op, sizeof op, "0f %02x", b[i + 1]);
    else
        snprintf(op, sizeof op, "%02x", b[i]);
    snprintf(key, len, "%s /%d (%s)", op, in->reg & 7, opdefs[in->def].name ? opdefs[in->def].name : "?");
}

/* Runs the bytes on vtx (64-bit mode, CPL 3, registers zero, RBX/RSI/RDI
 * pointing at data): true if vtx raises #UD at the instruction. */
static bool vtx_executes_ud(struct runner *vtx, const uint8_t *b, int len, struct doutcome *o)
{
    static struct dcase c;
    case_init(&c, "zydis");
    memcpy(c.code, b, (size_t)len);
    c.code_len = len;
    c.ninsn = 1;
    c.init.r[3] = c.init.r[6] = c.init.r[7] = DIFF_MEMBASE;
    case_finish(&c);
    runner_run(vtx, &c, o);
    return o->kind == OUT_EXC && o->vector == 6 && o->st.rip == DIFF_CODE;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1, count = 100000;
    int max_print = 20;
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) count = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--max-print") && i + 1 < argc) max_print = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-v")) verbose = true;
        else {
            fprintf(stderr, "usage: zydis-oracle [--seed S] [--count N] [--max-print K] [-v]\n");
            return 2;
        }
    }
    ZydisDecoder dec;
    ZydisFormatter fmt;
    if (!ZYAN_SUCCESS(ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64))) {
        fprintf(stderr, "zydis-oracle: ZydisDecoderInit failed\n");
        return 2;
    }
    ZydisDecoderEnableMode(&dec, ZYDIS_DECODER_MODE_MPX, ZYAN_FALSE);
    ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL);
    fill_pool(seed);
    struct runner *vtx = vtx_runner_new();
    static struct doutcome vo;

    struct stats s = { 0 };
    struct rng r;
    rng_seed(&r, seed);
    for (uint64_t n = 0; n < count; n++) {
        uint8_t b[16];
        switch (n % 8) {
        case 0: case 1: gen_random(&r, b); break;
        case 2: case 3: gen_structured(&r, b); break;
        case 4: gen_valid(&r, b, false); break;
        default: gen_valid(&r, b, true); break;
        }
        s.total++;
        struct insn in;
        enum decode_status st = decode(b, 15, 2, &in);
        ZydisDecodedInstruction z;
        ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
        ZyanStatus zs = ZydisDecoderDecodeFull(&dec, b, 15, &z, ops);
        bool zok = ZYAN_SUCCESS(zs), ztoolong = zs == ZYDIS_STATUS_INSTRUCTION_TOO_LONG;
        char why[320] = "";
        if (st == DEC_OK && zok) {
            s.both_ok++;
            if (in.len != z.length) {
                snprintf(why, sizeof why, "length: vtx %d, zydis %d", in.len, z.length);
                s.fail_len++;
            } else if ((z.attributes & ZYDIS_ATTRIB_HAS_MODRM) && z.raw.modrm.mod != 3 && in.mod != 3) {
                for (int k = 0; k < z.operand_count; k++) {
                    const ZydisDecodedOperand *o = &ops[k];
                    if (o->type != ZYDIS_OPERAND_TYPE_MEMORY || o->mem.type == ZYDIS_MEMOP_TYPE_MIB)
                        continue;
                    int zb = zreg_index(o->mem.base), zi = zreg_index(o->mem.index);
                    int zs_ = o->mem.scale == 8 ? 3 : o->mem.scale == 4 ? 2 : o->mem.scale == 2 ? 1 : 0;
                    int64_t zd = o->mem.disp.has_displacement ? o->mem.disp.value : 0;
                    if (zb < 0 || zi < 0 || zydis_sib_quirk(b, &z))
                        break;
                    if (zb != in.base || zi != in.index || (zi != EA_NONE && zs_ != in.scale) ||
                        zd != (int64_t)in.disp) {
                        snprintf(why, sizeof why,
                                 "memory operand: vtx base %d index %d scale %d disp %d, zydis base %d index %d scale %d disp %" PRId64,
                                 in.base, in.index, in.scale, in.disp, zb, zi, zs_, zd);
                        s.fail_mem++;
                    }
                    break;
                }
            }
        } else if (st == DEC_OK && in.fn == op_ud) {
            s.both_bad++;              /* a table entry that raises #UD */
        } else if (st == DEC_OK) {
            if (ztoolong) {
                snprintf(why, sizeof why, "vtx decodes %d bytes, zydis: longer than 15", in.len);
                s.fail_len++;
            } else if (vtx && vtx_executes_ud(vtx, b, in.len, &vo)) {
                /* Accepted by the decoder, #UD when executed: the handler
                 * checks (e.g. an invalid segment or control register). */
                s.exec_ud++;
                char key[80];
                snprintf(key, sizeof key, "decoded, #UD at execution: %s", opdefs[in.def].name ? opdefs[in.def].name : "?");
                count_key(key);
            } else {
                char stop[96];
                if (vo.kind == OUT_EXC)
                    snprintf(stop, sizeof stop, "vector %d err %#x at rip %+lld", vo.vector, vo.error,
                             (long long)(vo.st.rip - DIFF_CODE));
                else
                    snprintf(stop, sizeof stop, "%.60s", vo.msg[0] ? vo.msg : "no exception");
                snprintf(why, sizeof why, "vtx decodes (%d bytes, %s) and executes it (%s), zydis: invalid (status %#x)",
                         in.len, opdefs[in.def].name ? opdefs[in.def].name : "?", stop, (unsigned)zs);
                s.fail_valid_vtx++;
            }
        } else if (zok) {
            const struct opdef *d;
            if (amd_only(&z)) {
                s.amd_only++;
            } else if (st == DEC_TOOLONG) {
                snprintf(why, sizeof why, "vtx: longer than 15, zydis decodes %d bytes", z.length);
                s.fail_len++;
            } else if ((d = vtx_has_entry(&z)) != NULL) {
                snprintf(why, sizeof why, "vtx %s on an opcode it decodes (table entry %s), zydis valid",
                         vtx_status(st), d->name ? d->name : "?");
                s.fail_valid_zydis++;
            } else {
                char key[80];
                opcode_key(&z, key, sizeof key);
                count_key(key);
                s.not_impl++;
            }
        } else {
            s.both_bad++;
            if (st == DEC_TOOLONG && !ztoolong && zs != ZYDIS_STATUS_DECODING_ERROR) {
                /* vtx: too long; zydis: another kind of invalid: both #UD/#GP — fine. */
            }
        }
        if (why[0]) {
            s.fail++;
            char key[120], ok[80], h[64], dis[128] = "(invalid)";
            if (st == DEC_OK)
                vtx_key(b, &in, ok, sizeof ok);
            else
                opcode_key(&z, ok, sizeof ok);
            snprintf(key, sizeof key, "%.*s: %s", (int)strcspn(why, ":,("), why, ok);
            hex(b, 15, h);
            if (zok)
                ZydisFormatterFormatInstruction(&fmt, &z, ops, z.operand_count_visible, dis, sizeof dis, 0, ZYAN_NULL);
            struct fail_class *f = fail_class(key);
            if (f)
                snprintf(f->example, sizeof f->example, "bytes %s | zydis: %.100s | %.320s", h, dis, why);
            if (verbose)
                printf("DISAGREE %s\n  bytes: %s\n  zydis: %s\n", why, h, dis);
        }
    }
    qsort(fails, (size_t)nfails, sizeof fails[0], cmp_fail);
    if (nfails)
        printf("disagreements by class (count, first example):\n");
    for (int i = 0; i < nfails && i < max_print; i++)
        printf("  %6" PRIu64 "  %s\n          %s\n", fails[i].n, fails[i].key, fails[i].example);
    if (nfails > max_print)
        printf("  ... %d more classes\n", nfails - max_print);
    qsort(keys, (size_t)nkeys, sizeof keys[0], cmp_key);
    printf("not implemented by vtx (zydis decodes, vtx #UD), top opcodes:\n");
    for (int i = 0, shown = 0; i < nkeys && shown < 40; i++)
        if (strncmp(keys[i].key, "decoded,", 8)) {
            printf("  %8" PRIu64 "  %s\n", keys[i].n, keys[i].key);
            shown++;
        }
    printf("accepted by vtx's decoder, rejected by zydis, #UD when vtx executes them:\n");
    for (int i = 0; i < nkeys; i++)
        if (!strncmp(keys[i].key, "decoded,", 8))
            printf("  %8" PRIu64 "  %s\n", keys[i].n, keys[i].key + 27);
    if (s.fail)
        printf("FAIL diff/zydis: %" PRIu64 " disagreements (%d classes) in %" PRIu64 " inputs (length %" PRIu64
               ", vtx-only valid %" PRIu64 ", vtx #UD on a decoded opcode %" PRIu64 ", memory operand %" PRIu64 ")\n",
               s.fail, nfails, s.total, s.fail_len, s.fail_valid_vtx, s.fail_valid_zydis, s.fail_mem);
    else
        printf("PASS diff/zydis: %" PRIu64 " inputs\n", s.total);
    printf("zydis-oracle: seed %" PRIu64 ": %" PRIu64 " inputs: both valid %" PRIu64 ", both invalid %" PRIu64
           ", not implemented %" PRIu64 ", decoded but #UD at execution %" PRIu64 ", AMD-only %" PRIu64
           ", disagreements %" PRIu64 "\n",
           seed, s.total, s.both_ok, s.both_bad, s.not_impl, s.exec_ud, s.amd_only, s.fail);
    runner_free(vtx);
    return s.fail ? 1 : 0;
}
