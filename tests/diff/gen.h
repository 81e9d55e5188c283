/* Sequence generators: template families (templates.c) and random
 * sequences (random.c), both built from the builders in asm.h. */
#ifndef DIFF_GEN_H
#define DIFF_GEN_H

#include "asm.h"
#include "diff.h"

/* Appends an instruction to a case: bytes, text, flag and register
 * effects. False if the case is full. */
bool case_add(struct dcase *c, const struct ginsn *g);

/* Random initial state: every GPR from the value pool, RSP = DIFF_STACK,
 * random status flags (DF clear), random XMM, default MXCSR, data pages
 * filled from a random seed. */
void case_random_state(struct dcase *c, struct rng *r);

/* Values: "interesting" values of an operand size (0, 1, -1, min, max, sign
 * boundaries, powers of two, ...) mixed with random ones. */
uint64_t pool_value(struct rng *r, int osz);
uint64_t size_mask(int osz);

/* Write to / read from the initial data image (addr is linear). Bytes
 * outside the data pages are ignored. */
void case_poke(struct dcase *c, uint64_t addr, uint64_t val, int size);
uint64_t case_peek(const struct dcase *c, uint64_t addr, int size);

/* Template families. */
struct family {
    const char *name;
    const char *desc;
    /* Builds case number i (0-based) of the family with randomness from r.
     * feat: features of the CPU under test (some forms need them). */
    void (*make)(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat);
};
extern const struct family families[];
extern const int families_count;
const struct family *family_find(const char *name);

/* Random mode: one sequence of 1..8 instructions using only features in
 * feat. */
void random_case(struct dcase *c, struct rng *r, uint32_t feat);

#endif
