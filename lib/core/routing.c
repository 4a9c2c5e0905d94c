/*
 * lib/core/routing.c - routing decisions: which agent for a contact, which
 * contact for an agent, and offers.
 *
 * The engine keeps one invariant ("work conserving"): after every input, no
 * available agent is eligible for a waiting contact. Hence
 *   - a contact that starts waiting only looks at the top of the agent index
 *     of each profile it waits in, and under a shared-key strategy of the
 *     profiles stronger than it (cc__match: agents wait in their homes):
 *     O(p c log n) (p = its profiles, usually 1; c = 1 + stronger profiles,
 *     the requirement levels above its own);
 *   - an agent who becomes free only looks at the top waiting contact of each
 *     profile it matches and picks by the select policy: O(m log n);
 * lazy deletion makes every pop of a stale entry O(log n) (O(1) while the
 * heap keeps its sorted layout, see heap.h), paid once per entry. Nothing
 * scans all agents or all contacts. Ring-all offers to every available
 * eligible agent of the profile: O(r log n) for r agents rung.
 */
#include "engine_internal.h"

#include "base/error.h"

#include <string.h>

void cc__contact_key(const cc__contact *c, cc__hentry *h)
{
    h->k1 = (uint64_t)((int64_t)INT32_MAX - (int64_t)c->priority); /* higher first */
    h->k2 = cc__bias(c->vstart_ms);
    h->k3 = c->ordinal;
}

/* A waiting contact as its heap entry describes it: the keys are its
 * priority, virtual start and ordinal (cc__contact_key; the consistency check
 * holds them equal), so an agent choosing among its profiles' heads compares
 * entries and reads only the winner's record. O(1). */
typedef struct head {
    int32_t priority;
    int64_t vstart_ms;
    uint64_t ordinal;
} head;

static head head_of(const cc__hentry *h)
{
    head x;
    x.priority = (int32_t)((int64_t)INT32_MAX - (int64_t)h->k1);
    x.vstart_ms = cc__unbias(h->k2);
    x.ordinal = h->k3;
    return x;
}

/* Pushes a waiting contact into its heaps (after a touch, so exactly one valid
 * entry per heap): the pref heap of its last agent, or its profile heaps. */
void cc__contact_push(cc_engine *e, cc__contact *c)
{
    cc__hentry h;
    cc__contact_key(c, &h);
    h.slot = c->slot;
    h.gen = e->contact_gen[c->slot];
    if (c->pref_agent != CC__NONE) {
        cc__agent *a = cc__agent_at(e, c->pref_agent);
        cc__heap_push(&a->pref, &h, cc__contact_entry_valid, e);
        return;
    }
    for (uint32_t i = 0; i < c->nprofiles; i++)
        cc__heap_push(&c->profiles[i]->contacts, &h, cc__contact_entry_valid, e);
}

/* Top valid entry of a heap (stale entries popped on the way). */
static const cc__hentry *heap_peek(cc_engine *e, cc__heap *hp, cc__heap_valid_fn valid)
{
    const cc__hentry *t;
    while ((t = cc__heap_top(hp)) && !valid(t, e)) cc__heap_pop(hp);
    return t;
}

/* The random strategies' race clock moves to the winner's key (agent.c). */
static void race_advance(cc__profile *p, const cc__hentry *winner)
{
    if (p->strategy == CC_STRATEGY_RANDOM || p->strategy == CC_STRATEGY_WEIGHTED_RANDOM)
        memcpy(&p->race_clock, &winner->k1, sizeof p->race_clock);
}

/* The agent heaps a contact of profile p looks at: p's own, and under a
 * shared-key strategy those of p->stronger too (an eligible agent is
 * indexed in its homes only, see cc__match). i = 0 .. n-1. */
static uint32_t candidate_heaps(const cc__profile *p)
{
    return 1 + (cc__strategy_shared(p->strategy) ? p->nstronger : 0);
}

static cc__profile *candidate(cc__profile *p, uint32_t i)
{
    return i == 0 ? p : p->stronger[i - 1];
}

/* The top valid entry of heap h whose slot is neither `skip1` nor `skip2` (CC__NONE
 * skips nothing): entries of those agents on top (one valid entry per heap: a touch
 * precedes every index) are set aside while the next one is read, then put back.
 * Copied to *out; 0 when there is none. O(log n) per entry set aside. */
static int heap_top_but(cc_engine *e, cc__heap *h, uint32_t skip1, uint32_t skip2,
                        cc__hentry *out)
{
    cc__hentry saved[2];
    int nsaved = 0;
    const cc__hentry *t;
    while ((t = heap_peek(e, h, cc__agent_entry_valid)) && (t->slot == skip1 || t->slot == skip2)) {
        saved[nsaved++] = *t;
        cc__heap_pop(h);
    }
    if (t) *out = *t;
    int found = t != NULL;
    while (nsaved) cc__heap_push(h, &saved[--nsaved], NULL, NULL); /* room: we popped them */
    return found;
}

/* The best valid entry at the tops of p's candidate heaps, agent slots `skip1` and
 * `skip2` left out: O(c) peeks for c candidate heaps (amortised O(1) per stale
 * entry popped on the way). An agent's keys are equal in every heap it is
 * in, so the tops compare directly. Copied to *best, its heap to *from; 0
 * when no agent is available. */
static int best_top(cc_engine *e, cc__profile *p, uint32_t skip1, uint32_t skip2,
                    cc__hentry *best, cc__heap **from)
{
    int found = 0;
    uint32_t n = candidate_heaps(p);
    for (uint32_t i = 0; i < n; i++) {
        cc__profile *x = candidate(p, i);
        cc__hentry t;
        if (heap_top_but(e, &x->agents, skip1, skip2, &t) &&
            (!found || cc__hentry_less(&t, best)))
            *best = t, *from = &x->agents, found = 1;
    }
    return found;
}

/* Best available agent of profile p for contact c. Never the agent consulting about c
 * (it keeps c while a colleague is sought: cc_engine_contact_transfer); the agent who
 * just declined c only when no other one is available. */
static cc__agent *best_agent(cc_engine *e, cc__profile *p, const cc__contact *c)
{
    cc__heap *from = NULL;
    cc__hentry t;
    if (!best_top(e, p, c->consult_from, CC__NONE, &t, &from)) return NULL;
    cc__agent *a = e->agents[t.slot];
    if (c->declined != a->slot || c->declined_ordinal != a->ordinal) {
        race_advance(p, &t);
        return a;
    }
    cc__hentry t2;
    if (!best_top(e, p, c->consult_from, a->slot, &t2, &from)) {
        race_advance(p, &t);
        return a;
    }
    race_advance(p, &t2);
    return e->agents[t2.slot];
}

/* Ring-all: offers c to every available agent of p (and of the profiles p chains to) but
 * the one consulting about c, at once, in key order; an offer touches the agent, so its
 * entries go stale (popped here when it was on top, else by the next peek). O(k log n)
 * for k agents offered. */
static void ring_all_offers(cc_engine *e, cc__contact *c, cc__profile *p, int64_t now)
{
    cc__hentry t;
    cc__heap *from = NULL;
    uint32_t slot = c->slot;
    c->via_profile = p;
    while (c->state == CC__C_WAITING || c->state == CC__C_OFFERED) {
        if (!best_top(e, p, c->consult_from, CC__NONE, &t, &from)) break;
        cc__agent *b = e->agents[t.slot];
        if (cc__heap_top(from)->slot == t.slot) cc__heap_pop(from);
        cc__offer(e, c, b, 1, now);
        if (e->contacts[slot] != c) return; /* a failed offer may end it (leave-when-empty) */
    }
    c->via_profile = NULL;
}

/* Whether contact c is offered to every available agent of p at once. A callback not
 * answered yet is dialed for one agent. */
static int rings_all(const cc__profile *p, const cc__contact *c)
{
    return p->strategy == CC_STRATEGY_RING_ALL && cc__contact_on_line(c);
}

void cc__route_contact(cc_engine *e, cc__contact *c, int64_t now)
{
    if (c->state != CC__C_WAITING) return;
    if (c->pref_agent != CC__NONE) {
        cc__agent *a = cc__agent_at(e, c->pref_agent);
        if (a && cc__agent_available(a, c->channel)) {
            cc__pref_clear(e, c);
            uint32_t slot = c->slot;
            c->via_pref = 1;
            cc__offer(e, c, a, 0, now);
            if (e->contacts[slot] == c) c->via_pref = 0; /* a failed dial may end it */
        }
        return;
    }
    for (uint32_t i = 0; i < c->nprofiles && c->state == CC__C_WAITING; i++) {
        cc__profile *p = c->profiles[i];
        cc__agent *a = best_agent(e, p, c);
        if (!a) continue;
        if (!rings_all(p, c)) {
            c->via_profile = p;
            cc__offer(e, c, a, 0, now);
            return;
        }
        ring_all_offers(e, c, p, now);
        return;
    }
}

/* The leg of agent a holding contact slot `slot`, or NULL. O(legs). */
static cc__leg *own_leg(cc__agent *a, uint32_t slot)
{
    for (uint32_t i = 0; i < a->nlegs; i++)
        if (a->legs[i].contact_slot == slot) return &a->legs[i];
    return NULL;
}

/* The top valid entry of contact heap h that agent a may be offered, copied to *out; 0
 * when there is none. A contact a holds that waits in h is a consult a made (a keeps it
 * while a colleague is sought): such entries on top are popped, their legs marked, and
 * pushed back once the answer is read. O(1) for an agent with no consult pending
 * (a->consults), else O(l) for l legs plus O(log n) per entry set aside. */
static int contact_top_for(cc_engine *e, cc__agent *a, cc__heap *h, cc__hentry *out)
{
    const cc__hentry *t;
    cc__leg *leg;
    int nsaved = 0;
    while ((t = heap_peek(e, h, cc__contact_entry_valid)) && a->consults &&
           (leg = own_leg(a, t->slot))) {
        leg->aside = 1;
        nsaved++;
        cc__heap_pop(h);
    }
    if (t) *out = *t;
    for (uint32_t i = 0; nsaved && i < a->nlegs; i++) {
        if (!a->legs[i].aside) continue;
        a->legs[i].aside = 0;
        nsaved--;
        cc__contact *c = e->contacts[a->legs[i].contact_slot];
        cc__hentry x;
        cc__contact_key(c, &x);
        x.slot = c->slot;
        x.gen = e->contact_gen[c->slot];
        cc__heap_push(h, &x, NULL, NULL); /* room: we popped it */
    }
    return t != NULL;
}

/* The first waiter of a's last-agent heap, in its order, of a channel a can take now,
 * or NULL; called when the top's channel is full. Waiters sit in that heap only (not in
 * their profiles' heaps), so without this look a multi-channel agent busy on a call
 * left its returning chat customer waiting until the preference ran out. O(p) for the
 * p entries, only then (a single-channel agent with no room has no channel left). */
static cc__contact *pref_other_channel(cc_engine *e, const cc__agent *a)
{
    uint32_t channels = cc__agent_channels(a);
    const cc__hentry *best = NULL;
    for (size_t k = 0; channels && k < a->pref.len; k++) {
        const cc__hentry *x = &a->pref.items[k];
        if (cc__contact_entry_valid(x, e) && (channels >> e->contacts[x->slot]->channel & 1u) &&
            (!best || cc__hentry_less(x, best)))
            best = x;
    }
    return best ? e->contacts[best->slot] : NULL;
}

/* Candidate comparison for an agent choosing among its queues' heads:
 * returns 1 if (c, m) is better than (d, n). */
static int better(const cc_engine *e, const head *c, const cc__membership *m, const head *d,
                  const cc__membership *n, int64_t now)
{
    /* Contacts waiting in one queue keep that queue's order. A contact an
     * escalation added to another queue competes there as a guest, by that
     * queue's order and weight. */
    if (m->queue == n->queue) {
        if (c->priority != d->priority) return c->priority > d->priority;
        if (c->vstart_ms != d->vstart_ms) return c->vstart_ms < d->vstart_ms;
        return c->ordinal < d->ordinal;
    }
    double wc = (double)(now - c->vstart_ms) * m->queue->weight;
    double wd = (double)(now - d->vstart_ms) * n->queue->weight;
    int tier = (m->tier != n->tier)         ? (m->tier < n->tier ? 1 : -1)
               : (m->penalty != n->penalty) ? (m->penalty < n->penalty ? 1 : -1)
               : (m->order != n->order)     ? (m->order < n->order ? 1 : -1)
                                            : 0;
    int prio = c->priority != d->priority ? (c->priority > d->priority ? 1 : -1) : 0;
    int wait = wc != wd ? (wc > wd ? 1 : -1) : 0;
    int order[3];
    switch (e->select) {
    case CC_SELECT_WAIT_ONLY: order[0] = wait, order[1] = prio, order[2] = tier; break;
    case CC_SELECT_TIER_ORDER: order[0] = tier, order[1] = prio, order[2] = wait; break;
    case CC_SELECT_PRIORITY_THEN_WAIT:
    default: order[0] = prio, order[1] = wait, order[2] = tier; break;
    }
    for (int i = 0; i < 3; i++)
        if (order[i]) return order[i] > 0;
    if (c->vstart_ms != d->vstart_ms) return c->vstart_ms < d->vstart_ms;
    return c->ordinal < d->ordinal;
}

void cc__route_agent(cc_engine *e, cc__agent *a, int64_t now)
{
    cc__agent_touch(e, a);
    if (!a->logged_in || a->paused || a->pause_pending || a->offer_contact != CC__NONE) {
        cc__agent_update_state(e, a, now);
        return;
    }
    /* 1. a returning customer waiting for this agent */
    const cc__hentry *t = heap_peek(e, &a->pref, cc__contact_entry_valid);
    if (t) {
        cc__contact *c = e->contacts[t->slot];
        if (!cc__agent_available(a, c->channel)) c = pref_other_channel(e, a);
        if (c) {
            cc__pref_clear(e, c);
            uint32_t slot = c->slot;
            c->via_pref = 1;
            cc__offer(e, c, a, 0, now);
            if (e->contacts[slot] == c) c->via_pref = 0; /* a failed dial may end it */
            return;
        }
    }
    /* 2. the best head among the profiles the agent matches (none when the
     * agent is full on every channel: then its profiles are not touched),
     * compared by their heap entries: one contact record read, the winner's */
    head best = {0, 0, 0};
    uint32_t best_slot = CC__NONE;
    const cc__membership *bm = NULL;
    cc__profile *bp = NULL;
    uint32_t channels = cc__agent_channels(a);
    uint32_t nscan = channels ? a->nmatches : 0;
    for (uint32_t i = 0; i < nscan; i++) {
        cc__profile *p = a->matches[i].p;
        if (!(channels >> p->channel & 1u)) continue;
        cc__hentry top;
        if (!contact_top_for(e, a, &p->contacts, &top) || top.slot == best_slot)
            continue; /* none, or one contact in two profiles */
        head c = head_of(&top);
        const cc__membership *m = cc__membership_of(a, p->queue);
        if (best_slot == CC__NONE || better(e, &c, m, &best, bm, now))
            best = c, best_slot = top.slot, bm = m, bp = p;
    }
    if (best_slot != CC__NONE) {
        cc__contact *c = e->contacts[best_slot];
        c->via_profile = bp;
        if (!rings_all(bp, c)) {
            cc__offer(e, c, a, 0, now);
            return;
        }
        /* ring-all: the others available in the profile ring too (agents freed by the
         * same input are indexed before any of them picks work: cc__agents_release) */
        uint32_t slot = c->slot;
        cc__offer(e, c, a, 1, now);
        if (e->contacts[slot] == c) ring_all_offers(e, c, bp, now); /* else it ended */
        return;
    }
    cc__agent_update_state(e, a, now);
    cc__agent_index(e, a);
}

/* Offers contact c to agent a (a is available for c's channel). */
void cc__offer(cc_engine *e, cc__contact *c, cc__agent *a, int ring_all, int64_t now)
{
    cc__queue *q = c->queue;
    if (c->state != CC__C_OFFERED && c->state != CC__C_DIALING) {
        cc__contact_touch(e, c); /* leaves the heaps */
        c->offer_head = CC__NONE;
        c->noffers = 0;
        int dial = !cc__contact_on_line(c);
        cc__contact_set_state(e, c, dial ? CC__C_DIALING : CC__C_OFFERED);
        cc__timer_set(e, c, CC__T_RING, now + q->ring_timeout_ms);
    }
    a->offer_contact = c->slot;
    a->offer_next = c->offer_head;
    a->offer_start_ms = now;
    a->rr_seq = ++e->rr_counter;
    c->offer_head = a->slot;
    c->noffers++;
    cc__agent_touch(e, a);
    cc__agent_update_state(e, a, now);
    cc_event ev;
    cc__fill_contact_event(&ev, CC_EVENT_CONTACT_OFFERED, c, now);
    ev.agent = a->name;
    ev.wait_ms = now - c->vstart_ms;
    cc__emit(e, &ev);
    if (!ring_all) c->via_profile = NULL; /* ring-all: cleared by the caller */
    void *bs;
    const cc_backend *b = cc__backend(e, c->channel, &bs);
    if (c->state == CC__C_DIALING) {
        c->attempts++;
        cc__fill_contact_event(&ev, CC_EVENT_CALLBACK_DIALED, c, now);
        ev.customer_id = c->customer_id;
        ev.agent = a->name;
        ev.value = c->attempts;
        cc__emit(e, &ev);
        if (b && b->dial && b->dial(bs, c->id, c->customer_id, a->name, c->attempts, now) != CC_OK)
            cc__dial_outcome(e, c, CC_DIAL_FAILED, now);
        return;
    }
    if (b && b->offer) {
        cc_backend_offer o = {c->id, c->customer_id, c->channel, q->name, a->name,
                              q->ring_timeout_ms, c->priority, ring_all};
        if (b->offer(bs, &o, now) != CC_OK) cc__offer_failed(e, c, a, now);
    }
}

/* Ends agent a's offer of contact c (the agent stays where it is; callers
 * decide what the agent does next). Emits `why` unless CC_EVENT_NONE. */
void cc__offer_end(cc_engine *e, cc__contact *c, cc__agent *a, cc_event_type why,
                   int call_withdraw, int64_t now)
{
    uint32_t *link = &c->offer_head;
    while (*link != CC__NONE && *link != a->slot) link = &e->agents[*link]->offer_next;
    if (*link == a->slot) *link = a->offer_next;
    a->offer_next = CC__NONE;
    a->offer_contact = CC__NONE;
    c->noffers--;
    cc__agent_touch(e, a);
    if (why != CC_EVENT_NONE) {
        cc_event ev;
        cc__fill_contact_event(&ev, why, c, now);
        ev.agent = a->name;
        if (why == CC_EVENT_CONTACT_RING_TIMEOUT) ev.duration_ms = now - a->offer_start_ms;
        cc__emit(e, &ev);
    }
    if (call_withdraw) {
        void *bs;
        const cc_backend *b = cc__backend(e, c->channel, &bs);
        if (b && b->withdraw) b->withdraw(bs, c->id, a->name, now);
    }
}
