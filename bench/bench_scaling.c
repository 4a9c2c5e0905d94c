/*
 * bench/bench_scaling.c - the routing benchmark's scaling table: scenario
 * presets run through the routing workload of bench/routing_workload.c.
 *
 *   bench_scaling [--seconds S] [--runs R] [--max-agents N] [--json]
 *
 * Rows: 1,000 / 10,000 / 100,000 agents x few skills (10 queues, 5 skills) /
 * many skills (200 queues, 50 skills). Each cell is the median of R runs
 * (seeds 1..R) of S seconds each; the last column is the cost per decision
 * relative to the 1,000-agent row with the same skills, the figure the
 * routing design promises stays flat (O(log n) per decision). Figures come
 * under both definitions of routing_workload.h: lifecycle (every engine call
 * of a contact's lifecycle; the unprefixed columns and keys) and deciding call
 * (the call that produced the offer; the "decide" columns and keys). The channel
 * dimension (voice only vs voice + chat + e-mail) needs the simulator's
 * simulated media and is in bench_sim --table.
 */
#include "routing_workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct scaling_cell {
    double decisions_per_s, p50_ns, p99_ns, bytes_per_agent; /* lifecycle */
    double decide_decisions_per_s, decide_p50_ns, decide_p99_ns; /* deciding call */
} scaling_cell;

static int scaling_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double scaling_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, scaling_cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int scaling_run(int64_t agents, int64_t queues, int64_t skills, double seconds, int runs,
                       scaling_cell *out)
{
    double dps[32], p50[32], p99[32], bpa[32], ddps[32], dp50[32], dp99[32];
    for (int r = 0; r < runs; r++) {
        bench_routing_options o;
        memset(&o, 0, sizeof o);
        o.agents = agents;
        o.queues = queues;
        o.skills = skills;
        o.seconds = seconds;
        o.seed = (uint64_t)r + 1;
        bench_routing_result res;
        char err[256];
        if (bench_routing_check(&o, err, sizeof err) != 0 ||
            bench_routing_run(&o, &res, err, sizeof err) != 0) {
            fprintf(stderr, "bench_scaling: %s\n", err);
            return -1;
        }
        dps[r] = res.engine.decisions_per_s;
        p50[r] = res.engine.p50_ns;
        p99[r] = res.engine.p99_ns;
        bpa[r] = res.bytes_per_agent;
        ddps[r] = res.engine.decide_decisions_per_s;
        dp50[r] = res.engine.decide_p50_ns;
        dp99[r] = res.engine.decide_p99_ns;
    }
    out->decisions_per_s = scaling_median(dps, runs);
    out->p50_ns = scaling_median(p50, runs);
    out->p99_ns = scaling_median(p99, runs);
    out->bytes_per_agent = scaling_median(bpa, runs);
    out->decide_decisions_per_s = scaling_median(ddps, runs);
    out->decide_p50_ns = scaling_median(dp50, runs);
    out->decide_p99_ns = scaling_median(dp99, runs);
    return 0;
}

static double scaling_arg(int argc, char **argv, const char *name, double def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) {
            char *end;
            double v = strtod(argv[i + 1], &end);
            if (*end || !(v > 0)) {
                fprintf(stderr, "bench_scaling: %s needs a positive number\n", name);
                exit(2);
            }
            return v;
        }
    return def;
}

int main(int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) json = 1;
        if (strcmp(argv[i], "--help") == 0) {
            puts("usage: bench_scaling [--seconds S] [--runs R] [--max-agents N] [--json]");
            return 0;
        }
    }
    double seconds = scaling_arg(argc, argv, "--seconds", 1.0);
    int runs = (int)scaling_arg(argc, argv, "--runs", 3);
    double max_agents = scaling_arg(argc, argv, "--max-agents", 100000);
    if (runs > 32) runs = 32;
    static const struct {
        const char *name;
        int64_t queues, skills;
    } mixes[2] = {{"few", 10, 5}, {"many", 200, 50}};
    if (json) printf("[");
    else
        printf("| agents | skills | queues | decisions/s | p50 ns | p99 ns | bytes/agent | "
               "ns/decision vs 1k | decide decisions/s | decide p50 ns | decide p99 ns | "
               "decide ns/decision vs 1k |\n"
               "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    int first = 1;
    for (int m = 0; m < 2; m++) {
        double base_ns = 0, base_decide_ns = 0;
        for (double agents = 1000; agents <= max_agents; agents *= 10) {
            scaling_cell c;
            if (scaling_run((int64_t)agents, mixes[m].queues, mixes[m].skills, seconds, runs, &c))
                return 1;
            double ns = 1e9 / c.decisions_per_s, decide_ns = 1e9 / c.decide_decisions_per_s;
            if (base_ns == 0) base_ns = ns, base_decide_ns = decide_ns;
            if (json) {
                printf("%s\n {\"agents\": %.0f, \"skills\": %lld, \"queues\": %lld, "
                       "\"decisions_per_s\": %.17g, \"p50_ns\": %.17g, \"p99_ns\": %.17g, "
                       "\"bytes_per_agent\": %.17g, \"cost_ratio_vs_1k\": %.17g, "
                       "\"decide_decisions_per_s\": %.17g, \"decide_p50_ns\": %.17g, "
                       "\"decide_p99_ns\": %.17g, \"decide_cost_ratio_vs_1k\": %.17g}",
                       first ? "" : ",", agents, (long long)mixes[m].skills,
                       (long long)mixes[m].queues, c.decisions_per_s, c.p50_ns, c.p99_ns,
                       c.bytes_per_agent, ns / base_ns, c.decide_decisions_per_s,
                       c.decide_p50_ns, c.decide_p99_ns, decide_ns / base_decide_ns);
            } else {
                printf("| %.0f | %s (%lld) | %lld | %.0f | %.0f | %.0f | %.0f | %.2f | %.0f | %.0f | "
                       "%.0f | %.2f |\n",
                       agents, mixes[m].name, (long long)mixes[m].skills,
                       (long long)mixes[m].queues, c.decisions_per_s, c.p50_ns, c.p99_ns,
                       c.bytes_per_agent, ns / base_ns, c.decide_decisions_per_s,
                       c.decide_p50_ns, c.decide_p99_ns, decide_ns / base_decide_ns);
                fflush(stdout);
            }
            first = 0;
        }
    }
    if (json) printf("\n]\n");
    return 0;
}
