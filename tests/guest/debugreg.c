/* Hardware breakpoints: DR0–DR3 armed through DR7 — SDM Vol. 3B "Debug
 * Registers" and "Debug Exception Conditions". Instruction breakpoints are
 * faults before the instruction (RF = 1 suppresses one, and is not set in
 * the frame the #DB pushes); data breakpoints are traps after the access,
 * on writes (R/W = 01) or reads and writes (11), over an address aligned
 * down to LEN (1, 2, 4 or 8 bytes); a repeated string instruction traps
 * after the iteration that hit, RF = 1 in the frame; a breakpoint and a
 * single step are reported in one #DB; I/O breakpoints (R/W = 10) need
 * CR4.DE; DR7.GD makes any MOV DR a #DB fault with DR6.BD. DR6 B0–B3 name
 * the breakpoints that caused the #DB. */
#include "kern.h"
#include "x86/cr.h"

#define SET_DR(n, v) asm volatile("mov %0, %%dr" #n :: "r"((uint64_t)(v)))
#define GET_DR(n) ({ uint64_t v_; asm volatile("mov %%dr" #n ", %0" : "=r"(v_)); v_; })

/* DR7 for breakpoint n: local enable, R/W and LEN fields. */
#define RW_X 0u
#define RW_W 1u
#define RW_IO 2u
#define RW_RW 3u
#define LEN1 0u
#define LEN2 1u
#define LEN8 2u
#define LEN4 3u
static uint64_t dr7_for(int n, unsigned rw, unsigned len)
{
    return (1ull << (2 * n)) | ((uint64_t)rw << (16 + 4 * n)) | ((uint64_t)len << (18 + 4 * n));
}

static volatile uint64_t watched[4] __attribute__((aligned(64)));
static volatile uint8_t buf[32] __attribute__((aligned(64)));

static void clear_all(void)
{
    SET_DR(7, 0);
    SET_DR(0, 0);
    SET_DR(1, 0);
    SET_DR(2, 0);
    SET_DR(3, 0);
    write_dr6(0);
}

static void expect_db(const char *name, uint64_t rip, uint64_t b_bits)
{
    uint64_t dr6 = read_dr6();
    reportf(caught.vector == EXC_DB && caught.rip == rip && (dr6 & 0xf) == b_bits, name,
            "vector %d at 0x%lx (want 1 at 0x%lx), DR6 0x%lx (want B0-B3 = %lx)", caught.vector,
            caught.rip, rip, dr6, b_bits);
}

static void expect_none(const char *name)
{
    reportf(caught.vector == -1, name, "vector %d at 0x%lx", caught.vector, caught.rip);
}

static void instruction_breakpoints(void)
{
    clear_all();
    asm volatile("lea 2f(%%rip), %%rax\n\tmov %%rax, %%dr0\n\t"
                 "mov %0, %%rax\n\tmov %%rax, %%dr7\n\t"
                 ASM_TRY_INSN("nop")
                 :: "r"(dr7_for(0, RW_X, LEN1)) : "rax", "memory");
    expect_db("exec-bp-fault-before-insn", try_start, 1);
    report("exec-bp-frame-rf-clear", !(caught.rflags & RFLAGS_RF));

    /* IRETQ to the breakpoint with RF = 1: it runs once without #DB;
     * the jump back to it, with RF cleared, faults. */
    write_dr6(0);
    uint64_t passes = 0, at;
    asm volatile("lea 5f(%%rip), %1\n\t"
                 "mov %1, %%dr0\n\t"
                 ASM_TRY("1f")
                 "mov %%ss, %%eax\n\tpush %%rax\n\tlea 8(%%rsp), %%rax\n\tpush %%rax\n\t"
                 "pushfq\n\torq $0x10000, (%%rsp)\n\t"
                 "mov %%cs, %%eax\n\tpush %%rax\n\tpush %1\n\tiretq\n"
                 "5:\tnop\n\t"
                 "inc %0\n\tcmp $2, %0\n\tjb 5b\n\t"
                 "movq $0, catch_recover_rip(%%rip)\n1:"
                 : "+c"(passes), "=&r"(at) :: "rax", "memory");
    expect_db("exec-bp-rf-suppresses-once", at, 1);
    reportf(passes == 1, "exec-bp-rf-ran-once", "%lu passes", passes);
    clear_all();
    asm volatile(ASM_TRY_INSN("nop") ::: "memory");
    expect_none("exec-bp-disarmed");
}

static void data_breakpoints(void)
{
    clear_all();
    SET_DR(1, &watched[1]);
    SET_DR(7, dr7_for(1, RW_W, LEN4));
    asm volatile(ASM_TRY_INSN("movl $5, %0") : "=m"(watched[1]) :: "memory");
    expect_db("data-write-trap-after", try_end, 2);
    report("data-write-done", watched[1] == 5);
    uint32_t v;
    asm volatile(ASM_TRY_INSN("movl %1, %0") : "=r"(v) : "m"(watched[1]) : "memory");
    expect_none("data-write-bp-ignores-reads");
    asm volatile(ASM_TRY_INSN("movl $6, %0") : "=m"(watched[1]) :: "memory");
    expect_db("data-write-again", try_end, 2);
    asm volatile(ASM_TRY_INSN("movl $7, %0") : "=m"(watched[2]) :: "memory");
    expect_none("data-write-beside-no-trap");
    asm volatile(ASM_TRY_INSN("movl $7, 4+%0") : "=m"(watched[1]) :: "memory");
    expect_none("data-write-after-4-bytes-no-trap");
    /* An 8-byte write that covers the watched bytes from below. */
    write_dr6(0);
    asm volatile(ASM_TRY_INSN("movq $0, -4+%0") : "=m"(watched[1]) :: "memory");
    expect_db("data-write-overlap-from-below", try_end, 2);
    /* Read/write breakpoint, LEN 2: either byte. */
    write_dr6(0);
    SET_DR(1, &watched[1]);
    SET_DR(7, dr7_for(1, RW_RW, LEN2));
    uint8_t b;
    asm volatile(ASM_TRY_INSN("movb 1+%1, %0") : "=r"(b) : "m"(watched[1]) : "memory");
    expect_db("data-rw-read-second-byte", try_end, 2);
    write_dr6(0);
    asm volatile(ASM_TRY_INSN("movb 2+%1, %0") : "=r"(b) : "m"(watched[1]) : "memory");
    expect_none("data-rw-len2-ends");
    /* LEN 8 in 64-bit mode, and a read-modify-write. */
    SET_DR(1, &watched[3]);
    SET_DR(7, dr7_for(1, RW_W, LEN8));
    asm volatile(ASM_TRY_INSN("incb 7+%0") : "+m"(watched[3]) :: "memory");
    expect_db("data-len8-rmw-last-byte", try_end, 2);
    /* Push onto a watched stack slot. */
    write_dr6(0);
    volatile uint64_t slot[2];
    SET_DR(1, &slot[0]);
    SET_DR(7, dr7_for(1, RW_W, LEN8));
    asm volatile("mov %%rsp, %%rdx\n\tlea 8(%0), %%rsp\n\t"
                 ASM_TRY_INSN("push %%rax")
                 "mov %%rdx, %%rsp" :: "r"(&slot[0]) : "rdx", "memory");
    expect_db("data-push-trap", try_end, 2);
    clear_all();
    asm volatile(ASM_TRY_INSN("movl $8, %0") : "=m"(watched[1]) :: "memory");
    expect_none("data-disarmed-no-trap");
    report("data-disarmed-write-done", (uint32_t)watched[1] == 8);
}

static void string_and_single_step(void)
{
    /* REP STOSB over a watched byte: #DB after the iteration that wrote it,
     * RIP at the instruction, RCX left, RF = 1 in the frame. */
    clear_all();
    SET_DR(3, &buf[5]);
    SET_DR(7, dr7_for(3, RW_W, LEN1));
    uint64_t rcx = 16;
    asm volatile("cld\n\tmov %1, %%rdi\n\txor %%eax, %%eax\n\t"
                 ASM_TRY_INSN("rep stosb")
                 : "+c"(rcx) : "r"(buf) : "rax", "rdi", "memory");
    expect_db("rep-stos-trap-at-insn", try_start, 8);
    reportf(caught.frame.rcx == 10, "rep-stos-rcx-after-hit", "RCX %lu", caught.frame.rcx);
    report_qemu_differs((caught.rflags & RFLAGS_RF) != 0, "rep-stos-frame-rf-set", "RFLAGS 0x%lx",
                        caught.rflags);

    /* TF and a data breakpoint: one #DB with BS and B3. */
    write_dr6(0);
    SET_DR(3, &watched[0]);
    SET_DR(7, dr7_for(3, RW_W, LEN8));
    uint64_t after;
    asm volatile("lea 4f(%%rip), %0\n\t"
                 ASM_TRY("1f")
                 "pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                 "movq $1, %1\n4:\tnop\n\t"
                 "movq $0, catch_recover_rip(%%rip)\n1:"
                 : "=&r"(after), "=m"(watched[0]) :: "memory");
    uint64_t dr6 = read_dr6();
    report_qemu_differs(caught.vector == EXC_DB && caught.rip == after && (dr6 & 0x400f) == 0x4008,
            "single-step-and-data-in-one-db", "vector %d rip 0x%lx (want 0x%lx) DR6 0x%lx",
            caught.vector, caught.rip, after, dr6);
    clear_all();
}

static void io_and_general_detect(void)
{
    clear_all();
    SET_DR(2, 0x80);
    SET_DR(7, dr7_for(2, RW_IO, LEN1));
    write_cr4(read_cr4() | CR4_DE);
    asm volatile(ASM_TRY_INSN("outb %%al, $0x80") ::: "memory");
    expect_db("io-bp-out-trap", try_end, 4);
    write_dr6(0);
    asm volatile(ASM_TRY_INSN("inb $0x80, %%al") ::: "rax", "memory");
    expect_db("io-bp-in-trap", try_end, 4);
    asm volatile(ASM_TRY_INSN("outb %%al, $0x81") ::: "memory");
    expect_none("io-bp-other-port");
    write_cr4(read_cr4() & ~CR4_DE);
    asm volatile(ASM_TRY_INSN("outb %%al, $0x80") ::: "memory");
    report_qemu_differs(caught.vector == -1, "io-bp-needs-cr4-de", "vector %d", caught.vector);
    clear_all();

    SET_DR(7, 0x400 | (1u << 13));          /* GD */
    uint64_t v = 0;
    asm volatile(ASM_TRY_INSN("mov %%dr0, %0") : "+r"(v) :: "memory");
    uint64_t dr6 = read_dr6(), dr7 = GET_DR(7);
    report_qemu_differs(caught.vector == EXC_DB && caught.rip == try_start && (dr6 & (1u << 13)) &&
            !(dr7 & (1u << 13)), "general-detect-fault", "vector %d rip 0x%lx DR6 0x%lx DR7 0x%lx",
            caught.vector, caught.rip, dr6, dr7);
    clear_all();
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    instruction_breakpoints();
    data_breakpoints();
    string_and_single_step();
    io_and_general_detect();
    return report_summary();
}
