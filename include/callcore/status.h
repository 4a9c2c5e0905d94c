/*
 * callcore/status.h - the error model of libcallcore.
 *
 * Every fallible function returns a cc_status: CC_OK (0) on success, a negative
 * value on failure. The enum is append-only: values never change meaning across
 * releases. After a failure, cc_error_last() gives a human-readable detail
 * message for the calling thread ("queue 'sales': ring timeout must be > 0, got -5").
 *
 * Pure maths functions (wfm) do not return cc_status: they return NaN (or -1
 * for counts) on invalid input and set the same thread-local detail message.
 */
#ifndef CALLCORE_STATUS_H
#define CALLCORE_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * X-macro: name, value, text. Append new codes at the end only; the text is
 * what cc_strerror() returns and must be distinct for every code (a test
 * checks it).
 */
#define CC_STATUS_LIST(X)                                                      \
    X(CC_OK, 0, "success")                                                     \
    X(CC_EINVAL, -1, "invalid argument")                                       \
    X(CC_ENOMEM, -2, "out of memory")                                          \
    X(CC_ENOTFOUND, -3, "no such object")                                      \
    X(CC_EEXIST, -4, "object already exists")                                  \
    X(CC_ESTATE, -5, "operation not allowed in the current state")             \
    X(CC_EVERSION, -6, "unsupported structure or protocol version")            \
    X(CC_EFULL, -7, "capacity or queue limit reached")                         \
    X(CC_EIO, -8, "input/output error")                                        \
    X(CC_EPARSE, -9, "malformed input")                                        \
    X(CC_ERANGE, -10, "value out of range")                                    \
    X(CC_EUNSUPPORTED, -11, "feature not available in this build")            \
    X(CC_EBUSY, -12, "resource busy")                                          \
    X(CC_ECLOSED, -13, "object is closed or closing")                          \
    X(CC_EAUTH, -14, "authentication required or failed")                      \
    X(CC_ETIMEOUT, -15, "operation timed out")                                 \
    X(CC_EINFEASIBLE, -16, "no solution satisfies the constraints")

typedef enum cc_status {
#define CC__STATUS_ENUM(name, value, text) name = value,
    CC_STATUS_LIST(CC__STATUS_ENUM)
#undef CC__STATUS_ENUM
} cc_status;

/* Number of distinct status codes (CC_OK included). */
#define CC_STATUS_COUNT 17

/*
 * Returns a static, never-NULL English description of `status`.
 * Unknown values give "unknown error". Thread-safe.
 */
const char *cc_strerror(int status);

/*
 * Returns the symbolic name of `status` ("CC_EINVAL"), or "CC_UNKNOWN".
 * Static storage; thread-safe.
 */
const char *cc_status_name(int status);

/*
 * Returns the detail message of the last failure on the calling thread
 * (borrowed; valid until the next libcallcore call on this thread), or ""
 * when none was recorded. Never NULL.
 */
const char *cc_error_last(void);

/* Forgets the calling thread's detail message. */
void cc_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
