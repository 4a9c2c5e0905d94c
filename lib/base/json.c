/*
 * lib/base/json.c - streaming JSON writer (see json.h).
 */
#include "json.h"
#include "c_numeric.h"
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

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when p starts none (a stray
 * continuation byte, an overlong form, a surrogate, past U+10FFFF, cut short). */
static int cc__utf8_valid_len(const unsigned char *p)
{
    unsigned c = p[0];
    if (c < 0x80) return 1;
    int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || c < 0xC2 || c > 0xF4) return 0;
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0; /* also stops at the NUL */
    if (c == 0xE0 && p[1] < 0xA0) return 0; /* overlong */
    if (c == 0xED && p[1] >= 0xA0) return 0; /* surrogate */
    if (c == 0xF0 && p[1] < 0x90) return 0; /* overlong */
    if (c == 0xF4 && p[1] >= 0x90) return 0; /* past U+10FFFF */
    return n;
}

static void cc__json_quoted(cc__json *j, const char *s)
{
    cc__json_put(j, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* JSON text is UTF-8 (RFC 8259, 8.1), but names come from outside bytes (a
         * Latin-1 queue_log): written raw, one such byte made the whole report
         * unreadable by JSON parsers. A byte that starts no valid sequence becomes
         * U+FFFD, as Go's encoding/json does. */
        if (*p >= 0x80) {
            int n = cc__utf8_valid_len(p);
            if (n == 0) {
                cc__json_put(j, "\\ufffd", 6);
            } else {
                cc__json_put(j, (const char *)p, (size_t)n);
                p += n - 1;
            }
            continue;
        }
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
    cc__snprintf(tmp, sizeof tmp, "%.17g", v);
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
