/*
 * lib/kpi/journal_event.c - cc_event <-> msgpack (see journal_event.h).
 */
#include "journal_event.h"

#include "base/error.h"

#include <string.h>

void cc__pack_cstr(msgpack_packer *pk, const char *s)
{
    if (!s) {
        msgpack_pack_nil(pk);
        return;
    }
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

void cc__event_pack_fields(msgpack_packer *pk, const cc_event *e)
{
    msgpack_pack_uint32(pk, (uint32_t)e->type);
    msgpack_pack_uint32(pk, e->flags);
    msgpack_pack_int64(pk, e->time_ms);
    msgpack_pack_uint64(pk, e->seq);
    msgpack_pack_uint64(pk, e->contact_id);
    msgpack_pack_uint64(pk, e->customer_id);
    cc__pack_cstr(pk, e->queue);
    cc__pack_cstr(pk, e->agent);
    cc__pack_cstr(pk, e->target_queue);
    cc__pack_cstr(pk, e->target_agent);
    cc__pack_cstr(pk, e->reason);
    msgpack_pack_int32(pk, (int32_t)e->channel);
    msgpack_pack_int32(pk, e->priority);
    msgpack_pack_int32(pk, (int32_t)e->agent_state);
    msgpack_pack_int32(pk, (int32_t)e->prev_agent_state);
    msgpack_pack_int32(pk, (int32_t)e->survey);
    msgpack_pack_int64(pk, e->virtual_start_ms);
    msgpack_pack_int64(pk, e->wait_ms);
    msgpack_pack_int64(pk, e->duration_ms);
    msgpack_pack_int64(pk, e->hold_ms);
    msgpack_pack_double(pk, e->value);
}

static int cc__get_i64(const msgpack_object *o, int64_t *v)
{
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *v = o->via.i64;
        return 1;
    }
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX) {
        *v = (int64_t)o->via.u64;
        return 1;
    }
    return 0;
}

static int cc__get_u64(const msgpack_object *o, uint64_t *v)
{
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER) return 0;
    *v = o->via.u64;
    return 1;
}

static int cc__get_i32(const msgpack_object *o, int32_t lo, int32_t hi, int32_t *v)
{
    int64_t x;
    if (!cc__get_i64(o, &x) || x < lo || x > hi) return 0;
    *v = (int32_t)x;
    return 1;
}

static int cc__get_str(const msgpack_object *o, msgpack_zone *zone, const char **out, int *nomem)
{
    if (o->type == MSGPACK_OBJECT_NIL) {
        *out = NULL;
        return 1;
    }
    if (o->type != MSGPACK_OBJECT_STR ||
        (o->via.str.size && memchr(o->via.str.ptr, '\0', o->via.str.size)))
        return 0;
    char *s = msgpack_zone_malloc(zone, o->via.str.size + 1);
    if (!s) {
        *nomem = 1;
        return 0;
    }
    if (o->via.str.size) memcpy(s, o->via.str.ptr, o->via.str.size);
    s[o->via.str.size] = '\0';
    *out = s;
    return 1;
}

cc_status cc__event_unpack_fields(const msgpack_object *f, uint32_t n, msgpack_zone *zone,
                                  cc_event *e)
{
    memset(e, 0, sizeof *e);
    if (n < CC__EVENT_FIELDS)
        return cc__fail(CC_EPARSE, "event record has %u fields, expected %d", n, CC__EVENT_FIELDS);
    int32_t type, channel, prio, st, prev, survey;
    uint64_t flags;
    int nomem = 0;
    int ok = cc__get_i32(&f[0], 1, CC_EVENT__COUNT - 1, &type) && cc__get_u64(&f[1], &flags) &&
             flags <= UINT32_MAX && cc__get_i64(&f[2], &e->time_ms) &&
             cc__get_u64(&f[3], &e->seq) && cc__get_u64(&f[4], &e->contact_id) &&
             cc__get_u64(&f[5], &e->customer_id) && cc__get_str(&f[6], zone, &e->queue, &nomem) &&
             cc__get_str(&f[7], zone, &e->agent, &nomem) &&
             cc__get_str(&f[8], zone, &e->target_queue, &nomem) &&
             cc__get_str(&f[9], zone, &e->target_agent, &nomem) &&
             cc__get_str(&f[10], zone, &e->reason, &nomem) &&
             cc__get_i32(&f[11], 0, CC_CHANNEL__COUNT - 1, &channel) &&
             cc__get_i32(&f[12], INT32_MIN, INT32_MAX, &prio) &&
             cc__get_i32(&f[13], 0, CC_AGENT_STATE__COUNT - 1, &st) &&
             cc__get_i32(&f[14], 0, CC_AGENT_STATE__COUNT - 1, &prev) &&
             cc__get_i32(&f[15], CC_SURVEY_NONE, CC_SURVEY_CES, &survey) &&
             cc__get_i64(&f[16], &e->virtual_start_ms) && cc__get_i64(&f[17], &e->wait_ms) &&
             cc__get_i64(&f[18], &e->duration_ms) && cc__get_i64(&f[19], &e->hold_ms) &&
             (f[20].type == MSGPACK_OBJECT_FLOAT64 || f[20].type == MSGPACK_OBJECT_FLOAT32);
    if (nomem) return cc__fail(CC_ENOMEM, "event record: out of memory");
    if (!ok) return cc__fail(CC_EPARSE, "event record: a field has the wrong type or range");
    e->type = (cc_event_type)type;
    e->flags = (uint32_t)flags;
    e->channel = (cc_channel)channel;
    e->priority = prio;
    e->agent_state = (cc_agent_state)st;
    e->prev_agent_state = (cc_agent_state)prev;
    e->survey = (cc_survey_kind)survey;
    e->value = f[20].via.f64;
    return CC_OK;
}

/* Counts then packs the map entries that are set (a two-pass walk over a
 * fixed field list keeps the map header exact). */
#define CC__EV_MAP_FIELDS(X)                                                                       \
    X(e->flags != 0, "flags", msgpack_pack_uint32(pk, e->flags))                                   \
    X(1, "time_ms", msgpack_pack_int64(pk, e->time_ms))                                            \
    X(1, "seq", msgpack_pack_uint64(pk, e->seq))                                                   \
    X(e->contact_id != 0, "contact_id", msgpack_pack_uint64(pk, e->contact_id))                    \
    X(e->customer_id != 0, "customer_id", msgpack_pack_uint64(pk, e->customer_id))                 \
    X(e->queue != NULL, "queue", cc__pack_cstr(pk, e->queue))                                         \
    X(e->agent != NULL, "agent", cc__pack_cstr(pk, e->agent))                                         \
    X(e->target_queue != NULL, "target_queue", cc__pack_cstr(pk, e->target_queue))                    \
    X(e->target_agent != NULL, "target_agent", cc__pack_cstr(pk, e->target_agent))                    \
    X(e->reason != NULL, "reason", cc__pack_cstr(pk, e->reason))                                      \
    X(e->channel != CC_CHANNEL_NONE, "channel", cc__pack_cstr(pk, cc_channel_name(e->channel)))       \
    X(e->priority != 0, "priority", msgpack_pack_int32(pk, e->priority))                           \
    X(e->type == CC_EVENT_AGENT_STATE, "agent_state",                                              \
      cc__pack_cstr(pk, cc_agent_state_name(e->agent_state)))                                         \
    X(e->type == CC_EVENT_AGENT_STATE, "prev_agent_state",                                         \
      cc__pack_cstr(pk, cc_agent_state_name(e->prev_agent_state)))                                    \
    X(e->survey != CC_SURVEY_NONE, "survey", msgpack_pack_int32(pk, (int32_t)e->survey))           \
    X(e->virtual_start_ms != 0, "virtual_start_ms", msgpack_pack_int64(pk, e->virtual_start_ms))   \
    X(e->wait_ms != 0, "wait_ms", msgpack_pack_int64(pk, e->wait_ms))                              \
    X(e->duration_ms != 0, "duration_ms", msgpack_pack_int64(pk, e->duration_ms))                  \
    X(e->hold_ms != 0, "hold_ms", msgpack_pack_int64(pk, e->hold_ms))                              \
    X(e->value != 0.0, "value", msgpack_pack_double(pk, e->value))

void cc__event_pack_map(msgpack_packer *pk, const cc_event *e)
{
    uint32_t n = 1;
#define CC__COUNT(cond, key, pack) n += (cond) ? 1u : 0u;
    CC__EV_MAP_FIELDS(CC__COUNT)
#undef CC__COUNT
    msgpack_pack_map(pk, n);
    cc__pack_cstr(pk, "type");
    cc__pack_cstr(pk, cc_event_type_name(e->type));
#define CC__PACK(cond, key, pack)                                                                  \
    if (cond) {                                                                                    \
        cc__pack_cstr(pk, key);                                                                       \
        pack;                                                                                      \
    }
    CC__EV_MAP_FIELDS(CC__PACK)
#undef CC__PACK
}
