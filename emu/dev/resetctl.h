/* The chipset's Reset Control register at port 0xCF9. */
#ifndef EMU_RESETCTL_H
#define EMU_RESETCTL_H

#include <stdint.h>

struct machine;

#define RESETCTL_PORT 0xCF9
#define RESETCTL_PCI_BASE 0xCF8        /* the PCI configuration ports it sits in */
#define RESETCTL_PCI_LEN  8
#define RESETCTL_RST_CPU 0x04          /* bit 2: do the reset */
#define RESETCTL_KEEP_PIIX3 0x02       /* PIIX3 RCR keeps SYS_RST */
#define RESETCTL_KEEP_ICH9  0x0A       /* ICH9 RST_CNT keeps FULL_RST, SYS_RST */

struct resetctl {
    struct machine *m;
    uint8_t keep;                      /* RESETCTL_KEEP_* of the chipset */
    uint8_t value;
};

struct resetctl *resetctl_new(struct machine *m, uint8_t keep);
void resetctl_free(struct resetctl *r);
/* One write / read of the register (exposed for the tests). */
void resetctl_write(struct resetctl *r, uint8_t val);
uint8_t resetctl_read(const struct resetctl *r);

#endif
