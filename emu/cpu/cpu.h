/* The x86-64 CPU model: architectural state, software TLB, decoded-block
 * cache, and the entry points the machine and the tests use. */
#ifndef EMU_CPU_H
#define EMU_CPU_H

#include <setjmp.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "x86/cr.h"
#include "x86/desc.h"
#include "x86/exc.h"
#include "x86/flags.h"

struct machine;
struct insn;
struct codecache;
struct lapic;

enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI,
       R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15 };
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_NONE = 7 };

/* A segment register with its hidden part (descriptor cache). ar uses the
 * VMX access-rights layout from x86/desc.h. */
struct seg {
    uint64_t base;
    uint32_t limit;  /* byte granular, already scaled by G */
    uint32_t ar;
    uint16_t sel;
};

struct dtr {
    uint64_t base;
    uint32_t limit;
};

/* Operating mode, derived from CR0.PE, RFLAGS.VM, EFER.LMA and CS.L. */
enum cpu_mode { MODE_REAL, MODE_VM86, MODE_PROT, MODE_COMPAT, MODE_LONG };

/* Lazy arithmetic flags (emu/cpu/flags.h). While lf_valid, the six status
 * flags are derived from lf_res (result, sign-extended to 64 bits) and
 * lf_aux (bit 63 CF, bit 62 carry into the sign bit ^ nothing: OF = b63^b62,
 * bit 0 AF); otherwise they live in rflags. */
struct lazyflags {
    uint64_t res;
    uint64_t aux;
    bool valid;
};

/* Software TLB: a direct-mapped cache from a linear page to the host address
 * of the RAM page behind it, one array per access kind. The tag holds the
 * page's linear address and bit 0 = "user access". */
#define TLB_BITS 12
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_INVALID (~0ull)
#define TLB_GEN_SHIFT 2
#define TLB_GEN_MAX 1023u    /* generations fit in tag bits 11:2 */
struct tlb_entry {
    uint64_t tag;
    uintptr_t addend;    /* host address = linear + addend */
};
enum tlb_kind { TLB_READ, TLB_WRITE, TLB_EXEC, TLB_KINDS };

union xmm {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t d[4];
    uint64_t q[2];
    float f[4];
    double fd[2];
};

/* x87 state, kept as the FXSAVE image fields. Registers hold 80-bit values
 * as bytes; arithmetic is not modelled beyond what is advertised. */
struct fpu {
    uint16_t fcw, fsw, ftw;    /* ftw in the abridged FXSAVE form: bit n = 1 if
                                * physical register Rn is valid */
    uint16_t fop;
    uint64_t fip, fdp;
    uint16_t fcs, fds;
    uint8_t st[8][10];
};

/* Why cpu_run returned. */
enum cpu_stop {
    STOP_BUDGET,      /* ran the requested number of instructions */
    STOP_HLT,         /* halted with nothing to wake it */
    STOP_MACHINE,     /* the machine asked to stop (exit port, shutdown) */
    STOP_TRIPLE,      /* triple fault */
    STOP_EXCEPTION,   /* test mode: an exception was raised */
    STOP_YIELD,       /* PAUSE while another CPU can run (run.c) */
};

struct cpu {
    uint64_t r[16];
    uint64_t rip;
    uint64_t rflags;          /* status flags valid only when !lf.valid */
    struct lazyflags lf;

    struct seg seg[6];
    struct seg ldtr, tr;
    struct dtr gdtr, idtr;
    uint64_t cr0, cr2, cr3, cr4, cr8, efer, xcr0;
    uint64_t dr[8];
    /* Breakpoints armed in DR7, a bit per DRn (debugreg.c), and those the
     * current instruction hit. */
    uint8_t bp_exec, bp_read, bp_write, bp_io, db_hits;
    uint64_t pdpte[4];        /* PAE PDPTE registers */

    /* Cached mode facts, refreshed by cpu_update_mode(). */
    enum cpu_mode mode;
    int cpl;
    int code_size;            /* 0: 16-bit, 1: 32-bit, 2: 64-bit */
    int stack_size;           /* 0: 16-bit SP, 1: 32-bit ESP, 2: RSP */
    uint8_t tlb_key;          /* 0 supervisor, 1 user, 2 user with alignment
                               * checking (data accesses never hit) */
    uint32_t tlb_gen;         /* bumped by a flush: older entries stop matching */
    uint64_t tlb_tagbits;     /* tlb_key | tlb_gen << TLB_GEN_SHIFT */

    /* MSRs modelled. */
    uint64_t star, lstar, cstar, fmask, kernel_gs_base, tsc_aux, pat;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base, misc_enable, feature_control, tsc_offset;
    uint64_t apic_page;            /* guest-physical page where this CPU's
                                    * xAPIC registers answer; ~0 when they
                                    * do not (disabled, x2APIC, no APIC) */
    uint64_t tsc_adjust;           /* IA32_TSC_ADJUST (0 at power-up, kept by INIT) */
    uint64_t mtrr_def_type;
    uint64_t mcg_status;           /* IA32_MCG_STATUS */

    union xmm xmm[16];
    uint32_t mxcsr;
    struct fpu fpu;

    /* Events. */
    /* Anything the run loop must look at between blocks, readable as one
     * word (`events`) so that the common case costs one test. */
    union {
        struct {
            bool halted;
            bool nmi_pending;
            bool intr_line;       /* an external interrupt is requested */
            bool init_pending;    /* an INIT this CPU sent itself (lapic.c) */
            bool yield;           /* PAUSE gave the rest of the turn away */
            bool db_trap;         /* a data or I/O breakpoint was hit (debugreg.c) */
        };
        uint64_t events;
    };
    bool nmi_blocked;
    int (*intr_ack)(void *ctx);   /* returns the vector */
    void *intr_ctx;
    uint64_t shadow_until;    /* STI/MOV SS blocking: icount when it ends */

    /* Exception state (emu/cpu/fault.c). */
    int exc_vector;           /* raised and not yet delivered, -1 if none */
    uint32_t exc_error;
    bool exc_has_error;
    int delivering;           /* vector being delivered, -1 if none */
    bool deliver_ext;         /* it is an external event: EXT = 1 in error codes */
    int exc_chain[3];         /* for the triple-fault message */
    int exc_chain_len;
    bool triple;

    jmp_buf unwind;           /* faults longjmp here (cpu_run) */
    const struct insn *block_end; /* the block runs while the next
                               * instruction is below this (cpu_leave_block) */
    bool stop_request;

    /* Test mode: stop on exceptions (including INT3 and INTO) instead of
     * delivering them. */
    bool stop_on_exception;
    bool stop_is_trap;        /* the stopping event is a trap or software int */
    int stopped_vector;
    uint32_t stopped_error;

    uint64_t icount;          /* virtual ns this CPU has run: one per retired
                               * instruction, more for the slow ones
                               * (cpu_spend) */
    uint64_t idle_ns;         /* virtual ns it spent halted, waiting for a
                               * start-up IPI or yielding: cpu_time() */
    uint32_t debug;           /* -d flags: DBG_* */
    bool warned_task_switch;  /* "task switch not implemented" was said */

    struct tlb_entry tlb[TLB_KINDS][TLB_SIZE];
    bool tlb_has_large;       /* an entry came from a large page */
    struct codecache *ccache; /* decoded-block cache (codecache.h) */
    struct block *last_block; /* the block just run, for block linking */
    uint64_t chain_epoch;     /* bumped when block links may be stale */
    uint64_t link_cs_base;    /* what the links were made under (cpu_update_mode) */
    uint32_t link_cs_limit, link_shape;

    struct machine *m;
    int index;                /* CPU number */
    struct lapic *lapic;      /* its local APIC (emu/dev/lapic.c); NULL without devices */
};

#define DBG_UNIMP 1u
#define DBG_EXC   2u
#define DBG_INT   4u
#define DBG_CPU   8u

/* Life cycle. */
struct cpu *cpu_new(struct machine *m, int index);
void cpu_free(struct cpu *c);
void cpu_reset(struct cpu *c);   /* the SDM's power-up state (real mode) */
/* Virtual time: an instruction takes 1 ns, except a few that take as long
 * as they roughly do on silicon, so that software measuring them with the
 * TSC sees plausible figures (consecutive RDTSCs differ by more than 1; a
 * WRMSR takes longer than the RDTSC after it). Called by the instruction
 * with the extra time, beyond its 1 ns. */
#define COST_RDTSC 25u
#define COST_MSR  100u
static inline void cpu_spend(struct cpu *c, uint64_t ns) { c->icount += ns - 1; }
/* The CPU's own clock in ns (emu/machine/run.c keeps the CPUs' clocks
 * within one turn of each other; the TSC reads it). */
static inline uint64_t cpu_time(const struct cpu *c) { return c->icount + c->idle_ns; }

/* Run until icount reaches `until`, or a stop condition. */
enum cpu_stop cpu_run(struct cpu *c, uint64_t until);

/* Set up 32-bit flat protected mode as a multiboot loader leaves it. */
void cpu_set_flat32(struct cpu *c);
/* Set up 64-bit mode with paging rooted at cr3 (used by the tests). */
void cpu_set_long64(struct cpu *c, uint64_t cr3);

/* Derive mode, CPL and sizes from the registers; call after any change. */
void cpu_update_mode(struct cpu *c);

/* RFLAGS with the lazy flags folded in, and writing it back whole. */
uint64_t cpu_get_rflags(struct cpu *c);
void cpu_set_rflags(struct cpu *c, uint64_t v);

/* Faults: never return; unwind to the instruction boundary. */
_Noreturn void cpu_fault(struct cpu *c, int vector, uint32_t error);
_Noreturn void cpu_fault_noerr(struct cpu *c, int vector);
#define cpu_ud(c) cpu_fault_noerr((c), EXC_UD)
#define cpu_gp(c, e) cpu_fault((c), EXC_GP, (e))

/* Leave the decoded block after the current instruction (taken branch,
 * self-modifying code, a device that may have stopped the machine…). */
static inline void cpu_leave_block(struct cpu *c)
{
    c->block_end = NULL;
}

/* TLB and decoded-code maintenance. */
void tlb_flush_all(struct cpu *c);
/* Recompute tlb_tagbits from tlb_key and tlb_gen (cpu.c). */
void tlb_set_tagbits(struct cpu *c);
void tlb_flush_page(struct cpu *c, uint64_t lin);

#endif
