/*
 * examples/cli/cmd_forecast.c - `callcore forecast`: interval volume forecasts from a CSV.
 *
 * Input: a CSV with a header line and one row per interval in time order, read by
 * cc_volume_series_load_csv (forecast.h): the volume is the column named Calls/calls/volume,
 * else the last column. A column whose values look like ISO timestamps (YYYY-MM-DD...) gives
 * the intervals per day and whether weekends are in the data (the week is 5 days when none
 * is); --period / --week-days override.
 */
#include "cli.h"

#include "base/json.h"
#include "callcore/alloc.h"
#include "callcore/forecast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cli_forecast_usage[] =
    "usage: callcore forecast --input FILE.csv [--method NAME|all] [--train-days N]\n"
    "         [--period P] [--week-days D] [--window K] [--level L] [--json]\n"
    "  Without --train-days: fits on the whole file and forecasts the next day, with\n"
    "  prediction intervals at level L (default 0.95), by daily_profile unless --method\n"
    "  names another.\n"
    "  With --train-days N: fits on the first N days and forecasts the rest day by day\n"
    "  (rolling origin); reports WAPE, MAPE, sMAPE, MASE and interval coverage, and each\n"
    "  method's WAPE relative to the weekly seasonal-naive baseline. --method all (the\n"
    "  default with --train-days) compares every method.\n"
    "  methods: seasonal_naive_daily seasonal_naive_weekly moving_average\n"
    "           holt_winters_additive holt_winters_multiplicative double_seasonal\n"
    "           daily_profile\n";

/* The volumes of the file (cc_volume_series_load_csv: forecast.h) as the commands use them. */
typedef struct cli_series {
    const double *y; /* borrowed from the cc_volume_series */
    size_t n;
} cli_series;

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
    cc_status bst = cc_forecast_backtest(&base, NULL, &o, &bt, s->y, s->n);
    /* The baseline shares the user's options and runs first, so it is the one that meets a
     * bad --window or --level: that is a usage error, as for the methods below. */
    if (bst == CC_EINVAL) return cli_usage_error(a, "%s", cc_error_last());
    if (bst) return cli_fail("baseline: %s", cc_error_last());
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

static int cli_forecast_read(const cli_args *a, const cc_volume_series *vs,
                             cli_forecast_request *rq)
{
    cc_forecast_options init = CC_FORECAST_OPTIONS_INIT;
    rq->opt = init;
    int64_t period, week_days, window;
    double level;
    size_t dates_week = cc_volume_series_week_days(vs); /* 0 without dates: 7 */
    int rc = cli_int64(a, "period", (int64_t)cc_volume_series_period(vs), 0, &period);
    if (!rc) rc = cli_int64(a, "week-days", dates_week ? (int64_t)dates_week : 7, 0, &week_days);
    if (!rc) rc = cli_int64(a, "window", 5, 0, &window);
    if (!rc) rc = cli_int64(a, "train-days", 0, 0, &rq->train_days);
    if (!rc) rc = cli_double(a, "level", 0.95, 0, &level);
    if (rc) return rc;
    if (cli_has(a, "period") && period < 1)
        return cli_usage_error(a, "--period must be >= 1 (intervals per day), got %lld",
                               (long long)period);
    if (period < 1) return cli_usage_error(a, "cannot tell the intervals per day: give --period");
    if (week_days < 1 || week_days > 7) return cli_usage_error(a, "--week-days must be 1..7");
    if (window < 1) return cli_usage_error(a, "--window must be >= 1");
    /* 0 means "default" (0.95) in the options struct: --level 0 printed "at 0%" over
     * 95% intervals. On the command line it is a value, and outside (0, 1). */
    if (cli_has(a, "level") && level == 0.0)
        return cli_usage_error(a, "--level must be inside (0, 1)");
    if (cli_has(a, "train-days") && rq->train_days < 1)
        return cli_usage_error(a, "--train-days must be >= 1");
    /* The week is period * week_days: checked before it is formed (signed overflow is UB);
     * the library then says which periods it takes. */
    if (period > INT64_MAX / week_days)
        return cli_usage_error(a,
                               "--period %lld times %lld days a week does not fit a count "
                               "of intervals",
                               (long long)period, (long long)week_days);
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
    cc_volume_series *vs;
    if (cc_volume_series_load_csv(&vs, path, NULL)) return cli_fail("%s", cc_error_last());
    cli_series s;
    s.y = cc_volume_series_values(vs, &s.n);
    cli_forecast_request rq;
    rc = cli_forecast_read(&a, vs, &rq);
    if (!rc)
        rc = cli_has(&a, "train-days") ? cli_forecast_backtest(&a, &rq, &s)
                                       : cli_forecast_next_day(&a, &rq, &s);
    cc_volume_series_free(vs);
    return rc;
}
