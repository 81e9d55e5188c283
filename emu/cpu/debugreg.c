/* Hardware breakpoints — SDM Vol. 3B "Debug Registers" (DR7's L/G, R/W
 * and LEN fields) and "Debug Exception (#DB)". Instruction breakpoints are
 * faults checked before each instruction while one is armed (the run loop
 * then goes one instruction at a time); data and I/O breakpoints are traps
 * after the instruction that hit them. Data accesses to a watched page
 * never hit the TLB, so the slow access path sees every one of them.
 * B0–B3 of DR6 report the breakpoints that caused the #DB (and no others);
 * a single-step #DB alone leaves them as they were. */
#include "debugreg.h"

#include "exec.h"
#include "intr.h"
#include "mem.h"

enum { RW_EXEC = 0, RW_WRITE = 1, RW_IO = 2, RW_RW = 3 };

static bool armed(const struct cpu *c, int n)
{
    return (c->dr[7] >> (2 * n)) & 3;   /* Ln or Gn */
}

static unsigned rw_of(const struct cpu *c, int n)
{
    return (unsigned)(c->dr[7] >> (16 + 4 * n)) & 3;
}

/* LEN: 00 one byte, 01 two, 11 four, 10 eight (SDM "Debug Control
 * Register (DR7)"); the address is aligned down to the length. */
static uint64_t len_of(const struct cpu *c, int n)
{
    static const uint8_t len[4] = { 1, 2, 8, 4 };
    return len[(c->dr[7] >> (18 + 4 * n)) & 3];
}

static uint64_t start_of(const struct cpu *c, int n)
{
    return c->dr[n] & ~(len_of(c, n) - 1);
}

void dbg_update(struct cpu *c)
{
    uint8_t old_watch = c->bp_read | c->bp_write;
    c->bp_exec = c->bp_read = c->bp_write = c->bp_io = 0;
    for (int n = 0; n < 4; n++) {
        if (!armed(c, n))
            continue;
        switch (rw_of(c, n)) {
        case RW_EXEC: c->bp_exec |= (uint8_t)(1u << n); break;
        case RW_WRITE: c->bp_write |= (uint8_t)(1u << n); break;
        case RW_RW:
            c->bp_read |= (uint8_t)(1u << n);
            c->bp_write |= (uint8_t)(1u << n);
            break;
        case RW_IO:
            /* Undefined without CR4.DE: no breakpoint. */
            if (c->cr4 & CR4_DE)
                c->bp_io |= (uint8_t)(1u << n);
            break;
        }
    }
    if (old_watch || (c->bp_read | c->bp_write))
        tlb_flush_all(c);
}

void dbg_check_exec(struct cpu *c)
{
    uint64_t lin = c->mode == MODE_LONG ? c->rip : (c->seg[S_CS].base + c->rip) & 0xffffffffull;
    unsigned hits = 0;
    for (int n = 0; n < 4; n++)
        if ((c->bp_exec >> n & 1) && c->dr[n] == lin)
            hits |= 1u << n;
    if (!hits)
        return;
    c->dr[6] = (c->dr[6] & ~0xfull) | hits;
    cpu_fault_noerr(c, EXC_DB);
}

static void hit(struct cpu *c, unsigned mask, uint64_t a, uint64_t sz)
{
    unsigned hits = 0;
    for (int n = 0; n < 4; n++) {
        if (!(mask >> n & 1))
            continue;
        uint64_t s = start_of(c, n);
        if (a < s + len_of(c, n) && s < a + sz)
            hits |= 1u << n;
    }
    if (hits) {
        c->db_hits |= (uint8_t)hits;
        c->db_trap = true;
        cpu_leave_block(c);
    }
}

void dbg_note_data(struct cpu *c, uint64_t lin, int sz, bool write)
{
    hit(c, write ? c->bp_write : c->bp_read, lin, (uint64_t)sz);
}

void dbg_note_io(struct cpu *c, uint16_t port, int sz)
{
    if (c->bp_io)
        hit(c, c->bp_io, port, (uint64_t)sz);
}

bool dbg_page_watched(const struct cpu *c, uint64_t lin, bool write)
{
    unsigned mask = write ? c->bp_write : c->bp_read;
    for (int n = 0; n < 4; n++)
        if ((mask >> n & 1) && (start_of(c, n) >> 12) == (lin >> 12))
            return true;
    return false;
}

void dbg_trap(struct cpu *c, bool bs)
{
    if (c->db_trap)
        c->dr[6] = (c->dr[6] & ~0xfull) | c->db_hits;
    if (bs)
        c->dr[6] |= DR6_BS;
    c->db_trap = false;
    c->db_hits = 0;
    c->delivering = EXC_DB;
    cpu_deliver_event(c, EXC_DB, EV_EXCEPTION, false, 0, c->rip);
    c->delivering = -1;
}
