/* Helpers shared by the template families (templates.c, templates_more.c)
 * and the random generator. */
#ifndef DIFF_TPL_H
#define DIFF_TPL_H

#include "gen.h"

struct t {
    struct dcase *c;
    struct rng *r;
    uint16_t used;       /* GPRs already given a role (RSP always) */
};

/* Starts a case: random state, nothing used but RSP. */
void t_begin(struct t *t, struct dcase *c, struct rng *r, const char *fam);
/* A free GPR (never RSP), marked used. */
int t_reg(struct t *t);
/* A register operand of size osz: for bytes sometimes AH..BH or a REX-only
 * byte register (SPL never). Marks the GPR used. */
int t_reg_sz(struct t *t, int osz);
/* Set / get the low osz bytes of a register operand (AH..BH: bits 15:8). */
void t_set(struct t *t, int reg, int osz, uint64_t v);
uint64_t t_get(struct t *t, int reg, int osz);

/* Address choice for a memory operand of `size` bytes. faults: allow
 * addresses that fault (outside the data pages, page-crossing into an
 * unmapped page, the read-only code page). align: 0 natural-ish, else the
 * required alignment. */
uint64_t t_addr(struct t *t, int size, int align, bool faults);
/* A memory operand addressing addr with a random addressing form (base,
 * base+disp8/32, base+index*scale+disp, index*scale+disp32, absolute,
 * 32-bit address size with garbage in the upper register halves). Sets the
 * registers it uses. */
struct opnd t_mem(struct t *t, uint64_t addr);
/* Both: an operand with its value written to memory. */
struct opnd t_mem_val(struct t *t, int size, uint64_t val, bool faults, uint64_t *addr_out);

/* A shift/rotate count from the boundary set for an operand of bits. */
unsigned t_count(struct t *t, int bits);

/* Add an instruction; false if it did not fit. */
bool t_add(struct t *t, const struct ginsn *g);

static inline int size_of_index(int i) { static const int s[4] = { 1, 2, 4, 8 }; return s[i & 3]; }

/* The families (defined in templates.c / templates_more.c). */
void fam_alu(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_unary(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_shift(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_shld(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_muldiv(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_bt(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_bitscan(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_atomic(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_cond(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_bswap(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_string(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_movx(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_lea(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_stack(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_flags(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_sse(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_fault(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_branch(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_misc(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_ssefp(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_x87(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
void fam_seg(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);

/* Runs `build` until it produces an encodable instruction; the case is
 * restarted (fresh random state) for every attempt. */
#define RETRY(t, c, r, fam, body)                          \
    for (int tries_ = 0;; tries_++) {                      \
        t_begin(t, c, r, fam);                             \
        if (body)                                          \
            break;                                         \
        if (tries_ > 200)                                  \
            break;                                         \
    }                                                      \
    case_finish(c)

#endif
