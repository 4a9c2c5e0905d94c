/*
 * lib/sim/sim.c - the simulation run: event loop in virtual time around the
 * real routing engine (see callcore/sim.h).
 *
 * The loop takes, at each step, the earlier of the simulator's next event
 * (future-event heap) and the engine's next timer deadline; at equal times the
 * engine's timers fire first, so a ring timeout due at t beats an answer
 * scheduled for t (the agent was too slow). Engine inputs are only called from
 * the loop: what the engine tells the backend or the event sink is turned into
 * simulator events (the engine refuses re-entry).
 *
 * Memory: contacts live in a slot pool recycled through a free list, so a run
 * holds O(open contacts + agents + pending events), not O(arrivals). Contact ids
 * given to the engine are (generation << 32 | slot + 1): unique among live
 * contacts, and a stale simulator event (an abandon scheduled for a customer
 * who was answered since) is recognised by its generation and dropped.
 */
#include "sim_internal.h"

#include "backends/sim_backend.h"
#include "base/error.h"
#include "base/json.h"
#include "base/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What a simulator event does. */
enum {
    CC__SIM_ARRIVAL = 1,   /* arg = stream */
    CC__SIM_ANSWER,        /* arg = slot, aux = round << 32 | agent */
    CC__SIM_END,           /* arg = slot */
    CC__SIM_WRAPUP_END,    /* arg = engine contact id, aux = agent */
    CC__SIM_ABANDON,       /* arg = slot */
    CC__SIM_CALLBACK_ASK,  /* arg = slot */
    CC__SIM_DIAL_RESULT,   /* arg = slot, aux = round << 32 | cc_dial_result */
    CC__SIM_LOGIN,         /* arg = agent */
    CC__SIM_LOGOUT,        /* arg = agent */
    CC__SIM_BREAK_START,   /* arg = agent */
    CC__SIM_BREAK_END,     /* arg = agent */
    CC__SIM_READY          /* arg = agent: back from a ring-no-answer */
};

/* Independent random streams (rng.h): changing one distribution does not
 * shift the draws of the others. Arrival streams use CC__RNG_ARRIVALS + i. */
enum {
    CC__RNG_HANDLE = 1,
    CC__RNG_PATIENCE,
    CC__RNG_RING,
    CC__RNG_CALLBACK,
    CC__RNG_CUSTOMER,
    CC__RNG_WRAPUP,
    CC__RNG_ARRIVALS = 16
};

#define CC__SIM_NO_ID UINT32_MAX

/* ---- small helpers ------------------------------------------------------- */

/* Timetable entries sort by (time, seq), the order of the event heap. */
static int cc__sim_ev_cmp(const void *a, const void *b)
{
    const cc__sim_ev *x = a, *y = b;
    if (x->time_ms != y->time_ms) return x->time_ms < y->time_ms ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}


static int64_t cc__sim_ms(double seconds)
{
    if (!(seconds < 9.0e15)) return INT64_MAX / 4;
    return (int64_t)llround(seconds * 1000.0);
}

/* A service-level threshold in ms for the engine and the KPIs, where 0 means
 * "the 20 s default": a scenario's 0 (or anything below 0.5 ms) means
 * "answered at once", which at the simulator's 1 ms resolution is 1 ms. */
static int64_t cc__sim_sl_ms(double seconds)
{
    int64_t ms = cc__sim_ms(seconds);
    return ms > 0 ? ms : 1;
}

static cc_status cc__sim_schedule(cc_sim *s, int64_t t, uint32_t kind, uint32_t gen, uint64_t arg,
                                  uint64_t aux)
{
    if (cc__sim_heap_push(&s->heap, t, kind, gen, arg, aux) != 0) {
        s->failed = CC_ENOMEM;
        return cc__fail(CC_ENOMEM, "simulator: out of memory for events");
    }
    return CC_OK;
}

/* Slot and generation of an engine contact id; -1 when it is not ours or stale. */
static int64_t cc__sim_slot_of(const cc_sim *s, uint64_t id)
{
    uint64_t slot = (id & 0xFFFFFFFFu);
    if (slot == 0 || slot > s->ncontacts) return -1;
    const cc__sim_contact *c = &s->contacts[slot - 1];
    if (!c->live || c->gen != (uint32_t)(id >> 32)) return -1;
    return (int64_t)(slot - 1);
}

static uint64_t cc__sim_id_of(const cc_sim *s, uint32_t slot)
{
    return ((uint64_t)s->contacts[slot].gen << 32) | (uint64_t)(slot + 1);
}

static cc_status cc__sim_contact_alloc(cc_sim *s, uint32_t *out)
{
    if (s->free_head == CC__SIM_NO_ID) {
        if (s->ncontacts >= 0xFFFFFFF0u)
            return cc__fail(CC_EFULL, "simulator: too many simultaneous contacts");
        if (cc__grow((void **)&s->contacts, &s->contacts_cap, s->ncontacts + 1,
                     sizeof *s->contacts) != 0)
            return cc__fail(CC_ENOMEM, "simulator: out of memory for contacts");
        memset(&s->contacts[s->ncontacts], 0, sizeof *s->contacts);
        s->contacts[s->ncontacts].next_free = CC__SIM_NO_ID;
        s->free_head = (uint32_t)s->ncontacts++;
    }
    uint32_t slot = s->free_head;
    cc__sim_contact *c = &s->contacts[slot];
    s->free_head = c->next_free;
    uint32_t gen = c->gen + 1;
    memset(c, 0, sizeof *c);
    c->gen = gen;
    c->live = 1;
    c->next_free = CC__SIM_NO_ID;
    *out = slot;
    return CC_OK;
}

static void cc__sim_contact_release(cc_sim *s, uint32_t slot)
{
    cc__sim_contact *c = &s->contacts[slot];
    c->live = 0;
    c->next_free = s->free_head;
    s->free_head = slot;
    s->open_contacts--;
}

/* ---- media: what the engine asks of the simulated world ----------------- */

static cc_status cc__sim_on_offered(void *ctx, const cc_backend_offer *offer, int64_t now_ms)
{
    cc_sim *s = ctx;
    int64_t slot = cc__sim_slot_of(s, offer->contact_id);
    int64_t agent = cc__name_index_find(&s->agent_index, offer->agent);
    if (slot < 0 || agent < 0) return CC_OK; /* not ours: let the ring timer decide */
    const cc__sim_group_spec *g = &s->sc->groups[s->agents[agent].group];
    /* The no-answer draw comes first and always, so the ring-delay stream
     * stays aligned whatever the outcome. */
    double u = cc__sim_rng_uniform(&s->rng_ring);
    double delay_s = cc__dist_sample(&g->ring_delay_s, &s->rng_ring);
    if (u < g->no_answer_p) {
        s->no_answers++;
        return CC_OK; /* the engine's ring timer will fire */
    }
    uint64_t aux = ((uint64_t)s->contacts[slot].round << 32) | (uint64_t)agent;
    return cc__sim_schedule(s, now_ms + cc__sim_ms(delay_s), CC__SIM_ANSWER,
                            s->contacts[slot].gen, (uint64_t)slot, aux);
}

static void cc__sim_on_withdrawn(void *ctx, uint64_t contact_id, const char *agent, int64_t now_ms)
{
    /* The pending answer is now stale: the round of the contact moves on
     * when it is queued again, and accept is refused by the engine. */
    (void)ctx;
    (void)contact_id;
    (void)agent;
    (void)now_ms;
}

static cc_status cc__sim_on_bridged(void *ctx, uint64_t contact_id, const char *agent,
                                    int64_t now_ms)
{
    (void)agent;
    cc_sim *s = ctx;
    int64_t slot = cc__sim_slot_of(s, contact_id);
    if (slot < 0) return CC_OK;
    const cc__sim_stream_spec *st = &s->sc->streams[s->contacts[slot].stream];
    double talk_s = cc__dist_sample(&st->handle_s, &s->rng_handle);
    return cc__sim_schedule(s, now_ms + cc__sim_ms(talk_s), CC__SIM_END, s->contacts[slot].gen,
                            (uint64_t)slot, 0);
}

static cc_status cc__sim_on_dialed(void *ctx, uint64_t contact_id, const char *agent,
                                   int32_t attempt, int64_t now_ms)
{
    (void)agent;
    (void)attempt;
    cc_sim *s = ctx;
    int64_t slot = cc__sim_slot_of(s, contact_id);
    if (slot < 0) return CC_OK;
    s->callbacks_dialed++;
    const cc__sim_stream_spec *st = &s->sc->streams[s->contacts[slot].stream];
    double u = cc__sim_rng_uniform(&s->rng_callback);
    cc_dial_result r = u < st->callback_answer_p ? CC_DIAL_ANSWERED : CC_DIAL_NO_ANSWER;
    /* The outcome comes after the dial time. When that is past the queue's ring timeout
     * the engine counts the dial as no answer first and may dial again later: each dial
     * is a round of its own, so this outcome never stands for a later attempt. */
    uint32_t round = ++s->contacts[slot].round;
    uint64_t aux = ((uint64_t)round << 32) | (uint64_t)r;
    return cc__sim_schedule(s, now_ms + cc__sim_ms(st->callback_dial_s), CC__SIM_DIAL_RESULT,
                            s->contacts[slot].gen, (uint64_t)slot, aux);
}

static void cc__sim_on_hung_up(void *ctx, uint64_t contact_id, const char *reason, int64_t now_ms)
{
    (void)ctx;
    (void)contact_id;
    (void)reason;
    (void)now_ms;
}

/* ---- engine events: bookkeeping, KPIs, the caller's sink ----------------- */

/* Agent events the simulator reacts to; the name lookup (a hash probe and a
 * string compare) is only paid for those. */
static void cc__sim_agent_event(cc_sim *s, const cc_event *ev)
{
    if (ev->type == CC_EVENT_AGENT_STATE) {
        if (ev->agent_state != CC_AGENT_NOT_READY) return;
        int64_t a = cc__name_index_find(&s->agent_index, ev->agent);
        if (a < 0) return;
        const char *why = ev->reason ? ev->reason : "";
        if (s->agents[a].logout_pending) {
            cc__sim_schedule(s, ev->time_ms, CC__SIM_LOGOUT, 0, (uint64_t)a, 0);
        } else if (strcmp(why, "no-answer") == 0 || strcmp(why, "rejected") == 0) {
            const cc__sim_group_spec *g = &s->sc->groups[s->agents[a].group];
            cc__sim_schedule(s, ev->time_ms + cc__sim_ms(g->rona_ready_s), CC__SIM_READY, 0,
                             (uint64_t)a, 0);
        }
        return;
    }
    /* AGENT_WRAPUP_START. The slot is released at CONTACT_ENDED, just before;
     * its stream is remembered for exactly this moment. */
    int64_t slot = cc__sim_slot_of(s, ev->contact_id);
    uint16_t stream = slot >= 0 ? s->contacts[slot].stream : s->last_ended_stream;
    const cc__sim_stream_spec *st = &s->sc->streams[stream];
    if (st->wrapup_s.kind == CC__DIST_NONE) return;
    int64_t a = cc__name_index_find(&s->agent_index, ev->agent);
    if (a < 0) return;
    double w = cc__dist_sample(&st->wrapup_s, &s->rng_wrapup);
    cc__sim_schedule(s, ev->time_ms + cc__sim_ms(w), CC__SIM_WRAPUP_END, 0, ev->contact_id,
                     (uint64_t)a);
}

static void cc__sim_contact_event(cc_sim *s, const cc_event *ev)
{
    int64_t slot = cc__sim_slot_of(s, ev->contact_id);
    if (slot < 0) return;
    cc__sim_contact *c = &s->contacts[slot];
    if (ev->type == CC_EVENT_CONTACT_QUEUED) c->round++;
    if (ev->type == CC_EVENT_CONTACT_CONNECTED) c->connected = 1;
    if (cc_event_is_terminal(ev->type)) {
        s->finished++;
        s->last_ended_stream = c->stream;
        cc__sim_contact_release(s, (uint32_t)slot);
    }
}

static void cc__sim_sink(const cc_event *ev, void *user_data)
{
    cc_sim *s = user_data;
    s->engine_events++;
    if (ev->type == CC_EVENT_AGENT_STATE || ev->type == CC_EVENT_AGENT_WRAPUP_START)
        cc__sim_agent_event(s, ev);
    if (ev->contact_id) cc__sim_contact_event(s, ev);
    cc_kpi_add(s->kpi, ev);
    if (s->user_fn) s->user_fn(ev, s->user_data);
}

/* ---- handling simulator events ------------------------------------------ */

/* Engine answers that only mean "the world moved on" (the customer already
 * hung up, the offer was withdrawn) are expected in a simulation. */
static cc_status cc__sim_tolerate(cc_status st)
{
    return (st == CC_ESTATE || st == CC_ENOTFOUND) ? CC_OK : st;
}

static cc_status cc__sim_arrival(cc_sim *s, const cc__sim_ev *ev)
{
    size_t i = (size_t)ev->arg;
    const cc__sim_stream_spec *st = &s->sc->streams[i];
    cc_status rc;
    uint32_t slot = 0;
    if ((rc = cc__sim_contact_alloc(s, &slot))) return rc;
    cc__sim_contact *c = &s->contacts[slot];
    c->stream = (uint16_t)i;
    s->open_contacts++;
    s->arrivals++;
    uint64_t customer = st->customers > 0
                            ? 1 + cc__sim_rng_below(&s->rng_customer, (uint64_t)st->customers)
                            : s->arrivals;
    /* Patience and the callback choice are drawn for every arrival, whatever
     * happens later, so the streams stay aligned across scenario variants. */
    double patience = cc__dist_sample(&st->patience_s, &s->rng_patience);
    int wants_callback = st->callback_p > 0 && cc__sim_rng_uniform(&s->rng_callback) < st->callback_p;
    cc_contact_config cfg = CC_CONTACT_CONFIG_INIT;
    cfg.id = cc__sim_id_of(s, slot);
    cfg.customer_id = customer;
    cfg.channel = st->channel;
    cfg.queue = st->queue;
    cfg.priority = st->priority;
    cfg.skills = s->stream_skills[i];
    cfg.nskills = st->nskills;
    uint32_t gen = c->gen;
    rc = cc_engine_contact_add(s->engine, &cfg, ev->time_ms);
    if (rc) return rc;
    /* The contact may already be finished (blocked): then its slot is free. */
    if (cc__sim_slot_of(s, cfg.id) >= 0) {
        /* The abandon is always scheduled: a callback request the engine
         * refuses (the contact is ringing then) must not take the customer's
         * patience away; one it grants makes the abandon a no-op. */
        if (wants_callback && st->callback_after_s < patience)
            rc = cc__sim_schedule(s, ev->time_ms + cc__sim_ms(st->callback_after_s),
                                  CC__SIM_CALLBACK_ASK, gen, slot, 0);
        if (!rc && isfinite(patience))
            rc = cc__sim_schedule(s, ev->time_ms + cc__sim_ms(patience), CC__SIM_ABANDON, gen,
                                  slot, 0);
        if (rc) return rc;
    }
    int64_t next = cc__arrivals_next(&s->streams[i], &s->rng_arrivals[i]);
    if (next >= 0) return cc__sim_schedule(s, next, CC__SIM_ARRIVAL, 0, i, 0);
    return CC_OK;
}

static const char *cc__sim_agent_name(const cc_sim *s, uint64_t a)
{
    return s->agent_names[a];
}

static cc_status cc__sim_agent_action(cc_sim *s, const cc__sim_ev *ev)
{
    uint64_t a = ev->arg;
    cc__sim_agent *ag = &s->agents[a];
    const char *name = cc__sim_agent_name(s, a);
    cc_status rc = CC_OK;
    switch (ev->kind) {
    case CC__SIM_LOGIN:
        rc = cc_engine_agent_login(s->engine, name, ev->time_ms);
        if (rc == CC_OK) ag->logged_in = 1;
        break;
    case CC__SIM_LOGOUT:
        if (!ag->logged_in) break;
        ag->logout_pending = 1;
        rc = cc_engine_agent_logout(s->engine, name, ev->time_ms);
        if (rc == CC_OK) {
            ag->logged_in = 0;
            ag->logout_pending = 0;
        } else if (rc == CC_ESTATE) {
            /* Busy or ringing: no new work; logged out when free (the
             * NOT_READY event schedules the logout again). */
            rc = cc__sim_tolerate(
                cc_engine_agent_not_ready(s->engine, name, "end-of-shift", ev->time_ms));
        }
        break;
    case CC__SIM_BREAK_START:
        if (!ag->logged_in || ag->logout_pending) break;
        ag->on_break = 1;
        rc = cc__sim_tolerate(cc_engine_agent_not_ready(s->engine, name, "break", ev->time_ms));
        break;
    case CC__SIM_BREAK_END:
        ag->on_break = 0;
        if (!ag->logged_in || ag->logout_pending) break;
        rc = cc__sim_tolerate(cc_engine_agent_ready(s->engine, name, ev->time_ms));
        break;
    case CC__SIM_READY:
        if (!ag->logged_in || ag->logout_pending || ag->on_break) break;
        rc = cc__sim_tolerate(cc_engine_agent_ready(s->engine, name, ev->time_ms));
        break;
    default: break;
    }
    return rc;
}

static cc_status cc__sim_contact_action(cc_sim *s, const cc__sim_ev *ev)
{
    if (ev->kind == CC__SIM_WRAPUP_END) {
        return cc__sim_tolerate(cc_engine_wrapup_end(s->engine, cc__sim_agent_name(s, ev->aux),
                                                     ev->arg, ev->time_ms));
    }
    uint64_t slot = ev->arg;
    if (slot >= s->ncontacts) return CC_OK;
    cc__sim_contact *c = &s->contacts[slot];
    if (!c->live || c->gen != ev->gen) return CC_OK; /* stale: the contact is gone */
    uint64_t id = cc__sim_id_of(s, (uint32_t)slot);
    switch (ev->kind) {
    case CC__SIM_ANSWER:
        if ((uint32_t)(ev->aux >> 32) != c->round) return CC_OK; /* offer of an older round */
        return cc__sim_tolerate(cc_engine_offer_accept(
            s->engine, id, cc__sim_agent_name(s, ev->aux & 0xFFFFFFFFu), ev->time_ms));
    case CC__SIM_END: return cc__sim_tolerate(cc_engine_contact_end(s->engine, id, NULL, ev->time_ms));
    case CC__SIM_ABANDON:
        if (c->connected || c->callback) return CC_OK;
        return cc__sim_tolerate(cc_engine_contact_abandon(s->engine, id, ev->time_ms));
    case CC__SIM_CALLBACK_ASK: {
        if (c->connected) return CC_OK;
        cc_status rc = cc_engine_callback_request(s->engine, id, ev->time_ms);
        if (rc == CC_OK) c->callback = 1;
        return cc__sim_tolerate(rc);
    }
    case CC__SIM_DIAL_RESULT:
        if ((uint32_t)(ev->aux >> 32) != c->round) return CC_OK; /* of an earlier dial */
        return cc__sim_tolerate(cc_engine_callback_result(
            s->engine, id, (cc_dial_result)(ev->aux & 0xFFFFFFFFu), ev->time_ms));
    default: return CC_OK;
    }
}

static cc_status cc__sim_handle(cc_sim *s, const cc__sim_ev *ev)
{
    s->sim_events++;
    switch (ev->kind) {
    case CC__SIM_ARRIVAL: return cc__sim_arrival(s, ev);
    case CC__SIM_LOGIN:
    case CC__SIM_LOGOUT:
    case CC__SIM_BREAK_START:
    case CC__SIM_BREAK_END:
    case CC__SIM_READY: return cc__sim_agent_action(s, ev);
    default: return cc__sim_contact_action(s, ev);
    }
}

/* ---- the run --------------------------------------------------------------- */

/*
 * The day is over at `t`: the horizon once every contact has ended (or the last
 * event after it), the end of the drain while some are open. Agents still logged
 * in log out then, so their time up to the end counts as logged in: the loop stops
 * at its last event, and a day whose last hours were quiet ended there, the idle
 * hours left out of occupancy. Busy ones (only at the end of the drain) stay.
 */
static cc_status cc__sim_end_day(cc_sim *s, int64_t t)
{
    for (size_t a = 0; a < s->nagents; a++) {
        if (!s->agents[a].logged_in) continue;
        cc_status rc = cc_engine_agent_logout(s->engine, s->agent_names[a], t);
        if (rc == CC_OK) s->agents[a].logged_in = 0;
        else if ((rc = cc__sim_tolerate(rc))) return rc;
    }
    s->now_ms = t;
    return s->failed;
}

cc_status cc_sim_run(cc_sim *self)
{
    if (!self) return cc__fail(CC_EINVAL, "cc_sim_run: NULL run");
    if (self->ran) return cc__fail(CC_ESTATE, "cc_sim_run: this run has already been run");
    self->ran = 1;
    int64_t end = self->end_ms;
    int64_t horizon = cc__sim_ms(self->sc->horizon_s);
    for (;;) {
        if (self->failed) return self->failed;
        /* The next simulator event: the heap's or the timetable's, whichever
         * comes first in (time, seq) order. */
        const cc__sim_ev *top = cc__sim_heap_peek(&self->heap);
        const cc__sim_ev *tt =
            self->tt_next < self->ntimetable ? &self->timetable[self->tt_next] : NULL;
        int from_tt = tt && (!top || cc__sim_ev_cmp(tt, top) < 0);
        if (from_tt) top = tt;
        int64_t t_ev = top ? top->time_ms : INT64_MAX;
        int64_t t_dl = cc_engine_next_deadline(self->engine);
        int64_t t = t_dl <= t_ev ? t_dl : t_ev;
        if (t == INT64_MAX || t > end) break;
        /* After the horizon, with no contact left, the rest is only shift
         * ends and stale timers: the day is over. */
        if (t > horizon && self->open_contacts == 0) break;
        cc_status rc;
        if (t_dl <= t_ev) {
            rc = cc_engine_advance(self->engine, t_dl);
        } else {
            cc__sim_ev ev;
            if (from_tt) ev = self->timetable[self->tt_next++];
            else cc__sim_heap_pop(&self->heap, &ev);
            rc = cc__sim_handle(self, &ev);
        }
        if (rc == CC_ENOMEM) self->failed = CC_ENOMEM;
        if (rc) return rc;
        self->now_ms = t;
    }
    if (self->failed) return self->failed;
    int64_t day_end = self->now_ms > horizon ? self->now_ms : horizon;
    cc_status rc = cc__sim_end_day(self, self->open_contacts ? end : day_end);
    if (rc) return rc;
    self->unfinished = self->open_contacts;
    cc_kpi_flush(self->kpi);
    return CC_OK;
}

/* ---- building a run -------------------------------------------------------- */

static cc_status cc__sim_add_queues(cc_sim *s)
{
    const cc__scenario *sc = s->sc;
    for (size_t i = 0; i < sc->nqueues; i++) {
        const cc__sim_queue_spec *q = &sc->queues[i];
        cc_skill skills[64];
        if (q->nskills > 64) return cc__fail(CC_EINVAL, "queue '%s': more than 64 skills", q->name);
        for (size_t k = 0; k < q->nskills; k++) {
            skills[k].name = q->skills[k].name;
            skills[k].level = q->skills[k].level;
        }
        cc_queue_config cfg = CC_QUEUE_CONFIG_INIT;
        cfg.name = q->name;
        if (q->strategy) {
            /* the member path: the engine's "unknown strategy 'x'" named no queue */
            if (cc_strategy_from_name(q->strategy, &cfg.strategy) != CC_OK)
                return cc__fail(CC_EINVAL, "queues[%zu].strategy: unknown strategy '%s'", i,
                                q->strategy);
        }
        cfg.weight = q->weight;
        cfg.sl_threshold_ms = cc__sim_sl_ms(q->sl_threshold_s);
        cfg.ring_timeout_ms = cc__sim_ms(q->ring_timeout_s);
        cfg.wrapup_ms = cc__sim_ms(q->wrapup_s);
        /* A stream with a wrap-up distribution ends wrap-up itself: the queue's
         * timer becomes a cap (one hour when the queue sets none). */
        for (size_t k = 0; k < sc->nstreams; k++)
            if (sc->streams[k].wrapup_s.kind != CC__DIST_NONE &&
                strcmp(sc->streams[k].queue, q->name) == 0 && cfg.wrapup_ms == 0)
                cfg.wrapup_ms = 3600000;
        cfg.max_length = (int32_t)q->max_length;
        cfg.max_wait_ms = cc__sim_ms(q->max_wait_s);
        if (q->on_max_wait && strcmp(q->on_max_wait, "overflow") == 0)
            cfg.max_wait_action = CC_MAX_WAIT_OVERFLOW;
        else if (q->on_max_wait && strcmp(q->on_max_wait, "callback") == 0)
            cfg.max_wait_action = CC_MAX_WAIT_CALLBACK;
        cfg.overflow_queue = q->overflow_to;
        cfg.skills = skills;
        cfg.nskills = q->nskills;
        cc_status rc = cc_engine_queue_add(s->engine, &cfg);
        if (rc) return rc;
    }
    return CC_OK;
}

static cc_status cc__sim_add_agents(cc_sim *s)
{
    const cc__scenario *sc = s->sc;
    size_t n = 0;
    for (size_t g = 0; g < sc->ngroups; g++) {
        const cc__sim_group_spec *gs = &sc->groups[g];
        cc_skill skills[64];
        cc_membership members[64];
        cc_capacity caps[CC_CHANNEL__COUNT];
        if (gs->nskills > 64 || gs->nmembers > 64)
            return cc__fail(CC_EINVAL, "agents '%s': at most 64 skills and 64 queues", gs->name);
        for (size_t k = 0; k < gs->nskills; k++) {
            skills[k].name = gs->skills[k].name;
            skills[k].level = gs->skills[k].level;
        }
        for (size_t k = 0; k < gs->nmembers; k++) {
            memset(&members[k], 0, sizeof members[k]);
            members[k].queue = gs->members[k].queue;
            members[k].tier = gs->members[k].tier;
        }
        size_t ncaps = 0;
        int32_t budget = 0;
        for (int ch = 1; ch < CC_CHANNEL__COUNT; ch++) {
            if (gs->capacity[ch] <= 0) continue;
            caps[ncaps].channel = (cc_channel)ch;
            caps[ncaps].max = gs->capacity[ch];
            caps[ncaps].load = 1;
            budget += gs->capacity[ch];
            ncaps++;
        }
        /* A callback is a voice call: whoever takes voice takes callbacks. */
        if (gs->capacity[CC_CHANNEL_VOICE] > 0 && gs->capacity[CC_CHANNEL_CALLBACK] == 0) {
            caps[ncaps].channel = CC_CHANNEL_CALLBACK;
            caps[ncaps].max = gs->capacity[CC_CHANNEL_VOICE];
            caps[ncaps].load = 1;
            ncaps++;
        }
        if (ncaps == 0) return cc__fail(CC_EINVAL, "agents '%s': capacity is 0 on every channel", gs->name);
        cc_agent_config cfg = CC_AGENT_CONFIG_INIT;
        cfg.skills = skills;
        cfg.nskills = gs->nskills;
        cfg.queues = members;
        cfg.nqueues = gs->nmembers;
        cfg.capacity = caps;
        cfg.ncapacity = ncaps;
        cfg.load_budget = gs->max_load > 0 ? gs->max_load : budget;
        for (int64_t i = 0; i < gs->count; i++, n++) {
            cfg.name = s->agent_names[n];
            cc_status rc = cc_engine_agent_add(s->engine, &cfg, 0);
            if (rc) return rc;
        }
    }
    return CC_OK;
}

static void cc__sim_timetable_add(cc_sim *s, int64_t t, uint32_t kind, uint64_t agent)
{
    cc__sim_ev *e = &s->timetable[s->ntimetable++];
    memset(e, 0, sizeof *e);
    e->time_ms = t;
    e->seq = s->heap.next_seq++;
    e->kind = kind;
    e->arg = agent;
}

/*
 * The shift timetable (login, breaks, logout of every agent) is known before
 * the run: it is one sorted array read by a cursor, not heap entries, so the
 * heap stays small with 100,000 agents. Entries take sequence numbers from
 * the heap's counter, so ties order exactly as if they were in the heap.
 * O(E log E) once for E timetable entries.
 */
static cc_status cc__sim_schedule_shifts(cc_sim *s)
{
    const cc__scenario *sc = s->sc;
    size_t total = 0;
    for (size_t g = 0; g < sc->ngroups; g++)
        total += (size_t)sc->groups[g].count * (2 + 2 * sc->groups[g].nbreaks);
    s->timetable = cc__malloc((total ? total : 1) * sizeof *s->timetable);
    if (!s->timetable) return cc__fail(CC_ENOMEM, "simulator: out of memory for the timetable");
    size_t n = 0;
    for (size_t g = 0; g < sc->ngroups; g++) {
        const cc__sim_group_spec *gs = &sc->groups[g];
        for (int64_t i = 0; i < gs->count; i++, n++) {
            cc__sim_timetable_add(s, cc__sim_ms(gs->shift_start_s), CC__SIM_LOGIN, n);
            for (size_t b = 0; b < gs->nbreaks; b++) {
                int64_t t0 = cc__sim_ms(gs->breaks[b].start_s);
                int64_t t1 = cc__sim_ms(gs->breaks[b].start_s + gs->breaks[b].length_s);
                cc__sim_timetable_add(s, t0, CC__SIM_BREAK_START, n);
                cc__sim_timetable_add(s, t1, CC__SIM_BREAK_END, n);
            }
            cc__sim_timetable_add(s, cc__sim_ms(gs->shift_end_s), CC__SIM_LOGOUT, n);
        }
    }
    qsort(s->timetable, s->ntimetable, sizeof *s->timetable, cc__sim_ev_cmp);
    return CC_OK;
}

static cc_status cc__sim_name_agents(cc_sim *s)
{
    const cc__scenario *sc = s->sc;
    int64_t total = cc__scenario_agents(sc);
    s->nagents = (size_t)total;
    s->agents = cc__calloc(s->nagents ? s->nagents : 1, sizeof *s->agents);
    s->agent_names = cc__calloc(s->nagents ? s->nagents : 1, sizeof *s->agent_names);
    if (!s->agents || !s->agent_names) return cc__fail(CC_ENOMEM, "simulator: out of memory");
    size_t n = 0;
    for (size_t g = 0; g < sc->ngroups; g++) {
        for (int64_t i = 0; i < sc->groups[g].count; i++, n++) {
            char name[CC__SIM_NAME_MAX + 24];
            snprintf(name, sizeof name, "%s-%lld", sc->groups[g].name, (long long)(i + 1));
            s->agent_names[n] = cc__strdup(name);
            if (!s->agent_names[n]) return cc__fail(CC_ENOMEM, "simulator: out of memory");
            s->agents[n].group = (uint32_t)g;
        }
    }
    if (cc__name_index_build(&s->agent_index, s->agent_names, s->nagents) != 0)
        return cc__fail(CC_ENOMEM, "simulator: out of memory");
    /* Two groups could produce the same agent name ("a" x 12 vs "a-1" x 2). */
    for (size_t i = 0; i < s->nagents; i++)
        if (cc__name_index_find(&s->agent_index, s->agent_names[i]) != (int64_t)i)
            return cc__fail(CC_EINVAL, "scenario: two agent groups both produce agent '%s'",
                            s->agent_names[i]);
    return CC_OK;
}

static cc_status cc__sim_streams(cc_sim *s, uint64_t seed)
{
    const cc__scenario *sc = s->sc;
    size_t n = sc->nstreams;
    s->streams = cc__calloc(n, sizeof *s->streams);
    s->rng_arrivals = cc__calloc(n, sizeof *s->rng_arrivals);
    s->stream_skills = cc__calloc(n, sizeof *s->stream_skills);
    if (!s->streams || !s->rng_arrivals || !s->stream_skills)
        return cc__fail(CC_ENOMEM, "simulator: out of memory");
    for (size_t i = 0; i < n; i++) {
        const cc__sim_stream_spec *st = &sc->streams[i];
        if (st->nskills) {
            s->stream_skills[i] = cc__calloc(st->nskills, sizeof(cc_skill));
            if (!s->stream_skills[i]) return cc__fail(CC_ENOMEM, "simulator: out of memory");
            for (size_t k = 0; k < st->nskills; k++) {
                s->stream_skills[i][k].name = st->skills[k].name;
                s->stream_skills[i][k].level = st->skills[k].level;
            }
        }
        /* Rates beyond the horizon are ignored: arrivals stop there. */
        size_t nrates = st->nrates;
        size_t max_rates = (size_t)ceil(sc->horizon_s / sc->interval_s - 1e-9);
        if (nrates > max_rates) nrates = max_rates;
        cc__arrivals_init(&s->streams[i], st->rates_per_hour, nrates, cc__sim_ms(sc->interval_s),
                          sc->horizon_s * 1000.0);
        cc__sim_rng_seed(&s->rng_arrivals[i], seed, CC__RNG_ARRIVALS + i);
        int64_t first = cc__arrivals_next(&s->streams[i], &s->rng_arrivals[i]);
        if (first >= 0) {
            cc_status rc = cc__sim_schedule(s, first, CC__SIM_ARRIVAL, 0, i, 0);
            if (rc) return rc;
        }
    }
    return CC_OK;
}

cc_status cc_sim_new(cc_sim **out, const cc_sim_scenario *scenario, const cc_sim_options *options)
{
    if (!out || !scenario) return cc__fail(CC_EINVAL, "cc_sim_new: NULL argument");
    *out = NULL;
    cc_sim_options defaults = CC_SIM_OPTIONS_INIT;
    if (!options) options = &defaults;
    if (options->version != 1 && options->version != CC_SIM_OPTIONS_VERSION)
        return cc__fail(CC_EVERSION, "cc_sim_new: options version %u is not supported (1 and %u are)",
                        options->version, CC_SIM_OPTIONS_VERSION);
    /* A version 1 struct ends before `flags`: do not read it. */
    uint32_t flags = options->version >= 2 ? options->flags : 0;
    if (flags & ~CC_SIM_SEED_GIVEN)
        return cc__fail(CC_EINVAL, "cc_sim_new: unknown flags 0x%x", (unsigned)flags);
    cc_sim *s = cc__calloc(1, sizeof *s);
    if (!s) return cc__fail(CC_ENOMEM, "cc_sim_new: out of memory");
    s->sc = &scenario->sc;
    s->free_head = CC__SIM_NO_ID;
    s->user_fn = options->event_fn;
    s->user_data = options->event_user_data;
    cc__sim_heap_init(&s->heap);
    uint64_t seed = options->seed || (flags & CC_SIM_SEED_GIVEN) ? options->seed : s->sc->seed;
    s->seed = seed;
    cc__sim_rng_seed(&s->rng_handle, seed, CC__RNG_HANDLE);
    cc__sim_rng_seed(&s->rng_patience, seed, CC__RNG_PATIENCE);
    cc__sim_rng_seed(&s->rng_ring, seed, CC__RNG_RING);
    cc__sim_rng_seed(&s->rng_callback, seed, CC__RNG_CALLBACK);
    cc__sim_rng_seed(&s->rng_customer, seed, CC__RNG_CUSTOMER);
    cc__sim_rng_seed(&s->rng_wrapup, seed, CC__RNG_WRAPUP);
    s->end_ms = cc__sim_ms(s->sc->horizon_s + s->sc->drain_s);

    s->media.ctx = s;
    s->media.offered = cc__sim_on_offered;
    s->media.withdrawn = cc__sim_on_withdrawn;
    s->media.bridged = cc__sim_on_bridged;
    s->media.dialed = cc__sim_on_dialed;
    s->media.hung_up = cc__sim_on_hung_up;

    cc_kpi_options kopt = CC_KPI_OPTIONS_INIT;
    if (options->kpi) {
        kopt = *options->kpi;
    } else {
        kopt.interval_ms = cc__sim_ms(s->sc->interval_s);
        kopt.sl_threshold_ms = cc__sim_sl_ms(s->sc->sl_threshold_s);
        /* The short-abandon limit must stay below the SL threshold. */
        if (kopt.sl_threshold_ms <= 5000) kopt.short_abandon_ms = -1;
    }
    cc_engine_options eopt = CC_ENGINE_OPTIONS_INIT;
    eopt.event_fn = cc__sim_sink;
    eopt.event_user_data = s;
    eopt.seed = seed;
    cc_status rc;
    if ((rc = cc_kpi_new(&s->kpi, &kopt)) || (rc = cc_engine_new(&s->engine, &eopt))) goto fail;
    for (int ch = 1; ch < CC_CHANNEL__COUNT; ch++)
        if ((rc = cc_engine_bind_backend(s->engine, (cc_channel)ch, &cc__sim_backend, &s->media)))
            goto fail;
    if ((rc = cc__sim_name_agents(s)) || (rc = cc__sim_add_queues(s)) ||
        (rc = cc__sim_add_agents(s)) || (rc = cc__sim_schedule_shifts(s)) ||
        (rc = cc__sim_streams(s, seed)))
        goto fail;
    *out = s;
    return CC_OK;
fail:
    cc_sim_free(s);
    return rc;
}

void cc_sim_free(cc_sim *self)
{
    if (!self) return;
    cc_engine_free(self->engine);
    cc_kpi_free(self->kpi);
    cc__sim_heap_free(&self->heap);
    cc__free(self->timetable);
    cc__name_index_free(&self->agent_index);
    if (self->agent_names)
        for (size_t i = 0; i < self->nagents; i++) cc__free(self->agent_names[i]);
    cc__free(self->agent_names);
    cc__free(self->agents);
    if (self->stream_skills)
        for (size_t i = 0; i < self->sc->nstreams; i++) cc__free(self->stream_skills[i]);
    cc__free(self->stream_skills);
    cc__free(self->streams);
    cc__free(self->rng_arrivals);
    cc__free(self->contacts);
    cc__free(self);
}

cc_status cc_sim_get_stats(const cc_sim *self, cc_sim_stats *out)
{
    if (!self || !out) return cc__fail(CC_EINVAL, "cc_sim_get_stats: NULL argument");
    if (out->version != CC_SIM_STATS_VERSION)
        return cc__fail(CC_EVERSION, "cc_sim_get_stats: stats version %u is not supported",
                        out->version);
    out->arrivals = self->arrivals;
    out->finished = self->finished;
    out->unfinished = self->open_contacts;
    out->sim_events = self->sim_events;
    out->engine_events = self->engine_events;
    uint64_t offers = 0;
    for (int ch = 1; ch < CC_CHANNEL__COUNT; ch++) {
        const cc__sim_backend_state *b =
            cc_engine_backend_state(self->engine, (cc_channel)ch);
        if (b) offers += b->offers;
    }
    out->offers = offers;
    out->no_answers = self->no_answers;
    out->callbacks_dialed = self->callbacks_dialed;
    out->end_ms = self->now_ms;
    return CC_OK;
}

cc_status cc_sim_report(const cc_sim *self, cc_kpi_report **out)
{
    if (!self || !out) return cc__fail(CC_EINVAL, "cc_sim_report: NULL argument");
    return cc_kpi_report_new(self->kpi, out);
}

cc_status cc_sim_report_json(const cc_sim *self, uint32_t flags, char **out)
{
    if (!self || !out) return cc__fail(CC_EINVAL, "cc_sim_report_json: NULL argument");
    cc_kpi_report *r;
    cc_status rc = cc_kpi_report_new(self->kpi, &r);
    if (rc) return rc;
    rc = cc_kpi_report_json(r, NULL, flags, out);
    cc_kpi_report_free(r);
    return rc;
}

cc_engine *cc_sim_engine(cc_sim *self)
{
    return self ? self->engine : NULL;
}
