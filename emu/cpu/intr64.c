/* Event delivery in IA-32e mode — SDM Vol. 3A "64-Bit Mode IDT",
 * "64-Bit Mode Stack Frame", "Stack Switching in IA-32e Mode",
 * "Interrupt Stack Table"; Vol. 2 "INT n/INTO/INT3/INT1" (IA-32e-MODE). */
#include "intr.h"

#include "mem.h"
#include "segment.h"
#include "xfer.h"

/* SDM "INT n" IA-32e-MODE: (vector * 16) + 15 within the IDT limit and a
 * 64-bit interrupt or trap gate, else #GP((vector << 3) | 2 | EXT). */
static void idt_gate64(struct cpu *c, const struct event *ev, uint64_t g[2])
{
    uint64_t at = (uint64_t)ev->vector * 16;
    if (at + 15 > c->idtr.limit)
        cpu_gp(c, intr_idt_err(ev));
    g[0] = sys_read(c, c->idtr.base + at, 8);
    g[1] = sys_read(c, c->idtr.base + at + 8, 8);
    uint32_t ar = desc_ar(g[0]);
    unsigned t = AR_TYPE(ar);
    if ((ar & AR_S) || (t != SYS_INTGATE && t != SYS_TRAPGATE))
        cpu_gp(c, intr_idt_err(ev));
    intr_gate_access(c, ev, ar);
}

/* SDM "Interrupt Stack Table" and "Stack Switching in IA-32e Mode": a
 * non-zero IST index always selects ISTn ((IST << 3) + 28 in the TSS);
 * otherwise a privilege change takes RSPn ((DPL << 3) + 4) and the same
 * privilege keeps RSP. */
static uint64_t handler_rsp(struct cpu *c, const struct event *ev, uint64_t g0, int cpl)
{
    unsigned ist = (unsigned)(g0 >> 32) & 7;
    if (ist)
        return tss_read64(c, (ist << 3) + 28, ev->ext);
    if (cpl != c->cpl)
        return tss_read64(c, ((unsigned)cpl << 3) + 4, ev->ext);
    return c->r[R_SP];
}

static uint64_t gate64_offset(const uint64_t g[2])
{
    return (g[0] & 0xffff) | ((g[0] >> 32) & 0xffff0000ull) | (g[1] << 32);
}

/* SDM "64-Bit Mode Stack Frame": RSP is aligned to 16 bytes, then SS,
 * RSP, RFLAGS, CS, RIP (and the error code) are pushed as 8-byte items,
 * unconditionally. A non-canonical stack is #SS(EXT), a non-canonical
 * handler RIP #GP(EXT). On a privilege change SS becomes NULL with
 * RPL = new CPL ("Stack Switching in IA-32e Mode"). */
void intr_deliver_ia32e(struct cpu *c, const struct event *ev)
{
    uint64_t g[2];
    idt_gate64(c, ev, g);
    uint16_t sel = (uint16_t)(g[0] >> 16);
    uint64_t cd = intr_handler_desc(c, ev, sel);
    uint32_t ar = desc_ar(cd);
    int cpl = c->cpl;
    if (!ar_is_conforming_code(ar) && (int)AR_DPL(ar) < c->cpl)
        cpl = (int)AR_DPL(ar);
    struct stk st;
    stk_flat(&st, handler_rsp(c, ev, g[0], cpl) & ~0xfull, cpl, ev->ext);
    stk_room(c, &st, 5 + ev->has_error, 8);
    uint64_t rip = gate64_offset(g);
    if (!is_canonical(rip))
        cpu_gp(c, ev->ext);
    desc_set_accessed(c, sel, &cd);
    stk_push(c, &st, c->seg[S_SS].sel, 8);
    stk_push(c, &st, c->r[R_SP], 8);
    stk_push(c, &st, intr_pushed_rflags(c, ev), 8);
    stk_push(c, &st, c->seg[S_CS].sel, 8);
    stk_push(c, &st, ev->rip, 8);
    if (ev->has_error)
        stk_push(c, &st, ev->error, 8);
    if (cpl != c->cpl)
        seg_set_null_ss(&c->seg[S_SS], (uint16_t)cpl);
    c->r[R_SP] = st.sp;
    cs_load(c, sel, cd, cpl);
    intr_enter_flags(c, AR_TYPE(desc_ar(g[0])));
    c->rip = rip;
}
