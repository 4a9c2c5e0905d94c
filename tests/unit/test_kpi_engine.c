/*
 * tests/unit/test_kpi_engine.c - end to end: a scripted routing-engine
 * scenario whose events, fed live to a cc_kpi through the event sink, yield
 * KPIs computed by hand.
 *
 * Queue "sales" (T = 20 s, ring timeout 15 s, wrap-up 30 s), agents ann and
 * bob. Times in seconds:
 *   c1 arrives 1, answered 3 (wait 2), held 30-50, ended 101 ("billing").
 *   c2 arrives 2, rings the other agent, who lets it ring out at 17 (RONA;
 *      that agent goes not ready); nobody else is free; abandons at 40 (38 s).
 *   c3 arrives 140 (the first agent's wrap-up ended at 131), answered 142
 *      (wait 2), ended 202 ("billing").
 *   c4 arrives 150, waits until the second agent is ready again at 170,
 *      answered 175 (wait 25 > T), ended 235 ("card").
 * Wrap-ups of 30 s run out after each end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "callcore/callcore.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define S(x) ((int64_t)(x) * 1000)

typedef struct live {
    cc_kpi *kpi;
    char offered_to[8][16]; /* last agent each contact was offered to */
    int rona;
} live;

static void sink(const cc_event *ev, void *user_data)
{
    live *l = user_data;
    assert_int_equal(cc_kpi_add(l->kpi, ev), CC_OK);
    if (ev->type == CC_EVENT_CONTACT_OFFERED && ev->contact_id < 8)
        snprintf(l->offered_to[ev->contact_id], 16, "%s", ev->agent);
    l->rona += ev->type == CC_EVENT_CONTACT_RING_TIMEOUT;
}

static void arrive(cc_engine *e, uint64_t id, uint64_t customer, int64_t t)
{
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    c.id = id;
    c.customer_id = customer;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = "sales";
    assert_int_equal(cc_engine_contact_add(e, &c, t), CC_OK);
}

static void run_to(cc_engine *e, int64_t t)
{
    assert_int_equal(cc_engine_advance(e, t), CC_OK);
}

/* A fresh KPI aggregator in l and an engine whose events it receives (through sink). */
static cc_engine *live_engine(live *l)
{
    memset(l, 0, sizeof *l);
    assert_int_equal(cc_kpi_new(&l->kpi, NULL), CC_OK);
    cc_engine_options eo = CC_ENGINE_OPTIONS_INIT;
    eo.event_fn = sink;
    eo.event_user_data = l;
    cc_engine *e = NULL;
    assert_int_equal(cc_engine_new(&e, &eo), CC_OK);
    return e;
}

static void scripted_scenario_yields_known_kpis(void **state)
{
    (void)state;
    live l;
    cc_engine *e = live_engine(&l);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "sales";
    q.ring_timeout_ms = S(15);
    q.wrapup_ms = S(30);
    assert_int_equal(cc_engine_queue_add(e, &q), CC_OK);
    const char *names[] = {"ann", "bob"};
    for (int i = 0; i < 2; i++) {
        cc_membership m = {"sales", 0, 0, 0};
        cc_agent_config a = CC_AGENT_CONFIG_INIT;
        a.name = names[i];
        a.queues = &m;
        a.nqueues = 1;
        assert_int_equal(cc_engine_agent_add(e, &a, 0), CC_OK);
        assert_int_equal(cc_engine_agent_login(e, names[i], 0), CC_OK);
    }

    arrive(e, 1, 100, S(1));
    char first[16], second[16];
    snprintf(first, sizeof first, "%s", l.offered_to[1]);
    snprintf(second, sizeof second, "%s", strcmp(first, "ann") == 0 ? "bob" : "ann");
    arrive(e, 2, 200, S(2));
    assert_string_equal(l.offered_to[2], second);
    assert_int_equal(cc_engine_offer_accept(e, 1, first, S(3)), CC_OK);
    run_to(e, S(17)); /* c2 rings out on the second agent */
    assert_int_equal(l.rona, 1);
    assert_int_equal(cc_engine_contact_hold(e, 1, S(30)), CC_OK);
    assert_int_equal(cc_engine_contact_abandon(e, 2, S(40)), CC_OK);
    assert_int_equal(cc_engine_contact_resume(e, 1, S(50)), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 1, "billing", S(101)), CC_OK);
    run_to(e, S(140));
    arrive(e, 3, 100, S(140)); /* the same customer as c1 */
    assert_string_equal(l.offered_to[3], first);
    assert_int_equal(cc_engine_offer_accept(e, 3, first, S(142)), CC_OK);
    arrive(e, 4, 400, S(150));
    assert_int_equal(cc_engine_agent_ready(e, second, S(170)), CC_OK);
    assert_string_equal(l.offered_to[4], second);
    assert_int_equal(cc_engine_offer_accept(e, 4, second, S(175)), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 3, "billing", S(202)), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 4, "card", S(235)), CC_OK);
    run_to(e, S(300)); /* every wrap-up has run out */
    cc_engine_free(e);

    cc_kpi_flush(l.kpi);
    cc_kpi_report *r = NULL;
    assert_int_equal(cc_kpi_report_new(l.kpi, &r), CC_OK);
    const cc_kpi_figures *f = &r->totals;
    assert_int_equal(f->offered, 4);
    assert_int_equal(f->answered, 3);
    assert_int_equal(f->abandoned, 1);
    assert_int_equal(f->answered_within, 2); /* waits 2, 2, 25 */
    assert_int_equal(f->abandoned_within, 0); /* wait 38 */
    assert_int_equal(f->rona, 1);
    assert_int_equal(f->handled, 3);
    assert_true(fabs(f->service_level - 2.0 / 4) < 1e-12); /* V2 */
    assert_true(fabs(f->sl[0] - 2.0 / 3) < 1e-12);          /* V1 */
    assert_true(fabs(f->asa_s - (2.0 + 2 + 25) / 3) < 1e-9);
    assert_true(fabs(f->avg_abandon_s - 38) < 1e-9);
    assert_true(fabs(f->longest_wait_s - 38) < 1e-9);
    assert_true(fabs(f->hold_s - 20.0 / 3) < 1e-9);
    /* talk (hold excluded): 98 - 20, 60, 60; wrap-up 3 x 30 */
    assert_true(fabs(f->talk_s - (78.0 + 60 + 60) / 3) < 1e-9);
    assert_true(fabs(f->acw_s - 30) < 1e-9);
    assert_true(fabs(f->aht_s - (98.0 + 60 + 60 + 90) / 3) < 1e-9);
    assert_true(fabs(f->abandon_rate - 0.25) < 1e-12);
    /* customer 100 came back 39 s after c1 ended: one repeat of 4 arrivals,
     * and c1 (handled) was followed by it. */
    assert_int_equal(f->repeat_contacts, 1);
    assert_true(fabs(f->repeat_rate - 0.25) < 1e-12);
    assert_true(fabs(f->fcr - (1 - 1.0 / 3)) < 1e-12);
    /* Agent time comes from the engine's AGENT_STATE events. */
    assert_false(isnan(f->occupancy));
    assert_true(f->occupancy > 0 && f->occupancy < 1);
    assert_true(f->utilisation <= f->occupancy + 1e-12);
    const cc_kpi_group *agent_first = NULL;
    for (size_t i = 0; i < r->n_agents; i++)
        if (strcmp(r->agents[i].name, first) == 0) agent_first = &r->agents[i];
    assert_non_null(agent_first);
    assert_int_equal(agent_first->f.handled, 2);
    /* Pareto of dispositions: billing 2, card 1. */
    assert_int_equal(r->n_reasons, 2);
    assert_string_equal(r->reasons[0].reason, "billing");
    assert_int_equal(r->reasons[0].contacts, 2);
    cc_kpi_report_free(r);
    cc_kpi_free(l.kpi);
}

/* Queues "sales" (wrap-up sales_wrapup_ms) and "support" (none), agents ann in sales and
 * bob in support, logged in at 0; the engine's events go to l's KPI aggregator. */
static cc_engine *sales_and_support(live *l, int64_t sales_wrapup_ms)
{
    cc_engine *e = live_engine(l);
    const char *queues[] = {"sales", "support"};
    for (int i = 0; i < 2; i++) {
        cc_queue_config q = CC_QUEUE_CONFIG_INIT;
        q.name = queues[i];
        q.ring_timeout_ms = S(15);
        q.wrapup_ms = i == 0 ? sales_wrapup_ms : 0;
        assert_int_equal(cc_engine_queue_add(e, &q), CC_OK);
    }
    const char *names[] = {"ann", "bob"};
    for (int i = 0; i < 2; i++) {
        cc_membership m = {queues[i], 0, 0, 0};
        cc_agent_config a = CC_AGENT_CONFIG_INIT;
        a.name = names[i];
        a.queues = &m;
        a.nqueues = 1;
        assert_int_equal(cc_engine_agent_add(e, &a, 0), CC_OK);
        assert_int_equal(cc_engine_agent_login(e, names[i], 0), CC_OK);
    }
    return e;
}

/* A consult transfer from "sales" to "support": the engine queues the contact
 * in support while ann still talks, and sends CONTACT_TRANSFERRED (queue
 * sales, agent ann) only when bob accepts. Times in seconds: c1 arrives 1,
 * ann answers 3, consults support at 40, bob answers 65 (ann's leg: 62 s of
 * talk), ends 125 (bob's leg: 60 s). Like a blind transfer, ann's leg is
 * handled and transferred in sales, bob's leg handled in support. A consult
 * given up (c2) leaves its leg in sales too. */
static void consult_transfer_credits_the_consulting_queue(void **state)
{
    (void)state;
    live l;
    cc_engine *e = sales_and_support(&l, 0);
    arrive(e, 1, 100, S(1));
    assert_string_equal(l.offered_to[1], "ann");
    assert_int_equal(cc_engine_offer_accept(e, 1, "ann", S(3)), CC_OK);
    cc_transfer t = CC_TRANSFER_INIT;
    t.kind = CC_TRANSFER_CONSULT;
    t.target_queue = "support";
    assert_int_equal(cc_engine_contact_transfer(e, 1, &t, S(40)), CC_OK);
    assert_string_equal(l.offered_to[1], "bob");
    assert_int_equal(cc_engine_offer_accept(e, 1, "bob", S(65)), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 1, NULL, S(125)), CC_OK);
    /* c2: ann answers 202, consults support at 220, where bob is not ready;
     * ann gives up and ends the call at 260: her leg (58 s) is sales'. */
    assert_int_equal(cc_engine_agent_not_ready(e, "bob", "break", S(150)), CC_OK);
    arrive(e, 2, 200, S(200));
    assert_int_equal(cc_engine_offer_accept(e, 2, "ann", S(202)), CC_OK);
    assert_int_equal(cc_engine_contact_transfer(e, 2, &t, S(220)), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 2, NULL, S(260)), CC_OK);
    cc_engine_free(e);

    cc_kpi_report *r = NULL;
    assert_int_equal(cc_kpi_report_new(l.kpi, &r), CC_OK);
    assert_int_equal(r->n_queues, 2);
    const cc_kpi_figures *sales = &r->queues[0].f, *support = &r->queues[1].f;
    assert_string_equal(r->queues[0].name, "sales");
    assert_int_equal(sales->offered, 2);
    assert_int_equal(sales->handled, 2);
    assert_int_equal(sales->transferred, 1);
    assert_true(fabs(sales->talk_s - (62.0 + 58) / 2) < 1e-9);
    assert_true(fabs(sales->transfer_rate - 0.5) < 1e-12);
    assert_int_equal(support->offered, 2); /* c2 was offered there too */
    assert_int_equal(support->handled, 1);
    assert_int_equal(support->transferred, 0);
    assert_true(fabs(support->talk_s - 60) < 1e-9);
    assert_true(fabs(support->transfer_rate) < 1e-12);
    /* once in the totals, with every leg */
    assert_int_equal(r->totals.offered, 2);
    assert_int_equal(r->totals.handled, 2);
    assert_int_equal(r->totals.transferred, 1);
    assert_true(fabs(r->totals.talk_s - (122.0 + 58) / 2) < 1e-9);
    cc_kpi_report_free(r);
    cc_kpi_free(l.kpi);
}

/* A blind transfer from "sales" (wrap-up 30 s) to "support" (none): the
 * engine moves the contact to support at once and sends ann's
 * AGENT_WRAPUP_END (queue sales) 30 s later. The after-call work is part of
 * sales' AHT with ann's talk, not of support's. Times in seconds: c1 arrives
 * 1, ann answers 3, transfers at 63 (talk 60, wrap-up to 93), bob answers
 * 70, ends 130. */
static void wrapup_after_a_transfer_stays_in_its_queue(void **state)
{
    (void)state;
    live l;
    cc_engine *e = sales_and_support(&l, S(30));
    arrive(e, 1, 100, S(1));
    assert_int_equal(cc_engine_offer_accept(e, 1, "ann", S(3)), CC_OK);
    cc_transfer t = CC_TRANSFER_INIT;
    t.target_queue = "support";
    assert_int_equal(cc_engine_contact_transfer(e, 1, &t, S(63)), CC_OK);
    assert_string_equal(l.offered_to[1], "bob");
    assert_int_equal(cc_engine_offer_accept(e, 1, "bob", S(70)), CC_OK);
    run_to(e, S(100)); /* ann's wrap-up runs out at 93 */
    assert_int_equal(cc_engine_contact_end(e, 1, NULL, S(130)), CC_OK);
    cc_engine_free(e);

    cc_kpi_report *r = NULL;
    assert_int_equal(cc_kpi_report_new(l.kpi, &r), CC_OK);
    assert_int_equal(r->n_queues, 2);
    const cc_kpi_figures *sales = &r->queues[0].f, *support = &r->queues[1].f;
    assert_int_equal(sales->handled, 1);
    assert_true(fabs(sales->acw_s - 30) < 1e-9);
    assert_true(fabs(sales->aht_s - 90) < 1e-9);
    assert_int_equal(support->handled, 1);
    assert_true(fabs(support->acw_s) < 1e-9);
    assert_true(fabs(support->aht_s - 60) < 1e-9);
    assert_true(fabs(r->totals.aht_s - 150) < 1e-9);
    cc_kpi_report_free(r);
    cc_kpi_free(l.kpi);
}

/* CONTACT_TRANSFERRED carries no hold time: the transferring agent's leg is
 * split into talk and hold with the holds seen since the connect, as
 * CONTACT_ENDED splits its duration. Times in seconds: c1 arrives 1, ann
 * answers 3, holds 10-20, holds again at 50 and transfers (still on hold) to
 * support at 63: ann's leg is 60 s, 23 of them on hold. bob answers 70, ends
 * 130 (talk 60). */
static void hold_in_a_transferred_leg_is_hold(void **state)
{
    (void)state;
    live l;
    cc_engine *e = sales_and_support(&l, 0);
    arrive(e, 1, 100, S(1));
    assert_int_equal(cc_engine_offer_accept(e, 1, "ann", S(3)), CC_OK);
    assert_int_equal(cc_engine_contact_hold(e, 1, S(10)), CC_OK);
    assert_int_equal(cc_engine_contact_resume(e, 1, S(20)), CC_OK);
    assert_int_equal(cc_engine_contact_hold(e, 1, S(50)), CC_OK);
    cc_transfer t = CC_TRANSFER_INIT;
    t.target_queue = "support";
    assert_int_equal(cc_engine_contact_transfer(e, 1, &t, S(63)), CC_OK);
    assert_int_equal(cc_engine_offer_accept(e, 1, "bob", S(70)), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 1, NULL, S(130)), CC_OK);
    cc_engine_free(e);

    cc_kpi_report *r = NULL;
    assert_int_equal(cc_kpi_report_new(l.kpi, &r), CC_OK);
    const cc_kpi_figures *sales = &r->queues[0].f, *ann = &r->agents[0].f;
    assert_string_equal(r->queues[0].name, "sales");
    assert_string_equal(r->agents[0].name, "ann");
    assert_true(fabs(sales->talk_s - 37) < 1e-9);
    assert_true(fabs(sales->hold_s - 23) < 1e-9);
    assert_true(fabs(sales->aht_s - 60) < 1e-9);
    assert_true(fabs(ann->talk_s - 37) < 1e-9);
    assert_true(fabs(ann->hold_s - 23) < 1e-9);
    assert_true(fabs(r->totals.talk_s - 97) < 1e-9);
    assert_true(fabs(r->totals.hold_s - 23) < 1e-9);
    cc_kpi_report_free(r);
    cc_kpi_free(l.kpi);
}

/* The KPIs of a queue_log text, imported. */
static cc_kpi_report *queue_log_report(cc_kpi *kpi, const char *text)
{
    cc_import_options io = CC_IMPORT_OPTIONS_INIT;
    io.format = "queue_log";
    cc_import *imp = NULL;
    assert_int_equal(cc_import_new(&imp, &io), CC_OK);
    assert_int_equal(cc_import_begin_file(imp, "queue_log", cc_kpi_sink, kpi), CC_OK);
    assert_int_equal(cc_import_feed(imp, text, strlen(text), cc_kpi_sink, kpi), CC_OK);
    assert_int_equal(cc_import_finish(imp, cc_kpi_sink, kpi), CC_OK);
    assert_int_equal(cc_import_get_stats(imp)->lines_rejected, 0);
    cc_import_free(imp);
    cc_kpi_report *r = NULL;
    assert_int_equal(cc_kpi_report_new(kpi, &r), CC_OK);
    return r;
}

/* ASA is the mean queue wait of answered contacts (KPI.md): in the queue a
 * transfer sends a contact to, its wait is the time it waited there. The
 * engine's CONTACT_CONNECTED measures from the virtual start, so the second
 * answer's wait also held the first wait and the first agent's talk, while
 * Asterisk's holdtime (queue_log) is the wait in that queue: the same call
 * gave support an ASA of 69 s live and 7 s imported. Times in seconds: c1
 * arrives 1, ann answers 3, transfers blind to support at 63, bob answers 70
 * (7 s in support), ends 130. c2 arrives 200, ann answers 202, consults
 * support at 220, bob answers 245 (25 s in support), ends 300. */
static void asa_after_a_transfer_is_the_wait_in_the_new_queue(void **state)
{
    (void)state;
    live l;
    cc_engine *e = sales_and_support(&l, 0);
    arrive(e, 1, 100, S(1));
    assert_int_equal(cc_engine_offer_accept(e, 1, "ann", S(3)), CC_OK);
    cc_transfer t = CC_TRANSFER_INIT;
    t.target_queue = "support";
    assert_int_equal(cc_engine_contact_transfer(e, 1, &t, S(63)), CC_OK);
    assert_int_equal(cc_engine_offer_accept(e, 1, "bob", S(70)), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 1, NULL, S(130)), CC_OK);
    arrive(e, 2, 200, S(200));
    assert_int_equal(cc_engine_offer_accept(e, 2, "ann", S(202)), CC_OK);
    t.kind = CC_TRANSFER_CONSULT;
    assert_int_equal(cc_engine_contact_transfer(e, 2, &t, S(220)), CC_OK);
    assert_int_equal(cc_engine_offer_accept(e, 2, "bob", S(245)), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 2, NULL, S(300)), CC_OK);
    cc_engine_free(e);

    cc_kpi_report *r = NULL;
    assert_int_equal(cc_kpi_report_new(l.kpi, &r), CC_OK);
    const cc_kpi_figures *support = &r->queues[1].f, *bob = &r->agents[1].f;
    assert_string_equal(r->queues[1].name, "support");
    assert_string_equal(r->agents[1].name, "bob");
    assert_true(fabs(support->asa_s - (7.0 + 25) / 2) < 1e-9);
    assert_true(fabs(support->longest_wait_s - 25) < 1e-9);
    assert_int_equal(support->answered_within, 1); /* 7 s <= T = 20 s */
    assert_true(fabs(bob->asa_s - (7.0 + 25) / 2) < 1e-9);
    /* the totals keep each contact's first answer */
    assert_true(fabs(r->totals.asa_s - 2) < 1e-9);
    cc_kpi_report_free(r);
    cc_kpi_free(l.kpi);

    /* c1 in Asterisk's queue_log: the same figures for support */
    static const char log[] = "1700000001|c1|sales|NONE|ENTERQUEUE||100|1\n"
                              "1700000003|c1|sales|ann|CONNECT|2|b1|2\n"
                              "1700000063|c1|sales|ann|BLINDTRANSFER|600|ctx|2|60|1\n"
                              "1700000063|c1|support|NONE|ENTERQUEUE||100|1\n"
                              "1700000070|c1|support|bob|CONNECT|7|b2|7\n"
                              "1700000130|c1|support|bob|COMPLETECALLER|7|60|1\n";
    assert_int_equal(cc_kpi_new(&l.kpi, NULL), CC_OK);
    r = queue_log_report(l.kpi, log);
    assert_string_equal(r->queues[1].name, "support");
    assert_true(fabs(r->queues[1].f.asa_s - 7) < 1e-9);
    assert_true(fabs(r->totals.asa_s - 2) < 1e-9);
    cc_kpi_report_free(r);
    cc_kpi_free(l.kpi);
}

/* A callback that is not answered is dialled again: the engine sends
 * CALLBACK_SCHEDULED at the request and again (with the attempt number)
 * before every retry, and queues the contact again. It is still one contact
 * with one callback: offered, answered and handled once, and one callback
 * in the queue's count, not one per attempt. Queue "sales" (2 attempts,
 * retry after 10 s), ann not ready. Times in seconds: c1 arrives 1, asks for
 * a callback at 5; ann is ready at 20 and is dialled; no answer at 30; dialled
 * again at 40, answered at 45, ended 105. ann is not ready at 106; c2 arrives
 * 110, asks for a callback at 111; ann is ready and dialled at 112; busy at
 * 115, dialled again at 125, no answer at 130: left "callback-failed". */
static void a_retried_callback_counts_once(void **state)
{
    (void)state;
    live l;
    cc_engine *e = live_engine(&l);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "sales";
    q.callback_max_attempts = 2;
    q.callback_retry_ms = S(10);
    assert_int_equal(cc_engine_queue_add(e, &q), CC_OK);
    cc_membership m = {"sales", 0, 0, 0};
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    a.name = "ann";
    a.queues = &m;
    a.nqueues = 1;
    assert_int_equal(cc_engine_agent_add(e, &a, 0), CC_OK);
    assert_int_equal(cc_engine_agent_login(e, "ann", 0), CC_OK);
    assert_int_equal(cc_engine_agent_not_ready(e, "ann", "break", 0), CC_OK);
    arrive(e, 1, 100, S(1));
    assert_int_equal(cc_engine_callback_request(e, 1, S(5)), CC_OK);
    assert_int_equal(cc_engine_agent_ready(e, "ann", S(20)), CC_OK);
    assert_int_equal(cc_engine_callback_result(e, 1, CC_DIAL_NO_ANSWER, S(30)), CC_OK);
    run_to(e, S(40));
    assert_int_equal(cc_engine_callback_result(e, 1, CC_DIAL_ANSWERED, S(45)), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 1, NULL, S(105)), CC_OK);
    assert_int_equal(cc_engine_agent_not_ready(e, "ann", "break", S(106)), CC_OK);
    arrive(e, 2, 200, S(110));
    assert_int_equal(cc_engine_callback_request(e, 2, S(111)), CC_OK);
    assert_int_equal(cc_engine_agent_ready(e, "ann", S(112)), CC_OK);
    assert_int_equal(cc_engine_callback_result(e, 2, CC_DIAL_BUSY, S(115)), CC_OK);
    run_to(e, S(125));
    assert_int_equal(cc_engine_callback_result(e, 2, CC_DIAL_NO_ANSWER, S(130)), CC_OK);
    cc_engine_free(e);

    cc_kpi_report *r = NULL;
    assert_int_equal(cc_kpi_report_new(l.kpi, &r), CC_OK);
    const cc_kpi_figures *t = &r->totals;
    assert_int_equal(t->offered, 2);
    assert_int_equal(t->answered, 1);
    assert_int_equal(t->handled, 1);
    assert_int_equal(t->abandoned, 0);
    assert_int_equal(t->left, 1);
    assert_int_equal(t->callbacks, 2);
    assert_int_equal(r->queues[0].f.callbacks, 2);
    assert_true(fabs(t->aht_s - 60) < 1e-9);
    cc_kpi_report_free(r);
    cc_kpi_free(l.kpi);
}

/* Agent time from the engine's own events, logged in across midnight, with
 * a logout: the engine sends AGENT_LOGOUT before the AGENT_STATE to logged
 * out, and the last state must count once. Queue "sales" (wrap-up 60 s),
 * ann alone; times in minutes from midnight (day 1):
 *   -10 login (ready); c1 arrives -5, answered -4, ends 5, wrap-up to 6;
 *   ready to 10, not ready ("lunch") 10-40, ready; c2 arrives 45, answered
 *   at once, ends 47, wrap-up to 48; ready; logout 50.
 * Logged in 60: ready 5 + 4 + 5 + 2 = 16, handling 11 + 3 = 14, not ready 30.
 * Rows (30 min): 23:30 has c1 (ready 5, handling 5, on a contact 4); 0:30
 * has c2 (not ready 10, ready 5 + 2, handling 3, on a contact 2). */
static void agent_time_across_midnight_and_logout(void **state)
{
    (void)state;
    live l;
    cc_engine *e = live_engine(&l);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "sales";
    q.ring_timeout_ms = S(15);
    q.wrapup_ms = S(60);
    assert_int_equal(cc_engine_queue_add(e, &q), CC_OK);
    cc_membership m = {"sales", 0, 0, 0};
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    a.name = "ann";
    a.queues = &m;
    a.nqueues = 1;
    assert_int_equal(cc_engine_agent_add(e, &a, 0), CC_OK);
    const int64_t day = S(86400), min = S(60);
    assert_int_equal(cc_engine_agent_login(e, "ann", day - 10 * min), CC_OK);
    arrive(e, 1, 100, day - 5 * min);
    assert_int_equal(cc_engine_offer_accept(e, 1, "ann", day - 4 * min), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 1, NULL, day + 5 * min), CC_OK);
    run_to(e, day + 6 * min);
    assert_int_equal(cc_engine_agent_not_ready(e, "ann", "lunch", day + 10 * min), CC_OK);
    assert_int_equal(cc_engine_agent_ready(e, "ann", day + 40 * min), CC_OK);
    arrive(e, 2, 200, day + 45 * min);
    assert_int_equal(cc_engine_offer_accept(e, 2, "ann", day + 45 * min), CC_OK);
    assert_int_equal(cc_engine_contact_end(e, 2, NULL, day + 47 * min), CC_OK);
    run_to(e, day + 48 * min);
    assert_int_equal(cc_engine_agent_logout(e, "ann", day + 50 * min), CC_OK);
    cc_engine_free(e);

    cc_kpi_report *r = NULL;
    assert_int_equal(cc_kpi_report_new(l.kpi, &r), CC_OK);
    assert_int_equal(r->n_agents, 1);
    const cc_kpi_figures *ann = &r->agents[0].f;
    assert_true(fabs(ann->occupancy - 14.0 / (14 + 16)) < 1e-12);
    assert_true(fabs(ann->utilisation - 14.0 / 60) < 1e-12);
    assert_true(fabs(ann->load - (9.0 + 2) / 60) < 1e-12);
    assert_true(fabs(ann->contacts_per_agent_hour - 2.0) < 1e-12);
    assert_true(fabs(r->totals.occupancy - 14.0 / 30) < 1e-12);
    assert_true(fabs(r->totals.utilisation - 14.0 / 60) < 1e-12);
    assert_int_equal(r->n_intervals, 2);
    assert_int_equal(r->intervals[0].start_ms, day - 30 * min);
    assert_true(fabs(r->intervals[0].f.occupancy - 5.0 / 10) < 1e-12);
    assert_true(fabs(r->intervals[0].f.load - 4.0 / 10) < 1e-12);
    assert_int_equal(r->intervals[1].start_ms, day + 30 * min);
    assert_true(fabs(r->intervals[1].f.occupancy - 3.0 / (3 + 7)) < 1e-12);
    assert_true(fabs(r->intervals[1].f.utilisation - 3.0 / 20) < 1e-12);
    assert_true(fabs(r->intervals[1].f.load - 2.0 / 20) < 1e-12);
    cc_kpi_report_free(r);
    cc_kpi_free(l.kpi);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scripted_scenario_yields_known_kpis),
        cmocka_unit_test(consult_transfer_credits_the_consulting_queue),
        cmocka_unit_test(wrapup_after_a_transfer_stays_in_its_queue),
        cmocka_unit_test(agent_time_across_midnight_and_logout),
        cmocka_unit_test(hold_in_a_transferred_leg_is_hold),
        cmocka_unit_test(asa_after_a_transfer_is_the_wait_in_the_new_queue),
        cmocka_unit_test(a_retried_callback_counts_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
