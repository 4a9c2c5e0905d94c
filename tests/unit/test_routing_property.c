/*
 * tests/unit/test_routing_property.c - randomized property tests of the
 * routing engine.
 *
 * For many seeds, a random contact center (queues with every strategy,
 * skills, escalation, overflow, callbacks, last-agent preference; agents with
 * random skills, memberships and omnichannel capacities) receives thousands of
 * random inputs, valid and invalid: the contact lifecycle, agent presence and
 * skills, memberships, live queue reconfiguration, removing (and adding back)
 * agents and queues, and queries, whose position, longest wait and EWT are
 * held to brute-force counts over every contact. After every input:
 *   - cc__engine_check(): capacity, one place per contact, offers, indexes,
 *     work conservation, counters;
 *   - a returning customer waits aside only for a last agent who is a member of its
 *     queue, logged in, not (going) not ready and busy for its channel;
 *   - a failed input left a detail message, and (on a quarter of the seeds)
 *     the engine byte-for-byte unchanged (snapshot before and after);
 * and in the event stream:
 *   - event times never decrease, and no wait, duration or hold is negative;
 *   - every contact gets exactly one terminal event;
 *   - an agent with a pending offer is never offered another contact;
 *   - an offered contact had no eligible contact of the same queue and
 *     priority with an earlier virtual start still waiting (queue order);
 * then determinism: the same seed gives the same event-stream hash, and an
 * engine restored from a snapshot halfway produces the same second half. Every
 * checked seed also replaces its engine by a restored snapshot at one operation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/engine_internal.h"
#include "engine_fixture.h"
#include "support/test_backend.h"

#define NQUEUES 4
#define NAGENTS 12
#define MAXC 4096

typedef struct world {
    cc_engine *e;
    recorder r;
    uint64_t rng;
    int checks;
    /* event-stream checks */
    unsigned char live[MAXC];
    uint64_t live_ids[MAXC];
    uint32_t live_pos[MAXC];
    int nlive;
    int arrived, terminals;
    uint64_t agent_offer[NAGENTS]; /* contact offered to agent i, 0 = none */
    uint64_t hash_after_mid;
    int mid_reached;
    int refuse_offers, refuse_dials; /* the switch refuses offers / dials for a while */
    int64_t last_time; /* of the last event */
    char failure[256];
} world;

/* Tells the backends whether to refuse offers and dials (again after a restore, which
 * binds fresh ones). */
static void apply_refusals(world *w)
{
    cc_channel ch[2] = {CC_CHANNEL_VOICE, CC_CHANNEL_CALLBACK};
    for (int i = 0; i < 2; i++) {
        test_backend_state *tb = cc_engine_backend_state(w->e, ch[i]);
        tb->fail_offer = w->refuse_offers;
        tb->fail_dial = w->refuse_dials;
    }
}

static uint64_t rnd(world *w)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return w->rng;
}

static int pick(world *w, int n)
{
    return (int)(rnd(w) % (uint64_t)n);
}

static const char *qname[NQUEUES] = {"q0", "q1", "q2", "q3"};
static const char *sname[4] = {"s0", "s1", "s2", "s3"};
static char aname[NAGENTS][8];

static int agent_index(const char *name)
{
    return (name && name[0] == 'a') ? atoi(name + 1) : -1;
}

static void fail_once(world *w, const char *msg, uint64_t id)
{
    if (!w->failure[0]) snprintf(w->failure, sizeof w->failure, "%s (contact %llu)", msg, (unsigned long long)id);
}

/* Queue order: in the queue the offer was chosen from (its profile), no
 * contact of the same priority with an earlier (virtual start, arrival)
 * is still waiting: within a queue and priority, virtual-start order. A contact
 * the offered agent consults about is not its to take. */
static void check_queue_order(world *w, const cc_event *ev)
{
    cc__contact *c = cc__contact_find(w->e, ev->contact_id);
    if (!c || c->direct || c->via_pref || !c->via_profile) return;
    uint32_t taker = cc__agent_find(w->e, ev->agent)->slot;
    if (c->consult_from == taker) fail_once(w, "offered to the agent consulting about it", c->id);
    cc__profile *p = c->via_profile;
    for (size_t k = 0; k < p->contacts.len; k++) {
        const cc__hentry *h = &p->contacts.items[k];
        if (!cc__contact_entry_valid(h, w->e)) continue;
        cc__contact *d = w->e->contacts[h->slot];
        if (d == c || d->priority != c->priority || d->consult_from == taker) continue;
        if (d->priority > c->priority || d->vstart_ms < c->vstart_ms ||
            (d->vstart_ms == c->vstart_ms && d->ordinal < c->ordinal))
            fail_once(w, "offered ahead of an earlier eligible contact", c->id);
    }
}

static void sink(const cc_event *ev, void *ud)
{
    world *w = ud;
    rec_sink(ev, &w->r);
    if (w->mid_reached) {
        recorder tmp = {0};
        tmp.hash = w->hash_after_mid ? w->hash_after_mid : 1469598103934665603ull;
        rec_sink(ev, &tmp);
        w->hash_after_mid = tmp.hash;
        rec_free(&tmp);
    }
    uint64_t id = ev->contact_id;
    int ai = agent_index(ev->agent);
    if (ev->time_ms < w->last_time) fail_once(w, "event time before the last event's", id);
    w->last_time = ev->time_ms;
    if (ev->wait_ms < 0 || ev->duration_ms < 0 || ev->hold_ms < 0)
        fail_once(w, "negative wait, duration or hold", id);
    switch (ev->type) {
    case CC_EVENT_CONTACT_ARRIVED:
        if (id >= MAXC || w->live[id]) fail_once(w, "arrived twice", id);
        else {
            w->live[id] = 1, w->arrived++;
            w->live_pos[id] = (uint32_t)w->nlive;
            w->live_ids[w->nlive++] = id;
        }
        break;
    case CC_EVENT_CONTACT_OFFERED:
        if (ai < 0 || w->agent_offer[ai]) fail_once(w, "reserved agent offered again", id);
        else w->agent_offer[ai] = id;
        if (w->checks) check_queue_order(w, ev);
        break;
    case CC_EVENT_CONTACT_ACCEPTED:
    case CC_EVENT_CONTACT_REJECTED:
    case CC_EVENT_CONTACT_RING_TIMEOUT:
    case CC_EVENT_CONTACT_WITHDRAWN:
        if (ai < 0 || w->agent_offer[ai] != id) fail_once(w, "offer outcome without offer", id);
        else w->agent_offer[ai] = 0;
        break;
    default: break;
    }
    if (cc_event_is_terminal(ev->type)) {
        if (id >= MAXC || !w->live[id]) fail_once(w, "terminal event for a contact not live", id);
        else {
            w->live[id] = 0, w->terminals++;
            uint64_t last = w->live_ids[--w->nlive];
            w->live_ids[w->live_pos[id]] = last;
            w->live_pos[last] = w->live_pos[id];
        }
    }
}

/* Queue i with a random configuration: added, or (configure) the queue's new
 * configuration at t. Up to two escalation steps; the first may add the queue itself
 * or the next one. */
static cc_status add_random_queue(world *w, int i, int configure, int64_t t)
{
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    cc_escalation esc[2] = {{10000 + pick(w, 20000), 1 + pick(w, 3), pick(w, 3),
                             pick(w, 2) ? qname[(i + 1) % NQUEUES] : NULL},
                            {0, pick(w, 4), 1 + pick(w, 3), NULL}};
    esc[1].after_ms = esc[0].after_ms + 1 + pick(w, 20000);
    cc_skill req = {sname[pick(w, 4)], 1 + pick(w, 3)};
    q.name = qname[i];
    q.strategy = (cc_strategy)pick(w, CC_STRATEGY__COUNT);
    q.weight = 1 + pick(w, 3);
    q.ring_timeout_ms = 3000 + pick(w, 10000);
    q.wrapup_ms = pick(w, 2) ? 0 : 1000 + pick(w, 3000);
    q.max_length = pick(w, 3) ? 0 : 6;
    q.max_wait_ms = pick(w, 2) ? 0 : 40000 + pick(w, 40000);
    q.max_wait_action = (cc_max_wait_action)pick(w, 3);
    q.overflow_queue = qname[(i + 1) % NQUEUES];
    q.join = (cc_join_policy)(pick(w, 4) == 0);
    q.leave_when_empty = pick(w, 6) == 0;
    q.skills = &req;
    q.nskills = pick(w, 3) == 0;
    q.escalations = esc;
    q.nescalations = (size_t)pick(w, 3);
    q.last_agent_wait_ms = pick(w, 2) ? 0 : 3000 + pick(w, 5000);
    q.callback_max_attempts = 2;
    q.callback_retry_ms = 2000;
    if (!configure) return cc_engine_queue_add(w->e, &q);
    if (pick(w, 4) == 0) esc[0].add_queue = qname[i];
    return cc_engine_queue_configure(w->e, &q, t);
}

/* Agent i (name aname[i]) with random memberships, skills and capacity, added at t. */
static cc_status add_random_agent(world *w, int i, int64_t t)
{
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    cc_membership ms[NQUEUES];
    size_t nms = 0;
    for (int k = 0; k < NQUEUES; k++)
        if (pick(w, 2) || (k == NQUEUES - 1 && nms == 0))
            ms[nms++] = (cc_membership){qname[k], pick(w, 3), pick(w, 3), 1 + pick(w, 4)};
    cc_skill sk[4];
    size_t nsk = 0;
    for (int k = 0; k < 4; k++)
        if (pick(w, 2)) sk[nsk++] = (cc_skill){sname[k], 1 + pick(w, 10)};
    cc_capacity cap[] = {{CC_CHANNEL_VOICE, 1, 100}, {CC_CHANNEL_CHAT, 2 + pick(w, 2), 30},
                         {CC_CHANNEL_CALLBACK, 1, 100}};
    a.name = aname[i];
    a.queues = ms;
    a.nqueues = nms;
    a.skills = sk;
    a.nskills = nsk;
    if (pick(w, 2)) {
        a.capacity = cap;
        a.ncapacity = 3;
        a.load_budget = 100;
    }
    return cc_engine_agent_add(w->e, &a, t);
}

static void build_world(world *w, uint64_t seed)
{
    cc_engine_options o = CC_ENGINE_OPTIONS_INIT;
    o.event_fn = sink;
    o.event_user_data = w;
    o.seed = seed;
    o.select = (cc_select_policy)(seed % 3);
    o.rona_after = (cc_agent_after)(seed % 3);
    o.reject_after = (cc_agent_after)((seed / 3) % 3);
    assert_int_equal(cc_engine_new(&w->e, &o), CC_OK);
    assert_int_equal(cc_engine_bind_backend(w->e, CC_CHANNEL_VOICE, &test_backend, NULL), CC_OK);
    assert_int_equal(cc_engine_bind_backend(w->e, CC_CHANNEL_CALLBACK, &test_backend, NULL), CC_OK);
    for (int i = 0; i < NQUEUES; i++) assert_int_equal(add_random_queue(w, i, 0, 0), CC_OK);
    for (int i = 0; i < NAGENTS; i++) {
        snprintf(aname[i], sizeof aname[i], "a%d", i);
        assert_int_equal(add_random_agent(w, i, 0), CC_OK);
    }
}

/* A random live contact id (sometimes an unknown one). O(1): live ids are
 * kept in a compact array by the event sink. */
static uint64_t some_contact(world *w)
{
    if (w->nlive == 0 || pick(w, 25) == 0) return 1 + (uint64_t)pick(w, MAXC - 1);
    return w->live_ids[pick(w, w->nlive)];
}

/* Whether contact d waits in queue q: in its heaps, as a consult, or aside (a returning
 * customer waiting for its last agent, a callback between attempts). */
static int waits_in(const cc__contact *d, const cc__queue *q)
{
    return d->queue == q && (d->state == CC__C_WAITING || d->state == CC__C_RETRY);
}

/* Position oracle: 1 + the contacts waiting in q ordered before `key`, counted over every
 * contact of the engine. O(contacts). */
static int32_t brute_position(cc_engine *e, const cc__queue *q, const cc__hentry *key)
{
    int32_t n = 1;
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        const cc__contact *d = e->contacts[i];
        if (!d || !waits_in(d, q)) continue;
        cc__hentry k = {0, 0, 0, 0, 0};
        cc__contact_key(d, &k);
        n += cc__hentry_less(&k, key);
    }
    return n;
}

/* The queries against brute-force counts: a contact's position, and its queue's longest
 * wait and EWT for a new contact (position of a priority-0 contact arriving now, times
 * AHT over staffed members). Returns the position call's status (queries change
 * nothing: the caller's snapshot comparison holds them to it). */
static cc_status check_queries(world *w, uint64_t id, const char *queue)
{
    cc_engine *e = w->e;
    int32_t pos = 0;
    int64_t ewt = 0;
    cc_status st = cc_engine_contact_position(e, id, &pos, &ewt);
    if (st == CC_OK) {
        cc__contact *c = cc__contact_find(e, id);
        cc__hentry key = {0, 0, 0, 0, 0};
        cc__contact_key(c, &key);
        if (pos != brute_position(e, c->queue, &key)) fail_once(w, "position differs from a count", id);
    }
    cc_queue_status qs = CC_QUEUE_STATUS_INIT;
    assert_int_equal(cc_engine_queue_status(e, queue, &qs), CC_OK);
    cc__queue *q = cc__queue_find(e, queue);
    int64_t longest = 0;
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        const cc__contact *d = e->contacts[i];
        if (d && waits_in(d, q) && e->now_ms - d->vstart_ms > longest) longest = e->now_ms - d->vstart_ms;
    }
    if (qs.longest_wait_ms != longest) fail_once(w, "longest wait differs from a scan", 0);
    cc__hentry fresh = {(uint64_t)INT32_MAX, cc__bias(e->now_ms), UINT64_MAX, 0, 0};
    double n = brute_position(e, q, &fresh);
    int64_t want = q->staffed <= 0 ? -1 : (int64_t)(n * q->aht_ms / q->staffed + 0.5);
    if (qs.ewt_ms != want) fail_once(w, "queue EWT differs from a count", 0);
    return st;
}

/* Whether every returning customer waiting aside for its last agent waits for one that
 * will serve it: a member of its queue, logged in, not (going) not ready, and with no
 * room for its channel now (else it would have been offered). O(contacts). */
static int last_agent_waits_ok(const cc_engine *e)
{
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        const cc__contact *c = e->contacts[i];
        if (!c || c->pref_agent == CC__NONE) continue;
        const cc__agent *a = e->agents[c->pref_agent];
        if (!a->logged_in || a->paused || a->pause_pending || !cc__membership_of(a, c->queue) ||
            cc__agent_available(a, c->channel))
            return 0;
    }
    return 1;
}

/* Removes agent i and, when that worked, adds it back with a new random configuration
 * (logged out: the agent must have been logged out to go). */
static cc_status replace_agent(world *w, int i, int64_t t)
{
    cc_status st = cc_engine_agent_remove(w->e, aname[i], t);
    if (st == CC_OK) assert_int_equal(add_random_agent(w, i, t), CC_OK);
    return st;
}

/* Removes queue i and, when that worked (nothing used it), adds it back with a new random
 * configuration; its members went with it. */
static cc_status replace_queue(world *w, int i, int64_t t)
{
    cc_status st = cc_engine_queue_remove(w->e, qname[i], t);
    if (st == CC_OK) assert_int_equal(add_random_queue(w, i, 0, t), CC_OK);
    return st;
}

static cc_status random_op(world *w, int64_t t, uint64_t *next_id)
{
    cc_engine *e = w->e;
    const char *ag = aname[pick(w, NAGENTS)];
    uint64_t id = some_contact(w);
    cc_agent_status as = CC_AGENT_STATUS_INIT;
    assert_int_equal(cc_engine_agent_status(e, ag, &as), CC_OK);
    uint64_t offer = as.offer_contact_id && pick(w, 10) ? as.offer_contact_id : id;
    switch (pick(w, 30)) {
    case 0: case 1: case 2: case 3: case 4: {
        if (*next_id >= MAXC - 1 || w->nlive > 40) return cc_engine_agent_login(e, ag, t);
        cc_contact_config c = CC_CONTACT_CONFIG_INIT;
        cc_skill s = {sname[pick(w, 4)], 1 + pick(w, 6)};
        c.id = (*next_id)++;
        c.customer_id = pick(w, 2) ? 0 : 1 + (uint64_t)pick(w, 15);
        c.channel = pick(w, 3) ? CC_CHANNEL_VOICE : CC_CHANNEL_CHAT;
        c.queue = qname[pick(w, NQUEUES)];
        c.priority = pick(w, 3);
        c.skills = &s;
        c.nskills = pick(w, 2);
        if (pick(w, 30) == 0) c.queue = "nope";
        return cc_engine_contact_add(e, &c, t);
    }
    case 5: case 6: return cc_engine_agent_login(e, ag, t);
    case 7: return pick(w, 3) ? cc_engine_agent_ready(e, ag, t) : cc_engine_agent_logout(e, ag, t);
    case 8: case 9: return cc_engine_agent_ready(e, ag, t);
    case 10: return pick(w, 2) ? CC_OK : cc_engine_agent_not_ready(e, ag, "break", t);
    case 11: case 12: case 13: case 26: case 27: case 28: {
        int with[NAGENTS], n = 0;
        for (int k = 0; k < NAGENTS; k++)
            if (w->agent_offer[k]) with[n++] = k;
        if (n && pick(w, 8)) {
            int k = with[pick(w, n)];
            ag = aname[k];
            offer = w->agent_offer[k];
        }
        if (contact_state(e, offer) == CC_CONTACT_DIALING)
            return cc_engine_callback_result(e, offer, (cc_dial_result)(pick(w, 2) ? 0 : pick(w, 4)), t);
        return cc_engine_offer_accept(e, offer, ag, t);
    }
    case 14: return cc_engine_offer_reject(e, offer, ag, t);
    case 15: return cc_engine_offer_timeout(e, offer, ag, t);
    case 16: case 17: return cc_engine_contact_end(e, id, pick(w, 2) ? "done" : NULL, t);
    case 18: return cc_engine_wrapup_end(e, ag, 0, t);
    case 19: return pick(w, 2) ? cc_engine_contact_hold(e, id, t) : cc_engine_contact_resume(e, id, t);
    case 20: {
        cc_transfer tr = CC_TRANSFER_INIT;
        tr.kind = (cc_transfer_kind)pick(w, 2);
        if (pick(w, 2)) tr.target_queue = qname[pick(w, NQUEUES)];
        else tr.target_agent = ag;
        return cc_engine_contact_transfer(e, id, &tr, t);
    }
    case 21: return cc_engine_contact_abandon(e, id, t);
    case 22: return pick(w, 3) ? CC_OK : cc_engine_contact_cancel(e, id, t);
    case 23: return cc_engine_callback_request(e, id, t);
    case 24: return cc_engine_callback_result(e, id, (cc_dial_result)pick(w, 4), t);
    case 25:
        switch (pick(w, 7)) {
        case 3: return add_random_queue(w, pick(w, NQUEUES), 1, t);
        case 4: return replace_agent(w, agent_index(ag), t);
        case 5: return replace_queue(w, pick(w, NQUEUES), t);
        case 6: return check_queries(w, id, qname[pick(w, NQUEUES)]);
        case 0: return cc_engine_agent_set_skill(e, ag, sname[pick(w, 4)], pick(w, 11), t);
        case 1: {
            cc_membership m = {qname[pick(w, NQUEUES)], pick(w, 3), 0, 1.0};
            return cc_engine_member_add(e, ag, &m, t);
        }
        default: return cc_engine_member_remove(e, ag, qname[pick(w, NQUEUES)], t);
        }
    case 29: /* offers or dials refused by the switch from now on, or no longer */
        if (pick(w, 2)) w->refuse_offers = !w->refuse_offers && pick(w, 2);
        else w->refuse_dials = !w->refuse_dials && pick(w, 2);
        apply_refusals(w);
        return CC_OK;
    default: return CC_OK;
    }
}

/* Runs one seed; returns the event hash. With `restore_at` >= 0 the engine is
 * replaced by a restored copy of itself at that step. */
static uint64_t run_seed(uint64_t seed, int nops, int checks, int restore_at, uint64_t *after_mid,
                         int *ops_done)
{
    world *w = calloc(1, sizeof *w);
    w->rng = seed * 0x9e3779b97f4a7c15ull + 1;
    w->checks = checks;
    build_world(w, seed);
    uint64_t next_id = 1;
    int64_t t = 0;
    char msg[256];
    for (int i = 0; i < nops; i++) {
        if (i == nops / 2) w->mid_reached = 1;
        if (i == restore_at) {
            void *buf;
            size_t len;
            assert_int_equal(cc_engine_snapshot(w->e, &buf, &len), CC_OK);
            cc_engine_free(w->e);
            cc_engine_options o = CC_ENGINE_OPTIONS_INIT;
            o.event_fn = sink;
            o.event_user_data = w;
            o.seed = 12345; /* ignored: the PRNG state comes from the snapshot */
            o.select = (cc_select_policy)(seed % 3);
            o.rona_after = (cc_agent_after)(seed % 3);
            o.reject_after = (cc_agent_after)((seed / 3) % 3);
            assert_int_equal(cc_engine_new(&w->e, &o), CC_OK);
            assert_int_equal(cc_engine_bind_backend(w->e, CC_CHANNEL_VOICE, &test_backend, NULL), CC_OK);
            assert_int_equal(cc_engine_bind_backend(w->e, CC_CHANNEL_CALLBACK, &test_backend, NULL), CC_OK);
            assert_int_equal(cc_engine_restore(w->e, buf, len), CC_OK);
            apply_refusals(w);
            cc_free(buf);
        }
        t += pick(w, 16) == 0 ? pick(w, 20000) : pick(w, 600);
        assert_int_equal(cc_engine_advance(w->e, t), CC_OK);
        void *before = NULL;
        size_t blen = 0;
        /* byte-exact "failed call changed nothing" on a quarter of the seeds
         * (a snapshot per operation dominates the run time otherwise) */
        if (checks && seed % 4 == 1)
            assert_int_equal(cc_engine_snapshot(w->e, &before, &blen), CC_OK);
        cc_status st = random_op(w, t, &next_id);
        if (checks) {
            if (st != CC_OK) assert_string_not_equal(cc_error_last(), ""); /* a detail message */
            if (st != CC_OK && before) {
                void *after;
                size_t alen;
                assert_int_equal(cc_engine_snapshot(w->e, &after, &alen), CC_OK);
                if (alen != blen || memcmp(before, after, blen) != 0)
                    fail_msg("seed %llu op %d: failed call (%s) changed the engine",
                             (unsigned long long)seed, i, cc_error_last());
                cc_free(after);
            }
            if (cc__engine_check(w->e, msg, sizeof msg) != 0)
                fail_msg("seed %llu op %d: %s", (unsigned long long)seed, i, msg);
            if (!last_agent_waits_ok(w->e))
                fail_msg("seed %llu op %d: a returning customer waits for an agent who will "
                         "not serve it", (unsigned long long)seed, i);
            if (w->failure[0]) fail_msg("seed %llu op %d: %s", (unsigned long long)seed, i, w->failure);
        }
        cc_free(before);
    }
    /* end every contact: each must get its one terminal event */
    t += 1;
    assert_int_equal(cc_engine_advance(w->e, t), CC_OK);
    for (uint64_t id = 1; id < next_id; id++) {
        if (!w->live[id]) continue;
        if (cc_engine_contact_abandon(w->e, id, t) != CC_OK)
            assert_int_equal(cc_engine_contact_end(w->e, id, NULL, t), CC_OK);
    }
    if (w->failure[0]) fail_msg("seed %llu: %s", (unsigned long long)seed, w->failure);
    assert_int_equal(w->arrived, w->terminals);
    for (uint64_t id = 1; id < next_id; id++) assert_int_equal(w->live[id], 0);
    uint64_t h = w->r.hash;
    if (getenv("STATS")) fprintf(stderr, "seed %llu arrived %d connected %d ended %d events %zu\n", (unsigned long long)seed, w->arrived, rec_count(&w->r, CC_EVENT_CONTACT_CONNECTED), rec_count(&w->r, CC_EVENT_CONTACT_ENDED), w->r.len);
    /* real traffic on the default seeds: one arrival in ten answered at least (the
     * least served, seed 35, answers 44 of 297: transferred calls turned callbacks
     * are dialed, and half the dials are not answered); a soak run meets seeds whose
     * configuration serves fewer (seed 1046 connects 41 of 219 even with no refusals) */
    int connected = rec_count(&w->r, CC_EVENT_CONTACT_CONNECTED);
    if (checks && !getenv("PROPERTY_SEEDS"))
        assert_true(connected > 25 && connected * 10 >= w->arrived);
    if (after_mid) *after_mid = w->hash_after_mid;
    *ops_done += nops;
    cc_engine_free(w->e);
    rec_free(&w->r);
    free(w);
    return h;
}

static void random_operations_keep_invariants(void **state)
{
    (void)state;
    int ops = 0;
    /* PROPERTY_SEEDS="first,count" runs other seeds (a soak run); 1,40 by default */
    unsigned long long first = 1, count = 40;
    const char *env = getenv("PROPERTY_SEEDS");
    if (env && sscanf(env, "%llu,%llu", &first, &count) != 2) fail_msg("PROPERTY_SEEDS: first,count");
    /* each seed also swaps its engine for a restored snapshot of itself at one operation
     * (drawn from the seed), and goes on with every check */
    for (uint64_t seed = first; seed < first + count; seed++)
        run_seed(seed, 2800, 1, (int)(seed * 7919 % 2800), NULL, &ops);
    assert_true(ops >= 100000 || count < 40);
    print_message("# %d random operations checked over %llu seeds from %llu\n", ops, count, first);
}

static void same_seed_same_event_stream(void **state)
{
    (void)state;
    int ops = 0;
    for (uint64_t seed = 100; seed < 110; seed++) {
        uint64_t mid1 = 0, mid2 = 0;
        uint64_t h1 = run_seed(seed, 3000, 0, -1, &mid1, &ops);
        uint64_t h2 = run_seed(seed, 3000, 0, -1, &mid2, &ops);
        assert_int_equal(h1, h2);
        /* restored halfway: the second half of the stream is identical */
        uint64_t mid3 = 0;
        run_seed(seed, 3000, 0, 1500, &mid3, &ops);
        assert_int_equal(mid1, mid3);
        assert_true(mid1 != 0);
    }
    /* different seeds give different streams */
    assert_int_not_equal(run_seed(1, 500, 0, -1, NULL, &ops), run_seed(2, 500, 0, -1, NULL, &ops));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_operations_keep_invariants),
        cmocka_unit_test(same_seed_same_event_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
