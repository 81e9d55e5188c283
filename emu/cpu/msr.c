/* RDMSR and WRMSR over one table of the MSRs this CPU models — SDM Vol. 4
 * "Model-Specific Registers". Unknown MSRs and reserved bits give #GP(0). */
#include "mem.h"
#include "ops.h"
#include "sysreg.h"
#include "x86/msr.h"
#include "dev/lapic.h"

/* Returns false to raise #GP(0). */
typedef bool (*msr_rd_fn)(struct cpu *c, uint64_t *v);
typedef bool (*msr_wr_fn)(struct cpu *c, uint64_t v);

static bool canonical_store(uint64_t *dst, uint64_t v)
{
    if (!is_canonical(v))
        return false;
    *dst = v;
    return true;
}

static bool rd_tsc(struct cpu *c, uint64_t *v) { *v = cpu_read_tsc(c); return true; }
/* SDM Vol. 3B "Time-Stamp Counter" (IA32_TSC_ADJUST): a write to the TSC
 * adds the same delta to IA32_TSC_ADJUST; a write to IA32_TSC_ADJUST adds
 * its change to the TSC. */
static bool wr_tsc(struct cpu *c, uint64_t v)
{
    c->tsc_adjust += v - cpu_tsc(c);
    c->tsc_offset = v - cpu_time(c);
    return true;
}

static bool rd_tsc_adjust(struct cpu *c, uint64_t *v) { *v = c->tsc_adjust; return true; }
static bool wr_tsc_adjust(struct cpu *c, uint64_t v)
{
    c->tsc_offset += v - c->tsc_adjust;
    c->tsc_adjust = v;
    return true;
}

/* IA32_APIC_BASE: bits 11 (enable), 10 (EXTD: x2APIC mode), 8 (BSP,
 * read-only), 12+ base below MAXPHYADDR. Invalid transitions #GP: EXTD
 * without enable, x2APIC straight back to xAPIC, disabled straight to
 * x2APIC — SDM Vol. 3A
 * "x2APIC State Transitions". */
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_EXTD (1ull << 10)
static bool rd_apic_base(struct cpu *c, uint64_t *v) { *v = c->apic_base; return true; }
static bool wr_apic_base(struct cpu *c, uint64_t v)
{
    if (v & ~(((1ull << MAXPHYADDR) - 1) & ~0x2ffull))
        return false;
    if ((v & APIC_BASE_EXTD) && !(v & APIC_BASE_EN))
        return false;
    if ((c->apic_base & APIC_BASE_EXTD) && (c->apic_base & APIC_BASE_EN) &&
        (v & APIC_BASE_EN) && !(v & APIC_BASE_EXTD))
        return false;
    if (!(c->apic_base & APIC_BASE_EN) && (v & APIC_BASE_EXTD))
        return false;                    /* disabled goes to xAPIC mode only */
    uint64_t old = c->apic_base;
    c->apic_base = (v & ~0x100ull) | (c->apic_base & 0x100);
    if (c->lapic)
        lapic_base_changed(c->lapic, old);
    return true;
}

static bool rd_deadline(struct cpu *c, uint64_t *v)
{
    *v = c->lapic ? lapic_get_deadline(c->lapic) : 0;
    return true;
}

static bool wr_deadline(struct cpu *c, uint64_t v)
{
    if (c->lapic)
        lapic_set_deadline(c->lapic, v, cpu_tsc(c));
    return true;
}

/* IA32_FEATURE_CONTROL: lock bit 0; once locked, writes #GP — SDM Vol. 3C
 * "Enabling and Entering VMX Operation". VMX is not yet advertised, so
 * only the lock bit is writable. */
static bool rd_featctl(struct cpu *c, uint64_t *v) { *v = c->feature_control; return true; }
static bool wr_featctl(struct cpu *c, uint64_t v)
{
    if ((c->feature_control & 1) || (v & ~1ull))
        return false;
    c->feature_control = v;
    return true;
}

static bool rd_zero(struct cpu *c, uint64_t *v) { (void)c; *v = 0; return true; }
static bool wr_ignore(struct cpu *c, uint64_t v) { (void)c; (void)v; return true; }

static bool rd_sysenter_cs(struct cpu *c, uint64_t *v) { *v = c->sysenter_cs; return true; }
static bool wr_sysenter_cs(struct cpu *c, uint64_t v) { c->sysenter_cs = v & 0xffffffff; return true; }
static bool rd_sysenter_esp(struct cpu *c, uint64_t *v) { *v = c->sysenter_esp; return true; }
static bool wr_sysenter_esp(struct cpu *c, uint64_t v) { return canonical_store(&c->sysenter_esp, v); }
static bool rd_sysenter_eip(struct cpu *c, uint64_t *v) { *v = c->sysenter_eip; return true; }
static bool wr_sysenter_eip(struct cpu *c, uint64_t v) { return canonical_store(&c->sysenter_eip, v); }

/* IA32_MISC_ENABLE: fast strings (bit 0) is the only bit modelled. */
/* IA32_MISC_ENABLE (x86/msr.h has the bits): limit CPUID maxval acts in
 * cpuid.c, XD disable hides NX there and refuses EFER.NXE here; MONITOR
 * FSM is stored (MONITOR/MWAIT are not implemented); the power and thermal
 * bits change nothing in an emulator; reserved bits are #GP. */
static bool rd_misc(struct cpu *c, uint64_t *v) { *v = c->misc_enable; return true; }
static bool wr_misc(struct cpu *c, uint64_t v)
{
    if (v & ~(MISC_ENABLE_WRITABLE | MISC_ENABLE_READ_ONLY))
        return false;
    c->misc_enable = (v & MISC_ENABLE_WRITABLE) | (c->misc_enable & MISC_ENABLE_READ_ONLY);
    return true;
}

/* IA32_PAT: each entry must be a valid memory type (0, 1, 4, 5, 6, 7). */
static bool rd_pat(struct cpu *c, uint64_t *v) { *v = c->pat; return true; }
static bool wr_pat(struct cpu *c, uint64_t v)
{
    for (int k = 0; k < 8; k++) {
        unsigned t = (unsigned)(v >> (8 * k)) & 0xff;
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    c->pat = v;
    return true;
}

/* IA32_EFER: SCE, LME, NXE writable, LMA read-only; LME cannot change
 * while paging is on — SDM "IA32_EFER". */
static bool rd_efer(struct cpu *c, uint64_t *v) { *v = c->efer; return true; }
static bool wr_efer(struct cpu *c, uint64_t v)
{
    if (v & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
        return false;
    if ((v & EFER_NXE) && (c->misc_enable & MISC_ENABLE_XD_DISABLE))
        return false;                    /* NX not offered: NXE reserved */
    if ((c->cr0 & CR0_PG) && ((v ^ c->efer) & EFER_LME))
        return false;
    uint64_t n = (v & ~EFER_LMA) | (c->efer & EFER_LMA);
    if ((n ^ c->efer) & EFER_NXE)
        tlb_flush_all(c);
    c->efer = n;
    return true;
}

static bool rd_star(struct cpu *c, uint64_t *v) { *v = c->star; return true; }
static bool wr_star(struct cpu *c, uint64_t v) { c->star = v; return true; }
static bool rd_lstar(struct cpu *c, uint64_t *v) { *v = c->lstar; return true; }
static bool wr_lstar(struct cpu *c, uint64_t v) { return canonical_store(&c->lstar, v); }
static bool rd_cstar(struct cpu *c, uint64_t *v) { *v = c->cstar; return true; }
static bool wr_cstar(struct cpu *c, uint64_t v) { return canonical_store(&c->cstar, v); }
static bool rd_fmask(struct cpu *c, uint64_t *v) { *v = c->fmask; return true; }
static bool wr_fmask(struct cpu *c, uint64_t v) { c->fmask = v & 0xffffffff; return true; }
static bool rd_fsbase(struct cpu *c, uint64_t *v) { *v = c->seg[S_FS].base; return true; }
static bool wr_fsbase(struct cpu *c, uint64_t v) { return canonical_store(&c->seg[S_FS].base, v); }
static bool rd_gsbase(struct cpu *c, uint64_t *v) { *v = c->seg[S_GS].base; return true; }
static bool wr_gsbase(struct cpu *c, uint64_t v) { return canonical_store(&c->seg[S_GS].base, v); }
static bool rd_kgsbase(struct cpu *c, uint64_t *v) { *v = c->kernel_gs_base; return true; }
static bool wr_kgsbase(struct cpu *c, uint64_t v) { return canonical_store(&c->kernel_gs_base, v); }
static bool rd_tscaux(struct cpu *c, uint64_t *v) { *v = c->tsc_aux; return true; }
static bool wr_tscaux(struct cpu *c, uint64_t v)
{
    if (v >> 32)
        return false;
    c->tsc_aux = v;
    return true;
}

/* Machine-check architecture without error-reporting banks (SDM Vol. 3B
 * "Machine-Check Global Control MSRs"): IA32_MCG_CAP reads 0 (no banks,
 * no IA32_MCG_CTL) and is read-only; IA32_MCG_STATUS keeps RIPV, EIPV and
 * MCIP, its other bits are reserved. No machine check is ever signalled,
 * so the bank MSRs 0x400 onwards do not exist (#GP). */
#define MCG_STATUS_BITS 0x7ull
static bool rd_mcg_status(struct cpu *c, uint64_t *v) { *v = c->mcg_status; return true; }
static bool wr_mcg_status(struct cpu *c, uint64_t v)
{
    if (v & ~MCG_STATUS_BITS)
        return false;
    c->mcg_status = v;
    return true;
}
static bool wr_read_only(struct cpu *c, uint64_t v) { (void)c; (void)v; return false; }

static const struct msr_def {
    uint32_t index;
    const char *name;
    msr_rd_fn rd;
    msr_wr_fn wr;
} msrs[] = {
    { MSR_IA32_TSC, "IA32_TIME_STAMP_COUNTER", rd_tsc, wr_tsc },
    { MSR_IA32_TSC_ADJUST, "IA32_TSC_ADJUST", rd_tsc_adjust, wr_tsc_adjust },
    { MSR_IA32_APIC_BASE, "IA32_APIC_BASE", rd_apic_base, wr_apic_base },
    { MSR_IA32_FEATURE_CONTROL, "IA32_FEATURE_CONTROL", rd_featctl, wr_featctl },
    { MSR_IA32_BIOS_SIGN_ID, "IA32_BIOS_SIGN_ID", rd_zero, wr_ignore },
    { MSR_IA32_MCG_CAP, "IA32_MCG_CAP", rd_zero, wr_read_only },
    { MSR_IA32_MCG_STATUS, "IA32_MCG_STATUS", rd_mcg_status, wr_mcg_status },
    { MSR_IA32_SYSENTER_CS, "IA32_SYSENTER_CS", rd_sysenter_cs, wr_sysenter_cs },
    { MSR_IA32_SYSENTER_ESP, "IA32_SYSENTER_ESP", rd_sysenter_esp, wr_sysenter_esp },
    { MSR_IA32_SYSENTER_EIP, "IA32_SYSENTER_EIP", rd_sysenter_eip, wr_sysenter_eip },
    { MSR_IA32_MISC_ENABLE, "IA32_MISC_ENABLE", rd_misc, wr_misc },
    { MSR_IA32_PAT, "IA32_PAT", rd_pat, wr_pat },
    { MSR_IA32_EFER, "IA32_EFER", rd_efer, wr_efer },
    { MSR_IA32_STAR, "IA32_STAR", rd_star, wr_star },
    { MSR_IA32_LSTAR, "IA32_LSTAR", rd_lstar, wr_lstar },
    { MSR_IA32_CSTAR, "IA32_CSTAR", rd_cstar, wr_cstar },
    { MSR_IA32_FMASK, "IA32_FMASK", rd_fmask, wr_fmask },
    { MSR_IA32_FS_BASE, "IA32_FS_BASE", rd_fsbase, wr_fsbase },
    { MSR_IA32_GS_BASE, "IA32_GS_BASE", rd_gsbase, wr_gsbase },
    { MSR_IA32_KERNEL_GS_BASE, "IA32_KERNEL_GS_BASE", rd_kgsbase, wr_kgsbase },
    { MSR_IA32_TSC_AUX, "IA32_TSC_AUX", rd_tscaux, wr_tscaux },
    { MSR_IA32_TSC_DEADLINE, "IA32_TSC_DEADLINE", rd_deadline, wr_deadline },
};

static const struct msr_def *msr_find(uint32_t index)
{
    for (size_t k = 0; k < sizeof msrs / sizeof msrs[0]; k++)
        if (msrs[k].index == index)
            return &msrs[k];
    return NULL;
}

bool msr_read(struct cpu *c, uint32_t index, uint64_t *v)
{
    if (index >= 0x800 && index <= 0x8ff)   /* x2APIC registers */
        return c->lapic && lapic_msr_read(c->lapic, index, v);
    const struct msr_def *d = msr_find(index);
    return d && d->rd(c, v);
}

bool msr_write(struct cpu *c, uint32_t index, uint64_t v)
{
    if (index >= 0x800 && index <= 0x8ff)
        return c->lapic && lapic_msr_write(c->lapic, index, v);
    const struct msr_def *d = msr_find(index);
    return d && d->wr(c, v);
}

void op_rdmsr(struct cpu *c, const struct insn *i)
{
    uint64_t v;
    if (c->cpl != 0 || !msr_read(c, (uint32_t)c->r[R_CX], &v))
        cpu_gp(c, 0);
    reg_set(c, R_AX, 4, v);
    reg_set(c, R_DX, 4, v >> 32);
    cpu_spend(c, COST_MSR);
    rip_advance(c, i);
}

void op_wrmsr(struct cpu *c, const struct insn *i)
{
    uint64_t v = (c->r[R_DX] << 32) | (c->r[R_AX] & 0xffffffff);
    if (c->cpl != 0 || !msr_write(c, (uint32_t)c->r[R_CX], v))
        cpu_gp(c, 0);
    cpu_spend(c, COST_MSR);
    rip_advance(c, i);
}
