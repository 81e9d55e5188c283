/* Paging: accessed/dirty bits, page-fault error codes, CR2, WP, NX, SMEP,
 * SMAP, INVLPG, global pages, 2-MiB pages. SDM Vol. 3A, "Paging":
 * "Accessed and Dirty Flags", "Page-Fault Exceptions", "Access Rights",
 * "Invalidation of TLBs and Paging-Structure Caches". */
#include "kern.h"

#define VA_4K   0x8000000000ull     /* PML4 index 1: fresh tables from map_page */
#define VA_2M   0x8040000000ull     /* a 2-MiB mapping made by hand */
#define FRAME_A 0x00800000ull       /* test frames in RAM (8 MiB and up) */
#define FRAME_B 0x00801000ull
#define FRAME_C 0x00802000ull
#define CODE_FRAME 0x00803000ull

static uint64_t maxphyaddr(void)
{
    if (cpuid(0x80000000, 0).a >= 0x80000008)
        return cpuid(0x80000008, 0).a & 0xff;
    return 36;
}

USER_FN(u_read, ".globl u_read_i\nu_read_i: movq (%rdi), %rax");
USER_FN(u_write, ".globl u_write_i\nu_write_i: movq %rsi, (%rdi)");
extern char u_read_i[], u_write_i[];

static void kread(uint64_t va)
{
    asm volatile(ASM_TRY_INSN("movq (%0), %%rax") :: "r"(va) : "rax", "memory");
}
static void kwrite(uint64_t va)
{
    asm volatile(ASM_TRY_INSN("movq %%rax, (%0)") :: "r"(va), "a"(0x1234) : "memory");
}
static void kexec(uint64_t va)
{
    asm volatile(ASM_TRY_INSN("call *%0") :: "r"(va) : "memory");
}

static void expect_pf(const char *name, uint64_t err, uint64_t cr2, uint64_t rip)
{
    bool ok = caught.vector == EXC_PF && caught.error == err && caught.rip == rip && caught.cr2 == cr2;
    /* QEMU 7.2 leaves P clear on reserved-bit faults (KNOWN-DIFFERENCES.md). */
    void (*rep)(bool, const char *, const char *, ...) = (err & PFEC_RSVD) ? report_qemu_differs : reportf;
    rep(ok, name, "got vector %d error 0x%lx RIP 0x%lx CR2 0x%lx; want #PF error 0x%lx RIP 0x%lx CR2 0x%lx",
        caught.vector, caught.error, caught.rip, caught.cr2, err, rip, cr2);
}

static void test_ad_bits(void)
{
    /* "Accessed and Dirty Flags": A is set in every paging-structure entry
     * used for translation, D only in the entry that maps the page. */
    *(volatile uint64_t *)FRAME_A = 0xa;
    map_page(VA_4K, FRAME_A, PTE_P | PTE_W);
    volatile uint64_t *e4 = walk_entry(VA_4K, 4), *e3 = walk_entry(VA_4K, 3);
    volatile uint64_t *e2 = walk_entry(VA_4K, 2), *e1 = walk_entry(VA_4K, 1);
    *e4 &= ~PTE_A; *e3 &= ~PTE_A; *e2 &= ~PTE_A; *e1 &= ~(PTE_A | PTE_D);
    flush_tlb();
    uint64_t v = *(volatile uint64_t *)VA_4K;
    report("read-through-new-mapping", v == 0xa);
    reportf(*e4 & PTE_A, "pml4e-accessed", "PML4E 0x%lx", *e4);
    reportf(*e3 & PTE_A, "pdpte-accessed", "PDPTE 0x%lx", *e3);
    reportf(*e2 & PTE_A, "pde-accessed", "PDE 0x%lx", *e2);
    reportf(*e1 & PTE_A, "pte-accessed", "PTE 0x%lx", *e1);
    reportf(!(*e1 & PTE_D), "pte-not-dirty-after-read", "PTE 0x%lx", *e1);
    *(volatile uint64_t *)VA_4K = 0xb;
    reportf(*e1 & PTE_D, "pte-dirty-after-write", "PTE 0x%lx", *e1);
    reportf(*(volatile uint64_t *)FRAME_A == 0xb, "write-reaches-frame", "0x%lx", *(volatile uint64_t *)FRAME_A);

    /* A 2-MiB page: A and D in the PDE. */
    volatile uint64_t *pde = &pd[FRAME_A >> 21];          /* identity PDE for 8 MiB..10 MiB */
    int lvl;
    if (!pte_lookup(0x1000000, false, &lvl) || lvl != 2) {
        report_skip("pde-2m-accessed", "16 MiB not mapped by a 2-MiB page");
        return;
    }
    (void)pde;
    volatile uint64_t *big = &pd[0x1000000 >> 21];
    *big &= ~(PTE_A | PTE_D);
    invlpg((void *)0x1000000);
    v = *(volatile uint64_t *)0x1000000;
    reportf((*big & PTE_A) && !(*big & PTE_D), "pde-2m-accessed-not-dirty", "PDE 0x%lx", *big);
    *(volatile uint64_t *)0x1000000 = v;
    reportf(*big & PTE_D, "pde-2m-dirty-after-write", "PDE 0x%lx", *big);
}

static void test_error_codes(void)
{
    /* "Page-Fault Error Code": P, W/R, U/S, RSVD, I/D. */
    volatile uint64_t *pte = walk_entry(VA_4K, 1);
    *pte = FRAME_A | PTE_W;                          /* not present */
    invlpg((void *)VA_4K);
    kread(VA_4K + 8);
    expect_pf("pf-read-not-present", 0, VA_4K + 8, try_start);
    kwrite(VA_4K + 16);
    expect_pf("pf-write-not-present", PFEC_W, VA_4K + 16, try_start);
    run_user_regs(u_read, 0, VA_4K + 24, 0);
    expect_pf("pf-user-read-not-present", PFEC_U, VA_4K + 24, (uint64_t)u_read_i);

    *pte = FRAME_A | PTE_P;                          /* supervisor, read-only */
    invlpg((void *)VA_4K);
    run_user_regs(u_read, 0, VA_4K, 0);
    expect_pf("pf-user-read-supervisor-page", PFEC_P | PFEC_U, VA_4K, (uint64_t)u_read_i);
    kwrite(VA_4K);
    expect_pf("pf-wp1-supervisor-write-readonly", PFEC_P | PFEC_W, VA_4K, try_start);
    write_cr0(read_cr0() & ~CR0_WP);
    kwrite(VA_4K);
    reportf(caught.vector == -1, "wp0-supervisor-write-readonly-allowed", "vector %d", caught.vector);
    write_cr0(read_cr0() | CR0_WP);
    /* WP applies to translations already cached: no INVLPG between. */
    kwrite(VA_4K);
    expect_pf("pf-wp-set-again-applies-without-invlpg", PFEC_P | PFEC_W, VA_4K, try_start);

    *pte = FRAME_A | PTE_P | PTE_U;                  /* user, read-only */
    invlpg((void *)VA_4K);
    int v = run_user_regs(u_read, 0, VA_4K, 0);
    reportf(v == USER_RET_VECTOR && caught.frame.rax == 0x1234, "user-read-user-page",
            "vector %d value 0x%lx", v, caught.frame.rax);
    run_user_regs(u_write, 0, VA_4K, 5);
    expect_pf("pf-user-write-readonly", PFEC_P | PFEC_W | PFEC_U, VA_4K, (uint64_t)u_write_i);
    /* U/S and R/W combine across levels: the PDE decides too. */
    *pte = FRAME_A | PTE_P | PTE_W | PTE_U;
    volatile uint64_t *pde = walk_entry(VA_4K, 2);
    *pde &= ~PTE_U;
    flush_tlb();
    run_user_regs(u_read, 0, VA_4K, 0);
    expect_pf("pf-user-read-pde-supervisor", PFEC_P | PFEC_U, VA_4K, (uint64_t)u_read_i);
    *pde |= PTE_U;
    *pde &= ~PTE_W;
    flush_tlb();
    run_user_regs(u_write, 0, VA_4K, 5);
    expect_pf("pf-user-write-pde-readonly", PFEC_P | PFEC_W | PFEC_U, VA_4K, (uint64_t)u_write_i);
    kwrite(VA_4K);
    expect_pf("pf-wp1-supervisor-write-pde-readonly", PFEC_P | PFEC_W, VA_4K, try_start);
    *pde |= PTE_W;
    flush_tlb();
    v = run_user_regs(u_write, 0, VA_4K, 5);
    reportf(v == USER_RET_VECTOR && *(volatile uint64_t *)FRAME_A == 5, "user-write-user-page", "vector %d", v);

    /* Reserved bits: a physical-address bit at or above MAXPHYADDR. */
    uint64_t mpa = maxphyaddr();
    if (mpa < 52) {
        *pte = FRAME_A | PTE_P | PTE_W | (1ull << mpa);
        invlpg((void *)VA_4K);
        kread(VA_4K);
        expect_pf("pf-rsvd-pte-read", PFEC_P | PFEC_RSVD, VA_4K, try_start);
        kwrite(VA_4K);
        expect_pf("pf-rsvd-pte-write", PFEC_P | PFEC_W | PFEC_RSVD, VA_4K, try_start);
        *pte = FRAME_A | PTE_P | PTE_W;
        *pde |= 1ull << mpa;
        flush_tlb();
        kread(VA_4K);
        expect_pf("pf-rsvd-pde-read", PFEC_P | PFEC_RSVD, VA_4K, try_start);
        *pde &= ~(1ull << mpa);
        flush_tlb();
    } else {
        report_skip("pf-rsvd", "MAXPHYADDR is 52");
    }
    /* PS=1 in a PML4E is reserved. */
    volatile uint64_t *e4 = walk_entry(VA_4K, 4);
    *e4 |= PTE_PS;
    flush_tlb();
    kread(VA_4K);
    expect_pf("pf-rsvd-pml4e-ps", PFEC_P | PFEC_RSVD, VA_4K, try_start);
    *e4 &= ~PTE_PS;
    /* 2-MiB page with a reserved bit in 20:13. */
    *pte = FRAME_A | PTE_P | PTE_W;
    flush_tlb();
}

static void test_nx(void)
{
    if (!(rdmsr(MSR_IA32_EFER) & EFER_NXE)) {
        report_skip("nx", "EFER.NXE is 0 (no NX)");
        return;
    }
    *(volatile uint8_t *)CODE_FRAME = 0xc3;          /* RET */
    map_page(VA_4K + 0x1000, CODE_FRAME, PTE_P | PTE_W);
    kexec(VA_4K + 0x1000);
    reportf(caught.vector == -1, "exec-page-without-nx", "vector %d", caught.vector);
    volatile uint64_t *pte = walk_entry(VA_4K + 0x1000, 1);
    *pte |= PTE_NX;
    invlpg((void *)(VA_4K + 0x1000));
    kexec(VA_4K + 0x1000);
    expect_pf("pf-fetch-nx-page", PFEC_P | PFEC_I, VA_4K + 0x1000, VA_4K + 0x1000);
    kread(VA_4K + 0x1000);
    reportf(caught.vector == -1, "read-nx-page-allowed", "vector %d", caught.vector);
    *pte &= ~PTE_NX;
    volatile uint64_t *pde = walk_entry(VA_4K, 2);
    *pde |= PTE_NX;
    flush_tlb();
    kexec(VA_4K + 0x1000);
    expect_pf("pf-fetch-nx-pde", PFEC_P | PFEC_I, VA_4K + 0x1000, VA_4K + 0x1000);
    *pde &= ~PTE_NX;
    *pte &= ~PTE_P;
    flush_tlb();
    kexec(VA_4K + 0x1000);
    expect_pf("pf-fetch-not-present", PFEC_I, VA_4K + 0x1000, VA_4K + 0x1000);
    *pte |= PTE_P;
    invlpg((void *)(VA_4K + 0x1000));
    /* NX with EFER.NXE=0 is a reserved bit. */
    *pte |= PTE_NX;
    wrmsr(MSR_IA32_EFER, rdmsr(MSR_IA32_EFER) & ~EFER_NXE);
    flush_tlb();
    kread(VA_4K + 0x1000);
    expect_pf("pf-rsvd-nx-without-nxe", PFEC_P | PFEC_RSVD, VA_4K + 0x1000, try_start);
    wrmsr(MSR_IA32_EFER, rdmsr(MSR_IA32_EFER) | EFER_NXE);
    *pte &= ~PTE_NX;
    flush_tlb();
}

static void test_smep_smap(void)
{
    *(volatile uint8_t *)CODE_FRAME = 0xc3;
    volatile uint64_t *pte = walk_entry(VA_4K + 0x1000, 1);
    *pte = CODE_FRAME | PTE_P | PTE_W | PTE_U;
    invlpg((void *)(VA_4K + 0x1000));
    if (cpu_has(7, 0, 1, CPUID_7_EBX_SMEP)) {
        /* "SMEP": supervisor fetch from a user page faults (P|I/D). */
        kexec(VA_4K + 0x1000);
        reportf(caught.vector == -1, "smep-off-exec-user-page", "vector %d", caught.vector);
        write_cr4(read_cr4() | CR4_SMEP);
        kexec(VA_4K + 0x1000);
        expect_pf("smep-exec-user-page", PFEC_P | PFEC_I, VA_4K + 0x1000, VA_4K + 0x1000);
        kread(VA_4K + 0x1000);
        reportf(caught.vector == -1, "smep-read-user-page-allowed", "vector %d", caught.vector);
        write_cr4(read_cr4() & ~CR4_SMEP);
    } else {
        report_skip("smep", "CPUID.7:EBX.SMEP is 0");
    }
    if (cpu_has(7, 0, 1, CPUID_7_EBX_SMAP)) {
        /* "SMAP": supervisor data access to a user page faults unless
         * EFLAGS.AC=1 (STAC/CLAC). */
        write_cr4(read_cr4() | CR4_SMAP);
        clac();
        kread(VA_4K + 0x1000);
        expect_pf("smap-read-user-page-ac0", PFEC_P, VA_4K + 0x1000, try_start);
        kwrite(VA_4K + 0x1008);
        expect_pf("smap-write-user-page-ac0", PFEC_P | PFEC_W, VA_4K + 0x1008, try_start);
        stac();
        kread(VA_4K + 0x1000);
        reportf(caught.vector == -1, "smap-read-user-page-stac", "vector %d", caught.vector);
        kwrite(VA_4K + 0x1008);
        reportf(caught.vector == -1, "smap-write-user-page-stac", "vector %d", caught.vector);
        clac();
        report("clac-clears-ac", !(read_rflags() & RFLAGS_AC));
        kread(VA_4K + 0x1000);
        expect_pf("smap-read-after-clac", PFEC_P, VA_4K + 0x1000, try_start);
        write_cr4(read_cr4() & ~CR4_SMAP);
        kread(VA_4K + 0x1000);
        reportf(caught.vector == -1, "smap-off-read-user-page", "vector %d", caught.vector);
    } else {
        report_skip("smap", "CPUID.7:EBX.SMAP is 0");
    }
    *pte = CODE_FRAME | PTE_P | PTE_W;
    invlpg((void *)(VA_4K + 0x1000));
}

static void test_tlb(void)
{
    /* "INVLPG": after changing a PTE, INVLPG makes the new one used. */
    *(volatile uint64_t *)FRAME_B = 0xbbbb;
    *(volatile uint64_t *)FRAME_C = 0xcccc;
    uint64_t va = VA_4K + 0x2000;
    map_page(va, FRAME_B, PTE_P | PTE_W);
    uint64_t v1 = *(volatile uint64_t *)va;
    *walk_entry(va, 1) = FRAME_C | PTE_P | PTE_W;
    invlpg((void *)va);
    uint64_t v2 = *(volatile uint64_t *)va;
    reportf(v1 == 0xbbbb && v2 == 0xcccc, "invlpg-new-translation", "0x%lx then 0x%lx", v1, v2);
    *walk_entry(va, 1) = 0;
    invlpg((void *)va);
    kread(va);
    expect_pf("invlpg-unmapped-faults", 0, va, try_start);
    /* Global pages: INVLPG and CR4.PGE toggling flush them too. */
    if (!cpu_has(1, 0, 3, CPUID_1_EDX_PGE)) {
        report_skip("global-pages", "CPUID.1:EDX.PGE is 0");
        return;
    }
    write_cr4(read_cr4() | CR4_PGE);
    *walk_entry(va, 1) = FRAME_B | PTE_P | PTE_W | PTE_G;
    invlpg((void *)va);
    v1 = *(volatile uint64_t *)va;
    *walk_entry(va, 1) = FRAME_C | PTE_P | PTE_W | PTE_G;
    invlpg((void *)va);
    v2 = *(volatile uint64_t *)va;
    reportf(v1 == 0xbbbb && v2 == 0xcccc, "invlpg-flushes-global", "0x%lx then 0x%lx", v1, v2);
    *walk_entry(va, 1) = FRAME_B | PTE_P | PTE_W | PTE_G;
    write_cr4(read_cr4() & ~CR4_PGE);
    write_cr4(read_cr4() | CR4_PGE);
    v1 = *(volatile uint64_t *)va;
    reportf(v1 == 0xbbbb, "cr4-pge-toggle-flushes-global", "0x%lx", v1);
    *walk_entry(va, 1) = FRAME_C | PTE_P | PTE_W | PTE_G;
    write_cr3(read_cr3());
    v2 = *(volatile uint64_t *)va;
    /* A MOV to CR3 need not flush global entries; either value is allowed. */
    reportf(v2 == 0xbbbb || v2 == 0xcccc, "cr3-write-global-either", "0x%lx", v2);
    write_cr4(read_cr4() & ~CR4_PGE);
    v2 = *(volatile uint64_t *)va;
    reportf(v2 == 0xcccc, "cr4-pge-clear-flushes", "0x%lx", v2);
}

static void test_2m(void)
{
    /* A 2-MiB page at VA_2M -> 16 MiB, made by hand (PS=1 in a PDE). */
    map_page(VA_2M + 0x200000, FRAME_A, PTE_P | PTE_W);       /* creates the PD */
    volatile uint64_t *pde = walk_entry(VA_2M, 2);
    *pde = 0x1000000 | PTE_P | PTE_W | PTE_PS;
    flush_tlb();
    *(volatile uint64_t *)(0x1000000 + 0x12348) = 0x2222;
    uint64_t v = *(volatile uint64_t *)(VA_2M + 0x12348);
    reportf(v == 0x2222, "2m-page-translation", "0x%lx", v);
    v = *(volatile uint64_t *)(VA_2M + 0x1ffff8);
    reportf(v == *(volatile uint64_t *)(0x1000000 + 0x1ffff8), "2m-page-last-qword", "0x%lx", v);
    /* Bits 20:13 of a 2-MiB PDE are reserved. */
    *pde |= 1ull << 13;
    flush_tlb();
    kread(VA_2M + 0x100);
    expect_pf("pf-rsvd-2m-pde-bit13", PFEC_P | PFEC_RSVD, VA_2M + 0x100, try_start);
    *pde &= ~(1ull << 13);
    *pde &= ~PTE_W;
    flush_tlb();
    kwrite(VA_2M + 0x100);
    expect_pf("pf-2m-readonly-write", PFEC_P | PFEC_W, VA_2M + 0x100, try_start);
    *pde = 0;
    flush_tlb();
    kread(VA_2M + 0x1000);
    expect_pf("pf-2m-not-present", 0, VA_2M + 0x1000, try_start);
    /* 1-GiB pages where CPUID says so. */
    if (cpu_has(0x80000001, 0, 3, CPUID_80000001_EDX_PAGE1GB)) {
        volatile uint64_t *pdpte = walk_entry(VA_2M, 3);
        uint64_t save = *pdpte;
        *pdpte = 0 | PTE_P | PTE_W | PTE_PS;                  /* -> physical 0 */
        flush_tlb();
        v = *(volatile uint64_t *)(VA_2M + 0x1000000 + 0x12348);
        reportf(v == 0x2222, "1g-page-translation", "0x%lx", v);
        *pdpte = save;
        flush_tlb();
    } else {
        report_skip("1g-page", "CPUID.80000001H:EDX.Page1GB is 0");
    }
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    test_ad_bits();
    test_error_codes();
    test_nx();
    test_smep_smap();
    test_tlb();
    test_2m();
    return report_summary();
}
