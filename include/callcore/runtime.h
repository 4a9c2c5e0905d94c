/*
 * callcore/runtime.h - the engine on a libuv loop, the wire server, the journal.
 *
 * The runtime is a thin shell around the pure engine (DESIGN.md): it creates
 * an engine, attaches it to the caller's libuv loop (it never runs, stops or
 * closes that loop), turns the engine's next deadline into a libuv timer,
 * serves the engine over msgpack-RPC (docs/protocol.md) on TCP and Unix
 * sockets, and appends every engine input and event to a crash-safe journal
 * from which it recovers at start (docs/runtime.md).
 *
 * Threads: a runtime and its engine are loop-affine: every function here must
 * be called on the thread that runs the loop, except cc_runtime_post() and
 * cc_engine_post(), which any thread may call (they wake the loop with
 * uv_async_send). The engine borrowed from cc_runtime_engine() may be used
 * directly on the loop thread; state changes made that way are not journaled
 * (use the wire methods, or a posted function that calls the engine and then
 * cc_runtime_journal_command(), when they must survive a crash).
 *
 * No libuv or msgpack type appears here: the loop is passed as
 * `struct uv_loop_s *` (uv_loop_t).
 *
 * Signals: libuv writes to sockets with write(2), so a client that closes its
 * end while a response is on the way raises SIGPIPE, whose default action
 * ends the process. A program that serves (cc_runtime_listen) must ignore
 * SIGPIPE (signal(SIGPIPE, SIG_IGN), as `callcore serve` does); the write then
 * fails with EPIPE and only that connection is closed. The library does not
 * change the process's signal dispositions itself.
 */
#ifndef CALLCORE_RUNTIME_H
#define CALLCORE_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "callcore/engine.h"
#include "callcore/event.h"
#include "callcore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct uv_loop_s;
typedef struct cc_runtime cc_runtime; /* opaque */

/* When journal records reach the disk. */
typedef enum cc_fsync_policy {
    CC_FSYNC_ALWAYS = 0, /* fsync before any response or notification that
                            depends on the records is sent (group commit: one
                            fsync per loop iteration that wrote records) */
    CC_FSYNC_BATCH = 1,  /* records written at once, fsync every interval */
    CC_FSYNC_OFF = 2     /* records written at once, never fsync'd (survives a
                            process crash, not a power loss) */
} cc_fsync_policy;

/* "always", "batch", "off", or "unknown". Static storage. */
const char *cc_fsync_policy_name(int policy);
/* Parses a policy name; CC_EINVAL with detail for an unknown one. */
cc_status cc_fsync_policy_from_name(const char *name, cc_fsync_policy *out);

typedef struct cc_runtime_options {
    uint32_t version;        /* CC_RUNTIME_OPTIONS_VERSION */
    const char *journal_dir; /* NULL: no journal; created if missing; copied */
    cc_fsync_policy fsync;
    int64_t fsync_interval_ms;    /* CC_FSYNC_BATCH period; 0 = 50 */
    int64_t snapshot_interval_ms; /* snapshot period; 0 = 60000; < 0 = never */
    uint64_t snapshot_records;    /* also snapshot after this many records; 0 = 1000000 */
    cc_event_fn event_fn;         /* also receives every engine event (on the
                                     loop thread, not during recovery); may be NULL */
    void *event_user_data;
    /* Called on the loop thread when the journal fails (message borrowed for
     * the call); may be NULL. A failed snapshot is retried at the next
     * period, or once snapshot_records more records came. A failed write or
     * fsync of records is fail-stop: the responses that records acknowledged
     * are never sent (their connections are closed), every later state-changing call fails with CC_EIO, and the
     * engine's timers and give-backs stop (the state stays what the journal
     * holds, readable, until the process is restarted). */
    void (*error_fn)(const char *message, void *user_data);
    void *error_user_data;
} cc_runtime_options;

#define CC_RUNTIME_OPTIONS_VERSION 1u
#define CC_RUNTIME_OPTIONS_INIT                                                                    \
    {                                                                                              \
        CC_RUNTIME_OPTIONS_VERSION, NULL, CC_FSYNC_ALWAYS, 0, 0, 0u, NULL, NULL, NULL, NULL        \
    }

/* What a recovery found (cc_runtime_recovery()). */
typedef struct cc_recovery_stats {
    uint32_t version;         /* set by the caller: CC_RECOVERY_STATS_INIT */
    int snapshot_loaded;      /* 1 if a snapshot was restored */
    uint64_t snapshot_record; /* record number of that snapshot */
    uint64_t commands_replayed;
    uint64_t advances_replayed;
    uint64_t segments;        /* journal segments read */
    uint64_t torn_bytes;      /* bytes cut off the end of the last segment */
    uint64_t offers_released; /* offers pending at the crash, given back */
} cc_recovery_stats;

#define CC_RECOVERY_STATS_VERSION 1u
#define CC_RECOVERY_STATS_INIT                                                                     \
    {                                                                                              \
        CC_RECOVERY_STATS_VERSION, 0, 0u, 0u, 0u, 0u, 0u, 0u                                       \
    }

/*
 * Creates an engine with `engine_options` (borrowed for the call; its event_fn
 * is called too, after the runtime's own sink) and attaches it to `loop`
 * (borrowed: it must outlive the runtime). With a journal directory, the
 * engine is first recovered from it: latest snapshot, then replay of the
 * inputs journaled after it (a torn end of the newest segment is ignored and
 * cut off); offers pending at the crash are given back to their queues.
 * *out owns the runtime until cc_runtime_close() completes.
 * Returns CC_OK, CC_EINVAL (NULL out/loop, bad policy or interval),
 * CC_EVERSION, CC_EIO (journal directory or file errors, with the path),
 * CC_EPARSE (damage anywhere in the journal but a torn end of the newest
 * segment, with the file and offset; nothing is cut: docs/runtime.md
 * "Recovery"), CC_ESTATE (the journal was written with other decision
 * options in engine_options, e.g. another seed: the detail names them; the
 * journal is never replayed under options it was not written with),
 * CC_ENOMEM, or what cc_engine_new() returned.
 */
cc_status cc_runtime_new(cc_runtime **out, struct uv_loop_s *loop,
                         const cc_engine_options *engine_options,
                         const cc_runtime_options *options);

/* The runtime's engine: borrowed, valid until cc_runtime_close() is called. */
cc_engine *cc_runtime_engine(cc_runtime *self);

/* Fills *out (out->version must be set) with what the last recovery found.
 * Returns CC_OK, CC_EINVAL, CC_EVERSION. */
cc_status cc_runtime_recovery(const cc_runtime *self, cc_recovery_stats *out);

/*
 * Asynchronous close: stops the server (connections closed), fires nothing
 * more, writes a final snapshot and syncs the journal, frees the engine, and
 * calls `done(user_data)` from the loop once every libuv handle the runtime
 * opened is closed; the runtime is freed just before `done` runs. Functions
 * posted before the close still run first. `done` may be NULL. After this
 * call, self must not be used on the loop thread; other threads' posts are
 * refused with CC_ECLOSED until `done` runs, but then self is freed: a thread
 * that may post around a close should post with cc_engine_post(), which only
 * looks the engine up (CC_ENOTFOUND once the close began). Loop thread; may be called from a posted function (the ones
 * posted after it still run first) but not from inside the event sink (the
 * engine is running then). Returns CC_OK, CC_EINVAL (NULL), CC_ECLOSED
 * (already closing).
 */
cc_status cc_runtime_close(cc_runtime *self, void (*done)(void *user_data), void *user_data);

/* Work for the loop thread: fn(engine, user_data). */
typedef void (*cc_post_fn)(cc_engine *engine, void *user_data);

/*
 * Queues fn(engine, user_data) to run on the loop thread (FIFO), from any
 * thread; the loop is woken with uv_async_send. `user_data` is passed through
 * (ownership stays with the caller). Returns CC_OK, CC_EINVAL (NULL fn),
 * CC_ECLOSED (the runtime is closing), CC_ENOMEM.
 */
cc_status cc_runtime_post(cc_runtime *self, cc_post_fn fn, void *user_data);

/*
 * Same, addressed by engine: the engine must belong to a runtime
 * (cc_runtime_engine()); CC_ENOTFOUND otherwise or once that runtime has
 * started closing. Any thread.
 */
cc_status cc_engine_post(cc_engine *engine, cc_post_fn fn, void *user_data);

/*
 * Journals a state change made directly on the engine, as the wire call
 * `method` with `params_msgpack` (a msgpack array, borrowed, e.g. the bytes of
 * [{"contact_id": 7}]) so recovery replays it. `method` must be a wire method
 * that changes state (docs/protocol.md), the only kind recovery replays.
 * Loop thread. Returns CC_OK (also without a journal), CC_EINVAL (another
 * method, also without a journal; params too long for one journal record,
 * 16 MiB), CC_EIO (the journal failed), CC_ENOMEM.
 */
cc_status cc_runtime_journal_command(cc_runtime *self, const char *method,
                                     const void *params_msgpack, size_t len);

/* ---- wire server ---------------------------------------------------------- */

typedef struct cc_server_options {
    uint32_t version;         /* CC_SERVER_OPTIONS_VERSION */
    const char *token;        /* NULL: no authentication; else clients call
                                 `auth` first (copied) */
    size_t max_message_bytes; /* largest request; 0 = 1 MiB */
    size_t max_pending_bytes; /* unsent output per connection before its
                                 requests stop being read; 0 = 4 MiB */
    uint32_t max_connections; /* open at once on this address; more are
                                 closed at once; 0 = 1024 */
    int allow_remote;         /* 0: TCP addresses must be loopback */
} cc_server_options;

#define CC_SERVER_OPTIONS_VERSION 1u
#define CC_SERVER_OPTIONS_INIT                                                                     \
    {                                                                                              \
        CC_SERVER_OPTIONS_VERSION, NULL, 0, 0, 0u, 0                                               \
    }

/*
 * Serves the engine on `address`: "tcp://HOST:PORT" (IPv4, [IPv6], localhost;
 * port 0 picks a free port) or "unix:PATH" (a stale socket file is replaced;
 * mode 0600). May be called several times. `options` is borrowed for the
 * call (NULL = defaults). `bound` (may be NULL) receives the address actually
 * bound, e.g. "tcp://127.0.0.1:40123". Returns CC_OK, CC_EINVAL (bad address,
 * non-loopback without allow_remote, empty token, or, when the runtime
 * journals, a max_message_bytes over what one journal record holds: 16 MiB
 * less 64 bytes), CC_EVERSION, CC_EIO (bind
 * or listen failed, with the reason), CC_EFULL (8 listeners), CC_ECLOSED,
 * CC_ENOMEM.
 */
cc_status cc_runtime_listen(cc_runtime *self, const char *address, const cc_server_options *options,
                            char *bound, size_t bound_len);

#ifdef __cplusplus
}
#endif
#endif
