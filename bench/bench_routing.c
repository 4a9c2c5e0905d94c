/*
 * bench/bench_routing.c - routing decisions per second, latency per decision
 * and memory, engine vs a linear-scan baseline, at several sizes.
 *
 *   bench_routing [seconds]      (default 1 second per measurement)
 *
 * Prints two rows per size, one per definition of the time a decision costs
 * (both sides timed alike, see routing_workload.h):
 *   lifecycle  every call of a contact's lifecycle (timers, arrival, accept,
 *              end, event sink) divided by the decisions: what a switch pays;
 *   deciding   only the call that produced the offer.
 * Each row: the engine's decisions/s and p50/p99 ns per decision, and (up to
 * 10,000 agents) the linear baseline measured side by side and the speedup;
 * the lifecycle row also has bytes per agent and per waiting contact and the
 * cost per decision relative to the first size.
 */
#include "routing_workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_row(const bench_routing_options *o, const char *def, double rate, double p50,
                      double p99, int has_base, double brate, double bp50, double bp99,
                      double speedup, double cost_ratio)
{
    printf("%8lld %6lld %6lld %-9s %12.0f %7.0f %7.0f ", (long long)o->agents,
           (long long)o->queues, (long long)o->skills, def, rate, p50, p99);
    if (has_base) printf("%12.0f %8.0f %8.0f %7.1fx", brate, bp50, bp99, speedup);
    else printf("%12s %8s %8s %8s", "-", "-", "-", "-");
    printf(" %6.2fx\n", cost_ratio);
}

int main(int argc, char **argv)
{
    char *end = NULL;
    double seconds = argc > 1 ? strtod(argv[1], &end) : 1.0;
    if (argc > 2 || (end && (end == argv[1] || *end || !(seconds > 0 && seconds <= 3600)))) {
        int help = argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
        fputs("usage: bench_routing [SECONDS per run, (0, 3600], default 1]\n", help ? stdout : stderr);
        return help ? 0 : 2;
    }
    static const int64_t sizes[][3] = {
        {1000, 200, 50}, {10000, 200, 50}, {100000, 200, 50},
    };
    printf("%8s %6s %6s %-9s %12s %7s %7s %12s %8s %8s %8s %7s\n", "agents", "queues", "skills",
           "timed", "decisions/s", "p50_ns", "p99_ns", "linear/s", "lin_p50", "lin_p99",
           "speedup", "cost/1k");
    double first_life = 0, first_decide = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        bench_routing_options o = {sizes[i][0], sizes[i][1], sizes[i][2], seconds, 1,
                                   sizes[i][0] <= 10000};
        bench_routing_result r;
        char err[256];
        if (bench_routing_run(&o, &r, err, sizeof err)) {
            fprintf(stderr, "bench_routing: %s\n", err);
            return 1;
        }
        const bench_routing_figures *f = &r.engine, *b = &r.baseline;
        double life_ns = 1e9 / f->decisions_per_s, decide_ns = 1e9 / f->decide_decisions_per_s;
        if (i == 0) first_life = life_ns, first_decide = decide_ns;
        print_row(&o, "lifecycle", f->decisions_per_s, f->p50_ns, f->p99_ns, r.has_baseline,
                  b->decisions_per_s, b->p50_ns, b->p99_ns, r.speedup, life_ns / first_life);
        print_row(&o, "deciding", f->decide_decisions_per_s, f->decide_p50_ns, f->decide_p99_ns,
                  r.has_baseline, b->decide_decisions_per_s, b->decide_p50_ns, b->decide_p99_ns,
                  r.decide_speedup, decide_ns / first_decide);
        printf("%8s engine memory: %.0f B/agent, %.0f B/waiting contact; %llu decisions\n", "",
               r.bytes_per_agent, r.bytes_per_contact, (unsigned long long)f->decisions);
    }
    return 0;
}
