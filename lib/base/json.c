/*
 * lib/base/json.c - streaming JSON writer (see json.h).
 */
#include "json.h"
#include "mem.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void cc__json_init(cc__json *j, int pretty)
{
    memset(j, 0, sizeof *j);
    j->pretty = pretty;
}

void cc__json_free(cc__json *j)
{
    cc__free(j->buf);
    j->buf = NULL;
    j->len = j->cap = 0;
}

static void cc__json_put(cc__json *j, const char *s, size_t n)
{
    if (j->failed) return;
    if (cc__grow((void **)&j->buf, &j->cap, j->len + n + 1, 1) != 0) {
        j->failed = 1;
        return;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void cc__json_puts(cc__json *j, const char *s)
{
    cc__json_put(j, s, strlen(s));
}

static void cc__json_newline(cc__json *j)
{
    if (!j->pretty) return;
    cc__json_put(j, "\n", 1);
    for (int i = 0; i < j->depth; i++) cc__json_put(j, "  ", 2);
}

/* Writes the separator that must precede a value (or a key) at this depth. */
static void cc__json_before_value(cc__json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth > 0) {
        if (j->has_items[j->depth - 1]) cc__json_put(j, ",", 1);
        j->has_items[j->depth - 1] = 1;
        cc__json_newline(j);
    }
}

static void cc__json_open(cc__json *j, const char *c)
{
    cc__json_before_value(j);
    cc__json_puts(j, c);
    if (j->depth >= CC__JSON_MAX_DEPTH) {
        j->failed = 1;
        return;
    }
    j->has_items[j->depth++] = 0;
}

static void cc__json_close(cc__json *j, const char *c)
{
    if (j->depth == 0) {
        j->failed = 1;
        return;
    }
    int had = j->has_items[--j->depth];
    if (had) cc__json_newline(j);
    cc__json_puts(j, c);
}

void cc__json_object_begin(cc__json *j)
{
    cc__json_open(j, "{");
}
void cc__json_object_end(cc__json *j)
{
    cc__json_close(j, "}");
}
void cc__json_array_begin(cc__json *j)
{
    cc__json_open(j, "[");
}
void cc__json_array_end(cc__json *j)
{
    cc__json_close(j, "]");
}

static void cc__json_quoted(cc__json *j, const char *s)
{
    cc__json_put(j, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"': cc__json_put(j, "\\\"", 2); break;
        case '\\': cc__json_put(j, "\\\\", 2); break;
        case '\n': cc__json_put(j, "\\n", 2); break;
        case '\r': cc__json_put(j, "\\r", 2); break;
        case '\t': cc__json_put(j, "\\t", 2); break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                cc__json_puts(j, esc);
            } else {
                cc__json_put(j, (const char *)p, 1);
            }
        }
    }
    cc__json_put(j, "\"", 1);
}

void cc__json_key(cc__json *j, const char *key)
{
    cc__json_before_value(j);
    cc__json_quoted(j, key);
    cc__json_put(j, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
    j->after_key = 1;
}

void cc__json_string(cc__json *j, const char *s)
{
    if (!s) {
        cc__json_null(j);
        return;
    }
    cc__json_before_value(j);
    cc__json_quoted(j, s);
}

void cc__json_double(cc__json *j, double v)
{
    char tmp[40];
    cc__json_before_value(j);
    if (!isfinite(v)) {
        cc__json_puts(j, "null");
        return;
    }
    snprintf(tmp, sizeof tmp, "%.17g", v);
    cc__json_puts(j, tmp);
}

void cc__json_int(cc__json *j, int64_t v)
{
    char tmp[32];
    cc__json_before_value(j);
    snprintf(tmp, sizeof tmp, "%" PRId64, v);
    cc__json_puts(j, tmp);
}

void cc__json_uint(cc__json *j, uint64_t v)
{
    char tmp[32];
    cc__json_before_value(j);
    snprintf(tmp, sizeof tmp, "%" PRIu64, v);
    cc__json_puts(j, tmp);
}

void cc__json_bool(cc__json *j, int v)
{
    cc__json_before_value(j);
    cc__json_puts(j, v ? "true" : "false");
}

void cc__json_null(cc__json *j)
{
    cc__json_before_value(j);
    cc__json_puts(j, "null");
}

void cc__json_kv_double(cc__json *j, const char *key, double v)
{
    cc__json_key(j, key);
    cc__json_double(j, v);
}

void cc__json_kv_int(cc__json *j, const char *key, int64_t v)
{
    cc__json_key(j, key);
    cc__json_int(j, v);
}

void cc__json_kv_string(cc__json *j, const char *key, const char *s)
{
    cc__json_key(j, key);
    cc__json_string(j, s);
}

char *cc__json_take(cc__json *j)
{
    if (j->failed || !j->buf) {
        cc__json_free(j);
        j->failed = 0;
        return NULL;
    }
    char *out = j->buf;
    j->buf = NULL;
    j->len = j->cap = 0;
    j->depth = 0;
    return out;
}
