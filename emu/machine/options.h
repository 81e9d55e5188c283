/* The vtx command line (a QEMU-compatible subset). */
#ifndef EMU_OPTIONS_H
#define EMU_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine.h"

#define DEFAULT_RAM (128ull << 20)
#define OPT_MAX_CHARDEVS 8
#define OPT_TEXT_MAX 1024     /* a file name or chardev id */
#define OPT_ID_MAX 64

/* Where a character device goes: -serial / -debugcon values and -chardev
 * back ends. */
enum opt_chr_kind {
    CHR_STDIO,                /* stdio, mon:stdio */
    CHR_FILE,                 /* file:PATH, -chardev file,path=PATH */
    CHR_NULL,                 /* null: output discarded, no input */
    CHR_NONE,                 /* none: no device at all */
    CHR_ID,                   /* chardev:ID, chardev=ID: a -chardev */
};

struct opt_chr {
    enum opt_chr_kind kind;
    bool append;              /* CHR_FILE: -chardev file,append=on */
    char text[OPT_TEXT_MAX];  /* CHR_FILE: the path; CHR_ID: the id */
};

struct opt_chardev {          /* -chardev BACKEND,id=ID[,...] */
    char id[OPT_ID_MAX];
    struct opt_chr backend;   /* CHR_STDIO, CHR_FILE or CHR_NULL */
};

struct opt_debugcon {         /* -debugcon, -device isa-debugcon */
    uint16_t iobase;
    uint8_t readback;
    struct opt_chr chr;
};

struct vtx_options {
    const char *kernel;
    const char *append;       /* NULL: none */
    const char *initrd;       /* NULL: none */
    uint64_t ram;
    int ncpu;
    uint32_t debug;           /* DBG_* flags */
    enum machine_type machine;
    uint64_t max_ram_below_4g;   /* 0: the machine's default */
    const char *trace_file;   /* -D: NULL for stderr */
    const char *pidfile;      /* NULL: none */

    struct opt_chr serial;    /* COM1: stdio unless -serial says otherwise */
    int nserial;              /* serial ports asked for (QEMU: COM1, COM2, ...) */
    bool serial_given;        /* any -serial, even none: no default COM1 */
    struct opt_chardev chardevs[OPT_MAX_CHARDEVS];
    int nchardevs;
    struct opt_debugcon debugcons[MACHINE_MAX_DEBUGCONS];
    int ndebugcons;
    bool debugcon_given;      /* -debugcon (QEMU takes one) */
    struct { uint16_t base, size; } exits[MACHINE_MAX_EXITS];
    int nexits;               /* -device isa-debug-exit */
};

enum options_result { OPTIONS_RUN, OPTIONS_HELP, OPTIONS_ERROR };

/* Parse argv; on OPTIONS_ERROR err holds a one-line reason. */
enum options_result options_parse(int argc, char **argv, struct vtx_options *o, char *err, size_t errlen);
/* The --help text. */
extern const char options_usage[];
/* Whether COM1 exists (no "-serial none" alone) and its back end. */
const struct opt_chr *options_com1(const struct vtx_options *o);
/* The -chardev with this id, or NULL. */
const struct opt_chardev *options_chardev(const struct vtx_options *o, const char *id);

/* -m SIZE as QEMU reads it: a number, optionally with a fraction, and a
 * suffix B, K, M (the default), G, T; rounded up to 8 KiB as QEMU does. */
bool parse_mem_size(const char *s, uint64_t *out);
/* -m SIZE[,slots=N][,maxmem=SIZE] (or size=SIZE,...). */
bool parse_mem_option(const char *s, uint64_t *out);
/* A size with a default unit of bytes (QEMU's "size" properties such as
 * max-ram-below-4g and maxmem): 2G, 512M, 4096. */
bool parse_byte_size(const char *s, uint64_t *out);
/* An integer as QEMU's property parser reads it (strtoull base 0:
 * 0x hex, a leading 0 octal, else decimal), at most max. */
bool parse_number(const char *s, uint64_t max, uint64_t *out);
/* -smp [cpus=]N[,sockets=S][,dies=D][,clusters=C][,cores=C][,threads=T]
 * [,maxcpus=M]: the CPU count, by QEMU's rules (hw/core/machine-smp.c). */
bool parse_smp(const char *s, int *out);
/* -d LIST: vtx's unimp, exc, int, cpu and QEMU's cpu_reset, guest_errors,
 * exec, in_asm, op, pcall (accepted, nothing to trace). */
bool parse_debug(const char *s, uint32_t *out);

/* One item of a QEMU option string "a,key=val,..." (QemuOpts syntax, ",,"
 * is a literal comma): next_opt_item returns 1 with the item, 0 at the
 * end, -1 when a key or value is too long. */
struct opt_item {
    char key[OPT_ID_MAX];
    char val[OPT_TEXT_MAX];
    bool has_val;             /* "key=val" rather than a bare "key" */
};
int next_opt_item(const char **p, struct opt_item *it);

#endif
