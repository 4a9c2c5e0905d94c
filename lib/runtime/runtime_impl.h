/*
 * lib/runtime/runtime_impl.h - internal: the runtime object shared by
 * runtime.c (lifecycle, timers, posting, journal, recovery) and
 * rpc_methods.c (the wire methods).
 */
#ifndef CC_RUNTIME_RUNTIME_IMPL_H
#define CC_RUNTIME_RUNTIME_IMPL_H

#include "backends/wire_backend.h"
#include "callcore/kpi.h"
#include "callcore/runtime.h"
#include "journal.h"
#include "server.h"

#include <pthread.h>
#include <uv.h>

/* The engine options that change decisions (callcore/engine.h), defaults
 * resolved, so two sets compare equal when they decide alike. Journaled as
 * [1, n, now, "runtime.options", [{seed, select, rona_after, rona_reason,
 * reject_after, reject_reason, last_agent_window_ms}]] (decision_options.c). */
typedef struct cc__decision_options {
    uint64_t seed;
    int select, rona_after, reject_after;
    int64_t last_agent_window_ms;
    char rona_reason[CC_NAME_MAX + 1], reject_reason[CC_NAME_MAX + 1];
} cc__decision_options;

/* From options cc_engine_new accepted. */
void cc__decision_options_from(cc__decision_options *out, const cc_engine_options *eo);
/* Packs the record's params: [{option: value, ...}]. */
void cc__decision_options_pack(msgpack_packer *pk, const cc__decision_options *o);
/* Reads them back: CC_OK, or CC_EPARSE (malformed, or an option unknown to
 * this library, which might decide differently). */
cc_status cc__decision_options_read(const msgpack_object *params, cc__decision_options *out);
/* 1 when they differ, with "seed 1 (this runtime: 2), ..." in buf. */
int cc__decision_options_diff(const cc__decision_options *journal,
                              const cc__decision_options *given, char *buf, size_t cap);

typedef struct cc__post {
    cc_post_fn fn;
    void *user_data;
    struct cc__post *next;
} cc__post;

struct cc_runtime {
    uv_loop_t *loop;
    cc_engine *engine;
    cc_kpi *kpi; /* fed with every event; kpi.snapshot reports it */
    cc__server *server;
    cc__journal *journal;    /* NULL without a journal directory */
    uv_timer_t timer;        /* the engine's next deadline */
    uv_timer_t tick;         /* batch fsync and periodic snapshots */
    uv_async_t async;        /* cc_runtime_post wake-up */
    uv_check_t group_commit; /* fsync=always: one sync per loop iteration */
    int commit_pending;      /* output held back until the journal is synced */
    int open_handles;
    int closing, server_done;
    cc_runtime_options opts;
    char *journal_dir;
    cc_event_fn user_event_fn;
    void *user_event_ud;
    int64_t now_ms; /* time of the input being applied */
    int replaying;
    cc__decision_options decision; /* the engine's, checked against the journal's */
    int64_t last_snapshot_ms;
    /* Records since the last snapshot that make the next one due; raised by
     * snapshot_records after a failed try, so it is not retried at every commit. */
    uint64_t snapshot_due_records;
    int journal_failed; /* fail-stop after a record write/fsync failed */
    char journal_error[256];
    cc_recovery_stats recovery;
    void (*done)(void *);
    void *done_ud;

    /* posting (any thread): FIFO under mu */
    pthread_mutex_t mu;
    cc__post *post_head, *post_tail;
    int accepting;
    cc_runtime *registry_next; /* cc_engine_post lookup */

    /* event subscribers: unordered array, O(1) add, O(s) remove */
    cc__conn **subs;
    size_t nsubs, subs_cap;

    /* remote media backend: the switch connection owning each channel */
    cc__conn *switch_conn[CC_CHANNEL__COUNT];
    int wire_bound[CC_CHANNEL__COUNT];
    cc__wire_transport transport;
    /* During replay: which channels had a switch attached at that point of
     * the journal, so the wire backend answers offers as it did then. */
    int replay_attached[CC_CHANNEL__COUNT];
    /* offers to give back to the queues, deferred out of engine calls */
    cc__wire_offer *release;
    size_t nrelease, release_cap;

    msgpack_zone scratch_zone; /* replay */
    cc__wbuf scratch;          /* replay results, discarded */
};

/* The method table, sorted by name. */
extern const cc__rpc_method *cc__rpc_methods;
extern size_t cc__rpc_nmethods;
void cc__rpc_methods_init(void);

/* Journals a COMMAND record for a successful state-changing call. */
void cc__runtime_journal_call(cc_runtime *rt, const char *method, const msgpack_object *params);

/* Attaches channels (bit per cc_channel) to connection c (NULL: replay):
 * binds the wire backend to each channel not bound yet (a bind refused by
 * the engine leaves that channel unattached), attaches the bound ones, and
 * journals it so replays see the same bindings. Returns CC_OK, or the first
 * bind error (the other channels are attached all the same). */
cc_status cc__runtime_attach(cc_runtime *rt, cc__conn *c, unsigned mask);

/* Adds / removes a connection from the event subscribers. */
cc_status cc__runtime_subscribe(cc_runtime *rt, cc__conn *c, uint64_t mask);
void cc__runtime_unsubscribe(cc_runtime *rt, cc__conn *c);

/* Gives a switch's pending offers back (called outside engine calls). */
void cc__runtime_drain_releases(cc_runtime *rt);

#endif
