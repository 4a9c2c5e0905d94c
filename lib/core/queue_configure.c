/*
 * lib/core/queue_configure.c - reconfiguring a queue in place
 * (cc_engine_queue_configure; the contract is in callcore/engine.h).
 *
 * Like every input it prepares first (validation, owned copies of the new
 * strings, skills and escalation steps, skill interning inside a transaction)
 * and commits without allocating, so a failure leaves no trace. The commit
 * then brings the queue's derived state in line with the new values:
 *   - the strategy key of every ready-agent index of the queue's profiles
 *     (re-keyed from scratch, since a heap cannot change its order in place);
 *   - the max-wait timers of the contacts in the queue;
 *   - the first escalation deadline of the contacts in the queue;
 *   - the "work conserving" invariant of routing.c (route the heads).
 * Contacts are never re-profiled: the profiles they wait in were built from
 * the queue's required skills and from the escalation steps they passed, so
 * the skills may only change while no contact uses the queue, and the steps
 * while no contact of the queue has escalated (CC_ESTATE otherwise).
 */
#include "engine_internal.h"

#include "base/error.h"
#include "base/mem.h"

#include <string.h>

/* The owned parts of a new configuration, built before anything changes. */
typedef struct queue_parts {
    char *overflow_queue;
    cc__skill *req; /* sorted by id */
    uint32_t nreq;
    cc_escalation *esc; /* add_queue strings owned */
    uint32_t nesc;
} queue_parts;

static void parts_free(queue_parts *p)
{
    for (uint32_t i = 0; i < p->nesc; i++)
        cc__free((char *)p->esc[i].add_queue);
    cc__free(p->esc);
    cc__free(p->req);
    cc__free(p->overflow_queue);
    memset(p, 0, sizeof *p);
}

/* Copies what the queue will own. New skill names are interned inside the
 * caller's transaction. CC_OK, CC_EINVAL (bad skill), CC_ENOMEM. */
static cc_status parts_build(cc_engine *e, const cc_queue_config *c, queue_parts *out)
{
    memset(out, 0, sizeof *out);
    if (c->overflow_queue && !(out->overflow_queue = cc__strdup(c->overflow_queue))) goto oom;
    cc_status st = cc__skills_convert(e, c->name, c->skills, c->nskills, 0, &out->req, &out->nreq);
    if (st) {
        parts_free(out);
        return st;
    }
    if (c->nescalations) {
        out->esc = cc__calloc(c->nescalations, sizeof *out->esc);
        if (!out->esc) goto oom;
        for (size_t i = 0; i < c->nescalations; i++) {
            out->esc[i] = c->escalations[i];
            out->esc[i].add_queue = NULL;
            out->nesc++;
            if (c->escalations[i].add_queue &&
                !(out->esc[i].add_queue = cc__strdup(c->escalations[i].add_queue)))
                goto oom;
        }
    }
    return CC_OK;
oom:
    parts_free(out);
    return cc__fail(CC_ENOMEM, "queue '%s': out of memory reconfiguring", c->name);
}

static int str_same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether the required skills change (every profile of the queue is built
 * from them). */
static int req_change(const cc__queue *q, const queue_parts *p)
{
    if (q->nreq != p->nreq) return 1;
    for (uint32_t i = 0; i < q->nreq; i++)
        if (q->req[i].id != p->req[i].id || q->req[i].level != p->req[i].level) return 1;
    return 0;
}

static int esc_change(const cc__queue *q, const queue_parts *p)
{
    if (q->nesc != p->nesc) return 1;
    for (uint32_t i = 0; i < q->nesc; i++) {
        const cc_escalation *a = &q->esc[i], *b = &p->esc[i];
        if (a->after_ms != b->after_ms || a->relax_levels != b->relax_levels ||
            a->priority_boost != b->priority_boost || !str_same(a->add_queue, b->add_queue))
            return 1;
    }
    return 0;
}

/* Contacts of q past an escalation step: their profiles and priority came
 * from q's steps, so the steps cannot change under them. Contacts at step 0
 * waited in profiles that do not depend on the steps. O(C) for the C contact
 * slots of the engine. */
static uint32_t queue_escalated(const cc_engine *e, const cc__queue *q)
{
    uint32_t n = 0;
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        const cc__contact *c = e->contacts[i];
        if (c && c->queue == q && c->esc_step > 0) n++;
    }
    return n;
}

/* Swaps the new parts in; the old ones go back into `p` to be freed. */
static void parts_swap(cc__queue *q, queue_parts *p)
{
    char *ov = q->overflow_queue;
    cc__skill *req = q->req;
    uint32_t nreq = q->nreq;
    cc_escalation *esc = q->esc;
    uint32_t nesc = q->nesc;
    q->overflow_queue = p->overflow_queue, q->req = p->req, q->nreq = p->nreq;
    q->esc = p->esc, q->nesc = p->nesc;
    p->overflow_queue = ov, p->req = req, p->nreq = nreq, p->esc = esc, p->nesc = nesc;
}

/* Re-keys q's ready-agent indexes under q's (new) strategy: every profile
 * heap of q is emptied, each member's homes in q are set again (shared and
 * per-profile keys index different matches, cc__match), and every available
 * member is pushed into its homes in q with its current generation (its
 * entries in other queues stay valid). The heaps keep the capacity reserved
 * for their p->nmatched eligible members, so this never allocates. Members
 * are visited in queue order and their matches in order, which fixes the
 * random draws of the random strategies (replays give the same keys).
 * O(P) clears, O(M * m) flags, O(k log k) pushes for k entries. */
static void queue_rekey(cc_engine *e, cc__queue *q)
{
    for (size_t i = 0; i < q->nprofiles; i++) {
        cc__profile *p = q->profiles[i];
        p->strategy = q->strategy;
        cc__heap_clear(&p->agents);
    }
    for (size_t i = 0; i < q->nmembers; i++) {
        cc__agent *a = q->members[i].agent;
        cc__agent_homes(a);
        for (uint32_t k = 0; k < a->nmatches; k++) {
            cc__match *m = &a->matches[k];
            if (m->p->queue != q) continue;
            if (m->home && cc__agent_available(a, m->p->channel)) cc__agent_index_one(e, a, m);
        }
    }
}

/* Whether contact c's max-wait clock runs in q (as cc__enqueue starts it):
 * in the queue itself, its customer on the line (not a callback), not parked by a consult or a direct
 * agent transfer. A contact that reached the old max wait while ringing
 * (maxwait_hit: the action waits for the offer to fail) is included: its
 * deadline moves like the others' (engine.h), so a longer or no max wait
 * takes the pending action back. */
static int maxwait_runs(const cc__contact *c, const cc__queue *q)
{
    return c->queue == q && cc__contact_on_line(c) && c->consult_from == CC__NONE &&
           !c->direct && (c->state == CC__C_WAITING || c->state == CC__C_OFFERED);
}

/* Moves the max-wait deadline of every contact of q to entered + max wait
 * (never before now, so events keep increasing times; none when 0). The timer
 * heap holds at most one valid entry per contact and kind, within its
 * reserved bound, so pushes never allocate. O(C log T) for the C contact
 * slots of the engine and T timers; reconfiguration is rare. */
static void maxwait_reschedule(cc_engine *e, cc__queue *q, int64_t now)
{
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        cc__contact *c = e->contacts[i];
        if (!c || !maxwait_runs(c, q)) continue;
        int64_t due = INT64_MAX;
        if (q->max_wait_ms) {
            due = c->entered_ms + q->max_wait_ms;
            if (due < now) due = now;
        }
        /* a max wait reached under the old value is judged again by the new deadline
         * (one already past fires at the next advance and is pending again) */
        c->maxwait_hit = 0;
        cc__timer_set(e, c, CC__T_MAXWAIT, due);
    }
}

/* Whether contact c's escalation clock runs in q (as cc__enqueue starts it;
 * escalation goes on while ringing and for callbacks). */
static int escalation_runs(const cc__contact *c, const cc__queue *q)
{
    return c->queue == q && c->consult_from == CC__NONE && !c->direct &&
           (c->state == CC__C_WAITING || c->state == CC__C_OFFERED || c->state == CC__C_DIALING ||
            c->state == CC__C_RETRY);
}

/* Contacts of q are all at step 0 (queue_escalated): their first step is due
 * at entered + the new first step's after_ms (never before now), or never
 * when q has no steps any more. O(C log T), like maxwait_reschedule. */
static void escalation_reschedule(cc_engine *e, cc__queue *q, int64_t now)
{
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        cc__contact *c = e->contacts[i];
        if (!c || !escalation_runs(c, q)) continue;
        int64_t due = INT64_MAX;
        if (q->nesc) {
            due = c->entered_ms + q->esc[0].after_ms;
            if (due < now) due = now;
        }
        cc__timer_set(e, c, CC__T_ESCALATE, due);
    }
}

/* The routing step every input ends with: while the head of a profile's
 * waiting contacts can be offered, offer it. O(P log n) when nothing matches
 * (P profiles of the queue). */
static void route_heads(cc_engine *e, cc__queue *q, int64_t now)
{
    for (size_t i = 0; i < q->nprofiles; i++) {
        cc__heap *h = &q->profiles[i]->contacts;
        const cc__hentry *t;
        while ((t = cc__heap_top(h))) {
            cc__hentry head = *t;
            if (!cc__contact_entry_valid(&head, e)) {
                cc__heap_pop(h);
                continue;
            }
            cc__route_contact(e, e->contacts[head.slot], now);
            if (cc__contact_entry_valid(&head, e)) break; /* still waiting: no agent */
        }
    }
}

cc_status cc_engine_queue_configure(cc_engine *e, const cc_queue_config *c, int64_t now)
{
    cc_status st = cc__engine_enter(e, now, "cc_engine_queue_configure");
    if (st) return st;
    if (!c) return cc__fail(CC_EINVAL, "cc_engine_queue_configure: config is NULL");
    if (c->version != CC_QUEUE_CONFIG_VERSION)
        return cc__fail(CC_EVERSION, "queue config: unknown version %u", (unsigned)c->version);
    if ((st = cc__queue_validate(c))) return st;
    cc__queue *q = cc__queue_find(e, c->name);
    if (!q) return cc__fail(CC_ENOTFOUND, "no queue '%s'", c->name);
    queue_parts parts;
    cc__txn_begin(e);
    if ((st = parts_build(e, c, &parts))) {
        cc__txn_abort(e);
        return st;
    }
    uint32_t escalated = 0;
    int steps_changed = esc_change(q, &parts);
    if (cc__queue_in_use(q) && req_change(q, &parts)) {
        parts_free(&parts);
        cc__txn_abort(e);
        return cc__fail(CC_ESTATE,
                        "queue '%s': required skills cannot change while contacts use the queue",
                        q->name);
    }
    if (steps_changed && (escalated = queue_escalated(e, q))) {
        parts_free(&parts);
        cc__txn_abort(e);
        return cc__fail(CC_ESTATE,
                        "queue '%s': escalation steps cannot change while %u contacts of the "
                        "queue have escalated",
                        q->name, (unsigned)escalated);
    }
    /* Commit: no allocation and no failure below. */
    cc__txn_commit(e);
    e->now_ms = now;
    e->busy = 1;
    parts_swap(q, &parts);
    parts_free(&parts);
    int strategy_changed = q->strategy != c->strategy;
    int maxwait_changed = q->max_wait_ms != c->max_wait_ms;
    int empty_now = !q->leave_when_empty && c->leave_when_empty && q->staffed == 0;
    q->strategy = c->strategy;
    cc__queue_set_scalars(q, c);
    if (strategy_changed) queue_rekey(e, q);
    if (maxwait_changed) maxwait_reschedule(e, q, now);
    if (steps_changed) escalation_reschedule(e, q, now);
    if (empty_now) cc__leave_empty(e, q, now);
    route_heads(e, q, now);
    e->busy = 0;
    return CC_OK;
}
