/*
 * lib/runtime/wire_args.h - internal: reading a method's named arguments.
 *
 * A call's params are [] or [{name: value, ...}] (wire_codec.h). Lookups are
 * linear in the number of keys (a call has a handful); strings are copied,
 * NUL-terminated, into the call's msgpack zone, which lives until the call's
 * response is written. Every reader fails with CC_EINVAL and a detail message
 * naming the argument ("contact.create: 'priority' must be an integer").
 */
#ifndef CC_RUNTIME_WIRE_ARGS_H
#define CC_RUNTIME_WIRE_ARGS_H

#include "callcore/status.h"

#include <msgpack.h>
#include <stdint.h>

typedef struct cc__args {
    const char *method;            /* NUL-terminated, for messages */
    const msgpack_object_map *map; /* NULL when the call has no arguments */
    msgpack_zone *zone;            /* for string copies */
    /* Replaying a journal: a name given twice is let pass (the first value
     * counts), as it was before such calls were refused. */
    int lenient;
} cc__args;

/* Binds `params` (the envelope's array); CC_EINVAL unless it is [] , [nil]
 * or [map]. */
cc_status cc__args_bind(cc__args *a, const char *method, const msgpack_object *params,
                        msgpack_zone *zone);

/* The value of `key`, or NULL (absent or nil). Borrowed from the message. */
const msgpack_object *cc__args_get(const cc__args *a, const char *key);

/* Refuses keys not in the NULL-terminated list `known`, so typos are errors. */
cc_status cc__args_only(const cc__args *a, const char *const *known);

/* Readers: `required` makes an absent key an error; otherwise *out = def. */
cc_status cc__args_str(const cc__args *a, const char *key, int required, const char *def,
                       const char **out);
cc_status cc__args_int(const cc__args *a, const char *key, int required, int64_t def, int64_t *out);
cc_status cc__args_uint(const cc__args *a, const char *key, int required, uint64_t def,
                        uint64_t *out);
cc_status cc__args_double(const cc__args *a, const char *key, int required, double def,
                          double *out);
cc_status cc__args_bool(const cc__args *a, const char *key, int required, int def, int *out);

/* A list of strings (array of str); *out is a zone-allocated array of n
 * NUL-terminated strings, NULL with n = 0 when absent. */
cc_status cc__args_str_list(const cc__args *a, const char *key, const char ***out, size_t *n);

/* A list of numbers (array of int/float), zone-allocated. */
cc_status cc__args_double_list(const cc__args *a, const char *key, int required, double **out,
                               size_t *n);

/* Copies a msgpack string into the zone, NUL-terminated; refuses embedded NULs. */
cc_status cc__args_strdup(const cc__args *a, const char *key, const msgpack_object *o,
                          const char **out);

#endif
