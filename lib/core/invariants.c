/*
 * lib/core/invariants.c - internal: a full consistency check of the engine.
 * Property tests call it after every operation and cc_engine_restore() runs
 * it on every restored state (a blob that decodes but is not a state the
 * engine could be in is refused). O(agents x legs + total heap sizes +
 * contacts x profiles): one pass over each structure with per-slot counters.
 *
 * Checked: heaps in their layout's order; capacity and load of every agent;
 * legs (a live leg linked to its contact, a wrap-up leg to none);
 * offers (a reserved agent is on the offer chain of the contact it holds and
 * on no other, chains match noffers); every contact in
 * exactly one place (waiting: one valid entry per profile heap, or in its last
 * agent's heap; offered: none; connected: one agent leg); memberships (each
 * queue lists its members once, matching the agents'); indexes (home flags
 * by their rule, stronger lists exact, an agent indexed in each home of a
 * channel it can take and only where it can take work); work conservation
 * (no profile has a waiting contact while an agent is indexed where its
 * contacts look); queue counters.
 */
#include "engine_internal.h"

#include "base/mem.h"

#include <stdarg.h>
#include <stdio.h>

typedef struct scratch {
    uint32_t *a_found, *a_stamp, *a_pref;   /* per agent slot */
    uint32_t *a_consult;                    /* per agent slot: contacts it consults about */
    uint32_t *c_legs, *c_pref, *c_found, *c_stamp; /* per contact slot */
    uint32_t *c_offer;                      /* agents holding an offer of it */
    int32_t *q_wait, *q_off;                /* per queue index */
    uint32_t *q_aside;                      /* per queue index: contacts aside */
} scratch;

static int bad(char *msg, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
    return -1;
}

static int in_profiles(const cc__contact *c, const cc__profile *p)
{
    for (uint32_t k = 0; k < c->nprofiles; k++)
        if (c->profiles[k] == p) return 1;
    return 0;
}

/* An agent's matches: eligible ones of its queues, each once, with home
 * flags by the rule of cc__match. Together with "indexed in each home of a
 * channel it can take" (counted in check_profile, compared in
 * cc__engine_check) this makes every available agent visible to the
 * contacts of each of its matches (the strongest eligible profiles above a
 * match are homes). O(m * (m + P_q * (s + r))). */
static int check_matches(const cc__agent *a, char *msg, size_t n)
{
    /* within capacity, and a tail's capacity is the tail's (agent.c) */
    if (a->nmatches > a->matches_cap || a->nms > a->ms_cap ||
        (a->matches == a->match_tail && a->matches_cap != a->match_tail_cap) ||
        (a->ms == a->ms_tail && a->ms_cap != a->ms_tail_cap))
        return bad(msg, n, "agent %s: matches or memberships beyond their room", a->name);
    for (uint32_t k = 0; k < a->nmatches; k++) {
        const cc__match *m = &a->matches[k];
        if (!cc__membership_of(a, m->p->queue) || !cc__agent_eligible(a, m->p) ||
            cc__match_of(a, m->p) != m)
            return bad(msg, n, "agent %s: matches a profile it is not eligible for, or twice",
                       a->name);
        if (m->home != cc__match_home(a, m->p))
            return bad(msg, n, "agent %s: home flag of a match of '%s' off its rule", a->name,
                       m->p->queue->name);
    }
    return 0;
}

/* Whether profile p's agent heap holds a valid entry of an agent other than slot
 * `excused` (CC__NONE excuses none). O(len). */
static int has_valid_agent(const cc_engine *e, const cc__profile *p, uint32_t excused)
{
    for (size_t j = 0; j < p->agents.len; j++)
        if (cc__agent_entry_valid(&p->agents.items[j], (void *)e) &&
            p->agents.items[j].slot != excused)
            return 1;
    return 0;
}

/* A profile's stronger list names exactly the stronger profiles of its
 * queue, none of which is also weaker (a queue has one profile per channel
 * and requirement set: homes need a strict order). */
static int check_stronger(const cc__profile *p, char *msg, size_t n)
{
    const cc__queue *q = p->queue;
    uint32_t want = 0;
    for (size_t i = 0; i < q->nprofiles; i++) {
        if (!cc__profile_stronger(q->profiles[i], p)) continue;
        want++;
        uint32_t listed = 0;
        for (uint32_t k = 0; k < p->nstronger; k++) listed += p->stronger[k] == q->profiles[i];
        if (listed != 1) break;
    }
    for (uint32_t k = 0; k < p->nstronger; k++)
        if (!cc__profile_stronger(p->stronger[k], p) || cc__profile_stronger(p, p->stronger[k]))
            want = UINT32_MAX; /* both ways: two profiles with one requirement set */
    if (want != p->nstronger)
        return bad(msg, n, "queue %s: a profile's stronger list is not its stronger profiles",
                   q->name);
    return 0;
}

/* Whether a valid contact entry's keys are the contact's own (priority,
 * virtual start, ordinal): routing compares heads by their entries. */
static int keys_current(const cc__hentry *h, const cc__contact *c)
{
    cc__hentry k;
    cc__contact_key(c, &k);
    return h->k1 == k.k1 && h->k2 == k.k2 && h->k3 == k.k3;
}

static int check_agents(const cc_engine *e, scratch *s, char *msg, size_t n)
{
    for (size_t i = 0; i < e->nagent_slots; i++) {
        const cc__agent *a = e->agents[i];
        if (!a) continue;
        if (a->slot != i || a->nlegs > a->legs_cap)
            return bad(msg, n, "agent %s: slot or legs out of range", a->name);
        int32_t load = 0, count[CC_CHANNEL__COUNT] = {0};
        for (uint32_t k = 0; k < a->nlegs; k++) {
            const cc__leg *l = &a->legs[k];
            load += a->cap_load[l->channel];
            count[l->channel]++;
            if (l->state != CC__LEG_WRAPUP) {
                const cc__contact *c = cc__contact_at(e, l->contact_slot);
                if (!c || c->id != l->contact_id || c->agent != a->slot)
                    return bad(msg, n, "agent %s: leg of contact %llu not linked", a->name,
                               (unsigned long long)l->contact_id);
                s->c_legs[l->contact_slot]++;
            } else if (l->contact_slot != CC__NONE) {
                /* the contact has moved on: a slot kept here would outlive it */
                return bad(msg, n, "agent %s: wrap-up leg of contact %llu still names a slot",
                           a->name, (unsigned long long)l->contact_id);
            }
        }
        if (load != a->load) return bad(msg, n, "agent %s: load %d != legs %d", a->name, a->load, load);
        if (a->budget && a->load > a->budget)
            return bad(msg, n, "agent %s: load %d above budget %d", a->name, a->load, a->budget);
        for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++)
            if (count[ch] != a->count[ch] || count[ch] > a->cap_max[ch])
                return bad(msg, n, "agent %s: channel %d count %d (legs %d) above max %d", a->name,
                           ch, a->count[ch], count[ch], a->cap_max[ch]);
        if (a->offer_contact != CC__NONE) {
            const cc__contact *c = cc__contact_at(e, a->offer_contact);
            if (!c || (c->state != CC__C_OFFERED && c->state != CC__C_DIALING))
                return bad(msg, n, "agent %s: offer of a contact that is not offered", a->name);
            if (!a->logged_in) return bad(msg, n, "agent %s: logged out with an offer", a->name);
            s->c_offer[a->offer_contact]++;
        }
        if (!a->logged_in && (a->nlegs || a->state != CC_AGENT_LOGGED_OUT))
            return bad(msg, n, "agent %s: logged out but holds contacts", a->name);
        if (check_matches(a, msg, n)) return -1;
        /* last-agent heap */
        if (!cc__heap_well_formed(&a->pref))
            return bad(msg, n, "agent %s: last-agent heap out of order", a->name);
        for (size_t k = 0; k < a->pref.len; k++) {
            const cc__hentry *h = &a->pref.items[k];
            if (!cc__contact_entry_valid(h, (void *)e)) continue;
            if (e->contacts[h->slot]->pref_agent != a->slot || !keys_current(h, e->contacts[h->slot]))
                return bad(msg, n, "contact %llu: in the wrong last-agent heap, or stale keys",
                           (unsigned long long)e->contacts[h->slot]->id);
            s->c_pref[h->slot]++;
        }
    }
    return 0;
}

static int check_profile(const cc_engine *e, const cc__profile *p, uint32_t stamp, scratch *s,
                         char *msg, size_t n)
{
    int has_contact = 0;
    if (p->strategy != p->queue->strategy)
        return bad(msg, n, "queue %s: a profile's cached strategy differs from the queue's",
                   p->queue->name);
    if (!cc__heap_well_formed(&p->agents) || !cc__heap_well_formed(&p->contacts))
        return bad(msg, n, "queue %s: a profile heap is out of order", p->queue->name);
    /* Work conservation has one exception: an agent is never offered a contact it
     * consults about (it holds it). The agent excused is the one every waiting contact
     * here consults from, if any. */
    uint32_t excused = CC__NONE;
    for (size_t j = 0; j < p->contacts.len; j++) {
        const cc__hentry *h = &p->contacts.items[j];
        if (!cc__contact_entry_valid(h, (void *)e)) continue;
        const cc__contact *c = e->contacts[h->slot];
        if (s->c_stamp[h->slot] == stamp || !in_profiles(c, p) || !keys_current(h, c))
            return bad(msg, n, "contact %llu: stray, duplicate or stale-keyed entry in a profile "
                       "heap", (unsigned long long)c->id);
        s->c_stamp[h->slot] = stamp;
        s->c_found[h->slot]++;
        excused = !has_contact || c->consult_from == excused ? c->consult_from : CC__NONE;
        has_contact = 1;
    }
    int has_agent = 0;
    for (size_t j = 0; j < p->agents.len; j++) {
        const cc__hentry *h = &p->agents.items[j];
        if (!cc__agent_entry_valid(h, (void *)e)) continue;
        const cc__agent *a = e->agents[h->slot];
        if (s->a_stamp[h->slot] == stamp)
            return bad(msg, n, "agent %s: two valid entries in one index", a->name);
        s->a_stamp[h->slot] = stamp;
        const cc__match *m = cc__match_of(a, p);
        if (!m || !cc__agent_available(a, p->channel))
            return bad(msg, n, "agent %s: indexed in '%s' where it cannot take work", a->name,
                       p->queue->name);
        s->a_found[h->slot] += m->home; /* entries in former homes are redundant */
        has_agent |= h->slot != excused;
    }
    if (has_agent && has_contact)
        return bad(msg, n, "queue %s: an available agent and a waiting contact in one profile",
                   p->queue->name);
    for (uint32_t k = 0; has_contact && cc__strategy_shared(p->strategy) && k < p->nstronger; k++)
        if (has_valid_agent(e, p->stronger[k], excused))
            return bad(msg, n, "queue %s: a waiting contact and an available agent indexed in a "
                       "stronger profile", p->queue->name);
    return check_stronger(p, msg, n);
}

static int check_contacts(const cc_engine *e, scratch *s, char *msg, size_t n)
{
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        const cc__contact *c = e->contacts[i];
        if (!c) continue;
        unsigned long long id = (unsigned long long)c->id;
        if (c->slot != i || !c->queue || c->nprofiles == 0) return bad(msg, n, "contact %llu: bad slot", id);
        if (c->state == CC__C_WAITING || c->state == CC__C_RETRY) s->q_wait[c->queue->index]++;
        if (c->state == CC__C_OFFERED || c->state == CC__C_DIALING) s->q_off[c->queue->index]++;
        if (s->c_legs[i] != (c->agent != CC__NONE))
            return bad(msg, n, "contact %llu: %u agent legs, agent %u", id, s->c_legs[i], c->agent);
        int waiting = c->state == CC__C_WAITING;
        uint32_t want = (waiting && c->pref_agent == CC__NONE) ? c->nprofiles : 0;
        if (s->c_found[i] != want)
            return bad(msg, n, "contact %llu: %u profile heap entries, want %u (state %d)", id,
                       s->c_found[i], want, (int)c->state);
        if (s->c_pref[i] != (waiting && c->pref_agent != CC__NONE))
            return bad(msg, n, "contact %llu: last-agent heap entries %u", id, s->c_pref[i]);
        uint32_t chain = 0;
        for (uint32_t a = c->offer_head; a != CC__NONE && chain <= c->noffers;
             a = e->agents[a]->offer_next) {
            if (e->agents[a]->offer_contact != c->slot)
                return bad(msg, n, "contact %llu: offer chain names an agent offered another", id);
            chain++;
        }
        if (chain != c->noffers) return bad(msg, n, "contact %llu: offer chain", id);
        /* and the other way: every agent holding an offer of c is on its
         * chain (the chain's agents hold it, so equal counts suffice) */
        if (chain != s->c_offer[i])
            return bad(msg, n, "contact %llu: %u agents hold its offer, its chain lists %u", id,
                       s->c_offer[i], chain);
        int offered = c->state == CC__C_OFFERED || c->state == CC__C_DIALING;
        if (offered != (chain > 0))
            return bad(msg, n, "contact %llu: state %d with %u offers", id, (int)c->state, chain);
        if (c->state == CC__C_IDLE && c->agent == CC__NONE)
            return bad(msg, n, "contact %llu: idle but not connected", id);
        if ((c->agent == CC__NONE) != (c->leg_queue == NULL))
            return bad(msg, n, "contact %llu: a leg queue without a leg, or a leg without one", id);
        if (c->consult_from != CC__NONE && c->consult_from != c->agent)
            return bad(msg, n, "contact %llu: consult from an agent it is not with", id);
        if (c->consult_from != CC__NONE && c->consult_from < e->nagent_slots)
            s->a_consult[c->consult_from]++;
        if (c->pref_agent != CC__NONE) {
            if (!cc__agent_at(e, c->pref_agent))
                return bad(msg, n, "contact %llu: prefers a missing agent", id);
            s->a_pref[c->pref_agent]++;
        }
        int aside = (waiting && c->pref_agent != CC__NONE) || c->state == CC__C_RETRY;
        if (c->aside != aside)
            return bad(msg, n, "contact %llu: aside %d, want %d", id, c->aside, aside);
        if (aside) s->q_aside[c->queue->index]++;
    }
    /* each queue's aside list holds exactly the contacts that name it (a walk bounded by
     * the count, so a cycle cannot hang the check) */
    for (size_t i = 0; i < e->nqueues; i++) {
        const cc__queue *q = e->queues[i];
        if (!q) continue;
        uint32_t len = 0;
        const cc__contact *prev = NULL;
        for (const cc__contact *x = cc__aside_first(e, q); x && len <= s->q_aside[i];
             x = cc__aside_after(e, x)) {
            if (!x->aside || x->queue != q || x->aside_prev != (prev ? prev->slot : CC__NONE))
                return bad(msg, n, "queue %s: aside list broken", q->name);
            prev = x;
            len++;
        }
        if (len != s->q_aside[i])
            return bad(msg, n, "queue %s: aside list holds %u, want %u", q->name, len, s->q_aside[i]);
    }
    /* an agent's pref_bound counts the contacts that prefer it (it sizes the
     * agent's last-agent heap) */
    for (size_t i = 0; i < e->nagent_slots; i++)
        if (e->agents[i] && e->agents[i]->pref_bound != s->a_pref[i])
            return bad(msg, n, "agent %s: preferred by %u contacts, counts %u", e->agents[i]->name,
                       s->a_pref[i], e->agents[i]->pref_bound);
    /* an agent's consults count the contacts it consults about (routing reads its legs
     * only then) */
    for (size_t i = 0; i < e->nagent_slots; i++)
        if (e->agents[i] && e->agents[i]->consults != s->a_consult[i])
            return bad(msg, n, "agent %s: consults about %u contacts, counts %u",
                       e->agents[i]->name, s->a_consult[i], e->agents[i]->consults);
    return 0;
}

/* Memberships: every queue lists each of its members once, only agents that
 * hold a membership of it, and as many as the agents hold in all (so no agent
 * holds the same queue twice either). Routing reserves room per membership;
 * a duplicate would overrun it. Stamps continue from *stamp. */
static int check_members(const cc_engine *e, uint32_t *stamp, scratch *s, char *msg, size_t n)
{
    size_t listed = 0, held = 0;
    for (size_t i = 0; i < e->nqueues; i++) {
        const cc__queue *q = e->queues[i];
        if (!q) continue;
        ++*stamp;
        for (size_t k = 0; k < q->nmembers; k++) {
            const cc__agent *a = q->members[k].agent;
            if (s->a_stamp[a->slot] == *stamp || !cc__membership_of(a, q))
                return bad(msg, n, "queue %s: lists agent %s twice or without a membership",
                           q->name, a->name);
            s->a_stamp[a->slot] = *stamp;
            listed++;
        }
    }
    for (size_t i = 0; i < e->nagent_slots; i++)
        if (e->agents[i]) held += e->agents[i]->nms;
    if (listed != held)
        return bad(msg, n, "queues list %zu members, agents hold %zu memberships", listed, held);
    return 0;
}

int cc__engine_check(const cc_engine *e, char *msg, size_t n)
{
    scratch s;
    size_t na = e->nagent_slots + 1, nc = e->ncontact_slots + 1, nq = e->nqueues + 1;
    s.a_found = cc__calloc(na, sizeof *s.a_found);
    s.a_stamp = cc__calloc(na, sizeof *s.a_stamp);
    s.a_pref = cc__calloc(na, sizeof *s.a_pref);
    s.a_consult = cc__calloc(na, sizeof *s.a_consult);
    s.c_legs = cc__calloc(nc, sizeof *s.c_legs);
    s.c_offer = cc__calloc(nc, sizeof *s.c_offer);
    s.c_pref = cc__calloc(nc, sizeof *s.c_pref);
    s.c_found = cc__calloc(nc, sizeof *s.c_found);
    s.c_stamp = cc__calloc(nc, sizeof *s.c_stamp);
    s.q_wait = cc__calloc(nq, sizeof *s.q_wait);
    s.q_off = cc__calloc(nq, sizeof *s.q_off);
    s.q_aside = cc__calloc(nq, sizeof *s.q_aside);
    int rc = -1;
    if (!s.a_found || !s.a_stamp || !s.a_pref || !s.a_consult || !s.c_legs || !s.c_offer || !s.c_pref ||
        !s.c_found || !s.c_stamp || !s.q_wait || !s.q_off || !s.q_aside) {
        bad(msg, n, "consistency check: out of memory");
        goto out;
    }
    if (!cc__heap_well_formed(&e->timers)) {
        bad(msg, n, "timer heap out of order");
        goto out;
    }
    if (check_agents(e, &s, msg, n)) goto out;
    uint32_t stamp = 0;
    for (size_t i = 0; i < e->nqueues; i++) {
        const cc__queue *q = e->queues[i];
        if (!q) continue;
        if (q->index != i) {
            bad(msg, n, "queue %s: index", q->name);
            goto out;
        }
        for (size_t k = 0; k < q->nprofiles; k++)
            if (check_profile(e, q->profiles[k], ++stamp, &s, msg, n)) goto out;
    }
    if (check_members(e, &stamp, &s, msg, n)) goto out;
    for (size_t i = 0; i < e->nagent_slots; i++) {
        const cc__agent *a = e->agents[i];
        if (!a) continue;
        uint32_t expected = 0;
        for (uint32_t k = 0; k < a->nmatches; k++)
            expected += a->matches[k].home && cc__agent_available(a, a->matches[k].p->channel);
        if (expected != s.a_found[i]) {
            bad(msg, n, "agent %s: available in %u homes, indexed in %u", a->name, expected,
                s.a_found[i]);
            goto out;
        }
    }
    if (check_contacts(e, &s, msg, n)) goto out;
    for (size_t i = 0; i < e->nqueues; i++) {
        const cc__queue *q = e->queues[i];
        if (q && (q->waiting != s.q_wait[i] || q->offered != s.q_off[i])) {
            bad(msg, n, "queue %s: counters waiting %d/%d offered %d/%d", q->name, q->waiting,
                s.q_wait[i], q->offered, s.q_off[i]);
            goto out;
        }
    }
    rc = 0;
out:
    cc__free(s.a_found);
    cc__free(s.a_stamp);
    cc__free(s.a_pref);
    cc__free(s.a_consult);
    cc__free(s.c_legs);
    cc__free(s.c_offer);
    cc__free(s.c_pref);
    cc__free(s.c_found);
    cc__free(s.c_stamp);
    cc__free(s.q_wait);
    cc__free(s.q_off);
    cc__free(s.q_aside);
    return rc;
}
