/*
 * callcore/staffing.h - how many agents an interval needs: minimum agents meeting a service
 * level, an average speed of answer or an abandonment target, with an optional occupancy
 * cap and shrinkage; and interval plans (arrays of volumes in, agents per interval out).
 *
 * Pure maths: no state, reentrant, any thread. The solvers start from the square-root
 * staffing estimate A + beta sqrt(A) (Halfin-Whitt) and step from there: never a search
 * from 1. With Erlang C (no patience given) each step is O(1) after one O(N) Erlang B
 * recursion, so a 10,000-Erlang solve costs about one 10,000-step recursion. With a
 * patience (Erlang A) the search brackets the answer and bisects, O(log N) evaluations; the
 * answer may be below the offered load.
 */
#ifndef CALLCORE_STAFFING_H
#define CALLCORE_STAFFING_H

#include <stddef.h>
#include <stdint.h>

#include "callcore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cc_staffing_goal {
    CC_STAFFING_SERVICE_LEVEL = 0, /* answered within target_s >= target_sl (over offered) */
    CC_STAFFING_ASA = 1,           /* mean wait (of answered calls with patience) <= target_asa_s */
    CC_STAFFING_ABANDON = 2        /* P(abandon) <= target_abandon; needs patience_s */
} cc_staffing_goal;

#define CC_STAFFING_OPTIONS_VERSION 1

/* Zero means default for every member except where stated. */
typedef struct cc_staffing_options {
    uint32_t version;      /* CC_STAFFING_OPTIONS_VERSION */
    cc_staffing_goal goal; /* default CC_STAFFING_SERVICE_LEVEL */
    double target_sl;      /* in (0, 1); default 0.8 */
    double target_s;       /* answer-time threshold, seconds; default 20. Also the threshold of
                            * the service level reported for the other goals. */
    double target_asa_s;   /* > 0; required for CC_STAFFING_ASA */
    double target_abandon; /* in (0, 1); required for CC_STAFFING_ABANDON */
    double patience_s;     /* mean patience, seconds; > 0 switches every goal to Erlang A;
                            * 0 = callers never abandon (Erlang C) */
    double max_occupancy;  /* in (0, 1]; 0 = no cap */
    double shrinkage;      /* in [0, 1); scheduled = ceil(agents / (1 - shrinkage)) */
} cc_staffing_options;

#define CC_STAFFING_OPTIONS_INIT                                                                   \
    {                                                                                              \
        CC_STAFFING_OPTIONS_VERSION, CC_STAFFING_SERVICE_LEVEL, 0, 0, 0, 0, 0, 0, 0                \
    }

/* What one interval gets with the chosen number of agents. Times in seconds. */
typedef struct cc_staffing_result {
    int agents;           /* minimum agents on the phones meeting every target */
    int scheduled_agents; /* agents / (1 - shrinkage), rounded up */
    double traffic;       /* offered load, Erlangs = calls * aht_s / interval_s */
    double p_wait;        /* probability a caller waits */
    double service_level; /* answered within target_s, over offered calls */
    double asa_s;         /* mean wait (Erlang C: all calls; Erlang A: answered calls) */
    double occupancy;     /* busy fraction of the agents (0 with no calls) */
    double p_abandon;     /* 0 under Erlang C */
} cc_staffing_result;

/*
 * Solves one interval: `calls` arriving over `interval_s` seconds with mean handle time
 * `aht_s`. out is borrowed for the call; opt may be NULL (all defaults). calls == 0 gives
 * 0 agents. Returns CC_OK; CC_EINVAL (out NULL, calls < 0, interval_s <= 0, aht_s <= 0, a
 * target outside its range, a missing required target, non-finite values), CC_EVERSION
 * (unknown opt->version), CC_EINFEASIBLE (the target needs more than CC_ERLANG_MAX_AGENTS
 * agents), CC_ERANGE (with a patience only: the fewest agents found to meet the target
 * have a neighbour below where Erlang A cannot be evaluated, because its series would need
 * more than 10^7 terms (see cc_erlang_a_eval: a patience of about 10^11 AHT near the load,
 * or overload times patience beyond 10^7), so the minimum cannot be certified; the detail
 * names both counts. Probes far below the answer that cannot be evaluated are skipped and
 * never cause it; or the scheduled agents exceed INT_MAX, a shrinkage near 1). On error
 * *out is zeroed with agents = -1; cc_error_last() tells why.
 */
cc_status cc_staffing_solve(cc_staffing_result *out, const cc_staffing_options *opt, double calls,
                            double interval_s, double aht_s);

/*
 * Interval plan: solves each of the n intervals. calls[n] and aht_s[n] are borrowed (aht_s
 * may be NULL to use aht_default_s everywhere); out[n] is caller-owned and written. Returns
 * CC_OK or the first interval's error (the detail names the interval index); intervals
 * after a failure are left with agents = -1. O(sum of the per-interval costs).
 */
cc_status cc_staffing_plan(cc_staffing_result *out, const cc_staffing_options *opt,
                           const double *calls, const double *aht_s, double aht_default_s, size_t n,
                           double interval_s);

/*
 * Convenience, counts only: minimum Erlang C agents for `traffic` Erlangs so that
 * P(wait <= target_s) >= target_sl. Returns the count, or -1 with a detail message on
 * invalid input (traffic < 0, aht_s <= 0, target_sl outside (0, 1), target_s < 0).
 */
int cc_staffing_agents_for_sl(double traffic, double aht_s, double target_sl, double target_s);

#ifdef __cplusplus
}
#endif
#endif
