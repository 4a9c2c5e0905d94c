/*
 * tests/unit/test_sim_run.c - simulation runs: determinism, what each scenario
 * feature does to the events, bad input, allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "callcore/alloc.h"
#include "callcore/sim.h"
#include "support/alloc_fail.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Event statistics gathered through the run's event sink. */
typedef struct tally {
    uint64_t hash; /* FNV-1a over (type, time, contact, agent) of every event */
    uint64_t events, arrived, terminal, connected, abandoned, callbacks_dialed, ring_timeouts;
    uint64_t breaks, logouts, chats_connected, max_busy;
    int64_t last_time;
    int out_of_order;
} tally;

static void tally_mix(tally *t, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) t->hash = (t->hash ^ b[i]) * 0x100000001b3ull;
}

static void tally_sink(const cc_event *ev, void *user_data)
{
    tally *t = user_data;
    t->events++;
    if (ev->time_ms < t->last_time) t->out_of_order = 1;
    t->last_time = ev->time_ms;
    tally_mix(t, &ev->type, sizeof ev->type);
    tally_mix(t, &ev->time_ms, sizeof ev->time_ms);
    tally_mix(t, &ev->contact_id, sizeof ev->contact_id);
    if (ev->agent) tally_mix(t, ev->agent, strlen(ev->agent));
    switch (ev->type) {
    case CC_EVENT_CONTACT_ARRIVED: t->arrived++; break;
    case CC_EVENT_CONTACT_CONNECTED:
        t->connected++;
        if (ev->channel == CC_CHANNEL_CHAT) t->chats_connected++;
        break;
    case CC_EVENT_CONTACT_ABANDONED: t->abandoned++; break;
    case CC_EVENT_CALLBACK_DIALED: t->callbacks_dialed++; break;
    case CC_EVENT_CONTACT_RING_TIMEOUT: t->ring_timeouts++; break;
    case CC_EVENT_AGENT_STATE:
        if (ev->agent_state == CC_AGENT_NOT_READY && ev->reason && strcmp(ev->reason, "break") == 0)
            t->breaks++;
        break;
    case CC_EVENT_AGENT_LOGOUT: t->logouts++; break;
    default: break;
    }
    if (cc_event_is_terminal(ev->type)) t->terminal++;
}

static void run_doc_flags(const char *doc, uint64_t seed, uint32_t flags, tally *t,
                          char **json);

static void run_doc(const char *doc, uint64_t seed, tally *t, char **json)
{
    run_doc_flags(doc, seed, 0, t, json);
}

static void run_doc_flags(const char *doc, uint64_t seed, uint32_t flags, tally *t, char **json)
{
    cc_sim_scenario *sc;
    cc_status st = cc_sim_scenario_parse(&sc, doc, strlen(doc), NULL);
    if (st) fail_msg("scenario: %s", cc_error_last());
    memset(t, 0, sizeof *t);
    t->hash = 0xcbf29ce484222325ull;
    t->last_time = INT64_MIN;
    cc_sim_options o = CC_SIM_OPTIONS_INIT;
    o.seed = seed;
    o.flags = flags;
    o.event_fn = tally_sink;
    o.event_user_data = t;
    cc_sim *run;
    assert_int_equal(cc_sim_new(&run, sc, &o), CC_OK);
    assert_int_equal(cc_sim_run(run), CC_OK);
    assert_int_equal(cc_sim_run(run), CC_ESTATE); /* a run runs once */
    if (json) assert_int_equal(cc_sim_report_json(run, CC_KPI_JSON_FULL, json), CC_OK);
    cc_sim_stats s = CC_SIM_STATS_INIT;
    assert_int_equal(cc_sim_get_stats(run, &s), CC_OK);
    assert_true(s.arrivals == t->arrived);
    assert_true(s.finished == t->terminal);
    assert_true(s.engine_events == t->events);
    cc_sim_free(run);
    cc_sim_scenario_free(sc);
}

static const char *const multiskill =
    "{\"version\": 1, \"seed\": 5, \"interval_min\": 30, \"drain_h\": 1,\n"
    " \"queues\": [{\"name\": \"sales\", \"wrapup_s\": 5},\n"
    "            {\"name\": \"fr\", \"skills\": {\"french\": 3}, \"max_wait_s\": 120,\n"
    "             \"on_max_wait\": \"overflow\", \"overflow_to\": \"sales\"},\n"
    "            {\"name\": \"chat\"}],\n"
    " \"agents\": [{\"name\": \"s\", \"count\": 6, \"queues\": [\"sales\"], \"no_answer_p\": 0.1,\n"
    "             \"ring_delay_s\": {\"dist\": \"uniform\", \"min\": 1, \"max\": 3},\n"
    "             \"shift\": {\"start_h\": 0, \"end_h\": 2}, \"breaks\": [{\"start_h\": 1, \"minutes\": 10}]},\n"
    "            {\"name\": \"f\", \"count\": 3, \"skills\": {\"french\": 5}, \"queues\": [\"fr\", \"sales\"]},\n"
    "            {\"name\": \"c\", \"count\": 2, \"queues\": [\"chat\"], \"capacity\": {\"chat\": 3}}],\n"
    " \"arrivals\": [{\"queue\": \"sales\", \"calls_per_interval\": [60, 90, 90, 60],\n"
    "               \"handle_s\": {\"dist\": \"lognormal\", \"mean\": 150, \"sd\": 80},\n"
    "               \"patience_s\": {\"dist\": \"exponential\", \"mean\": 90},\n"
    "               \"callback\": {\"p\": 0.5, \"after_s\": 30, \"answer_p\": 0.8}, \"customers\": 300},\n"
    "              {\"queue\": \"fr\", \"calls_per_hour\": 40, \"priority\": 1, \"handle_s\": 200,\n"
    "               \"wrapup_s\": {\"dist\": \"empirical\", \"samples\": [5, 10, 20]}},\n"
    "              {\"queue\": \"chat\", \"channel\": \"chat\", \"calls_per_hour\": 60, \"handle_s\": 400}]}\n";

static void test_same_seed_same_events_and_report(void **state)
{
    (void)state;
    tally a, b, c;
    char *ja, *jb, *jc;
    run_doc(multiskill, 0, &a, &ja);
    run_doc(multiskill, 0, &b, &jb);
    run_doc(multiskill, 6, &c, &jc);
    assert_true(a.events > 1000);
    assert_true(a.hash == b.hash);
    assert_string_equal(ja, jb);
    assert_true(a.hash != c.hash);
    assert_true(strcmp(ja, jc) != 0);
    /* seed 0 means the scenario's seed (5): same as asking for 5 */
    run_doc(multiskill, 5, &c, NULL);
    assert_true(c.hash == a.hash);
    /* ... unless CC_SIM_SEED_GIVEN says 0 is the seed */
    tally z;
    run_doc_flags(multiskill, 0, CC_SIM_SEED_GIVEN, &z, NULL);
    assert_true(z.events > 1000);
    assert_true(z.hash != a.hash);
    tally z2;
    run_doc_flags(multiskill, 0, CC_SIM_SEED_GIVEN, &z2, NULL);
    assert_true(z2.hash == z.hash);
    cc_free(ja);
    cc_free(jb);
    cc_free(jc);
}

static void test_scenario_features_show_in_the_events(void **state)
{
    (void)state;
    tally t;
    char *json;
    run_doc(multiskill, 0, &t, &json);
    assert_int_equal(t.out_of_order, 0);
    /* every contact ends exactly once, none is left when the drain allows */
    assert_true(t.terminal == t.arrived);
    assert_true(t.abandoned > 0);
    assert_true(t.callbacks_dialed > 0);
    assert_true(t.ring_timeouts > 0);     /* no_answer_p 0.1 */
    assert_true(t.breaks == 6);           /* one break per sales agent */
    assert_true(t.logouts >= 6);          /* the sales shift ends at 2 h */
    assert_true(t.chats_connected > 0);
    assert_non_null(strstr(json, "\"overflowed\""));
    cc_free(json);
}

/* Which contacts switched to a callback, and which of them abandoned. */
typedef struct callback_tally {
    uint64_t callback_ids[64];
    size_t ncallbacks;
    uint64_t abandoned, abandoned_after_callback;
} callback_tally;

static void callback_sink(const cc_event *ev, void *user_data)
{
    callback_tally *t = user_data;
    if (ev->type == CC_EVENT_CALLBACK_SCHEDULED && t->ncallbacks < 64)
        t->callback_ids[t->ncallbacks++] = ev->contact_id;
    if (ev->type == CC_EVENT_CONTACT_ABANDONED) {
        t->abandoned++;
        for (size_t i = 0; i < t->ncallbacks; i++)
            if (t->callback_ids[i] == ev->contact_id) t->abandoned_after_callback++;
    }
}

/* docs/sim.md: a customer still waiting (or ringing) when patience runs out
 * abandons; the callback replaces that only if it is granted first. Here the
 * only agent rings out every offer and stays away two hours, so the first
 * customer's callback request comes while the phone rings (the engine refuses
 * it): that customer must still abandon at 60 s, not wait forever. */
static void test_refused_callback_request_still_abandons(void **state)
{
    (void)state;
    const char *doc = "{\"seed\": 3, \"hours\": 4, \"drain_h\": 1,"
                      " \"queues\": [{\"name\": \"q\", \"ring_timeout_s\": 15}],"
                      " \"agents\": [{\"name\": \"a\", \"queues\": [\"q\"],"
                      " \"no_answer_p\": 1, \"rona_ready_s\": 7200}],"
                      " \"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": 3,"
                      " \"patience_s\": 60, \"callback\": {\"p\": 1, \"after_s\": 5}}]}";
    cc_sim_scenario *sc;
    assert_int_equal(cc_sim_scenario_parse(&sc, doc, strlen(doc), NULL), CC_OK);
    callback_tally t;
    memset(&t, 0, sizeof t);
    cc_sim_options o = CC_SIM_OPTIONS_INIT;
    o.event_fn = callback_sink;
    o.event_user_data = &t;
    cc_sim *run;
    assert_int_equal(cc_sim_new(&run, sc, &o), CC_OK);
    assert_int_equal(cc_sim_run(run), CC_OK);
    assert_true(t.ncallbacks > 0);     /* the others got their callback */
    assert_true(t.abandoned >= 1);     /* the first customer gave up */
    assert_int_equal(t.abandoned_after_callback, 0); /* a granted callback never abandons */
    cc_sim_free(run);
    cc_sim_scenario_free(sc);
}

/* A callback dial whose outcome would come after the queue's ring timeout is counted as
 * no answer by the engine (engine.h), and retried. Its outcome, drawn at dial_s, belongs to
 * that attempt only: it must not be taken for the outcome of a later attempt dialing at the
 * time. Here every dial takes 80 s against a 15 s ring timeout (the retry comes 60 s after
 * the timeout, so the next attempt is dialing when the first one's outcome falls due): no
 * callback can be answered. The only agent starts after the customers asked for callbacks. */
static void test_a_dial_timed_out_by_the_engine_is_not_answered_later(void **state)
{
    (void)state;
    const char *doc = "{\"seed\": 3, \"hours\": 0.05, \"drain_h\": 1,"
                      " \"queues\": [{\"name\": \"q\", \"ring_timeout_s\": 15}],"
                      " \"agents\": [{\"name\": \"a\", \"queues\": [\"q\"],"
                      " \"shift\": {\"start_h\": 0.05}}],"
                      " \"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": 40, \"handle_s\": 30,"
                      " \"callback\": {\"p\": 1, \"after_s\": 1, \"answer_p\": 1, \"dial_s\": 80}}]}";
    tally t;
    run_doc(doc, 0, &t, NULL);
    assert_true(t.arrived > 0);
    assert_true(t.callbacks_dialed > t.arrived); /* dials were retried */
    assert_true(t.connected == 0);
    assert_true(t.terminal == t.arrived); /* each left as callback-failed */
}

static void test_concurrent_chats_use_capacity(void **state)
{
    (void)state;
    const char *doc = "{\"hours\": 1, \"queues\": [{\"name\": \"chat\"}],"
                      " \"agents\": [{\"name\": \"c\", \"count\": 2, \"queues\": [\"chat\"],"
                      " \"capacity\": {\"chat\": 3}}],"
                      " \"arrivals\": [{\"queue\": \"chat\", \"channel\": \"chat\","
                      " \"calls_per_hour\": 60, \"handle_s\": 300}]}";
    cc_sim_scenario *sc;
    assert_int_equal(cc_sim_scenario_parse(&sc, doc, strlen(doc), NULL), CC_OK);
    cc_sim *run;
    assert_int_equal(cc_sim_new(&run, sc, NULL), CC_OK);
    assert_int_equal(cc_sim_run(run), CC_OK);
    cc_kpi_report *r;
    assert_int_equal(cc_sim_report(run, &r), CC_OK);
    /* 5 Erlangs of chat on 2 agents: only possible with concurrency */
    assert_true(r->totals.answered > 40);
    assert_true(r->totals.load > 1.2);
    cc_kpi_report_free(r);
    cc_sim_free(run);
    cc_sim_scenario_free(sc);
}

static void test_quick_scenario_facts(void **state)
{
    (void)state;
    cc_sim_quick q = CC_SIM_QUICK_INIT;
    q.agents = 7;
    q.calls_per_hour = 120;
    q.aht_s = 100;
    q.hours = 3;
    q.seed = 9;
    cc_sim_scenario *sc;
    assert_int_equal(cc_sim_scenario_quick(&sc, &q), CC_OK);
    assert_true(cc_sim_scenario_hours(sc) == 3);
    assert_true(cc_sim_scenario_interval_s(sc) == 1800);
    assert_true(cc_sim_scenario_seed(sc) == 9);
    assert_int_equal(cc_sim_scenario_agents(sc), 7);
    assert_true(fabs(cc_sim_scenario_expected_arrivals(sc, 0, 3600) - 120) < 1e-9);
    assert_true(fabs(cc_sim_scenario_expected_arrivals(sc, 0, 36000) - 360) < 1e-9);
    assert_true(cc_sim_scenario_staffed(sc, 0, 1800) == 7);
    cc_sim_scenario_free(sc);

    q.agents = 0;
    assert_int_equal(cc_sim_scenario_quick(&sc, &q), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "agents"));
    q.agents = 1;
    q.aht_s = -1;
    assert_int_equal(cc_sim_scenario_quick(&sc, &q), CC_EINVAL);
    q.aht_s = 1;
    q.version = 7;
    assert_int_equal(cc_sim_scenario_quick(&sc, &q), CC_EVERSION);
}

static void test_shift_staffing_and_bad_input(void **state)
{
    (void)state;
    const char *doc = "{\"hours\": 4, \"queues\": [{\"name\": \"q\"}],"
                      " \"agents\": [{\"name\": \"a\", \"count\": 4, \"queues\": [\"q\"],"
                      " \"shift\": {\"start_h\": 1, \"end_h\": 3},"
                      " \"breaks\": [{\"start_h\": 2, \"minutes\": 30}]}],"
                      " \"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": 10}]}";
    cc_sim_scenario *sc;
    assert_int_equal(cc_sim_scenario_parse(&sc, doc, strlen(doc), NULL), CC_OK);
    assert_true(cc_sim_scenario_staffed(sc, 0, 3600) == 0);
    assert_true(cc_sim_scenario_staffed(sc, 3600, 7200) == 4);
    assert_true(cc_sim_scenario_staffed(sc, 7200, 9000) == 0); /* on break */
    assert_true(cc_sim_scenario_staffed(sc, 7200, 10800) == 2);
    cc_sim *run;
    cc_sim_options o = CC_SIM_OPTIONS_INIT;
    o.version = 3;
    assert_int_equal(cc_sim_new(&run, sc, &o), CC_EVERSION);
    /* version 1 (before `flags`) is still read; unknown flags are refused */
    assert_int_equal(sizeof(cc_sim_options), 48);
    assert_int_equal(offsetof(cc_sim_options, flags), 40);
    o.version = 1;
    o.flags = 0xdead; /* beyond a version 1 struct: never read */
    assert_int_equal(cc_sim_new(&run, sc, &o), CC_OK);
    cc_sim_free(run);
    o.version = CC_SIM_OPTIONS_VERSION;
    assert_int_equal(cc_sim_new(&run, sc, &o), CC_EINVAL);
    assert_int_equal(cc_sim_new(NULL, sc, NULL), CC_EINVAL);
    assert_int_equal(cc_sim_run(NULL), CC_EINVAL);
    cc_sim_scenario_free(sc);
    /* the engine refuses an unknown strategy: the run cannot be built */
    const char *bad = "{\"hours\": 1, \"queues\": [{\"name\": \"q\", \"strategy\": \"telepathy\"}],"
                      " \"agents\": [{\"name\": \"a\", \"queues\": [\"q\"]}],"
                      " \"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": 10}]}";
    assert_int_equal(cc_sim_scenario_parse(&sc, bad, strlen(bad), NULL), CC_OK);
    assert_int_equal(cc_sim_new(&run, sc, NULL), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "telepathy"));
    cc_sim_scenario_free(sc);
    assert_int_equal(cc_sim_scenario_load(&sc, "/nonexistent/scenario.json"), CC_EIO);
    assert_non_null(strstr(cc_error_last(), "/nonexistent/scenario.json"));
}

/* Arrivals only in the first of four hours, agents without a shift: the day still
 * lasts to the horizon. The run stopped at its last event (about 1 h), so the report
 * counted 1 h of the agents' 4 h logged in and gave four times the occupancy. */
static void test_a_quiet_end_of_day_still_lasts_to_the_horizon(void **state)
{
    (void)state;
    const char *doc = "{\"hours\": 4, \"interval_min\": 60, \"queues\": [{\"name\": \"q\"}],"
                      " \"agents\": [{\"name\": \"a\", \"count\": 5, \"queues\": [\"q\"]}],"
                      " \"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": [50, 0, 0, 0],"
                      " \"handle_s\": 100}]}";
    cc_sim_scenario *sc;
    assert_int_equal(cc_sim_scenario_parse(&sc, doc, strlen(doc), NULL), CC_OK);
    tally t;
    memset(&t, 0, sizeof t);
    cc_sim_options o = CC_SIM_OPTIONS_INIT;
    o.event_fn = tally_sink;
    o.event_user_data = &t;
    cc_sim *run;
    assert_int_equal(cc_sim_new(&run, sc, &o), CC_OK);
    assert_int_equal(cc_sim_run(run), CC_OK);
    cc_sim_stats s = CC_SIM_STATS_INIT;
    assert_int_equal(cc_sim_get_stats(run, &s), CC_OK);
    assert_true(s.arrivals > 20 && s.unfinished == 0);
    assert_true(s.end_ms == 4 * 3600000); /* every contact ended long before */
    assert_int_equal(t.logouts, 5);       /* the day is over: everyone goes home */
    cc_kpi_report *r;
    assert_int_equal(cc_sim_report(run, &r), CC_OK);
    /* 100 s per contact, answered at once, over 5 agents x 4 h logged in */
    double expected = (double)r->totals.answered * 100.0 / (5 * 4 * 3600.0);
    assert_true(fabs(r->totals.occupancy - expected) < 1e-9);
    cc_kpi_report_free(r);
    cc_sim_free(run);
    cc_sim_scenario_free(sc);
}

static int sweep_run(void *ctx)
{
    (void)ctx;
    const char *doc = "{\"hours\": 0.25, \"queues\": [{\"name\": \"q\", \"wrapup_s\": 3}],"
                      " \"agents\": [{\"name\": \"a\", \"count\": 2, \"queues\": [\"q\"]}],"
                      " \"arrivals\": [{\"queue\": \"q\", \"calls_per_hour\": 40, \"handle_s\": 60,"
                      " \"patience_s\": 30}]}";
    cc_sim_scenario *sc = NULL;
    cc_status st = cc_sim_scenario_parse(&sc, doc, strlen(doc), NULL);
    if (st) return st == CC_ENOMEM ? 0 : 1;
    cc_sim *run = NULL;
    st = cc_sim_new(&run, sc, NULL);
    if (!st) st = cc_sim_run(run);
    char *json = NULL;
    if (!st) st = cc_sim_report_json(run, 0, &json);
    cc_free(json);
    cc_sim_free(run);
    cc_sim_scenario_free(sc);
    return st == CC_OK || st == CC_ENOMEM ? 0 : 1;
}

static void test_allocation_failures_are_reported(void **state)
{
    (void)state;
    long points = cc_test_alloc_sweep(sweep_run, NULL);
    if (points < 0) fail_msg("allocation failure %ld was not handled cleanly", -points - 1);
    assert_true(points > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_events_and_report),
        cmocka_unit_test(test_scenario_features_show_in_the_events),
        cmocka_unit_test(test_refused_callback_request_still_abandons),
        cmocka_unit_test(test_a_dial_timed_out_by_the_engine_is_not_answered_later),
        cmocka_unit_test(test_concurrent_chats_use_capacity),
        cmocka_unit_test(test_quick_scenario_facts),
        cmocka_unit_test(test_shift_staffing_and_bad_input),
        cmocka_unit_test(test_a_quiet_end_of_day_still_lasts_to_the_horizon),
        cmocka_unit_test(test_allocation_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
