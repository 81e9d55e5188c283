/* What a PC's firmware leaves for a kernel, found the standard ways:
 * QEMU's fw_cfg (docs/specs/fw_cfg.txt, legacy ports 0x510/0x511), the
 * ACPI tables (ACPI spec "Finding the RSDP on IA-PC Systems") and the MP
 * tables (MP spec 1.4 "MP Floating Pointer Structure"). */
#ifndef KERN_FIRMWARE_H
#define KERN_FIRMWARE_H

#include <stdbool.h>
#include <stdint.h>

#define FW_CFG_CTL 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_NB_CPUS 0x05

void fw_cfg_select(uint16_t key);
uint64_t fw_cfg_next_le(int n);              /* n bytes of the selected item */
uint64_t fw_cfg_next_be(int n);
uint64_t fw_cfg_item(uint16_t key, int n);   /* select, then n bytes LE */

bool sum_ok(const uint8_t *p, uint32_t len); /* the bytes sum to 0 */
uint32_t rd32(const uint8_t *p);             /* unaligned little-endian */
uint16_t rd16(const uint8_t *p);

/* The RSDP: the EBDA's first KiB, then 0xE0000-0xFFFFF; NULL if absent. */
const uint8_t *acpi_find_rsdp(void);
/* A table listed by the XSDT (or RSDT), by signature; NULL if absent. */
const uint8_t *acpi_find_table(const char sig[4]);
/* The APIC IDs of the MADT's enabled Processor Local APIC entries. */
int acpi_madt_cpus(uint8_t *ids, int max);

/* The MP floating pointer ("_MP_", checksum valid): the EBDA's first KiB,
 * the last KiB of base memory, 0xF0000-0xFFFFF; NULL if absent. */
const uint8_t *mp_find_floating(void);

#endif
