/*
 * lib/kpi/import_queue_log.c - Asterisk queue_log as events.
 *
 * Lines are `epoch|uniqueid|queue|agent|EVENT|data1|data2|...` (app_queue's
 * queue_log). Calls are followed by uniqueid from ENTERQUEUE (or their first
 * line) to their last line, agents from AGENTLOGIN / ADDMEMBER so that their
 * states (ready, busy, not ready) become AGENT_STATE events for occupancy.
 *
 *   ENTERQUEUE        url|callerid|position     ARRIVED + QUEUED
 *   CONNECT           holdtime|bridged|ringtime CONNECTED (wait = holdtime)
 *   COMPLETECALLER    holdtime|calltime|pos     ENDED (talk = calltime)
 *   COMPLETEAGENT     holdtime|calltime|pos     ENDED
 *   ABANDON           pos|origpos|waittime      ABANDONED
 *   EXITWITHTIMEOUT   pos|origpos|waittime      LEFT "max-wait"
 *   EXITEMPTY         pos|origpos|waittime      LEFT "empty"
 *   EXITWITHKEY       key|pos|origpos|waittime  LEFT "key"
 *   RINGNOANSWER      ringtime (ms)             RING_TIMEOUT
 *   BLINDTRANSFER, TRANSFER  ext|context|holdtime|calltime|pos  ENDED + TRANSFERRED
 *   ATTENDEDTRANSFER  method|target|holdtime|calltime|pos  ENDED + TRANSFERRED (consult)
 *   ADDMEMBER / REMOVEMEMBER                    QUEUE_MEMBER_ADDED / _REMOVED
 *   PAUSE reason / UNPAUSE                      AGENT_STATE not_ready / ready
 *   AGENTLOGIN channel / AGENTLOGOFF channel|logintime  AGENT_LOGIN / AGENT_LOGOUT
 * Other verbs (AGENTCALLED, CONFIGRELOAD, QUEUESTART, ...) are skipped.
 *
 * Memory: one record per call in progress (calls silent for a day are
 * dropped) and one per agent seen: O(concurrent calls + agents).
 */
#include "import_format.h"

#include "base/mem.h"
#include "id_map.h"

#include <string.h>

#define CC__QL_MAX_FIELDS 12
#define CC__QL_STALE_MS 86400000LL
#define CC__QL_SWEEP_MIN 4096u

typedef struct cc__ql_call {
    uint64_t key; /* hash of uniqueid */
    uint64_t contact_id, customer;
    const char *queue, *agent;
    int64_t last_ms;
    int live;
} cc__ql_call;

typedef struct cc__ql_agent {
    cc_agent_state state;
    int64_t since_ms;
    uint32_t members;
    int paused;
} cc__ql_agent;

typedef struct cc__ql_state {
    cc__ql_call *calls;
    size_t ncalls, calls_cap;
    uint32_t *free_calls;
    size_t nfree, free_cap;
    cc__id_map call_map;
    size_t sweep_at;
    cc__ql_agent *agents; /* indexed through agent_map (interned name pointer) */
    size_t nagents, agents_cap;
    cc__id_map agent_map;
    int64_t now_ms;
} cc__ql_state;

static cc_status cc__ql_init(cc_import *imp, void *state, const cc_import_options *o)
{
    (void)imp;
    (void)o;
    cc__ql_state *s = state;
    cc__id_map_init(&s->call_map);
    cc__id_map_init(&s->agent_map);
    s->sweep_at = CC__QL_SWEEP_MIN;
    return CC_OK;
}

static void cc__ql_destroy(void *state)
{
    cc__ql_state *s = state;
    cc__free(s->calls);
    cc__free(s->free_calls);
    cc__id_map_free(&s->call_map);
    cc__free(s->agents);
    cc__id_map_free(&s->agent_map);
}

/* ---- calls ----------------------------------------------------------------- */

static void cc__ql_call_drop(cc__ql_state *s, cc__ql_call *c)
{
    cc__id_map_del(&s->call_map, c->key);
    c->live = 0;
    s->free_calls[s->nfree++] = (uint32_t)(c - s->calls);
}

/* Drops calls silent for a day (their end is missing from the log). O(pool). */
static void cc__ql_sweep(cc__ql_state *s)
{
    for (size_t i = 0; i < s->ncalls; i++)
        if (s->calls[i].live && s->calls[i].last_ms < s->now_ms - CC__QL_STALE_MS)
            cc__ql_call_drop(s, &s->calls[i]);
    size_t live = s->call_map.count;
    s->sweep_at = live * 2 > CC__QL_SWEEP_MIN ? live * 2 : CC__QL_SWEEP_MIN;
}

static cc__ql_call *cc__ql_call_find(cc__ql_state *s, uint64_t key)
{
    uint32_t idx = cc__id_map_get(&s->call_map, key);
    return idx == CC__ID_MAP_NONE ? NULL : &s->calls[idx];
}

/* The call of uniqueid `key`, made when new (*made = 1); NULL when out of memory. */
static cc__ql_call *cc__ql_call_get(cc_import *imp, cc__ql_state *s, uint64_t key, int *made)
{
    *made = 0;
    cc__ql_call *c = cc__ql_call_find(s, key);
    if (c) return c;
    if (s->call_map.count >= s->sweep_at) cc__ql_sweep(s);
    uint32_t idx;
    if (s->nfree) {
        idx = s->free_calls[--s->nfree];
    } else {
        if (s->ncalls >= UINT32_MAX - 1 ||
            cc__grow((void **)&s->calls, &s->calls_cap, s->ncalls + 1, sizeof *s->calls) != 0 ||
            cc__grow((void **)&s->free_calls, &s->free_cap, s->ncalls + 1,
                     sizeof *s->free_calls) != 0) {
            cc__import_oom(imp);
            return NULL;
        }
        idx = (uint32_t)s->ncalls++;
    }
    if (cc__id_map_put(&s->call_map, key, idx) != 0) {
        s->free_calls[s->nfree++] = idx;
        cc__import_oom(imp);
        return NULL;
    }
    c = &s->calls[idx];
    memset(c, 0, sizeof *c);
    c->key = key;
    c->contact_id = cc__import_new_contact_id(imp);
    c->live = 1;
    *made = 1;
    return c;
}

/* ---- agents ---------------------------------------------------------------- */

/* The tracked agent called `name` (interned), or NULL if not tracked. */
static cc__ql_agent *cc__ql_agent_find(cc__ql_state *s, const char *name)
{
    if (!name) return NULL;
    uint32_t idx = cc__id_map_get(&s->agent_map, (uint64_t)(uintptr_t)name);
    return idx == CC__ID_MAP_NONE ? NULL : &s->agents[idx];
}

/* Starts tracking an agent (logged out); NULL when out of memory. */
static cc__ql_agent *cc__ql_agent_track(cc_import *imp, cc__ql_state *s, const char *name,
                                        int64_t t)
{
    cc__ql_agent *a = cc__ql_agent_find(s, name);
    if (a) return a;
    if (cc__grow((void **)&s->agents, &s->agents_cap, s->nagents + 1, sizeof *s->agents) != 0 ||
        cc__id_map_put(&s->agent_map, (uint64_t)(uintptr_t)name, (uint32_t)s->nagents) != 0) {
        cc__import_oom(imp);
        return NULL;
    }
    a = &s->agents[s->nagents++];
    memset(a, 0, sizeof *a);
    a->state = CC_AGENT_LOGGED_OUT;
    a->since_ms = t;
    return a;
}

/* Moves a tracked agent to `state`, emitting AGENT_STATE with the time spent
 * in the previous one. */
static void cc__ql_agent_set(cc_import *imp, cc__ql_agent *a, const char *name, int64_t t,
                             cc_agent_state state, const char *reason)
{
    if (a->state == state) return;
    cc_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = CC_EVENT_AGENT_STATE;
    ev.time_ms = t;
    ev.agent = name;
    ev.agent_state = state;
    ev.prev_agent_state = a->state;
    ev.duration_ms = t > a->since_ms ? t - a->since_ms : 0;
    ev.reason = reason;
    a->state = state;
    a->since_ms = t;
    cc__import_emit(imp, &ev);
}

/* ---- lines ----------------------------------------------------------------- */

typedef struct cc__ql_line {
    int64_t t;
    uint64_t key;
    const char *queue, *agent;
    cc__span verb;
    cc__span data[CC__QL_MAX_FIELDS];
    size_t ndata;
} cc__ql_line;

/* Seconds in data field i, as ms; -1 after rejecting the line. */
static int64_t cc__ql_seconds(cc_import *imp, const cc__ql_line *l, size_t i, const char *what)
{
    int64_t ms;
    if (i >= l->ndata || cc__span_seconds_ms(cc__span_trim(l->data[i]), &ms) != 0) {
        cc__import_reject(imp, "%.*s: %s (data field %zu) is not a number of seconds",
                          (int)l->verb.n, l->verb.p, what, i + 1);
        return -1;
    }
    return ms;
}

/* Customer id of a caller id: the digits as a number, other text hashed,
 * empty / unknown / anonymous as 0. */
static uint64_t cc__ql_customer(cc__span callerid)
{
    callerid = cc__span_trim(callerid);
    if (callerid.n == 0 || cc__span_is_nocase(callerid, "unknown") ||
        cc__span_is_nocase(callerid, "anonymous"))
        return 0;
    int64_t v;
    if (cc__span_i64(callerid, &v) == 0 && v > 0) return (uint64_t)v;
    return cc__import_text_id(callerid);
}

static void cc__ql_event_init(cc_event *ev, const cc__ql_line *l, cc_event_type type)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->time_ms = l->t;
    ev->queue = l->queue;
    ev->agent = l->agent;
    ev->channel = CC_CHANNEL_VOICE;
}

static void cc__ql_call_event(cc_import *imp, cc__ql_state *s, const cc__ql_line *l)
{
    int made;
    cc__ql_call *c = cc__ql_call_get(imp, s, l->key, &made);
    if (!c) return;
    c->last_ms = l->t;
    if (l->queue) c->queue = l->queue;
    cc_event ev;
    cc__ql_event_init(&ev, l, CC_EVENT_NONE);
    ev.queue = c->queue;
    ev.contact_id = c->contact_id;
    ev.customer_id = c->customer;
    const char *v = NULL;
    int64_t wait = 0, talk = 0, ring = 0;
    cc__span verb = l->verb;

    if (cc__span_is(verb, "ENTERQUEUE")) {
        if (l->ndata >= 2) c->customer = cc__ql_customer(l->data[1]);
        ev.customer_id = c->customer;
        ev.virtual_start_ms = l->t;
        if (made) {
            ev.type = CC_EVENT_CONTACT_ARRIVED;
            cc__import_emit(imp, &ev);
        }
        ev.type = CC_EVENT_CONTACT_QUEUED;
        cc__import_emit(imp, &ev);
        return;
    }
    if (cc__span_is(verb, "CONNECT")) {
        if ((wait = cc__ql_seconds(imp, l, 0, "holdtime")) < 0) return;
        ev.type = CC_EVENT_CONTACT_CONNECTED;
        ev.wait_ms = wait;
        c->agent = l->agent;
        cc__import_emit(imp, &ev);
        cc__ql_agent *a = cc__ql_agent_find(s, l->agent);
        if (a && a->state != CC_AGENT_LOGGED_OUT)
            cc__ql_agent_set(imp, a, l->agent, l->t, CC_AGENT_BUSY, NULL);
        return;
    }
    if (cc__span_is(verb, "RINGNOANSWER")) {
        if (l->ndata < 1 || cc__span_i64(cc__span_trim(l->data[0]), &ring) != 0 || ring < 0) {
            cc__import_reject(imp, "RINGNOANSWER: ringtime is not a number of milliseconds");
            return;
        }
        ev.type = CC_EVENT_CONTACT_RING_TIMEOUT;
        ev.duration_ms = ring;
        cc__import_emit(imp, &ev);
        return;
    }
    int transfer = cc__span_is(verb, "BLINDTRANSFER") || cc__span_is(verb, "TRANSFER");
    int attended = cc__span_is(verb, "ATTENDEDTRANSFER");
    if (cc__span_is(verb, "COMPLETECALLER") || cc__span_is(verb, "COMPLETEAGENT") || transfer ||
        attended) {
        size_t base = transfer || attended ? 2 : 0;
        if ((wait = cc__ql_seconds(imp, l, base, "holdtime")) < 0 ||
            (talk = cc__ql_seconds(imp, l, base + 1, "calltime")) < 0)
            return;
        if (!ev.agent) ev.agent = c->agent;
        ev.type = CC_EVENT_CONTACT_ENDED;
        ev.duration_ms = talk;
        cc__import_emit(imp, &ev);
        if (transfer || attended) {
            /* The transfer ends the queue's call: ENDED carries the talk,
             * TRANSFERRED (same time, after it) marks the transfer. */
            ev.type = CC_EVENT_CONTACT_TRANSFERRED;
            ev.duration_ms = 0;
            ev.target_agent = cc__import_string(imp, cc__span_trim(l->data[attended ? 1 : 0]));
            ev.flags = attended ? CC_EVENT_F_CONSULT : 0;
            cc__import_emit(imp, &ev);
        }
        cc__ql_agent *a = cc__ql_agent_find(s, ev.agent);
        if (a && a->state == CC_AGENT_BUSY)
            cc__ql_agent_set(imp, a, ev.agent, l->t,
                             a->paused ? CC_AGENT_NOT_READY : CC_AGENT_READY, NULL);
        cc__ql_call_drop(s, c);
        return;
    }
    size_t wait_at = 2;
    if (cc__span_is(verb, "ABANDON")) ev.type = CC_EVENT_CONTACT_ABANDONED;
    else if (cc__span_is(verb, "EXITWITHTIMEOUT")) v = "max-wait";
    else if (cc__span_is(verb, "EXITEMPTY")) v = "empty";
    else if (cc__span_is(verb, "EXITWITHKEY")) v = "key", wait_at = 3;
    if ((wait = cc__ql_seconds(imp, l, wait_at, "waittime")) < 0) return;
    if (v) {
        ev.type = CC_EVENT_CONTACT_LEFT;
        ev.reason = v;
    }
    ev.agent = NULL;
    ev.wait_ms = wait;
    cc__import_emit(imp, &ev);
    cc__ql_call_drop(s, c);
}

static void cc__ql_agent_event(cc_import *imp, cc__ql_state *s, const cc__ql_line *l)
{
    if (!l->agent) {
        cc__import_reject(imp, "%.*s without an agent", (int)l->verb.n, l->verb.p);
        return;
    }
    cc_event ev;
    cc__span verb = l->verb;
    cc__ql_agent *a = cc__ql_agent_track(imp, s, l->agent, l->t);
    if (!a) return;
    if (cc__span_is(verb, "AGENTLOGIN")) {
        cc__ql_event_init(&ev, l, CC_EVENT_AGENT_LOGIN);
        ev.queue = NULL;
        ev.channel = CC_CHANNEL_NONE;
        cc__import_emit(imp, &ev);
        a->state = CC_AGENT_READY; /* the login event itself says so */
        a->since_ms = l->t;
        a->paused = 0;
    } else if (cc__span_is(verb, "AGENTLOGOFF")) {
        int64_t logged = 0;
        if (l->ndata >= 2 && cc__span_seconds_ms(cc__span_trim(l->data[1]), &logged) != 0) {
            cc__import_reject(imp, "AGENTLOGOFF: logintime is not a number of seconds");
            return;
        }
        cc__ql_agent_set(imp, a, l->agent, l->t, CC_AGENT_LOGGED_OUT, NULL);
        cc__ql_event_init(&ev, l, CC_EVENT_AGENT_LOGOUT);
        ev.queue = NULL;
        ev.channel = CC_CHANNEL_NONE;
        ev.duration_ms = logged;
        cc__import_emit(imp, &ev);
    } else if (cc__span_is(verb, "ADDMEMBER")) {
        cc__ql_event_init(&ev, l, CC_EVENT_QUEUE_MEMBER_ADDED);
        ev.channel = CC_CHANNEL_NONE;
        cc__import_emit(imp, &ev);
        a->members++;
        if (a->state == CC_AGENT_LOGGED_OUT)
            cc__ql_agent_set(imp, a, l->agent, l->t, CC_AGENT_READY, NULL);
    } else if (cc__span_is(verb, "REMOVEMEMBER")) {
        cc__ql_event_init(&ev, l, CC_EVENT_QUEUE_MEMBER_REMOVED);
        ev.channel = CC_CHANNEL_NONE;
        cc__import_emit(imp, &ev);
        if (a->members && --a->members == 0)
            cc__ql_agent_set(imp, a, l->agent, l->t, CC_AGENT_LOGGED_OUT, NULL);
    } else if (cc__span_is(verb, "PAUSE")) {
        a->paused = 1;
        if (a->state != CC_AGENT_BUSY) {
            const char *reason =
                l->ndata ? cc__import_string(imp, cc__span_trim(l->data[0])) : NULL;
            cc__ql_agent_set(imp, a, l->agent, l->t, CC_AGENT_NOT_READY, reason);
        }
    } else { /* UNPAUSE */
        a->paused = 0;
        if (a->state != CC_AGENT_BUSY)
            cc__ql_agent_set(imp, a, l->agent, l->t, CC_AGENT_READY, NULL);
    }
}

static int cc__ql_is_call_verb(cc__span v)
{
    static const char *const verbs[] = {
        "ENTERQUEUE",  "CONNECT",       "COMPLETECALLER",   "COMPLETEAGENT",
        "ABANDON",     "EXITWITHTIMEOUT", "EXITEMPTY",      "EXITWITHKEY",
        "RINGNOANSWER", "BLINDTRANSFER", "ATTENDEDTRANSFER", "TRANSFER",
    };
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
        if (cc__span_is(v, verbs[i])) return 1;
    return 0;
}

static int cc__ql_is_agent_verb(cc__span v)
{
    return cc__span_is(v, "ADDMEMBER") || cc__span_is(v, "REMOVEMEMBER") ||
           cc__span_is(v, "PAUSE") || cc__span_is(v, "UNPAUSE") ||
           cc__span_is(v, "AGENTLOGIN") || cc__span_is(v, "AGENTLOGOFF");
}

/* "NONE" and "" mean no queue / agent. */
static const char *cc__ql_name(cc_import *imp, cc__span f)
{
    f = cc__span_trim(f);
    if (f.n == 0 || cc__span_is(f, "NONE")) return NULL;
    return cc__import_string(imp, f);
}

static void cc__ql_line_parse(cc_import *imp, void *state, const char *line, size_t len)
{
    cc__ql_state *s = state;
    cc__span f[CC__QL_MAX_FIELDS + 5];
    size_t n = cc__span_split(line, len, '|', f, CC__QL_MAX_FIELDS + 5);
    if (n < 5) {
        cc__import_reject(imp, "expected epoch|uniqueid|queue|agent|EVENT, got %zu fields", n);
        return;
    }
    cc__ql_line l;
    memset(&l, 0, sizeof l);
    double epoch;
    if (cc__span_double(cc__span_trim(f[0]), &epoch) != 0 || epoch < 0 || epoch > 1e11) {
        cc__import_reject(imp, "time is not epoch seconds");
        return;
    }
    l.t = (int64_t)(epoch * 1000.0);
    l.verb = cc__span_trim(f[4]);
    l.ndata = n - 5;
    memcpy(l.data, f + 5, l.ndata * sizeof *f);
    if (l.t > s->now_ms) s->now_ms = l.t;
    int call = cc__ql_is_call_verb(l.verb), agent = cc__ql_is_agent_verb(l.verb);
    if (!call && !agent) {
        cc__import_skip(imp);
        return;
    }
    l.queue = cc__ql_name(imp, f[2]);
    l.agent = cc__ql_name(imp, f[3]);
    if (call) {
        cc__span uid = cc__span_trim(f[1]);
        if (uid.n == 0 || cc__span_is(uid, "NONE")) {
            cc__import_reject(imp, "%.*s without a call uniqueid", (int)l.verb.n, l.verb.p);
            return;
        }
        l.key = cc__import_text_id(uid);
        cc__ql_call_event(imp, s, &l);
    } else {
        cc__ql_agent_event(imp, s, &l);
    }
}

const cc__import_format cc__import_queue_log = {
    .name = "queue_log",
    .state_size = sizeof(cc__ql_state),
    .init = cc__ql_init,
    .destroy = cc__ql_destroy,
    .line = cc__ql_line_parse,
};
