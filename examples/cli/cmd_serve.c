/*
 * examples/cli/cmd_serve.c - `callcore serve`: the engine as a daemon.
 *
 * Runs one libuv loop that owns the runtime (engine, wire server, journal)
 * until SIGINT or SIGTERM, then closes the runtime asynchronously (final
 * snapshot, journal synced) and lets the loop end.
 */
#include "cli.h"

#include "callcore/runtime.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

static const char cli_serve_usage[] =
    "usage: callcore serve --listen tcp://127.0.0.1:PORT|unix:PATH [--listen ...]\n"
    "                      [--journal DIR] [--fsync always|batch|off] [--token SECRET]\n"
    "                      [--max-message BYTES] [--max-pending BYTES] [--allow-remote]\n"
    "                      [--snapshot-interval-ms MS] [--seed N]\n"
    "  Serves the routing engine over msgpack-RPC (docs/protocol.md) until SIGINT or\n"
    "  SIGTERM. Prints 'listening on ADDRESS' for each address once bound (port 0 picks\n"
    "  a free port). TCP addresses must be loopback unless --allow-remote is given.\n"
    "  With --journal, every input and event is journaled and the engine is recovered\n"
    "  from DIR at start; --fsync chooses when records reach the disk (default always).\n"
    "  --seed (random routing strategies) is recorded in the journal: a restart on it\n"
    "  must give the same seed, or it is refused.\n"
    "  With --token, clients must call 'auth' with it first.\n";

typedef struct serve_ctx {
    cc_runtime *rt;
    uv_signal_t sigint, sigterm;
    int stopping;
} serve_ctx;

static void serve_on_error(const char *message, void *user_data)
{
    (void)user_data;
    fprintf(stderr, "callcore serve: %s\n", message);
}

static void serve_signal_closed(uv_handle_t *h)
{
    (void)h;
}

static void serve_on_signal(uv_signal_t *s, int signum)
{
    serve_ctx *ctx = s->data;
    (void)signum;
    if (ctx->stopping) return;
    ctx->stopping = 1;
    cc_runtime_close(ctx->rt, NULL, NULL);
    uv_close((uv_handle_t *)&ctx->sigint, serve_signal_closed);
    uv_close((uv_handle_t *)&ctx->sigterm, serve_signal_closed);
}

int cli_cmd_serve(int argc, char **argv)
{
    cli_opt opts[] = {{.name = "listen", .has_arg = 1, .repeat = 1},
                      {.name = "journal", .has_arg = 1},
                      {.name = "fsync", .has_arg = 1},
                      {.name = "token", .has_arg = 1},
                      {.name = "max-message", .has_arg = 1},
                      {.name = "max-pending", .has_arg = 1},
                      {.name = "allow-remote"},
                      {.name = "snapshot-interval-ms", .has_arg = 1},
                      {.name = "seed", .has_arg = 1}};
    cli_args a = {.opts = opts, .nopts = sizeof opts / sizeof opts[0], .usage = cli_serve_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.npos > 0) return cli_usage_error(&a, "unexpected argument '%s'", a.pos[0]);
    const cli_opt *listen = cli_find(&a, "listen");
    if (!listen->count) return cli_usage_error(&a, "--listen is required");
    int64_t max_msg, max_pending, snap_ms, seed;
    if ((rc = cli_int64(&a, "max-message", 0, 0, &max_msg)) ||
        (rc = cli_int64(&a, "max-pending", 0, 0, &max_pending)) ||
        (rc = cli_int64(&a, "snapshot-interval-ms", 0, 0, &snap_ms)) ||
        (rc = cli_int64(&a, "seed", 0, 0, &seed)))
        return rc;
    if (max_msg < 0 || max_pending < 0 || seed < 0)
        return cli_usage_error(&a, "sizes and seed must be >= 0");
    cc_runtime_options ro = CC_RUNTIME_OPTIONS_INIT;
    ro.journal_dir = cli_str(&a, "journal", NULL);
    ro.snapshot_interval_ms = snap_ms;
    ro.error_fn = serve_on_error;
    if (cli_has(&a, "fsync")) {
        if (cc_fsync_policy_from_name(cli_str(&a, "fsync", NULL), &ro.fsync) != CC_OK)
            return cli_usage_error(&a, "%s", cc_error_last());
        if (!ro.journal_dir) return cli_usage_error(&a, "--fsync needs --journal");
    }
    cc_server_options so = CC_SERVER_OPTIONS_INIT;
    so.token = cli_str(&a, "token", NULL);
    so.max_message_bytes = (size_t)max_msg;
    so.max_pending_bytes = (size_t)max_pending;
    so.allow_remote = cli_has(&a, "allow-remote");
    if (so.allow_remote && !so.token) return cli_usage_error(&a, "--allow-remote needs --token");

    /* libuv writes to sockets with write(2): a client that left while its
     * responses were on the way must cost its connection (EPIPE), not the
     * daemon (SIGPIPE's default action ends the process). */
    signal(SIGPIPE, SIG_IGN);
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) return cli_fail("cannot create the event loop");
    cc_engine_options eo = CC_ENGINE_OPTIONS_INIT;
    eo.seed = (uint64_t)seed;
    serve_ctx ctx = {0};
    cc_status st = cc_runtime_new(&ctx.rt, &loop, &eo, &ro);
    if (st != CC_OK) {
        uv_loop_close(&loop);
        return cli_fail("%s", cc_error_last());
    }
    cc_recovery_stats rs = CC_RECOVERY_STATS_INIT;
    cc_runtime_recovery(ctx.rt, &rs);
    if (ro.journal_dir)
        fprintf(stderr,
                "callcore serve: journal %s: %llu segment(s), snapshot %s, %llu command(s) "
                "replayed, %llu torn byte(s) cut, %llu offer(s) released\n",
                ro.journal_dir, (unsigned long long)rs.segments,
                rs.snapshot_loaded ? "loaded" : "none", (unsigned long long)rs.commands_replayed,
                (unsigned long long)rs.torn_bytes, (unsigned long long)rs.offers_released);
    /* The handlers go in before the first "listening" line: a supervisor
     * that stops the daemon as soon as it reads that line must get the clean
     * shutdown (final snapshot), not the default action of SIGTERM. */
    uv_signal_init(&loop, &ctx.sigint);
    uv_signal_init(&loop, &ctx.sigterm);
    ctx.sigint.data = ctx.sigterm.data = &ctx;
    uv_signal_start(&ctx.sigint, serve_on_signal, SIGINT);
    uv_signal_start(&ctx.sigterm, serve_on_signal, SIGTERM);
    int failed = 0;
    for (int i = 0; i < listen->count && !failed; i++) {
        char bound[300];
        if (cc_runtime_listen(ctx.rt, listen->values[i], &so, bound, sizeof bound) != CC_OK) {
            fprintf(stderr, "callcore: %s\n", cc_error_last());
            failed = 1;
        } else {
            printf("listening on %s\n", bound);
            fflush(stdout);
        }
    }
    if (failed) serve_on_signal(&ctx.sigterm, SIGTERM); /* the same orderly close */
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
