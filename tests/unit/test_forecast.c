/*
 * tests/unit/test_forecast.c - forecasting: exact recovery of clean seasonal series, the
 * accuracy metrics, the rolling-origin backtest, the 2003 bank data (the best method must
 * beat the weekly seasonal-naive baseline clearly), invalid input and allocation failures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "callcore/forecast.h"
#include "support/alloc_fail.h"
#include "wfm_csv.h"

#include <math.h>
#include <string.h>

#define P 12      /* intervals per day in the synthetic series */
#define W (5 * P) /* five-day weeks */
#define DAYS 30

/* A clean series: intraday shape x day-of-week factor, no noise. */
static double clean(size_t t)
{
    size_t i = t % P, d = (t / P) % 5;
    double shape = 20.0 + 10.0 * sin((double)i / P * 3.14159265358979);
    static const double dow[5] = {1.2, 1.0, 0.95, 0.9, 1.1};
    return shape * dow[d];
}

static void fill(double *y, size_t n)
{
    for (size_t t = 0; t < n; t++)
        y[t] = clean(t);
}

/* 1 when the method fits parameters and the library was built without NLopt: the fit
 * must then say so with CC_EUNSUPPORTED, and the caller skips what needs it. */
static int fit_unsupported(cc_status st)
{
    if (st != CC_EUNSUPPORTED) return 0;
    assert_non_null(strstr(cc_error_last(), "NLopt"));
    return 1;
}

static int fitted_method(cc_forecast_method m)
{
    return m >= CC_FORECAST_HOLT_WINTERS_ADDITIVE;
}

/* A fitted forecaster, or NULL when the build cannot fit this method (no NLopt). */
static cc_forecaster *make(cc_forecast_method m, const double *y, size_t n)
{
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = m;
    o.period = P;
    o.week = W;
    cc_forecaster *f = NULL;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_OK);
    cc_status st = cc_forecaster_fit(f, y, n);
    if (fitted_method(m) && fit_unsupported(st)) {
        print_message("# built without NLopt: %s cannot be fitted\n", cc_forecast_method_name(m));
        cc_forecaster_free(f);
        return NULL;
    }
    assert_int_equal(st, CC_OK);
    return f;
}

static void test_weekly_naive_repeats_last_week(void **state)
{
    (void)state;
    double y[DAYS * P], mean[W], lo[W], hi[W];
    fill(y, DAYS * P);
    cc_forecaster *f = make(CC_FORECAST_SEASONAL_NAIVE_WEEKLY, y, DAYS * P);
    assert_int_equal(cc_forecaster_predict(f, W, mean, lo, hi), CC_OK);
    for (size_t j = 0; j < W; j++) {
        assert_true(fabs(mean[j] - clean(DAYS * P + j)) < 1e-12);
        /* no error in sample: the interval collapses onto the forecast */
        assert_true(fabs(hi[j] - mean[j]) < 1e-9 && fabs(lo[j] - mean[j]) < 1e-9);
    }
    cc_forecaster_free(f);
}

static void test_models_learn_a_clean_series(void **state)
{
    (void)state;
    double y[DAYS * P], mean[P];
    fill(y, DAYS * P);
    static const cc_forecast_method ms[] = {CC_FORECAST_DOUBLE_SEASONAL, CC_FORECAST_DAILY_PROFILE};
    for (size_t k = 0; k < 2; k++) {
        cc_forecaster *f = make(ms[k], y, DAYS * P);
        if (!f) continue;
        assert_int_equal(cc_forecaster_predict(f, P, mean, NULL, NULL), CC_OK);
        double actual[P];
        for (size_t j = 0; j < P; j++)
            actual[j] = clean(DAYS * P + j);
        double w = cc_forecast_wape(actual, mean, P);
        if (!(w < 1e-3))
            fail_msg("%s: WAPE %g on a noiseless series", cc_forecast_method_name(ms[k]), w);
        cc_forecast_params prm;
        assert_int_equal(cc_forecaster_params(f, &prm), CC_OK);
        assert_int_equal(prm.observations, DAYS * P);
        assert_true(prm.evaluations > 0);
        cc_forecaster_free(f);
    }
    /* Holt-Winters with a daily season learns a series with no day-of-week effect. */
    double z[DAYS * P];
    for (size_t t = 0; t < DAYS * P; t++)
        z[t] = 50.0 + 0.01 * t + 5.0 * cos((double)(t % P));
    static const cc_forecast_method hw[] = {CC_FORECAST_HOLT_WINTERS_ADDITIVE,
                                            CC_FORECAST_HOLT_WINTERS_MULTIPLICATIVE};
    for (size_t k = 0; k < 2; k++) {
        cc_forecaster *f = make(hw[k], z, DAYS * P);
        if (!f) continue;
        assert_int_equal(cc_forecaster_predict(f, P, mean, NULL, NULL), CC_OK);
        for (size_t j = 0; j < P; j++) {
            double want = 50.0 + 0.01 * (DAYS * P + j) + 5.0 * cos((double)((DAYS * P + j) % P));
            if (!(fabs(mean[j] - want) < 0.2))
                fail_msg("%s h=%zu: %g vs %g", cc_forecast_method_name(hw[k]), j, mean[j], want);
        }
        cc_forecaster_free(f);
    }
}

static void test_moving_average_and_observe(void **state)
{
    (void)state;
    double y[10 * P], mean[P];
    for (size_t t = 0; t < 10 * P; t++)
        y[t] = (double)(t / P); /* day d has value d */
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = CC_FORECAST_MOVING_AVERAGE;
    o.period = P;
    o.window = 3;
    cc_forecaster *f;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_OK);
    assert_int_equal(cc_forecaster_predict(f, P, mean, NULL, NULL), CC_ESTATE);
    assert_int_equal(cc_forecaster_observe(f, y, 1), CC_ESTATE);
    assert_int_equal(cc_forecaster_fit(f, y, 8 * P), CC_OK);
    assert_int_equal(cc_forecaster_predict(f, P, mean, NULL, NULL), CC_OK);
    assert_true(fabs(mean[0] - 6.0) < 1e-12); /* days 5, 6, 7 */
    assert_int_equal(cc_forecaster_observe(f, y + 8 * P, 2 * P), CC_OK);
    assert_int_equal(cc_forecaster_predict(f, P, mean, NULL, NULL), CC_OK);
    assert_true(fabs(mean[P - 1] - 8.0) < 1e-12); /* days 7, 8, 9 */
    cc_forecaster_free(f);
}

static void test_metrics(void **state)
{
    (void)state;
    const double a[] = {100, 200, 0, 50}, f[] = {110, 180, 5, 50};
    assert_true(fabs(cc_forecast_wape(a, f, 4) - 35.0 / 350.0) < 1e-15);
    assert_true(fabs(cc_forecast_mape(a, f, 4) - (0.1 + 0.1 + 0.0) / 3.0) < 1e-15);
    double smape = (20.0 / 210 + 40.0 / 380 + 10.0 / 5 + 0.0) / 4.0;
    assert_true(fabs(cc_forecast_smape(a, f, 4) - smape) < 1e-15);
    const double train[] = {1, 2, 3, 5, 4, 6}; /* lag-2 naive errors: 2, 3, 1, 1 -> 1.75 */
    assert_true(fabs(cc_forecast_mase(a, f, 4, train, 6, 2) - (35.0 / 4) / 1.75) < 1e-14);
    const double zeros[] = {0, 0};
    assert_true(isnan(cc_forecast_mape(zeros, zeros, 2)));
    assert_non_null(strstr(cc_error_last(), "every actual is 0"));
    assert_true(isnan(cc_forecast_wape(a, NULL, 4)));
    assert_true(isnan(cc_forecast_mase(a, f, 4, train, 2, 2)));
}

static void test_backtest_on_clean_series(void **state)
{
    (void)state;
    double y[DAYS * P], fc[DAYS * P];
    fill(y, DAYS * P);
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = CC_FORECAST_SEASONAL_NAIVE_WEEKLY;
    o.period = P;
    o.week = W;
    cc_backtest_options bt = CC_BACKTEST_OPTIONS_INIT;
    bt.initial = 20 * P;
    cc_forecast_accuracy acc;
    assert_int_equal(cc_forecast_backtest(&acc, fc, &o, &bt, y, DAYS * P), CC_OK);
    assert_int_equal(acc.origins, 10);
    assert_int_equal(acc.points, 10 * P);
    assert_true(acc.wape < 1e-12);
    assert_true(isnan(acc.mase)); /* the data repeat exactly with the weekly lag: no scale */
    assert_true(isnan(fc[0]) && fabs(fc[25 * P] - y[25 * P]) < 1e-12);
    /* refit at every origin gives the same answer for a parameter-free method */
    bt.refit = 1;
    bt.step = 2 * P; /* step longer than the horizon: only forecast points are scored */
    assert_int_equal(cc_forecast_backtest(&acc, NULL, &o, &bt, y, DAYS * P), CC_OK);
    assert_int_equal(acc.origins, 5);
    assert_int_equal(acc.points, 5 * P);
    bt.version = 7;
    assert_int_equal(cc_forecast_backtest(&acc, NULL, &o, &bt, y, DAYS * P), CC_EVERSION);
}

/* A horizon or step beyond the data is clipped at n (the contract), whatever its size: one
 * that wraps horizon * sizeof(double) once sized a buffer the forecasts overflowed. The
 * answer equals that of the horizon that reaches exactly the end. */
static void test_backtest_huge_horizon_and_step(void **state)
{
    (void)state;
    double y[DAYS * P];
    fill(y, DAYS * P);
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = CC_FORECAST_SEASONAL_NAIVE_DAILY;
    o.period = P;
    o.week = W;
    cc_backtest_options bt = CC_BACKTEST_OPTIONS_INIT;
    bt.initial = 20 * P;
    bt.horizon = DAYS * P - bt.initial;
    cc_forecast_accuracy want, got;
    assert_int_equal(cc_forecast_backtest(&want, NULL, &o, &bt, y, DAYS * P), CC_OK);
    assert_int_equal(want.origins, 1);
    assert_int_equal(want.points, 10 * P);
    const size_t huge[] = {(SIZE_MAX / sizeof(double)) / 3 + 1, SIZE_MAX / sizeof(double) + 1,
                           SIZE_MAX - 1, SIZE_MAX};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        bt.horizon = huge[i];
        bt.step = 0; /* the horizon */
        assert_int_equal(cc_forecast_backtest(&got, NULL, &o, &bt, y, DAYS * P), CC_OK);
        assert_int_equal(got.origins, want.origins);
        assert_int_equal(got.points, want.points);
        assert_true(got.wape == want.wape);
        bt.step = huge[i]; /* origin + step must not wrap back inside y */
        assert_int_equal(cc_forecast_backtest(&got, NULL, &o, &bt, y, DAYS * P), CC_OK);
        assert_int_equal(got.origins, 1);
        assert_int_equal(got.points, want.points);
    }
    bt.horizon = P;
    bt.step = SIZE_MAX; /* one origin, one day forecast */
    assert_int_equal(cc_forecast_backtest(&got, NULL, &o, &bt, y, DAYS * P), CC_OK);
    assert_int_equal(got.origins, 1);
    assert_int_equal(got.points, P);
}

/* Origins closer together than the horizon forecast each point several times; the scored
 * forecast is the latest origin's (the contract of forecasts[]), and so must the coverage
 * be: it once counted every origin's interval, so a step of 1 with a one-day horizon gave
 * a "share" of 9.7. With step 1 the latest origin of every point is one step before it, so
 * the result is that of a horizon of 1. */
static void test_backtest_overlapping_origins_coverage(void **state)
{
    (void)state;
    double y[DAYS * P];
    for (size_t t = 0; t < DAYS * P; t++)
        y[t] = clean(t) + (double)((t * 7919) % 13) - 6.0; /* noise: not every point covered */
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = CC_FORECAST_SEASONAL_NAIVE_DAILY;
    o.period = P;
    o.week = W;
    cc_backtest_options bt = CC_BACKTEST_OPTIONS_INIT;
    bt.initial = 20 * P;
    bt.horizon = 1;
    bt.step = 1;
    cc_forecast_accuracy want, got;
    assert_int_equal(cc_forecast_backtest(&want, NULL, &o, &bt, y, DAYS * P), CC_OK);
    assert_true(want.coverage > 0.0 && want.coverage < 1.0);
    bt.horizon = P;
    assert_int_equal(cc_forecast_backtest(&got, NULL, &o, &bt, y, DAYS * P), CC_OK);
    assert_int_equal(got.origins, 10 * P);
    assert_int_equal(got.points, want.points);
    assert_true(got.wape == want.wape);
    assert_true(got.coverage == want.coverage);
}

/* The 2003 bank: fit on 120 days, forecast the other 44 day by day. */
static void test_bank_2003_beats_weekly_naive(void **state)
{
    (void)state;
    char buf[1024];
    const char *path = wfm_data_path(buf, sizeof buf, "bank-calls-2003/bank_calls.csv");
    if (!path) {
        print_message("# CALLCORE_DATA not set or bank_calls.csv absent: skipping\n");
        skip();
    }
    wfm_csv t;
    assert_int_equal(wfm_csv_load(&t, path), 0);
    assert_int_equal(t.nrows, 27716);
    double *y = malloc(sizeof(double) * (size_t)t.nrows);
    for (int r = 0; r < t.nrows; r++)
        y[r] = wfm_csv_num(&t, r, "Calls");
    const size_t period = 169;
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.period = period;
    o.week = 5 * period;
    cc_backtest_options bt = CC_BACKTEST_OPTIONS_INIT;
    bt.initial = 120 * period;
    cc_forecast_accuracy base, best = {0};
    o.method = CC_FORECAST_SEASONAL_NAIVE_WEEKLY;
    assert_int_equal(cc_forecast_backtest(&base, NULL, &o, &bt, y, (size_t)t.nrows), CC_OK);
    assert_int_equal(base.points, 44 * period);
    best.wape = INFINITY;
    int fitted_ran = 0;
    for (int m = 0; m < CC_FORECAST_METHOD_COUNT; m++) {
        cc_forecast_accuracy acc;
        o.method = (cc_forecast_method)m;
        cc_status st = cc_forecast_backtest(&acc, NULL, &o, &bt, y, (size_t)t.nrows);
        if (fitted_method(o.method) && fit_unsupported(st)) continue;
        assert_int_equal(st, CC_OK);
        fitted_ran += fitted_method(o.method);
        print_message("# %-28s WAPE %.4f (%.3f of weekly naive) coverage %.3f\n",
                      cc_forecast_method_name(o.method), acc.wape, acc.wape / base.wape,
                      acc.coverage);
        if (acc.wape < best.wape) best = acc;
    }
    /* The daily-profile model beats the baseline by 20 %; without NLopt only the
     * parameter-free methods run and the moving average wins by 11 %. */
    assert_true(best.wape < (fitted_ran ? 0.85 : 0.9) * base.wape);
    assert_true(best.coverage > 0.85 && best.coverage < 0.99);
    free(y);
    wfm_csv_free(&t);
}

/*
 * Volumes are counts in [0, CC_FORECAST_MAX_VOLUME = 1e15]. A series near 1e200 made every
 * squared one-step error overflow: the fit returned CC_OK with parameters it never set
 * (phi = 0, below its bound 0.8). It is now refused with the range in the detail and the
 * forecaster stays unfitted. Up to the limit the fit is what it is at scale 1: the models
 * are scale-equivariant and 2^44 scales exactly.
 */
static void test_volume_range(void **state)
{
    (void)state;
    enum { N = DAYS * P };
    static double y[N], big[N], huge[N];
    fill(y, N);
    for (size_t t = 0; t < N; t++) {
        big[t] = y[t] * 0x1p44; /* at most 6.3e14 */
        huge[t] = y[t] * 1e200;
    }
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = CC_FORECAST_HOLT_WINTERS_ADDITIVE;
    o.period = P;
    o.week = W;
    cc_forecaster *f = NULL;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_OK);
    assert_int_equal(cc_forecaster_fit(f, huge, N), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "volumes must be in [0, 1e+15]"));
    double mean[P];
    assert_int_equal(cc_forecaster_predict(f, P, mean, NULL, NULL), CC_ESTATE);
    cc_forecaster_free(f);

    cc_forecaster *unit = make(CC_FORECAST_HOLT_WINTERS_ADDITIVE, y, N);
    if (!unit) skip();
    cc_forecaster *scaled = make(CC_FORECAST_HOLT_WINTERS_ADDITIVE, big, N);
    cc_forecast_params a, b;
    assert_int_equal(cc_forecaster_params(unit, &a), CC_OK);
    assert_int_equal(cc_forecaster_params(scaled, &b), CC_OK);
    assert_true(b.alpha >= 1e-4 && b.alpha <= 0.9999 && b.phi >= 0.8 && b.phi <= 1.0);
    assert_true(fabs(a.alpha - b.alpha) <= 1e-9 && fabs(a.gamma - b.gamma) <= 1e-9 &&
                fabs(a.phi - b.phi) <= 1e-9);
    assert_true(isfinite(b.sse));
    cc_forecaster_free(unit);
    cc_forecaster_free(scaled);
}

/*
 * cc_forecast_params: "the values in use (0 where the method has none)". The seasonal
 * naive methods, the moving average and the daily-profile model have no damping, yet the
 * fit left phi at 1 for them (a default only Holt-Winters reads, and it sets its own), so
 * `callcore forecast --json` printed "phi": 1 for the daily profile.
 */
static void test_params_zero_where_method_has_none(void **state)
{
    (void)state;
    enum { N = DAYS * P };
    double y[N];
    fill(y, N);
    static const cc_forecast_method ms[] = {CC_FORECAST_SEASONAL_NAIVE_DAILY,
                                            CC_FORECAST_SEASONAL_NAIVE_WEEKLY,
                                            CC_FORECAST_MOVING_AVERAGE, CC_FORECAST_DAILY_PROFILE};
    for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++) {
        cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
        o.method = ms[k];
        o.period = P;
        o.week = W;
        if (ms[k] == CC_FORECAST_DAILY_PROFILE) o.alpha = o.gamma = o.omega = 0.1; /* no NLopt */
        cc_forecaster *f;
        assert_int_equal(cc_forecaster_new(&f, &o), CC_OK);
        assert_int_equal(cc_forecaster_fit(f, y, N), CC_OK);
        cc_forecast_params prm;
        assert_int_equal(cc_forecaster_params(f, &prm), CC_OK);
        if (prm.phi != 0.0 || prm.beta != 0.0)
            fail_msg("%s: phi %g, beta %g; the method has neither", cc_forecast_method_name(ms[k]),
                     prm.phi, prm.beta);
        cc_forecaster_free(f);
    }
}

/*
 * The Holt-Winters h-step variance is that of the innovations form (Hyndman et al. 2008,
 * table 6.1): sigma^2 (1 + sum_{j<h} c_j^2), c_j = alpha (1 + beta phi_j) + gamma_i [j a
 * multiple of the period], phi_j = phi + ... + phi^j. The season update here, s <- gamma
 * (y - level) + (1 - gamma) s with the new level, is s + gamma (1 - alpha) e in innovations
 * form (e the one-step error), so gamma_i = gamma (1 - alpha), as beta there is alpha times
 * the beta here. The factors used gamma itself: intervals from the second day on were too
 * wide (1.506 instead of 1.383 times the one-step half-width at h = 3 below).
 */
static void test_holt_winters_interval_growth(void **state)
{
    (void)state;
    enum { Q = 2, N = 40, H = 5 };
    double y[N], mean[H], hi[H];
    for (size_t t = 0; t < N; t++)
        y[t] = 100.0 + 10.0 * (double)(t % Q) + (t % 3 == 0 ? 3.0 : -1.0);
    const double alpha = 0.5, beta = 0.1, gamma = 0.4, phi = 0.9;
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = CC_FORECAST_HOLT_WINTERS_ADDITIVE;
    o.period = Q;
    o.alpha = alpha;
    o.beta = beta;
    o.gamma = gamma;
    o.phi = phi;
    cc_forecaster *f;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_OK);
    assert_int_equal(cc_forecaster_fit(f, y, N), CC_OK);
    assert_int_equal(cc_forecaster_predict(f, H, mean, NULL, hi), CC_OK);
    double v = 1.0, phi_j = 0.0, phi_pow = 1.0;
    for (size_t h = 1; h <= H; h++) {
        double want = sqrt(v), got = (hi[h - 1] - mean[h - 1]) / (hi[0] - mean[0]);
        if (!(fabs(got - want) < 1e-12))
            fail_msg("h = %zu: half-width %.15g times the one-step one, want %.15g", h, got, want);
        phi_pow *= phi;
        phi_j += phi_pow;
        double c = alpha * (1.0 + beta * phi_j) + (h % Q == 0 ? gamma * (1.0 - alpha) : 0.0);
        v += c * c;
    }
    cc_forecaster_free(f);
}

/*
 * The double-seasonal h-step factors, linearised on the relative scale: the model's error
 * term is AR(1), e_t = phi e_{t-1} + eps_t, and each update is driven by e_t (level alpha
 * e_t, daily index gamma (1 - alpha) e_t, weekly index omega (1 - alpha) e_t), so
 * c_j = phi^j + alpha sum_{k<j} phi^k + gamma (1 - alpha) sum_{k<j, period | j-k} phi^k
 *       + omega (1 - alpha) sum_{k<j, week | j-k} phi^k
 * (checked against finite differences of the filter). The factors used alpha + phi^j (+ gamma,
 * omega at the lags): the level's share of the AR error was left out, so with phi = 0.8 the
 * intervals 12 steps ahead were half as wide as the model implies (2.65 vs 5.13 times the
 * one-step half-width).
 */
static void test_double_seasonal_interval_growth(void **state)
{
    (void)state;
    enum { Q = 3, WK = 6, N = 60, H = 14 };
    double y[N], mean[H], hi[H];
    for (size_t t = 0; t < N; t++)
        y[t] = 100.0 + 10.0 * (double)(t % Q) + 5.0 * (double)(t % WK) + (t % 7 == 0 ? 4.0 : -1.0);
    const double alpha = 0.3, gamma = 0.2, omega = 0.15, phi = 0.8;
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = CC_FORECAST_DOUBLE_SEASONAL;
    o.period = Q;
    o.week = WK;
    o.alpha = alpha;
    o.gamma = gamma;
    o.omega = omega;
    o.phi = phi;
    cc_forecaster *f;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_OK);
    assert_int_equal(cc_forecaster_fit(f, y, N), CC_OK);
    assert_int_equal(cc_forecaster_predict(f, H, mean, NULL, hi), CC_OK);
    double one = (hi[0] - mean[0]) / mean[0], v = 1.0;
    for (size_t h = 1; h <= H; h++) {
        double want = sqrt(v), got = (hi[h - 1] - mean[h - 1]) / mean[h - 1] / one;
        if (!(fabs(got - want) < 1e-12))
            fail_msg("h = %zu: relative half-width %.15g times the one-step one, want %.15g", h,
                     got, want);
        double c = pow(phi, (double)h);
        for (size_t k = 0; k < h; k++) {
            double p = pow(phi, (double)k);
            c += alpha * p;
            if ((h - k) % Q == 0) c += gamma * (1.0 - alpha) * p;
            if ((h - k) % WK == 0) c += omega * (1.0 - alpha) * p;
        }
        v += c * c;
    }
    cc_forecaster_free(f);
}

/*
 * Daily profile: one step is a day, and a day's relative error moves the level by alpha and
 * that weekday's factor by gamma (1 - alpha) (checked against finite differences of the
 * daily update), so the forecast k days past the first carries sigma^2 (1 + sum_{i<=k}
 * c_i^2), c_i = alpha + gamma (1 - alpha) when i is a whole number of weeks, else alpha.
 * The factors added alpha^2 for every day: from the second week on the intervals left out
 * the weekday factor's error (1.127 instead of 1.231 times the day-ahead half-width one
 * three-day week on below).
 */
static void test_daily_profile_interval_growth(void **state)
{
    (void)state;
    enum { Q = 2, DW = 3, N = 6 * DW * Q, H = 8 * Q };
    double y[N], mean[H], hi[H];
    for (size_t t = 0; t < N; t++)
        y[t] = (100.0 + 20.0 * (double)(t % Q)) * (1.0 + 0.1 * (double)((t / Q) % DW)) +
               (t % 5 == 0 ? 6.0 : -2.0);
    const double alpha = 0.3, gamma = 0.4, omega = 0.2;
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = CC_FORECAST_DAILY_PROFILE;
    o.period = Q;
    o.week = DW * Q;
    o.alpha = alpha;
    o.gamma = gamma;
    o.omega = omega;
    cc_forecaster *f;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_OK);
    assert_int_equal(cc_forecaster_fit(f, y, N), CC_OK);
    assert_int_equal(cc_forecaster_predict(f, H, mean, NULL, hi), CC_OK);
    double one = (hi[0] - mean[0]) / mean[0];
    for (size_t j = 0; j < H; j++) {
        size_t k = j / Q; /* days past the first forecast day */
        double v = 1.0;
        for (size_t i = 1; i <= k; i++) {
            double c = alpha + (i % DW == 0 ? gamma * (1.0 - alpha) : 0.0);
            v += c * c;
        }
        double got = (hi[j] - mean[j]) / mean[j] / one;
        if (!(fabs(got - sqrt(v)) < 1e-12))
            fail_msg("interval %zu (%zu days on): relative half-width %.15g times the day-ahead "
                     "one, want %.15g",
                     j, k, got, sqrt(v));
    }
    cc_forecaster_free(f);
}

static void test_invalid(void **state)
{
    (void)state;
    cc_forecaster *f = (cc_forecaster *)1;
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_EINVAL); /* period 0 */
    assert_null(f);
    assert_non_null(strstr(cc_error_last(), "period"));
    o.period = 10;
    o.week = 25;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_EINVAL);
    o.week = 0;
    o.alpha = 1.5;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "alpha"));
    o.alpha = 0;
    o.version = 2;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_EVERSION);
    o.version = CC_FORECAST_OPTIONS_VERSION;
    o.method = CC_FORECAST_HOLT_WINTERS_ADDITIVE;
    assert_int_equal(cc_forecaster_new(&f, &o), CC_OK);
    double y[15] = {0};
    assert_int_equal(cc_forecaster_fit(f, y, 15), CC_EINVAL); /* needs 2 days = 20 */
    assert_non_null(strstr(cc_error_last(), "at least 20"));
    double bad[20] = {0};
    bad[3] = -1;
    assert_int_equal(cc_forecaster_fit(f, bad, 20), CC_EINVAL);
    bad[3] = NAN;
    assert_int_equal(cc_forecaster_fit(f, bad, 20), CC_EINVAL);
    cc_forecaster_free(f);
    cc_forecaster_free(NULL);
    cc_forecast_method m;
    assert_int_equal(cc_forecast_method_parse("double_seasonal", &m), CC_OK);
    assert_int_equal(m, CC_FORECAST_DOUBLE_SEASONAL);
    assert_int_equal(cc_forecast_method_parse("arima", &m), CC_EINVAL);
    assert_null(cc_forecast_method_name((cc_forecast_method)99));
    assert_int_equal(sizeof(cc_forecast_options), 80);
    assert_int_equal(sizeof(cc_backtest_options), 40);
}

static int backtest_scenario(void *ctx)
{
    (void)ctx;
    double y[DAYS * P];
    fill(y, DAYS * P);
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.method = CC_FORECAST_DAILY_PROFILE;
    o.period = P;
    o.week = W;
    o.alpha = 0.1;
    o.gamma = 0.1;
    o.omega = 0.1;
    cc_backtest_options bt = CC_BACKTEST_OPTIONS_INIT;
    bt.initial = 20 * P;
    cc_forecast_accuracy acc;
    cc_status st = cc_forecast_backtest(&acc, NULL, &o, &bt, y, DAYS * P);
    return st == CC_OK || st == CC_ENOMEM ? 0 : 1;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    long tried = cc_test_alloc_sweep(backtest_scenario, NULL);
    assert_true(tried > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekly_naive_repeats_last_week),
        cmocka_unit_test(test_models_learn_a_clean_series),
        cmocka_unit_test(test_moving_average_and_observe),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_backtest_on_clean_series),
        cmocka_unit_test(test_backtest_huge_horizon_and_step),
        cmocka_unit_test(test_backtest_overlapping_origins_coverage),
        cmocka_unit_test(test_bank_2003_beats_weekly_naive),
        cmocka_unit_test(test_volume_range),
        cmocka_unit_test(test_params_zero_where_method_has_none),
        cmocka_unit_test(test_holt_winters_interval_growth),
        cmocka_unit_test(test_double_seasonal_interval_growth),
        cmocka_unit_test(test_daily_profile_interval_growth),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
