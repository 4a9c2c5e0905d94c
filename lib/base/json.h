/*
 * lib/base/json.h - internal: a small streaming JSON writer.
 *
 * Used by KPI reports, the CLI and the wire server's debug output. Doubles are
 * written with 17 significant digits (round-trip exact); NaN and infinities,
 * which JSON cannot carry, are written as null. Memory: one growable buffer,
 * amortised O(1) per byte.
 */
#ifndef CC_BASE_JSON_H
#define CC_BASE_JSON_H

#include <stddef.h>
#include <stdint.h>

#define CC__JSON_MAX_DEPTH 64

typedef struct cc__json {
    char *buf;
    size_t len, cap;
    int depth;
    int after_key;
    int failed; /* sticky: an allocation failed or nesting was exceeded */
    int pretty; /* indent with two spaces */
    unsigned char has_items[CC__JSON_MAX_DEPTH];
} cc__json;

void cc__json_init(cc__json *j, int pretty);
void cc__json_free(cc__json *j);
void cc__json_object_begin(cc__json *j);
void cc__json_object_end(cc__json *j);
void cc__json_array_begin(cc__json *j);
void cc__json_array_end(cc__json *j);
void cc__json_key(cc__json *j, const char *key);
void cc__json_string(cc__json *j, const char *s); /* NULL -> null */
void cc__json_double(cc__json *j, double v);
void cc__json_int(cc__json *j, int64_t v);
void cc__json_uint(cc__json *j, uint64_t v);
void cc__json_bool(cc__json *j, int v);
void cc__json_null(cc__json *j);

/* Convenience: key + value. */
void cc__json_kv_double(cc__json *j, const char *key, double v);
void cc__json_kv_int(cc__json *j, const char *key, int64_t v);
void cc__json_kv_string(cc__json *j, const char *key, const char *s);

/*
 * Returns the text (NUL-terminated) and hands ownership to the caller, who
 * frees it with cc_free(); NULL if any write failed. Resets the writer.
 */
char *cc__json_take(cc__json *j);

#endif
