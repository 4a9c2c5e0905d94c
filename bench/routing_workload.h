/*
 * bench/routing_workload.h - the routing throughput benchmark, shared by the
 * bench_routing program and `callcore bench routing`.
 *
 * A contact center in virtual time: N agents, Q queues, S skills. Each agent
 * serves 3 queues and holds each queue's skill at a random level (plus two
 * random extra skills); each contact asks for its queue's skill at level 1..3.
 * Arrivals are Poisson at 98% of the agents' capacity, talk times exponential
 * (mean 300 s); an offer is accepted at once. A routing decision is one offer
 * (a contact given to an agent). The same workload, event for event, runs
 * through the engine and, with the linear baseline, through a naive router
 * that scans every agent on arrival and every waiting contact when an agent
 * frees up (what classic open-source ACDs do). Both sides are timed over the
 * same work, under two definitions, each measured in its own pass (on a fresh
 * engine or baseline, after the same warm-up) so that the clock reads one
 * definition needs are not charged to the other:
 *  - lifecycle: every call of every input (for the engine: timers looked at
 *    before each input, arrival, end, one accept per offer, the event sink;
 *    for the baseline: its arrival, end and accept steps), divided by the
 *    decisions: what a switch pays per decision;
 *  - deciding call: only the call that produced the offer (the arrival that
 *    found a free agent, or the input that freed an agent and gave it a
 *    waiting contact), divided by the decisions: the selection itself.
 */
#ifndef CC_BENCH_ROUTING_WORKLOAD_H
#define CC_BENCH_ROUTING_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_routing_options {
    int64_t agents, queues, skills;
    double seconds;      /* wall-clock time measured per pass (after warm-up) */
    uint64_t seed;
    int baseline_linear; /* also run the naive router and compare */
} bench_routing_options;

/* One router's figures under both definitions (docs/routing.md). */
typedef struct bench_routing_figures {
    uint64_t decisions;
    double decisions_per_s;              /* lifecycle: decisions / time in every call */
    double p50_ns, p99_ns;               /* lifecycle: per decision, whole input that made one */
    double decide_decisions_per_s;       /* deciding call: decisions / its time */
    double decide_p50_ns, decide_p99_ns; /* deciding call, per decision */
} bench_routing_figures;

typedef struct bench_routing_result {
    bench_routing_figures engine;
    double bytes_per_agent;   /* engine memory per agent (queues, indexes, ...) */
    double bytes_per_contact; /* engine memory per waiting contact */
    int has_baseline;
    bench_routing_figures baseline; /* the linear scan, when has_baseline */
    double speedup;        /* lifecycle: engine / baseline decisions_per_s */
    double decide_speedup; /* deciding call: engine / baseline decide_decisions_per_s */
} bench_routing_result;

/* Validates the options (agents 1..10,000,000, queues 1..100,000, skills
 * 1..10,000, seconds in (0, 3600]); returns 0, or -1 with a message in err. */
int bench_routing_check(const bench_routing_options *o, char *err, size_t errlen);

/* Runs the benchmark; 0, or -1 with a message in err. */
int bench_routing_run(const bench_routing_options *o, bench_routing_result *r, char *err,
                      size_t errlen);

#endif
