/*
 * lib/base/error.c - cc_status texts and the thread-local detail message.
 */
#include "error.h"

#include "c_numeric.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One buffer per thread: the message of the last failure on that thread. */
static _Thread_local char cc__detail[512];

const char *cc_strerror(int status)
{
    switch (status) {
#define CC__STATUS_TEXT(name, value, text)                                     \
    case value:                                                                \
        return text;
        CC_STATUS_LIST(CC__STATUS_TEXT)
#undef CC__STATUS_TEXT
    default:
        return "unknown error";
    }
}

const char *cc_status_name(int status)
{
    switch (status) {
#define CC__STATUS_NAME(name, value, text)                                     \
    case value:                                                                \
        return #name;
        CC_STATUS_LIST(CC__STATUS_NAME)
#undef CC__STATUS_NAME
    default:
        return "CC_UNKNOWN";
    }
}

const char *cc_error_last(void)
{
    return cc__detail;
}

void cc_error_clear(void)
{
    cc__detail[0] = '\0';
}

static void cc__record(const char *fmt, va_list ap)
{
    /* Format into a scratch buffer first: callers wrap the previous detail
     * (`cc__fail(st, "erlang.c: %s", cc_error_last())`), and vsnprintf into the
     * buffer its own argument points to overwrote that argument while reading it
     * ("erlang.c: erlang.c: er"). In the C locale: a detail says "got 1.5" whatever
     * LC_NUMERIC the embedding program chose. */
    char tmp[sizeof cc__detail];
    cc__vsnprintf(tmp, sizeof tmp, fmt, ap);
    memcpy(cc__detail, tmp, strlen(tmp) + 1);
}

cc_status cc__fail(cc_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc__record(fmt, ap);
    va_end(ap);
    return status;
}

double cc__fail_nan(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc__record(fmt, ap);
    va_end(ap);
    return NAN;
}

int cc__fail_count(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc__record(fmt, ap);
    va_end(ap);
    return -1;
}
