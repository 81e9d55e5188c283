/* fw_cfg, ACPI and MP table access for the test kernels (firmware.h). */
#include "firmware.h"

#include "kern.h"

void fw_cfg_select(uint16_t key) { outw(FW_CFG_CTL, key); }

uint64_t fw_cfg_next_le(int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)inb(FW_CFG_DATA) << (8 * i);
    return v;
}

uint64_t fw_cfg_next_be(int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | inb(FW_CFG_DATA);
    return v;
}

uint64_t fw_cfg_item(uint16_t key, int n)
{
    fw_cfg_select(key);
    return fw_cfg_next_le(n);
}

bool sum_ok(const uint8_t *p, uint32_t len)
{
    uint8_t s = 0;
    for (uint32_t i = 0; i < len; i++)
        s = (uint8_t)(s + p[i]);
    return s == 0;
}

uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/* A 16-byte-aligned signature with a valid checksum over len bytes in
 * [from, to). */
static const uint8_t *scan(uint32_t from, uint32_t to, const char *sig, int siglen, uint32_t len)
{
    for (uint32_t a = from; a + len <= to; a += 16) {
        const uint8_t *p = (const uint8_t *)(uintptr_t)a;
        if (memcmp(p, sig, (size_t)siglen) == 0 && sum_ok(p, len))
            return p;
    }
    return NULL;
}

static uint32_t ebda(void)
{
    return (uint32_t)rd16((const uint8_t *)(uintptr_t)0x40e) << 4;   /* BIOS data area */
}

const uint8_t *acpi_find_rsdp(void)
{
    const uint8_t *p = ebda() ? scan(ebda(), ebda() + 1024, "RSD PTR ", 8, 20) : NULL;
    return p ? p : scan(0xe0000, 0x100000, "RSD PTR ", 8, 20);
}

const uint8_t *acpi_find_table(const char sig[4])
{
    const uint8_t *rsdp = acpi_find_rsdp();
    if (!rsdp)
        return NULL;
    bool ext = rsdp[15] >= 2;
    const uint8_t *sdt = (const uint8_t *)(uintptr_t)(ext ? rd32(rsdp + 24) : rd32(rsdp + 16));
    uint32_t esize = ext ? 8 : 4;
    for (uint32_t off = 36; off + esize <= rd32(sdt + 4); off += esize) {
        const uint8_t *t = (const uint8_t *)(uintptr_t)rd32(sdt + off);
        if (memcmp(t, sig, 4) == 0)
            return t;
    }
    return NULL;
}

int acpi_madt_cpus(uint8_t *ids, int max)
{
    const uint8_t *madt = acpi_find_table("APIC");
    int n = 0;
    for (uint32_t off = 44; madt && off + 2 <= rd32(madt + 4); off += madt[off + 1]) {
        if (madt[off + 1] < 2)
            break;
        if (madt[off] == 0 && (rd32(madt + off + 4) & 1) && n < max)
            ids[n++] = madt[off + 3];
    }
    return n;
}

const uint8_t *mp_find_floating(void)
{
    const uint8_t *p = ebda() ? scan(ebda(), ebda() + 1024, "_MP_", 4, 16) : NULL;
    if (!p)
        p = scan(639 * 1024, 640 * 1024, "_MP_", 4, 16);
    return p ? p : scan(0xf0000, 0x100000, "_MP_", 4, 16);
}
