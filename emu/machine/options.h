/* The vtx command line (a QEMU-compatible subset). */
#ifndef EMU_OPTIONS_H
#define EMU_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEFAULT_RAM (128ull << 20)

struct vtx_options {
    const char *kernel;
    const char *append;       /* NULL: none */
    const char *initrd;       /* NULL: none */
    uint64_t ram;
    int ncpu;
    uint32_t debug;           /* DBG_* flags */
};

enum options_result { OPTIONS_RUN, OPTIONS_HELP, OPTIONS_ERROR };

/* Parse argv; on OPTIONS_ERROR err holds a one-line reason. */
enum options_result options_parse(int argc, char **argv, struct vtx_options *o, char *err, size_t errlen);
/* The --help text. */
extern const char options_usage[];

/* -m SIZE as QEMU reads it: a number, optionally with a fraction, and a
 * suffix B, K, M (the default), G, T; rounded up to 8 KiB as QEMU does. */
bool parse_mem_size(const char *s, uint64_t *out);
/* -smp N or -smp cpus=N. */
bool parse_smp(const char *s, int *out);
/* -d LIST: comma-separated unimp, exc, int, cpu. */
bool parse_debug(const char *s, uint32_t *out);

#endif
