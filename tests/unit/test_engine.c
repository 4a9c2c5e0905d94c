/*
 * tests/unit/test_engine.c - the routing engine, scenario by scenario: the
 * contact lifecycle, every strategy, skills and escalation, omnichannel
 * capacity, RONA, wrap-up, transfers, callbacks, last-agent preference,
 * max wait, position/EWT, snapshot/restore and the backend contract.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine_fixture.h"
#include "support/test_backend.h"

#define OK(x) assert_int_equal((x), CC_OK)

static void lifecycle_offer_accept_end_wrapup(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "sales";
    q.wrapup_ms = 5000;
    q.ring_timeout_ms = 10000;
    OK(cc_engine_queue_add(e, &q));
    OK(cc_engine_bind_backend(e, CC_CHANNEL_VOICE, &test_backend, NULL));
    test_backend_state *tb = cc_engine_backend_state(e, CC_CHANNEL_VOICE);
    OK(add_agent(e, "alice", "sales", NULL, 0, 0));
    assert_int_equal(agent_state(e, "alice"), CC_AGENT_LOGGED_OUT);
    OK(cc_engine_agent_login(e, "alice", 1000));
    assert_int_equal(agent_state(e, "alice"), CC_AGENT_READY);
    OK(add_contact(e, 7, "sales", 0, NULL, 0, 2000));
    assert_int_equal(contact_state(e, 7), CC_CONTACT_OFFERED);
    assert_int_equal(agent_state(e, "alice"), CC_AGENT_RESERVED);
    assert_int_equal(tb->calls[TB_OFFER], 1);
    assert_string_equal(tb->last_agent[TB_OFFER], "alice");
    assert_int_equal(cc_engine_next_deadline(e), 12000); /* ring timeout */
    OK(cc_engine_offer_accept(e, 7, "alice", 4000));
    assert_int_equal(contact_state(e, 7), CC_CONTACT_CONNECTED);
    assert_int_equal(agent_state(e, "alice"), CC_AGENT_BUSY);
    assert_int_equal(tb->calls[TB_BRIDGE], 1);
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_CONNECTED, 0);
    assert_true(i >= 0);
    assert_int_equal(r.items[i].ev.wait_ms, 2000);
    OK(cc_engine_contact_hold(e, 7, 5000));
    OK(cc_engine_contact_resume(e, 7, 6000));
    OK(cc_engine_contact_end(e, 7, "sold", 10000));
    i = rec_find(&r, 0, CC_EVENT_CONTACT_ENDED, 0);
    assert_true(i >= 0);
    assert_int_equal(r.items[i].ev.duration_ms, 6000);
    assert_int_equal(r.items[i].ev.hold_ms, 1000);
    assert_string_equal(r.items[i].reason, "sold");
    assert_int_equal(tb->calls[TB_HANGUP], 1);
    assert_int_equal(contact_state(e, 7), (cc_contact_state)-1); /* gone: id free again */
    assert_int_equal(agent_state(e, "alice"), CC_AGENT_WRAPUP);
    assert_int_equal(cc_engine_next_deadline(e), 15000);
    OK(cc_engine_advance(e, 15000));
    assert_int_equal(agent_state(e, "alice"), CC_AGENT_READY);
    assert_true(rec_find(&r, 0, CC_EVENT_AGENT_WRAPUP_END, 0) >= 0);
    /* event sequence numbers strictly increase, exactly one terminal event */
    int terminal = 0;
    for (size_t k = 0; k < r.len; k++) {
        if (k) assert_true(r.items[k].ev.seq > r.items[k - 1].ev.seq);
        terminal += cc_event_is_terminal(r.items[k].ev.type);
    }
    assert_int_equal(terminal, 1);
    cc_engine_free(e);
    rec_free(&r);
}

static void ring_no_answer_keeps_place_and_pauses_agent(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "a1", "q", NULL, 0, 0));
    OK(add_agent(e, "a2", "q", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a1", 0));
    OK(cc_engine_agent_login(e, "a2", 100)); /* a1 idle longer */
    OK(add_contact(e, 1, "q", 0, NULL, 0, 1000));
    assert_string_equal(contact_agent(e, 1), "a1");
    OK(add_contact(e, 2, "q", 0, NULL, 0, 1500));
    assert_string_equal(contact_agent(e, 2), "a2");
    OK(add_contact(e, 3, "q", 0, NULL, 0, 1600));
    assert_int_equal(contact_state(e, 3), CC_CONTACT_WAITING);
    OK(cc_engine_advance(e, 16000)); /* contact 1 rings out at 16000 */
    assert_int_equal(agent_state(e, "a1"), CC_AGENT_NOT_READY);
    cc_agent_status as = CC_AGENT_STATUS_INIT;
    OK(cc_engine_agent_status(e, "a1", &as));
    assert_string_equal(as.reason, "no-answer");
    /* contact 1 is back ahead of contact 3 (earlier virtual start) */
    int32_t pos;
    int64_t ewt;
    OK(cc_engine_contact_position(e, 1, &pos, &ewt));
    assert_int_equal(pos, 1);
    OK(cc_engine_contact_position(e, 3, &pos, &ewt));
    assert_int_equal(pos, 2);
    OK(cc_engine_offer_reject(e, 2, "a2", 16100)); /* a2 stays ready (reject_after) */
    /* 2 goes back; a2 is free: 1 is the oldest, but ... a2 gets contact 1 */
    assert_string_equal(contact_agent(e, 1), "a2");
    OK(cc_engine_agent_ready(e, "a1", 16200));
    assert_string_equal(contact_agent(e, 2), "a1"); /* 2 before 3 */
    assert_int_equal(contact_state(e, 3), CC_CONTACT_WAITING);
    cc_engine_free(e);
    rec_free(&r);
}

/* Logs in agents a0..a(n-1) (a0 first) into queue q with the strategy given. */
static cc_engine *strategy_setup(recorder *r, cc_strategy s, int n)
{
    cc_engine *e = new_engine(r, 42);
    OK(add_queue(e, "q", s));
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "a%d", i);
        cc_agent_config a = CC_AGENT_CONFIG_INIT;
        cc_membership m = {"q", i % 2 == 0 ? 1 : 0, i, (double)(i + 1)};
        cc_skill sk[2] = {{"sales", 1 + i}, {"extra", 1}};
        a.name = name;
        a.queues = &m;
        a.nqueues = 1;
        a.skills = sk;
        a.nskills = i == 1 ? 2 : 1;
        OK(cc_engine_agent_add(e, &a, i));
        OK(cc_engine_agent_login(e, name, i));
    }
    return e;
}

/* Serves one contact and returns the agent it was offered to (then ends it). */
static const char *serve_one(cc_engine *e, uint64_t id, int64_t t, char *buf)
{
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    cc_skill s = {"sales", 1};
    c.id = id;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = "q";
    c.skills = &s;
    c.nskills = 1;
    OK(cc_engine_contact_add(e, &c, t));
    snprintf(buf, 16, "%s", contact_agent(e, id));
    OK(cc_engine_offer_accept(e, id, buf, t + 1));
    OK(cc_engine_contact_end(e, id, NULL, t + 2 + (int64_t)(id % 50) * 10));
    return buf;
}

static void strategies_pick_the_documented_agent(void **state)
{
    (void)state;
    recorder r = {0};
    char b[16];
    /* longest idle: a0 logged in first */
    cc_engine *e = strategy_setup(&r, CC_STRATEGY_LONGEST_IDLE, 3);
    assert_string_equal(serve_one(e, 1, 100, b), "a0");
    assert_string_equal(serve_one(e, 2, 200, b), "a1");
    assert_string_equal(serve_one(e, 3, 300, b), "a2");
    assert_string_equal(serve_one(e, 4, 400, b), "a0"); /* a0 free since 112 */
    cc_engine_free(e);
    /* round robin with memory */
    e = strategy_setup(&r, CC_STRATEGY_ROUND_ROBIN, 3);
    const char *want[] = {"a0", "a1", "a2", "a0", "a1"};
    for (int i = 0; i < 5; i++) assert_string_equal(serve_one(e, (uint64_t)i + 1, 100 * (i + 1), b), want[i]);
    cc_engine_free(e);
    /* linear: tier 0 (odd indexes) first, then penalty */
    e = strategy_setup(&r, CC_STRATEGY_LINEAR, 4);
    assert_string_equal(serve_one(e, 1, 100, b), "a1");
    assert_string_equal(serve_one(e, 2, 200, b), "a1");
    cc_engine_free(e);
    /* fewest contacts: after a0 took one, the others come first */
    e = strategy_setup(&r, CC_STRATEGY_FEWEST_CONTACTS, 2);
    assert_string_equal(serve_one(e, 1, 100, b), "a0");
    assert_string_equal(serve_one(e, 2, 200, b), "a1");
    assert_string_equal(serve_one(e, 3, 300, b), "a0");
    cc_engine_free(e);
    /* least talk time: id 1 talks 12 ms, id 2 talks 22 ms */
    e = strategy_setup(&r, CC_STRATEGY_LEAST_TALK_TIME, 2);
    assert_string_equal(serve_one(e, 1, 100, b), "a0");
    assert_string_equal(serve_one(e, 2, 200, b), "a1");
    assert_string_equal(serve_one(e, 3, 300, b), "a0");
    cc_engine_free(e);
    /* best skill: highest sales level (a2 has 3) */
    e = strategy_setup(&r, CC_STRATEGY_BEST_SKILL, 3);
    assert_string_equal(serve_one(e, 1, 100, b), "a2");
    cc_engine_free(e);
    /* least skilled first: a1 has two skills, a0 and a2 one: a0 (idle longer) */
    e = strategy_setup(&r, CC_STRATEGY_LEAST_SKILLED, 3);
    assert_string_equal(serve_one(e, 1, 100, b), "a0");
    assert_string_equal(serve_one(e, 2, 200, b), "a2");
    assert_string_equal(serve_one(e, 3, 300, b), "a0");
    cc_engine_free(e);
    rec_free(&r);
}

static void random_strategies_are_seeded_and_weighted(void **state)
{
    (void)state;
    recorder r = {0};
    char b[16];
    int hits[4] = {0}, same = 1;
    char first[64][16];
    for (int run = 0; run < 2; run++) {
        cc_engine *e = strategy_setup(&r, CC_STRATEGY_RANDOM, 4);
        for (int i = 0; i < 64; i++) {
            serve_one(e, (uint64_t)i + 1, 1000 * (i + 1), b);
            if (run == 0) snprintf(first[i], 16, "%s", b);
            else same &= strcmp(first[i], b) == 0;
        }
        cc_engine_free(e);
    }
    assert_true(same); /* same seed, same choices */
    /* weighted random: weights 1..4, the heaviest wins most often */
    cc_engine *e = strategy_setup(&r, CC_STRATEGY_WEIGHTED_RANDOM, 4);
    for (int i = 0; i < 2000; i++) {
        serve_one(e, (uint64_t)i + 1, 1000 * (i + 1), b);
        hits[b[1] - '0']++;
    }
    assert_true(hits[3] > hits[0] * 2);
    assert_true(hits[3] > 600 && hits[3] < 1000); /* expected 800 */
    assert_true(hits[0] > 100 && hits[0] < 300);  /* expected 200 */
    cc_engine_free(e);
    rec_free(&r);
}

static void ring_all_first_accept_wins(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = strategy_setup(&r, CC_STRATEGY_RING_ALL, 3);
    OK(cc_engine_bind_backend(e, CC_CHANNEL_VOICE, &test_backend, NULL));
    test_backend_state *tb = cc_engine_backend_state(e, CC_CHANNEL_VOICE);
    OK(add_contact(e, 1, "q", 0, NULL, 0, 100));
    assert_int_equal(tb->calls[TB_OFFER], 3);
    for (int i = 0; i < 3; i++) {
        char n[8];
        snprintf(n, sizeof n, "a%d", i);
        assert_int_equal(agent_state(e, n), CC_AGENT_RESERVED);
    }
    OK(cc_engine_offer_accept(e, 1, "a1", 200));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_WITHDRAWN), 2);
    assert_int_equal(tb->calls[TB_WITHDRAW], 2);
    assert_int_equal(agent_state(e, "a0"), CC_AGENT_READY);
    assert_int_equal(agent_state(e, "a1"), CC_AGENT_BUSY);
    assert_int_equal(cc_engine_offer_accept(e, 1, "a0", 201), CC_ESTATE);
    cc_engine_free(e);
    rec_free(&r);
}

static void skills_route_only_to_eligible_and_escalate(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    cc_escalation steps[] = {{30000, 2, 5, NULL}};
    q.name = "support";
    q.escalations = steps;
    q.nescalations = 1;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "junior", "support", "french", 3, 0));
    OK(cc_engine_agent_login(e, "junior", 0));
    OK(add_contact(e, 1, "support", 0, "french", 5, 1000));
    assert_int_equal(contact_state(e, 1), CC_CONTACT_WAITING); /* level 3 < 5 */
    OK(add_contact(e, 2, "support", 0, "french", 2, 2000));
    assert_string_equal(contact_agent(e, 2), "junior"); /* eligible: jumps ahead */
    OK(cc_engine_offer_accept(e, 2, "junior", 2100));
    OK(cc_engine_contact_end(e, 2, NULL, 3000));
    assert_int_equal(contact_state(e, 1), CC_CONTACT_WAITING);
    OK(cc_engine_advance(e, 31000)); /* escalation: french >= 3, priority +5 */
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_ESCALATED, 0);
    assert_true(i >= 0);
    assert_int_equal(r.items[i].ev.priority, 5);
    assert_string_equal(contact_agent(e, 1), "junior");
    cc_engine_free(e);
    rec_free(&r);
}

/* Profiles french >= 3 and >= 1 of queue q, made by two contacts that wait
 * (nobody is logged in yet) and abandon: contact ids 1 and 2, times 10..21. */
static void make_level_profiles(cc_engine *e, const char *q)
{
    OK(add_contact(e, 1, q, 0, "french", 3, 10));
    OK(add_contact(e, 2, q, 0, "french", 1, 11));
    OK(cc_engine_contact_abandon(e, 1, 20));
    OK(cc_engine_contact_abandon(e, 2, 21));
}

/* Requirement levels of one skill: an agent eligible for several levels
 * waits in the index of the highest one only (its home, engine_internal.h),
 * and a contact asking for a lower level still finds it there, in strategy
 * order across the levels. */
static void requirement_levels_share_one_index(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 7);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "hi", "q", "french", 5, 0));
    OK(add_agent(e, "mid", "q", "french", 4, 0));
    OK(add_agent(e, "lo", "q", "french", 1, 0));
    make_level_profiles(e, "q");
    OK(cc_engine_agent_login(e, "hi", 100));
    OK(cc_engine_agent_login(e, "mid", 200));
    OK(cc_engine_agent_login(e, "lo", 300));
    /* a level-1 contact gets the longest idle of all three */
    OK(add_contact(e, 3, "q", 0, "french", 1, 400));
    assert_string_equal(contact_agent(e, 3), "hi");
    OK(cc_engine_offer_accept(e, 3, "hi", 401));
    /* next: mid (idle since 200) before lo (300) */
    OK(add_contact(e, 4, "q", 0, "french", 1, 500));
    assert_string_equal(contact_agent(e, 4), "mid");
    /* mid rejects and stays ready: the contact goes to the other one */
    OK(cc_engine_offer_reject(e, 4, "mid", 501));
    assert_string_equal(contact_agent(e, 4), "lo");
    assert_int_equal(agent_state(e, "mid"), CC_AGENT_READY);
    /* a level-3 contact: lo is not eligible, mid is */
    OK(add_contact(e, 5, "q", 0, "french", 3, 600));
    assert_string_equal(contact_agent(e, 5), "mid");
    /* a level-5 contact waits (hi is busy); a new, stronger profile */
    OK(add_contact(e, 6, "q", 0, "french", 5, 700));
    assert_int_equal(contact_state(e, 6), CC_CONTACT_WAITING);
    OK(cc_engine_contact_end(e, 3, NULL, 800)); /* no wrap-up in q: hi is free */
    assert_string_equal(contact_agent(e, 6), "hi");
    cc_engine_free(e);
    rec_free(&r);
}

/* Linear order across the levels (a reject does not move the agent back):
 * a reject passes the contact on to the next in order, and back. */
static void linear_order_holds_across_levels(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 7);
    OK(add_queue(e, "lin", CC_STRATEGY_LINEAR));
    OK(add_agent(e, "first", "lin", "french", 4, 0));
    OK(add_agent(e, "second", "lin", "french", 1, 0));
    make_level_profiles(e, "lin");
    OK(cc_engine_agent_login(e, "first", 100));
    OK(cc_engine_agent_login(e, "second", 100));
    OK(add_contact(e, 3, "lin", 0, "french", 1, 200));
    assert_string_equal(contact_agent(e, 3), "first");
    OK(cc_engine_offer_reject(e, 3, "first", 201));
    assert_string_equal(contact_agent(e, 3), "second");
    OK(cc_engine_offer_reject(e, 3, "second", 202)); /* back to the top of the order */
    assert_string_equal(contact_agent(e, 3), "first");
    cc_engine_free(e);
    rec_free(&r);
}

static void priority_then_virtual_start_order(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "a", "q", NULL, 0, 0));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 100));
    OK(add_contact(e, 2, "q", 5, NULL, 0, 200));
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    c.id = 3;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = "q";
    c.virtual_start_ms = 50; /* waited elsewhere before */
    OK(cc_engine_contact_add(e, &c, 300));
    int32_t pos;
    int64_t ewt;
    OK(cc_engine_contact_position(e, 2, &pos, &ewt));
    assert_int_equal(pos, 1);
    assert_int_equal(ewt, -1); /* nobody staffed */
    OK(cc_engine_contact_position(e, 3, &pos, &ewt));
    assert_int_equal(pos, 2);
    OK(cc_engine_agent_login(e, "a", 400));
    OK(cc_engine_contact_position(e, 1, &pos, &ewt));
    assert_int_equal(pos, 2);
    assert_int_equal(ewt, 2 * 180000); /* position x AHT hint / 1 staffed agent */
    const uint64_t order[] = {2, 3, 1};
    for (int k = 0; k < 3; k++) {
        assert_string_equal(contact_agent(e, order[k]), "a");
        OK(cc_engine_offer_accept(e, order[k], "a", 500 + k * 10));
        OK(cc_engine_contact_end(e, order[k], NULL, 505 + k * 10));
    }
    cc_engine_free(e);
    rec_free(&r);
}

static void omnichannel_capacity_and_load(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "chat", CC_STRATEGY_LONGEST_IDLE));
    OK(add_queue(e, "voice", CC_STRATEGY_LONGEST_IDLE));
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    cc_membership ms[] = {{"chat", 0, 0, 0}, {"voice", 0, 0, 0}};
    cc_capacity cap[] = {{CC_CHANNEL_CHAT, 3, 30}, {CC_CHANNEL_VOICE, 1, 100}};
    a.name = "omni";
    a.queues = ms;
    a.nqueues = 2;
    a.capacity = cap;
    a.ncapacity = 2;
    a.load_budget = 100;
    OK(cc_engine_agent_add(e, &a, 0));
    OK(cc_engine_agent_login(e, "omni", 0));
    for (uint64_t id = 1; id <= 4; id++) {
        cc_contact_config c = CC_CONTACT_CONFIG_INIT;
        c.id = id;
        c.channel = CC_CHANNEL_CHAT;
        c.queue = "chat";
        OK(cc_engine_contact_add(e, &c, (int64_t)id * 10));
        if (id <= 3) OK(cc_engine_offer_accept(e, id, "omni", (int64_t)id * 10 + 1));
    }
    assert_int_equal(contact_state(e, 4), CC_CONTACT_WAITING); /* 3 chats max */
    cc_agent_status st = CC_AGENT_STATUS_INIT;
    OK(cc_engine_agent_status(e, "omni", &st));
    assert_int_equal(st.contacts, 3);
    assert_int_equal(st.load, 90);
    OK(add_contact(e, 10, "voice", 0, NULL, 0, 100));
    assert_int_equal(contact_state(e, 10), CC_CONTACT_WAITING); /* voice needs the whole budget */
    OK(cc_engine_contact_end(e, 1, NULL, 200));
    assert_string_equal(contact_agent(e, 4), "omni"); /* chat slot freed: waiting chat first */
    OK(cc_engine_offer_accept(e, 4, "omni", 210));
    OK(cc_engine_contact_end(e, 2, NULL, 220));
    OK(cc_engine_contact_end(e, 3, NULL, 230));
    OK(cc_engine_contact_end(e, 4, NULL, 240));
    assert_string_equal(contact_agent(e, 10), "omni");
    OK(cc_engine_offer_accept(e, 10, "omni", 250));
    OK(add_contact(e, 11, "chat", 0, NULL, 0, 260));
    /* chat contacts are not voice: make it a chat */
    cc_engine_free(e);
    rec_free(&r);
}

static void transfers_blind_and_consult(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "front", CC_STRATEGY_LONGEST_IDLE));
    OK(add_queue(e, "back", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "f", "front", NULL, 0, 0));
    OK(add_agent(e, "b", "back", NULL, 0, 0));
    OK(add_agent(e, "c", "back", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "f", 0));
    OK(add_contact(e, 1, "front", 0, NULL, 0, 100));
    OK(cc_engine_offer_accept(e, 1, "f", 200));
    cc_transfer t = CC_TRANSFER_INIT;
    t.target_queue = "back";
    OK(cc_engine_contact_transfer(e, 1, &t, 300));
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_TRANSFERRED, 0);
    assert_true(i >= 0);
    assert_string_equal(r.items[i].queue, "front");
    assert_string_equal(r.items[i].target_queue, "back");
    cc_contact_status cs = CC_CONTACT_STATUS_INIT;
    OK(cc_engine_contact_status(e, 1, &cs));
    assert_int_equal(cs.state, CC_CONTACT_WAITING);
    assert_string_equal(cs.queue, "back");
    assert_int_equal(cs.virtual_start_ms, 100); /* kept */
    assert_int_equal(agent_state(e, "f"), CC_AGENT_READY);
    OK(cc_engine_agent_login(e, "b", 400));
    OK(cc_engine_offer_accept(e, 1, "b", 500));
    /* consult to an agent: b stays until c accepts */
    OK(cc_engine_agent_login(e, "c", 600));
    cc_transfer ct = CC_TRANSFER_INIT;
    ct.kind = CC_TRANSFER_CONSULT;
    ct.target_agent = "c";
    OK(cc_engine_contact_transfer(e, 1, &ct, 700));
    OK(cc_engine_contact_status(e, 1, &cs));
    assert_int_equal(cs.state, CC_CONTACT_CONNECTED);
    assert_true(cs.consult_pending);
    assert_string_equal(cs.agent, "b");
    assert_int_equal(agent_state(e, "c"), CC_AGENT_RESERVED);
    OK(cc_engine_offer_reject(e, 1, "c", 800)); /* consult fails: stays with b */
    OK(cc_engine_contact_status(e, 1, &cs));
    assert_false(cs.consult_pending);
    assert_string_equal(cs.agent, "b");
    OK(cc_engine_contact_transfer(e, 1, &ct, 900));
    OK(cc_engine_offer_accept(e, 1, "c", 1000));
    i = rec_find(&r, 0, CC_EVENT_CONTACT_TRANSFERRED, 1);
    assert_true(i >= 0);
    assert_int_equal(r.items[i].ev.flags & CC_EVENT_F_CONSULT, CC_EVENT_F_CONSULT);
    assert_string_equal(r.items[i].agent, "b");
    assert_string_equal(r.items[i].target_agent, "c");
    assert_string_equal(contact_agent(e, 1), "c");
    assert_int_equal(agent_state(e, "b"), CC_AGENT_READY);
    OK(cc_engine_contact_end(e, 1, NULL, 1100));
    assert_int_equal(rec_count(&r, CC_EVENT_CONTACT_ENDED), 1);
    cc_engine_free(e);
    rec_free(&r);
}

/* An agent who consults about a voice call may meanwhile be rung for a chat (a
 * ring-all offer shared with other agents). When the consult is accepted the agent is
 * released, but its offer of the chat, and the other agents rung with it, stay as they
 * were: once another agent takes the chat, nobody is left reserved by it, and a
 * snapshot of the engine restores. */
static void consult_accepted_while_consultant_rings_for_another(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "voice", CC_STRATEGY_LONGEST_IDLE));
    OK(add_queue(e, "chat", CC_STRATEGY_RING_ALL));
    cc_capacity cap[] = {{CC_CHANNEL_VOICE, 1, 0}, {CC_CHANNEL_CHAT, 2, 0}};
    cc_membership both[] = {{"voice", 0, 0, 0.0}, {"chat", 0, 0, 0.0}};
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    a.capacity = cap;
    a.ncapacity = 2;
    a.queues = both;
    a.nqueues = 2;
    a.name = "x";
    OK(cc_engine_agent_add(e, &a, 0));
    a.queues = &both[1]; /* chat only */
    a.nqueues = 1;
    a.name = "y";
    OK(cc_engine_agent_add(e, &a, 0));
    a.name = "w";
    OK(cc_engine_agent_add(e, &a, 0));
    OK(add_agent(e, "z", "voice", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "y", 0));
    OK(cc_engine_agent_login(e, "w", 0));
    OK(cc_engine_agent_login(e, "x", 5)); /* idle the shortest: rung last, heads the chain */
    OK(add_contact(e, 1, "voice", 0, NULL, 0, 10));
    OK(cc_engine_offer_accept(e, 1, "x", 20));
    cc_transfer tr = CC_TRANSFER_INIT;
    tr.kind = CC_TRANSFER_CONSULT;
    tr.target_queue = "voice";
    OK(cc_engine_contact_transfer(e, 1, &tr, 30)); /* waits: x is not offered it */
    /* a chat rings x, y and w at once */
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    c.id = 2;
    c.channel = CC_CHANNEL_CHAT;
    c.queue = "chat";
    OK(cc_engine_contact_add(e, &c, 40));
    cc_agent_status as = CC_AGENT_STATUS_INIT;
    OK(cc_engine_agent_status(e, "x", &as));
    assert_int_equal(as.offer_contact_id, 2);
    /* z takes the consult: x's leg ends, x's chat offer keeps ringing */
    OK(cc_engine_agent_login(e, "z", 50));
    OK(cc_engine_offer_accept(e, 1, "z", 60));
    void *buf;
    size_t len;
    OK(cc_engine_snapshot(e, &buf, &len));
    recorder r2 = {0};
    cc_engine *f = new_engine(&r2, 1);
    OK(cc_engine_restore(f, buf, len));
    cc_free(buf);
    cc_engine_free(f);
    rec_free(&r2);
    /* w takes the chat: the offers to x and y are withdrawn */
    OK(cc_engine_offer_accept(e, 2, "w", 70));
    const char *others[] = {"x", "y"};
    for (int i = 0; i < 2; i++) {
        as = (cc_agent_status)CC_AGENT_STATUS_INIT;
        OK(cc_engine_agent_status(e, others[i], &as));
        assert_int_equal(as.offer_contact_id, 0);
        assert_int_not_equal(as.state, CC_AGENT_RESERVED);
    }
    cc_engine_free(e);
    rec_free(&r);
}

static void callback_keeps_place_and_retries(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "q";
    q.callback_max_attempts = 2;
    q.callback_retry_ms = 1000;
    OK(cc_engine_queue_add(e, &q));
    OK(cc_engine_bind_backend(e, CC_CHANNEL_CALLBACK, &test_backend, NULL));
    OK(cc_engine_bind_backend(e, CC_CHANNEL_VOICE, &test_backend, NULL));
    test_backend_state *cb = cc_engine_backend_state(e, CC_CHANNEL_CALLBACK);
    test_backend_state *vb = cc_engine_backend_state(e, CC_CHANNEL_VOICE);
    OK(add_agent(e, "a", "q", NULL, 0, 0));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 100));
    OK(add_contact(e, 2, "q", 0, NULL, 0, 200));
    OK(cc_engine_callback_request(e, 1, 300));
    assert_int_equal(vb->calls[TB_HANGUP], 1);
    assert_string_equal(vb->last_hangup_reason, "callback");
    assert_int_equal(contact_state(e, 1), CC_CONTACT_CALLBACK_WAIT);
    OK(cc_engine_agent_login(e, "a", 400));
    assert_int_equal(contact_state(e, 1), CC_CONTACT_DIALING); /* kept its place before 2 */
    assert_int_equal(cb->calls[TB_DIAL], 1);
    assert_int_equal(cb->last_attempt, 1);
    OK(cc_engine_callback_result(e, 1, CC_DIAL_NO_ANSWER, 500));
    assert_int_equal(contact_state(e, 1), CC_CONTACT_CALLBACK_WAIT);
    assert_string_equal(contact_agent(e, 2), "a"); /* agent released to the next */
    OK(cc_engine_offer_accept(e, 2, "a", 600));
    OK(cc_engine_contact_end(e, 2, NULL, 700));
    OK(cc_engine_advance(e, 1500)); /* retry */
    assert_int_equal(contact_state(e, 1), CC_CONTACT_DIALING);
    assert_int_equal(cb->last_attempt, 2);
    OK(cc_engine_callback_result(e, 1, CC_DIAL_ANSWERED, 1600));
    assert_int_equal(contact_state(e, 1), CC_CONTACT_CONNECTED);
    OK(cc_engine_contact_end(e, 1, NULL, 1700));
    /* a callback that never answers ends after max attempts */
    OK(cc_engine_agent_not_ready(e, "a", "break", 2000));
    OK(add_contact(e, 3, "q", 0, NULL, 0, 2001));
    OK(cc_engine_callback_request(e, 3, 2003));
    OK(cc_engine_agent_ready(e, "a", 2004));
    OK(cc_engine_callback_result(e, 3, CC_DIAL_BUSY, 2005));
    OK(cc_engine_advance(e, 3005));
    OK(cc_engine_callback_result(e, 3, CC_DIAL_NO_ANSWER, 3006));
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_LEFT, 0);
    assert_true(i >= 0);
    assert_string_equal(r.items[i].reason, "callback-failed");
    cc_engine_free(e);
    rec_free(&r);
}

static void last_agent_preference(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "q";
    q.last_agent_wait_ms = 10000;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "x", "q", NULL, 0, 0));
    OK(add_agent(e, "y", "q", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "x", 0));
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    c.id = 1;
    c.customer_id = 99;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = "q";
    OK(cc_engine_contact_add(e, &c, 100));
    OK(cc_engine_offer_accept(e, 1, "x", 200));
    OK(cc_engine_contact_end(e, 1, NULL, 300));
    /* returning customer while x is busy with someone else: waits for x */
    OK(add_contact(e, 2, "q", 0, NULL, 0, 400));
    OK(cc_engine_offer_accept(e, 2, "x", 500));
    OK(cc_engine_agent_login(e, "y", 550));
    c.id = 3;
    OK(cc_engine_contact_add(e, &c, 600));
    assert_int_equal(contact_state(e, 3), CC_CONTACT_WAITING); /* y is free, but 3 waits for x */
    OK(cc_engine_contact_end(e, 2, NULL, 700));
    assert_string_equal(contact_agent(e, 3), "x");
    OK(cc_engine_offer_accept(e, 3, "x", 800));
    /* expiry: after last_agent_wait_ms anyone may take it */
    c.id = 4;
    OK(cc_engine_contact_end(e, 3, NULL, 900));
    OK(add_contact(e, 5, "q", 0, NULL, 0, 950)); /* y idle longest */
    assert_string_equal(contact_agent(e, 5), "y");
    OK(cc_engine_offer_accept(e, 5, "y", 960));
    OK(add_contact(e, 6, "q", 0, NULL, 0, 970));
    assert_string_equal(contact_agent(e, 6), "x");
    OK(cc_engine_offer_accept(e, 6, "x", 980));
    OK(cc_engine_contact_add(e, &c, 1000));
    OK(cc_engine_contact_end(e, 5, NULL, 1100)); /* y free, 4 still waits for x */
    assert_int_equal(contact_state(e, 4), CC_CONTACT_WAITING);
    OK(cc_engine_advance(e, 11000));
    assert_string_equal(contact_agent(e, 4), "y");
    cc_engine_free(e);
    rec_free(&r);
}

static void max_wait_overflow_and_leave(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "first";
    q.max_wait_ms = 1000;
    q.max_wait_action = CC_MAX_WAIT_OVERFLOW;
    q.overflow_queue = "second";
    q.max_length = 2;
    OK(cc_engine_queue_add(e, &q));
    cc_queue_config q2 = CC_QUEUE_CONFIG_INIT;
    q2.name = "second";
    q2.max_wait_ms = 500;
    q2.join = CC_JOIN_ALWAYS;
    OK(cc_engine_queue_add(e, &q2));
    cc_queue_config q3 = CC_QUEUE_CONFIG_INIT;
    q3.name = "staffed-only";
    q3.join = CC_JOIN_IF_STAFFED;
    OK(cc_engine_queue_add(e, &q3));
    OK(add_contact(e, 1, "first", 0, NULL, 0, 0));
    OK(add_contact(e, 2, "first", 0, NULL, 0, 10));
    OK(add_contact(e, 3, "first", 0, NULL, 0, 20)); /* full */
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_BLOCKED, 0);
    assert_true(i >= 0);
    assert_string_equal(r.items[i].reason, "full");
    OK(add_contact(e, 4, "staffed-only", 0, NULL, 0, 30));
    i = rec_find(&r, 0, CC_EVENT_CONTACT_BLOCKED, 1);
    assert_string_equal(r.items[i].reason, "empty");
    OK(cc_engine_advance(e, 1000));
    i = rec_find(&r, 0, CC_EVENT_CONTACT_OVERFLOWED, 0);
    assert_true(i >= 0);
    assert_string_equal(r.items[i].target_queue, "second");
    cc_contact_status cs = CC_CONTACT_STATUS_INIT;
    OK(cc_engine_contact_status(e, 1, &cs));
    assert_string_equal(cs.queue, "second");
    assert_int_equal(cs.virtual_start_ms, 0);
    OK(cc_engine_advance(e, 1600));
    i = rec_find(&r, 0, CC_EVENT_CONTACT_LEFT, 0);
    assert_true(i >= 0);
    assert_string_equal(r.items[i].reason, "max-wait");
    assert_int_equal(r.items[i].ev.contact_id, 1);
    cc_engine_free(e);
    rec_free(&r);
}

/* max_length counts the contacts waiting in the queue, as its status does
 * (engine.h): callbacks waiting for their turn and a consult waiting in its
 * target queue take a place, a ringing contact does not. */
static void max_length_counts_callbacks_and_consults(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "q";
    q.max_length = 2;
    OK(cc_engine_queue_add(e, &q));
    OK(add_queue(e, "src", CC_STRATEGY_LONGEST_IDLE));
    OK(cc_engine_bind_backend(e, CC_CHANNEL_CALLBACK, &test_backend, NULL));
    OK(cc_engine_bind_backend(e, CC_CHANNEL_VOICE, &test_backend, NULL));
    OK(add_agent(e, "a", "q", NULL, 0, 0));
    OK(add_agent(e, "b", "src", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "b", 0));
    OK(add_contact(e, 10, "src", 0, NULL, 0, 10));
    OK(cc_engine_offer_accept(e, 10, "b", 20));
    cc_transfer t = CC_TRANSFER_INIT;
    t.kind = CC_TRANSFER_CONSULT;
    t.target_queue = "q";
    OK(cc_engine_contact_transfer(e, 10, &t, 30)); /* b consults q, where nobody is ready */
    OK(add_contact(e, 1, "q", 0, NULL, 0, 40));
    OK(cc_engine_callback_request(e, 1, 50));
    cc_queue_status qs = CC_QUEUE_STATUS_INIT;
    OK(cc_engine_queue_status(e, "q", &qs));
    assert_int_equal(qs.waiting, 2);
    OK(add_contact(e, 2, "q", 0, NULL, 0, 60)); /* full */
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_BLOCKED, 0);
    assert_true(i >= 0);
    assert_int_equal(r.items[i].ev.contact_id, 2);
    assert_string_equal(r.items[i].reason, "full");
    OK(cc_engine_agent_login(e, "a", 70)); /* rings a: one place is free */
    OK(cc_engine_queue_status(e, "q", &qs));
    assert_int_equal(qs.waiting, 1);
    assert_int_equal(qs.offered, 1);
    OK(add_contact(e, 3, "q", 0, NULL, 0, 80));
    assert_int_equal(contact_state(e, 3), CC_CONTACT_WAITING);
    OK(add_contact(e, 4, "q", 0, NULL, 0, 90));
    i = rec_find(&r, 0, CC_EVENT_CONTACT_BLOCKED, 1);
    assert_true(i >= 0);
    assert_int_equal(r.items[i].ev.contact_id, 4);
    cc_engine_free(e);
    rec_free(&r);
}

static void leave_when_empty(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "q";
    q.leave_when_empty = 1;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "a", "q", "rare", 5, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_contact(e, 1, "q", 0, "other", 1, 10));
    OK(cc_engine_agent_not_ready(e, "a", "lunch", 20));
    long i = rec_find(&r, 0, CC_EVENT_CONTACT_LEFT, 0);
    assert_true(i >= 0);
    assert_string_equal(r.items[i].reason, "empty");
    cc_engine_free(e);
    rec_free(&r);
}

static void multi_queue_selection_policy(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "gold";
    q.weight = 3.0;
    OK(cc_engine_queue_add(e, &q));
    OK(add_queue(e, "std", CC_STRATEGY_LONGEST_IDLE));
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    cc_membership ms[] = {{"std", 0, 0, 0}, {"gold", 0, 0, 0}};
    a.name = "a";
    a.queues = ms;
    a.nqueues = 2;
    OK(cc_engine_agent_add(e, &a, 0));
    OK(add_contact(e, 1, "std", 0, NULL, 0, 0));    /* waits 1000 */
    OK(add_contact(e, 2, "gold", 0, NULL, 0, 600)); /* waits 400 x 3 = 1200 */
    OK(add_contact(e, 3, "std", 1, NULL, 0, 900));  /* higher priority */
    OK(cc_engine_agent_login(e, "a", 1000));
    assert_string_equal(contact_agent(e, 3), "a");
    OK(cc_engine_offer_accept(e, 3, "a", 1000));
    OK(cc_engine_contact_end(e, 3, NULL, 1000));
    assert_string_equal(contact_agent(e, 2), "a"); /* weighted wait */
    cc_engine_free(e);
    rec_free(&r);
}

static void snapshot_restore_continues_identically(void **state)
{
    (void)state;
    recorder r1 = {0}, r2 = {0};
    cc_engine *e = strategy_setup(&r1, CC_STRATEGY_RANDOM, 4);
    OK(add_contact(e, 100, "q", 0, NULL, 0, 50));
    OK(add_contact(e, 101, "q", 0, NULL, 0, 60));
    OK(cc_engine_offer_accept(e, 100, contact_agent(e, 100), 70));
    void *buf;
    size_t len;
    OK(cc_engine_snapshot(e, &buf, &len));
    cc_engine *f = new_engine(&r2, 777);
    OK(cc_engine_restore(f, buf, len));
    assert_int_equal(cc_engine_restore(f, buf, len), CC_ESTATE); /* not empty any more */
    void *buf2;
    size_t len2;
    OK(cc_engine_snapshot(f, &buf2, &len2));
    assert_int_equal(len, len2);
    assert_memory_equal(buf, buf2, len);
    size_t mark1 = r1.len;
    char b1[16], b2[16];
    for (int i = 0; i < 20; i++) {
        serve_one(e, 200 + (uint64_t)i, 1000 + i * 1000, b1);
        serve_one(f, 200 + (uint64_t)i, 1000 + i * 1000, b2);
        assert_string_equal(b1, b2);
    }
    assert_int_equal(r1.len - mark1, r2.len);
    for (size_t i = 0; i < r2.len; i++) {
        assert_int_equal(r1.items[mark1 + i].ev.type, r2.items[i].ev.type);
        assert_int_equal(r1.items[mark1 + i].ev.seq, r2.items[i].ev.seq);
        assert_string_equal(r1.items[mark1 + i].agent, r2.items[i].agent);
    }
    /* malformed snapshots are refused and leave the engine empty */
    cc_engine *g = new_engine(&r2, 1);
    for (size_t cut = 0; cut < len; cut += 7) assert_int_not_equal(cc_engine_restore(g, buf, cut), CC_OK);
    unsigned char *bad = malloc(len);
    memcpy(bad, buf, len);
    for (size_t k = 12; k < len; k += 13) {
        bad[k] ^= 0x5a;
        cc_status st = cc_engine_restore(g, bad, len);
        if (st == CC_OK) {
            cc_engine_free(g);
            g = new_engine(&r2, 1);
        }
        bad[k] ^= 0x5a;
    }
    free(bad);
    OK(cc_engine_restore(g, buf, len));
    cc_free(buf);
    cc_free(buf2);
    cc_engine_free(e);
    cc_engine_free(f);
    cc_engine_free(g);
    rec_free(&r1);
    rec_free(&r2);
}

static void backend_contract(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(cc_engine_bind_backend(e, CC_CHANNEL_VOICE, &test_backend, NULL));
    test_backend_state *tb = cc_engine_backend_state(e, CC_CHANNEL_VOICE);
    assert_int_equal(tb->channel, CC_CHANNEL_VOICE);
    assert_null(cc_engine_backend_state(e, CC_CHANNEL_CHAT));
    OK(add_agent(e, "a", "q", NULL, 0, 0));
    OK(add_agent(e, "b", "q", NULL, 0, 0));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 10));
    assert_int_equal(tb->calls[TB_ANNOUNCE], 1);
    assert_int_equal(tb->last_position, 1);
    /* re-entering the engine from a backend call is refused */
    tb->try_reentry = 1;
    OK(cc_engine_agent_login(e, "a", 20));
    assert_int_equal(tb->reentry_status, CC_EBUSY);
    tb->try_reentry = 0;
    assert_int_equal(cc_engine_bind_backend(e, CC_CHANNEL_VOICE, &test_backend, NULL), CC_ESTATE);
    /* a failed offer counts as a reject by that agent, who goes not-ready */
    OK(cc_engine_offer_accept(e, 1, "a", 30));
    tb->fail_offer = 1;
    OK(add_contact(e, 2, "q", 0, NULL, 0, 40));
    OK(cc_engine_agent_login(e, "b", 50));
    assert_int_equal(agent_state(e, "b"), CC_AGENT_NOT_READY); /* reject_after is READY */
    cc_agent_status bs = CC_AGENT_STATUS_INIT;
    OK(cc_engine_agent_status(e, "b", &bs));
    assert_string_equal(bs.reason, "offer-failed");
    assert_int_equal(contact_state(e, 2), CC_CONTACT_WAITING);
    tb->fail_offer = 0;
    /* supervising changes nothing in the engine, not even its time (the runtime does not
     * journal it: a replay must reach the same state without it) */
    void *before, *after;
    size_t blen, alen;
    OK(cc_engine_snapshot(e, &before, &blen));
    OK(cc_engine_supervise(e, 1, "boss", CC_SUPERVISE_WHISPER, 60));
    assert_int_equal(tb->calls[TB_SUPERVISE], 1);
    OK(cc_engine_snapshot(e, &after, &alen));
    assert_true(blen == alen && memcmp(before, after, blen) == 0);
    cc_free(before);
    cc_free(after);
    OK(cc_engine_supervise(e, 1, "boss", CC_SUPERVISE_MONITOR, 90)); /* time not adopted: */
    assert_true(cc_engine_now(e) < 90);
    assert_int_equal(cc_engine_supervise(e, 2, "boss", CC_SUPERVISE_BARGE, 60), CC_ESTATE);
    cc_backend no_open = test_backend;
    no_open.open = NULL;
    assert_int_equal(cc_engine_bind_backend(e, CC_CHANNEL_CHAT, &no_open, NULL), CC_EINVAL);
    cc_backend v0 = test_backend;
    v0.version = 0;
    assert_int_equal(cc_engine_bind_backend(e, CC_CHANNEL_CHAT, &v0, NULL), CC_EVERSION);
    cc_engine_free(e); /* closes backends */
    rec_free(&r);
}

/* A backend with only a binding lifetime (open, close): the engine calls nothing else. */
static cc_backend minimal_backend(const char *name, size_t state_size,
                                  cc_status (*open)(void *, cc_engine *, cc_channel, void *),
                                  void (*close)(void *))
{
    cc_backend b = {0};
    b.version = CC_BACKEND_VERSION;
    b.state_size = state_size;
    b.name = name;
    b.open = open;
    b.close = close;
    return b;
}

/* A backend whose close() calls back into the engine being freed (ends contact 1). */
static cc_status reentrant_open(void *state, cc_engine *engine, cc_channel channel, void *config)
{
    (void)channel, (void)config;
    *(cc_engine **)state = engine;
    return CC_OK;
}

static cc_status closing_reentry_status = CC_OK;

static void reentrant_close(void *state)
{
    closing_reentry_status = cc_engine_contact_end(*(cc_engine **)state, 1, NULL, 1000);
}

/* cc_engine_free closes the backends first, each one's state freed after its close: a
 * later backend's close() that called back in ran the engine on freed backend state (the
 * end hung up through the voice backend). The engine is busy while it is freed. */
static void backends_closing_cannot_reenter_the_engine(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_backend reentrant = minimal_backend("reentrant", sizeof(cc_engine *), reentrant_open,
                                           reentrant_close);
    OK(cc_engine_bind_backend(e, CC_CHANNEL_VOICE, &test_backend, NULL));
    OK(cc_engine_bind_backend(e, CC_CHANNEL_CHAT, &reentrant, NULL));
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "a", "q", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "a", 0));
    OK(add_contact(e, 1, "q", 0, NULL, 0, 10));
    OK(cc_engine_offer_accept(e, 1, "a", 20));
    closing_reentry_status = CC_OK;
    cc_engine_free(e);
    assert_int_equal(closing_reentry_status, CC_EBUSY);
    rec_free(&r);
}

/* An event sink that tries to snapshot the engine (and to query it) while an input runs. */
typedef struct snapshot_sink {
    cc_engine *engine;
    int tries;
    cc_status snapshot_status; /* the last refusal, or CC_OK when one went through */
    cc_status query_status;
} snapshot_sink;

static void snapshotting_sink(const cc_event *ev, void *ud)
{
    snapshot_sink *s = ud;
    if (ev->type != CC_EVENT_CONTACT_ARRIVED) return;
    void *buf = NULL;
    size_t len = 0;
    s->tries++;
    s->snapshot_status = cc_engine_snapshot(s->engine, &buf, &len);
    cc_free(buf);
    cc_queue_status qs = CC_QUEUE_STATUS_INIT;
    s->query_status = cc_engine_queue_status(s->engine, "q", &qs);
}

/* A snapshot taken while an input runs holds a half-made state (here: the contact
 * arrived but queued nowhere) that no restore accepts: engine.h promises CC_EBUSY
 * from inside the event sink, as for inputs; queries still answer. */
static void snapshot_from_an_event_sink_is_refused(void **state)
{
    (void)state;
    snapshot_sink s = {0};
    cc_engine_options o = CC_ENGINE_OPTIONS_INIT;
    o.event_fn = snapshotting_sink;
    o.event_user_data = &s;
    OK(cc_engine_new(&s.engine, &o));
    OK(add_queue(s.engine, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_contact(s.engine, 1, "q", 0, NULL, 0, 10));
    assert_int_equal(s.tries, 1);
    assert_int_equal(s.snapshot_status, CC_EBUSY);
    assert_non_null(strstr(cc_error_last(), "cc_engine_snapshot"));
    assert_int_equal(s.query_status, CC_OK);
    void *buf = NULL; /* once the input returned, it works */
    size_t len = 0;
    OK(cc_engine_snapshot(s.engine, &buf, &len));
    cc_free(buf);
    cc_engine_free(s.engine);
}

/* A backend whose close() reads the state of the voice backend, closed before it. */
static void peeking_close(void *state)
{
    cc_engine *e = *(cc_engine **)state;
    int *voice = cc_engine_backend_state(e, CC_CHANNEL_VOICE);
    closing_reentry_status = voice ? (*voice == 7 ? CC_OK : CC_EIO) : CC_ENOTFOUND;
}

static cc_status marked_open(void *state, cc_engine *engine, cc_channel channel, void *config)
{
    (void)engine, (void)channel, (void)config;
    *(int *)state = 7;
    return CC_OK;
}

/* While cc_engine_free closes the backends, a backend closed (its state freed) is no
 * longer bound: cc_engine_backend_state gives NULL for it, not the freed state (read
 * after free from a later backend's close()). */
static void backends_closed_by_free_read_as_unbound(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_backend marked = minimal_backend("marked", sizeof(int), marked_open, NULL);
    cc_backend peeking = minimal_backend("peeking", sizeof(cc_engine *), reentrant_open,
                                         peeking_close);
    OK(cc_engine_bind_backend(e, CC_CHANNEL_VOICE, &marked, NULL));
    OK(cc_engine_bind_backend(e, CC_CHANNEL_CHAT, &peeking, NULL));
    closing_reentry_status = CC_OK;
    cc_engine_free(e);
    assert_int_equal(closing_reentry_status, CC_ENOTFOUND);
    rec_free(&r);
}

/* The public structs are versioned ABI: their sizes (LP64) are pinned per
 * version, so a change that is not an append is caught here. */
static void struct_sizes_are_pinned(void **state)
{
    (void)state;
    if (sizeof(void *) != 8) skip();
    assert_int_equal(CC_ENGINE_OPTIONS_VERSION, 1);
    assert_int_equal(sizeof(cc_engine_options), 72);
    assert_int_equal(CC_QUEUE_CONFIG_VERSION, 1);
    assert_int_equal(sizeof(cc_queue_config), 160);
    assert_int_equal(CC_AGENT_CONFIG_VERSION, 1);
    assert_int_equal(sizeof(cc_agent_config), 80);
    assert_int_equal(CC_CONTACT_CONFIG_VERSION, 1);
    assert_int_equal(sizeof(cc_contact_config), 80);
    assert_int_equal(sizeof(cc_transfer), 24);
    assert_int_equal(sizeof(cc_contact_status), 72);
    assert_int_equal(sizeof(cc_queue_status), 80);
    assert_int_equal(sizeof(cc_agent_status), 72);
    assert_int_equal(CC_BACKEND_VERSION, 1);
    assert_int_equal(sizeof(cc_backend), 96);
    assert_int_equal(sizeof(cc_backend_offer), 56);
    assert_int_equal(sizeof(cc_skill), 16);
    assert_int_equal(sizeof(cc_membership), 24);
    assert_int_equal(sizeof(cc_escalation), 24);
    /* the INIT macros set the version and the documented defaults */
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    assert_int_equal(q.version, CC_QUEUE_CONFIG_VERSION);
    assert_int_equal(q.strategy, CC_STRATEGY_LONGEST_IDLE);
    cc_engine_options o = CC_ENGINE_OPTIONS_INIT;
    assert_int_equal(o.reject_after, CC_AFTER_READY);
    assert_int_equal(o.rona_after, CC_AFTER_NOT_READY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lifecycle_offer_accept_end_wrapup),
        cmocka_unit_test(ring_no_answer_keeps_place_and_pauses_agent),
        cmocka_unit_test(strategies_pick_the_documented_agent),
        cmocka_unit_test(random_strategies_are_seeded_and_weighted),
        cmocka_unit_test(ring_all_first_accept_wins),
        cmocka_unit_test(skills_route_only_to_eligible_and_escalate),
        cmocka_unit_test(requirement_levels_share_one_index),
        cmocka_unit_test(linear_order_holds_across_levels),
        cmocka_unit_test(priority_then_virtual_start_order),
        cmocka_unit_test(omnichannel_capacity_and_load),
        cmocka_unit_test(transfers_blind_and_consult),
        cmocka_unit_test(consult_accepted_while_consultant_rings_for_another),
        cmocka_unit_test(callback_keeps_place_and_retries),
        cmocka_unit_test(max_length_counts_callbacks_and_consults),
        cmocka_unit_test(last_agent_preference),
        cmocka_unit_test(max_wait_overflow_and_leave),
        cmocka_unit_test(leave_when_empty),
        cmocka_unit_test(multi_queue_selection_policy),
        cmocka_unit_test(snapshot_restore_continues_identically),
        cmocka_unit_test(backend_contract),
        cmocka_unit_test(backends_closing_cannot_reenter_the_engine),
        cmocka_unit_test(snapshot_from_an_event_sink_is_refused),
        cmocka_unit_test(backends_closed_by_free_read_as_unbound),
        cmocka_unit_test(struct_sizes_are_pinned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
