/*
 * lib/kpi/kpi_agents.c - agent time and the roster: states into ready /
 * handling / not-ready time (occupancy, utilisation), queue memberships into
 * headcount and leavers (attrition). O(1) per event; one record per agent.
 */
#include "kpi_state.h"

#include "base/mem.h"

#include <string.h>

cc__kpi_agent *cc__kpi_agent_grow(cc_kpi *k, uint32_t id)
{
    if (cc__grow((void **)&k->agents, &k->agents_cap, id, sizeof *k->agents) != 0) return NULL;
    memset(k->agents + k->nagents, 0, (id - k->nagents) * sizeof *k->agents);
    k->nagents = id;
    return &k->agents[id - 1];
}

/* Adds the time since the agent's last state change to that state's bucket. */
static void cc__kpi_agent_close_state(cc__kpi_agent *a, int64_t t)
{
    if (!a->state_known) return;
    int64_t *bucket = cc__kpi_state_bucket(&a->sums, a->state);
    if (bucket && t > a->state_since_ms) *bucket += t - a->state_since_ms;
    a->state_since_ms = t;
}

/* Integrates the roster headcount up to t (for the mean headcount). */
static void cc__kpi_roster_tick(cc_kpi *k, int64_t t)
{
    if (!k->roster_seen) {
        k->roster_seen = 1;
        k->roster_first_ms = k->roster_last_ms = t;
    }
    if (t > k->roster_last_ms) {
        k->headcount_ms += (double)k->headcount * (double)(t - k->roster_last_ms);
        k->roster_last_ms = t;
    }
}

int cc__kpi_agent_event(cc_kpi *k, const cc_event *ev, uint32_t agent)
{
    if (!agent) return 0;
    cc__kpi_agent *a = cc__kpi_agent_at(k, agent);
    if (!a) return -1;
    switch (ev->type) {
    case CC_EVENT_AGENT_LOGIN:
        cc__kpi_agent_close_state(a, ev->time_ms);
        a->state = CC_AGENT_READY;
        a->state_since_ms = ev->time_ms;
        a->state_known = 1;
        break;
    case CC_EVENT_AGENT_LOGOUT:
        cc__kpi_agent_close_state(a, ev->time_ms);
        a->state = CC_AGENT_LOGGED_OUT;
        a->state_known = 1;
        break;
    case CC_EVENT_AGENT_STATE: {
        /* The event carries the time in the previous state: trust it. */
        int64_t *bucket = cc__kpi_state_bucket(&a->sums, ev->prev_agent_state);
        if (bucket) *bucket += ev->duration_ms;
        a->state = ev->agent_state;
        a->state_since_ms = ev->time_ms;
        a->state_known = 1;
        break;
    }
    case CC_EVENT_QUEUE_MEMBER_ADDED:
        a->members++;
        if (!a->on_roster) {
            cc__kpi_roster_tick(k, ev->time_ms);
            k->headcount++;
            a->on_roster = 1;
            if (a->left) {
                k->leavers--;
                a->left = 0;
            }
        }
        break;
    case CC_EVENT_QUEUE_MEMBER_REMOVED:
        if (a->members) a->members--;
        if (a->members == 0 && a->on_roster) {
            cc__kpi_roster_tick(k, ev->time_ms);
            k->headcount--;
            a->on_roster = 0;
            a->left = 1;
            k->leavers++;
        }
        break;
    default:
        break;
    }
    return 0;
}
