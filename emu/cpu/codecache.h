/* Decoded-instruction cache: blocks of decoded instructions keyed by the
 * RAM location of their first byte, invalidated per 4-KiB page when that
 * page is written (DESIGN.md "decode once"). */
#ifndef EMU_CODECACHE_H
#define EMU_CODECACHE_H

#include "cpu.h"
#include "insn.h"

#define BLOCK_MAX 32
#define BCACHE_BITS 12
#define BCACHE_SIZE (1u << BCACHE_BITS)

struct block;

/* A direct link from the end of a block to the block that followed it,
 * valid while the CPU's chain epoch (bumped by TLB flushes and mode
 * changes) is unchanged and the target still holds the same code. */
struct block_link {
    uint64_t rip;
    struct block *to;
    uint64_t to_off;
    uint64_t epoch;
};

struct block {
    uint64_t ram_off;    /* offset in machine RAM of the first byte, ~0 if empty */
    struct block_link link[2];
    unsigned next_link;
    uint32_t gen;        /* the page's generation when decoded */
    uint8_t code_size;
    uint8_t n;           /* instructions */
    uint16_t bytes;      /* total length */
    struct insn ins[BLOCK_MAX];
};

struct codecache {
    struct block blocks[BCACHE_SIZE];
};

int codecache_init(struct cpu *c);
void codecache_free(struct cpu *c);
/* The block starting at RAM offset ram_off, decoding it if needed. host
 * points at the instruction bytes; avail is how many remain in the page. */
struct block *codecache_get(struct cpu *c, uint64_t ram_off, const uint8_t *host, int avail);
/* The block linked from `from` for the current RIP, or NULL. */
static inline struct block *codecache_follow(struct cpu *c, struct block *from, const uint32_t *page_gen)
{
    for (int k = 0; k < 2; k++) {
        struct block_link *l = &from->link[k];
        if (l->rip == c->rip && l->epoch == c->chain_epoch) {
            struct block *b = l->to;
            if (b->ram_off == l->to_off && b->gen == page_gen[l->to_off >> 12] &&
                b->code_size == c->code_size)
                return b;
        }
    }
    return NULL;
}

static inline void codecache_link(struct cpu *c, struct block *from, struct block *to)
{
    struct block_link *l = &from->link[from->link[0].rip == c->rip ? 0 :
                                       from->link[1].rip == c->rip ? 1 : (from->next_link++ & 1)];
    l->rip = c->rip;
    l->to = to;
    l->to_off = to->ram_off;
    l->epoch = c->chain_epoch;
}

bool codecache_page_has_code(struct cpu *c, uint64_t pa);
void codecache_note_write(struct cpu *c, uint64_t pa, int sz);

#endif
