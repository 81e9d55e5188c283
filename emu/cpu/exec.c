/* The run loop: event checks at instruction boundaries, block fetch from
 * the decoded-code cache, and the uncached path for instructions that
 * cross a page or live outside RAM. */
#include <stdio.h>

#include "codecache.h"
#include "debugreg.h"
#include "dev/lapic.h"
#include "exec.h"
#include "flags.h"
#include "intr.h"
#include "machine/machine.h"
#include "mem.h"

/* Linear address of RIP with the CS checks of the current mode —
 * SDM Vol. 3A "Limit Checking" (legacy) / "Canonical Addressing" (64-bit). */
static uint64_t fetch_linear(struct cpu *c, uint64_t rip, int sz)
{
    if (c->mode == MODE_LONG) {
        if (!is_canonical(rip))
            cpu_gp(c, 0);
        return rip;
    }
    if (rip + (uint64_t)sz - 1 > c->seg[S_CS].limit)
        cpu_gp(c, 0);
    return (c->seg[S_CS].base + rip) & 0xffffffffull;
}

/* Fetch and decode one instruction byte by byte, touching a second page
 * only if the instruction extends into it. */
static void decode_uncached(struct cpu *c, struct insn *in)
{
    uint8_t buf[16];
    int have = 0;
    for (;;) {
        uint64_t lin = fetch_linear(c, c->rip + (uint64_t)have, 1);
        buf[have++] = (uint8_t)lin_read_slow(c, lin, 1, ACC_X | acc_user(c));
        enum decode_status st = decode(buf, have, c->code_size, in);
        if (st == DEC_MORE && have < 15)
            continue;
        if (st == DEC_MORE || st == DEC_TOOLONG) {
            in->fn = op_toolong;
            in->len = 15;
        }
        return;
    }
}

static void step_uncached(struct cpu *c)
{
    struct insn in;
    decode_uncached(c, &in);
    in.fn(c, &in);
    c->icount++;
}

static bool intr_allowed(struct cpu *c)
{
    return (c->rflags & RFLAGS_IF) && c->icount >= c->shadow_until;
}

/* External events between instructions — SDM Vol. 3A "Priority Among
 * Concurrent Events": NMI before maskable interrupts. */
static void check_events(struct cpu *c)
{
    if (c->nmi_pending && !c->nmi_blocked && c->icount >= c->shadow_until) {
        c->nmi_pending = false;
        c->halted = false;
        c->nmi_blocked = true;
        c->delivering = EXC_NMI;
        cpu_deliver_event(c, EXC_NMI, EV_NMI, false, 0, c->rip);
        c->delivering = -1;
        return;
    }
    if (c->intr_line && intr_allowed(c) && c->intr_ack) {
        int v = c->intr_ack(c->intr_ctx);
        if (v < 0)
            return;
        c->halted = false;
        if (c->debug & DBG_INT)
            fprintf(machine_trace(c->m), "vtx: cpu%d interrupt vector %#x at rip %#llx\n", c->index, v,
                    (unsigned long long)c->rip);
        c->delivering = v;
        cpu_deliver_event(c, v, EV_HWINT, false, 0, c->rip);
        c->delivering = -1;
    }
}

/* Find the block at RIP: through the previous block's link if it has one,
 * else through the exec TLB and the block cache. NULL means "execute one
 * instruction uncached". */
static struct block *block_at(struct cpu *c)
{
    struct machine *m = c->m;
    struct block *prev = c->last_block;
    struct block *b = prev ? codecache_follow(c, prev, m->page_gen) : NULL;
    if (b)
        return b;
    uint64_t lin = fetch_linear(c, c->rip, 1);
    uint8_t *host = tlb_ptr(c, TLB_EXEC, lin, 1);
    if (!host) {
        uint64_t pa = mmu_translate(c, lin, ACC_X | acc_user(c));
        host = (pa & ~0xfffull) == c->apic_page ? NULL : phys_ptr(m, pa, 1);
        if (!host)
            return NULL;          /* executing from MMIO or a hole */
    }
    int avail = (int)(0x1000 - (lin & 0xfff));
    b = codecache_get(c, (uint64_t)(host - m->ram), host, avail);
    if (b && prev)
        codecache_link(c, prev, b);
    return b;
}

static void run_block(struct cpu *c, uint64_t until)
{
    struct block *b = block_at(c);
    c->last_block = NULL;
    if (!b || (c->mode != MODE_LONG && c->rip + b->bytes - 1 > c->seg[S_CS].limit)) {
        step_uncached(c);
        return;
    }
    uint64_t entry_rip = c->rip, entry_epoch = c->chain_epoch;
    for (;;) {
        uint64_t n = b->n;
        if (until - c->icount < n)
            n = until - c->icount;
        const struct insn *in = b->ins;
        c->block_end = in + n;
        for (; in < c->block_end; in++) {
            in->fn(c, in);
            c->icount++;
        }
        /* Whole block, or left early: links are keyed by RIP, so linking
         * on from b stays valid either way; a budget cut leaves it unlinked. */
        if (n != b->n && c->block_end)
            return;
        c->last_block = b;
        /* A loop that branches back to this block's start runs it again
         * at once, if nothing the run loop watches has happened. */
        if (c->rip != entry_rip || c->chain_epoch != entry_epoch || c->icount >= until ||
            c->events || c->m->stop || (c->rflags & (RFLAGS_TF | RFLAGS_RF)) ||
            b->gen != c->m->page_gen[b->ram_off >> 12])
            return;
    }
}

/* TF or RF set, or an instruction breakpoint armed: one instruction at a
 * time. Instruction breakpoints are checked first, unless RF is set; RF is
 * cleared as the instruction starts (IRET may set it again) — SDM
 * "Instruction-Breakpoint Exception Condition"; TF set at the start traps
 * after the instruction ("Single-Step Exception Condition"), in the same
 * #DB as the data breakpoints it hit. */
static void run_single_step(struct cpu *c)
{
    c->last_block = NULL;
    if (c->bp_exec && !(c->rflags & RFLAGS_RF))
        dbg_check_exec(c);
    bool tf = c->rflags & RFLAGS_TF;
    struct insn in;
    decode_uncached(c, &in);
    c->rflags &= ~(uint64_t)RFLAGS_RF;
    in.fn(c, &in);
    c->icount++;
    if (tf || c->db_trap)
        dbg_trap(c, tf);
}

/* The run loop proper. cpu_run (fault.c) holds the setjmp that faults
 * unwind to, in its own function so that this loop's registers are not
 * forced to memory by it. */
enum cpu_stop cpu_run_loop(struct cpu *c, uint64_t until)
{
    for (;;) {
        /* An interrupt or NMI that waits for the STI / MOV SS shadow to end
         * has the shadowed instruction run alone, then is looked at again. */
        bool shadowed = false;
        if (c->events || c->m->stop) {
            if (c->stop_request || c->m->stop) {
                c->stop_request = false;
                return STOP_MACHINE;
            }
            if (c->yield) {
                c->yield = false;
                return STOP_YIELD;
            }
            /* A trap on the previous instruction comes before NMI and
             * interrupts (SDM "Priority Among Concurrent Events"). */
            if (c->db_trap) {
                dbg_trap(c, false);
                continue;
            }
            /* An INIT the CPU sent itself takes effect between
             * instructions: reset, then wait for a start-up IPI. */
            if (c->init_pending) {
                c->init_pending = false;
                lapic_init_self(c->lapic);
                return STOP_HLT;
            }
            if (c->nmi_pending || c->intr_line) {
                check_events(c);
                shadowed = (c->nmi_pending || c->intr_line) && c->icount < c->shadow_until;
            }
            if (c->halted)
                return STOP_HLT;
        }
        if (c->icount >= until)
            return STOP_BUDGET;
        if (shadowed || (c->rflags & (RFLAGS_TF | RFLAGS_RF)) || c->bp_exec)
            run_single_step(c);
        else
            run_block(c, until);
    }
}
