/* IDT with 256 64-bit gates. SDM Vol. 3A, "64-Bit Mode IDT" and
 * "Interrupt and Exception Handling". */
#include "kern.h"

uint64_t idt[512] __attribute__((aligned(16)));
static intr_handler_t handlers[256];
static uint16_t idt_limit = sizeof idt - 1;

static void make_gate(int v, uint64_t target, int type, int dpl, int ist, bool present)
{
    uint64_t lo = (target & 0xffff) | ((uint64_t)SEL_KCODE << 16);
    lo |= (uint64_t)(ist & 7) << 32;
    lo |= (uint64_t)(type & 0xf) << 40;
    lo |= (uint64_t)(dpl & 3) << 45;
    lo |= (uint64_t)(present ? 1 : 0) << 47;
    lo |= ((target >> 16) & 0xffff) << 48;
    idt[2 * v] = lo;
    idt[2 * v + 1] = target >> 32;
}

void set_gate(int v, int type, int dpl, int ist)
{
    make_gate(v, isr_stub_table[v], type, dpl, ist, true);
}

void set_gate_raw(int v, uint64_t lo, uint64_t hi) { idt[2 * v] = lo; idt[2 * v + 1] = hi; }
void get_gate_raw(int v, uint64_t *lo, uint64_t *hi) { *lo = idt[2 * v]; *hi = idt[2 * v + 1]; }

void set_gate_present(int v, bool present)
{
    if (present) idt[2 * v] |= 1ull << 47;
    else idt[2 * v] &= ~(1ull << 47);
}

void idt_reload(void)
{
    struct desc_ptr p = { idt_limit, (uint64_t)idt };
    lidt(&p);
}

void set_idt_limit(uint16_t limit)
{
    idt_limit = limit;
    idt_reload();
}

void set_handler(int vector, intr_handler_t h)
{
    handlers[vector & 0xff] = h;
}

void idt_init(void)
{
    for (int v = 0; v < 256; v++)
        set_gate(v, SYS_INTGATE, 0, v == EXC_DF ? 1 : 0);
    set_gate(USER_RET_VECTOR, SYS_INTGATE, 3, 0);
    idt_reload();
}

bool catch_exception(struct intr_frame *f);

static void unexpected(struct intr_frame *f)
{
    printf("FAIL unexpected exception: vector %lu error 0x%lx at RIP 0x%lx",
           f->vector, f->error, f->rip);
    printf(" (CS %lx RSP %lx RFLAGS %lx", f->cs, f->rsp, f->rflags);
    if (f->vector == EXC_PF)
        printf(" CR2 %lx", read_cr2());
    printf(")\n");
    kexit(1);
}

void intr_dispatch(struct intr_frame *f)
{
    intr_handler_t h = handlers[f->vector & 0xff];
    if (h)
        h(f);
    else if (!catch_exception(f))
        unexpected(f);
}
