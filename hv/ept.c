/* Each VM's EPT maps guest-physical 0..ram_size to its own RAM and nothing
 * else, so any other guest-physical access is an EPT violation (exit 48).
 * SDM Vol. 3C, "The Extended Page Table Mechanism (EPT)": "EPT Translation
 * Mechanism", "Format of the EPT Paging-Structure Entries" (tables of the
 * PML4E, PDPTE, PDE and PTE formats), "EPT and Memory Typing". */
#include "hv.h"

static uint64_t *table_alloc(void)
{
    return pmem_alloc(4096, 4096);
}

/* The entry for gpa at `level` (4 = PML4E ... 1 = PTE), creating tables. */
static uint64_t *ept_entry(struct vm *vm, uint64_t gpa, int level)
{
    uint64_t *t = vm->pg->ept_pml4;
    for (int l = 4; l > level; l--) {
        uint64_t *e = &t[(gpa >> (12 + 9 * (l - 1))) & 511];
        if (!(*e & EPT_RWX)) {
            uint64_t *n = table_alloc();
            if (!n)
                return NULL;
            /* Non-leaf entries: RWX and the next table's address. */
            *e = (uint64_t)n | EPT_RWX;
        }
        t = (uint64_t *)(*e & EPT_ADDR_MASK);
    }
    return &t[(gpa >> (12 + 9 * (level - 1))) & 511];
}

static unsigned ept_memtype(void)
{
    return (hv.caps.ept_vpid & EPT_CAP_MEMTYPE_WB) ? VMX_MEMTYPE_WB : VMX_MEMTYPE_UC;
}

bool ept_build(struct vm *vm)
{
    uint64_t leaf = EPT_RWX | EPT_MEMTYPE(VMX_MEMTYPE_WB);
    for (uint64_t gpa = 0; gpa < vm->ram_size;) {
        bool big = hv.ctl.ept_2mb && !(gpa & 0x1fffff) && vm->ram_size - gpa >= 0x200000;
        uint64_t *e = ept_entry(vm, gpa, big ? 2 : 1);
        if (!e) {
            printf("hv: %s: no memory for EPT tables\n", vm->name);
            return false;
        }
        *e = (vm->ram_hpa + gpa) | leaf | (big ? EPT_LARGE : 0);
        gpa += big ? 0x200000 : 0x1000;
    }
    /* "Extended-Page-Table Pointer (EPTP)": memory type, walk length - 1. */
    vm->eptp = (uint64_t)vm->pg->ept_pml4 | EPTP_MEMTYPE(ept_memtype()) | EPTP_WALK_LENGTH(4);
    return true;
}

/* "Invalidation of TLBs and Paging-Structure Caches": after building a
 * VM's EPT (a previous user of the same memory may have left mappings
 * derived from it). */
void ept_flush(struct vm *vm)
{
    bool single = hv.caps.ept_vpid & EPT_CAP_INVEPT_SINGLE;
    enum vmx_status st = invept(single ? INVEPT_SINGLE_CONTEXT : INVEPT_ALL_CONTEXT, vm->eptp);
    if (st != VMX_OK)
        vmx_report_fail("INVEPT", st);
}

/* The guest changed its paging mode or CR3 through hv: flush what the CPU
 * cached for this VPID, as the native instruction would have. */
void vpid_flush(struct vm *vm)
{
    bool single = hv.caps.ept_vpid & VPID_CAP_INVVPID_SINGLE;
    enum vmx_status st = invvpid(single ? INVVPID_SINGLE_CONTEXT : INVVPID_ALL_CONTEXT, vm->vpid, 0);
    if (st != VMX_OK)
        vmx_report_fail("INVVPID", st);
}
