/*
 * tests/unit/test_staffing.c - staffing solvers against ../shared/data/wfm/staffing_*.csv
 * (every row), published calculator examples, minimality, plans and invalid input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "callcore/erlang.h"
#include "callcore/staffing.h"
#include "wfm_csv.h"

#include <math.h>
#include <string.h>

static int load_or_skip(wfm_csv *t, const char *file)
{
    char buf[1024];
    const char *path = wfm_data_path(buf, sizeof buf, file);
    if (!path) {
        print_message("# CALLCORE_DATA not set or %s absent: skipping\n", file);
        return -1;
    }
    assert_int_equal(wfm_csv_load(t, path), 0);
    return 0;
}

static void assert_rel(double got, double want, double tol)
{
    if (!(wfm_rel_err(got, want) <= tol)) fail_msg("got %.17g want %.17g", got, want);
}

static void test_staffing_c_reference(void **state)
{
    (void)state;
    wfm_csv t;
    if (load_or_skip(&t, "wfm/staffing_c.csv")) skip();
    for (int r = 0; r < t.nrows; r++) {
        cc_staffing_options o = CC_STAFFING_OPTIONS_INIT;
        o.target_sl = wfm_csv_num(&t, r, "SL_target");
        o.target_s = wfm_csv_num(&t, r, "T_s");
        cc_staffing_result res;
        assert_int_equal(cc_staffing_solve(&res, &o, wfm_csv_num(&t, r, "calls_per_interval"),
                                           wfm_csv_num(&t, r, "interval_s"),
                                           wfm_csv_num(&t, r, "AHT_s")),
                         CC_OK);
        assert_int_equal(res.agents, (int)wfm_csv_num(&t, r, "min_agents"));
        assert_int_equal(res.scheduled_agents, res.agents);
        assert_rel(res.traffic, wfm_csv_num(&t, r, "A_erlangs"), 1e-15);
        assert_rel(res.p_wait, wfm_csv_num(&t, r, "C_Pwait"), 1e-12);
        assert_rel(res.service_level, wfm_csv_num(&t, r, "SL_achieved"), 1e-12);
        assert_rel(res.asa_s, wfm_csv_num(&t, r, "ASA_s"), 1e-12);
        assert_rel(res.occupancy, wfm_csv_num(&t, r, "occupancy"), 1e-14);
        /* Minimal: one agent fewer misses the target. */
        double a = res.traffic, aht = wfm_csv_num(&t, r, "AHT_s");
        if (res.agents - 1 > a)
            assert_true(cc_erlang_c_service_level(res.agents - 1, a, o.target_s / aht) <
                        o.target_sl);
        assert_int_equal(cc_staffing_agents_for_sl(a, aht, o.target_sl, o.target_s), res.agents);
    }
    wfm_csv_free(&t);
}

static void test_staffing_a_reference(void **state)
{
    (void)state;
    wfm_csv t;
    if (load_or_skip(&t, "wfm/staffing_a.csv")) skip();
    for (int r = 0; r < t.nrows; r++) {
        double a = wfm_csv_num(&t, r, "A_erlangs");
        cc_staffing_options o = CC_STAFFING_OPTIONS_INIT;
        o.target_sl = wfm_csv_num(&t, r, "SL_target");
        o.target_s = 20.0;
        o.patience_s = wfm_csv_num(&t, r, "patience_over_AHT") * 180.0;
        cc_staffing_result res;
        assert_int_equal(cc_staffing_solve(&res, &o, a * 10.0, 1800.0, 180.0), CC_OK);
        assert_int_equal(res.agents, (int)wfm_csv_num(&t, r, "min_agents"));
        assert_rel(res.service_level, wfm_csv_num(&t, r, "SL_answered_over_offered"), 1e-12);
        assert_rel(res.p_abandon, wfm_csv_num(&t, r, "P_abandon"), 1e-12);
        assert_rel(res.p_wait, wfm_csv_num(&t, r, "P_wait"), 1e-12);
        assert_rel(res.occupancy, wfm_csv_num(&t, r, "occupancy"), 1e-12);
    }
    wfm_csv_free(&t);
}

/* PyPI call-center-tools README: 1000 calls/h, AHT 120 s, 80% in 20 s, occupancy <= 85%,
 * shrinkage 30% -> 40 agents, 58 scheduled; 38 without the occupancy cap. */
static void test_published_occupancy_and_shrinkage(void **state)
{
    (void)state;
    cc_staffing_options o = CC_STAFFING_OPTIONS_INIT;
    o.target_sl = 0.8;
    o.target_s = 20.0;
    o.max_occupancy = 0.85;
    o.shrinkage = 0.3;
    cc_staffing_result r;
    assert_int_equal(cc_staffing_solve(&r, &o, 1000.0, 3600.0, 120.0), CC_OK);
    assert_int_equal(r.agents, 40);
    assert_int_equal(r.scheduled_agents, 58);
    assert_rel(r.service_level, 0.9372106214887137256924809, 1e-12);
    o.max_occupancy = 0.0;
    o.shrinkage = 0.0;
    assert_int_equal(cc_staffing_solve(&r, &o, 1000.0, 3600.0, 120.0), CC_OK);
    assert_int_equal(r.agents, 38);
    /* pyworkforce: A = 10, T = 19.8 s, max occupancy 0.7 -> 15 agents. */
    o.max_occupancy = 0.7;
    o.target_s = 19.8;
    assert_int_equal(cc_staffing_solve(&r, &o, 100.0, 1800.0, 180.0), CC_OK);
    assert_int_equal(r.agents, 15);
    assert_rel(r.service_level, 0.9411266757039652883715031, 1e-12);
}

static void test_asa_and_abandon_targets_are_minimal(void **state)
{
    (void)state;
    cc_staffing_options o = CC_STAFFING_OPTIONS_INIT;
    o.goal = CC_STAFFING_ASA;
    o.target_asa_s = 15.0;
    cc_staffing_result r;
    assert_int_equal(cc_staffing_solve(&r, &o, 2000.0, 1800.0, 240.0), CC_OK);
    double a = 2000.0 * 240.0 / 1800.0;
    assert_true(r.asa_s <= 15.0);
    assert_true(cc_erlang_c_asa(r.agents - 1, a) * 240.0 > 15.0);

    o = (cc_staffing_options)CC_STAFFING_OPTIONS_INIT;
    o.goal = CC_STAFFING_ABANDON;
    o.target_abandon = 0.10;
    o.patience_s = 60.0;
    /* Impatient callers: the minimum (93) is below the offered load of 100 Erlangs. */
    assert_int_equal(cc_staffing_solve(&r, &o, 1000.0, 1800.0, 180.0), CC_OK);
    assert_int_equal(r.agents, 93);
    assert_true(r.p_abandon <= 0.10);
    assert_true(cc_erlang_a_p_abandon(r.agents - 1, 100.0, 60.0 / 180.0) > 0.10);

    /* Large load: 10,000 Erlangs, still exact and minimal. */
    o = (cc_staffing_options)CC_STAFFING_OPTIONS_INIT;
    assert_int_equal(cc_staffing_solve(&r, &o, 100000.0, 1800.0, 180.0), CC_OK);
    assert_int_equal(r.agents, 10013);
}

static void test_plan(void **state)
{
    (void)state;
    const double calls[] = {0.0, 10.0, 100.0, 1000.0};
    const double aht[] = {180.0, 180.0, 180.0, 180.0};
    cc_staffing_result out[4];
    assert_int_equal(cc_staffing_plan(out, NULL, calls, aht, 0.0, 4, 1800.0), CC_OK);
    assert_int_equal(out[0].agents, 0);
    assert_rel(out[0].service_level, 1.0, 0);
    assert_int_equal(out[1].agents, 3);
    assert_int_equal(out[2].agents, 14);
    assert_int_equal(out[3].agents, 107);
    const double bad[] = {10.0, -1.0, 5.0};
    assert_int_equal(cc_staffing_plan(out, NULL, bad, NULL, 180.0, 3, 1800.0), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "interval 1"));
    assert_int_equal(out[0].agents, 3);
    assert_int_equal(out[2].agents, -1);
}

static void test_invalid(void **state)
{
    (void)state;
    cc_staffing_result r;
    cc_staffing_options o = CC_STAFFING_OPTIONS_INIT;
    assert_int_equal(cc_staffing_solve(&r, &o, 100.0, 1800.0, 0.0), CC_EINVAL);
    assert_int_equal(r.agents, -1);
    assert_non_null(strstr(cc_error_last(), "AHT"));
    o.target_sl = 1.0;
    assert_int_equal(cc_staffing_solve(&r, &o, 100.0, 1800.0, 180.0), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "service-level target"));
    o = (cc_staffing_options)CC_STAFFING_OPTIONS_INIT;
    o.goal = CC_STAFFING_ABANDON;
    o.target_abandon = 0.05;
    assert_int_equal(cc_staffing_solve(&r, &o, 100.0, 1800.0, 180.0), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "patience"));
    o = (cc_staffing_options)CC_STAFFING_OPTIONS_INIT;
    o.version = 99;
    assert_int_equal(cc_staffing_solve(&r, &o, 100.0, 1800.0, 180.0), CC_EVERSION);
    assert_int_equal(cc_staffing_solve(NULL, NULL, 100.0, 1800.0, 180.0), CC_EINVAL);
    assert_int_equal(cc_staffing_solve(&r, NULL, -3.0, 1800.0, 180.0), CC_EINVAL);
    assert_int_equal(cc_staffing_solve(&r, NULL, 3.0, 0.0, 180.0), CC_EINVAL);
    assert_int_equal(cc_staffing_agents_for_sl(-1.0, 180.0, 0.8, 20.0), -1);
    assert_int_equal(cc_staffing_agents_for_sl(10.0, 180.0, 0.0, 20.0), -1);
    o = (cc_staffing_options)CC_STAFFING_OPTIONS_INIT;
    o.shrinkage = 1.0;
    assert_int_equal(cc_staffing_solve(&r, &o, 100.0, 1800.0, 180.0), CC_EINVAL);
    /* An options struct layout change must bump the version. */
    assert_int_equal(sizeof(cc_staffing_options), 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_staffing_c_reference),
        cmocka_unit_test(test_staffing_a_reference),
        cmocka_unit_test(test_published_occupancy_and_shrinkage),
        cmocka_unit_test(test_asa_and_abandon_targets_are_minimal),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
