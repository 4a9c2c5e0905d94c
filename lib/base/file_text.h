/*
 * lib/base/file_text.h - internal: a whole (small) file read into memory, for
 * the readers that parse a text buffer (the WFM CSV readers).
 */
#ifndef CC_BASE_FILE_TEXT_H
#define CC_BASE_FILE_TEXT_H

#include "callcore/status.h"

#include <stddef.h>

/*
 * Reads the file at `path` into *text (owned by the caller, cc__free; NUL-
 * terminated for convenience, *len excludes the NUL). Files larger than
 * max_bytes are refused so memory stays bounded. Returns CC_OK, CC_EIO
 * (cannot open or read: the detail names the path and the system's reason),
 * CC_ERANGE (larger than max_bytes), CC_ENOMEM. O(file size).
 */
cc_status cc__file_text_read(const char *path, size_t max_bytes, char **text, size_t *len);

#endif
