/* Reaching a guest's memory from hv: guest-physical -> hv pointer (only
 * inside the VM's RAM), and guest-linear -> guest-physical by walking the
 * guest's own page tables in whichever paging mode it is in. SDM Vol. 3A,
 * "Paging": "32-Bit Paging", "PAE Paging", "4-Level Paging and 5-Level
 * Paging", "Access Rights", "Page-Fault Exceptions"; with EPT the PAE
 * PDPTEs are in the VMCS (SDM Vol. 3C, "Loading Guest PDPTEs"? see
 * "Checks on Guest Page-Directory-Pointer-Table Entries"). */
#include "hv.h"


void *gpa_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
    if (gpa >= vm->ram_size || len > vm->ram_size - gpa)
        return NULL;
    return (void *)(vm->ram_hpa + gpa);
}

bool guest_long_mode(void) { return (vmr(VMCS_GUEST_IA32_EFER) & EFER_LMA) != 0; }
bool guest_64bit_code(void) { return guest_long_mode() && (vmr(VMCS_GUEST_CS_AR) & AR_L); }
unsigned guest_cpl(void) { return AR_DPL(vmr(VMCS_GUEST_SS_AR)); }

/* One paging-structure entry: 8 or 4 bytes at gpa. */
static bool read_entry(struct vm *vm, uint64_t gpa, bool wide, uint64_t *e)
{
    void *p = gpa_ptr(vm, gpa, wide ? 8 : 4);
    if (!p)
        return false;
    *e = wide ? *(uint64_t *)p : *(uint32_t *)p;
    return true;
}

struct walk { bool write, user, wp; uint32_t pfec; };

/* Rights along the walk: "Access Rights" (supervisor writes honour CR0.WP). */
static bool rights_ok(struct walk *w, uint64_t e)
{
    if (w->write && !(e & PTE_W) && (w->user || w->wp))
        return false;
    if (w->user && !(e & PTE_U))
        return false;
    return true;
}

bool gva_to_gpa(struct vm *vm, uint64_t gva, bool write, uint64_t *gpa, uint32_t *pfec)
{
    uint64_t cr0 = vmr(VMCS_GUEST_CR0), cr4 = vmr(VMCS_GUEST_CR4), cr3 = vmr(VMCS_GUEST_CR3);
    struct walk w = { write, guest_cpl() == 3, (cr0 & CR0_WP) != 0, 0 };
    uint32_t base_code = (write ? PFEC_W : 0) | (w.user ? PFEC_U : 0);
    *pfec = base_code;
    if (!(cr0 & CR0_PG)) {
        *gpa = guest_long_mode() ? gva : (uint32_t)gva;
        return true;
    }
    uint64_t e, table;
    int levels, shift;
    bool wide = true;
    if (guest_long_mode()) {
        levels = 4;
        table = cr3 & 0x000ffffffffff000ull;
    } else if (cr4 & CR4_PAE) {
        /* The PDPTEs as loaded into the VMCS (EPT on). */
        e = vmr(VMCS_GUEST_PDPTE0 + 2 * ((gva >> 30) & 3));
        if (!(e & PTE_P))
            return false;
        levels = 2;
        table = e & 0x000ffffffffff000ull;
    } else {
        levels = 2;
        wide = false;
        table = cr3 & 0xfffff000ull;
    }
    for (int l = levels; l >= 1; l--) {
        shift = wide ? 12 + 9 * (l - 1) : 12 + 10 * (l - 1);
        uint64_t idx = wide ? (gva >> shift) & 511 : (gva >> shift) & 1023;
        if (!read_entry(vm, table + idx * (wide ? 8 : 4), wide, &e)) {
            *pfec = PFEC_NOT_RAM;
            return false;
        }
        if (!(e & PTE_P))
            return false;
        if (!rights_ok(&w, e)) {
            *pfec = base_code | PFEC_P;
            return false;
        }
        bool large = l > 1 && (e & PTE_PS) && (wide ? l <= 3 : (cr4 & CR4_PSE) != 0);
        if (large) {
            uint64_t size = 1ull << shift;
            uint64_t frame = wide ? e & 0x000fffffffffe000ull & ~(size - 1)
                                  : (e & 0xffc00000ull) | ((e >> 13 & 0xff) << 32);
            *gpa = frame + (gva & (size - 1));
            return true;
        }
        table = wide ? e & 0x000ffffffffff000ull : e & 0xfffff000ull;
    }
    *gpa = table + (gva & 0xfff);
    return true;
}

static bool guest_copy(struct vm *vm, uint64_t gva, void *buf, uint64_t len, bool write,
                       uint64_t *fault_gva, uint32_t *pfec)
{
    uint8_t *b = buf;
    while (len) {
        uint64_t gpa, chunk = 4096 - (gva & 0xfff);
        if (chunk > len) chunk = len;
        uint8_t *p;
        if (!gva_to_gpa(vm, gva, write, &gpa, pfec)) {
            *fault_gva = gva;
            return false;
        }
        if (!(p = gpa_ptr(vm, gpa, chunk))) {
            *fault_gva = gva;
            *pfec = PFEC_NOT_RAM;
            return false;
        }
        if (write) memcpy(p, b, chunk);
        else memcpy(b, p, chunk);
        gva += chunk; b += chunk; len -= chunk;
    }
    return true;
}

bool guest_read(struct vm *vm, uint64_t gva, void *buf, uint64_t len, uint64_t *fault_gva, uint32_t *pfec)
{
    return guest_copy(vm, gva, buf, len, false, fault_gva, pfec);
}

bool guest_write(struct vm *vm, uint64_t gva, const void *buf, uint64_t len, uint64_t *fault_gva, uint32_t *pfec)
{
    return guest_copy(vm, gva, (void *)buf, len, true, fault_gva, pfec);
}

/* PAE paging entered through hv (MOV to CR0/CR4 emulated): load the four
 * PDPTEs from the guest's CR3 into the VMCS, as the CPU would have.
 * SDM Vol. 3A, "PDPTE Registers". */
bool guest_load_pdptes(struct vm *vm, uint64_t cr3)
{
    uint64_t *p = gpa_ptr(vm, cr3 & 0xffffffe0ull, 32);
    if (!p)
        return false;
    for (int i = 0; i < 4; i++)
        vmw_now(VMCS_GUEST_PDPTE0 + 2 * i, p[i]);
    return true;
}
