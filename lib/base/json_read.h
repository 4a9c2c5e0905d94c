/*
 * lib/base/json_read.h - internal: a small JSON reader (RFC 8259) into a tree.
 *
 * Used for scenario files of the simulator and other small configuration
 * documents; the library has no JSON dependency. The whole document becomes a
 * tree of cc__jv nodes; each array or object owns a contiguous array of its
 * children (object members carry their key). Parsing is O(n) in the input
 * length; member lookup by key is O(members) (configuration objects are small).
 *
 * Limits that keep bad input harmless: nesting depth at most
 * CC__JSON_READ_MAX_DEPTH (no stack exhaustion), strings must be valid JSON
 * escapes (\u escapes become UTF-8, lone surrogates are refused), numbers must
 * follow the JSON grammar and be finite doubles. Errors name the line and column.
 *
 * Ownership: the tree returned by cc__json_parse is owned by the caller and
 * freed with cc__jv_free; every pointer into it (keys, strings, children) is
 * borrowed from the tree. Reentrant: no global state.
 */
#ifndef CC_BASE_JSON_READ_H
#define CC_BASE_JSON_READ_H

#include "callcore/status.h"

#include <stddef.h>

#define CC__JSON_READ_MAX_DEPTH 64

typedef enum cc__jv_type {
    CC__JV_NULL = 0,
    CC__JV_BOOL,
    CC__JV_NUMBER,
    CC__JV_STRING,
    CC__JV_ARRAY,
    CC__JV_OBJECT
} cc__jv_type;

typedef struct cc__jv {
    cc__jv_type type;
    int line;       /* 1-based line of the value's first character */
    int boolean;    /* CC__JV_BOOL */
    double number;  /* CC__JV_NUMBER */
    char *string;   /* CC__JV_STRING: NUL-terminated UTF-8 (may hold NULs) */
    size_t length;  /* string length in bytes; children count for containers */
    char *key;      /* member name when this value sits in an object, else NULL */
    struct cc__jv *items; /* CC__JV_ARRAY / CC__JV_OBJECT: `length` children */
} cc__jv;

/*
 * Parses `len` bytes of `text` (need not be NUL-terminated) into *out.
 * Returns CC_OK; CC_EPARSE with "line L, column C: ..." as the detail message;
 * CC_ENOMEM. On failure *out is NULL and nothing leaks.
 */
cc_status cc__json_parse(const char *text, size_t len, cc__jv **out);

/* Frees a tree from cc__json_parse. NULL is a no-op. */
void cc__jv_free(cc__jv *root);

/* The member `key` of object `obj`, or NULL (also when obj is not an object).
 * With duplicate keys the last one wins, as most JSON readers do. */
const cc__jv *cc__jv_get(const cc__jv *obj, const char *key);

/* The name of a value type ("number"), for error messages. */
const char *cc__jv_type_name(cc__jv_type type);

#endif
