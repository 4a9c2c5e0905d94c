/*
 * lib/kpi/kpi_report_csv.c - tables of a cc_kpi_report as RFC 4180 CSV.
 *
 * Every table has a header line; figure columns are the fields of
 * cc_kpi_figures in a fixed order (kpi_fields.c); unknown figures are empty
 * cells. Text is built in one growable buffer, amortised O(1) per byte.
 */
#include "kpi_report.h"

#include "base/c_numeric.h"
#include "base/error.h"
#include "base/mem.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct cc__csv_text {
    char *buf;
    size_t len, cap;
    int failed;
} cc__csv_text;

static void cc__csv_put(cc__csv_text *t, const char *s, size_t n)
{
    if (t->failed) return;
    if (cc__grow((void **)&t->buf, &t->cap, t->len + n + 1, 1) != 0) {
        t->failed = 1;
        return;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void cc__csv_printf(cc__csv_text *t, const char *fmt, ...) CC__PRINTF(2, 3);

static void cc__csv_printf(cc__csv_text *t, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = cc__vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) cc__csv_put(t, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A text cell, quoted when it holds a comma, quote or line break. */
static void cc__csv_text_cell(cc__csv_text *t, const char *s)
{
    if (!s) return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        cc__csv_put(t, s, strlen(s));
        return;
    }
    cc__csv_put(t, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"') cc__csv_put(t, "\"", 1);
        cc__csv_put(t, p, 1);
    }
    cc__csv_put(t, "\"", 1);
}

static void cc__csv_header(cc__csv_text *t, const char *first)
{
    cc__csv_put(t, first, strlen(first));
    for (size_t i = 0; i < cc__kpi_nfields; i++) {
        cc__csv_put(t, ",", 1);
        cc__csv_put(t, cc__kpi_fields[i].name, strlen(cc__kpi_fields[i].name));
    }
    cc__csv_put(t, "\r\n", 2);
}

static void cc__csv_figures(cc__csv_text *t, const cc_kpi_figures *f, int agent)
{
    for (size_t i = 0; i < cc__kpi_nfields; i++) {
        const cc__kpi_field *fd = &cc__kpi_fields[i];
        cc__csv_put(t, ",", 1);
        if (agent && fd->not_for_agents) {
            continue; /* not applicable: empty, as an unknown figure */
        } else if (fd->is_count) {
            uint64_t u;
            memcpy(&u, (const char *)f + fd->offset, sizeof u);
            cc__csv_printf(t, "%" PRIu64, u);
        } else {
            double v = cc__kpi_field_value(fd, f);
            if (!isnan(v)) cc__csv_printf(t, "%.17g", v);
        }
    }
    cc__csv_put(t, "\r\n", 2);
}

static void cc__csv_groups(cc__csv_text *t, const char *col, const cc_kpi_group *g, size_t n,
                           int agent)
{
    cc__csv_header(t, col);
    for (size_t i = 0; i < n; i++) {
        cc__csv_text_cell(t, g[i].name);
        cc__csv_figures(t, &g[i].f, agent);
    }
}

static void cc__csv_intervals(cc__csv_text *t, const cc_kpi_report *r)
{
    char when[48];
    cc__csv_header(t, "start,queue");
    /* Rows by start: the all-queues row ("*") then each queue. */
    size_t q = 0;
    for (size_t i = 0; i < r->n_intervals; i++) {
        const cc_kpi_interval *row = &r->intervals[i];
        cc__kpi_format_utc(row->start_ms, when);
        cc__csv_printf(t, "%s,*", when);
        cc__csv_figures(t, &row->f, 0);
        while (q < r->n_interval_queues && r->interval_queues[q].start_ms == row->start_ms) {
            cc__csv_printf(t, "%s,", when);
            cc__csv_text_cell(t, r->interval_queues[q].queue);
            cc__csv_figures(t, &r->interval_queues[q].f, 0);
            q++;
        }
    }
}

static void cc__csv_pareto(cc__csv_text *t, const cc_kpi_report *r)
{
    static const char header[] = "rank,reason,contacts,share,cumulative,vital\r\n";
    cc__csv_put(t, header, sizeof header - 1);
    for (size_t i = 0; i < r->n_reasons; i++) {
        const cc_kpi_reason *x = &r->reasons[i];
        cc__csv_printf(t, "%zu,", i + 1);
        cc__csv_text_cell(t, x->reason);
        cc__csv_printf(t, ",%" PRIu64, x->contacts);
        cc__csv_printf(t, ",%.17g", x->share);
        cc__csv_printf(t, ",%.17g,%d\r\n", x->cumulative, x->vital);
    }
}

cc_status cc_kpi_report_csv(const cc_kpi_report *r, cc_kpi_table table, char **out)
{
    if (!r || !out) return cc__fail(CC_EINVAL, "cc_kpi_report_csv: NULL argument");
    *out = NULL;
    cc__csv_text t = {0};
    switch (table) {
    case CC_KPI_TABLE_QUEUES:
        cc__csv_groups(&t, "queue", r->queues, r->n_queues, 0);
        cc__csv_put(&t, "*", 1);
        cc__csv_figures(&t, &r->totals, 0);
        break;
    case CC_KPI_TABLE_AGENTS:
        cc__csv_groups(&t, "agent", r->agents, r->n_agents, 1);
        break;
    case CC_KPI_TABLE_INTERVALS:
        cc__csv_intervals(&t, r);
        break;
    case CC_KPI_TABLE_CHANNELS:
        cc__csv_groups(&t, "channel", r->channels, r->n_channels, 0);
        break;
    case CC_KPI_TABLE_PARETO:
        cc__csv_pareto(&t, r);
        break;
    default:
        return cc__fail(CC_EINVAL, "cc_kpi_report_csv: unknown table %d", (int)table);
    }
    if (t.failed || !t.buf) {
        cc__free(t.buf);
        return cc__fail(CC_ENOMEM, "kpi report CSV: out of memory");
    }
    *out = t.buf;
    return CC_OK;
}
