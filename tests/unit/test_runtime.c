/*
 * tests/unit/test_runtime.c - the runtime on a libuv loop: options, posting
 * from other threads, the deadline timer, asynchronous close, the dispatcher
 * (through cc__server_feed, the same code path as a socket), and journal
 * recovery from a crash image with a torn tail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runtime/runtime_impl.h"
#include "support/alloc_fail.h"
#include "callcore/alloc.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ---------------------------------------------------------------- */

typedef struct req {
    cc__wbuf b;
    msgpack_packer pk;
    uint32_t next;
} req;

static void req_init(req *r)
{
    memset(r, 0, sizeof *r);
    msgpack_packer_init(&r->pk, &r->b, cc__wbuf_write);
    r->next = 1;
}

/* Starts [0, id, method, [{...: the caller packs nkeys pairs}]]. */
static void req_begin(req *r, const char *method, uint32_t nkeys)
{
    msgpack_pack_array(&r->pk, 4);
    msgpack_pack_uint8(&r->pk, 0);
    msgpack_pack_uint32(&r->pk, r->next++);
    cc__pack_cstr(&r->pk, method);
    if (nkeys == 0) {
        msgpack_pack_array(&r->pk, 0);
        return;
    }
    msgpack_pack_array(&r->pk, 1);
    msgpack_pack_map(&r->pk, nkeys);
}

static void kv_str(req *r, const char *k, const char *v)
{
    cc__pack_key(&r->pk, k);
    cc__pack_cstr(&r->pk, v);
}

static void kv_int(req *r, const char *k, int64_t v)
{
    cc__pack_key(&r->pk, k);
    msgpack_pack_int64(&r->pk, v);
}

typedef struct resp {
    int n;
    int64_t error[64]; /* 0 = success, else the error code */
    msgpack_object result[64];
    msgpack_zone zone;
    char *bytes; /* the responses, which the objects point into */
} resp;

static void resp_free(resp *r)
{
    msgpack_zone_destroy(&r->zone);
    free(r->bytes);
}

/* Feeds the requests as one client and decodes the responses in order. */
static void feed(cc_runtime *rt, req *r, resp *out)
{
    cc__wbuf o = {0};
    assert_int_equal(cc__server_feed(rt->server, r->b.data, r->b.len, NULL, &o), CC_OK);
    msgpack_zone_init(&out->zone, 4096);
    out->n = 0;
    size_t off = 0;
    msgpack_object obj;
    /* The objects point into the zone and into a copy of the bytes. */
    char *keep = malloc(o.len + 1);
    out->bytes = keep;
    memcpy(keep, o.data, o.len);
    while (off < o.len && out->n < 64) {
        msgpack_unpack_return ur = msgpack_unpack(keep, o.len, &off, &out->zone, &obj);
        assert_true(ur == MSGPACK_UNPACK_SUCCESS || ur == MSGPACK_UNPACK_EXTRA_BYTES);
        if (obj.via.array.ptr[0].via.u64 != 1) continue; /* notifications */
        const msgpack_object *err = &obj.via.array.ptr[2];
        out->error[out->n] = err->type == MSGPACK_OBJECT_NIL ? 0 : err->via.map.ptr[0].val.via.i64;
        out->result[out->n] = obj.via.array.ptr[3];
        out->n++;
    }
    cc__wbuf_free(&o);
    r->b.len = 0;
}

static const msgpack_object *map_get(const msgpack_object *m, const char *key)
{
    if (m->type != MSGPACK_OBJECT_MAP) return NULL;
    for (uint32_t i = 0; i < m->via.map.size; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key) &&
            memcmp(k->via.str.ptr, key, k->via.str.size) == 0)
            return &m->via.map.ptr[i].val;
    }
    return NULL;
}

static int closed_calls;
static void on_closed(void *ud)
{
    (void)ud;
    closed_calls++;
}

static void close_and_drain(cc_runtime *rt, uv_loop_t *loop)
{
    closed_calls = 0;
    assert_int_equal(cc_runtime_close(rt, on_closed, NULL), CC_OK);
    assert_int_equal(uv_run(loop, UV_RUN_DEFAULT), 0); /* nothing of ours left */
    assert_int_equal(closed_calls, 1);
}

/* ---- tests ------------------------------------------------------------------- */

static void options_are_checked(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime *rt = NULL;
    cc_runtime_options o = CC_RUNTIME_OPTIONS_INIT;
    o.version = 99;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_EVERSION);
    assert_null(rt);
    assert_int_equal(cc_runtime_new(&rt, NULL, NULL, NULL), CC_EINVAL);
    o.version = CC_RUNTIME_OPTIONS_VERSION;
    o.fsync = (cc_fsync_policy)7;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_EINVAL);
    cc_fsync_policy p;
    assert_int_equal(cc_fsync_policy_from_name("batch", &p), CC_OK);
    assert_int_equal(p, CC_FSYNC_BATCH);
    assert_int_equal(cc_fsync_policy_from_name("sometimes", &p), CC_EINVAL);
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, NULL), CC_OK);
    char bound[128];
    assert_int_equal(cc_runtime_listen(rt, "tcp://10.1.2.3:0", NULL, bound, sizeof bound),
                     CC_EINVAL);
    assert_int_equal(cc_runtime_listen(rt, "http://x", NULL, bound, sizeof bound), CC_EINVAL);
    /* A unix path longer than sockaddr_un's sun_path (108 bytes on Linux) was cut by
     * libuv: the socket was bound at the cut path, reported (and unlinked) at the whole. */
    char longpath[200];
    snprintf(longpath, sizeof longpath, "unix:/tmp/cc-test-%0150d", 0);
    assert_int_equal(cc_runtime_listen(rt, longpath, NULL, bound, sizeof bound), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "too long"));
    assert_int_equal(cc_runtime_listen(rt, "tcp://127.0.0.1:0", NULL, bound, sizeof bound), CC_OK);
    assert_true(strncmp(bound, "tcp://127.0.0.1:", 16) == 0);
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
}

typedef struct post_ctx {
    cc_runtime *rt;
    cc_engine *engine;
    long count; /* touched on the loop thread only */
    int threads_done;
    pthread_mutex_t mu;
} post_ctx;

static void bump(cc_engine *engine, void *ud)
{
    post_ctx *p = ud;
    assert_ptr_equal(engine, p->engine);
    p->count++;
}

static void *poster(void *arg)
{
    post_ctx *p = arg;
    for (int i = 0; i < 1000; i++) {
        cc_status st =
            (i & 1) ? cc_runtime_post(p->rt, bump, p) : cc_engine_post(p->engine, bump, p);
        if (st != CC_OK) abort();
    }
    return NULL;
}

static void close_from_a_post(cc_engine *engine, void *ud)
{
    post_ctx *p = ud;
    assert_ptr_equal(engine, p->engine);
    p->count++;
    assert_int_equal(cc_runtime_close(p->rt, on_closed, NULL), CC_OK);
}

/* A posted function may close the runtime: the functions posted after it
 * still run (before the engine is freed), then the close completes. */
static void a_post_may_close_the_runtime(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    post_ctx p = {0};
    assert_int_equal(cc_runtime_new(&p.rt, &loop, NULL, NULL), CC_OK);
    p.engine = cc_runtime_engine(p.rt);
    assert_int_equal(cc_runtime_post(p.rt, bump, &p), CC_OK);
    assert_int_equal(cc_runtime_post(p.rt, close_from_a_post, &p), CC_OK);
    assert_int_equal(cc_runtime_post(p.rt, bump, &p), CC_OK);
    assert_int_equal(cc_runtime_post(p.rt, bump, &p), CC_OK);
    closed_calls = 0;
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(p.count, 4);
    assert_int_equal(closed_calls, 1);
    uv_loop_close(&loop);
}

static void check_count(uv_timer_t *t)
{
    post_ctx *p = t->data;
    if (p->count == 4000) {
        uv_timer_stop(t);
        uv_stop(t->loop); /* the runtime's handles keep the loop alive until closed */
    }
}

static void posts_from_any_thread_run_on_the_loop(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    post_ctx p = {0};
    assert_int_equal(cc_runtime_new(&p.rt, &loop, NULL, NULL), CC_OK);
    p.engine = cc_runtime_engine(p.rt);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, poster, &p);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    uv_timer_t t;
    uv_timer_init(&loop, &t);
    t.data = &p;
    uv_timer_start(&t, check_count, 1, 1);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(p.count, 4000);
    uv_close((uv_handle_t *)&t, NULL);
    /* Accepted before the close: runs; after it: refused, never runs. */
    assert_int_equal(cc_runtime_post(p.rt, bump, &p), CC_OK);
    cc_engine *engine = p.engine;
    closed_calls = 0;
    assert_int_equal(cc_runtime_close(p.rt, on_closed, NULL), CC_OK);
    assert_int_equal(p.count, 4001);
    assert_int_equal(cc_engine_post(engine, bump, &p), CC_ENOTFOUND);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(closed_calls, 1);
    assert_int_equal(p.count, 4001);
    uv_loop_close(&loop);
}

typedef struct seen_events {
    int ring_timeouts, offers;
    uv_loop_t *loop;
} seen_events;

static void count_events(const cc_event *e, void *ud)
{
    seen_events *s = ud;
    if (e->type == CC_EVENT_CONTACT_OFFERED) s->offers++;
    if (e->type == CC_EVENT_CONTACT_RING_TIMEOUT) {
        s->ring_timeouts++;
        uv_stop(s->loop);
    }
}

static void give_up(uv_timer_t *t)
{
    uv_stop(t->loop);
}

static void engine_deadline_becomes_a_libuv_timer(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    seen_events seen = {0, 0, &loop};
    cc_engine_options eo = CC_ENGINE_OPTIONS_INIT;
    eo.event_fn = count_events;
    eo.event_user_data = &seen;
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, &eo, NULL), CC_OK);
    req r;
    req_init(&r);
    req_begin(&r, "queue.create", 2);
    kv_str(&r, "name", "q");
    kv_int(&r, "ring_timeout_ms", 30);
    req_begin(&r, "agent.login", 2);
    kv_str(&r, "agent", "ann");
    cc__pack_key(&r.pk, "queues");
    msgpack_pack_array(&r.pk, 1);
    cc__pack_cstr(&r.pk, "q");
    req_begin(&r, "contact.create", 2);
    kv_int(&r, "contact_id", 5);
    kv_str(&r, "queue", "q");
    resp out;
    feed(rt, &r, &out);
    assert_int_equal(out.n, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(out.error[i], 0);
    assert_int_equal(seen.offers, 1);
    /* Nobody answers: the engine's 30 ms ring timer fires through libuv. */
    uv_timer_t guard;
    uv_timer_init(&loop, &guard);
    uv_timer_start(&guard, give_up, 3000, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(seen.ring_timeouts, 1);
    uv_close((uv_handle_t *)&guard, NULL);
    resp_free(&out);
    cc__wbuf_free(&r.b);
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
}

/* The caller's own libuv timer changes the engine directly on the loop thread (no post,
 * no request): the ring timer that change starts must still fire. */
static void offer_a_contact_directly(uv_timer_t *t)
{
    cc_runtime *rt = t->data;
    cc_engine *e = cc_runtime_engine(rt);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts); /* the runtime's clock (runtime.md, Time) */
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "q";
    q.ring_timeout_ms = 30;
    assert_int_equal(cc_engine_queue_add(e, &q), CC_OK);
    cc_membership m = {"q", 0, 0, 0};
    cc_agent_config a = CC_AGENT_CONFIG_INIT;
    a.name = "ann";
    a.queues = &m;
    a.nqueues = 1;
    assert_int_equal(cc_engine_agent_add(e, &a, now), CC_OK);
    assert_int_equal(cc_engine_agent_login(e, "ann", now), CC_OK);
    cc_contact_config c = CC_CONTACT_CONFIG_INIT;
    c.id = 5;
    c.channel = CC_CHANNEL_VOICE;
    c.queue = "q";
    assert_int_equal(cc_engine_contact_add(e, &c, now), CC_OK);
}

static void a_direct_change_on_the_loop_thread_arms_its_timers(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    seen_events seen = {0, 0, &loop};
    cc_engine_options eo = CC_ENGINE_OPTIONS_INIT;
    eo.event_fn = count_events;
    eo.event_user_data = &seen;
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, &eo, NULL), CC_OK);
    uv_timer_t direct, guard;
    uv_timer_init(&loop, &direct);
    direct.data = rt;
    uv_timer_start(&direct, offer_a_contact_directly, 1, 0);
    uv_timer_init(&loop, &guard);
    uv_timer_start(&guard, give_up, 3000, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(seen.offers, 1);
    assert_int_equal(seen.ring_timeouts, 1);
    uv_close((uv_handle_t *)&direct, NULL);
    uv_close((uv_handle_t *)&guard, NULL);
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
}

static void dispatcher_answers_in_order_with_errors(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, NULL), CC_OK);
    req r;
    req_init(&r);
    req_begin(&r, "ping", 0);
    req_begin(&r, "queue.create", 1);
    kv_str(&r, "name", "sales");
    req_begin(&r, "queue.create", 1); /* twice: CC_EEXIST */
    kv_str(&r, "name", "sales");
    req_begin(&r, "contact.create", 1); /* no queue: CC_EINVAL */
    kv_int(&r, "contact_id", 1);
    req_begin(&r, "contact.create", 2);
    kv_int(&r, "contact_id", 1);
    kv_str(&r, "queue", "nope"); /* CC_ENOTFOUND */
    req_begin(&r, "contact.create", 2);
    kv_int(&r, "contact_id", 1);
    kv_str(&r, "queue", "sales");
    req_begin(&r, "queue.status", 1);
    kv_str(&r, "name", "sales");
    req_begin(&r, "no.such", 0);
    resp out;
    feed(rt, &r, &out);
    assert_int_equal(out.n, 8);
    assert_int_equal(out.error[0], 0);
    assert_int_equal(out.result[0].type, MSGPACK_OBJECT_STR);
    assert_int_equal(out.error[1], 0);
    assert_int_equal(out.error[2], CC_EEXIST);
    assert_int_equal(out.error[3], CC_EINVAL);
    assert_int_equal(out.error[4], CC_ENOTFOUND);
    assert_int_equal(out.error[5], 0);
    assert_int_equal(map_get(&out.result[5], "contact_id")->via.u64, 1);
    assert_int_equal(out.error[6], 0);
    assert_int_equal(map_get(&out.result[6], "waiting")->via.u64, 1);
    assert_int_equal(out.error[7], CC_ENOTFOUND);
    resp_free(&out);
    cc__wbuf_free(&r.b);
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
}

/* An argument given twice is an error (which value was meant is a guess), and
 * nothing is created. */
static void an_argument_given_twice_is_refused(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, NULL), CC_OK);
    req r;
    req_init(&r);
    req_begin(&r, "queue.create", 2);
    kv_str(&r, "name", "sales");
    kv_str(&r, "name", "support");
    req_begin(&r, "queue.list", 0);
    resp out;
    feed(rt, &r, &out);
    assert_int_equal(out.n, 2);
    assert_int_equal(out.error[0], CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "'name' given twice"));
    assert_int_equal(out.error[1], 0);
    assert_int_equal(out.result[1].type, MSGPACK_OBJECT_ARRAY);
    assert_int_equal(out.result[1].via.array.size, 0);
    resp_free(&out);
    cc__wbuf_free(&r.b);
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
}

/* ---- recovery ---------------------------------------------------------------- */

static void copy_dir(const char *from, const char *to)
{
    mkdir(to, 0755);
    DIR *d = opendir(from);
    assert_non_null(d);
    struct dirent *e;
    char a[512], b[512], buf[8192];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        FILE *in = fopen(a, "rb"), *out = fopen(b, "wb");
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, n, out);
        fclose(in);
        fclose(out);
    }
    closedir(d);
}

static char *last_segment(const char *dir)
{
    static char path[512];
    DIR *d = opendir(dir);
    struct dirent *e;
    char best[256] = "";
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "journal-", 8) == 0 && strcmp(e->d_name, best) > 0)
            snprintf(best, sizeof best, "%s", e->d_name);
    closedir(d);
    snprintf(path, sizeof path, "%s/%s", dir, best);
    return path;
}

static int32_t waiting_in(cc_runtime *rt, const char *queue)
{
    cc_queue_status s = CC_QUEUE_STATUS_INIT;
    if (cc_engine_queue_status(cc_runtime_engine(rt), queue, &s) != CC_OK) return -1;
    return s.waiting;
}

/* A journal folder under /tmp and the path of its crash image: the setup
 * of every recovery test. Options journal into the folder, with no periodic
 * snapshot (recovery then replays every input). */
typedef struct journal_case {
    char dir[64], image[80];
} journal_case;

static void journal_case_open(journal_case *jc, const char *tag)
{
    snprintf(jc->dir, sizeof jc->dir, "/tmp/cc-rt-%s-XXXXXX", tag);
    assert_non_null(mkdtemp(jc->dir));
    snprintf(jc->image, sizeof jc->image, "%s-image", jc->dir);
}

static cc_runtime_options journal_case_options(const journal_case *jc)
{
    cc_runtime_options o = CC_RUNTIME_OPTIONS_INIT;
    o.journal_dir = jc->dir;
    o.snapshot_interval_ms = -1;
    return o;
}

/* Removes the folder, the image and a second image ("<image>-2") if any. */
static void journal_case_remove(const journal_case *jc)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s-2'", jc->dir, jc->image, jc->image);
    assert_int_equal(system(cmd), 0);
}

static void recovery_replays_a_crash_image_and_cuts_a_torn_tail(void **state)
{
    (void)state;
    journal_case jc;
    journal_case_open(&jc, "journal");
    char cmd[300];
    const char *dir = jc.dir, *image = jc.image;
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime_options o = journal_case_options(&jc);
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    req r;
    req_init(&r);
    req_begin(&r, "queue.create", 1);
    kv_str(&r, "name", "q");
    for (int i = 1; i <= 3; i++) {
        req_begin(&r, "contact.create", 2);
        kv_int(&r, "contact_id", i);
        kv_str(&r, "queue", "q");
    }
    resp out;
    feed(rt, &r, &out);
    assert_int_equal(out.n, 4);
    resp_free(&out);
    /* The process "dies" here: its files as they are on disk now. */
    copy_dir(dir, image);
    close_and_drain(rt, &loop);

    /* A clean close wrote a snapshot: recovery restores it. */
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    cc_recovery_stats rs = CC_RECOVERY_STATS_INIT;
    assert_int_equal(cc_runtime_recovery(rt, &rs), CC_OK);
    assert_int_equal(rs.snapshot_loaded, 1);
    assert_int_equal(waiting_in(rt, "q"), 3);
    close_and_drain(rt, &loop);

    /* The crash image has no snapshot: every command is replayed. */
    o.journal_dir = image;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    rs = (cc_recovery_stats)CC_RECOVERY_STATS_INIT;
    cc_runtime_recovery(rt, &rs);
    assert_int_equal(rs.snapshot_loaded, 0);
    assert_int_equal(rs.commands_replayed, 4);
    assert_int_equal(waiting_in(rt, "q"), 3);
    /* New inputs go on after the replayed ones. */
    req_begin(&r, "contact.create", 2);
    kv_int(&r, "contact_id", 4);
    kv_str(&r, "queue", "q");
    feed(rt, &r, &out);
    assert_int_equal(out.error[0], 0);
    resp_free(&out);
    /* Die again without a snapshot, then tear the last record. */
    snprintf(cmd, sizeof cmd, "%s-2", image);
    copy_dir(image, cmd);
    close_and_drain(rt, &loop);
    char *seg = last_segment(cmd);
    struct stat sb;
    assert_int_equal(stat(seg, &sb), 0);
    assert_int_equal(truncate(seg, sb.st_size - 5), 0);
    o.journal_dir = cmd;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    rs = (cc_recovery_stats)CC_RECOVERY_STATS_INIT;
    cc_runtime_recovery(rt, &rs);
    assert_true(rs.torn_bytes > 0);
    /* The torn record was the last event of contact 4's creation: the whole
     * step (its command and events) is cut, as if the crash had come just
     * before it. Only records not yet synced can be torn, and their
     * responses were still held back (fsync=always), so nothing
     * acknowledged is lost. */
    assert_int_equal(waiting_in(rt, "q"), 3);
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
    cc__wbuf_free(&r.b);
    journal_case_remove(&jc);
}

/* Recovery is exact: the engine rebuilt from a crash image (replay of every
 * journaled input, ring timeouts fired by libuv and a switch that came and
 * went included) snapshots to the same bytes as the engine that was running. */
static void replay_rebuilds_the_same_engine_bit_for_bit(void **state)
{
    (void)state;
    journal_case jc;
    journal_case_open(&jc, "exact");
    const char *dir = jc.dir, *image = jc.image;
    uv_loop_t loop;
    uv_loop_init(&loop);
    seen_events seen = {0, 0, &loop};
    cc_engine_options eo = CC_ENGINE_OPTIONS_INIT;
    eo.event_fn = count_events;
    eo.event_user_data = &seen;
    cc_runtime_options o = journal_case_options(&jc);
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, &eo, &o), CC_OK);
    req r;
    req_init(&r);
    /* A switch registers voice, so offers go through the wire backend; the
     * fed connection closes at the end of each feed (a switch that leaves). */
    req_begin(&r, "backend.register", 1);
    cc__pack_key(&r.pk, "channels");
    msgpack_pack_array(&r.pk, 1);
    cc__pack_cstr(&r.pk, "voice");
    req_begin(&r, "queue.create", 2);
    kv_str(&r, "name", "sales");
    kv_int(&r, "ring_timeout_ms", 20);
    req_begin(&r, "queue.create", 2);
    kv_str(&r, "name", "vip");
    kv_str(&r, "strategy", "round-robin");
    const char *agents[] = {"ann", "bob", "cy"};
    for (int i = 0; i < 3; i++) {
        req_begin(&r, "agent.login", 3);
        kv_str(&r, "agent", agents[i]);
        cc__pack_key(&r.pk, "queues");
        msgpack_pack_array(&r.pk, 2);
        cc__pack_cstr(&r.pk, "sales");
        cc__pack_cstr(&r.pk, "vip");
        cc__pack_key(&r.pk, "skills");
        msgpack_pack_map(&r.pk, 1);
        cc__pack_cstr(&r.pk, "en");
        msgpack_pack_int(&r.pk, i + 1);
    }
    for (int i = 1; i <= 6; i++) {
        req_begin(&r, "contact.create", 4);
        kv_int(&r, "contact_id", i);
        kv_str(&r, "queue", i % 2 ? "sales" : "vip");
        kv_int(&r, "priority", i % 3);
        kv_str(&r, "channel", i == 6 ? "chat" : "voice");
    }
    resp out;
    feed(rt, &r, &out);
    for (int i = 0; i < out.n; i++)
        assert_int_equal(out.error[i], 0);
    resp_free(&out);
    /* The switch is gone: its offers were given back. Desktops answer what is
     * offered next, and some offers ring out through the libuv timer. */
    uv_timer_t guard;
    uv_timer_init(&loop, &guard);
    uv_timer_start(&guard, give_up, 500, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&guard, NULL);
    for (int i = 0; i < 3; i++) {
        req_begin(&r, "agent.ready", 1);
        kv_str(&r, "agent", agents[i]);
    }
    req_begin(&r, "contact.abandon", 1);
    kv_int(&r, "contact_id", 5);
    req_begin(&r, "contact.callback", 1);
    kv_int(&r, "contact_id", 3);
    req_begin(&r, "agent.not_ready", 2);
    kv_str(&r, "agent", "cy");
    kv_str(&r, "reason", "lunch");
    /* The chat contact has no backend: it may ring at a desktop; take it away
     * so nothing rings when the image is taken. Voice offers fail without a
     * switch, so none of them rings either. */
    req_begin(&r, "contact.cancel", 1);
    kv_int(&r, "contact_id", 6);
    feed(rt, &r, &out);
    resp_free(&out);
    assert_true(seen.offers > 0);
    void *live = NULL, *back = NULL;
    size_t live_len = 0, back_len = 0;
    assert_int_equal(cc_engine_snapshot(cc_runtime_engine(rt), &live, &live_len), CC_OK);
    copy_dir(dir, image);
    close_and_drain(rt, &loop);

    o.journal_dir = image;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    cc_recovery_stats rs = CC_RECOVERY_STATS_INIT;
    cc_runtime_recovery(rt, &rs);
    assert_int_equal(rs.snapshot_loaded, 0);
    assert_true(rs.commands_replayed > 10);
    assert_int_equal(rs.offers_released, 0); /* else recovery itself changed state */
    assert_int_equal(cc_engine_snapshot(cc_runtime_engine(rt), &back, &back_len), CC_OK);
    assert_int_equal(back_len, live_len);
    assert_memory_equal(back, live, live_len);
    cc_free(live);
    cc_free(back);
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
    cc__wbuf_free(&r.b);
    journal_case_remove(&jc);
}

/* queue.configure goes through the dispatcher like queue.create: it changes
 * the next decision, refuses what the engine refuses, and is journaled so a
 * replay rebuilds the same engine. Chat has no backend: offers just ring. */
static void queue_configure_is_journaled_and_replayed(void **state)
{
    (void)state;
    journal_case jc;
    journal_case_open(&jc, "qconf");
    const char *dir = jc.dir, *image = jc.image;
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime_options o = journal_case_options(&jc);
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    req r;
    req_init(&r);
    req_begin(&r, "queue.create", 1);
    kv_str(&r, "name", "q");
    const char *agents[] = {"ann", "bob"};
    for (int i = 0; i < 2; i++) { /* ann idles longest; only she has a skill */
        req_begin(&r, "agent.login", 3);
        kv_str(&r, "agent", agents[i]);
        cc__pack_key(&r.pk, "queues");
        msgpack_pack_array(&r.pk, 1);
        cc__pack_cstr(&r.pk, "q");
        cc__pack_key(&r.pk, "skills");
        msgpack_pack_map(&r.pk, i == 0 ? 1 : 0);
        if (i == 0) {
            cc__pack_cstr(&r.pk, "en");
            msgpack_pack_int(&r.pk, 5);
        }
    }
    req_begin(&r, "queue.configure", 4);
    kv_str(&r, "name", "q");
    kv_str(&r, "strategy", "least-skilled-first");
    kv_int(&r, "sl_threshold_ms", 30000);
    kv_int(&r, "max_wait_ms", 600000);
    req_begin(&r, "contact.create", 3);
    kv_int(&r, "contact_id", 1);
    kv_str(&r, "queue", "q");
    kv_str(&r, "channel", "chat");
    req_begin(&r, "queue.configure", 2); /* CC_EINVAL */
    kv_str(&r, "name", "q");
    kv_str(&r, "strategy", "nope");
    req_begin(&r, "queue.configure", 1); /* CC_ENOTFOUND */
    kv_str(&r, "name", "none");
    req_begin(&r, "queue.configure", 2); /* CC_ESTATE: contact 1 rings from q */
    kv_str(&r, "name", "q");
    cc__pack_key(&r.pk, "skills");
    msgpack_pack_map(&r.pk, 1);
    cc__pack_cstr(&r.pk, "en");
    msgpack_pack_int(&r.pk, 1);
    req_begin(&r, "queue.status", 1);
    kv_str(&r, "name", "q");
    /* nothing may ring when the image is taken: recovery gives offers back */
    req_begin(&r, "contact.accept", 2);
    kv_int(&r, "contact_id", 1);
    kv_str(&r, "agent", "bob");
    resp out;
    feed(rt, &r, &out);
    assert_int_equal(out.n, 10);
    assert_int_equal(out.error[9], 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(out.error[i], 0);
    const msgpack_object *who = map_get(&out.result[4], "agent");
    assert_non_null(who);
    assert_int_equal(who->type, MSGPACK_OBJECT_STR);
    assert_int_equal(who->via.str.size, 3);
    assert_memory_equal(who->via.str.ptr, "bob", 3); /* least skilled, not longest idle */
    assert_int_equal(out.error[5], CC_EINVAL);
    assert_int_equal(out.error[6], CC_ENOTFOUND);
    assert_int_equal(out.error[7], CC_ESTATE);
    assert_int_equal(out.error[8], 0);
    assert_int_equal(map_get(&out.result[8], "sl_threshold_ms")->via.u64, 30000);
    resp_free(&out);
    void *live = NULL, *back = NULL;
    size_t live_len = 0, back_len = 0;
    assert_int_equal(cc_engine_snapshot(cc_runtime_engine(rt), &live, &live_len), CC_OK);
    copy_dir(dir, image);
    close_and_drain(rt, &loop);

    o.journal_dir = image;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    cc_recovery_stats rs = CC_RECOVERY_STATS_INIT;
    cc_runtime_recovery(rt, &rs);
    assert_true(rs.commands_replayed >= 5);
    assert_int_equal(rs.offers_released, 0);
    assert_int_equal(cc_engine_snapshot(cc_runtime_engine(rt), &back, &back_len), CC_OK);
    assert_int_equal(back_len, live_len);
    assert_memory_equal(back, live, live_len);
    cc_queue_status qs = CC_QUEUE_STATUS_INIT;
    assert_int_equal(cc_engine_queue_status(cc_runtime_engine(rt), "q", &qs), CC_OK);
    assert_int_equal(qs.sl_threshold_ms, 30000);
    cc_free(live);
    cc_free(back);
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
    cc__wbuf_free(&r.b);
    journal_case_remove(&jc);
}

typedef struct direct_ctx {
    cc_runtime *rt;
    cc_status st;
} direct_ctx;

/* Replaying a journal under other decision options (seed, select policy,
 * rona/reject policies and reasons, last-agent window) would reach another
 * state: a runtime given others is refused, naming what differs; the same
 * options (defaults spelled out included) recover. Checked with a snapshot
 * (a clean close) and without (a crash image). */
static void recovery_refuses_other_decision_options(void **state)
{
    (void)state;
    journal_case jc;
    journal_case_open(&jc, "options");
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime_options o = journal_case_options(&jc);
    cc_engine_options eo = CC_ENGINE_OPTIONS_INIT;
    eo.seed = 7;
    eo.select = CC_SELECT_WAIT_ONLY;
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, &eo, &o), CC_OK);
    req r;
    req_init(&r);
    req_begin(&r, "queue.create", 2);
    kv_str(&r, "name", "q");
    kv_str(&r, "strategy", "random");
    resp out;
    feed(rt, &r, &out);
    assert_int_equal(out.error[0], 0);
    resp_free(&out);
    copy_dir(jc.dir, jc.image); /* a crash image: no snapshot */
    close_and_drain(rt, &loop);

    const char *dirs[] = {jc.dir, jc.image};
    for (int d = 0; d < 2; d++) {
        o.journal_dir = dirs[d];
        cc_engine_options other = eo;
        other.seed = 8;
        assert_int_equal(cc_runtime_new(&rt, &loop, &other, &o), CC_ESTATE);
        assert_non_null(strstr(cc_error_last(), "seed 7 (this runtime: 8)"));
        other = eo;
        other.reject_after = CC_AFTER_NOT_READY;
        other.rona_reason = "missed";
        assert_int_equal(cc_runtime_new(&rt, &loop, &other, &o), CC_ESTATE);
        assert_non_null(strstr(cc_error_last(), "rona_reason no-answer (this runtime: missed)"));
        assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_ESTATE);
        other = eo;
        other.rona_reason = "no-answer"; /* the default, spelled out */
        assert_int_equal(cc_runtime_new(&rt, &loop, &other, &o), CC_OK);
        assert_int_equal(waiting_in(rt, "q"), 0);
        close_and_drain(rt, &loop);
    }
    uv_loop_close(&loop);
    cc__wbuf_free(&r.b);
    journal_case_remove(&jc);
}

/* Journals queue.create with an escalation map holding a key the wire
 * refuses now, as a server from before that check would have accepted it:
 * [{"name": "old", "escalations": [{"after_ms": 5, "colour": 1}]}]. */
static void journal_an_old_style_call(cc_engine *engine, void *ud)
{
    (void)engine;
    cc__wbuf b = {0};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &b, cc__wbuf_write);
    msgpack_pack_array(&pk, 1);
    msgpack_pack_map(&pk, 3);
    cc__pack_key(&pk, "name");
    cc__pack_cstr(&pk, "old");
    cc__pack_key(&pk, "name"); /* given twice: the first counted then */
    cc__pack_cstr(&pk, "ignored");
    cc__pack_key(&pk, "escalations");
    msgpack_pack_array(&pk, 1);
    msgpack_pack_map(&pk, 2);
    cc__pack_key(&pk, "after_ms");
    msgpack_pack_int(&pk, 5);
    cc__pack_key(&pk, "colour");
    msgpack_pack_int(&pk, 1);
    assert_int_equal(cc_runtime_journal_command(ud, "queue.create", b.data, b.len), CC_OK);
    cc__wbuf_free(&b);
    uv_stop(((cc_runtime *)ud)->loop);
}

/* Nested argument maps are checked for unknown keys, and every map for names
 * given twice, on the wire, not when replaying: a journal written before those
 * checks may hold a call that succeeded then, and it must replay as it did. */
static void replay_accepts_nested_keys_an_older_server_let_pass(void **state)
{
    (void)state;
    journal_case jc;
    journal_case_open(&jc, "nested");
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime_options o = journal_case_options(&jc);
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    assert_int_equal(cc_runtime_post(rt, journal_an_old_style_call, rt), CC_OK);
    uv_run(&loop, UV_RUN_DEFAULT);
    copy_dir(jc.dir, jc.image); /* committed at the end of the posted work */
    close_and_drain(rt, &loop);
    o.journal_dir = jc.image;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    assert_int_equal(waiting_in(rt, "old"), 0); /* replayed: the queue exists */
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
    journal_case_remove(&jc);
}

/* A forged COMMAND record naming `forged_method` with params [2] (shaped like a
 * detach mask), written by the runtime's own writer: the public
 * cc_runtime_journal_command refuses to write what recovery cannot replay. */
static const char *forged_method;

static void journal_a_forged_record(cc_engine *engine, void *ud)
{
    (void)engine;
    cc_runtime *rt = ud;
    msgpack_object mask = {.type = MSGPACK_OBJECT_POSITIVE_INTEGER, .via.u64 = 2};
    msgpack_object params = {.type = MSGPACK_OBJECT_ARRAY, .via.array = {1, &mask}};
    rt->now_ms = cc_engine_now(engine);
    cc__runtime_journal_call(rt, forged_method, &params);
    uv_stop(rt->loop);
}

/* Recovery replays only the records the runtime writes: a runtime.* record it does not
 * know (here one shaped like a detach) is refused, not taken for something else, and so
 * is a wire method that changes nothing (the writer journals none). */
static void replay_refuses_a_runtime_record_it_does_not_know(void **state)
{
    (void)state;
    static const char *const forged[] = {"runtime.foobar", "queue.status"};
    for (int i = 0; i < 2; i++) {
        journal_case jc;
        journal_case_open(&jc, "unknown");
        uv_loop_t loop;
        uv_loop_init(&loop);
        cc_runtime_options o = journal_case_options(&jc);
        cc_runtime *rt;
        assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
        forged_method = forged[i];
        assert_int_equal(cc_runtime_post(rt, journal_a_forged_record, rt), CC_OK);
        uv_run(&loop, UV_RUN_DEFAULT);
        copy_dir(jc.dir, jc.image);
        close_and_drain(rt, &loop);
        o.journal_dir = jc.image;
        assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_EPARSE);
        assert_non_null(strstr(cc_error_last(), "unknown command"));
        uv_loop_close(&loop);
        journal_case_remove(&jc);
    }
}

/* cc_runtime_journal_command writes only what recovery can replay: a typo in the method,
 * a method that changes nothing or a record of the runtime's own is refused (CC_EINVAL),
 * rather than acknowledged and then refused by the next recovery (CC_EPARSE: the journal
 * could not be reopened without truncating it by hand). */
static void journal_command_refuses_methods_recovery_cannot_replay(void **state)
{
    (void)state;
    journal_case jc;
    journal_case_open(&jc, "jcmd");
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime_options o = journal_case_options(&jc);
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    static const char params[] = "\x91\x81\xa4name\xa1q"; /* [{"name": "q"}] */
    static const char *const refused[] = {"queue.craete", "queue.status", "runtime.detach",
                                          "runtime.options", ""};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(cc_runtime_journal_command(rt, refused[i], params, sizeof params - 1),
                         CC_EINVAL);
        assert_non_null(strstr(cc_error_last(), "replay"));
    }
    assert_int_equal(cc_runtime_journal_command(rt, "queue.create", params, sizeof params - 1),
                     CC_OK);
    close_and_drain(rt, &loop);
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK); /* still recovers */
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
    journal_case_remove(&jc);
}

/* A posted function changing the engine directly, then journaling it. */
static void add_queue_directly(cc_engine *engine, void *ud)
{
    direct_ctx *d = ud;
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "direct";
    d->st = cc_engine_queue_add(engine, &q);
    cc__wbuf b = {0};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &b, cc__wbuf_write);
    msgpack_pack_array(&pk, 1);
    msgpack_pack_map(&pk, 1);
    cc__pack_key(&pk, "name");
    cc__pack_cstr(&pk, "direct");
    if (d->st == CC_OK) d->st = cc_runtime_journal_command(d->rt, "queue.create", b.data, b.len);
    cc__wbuf_free(&b);
    uv_stop(d->rt->loop);
}

static void direct_changes_can_be_journaled(void **state)
{
    (void)state;
    char dir[64], image[80], cmd[200];
    snprintf(dir, sizeof dir, "/tmp/cc-rt-direct-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(image, sizeof image, "%s-image", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime_options o = CC_RUNTIME_OPTIONS_INIT;
    o.journal_dir = dir;
    direct_ctx d = {NULL, CC_EINVAL};
    assert_int_equal(cc_runtime_new(&d.rt, &loop, NULL, &o), CC_OK);
    assert_int_equal(cc_runtime_journal_command(d.rt, "queue.create", "\x01", 1), CC_EINVAL);
    assert_int_equal(cc_runtime_post(d.rt, add_queue_directly, &d), CC_OK);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(d.st, CC_OK);
    copy_dir(dir, image); /* committed at the end of the posted work */
    close_and_drain(d.rt, &loop);
    o.journal_dir = image;
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    assert_int_equal(waiting_in(rt, "direct"), 0); /* replayed: the queue exists */
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, image);
    assert_int_equal(system(cmd), 0);
}

/* A blocking client socket connected to the runtime's "tcp://127.0.0.1:PORT". */
static int client_connect(const char *address)
{
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(strrchr(address, ':') + 1));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* Runs the loop (one non-blocking turn at a time) until fd is readable, for 3 s at
 * most; then reads it: the bytes read, 0 at end of stream, -1 if reset (closed by
 * the server with a request unread), -2 if it never became readable. */
static ssize_t serve_until_readable(uv_loop_t *loop, int fd, char *buf, size_t len)
{
    for (int i = 0; i < 300; i++) {
        uv_run(loop, UV_RUN_NOWAIT);
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 10) == 1) return recv(fd, buf, len, 0);
    }
    return -2;
}

/* Out of memory when a client connects: that connection is closed, and the
 * listener goes on accepting (libuv stops watching a listener whose accepted
 * socket is never taken: it stopped for good). */
static void a_connection_refused_for_memory_does_not_stop_the_listener(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, NULL), CC_OK);
    char address[128];
    assert_int_equal(cc_runtime_listen(rt, "tcp://127.0.0.1:0", NULL, address, sizeof address),
                     CC_OK);
    char buf[256];
    cc_test_alloc_fail_from(0);
    int first = client_connect(address);
    ssize_t n = serve_until_readable(&loop, first, buf, sizeof buf);
    cc_test_alloc_reset();
    assert_true(cc_test_alloc_failed());
    assert_int_equal(n, 0); /* closed by the server, not left hanging */
    close(first);
    int second = client_connect(address);
    static const unsigned char ping[] = {0x94, 0x00, 0x01, 0xa4, 'p', 'i', 'n', 'g', 0x90};
    assert_int_equal(send(second, ping, sizeof ping, 0), (ssize_t)sizeof ping);
    n = serve_until_readable(&loop, second, buf, sizeof buf);
    assert_true(n > 0); /* [1, 1, nil, result] */
    assert_int_equal((unsigned char)buf[0], 0x94);
    assert_int_equal(buf[1], 1);
    assert_int_equal(buf[2], 1);
    assert_int_equal((unsigned char)buf[3], 0xc0);
    close(second);
    close_and_drain(rt, &loop);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* max_connections holds per address: connections to another address the
 * runtime serves do not count against it. */
static void max_connections_counts_the_connections_of_its_own_address(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, NULL), CC_OK);
    char limited[128], other[128], buf[256];
    cc_server_options one = CC_SERVER_OPTIONS_INIT;
    one.max_connections = 1;
    assert_int_equal(cc_runtime_listen(rt, "tcp://127.0.0.1:0", &one, limited, sizeof limited),
                     CC_OK);
    assert_int_equal(cc_runtime_listen(rt, "tcp://127.0.0.1:0", NULL, other, sizeof other), CC_OK);
    static const unsigned char ping[] = {0x94, 0x00, 0x01, 0xa4, 'p', 'i', 'n', 'g', 0x90};
    const char *to[3] = {other, limited, limited};
    int fds[3];
    for (int i = 0; i < 3; i++) { /* one after another: the other address's first */
        fds[i] = client_connect(to[i]);
        assert_int_equal(send(fds[i], ping, sizeof ping, 0), (ssize_t)sizeof ping);
        ssize_t n = serve_until_readable(&loop, fds[i], buf, sizeof buf);
        if (i < 2) assert_true(n > 0); /* answered */
        else assert_true(n == 0 || n == -1); /* the limited address's second: closed */
    }
    for (int i = 0; i < 3; i++) close(fds[i]);
    close_and_drain(rt, &loop);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static int journal_errors;

static void count_journal_error(const char *message, void *ud)
{
    (void)message;
    (void)ud;
    journal_errors++;
}

/* After a failed journal write nothing more is written (fail-stop), so a change made
 * directly on the engine can no longer be journaled: cc_runtime_journal_command says so
 * (CC_EIO) instead of accepting a record that is dropped. The write fails for real: a
 * file size limit below the segment's size (EFBIG, as a full disk gives ENOSPC). */
static void a_failed_journal_refuses_journal_commands(void **state)
{
    (void)state;
    char dir[64], cmd[120];
    snprintf(dir, sizeof dir, "/tmp/cc-rt-jfail-XXXXXX");
    assert_non_null(mkdtemp(dir));
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime_options o = CC_RUNTIME_OPTIONS_INIT;
    o.journal_dir = dir;
    o.error_fn = count_journal_error;
    journal_errors = 0;
    direct_ctx d = {NULL, CC_EINVAL};
    assert_int_equal(cc_runtime_new(&d.rt, &loop, NULL, &o), CC_OK);
    struct rlimit old, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 1;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    assert_int_equal(cc_runtime_post(d.rt, add_queue_directly, &d), CC_OK);
    uv_run(&loop, UV_RUN_DEFAULT); /* its commit at the end of the posted work fails */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(journal_errors, 1);
    assert_int_equal(cc_runtime_journal_command(d.rt, "queue.create", "\x91\x81\xa4name\xa1q", 9),
                     CC_EIO);
    assert_non_null(strstr(cc_error_last(), "journal"));
    close_and_drain(d.rt, &loop);
    uv_loop_close(&loop);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A snapshot that cannot be written (here: its temporary file's name is taken by a
 * directory; a real case is a directory out of inodes, where appends still succeed) is
 * reported and retried later, not at every commit: each try serializes the whole
 * engine, which with a large state stalled every loop iteration for as long. The
 * journal itself goes on. */
static void a_failed_snapshot_is_not_retried_at_every_commit(void **state)
{
    (void)state;
    char dir[64], cmd[120], path[160];
    snprintf(dir, sizeof dir, "/tmp/cc-rt-snapfail-XXXXXX");
    assert_non_null(mkdtemp(dir));
    for (unsigned n = 1; n <= 400; n++) {
        snprintf(path, sizeof path, "%s/snapshot-%016x.ccs.tmp", dir, n);
        assert_int_equal(mkdir(path, 0755), 0);
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime_options o = CC_RUNTIME_OPTIONS_INIT;
    o.journal_dir = dir;
    o.snapshot_records = 10;
    o.snapshot_interval_ms = 3600000;
    o.error_fn = count_journal_error;
    journal_errors = 0;
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    req r;
    req_init(&r);
    resp out;
    for (int i = 0; i < 40; i++) { /* one commit each */
        char name[16];
        snprintf(name, sizeof name, "q%d", i);
        req_begin(&r, "queue.create", 1);
        kv_str(&r, "name", name);
        feed(rt, &r, &out);
        assert_int_equal(out.n, 1);
        assert_int_equal(out.error[0], 0); /* acknowledged: the journal goes on */
        resp_free(&out);
    }
    uint64_t records = cc__journal_next_record(rt->journal);
    assert_true(journal_errors >= 1);
    /* one try per snapshot_records records at most */
    assert_true((uint64_t)journal_errors <= records / o.snapshot_records + 1);
    cc__wbuf_free(&r.b);
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A journal record longer than CC__JOURNAL_MAX_RECORD is never read back: recovery takes
 * it for damage (or for a torn tail when it is the last). So a journaling runtime refuses
 * to accept requests or journal commands that could make one. */
static void nothing_is_journaled_that_recovery_cannot_read(void **state)
{
    (void)state;
    char dir[64], cmd[120];
    snprintf(dir, sizeof dir, "/tmp/cc-rt-bigrec-XXXXXX");
    assert_non_null(mkdtemp(dir));
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime_options o = CC_RUNTIME_OPTIONS_INIT;
    o.journal_dir = dir;
    cc_runtime *rt;
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK);
    cc_server_options so = CC_SERVER_OPTIONS_INIT;
    char bound[128];
    so.max_message_bytes = CC__JOURNAL_MAX_RECORD + 1;
    assert_int_equal(cc_runtime_listen(rt, "tcp://127.0.0.1:0", &so, bound, sizeof bound),
                     CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "journal"));
    so.max_message_bytes = 8u << 20; /* well inside a record */
    assert_int_equal(cc_runtime_listen(rt, "tcp://127.0.0.1:0", &so, bound, sizeof bound), CC_OK);
    /* Params of exactly CC__JOURNAL_MAX_RECORD bytes: [{"name": "q", "x": "xxx..."}] */
    size_t len = CC__JOURNAL_MAX_RECORD, slen = len - 16;
    unsigned char *p = malloc(len);
    assert_non_null(p);
    memcpy(p, "\x91\x82\xa4name\xa1q\xa1x\xdb", 12);
    for (int i = 0; i < 4; i++)
        p[12 + i] = (unsigned char)(slen >> (8 * (3 - i)));
    memset(p + 16, 'x', slen);
    assert_int_equal(cc_runtime_journal_command(rt, "queue.create", p, len), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "journal"));
    free(p);
    close_and_drain(rt, &loop);
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, &o), CC_OK); /* still recovers */
    close_and_drain(rt, &loop);
    /* Without a journal any size may be served. */
    assert_int_equal(cc_runtime_new(&rt, &loop, NULL, NULL), CC_OK);
    so.max_message_bytes = CC__JOURNAL_MAX_RECORD + 1;
    assert_int_equal(cc_runtime_listen(rt, "tcp://127.0.0.1:0", &so, bound, sizeof bound), CC_OK);
    close_and_drain(rt, &loop);
    uv_loop_close(&loop);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- allocation failures ------------------------------------------------------- */

typedef struct sweep_ctx {
    const char *journal; /* NULL: no journal */
    int runs;
} sweep_ctx;

/* A runtime's life under allocation failure: created (maybe recovering a
 * journal), serving a scenario, closed. Every step either works or reports
 * CC_ENOMEM, and everything is freed. */
static int runtime_life(void *arg)
{
    sweep_ctx *sc = arg;
    char dir[128], cmd[200];
    cc_runtime_options o = CC_RUNTIME_OPTIONS_INIT;
    if (sc->journal) {
        snprintf(dir, sizeof dir, "%s/%d", sc->journal, sc->runs++);
        o.journal_dir = dir;
        o.fsync = CC_FSYNC_OFF;
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    cc_runtime *rt = NULL;
    cc_status st = cc_runtime_new(&rt, &loop, NULL, &o);
    int rc = 0;
    if (st == CC_OK) {
        req r;
        req_init(&r);
        req_begin(&r, "queue.create", 1);
        kv_str(&r, "name", "q");
        req_begin(&r, "events.subscribe", 0);
        req_begin(&r, "agent.login", 2);
        kv_str(&r, "agent", "ann");
        cc__pack_key(&r.pk, "queues");
        msgpack_pack_array(&r.pk, 1);
        cc__pack_cstr(&r.pk, "q");
        req_begin(&r, "contact.create", 2);
        kv_int(&r, "contact_id", 1);
        kv_str(&r, "queue", "q");
        req_begin(&r, "contact.accept", 2);
        kv_int(&r, "contact_id", 1);
        kv_str(&r, "agent", "ann");
        req_begin(&r, "contact.end", 1);
        kv_int(&r, "contact_id", 1);
        req_begin(&r, "kpi.snapshot", 0);
        cc__wbuf out = {0};
        /* Packing the requests allocates too: when that failed, there is
         * nothing to send, and the runtime is closed all the same. */
        if (!r.b.failed) {
            st = cc__server_feed(rt->server, r.b.data, r.b.len, NULL, &out);
            if (st != CC_OK && st != CC_ENOMEM) rc = 1;
        }
        cc__wbuf_free(&out);
        cc__wbuf_free(&r.b);
        if (cc_runtime_close(rt, NULL, NULL) != CC_OK) rc = 1;
        uv_run(&loop, UV_RUN_DEFAULT);
    } else if (st != CC_ENOMEM && st != CC_EIO) {
        rc = 1;
    }
    if (uv_loop_close(&loop) != 0) rc = 1; /* a handle left open */
    if (sc->journal) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) rc = 1;
    }
    return rc;
}

static void every_allocation_failure_is_survived(void **state)
{
    (void)state;
    sweep_ctx sc = {NULL, 0};
    long points = cc_test_alloc_sweep(runtime_life, &sc);
    assert_true(points > 50);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/cc-rt-sweep-XXXXXX");
    assert_non_null(mkdtemp(dir));
    sc.journal = dir;
    points = cc_test_alloc_sweep(runtime_life, &sc);
    assert_true(points > 50);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(options_are_checked),
        cmocka_unit_test(posts_from_any_thread_run_on_the_loop),
        cmocka_unit_test(a_post_may_close_the_runtime),
        cmocka_unit_test(engine_deadline_becomes_a_libuv_timer),
        cmocka_unit_test(a_direct_change_on_the_loop_thread_arms_its_timers),
        cmocka_unit_test(dispatcher_answers_in_order_with_errors),
        cmocka_unit_test(an_argument_given_twice_is_refused),
        cmocka_unit_test(recovery_replays_a_crash_image_and_cuts_a_torn_tail),
        cmocka_unit_test(replay_rebuilds_the_same_engine_bit_for_bit),
        cmocka_unit_test(queue_configure_is_journaled_and_replayed),
        cmocka_unit_test(recovery_refuses_other_decision_options),
        cmocka_unit_test(replay_accepts_nested_keys_an_older_server_let_pass),
        cmocka_unit_test(replay_refuses_a_runtime_record_it_does_not_know),
        cmocka_unit_test(journal_command_refuses_methods_recovery_cannot_replay),
        cmocka_unit_test(direct_changes_can_be_journaled),
        cmocka_unit_test(nothing_is_journaled_that_recovery_cannot_read),
        cmocka_unit_test(a_failed_journal_refuses_journal_commands),
        cmocka_unit_test(a_failed_snapshot_is_not_retried_at_every_commit),
        cmocka_unit_test(every_allocation_failure_is_survived),
        cmocka_unit_test(a_connection_refused_for_memory_does_not_stop_the_listener),
        cmocka_unit_test(max_connections_counts_the_connections_of_its_own_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
