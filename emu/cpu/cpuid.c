/* CPUID: what this CPU implements, and nothing more — SDM Vol. 2
 * "CPUID—CPU Identification". Every bit set here has its instructions and
 * behaviour implemented and tested; the README lists them. */
#include <string.h>

#include "features.h"
#include "machine/machine.h"
#include "mem.h"
#include "ops.h"
#include "x86/cpuid.h"
#include "x86/msr.h"

#define MAX_BASIC_LEAF 0x16u
#define MAX_EXT_LEAF 0x80000008u

static void regs4(uint32_t out[4], uint32_t a, uint32_t b, uint32_t cx, uint32_t d)
{
    out[0] = a;
    out[1] = b;
    out[2] = cx;
    out[3] = d;
}

static void vendor(uint32_t out[4], uint32_t max, const char *s)
{
    uint32_t w[3];
    memcpy(w, s, 12);
    regs4(out, max, w[0], w[2], w[1]);
}

static void brand(uint32_t out[4], unsigned part)
{
    static const char name[48] = "vtx virtual x86-64 CPU (VT-x in software)";
    memcpy(out, name + 16 * part, 16);
}

/* Leaf 0xB, x2APIC topology (SDM Vol. 3A "Hierarchical Mapping of Shared
 * Resources"): the CPUs are cores of one package, one thread each. Level 0
 * is SMT (1 thread, shift 0), level 1 core (ncpu, shift = bits for the
 * APIC IDs); further levels are invalid (ECX type 0). EDX: x2APIC ID. */
static void topology(uint32_t out[4], uint32_t sub, uint32_t ncpu, uint32_t id)
{
    uint32_t shift = 0;
    while ((1u << shift) < ncpu)
        shift++;
    if (sub == 0)
        regs4(out, 0, 1, (1u << 8) | 0, id);
    else if (sub == 1)
        regs4(out, shift, ncpu, (2u << 8) | 1, id);
    else
        regs4(out, 0, 0, sub & 0xff, id);
}

/* Leaves 3, 4, 5, 6, 8-0xA, 0xC-0x14 are all zeros: no serial number, no
 * deterministic cache leaf (EAX[4:0] = 0: no more caches), no
 * MONITOR/MWAIT, no thermal/power features, no architectural performance
 * monitoring (version 0), no XSAVE state (leaf 0xD, XSAVE not
 * advertised), no RDT, SGX or processor trace. */
void cpuid_query(struct cpu *c, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    /* IA32_MISC_ENABLE[22] (limit CPUID maxval): leaf 0 reports 2. */
    uint32_t max_basic = (c->misc_enable & MISC_ENABLE_LIMIT_CPUID) ? 2 : MAX_BASIC_LEAF;
    if ((leaf > max_basic && leaf < 0x80000000u) || leaf > MAX_EXT_LEAF)
        leaf = max_basic;        /* SDM: out-of-range leaves return the highest basic leaf */
    uint32_t ncpu = (uint32_t)c->m->ncpu;
    switch (leaf) {
    case 0: vendor(out, max_basic, "GenuineIntel"); return;
    case 1:
        /* SDM Vol. 3A "Enabling or Disabling the Local APIC": with
         * IA32_APIC_BASE[11] clear, CPUID.1:EDX.APIC reads 0. */
        regs4(out, CPU_SIGNATURE, (8u << 8) | (ncpu << 16) | ((uint32_t)c->index << 24),
              FEAT_1_ECX, FEAT_1_EDX & ((c->apic_base & (1u << 11)) ? ~0u : ~CPUID_1_EDX_APIC));
        return;
    case 7:
        if (sub == 0)
            regs4(out, 0, FEAT_7_EBX, 0, 0);
        else
            regs4(out, 0, 0, 0, 0);
        return;
    case 2:
        /* Cache and TLB descriptors: AL = 1 (one CPUID 2 call), every
         * descriptor byte null (no information). */
        regs4(out, 1, 0, 0, 0);
        return;
    case 0xb:
        topology(out, sub, ncpu, (uint32_t)c->index);
        return;
    case 0x15:
        /* TSC = crystal * EBX / EAX: a 25 MHz crystal times 40 = the 1 GHz
         * TSC (machine/clock.h). */
        regs4(out, 1, 40, 25000000, 0);
        return;
    case 0x16:
        regs4(out, 1000, 1000, 100, 0);   /* base, max, bus MHz */
        return;
    case 0x80000000u: regs4(out, MAX_EXT_LEAF, 0, 0, 0); return;
    case 0x80000001u:   /* IA32_MISC_ENABLE[34] (XD disable) hides NX */
        regs4(out, 0, 0, FEAT_81_ECX,
              FEAT_81_EDX & ((c->misc_enable & MISC_ENABLE_XD_DISABLE) ? ~CPUID_81_EDX_NX : ~0u));
        return;
    case 0x80000002u: case 0x80000003u: case 0x80000004u:
        brand(out, leaf - 0x80000002u);
        return;
    case 0x80000007u: regs4(out, 0, 0, 0, CPUID_87_EDX_INVTSC); return;
    case 0x80000008u: regs4(out, MAXPHYADDR | (48u << 8), 0, 0, 0); return;
    default: regs4(out, 0, 0, 0, 0); return;
    }
}

void op_cpuid(struct cpu *c, const struct insn *i)
{
    uint32_t r[4];
    cpuid_query(c, (uint32_t)c->r[R_AX], (uint32_t)c->r[R_CX], r);
    reg_set(c, R_AX, 4, r[0]);
    reg_set(c, R_BX, 4, r[1]);
    reg_set(c, R_CX, 4, r[2]);
    reg_set(c, R_DX, 4, r[3]);
    rip_advance(c, i);
}
