/*
 * bench/bench_wfm.c - how fast the workforce maths is.
 *
 * Prints, as the median of 5 timed runs each: Erlang C service-level evaluations per second
 * at N = 20 and N = 10,000, Erlang A evaluations per second, and staffing solves per second
 * (and the time of one) for 100 and 10,000 Erlangs. Targets from issue 4: >= 1,000,000
 * Erlang C evaluations/s at N = 20, a 10,000-Erlang staffing solve under 1 ms.
 * With CALLCORE_DATA set, also the time to read the 2003 bank's 5-minute counts with
 * cc_volume_series_load_csv and to fit each forecasting model on 120 days of them.
 * Usage: bench_wfm [--quick]
 */
#include "callcore/erlang.h"
#include "callcore/forecast.h"
#include "callcore/staffing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 5

static volatile double bench_sink;

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One timed workload: `iters` calls, returns seconds. Loads vary a little per call so no
 * result can be reused. */
typedef double (*bench_fn)(long iters);

static double bench_erlang_c_20(long iters)
{
    double t0 = bench_now(), s = 0;
    for (long i = 0; i < iters; i++)
        s += cc_erlang_c_service_level(20, 15.0 + 1e-9 * (double)(i & 1023), 0.1111);
    bench_sink = s;
    return bench_now() - t0;
}

static double bench_erlang_c_10000(long iters)
{
    double t0 = bench_now(), s = 0;
    for (long i = 0; i < iters; i++)
        s += cc_erlang_c_service_level(10000, 9900.0 + 1e-6 * (double)(i & 1023), 0.1111);
    bench_sink = s;
    return bench_now() - t0;
}

static double bench_erlang_a_100(long iters)
{
    double t0 = bench_now(), s = 0;
    cc_erlang_a_metrics m;
    for (long i = 0; i < iters; i++) {
        cc_erlang_a_eval(&m, 100, 95.0 + 1e-6 * (double)(i & 1023), 1.0, 0.1111);
        s += m.sl_offered;
    }
    bench_sink = s;
    return bench_now() - t0;
}

static double bench_staff_100(long iters)
{
    double t0 = bench_now(), s = 0;
    for (long i = 0; i < iters; i++)
        s += cc_staffing_agents_for_sl(100.0 + 1e-6 * (double)(i & 1023), 180.0, 0.8, 20.0);
    bench_sink = s;
    return bench_now() - t0;
}

static double bench_staff_10000(long iters)
{
    double t0 = bench_now(), s = 0;
    for (long i = 0; i < iters; i++)
        s += cc_staffing_agents_for_sl(10000.0 + 1e-6 * (double)(i & 1023), 180.0, 0.8, 20.0);
    bench_sink = s;
    return bench_now() - t0;
}

static double bench_staff_a_1000(long iters)
{
    double t0 = bench_now(), s = 0;
    cc_staffing_options o = CC_STAFFING_OPTIONS_INIT;
    o.patience_s = 180.0;
    cc_staffing_result r;
    for (long i = 0; i < iters; i++) {
        cc_staffing_solve(&r, &o, 10000.0 + 1e-3 * (double)(i & 1023), 1800.0, 180.0);
        s += r.agents;
    }
    bench_sink = s;
    return bench_now() - t0;
}

/* Median over RUNS of calls per second. */
static double bench_rate(bench_fn fn, long iters)
{
    double rates[RUNS];
    for (int r = 0; r < RUNS; r++)
        rates[r] = (double)iters / fn(iters);
    qsort(rates, RUNS, sizeof rates[0], bench_cmp);
    return rates[RUNS / 2];
}

/* Path of the 2003 bank counts in buf, or NULL without CALLCORE_DATA. */
static const char *bench_bank_path(char *buf, size_t len)
{
    const char *dir = getenv("CALLCORE_DATA");
    if (!dir) return NULL;
    snprintf(buf, len, "%s/bank-calls-2003/bank_calls.csv", dir);
    return buf;
}

/* Reading the bank file with the library's reader (cc_volume_series_load_csv): median of
 * RUNS loads, in ms and MB/s of CSV. */
static void bench_series_csv(const char *path)
{
    double secs[RUNS];
    size_t bytes = 0, rows = 0;
    for (int r = 0; r < RUNS; r++) {
        cc_volume_series *s;
        double t0 = bench_now();
        cc_status st = cc_volume_series_load_csv(&s, path, NULL);
        secs[r] = bench_now() - t0;
        if (st) {
            printf("series csv: %s\n", cc_error_last());
            return;
        }
        bench_sink = cc_volume_series_values(s, &rows)[rows - 1];
        cc_volume_series_free(s);
        FILE *f = fopen(path, "rb");
        if (f && fseek(f, 0, SEEK_END) == 0) bytes = (size_t)ftell(f);
        if (f) fclose(f);
    }
    qsort(secs, RUNS, sizeof secs[0], bench_cmp);
    printf("read bank_calls.csv, %zu bytes, %zu rows %8.3f ms %8.0f MB/s (median of %d)\n", bytes,
           rows, 1e3 * secs[RUNS / 2], (double)bytes / secs[RUNS / 2] / 1e6, RUNS);
}

static void bench_forecast_fits(const double *y, size_t n)
{
    if (n < 120 * 169) {
        printf("(the bank file has %zu counts, fewer than 120 days x 169)\n", n);
        return;
    }
    for (int m = CC_FORECAST_HOLT_WINTERS_ADDITIVE; m < CC_FORECAST_METHOD_COUNT; m++) {
        double secs[3];
        int evals = 0;
        for (int r = 0; r < 3; r++) {
            cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
            o.method = (cc_forecast_method)m;
            o.period = 169;
            o.week = 5 * 169;
            cc_forecaster *fc;
            if (cc_forecaster_new(&fc, &o)) return;
            double t0 = bench_now();
            cc_status st = cc_forecaster_fit(fc, y, 120 * 169);
            secs[r] = bench_now() - t0;
            cc_forecast_params p;
            cc_forecaster_params(fc, &p);
            evals = p.evaluations;
            cc_forecaster_free(fc);
            if (st) {
                printf("forecast fit %s: %s\n", cc_forecast_method_name(o.method), cc_error_last());
                return;
            }
        }
        qsort(secs, 3, sizeof secs[0], bench_cmp);
        printf("forecast fit, 120 days x 169, %-28s %8.3f s (%d evaluations, median of 3)\n",
               cc_forecast_method_name((cc_forecast_method)m), secs[1], evals);
    }
}

int main(int argc, char **argv)
{
    int quick = argc == 2 && strcmp(argv[1], "--quick") == 0;
    if (argc > 1 && !quick) {
        int help = argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
        fputs("usage: bench_wfm [--quick]   (--quick: a tenth of the iterations)\n",
              help ? stdout : stderr);
        return help ? 0 : 2;
    }
    long scale = quick ? 10 : 1;
    printf("%-44s %16s %14s %s\n", "workload (median of 5 runs)", "per second", "per call",
           "target");
    struct {
        const char *name;
        bench_fn fn;
        long iters;
        const char *target;
        double need; /* per second, 0 when none */
    } rows[] = {
        {"Erlang C service level, N = 20", bench_erlang_c_20, 2000000, ">= 1,000,000/s", 1e6},
        {"Erlang C service level, N = 10,000", bench_erlang_c_10000, 20000, "", 0},
        {"Erlang A all metrics, N = 100, patience 1 AHT", bench_erlang_a_100, 20000, "", 0},
        {"staffing solve (Erlang C), 100 Erlangs", bench_staff_100, 200000, "", 0},
        {"staffing solve (Erlang C), 10,000 Erlangs", bench_staff_10000, 2000, "< 1 ms", 1e3},
        {"staffing solve (Erlang A), 1,000 Erlangs", bench_staff_a_1000, 200, "", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double rate = bench_rate(rows[i].fn, rows[i].iters / scale);
        double us = 1e6 / rate;
        printf("%-44s %16.0f %11.3f us %s%s\n", rows[i].name, rate, us, rows[i].target,
               rows[i].need > 0 ? (rate >= rows[i].need ? " (met)" : " (MISSED)") : "");
    }
    char path[1024];
    cc_volume_series *bank = NULL;
    if (!bench_bank_path(path, sizeof path) || cc_volume_series_load_csv(&bank, path, NULL)) {
        printf("(set CALLCORE_DATA to time reading and fitting the 2003 bank data)\n");
        return 0;
    }
    bench_series_csv(path);
    size_t n;
    const double *y = cc_volume_series_values(bank, &n);
    if (!quick) bench_forecast_fits(y, n);
    cc_volume_series_free(bank);
    return 0;
}
