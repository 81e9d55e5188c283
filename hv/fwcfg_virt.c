/* A virtual QEMU fw_cfg device (traditional I/O interface): write a key to
 * the selector port 510H (16-bit), read the item bytewise from the data
 * port 511H. QEMU's docs/specs/fw_cfg.txt: keys FW_CFG_SIGNATURE (0000H,
 * "QEMU"), FW_CFG_ID (0001H, bit 0 = traditional interface), FW_CFG_RAM_SIZE
 * (0003H, 64-bit little-endian), FW_CFG_NB_CPUS (0005H, 16-bit),
 * FW_CFG_MAX_CPUS (000FH, 16-bit), FW_CFG_FILE_DIR (0019H, big-endian count
 * then entries: none here). Reading past an item gives 0. */
#include "hv.h"

#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID        0x0001
#define FW_CFG_RAM_SIZE  0x0003
#define FW_CFG_NB_CPUS   0x0005
#define FW_CFG_MAX_CPUS  0x000f
#define FW_CFG_FILE_DIR  0x0019

static uint8_t item_byte(struct vm *vm, uint16_t key, uint32_t off)
{
    uint64_t v;
    unsigned len;
    switch (key) {
    case FW_CFG_SIGNATURE: return off < 4 ? (uint8_t)"QEMU"[off] : 0;
    case FW_CFG_ID:        v = 1; len = 4; break;
    case FW_CFG_RAM_SIZE:  v = vm->ram_size; len = 8; break;
    case FW_CFG_NB_CPUS:   v = 1; len = 2; break;
    case FW_CFG_MAX_CPUS:  v = 1; len = 2; break;
    case FW_CFG_FILE_DIR:  return 0;                /* count 0 (big-endian) */
    default:               return 0;
    }
    return off < len ? (uint8_t)(v >> (8 * off)) : 0;
}

uint32_t fwcfg_read(struct vm *vm, uint16_t port, unsigned size)
{
    if (port != FWCFG_PORT_DATA)
        return 0xffffffffu >> (32 - 8 * size);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)item_byte(vm, vm->fwcfg.key, vm->fwcfg.offset++) << (8 * i);
    return v;
}

void fwcfg_write(struct vm *vm, uint16_t port, unsigned size, uint32_t v)
{
    if (port == FWCFG_PORT_SEL && size >= 2) {
        vm->fwcfg.key = (uint16_t)v;
        vm->fwcfg.offset = 0;
    }
}
