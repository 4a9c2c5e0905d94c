/*
 * lib/core/agent.c - agents: configuration, presence, capacity, legs, and
 * their place in the ready-agent indexes.
 *
 * An agent is in the agent heap of each of its homes (cc__match) while it is
 * available for that profile's channel. Any change that may alter
 * availability or a strategy key bumps the agent's generation (all its index
 * entries turn stale, O(1)) and re-inserts it where it is available:
 * O(h log n) for h homes: under shared-key strategies one per queue and
 * channel when the queue's requirement sets form a chain (levels of one
 * skill), at most the m matched profiles otherwise.
 */
#include "engine_internal.h"

#include "base/error.h"
#include "base/mem.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- availability and indexing -------------------------------------------- */

int cc__agent_staffed(const cc__agent *a)
{
    return a->logged_in && !a->paused;
}

cc__membership *cc__membership_of(const cc__agent *a, const cc__queue *q)
{
    for (uint32_t i = 0; i < a->nms; i++)
        if (a->ms[i].queue == q) return (cc__membership *)&a->ms[i];
    return NULL;
}

static uint32_t level_sum(const cc__agent *a, const cc__profile *p)
{
    uint32_t sum = 0, i = 0;
    for (uint32_t r = 0; r < p->nreq; r++) {
        while (i < a->nskills && a->skills[i].id < p->req[r].id) i++;
        if (i < a->nskills && a->skills[i].id == p->req[r].id) sum += (uint32_t)a->skills[i].level;
    }
    return sum;
}

/* The strategy key of agent a in profile p (k1, k2; k3 is the ordinal). */
static void agent_key(cc_engine *e, const cc__agent *a, const cc__profile *p, cc__hentry *h)
{
    const cc__membership *m = cc__membership_of(a, p->queue);
    uint64_t idle = cc__bias(a->idle_since_ms);
    h->k2 = 0;
    switch (p->strategy) {
    case CC_STRATEGY_ROUND_ROBIN: h->k1 = a->rr_seq; break;
    case CC_STRATEGY_FEWEST_CONTACTS: h->k1 = a->answered, h->k2 = idle; break;
    case CC_STRATEGY_LEAST_TALK_TIME: h->k1 = (uint64_t)a->talk_ms, h->k2 = idle; break;
    case CC_STRATEGY_LINEAR:
        h->k1 = m ? (uint64_t)m->tier : 0;
        h->k2 = m ? (uint64_t)(uint32_t)m->penalty : 0; /* then k3: agents in creation order */
        break;
    case CC_STRATEGY_RANDOM:
    case CC_STRATEGY_WEIGHTED_RANDOM: {
        /* Exponential race: the smallest of clock + Exp(w_i) wins with
         * probability w_i / sum w. Keys of the losers stay in the heap; by
         * memorylessness they are still fresh exponentials measured from the
         * winner's key, which becomes the profile's clock (routing.c), so a
         * newly inserted agent draws from that clock too. Uniform random is
         * the race with equal weights. */
        double w = (p->strategy == CC_STRATEGY_WEIGHTED_RANDOM && m) ? m->weight : 1.0;
        double k = p->race_clock - log(cc__rng_unit(e)) / w;
        memcpy(&h->k1, &k, sizeof k); /* non-negative doubles order like their bits */
        break;
    }
    case CC_STRATEGY_BEST_SKILL: h->k1 = UINT32_MAX - level_sum(a, p), h->k2 = idle; break;
    case CC_STRATEGY_LEAST_SKILLED: h->k1 = a->nskills, h->k2 = idle; break;
    case CC_STRATEGY_LONGEST_IDLE:
    case CC_STRATEGY_RING_ALL:
    default: h->k1 = idle; break;
    }
    h->k3 = a->ordinal;
}

/* Inserts an available agent into the index of one of its matches with its
 * current generation: its entries elsewhere stay valid. O(1) sorted, O(log n)
 * heap layout (heap.h). */
void cc__agent_index_one(cc_engine *e, cc__agent *a, cc__match *m)
{
    cc__profile *p = m->p;
    cc__hentry h;
    agent_key(e, a, p, &h);
    h.slot = a->slot;
    h.gen = e->agent_gen[a->slot];
    /* Compacts at twice what the last compaction kept (+ slack), so a heap
     * stays about as small as the agents available in it (at high occupancy,
     * a few lines) instead of filling its reserved block with stale entries
     * between the valid ones. Amortised O(1): after a compaction that kept v
     * entries, the next one comes at least v + slack pushes later and costs
     * O(2v + slack). A full heap would also compact (heap.h). */
    if (p->agents.len >= p->compact_at) {
        cc__heap_compact(&p->agents, cc__agent_entry_valid, e);
        p->compact_at = (uint32_t)(2 * p->agents.len + CC__HEAP_SLACK);
    }
    cc__heap_push(&p->agents, &h, cc__agent_entry_valid, e);
}

/* Indexes a (just touched: no valid entry) in its homes of the channels it
 * can take now. O(m) flags read, O(h log n) pushes. */
void cc__agent_index(cc_engine *e, cc__agent *a)
{
    uint32_t channels = cc__agent_channels(a);
    for (uint32_t i = 0; channels && i < a->nmatches; i++) {
        cc__match *m = &a->matches[i];
        if (m->home && (channels >> m->p->channel & 1u)) cc__agent_index_one(e, a, m);
    }
}

/* Whether agent a's match of p is a home: per-profile keys index every
 * match; shared keys only those with no stronger profile a is also eligible
 * for. O(P_q * (skills + requirements)). */
int cc__match_home(const cc__agent *a, const cc__profile *p)
{
    if (!cc__strategy_shared(p->strategy)) return 1;
    for (uint32_t i = 0; i < p->nstronger; i++)
        if (cc__agent_eligible(a, p->stronger[i])) return 0;
    return 1;
}

void cc__agent_homes(cc__agent *a)
{
    for (uint32_t i = 0; i < a->nmatches; i++)
        a->matches[i].home = cc__match_home(a, a->matches[i].p);
}

cc__match *cc__match_of(const cc__agent *a, const cc__profile *p)
{
    for (uint32_t i = 0; i < a->nmatches; i++)
        if (a->matches[i].p == p) return &a->matches[i];
    return NULL;
}

/* ---- state ------------------------------------------------------------------ */

static cc_agent_state agent_derive(const cc__agent *a)
{
    if (!a->logged_in) return CC_AGENT_LOGGED_OUT;
    if (a->offer_contact != CC__NONE) return CC_AGENT_RESERVED;
    int wrap = 0;
    for (uint32_t i = 0; i < a->nlegs; i++) {
        if (a->legs[i].state != CC__LEG_WRAPUP) return CC_AGENT_BUSY;
        wrap = 1;
    }
    if (wrap) return CC_AGENT_WRAPUP;
    if (a->paused) return CC_AGENT_NOT_READY;
    return CC_AGENT_READY;
}

void cc__agent_update_state(cc_engine *e, cc__agent *a, int64_t now)
{
    cc_agent_state st = agent_derive(a);
    if (st == a->state) return;
    cc_event ev = {0};
    ev.type = CC_EVENT_AGENT_STATE;
    ev.time_ms = now;
    ev.agent = a->name;
    ev.agent_state = st;
    ev.prev_agent_state = a->state;
    ev.duration_ms = now - a->state_since_ms;
    ev.reason = st == CC_AGENT_NOT_READY ? a->reason : NULL;
    a->state = st;
    a->state_since_ms = now;
    cc__emit(e, &ev);
}

void cc__staffing_changed(cc_engine *e, cc__agent *a, int before, int64_t now)
{
    int after = cc__agent_staffed(a);
    if (after == before) return;
    for (uint32_t i = 0; i < a->nms; i++) {
        cc__queue *q = a->ms[i].queue;
        q->staffed += after ? 1 : -1;
        if (!after && q->staffed == 0 && q->leave_when_empty) cc__leave_empty(e, q, now);
    }
}

/* A returning customer stops waiting for its last agent: into its profiles' heaps, and
 * routed at once. O(p log n) for its p profiles. */
static void pref_to_queue(cc_engine *e, cc__contact *c, int64_t now)
{
    cc__pref_clear(e, c);
    cc__contact_touch(e, c);
    cc__contact_push(e, c);
    cc__route_contact(e, c, now);
}

/* Contacts waiting for this agent as their last agent go to the general
 * queue (the agent will not be available soon). O(p log n). */
void cc__pref_flush(cc_engine *e, cc__agent *a, int64_t now)
{
    const cc__hentry *t;
    while ((t = cc__heap_top(&a->pref))) { /* in queue order */
        cc__hentry x = *t;
        cc__heap_pop(&a->pref);
        if (!cc__contact_entry_valid(&x, e)) continue;
        pref_to_queue(e, e->contacts[x.slot], now);
    }
    a->pref_bound = 0;
}

/* The first half of cc__agent_release: a not-ready asked for while busy takes effect
 * (0: nothing to route), or the state is brought up to date (1: the agent may pick work). */
static int agent_settle(cc_engine *e, cc__agent *a, int64_t now)
{
    if (a->pause_pending && a->nlegs == 0 && a->offer_contact == CC__NONE) {
        int before = cc__agent_staffed(a);
        a->pause_pending = 0;
        a->paused = 1;
        cc__agent_touch(e, a);
        cc__agent_update_state(e, a, now);
        cc__pref_flush(e, a, now); /* first: an emptied queue's leavers include them */
        cc__staffing_changed(e, a, before, now);
        return 0;
    }
    /* A not-ready still waiting for the agent's work to end takes no new work already:
     * its returning customers go to the queue now (last_agent_for no longer picks it for
     * new ones), not once the preference runs out while another agent may be free.
     * O(1) when nobody waits for it. */
    if (a->pause_pending && a->pref_bound) cc__pref_flush(e, a, now);
    cc__agent_update_state(e, a, now);
    return 1;
}

/* The agent may be free again: a pending not-ready applies when nothing is
 * held; otherwise route (offer a waiting contact or go into the indexes). */
void cc__agent_release(cc_engine *e, cc__agent *a, int64_t now)
{
    if (agent_settle(e, a, now)) cc__route_agent(e, a, now);
}

void cc__agents_release(cc_engine *e, uint32_t chain, int64_t now)
{
    if (chain == CC__NONE) return;
    if (e->agents[chain]->offer_next == CC__NONE) { /* one agent: the common case */
        cc__agent *a = e->agents[chain];
        if (a->logged_in) cc__agent_release(e, a, now);
        return;
    }
    /* The chain moves to release_next first: an offer made below (a ring-all, a
     * preference flush) links its agents through offer_next. */
    for (uint32_t s = chain; s != CC__NONE;) {
        cc__agent *a = e->agents[s];
        s = a->offer_next;
        a->offer_next = CC__NONE;
        a->release_next = s;
    }
    for (uint32_t s = chain; s != CC__NONE; s = e->agents[s]->release_next) {
        cc__agent *a = e->agents[s];
        if (a->logged_in && agent_settle(e, a, now)) cc__agent_index(e, a);
    }
    for (uint32_t s = chain; s != CC__NONE;) {
        cc__agent *a = e->agents[s];
        s = a->release_next;
        if (a->logged_in) cc__route_agent(e, a, now); /* no-op unless still available */
    }
}

/* The live (connected or held) leg of a contact. An agent may also hold a
 * wrap-up leg of the same contact (it transferred the contact to a queue and
 * took it again), which this lookup skips. O(legs). */
cc__leg *cc__agent_leg(cc__agent *a, uint64_t contact_id)
{
    for (uint32_t i = 0; i < a->nlegs; i++)
        if (a->legs[i].contact_id == contact_id && a->legs[i].state != CC__LEG_WRAPUP)
            return &a->legs[i];
    return NULL;
}

/* The talk part of a leg ends (end or transfer): talk and hold time counted. */
void cc__leg_finish(cc_engine *e, cc__agent *a, cc__leg *leg, int64_t now)
{
    (void)e;
    if (leg->state == CC__LEG_HELD) leg->hold_ms += now - leg->hold_start_ms;
    leg->talk_ms = now - leg->start_ms;
    a->talk_ms = a->talk_ms < CC__AGENT_TALK_MAX_MS - leg->talk_ms ? a->talk_ms + leg->talk_ms
                                                                   : CC__AGENT_TALK_MAX_MS;
    leg->contact_slot = CC__NONE;
    leg->queue->connected--;
}

/* A leg leaves the agent (after wrap-up, or at once without it); the queue's
 * handle-time estimate learns from it. Callers release the agent afterwards. */
void cc__leg_drop(cc_engine *e, cc__agent *a, cc__leg *leg, int64_t now)
{
    cc__queue *q = leg->queue;
    double handle = (double)leg->talk_ms;
    if (leg->state == CC__LEG_WRAPUP) handle += (double)(now - leg->wrap_start_ms);
    q->aht_ms += (handle - q->aht_ms) / 16.0;
    q->refs--;
    a->count[leg->channel]--;
    a->load -= a->cap_load[leg->channel];
    a->idle_since_ms = now;
    *leg = a->legs[--a->nlegs];
    cc__agent_touch(e, a);
}

/* An event about agent a's leg (wrap-up start and end): its contact, channel,
 * queue and agent; the other fields zero. */
void cc__fill_leg_event(cc_event *ev, cc_event_type t, const cc__agent *a, const cc__leg *leg,
                        int64_t now)
{
    memset(ev, 0, sizeof *ev);
    ev->type = t;
    ev->time_ms = now;
    ev->contact_id = leg->contact_id;
    ev->channel = leg->channel;
    ev->queue = leg->queue->name;
    ev->agent = a->name;
}

static void wrapup_end_leg(cc_engine *e, cc__agent *a, cc__leg *leg, int64_t now)
{
    cc_event ev;
    cc__fill_leg_event(&ev, CC_EVENT_AGENT_WRAPUP_END, a, leg, now);
    ev.duration_ms = now - leg->wrap_start_ms;
    cc__emit(e, &ev);
    cc__leg_drop(e, a, leg, now);
}

/* ---- configuration ---------------------------------------------------------- */

int cc__agent_name_set(cc__agent *a, const char *name)
{
    size_t n = strlen(name);
    if (n < sizeof a->name_short) {
        memcpy(a->name_short, name, n + 1);
        a->name = a->name_short;
        return 0;
    }
    a->name = cc__strdup(name);
    return a->name ? 0 : -1;
}

void cc__agent_free(cc__agent *a)
{
    if (!a) return;
    if (a->name != a->name_short) cc__free(a->name);
    cc__free(a->display);
    cc__free(a->skills);
    if (a->ms != a->ms_tail) cc__free(a->ms);
    if (a->matches != a->match_tail) cc__free(a->matches);
    if (!a->legs_inline) {
        cc__free(a->legs);
        cc__free(a->reason);
    }
    cc__heap_free(&a->pref);
    cc__free(a);
}

/* Computes the profiles agent a matches given memberships ms[0..nms) and
 * skills; reserves room in newly matched profiles. Allocation only: the
 * caller commits with matches_commit(). */
static int matches_compute(const cc__membership *ms, uint32_t nms, const cc__agent *probe,
                           const cc__agent *a, cc__match **out, uint32_t *nout)
{
    size_t n = 0;
    for (uint32_t i = 0; i < nms; i++) n += ms[i].queue->nprofiles;
    cc__match *m = cc__calloc(n ? n : 1, sizeof *m);
    if (!m) return -1;
    uint32_t k = 0;
    for (uint32_t i = 0; i < nms; i++) {
        cc__queue *q = ms[i].queue;
        for (size_t j = 0; j < q->nprofiles; j++) {
            cc__profile *p = q->profiles[j];
            if (!cc__agent_eligible(probe, p)) continue;
            int had = a && cc__match_of(a, p);
            if (!had && cc__heap_reserve(&p->agents, 2 * ((size_t)p->nmatched + 1) + CC__HEAP_SLACK)) {
                cc__free(m);
                return -1;
            }
            m[k++].p = p;
        }
    }
    *out = m;
    *nout = k;
    return 0;
}

/* Swaps in the computed matches m[0..n) (an allocation of capacity cap,
 * the agent's skills already the ones they were computed with) and sets their
 * home flags. They go into the block's tail when they fit (m is freed), else
 * m becomes the agent's own array. */
static void matches_commit(cc_engine *e, cc__agent *a, cc__match *m, uint32_t n, size_t cap)
{
    cc__agent_touch(e, a); /* its entries in the old matches go stale */
    for (uint32_t i = 0; i < a->nmatches; i++) a->matches[i].p->nmatched--;
    for (uint32_t i = 0; i < n; i++) m[i].p->nmatched++;
    if (a->matches != a->match_tail) cc__free(a->matches);
    if (a->match_tail && n <= a->match_tail_cap) { /* NULL only before cc__agent_block */
        memcpy(a->match_tail, m, n * sizeof *m);
        cc__free(m);
        a->matches = a->match_tail;
        a->matches_cap = a->match_tail_cap;
    } else {
        a->matches = m;
        a->matches_cap = (uint32_t)cap;
    }
    a->nmatches = n;
    cc__agent_homes(a);
}

/* Room for `need` elements in *arr of capacity *cap, where *arr may be a
 * tail of the agent's block (`tail`, which never reallocs): outgrowing the
 * tail copies the array to an allocation of its own, twice as large. O(cap)
 * when it moves; 0, or -1 (ENOMEM) with the array unchanged. */
static int agent_array_reserve(void **arr, const void *tail, uint32_t *cap, size_t need,
                               size_t elem)
{
    if (need <= *cap) return 0;
    if (need > UINT32_MAX / 2) return -1;
    if (!tail || *arr != tail) {
        size_t c = *cap;
        if (cc__grow(arr, &c, need, elem)) return -1;
        *cap = (uint32_t)c;
        return 0;
    }
    size_t c = 2 * (size_t)*cap > need ? 2 * (size_t)*cap : need;
    void *p = cc__malloc(c * elem);
    if (!p) return -1;
    memcpy(p, *arr, (size_t)*cap * elem);
    *arr = p;
    *cap = (uint32_t)c;
    return 0;
}

int cc__agent_matches_reserve(cc__agent *a, size_t need)
{
    return agent_array_reserve((void **)&a->matches, a->match_tail, &a->matches_cap, need,
                               sizeof *a->matches);
}

int cc__member_weight_ok(double w)
{
    return w >= CC_MEMBER_WEIGHT_MIN && w <= CC_MEMBER_WEIGHT_MAX;
}

/* A membership's numbers: tier and penalty >= 0, weight 0 (default) or in
 * range. */
static cc_status membership_check(const char *agent, const cc_membership *m)
{
    if (m->tier < 0 || m->penalty < 0 || (m->weight != 0 && !cc__member_weight_ok(m->weight)))
        return cc__fail(CC_EINVAL,
                        "agent '%s': queue '%s': tier and penalty must be >= 0, weight 0 or "
                        "in %g..%g",
                        agent, m->queue, CC_MEMBER_WEIGHT_MIN, CC_MEMBER_WEIGHT_MAX);
    return CC_OK;
}

static cc_status agent_validate(cc_engine *e, const cc_agent_config *c)
{
    cc_status st = cc__check_name("agent", c->name);
    if (st) return st;
    const char *n = c->name;
    if (c->display_name && strnlen(c->display_name, CC_NAME_MAX + 1) > CC_NAME_MAX)
        return cc__fail(CC_EINVAL, "agent '%s': display_name too long", n);
    if (c->nqueues && !c->queues) return cc__fail(CC_EINVAL, "agent '%s': queues is NULL", n);
    if (c->ncapacity && !c->capacity) return cc__fail(CC_EINVAL, "agent '%s': capacity is NULL", n);
    if (c->nqueues > 1024) return cc__fail(CC_EINVAL, "agent '%s': too many queues", n);
    for (size_t i = 0; i < c->nqueues; i++) {
        const cc_membership *m = &c->queues[i];
        if (!m->queue) return cc__fail(CC_EINVAL, "agent '%s': membership %zu has no queue", n, i);
        if (!cc__queue_find(e, m->queue))
            return cc__fail(CC_ENOTFOUND, "agent '%s': no queue '%s'", n, m->queue);
        if ((st = membership_check(n, m))) return st;
        for (size_t k = 0; k < i; k++)
            if (strcmp(c->queues[k].queue, m->queue) == 0)
                return cc__fail(CC_EINVAL, "agent '%s': queue '%s' listed twice", n, m->queue);
    }
    for (size_t i = 0; i < c->ncapacity; i++) {
        const cc_capacity *k = &c->capacity[i];
        if ((int)k->channel <= CC_CHANNEL_NONE || (int)k->channel >= CC_CHANNEL__COUNT)
            return cc__fail(CC_EINVAL, "agent '%s': capacity %zu: invalid channel %d", n, i,
                            (int)k->channel);
        if (k->max < 1 || k->max > CC__MAX_PER_CHANNEL || k->load < 0)
            return cc__fail(CC_EINVAL,
                            "agent '%s': channel '%s': max must be 1..%d and load >= 0, got "
                            "max %d load %d",
                            n, cc_channel_name(k->channel), CC__MAX_PER_CHANNEL, (int)k->max,
                            (int)k->load);
        for (size_t j = 0; j < i; j++)
            if (c->capacity[j].channel == k->channel)
                return cc__fail(CC_EINVAL, "agent '%s': channel '%s' listed twice", n,
                                cc_channel_name(k->channel));
    }
    if (c->load_budget < 0)
        return cc__fail(CC_EINVAL, "agent '%s': load_budget must be >= 0", n);
    return CC_OK;
}

int cc__agent_block(cc__agent **pa, size_t legs, size_t ms_room, size_t match_room)
{
    cc__agent *a = *pa;
    int short_name = a->name && a->name == a->name_short;
    size_t tail = legs * sizeof *a->legs + ms_room * sizeof *a->ms +
                  match_room * sizeof *a->matches;
    cc__agent *big = cc__realloc(a, sizeof *a + tail + CC__REASON_SIZE);
    if (!big) return -1;
    a = *pa = big;
    if (short_name) a->name = a->name_short; /* it moved with the record */
    memset(a + 1, 0, tail + CC__REASON_SIZE);
    a->legs = (cc__leg *)(a + 1);
    a->ms_tail = (cc__membership *)(a->legs + legs);
    a->match_tail = (cc__match *)(a->ms_tail + ms_room);
    a->reason = (char *)(a->match_tail + match_room);
    a->legs_inline = 1;
    a->legs_cap = (uint32_t)legs;
    a->ms_tail_cap = (uint32_t)ms_room;
    a->match_tail_cap = (uint32_t)match_room;
    return 0;
}

size_t cc__match_room_add(size_t room, const cc__queue *q)
{
    size_t n = room + (q->nprofiles > 3 ? q->nprofiles : 3);
    return n < CC__MATCH_ROOM_MAX ? n : CC__MATCH_ROOM_MAX;
}

cc_status cc_engine_agent_add(cc_engine *e, const cc_agent_config *c, int64_t now)
{
    cc_status st = cc__engine_enter(e, now, "cc_engine_agent_add");
    if (st) return st;
    if (!c) return cc__fail(CC_EINVAL, "cc_engine_agent_add: config is NULL");
    if (c->version != CC_AGENT_CONFIG_VERSION)
        return cc__fail(CC_EVERSION, "agent config: unknown version %u", (unsigned)c->version);
    if ((st = agent_validate(e, c))) return st;
    if (cc__agent_find(e, c->name))
        return cc__fail(CC_EEXIST, "agent '%s' already exists", c->name);
    cc__txn_begin(e);
    cc__agent *a = cc__calloc(1, sizeof *a);
    if (!a) return cc__fail(CC_ENOMEM, "agent '%s': out of memory", c->name);
    a->offer_contact = a->offer_next = CC__NONE;
    a->display = cc__strdup(c->display_name ? c->display_name : c->name);
    if (!a->display) goto oom;
    st = cc__skills_convert(e, c->name, c->skills, c->nskills, 0, &a->skills, &a->nskills);
    if (st) {
        cc__agent_free(a);
        cc__txn_abort(e);
        return st;
    }
    if (c->ncapacity == 0) {
        for (int ch = 1; ch < CC_CHANNEL__COUNT; ch++) a->cap_max[ch] = 1, a->cap_load[ch] = 1;
        a->budget = 1;
    } else {
        for (size_t i = 0; i < c->ncapacity; i++) {
            a->cap_max[c->capacity[i].channel] = c->capacity[i].max;
            a->cap_load[c->capacity[i].channel] = c->capacity[i].load;
        }
        a->budget = c->load_budget;
    }
    /* most contacts held at once: the channel maxima, or what the budget
     * allows when every channel costs load */
    size_t legs = 0, min_load = SIZE_MAX;
    for (int ch = 1; ch < CC_CHANNEL__COUNT; ch++) {
        legs += (size_t)a->cap_max[ch];
        if (a->cap_max[ch] && (size_t)a->cap_load[ch] < min_load) min_load = (size_t)a->cap_load[ch];
    }
    if (a->budget && min_load && min_load != SIZE_MAX && (size_t)a->budget / min_load < legs)
        legs = (size_t)a->budget / min_load;
    if (legs == 0) legs = 1;
    /* the agent, its legs, room for its memberships and matches, and its
     * reason buffer in one block: routing touches all but the last */
    size_t match_room = 0;
    for (size_t i = 0; i < c->nqueues; i++)
        match_room = cc__match_room_add(match_room, cc__queue_find(e, c->queues[i].queue));
    if (cc__agent_block(&a, legs, c->nqueues, match_room)) goto oom;
    a->ms = a->ms_tail;
    a->ms_cap = a->ms_tail_cap;
    if (cc__agent_name_set(a, c->name)) goto oom;
    for (size_t i = 0; i < c->nqueues; i++) {
        cc__membership *m = &a->ms[i];
        m->queue = cc__queue_find(e, c->queues[i].queue);
        m->tier = c->queues[i].tier;
        m->penalty = c->queues[i].penalty;
        m->weight = c->queues[i].weight > 0 ? c->queues[i].weight : 1.0;
        m->order = (uint32_t)i;
        if (cc__grow((void **)&m->queue->members, &m->queue->members_cap,
                     m->queue->nmembers + 1, sizeof *m->queue->members))
            goto oom;
    }
    a->nms = (uint32_t)c->nqueues;
    cc__match *m = NULL;
    uint32_t nm = 0;
    if (matches_compute(a->ms, a->nms, a, NULL, &m, &nm)) goto oom;
    /* slot table */
    uint32_t slot;
    if (e->nagent_free == 0) {
        size_t cap = e->agents_cap, cap2 = e->agents_cap;
        if (cc__grow((void **)&e->agents, &cap, e->nagent_slots + 1, sizeof *e->agents) ||
            cc__grow((void **)&e->agent_gen, &cap2, e->nagent_slots + 1, sizeof *e->agent_gen)) {
            e->agents_cap = cap < cap2 ? cap : cap2;
            cc__free(m);
            goto oom;
        }
        e->agents_cap = cap < cap2 ? cap : cap2;
        if (cc__grow((void **)&e->agent_free, &e->agent_free_cap, e->nagent_slots + 1,
                     sizeof *e->agent_free)) {
            cc__free(m);
            goto oom;
        }
    }
    if (cc__timer_reserve(e, legs) || cc__core_names_reserve(&e->agent_map, e->agent_map.len + 1)) {
        cc__free(m);
        goto oom;
    }
    /* commit */
    cc__txn_commit(e);
    e->now_ms = now;
    e->busy = 1;
    if (e->nagent_free) slot = e->agent_free[--e->nagent_free];
    else {
        slot = (uint32_t)e->nagent_slots++;
        e->agent_gen[slot] = 0;
    }
    e->agents[slot] = a;
    a->slot = slot;
    a->ordinal = ++e->next_ordinal;
    e->nagents++;
    e->timer_bound += a->legs_cap; /* one wrap-up timer per leg at most */
    cc__core_names_put(&e->agent_map, a->name, a);
    matches_commit(e, a, m, nm, nm);
    a->state = CC_AGENT_LOGGED_OUT;
    a->state_since_ms = now;
    for (uint32_t i = 0; i < a->nms; i++) {
        cc__queue *q = a->ms[i].queue;
        q->members[q->nmembers++].agent = a;
        cc_event ev = {0};
        ev.type = CC_EVENT_QUEUE_MEMBER_ADDED;
        ev.time_ms = now;
        ev.queue = q->name;
        ev.agent = a->name;
        cc__emit(e, &ev);
    }
    e->busy = 0;
    return CC_OK;
oom:
    cc__agent_free(a);
    cc__txn_abort(e);
    return cc__fail(CC_ENOMEM, "agent '%s': out of memory", c->name);
}

/* Returning customers waiting for a whom a can no longer serve (no longer a member of
 * their queue, or no longer skilled for them: a last agent is waited for only while it
 * could take the contact, as when it was chosen, last_agent_for) go to their general
 * queue, in queue order. The heap is sorted in place (no allocation; a sorted array is a
 * heap) and walked; a contact taken out turns its entry stale, which moves no entry
 * (routing it never pushes into a's heap). O(p log p). */
static void pref_flush_unserved(cc_engine *e, cc__agent *a, int64_t now)
{
    if (!a->pref_bound) return;
    cc__heap_sort(&a->pref);
    for (size_t k = 0; k < a->pref.len; k++) {
        const cc__hentry *x = &a->pref.items[k];
        if (!cc__contact_entry_valid(x, e)) continue;
        cc__contact *c = e->contacts[x->slot];
        if (cc__membership_of(a, c->queue) && cc__agent_eligible(a, c->profiles[0])) continue;
        pref_to_queue(e, c, now);
    }
}

/* Removes membership of q: infallible (arrays shrink in place). */
void cc__member_detach(cc_engine *e, cc__agent *a, cc__queue *q, int64_t now)
{
    int staffed = cc__agent_staffed(a);
    cc__agent_touch(e, a); /* its entries in q's profiles go stale */
    uint32_t w = 0;
    for (uint32_t i = 0; i < a->nmatches; i++) {
        if (a->matches[i].p->queue == q) a->matches[i].p->nmatched--;
        else a->matches[w++] = a->matches[i];
    }
    a->nmatches = w;
    w = 0;
    for (uint32_t i = 0; i < a->nms; i++)
        if (a->ms[i].queue != q) a->ms[w++] = a->ms[i];
    a->nms = w;
    for (size_t i = 0; i < q->nmembers; i++)
        if (q->members[i].agent == a) {
            memmove(&q->members[i], &q->members[i + 1], (q->nmembers - i - 1) * sizeof *q->members);
            q->nmembers--;
            break;
        }
    if (staffed) q->staffed--;
    cc__agent_touch(e, a);
    cc__agent_index(e, a);
    cc_event ev = {0};
    ev.type = CC_EVENT_QUEUE_MEMBER_REMOVED;
    ev.time_ms = now;
    ev.queue = q->name;
    ev.agent = a->name;
    cc__emit(e, &ev);
    pref_flush_unserved(e, a, now); /* first: an emptied queue's leavers include them */
    if (staffed && q->staffed == 0 && q->leave_when_empty) cc__leave_empty(e, q, now);
}

/* The checked entry of the calls on one named agent: engine state, then the
 * agent by name. The presence calls put their own name before "no agent" in
 * the message (`prefix` 1), the roster and membership calls do not. */
static cc_status agent_lookup(cc_engine *e, const char *name, int64_t now, const char *what,
                              int prefix, cc__agent **out)
{
    cc_status st = cc__engine_enter(e, now, what);
    if (st) return st;
    *out = cc__agent_find(e, name);
    if (*out) return CC_OK;
    if (prefix)
        return cc__fail(CC_ENOTFOUND, "%s: no agent '%s'", what, name ? name : "(null)");
    return cc__fail(CC_ENOTFOUND, "no agent '%s'", name ? name : "(null)");
}

cc_status cc_engine_agent_remove(cc_engine *e, const char *name, int64_t now)
{
    cc__agent *a = NULL; /* set by the lookup on success */
    cc_status st = agent_lookup(e, name, now, "cc_engine_agent_remove", 0, &a);
    if (st) return st;
    if (a->logged_in) return cc__fail(CC_ESTATE, "agent '%s' is logged in", name);
    e->now_ms = now;
    e->busy = 1;
    while (a->nms) cc__member_detach(e, a, a->ms[a->nms - 1].queue, now);
    e->busy = 0;
    cc__core_names_remove(&e->agent_map, a->name);
    cc__agent_touch(e, a);
    e->agents[a->slot] = NULL;
    e->agent_free[e->nagent_free++] = a->slot;
    e->nagents--;
    e->timer_bound -= a->legs_cap;
    cc__agent_free(a);
    return CC_OK;
}

cc_status cc_engine_member_add(cc_engine *e, const char *name, const cc_membership *mc, int64_t now)
{
    cc__agent *a = NULL; /* set by the lookup on success */
    cc_status st = agent_lookup(e, name, now, "cc_engine_member_add", 0, &a);
    if (st) return st;
    if (!mc || !mc->queue) return cc__fail(CC_EINVAL, "agent '%s': membership has no queue", name);
    cc__queue *q = cc__queue_find(e, mc->queue);
    if (!q) return cc__fail(CC_ENOTFOUND, "no queue '%s'", mc->queue);
    if (cc__membership_of(a, q))
        return cc__fail(CC_EEXIST, "agent '%s' is already a member of '%s'", name, mc->queue);
    if ((st = membership_check(name, mc))) return st;
    if (agent_array_reserve((void **)&a->ms, a->ms_tail, &a->ms_cap, (size_t)a->nms + 1,
                            sizeof *a->ms) ||
        cc__grow((void **)&q->members, &q->members_cap, q->nmembers + 1, sizeof *q->members))
        return cc__fail(CC_ENOMEM, "agent '%s': out of memory", name);
    cc__membership m = {q, mc->tier, mc->penalty, mc->weight > 0 ? mc->weight : 1.0, 0};
    m.order = a->nms ? a->ms[a->nms - 1].order + 1 : 0;
    a->ms[a->nms] = m; /* beyond nms: not yet committed */
    cc__match *pm = NULL;
    uint32_t npm = 0;
    if (matches_compute(a->ms, a->nms + 1, a, a, &pm, &npm))
        return cc__fail(CC_ENOMEM, "agent '%s': out of memory", name);
    e->now_ms = now;
    e->busy = 1;
    a->nms++;
    matches_commit(e, a, pm, npm, npm);
    q->members[q->nmembers++].agent = a;
    if (cc__agent_staffed(a)) q->staffed++;
    cc_event ev = {0};
    ev.type = CC_EVENT_QUEUE_MEMBER_ADDED;
    ev.time_ms = now;
    ev.queue = q->name;
    ev.agent = a->name;
    cc__emit(e, &ev);
    cc__route_agent(e, a, now);
    e->busy = 0;
    return CC_OK;
}

cc_status cc_engine_member_remove(cc_engine *e, const char *name, const char *queue, int64_t now)
{
    cc__agent *a = NULL; /* set by the lookup on success */
    cc_status st = agent_lookup(e, name, now, "cc_engine_member_remove", 0, &a);
    if (st) return st;
    cc__queue *q = cc__queue_find(e, queue);
    if (!q) return cc__fail(CC_ENOTFOUND, "no queue '%s'", queue ? queue : "(null)");
    if (!cc__membership_of(a, q))
        return cc__fail(CC_ENOTFOUND, "agent '%s' is not a member of '%s'", name, queue);
    cc__contact *oc = cc__contact_at(e, a->offer_contact);
    int offered_from_q = oc && oc->queue == q;
    /* A contact an escalation step added to q waits in q's profiles as a guest (its own
     * queue is another one) and rings q's members through their membership of q: that
     * offer is q's too, or the agent would go on ringing for a queue it left. O(p) for
     * the p profiles of the contact (1 + steps), only while an offer is pending. */
    for (uint32_t i = 0; oc && !offered_from_q && i < oc->nprofiles; i++)
        offered_from_q = oc->profiles[i]->queue == q;
    if (offered_from_q)
        return cc__fail(CC_ESTATE, "agent '%s' has a pending offer from '%s'", name, queue);
    for (uint32_t i = 0; i < a->nlegs; i++)
        if (a->legs[i].queue == q)
            return cc__fail(CC_ESTATE, "agent '%s' holds a contact of '%s'", name, queue);
    e->now_ms = now;
    e->busy = 1;
    cc__member_detach(e, a, q, now);
    e->busy = 0;
    return CC_OK;
}

cc_status cc_engine_agent_set_skill(cc_engine *e, const char *name, const char *skill,
                                    int32_t level, int64_t now)
{
    cc__agent *a = NULL; /* set by the lookup on success */
    cc_status st = agent_lookup(e, name, now, "cc_engine_agent_set_skill", 0, &a);
    if (st) return st;
    if ((st = cc__check_name("skill", skill))) return st;
    if (level < 0 || level > CC_SKILL_LEVEL_MAX)
        return cc__fail(CC_EINVAL, "agent '%s': skill '%s': level must be 0..%d, got %d", name,
                        skill, CC_SKILL_LEVEL_MAX, (int)level);
    uint32_t id;
    cc__txn_begin(e);
    if (cc__skill_intern(e, skill, &id)) return cc__fail(CC_ENOMEM, "out of memory");
    /* new sorted skill list */
    cc__skill *ns = cc__calloc((size_t)a->nskills + 1, sizeof *ns);
    if (!ns) {
        cc__txn_abort(e);
        return cc__fail(CC_ENOMEM, "agent '%s': out of memory", name);
    }
    uint32_t n = 0, done = 0;
    for (uint32_t i = 0; i < a->nskills; i++) {
        if (!done && a->skills[i].id >= id) {
            if (level > 0) ns[n++] = (cc__skill){id, level};
            done = 1;
            if (a->skills[i].id == id) continue;
        }
        ns[n++] = a->skills[i];
    }
    if (!done && level > 0) ns[n++] = (cc__skill){id, level};
    cc__agent probe = *a;
    probe.skills = ns;
    probe.nskills = n;
    cc__match *pm = NULL;
    uint32_t npm = 0;
    if (matches_compute(a->ms, a->nms, &probe, a, &pm, &npm)) {
        cc__free(ns);
        cc__txn_abort(e);
        return cc__fail(CC_ENOMEM, "agent '%s': out of memory", name);
    }
    cc__txn_commit(e);
    e->now_ms = now;
    e->busy = 1;
    cc__free(a->skills);
    a->skills = ns;
    a->nskills = n;
    matches_commit(e, a, pm, npm, npm);
    pref_flush_unserved(e, a, now);
    cc__route_agent(e, a, now);
    e->busy = 0;
    return CC_OK;
}

/* ---- presence ---------------------------------------------------------------- */

cc_status cc_engine_agent_login(cc_engine *e, const char *name, int64_t now)
{
    cc__agent *a;
    cc_status st = agent_lookup(e, name, now, "cc_engine_agent_login", 1, &a);
    if (st) return st;
    if (a->logged_in) return cc__fail(CC_ESTATE, "agent '%s' is already logged in", name);
    e->now_ms = now;
    e->busy = 1;
    a->logged_in = 1;
    a->paused = a->pause_pending = 0;
    a->reason[0] = 0;
    a->login_ms = now;
    a->idle_since_ms = now;
    a->answered = 0;
    a->talk_ms = 0;
    cc_event ev = {0};
    ev.type = CC_EVENT_AGENT_LOGIN;
    ev.time_ms = now;
    ev.agent = a->name;
    cc__emit(e, &ev);
    cc__staffing_changed(e, a, 0, now);
    cc__agent_release(e, a, now);
    e->busy = 0;
    return CC_OK;
}

void cc__agent_logout_now(cc_engine *e, cc__agent *a, int64_t now)
{
    int before = cc__agent_staffed(a);
    while (a->nlegs) wrapup_end_leg(e, a, &a->legs[a->nlegs - 1], now);
    a->logged_in = 0;
    a->paused = a->pause_pending = 0;
    a->reason[0] = 0;
    cc__agent_touch(e, a);
    cc_event ev = {0};
    ev.type = CC_EVENT_AGENT_LOGOUT;
    ev.time_ms = now;
    ev.agent = a->name;
    ev.duration_ms = now - a->login_ms;
    cc__emit(e, &ev);
    cc__agent_update_state(e, a, now);
    cc__pref_flush(e, a, now); /* first: an emptied queue's leavers include them */
    cc__staffing_changed(e, a, before, now);
}

cc_status cc_engine_agent_logout(cc_engine *e, const char *name, int64_t now)
{
    cc__agent *a;
    cc_status st = agent_lookup(e, name, now, "cc_engine_agent_logout", 1, &a);
    if (st) return st;
    if (!a->logged_in) return cc__fail(CC_ESTATE, "agent '%s' is not logged in", name);
    if (a->offer_contact != CC__NONE)
        return cc__fail(CC_ESTATE, "agent '%s' is reserved (a contact is ringing)", name);
    for (uint32_t i = 0; i < a->nlegs; i++)
        if (a->legs[i].state != CC__LEG_WRAPUP)
            return cc__fail(CC_ESTATE, "agent '%s' is busy with contact %llu", name,
                            (unsigned long long)a->legs[i].contact_id);
    e->now_ms = now;
    e->busy = 1;
    cc__agent_logout_now(e, a, now);
    e->busy = 0;
    return CC_OK;
}

cc_status cc_engine_agent_ready(cc_engine *e, const char *name, int64_t now)
{
    cc__agent *a;
    cc_status st = agent_lookup(e, name, now, "cc_engine_agent_ready", 1, &a);
    if (st) return st;
    if (!a->logged_in) return cc__fail(CC_ESTATE, "agent '%s' is not logged in", name);
    if (!a->paused && !a->pause_pending)
        return cc__fail(CC_ESTATE, "agent '%s' is already ready (state %s)", name,
                        cc_agent_state_name(a->state));
    e->now_ms = now;
    e->busy = 1;
    int before = cc__agent_staffed(a);
    a->paused = a->pause_pending = 0;
    a->reason[0] = 0;
    a->idle_since_ms = now;
    cc__agent_touch(e, a);
    cc__staffing_changed(e, a, before, now);
    cc__agent_release(e, a, now);
    e->busy = 0;
    return CC_OK;
}

cc_status cc_engine_agent_not_ready(cc_engine *e, const char *name, const char *reason, int64_t now)
{
    cc__agent *a;
    cc_status st = agent_lookup(e, name, now, "cc_engine_agent_not_ready", 1, &a);
    if (st) return st;
    if (reason && strnlen(reason, CC_NAME_MAX + 1) > CC_NAME_MAX)
        return cc__fail(CC_EINVAL, "agent '%s': not-ready reason longer than %d bytes", name,
                        CC_NAME_MAX);
    if (!a->logged_in) return cc__fail(CC_ESTATE, "agent '%s' is not logged in", name);
    if (a->paused) return cc__fail(CC_ESTATE, "agent '%s' is already not-ready", name);
    e->now_ms = now;
    e->busy = 1;
    snprintf(a->reason, CC__REASON_SIZE, "%s", reason ? reason : "");
    a->pause_pending = 1;
    cc__agent_touch(e, a);
    cc__agent_release(e, a, now); /* applies at once when nothing is held */
    e->busy = 0;
    return CC_OK;
}

/* After a ring-no-answer or a reject. */
void cc__agent_after(cc_engine *e, cc__agent *a, cc_agent_after what, const char *reason,
                     int64_t now)
{
    /* "Only when holding no contact": a wrap-up holds none (its contact has ended; the
     * logout API ends it first, and so does cc__agent_logout_now). Counting wrap-up legs
     * kept an agent ringing between two chats logged in, not-ready after its wrap-up. */
    int holds = 0;
    for (uint32_t i = 0; i < a->nlegs && !holds; i++) holds = a->legs[i].state != CC__LEG_WRAPUP;
    if (what == CC_AFTER_LOGOUT && !holds) {
        cc__agent_logout_now(e, a, now);
        return;
    }
    if (what == CC_AFTER_READY) {
        a->idle_since_ms = now;
        cc__agent_touch(e, a);
        return; /* the caller routes the agent once the contact is back in place */
    }
    /* A not-ready the agent asked for while the offer rang keeps the agent's own
     * reason: it becomes not-ready either way, and overwriting "lunch" with the
     * policy's "no-answer" lost what cc_engine_agent_not_ready() promised to report
     * (the ring-out or reject has its own event). */
    if (!a->pause_pending) snprintf(a->reason, CC__REASON_SIZE, "%s", reason);
    a->pause_pending = 1;
    cc__agent_touch(e, a);
}

cc_status cc_engine_wrapup_end(cc_engine *e, const char *name, uint64_t contact_id, int64_t now)
{
    cc__agent *a;
    cc_status st = agent_lookup(e, name, now, "cc_engine_wrapup_end", 1, &a);
    if (st) return st;
    int found = 0;
    for (uint32_t i = 0; i < a->nlegs; i++)
        if (a->legs[i].state == CC__LEG_WRAPUP &&
            (contact_id == 0 || a->legs[i].contact_id == contact_id))
            found = 1;
    if (!found)
        return cc__fail(CC_ESTATE, "agent '%s' is not wrapping up contact %llu", name,
                        (unsigned long long)contact_id);
    e->now_ms = now;
    e->busy = 1;
    for (uint32_t i = a->nlegs; i-- > 0;)
        if (a->legs[i].state == CC__LEG_WRAPUP &&
            (contact_id == 0 || a->legs[i].contact_id == contact_id))
            wrapup_end_leg(e, a, &a->legs[i], now);
    cc__agent_release(e, a, now);
    e->busy = 0;
    return CC_OK;
}

/* Wrap-up timer. */
void cc__wrapup_due(cc_engine *e, cc__agent *a, uint64_t contact_id, int64_t due)
{
    cc__leg *leg = NULL;
    for (uint32_t i = 0; i < a->nlegs; i++)
        if (a->legs[i].contact_id == contact_id && a->legs[i].state == CC__LEG_WRAPUP &&
            a->legs[i].wrap_due_ms == due)
            leg = &a->legs[i];
    if (!leg) return;
    wrapup_end_leg(e, a, leg, due);
    cc__agent_release(e, a, due);
}
