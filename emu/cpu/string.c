/* String instructions MOVS CMPS STOS LODS SCAS INS OUTS with REP, REPE and
 * REPNE — SDM Vol. 2 "REP/REPE/REPZ/REPNE/REPNZ". A repeated instruction
 * runs at most STRING_CHUNK iterations per step and then re-executes
 * itself (RIP unchanged), so it stays interruptible; every iteration
 * commits RSI/RDI/RCX, so a fault leaves the registers at the faulting
 * element, as the SDM requires. */
#include "flags.h"
#include "machine/machine.h"
#include "mem.h"
#include "ops.h"
#include "segment.h"

#define STRING_CHUNK 4096

static uint64_t areg(const struct cpu *c, const struct insn *i, int r)
{
    return c->r[r] & asz_mask(i->asz);
}

static void areg_step(struct cpu *c, const struct insn *i, int r, int64_t d)
{
    reg_set(c, (unsigned)r, i->asz, c->r[r] + (uint64_t)d);
}

static int64_t delta(const struct cpu *c, const struct insn *i)
{
    return (c->rflags & RFLAGS_DF) ? -(int64_t)i->osz : (int64_t)i->osz;
}

/* One iteration of each instruction. Returns the compare result for CMPS
 * and SCAS (1 = ZF set). */
static void do_movs(struct cpu *c, const struct insn *i)
{
    uint64_t v = mem_read(c, i->seg, areg(c, i, R_SI), i->osz);
    mem_write(c, S_ES, areg(c, i, R_DI), i->osz, v);
    areg_step(c, i, R_SI, delta(c, i));
    areg_step(c, i, R_DI, delta(c, i));
}

static void do_stos(struct cpu *c, const struct insn *i)
{
    mem_write(c, S_ES, areg(c, i, R_DI), i->osz, reg_get(c, R_AX, i->osz));
    areg_step(c, i, R_DI, delta(c, i));
}

static void do_lods(struct cpu *c, const struct insn *i)
{
    reg_set(c, R_AX, i->osz, mem_read(c, i->seg, areg(c, i, R_SI), i->osz));
    areg_step(c, i, R_SI, delta(c, i));
}

static void compare(struct cpu *c, uint64_t a, uint64_t b, int sz)
{
    uint64_t r = a - b;
    lf_arith(c, r, cout_sub(a, b, r), sz);
}

static void do_cmps(struct cpu *c, const struct insn *i)
{
    uint64_t a = mem_read(c, i->seg, areg(c, i, R_SI), i->osz);
    uint64_t b = mem_read(c, S_ES, areg(c, i, R_DI), i->osz);
    compare(c, a, b, i->osz);
    areg_step(c, i, R_SI, delta(c, i));
    areg_step(c, i, R_DI, delta(c, i));
}

static void do_scas(struct cpu *c, const struct insn *i)
{
    uint64_t b = mem_read(c, S_ES, areg(c, i, R_DI), i->osz);
    compare(c, reg_get(c, R_AX, i->osz), b, i->osz);
    areg_step(c, i, R_DI, delta(c, i));
}

static void do_ins(struct cpu *c, const struct insn *i)
{
    uint16_t port = (uint16_t)c->r[R_DX];
    /* Probe the destination first so a fault does not lose the input. */
    uint64_t di = areg(c, i, R_DI);
    mem_probe_write(c, S_ES, di, i->osz);
    mem_write(c, S_ES, di, i->osz, bus_in(&c->m->bus, port, i->osz));
    areg_step(c, i, R_DI, delta(c, i));
}

static void do_outs(struct cpu *c, const struct insn *i)
{
    uint64_t v = mem_read(c, i->seg, areg(c, i, R_SI), i->osz);
    bus_out(&c->m->bus, (uint16_t)c->r[R_DX], i->osz, (uint32_t)v);
    areg_step(c, i, R_SI, delta(c, i));
}

/* Run `one` once, or under REP until RCX = 0 (or the REPE/REPNE condition
 * fails for compares). */
static void string_op(struct cpu *c, const struct insn *i, void (*one)(struct cpu *, const struct insn *), int is_cmp)
{
    if (!i->rep) {
        one(c, i);
        rip_advance(c, i);
        return;
    }
    for (int n = 0; n < STRING_CHUNK; n++) {
        if (areg(c, i, R_CX) == 0) {
            rip_advance(c, i);
            return;
        }
        one(c, i);
        areg_step(c, i, R_CX, -1);
        if (is_cmp && flag_zf(c) != (i->rep == 0xf3)) {
            rip_advance(c, i);
            return;
        }
        /* A data or I/O breakpoint: the #DB trap follows this iteration,
         * RF = 1 in its frame unless it was the last — SDM "Debug
         * Exception (#DB)" (repeated string instructions). */
        if (c->db_trap) {
            if (areg(c, i, R_CX) == 0)
                rip_advance(c, i);
            else
                c->rflags |= RFLAGS_RF;
            return;
        }
    }
    if (areg(c, i, R_CX) == 0) {
        rip_advance(c, i);
        return;
    }
    cpu_leave_block(c);   /* resume this instruction on the next step */
}

void op_movs(struct cpu *c, const struct insn *i) { string_op(c, i, do_movs, 0); }
void op_stos(struct cpu *c, const struct insn *i) { string_op(c, i, do_stos, 0); }
void op_lods(struct cpu *c, const struct insn *i) { string_op(c, i, do_lods, 0); }
void op_cmps(struct cpu *c, const struct insn *i) { string_op(c, i, do_cmps, 1); }
void op_scas(struct cpu *c, const struct insn *i) { string_op(c, i, do_scas, 1); }

/* INS/OUTS move 8, 16 or 32 bits; REX.W does not widen them. */
void op_ins(struct cpu *c, const struct insn *i)
{
    struct insn t = *i;
    t.osz = i->osz == 8 ? 4 : i->osz;
    io_check(c, (uint16_t)c->r[R_DX], t.osz);
    string_op(c, &t, do_ins, 0);
}

void op_outs(struct cpu *c, const struct insn *i)
{
    struct insn t = *i;
    t.osz = i->osz == 8 ? 4 : i->osz;
    io_check(c, (uint16_t)c->r[R_DX], t.osz);
    string_op(c, &t, do_outs, 0);
}
