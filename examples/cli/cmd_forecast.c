/*
 * examples/cli/cmd_forecast.c - `callcore forecast`: interval volume forecasts from a CSV.
 *
 * Input: a CSV with a header line and one row per interval in time order; the volume is the
 * column named Calls/calls/volume, else the last column. A column whose values look like
 * ISO timestamps (YYYY-MM-DD...) gives the intervals per day and whether weekends are in
 * the data (the week is 5 days when none is); --period / --week-days override.
 */
#include "cli.h"

#include "base/json.h"
#include "callcore/alloc.h"
#include "callcore/forecast.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cli_forecast_usage[] =
    "usage: callcore forecast --input FILE.csv [--method NAME|all] [--train-days N]\n"
    "         [--period P] [--week-days D] [--window K] [--level L] [--json]\n"
    "  Without --train-days: fits on the whole file and forecasts the next day, with\n"
    "  prediction intervals at level L (default 0.95).\n"
    "  With --train-days N: fits on the first N days and forecasts the rest day by day\n"
    "  (rolling origin); reports WAPE, MAPE, sMAPE, MASE and interval coverage, and each\n"
    "  method's WAPE relative to the weekly seasonal-naive baseline. --method all (the\n"
    "  default with --train-days) compares every method.\n"
    "  methods: seasonal_naive_daily seasonal_naive_weekly moving_average\n"
    "           holt_winters_additive holt_winters_multiplicative double_seasonal\n";

/* The volumes of the file and what its timestamps say about the calendar. */
typedef struct cli_series {
    double *y;
    size_t n, cap;
    size_t period;   /* intervals per day, 0 when unknown */
    int has_weekend; /* -1 unknown */
    char first_day[11];
} cli_series;

/* Day of week (0 = Sunday) of an ISO date, Sakamoto's method; -1 if it does not parse. */
static int cli_day_of_week(const char *s)
{
    int y, m, d;
    if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) return -1;
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3) y -= 1;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static int cli_looks_like_date(const char *s)
{
    return strlen(s) >= 10 && s[4] == '-' && s[7] == '-' && cli_day_of_week(s) >= 0;
}

/* Splits a line at commas in place (no quoting needed for numeric files). */
static int cli_split(char *line, char **cells, int max)
{
    int n = 0;
    cells[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ',') {
            *p = '\0';
            cells[n++] = p + 1;
        }
    return n;
}

static int cli_series_push(cli_series *s, double v)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4096;
        double *y = realloc(s->y, cap * sizeof *y);
        if (!y) return -1;
        s->y = y;
        s->cap = cap;
    }
    s->y[s->n++] = v;
    return 0;
}

static int cli_series_read(cli_series *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->has_weekend = -1;
    FILE *f = fopen(path, "r");
    if (!f) return cli_fail("cannot open '%s': %s", path, strerror(errno));
    char line[4096], *cells[64];
    int value_col = -1, date_col = -1, ncols = 0, rc = 0;
    size_t first_day_rows = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0]) continue;
        int n = cli_split(line, cells, 64);
        if (value_col < 0) { /* header */
            ncols = n;
            value_col = n - 1;
            for (int c = 0; c < n; c++) {
                const char *h = cells[c];
                if (strcmp(h, "Calls") == 0 || strcmp(h, "calls") == 0 || strcmp(h, "volume") == 0)
                    value_col = c;
            }
            continue;
        }
        if (n != ncols) {
            rc = cli_fail("%s:%zu: expected %d columns, got %d", path, lineno, ncols, n);
            break;
        }
        if (date_col < 0 && s->n == 0)
            for (int c = 0; c < n; c++)
                if (c != value_col && cli_looks_like_date(cells[c])) date_col = c;
        char *end;
        errno = 0;
        double v = strtod(cells[value_col], &end);
        if (end == cells[value_col] || *end || errno || !isfinite(v) || v < 0) {
            rc = cli_fail("%s:%zu: '%s' is not a volume >= 0", path, lineno, cells[value_col]);
            break;
        }
        if (date_col >= 0) {
            const char *d = cells[date_col];
            if (s->n == 0) {
                memcpy(s->first_day, d, 10);
                s->first_day[10] = '\0';
                s->has_weekend = 0;
            }
            if (strncmp(d, s->first_day, 10) == 0) first_day_rows++;
            int dow = cli_day_of_week(d);
            if (dow == 0 || dow == 6) s->has_weekend = 1;
        }
        if (cli_series_push(s, v)) {
            rc = cli_fail("out of memory reading '%s'", path);
            break;
        }
    }
    fclose(f);
    if (!rc && s->n == 0) rc = cli_fail("'%s' has no data rows", path);
    s->period = first_day_rows;
    return rc;
}

/* Everything the command was asked. */
typedef struct cli_forecast_request {
    cc_forecast_options opt;
    const char *method; /* NULL or "all": every method */
    int64_t train_days;
} cli_forecast_request;

static void cli_json_array(cc__json *j, const char *key, const double *v, size_t n)
{
    cc__json_key(j, key);
    cc__json_array_begin(j);
    for (size_t i = 0; i < n; i++)
        cc__json_double(j, v[i]);
    cc__json_array_end(j);
}

static int cli_forecast_next_day(const cli_args *a, const cli_forecast_request *rq,
                                 const cli_series *s)
{
    cc_forecaster *fc;
    cc_status st = cc_forecaster_new(&fc, &rq->opt);
    if (st) return cli_usage_error(a, "%s", cc_error_last());
    size_t h = rq->opt.period;
    double *out = malloc(3 * h * sizeof *out);
    if (!out) {
        cc_forecaster_free(fc);
        return cli_fail("out of memory");
    }
    st = cc_forecaster_fit(fc, s->y, s->n);
    if (!st) st = cc_forecaster_predict(fc, h, out, out + h, out + 2 * h);
    cc_forecast_params p;
    cc_forecaster_params(fc, &p);
    cc_forecaster_free(fc);
    if (st) {
        free(out);
        return cli_fail("%s", cc_error_last());
    }
    int rc;
    if (cli_has(a, "json")) {
        cc__json j;
        cc__json_init(&j, 0);
        cc__json_object_begin(&j);
        cc__json_kv_string(&j, "method", cc_forecast_method_name(rq->opt.method));
        cc__json_kv_int(&j, "period", (int64_t)rq->opt.period);
        cc__json_kv_int(&j, "week", (int64_t)rq->opt.week);
        cc__json_kv_int(&j, "observations", (int64_t)s->n);
        cc__json_key(&j, "params");
        cc__json_object_begin(&j);
        cc__json_kv_double(&j, "alpha", p.alpha);
        cc__json_kv_double(&j, "beta", p.beta);
        cc__json_kv_double(&j, "gamma", p.gamma);
        cc__json_kv_double(&j, "omega", p.omega);
        cc__json_kv_double(&j, "phi", p.phi);
        cc__json_kv_double(&j, "sigma", p.sigma);
        cc__json_object_end(&j);
        cc__json_kv_double(&j, "level", rq->opt.level);
        cli_json_array(&j, "forecast", out, h);
        cli_json_array(&j, "lower", out + h, h);
        cli_json_array(&j, "upper", out + 2 * h, h);
        cc__json_object_end(&j);
        rc = cli_print_json(cc__json_take(&j));
    } else {
        printf("# %s, next %zu intervals (forecast, lower, upper at %.0f%%)\n",
               cc_forecast_method_name(rq->opt.method), h, 100 * rq->opt.level);
        for (size_t i = 0; i < h; i++)
            printf("%zu,%.3f,%.3f,%.3f\n", i, out[i], out[h + i], out[2 * h + i]);
        rc = CLI_EXIT_OK;
    }
    free(out);
    return rc;
}

static int cli_forecast_backtest(const cli_args *a, const cli_forecast_request *rq,
                                 const cli_series *s)
{
    size_t period = rq->opt.period;
    if ((uint64_t)rq->train_days >= s->n / period)
        return cli_usage_error(a, "--train-days %lld leaves no day to forecast (%zu days in file)",
                               (long long)rq->train_days, s->n / period);
    size_t initial = (size_t)rq->train_days * period;
    if (initial >= s->n)
        return cli_usage_error(a, "--train-days %lld leaves no day to forecast (%zu days in file)",
                               (long long)rq->train_days, s->n / period);
    cc_forecast_method methods[CC_FORECAST_METHOD_COUNT];
    size_t nm = 0;
    if (!rq->method || strcmp(rq->method, "all") == 0) {
        for (int i = 0; i < CC_FORECAST_METHOD_COUNT; i++)
            methods[nm++] = (cc_forecast_method)i;
    } else {
        methods[nm++] = rq->opt.method;
    }
    cc_forecast_accuracy acc[CC_FORECAST_METHOD_COUNT], base;
    cc_backtest_options bt = CC_BACKTEST_OPTIONS_INIT;
    bt.initial = initial;
    cc_forecast_options o = rq->opt;
    o.method = CC_FORECAST_SEASONAL_NAIVE_WEEKLY;
    if (cc_forecast_backtest(&base, NULL, &o, &bt, s->y, s->n))
        return cli_fail("baseline: %s", cc_error_last());
    for (size_t i = 0; i < nm; i++) {
        o.method = methods[i];
        cc_status st = cc_forecast_backtest(&acc[i], NULL, &o, &bt, s->y, s->n);
        if (st == CC_EINVAL) return cli_usage_error(a, "%s", cc_error_last());
        if (st) return cli_fail("%s: %s", cc_forecast_method_name(methods[i]), cc_error_last());
    }
    if (!cli_has(a, "json")) {
        printf("train %lld days, forecast %zu days day by day (%zu intervals/day)\n",
               (long long)rq->train_days, (s->n - initial) / period, period);
        printf("%-28s %8s %8s %8s %8s %9s %12s\n", "method", "WAPE", "MAPE", "sMAPE", "MASE",
               "coverage", "WAPE/naive7");
        for (size_t i = 0; i < nm; i++)
            printf("%-28s %7.2f%% %7.2f%% %7.2f%% %8.3f %8.1f%% %12.3f\n",
                   cc_forecast_method_name(methods[i]), 100 * acc[i].wape, 100 * acc[i].mape,
                   100 * acc[i].smape, acc[i].mase, 100 * acc[i].coverage, acc[i].wape / base.wape);
        return CLI_EXIT_OK;
    }
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    cc__json_kv_int(&j, "period", (int64_t)period);
    cc__json_kv_int(&j, "week", (int64_t)rq->opt.week);
    cc__json_kv_int(&j, "train_days", rq->train_days);
    cc__json_kv_int(&j, "test_days", (int64_t)((s->n - initial) / period));
    cc__json_kv_string(&j, "baseline", "seasonal_naive_weekly");
    cc__json_kv_double(&j, "baseline_wape", base.wape);
    cc__json_key(&j, "methods");
    cc__json_array_begin(&j);
    for (size_t i = 0; i < nm; i++) {
        cc__json_object_begin(&j);
        cc__json_kv_string(&j, "method", cc_forecast_method_name(methods[i]));
        cc__json_kv_double(&j, "wape", acc[i].wape);
        cc__json_kv_double(&j, "mape", acc[i].mape);
        cc__json_kv_double(&j, "smape", acc[i].smape);
        cc__json_kv_double(&j, "mase", acc[i].mase);
        cc__json_kv_double(&j, "coverage", acc[i].coverage);
        cc__json_kv_double(&j, "wape_vs_baseline", acc[i].wape / base.wape);
        cc__json_kv_int(&j, "points", (int64_t)acc[i].points);
        cc__json_object_end(&j);
    }
    cc__json_array_end(&j);
    cc__json_object_end(&j);
    return cli_print_json(cc__json_take(&j));
}

static int cli_forecast_read(const cli_args *a, const cli_series *s, cli_forecast_request *rq)
{
    cc_forecast_options init = CC_FORECAST_OPTIONS_INIT;
    rq->opt = init;
    int64_t period, week_days, window;
    double level;
    int rc = cli_int64(a, "period", (int64_t)s->period, 0, &period);
    if (!rc) rc = cli_int64(a, "week-days", s->has_weekend == 0 ? 5 : 7, 0, &week_days);
    if (!rc) rc = cli_int64(a, "window", 5, 0, &window);
    if (!rc) rc = cli_int64(a, "train-days", 0, 0, &rq->train_days);
    if (!rc) rc = cli_double(a, "level", 0.95, 0, &level);
    if (rc) return rc;
    if (period < 1) return cli_usage_error(a, "cannot tell the intervals per day: give --period");
    if (week_days < 1 || week_days > 7) return cli_usage_error(a, "--week-days must be 1..7");
    if (window < 1) return cli_usage_error(a, "--window must be >= 1");
    if (cli_has(a, "train-days") && rq->train_days < 1)
        return cli_usage_error(a, "--train-days must be >= 1");
    rq->opt.period = (size_t)period;
    rq->opt.week = (size_t)(period * week_days);
    rq->opt.window = (size_t)window;
    rq->opt.level = level;
    rq->method = cli_str(a, "method", NULL);
    if (rq->method && strcmp(rq->method, "all") != 0 &&
        cc_forecast_method_parse(rq->method, &rq->opt.method))
        return cli_usage_error(a, "%s", cc_error_last());
    if (!rq->method && !cli_has(a, "train-days")) rq->opt.method = CC_FORECAST_DAILY_PROFILE;
    if (rq->method && strcmp(rq->method, "all") == 0 && !cli_has(a, "train-days"))
        return cli_usage_error(a, "--method all needs --train-days");
    return 0;
}

int cli_cmd_forecast(int argc, char **argv)
{
    cli_opt opts[] = {{.name = "input", .has_arg = 1},      {.name = "method", .has_arg = 1},
                      {.name = "train-days", .has_arg = 1}, {.name = "period", .has_arg = 1},
                      {.name = "week-days", .has_arg = 1},  {.name = "window", .has_arg = 1},
                      {.name = "level", .has_arg = 1},      {.name = "json"}};
    cli_args a = {.opts = opts, .nopts = sizeof opts / sizeof opts[0], .usage = cli_forecast_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.npos > 0) return cli_usage_error(&a, "unexpected argument '%s'", a.pos[0]);
    const char *path = cli_str(&a, "input", NULL);
    if (!path) return cli_usage_error(&a, "--input is required");
    cli_series s;
    if ((rc = cli_series_read(&s, path))) {
        free(s.y);
        return rc;
    }
    cli_forecast_request rq;
    rc = cli_forecast_read(&a, &s, &rq);
    if (!rc)
        rc = cli_has(&a, "train-days") ? cli_forecast_backtest(&a, &rq, &s)
                                       : cli_forecast_next_day(&a, &rq, &s);
    free(s.y);
    return rc;
}
