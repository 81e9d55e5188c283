/* Freestanding support for the test kernels and hv: one header to include. */
#ifndef KERN_H
#define KERN_H

#include <stdarg.h>
#include "x86.h"
#include "multiboot.h"

/* ---- GDT layout (gdt.c). SYSCALL/SYSRET and SYSENTER/SYSEXIT take their
 * selectors from fixed offsets (SDM Vol. 2, SYSRET and SYSEXIT), so:
 * STAR[47:32] = SEL_KCODE (CS) / +8 (SS);  STAR[63:48] = SEL_UCODE32:
 * SYSRET to 64-bit uses +16 (CS) and +8 (SS); SYSENTER_CS = SEL_KCODE:
 * SYSEXIT (REX.W) uses +32 (CS) and +40 (SS). */
#define SEL_KCODE    0x08
#define SEL_KDATA    0x10
#define SEL_UCODE32  0x18
#define SEL_UDATA    0x20
#define SEL_UCODE64  0x28
#define SEL_UDATA2   0x30   /* = SYSENTER_CS + 40, for SYSEXIT */
#define SEL_TSS      0x38   /* 16-byte system descriptor */
#define SEL_KCODE32  0x48   /* 32-bit compatibility-mode code, DPL 0 */
#define GDT_FIRST_SPARE 10  /* entries 10..GDT_ENTRIES-1 are free for tests */
#define GDT_ENTRIES  32

extern uint64_t gdt[GDT_ENTRIES];
/* Code/data descriptor from base, limit (20 bits) and an access-rights word
 * in the AR_* layout of include/x86/desc.h (type, S, DPL, P, AVL, L, D/B, G). */
uint64_t seg_desc(uint32_t base, uint32_t limit, uint32_t ar);
void gdt_set(int index, uint64_t desc);
void gdt_set_tss(int index, uint64_t base, uint32_t limit);
void gdt_reload(void);

/* ---- TSS (tss.c): 64-bit TSS followed by an I/O permission bitmap. */
struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
#define IOPB_BYTES 8192
/* The I/O permission bitmap directly follows the TSS (iomap_base = 104);
 * bit set = port denied; one extra all-ones byte ends it. */
struct tss_block {
    struct tss64 tss;
    uint8_t iopb[IOPB_BYTES + 1];
};
extern struct tss_block tss_block;
#define tss (tss_block.tss)
#define tss_iopb (tss_block.iopb)
void iopb_allow(uint16_t port, bool allow);
/* Busy-wait count clocks of the 8254 (1.193182 MHz), or ms milliseconds
 * (kern/pit.c; uses channel 2). */
void pit_spin(uint16_t count);
void delay_ms(int ms);
extern uint8_t intr_stack_top[], df_stack_top[];

/* ---- IDT and interrupts (idt.c, isr.S). */
struct intr_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};
typedef void (*intr_handler_t)(struct intr_frame *f);
void set_handler(int vector, intr_handler_t h);
/* Gate type: SYS_INTGATE or SYS_TRAPGATE; ist 0..7. */
void set_gate(int vector, int type, int dpl, int ist);
void set_gate_raw(int vector, uint64_t lo, uint64_t hi);
void get_gate_raw(int vector, uint64_t *lo, uint64_t *hi);
void set_gate_present(int vector, bool present);
void set_idt_limit(uint16_t limit);
extern uint64_t idt[512];
extern uint64_t isr_stub_table[256];
void idt_reload(void);

/* ---- Catching exceptions (catch.c): like kvm-unit-tests' ASM_TRY.
 * Arm a recovery address; any exception (or INT n without its own handler)
 * while armed records {vector, error, rip, cr2, ...} in `caught` and resumes
 * at the recovery address on the stack that was current when arming, at
 * CPL 0. caught.vector is -1 when nothing happened.
 *
 *   asm volatile(ASM_TRY("1f") "ud2\n" "1:" ::: "memory");
 *   if (caught.vector == EXC_UD) ...
 */
struct caught {
    int vector;
    uint64_t error, rip, cr2, cs, rflags, rsp, ss;
    struct intr_frame frame;            /* full copy, incl. GPRs at the fault */
};
extern volatile struct caught caught;
extern volatile uint64_t catch_recover_rip, catch_recover_rsp;
#define ASM_TRY(label) \
    "movl $-1, caught(%%rip)\n\t" \
    "movq $" label ", catch_recover_rip(%%rip)\n\t" \
    "movq %%rsp, catch_recover_rsp(%%rip)\n\t"
/* One instruction under ASM_TRY, with try_start/try_end set to its first
 * byte and the byte after it (a fault saves try_start, a trap try_end):
 *   asm volatile(ASM_TRY_INSN("div %%rcx") : ... : "memory");  */
extern volatile uint64_t try_start, try_end;
#define ASM_TRY_INSN(insn) \
    "movq $2f, try_start(%%rip)\n\t" \
    "movq $3f, try_end(%%rip)\n\t" \
    ASM_TRY("1f") \
    "2: " insn "\n" \
    "3:\tmovq $0, catch_recover_rip(%%rip)\n" \
    "1:\n\t"
#define RIP_ANY (~0ull)
/* Report whether `caught` holds vector/error/rip (rip RIP_ANY: not compared). */
bool expect_exception(const char *name, int vector, uint64_t error, uint64_t rip);
/* Same, for a case listed in tests/KNOWN-DIFFERENCES.md (SKIP on QEMU). */
bool expect_exception_qemu_differs(const char *name, int vector, uint64_t error, uint64_t rip);
/* For a custom handler that wants the ASM_TRY recovery after its own work. */
bool catch_exception(struct intr_frame *f);
/* Call fn(arg) with recovery armed; returns the vector caught, or -1. */
int catch_call(void (*fn)(void *), void *arg);
static inline void catch_disarm(void) { catch_recover_rip = 0; }

/* ---- Ring 3 (user.c, user.S). Code and data used at CPL 3 live in the
 * .utext/.udata sections, whose pages are user-accessible. A user function
 * ends with USER_EXIT (INT 0x80 through a DPL-3 gate). run_user() returns
 * the vector that brought the CPU back to ring 0 (USER_RET_VECTOR for a
 * normal return); `caught` holds the frame at that point. */
#define USER_RET_VECTOR 0x80
#define USER_TEXT __attribute__((section(".utext"), noinline))
#define USER_DATA __attribute__((section(".udata")))
#define USER_EXIT "int $0x80\n\t"
/* Define an asm-only user function: USER_FN(name, "insns") */
#define USER_FN(name, body) \
    void name(void); \
    asm(".pushsection .utext, \"ax\"\n\t.globl " #name "\n" #name ":\n\t" body "\n\t" USER_EXIT "ud2\n\t.popsection")
int run_user(void (*fn)(void), uint64_t rflags);
int run_user_regs(void (*fn)(void), uint64_t rflags, uint64_t rdi, uint64_t rsi);
extern uint8_t user_stack_top[];
extern char __user_start[], __user_end[];

/* ---- Leaving long mode (modeswitch.S; GDT layout in modeswitch.h).
 * Load *gdtr (a GDT starting with PM32_GDT_HEAD), leave IA-32e mode and
 * CALL the 32-bit code at entry32 in protected mode without paging; it
 * comes back with RET or a far jump to PM32_SEL_CODE32:pm32_return, and
 * pm32_call restores long mode, GDTR, IDTR, CS/SS and RSP. Identity-mapped
 * code, data and stack below 4 GiB only; TR is not restored. */
#include "modeswitch.h"
void pm32_call(const struct desc_ptr *gdtr, const void *entry32);
extern char pm32_return[];

/* ---- Paging (paging.c): 4-level identity map of 0..4 GiB set up by boot.S. */
extern volatile uint64_t pml4[512], pdpt[512], pd[4 * 512];
/* Entries are volatile: the CPU writes A/D bits behind the compiler's back.
 * Return the leaf entry for va, splitting a 2-MiB page into 4-KiB pages
 * first when split is true. *level = 1 (PTE), 2 (PDE). NULL if unmapped. */
volatile uint64_t *pte_lookup(uint64_t va, bool split, int *level);
volatile uint64_t *pte_get(uint64_t va);                 /* split, 4-KiB PTE */
void page_set_flags(uint64_t va, uint64_t len, uint64_t set, uint64_t clear);
void map_page(uint64_t va, uint64_t pa, uint64_t flags);  /* 4 KiB, any va */
void unmap_page(uint64_t va);
volatile uint64_t *walk_entry(uint64_t va, int level);  /* 4 = PML4E ... 1 = PTE */
void *alloc_page(void);                         /* zeroed 4 KiB, never freed */
void flush_tlb(void);

/* ---- Serial, printf, reports, exit. */
void serial_init(void);
void serial_putc(char c);
void serial_wait_idle(void);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
void report(const char *name, bool ok);
void reportf(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void report_skip(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A check where QEMU TCG is known to deviate from the SDM (see
 * tests/KNOWN-DIFFERENCES.md): on QEMU a failure is reported as SKIP. */
void report_qemu_differs(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int report_summary(void) __attribute__((noreturn));
void kexit(int status) __attribute__((noreturn));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* ---- Boot info. */
extern struct multiboot_info *mb_info;
extern bool on_qemu;                    /* cmdline has the word "qemu" */
int kmain(struct multiboot_info *mb);

/* ---- Small libc. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif
