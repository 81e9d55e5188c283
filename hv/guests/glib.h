/* The little runtime of hv's built-in 64-bit guests: kern's printf (its
 * serial driver talks to the VM's virtual COM1), hypercalls, an IDT that
 * catches exceptions under TRY, and one-line checks. */
#ifndef HV_GUEST_GLIB_H
#define HV_GUEST_GLIB_H

#include "kern.h"
#include "../hypercall.h"

int gmain(uint64_t arg);

static inline int64_t hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t *rbx_out)
{
    uint64_t rax = nr, rbx = a1;
    asm volatile("vmcall" : "+a"(rax), "+b"(rbx) : "c"(a2) : "memory");
    if (rbx_out)
        *rbx_out = rbx;
    return (int64_t)rax;
}
static inline int64_t hc_print(const void *s, uint64_t n) { return hypercall(HC_PRINT, (uint64_t)s, n, NULL); }
static inline int64_t hc_get_id(uint64_t *nvms) { return hypercall(HC_GET_ID, 0, 0, nvms); }
static inline int64_t hc_yield(void) { return hypercall(HC_YIELD, 0, 0, NULL); }
static inline void hc_exit(uint64_t status) { hypercall(HC_EXIT, status, 0, NULL); for (;;) asm volatile("hlt"); }

/* Run one instruction (or a short sequence) with exceptions caught:
 * afterwards try_vector is -1 or the vector that was raised. */
extern volatile uint64_t try_recover, try_error;
extern volatile int try_vector;
#define TRY(insns) \
    "movl $-1, try_vector(%%rip)\n\t" \
    "movq $1f, try_recover(%%rip)\n\t" \
    insns "\n" \
    "1:\tmovq $0, try_recover(%%rip)\n\t"

void gidt_init(void);
/* One check line: "PASS name" or "FAIL name: why"; check_summary() prints
 * the counts and returns the number of failures. */
void check(const char *name, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int check_summary(const char *who);

/* fw_cfg (QEMU's interface, as hv provides it). */
void fwcfg_read(uint16_t key, void *buf, unsigned n);
uint64_t fwcfg_ram_size(void);

#endif
