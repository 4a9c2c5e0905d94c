/*
 * lib/base/span.h - internal: reading text fields as spans (pointer + length)
 * without copying or modifying them. A span may hold any byte, NUL included;
 * every function is total (bad text -> -1, never UB). Shared by the CSV field
 * splitter (csv_fields.h), the KPI log importers and the WFM CSV readers.
 */
#ifndef CC_BASE_SPAN_H
#define CC_BASE_SPAN_H

#include <stddef.h>
#include <stdint.h>

typedef struct cc__span {
    const char *p;
    size_t n;
} cc__span;

/* The next line of text[len] starting at *pos: *line gets it without its
 * "\n" or "\r\n", *pos moves past the break. Returns 0, or -1 when *pos is at
 * the end (a last line without a break is still returned). O(line length). */
int cc__span_next_line(const char *text, size_t len, size_t *pos, cc__span *line);

/* The span without leading and trailing spaces and tabs. */
cc__span cc__span_trim(cc__span s);

/* 1 if the span equals the NUL-terminated text (case-sensitive). */
int cc__span_is(cc__span s, const char *text);

/* The span against the NUL-terminated text in strcmp order (bytes as
 * unsigned, a proper prefix first): < 0, 0 or > 0. Total for spans holding
 * NUL bytes (such a span never equals a text). O(min length). */
int cc__span_cmp(cc__span s, const char *text);

/* 1 if the span equals text ignoring ASCII case. */
int cc__span_is_nocase(cc__span s, const char *text);

/* Decimal integer with optional sign; the whole span must be digits.
 * Returns 0 or -1 (empty, junk, overflow). */
int cc__span_i64(cc__span s, int64_t *out);

/* Finite decimal number (strtod syntax without hex, inf or nan, at most 63
 * bytes). Returns 0 or -1. */
int cc__span_double(cc__span s, double *out);

#endif
