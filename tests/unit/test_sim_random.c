/*
 * tests/unit/test_sim_random.c - the simulator's random building blocks:
 * PRNG, variates, Poisson arrivals with a rate per interval, the event heap.
 *
 * Statistical checks use tolerances of several standard errors computed from
 * the sample size, with fixed seeds: they fail when a formula is wrong (a
 * wrong lognormal parameterisation moves the mean by far more), never by bad
 * luck on a given seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/arrivals.h"
#include "sim/event_heap.h"
#include "sim/rng.h"
#include "sim/variate.h"
#include "support/alloc_fail.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_rng_deterministic_and_streams_differ(void **state)
{
    (void)state;
    cc__sim_rng a, b, c;
    cc__sim_rng_seed(&a, 42, 1);
    cc__sim_rng_seed(&b, 42, 1);
    cc__sim_rng_seed(&c, 42, 2);
    int same_ac = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = cc__sim_rng_next(&a), y = cc__sim_rng_next(&b), z = cc__sim_rng_next(&c);
        assert_true(x == y);
        same_ac += x == z;
    }
    assert_true(same_ac == 0);
}

static void test_rng_uniform_open_interval_and_mean(void **state)
{
    (void)state;
    cc__sim_rng r;
    cc__sim_rng_seed(&r, 7, 0);
    const int n = 200000;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        double u = cc__sim_rng_uniform(&r);
        assert_true(u > 0.0 && u < 1.0);
        sum += u;
    }
    /* sd of the mean of U(0,1) = 1/sqrt(12 n) */
    assert_true(fabs(sum / n - 0.5) < 5.0 / sqrt(12.0 * n));
}

static void test_rng_below_is_unbiased(void **state)
{
    (void)state;
    cc__sim_rng r;
    cc__sim_rng_seed(&r, 9, 0);
    int counts[7] = {0};
    const int n = 70000;
    for (int i = 0; i < n; i++) {
        uint64_t k = cc__sim_rng_below(&r, 7);
        assert_true(k < 7);
        counts[k]++;
    }
    /* chi-square with 6 degrees of freedom: 99.99% quantile is about 27.9 */
    double chi = 0;
    for (int k = 0; k < 7; k++) chi += pow(counts[k] - n / 7.0, 2) / (n / 7.0);
    assert_true(chi < 27.9);
}

static double sample_mean(const cc__dist *d, int n, double *var_out)
{
    cc__sim_rng r;
    cc__sim_rng_seed(&r, 1234, 5);
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; i++) {
        double x = cc__dist_sample(d, &r);
        assert_true(x >= 0);
        sum += x;
        sum2 += x * x;
    }
    double m = sum / n;
    if (var_out) *var_out = sum2 / n - m * m;
    return m;
}

static void test_exponential_mean_and_variance(void **state)
{
    (void)state;
    cc__dist d;
    assert_int_equal(cc__dist_exponential(&d, 180, "t"), CC_OK);
    const int n = 200000;
    double var, m = sample_mean(&d, n, &var);
    assert_true(fabs(m - 180) < 5 * 180 / sqrt(n));
    assert_true(fabs(sqrt(var) - 180) < 0.02 * 180);
}

static void test_lognormal_matches_its_mean_and_sd(void **state)
{
    (void)state;
    cc__dist d;
    assert_int_equal(cc__dist_lognormal(&d, 240, 120, "t"), CC_OK);
    const int n = 400000;
    double var, m = sample_mean(&d, n, &var);
    assert_true(fabs(m - 240) < 5 * 120 / sqrt(n));
    assert_true(fabs(sqrt(var) - 120) < 0.03 * 120);
}

static void test_uniform_and_fixed(void **state)
{
    (void)state;
    cc__dist d;
    assert_int_equal(cc__dist_uniform(&d, 2, 6, "t"), CC_OK);
    assert_true(fabs(sample_mean(&d, 100000, NULL) - 4) < 0.02);
    assert_int_equal(cc__dist_fixed(&d, 3.5, "t"), CC_OK);
    cc__sim_rng r;
    cc__sim_rng_seed(&r, 1, 1);
    assert_true(cc__dist_sample(&d, &r) == 3.5);
    assert_int_equal(cc__dist_uniform(&d, 6, 2, "ring"), CC_EINVAL);
    assert_int_equal(cc__dist_exponential(&d, 0, "t"), CC_EINVAL);
    assert_int_equal(cc__dist_lognormal(&d, 10, -1, "t"), CC_EINVAL);
    /* sd/mean overflows: sigma would be infinite and every draw NaN */
    assert_int_equal(cc__dist_lognormal(&d, 1e-300, 1e9, "handle"), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "handle: lognormal"));
    assert_int_equal(cc__dist_lognormal(&d, 1e-3, 1e3, "t"), CC_OK); /* extreme but finite */
    assert_true(isfinite(cc__dist_sample(&d, &r)));
    assert_int_equal(cc__dist_fixed(&d, NAN, "t"), CC_EINVAL);
    d.kind = CC__DIST_NONE;
    assert_true(isinf(cc__dist_sample(&d, &r)));
}

static void test_empirical_resamples_the_data(void **state)
{
    (void)state;
    cc__dist d;
    double *x = malloc(4 * sizeof *x);
    x[0] = 30;
    x[1] = 10;
    x[2] = 20;
    x[3] = 40;
    /* the allocator of the test is the system one: cc__free is free */
    assert_int_equal(cc__dist_empirical(&d, x, 4, "t"), CC_OK);
    assert_true(d.samples[0] == 10 && d.samples[3] == 40);
    assert_true(cc__dist_mean(&d) == 25);
    cc__sim_rng r;
    cc__sim_rng_seed(&r, 3, 3);
    int seen[5] = {0};
    for (int i = 0; i < 4000; i++) {
        double v = cc__dist_sample(&d, &r);
        assert_true(v == 10 || v == 20 || v == 30 || v == 40);
        seen[(int)v / 10]++;
    }
    for (int k = 1; k <= 4; k++) assert_true(seen[k] > 800 && seen[k] < 1200);
    cc__dist copy;
    assert_int_equal(cc__dist_copy(&copy, &d), CC_OK);
    assert_true(copy.samples != d.samples && copy.samples[2] == 30);
    cc__dist_clear(&copy);
    cc__dist_clear(&d);
    double *bad = malloc(sizeof *bad);
    bad[0] = -1;
    assert_int_equal(cc__dist_empirical(&d, bad, 1, "handle_s"), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "handle_s"));
}

/* Counts per interval follow the rate of each interval (a Poisson count has
 * variance = mean, so 5 sd bounds are generous), and nothing arrives in an
 * interval of rate 0 or after the last one. */
static void test_arrivals_follow_rate_per_interval(void **state)
{
    (void)state;
    const double rates[4] = {600, 0, 3600, 60}; /* per hour, 30-minute intervals */
    const int64_t iv = 1800000;
    long counts[4] = {0};
    const int days = 200;
    for (int d = 0; d < days; d++) {
        cc__arrivals a;
        cc__sim_rng r;
        cc__sim_rng_seed(&r, (uint64_t)d, 16);
        cc__arrivals_init(&a, rates, 4, iv, 4.0 * iv);
        int64_t prev = 0, t;
        while ((t = cc__arrivals_next(&a, &r)) >= 0) {
            assert_true(t >= prev);
            prev = t;
            assert_true(t < 4 * iv);
            counts[t / iv]++;
        }
    }
    for (int k = 0; k < 4; k++) {
        double expect = rates[k] / 2 * days;
        assert_true(fabs(counts[k] - expect) <= 5 * sqrt(expect) + 1e-9);
    }
    assert_int_equal(counts[1], 0);
}

static void test_arrival_gaps_are_exponential(void **state)
{
    (void)state;
    const double rate[1] = {3600}; /* one per second */
    cc__arrivals a;
    cc__sim_rng r;
    cc__sim_rng_seed(&r, 11, 16);
    cc__arrivals_init(&a, rate, 1, 3600000LL * 100, 3600000.0 * 100);
    int64_t prev = 0, t;
    long n = 0, below_1s = 0;
    while (n < 100000 && (t = cc__arrivals_next(&a, &r)) >= 0) {
        below_1s += (t - prev) < 1000;
        prev = t;
        n++;
    }
    double p = 1 - exp(-1.0); /* P(gap < mean) of an exponential */
    assert_true(fabs((double)below_1s / n - p) < 5 * sqrt(p * (1 - p) / n) + 0.002);
}

static void test_heap_orders_by_time_then_insertion(void **state)
{
    (void)state;
    cc__sim_heap h;
    cc__sim_heap_init(&h);
    cc__sim_rng r;
    cc__sim_rng_seed(&r, 5, 5);
    for (uint64_t i = 0; i < 5000; i++)
        assert_int_equal(cc__sim_heap_push(&h, (int64_t)cc__sim_rng_below(&r, 100), 1, 0, i, 0), 0);
    cc__sim_ev prev = {0}, ev;
    int first = 1;
    size_t n = 0;
    while (cc__sim_heap_pop(&h, &ev) == 0) {
        if (!first) {
            assert_true(prev.time_ms <= ev.time_ms);
            if (prev.time_ms == ev.time_ms) assert_true(prev.arg < ev.arg);
        }
        first = 0;
        prev = ev;
        n++;
    }
    assert_int_equal(n, 5000);
    assert_null(cc__sim_heap_peek(&h));
    cc__sim_heap_free(&h);
}

static void test_heap_push_failure_leaves_heap_intact(void **state)
{
    (void)state;
    cc__sim_heap h;
    cc__sim_heap_init(&h);
    assert_int_equal(cc__sim_heap_push(&h, 5, 1, 0, 1, 0), 0);
    cc_test_alloc_fail_from(0);
    int rc = 0;
    for (int i = 0; i < 64 && rc == 0; i++) rc = cc__sim_heap_push(&h, 1, 1, 0, 2, 0);
    cc_test_alloc_reset();
    assert_int_equal(rc, -1);
    cc__sim_ev ev;
    assert_int_equal(cc__sim_heap_pop(&h, &ev), 0);
    assert_true(ev.time_ms == 1); /* the pushes that succeeded are all there */
    cc__sim_heap_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_deterministic_and_streams_differ),
        cmocka_unit_test(test_rng_uniform_open_interval_and_mean),
        cmocka_unit_test(test_rng_below_is_unbiased),
        cmocka_unit_test(test_exponential_mean_and_variance),
        cmocka_unit_test(test_lognormal_matches_its_mean_and_sd),
        cmocka_unit_test(test_uniform_and_fixed),
        cmocka_unit_test(test_empirical_resamples_the_data),
        cmocka_unit_test(test_arrivals_follow_rate_per_interval),
        cmocka_unit_test(test_arrival_gaps_are_exponential),
        cmocka_unit_test(test_heap_orders_by_time_then_insertion),
        cmocka_unit_test(test_heap_push_failure_leaves_heap_intact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
