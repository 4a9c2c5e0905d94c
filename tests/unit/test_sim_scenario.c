/*
 * tests/unit/test_sim_scenario.c - the JSON reader and the scenario format
 * (docs/sim.md): what a scenario file says is what the simulator gets, and a
 * bad file gives an error that names the member, never a crash or a default.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/json_read.h"
#include "sim/scenario.h"
#include "support/alloc_fail.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON reader ---------------------------------------------------------- */

static cc__jv *parse_ok(const char *text)
{
    cc__jv *v = NULL;
    assert_int_equal(cc__json_parse(text, strlen(text), &v), CC_OK);
    assert_non_null(v);
    return v;
}

static void test_json_values(void **state)
{
    (void)state;
    cc__jv *v = parse_ok(" {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"],"
                         " \"b\": {}, \"a2\": []} ");
    assert_int_equal(v->type, CC__JV_OBJECT);
    const cc__jv *a = cc__jv_get(v, "a");
    assert_non_null(a);
    assert_int_equal(a->length, 6);
    assert_true(a->items[0].number == 1);
    assert_true(a->items[1].number == -2500);
    assert_int_equal(a->items[2].boolean, 1);
    assert_int_equal(a->items[3].type, CC__JV_BOOL);
    assert_int_equal(a->items[4].type, CC__JV_NULL);
    assert_string_equal(a->items[5].string, "x\xc3\xa9\xf0\x9f\x98\x80\n");
    assert_int_equal(cc__jv_get(v, "b")->type, CC__JV_OBJECT);
    assert_null(cc__jv_get(v, "zz"));
    assert_null(cc__jv_get(a, "a"));
    cc__jv_free(v);
}

static void test_json_duplicate_key_last_wins_and_lines(void **state)
{
    (void)state;
    cc__jv *v = parse_ok("{\"k\": 1,\n\n \"k\": 2}");
    assert_true(cc__jv_get(v, "k")->number == 2);
    assert_int_equal(cc__jv_get(v, "k")->line, 3);
    cc__jv_free(v);
}

static void test_json_errors_name_line_and_column(void **state)
{
    (void)state;
    static const char *bad[] = {
        "", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "1e", "tru", "nul",
        "\"abc", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\nb\"", "[1] 2", "{1: 2}",
        "1e400", "[\"\\u12G4\"]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cc__jv *v = (cc__jv *)1;
        cc_status st = cc__json_parse(bad[i], strlen(bad[i]), &v);
        if (st != CC_EPARSE) fail_msg("'%s' gave %d", bad[i], st);
        assert_null(v);
        assert_non_null(strstr(cc_error_last(), "line "));
    }
    cc__jv *v;
    assert_int_equal(cc__json_parse("{\n  \"a\": [1,\n  2 x]}", 19, &v), CC_EPARSE);
    assert_non_null(strstr(cc_error_last(), "line 3, column 5"));
}

static void test_json_depth_is_bounded(void **state)
{
    (void)state;
    char deep[400];
    memset(deep, '[', sizeof deep);
    cc__jv *v;
    assert_int_equal(cc__json_parse(deep, sizeof deep, &v), CC_EPARSE);
    assert_non_null(strstr(cc_error_last(), "too deep"));
    /* the limit itself is accepted */
    char ok[2 * CC__JSON_READ_MAX_DEPTH];
    memset(ok, '[', CC__JSON_READ_MAX_DEPTH);
    memset(ok + CC__JSON_READ_MAX_DEPTH, ']', CC__JSON_READ_MAX_DEPTH);
    assert_int_equal(cc__json_parse(ok, sizeof ok, &v), CC_OK);
    cc__jv_free(v);
}

static const char *sweep_text;

static int json_sweep(void *ctx)
{
    (void)ctx;
    cc__jv *v;
    cc_status st = cc__json_parse(sweep_text, strlen(sweep_text), &v);
    if (st == CC_OK) cc__jv_free(v);
    return st == CC_OK || st == CC_ENOMEM ? 0 : 1;
}

static void test_json_allocation_failures(void **state)
{
    (void)state;
    sweep_text = "{\"a\": [1, {\"b\": \"text\"}, [2, 3]], \"c\": \"\\u00e9\"}";
    assert_true(cc_test_alloc_sweep(json_sweep, NULL) > 5);
}

/* ---- scenario -------------------------------------------------------------- */

static const char full_scenario[] =
    "{\"version\": 1, \"name\": \"two queues\", \"seed\": 7, \"interval_min\": 30,\n"
    " \"sl_threshold_s\": 30,\n"
    " \"queues\": [{\"name\": \"sales\", \"strategy\": \"longest-idle\", \"wrapup_s\": 5},\n"
    "            {\"name\": \"vip\", \"max_wait_s\": 60, \"on_max_wait\": \"overflow\",\n"
    "             \"overflow_to\": \"sales\", \"skills\": {\"french\": 3}}],\n"
    " \"agents\": [{\"name\": \"a\", \"count\": 12, \"queues\": [\"sales\", {\"queue\": \"vip\", \"tier\": 2}],\n"
    "             \"skills\": {\"french\": 5}, \"capacity\": {\"voice\": 1, \"chat\": 3},\n"
    "             \"no_answer_p\": 0.05, \"ring_delay_s\": {\"dist\": \"uniform\", \"min\": 1, \"max\": 5},\n"
    "             \"shift\": {\"start_h\": 0, \"end_h\": 2}, \"breaks\": [{\"start_h\": 1, \"minutes\": 15}]}],\n"
    " \"arrivals\": [{\"queue\": \"sales\", \"calls_per_interval\": [50, 100, 75, 25],\n"
    "               \"handle_s\": {\"dist\": \"lognormal\", \"mean\": 240, \"sd\": 120},\n"
    "               \"patience_s\": {\"dist\": \"exponential\", \"mean\": 120},\n"
    "               \"callback\": {\"p\": 0.3, \"after_s\": 45}},\n"
    "              {\"queue\": \"vip\", \"channel\": \"chat\", \"calls_per_hour\": 20, \"priority\": 5,\n"
    "               \"handle_s\": 300, \"customers\": 100,\n"
    "               \"wrapup_s\": {\"dist\": \"empirical\", \"samples\": [5, 10, 20]}}]}\n";

static void test_scenario_full_document(void **state)
{
    (void)state;
    cc__scenario sc;
    assert_int_equal(cc__scenario_parse(&sc, full_scenario, strlen(full_scenario), NULL), CC_OK);
    assert_string_equal(sc.name, "two queues");
    assert_true(sc.seed == 7);
    assert_true(sc.interval_s == 1800);
    assert_true(sc.horizon_s == 4 * 1800); /* longest rate array */
    assert_true(sc.sl_threshold_s == 30);
    assert_int_equal(sc.nqueues, 2);
    assert_true(sc.queues[0].wrapup_s == 5);
    assert_true(sc.queues[0].sl_threshold_s == 30); /* inherited */
    assert_string_equal(sc.queues[1].overflow_to, "sales");
    assert_int_equal(sc.queues[1].nskills, 1);
    assert_int_equal(sc.ngroups, 1);
    const cc__sim_group_spec *g = &sc.groups[0];
    assert_int_equal(g->count, 12);
    assert_int_equal(g->nmembers, 2);
    assert_int_equal(g->members[1].tier, 2);
    assert_int_equal(g->capacity[CC_CHANNEL_CHAT], 3);
    assert_true(g->no_answer_p == 0.05);
    assert_int_equal(g->ring_delay_s.kind, CC__DIST_UNIFORM);
    assert_true(g->shift_end_s == 7200);
    assert_int_equal(g->nbreaks, 1);
    assert_true(g->breaks[0].start_s == 3600 && g->breaks[0].length_s == 900);
    assert_int_equal(sc.nstreams, 2);
    /* calls per interval are turned into calls per hour */
    assert_true(sc.streams[0].rates_per_hour[1] == 200);
    assert_int_equal(sc.streams[0].handle_s.kind, CC__DIST_LOGNORMAL);
    assert_true(sc.streams[0].callback_p == 0.3);
    assert_true(sc.streams[0].callback_answer_p == 1.0);
    /* a single rate fills the horizon */
    assert_int_equal(sc.streams[1].nrates, 4);
    assert_true(sc.streams[1].rates_per_hour[3] == 20);
    assert_int_equal(sc.streams[1].channel, CC_CHANNEL_CHAT);
    assert_int_equal(sc.streams[1].handle_s.kind, CC__DIST_FIXED);
    assert_int_equal(sc.streams[1].patience_s.kind, CC__DIST_NONE);
    assert_int_equal(sc.streams[1].wrapup_s.kind, CC__DIST_EMPIRICAL);
    assert_int_equal(cc__scenario_agents(&sc), 12);
    cc__scenario_clear(&sc);
}

static void expect_error(const char *doc, cc_status want, const char *needle)
{
    cc__scenario sc;
    cc_status st = cc__scenario_parse(&sc, doc, strlen(doc), NULL);
    if (st != want) fail_msg("expected %d, got %d (%s) for %s", want, st, cc_error_last(), doc);
    if (!strstr(cc_error_last(), needle))
        fail_msg("message '%s' lacks '%s'", cc_error_last(), needle);
    assert_null(sc.queues);
}

#define Q "\"queues\": [{\"name\": \"q\"}]"
#define A "\"agents\": [{\"name\": \"a\", \"queues\": [\"q\"]}]"
#define R "\"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": 10}]"

static void test_scenario_errors_name_the_member(void **state)
{
    (void)state;
    expect_error("{" Q ", " A ", " R ", \"hours\": 1, \"typo\": 1}", CC_EINVAL, "'typo'");
    expect_error("{" Q ", " A ", " R "}", CC_EINVAL, "'hours' is required");
    expect_error("{\"version\": 2, " Q ", " A ", " R ", \"hours\": 1}", CC_EVERSION, "version 2");
    expect_error("{" Q ", " A ", \"hours\": 1}", CC_EINVAL, "'arrivals'");
    expect_error("{" Q ", " A ", \"hours\": 1, \"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": 10,"
                 " \"handle_s\": {\"dist\": \"lognormal\", \"mean\": 5}}]}",
                 CC_EINVAL, "arrivals[0].handle_s");
    expect_error("{" Q ", " A ", \"hours\": 1, \"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": -1}]}",
                 CC_EINVAL, "arrivals[0]");
    expect_error("{" Q ", " A ", \"hours\": 1, \"arrivals\": [{\"queue\": \"nope\", \"calls_per_hour\": 1}]}",
                 CC_EINVAL, "unknown queue 'nope'");
    expect_error("{" Q ", \"agents\": [{\"name\": \"a\", \"queues\": [\"x\"]}], " R ", \"hours\": 1}",
                 CC_EINVAL, "unknown queue 'x'");
    expect_error("{" Q ", \"agents\": [{\"name\": \"a\", \"queues\": [\"q\"], \"skills\": {\"s\": 11}}], " R
                 ", \"hours\": 1}",
                 CC_EINVAL, "agents[0].skills.s");
    expect_error("{" Q ", \"agents\": [{\"name\": \"a\", \"queues\": [\"q\"], \"shift\": {\"start_h\": 0, "
                 "\"end_h\": 4}, \"breaks\": [{\"start_h\": 3.9, \"minutes\": 30}]}], " R ", \"hours\": 4}",
                 CC_EINVAL, "breaks[0]");
    expect_error("{" Q ", \"agents\": [{\"name\": \"a\", \"queues\": [\"q\"], \"capacity\": {\"fax\": 1}}], " R
                 ", \"hours\": 1}",
                 CC_EINVAL, "unknown channel 'fax'");
    expect_error("{\"queues\": [{\"name\": \"q\"}, {\"name\": \"q\"}], " A ", " R ", \"hours\": 1}", CC_EINVAL,
                 "defined twice");
    expect_error("{" Q ", " A ", " R ", \"hours\": 1, \"seed\": 1.5}", CC_EINVAL, "whole number");
    expect_error("[1, 2]", CC_EINVAL, "must be an object");
    /* a member given twice is refused (JSON would keep the last silently) */
    expect_error("{" Q ", " A ", " R ",\n \"hours\": 1,\n \"hours\": 2}", CC_EINVAL,
                 "member 'hours' appears twice (lines 2 and 3)");
    expect_error("{" Q ", \"agents\": [{\"name\": \"a\", \"queues\": [\"q\"],"
                 " \"skills\": {\"en\": 1, \"en\": 9}}], " R ", \"hours\": 1}",
                 CC_EINVAL, "member 'en' appears twice");
    /* limits and values are printed exactly, not as 1e+06 (which looks in range) */
    expect_error("{" Q ", \"agents\": [{\"name\": \"a\", \"count\": 1000001, \"queues\": [\"q\"]}], " R
                 ", \"hours\": 1}",
                 CC_EINVAL, "count must be in [0, 1000000], got 1000001");
    expect_error("{" Q ", " A ", " R ", \"hours\": 1, \"seed\": 9007199254740993.5}", CC_EINVAL,
                 "got 9007199254740994");
    expect_error("{" Q ", " A ", " R ", \"hours\": 1, \"interval_min\": 0.1}", CC_EINVAL,
                 "interval_min must be in [1, 1440], got 0.1 ");
    expect_error("{\"queues\": [{\"name\": \"q\", \"max_wait_s\": 60, \"on_max_wait\": \"overflow\","
                 " \"overflow_to\": \"q\"}], " A ", " R ", \"hours\": 1}",
                 CC_EINVAL, "queue 'q' cannot overflow to itself");
    expect_error("{" Q ", " A ", \"hours\": 8000, \"arrivals\": [{\"queue\": \"q\","
                 " \"calls_per_hour\": 1e6}]}",
                 CC_EINVAL, "contacts expected");
    expect_error("{" Q ", \"agents\": [{\"name\": \"a\", \"count\": 2000000, \"queues\": [\"q\"]}], " R
                 ", \"hours\": 1}",
                 CC_EINVAL, "agents[0].count");
    expect_error("{\"queues\": [}", CC_EPARSE, "line 1");
    expect_error("{" Q ", " A ", \"hours\": 1, \"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": 1,"
                 " \"handle_s\": {\"dist\": \"empirical\", \"file\": \"/nonexistent/x.csv\"}}]}",
                 CC_EIO, "cannot open");
}

static void test_scenario_empirical_from_file(void **state)
{
    (void)state;
    char path[] = "/tmp/cc_sim_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("id,handle\n1,100\n2,200\n3,x\n4,300\n", f);
    fclose(f);
    char doc[1024];
    snprintf(doc, sizeof doc,
             "{" Q ", " A ", \"hours\": 1, \"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": 1,"
             " \"handle_s\": {\"dist\": \"empirical\", \"file\": \"%s\", \"column\": 1}}]}",
             path);
    cc__scenario sc;
    assert_int_equal(cc__scenario_parse(&sc, doc, strlen(doc), NULL), CC_OK);
    assert_int_equal(sc.streams[0].handle_s.nsamples, 3);
    assert_true(sc.streams[0].handle_s.mean == 200);
    cc__scenario_clear(&sc);
    remove(path);
}

static void test_scenario_rates_from_file(void **state)
{
    (void)state;
    char path[] = "/tmp/cc_sim_rates_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("interval,calls\n0,10\n1,20\n2,0\n", f);
    fclose(f);
    char doc[1024];
    snprintf(doc, sizeof doc,
             "{" Q ", " A ", \"hours\": 1.5, \"arrivals\": [{\"queue\": \"q\","
             " \"calls_per_interval\": {\"file\": \"%s\", \"column\": 1}}]}",
             path);
    cc__scenario sc;
    assert_int_equal(cc__scenario_parse(&sc, doc, strlen(doc), NULL), CC_OK);
    assert_int_equal(sc.streams[0].nrates, 3);
    assert_true(sc.streams[0].rates_per_hour[1] == 40); /* 20 per 30 min */
    cc__scenario_clear(&sc);
    snprintf(doc, sizeof doc,
             "{" Q ", " A ", \"hours\": 1, \"arrivals\": [{\"queue\": \"q\","
             " \"calls_per_hour\": {\"file\": \"%s\", \"colum\": 1}}]}",
             path);
    expect_error(doc, CC_EINVAL, "'colum'");
    remove(path);
}

/* The document's sl_threshold_s takes what the queues take, [0, 86400]:
 * `staff --simulate` and `callcore day` write sub-second thresholds. */
static void test_scenario_sl_threshold_range(void **state)
{
    (void)state;
    static const double ok[] = {0, 0.25, 1e-300, 86400};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char doc[512];
        snprintf(doc, sizeof doc, "{" Q ", " A ", " R ", \"hours\": 1, \"sl_threshold_s\": %.17g}",
                 ok[i]);
        cc__scenario sc;
        if (cc__scenario_parse(&sc, doc, strlen(doc), NULL) != CC_OK)
            fail_msg("%g refused: %s", ok[i], cc_error_last());
        assert_true(sc.sl_threshold_s == ok[i]);
        assert_true(sc.queues[0].sl_threshold_s == ok[i]);
        cc__scenario_clear(&sc);
    }
    expect_error("{" Q ", " A ", " R ", \"hours\": 1, \"sl_threshold_s\": 86401}", CC_EINVAL,
                 "sl_threshold_s must be in [0, 86400]");
    expect_error("{" Q ", " A ", " R ", \"hours\": 1, \"sl_threshold_s\": -0.5}", CC_EINVAL,
                 "sl_threshold_s");
}

/* A horizon shorter than one interval still has that interval's rate: ceil(hours /
 * interval - 1e-9) made it 0 below 1e-9 of an interval, and the scenario was refused with
 * "1..100000 rate intervals needed", a message that does not say what was wrong. */
static void test_scenario_horizon_shorter_than_an_interval(void **state)
{
    (void)state;
    static const double hours[] = {1e-9, 1e-300, 0.1};
    for (size_t i = 0; i < sizeof hours / sizeof hours[0]; i++) {
        char doc[512];
        snprintf(doc, sizeof doc, "{" Q ", " A ", " R ", \"hours\": %.17g}", hours[i]);
        cc__scenario sc;
        if (cc__scenario_parse(&sc, doc, strlen(doc), NULL) != CC_OK)
            fail_msg("hours %g refused: %s", hours[i], cc_error_last());
        assert_int_equal(sc.streams[0].nrates, 1);
        cc__scenario_clear(&sc);
    }
}

/* Writes `text` to a fresh temporary file named into `path`. */
static void write_temp(char *path, const char *text)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

/* One rate per interval: a missing or bad cell after the first number is an
 * error naming the file and line, never skipped (that would shift every later
 * interval); headers before it and blank lines at the end are fine. */
static void test_scenario_rate_file_gaps_are_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *error; /* NULL: accepted */
    } cases[] = {
        {"interval,calls\n0,10\n1,\n2,30\n", "line 3: no number in column 1"},
        {"interval,calls\n0,10\n1,n/a\n2,30\n", "line 3: no number in column 1"},
        {"0,10\n1\n2,30\n", "line 2: no number in column 1"},
        {"0,10\n\n2,30\n", "line 2 is empty"},
        {"# rates\ninterval,calls\n0,10\n1,20\n\n\n", NULL},
        /* a cell is a plain decimal number: junk after it or hex was read as a number
         * (20x as 20, 0x14 as 20); a header that begins like inf or nan is a header */
        {"interval,calls\n0,10\n1,20x\n2,30\n", "line 3: bad number in column 1"},
        {"interval,calls\n0,10\n1,0x14\n", "line 3: bad number in column 1"},
        {"interval,calls\n0,10\n1,-nan\n", "line 3: bad number in column 1"},
        {"interval,information\n0,10\n1,\"20\" \r\n", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[] = "/tmp/cc_sim_rates_XXXXXX";
        write_temp(path, cases[i].text);
        char doc[1024];
        snprintf(doc, sizeof doc,
                 "{" Q ", " A ", \"hours\": 1, \"arrivals\": [{\"queue\": \"q\","
                 " \"calls_per_interval\": {\"file\": \"%s\", \"column\": 1}}]}",
                 path);
        cc__scenario sc;
        cc_status st = cc__scenario_parse(&sc, doc, strlen(doc), NULL);
        if (!cases[i].error) {
            assert_int_equal(st, CC_OK);
            assert_int_equal(sc.streams[0].nrates, 2);
            assert_true(sc.streams[0].rates_per_hour[1] == 40);
            cc__scenario_clear(&sc);
        } else {
            assert_int_equal(st, CC_EINVAL);
            if (!strstr(cc_error_last(), cases[i].error) || !strstr(cc_error_last(), path))
                fail_msg("case %zu: %s", i, cc_error_last());
        }
        remove(path);
    }
    /* A line longer than the read buffer is refused, not cut in two numbers. */
    char path[] = "/tmp/cc_sim_rates_XXXXXX";
    char *text = malloc(10000);
    assert_non_null(text);
    strcpy(text, "0,10\n1,");
    size_t n = strlen(text);
    memset(text + n, '0', 5000);
    strcpy(text + n + 5000, "20\n");
    write_temp(path, text);
    free(text);
    char doc[1024];
    snprintf(doc, sizeof doc,
             "{" Q ", " A ", \"hours\": 1, \"arrivals\": [{\"queue\": \"q\","
             " \"calls_per_interval\": {\"file\": \"%s\", \"column\": 1}}]}",
             path);
    expect_error(doc, CC_EINVAL, "line 2 is longer than");
    remove(path);
}

static int scenario_sweep(void *ctx)
{
    (void)ctx;
    cc__scenario sc;
    cc_status st = cc__scenario_parse(&sc, full_scenario, strlen(full_scenario), NULL);
    cc__scenario_clear(&sc);
    return st == CC_OK || st == CC_ENOMEM ? 0 : 1;
}

static void test_scenario_allocation_failures(void **state)
{
    (void)state;
    assert_true(cc_test_alloc_sweep(scenario_sweep, NULL) > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_values),
        cmocka_unit_test(test_json_duplicate_key_last_wins_and_lines),
        cmocka_unit_test(test_json_errors_name_line_and_column),
        cmocka_unit_test(test_json_depth_is_bounded),
        cmocka_unit_test(test_json_allocation_failures),
        cmocka_unit_test(test_scenario_full_document),
        cmocka_unit_test(test_scenario_errors_name_the_member),
        cmocka_unit_test(test_scenario_empirical_from_file),
        cmocka_unit_test(test_scenario_rates_from_file),
        cmocka_unit_test(test_scenario_rate_file_gaps_are_errors),
        cmocka_unit_test(test_scenario_sl_threshold_range),
        cmocka_unit_test(test_scenario_horizon_shorter_than_an_interval),
        cmocka_unit_test(test_scenario_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
