/*
 * lib/runtime/decision_options.c - the engine options that change what the
 * engine decides, as the journal records them (runtime_impl.h).
 *
 * Replaying a journal reaches the state it recorded only under the options
 * the records were made with: another seed draws other agents for the random
 * strategies, another select policy or reject_after routes differently. So
 * the runtime journals them (a "runtime.options" COMMAND record at every
 * start and at the head of every segment) and recovery refuses a runtime
 * whose options differ from the ones of the records it replays.
 */
#include "runtime_impl.h"

#include "base/error.h"

#include <stdio.h>
#include <string.h>

/* The keys of the record's params map, in the order they are packed. */
enum {
    CC__OPT_SEED,
    CC__OPT_SELECT,
    CC__OPT_RONA_AFTER,
    CC__OPT_RONA_REASON,
    CC__OPT_REJECT_AFTER,
    CC__OPT_REJECT_REASON,
    CC__OPT_LAST_AGENT_WINDOW,
    CC__OPT_COUNT
};
static const char *const cc__opt_keys[CC__OPT_COUNT] = {
    "seed",         "select",        "rona_after",          "rona_reason",
    "reject_after", "reject_reason", "last_agent_window_ms"};

void cc__decision_options_from(cc__decision_options *out, const cc_engine_options *eo)
{
    /* Defaults resolved as cc_engine_new resolves them, so that options
     * deciding alike compare equal. */
    memset(out, 0, sizeof *out);
    out->seed = eo->seed;
    out->select = (int)eo->select;
    out->rona_after = (int)eo->rona_after;
    out->reject_after = (int)eo->reject_after;
    out->last_agent_window_ms = eo->last_agent_window_ms ? eo->last_agent_window_ms : 86400000;
    snprintf(out->rona_reason, sizeof out->rona_reason, "%s",
             eo->rona_reason ? eo->rona_reason : "no-answer");
    snprintf(out->reject_reason, sizeof out->reject_reason, "%s",
             eo->reject_reason ? eo->reject_reason : "rejected");
}

void cc__decision_options_pack(msgpack_packer *pk, const cc__decision_options *o)
{
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, CC__OPT_COUNT);
    cc__pack_key(pk, cc__opt_keys[CC__OPT_SEED]);
    msgpack_pack_uint64(pk, o->seed);
    cc__pack_key(pk, cc__opt_keys[CC__OPT_SELECT]);
    msgpack_pack_int32(pk, o->select);
    cc__pack_key(pk, cc__opt_keys[CC__OPT_RONA_AFTER]);
    msgpack_pack_int32(pk, o->rona_after);
    cc__pack_key(pk, cc__opt_keys[CC__OPT_RONA_REASON]);
    cc__pack_cstr(pk, o->rona_reason);
    cc__pack_key(pk, cc__opt_keys[CC__OPT_REJECT_AFTER]);
    msgpack_pack_int32(pk, o->reject_after);
    cc__pack_key(pk, cc__opt_keys[CC__OPT_REJECT_REASON]);
    cc__pack_cstr(pk, o->reject_reason);
    cc__pack_key(pk, cc__opt_keys[CC__OPT_LAST_AGENT_WINDOW]);
    msgpack_pack_int64(pk, o->last_agent_window_ms);
}

static int cc__key_index(const msgpack_object *k)
{
    if (k->type != MSGPACK_OBJECT_STR) return -1;
    for (int i = 0; i < CC__OPT_COUNT; i++)
        if (strlen(cc__opt_keys[i]) == k->via.str.size &&
            memcmp(cc__opt_keys[i], k->via.str.ptr, k->via.str.size) == 0)
            return i;
    return -1;
}

static int cc__read_int(const msgpack_object *v, int64_t *out)
{
    if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *out = v->via.i64;
        return 1;
    }
    if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER || v->via.u64 > INT64_MAX) return 0;
    *out = (int64_t)v->via.u64;
    return 1;
}

static int cc__read_reason(const msgpack_object *v, char *out, size_t cap)
{
    if (v->type != MSGPACK_OBJECT_STR || v->via.str.size >= cap) return 0;
    memcpy(out, v->via.str.ptr, v->via.str.size);
    out[v->via.str.size] = '\0';
    return 1;
}

/* An enum value (select policy, agent-after policy). */
static int cc__read_enum(const msgpack_object *v, int *out)
{
    int64_t i;
    if (!cc__read_int(v, &i) || i < INT32_MIN || i > INT32_MAX) return 0;
    *out = (int)i;
    return 1;
}

/* Reads one key's value into out: 1, or 0 when it has the wrong type. */
static int cc__read_option(int key, const msgpack_object *v, cc__decision_options *out)
{
    switch (key) {
    case CC__OPT_SEED:
        if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER) return 0;
        out->seed = v->via.u64;
        return 1;
    case CC__OPT_SELECT:
        return cc__read_enum(v, &out->select);
    case CC__OPT_RONA_AFTER:
        return cc__read_enum(v, &out->rona_after);
    case CC__OPT_REJECT_AFTER:
        return cc__read_enum(v, &out->reject_after);
    case CC__OPT_RONA_REASON:
        return cc__read_reason(v, out->rona_reason, sizeof out->rona_reason);
    case CC__OPT_REJECT_REASON:
        return cc__read_reason(v, out->reject_reason, sizeof out->reject_reason);
    default:
        return cc__read_int(v, &out->last_agent_window_ms);
    }
}

cc_status cc__decision_options_read(const msgpack_object *params, cc__decision_options *out)
{
    memset(out, 0, sizeof *out);
    if (params->type != MSGPACK_OBJECT_ARRAY || params->via.array.size != 1 ||
        params->via.array.ptr[0].type != MSGPACK_OBJECT_MAP)
        return cc__fail(CC_EPARSE, "runtime.options: params must be [{option: value}]");
    const msgpack_object_map *m = &params->via.array.ptr[0].via.map;
    unsigned seen = 0;
    for (uint32_t i = 0; i < m->size; i++) {
        /* An option this library does not know may decide differently:
         * refused like a malformed one. */
        int key = cc__key_index(&m->ptr[i].key);
        if (key < 0 || (seen & (1u << key)) || !cc__read_option(key, &m->ptr[i].val, out))
            return cc__fail(CC_EPARSE, "runtime.options: unknown, repeated or malformed option");
        seen |= 1u << key;
    }
    if (seen != (1u << CC__OPT_COUNT) - 1)
        return cc__fail(CC_EPARSE, "runtime.options: an option is missing");
    return CC_OK;
}

/* Appends "name X (given Y)" for one differing option to buf. */
static void cc__describe_diff(char *buf, size_t cap, const char *name, const char *journal,
                              const char *given)
{
    size_t len = strlen(buf);
    if (len + 1 < cap)
        snprintf(buf + len, cap - len, "%s%s %s (this runtime: %s)", len ? ", " : "", name, journal,
                 given);
}

static void cc__diff_int(char *buf, size_t cap, const char *name, long long journal,
                         long long given)
{
    if (journal == given) return;
    char a[32], b[32];
    snprintf(a, sizeof a, "%lld", journal);
    snprintf(b, sizeof b, "%lld", given);
    cc__describe_diff(buf, cap, name, a, b);
}

int cc__decision_options_diff(const cc__decision_options *journal,
                              const cc__decision_options *given, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (journal->seed != given->seed) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%llu", (unsigned long long)journal->seed);
        snprintf(b, sizeof b, "%llu", (unsigned long long)given->seed);
        cc__describe_diff(buf, cap, "seed", a, b);
    }
    cc__diff_int(buf, cap, "select", journal->select, given->select);
    cc__diff_int(buf, cap, "rona_after", journal->rona_after, given->rona_after);
    cc__diff_int(buf, cap, "reject_after", journal->reject_after, given->reject_after);
    cc__diff_int(buf, cap, "last_agent_window_ms", journal->last_agent_window_ms,
                 given->last_agent_window_ms);
    if (strcmp(journal->rona_reason, given->rona_reason) != 0)
        cc__describe_diff(buf, cap, "rona_reason", journal->rona_reason, given->rona_reason);
    if (strcmp(journal->reject_reason, given->reject_reason) != 0)
        cc__describe_diff(buf, cap, "reject_reason", journal->reject_reason, given->reject_reason);
    return buf[0] != '\0';
}
