/*
 * lib/runtime/server.h - internal: the msgpack-RPC server over libuv streams.
 *
 * The server owns listeners (TCP, Unix) and connections; it frames, decodes,
 * authenticates and dispatches calls to a method table it is given, and
 * queues responses and notifications with per-connection limits. It knows
 * nothing of engines: the runtime supplies methods and hooks.
 *
 * Thread: everything runs on the loop thread.
 *
 * Output: each connection has one growable output buffer and at most one
 * uv_write in flight (the buffers ping-pong), so responses to pipelined
 * requests of one read go out in one write. Output is flushed by
 * cc__server_flush(), at the end of each read batch and of each completed
 * write that leaves output behind, unless the runtime's on_batch_end hook
 * holds it back (fsync=always: it flushes after the group commit at the end
 * of the loop iteration), and by the runtime after timer and posted work: no
 * response leaves before the records it acknowledges.
 *
 * Limits: a message larger than max_message_bytes gets an "rpc.error"
 * notification and the connection is closed after it is sent; bytes that are
 * not msgpack close the connection at once. When a connection's unsent output
 * exceeds max_pending_bytes the server stops reading its requests until the
 * client has read half of it (backpressure); if notifications alone push it
 * past twice the limit, the client is too slow and is disconnected (at the
 * next flush, never inside an engine call).
 */
#ifndef CC_RUNTIME_SERVER_H
#define CC_RUNTIME_SERVER_H

#include "callcore/runtime.h"
#include "wire_args.h"
#include "wire_codec.h"
#include "wire_frame.h"

#include <uv.h>

typedef struct cc__server cc__server;
typedef struct cc__listener cc__listener;
typedef struct cc__conn cc__conn;

/* One call being served. The handler packs exactly one result value into pk
 * on success; on failure it returns the status (detail via cc__fail) and
 * whatever it packed is discarded. */
typedef struct cc__rpc_call {
    cc__conn *conn;
    void *ctx;
    const char *method; /* NUL-terminated */
    const msgpack_object *params;
    cc__args args;
    msgpack_packer *pk;
} cc__rpc_call;

typedef cc_status (*cc__rpc_fn)(cc__rpc_call *call);

enum {
    CC__RPC_NOAUTH = 1u, /* callable before `auth` */
    CC__RPC_STATE = 2u   /* changes engine state: journaled as a COMMAND */
};

typedef struct cc__rpc_method {
    const char *name;
    cc__rpc_fn fn;
    unsigned flags;
} cc__rpc_method;

typedef struct cc__server_hooks {
    /* Sorted by name (strcmp order), looked up by binary search: O(log m). */
    const cc__rpc_method *methods;
    size_t nmethods;
    void *ctx;
    /* Runs a handler: the runtime wraps calls to journal them. May be NULL. */
    cc_status (*invoke)(const cc__rpc_method *m, cc__rpc_call *call);
    /* A connection is closing (release what it held). May be NULL. */
    void (*on_close)(cc__conn *c, void *ctx);
    /* Called once per read batch. Returns non-zero when output may be flushed
     * now; 0 when the runtime holds it back until its journal is synced (it
     * then calls commit_now, or cc__server_flush itself). May be NULL. */
    int (*on_batch_end)(void *ctx);
    /* Syncs what is held back and flushes, at once (cc__server_feed). May be NULL. */
    void (*commit_now)(void *ctx);
} cc__server_hooks;

/* The libuv handle of a listener or a connection: TCP or Unix pipe, read
 * through the stream/handle views that libuv's generic calls take. */
typedef union cc__uv_socket {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
    uv_stream_t stream;
    uv_handle_t handle;
} cc__uv_socket;

struct cc__conn {
    cc__uv_socket h;
    cc__server *server;
    cc__listener *listener; /* counts its live connections */
    cc__conn *prev, *next; /* all connections: O(1) unlink */
    cc__conn *dirty_next;  /* connections with unflushed output */
    uint64_t id;
    unsigned char *in; /* received bytes not yet consumed */
    size_t in_len, in_cap;
    /* How far the incomplete message at in[0] was walked. */
    cc__scan_state scan;
    cc__wbuf out;     /* packed, not yet handed to uv_write */
    cc__wbuf sending; /* owned by the write in flight */
    /* Bytes of responses in `out` and in `sending`: the slow-consumer limit
     * counts notifications only (a client asking for one large answer gets it). */
    size_t resp_out, resp_sending;
    uv_write_t wreq;
    msgpack_packer pk; /* writes into `out` */
    msgpack_zone zone; /* decoded objects of the current message */
    int zone_ok;
    int writing, paused, closing, dirty, close_after_flush, authed, auth_failures;
    int detached; /* no socket: cc__server_feed() (tests, fuzzing) */
    int doomed;   /* over its limit: closed at the next flush, never in
                     the middle of an engine call (output still packed
                     meanwhile, then dropped) */
    /* Owned by the runtime: */
    uint64_t event_mask; /* bit per cc_event_type subscribed; 0 = none */
    void *user;
};

cc_status cc__server_new(cc__server **out, uv_loop_t *loop, const cc__server_hooks *hooks);

/* Listens on "tcp://HOST:PORT" or "unix:PATH" (options borrowed only during
 * the call). `bound` receives the actual address (port 0 picks a free one). */
cc_status cc__server_listen(cc__server *s, const char *address, const cc_server_options *opts,
                            char *bound, size_t bound_len);

/* Closes listeners and connections; `done` runs once every handle is closed.
 * The server frees itself then. */
void cc__server_close(cc__server *s, void (*done)(void *ud), void *ud);

/* Writes everything queued on dirty connections. */
void cc__server_flush(cc__server *s);

/* Iteration over live connections (for notifications): NULL-terminated. */
cc__conn *cc__server_first(cc__server *s);

/* Packer for a notification to c; after packing exactly one message, call
 * cc__conn_commit(), which enforces the slow-consumer limit. NULL if the
 * connection is closing. */
msgpack_packer *cc__conn_packer(cc__conn *c);
void cc__conn_commit(cc__conn *c);

/* Closes a connection (the on_close hook runs first). */
void cc__conn_close(cc__conn *c, const char *why);

/*
 * Serves `data` as if one client had sent it on a fresh connection with
 * `opts` (NULL = defaults), then closes that connection: every frame is
 * scanned, decoded, authenticated and dispatched exactly as from a socket.
 * The responses are appended to `responses` when it is non-NULL, else
 * dropped. Used by the fuzzer and by tests of the dispatcher. Returns CC_OK,
 * or CC_ENOMEM.
 */
cc_status cc__server_feed(cc__server *s, const void *data, size_t len,
                          const cc_server_options *opts, cc__wbuf *responses);

/* Counters, for tests and `serve` statistics. */
typedef struct cc__server_stats {
    uint64_t accepted, closed, requests, errors, bytes_in, bytes_out;
    size_t live;
} cc__server_stats;
void cc__server_stats_get(const cc__server *s, cc__server_stats *out);

#endif
