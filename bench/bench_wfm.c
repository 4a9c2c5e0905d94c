/*
 * bench/bench_wfm.c - how fast the workforce maths is.
 *
 * Prints, as the median of 5 timed runs each: Erlang C service-level evaluations per second
 * at N = 20 and N = 10,000, Erlang A evaluations per second, and staffing solves per second
 * (and the time of one) for 100 and 10,000 Erlangs. Targets from issue 4: >= 1,000,000
 * Erlang C evaluations/s at N = 20, a 10,000-Erlang staffing solve under 1 ms.
 * Usage: bench_wfm [--quick]
 */
#include "callcore/erlang.h"
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

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
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
    return 0;
}
