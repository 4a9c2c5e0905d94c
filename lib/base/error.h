/*
 * lib/base/error.h - internal: recording the thread-local detail message.
 */
#ifndef CC_BASE_ERROR_H
#define CC_BASE_ERROR_H

#include "callcore/status.h"

#if defined(__GNUC__)
#define CC__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CC__PRINTF(f, a)
#endif

/* Records "fmt..." as the calling thread's detail message and returns status,
 * so callers write `return cc__fail(CC_EINVAL, "queue '%s': ...", name);`. */
cc_status cc__fail(cc_status status, const char *fmt, ...) CC__PRINTF(2, 3);

/* Same, for pure maths: records the message and returns NaN. */
double cc__fail_nan(const char *fmt, ...) CC__PRINTF(1, 2);

/* Same, for counts: records the message and returns -1. */
int cc__fail_count(const char *fmt, ...) CC__PRINTF(1, 2);

#endif
