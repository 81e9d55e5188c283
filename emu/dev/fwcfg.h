/* QEMU's firmware configuration device (fw_cfg), legacy port interface. */
#ifndef EMU_FWCFG_H
#define EMU_FWCFG_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

#define FWCFG_PORT_SEL  0x510   /* selector, 16-bit writes */
#define FWCFG_PORT_DATA 0x511   /* data, byte reads */

#define FW_CFG_SIGNATURE      0x0000
#define FW_CFG_ID             0x0001
#define FW_CFG_RAM_SIZE       0x0003
#define FW_CFG_NB_CPUS        0x0005
#define FW_CFG_MAX_CPUS       0x000f
#define FW_CFG_CMDLINE_SIZE   0x0014
#define FW_CFG_CMDLINE_DATA   0x0015
#define FW_CFG_FILE_DIR       0x0019
#define FW_CFG_FILE_FIRST     0x0020

#define FWCFG_MAX_ITEMS 16
#define FWCFG_MAX_FILES 4

struct fwcfg_item {
    uint16_t key;
    uint32_t len;
    uint8_t *data;      /* owned */
};

struct fwcfg {
    struct fwcfg_item items[FWCFG_MAX_ITEMS];
    int nitems, nfiles;
    uint16_t sel;       /* the selected key */
    uint32_t off;       /* read offset in the selected item */
};

/* Registers ports 0x510-0x511 with the items of a machine with ncpu CPUs:
 * signature, ID, RAM size, CPU counts and the file directory with
 * "etc/e820". */
struct fwcfg *fwcfg_new(struct machine *m, int ncpu);
void fwcfg_free(struct fwcfg *f);
/* Add an item (a copy of data); false when full. */
bool fwcfg_add(struct fwcfg *f, uint16_t key, const void *data, uint32_t len);
/* Add a named file at the next file key, listed in FW_CFG_FILE_DIR. */
bool fwcfg_add_file(struct fwcfg *f, const char *name, const void *data, uint32_t len);
/* Port access (exposed for the tests). */
void fwcfg_select(struct fwcfg *f, uint16_t key);
uint8_t fwcfg_read_byte(struct fwcfg *f);

#endif
