/*
 * tests/unit/engine_fixture.h - shared helpers of the engine tests: an event
 * recorder (events copied with their strings) and short constructors.
 */
#ifndef CC_TEST_ENGINE_FIXTURE_H
#define CC_TEST_ENGINE_FIXTURE_H

#include "callcore/callcore.h"
#include "callcore/sys/backend.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rec_event {
    cc_event ev;
    char queue[64], agent[64], target_queue[64], target_agent[64], reason[64];
} rec_event;

typedef struct recorder {
    rec_event *items;
    size_t len, cap;
    uint64_t hash; /* FNV-1a over every field, strings included */
} recorder;

static inline void rec_hash_bytes(recorder *r, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) r->hash = (r->hash ^ b[i]) * 1099511628211ull;
}

static inline void rec_hash_str(recorder *r, const char *s)
{
    if (s) rec_hash_bytes(r, s, strlen(s) + 1);
    else rec_hash_bytes(r, "\xff", 1);
}

static inline void rec_copy(char *dst, const char *src)
{
    snprintf(dst, 64, "%s", src ? src : "");
}

static inline void rec_sink(const cc_event *ev, void *ud)
{
    recorder *r = ud;
    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->items = realloc(r->items, r->cap * sizeof *r->items);
        if (!r->items) abort();
    }
    rec_event *x = &r->items[r->len++];
    x->ev = *ev;
    rec_copy(x->queue, ev->queue);
    rec_copy(x->agent, ev->agent);
    rec_copy(x->target_queue, ev->target_queue);
    rec_copy(x->target_agent, ev->target_agent);
    rec_copy(x->reason, ev->reason);
    if (!r->hash) r->hash = 1469598103934665603ull;
    int64_t nums[] = {ev->type, ev->flags, ev->time_ms, (int64_t)ev->seq, (int64_t)ev->contact_id,
                      (int64_t)ev->customer_id, ev->channel, ev->priority, ev->agent_state,
                      ev->prev_agent_state, ev->virtual_start_ms, ev->wait_ms, ev->duration_ms,
                      ev->hold_ms, (int64_t)ev->value};
    rec_hash_bytes(r, nums, sizeof nums);
    rec_hash_str(r, ev->queue);
    rec_hash_str(r, ev->agent);
    rec_hash_str(r, ev->target_queue);
    rec_hash_str(r, ev->target_agent);
    rec_hash_str(r, ev->reason);
}

static inline void rec_free(recorder *r)
{
    free(r->items);
    memset(r, 0, sizeof *r);
}

/* Index of the n-th (0-based) event of `type` from `from` on, or -1. */
static inline long rec_find(const recorder *r, size_t from, cc_event_type type, int n)
{
    for (size_t i = from; i < r->len; i++)
        if (r->items[i].ev.type == type && n-- == 0) return (long)i;
    return -1;
}

static inline int rec_count(const recorder *r, cc_event_type type)
{
    int n = 0;
    for (size_t i = 0; i < r->len; i++) n += r->items[i].ev.type == type;
    return n;
}

/* The agent of the last event of `type`, "" if none. */
static inline const char *rec_last_agent(const recorder *r, cc_event_type type)
{
    for (size_t i = r->len; i-- > 0;)
        if (r->items[i].ev.type == type) return r->items[i].agent;
    return "";
}

static inline cc_engine *new_engine(recorder *r, uint64_t seed)
{
    cc_engine_options o = CC_ENGINE_OPTIONS_INIT;
    o.event_fn = rec_sink;
    o.event_user_data = r;
    o.seed = seed;
    cc_engine *e = NULL;
    if (cc_engine_new(&e, &o) != CC_OK) abort();
    return e;
}

static inline cc_status add_queue(cc_engine *e, const char *name, cc_strategy s)
{
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = name;
    q.strategy = s;
    return cc_engine_queue_add(e, &q);
}

/* Agent member of one queue with optional single skill. */
static inline cc_status add_agent(cc_engine *e, const char *name, const char *queue, const char *skill,
                           int level, int64_t now)
{
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    cc_membership m = {queue, 0, 0, 0.0};
    cc_skill s = {skill, level};
    a.name = name;
    a.queues = &m;
    a.nqueues = queue ? 1 : 0;
    a.skills = &s;
    a.nskills = skill ? 1 : 0;
    return cc_engine_agent_add(e, &a, now);
}

static inline cc_status add_contact(cc_engine *e, uint64_t id, const char *queue, int32_t prio,
                             const char *skill, int level, int64_t now)
{
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    cc_skill s = {skill, level};
    c.id = id;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = queue;
    c.priority = prio;
    c.skills = &s;
    c.nskills = skill ? 1 : 0;
    return cc_engine_contact_add(e, &c, now);
}

static inline cc_agent_state agent_state(cc_engine *e, const char *name)
{
    cc_agent_status st = CC_AGENT_STATUS_INIT;
    if (cc_engine_agent_status(e, name, &st) != CC_OK) return (cc_agent_state)-1;
    return st.state;
}

static inline cc_contact_state contact_state(cc_engine *e, uint64_t id)
{
    cc_contact_status st = CC_CONTACT_STATUS_INIT;
    if (cc_engine_contact_status(e, id, &st) != CC_OK) return (cc_contact_state)-1;
    return st.state;
}

/* The agent a contact is offered to / connected with, "" if none. */
static inline const char *contact_agent(cc_engine *e, uint64_t id)
{
    cc_contact_status st = CC_CONTACT_STATUS_INIT;
    if (cc_engine_contact_status(e, id, &st) != CC_OK || !st.agent) return "";
    return st.agent;
}

#endif
