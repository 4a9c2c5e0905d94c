/*
 * lib/kpi/kpi_aggregator.c - the streaming KPI aggregator (callcore/kpi.h).
 *
 * Each event updates O(1) running sums: the (interval, queue, channel) cell
 * the contact entered the queue in, and its agent. Contacts are tracked from
 * their first event to their terminal event (plus the survey grace period) so
 * that "first answer in a queue", transfers and the experience line are seen
 * per contact; customers are kept for the repeat window only (kpi_state.h).
 */
#include "kpi_limits.h"
#include "kpi_state.h"

#include "base/error.h"
#include "base/mem.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#define CC__KPI_DEFAULT_INTERVAL_MS (30 * 60000LL)
#define CC__KPI_DEFAULT_SL_MS 20000LL
#define CC__KPI_DEFAULT_SHORT_MS 5000LL
#define CC__KPI_DEFAULT_WINDOW_MS (7 * 86400000LL)
#define CC__KPI_DEFAULT_GRACE_MS (15 * 60000LL)
/* An open contact without any event for this long is given up (its log was
 * cut short); this keeps memory bounded on broken inputs. */
#define CC__KPI_STALE_MS 86400000LL

/* ---- variants ------------------------------------------------------------ */

const char *cc_sl_variant_name(int variant)
{
    static const char *const names[] = {"V1", "V2", "V3", "V4", "V5", "V6"};
    return variant >= 1 && variant <= 6 ? names[variant - 1] : "unknown";
}

cc_status cc_sl_variant_parse(const char *text, cc_sl_variant *out)
{
    if (!text || !out) return cc__fail(CC_EINVAL, "service-level variant: NULL argument");
    const char *p = text;
    if (*p == 'V' || *p == 'v') p++;
    if (p[0] >= '1' && p[0] <= '6' && p[1] == '\0') {
        *out = (cc_sl_variant)(p[0] - '0');
        return CC_OK;
    }
    return cc__fail(CC_EINVAL, "service-level variant '%s': expected V1..V6", text);
}

/* ---- lifetime ------------------------------------------------------------ */

static cc_status cc__kpi_options_check(const cc_kpi_options *o)
{
    if (o->version != CC_KPI_OPTIONS_VERSION)
        return cc__fail(CC_EVERSION, "cc_kpi_options: version %u unknown (expected %u)",
                        (unsigned)o->version, (unsigned)CC_KPI_OPTIONS_VERSION);
    if (o->interval_ms != 0 && o->interval_ms < 60000)
        return cc__fail(CC_EINVAL, "kpi: interval must be >= 60000 ms, got %lld",
                        (long long)o->interval_ms);
    if (o->sl_threshold_ms < 0)
        return cc__fail(CC_EINVAL, "kpi: service-level threshold must be >= 0 ms, got %lld",
                        (long long)o->sl_threshold_ms);
    if (o->sl_variant != 0 && (o->sl_variant < 1 || o->sl_variant > 6))
        return cc__fail(CC_EINVAL, "kpi: service-level variant must be 1..6, got %d",
                        (int)o->sl_variant);
    if (o->repeat_window_ms < 0)
        return cc__fail(CC_EINVAL, "kpi: repeat window must be >= 0 ms, got %lld",
                        (long long)o->repeat_window_ms);
    if (o->interval_ms > CC__KPI_MAX_MS || o->sl_threshold_ms > CC__KPI_MAX_MS ||
        o->short_abandon_ms > CC__KPI_MAX_MS || o->repeat_window_ms > CC__KPI_MAX_MS ||
        o->cx_grace_ms > CC__KPI_MAX_MS)
        return cc__fail(CC_EINVAL, "kpi: times in the options must be <= 1e15 ms");
    if (o->pareto_share < 0 || o->pareto_share > 1 || isnan(o->pareto_share))
        return cc__fail(CC_EINVAL, "kpi: Pareto share must be in (0, 1], got %g",
                        o->pareto_share);
    if (o->cx && o->cx->version != CC_KPI_CX_MODEL_VERSION)
        return cc__fail(CC_EVERSION, "cc_kpi_cx_model: version %u unknown (expected %u)",
                        (unsigned)o->cx->version, (unsigned)CC_KPI_CX_MODEL_VERSION);
    if (o->cost && o->cost->version != CC_KPI_COST_MODEL_VERSION)
        return cc__fail(CC_EVERSION, "cc_kpi_cost_model: version %u unknown (expected %u)",
                        (unsigned)o->cost->version, (unsigned)CC_KPI_COST_MODEL_VERSION);
    if (o->cost && !(isfinite(o->cost->agent_hourly) && isfinite(o->cost->telco_per_min) &&
                     isfinite(o->cost->fixed)))
        return cc__fail(CC_EINVAL, "kpi: cost model values must be finite");
    if (o->cx) {
        const double *w = &o->cx->start;
        for (int i = 0; i < 9; i++)
            if (!isfinite(w[i])) return cc__fail(CC_EINVAL, "kpi: experience weights must be finite");
    }
    return CC_OK;
}

/* The short-abandon limit S for the option `given` (0: default) and the
 * threshold t; -1 for none. S must be below T: the default (5 s) applies
 * when T is above it, otherwise there are no short abandons, since an
 * error would name a limit the caller never set. */
static int64_t cc__kpi_short_abandon_limit(int64_t given, int64_t t)
{
    if (given < 0) return -1;
    if (given > 0) return given;
    return CC__KPI_DEFAULT_SHORT_MS < t ? CC__KPI_DEFAULT_SHORT_MS : -1;
}

cc_status cc_kpi_new(cc_kpi **out, const cc_kpi_options *options)
{
    if (!out) return cc__fail(CC_EINVAL, "cc_kpi_new: out is NULL");
    *out = NULL;
    cc_kpi_options defaults = CC_KPI_OPTIONS_INIT;
    const cc_kpi_options *o = options ? options : &defaults;
    cc_status st = cc__kpi_options_check(o);
    if (st != CC_OK) return st;
    int64_t t = o->sl_threshold_ms ? o->sl_threshold_ms : CC__KPI_DEFAULT_SL_MS;
    int64_t s = cc__kpi_short_abandon_limit(o->short_abandon_ms, t);
    if (s >= t)
        return cc__fail(CC_EINVAL,
                        "kpi: the short-abandon limit S = %lld ms must be below the "
                        "service-level threshold T = %lld ms",
                        (long long)s, (long long)t);

    cc_kpi *k = cc__calloc(1, sizeof *k);
    if (!k) return cc__fail(CC_ENOMEM, "cc_kpi_new: out of memory");
    k->interval_ms = o->interval_ms ? o->interval_ms : CC__KPI_DEFAULT_INTERVAL_MS;
    k->sl_threshold_ms = t;
    k->short_abandon_ms = s;
    k->repeat_window_ms = o->repeat_window_ms ? o->repeat_window_ms : CC__KPI_DEFAULT_WINDOW_MS;
    k->cx_grace_ms = o->cx_grace_ms ? o->cx_grace_ms : CC__KPI_DEFAULT_GRACE_MS;
    k->variant = o->sl_variant ? (cc_sl_variant)o->sl_variant : CC_SL_V2;
    k->repeat_same_reason = o->repeat_same_reason != 0;
    k->pareto_share = o->pareto_share > 0 ? o->pareto_share : 0.8;
    cc_kpi_cx_model cx = CC_KPI_CX_MODEL_INIT;
    k->cx = o->cx ? *o->cx : cx;
    if (o->cost) {
        k->cost = *o->cost;
        k->has_cost = 1;
    }
    k->on_contact = o->on_contact;
    k->user_data = o->user_data;
    cc__names_init(&k->queues);
    cc__names_init(&k->agent_names);
    cc__names_init(&k->reasons);
    cc__id_map_init(&k->contact_map);
    cc__id_map_init(&k->customer_map);
    cc__id_map_init(&k->done_map);
    k->last_cell = k->last_agent_cell = CC__NO_CELL;
    k->contacts_sweep_at = CC__KPI_SWEEP_MIN;
    k->customers_prune_at = CC__KPI_SWEEP_MIN;
    *out = k;
    return CC_OK;
}

void cc_kpi_free(cc_kpi *k)
{
    if (!k) return;
    cc__names_free(&k->queues);
    cc__names_free(&k->agent_names);
    cc__names_free(&k->reasons);
    cc__free(k->cells);
    cc__free(k->cell_slots);
    cc__free(k->agents);
    cc__free(k->contacts);
    cc__free(k->contact_free);
    cc__id_map_free(&k->contact_map);
    cc__free(k->pending);
    cc__free(k->customers);
    cc__free(k->customer_free);
    cc__id_map_free(&k->customer_map);
    cc__free(k->done);
    cc__id_map_free(&k->done_map);
    cc__free(k->reason_counts);
    cc__free(k);
}

/* ---- names --------------------------------------------------------------- */

/* Id of a queue / agent name (0 for NULL or ""), via a one-entry cache.
 * Returns 0 and sets *oom on allocation failure. */
static uint32_t cc__kpi_name_id(cc__names *t, cc__kpi_name_cache *cache, const char *name,
                                int *oom)
{
    if (!name || !*name) return 0;
    if (cache->name && strcmp(cache->name, name) == 0) return cache->id;
    uint32_t id = cc__names_intern(t, name, strlen(name));
    if (!id) {
        *oom = 1;
        return 0;
    }
    cache->name = cc__names_get(t, id);
    cache->id = id;
    return id;
}

static uint32_t cc__kpi_reason_id(cc_kpi *k, const char *reason, int *oom)
{
    if (!reason || !*reason) return 0;
    uint32_t id = cc__names_intern(&k->reasons, reason, strlen(reason));
    if (!id) {
        *oom = 1;
        return 0;
    }
    if (id > k->nreason_counts) {
        if (cc__grow((void **)&k->reason_counts, &k->reason_counts_cap, id, sizeof(uint64_t)) !=
            0) {
            *oom = 1;
            return 0;
        }
        /* cc__grow leaves new elements uninitialised. */
        memset(k->reason_counts + k->nreason_counts, 0,
               (id - k->nreason_counts) * sizeof(uint64_t));
        k->nreason_counts = id;
    }
    return id;
}

/* ---- contacts ------------------------------------------------------------ */

static void cc__kpi_cx_move(const cc_kpi *k, cc__kpi_contact *c, double delta)
{
    if (delta == 0.0) return;
    c->cx += delta;
    c->cx_moves++;
    if (fabs(c->cx - k->cx.start) > fabs(c->cx_peak - k->cx.start)) c->cx_peak = c->cx;
}

/* ---- closed contacts, for late events -------------------------------------- */

/* The ring of closed contacts is appended to at every close, and indexed by
 * id only when a late event asks (cc__kpi_done_find): most streams carry no
 * late events, and a map of a day of contacts costs a cache miss or three per
 * contact (about a third of the aggregation's speed when it was kept at every
 * close). The indexed records are the oldest `done_indexed` of the ring. */

/* Forgets the closed contacts remembered until `now`. */
static void cc__kpi_done_expire(cc_kpi *k, int64_t now)
{
    while (k->done_len && k->done[k->done_head].until_ms <= now) {
        const cc__kpi_done *d = &k->done[k->done_head];
        /* the id may have been reused since: only this record's entry goes */
        if (k->done_indexed) {
            if (cc__id_map_get(&k->done_map, d->id) == k->done_head)
                cc__id_map_del(&k->done_map, d->id);
            k->done_indexed--;
        }
        k->done_head = (k->done_head + 1) % k->done_cap;
        k->done_len--;
    }
}

/* Doubles the ring, oldest record in slot 0; the map follows the slots of the
 * indexed records (a reused id ends on its newest record). Returns 0 or -1. */
static int cc__kpi_done_grow(cc_kpi *k)
{
    size_t n = k->done_cap ? k->done_cap * 2 : 64;
    if (n >= CC__ID_MAP_NONE) return -1;
    cc__kpi_done *d = cc__malloc(n * sizeof *d);
    if (!d) return -1;
    for (size_t i = 0; i < k->done_len; i++) d[i] = k->done[(k->done_head + i) % k->done_cap];
    for (size_t i = 0; i < k->done_indexed; i++)
        if (cc__id_map_get(&k->done_map, d[i].id) != CC__ID_MAP_NONE)
            (void)cc__id_map_put(&k->done_map, d[i].id, (uint32_t)i); /* a known key: no allocation */
    cc__free(k->done);
    k->done = d;
    k->done_cap = n;
    k->done_head = 0;
    return 0;
}

/* Remembers contact c, whose line closes now, for CC__KPI_DONE_MS. O(1), no
 * map. Out of memory it is not remembered: a late event then counts on its own. */
static void cc__kpi_done_add(cc_kpi *k, const cc__kpi_contact *c)
{
    if (k->done_len == k->done_cap && cc__kpi_done_grow(k) != 0) return;
    cc__kpi_done *d = &k->done[(k->done_head + k->done_len) % k->done_cap];
    d->id = c->id;
    d->until_ms = k->now_ms + CC__KPI_DONE_MS;
    d->cell = c->cell;
    d->agent = c->agent;
    d->reason = c->reason;
    k->done_len++;
}

/* The closed contact `id`, or NULL: indexes the records closed since the last
 * look first (amortised O(1) each). Out of memory the index stops where it
 * is, and the records after it are not found until a later look. */
static cc__kpi_done *cc__kpi_done_find(cc_kpi *k, uint64_t id)
{
    for (; k->done_indexed < k->done_len; k->done_indexed++) {
        size_t slot = (k->done_head + k->done_indexed) % k->done_cap;
        if (cc__id_map_put(&k->done_map, k->done[slot].id, (uint32_t)slot) != 0) break;
    }
    uint32_t slot = cc__id_map_get(&k->done_map, id);
    return slot == CC__ID_MAP_NONE ? NULL : &k->done[slot];
}

static cc__kpi_contact *cc__kpi_contact_find(cc_kpi *k, uint64_t id)
{
    uint32_t idx = cc__id_map_get(&k->contact_map, id);
    return idx == CC__ID_MAP_NONE ? NULL : &k->contacts[idx];
}

/* Ends a contact's life in the aggregator: its line goes into the sums and
 * to on_contact, its reason into the Pareto, its record back to the pool. */
static void cc__kpi_contact_finish(cc_kpi *k, cc__kpi_contact *c)
{
    if ((c->flags & CC__C_CLOSED) && c->cell != CC__NO_CELL) {
        cc__kpi_sums *s = &k->cells[c->cell].sums;
        s->cx_n++;
        s->cx_peak_sum += c->cx_peak;
        s->cx_end_sum += c->cx;
        if (c->agent && c->agent <= k->nagents) {
            cc__kpi_sums *as = &k->agents[c->agent - 1].sums;
            as->cx_n++;
            as->cx_peak_sum += c->cx_peak;
            as->cx_end_sum += c->cx;
        }
        if (c->reason) k->reason_counts[c->reason - 1]++;
        cc__kpi_done_add(k, c);
        if (k->on_contact) {
            cc_kpi_contact line = {
                .contact_id = c->id,
                .customer_id = c->customer,
                .queue = c->queue ? cc__names_get(&k->queues, c->queue) : NULL,
                .agent = c->agent ? cc__names_get(&k->agent_names, c->agent) : NULL,
                .reason = c->reason ? cc__names_get(&k->reasons, c->reason) : NULL,
                .outcome = c->outcome,
                .wait_ms = c->wait_ms,
                .cx_start = k->cx.start,
                .cx_peak = c->cx_peak,
                .cx_end = c->cx,
                .cx_moves = c->cx_moves,
            };
            k->on_contact(&line, k->user_data);
        }
    }
    if ((c->flags & CC__C_ON_AGENT) && c->agent && c->agent <= k->nagents)
        (void)cc__kpi_agent_active_add(k, &k->agents[c->agent - 1], k->now_ms, -1);
    uint32_t idx = (uint32_t)(c - k->contacts);
    cc__id_map_del(&k->contact_map, c->id);
    c->flags = 0;
    /* The free stack always has room: it was grown when the slot was made. */
    k->contact_free[k->ncontact_free++] = idx;
}

/* Gives up open contacts without events for CC__KPI_STALE_MS. O(pool). */
static void cc__kpi_contacts_sweep(cc_kpi *k)
{
    for (size_t i = 0; i < k->ncontacts; i++) {
        cc__kpi_contact *c = &k->contacts[i];
        if ((c->flags & CC__C_LIVE) && !(c->flags & CC__C_CLOSED) &&
            c->last_ms < k->now_ms - CC__KPI_STALE_MS)
            cc__kpi_contact_finish(k, c);
    }
    size_t live = k->contact_map.count;
    k->contacts_sweep_at = live * 2 > CC__KPI_SWEEP_MIN ? live * 2 : CC__KPI_SWEEP_MIN;
}

/* Makes a new contact record; NULL when out of memory. */
static cc__kpi_contact *cc__kpi_contact_make(cc_kpi *k, const cc_event *ev)
{
    if (k->contact_map.count >= k->contacts_sweep_at) cc__kpi_contacts_sweep(k);
    uint32_t idx;
    if (k->ncontact_free) {
        idx = k->contact_free[--k->ncontact_free];
    } else {
        if (k->ncontacts >= UINT32_MAX - 1) return NULL;
        if (cc__grow((void **)&k->contacts, &k->contacts_cap, k->ncontacts + 1,
                     sizeof *k->contacts) != 0 ||
            cc__grow((void **)&k->contact_free, &k->contact_free_cap, k->ncontacts + 1,
                     sizeof *k->contact_free) != 0)
            return NULL;
        idx = (uint32_t)k->ncontacts;
        k->contacts[idx].flags = 0;
        k->ncontacts++;
    }
    if (cc__id_map_put(&k->contact_map, ev->contact_id, idx) != 0) {
        k->contact_free[k->ncontact_free++] = idx;
        return NULL;
    }
    cc__kpi_contact *c = &k->contacts[idx];
    memset(c, 0, sizeof *c);
    c->id = ev->contact_id;
    c->flags = CC__C_LIVE;
    c->cell = c->leg_cell = CC__NO_CELL;
    c->channel = ev->channel;
    c->customer = ev->customer_id;
    c->arrived_ms = ev->time_ms - (ev->type == CC_EVENT_CONTACT_ARRIVED ? 0 : ev->wait_ms);
    c->last_ms = ev->time_ms;
    c->cx = c->cx_peak = k->cx.start;
    return c;
}

/* The contact of ev, made when new (or when its id is reused after it
 * closed); NULL when out of memory. */
static cc__kpi_contact *cc__kpi_contact_for(cc_kpi *k, const cc_event *ev)
{
    cc__kpi_contact *c = cc__kpi_contact_find(k, ev->contact_id);
    if (c && (c->flags & CC__C_CLOSED) && ev->type == CC_EVENT_CONTACT_ARRIVED) {
        cc__kpi_contact_finish(k, c);
        c = NULL;
    }
    if (!c) c = cc__kpi_contact_make(k, ev);
    if (!c) return NULL;
    if (ev->time_ms > c->last_ms) c->last_ms = ev->time_ms;
    if (!c->customer) c->customer = ev->customer_id;
    if (c->channel == CC_CHANNEL_NONE) c->channel = ev->channel;
    return c;
}

/* Finishes due contacts whose survey grace period is over. */
static void cc__kpi_pending_expire(cc_kpi *k, int64_t now)
{
    while (k->pending_len) {
        cc__kpi_pending *p = &k->pending[k->pending_head];
        if (p->due_ms > now) break;
        cc__kpi_contact *c = cc__kpi_contact_find(k, p->contact_id);
        /* The id may have been reused since: only the contact this entry
         * was made for is finished. */
        if (c && (c->flags & CC__C_CLOSED) && c->due_ms == p->due_ms) cc__kpi_contact_finish(k, c);
        k->pending_head = (k->pending_head + 1) % k->pending_cap;
        k->pending_len--;
    }
}

/* Appends to the ring buffer, doubling it when full. Returns 0 or -1. */
static int cc__kpi_pending_push(cc_kpi *k, uint64_t id, int64_t due)
{
    if (k->pending_len == k->pending_cap) {
        size_t n = k->pending_cap ? k->pending_cap * 2 : 64;
        cc__kpi_pending *p = cc__malloc(n * sizeof *p);
        if (!p) return -1;
        for (size_t i = 0; i < k->pending_len; i++)
            p[i] = k->pending[(k->pending_head + i) % k->pending_cap];
        cc__free(k->pending);
        k->pending = p;
        k->pending_cap = n;
        k->pending_head = 0;
    }
    cc__kpi_pending *slot = &k->pending[(k->pending_head + k->pending_len) % k->pending_cap];
    slot->contact_id = id;
    slot->due_ms = due;
    k->pending_len++;
    return 0;
}

/* The terminal event of a contact. Returns 0 or -1 when out of memory. */
static int cc__kpi_contact_close(cc_kpi *k, cc__kpi_contact *c, const cc_event *ev)
{
    c->flags |= CC__C_CLOSED;
    c->outcome = ev->type;
    if ((c->flags & CC__C_HANDLED) && c->customer && c->cell != CC__NO_CELL)
        k->cells[c->cell].sums.fcr_contacts++;
    int rc = cc__kpi_customer_record(k, c, ev->time_ms);
    c->due_ms = ev->time_ms + k->cx_grace_ms;
    if (k->cx_grace_ms < 0 || cc__kpi_pending_push(k, c->id, c->due_ms) != 0)
        cc__kpi_contact_finish(k, c);
    return rc;
}

/* The contact goes back to the queues after an agent leg at t. */
static void cc__kpi_requeued(cc__kpi_contact *c, int64_t t)
{
    c->flags |= CC__C_REQUEUED;
    c->requeued_ms = t;
}

/* The queue wait of a queue-leaving event (answer, abandon, left,
 * overflow): the event's wait_ms (the engine's runs from the virtual start),
 * but after a transfer at most the time since the contact went back to the
 * queues. KPI.md's waits are queue waits, and the earlier legs' talk is none
 * (Asterisk's holdtime and waittime, as queue_log imports them, are already
 * waits since the transfer). */
static int64_t cc__kpi_queue_wait(const cc__kpi_contact *c, const cc_event *ev)
{
    if (!(c->flags & CC__C_REQUEUED)) return ev->wait_ms;
    int64_t since = ev->time_ms - c->requeued_ms;
    if (since < 0) since = 0;
    return since < ev->wait_ms ? since : ev->wait_ms;
}

/* Enters the contact in queue q at time t: offered once per queue, in the
 * interval it first entered a queue in, so that a contact that overflows or
 * is transferred across an interval boundary keeps its whole life in one
 * interval row and interval rows add up to the totals. */
static int cc__kpi_contact_enqueue(cc_kpi *k, cc__kpi_contact *c, int64_t t, uint32_t q)
{
    if ((c->flags & CC__C_QUEUED) && c->queue == q) return 0;
    if (!(c->flags & CC__C_QUEUED)) c->interval = cc__kpi_interval_of(k, t);
    uint32_t cell = cc__kpi_cell_in(k, c->interval, q, c->channel);
    if (cell == CC__NO_CELL) return -1;
    cc__kpi_sums *s = &k->cells[cell].sums;
    s->offered++;
    if (c->flags & CC__C_QUEUED) s->reoffered++;
    /* A consult (the engine queues the contact in the target queue while the
     * consulting agent still talks to it): that agent's leg ends later, with
     * CONTACT_TRANSFERRED when the target accepts or CONTACT_ENDED when the
     * consult is given up, and belongs to the queue it began in, not to q. */
    if ((c->flags & CC__C_ON_AGENT) && (c->flags & CC__C_QUEUED) && c->leg_cell == CC__NO_CELL) {
        c->leg_cell = c->cell;
        c->leg_here = c->flags & CC__C_HERE;
        cc__kpi_requeued(c, t);
    }
    c->flags |= CC__C_QUEUED;
    c->flags &= ~(uint32_t)CC__C_HERE;
    c->queue = q;
    c->cell = cell;
    return 0;
}

/* The cell a contact's figures go to: the one it was offered in, or the
 * event's own (time, queue) when it never queued. */
static uint32_t cc__kpi_contact_cell(cc_kpi *k, cc__kpi_contact *c, int64_t t, uint32_t q)
{
    if (c->cell != CC__NO_CELL) return c->cell;
    c->cell = cc__kpi_cell_at(k, t, q ? q : c->queue, c->channel);
    return c->cell;
}

static void cc__kpi_note_wait(cc__kpi_sums *s, int64_t wait_ms)
{
    if (wait_ms > s->longest_wait_ms) s->longest_wait_ms = wait_ms;
}

static int cc__kpi_is_digital(cc_channel ch)
{
    return ch == CC_CHANNEL_CHAT || ch == CC_CHANNEL_EMAIL || ch == CC_CHANNEL_SMS ||
           ch == CC_CHANNEL_SOCIAL;
}

/* ---- event handlers, one per kind of event --------------------------------- */

typedef struct cc__kpi_ctx {
    const cc_event *ev;
    uint32_t queue, agent;
    int oom;
} cc__kpi_ctx;

static void cc__kpi_on_arrived(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    cc__kpi_contact *c = cc__kpi_contact_for(k, ev);
    if (!c) {
        x->oom = 1;
        return;
    }
    c->arrived_ms = ev->time_ms;
    if (x->queue) c->queue = x->queue;
    if (ev->reason && *ev->reason) c->reason = cc__kpi_reason_id(k, ev->reason, &x->oom);
    uint32_t cell = cc__kpi_cell_at(k, ev->time_ms, c->queue, c->channel);
    if (cell == CC__NO_CELL) {
        x->oom = 1;
        return;
    }
    cc__kpi_repeat_check(k, c, cell, ev->time_ms);
}

static void cc__kpi_on_queued(cc_kpi *k, cc__kpi_ctx *x)
{
    cc__kpi_contact *c = cc__kpi_contact_for(k, x->ev);
    if (!c || cc__kpi_contact_enqueue(k, c, x->ev->time_ms, x->queue) != 0) x->oom = 1;
}

/* The contact of a queue-leaving event (answer, abandon, left): enqueued at
 * time - wait if no CONTACT_QUEUED was seen (e.g. a log that starts late). */
static cc__kpi_contact *cc__kpi_queued_contact(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    cc__kpi_contact *c = cc__kpi_contact_for(k, ev);
    if (!c) {
        x->oom = 1;
        return NULL;
    }
    if (c->flags & CC__C_CLOSED) return NULL; /* a second terminal event: ignored */
    uint32_t q = x->queue ? x->queue : c->queue;
    if ((!(c->flags & CC__C_QUEUED) || q != c->queue) &&
        cc__kpi_contact_enqueue(k, c, ev->time_ms - ev->wait_ms, q) != 0) {
        x->oom = 1;
        return NULL;
    }
    return c;
}

/* An answer taken by an agent, with the wait of that connect: agent rows
 * get ASA, longest wait and the answered-only service level of their own
 * answers. */
static void cc__kpi_agent_answered(const cc_kpi *k, cc__kpi_sums *s, int64_t wait_ms)
{
    s->answered++;
    s->answered_within += (uint64_t)(wait_ms <= k->sl_threshold_ms);
    s->wait_answered_ms += wait_ms;
    cc__kpi_note_wait(s, wait_ms);
}

static void cc__kpi_on_connected(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    cc__kpi_contact *c = cc__kpi_queued_contact(k, x);
    if (!c) return;
    cc__kpi_sums *s = &k->cells[c->cell].sums;
    int64_t wait = cc__kpi_queue_wait(c, ev);
    c->flags &= ~(uint32_t)CC__C_REQUEUED; /* the next wait follows this leg */
    int first_in_queue = !(c->flags & CC__C_ANSWERED_HERE);
    if (first_in_queue) {
        int within = wait <= k->sl_threshold_ms;
        s->answered++;
        s->answered_within += (uint64_t)within;
        s->wait_answered_ms += wait;
        cc__kpi_note_wait(s, wait);
        if (c->flags & CC__C_ANSWERED) {
            s->reanswered++;
            s->reanswered_within += (uint64_t)within;
            s->wait_reanswered_ms += wait;
        } else {
            if (cc__kpi_is_digital(c->channel)) {
                s->frt_count++;
                s->frt_ms += ev->time_ms - c->arrived_ms > 0 ? ev->time_ms - c->arrived_ms : 0;
            }
            c->wait_ms = ev->wait_ms;
            if (ev->wait_ms > k->sl_threshold_ms)
                cc__kpi_cx_move(k, c, k->cx.wait_per_min *
                                          (double)(ev->wait_ms - k->sl_threshold_ms) / 60000.0);
        }
        c->flags |= CC__C_ANSWERED_HERE | CC__C_ANSWERED;
    }
    c->connected_ms = ev->time_ms;
    c->leg_hold_ms = 0;
    c->flags &= ~(uint32_t)(CC__C_LEG_TRANSFERRED | CC__C_HELD);
    if (x->agent) {
        cc__kpi_agent *a = cc__kpi_agent_at(k, x->agent);
        if (!a) {
            x->oom = 1;
            return;
        }
        if ((c->flags & CC__C_ON_AGENT) && c->agent && c->agent != x->agent) {
            cc__kpi_agent *prev = &k->agents[c->agent - 1];
            if (cc__kpi_agent_active_add(k, prev, ev->time_ms, -1) != 0) x->oom = 1;
            c->flags &= ~(uint32_t)CC__C_ON_AGENT;
        }
        cc__kpi_agent_answered(k, &a->sums, wait);
        if (!(c->flags & CC__C_ON_AGENT)) {
            if (cc__kpi_agent_active_add(k, a, ev->time_ms, 1) != 0) x->oom = 1;
            c->flags |= CC__C_ON_AGENT;
        }
        c->agent = x->agent;
    }
}

/* An agent's leg of a contact ended (the talk ended, or it was transferred
 * away): the leg counts as handled for the agent. */
static void cc__kpi_leg_done(cc_kpi *k, cc__kpi_contact *c, uint32_t agent, int64_t t,
                             int64_t talk_ms, int64_t hold_ms, int transferred, int *oom)
{
    if (!agent) return;
    cc__kpi_agent *a = cc__kpi_agent_at(k, agent);
    if (!a) {
        *oom = 1;
        return;
    }
    a->sums.handled++;
    a->sums.talk_ms += talk_ms;
    a->sums.hold_ms += hold_ms;
    a->sums.transferred += (uint64_t)transferred;
    if ((c->flags & CC__C_ON_AGENT) && c->agent == agent) {
        if (cc__kpi_agent_active_add(k, a, t, -1) != 0) *oom = 1;
        c->flags &= ~(uint32_t)CC__C_ON_AGENT;
    }
}

/* A handled agent leg of contact c in `cell`: talk and hold add up over the
 * legs, the contact counts as handled once per queue (like an answer) and
 * once across queues (rehandled is subtracted when summing queues). */
static void cc__kpi_cell_handled(cc_kpi *k, cc__kpi_contact *c, uint32_t cell, int64_t talk_ms,
                                 int64_t hold_ms)
{
    cc__kpi_sums *s = &k->cells[cell].sums;
    s->talk_ms += talk_ms;
    s->hold_ms += hold_ms;
    if (c->flags & CC__C_HANDLED_HERE) return;
    s->handled++;
    if (c->flags & CC__C_HANDLED) s->rehandled++;
    c->flags |= CC__C_HANDLED_HERE | CC__C_HANDLED;
}

/* Contact c transferred out of the queue of `cell`: once per queue, once
 * across queues (retransferred), so the transfer rate stays a share of the
 * handled contacts. */
static void cc__kpi_cell_transferred(cc_kpi *k, cc__kpi_contact *c, uint32_t cell)
{
    if (c->flags & CC__C_TRANSFERRED_HERE) return;
    cc__kpi_sums *s = &k->cells[cell].sums;
    s->transferred++;
    if (c->flags & CC__C_TRANSFERRED) s->retransferred++;
    c->flags |= CC__C_TRANSFERRED_HERE | CC__C_TRANSFERRED;
}

/* The contact of the event and the cell its figures go to (see
 * cc__kpi_contact_cell). NULL when out of memory (x->oom is set) or, with
 * skip_closed, when the contact is already closed (a second terminal event,
 * ignored). */
static cc__kpi_contact *cc__kpi_counted_contact(cc_kpi *k, cc__kpi_ctx *x, int skip_closed,
                                                uint32_t *cell)
{
    const cc_event *ev = x->ev;
    cc__kpi_contact *c = cc__kpi_contact_for(k, ev);
    if (!c) {
        x->oom = 1;
        return NULL;
    }
    if (skip_closed && (c->flags & CC__C_CLOSED)) return NULL;
    *cell = cc__kpi_contact_cell(k, c, ev->time_ms, x->queue);
    if (*cell == CC__NO_CELL) {
        x->oom = 1;
        return NULL;
    }
    return c;
}

static void cc__kpi_on_transferred(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    uint32_t cell;
    cc__kpi_contact *c = cc__kpi_counted_contact(k, x, 0, &cell);
    if (!c) return;
    /* A consult completes: the consulting agent's leg is handled and
     * transferred in the queue it began in (cc__kpi_contact_enqueue), with
     * the contact's once-per-queue flags there; the contact stays in the
     * target queue, with its flags there. */
    uint32_t here = c->flags & CC__C_HERE;
    int consult = c->leg_cell != CC__NO_CELL;
    if (consult) {
        cell = c->leg_cell;
        c->flags = (c->flags & ~(uint32_t)CC__C_HERE) | c->leg_here;
    }
    cc__kpi_cell_transferred(k, c, cell);
    cc__kpi_cx_move(k, c, k->cx.transfer);
    uint32_t agent = x->agent ? x->agent : c->agent;
    if (c->flags & CC__C_CLOSED) {
        /* Logs where the transfer ends the queue's call send CONTACT_ENDED
         * first: the agent's leg is already counted, only mark the transfer. */
        cc__kpi_agent *a = agent ? cc__kpi_agent_at(k, agent) : NULL;
        if (a) a->sums.transferred++;
        else if (agent) x->oom = 1;
    } else {
        int on_agent = (c->flags & CC__C_ON_AGENT) != 0;
        int64_t talk =
            on_agent && ev->time_ms > c->connected_ms ? ev->time_ms - c->connected_ms : 0;
        /* CONTACT_TRANSFERRED carries no hold time: the leg's holds seen
         * since the connect are its hold, the rest its talk, as CONTACT_ENDED
         * splits duration_ms and hold_ms (hold was counted as talk). */
        int64_t hold = c->leg_hold_ms;
        if ((c->flags & CC__C_HELD) && ev->time_ms > c->held_ms) hold += ev->time_ms - c->held_ms;
        if (hold > talk) hold = talk;
        talk -= hold;
        c->leg_hold_ms = 0;
        c->flags &= ~(uint32_t)CC__C_HELD;
        /* The transferring agent's leg is handled in the queue it leaves; the
         * next leg's talk arrives with the next transfer or CONTACT_ENDED. */
        if (on_agent || agent) {
            cc__kpi_cell_handled(k, c, cell, talk, hold);
            c->flags |= CC__C_LEG_TRANSFERRED;
        }
        if (!consult) cc__kpi_requeued(c, ev->time_ms);
        cc__kpi_leg_done(k, c, agent, ev->time_ms, talk, hold, 1, &x->oom);
    }
    if (consult) {
        c->flags = (c->flags & ~(uint32_t)CC__C_HERE) | here;
        c->leg_cell = CC__NO_CELL;
    }
}

static void cc__kpi_on_ended(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    uint32_t cell;
    cc__kpi_contact *c = cc__kpi_counted_contact(k, x, 1, &cell);
    if (!c) return;
    if (c->leg_cell != CC__NO_CELL) {
        /* A consult given up (the engine ends the call with the consulting
         * agent): the contact is back in the queue the leg began in. */
        cell = c->cell = c->leg_cell;
        c->queue = k->cells[cell].queue;
        c->flags = (c->flags & ~(uint32_t)CC__C_HERE) | c->leg_here;
        c->leg_cell = CC__NO_CELL;
    }
    uint32_t agent = x->agent ? x->agent : c->agent;
    /* After a transfer with no connect since (transferred out of the
     * queues), the last leg is already counted: this only closes. */
    int talked = !(c->flags & CC__C_LEG_TRANSFERRED) && (agent != 0 || (c->flags & CC__C_ANSWERED));
    int64_t hold = ev->hold_ms < ev->duration_ms ? ev->hold_ms : ev->duration_ms;
    if (talked) {
        cc__kpi_cell_handled(k, c, cell, ev->duration_ms - hold, hold);
        cc__kpi_cx_move(k, c, k->cx.resolved);
        cc__kpi_leg_done(k, c, agent, ev->time_ms, ev->duration_ms - hold, hold, 0, &x->oom);
        if (agent) c->agent = agent;
    }
    if (ev->reason && *ev->reason) c->reason = cc__kpi_reason_id(k, ev->reason, &x->oom);
    if (cc__kpi_contact_close(k, c, ev) != 0) x->oom = 1;
}

static void cc__kpi_on_abandoned(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    cc__kpi_contact *c = cc__kpi_queued_contact(k, x);
    if (!c) return;
    cc__kpi_sums *s = &k->cells[c->cell].sums;
    int64_t wait = cc__kpi_queue_wait(c, ev);
    s->abandoned++;
    s->abandoned_within += (uint64_t)(wait <= k->sl_threshold_ms);
    s->short_abandoned += (uint64_t)(wait <= k->short_abandon_ms);
    s->wait_abandoned_ms += wait;
    cc__kpi_note_wait(s, wait);
    c->wait_ms = wait;
    if (wait > k->sl_threshold_ms)
        cc__kpi_cx_move(k, c, k->cx.wait_per_min * (double)(wait - k->sl_threshold_ms) / 60000.0);
    cc__kpi_cx_move(k, c, k->cx.abandon);
    if (cc__kpi_contact_close(k, c, ev) != 0) x->oom = 1;
}

static void cc__kpi_on_left(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    cc__kpi_contact *c = cc__kpi_queued_contact(k, x);
    if (!c) return;
    cc__kpi_sums *s = &k->cells[c->cell].sums;
    int64_t wait = cc__kpi_queue_wait(c, ev);
    s->left++;
    s->wait_left_ms += wait;
    cc__kpi_note_wait(s, wait);
    c->wait_ms = wait;
    if (cc__kpi_contact_close(k, c, ev) != 0) x->oom = 1;
}

static void cc__kpi_on_blocked(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    cc__kpi_contact *c = cc__kpi_contact_for(k, ev);
    if (!c) {
        x->oom = 1;
        return;
    }
    if (c->flags & CC__C_CLOSED) return;
    uint32_t q = x->queue ? x->queue : c->queue;
    /* Refused by the queue it flowed or was transferred to: blocked in that
     * queue's row (in its first interval), but not in the totals, where it
     * was offered (reblocked is subtracted when summing queues). */
    int queued = (c->flags & CC__C_QUEUED) != 0;
    uint32_t cell = queued ? cc__kpi_cell_in(k, c->interval, q, c->channel)
                           : cc__kpi_cell_at(k, ev->time_ms, q, c->channel);
    if (cell == CC__NO_CELL) {
        x->oom = 1;
        return;
    }
    k->cells[cell].sums.blocked++;
    k->cells[cell].sums.reblocked += (uint64_t)queued;
    if (c->cell == CC__NO_CELL) c->cell = cell;
    c->queue = q;
    /* The event's reason says why the queue refused ("full", "empty"): no
     * contact reason for the Pareto. */
    if (cc__kpi_contact_close(k, c, ev) != 0) x->oom = 1;
}

/* Events that count once in the contact's cell (and agent). */
static void cc__kpi_on_contact_count(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    uint32_t cell;
    cc__kpi_contact *c = cc__kpi_counted_contact(k, x, 0, &cell);
    if (!c) return;
    cc__kpi_sums *s = &k->cells[cell].sums;
    switch (ev->type) {
    case CC_EVENT_CONTACT_RING_TIMEOUT:
        s->rona++;
        cc__kpi_cx_move(k, c, k->cx.ring_no_answer);
        if (x->agent) {
            cc__kpi_agent *a = cc__kpi_agent_at(k, x->agent);
            if (a) a->sums.rona++;
            else x->oom = 1;
        }
        break;
    case CC_EVENT_CONTACT_OVERFLOWED:
        s->overflowed++;
        /* Its wait in the queue it flows out of counts for that queue's
         * longest wait (KPI.md: max over contacts); a queue whose contacts
         * all flowed out had none. */
        cc__kpi_note_wait(s, cc__kpi_queue_wait(c, ev));
        break;
    case CC_EVENT_CALLBACK_SCHEDULED:
        /* one callback per contact: a dial that is not answered sends
         * CALLBACK_SCHEDULED again for the retry */
        if (!(c->flags & CC__C_CALLBACK)) s->callbacks++;
        c->flags |= CC__C_CALLBACK;
        break;
    case CC_EVENT_CONTACT_HELD:
        cc__kpi_cx_move(k, c, k->cx.hold_each);
        c->flags |= CC__C_HELD;
        c->held_ms = ev->time_ms;
        break;
    case CC_EVENT_CONTACT_RESUMED:
        cc__kpi_cx_move(k, c, k->cx.hold_per_min * (double)ev->duration_ms / 60000.0);
        c->leg_hold_ms += ev->duration_ms;
        c->flags &= ~(uint32_t)CC__C_HELD;
        break;
    default:
        break;
    }
}

/* Events about a contact that may already be gone (after-call work, survey,
 * disposition): they use the contact when it is still known, else the cell
 * and agent remembered when its line closed (cc__kpi_done_add), else the
 * event's own queue and time. *agent is the event's agent, else the
 * contact's. Never create a contact. */
static uint32_t cc__kpi_late_cell(cc_kpi *k, cc__kpi_ctx *x, cc__kpi_contact **out,
                                  uint32_t *agent)
{
    const cc_event *ev = x->ev;
    cc__kpi_contact *c = ev->contact_id ? cc__kpi_contact_find(k, ev->contact_id) : NULL;
    *out = c;
    *agent = x->agent ? x->agent : (c ? c->agent : 0);
    if (c && c->cell != CC__NO_CELL) return c->cell;
    const cc__kpi_done *d = !c && ev->contact_id ? cc__kpi_done_find(k, ev->contact_id) : NULL;
    if (d) {
        if (!x->agent) *agent = d->agent;
        return d->cell;
    }
    uint32_t cell = cc__kpi_cell_at(k, ev->time_ms, x->queue, ev->channel);
    if (cell == CC__NO_CELL) x->oom = 1;
    return cell;
}

static void cc__kpi_on_wrapup_end(cc_kpi *k, cc__kpi_ctx *x)
{
    cc__kpi_contact *c;
    uint32_t agent;
    uint32_t cell = cc__kpi_late_cell(k, x, &c, &agent);
    if (cell == CC__NO_CELL) return;
    /* The wrap-up of a leg in a queue the contact has since left (a transfer
     * moved it on before the wrap-up ended): the after-call work belongs
     * with that leg's talk, to the leg's queue (the event's), in the
     * contact's interval. */
    if (c && x->queue && x->queue != c->queue && (c->flags & CC__C_QUEUED)) {
        cell = cc__kpi_cell_in(k, c->interval, x->queue, c->channel);
        if (cell == CC__NO_CELL) {
            x->oom = 1;
            return;
        }
    }
    k->cells[cell].sums.acw_ms += x->ev->duration_ms;
    if (agent) {
        cc__kpi_agent *a = cc__kpi_agent_at(k, agent);
        if (a) a->sums.acw_ms += x->ev->duration_ms;
        else x->oom = 1;
    }
}

/* Adds one survey answer to sums; returns the answer mapped to -2..+2. */
static double cc__kpi_survey_add(cc__kpi_sums *s, cc_survey_kind kind, double v)
{
    switch (kind) {
    case CC_SURVEY_CSAT:
        s->csat_n++;
        s->csat_sum += v;
        s->csat_top2 += (uint64_t)(v >= 4);
        return v - 3.0;
    case CC_SURVEY_NPS:
        s->nps_n++;
        s->nps_promoters += (uint64_t)(v >= 9);
        s->nps_detractors += (uint64_t)(v <= 6);
        return (v - 5.0) / 2.5;
    default: /* CES 2.0: agreement that the contact was easy, 1..7 */
        s->ces_n++;
        s->ces_sum += v;
        return (v - 4.0) * 2.0 / 3.0;
    }
}

static void cc__kpi_on_survey(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    cc__kpi_contact *c;
    uint32_t agent;
    uint32_t cell = cc__kpi_late_cell(k, x, &c, &agent);
    if (cell == CC__NO_CELL) return;
    double mapped = cc__kpi_survey_add(&k->cells[cell].sums, ev->survey, ev->value);
    if (agent) {
        cc__kpi_agent *a = cc__kpi_agent_at(k, agent);
        if (a) cc__kpi_survey_add(&a->sums, ev->survey, ev->value);
        else x->oom = 1;
    }
    if (c) cc__kpi_cx_move(k, c, k->cx.survey_weight * mapped);
}

static void cc__kpi_on_disposition(cc_kpi *k, cc__kpi_ctx *x)
{
    const cc_event *ev = x->ev;
    if (!ev->reason || !*ev->reason) return;
    uint32_t reason = cc__kpi_reason_id(k, ev->reason, &x->oom);
    if (!reason) return;
    cc__kpi_contact *c = ev->contact_id ? cc__kpi_contact_find(k, ev->contact_id) : NULL;
    if (c) {
        c->reason = reason; /* counted when its line closes */
        return;
    }
    /* Its line is closed and its reason counted: the disposition replaces
     * it. A contact never seen (or closed over a day ago) counts now. */
    cc__kpi_done *d = ev->contact_id ? cc__kpi_done_find(k, ev->contact_id) : NULL;
    if (d) {
        if (d->reason) k->reason_counts[d->reason - 1]--;
        d->reason = reason;
    }
    k->reason_counts[reason - 1]++;
}

/* ---- validation and dispatch --------------------------------------------- */

cc_status cc__kpi_validate(const cc_event *ev)
{
    if ((int)ev->type <= CC_EVENT_NONE || (int)ev->type >= CC_EVENT__COUNT)
        return cc__fail(CC_EINVAL, "kpi: unknown event type %d", (int)ev->type);
    if ((int)ev->channel < 0 || (int)ev->channel >= CC_CHANNEL__COUNT)
        return cc__fail(CC_EINVAL, "kpi: %s: unknown channel %d", cc_event_type_name(ev->type),
                        (int)ev->channel);
    if (ev->wait_ms < 0 || ev->duration_ms < 0 || ev->hold_ms < 0)
        return cc__fail(CC_EINVAL, "kpi: %s: negative wait or duration",
                        cc_event_type_name(ev->type));
    /* kpi_limits.h: sums of times and durations then never overflow. */
    if (ev->time_ms > CC__KPI_MAX_MS || ev->time_ms < -CC__KPI_MAX_MS ||
        ev->wait_ms > CC__KPI_MAX_MS || ev->duration_ms > CC__KPI_MAX_MS ||
        ev->hold_ms > CC__KPI_MAX_MS)
        return cc__fail(CC_EINVAL, "kpi: %s: time or duration beyond +-1e15 ms",
                        cc_event_type_name(ev->type));
    if (ev->type == CC_EVENT_AGENT_STATE &&
        ((int)ev->agent_state < 0 || (int)ev->agent_state >= CC_AGENT_STATE__COUNT ||
         (int)ev->prev_agent_state < 0 || (int)ev->prev_agent_state >= CC_AGENT_STATE__COUNT))
        return cc__fail(CC_EINVAL, "kpi: agent.state: unknown agent state");
    if (ev->type == CC_EVENT_SURVEY) {
        double v = ev->value;
        int ok = (ev->survey == CC_SURVEY_CSAT && v >= 1 && v <= 5) ||
                 (ev->survey == CC_SURVEY_NPS && v >= 0 && v <= 10) ||
                 (ev->survey == CC_SURVEY_CES && v >= 1 && v <= 7);
        if (!ok)
            return cc__fail(CC_EINVAL, "kpi: survey kind %d: value %g out of its scale",
                            (int)ev->survey, v);
    }
    return CC_OK;
}

cc_status cc_kpi_add(cc_kpi *k, const cc_event *ev)
{
    if (!k || !ev) return cc__fail(CC_EINVAL, "cc_kpi_add: NULL argument");
    cc_status st = cc__kpi_validate(ev);
    if (st != CC_OK) {
        k->events_rejected++;
        return st;
    }
    if (k->events == 0 || ev->time_ms < k->first_ms) k->first_ms = ev->time_ms;
    if (k->events == 0 || ev->time_ms > k->now_ms) k->now_ms = ev->time_ms;
    k->events++;
    if (k->pending_len) cc__kpi_pending_expire(k, k->now_ms);
    if (k->done_len) cc__kpi_done_expire(k, k->now_ms);

    cc__kpi_ctx x = {.ev = ev};
    x.queue = cc__kpi_name_id(&k->queues, &k->queue_cache, ev->queue, &x.oom);
    x.agent = cc__kpi_name_id(&k->agent_names, &k->agent_cache, ev->agent, &x.oom);
    if (!x.oom) {
        switch (ev->type) {
        case CC_EVENT_CONTACT_ARRIVED: cc__kpi_on_arrived(k, &x); break;
        case CC_EVENT_CONTACT_QUEUED: cc__kpi_on_queued(k, &x); break;
        case CC_EVENT_CONTACT_CONNECTED: cc__kpi_on_connected(k, &x); break;
        case CC_EVENT_CONTACT_TRANSFERRED: cc__kpi_on_transferred(k, &x); break;
        case CC_EVENT_CONTACT_ENDED: cc__kpi_on_ended(k, &x); break;
        case CC_EVENT_CONTACT_ABANDONED: cc__kpi_on_abandoned(k, &x); break;
        case CC_EVENT_CONTACT_LEFT: cc__kpi_on_left(k, &x); break;
        case CC_EVENT_CONTACT_BLOCKED: cc__kpi_on_blocked(k, &x); break;
        case CC_EVENT_CONTACT_RING_TIMEOUT:
        case CC_EVENT_CONTACT_OVERFLOWED:
        case CC_EVENT_CALLBACK_SCHEDULED:
        case CC_EVENT_CONTACT_HELD:
        case CC_EVENT_CONTACT_RESUMED: cc__kpi_on_contact_count(k, &x); break;
        case CC_EVENT_AGENT_WRAPUP_END: cc__kpi_on_wrapup_end(k, &x); break;
        case CC_EVENT_SURVEY: cc__kpi_on_survey(k, &x); break;
        case CC_EVENT_DISPOSITION: cc__kpi_on_disposition(k, &x); break;
        case CC_EVENT_AGENT_LOGIN:
        case CC_EVENT_AGENT_LOGOUT:
        case CC_EVENT_AGENT_STATE:
        case CC_EVENT_QUEUE_MEMBER_ADDED:
        case CC_EVENT_QUEUE_MEMBER_REMOVED:
            if (cc__kpi_agent_event(k, ev, x.agent) != 0) x.oom = 1;
            break;
        default: break; /* offers, accepts, rejects, withdrawals, dials, wrap start */
        }
    }
    if (x.oom) {
        k->events_lost++;
        return cc__fail(CC_ENOMEM, "kpi: out of memory adding %s", cc_event_type_name(ev->type));
    }
    return CC_OK;
}

void cc_kpi_sink(const cc_event *event, void *user_data)
{
    (void)cc_kpi_add((cc_kpi *)user_data, event);
}

void cc_kpi_flush(cc_kpi *k)
{
    if (!k) return;
    while (k->pending_len) {
        cc__kpi_pending *p = &k->pending[k->pending_head];
        cc__kpi_contact *c = cc__kpi_contact_find(k, p->contact_id);
        if (c && (c->flags & CC__C_CLOSED)) cc__kpi_contact_finish(k, c);
        k->pending_head = (k->pending_head + 1) % k->pending_cap;
        k->pending_len--;
    }
}
