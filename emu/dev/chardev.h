/* Host character back ends for the guest's character devices (QEMU's
 * -chardev stdio / file / null): COM1 and isa-debugcon write through one.
 * Output is buffered until a newline, a full buffer or a flush, so two
 * devices sharing a back end (COM1 and the debug console both on stdio)
 * keep their bytes in the order the guest wrote them. */
#ifndef EMU_CHARDEV_H
#define EMU_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHARDEV_BUF_SIZE 512

struct chardev {
    int in_fd, out_fd;        /* -1: none (input never arrives, output is dropped) */
    bool close_out;           /* out_fd is a file vtx opened */
    uint8_t buf[CHARDEV_BUF_SIZE];
    int len;
};

/* A back end on existing descriptors (either may be -1); close_out: close
 * out_fd in chardev_free. */
struct chardev *chardev_new(int in_fd, int out_fd, bool close_out);
/* -chardev file: written from the start (truncated, as QEMU does) or
 * appended to; false and "PATH: reason" in err when it cannot be opened. */
struct chardev *chardev_open_file(const char *path, bool append, char *err, size_t errlen);
void chardev_put(struct chardev *c, uint8_t ch);
void chardev_flush(struct chardev *c);
/* Flushes, closes an owned file, frees. NULL is allowed. */
void chardev_free(struct chardev *c);

#endif
