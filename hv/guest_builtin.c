/* hv's built-in demo guests (hv/guests/), embedded in hv's image by
 * guest_images.S:
 *   primes    64-bit: computes and prints primes, exits through port F4H
 *   realmode  16-bit real mode under unrestricted guest: prints through
 *             port I/O, uses its own IVT, exits through port F4H
 *   probe     64-bit: CPUID (filtered, hv's leaf), RDTSC, MSRs, fw_cfg and
 *             every hypercall; exits with HC_EXIT
 *   hostile   64-bit: tries to escape (VMX instructions, hv's and the
 *             machine's I/O ports and MSRs, hypercall floods, memory outside
 *             its EPT); hv must stop it with an EPT violation
 *   bench     64-bit: N CPUID exits for `make bench` (bench=N)
 * and three that end badly on purpose, not in "all" (32-bit, crash.S):
 *   tswitch   a task switch, an exit hv has no handler for: VMCS dump
 *   triple    a triple fault
 *   halt      CLI; HLT
 * Each gets BUILTIN_RAM of RAM and starts with its argument in RDI. */
#include "hv.h"
#include "guest_layout.h"

#define IMAGE(n) extern const uint8_t guest_##n##_start[], guest_##n##_end[]
IMAGE(primes); IMAGE(realmode); IMAGE(probe); IMAGE(hostile); IMAGE(bench); IMAGE(crash);

enum builtin_mode { MODE_LONG64, MODE_PROT32, MODE_REAL };

struct builtin {
    const char *name;
    const uint8_t *start, *end;
    enum builtin_mode mode;
    enum vm_expect expect;
    uint64_t arg;
    bool in_all;                        /* part of demos=all */
};

#define B(n, img, mode, expect, arg, all) { #n, guest_##img##_start, guest_##img##_end, mode, expect, arg, all }
static const struct builtin demos[] = {
    B(primes, primes, MODE_LONG64, EXPECT_EXIT, 0, true),
    B(realmode, realmode, MODE_REAL, EXPECT_EXIT, 0, true),
    B(probe, probe, MODE_LONG64, EXPECT_EXIT, 0, true),
    B(hostile, hostile, MODE_LONG64, EXPECT_EPT, 0, true),
    B(tswitch, crash, MODE_PROT32, EXPECT_UNEXPECTED, 1, false),
    B(triple, crash, MODE_PROT32, EXPECT_TRIPLE, 2, false),
    B(halt, crash, MODE_PROT32, EXPECT_HALT, 3, false),
};
static const struct builtin bench = B(bench, bench, MODE_LONG64, EXPECT_EXIT, 0, false);

static void builtin_create(const struct builtin *b, uint64_t arg)
{
    struct vm *vm = vm_new(b->name, BUILTIN_RAM);
    if (!vm)
        return;
    vm->expect = b->expect;
    uint64_t entry = 0;
    bool ok = elf_load(vm, b->start, (uint64_t)(b->end - b->start), &entry) && vmcs_setup(vm);
    if (ok && b->mode == MODE_LONG64) {
        struct guest_start s = { .rip = entry, .rsp = G64_STACK_TOP, .rdi = arg };
        ok = guest_state_long64(vm, &s);
    } else if (ok && b->mode == MODE_PROT32) {
        struct guest_start s = { .rip = entry, .rsp = REAL_STACK_TOP, .rdi = arg };
        ok = guest_state_prot32(vm, &s);
    } else if (ok) {
        struct guest_start s = { .rip = entry, .rsp = REAL_STACK_TOP, .rdi = arg };
        ok = guest_state_real(vm, &s);
    }
    if (!ok) {
        vm_end(vm, END_LOAD_FAILED, 0, "built-in guest could not be started (see above)");
        return;
    }
    static const char *const modes[] = { "64-bit", "32-bit protected-mode", "real-mode" };
    printf("hv: %s: built-in %s guest, entry 0x%lx, %lu MiB of RAM\n", vm->name,
           modes[b->mode], entry, vm->ram_size >> 20);
}

void builtin_guests_create(void)
{
    bool all = word_in_list(opt.demos, "all");
    for (unsigned i = 0; i < sizeof demos / sizeof demos[0]; i++)
        if ((all && demos[i].in_all) || word_in_list(opt.demos, demos[i].name))
            builtin_create(&demos[i], demos[i].arg);
    if (opt.bench)
        builtin_create(&bench, opt.bench);
}
