/*
 * tests/unit/test_queue_configure.c - cc_engine_queue_configure: each field
 * changes what the engine does next, refused calls change nothing (snapshot
 * bytes compared), allocation failures are clean, and a reconfigured queue
 * survives snapshot/restore.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/engine_internal.h"
#include "engine_fixture.h"
#include "engine_snapshot.h"
#include "support/alloc_fail.h"

#define OK(x) assert_int_equal((x), CC_OK)

static void check(cc_engine *e)
{
    char msg[256];
    if (cc__engine_check(e, msg, sizeof msg)) fail_msg("invariant: %s", msg);
}

static cc_queue_config config(const char *name)
{
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = name;
    return q;
}

/* Queue "q" (longest idle); ann (skill en 5) logs in at 10, bob (no skill)
 * at 20: longest idle picks ann, least-skilled-first picks bob. */
static cc_engine *two_agents(recorder *r)
{
    cc_engine *e = new_engine(r, 9);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "ann", "q", "en", 5, 0));
    OK(add_agent(e, "bob", "q", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "ann", 10));
    OK(cc_engine_agent_login(e, "bob", 20));
    return e;
}

static void strategy_switch_changes_who_gets_the_next_contact(void **state)
{
    (void)state;
    recorder r1 = {0}, r2 = {0};
    cc_engine *same = two_agents(&r1), *e = two_agents(&r2);
    cc_queue_config q = config("q");
    q.strategy = CC_STRATEGY_LEAST_SKILLED;
    OK(cc_engine_queue_configure(e, &q, 30));
    check(e);
    OK(add_contact(same, 1, "q", 0, NULL, 0, 40));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 40));
    assert_string_equal(contact_agent(same, 1), "ann");
    assert_string_equal(contact_agent(e, 1), "bob");
    /* and back: the index is re-keyed again */
    OK(cc_engine_offer_reject(e, 1, "bob", 50)); /* bob stays ready; 1 goes to ann */
    assert_string_equal(contact_agent(e, 1), "ann");
    OK(cc_engine_offer_accept(e, 1, "ann", 60));
    q.strategy = CC_STRATEGY_LONGEST_IDLE;
    OK(cc_engine_queue_configure(e, &q, 70));
    check(e);
    cc_engine_free(same);
    cc_engine_free(e);
    rec_free(&r1);
    rec_free(&r2);
}

static void strategy_switch_to_random_is_deterministic(void **state)
{
    (void)state;
    char first[2][64];
    for (int run = 0; run < 2; run++) {
        recorder r = {0};
        cc_engine *e = two_agents(&r);
        OK(add_agent(e, "cy", "q", NULL, 0, 25));
        OK(cc_engine_agent_login(e, "cy", 25));
        cc_queue_config q = config("q");
        q.strategy = CC_STRATEGY_RANDOM;
        OK(cc_engine_queue_configure(e, &q, 30));
        check(e);
        OK(add_contact(e, 1, "q", 0, NULL, 0, 40));
        snprintf(first[run], sizeof first[run], "%s", contact_agent(e, 1));
        assert_string_not_equal(first[run], "");
        cc_engine_free(e);
        rec_free(&r);
    }
    assert_string_equal(first[0], first[1]);
}

static void ring_timeout_applies_to_the_next_offer_only(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = two_agents(&r);
    OK(add_contact(e, 1, "q", 0, NULL, 0, 100)); /* rings ann, default 15 s */
    assert_int_equal(cc_engine_next_deadline(e), 100 + 15000);
    cc_queue_config q = config("q");
    q.ring_timeout_ms = 4000;
    OK(cc_engine_queue_configure(e, &q, 200));
    assert_int_equal(cc_engine_next_deadline(e), 100 + 15000); /* keeps its timer */
    OK(add_contact(e, 2, "q", 0, NULL, 0, 300));               /* rings bob, 4 s */
    assert_string_equal(contact_agent(e, 2), "bob");
    OK(cc_engine_offer_accept(e, 1, "ann", 400));
    assert_int_equal(cc_engine_next_deadline(e), 300 + 4000);
    OK(cc_engine_advance(e, 4300));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_RING_TIMEOUT), 1);
    check(e);
    cc_engine_free(e);
    rec_free(&r);
}

static void max_length_blocks_new_arrivals(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 10));
    OK(add_contact(e, 2, "q", 0, NULL, 0, 20));
    cc_queue_config q = config("q");
    q.max_length = 2;
    OK(cc_engine_queue_configure(e, &q, 30));
    assert_int_equal(contact_state(e, 1), CC_CONTACT_WAITING); /* nobody dropped */
    assert_int_equal(contact_state(e, 2), CC_CONTACT_WAITING);
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_BLOCKED), 0);
    OK(add_contact(e, 3, "q", 0, NULL, 0, 40));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_BLOCKED), 1);
    assert_string_equal(r.items[rec_find(&r, 0, CC_EVENT_CONTACT_BLOCKED, 0)].reason, "full");
    q.max_length = 0;
    OK(cc_engine_queue_configure(e, &q, 50));
    OK(add_contact(e, 4, "q", 0, NULL, 0, 60));
    assert_int_equal(contact_state(e, 4), CC_CONTACT_WAITING);
    check(e);
    cc_engine_free(e);
    rec_free(&r);
}

static void max_wait_moves_the_deadlines_of_waiting_contacts(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 0));
    OK(add_contact(e, 2, "q", 0, NULL, 0, 800));
    assert_int_equal(cc_engine_next_deadline(e), CC_NO_DEADLINE);
    cc_queue_config q = config("q");
    q.max_wait_ms = 10000;
    OK(cc_engine_queue_configure(e, &q, 1000));
    assert_int_equal(cc_engine_next_deadline(e), 10000); /* entered 0 + 10 s */
    OK(cc_engine_advance(e, 10000));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_LEFT), 1);
    assert_int_equal(contact_state(e, 2), CC_CONTACT_WAITING);
    /* shorter than what contact 2 already waited: fires at the next advance */
    q.max_wait_ms = 1000;
    OK(cc_engine_queue_configure(e, &q, 12000));
    assert_int_equal(cc_engine_next_deadline(e), 12000);
    OK(cc_engine_advance(e, 12000));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_LEFT), 2);
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_LEFT, 1);
    assert_string_equal(r.items[i].reason, "max-wait");
    assert_int_equal(r.items[i].ev.time_ms, 12000);
    /* 0 removes the deadline */
    OK(add_contact(e, 3, "q", 0, NULL, 0, 13000));
    assert_int_equal(cc_engine_next_deadline(e), 14000);
    q.max_wait_ms = 0;
    OK(cc_engine_queue_configure(e, &q, 13500));
    assert_int_equal(cc_engine_next_deadline(e), CC_NO_DEADLINE);
    check(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* A contact that reached the max wait while ringing has its action pending until the offer
 * fails. A new max wait moves its deadline like every other contact's (engine.h): removed
 * (0), the reject puts it back in its place; raised, it waits until entered + the new
 * value. Before, the pending action survived the change and the reject made it leave
 * "max-wait" in both cases. */
static void max_wait_change_reaches_a_contact_past_it_while_ringing(void **state)
{
    (void)state;
    for (int raise = 0; raise <= 1; raise++) {
        recorder r = {0};
        cc_engine *e = new_engine(&r, 1);
        cc_queue_config q = config("q");
        q.max_wait_ms = 10000;
        q.ring_timeout_ms = 30000;
        OK(cc_engine_queue_add(e, &q));
        OK(add_agent(e, "ann", "q", NULL, 0, 0));
        OK(cc_engine_agent_login(e, "ann", 0));
        OK(add_contact(e, 1, "q", 0, NULL, 0, 0));
        assert_string_equal(contact_agent(e, 1), "ann");
        OK(cc_engine_advance(e, 10000)); /* max wait reached while ringing */
        assert_int_equal(contact_state(e, 1), CC_CONTACT_OFFERED);
        q.max_wait_ms = raise ? 100000 : 0;
        OK(cc_engine_queue_configure(e, &q, 11000));
        OK(cc_engine_offer_reject(e, 1, "ann", 12000));
        assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_LEFT), 0);
        assert_int_equal(contact_state(e, 1), CC_CONTACT_OFFERED); /* again, to ann */
        assert_int_equal(cc_engine_next_deadline(e), 42000);        /* its ring timer */
        OK(cc_engine_offer_reject(e, 1, "ann", 43000));
        if (raise) { /* rings out at 73000 (ann not-ready), then waits until 100000 */
            OK(cc_engine_advance(e, 99999));
            assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_LEFT), 0);
            assert_int_equal(contact_state(e, 1), CC_CONTACT_WAITING);
            OK(cc_engine_advance(e, 100000));
            long i = rec_find(&r, 0, CC_EVENT_CONTACT_LEFT, 0);
            assert_true(i >= 0);
            assert_int_equal(r.items[i].ev.time_ms, 100000);
            assert_string_equal(r.items[i].reason, "max-wait");
        } else {
            assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_LEFT), 0);
            assert_int_equal(contact_state(e, 1), CC_CONTACT_OFFERED);
        }
        check(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

static void weight_changes_which_queue_an_agent_serves(void **state)
{
    (void)state;
    const uint64_t want[2] = {1, 2}; /* equal weights: std's; gold x 5: gold's */
    for (int reweigh = 0; reweigh < 2; reweigh++) {
        recorder r = {0};
        cc_engine *e = new_engine(&r, 1);
        OK(add_queue(e, "std", CC_STRATEGY_LONGEST_IDLE));
        OK(add_queue(e, "gold", CC_STRATEGY_LONGEST_IDLE));
        cc_agent_config a = CC_AGENT_CONFIG_INIT;
        cc_membership ms[2] = {{"std", 0, 0, 0.0}, {"gold", 0, 0, 0.0}};
        a.name = "a";
        a.queues = ms;
        a.nqueues = 2;
        OK(cc_engine_agent_add(e, &a, 0));
        OK(add_contact(e, 1, "std", 0, NULL, 0, 0));     /* waits 2000 at login */
        OK(add_contact(e, 2, "gold", 0, NULL, 0, 1000)); /* waits 1000 (x 5) */
        if (reweigh) {
            cc_queue_config q = config("gold");
            q.weight = 5.0;
            OK(cc_engine_queue_configure(e, &q, 1500));
        }
        OK(cc_engine_agent_login(e, "a", 2000));
        cc_contact_status st = CC_CONTACT_STATUS_INIT;
        OK(cc_engine_contact_status(e, want[reweigh], &st));
        assert_int_equal(st.state, CC_CONTACT_OFFERED);
        check(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

static void wrapup_and_leave_when_empty_take_effect(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = two_agents(&r);
    cc_queue_config q = config("q");
    q.wrapup_ms = 5000;
    OK(cc_engine_queue_configure(e, &q, 30));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 40));
    OK(cc_engine_offer_accept(e, 1, "ann", 50));
    OK(cc_engine_contact_end(e, 1, NULL, 60));
    assert_int_equal(agent_state(e, "ann"), CC_AGENT_WRAPUP);
    assert_int_equal(cc_engine_next_deadline(e), 60 + 5000);
    OK(cc_engine_advance(e, 5060));
    OK(cc_engine_agent_logout(e, "ann", 5100));
    OK(cc_engine_agent_logout(e, "bob", 5100));
    OK(add_contact(e, 2, "q", 0, NULL, 0, 5200)); /* nobody staffs: waits */
    assert_int_equal(contact_state(e, 2), CC_CONTACT_WAITING);
    q.leave_when_empty = 1;
    OK(cc_engine_queue_configure(e, &q, 5300));
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_LEFT, 0);
    assert_true(i >= 0);
    assert_string_equal(r.items[i].reason, "empty");
    assert_int_equal(r.items[i].ev.time_ms, 5300);
    check(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* Required skills may change on an idle queue, and the next contact gets the
 * new requirement; while contacts use the queue the change is refused. */
static void skills_change_on_an_idle_queue_only(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = two_agents(&r);
    cc_skill en = {"en", 3};
    cc_queue_config q = config("q");
    q.skills = &en;
    q.nskills = 1;
    OK(cc_engine_queue_configure(e, &q, 30));
    OK(cc_engine_agent_not_ready(e, "ann", "break", 35));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 40)); /* needs en: bob cannot take it */
    assert_int_equal(contact_state(e, 1), CC_CONTACT_WAITING);
    cc_queue_config relaxed = config("q");
    assert_int_equal(cc_engine_queue_configure(e, &relaxed, 50), CC_ESTATE);
    assert_non_null(strstr(cc_error_last(), "contacts use the queue"));
    /* scalars still change while it waits */
    q.ring_timeout_ms = 7000;
    OK(cc_engine_queue_configure(e, &q, 60));
    OK(cc_engine_agent_ready(e, "ann", 70));
    assert_string_equal(contact_agent(e, 1), "ann");
    assert_int_equal(cc_engine_next_deadline(e), 70 + 7000);
    OK(cc_engine_offer_accept(e, 1, "ann", 80));
    OK(cc_engine_contact_end(e, 1, NULL, 90));
    OK(cc_engine_queue_configure(e, &relaxed, 100)); /* idle again */
    OK(add_contact(e, 2, "q", 0, NULL, 0, 110));
    assert_string_equal(contact_agent(e, 2), "bob");
    check(e);
    cc_engine_free(e);
    rec_free(&r);
}

static void refused(cc_engine *e, const snap *before, cc_status got, cc_status want,
                    const char *needle)
{
    if (got != want)
        fail_msg("got %s (%s), want %s", cc_status_name(got), cc_error_last(),
                 cc_status_name(want));
    if (needle && !strstr(cc_error_last(), needle))
        fail_msg("detail '%s' does not mention '%s'", cc_error_last(), needle);
    same_snapshot(e, before);
}

static void bad_input_changes_nothing(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = two_agents(&r);
    OK(cc_engine_agent_not_ready(e, "ann", "break", 30));
    OK(cc_engine_agent_not_ready(e, "bob", "break", 30));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 40)); /* waits: skills are frozen */
    snap before = take(e);
    cc_queue_config q = config("q");
    refused(e, &before, cc_engine_queue_configure(e, NULL, 50), CC_EINVAL, "NULL");
    refused(e, &before, cc_engine_queue_configure(NULL, &q, 50), CC_EINVAL, NULL);
    refused(e, &before, cc_engine_queue_configure(e, &q, 5), CC_EINVAL, "backwards");
    q.version = 99;
    refused(e, &before, cc_engine_queue_configure(e, &q, 50), CC_EVERSION, "version");
    q = config("nope");
    refused(e, &before, cc_engine_queue_configure(e, &q, 50), CC_ENOTFOUND, "nope");
    q = config("q");
    q.ring_timeout_ms = -5;
    refused(e, &before, cc_engine_queue_configure(e, &q, 50), CC_EINVAL, "ring_timeout_ms");
    q = config("q");
    q.strategy = (cc_strategy)99;
    refused(e, &before, cc_engine_queue_configure(e, &q, 50), CC_EINVAL, "strategy");
    q = config("q");
    q.weight = -1;
    refused(e, &before, cc_engine_queue_configure(e, &q, 50), CC_EINVAL, "weight");
    q = config("q");
    q.max_wait_action = CC_MAX_WAIT_OVERFLOW; /* no target */
    refused(e, &before, cc_engine_queue_configure(e, &q, 50), CC_EINVAL, "overflow");
    cc_escalation esc[2] = {{5000, 1, 0, NULL}, {4000, 1, 0, NULL}};
    q = config("q");
    q.escalations = esc;
    q.nescalations = 2;
    refused(e, &before, cc_engine_queue_configure(e, &q, 50), CC_EINVAL, "escalation");
    cc_skill sk[2] = {{"brand-new", 3}, {"other-new", 11}};
    q = config("q");
    q.skills = sk;
    q.nskills = 2; /* the first name would be interned: rolled back */
    refused(e, &before, cc_engine_queue_configure(e, &q, 50), CC_EINVAL, NULL);
    q.nskills = 1; /* valid, but contact 1 waits */
    refused(e, &before, cc_engine_queue_configure(e, &q, 50), CC_ESTATE, "'q'");
    check(e);
    cc_free(before.buf);
    cc_engine_free(e);
    rec_free(&r);
}

/* Escalation steps may change while the queue's contacts are all at step 0
 * (their first step is rescheduled), not once one of them has escalated. */
static void escalation_steps_change_until_a_contact_escalates(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 0));
    OK(add_contact(e, 2, "q", 0, NULL, 0, 3000));
    cc_escalation esc[2] = {{5000, 0, 3, NULL}, {9000, 0, 6, NULL}};
    cc_queue_config q = config("q");
    q.escalations = esc;
    q.nescalations = 2;
    OK(cc_engine_queue_configure(e, &q, 3000));
    check(e);
    assert_int_equal(cc_engine_next_deadline(e), 5000); /* contact 1: entered 0 */
    OK(cc_engine_advance(e, 5000));
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_ESCALATED, 0);
    assert_true(i >= 0);
    assert_int_equal(r.items[i].ev.contact_id, 1);
    assert_int_equal(r.items[i].ev.priority, 3);
    snap before = take(e);
    esc[0].priority_boost = 1;
    refused(e, &before, cc_engine_queue_configure(e, &q, 5100), CC_ESTATE, "escalated");
    q.ring_timeout_ms = 9000; /* other fields still change; the steps stay */
    esc[0].priority_boost = 3;
    OK(cc_engine_queue_configure(e, &q, 5100));
    cc_free(before.buf);
    /* once the escalated contact is gone, steps change again: contact 2
     * (entered 3000) gets the new first step at 3000 + 2000, i.e. now */
    OK(cc_engine_contact_abandon(e, 1, 5200));
    cc_escalation later = {2000, 0, 1, NULL};
    q.escalations = &later;
    q.nescalations = 1;
    OK(cc_engine_queue_configure(e, &q, 5300));
    assert_int_equal(cc_engine_next_deadline(e), 5300);
    q.nescalations = 0; /* none: contact 2 never escalates */
    OK(cc_engine_queue_configure(e, &q, 5300));
    assert_int_equal(cc_engine_next_deadline(e), CC_NO_DEADLINE);
    OK(cc_engine_advance(e, 100000));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_ESCALATED), 1);
    check(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* Steps given to a queue whose contact has waited past them: the first is
 * due now (never before now), and the next one, entered + its after_ms, lies
 * in the past too: it follows at once, not with an event time before the
 * first step's (events never go back in time). */
static void escalation_steps_after_a_late_first_step_keep_time_order(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 0));
    cc_escalation esc[2] = {{10000, 0, 3, NULL}, {20000, 0, 6, NULL}};
    cc_queue_config q = config("q");
    q.escalations = esc;
    q.nescalations = 2;
    OK(cc_engine_queue_configure(e, &q, 100000));
    OK(cc_engine_advance(e, 100000));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_ESCALATED), 2);
    for (size_t i = 1; i < r.len; i++)
        assert_true(r.items[i].ev.time_ms >= r.items[i - 1].ev.time_ms);
    long second = rec_find(&r, 0, CC_EVENT_CONTACT_ESCALATED, 1);
    assert_int_equal(r.items[second].ev.time_ms, 100000);
    assert_int_equal(r.items[second].ev.priority, 6);
    check(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* Every allocation of a full reconfiguration fails in turn: CC_ENOMEM and an
 * unchanged engine each time, then success. */
static void allocation_failures_change_nothing(void **state)
{
    (void)state;
    long tried = 0;
    for (long n = 0;; n++, tried++) {
        recorder r = {0};
        cc_engine *e = new_engine(&r, 4);
        OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
        OK(add_queue(e, "spill", CC_STRATEGY_LONGEST_IDLE));
        OK(add_agent(e, "ann", "q", "en", 5, 0));
        OK(cc_engine_agent_login(e, "ann", 10));
        snap before = take(e);
        cc_skill sk[2] = {{"en", 2}, {"fresh-skill", 1}};
        cc_escalation esc[2] = {{1000, 1, 1, "spill"}, {2000, 0, 2, NULL}};
        cc_queue_config q = config("q");
        q.strategy = CC_STRATEGY_WEIGHTED_RANDOM;
        q.skills = sk;
        q.nskills = 2;
        q.escalations = esc;
        q.nescalations = 2;
        q.max_wait_ms = 9000;
        q.max_wait_action = CC_MAX_WAIT_OVERFLOW;
        q.overflow_queue = "spill";
        cc_test_alloc_fail_at(n);
        cc_status st = cc_engine_queue_configure(e, &q, 20);
        int failed = cc_test_alloc_failed();
        cc_test_alloc_reset();
        if (failed) {
            if (st != CC_ENOMEM) fail_msg("allocation %ld: got %s", n, cc_status_name(st));
            same_snapshot(e, &before);
        } else {
            OK(st);
        }
        check(e);
        cc_free(before.buf);
        cc_engine_free(e);
        rec_free(&r);
        if (!failed) break;
    }
    assert_true(tried >= 5); /* strdup, skills, escalations, add_queue, interning */
    print_message("# %ld allocation failure points tried\n", tried);
}

static void reconfigured_queue_survives_snapshot_restore(void **state)
{
    (void)state;
    recorder r1 = {0}, r2 = {0};
    cc_engine *e = two_agents(&r1);
    OK(add_agent(e, "cy", "q", NULL, 0, 25));
    OK(cc_engine_agent_login(e, "cy", 25));
    cc_skill en = {"en", 1};
    cc_escalation esc = {3000, 1, 5, NULL};
    cc_queue_config q = config("q");
    q.strategy = CC_STRATEGY_RANDOM;
    q.weight = 2.5;
    q.ring_timeout_ms = 6000;
    q.max_wait_ms = 20000;
    q.wrapup_ms = 1000;
    q.skills = &en;
    q.nskills = 1;
    q.escalations = &esc;
    q.nescalations = 1;
    OK(cc_engine_queue_configure(e, &q, 30));
    snap s = take(e);
    cc_engine *f = new_engine(&r2, 12345);
    OK(cc_engine_restore(f, s.buf, s.len));
    same_snapshot(f, &s);
    cc_queue_status qs = CC_QUEUE_STATUS_INIT;
    OK(cc_engine_queue_status(f, "q", &qs));
    assert_int_equal(qs.sl_threshold_ms, 20000);
    /* both engines go on identically: random picks, ring timeouts, wrap-ups */
    size_t mark = r1.len;
    for (uint64_t i = 0; i < 6; i++) {
        int64_t t = 1000 + (int64_t)i * 10000;
        cc_engine *both[2] = {e, f};
        for (int k = 0; k < 2; k++) {
            OK(cc_engine_advance(both[k], t));
            OK(add_contact(both[k], 100 + i, "q", 0, NULL, 0, t));
            if (i % 2 == 0) {
                const char *who = contact_agent(both[k], 100 + i);
                if (*who) OK(cc_engine_offer_accept(both[k], 100 + i, who, t + 10));
            }
        }
    }
    OK(cc_engine_advance(e, 200000));
    OK(cc_engine_advance(f, 200000));
    assert_int_equal(r1.len - mark, r2.len);
    assert_true(r2.len > 10);
    for (size_t i = 0; i < r2.len; i++) {
        assert_int_equal(r1.items[mark + i].ev.type, r2.items[i].ev.type);
        assert_int_equal(r1.items[mark + i].ev.time_ms, r2.items[i].ev.time_ms);
        assert_string_equal(r1.items[mark + i].agent, r2.items[i].agent);
    }
    assert_true(rec_count(&r2, CC_EVENT_CONTACT_RING_TIMEOUT) > 0);
    check(f);
    cc_free(s.buf);
    cc_engine_free(e);
    cc_engine_free(f);
    rec_free(&r1);
    rec_free(&r2);
}

/* xorshift64*: the test's own deterministic choices. */
static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ull;
}

/* Random inputs with reconfigurations among them (every strategy, max wait,
 * weights, ring timeouts, leave-when-empty, skills while idle): the engine's
 * full consistency check holds after each call, refused calls change
 * nothing, and a restored snapshot is byte-identical. */
static void random_reconfigurations_keep_the_engine_consistent(void **state)
{
    (void)state;
    static const char *queues[] = {"a", "b", "c"};
    static const char *agents[] = {"p1", "p2", "p3", "p4", "p5", "p6"};
    static const char *skills[] = {"en", "fr", "de"};
    int configured = 0, refused_calls = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        uint64_t x = seed * 0x9e3779b97f4a7c15ull;
        recorder r = {0};
        cc_engine *e = new_engine(&r, seed);
        for (int i = 0; i < 3; i++)
            OK(add_queue(e, queues[i], CC_STRATEGY_LONGEST_IDLE));
        for (int i = 0; i < 6; i++) {
            cc_agent_config a = CC_AGENT_CONFIG_INIT;
            cc_membership ms[2] = {{queues[i % 3], i % 2, i, 1.0 + i},
                                   {queues[(i + 1) % 3], 1, 0, 2.0}};
            cc_skill sk[2] = {{skills[i % 3], 1 + i % 5}, {skills[(i + 2) % 3], 3}};
            a.name = agents[i];
            a.queues = ms;
            a.nqueues = 2;
            a.skills = sk;
            a.nskills = 1 + (size_t)(i % 2);
            OK(cc_engine_agent_add(e, &a, 0));
            OK(cc_engine_agent_login(e, agents[i], 0));
        }
        int64_t now = 0;
        uint64_t next_id = 1;
        for (int step = 0; step < 400; step++) {
            now += (int64_t)(next_rand(&x) % 3000);
            OK(cc_engine_advance(e, now));
            uint64_t op = next_rand(&x) % 10;
            const char *qn = queues[next_rand(&x) % 3];
            if (op < 3) {
                const char *sk = next_rand(&x) % 2 ? skills[next_rand(&x) % 3] : NULL;
                OK(add_contact(e, next_id++, qn, (int32_t)(next_rand(&x) % 3), sk,
                               1 + (int)(next_rand(&x) % 3), now));
            } else if (op < 5) {
                /* the agent answers or ends whatever it has */
                const char *an = agents[next_rand(&x) % 6];
                for (uint64_t id = 1; id < next_id; id++) {
                    cc_contact_status st = CC_CONTACT_STATUS_INIT;
                    if (cc_engine_contact_status(e, id, &st) != CC_OK || !st.agent ||
                        strcmp(st.agent, an))
                        continue;
                    if (st.state == CC_CONTACT_OFFERED)
                        OK(cc_engine_offer_accept(e, id, an, now));
                    else if (st.state == CC_CONTACT_CONNECTED)
                        OK(cc_engine_contact_end(e, id, NULL, now));
                    break;
                }
            } else if (op < 6) {
                const char *an = agents[next_rand(&x) % 6];
                if (next_rand(&x) % 2)
                    (void)cc_engine_agent_not_ready(e, an, "break", now);
                else
                    (void)cc_engine_agent_ready(e, an, now);
            } else {
                cc_skill sk = {skills[next_rand(&x) % 3], 1 + (int32_t)(next_rand(&x) % 2)};
                cc_queue_config q = config(qn);
                q.strategy = (cc_strategy)(next_rand(&x) % CC_STRATEGY__COUNT);
                q.weight = (double)(next_rand(&x) % 4);
                q.ring_timeout_ms = 1000 + (int64_t)(next_rand(&x) % 20000);
                q.max_wait_ms = (int64_t)(next_rand(&x) % 3) * 15000;
                q.wrapup_ms = (int64_t)(next_rand(&x) % 2) * 2000;
                q.max_length = (int32_t)(next_rand(&x) % 6);
                q.leave_when_empty = next_rand(&x) % 4 == 0;
                q.skills = &sk;
                q.nskills = next_rand(&x) % 3 == 0;
                cc_escalation esc = {4000 + (int64_t)(next_rand(&x) % 2) * 4000, 1, 2,
                                     next_rand(&x) % 2 ? queues[next_rand(&x) % 3] : NULL};
                if (esc.add_queue && strcmp(esc.add_queue, qn) == 0) esc.add_queue = NULL;
                q.escalations = &esc;
                q.nescalations = next_rand(&x) % 2;
                snap before = take(e);
                cc_status st = cc_engine_queue_configure(e, &q, now);
                if (st == CC_ESTATE) {
                    same_snapshot(e, &before);
                    refused_calls++;
                } else {
                    OK(st);
                    configured++;
                }
                cc_free(before.buf);
            }
            char msg[256];
            if (cc__engine_check(e, msg, sizeof msg))
                fail_msg("seed %llu step %d: %s", (unsigned long long)seed, step, msg);
        }
        snap s = take(e);
        recorder r2 = {0};
        cc_engine *f = new_engine(&r2, 99);
        OK(cc_engine_restore(f, s.buf, s.len));
        same_snapshot(f, &s);
        cc_free(s.buf);
        cc_engine_free(f);
        cc_engine_free(e);
        rec_free(&r);
        rec_free(&r2);
    }
    print_message("# %d reconfigurations, %d refused\n", configured, refused_calls);
    assert_true(configured > 100);
    assert_true(refused_calls > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strategy_switch_changes_who_gets_the_next_contact),
        cmocka_unit_test(strategy_switch_to_random_is_deterministic),
        cmocka_unit_test(ring_timeout_applies_to_the_next_offer_only),
        cmocka_unit_test(max_length_blocks_new_arrivals),
        cmocka_unit_test(max_wait_moves_the_deadlines_of_waiting_contacts),
        cmocka_unit_test(max_wait_change_reaches_a_contact_past_it_while_ringing),
        cmocka_unit_test(weight_changes_which_queue_an_agent_serves),
        cmocka_unit_test(wrapup_and_leave_when_empty_take_effect),
        cmocka_unit_test(skills_change_on_an_idle_queue_only),
        cmocka_unit_test(bad_input_changes_nothing),
        cmocka_unit_test(escalation_steps_change_until_a_contact_escalates),
        cmocka_unit_test(escalation_steps_after_a_late_first_step_keep_time_order),
        cmocka_unit_test(allocation_failures_change_nothing),
        cmocka_unit_test(reconfigured_queue_survives_snapshot_restore),
        cmocka_unit_test(random_reconfigurations_keep_the_engine_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
