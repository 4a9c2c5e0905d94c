/*
 * tests/unit/test_engine_errors.c - bad input and allocation failures.
 *
 * Every refused call returns the documented cc_status, sets a detail message
 * and leaves the engine byte-for-byte unchanged (compared through
 * cc_engine_snapshot). Allocation-failure sweeps fail every allocation of a
 * whole scenario in turn: each failing call returns CC_ENOMEM, leaves the
 * engine unchanged (or, for cc_engine_advance, consistent with the timer
 * kept), and nothing leaks.
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
#include "support/test_backend.h"

#include <math.h>

#define OK(x) assert_int_equal((x), CC_OK)

/* The call failed with `want`, said why, and changed nothing. */
static void refused(cc_engine *e, snap *before, cc_status got, cc_status want, const char *needle)
{
    if (got != want)
        fail_msg("got %s (%s), want %s", cc_status_name(got), cc_error_last(), cc_status_name(want));
    assert_string_not_equal(cc_error_last(), "");
    if (needle && !strstr(cc_error_last(), needle))
        fail_msg("detail '%s' does not mention '%s'", cc_error_last(), needle);
    same_snapshot(e, before);
}

static cc_engine *small_center(recorder *r)
{
    cc_engine *e = new_engine(r, 3);
    OK(add_queue(e, "sales", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "ann", "sales", "en", 5, 0));
    OK(add_agent(e, "bob", "sales", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "ann", 10));
    OK(add_contact(e, 1, "sales", 0, NULL, 0, 20)); /* offered to ann */
    OK(add_contact(e, 2, "sales", 0, NULL, 0, 30)); /* waiting */
    return e;
}

static void bad_configs_are_refused(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = small_center(&r);
    snap s = take(e);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EINVAL, "name");
    q.name = "sales";
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EEXIST, "sales");
    q.name = "x";
    q.ring_timeout_ms = -5;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EINVAL, "ring_timeout_ms");
    q.ring_timeout_ms = 0;
    q.weight = NAN;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EINVAL, "weight");
    q.weight = 1;
    q.strategy = (cc_strategy)99;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EINVAL, "strategy");
    q.strategy = CC_STRATEGY_LINEAR;
    q.max_wait_action = CC_MAX_WAIT_OVERFLOW;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EINVAL, "overflow");
    q.max_wait_action = CC_MAX_WAIT_LEAVE;
    cc_escalation esc[] = {{2000, 0, 0, NULL}, {1000, 0, 0, NULL}};
    q.escalations = esc;
    q.nescalations = 2;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EINVAL, "escalation");
    q.nescalations = 0;
    cc_skill lvl[] = {{"en", 11}};
    q.skills = lvl;
    q.nskills = 1;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EINVAL, "level");
    q.nskills = 0;
    q.version = 99;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EVERSION, "version");

    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    refused(e, &s, cc_engine_agent_add(e, &a, 40), CC_EINVAL, "name");
    a.name = "ann";
    refused(e, &s, cc_engine_agent_add(e, &a, 40), CC_EEXIST, "ann");
    a.name = "cid";
    cc_membership m = {"nowhere", 0, 0, 0};
    a.queues = &m;
    a.nqueues = 1;
    refused(e, &s, cc_engine_agent_add(e, &a, 40), CC_ENOTFOUND, "nowhere");
    m.queue = "sales";
    m.tier = -1;
    refused(e, &s, cc_engine_agent_add(e, &a, 40), CC_EINVAL, "tier");
    m.tier = 0;
    /* a weight near zero would send the weighted-random race to infinity */
    double weights[] = {1e-310, CC_MEMBER_WEIGHT_MIN / 2, CC_MEMBER_WEIGHT_MAX * 2, -1, NAN,
                        INFINITY};
    cc_membership spare = {"spare", 0, 0, 0};
    OK(add_queue(e, "spare", CC_STRATEGY_WEIGHTED_RANDOM));
    cc_free(s.buf);
    s = take(e);
    for (size_t i = 0; i < sizeof weights / sizeof weights[0]; i++) {
        m.weight = spare.weight = weights[i];
        refused(e, &s, cc_engine_agent_add(e, &a, 40), CC_EINVAL, "weight");
        refused(e, &s, cc_engine_member_add(e, "bob", &spare, 40), CC_EINVAL, "weight");
    }
    m.weight = 0;
    cc_skill dup[] = {{"en", 1}, {"en", 2}};
    a.skills = dup;
    a.nskills = 2;
    refused(e, &s, cc_engine_agent_add(e, &a, 40), CC_EINVAL, "twice");
    a.nskills = 0;
    cc_capacity cap[] = {{CC_CHANNEL_VOICE, 0, 1}};
    a.capacity = cap;
    a.ncapacity = 1;
    refused(e, &s, cc_engine_agent_add(e, &a, 40), CC_EINVAL, "max");
    a.ncapacity = 0;
    refused(e, &s, cc_engine_agent_add(e, &a, 5), CC_EINVAL, "backwards");

    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = "sales";
    refused(e, &s, cc_engine_contact_add(e, &c, 40), CC_EINVAL, "id");
    c.id = 1;
    refused(e, &s, cc_engine_contact_add(e, &c, 40), CC_EEXIST, "1");
    c.id = 9;
    c.queue = "support";
    refused(e, &s, cc_engine_contact_add(e, &c, 40), CC_ENOTFOUND, "support");
    c.queue = "sales";
    c.channel = CC_CHANNEL_NONE;
    refused(e, &s, cc_engine_contact_add(e, &c, 40), CC_EINVAL, "channel");
    c.channel = CC_CHANNEL_VOICE;
    c.virtual_start_ms = 100;
    refused(e, &s, cc_engine_contact_add(e, &c, 40), CC_EINVAL, "future");
    c.virtual_start_ms = 0;
    c.version = 0;
    refused(e, &s, cc_engine_contact_add(e, &c, 40), CC_EVERSION, "version");

    cc_engine_options o = CC_ENGINE_OPTIONS_INIT;
    cc_engine *x = NULL;
    o.version = 2;
    assert_int_equal(cc_engine_new(&x, &o), CC_EVERSION);
    o.version = CC_ENGINE_OPTIONS_VERSION;
    o.last_agent_window_ms = -1;
    assert_int_equal(cc_engine_new(&x, &o), CC_EINVAL);
    assert_null(x);
    cc_strategy st;
    assert_int_equal(cc_strategy_from_name("fastest", &st), CC_EINVAL);
    OK(cc_strategy_from_name("ring-all", &st));
    assert_int_equal(st, CC_STRATEGY_RING_ALL);
    assert_string_equal(cc_strategy_name(CC_STRATEGY_LEAST_SKILLED), "least-skilled-first");
    cc_free(s.buf);
    cc_engine_free(e);
    rec_free(&r);
}

/* Times and durations outside +-CC_TIME_LIMIT_MS are refused at the API, so
 * no later subtraction or sum of times can overflow. */
static void times_outside_the_domain_are_refused(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = small_center(&r);
    snap s = take(e);
    const int64_t lim = CC_TIME_LIMIT_MS;
    refused(e, &s, cc_engine_agent_login(e, "bob", lim + 1), CC_EINVAL, "CC_TIME_LIMIT_MS");
    refused(e, &s, cc_engine_advance(e, INT64_MAX), CC_EINVAL, "CC_TIME_LIMIT_MS");
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "x";
    q.max_wait_ms = lim + 1;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EINVAL, "max_wait_ms");
    q.max_wait_ms = 0;
    q.wrapup_ms = INT64_MAX;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EINVAL, "wrapup_ms");
    q.wrapup_ms = 0;
    cc_escalation esc = {lim + 1, 0, 0, NULL};
    q.escalations = &esc;
    q.nescalations = 1;
    refused(e, &s, cc_engine_queue_add(e, &q), CC_EINVAL, "escalation");
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    c.id = 9;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = "sales";
    c.virtual_start_ms = -lim - 1;
    refused(e, &s, cc_engine_contact_add(e, &c, 40), CC_EINVAL, "virtual_start_ms");
    cc_engine_options o = CC_ENGINE_OPTIONS_INIT;
    o.last_agent_window_ms = lim + 1;
    cc_engine *x = NULL;
    assert_int_equal(cc_engine_new(&x, &o), CC_EINVAL);
    assert_null(x);
    /* the edges themselves are accepted */
    OK(cc_engine_advance(e, lim));
    cc_free(s.buf);
    cc_engine_free(e);
    rec_free(&r);
}

/* The snapshot format's little-endian int64. */
static void le64(unsigned char b[8], int64_t v)
{
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)v >> (8 * i));
}

/* A snapshot whose times lie outside the domain is malformed: every place
 * the blob stores the distinctive time T is overwritten in turn with a value
 * out of range, and each such blob is refused (leg and agent times, contact
 * times, deadlines). */
static void snapshot_times_outside_the_domain_are_refused(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = small_center(&r);
    const int64_t t = 7777777;
    OK(cc_engine_offer_accept(e, 1, "ann", t));
    OK(add_contact(e, 3, "sales", 0, NULL, 0, t));
    void *buf;
    size_t len;
    OK(cc_engine_snapshot(e, &buf, &len));
    unsigned char *blob = buf, want[8], out[8], later[8];
    le64(want, t);
    le64(out, INT64_MIN + 7);
    le64(later, t + 1000); /* in the domain, but after the engine's now */
    int found = 0, refused_later = 0;
    for (size_t k = 0; k + 8 <= len; k++) {
        if (memcmp(blob + k, want, 8) != 0) continue;
        found++;
        memcpy(blob + k, out, 8);
        cc_engine *f = new_engine(&r, 1);
        cc_status st = cc_engine_restore(f, blob, len);
        if (st != CC_EPARSE) fail_msg("time at byte %zu: got %s", k, cc_status_name(st));
        cc_engine_free(f);
        memcpy(blob + k, later, 8);
        f = new_engine(&r, 1);
        refused_later += cc_engine_restore(f, blob, len) == CC_EPARSE;
        cc_engine_free(f);
        memcpy(blob + k, want, 8);
    }
    assert_true(found >= 5); /* engine now, leg start, agent state and contact times */
    /* a leg that starts, or a contact that arrives, after now is refused too */
    print_message("# %d of %d later times refused\n", refused_later, found);
    assert_true(refused_later >= 4);
    cc_engine *f = new_engine(&r, 1);
    OK(cc_engine_restore(f, blob, len));
    cc_free(buf);
    cc_engine_free(f);
    cc_engine_free(e);
    rec_free(&r);
}

/* A contact with an agent keeps the queue of that leg (a consult that fails or is
 * cancelled puts it back there). A blob whose connected contact names no such queue
 * is malformed: restored, the consult's ring timeout moved the contact into no queue
 * (a NULL dereference). */
static void snapshot_connected_contact_without_leg_queue_is_refused(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = small_center(&r);
    OK(cc_engine_offer_accept(e, 1, "ann", 40));
    OK(cc_engine_contact_abandon(e, 2, 45)); /* bob stays free for the consult */
    OK(cc_engine_agent_login(e, "bob", 50));
    cc_transfer tr = CC_TRANSFER_INIT;
    tr.kind = CC_TRANSFER_CONSULT;
    tr.target_agent = "bob";
    OK(cc_engine_contact_transfer(e, 1, &tr, 60)); /* rings bob, ann keeps the call */
    void *buf;
    size_t len;
    OK(cc_engine_snapshot(e, &buf, &len));
    /* contact 1's record from offer_head on: bob (slot 1), 1 offer, declined by
     * nobody (and its ordinal), with ann (slot 0), consult from ann, leg queue sales
     * (index 0), direct, no preferred agent */
    static const unsigned char pat[] = {1, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
                                        0, 0, 0, 0, 0, 0, 0, 0,   0, 0, 0, 0,
                                        0, 0, 0, 0, 0, 0, 0, 0,   1, 0, 0, 0,
                                        0xff, 0xff, 0xff, 0xff};
    unsigned char *blob = buf;
    size_t at = 0;
    int found = 0;
    for (size_t k = 0; k + sizeof pat <= len; k++)
        if (memcmp(blob + k, pat, sizeof pat) == 0) at = k, found++;
    assert_int_equal(found, 1);
    memset(blob + at + 28, 0xff, 4); /* the leg queue: none */
    cc_engine *f = new_engine(&r, 1);
    assert_int_equal(cc_engine_restore(f, blob, len), CC_EPARSE);
    memset(blob + at + 28, 0, 4);
    OK(cc_engine_restore(f, blob, len)); /* the unforged blob restores */
    cc_free(buf);
    cc_engine_free(f);
    cc_engine_free(e);
    rec_free(&r);
}

/* Replaces the one place in a blob holding the free list {count 2: a, b} by {2: x, y}. */
static void forge_free_list(unsigned char *blob, size_t len, uint32_t a, uint32_t b, uint32_t x,
                            uint32_t y)
{
    const unsigned char pat[] = {2, 0, 0, 0, (unsigned char)a, 0, 0, 0, (unsigned char)b, 0, 0, 0};
    size_t at = 0;
    int found = 0;
    for (size_t k = 0; k + sizeof pat <= len; k++)
        if (memcmp(blob + k, pat, sizeof pat) == 0) at = k, found++;
    assert_int_equal(found, 1);
    blob[at + 4] = (unsigned char)x;
    blob[at + 8] = (unsigned char)y;
}

/* The free slot lists name each free slot once. A blob listing one twice is malformed:
 * restored, two later arrivals (or agents) took the same slot, the second overwrote the
 * first (lost without a terminal event, its queue's counters wrong). */
static void snapshot_free_slot_listed_twice_is_refused(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    for (uint64_t id = 1; id <= 6; id++) OK(add_contact(e, id, "q", 0, NULL, 0, 10));
    OK(cc_engine_contact_abandon(e, 6, 20)); /* slot 5, then slot 4: contact free list {5, 4} */
    OK(cc_engine_contact_abandon(e, 5, 20));
    void *buf;
    size_t len;
    OK(cc_engine_snapshot(e, &buf, &len));
    forge_free_list(buf, len, 5, 4, 5, 5);
    cc_engine *f = new_engine(&r, 1);
    assert_int_equal(cc_engine_restore(f, buf, len), CC_EPARSE);
    forge_free_list(buf, len, 5, 5, 5, 4);
    OK(cc_engine_restore(f, buf, len)); /* the unforged blob restores */
    cc_free(buf);
    cc_engine_free(f);
    cc_engine_free(e);
    /* the same for agents */
    e = new_engine(&r, 1);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    const char *names[] = {"a0", "a1", "a2", "a3", "a4", "a5"};
    for (int i = 0; i < 6; i++) OK(add_agent(e, names[i], "q", NULL, 0, 0));
    OK(cc_engine_agent_remove(e, "a5", 20)); /* agent free list {5, 4} */
    OK(cc_engine_agent_remove(e, "a4", 20));
    OK(cc_engine_snapshot(e, &buf, &len));
    forge_free_list(buf, len, 5, 4, 4, 4);
    f = new_engine(&r, 1);
    assert_int_equal(cc_engine_restore(f, buf, len), CC_EPARSE);
    forge_free_list(buf, len, 4, 4, 5, 4);
    OK(cc_engine_restore(f, buf, len));
    cc_free(buf);
    cc_engine_free(f);
    cc_engine_free(e);
    rec_free(&r);
}

/* EWT is capped at CC_TIME_LIMIT_MS rather than overflowing for absurd AHTs. */
static void ewt_is_capped(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "slow";
    q.aht_hint_ms = CC_TIME_LIMIT_MS;
    OK(cc_engine_queue_add(e, &q));
    OK(add_agent(e, "ann", "slow", NULL, 0, 0));
    OK(cc_engine_agent_login(e, "ann", 0));
    OK(add_contact(e, 1, "slow", 0, NULL, 0, 10)); /* offered to ann */
    OK(cc_engine_offer_accept(e, 1, "ann", 10));
    for (uint64_t id = 2; id <= 4; id++) OK(add_contact(e, id, "slow", 0, NULL, 0, 10));
    int32_t pos;
    int64_t ewt;
    OK(cc_engine_contact_position(e, 4, &pos, &ewt));
    assert_int_equal(pos, 3);
    assert_int_equal(ewt, CC_TIME_LIMIT_MS);
    cc_engine_free(e);
    rec_free(&r);
}

static void wrong_state_and_unknown_ids_are_refused(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = small_center(&r);
    snap s = take(e);
    refused(e, &s, cc_engine_agent_login(e, "ann", 40), CC_ESTATE, "already");
    refused(e, &s, cc_engine_agent_login(e, "zed", 40), CC_ENOTFOUND, "zed");
    refused(e, &s, cc_engine_agent_logout(e, "ann", 40), CC_ESTATE, "reserved");
    refused(e, &s, cc_engine_agent_logout(e, "bob", 40), CC_ESTATE, "not logged in");
    refused(e, &s, cc_engine_agent_ready(e, "ann", 40), CC_ESTATE, "ready");
    refused(e, &s, cc_engine_agent_remove(e, "ann", 40), CC_ESTATE, "logged in");
    refused(e, &s, cc_engine_offer_accept(e, 2, "ann", 40), CC_ESTATE, "not being offered");
    refused(e, &s, cc_engine_offer_accept(e, 1, "bob", 40), CC_ESTATE, "not being offered");
    refused(e, &s, cc_engine_offer_accept(e, 77, "ann", 40), CC_ENOTFOUND, "77");
    refused(e, &s, cc_engine_offer_reject(e, 1, NULL, 40), CC_ENOTFOUND, "agent");
    refused(e, &s, cc_engine_contact_end(e, 2, NULL, 40), CC_ESTATE, "not connected");
    refused(e, &s, cc_engine_contact_hold(e, 1, 40), CC_ESTATE, "not connected");
    refused(e, &s, cc_engine_callback_result(e, 2, CC_DIAL_ANSWERED, 40), CC_ESTATE, "dialed");
    refused(e, &s, cc_engine_callback_request(e, 1, 40), CC_ESTATE, "waiting");
    refused(e, &s, cc_engine_wrapup_end(e, "ann", 0, 40), CC_ESTATE, "wrapping");
    refused(e, &s, cc_engine_queue_remove(e, "sales", 40), CC_ESTATE, "contacts");
    refused(e, &s, cc_engine_member_remove(e, "ann", "sales", 40), CC_ESTATE, "offer");
    refused(e, &s, cc_engine_agent_set_skill(e, "ann", "en", 11, 40), CC_EINVAL, "level");
    refused(e, &s, cc_engine_advance(e, 0), CC_EINVAL, "backwards");
    cc_transfer t = CC_TRANSFER_INIT;
    t.target_queue = "sales";
    refused(e, &s, cc_engine_contact_transfer(e, 2, &t, 40), CC_ESTATE, "not connected");
    cc_free(s.buf);
    OK(cc_engine_offer_accept(e, 1, "ann", 40));
    s = take(e);
    refused(e, &s, cc_engine_contact_abandon(e, 1, 50), CC_ESTATE, "connected");
    refused(e, &s, cc_engine_contact_resume(e, 1, 50), CC_ESTATE, "not on hold");
    t.target_agent = "bob";
    refused(e, &s, cc_engine_contact_transfer(e, 1, &t, 50), CC_EINVAL, "exactly one");
    t.target_queue = NULL;
    refused(e, &s, cc_engine_contact_transfer(e, 1, &t, 50), CC_ESTATE, "bob");
    t.target_agent = "ann";
    refused(e, &s, cc_engine_contact_transfer(e, 1, &t, 50), CC_EINVAL, "own agent");
    t.version = 3;
    refused(e, &s, cc_engine_contact_transfer(e, 1, &t, 50), CC_EVERSION, "version");
    refused(e, &s, cc_engine_supervise(e, 1, "boss", CC_SUPERVISE_BARGE, 50), CC_EUNSUPPORTED, NULL);
    cc_contact_status cs = {0};
    assert_int_equal(cc_engine_contact_status(e, 1, &cs), CC_EVERSION);
    int32_t pos;
    int64_t ewt;
    assert_int_equal(cc_engine_contact_position(e, 1, &pos, &ewt), CC_ESTATE);
    refused(e, &s, cc_engine_restore(e, s.buf, s.len), CC_ESTATE, "not empty");
    cc_free(s.buf);
    cc_engine_free(e);
    rec_free(&r);
}

/* ---- allocation failures ------------------------------------------------------ */

/* Runs a call; on CC_ENOMEM checks it was atomic (unchanged) or, for advance,
 * consistent. Returns 1 if the scenario must stop (clean ENOMEM), 0 to go on,
 * -1 on a defect. */
static int step(cc_engine *e, cc_status st, const void *before, size_t blen, int atomic)
{
    char msg[256];
    if (st == CC_OK) return 0;
    if (st != CC_ENOMEM) {
        fprintf(stderr, "# unexpected %s: %s\n", cc_status_name(st), cc_error_last());
        return -1;
    }
    cc_test_alloc_reset();
    if (cc__engine_check(e, msg, sizeof msg)) {
        fprintf(stderr, "# inconsistent after ENOMEM: %s\n", msg);
        return -1;
    }
    if (atomic && before) {
        void *after;
        size_t alen;
        if (cc_engine_snapshot(e, &after, &alen) != CC_OK) return -1;
        int same = alen == blen && memcmp(after, before, blen) == 0;
        cc_free(after);
        if (!same) {
            fprintf(stderr, "# ENOMEM changed the engine: %s\n", cc_error_last());
            return -1;
        }
    }
    return 1;
}

static void alloc_sink(const cc_event *ev, void *ud)
{
    (void)ev;
    (*(int *)ud)++;
}

/* Runs one input of the scenario; a clean CC_ENOMEM ends the scenario. */
#define STEP(call, atomic)                                                                   \
    do {                                                                                     \
        int rc_ = step(e, (call), NULL, 0, atomic);                                          \
        if (rc_) {                                                                           \
            cc_engine_free(e);                                                               \
            return rc_ < 0 ? -1 : 0;                                                         \
        }                                                                                    \
    } while (0)

/* A full day in miniature: every call must fail cleanly (CC_ENOMEM, engine
 * consistent, nothing leaked). Byte-exact atomicity is checked input by input
 * in enomem_leaves_engine_unchanged below. */
static int scenario(void *ctx)
{
    (void)ctx;
    int events = 0;
    cc_engine *e = NULL;
    cc_engine_options o = CC_ENGINE_OPTIONS_INIT;
    o.event_fn = alloc_sink;
    o.event_user_data = &events;
    cc_status st = cc_engine_new(&e, &o);
    if (st == CC_ENOMEM) return 0;
    if (st) return -1;
    STEP(cc_engine_bind_backend(e, CC_CHANNEL_VOICE, &test_backend, NULL), 1);
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    cc_escalation esc = {5000, 1, 1, "back"};
    q.name = "front";
    q.wrapup_ms = 1000;
    q.escalations = &esc;
    q.nescalations = 1;
    q.max_wait_ms = 20000;
    q.max_wait_action = CC_MAX_WAIT_OVERFLOW;
    q.overflow_queue = "back";
    q.last_agent_wait_ms = 3000;
    STEP(cc_engine_queue_add(e, &q), 1);
    q.name = "back";
    q.nescalations = 0;
    q.max_wait_action = CC_MAX_WAIT_CALLBACK;
    q.strategy = CC_STRATEGY_RANDOM;
    STEP(cc_engine_queue_add(e, &q), 1);
    STEP(add_agent(e, "a1", "front", "en", 3, 0), 1);
    STEP(add_agent(e, "a2", "back", "en", 5, 0), 1);
    cc_membership m = {"back", 1, 0, 0};
    STEP(cc_engine_member_add(e, "a1", &m, 0), 1);
    STEP(cc_engine_agent_login(e, "a1", 10), 1);
    STEP(add_contact(e, 1, "front", 0, "en", 2, 20), 1);
    STEP(add_contact(e, 2, "front", 1, "en", 5, 30), 1);
    STEP(cc_engine_offer_accept(e, 1, "a1", 40), 1);
    STEP(cc_engine_advance(e, 6000), 0); /* escalation of contact 2 */
    STEP(cc_engine_agent_set_skill(e, "a1", "fr", 4, 6000), 1);
    cc_transfer t = CC_TRANSFER_INIT;
    t.target_queue = "back";
    STEP(cc_engine_contact_transfer(e, 1, &t, 6100), 1);
    STEP(cc_engine_agent_login(e, "a2", 6200), 1);
    cc_agent_status as = CC_AGENT_STATUS_INIT;
    STEP(cc_engine_agent_status(e, "a2", &as), 1);
    STEP(cc_engine_offer_accept(e, as.offer_contact_id, "a2", 6300), 1);
    STEP(cc_engine_contact_end(e, as.offer_contact_id, "ok", 7000), 1);
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    c.id = 3;
    c.customer_id = 5;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = "front";
    STEP(cc_engine_contact_add(e, &c, 7100), 1);
    STEP(cc_engine_callback_request(e, 3, 7200), 1);
    STEP(cc_engine_advance(e, 40000), 0);
    void *buf = NULL;
    size_t len = 0;
    STEP(cc_engine_snapshot(e, &buf, &len), 1);
    cc_engine *f = NULL;
    st = cc_engine_new(&f, NULL);
    if (st == CC_OK) {
        st = cc_engine_restore(f, buf, len);
        if (st != CC_OK && st != CC_ENOMEM) {
            cc_free(buf);
            cc_engine_free(f);
            cc_engine_free(e);
            return -1;
        }
        cc_engine_free(f);
    }
    cc_free(buf);
    cc_engine_free(e);
    return 0;
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    long n = cc_test_alloc_sweep(scenario, NULL);
    if (n < 0) fail_msg("allocation failure %ld was not handled cleanly", -n - 1);
    assert_true(n > 50); /* the scenario really allocates */
    print_message("# %ld allocation failure points tried\n", n);
}

/* After input `which` failed its allocation n: the engine's snapshot is the
 * one taken before (blen bytes at `before`). */
static void unchanged_after_enomem(cc_engine *e, const void *before, size_t blen, int which,
                                   long n)
{
    void *after;
    size_t alen;
    OK(cc_engine_snapshot(e, &after, &alen));
    if (alen != blen || memcmp(after, before, blen))
        fail_msg("input %d, allocation %ld: ENOMEM changed the engine", which, n);
    cc_free(after);
}

/* Atomicity under ENOMEM: for each input of a scenario, fail its n-th
 * allocation for every n and compare the snapshot with the one before.
 * Input 8 creates a profile stronger than the queue's existing one, so ann's
 * home moves to it before a later allocation fails: the rollback must give
 * the home back (the check compares every home flag with its rule). */
static void enomem_leaves_engine_unchanged(void **state)
{
    (void)state;
    for (int which = 0; which < 10; which++) {
        for (long n = 0;; n++) {
            recorder r = {0};
            cc_engine *e = small_center(&r);
            OK(cc_engine_bind_backend(e, CC_CHANNEL_CALLBACK, &test_backend, NULL));
            void *before;
            size_t blen;
            OK(cc_engine_snapshot(e, &before, &blen));
            cc_contact_config c = CC_CONTACT_CONFIG_INIT;
            cc_skill sk = {"de", 2};
            c.id = 50;
            c.customer_id = 8;
            c.channel = CC_CHANNEL_CHAT;
            c.queue = "sales";
            c.skills = &sk;
            c.nskills = 1;
            cc_agent_config a = CC_AGENT_CONFIG_INIT;
            cc_membership m = {"sales", 0, 0, 0};
            a.name = "new";
            a.queues = &m;
            a.nqueues = 1;
            cc_queue_config q = CC_QUEUE_CONFIG_INIT;
            q.name = "other";
            cc_contact_config v = CC_CONTACT_CONFIG_INIT;
            cc_skill en = {"en", 3};
            v.id = 51;
            v.channel = CC_CHANNEL_VOICE;
            v.queue = "sales";
            v.skills = &en;
            v.nskills = 1;
            cc_test_alloc_fail_at(n);
            cc_status st;
            switch (which) {
            case 0: st = cc_engine_contact_add(e, &c, 100); break;
            case 1: st = cc_engine_agent_add(e, &a, 100); break;
            case 2: st = cc_engine_queue_add(e, &q); break;
            case 3: st = cc_engine_agent_set_skill(e, "bob", "de", 3, 100); break;
            case 4: st = cc_engine_callback_request(e, 2, 100); break;
            case 5: st = cc_engine_agent_login(e, "bob", 100); break;
            case 6: st = cc_engine_member_add(e, "bob", &m, 100); break;
            case 7: st = cc_engine_offer_accept(e, 1, "ann", 100); break;
            case 8: st = cc_engine_contact_add(e, &v, 100); break;
            default: {
                void *sb = NULL;
                size_t sl = 0;
                st = cc_engine_snapshot(e, &sb, &sl);
                cc_free(sb);
                break;
            }
            }
            int failed = cc_test_alloc_failed();
            cc_test_alloc_reset();
            if (failed) {
                assert_int_equal(st, CC_ENOMEM);
                unchanged_after_enomem(e, before, blen, which, n);
            }
            char msg[256];
            if (cc__engine_check(e, msg, sizeof msg)) fail_msg("input %d: %s", which, msg);
            cc_free(before);
            cc_engine_free(e);
            rec_free(&r);
            if (!failed) break;
        }
    }
}

/* Homes need a strict order of a queue's profiles: two profiles with one
 * requirement set would each wait for the other to index the agent. The
 * check (which every restore runs) refuses such a state; here it is forged
 * in place: "en >= 2" turned into a second "en >= 1" with consistent lists. */
static void duplicate_profiles_are_refused(void **state)
{
    (void)state;
    recorder r = {0};
    cc_engine *e = new_engine(&r, 5);
    OK(add_queue(e, "q", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "ann", "q", "en", 5, 0));
    OK(add_contact(e, 1, "q", 0, "en", 1, 10));
    OK(add_contact(e, 2, "q", 0, "en", 2, 11));
    char msg[256];
    if (cc__engine_check(e, msg, sizeof msg)) fail_msg("before: %s", msg);
    cc__queue *q = cc__queue_find(e, "q");
    assert_int_equal(q->nprofiles, 2);
    cc__profile *p1 = q->profiles[0], *p2 = q->profiles[1];
    assert_int_equal(p1->nstronger, 1);
    assert_ptr_equal(p1->stronger[0], p2);
    assert_int_equal(p2->nstronger, 0);
    assert_true(p2->stronger_cap >= 1);
    p2->req[0].level = 1;
    p2->stronger[p2->nstronger++] = p1;
    cc__agent_homes(cc__agent_find(e, "ann")); /* by the rule: home in neither */
    assert_int_equal(cc__engine_check(e, msg, sizeof msg), -1);
    if (!strstr(msg, "stronger")) fail_msg("refused for another reason: %s", msg);
    cc_engine_free(e);
    rec_free(&r);
}

/* ---- arrays outgrowing the agent's block ------------------------------------- */

/* ann, member of q0 with en 10, sees three waiting contacts at en 1..3:
 * three profiles, all matched, which fills the tail of her block that holds
 * her matches (three per queue at agent_add); her one membership fills the
 * memberships' tail. */
static cc_engine *tail_center(recorder *r)
{
    cc_engine *e = new_engine(r, 7);
    OK(add_queue(e, "q0", CC_STRATEGY_LONGEST_IDLE));
    OK(add_queue(e, "q1", CC_STRATEGY_LONGEST_IDLE));
    OK(add_agent(e, "ann", "q0", "en", 10, 0));
    for (int level = 1; level <= 3; level++)
        OK(add_contact(e, (uint64_t)level, "q0", 0, "en", level, level));
    cc__agent *a = cc__agent_find(e, "ann");
    assert_int_equal(a->nmatches, a->match_tail_cap);
    assert_ptr_equal(a->matches, a->match_tail);
    assert_int_equal(a->nms, a->ms_tail_cap);
    assert_ptr_equal(a->ms, a->ms_tail);
    return e;
}

/* ann logs in at t and serves contacts 1..n in that order, the engine
 * consistent after each. */
static void ann_serves_in_order(cc_engine *e, uint64_t n, int64_t t)
{
    char msg[256];
    OK(cc_engine_agent_login(e, "ann", t));
    for (uint64_t id = 1; id <= n; id++) {
        assert_string_equal(contact_agent(e, id), "ann");
        OK(cc_engine_offer_accept(e, id, "ann", t + (int64_t)id));
        OK(cc_engine_contact_end(e, id, NULL, t + (int64_t)id));
        if (cc__engine_check(e, msg, sizeof msg)) fail_msg("serving %d: %s", (int)id, msg);
    }
}

/* The input that outgrows a tail moves the array to an allocation of its
 * own: every allocation of it failed in turn leaves the engine unchanged;
 * then ann, reading the moved arrays, serves the four contacts in arrival
 * order. */
static void outgrowing_the_block_is_atomic(void **state)
{
    (void)state;
    for (int which = 0; which < 2; which++) {
        for (long n = 0;; n++) {
            recorder r = {0};
            cc_engine *e = tail_center(&r);
            void *before;
            size_t blen;
            OK(cc_engine_snapshot(e, &before, &blen));
            cc_membership m1 = {"q1", 0, 0, 0};
            cc_test_alloc_fail_at(n);
            cc_status st = which == 0 ? add_contact(e, 4, "q0", 0, "en", 4, 4)
                                      : cc_engine_member_add(e, "ann", &m1, 4);
            int failed = cc_test_alloc_failed();
            cc_test_alloc_reset();
            char msg[256];
            if (cc__engine_check(e, msg, sizeof msg)) fail_msg("input %d: %s", which, msg);
            if (failed) {
                assert_int_equal(st, CC_ENOMEM);
                unchanged_after_enomem(e, before, blen, which, n);
            } else {
                OK(st);
                cc__agent *a = cc__agent_find(e, "ann");
                if (which == 0) assert_ptr_not_equal(a->matches, a->match_tail);
                else assert_ptr_not_equal(a->ms, a->ms_tail);
                if (which == 1) OK(add_contact(e, 4, "q0", 0, "en", 4, 4));
                ann_serves_in_order(e, 4, 10);
            }
            cc_free(before);
            cc_engine_free(e);
            rec_free(&r);
            if (!failed) break;
        }
    }
}

/* A restored agent record is one block like a new one (snapshot.c), its
 * tails sized by the profiles restored: losing every match, gaining them
 * back, joining a queue (its memberships leave their tail) and a new profile
 * (its matches leave theirs) keep it consistent, and ann still serves in
 * order. */
static void restored_agents_are_one_block(void **state)
{
    (void)state;
    recorder r = {0}, r2 = {0};
    cc_engine *e = tail_center(&r);
    void *buf;
    size_t len;
    OK(cc_engine_snapshot(e, &buf, &len));
    cc_engine *f = new_engine(&r2, 7);
    OK(cc_engine_restore(f, buf, len));
    cc_free(buf);
    cc__agent *a = cc__agent_find(f, "ann");
    assert_ptr_equal(a->ms, a->ms_tail);
    assert_ptr_equal(a->matches, a->match_tail);
    assert_int_equal(a->match_tail_cap, 3);
    assert_string_equal(a->name, "ann");
    OK(cc_engine_agent_set_skill(f, "ann", "en", 0, 20)); /* no match left */
    assert_int_equal(a->nmatches, 0);
    OK(cc_engine_agent_set_skill(f, "ann", "en", 9, 21));
    assert_int_equal(a->nmatches, 3);
    cc_membership m1 = {"q1", 0, 0, 0};
    OK(cc_engine_member_add(f, "ann", &m1, 22));
    assert_ptr_not_equal(a->ms, a->ms_tail);
    OK(add_contact(f, 4, "q0", 0, "en", 4, 23));
    assert_int_equal(a->nmatches, 4);
    assert_ptr_not_equal(a->matches, a->match_tail);
    char msg[256];
    if (cc__engine_check(f, msg, sizeof msg)) fail_msg("%s", msg);
    ann_serves_in_order(f, 4, 30);
    cc_engine_free(f);
    cc_engine_free(e);
    rec_free(&r);
    rec_free(&r2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_configs_are_refused),
        cmocka_unit_test(wrong_state_and_unknown_ids_are_refused),
        cmocka_unit_test(times_outside_the_domain_are_refused),
        cmocka_unit_test(snapshot_times_outside_the_domain_are_refused),
        cmocka_unit_test(snapshot_connected_contact_without_leg_queue_is_refused),
        cmocka_unit_test(snapshot_free_slot_listed_twice_is_refused),
        cmocka_unit_test(ewt_is_capped),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(enomem_leaves_engine_unchanged),
        cmocka_unit_test(duplicate_profiles_are_refused),
        cmocka_unit_test(outgrowing_the_block_is_atomic),
        cmocka_unit_test(restored_agents_are_one_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
