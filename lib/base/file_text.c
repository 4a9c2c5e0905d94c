/*
 * lib/base/file_text.c - a whole file read into memory (file_text.h).
 */
#include "file_text.h"

#include "error.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

cc_status cc__file_text_read(const char *path, size_t max_bytes, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return cc__fail(CC_EIO, "cannot open '%s': %s", path, strerror(errno));
    /* Read in growing chunks rather than trusting a seek: works for pipes too. */
    char *buf = NULL;
    size_t cap = 0, n = 0;
    cc_status st = CC_OK;
    for (;;) {
        if (cc__grow((void **)&buf, &cap, n + 65536 + 1, 1) != 0) {
            st = cc__fail(CC_ENOMEM, "'%s': out of memory", path);
            break;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > max_bytes) {
            st = cc__fail(CC_ERANGE, "'%s' is larger than %zu bytes", path, max_bytes);
            break;
        }
        if (got == 0 || n < cap - 1) {
            if (ferror(f)) st = cc__fail(CC_EIO, "cannot read '%s': %s", path, strerror(errno));
            if (feof(f) || st) break;
        }
    }
    fclose(f);
    if (st) {
        cc__free(buf);
        return st;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return CC_OK;
}
