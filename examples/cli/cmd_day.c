/*
 * examples/cli/cmd_day.c - `callcore day`: a contact-center day from history to
 * report, the library's areas end to end.
 *
 *   1. history   interval counts of past days (the Anonymous Bank's 1999 arrivals
 *                in 6-minute intervals, or a built-in synthetic history)
 *   2. forecast  tomorrow's interval volumes (callcore/forecast.h)
 *   3. staff     each interval with Erlang A (callcore/staffing.h)
 *   4. shifts    8-hour shifts with a break and 4-hour part-time shifts chosen
 *                at minimum cost by the CBC set-covering model (callcore/schedule.h)
 *   5. simulate  the day through the routing engine (callcore/sim.h)
 *   6. report    per interval: forecast vs simulated volume, agents, service
 *                level vs target, ASA, abandonment; a day summary; an SVG chart
 */
#include "cli.h"

#include "base/json.h"
#include "callcore/alloc.h"
#include "callcore/forecast.h"
#include "callcore/schedule.h"
#include "callcore/sim.h"
#include "callcore/staffing.h"
#include "svg_chart.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char cli_day_usage[] =
    "usage: callcore day [--history FILE | --synthetic] [--date YYYY-MM-DD]\n"
    "                    [--interval-min 6|30] [--method NAME] [--train-days D]\n"
    "                    [--aht-s S] [--patience-s P] [--target-sl X] [--target-s T]\n"
    "                    [--seed N] [--chart FILE.svg] [--json]\n"
    "  Forecasts a day's interval volumes from history, staffs each interval with\n"
    "  Erlang A, builds shifts, simulates the day through the routing engine and\n"
    "  prints forecast vs simulated volume, agents, service level vs target, ASA and\n"
    "  abandonment per interval, a day summary, and writes an SVG chart.\n"
    "  History: --history FILE (Anonymous Bank daily-6min-counts.csv format:\n"
    "  calls,u,Date,...), else $CALLCORE_DATA/anonymous-bank/daily-6min-counts.csv,\n"
    "  else a built-in synthetic history (or --synthetic). --date picks the day to\n"
    "  forecast (default: the last full working day of the history; the days before\n"
    "  it are the history). Without --method, the method with the lowest WAPE in a\n"
    "  backtest over the last 14 training days (weekly seasonal naive, moving average,\n"
    "  Holt-Winters additive and multiplicative, double seasonal; double seasonal\n"
    "  when the history is too short to backtest). Defaults: 30-minute intervals,\n"
    "  56 training days, AHT 200 s (lognormal, sd 150 s in the simulation), patience\n"
    "  300 s (exponential), target 80% within 20 s, chart demo-out/day.svg.\n";

#define DAY_SLOTS_6MIN 240 /* 6-minute counts per day in the history format */
#define DAY_MAX_DAYS 4000

/* ---- 1. history --------------------------------------------------------- */

typedef struct day_history {
    size_t ndays;
    char (*dates)[11];  /* "YYYY-MM-DD" */
    double *counts;     /* ndays x DAY_SLOTS_6MIN */
    int synthetic;
    char source[512];
} day_history;

static void day_history_free(day_history *h)
{
    free(h->dates);
    free(h->counts);
    memset(h, 0, sizeof *h);
}

/* Field k (0-based) of a comma-separated line, without surrounding quotes, into out
 * (NUL-terminated, at most size - 1 bytes). -1 when the line has fewer fields or the
 * field is too long. */
static int day_field(const char *line, int k, char *out, size_t size)
{
    for (; k > 0; k--) {
        line = strchr(line, ',');
        if (!line) return -1;
        line++;
    }
    size_t n = strcspn(line, ",\r\n");
    if (n >= 2 && line[0] == '"' && line[n - 1] == '"') line++, n -= 2;
    if (n >= size) return -1;
    memcpy(out, line, n);
    out[n] = '\0';
    return 0;
}

/* 1 when s is a YYYY-MM-DD day the calendar has. */
static int day_is_date(const char *s)
{
    if (strlen(s) != 10 || strspn(s, "0123456789-") != 10 || s[4] != '-' || s[7] != '-' ||
        strchr(s, '-') != s + 4 || strrchr(s, '-') != s + 7)
        return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] + (m == 2 && leap);
}

/* One row "calls,u,Date,...": 0, or -1 with the reason in why. The count is a plain
 * decimal (no inf, nan or hex: sscanf %lf took them) in the forecaster's range. */
static int day_history_row(const char *line, double *calls, int *u, char date[11], char *why,
                           size_t why_size)
{
    char c[48], uf[16], df[16];
    if (day_field(line, 0, c, sizeof c) || day_field(line, 1, uf, sizeof uf) ||
        day_field(line, 2, df, sizeof df)) {
        snprintf(why, why_size, "expected calls,u,Date");
        return -1;
    }
    if (cli_parse_decimal(c, calls) != 0 || *calls < 0 || *calls > CC_FORECAST_MAX_VOLUME) {
        snprintf(why, why_size, "'%s' is not a volume in [0, %g]", c, CC_FORECAST_MAX_VOLUME);
        return -1;
    }
    *u = (int)strtol(uf, NULL, 10);
    if (!uf[0] || strspn(uf, "0123456789") != strlen(uf) || strlen(uf) > 3 || *u < 1 ||
        *u > DAY_SLOTS_6MIN) {
        snprintf(why, why_size, "interval '%s' is not in 1..%d", uf, DAY_SLOTS_6MIN);
        return -1;
    }
    if (!day_is_date(df)) {
        snprintf(why, why_size, "'%s' is not a date (YYYY-MM-DD)", df);
        return -1;
    }
    memcpy(date, df, 11);
    return 0;
}

/* Reads "calls,u,Date,..." rows; u is 1..240. Rows may come in any order within a day
 * but days must be contiguous and in increasing date order (as in the published file).
 * As the CSV readers of lib/wfm do, a bad row is an error naming file and line: bad
 * rows were counted and skipped, so a nan or a typo silently became 0 calls, and a date
 * seen again later started a second copy of that day. A first line that is no row is
 * the header. */
static int day_history_read(day_history *h, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return cli_fail("history '%s': %s", path, strerror(errno));
    memset(h, 0, sizeof *h);
    h->dates = calloc(DAY_MAX_DAYS, sizeof *h->dates);
    h->counts = calloc((size_t)DAY_MAX_DAYS * DAY_SLOTS_6MIN, sizeof *h->counts);
    if (!h->dates || !h->counts) {
        fclose(f);
        day_history_free(h);
        return cli_fail("out of memory");
    }
    char line[512], why[160];
    long lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(why, sizeof why, "line longer than %zu bytes", sizeof line - 2);
            goto bad_row;
        }
        if (line[strspn(line, " \t\r\n")] == '\0') continue; /* blank */
        double calls;
        int u;
        char date[11];
        if (day_history_row(line, &calls, &u, date, why, sizeof why) != 0) {
            if (lineno == 1) continue; /* the header */
            goto bad_row;
        }
        if (h->ndays == 0 || strcmp(h->dates[h->ndays - 1], date) != 0) {
            /* ISO dates compare as text: a day again, or out of order, is refused */
            if (h->ndays > 0 && strcmp(date, h->dates[h->ndays - 1]) < 0) {
                snprintf(why, sizeof why,
                         "date %s after %s: days must be contiguous, in increasing order", date,
                         h->dates[h->ndays - 1]);
                goto bad_row;
            }
            /* Refused, not cut: stopping here dropped the later days without a word, and
             * the default forecast day became day DAY_MAX_DAYS, not the file's last. */
            if (h->ndays == DAY_MAX_DAYS) {
                fclose(f);
                day_history_free(h);
                return cli_fail("history '%s': more than %d days (line %ld)", path,
                                DAY_MAX_DAYS, lineno);
            }
            memcpy(h->dates[h->ndays], date, 11);
            h->ndays++;
        }
        h->counts[(h->ndays - 1) * DAY_SLOTS_6MIN + (size_t)(u - 1)] = calls;
    }
    /* a read error is not the end of the file: a directory opens, then fails its first
     * read, and was reported as "fewer than 15 days of data" */
    if (ferror(f)) {
        int err = errno;
        fclose(f);
        day_history_free(h);
        return cli_fail("history '%s': %s", path, strerror(err));
    }
    fclose(f);
    if (h->ndays < 15) {
        day_history_free(h);
        return cli_fail("history '%s': fewer than 15 days of data", path);
    }
    snprintf(h->source, sizeof h->source, "%s", path);
    return 0;
bad_row:
    fclose(f);
    day_history_free(h);
    return cli_fail("history %s:%ld: %s", path, lineno, why);
}

/* Eight weeks of a two-peak weekday profile, quieter weekends, Poisson noise:
 * the shape of a retail-bank day. */
/* The calendar date of synthetic day d (0..55): eight weeks from Monday
 * 2000-01-03, so that each date's weekday is the one its volume was drawn
 * for (weekday_factor: Monday first). */
static void day_synthetic_date(char out[11], size_t d)
{
    int doy = 2 + (int)(d % 56); /* 0-based day of 2000: January has 31 days */
    char buf[32];
    if (doy < 31) snprintf(buf, sizeof buf, "2000-01-%02d", doy + 1);
    else snprintf(buf, sizeof buf, "2000-02-%02d", doy - 31 + 1);
    memcpy(out, buf, 11);
}

static int day_history_synthetic(day_history *h, uint64_t seed)
{
    memset(h, 0, sizeof *h);
    h->ndays = 8 * 7;
    h->dates = calloc(h->ndays, sizeof *h->dates);
    h->counts = calloc(h->ndays * DAY_SLOTS_6MIN, sizeof *h->counts);
    if (!h->dates || !h->counts) return cli_fail("out of memory");
    h->synthetic = 1;
    snprintf(h->source, sizeof h->source, "built-in synthetic history (8 weeks)");
    static const double weekday_factor[7] = {1.0, 1.1, 1.0, 0.95, 0.9, 0.45, 0.2};
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t d = 0; d < h->ndays; d++) {
        day_synthetic_date(h->dates[d], d);
        for (int u = 0; u < DAY_SLOTS_6MIN; u++) {
            double hour = u / 10.0;
            double shape = 14.0 * exp(-pow((hour - 10.5) / 1.8, 2)) +
                           9.0 * exp(-pow((hour - 15.0) / 2.2, 2)) +
                           (hour >= 7 && hour < 22 ? 2.0 : 0.1);
            double mean = shape * weekday_factor[d % 7];
            /* Poisson by inversion (means are small) with an xorshift stream. */
            double l = exp(-mean), p = 1.0;
            int k = -1;
            do {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                p *= ((double)(x >> 11) + 0.5) * 0x1.0p-53;
                k++;
            } while (p > l);
            h->counts[d * DAY_SLOTS_6MIN + (size_t)u] = k;
        }
    }
    return 0;
}

/* ---- settings ----------------------------------------------------------- */

typedef struct day_settings {
    int64_t interval_min, train_days, seed;
    double aht_s, patience_s, target_sl, target_s;
    cc_forecast_method method;
    int method_given; /* --method: else the best of a backtest (day_choose_method) */
    double backtest_wape;
    const char *date, *chart;
} day_settings;

static int day_read_settings(const cli_args *a, day_settings *s)
{
    int rc = cli_int64(a, "interval-min", 30, 0, &s->interval_min);
    if (!rc) rc = cli_int64(a, "train-days", 56, 0, &s->train_days);
    if (!rc) rc = cli_int64(a, "seed", 1, 0, &s->seed);
    if (!rc) rc = cli_double(a, "aht-s", 200, 0, &s->aht_s);
    if (!rc) rc = cli_double(a, "patience-s", 300, 0, &s->patience_s);
    if (!rc) rc = cli_double(a, "target-sl", 0.8, 0, &s->target_sl);
    if (!rc) rc = cli_double(a, "target-s", 20, 0, &s->target_s);
    if (rc) return rc;
    /* The shift templates (day_templates) count in intervals: the 8- and 4-hour shifts, the
     * 30-minute break and its 3-to-5-hour window are whole intervals only when the interval
     * divides 30 minutes. Coarser ones turned the break into a whole interval (at 240, a
     * 4-hour break at the very start of the shift), finer ones (12, 18, 24) shortened it. */
    if (s->interval_min != 6 && s->interval_min != 30)
        return cli_usage_error(a, "--interval-min must be 6 or 30 (the shift templates' "
                                  "30-minute break needs whole intervals)");
    if (s->train_days < 14 || s->train_days > DAY_MAX_DAYS)
        return cli_usage_error(a, "--train-days must be 14..%d", DAY_MAX_DAYS);
    if (s->seed < 0 || s->seed > CLI_SEED_MAX)
        return cli_usage_error(a, "--seed must be in 0..2^53");
    if (!(s->aht_s > 0 && s->aht_s <= 7200)) return cli_usage_error(a, "--aht-s must be in (0, 7200]");
    if (!(s->patience_s > 0 && s->patience_s <= 86400))
        return cli_usage_error(a, "--patience-s must be in (0, 86400]");
    if (!(s->target_sl > 0 && s->target_sl < 1)) return cli_usage_error(a, "--target-sl must be in (0, 1)");
    if (!(s->target_s > 0 && s->target_s <= 3600)) return cli_usage_error(a, "--target-s must be in (0, 3600]");
    s->method = CC_FORECAST_DOUBLE_SEASONAL;
    s->method_given = cli_has(a, "method");
    s->backtest_wape = NAN;
    if (s->method_given && cc_forecast_method_parse(cli_str(a, "method", NULL), &s->method))
        return cli_usage_error(a, "%s", cc_error_last());
    s->date = cli_str(a, "date", NULL);
    s->chart = cli_str(a, "chart", "demo-out/day.svg");
    return 0;
}

/* ---- 2. forecast --------------------------------------------------------- */

typedef struct day_plan {
    size_t per_day;      /* intervals per day */
    size_t target;       /* index of the forecast day in the history */
    int have_actual;     /* the history holds the forecast day itself */
    double *forecast;    /* per_day */
    double *actual;      /* per_day (zeros without actual) */
    size_t open, close;  /* simulated window [open, close) in intervals */
    int *agents;         /* per_day: Erlang A requirement */
    cc_staffing_result *staff;
} day_plan;

static void day_plan_free(day_plan *p)
{
    free(p->forecast);
    free(p->actual);
    free(p->agents);
    free(p->staff);
}

static double day_total(const day_history *h, size_t d)
{
    double t = 0;
    for (int u = 0; u < DAY_SLOTS_6MIN; u++) t += h->counts[d * DAY_SLOTS_6MIN + (size_t)u];
    return t;
}

static int day_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The day to forecast: --date, else the last day of the history at least as
 * busy as the median day (a full working day, not a holiday or a weekend). */
static int day_pick_target(const day_history *h, const day_settings *s, day_plan *p)
{
    if (s->date) {
        for (size_t d = 0; d < h->ndays; d++)
            if (strcmp(h->dates[d], s->date) == 0) {
                p->target = d;
                p->have_actual = 1;
                return 0;
            }
        return cli_fail("--date %s is not in the history (%s .. %s)", s->date, h->dates[0],
                        h->dates[h->ndays - 1]);
    }
    if (h->synthetic) { /* synthetic: tomorrow, after the last day */
        p->target = h->ndays;
        return 0;
    }
    double *tot = malloc(h->ndays * sizeof *tot);
    if (!tot) return cli_fail("out of memory");
    for (size_t d = 0; d < h->ndays; d++) tot[d] = day_total(h, d);
    qsort(tot, h->ndays, sizeof *tot, day_cmp_double);
    double median = tot[h->ndays / 2];
    free(tot);
    for (size_t d = h->ndays; d-- > 0;)
        if (day_total(h, d) >= median) {
            p->target = d;
            p->have_actual = 1;
            return 0;
        }
    p->target = h->ndays - 1;
    p->have_actual = 1;
    return 0;
}

/*
 * Without --method, the method is chosen the way a planner would: a rolling-
 * origin backtest over the last two weeks of the training history (one-day
 * horizon, fitted once), lowest WAPE wins. A method that fails or forecasts
 * more than ten times the busiest interval ever seen is skipped.
 */
static void day_choose_method(day_settings *s, const double *y, size_t n, size_t per_day)
{
    static const cc_forecast_method candidates[] = {
        CC_FORECAST_SEASONAL_NAIVE_WEEKLY, CC_FORECAST_MOVING_AVERAGE,
        CC_FORECAST_HOLT_WINTERS_ADDITIVE, CC_FORECAST_HOLT_WINTERS_MULTIPLICATIVE,
        CC_FORECAST_DOUBLE_SEASONAL};
    double peak = 0;
    for (size_t i = 0; i < n; i++)
        if (y[i] > peak) peak = y[i];
    double *fc = malloc(n * sizeof *fc);
    if (!fc || n < 16 * per_day) {
        free(fc);
        return;
    }
    double best = INFINITY;
    for (size_t c = 0; c < sizeof candidates / sizeof candidates[0]; c++) {
        cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
        o.method = candidates[c];
        o.period = per_day;
        o.week = 7 * per_day;
        cc_backtest_options bt = CC_BACKTEST_OPTIONS_INIT;
        bt.initial = n - 14 * per_day;
        cc_forecast_accuracy acc;
        if (cc_forecast_backtest(&acc, fc, &o, &bt, y, n) != CC_OK || !isfinite(acc.wape)) continue;
        int sane = 1;
        for (size_t i = bt.initial; i < n; i++)
            if (!(fc[i] <= 10 * peak + 10)) sane = 0;
        if (sane && acc.wape < best) {
            best = acc.wape;
            s->method = candidates[c];
        }
    }
    s->backtest_wape = best;
    free(fc);
}

static int day_forecast(const day_history *h, day_settings *s, day_plan *p)
{
    size_t k = (size_t)s->interval_min / 6;
    p->per_day = DAY_SLOTS_6MIN / k;
    if (p->target < (size_t)s->train_days)
        return cli_fail("the history has only %zu days before the forecast day; --train-days "
                        "is %lld",
                        p->target, (long long)s->train_days);
    size_t first = p->target - (size_t)s->train_days;
    size_t n = (size_t)s->train_days * p->per_day;
    double *y = calloc(n, sizeof *y);
    p->forecast = calloc(p->per_day, sizeof *p->forecast);
    p->actual = calloc(p->per_day, sizeof *p->actual);
    if (!y || !p->forecast || !p->actual) {
        free(y);
        return cli_fail("out of memory");
    }
    for (size_t d = 0; d < (size_t)s->train_days; d++)
        for (int u = 0; u < DAY_SLOTS_6MIN; u++)
            y[d * p->per_day + (size_t)u / k] += h->counts[(first + d) * DAY_SLOTS_6MIN + (size_t)u];
    if (p->have_actual)
        for (int u = 0; u < DAY_SLOTS_6MIN; u++)
            p->actual[(size_t)u / k] += h->counts[p->target * DAY_SLOTS_6MIN + (size_t)u];
    if (!s->method_given) day_choose_method(s, y, n, p->per_day);
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = s->method;
    o.period = p->per_day;
    o.week = 7 * p->per_day;
    cc_forecaster *f = NULL;
    cc_status st = cc_forecaster_new(&f, &o);
    if (!st) st = cc_forecaster_fit(f, y, n);
    if (!st) st = cc_forecaster_predict(f, p->per_day, p->forecast, NULL, NULL);
    cc_forecaster_free(f);
    free(y);
    if (st) return cli_fail("forecast (%s): %s", cc_forecast_method_name(s->method), cc_error_last());
    return 0;
}

/* ---- 3. staffing ---------------------------------------------------------- */

/* The simulated window: from the first to the last interval whose forecast
 * reaches 2 contacts (nights with a handful of calls are not staffed). */
static int day_staff(const day_settings *s, day_plan *p)
{
    p->open = p->per_day;
    p->close = 0;
    for (size_t i = 0; i < p->per_day; i++)
        if (p->forecast[i] >= 2.0) {
            if (i < p->open) p->open = i;
            p->close = i + 1;
        }
    if (p->close <= p->open) return cli_fail("the forecast day has no interval with 2 contacts or more");
    p->agents = calloc(p->per_day, sizeof *p->agents);
    p->staff = calloc(p->per_day, sizeof *p->staff);
    if (!p->agents || !p->staff) return cli_fail("out of memory");
    cc_staffing_options o = CC_STAFFING_OPTIONS_INIT;
    o.goal = CC_STAFFING_SERVICE_LEVEL;
    o.target_sl = s->target_sl;
    o.target_s = s->target_s;
    o.patience_s = s->patience_s;
    size_t n = p->close - p->open;
    cc_status st = cc_staffing_plan(p->staff + p->open, &o, p->forecast + p->open, NULL, s->aht_s,
                                    n, (double)s->interval_min * 60.0);
    if (st) return cli_fail("staffing: %s", cc_error_last());
    for (size_t i = p->open; i < p->close; i++)
        p->agents[i] = p->staff[i].agents > 0 ? p->staff[i].agents : 1;
    return 0;
}

/* ---- 4. shifts ------------------------------------------------------------- */

/* One group of agents working the same hours (in intervals from midnight). */
typedef struct day_shift {
    size_t start, end;
    long break_start; /* interval of the break, -1 for none */
    size_t break_len;
    int count;
} day_shift;

/*
 * Coverage layers: agent k works every maximal run of intervals that needs at
 * least k agents. The result covers the requirement exactly (no over- or
 * under-staffing), every agent has one or a few contiguous blocks, and the
 * number of shifts is at most the number of changes in the requirement.
 * O(intervals x max agents).
 */
static int day_shifts_layers(const day_plan *p, day_shift **out, size_t *nout)
{
    int peak = 0;
    for (size_t i = p->open; i < p->close; i++)
        if (p->agents[i] > peak) peak = p->agents[i];
    size_t cap = 16, n = 0;
    day_shift *sh = malloc(cap * sizeof *sh);
    if (!sh) return cli_fail("out of memory");
    for (int k = 1; k <= peak; k++) {
        size_t i = p->open;
        while (i < p->close) {
            if (p->agents[i] < k) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < p->close && p->agents[j] >= k) j++;
            /* Same hours as the layer below: one more agent in that shift. */
            if (n > 0 && sh[n - 1].start == i && sh[n - 1].end == j) {
                sh[n - 1].count++;
            } else {
                int merged = 0;
                for (size_t m = 0; m < n && !merged; m++)
                    if (sh[m].start == i && sh[m].end == j) sh[m].count++, merged = 1;
                if (!merged) {
                    if (n == cap) {
                        day_shift *g = realloc(sh, 2 * cap * sizeof *sh);
                        if (!g) {
                            free(sh);
                            return cli_fail("out of memory");
                        }
                        sh = g;
                        cap *= 2;
                    }
                    sh[n].start = i;
                    sh[n].end = j;
                    sh[n].break_start = -1;
                    sh[n].break_len = 0;
                    sh[n].count = 1;
                    n++;
                }
            }
            i = j;
        }
    }
    *out = sh;
    *nout = n;
    return 0;
}

/*
 * Shift templates for the open window (n intervals of interval_min):
 * full time, 8 hours with a 30-minute break 3 to 5 hours in, cost 8; part
 * time, 4 hours without a break, cost 4.4 (short shifts cost a little more
 * per hour). Starts on every interval that keeps the shift inside the window.
 */
static size_t day_templates(const day_settings *s, size_t n, cc_shift_template *t)
{
    int iv = (int)s->interval_min;
    int full = 480 / iv, part = 240 / iv, brk = 30 / iv > 0 ? 30 / iv : 1;
    size_t k = 0;
    if ((size_t)full <= n)
        t[k++] = (cc_shift_template){0, (int)n - full, 1, full, 180 / iv, 300 / iv - brk, brk, 8.0};
    if ((size_t)part <= n) t[k++] = (cc_shift_template){0, (int)n - part, 1, part, 0, 0, 0, 4.4};
    return k;
}

/*
 * The shifts: CBC's cheapest cover of the Erlang A requirement with the
 * templates above. Without CBC in the build (or a window shorter than any
 * template) the requirement is covered by layers instead (see
 * day_shifts_layers), and *how says which.
 */
static int day_shifts(const day_settings *s, const day_plan *p, day_shift **out, size_t *nout,
                      const char **how)
{
    size_t n = p->close - p->open;
    cc_shift_template t[2];
    size_t nt = day_templates(s, n, t);
    *how = "coverage layers (no shift template fits the window)";
    if (nt == 0) return day_shifts_layers(p, out, nout);
    cc_schedule_options o = CC_SCHEDULE_OPTIONS_INIT;
    o.max_seconds = 20;
    o.interval_s = (double)s->interval_min * 60.0;
    o.aht_s = s->aht_s;
    o.target_s = s->target_s;
    cc_schedule *sched = NULL;
    cc_status st = cc_schedule_solve(&sched, &o, p->agents + p->open, NULL, n, t, nt);
    if (st == CC_EUNSUPPORTED) {
        *how = "coverage layers (built without CBC)";
        return day_shifts_layers(p, out, nout);
    }
    if (st) return cli_fail("shift scheduling: %s", cc_error_last());
    size_t na;
    const cc_shift_assignment *as = cc_schedule_assignments(sched, &na);
    day_shift *sh = calloc(na ? na : 1, sizeof *sh);
    if (!sh) {
        cc_schedule_free(sched);
        return cli_fail("out of memory");
    }
    for (size_t i = 0; i < na; i++) {
        const cc_shift_template *tp = &t[as[i].shift];
        sh[i].start = p->open + (size_t)as[i].start;
        sh[i].end = sh[i].start + (size_t)tp->length;
        sh[i].break_start = as[i].break_start < 0 ? -1 : (long)p->open + as[i].break_start;
        sh[i].break_len = (size_t)tp->break_length;
        sh[i].count = as[i].agents;
    }
    *how = cc_schedule_optimal(sched) ? "CBC set covering (optimal)"
                                      : "CBC set covering (time limit, best found)";
    cc_schedule_free(sched);
    *out = sh;
    *nout = na;
    return 0;
}

/* ---- 5. the simulated day ---------------------------------------------------- */

static char *day_scenario_json(const day_settings *s, const day_plan *p, const day_shift *sh,
                               size_t nsh)
{
    double iv_h = (double)s->interval_min / 60.0;
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    cc__json_kv_int(&j, "version", 1);
    cc__json_kv_string(&j, "name", "day");
    cc__json_kv_int(&j, "seed", s->seed);
    cc__json_kv_double(&j, "interval_min", (double)s->interval_min);
    cc__json_kv_double(&j, "hours", (double)(p->close - p->open) * iv_h);
    cc__json_kv_double(&j, "drain_h", 1);
    cc__json_kv_double(&j, "sl_threshold_s", s->target_s);
    cc__json_key(&j, "queues");
    cc__json_array_begin(&j);
    cc__json_object_begin(&j);
    cc__json_kv_string(&j, "name", "bank");
    cc__json_kv_string(&j, "strategy", "longest-idle");
    cc__json_object_end(&j);
    cc__json_array_end(&j);
    cc__json_key(&j, "agents");
    cc__json_array_begin(&j);
    for (size_t i = 0; i < nsh; i++) {
        char name[32];
        snprintf(name, sizeof name, "shift%zu", i + 1);
        cc__json_object_begin(&j);
        cc__json_kv_string(&j, "name", name);
        cc__json_kv_int(&j, "count", sh[i].count);
        cc__json_key(&j, "queues");
        cc__json_array_begin(&j);
        cc__json_string(&j, "bank");
        cc__json_array_end(&j);
        cc__json_kv_double(&j, "no_answer_p", 0.01);
        cc__json_key(&j, "ring_delay_s");
        cc__json_object_begin(&j);
        cc__json_kv_string(&j, "dist", "uniform");
        cc__json_kv_double(&j, "min", 1);
        cc__json_kv_double(&j, "max", 3);
        cc__json_object_end(&j);
        cc__json_key(&j, "shift");
        cc__json_object_begin(&j);
        cc__json_kv_double(&j, "start_h", (double)(sh[i].start - p->open) * iv_h);
        cc__json_kv_double(&j, "end_h", (double)(sh[i].end - p->open) * iv_h);
        cc__json_object_end(&j);
        if (sh[i].break_start >= 0) {
            cc__json_key(&j, "breaks");
            cc__json_array_begin(&j);
            cc__json_object_begin(&j);
            cc__json_kv_double(&j, "start_h",
                               (double)((size_t)sh[i].break_start - p->open) * iv_h);
            cc__json_kv_double(&j, "minutes", (double)sh[i].break_len * (double)s->interval_min);
            cc__json_object_end(&j);
            cc__json_array_end(&j);
        }
        cc__json_object_end(&j);
    }
    cc__json_array_end(&j);
    cc__json_key(&j, "arrivals");
    cc__json_array_begin(&j);
    cc__json_object_begin(&j);
    cc__json_kv_string(&j, "queue", "bank");
    cc__json_key(&j, "calls_per_interval");
    cc__json_array_begin(&j);
    for (size_t i = p->open; i < p->close; i++) cc__json_double(&j, p->forecast[i]);
    cc__json_array_end(&j);
    cc__json_key(&j, "handle_s");
    cc__json_object_begin(&j);
    cc__json_kv_string(&j, "dist", "lognormal");
    cc__json_kv_double(&j, "mean", s->aht_s);
    cc__json_kv_double(&j, "sd", 0.75 * s->aht_s);
    cc__json_object_end(&j);
    cc__json_key(&j, "patience_s");
    cc__json_object_begin(&j);
    cc__json_kv_string(&j, "dist", "exponential");
    cc__json_kv_double(&j, "mean", s->patience_s);
    cc__json_object_end(&j);
    cc__json_kv_int(&j, "customers", 20000);
    cc__json_object_end(&j);
    cc__json_array_end(&j);
    cc__json_object_end(&j);
    return cc__json_take(&j);
}

/* Per-interval results of the simulated day (index = interval of the day). */
typedef struct day_result {
    double *offered, *sl, *asa, *abandon, *staffed, *target;
    double total_offered, total_answered, total_abandoned, sl_day, asa_day, abandon_day;
    double occupancy, agent_hours;
    cc_sim_stats stats;
} day_result;

static void day_result_free(day_result *r)
{
    free(r->offered);
    free(r->sl);
    free(r->asa);
    free(r->abandon);
    free(r->staffed);
    free(r->target);
}

static int day_simulate(const day_settings *s, const day_plan *p, const day_shift *sh, size_t nsh,
                        day_result *r)
{
    size_t n = p->per_day;
    double *arrays[6];
    for (int a = 0; a < 6; a++) {
        arrays[a] = malloc(n * sizeof(double));
        if (!arrays[a]) {
            while (a-- > 0) free(arrays[a]);
            return cli_fail("out of memory");
        }
        for (size_t i = 0; i < n; i++) arrays[a][i] = NAN;
    }
    r->offered = arrays[0], r->sl = arrays[1], r->asa = arrays[2];
    r->abandon = arrays[3], r->staffed = arrays[4], r->target = arrays[5];
    for (size_t i = 0; i < n; i++) r->target[i] = s->target_sl;

    char *doc = day_scenario_json(s, p, sh, nsh);
    if (!doc) return cli_fail("out of memory");
    cc_sim_scenario *sc = NULL;
    cc_status st = cc_sim_scenario_parse(&sc, doc, strlen(doc), NULL);
    cc_free(doc);
    if (st) return cli_fail("day scenario: %s", cc_error_last());
    cc_sim *run = NULL;
    cc_kpi_report *rep = NULL;
    st = cc_sim_new(&run, sc, NULL);
    if (!st) st = cc_sim_run(run);
    if (!st) st = cc_sim_report(run, &rep);
    r->stats = (cc_sim_stats)CC_SIM_STATS_INIT;
    if (!st) st = cc_sim_get_stats(run, &r->stats);
    if (st) {
        cc_kpi_report_free(rep);
        cc_sim_free(run);
        cc_sim_scenario_free(sc);
        return cli_fail("simulation: %s", cc_error_last());
    }
    double iv_s = (double)s->interval_min * 60.0;
    for (size_t i = p->open; i < p->close; i++) {
        double t0 = (double)(i - p->open) * iv_s;
        r->staffed[i] = cc_sim_scenario_staffed(sc, t0, t0 + iv_s);
        r->agent_hours += r->staffed[i] * iv_s / 3600.0;
        r->offered[i] = 0;
    }
    for (size_t k = 0; k < rep->n_intervals; k++) {
        const cc_kpi_interval *iv = &rep->intervals[k];
        size_t i = p->open + (size_t)(iv->start_ms / rep->interval_ms);
        if (i >= p->close) continue; /* the drain after closing */
        r->offered[i] = (double)iv->f.offered;
        r->sl[i] = iv->f.service_level;
        r->asa[i] = iv->f.asa_s;
        r->abandon[i] = iv->f.abandon_rate;
    }
    const cc_kpi_figures *t = &rep->totals;
    r->total_offered = (double)t->offered;
    r->total_answered = (double)t->answered;
    r->total_abandoned = (double)t->abandoned;
    r->sl_day = t->service_level;
    r->asa_day = t->asa_s;
    r->abandon_day = t->abandon_rate;
    r->occupancy = t->occupancy;
    cc_kpi_report_free(rep);
    cc_sim_free(run);
    cc_sim_scenario_free(sc);
    return 0;
}

/* ---- 6. report --------------------------------------------------------------- */

static void day_clock(char *buf, size_t n, const day_settings *s, size_t i)
{
    /* Within one day (up to 24:00): two digits each. */
    int m = (int)((long)(i % (DAY_SLOTS_6MIN + 1)) * (long)s->interval_min % (25 * 60));
    snprintf(buf, n, "%02d:%02d", m / 60 % 100, m % 60);
}

static double day_wape(const day_plan *p)
{
    double err = 0, tot = 0;
    for (size_t i = 0; i < p->per_day; i++) {
        err += fabs(p->actual[i] - p->forecast[i]);
        tot += p->actual[i];
    }
    return tot > 0 ? err / tot : NAN;
}

static int day_chart(const day_settings *s, const day_plan *p, const day_result *r,
                     const char *date)
{
    size_t n = p->close - p->open;
    char(*labels)[8] = calloc(n, sizeof *labels);
    const char **lp = calloc(n, sizeof *lp);
    double *agents = calloc(n, sizeof *agents);
    if (!labels || !lp || !agents) {
        free(labels);
        free(lp);
        free(agents);
        return cli_fail("out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        day_clock(labels[i], sizeof labels[i], s, p->open + i);
        lp[i] = labels[i];
        agents[i] = p->agents[p->open + i];
    }
    size_t o = p->open;
    svg_series vol[5];
    size_t nvol = 0;
    vol[nvol++] = (svg_series){"forecast", "#1f77b4", p->forecast + o, 1};
    vol[nvol++] = (svg_series){"simulated", "#d62728", r->offered + o, 0};
    if (p->have_actual) vol[nvol++] = (svg_series){"actual (history)", "#7f7f7f", p->actual + o, 0};
    vol[nvol++] = (svg_series){"agents needed", "#2ca02c", agents, 1};
    vol[nvol++] = (svg_series){"agents staffed", "#17becf", r->staffed + o, 0};
    svg_series sl[3] = {
        {"service level", "#9467bd", r->sl + o, 0},
        {"target", "#2ca02c", r->target + o, 1},
        {"abandoned", "#ff7f0e", r->abandon + o, 0},
    };
    svg_series asa[1] = {{"ASA (s)", "#8c564b", r->asa + o, 0}};
    svg_panel panels[3] = {
        {"contacts and agents per interval", vol, nvol, NAN, NAN, 0},
        {"service level vs target, abandonment", sl, 3, 0, 1, 1},
        {"average speed of answer (s)", asa, 1, NAN, NAN, 0},
    };
    char title[160];
    snprintf(title, sizeof title, "callcore day %s: forecast, staffing, simulated service", date);
    /* The chart directory is created when missing (demo-out/ by default). */
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", s->chart);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        mkdir(dir, 0777);
    }
    int rc = svg_chart_write(s->chart, title, lp, n, panels, 3);
    free(labels);
    free(lp);
    free(agents);
    if (rc) return cli_fail("chart '%s': %s", s->chart, strerror(errno));
    return 0;
}

static int day_peak(const day_plan *p)
{
    int peak = 0;
    for (size_t i = p->open; i < p->close; i++)
        if (p->agents[i] > peak) peak = p->agents[i];
    return peak;
}

static void day_print_text(const day_settings *s, const day_history *h, const day_plan *p,
                           const day_result *r, const char *date, size_t nshifts,
                           const char *how)
{
    printf("callcore day: %s, forecast from %lld days of %s\n", date, (long long)s->train_days,
           h->source);
    if (!s->method_given && isfinite(s->backtest_wape))
        printf("forecast method chosen by a 14-day backtest (WAPE %.1f%%)\n", 100 * s->backtest_wape);
    printf("forecast method %s; Erlang A staffing for %.0f%% in %.0f s (AHT %.0f s, patience "
           "%.0f s);\n%zu shift groups by %s; simulated through the routing engine (seed %lld)\n\n",
           cc_forecast_method_name(s->method), s->target_sl * 100, s->target_s, s->aht_s,
           s->patience_s, nshifts, how, (long long)s->seed);
    printf("%-6s %9s %9s %7s %7s %7s %8s %7s %8s\n", "time", "forecast", "simulated",
           p->have_actual ? "actual" : "", "needed", "staffed", "SL", "ASA s", "abandon");
    for (size_t i = p->open; i < p->close; i++) {
        char t[8], act[16] = "";
        day_clock(t, sizeof t, s, i);
        if (p->have_actual) snprintf(act, sizeof act, "%.0f", p->actual[i]);
        /* An interval without contacts has no service level: "-". */
        char sl[16] = "-", asa[16] = "-", ab[16] = "-";
        if (isfinite(r->sl[i])) snprintf(sl, sizeof sl, "%.1f%%", 100 * r->sl[i]);
        if (isfinite(r->asa[i])) snprintf(asa, sizeof asa, "%.1f", r->asa[i]);
        if (isfinite(r->abandon[i])) snprintf(ab, sizeof ab, "%.1f%%", 100 * r->abandon[i]);
        printf("%-6s %9.1f %9.0f %7s %7d %7.1f %8s %7s %8s\n", t, p->forecast[i], r->offered[i],
               act, p->agents[i], r->staffed[i], sl, asa, ab);
    }
    double fc = 0, act = 0;
    for (size_t i = p->open; i < p->close; i++) fc += p->forecast[i];
    for (size_t i = 0; i < p->per_day; i++) act += p->actual[i];
    char t_open[8], t_close[8];
    day_clock(t_open, sizeof t_open, s, p->open);
    day_clock(t_close, sizeof t_close, s, p->close);
    printf("\nday summary (staffed %s-%s)\n", t_open, t_close);
    printf("  volume        forecast %.0f, simulated %.0f", fc, r->total_offered);
    if (p->have_actual) printf(", actual %.0f in the whole day (forecast WAPE %.1f%%)", act,
                               100 * day_wape(p));
    printf("\n  agents        %.1f agent-hours, peak %d\n", r->agent_hours, day_peak(p));
    printf("  service level %.1f%% within %.0f s (target %.0f%%, KPI.md V2)\n", 100 * r->sl_day,
           s->target_s, 100 * s->target_sl);
    printf("  ASA           %.1f s\n", r->asa_day);
    printf("  abandoned     %.1f%% (%.0f of %.0f)\n", 100 * r->abandon_day, r->total_abandoned,
           r->total_offered);
    printf("  occupancy     %.1f%%\n", 100 * r->occupancy);
    printf("  chart         %s\n", s->chart);
}

static void day_json_series(cc__json *j, const char *key, const double *v, const day_plan *p)
{
    cc__json_key(j, key);
    cc__json_array_begin(j);
    for (size_t i = p->open; i < p->close; i++) cc__json_double(j, v[i]);
    cc__json_array_end(j);
}

static int day_print_json(const day_settings *s, const day_history *h, const day_plan *p,
                          const day_result *r, const char *date, size_t nshifts, const char *how)
{
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    /* "date" is a date or null: the synthetic history's forecast day is no day of the
     * history, and the prose "the day after ..." in a field named date is no date */
    if (p->target < h->ndays) {
        cc__json_kv_string(&j, "date", date);
    } else {
        cc__json_key(&j, "date");
        cc__json_null(&j);
        cc__json_kv_string(&j, "day_after", h->dates[h->ndays - 1]);
    }
    cc__json_kv_string(&j, "history", h->source);
    cc__json_kv_string(&j, "method", cc_forecast_method_name(s->method));
    if (!s->method_given) cc__json_kv_double(&j, "backtest_wape", s->backtest_wape);
    cc__json_kv_int(&j, "interval_min", s->interval_min);
    cc__json_kv_int(&j, "shifts", (int64_t)nshifts);
    cc__json_kv_string(&j, "shift_method", how);
    cc__json_kv_string(&j, "chart", s->chart);
    cc__json_key(&j, "intervals");
    cc__json_object_begin(&j);
    cc__json_key(&j, "start");
    cc__json_array_begin(&j);
    for (size_t i = p->open; i < p->close; i++) {
        char t[8];
        day_clock(t, sizeof t, s, i);
        cc__json_string(&j, t);
    }
    cc__json_array_end(&j);
    day_json_series(&j, "forecast", p->forecast, p);
    if (p->have_actual) day_json_series(&j, "actual", p->actual, p);
    day_json_series(&j, "simulated", r->offered, p);
    cc__json_key(&j, "agents");
    cc__json_array_begin(&j);
    for (size_t i = p->open; i < p->close; i++) cc__json_int(&j, p->agents[i]);
    cc__json_array_end(&j);
    day_json_series(&j, "staffed", r->staffed, p);
    day_json_series(&j, "service_level", r->sl, p);
    day_json_series(&j, "asa_s", r->asa, p);
    day_json_series(&j, "abandon_rate", r->abandon, p);
    cc__json_object_end(&j);
    double fc = 0;
    for (size_t i = p->open; i < p->close; i++) fc += p->forecast[i];
    cc__json_key(&j, "summary");
    cc__json_object_begin(&j);
    cc__json_kv_double(&j, "forecast", fc);
    cc__json_kv_double(&j, "simulated", r->total_offered);
    if (p->have_actual) cc__json_kv_double(&j, "forecast_wape", day_wape(p));
    cc__json_kv_double(&j, "agent_hours", r->agent_hours);
    cc__json_kv_int(&j, "peak_agents", day_peak(p));
    cc__json_kv_double(&j, "target_sl", s->target_sl);
    cc__json_kv_double(&j, "service_level", r->sl_day);
    cc__json_kv_double(&j, "asa_s", r->asa_day);
    cc__json_kv_double(&j, "abandon_rate", r->abandon_day);
    cc__json_kv_double(&j, "occupancy", r->occupancy);
    cc__json_kv_int(&j, "engine_events", (int64_t)r->stats.engine_events);
    cc__json_object_end(&j);
    cc__json_object_end(&j);
    return cli_print_json(cc__json_take(&j));
}

int cli_cmd_day(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "history", .has_arg = 1},    {.name = "synthetic"},
        {.name = "date", .has_arg = 1},       {.name = "interval-min", .has_arg = 1},
        {.name = "method", .has_arg = 1},     {.name = "train-days", .has_arg = 1},
        {.name = "aht-s", .has_arg = 1},      {.name = "patience-s", .has_arg = 1},
        {.name = "target-sl", .has_arg = 1},  {.name = "target-s", .has_arg = 1},
        {.name = "seed", .has_arg = 1},       {.name = "chart", .has_arg = 1},
        {.name = "json"}};
    cli_args a = {.opts = opts, .nopts = sizeof opts / sizeof opts[0], .usage = cli_day_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.npos > 0) return cli_usage_error(&a, "unexpected argument '%s'", a.pos[0]);
    if (cli_has(&a, "history") && cli_has(&a, "synthetic"))
        return cli_usage_error(&a, "--history and --synthetic exclude each other");
    day_settings s;
    if ((rc = day_read_settings(&a, &s))) return rc;

    day_history h;
    const char *data = getenv("CALLCORE_DATA");
    char path[1024];
    if (cli_has(&a, "history")) {
        rc = day_history_read(&h, cli_str(&a, "history", NULL));
    } else if (!cli_has(&a, "synthetic") && data &&
               snprintf(path, sizeof path, "%s/anonymous-bank/daily-6min-counts.csv", data) > 0 &&
               access(path, R_OK) == 0) {
        rc = day_history_read(&h, path);
    } else {
        if (s.date) return cli_usage_error(&a, "--date needs a history file");
        rc = day_history_synthetic(&h, (uint64_t)s.seed);
    }
    if (rc) return rc;

    day_plan p;
    memset(&p, 0, sizeof p);
    day_shift *shifts = NULL;
    size_t nshifts = 0;
    day_result r;
    memset(&r, 0, sizeof r);
    char date[32];
    if (!(rc = day_pick_target(&h, &s, &p))) {
        if (p.target < h.ndays) snprintf(date, sizeof date, "%s", h.dates[p.target]);
        else snprintf(date, sizeof date, "the day after %s", h.dates[h.ndays - 1]);
        /* The default trains on the days before the forecast day when they are fewer
         * (14 at least); a given --train-days is kept, and refused if too many. */
        if (!cli_has(&a, "train-days") && (int64_t)p.target < s.train_days && p.target >= 14)
            s.train_days = (int64_t)p.target;
    }
    if (!rc) rc = day_forecast(&h, &s, &p);
    if (!rc) rc = day_staff(&s, &p);
    const char *how = "";
    if (!rc) rc = day_shifts(&s, &p, &shifts, &nshifts, &how);
    if (!rc) rc = day_simulate(&s, &p, shifts, nshifts, &r);
    if (!rc) rc = day_chart(&s, &p, &r, date);
    if (!rc) {
        if (cli_has(&a, "json")) rc = day_print_json(&s, &h, &p, &r, date, nshifts, how);
        else day_print_text(&s, &h, &p, &r, date, nshifts, how);
    }
    day_result_free(&r);
    free(shifts);
    day_plan_free(&p);
    day_history_free(&h);
    return rc;
}
