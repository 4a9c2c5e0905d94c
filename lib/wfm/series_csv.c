/*
 * lib/wfm/series_csv.c - interval count series read from CSV (forecast.h,
 * cc_volume_series_*): the input of `callcore forecast` and of any program
 * that forecasts from an exported count file.
 *
 * One pass over the rows (csv_rows.h); the counts go to an array grown by
 * doubling (amortised O(1) per row, 8 bytes per row). A date column, found on
 * the first data row, gives the calendar: rows on the first day = the period,
 * any Saturday or Sunday row = a 7-day week.
 */
#include "callcore/forecast.h"

#include "base/error.h"
#include "base/file_text.h"
#include "base/mem.h"
#include "csv_rows.h"

#include <string.h>

struct cc_volume_series {
    double *values; /* n counts, owned */
    size_t n;
    size_t period;    /* rows on the first day; 0 without a date column */
    size_t week_days; /* 5 or 7; 0 without a date column */
};

/* How the calendar is being learned from the date column while rows are read. */
typedef struct cc__series_calendar {
    int column;         /* -1: no date column */
    char first_day[10]; /* YYYY-MM-DD of the first row */
    size_t first_day_rows;
    int has_weekend;
} cc__series_calendar;

/* Two decimal digits at p, or -1. */
static int cc__two_digits(const char *p)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9') return -1;
    return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Day of week (0 = Sunday) of a field starting with YYYY-MM-DD, or -1 when it
 * does not start with such a date (or the day is not in the month). Sakamoto's
 * method. */
static int cc__iso_day_of_week(cc__span s)
{
    if (s.n < 10 || s.p[4] != '-' || s.p[7] != '-') return -1;
    int hi = cc__two_digits(s.p), lo = cc__two_digits(s.p + 2);
    int m = cc__two_digits(s.p + 5), d = cc__two_digits(s.p + 8);
    if (hi < 0 || lo < 0 || m < 1 || m > 12 || d < 1) return -1;
    if (s.n > 10 && s.p[10] != ' ' && s.p[10] != 'T') return -1;
    int y = hi * 100 + lo;
    /* a day the month does not have (2003-02-30) is no date: its weekday would be made up */
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap)) return -1;
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3) y -= 1;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

/* The value column: the option's name, else the last of Calls/calls/volume, else the
 * last column. -1 (detail set) when the named column is absent. */
static int cc__series_value_column(const cc__csv_rows *r, const cc_series_csv_options *o)
{
    if (o && o->value_column) {
        int c = cc__csv_rows_column(r, o->value_column);
        if (c < 0)
            cc__csv_rows_fail(r, CC_EPARSE, "no column '%.60s' in the header", o->value_column);
        return c;
    }
    int c = r->ncols - 1;
    for (int i = 0; i < r->ncols; i++) {
        cc__span h = cc__csv_rows_get(r, i);
        if (cc__span_is(h, "Calls") || cc__span_is(h, "calls") || cc__span_is(h, "volume")) c = i;
    }
    return c;
}

static void cc__series_calendar_row(cc__series_calendar *cal, const cc__csv_rows *r, int value_col,
                                    size_t row)
{
    if (row == 0)
        for (int c = 0; c < r->ncols; c++)
            if (c != value_col && cc__iso_day_of_week(cc__csv_rows_get(r, c)) >= 0)
                cal->column = c; /* the last date-like field, as the CLI always did */
    if (cal->column < 0) return;
    cc__span d = cc__csv_rows_get(r, cal->column);
    int dow = cc__iso_day_of_week(d);
    if (dow < 0) return; /* an odd calendar cell does not change the counts */
    if (row == 0) memcpy(cal->first_day, d.p, 10);
    if (memcmp(d.p, cal->first_day, 10) == 0) cal->first_day_rows++;
    if (dow == 0 || dow == 6) cal->has_weekend = 1;
}

static cc_status cc__series_rows(cc_volume_series *s, cc__csv_rows *r,
                                 const cc_series_csv_options *o)
{
    int value_col = cc__series_value_column(r, o);
    if (value_col < 0) return CC_EPARSE;
    cc__series_calendar cal = {.column = -1};
    size_t cap = 0;
    for (;;) {
        int more;
        cc_status st = cc__csv_rows_next(r, &more);
        if (st) return st;
        if (!more) break;
        cc__span v = cc__csv_rows_get(r, value_col);
        double x;
        /* the forecaster's range (CC_FORECAST_MAX_VOLUME): a series read here
         * is always one it can fit, and the line says which count is off */
        if (cc__span_double(v, &x) != 0 || x < 0 || x > CC_FORECAST_MAX_VOLUME)
            return cc__csv_rows_fail(r, CC_EPARSE, "'%.*s' is not a volume in [0, %g]",
                                     (int)(v.n > 40 ? 40 : v.n), v.p, CC_FORECAST_MAX_VOLUME);
        if (cc__grow((void **)&s->values, &cap, s->n + 1, sizeof *s->values) != 0)
            return cc__csv_rows_fail(r, CC_ENOMEM, "out of memory");
        cc__series_calendar_row(&cal, r, value_col, s->n);
        s->values[s->n++] = x;
    }
    if (s->n == 0) return cc__csv_rows_fail_file(r, CC_EPARSE, "no data rows");
    if (cal.column >= 0) {
        s->period = cal.first_day_rows;
        s->week_days = cal.has_weekend ? 7 : 5;
    }
    return CC_OK;
}

static cc_status cc__series_parse(cc_volume_series **out, const char *text, size_t len,
                                  const cc_series_csv_options *opt, const char *source)
{
    if (opt && opt->version != CC_SERIES_CSV_OPTIONS_VERSION)
        return cc__fail(CC_EVERSION, "series csv: options version %u, expected %d",
                        (unsigned)opt->version, CC_SERIES_CSV_OPTIONS_VERSION);
    cc_volume_series *s = cc__calloc(1, sizeof *s);
    if (!s) return cc__fail(CC_ENOMEM, "series csv: out of memory");
    cc__csv_rows r;
    cc_status st = cc__csv_rows_begin(&r, text, len, source);
    if (st) {
        cc__free(s);
        return st;
    }
    st = cc__series_rows(s, &r, opt);
    cc__csv_rows_end(&r);
    if (st) {
        cc_volume_series_free(s);
        return st;
    }
    *out = s;
    return CC_OK;
}

cc_status cc_volume_series_parse_csv(cc_volume_series **out, const char *text, size_t len,
                                     const cc_series_csv_options *opt)
{
    if (!out || (!text && len)) return cc__fail(CC_EINVAL, "series csv: out or text is NULL");
    *out = NULL;
    return cc__series_parse(out, text ? text : "", len, opt, NULL);
}

cc_status cc_volume_series_load_csv(cc_volume_series **out, const char *path,
                                    const cc_series_csv_options *opt)
{
    if (!out || !path) return cc__fail(CC_EINVAL, "series csv: out or path is NULL");
    *out = NULL;
    char *text;
    size_t len;
    cc_status st = cc__file_text_read(path, CC_VOLUME_SERIES_MAX_BYTES, &text, &len);
    if (st) return st;
    st = cc__series_parse(out, text, len, opt, path);
    cc__free(text);
    return st;
}

void cc_volume_series_free(cc_volume_series *self)
{
    if (!self) return;
    cc__free(self->values);
    cc__free(self);
}

const double *cc_volume_series_values(const cc_volume_series *self, size_t *n)
{
    if (n) *n = self ? self->n : 0;
    return self ? self->values : NULL;
}

size_t cc_volume_series_period(const cc_volume_series *self)
{
    return self ? self->period : 0;
}

size_t cc_volume_series_week_days(const cc_volume_series *self)
{
    return self ? self->week_days : 0;
}
