/* Reading a kernel or module file whole into host memory. */
#include "loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Nothing larger can be placed below 4 GiB. */
#define FILE_MAX_SIZE 0xE0000000ull

static bool fail(char *err, size_t errlen, const char *path, const char *why)
{
    snprintf(err, errlen, "%s: %s", path, why);
    return false;
}

bool file_read_all(const char *path, uint8_t **data, size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return fail(err, errlen, path, "not a regular file");
    }
    if ((unsigned long long)st.st_size > FILE_MAX_SIZE) {
        fclose(f);
        return fail(err, errlen, path, "file too large");
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    bool ok = buf && fread(buf, 1, n, f) == n;
    fclose(f);
    if (!ok) {
        free(buf);
        return fail(err, errlen, path, "cannot read the file");
    }
    *data = buf;
    *size = n;
    return true;
}
