/* Control-register accesses (exit reason 28): MOV to CR0/CR4 that changes
 * a bit hv owns, LMSW, CLTS, MOV to/from CR8 (hv keeps each VM's TPR), and
 * MOV CR3 if the CPU forces CR3 exiting. SDM Vol. 3C, "Exit Qualification
 * for Control-Register Accesses", "Guest/Host Masks and Read Shadows for
 * CR0 and CR4"; the instruction's checks: Vol. 2 "MOV—Move to/from Control
 * Registers", Vol. 3A "Control Registers", "Initializing IA-32e Mode". */
#include "hv.h"

/* The value the guest sees: bits it owns from the real register, bits hv
 * owns from the read shadow. */
uint64_t guest_cr0(void)
{
    return (vmr(VMCS_GUEST_CR0) & ~hv.ctl.cr0_mask) | (vmr(VMCS_CR0_READ_SHADOW) & hv.ctl.cr0_mask);
}

uint64_t guest_cr4(void)
{
    return (vmr(VMCS_GUEST_CR4) & ~hv.ctl.cr4_mask) | (vmr(VMCS_CR4_READ_SHADOW) & hv.ctl.cr4_mask);
}

/* The guest's CR0 write, as the CPU would do it: #GP for invalid
 * combinations; EFER.LMA and the "IA-32e mode guest" entry control follow
 * CR0.PG when EFER.LME is set. Returns false when it injected #GP. */
bool cr0_write(struct vm *vm, struct exit_info *e, uint64_t v)
{
    uint64_t old = guest_cr0(), efer = vmr(VMCS_GUEST_IA32_EFER);
    uint64_t cr4 = guest_cr4();
    bool pg_on = !(old & CR0_PG) && (v & CR0_PG), pg_off = (old & CR0_PG) && !(v & CR0_PG);
    if ((v >> 32) || ((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD)) ||
        (pg_on && (efer & EFER_LME) && !(cr4 & CR4_PAE)) || (pg_off && guest_64bit_code())) {
        inject_gp0(vm, e);
        return false;
    }
    if ((pg_on || pg_off) && (efer & EFER_LME)) {
        uint64_t entry = vmr(VMCS_ENTRY_CONTROLS);
        if (pg_on) { efer |= EFER_LMA; entry |= VMX_CTL(ENTRY_IA32E_MODE_GUEST); }
        else { efer &= ~EFER_LMA; entry &= ~(uint64_t)VMX_CTL(ENTRY_IA32E_MODE_GUEST); }
        vmw_now(VMCS_GUEST_IA32_EFER, efer);
        vmw_now(VMCS_ENTRY_CONTROLS, entry);
    }
    if (pg_on && (cr4 & CR4_PAE) && !(efer & EFER_LME) && !guest_load_pdptes(vm, vmr(VMCS_GUEST_CR3))) {
        inject_gp0(vm, e);
        return false;
    }
    vmw_now(VMCS_GUEST_CR0, guest_cr0_real_value(v));
    vmw_now(VMCS_CR0_READ_SHADOW, v);
    if ((old ^ v) & (CR0_PG | CR0_PE | CR0_WP))
        vpid_flush(vm);
    return true;
}

/* CR4: bits hv owns are those of features it hides (or VMX fixes); a guest
 * setting one gets #GP, as on a CPU without the feature. */
static bool cr4_write(struct vm *vm, struct exit_info *e, uint64_t v)
{
    uint64_t old = guest_cr4();
    uint64_t cr0 = guest_cr0(), efer = vmr(VMCS_GUEST_IA32_EFER);
    if ((v & hv.ctl.cr4_mask) || ((efer & EFER_LMA) && !(v & CR4_PAE))) {
        inject_gp0(vm, e);
        return false;
    }
    if ((cr0 & CR0_PG) && !(efer & EFER_LMA) && (v & CR4_PAE) &&
        ((v ^ old) & (CR4_PAE | CR4_PSE | CR4_PGE)) && !guest_load_pdptes(vm, vmr(VMCS_GUEST_CR3))) {
        inject_gp0(vm, e);
        return false;
    }
    vmw_now(VMCS_GUEST_CR4, guest_cr4_real_value(v));
    vmw_now(VMCS_CR4_READ_SHADOW, v);
    if ((old ^ v) & (CR4_PAE | CR4_PSE | CR4_PGE | CR4_SMEP | CR4_SMAP))
        vpid_flush(vm);
    return true;
}

static bool cr3_write(struct vm *vm, uint64_t v)
{
    bool noflush = false;
    if (guest_cr4() & CR4_PCIDE) {
        noflush = (v >> 63) & 1;
        v &= ~(1ull << 63);
    }
    vmw_now(VMCS_GUEST_CR3, v);
    uint64_t cr0 = guest_cr0(), cr4 = guest_cr4();
    if ((cr0 & CR0_PG) && (cr4 & CR4_PAE) && !guest_long_mode())
        guest_load_pdptes(vm, v);
    if (!noflush)
        vpid_flush(vm);
    return true;
}

static void mov_to_cr(struct vm *vm, struct exit_info *e, unsigned cr, uint64_t v)
{
    bool ok;
    switch (cr) {
    case 0: ok = cr0_write(vm, e, v); break;
    case 3: ok = cr3_write(vm, v); break;
    case 4: ok = cr4_write(vm, e, v); break;
    case 8:
        if (v & ~0xfull) { inject_gp0(vm, e); return; }
        vm->cr8 = (uint8_t)v;
        ok = true;
        break;
    default: exit_unexpected(vm, e); return;
    }
    if (ok)
        skip_instruction(vm, e);
}

static void mov_from_cr(struct vm *vm, struct exit_info *e, unsigned cr, unsigned gpr)
{
    uint64_t v;
    switch (cr) {
    case 3: v = vmr(VMCS_GUEST_CR3); break;
    case 8: v = vm->cr8; break;
    default: exit_unexpected(vm, e); return;
    }
    gpr_write(vm, gpr, v);
    skip_instruction(vm, e);
}

void exit_cr_access(struct vm *vm, struct exit_info *e)
{
    uint64_t q = e->qualification;
    unsigned cr = CRQ_CR(q);
    uint64_t shadow = guest_cr0();
    switch (CRQ_ACCESS(q)) {
    case CRQ_ACCESS_MOV_TO: {
        uint64_t v = gpr_read(vm, CRQ_GPR(q));
        if (!guest_64bit_code())
            v = (uint32_t)v;
        mov_to_cr(vm, e, cr, v);
        break;
    }
    case CRQ_ACCESS_MOV_FROM:
        mov_from_cr(vm, e, cr, CRQ_GPR(q));
        break;
    case CRQ_ACCESS_CLTS:
        if (cr0_write(vm, e, shadow & ~CR0_TS))
            skip_instruction(vm, e);
        break;
    case CRQ_ACCESS_LMSW: {
        /* LMSW loads CR0[3:0] but cannot clear PE (Vol. 2, "LMSW"). */
        uint64_t src = CRQ_LMSW_DATA(q) & 0xf;
        if (cr0_write(vm, e, (shadow & ~0xeull) | src | (shadow & CR0_PE)))
            skip_instruction(vm, e);
        break;
    }
    }
}
