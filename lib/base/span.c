/*
 * lib/base/span.c - reading text fields as spans (span.h).
 */
#include "span.h"

#include "c_numeric.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cc__is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int cc__span_next_line(const char *text, size_t len, size_t *pos, cc__span *line)
{
    size_t start = *pos;
    if (start >= len) return -1;
    const char *nl = memchr(text + start, '\n', len - start);
    size_t end = nl ? (size_t)(nl - text) : len;
    *pos = nl ? end + 1 : len;
    if (end > start && text[end - 1] == '\r') end--;
    line->p = text + start;
    line->n = end - start;
    return 0;
}

cc__span cc__span_trim(cc__span s)
{
    while (s.n && cc__is_blank(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n && cc__is_blank(s.p[s.n - 1]))
        s.n--;
    return s;
}

int cc__span_is(cc__span s, const char *text)
{
    size_t n = strlen(text);
    return s.n == n && memcmp(s.p, text, n) == 0;
}

int cc__span_cmp(cc__span s, const char *text)
{
    size_t n = strlen(text), m = s.n < n ? s.n : n;
    int c = m ? memcmp(s.p, text, m) : 0;
    if (c) return c;
    return (s.n > n) - (s.n < n);
}

int cc__span_is_nocase(cc__span s, const char *text)
{
    size_t n = strlen(text);
    if (s.n != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char a = s.p[i], b = text[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
        if (a != b) return 0;
    }
    return 1;
}

int cc__span_i64(cc__span s, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (s.n && (s.p[0] == '-' || s.p[0] == '+')) {
        neg = s.p[0] == '-';
        i = 1;
    }
    if (i == s.n) return -1;
    uint64_t v = 0;
    for (; i < s.n; i++) {
        char c = s.p[i];
        if (c < '0' || c > '9') return -1;
        if (v > (UINT64_MAX - 9) / 10) return -1;
        v = v * 10 + (uint64_t)(c - '0');
        if (v > (uint64_t)INT64_MAX) return -1;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

int cc__span_double(cc__span s, double *out)
{
    char buf[64];
    if (s.n == 0 || s.n >= sizeof buf) return -1;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        /* strtod also reads hex, inf and nan: accept plain decimals only. */
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return -1;
    }
    memcpy(buf, s.p, s.n);
    buf[s.n] = '\0';
    char *end;
    double v = cc__strtod(buf, &end);
    if (end != buf + s.n || !isfinite(v)) return -1;
    *out = v;
    return 0;
}
