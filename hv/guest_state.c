/* The register state a VM starts in, for each kind of guest hv runs:
 *   long64  64-bit mode, paging on (hv's identity map of 4 GiB), for the
 *           built-in 64-bit demo guests;
 *   prot32  32-bit protected mode, flat segments, paging off: the state a
 *           multiboot loader leaves (Multiboot Specification 0.6.96,
 *           "Machine state");
 *   real    real mode at 0000:7C00, run under unrestricted guest.
 * The values must pass SDM Vol. 3C "Checks on the Guest State Area"
 * ("Checks on Guest Control Registers, Debug Registers, and MSRs", "Checks
 * on Guest Segment Registers", "Checks on Guest Descriptor-Table
 * Registers", "Checks on Guest RIP, RFLAGS, and SSP"). */
#include "hv.h"
#include "guest_layout.h"

#define AR_CODE64   0xa09bu     /* P S type 1011 (code, read, accessed) L G */
#define AR_CODE32   0xc09bu     /* P S type 1011 D/B G */
#define AR_DATA32   0xc093u     /* P S type 0011 (data, write, accessed) D/B G */
#define AR_CODE16   0x009bu
#define AR_DATA16   0x0093u
#define AR_TSS_BUSY 0x008bu     /* P, type 1011: busy 32/64-bit TSS */
#define AR_UNUSABLE_SEG 0x10000u

/* CR0/CR4 as the CPU must hold them for a value the guest sees: the
 * guest/host masks make the guest read its own value (the read shadow).
 * "VMX-Fixed Bits in CR0" / "... in CR4"; PE and PG may be 0 under
 * unrestricted guest. */
uint64_t guest_cr0_real_value(uint64_t visible)
{
    uint64_t fixed0 = hv.caps.cr0_fixed0 & ~(CR0_PE | CR0_PG);
    return (visible | fixed0) & hv.caps.cr0_fixed1;
}

uint64_t guest_cr4_real_value(uint64_t visible)
{
    return (visible | hv.caps.cr4_fixed0) & hv.caps.cr4_fixed1;
}

static void write_crs(struct vmcs_writer *w, uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer)
{
    vmw(w, VMCS_GUEST_CR0, guest_cr0_real_value(cr0));
    vmw(w, VMCS_CR0_READ_SHADOW, cr0);
    vmw(w, VMCS_GUEST_CR3, cr3);
    vmw(w, VMCS_GUEST_CR4, guest_cr4_real_value(cr4));
    vmw(w, VMCS_CR4_READ_SHADOW, cr4);
    vmw(w, VMCS_GUEST_IA32_EFER, efer);
    uint32_t entry = hv.ctl.entry & ~VMX_CTL(ENTRY_IA32E_MODE_GUEST);
    if (efer & EFER_LMA)
        entry |= VMX_CTL(ENTRY_IA32E_MODE_GUEST);
    vmw(w, VMCS_ENTRY_CONTROLS, entry);
}

static void write_segs(struct vmcs_writer *w, const struct seg *code, const struct seg *data,
                       const struct seg *tr)
{
    static const struct seg ldtr = { 0, 0, 0, AR_UNUSABLE_SEG };
    vmw_seg(w, SEG_CS, code);
    vmw_seg(w, SEG_SS, data);
    vmw_seg(w, SEG_DS, data);
    vmw_seg(w, SEG_ES, data);
    vmw_seg(w, SEG_FS, data);
    vmw_seg(w, SEG_GS, data);
    vmw_seg(w, SEG_LDTR, &ldtr);
    vmw_seg(w, SEG_TR, tr);
}

static void write_start(struct vm *vm, struct vmcs_writer *w, const struct guest_start *s)
{
    vmw(w, VMCS_GUEST_RIP, s->rip);
    vmw(w, VMCS_GUEST_RSP, s->rsp);
    vmw(w, VMCS_GUEST_RFLAGS, RFLAGS_FIXED1);       /* IF = 0 */
    memset(&vm->regs, 0, sizeof vm->regs);
    vm->regs.gpr[GPR_RAX] = s->rax;
    vm->regs.gpr[GPR_RBX] = s->rbx;
    vm->regs.gpr[GPR_RDI] = s->rdi;
}

/* A GDT in guest memory matching the segment state, so that a guest that
 * reloads a segment register before loading its own GDT gets the same
 * segment. Entries: null, code (0x08), data (0x10), TSS (0x18). */
static bool write_gdt(struct vm *vm, uint64_t gdt_gpa, uint64_t code_desc, uint64_t tss_gpa, bool tss64)
{
    uint64_t *gdt = gpa_ptr(vm, gdt_gpa, 5 * 8);
    if (!gdt || !gpa_ptr(vm, tss_gpa, 0x68))
        return false;
    gdt[0] = 0;
    gdt[1] = code_desc;
    gdt[2] = 0x00cf93000000ffffull;                 /* data, 4 GiB, accessed */
    gdt[3] = 0x0000000000000067ull | ((tss_gpa & 0xffffff) << 16) | (0x8bull << 40) |
             ((tss_gpa >> 24 & 0xff) << 56);
    gdt[4] = tss64 ? tss_gpa >> 32 : 0;
    return true;
}

bool guest_state_long64(struct vm *vm, const struct guest_start *s)
{
    /* Identity map of the first 4 GiB with 2-MiB pages (guest paging; EPT
     * still allows only the VM's RAM). */
    uint64_t *pml4 = gpa_ptr(vm, G64_PML4, 4096), *pdpt = gpa_ptr(vm, G64_PDPT, 4096);
    uint64_t *pd = gpa_ptr(vm, G64_PD, 4 * 4096);
    if (!pml4 || !pdpt || !pd || !write_gdt(vm, G64_GDT, 0x00af9b000000ffffull, G64_TSS, true))
        return false;
    pml4[0] = G64_PDPT | PTE_P | PTE_W;
    for (int i = 0; i < 4; i++)
        pdpt[i] = (G64_PD + 4096 * i) | PTE_P | PTE_W;
    for (int i = 0; i < 4 * 512; i++)
        pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_W | PTE_PS;
    struct vmcs_writer w = { 0 };
    write_crs(&w, CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG, G64_PML4, CR4_PAE,
              EFER_LME | EFER_LMA);
    struct seg code = { 0x08, 0, 0xffffffff, AR_CODE64 }, data = { 0x10, 0, 0xffffffff, AR_DATA32 };
    struct seg tr = { 0x18, G64_TSS, 0x67, AR_TSS_BUSY };
    write_segs(&w, &code, &data, &tr);
    vmw(&w, VMCS_GUEST_GDTR_BASE, G64_GDT);
    vmw(&w, VMCS_GUEST_GDTR_LIMIT, 5 * 8 - 1);
    vmw(&w, VMCS_GUEST_IDTR_BASE, 0);               /* no IDT: a fault ends in a */
    vmw(&w, VMCS_GUEST_IDTR_LIMIT, 0);              /* triple fault, seen by hv */
    write_start(vm, &w, s);
    return vmw_check(&w, vm->name);
}

bool guest_state_prot32(struct vm *vm, const struct guest_start *s)
{
    if (!write_gdt(vm, MB_GDT, 0x00cf9b000000ffffull, MB_TSS, false))
        return false;
    struct vmcs_writer w = { 0 };
    write_crs(&w, CR0_PE | CR0_ET, 0, 0, 0);
    struct seg code = { 0x08, 0, 0xffffffff, AR_CODE32 }, data = { 0x10, 0, 0xffffffff, AR_DATA32 };
    struct seg tr = { 0x18, MB_TSS, 0x67, AR_TSS_BUSY };
    write_segs(&w, &code, &data, &tr);
    vmw(&w, VMCS_GUEST_GDTR_BASE, MB_GDT);
    vmw(&w, VMCS_GUEST_GDTR_LIMIT, 4 * 8 - 1);
    vmw(&w, VMCS_GUEST_IDTR_BASE, 0);
    vmw(&w, VMCS_GUEST_IDTR_LIMIT, 0);
    write_start(vm, &w, s);
    return vmw_check(&w, vm->name);
}

bool guest_state_real(struct vm *vm, const struct guest_start *s)
{
    struct vmcs_writer w = { 0 };
    write_crs(&w, CR0_ET, 0, 0, 0);
    struct seg code = { 0, 0, 0xffff, AR_CODE16 }, data = { 0, 0, 0xffff, AR_DATA16 };
    struct seg tr = { 0, 0, 0xffff, AR_TSS_BUSY };
    write_segs(&w, &code, &data, &tr);
    vmw(&w, VMCS_GUEST_GDTR_BASE, 0);
    vmw(&w, VMCS_GUEST_GDTR_LIMIT, 0xffff);
    vmw(&w, VMCS_GUEST_IDTR_BASE, 0);               /* the real-mode IVT */
    vmw(&w, VMCS_GUEST_IDTR_LIMIT, 0x3ff);
    write_start(vm, &w, s);
    return vmw_check(&w, vm->name);
}
