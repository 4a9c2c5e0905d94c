/*
 * lib/runtime/server.c - msgpack-RPC over libuv streams (see server.h).
 */
#include "server.h"

#include "base/error.h"
#include "base/mem.h"
#include "base/span.h"
#include "wire_frame.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CC__READ_CHUNK (64u * 1024u)
#define CC__MAX_AUTH_FAILURES 3
#define CC__MAX_LISTENERS 8

struct cc__listener {
    cc__uv_socket h;
    cc__server *server;
    int is_unix;
    char path[256]; /* unix socket path, removed at close */
    char *token;    /* owned; NULL = no authentication */
    size_t token_len;
    size_t max_message;
    size_t max_pending;
    uint32_t max_connections;
    uint32_t live; /* its connections open now, held to max_connections */
    /* A connection taken only to be closed when there is no memory to serve it
     * (cc__listener_refuse); the listener is freed once both handles closed. */
    cc__uv_socket refused;
    int refusing, stalled, closed;
};

struct cc__server {
    uv_loop_t *loop;
    cc__server_hooks hooks;
    cc__listener *listeners[CC__MAX_LISTENERS];
    int nlisteners;
    cc__conn *conns; /* doubly linked list of live connections */
    cc__conn *dirty; /* singly linked list of connections to flush */
    uint64_t next_id;
    int closing;
    int open_handles; /* listeners + connections not yet closed */
    void (*done)(void *);
    void *done_ud;
    cc__server_stats stats;
    /* The response being packed: kept apart from the connection's output,
     * where notifications caused by the call (events, media commands) land
     * meanwhile; appended after the call. */
    cc__wbuf scratch;
    msgpack_packer scratch_pk;
};

/* ---- lifecycle ----------------------------------------------------------- */

cc_status cc__server_new(cc__server **out, uv_loop_t *loop, const cc__server_hooks *hooks)
{
    *out = NULL;
    cc__server *s = cc__calloc(1, sizeof *s);
    if (!s) return cc__fail(CC_ENOMEM, "server: out of memory");
    s->loop = loop;
    s->hooks = *hooks;
    msgpack_packer_init(&s->scratch_pk, &s->scratch, cc__wbuf_write);
    s->next_id = 1;
    *out = s;
    return CC_OK;
}

static void cc__server_maybe_done(cc__server *s)
{
    if (!s->closing || s->open_handles > 0) return;
    void (*done)(void *) = s->done;
    void *ud = s->done_ud;
    cc__wbuf_free(&s->scratch);
    cc__free(s);
    if (done) done(ud);
}

static void cc__listener_free(cc__listener *l)
{
    cc__server *s = l->server;
    if (l->is_unix && l->path[0]) unlink(l->path);
    cc__free(l->token);
    cc__free(l);
    s->open_handles--;
    cc__server_maybe_done(s);
}

static void cc__listener_closed(uv_handle_t *h)
{
    cc__listener *l = h->data;
    l->closed = 1;
    if (!l->refusing) cc__listener_free(l); /* else when the refused connection is closed */
}

void cc__server_close(cc__server *s, void (*done)(void *ud), void *ud)
{
    s->closing = 1;
    s->done = done;
    s->done_ud = ud;
    for (int i = 0; i < s->nlisteners; i++)
        uv_close(&s->listeners[i]->h.handle, cc__listener_closed);
    s->nlisteners = 0;
    while (s->conns)
        cc__conn_close(s->conns, "server closing");
    cc__server_maybe_done(s);
}

void cc__server_stats_get(const cc__server *s, cc__server_stats *out)
{
    *out = s->stats;
}

cc__conn *cc__server_first(cc__server *s)
{
    return s->conns;
}

/* ---- connections ---------------------------------------------------------- */

static void cc__conn_closed(uv_handle_t *h)
{
    cc__conn *c = h->data;
    cc__server *s = c->server;
    cc__free(c->in);
    cc__wbuf_free(&c->out);
    cc__wbuf_free(&c->sending);
    if (c->zone_ok) msgpack_zone_destroy(&c->zone);
    cc__free(c);
    s->open_handles--;
    cc__server_maybe_done(s);
}

void cc__conn_close(cc__conn *c, const char *why)
{
    if (c->closing) return;
    cc__server *s = c->server;
    c->closing = 1;
    (void)why;
    if (s->hooks.on_close) s->hooks.on_close(c, s->hooks.ctx);
    if (c->detached) return; /* cc__server_feed frees it */
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    c->prev = c->next = NULL;
    s->stats.closed++;
    s->stats.live--;
    c->listener->live--;
    uv_close(&c->h.handle, cc__conn_closed);
}

static size_t cc__pending(const cc__conn *c)
{
    if (c->detached) return c->out.len; /* `sending` collects, it is not in flight */
    return c->out.len + c->sending.len;
}

/* The part of the pending output that is notifications (events, media commands,
 * rpc.error): what a subscriber that does not read lets pile up. Responses are
 * bounded otherwise (reading pauses at max_pending) and never make a slow consumer. */
static size_t cc__pending_notifications(const cc__conn *c)
{
    size_t resp = c->resp_out + (c->detached ? 0 : c->resp_sending);
    size_t all = cc__pending(c);
    return all > resp ? all - resp : 0;
}

static void cc__mark_dirty(cc__conn *c)
{
    if (c->dirty) return;
    c->dirty = 1;
    c->dirty_next = c->server->dirty;
    c->server->dirty = c;
}

msgpack_packer *cc__conn_packer(cc__conn *c)
{
    return c->closing ? NULL : &c->pk;
}

void cc__conn_commit(cc__conn *c)
{
    if (c->closing) return;
    /* Out of memory or a slow consumer: the close waits for the next flush,
     * so that what the connection stood for (a switch's channels) changes
     * between engine calls, as the journal records it. */
    if (c->out.failed || cc__pending_notifications(c) > 2 * c->listener->max_pending) {
        c->doomed = 1;
        c->out.len = 0;
        c->resp_out = 0;
        c->out.failed = 0;
    }
    cc__mark_dirty(c);
}

static void cc__conn_process(cc__conn *c);
static void cc__conn_flush(cc__conn *c);
static void cc__conn_resume(cc__conn *c);
static cc_status cc__listener_setup(cc__listener *l, const cc_server_options *o);

/* End of a unit of work: the runtime commits its journal, then output goes. */
static void cc__server_end_batch(cc__server *s)
{
    if (!s->hooks.on_batch_end || s->hooks.on_batch_end(s->hooks.ctx)) cc__server_flush(s);
}

static void cc__on_write(uv_write_t *req, int status)
{
    cc__conn *c = req->data;
    c->writing = 0;
    c->server->stats.bytes_out += c->sending.len;
    c->sending.len = 0;
    c->resp_sending = 0;
    if (c->closing) return;
    if (status < 0) {
        cc__conn_close(c, uv_strerror(status));
        return;
    }
    if (c->close_after_flush && c->out.len == 0) {
        cc__conn_close(c, "closed after error");
        return;
    }
    /* Output packed while this write was in flight met `writing` at its
     * flush and was dropped from the flush list: put it back, or a resumed
     * connection's responses would wait for a next request that may never
     * come. */
    if (c->out.len > 0) cc__mark_dirty(c);
    if (c->paused && cc__pending(c) <= c->listener->max_pending / 2) {
        cc__conn_resume(c);
        return;
    }
    /* Never flushed from here directly: that output may answer requests read
     * in this same loop iteration, whose records are not synced yet. The
     * batch end lets the runtime hold it until the group commit. */
    if (c->dirty) cc__server_end_batch(c->server);
}

static void cc__conn_flush(cc__conn *c)
{
    if (c->detached) {
        if (c->detached == 2 && !c->out.failed)
            cc__wbuf_append(&c->sending, c->out.data, c->out.len);
        c->out.len = 0;
        c->resp_out = 0;
        return;
    }
    if (c->closing || c->writing || c->out.len == 0) return;
    /* Ping-pong: the filled buffer goes to the write, the empty one takes
     * its place, so neither is copied nor reallocated in steady state. */
    cc__wbuf t = c->sending;
    c->sending = c->out;
    c->out = t;
    c->out.len = 0;
    c->resp_sending = c->resp_out;
    c->resp_out = 0;
    uv_buf_t b = uv_buf_init(c->sending.data, (unsigned)c->sending.len);
    c->wreq.data = c;
    int rc = uv_write(&c->wreq, &c->h.stream, &b, 1, cc__on_write);
    if (rc < 0) {
        c->sending.len = 0;
        cc__conn_close(c, uv_strerror(rc));
        return;
    }
    c->writing = 1;
}

void cc__server_flush(cc__server *s)
{
    while (s->dirty) {
        cc__conn *c = s->dirty;
        s->dirty = c->dirty_next;
        c->dirty_next = NULL;
        c->dirty = 0;
        if (c->doomed)
            cc__conn_close(c, "slow consumer or out of memory");
        else
            cc__conn_flush(c);
    }
}

/* ---- requests ---------------------------------------------------------------- */

static const cc__rpc_method *cc__find_method(const cc__server *s, const char *name, size_t len)
{
    size_t lo = 0, hi = s->hooks.nmethods;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        /* a span compare: the wire name may hold any byte, NUL included */
        int cmp = cc__span_cmp((cc__span){name, len}, s->hooks.methods[mid].name);
        if (cmp == 0) return &s->hooks.methods[mid];
        if (cmp > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Constant-time comparison, so the token cannot be guessed byte by byte. */
static int cc__token_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    unsigned diff = (unsigned)(alen ^ blen);
    for (size_t i = 0; i < blen; i++)
        diff |= (unsigned char)(b[i] ^ (i < alen ? a[i] : 0));
    return diff == 0;
}

static cc_status cc__auth(cc__rpc_call *call)
{
    cc__conn *c = call->conn;
    static const char *const known[] = {"token", NULL};
    cc_status st = cc__args_only(&call->args, known);
    if (st) return st;
    const msgpack_object *t = cc__args_get(&call->args, "token");
    if (!t || t->type != MSGPACK_OBJECT_STR)
        return cc__fail(CC_EINVAL, "auth: 'token' must be a string");
    if (!c->listener->token) {
        c->authed = 1;
        msgpack_pack_true(call->pk);
        return CC_OK;
    }
    if (!cc__token_equal(t->via.str.ptr, t->via.str.size, c->listener->token,
                         c->listener->token_len)) {
        if (++c->auth_failures >= CC__MAX_AUTH_FAILURES) c->close_after_flush = 1;
        return cc__fail(CC_EAUTH, "auth: wrong token");
    }
    c->authed = 1;
    msgpack_pack_true(call->pk);
    return CC_OK;
}

/* Sends [2, "rpc.error", [{code, name, message}]] for a message that cannot
 * be answered with a response (no msgid, or a notification that failed). */
static void cc__notify_error(cc__conn *c, cc_status st, const char *msg)
{
    cc__pack_notify_head(&c->pk, "rpc.error");
    cc__pack_error(&c->pk, st, msg);
    cc__conn_commit(c);
}

static void cc__handle_call(cc__conn *c, const cc__rpc_msg *m)
{
    cc__server *s = c->server;
    char name[96];
    size_t nlen = m->method_len < sizeof name - 1 ? m->method_len : sizeof name - 1;
    if (nlen) memcpy(name, m->method, nlen);
    name[nlen] = '\0';
    for (size_t i = 0; i < nlen; i++)
        if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] >= 0x7f) name[i] = '?';

    cc__wbuf *rb = &s->scratch;
    rb->len = 0;
    rb->failed = 0;
    int is_request = m->type == CC__RPC_REQUEST;
    if (is_request) cc__pack_response_head(&s->scratch_pk, m->msgid);
    cc__rpc_call call = {
        .conn = c, .ctx = s->hooks.ctx, .method = name, .params = m->params, .pk = &s->scratch_pk};
    cc_status st;
    const cc__rpc_method *meth = NULL;
    int is_auth = m->method_len == 4 && memcmp(m->method, "auth", 4) == 0;
    if (!is_auth) meth = cc__find_method(s, m->method, m->method_len);
    if (!is_auth && !meth) {
        st = cc__fail(CC_ENOTFOUND, "unknown method '%s'", name);
    } else if ((st = cc__args_bind(&call.args, name, m->params, &c->zone)) != CC_OK) {
        /* detail set */
    } else if (is_auth) {
        st = cc__auth(&call);
    } else if (c->listener->token && !c->authed && !(meth->flags & CC__RPC_NOAUTH)) {
        st = cc__fail(CC_EAUTH, "%s: call 'auth' with the server token first", name);
    } else {
        st = s->hooks.invoke ? s->hooks.invoke(meth, &call) : meth->fn(&call);
    }
    if (st == CC_OK && rb->failed) st = cc__fail(CC_ENOMEM, "%s: out of memory", name);
    if (st != CC_OK) s->stats.errors++;
    if (c->closing) return;
    if (!is_request) {
        if (st != CC_OK) cc__notify_error(c, st, cc_error_last());
        return;
    }
    if (st != CC_OK) {
        rb->len = 0;
        rb->failed = 0;
        cc__pack_error_response(&s->scratch_pk, m->msgid, st, cc_error_last());
    }
    cc__wbuf_append(&c->out, rb->data, rb->len);
    c->resp_out += rb->len;
    cc__conn_commit(c);
}

static void cc__handle_frame(cc__conn *c, const unsigned char *data, size_t len)
{
    c->server->stats.requests++;
    msgpack_zone_clear(&c->zone);
    msgpack_object root;
    size_t off = 0;
    msgpack_unpack_return ur = msgpack_unpack((const char *)data, len, &off, &c->zone, &root);
    if (ur == MSGPACK_UNPACK_NOMEM_ERROR) {
        cc__conn_close(c, "out of memory");
        return;
    }
    if (ur != MSGPACK_UNPACK_SUCCESS || off != len) {
        cc__notify_error(c, CC_EPARSE, "message is not valid msgpack");
        c->close_after_flush = 1;
        return;
    }
    cc__rpc_msg m;
    if (cc__rpc_decode(&root, &m) != CC_OK) {
        c->server->stats.errors++;
        if (m.has_msgid && m.type == CC__RPC_REQUEST) {
            cc__pack_error_response(&c->pk, m.msgid, CC_EPARSE, cc_error_last());
            cc__conn_commit(c);
        } else {
            cc__notify_error(c, CC_EPARSE, cc_error_last());
        }
        return;
    }
    if (m.type == CC__RPC_RESPONSE) {
        /* The server sends no requests, so a response answers nothing. */
        cc__notify_error(c, CC_EPARSE, "unexpected response: the server sends no requests");
        return;
    }
    cc__handle_call(c, &m);
}

/* Serves every complete message buffered, until backpressure or close. */
static void cc__conn_process(cc__conn *c)
{
    size_t off = 0;
    size_t max_msg = c->listener->max_message;
    while (!c->closing && !c->paused && !c->close_after_flush) {
        size_t flen = 0;
        /* Resumed where the last read left the incomplete message: a message
         * trickling in is walked once, not once per read. */
        cc__scan_result r =
            cc__wire_scan_resume(&c->scan, c->in + off, c->in_len - off, max_msg, &flen);
        if (r == CC__SCAN_MORE) break;
        if (r == CC__SCAN_BAD) {
            cc__conn_close(c, "undecodable bytes");
            return;
        }
        if (r == CC__SCAN_TOO_BIG) {
            char msg[96];
            snprintf(msg, sizeof msg, "message larger than the limit of %zu bytes", max_msg);
            cc__notify_error(c, CC_ERANGE, msg);
            c->close_after_flush = 1;
            break;
        }
        cc__handle_frame(c, c->in + off, flen);
        off += flen;
        if (!c->closing && cc__pending(c) > c->listener->max_pending) {
            c->paused = 1;
            if (!c->detached) uv_read_stop(&c->h.stream);
        }
    }
    if (c->closing) return;
    if (off > 0) {
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
    if (c->close_after_flush && !c->detached) {
        uv_read_stop(&c->h.stream);
        cc__mark_dirty(c);
        if (!c->writing && c->out.len == 0) cc__conn_close(c, "closed after error");
    }
}

static void cc__on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    cc__conn *c = h->data;
    size_t need = c->in_len + CC__READ_CHUNK;
    if (cc__grow((void **)&c->in, &c->in_cap, need, 1) != 0) {
        *buf = uv_buf_init(NULL, 0); /* libuv reports UV_ENOBUFS */
        return;
    }
    *buf = uv_buf_init((char *)c->in + c->in_len, (unsigned)(c->in_cap - c->in_len));
}

static void cc__on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    cc__conn *c = stream->data;
    if (n == 0) return;
    if (n < 0) {
        cc__conn_close(c, n == UV_EOF ? "peer closed" : uv_strerror((int)n));
        cc__server_end_batch(c->server);
        return;
    }
    c->in_len += (size_t)n;
    c->server->stats.bytes_in += (uint64_t)n;
    cc__conn_process(c);
    cc__server_end_batch(c->server);
}

static void cc__conn_resume(cc__conn *c)
{
    c->paused = 0;
    cc__conn_process(c);
    if (!c->closing && !c->paused && !c->close_after_flush) {
        int rc = uv_read_start(&c->h.stream, cc__on_alloc, cc__on_read);
        if (rc < 0) cc__conn_close(c, uv_strerror(rc));
    }
    cc__server_end_batch(c->server);
}

static void cc__on_connection(uv_stream_t *ls, int status);

static void cc__refused_closed(uv_handle_t *h)
{
    cc__listener *l = h->data;
    l->refusing = 0;
    if (l->closed) {
        cc__listener_free(l);
    } else if (l->stalled) {
        l->stalled = 0;
        cc__on_connection(&l->h.stream, 0); /* the one that came meanwhile */
    }
}

/* No memory to serve a new connection. libuv keeps the accepted socket until
 * uv_accept takes it and stops watching the listener meanwhile: a connection
 * left there would stop the listener for good. It is taken into the handle
 * kept for this and closed (the client sees a closed connection and may
 * retry); one arriving while that closes is taken when the close is done. */
static void cc__listener_refuse(cc__listener *l)
{
    if (l->refusing) {
        l->stalled = 1;
        return;
    }
    uv_loop_t *loop = l->server->loop;
    /* neither init can fail for these arguments (no socket is made) */
    int rc = l->is_unix ? uv_pipe_init(loop, &l->refused.pipe, 0) : uv_tcp_init(loop, &l->refused.tcp);
    if (rc < 0) return;
    l->refused.handle.data = l;
    l->refusing = 1;
    (void)uv_accept(&l->h.stream, &l->refused.stream);
    uv_close(&l->refused.handle, cc__refused_closed);
}

static void cc__on_connection(uv_stream_t *ls, int status)
{
    cc__listener *l = ls->data;
    cc__server *s = l->server;
    if (status < 0 || s->closing) return;
    cc__conn *c = cc__calloc(1, sizeof *c);
    if (!c) {
        cc__listener_refuse(l);
        return;
    }
    int rc = l->is_unix ? uv_pipe_init(s->loop, &c->h.pipe, 0) : uv_tcp_init(s->loop, &c->h.tcp);
    if (rc < 0) {
        cc__free(c);
        cc__listener_refuse(l);
        return;
    }
    c->h.handle.data = c;
    c->server = s;
    c->listener = l;
    s->open_handles++;
    if (uv_accept(ls, &c->h.stream) < 0 || !msgpack_zone_init(&c->zone, 4096)) {
        uv_close(&c->h.handle, cc__conn_closed);
        return;
    }
    c->zone_ok = 1;
    if (l->live >= l->max_connections) {
        uv_close(&c->h.handle, cc__conn_closed); /* over the limit: refuse */
        return;
    }
    if (!l->is_unix) uv_tcp_nodelay(&c->h.tcp, 1);
    msgpack_packer_init(&c->pk, &c->out, cc__wbuf_write);
    c->id = s->next_id++;
    c->authed = l->token == NULL;
    c->next = s->conns;
    if (s->conns) s->conns->prev = c;
    s->conns = c;
    s->stats.accepted++;
    s->stats.live++;
    l->live++;
    rc = uv_read_start(&c->h.stream, cc__on_alloc, cc__on_read);
    if (rc < 0) cc__conn_close(c, uv_strerror(rc));
}

cc_status cc__server_feed(cc__server *s, const void *data, size_t len,
                          const cc_server_options *opts, cc__wbuf *responses)
{
    cc__listener l;
    memset(&l, 0, sizeof l);
    l.server = s;
    cc_status st = cc__listener_setup(&l, opts);
    if (st) return st;
    cc__conn *c = cc__calloc(1, sizeof *c);
    if (!c || !msgpack_zone_init(&c->zone, 4096)) {
        cc__free(c);
        cc__free(l.token);
        return cc__fail(CC_ENOMEM, "feed: out of memory");
    }
    c->zone_ok = 1;
    c->detached = responses ? 2 : 1;
    c->server = s;
    c->listener = &l;
    c->authed = l.token == NULL;
    c->id = s->next_id++;
    msgpack_packer_init(&c->pk, &c->out, cc__wbuf_write);
    /* Responses collect in `sending` (a detached connection never writes). */
    if (responses) c->sending = *responses;
    if (cc__grow((void **)&c->in, &c->in_cap, len ? len : 1, 1) != 0) {
        st = cc__fail(CC_ENOMEM, "feed: out of memory");
    } else {
        if (len) memcpy(c->in, data, len);
        c->in_len = len;
        /* Paused by backpressure means "write first": a detached connection
         * has written everything at once, so it simply goes on. */
        do {
            c->paused = 0;
            cc__conn_process(c);
            cc__server_end_batch(s);
            if (s->hooks.commit_now) s->hooks.commit_now(s->hooks.ctx);
            cc__conn_flush(c);
        } while (c->paused && !c->closing);
    }
    if (!c->closing) cc__conn_close(c, "fed");
    /* Never leave the freed connection on the flush list. */
    for (cc__conn **p = &s->dirty; *p; p = &(*p)->dirty_next)
        if (*p == c) {
            *p = c->dirty_next;
            break;
        }
    if (responses)
        *responses = c->sending;
    else
        cc__wbuf_free(&c->sending);
    cc__free(c->in);
    cc__wbuf_free(&c->out);
    msgpack_zone_destroy(&c->zone);
    cc__free(c);
    cc__free(l.token);
    return st;
}

/* ---- listening ------------------------------------------------------------ */

static int cc__is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        static const unsigned char lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        return memcmp(&in6->sin6_addr, lo, 16) == 0;
    }
    return 0;
}

/* Parses "HOST:PORT" ("[v6]:PORT"; "localhost" and an empty host mean
 * 127.0.0.1) into addr. */
static cc_status cc__parse_tcp(const char *spec, struct sockaddr_storage *addr)
{
    char host[128];
    const char *colon;
    const char *h = spec;
    size_t hlen;
    if (*spec == '[') {
        const char *end = strchr(spec, ']');
        if (!end || end[1] != ':')
            return cc__fail(CC_EINVAL, "listen: bad address 'tcp://%s' (want [v6]:PORT)", spec);
        h = spec + 1;
        hlen = (size_t)(end - h);
        colon = end + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon) return cc__fail(CC_EINVAL, "listen: 'tcp://%s' has no port", spec);
        hlen = (size_t)(colon - spec);
    }
    if (hlen >= sizeof host) return cc__fail(CC_EINVAL, "listen: host name too long");
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    if (hlen == 0 || strcmp(host, "localhost") == 0) strcpy(host, "127.0.0.1");
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535)
        return cc__fail(CC_EINVAL, "listen: bad port '%s' (want 0..65535)", colon + 1);
    memset(addr, 0, sizeof *addr);
    if (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)addr) == 0) return CC_OK;
    if (uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)addr) == 0) return CC_OK;
    return cc__fail(CC_EINVAL, "listen: '%s' is not an IPv4 or IPv6 address", host);
}

static cc_status cc__listener_setup(cc__listener *l, const cc_server_options *o)
{
    l->max_message = o && o->max_message_bytes ? o->max_message_bytes : (1u << 20);
    l->max_pending = o && o->max_pending_bytes ? o->max_pending_bytes : (4u << 20);
    l->max_connections = o && o->max_connections ? o->max_connections : 1024;
    if (o && o->token) {
        l->token_len = strlen(o->token);
        if (l->token_len == 0) return cc__fail(CC_EINVAL, "listen: the token must not be empty");
        l->token = cc__strdup(o->token);
        if (!l->token) return cc__fail(CC_ENOMEM, "listen: out of memory");
    }
    return CC_OK;
}

cc_status cc__server_listen(cc__server *s, const char *address, const cc_server_options *o,
                            char *bound, size_t bound_len)
{
    if (!address) return cc__fail(CC_EINVAL, "listen: address is NULL");
    if (o && o->version != 1)
        return cc__fail(CC_EVERSION, "listen: cc_server_options version %u unknown", o->version);
    if (s->closing) return cc__fail(CC_ECLOSED, "listen: server is closing");
    if (s->nlisteners == CC__MAX_LISTENERS)
        return cc__fail(CC_EFULL, "listen: at most %d listeners", CC__MAX_LISTENERS);
    int is_unix;
    const char *rest;
    if (strncmp(address, "tcp://", 6) == 0) {
        is_unix = 0;
        rest = address + 6;
    } else if (strncmp(address, "unix://", 7) == 0) {
        is_unix = 1;
        rest = address + 7;
    } else if (strncmp(address, "unix:", 5) == 0) {
        is_unix = 1;
        rest = address + 5;
    } else {
        return cc__fail(CC_EINVAL, "listen: '%s': want tcp://HOST:PORT or unix:PATH", address);
    }
    struct sockaddr_storage addr;
    if (!is_unix) {
        cc_status st = cc__parse_tcp(rest, &addr);
        if (st) return st;
        if (!cc__is_loopback((struct sockaddr *)&addr) && !(o && o->allow_remote))
            return cc__fail(CC_EINVAL,
                            "listen: '%s' is not a loopback address (set allow_remote to "
                            "serve other hosts)",
                            address);
    } else if (*rest == '\0' || strlen(rest) >= sizeof(((cc__listener *)0)->path) ||
               strlen(rest) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        /* sun_path (108 bytes on Linux) is the real bound: libuv cut a longer path, so the
         * socket was bound at the cut path while the whole was reported and unlinked. */
        return cc__fail(CC_EINVAL, "listen: unix socket path empty or too long");
    }
    cc__listener *l = cc__calloc(1, sizeof *l);
    if (!l) return cc__fail(CC_ENOMEM, "listen: out of memory");
    l->server = s;
    l->is_unix = is_unix;
    cc_status st = cc__listener_setup(l, o);
    if (st) {
        cc__free(l->token);
        cc__free(l);
        return st;
    }
    int rc = is_unix ? uv_pipe_init(s->loop, &l->h.pipe, 0) : uv_tcp_init(s->loop, &l->h.tcp);
    if (rc < 0) {
        cc__free(l->token);
        cc__free(l);
        return cc__fail(CC_EIO, "listen: %s", uv_strerror(rc));
    }
    l->h.handle.data = l;
    s->open_handles++;
    if (is_unix) {
        /* A socket file left by a killed server would make bind fail; only
         * a socket is removed, never another kind of file. */
        struct stat sb;
        if (lstat(rest, &sb) == 0 && S_ISSOCK(sb.st_mode)) unlink(rest);
        rc = uv_pipe_bind(&l->h.pipe, rest);
        if (rc == 0) {
            snprintf(l->path, sizeof l->path, "%s", rest);
            rc = uv_pipe_chmod(&l->h.pipe, UV_READABLE | UV_WRITABLE);
            chmod(rest, 0600); /* owner only; the token is the second lock */
        }
    } else {
        rc = uv_tcp_bind(&l->h.tcp, (struct sockaddr *)&addr, 0);
    }
    if (rc == 0) rc = uv_listen(&l->h.stream, 511, cc__on_connection);
    if (rc < 0) {
        uv_close(&l->h.handle, cc__listener_closed);
        return cc__fail(CC_EIO, "listen: %s: %s", address, uv_strerror(rc));
    }
    s->listeners[s->nlisteners++] = l;
    if (bound && bound_len) {
        if (is_unix) {
            snprintf(bound, bound_len, "unix:%s", rest);
        } else {
            struct sockaddr_storage name;
            int nlen = sizeof name;
            char ip[64] = "?";
            int port = 0;
            uv_tcp_getsockname(&l->h.tcp, (struct sockaddr *)&name, &nlen);
            if (name.ss_family == AF_INET6) {
                uv_ip6_name((struct sockaddr_in6 *)&name, ip, sizeof ip);
                port = ntohs(((struct sockaddr_in6 *)&name)->sin6_port);
                snprintf(bound, bound_len, "tcp://[%s]:%d", ip, port);
            } else {
                uv_ip4_name((struct sockaddr_in *)&name, ip, sizeof ip);
                port = ntohs(((struct sockaddr_in *)&name)->sin_port);
                snprintf(bound, bound_len, "tcp://%s:%d", ip, port);
            }
        }
    }
    return CC_OK;
}
