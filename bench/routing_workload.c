/*
 * bench/routing_workload.c - the routing throughput benchmark (see
 * routing_workload.h).
 */
#include "routing_workload.h"

#include "callcore/callcore.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEMBERSHIPS 3
#define EXTRA_SKILLS 2
#define AHT_S 300.0
#define LOAD 0.98

/* ---- deterministic workload -------------------------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double rng_unit(rng *r)
{
    return ((double)(rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static int64_t rng_exp_ms(rng *r, double mean_s)
{
    return (int64_t)(-log(rng_unit(r)) * mean_s * 1000.0) + 1;
}

typedef struct agent_def {
    int32_t queue[MEMBERSHIPS];
    int32_t tier[MEMBERSHIPS];
    int32_t skill[MEMBERSHIPS + EXTRA_SKILLS];
    int32_t level[MEMBERSHIPS + EXTRA_SKILLS];
    int nskills;
} agent_def;

typedef struct world {
    int64_t n, nq, ns;
    agent_def *agents;
    char (*agent_names)[24];
    char (*queue_names)[24];
    char (*skill_names)[24];
} world;

static int queue_skill(const world *w, int64_t q)
{
    return (int)(q % w->ns);
}

static int world_build(world *w, const bench_routing_options *o)
{
    memset(w, 0, sizeof *w);
    w->n = o->agents, w->nq = o->queues, w->ns = o->skills;
    w->agents = calloc((size_t)w->n, sizeof *w->agents);
    w->agent_names = calloc((size_t)w->n, sizeof *w->agent_names);
    w->queue_names = calloc((size_t)w->nq, sizeof *w->queue_names);
    w->skill_names = calloc((size_t)w->ns, sizeof *w->skill_names);
    if (!w->agents || !w->agent_names || !w->queue_names || !w->skill_names) return -1;
    rng r = {o->seed};
    for (int64_t q = 0; q < w->nq; q++) snprintf(w->queue_names[q], 24, "q%lld", (long long)q);
    for (int64_t s = 0; s < w->ns; s++) snprintf(w->skill_names[s], 24, "s%lld", (long long)s);
    for (int64_t i = 0; i < w->n; i++) {
        agent_def *a = &w->agents[i];
        snprintf(w->agent_names[i], 24, "a%lld", (long long)i);
        int nm = 0;
        while (nm < MEMBERSHIPS && nm < w->nq) {
            int32_t q = (int32_t)(rng_next(&r) % (uint64_t)w->nq);
            int dup = 0;
            for (int k = 0; k < nm; k++) dup |= a->queue[k] == q;
            if (dup) continue;
            a->queue[nm] = q;
            a->tier[nm] = (int32_t)(rng_next(&r) % 3);
            nm++;
        }
        for (int k = nm; k < MEMBERSHIPS; k++) a->queue[k] = -1;
        for (int k = 0; k < nm; k++) {
            int s = queue_skill(w, a->queue[k]);
            int dup = 0;
            for (int j = 0; j < a->nskills; j++) dup |= a->skill[j] == s;
            if (dup) continue;
            a->skill[a->nskills] = s;
            a->level[a->nskills++] = 1 + (int32_t)(rng_next(&r) % 10);
        }
        for (int k = 0; k < EXTRA_SKILLS; k++) {
            int s = (int)(rng_next(&r) % (uint64_t)w->ns), dup = 0;
            for (int j = 0; j < a->nskills; j++) dup |= a->skill[j] == s;
            if (dup) continue;
            a->skill[a->nskills] = s;
            a->level[a->nskills++] = 1 + (int32_t)(rng_next(&r) % 10);
        }
    }
    return 0;
}

static void world_free(world *w)
{
    free(w->agents);
    free(w->agent_names);
    free(w->queue_names);
    free(w->skill_names);
}

/* ---- the routers behind one interface ----------------------------------------- */

typedef struct decision {
    uint64_t contact;
    int64_t agent;
} decision;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Both routers go through the same lifecycle per input: the input itself
 * (arrival or end), then one accept per offer it made. The driver times the
 * whole input (the lifecycle figure); each router times, in the same way, the
 * one call that produced offers (the deciding-call figure): the arrival that
 * found a free agent, or the input that freed an agent and gave it a waiting
 * contact. Both sides pay the same clock reads. */
typedef struct router router;
struct router {
    /* each call appends the decisions it made to out (up to cap) */
    int (*arrive)(router *r, uint64_t id, int32_t queue, int32_t level, int64_t now);
    int (*end)(router *r, uint64_t id, int64_t agent, int64_t now);
    decision out[64];
    int nout;
    int time_decisions; /* this pass times the deciding calls (see drive) */
    double decide_ns;   /* this input: time in the calls that produced offers */
};

/* The start of a call that may decide: a clock read only in the pass that
 * times deciding calls, so that the lifecycle pass carries no inner reads. */
static double router_clock(const router *r)
{
    return r->time_decisions ? now_ns() : 0;
}

/* Charges [t0, now) to the deciding-call time when the call that started at
 * t0 made offers beyond the first `first` ones. */
static void router_note_decision(router *r, int first, double t0)
{
    if (r->time_decisions && r->nout > first) r->decide_ns += now_ns() - t0;
}

/* engine router */
typedef struct engine_router {
    router base;
    const world *w;
    cc_engine *e;
} engine_router;

/* The agent index from its name "a<index>". Parsed by hand: the sink runs
 * inside the timed engine calls, and atoll (locale-aware strtoll) cost about
 * 2% of a decision, harness time that would be charged to the engine. */
static int64_t agent_index_of(const char *name)
{
    int64_t v = 0;
    for (const char *s = name + 1; *s >= '0' && *s <= '9'; s++) v = v * 10 + (*s - '0');
    return v;
}

static void engine_sink(const cc_event *ev, void *ud)
{
    engine_router *er = ud;
    if (ev->type != CC_EVENT_CONTACT_OFFERED || er->base.nout >= 64) return;
    er->base.out[er->base.nout].contact = ev->contact_id;
    er->base.out[er->base.nout].agent = agent_index_of(ev->agent);
    er->base.nout++;
}

/* Accepts every offer the last call made. */
static int engine_accept_all(engine_router *er, int first, int64_t now)
{
    for (int i = first; i < er->base.nout; i++)
        if (cc_engine_offer_accept(er->e, er->base.out[i].contact,
                                   er->w->agent_names[er->base.out[i].agent], now) != CC_OK)
            return -1;
    return 0;
}

/* Fires the timers due by now, as the engine's contract asks of a driver
 * before every input. No timer of this workload fires (offers are accepted
 * at once, before their ring timeout), but a real driver pays for looking:
 * cc_engine_next_deadline() drops the ring timers the accepts made stale, so
 * that cost is part of every decision measured. */
static int engine_timers(engine_router *er, int64_t now)
{
    if (cc_engine_next_deadline(er->e) > now) return 0;
    int first = er->base.nout;
    double t0 = router_clock(&er->base);
    if (cc_engine_advance(er->e, now) != CC_OK) return -1;
    router_note_decision(&er->base, first, t0);
    return engine_accept_all(er, first, now);
}

static int engine_arrive(router *r, uint64_t id, int32_t queue, int32_t level, int64_t now)
{
    engine_router *er = (engine_router *)r;
    if (engine_timers(er, now)) return -1;
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    cc_skill s = {er->w->skill_names[queue_skill(er->w, queue)], level};
    c.id = id;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = er->w->queue_names[queue];
    c.skills = &s;
    c.nskills = 1;
    int first = r->nout;
    double t0 = router_clock(r);
    if (cc_engine_contact_add(er->e, &c, now) != CC_OK) return -1;
    router_note_decision(r, first, t0);
    return engine_accept_all(er, first, now);
}

static int engine_end(router *r, uint64_t id, int64_t agent, int64_t now)
{
    engine_router *er = (engine_router *)r;
    (void)agent;
    if (engine_timers(er, now)) return -1;
    int first = r->nout;
    double t0 = router_clock(r);
    if (cc_engine_contact_end(er->e, id, NULL, now) != CC_OK) return -1;
    router_note_decision(r, first, t0);
    return engine_accept_all(er, first, now);
}

static cc_engine *engine_build(const world *w, cc_event_fn fn, void *ud, int login)
{
    cc_engine_options o = CC_ENGINE_OPTIONS_INIT;
    o.event_fn = fn;
    o.event_user_data = ud;
    cc_engine *e;
    if (cc_engine_new(&e, &o) != CC_OK) return NULL;
    for (int64_t q = 0; q < w->nq; q++) {
        cc_queue_config qc = CC_QUEUE_CONFIG_INIT;
        qc.name = w->queue_names[q];
        qc.strategy = CC_STRATEGY_LONGEST_IDLE;
        qc.ring_timeout_ms = 600000;
        if (cc_engine_queue_add(e, &qc) != CC_OK) goto fail;
    }
    for (int64_t i = 0; i < w->n; i++) {
        const agent_def *d = &w->agents[i];
        cc_membership ms[MEMBERSHIPS];
        cc_skill sk[MEMBERSHIPS + EXTRA_SKILLS];
        size_t nms = 0;
        for (int k = 0; k < MEMBERSHIPS; k++)
            if (d->queue[k] >= 0) ms[nms++] = (cc_membership){w->queue_names[d->queue[k]], d->tier[k], 0, 0};
        for (int k = 0; k < d->nskills; k++) sk[k] = (cc_skill){w->skill_names[d->skill[k]], d->level[k]};
        cc_agent_config a = CC_AGENT_CONFIG_INIT;
        a.name = w->agent_names[i];
        a.queues = ms;
        a.nqueues = nms;
        a.skills = sk;
        a.nskills = (size_t)d->nskills;
        if (cc_engine_agent_add(e, &a, 0) != CC_OK) goto fail;
        if (login && cc_engine_agent_login(e, a.name, 0) != CC_OK) goto fail;
    }
    return e;
fail:
    cc_engine_free(e);
    return NULL;
}

/* linear router: no index at all */
typedef struct lin_contact {
    uint64_t id;
    int32_t queue, level;
} lin_contact;

typedef struct linear_router {
    router base;
    const world *w;
    unsigned char *busy; /* 0 free, 1 offered, 2 connected */
    int64_t *idle_since;
    lin_contact *waiting;
    size_t nwaiting, cap;
} linear_router;

static int lin_eligible(const world *w, int64_t i, int32_t queue, int32_t level)
{
    const agent_def *d = &w->agents[i];
    int member = 0;
    for (int k = 0; k < MEMBERSHIPS; k++) member |= d->queue[k] == queue;
    if (!member) return 0;
    int s = queue_skill(w, queue);
    for (int k = 0; k < d->nskills; k++)
        if (d->skill[k] == s) return d->level[k] >= level;
    return 0;
}

/* The naive selection: walk every agent, keep the free eligible one idle the
 * longest. O(N) per call. */
static int64_t linear_pick(linear_router *lr, int32_t queue, int32_t level)
{
    int64_t best = -1;
    for (int64_t i = 0; i < lr->w->n; i++)
        if (!lr->busy[i] && lin_eligible(lr->w, i, queue, level) &&
            (best < 0 || lr->idle_since[i] < lr->idle_since[best]))
            best = i;
    return best;
}

/* The accept step of the lifecycle: the offered agent is connected. O(1) per
 * offer (the baseline has agent indexes, no names to resolve). */
static void linear_accept_all(linear_router *lr, int first)
{
    for (int i = first; i < lr->base.nout; i++) lr->busy[lr->base.out[i].agent] = 2;
}

static int linear_arrive(router *r, uint64_t id, int32_t queue, int32_t level, int64_t now)
{
    linear_router *lr = (linear_router *)r;
    (void)now;
    int first = r->nout;
    double t0 = router_clock(r);
    int64_t best = linear_pick(lr, queue, level);
    if (best >= 0) {
        lr->busy[best] = 1;
        r->out[r->nout++] = (decision){id, best};
        router_note_decision(r, first, t0);
        linear_accept_all(lr, first);
        return 0;
    }
    if (lr->nwaiting == lr->cap) {
        size_t ncap = lr->cap ? lr->cap * 2 : 1024;
        lin_contact *p = realloc(lr->waiting, ncap * sizeof *p);
        if (!p) return -1;
        lr->waiting = p, lr->cap = ncap;
    }
    lr->waiting[lr->nwaiting++] = (lin_contact){id, queue, level};
    return 0;
}

/* An agent frees up: like app_queue, the waiting callers (oldest first) look
 * for an agent by walking all agents; the first caller the freed agent can
 * serve gets the longest-idle free eligible agent. */
static int linear_end(router *r, uint64_t id, int64_t agent, int64_t now)
{
    linear_router *lr = (linear_router *)r;
    (void)id;
    int first = r->nout;
    double t0 = router_clock(r);
    lr->busy[agent] = 0;
    lr->idle_since[agent] = now;
    for (size_t k = 0; k < lr->nwaiting; k++) {
        if (!lin_eligible(lr->w, agent, lr->waiting[k].queue, lr->waiting[k].level)) continue;
        int64_t best = linear_pick(lr, lr->waiting[k].queue, lr->waiting[k].level);
        r->out[r->nout++] = (decision){lr->waiting[k].id, best};
        lr->busy[best] = 1;
        memmove(&lr->waiting[k], &lr->waiting[k + 1], (lr->nwaiting - k - 1) * sizeof *lr->waiting);
        lr->nwaiting--;
        router_note_decision(r, first, t0);
        linear_accept_all(lr, first);
        return 0;
    }
    return 0;
}

/* ---- the driver ------------------------------------------------------------------ */

typedef struct ev {
    int64_t t;
    uint64_t id;
    int64_t agent;
} ev;

typedef struct evheap {
    ev *a;
    size_t n, cap;
} evheap;

static int ev_push(evheap *h, ev x)
{
    if (h->n == h->cap) {
        size_t ncap = h->cap ? h->cap * 2 : 4096;
        ev *p = realloc(h->a, ncap * sizeof *p);
        if (!p) return -1;
        h->a = p, h->cap = ncap;
    }
    size_t i = h->n++;
    while (i > 0 && h->a[(i - 1) / 2].t > x.t) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = x;
    return 0;
}

static ev ev_pop(evheap *h)
{
    ev top = h->a[0], x = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && h->a[c + 1].t < h->a[c].t) c++;
        if (h->a[c].t >= x.t) break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n) h->a[i] = x;
    return top;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct drive_stats {
    uint64_t decisions;
    double busy_ns;   /* every input, whole lifecycle */
    double p50, p99;  /* per decision, whole input that made it */
    double decide_ns; /* the deciding calls only */
    double decide_p50, decide_p99;
} drive_stats;

/* p50 and p99 of n samples (sorted in place). */
static void percentiles(double *v, size_t n, double *p50, double *p99)
{
    if (!n) return;
    qsort(v, n, sizeof *v, cmp_double);
    *p50 = v[n / 2];
    *p99 = v[(size_t)((double)n * 0.99)];
}

#define MAX_SAMPLES 2000000

/* Runs the workload through router r: warm-up (untimed) until every agent had
 * work, then `seconds` of measured wall time. */
static int drive(router *r, const world *w, const bench_routing_options *o, drive_stats *st)
{
    rng g = {o->seed ^ 0x5bd1e995u};
    evheap h = {0};
    double rate_per_ms = LOAD * (double)w->n / (AHT_S * 1000.0);
    double *samples = malloc(MAX_SAMPLES * sizeof *samples);
    double *decide_samples = malloc(MAX_SAMPLES * sizeof *decide_samples);
    if (!samples || !decide_samples) {
        free(samples);
        free(decide_samples);
        return -1;
    }
    size_t nsamples = 0;
    int64_t t = 0, next_arrival = 0;
    uint64_t next_id = 1;
    memset(st, 0, sizeof *st);
    uint64_t warm = (uint64_t)w->n * 2, calls = 0;
    double start = 0, deadline = 0;
    int measuring = 0, rc = 0;
    for (;;) {
        /* the workload's own step (next arrival, or the next end off its
         * event heap) comes before the clock starts: only the router's
         * calls are timed */
        int arrival = h.n == 0 || next_arrival <= h.a[0].t;
        ev x = {0};
        int32_t q = 0, level = 0;
        if (arrival) {
            t = next_arrival;
            next_arrival += (int64_t)(-log(rng_unit(&g)) / rate_per_ms) + 1;
            q = (int32_t)(rng_next(&g) % (uint64_t)w->nq);
            level = 1 + (int32_t)(rng_next(&g) % 3);
        } else {
            x = ev_pop(&h);
            t = x.t;
        }
        r->nout = 0;
        r->decide_ns = 0;
        double t0 = now_ns();
        rc = arrival ? r->arrive(r, next_id++, q, level, t) : r->end(r, x.id, x.agent, t);
        double dt = now_ns() - t0;
        if (rc) break;
        for (int i = 0; i < r->nout; i++)
            if (ev_push(&h, (ev){t + rng_exp_ms(&g, AHT_S), r->out[i].contact, r->out[i].agent})) {
                rc = -1;
                break;
            }
        if (rc) break;
        if (!measuring && next_id > warm) {
            measuring = 1;
            start = now_ns();
            deadline = start + o->seconds * 1e9;
        }
        if (measuring) {
            st->busy_ns += dt;
            st->decisions += (uint64_t)r->nout;
            st->decide_ns += r->decide_ns;
            if (r->nout && nsamples < MAX_SAMPLES) {
                decide_samples[nsamples] = r->decide_ns / r->nout;
                samples[nsamples++] = dt / r->nout;
            }
            if ((++calls & 255) == 0 && now_ns() > deadline) break;
        }
    }
    percentiles(samples, nsamples, &st->p50, &st->p99);
    percentiles(decide_samples, nsamples, &st->decide_p50, &st->decide_p99);
    free(samples);
    free(decide_samples);
    free(h.a);
    return rc;
}

/* ---- memory, through the allocator hook ----------------------------------------- */

static long long mem_live;

static void *mem_malloc(size_t n, void *ud)
{
    (void)ud;
    size_t *p = malloc(n + 16);
    if (!p) return NULL;
    p[0] = n;
    mem_live += (long long)n;
    return (char *)p + 16;
}

static void *mem_realloc(void *ptr, size_t n, void *ud)
{
    if (!ptr) return mem_malloc(n, ud);
    size_t *p = (size_t *)((char *)ptr - 16);
    size_t old = p[0];
    size_t *q = realloc(p, n + 16);
    if (!q) return NULL;
    q[0] = n;
    mem_live += (long long)n - (long long)old;
    return (char *)q + 16;
}

static void mem_free(void *ptr, void *ud)
{
    (void)ud;
    if (!ptr) return;
    size_t *p = (size_t *)((char *)ptr - 16);
    mem_live -= (long long)p[0];
    free(p);
}

static int measure_memory(const world *w, bench_routing_result *res)
{
    cc_allocator a = {mem_malloc, mem_realloc, mem_free, NULL};
    cc_set_allocator(&a);
    mem_live = 0;
    int rc = -1;
    cc_engine *e = engine_build(w, NULL, NULL, 0); /* logged out: contacts wait */
    if (!e) goto out;
    long long agents_bytes = mem_live;
    res->bytes_per_agent = (double)agents_bytes / (double)w->n;
    rng g = {42};
    int64_t k = w->n < 100000 ? 100000 : w->n;
    for (int64_t i = 0; i < k; i++) {
        int32_t q = (int32_t)(rng_next(&g) % (uint64_t)w->nq);
        cc_contact_config c = CC_CONTACT_CONFIG_INIT;
        cc_skill s = {w->skill_names[queue_skill(w, q)], 1 + (int32_t)(rng_next(&g) % 3)};
        c.id = (uint64_t)i + 1;
        c.channel = CC_CHANNEL_VOICE;
        c.queue = w->queue_names[q];
        c.skills = &s;
        c.nskills = 1;
        if (cc_engine_contact_add(e, &c, 1) != CC_OK) goto out;
    }
    res->bytes_per_contact = (double)(mem_live - agents_bytes) / (double)k;
    rc = 0;
out:
    cc_engine_free(e);
    cc_set_allocator(NULL);
    return rc;
}

/* ---- entry points ------------------------------------------------------------------- */

int bench_routing_check(const bench_routing_options *o, char *err, size_t errlen)
{
    if (o->agents < 1 || o->agents > 10000000)
        return snprintf(err, errlen, "--agents must be 1..10000000, got %lld", (long long)o->agents), -1;
    if (o->queues < 1 || o->queues > 100000)
        return snprintf(err, errlen, "--queues must be 1..100000, got %lld", (long long)o->queues), -1;
    if (o->skills < 1 || o->skills > 10000)
        return snprintf(err, errlen, "--skills must be 1..10000, got %lld", (long long)o->skills), -1;
    if (!(o->seconds > 0) || o->seconds > 3600)
        return snprintf(err, errlen, "--seconds must be in (0, 3600], got %g", o->seconds), -1;
    return 0;
}

/* Decisions per second of `ns` nanoseconds of timed calls. */
static double rate(uint64_t decisions, double ns)
{
    return ns > 0 ? (double)decisions / (ns * 1e-9) : 0;
}

/* One measured pass of the engine on a fresh engine (contact ids restart). */
static int engine_pass(const world *w, const bench_routing_options *o, int time_decisions,
                       drive_stats *st, char *err, size_t errlen)
{
    engine_router er = {{engine_arrive, engine_end, {{0, 0}}, 0, time_decisions, 0}, w, NULL};
    er.e = engine_build(w, engine_sink, &er, 1);
    if (!er.e) return snprintf(err, errlen, "engine setup failed: %s", cc_error_last()), -1;
    int rc = drive(&er.base, w, o, st);
    if (rc) snprintf(err, errlen, "engine run failed: %s", cc_error_last());
    cc_engine_free(er.e);
    return rc;
}

/* One measured pass of the linear baseline on fresh state. */
static int linear_pass(const world *w, const bench_routing_options *o, int time_decisions,
                       drive_stats *st, char *err, size_t errlen)
{
    linear_router lr = {{linear_arrive, linear_end, {{0, 0}}, 0, time_decisions, 0},
                        w, NULL, NULL, NULL, 0, 0};
    lr.busy = calloc((size_t)w->n, 1);
    lr.idle_since = calloc((size_t)w->n, sizeof *lr.idle_since);
    int rc = !lr.busy || !lr.idle_since ? -1 : drive(&lr.base, w, o, st);
    free(lr.busy);
    free(lr.idle_since);
    free(lr.waiting);
    if (rc) snprintf(err, errlen, "baseline run failed");
    return rc;
}

typedef int (*pass_fn)(const world *w, const bench_routing_options *o, int time_decisions,
                       drive_stats *st, char *err, size_t errlen);

/* One router's figures under both definitions, each from its own pass: the
 * lifecycle pass takes no clock reads inside the inputs (only around each
 * whole input), the deciding pass reads the clock around the deciding calls. */
static int measure_figures(pass_fn pass, const world *w, const bench_routing_options *o,
                           bench_routing_figures *f, char *err, size_t errlen)
{
    drive_stats life, decide;
    if (pass(w, o, 0, &life, err, errlen) || pass(w, o, 1, &decide, err, errlen)) return -1;
    f->decisions = life.decisions;
    f->decisions_per_s = rate(life.decisions, life.busy_ns);
    f->p50_ns = life.p50;
    f->p99_ns = life.p99;
    f->decide_decisions_per_s = rate(decide.decisions, decide.decide_ns);
    f->decide_p50_ns = decide.decide_p50;
    f->decide_p99_ns = decide.decide_p99;
    return 0;
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

int bench_routing_run(const bench_routing_options *o, bench_routing_result *res, char *err,
                      size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (bench_routing_check(o, err, errlen)) return -1;
    world w;
    if (world_build(&w, o)) {
        world_free(&w);
        return snprintf(err, errlen, "out of memory building the workload"), -1;
    }
    int rc = -1;
    if (measure_memory(&w, res)) {
        snprintf(err, errlen, "engine setup failed: %s", cc_error_last());
        goto out;
    }
    if (measure_figures(engine_pass, &w, o, &res->engine, err, errlen)) goto out;
    if (o->baseline_linear) {
        if (measure_figures(linear_pass, &w, o, &res->baseline, err, errlen)) goto out;
        res->has_baseline = 1;
        res->speedup = ratio(res->engine.decisions_per_s, res->baseline.decisions_per_s);
        res->decide_speedup =
            ratio(res->engine.decide_decisions_per_s, res->baseline.decide_decisions_per_s);
    }
    rc = 0;
out:
    world_free(&w);
    return rc;
}
