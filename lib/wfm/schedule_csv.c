/*
 * lib/wfm/schedule_csv.c - the inputs of shift scheduling read from CSV
 * (schedule.h): agents required per interval (cc_interval_requirements) and
 * shift templates (cc_shift_table), as `callcore schedule` takes them.
 *
 * One pass over the rows (csv_rows.h); columns are located once from the
 * header; arrays grow by doubling (amortised O(1) per row). Numbers are
 * checked here with the line they came from; whether templates fit the day is
 * cc_schedule_solve's check, which knows the number of intervals.
 */
#include "callcore/schedule.h"

#include "base/error.h"
#include "base/file_text.h"
#include "base/mem.h"
#include "csv_rows.h"

#include <math.h>
#include <string.h>

struct cc_interval_requirements {
    size_t n;
    int *required;   /* n, owned */
    double *traffic; /* n, owned; NULL without a traffic column */
};

struct cc_shift_table {
    size_t n;
    cc_shift_template *templates; /* n, owned */
    char **names;                 /* n NUL-terminated names, owned */
};

/* The value of a cell, bounded to 40 bytes, for messages. */
#define CC__CELL_ARGS(s) (int)((s).n > 40 ? 40 : (s).n), (s).p

/*
 * A whole-number cell (|v| <= 1e9, integral: "8", "8.0", "1e2") into *out. An absent column
 * (col < 0) or an empty optional cell gives 0. Returns CC_OK or CC_EPARSE with the line.
 */
static cc_status cc__csv_whole(const cc__csv_rows *r, int col, const char *name, int optional,
                               int *out)
{
    *out = 0;
    if (col < 0) return CC_OK;
    cc__span v = cc__csv_rows_get(r, col);
    if (v.n == 0 && optional) return CC_OK;
    double x;
    if (cc__span_double(v, &x) != 0 || x != floor(x) || fabs(x) > 1e9)
        return cc__csv_rows_fail(r, CC_EPARSE, "'%s' must be a whole number, got '%.*s'", name,
                                 CC__CELL_ARGS(v));
    *out = (int)x;
    return CC_OK;
}

/* Locates a required column of the header; CC_EPARSE naming it when absent. */
static cc_status cc__csv_need(const cc__csv_rows *r, const char *name, int *col)
{
    *col = cc__csv_rows_column(r, name);
    if (*col < 0) return cc__csv_rows_fail_file(r, CC_EPARSE, "missing column '%s'", name);
    return CC_OK;
}

/* ---- requirements ------------------------------------------------------------ */

static cc_status cc__requirements_row(cc_interval_requirements *q, const cc__csv_rows *r,
                                      int req_col, int tr_col, size_t caps[2])
{
    int need;
    cc_status st = cc__csv_whole(r, req_col, "required", 0, &need);
    if (st) return st;
    if (need < 0) return cc__csv_rows_fail(r, CC_EPARSE, "'required' must be >= 0, got %d", need);
    double traffic = 0;
    if (tr_col >= 0) {
        cc__span v = cc__csv_rows_get(r, tr_col);
        if (cc__span_double(v, &traffic) != 0 || traffic < 0)
            return cc__csv_rows_fail(r, CC_EPARSE, "'traffic' must be a number >= 0, got '%.*s'",
                                     CC__CELL_ARGS(v));
    }
    if (cc__grow((void **)&q->required, &caps[0], q->n + 1, sizeof *q->required) != 0 ||
        (tr_col >= 0 &&
         cc__grow((void **)&q->traffic, &caps[1], q->n + 1, sizeof *q->traffic) != 0))
        return cc__csv_rows_fail(r, CC_ENOMEM, "out of memory");
    q->required[q->n] = need;
    if (tr_col >= 0) q->traffic[q->n] = traffic;
    q->n++;
    return CC_OK;
}

static cc_status cc__requirements_rows(cc_interval_requirements *q, cc__csv_rows *r)
{
    int req_col, tr_col = cc__csv_rows_column(r, "traffic");
    cc_status st = cc__csv_need(r, "required", &req_col);
    size_t caps[2] = {0, 0}; /* of required[], traffic[] */
    while (!st) {
        int more;
        if ((st = cc__csv_rows_next(r, &more)) || !more) break;
        st = cc__requirements_row(q, r, req_col, tr_col, caps);
    }
    if (!st && q->n == 0) st = cc__csv_rows_fail_file(r, CC_EPARSE, "no data rows");
    return st;
}

static cc_status cc__requirements_parse(cc_interval_requirements **out, const char *text,
                                        size_t len, const char *source)
{
    cc_interval_requirements *q = cc__calloc(1, sizeof *q);
    if (!q) return cc__fail(CC_ENOMEM, "requirements csv: out of memory");
    cc__csv_rows r;
    cc_status st = cc__csv_rows_begin(&r, text, len, source);
    if (!st) {
        st = cc__requirements_rows(q, &r);
        cc__csv_rows_end(&r);
    }
    if (st) {
        cc_interval_requirements_free(q);
        return st;
    }
    *out = q;
    return CC_OK;
}

cc_status cc_interval_requirements_parse_csv(cc_interval_requirements **out, const char *text,
                                             size_t len)
{
    if (!out || (!text && len)) return cc__fail(CC_EINVAL, "requirements csv: out or text is NULL");
    *out = NULL;
    return cc__requirements_parse(out, text ? text : "", len, NULL);
}

cc_status cc_interval_requirements_load_csv(cc_interval_requirements **out, const char *path)
{
    if (!out || !path) return cc__fail(CC_EINVAL, "requirements csv: out or path is NULL");
    *out = NULL;
    char *text;
    size_t len;
    cc_status st = cc__file_text_read(path, CC_SCHEDULE_CSV_MAX_BYTES, &text, &len);
    if (st) return st;
    st = cc__requirements_parse(out, text, len, path);
    cc__free(text);
    return st;
}

void cc_interval_requirements_free(cc_interval_requirements *self)
{
    if (!self) return;
    cc__free(self->required);
    cc__free(self->traffic);
    cc__free(self);
}

size_t cc_interval_requirements_count(const cc_interval_requirements *self)
{
    return self ? self->n : 0;
}

const int *cc_interval_requirements_required(const cc_interval_requirements *self)
{
    return self ? self->required : NULL;
}

const double *cc_interval_requirements_traffic(const cc_interval_requirements *self)
{
    return self ? self->traffic : NULL;
}

/* ---- shift templates --------------------------------------------------------- */

/* Columns of a shift table; names[] and col[] in the same order. */
enum {
    CC__SHIFT_START_FIRST,
    CC__SHIFT_START_LAST,
    CC__SHIFT_START_STEP,
    CC__SHIFT_LENGTH,
    CC__SHIFT_BREAK_EARLIEST,
    CC__SHIFT_BREAK_LATEST,
    CC__SHIFT_BREAK_LENGTH,
    CC__SHIFT_NINTS
};

static const char *const cc__shift_int_names[CC__SHIFT_NINTS] = {
    "start_first",    "start_last",   "start_step",   "length",
    "break_earliest", "break_latest", "break_length",
};

/* 1 for the columns a shift table must have. */
static int cc__shift_int_required(int i)
{
    return i == CC__SHIFT_START_FIRST || i == CC__SHIFT_START_LAST || i == CC__SHIFT_LENGTH;
}

typedef struct cc__shift_columns {
    int ints[CC__SHIFT_NINTS];
    int cost, name;
} cc__shift_columns;

static cc_status cc__shift_columns_find(const cc__csv_rows *r, cc__shift_columns *c)
{
    for (int i = 0; i < CC__SHIFT_NINTS; i++) {
        if (cc__shift_int_required(i)) {
            cc_status st = cc__csv_need(r, cc__shift_int_names[i], &c->ints[i]);
            if (st) return st;
        } else {
            c->ints[i] = cc__csv_rows_column(r, cc__shift_int_names[i]);
        }
    }
    c->name = cc__csv_rows_column(r, "name");
    return cc__csv_need(r, "cost", &c->cost);
}

/* Reads the current row as a template into *t. */
static cc_status cc__shift_row(const cc__csv_rows *r, const cc__shift_columns *c,
                               cc_shift_template *t)
{
    int v[CC__SHIFT_NINTS];
    for (int i = 0; i < CC__SHIFT_NINTS; i++) {
        cc_status st =
            cc__csv_whole(r, c->ints[i], cc__shift_int_names[i], !cc__shift_int_required(i), &v[i]);
        if (st) return st;
    }
    cc__span cost = cc__csv_rows_get(r, c->cost);
    if (cc__span_double(cost, &t->cost) != 0)
        return cc__csv_rows_fail(r, CC_EPARSE, "'cost' must be a number, got '%.*s'",
                                 CC__CELL_ARGS(cost));
    t->start_first = v[CC__SHIFT_START_FIRST];
    t->start_last = v[CC__SHIFT_START_LAST];
    t->start_step = v[CC__SHIFT_START_STEP];
    t->length = v[CC__SHIFT_LENGTH];
    t->break_earliest = v[CC__SHIFT_BREAK_EARLIEST];
    t->break_latest = v[CC__SHIFT_BREAK_LATEST];
    t->break_length = v[CC__SHIFT_BREAK_LENGTH];
    return CC_OK;
}

/* A copy of the span as a NUL-terminated string (cc__free), or NULL. */
static char *cc__span_dup(cc__span s)
{
    char *p = cc__malloc(s.n + 1);
    if (!p) return NULL;
    memcpy(p, s.p, s.n);
    p[s.n] = '\0';
    return p;
}

static cc_status cc__shift_rows(cc_shift_table *t, cc__csv_rows *r)
{
    cc__shift_columns c;
    cc_status st = cc__shift_columns_find(r, &c);
    size_t cap_t = 0, cap_n = 0;
    while (!st) {
        int more;
        if ((st = cc__csv_rows_next(r, &more)) || !more) break;
        cc_shift_template tpl;
        if ((st = cc__shift_row(r, &c, &tpl))) break;
        cc__span none = {"", 0};
        if (cc__grow((void **)&t->templates, &cap_t, t->n + 1, sizeof *t->templates) != 0 ||
            cc__grow((void **)&t->names, &cap_n, t->n + 1, sizeof *t->names) != 0 ||
            !(t->names[t->n] = cc__span_dup(c.name >= 0 ? cc__csv_rows_get(r, c.name) : none))) {
            st = cc__csv_rows_fail(r, CC_ENOMEM, "out of memory");
            break;
        }
        t->templates[t->n++] = tpl;
    }
    if (!st && t->n == 0) st = cc__csv_rows_fail_file(r, CC_EPARSE, "no data rows");
    return st;
}

static cc_status cc__shift_parse(cc_shift_table **out, const char *text, size_t len,
                                 const char *source)
{
    cc_shift_table *t = cc__calloc(1, sizeof *t);
    if (!t) return cc__fail(CC_ENOMEM, "shifts csv: out of memory");
    cc__csv_rows r;
    cc_status st = cc__csv_rows_begin(&r, text, len, source);
    if (!st) {
        st = cc__shift_rows(t, &r);
        cc__csv_rows_end(&r);
    }
    if (st) {
        cc_shift_table_free(t);
        return st;
    }
    *out = t;
    return CC_OK;
}

cc_status cc_shift_table_parse_csv(cc_shift_table **out, const char *text, size_t len)
{
    if (!out || (!text && len)) return cc__fail(CC_EINVAL, "shifts csv: out or text is NULL");
    *out = NULL;
    return cc__shift_parse(out, text ? text : "", len, NULL);
}

cc_status cc_shift_table_load_csv(cc_shift_table **out, const char *path)
{
    if (!out || !path) return cc__fail(CC_EINVAL, "shifts csv: out or path is NULL");
    *out = NULL;
    char *text;
    size_t len;
    cc_status st = cc__file_text_read(path, CC_SCHEDULE_CSV_MAX_BYTES, &text, &len);
    if (st) return st;
    st = cc__shift_parse(out, text, len, path);
    cc__free(text);
    return st;
}

void cc_shift_table_free(cc_shift_table *self)
{
    if (!self) return;
    /* names[0 .. n) are set: a row is counted only once its name exists. */
    for (size_t i = 0; i < self->n; i++)
        cc__free(self->names[i]);
    cc__free(self->names);
    cc__free(self->templates);
    cc__free(self);
}

const cc_shift_template *cc_shift_table_templates(const cc_shift_table *self, size_t *count)
{
    if (count) *count = self ? self->n : 0;
    return self ? self->templates : NULL;
}

const char *cc_shift_table_name(const cc_shift_table *self, size_t index)
{
    return self && index < self->n ? self->names[index] : NULL;
}
