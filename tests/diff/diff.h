/* Differential tester: instruction sequences run natively on the host CPU
 * (in a forked child, at CPL 3) and on vtx's CPU (at CPL 3, 64-bit mode)
 * from the same registers and memory; everything architecturally defined
 * must match. DESIGN.md, "Correctness comes from outside oracles".
 *
 * Both sides use the same linear addresses: one read-only code page at
 * DIFF_CODE and DIFF_DATA_PAGES writable data pages at DIFF_DATA (the last
 * one holds the stack). Nothing else is mapped on vtx; natively the rest of
 * the process lies far away (PIE, libraries, stack at 0x55.., 0x7f..). */
#ifndef DIFF_H
#define DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIFF_PAGE        4096u
#define DIFF_CODE        0x01000000ull      /* one page, read + execute */
#define DIFF_DATA        0x01010000ull      /* data pages, read + write */
#define DIFF_DATA_PAGES  4
#define DIFF_DATA_SIZE   (DIFF_DATA_PAGES * DIFF_PAGE)
#define DIFF_DATA_END    (DIFF_DATA + DIFF_DATA_SIZE)
#define DIFF_STACK       (DIFF_DATA + 3 * DIFF_PAGE + 0x800)  /* default RSP */
#define DIFF_MEMBASE     (DIFF_DATA + 0x1800)  /* typical memory base pointer */

#define DIFF_MAX_CODE    240
#define DIFF_MAX_INSNS   16
#define DIFF_TEXT        320

/* Default MXCSR (all exceptions masked, round to nearest) and RFLAGS bits
 * that are always 1 in user mode (bit 1, IF). */
#define DIFF_MXCSR_DEFAULT 0x1f80u
#define DIFF_RFLAGS_FIXED  0x202ull

/* The flags compared: the six status flags, TF, IF, DF, IOPL, NT, AC, ID.
 * RF is not compared: the CPU sets it in the RFLAGS image of a delivered
 * fault, and vtx in test mode stops before delivery. */
#define DIFF_RFLAGS_CMP 0x00257fd5ull

/* CPU features a sequence may need (CPUID bits, read from vtx and host). */
enum {
    FEAT_POPCNT = 1u << 0,   /* CPUID.1:ECX[23] */
    FEAT_LZCNT  = 1u << 1,   /* CPUID.80000001H:ECX[5] (ABM/LZCNT) */
    FEAT_BMI1   = 1u << 2,   /* CPUID.7.0:EBX[3] (TZCNT) */
    FEAT_MOVBE  = 1u << 3,   /* CPUID.1:ECX[22] */
    FEAT_CX16   = 1u << 4,   /* CPUID.1:ECX[13] */
    FEAT_LAHF   = 1u << 5,   /* CPUID.80000001H:ECX[0] (LAHF/SAHF in 64-bit) */
    FEAT_CX8    = 1u << 6,   /* CPUID.1:EDX[8] */
    FEAT_SSE2   = 1u << 7,   /* CPUID.1:EDX[26] */
    FEAT_SSE3   = 1u << 8,   /* CPUID.1:ECX[0] */
    FEAT_SSSE3  = 1u << 9,   /* CPUID.1:ECX[9] */
    FEAT_SSE41  = 1u << 10,  /* CPUID.1:ECX[19] */
    FEAT_CMOV   = 1u << 11,  /* CPUID.1:EDX[15] */
};
#define FEAT_COUNT 12
extern const char *const feat_names[FEAT_COUNT];
uint32_t feat_from_cpuid(uint32_t ecx1, uint32_t edx1, uint32_t ebx7, uint32_t ecx81);

/* Register state: the layout is fixed, native_entry.S reads it. */
struct dstate {
    uint64_t r[16];          /* RAX..R15 in encoding order */
    uint64_t rip;
    uint64_t rflags;
    uint64_t xmm[16][2];     /* [i][0] low quadword, [i][1] high */
    uint32_t mxcsr;
    uint32_t pad;
    /* x87 (both sides start from FNINIT: FCW 037FH, FSW 0, all empty). */
    uint16_t fcw, fsw;
    uint8_t ftw;             /* abridged tag byte: bit n = physical Rn valid */
    uint8_t pad2[3];
    uint8_t st[8][10];       /* ST(0)..ST(7), 80-bit little-endian */
};

/* One test case. */
struct dcase {
    char family[24];
    char text[DIFF_TEXT];            /* "add eax, ecx ; ..." */
    uint8_t code[DIFF_MAX_CODE];     /* ends with the INT3 terminator */
    int code_len;
    int code_off;                    /* where code[] starts in the code page
                                        (init.rip = DIFF_CODE + code_off);
                                        bytes past the page end are dropped */
    bool fixed;                      /* branches: do not drop instructions */
    int ninsn;                       /* instruction boundaries (minimizer) */
    uint8_t insn_off[DIFF_MAX_INSNS + 1];
    struct insn_fx {                 /* per instruction, from the builders */
        uint32_t fread, fdef, fundef, need;
        uint16_t undef_regs;
    } fx[DIFF_MAX_INSNS];
    struct dstate init;
    uint64_t fill_seed;              /* data pages = fill(seed) + patches */
    uint8_t data[DIFF_DATA_SIZE];
    uint32_t undef_flags;            /* RFLAGS bits not compared */
    uint16_t fsw_undef;              /* x87 FSW bits not compared (C0 C2 C3 ..) */
    uint16_t undef_regs;             /* GPRs whose final value is undefined */
    uint32_t need;                   /* FEAT_* the code needs */
    /* When vtx does not advertise `need` but the SDM says the bytes then
     * mean another instruction (LZCNT -> BSR, TZCNT -> BSF): native runs
     * the code with code[alt_off] (the F3) = 0x3E, with these masks. */
    int alt_off;
    uint32_t alt_undef_flags;
    uint16_t alt_undef_regs;
};

/* How a run ended. */
enum dkind {
    OUT_NONE,
    OUT_EXC,        /* stopped on an exception (INT3 = vector 3 = normal end) */
    OUT_TIMEOUT,    /* did not stop in time */
    OUT_HLT,        /* vtx: halted */
    OUT_OTHER,      /* vtx: triple fault or machine stop */
    OUT_CRASH,      /* the runner itself died (host signal) */
    OUT_SETUP,      /* the runner could not set up (msg says why) */
};

struct doutcome {
    int kind;
    int vector;
    uint32_t error;
    uint64_t addr;                   /* #PF linear address (CR2 / si_addr) */
    struct dstate st;
    uint8_t data[DIFF_DATA_SIZE];
    char msg[160];
};

/* rng.c: splitmix64. */
struct rng { uint64_t s; };
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t n);   /* 0 .. n-1 */
bool rng_chance(struct rng *r, unsigned one_in);

/* case.c: building cases. */
void case_init(struct dcase *c, const char *family);   /* zero state, default RSP */
void case_fill(struct dcase *c, uint64_t seed);          /* fill data from seed */
void fill_data(uint8_t *dst, uint64_t seed);
void case_finish(struct dcase *c);                       /* append INT3 */
const char *reg64_name(int r);

/* native.c / vtxrun.c: the two runners, each in its own worker process. */
struct runner;
struct runner *native_runner_new(void);
struct runner *vtx_runner_new(void);
/* Runs c on the runner; fills o. Never fails: a dead or hung worker is
 * an outcome (OUT_CRASH / OUT_TIMEOUT) and is restarted next time. */
void runner_run(struct runner *rn, const struct dcase *c, struct doutcome *o);
void runner_free(struct runner *rn);
/* Features the runner's CPU advertises (CPUID at CPL 3); 0 if it cannot. */
uint32_t runner_features(struct runner *rn);

/* compare.c */
#define DIFF_F_KIND   (1u << 0)
#define DIFF_F_VECTOR (1u << 1)
#define DIFF_F_ERROR  (1u << 2)
#define DIFF_F_ADDR   (1u << 3)
#define DIFF_F_RIP    (1u << 4)
#define DIFF_F_GPR    (1u << 5)
#define DIFF_F_FLAGS  (1u << 6)
#define DIFF_F_XMM    (1u << 7)
#define DIFF_F_MXCSR  (1u << 8)
#define DIFF_F_MEM    (1u << 9)
#define DIFF_F_X87    (1u << 10)
uint32_t compare_outcomes(const struct dcase *c, const struct doutcome *a,
                          const struct doutcome *b, char *why, size_t whylen);
/* The first differing field of a mismatch, short ("rax", "OF", "vector"). */
void print_case(const struct dcase *c, bool xmm);
void print_outcome(const char *who, const struct doutcome *o, bool xmm);
const char *vector_name(int v);
void disasm_line(const uint8_t *code, int len, char *out, size_t outlen);

/* regress.c: one case per line of text. */
int case_parse(const char *line, struct dcase *c, char *err, size_t errlen);
void case_format(const struct dcase *c, char *out, size_t outlen);

#endif
