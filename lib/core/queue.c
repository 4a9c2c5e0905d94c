/*
 * lib/core/queue.c - queues and their skill profiles.
 *
 * A profile is (queue, channel, requirement set). Contacts with the same
 * profile compete in one heap; the agents eligible for it are indexed in one
 * heap keyed by the queue's strategy. Creating a profile scans the queue's
 * members once (O(members * skills)); profiles are few per queue (one per
 * distinct requirement set in use) and live as long as the queue, so this cost
 * is paid once per profile, never per decision. Finding a profile is
 * O(P_q * r) for P_q profiles of the queue and r requirements.
 */
#include "engine_internal.h"

#include "base/error.h"
#include "base/mem.h"

#include <math.h>
#include <string.h>

/* 1 if the agent's skills satisfy every requirement (AND of skill >= level).
 * Both lists are sorted by id: O(skills + requirements). */
int cc__agent_eligible(const cc__agent *a, const cc__profile *p)
{
    uint32_t i = 0;
    for (uint32_t r = 0; r < p->nreq; r++) {
        while (i < a->nskills && a->skills[i].id < p->req[r].id) i++;
        if (i == a->nskills || a->skills[i].id != p->req[r].id ||
            a->skills[i].level < p->req[r].level)
            return 0;
    }
    return 1;
}

/* Merges two sorted requirement lists (max of levels), subtracting `relax`
 * from every level and dropping those below 1. 0 / -1 ENOMEM. */
int cc__skills_merge(const cc__skill *a, uint32_t na, const cc__skill *b, uint32_t nb,
                     int32_t relax, cc__skill **out, uint32_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!na && !nb) return 0;
    cc__skill *m = cc__calloc((size_t)na + nb, sizeof *m);
    if (!m) return -1;
    uint32_t i = 0, k = 0, n = 0;
    while (i < na || k < nb) {
        cc__skill s;
        if (k == nb || (i < na && a[i].id < b[k].id)) s = a[i++];
        else if (i == na || b[k].id < a[i].id) s = b[k++];
        else {
            s = a[i];
            if (b[k].level > s.level) s.level = b[k].level;
            i++, k++;
        }
        s.level -= relax;
        if (s.level >= 1) m[n++] = s;
    }
    *out = m;
    *nout = n;
    return 0;
}

static int profile_same(const cc__profile *p, cc_channel ch, const cc__skill *req, uint32_t n)
{
    if (p->channel != ch || p->nreq != n) return 0;
    for (uint32_t i = 0; i < n; i++)
        if (p->req[i].id != req[i].id || p->req[i].level != req[i].level) return 0;
    return 1;
}

static void profile_free(cc__profile *p)
{
    if (!p) return;
    cc__heap_free(&p->agents);
    cc__heap_free(&p->contacts);
    cc__free(p->stronger);
    cc__free(p->req);
    cc__free(p);
}

/* Reserves the agent heap for `matched` eligible members. */
static int profile_reserve_agents(cc__profile *p, uint32_t matched)
{
    return cc__heap_reserve(&p->agents, 2 * (size_t)matched + CC__HEAP_SLACK);
}

/* Whether requirement set (sr, ns) implies (wr, nw): for every requirement
 * of the weaker set, the stronger one asks for the same skill at a level at
 * least as high, so whoever meets the stronger set meets the weaker. Both
 * sorted by id: O(ns + nw). */
static int req_implies(const cc__skill *sr, uint32_t ns, const cc__skill *wr, uint32_t nw)
{
    uint32_t i = 0;
    for (uint32_t k = 0; k < nw; k++) {
        while (i < ns && sr[i].id < wr[k].id) i++;
        if (i == ns || sr[i].id != wr[k].id || sr[i].level < wr[k].level) return 0;
    }
    return 1;
}

int cc__profile_stronger(const cc__profile *s, const cc__profile *w)
{
    return s != w && s->queue == w->queue && s->channel == w->channel &&
           req_implies(s->req, s->nreq, w->req, w->nreq);
}

static int stronger_reserve(cc__profile *p, uint32_t more)
{
    size_t cap = p->stronger_cap;
    if (cc__grow((void **)&p->stronger, &cap, (size_t)p->nstronger + more, sizeof *p->stronger))
        return -1;
    p->stronger_cap = (uint32_t)cap;
    return 0;
}

/* Links new profile p with the other profiles of its queue (p itself may be
 * listed already: a profile is never stronger than itself): p's stronger
 * list, and p in the lists of those it implies. Allocation first, so a
 * failure leaves the others untouched. O(P_q * r). */
static int stronger_link_reserve(cc__queue *q, cc__profile *p)
{
    uint32_t n = 0;
    for (size_t i = 0; i < q->nprofiles; i++) {
        cc__profile *o = q->profiles[i];
        if (cc__profile_stronger(o, p)) n++;
        if (cc__profile_stronger(p, o) && stronger_reserve(o, 1)) return -1;
    }
    return stronger_reserve(p, n ? n : 1);
}

static void stronger_link(cc__queue *q, cc__profile *p)
{
    for (size_t i = 0; i < q->nprofiles; i++) {
        cc__profile *o = q->profiles[i];
        if (cc__profile_stronger(o, p)) p->stronger[p->nstronger++] = o;
        if (cc__profile_stronger(p, o)) o->stronger[o->nstronger++] = p;
    }
}

/* Takes p out of the stronger lists of its queue's other profiles. O(P_q^2). */
static void stronger_unlink(cc__queue *q, const cc__profile *p)
{
    for (size_t i = 0; i < q->nprofiles; i++) {
        cc__profile *o = q->profiles[i];
        uint32_t w = 0;
        for (uint32_t k = 0; k < o->nstronger; k++)
            if (o->stronger[k] != p) o->stronger[w++] = o->stronger[k];
        o->nstronger = w;
    }
}

int cc__profile_link(cc__queue *q, cc__profile *p)
{
    if (stronger_link_reserve(q, p)) return -1;
    stronger_link(q, p);
    return 0;
}

static uint32_t membership_pos(const cc__agent *a, const cc__queue *q)
{
    for (uint32_t i = 0; i < a->nms; i++)
        if (a->ms[i].queue == q) return i;
    return a->nms;
}

/* Keeps an agent's matches in canonical order (membership order, then
 * profile creation order): routing draws random keys in this order, and a
 * restored engine rebuilds the list the same way. O(m). Room is reserved. */
static void match_insert(cc__agent *a, cc__profile *p)
{
    uint32_t pos = membership_pos(a, p->queue), at = a->nmatches;
    while (at > 0 && membership_pos(a, a->matches[at - 1].p->queue) > pos) at--;
    memmove(&a->matches[at + 1], &a->matches[at], (a->nmatches - at) * sizeof *a->matches);
    a->matches[at] = (cc__match){p, 0};
    a->nmatches++;
}

cc__profile *cc__profile_get(cc_engine *e, cc__queue *q, cc_channel ch, const cc__skill *req,
                             uint32_t nreq)
{
    for (size_t i = 0; i < q->nprofiles; i++)
        if (profile_same(q->profiles[i], ch, req, nreq)) return q->profiles[i];
    /* Prepare everything first so a failure leaves no trace. */
    cc__profile *p = cc__calloc(1, sizeof *p);
    if (!p) goto oom;
    p->queue = q;
    p->strategy = q->strategy;
    p->channel = ch;
    if (nreq) {
        p->req = cc__calloc(nreq, sizeof *p->req);
        if (!p->req) goto oom;
        memcpy(p->req, req, nreq * sizeof *req);
        p->nreq = nreq;
    }
    if (cc__grow((void **)&q->profiles, &q->profiles_cap, q->nprofiles + 1, sizeof *q->profiles) ||
        stronger_link_reserve(q, p))
        goto oom;
    uint32_t matched = 0;
    for (size_t i = 0; i < q->nmembers; i++) {
        cc__agent *a = q->members[i].agent;
        if (!cc__agent_eligible(a, p)) continue;
        matched++;
        if (cc__agent_matches_reserve(a, (size_t)a->nmatches + 1)) goto oom;
    }
    if (profile_reserve_agents(p, matched) ||
        cc__heap_reserve(&p->contacts, CC__HEAP_SLACK))
        goto oom;
    /* Commit: no allocation below. An available member that is now home in
     * p is indexed there; a home it loses to p keeps its entry (cc__match). */
    stronger_link(q, p);
    q->profiles[q->nprofiles++] = p;
    for (size_t i = 0; i < q->nmembers; i++) {
        cc__agent *a = q->members[i].agent;
        if (!cc__agent_eligible(a, p)) continue;
        match_insert(a, p);
        p->nmatched++;
        cc__agent_homes(a);
        cc__match *m = cc__match_of(a, p);
        if (m->home && cc__agent_available(a, ch)) cc__agent_index_one(e, a, m);
    }
    /* remember it: a failing input removes the profiles it created */
    p->txn_next = e->txn_profiles;
    e->txn_profiles = p;
    return p;
oom:
    profile_free(p);
    cc__fail(CC_ENOMEM, "queue '%s': out of memory creating a skill profile", q->name);
    return NULL;
}

int cc__profile_reserve(cc__profile *p, uint32_t more)
{
    return cc__heap_reserve(&p->contacts, 2 * ((size_t)p->nbound + more) + CC__HEAP_SLACK);
}

void cc__profile_detach(cc__profile *p)
{
    if (p->nbound) p->nbound--;
}

void cc__queue_destroy(cc__queue *q)
{
    if (!q) return;
    for (size_t i = 0; i < q->nprofiles; i++) profile_free(q->profiles[i]);
    cc__free(q->profiles);
    cc__free(q->members);
    for (uint32_t i = 0; i < q->nesc; i++) cc__free((char *)q->esc[i].add_queue);
    cc__free(q->esc);
    cc__free(q->req);
    cc__free(q->overflow_queue);
    cc__free(q->name);
    cc__free(q);
}

/* Validates a queue configuration (shared with queue_configure.c). */
cc_status cc__queue_validate(const cc_queue_config *c)
{
    cc_status st = cc__check_name("queue", c->name);
    if (st) return st;
    const char *n = c->name;
    if ((int)c->strategy < 0 || (int)c->strategy >= CC_STRATEGY__COUNT)
        return cc__fail(CC_EINVAL, "queue '%s': unknown strategy %d", n, (int)c->strategy);
    if (!isfinite(c->weight) || c->weight < 0)
        return cc__fail(CC_EINVAL, "queue '%s': weight must be finite and >= 0, got %g", n,
                        c->weight);
    struct {
        const char *what;
        int64_t v;
    } times[] = {{"sl_threshold_ms", c->sl_threshold_ms}, {"ring_timeout_ms", c->ring_timeout_ms},
                 {"wrapup_ms", c->wrapup_ms},             {"max_wait_ms", c->max_wait_ms},
                 {"last_agent_wait_ms", c->last_agent_wait_ms},
                 {"callback_retry_ms", c->callback_retry_ms}, {"aht_hint_ms", c->aht_hint_ms}};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        if (times[i].v < 0 || times[i].v > CC_TIME_LIMIT_MS)
            return cc__fail(CC_EINVAL, "queue '%s': %s must be in 0..CC_TIME_LIMIT_MS, got %lld",
                            n, times[i].what,
                            (long long)times[i].v);
    if (c->max_length < 0)
        return cc__fail(CC_EINVAL, "queue '%s': max_length must be >= 0, got %d", n,
                        (int)c->max_length);
    if (c->callback_max_attempts < 0)
        return cc__fail(CC_EINVAL, "queue '%s': callback_max_attempts must be >= 0, got %d", n,
                        (int)c->callback_max_attempts);
    if ((int)c->max_wait_action < CC_MAX_WAIT_LEAVE || (int)c->max_wait_action > CC_MAX_WAIT_CALLBACK)
        return cc__fail(CC_EINVAL, "queue '%s': unknown max_wait_action %d", n,
                        (int)c->max_wait_action);
    if (c->max_wait_action == CC_MAX_WAIT_OVERFLOW) {
        if (cc__check_name("overflow_queue", c->overflow_queue))
            return cc__fail(CC_EINVAL, "queue '%s': max_wait_action overflow needs overflow_queue",
                            n);
        if (strcmp(c->overflow_queue, n) == 0)
            return cc__fail(CC_EINVAL, "queue '%s': cannot overflow to itself", n);
    }
    if ((int)c->join < CC_JOIN_ALWAYS || (int)c->join > CC_JOIN_IF_STAFFED)
        return cc__fail(CC_EINVAL, "queue '%s': unknown join policy %d", n, (int)c->join);
    if (c->nescalations && !c->escalations)
        return cc__fail(CC_EINVAL, "queue '%s': escalations is NULL", n);
    if (c->nescalations > 64)
        return cc__fail(CC_EINVAL, "queue '%s': at most 64 escalation steps", n);
    for (size_t i = 0; i < c->nescalations; i++) {
        const cc_escalation *s = &c->escalations[i];
        if (s->after_ms <= 0 || s->after_ms > CC_TIME_LIMIT_MS ||
            (i && s->after_ms <= c->escalations[i - 1].after_ms))
            return cc__fail(CC_EINVAL,
                            "queue '%s': escalation %zu: after_ms must be in 1..CC_TIME_LIMIT_MS "
                            "and increasing",
                            n, i + 1);
        if (s->relax_levels < 0 || s->priority_boost < 0)
            return cc__fail(CC_EINVAL,
                            "queue '%s': escalation %zu: relax_levels and priority_boost must "
                            "be >= 0",
                            n, i + 1);
        if (s->add_queue && cc__check_name("add_queue", s->add_queue))
            return cc__fail(CC_EINVAL, "queue '%s': escalation %zu: bad add_queue name", n, i + 1);
    }
    return CC_OK;
}

/* The plain fields of a validated config, defaults applied (shared with
 * queue_configure.c). Strategy, skills, escalations, overflow target and the
 * handle-time estimate are set by the callers. */
void cc__queue_set_scalars(cc__queue *q, const cc_queue_config *c)
{
    q->weight = c->weight > 0 ? c->weight : 1.0;
    q->sl_threshold_ms = c->sl_threshold_ms ? c->sl_threshold_ms : 20000;
    q->ring_timeout_ms = c->ring_timeout_ms ? c->ring_timeout_ms : 15000;
    q->wrapup_ms = c->wrapup_ms;
    q->max_length = c->max_length;
    q->max_wait_ms = c->max_wait_ms;
    q->max_wait_action = c->max_wait_action;
    q->join = c->join;
    q->leave_when_empty = c->leave_when_empty ? 1 : 0;
    q->last_agent_wait_ms = c->last_agent_wait_ms;
    q->callback_max_attempts = c->callback_max_attempts ? c->callback_max_attempts : 3;
    q->callback_retry_ms = c->callback_retry_ms ? c->callback_retry_ms : 60000;
}

cc_status cc_engine_queue_add(cc_engine *e, const cc_queue_config *c)
{
    if (!e || !c) return cc__fail(CC_EINVAL, "cc_engine_queue_add: NULL argument");
    if (e->busy) return cc__fail(CC_EBUSY, "cc_engine_queue_add: re-entered");
    if (c->version != CC_QUEUE_CONFIG_VERSION)
        return cc__fail(CC_EVERSION, "queue config: unknown version %u", (unsigned)c->version);
    cc_status st = cc__queue_validate(c);
    if (st) return st;
    if (cc__queue_find(e, c->name))
        return cc__fail(CC_EEXIST, "queue '%s' already exists", c->name);
    cc__txn_begin(e);
    cc__queue *q = cc__calloc(1, sizeof *q);
    if (!q) return cc__fail(CC_ENOMEM, "queue '%s': out of memory", c->name);
    q->name = cc__strdup(c->name);
    q->overflow_queue = c->overflow_queue ? cc__strdup(c->overflow_queue) : NULL;
    if (!q->name || (c->overflow_queue && !q->overflow_queue)) goto oom;
    st = cc__skills_convert(e, c->name, c->skills, c->nskills, 0, &q->req, &q->nreq);
    if (st) {
        cc__queue_destroy(q);
        cc__txn_abort(e);
        return st;
    }
    if (c->nescalations) {
        q->esc = cc__calloc(c->nescalations, sizeof *q->esc);
        if (!q->esc) goto oom;
        for (size_t i = 0; i < c->nescalations; i++) {
            q->esc[i] = c->escalations[i];
            q->esc[i].add_queue = NULL;
            q->nesc++;
            if (c->escalations[i].add_queue &&
                !(q->esc[i].add_queue = cc__strdup(c->escalations[i].add_queue)))
                goto oom;
        }
    }
    if (cc__grow((void **)&e->queues, &e->queues_cap, e->nqueues + 1, sizeof *e->queues) ||
        cc__core_names_reserve(&e->queue_map, e->queue_map.len + 1))
        goto oom;
    q->strategy = c->strategy;
    cc__queue_set_scalars(q, c);
    q->aht_ms = (double)(c->aht_hint_ms ? c->aht_hint_ms : 180000);
    cc__txn_commit(e);
    q->index = (uint32_t)e->nqueues;
    e->queues[e->nqueues++] = q;
    cc__core_names_put(&e->queue_map, q->name, q);
    return CC_OK;
oom:
    cc__queue_destroy(q);
    cc__txn_abort(e);
    return cc__fail(CC_ENOMEM, "queue '%s': out of memory", c->name);
}

/* Whether any contact uses q: routed through it, a leg's queue, or a guest
 * bound to its profiles by another queue's escalation. O(P) for its P
 * profiles. No count: a waiting contact is both routed through q and bound
 * to one of its profiles, and telling them apart would cost O(C). */
int cc__queue_in_use(const cc__queue *q)
{
    if (q->refs) return 1;
    for (size_t i = 0; i < q->nprofiles; i++)
        if (q->profiles[i]->nbound) return 1;
    return 0;
}

cc_status cc_engine_queue_remove(cc_engine *e, const char *name, int64_t now)
{
    cc_status st = cc__engine_enter(e, now, "cc_engine_queue_remove");
    if (st) return st;
    cc__queue *q = cc__queue_find(e, name);
    if (!q) return cc__fail(CC_ENOTFOUND, "no queue '%s'", name ? name : "(null)");
    if (cc__queue_in_use(q))
        return cc__fail(CC_ESTATE,
                        "queue '%s' is still in use by contacts (waiting, ringing, connected "
                        "or escalated into it)",
                        q->name);
    e->now_ms = now;
    e->busy = 1;
    while (q->nmembers) cc__member_detach(e, q->members[q->nmembers - 1].agent, q, now);
    e->busy = 0;
    cc__core_names_remove(&e->queue_map, q->name);
    e->queues[q->index] = NULL;
    cc__queue_destroy(q);
    return CC_OK;
}

/* ---- input atomicity --------------------------------------------------------
 * Profiles and skill names created while an input prepares are caches, but a
 * failed input must leave no trace at all (snapshots compare equal), so the
 * input marks the engine first and rolls these back on failure. O(created). */

void cc__txn_begin(cc_engine *e)
{
    e->txn_profiles = NULL;
    e->txn_nskills = e->nskills;
    memcpy(e->txn_rng, e->rng, sizeof e->txn_rng);
}

void cc__txn_commit(cc_engine *e)
{
    e->txn_profiles = NULL;
}

/* Removes the profiles the failed input created, newest first; the homes
 * their members lost to them come back (they kept their entries: the agents
 * are not touched, which would redraw random keys and change the state a
 * failed input must leave alone). O(created * members * m). */
void cc__txn_abort(cc_engine *e)
{
    while (e->txn_profiles) {
        cc__profile *p = e->txn_profiles;
        e->txn_profiles = p->txn_next;
        cc__queue *q = p->queue;
        q->nprofiles--; /* created last in its queue */
        stronger_unlink(q, p);
        for (size_t i = 0; i < q->nmembers; i++) {
            cc__agent *a = q->members[i].agent;
            cc__match *m = cc__match_of(a, p);
            if (!m) continue;
            memmove(m, m + 1, (size_t)(a->matches + a->nmatches - (m + 1)) * sizeof *m);
            a->nmatches--;
            cc__agent_homes(a);
        }
        profile_free(p);
    }
    while (e->nskills > e->txn_nskills) {
        char *name = e->skill_names[--e->nskills];
        cc__core_names_remove(&e->skill_ids, name);
        cc__free(name);
    }
    memcpy(e->rng, e->txn_rng, sizeof e->rng);
}
