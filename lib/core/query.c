/*
 * lib/core/query.c - read-only queries: contact, queue and agent status,
 * position and expected wait, enumeration.
 */
#include "engine_internal.h"

#include "base/error.h"

/* Counts valid entries of heap h strictly before `key` among contacts of
 * queue q: a depth-first walk that stops below any entry >= key (heap order
 * guarantees its subtree is >= key too). O(entries before key). */
static int32_t count_before(const cc_engine *e, const cc__heap *h, size_t i, const cc__hentry *key,
                            const cc__queue *q)
{
    if (i >= h->len || !cc__hentry_less(&h->items[i], key)) return 0;
    int32_t n = 0;
    const cc__hentry *x = &h->items[i];
    if (cc__contact_entry_valid(x, (void *)e) && e->contacts[x->slot]->queue == q) n = 1;
    for (size_t k = 1; k <= CC__HEAP_ARITY; k++)
        n += count_before(e, h, CC__HEAP_ARITY * i + k, key, q);
    return n;
}

/* Counts the contacts on q's aside list (returning customers waiting for their last
 * agent, callbacks between attempts) ordered strictly before `key`. O(aside). */
static int32_t aside_before(const cc_engine *e, const cc__queue *q, const cc__hentry *key)
{
    int32_t n = 0;
    for (const cc__contact *x = cc__aside_first(e, q); x; x = cc__aside_after(e, x)) {
        cc__hentry k = {0, 0, 0, 0, 0};
        cc__contact_key(x, &k);
        n += cc__hentry_less(&k, key);
    }
    return n;
}

/* 1 + the live contacts of q ordered before `key`, in its heaps and on its aside list.
 * O(position + aside). */
static int32_t position_of_key(const cc_engine *e, const cc__queue *q, const cc__hentry *key)
{
    int32_t n = 1 + aside_before(e, q, key);
    for (size_t i = 0; i < q->nprofiles; i++) n += count_before(e, &q->profiles[i]->contacts, 0, key, q);
    return n;
}

/* EWT of the n-th waiting contact: n * AHT / staffed, -1 when nobody is
 * staffed; capped at CC_TIME_LIMIT_MS (a wait past it is no answer anyone can
 * use, and the double would not fit int64 for absurd configurations). */
static int64_t ewt_of(const cc__queue *q, double n)
{
    if (q->staffed <= 0) return -1;
    double ewt = n * q->aht_ms / q->staffed + 0.5;
    return ewt < (double)CC_TIME_LIMIT_MS ? (int64_t)ewt : CC_TIME_LIMIT_MS;
}

void cc__position(const cc_engine *e, const cc__contact *c, int32_t *pos, int64_t *ewt)
{
    const cc__queue *q = c->queue;
    cc__hentry key = {0, 0, 0, 0, 0};
    cc__contact_key(c, &key);
    int32_t n = position_of_key(e, q, &key);
    *pos = n;
    *ewt = ewt_of(q, (double)n);
}

/* The position a contact of priority 0 arriving now would take in q: after the
 * contacts of priority >= 0, before those of lower priority. O(position). */
static int32_t new_contact_position(const cc_engine *e, const cc__queue *q, int64_t now)
{
    cc__hentry key = {0, 0, 0, 0, 0};
    key.k1 = (uint64_t)INT32_MAX; /* priority 0: cc__contact_key */
    key.k2 = cc__bias(now);
    key.k3 = UINT64_MAX; /* after every contact already there */
    return position_of_key(e, q, &key);
}

static cc_contact_state public_state(const cc__contact *c)
{
    if (c->agent != CC__NONE) return CC_CONTACT_CONNECTED;
    switch (c->state) {
    case CC__C_OFFERED: return CC_CONTACT_OFFERED;
    case CC__C_DIALING: return CC_CONTACT_DIALING;
    case CC__C_RETRY: return CC_CONTACT_CALLBACK_WAIT;
    case CC__C_ENDED: return CC_CONTACT_ENDED;
    case CC__C_WAITING:
    default:
        return cc__contact_on_line(c) ? CC_CONTACT_WAITING : CC_CONTACT_CALLBACK_WAIT;
    }
}

cc_status cc_engine_contact_status(const cc_engine *e, uint64_t id, cc_contact_status *out)
{
    if (!e || !out) return cc__fail(CC_EINVAL, "cc_engine_contact_status: NULL argument");
    if (out->version != CC_CONTACT_STATUS_VERSION)
        return cc__fail(CC_EVERSION, "contact status: unknown version %u", (unsigned)out->version);
    const cc__contact *c = cc__contact_find(e, id);
    if (!c) return cc__fail(CC_ENOTFOUND, "no contact %llu", (unsigned long long)id);
    out->state = public_state(c);
    out->channel = c->channel;
    out->priority = c->priority;
    out->held = 0;
    out->consult_pending = c->consult_from != CC__NONE;
    out->queue = c->queue ? c->queue->name : NULL;
    out->agent = NULL;
    if (c->agent != CC__NONE) {
        cc__agent *a = e->agents[c->agent];
        cc__leg *leg = cc__agent_leg(a, c->id);
        out->agent = a->name;
        out->held = leg && leg->state == CC__LEG_HELD;
        out->queue = c->leg_queue ? c->leg_queue->name : out->queue;
    } else if (c->offer_head != CC__NONE) {
        out->agent = e->agents[c->offer_head]->name;
    }
    out->customer_id = c->customer_id;
    out->virtual_start_ms = c->vstart_ms;
    out->entered_ms = c->entered_ms;
    out->callback_attempts = c->attempts;
    out->escalation_step = (int32_t)c->esc_step;
    return CC_OK;
}

cc_status cc_engine_contact_position(const cc_engine *e, uint64_t id, int32_t *position,
                                     int64_t *ewt_ms)
{
    if (!e || !position || !ewt_ms)
        return cc__fail(CC_EINVAL, "cc_engine_contact_position: NULL argument");
    const cc__contact *c = cc__contact_find(e, id);
    if (!c) return cc__fail(CC_ENOTFOUND, "no contact %llu", (unsigned long long)id);
    if ((c->state != CC__C_WAITING && c->state != CC__C_RETRY) || c->consult_from != CC__NONE)
        return cc__fail(CC_ESTATE, "contact %llu is not waiting", (unsigned long long)id);
    cc__position(e, c, position, ewt_ms);
    return CC_OK;
}

cc_status cc_engine_queue_status(const cc_engine *e, const char *name, cc_queue_status *out)
{
    if (!e || !out) return cc__fail(CC_EINVAL, "cc_engine_queue_status: NULL argument");
    if (out->version != CC_QUEUE_STATUS_VERSION)
        return cc__fail(CC_EVERSION, "queue status: unknown version %u", (unsigned)out->version);
    const cc__queue *q = cc__queue_find(e, name);
    if (!q) return cc__fail(CC_ENOTFOUND, "no queue '%s'", name ? name : "(null)");
    int64_t now = e->now_ms == INT64_MIN ? 0 : e->now_ms;
    out->waiting = q->waiting;
    out->offered = q->offered;
    out->connected = q->connected;
    out->longest_wait_ms = 0;
    for (size_t i = 0; i < q->nprofiles; i++) {
        const cc__heap *h = &q->profiles[i]->contacts;
        for (size_t k = 0; k < h->len; k++) {
            if (!cc__contact_entry_valid(&h->items[k], (void *)e)) continue;
            const cc__contact *c = e->contacts[h->items[k].slot];
            if (c->queue == q && now - c->vstart_ms > out->longest_wait_ms)
                out->longest_wait_ms = now - c->vstart_ms;
        }
    }
    for (const cc__contact *c = cc__aside_first(e, q); c; c = cc__aside_after(e, c))
        if (now - c->vstart_ms > out->longest_wait_ms) out->longest_wait_ms = now - c->vstart_ms;
    out->members = (int32_t)q->nmembers;
    out->staffed = q->staffed;
    out->available = 0;
    for (size_t i = 0; i < q->nmembers; i++)
        if (cc__agent_channels(q->members[i].agent)) out->available++;
    out->aht_ms = (int64_t)(q->aht_ms + 0.5);
    out->ewt_ms = ewt_of(q, (double)new_contact_position(e, q, now));
    out->sl_threshold_ms = q->sl_threshold_ms;
    out->answered = q->answered;
    out->abandoned = q->abandoned;
    return CC_OK;
}

cc_status cc_engine_agent_status(const cc_engine *e, const char *name, cc_agent_status *out)
{
    if (!e || !out) return cc__fail(CC_EINVAL, "cc_engine_agent_status: NULL argument");
    if (out->version != CC_AGENT_STATUS_VERSION)
        return cc__fail(CC_EVERSION, "agent status: unknown version %u", (unsigned)out->version);
    const cc__agent *a = cc__agent_find(e, name);
    if (!a) return cc__fail(CC_ENOTFOUND, "no agent '%s'", name ? name : "(null)");
    out->state = a->state;
    out->reason = a->reason;
    out->not_ready_pending = a->pause_pending;
    out->state_since_ms = a->state_since_ms;
    out->idle_since_ms = a->idle_since_ms;
    out->contacts = (int32_t)a->nlegs;
    out->load = a->load;
    const cc__contact *oc = cc__contact_at(e, a->offer_contact);
    out->offer_contact_id = oc ? oc->id : 0;
    out->answered = a->answered;
    out->talk_ms = a->talk_ms;
    return CC_OK;
}

void cc_engine_foreach_queue(const cc_engine *e, int (*fn)(const char *, void *), void *ud)
{
    if (!e || !fn) return;
    for (size_t i = 0; i < e->nqueues; i++)
        if (e->queues[i] && fn(e->queues[i]->name, ud)) return;
}

void cc_engine_foreach_agent(const cc_engine *e, int (*fn)(const char *, void *), void *ud)
{
    if (!e || !fn) return;
    for (size_t i = 0; i < e->nagent_slots; i++)
        if (e->agents[i] && fn(e->agents[i]->name, ud)) return;
}

void cc_engine_foreach_contact(const cc_engine *e, int (*fn)(uint64_t, void *), void *ud)
{
    if (!e || !fn) return;
    for (size_t i = 0; i < e->ncontact_slots; i++)
        if (e->contacts[i] && fn(e->contacts[i]->id, ud)) return;
}
