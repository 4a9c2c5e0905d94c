/*
 * lib/core/snapshot.c - the complete routing state as a versioned binary blob.
 *
 * Format (little endian): "CCSNAP\0\0", u32 format version, then the sections
 * engine, skills, queues, agents, contacts, members, profiles, heaps,
 * last-agent, in that order. Strings are u32 length + bytes. The valid
 * entries of every index heap and of the timer heap are stored as they are
 * (keys included), so random-strategy keys and equal-deadline timer order
 * survive and a restored engine makes exactly the decisions the original
 * would have made. O(size of the state) both ways.
 *
 * Restore validates every count, index and reference; on any error the
 * engine is emptied again and CC_EPARSE is returned.
 */
#include "engine_internal.h"

#include "base/error.h"
#include "base/mem.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define SNAP_MAGIC "CCSNAP\0"
#define SNAP_VERSION 1u
#define SNAP_MAX_COUNT 100000000u

/* ---- writer --------------------------------------------------------------- */

typedef struct wbuf {
    unsigned char *p;
    size_t len, cap;
    int failed;
} wbuf;

static void w_bytes(wbuf *w, const void *src, size_t n)
{
    /* Nothing to copy, or an earlier write failed (the buffer may be NULL:
     * memcpy must not see it even for n == 0). */
    if (n == 0 || w->failed) return;
    if (w->cap - w->len < n) { /* amortised O(1): capacity doubles */
        if (cc__grow((void **)&w->p, &w->cap, w->len + n, 1)) {
            w->failed = 1;
            return;
        }
    }
    memcpy(w->p + w->len, src, n);
    w->len += n;
}

static void w_u64(wbuf *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    w_bytes(w, b, 8);
}
static void w_u32(wbuf *w, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++) b[i] = (unsigned char)(v >> (8 * i));
    w_bytes(w, b, 4);
}
static void w_i64(wbuf *w, int64_t v) { w_u64(w, (uint64_t)v); }
static void w_i32(wbuf *w, int32_t v) { w_u32(w, (uint32_t)v); }
static void w_f64(wbuf *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    w_u64(w, u);
}
static void w_str(wbuf *w, const char *s)
{
    if (!s) {
        w_u32(w, UINT32_MAX);
        return;
    }
    size_t n = strlen(s);
    w_u32(w, (uint32_t)n);
    w_bytes(w, s, n);
}
static void w_skills(wbuf *w, const cc__skill *s, uint32_t n)
{
    w_u32(w, n);
    for (uint32_t i = 0; i < n; i++) w_u32(w, s[i].id), w_i32(w, s[i].level);
}
static int hentry_cmp(const void *a, const void *b)
{
    return cc__hentry_less(a, b) ? -1 : cc__hentry_less(b, a) ? 1 : 0;
}

/* Writes the valid entries in key order: a canonical form (a sorted array is
 * a heap, so the reader appends them as they come). */
static void w_heap(wbuf *w, const cc_engine *e, const cc__heap *h, cc__heap_valid_fn valid)
{
    uint32_t n = 0;
    for (size_t i = 0; i < h->len; i++) n += valid(&h->items[i], (void *)e) ? 1 : 0;
    if (n == 0) {
        w_u32(w, 0);
        return;
    }
    cc__hentry *tmp = cc__calloc(n, sizeof *tmp);
    if (!tmp) {
        w->failed = 1;
        return;
    }
    n = 0;
    for (size_t i = 0; i < h->len; i++)
        if (valid(&h->items[i], (void *)e)) tmp[n++] = h->items[i];
    qsort(tmp, n, sizeof *tmp, hentry_cmp);
    w_u32(w, n);
    for (uint32_t i = 0; i < n; i++) {
        const cc__hentry *x = &tmp[i];
        w_u64(w, x->k1), w_u64(w, x->k2), w_u64(w, x->k3), w_u32(w, x->slot), w_u32(w, x->gen);
    }
    cc__free(tmp);
}

static int timer_valid_any(const cc__hentry *h, void *ctx);

cc_status cc_engine_snapshot(const cc_engine *e, void **out_buf, size_t *out_len)
{
    if (!e || !out_buf || !out_len) return cc__fail(CC_EINVAL, "cc_engine_snapshot: NULL argument");
    *out_buf = NULL;
    *out_len = 0;
    /* from an event sink or a backend call the input is half done (a contact arrived
     * but not queued, an agent freed but not indexed): no restore accepts that state */
    if (e->busy)
        return cc__fail(CC_EBUSY, "cc_engine_snapshot: called from inside an event sink or "
                                  "backend call");
    wbuf w = {0};
    w_bytes(&w, SNAP_MAGIC, 8);
    w_u32(&w, SNAP_VERSION);
    /* engine */
    w_i64(&w, e->now_ms), w_u64(&w, e->seq), w_u64(&w, e->next_ordinal);
    w_u64(&w, e->rr_counter), w_u64(&w, e->timer_counter);
    for (int i = 0; i < 4; i++) w_u64(&w, e->rng[i]);
    w_u32(&w, CC_CHANNEL__COUNT);
    /* skills */
    w_u32(&w, (uint32_t)e->nskills);
    for (size_t i = 0; i < e->nskills; i++) w_str(&w, e->skill_names[i]);
    /* queues */
    w_u32(&w, (uint32_t)e->nqueues);
    for (size_t i = 0; i < e->nqueues; i++) {
        const cc__queue *q = e->queues[i];
        w_u32(&w, q ? 1 : 0);
        if (!q) continue;
        w_str(&w, q->name);
        w_u32(&w, q->strategy), w_f64(&w, q->weight), w_i64(&w, q->sl_threshold_ms);
        w_i64(&w, q->ring_timeout_ms), w_i64(&w, q->wrapup_ms), w_i64(&w, q->max_wait_ms);
        w_i32(&w, q->max_length), w_u32(&w, q->max_wait_action), w_str(&w, q->overflow_queue);
        w_u32(&w, q->join), w_u32(&w, (uint32_t)q->leave_when_empty);
        w_skills(&w, q->req, q->nreq);
        w_u32(&w, q->nesc);
        for (uint32_t k = 0; k < q->nesc; k++) {
            w_i64(&w, q->esc[k].after_ms), w_i32(&w, q->esc[k].relax_levels);
            w_i32(&w, q->esc[k].priority_boost), w_str(&w, q->esc[k].add_queue);
        }
        w_i64(&w, q->last_agent_wait_ms), w_i32(&w, q->callback_max_attempts);
        w_i64(&w, q->callback_retry_ms), w_f64(&w, q->aht_ms);
        w_u64(&w, q->answered), w_u64(&w, q->abandoned);
        w_u32(&w, (uint32_t)q->nprofiles);
        for (size_t k = 0; k < q->nprofiles; k++) {
            w_u32(&w, q->profiles[k]->channel);
            w_skills(&w, q->profiles[k]->req, q->profiles[k]->nreq);
            w_f64(&w, q->profiles[k]->race_clock);
        }
    }
    /* agents */
    w_u32(&w, (uint32_t)e->nagent_slots);
    for (size_t i = 0; i < e->nagent_slots; i++) {
        const cc__agent *a = e->agents[i];
        w_u32(&w, e->agent_gen[i]);
        w_u32(&w, a ? 1 : 0);
        if (!a) continue;
        w_str(&w, a->name), w_str(&w, a->display), w_u64(&w, a->ordinal);
        w_skills(&w, a->skills, a->nskills);
        w_u32(&w, a->nms);
        for (uint32_t k = 0; k < a->nms; k++) {
            w_u32(&w, a->ms[k].queue->index), w_i32(&w, a->ms[k].tier);
            w_i32(&w, a->ms[k].penalty), w_f64(&w, a->ms[k].weight), w_u32(&w, a->ms[k].order);
        }
        for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++)
            w_i32(&w, a->cap_max[ch]), w_i32(&w, a->cap_load[ch]), w_i32(&w, a->count[ch]);
        w_i32(&w, a->budget), w_i32(&w, a->load);
        w_u32(&w, a->nlegs);
        for (uint32_t k = 0; k < a->nlegs; k++) {
            const cc__leg *l = &a->legs[k];
            w_u64(&w, l->contact_id), w_u64(&w, l->customer_id), w_u32(&w, l->contact_slot);
            w_u32(&w, l->channel), w_u32(&w, l->queue->index), w_u32(&w, l->state);
            w_i64(&w, l->start_ms), w_i64(&w, l->hold_start_ms), w_i64(&w, l->hold_ms);
            w_i64(&w, l->talk_ms), w_i64(&w, l->wrap_start_ms), w_i64(&w, l->wrap_due_ms);
        }
        w_u32(&w, (uint32_t)a->logged_in), w_u32(&w, (uint32_t)a->paused);
        w_u32(&w, (uint32_t)a->pause_pending), w_str(&w, a->reason), w_u32(&w, a->state);
        w_i64(&w, a->state_since_ms), w_i64(&w, a->login_ms), w_i64(&w, a->idle_since_ms);
        w_u32(&w, a->offer_contact), w_u32(&w, a->offer_next), w_i64(&w, a->offer_start_ms);
        w_u64(&w, a->rr_seq), w_u64(&w, a->answered), w_i64(&w, a->talk_ms);
        w_u32(&w, a->pref_bound);
        w_heap(&w, e, &a->pref, cc__contact_entry_valid);
    }
    w_u32(&w, (uint32_t)e->nagent_free);
    for (size_t i = 0; i < e->nagent_free; i++) w_u32(&w, e->agent_free[i]);
    /* queue members (agents exist now) */
    for (size_t i = 0; i < e->nqueues; i++) {
        const cc__queue *q = e->queues[i];
        if (!q) continue;
        w_u32(&w, (uint32_t)q->nmembers);
        for (size_t k = 0; k < q->nmembers; k++) w_u32(&w, q->members[k].agent->slot);
    }
    /* contacts */
    w_u32(&w, (uint32_t)e->ncontact_slots);
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        const cc__contact *c = e->contacts[i];
        w_u32(&w, e->contact_gen[i]);
        w_u32(&w, c ? 1 : 0);
        if (!c) continue;
        w_u64(&w, c->id), w_u64(&w, c->customer_id), w_u64(&w, c->ordinal);
        w_u32(&w, c->channel), w_u32(&w, c->queue->index), w_u32(&w, c->state);
        w_i32(&w, c->base_priority), w_i32(&w, c->priority);
        w_skills(&w, c->own_req, c->nown), w_str(&w, c->reason);
        w_i64(&w, c->vstart_ms), w_i64(&w, c->entered_ms), w_i64(&w, c->arrived_ms);
        w_u32(&w, c->nprofiles);
        for (uint32_t k = 0; k < c->nprofiles; k++) {
            const cc__profile *p = c->profiles[k];
            uint32_t pi = 0;
            while (p->queue->profiles[pi] != p) pi++;
            w_u32(&w, p->queue->index), w_u32(&w, pi);
        }
        w_u32(&w, c->esc_step), w_u32(&w, c->offer_head), w_u32(&w, c->noffers);
        w_u32(&w, c->declined), w_u64(&w, c->declined_ordinal), w_u32(&w, c->agent);
        w_u32(&w, c->consult_from), w_u32(&w, c->leg_queue ? c->leg_queue->index : CC__NONE);
        w_u32(&w, (uint32_t)c->direct), w_u32(&w, c->pref_agent), w_i32(&w, c->attempts);
        w_u32(&w, (uint32_t)c->maxwait_hit), w_u32(&w, (uint32_t)c->answered);
        for (int k = 0; k < CC__T_CONTACT_KINDS; k++) w_i64(&w, c->due[k]);
    }
    w_u32(&w, (uint32_t)e->ncontact_free);
    for (size_t i = 0; i < e->ncontact_free; i++) w_u32(&w, e->contact_free[i]);
    /* index heaps, per queue and profile */
    for (size_t i = 0; i < e->nqueues; i++) {
        const cc__queue *q = e->queues[i];
        if (!q) continue;
        for (size_t k = 0; k < q->nprofiles; k++) {
            w_heap(&w, e, &q->profiles[k]->agents, cc__agent_entry_valid);
            w_heap(&w, e, &q->profiles[k]->contacts, cc__contact_entry_valid);
        }
    }
    w_heap(&w, e, &e->timers, timer_valid_any);
    /* last agent per customer */
    w_u32(&w, (uint32_t)e->last_agent.len);
    for (size_t i = 0; i < e->last_agent.cap; i++) {
        const cc__core_id_slot *s = &e->last_agent.slots[i];
        if (!s->key) continue;
        const cc__last_agent *r = s->value;
        w_u64(&w, s->key), w_u32(&w, r->agent_slot), w_u64(&w, r->agent_ordinal);
        w_i64(&w, r->ended_ms);
    }
    if (w.failed) {
        cc__free(w.p);
        return cc__fail(CC_ENOMEM, "cc_engine_snapshot: out of memory");
    }
    *out_buf = w.p;
    *out_len = w.len;
    return CC_OK;
}

/* The timer heap's validity test lives in contact.c; snapshots keep every
 * entry a timer would fire for. */
static int timer_valid_any(const cc__hentry *h, void *ctx)
{
    return cc__timer_entry_valid(h, ctx);
}

/* ---- reader ------------------------------------------------------------------ */

typedef struct rbuf {
    const unsigned char *p;
    size_t len, pos;
    int bad;
} rbuf;

static const unsigned char *r_take(rbuf *r, size_t n)
{
    if (r->bad || r->len - r->pos < n) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *s = r->p + r->pos;
    r->pos += n;
    return s;
}
static uint64_t r_u64(rbuf *r)
{
    const unsigned char *b = r_take(r, 8);
    uint64_t v = 0;
    for (int i = 0; b && i < 8; i++) v |= (uint64_t)b[i] << (8 * i);
    return v;
}
static uint32_t r_u32(rbuf *r)
{
    const unsigned char *b = r_take(r, 4);
    uint32_t v = 0;
    for (int i = 0; b && i < 4; i++) v |= (uint32_t)b[i] << (8 * i);
    return v;
}
static int64_t r_i64(rbuf *r) { return (int64_t)r_u64(r); }
static int32_t r_i32(rbuf *r) { return (int32_t)r_u32(r); }
static double r_f64(rbuf *r)
{
    uint64_t u = r_u64(r);
    double d;
    memcpy(&d, &u, 8);
    return d;
}
/* Times and durations: anything outside the engine's time domain (engine.h,
 * CC_TIME_LIMIT_MS) marks the blob bad, so no restored value can overflow
 * the engine's time arithmetic later. */
static int64_t r_time(rbuf *r)
{
    int64_t t = r_i64(r);
    if (!cc__time_in_domain(t)) r->bad = 1;
    return t;
}
/* A duration in 0..max. */
static int64_t r_span(rbuf *r, int64_t max)
{
    int64_t d = r_i64(r);
    if (d < 0 || d > max) r->bad = 1;
    return d;
}
/* A timer deadline: a time plus a configured duration (so up to twice the
 * limit: such a timer never fires, as no input may pass the limit), or
 * INT64_MAX for none. */
static int64_t r_due(rbuf *r)
{
    int64_t t = r_i64(r);
    if (t != INT64_MAX && (t < -CC_TIME_LIMIT_MS || t > 2 * CC_TIME_LIMIT_MS)) r->bad = 1;
    return t;
}
/* The longest span between two times of the domain. */
#define SNAP_SPAN_MAX (2 * CC_TIME_LIMIT_MS)

/* The times of a leg as the engine keeps them: started by now, its holds
 * (finished ones in hold_ms, the current one since hold_start_ms) disjoint
 * parts of its life, wrap-up begun by now. What the engine later derives from
 * them (talk, hold and handle times) then stays inside the time domain. */
static int leg_times_ok(const cc__leg *l, int64_t now)
{
    if (now == INT64_MIN || l->start_ms > now || l->hold_ms > now - l->start_ms) return 0;
    if (l->state == CC__LEG_HELD &&
        (l->hold_start_ms > now || l->hold_start_ms - l->start_ms < l->hold_ms))
        return 0;
    return l->state != CC__LEG_WRAPUP || l->wrap_start_ms <= now;
}

/* Count with a sanity bound against the remaining bytes (each element takes
 * at least `min_bytes`). */
static uint32_t r_count(rbuf *r, size_t min_bytes)
{
    uint32_t n = r_u32(r);
    if (n > SNAP_MAX_COUNT || (min_bytes && (size_t)n > (r->len - r->pos) / min_bytes)) r->bad = 1;
    return r->bad ? 0 : n;
}
/* Owned copy, NULL for a null string; *ok = 0 on malformed input or ENOMEM. */
static char *r_str(rbuf *r, int *oom)
{
    uint32_t n = r_u32(r);
    if (n == UINT32_MAX || r->bad) return NULL;
    if (n > CC_NAME_MAX) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *s = r_take(r, n);
    if (!s) return NULL;
    if (memchr(s, 0, n)) {
        r->bad = 1;
        return NULL;
    }
    char *c = cc__malloc((size_t)n + 1);
    if (!c) {
        *oom = 1;
        r->bad = 1;
        return NULL;
    }
    memcpy(c, s, n);
    c[n] = 0;
    return c;
}
static cc__skill *r_skills(rbuf *r, const cc_engine *e, uint32_t *n, int *oom)
{
    *n = r_count(r, 8);
    if (!*n) return NULL;
    cc__skill *s = cc__calloc(*n, sizeof *s);
    if (!s) {
        *oom = 1;
        r->bad = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < *n; i++) {
        s[i].id = r_u32(r), s[i].level = r_i32(r);
        if (s[i].id >= e->nskills || s[i].level < 1 || s[i].level > CC_SKILL_LEVEL_MAX ||
            (i && s[i].id <= s[i - 1].id))
            r->bad = 1;
    }
    return s;
}

/* Frees every queue, agent, contact and skill; the engine is empty again. */
static void engine_clear(cc_engine *e)
{
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        cc__contact *c = e->contacts[i];
        if (c) cc__contact_free(c);
    }
    for (size_t i = 0; i < e->nagent_slots; i++) cc__agent_free(e->agents[i]);
    for (size_t i = 0; i < e->nqueues; i++) cc__queue_destroy(e->queues[i]);
    for (size_t i = 0; i < e->nskills; i++) cc__free(e->skill_names[i]);
    for (size_t i = 0; i < e->last_agent.cap; i++)
        if (e->last_agent.slots[i].key) cc__free(e->last_agent.slots[i].value);
    cc__core_ids_free(&e->last_agent);
    cc__core_names_free(&e->skill_ids);
    cc__core_names_free(&e->queue_map);
    cc__core_names_free(&e->agent_map);
    cc__core_ids_free(&e->contact_map);
    e->nskills = e->nqueues = e->nagent_slots = e->nagents = e->nagent_free = 0;
    e->ncontact_slots = e->ncontacts = e->ncontact_free = 0;
    cc__heap_clear(&e->timers);
    e->timer_bound = 0;
}

static int r_heap(rbuf *r, cc_engine *e, cc__heap *h, size_t extra)
{
    uint32_t n = r_count(r, 32);
    if (r->bad) return 0;
    if (cc__heap_reserve(h, 2 * ((size_t)n + extra) + CC__HEAP_SLACK)) return -1;
    for (uint32_t i = 0; i < n; i++) {
        cc__hentry x;
        x.k1 = r_u64(r), x.k2 = r_u64(r), x.k3 = r_u64(r), x.slot = r_u32(r), x.gen = r_u32(r);
        if (r->bad) return 0;
        if (h->len && !cc__hentry_less(&h->items[h->len - 1], &x)) {
            r->bad = 1; /* not in canonical (sorted) order */
            return 0;
        }
        cc__heap_push(h, &x, NULL, NULL); /* in order: appended, O(1) */
    }
    (void)e;
    return 0;
}

/* Whether a free slot list names each slot once (its entries are < nslots). A slot
 * listed twice would be handed to two objects, the second overwriting the first.
 * 1 / 0; -1 out of memory. O(nslots). */
static int free_list_distinct(const uint32_t *list, size_t n, size_t nslots)
{
    unsigned char *seen = cc__calloc(nslots ? nslots : 1, 1);
    if (!seen) return -1;
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) ok = !seen[list[i]]++;
    cc__free(seen);
    return ok;
}

#define BAD_IF(cond)                                                                          \
    do {                                                                                      \
        if (cond) r.bad = 1;                                                                  \
        if (r.bad) goto fail;                                                                 \
    } while (0)

cc_status cc_engine_restore(cc_engine *e, const void *buf, size_t len)
{
    if (!e || (!buf && len)) return cc__fail(CC_EINVAL, "cc_engine_restore: NULL argument");
    if (e->busy) return cc__fail(CC_EBUSY, "cc_engine_restore: re-entered");
    if (e->nqueues || e->nagent_slots || e->ncontact_slots)
        return cc__fail(CC_ESTATE, "cc_engine_restore: the engine is not empty");
    rbuf r = {buf, len, 0, 0};
    int oom = 0;
    char why[160] = ""; /* what the consistency check found, if it refused */
    const unsigned char *magic = r_take(&r, 8);
    if (!magic || memcmp(magic, SNAP_MAGIC, 8) != 0)
        return cc__fail(CC_EPARSE, "cc_engine_restore: not a libcallcore snapshot");
    uint32_t version = r_u32(&r);
    if (r.bad) return cc__fail(CC_EPARSE, "cc_engine_restore: truncated header");
    if (version != SNAP_VERSION)
        return cc__fail(CC_EVERSION, "cc_engine_restore: snapshot format %u (this library: %u)",
                        (unsigned)version, SNAP_VERSION);
    uint64_t saved_rng[4];
    memcpy(saved_rng, e->rng, sizeof saved_rng);
    int64_t now = r_i64(&r); /* INT64_MIN: an engine that has seen no input yet */
    BAD_IF(now != INT64_MIN && !cc__time_in_domain(now));
    uint64_t seq = r_u64(&r), ord = r_u64(&r), rr = r_u64(&r), tc = r_u64(&r);
    for (int i = 0; i < 4; i++) e->rng[i] = r_u64(&r);
    BAD_IF(r_u32(&r) != CC_CHANNEL__COUNT);
    /* skills */
    uint32_t nsk = r_count(&r, 4);
    for (uint32_t i = 0; i < nsk && !r.bad; i++) {
        char *s = r_str(&r, &oom);
        BAD_IF(!s);
        uint32_t id;
        int dup = cc__core_names_get(&e->skill_ids, s) != NULL;
        if (dup || cc__skill_intern(e, s, &id)) {
            if (!dup) oom = 1;
            cc__free(s);
            BAD_IF(1);
        }
        cc__free(s);
    }
    /* queues */
    uint32_t nq = r_count(&r, 4);
    BAD_IF(cc__grow((void **)&e->queues, &e->queues_cap, nq ? nq : 1, sizeof *e->queues) &&
           (oom = 1));
    for (uint32_t i = 0; i < nq; i++) {
        e->queues[i] = NULL;
        e->nqueues = i + 1;
        if (!r_u32(&r)) continue;
        cc__queue *q = cc__calloc(1, sizeof *q);
        BAD_IF(!q && (oom = 1));
        e->queues[i] = q;
        q->index = i;
        q->name = r_str(&r, &oom);
        BAD_IF(!q->name || cc__queue_find(e, q->name));
        q->strategy = (cc_strategy)r_u32(&r), q->weight = r_f64(&r);
        q->sl_threshold_ms = r_span(&r, CC_TIME_LIMIT_MS);
        q->ring_timeout_ms = r_span(&r, CC_TIME_LIMIT_MS), q->wrapup_ms = r_span(&r, CC_TIME_LIMIT_MS);
        q->max_wait_ms = r_span(&r, CC_TIME_LIMIT_MS);
        q->max_length = r_i32(&r), q->max_wait_action = (cc_max_wait_action)r_u32(&r);
        q->overflow_queue = r_str(&r, &oom);
        q->join = (cc_join_policy)r_u32(&r), q->leave_when_empty = (int)r_u32(&r);
        q->req = r_skills(&r, e, &q->nreq, &oom);
        BAD_IF((unsigned)q->strategy >= CC_STRATEGY__COUNT || !(q->weight > 0) ||
               !isfinite(q->weight) || q->ring_timeout_ms <= 0 || q->wrapup_ms < 0 ||
               q->max_wait_ms < 0 || q->max_length < 0 || (unsigned)q->max_wait_action > 2 ||
               (unsigned)q->join > 1);
        uint32_t nesc = r_count(&r, 24);
        BAD_IF(nesc > 64);
        if (nesc) {
            q->esc = cc__calloc(nesc, sizeof *q->esc);
            BAD_IF(!q->esc && (oom = 1));
            q->nesc = nesc; /* only once the array exists: destroy walks it */
        }
        for (uint32_t k = 0; k < q->nesc; k++) {
            q->esc[k].after_ms = r_span(&r, CC_TIME_LIMIT_MS), q->esc[k].relax_levels = r_i32(&r);
            q->esc[k].priority_boost = r_i32(&r), q->esc[k].add_queue = r_str(&r, &oom);
            BAD_IF(q->esc[k].relax_levels < 0 || q->esc[k].priority_boost < 0);
        }
        q->last_agent_wait_ms = r_span(&r, CC_TIME_LIMIT_MS), q->callback_max_attempts = r_i32(&r);
        q->callback_retry_ms = r_span(&r, CC_TIME_LIMIT_MS), q->aht_ms = r_f64(&r);
        q->answered = r_u64(&r), q->abandoned = r_u64(&r);
        /* the AHT estimate averages handle times, each at most talk + wrap-up */
        BAD_IF(!(q->aht_ms >= 0 && q->aht_ms <= (double)(2 * SNAP_SPAN_MAX)) ||
               q->callback_max_attempts < 1);
        BAD_IF(cc__core_names_reserve(&e->queue_map, e->queue_map.len + 1) && (oom = 1));
        cc__core_names_put(&e->queue_map, q->name, q);
        uint32_t np = r_count(&r, 8);
        BAD_IF(cc__grow((void **)&q->profiles, &q->profiles_cap, np ? np : 1, sizeof *q->profiles) &&
               (oom = 1));
        for (uint32_t k = 0; k < np; k++) {
            cc__profile *p = cc__calloc(1, sizeof *p);
            BAD_IF(!p && (oom = 1));
            q->profiles[q->nprofiles++] = p;
            p->queue = q;
            p->strategy = q->strategy;
            p->channel = (cc_channel)r_u32(&r);
            p->req = r_skills(&r, e, &p->nreq, &oom);
            p->race_clock = r_f64(&r);
            BAD_IF((int)p->channel <= 0 || (int)p->channel >= CC_CHANNEL__COUNT ||
                   !isfinite(p->race_clock) || p->race_clock < 0);
            BAD_IF(cc__profile_link(q, p) && (oom = 1));
        }
    }
    /* agents */
    uint32_t nas = r_count(&r, 8);
    {
        size_t c1 = e->agents_cap, c2 = e->agents_cap;
        int g = cc__grow((void **)&e->agents, &c1, nas ? nas : 1, sizeof *e->agents) ||
                cc__grow((void **)&e->agent_gen, &c2, nas ? nas : 1, sizeof *e->agent_gen) ||
                cc__grow((void **)&e->agent_free, &e->agent_free_cap, nas ? nas : 1,
                         sizeof *e->agent_free);
        e->agents_cap = c1 < c2 ? c1 : c2;
        BAD_IF(g && (oom = 1));
    }
    for (uint32_t i = 0; i < nas; i++) {
        e->agents[i] = NULL;
        e->nagent_slots = i + 1;
        e->agent_gen[i] = r_u32(&r);
        if (!r_u32(&r)) continue;
        cc__agent *a = cc__calloc(1, sizeof *a);
        BAD_IF(!a && (oom = 1));
        e->agents[i] = a;
        e->nagents++;
        a->slot = i;
        char *name = r_str(&r, &oom);
        a->display = r_str(&r, &oom), a->ordinal = r_u64(&r);
        if (name && cc__agent_name_set(a, name)) oom = 1;
        cc__free(name);
        BAD_IF(!a->name || !a->display || cc__agent_find(e, a->name) || a->ordinal > ord);
        a->skills = r_skills(&r, e, &a->nskills, &oom);
        a->nms = r_count(&r, 24);
        a->ms_cap = a->nms ? a->nms : 1;
        a->ms = cc__calloc(a->ms_cap, sizeof *a->ms);
        BAD_IF(!a->ms && (oom = 1));
        for (uint32_t k = 0; k < a->nms; k++) {
            uint32_t qi = r_u32(&r);
            BAD_IF(qi >= e->nqueues || !e->queues[qi]);
            a->ms[k].queue = e->queues[qi];
            a->ms[k].tier = r_i32(&r), a->ms[k].penalty = r_i32(&r);
            a->ms[k].weight = r_f64(&r), a->ms[k].order = r_u32(&r);
            BAD_IF(!cc__member_weight_ok(a->ms[k].weight));
        }
        size_t legs = 0;
        for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++) {
            int32_t max = r_i32(&r), load = r_i32(&r), count = r_i32(&r);
            BAD_IF(max < 0 || max > CC__MAX_PER_CHANNEL || load < 0 || count < 0 || count > max);
            a->cap_max[ch] = (int16_t)max, a->cap_load[ch] = load, a->count[ch] = (int16_t)count;
            legs += (size_t)a->cap_max[ch];
        }
        a->budget = r_i32(&r), a->load = r_i32(&r);
        /* one block as cc_engine_agent_add makes it: legs, memberships and
         * matches on the record's pages, the layout routing was measured with */
        size_t room = 0;
        for (uint32_t k = 0; k < a->nms; k++) room = cc__match_room_add(room, a->ms[k].queue);
        cc__membership *ms = a->ms;
        int moved = cc__agent_block(&a, legs, a->nms, room) == 0;
        e->agents[i] = a; /* before any exit: the clean-up frees what the slot holds */
        BAD_IF(!moved && (oom = 1));
        memcpy(a->ms_tail, ms, a->nms * sizeof *ms);
        cc__free(ms);
        a->ms = a->ms_tail;
        a->ms_cap = a->ms_tail_cap;
        a->nlegs = r_count(&r, 80);
        BAD_IF(a->nlegs > a->legs_cap);
        for (uint32_t k = 0; k < a->nlegs; k++) {
            cc__leg *l = &a->legs[k];
            l->contact_id = r_u64(&r), l->customer_id = r_u64(&r), l->contact_slot = r_u32(&r);
            l->channel = (cc_channel)r_u32(&r);
            uint32_t qi = r_u32(&r);
            l->state = (cc__leg_state)r_u32(&r);
            l->aside = 0;
            BAD_IF(qi >= e->nqueues || !e->queues[qi] || (int)l->channel <= 0 ||
                   (int)l->channel >= CC_CHANNEL__COUNT || (unsigned)l->state > CC__LEG_WRAPUP);
            l->queue = e->queues[qi];
            l->start_ms = r_time(&r), l->hold_start_ms = r_time(&r);
            l->hold_ms = r_span(&r, SNAP_SPAN_MAX), l->talk_ms = r_span(&r, SNAP_SPAN_MAX);
            l->wrap_start_ms = r_time(&r), l->wrap_due_ms = r_due(&r);
            BAD_IF(r.bad || !leg_times_ok(l, now)); /* r.bad: a time out of the domain */
            l->queue->refs++;
            if (l->state != CC__LEG_WRAPUP) l->queue->connected++;
        }
        a->logged_in = (int)r_u32(&r), a->paused = (int)r_u32(&r), a->pause_pending = (int)r_u32(&r);
        char *reason = r_str(&r, &oom);
        BAD_IF(!reason);
        snprintf(a->reason, CC__REASON_SIZE, "%s", reason);
        cc__free(reason);
        a->state = (cc_agent_state)r_u32(&r);
        a->state_since_ms = r_time(&r), a->login_ms = r_time(&r), a->idle_since_ms = r_time(&r);
        a->offer_contact = r_u32(&r), a->offer_next = r_u32(&r), a->offer_start_ms = r_time(&r);
        /* talk time sums the legs of one login: at most every leg for the span */
        a->rr_seq = r_u64(&r), a->answered = r_u64(&r);
        a->talk_ms = r_span(&r, CC__AGENT_TALK_MAX_MS);
        a->pref_bound = r_u32(&r);
        BAD_IF((unsigned)a->state >= CC_AGENT_STATE__COUNT);
        BAD_IF(r_heap(&r, e, &a->pref, 0) && (oom = 1)); /* room for pref_bound: below */
        BAD_IF(cc__core_names_reserve(&e->agent_map, e->agent_map.len + 1) && (oom = 1));
        cc__core_names_put(&e->agent_map, a->name, a);
        if (a->logged_in && !a->paused)
            for (uint32_t k = 0; k < a->nms; k++) a->ms[k].queue->staffed++;
    }
    e->nagent_free = r_count(&r, 4);
    BAD_IF(e->nagent_free > nas);
    for (size_t i = 0; i < e->nagent_free; i++) {
        e->agent_free[i] = r_u32(&r);
        BAD_IF(e->agent_free[i] >= nas || e->agents[e->agent_free[i]]);
    }
    {
        int d = free_list_distinct(e->agent_free, e->nagent_free, nas);
        BAD_IF(d < 0 && (oom = 1));
        BAD_IF(!d);
    }
    /* members and matches */
    for (size_t i = 0; i < e->nqueues; i++) {
        cc__queue *q = e->queues[i];
        if (!q) continue;
        uint32_t nm = r_count(&r, 4);
        BAD_IF(cc__grow((void **)&q->members, &q->members_cap, nm ? nm : 1, sizeof *q->members) &&
               (oom = 1));
        for (uint32_t k = 0; k < nm; k++) {
            uint32_t s = r_u32(&r);
            BAD_IF(s >= nas || !e->agents[s] || !cc__membership_of(e->agents[s], q));
            q->members[q->nmembers++].agent = e->agents[s];
        }
    }
    for (size_t i = 0; i < e->nagent_slots; i++) {
        cc__agent *a = e->agents[i];
        if (!a) continue;
        size_t n = 0;
        for (uint32_t k = 0; k < a->nms; k++) n += a->ms[k].queue->nprofiles;
        if (n <= a->match_tail_cap) {
            a->matches = a->match_tail;
            a->matches_cap = a->match_tail_cap;
        } else {
            a->matches = cc__calloc(n, sizeof *a->matches);
            BAD_IF(!a->matches && (oom = 1));
            a->matches_cap = (uint32_t)n;
        }
        for (uint32_t k = 0; k < a->nms; k++) {
            cc__queue *q = a->ms[k].queue;
            for (size_t j = 0; j < q->nprofiles; j++)
                if (cc__agent_eligible(a, q->profiles[j])) {
                    a->matches[a->nmatches++].p = q->profiles[j];
                    q->profiles[j]->nmatched++;
                }
        }
        cc__agent_homes(a); /* derived, not stored */
    }
    /* contacts */
    uint32_t ncs = r_count(&r, 8);
    {
        size_t c1 = e->contacts_cap, c2 = e->contacts_cap;
        int g = cc__grow((void **)&e->contacts, &c1, ncs ? ncs : 1, sizeof *e->contacts) ||
                cc__grow((void **)&e->contact_gen, &c2, ncs ? ncs : 1, sizeof *e->contact_gen) ||
                cc__grow((void **)&e->contact_free, &e->contact_free_cap, ncs ? ncs : 1,
                         sizeof *e->contact_free);
        e->contacts_cap = c1 < c2 ? c1 : c2;
        BAD_IF(g && (oom = 1));
    }
    for (uint32_t i = 0; i < ncs; i++) {
        e->contacts[i] = NULL;
        e->ncontact_slots = i + 1;
        e->contact_gen[i] = r_u32(&r);
        if (!r_u32(&r)) continue;
        cc__contact *c = cc__calloc(1, sizeof *c);
        BAD_IF(!c && (oom = 1));
        e->contacts[i] = c;
        e->ncontacts++;
        e->timer_bound += CC__T_CONTACT_KINDS;
        c->slot = i;
        c->id = r_u64(&r), c->customer_id = r_u64(&r), c->ordinal = r_u64(&r);
        c->channel = (cc_channel)r_u32(&r);
        uint32_t qi = r_u32(&r);
        c->state = (cc__cstate)r_u32(&r);
        BAD_IF(!c->id || cc__contact_find(e, c->id) || qi >= e->nqueues || !e->queues[qi] ||
               (int)c->channel <= 0 || (int)c->channel >= CC_CHANNEL__COUNT ||
               c->state == CC__C_NEW || (unsigned)c->state > CC__C_IDLE || c->ordinal > ord);
        c->queue = e->queues[qi];
        c->queue->refs++;
        if (c->state == CC__C_WAITING || c->state == CC__C_RETRY) c->queue->waiting++;
        if (c->state == CC__C_OFFERED || c->state == CC__C_DIALING) c->queue->offered++;
        c->base_priority = r_i32(&r), c->priority = r_i32(&r);
        c->own_req = r_skills(&r, e, &c->nown, &oom);
        c->reason = r_str(&r, &oom);
        c->vstart_ms = r_time(&r), c->entered_ms = r_time(&r), c->arrived_ms = r_time(&r);
        BAD_IF(c->vstart_ms > now || c->entered_ms > now || c->arrived_ms > now);
        c->nprofiles = r_count(&r, 8);
        c->profiles_cap = c->nprofiles ? c->nprofiles : 1;
        c->profiles = cc__calloc(c->profiles_cap, sizeof *c->profiles);
        BAD_IF(!c->profiles && (oom = 1));
        for (uint32_t k = 0; k < c->nprofiles; k++) {
            uint32_t pq = r_u32(&r), pi = r_u32(&r);
            BAD_IF(pq >= e->nqueues || !e->queues[pq] || pi >= e->queues[pq]->nprofiles);
            c->profiles[k] = e->queues[pq]->profiles[pi];
            c->profiles[k]->nbound++;
        }
        BAD_IF(c->nprofiles == 0);
        c->esc_step = r_u32(&r), c->offer_head = r_u32(&r), c->noffers = r_u32(&r);
        c->declined = r_u32(&r), c->declined_ordinal = r_u64(&r), c->agent = r_u32(&r);
        c->consult_from = r_u32(&r);
        uint32_t lq = r_u32(&r);
        BAD_IF(lq != CC__NONE && (lq >= e->nqueues || !e->queues[lq]));
        /* a leg queue only with a leg: older versions kept the queue a blind transfer
         * left, which could be removed after */
        c->leg_queue = lq == CC__NONE || c->agent == CC__NONE ? NULL : e->queues[lq];
        c->direct = (int)r_u32(&r), c->pref_agent = r_u32(&r), c->attempts = r_i32(&r);
        c->maxwait_hit = (int)r_u32(&r), c->answered = (int)r_u32(&r);
        for (int k = 0; k < CC__T_CONTACT_KINDS; k++) c->due[k] = r_due(&r);
        BAD_IF(c->esc_step > c->queue->nesc);
        BAD_IF(c->offer_head != CC__NONE && (c->offer_head >= nas || !e->agents[c->offer_head]));
        BAD_IF(c->agent != CC__NONE && (c->agent >= nas || !e->agents[c->agent]));
        BAD_IF(c->consult_from != CC__NONE && c->consult_from != c->agent);
        BAD_IF(c->pref_agent != CC__NONE && (c->pref_agent >= nas || !e->agents[c->pref_agent]));
        BAD_IF(cc__core_ids_reserve(&e->contact_map, e->contact_map.len + 1) && (oom = 1));
        cc__core_ids_put(&e->contact_map, c->id, c);
    }
    e->ncontact_free = r_count(&r, 4);
    BAD_IF(e->ncontact_free > ncs);
    for (size_t i = 0; i < e->ncontact_free; i++) {
        e->contact_free[i] = r_u32(&r);
        BAD_IF(e->contact_free[i] >= ncs || e->contacts[e->contact_free[i]]);
    }
    {
        int d = free_list_distinct(e->contact_free, e->ncontact_free, ncs);
        BAD_IF(d < 0 && (oom = 1));
        BAD_IF(!d);
    }
    /* cross references between agents and contacts */
    for (size_t i = 0; i < e->nagent_slots; i++) {
        cc__agent *a = e->agents[i];
        if (!a) continue;
        a->consults = 0; /* derived: counted from the contacts below */
        BAD_IF(a->pref_bound > e->ncontacts);
        BAD_IF(cc__heap_reserve(&a->pref, 2 * (size_t)a->pref_bound + CC__HEAP_SLACK) && (oom = 1));
        BAD_IF(a->offer_contact != CC__NONE &&
               (a->offer_contact >= ncs || !e->contacts[a->offer_contact]));
        BAD_IF(a->offer_next != CC__NONE && (a->offer_next >= nas || !e->agents[a->offer_next]));
        for (uint32_t k = 0; k < a->nlegs; k++)
            BAD_IF(a->legs[k].contact_slot != CC__NONE &&
                   (a->legs[k].contact_slot >= ncs || !e->contacts[a->legs[k].contact_slot]));
    }
    uint64_t offers = 0; /* each agent is offered one contact at most */
    for (size_t i = 0; i < e->ncontact_slots; i++) {
        cc__contact *c = e->contacts[i];
        if (!c) continue;
        /* the offer list must be a chain of agents offered this contact;
         * bounding the offers by the agents bounds every walk (a cycle in a
         * forged chain stops after noffers + 1 steps): O(agents + contacts) */
        offers += c->noffers;
        BAD_IF(offers > nas);
        uint32_t n = 0;
        for (uint32_t s = c->offer_head; s != CC__NONE && !r.bad; s = e->agents[s]->offer_next) {
            BAD_IF(e->agents[s]->offer_contact != c->slot || ++n > c->noffers);
        }
        BAD_IF(n != c->noffers);
        /* a contact with an agent has its leg there, and the leg's queue as its leg
         * queue: a failed or cancelled consult moves the contact back into it */
        if (c->agent != CC__NONE) {
            const cc__leg *l = cc__agent_leg(e->agents[c->agent], c->id);
            BAD_IF(!l || c->leg_queue != l->queue);
        }
        BAD_IF(c->consult_from != CC__NONE && c->consult_from != c->agent);
        if (c->consult_from != CC__NONE && !r.bad) e->agents[c->consult_from]->consults++;
        cc__aside_sync(e, c); /* derived: the queue's aside list */
    }
    /* heaps */
    for (size_t i = 0; i < e->nqueues; i++) {
        cc__queue *q = e->queues[i];
        if (!q) continue;
        for (size_t k = 0; k < q->nprofiles; k++) {
            cc__profile *p = q->profiles[k];
            BAD_IF(r_heap(&r, e, &p->agents, p->nmatched) && (oom = 1));
            BAD_IF(r_heap(&r, e, &p->contacts, p->nbound) && (oom = 1));
            for (size_t j = 0; j < p->agents.len; j++) {
                BAD_IF(!cc__agent_entry_valid(&p->agents.items[j], e) ||
                       !e->agents[p->agents.items[j].slot]);
            }
            for (size_t j = 0; j < p->contacts.len; j++)
                BAD_IF(!cc__contact_entry_valid(&p->contacts.items[j], e) ||
                       !e->contacts[p->contacts.items[j].slot]);
        }
    }
    for (size_t i = 0; i < e->nagent_slots; i++)
        if (e->agents[i]) {
            for (size_t j = 0; j < e->agents[i]->pref.len; j++)
                BAD_IF(!cc__contact_entry_valid(&e->agents[i]->pref.items[j], e) ||
                       !e->contacts[e->agents[i]->pref.items[j].slot]);
            e->timer_bound += e->agents[i]->legs_cap;
        }
    cc__heap_clear(&e->timers);
    BAD_IF(r_heap(&r, e, &e->timers, e->timer_bound) && (oom = 1));
    /* last agent */
    uint32_t nl = r_count(&r, 28);
    BAD_IF(cc__core_ids_reserve(&e->last_agent, nl) && (oom = 1));
    for (uint32_t i = 0; i < nl; i++) {
        uint64_t cust = r_u64(&r);
        BAD_IF(!cust || cc__core_ids_get(&e->last_agent, cust));
        cc__last_agent *la = cc__calloc(1, sizeof *la);
        BAD_IF(!la && (oom = 1));
        la->agent_slot = r_u32(&r), la->agent_ordinal = r_u64(&r), la->ended_ms = r_time(&r);
        cc__core_ids_put(&e->last_agent, cust, la);
    }
    BAD_IF(r.pos != r.len);
    /* a blob that decodes must also be a state the engine can be in */
    if (cc__engine_check(e, why, sizeof why)) {
        oom = strstr(why, "out of memory") != NULL;
        BAD_IF(1);
    }
    e->now_ms = now;
    e->seq = seq;
    e->next_ordinal = ord;
    e->rr_counter = rr;
    e->timer_counter = tc;
    return CC_OK;
fail:
    engine_clear(e);
    memcpy(e->rng, saved_rng, sizeof saved_rng);
    if (oom) return cc__fail(CC_ENOMEM, "cc_engine_restore: out of memory");
    if (why[0]) return cc__fail(CC_EPARSE, "cc_engine_restore: inconsistent state: %s", why);
    return cc__fail(CC_EPARSE, "cc_engine_restore: malformed snapshot (at byte %zu of %zu)", r.pos,
                    len);
}
