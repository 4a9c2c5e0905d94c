/*
 * callcore/erlang.h - Erlang B, C and A: the queueing formulas contact centers plan with.
 *
 * Pure maths: no state, no allocation except where stated, reentrant and safe to call from
 * any thread. Time is measured in units of the mean handle time (AHT): `traffic` is the
 * offered load in Erlangs (calls per AHT), `t_aht` an answer-time threshold divided by the
 * AHT, `patience_aht` the mean patience divided by the AHT. Multiply results in AHT units by
 * the AHT to get seconds.
 *
 * Invalid input (negative or non-finite load, agents <= load for Erlang C, t < 0, ...)
 * returns NaN (or a cc_status for the struct-filling call) and records a detail message
 * readable with cc_error_last(). Valid input never returns NaN.
 *
 * Numerics: no factorials or powers. Erlang B uses the recursion 1/B(n) = 1 + (n/A)/B(n-1)
 * with exact power-of-two rescaling, so it neither overflows nor loses precision when B
 * underflows (cc_erlang_b_log10 still returns the exact exponent); cost O(servers).
 * Stable for up to CC_ERLANG_MAX_AGENTS agents.
 */
#ifndef CALLCORE_ERLANG_H
#define CALLCORE_ERLANG_H

#include "callcore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest agent / server count accepted (cost is linear in it). */
#define CC_ERLANG_MAX_AGENTS 10000000

/*
 * Erlang B blocking probability for `servers` servers (not necessarily an integer: the
 * continuous extension A^x e^-A / Gamma(x+1, A) is used for fractional x) and `traffic`
 * Erlangs. Returns a value in [0, 1] (0 when it underflows a double), or NaN when
 * servers < 0, servers > CC_ERLANG_MAX_AGENTS, traffic < 0, or either is not finite.
 * traffic 0 gives 0 for servers > 0 and 1 for servers 0.
 */
double cc_erlang_b(double servers, double traffic);

/* log10 of Erlang B; finite even where the value underflows (-37380.7 for 20,000 servers
 * and 100 Erlangs), and to full relative accuracy where B is within a hair of 1
 * (-2.17e-301 for 0.5 servers and 1e300 Erlangs). -inf for traffic 0 and servers > 0. NaN
 * on invalid input as above. */
double cc_erlang_b_log10(double servers, double traffic);

/*
 * Inverse Erlang B: the traffic at which `servers` servers block with probability
 * `blocking`. Returns the load in Erlangs, to a relative accuracy of ~1e-14 for any
 * blocking in (0, 1) (1e-300 or 1 - 1e-12 alike) and servers >= 1; below one server B
 * varies as A^servers, so the load is known to that accuracy divided by `servers`. Returns
 * 0 when the load is below the smallest positive double (1e-8 servers blocking half the
 * calls need e^-(10^8) Erlangs), NaN when servers <= 0 or out of range, or blocking is not
 * inside (0, 1) (detail set). Cost: about 10 Erlang B evaluations (at most 200), O(servers)
 * each.
 */
double cc_erlang_b_traffic(double servers, double blocking);

/*
 * Erlang C (M/M/N): probability that an arriving call waits. NaN when agents < 1 or
 * > CC_ERLANG_MAX_AGENTS, traffic <= 0 or not finite, or agents <= traffic (the queue
 * grows without bound). May underflow to 0: use cc_erlang_c_log10 then.
 */
double cc_erlang_c(int agents, double traffic);

/* log10 of Erlang C's P(wait); finite where the value underflows. NaN as cc_erlang_c. */
double cc_erlang_c_log10(int agents, double traffic);

/* Erlang C service level P(wait <= t_aht), computed without cancellation (correct to the
 * last digits even when it is 1e-5). NaN as cc_erlang_c, or when t_aht < 0 / not finite. */
double cc_erlang_c_service_level(int agents, double traffic, double t_aht);

/* Erlang C mean wait of all calls (ASA), in AHT units. NaN as cc_erlang_c. */
double cc_erlang_c_asa(int agents, double traffic);

/* Erlang C mean wait of the calls that wait, 1 / (agents - traffic), in AHT units. */
double cc_erlang_c_wait_if_waiting(int agents, double traffic);

/* Occupancy of the agents, traffic / agents (Erlang C and B with no loss). NaN as cc_erlang_c. */
double cc_erlang_c_occupancy(int agents, double traffic);

/*
 * Erlang A (M/M/N+M, Palm): exponential patience. All times in AHT units.
 * `t_aht` is the service-level threshold; the *_t members use it.
 */
typedef struct cc_erlang_a_metrics {
    double p_wait;               /* an arrival finds all agents busy */
    double p_abandon;            /* an arrival abandons */
    double p_abandon_if_waiting; /* p_abandon / p_wait */
    double mean_wait_all;        /* mean time in queue over all arrivals (= p_abandon * patience) */
    double asa_answered; /* mean wait of the answered calls (those answered at once count 0) */
    double mean_queue;   /* mean number of calls waiting */
    double occupancy;    /* traffic * (1 - p_abandon) / agents */
    double p_wait_gt_t;  /* time in queue (until answer or abandon) exceeds t */
    double p_wait_le_t;  /* 1 - p_wait_gt_t: abandons within t count as good */
    double sl_offered;   /* answered within t, over offered calls */
    double sl_answered;  /* answered within t, over answered calls */
    double p_abandon_within_t; /* abandons before t, computed without cancellation */
} cc_erlang_a_metrics;

/*
 * Fills *out with every Erlang A quantity (out is borrowed for the call). Cost O(number of
 * series terms): about (traffic - agents)*patience_aht + 10 sqrt(traffic*patience_aht)
 * when overloaded, fewer otherwise; the count is bounded before anything is summed and at
 * most 10^7 terms are summed (about 0.3 s). Works for traffic above the agents
 * (abandonment keeps the queue stable). Returns CC_OK; CC_EINVAL (out NULL, agents < 1 or
 * > CC_ERLANG_MAX_AGENTS, traffic <= 0, patience_aht <= 0, t_aht < 0, any value not
 * finite); CC_ERANGE, at once, when the series would need more than 10^7 terms (overload
 * times patience beyond about 10^7 Erlang-AHT, e.g. 100,000 agents at three times their
 * load with patience 100 AHT; or agents within about sqrt(traffic / patience_aht) of the
 * load with a patience beyond about 10^11 AHT). Terms past the extended range (e^11356)
 * are rescaled, never a reason to fail. On error *out is filled with NaN.
 */
cc_status cc_erlang_a_eval(cc_erlang_a_metrics *out, int agents, double traffic,
                           double patience_aht, double t_aht);

/* Convenience: Erlang A P(abandon), or NaN on invalid input (detail as cc_erlang_a_eval). */
double cc_erlang_a_p_abandon(int agents, double traffic, double patience_aht);

/* Convenience: Erlang A service level (answered within t over offered), or NaN. */
double cc_erlang_a_service_level(int agents, double traffic, double patience_aht, double t_aht);

#ifdef __cplusplus
}
#endif
#endif
