/* IN and OUT — SDM Vol. 2 "IN", "OUT". The privilege check (IOPL and the
 * I/O permission bitmap) comes first; the string forms are in string.c. */
#include "machine/machine.h"
#include "mem.h"
#include "ops.h"
#include "segment.h"

static void do_in(struct cpu *c, const struct insn *i, uint16_t port)
{
    io_check(c, port, i->osz);
    reg_set(c, R_AX, i->osz, bus_in(&c->m->bus, port, i->osz));
    rip_advance(c, i);
}

static void do_out(struct cpu *c, const struct insn *i, uint16_t port)
{
    io_check(c, port, i->osz);
    uint32_t v = (uint32_t)reg_get(c, R_AX, i->osz);
    rip_advance(c, i);
    bus_out(&c->m->bus, port, i->osz, v);
    cpu_leave_block(c);   /* a device may have stopped the machine */
}

/* IN/OUT use 8, 16 or 32 bits: REX.W does not make them 64-bit. */
static int io_size(const struct insn *i)
{
    return i->osz == 8 ? 4 : i->osz;
}

void op_in_imm(struct cpu *c, const struct insn *i)
{
    struct insn t = *i;
    t.osz = (uint8_t)io_size(i);
    do_in(c, &t, (uint16_t)(i->imm & 0xff));
}

void op_in_dx(struct cpu *c, const struct insn *i)
{
    struct insn t = *i;
    t.osz = (uint8_t)io_size(i);
    do_in(c, &t, (uint16_t)c->r[R_DX]);
}

void op_out_imm(struct cpu *c, const struct insn *i)
{
    struct insn t = *i;
    t.osz = (uint8_t)io_size(i);
    do_out(c, &t, (uint16_t)(i->imm & 0xff));
}

void op_out_dx(struct cpu *c, const struct insn *i)
{
    struct insn t = *i;
    t.osz = (uint8_t)io_size(i);
    do_out(c, &t, (uint16_t)c->r[R_DX]);
}
