/*
 * examples/cli/cmd_bench.c - `callcore bench routing`: the routing throughput
 * benchmark (bench/routing_workload.c) from the shell.
 */
#include "cli.h"

#include "base/json.h"
#include "../../bench/routing_workload.h"

#include <stdio.h>
#include <string.h>

static const char cli_bench_usage[] =
    "usage: callcore bench routing [--agents N] [--queues Q] [--skills S] [--seconds D]\n"
    "                              [--baseline linear] [--seed N] [--json]\n"
    "  Drives the routing engine in virtual time (Poisson arrivals at 98% of the\n"
    "  agents' capacity, each agent in 3 queues with skill levels, contacts asking\n"
    "  for their queue's skill at level 1..3) for D seconds of wall time per pass\n"
    "  (one pass per definition below, after a warm-up) and prints\n"
    "  routing decisions (offers) per second, p50/p99 nanoseconds per decision and\n"
    "  engine bytes per agent and per waiting contact. --baseline linear also runs\n"
    "  the same workload through a router that scans every agent / every waiting\n"
    "  contact, and prints its rate and the speedup.\n"
    "  Each figure comes under two definitions, both sides timed alike:\n"
    "    lifecycle (decisions_per_s, p50_ns, p99_ns, speedup, baseline_*): every\n"
    "      call of a contact's lifecycle (timers, arrival, accept, end, events);\n"
    "    deciding call (decide_*): only the call that produced the offer.\n"
    "  Defaults: --agents 10000 --queues 200 --skills 50 --seconds 1 --seed 1.\n";

/* "p50 / p99" in a static buffer, for one column of the text table. */
static const char *bench_pair(double p50, double p99)
{
    static char buf[2][48];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof buf[k], "%.0f / %.0f", p50, p99);
    return buf[k];
}

/* One router's figures as JSON keys: `prefix` + decisions, decisions_per_s,
 * p50_ns, p99_ns, decide_decisions_per_s, decide_p50_ns, decide_p99_ns. */
static void json_figures(cc__json *j, const char *prefix, const bench_routing_figures *f)
{
    static const char *const keys[] = {"decisions_per_s", "p50_ns", "p99_ns",
                                       "decide_decisions_per_s", "decide_p50_ns",
                                       "decide_p99_ns"};
    const double values[] = {f->decisions_per_s,        f->p50_ns,        f->p99_ns,
                             f->decide_decisions_per_s, f->decide_p50_ns, f->decide_p99_ns};
    char key[64];
    snprintf(key, sizeof key, "%sdecisions", prefix);
    cc__json_kv_int(j, key, (int64_t)f->decisions);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        snprintf(key, sizeof key, "%s%s", prefix, keys[i]);
        cc__json_kv_double(j, key, values[i]);
    }
}

int cli_cmd_bench(int argc, char **argv)
{
    cli_opt opts[] = {{.name = "agents", .has_arg = 1},  {.name = "queues", .has_arg = 1},
                      {.name = "skills", .has_arg = 1},  {.name = "seconds", .has_arg = 1},
                      {.name = "baseline", .has_arg = 1}, {.name = "seed", .has_arg = 1},
                      {.name = "json"}};
    cli_args a = {.opts = opts, .nopts = sizeof opts / sizeof opts[0], .usage = cli_bench_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.npos != 1 || strcmp(a.pos[0], "routing") != 0)
        return cli_usage_error(&a, "expected the benchmark name 'routing'");
    bench_routing_options o = {0};
    int64_t seed;
    if ((rc = cli_int64(&a, "agents", 10000, 0, &o.agents)) ||
        (rc = cli_int64(&a, "queues", 200, 0, &o.queues)) ||
        (rc = cli_int64(&a, "skills", 50, 0, &o.skills)) ||
        (rc = cli_double(&a, "seconds", 1.0, 0, &o.seconds)) ||
        (rc = cli_int64(&a, "seed", 1, 0, &seed)))
        return rc;
    /* Seeds are 0..2^53 here as in sim and day (cli.h): -1 ran seed 2^64 - 1. */
    if (seed < 0 || seed > CLI_SEED_MAX) return cli_usage_error(&a, "--seed must be in 0..2^53");
    o.seed = (uint64_t)seed;
    const char *base = cli_str(&a, "baseline", NULL);
    if (base && strcmp(base, "linear") != 0)
        return cli_usage_error(&a, "--baseline: only 'linear' is known, got '%s'", base);
    o.baseline_linear = base != NULL;
    char err[256];
    if (bench_routing_check(&o, err, sizeof err)) return cli_usage_error(&a, "%s", err);
    bench_routing_result r;
    if (bench_routing_run(&o, &r, err, sizeof err)) return cli_fail("bench routing: %s", err);
    if (!cli_has(&a, "json")) {
        printf("agents %lld, queues %lld, skills %lld\n", (long long)o.agents,
               (long long)o.queues, (long long)o.skills);
        const bench_routing_figures *f = &r.engine, *b = &r.baseline;
        printf("decisions          %llu\n", (unsigned long long)f->decisions);
        printf("                   lifecycle (every call)    deciding call only\n");
        printf("decisions_per_s    %-25.0f %.0f\n", f->decisions_per_s, f->decide_decisions_per_s);
        printf("p50_ns / p99_ns    %-25s %.0f / %.0f\n", bench_pair(f->p50_ns, f->p99_ns),
               f->decide_p50_ns, f->decide_p99_ns);
        printf("bytes_per_agent    %.0f\n", r.bytes_per_agent);
        printf("bytes_per_contact  %.0f\n", r.bytes_per_contact);
        if (r.has_baseline) {
            printf("linear decisions/s %-25.0f %.0f\n", b->decisions_per_s,
                   b->decide_decisions_per_s);
            printf("linear p50 / p99   %-25s %.0f / %.0f\n", bench_pair(b->p50_ns, b->p99_ns),
                   b->decide_p50_ns, b->decide_p99_ns);
            char sp[32];
            snprintf(sp, sizeof sp, "%.1fx", r.speedup);
            printf("speedup            %-25s %.1fx\n", sp, r.decide_speedup);
        }
        return CLI_EXIT_OK;
    }
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    cc__json_kv_int(&j, "agents", o.agents);
    cc__json_kv_int(&j, "queues", o.queues);
    cc__json_kv_int(&j, "skills", o.skills);
    json_figures(&j, "", &r.engine);
    cc__json_kv_double(&j, "bytes_per_agent", r.bytes_per_agent);
    cc__json_kv_double(&j, "bytes_per_contact", r.bytes_per_contact);
    if (r.has_baseline) {
        json_figures(&j, "baseline_", &r.baseline);
        cc__json_kv_double(&j, "speedup", r.speedup);
        cc__json_kv_double(&j, "decide_speedup", r.decide_speedup);
    }
    cc__json_object_end(&j);
    return cli_print_json(cc__json_take(&j));
}
