/* The devices QEMU's pc machine has beside the legacy PC ones and that
 * QEMU's own test kernels (kvm-unit-tests) use: fw_cfg (emu/dev/fwcfg.c)
 * and pc-testdev (emu/dev/testdev.c); and the ACPI tables (acpi.c) with the
 * PM1a registers that power off (emu/dev/pm.c), and the MP spec tables
 * (mptable.c).
 * board.c creates them with the standard devices. */
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>

#include "acpi.h"
#include "dev/fwcfg.h"
#include "dev/pm.h"
#include "dev/testdev.h"
#include "machine.h"
#include "mptable.h"

bool platform_add(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    struct platform *p = calloc(1, sizeof *p);
    m->platform = p;
    if (!p || !(p->fwcfg = fwcfg_new(m, cfg->ncpu)) || !(p->testdev = testdev_new(m, m->pic))) {
        snprintf(err, errlen, "cannot create fw_cfg and pc-testdev");
        return false;
    }
    int ncpu = cfg->ncpu < 1 ? 1 : cfg->ncpu;
    if (!(p->pm = pm_new(m)) || !acpi_build(m, ncpu) || !mptable_build(m, ncpu)) {
        snprintf(err, errlen, "cannot create the ACPI and MP tables and PM registers");
        return false;
    }
    return true;
}

void platform_free(struct machine *m)
{
    struct platform *p = m->platform;
    if (!p)
        return;
    fwcfg_free(p->fwcfg);
    testdev_free(p->testdev);
    pm_free(p->pm);
    free(p);
    m->platform = NULL;
}
