/*
 * lib/core/invariants.c - internal: a full consistency check of the engine,
 * for tests (property tests call it after every operation). O(total state).
 *
 * Checked: capacity and load of every agent; offers (a reserved agent is in
 * exactly one contact's offer chain, chains match noffers); every contact in
 * exactly one place (waiting: one valid entry per profile heap or in its last
 * agent's heap; offered: none; connected: one agent leg); work conservation
 * (no profile has both an available agent and a waiting contact; every
 * available agent is indexed); queue counters.
 */
#include "engine_internal.h"

#include <stdarg.h>
#include <stdio.h>

static int bad(char *msg, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
    return -1;
}

static uint32_t valid_entries_of(const cc_engine *e, const cc__heap *h, uint32_t slot,
                                 cc__heap_valid_fn valid)
{
    uint32_t n = 0;
    for (size_t i = 0; i < h->len; i++)
        if (h->items[i].slot == slot && valid(&h->items[i], (void *)e)) n++;
    return n;
}

int cc__engine_check(const cc_engine *e, char *msg, size_t n)
{
    for (size_t i = 0; i < e->nagent_slots; i++) {
        const cc__agent *a = e->agents[i];
        if (!a) continue;
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
            int found = 0;
            for (uint32_t s = c->offer_head; s != CC__NONE; s = e->agents[s]->offer_next)
                if (s == a->slot) found++;
            if (found != 1) return bad(msg, n, "agent %s: in offer chain %d times", a->name, found);
            if (!a->logged_in) return bad(msg, n, "agent %s: logged out with an offer", a->name);
        }
        if (a->state == CC_AGENT_LOGGED_OUT && (a->nlegs || a->logged_in))
            return bad(msg, n, "agent %s: logged out state but holds contacts", a->name);
        /* every available agent is indexed where it may take work */
        for (uint32_t k = 0; k < a->nmatches; k++) {
            const cc__profile *p = a->matches[k];
            uint32_t v = valid_entries_of(e, &p->agents, a->slot, cc__agent_entry_valid);
            if (v > 1) return bad(msg, n, "agent %s: %u valid entries in one index", a->name, v);
            if (cc__agent_available(a, p->channel) && v != 1)
                return bad(msg, n, "agent %s: available for '%s' but not indexed", a->name,
                           p->queue->name);
            if (!cc__agent_available(a, p->channel) && v)
                return bad(msg, n, "agent %s: unavailable but indexed in '%s'", a->name,
                           p->queue->name);
        }
    }
    for (size_t i = 0; i < e->nqueues; i++) {
        const cc__queue *q = e->queues[i];
        if (!q) continue;
        int32_t waiting = 0, offered = 0;
        for (size_t k = 0; k < e->ncontact_slots; k++) {
            const cc__contact *c = e->contacts[k];
            if (!c || c->queue != q) continue;
            if (c->state == CC__C_WAITING || c->state == CC__C_RETRY) waiting++;
            if (c->state == CC__C_OFFERED || c->state == CC__C_DIALING) offered++;
        }
        if (waiting != q->waiting || offered != q->offered)
            return bad(msg, n, "queue %s: counters waiting %d/%d offered %d/%d", q->name,
                       q->waiting, waiting, q->offered, offered);
        for (size_t k = 0; k < q->nprofiles; k++) {
            const cc__profile *p = q->profiles[k];
            int has_agent = 0, has_contact = 0;
            for (size_t j = 0; j < p->agents.len; j++)
                has_agent |= cc__agent_entry_valid(&p->agents.items[j], (void *)e);
            for (size_t j = 0; j < p->contacts.len; j++)
                has_contact |= cc__contact_entry_valid(&p->contacts.items[j], (void *)e);
            if (has_agent && has_contact)
                return bad(msg, n, "queue %s: an available agent and a waiting contact in one "
                                   "profile",
                           q->name);
        }
    }
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        const cc__contact *c = e->contacts[i];
        if (!c) continue;
        uint32_t legs = 0;
        for (size_t k = 0; k < e->nagent_slots; k++) {
            const cc__agent *a = e->agents[k];
            if (!a) continue;
            for (uint32_t j = 0; j < a->nlegs; j++)
                if (a->legs[j].contact_slot == c->slot && a->legs[j].state != CC__LEG_WRAPUP) legs++;
            if (k != c->pref_agent &&
                valid_entries_of(e, &a->pref, c->slot, cc__contact_entry_valid))
                return bad(msg, n, "contact %llu: in the wrong last-agent heap",
                           (unsigned long long)c->id);
        }
        if (legs != (c->agent != CC__NONE))
            return bad(msg, n, "contact %llu: %u agent legs, agent %u", (unsigned long long)c->id,
                       legs, c->agent);
        uint32_t in_pref = 0;
        if (c->pref_agent != CC__NONE)
            in_pref = valid_entries_of(e, &e->agents[c->pref_agent]->pref, c->slot,
                                       cc__contact_entry_valid);
        for (uint32_t k = 0; k < c->nprofiles; k++) {
            uint32_t v = valid_entries_of(e, &c->profiles[k]->contacts, c->slot,
                                          cc__contact_entry_valid);
            uint32_t want = (c->state == CC__C_WAITING && c->pref_agent == CC__NONE) ? 1 : 0;
            if (v != want)
                return bad(msg, n, "contact %llu: %u entries in profile heap %u (state %d)",
                           (unsigned long long)c->id, v, k, (int)c->state);
        }
        if (in_pref != (c->state == CC__C_WAITING && c->pref_agent != CC__NONE))
            return bad(msg, n, "contact %llu: last-agent heap entries %u", (unsigned long long)c->id,
                       in_pref);
        uint32_t chain = 0;
        for (uint32_t s = c->offer_head; s != CC__NONE; s = e->agents[s]->offer_next) chain++;
        if (chain != c->noffers) return bad(msg, n, "contact %llu: offer chain", (unsigned long long)c->id);
        int offered = c->state == CC__C_OFFERED || c->state == CC__C_DIALING;
        if (offered != (chain > 0))
            return bad(msg, n, "contact %llu: state %d with %u offers", (unsigned long long)c->id,
                       (int)c->state, chain);
        if (c->state == CC__C_IDLE && c->agent == CC__NONE)
            return bad(msg, n, "contact %llu: idle but not connected", (unsigned long long)c->id);
    }
    return 0;
}
