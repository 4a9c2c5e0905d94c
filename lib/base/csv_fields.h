/*
 * lib/base/csv_fields.h - internal: splitting one CSV record (one line) into
 * fields, RFC 4180 on one line: a field may be quoted, a quoted field may hold
 * the delimiter, and "" inside quotes is one quote; a quote anywhere else is an
 * error (RFC 4180 allows none there, and reading on would misplace fields). Shared by the KPI call-
 * record importer (lib/kpi/import_csv.c) and the WFM CSV readers
 * (lib/wfm/series_csv.c, lib/wfm/schedule_csv.c), so there is one tokenizer.
 */
#ifndef CC_BASE_CSV_FIELDS_H
#define CC_BASE_CSV_FIELDS_H

#include "span.h"

#include <stddef.h>

/* The unquoted text of the fields of the current line: one buffer reused from
 * line to line, grown to the longest line (O(longest line) memory). */
typedef struct cc__csv_fields {
    char *buf; /* owned (cc__free via cc__csv_fields_free) */
    size_t cap;
} cc__csv_fields;

enum {
    CC__CSV_EQUOTE = -1,   /* unterminated quote, text after a closing quote, or a
                              quote inside an unquoted field */
    CC__CSV_ENOMEM = -2,   /* the field buffer could not grow */
    CC__CSV_ETOOMANY = -3, /* more than `max` fields */
};

/*
 * Splits line[len] at `delim` into out[max] spans pointing into f->buf (valid
 * until the next call or cc__csv_fields_free). Fields are not trimmed. An empty
 * line is one empty field. Returns the field count (>= 1) or a CC__CSV_E* code.
 * O(len).
 */
int cc__csv_split(cc__csv_fields *f, const char *line, size_t len, char delim, cc__span *out,
                  size_t max);

/* Frees the buffer; the struct may be reused after. */
void cc__csv_fields_free(cc__csv_fields *f);

#endif
