/* Decoded-instruction cache (see codecache.h). */
#include <stdlib.h>
#include <string.h>

#include "codecache.h"
#include "machine/machine.h"
#include "exec.h"
#include "fastpath.h"
#include "mem.h"

int codecache_init(struct cpu *c)
{
    struct codecache *cc = calloc(1, sizeof *cc);
    if (!cc)
        return -1;
    for (unsigned k = 0; k < BCACHE_SIZE; k++) {
        cc->blocks[k].ram_off = ~0ull;
        cc->blocks[k].link[0].rip = cc->blocks[k].link[1].rip = ~0ull;
    }
    c->ccache = cc;
    return 0;
}

void codecache_free(struct cpu *c)
{
    free(c->ccache);
    c->ccache = NULL;
}

static uint64_t ram_offset(struct machine *m, uint64_t pa)
{
    uint8_t *p = phys_ptr(m, pa, 1);
    return p ? (uint64_t)(p - m->ram) : ~0ull;
}

bool codecache_page_has_code(struct cpu *c, uint64_t pa)
{
    uint64_t off = ram_offset(c->m, pa);
    return off != ~0ull && c->m->code_bits[off >> 12];
}

/* A write to RAM: if the page holds decoded code, bump its generation so
 * every block from it is stale, and leave the current block. */
void codecache_note_write(struct cpu *c, uint64_t pa, int sz)
{
    struct machine *m = c->m;
    uint64_t off = ram_offset(m, pa);
    if (off == ~0ull)
        return;
    uint64_t first = off >> 12, last = (off + (uint64_t)sz - 1) >> 12;
    for (uint64_t pg = first; pg <= last && pg < m->npages; pg++) {
        if (m->code_bits[pg]) {
            m->code_bits[pg] = 0;
            m->page_gen[pg]++;
            cpu_leave_block(c);
        }
    }
}

static void mark_code_page(struct cpu *c, uint64_t pg)
{
    struct machine *m = c->m;
    if (m->code_bits[pg])
        return;
    m->code_bits[pg] = 1;
    /* Writable TLB entries may point into this page: drop them so writes
     * take the slow path that notices self-modifying code. */
    for (int k = 0; k < m->ncpu; k++)
        for (unsigned i = 0; i < TLB_SIZE; i++)
            m->cpu[k]->tlb[TLB_WRITE][i].tag = TLB_INVALID;
}

static void decode_block(struct cpu *c, struct block *b, uint64_t ram_off, const uint8_t *host, int avail)
{
    struct machine *m = c->m;
    uint64_t pg = ram_off >> 12;
    b->ram_off = ram_off;
    b->gen = m->page_gen[pg];
    b->link[0].rip = b->link[1].rip = ~0ull;
    b->code_size = (uint8_t)c->code_size;
    b->n = 0;
    b->bytes = 0;
    /* Decode by page offset: a block may follow a direct JMP/CALL to a
     * target in the same page, so its instructions need not be contiguous
     * (b->bytes, used for CS-limit checks, then only counts the first run,
     * and following happens only in 64-bit mode, which has no CS limit). */
    int off = 0x1000 - avail;
    const uint8_t *page = host - off;
    int run_start = off;
    while (b->n < BLOCK_MAX) {
        struct insn *in = &b->ins[b->n];
        enum decode_status st = decode(page + off, 0x1000 - off, c->code_size, in);
        if (st == DEC_MORE)
            break;          /* crosses the page: decoded on its own later */
        if (st == DEC_TOOLONG) {
            in->fn = op_toolong;
            in->len = 15;
        }
        if (st == DEC_OK)
            in->fn = fastpath_select(in, c->code_size);
        b->n++;
        off += in->len;
        if (b->n == 1 || b->bytes == 0)
            b->bytes = (uint16_t)(off - run_start);
        if (st != DEC_OK || off >= 0x1000)
            break;
        if (opdefs[in->def].attr & A_END) {
            insn_fn follow = fastpath_follow(in, c->code_size);
            int64_t target = (int64_t)off + (int64_t)in->imm;
            if (!follow || target < 0 || target >= 0x1000)
                break;
            in->fn = follow;
            off = (int)target;
        }
    }
    if (b->n == 0) {
        b->ram_off = ~0ull;   /* nothing decodable here: leave the slot empty */
        return;
    }
    mark_code_page(c, pg);
}

struct block *codecache_get(struct cpu *c, uint64_t ram_off, const uint8_t *host, int avail)
{
    struct codecache *cc = c->ccache;
    unsigned h = (unsigned)((ram_off ^ (ram_off >> BCACHE_BITS)) & (BCACHE_SIZE - 1));
    struct block *b = &cc->blocks[h];
    if (b->ram_off == ram_off && b->code_size == c->code_size &&
        b->gen == c->m->page_gen[ram_off >> 12])
        return b;
    decode_block(c, b, ram_off, host, avail);
    if (b->n == 0)
        return NULL;
    return b;
}
