/*
 * lib/wfm/csv_rows.h - internal: walking a CSV text buffer as a header and rows,
 * with line numbers for messages. The common frame of the WFM CSV readers
 * (series_csv.c, schedule_csv.c); the field splitting itself is the shared
 * tokenizer of base/csv_fields.h.
 *
 * Lines that are blank (spaces and tabs only) or start with '#' are skipped.
 * The first other line is the header; every later one is a row that must have
 * as many fields as the header. Memory: the longest line (the field buffer).
 */
#ifndef CC_WFM_CSV_ROWS_H
#define CC_WFM_CSV_ROWS_H

#include "base/csv_fields.h"
#include "callcore/status.h"

#include <stddef.h>

#define CC__CSV_ROWS_MAX_FIELDS 256

typedef struct cc__csv_rows {
    const char *text; /* borrowed */
    size_t len, pos;
    size_t line;        /* 1-based number of the line last read */
    const char *source; /* NULL, or the file path put before messages (borrowed) */
    int ncols;          /* fields of the header */
    int nfields;        /* fields of the current line */
    cc__csv_fields buf;
    cc__span field[CC__CSV_ROWS_MAX_FIELDS]; /* the current line (header, then each row) */
} cc__csv_rows;

/*
 * Reads the header: r->field[0 .. r->ncols) hold it until the first
 * cc__csv_rows_next. Returns CC_OK, CC_EPARSE (no header line, bad quoting,
 * too many fields), CC_ENOMEM; on error r is already ended.
 */
cc_status cc__csv_rows_begin(cc__csv_rows *r, const char *text, size_t len, const char *source);

/* Position of the header field equal to name (trimmed, case-sensitive; the
 * first one), or -1. Only valid before the first cc__csv_rows_next. */
int cc__csv_rows_column(const cc__csv_rows *r, const char *name);

/*
 * Reads the next row into r->field[0 .. r->ncols). *more is 0 at the end of
 * the text. Returns CC_OK, CC_EPARSE (wrong field count, bad quoting),
 * CC_ENOMEM. O(line length).
 */
cc_status cc__csv_rows_next(cc__csv_rows *r, int *more);

/* The trimmed field `col` of the current line. */
cc__span cc__csv_rows_get(const cc__csv_rows *r, int col);

/* Records "source:line: msg" (or "line N: msg" without a source) as the
 * detail message and returns status. */
cc_status cc__csv_rows_fail(const cc__csv_rows *r, cc_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Same without a line: "source: msg" or "msg" (whole-file problems). */
cc_status cc__csv_rows_fail_file(const cc__csv_rows *r, cc_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Frees the field buffer; safe to call twice. */
void cc__csv_rows_end(cc__csv_rows *r);

#endif
