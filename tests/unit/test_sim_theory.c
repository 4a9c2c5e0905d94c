/*
 * tests/unit/test_sim_theory.c - the simulator against queueing theory.
 *
 * The classic queue is simulated for several seeds; each run gives one
 * estimate of the service level, ASA and abandonment rate. The test computes
 * the mean over the runs and its 99% confidence interval (Student t with
 * runs - 1 degrees of freedom, independent replications) and asserts that the
 * theoretical value lies inside it:
 *   - M/M/N (no abandonment) against Erlang C, computed here from its closed
 *     form (GKM eq. 1-6) with the Erlang B recursion;
 *   - M/M/N+M (exponential patience) against Erlang A (the WFM library's
 *     cc_erlang_a_eval), with P(abandon) also checked against a birth-death
 *     chain solved here.
 * A wrong routing decision, a lost contact, a mis-timed event or a biased
 * random variate moves the estimates by far more than these intervals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "callcore/erlang.h"
#include "callcore/sim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define RUNS 8
#define T99_7DF 3.499 /* t(0.995, 7) */

typedef struct estimates {
    double sl[RUNS], asa[RUNS], ab[RUNS];
    uint64_t offered;
} estimates;

static void run_queue(int agents, double per_hour, double aht_s, double patience_s, double hours,
                      double t_s, estimates *e)
{
    cc_sim_quick q = CC_SIM_QUICK_INIT;
    q.agents = agents;
    q.calls_per_hour = per_hour;
    q.aht_s = aht_s;
    q.patience_s = patience_s;
    q.hours = hours;
    q.sl_threshold_s = t_s;
    q.interval_min = 1440;
    cc_sim_scenario *sc;
    assert_int_equal(cc_sim_scenario_quick(&sc, &q), CC_OK);
    e->offered = 0;
    for (int r = 0; r < RUNS; r++) {
        cc_sim_options o = CC_SIM_OPTIONS_INIT;
        o.seed = 1000 + (uint64_t)r;
        cc_sim *run;
        assert_int_equal(cc_sim_new(&run, sc, &o), CC_OK);
        assert_int_equal(cc_sim_run(run), CC_OK);
        cc_kpi_report *rep;
        assert_int_equal(cc_sim_report(run, &rep), CC_OK);
        const cc_kpi_figures *f = &rep->totals;
        assert_true(f->offered > 1000);
        /* every contact is either answered or abandoned */
        assert_true(f->answered + f->abandoned == f->offered);
        e->sl[r] = f->service_level;
        e->asa[r] = f->asa_s;
        e->ab[r] = (double)f->abandoned / (double)f->offered;
        e->offered += f->offered;
        cc_kpi_report_free(rep);
        cc_sim_free(run);
    }
    cc_sim_scenario_free(sc);
}

/* Asserts that `theory` lies in mean +- t * s / sqrt(n) of the estimates. */
static void expect_in_ci(const char *what, const double *x, double theory)
{
    double m = 0, v = 0;
    for (int i = 0; i < RUNS; i++) m += x[i];
    m /= RUNS;
    for (int i = 0; i < RUNS; i++) v += (x[i] - m) * (x[i] - m);
    double half = T99_7DF * sqrt(v / (RUNS - 1) / RUNS);
    print_message("# %-22s simulated %.5f +- %.5f (99%% CI), theory %.5f\n", what, m, half, theory);
    if (!(fabs(m - theory) <= half))
        fail_msg("%s: theory %.6f outside the 99%% CI %.6f +- %.6f", what, theory, m, half);
    /* the interval is informative: narrower than 15% of the value */
    assert_true(half < 0.15 * fabs(theory) + 1e-3);
}

/* Erlang C from the Erlang B recursion B(k) = A B(k-1) / (k + A B(k-1)). */
static double erlang_c_here(int n, double a)
{
    double b = 1.0;
    for (int k = 1; k <= n; k++) b = a * b / (k + a * b);
    return n * b / (n - a * (1 - b));
}

static void test_mmn_matches_erlang_c(void **state)
{
    (void)state;
    const int n = 10;
    const double aht = 60, per_hour = 480, t = 20; /* A = 8 Erlangs, rho = 0.8 */
    double a = per_hour * aht / 3600;
    double c = erlang_c_here(n, a);
    double sl = 1 - c * exp(-(n - a) * t / aht);
    double asa = c * aht / (n - a);
    /* cross-check of the closed form with the WFM library */
    assert_true(fabs(c - cc_erlang_c(n, a)) < 1e-12);
    estimates e;
    run_queue(n, per_hour, aht, 0, 200, t, &e); /* long runs: ASA varies a lot at rho 0.8 */
    print_message("# M/M/%d, A = %.1f: %llu contacts over %d runs\n", n, a,
                  (unsigned long long)e.offered, RUNS);
    expect_in_ci("Erlang C SL(20 s)", e.sl, sl);
    expect_in_ci("Erlang C ASA (s)", e.asa, asa);
    for (int r = 0; r < RUNS; r++) assert_true(e.ab[r] == 0);
}

/* P(abandon) of M/M/N+M from the birth-death chain: rates lambda up,
 * min(k, N) mu + max(k - N, 0) theta down; P(ab) = theta E[queue] / lambda. */
static double erlang_a_p_abandon_chain(int n, double lambda, double mu, double theta)
{
    double p = 1.0, sum = 1.0, queue = 0.0;
    for (int k = 1; k < 100000; k++) {
        double down = (k <= n ? k * mu : n * mu + (k - n) * theta);
        p *= lambda / down;
        sum += p;
        if (k > n) queue += (k - n) * p;
        if (k > n && p < 1e-18 * sum) break;
    }
    return theta * (queue / sum) / lambda;
}

static void test_mmn_with_patience_matches_erlang_a(void **state)
{
    (void)state;
    const int n = 10;
    const double aht = 60, per_hour = 570, t = 20, patience = 120; /* A = 9.5, rho = 0.95 */
    double a = per_hour * aht / 3600;
    cc_erlang_a_metrics m;
    assert_int_equal(cc_erlang_a_eval(&m, n, a, patience / aht, t / aht), CC_OK);
    double chain = erlang_a_p_abandon_chain(n, per_hour / 3600, 1 / aht, 1 / patience);
    assert_true(fabs(chain - m.p_abandon) < 1e-9);
    estimates e;
    run_queue(n, per_hour, aht, patience, 60, t, &e);
    print_message("# M/M/%d+M, A = %.1f, patience %.0f s: %llu contacts over %d runs\n", n, a,
                  patience, (unsigned long long)e.offered, RUNS);
    expect_in_ci("Erlang A SL(20 s)", e.sl, m.sl_offered);
    expect_in_ci("Erlang A ASA (s)", e.asa, m.asa_answered * aht);
    expect_in_ci("Erlang A P(abandon)", e.ab, m.p_abandon);
}

/* The staffing check reports the same kind of intervals; an Erlang C plan
 * checked by simulation agrees with its prediction. */
static void test_staffing_check_agrees_with_erlang_c(void **state)
{
    (void)state;
    cc_sim_check c = CC_SIM_CHECK_INIT;
    c.agents = 12;
    c.calls_per_hour = 600;
    c.aht_s = 60; /* A = 10 */
    c.hours = 40;
    c.replications = 6;
    cc_sim_check_result r;
    assert_int_equal(cc_sim_check_staffing(&r, &c), CC_OK);
    double sl = cc_erlang_c_service_level(12, 10, 20.0 / 60);
    assert_int_equal(r.replications, 6);
    assert_true(r.contacts > 100000);
    assert_true(r.service_level_ci > 0 && r.service_level_ci < 0.05);
    /* the 99% interval: t(0.995, 5) / t(0.975, 5) = 4.032 / 2.571 times the 95% one */
    assert_true(fabs(r.service_level - sl) < 1.57 * r.service_level_ci);
    assert_true(fabs(r.occupancy - 10.0 / 12) < 0.02);
    c.replications = 1;
    assert_int_equal(cc_sim_check_staffing(&r, &c), CC_EINVAL);
    c.version = 99;
    assert_int_equal(cc_sim_check_staffing(&r, &c), CC_EVERSION);
}

/* Hours that are not a number of hours (negative, NaN) are refused, not read as "0 =
 * the 100-hour default": the caller would get figures for a run it never asked for. */
static void test_staffing_check_refuses_bad_hours(void **state)
{
    (void)state;
    const double bad[] = {-1, -INFINITY, NAN};
    for (int i = 0; i < 3; i++) {
        cc_sim_check c = CC_SIM_CHECK_INIT;
        c.agents = 2;
        c.calls_per_hour = 60;
        c.aht_s = 60;
        c.hours = bad[i];
        cc_sim_check_result r;
        assert_int_equal(cc_sim_check_staffing(&r, &c), CC_EINVAL);
        assert_non_null(strstr(cc_error_last(), "hours"));
        assert_int_equal(r.contacts, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mmn_matches_erlang_c),
        cmocka_unit_test(test_mmn_with_patience_matches_erlang_a),
        cmocka_unit_test(test_staffing_check_agrees_with_erlang_c),
        cmocka_unit_test(test_staffing_check_refuses_bad_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
