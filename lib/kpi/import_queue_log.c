/*
 * lib/kpi/import_queue_log.c - Asterisk queue_log as events.
 *
 * Lines are `epoch|uniqueid|queue|agent|EVENT|data1|data2|...` (app_queue's
 * queue_log). Calls are followed by uniqueid from ENTERQUEUE (or the FULL /
 * JOINEMPTY / JOINUNAVAIL logged instead) to their last line; other lines of
 * a call never seen entering, or already over, are skipped (cc__ql_orphan).
 * Agents are followed from AGENTLOGIN / ADDMEMBER so that their states
 * (ready, busy, not ready) become AGENT_STATE events for occupancy.
 *
 *   ENTERQUEUE        url|callerid|position     ARRIVED + QUEUED
 *   FULL / JOINEMPTY / JOINUNAVAIL (instead of ENTERQUEUE: the queue refused
 *                     the call)                 ARRIVED + BLOCKED "full" /
 *                                               "empty" / "unavailable"
 *   CONNECT           holdtime|bridged|ringtime CONNECTED (wait = holdtime)
 *   COMPLETECALLER    holdtime|calltime|pos     ENDED (talk = calltime)
 *   COMPLETEAGENT     holdtime|calltime|pos     ENDED
 *   ABANDON           pos|origpos|waittime      ABANDONED
 *   EXITWITHTIMEOUT   pos|origpos|waittime      LEFT "max-wait"  (held, see below)
 *   EXITEMPTY         pos|origpos|waittime      LEFT "empty"     (held)
 *   EXITWITHKEY       key|pos|origpos|waittime  LEFT "key"       (held)
 *   RINGNOANSWER      ringtime (ms)             RING_TIMEOUT
 *   BLINDTRANSFER, TRANSFER  ext|context|holdtime|calltime|pos  TRANSFERRED, ENDED (held)
 *   ATTENDEDTRANSFER  method|target|holdtime|calltime|pos  TRANSFERRED (consult), ENDED (held)
 *   ADDMEMBER / REMOVEMEMBER                    QUEUE_MEMBER_ADDED / _REMOVED
 *   PAUSE reason / UNPAUSE                      AGENT_STATE not_ready / ready
 *   AGENTLOGIN channel / AGENTLOGOFF channel|logintime  AGENT_LOGIN / AGENT_LOGOUT
 * Other verbs (AGENTCALLED, CONFIGRELOAD, QUEUESTART, ...) are skipped.
 *
 * A transfer or an exit hands the call back to the dialplan, which may queue
 * it again elsewhere under the same uniqueid (a transfer to a queue
 * extension, an overflow after a timeout): that is the same contact. So the
 * end of such a call is held: when the call enters a queue again it goes on
 * (QUEUED, after OVERFLOWED for an exit, whose wait then carries on), and
 * otherwise its terminal event (ENDED after a transfer, LEFT after an exit)
 * is sent with its own time once no re-entry can come: CC__QL_REENTRY_MS of
 * log time later, when the same caller starts a new call (so that call can be
 * a repeat of it), or at cc_import_finish.
 *
 * Memory: one record per call in progress (calls silent for a day are
 * dropped), one per held end and one per agent seen: O(concurrent calls +
 * calls that left a queue in the last CC__QL_REENTRY_MS + agents). A new
 * call from a known caller ends that caller's held calls through a list of
 * its held ends (cc__ql_caller): O(1) amortised per held end, however many
 * other calls are held.
 */
#include "import_format.h"
#include "kpi_limits.h"

#include "base/mem.h"
#include "id_map.h"

#include <string.h>

#define CC__QL_MAX_FIELDS 12
#define CC__QL_STALE_MS 86400000LL
#define CC__QL_SWEEP_MIN 4096u
/* How long a call that left a queue by a transfer or an exit may take to
 * enter the next one (a transfer or the dialplan's next Queue() is
 * immediate; an announcement or a menu in between takes seconds to
 * minutes). */
#define CC__QL_REENTRY_MS (5 * 60000LL)

/* How a call left its last queue, while its end is held. */
typedef enum cc__ql_held {
    CC__QL_HELD_NONE = 0,
    CC__QL_HELD_TRANSFER, /* ends with ENDED, or enters another queue */
    CC__QL_HELD_EXIT      /* ends with LEFT, or flows out to another queue */
} cc__ql_held;

typedef struct cc__ql_call {
    uint64_t key; /* hash of uniqueid */
    uint64_t contact_id, customer;
    const char *queue, *agent;
    int64_t last_ms;
    int64_t wait_base_ms; /* waited in queues it flowed out of, unanswered */
    cc__ql_held held;
    int64_t held_ms;         /* when it left its last queue */
    int64_t held_wait_ms;    /* exit: its wait until then */
    const char *held_reason; /* exit: "max-wait", "empty", "key" */
    int live;
} cc__ql_call;

/* A held end, in the order the calls left their queues. Entries are named
 * by a sequence number (the first is 1) that stays valid while the entry is
 * in the ring: cc__ql_hold_at. */
typedef struct cc__ql_hold {
    uint64_t key;
    int64_t held_ms;
    uint64_t customer;
    uint64_t next_seq; /* the caller's next held end, 0 = none */
} cc__ql_hold;

/* A caller with held ends in the ring: the first and last of them, linked
 * through next_seq. One per caller with entries in the ring. */
typedef struct cc__ql_caller {
    uint64_t head_seq, tail_seq;
} cc__ql_caller;

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
    cc__ql_hold *holds; /* ring buffer */
    size_t hold_head, hold_len, hold_cap;
    uint64_t hold_seq0; /* sequence number of holds[hold_head] */
    cc__ql_caller *callers; /* indexed through caller_map (customer id) */
    size_t ncallers, callers_cap;
    uint32_t *free_callers;
    size_t nfree_callers, free_callers_cap;
    cc__id_map caller_map;
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
    cc__id_map_init(&s->caller_map);
    s->hold_seq0 = 1;
    s->sweep_at = CC__QL_SWEEP_MIN;
    return CC_OK;
}

static void cc__ql_destroy(void *state)
{
    cc__ql_state *s = state;
    cc__free(s->calls);
    cc__free(s->free_calls);
    cc__id_map_free(&s->call_map);
    cc__free(s->holds);
    cc__free(s->callers);
    cc__free(s->free_callers);
    cc__id_map_free(&s->caller_map);
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
    int rc = i < l->ndata ? cc__span_seconds_ms(cc__span_trim(l->data[i]), &ms) : -1;
    if (rc == CC__SCAN_BEYOND) {
        cc__import_reject(imp,
                          "%.*s: %s (data field %zu) is beyond the 1e12 s (about 31,700 "
                          "years) the KPI engine accepts",
                          (int)l->verb.n, l->verb.p, what, i + 1);
        return -1;
    }
    if (rc != 0) {
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

/* ---- held ends ------------------------------------------------------------- */

static cc__ql_call *cc__ql_hold_call(cc__ql_state *s, const cc__ql_hold *h);

/* The ring entry with sequence number seq, or NULL once it left the ring. */
static cc__ql_hold *cc__ql_hold_at(cc__ql_state *s, uint64_t seq)
{
    if (seq < s->hold_seq0 || seq - s->hold_seq0 >= s->hold_len) return NULL;
    return &s->holds[(s->hold_head + (seq - s->hold_seq0)) % s->hold_cap];
}

/* Appends ring entry seq to its caller's list (a new list when the caller
 * has none); 0, or -1 when out of memory (nothing changed). O(1). */
static int cc__ql_caller_link(cc__ql_state *s, uint64_t customer, uint64_t seq)
{
    uint32_t i = cc__id_map_get(&s->caller_map, customer);
    if (i != CC__ID_MAP_NONE) {
        cc__ql_caller *k = &s->callers[i];
        cc__ql_hold *tail = cc__ql_hold_at(s, k->tail_seq);
        if (tail) tail->next_seq = seq;
        else k->head_seq = seq;
        k->tail_seq = seq;
        return 0;
    }
    if (s->nfree_callers) {
        i = s->free_callers[--s->nfree_callers];
    } else {
        if (cc__grow((void **)&s->callers, &s->callers_cap, s->ncallers + 1, sizeof *s->callers) ||
            cc__grow((void **)&s->free_callers, &s->free_callers_cap, s->ncallers + 1,
                     sizeof *s->free_callers))
            return -1;
        i = (uint32_t)s->ncallers++;
    }
    if (cc__id_map_put(&s->caller_map, customer, i) != 0) {
        s->free_callers[s->nfree_callers++] = i;
        return -1;
    }
    s->callers[i] = (cc__ql_caller){seq, seq};
    return 0;
}

/* Forgets the list of `customer` (its entries stay in the ring, unlinked). */
static void cc__ql_caller_drop(cc__ql_state *s, uint64_t customer, uint32_t i)
{
    cc__id_map_del(&s->caller_map, customer);
    s->free_callers[s->nfree_callers++] = i;
}

static int cc__ql_hold_push(cc__ql_state *s, const cc__ql_call *c)
{
    if (s->hold_len == s->hold_cap) {
        size_t n = s->hold_cap ? s->hold_cap * 2 : 64;
        cc__ql_hold *h = cc__malloc(n * sizeof *h);
        if (!h) return -1;
        for (size_t i = 0; i < s->hold_len; i++)
            h[i] = s->holds[(s->hold_head + i) % s->hold_cap];
        cc__free(s->holds);
        s->holds = h;
        s->hold_cap = n;
        s->hold_head = 0;
    }
    uint64_t seq = s->hold_seq0 + s->hold_len;
    if (c->customer && cc__ql_caller_link(s, c->customer, seq) != 0) return -1;
    cc__ql_hold *h = &s->holds[(s->hold_head + s->hold_len) % s->hold_cap];
    h->key = c->key;
    h->held_ms = c->held_ms;
    h->customer = c->customer;
    h->next_seq = 0;
    s->hold_len++;
    return 0;
}

/* Takes the oldest entry out of the ring (its caller's list starts at the
 * next one) and returns the call whose end it still holds, if any. O(1). */
static cc__ql_call *cc__ql_hold_pop(cc__ql_state *s)
{
    cc__ql_hold *h = &s->holds[s->hold_head];
    cc__ql_call *c = cc__ql_hold_call(s, h);
    uint32_t i = h->customer ? cc__id_map_get(&s->caller_map, h->customer) : CC__ID_MAP_NONE;
    if (i != CC__ID_MAP_NONE && s->callers[i].head_seq == s->hold_seq0) {
        if (h->next_seq) s->callers[i].head_seq = h->next_seq;
        else cc__ql_caller_drop(s, h->customer, i);
    }
    s->hold_head = (s->hold_head + 1) % s->hold_cap;
    s->hold_len--;
    s->hold_seq0++;
    return c;
}

/* The call a held-end entry was made for, if its end is still held (the
 * call may have gone on, or its uniqueid come back as another call). */
static cc__ql_call *cc__ql_hold_call(cc__ql_state *s, const cc__ql_hold *h)
{
    cc__ql_call *c = cc__ql_call_find(s, h->key);
    return c && c->held != CC__QL_HELD_NONE && c->held_ms == h->held_ms ? c : NULL;
}

/* Sends the held terminal event of call c, with the time it left its queue,
 * and forgets the call. */
static void cc__ql_end_held(cc_import *imp, cc__ql_state *s, cc__ql_call *c)
{
    cc_event ev;
    memset(&ev, 0, sizeof ev);
    ev.time_ms = c->held_ms;
    ev.contact_id = c->contact_id;
    ev.customer_id = c->customer;
    ev.queue = c->queue;
    ev.channel = CC_CHANNEL_VOICE;
    if (c->held == CC__QL_HELD_TRANSFER) {
        /* Transferred out of the queues: the agent's leg ended with the
         * transfer, so this ENDED only closes the contact. */
        ev.type = CC_EVENT_CONTACT_ENDED;
    } else {
        ev.type = CC_EVENT_CONTACT_LEFT;
        ev.wait_ms = c->held_wait_ms;
        ev.reason = c->held_reason;
    }
    c->held = CC__QL_HELD_NONE;
    cc__import_emit(imp, &ev);
    cc__ql_call_drop(s, c);
}

/* Holds the end of call c, which left its queue at t. When the held-end
 * list cannot grow, the end is not held: the terminal event goes now. */
static void cc__ql_hold_end(cc_import *imp, cc__ql_state *s, cc__ql_call *c, cc__ql_held how,
                            int64_t t)
{
    c->held = how;
    c->held_ms = t;
    if (cc__ql_hold_push(s, c) != 0) {
        cc__import_oom(imp);
        cc__ql_end_held(imp, s, c);
    }
}

/* Ends the held calls that can no longer enter a queue again. */
static void cc__ql_holds_expire(cc_import *imp, cc__ql_state *s)
{
    while (s->hold_len) {
        if (s->holds[s->hold_head].held_ms + CC__QL_REENTRY_MS >= s->now_ms) break;
        cc__ql_call *c = cc__ql_hold_pop(s);
        if (c) cc__ql_end_held(imp, s, c);
    }
}

/* A caller starts a new call: their held calls are over (the caller is on
 * the new one), so they end before it arrives and it can be their repeat. */
static void cc__ql_holds_end_caller(cc_import *imp, cc__ql_state *s, uint64_t customer)
{
    uint32_t i = customer ? cc__id_map_get(&s->caller_map, customer) : CC__ID_MAP_NONE;
    if (i == CC__ID_MAP_NONE) return;
    for (cc__ql_hold *h = cc__ql_hold_at(s, s->callers[i].head_seq); h;
         h = h->next_seq ? cc__ql_hold_at(s, h->next_seq) : NULL) {
        cc__ql_call *c = cc__ql_hold_call(s, h);
        if (c && c->customer == customer) cc__ql_end_held(imp, s, c);
    }
    cc__ql_caller_drop(s, customer, i); /* its entries are spent */
}

/* cc_import_finish: no call can come back now. */
static void cc__ql_finish(cc_import *imp, void *state)
{
    cc__ql_state *s = state;
    while (s->hold_len) {
        cc__ql_call *c = cc__ql_hold_pop(s);
        if (c) cc__ql_end_held(imp, s, c);
    }
}

/* ---- call lines ---------------------------------------------------------------- */

/* A held call enters queue l->queue: it goes on. After an exit to another
 * queue it flowed out of the old one, and its wait carries on. */
static void cc__ql_reenter(cc_import *imp, cc__ql_call *c, const cc__ql_line *l)
{
    if (c->held == CC__QL_HELD_EXIT && l->queue && l->queue != c->queue) {
        cc_event ev;
        cc__ql_event_init(&ev, l, CC_EVENT_CONTACT_OVERFLOWED);
        ev.time_ms = c->held_ms;
        ev.queue = c->queue;
        ev.agent = NULL;
        ev.target_queue = l->queue;
        ev.contact_id = c->contact_id;
        ev.customer_id = c->customer;
        ev.wait_ms = c->held_wait_ms;
        cc__import_emit(imp, &ev);
    }
    c->wait_base_ms = c->held == CC__QL_HELD_EXIT ? c->held_wait_ms : 0;
    c->held = CC__QL_HELD_NONE;
}

/* ENTERQUEUE, or a line logged instead of it when the queue refused the call
 * (`refused` is then the blocked reason): a new call arrives, a held call
 * goes on in its next queue. */
static void cc__ql_on_enter(cc_import *imp, cc__ql_state *s, cc__ql_call *c, int made,
                            const cc__ql_line *l, cc_event *ev, const char *refused)
{
    if (l->ndata >= 2) c->customer = cc__ql_customer(l->data[1]);
    if (made) cc__ql_holds_end_caller(imp, s, c->customer);
    if (c->held != CC__QL_HELD_NONE) cc__ql_reenter(imp, c, l);
    if (l->queue) c->queue = l->queue;
    ev->queue = c->queue;
    ev->customer_id = c->customer;
    ev->virtual_start_ms = l->t;
    if (made) {
        ev->type = CC_EVENT_CONTACT_ARRIVED;
        cc__import_emit(imp, ev);
    }
    if (refused) {
        ev->type = CC_EVENT_CONTACT_BLOCKED;
        ev->reason = refused;
        cc__import_emit(imp, ev);
        cc__ql_call_drop(s, c);
        return;
    }
    ev->type = CC_EVENT_CONTACT_QUEUED;
    cc__import_emit(imp, ev);
}

/* Why the queue refused the call, for the verbs Asterisk logs instead of
 * ENTERQUEUE (KPI.md's blocked: queue full or no agents); NULL for others. */
static const char *cc__ql_refusal(cc__span verb)
{
    if (cc__span_is(verb, "FULL")) return "full";
    if (cc__span_is(verb, "JOINEMPTY")) return "empty";
    if (cc__span_is(verb, "JOINUNAVAIL")) return "unavailable";
    return NULL;
}

/* The wait a line reports in its queue plus the waits in the queues the
 * call flowed out of; -1 after rejecting a sum beyond the aggregator's
 * range (kpi_limits.h). */
static int64_t cc__ql_total_wait(cc_import *imp, const cc__ql_call *c, const cc__ql_line *l,
                                 int64_t wait)
{
    if (wait <= CC__KPI_MAX_MS - c->wait_base_ms) return wait + c->wait_base_ms;
    cc__import_reject(imp,
                      "%.*s: the wait with the earlier queues' waits is beyond the 1e15 ms "
                      "the KPI engine accepts",
                      (int)l->verb.n, l->verb.p);
    return -1;
}

static void cc__ql_on_connect(cc_import *imp, cc__ql_state *s, cc__ql_call *c, const cc__ql_line *l,
                              cc_event *ev)
{
    int64_t wait = cc__ql_seconds(imp, l, 0, "holdtime");
    if (wait < 0 || (wait = cc__ql_total_wait(imp, c, l, wait)) < 0) return;
    ev->type = CC_EVENT_CONTACT_CONNECTED;
    ev->wait_ms = wait;
    c->agent = l->agent;
    cc__import_emit(imp, ev);
    cc__ql_agent *a = cc__ql_agent_find(s, l->agent);
    if (a && a->state != CC_AGENT_LOGGED_OUT)
        cc__ql_agent_set(imp, a, l->agent, l->t, CC_AGENT_BUSY, NULL);
}

/* COMPLETECALLER / COMPLETEAGENT end the call; a transfer ends the agent's
 * leg and hands the call to the dialplan (its end is held). */
static void cc__ql_on_leg_end(cc_import *imp, cc__ql_state *s, cc__ql_call *c, const cc__ql_line *l,
                              cc_event *ev)
{
    cc__span verb = l->verb;
    int transfer = cc__span_is(verb, "BLINDTRANSFER") || cc__span_is(verb, "TRANSFER");
    int attended = cc__span_is(verb, "ATTENDEDTRANSFER");
    size_t base = transfer || attended ? 2 : 0;
    int64_t talk;
    if (cc__ql_seconds(imp, l, base, "holdtime") < 0 ||
        (talk = cc__ql_seconds(imp, l, base + 1, "calltime")) < 0)
        return;
    if (!ev->agent) ev->agent = c->agent;
    if (transfer || attended) {
        /* The talk of the leg is the time since the connect. */
        ev->type = CC_EVENT_CONTACT_TRANSFERRED;
        ev->target_agent = cc__import_string(imp, cc__span_trim(l->data[attended ? 1 : 0]));
        ev->flags = attended ? CC_EVENT_F_CONSULT : 0;
    } else {
        ev->type = CC_EVENT_CONTACT_ENDED;
        ev->duration_ms = talk;
    }
    cc__import_emit(imp, ev);
    cc__ql_agent *a = cc__ql_agent_find(s, ev->agent);
    if (a && a->state == CC_AGENT_BUSY)
        cc__ql_agent_set(imp, a, ev->agent, l->t, a->paused ? CC_AGENT_NOT_READY : CC_AGENT_READY,
                         NULL);
    if (transfer || attended) cc__ql_hold_end(imp, s, c, CC__QL_HELD_TRANSFER, l->t);
    else cc__ql_call_drop(s, c);
}

/* ABANDON ends the call; an exit hands it to the dialplan (held). */
static void cc__ql_on_exit(cc_import *imp, cc__ql_state *s, cc__ql_call *c, const cc__ql_line *l,
                           cc_event *ev)
{
    cc__span verb = l->verb;
    const char *reason = NULL;
    size_t wait_at = 2;
    if (cc__span_is(verb, "EXITWITHTIMEOUT")) reason = "max-wait";
    else if (cc__span_is(verb, "EXITEMPTY")) reason = "empty";
    else if (cc__span_is(verb, "EXITWITHKEY")) reason = "key", wait_at = 3;
    int64_t wait = cc__ql_seconds(imp, l, wait_at, "waittime");
    if (wait < 0 || (wait = cc__ql_total_wait(imp, c, l, wait)) < 0) return;
    if (reason) {
        c->held_wait_ms = wait;
        c->held_reason = reason;
        cc__ql_hold_end(imp, s, c, CC__QL_HELD_EXIT, l->t);
        return;
    }
    ev->type = CC_EVENT_CONTACT_ABANDONED;
    ev->agent = NULL;
    ev->wait_ms = wait;
    cc__import_emit(imp, ev);
    cc__ql_call_drop(s, c);
}

/* A line of a call never seen entering a queue, or already over: the log
 * starts or was rotated mid-call (the call entered before the log's period,
 * whose offered interval it belongs to), a COMPLETECALLER logged twice, a
 * line after a transfer out of the queues. It carries no contact of this log:
 * following it from here made a contact answered or handled without an
 * arrival (a second handled leg for a repeated COMPLETECALLER, a 300 s wait
 * in ASA for a call entered before the log), so it is skipped and counted. */
static void cc__ql_orphan(cc_import *imp)
{
    cc__import_skip(imp);
}

static void cc__ql_call_event(cc_import *imp, cc__ql_state *s, const cc__ql_line *l)
{
    cc__span verb = l->verb;
    const char *refused = cc__ql_refusal(verb);
    int enter = refused || cc__span_is(verb, "ENTERQUEUE");
    cc__ql_call *held = cc__ql_call_find(s, l->key);
    /* Any other line of a held call: it did not enter a queue again. */
    if (held && held->held != CC__QL_HELD_NONE && !enter) cc__ql_end_held(imp, s, held);
    if (!enter && !cc__ql_call_find(s, l->key)) {
        cc__ql_orphan(imp);
        return;
    }
    int made;
    cc__ql_call *c = cc__ql_call_get(imp, s, l->key, &made);
    if (!c) return;
    c->last_ms = l->t;
    if (enter) {
        cc_event ev;
        cc__ql_event_init(&ev, l, CC_EVENT_NONE);
        ev.contact_id = c->contact_id;
        cc__ql_on_enter(imp, s, c, made, l, &ev, refused);
        return;
    }
    if (l->queue) c->queue = l->queue;
    cc_event ev;
    cc__ql_event_init(&ev, l, CC_EVENT_NONE);
    ev.queue = c->queue;
    ev.contact_id = c->contact_id;
    ev.customer_id = c->customer;
    if (cc__span_is(verb, "CONNECT")) {
        cc__ql_on_connect(imp, s, c, l, &ev);
    } else if (cc__span_is(verb, "RINGNOANSWER")) {
        int64_t ring;
        if (l->ndata < 1 || cc__span_i64(cc__span_trim(l->data[0]), &ring) != 0 || ring < 0) {
            cc__import_reject(imp, "RINGNOANSWER: ringtime is not a number of milliseconds");
            return;
        }
        /* The aggregator refuses durations beyond its range (kpi_limits.h):
         * reject the line here, with a reason, as for every other field. */
        if (ring > CC__KPI_MAX_MS) {
            cc__import_reject(imp, "RINGNOANSWER: ringtime is beyond the 1e15 ms (about "
                                   "31,700 years) the KPI engine accepts");
            return;
        }
        ev.type = CC_EVENT_CONTACT_RING_TIMEOUT;
        ev.duration_ms = ring;
        cc__import_emit(imp, &ev);
    } else if (cc__span_is(verb, "COMPLETECALLER") || cc__span_is(verb, "COMPLETEAGENT") ||
               cc__span_is(verb, "BLINDTRANSFER") || cc__span_is(verb, "TRANSFER") ||
               cc__span_is(verb, "ATTENDEDTRANSFER")) {
        cc__ql_on_leg_end(imp, s, c, l, &ev);
    } else {
        cc__ql_on_exit(imp, s, c, l, &ev);
    }
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
        "FULL",        "JOINEMPTY",     "JOINUNAVAIL",
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
    if (s->hold_len) cc__ql_holds_expire(imp, s);
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
    .finish = cc__ql_finish,
};
