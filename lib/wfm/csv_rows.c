/*
 * lib/wfm/csv_rows.c - a CSV text buffer as a header and rows (csv_rows.h).
 */
#include "csv_rows.h"

#include "base/c_numeric.h"
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Next line that holds data (not blank, not a '#' comment), or -1 at the end. */
static int cc__csv_rows_next_line(cc__csv_rows *r, cc__span *line)
{
    while (cc__span_next_line(r->text, r->len, &r->pos, line) == 0) {
        r->line++;
        cc__span t = cc__span_trim(*line);
        if (t.n && line->p[0] != '#') return 0;
    }
    return -1;
}

static cc_status cc__csv_rows_split(cc__csv_rows *r, cc__span line)
{
    int n = cc__csv_split(&r->buf, line.p, line.n, ',', r->field, CC__CSV_ROWS_MAX_FIELDS);
    if (n == CC__CSV_ENOMEM) return cc__csv_rows_fail(r, CC_ENOMEM, "out of memory");
    if (n == CC__CSV_ETOOMANY)
        return cc__csv_rows_fail(r, CC_EPARSE, "more than %d fields", CC__CSV_ROWS_MAX_FIELDS);
    if (n < 0)
        return cc__csv_rows_fail(r, CC_EPARSE, "unterminated quote, quote inside an unquoted "
                                               "field, or text after a closing quote");
    r->nfields = n;
    return CC_OK;
}

cc_status cc__csv_rows_begin(cc__csv_rows *r, const char *text, size_t len, const char *source)
{
    memset(r, 0, sizeof *r);
    /* A UTF-8 byte order mark (spreadsheets write one) is not part of the first column's
     * name: kept, it hid that name from every lookup. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
    r->text = text;
    r->len = len;
    r->source = source;
    cc__span line;
    if (cc__csv_rows_next_line(r, &line) != 0)
        return cc__csv_rows_fail_file(r, CC_EPARSE, "no header line");
    cc_status st = cc__csv_rows_split(r, line);
    if (st) {
        cc__csv_rows_end(r);
        return st;
    }
    r->ncols = r->nfields;
    return CC_OK;
}

int cc__csv_rows_column(const cc__csv_rows *r, const char *name)
{
    for (int c = 0; c < r->ncols; c++)
        if (cc__span_is(cc__span_trim(r->field[c]), name)) return c;
    return -1;
}

cc_status cc__csv_rows_next(cc__csv_rows *r, int *more)
{
    cc__span line;
    *more = 0;
    if (cc__csv_rows_next_line(r, &line) != 0) return CC_OK;
    cc_status st = cc__csv_rows_split(r, line);
    if (st) return st;
    if (r->nfields != r->ncols)
        return cc__csv_rows_fail(r, CC_EPARSE, "expected %d fields as in the header, got %d",
                                 r->ncols, r->nfields);
    *more = 1;
    return CC_OK;
}

cc__span cc__csv_rows_get(const cc__csv_rows *r, int col)
{
    return cc__span_trim(r->field[col]);
}

static cc_status cc__csv_rows_vfail(const cc__csv_rows *r, cc_status status, int with_line,
                                    const char *fmt, va_list ap)
{
    char msg[400];
    cc__vsnprintf(msg, sizeof msg, fmt, ap);
    if (r->source && with_line) return cc__fail(status, "%s:%zu: %s", r->source, r->line, msg);
    if (r->source) return cc__fail(status, "%s: %s", r->source, msg);
    if (with_line) return cc__fail(status, "line %zu: %s", r->line, msg);
    return cc__fail(status, "%s", msg);
}

cc_status cc__csv_rows_fail(const cc__csv_rows *r, cc_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_status st = cc__csv_rows_vfail(r, status, 1, fmt, ap);
    va_end(ap);
    return st;
}

cc_status cc__csv_rows_fail_file(const cc__csv_rows *r, cc_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_status st = cc__csv_rows_vfail(r, status, 0, fmt, ap);
    va_end(ap);
    return st;
}

void cc__csv_rows_end(cc__csv_rows *r)
{
    cc__csv_fields_free(&r->buf);
}
