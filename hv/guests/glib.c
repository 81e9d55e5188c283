/* Runtime of hv's built-in 64-bit guests: see glib.h. */
#include "glib.h"

volatile uint64_t try_recover, try_error;
volatile int try_vector = -1;
extern const uint64_t exc_stubs[32];

static uint64_t gidt[512] __attribute__((aligned(16)));

/* 64-bit interrupt gates for vectors 0-31 (SDM Vol. 3A, "64-Bit Mode
 * IDT"), code selector 0x08 of hv's initial GDT. */
void gidt_init(void)
{
    for (int v = 0; v < 32; v++) {
        uint64_t t = exc_stubs[v];
        gidt[2 * v] = (t & 0xffff) | (0x08ull << 16) | (0x8eull << 40) | ((t >> 16 & 0xffff) << 48);
        gidt[2 * v + 1] = t >> 32;
    }
    struct desc_ptr p = { sizeof gidt - 1, (uint64_t)gidt };
    lidt(&p);
}

static unsigned passed, failed;

void check(const char *name, bool ok, const char *fmt, ...)
{
    if (ok) {
        passed++;
        printf("PASS %s\n", name);
        return;
    }
    failed++;
    printf("FAIL %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

int check_summary(const char *who)
{
    printf("%s: %u passed, %u failed\n", who, passed, failed);
    return failed ? 1 : 0;
}

void fwcfg_read(uint16_t key, void *buf, unsigned n)
{
    outw(0x510, key);
    for (unsigned i = 0; i < n; i++)
        ((uint8_t *)buf)[i] = inb(0x511);
}

uint64_t fwcfg_ram_size(void)
{
    uint64_t v = 0;
    fwcfg_read(0x0003, &v, 8);
    return v;
}
