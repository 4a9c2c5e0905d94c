/*
 * tests/unit/test_kpi.c - the KPI aggregator: one test per KPI of KPI.md
 * with hand-computed expectations, every service-level variant on one
 * example where they all differ, reports (JSON keys, CSV), options, invalid
 * events and allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "callcore/callcore.h"
#include "support/alloc_fail.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) ((int64_t)(x) * 1000) /* seconds -> ms */
#define EPS 1e-12

/* ---- scenario helpers ----------------------------------------------------- */

static int json_has_key(const char *json, const char *obj_start, const char *key);

static cc_kpi *kpi_make(const cc_kpi_options *o)
{
    cc_kpi *k = NULL;
    assert_int_equal(cc_kpi_new(&k, o), CC_OK);
    return k;
}

static void add(cc_kpi *k, cc_event e)
{
    assert_int_equal(cc_kpi_add(k, &e), CC_OK);
}

static cc_event ev(cc_event_type type, int64_t t_ms, uint64_t id, const char *queue)
{
    cc_event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.time_ms = t_ms;
    e.contact_id = id;
    e.queue = queue;
    e.channel = CC_CHANNEL_VOICE;
    return e;
}

static void arrive(cc_kpi *k, uint64_t id, const char *q, int64_t t, uint64_t customer,
                   const char *reason)
{
    cc_event e = ev(CC_EVENT_CONTACT_ARRIVED, t, id, q);
    e.customer_id = customer;
    e.reason = reason;
    add(k, e);
    e.type = CC_EVENT_CONTACT_QUEUED;
    e.reason = NULL;
    add(k, e);
}

static void answer(cc_kpi *k, uint64_t id, const char *q, const char *agent, int64_t t,
                   int64_t wait)
{
    cc_event e = ev(CC_EVENT_CONTACT_CONNECTED, t, id, q);
    e.agent = agent;
    e.wait_ms = wait;
    add(k, e);
}

static void end_talk(cc_kpi *k, uint64_t id, const char *q, const char *agent, int64_t t,
                     int64_t talk_with_hold, int64_t hold)
{
    cc_event e = ev(CC_EVENT_CONTACT_ENDED, t, id, q);
    e.agent = agent;
    e.duration_ms = talk_with_hold;
    e.hold_ms = hold;
    add(k, e);
}

static void abandon(cc_kpi *k, uint64_t id, const char *q, int64_t t, int64_t wait)
{
    cc_event e = ev(CC_EVENT_CONTACT_ABANDONED, t, id, q);
    e.wait_ms = wait;
    add(k, e);
}

/* A whole answered call: arrives at t, waits, talks. */
static void call(cc_kpi *k, uint64_t id, const char *q, const char *agent, int64_t t,
                 int64_t wait, int64_t talk)
{
    arrive(k, id, q, t, 0, NULL);
    answer(k, id, q, agent, t + wait, wait);
    end_talk(k, id, q, agent, t + wait + talk, talk, 0);
}

static void lost(cc_kpi *k, uint64_t id, const char *q, int64_t t, int64_t wait)
{
    arrive(k, id, q, t, 0, NULL);
    abandon(k, id, q, t + wait, wait);
}

static cc_kpi_report *report(const cc_kpi *k)
{
    cc_kpi_report *r = NULL;
    assert_int_equal(cc_kpi_report_new(k, &r), CC_OK);
    return r;
}

static const cc_kpi_group *group(const cc_kpi_group *g, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(g[i].name, name) == 0) return &g[i];
    fail_msg("no group '%s'", name);
    return NULL;
}

static void near(double got, double want)
{
    if (!(fabs(got - want) <= EPS * (1 + fabs(want))))
        fail_msg("got %.17g, want %.17g", got, want);
}

/*
 * The service-level example: T = 20 s, S = 5 s.
 * Answered waits 10, 15, 30, 40 s: Ans = 4, AnsT = 2.
 * Abandoned waits 3, 12, 50 s:     Ab = 3, AbT = 2, AbS = 1.
 */
static void sl_example(cc_kpi *k)
{
    static const int answered[] = {10, 15, 30, 40};
    static const int abandoned[] = {3, 12, 50};
    uint64_t id = 1;
    for (int i = 0; i < 4; i++) call(k, id++, "sales", "ann", S(60 * i), S(answered[i]), S(100));
    for (int i = 0; i < 3; i++) lost(k, id++, "sales", S(300 + 60 * i), S(abandoned[i]));
}

/* ---- service level -------------------------------------------------------- */

static void sl_variants_all_differ(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    sl_example(k);
    cc_kpi_report *r = report(k);
    const cc_kpi_figures *f = &r->totals;
    assert_int_equal(f->answered_within, 2);
    assert_int_equal(f->abandoned_within, 2);
    assert_int_equal(f->short_abandoned, 1);
    near(f->sl[0], 2.0 / 4);       /* V1 AnsT / Ans */
    near(f->sl[1], 2.0 / 7);       /* V2 AnsT / (Ans + Ab) */
    near(f->sl[2], 2.0 / 5);       /* V3 AnsT / (Ans + Ab - AbT) */
    near(f->sl[3], 4.0 / 7);       /* V4 (AnsT + AbT) / (Ans + Ab) */
    near(f->sl[4], 3.0 / 7);       /* V5 (AnsT + AbS) / (Ans + Ab) */
    near(f->sl[5], 2.0 / 6);       /* V6 AnsT / (Ans + Ab - AbS) */
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < i; j++) assert_true(fabs(f->sl[i] - f->sl[j]) > 0.01);
    assert_int_equal(r->sl_variant, CC_SL_V2);
    near(f->service_level, 2.0 / 7); /* the default is V2 */
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static void sl_variant_option_selects_formula(void **state)
{
    (void)state;
    for (int v = 1; v <= 6; v++) {
        cc_kpi_options o = CC_KPI_OPTIONS_INIT;
        o.sl_variant = v;
        cc_kpi *k = kpi_make(&o);
        sl_example(k);
        cc_kpi_report *r = report(k);
        near(r->totals.service_level, r->totals.sl[v - 1]);
        near(r->queues[0].f.service_level, r->totals.sl[v - 1]);
        cc_kpi_report_free(r);
        cc_kpi_free(k);
    }
    cc_sl_variant v;
    assert_int_equal(cc_sl_variant_parse("v4", &v), CC_OK);
    assert_int_equal(v, CC_SL_V4);
    assert_int_equal(cc_sl_variant_parse("6", &v), CC_OK);
    assert_int_equal(v, CC_SL_V6);
    assert_int_equal(cc_sl_variant_parse("V7", &v), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "V7"));
    assert_string_equal(cc_sl_variant_name(CC_SL_V3), "V3");
}

static void sl_threshold_is_inclusive_and_configurable(void **state)
{
    (void)state;
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.sl_threshold_ms = S(30);
    cc_kpi *k = kpi_make(&o);
    sl_example(k); /* with T = 30: AnsT = 3 (10, 15, 30), AbT = 2 */
    cc_kpi_report *r = report(k);
    assert_int_equal(r->totals.answered_within, 3);
    near(r->totals.service_level, 3.0 / 7);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* ---- waiting --------------------------------------------------------------- */

static void waiting_figures(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    sl_example(k);
    cc_event b = ev(CC_EVENT_CONTACT_BLOCKED, S(900), 99, "sales");
    add(k, b);
    cc_kpi_report *r = report(k);
    const cc_kpi_figures *f = &r->totals;
    assert_int_equal(f->offered, 7);
    assert_int_equal(f->answered, 4);
    assert_int_equal(f->abandoned, 3);
    assert_int_equal(f->blocked, 1);
    near(f->asa_s, (10.0 + 15 + 30 + 40) / 4);    /* answered only */
    near(f->avg_abandon_s, (3.0 + 12 + 50) / 3); /* abandoned only */
    near(f->longest_wait_s, 50);
    near(f->abandon_rate, 3.0 / 7);
    near(f->abandon_rate_excl_short, (3.0 - 1) / (7 - 1));
    near(f->blocked_rate, 1.0 / 8);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static void short_abandon_threshold(void **state)
{
    (void)state;
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.short_abandon_ms = S(12); /* 3 and 12 s are short now */
    cc_kpi *k = kpi_make(&o);
    sl_example(k);
    cc_kpi_report *r = report(k);
    assert_int_equal(r->totals.short_abandoned, 2);
    near(r->totals.sl[5], 2.0 / 5); /* V6 AnsT / (Ans + Ab - AbS) */
    cc_kpi_report_free(r);
    cc_kpi_free(k);
    o.short_abandon_ms = -1; /* none */
    k = kpi_make(&o);
    sl_example(k);
    r = report(k);
    assert_int_equal(r->totals.short_abandoned, 0);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static void overflow_counts_once_across_queues(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    arrive(k, 1, "a", 0, 0, NULL);
    cc_event o = ev(CC_EVENT_CONTACT_OVERFLOWED, S(30), 1, "a");
    o.target_queue = "b";
    o.wait_ms = S(30);
    add(k, o);
    cc_event q = ev(CC_EVENT_CONTACT_QUEUED, S(30), 1, "b");
    add(k, q);
    answer(k, 1, "b", "bob", S(40), S(40));
    end_talk(k, 1, "b", "bob", S(100), S(60), 0);
    cc_kpi_report *r = report(k);
    const cc_kpi_figures *a = &group(r->queues, r->n_queues, "a")->f;
    const cc_kpi_figures *b = &group(r->queues, r->n_queues, "b")->f;
    assert_int_equal(a->offered, 1);
    assert_int_equal(a->overflowed, 1);
    assert_int_equal(a->answered, 0);
    near(a->longest_wait_s, 30); /* it waited 30 s in a before flowing out */
    assert_int_equal(b->offered, 1);
    assert_int_equal(b->answered, 1);
    assert_int_equal(r->totals.offered, 1); /* one contact */
    assert_int_equal(r->totals.answered, 1);
    assert_int_equal(r->totals.overflowed, 1);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* Contact 1 is answered in "a" after 10 s, transferred to "b" and answered
 * there 100 s after its start; contact 2 is answered in "a" after 20 s. The
 * totals count each contact's first answer once, so its wait is the one ASA
 * and the service level use; the second answer's wait belongs to "b" only. */
static void transfer_between_queues(cc_kpi *k)
{
    arrive(k, 1, "a", 0, 0, NULL);
    answer(k, 1, "a", "ann", S(10), S(10));
    cc_event t = ev(CC_EVENT_CONTACT_TRANSFERRED, S(70), 1, "a");
    t.agent = "ann";
    t.target_queue = "b";
    add(k, t);
    add(k, ev(CC_EVENT_CONTACT_QUEUED, S(70), 1, "b"));
    answer(k, 1, "b", "bob", S(100), S(100));
    end_talk(k, 1, "b", "bob", S(160), S(60), 0);
    call(k, 2, "a", "ann", S(200), S(20), S(60));
}

static void asa_counts_the_first_answer_across_queues(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    transfer_between_queues(k);
    cc_kpi_report *r = report(k);
    near(group(r->queues, r->n_queues, "a")->f.asa_s, (10.0 + 20) / 2);
    /* b's wait runs from the transfer (70 s), not from the virtual start */
    near(group(r->queues, r->n_queues, "b")->f.asa_s, 30);
    assert_int_equal(r->totals.answered, 2);
    near(r->totals.asa_s, (10.0 + 20) / 2); /* not (10 + 100 + 20) / 2 */
    near(r->intervals[0].f.asa_s, (10.0 + 20) / 2);
    near(group(r->channels, r->n_channels, "voice")->f.asa_s, (10.0 + 20) / 2);
    near(r->totals.sl[0], 2.0 / 2);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* Like an answer's, the wait of an abandon or an overflow after a transfer is
 * the wait since the transfer: an engine's wait_ms, from the virtual start,
 * also holds the first wait and the first agent's talk. c1 is answered in a
 * after 10 s, transferred to b at 70, abandons there at 90 (wait_ms 90); c2
 * is answered in a after 5 s, transferred to b at 40, flows out of b at 100
 * to c (wait_ms 100) and leaves c at 130 (wait_ms 130). */
static void waits_after_a_transfer_run_from_the_transfer(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    for (uint64_t id = 1; id <= 2; id++) {
        int64_t answered = id == 1 ? S(10) : S(5), moved = id == 1 ? S(70) : S(40);
        arrive(k, id, "a", 0, 0, NULL);
        answer(k, id, "a", "ann", answered, answered);
        cc_event t = ev(CC_EVENT_CONTACT_TRANSFERRED, moved, id, "a");
        t.agent = "ann";
        t.target_queue = "b";
        add(k, t);
        add(k, ev(CC_EVENT_CONTACT_QUEUED, moved, id, "b"));
    }
    cc_event e = ev(CC_EVENT_CONTACT_ABANDONED, S(90), 1, "b");
    e.wait_ms = S(90);
    add(k, e);
    e = ev(CC_EVENT_CONTACT_OVERFLOWED, S(100), 2, "b");
    e.target_queue = "c";
    e.wait_ms = S(100);
    add(k, e);
    add(k, ev(CC_EVENT_CONTACT_QUEUED, S(100), 2, "c"));
    e = ev(CC_EVENT_CONTACT_LEFT, S(130), 2, "c");
    e.wait_ms = S(130);
    e.reason = "max-wait";
    add(k, e);
    cc_kpi_report *r = report(k);
    const cc_kpi_figures *b = &group(r->queues, r->n_queues, "b")->f;
    const cc_kpi_figures *c = &group(r->queues, r->n_queues, "c")->f;
    near(b->avg_abandon_s, 20);
    assert_int_equal(b->abandoned_within, 1); /* 20 s <= T */
    near(b->longest_wait_s, 60); /* c2 waited 60 s in b before it flowed out */
    near(c->longest_wait_s, 90); /* and 90 s in b and c */
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static void requeue_after_rona_is_not_offered_again(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    arrive(k, 1, "a", 0, 0, NULL);
    cc_event rt = ev(CC_EVENT_CONTACT_RING_TIMEOUT, S(20), 1, "a");
    rt.agent = "ann";
    rt.duration_ms = S(15);
    add(k, rt);
    add(k, ev(CC_EVENT_CONTACT_QUEUED, S(20), 1, "a"));
    answer(k, 1, "a", "bob", S(50), S(50));
    end_talk(k, 1, "a", "bob", S(80), S(30), 0);
    cc_kpi_report *r = report(k);
    assert_int_equal(r->totals.offered, 1);
    assert_int_equal(r->totals.rona, 1);
    assert_int_equal(group(r->agents, r->n_agents, "ann")->f.rona, 1);
    assert_int_equal(group(r->agents, r->n_agents, "bob")->f.rona, 0);
    assert_int_equal(group(r->queues, r->n_queues, "a")->f.rona, 1);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* ---- handling -------------------------------------------------------------- */

static void handling_times(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    /* Contact 1: talk 100 s + hold 20 s (duration 120 s), wrap-up 30 s. */
    arrive(k, 1, "q", 0, 0, NULL);
    answer(k, 1, "q", "ann", S(10), S(10));
    end_talk(k, 1, "q", "ann", S(130), S(120), S(20));
    cc_event w = ev(CC_EVENT_AGENT_WRAPUP_END, S(160), 1, "q");
    w.agent = "ann";
    w.duration_ms = S(30);
    add(k, w);
    /* Contact 2: talk 60 s, no hold, no wrap-up. */
    call(k, 2, "q", "ann", S(200), S(5), S(60));
    cc_kpi_report *r = report(k);
    const cc_kpi_figures *f = &r->totals;
    assert_int_equal(f->handled, 2);
    near(f->aht_s, (100.0 + 20 + 30 + 60) / 2); /* (talk + hold + ACW) / handled */
    near(f->talk_s, (100.0 + 60) / 2);
    near(f->hold_s, 20.0 / 2);
    near(f->acw_s, 30.0 / 2);
    const cc_kpi_figures *ann = &group(r->agents, r->n_agents, "ann")->f;
    near(ann->aht_s, 105);
    assert_int_equal(ann->handled, 2);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static void transfer_rate_and_legs(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    arrive(k, 1, "q", 0, 0, NULL);
    answer(k, 1, "q", "ann", S(10), S(10));
    cc_event t = ev(CC_EVENT_CONTACT_TRANSFERRED, S(60), 1, "q");
    t.agent = "ann";
    t.target_agent = "bob";
    add(k, t);
    answer(k, 1, "q", "bob", S(70), S(10));
    end_talk(k, 1, "q", "bob", S(100), S(30), 0);
    call(k, 2, "q", "bob", S(200), S(5), S(40));
    cc_kpi_report *r = report(k);
    assert_int_equal(r->totals.handled, 2);
    assert_int_equal(r->totals.transferred, 1);
    near(r->totals.transfer_rate, 0.5);
    near(r->totals.talk_s, (50.0 + 30 + 40) / 2); /* both legs of contact 1 */
    assert_int_equal(r->totals.answered, 2);      /* the second connect is not an answer */
    const cc_kpi_figures *ann = &group(r->agents, r->n_agents, "ann")->f;
    const cc_kpi_figures *bob = &group(r->agents, r->n_agents, "bob")->f;
    assert_int_equal(ann->handled, 1);
    assert_int_equal(ann->transferred, 1);
    near(ann->transfer_rate, 1.0);
    near(ann->talk_s, 50);
    assert_int_equal(bob->handled, 2);
    near(bob->transfer_rate, 0.0);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* The queue a contact is transferred out of handled it: the transferring
 * agent's leg counts there (once per contact and queue, like an answer), and
 * the totals count the contact once with the talk of both legs. */
static void transferring_queue_counts_its_handled_leg(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    transfer_between_queues(k);
    cc_kpi_report *r = report(k);
    const cc_kpi_figures *a = &group(r->queues, r->n_queues, "a")->f;
    const cc_kpi_figures *b = &group(r->queues, r->n_queues, "b")->f;
    assert_int_equal(a->handled, 2); /* contact 1's first leg, contact 2 */
    assert_int_equal(a->transferred, 1);
    near(a->transfer_rate, 1.0 / 2);
    near(a->aht_s, (60.0 + 60) / 2);
    assert_int_equal(b->handled, 1);
    near(b->aht_s, 60);
    near(b->transfer_rate, 0);
    /* Totals: two contacts handled, contact 1 with both legs' talk. */
    assert_int_equal(r->totals.handled, 2);
    assert_int_equal(r->totals.transferred, 1);
    near(r->totals.transfer_rate, 1.0 / 2);
    near(r->totals.aht_s, (60.0 + 60 + 60) / 2);
    near(r->intervals[0].f.aht_s, r->totals.aht_s);
    cc_kpi_report_free(r);
    cc_kpi_free(k);

    /* Transferred twice inside one queue (ann -> bob -> carl): one contact
     * handled and transferred there, three legs for the agents. */
    k = kpi_make(NULL);
    arrive(k, 3, "c", 0, 0, NULL);
    answer(k, 3, "c", "ann", S(5), S(5));
    const char *legs[] = {"ann", "bob", "carl"};
    for (int i = 0; i < 2; i++) {
        cc_event t = ev(CC_EVENT_CONTACT_TRANSFERRED, S(35 + 30 * i), 3, "c");
        t.agent = legs[i];
        t.target_agent = legs[i + 1];
        add(k, t);
        answer(k, 3, "c", legs[i + 1], S(35 + 30 * i), S(5));
    }
    end_talk(k, 3, "c", "carl", S(125), S(30), 0);
    r = report(k);
    assert_int_equal(r->totals.handled, 1);
    assert_int_equal(r->totals.transferred, 1);
    near(r->totals.aht_s, 30.0 + 30 + 30);
    for (int i = 0; i < 3; i++) {
        const cc_kpi_figures *ag = &group(r->agents, r->n_agents, legs[i])->f;
        assert_int_equal(ag->handled, 1);
        assert_int_equal(ag->transferred, i < 2);
    }
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* Agent rows measure the answers the agent took: ASA, longest wait and the
 * answered-only service level (V1) are real figures; the variants that count
 * abandons are undefined for an agent (an abandon has no agent), so null in
 * JSON and empty in CSV, never an invented 0. */
/* A CONTACT_ENDED after a transfer with no connect since (queue_log: the
 * call was transferred out of the queues) only closes the contact: its leg
 * ended with the transfer, so no second handled leg for anyone, and nobody
 * resolved it (no resolution step on its experience line). */
static void ended_after_transfer_out_only_closes(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    arrive(k, 1, "q", 0, 0, NULL);
    answer(k, 1, "q", "ann", S(10), S(10));
    cc_event t = ev(CC_EVENT_CONTACT_TRANSFERRED, S(70), 1, "q");
    t.agent = "ann";
    t.target_agent = "600";
    add(k, t);
    end_talk(k, 1, "q", NULL, S(70), 0, 0);
    cc_kpi_report *r = report(k);
    assert_int_equal(r->totals.handled, 1);
    near(r->totals.aht_s, 60);
    near(r->totals.cx_end, -1.0); /* the transfer, no +2 resolution */
    assert_int_equal(group(r->agents, r->n_agents, "ann")->f.handled, 1);
    cc_kpi_report_free(r);
    cc_kpi_free(k);

    /* A transfer that ended no leg (nobody on the contact) changes nothing
     * for a later CONTACT_ENDED that names its agent. */
    k = kpi_make(NULL);
    arrive(k, 2, "q", 0, 0, NULL);
    add(k, ev(CC_EVENT_CONTACT_TRANSFERRED, S(5), 2, "q"));
    end_talk(k, 2, "q", "bob", S(65), S(60), 0);
    r = report(k);
    assert_int_equal(r->totals.handled, 1);
    near(r->totals.aht_s, 60);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static void agent_rows_have_their_answers_waits(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    transfer_between_queues(k); /* ann answers after 10 and 20 s, bob 30 s after the transfer */
    cc_kpi_report *r = report(k);
    const cc_kpi_figures *ann = &group(r->agents, r->n_agents, "ann")->f;
    const cc_kpi_figures *bob = &group(r->agents, r->n_agents, "bob")->f;
    assert_int_equal(ann->answered, 2);
    near(ann->asa_s, 15);
    near(ann->longest_wait_s, 20);
    assert_int_equal(ann->answered_within, 2);
    near(ann->sl[0], 1.0);
    near(bob->asa_s, 30);
    near(bob->longest_wait_s, 30);
    near(bob->sl[0], 0.0);
    for (int v = 1; v < 6; v++) assert_true(isnan(ann->sl[v]));
    assert_true(isnan(ann->service_level)); /* the configured V2 counts abandons */
    char *json = NULL;
    assert_int_equal(cc_kpi_report_json(r, NULL, CC_KPI_JSON_FULL, &json), CC_OK);
    const char *row = strstr(json, "{\"agent\":\"ann\"");
    assert_non_null(row);
    assert_true(json_has_key(json, row, "asa_s"));
    assert_non_null(strstr(row, "\"asa_s\":15,"));
    assert_non_null(strstr(row, "\"service_level\":null,"));
    assert_non_null(strstr(row, "\"sl_v1\":1,"));
    assert_non_null(strstr(row, "\"longest_wait_s\":20,"));
    cc_free(json);
    char *csv = NULL;
    assert_int_equal(cc_kpi_report_csv(r, CC_KPI_TABLE_AGENTS, &csv), CC_OK);
    assert_non_null(strstr(csv, "\r\nbob,"));
    cc_free(csv);
    cc_kpi_report_free(r);
    cc_kpi_free(k);

    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.sl_variant = CC_SL_V1; /* answered only: defined for agents */
    k = kpi_make(&o);
    transfer_between_queues(k);
    r = report(k);
    near(group(r->agents, r->n_agents, "ann")->f.service_level, 1.0);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* Counts that belong to no agent (offered, abandons, blocked, left,
 * overflowed, callbacks, repeat contacts: kpi.md's agent rows count the
 * agent's own answers and legs) are not applicable to an agent row: null in
 * JSON and empty in CSV, as the abandon-based service levels are, not an
 * invented 0 next to the agent's answers. */
static void agent_rows_leave_contact_counts_undefined(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    transfer_between_queues(k);
    cc_kpi_report *r = report(k);
    char *json = NULL;
    assert_int_equal(cc_kpi_report_json(r, NULL, CC_KPI_JSON_FULL, &json), CC_OK);
    const char *row = strstr(json, "{\"agent\":\"ann\"");
    assert_non_null(row);
    const char *end = strchr(row, '}');
    assert_non_null(end);
    static const char *const none[] = {"offered", "abandoned", "short_abandoned",
                                       "abandoned_within", "blocked", "overflowed",
                                       "left", "callbacks", "repeat_contacts"};
    char want[64];
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        snprintf(want, sizeof want, "\"%s\":null", none[i]);
        const char *at = strstr(row, want);
        assert_true(at && at < end);
    }
    const char *answered = strstr(row, "\"answered\":2,");
    assert_true(answered && answered < end);
    /* the queue rows keep their counts */
    assert_non_null(strstr(json, "\"totals\":{\"offered\":"));
    assert_null(strstr(json, "\"totals\":{\"offered\":null"));
    cc_free(json);
    char *csv = NULL;
    assert_int_equal(cc_kpi_report_csv(r, CC_KPI_TABLE_AGENTS, &csv), CC_OK);
    assert_non_null(strstr(csv, "agent,offered,answered,")); /* the header is unchanged */
    assert_non_null(strstr(csv, "\r\nann,,2,,,2,,,,,")); /* offered empty, answered 2 */
    cc_free(csv);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static cc_event agent_state(int64_t t, const char *agent, cc_agent_state prev,
                            cc_agent_state next, int64_t in_prev)
{
    cc_event e = ev(CC_EVENT_AGENT_STATE, t, 0, NULL);
    e.agent = agent;
    e.prev_agent_state = prev;
    e.agent_state = next;
    e.duration_ms = in_prev;
    e.channel = CC_CHANNEL_NONE;
    return e;
}

static void occupancy_utilisation_load(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    cc_event login = ev(CC_EVENT_AGENT_LOGIN, 0, 0, NULL);
    login.agent = "ann";
    add(k, login);
    add(k, agent_state(S(600), "ann", CC_AGENT_READY, CC_AGENT_BUSY, S(600)));
    /* Two chats at once: 600-800 and 700-900 s. */
    for (uint64_t id = 1; id <= 2; id++) {
        cc_event a = ev(CC_EVENT_CONTACT_ARRIVED, S(500 + 100 * (int64_t)id), id, "chat");
        a.channel = CC_CHANNEL_CHAT;
        add(k, a);
        cc_event c = a;
        c.type = CC_EVENT_CONTACT_CONNECTED;
        c.agent = "ann";
        add(k, c);
    }
    for (uint64_t id = 1; id <= 2; id++) {
        cc_event e = ev(CC_EVENT_CONTACT_ENDED, S(700 + 100 * (int64_t)id), id, "chat");
        e.channel = CC_CHANNEL_CHAT;
        e.agent = "ann";
        e.duration_ms = S(200);
        add(k, e);
    }
    add(k, agent_state(S(900), "ann", CC_AGENT_BUSY, CC_AGENT_WRAPUP, S(300)));
    add(k, agent_state(S(960), "ann", CC_AGENT_WRAPUP, CC_AGENT_READY, S(60)));
    add(k, agent_state(S(1200), "ann", CC_AGENT_READY, CC_AGENT_NOT_READY, S(240)));
    cc_event logout = ev(CC_EVENT_AGENT_LOGOUT, S(1800), 0, NULL);
    logout.agent = "ann";
    logout.duration_ms = S(1800);
    add(k, logout); /* closes the 600 s not ready */
    cc_kpi_report *r = report(k);
    const cc_kpi_figures *f = &r->totals;
    /* handling 300 + 60, ready 600 + 240, not ready 600, logged in 1800 */
    near(f->occupancy, 360.0 / (360 + 840));
    near(f->utilisation, 360.0 / 1800);
    near(f->load, (100.0 * 1 + 100 * 2 + 100 * 1) / 1800); /* concurrent chats */
    near(f->contacts_per_agent_hour, 2 / 0.5);
    near(group(r->agents, r->n_agents, "ann")->f.occupancy, 0.3);
    assert_true(isnan(group(r->queues, r->n_queues, "chat")->f.occupancy));
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* Agent time per interval: states are split at interval boundaries, so
 * interval rows have their own occupancy, utilisation and load (30-minute
 * intervals, times in minutes):
 *   ann logs in 0:10 (ready), busy 0:20-0:50 with contact 1, ready until
 *   1:40, not ready until she logs out at 2:10. Contacts 2 (0:55) and 3
 *   (1:35) abandon, so the rows are 0:00, 0:30 and 1:30 (1:00 and 2:00 have
 *   no contacts, hence no row). */
static void occupancy_per_interval(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    int64_t m = 60000;
    cc_event login = ev(CC_EVENT_AGENT_LOGIN, 10 * m, 0, NULL);
    login.agent = "ann";
    login.channel = CC_CHANNEL_NONE;
    add(k, login);
    arrive(k, 1, "q", 15 * m, 0, NULL);
    add(k, agent_state(20 * m, "ann", CC_AGENT_READY, CC_AGENT_BUSY, 10 * m));
    answer(k, 1, "q", "ann", 20 * m, 5 * m);
    end_talk(k, 1, "q", "ann", 50 * m, 30 * m, 0);
    add(k, agent_state(50 * m, "ann", CC_AGENT_BUSY, CC_AGENT_READY, 30 * m));
    lost(k, 2, "q", 55 * m, S(60));
    cc_kpi_report *r = report(k); /* now 0:56: ann has been ready since 0:50 */
    assert_int_equal(r->n_intervals, 2);
    near(r->intervals[1].f.occupancy, 20.0 / (20 + 6)); /* busy 0:30-0:50, ready since */
    near(r->intervals[1].f.utilisation, 20.0 / 26);
    cc_kpi_report_free(r);
    lost(k, 3, "q", 95 * m, S(60));
    add(k, agent_state(100 * m, "ann", CC_AGENT_READY, CC_AGENT_NOT_READY, 50 * m));
    cc_event logout = ev(CC_EVENT_AGENT_LOGOUT, 130 * m, 0, NULL);
    logout.agent = "ann";
    logout.channel = CC_CHANNEL_NONE;
    add(k, logout);
    r = report(k);
    assert_int_equal(r->n_intervals, 3);
    const cc_kpi_figures *i0 = &r->intervals[0].f, *i1 = &r->intervals[1].f;
    const cc_kpi_figures *i3 = &r->intervals[2].f;
    assert_int_equal(r->intervals[2].start_ms, 90 * m);
    near(i0->occupancy, 10.0 / (10 + 10)); /* ready 0:10-0:20, busy 0:20-0:30 */
    near(i0->utilisation, 10.0 / 20);
    near(i0->load, 10.0 / 20); /* one contact for 10 of 20 minutes */
    near(i1->occupancy, 20.0 / (20 + 10));
    near(i1->load, 20.0 / 30);
    near(i3->occupancy, 0.0); /* ready 1:30-1:40, not ready 1:40-2:00 */
    near(i3->utilisation, 0.0);
    near(i3->contacts_per_agent_hour, 0.0);
    /* Totals: ready 10 + 50, busy 30, not ready 30 minutes. */
    near(r->totals.occupancy, 30.0 / (30 + 60));
    near(r->totals.utilisation, 30.0 / 120);
    /* An agent's idle time belongs to no one queue or channel. */
    assert_true(isnan(r->queues[0].f.occupancy));
    assert_true(isnan(r->channels[0].f.occupancy));
    assert_true(isnan(r->interval_queues[0].f.occupancy));
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* ---- resolution ------------------------------------------------------------ */

static void fcr_and_repeat_rate(void **state)
{
    (void)state;
    for (int same_reason = 0; same_reason <= 1; same_reason++) {
        cc_kpi_options o = CC_KPI_OPTIONS_INIT;
        o.repeat_same_reason = same_reason;
        cc_kpi *k = kpi_make(&o);
        int64_t day = S(86400);
        arrive(k, 1, "q", 0, 42, "billing");
        answer(k, 1, "q", "ann", S(10), S(10));
        end_talk(k, 1, "q", "ann", S(100), S(90), 0);
        arrive(k, 2, "q", day, 42, "card"); /* one day later: a repeat (any reason) */
        answer(k, 2, "q", "ann", day + S(10), S(10));
        end_talk(k, 2, "q", "ann", day + S(100), S(90), 0);
        arrive(k, 3, "q", day, 43, "billing");
        answer(k, 3, "q", "bob", day + S(10), S(10));
        end_talk(k, 3, "q", "bob", day + S(100), S(90), 0);
        arrive(k, 4, "q", 9 * day, 42, "card"); /* 8 days after: outside W */
        answer(k, 4, "q", "ann", 9 * day + S(10), S(10));
        end_talk(k, 4, "q", "ann", 9 * day + S(100), S(90), 0);
        cc_kpi_report *r = report(k);
        if (!same_reason) {
            assert_int_equal(r->totals.repeat_contacts, 1);
            near(r->totals.repeat_rate, 1.0 / 4);
            near(r->totals.fcr, 1.0 - 1.0 / 4);
        } else {
            assert_int_equal(r->totals.repeat_contacts, 0);
            near(r->totals.fcr, 1.0);
        }
        cc_kpi_report_free(r);
        cc_kpi_free(k);
    }
}

/* With --same-reason a contact repeats the customer's latest contact about
 * the same reason, not just the customer's latest contact: billing, tech,
 * billing again within W is one repeat (of the first billing contact). */
static void same_reason_repeat_looks_past_other_reasons(void **state)
{
    (void)state;
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.repeat_same_reason = 1;
    cc_kpi *k = kpi_make(&o);
    const char *reasons[] = {"billing", "tech", "billing"};
    for (uint64_t i = 0; i < 3; i++) {
        int64_t t = S(120 * (int64_t)i);
        arrive(k, i + 1, "q", t, 77, reasons[i]);
        answer(k, i + 1, "q", "ann", t, 0);
        end_talk(k, i + 1, "q", "ann", t + S(60), S(60), 0);
    }
    cc_kpi_report *r = report(k);
    assert_int_equal(r->totals.repeat_contacts, 1);
    near(r->totals.repeat_rate, 1.0 / 3);
    near(r->totals.fcr, 1.0 - 1.0 / 3); /* the first billing contact was not resolved */
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static void frt_digital_only(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    cc_event a = ev(CC_EVENT_CONTACT_ARRIVED, 0, 1, "web");
    a.channel = CC_CHANNEL_CHAT;
    add(k, a);
    a.type = CC_EVENT_CONTACT_QUEUED;
    add(k, a);
    cc_event c = ev(CC_EVENT_CONTACT_CONNECTED, S(45), 1, "web");
    c.channel = CC_CHANNEL_CHAT;
    c.agent = "ann";
    c.wait_ms = S(45);
    add(k, c);
    call(k, 2, "phone", "bob", 0, S(30), S(60)); /* voice: no FRT */
    cc_kpi_report *r = report(k);
    near(r->totals.frt_s, 45);
    assert_true(isnan(group(r->queues, r->n_queues, "phone")->f.frt_s));
    const cc_kpi_group *chat = group(r->channels, r->n_channels, "chat");
    near(chat->f.frt_s, 45);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* ---- surveys --------------------------------------------------------------- */

static void survey(cc_kpi *k, cc_survey_kind kind, double v)
{
    cc_event e = ev(CC_EVENT_SURVEY, S(10), 0, "q");
    e.survey = kind;
    e.value = v;
    e.agent = "ann";
    add(k, e);
}

static void csat_nps_ces(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    survey(k, CC_SURVEY_CSAT, 5);
    survey(k, CC_SURVEY_CSAT, 4);
    survey(k, CC_SURVEY_CSAT, 2);
    survey(k, CC_SURVEY_NPS, 10);
    survey(k, CC_SURVEY_NPS, 9);
    survey(k, CC_SURVEY_NPS, 7);
    survey(k, CC_SURVEY_NPS, 3);
    survey(k, CC_SURVEY_CES, 6);
    survey(k, CC_SURVEY_CES, 4);
    cc_event bad = ev(CC_EVENT_SURVEY, S(10), 0, "q");
    bad.survey = CC_SURVEY_CSAT;
    bad.value = 6; /* off the 1..5 scale */
    assert_int_equal(cc_kpi_add(k, &bad), CC_EINVAL);
    cc_kpi_report *r = report(k);
    near(r->totals.csat, 2.0 / 3);        /* top-2-box */
    near(r->totals.csat_mean, 11.0 / 3);
    near(r->totals.nps, 100.0 * (2 - 1) / 4); /* promoters 9-10, detractors 0-6 */
    near(r->totals.ces, 5.0);
    assert_int_equal(r->totals.csat_responses, 3);
    near(group(r->agents, r->n_agents, "ann")->f.nps, 25.0);
    assert_int_equal(r->events_rejected, 1);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* ---- cost and people ------------------------------------------------------- */

static void cost_per_contact(void **state)
{
    (void)state;
    cc_kpi_cost_model cost = CC_KPI_COST_MODEL_INIT;
    cost.agent_hourly = 30;
    cost.telco_per_min = 0.02;
    cost.fixed = 10;
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.cost = &cost;
    cc_kpi *k = kpi_make(&o);
    call(k, 1, "q", "ann", 0, S(60), S(240));
    cc_kpi_report *r = report(k);
    /* paid 240 s (no agent states: handling time) x 30/h = 2; telco (60 + 240) s
     * = 5 min x 0.02 = 0.1; fixed 10; one contact handled. */
    near(r->totals.cost_per_contact, 2.0 + 0.1 + 10);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
    k = kpi_make(NULL);
    call(k, 1, "q", "ann", 0, S(60), S(240));
    r = report(k);
    assert_true(isnan(r->totals.cost_per_contact)); /* no cost model */
    cc_kpi_report_free(r);
    cc_kpi_free(k);
    /* A contact answered in a after 60 s, transferred at 180 s to b, where
     * bob answers at once: the engine measures that answer's wait from the
     * virtual start (180 s, the first wait and ann's talk). The call used the
     * line 60 + 120 + 60 s: the re-answer's wait is not queue time again. */
    k = kpi_make(&o);
    arrive(k, 1, "a", 0, 0, NULL);
    answer(k, 1, "a", "ann", S(60), S(60));
    cc_event t = ev(CC_EVENT_CONTACT_TRANSFERRED, S(180), 1, "a");
    t.agent = "ann";
    t.target_queue = "b";
    add(k, t);
    cc_event q = ev(CC_EVENT_CONTACT_QUEUED, S(180), 1, "b");
    add(k, q);
    answer(k, 1, "b", "bob", S(180), S(180));
    end_talk(k, 1, "b", "bob", S(240), S(60), 0);
    r = report(k);
    /* paid 180 s x 30/h = 1.5; telco 240 s = 4 min x 0.02 = 0.08; fixed 10 */
    near(r->totals.cost_per_contact, 1.5 + 0.08 + 10);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static void attrition_from_roster(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    const char *agents[] = {"a1", "a2", "a3", "a4"};
    for (int i = 0; i < 4; i++) {
        cc_event e = ev(CC_EVENT_QUEUE_MEMBER_ADDED, 0, 0, "q");
        e.agent = agents[i];
        add(k, e);
    }
    cc_event rm = ev(CC_EVENT_QUEUE_MEMBER_REMOVED, S(50), 0, "q");
    rm.agent = "a4";
    add(k, rm);
    call(k, 1, "q", "a1", S(90), S(5), S(5)); /* the period ends at 100 s */
    cc_kpi_report *r = report(k);
    near(r->totals.attrition, 1.0 / ((4.0 * 50 + 3.0 * 50) / 100)); /* leavers / mean headcount */
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* ---- Pareto ---------------------------------------------------------------- */

static void pareto_vital_few(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    struct {
        const char *reason;
        int n;
    } mix[] = {{"misc", 4}, {"tech", 30}, {"sales", 10}, {"billing", 50}, {"other", 6}};
    uint64_t id = 1;
    for (size_t m = 0; m < 5; m++)
        for (int i = 0; i < mix[m].n; i++) {
            arrive(k, id, "q", S(id), 0, mix[m].reason);
            abandon(k, id, "q", S(id) + S(1), S(1));
            id++;
        }
    /* A disposition overrides the arrival reason. */
    arrive(k, id, "q", S(id), 0, "misc");
    cc_event d = ev(CC_EVENT_DISPOSITION, S(id), id, "q");
    d.reason = "sales";
    add(k, d);
    abandon(k, id, "q", S(id) + S(1), S(1));
    cc_kpi_flush(k);
    cc_kpi_report *r = report(k);
    assert_int_equal(r->n_reasons, 5);
    assert_string_equal(r->reasons[0].reason, "billing");
    assert_string_equal(r->reasons[1].reason, "tech");
    assert_string_equal(r->reasons[2].reason, "sales");
    assert_int_equal(r->reasons[2].contacts, 11);
    near(r->reasons[0].share, 50.0 / 101);
    near(r->reasons[1].cumulative, 80.0 / 101);
    near(r->reasons[2].cumulative, 91.0 / 101);
    assert_int_equal(r->vital_few, 3); /* 80/101 < 80 %: sales is needed */
    assert_true(r->reasons[2].vital);
    assert_false(r->reasons[3].vital);
    near(r->reasons[4].cumulative, 1.0);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* A DISPOSITION or SURVEY fed after the contact's line closed (here an hour
 * after its end, past the 15-minute survey grace: a CRM's or a survey tool's
 * late export) still concerns that contact. The disposition replaced
 * nothing and counted as a contact of its own (billing 1 and tech 1 for one
 * contact), and the survey, which carries no channel, went to a "none"
 * channel row, in the interval it came in, without the contact's agent. */
static void late_disposition_and_survey_find_their_contact(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    arrive(k, 1, "q", 0, 0, "billing");
    answer(k, 1, "q", "ann", S(5), S(5));
    end_talk(k, 1, "q", "ann", S(65), S(60), 0);
    call(k, 2, "q", "bob", S(3600), S(5), S(60)); /* time goes on: c1's line closes */
    cc_event d = ev(CC_EVENT_DISPOSITION, S(3700), 1, "q");
    d.channel = CC_CHANNEL_NONE;
    d.reason = "tech";
    add(k, d);
    cc_event sv = ev(CC_EVENT_SURVEY, S(3700), 1, "q");
    sv.channel = CC_CHANNEL_NONE;
    sv.survey = CC_SURVEY_CSAT;
    sv.value = 5;
    add(k, sv);
    /* a disposition of a contact never seen is a contact of its own */
    d.contact_id = 99;
    d.reason = "sales";
    add(k, d);
    cc_kpi_flush(k);
    cc_kpi_report *r = report(k);
    assert_int_equal(r->n_reasons, 2);
    assert_string_equal(r->reasons[0].reason, "sales");
    assert_int_equal(r->reasons[0].contacts, 1);
    assert_string_equal(r->reasons[1].reason, "tech");
    assert_int_equal(r->reasons[1].contacts, 1);
    assert_int_equal(r->n_channels, 1);
    assert_string_equal(r->channels[0].name, "voice");
    assert_int_equal(r->channels[0].f.csat_responses, 1);
    assert_int_equal(r->intervals[0].f.csat_responses, 1); /* c1's interval */
    assert_int_equal(group(r->agents, r->n_agents, "ann")->f.csat_responses, 1);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* A late disposition of `id` at t, replacing its contact's reason. */
static void late_disposition(cc_kpi *k, uint64_t id, int64_t t, const char *reason)
{
    cc_event d = ev(CC_EVENT_DISPOSITION, t, id, "q");
    d.channel = CC_CHANNEL_NONE;
    d.reason = reason;
    add(k, d);
}

/* Closed contacts are indexed only when a late event looks for one: those
 * closed before and after a look are found, across the ring's growth, and a
 * contact closed over a day ago is not (its disposition counts on its own). */
static void late_dispositions_find_contacts_closed_before_and_after_a_look(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    for (uint64_t id = 1; id <= 200; id++) {
        int64_t t = S(60) * (int64_t)id;
        arrive(k, id, "q", t, 0, "a");
        answer(k, id, "q", "ann", t + S(5), S(5));
        end_talk(k, id, "q", "ann", t + S(50), S(45), 0);
        if (id == 100) late_disposition(k, 3, t + S(55), "b");   /* indexes 1.. */
        if (id == 180) late_disposition(k, 150, t + S(55), "b"); /* 101.. since */
    }
    call(k, 201, "q", "ann", S(60) * 200 + S(86400), S(5), S(60)); /* a day on */
    late_disposition(k, 5, S(60) * 200 + S(86500), "b"); /* forgotten: its own contact */
    cc_kpi_flush(k);
    cc_kpi_report *r = report(k);
    assert_int_equal(r->n_reasons, 2);
    assert_string_equal(r->reasons[0].reason, "a");
    assert_int_equal(r->reasons[0].contacts, 198);
    assert_string_equal(r->reasons[1].reason, "b");
    assert_int_equal(r->reasons[1].contacts, 3);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* ---- customer experience line ---------------------------------------------- */

typedef struct cx_seen {
    int n;
    cc_kpi_contact last;
} cx_seen;

static void cx_collect(const cc_kpi_contact *c, void *user_data)
{
    cx_seen *s = user_data;
    s->n++;
    s->last = *c;
    s->last.queue = s->last.agent = s->last.reason = NULL; /* borrowed */
}

static void cx_line_peak_end(void **state)
{
    (void)state;
    cx_seen seen = {0};
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.on_contact = cx_collect;
    o.user_data = &seen;
    cc_kpi *k = kpi_make(&o);
    arrive(k, 1, "q", 0, 7, NULL);
    answer(k, 1, "q", "ann", S(80), S(80)); /* 60 s beyond T: -1 */
    add(k, ev(CC_EVENT_CONTACT_HELD, S(100), 1, "q")); /* -0.5 */
    cc_event res = ev(CC_EVENT_CONTACT_RESUMED, S(220), 1, "q");
    res.duration_ms = S(120); /* 2 min x -0.25 */
    add(k, res);
    cc_event t = ev(CC_EVENT_CONTACT_TRANSFERRED, S(230), 1, "q");
    t.agent = "ann";
    add(k, t); /* -1: the peak, -3 */
    answer(k, 1, "q", "bob", S(240), S(80));
    end_talk(k, 1, "q", "bob", S(300), S(60), 0); /* resolved: +2 */
    assert_int_equal(seen.n, 0);                 /* waits for a survey */
    cc_event sv = ev(CC_EVENT_SURVEY, S(400), 1, "q");
    sv.survey = CC_SURVEY_CSAT;
    sv.value = 5; /* +2 */
    add(k, sv);
    cc_kpi_report *r = report(k); /* counts lines still open */
    near(r->totals.cx_peak, -3.0);
    near(r->totals.cx_end, 1.0);
    near(r->totals.cx_remembered, -1.0);
    cc_kpi_report_free(r);
    cc_kpi_flush(k);
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.last.contact_id, 1);
    assert_int_equal(seen.last.customer_id, 7);
    assert_int_equal(seen.last.outcome, CC_EVENT_CONTACT_ENDED);
    near(seen.last.cx_peak, -3.0);
    near(seen.last.cx_end, 1.0);
    assert_int_equal(seen.last.cx_moves, 6);
    cc_kpi_free(k);
}

static void cx_weights_configurable_and_grace(void **state)
{
    (void)state;
    cx_seen seen = {0};
    cc_kpi_cx_model m = CC_KPI_CX_MODEL_INIT;
    m.start = 5;
    m.abandon = -10;
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.cx = &m;
    o.cx_grace_ms = S(60);
    o.on_contact = cx_collect;
    o.user_data = &seen;
    cc_kpi *k = kpi_make(&o);
    lost(k, 1, "q", 0, S(10)); /* within T: only the abandon moves it */
    assert_int_equal(seen.n, 0);
    call(k, 2, "q", "ann", S(100), S(1), S(1)); /* time passes the grace period */
    assert_int_equal(seen.n, 1);
    near(seen.last.cx_start, 5);
    near(seen.last.cx_peak, -5);
    near(seen.last.cx_end, -5);
    cc_kpi_free(k);
}

/* ---- intervals, groups ---------------------------------------------------- */

static void intervals_split_by_entry_time(void **state)
{
    (void)state;
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.interval_ms = 15 * 60000;
    cc_kpi *k = kpi_make(&o);
    int64_t base = S(1700000000 / 900 * 900); /* an interval start */
    call(k, 1, "a", "ann", base + S(60), S(10), S(600));
    call(k, 2, "b", "ann", base + S(14 * 60), S(120), S(60)); /* answered in the next one */
    call(k, 3, "a", "ann", base + S(20 * 60), S(5), S(60));
    cc_kpi_report *r = report(k);
    assert_int_equal(r->n_intervals, 2);
    assert_int_equal(r->intervals[0].start_ms, base);
    assert_int_equal(r->intervals[0].f.offered, 2);
    assert_int_equal(r->intervals[1].f.offered, 1);
    assert_int_equal(r->n_interval_queues, 3);
    assert_string_equal(r->interval_queues[0].queue, "a");
    assert_string_equal(r->interval_queues[1].queue, "b");
    assert_int_equal(r->n_queues, 2);
    assert_string_equal(r->queues[0].name, "a");
    assert_int_equal(r->queues[0].f.offered, 2);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* A contact enters "a" at 00:29, overflows to "b" at 00:31 and abandons at
 * 00:32: its whole life is credited to 00:00, the interval it first queued
 * in, in both queues' rows, so interval rows add up to the totals. */
static void overflow_across_an_interval_boundary_stays_in_its_interval(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL); /* 30-minute intervals */
    arrive(k, 1, "a", S(29 * 60), 0, NULL);
    cc_event o = ev(CC_EVENT_CONTACT_OVERFLOWED, S(31 * 60), 1, "a");
    o.target_queue = "b";
    o.wait_ms = S(120);
    add(k, o);
    add(k, ev(CC_EVENT_CONTACT_QUEUED, S(31 * 60), 1, "b"));
    abandon(k, 1, "b", S(32 * 60), S(180));
    call(k, 2, "a", "ann", S(40 * 60), S(5), S(60)); /* a contact of 00:30 */
    cc_kpi_report *r = report(k);
    assert_int_equal(r->n_intervals, 2);
    const cc_kpi_figures *first = &r->intervals[0].f, *second = &r->intervals[1].f;
    assert_int_equal(r->intervals[0].start_ms, 0);
    assert_int_equal(first->offered, 1);
    assert_int_equal(first->abandoned, 1);
    near(first->abandon_rate, 1.0);
    assert_int_equal(second->offered, 1);
    assert_int_equal(second->abandoned, 0);
    assert_int_equal(first->offered + second->offered, r->totals.offered);
    assert_int_equal(first->abandoned + second->abandoned, r->totals.abandoned);
    /* Interval x queue rows: 00:00 a (offered, flowed out), 00:00 b (offered,
     * abandoned), 00:30 a. */
    assert_int_equal(r->n_interval_queues, 3);
    assert_string_equal(r->interval_queues[1].queue, "b");
    assert_int_equal(r->interval_queues[1].start_ms, 0);
    assert_int_equal(r->interval_queues[1].f.offered, 1);
    assert_int_equal(r->interval_queues[1].f.abandoned, 1);
    assert_int_equal(r->interval_queues[0].f.overflowed, 1);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* ---- report formats -------------------------------------------------------- */

static int json_has_key(const char *json, const char *obj_start, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *end = strchr(obj_start, '}');
    const char *hit = strstr(obj_start, pat);
    return hit && hit < end;
    (void)json;
}

static void json_report_keys(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    sl_example(k);
    cc_kpi_report *r = report(k);
    char *json = NULL;
    assert_int_equal(cc_kpi_report_json(r, NULL, 0, &json), CC_OK);
    static const char *const keys[] = {
        "offered",        "answered",      "abandoned", "short_abandoned", "blocked",
        "service_level",  "asa_s",         "avg_abandon_s", "longest_wait_s", "aht_s",
        "abandon_rate",   "transfer_rate", "fcr",       "repeat_rate",
    };
    const char *totals = strstr(json, "\"totals\":{");
    assert_non_null(totals);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        assert_true(json_has_key(json, totals, keys[i]));
    assert_false(json_has_key(json, totals, "occupancy")); /* unknown here */
    assert_false(json_has_key(json, totals, "sl_v1"));     /* only with FULL */
    /* Exactly the listed keys: count the colons of the totals object. */
    int colons = 0;
    for (const char *p = totals + 10; *p != '}'; p++) colons += *p == ':';
    assert_int_equal(colons, (int)(sizeof keys / sizeof *keys));
    assert_non_null(strstr(json, "\"queues\":[{\"queue\":\"sales\""));
    assert_non_null(strstr(json, "\"agents\":[{\"agent\":\"ann\""));
    assert_non_null(strstr(json, "\"intervals\":[{\"start\":\"1970-01-01T00:00:00Z\""));
    assert_null(strstr(json, "\"import\""));
    assert_non_null(strstr(json, "\"service_level\":0.2857142857142857"));
    cc_free(json);
    assert_int_equal(cc_kpi_report_json(r, NULL, CC_KPI_JSON_FULL | CC_KPI_JSON_PRETTY, &json),
                     CC_OK);
    assert_non_null(strstr(json, "\"sl_v4\": 0.5714285714285714"));
    assert_non_null(strstr(json, "\"pareto\""));
    assert_non_null(strstr(json, "\"sl_variant\": \"V2\""));
    cc_free(json);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void csv_report_tables(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    sl_example(k);
    call(k, 50, "with,comma", "ann", 0, S(1), S(1));
    cc_kpi_report *r = report(k);
    char *csv = NULL;
    assert_int_equal(cc_kpi_report_csv(r, CC_KPI_TABLE_QUEUES, &csv), CC_OK);
    assert_int_equal(strncmp(csv, "queue,offered,answered,abandoned,", 33), 0);
    assert_int_equal(count_lines(csv), 1 + 2 + 1); /* header, 2 queues, totals */
    assert_non_null(strstr(csv, "\r\n\"with,comma\",1,1,"));
    assert_non_null(strstr(csv, "\r\n*,8,5,3,"));
    cc_free(csv);
    assert_int_equal(cc_kpi_report_csv(r, CC_KPI_TABLE_INTERVALS, &csv), CC_OK);
    assert_non_null(strstr(csv, "1970-01-01T00:00:00Z,*,"));
    cc_free(csv);
    assert_int_equal(cc_kpi_report_csv(r, CC_KPI_TABLE_PARETO, &csv), CC_OK);
    assert_string_equal(csv, "rank,reason,contacts,share,cumulative,vital\r\n");
    cc_free(csv);
    assert_int_equal(cc_kpi_report_csv(r, (cc_kpi_table)42, &csv), CC_EINVAL);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* ---- options and bad input ------------------------------------------------ */

static void options_are_checked(void **state)
{
    (void)state;
    cc_kpi *k = NULL;
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.version = 99;
    assert_int_equal(cc_kpi_new(&k, &o), CC_EVERSION);
    assert_null(k);
    o = (cc_kpi_options)CC_KPI_OPTIONS_INIT;
    o.interval_ms = 1000;
    assert_int_equal(cc_kpi_new(&k, &o), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "interval"));
    o = (cc_kpi_options)CC_KPI_OPTIONS_INIT;
    o.short_abandon_ms = S(20); /* S must be < T */
    assert_int_equal(cc_kpi_new(&k, &o), CC_EINVAL);
    o = (cc_kpi_options)CC_KPI_OPTIONS_INIT;
    o.repeat_window_ms = INT64_MAX;
    assert_int_equal(cc_kpi_new(&k, &o), CC_EINVAL);
    o = (cc_kpi_options)CC_KPI_OPTIONS_INIT;
    o.sl_variant = 7;
    assert_int_equal(cc_kpi_new(&k, &o), CC_EINVAL);
    o = (cc_kpi_options)CC_KPI_OPTIONS_INIT;
    o.pareto_share = 1.5;
    assert_int_equal(cc_kpi_new(&k, &o), CC_EINVAL);
    cc_kpi_cx_model m = CC_KPI_CX_MODEL_INIT;
    m.version = 2;
    o = (cc_kpi_options)CC_KPI_OPTIONS_INIT;
    o.cx = &m;
    assert_int_equal(cc_kpi_new(&k, &o), CC_EVERSION);
    assert_int_equal(cc_kpi_new(NULL, NULL), CC_EINVAL);
    /* ABI pins of version 1. */
    assert_int_equal(sizeof(cc_kpi_cx_model), 8 + 9 * 8);
    assert_int_equal(sizeof(cc_kpi_cost_model), 8 + 3 * 8);
    assert_int_equal(offsetof(cc_kpi_options, cx), 64);
    cc_kpi_free(NULL);
    cc_kpi_report_free(NULL);
}

/* The short-abandon limit S must be below T. Its default (5 s) applies when T
 * is above it; with T of 5 s or less and S left to its default there are no
 * short abandons, rather than an error about a limit nobody set. A limit the
 * caller did set must be below T, and the message gives both. */
static void short_abandon_default_follows_the_threshold(void **state)
{
    (void)state;
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.sl_threshold_ms = S(5);
    cc_kpi *k = kpi_make(&o);
    lost(k, 1, "q", 0, S(2));
    cc_kpi_report *r = report(k);
    assert_true(r->short_abandon_ms < 0); /* none */
    assert_int_equal(r->totals.short_abandoned, 0);
    assert_int_equal(r->totals.abandoned_within, 1);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
    o.sl_threshold_ms = S(6);
    k = kpi_make(&o);
    r = report(k);
    assert_int_equal(r->short_abandon_ms, S(5));
    cc_kpi_report_free(r);
    cc_kpi_free(k);
    o.sl_threshold_ms = S(5);
    o.short_abandon_ms = S(5);
    k = NULL;
    assert_int_equal(cc_kpi_new(&k, &o), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "S = 5000 ms"));
    assert_non_null(strstr(cc_error_last(), "T = 5000 ms"));
}

static void invalid_events_change_nothing(void **state)
{
    (void)state;
    cc_kpi *k = kpi_make(NULL);
    cc_event e = ev(CC_EVENT_CONTACT_ABANDONED, S(10), 1, "q");
    e.wait_ms = -5;
    assert_int_equal(cc_kpi_add(k, &e), CC_EINVAL);
    e = ev((cc_event_type)99, 0, 1, "q");
    assert_int_equal(cc_kpi_add(k, &e), CC_EINVAL);
    e = ev(CC_EVENT_CONTACT_ARRIVED, 0, 1, "q");
    e.channel = (cc_channel)42;
    assert_int_equal(cc_kpi_add(k, &e), CC_EINVAL);
    assert_int_equal(cc_kpi_add(k, NULL), CC_EINVAL);
    e = ev(CC_EVENT_CONTACT_ARRIVED, INT64_MAX - 5, 1, "q"); /* would overflow sums */
    assert_int_equal(cc_kpi_add(k, &e), CC_EINVAL);
    cc_kpi_report *r = report(k);
    assert_int_equal(r->events, 0);
    assert_int_equal(r->events_rejected, 4);
    assert_int_equal(r->n_queues, 0);
    assert_int_equal(r->totals.offered, 0);
    assert_true(isnan(r->totals.service_level)); /* nothing to measure: unknown, not 0 */
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

static void stray_events_do_not_crash(void **state)
{
    (void)state;
    /* Events without their beginning (a log cut mid-call), repeated terminal
     * events and the same id reused. */
    cc_kpi *k = kpi_make(NULL);
    end_talk(k, 5, "q", "ann", S(10), S(10), S(3));
    abandon(k, 5, "q", S(11), S(2)); /* second terminal: ignored */
    abandon(k, 6, "q", S(30), S(25));
    cc_event t = ev(CC_EVENT_CONTACT_TRANSFERRED, S(40), 7, NULL);
    add(k, t);
    call(k, 5, "q", "bob", S(100), S(5), S(5)); /* id 5 reused */
    cc_kpi_report *r = report(k);
    assert_int_equal(r->totals.abandoned, 1);
    assert_int_equal(r->totals.handled, 2);
    assert_int_equal(r->totals.offered, 2);
    cc_kpi_report_free(r);
    cc_kpi_free(k);
}

/* ---- memory is bounded by groups, not by events ------------------------------ */

/* An allocator that knows how many bytes are live (a size header per block). */
static size_t live_bytes;

static void *sized_malloc(size_t n, void *ud)
{
    (void)ud;
    size_t *p = malloc(n + 16);
    if (!p) return NULL;
    p[0] = n;
    live_bytes += n;
    return (char *)p + 16;
}

static void sized_free(void *ptr, void *ud)
{
    (void)ud;
    if (!ptr) return;
    size_t *p = (size_t *)((char *)ptr - 16);
    live_bytes -= p[0];
    free(p);
}

static void *sized_realloc(void *ptr, size_t n, void *ud)
{
    if (!ptr) return sized_malloc(n, ud);
    size_t *p = (size_t *)((char *)ptr - 16);
    size_t old = p[0];
    size_t *q = realloc(p, n + 16);
    if (!q) return NULL;
    q[0] = n;
    live_bytes = live_bytes - old + n;
    return (char *)q + 16;
}

/* Bytes held after `contacts` contacts, one a minute, each from a new
 * customer, in one queue and one (very long) interval, with a one-hour
 * repeat window. */
static size_t bytes_after(uint64_t contacts, int same_reason)
{
    static const char *const reasons[] = {"billing", "tech", "card"};
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    o.interval_ms = 100000000000000LL; /* one cell for the whole run */
    o.repeat_window_ms = S(3600);
    o.cx_grace_ms = -1;
    o.repeat_same_reason = same_reason;
    cc_kpi *k = kpi_make(&o);
    for (uint64_t id = 1; id <= contacts; id++) {
        cc_event e = ev(CC_EVENT_CONTACT_ARRIVED, S(60 * (int64_t)id), id, "q");
        e.customer_id = id;
        e.reason = reasons[id % 3];
        add(k, e);
        e.type = CC_EVENT_CONTACT_QUEUED;
        add(k, e);
        abandon(k, id, "q", S(60 * (int64_t)id + 10), S(10));
    }
    size_t held = live_bytes;
    cc_kpi_free(k);
    return held;
}

static void memory_does_not_grow_with_events(void **state)
{
    (void)state;
    cc_allocator a = {sized_malloc, sized_realloc, sized_free, NULL};
    cc_set_allocator(&a);
    for (int same_reason = 0; same_reason <= 1; same_reason++) {
        size_t small = bytes_after(20000, same_reason), large = bytes_after(200000, same_reason);
        assert_int_equal(live_bytes, 0);
        /* Ten times the events, the same customers in the window: same memory. */
        assert_true(large <= small);
        assert_true(small < 2u << 20);
    }
    cc_set_allocator(NULL);
}

/* ---- allocation failures -------------------------------------------------- */

static int alloc_scenario(void *ctx)
{
    (void)ctx;
    cc_kpi_options o = CC_KPI_OPTIONS_INIT;
    cc_kpi *k = NULL;
    cc_status st = cc_kpi_new(&k, &o);
    if (st == CC_ENOMEM) return 0;
    if (st != CC_OK) return 1;
    for (uint64_t id = 1; id <= 40; id++) {
        const char *q = id % 3 ? "a" : "b";
        const char *agent = id % 2 ? "ann" : "bob";
        cc_event e = ev(CC_EVENT_CONTACT_ARRIVED, S(id * 100), id, q);
        e.customer_id = id % 5;
        e.reason = id % 4 ? "billing" : "tech";
        cc_event list[4];
        list[0] = e;
        list[1] = e;
        list[1].type = CC_EVENT_CONTACT_QUEUED;
        list[2] = ev(CC_EVENT_CONTACT_CONNECTED, S(id * 100 + 10), id, q);
        list[2].agent = agent;
        list[2].wait_ms = S(10);
        list[3] = ev(CC_EVENT_CONTACT_ENDED, S(id * 100 + 70), id, q);
        list[3].agent = agent;
        list[3].duration_ms = S(60);
        for (int i = 0; i < 4; i++) {
            st = cc_kpi_add(k, &list[i]);
            if (st != CC_OK && st != CC_ENOMEM) {
                cc_kpi_free(k);
                return 1;
            }
        }
    }
    cc_kpi_report *r = NULL;
    st = cc_kpi_report_new(k, &r);
    if (st == CC_OK) {
        char *text = NULL;
        st = cc_kpi_report_json(r, NULL, CC_KPI_JSON_FULL, &text);
        cc_free(text);
        if (st == CC_OK || st == CC_ENOMEM) {
            st = cc_kpi_report_csv(r, CC_KPI_TABLE_INTERVALS, &text);
            cc_free(text);
        }
        cc_kpi_report_free(r);
    }
    cc_kpi_free(k);
    return st == CC_OK || st == CC_ENOMEM ? 0 : 1;
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    long n = cc_test_alloc_sweep(alloc_scenario, NULL);
    assert_true(n > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sl_variants_all_differ),
        cmocka_unit_test(sl_variant_option_selects_formula),
        cmocka_unit_test(sl_threshold_is_inclusive_and_configurable),
        cmocka_unit_test(waiting_figures),
        cmocka_unit_test(short_abandon_threshold),
        cmocka_unit_test(overflow_counts_once_across_queues),
        cmocka_unit_test(asa_counts_the_first_answer_across_queues),
        cmocka_unit_test(requeue_after_rona_is_not_offered_again),
        cmocka_unit_test(handling_times),
        cmocka_unit_test(transfer_rate_and_legs),
        cmocka_unit_test(transferring_queue_counts_its_handled_leg),
        cmocka_unit_test(agent_rows_have_their_answers_waits),
        cmocka_unit_test(agent_rows_leave_contact_counts_undefined),
        cmocka_unit_test(waits_after_a_transfer_run_from_the_transfer),
        cmocka_unit_test(ended_after_transfer_out_only_closes),
        cmocka_unit_test(occupancy_utilisation_load),
        cmocka_unit_test(occupancy_per_interval),
        cmocka_unit_test(fcr_and_repeat_rate),
        cmocka_unit_test(same_reason_repeat_looks_past_other_reasons),
        cmocka_unit_test(frt_digital_only),
        cmocka_unit_test(csat_nps_ces),
        cmocka_unit_test(cost_per_contact),
        cmocka_unit_test(attrition_from_roster),
        cmocka_unit_test(pareto_vital_few),
        cmocka_unit_test(late_disposition_and_survey_find_their_contact),
        cmocka_unit_test(late_dispositions_find_contacts_closed_before_and_after_a_look),
        cmocka_unit_test(cx_line_peak_end),
        cmocka_unit_test(cx_weights_configurable_and_grace),
        cmocka_unit_test(intervals_split_by_entry_time),
        cmocka_unit_test(overflow_across_an_interval_boundary_stays_in_its_interval),
        cmocka_unit_test(json_report_keys),
        cmocka_unit_test(csv_report_tables),
        cmocka_unit_test(options_are_checked),
        cmocka_unit_test(short_abandon_default_follows_the_threshold),
        cmocka_unit_test(invalid_events_change_nothing),
        cmocka_unit_test(stray_events_do_not_crash),
        cmocka_unit_test(memory_does_not_grow_with_events),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
