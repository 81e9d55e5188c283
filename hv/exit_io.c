/* I/O instructions (exit reason 30). Every port of every VM exits (its I/O
 * bitmaps are all ones) and lands on the VM's own little port bus:
 *   3F8H-3FFH  virtual 16550 COM1 (uart_virt.c)
 *   F4H        debug exit: a write ends the VM with the value as status
 *   510H-511H  fw_cfg (fwcfg_virt.c)
 *   anything else: reads give all ones, writes are dropped.
 * Nothing reaches a real device. SDM Vol. 3C, "Exit Qualification for I/O
 * Instructions", "I/O-Bitmap Addresses"; INS/OUTS: "VM-Exit Instruction
 * Information", and Vol. 2 "INS/INSB/INSW/INSD", "OUTS/OUTSB/OUTSW/OUTSD". */
#include "hv.h"

#define STRING_IO_CHUNK 4096    /* elements per exit; the rest re-executes */

void io_bitmap_init(struct vm *vm)
{
    memset(vm->pg->io_bitmap_a, 0xff, 4096);
    memset(vm->pg->io_bitmap_b, 0xff, 4096);
}

static uint32_t port_read(struct vm *vm, uint16_t port, unsigned size)
{
    if (port >= COM1_BASE && port < COM1_BASE + 8)
        return uart_read(vm, port - COM1_BASE);
    if (port == FWCFG_PORT_SEL || port == FWCFG_PORT_DATA)
        return fwcfg_read(vm, port, size);
    return 0xffffffffu >> (32 - 8 * size);
}

/* Returns false when the write ended the VM. */
static bool port_write(struct vm *vm, uint16_t port, unsigned size, uint32_t v)
{
    if (port >= COM1_BASE && port < COM1_BASE + 8)
        uart_write(vm, port - COM1_BASE, (uint8_t)v);
    else if (port == FWCFG_PORT_SEL || port == FWCFG_PORT_DATA)
        fwcfg_write(vm, port, size, v);
    else if (port == DEBUG_EXIT_PORT) {
        vm_end(vm, END_EXIT_PORT, v, "exit status %u (debug-exit port 0x%x)", v, DEBUG_EXIT_PORT);
        return false;
    }
    return true;
}

static void io_simple(struct vm *vm, struct exit_info *e, uint16_t port, unsigned size, bool in)
{
    uint64_t mask = 0xffffffffull >> (32 - 8 * size);
    uint64_t *rax = &vm->regs.gpr[GPR_RAX];
    if (in) {
        uint32_t v = port_read(vm, port, size);
        /* IN to EAX zero-extends into RAX; to AL/AX merges. */
        *rax = size == 4 ? v : (*rax & ~mask) | (v & mask);
    } else if (!port_write(vm, port, size, (uint32_t)(*rax & mask))) {
        return;
    }
    skip_instruction(vm, e);
}

/* Address size of INS/OUTS: from the instruction information when the CPU
 * provides it (IA32_VMX_BASIC bit 54), else the code segment's default. */
static unsigned string_addr_bits(const struct exit_info *e)
{
    if (hv.caps.basic & VMX_BASIC_INOUT_INFO)
        return 16u << INSNINFO_ADDR_SIZE(e->insn_info);
    if (guest_64bit_code())
        return 64;
    return (vmr(VMCS_GUEST_CS_AR) & AR_DB) ? 32 : 16;
}

/* OUTS uses DS:RSI (segment override in instruction-information bits
 * 17:15), INS uses ES:RDI. */
static uint64_t string_seg_base(const struct exit_info *e, bool in)
{
    unsigned seg = SEG_DS;
    if (in)
        seg = SEG_ES;
    else if (hv.caps.basic & VMX_BASIC_INOUT_INFO)
        seg = (e->insn_info >> 15) & 7;
    if (guest_64bit_code() && seg != SEG_FS && seg != SEG_GS)
        return 0;
    return vmr(VMCS_GUEST_ES_BASE + 2 * seg);
}

static void io_string(struct vm *vm, struct exit_info *e, uint16_t port, unsigned size, bool in, bool rep)
{
    unsigned bits = string_addr_bits(e);
    uint64_t amask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    unsigned ireg = in ? GPR_RDI : GPR_RSI;
    uint64_t base = string_seg_base(e, in);
    int64_t step = (vmr(VMCS_GUEST_RFLAGS) & RFLAGS_DF) ? -(int64_t)size : (int64_t)size;
    uint64_t count = rep ? vm->regs.gpr[GPR_RCX] & amask : 1;
    for (unsigned n = 0; count && n < STRING_IO_CHUNK; n++) {
        uint64_t idx = vm->regs.gpr[ireg] & amask, gva = base + idx, fault;
        uint32_t v = 0, pfec;
        bool ok = in ? (v = port_read(vm, port, size), guest_write(vm, gva, &v, size, &fault, &pfec))
                     : guest_read(vm, gva, &v, size, &fault, &pfec);
        if (!ok) {
            if (pfec == PFEC_NOT_RAM)
                vm_end(vm, END_EPT_VIOLATION, 0, "string I/O at linear 0x%lx reaches guest-physical"
                       " memory outside its RAM, RIP 0x%lx", fault, e->rip);
            else
                inject_pf(vm, e, fault, pfec);
            return;
        }
        if (!in && !port_write(vm, port, size, v))
            return;
        vm->regs.gpr[ireg] = (vm->regs.gpr[ireg] & ~amask) | ((idx + step) & amask);
        count--;
        if (rep)
            vm->regs.gpr[GPR_RCX] = (vm->regs.gpr[GPR_RCX] & ~amask) | count;
    }
    if (!count)
        skip_instruction(vm, e);                /* else: re-executes for the rest */
}

void exit_io(struct vm *vm, struct exit_info *e)
{
    uint64_t q = e->qualification;
    uint16_t port = (uint16_t)IOQ_PORT(q);
    unsigned size = IOQ_SIZE(q);
    bool in = (q & IOQ_IN) != 0;
    if (size != 1 && size != 2 && size != 4) {
        exit_unexpected(vm, e);
        return;
    }
    if (q & IOQ_STRING) {
        e->insn_info = (uint32_t)vmr(VMCS_EXIT_INSTRUCTION_INFO);
        io_string(vm, e, port, size, in, (q & IOQ_REP) != 0);
    }
    else
        io_simple(vm, e, port, size, in);
}
