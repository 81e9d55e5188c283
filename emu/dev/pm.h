/* The PIIX4 ACPI PM1a registers (power-off). */
#ifndef EMU_PM_H
#define EMU_PM_H

#include <stdint.h>

struct machine;

#define PM_BASE      0x600   /* PM1a_STS 0x600, PM1a_EN 0x602, PM1a_CNT 0x604 */
#define PM1_SCI_EN   0x0001
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN   0x2000

struct pm {
    struct machine *m;
    uint16_t sts, en, cnt;
};

struct pm *pm_new(struct machine *m);
void pm_free(struct pm *p);

#endif
