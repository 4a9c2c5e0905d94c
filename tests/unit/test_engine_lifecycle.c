/*
 * tests/unit/test_engine_lifecycle.c - lifecycle corners a review of the routing core
 * found wrong, one scenario each: an escalation's boost across a transfer, a max wait
 * reached while ringing, ring-all after a ring-no-answer, leave-when-empty with contacts
 * out of the queue's heaps, a saturating boost, the queue's EWT for a new contact,
 * position counting contacts outside the queue's heaps, linear ties, the
 * customer id of a callback dial, and an arrival at a negative time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "core/engine_internal.h"
#include "engine_fixture.h"
#include "support/test_backend.h"

#define OK(x) assert_int_equal((x), CC_OK)

static void check_invariants(cc_engine *e)
{
    char msg[512];
    if (cc__engine_check(e, msg, sizeof msg)) fail_msg("invariant: %s", msg);
}

/* An engine recording into r, with the given ring-no-answer and reject policies. */
static cc_engine *engine_with(recorder *r, cc_agent_after rona_after, cc_agent_after reject_after)
{
    cc_engine_options o = CC_ENGINE_OPTIONS_INIT;
    o.event_fn = rec_sink;
    o.event_user_data = r;
    o.seed = 1;
    o.rona_after = rona_after;
    o.reject_after = reject_after;
    cc_engine *e = NULL;
    OK(cc_engine_new(&e, &o));
    return e;
}

static int32_t contact_priority(cc_engine *e, uint64_t id)
{
    cc_contact_status st = CC_CONTACT_STATUS_INIT;
    OK(cc_engine_contact_status(e, id, &st));
    return st.priority;
}

/* Steps are absolute in their queue: a blind or consult transfer to another queue starts
 * over at step 0 with the base priority, as an overflow does. */
static void transfer_drops_the_old_queues_boost(void **state)
{
    (void)state;
    for (int consult = 0; consult <= 1; consult++) {
        recorder r = {0};
        cc_engine *e = new_engine(&r, 1);
        cc_escalation boost5 = {1000, 0, 5, NULL}, boost1 = {1000, 0, 1, NULL};
        cc_queue_config q = CC_QUEUE_CONFIG_INIT;
        q.name = "s";
        q.escalations = &boost5;
        q.nescalations = 1;
        OK(cc_engine_queue_add(e, &q));
        q.name = "t";
        q.escalations = &boost1;
        OK(cc_engine_queue_add(e, &q));
        OK(add_agent(e, "a", "s", NULL, 0, 0));
        OK(add_agent(e, "b", "t", NULL, 0, 0));
        OK(add_contact(e, 1, "s", 0, NULL, 0, 100));
        OK(cc_engine_advance(e, 1100));
        assert_int_equal(contact_priority(e, 1), 5);
        OK(cc_engine_agent_login(e, "a", 1200));
        OK(cc_engine_offer_accept(e, 1, "a", 1300));
        OK(add_contact(e, 2, "t", 3, NULL, 0, 1400));
        cc_transfer t = CC_TRANSFER_INIT;
        t.target_queue = "t";
        t.kind = consult ? CC_TRANSFER_CONSULT : CC_TRANSFER_BLIND;
        OK(cc_engine_contact_transfer(e, 1, &t, 2000));
        assert_int_equal(contact_priority(e, 1), 0);
        OK(cc_engine_advance(e, 3000)); /* t's own step 1: base 0 + 1 (a consult does not
                                           escalate while it is pending) */
        assert_int_equal(contact_priority(e, 1), consult ? 0 : 1);
        OK(cc_engine_agent_login(e, "b", 3100));
        assert_string_equal(contact_agent(e, 2), "b"); /* priority 3 first */
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

/* The max wait a contact reached while ringing applies when the offer fails, before the
 * agent who declined is given it again. */
static void max_wait_reached_while_ringing_applies_on_reject(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "s";
    q.max_wait_ms = 1000;
    q.max_wait_action = CC_MAX_WAIT_OVERFLOW;
    q.overflow_queue = "t";
    q.ring_timeout_ms = 5000;
    OK(cc_engine_queue_add(e, &q));
    cc_queue_config q2 = CC_QUEUE_CONFIG_INIT;
    q2.name = "t";
    OK(cc_engine_queue_add(e, &q2));
    OK(add_agent(e, "a", "s", NULL, 0, 0));
    OK(add_agent(e, "b", "t", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "b", 0));
    OK(add_contact(e, 1, "s", 0, NULL, 0, 100));
    OK(cc_engine_agent_login(e, "a", 400)); /* rings at a */
    OK(cc_engine_advance(e, 1100));         /* max wait while ringing */
    assert_string_equal(contact_agent(e, 1), "a");
    OK(cc_engine_offer_reject(e, 1, "a", 1300));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_OVERFLOWED), 1);
    assert_string_equal(contact_agent(e, 1), "b");
    assert_int_equal(agent_state(e, "a"), CC_AGENT_READY); /* reject_after READY */
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* The same with the leave action, at the ring timeout: the contact leaves "max-wait" at
 * once (it is gone when the timer returns: the ASan build checks nothing reads it). */
static void max_wait_reached_while_ringing_leaves_at_the_ring_timeout(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "s";
    q.max_wait_ms = 1000;
    q.max_wait_action = CC_MAX_WAIT_LEAVE;
    q.ring_timeout_ms = 2000;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "a", "s", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_contact(e, 1, "s", 0, NULL, 0, 100));
    OK(cc_engine_advance(e, 1100)); /* max wait while ringing */
    assert_int_equal(contact_state(e, 1), CC_CONTACT_OFFERED);
    OK(cc_engine_advance(e, 2100)); /* ring timeout: the offer failed */
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_LEFT, 0);
    assert_true(i >= 0);
    assert_string_equal(r.items[i].reason, "max-wait");
    assert_int_equal(contact_state(e, 1), (cc_contact_state)-1);
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* Ring-all: when every agent let the contact ring out and comes back ready, the contact
 * rings at all of them again, not at the first one released. */
static void ring_all_after_ring_no_answer_rings_everyone(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = engine_with(&r, CC_AFTER_READY, CC_AFTER_READY);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "s";
    q.strategy = CC_STRATEGY_RING_ALL;
    q.ring_timeout_ms = 1000;
    OK(cc_engine_queue_add(e, &q));
    const char *names[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        OK(add_agent(e, names[i], "s", NULL, 0, 0));
        OK(cc_engine_agent_login(e, names[i], 0));
    }
    OK(add_contact(e, 1, "s", 0, NULL, 0, 100));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_OFFERED), 3);
    OK(cc_engine_advance(e, 1100));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_RING_TIMEOUT), 3);
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_OFFERED), 6);
    for (int i = 0; i < 3; i++) assert_int_equal(agent_state(e, names[i]), CC_AGENT_RESERVED);
    check_invariants(e);
    OK(cc_engine_offer_accept(e, 1, "b", 1200)); /* the others are withdrawn, ready again */
    assert_int_equal(agent_state(e, "a"), CC_AGENT_READY);
    assert_int_equal(agent_state(e, "c"), CC_AGENT_READY);
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

static long left_empty(const recorder *r, uint64_t id)
{
    for (size_t i = 0; i < r->len; i++)
        if (r->items[i].ev.type == CC_EVENT_CONTACT_LEFT && r->items[i].ev.contact_id == id &&
            strcmp(r->items[i].reason, "empty") == 0)
            return (long)i;
    return -1;
}

/* leave_when_empty: the contact that rang out at the last agent, who is logged out for
 * it, leaves with the others instead of waiting in a queue nobody staffs. */
static void leave_when_empty_includes_the_contact_that_rang_out(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = engine_with(&r, CC_AFTER_LOGOUT, CC_AFTER_READY);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "s";
    q.leave_when_empty = 1;
    q.ring_timeout_ms = 1000;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "a", "s", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_contact(e, 1, "s", 0, NULL, 0, 100));
    OK(add_contact(e, 2, "s", 0, NULL, 0, 200));
    OK(cc_engine_advance(e, 1100));
    assert_int_equal(agent_state(e, "a"), CC_AGENT_LOGGED_OUT);
    assert_true(left_empty(&r, 1) >= 0);
    assert_true(left_empty(&r, 2) >= 0);
    assert_int_equal(contact_state(e, 1), (cc_contact_state)-1); /* gone */
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* The same for a blind transfer to an agent that fails: when the target's reject or
 * ring-out (rona_after / reject_after LOGOUT) takes the last staffed member out of a
 * leave-when-empty queue, the contact, which was ringing when the queue emptied, leaves
 * "empty" instead of coming back to wait in a queue nobody staffs (as it did under
 * LOGOUT, while under NOT_READY it left). */
static void leave_when_empty_includes_a_failed_blind_transfer_to_an_agent(void **state)
{
    (void)state;
    for (int timeout = 0; timeout <= 1; timeout++) {
        recorder r = {0};
        cc_engine *e = engine_with(&r, CC_AFTER_LOGOUT, CC_AFTER_LOGOUT);
        cc_queue_config q = CC_QUEUE_CONFIG_INIT;
        q.name = "q";
        q.leave_when_empty = 1;
        OK(cc_engine_queue_add(e, &q));
        OK(add_agent(e, "a", "q", NULL, 0, 0));
        OK(add_agent(e, "b", "q", NULL, 0, 0));
        OK(cc_engine_agent_login(e, "a", 0));
        OK(add_contact(e, 1, "q", 0, NULL, 0, 10));
        OK(cc_engine_offer_accept(e, 1, "a", 20));
        OK(cc_engine_agent_login(e, "b", 30));
        OK(cc_engine_agent_not_ready(e, "a", "break", 40)); /* applies once a is free */
        cc_transfer t = CC_TRANSFER_INIT;
        t.target_agent = "b";
        OK(cc_engine_contact_transfer(e, 1, &t, 50));
        assert_int_equal(agent_state(e, "a"), CC_AGENT_NOT_READY);
        assert_string_equal(contact_agent(e, 1), "b");
        if (timeout) OK(cc_engine_advance(e, 15050));
        else OK(cc_engine_offer_reject(e, 1, "b", 60));
        assert_int_equal(agent_state(e, "b"), CC_AGENT_LOGGED_OUT);
        assert_true(left_empty(&r, 1) >= 0);
        assert_int_equal(contact_state(e, 1), (cc_contact_state)-1); /* gone */
        cc_queue_status qs = CC_QUEUE_STATUS_INIT;
        OK(cc_engine_queue_status(e, "q", &qs));
        assert_int_equal(qs.waiting, 0);
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

/* Ring-all with leave-when-empty: an offer the backend refuses makes the only agent
 * not-ready, so the contact leaves "empty" inside the ring-all loop, which must not touch
 * it afterwards (the ASan build checks). Both ways in: arrival, and an agent freed. */
static void ring_all_offer_refused_by_the_backend_as_the_queue_empties(void **state)
{
    (void)state;
    for (int agent_freed = 0; agent_freed <= 1; agent_freed++) {
        recorder r = {0};
        cc_engine *e = new_engine(&r, 1);
        OK(cc_engine_bind_backend(e, CC_CHANNEL_VOICE, &test_backend, NULL));
        test_backend_state *tb = cc_engine_backend_state(e, CC_CHANNEL_VOICE);
        cc_queue_config q = CC_QUEUE_CONFIG_INIT;
        q.name = "q";
        q.strategy = CC_STRATEGY_RING_ALL;
        q.leave_when_empty = 1;
        OK(cc_engine_queue_add(e, &q));
        OK(add_agent(e, "a", "q", NULL, 0, 0));
        OK(cc_engine_agent_login(e, "a", 0));
        uint64_t id = 1;
        if (agent_freed) {
            OK(add_contact(e, 1, "q", 0, NULL, 0, 0));
            OK(cc_engine_offer_accept(e, 1, "a", 1));
            OK(add_contact(e, 2, "q", 0, NULL, 0, 2));
            tb->fail_offer = 1;
            OK(cc_engine_contact_end(e, 1, NULL, 3));
            id = 2;
        } else {
            tb->fail_offer = 1;
            OK(add_contact(e, 1, "q", 0, NULL, 0, 0));
        }
        assert_int_equal(contact_state(e, id), (cc_contact_state)-1);
        assert_true(left_empty(&r, id) >= 0);
        assert_int_equal(agent_state(e, "a"), CC_AGENT_NOT_READY);
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

/* An agent that handles two calls at once (voice capacity 2). */
static void add_two_call_agent(cc_engine *e, const char *name, const cc_membership *ms, size_t n)
{
    cc_capacity two_calls[1] = {{CC_CHANNEL_VOICE, 2, 1}};
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    a.name = name;
    a.queues = ms;
    a.nqueues = n;
    a.capacity = two_calls;
    a.ncapacity = 1;
    OK(cc_engine_agent_add(e, &a, 0));
}

/* A consult to a ring-all queue the consulting agent serves (it has room for a second
 * call): when another agent accepts, the consulting agent and the withdrawn ones are
 * released together. Found by a soak run of the property test (seed 1769) when ring-all
 * still rang the consulting agent too: released first on its own, it took a waiting
 * contact, whose offer relinked the list and left a withdrawn agent ready but in no
 * index. */
static void consult_to_ring_all_releases_every_withdrawn_agent(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q1", CC_STRATEGY_LONGEST_IDLE));
    OK(add_queue(e, "q0", CC_STRATEGY_RING_ALL));
    OK(add_queue(e, "q3", CC_STRATEGY_LONGEST_IDLE));
    cc_membership m2[3] = {{"q1", 0, 0, 0.0}, {"q0", 0, 0, 0.0}, {"q3", 0, 0, 0.0}};
    add_two_call_agent(e, "a2", m2, 3);
    OK(add_agent(e, "a1", "q0", NULL, 0, 0));
    OK(add_agent(e, "a11", "q0", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a2", 0));
    OK(add_contact(e, 13, "q1", 0, NULL, 0, 10));
    OK(cc_engine_offer_accept(e, 13, "a2", 20));
    OK(cc_engine_agent_login(e, "a1", 30));
    OK(cc_engine_agent_login(e, "a11", 40));
    cc_transfer t = CC_TRANSFER_INIT;
    t.kind = CC_TRANSFER_CONSULT;
    t.target_queue = "q0";
    OK(cc_engine_contact_transfer(e, 13, &t, 100)); /* rings a1 and a11, not a2 (its own) */
    assert_int_equal(agent_state(e, "a1"), CC_AGENT_RESERVED);
    assert_int_equal(agent_state(e, "a11"), CC_AGENT_RESERVED);
    assert_int_equal(agent_state(e, "a2"), CC_AGENT_BUSY);
    OK(add_contact(e, 17, "q3", 0, NULL, 0, 200)); /* a2 has room for it */
    assert_string_equal(contact_agent(e, 17), "a2");
    OK(cc_engine_offer_accept(e, 13, "a11", 300)); /* a1 withdrawn, a2 released */
    assert_int_equal(agent_state(e, "a1"), CC_AGENT_READY);
    check_invariants(e);
    OK(add_contact(e, 18, "q0", 0, NULL, 0, 400)); /* a1 is indexed: it rings */
    assert_string_equal(contact_agent(e, 18), "a1");
    cc_engine_free(e);
    rec_free(&r);
}

/* A consult to a queue the consulting agent serves, with room for one more contact, is
 * never offered to that agent (it holds the contact): not when the consult starts, not
 * when the agent frees up behind it (it takes the next contact instead), not by ring-all. */
static void consult_is_never_offered_to_the_consulting_agent(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q1", CC_STRATEGY_LONGEST_IDLE));
    OK(add_queue(e, "q2", CC_STRATEGY_LONGEST_IDLE));
    OK(add_queue(e, "q3", CC_STRATEGY_RING_ALL));
    cc_membership ms[3] = {{"q1", 0, 0, 0.0}, {"q2", 0, 0, 0.0}, {"q3", 0, 0, 0.0}};
    add_two_call_agent(e, "a", ms, 3);
    add_two_call_agent(e, "b", ms + 1, 2);
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_contact(e, 1, "q1", 0, NULL, 0, 10));
    OK(cc_engine_offer_accept(e, 1, "a", 20));
    cc_transfer t = CC_TRANSFER_INIT;
    t.kind = CC_TRANSFER_CONSULT;
    t.target_queue = "q2";
    OK(cc_engine_contact_transfer(e, 1, &t, 100)); /* a has room, but it is a's */
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_OFFERED), 1);
    check_invariants(e);
    OK(add_contact(e, 2, "q1", 0, NULL, 0, 200)); /* a's second call */
    assert_string_equal(contact_agent(e, 2), "a");
    OK(cc_engine_offer_accept(e, 2, "a", 210));
    OK(add_contact(e, 3, "q2", 0, NULL, 0, 300)); /* waits behind 1: a is full */
    check_invariants(e);
    OK(cc_engine_contact_end(e, 2, NULL, 400)); /* a frees up: skips 1, takes 3 */
    assert_string_equal(contact_agent(e, 3), "a");
    OK(cc_engine_offer_accept(e, 3, "a", 420));
    check_invariants(e);
    OK(cc_engine_contact_end(e, 3, NULL, 500));
    /* free again (no wrap-up), with only its own consult waiting */
    check_invariants(e);
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_OFFERED), 3);
    OK(cc_engine_agent_login(e, "b", 600)); /* b takes the consult */
    assert_string_equal(rec_last_agent(&r, CC_EVENT_CONTACT_OFFERED), "b");
    OK(cc_engine_offer_accept(e, 1, "b", 610));
    assert_string_equal(contact_agent(e, 1), "b");
    /* ring-all: b consults to q3, where a and b are ready: only a rings */
    t.target_queue = "q3";
    OK(cc_engine_contact_transfer(e, 1, &t, 700));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_OFFERED), 5);
    assert_string_equal(rec_last_agent(&r, CC_EVENT_CONTACT_OFFERED), "a");
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* A contact blindly transferred out of a queue keeps no pointer to it: the queue may then
 * be removed, and the contact's old leg queue was read from freed memory by a snapshot
 * (garbage index; a heap-use-after-free under ASan; found by the property test's new
 * queue removals, seed 7073). */
static void a_transferred_contact_survives_its_old_queue(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q1", CC_STRATEGY_LONGEST_IDLE));
    OK(add_queue(e, "q2", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "a", "q1", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_contact(e, 1, "q1", 0, NULL, 0, 10));
    OK(cc_engine_offer_accept(e, 1, "a", 20));
    cc_transfer t = CC_TRANSFER_INIT;
    t.target_queue = "q2";
    OK(cc_engine_contact_transfer(e, 1, &t, 30)); /* waits in q2: nobody there */
    OK(cc_engine_agent_logout(e, "a", 40));
    OK(cc_engine_queue_remove(e, "q1", 50));
    check_invariants(e);
    void *buf;
    size_t len;
    OK(cc_engine_snapshot(e, &buf, &len));
    cc_engine *copy = new_engine(&r, 1);
    OK(cc_engine_restore(copy, buf, len));
    assert_int_equal(contact_state(copy, 1), CC_CONTACT_WAITING);
    cc_free(buf);
    cc_engine_free(copy);
    cc_engine_free(e);
    rec_free(&r);
}

static cc_status add_customer_contact(cc_engine *e, uint64_t id, uint64_t customer,
                                      const char *queue, int64_t now)
{
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    c.id = id;
    c.customer_id = customer;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = queue;
    return cc_engine_contact_add(e, &c, now);
}

/* Queue `name` whose returning customers wait up to 60 s for their last agent. */
static void add_last_agent_queue(cc_engine *e, const char *name, int leave_when_empty)
{
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = name;
    q.last_agent_wait_ms = 60000;
    q.leave_when_empty = leave_when_empty;
    OK(cc_engine_queue_add(e, &q));
}

/* leave_when_empty: a returning customer waiting for their (last) agent leaves too when
 * that agent goes not-ready as the queue's last staffed member. */
static void leave_when_empty_includes_last_agent_waiters(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    add_last_agent_queue(e, "s", 1);
    OK(add_agent(e, "a", "s", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_customer_contact(e, 1, 77, "s", 100));
    OK(cc_engine_offer_accept(e, 1, "a", 200));
    OK(cc_engine_contact_end(e, 1, NULL, 1000));
    OK(add_customer_contact(e, 2, 88, "s", 1100));
    OK(cc_engine_offer_accept(e, 2, "a", 1200));
    OK(add_customer_contact(e, 3, 77, "s", 2000)); /* waits for a */
    OK(add_customer_contact(e, 4, 99, "s", 2100));
    OK(cc_engine_agent_not_ready(e, "a", "lunch", 2200));
    OK(cc_engine_contact_end(e, 2, NULL, 3000));
    assert_true(left_empty(&r, 3) >= 0);
    assert_true(left_empty(&r, 4) >= 0);
    cc_queue_status qs = CC_QUEUE_STATUS_INIT;
    OK(cc_engine_queue_status(e, "s", &qs));
    assert_int_equal(qs.waiting, 0);
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* A returning customer does not wait for a last agent who is not ready (or going not
 * ready): going not ready sends the waiters already there to the queue, so one arriving
 * after went to the queue too only once the preference ran out. */
static void returning_customer_does_not_wait_for_a_not_ready_agent(void **state)
{
    (void)state;
    for (int pending = 0; pending <= 1; pending++) {
        recorder r = {0};
        cc_engine *e = new_engine(&r, 1);
        add_last_agent_queue(e, "s", 0);
        OK(add_agent(e, "a", "s", NULL, 0, 0));
        OK(add_agent(e, "b", "s", NULL, 0, 0));
        OK(cc_engine_agent_login(e, "a", 0));
        OK(add_customer_contact(e, 1, 77, "s", 100));
        OK(cc_engine_offer_accept(e, 1, "a", 200));
        OK(cc_engine_contact_end(e, 1, NULL, 1000));
        if (pending) { /* a takes another call, and asks to go not ready after it */
            OK(add_customer_contact(e, 3, 55, "s", 1050));
            OK(cc_engine_offer_accept(e, 3, "a", 1060));
        }
        OK(cc_engine_agent_not_ready(e, "a", "lunch", 1100));
        OK(cc_engine_agent_login(e, "b", 1200));
        OK(add_customer_contact(e, 2, 77, "s", 2000)); /* a is not ready: b takes it */
        assert_string_equal(contact_agent(e, 2), "b");
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

/* A returning customer who already waits for a busy last agent when that agent asks to
 * go not ready after its work goes to the queue then, as the header says ("gone
 * not-ready ... its waiters go to the queue at once"): the agent will take no new work,
 * and the customer stayed aside until the preference ran out while b was free. Also
 * when the not-ready comes from a chat's ring-no-answer while the agent holds a call. */
static void last_agent_waiters_leave_an_agent_going_not_ready(void **state)
{
    (void)state;
    for (int rona = 0; rona <= 1; rona++) {
        recorder r = {0};
        cc_engine *e = new_engine(&r, 1);
        add_last_agent_queue(e, "s", 0);
        OK(add_agent(e, "b", "s", NULL, 0, 0));
        OK(add_agent(e, "c", "s", NULL, 0, 0));
        cc_agent_config a = CC_AGENT_CONFIG_INIT;
        cc_membership m = {"s", 0, 0, 0.0};
        cc_capacity cap[2] = {{CC_CHANNEL_VOICE, 1, 0}, {CC_CHANNEL_CHAT, 2, 0}};
        a.name = "a";
        a.queues = &m;
        a.nqueues = 1;
        a.capacity = cap;
        a.ncapacity = 2;
        OK(cc_engine_agent_add(e, &a, 0));
        OK(cc_engine_agent_login(e, "a", 0));
        OK(add_customer_contact(e, 1, 77, "s", 100));
        OK(cc_engine_offer_accept(e, 1, "a", 200));
        OK(cc_engine_contact_end(e, 1, NULL, 1000));
        OK(add_customer_contact(e, 3, 55, "s", 1050)); /* a takes another call */
        OK(cc_engine_offer_accept(e, 3, "a", 1060));
        if (rona) { /* a chat rings a out while a holds the call */
            cc_contact_config chat = CC_CONTACT_CONFIG_INIT;
            chat.id = 4;
            chat.customer_id = 56;
            chat.channel = CC_CHANNEL_CHAT;
            chat.queue = "s";
            OK(cc_engine_contact_add(e, &chat, 1070));
            assert_string_equal(contact_agent(e, 4), "a");
        }
        OK(add_customer_contact(e, 2, 77, "s", 1080)); /* a is busy: 77 waits for a */
        assert_string_equal(contact_agent(e, 2), "");
        OK(cc_engine_agent_login(e, "b", 1090)); /* not b's, nor c's: it waits for a */
        OK(cc_engine_agent_login(e, "c", 1095));
        assert_string_equal(contact_agent(e, 2), "");
        if (rona) OK(cc_engine_offer_timeout(e, 4, "a", 1100)); /* rona_after: not ready */
        else OK(cc_engine_agent_not_ready(e, "a", "lunch", 1100));
        cc_agent_status as = CC_AGENT_STATUS_INIT;
        OK(cc_engine_agent_status(e, "a", &as));
        assert_true(as.not_ready_pending);
        /* the chat that rang out went to b (idle longest) first */
        assert_string_equal(contact_agent(e, 2), rona ? "c" : "b");
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

/* A returning customer waits for their last agent only while that agent is a member of
 * the queue (engine.h, last_agent_wait_ms). Removed from the queue, the agent's waiters
 * of that queue go to its general queue at once: to another member, and, when the queue
 * empties, they leave with the others ("empty"). Before, they stayed in the removed
 * agent's last-agent heap: offered to it (no member) once it freed up, and missed by
 * leave-when-empty. */
static void member_remove_releases_last_agent_waiters(void **state)
{
    (void)state;
    for (int empties = 0; empties <= 1; empties++) {
        recorder r = {0};
        cc_engine *e = new_engine(&r, 1);
        add_last_agent_queue(e, "s", empties);
        OK(add_queue(e, "other", CC_STRATEGY_LONGEST_IDLE));
        cc_membership both[2] = {{"s", 0, 0, 0.0}, {"other", 0, 0, 0.0}};
        cc_agent_config ac = CC_AGENT_CONFIG_INIT;
        ac.queues = both;
        ac.nqueues = 2;
        ac.name = "a";
        OK(cc_engine_agent_add(e, &ac, 0));
        ac.name = "b";
        OK(cc_engine_agent_add(e, &ac, 0));
        OK(cc_engine_agent_login(e, "a", 0));
        OK(add_customer_contact(e, 1, 77, "s", 100));
        OK(cc_engine_offer_accept(e, 1, "a", 200));
        OK(cc_engine_contact_end(e, 1, NULL, 1000));
        OK(add_customer_contact(e, 2, 88, "other", 1100)); /* a busy in "other" */
        OK(cc_engine_offer_accept(e, 2, "a", 1200));
        if (empties) { /* b, the other staffed member, busy too */
            OK(cc_engine_agent_login(e, "b", 1300));
            OK(add_customer_contact(e, 4, 99, "other", 1400));
            OK(cc_engine_offer_accept(e, 4, "b", 1500));
        }
        OK(add_customer_contact(e, 3, 77, "s", 2000)); /* waits for a */
        OK(cc_engine_member_remove(e, "a", "s", 2100));
        check_invariants(e);
        if (empties) {
            OK(cc_engine_member_remove(e, "b", "s", 2200)); /* the last staffed member */
            assert_true(left_empty(&r, 3) >= 0);
            cc_queue_status qs = CC_QUEUE_STATUS_INIT;
            OK(cc_engine_queue_status(e, "s", &qs));
            assert_int_equal(qs.waiting, 0);
        } else {
            OK(cc_engine_contact_end(e, 2, NULL, 3000)); /* a free: not offered 3 */
            assert_int_equal(contact_state(e, 3), CC_CONTACT_WAITING);
            OK(cc_engine_agent_login(e, "b", 3100));
            assert_string_equal(contact_agent(e, 3), "b");
        }
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

/* A returning customer waits for their last agent only while that agent could take the
 * contact: skills taken away (agent_set_skill) send the waiter to the queue, as a
 * membership removed does. Before, it waited, and was offered to the agent without the
 * skill once it freed up. */
static void set_skill_releases_last_agent_waiters_it_can_no_longer_serve(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    cc_skill french = {"french", 3};
    q.name = "s";
    q.last_agent_wait_ms = 60000;
    q.skills = &french;
    q.nskills = 1;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "a", "s", "french", 5, 0));
    OK(add_agent(e, "b", "s", "french", 3, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_customer_contact(e, 1, 77, "s", 100));
    OK(cc_engine_offer_accept(e, 1, "a", 200));
    OK(add_customer_contact(e, 2, 88, "s", 300)); /* a busy: 2 waits (b logged out) */
    OK(cc_engine_contact_end(e, 1, NULL, 1000));  /* a takes 2 */
    OK(cc_engine_offer_accept(e, 2, "a", 1100));
    OK(add_customer_contact(e, 3, 77, "s", 2000)); /* waits for a */
    OK(cc_engine_agent_login(e, "b", 2100));
    assert_int_equal(contact_state(e, 3), CC_CONTACT_WAITING); /* still for a */
    OK(cc_engine_agent_set_skill(e, "a", "french", 2, 2200)); /* below the queue's 3 */
    assert_string_equal(contact_agent(e, 3), "b");
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* leave_when_empty: the contacts a queue counts as waiting outside its heaps leave with
 * the others: a callback between two dial attempts, when the last staffed member logs
 * out. Before, it stayed, and came back at its retry into a queue nobody staffs and
 * waited there. Then leave_when_empty turned on while nobody staffs the queue: every
 * waiting contact leaves, a returning customer whose last agent is not ready included
 * (it does not wait for that agent, returning_customer_does_not_wait_for_a_not_ready_agent;
 * when this test was written it waited aside, and stayed). */
static void leave_when_empty_includes_callbacks_between_attempts(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "s";
    q.leave_when_empty = 1;
    q.callback_retry_ms = 5000;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "a", "s", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_contact(e, 1, "s", 0, NULL, 0, 0));
    OK(cc_engine_offer_accept(e, 1, "a", 10));
    OK(add_contact(e, 2, "s", 0, NULL, 0, 20));
    OK(cc_engine_callback_request(e, 2, 30));
    OK(cc_engine_contact_end(e, 1, NULL, 100)); /* a dials 2 */
    OK(cc_engine_callback_result(e, 2, CC_DIAL_NO_ANSWER, 200));
    assert_int_equal(contact_state(e, 2), CC_CONTACT_CALLBACK_WAIT);
    OK(cc_engine_agent_logout(e, "a", 300));
    long i = left_empty(&r, 2);
    assert_true(i >= 0);
    assert_int_equal(r.items[i].ev.time_ms, 300);
    cc_queue_status qs = CC_QUEUE_STATUS_INIT;
    OK(cc_engine_queue_status(e, "s", &qs));
    assert_int_equal(qs.waiting, 0);
    OK(cc_engine_advance(e, 10000));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_QUEUED), 2); /* 2 never came back */
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);

    memset(&r, 0, sizeof r);
    e = new_engine(&r, 1);
    q.leave_when_empty = 0;
    q.last_agent_wait_ms = 60000;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "a", "s", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_customer_contact(e, 1, 77, "s", 100));
    OK(cc_engine_offer_accept(e, 1, "a", 200));
    OK(cc_engine_contact_end(e, 1, NULL, 1000));
    OK(cc_engine_agent_not_ready(e, "a", "lunch", 1100));
    OK(add_customer_contact(e, 3, 77, "s", 2000)); /* a is not ready: waits in the queue */
    OK(add_customer_contact(e, 4, 99, "s", 2100));
    q.leave_when_empty = 1;
    OK(cc_engine_queue_configure(e, &q, 2200));
    assert_true(left_empty(&r, 3) >= 0);
    assert_true(left_empty(&r, 4) >= 0);
    qs = (cc_queue_status)CC_QUEUE_STATUS_INIT;
    OK(cc_engine_queue_status(e, "s", &qs));
    assert_int_equal(qs.waiting, 0);
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* Last agent, multi-channel: an agent busy on a call can still take chats. Its returning
 * chat customer is offered to it as soon as it frees up for chat, although a returning
 * voice customer waits ahead of the chat in its last-agent heap. Before, only the heap's
 * top was looked at: the chat waited until its preference ran out. */
static void last_agent_waiter_of_a_free_channel_is_offered(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    add_last_agent_queue(e, "s", 0);
    cc_membership m = {"s", 0, 0, 0.0};
    cc_capacity cap[2] = {{CC_CHANNEL_VOICE, 1, 0}, {CC_CHANNEL_CHAT, 2, 0}};
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    a.name = "a";
    a.queues = &m;
    a.nqueues = 1;
    a.capacity = cap;
    a.ncapacity = 2;
    OK(cc_engine_agent_add(e, &a, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    cc_contact_config chat = CC_CONTACT_CONFIG_INIT;
    chat.channel = CC_CHANNEL_CHAT;
    chat.queue = "s";
    chat.customer_id = 78;
    OK(add_customer_contact(e, 1, 77, "s", 100)); /* a serves 77 (voice) and 78 (chat) */
    OK(cc_engine_offer_accept(e, 1, "a", 200));
    OK(cc_engine_contact_end(e, 1, NULL, 300));
    chat.id = 2;
    OK(cc_engine_contact_add(e, &chat, 400));
    OK(cc_engine_offer_accept(e, 2, "a", 500));
    OK(cc_engine_contact_end(e, 2, NULL, 600));
    OK(add_contact(e, 5, "s", 0, NULL, 0, 1000)); /* a rings for 5 */
    assert_string_equal(contact_agent(e, 5), "a");
    OK(add_customer_contact(e, 3, 77, "s", 1100)); /* voice, waits for a */
    chat.id = 4;
    OK(cc_engine_contact_add(e, &chat, 1200)); /* chat, waits for a behind 3 */
    OK(cc_engine_offer_accept(e, 5, "a", 1300)); /* a: voice full, chat free */
    assert_int_equal(contact_state(e, 4), CC_CONTACT_OFFERED);
    assert_string_equal(contact_agent(e, 4), "a");
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_OFFERED, 3); /* after 1, 2 and 5 */
    assert_int_equal(r.items[i].ev.contact_id, 4);
    assert_int_equal(r.items[i].ev.time_ms, 1300);
    assert_int_equal(contact_state(e, 3), CC_CONTACT_WAITING);
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* A boost that would carry a priority past INT32_MAX saturates (no signed overflow: the
 * contact stays the highest). */
static void priority_boost_saturates(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_escalation big = {1000, 0, 2000000000, NULL};
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "q";
    q.escalations = &big;
    q.nescalations = 1;
    OK(cc_engine_queue_add(e, &q));
    OK(add_contact(e, 1, "q", 2000000000, NULL, 0, 0));
    OK(add_contact(e, 2, "q", 0, NULL, 0, 0));
    OK(cc_engine_advance(e, 1000));
    assert_int_equal(contact_priority(e, 1), INT32_MAX);
    int32_t pos;
    int64_t ewt;
    OK(cc_engine_contact_position(e, 1, &pos, &ewt));
    assert_int_equal(pos, 1);
    OK(add_agent(e, "a", "q", NULL, 0, 1000));
    OK(cc_engine_agent_login(e, "a", 1000));
    assert_string_equal(contact_agent(e, 1), "a");
    cc_engine_free(e);
    rec_free(&r);
}

/* The queue's EWT is that of a new priority-0 contact: lower priorities wait behind it. */
static void queue_ewt_is_for_a_new_priority_zero_contact(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "q";
    q.aht_hint_ms = 60000;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "a", "q", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 0));
    OK(cc_engine_offer_accept(e, 1, "a", 0));
    for (int i = 0; i < 3; i++) OK(add_contact(e, 10 + (uint64_t)i, "q", -1, NULL, 0, 10));
    OK(add_contact(e, 5, "q", 0, NULL, 0, 15));
    cc_queue_status qs = CC_QUEUE_STATUS_INIT;
    OK(cc_engine_queue_status(e, "q", &qs));
    assert_int_equal(qs.waiting, 4);
    assert_int_equal(qs.ewt_ms, 2 * 60000); /* behind contact 5 only */
    OK(add_contact(e, 6, "q", 0, NULL, 0, 20));
    int32_t pos;
    int64_t ewt;
    OK(cc_engine_contact_position(e, 6, &pos, &ewt));
    assert_int_equal(pos, 2);
    assert_int_equal(ewt, qs.ewt_ms);
    cc_engine_free(e);
    rec_free(&r);
}

/* Position counts every live contact of the queue ordered before, also those waiting
 * outside its routing heaps: a returning customer waiting for their last agent, and a
 * callback between two dial attempts. The queue's longest wait counts them too. */
static void position_counts_last_agent_waiters_and_callbacks_between_attempts(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "q";
    q.aht_hint_ms = 60000;
    q.last_agent_wait_ms = 600000;
    q.callback_retry_ms = 10000;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "a", "q", NULL, 0, 0));
    OK(add_agent(e, "b", "q", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_customer_contact(e, 1, 77, "q", 0)); /* a served customer 77 */
    OK(cc_engine_offer_accept(e, 1, "a", 0));
    OK(cc_engine_contact_end(e, 1, NULL, 10));
    OK(add_contact(e, 2, "q", 0, NULL, 0, 20)); /* a busy */
    OK(cc_engine_offer_accept(e, 2, "a", 20));
    OK(add_customer_contact(e, 3, 77, "q", 100)); /* waits for a */
    OK(add_contact(e, 4, "q", 0, NULL, 0, 200));
    OK(cc_engine_callback_request(e, 4, 250));
    OK(cc_engine_agent_login(e, "b", 300)); /* dials callback 4 for b */
    assert_int_equal(contact_state(e, 4), CC_CONTACT_DIALING);
    OK(cc_engine_callback_result(e, 4, CC_DIAL_NO_ANSWER, 400)); /* retry at 10400 */
    OK(add_contact(e, 5, "q", 0, NULL, 0, 500)); /* b is free: offered at once */
    OK(cc_engine_offer_accept(e, 5, "b", 500));
    OK(add_contact(e, 6, "q", 0, NULL, 0, 600));
    int32_t pos;
    int64_t ewt;
    cc_queue_status qs = CC_QUEUE_STATUS_INIT;
    OK(cc_engine_queue_status(e, "q", &qs));
    OK(cc_engine_contact_position(e, 6, &pos, &ewt));
    assert_int_equal(pos, 3); /* behind 3 (last-agent waiter) and 4 (callback retry) */
    assert_true(llabs(ewt - 3 * qs.aht_ms / 2) <= 1);
    OK(cc_engine_contact_position(e, 4, &pos, &ewt));
    assert_int_equal(pos, 2);
    OK(cc_engine_contact_position(e, 3, &pos, &ewt));
    assert_int_equal(pos, 1);
    assert_int_equal(qs.waiting, 3);
    assert_int_equal(qs.longest_wait_ms, 600 - 100);
    assert_true(llabs(qs.ewt_ms - 4 * qs.aht_ms / 2) <= 1);
    check_invariants(e);
    /* a snapshot restores the same answers (the list is derived state) */
    void *blob = NULL;
    size_t len = 0;
    OK(cc_engine_snapshot(e, &blob, &len));
    cc_engine *copy = new_engine(&r, 1);
    OK(cc_engine_restore(copy, blob, len));
    OK(cc_engine_contact_position(copy, 6, &pos, &ewt));
    assert_int_equal(pos, 3);
    check_invariants(copy);
    cc_free(blob);
    cc_engine_free(copy);
    cc_engine_free(e);
    rec_free(&r);
}

/* Linear: equal tier and penalty go to the agent added first, whatever the place of the
 * queue in each agent's own membership list. */
static void linear_ties_follow_the_order_agents_were_added(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "other", CC_STRATEGY_LONGEST_IDLE));
    OK(add_queue(e, "q", CC_STRATEGY_LINEAR));
    cc_membership dm[2] = {{"other", 0, 0, 0.0}, {"q", 0, 0, 0.0}};
    cc_membership em[1] = {{"q", 0, 0, 0.0}};
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    a.name = "d"; /* first, with q as its second membership */
    a.queues = dm;
    a.nqueues = 2;
    OK(cc_engine_agent_add(e, &a, 0));
    a.name = "e";
    a.queues = em;
    a.nqueues = 1;
    OK(cc_engine_agent_add(e, &a, 0));
    OK(cc_engine_agent_login(e, "e", 0));
    OK(cc_engine_agent_login(e, "d", 10));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 100));
    assert_string_equal(contact_agent(e, 1), "d");
    cc_engine_free(e);
    rec_free(&r);
}

/* CALLBACK_DIALED carries the customer id (event.h). */
static void callback_dialed_has_the_customer(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "s";
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "a", "s", NULL, 0, 0));
    OK(add_customer_contact(e, 2, 4242, "s", 400));
    OK(cc_engine_callback_request(e, 2, 500));
    OK(cc_engine_agent_login(e, "a", 600));
    long i = rec_find(&r, 0, CC_EVENT_CALLBACK_DIALED, 0);
    assert_true(i >= 0);
    assert_int_equal(r.items[i].ev.customer_id, 4242);
    cc_engine_free(e);
    rec_free(&r);
}

/* A callback dial the engine times out (its ring timeout) is withdrawn at the backend,
 * as a ringing offer is: the backend went on dialing, a customer who answered late reached
 * nobody (the agent was released) and the backend kept the dial pending for good (the
 * wire backend gave it back as a failed dial at its disconnect). */
static void a_dial_the_engine_times_out_is_withdrawn(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(cc_engine_bind_backend(e, CC_CHANNEL_CALLBACK, &test_backend, NULL));
    test_backend_state *tb = cc_engine_backend_state(e, CC_CHANNEL_CALLBACK);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "s";
    q.ring_timeout_ms = 1000;
    q.callback_max_attempts = 2;
    q.callback_retry_ms = 5000;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "a", "s", NULL, 0, 0));
    OK(add_customer_contact(e, 2, 4242, "s", 400));
    OK(cc_engine_callback_request(e, 2, 500));
    OK(cc_engine_agent_login(e, "a", 600)); /* dials */
    assert_int_equal(tb->calls[TB_DIAL], 1);
    assert_int_equal(tb->calls[TB_WITHDRAW], 0);
    OK(cc_engine_advance(e, 1700)); /* nobody answered within the ring timeout */
    assert_int_equal(tb->calls[TB_WITHDRAW], 1);
    assert_int_equal(tb->last_contact[TB_WITHDRAW], 2);
    assert_string_equal(tb->last_agent[TB_WITHDRAW], "a");
    assert_int_equal(contact_state(e, 2), CC_CONTACT_CALLBACK_WAIT);
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* A contact answered once, transferred to a queue and there turned into a callback
 * (asked for, or the queue's max-wait action) is dialed when its turn comes: its
 * customer was hung up, so the agent must not be offered it as a call on the line.
 * A callback answered and transferred is on the line too: the max wait runs for it. */
static void a_transferred_call_turned_callback_is_dialed(void **state)
{
    (void)state;
    for (int round = 0; round < 3; round++) {
        int by_max_wait = round > 0, was_callback = round == 2;
        recorder r = {0};
        cc_engine *e = new_engine(&r, 1);
        OK(cc_engine_bind_backend(e, CC_CHANNEL_CALLBACK, &test_backend, NULL));
        test_backend_state *tb = cc_engine_backend_state(e, CC_CHANNEL_CALLBACK);
        OK(add_queue(e, "s", CC_STRATEGY_LONGEST_IDLE));
        cc_queue_config q = CC_QUEUE_CONFIG_INIT;
        q.name = "t";
        q.max_wait_ms = by_max_wait ? 1000 : 0;
        q.max_wait_action = CC_MAX_WAIT_CALLBACK;
        OK(cc_engine_queue_add(e, &q));
        OK(add_agent(e, "a", "s", NULL, 0, 0));
        OK(add_agent(e, "b", "t", NULL, 0, 0));
        OK(add_customer_contact(e, 2, 4242, "s", 100));
        if (was_callback) { /* dialed for a, answered */
            OK(cc_engine_callback_request(e, 2, 120));
            OK(cc_engine_agent_login(e, "a", 130));
            assert_int_equal(tb->calls[TB_DIAL], 1);
            OK(cc_engine_callback_result(e, 2, CC_DIAL_ANSWERED, 200));
        } else {
            OK(cc_engine_agent_login(e, "a", 130));
            OK(cc_engine_offer_accept(e, 2, "a", 200));
        }
        cc_transfer t = CC_TRANSFER_INIT;
        t.kind = CC_TRANSFER_BLIND;
        t.target_queue = "t";
        OK(cc_engine_contact_transfer(e, 2, &t, 300));
        if (by_max_wait) OK(cc_engine_advance(e, 1300));
        else OK(cc_engine_callback_request(e, 2, 1300));
        assert_int_equal(contact_state(e, 2), CC_CONTACT_CALLBACK_WAIT);
        OK(cc_engine_agent_login(e, "b", 2000));
        assert_int_equal(tb->calls[TB_DIAL], 1 + was_callback);
        assert_int_equal(contact_state(e, 2), CC_CONTACT_DIALING);
        assert_true(rec_find(&r, 0, CC_EVENT_CALLBACK_DIALED, 0) >= 0);
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

/* A blind transfer to a queue is not offered straight back to the agent who
 * transferred it (room for a second call) while another agent can take it; when
 * nobody else can, it is (like a contact that agent just declined). */
static void a_blind_transfer_goes_to_another_agent_first(void **state)
{
    (void)state;
    for (int other = 1; other >= 0; other--) {
        recorder r = {0};
        cc_engine *e = new_engine(&r, 1);
        cc_queue_config qs = CC_QUEUE_CONFIG_INIT;
        qs.name = "s";
        qs.wrapup_ms = 60000; /* a's leg wraps up, holding one of its two places */
        OK(cc_engine_queue_add(e, &qs));
        OK(add_queue(e, "t", CC_STRATEGY_LINEAR));
        cc_membership ms[2] = {{"s", 0, 0, 0.0}, {"t", 0, 0, 0.0}};
        cc_capacity cap = {CC_CHANNEL_VOICE, 2, 1};
        cc_agent_config a = CC_AGENT_CONFIG_INIT;
        a.name = "a";
        a.queues = ms;
        a.nqueues = 2;
        a.capacity = &cap;
        a.ncapacity = 1;
        OK(cc_engine_agent_add(e, &a, 0));
        cc_membership mb = {"t", 1, 0, 0.0}; /* a lower tier than a's */
        cc_agent_config b = CC_AGENT_CONFIG_INIT;
        b.name = "b";
        b.queues = &mb;
        b.nqueues = 1;
        OK(cc_engine_agent_add(e, &b, 0));
        OK(cc_engine_agent_login(e, "a", 0));
        if (other) OK(cc_engine_agent_login(e, "b", 0));
        OK(add_contact(e, 2, "s", 0, NULL, 0, 100));
        OK(cc_engine_offer_accept(e, 2, "a", 200));
        cc_transfer t = CC_TRANSFER_INIT;
        t.kind = CC_TRANSFER_BLIND;
        t.target_queue = "t";
        size_t from = r.len;
        OK(cc_engine_contact_transfer(e, 2, &t, 300));
        long i = rec_find(&r, from, CC_EVENT_CONTACT_OFFERED, 0);
        assert_true(i >= 0);
        assert_string_equal(r.items[i].agent, other ? "b" : "a");
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

/* Times may be negative: a contact arriving at -5000 without a virtual start starts at
 * -5000 (0 means now). */
static void arrival_at_a_negative_time(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "s";
    OK(cc_engine_queue_add(e, &q));
    OK(add_contact(e, 1, "s", 0, NULL, 0, -5000));
    cc_contact_status st = CC_CONTACT_STATUS_INIT;
    OK(cc_engine_contact_status(e, 1, &st));
    assert_int_equal(st.virtual_start_ms, -5000);
    cc_contact_config c = CC_CONTACT_CONFIG_INIT; /* an explicit future start is refused */
    c.id = 2;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = "s";
    c.virtual_start_ms = -4000;
    assert_int_equal(cc_engine_contact_add(e, &c, -4500), CC_EINVAL);
    cc_engine_free(e);
    rec_free(&r);
}

/* A not-ready the agent asked for while ringing ("lunch") keeps its reason when the
 * offer then fails: a ring-no-answer or a reject under a NOT_READY policy must not
 * report it as "no-answer" / "rejected" (the ring-out has its own event). An agent
 * without a pending request still gets the policy's reason. */
static void pending_not_ready_keeps_its_reason_after_a_failed_offer(void **state)
{
    (void)state;
    for (int reject = 0; reject <= 1; reject++) {
        recorder r = {0};
        cc_engine *e = engine_with(&r, CC_AFTER_NOT_READY, CC_AFTER_NOT_READY);
        OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
        OK(add_agent(e, "a", "q", NULL, 0, 0));
        OK(add_agent(e, "b", "q", NULL, 0, 0));
        OK(cc_engine_agent_login(e, "a", 0));
        OK(cc_engine_agent_login(e, "b", 1));
        OK(add_contact(e, 1, "q", 0, NULL, 0, 10)); /* rings a (idle longer) */
        OK(add_contact(e, 2, "q", 0, NULL, 0, 11)); /* rings b */
        assert_string_equal(contact_agent(e, 1), "a");
        assert_string_equal(contact_agent(e, 2), "b");
        OK(cc_engine_agent_not_ready(e, "a", "lunch", 20));
        if (reject) {
            OK(cc_engine_offer_reject(e, 1, "a", 30));
            OK(cc_engine_offer_reject(e, 2, "b", 31));
        } else {
            OK(cc_engine_advance(e, 15011)); /* both ring out */
        }
        cc_agent_status as = CC_AGENT_STATUS_INIT;
        OK(cc_engine_agent_status(e, "a", &as));
        assert_int_equal(as.state, CC_AGENT_NOT_READY);
        assert_string_equal(as.reason, "lunch");
        long i; /* a's AGENT_STATE to not-ready */
        for (int k = 0; (i = rec_find(&r, 0, CC_EVENT_AGENT_STATE, k)) >= 0; k++)
            if (r.items[i].ev.agent_state == CC_AGENT_NOT_READY && !strcmp(r.items[i].agent, "a"))
                break;
        assert_true(i >= 0);
        assert_string_equal(r.items[i].reason, "lunch");
        as = (cc_agent_status)CC_AGENT_STATUS_INIT;
        OK(cc_engine_agent_status(e, "b", &as));
        assert_int_equal(as.state, CC_AGENT_NOT_READY);
        assert_string_equal(as.reason, reject ? "rejected" : "no-answer");
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

/* A contact an escalation step added to queue b rings b's members as a guest: that offer
 * is one of b's, so b's member may not leave b while it rings (CC_ESTATE, as for an
 * offer of a contact whose own queue is b). Before, the removal was allowed and the
 * agent went on ringing for a queue it no longer served. Once the offer is over the
 * removal goes through. */
static void member_remove_refused_while_ringing_for_an_escalation_guest(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_escalation to_b = {1000, 0, 0, "b"};
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "a";
    q.escalations = &to_b;
    q.nescalations = 1;
    OK(cc_engine_queue_add(e, &q));
    OK(add_queue(e, "b", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "x", "b", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "x", 0));
    OK(add_contact(e, 1, "a", 0, NULL, 0, 0));
    assert_int_equal(contact_state(e, 1), CC_CONTACT_WAITING);
    OK(cc_engine_advance(e, 1000)); /* step 1: also offered to b's agents */
    assert_string_equal(contact_agent(e, 1), "x");
    assert_int_equal(cc_engine_member_remove(e, "x", "b", 1100), CC_ESTATE);
    check_invariants(e);
    OK(cc_engine_offer_reject(e, 1, "x", 1200)); /* x stays ready: offered again */
    assert_string_equal(contact_agent(e, 1), "x");
    OK(cc_engine_contact_cancel(e, 1, 1300));
    OK(cc_engine_member_remove(e, "x", "b", 1400));
    check_invariants(e);
    cc_engine_free(e);
    rec_free(&r);
}

/* A blind transfer to an agent who rejects (or lets it ring out) puts the contact back
 * in its queue as a new entry (entered now, max wait restarted), so its escalation
 * starts over as well, as for a blind transfer to that same queue: step 0, the base
 * priority and the unrelaxed requirements. Before, it kept step 1's boost and relaxed
 * skills while its queue clock restarted, so status said step 1 after 0 ms in the
 * queue, it jumped ahead of customers who waited longer, and step 2 came after_ms[1]
 * after the return. */
static void failed_blind_transfer_to_an_agent_restarts_the_escalation(void **state)
{
    (void)state;
    for (int timeout = 0; timeout <= 1; timeout++) {
        recorder r = {0};
        cc_engine *e = new_engine(&r, 1);
        cc_escalation steps[] = {{1000, 2, 5, NULL}, {5000, 2, 9, NULL}};
        cc_queue_config q = CC_QUEUE_CONFIG_INIT;
        q.name = "s";
        q.escalations = steps;
        q.nescalations = 2;
        OK(cc_engine_queue_add(e, &q));
        OK(add_agent(e, "a", "s", "french", 1, 0));
        OK(add_agent(e, "b", "s", "french", 3, 0));
        OK(add_contact(e, 1, "s", 0, "french", 3, 100));
        OK(cc_engine_agent_login(e, "a", 200)); /* level 1 < 3: not eligible yet */
        OK(cc_engine_advance(e, 1100));         /* step 1: french >= 1, priority 5 */
        assert_string_equal(contact_agent(e, 1), "a");
        OK(cc_engine_offer_accept(e, 1, "a", 1200));
        OK(cc_engine_agent_login(e, "b", 1300));
        cc_transfer t = CC_TRANSFER_INIT;
        t.target_agent = "b";
        OK(cc_engine_contact_transfer(e, 1, &t, 2000));
        assert_string_equal(contact_agent(e, 1), "b");
        OK(cc_engine_agent_not_ready(e, "a", "break", 2050)); /* a is not given it back */
        if (timeout) OK(cc_engine_offer_timeout(e, 1, "b", 3000));
        else OK(cc_engine_offer_reject(e, 1, "b", 3000));
        cc_contact_status st = CC_CONTACT_STATUS_INIT;
        OK(cc_engine_contact_status(e, 1, &st));
        assert_int_equal(st.entered_ms, 3000);
        assert_int_equal(st.virtual_start_ms, 100);
        assert_int_equal(st.escalation_step, 0);
        assert_int_equal(st.priority, 0);
        if (timeout) {
            assert_int_equal(st.state, CC_CONTACT_WAITING); /* b not-ready "no-answer" */
        } else {
            assert_int_equal(st.state, CC_CONTACT_OFFERED); /* b stays ready (reject_after) */
            assert_string_equal(contact_agent(e, 1), "b");  /* level 3: eligible at step 0 */
            OK(cc_engine_agent_not_ready(e, "b", "break", 3100));
            OK(cc_engine_offer_reject(e, 1, "b", 3100)); /* back to its place: entered kept */
            assert_int_equal(contact_state(e, 1), CC_CONTACT_WAITING);
        }
        /* step 1 again after 1000 ms in the queue */
        assert_int_equal(cc_engine_next_deadline(e), 4000);
        OK(cc_engine_advance(e, 4000));
        OK(cc_engine_contact_status(e, 1, &st));
        assert_int_equal(st.escalation_step, 1);
        assert_int_equal(st.priority, 5);
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

/* event.h: every CONTACT_* and CALLBACK_* event of the engine carries the contact's
 * channel, current priority and virtual start, whatever the table lists per type. */
static void contact_events_carry_channel_priority_and_virtual_start(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q", CC_STRATEGY_RING_ALL));
    OK(add_agent(e, "a", "q", NULL, 0, 0));
    OK(add_agent(e, "b", "q", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(cc_engine_agent_login(e, "b", 0));
    OK(add_contact(e, 1, "q", 3, NULL, 0, 100));
    OK(cc_engine_offer_reject(e, 1, "a", 200));
    OK(cc_engine_offer_accept(e, 1, "b", 300));
    OK(cc_engine_contact_hold(e, 1, 400));
    OK(cc_engine_contact_resume(e, 1, 500));
    cc_transfer t = CC_TRANSFER_INIT;
    t.target_queue = "q";
    OK(cc_engine_contact_transfer(e, 1, &t, 600)); /* rings a */
    OK(cc_engine_advance(e, 15600));               /* rings out */
    OK(cc_engine_contact_abandon(e, 1, 15700));
    int n = 0;
    for (size_t i = 0; i < r.len; i++) {
        const cc_event *ev = &r.items[i].ev;
        const char *name = cc_event_type_name(ev->type);
        if (strncmp(name, "contact.", 8) != 0 && strncmp(name, "callback.", 9) != 0) continue;
        assert_int_equal(ev->channel, CC_CHANNEL_VOICE);
        assert_int_equal(ev->priority, 3);
        assert_int_equal(ev->virtual_start_ms, 100);
        n++;
    }
    assert_true(n >= 12);
    cc_engine_free(e);
    rec_free(&r);
}

/* rona_after / reject_after LOGOUT log the agent out "only when holding no contact"; a
 * wrap-up holds none (engine.h: it belongs to the agent, and cc_engine_agent_logout()
 * ends it first). An agent ringing for a call while wrapping up a chat is logged out
 * (its wrap-up ended) instead of staying in wrap-up with a pending not-ready. */
static void logout_policy_applies_to_an_agent_in_wrap_up(void **state)
{
    (void)state;
    for (int reject = 0; reject <= 1; reject++) {
        recorder r = {0};
        cc_engine *e = engine_with(&r, CC_AFTER_LOGOUT, CC_AFTER_LOGOUT);
        cc_queue_config q = CC_QUEUE_CONFIG_INIT;
        q.name = "q";
        q.wrapup_ms = 60000;
        OK(cc_engine_queue_add(e, &q));
        cc_agent_config a = CC_AGENT_CONFIG_INIT;
        cc_membership m = {"q", 0, 0, 0};
        cc_capacity cap[2] = {{CC_CHANNEL_VOICE, 1, 1}, {CC_CHANNEL_CHAT, 2, 0}};
        a.name = "a";
        a.queues = &m;
        a.nqueues = 1;
        a.capacity = cap;
        a.ncapacity = 2;
        a.load_budget = 1;
        OK(cc_engine_agent_add(e, &a, 0));
        OK(cc_engine_agent_login(e, "a", 0));
        cc_contact_config c = CC_CONTACT_CONFIG_INIT;
        c.id = 1;
        c.channel = CC_CHANNEL_CHAT;
        c.queue = "q";
        OK(cc_engine_contact_add(e, &c, 10));
        OK(cc_engine_offer_accept(e, 1, "a", 20));
        OK(cc_engine_contact_end(e, 1, NULL, 30)); /* chat wrap-up until 60030 */
        OK(add_contact(e, 2, "q", 0, NULL, 0, 40));
        assert_string_equal(contact_agent(e, 2), "a");
        if (reject) OK(cc_engine_offer_reject(e, 2, "a", 50));
        else OK(cc_engine_advance(e, 15040));
        assert_int_equal(agent_state(e, "a"), CC_AGENT_LOGGED_OUT);
        long i = rec_find(&r, 0, CC_EVENT_AGENT_WRAPUP_END, 0);
        assert_true(i >= 0);
        assert_int_equal(r.items[i].ev.contact_id, 1);
        assert_int_equal(contact_state(e, 2), CC_CONTACT_WAITING);
        check_invariants(e);
        cc_engine_free(e);
        rec_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transfer_drops_the_old_queues_boost),
        cmocka_unit_test(max_wait_reached_while_ringing_applies_on_reject),
        cmocka_unit_test(max_wait_reached_while_ringing_leaves_at_the_ring_timeout),
        cmocka_unit_test(ring_all_after_ring_no_answer_rings_everyone),
        cmocka_unit_test(leave_when_empty_includes_the_contact_that_rang_out),
        cmocka_unit_test(leave_when_empty_includes_a_failed_blind_transfer_to_an_agent),
        cmocka_unit_test(leave_when_empty_includes_last_agent_waiters),
        cmocka_unit_test(returning_customer_does_not_wait_for_a_not_ready_agent),
        cmocka_unit_test(last_agent_waiters_leave_an_agent_going_not_ready),
        cmocka_unit_test(set_skill_releases_last_agent_waiters_it_can_no_longer_serve),
        cmocka_unit_test(member_remove_releases_last_agent_waiters),
        cmocka_unit_test(leave_when_empty_includes_callbacks_between_attempts),
        cmocka_unit_test(last_agent_waiter_of_a_free_channel_is_offered),
        cmocka_unit_test(ring_all_offer_refused_by_the_backend_as_the_queue_empties),
        cmocka_unit_test(consult_to_ring_all_releases_every_withdrawn_agent),
        cmocka_unit_test(consult_is_never_offered_to_the_consulting_agent),
        cmocka_unit_test(a_transferred_contact_survives_its_old_queue),
        cmocka_unit_test(priority_boost_saturates),
        cmocka_unit_test(queue_ewt_is_for_a_new_priority_zero_contact),
        cmocka_unit_test(position_counts_last_agent_waiters_and_callbacks_between_attempts),
        cmocka_unit_test(linear_ties_follow_the_order_agents_were_added),
        cmocka_unit_test(callback_dialed_has_the_customer),
        cmocka_unit_test(a_dial_the_engine_times_out_is_withdrawn),
        cmocka_unit_test(a_transferred_call_turned_callback_is_dialed),
        cmocka_unit_test(a_blind_transfer_goes_to_another_agent_first),
        cmocka_unit_test(arrival_at_a_negative_time),
        cmocka_unit_test(pending_not_ready_keeps_its_reason_after_a_failed_offer),
        cmocka_unit_test(member_remove_refused_while_ringing_for_an_escalation_guest),
        cmocka_unit_test(failed_blind_transfer_to_an_agent_restarts_the_escalation),
        cmocka_unit_test(contact_events_carry_channel_priority_and_virtual_start),
        cmocka_unit_test(logout_policy_applies_to_an_agent_in_wrap_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
