/*
 * lib/core/contact.c - the contact lifecycle: arrival, queueing, offers and
 * their outcomes, connection, hold, transfer, end, abandon, callbacks, and
 * the contact timers (max wait, escalation, last-agent expiry, retry).
 */
#include "engine_internal.h"

#include "base/error.h"
#include "base/mem.h"

#include <string.h>

/* ---- counters and bookkeeping ---------------------------------------------- */

static void count_state(cc__contact *c, cc__cstate st, int d)
{
    cc__queue *q = c->queue;
    if (!q) return;
    if (st == CC__C_WAITING || st == CC__C_RETRY) q->waiting += d;
    else if (st == CC__C_OFFERED || st == CC__C_DIALING) q->offered += d;
}

/* Whether c waits in its queue outside the queue's profile heaps (engine_internal.h). */
static int contact_aside(const cc__contact *c)
{
    return (c->state == CC__C_WAITING && c->pref_agent != CC__NONE) || c->state == CC__C_RETRY;
}

void cc__aside_unlink(cc_engine *e, cc__contact *c)
{
    if (!c->aside) return;
    cc__queue *q = c->queue;
    if (c->aside_prev != CC__NONE) e->contacts[c->aside_prev]->aside_next = c->aside_next;
    else q->aside_head1 = c->aside_next == CC__NONE ? 0 : c->aside_next + 1;
    if (c->aside_next != CC__NONE) e->contacts[c->aside_next]->aside_prev = c->aside_prev;
    c->aside = 0;
}

void cc__aside_sync(cc_engine *e, cc__contact *c)
{
    int want = contact_aside(c);
    if (c->aside == want) return;
    if (!want) {
        cc__aside_unlink(e, c);
        return;
    }
    cc__queue *q = c->queue;
    c->aside_prev = CC__NONE;
    c->aside_next = q->aside_head1 ? q->aside_head1 - 1 : CC__NONE;
    if (c->aside_next != CC__NONE) e->contacts[c->aside_next]->aside_prev = c->slot;
    q->aside_head1 = c->slot + 1;
    c->aside = 1;
}

void cc__contact_set_state(cc_engine *e, cc__contact *c, cc__cstate st)
{
    count_state(c, c->state, -1);
    c->state = st;
    count_state(c, st, +1);
    cc__aside_sync(e, c);
}

static void contact_move(cc_engine *e, cc__contact *c, cc__queue *q)
{
    if (c->queue == q) return;
    count_state(c, c->state, -1);
    cc__aside_unlink(e, c); /* the list is its queue's */
    if (c->queue) c->queue->refs--;
    c->queue = q;
    q->refs++;
    count_state(c, c->state, +1);
    cc__aside_sync(e, c);
}

void cc__fill_contact_event(cc_event *ev, cc_event_type t, const cc__contact *c, int64_t now)
{
    memset(ev, 0, sizeof *ev);
    ev->type = t;
    ev->time_ms = now;
    ev->contact_id = c->id;
    ev->channel = c->channel;
    ev->queue = c->queue ? c->queue->name : NULL;
    ev->priority = c->priority;
    ev->virtual_start_ms = c->vstart_ms;
}

void cc__pref_clear(cc_engine *e, cc__contact *c)
{
    if (c->pref_agent == CC__NONE) return;
    cc__agent *a = cc__agent_at(e, c->pref_agent);
    if (a && a->pref_bound) a->pref_bound--;
    c->pref_agent = CC__NONE;
    c->due[CC__T_PREF] = INT64_MAX;
    cc__aside_sync(e, c);
}

/* ---- profiles: prepare (may allocate) then commit (never allocates) -------- */

/* The profiles an input will give a contact. Without escalation steps there
 * is one: it lives in `one` (p == &one), no allocation, and the contact keeps
 * it in its own record likewise (cc__contact.profile_one). */
typedef struct profile_set {
    cc__profile **p;
    uint32_t n;
    cc__profile *one;
} profile_set;

static void profile_set_release(profile_set *s)
{
    if (s->p != &s->one) cc__free(s->p);
    s->p = NULL;
}

static int profiles_add(profile_set *s, cc__profile *p)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->p[i] == p) return 0;
    if (cc__profile_reserve(p, 1)) return -1;
    s->p[s->n++] = p;
    return 0;
}

/* The profiles a contact waits in when in queue q on channel ch with `step`
 * escalation steps applied. */
static int profiles_build(cc_engine *e, const cc__skill *own, uint32_t nown, cc__queue *q,
                          cc_channel ch, uint32_t step, profile_set *out)
{
    out->n = 0;
    out->p = step ? cc__calloc((size_t)step + 1, sizeof *out->p) : &out->one;
    if (!out->p) return -1;
    int32_t relax = step ? q->esc[step - 1].relax_levels : 0;
    for (uint32_t i = 0; i <= step; i++) {
        cc__queue *target = q;
        if (i > 0) {
            const char *name = q->esc[i - 1].add_queue;
            target = name ? cc__queue_find(e, name) : NULL;
            if (!target) continue;
        }
        cc__profile *p;
        if ((size_t)target->nreq + nown <= 16) {
            /* common case: merge on the stack, no allocation */
            cc__skill buf[16];
            uint32_t nm = 0, i1 = 0, i2 = 0;
            while (i1 < target->nreq || i2 < nown) {
                cc__skill sk;
                if (i2 == nown || (i1 < target->nreq && target->req[i1].id < own[i2].id))
                    sk = target->req[i1++];
                else if (i1 == target->nreq || own[i2].id < target->req[i1].id) sk = own[i2++];
                else {
                    sk = target->req[i1];
                    if (own[i2].level > sk.level) sk.level = own[i2].level;
                    i1++, i2++;
                }
                sk.level -= relax;
                if (sk.level >= 1) buf[nm++] = sk;
            }
            p = cc__profile_get(e, target, ch, buf, nm);
        } else {
            cc__skill *m;
            uint32_t nm;
            if (cc__skills_merge(target->req, target->nreq, own, nown, relax, &m, &nm)) goto oom;
            p = cc__profile_get(e, target, ch, m, nm);
            cc__free(m);
        }
        if (!p || profiles_add(out, p)) goto oom;
    }
    return 0;
oom:
    profile_set_release(out);
    return -1;
}

static void profiles_commit(cc__contact *c, profile_set *s)
{
    for (uint32_t i = 0; i < c->nprofiles; i++) cc__profile_detach(c->profiles[i]);
    for (uint32_t i = 0; i < s->n; i++) s->p[i]->nbound++;
    if (c->profiles != &c->profile_one) cc__free(c->profiles);
    if (s->p == &s->one) {
        c->profile_one = s->one;
        c->profiles = &c->profile_one;
    } else {
        c->profiles = s->p;
    }
    c->nprofiles = s->n;
    s->p = NULL;
}

/* ---- timers ------------------------------------------------------------------ */

int cc__timer_reserve(cc_engine *e, size_t extra_bound)
{
    return cc__heap_reserve(&e->timers, 2 * (e->timer_bound + extra_bound) + CC__HEAP_SLACK);
}

int cc__timer_entry_valid(const cc__hentry *h, void *ctx)
{
    const cc_engine *e = ctx;
    int64_t due = (int64_t)(h->k1 ^ 0x8000000000000000ull);
    if (h->gen == CC__T_WRAPUP) {
        cc__agent *a = cc__agent_at(e, h->slot);
        if (!a) return 0;
        for (uint32_t i = 0; i < a->nlegs; i++)
            if (a->legs[i].contact_id == h->k3 && a->legs[i].state == CC__LEG_WRAPUP &&
                a->legs[i].wrap_due_ms == due)
                return 1;
        return 0;
    }
    cc__contact *c = cc__contact_at(e, h->slot);
    return c && c->ordinal == h->k3 && h->gen < CC__T_CONTACT_KINDS && c->due[h->gen] == due;
}

void cc__timer_set(cc_engine *e, cc__contact *c, cc__tkind kind, int64_t due)
{
    if (c->due[kind] == due) return;
    c->due[kind] = due;
    if (due == INT64_MAX) return;
    cc__hentry h = {cc__bias(due), ++e->timer_counter, c->ordinal, c->slot, (uint32_t)kind};
    cc__heap_push(&e->timers, &h, cc__timer_entry_valid, e);
}

void cc__timer_wrapup(cc_engine *e, cc__agent *a, cc__leg *leg)
{
    cc__hentry h = {cc__bias(leg->wrap_due_ms), ++e->timer_counter, leg->contact_id, a->slot,
                    CC__T_WRAPUP};
    cc__heap_push(&e->timers, &h, cc__timer_entry_valid, e);
}

int64_t cc_engine_next_deadline(cc_engine *e)
{
    if (!e) return CC_NO_DEADLINE;
    const cc__hentry *t;
    while ((t = cc__heap_top(&e->timers)) && !cc__timer_entry_valid(t, e)) cc__heap_pop(&e->timers);
    return t ? (int64_t)(t->k1 ^ 0x8000000000000000ull) : CC_NO_DEADLINE;
}

cc_status cc_engine_advance(cc_engine *e, int64_t now)
{
    cc_status st = cc__engine_enter(e, now, "cc_engine_advance");
    if (st) return st;
    e->busy = 1;
    for (;;) {
        int64_t due = cc_engine_next_deadline(e);
        if (due == CC_NO_DEADLINE || due > now) break;
        cc__hentry h = *cc__heap_top(&e->timers);
        cc__heap_pop(&e->timers);
        if (due > e->now_ms) e->now_ms = due;
        if (h.gen == CC__T_WRAPUP) {
            cc__wrapup_due(e, e->agents[h.slot], h.k3, due);
            continue;
        }
        cc__contact *c = e->contacts[h.slot];
        cc__tkind kind = (cc__tkind)h.gen;
        c->due[kind] = INT64_MAX;
        cc__contact_timer(e, c, kind, due, &st);
        if (st != CC_OK) {
            /* could not allocate: keep the timer for the next call */
            c->due[kind] = due;
            cc__heap_push(&e->timers, &h, NULL, NULL);
            e->busy = 0;
            return st;
        }
    }
    e->now_ms = now;
    e->busy = 0;
    return CC_OK;
}

/* ---- queueing ------------------------------------------------------------------ */

static void announce(cc_engine *e, cc__contact *c, int64_t now)
{
    void *bs;
    const cc_backend *b = cc__backend(e, c->channel, &bs);
    if (!b || !b->announce) return;
    int32_t pos;
    int64_t ewt;
    cc__position(e, c, &pos, &ewt);
    b->announce(bs, c->id, pos, ewt, now);
}

static void emit_queued(cc_engine *e, cc__contact *c, int64_t now)
{
    cc_event ev;
    cc__fill_contact_event(&ev, CC_EVENT_CONTACT_QUEUED, c, now);
    cc__emit(e, &ev);
    announce(e, c, now);
}

/* c (profiles already built for q) starts waiting in q. `fresh`: a new entry
 * in the queue (timers restart), else a return to its place. */
void cc__enqueue(cc_engine *e, cc__contact *c, cc__queue *q, int fresh, int64_t now)
{
    contact_move(e, c, q);
    cc__contact_set_state(e, c, CC__C_WAITING);
    cc__contact_touch(e, c);
    cc__contact_push(e, c);
    if (fresh) {
        c->entered_ms = now;
        c->maxwait_hit = 0;
        for (int k = CC__T_MAXWAIT; k <= CC__T_ESCALATE; k++) c->due[k] = INT64_MAX;
        if (c->consult_from == CC__NONE) {
            if (q->max_wait_ms && cc__contact_on_line(c))
                cc__timer_set(e, c, CC__T_MAXWAIT, now + q->max_wait_ms);
            if (c->esc_step < q->nesc)
                cc__timer_set(e, c, CC__T_ESCALATE, now + q->esc[c->esc_step].after_ms);
        }
    }
    emit_queued(e, c, now);
    cc__route_contact(e, c, now);
}

static int max_wait(cc_engine *e, cc__contact *c, int64_t now, cc_status *st);

/* Whether c, back in its queue's waiting set, leaves at once: the queue says so when
 * nobody staffs it (leave_when_empty) and c is there on its own account (not a consult). */
static int leaves_empty(const cc__contact *c)
{
    return c->queue->leave_when_empty && c->queue->staffed == 0 && c->consult_from == CC__NONE;
}

/* The max wait c reached while it was ringing is applied now, before anyone can be
 * offered it again (the agent that declined it is released in the same input). 1 when
 * applied. Out of memory, it is left to the MAXWAIT timer armed at `now` (the input
 * itself succeeds: the contact is consistently back in its place). */
static int max_wait_now(cc_engine *e, cc__contact *c, int64_t now)
{
    cc_status st = CC_OK;
    c->maxwait_hit = 0; /* first: applied, c may be gone (it left) */
    int done = max_wait(e, c, now, &st);
    if (done <= 0) c->maxwait_hit = 1;
    return done > 0;
}

/* Every offer of c failed (reject, ring-no-answer, dial failure, backend). */
void cc__offers_none_left(cc_engine *e, cc__contact *c, int64_t now)
{
    c->due[CC__T_RING] = INT64_MAX;
    if (c->consult_from != CC__NONE && c->direct) {
        /* a consult to an agent failed: the contact stays with its agent */
        e->agents[c->consult_from]->consults--;
        c->consult_from = CC__NONE;
        c->direct = 0;
        cc__contact_set_state(e, c, CC__C_IDLE);
        contact_move(e, c, c->leg_queue);
        return;
    }
    if (c->direct) {
        c->direct = 0;
        /* a failed blind transfer to an agent comes back to its queue: like a contact
         * that rang out below, it leaves with the others when the queue emptied while it
         * rang (the target's own LOGOUT policy, or the transferring agent's not-ready) */
        if (leaves_empty(c)) {
            cc__contact_terminal(e, c, CC_EVENT_CONTACT_LEFT, "empty", now);
            return;
        }
        cc__enqueue(e, c, c->queue, 1, now);
        return;
    }
    cc__contact_set_state(e, c, CC__C_WAITING);
    cc__contact_touch(e, c);
    if (leaves_empty(c)) { /* its declining agent was the last one (rona_after LOGOUT) */
        cc__contact_terminal(e, c, CC_EVENT_CONTACT_LEFT, "empty", now);
        return;
    }
    if (c->maxwait_hit && max_wait_now(e, c, now)) return;
    cc__contact_push(e, c);
    emit_queued(e, c, now);
    if (c->maxwait_hit) cc__timer_set(e, c, CC__T_MAXWAIT, now);
    cc__route_contact(e, c, now);
}

/* ---- terminal --------------------------------------------------------------------- */

void cc__contact_destroy(cc_engine *e, cc__contact *c)
{
    cc__pref_clear(e, c);
    cc__aside_unlink(e, c);
    for (uint32_t i = 0; i < c->nprofiles; i++) cc__profile_detach(c->profiles[i]);
    count_state(c, c->state, -1);
    if (c->queue) c->queue->refs--;
    cc__core_ids_remove(&e->contact_map, c->id);
    e->contacts[c->slot] = NULL;
    e->contact_gen[c->slot]++;
    e->contact_free[e->ncontact_free++] = c->slot;
    e->ncontacts--;
    e->timer_bound -= CC__T_CONTACT_KINDS;
    cc__contact_free(c);
}

void cc__contact_free(cc__contact *c)
{
    if (c->profiles != &c->profile_one) cc__free(c->profiles);
    if (c->own_req != c->own_inline) cc__free(c->own_req);
    cc__free(c->reason);
    cc__free(c);
}

/* Takes back every pending offer (CONTACT_WITHDRAWN); returns the chain of
 * agents (linked by offer_next) for cc__agents_release after the contact's
 * state is settled. */
static uint32_t withdraw_all(cc_engine *e, cc__contact *c, const cc__agent *except, int64_t now)
{
    uint32_t stash = CC__NONE;
    uint32_t keep = CC__NONE;
    while (c->offer_head != CC__NONE) {
        cc__agent *b = e->agents[c->offer_head];
        if (b == except) {
            /* unlink without ending the winner's offer */
            c->offer_head = b->offer_next;
            keep = b->slot;
            continue;
        }
        cc__offer_end(e, c, b, CC_EVENT_CONTACT_WITHDRAWN, 1, now);
        b->offer_next = stash;
        stash = b->slot;
    }
    if (keep != CC__NONE) {
        e->agents[keep]->offer_next = CC__NONE;
        c->offer_head = keep;
    }
    return stash;
}


void cc__contact_terminal(cc_engine *e, cc__contact *c, cc_event_type type, const char *reason,
                          int64_t now)
{
    uint32_t stash = withdraw_all(e, c, NULL, now);
    cc__contact_set_state(e, c, CC__C_ENDED);
    cc_event ev;
    cc__fill_contact_event(&ev, type, c, now);
    ev.customer_id = c->customer_id;
    ev.reason = reason;
    ev.wait_ms = now - c->vstart_ms;
    if (type == CC_EVENT_CONTACT_ABANDONED && c->queue) c->queue->abandoned++;
    cc__emit(e, &ev);
    void *bs;
    const cc_backend *b = cc__backend(e, c->channel, &bs);
    if (b && b->hangup && type != CC_EVENT_CONTACT_ABANDONED)
        b->hangup(bs, c->id, type == CC_EVENT_CONTACT_BLOCKED ? "blocked" : "left", now);
    cc__contact_destroy(e, c);
    cc__agents_release(e, stash, now);
}

/* Waiting contacts of q leave ("empty"), in queue order per profile (the
 * order must not depend on heap layout: a restored engine has another one).
 * The heap is sorted in place (no allocation) and walked in order; a contact
 * that leaves turns its entries stale, which does not move any entry (no
 * input runs inside: a waiting contact frees no agent). O(n log n). */
void cc__leave_empty(cc_engine *e, cc__queue *q, int64_t now)
{
    for (size_t i = 0; i < q->nprofiles; i++) {
        cc__heap *h = &q->profiles[i]->contacts;
        cc__heap_sort(h);
        for (size_t k = 0; k < h->len; k++) {
            const cc__hentry *x = &h->items[k];
            if (!cc__contact_entry_valid(x, e)) continue;
            cc__contact *c = e->contacts[x->slot];
            if (c->queue != q || c->state != CC__C_WAITING || c->consult_from != CC__NONE)
                continue;
            cc__contact_terminal(e, c, CC_EVENT_CONTACT_LEFT, "empty", now);
        }
    }
    /* The contacts waiting outside the heaps (the aside list: callbacks between two
     * attempts; a returning customer waits aside only for an agent who staffs the queue,
     * so none is left when it empties) count as waiting too (queue status) and leave with
     * the others; missed, they stayed in a queue nobody staffs. Walked in slot order, which a restore keeps
     * (the list's own order it does not). O(contact slots), only when the list is not
     * empty. */
    for (size_t i = 0; q->aside_head1 && i < e->ncontact_slots; i++) {
        cc__contact *c = e->contacts[i];
        if (c && c->aside && c->queue == q && c->consult_from == CC__NONE)
            cc__contact_terminal(e, c, CC_EVENT_CONTACT_LEFT, "empty", now);
    }
}

/* ---- arrival ------------------------------------------------------------------------ */

static int slot_reserve(cc_engine *e)
{
    if (e->ncontact_free) return 0;
    size_t n = e->ncontact_slots + 1;
    size_t cap = e->contacts_cap, cap2 = e->contacts_cap, cap3 = e->contact_free_cap;
    int rc = cc__grow((void **)&e->contacts, &cap, n, sizeof *e->contacts);
    if (!rc) rc = cc__grow((void **)&e->contact_gen, &cap2, n, sizeof *e->contact_gen);
    if (!rc) rc = cc__grow((void **)&e->contact_free, &cap3, n, sizeof *e->contact_free);
    if (cap2 < cap) cap = cap2;
    e->contacts_cap = cap;
    e->contact_free_cap = cap3;
    return rc;
}

static uint32_t slot_take(cc_engine *e)
{
    if (e->ncontact_free) return e->contact_free[--e->ncontact_free];
    e->contact_gen[e->ncontact_slots] = 0;
    return (uint32_t)e->ncontact_slots++;
}

/* The customer's last agent, if still relevant for queue q / profile p. */
static cc__agent *last_agent_for(cc_engine *e, const cc__contact *c, cc__queue *q,
                                 cc__profile *p, int64_t now)
{
    if (!c->customer_id || !q->last_agent_wait_ms) return NULL;
    cc__last_agent *r = cc__core_ids_get(&e->last_agent, c->customer_id);
    if (!r || now - r->ended_ms > e->last_agent_window_ms) return NULL;
    cc__agent *a = cc__agent_at(e, r->agent_slot);
    /* not for an agent who is not ready or going not ready: going not ready sends the
     * waiters already there to the queue, a later one would wait the whole window */
    if (!a || a->ordinal != r->agent_ordinal || !a->logged_in || a->paused || a->pause_pending)
        return NULL;
    if (!cc__membership_of(a, q) || !cc__agent_eligible(a, p)) return NULL;
    return a;
}

/* "contact <id>", the owner named in skill errors. Formatted by hand: this
 * runs on every arrival and snprintf cost about 3% of a routing decision.
 * O(digits). */
static void contact_owner(char out[32], uint64_t id)
{
    char digits[21];
    int n = 0;
    do {
        digits[n++] = (char)('0' + (int)(id % 10));
        id /= 10;
    } while (id);
    memcpy(out, "contact ", 8);
    int k = 8;
    while (n) out[k++] = digits[--n];
    out[k] = '\0';
}

cc_status cc_engine_contact_add(cc_engine *e, const cc_contact_config *cfg, int64_t now)
{
    cc_status st = cc__engine_enter(e, now, "cc_engine_contact_add");
    if (st) return st;
    if (!cfg) return cc__fail(CC_EINVAL, "cc_engine_contact_add: config is NULL");
    if (cfg->version != CC_CONTACT_CONFIG_VERSION)
        return cc__fail(CC_EVERSION, "contact config: unknown version %u", (unsigned)cfg->version);
    unsigned long long id = (unsigned long long)cfg->id;
    if (!cfg->id) return cc__fail(CC_EINVAL, "contact: id must be non-zero");
    if ((int)cfg->channel <= CC_CHANNEL_NONE || (int)cfg->channel >= CC_CHANNEL__COUNT)
        return cc__fail(CC_EINVAL, "contact %llu: invalid channel %d", id, (int)cfg->channel);
    if (!cfg->queue) return cc__fail(CC_EINVAL, "contact %llu: queue is missing", id);
    if (cfg->reason && strnlen(cfg->reason, CC_NAME_MAX + 1) > CC_NAME_MAX)
        return cc__fail(CC_EINVAL, "contact %llu: reason longer than %d bytes", id, CC_NAME_MAX);
    if (cfg->virtual_start_ms && cfg->virtual_start_ms > now) /* 0 = now_ms */
        return cc__fail(CC_EINVAL, "contact %llu: virtual_start_ms %lld is in the future", id,
                        (long long)cfg->virtual_start_ms);
    if (cfg->virtual_start_ms < -CC_TIME_LIMIT_MS)
        return cc__fail(CC_EINVAL, "contact %llu: virtual_start_ms %lld is before -CC_TIME_LIMIT_MS",
                        id, (long long)cfg->virtual_start_ms);
    cc__queue *q = cc__queue_find(e, cfg->queue);
    if (!q) return cc__fail(CC_ENOTFOUND, "contact %llu: no queue '%s'", id, cfg->queue);
    if (cc__contact_find(e, cfg->id)) return cc__fail(CC_EEXIST, "contact %llu already exists", id);
    cc__txn_begin(e);
    cc__contact *c = cc__calloc(1, sizeof *c);
    if (!c) return cc__fail(CC_ENOMEM, "contact %llu: out of memory", id);
    char owner[32];
    contact_owner(owner, cfg->id);
    st = cc__skills_convert_into(e, owner, cfg->skills, cfg->nskills, 0, c->own_inline,
                                 CC__OWN_INLINE, &c->own_req, &c->nown);
    if (st) {
        cc__free(c);
        cc__txn_abort(e);
        return st;
    }
    profile_set ps = {NULL, 0, NULL};
    if ((cfg->reason && !(c->reason = cc__strdup(cfg->reason))) ||
        profiles_build(e, c->own_req, c->nown, q, cfg->channel, 0, &ps) || slot_reserve(e) ||
        cc__core_ids_reserve(&e->contact_map, e->contact_map.len + 1) ||
        cc__timer_reserve(e, CC__T_CONTACT_KINDS)) {
        profile_set_release(&ps);
        cc__contact_free(c);
        cc__txn_abort(e);
        return cc__fail(CC_ENOMEM, "contact %llu: out of memory", id);
    }
    c->id = cfg->id;
    c->customer_id = cfg->customer_id;
    c->channel = cfg->channel;
    c->base_priority = c->priority = cfg->priority;
    c->vstart_ms = cfg->virtual_start_ms ? cfg->virtual_start_ms : now;
    c->arrived_ms = c->entered_ms = now;
    c->offer_head = c->declined = c->agent = c->consult_from = c->pref_agent = CC__NONE;
    c->state = CC__C_NEW;
    for (int k = 0; k < CC__T_CONTACT_KINDS; k++) c->due[k] = INT64_MAX;
    cc__agent *last = last_agent_for(e, c, q, ps.p[0], now);
    if (last && cc__heap_reserve(&last->pref, 2 * ((size_t)last->pref_bound + 1) + CC__HEAP_SLACK))
        last = NULL; /* no room: route without the preference rather than fail */
    /* commit */
    cc__txn_commit(e);
    e->now_ms = now;
    e->busy = 1;
    c->ordinal = ++e->next_ordinal;
    c->queue = q;
    cc_event ev;
    cc__fill_contact_event(&ev, CC_EVENT_CONTACT_ARRIVED, c, now);
    ev.customer_id = c->customer_id;
    ev.reason = c->reason;
    const char *block = NULL;
    if (q->max_length && q->waiting >= q->max_length) block = "full";
    else if (q->join == CC_JOIN_IF_STAFFED && q->staffed == 0) block = "empty";
    if (block) {
        cc__emit(e, &ev);
        cc__fill_contact_event(&ev, CC_EVENT_CONTACT_BLOCKED, c, now);
        ev.customer_id = c->customer_id;
        ev.reason = block;
        cc__emit(e, &ev);
        void *bs;
        const cc_backend *b = cc__backend(e, c->channel, &bs);
        if (b && b->hangup) b->hangup(bs, c->id, "blocked", now);
        profile_set_release(&ps);
        cc__contact_free(c);
        e->busy = 0;
        return CC_OK;
    }
    c->slot = slot_take(e);
    e->contacts[c->slot] = c;
    e->ncontacts++;
    e->timer_bound += CC__T_CONTACT_KINDS;
    cc__core_ids_put(&e->contact_map, c->id, c);
    q->refs++;
    profiles_commit(c, &ps);
    cc__emit(e, &ev);
    if (last) {
        c->pref_agent = last->slot;
        last->pref_bound++;
        cc__timer_set(e, c, CC__T_PREF, now + q->last_agent_wait_ms);
    }
    cc__enqueue(e, c, q, 1, now);
    e->busy = 0;
    return CC_OK;
}

/* ---- offers ---------------------------------------------------------------------- */

/* Agents looked at on a contact's offer chain before the name map is asked. */
#define OFFER_CHAIN_LOOKUP 4

/* The agent named `name` among the first agents contact c is offered to, or
 * NULL. The answer to an offer names an agent the contact rings at: its
 * record is read next anyway, so this costs no hash and no map probe (a cache
 * miss each at 10,000 agents). O(OFFER_CHAIN_LOOKUP). */
static cc__agent *offered_agent(const cc_engine *e, const cc__contact *c, const char *name)
{
    uint32_t s = c->offer_head;
    for (int k = 0; name && s != CC__NONE && k < OFFER_CHAIN_LOOKUP; k++) {
        cc__agent *a = e->agents[s];
        if (strcmp(a->name, name) == 0) return a;
        s = a->offer_next;
    }
    return NULL;
}

static cc_status offer_lookup(cc_engine *e, uint64_t id, const char *agent, int64_t now,
                              const char *what, cc__contact **pc, cc__agent **pa)
{
    cc_status st = cc__engine_enter(e, now, what);
    if (st) return st;
    *pc = cc__contact_find(e, id);
    if (!*pc) return cc__fail(CC_ENOTFOUND, "%s: no contact %llu", what, (unsigned long long)id);
    *pa = offered_agent(e, *pc, agent);
    if (!*pa) *pa = cc__agent_find(e, agent);
    if (!*pa) return cc__fail(CC_ENOTFOUND, "%s: no agent '%s'", what, agent ? agent : "(null)");
    if ((*pc)->state != CC__C_OFFERED || (*pa)->offer_contact != (*pc)->slot)
        return cc__fail(CC_ESTATE, "%s: contact %llu is not being offered to agent '%s'", what,
                        (unsigned long long)id, agent);
    return CC_OK;
}

/* Ends leg `leg` of agent a: talk over, then wrap-up or release of the slot. */
static void leg_close(cc_engine *e, cc__agent *a, cc__leg *leg, int64_t now)
{
    cc__leg_finish(e, a, leg, now);
    if (leg->queue->wrapup_ms > 0) {
        leg->state = CC__LEG_WRAPUP;
        leg->wrap_start_ms = now;
        leg->wrap_due_ms = now + leg->queue->wrapup_ms;
        cc_event ev;
        cc__fill_leg_event(&ev, CC_EVENT_AGENT_WRAPUP_START, a, leg, now);
        cc__emit(e, &ev);
        cc__timer_wrapup(e, a, leg);
    } else {
        cc__leg_drop(e, a, leg, now);
    }
}

/* The offer_next chain `stash` with agent a on it (prepended unless it is there). O(k). */
static uint32_t chain_with(cc_engine *e, uint32_t stash, cc__agent *a)
{
    for (uint32_t s = stash; s != CC__NONE; s = e->agents[s]->offer_next)
        if (s == a->slot) return stash;
    a->offer_next = stash;
    return a->slot;
}

void cc__connect(cc_engine *e, cc__contact *c, cc__agent *a, int64_t now)
{
    uint32_t stash = withdraw_all(e, c, a, now);
    cc_event ev;
    cc__fill_contact_event(&ev, CC_EVENT_CONTACT_ACCEPTED, c, now);
    ev.agent = a->name;
    ev.wait_ms = now - c->vstart_ms;
    cc__emit(e, &ev);
    cc__offer_end(e, c, a, CC_EVENT_NONE, 0, now);
    c->due[CC__T_RING] = INT64_MAX;
    c->due[CC__T_MAXWAIT] = c->due[CC__T_ESCALATE] = c->due[CC__T_RETRY] = INT64_MAX;
    c->maxwait_hit = 0;
    cc__contact_set_state(e, c, CC__C_IDLE);
    c->declined = CC__NONE;
    int direct = c->direct;
    c->direct = 0;
    uint32_t from = c->consult_from;
    c->consult_from = CC__NONE;
    cc__agent *first = NULL;
    if (from != CC__NONE) {
        first = e->agents[from];
        first->consults--;
        cc__leg *fl = cc__agent_leg(first, c->id);
        cc__fill_contact_event(&ev, CC_EVENT_CONTACT_TRANSFERRED, c, now);
        ev.queue = fl->queue->name;
        ev.agent = first->name;
        ev.flags = CC_EVENT_F_CONSULT;
        if (direct) ev.target_agent = a->name;
        else ev.target_queue = c->queue->name;
        cc__emit(e, &ev);
        leg_close(e, first, fl, now);
    }
    cc__leg *leg = &a->legs[a->nlegs++];
    memset(leg, 0, sizeof *leg);
    leg->contact_id = c->id;
    leg->customer_id = c->customer_id;
    leg->contact_slot = c->slot;
    leg->channel = c->channel;
    leg->queue = c->queue;
    leg->state = CC__LEG_CONNECTED;
    leg->start_ms = now;
    a->count[c->channel]++;
    a->load += a->cap_load[c->channel];
    a->answered++;
    c->queue->connected++;
    c->queue->refs++;
    c->queue->answered++;
    c->agent = a->slot;
    c->answered = 1;
    c->leg_queue = c->queue;
    cc__agent_touch(e, a);
    cc__fill_contact_event(&ev, CC_EVENT_CONTACT_CONNECTED, c, now);
    ev.agent = a->name;
    ev.wait_ms = now - c->vstart_ms;
    cc__emit(e, &ev);
    void *bs;
    const cc_backend *b = cc__backend(e, c->channel, &bs);
    if (b && b->bridge) b->bridge(bs, c->id, a->name, now);
    cc__agent_update_state(e, a, now);
    /* The consulting agent is released with the withdrawn ones, as one list (agents
     * freed by one input are indexed before any of them picks work). It is never
     * offered its own consult now, but a state restored from an older version may have
     * it on the list: chain_with does not link it twice. An agent that another
     * contact is ringing (a chat while it talked) is not linked: its offer_next belongs
     * to that contact's offer chain, which relinking would cut. It cannot pick work
     * while that offer rings, so it is released on its own, first, as it would be at
     * the head of the list. */
    if (first && first->offer_contact != CC__NONE) cc__agent_release(e, first, now);
    else if (first) stash = chain_with(e, stash, first);
    cc__agents_release(e, stash, now);
    cc__route_agent(e, a, now);
}

cc_status cc_engine_offer_accept(cc_engine *e, uint64_t id, const char *agent, int64_t now)
{
    cc__contact *c;
    cc__agent *a = NULL; /* set by the lookup on success (-O3 cannot tell) */
    cc_status st = offer_lookup(e, id, agent, now, "cc_engine_offer_accept", &c, &a);
    if (st) return st;
    e->now_ms = now;
    e->busy = 1;
    cc__connect(e, c, a, now);
    e->busy = 0;
    return CC_OK;
}

/* One agent's offer failed (reject or ring-no-answer): the contact goes back
 * to its place when no offer is left, then the agent follows its policy. */
static void offer_declined(cc_engine *e, cc__contact *c, cc__agent *a, cc_event_type why,
                           int call_withdraw, cc_agent_after after, const char *reason,
                           int64_t now)
{
    cc__offer_end(e, c, a, why, call_withdraw, now);
    c->declined = a->slot;
    c->declined_ordinal = a->ordinal;
    cc__agent_after(e, a, after, reason, now);
    if (c->noffers == 0) cc__offers_none_left(e, c, now);
    if (a->logged_in) cc__agent_release(e, a, now);
}

void cc__offer_failed(cc_engine *e, cc__contact *c, cc__agent *a, int64_t now)
{
    offer_declined(e, c, a, CC_EVENT_CONTACT_REJECTED, 0, CC_AFTER_NOT_READY, "offer-failed", now);
}

/* A reject or a ring-no-answer reported from outside: one checked entry, then
 * the agent follows the policy of its kind (a reject also withdraws the offer
 * at the backend). The policy is read after the lookup, which checks e. */
static cc_status offer_decline_call(cc_engine *e, uint64_t id, const char *agent, int64_t now,
                                    const char *what, cc_event_type why)
{
    cc__contact *c;
    cc__agent *a = NULL; /* set by the lookup on success (-O3 cannot tell) */
    cc_status st = offer_lookup(e, id, agent, now, what, &c, &a);
    if (st) return st;
    e->now_ms = now;
    e->busy = 1;
    if (why == CC_EVENT_CONTACT_REJECTED)
        offer_declined(e, c, a, why, 1, e->reject_after, e->reject_reason, now);
    else
        offer_declined(e, c, a, why, 0, e->rona_after, e->rona_reason, now);
    e->busy = 0;
    return CC_OK;
}

cc_status cc_engine_offer_reject(cc_engine *e, uint64_t id, const char *agent, int64_t now)
{
    return offer_decline_call(e, id, agent, now, "cc_engine_offer_reject",
                              CC_EVENT_CONTACT_REJECTED);
}

cc_status cc_engine_offer_timeout(cc_engine *e, uint64_t id, const char *agent, int64_t now)
{
    return offer_decline_call(e, id, agent, now, "cc_engine_offer_timeout",
                              CC_EVENT_CONTACT_RING_TIMEOUT);
}

/* The engine's ring timer: every agent still ringing timed out. */
static void ring_timeout(cc_engine *e, cc__contact *c, int64_t now)
{
    if (c->state == CC__C_DIALING) {
        /* the backend is still dialing: stopped first (withdraw, as for a ringing offer),
         * or a late answer reached an agent already released, and the dial stayed
         * pending at the backend */
        void *bs;
        const cc_backend *b = cc__backend(e, c->channel, &bs);
        if (b && b->withdraw) b->withdraw(bs, c->id, e->agents[c->offer_head]->name, now);
        cc__dial_outcome(e, c, CC_DIAL_NO_ANSWER, now);
        return;
    }
    if (c->state != CC__C_OFFERED) return;
    uint32_t stash = CC__NONE;
    while (c->offer_head != CC__NONE) {
        cc__agent *a = e->agents[c->offer_head];
        cc__offer_end(e, c, a, CC_EVENT_CONTACT_RING_TIMEOUT, 1, now);
        c->declined = a->slot;
        c->declined_ordinal = a->ordinal;
        cc__agent_after(e, a, e->rona_after, e->rona_reason, now);
        a->offer_next = stash;
        stash = a->slot;
    }
    cc__offers_none_left(e, c, now);
    cc__agents_release(e, stash, now);
}

/* ---- connected contacts ---------------------------------------------------------- */

static cc_status connected_lookup(cc_engine *e, uint64_t id, int64_t now, const char *what,
                                  cc__contact **pc, cc__agent **pa, cc__leg **pl)
{
    cc_status st = cc__engine_enter(e, now, what);
    if (st) return st;
    *pc = cc__contact_find(e, id);
    if (!*pc) return cc__fail(CC_ENOTFOUND, "%s: no contact %llu", what, (unsigned long long)id);
    cc__contact_prefetch(*pc); /* cold, like its agent below */
    if ((*pc)->agent == CC__NONE)
        return cc__fail(CC_ESTATE, "%s: contact %llu is not connected", what,
                        (unsigned long long)id);
    *pa = e->agents[(*pc)->agent];
    cc__agent_prefetch(*pa); /* cold here: the call ended minutes after it began */
    *pl = cc__agent_leg(*pa, id);
    /* the agent's matches and memberships (tails of its block, as cold) are what a
     * freed agent reads first; asked for now, they arrive while the leg is
     * closed and the events go out */
    __builtin_prefetch((*pa)->matches);
    __builtin_prefetch((*pa)->ms);
    return CC_OK;
}

/* The hold and resume events: the contact seen from the leg's queue and agent;
 * `duration_ms` is the hold just ended (0 when it starts). */
static void emit_hold(cc_engine *e, const cc__contact *c, const cc__agent *a, const cc__leg *leg,
                      cc_event_type type, int64_t duration_ms, int64_t now)
{
    cc_event ev;
    cc__fill_contact_event(&ev, type, c, now);
    ev.queue = leg->queue->name;
    ev.agent = a->name;
    ev.duration_ms = duration_ms;
    cc__emit(e, &ev);
}

cc_status cc_engine_contact_hold(cc_engine *e, uint64_t id, int64_t now)
{
    cc__contact *c;
    cc__agent *a = NULL; /* set by the lookup on success (-O3 cannot tell) */
    cc__leg *leg = NULL;
    cc_status st = connected_lookup(e, id, now, "cc_engine_contact_hold", &c, &a, &leg);
    if (st) return st;
    if (leg->state == CC__LEG_HELD)
        return cc__fail(CC_ESTATE, "contact %llu is already on hold", (unsigned long long)id);
    e->now_ms = now;
    e->busy = 1;
    leg->state = CC__LEG_HELD;
    leg->hold_start_ms = now;
    emit_hold(e, c, a, leg, CC_EVENT_CONTACT_HELD, 0, now);
    e->busy = 0;
    return CC_OK;
}

cc_status cc_engine_contact_resume(cc_engine *e, uint64_t id, int64_t now)
{
    cc__contact *c;
    cc__agent *a = NULL; /* set by the lookup on success (-O3 cannot tell) */
    cc__leg *leg = NULL;
    cc_status st = connected_lookup(e, id, now, "cc_engine_contact_resume", &c, &a, &leg);
    if (st) return st;
    if (leg->state != CC__LEG_HELD)
        return cc__fail(CC_ESTATE, "contact %llu is not on hold", (unsigned long long)id);
    e->now_ms = now;
    e->busy = 1;
    leg->state = CC__LEG_CONNECTED;
    leg->hold_ms += now - leg->hold_start_ms;
    emit_hold(e, c, a, leg, CC_EVENT_CONTACT_RESUMED, now - leg->hold_start_ms, now);
    e->busy = 0;
    return CC_OK;
}

/* Cancels a pending consult of a connected contact (offers withdrawn, heaps
 * left); returns the chain of agents to release. */
static uint32_t consult_cancel(cc_engine *e, cc__contact *c, int64_t now)
{
    if (c->consult_from == CC__NONE) return CC__NONE;
    uint32_t stash = withdraw_all(e, c, NULL, now);
    cc__contact_touch(e, c);
    e->agents[c->consult_from]->consults--;
    c->consult_from = CC__NONE;
    c->direct = 0;
    c->due[CC__T_RING] = INT64_MAX;
    cc__contact_set_state(e, c, CC__C_IDLE);
    contact_move(e, c, c->leg_queue);
    return stash;
}

static int last_agent_prepare(cc_engine *e, const cc__contact *c, cc__last_agent **rec)
{
    *rec = NULL;
    if (!c->customer_id) return 0;
    if (cc__core_ids_get(&e->last_agent, c->customer_id)) return 0;
    /* about to grow: forget customers whose window has passed first (amortised O(1)) */
    if ((e->last_agent.len + 1) * 2 > e->last_agent.cap) {
        for (size_t i = 0; i < e->last_agent.cap;) {
            cc__core_id_slot *s = &e->last_agent.slots[i];
            cc__last_agent *r = s->value;
            if (s->key && e->now_ms - r->ended_ms > e->last_agent_window_ms) {
                cc__free(r);
                cc__core_ids_remove(&e->last_agent, s->key); /* shifts a later entry here */
                continue;
            }
            i++;
        }
    }
    *rec = cc__calloc(1, sizeof **rec);
    if (!*rec || cc__core_ids_reserve(&e->last_agent, e->last_agent.len + 1)) {
        cc__free(*rec);
        *rec = NULL;
        return -1;
    }
    return 0;
}

cc_status cc_engine_contact_end(cc_engine *e, uint64_t id, const char *disposition, int64_t now)
{
    cc__contact *c;
    cc__agent *a = NULL; /* set by the lookup on success (-O3 cannot tell) */
    cc__leg *leg = NULL;
    cc_status st = connected_lookup(e, id, now, "cc_engine_contact_end", &c, &a, &leg);
    if (st) return st;
    if (disposition && strnlen(disposition, CC_NAME_MAX + 1) > CC_NAME_MAX)
        return cc__fail(CC_EINVAL, "contact %llu: disposition longer than %d bytes",
                        (unsigned long long)id, CC_NAME_MAX);
    cc__last_agent *rec;
    if (last_agent_prepare(e, c, &rec))
        return cc__fail(CC_ENOMEM, "contact %llu: out of memory", (unsigned long long)id);
    e->now_ms = now;
    e->busy = 1;
    uint32_t stash = consult_cancel(e, c, now);
    cc__queue *q = leg->queue;
    if (c->queue != q) contact_move(e, c, q);
    if (disposition) {
        cc_event dv = {0};
        dv.type = CC_EVENT_DISPOSITION;
        dv.time_ms = now;
        dv.contact_id = c->id;
        dv.customer_id = c->customer_id;
        dv.queue = q->name;
        dv.agent = a->name;
        dv.reason = disposition;
        cc__emit(e, &dv);
    }
    cc__contact_set_state(e, c, CC__C_ENDED);
    cc_event ev;
    cc__fill_contact_event(&ev, CC_EVENT_CONTACT_ENDED, c, now);
    ev.customer_id = c->customer_id;
    ev.agent = a->name;
    ev.duration_ms = now - leg->start_ms;
    ev.hold_ms = leg->hold_ms + (leg->state == CC__LEG_HELD ? now - leg->hold_start_ms : 0);
    ev.reason = disposition;
    cc__emit(e, &ev);
    void *bs;
    const cc_backend *b = cc__backend(e, c->channel, &bs);
    if (b && b->hangup) b->hangup(bs, c->id, "ended", now);
    if (c->customer_id) {
        cc__last_agent *r = rec ? rec : cc__core_ids_get(&e->last_agent, c->customer_id);
        r->agent_slot = a->slot;
        r->agent_ordinal = a->ordinal;
        r->ended_ms = now;
        if (rec) cc__core_ids_put(&e->last_agent, c->customer_id, rec);
    }
    c->agent = CC__NONE;
    cc__contact_destroy(e, c);
    leg_close(e, a, leg, now);
    cc__agent_release(e, a, now);
    cc__agents_release(e, stash, now);
    e->busy = 0;
    return CC_OK;
}

/* ---- abandon / cancel -------------------------------------------------------------- */

static cc_status unconnected_lookup(cc_engine *e, uint64_t id, int64_t now, const char *what,
                                    cc__contact **pc)
{
    cc_status st = cc__engine_enter(e, now, what);
    if (st) return st;
    *pc = cc__contact_find(e, id);
    if (!*pc) return cc__fail(CC_ENOTFOUND, "%s: no contact %llu", what, (unsigned long long)id);
    if ((*pc)->agent != CC__NONE)
        return cc__fail(CC_ESTATE, "%s: contact %llu is connected (use cc_engine_contact_end)",
                        what, (unsigned long long)id);
    return CC_OK;
}

/* Ends a contact that no agent holds: one checked entry, one terminal event. */
static cc_status unconnected_end(cc_engine *e, uint64_t id, int64_t now, const char *what,
                                 cc_event_type type, const char *reason)
{
    cc__contact *c;
    cc_status st = unconnected_lookup(e, id, now, what, &c);
    if (st) return st;
    e->now_ms = now;
    e->busy = 1;
    cc__contact_terminal(e, c, type, reason, now);
    e->busy = 0;
    return CC_OK;
}

cc_status cc_engine_contact_abandon(cc_engine *e, uint64_t id, int64_t now)
{
    return unconnected_end(e, id, now, "cc_engine_contact_abandon", CC_EVENT_CONTACT_ABANDONED,
                           NULL);
}

cc_status cc_engine_contact_cancel(cc_engine *e, uint64_t id, int64_t now)
{
    return unconnected_end(e, id, now, "cc_engine_contact_cancel", CC_EVENT_CONTACT_LEFT,
                           "cancelled");
}

/* ---- transfer ------------------------------------------------------------------------ */

cc_status cc_engine_contact_transfer(cc_engine *e, uint64_t id, const cc_transfer *t, int64_t now)
{
    cc__contact *c;
    cc__agent *a = NULL; /* set by the lookup on success (-O3 cannot tell) */
    cc__leg *leg = NULL;
    cc_status st = connected_lookup(e, id, now, "cc_engine_contact_transfer", &c, &a, &leg);
    if (st) return st;
    unsigned long long uid = (unsigned long long)id;
    if (!t) return cc__fail(CC_EINVAL, "contact %llu: transfer is NULL", uid);
    if (t->version != CC_TRANSFER_VERSION)
        return cc__fail(CC_EVERSION, "transfer: unknown version %u", (unsigned)t->version);
    if ((int)t->kind != CC_TRANSFER_BLIND && (int)t->kind != CC_TRANSFER_CONSULT)
        return cc__fail(CC_EINVAL, "contact %llu: unknown transfer kind %d", uid, (int)t->kind);
    if (!t->target_queue == !t->target_agent)
        return cc__fail(CC_EINVAL, "contact %llu: give exactly one of target_queue, target_agent",
                        uid);
    if (c->consult_from != CC__NONE)
        return cc__fail(CC_ESTATE, "contact %llu: a consult transfer is already pending", uid);
    cc__queue *tq = NULL;
    cc__agent *ta = NULL;
    profile_set ps = {NULL, 0, NULL};
    if (t->target_queue) {
        tq = cc__queue_find(e, t->target_queue);
        if (!tq) return cc__fail(CC_ENOTFOUND, "contact %llu: no queue '%s'", uid, t->target_queue);
        cc__txn_begin(e);
        if (profiles_build(e, c->own_req, c->nown, tq, c->channel, 0, &ps)) {
            cc__txn_abort(e);
            return cc__fail(CC_ENOMEM, "contact %llu: out of memory", uid);
        }
        cc__txn_commit(e);
    } else {
        ta = cc__agent_find(e, t->target_agent);
        if (!ta) return cc__fail(CC_ENOTFOUND, "contact %llu: no agent '%s'", uid, t->target_agent);
        if (ta == a) return cc__fail(CC_EINVAL, "contact %llu: cannot transfer to its own agent", uid);
        if (!cc__agent_available(ta, c->channel))
            return cc__fail(CC_ESTATE, "contact %llu: agent '%s' cannot take a %s contact now (%s)",
                            uid, ta->name, cc_channel_name(c->channel),
                            cc_agent_state_name(ta->state));
        /* A blind transfer to an agent that fails puts the contact back in its queue as
         * a new entry (cc__offers_none_left: entered now, max wait restarted), so its
         * escalation starts over too, as for a blind transfer to that queue: the step-0
         * profiles are prepared here, where the input can still fail cleanly. Kept, the
         * old step's boost and relaxed skills held from 0 ms in the queue on. */
        if (t->kind == CC_TRANSFER_BLIND && c->esc_step > 0) {
            cc__txn_begin(e);
            if (profiles_build(e, c->own_req, c->nown, c->queue, c->channel, 0, &ps)) {
                cc__txn_abort(e);
                return cc__fail(CC_ENOMEM, "contact %llu: out of memory", uid);
            }
            cc__txn_commit(e);
        }
    }
    e->now_ms = now;
    e->busy = 1;
    if (t->kind == CC_TRANSFER_CONSULT) {
        c->consult_from = a->slot;
        a->consults++;
        if (ta) {
            c->direct = 1;
            cc__offer(e, c, ta, 0, now);
        } else {
            profiles_commit(c, &ps);
            c->esc_step = 0;
            c->priority = c->base_priority; /* the old queue's escalation does not travel */
            cc__enqueue(e, c, tq, 1, now);
        }
        e->busy = 0;
        return CC_OK;
    }
    cc_event ev;
    cc__fill_contact_event(&ev, CC_EVENT_CONTACT_TRANSFERRED, c, now);
    ev.queue = leg->queue->name;
    ev.agent = a->name;
    ev.target_queue = tq ? tq->name : NULL;
    ev.target_agent = ta ? ta->name : NULL;
    cc__emit(e, &ev);
    c->agent = CC__NONE;
    c->leg_queue = NULL; /* the leg ends: its queue holds no ref for c and may go */
    leg_close(e, a, leg, now);
    if (ta) {
        if (ps.p) { /* escalated: back to step 0 (prepared above) */
            profiles_commit(c, &ps);
            c->esc_step = 0;
            c->priority = c->base_priority;
        }
        c->direct = 1;
        cc__offer(e, c, ta, 0, now);
    } else {
        profiles_commit(c, &ps);
        c->esc_step = 0;
        c->priority = c->base_priority;
        cc__pref_clear(e, c);
        /* the agent who sent it away takes it back only when nobody else can (room for
         * another call, e.g. during the leg's wrap-up): as if it had declined it */
        c->declined = a->slot;
        c->declined_ordinal = a->ordinal;
        cc__enqueue(e, c, tq, 1, now);
    }
    cc__agent_release(e, a, now);
    e->busy = 0;
    return CC_OK;
}

/* ---- callbacks -------------------------------------------------------------------------- */

/* A contact on the line -> callback keeping its place. Profiles prepared by the caller. */
static void to_callback(cc_engine *e, cc__contact *c, profile_set *ps, int64_t now)
{
    void *bs;
    const cc_backend *b = cc__backend(e, c->channel, &bs);
    if (b && b->hangup) b->hangup(bs, c->id, "callback", now);
    cc__contact_touch(e, c);
    cc__pref_clear(e, c);
    c->channel = CC_CHANNEL_CALLBACK;
    c->answered = 0; /* hung up: dialed again when its turn comes */
    profiles_commit(c, ps);
    c->due[CC__T_MAXWAIT] = INT64_MAX;
    c->maxwait_hit = 0;
    cc_event ev;
    cc__fill_contact_event(&ev, CC_EVENT_CALLBACK_SCHEDULED, c, now);
    ev.customer_id = c->customer_id;
    ev.wait_ms = now - c->vstart_ms;
    cc__emit(e, &ev);
    cc__contact_push(e, c);
    cc__route_contact(e, c, now);
}

cc_status cc_engine_callback_request(cc_engine *e, uint64_t id, int64_t now)
{
    cc__contact *c;
    cc_status st = unconnected_lookup(e, id, now, "cc_engine_callback_request", &c);
    if (st) return st;
    unsigned long long uid = (unsigned long long)id;
    if (c->state != CC__C_WAITING)
        return cc__fail(CC_ESTATE, "contact %llu: only a waiting contact can become a callback",
                        uid);
    if (!cc__contact_on_line(c))
        return cc__fail(CC_ESTATE, "contact %llu is already a callback", uid);
    profile_set ps;
    cc__txn_begin(e);
    if (profiles_build(e, c->own_req, c->nown, c->queue, CC_CHANNEL_CALLBACK, c->esc_step, &ps)) {
        cc__txn_abort(e);
        return cc__fail(CC_ENOMEM, "contact %llu: out of memory", uid);
    }
    cc__txn_commit(e);
    e->now_ms = now;
    e->busy = 1;
    to_callback(e, c, &ps, now);
    e->busy = 0;
    return CC_OK;
}

void cc__dial_outcome(cc_engine *e, cc__contact *c, cc_dial_result r, int64_t now)
{
    cc__agent *a = e->agents[c->offer_head];
    if (r == CC_DIAL_ANSWERED) {
        cc__connect(e, c, a, now);
        return;
    }
    cc__offer_end(e, c, a, CC_EVENT_CONTACT_WITHDRAWN, 0, now);
    c->due[CC__T_RING] = INT64_MAX;
    if (c->attempts >= c->queue->callback_max_attempts) {
        cc__contact_terminal(e, c, CC_EVENT_CONTACT_LEFT, "callback-failed", now);
    } else {
        cc__contact_set_state(e, c, CC__C_RETRY);
        cc__timer_set(e, c, CC__T_RETRY, now + c->queue->callback_retry_ms);
        cc_event ev;
        cc__fill_contact_event(&ev, CC_EVENT_CALLBACK_SCHEDULED, c, now);
        ev.customer_id = c->customer_id;
        ev.wait_ms = now - c->vstart_ms;
        ev.value = c->attempts;
        cc__emit(e, &ev);
    }
    cc__agent_release(e, a, now);
}

cc_status cc_engine_callback_result(cc_engine *e, uint64_t id, cc_dial_result r, int64_t now)
{
    cc_status st = cc__engine_enter(e, now, "cc_engine_callback_result");
    if (st) return st;
    cc__contact *c = cc__contact_find(e, id);
    unsigned long long uid = (unsigned long long)id;
    if (!c) return cc__fail(CC_ENOTFOUND, "cc_engine_callback_result: no contact %llu", uid);
    if ((int)r < CC_DIAL_ANSWERED || (int)r > CC_DIAL_FAILED)
        return cc__fail(CC_EINVAL, "contact %llu: unknown dial result %d", uid, (int)r);
    if (c->state != CC__C_DIALING)
        return cc__fail(CC_ESTATE, "contact %llu: no callback is being dialed", uid);
    e->now_ms = now;
    e->busy = 1;
    cc__dial_outcome(e, c, r, now);
    e->busy = 0;
    return CC_OK;
}

cc_status cc_engine_supervise(cc_engine *e, uint64_t id, const char *supervisor,
                              cc_supervise_mode mode, int64_t now)
{
    cc__contact *c;
    cc__agent *a = NULL; /* set by the lookup on success (-O3 cannot tell) */
    cc__leg *leg = NULL;
    cc_status st = connected_lookup(e, id, now, "cc_engine_supervise", &c, &a, &leg);
    if (st) return st;
    if ((st = cc__check_name("supervisor", supervisor))) return st;
    if ((int)mode < CC_SUPERVISE_MONITOR || (int)mode > CC_SUPERVISE_BARGE)
        return cc__fail(CC_EINVAL, "contact %llu: unknown supervise mode %d",
                        (unsigned long long)id, (int)mode);
    void *bs;
    const cc_backend *b = cc__backend(e, c->channel, &bs);
    if (!b || !b->supervise)
        return cc__fail(CC_EUNSUPPORTED, "contact %llu: the %s backend cannot supervise",
                        (unsigned long long)id, cc_channel_name(c->channel));
    /* e->now_ms is left alone: supervising changes no engine state (the runtime does not
     * journal it), and the time is part of a snapshot a replay must reach without it */
    e->busy = 1;
    st = b->supervise(bs, c->id, a->name, supervisor, mode, now);
    e->busy = 0;
    if (st != CC_OK)
        return cc__fail(st, "contact %llu: backend refused to supervise (%s)",
                        (unsigned long long)id, cc_strerror(st));
    return CC_OK;
}

/* ---- contact timers ---------------------------------------------------------------------- */

static int queue_refuses(const cc__queue *q)
{
    return (q->max_length && q->waiting >= q->max_length) ||
           (q->join == CC_JOIN_IF_STAFFED && q->staffed == 0);
}

/* The queue's max-wait action on c (overflow, callback or leave). Returns 1 when it was
 * applied; 0 when c is not waiting in a queue on its own account (ringing or dialing:
 * applied once the offer fails; a consult; a callback retry); -1 when memory ran out
 * (*st set, nothing changed). */
static int max_wait(cc_engine *e, cc__contact *c, int64_t now, cc_status *st)
{
    if (c->state == CC__C_OFFERED || c->state == CC__C_DIALING) {
        c->maxwait_hit = 1; /* applied when the offer fails (cc__offers_none_left) */
        return 0;
    }
    if (c->state != CC__C_WAITING || c->consult_from != CC__NONE) return 0;
    cc__queue *q = c->queue;
    if (q->max_wait_action == CC_MAX_WAIT_OVERFLOW) {
        cc__queue *t = cc__queue_find(e, q->overflow_queue);
        if (t && t != q && !queue_refuses(t)) {
            profile_set ps;
            cc__txn_begin(e);
            if (profiles_build(e, c->own_req, c->nown, t, c->channel, 0, &ps)) {
                cc__txn_abort(e);
                *st = cc__fail(CC_ENOMEM, "contact %llu: out of memory overflowing",
                               (unsigned long long)c->id);
                return -1;
            }
            cc_event ev;
            cc__fill_contact_event(&ev, CC_EVENT_CONTACT_OVERFLOWED, c, now);
            ev.target_queue = t->name;
            ev.wait_ms = now - c->entered_ms;
            cc__emit(e, &ev);
            cc__contact_touch(e, c);
            cc__pref_clear(e, c);
            profiles_commit(c, &ps);
            c->esc_step = 0;
            c->priority = c->base_priority;
            cc__enqueue(e, c, t, 1, now);
            return 1;
        }
    } else if (q->max_wait_action == CC_MAX_WAIT_CALLBACK && cc__contact_on_line(c)) {
        profile_set ps;
        cc__txn_begin(e);
        if (profiles_build(e, c->own_req, c->nown, q, CC_CHANNEL_CALLBACK, c->esc_step, &ps)) {
            cc__txn_abort(e);
            *st = cc__fail(CC_ENOMEM, "contact %llu: out of memory converting to a callback",
                           (unsigned long long)c->id);
            return -1;
        }
        to_callback(e, c, &ps, now);
        return 1;
    }
    cc__contact_terminal(e, c, CC_EVENT_CONTACT_LEFT, "max-wait", now);
    return 1;
}

static void escalate(cc_engine *e, cc__contact *c, int64_t now, cc_status *st)
{
    cc__queue *q = c->queue;
    if (c->esc_step >= q->nesc || c->consult_from != CC__NONE || c->state == CC__C_IDLE) return;
    uint32_t step = c->esc_step + 1;
    profile_set ps;
    cc__txn_begin(e);
    if (profiles_build(e, c->own_req, c->nown, q, c->channel, step, &ps)) {
        cc__txn_abort(e);
        *st = cc__fail(CC_ENOMEM, "contact %llu: out of memory escalating",
                       (unsigned long long)c->id);
        return;
    }
    const cc_escalation *s = &q->esc[step - 1];
    int waiting = c->state == CC__C_WAITING;
    if (waiting) cc__contact_touch(e, c);
    profiles_commit(c, &ps);
    c->esc_step = step;
    int64_t boosted = (int64_t)c->base_priority + s->priority_boost; /* saturates */
    c->priority = boosted > INT32_MAX ? INT32_MAX : (int32_t)boosted;
    cc_event ev;
    cc__fill_contact_event(&ev, CC_EVENT_CONTACT_ESCALATED, c, now);
    ev.value = step;
    ev.target_queue = s->add_queue ? s->add_queue : NULL;
    ev.wait_ms = now - c->entered_ms;
    cc__emit(e, &ev);
    if (step < q->nesc) {
        /* never before now: a first step that cc_engine_queue_configure() moved to its
         * call's time (the contact had waited past it) leaves the next one in the past,
         * and fired from there its event went back in time */
        int64_t due = c->entered_ms + q->esc[step].after_ms;
        cc__timer_set(e, c, CC__T_ESCALATE, due < now ? now : due);
    }
    if (waiting) {
        cc__contact_push(e, c);
        cc__route_contact(e, c, now);
    }
}

void cc__contact_timer(cc_engine *e, cc__contact *c, cc__tkind kind, int64_t now, cc_status *st)
{
    *st = CC_OK;
    switch (kind) {
    case CC__T_RING: ring_timeout(e, c, now); break;
    case CC__T_MAXWAIT: (void)max_wait(e, c, now, st); break;
    case CC__T_ESCALATE: escalate(e, c, now, st); break;
    case CC__T_PREF:
        if (c->pref_agent == CC__NONE || c->state != CC__C_WAITING) break;
        cc__pref_clear(e, c);
        cc__contact_touch(e, c);
        if (leaves_empty(c)) {
            cc__contact_terminal(e, c, CC_EVENT_CONTACT_LEFT, "empty", now);
            break;
        }
        cc__contact_push(e, c);
        cc__route_contact(e, c, now);
        break;
    case CC__T_RETRY:
        if (c->state != CC__C_RETRY) break;
        cc__contact_set_state(e, c, CC__C_WAITING);
        cc__contact_touch(e, c);
        cc__contact_push(e, c);
        emit_queued(e, c, now);
        cc__route_contact(e, c, now);
        break;
    default: break;
    }
}
