/* Template family "seg": segment-register loads and selector checks at
 * CPL 3 against Linux's GDT (the vtx runner builds the same one): MOV DS/ES
 * /SS from a register or memory, read back with MOV r, Sreg; LAR, LSL, VERR,
 * VERW. Selectors: null (any RPL), user data 0x2b and user code 0x33 (with
 * other RPLs), kernel 0x08/0x10/0x18 (DPL 0), the TSS 0x40, empty entries,
 * beyond the GDT limit (0x7f), TI = 1 with no LDT.
 *
 * Not generated: FS and GS loads (natively FS holds the worker's TLS),
 * selector 0x23 (USER32_CS: present or not depending on the kernel's IA-32
 * emulation) and 0x78-0x7f (CPUNODE: its limit encodes the CPU number).
 * LAR r32/r64 leaves bits 19:16 undefined (SDM "LAR": "AND 00FxFF00H"),
 * so they are cleared before the compare (after saving ZF with SETZ). */
#include <stdio.h>
#include <string.h>

#include "tpl.h"

static const uint16_t selectors[] = {
    0x0000, 0x0003, 0x002b, 0x0028, 0x0029, 0x002a, 0x0033, 0x0030, 0x0008, 0x0010, 0x0013,
    0x0018, 0x001b, 0x0038, 0x0040, 0x0043, 0x0048, 0x0050, 0x0060, 0x0080, 0x00fb, 0xfff8,
    0x0004, 0x002f,
};

static bool bytes(struct t *t, const char *text, const uint8_t *b, int n)
{
    struct ginsn g;
    ginsn_init(&g, MN_NOP);
    memcpy(g.b, b, (size_t)n);
    g.n = n;
    snprintf(g.text, sizeof g.text, "%s", text);
    return t_add(t, &g);
}

#define B(t, text, ...) bytes(t, text, (const uint8_t[]){ __VA_ARGS__ }, \
                              (int)sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* setz bl ; and eax, 0xfff0ffff (clears LAR's undefined bits 19:16; AND
 * leaves AF undefined). */
static bool lar_fixup(struct t *t, bool w)
{
    struct ginsn g;
    if (!B(t, "setz bl", 0x0f, 0x94, 0xc3))
        return false;
    if (!b_alu(&g, MN_AND, w ? 8 : 4, AF_A_I, op_reg(0), op_reg(0), 0xfff0ffff, false))
        return false;
    return t_add(t, &g);
}

static bool seg_one(struct t *t, unsigned cell)
{
    struct rng *r = t->r;
    struct dcase *c = t->c;
    uint16_t sel = selectors[rng_below(r, sizeof selectors / sizeof selectors[0])];
    c->init.r[1] = (rng_next(r) & ~0xffffull) | sel;      /* rcx = selector */
    c->init.r[0] = pool_value(r, 8);
    c->init.r[3] = pool_value(r, 8);
    t->used = 0xffff;
    switch (cell % 12) {
    case 0: return B(t, "mov ds, cx", 0x8e, 0xd9) && B(t, "mov eax, ds", 0x8c, 0xd8);
    case 1: return B(t, "mov es, cx", 0x8e, 0xc1) && B(t, "mov eax, es", 0x8c, 0xc0);
    case 2: return B(t, "mov ss, cx", 0x8e, 0xd1) && B(t, "mov eax, ss", 0x8c, 0xd0);
    case 3: {
        uint64_t a = t_addr(t, 2, 0, true);
        case_poke(c, a, sel, 2);
        c->init.r[6] = a;
        return B(t, "mov ds, word [rsi]", 0x8e, 0x1e) && B(t, "mov ax, ds", 0x66, 0x8c, 0xd8);
    }
    case 4: return B(t, "lar eax, cx", 0x0f, 0x02, 0xc1) && lar_fixup(t, false);
    case 5: return B(t, "lar rax, rcx", 0x48, 0x0f, 0x02, 0xc1) && lar_fixup(t, true);
    case 6: return B(t, "lar ax, cx", 0x66, 0x0f, 0x02, 0xc1) && B(t, "setz bl", 0x0f, 0x94, 0xc3);
    case 7: return B(t, "lsl eax, ecx", 0x0f, 0x03, 0xc1) && B(t, "setz bl", 0x0f, 0x94, 0xc3);
    case 8: return B(t, "lsl rax, rcx", 0x48, 0x0f, 0x03, 0xc1) && B(t, "setz bl", 0x0f, 0x94, 0xc3);
    case 9: return B(t, "verr cx", 0x0f, 0x00, 0xe1) && B(t, "setz bl", 0x0f, 0x94, 0xc3);
    case 10: return B(t, "verw cx", 0x0f, 0x00, 0xe9) && B(t, "setz bl", 0x0f, 0x94, 0xc3);
    default: {
        uint64_t a = t_addr(t, 2, 0, true);
        case_poke(c, a, sel, 2);
        c->init.r[6] = a;
        return B(t, "lsl eax, word [rsi]", 0x0f, 0x03, 0x06) && B(t, "setz bl", 0x0f, 0x94, 0xc3);
    }
    }
}

void fam_seg(struct dcase *c, struct rng *r, uint64_t i, uint32_t feat)
{
    (void)feat;
    struct t t;
    for (int tries = 0;; tries++) {
        t_begin(&t, c, r, "seg");
        if (seg_one(&t, (unsigned)i) || tries > 200)
            break;
    }
    /* AND after LAR: AF undefined. */
    case_finish(c);
}
