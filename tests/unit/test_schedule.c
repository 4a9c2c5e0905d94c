/*
 * tests/unit/test_schedule.c - shift scheduling with CBC: a hand-solved optimum, breaks,
 * shortage, service levels per interval, a day-sized instance, invalid input, allocation
 * failures. Without CBC the API must say CC_EUNSUPPORTED.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "callcore/erlang.h"
#include "callcore/forecast.h"
#include "callcore/schedule.h"
#include "callcore/staffing.h"
#include "support/alloc_fail.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int have_cbc(void)
{
    const int req[1] = {0};
    const cc_shift_template t = {0, 0, 1, 1, 0, 0, 0, 1.0};
    cc_schedule *s = NULL;
    cc_status st = cc_schedule_solve(&s, NULL, req, NULL, 1, &t, 1);
    cc_schedule_free(s);
    if (st == CC_EUNSUPPORTED) {
        assert_non_null(strstr(cc_error_last(), "CBC"));
        print_message("# built without CBC: cc_schedule_solve reports CC_EUNSUPPORTED\n");
        return 0;
    }
    assert_int_equal(st, CC_OK);
    return 1;
}

/* Coverage must equal required + over - under, interval by interval. */
static void check_balance(const cc_schedule *s, const int *req)
{
    size_t n = cc_schedule_intervals(s);
    const int *cov = cc_schedule_coverage(s), *over = cc_schedule_over(s),
              *under = cc_schedule_under(s);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(cov[i], req[i] + over[i] - under[i]);
}

static void test_hand_solved_optimum(void **state)
{
    (void)state;
    if (!have_cbc()) skip();
    /* 4-interval shifts starting 0..4; the optimum is 3 agents (starts 0, 2, 4), cost 12. */
    const int req[8] = {1, 1, 2, 2, 2, 2, 1, 1};
    const cc_shift_template t = {0, 4, 1, 4, 0, 0, 0, 4.0};
    cc_schedule *s;
    assert_int_equal(cc_schedule_solve(&s, NULL, req, NULL, 8, &t, 1), CC_OK);
    assert_int_equal(cc_schedule_agents(s), 3);
    assert_true(fabs(cc_schedule_cost(s) - 12.0) < 1e-9);
    assert_int_equal(cc_schedule_optimal(s), 1);
    for (int i = 0; i < 8; i++)
        assert_int_equal(cc_schedule_over(s)[i], 0);
    check_balance(s, req);
    size_t na;
    const cc_shift_assignment *a = cc_schedule_assignments(s, &na);
    int sum = 0;
    for (size_t k = 0; k < na; k++) {
        assert_int_equal(a[k].shift, 0);
        assert_int_equal(a[k].break_start, -1);
        sum += a[k].agents;
    }
    assert_int_equal(sum, 3);
    assert_true(isnan(cc_schedule_service_level(s)[0])); /* no traffic given */
    cc_schedule_free(s);
}

static void test_breaks_and_cheaper_shift(void **state)
{
    (void)state;
    if (!have_cbc()) skip();
    /* 6 intervals needing 1 agent: a 6-long shift with a 1-interval break leaves a hole, so a
     * short shift must fill it; the long shift costs 5, the short 1-interval one 2. */
    const int req[6] = {1, 1, 1, 1, 1, 1};
    const cc_shift_template t[2] = {{0, 0, 1, 6, 2, 3, 1, 5.0}, {0, 5, 1, 1, 0, 0, 0, 2.0}};
    cc_schedule *s;
    assert_int_equal(cc_schedule_solve(&s, NULL, req, NULL, 6, t, 2), CC_OK);
    assert_true(fabs(cc_schedule_cost(s) - 7.0) < 1e-9);
    check_balance(s, req);
    size_t na;
    const cc_shift_assignment *a = cc_schedule_assignments(s, &na);
    int saw_break = 0;
    for (size_t k = 0; k < na; k++)
        if (a[k].shift == 0) {
            assert_true(a[k].break_start == 2 || a[k].break_start == 3);
            saw_break = 1;
        }
    assert_true(saw_break);
    cc_schedule_free(s);
}

static void test_uncoverable_interval(void **state)
{
    (void)state;
    if (!have_cbc()) skip();
    const int req[4] = {1, 1, 1, 3};
    const cc_shift_template t = {0, 0, 1, 3, 0, 0, 0, 3.0}; /* never works interval 3 */
    cc_schedule *s = (cc_schedule *)1;
    assert_int_equal(cc_schedule_solve(&s, NULL, req, NULL, 4, &t, 1), CC_EINFEASIBLE);
    assert_null(s);
    assert_non_null(strstr(cc_error_last(), "interval 3"));
    /* Allowing shortage at a price reports it instead. */
    cc_schedule_options o = CC_SCHEDULE_OPTIONS_INIT;
    o.under_cost = 100.0;
    assert_int_equal(cc_schedule_solve(&s, &o, req, NULL, 4, &t, 1), CC_OK);
    assert_int_equal(cc_schedule_under(s)[3], 3);
    assert_int_equal(cc_schedule_agents(s), 1);
    check_balance(s, req);
    cc_schedule_free(s);
}

/* A day of 15-minute intervals: staff each interval, then build 8-hour shifts with a
 * 30-minute break; every interval is covered and gets at least its target service level. */
static void test_day_from_staffing(void **state)
{
    (void)state;
    if (!have_cbc()) skip();
    enum { N = 64 }; /* 07:00 - 23:00 */
    double calls[N], traffic[N];
    int req[N];
    cc_staffing_result r[N];
    for (int i = 0; i < N; i++)
        calls[i] = 60.0 + 50.0 * sin(3.14159 * i / N);
    assert_int_equal(cc_staffing_plan(r, NULL, calls, NULL, 300.0, N, 900.0), CC_OK);
    for (int i = 0; i < N; i++) {
        req[i] = r[i].agents;
        traffic[i] = r[i].traffic;
    }
    const cc_shift_template t[2] = {{0, N - 32, 1, 32, 12, 20, 2, 8.0},
                                    {0, N - 16, 2, 16, 0, 0, 0, 4.5}};
    cc_schedule_options o = CC_SCHEDULE_OPTIONS_INIT;
    o.aht_s = 300.0;
    cc_schedule *s;
    assert_int_equal(cc_schedule_solve(&s, &o, req, traffic, N, t, 2), CC_OK);
    check_balance(s, req);
    const double *sl = cc_schedule_service_level(s);
    for (int i = 0; i < N; i++) {
        assert_int_equal(cc_schedule_under(s)[i], 0);
        assert_true(sl[i] >= 0.8 - 1e-12);
        double want =
            cc_erlang_c_service_level(cc_schedule_coverage(s)[i], traffic[i], 20.0 / 300.0);
        assert_true(fabs(sl[i] - want) < 1e-15);
    }
    cc_schedule_free(s);
}

/* The planner's day as the demo runs it, arrays in and out: forecast tomorrow's 48
 * half-hours from four weeks of history, staff each, build shifts over them. */
static void test_forecast_staff_schedule_flow(void **state)
{
    (void)state;
    if (!have_cbc()) skip();
    enum { P = 48, DAYS = 20 };
    static double history[DAYS * P];
    for (size_t t = 0; t < DAYS * P; t++) {
        size_t i = t % P, d = (t / P) % 5;
        history[t] = (i < 14 || i > 42)
                         ? 0.0
                         : (60.0 + 40.0 * sin(3.14159 * (i - 14) / 28.0)) * (d == 0 ? 1.3 : 1.0);
    }
    cc_forecast_options fo = CC_FORECAST_OPTIONS_INIT;
    fo.method = CC_FORECAST_DAILY_PROFILE;
    fo.period = P;
    fo.week = 5 * P;
    cc_forecaster *f;
    assert_int_equal(cc_forecaster_new(&f, &fo), CC_OK);
    cc_status st = cc_forecaster_fit(f, history, DAYS * P);
    if (st == CC_EUNSUPPORTED) { /* no NLopt: a parameter-free method does the same job */
        cc_forecaster_free(f);
        fo.method = CC_FORECAST_SEASONAL_NAIVE_WEEKLY;
        assert_int_equal(cc_forecaster_new(&f, &fo), CC_OK);
        st = cc_forecaster_fit(f, history, DAYS * P);
    }
    assert_int_equal(st, CC_OK);
    double calls[P];
    assert_int_equal(cc_forecaster_predict(f, P, calls, NULL, NULL), CC_OK);
    cc_forecaster_free(f);
    /* day 20 is a Monday (day 0 of the week): 30 % busier */
    assert_true(fabs(calls[28] - 1.3 * (60.0 + 40.0 * sin(3.14159 * 14 / 28.0))) < 1.0);

    cc_staffing_result plan[P];
    assert_int_equal(cc_staffing_plan(plan, NULL, calls, NULL, 300.0, P, 1800.0), CC_OK);
    int req[P];
    double traffic[P];
    for (int i = 0; i < P; i++) {
        req[i] = plan[i].agents;
        traffic[i] = plan[i].traffic;
    }
    assert_int_equal(req[0], 0);
    const cc_shift_template t[1] = {{14, 27, 1, 16, 6, 10, 1, 8.0}}; /* 8 h, 30-min break */
    cc_schedule_options so = CC_SCHEDULE_OPTIONS_INIT;
    so.interval_s = 1800.0;
    so.aht_s = 300.0;
    cc_schedule *s;
    assert_int_equal(cc_schedule_solve(&s, &so, req, traffic, P, t, 1), CC_OK);
    check_balance(s, req);
    for (int i = 0; i < P; i++) {
        assert_int_equal(cc_schedule_under(s)[i], 0);
        if (req[i] > 0) assert_true(cc_schedule_service_level(s)[i] >= 0.8 - 1e-12);
    }
    cc_schedule_free(s);
}

/*
 * The int results stay in range. Requirements above CC_ERLANG_MAX_AGENTS (10^7) are refused
 * (1e9 per interval used to overflow the total with UB and give NaN service levels, the
 * coverage being beyond Erlang C's range); 10^7 each works and gives an exact service level
 * (10^7 agents for 5 Erlangs: nobody waits); a total beyond INT_MAX over 215 intervals is
 * CC_ERANGE; an interval that only overlapping shifts could cover with 2e7 agents breaks the
 * documented cap on coverage: CC_EINFEASIBLE.
 */
static void test_large_requirements(void **state)
{
    (void)state;
    if (!have_cbc()) skip();
    const cc_shift_template one = {0, 2, 1, 1, 0, 0, 0, 1.0}; /* one interval, any start */
    const double traffic[3] = {5, 5, 5};
    int req[3] = {1000000000, 1000000000, 1000000000};
    cc_schedule *s = NULL;
    assert_int_equal(cc_schedule_solve(&s, NULL, req, traffic, 3, &one, 1), CC_EINVAL);
    assert_null(s);
    assert_non_null(strstr(cc_error_last(), "must be in [0, 10000000]"));
    req[0] = req[1] = req[2] = CC_ERLANG_MAX_AGENTS;
    assert_int_equal(cc_schedule_solve(&s, NULL, req, traffic, 3, &one, 1), CC_OK);
    assert_int_equal(cc_schedule_agents(s), 3 * CC_ERLANG_MAX_AGENTS);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(cc_schedule_coverage(s)[i], CC_ERLANG_MAX_AGENTS);
        assert_true(cc_schedule_service_level(s)[i] == 1.0);
    }
    cc_schedule_free(s);

    enum { WIDE = 215 }; /* 215 * 10^7 > INT_MAX */
    static int wide[WIDE];
    for (int i = 0; i < WIDE; i++)
        wide[i] = CC_ERLANG_MAX_AGENTS;
    const cc_shift_template each = {0, WIDE - 1, 1, 1, 0, 0, 0, 1.0};
    assert_int_equal(cc_schedule_solve(&s, NULL, wide, NULL, WIDE, &each, 1), CC_ERANGE);
    assert_null(s);
    assert_non_null(strstr(cc_error_last(), "agents in all"));

    /* Intervals 0 and 2 need 10^7; the only shifts are [0, 1] and [1, 2]. */
    const int apart[3] = {CC_ERLANG_MAX_AGENTS, 0, CC_ERLANG_MAX_AGENTS};
    const cc_shift_template two = {0, 1, 1, 2, 0, 0, 0, 1.0};
    assert_int_equal(cc_schedule_solve(&s, NULL, apart, traffic, 3, &two, 1), CC_EINFEASIBLE);
    assert_null(s);
}

/* No shifts and nothing required: the empty schedule is the optimum (CC_OK, 0 agents), not
 * the CC_ETIMEOUT it used to be because CBC reports no solution for a program without
 * columns. */
static void test_nothing_to_schedule(void **state)
{
    (void)state;
    if (!have_cbc()) skip();
    const int req[3] = {0, 0, 0};
    const double traffic[3] = {0, 0, 0};
    cc_schedule *s = NULL;
    assert_int_equal(cc_schedule_solve(&s, NULL, req, traffic, 3, NULL, 0), CC_OK);
    assert_int_equal(cc_schedule_agents(s), 0);
    assert_int_equal(cc_schedule_optimal(s), 1);
    assert_true(cc_schedule_cost(s) == 0.0);
    size_t count = 99;
    cc_schedule_assignments(s, &count);
    assert_int_equal(count, 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(cc_schedule_coverage(s)[i], 0);
        assert_true(cc_schedule_service_level(s)[i] == 1.0);
    }
    cc_schedule_free(s);
}

static void test_invalid(void **state)
{
    (void)state;
    const int req[4] = {1, 1, 1, 1};
    cc_schedule *s;
    const cc_shift_template too_long = {0, 2, 1, 3, 0, 0, 0, 1.0}; /* 2 + 3 > 4 */
    assert_int_equal(cc_schedule_solve(&s, NULL, req, NULL, 4, &too_long, 1), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "shift 0"));
    const cc_shift_template bad_break = {0, 0, 1, 4, 2, 3, 2, 1.0}; /* 3 + 2 > 4 */
    assert_int_equal(cc_schedule_solve(&s, NULL, req, NULL, 4, &bad_break, 1), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "break"));
    const int neg[2] = {1, -1};
    const cc_shift_template ok = {0, 0, 1, 2, 0, 0, 0, 1.0};
    assert_int_equal(cc_schedule_solve(&s, NULL, neg, NULL, 2, &ok, 1), CC_EINVAL);
    cc_schedule_options o = CC_SCHEDULE_OPTIONS_INIT;
    o.version = 9;
    assert_int_equal(cc_schedule_solve(&s, &o, req, NULL, 4, &ok, 1), CC_EVERSION);
    assert_int_equal(cc_schedule_solve(NULL, NULL, req, NULL, 4, &ok, 1), CC_EINVAL);
    cc_schedule_free(NULL);
    assert_null(cc_schedule_coverage(NULL));
}

/* A start step past the day is one start: the enumeration once added the step to the
 * start as an int, which overflowed (UB) and wrapped back to starts before the day, writing
 * columns past the ones it had counted (a heap overflow under ASan). */
static void test_start_step_beyond_int(void **state)
{
    (void)state;
    if (!have_cbc()) skip();
    const int req[4] = {0, 1, 0, 0};
    const cc_shift_template t = {1, 1, INT_MAX, 1, 0, 0, 0, 1.0};
    cc_schedule *s = NULL;
    assert_int_equal(cc_schedule_solve(&s, NULL, req, NULL, 4, &t, 1), CC_OK);
    size_t na;
    const cc_shift_assignment *a = cc_schedule_assignments(s, &na);
    assert_int_equal(na, 1);
    assert_int_equal(a[0].start, 1);
    assert_int_equal(a[0].agents, 1);
    assert_int_equal(cc_schedule_agents(s), 1);
    cc_schedule_free(s);
}

/* A break that ends past the shift is refused however large its numbers: latest + length
 * was summed as an int, so INT_MAX - 1 .. INT_MAX with length 2 overflowed (UB), wrapped
 * negative, passed the check and then overran the column array. */
static void test_break_beyond_int(void **state)
{
    (void)state;
    const int req[4] = {1, 1, 1, 1};
    const cc_shift_template t = {0, 0, 1, 4, INT_MAX - 1, INT_MAX, 2, 1.0};
    cc_schedule *s = NULL;
    assert_int_equal(cc_schedule_solve(&s, NULL, req, NULL, 4, &t, 1), CC_EINVAL);
    assert_null(s);
    assert_non_null(strstr(cc_error_last(), "break"));
}

/* A program whose cells (choices x intervals worked) would be too many is refused up
 * front, in no time: one 100,000-interval shift with a break anywhere in it is 10^5
 * choices of 10^5 intervals each, and used to run 10^10 steps before running out of
 * memory. A shift short enough to stay under the cap is solved as before. */
static void test_program_cells_are_bounded(void **state)
{
    (void)state;
    size_t n = 100000;
    int *req = calloc(n, sizeof *req);
    assert_non_null(req);
    req[0] = 1;
    const cc_shift_template big = {0, 0, 1, (int)n, 0, (int)n - 2, 1, 1.0};
    cc_schedule *s = NULL;
    assert_int_equal(cc_schedule_solve(&s, NULL, req, NULL, n, &big, 1), CC_EINVAL);
    assert_null(s);
    assert_non_null(strstr(cc_error_last(), "cells"));
    if (have_cbc()) {
        const cc_shift_template small = {0, 0, 1, 100, 50, 60, 1, 1.0};
        assert_int_equal(cc_schedule_solve(&s, NULL, req, NULL, n, &small, 1), CC_OK);
        assert_int_equal(cc_schedule_agents(s), 1);
        cc_schedule_free(s);
    }
    free(req);
}

/* Solves from several threads at once all succeed, with the schedule a lone solve finds:
 * CBC keeps state in globals, and overlapping solves used to spoil each other (2 of 40
 * reported no schedule within seconds of a 60 s limit). */
#define THREAD_N 64
static int thread_req[THREAD_N];
static cc_shift_template thread_tpl[2];

static void *solve_ten_times(void *arg)
{
    long *agents = arg;
    for (int i = 0; i < 10; i++) {
        cc_schedule *s = NULL;
        if (cc_schedule_solve(&s, NULL, thread_req, NULL, THREAD_N, thread_tpl, 2) != CC_OK)
            return (void *)1;
        agents[i] = cc_schedule_agents(s);
        cc_schedule_free(s);
    }
    return NULL;
}

static void test_solves_from_several_threads(void **state)
{
    (void)state;
    if (!have_cbc()) skip();
    for (int i = 0; i < THREAD_N; i++)
        thread_req[i] = 20 + (int)(15 * sin(3 * M_PI * i / (THREAD_N - 1))) + (i * 7) % 5;
    thread_tpl[0] = (cc_shift_template){0, THREAD_N - 16, 1, 16, 6, 10, 1, 16.0};
    thread_tpl[1] = (cc_shift_template){0, THREAD_N - 8, 1, 8, 0, 0, 0, 8.8};
    long alone[10], agents[4][10];
    assert_null(solve_ten_times(alone));
    pthread_t th[4];
    for (int t = 0; t < 4; t++) assert_int_equal(pthread_create(&th[t], NULL, solve_ten_times, agents[t]), 0);
    for (int t = 0; t < 4; t++) {
        void *failed = (void *)1;
        assert_int_equal(pthread_join(th[t], &failed), 0);
        assert_null(failed);
        for (int i = 0; i < 10; i++) assert_int_equal(agents[t][i], alone[0]);
    }
}

/* A service-level threshold that is not finite in AHT units is refused: target_s = inf, or
 * 1e10 s over an AHT of 1e-300 s, was accepted and gave a NaN service level in every
 * interval (the docs promise none is NaN). Checked before CBC, so without it too. */
static void test_service_level_options_finite(void **state)
{
    (void)state;
    const int req[4] = {1, 1, 1, 1};
    const double traffic[4] = {0.5, 0.5, 0.5, 0.5};
    const cc_shift_template day = {0, 0, 1, 4, 0, 0, 0, 1.0};
    cc_schedule_options o = CC_SCHEDULE_OPTIONS_INIT;
    cc_schedule *s = NULL;
    o.target_s = INFINITY;
    assert_int_equal(cc_schedule_solve(&s, &o, req, traffic, 4, &day, 1), CC_EINVAL);
    assert_null(s);
    assert_non_null(strstr(cc_error_last(), "finite"));
    o.target_s = 1e10;
    o.aht_s = 1e-300;
    assert_int_equal(cc_schedule_solve(&s, &o, req, traffic, 4, &day, 1), CC_EINVAL);
    o.target_s = 20.0;
    o.aht_s = INFINITY;
    assert_int_equal(cc_schedule_solve(&s, &o, req, traffic, 4, &day, 1), CC_EINVAL);
    assert_null(s);
}

/* CLP asserts that every objective coefficient is below 1e25: a larger shift cost or
 * under_cost aborted the process instead of returning CC_EINVAL. */
static void test_costs_beyond_solver_range(void **state)
{
    (void)state;
    const int req[4] = {1, 1, 1, 1};
    cc_shift_template day = {0, 0, 1, 4, 0, 0, 0, 1e25};
    cc_schedule *s = NULL;
    assert_int_equal(cc_schedule_solve(&s, NULL, req, NULL, 4, &day, 1), CC_EINVAL);
    assert_null(s);
    assert_non_null(strstr(cc_error_last(), "cost"));
    day.cost = 1.0;
    cc_schedule_options o = CC_SCHEDULE_OPTIONS_INIT;
    o.under_cost = 1e308;
    assert_int_equal(cc_schedule_solve(&s, &o, req, NULL, 4, &day, 1), CC_EINVAL);
    assert_null(s);
    assert_non_null(strstr(cc_error_last(), "under_cost"));
}

static int schedule_scenario(void *ctx)
{
    (void)ctx;
    const int req[8] = {1, 1, 2, 2, 2, 2, 1, 1};
    const double traffic[8] = {0.2, 0.2, 0.5, 0.5, 0.5, 0.5, 0.2, 0.2};
    const cc_shift_template t = {0, 4, 1, 4, 1, 2, 1, 4.0};
    cc_schedule *s = NULL;
    cc_status st = cc_schedule_solve(&s, NULL, req, traffic, 8, &t, 1);
    cc_schedule_free(s);
    return st == CC_OK || st == CC_ENOMEM ? 0 : 1;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    if (!have_cbc()) skip();
    assert_true(cc_test_alloc_sweep(schedule_scenario, NULL) > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_solved_optimum),
        cmocka_unit_test(test_breaks_and_cheaper_shift),
        cmocka_unit_test(test_uncoverable_interval),
        cmocka_unit_test(test_day_from_staffing),
        cmocka_unit_test(test_forecast_staff_schedule_flow),
        cmocka_unit_test(test_large_requirements),
        cmocka_unit_test(test_nothing_to_schedule),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_start_step_beyond_int),
        cmocka_unit_test(test_break_beyond_int),
        cmocka_unit_test(test_program_cells_are_bounded),
        cmocka_unit_test(test_solves_from_several_threads),
        cmocka_unit_test(test_service_level_options_finite),
        cmocka_unit_test(test_costs_beyond_solver_range),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
