/* QEMU's platform devices beside the legacy PC ones (platform.c). */
#ifndef EMU_PLATFORM_H
#define EMU_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

struct machine;
struct machine_config;
struct fwcfg;
struct testdev;
struct pm;

struct platform {
    struct fwcfg *fwcfg;
    struct testdev *testdev;
    struct pm *pm;
};

/* Creates them on m (board.c, with the standard devices). */
bool platform_add(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);
void platform_free(struct machine *m);

#endif
