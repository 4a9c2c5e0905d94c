/*
 * lib/runtime/rpc_methods.c - the wire methods: one small function per
 * method, mapping named msgpack arguments to the engine API (docs/protocol.md).
 * Handlers read the input time from rt->now_ms, which the runtime sets from
 * its clock, or from the journal during recovery, so replays are exact.
 */
#include "runtime_impl.h"

#include "base/error.h"
#include "base/mem.h"
#include "callcore/alloc.h"
#include "callcore/erlang.h"
#include "callcore/staffing.h"
#include "callcore/version.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RT(call) ((cc_runtime *)(call)->ctx)
#define ARGS_ONLY(call, ...)                                                                       \
    do {                                                                                           \
        static const char *const known_[] = {__VA_ARGS__, NULL};                                   \
        cc_status st_ = cc__args_only(&(call)->args, known_);                                      \
        if (st_) return st_;                                                                       \
    } while (0)
#define ARGS_NONE(call)                                                                            \
    do {                                                                                           \
        static const char *const known_[] = {NULL};                                                \
        cc_status st_ = cc__args_only(&(call)->args, known_);                                      \
        if (st_) return st_;                                                                       \
    } while (0)
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        cc_status st_ = (expr);                                                                    \
        if (st_) return st_;                                                                       \
    } while (0)

static cc_status ok_true(cc__rpc_call *call)
{
    msgpack_pack_true(call->pk);
    return CC_OK;
}

static cc_status need_conn(cc__rpc_call *call)
{
    if (!call->conn) return cc__fail(CC_ESTATE, "%s: needs a connection", call->method);
    return CC_OK;
}

/* ---- argument shapes shared by several methods ---------------------------- */

/* {"skill": level, ...} into a zone array of cc_skill. */
static cc_status get_skills(cc__rpc_call *call, const char *key, cc_skill **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const msgpack_object *o = cc__args_get(&call->args, key);
    if (!o) return CC_OK;
    if (o->type != MSGPACK_OBJECT_MAP)
        return cc__fail(CC_EINVAL, "%s: '%s' must be a map {skill: level}", call->method, key);
    uint32_t cnt = o->via.map.size;
    cc_skill *v = msgpack_zone_malloc(call->args.zone, (cnt ? cnt : 1) * sizeof *v);
    if (!v) return cc__fail(CC_ENOMEM, "%s: out of memory", call->method);
    for (uint32_t i = 0; i < cnt; i++) {
        const msgpack_object_kv *kv = &o->via.map.ptr[i];
        TRY(cc__args_strdup(&call->args, key, &kv->key, &v[i].name));
        if (kv->val.type != MSGPACK_OBJECT_POSITIVE_INTEGER || kv->val.via.u64 > INT32_MAX)
            return cc__fail(CC_EINVAL, "%s: level of skill '%s' must be an integer", call->method,
                            v[i].name);
        v[i].level = (int32_t)kv->val.via.u64;
    }
    *out = v;
    *n = cnt;
    return CC_OK;
}

/* A sub-map's field as an integer (0 when absent). */
static cc_status sub_int(cc__rpc_call *call, const msgpack_object *map, const char *key,
                         int64_t *out)
{
    cc__args sub = {call->method, &map->via.map, call->args.zone, call->args.lenient};
    return cc__args_int(&sub, key, 0, 0, out);
}

static cc_status sub_str(cc__rpc_call *call, const msgpack_object *map, const char *key,
                         int required, const char **out)
{
    cc__args sub = {call->method, &map->via.map, call->args.zone, call->args.lenient};
    return cc__args_str(&sub, key, required, NULL, out);
}

/* Refuses keys of the nested map `what`[i] that `known` (NULL-terminated)
 * does not list, as top-level arguments are refused: a typo never passes
 * silently. Not while replaying: a journal written before nested maps were
 * checked may hold a call that succeeded then, and must replay as it did. */
static cc_status sub_only(cc__rpc_call *call, const msgpack_object *map, const char *what,
                          uint32_t i, const char *const *known)
{
    if (RT(call)->replaying) return CC_OK;
    char where[96];
    snprintf(where, sizeof where, "%s: %s[%u]", call->method, what, i);
    cc__args sub = {where, &map->via.map, call->args.zone, call->args.lenient};
    return cc__args_only(&sub, known);
}

/* An integer argument the C API takes as int32_t: one that does not fit is an
 * error, not clamped (a priority of 2^40 is a client's mistake to report). */
static cc_status fit32(const cc__rpc_call *call, const char *key, int64_t v)
{
    if (v < INT32_MIN || v > INT32_MAX)
        return cc__fail(CC_EINVAL, "%s: '%s' must fit in 32 bits (-2147483648..2147483647), got %lld",
                        call->method, key, (long long)v);
    return CC_OK;
}

static cc_status get_channel(cc__rpc_call *call, const char *key, int required, cc_channel def,
                             cc_channel *out)
{
    const char *name;
    TRY(cc__args_str(&call->args, key, required, NULL, &name));
    if (!name) {
        *out = def;
        return CC_OK;
    }
    *out = cc_channel_from_name(name);
    if (*out == CC_CHANNEL_NONE)
        return cc__fail(CC_EINVAL, "%s: unknown channel '%s'", call->method, name);
    return CC_OK;
}

/* ---- basics ----------------------------------------------------------------- */

static cc_status m_ping(cc__rpc_call *call)
{
    ARGS_ONLY(call, "echo");
    const msgpack_object *e = cc__args_get(&call->args, "echo");
    if (e)
        msgpack_pack_object(call->pk, *e);
    else
        cc__pack_cstr(call->pk, "pong");
    return CC_OK;
}

static cc_status m_version(cc__rpc_call *call)
{
    ARGS_NONE(call);
    msgpack_pack_map(call->pk, 3);
    cc__pack_key(call->pk, "version");
    cc__pack_cstr(call->pk, cc_version());
    cc__pack_key(call->pk, "version_hex");
    msgpack_pack_uint32(call->pk, cc_version_hex());
    cc__pack_key(call->pk, "protocol");
    msgpack_pack_uint32(call->pk, 1);
    return CC_OK;
}

/* ---- queues -------------------------------------------------------------------- */

static cc_status parse_enum(cc__rpc_call *call, const char *key, const char *const *names,
                            int count, int def, int *out)
{
    const char *v;
    TRY(cc__args_str(&call->args, key, 0, NULL, &v));
    if (!v) {
        *out = def;
        return CC_OK;
    }
    for (int i = 0; i < count; i++)
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            return CC_OK;
        }
    return cc__fail(CC_EINVAL, "%s: '%s' cannot be '%s'", call->method, key, v);
}

/* The params of queue.create and queue.configure into *out (strings and
 * arrays live in the call's zone). */
static cc_status queue_config_args(cc__rpc_call *call, cc_queue_config *out)
{
    ARGS_ONLY(call, "name", "strategy", "weight", "sl_threshold_ms", "ring_timeout_ms", "wrapup_ms",
              "max_length", "max_wait_ms", "max_wait_action", "overflow_queue", "join",
              "leave_when_empty", "skills", "escalations", "last_agent_wait_ms",
              "callback_max_attempts", "callback_retry_ms", "aht_hint_ms");
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    const char *strategy;
    int64_t i64;
    TRY(cc__args_str(&call->args, "name", 1, NULL, &q.name));
    TRY(cc__args_str(&call->args, "strategy", 0, NULL, &strategy));
    if (strategy) TRY(cc_strategy_from_name(strategy, &q.strategy));
    TRY(cc__args_double(&call->args, "weight", 0, 0.0, &q.weight));
    TRY(cc__args_int(&call->args, "sl_threshold_ms", 0, 0, &q.sl_threshold_ms));
    TRY(cc__args_int(&call->args, "ring_timeout_ms", 0, 0, &q.ring_timeout_ms));
    TRY(cc__args_int(&call->args, "wrapup_ms", 0, 0, &q.wrapup_ms));
    TRY(cc__args_int(&call->args, "max_length", 0, 0, &i64));
    TRY(fit32(call, "max_length", i64));
    q.max_length = (int32_t)i64;
    TRY(cc__args_int(&call->args, "max_wait_ms", 0, 0, &q.max_wait_ms));
    static const char *const actions[] = {"leave", "overflow", "callback"};
    static const char *const joins[] = {"always", "if-staffed"};
    int e = 0;
    TRY(parse_enum(call, "max_wait_action", actions, 3, 0, &e));
    q.max_wait_action = (cc_max_wait_action)e;
    TRY(cc__args_str(&call->args, "overflow_queue", 0, NULL, &q.overflow_queue));
    TRY(parse_enum(call, "join", joins, 2, 0, &e));
    q.join = (cc_join_policy)e;
    TRY(cc__args_bool(&call->args, "leave_when_empty", 0, 0, &q.leave_when_empty));
    cc_skill *skills;
    TRY(get_skills(call, "skills", &skills, &q.nskills));
    q.skills = skills;
    const msgpack_object *esc = cc__args_get(&call->args, "escalations");
    if (esc) {
        if (esc->type != MSGPACK_OBJECT_ARRAY)
            return cc__fail(CC_EINVAL, "%s: 'escalations' must be an array of maps", call->method);
        uint32_t n = esc->via.array.size;
        cc_escalation *v = msgpack_zone_malloc(call->args.zone, (n ? n : 1) * sizeof *v);
        if (!v) return cc__fail(CC_ENOMEM, "%s: out of memory", call->method);
        for (uint32_t i = 0; i < n; i++) {
            const msgpack_object *m = &esc->via.array.ptr[i];
            if (m->type != MSGPACK_OBJECT_MAP)
                return cc__fail(CC_EINVAL, "%s: escalations[%u] must be a map", call->method, i);
            static const char *const known[] = {"after_ms", "relax_levels", "priority_boost",
                                                "add_queue", NULL};
            TRY(sub_only(call, m, "escalations", i, known));
            int64_t relax, boost;
            TRY(sub_int(call, m, "after_ms", &v[i].after_ms));
            TRY(sub_int(call, m, "relax_levels", &relax));
            TRY(sub_int(call, m, "priority_boost", &boost));
            TRY(sub_str(call, m, "add_queue", 0, &v[i].add_queue));
            TRY(fit32(call, "relax_levels", relax));
            TRY(fit32(call, "priority_boost", boost));
            v[i].relax_levels = (int32_t)relax;
            v[i].priority_boost = (int32_t)boost;
        }
        q.escalations = v;
        q.nescalations = n;
    }
    TRY(cc__args_int(&call->args, "last_agent_wait_ms", 0, 0, &q.last_agent_wait_ms));
    TRY(cc__args_int(&call->args, "callback_max_attempts", 0, 0, &i64));
    TRY(fit32(call, "callback_max_attempts", i64));
    q.callback_max_attempts = (int32_t)i64;
    TRY(cc__args_int(&call->args, "callback_retry_ms", 0, 0, &q.callback_retry_ms));
    TRY(cc__args_int(&call->args, "aht_hint_ms", 0, 0, &q.aht_hint_ms));
    *out = q;
    return CC_OK;
}

static cc_status m_queue_create(cc__rpc_call *call)
{
    cc_queue_config q;
    TRY(queue_config_args(call, &q));
    TRY(cc_engine_queue_add(RT(call)->engine, &q));
    return ok_true(call);
}

/* The whole configuration, as for queue.create (absent params take their
 * defaults, not the queue's current values). */
static cc_status m_queue_configure(cc__rpc_call *call)
{
    cc_queue_config q;
    TRY(queue_config_args(call, &q));
    TRY(cc_engine_queue_configure(RT(call)->engine, &q, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_queue_remove(cc__rpc_call *call)
{
    ARGS_ONLY(call, "name");
    const char *name;
    TRY(cc__args_str(&call->args, "name", 1, NULL, &name));
    TRY(cc_engine_queue_remove(RT(call)->engine, name, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_queue_status(cc__rpc_call *call)
{
    ARGS_ONLY(call, "name");
    const char *name;
    TRY(cc__args_str(&call->args, "name", 1, NULL, &name));
    cc_queue_status s = CC_QUEUE_STATUS_INIT;
    TRY(cc_engine_queue_status(RT(call)->engine, name, &s));
    msgpack_packer *pk = call->pk;
    msgpack_pack_map(pk, 12);
    cc__pack_key(pk, "waiting");
    msgpack_pack_int32(pk, s.waiting);
    cc__pack_key(pk, "offered");
    msgpack_pack_int32(pk, s.offered);
    cc__pack_key(pk, "connected");
    msgpack_pack_int32(pk, s.connected);
    cc__pack_key(pk, "longest_wait_ms");
    msgpack_pack_int64(pk, s.longest_wait_ms);
    cc__pack_key(pk, "members");
    msgpack_pack_int32(pk, s.members);
    cc__pack_key(pk, "staffed");
    msgpack_pack_int32(pk, s.staffed);
    cc__pack_key(pk, "available");
    msgpack_pack_int32(pk, s.available);
    cc__pack_key(pk, "aht_ms");
    msgpack_pack_int64(pk, s.aht_ms);
    cc__pack_key(pk, "ewt_ms");
    msgpack_pack_int64(pk, s.ewt_ms);
    cc__pack_key(pk, "sl_threshold_ms");
    msgpack_pack_int64(pk, s.sl_threshold_ms);
    cc__pack_key(pk, "answered");
    msgpack_pack_uint64(pk, s.answered);
    cc__pack_key(pk, "abandoned");
    msgpack_pack_uint64(pk, s.abandoned);
    return CC_OK;
}

typedef struct name_list {
    cc__wbuf buf;
    msgpack_packer pk;
    uint32_t n;
} name_list;

static int collect_name(const char *name, void *ud)
{
    name_list *l = ud;
    cc__pack_cstr(&l->pk, name);
    l->n++;
    return 0;
}

static cc_status pack_names(cc__rpc_call *call, int agents)
{
    ARGS_NONE(call);
    name_list l = {{0}, {0}, 0};
    msgpack_packer_init(&l.pk, &l.buf, cc__wbuf_write);
    if (agents)
        cc_engine_foreach_agent(RT(call)->engine, collect_name, &l);
    else
        cc_engine_foreach_queue(RT(call)->engine, collect_name, &l);
    if (l.buf.failed) {
        cc__wbuf_free(&l.buf);
        return cc__fail(CC_ENOMEM, "%s: out of memory", call->method);
    }
    msgpack_pack_array(call->pk, l.n);
    if (l.buf.len) call->pk->callback(call->pk->data, l.buf.data, l.buf.len);
    cc__wbuf_free(&l.buf);
    return CC_OK;
}

static cc_status m_queue_list(cc__rpc_call *call)
{
    return pack_names(call, 0);
}

static cc_status m_agent_list(cc__rpc_call *call)
{
    return pack_names(call, 1);
}

/* ---- agents ---------------------------------------------------------------------- */

static const char *const agent_config_keys[] = {"agent",    "display_name", "skills", "queues",
                                                "capacity", "load_budget",  NULL};

static cc_status agent_add(cc__rpc_call *call, const char *name)
{
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    a.name = name;
    int64_t i64;
    TRY(cc__args_str(&call->args, "display_name", 0, NULL, &a.display_name));
    cc_skill *skills;
    TRY(get_skills(call, "skills", &skills, &a.nskills));
    a.skills = skills;
    const msgpack_object *qs = cc__args_get(&call->args, "queues");
    if (qs) {
        if (qs->type != MSGPACK_OBJECT_ARRAY)
            return cc__fail(CC_EINVAL, "%s: 'queues' must be an array", call->method);
        uint32_t n = qs->via.array.size;
        cc_membership *v = msgpack_zone_malloc(call->args.zone, (n ? n : 1) * sizeof *v);
        if (!v) return cc__fail(CC_ENOMEM, "%s: out of memory", call->method);
        for (uint32_t i = 0; i < n; i++) {
            const msgpack_object *m = &qs->via.array.ptr[i];
            memset(&v[i], 0, sizeof v[i]);
            if (m->type == MSGPACK_OBJECT_STR) {
                TRY(cc__args_strdup(&call->args, "queues", m, &v[i].queue));
                continue;
            }
            if (m->type != MSGPACK_OBJECT_MAP)
                return cc__fail(CC_EINVAL, "%s: queues[%u] must be a name or a map", call->method,
                                i);
            static const char *const known[] = {"queue", "tier", "penalty", "weight", NULL};
            TRY(sub_only(call, m, "queues", i, known));
            int64_t tier, penalty;
            TRY(sub_str(call, m, "queue", 1, &v[i].queue));
            TRY(sub_int(call, m, "tier", &tier));
            TRY(sub_int(call, m, "penalty", &penalty));
            cc__args sub = {call->method, &m->via.map, call->args.zone, call->args.lenient};
            TRY(cc__args_double(&sub, "weight", 0, 0.0, &v[i].weight));
            TRY(fit32(call, "tier", tier));
            TRY(fit32(call, "penalty", penalty));
            v[i].tier = (int32_t)tier;
            v[i].penalty = (int32_t)penalty;
        }
        a.queues = v;
        a.nqueues = n;
    }
    const msgpack_object *cap = cc__args_get(&call->args, "capacity");
    if (cap) {
        if (cap->type != MSGPACK_OBJECT_ARRAY)
            return cc__fail(CC_EINVAL, "%s: 'capacity' must be an array of maps", call->method);
        uint32_t n = cap->via.array.size;
        cc_capacity *v = msgpack_zone_malloc(call->args.zone, (n ? n : 1) * sizeof *v);
        if (!v) return cc__fail(CC_ENOMEM, "%s: out of memory", call->method);
        for (uint32_t i = 0; i < n; i++) {
            const msgpack_object *m = &cap->via.array.ptr[i];
            if (m->type != MSGPACK_OBJECT_MAP)
                return cc__fail(CC_EINVAL, "%s: capacity[%u] must be a map", call->method, i);
            static const char *const known[] = {"channel", "max", "load", NULL};
            TRY(sub_only(call, m, "capacity", i, known));
            const char *ch;
            int64_t max, load;
            TRY(sub_str(call, m, "channel", 1, &ch));
            TRY(sub_int(call, m, "max", &max));
            TRY(sub_int(call, m, "load", &load));
            v[i].channel = cc_channel_from_name(ch);
            if (v[i].channel == CC_CHANNEL_NONE)
                return cc__fail(CC_EINVAL, "%s: unknown channel '%s'", call->method, ch);
            TRY(fit32(call, "max", max));
            TRY(fit32(call, "load", load));
            v[i].max = (int32_t)max;
            v[i].load = (int32_t)load;
        }
        a.capacity = v;
        a.ncapacity = n;
    }
    TRY(cc__args_int(&call->args, "load_budget", 0, 0, &i64));
    TRY(fit32(call, "load_budget", i64));
    a.load_budget = (int32_t)i64;
    return cc_engine_agent_add(RT(call)->engine, &a, RT(call)->now_ms);
}

static cc_status m_agent_add(cc__rpc_call *call)
{
    TRY(cc__args_only(&call->args, agent_config_keys));
    const char *name;
    TRY(cc__args_str(&call->args, "agent", 1, NULL, &name));
    TRY(agent_add(call, name));
    return ok_true(call);
}

/* Logs an agent in, adding it first (with the given configuration) when the
 * engine does not know it yet. */
static cc_status m_agent_login(cc__rpc_call *call)
{
    TRY(cc__args_only(&call->args, agent_config_keys));
    const char *name;
    TRY(cc__args_str(&call->args, "agent", 1, NULL, &name));
    cc_agent_status s = CC_AGENT_STATUS_INIT;
    if (cc_engine_agent_status(RT(call)->engine, name, &s) == CC_ENOTFOUND)
        TRY(agent_add(call, name));
    TRY(cc_engine_agent_login(RT(call)->engine, name, RT(call)->now_ms));
    return ok_true(call);
}

typedef cc_status (*agent_fn)(cc_engine *, const char *, int64_t);

static cc_status agent_simple(cc__rpc_call *call, agent_fn fn)
{
    ARGS_ONLY(call, "agent");
    const char *name;
    TRY(cc__args_str(&call->args, "agent", 1, NULL, &name));
    TRY(fn(RT(call)->engine, name, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_agent_logout(cc__rpc_call *call)
{
    return agent_simple(call, cc_engine_agent_logout);
}
static cc_status m_agent_ready(cc__rpc_call *call)
{
    return agent_simple(call, cc_engine_agent_ready);
}
static cc_status m_agent_remove(cc__rpc_call *call)
{
    return agent_simple(call, cc_engine_agent_remove);
}

static cc_status m_agent_not_ready(cc__rpc_call *call)
{
    ARGS_ONLY(call, "agent", "reason");
    const char *name, *reason;
    TRY(cc__args_str(&call->args, "agent", 1, NULL, &name));
    TRY(cc__args_str(&call->args, "reason", 0, NULL, &reason));
    TRY(cc_engine_agent_not_ready(RT(call)->engine, name, reason, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_agent_skill(cc__rpc_call *call)
{
    ARGS_ONLY(call, "agent", "skill", "level");
    const char *name, *skill;
    int64_t level;
    TRY(cc__args_str(&call->args, "agent", 1, NULL, &name));
    TRY(cc__args_str(&call->args, "skill", 1, NULL, &skill));
    TRY(cc__args_int(&call->args, "level", 1, 0, &level));
    TRY(fit32(call, "level", level));
    TRY(cc_engine_agent_set_skill(RT(call)->engine, name, skill, (int32_t)level, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_agent_wrapup_end(cc__rpc_call *call)
{
    ARGS_ONLY(call, "agent", "contact_id");
    const char *name;
    uint64_t id;
    TRY(cc__args_str(&call->args, "agent", 1, NULL, &name));
    TRY(cc__args_uint(&call->args, "contact_id", 0, 0, &id));
    TRY(cc_engine_wrapup_end(RT(call)->engine, name, id, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_agent_status(cc__rpc_call *call)
{
    ARGS_ONLY(call, "agent");
    const char *name;
    TRY(cc__args_str(&call->args, "agent", 1, NULL, &name));
    cc_agent_status s = CC_AGENT_STATUS_INIT;
    TRY(cc_engine_agent_status(RT(call)->engine, name, &s));
    msgpack_packer *pk = call->pk;
    msgpack_pack_map(pk, 10);
    cc__pack_key(pk, "state");
    cc__pack_cstr(pk, cc_agent_state_name(s.state));
    cc__pack_key(pk, "reason");
    cc__pack_cstr(pk, s.reason ? s.reason : "");
    cc__pack_key(pk, "not_ready_pending");
    msgpack_pack_int(pk, s.not_ready_pending);
    cc__pack_key(pk, "state_since_ms");
    msgpack_pack_int64(pk, s.state_since_ms);
    cc__pack_key(pk, "idle_since_ms");
    msgpack_pack_int64(pk, s.idle_since_ms);
    cc__pack_key(pk, "contacts");
    msgpack_pack_int32(pk, s.contacts);
    cc__pack_key(pk, "load");
    msgpack_pack_int32(pk, s.load);
    cc__pack_key(pk, "offer_contact_id");
    msgpack_pack_uint64(pk, s.offer_contact_id);
    cc__pack_key(pk, "answered");
    msgpack_pack_uint64(pk, s.answered);
    cc__pack_key(pk, "talk_ms");
    msgpack_pack_int64(pk, s.talk_ms);
    return CC_OK;
}

static cc_status m_member_add(cc__rpc_call *call)
{
    ARGS_ONLY(call, "agent", "queue", "tier", "penalty", "weight");
    const char *name;
    cc_membership m = {0};
    int64_t tier, penalty;
    TRY(cc__args_str(&call->args, "agent", 1, NULL, &name));
    TRY(cc__args_str(&call->args, "queue", 1, NULL, &m.queue));
    TRY(cc__args_int(&call->args, "tier", 0, 0, &tier));
    TRY(cc__args_int(&call->args, "penalty", 0, 0, &penalty));
    TRY(cc__args_double(&call->args, "weight", 0, 0.0, &m.weight));
    TRY(fit32(call, "tier", tier));
    TRY(fit32(call, "penalty", penalty));
    m.tier = (int32_t)tier;
    m.penalty = (int32_t)penalty;
    TRY(cc_engine_member_add(RT(call)->engine, name, &m, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_member_remove(cc__rpc_call *call)
{
    ARGS_ONLY(call, "agent", "queue");
    const char *name, *queue;
    TRY(cc__args_str(&call->args, "agent", 1, NULL, &name));
    TRY(cc__args_str(&call->args, "queue", 1, NULL, &queue));
    TRY(cc_engine_member_remove(RT(call)->engine, name, queue, RT(call)->now_ms));
    return ok_true(call);
}

/* ---- contacts ---------------------------------------------------------------------- */

static const char *const contact_state_names[] = {"waiting",       "offered", "connected",
                                                  "callback_wait", "dialing", "ended"};

static cc_status pack_contact_status(cc__rpc_call *call, uint64_t id)
{
    cc_contact_status s = CC_CONTACT_STATUS_INIT;
    msgpack_packer *pk = call->pk;
    if (cc_engine_contact_status(RT(call)->engine, id, &s) != CC_OK) {
        /* Not held any more: blocked at arrival, or ended and wrapped up. */
        msgpack_pack_map(pk, 2);
        cc__pack_key(pk, "contact_id");
        msgpack_pack_uint64(pk, id);
        cc__pack_key(pk, "state");
        cc__pack_cstr(pk, "gone");
        return CC_OK;
    }
    msgpack_pack_map(pk, 11);
    cc__pack_key(pk, "contact_id");
    msgpack_pack_uint64(pk, id);
    cc__pack_key(pk, "state");
    cc__pack_cstr(pk, (unsigned)s.state < 6 ? contact_state_names[s.state] : "unknown");
    cc__pack_key(pk, "channel");
    cc__pack_cstr(pk, cc_channel_name(s.channel));
    cc__pack_key(pk, "priority");
    msgpack_pack_int32(pk, s.priority);
    cc__pack_key(pk, "held");
    msgpack_pack_int(pk, s.held);
    cc__pack_key(pk, "queue");
    cc__pack_cstr(pk, s.queue);
    cc__pack_key(pk, "agent");
    cc__pack_cstr(pk, s.agent);
    cc__pack_key(pk, "customer_id");
    msgpack_pack_uint64(pk, s.customer_id);
    cc__pack_key(pk, "virtual_start_ms");
    msgpack_pack_int64(pk, s.virtual_start_ms);
    cc__pack_key(pk, "entered_ms");
    msgpack_pack_int64(pk, s.entered_ms);
    cc__pack_key(pk, "callback_attempts");
    msgpack_pack_int32(pk, s.callback_attempts);
    return CC_OK;
}

static cc_status m_contact_create(cc__rpc_call *call)
{
    ARGS_ONLY(call, "contact_id", "customer_id", "channel", "queue", "priority", "skills", "reason",
              "virtual_start_ms");
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    int64_t prio;
    TRY(cc__args_uint(&call->args, "contact_id", 1, 0, &c.id));
    TRY(cc__args_uint(&call->args, "customer_id", 0, 0, &c.customer_id));
    TRY(get_channel(call, "channel", 0, CC_CHANNEL_VOICE, &c.channel));
    TRY(cc__args_str(&call->args, "queue", 1, NULL, &c.queue));
    TRY(cc__args_int(&call->args, "priority", 0, 0, &prio));
    TRY(fit32(call, "priority", prio));
    c.priority = (int32_t)prio;
    cc_skill *skills;
    TRY(get_skills(call, "skills", &skills, &c.nskills));
    c.skills = skills;
    TRY(cc__args_str(&call->args, "reason", 0, NULL, &c.reason));
    TRY(cc__args_int(&call->args, "virtual_start_ms", 0, 0, &c.virtual_start_ms));
    TRY(cc_engine_contact_add(RT(call)->engine, &c, RT(call)->now_ms));
    return pack_contact_status(call, c.id);
}

typedef cc_status (*offer_fn)(cc_engine *, uint64_t, const char *, int64_t);

static cc_status offer_outcome(cc__rpc_call *call, offer_fn fn)
{
    ARGS_ONLY(call, "contact_id", "agent");
    uint64_t id;
    const char *agent;
    cc_runtime *rt = RT(call);
    TRY(cc__args_uint(&call->args, "contact_id", 1, 0, &id));
    TRY(cc__args_str(&call->args, "agent", 1, NULL, &agent));
    cc_contact_status s = CC_CONTACT_STATUS_INIT;
    cc_channel ch =
        cc_engine_contact_status(rt->engine, id, &s) == CC_OK ? s.channel : CC_CHANNEL_NONE;
    /* The switch (or desktop) answered: the offer is no longer pending there. Taken out
     * before the engine call, which may offer the contact to the same agent again (that
     * new offer is pending), and put back if the engine refuses the answer. */
    void *state = ch != CC_CHANNEL_NONE && rt->wire_bound[ch]
                      ? cc_engine_backend_state(rt->engine, ch)
                      : NULL;
    cc__wire_offer taken;
    int was_pending = state && cc__wire_backend_offer_take(state, id, agent, &taken);
    cc_status st = fn(rt->engine, id, agent, rt->now_ms);
    if (was_pending && st != CC_OK)
        cc__wire_backend_offer_put_back(state, &taken);
    else if (was_pending)
        cc__free(taken.agent);
    TRY(st);
    return ok_true(call);
}

static cc_status m_contact_accept(cc__rpc_call *call)
{
    return offer_outcome(call, cc_engine_offer_accept);
}
static cc_status m_contact_reject(cc__rpc_call *call)
{
    return offer_outcome(call, cc_engine_offer_reject);
}
static cc_status m_contact_timeout(cc__rpc_call *call)
{
    return offer_outcome(call, cc_engine_offer_timeout);
}

typedef cc_status (*contact_fn)(cc_engine *, uint64_t, int64_t);

static cc_status contact_simple(cc__rpc_call *call, contact_fn fn)
{
    ARGS_ONLY(call, "contact_id");
    uint64_t id;
    TRY(cc__args_uint(&call->args, "contact_id", 1, 0, &id));
    TRY(fn(RT(call)->engine, id, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_contact_hold(cc__rpc_call *call)
{
    return contact_simple(call, cc_engine_contact_hold);
}
static cc_status m_contact_resume(cc__rpc_call *call)
{
    return contact_simple(call, cc_engine_contact_resume);
}
static cc_status m_contact_abandon(cc__rpc_call *call)
{
    return contact_simple(call, cc_engine_contact_abandon);
}
static cc_status m_contact_cancel(cc__rpc_call *call)
{
    return contact_simple(call, cc_engine_contact_cancel);
}
static cc_status m_contact_callback(cc__rpc_call *call)
{
    return contact_simple(call, cc_engine_callback_request);
}

static cc_status m_contact_end(cc__rpc_call *call)
{
    ARGS_ONLY(call, "contact_id", "disposition");
    uint64_t id;
    const char *disp;
    TRY(cc__args_uint(&call->args, "contact_id", 1, 0, &id));
    TRY(cc__args_str(&call->args, "disposition", 0, NULL, &disp));
    TRY(cc_engine_contact_end(RT(call)->engine, id, disp, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_contact_transfer(cc__rpc_call *call)
{
    ARGS_ONLY(call, "contact_id", "kind", "queue", "agent");
    uint64_t id;
    cc_transfer t = CC_TRANSFER_INIT;
    static const char *const kinds[] = {"blind", "consult"};
    int k = 0;
    TRY(cc__args_uint(&call->args, "contact_id", 1, 0, &id));
    TRY(parse_enum(call, "kind", kinds, 2, 0, &k));
    t.kind = (cc_transfer_kind)k;
    TRY(cc__args_str(&call->args, "queue", 0, NULL, &t.target_queue));
    TRY(cc__args_str(&call->args, "agent", 0, NULL, &t.target_agent));
    /* checked here so that the detail names the wire's arguments, not the
     * C struct's target_queue / target_agent */
    if (!t.target_queue == !t.target_agent)
        return cc__fail(CC_EINVAL, "%s: give exactly one of 'queue' and 'agent'", call->method);
    TRY(cc_engine_contact_transfer(RT(call)->engine, id, &t, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_callback_result(cc__rpc_call *call)
{
    ARGS_ONLY(call, "contact_id", "result");
    uint64_t id;
    static const char *const results[] = {"answered", "no-answer", "busy", "failed"};
    int r = 0;
    TRY(cc__args_uint(&call->args, "contact_id", 1, 0, &id));
    if (!cc__args_get(&call->args, "result"))
        return cc__fail(CC_EINVAL, "%s: missing argument 'result'", call->method);
    TRY(parse_enum(call, "result", results, 4, 0, &r));
    cc_runtime *rt = RT(call);
    cc_contact_status s = CC_CONTACT_STATUS_INIT;
    cc_channel ch =
        cc_engine_contact_status(rt->engine, id, &s) == CC_OK ? s.channel : CC_CHANNEL_NONE;
    TRY(cc_engine_callback_result(rt->engine, id, (cc_dial_result)r, rt->now_ms));
    /* The switch reported the dial: it is no longer pending there. */
    void *state = ch != CC_CHANNEL_NONE && rt->wire_bound[ch]
                      ? cc_engine_backend_state(rt->engine, ch)
                      : NULL;
    if (state) cc__wire_backend_offer_done(state, id, NULL);
    return ok_true(call);
}

static cc_status m_contact_supervise(cc__rpc_call *call)
{
    ARGS_ONLY(call, "contact_id", "supervisor", "mode");
    uint64_t id;
    const char *sup;
    static const char *const modes[] = {"monitor", "whisper", "barge"};
    int mode = 0;
    TRY(cc__args_uint(&call->args, "contact_id", 1, 0, &id));
    TRY(cc__args_str(&call->args, "supervisor", 1, NULL, &sup));
    TRY(parse_enum(call, "mode", modes, 3, 0, &mode));
    TRY(cc_engine_supervise(RT(call)->engine, id, sup, (cc_supervise_mode)mode, RT(call)->now_ms));
    return ok_true(call);
}

static cc_status m_contact_status(cc__rpc_call *call)
{
    ARGS_ONLY(call, "contact_id");
    uint64_t id;
    TRY(cc__args_uint(&call->args, "contact_id", 1, 0, &id));
    cc_contact_status s = CC_CONTACT_STATUS_INIT;
    TRY(cc_engine_contact_status(RT(call)->engine, id, &s));
    return pack_contact_status(call, id);
}

static cc_status m_contact_position(cc__rpc_call *call)
{
    ARGS_ONLY(call, "contact_id");
    uint64_t id;
    int32_t pos;
    int64_t ewt;
    TRY(cc__args_uint(&call->args, "contact_id", 1, 0, &id));
    TRY(cc_engine_contact_position(RT(call)->engine, id, &pos, &ewt));
    msgpack_pack_map(call->pk, 2);
    cc__pack_key(call->pk, "position");
    msgpack_pack_int32(call->pk, pos);
    cc__pack_key(call->pk, "ewt_ms");
    msgpack_pack_int64(call->pk, ewt);
    return CC_OK;
}

/* ---- events, backends, KPIs -------------------------------------------------------- */

static cc_status m_events_subscribe(cc__rpc_call *call)
{
    ARGS_ONLY(call, "types");
    TRY(need_conn(call));
    const char **types;
    size_t n;
    TRY(cc__args_str_list(&call->args, "types", &types, &n));
    uint64_t mask = 0;
    if (n == 0) mask = (UINT64_C(1) << CC_EVENT__COUNT) - 2; /* every type but NONE */
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (int t = 1; t < CC_EVENT__COUNT && !found; t++)
            if (strcmp(types[i], cc_event_type_name(t)) == 0) {
                mask |= UINT64_C(1) << t;
                found = 1;
            }
        if (!found)
            return cc__fail(CC_EINVAL, "events.subscribe: unknown event type '%s'", types[i]);
    }
    TRY(cc__runtime_subscribe(RT(call), call->conn, mask));
    return ok_true(call);
}

static cc_status m_events_unsubscribe(cc__rpc_call *call)
{
    ARGS_NONE(call);
    TRY(need_conn(call));
    cc__runtime_unsubscribe(RT(call), call->conn);
    return ok_true(call);
}

/* A switch takes the media of channels: the wire backend is bound to each
 * (once per engine) and its commands go to this connection. */
static cc_status m_backend_register(cc__rpc_call *call)
{
    ARGS_ONLY(call, "channels");
    TRY(need_conn(call));
    cc_runtime *rt = RT(call);
    const char **names;
    size_t n;
    TRY(cc__args_str_list(&call->args, "channels", &names, &n));
    if (n == 0) return cc__fail(CC_EINVAL, "backend.register: 'channels' must list channels");
    cc_channel chans[CC_CHANNEL__COUNT];
    if (n > CC_CHANNEL__COUNT) return cc__fail(CC_EINVAL, "backend.register: too many channels");
    for (size_t i = 0; i < n; i++) {
        chans[i] = cc_channel_from_name(names[i]);
        if (chans[i] == CC_CHANNEL_NONE)
            return cc__fail(CC_EINVAL, "backend.register: unknown channel '%s'", names[i]);
        cc__conn *owner = rt->switch_conn[chans[i]];
        if (owner && owner != call->conn)
            return cc__fail(CC_EBUSY, "backend.register: channel '%s' has a switch already",
                            names[i]);
    }
    unsigned mask = 0;
    for (size_t i = 0; i < n; i++)
        mask |= 1u << chans[i];
    TRY(cc__runtime_attach(rt, call->conn, mask));
    return ok_true(call);
}

static cc_status m_kpi_snapshot(cc__rpc_call *call)
{
    ARGS_ONLY(call, "full");
    int full;
    TRY(cc__args_bool(&call->args, "full", 0, 0, &full));
    cc_kpi_report *rep = NULL;
    TRY(cc_kpi_report_new(RT(call)->kpi, &rep));
    char *json = NULL;
    cc_status st = cc_kpi_report_json(rep, NULL, full ? CC_KPI_JSON_FULL : 0, &json);
    cc_kpi_report_free(rep);
    if (st) return st;
    msgpack_pack_map(call->pk, 2);
    cc__pack_key(call->pk, "format");
    cc__pack_cstr(call->pk, "json");
    cc__pack_key(call->pk, "report");
    cc__pack_cstr(call->pk, json);
    cc_free(json);
    return CC_OK;
}

/* ---- staffing maths ------------------------------------------------------------------ */

static cc_status pack_number(cc__rpc_call *call, double v)
{
    if (isnan(v)) return cc__fail(CC_EINVAL, "%s: %s", call->method, cc_error_last());
    msgpack_pack_double(call->pk, v);
    return CC_OK;
}

static cc_status m_erlang_b(cc__rpc_call *call)
{
    ARGS_ONLY(call, "servers", "traffic");
    double servers, traffic;
    TRY(cc__args_double(&call->args, "servers", 1, 0, &servers));
    TRY(cc__args_double(&call->args, "traffic", 1, 0, &traffic));
    return pack_number(call, cc_erlang_b(servers, traffic));
}

static cc_status erlang_c_args(cc__rpc_call *call, int *agents, double *traffic)
{
    int64_t a;
    TRY(cc__args_int(&call->args, "agents", 1, 0, &a));
    TRY(cc__args_double(&call->args, "traffic", 1, 0, traffic));
    if (a < 1 || a > CC_ERLANG_MAX_AGENTS)
        return cc__fail(CC_EINVAL, "%s: 'agents' must be in 1..%d", call->method,
                        CC_ERLANG_MAX_AGENTS);
    *agents = (int)a;
    return CC_OK;
}

static cc_status m_erlang_c(cc__rpc_call *call)
{
    ARGS_ONLY(call, "agents", "traffic", "sl_threshold_s", "aht_s");
    int agents = 0;
    double traffic, t, aht;
    TRY(erlang_c_args(call, &agents, &traffic));
    TRY(cc__args_double(&call->args, "sl_threshold_s", 0, 20.0, &t));
    TRY(cc__args_double(&call->args, "aht_s", 0, 180.0, &aht));
    if (aht <= 0) return cc__fail(CC_EINVAL, "erlang.c: 'aht_s' must be > 0");
    double pw = cc_erlang_c(agents, traffic);
    if (isnan(pw)) return cc__fail(CC_EINVAL, "erlang.c: %s", cc_error_last());
    double sl = cc_erlang_c_service_level(agents, traffic, t / aht);
    double asa = cc_erlang_c_asa(agents, traffic) * aht;
    double occ = cc_erlang_c_occupancy(agents, traffic);
    msgpack_pack_map(call->pk, 4);
    cc__pack_key(call->pk, "p_wait");
    msgpack_pack_double(call->pk, pw);
    cc__pack_key(call->pk, "service_level");
    msgpack_pack_double(call->pk, sl);
    cc__pack_key(call->pk, "asa_s");
    msgpack_pack_double(call->pk, asa);
    cc__pack_key(call->pk, "occupancy");
    msgpack_pack_double(call->pk, occ);
    return CC_OK;
}

/* The WFM staffing solver (callcore/staffing.h) for one hour of calls. */
static cc_status m_staffing_agents(cc__rpc_call *call)
{
    ARGS_ONLY(call, "calls_per_hour", "aht_s", "goal", "sl_target", "sl_threshold_s",
              "asa_target_s", "abandon_target", "patience_s", "max_occupancy", "shrinkage");
    cc_staffing_options o = CC_STAFFING_OPTIONS_INIT;
    double cph, aht;
    static const char *const goals[] = {"service-level", "asa", "abandon"};
    int goal = 0;
    TRY(cc__args_double(&call->args, "calls_per_hour", 1, 0, &cph));
    TRY(cc__args_double(&call->args, "aht_s", 1, 0, &aht));
    TRY(parse_enum(call, "goal", goals, 3, 0, &goal));
    o.goal = (cc_staffing_goal)goal;
    TRY(cc__args_double(&call->args, "sl_target", 0, 0, &o.target_sl));
    TRY(cc__args_double(&call->args, "sl_threshold_s", 0, 0, &o.target_s));
    TRY(cc__args_double(&call->args, "asa_target_s", 0, 0, &o.target_asa_s));
    TRY(cc__args_double(&call->args, "abandon_target", 0, 0, &o.target_abandon));
    TRY(cc__args_double(&call->args, "patience_s", 0, 0, &o.patience_s));
    TRY(cc__args_double(&call->args, "max_occupancy", 0, 0, &o.max_occupancy));
    TRY(cc__args_double(&call->args, "shrinkage", 0, 0, &o.shrinkage));
    cc_staffing_result r;
    cc_status st = cc_staffing_solve(&r, &o, cph, 3600.0, aht);
    if (st) return cc__fail(st, "staffing.agents: %s", cc_error_last());
    msgpack_packer *pk = call->pk;
    msgpack_pack_map(pk, 8);
    cc__pack_key(pk, "agents");
    msgpack_pack_int(pk, r.agents);
    cc__pack_key(pk, "scheduled_agents");
    msgpack_pack_int(pk, r.scheduled_agents);
    cc__pack_key(pk, "traffic");
    msgpack_pack_double(pk, r.traffic);
    cc__pack_key(pk, "p_wait");
    msgpack_pack_double(pk, r.p_wait);
    cc__pack_key(pk, "service_level");
    msgpack_pack_double(pk, r.service_level);
    cc__pack_key(pk, "asa_s");
    msgpack_pack_double(pk, r.asa_s);
    cc__pack_key(pk, "occupancy");
    msgpack_pack_double(pk, r.occupancy);
    cc__pack_key(pk, "p_abandon");
    msgpack_pack_double(pk, r.p_abandon);
    return CC_OK;
}

/* ---- the table ------------------------------------------------------------------------ */

#define S CC__RPC_STATE
static cc__rpc_method cc__table[] = {
    {"ping", m_ping, CC__RPC_NOAUTH},
    {"version", m_version, 0},
    {"queue.create", m_queue_create, S},
    {"queue.configure", m_queue_configure, S},
    {"queue.remove", m_queue_remove, S},
    {"queue.status", m_queue_status, 0},
    {"queue.list", m_queue_list, 0},
    {"agent.add", m_agent_add, S},
    {"agent.remove", m_agent_remove, S},
    {"agent.login", m_agent_login, S},
    {"agent.logout", m_agent_logout, S},
    {"agent.ready", m_agent_ready, S},
    {"agent.not_ready", m_agent_not_ready, S},
    {"agent.skill", m_agent_skill, S},
    {"agent.wrapup_end", m_agent_wrapup_end, S},
    {"agent.status", m_agent_status, 0},
    {"agent.list", m_agent_list, 0},
    {"member.add", m_member_add, S},
    {"member.remove", m_member_remove, S},
    {"contact.create", m_contact_create, S},
    {"contact.accept", m_contact_accept, S},
    {"contact.reject", m_contact_reject, S},
    {"contact.timeout", m_contact_timeout, S},
    {"contact.hold", m_contact_hold, S},
    {"contact.resume", m_contact_resume, S},
    {"contact.transfer", m_contact_transfer, S},
    {"contact.end", m_contact_end, S},
    {"contact.abandon", m_contact_abandon, S},
    {"contact.cancel", m_contact_cancel, S},
    {"contact.callback", m_contact_callback, S},
    {"contact.supervise", m_contact_supervise, 0},
    {"contact.status", m_contact_status, 0},
    {"contact.position", m_contact_position, 0},
    {"callback.result", m_callback_result, S},
    {"events.subscribe", m_events_subscribe, 0},
    {"events.unsubscribe", m_events_unsubscribe, 0},
    {"backend.register", m_backend_register, 0},
    {"kpi.snapshot", m_kpi_snapshot, 0},
    {"erlang.b", m_erlang_b, 0},
    {"erlang.c", m_erlang_c, 0},
    {"staffing.agents", m_staffing_agents, 0},
};
#undef S

const cc__rpc_method *cc__rpc_methods = cc__table;
size_t cc__rpc_nmethods = sizeof cc__table / sizeof cc__table[0];

static int cc__method_cmp(const void *a, const void *b)
{
    return strcmp(((const cc__rpc_method *)a)->name, ((const cc__rpc_method *)b)->name);
}

static void cc__sort_methods(void)
{
    qsort(cc__table, cc__rpc_nmethods, sizeof cc__table[0], cc__method_cmp);
}

/* Sorts the table once (pthread_once: runtimes may start on several threads)
 * for the server's binary search. */
void cc__rpc_methods_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, cc__sort_methods);
}
