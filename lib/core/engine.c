/*
 * lib/core/engine.c - the engine object: options, time, events, PRNG, media
 * backend bindings, skill interning and the slot tables of agents/contacts.
 */
#include "engine_internal.h"

#include "base/error.h"
#include "base/mem.h"
#include "base/rng.h"

#include <stdlib.h>
#include <string.h>

static const char *const strategy_names[] = {
#define CC__STRATEGY_NAME(name, value, text) text,
    CC_STRATEGY_LIST(CC__STRATEGY_NAME)
#undef CC__STRATEGY_NAME
};

const char *cc_strategy_name(int strategy)
{
    if (strategy < 0 || strategy >= CC_STRATEGY__COUNT) return "unknown";
    return strategy_names[strategy];
}

cc_status cc_strategy_from_name(const char *name, cc_strategy *out)
{
    if (!name || !out) return cc__fail(CC_EINVAL, "strategy: NULL argument");
    for (int i = 0; i < CC_STRATEGY__COUNT; i++)
        if (strcmp(name, strategy_names[i]) == 0) {
            *out = (cc_strategy)i;
            return CC_OK;
        }
    return cc__fail(CC_EINVAL, "unknown strategy '%s'", name);
}

/* ---- PRNG: xoshiro256** seeded through splitmix64 (lib/base/rng.h) ---------- */

uint64_t cc__rng_next(cc_engine *e)
{
    return cc__xoshiro_next(e->rng);
}

double cc__rng_unit(cc_engine *e)
{
    return ((double)(cc__rng_next(e) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

/* ---- lifetime ------------------------------------------------------------ */

static cc_status check_after(const char *what, cc_agent_after v)
{
    if ((int)v < CC_AFTER_NOT_READY || (int)v > CC_AFTER_LOGOUT)
        return cc__fail(CC_EINVAL, "engine options: %s must be a cc_agent_after, got %d", what,
                        (int)v);
    return CC_OK;
}

cc_status cc_engine_new(cc_engine **out, const cc_engine_options *options)
{
    if (!out) return cc__fail(CC_EINVAL, "cc_engine_new: out is NULL");
    *out = NULL;
    cc_engine_options def = CC_ENGINE_OPTIONS_INIT;
    const cc_engine_options *o = options ? options : &def;
    if (o->version != CC_ENGINE_OPTIONS_VERSION)
        return cc__fail(CC_EVERSION, "engine options: unknown version %u (this library: %u)",
                        (unsigned)o->version, (unsigned)CC_ENGINE_OPTIONS_VERSION);
    if ((int)o->select < CC_SELECT_PRIORITY_THEN_WAIT || (int)o->select > CC_SELECT_TIER_ORDER)
        return cc__fail(CC_EINVAL, "engine options: unknown select policy %d", (int)o->select);
    cc_status st = check_after("rona_after", o->rona_after);
    if (st) return st;
    if ((st = check_after("reject_after", o->reject_after))) return st;
    if (o->last_agent_window_ms < 0 || o->last_agent_window_ms > CC_TIME_LIMIT_MS)
        return cc__fail(CC_EINVAL,
                        "engine options: last_agent_window_ms must be in 0..CC_TIME_LIMIT_MS, "
                        "got %lld",
                        (long long)o->last_agent_window_ms);
    if (o->rona_reason && (st = cc__check_name("rona_reason", o->rona_reason))) return st;
    if (o->reject_reason && (st = cc__check_name("reject_reason", o->reject_reason))) return st;
    cc_engine *e = cc__calloc(1, sizeof *e);
    if (!e) return cc__fail(CC_ENOMEM, "cc_engine_new: out of memory");
    e->event_fn = o->event_fn;
    e->event_user_data = o->event_user_data;
    e->select = o->select;
    e->rona_after = o->rona_after;
    e->reject_after = o->reject_after;
    e->rona_reason = cc__strdup(o->rona_reason ? o->rona_reason : "no-answer");
    e->reject_reason = cc__strdup(o->reject_reason ? o->reject_reason : "rejected");
    e->last_agent_window_ms = o->last_agent_window_ms ? o->last_agent_window_ms : 86400000;
    cc__xoshiro_seed(e->rng, o->seed);
    e->now_ms = INT64_MIN;
    if (!e->rona_reason || !e->reject_reason || cc__heap_reserve(&e->timers, 64)) {
        cc_engine_free(e);
        return cc__fail(CC_ENOMEM, "cc_engine_new: out of memory");
    }
    *out = e;
    return CC_OK;
}

void cc_engine_free(cc_engine *e)
{
    if (!e) return;
    /* Busy from here on: a backend's close() that called back in would run the engine
     * with the backends closed before it already freed (CC_EBUSY instead). */
    e->busy = 1;
    for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++) {
        cc__backend_binding *b = &e->backends[ch];
        if (b->vt && b->vt->close) b->vt->close(b->state);
        cc__free(b->state);
        /* unbound: a later backend's close() reads NULL, not the freed state */
        b->vt = NULL;
        b->state = NULL;
    }
    for (size_t i = 0; i < e->ncontact_slots; i++)
        if (e->contacts[i]) cc__contact_destroy(e, e->contacts[i]);
    for (size_t i = 0; i < e->nagent_slots; i++)
        if (e->agents[i]) cc__agent_free(e->agents[i]);
    for (size_t i = 0; i < e->nqueues; i++)
        if (e->queues[i]) cc__queue_destroy(e->queues[i]);
    for (size_t i = 0; i < e->nskills; i++) cc__free(e->skill_names[i]);
    cc__free(e->skill_names);
    cc__core_names_free(&e->skill_ids);
    cc__core_names_free(&e->queue_map);
    cc__core_names_free(&e->agent_map);
    cc__core_ids_free(&e->contact_map);
    for (size_t i = 0; i < e->last_agent.cap; i++)
        if (e->last_agent.slots[i].key) cc__free(e->last_agent.slots[i].value);
    cc__core_ids_free(&e->last_agent);
    cc__free(e->queues);
    cc__free(e->agents);
    cc__free(e->agent_gen);
    cc__free(e->agent_free);
    cc__free(e->contacts);
    cc__free(e->contact_gen);
    cc__free(e->contact_free);
    cc__heap_free(&e->timers);
    cc__free(e->rona_reason);
    cc__free(e->reject_reason);
    cc__free(e);
}

int64_t cc_engine_now(const cc_engine *e)
{
    return e ? e->now_ms : INT64_MIN;
}

/* Every input starts here: not re-entered, time not going backwards. */
cc_status cc__engine_enter(cc_engine *e, int64_t now_ms, const char *what)
{
    if (!e) return cc__fail(CC_EINVAL, "%s: engine is NULL", what);
    if (e->busy)
        return cc__fail(CC_EBUSY, "%s: called from inside an event sink or backend call", what);
    if (!cc__time_in_domain(now_ms))
        return cc__fail(CC_EINVAL, "%s: now_ms %lld is outside +-CC_TIME_LIMIT_MS", what,
                        (long long)now_ms);
    if (now_ms < e->now_ms)
        return cc__fail(CC_EINVAL, "%s: time went backwards (now_ms %lld < engine time %lld)",
                        what, (long long)now_ms, (long long)e->now_ms);
    return CC_OK;
}

void cc__engine_leave(cc_engine *e)
{
    e->busy = 0;
}

void cc__emit(cc_engine *e, cc_event *ev)
{
    ev->seq = ++e->seq;
    if (e->event_fn) e->event_fn(ev, e->event_user_data);
}

/* ---- backends -------------------------------------------------------------- */

cc_status cc_engine_bind_backend(cc_engine *e, cc_channel ch, const cc_backend *vt, void *config)
{
    if (!e) return cc__fail(CC_EINVAL, "cc_engine_bind_backend: engine is NULL");
    if (e->busy) return cc__fail(CC_EBUSY, "cc_engine_bind_backend: re-entered");
    if ((int)ch <= CC_CHANNEL_NONE || (int)ch >= CC_CHANNEL__COUNT)
        return cc__fail(CC_EINVAL, "cc_engine_bind_backend: invalid channel %d", (int)ch);
    if (vt && (vt->version < 1))
        return cc__fail(CC_EVERSION, "backend '%s': version %d unsupported",
                        vt->name ? vt->name : "?", vt->version);
    if (vt && !vt->open)
        return cc__fail(CC_EINVAL, "backend '%s': open() is required", vt->name ? vt->name : "?");
    for (size_t i = 0; i < e->ncontact_slots; i++)
        if (e->contacts[i] && e->contacts[i]->channel == ch)
            return cc__fail(CC_ESTATE, "cc_engine_bind_backend: contacts of channel '%s' exist",
                            cc_channel_name(ch));
    void *state = NULL;
    if (vt) {
        state = cc__calloc(1, vt->state_size ? vt->state_size : 1);
        if (!state) return cc__fail(CC_ENOMEM, "cc_engine_bind_backend: out of memory");
        e->busy = 1;
        cc_status st = vt->open(state, e, ch, config);
        e->busy = 0;
        if (st != CC_OK) {
            cc__free(state);
            return cc__fail(st, "backend '%s': open failed for channel '%s' (%s)",
                            vt->name ? vt->name : "?", cc_channel_name(ch), cc_strerror(st));
        }
    }
    cc__backend_binding *b = &e->backends[ch];
    if (b->vt && b->vt->close) {
        e->busy = 1;
        b->vt->close(b->state);
        e->busy = 0;
    }
    cc__free(b->state);
    b->vt = vt;
    b->state = state;
    return CC_OK;
}

void *cc_engine_backend_state(const cc_engine *e, cc_channel ch)
{
    if (!e || (int)ch <= 0 || (int)ch >= CC_CHANNEL__COUNT) return NULL;
    return e->backends[ch].vt ? e->backends[ch].state : NULL;
}

const cc_backend *cc__backend(cc_engine *e, cc_channel ch, void **state)
{
    if ((int)ch <= 0 || (int)ch >= CC_CHANNEL__COUNT) return NULL;
    *state = e->backends[ch].state;
    return e->backends[ch].vt;
}

/* ---- names and skills ------------------------------------------------------ */

cc_status cc__check_name(const char *what, const char *name)
{
    if (!name || !*name) return cc__fail(CC_EINVAL, "%s: name is missing", what);
    size_t n = strnlen(name, CC_NAME_MAX + 1);
    if (n > CC_NAME_MAX)
        return cc__fail(CC_EINVAL, "%s: name longer than %d bytes", what, CC_NAME_MAX);
    return CC_OK;
}

/* Interns a skill name; O(1) expected. */
int cc__skill_intern(cc_engine *e, const char *name, uint32_t *id)
{
    void *v = cc__core_names_get(&e->skill_ids, name);
    if (v) {
        *id = (uint32_t)((uintptr_t)v - 1);
        return 0;
    }
    if (cc__grow((void **)&e->skill_names, &e->skill_names_cap, e->nskills + 1,
                 sizeof *e->skill_names) ||
        cc__core_names_reserve(&e->skill_ids, e->nskills + 1))
        return -1;
    char *copy = cc__strdup(name);
    if (!copy) return -1;
    e->skill_names[e->nskills] = copy;
    cc__core_names_put(&e->skill_ids, copy, (void *)(uintptr_t)(e->nskills + 1));
    *id = (uint32_t)e->nskills++;
    return 0;
}

static int skill_cmp_sort(const void *a, const void *b)
{
    const cc__skill *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Validates and interns a skill list into a sorted owned array (interning a
 * new name is harmless if the caller fails later). */
cc_status cc__skills_convert_into(cc_engine *e, const char *owner, const cc_skill *in, size_t n,
                                  int allow_zero, cc__skill *buf, size_t nbuf, cc__skill **out,
                                  uint32_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (n && !in) return cc__fail(CC_EINVAL, "%s: skills is NULL with nskills %zu", owner, n);
    if (n > 4096) return cc__fail(CC_EINVAL, "%s: too many skills (%zu)", owner, n);
    for (size_t i = 0; i < n; i++) {
        cc_status st = cc__check_name(owner, in[i].name);
        if (st) return cc__fail(CC_EINVAL, "%s: skill %zu: name missing or too long", owner, i);
        if (in[i].level < (allow_zero ? 0 : 1) || in[i].level > CC_SKILL_LEVEL_MAX)
            return cc__fail(CC_EINVAL, "%s: skill '%s': level must be 1..%d, got %d", owner,
                            in[i].name, CC_SKILL_LEVEL_MAX, (int)in[i].level);
        for (size_t k = 0; k < i; k++)
            if (strcmp(in[k].name, in[i].name) == 0)
                return cc__fail(CC_EINVAL, "%s: skill '%s' listed twice", owner, in[i].name);
    }
    if (!n) return CC_OK;
    int own = !buf || n > nbuf;
    cc__skill *s = own ? cc__calloc(n, sizeof *s) : buf;
    if (!s) return cc__fail(CC_ENOMEM, "%s: out of memory", owner);
    for (size_t i = 0; i < n; i++) {
        if (cc__skill_intern(e, in[i].name, &s[i].id)) {
            if (own) cc__free(s);
            return cc__fail(CC_ENOMEM, "%s: out of memory", owner);
        }
        s[i].level = in[i].level;
    }
    if (n > 1) qsort(s, n, sizeof *s, skill_cmp_sort);
    *out = s;
    *nout = (uint32_t)n;
    return CC_OK;
}

cc_status cc__skills_convert(cc_engine *e, const char *owner, const cc_skill *in, size_t n,
                             int allow_zero, cc__skill **out, uint32_t *nout)
{
    return cc__skills_convert_into(e, owner, in, n, allow_zero, NULL, 0, out, nout);
}

/* ---- slot tables ----------------------------------------------------------- */

cc__agent *cc__agent_at(const cc_engine *e, uint32_t slot)
{
    return slot < e->nagent_slots ? e->agents[slot] : NULL;
}

cc__contact *cc__contact_at(const cc_engine *e, uint32_t slot)
{
    return slot < e->ncontact_slots ? e->contacts[slot] : NULL;
}

cc__agent *cc__agent_find(const cc_engine *e, const char *name)
{
    return name ? cc__core_names_get(&e->agent_map, name) : NULL;
}

cc__contact *cc__contact_find(const cc_engine *e, uint64_t id)
{
    return cc__core_ids_get(&e->contact_map, id);
}

cc__queue *cc__queue_find(const cc_engine *e, const char *name)
{
    return name ? cc__core_names_get(&e->queue_map, name) : NULL;
}
