/*
 * examples/cli/cmd_schedule.c - `callcore schedule`: shifts covering per-interval needs.
 *
 * --requirements: CSV with a header and one row per interval; column `required` (agents),
 *   optional `traffic` (Erlangs, for the service level each interval then gets).
 * --shifts: CSV with a header naming the columns name, start_first, start_last,
 *   start_step, length, break_earliest, break_latest, break_length, cost (times in
 *   intervals; the break columns may be omitted for shifts without a break).
 */
#include "cli.h"

#include "base/json.h"
#include "callcore/schedule.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cli_schedule_usage[] =
    "usage: callcore schedule --requirements FILE.csv --shifts FILE.csv [--interval-s S]\n"
    "         [--aht-s S] [--target-s T] [--under-cost C] [--max-seconds M] [--json]\n"
    "  Chooses how many agents work each shift (start, break) so that every interval has\n"
    "  its required agents at minimum cost (COIN-OR CBC). Reports coverage, over and under\n"
    "  per interval and, with a traffic column, the Erlang C service level within T seconds\n"
    "  (AHT S, default 180; T default 20). --under-cost C allows shortage at C per missing\n"
    "  agent-interval instead of failing.\n"
    "  requirements columns: required[,traffic]\n"
    "  shifts columns: name,start_first,start_last,start_step,length,"
    "break_earliest,break_latest,break_length,cost\n";

#define CLI_SCHED_MAX_COLS 16
#define CLI_SCHED_NAME 64

/* A CSV held as rows of numeric cells (strings kept for a `name` column). */
typedef struct cli_table {
    char header[CLI_SCHED_MAX_COLS][CLI_SCHED_NAME];
    int ncols;
    size_t nrows, cap;
    double *cells;                 /* nrows * ncols, NaN where not numeric */
    char (*names)[CLI_SCHED_NAME]; /* the `name` column, if any */
} cli_table;

static void cli_table_free(cli_table *t)
{
    free(t->cells);
    free(t->names);
}

static int cli_table_col(const cli_table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->header[c], name) == 0) return c;
    return -1;
}

static int cli_table_read(cli_table *t, const char *path)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f) return cli_fail("cannot open '%s': %s", path, strerror(errno));
    char line[4096];
    size_t lineno = 0;
    int rc = 0, name_col = -1;
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#') continue;
        char *cells[CLI_SCHED_MAX_COLS];
        int n = 0;
        cells[n++] = line;
        for (char *p = line; *p; p++)
            if (*p == ',') {
                if (n == CLI_SCHED_MAX_COLS) break;
                *p = '\0';
                cells[n++] = p + 1;
            }
        if (t->ncols == 0) {
            t->ncols = n;
            for (int c = 0; c < n; c++) {
                snprintf(t->header[c], CLI_SCHED_NAME, "%s", cells[c]);
                if (strcmp(cells[c], "name") == 0) name_col = c;
            }
            continue;
        }
        if (n != t->ncols) {
            rc = cli_fail("%s:%zu: expected %d columns, got %d", path, lineno, t->ncols, n);
            break;
        }
        if (t->nrows == t->cap) {
            size_t cap = t->cap ? 2 * t->cap : 64;
            double *cells2 = realloc(t->cells, cap * (size_t)t->ncols * sizeof *cells2);
            if (cells2) t->cells = cells2;
            char(*names2)[CLI_SCHED_NAME] = realloc(t->names, cap * sizeof *names2);
            if (names2) t->names = names2;
            if (!cells2 || !names2) {
                rc = cli_fail("out of memory reading '%s'", path);
                break;
            }
            t->cap = cap;
        }
        for (int c = 0; c < n; c++) {
            char *end;
            errno = 0;
            double v = strtod(cells[c], &end);
            t->cells[t->nrows * (size_t)t->ncols + (size_t)c] =
                (end == cells[c] || *end || errno) ? NAN : v;
        }
        snprintf(t->names[t->nrows], CLI_SCHED_NAME, "%s", name_col >= 0 ? cells[name_col] : "");
        t->nrows++;
    }
    fclose(f);
    if (!rc && t->nrows == 0) rc = cli_fail("'%s' has no data rows", path);
    return rc;
}

static double cli_cell(const cli_table *t, size_t row, int col)
{
    return col < 0 ? 0.0 : t->cells[row * (size_t)t->ncols + (size_t)col];
}

/* Reads a whole-number cell, or reports which file, row and column is wrong. */
static int cli_int_cell(const cli_table *t, const char *path, size_t row, const char *name,
                        int required, int *out)
{
    int c = cli_table_col(t, name);
    if (c < 0) {
        if (required) return cli_fail("%s: missing column '%s'", path, name);
        *out = 0;
        return 0;
    }
    double v = cli_cell(t, row, c);
    if (!(v == floor(v)) || fabs(v) > 1e9)
        return cli_fail("%s: row %zu: '%s' must be a whole number", path, row + 1, name);
    *out = (int)v;
    return 0;
}

static int cli_schedule_templates(const cli_table *t, const char *path, cc_shift_template *out)
{
    int cost_col = cli_table_col(t, "cost");
    if (cost_col < 0) return cli_fail("%s: missing column 'cost'", path);
    for (size_t r = 0; r < t->nrows; r++) {
        cc_shift_template *s = &out[r];
        int rc = cli_int_cell(t, path, r, "start_first", 1, &s->start_first);
        if (!rc) rc = cli_int_cell(t, path, r, "start_last", 1, &s->start_last);
        if (!rc) rc = cli_int_cell(t, path, r, "start_step", 0, &s->start_step);
        if (!rc) rc = cli_int_cell(t, path, r, "length", 1, &s->length);
        if (!rc) rc = cli_int_cell(t, path, r, "break_earliest", 0, &s->break_earliest);
        if (!rc) rc = cli_int_cell(t, path, r, "break_latest", 0, &s->break_latest);
        if (!rc) rc = cli_int_cell(t, path, r, "break_length", 0, &s->break_length);
        if (rc) return rc;
        s->cost = cli_cell(t, r, cost_col);
    }
    return 0;
}

static void cli_json_ints(cc__json *j, const char *key, const int *v, size_t n)
{
    cc__json_key(j, key);
    cc__json_array_begin(j);
    for (size_t i = 0; i < n; i++)
        cc__json_int(j, v[i]);
    cc__json_array_end(j);
}

static int cli_schedule_print(const cli_args *a, const cc_schedule *s, const cli_table *shifts,
                              const int *req, int has_traffic)
{
    size_t n = cc_schedule_intervals(s), na;
    const cc_shift_assignment *as = cc_schedule_assignments(s, &na);
    const double *sl = cc_schedule_service_level(s);
    if (!cli_has(a, "json")) {
        printf("agents %d, cost %.10g%s\n", cc_schedule_agents(s), cc_schedule_cost(s),
               cc_schedule_optimal(s) ? " (optimal)" : " (time limit: best found)");
        for (size_t k = 0; k < na; k++)
            printf("  %3d x %-12s start %3d break %3d\n", as[k].agents, shifts->names[as[k].shift],
                   as[k].start, as[k].break_start);
        printf("interval,required,coverage,over,under,service_level\n");
        for (size_t i = 0; i < n; i++)
            printf("%zu,%d,%d,%d,%d,%.4f\n", i, req[i], cc_schedule_coverage(s)[i],
                   cc_schedule_over(s)[i], cc_schedule_under(s)[i], sl[i]);
        return CLI_EXIT_OK;
    }
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    cc__json_kv_int(&j, "intervals", (int64_t)n);
    cc__json_kv_int(&j, "agents", cc_schedule_agents(s));
    cc__json_kv_double(&j, "cost", cc_schedule_cost(s));
    cc__json_key(&j, "optimal");
    cc__json_bool(&j, cc_schedule_optimal(s));
    cc__json_key(&j, "shifts");
    cc__json_array_begin(&j);
    for (size_t k = 0; k < na; k++) {
        cc__json_object_begin(&j);
        cc__json_kv_string(&j, "shift", shifts->names[as[k].shift]);
        cc__json_kv_int(&j, "template", as[k].shift);
        cc__json_kv_int(&j, "start", as[k].start);
        cc__json_kv_int(&j, "break_start", as[k].break_start);
        cc__json_kv_int(&j, "agents", as[k].agents);
        cc__json_object_end(&j);
    }
    cc__json_array_end(&j);
    cli_json_ints(&j, "required", req, n);
    cli_json_ints(&j, "coverage", cc_schedule_coverage(s), n);
    cli_json_ints(&j, "over", cc_schedule_over(s), n);
    cli_json_ints(&j, "under", cc_schedule_under(s), n);
    if (has_traffic) {
        cc__json_key(&j, "service_level");
        cc__json_array_begin(&j);
        for (size_t i = 0; i < n; i++)
            cc__json_double(&j, sl[i]);
        cc__json_array_end(&j);
    }
    cc__json_object_end(&j);
    return cli_print_json(cc__json_take(&j));
}

static int cli_schedule_options(const cli_args *a, cc_schedule_options *o)
{
    cc_schedule_options init = CC_SCHEDULE_OPTIONS_INIT;
    *o = init;
    int rc = cli_double(a, "interval-s", 900.0, 0, &o->interval_s);
    if (!rc) rc = cli_double(a, "aht-s", 180.0, 0, &o->aht_s);
    if (!rc) rc = cli_double(a, "target-s", 20.0, 0, &o->target_s);
    if (!rc) rc = cli_double(a, "under-cost", 0.0, 0, &o->under_cost);
    if (!rc) rc = cli_double(a, "max-seconds", 60.0, 0, &o->max_seconds);
    if (rc) return rc;
    if (o->interval_s <= 0 || o->aht_s <= 0 || o->target_s < 0 || o->under_cost < 0 ||
        o->max_seconds <= 0)
        return cli_usage_error(a, "--interval-s, --aht-s, --max-seconds must be > 0 and "
                                  "--target-s, --under-cost >= 0");
    if (o->target_s == 0.0) o->target_s = 1e-300; /* 0 in the options means the default */
    return 0;
}

int cli_cmd_schedule(int argc, char **argv)
{
    cli_opt opts[] = {{.name = "requirements", .has_arg = 1}, {.name = "shifts", .has_arg = 1},
                      {.name = "interval-s", .has_arg = 1},   {.name = "aht-s", .has_arg = 1},
                      {.name = "target-s", .has_arg = 1},     {.name = "under-cost", .has_arg = 1},
                      {.name = "max-seconds", .has_arg = 1},  {.name = "json"}};
    cli_args a = {.opts = opts, .nopts = sizeof opts / sizeof opts[0], .usage = cli_schedule_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.npos > 0) return cli_usage_error(&a, "unexpected argument '%s'", a.pos[0]);
    const char *req_path = cli_str(&a, "requirements", NULL);
    const char *shift_path = cli_str(&a, "shifts", NULL);
    if (!req_path || !shift_path)
        return cli_usage_error(&a, "--requirements and --shifts are required");
    cc_schedule_options o;
    if ((rc = cli_schedule_options(&a, &o))) return rc;
    cli_table rt, st;
    memset(&st, 0, sizeof st);
    int *req = NULL;
    double *traffic = NULL;
    cc_shift_template *tpl = NULL;
    cc_schedule *s = NULL;
    if ((rc = cli_table_read(&rt, req_path)) || (rc = cli_table_read(&st, shift_path))) goto done;
    int req_col = cli_table_col(&rt, "required"), tr_col = cli_table_col(&rt, "traffic");
    if (req_col < 0) {
        rc = cli_fail("%s: missing column 'required'", req_path);
        goto done;
    }
    req = calloc(rt.nrows, sizeof *req);
    traffic = tr_col >= 0 ? calloc(rt.nrows, sizeof *traffic) : NULL;
    tpl = calloc(st.nrows, sizeof *tpl);
    if (!req || !tpl || (tr_col >= 0 && !traffic)) {
        rc = cli_fail("out of memory");
        goto done;
    }
    for (size_t i = 0; i < rt.nrows && !rc; i++) {
        rc = cli_int_cell(&rt, req_path, i, "required", 1, &req[i]);
        if (traffic) traffic[i] = cli_cell(&rt, i, tr_col);
    }
    if (rc || (rc = cli_schedule_templates(&st, shift_path, tpl))) goto done;
    cc_status status = cc_schedule_solve(&s, &o, req, traffic, rt.nrows, tpl, st.nrows);
    if (status == CC_EINVAL)
        rc = cli_usage_error(&a, "%s", cc_error_last());
    else if (status)
        rc = cli_fail("%s", cc_error_last());
    else
        rc = cli_schedule_print(&a, s, &st, req, traffic != NULL);
done:
    cc_schedule_free(s);
    free(req);
    free(traffic);
    free(tpl);
    cli_table_free(&rt);
    cli_table_free(&st);
    return rc;
}
