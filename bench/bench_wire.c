/*
 * bench/bench_wire.c - loopback load test of the wire server: `contact.create`
 * pipelined over 100 concurrent TCP connections.
 *
 * The server (runtime + engine, no journal) runs on its own libuv loop in a
 * second thread, exactly as `callcore serve` does; this thread is the load
 * generator: one epoll loop over C connections, each keeping W requests in
 * flight. It measures, per request, the time from the send to the response,
 * and prints requests per second and the latency percentiles of each run and
 * the median over the runs, for each window size side by side: with C x W
 * requests in flight, latency is about C x W / throughput (Little's law), so
 * the window trades latency for throughput. Bounded: R runs of N requests per
 * window, each run also stopped after 20 s. Traffic goes to 127.0.0.1 only.
 *
 * usage: bench_wire [--connections C] [--window W[,W...]] [--requests N] [--runs R]
 *                   [--journal DIR --fsync always|batch|off]
 * defaults: C = 100, W = 1,4,32, N = 100000, R = 3, no journal. With --journal,
 * every request is journaled in DIR (created; it must not hold a journal
 * already, and is left for inspection: about 200 bytes per request).
 */
#include "base/mem.h"
#include "callcore/runtime.h"
#include "runtime/wire_frame.h"

#include <errno.h>
#include <msgpack.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

typedef struct bench_server {
    uv_loop_t loop;
    cc_runtime *rt;
    char address[128];
    pthread_t thread;
} bench_server;

static void *server_main(void *arg)
{
    bench_server *s = arg;
    uv_run(&s->loop, UV_RUN_DEFAULT);
    return NULL;
}

static void server_stop(cc_engine *engine, void *ud)
{
    (void)engine;
    cc_runtime_close(ud, NULL, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct conn {
    int fd;
    unsigned char in[1 << 16];
    size_t in_len;
    long sent, received; /* requests of this connection */
} conn;

typedef struct run_result {
    double rps, p50_ms, p99_ms, max_ms;
    long done;
} run_result;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct wbuf {
    char *p;
    size_t len, cap;
} wbuf;

static int wbuf_write(void *data, const char *buf, size_t len)
{
    wbuf *b = data;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + len)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) return -1;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, buf, len);
    b->len += len;
    return 0;
}

/* Packs [0, msgid, "contact.create", [{"contact_id": id, "queue": "bench"}]]. */
static void pack_create(wbuf *b, uint32_t msgid, uint64_t id)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, b, wbuf_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_uint8(&pk, 0);
    msgpack_pack_uint32(&pk, msgid);
    msgpack_pack_str_with_body(&pk, "contact.create", 14);
    msgpack_pack_array(&pk, 1);
    msgpack_pack_map(&pk, 2);
    msgpack_pack_str_with_body(&pk, "contact_id", 10);
    msgpack_pack_uint64(&pk, id);
    msgpack_pack_str_with_body(&pk, "queue", 5);
    msgpack_pack_str_with_body(&pk, "bench", 5);
}

/* msgid of a response frame [1, msgid, error, result]; -1 if it is an error. */
static long response_msgid(const unsigned char *f, size_t len)
{
    if (len < 4 || f[0] != 0x94 || f[1] != 0x01) return -2;
    size_t i = 2;
    uint32_t id;
    if (f[i] < 0x80)
        id = f[i++];
    else if (f[i] == 0xcc)
        id = f[i + 1], i += 2;
    else if (f[i] == 0xcd)
        id = (uint32_t)f[i + 1] << 8 | f[i + 2], i += 3;
    else if (f[i] == 0xce)
        id = (uint32_t)f[i + 1] << 24 | (uint32_t)f[i + 2] << 16 | (uint32_t)f[i + 3] << 8 |
             f[i + 4],
        i += 5;
    else
        return -2;
    if (i >= len || f[i] != 0xc0) return -1;
    return (long)id;
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int run_once(int port, int nconn, int window, long total, uint64_t *next_contact,
                    run_result *out)
{
    conn *cs = calloc((size_t)nconn, sizeof *cs);
    double *sent_at = malloc((size_t)total * sizeof *sent_at);
    double *lat = malloc((size_t)total * sizeof *lat);
    if (!cs || !sent_at || !lat) return -1;
    int ep = epoll_create1(0);
    long per_conn = total / nconn;
    for (int i = 0; i < nconn; i++) {
        cs[i].fd = connect_to(port);
        if (cs[i].fd < 0) {
            fprintf(stderr, "bench_wire: connect failed: %s\n", strerror(errno));
            return -1;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
    }
    wbuf b = {0};
    long done = 0, nlat = 0, errors = 0;
    double t0 = now_s();
    /* msgid = connection * per_conn + request index, unique in the run. */
    for (int i = 0; i < nconn; i++) {
        b.len = 0;
        for (int k = 0; k < window && cs[i].sent < per_conn; k++, cs[i].sent++) {
            long idx = (long)i * per_conn + cs[i].sent;
            pack_create(&b, (uint32_t)idx, (*next_contact)++);
            sent_at[idx] = now_s();
        }
        if (write(cs[i].fd, b.p, b.len) != (ssize_t)b.len) return -1;
    }
    long target = per_conn * nconn;
    struct epoll_event evs[128];
    while (done < target && now_s() - t0 < 20.0) {
        int n = epoll_wait(ep, evs, 128, 1000);
        for (int e = 0; e < n; e++) {
            conn *c = &cs[evs[e].data.u32];
            int ci = (int)evs[e].data.u32;
            ssize_t r = read(c->fd, c->in + c->in_len, sizeof c->in - c->in_len);
            if (r <= 0) {
                fprintf(stderr, "bench_wire: server closed a connection\n");
                return -1;
            }
            c->in_len += (size_t)r;
            size_t off = 0, flen;
            double t = now_s();
            int fresh = 0;
            while (cc__wire_scan(c->in + off, c->in_len - off, sizeof c->in, &flen) ==
                   CC__SCAN_COMPLETE) {
                long id = response_msgid(c->in + off, flen);
                if (id == -1) errors++;
                if (id >= 0 && id < total) lat[nlat++] = (t - sent_at[id]) * 1e3;
                off += flen;
                c->received++;
                done++;
                fresh++;
            }
            memmove(c->in, c->in + off, c->in_len - off);
            c->in_len -= off;
            /* Refill the window: one request out for each answer in. */
            b.len = 0;
            for (int k = 0; k < fresh && c->sent < per_conn; k++, c->sent++) {
                long idx = (long)ci * per_conn + c->sent;
                pack_create(&b, (uint32_t)idx, (*next_contact)++);
                sent_at[idx] = t;
            }
            if (b.len && write(c->fd, b.p, b.len) != (ssize_t)b.len) return -1;
        }
    }
    double elapsed = now_s() - t0;
    for (int i = 0; i < nconn; i++)
        close(cs[i].fd);
    close(ep);
    qsort(lat, (size_t)nlat, sizeof *lat, cmp_double);
    out->done = done;
    out->rps = (double)done / elapsed;
    out->p50_ms = nlat ? lat[nlat / 2] : 0;
    out->p99_ms = nlat ? lat[(size_t)((double)nlat * 0.99)] : 0;
    out->max_ms = nlat ? lat[nlat - 1] : 0;
    if (errors) fprintf(stderr, "bench_wire: %ld error responses\n", errors);
    free(b.p);
    free(cs);
    free(sent_at);
    free(lat);
    return errors ? -1 : 0;
}

static long arg_long(int argc, char **argv, const char *name, long def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return strtol(argv[i + 1], NULL, 10);
    return def;
}

static const char usage[] = "usage: bench_wire [--connections 1..1000] [--window W[,W...]] "
                            "[--requests N >= C] [--runs 1..15] [--journal DIR] "
                            "[--fsync always|batch|off]\n";

/* Every argument is a known option with its value: a typo or --help must
 * not start a minutes-long run with the defaults. 1 when the options are
 * well formed, 0 after --help, -1 otherwise. */
static int args_check(int argc, char **argv)
{
    static const char *const known[] = {"--connections", "--window", "--requests",
                                        "--runs", "--journal", "--fsync"};
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 0;
        int ok = 0;
        for (size_t k = 0; k < sizeof known / sizeof *known; k++) ok |= strcmp(argv[i], known[k]) == 0;
        if (!ok || i + 1 == argc) return -1;
    }
    return 1;
}

int main(int argc, char **argv)
{
    int args = args_check(argc, argv);
    if (args <= 0) {
        fputs(usage, args ? stderr : stdout);
        return args ? 2 : 0;
    }
    int nconn = (int)arg_long(argc, argv, "--connections", 100);
    const char *wspec = "1,4,32";
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--window") == 0) wspec = argv[i + 1];
    int windows[8], nwin = 0;
    for (const char *p = wspec; *p && nwin < 8;) {
        char *end;
        long w = strtol(p, &end, 10);
        if (end == p || w < 1 || w > 4096) {
            nwin = 0;
            break;
        }
        windows[nwin++] = (int)w;
        p = *end == ',' ? end + 1 : end;
    }
    long total = arg_long(argc, argv, "--requests", 100000);
    int runs = (int)arg_long(argc, argv, "--runs", 3);
    if (nconn < 1 || nconn > 1000 || nwin == 0 || total < nconn || runs < 1 || runs > 15) {
        fputs(usage, stderr);
        return 2;
    }
    const char *journal = NULL, *fsync_name = "always";
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--journal") == 0) journal = argv[i + 1];
        if (strcmp(argv[i], "--fsync") == 0) fsync_name = argv[i + 1];
    }
    cc_runtime_options ro = CC_RUNTIME_OPTIONS_INIT;
    ro.journal_dir = journal;
    if (cc_fsync_policy_from_name(fsync_name, &ro.fsync) != CC_OK) {
        fprintf(stderr, "bench_wire: %s\n", cc_error_last());
        return 2;
    }
    bench_server s;
    if (uv_loop_init(&s.loop) != 0) return 1;
    if (cc_runtime_new(&s.rt, &s.loop, NULL, &ro) != CC_OK ||
        cc_runtime_listen(s.rt, "tcp://127.0.0.1:0", NULL, s.address, sizeof s.address) != CC_OK) {
        fprintf(stderr, "bench_wire: %s\n", cc_error_last());
        return 1;
    }
    cc_queue_config q = CC_QUEUE_CONFIG_INIT;
    q.name = "bench";
    if (cc_engine_queue_add(cc_runtime_engine(s.rt), &q) != CC_OK) {
        fprintf(stderr, "bench_wire: %s\n", cc_error_last());
        return 1;
    }
    int port = atoi(strrchr(s.address, ':') + 1);
    pthread_create(&s.thread, NULL, server_main, &s);
    printf("bench_wire: contact.create pipelined over %d loopback TCP connections, "
           "%ld requests per run, %d runs per window, journal: %s%s%s\n",
           nconn, total, runs, journal ? "fsync=" : "none", journal ? fsync_name : "",
           journal ? "" : "");
    printf("%-8s %-6s %12s %10s %10s %10s\n", "window", "run", "requests/s", "p50 ms", "p99 ms",
           "max ms");
    run_result res[15];
    double med_rps[8], med_p50[8], med_p99[8];
    uint64_t next_contact = 1;
    int rc = 0;
    for (int w = 0; w < nwin && rc == 0; w++) {
        for (int r = 0; r < runs && rc == 0; r++) {
            rc = run_once(port, nconn, windows[w], total, &next_contact, &res[r]);
            printf("%-8d %-6d %12.0f %10.3f %10.3f %10.3f\n", windows[w], r + 1, res[r].rps,
                   res[r].p50_ms, res[r].p99_ms, res[r].max_ms);
        }
        double rps[15], p99[15], p50[15];
        for (int r = 0; r < runs; r++)
            rps[r] = res[r].rps, p99[r] = res[r].p99_ms, p50[r] = res[r].p50_ms;
        qsort(rps, (size_t)runs, sizeof *rps, cmp_double);
        qsort(p99, (size_t)runs, sizeof *p99, cmp_double);
        qsort(p50, (size_t)runs, sizeof *p50, cmp_double);
        med_rps[w] = rps[runs / 2];
        med_p50[w] = p50[runs / 2];
        med_p99[w] = p99[runs / 2];
    }
    if (rc == 0) {
        printf("\nmedians (targets: >= 100000 requests/s with p99 < 5 ms)\n");
        printf("%-8s %12s %10s %10s %12s\n", "window", "requests/s", "p50 ms", "p99 ms",
               "in flight");
        for (int w = 0; w < nwin; w++)
            printf("%-8d %12.0f %10.3f %10.3f %12d\n", windows[w], med_rps[w], med_p50[w],
                   med_p99[w], windows[w] * nconn);
    }
    cc_runtime_post(s.rt, server_stop, s.rt);
    pthread_join(s.thread, NULL);
    uv_loop_close(&s.loop);
    return rc ? 1 : 0;
}
