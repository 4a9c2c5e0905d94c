/*
 * lib/base/json_read.c - recursive-descent JSON reader (see json_read.h).
 *
 * Recursion depth is bounded by CC__JSON_READ_MAX_DEPTH, so hostile input
 * cannot exhaust the stack. Children are gathered in a growable array that is
 * owned by the parent node as soon as it exists, so every error path frees
 * exactly what was built.
 */
#include "json_read.h"

#include "c_numeric.h"
#include "error.h"
#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct cc__jr {
    const char *p, *end;
    const char *line_start; /* first character of the current line */
    int line;
    int depth;
    cc_status status; /* first failure; CC_OK while parsing goes well */
} cc__jr;

/* Newlines can only appear in whitespace (a raw newline inside a string is an
 * error), so skipping whitespace is the one place that counts lines: O(1) per
 * character overall. */
static int cc__jr_line(const cc__jr *r)
{
    return r->line;
}

static int cc__jr_error(cc__jr *r, const char *what)
{
    if (r->status != CC_OK) return -1;
    int col = (int)(r->p - r->line_start) + 1;
    r->status = cc__fail(CC_EPARSE, "line %d, column %d: %s", r->line, col, what);
    return -1;
}

static int cc__jr_nomem(cc__jr *r)
{
    if (r->status == CC_OK) r->status = cc__fail(CC_ENOMEM, "JSON reader: out of memory");
    return -1;
}

static void cc__jr_skip_space(cc__jr *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) {
        if (*r->p == '\n') {
            r->line++;
            r->line_start = r->p + 1;
        }
        r->p++;
    }
}

/* Frees what a node owns (not the node itself). */
static void cc__jv_clear(cc__jv *v)
{
    if (!v) return;
    cc__free(v->key);
    v->key = NULL;
    if (v->type == CC__JV_STRING) cc__free(v->string);
    if (v->type == CC__JV_ARRAY || v->type == CC__JV_OBJECT) {
        for (size_t i = 0; i < v->length; i++) cc__jv_clear(&v->items[i]);
        cc__free(v->items);
    }
    v->string = NULL;
    v->items = NULL;
    v->length = 0;
}

static int cc__jr_value(cc__jr *r, cc__jv *out);

/* Appends `cp` as UTF-8 to buf (which has room: escapes are longer than output). */
static size_t cc__utf8_put(char *buf, unsigned long cp)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int cc__jr_hex4(cc__jr *r, unsigned long *out)
{
    if (r->end - r->p < 4) return cc__jr_error(r, "truncated \\u escape");
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = r->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned long)(c - 'A' + 10);
        else return cc__jr_error(r, "bad hex digit in \\u escape");
    }
    r->p += 4;
    *out = v;
    return 0;
}

/* Reads a string starting at the opening quote; *out is owned by the caller. */
static int cc__jr_string(cc__jr *r, char **out, size_t *len_out)
{
    r->p++; /* opening quote */
    const char *q = r->p;
    while (q < r->end && *q != '"') q += (*q == '\\' && q + 1 < r->end) ? 2 : 1;
    if (q >= r->end) return cc__jr_error(r, "unterminated string");
    /* Output is never longer than the escaped input. */
    char *buf = cc__malloc((size_t)(q - r->p) + 1);
    if (!buf) return cc__jr_nomem(r);
    size_t n = 0;
    while (*r->p != '"') {
        unsigned char c = (unsigned char)*r->p;
        if (c < 0x20) {
            cc__free(buf);
            return cc__jr_error(r, "control character in string");
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            r->p++;
            continue;
        }
        r->p++;
        char e = *r->p++;
        switch (e) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned long cp;
            if (cc__jr_hex4(r, &cp) != 0) {
                cc__free(buf);
                return -1;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned long lo;
                if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u') {
                    cc__free(buf);
                    return cc__jr_error(r, "high surrogate without a low surrogate");
                }
                r->p += 2;
                if (cc__jr_hex4(r, &lo) != 0) {
                    cc__free(buf);
                    return -1;
                }
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    cc__free(buf);
                    return cc__jr_error(r, "high surrogate without a low surrogate");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cc__free(buf);
                return cc__jr_error(r, "lone low surrogate");
            }
            n += cc__utf8_put(buf + n, cp);
            break;
        }
        default:
            r->p--;
            cc__free(buf);
            return cc__jr_error(r, "unknown escape in string");
        }
    }
    r->p++; /* closing quote */
    buf[n] = '\0';
    *out = buf;
    *len_out = n;
    return 0;
}

static int cc__jr_number(cc__jr *r, cc__jv *out)
{
    const char *s = r->p;
    const char *q = s;
    if (q < r->end && *q == '-') q++;
    if (q >= r->end || *q < '0' || *q > '9') return cc__jr_error(r, "invalid number");
    if (*q == '0') q++;
    else
        while (q < r->end && *q >= '0' && *q <= '9') q++;
    if (q < r->end && *q == '.') {
        q++;
        if (q >= r->end || *q < '0' || *q > '9') return cc__jr_error(r, "invalid number");
        while (q < r->end && *q >= '0' && *q <= '9') q++;
    }
    if (q < r->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < r->end && (*q == '+' || *q == '-')) q++;
        if (q >= r->end || *q < '0' || *q > '9') return cc__jr_error(r, "invalid number");
        while (q < r->end && *q >= '0' && *q <= '9') q++;
    }
    /* strtod needs a NUL-terminated copy: the input may not be terminated. */
    char tmp[64];
    size_t n = (size_t)(q - s);
    if (n >= sizeof tmp) return cc__jr_error(r, "number too long");
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double v = cc__strtod(tmp, NULL);
    if (!isfinite(v)) return cc__jr_error(r, "number out of range");
    out->type = CC__JV_NUMBER;
    out->number = v;
    r->p = q;
    return 0;
}

static int cc__jr_literal(cc__jr *r, const char *word, cc__jv *out, cc__jv_type type, int b)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return cc__jr_error(r, "unexpected character");
    r->p += n;
    out->type = type;
    out->boolean = b;
    return 0;
}

/* Appends a zeroed child to container v; returns it or NULL (status set). */
static cc__jv *cc__jr_push(cc__jr *r, cc__jv *v, size_t *cap)
{
    if (cc__grow((void **)&v->items, cap, v->length + 1, sizeof *v->items) != 0) {
        cc__jr_nomem(r);
        return NULL;
    }
    cc__jv *c = &v->items[v->length++];
    memset(c, 0, sizeof *c);
    return c;
}

static int cc__jr_container(cc__jr *r, cc__jv *out, int is_object)
{
    if (++r->depth > CC__JSON_READ_MAX_DEPTH) return cc__jr_error(r, "nesting too deep");
    char close = is_object ? '}' : ']';
    out->type = is_object ? CC__JV_OBJECT : CC__JV_ARRAY;
    size_t cap = 0;
    r->p++;
    cc__jr_skip_space(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        r->depth--;
        return 0;
    }
    for (;;) {
        cc__jr_skip_space(r);
        char *key = NULL;
        if (is_object) {
            size_t klen;
            if (r->p >= r->end || *r->p != '"') return cc__jr_error(r, "expected a member name");
            if (cc__jr_string(r, &key, &klen) != 0) return -1;
            cc__jr_skip_space(r);
            if (r->p >= r->end || *r->p != ':') {
                cc__free(key);
                return cc__jr_error(r, "expected ':' after a member name");
            }
            r->p++;
        }
        cc__jv *child = cc__jr_push(r, out, &cap);
        if (!child) {
            cc__free(key);
            return -1;
        }
        child->key = key;
        if (cc__jr_value(r, child) != 0) return -1;
        cc__jr_skip_space(r);
        if (r->p >= r->end) return cc__jr_error(r, is_object ? "unterminated object" : "unterminated array");
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        if (*r->p == close) {
            r->p++;
            r->depth--;
            return 0;
        }
        return cc__jr_error(r, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int cc__jr_value(cc__jr *r, cc__jv *out)
{
    cc__jr_skip_space(r);
    if (r->p >= r->end) return cc__jr_error(r, "unexpected end of input");
    out->line = cc__jr_line(r);
    switch (*r->p) {
    case '{': return cc__jr_container(r, out, 1);
    case '[': return cc__jr_container(r, out, 0);
    case '"':
        out->type = CC__JV_STRING;
        return cc__jr_string(r, &out->string, &out->length);
    case 't': return cc__jr_literal(r, "true", out, CC__JV_BOOL, 1);
    case 'f': return cc__jr_literal(r, "false", out, CC__JV_BOOL, 0);
    case 'n': return cc__jr_literal(r, "null", out, CC__JV_NULL, 0);
    default: return cc__jr_number(r, out);
    }
}

cc_status cc__json_parse(const char *text, size_t len, cc__jv **out)
{
    if (!out) return cc__fail(CC_EINVAL, "JSON reader: out is NULL");
    *out = NULL;
    if (!text && len > 0) return cc__fail(CC_EINVAL, "JSON reader: text is NULL");
    cc__jv *root = cc__calloc(1, sizeof *root);
    if (!root) return cc__fail(CC_ENOMEM, "JSON reader: out of memory");
    cc__jr r = {.p = text, .end = text + len, .line_start = text, .line = 1,
               .status = CC_OK};
    if (cc__jr_value(&r, root) == 0) {
        cc__jr_skip_space(&r);
        if (r.p != r.end) cc__jr_error(&r, "trailing characters after the document");
    }
    if (r.status != CC_OK) {
        cc__jv_free(root);
        return r.status;
    }
    *out = root;
    return CC_OK;
}

void cc__jv_free(cc__jv *root)
{
    if (!root) return;
    cc__jv_clear(root);
    cc__free(root);
}

const cc__jv *cc__jv_get(const cc__jv *obj, const char *key)
{
    if (!obj || obj->type != CC__JV_OBJECT || !key) return NULL;
    const cc__jv *found = NULL;
    for (size_t i = 0; i < obj->length; i++)
        if (obj->items[i].key && strcmp(obj->items[i].key, key) == 0) found = &obj->items[i];
    return found;
}

const char *cc__jv_type_name(cc__jv_type type)
{
    switch (type) {
    case CC__JV_NULL: return "null";
    case CC__JV_BOOL: return "boolean";
    case CC__JV_NUMBER: return "number";
    case CC__JV_STRING: return "string";
    case CC__JV_ARRAY: return "array";
    case CC__JV_OBJECT: return "object";
    }
    return "unknown";
}
