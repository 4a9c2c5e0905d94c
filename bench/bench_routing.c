/*
 * bench/bench_routing.c - routing decisions per second, latency per decision
 * and memory, engine vs a linear-scan baseline, at several sizes.
 *
 *   bench_routing [seconds]      (default 1 second per measurement)
 *
 * Prints one table row per size: the engine's decisions/s, p50/p99 ns per
 * decision, bytes per agent and per waiting contact, and (up to 10,000 agents)
 * the linear baseline measured side by side and the speedup.
 */
#include "routing_workload.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    static const int64_t sizes[][3] = {
        {1000, 200, 50}, {10000, 200, 50}, {100000, 200, 50},
    };
    printf("%8s %6s %6s %12s %14s %8s %8s %10s %12s %14s %8s\n", "agents", "queues", "skills",
           "decisions", "decisions/s", "p50_ns", "p99_ns", "B/agent", "B/contact",
           "linear/s", "speedup");
    double first_ns = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        bench_routing_options o = {sizes[i][0], sizes[i][1], sizes[i][2], seconds, 1,
                                   sizes[i][0] <= 10000};
        bench_routing_result r;
        char err[256];
        if (bench_routing_run(&o, &r, err, sizeof err)) {
            fprintf(stderr, "bench_routing: %s\n", err);
            return 1;
        }
        double ns = 1e9 / r.decisions_per_s;
        if (i == 0) first_ns = ns;
        printf("%8lld %6lld %6lld %12llu %14.0f %8.0f %8.0f %10.0f %12.0f ", (long long)o.agents,
               (long long)o.queues, (long long)o.skills, (unsigned long long)r.decisions,
               r.decisions_per_s, r.p50_ns, r.p99_ns, r.bytes_per_agent, r.bytes_per_contact);
        if (r.has_baseline) printf("%14.0f %7.1fx", r.baseline_decisions_per_s, r.speedup);
        else printf("%14s %8s", "-", "-");
        printf("   (cost/decision %.2fx of the 1000-agent row)\n", ns / first_ns);
    }
    return 0;
}
