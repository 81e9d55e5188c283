/* Host character back ends: buffered output to a descriptor, and the
 * descriptor input comes from (read by the device that owns the input,
 * the UART, without blocking). */
#include "chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct chardev *chardev_new(int in_fd, int out_fd, bool close_out)
{
    struct chardev *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->in_fd = in_fd;
    c->out_fd = out_fd;
    c->close_out = close_out;
    return c;
}

struct chardev *chardev_open_file(const char *path, bool append, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct chardev *c = chardev_new(-1, fd, true);
    if (!c) {
        close(fd);
        snprintf(err, errlen, "out of host memory");
    }
    return c;
}

void chardev_flush(struct chardev *c)
{
    int done = 0;
    while (c->out_fd >= 0 && done < c->len) {
        ssize_t n = write(c->out_fd, c->buf + done, (size_t)(c->len - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;   /* the host cannot take it: the output is lost */
        done += (int)n;
    }
    c->len = 0;
}

void chardev_put(struct chardev *c, uint8_t ch)
{
    if (c->out_fd < 0)
        return;
    c->buf[c->len++] = ch;
    if (ch == '\n' || c->len == CHARDEV_BUF_SIZE)
        chardev_flush(c);
}

void chardev_free(struct chardev *c)
{
    if (!c)
        return;
    chardev_flush(c);
    if (c->close_out && c->out_fd >= 0)
        close(c->out_fd);
    free(c);
}
