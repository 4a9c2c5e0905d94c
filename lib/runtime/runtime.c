/*
 * lib/runtime/runtime.c - the engine on a libuv loop: timers, posting,
 * journal, recovery, close (callcore/runtime.h).
 */
#include "runtime_impl.h"

#include "base/error.h"
#include "callcore/alloc.h"
#include "base/mem.h"
#include "kpi/journal_event.h"
#include "kpi/journal_record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- names -------------------------------------------------------------- */

static const char *const cc__fsync_names[] = {"always", "batch", "off"};

const char *cc_fsync_policy_name(int policy)
{
    return policy >= 0 && policy <= 2 ? cc__fsync_names[policy] : "unknown";
}

cc_status cc_fsync_policy_from_name(const char *name, cc_fsync_policy *out)
{
    for (int i = 0; name && i < 3; i++)
        if (strcmp(name, cc__fsync_names[i]) == 0) {
            *out = (cc_fsync_policy)i;
            return CC_OK;
        }
    return cc__fail(CC_EINVAL, "fsync policy '%s': want always, batch or off",
                    name ? name : "(null)");
}

/* ---- registry for cc_engine_post: a list under one mutex, O(runtimes) ---- */

static pthread_mutex_t cc__registry_mu = PTHREAD_MUTEX_INITIALIZER;
static cc_runtime *cc__registry;

static void cc__registry_remove(cc_runtime *rt)
{
    pthread_mutex_lock(&cc__registry_mu);
    for (cc_runtime **p = &cc__registry; *p; p = &(*p)->registry_next)
        if (*p == rt) {
            *p = rt->registry_next;
            break;
        }
    pthread_mutex_lock(&rt->mu);
    rt->accepting = 0;
    pthread_mutex_unlock(&rt->mu);
    pthread_mutex_unlock(&cc__registry_mu);
}

/* ---- clock ----------------------------------------------------------------- */

/* Wall-clock milliseconds, never below the engine's time, so time keeps
 * increasing across restarts (the journal replays the recorded times). */
static int64_t cc__clock(cc_runtime *rt)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t t = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    int64_t en = cc_engine_now(rt->engine);
    return t > en ? t : en;
}

/* ---- events --------------------------------------------------------------- */

static void cc__on_event(const cc_event *e, void *ud)
{
    cc_runtime *rt = ud;
    if (rt->replaying) return; /* already journaled, counted and notified */
    if (rt->journal) {
        msgpack_packer *pk = cc__journal_begin_record(rt->journal);
        msgpack_pack_array(pk, 2 + CC__EVENT_FIELDS);
        msgpack_pack_uint8(pk, CC__JREC_EVENT);
        msgpack_pack_uint64(pk, cc__journal_next_record(rt->journal));
        cc__event_pack_fields(pk, e);
        cc__journal_end_record(rt->journal);
    }
    if (rt->kpi) cc_kpi_add(rt->kpi, e);
    for (size_t i = 0; i < rt->nsubs; i++) {
        cc__conn *c = rt->subs[i];
        if (!(c->event_mask & (UINT64_C(1) << e->type))) continue;
        msgpack_packer *pk = cc__conn_packer(c);
        if (!pk) continue;
        cc__pack_notify_head(pk, "event");
        cc__event_pack_map(pk, e);
        cc__conn_commit(c); /* may close a slow consumer: subs shrinks */
        if (i < rt->nsubs && rt->subs[i] != c) i--;
    }
    if (rt->user_event_fn) rt->user_event_fn(e, rt->user_event_ud);
}

cc_status cc__runtime_subscribe(cc_runtime *rt, cc__conn *c, uint64_t mask)
{
    if (!c->event_mask) {
        if (cc__grow((void **)&rt->subs, &rt->subs_cap, rt->nsubs + 1, sizeof *rt->subs) != 0)
            return cc__fail(CC_ENOMEM, "events.subscribe: out of memory");
        rt->subs[rt->nsubs++] = c;
    }
    c->event_mask = mask;
    return CC_OK;
}

void cc__runtime_unsubscribe(cc_runtime *rt, cc__conn *c)
{
    for (size_t i = 0; i < rt->nsubs; i++)
        if (rt->subs[i] == c) {
            rt->subs[i] = rt->subs[--rt->nsubs];
            break;
        }
    c->event_mask = 0;
}

/* ---- journal ---------------------------------------------------------------- */

/* Bytes a COMMAND record adds to its method and params: the array header, the
 * kind, the number and the time (at most 1 + 1 + 9 + 9) and the method's string
 * header (at most 5), rounded up. */
#define CC__JOURNAL_RECORD_SLACK 64u

/* Begins a command record [1, n, now, method, params]: the caller packs the
 * params, then ends the record. */
static msgpack_packer *cc__journal_command_begin(cc_runtime *rt, const char *method)
{
    msgpack_packer *pk = cc__journal_begin_record(rt->journal);
    msgpack_pack_array(pk, 5);
    msgpack_pack_uint8(pk, CC__JREC_COMMAND);
    msgpack_pack_uint64(pk, cc__journal_next_record(rt->journal));
    msgpack_pack_int64(pk, rt->now_ms);
    cc__pack_cstr(pk, method);
    return pk;
}

/* Opens a journaled step (when the runtime journals): its records and events are
 * recovered together or not at all. The mark lets cc__step_close take the step's
 * records back when its input failed (a failed engine call changes nothing). */
static cc__jmark cc__step_open(cc_runtime *rt)
{
    cc__jmark mark = {0, 0, 0};
    if (!rt->journal) return mark;
    cc__journal_step_begin(rt->journal);
    return cc__journal_mark(rt->journal);
}

static void cc__step_close(cc_runtime *rt, cc__jmark mark, cc_status st)
{
    if (!rt->journal) return;
    if (st != CC_OK) cc__journal_rollback(rt->journal, mark);
    cc__journal_step_end(rt->journal);
}

/* The wire method a COMMAND record names: one that changes state, the only kind the
 * runtime journals, so the only kind recovery replays (anything else is damage). */
static const cc__rpc_method *cc__lookup(const char *name, size_t len)
{
    for (size_t i = 0; i < cc__rpc_nmethods; i++)
        if ((cc__rpc_methods[i].flags & CC__RPC_STATE) && strlen(cc__rpc_methods[i].name) == len &&
            memcmp(cc__rpc_methods[i].name, name, len) == 0)
            return &cc__rpc_methods[i];
    return NULL;
}

void cc__runtime_journal_call(cc_runtime *rt, const char *method, const msgpack_object *params)
{
    if (!rt->journal || rt->replaying) return;
    msgpack_packer *pk = cc__journal_command_begin(rt, method);
    msgpack_pack_object(pk, *params);
    cc__journal_end_record(rt->journal);
}

cc_status cc_runtime_journal_command(cc_runtime *self, const char *method,
                                     const void *params_msgpack, size_t len)
{
    if (!self || !method || !params_msgpack)
        return cc__fail(CC_EINVAL, "journal_command: NULL argument");
    /* Recovery refuses a record it cannot replay (and with it the whole journal). */
    if (!cc__lookup(method, strlen(method)))
        return cc__fail(CC_EINVAL,
                        "journal_command: '%.64s' is not a state-changing wire method: recovery "
                        "could not replay it",
                        method);
    if (!self->journal) return CC_OK;
    /* Fail-stop: nothing is written after a failed write or sync, so a record
     * buffered now would be dropped while the caller takes it for journaled. */
    if (self->journal_failed)
        return cc__fail(CC_EIO, "journal_command: %s: refused: %s", method, self->journal_error);
    /* The record [1, n, now, method, params] must fit the reader's limit: a
     * longer one is never read back (recovery takes it for damage, or for a
     * torn tail when it is the last), so it would cost the journal. */
    if (len > CC__JOURNAL_MAX_RECORD - CC__JOURNAL_RECORD_SLACK ||
        strlen(method) > CC__JOURNAL_MAX_RECORD - CC__JOURNAL_RECORD_SLACK - len)
        return cc__fail(CC_EINVAL,
                        "journal_command: params of %zu bytes do not fit a journal record "
                        "(at most %u bytes)",
                        len, (unsigned)CC__JOURNAL_MAX_RECORD);
    msgpack_zone zone;
    if (!msgpack_zone_init(&zone, 1024)) return cc__fail(CC_ENOMEM, "journal: out of memory");
    msgpack_object o;
    size_t off = 0;
    msgpack_unpack_return r = msgpack_unpack(params_msgpack, len, &off, &zone, &o);
    cc_status st = CC_OK;
    if (r != MSGPACK_UNPACK_SUCCESS || o.type != MSGPACK_OBJECT_ARRAY)
        st = cc__fail(CC_EINVAL, "journal_command: params must be one msgpack array");
    else {
        self->now_ms = cc_engine_now(self->engine);
        cc__runtime_journal_call(self, method, &o);
    }
    msgpack_zone_destroy(&zone);
    return st;
}

/* Journals the engine's decision options (decision_options.c) as a record
 * of its own, at every start and at the head of every segment, so that the
 * records of each segment say what they were decided under. */
static void cc__journal_decision_options(cc_runtime *rt)
{
    rt->now_ms = cc__clock(rt);
    msgpack_packer *pk = cc__journal_command_begin(rt, "runtime.options");
    cc__decision_options_pack(pk, &rt->decision);
    cc__journal_end_record(rt->journal);
}

/* Reports a journal failure through error_fn (the library never prints). */
static void cc__journal_trouble(cc_runtime *rt, const char *what)
{
    snprintf(rt->journal_error, sizeof rt->journal_error, "%s: %s", what, cc_error_last());
    if (rt->opts.error_fn) rt->opts.error_fn(rt->journal_error, rt->opts.error_user_data);
}

static void cc__snapshot(cc_runtime *rt)
{
    void *blob = NULL;
    size_t len = 0;
    cc_status st = cc_engine_snapshot(rt->engine, &blob, &len);
    if (st == CC_OK) {
        unsigned bound = 0, attached = 0;
        for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++) {
            if (rt->wire_bound[ch]) bound |= 1u << ch;
            if (rt->switch_conn[ch]) attached |= 1u << ch;
        }
        st = cc__journal_snapshot(rt->journal, blob, len, bound, attached);
        cc_free(blob);
    }
    if (st == CC_OK) {
        cc__journal_decision_options(rt); /* the new segment's first record */
        rt->snapshot_due_records = rt->opts.snapshot_records;
    } else {
        cc__journal_trouble(rt, "snapshot failed");
        /* Retried at the next period, or once as many records again have come: each
         * try serializes the whole engine, too much to repeat at every commit. */
        rt->snapshot_due_records =
            cc__journal_records_since_snapshot(rt->journal) + rt->opts.snapshot_records;
    }
    rt->last_snapshot_ms = cc__clock(rt);
}

/* Commits journal records: synced now under "always"; "batch" syncs from the
 * tick timer. Runs before any output is flushed. */
static void cc__commit(cc_runtime *rt)
{
    if (!rt->journal || rt->journal_failed) return;
    if (cc__journal_commit(rt->journal, rt->opts.fsync == CC_FSYNC_ALWAYS) != CC_OK) {
        /* Fail-stop: what the lost records acknowledged must not be sent. */
        rt->journal_failed = 1;
        cc__journal_trouble(rt, "journal write failed; state changes refused from now on");
        if (rt->server)
            while (cc__server_first(rt->server))
                cc__conn_close(cc__server_first(rt->server), "journal failed");
        return;
    }
    if (cc__journal_records_since_snapshot(rt->journal) >= rt->snapshot_due_records)
        cc__snapshot(rt);
}

/* ---- engine timer --------------------------------------------------------- */

static void cc__on_timer(uv_timer_t *t);

/* Whether the engine is stopped: closing, or the journal failed. Fail-stop stops the
 * engine too: a timer or give-back after a failed write would change state no journal
 * holds, and publish events a restart sends again when its replay gets there. */
static int cc__engine_stopped(const cc_runtime *rt)
{
    return rt->closing || rt->journal_failed;
}

static void cc__rearm(cc_runtime *rt)
{
    if (cc__engine_stopped(rt)) {
        if (!rt->closing) uv_timer_stop(&rt->timer);
        return;
    }
    int64_t d = cc_engine_next_deadline(rt->engine);
    if (d == CC_NO_DEADLINE) {
        uv_timer_stop(&rt->timer);
        return;
    }
    int64_t now = cc__clock(rt);
    uint64_t wait = d > now ? (uint64_t)(d - now) : 0;
    /* libuv counts the wait from the loop time cached when the iteration began: refreshed,
     * the timer does not fire early by the time the iteration has run (an early fire is
     * only a wasted wake-up: its step is empty and taken back). */
    uv_update_time(rt->loop);
    uv_timer_start(&rt->timer, cc__on_timer, wait, 0);
}

/* After a timer, a posted function or a give-back. The deadline timer is re-armed once
 * per loop iteration, in the check phase (cc__on_group_commit), which runs after every
 * unit of work of the iteration and before the loop next waits. */
static void cc__end_of_work(cc_runtime *rt)
{
    cc__runtime_drain_releases(rt);
    rt->commit_pending = 0; /* this commit covers what read batches held back */
    cc__commit(rt);
    if (rt->server) cc__server_flush(rt->server);
}

/* The engine's timers fire: one step, the ADVANCE record [2, n, now] first,
 * then the events; taken back if the engine refuses the advance. */
static void cc__on_timer(uv_timer_t *t)
{
    cc_runtime *rt = t->data;
    if (cc__engine_stopped(rt)) return; /* armed before the journal failed */
    rt->now_ms = cc__clock(rt);
    cc__jmark mark = cc__step_open(rt);
    if (rt->journal) {
        msgpack_packer *pk = cc__journal_begin_record(rt->journal);
        msgpack_pack_array(pk, 3);
        msgpack_pack_uint8(pk, CC__JREC_ADVANCE);
        msgpack_pack_uint64(pk, cc__journal_next_record(rt->journal));
        msgpack_pack_int64(pk, rt->now_ms);
        cc__journal_end_record(rt->journal);
    }
    cc_status st = cc_engine_advance(rt->engine, rt->now_ms);
    cc__step_close(rt, mark, st);
    cc__end_of_work(rt);
}

static void cc__on_tick(uv_timer_t *t)
{
    cc_runtime *rt = t->data;
    if (!rt->journal || rt->journal_failed) return;
    if (rt->opts.fsync == CC_FSYNC_BATCH && cc__journal_dirty(rt->journal) &&
        cc__journal_commit(rt->journal, 1) != CC_OK) {
        rt->journal_failed = 1;
        cc__journal_trouble(rt, "journal fsync failed; state changes refused from now on");
        return;
    }
    if (rt->opts.snapshot_interval_ms > 0 &&
        cc__clock(rt) - rt->last_snapshot_ms >= rt->opts.snapshot_interval_ms)
        cc__snapshot(rt);
}

/* ---- releases ------------------------------------------------------------------ */

/* Runs a release the runtime makes on behalf of a switch that is gone, journaled like
 * the wire call it stands for (`method` with {contact_id, key: value}) as the first
 * record of its step, and taken back if the engine refuses it (the offer or dial ended
 * already). */
static void cc__runtime_release_one(cc_runtime *rt, const cc__wire_offer *o, const char *method,
                                    const char *key, const char *value)
{
    cc__jmark mark = cc__step_open(rt);
    if (rt->journal) {
        msgpack_packer *pk = cc__journal_command_begin(rt, method);
        msgpack_pack_array(pk, 1);
        msgpack_pack_map(pk, 2);
        cc__pack_key(pk, "contact_id");
        msgpack_pack_uint64(pk, o->contact_id);
        cc__pack_key(pk, key);
        cc__pack_cstr(pk, value);
        cc__journal_end_record(rt->journal);
    }
    /* A dial pending at a gone switch is a failed dial: the reserved agent is freed and
     * the callback retried after callback_retry_ms (until callback_max_attempts), as when
     * the backend cannot dial. An offer is rejected: the contact gets its place back and
     * the agent follows reject_after. */
    cc_status st = o->dial
                       ? cc_engine_callback_result(rt->engine, o->contact_id, CC_DIAL_FAILED, rt->now_ms)
                       : cc_engine_offer_reject(rt->engine, o->contact_id, o->agent, rt->now_ms);
    cc__step_close(rt, mark, st);
}

void cc__runtime_drain_releases(cc_runtime *rt)
{
    while (rt->nrelease > 0 && !cc__engine_stopped(rt)) {
        cc__wire_offer o = rt->release[--rt->nrelease];
        rt->now_ms = cc__clock(rt);
        if (o.dial) cc__runtime_release_one(rt, &o, "callback.result", "result", "failed");
        else cc__runtime_release_one(rt, &o, "contact.reject", "agent", o.agent);
        cc__free(o.agent);
    }
}

static cc_status cc__queue_release(cc_runtime *rt, uint64_t contact_id, const char *agent,
                                   int dial)
{
    if (cc__grow((void **)&rt->release, &rt->release_cap, rt->nrelease + 1, sizeof *rt->release) !=
        0)
        return cc__fail(CC_ENOMEM, "runtime: out of memory");
    char *a = cc__strdup(agent);
    if (!a) return cc__fail(CC_ENOMEM, "runtime: out of memory");
    rt->release[rt->nrelease].contact_id = contact_id;
    rt->release[rt->nrelease].agent = a;
    rt->release[rt->nrelease].dial = dial;
    rt->nrelease++;
    return CC_OK;
}

/* ---- server hooks ------------------------------------------------------------- */

static cc_status cc__invoke(const cc__rpc_method *m, cc__rpc_call *call)
{
    cc_runtime *rt = call->ctx;
    rt->now_ms = cc__clock(rt);
    /* The command is the first record of its step, before its events, and
     * is taken back if the call fails (a failed engine call changes nothing
     * and emits nothing). */
    if (rt->journal_failed && (m->flags & CC__RPC_STATE))
        return cc__fail(CC_EIO, "%s: refused: %s", call->method, rt->journal_error);
    int journaled = rt->journal && (m->flags & CC__RPC_STATE);
    cc__jmark mark = {0, 0, 0};
    if (journaled) {
        mark = cc__step_open(rt);
        cc__runtime_journal_call(rt, call->method, call->params);
    }
    cc_status st = m->fn(call);
    if (journaled) cc__step_close(rt, mark, st);
    cc__runtime_drain_releases(rt);
    return st;
}

/* Journals [1, n, now, "runtime.attach" | "runtime.detach", [mask]]: whether
 * a switch takes a channel's media changes what offers do (sent, or failed
 * and handled as rejects), so replays must know it. */
static void cc__journal_attach(cc_runtime *rt, const char *what, unsigned mask)
{
    if (!rt->journal || rt->replaying || !mask) return;
    msgpack_packer *pk = cc__journal_command_begin(rt, what);
    msgpack_pack_array(pk, 1);
    msgpack_pack_uint32(pk, mask);
    cc__journal_end_record(rt->journal);
}

cc_status cc__runtime_attach(cc_runtime *rt, cc__conn *c, unsigned mask)
{
    cc_status first = CC_OK;
    char detail[256] = "";
    unsigned attached = 0;
    for (int ch = 1; ch < CC_CHANNEL__COUNT; ch++) {
        if (!(mask & (1u << ch))) continue;
        if (!rt->wire_bound[ch]) {
            cc_status st = cc_engine_bind_backend(rt->engine, (cc_channel)ch, &cc__wire_backend,
                                                  &rt->transport);
            if (st != CC_OK) {
                if (first == CC_OK) {
                    first = st;
                    snprintf(detail, sizeof detail, "channel '%s': %s", cc_channel_name(ch),
                             cc_error_last());
                }
                continue;
            }
            rt->wire_bound[ch] = 1;
        }
        attached |= 1u << ch;
        if (rt->replaying)
            rt->replay_attached[ch] = 1;
        else
            rt->switch_conn[ch] = c;
    }
    cc__journal_attach(rt, "runtime.attach", attached);
    if (first != CC_OK) return cc__fail(first, "backend.register: %s", detail);
    return CC_OK;
}

static void cc__on_conn_close(cc__conn *c, void *ctx)
{
    cc_runtime *rt = ctx;
    if (c->event_mask) cc__runtime_unsubscribe(rt, c);
    unsigned detached = 0;
    for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++) {
        if (rt->switch_conn[ch] != c) continue;
        rt->switch_conn[ch] = NULL;
        detached |= 1u << ch;
        if (rt->closing) continue; /* the final snapshot keeps them; recovery releases */
        void *state = cc_engine_backend_state(rt->engine, (cc_channel)ch);
        cc__wire_offer *v;
        size_t n;
        if (!state || cc__wire_backend_take_offers(state, &v, &n) != CC_OK) continue;
        for (size_t i = 0; i < n; i++)
            cc__queue_release(rt, v[i].contact_id, v[i].agent, v[i].dial);
        cc__wire_offers_free(v, n);
    }
    if (!rt->closing) {
        rt->now_ms = cc__clock(rt);
        cc__journal_attach(rt, "runtime.detach", detached);
        /* A connection the server closes itself (a slow consumer at a flush, a
         * failed write) closes after the unit of work has drained its releases:
         * nothing else would run them until some later request or timer, and
         * the agents would stay reserved for a phone that cannot ring. The
         * async handle runs one more end of work on the next loop iteration. */
        if (rt->nrelease > 0) uv_async_send(&rt->async);
    }
}

/* After each read batch. Under fsync=always the responses wait for the
 * group commit at the end of the loop iteration (one fdatasync for every
 * connection served in it); otherwise records are written and output goes. */
static int cc__on_batch_end(void *ctx)
{
    cc_runtime *rt = ctx;
    cc__runtime_drain_releases(rt);
    if (rt->journal && rt->opts.fsync == CC_FSYNC_ALWAYS && !rt->journal_failed) {
        rt->commit_pending = 1;
        return 0;
    }
    cc__commit(rt);
    return 1;
}

static void cc__commit_now(void *ctx)
{
    cc_runtime *rt = ctx;
    if (!rt->commit_pending) return;
    rt->commit_pending = 0;
    cc__commit(rt);
    if (rt->server) cc__server_flush(rt->server);
}

/* uv_check: runs once per loop iteration, after the timers and the I/O callbacks (read
 * batches, posted functions, give-backs), before the loop waits again. The one place the
 * deadline timer is re-armed: it covers every unit of work of the iteration, and a change
 * the caller made directly on the engine from its own libuv callback too, once per
 * iteration rather than once per read batch. O(1) amortised (cc_engine_next_deadline). */
static void cc__on_group_commit(uv_check_t *h)
{
    cc_runtime *rt = h->data;
    cc__rearm(rt);
    cc__commit_now(rt);
}

/* Sends a media command to the connection owning `channel`. */
static cc_status cc__transport_send(void *ctx, cc_channel channel, const char *command,
                                    const cc__wire_arg *args, size_t nargs)
{
    cc_runtime *rt = ctx;
    if (rt->replaying) /* as it went then: sent if a switch was attached */
        return (unsigned)channel < CC_CHANNEL__COUNT && rt->replay_attached[channel]
                   ? CC_OK
                   : cc__fail(CC_ECLOSED, "wire backend: no switch (replay)");
    cc__conn *c = (unsigned)channel < CC_CHANNEL__COUNT ? rt->switch_conn[channel] : NULL;
    msgpack_packer *pk = c ? cc__conn_packer(c) : NULL;
    if (!pk)
        return cc__fail(CC_ECLOSED, "wire backend: no switch connected for channel '%s'",
                        cc_channel_name(channel));
    cc__pack_notify_head(pk, command);
    msgpack_pack_map(pk, (uint32_t)nargs);
    for (size_t i = 0; i < nargs; i++) {
        cc__pack_key(pk, args[i].key);
        if (args[i].kind == 0)
            msgpack_pack_uint64(pk, args[i].u);
        else if (args[i].kind == 1)
            msgpack_pack_int64(pk, args[i].i);
        else
            cc__pack_cstr(pk, args[i].s);
    }
    cc__conn_commit(c);
    return CC_OK;
}

/* ---- recovery ----------------------------------------------------------------- */

typedef struct cc__replay {
    cc_runtime *rt;
    uint64_t last_record;
    int seen;
    int events_only; /* KPI pass: feed EVENT records only */
    int file_start;  /* the next record is the first of its file */
    const char *file;
    const cc__jfile *jfile; /* the file being read (its name's number) */
    msgpack_zone zone;
} cc__replay;

static int64_t cc__obj_time(const msgpack_object *o)
{
    return o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER ? o->via.i64 : (int64_t)o->via.u64;
}

static int cc__is_time(const msgpack_object *o)
{
    return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER || o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER;
}

/* [2, n, now_ms]: the engine's timers fired. */
static cc_status cc__replay_advance(cc__replay *rp, const msgpack_object *f)
{
    cc_engine_advance(rp->rt->engine, cc__obj_time(&f[2]));
    rp->rt->recovery.advances_replayed++;
    return CC_OK;
}

/* [1, n, now, "runtime.attach" | "runtime.detach", [mask]]. */
static cc_status cc__replay_attach(cc__replay *rp, const msgpack_object *f)
{
    cc_runtime *rt = rp->rt;
    unsigned mask = (unsigned)f[4].via.array.ptr[0].via.u64;
    rt->now_ms = cc__obj_time(&f[2]);
    if (memcmp(f[3].via.str.ptr + 8, "attach", 6) == 0) {
        cc__runtime_attach(rt, NULL, mask);
    } else if (memcmp(f[3].via.str.ptr + 8, "detach", 6) == 0) {
        for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++)
            if (mask & (1u << ch)) rt->replay_attached[ch] = 0;
    } else {
        return cc__fail(CC_EPARSE, "unknown command in record %llu",
                        (unsigned long long)rp->last_record);
    }
    return CC_OK;
}

static int cc__is_attach_record(const msgpack_object *f)
{
    return f[4].type == MSGPACK_OBJECT_ARRAY && f[4].via.array.size == 1 &&
           f[4].via.array.ptr[0].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
           f[3].via.str.size == 14 && memcmp(f[3].via.str.ptr, "runtime.", 8) == 0;
}

static int cc__is_options_record(const msgpack_object *f)
{
    return f[3].via.str.size == 15 && memcmp(f[3].via.str.ptr, "runtime.options", 15) == 0;
}

/* [1, n, now, "runtime.options", [{...}]]: the records after it were decided
 * under these engine options; replaying them under others would reach
 * another state, so a runtime given others is refused (CC_ESTATE). */
static cc_status cc__check_decision_options(cc__replay *rp, const msgpack_object *f)
{
    cc__decision_options journal;
    cc_status st = cc__decision_options_read(&f[4], &journal);
    if (st) return st;
    char diff[1200];
    if (!cc__decision_options_diff(&journal, &rp->rt->decision, diff, sizeof diff)) return CC_OK;
    return cc__fail(CC_ESTATE,
                    "journal '%s' was written with other engine options: %s; replayed under "
                    "these it would decide differently: start with the journal's options",
                    rp->file, diff);
}

/* [1, n, now, method, params]: a wire call, through the same method function. */
static cc_status cc__replay_command(cc__replay *rp, const msgpack_object *f)
{
    cc_runtime *rt = rp->rt;
    if (cc__is_attach_record(f)) return cc__replay_attach(rp, f);
    if (cc__is_options_record(f)) return cc__check_decision_options(rp, f);
    const cc__rpc_method *m = cc__lookup(f[3].via.str.ptr, f[3].via.str.size);
    if (!m)
        return cc__fail(CC_EPARSE, "unknown command in record %llu",
                        (unsigned long long)rp->last_record);
    rt->now_ms = cc__obj_time(&f[2]);
    msgpack_packer pk;
    rt->scratch.len = 0;
    msgpack_packer_init(&pk, &rt->scratch, cc__wbuf_write);
    msgpack_zone_clear(&rp->zone);
    cc__rpc_call call = {.conn = NULL, .ctx = rt, .method = m->name, .params = &f[4], .pk = &pk};
    if (cc__args_bind(&call.args, m->name, &f[4], &rp->zone) == CC_OK) {
        call.args.lenient = 1; /* a journal from before repeated names were refused */
        m->fn(&call);
    }
    rt->recovery.commands_replayed++;
    return CC_OK;
}

/* Each file of the replay starts where the one before it ended, and without
 * a snapshot the history starts at record 1: a gap means a file is missing.
 * One exception: a segment (named after its first record) is created right
 * after the snapshot numbered one less, so when that snapshot is not
 * replayed (removed, or damaged and passed over) its number is the gap. */
static cc_status cc__check_chain(cc__replay *rp, uint64_t no)
{
    rp->file_start = 0;
    uint64_t want = rp->seen ? rp->last_record + 1 : 1;
    if (no == want) return CC_OK;
    if (!rp->jfile->is_snapshot && no == rp->jfile->first && no == want + 1) return CC_OK;
    return cc__fail(CC_EPARSE,
                    "'%s' starts at record %llu where record %llu was expected: the journal "
                    "file holding the records between is missing",
                    rp->file, (unsigned long long)no, (unsigned long long)want);
}

/* KPI pass: the event history. */
static cc_status cc__refill_event(cc__replay *rp, const msgpack_object *root)
{
    const msgpack_object *f = root->via.array.ptr;
    if (f[0].via.u64 != CC__JREC_EVENT || !rp->rt->kpi) return CC_OK;
    cc_event e;
    msgpack_zone_clear(&rp->zone);
    if (cc__event_unpack_fields(f + 2, root->via.array.size - 2, &rp->zone, &e) == CC_OK)
        cc_kpi_add(rp->rt->kpi, &e);
    return CC_OK;
}

/* A record of a segment. Recovery understands every record the writer
 * writes; anything else, though its checksum matched, is refused. */
static cc_status cc__replay_record(const msgpack_object *root, void *ud)
{
    cc__replay *rp = ud;
    if (rp->events_only) return cc__refill_event(rp, root);
    const msgpack_object *f = root->via.array.ptr;
    uint32_t n = root->via.array.size;
    uint64_t kind = f[0].via.u64, no = f[1].via.u64;
    if (rp->file_start) {
        cc_status st = cc__check_chain(rp, no);
        if (st) return st;
    }
    rp->last_record = no;
    rp->seen = 1;
    if (kind == CC__JREC_EVENT) return CC_OK; /* the KPI pass took it */
    if (kind == CC__JREC_STEP) return CC_OK;  /* the reader kept the step whole */
    if (kind == CC__JREC_ADVANCE && n >= 3 && cc__is_time(&f[2])) return cc__replay_advance(rp, f);
    if (kind == CC__JREC_COMMAND && n >= 5 && cc__is_time(&f[2]) && f[3].type == MSGPACK_OBJECT_STR)
        return cc__replay_command(rp, f);
    return cc__fail(CC_EPARSE, "record %llu (kind %llu) cannot be replayed", (unsigned long long)no,
                    (unsigned long long)kind);
}

/* The record of a snapshot file: [4, n, engine bytes, bound, attached]. */
static int cc__is_snapshot_record(const msgpack_object *root)
{
    const msgpack_object *f = root->via.array.ptr;
    return root->via.array.size >= 5 && f[0].via.u64 == CC__JREC_SNAPSHOT &&
           f[2].type == MSGPACK_OBJECT_BIN && f[3].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
           f[4].type == MSGPACK_OBJECT_POSITIVE_INTEGER;
}

typedef struct cc__snapshot_check {
    size_t records;
    uint64_t no;
} cc__snapshot_check;

static cc_status cc__count_snapshot_record(const msgpack_object *root, void *ud)
{
    cc__snapshot_check *c = ud;
    if (!cc__is_snapshot_record(root))
        return cc__fail(CC_EPARSE, "its record is not [4, n, engine, bound, attached]");
    c->records++;
    c->no = root->via.array.ptr[1].via.u64;
    return CC_OK;
}

/* CC_OK when the snapshot file holds exactly one complete SNAPSHOT record,
 * numbered as its name says. Snapshots are written whole (temporary file,
 * fsync, rename), so anything else is damage, never a crash's tear:
 * CC_EPARSE with why (or CC_EIO, CC_ENOMEM). */
static cc_status cc__check_snapshot(const char *dir, const cc__jfile *f)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, f->name);
    cc__snapshot_check c = {0, 0};
    size_t valid, torn;
    cc_status st = cc__journal_read_file(path, cc__count_snapshot_record, &c, &valid, &torn);
    if (st) return st;
    if (torn || c.records != 1 || c.no != f->first)
        return cc__fail(CC_EPARSE,
                        "snapshot '%s' is damaged: %zu record(s), %zu byte(s) from offset %zu "
                        "unreadable",
                        path, c.records, torn, valid);
    return CC_OK;
}

/* Restores the base snapshot: bindings first (allowed only while no contact
 * exists), then the engine. */
static cc_status cc__restore_snapshot_record(const msgpack_object *root, void *ud)
{
    cc__replay *rp = ud;
    cc_runtime *rt = rp->rt;
    const msgpack_object *f = root->via.array.ptr;
    unsigned bound = (unsigned)f[3].via.u64, attached = (unsigned)f[4].via.u64;
    cc__runtime_attach(rt, NULL, bound);
    for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++)
        rt->replay_attached[ch] = (attached >> ch) & 1u;
    cc_status st = cc_engine_restore(rt->engine, f[2].via.bin.ptr, f[2].via.bin.size);
    if (st) return st;
    rp->last_record = f[1].via.u64;
    rp->seen = 1;
    rt->recovery.snapshot_loaded = 1;
    rt->recovery.snapshot_record = rp->last_record;
    return CC_OK;
}

/* The snapshot recovery starts from: the newest intact one. A damaged
 * snapshot is reported (error_fn) and passed over, so recovery falls back to
 * the snapshot before it, or to the first segment, and replays the segments
 * in between; the chain check then refuses it (CC_EPARSE) unless those
 * segments still cover the whole history. *base = nf: no snapshot. */
static cc_status cc__choose_base(cc_runtime *rt, const char *dir, const cc__jfile *files, size_t nf,
                                 size_t *base)
{
    *base = nf;
    for (size_t i = nf; i-- > 0;) {
        if (!files[i].is_snapshot) continue;
        cc_status st = cc__check_snapshot(dir, &files[i]);
        if (st == CC_OK) {
            *base = i;
            return CC_OK;
        }
        if (st != CC_EPARSE) return st;
        cc__journal_trouble(rt, "recovering without a damaged snapshot, from the one before it "
                                "(or the first segment) and the segments after it");
    }
    return CC_OK;
}

/* A damaged snapshot passed over: the segment before it must end just
 * before its number and the one after it start just after. */
static cc_status cc__pass_damaged_snapshot(cc__replay *rp, const cc__jfile *f)
{
    cc_status st = cc__check_chain(rp, f->first);
    if (st) {
        char why[512];
        snprintf(why, sizeof why, "%s", cc_error_last());
        return cc__fail(CC_EPARSE,
                        "snapshot '%s' is damaged and the segments before it do not reach it "
                        "(%s)",
                        f->name, why);
    }
    rp->last_record = f->first;
    rp->seen = 1;
    return CC_OK;
}

static int cc__collect_offer(const char *agent, void *ud)
{
    cc_runtime *rt = ud;
    cc_agent_status as = CC_AGENT_STATUS_INIT;
    cc_contact_status cs = CC_CONTACT_STATUS_INIT;
    if (cc_engine_agent_status(rt->engine, agent, &as) != CC_OK || as.offer_contact_id == 0)
        return 0;
    /* A callback being dialed at the crash is a dial that failed. */
    int dial = cc_engine_contact_status(rt->engine, as.offer_contact_id, &cs) == CC_OK &&
               cs.state == CC_CONTACT_DIALING;
    if (cc__queue_release(rt, as.offer_contact_id, agent, dial) == CC_OK)
        rt->recovery.offers_released++;
    return 0;
}

static cc_status cc__mkdir_p(const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) return CC_OK;
        return cc__fail(CC_EIO, "journal '%s': not a directory", dir);
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return cc__fail(CC_EIO, "journal '%s': %s", dir, strerror(errno));
    return CC_OK;
}

/* Reads one segment through cc__replay_record. Only the newest file of the
 * directory, when it is a segment, may end torn (a crash in the middle of
 * its last write; recovery cuts it): every other segment was complete before
 * the next file was started, so bytes there that are not a complete record
 * are damage. */
static cc_status cc__read_journal_file(const char *dir, const cc__jfile *f, int newest,
                                       cc__replay *rp, size_t *valid, size_t *torn)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, f->name);
    cc_status st = cc__journal_read_file(path, cc__replay_record, rp, valid, torn);
    if (!st && *torn && !newest)
        st = cc__fail(CC_EPARSE,
                      "journal '%s': damaged: %zu byte(s) from offset %zu are not a complete "
                      "record, and only the newest segment may end torn",
                      path, *torn, *valid);
    return st;
}

/* The KPI history: every EVENT record of every segment. */
static cc_status cc__refill_kpi(const char *dir, const cc__jfile *files, size_t nf, cc__replay *rp)
{
    cc_status st = CC_OK;
    size_t valid, torn;
    rp->events_only = 1;
    for (size_t i = 0; i < nf && !st; i++)
        if (!files[i].is_snapshot)
            st = cc__read_journal_file(dir, &files[i], i + 1 == nf, rp, &valid, &torn);
    rp->events_only = 0;
    return st;
}

/* Restores the newest intact snapshot and replays the segments after it.
 * The segment new records go to, when it is the newest file, and where its
 * records end are returned for the writer (NULL: start a new segment). */
static cc_status cc__replay_journal(cc_runtime *rt, const char *dir, const cc__jfile *files,
                                    size_t nf, cc__replay *rp, const char **last_segment,
                                    size_t *last_valid)
{
    size_t base;
    cc_status st = cc__choose_base(rt, dir, files, nf, &base);
    rt->replaying = 1;
    for (size_t i = base < nf ? base : 0; i < nf && !st; i++) {
        size_t valid, torn;
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        rp->file = path;
        rp->jfile = &files[i];
        rp->file_start = 1;
        if (files[i].is_snapshot) {
            *last_segment = NULL; /* records after a snapshot go to a newer segment */
            st = i == base
                     ? cc__journal_read_file(path, cc__restore_snapshot_record, rp, &valid, &torn)
                     : cc__pass_damaged_snapshot(rp, &files[i]);
            continue;
        }
        st = cc__read_journal_file(dir, &files[i], i + 1 == nf, rp, &valid, &torn);
        if (st) continue;
        rt->recovery.segments++;
        rt->recovery.torn_bytes = torn;
        *last_segment = files[i].name;
        *last_valid = valid;
    }
    rt->replaying = 0;
    return st;
}

static cc_status cc__recover(cc_runtime *rt)
{
    const char *dir = rt->journal_dir;
    cc_status st = cc__mkdir_p(dir);
    if (st) return st;
    cc__jfile *files;
    size_t nf;
    st = cc__journal_list(dir, &files, &nf);
    if (st) return st;
    cc__replay rp = {.rt = rt};
    if (!msgpack_zone_init(&rp.zone, 4096)) {
        cc__free(files);
        return cc__fail(CC_ENOMEM, "journal: out of memory");
    }
    const char *last_segment = NULL;
    size_t last_valid = 0;
    if (rt->kpi) st = cc__refill_kpi(dir, files, nf, &rp);
    rp.seen = 0; /* the replay numbers its records itself */
    if (!st) st = cc__replay_journal(rt, dir, files, nf, &rp, &last_segment, &last_valid);
    uint64_t next = rp.seen ? rp.last_record + 1 : 1;
    if (!st) {
        char path[4200];
        if (last_segment) snprintf(path, sizeof path, "%s/%s", dir, last_segment);
        st = cc__journal_open(&rt->journal, dir, last_segment ? path : NULL, last_valid, next,
                              rt->opts.fsync);
    }
    msgpack_zone_destroy(&rp.zone);
    cc__free(files);
    if (st) return st;
    cc__journal_decision_options(rt);
    /* No switch survives a restart, but a crash left no "runtime.detach" for
     * the channels attached at the time. Journal it now, before the offers
     * are given back: the give-back's next offers fail for want of a switch
     * (the agents go not-ready), and a later replay must see them fail too,
     * not send them to the switch it still believes attached (which left
     * phantom offers for every later restart to give back again). */
    unsigned attached = 0;
    for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++)
        if (rt->replay_attached[ch]) attached |= 1u << ch;
    cc__journal_attach(rt, "runtime.detach", attached);
    /* Replayed offers were "sent" to switches that are gone: forget them. */
    memset(rt->replay_attached, 0, sizeof rt->replay_attached);
    for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++) {
        void *state =
            rt->wire_bound[ch] ? cc_engine_backend_state(rt->engine, (cc_channel)ch) : NULL;
        cc__wire_offer *v;
        size_t n;
        if (state && cc__wire_backend_take_offers(state, &v, &n) == CC_OK)
            cc__wire_offers_free(v, n);
    }
    /* Offers pending at the crash ring nowhere now: give them back. */
    cc_engine_foreach_agent(rt->engine, cc__collect_offer, rt);
    cc__runtime_drain_releases(rt);
    return cc__journal_commit(rt->journal, rt->opts.fsync != CC_FSYNC_OFF);
}

/* ---- lifecycle ------------------------------------------------------------------ */

static void cc__on_async(uv_async_t *a);

static void cc__runtime_free(cc_runtime *rt)
{
    cc__post *p = rt->post_head;
    while (p) {
        cc__post *next = p->next;
        cc__free(p);
        p = next;
    }
    for (size_t i = 0; i < rt->nrelease; i++)
        cc__free(rt->release[i].agent);
    cc__free(rt->release);
    cc__free(rt->subs);
    cc__free(rt->journal_dir);
    cc__wbuf_free(&rt->scratch);
    pthread_mutex_destroy(&rt->mu);
    cc__free(rt);
}

static void cc__maybe_done(cc_runtime *rt)
{
    if (rt->open_handles > 0 || !rt->server_done) return;
    void (*done)(void *) = rt->done;
    void *ud = rt->done_ud;
    cc__runtime_free(rt);
    if (done) done(ud);
}

static void cc__handle_closed(uv_handle_t *h)
{
    cc_runtime *rt = h->data;
    rt->open_handles--;
    cc__maybe_done(rt);
}

static void cc__server_closed(void *ud)
{
    cc_runtime *rt = ud;
    rt->server_done = 1;
    cc__maybe_done(rt);
}

cc_status cc_runtime_new(cc_runtime **out, struct uv_loop_s *loop,
                         const cc_engine_options *engine_options, const cc_runtime_options *options)
{
    if (!out || !loop) return cc__fail(CC_EINVAL, "runtime: NULL out or loop");
    *out = NULL;
    cc_runtime_options o = CC_RUNTIME_OPTIONS_INIT;
    if (options) {
        if (options->version != CC_RUNTIME_OPTIONS_VERSION)
            return cc__fail(CC_EVERSION, "runtime: cc_runtime_options version %u unknown",
                            options->version);
        o = *options;
    }
    if ((unsigned)o.fsync > CC_FSYNC_OFF)
        return cc__fail(CC_EINVAL, "runtime: fsync policy %d unknown", (int)o.fsync);
    if (o.fsync_interval_ms < 0)
        return cc__fail(CC_EINVAL, "runtime: fsync_interval_ms must be >= 0");
    if (!o.fsync_interval_ms) o.fsync_interval_ms = 50;
    if (!o.snapshot_interval_ms) o.snapshot_interval_ms = 60000;
    if (!o.snapshot_records) o.snapshot_records = 1000000;
    cc_engine_options eo = CC_ENGINE_OPTIONS_INIT;
    if (engine_options) {
        if (engine_options->version != CC_ENGINE_OPTIONS_VERSION)
            return cc__fail(CC_EVERSION, "runtime: cc_engine_options version %u unknown",
                            engine_options->version);
        eo = *engine_options;
    }
    cc_runtime *rt = cc__calloc(1, sizeof *rt);
    if (!rt) return cc__fail(CC_ENOMEM, "runtime: out of memory");
    pthread_mutex_init(&rt->mu, NULL);
    rt->loop = loop;
    rt->opts = o;
    rt->snapshot_due_records = o.snapshot_records;
    rt->opts.journal_dir = NULL;
    rt->user_event_fn = eo.event_fn;
    rt->user_event_ud = eo.event_user_data;
    rt->server_done = 1;
    rt->recovery.version = CC_RECOVERY_STATS_VERSION;
    rt->transport.send = cc__transport_send;
    rt->transport.ctx = rt;
    eo.event_fn = cc__on_event;
    eo.event_user_data = rt;
    cc_status st = CC_OK;
    if (o.journal_dir && !(rt->journal_dir = cc__strdup(o.journal_dir)))
        st = cc__fail(CC_ENOMEM, "runtime: out of memory");
    if (!st) st = cc_engine_new(&rt->engine, &eo);
    if (!st) cc__decision_options_from(&rt->decision, &eo);
    if (!st) st = cc_kpi_new(&rt->kpi, NULL);
    if (!st && rt->journal_dir) st = cc__recover(rt);
    cc__rpc_methods_init();
    cc__server_hooks hooks = {cc__rpc_methods,  cc__rpc_nmethods, rt, cc__invoke, cc__on_conn_close,
                              cc__on_batch_end, cc__commit_now};
    if (!st) st = cc__server_new(&rt->server, loop, &hooks);
    if (st) {
        cc__journal_close(rt->journal);
        cc_kpi_free(rt->kpi);
        cc_engine_free(rt->engine);
        if (rt->server) cc__server_close(rt->server, NULL, NULL);
        cc__runtime_free(rt);
        return st;
    }
    rt->server_done = 0;
    uv_timer_init(loop, &rt->timer);
    uv_timer_init(loop, &rt->tick);
    uv_async_init(loop, &rt->async, cc__on_async);
    uv_check_init(loop, &rt->group_commit);
    rt->timer.data = rt->tick.data = rt->async.data = rt->group_commit.data = rt;
    rt->open_handles = 4;
    uv_check_start(&rt->group_commit, cc__on_group_commit);
    uv_unref((uv_handle_t *)&rt->group_commit);
    rt->last_snapshot_ms = cc__clock(rt);
    if (rt->journal) {
        uint64_t period = (uint64_t)o.fsync_interval_ms;
        uv_timer_start(&rt->tick, cc__on_tick, period, period);
    }
    uv_unref((uv_handle_t *)&rt->tick);
    rt->accepting = 1;
    pthread_mutex_lock(&cc__registry_mu);
    rt->registry_next = cc__registry;
    cc__registry = rt;
    pthread_mutex_unlock(&cc__registry_mu);
    cc__rearm(rt);
    *out = rt;
    return CC_OK;
}

cc_engine *cc_runtime_engine(cc_runtime *self)
{
    return self ? self->engine : NULL;
}

cc_status cc_runtime_recovery(const cc_runtime *self, cc_recovery_stats *out)
{
    if (!self || !out) return cc__fail(CC_EINVAL, "runtime_recovery: NULL argument");
    if (out->version != CC_RECOVERY_STATS_VERSION)
        return cc__fail(CC_EVERSION, "cc_recovery_stats version %u unknown", out->version);
    *out = self->recovery;
    return CC_OK;
}

cc_status cc_runtime_listen(cc_runtime *self, const char *address, const cc_server_options *options,
                            char *bound, size_t bound_len)
{
    if (!self) return cc__fail(CC_EINVAL, "listen: NULL runtime");
    if (self->closing) return cc__fail(CC_ECLOSED, "listen: runtime is closing");
    /* Every state-changing request is journaled whole ([1, n, now, method,
     * params], params re-packed never longer than received): a request the
     * journal cannot hold in one record would be acknowledged, then make the
     * journal unrecoverable (or be cut as a torn tail). */
    if (self->journal && options && options->version == CC_SERVER_OPTIONS_VERSION &&
        options->max_message_bytes > CC__JOURNAL_MAX_RECORD - CC__JOURNAL_RECORD_SLACK)
        return cc__fail(CC_EINVAL,
                        "listen: max_message_bytes %zu is larger than a journal record can "
                        "hold (at most %u with a journal)",
                        options->max_message_bytes,
                        (unsigned)(CC__JOURNAL_MAX_RECORD - CC__JOURNAL_RECORD_SLACK));
    return cc__server_listen(self->server, address, options, bound, bound_len);
}

/* ---- posting ----------------------------------------------------------------- */

/* Runs posted functions in FIFO order, taking one at a time from the queue,
 * so that a function that closes the runtime leaves the rest to the close
 * (which runs them before freeing the engine). */
static void cc__run_posts(cc_runtime *rt)
{
    for (;;) {
        pthread_mutex_lock(&rt->mu);
        cc__post *p = rt->post_head;
        if (p) {
            rt->post_head = p->next;
            if (!rt->post_head) rt->post_tail = NULL;
        }
        pthread_mutex_unlock(&rt->mu);
        if (!p || !rt->engine) {
            cc__free(p);
            return;
        }
        rt->now_ms = cc__clock(rt);
        cc_post_fn fn = p->fn;
        void *ud = p->user_data;
        cc__free(p);
        /* One step: the events of the engine calls the function makes and the
         * commands it journals for them (cc_runtime_journal_command) are
         * recovered together or not at all. It may close the runtime, which
         * ends the step with the journal. */
        if (rt->journal) cc__journal_step_begin(rt->journal);
        fn(rt->engine, ud);
        if (rt->journal) cc__journal_step_end(rt->journal);
    }
}

static void cc__on_async(uv_async_t *a)
{
    cc_runtime *rt = a->data;
    cc__run_posts(rt);
    if (!rt->closing) cc__end_of_work(rt);
}

static cc_status cc__post_locked(cc_runtime *rt, cc_post_fn fn, void *ud)
{
    if (!rt->accepting) return cc__fail(CC_ECLOSED, "post: the runtime is closing");
    cc__post *p = cc__malloc(sizeof *p);
    if (!p) return cc__fail(CC_ENOMEM, "post: out of memory");
    p->fn = fn;
    p->user_data = ud;
    p->next = NULL;
    if (rt->post_tail)
        rt->post_tail->next = p;
    else
        rt->post_head = p;
    rt->post_tail = p;
    uv_async_send(&rt->async);
    return CC_OK;
}

cc_status cc_runtime_post(cc_runtime *self, cc_post_fn fn, void *user_data)
{
    if (!self || !fn) return cc__fail(CC_EINVAL, "post: NULL runtime or function");
    pthread_mutex_lock(&self->mu);
    cc_status st = cc__post_locked(self, fn, user_data);
    pthread_mutex_unlock(&self->mu);
    return st;
}

cc_status cc_engine_post(cc_engine *engine, cc_post_fn fn, void *user_data)
{
    if (!engine || !fn) return cc__fail(CC_EINVAL, "post: NULL engine or function");
    pthread_mutex_lock(&cc__registry_mu);
    cc_runtime *rt = cc__registry;
    while (rt && rt->engine != engine)
        rt = rt->registry_next;
    cc_status st;
    if (!rt) {
        st = cc__fail(CC_ENOTFOUND, "post: the engine belongs to no open runtime");
    } else {
        pthread_mutex_lock(&rt->mu);
        st = cc__post_locked(rt, fn, user_data);
        pthread_mutex_unlock(&rt->mu);
    }
    pthread_mutex_unlock(&cc__registry_mu);
    return st;
}

cc_status cc_runtime_close(cc_runtime *self, void (*done)(void *user_data), void *user_data)
{
    if (!self) return cc__fail(CC_EINVAL, "runtime_close: NULL runtime");
    if (self->closing) return cc__fail(CC_ECLOSED, "runtime_close: already closing");
    cc__registry_remove(self); /* no new posts from here on */
    cc__run_posts(self);       /* the ones accepted before still run */
    cc__runtime_drain_releases(self);
    self->closing = 1;
    self->done = done;
    self->done_ud = user_data;
    cc__server_close(self->server, cc__server_closed, self);
    self->server = NULL;
    if (self->journal) {
        cc__commit(self);
        cc__snapshot(self);
        cc__journal_close(self->journal);
        self->journal = NULL;
    }
    cc_kpi_free(self->kpi);
    self->kpi = NULL;
    cc_engine_free(self->engine);
    self->engine = NULL;
    uv_close((uv_handle_t *)&self->timer, cc__handle_closed);
    uv_close((uv_handle_t *)&self->tick, cc__handle_closed);
    uv_close((uv_handle_t *)&self->async, cc__handle_closed);
    uv_close((uv_handle_t *)&self->group_commit, cc__handle_closed);
    return CC_OK;
}
