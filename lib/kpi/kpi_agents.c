/*
 * lib/kpi/kpi_agents.c - agent time and the roster: states into ready /
 * handling / not-ready time (occupancy, utilisation), per agent and split at
 * interval boundaries; concurrent contacts into load; queue memberships into
 * headcount and leavers (attrition). O(1) per event; one record per agent and
 * one agent-time cell per interval in which some agent's state or load
 * changed (kpi_sums.h explains the split).
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

/* ---- agent time per interval --------------------------------------------- */

/* The agent-time cell of the interval of t; CC__NO_CELL when out of memory.
 * It has its own one-entry cache, by time range so that most calls need no
 * division (a connect and an end per contact come here), and leaves the
 * contacts' cache alone. *end_ms: the end of t's interval. */
static uint32_t cc__kpi_agent_cell(cc_kpi *k, int64_t t, int64_t *end_ms)
{
    uint32_t c = k->last_agent_cell;
    int64_t from = k->last_agent_from_ms;
    if (c != CC__NO_CELL && t >= from && t - from < k->interval_ms) {
        *end_ms = from + k->interval_ms;
        return c;
    }
    int64_t iv = cc__kpi_interval_of(k, t);
    uint32_t contacts = k->last_cell;
    c = cc__kpi_cell_find_or_add(k, iv, 0, (uint32_t)CC__KPI_AGENT_TIME_CHANNEL);
    k->last_cell = contacts;
    if (c == CC__NO_CELL) return c;
    k->last_agent_cell = c;
    k->last_agent_from_ms = iv * k->interval_ms;
    *end_ms = k->last_agent_from_ms + k->interval_ms;
    return c;
}

/* Adds weight w of a kind of agent time from t on (kpi_sums.h): the rest of
 * t's interval as time, and w to the cover of every later interval. A period
 * [a, b) is +w from a and -w from b. Returns 0, or -1 when out of memory. */
static int cc__kpi_time_from(cc_kpi *k, cc__kpi_time_kind kind, int64_t t, int64_t w)
{
    if (kind == CC__KPI_T_NONE || w == 0) return 0;
    int64_t end;
    uint32_t c = cc__kpi_agent_cell(k, t, &end);
    if (c == CC__NO_CELL) return -1;
    cc__kpi_sums *s = &k->cells[c].sums;
    *cc__kpi_time_ms(s, kind) += w * (end - t);
    *cc__kpi_time_cover(s, kind) += w;
    return 0;
}

/* Adds the time of the agent's current state since it began, up to t, to its
 * bucket, and ends that state's open period in the intervals. */
static int cc__kpi_agent_close_state(cc_kpi *k, cc__kpi_agent *a, int64_t t)
{
    if (!a->state_known) return 0;
    int64_t end = t > a->state_since_ms ? t : a->state_since_ms;
    int64_t *bucket = cc__kpi_state_bucket(&a->sums, a->state);
    if (bucket) *bucket += end - a->state_since_ms;
    a->state_since_ms = t;
    return cc__kpi_time_from(k, cc__kpi_time_kind_of(a->state), end, -1);
}

/* The agent enters `state` at t: its open period starts in the intervals. */
static int cc__kpi_agent_open_state(cc_kpi *k, cc__kpi_agent *a, cc_agent_state state, int64_t t)
{
    a->state = state;
    a->state_since_ms = t;
    a->state_known = 1;
    return cc__kpi_time_from(k, cc__kpi_time_kind_of(state), t, 1);
}

/* AGENT_STATE: the event carries the time in the previous state, and is
 * trusted over the time since the last change seen: the previous state is
 * [t - duration, t) for the agent and for the intervals. */
static int cc__kpi_agent_state_change(cc_kpi *k, cc__kpi_agent *a, const cc_event *ev)
{
    int rc = 0;
    /* The engine sends AGENT_LOGOUT before the AGENT_STATE to logged out
     * (queue_log's importer the other way round): the logout has already
     * closed the previous state at this time, and adding the event's
     * duration again would count that period twice. */
    if (a->state_known && a->state == CC_AGENT_LOGGED_OUT && a->state_since_ms == ev->time_ms &&
        ev->agent_state == CC_AGENT_LOGGED_OUT)
        return 0;
    if (a->state_known) /* withdraw the open period, replaced by the event's */
        rc |= cc__kpi_time_from(k, cc__kpi_time_kind_of(a->state), a->state_since_ms, -1);
    int64_t *bucket = cc__kpi_state_bucket(&a->sums, ev->prev_agent_state);
    if (bucket) *bucket += ev->duration_ms;
    cc__kpi_time_kind prev = cc__kpi_time_kind_of(ev->prev_agent_state);
    rc |= cc__kpi_time_from(k, prev, ev->time_ms - ev->duration_ms, 1);
    rc |= cc__kpi_time_from(k, prev, ev->time_ms, -1);
    rc |= cc__kpi_agent_open_state(k, a, ev->agent_state, ev->time_ms);
    return rc;
}

int cc__kpi_agent_active_add(cc_kpi *k, cc__kpi_agent *a, int64_t t, int delta)
{
    if (t > a->active_since_ms) {
        a->sums.load_ms += (int64_t)a->active * (t - a->active_since_ms);
        a->active_since_ms = t;
    }
    if (delta < 0 && a->active == 0) return 0;
    a->active = (uint32_t)((int64_t)a->active + delta);
    return cc__kpi_time_from(k, CC__KPI_T_LOAD, a->active_since_ms, delta);
}

/* ---- roster ----------------------------------------------------------------- */

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

static void cc__kpi_roster_added(cc_kpi *k, cc__kpi_agent *a, int64_t t)
{
    a->members++;
    if (a->on_roster) return;
    cc__kpi_roster_tick(k, t);
    k->headcount++;
    a->on_roster = 1;
    if (a->left) {
        k->leavers--;
        a->left = 0;
    }
}

static void cc__kpi_roster_removed(cc_kpi *k, cc__kpi_agent *a, int64_t t)
{
    if (a->members) a->members--;
    if (a->members != 0 || !a->on_roster) return;
    cc__kpi_roster_tick(k, t);
    k->headcount--;
    a->on_roster = 0;
    a->left = 1;
    k->leavers++;
}

int cc__kpi_agent_event(cc_kpi *k, const cc_event *ev, uint32_t agent)
{
    if (!agent) return 0;
    cc__kpi_agent *a = cc__kpi_agent_at(k, agent);
    if (!a) return -1;
    int rc = 0;
    switch (ev->type) {
    case CC_EVENT_AGENT_LOGIN:
        rc |= cc__kpi_agent_close_state(k, a, ev->time_ms);
        rc |= cc__kpi_agent_open_state(k, a, CC_AGENT_READY, ev->time_ms);
        break;
    case CC_EVENT_AGENT_LOGOUT:
        rc |= cc__kpi_agent_close_state(k, a, ev->time_ms);
        rc |= cc__kpi_agent_open_state(k, a, CC_AGENT_LOGGED_OUT, ev->time_ms);
        break;
    case CC_EVENT_AGENT_STATE:
        rc |= cc__kpi_agent_state_change(k, a, ev);
        break;
    case CC_EVENT_QUEUE_MEMBER_ADDED:
        cc__kpi_roster_added(k, a, ev->time_ms);
        break;
    case CC_EVENT_QUEUE_MEMBER_REMOVED:
        cc__kpi_roster_removed(k, a, ev->time_ms);
        break;
    default:
        break;
    }
    return rc ? -1 : 0;
}
