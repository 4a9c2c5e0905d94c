/*
 * lib/kpi/kpi_sums.h - internal: the running sums behind every KPI, and the
 * formulas (KPI.md) that turn sums into figures.
 *
 * One cc__kpi_sums exists per (interval, queue, channel) cell and per agent;
 * queue, channel, interval and total figures are sums of cells, so adding an
 * event touches O(1) sums and a report is O(cells). Adding two sums is
 * field-wise (max for the longest wait).
 */
#ifndef CC_KPI_SUMS_H
#define CC_KPI_SUMS_H

#include "callcore/kpi.h"

#include <stdint.h>

typedef struct cc__kpi_sums {
    uint64_t offered, reoffered; /* reoffered: entered from another queue */
    uint64_t answered, reanswered, answered_within, reanswered_within;
    uint64_t abandoned, short_abandoned, abandoned_within;
    uint64_t blocked, reblocked, overflowed, left, callbacks; /* reblocked: after queueing */
    /* handled, transferred: once per contact and queue; rehandled,
     * retransferred: those already counted in another queue */
    uint64_t handled, rehandled, transferred, retransferred, rona;
    uint64_t arrivals_known, repeat_arrivals; /* arrivals with a known customer */
    uint64_t fcr_contacts, fcr_repeated;
    uint64_t frt_count;
    uint64_t csat_n, csat_top2, nps_n, nps_promoters, nps_detractors, ces_n;
    uint64_t cx_n;
    /* wait_reanswered_ms: the waits of answers counted in reanswered, taken
     * out with them across queues so that ASA uses the answer it counts */
    int64_t wait_answered_ms, wait_reanswered_ms, wait_abandoned_ms, wait_left_ms;
    int64_t longest_wait_ms;
    int64_t talk_ms, hold_ms, acw_ms, frt_ms;
    /* agent time by state. An agent's sums hold its time in each state. The
     * agent-time cell of an interval (kpi_state.h) holds the split of every
     * agent's states at interval boundaries in O(1) per state change: a
     * period [a, b) of weight w (1 per agent, or concurrent contacts for
     * load) adds w x (end of a's interval - a) to a's cell and w to its
     * *_cover, and subtracts the same at b; the report carries the covers
     * from interval to interval, each interval of cover counting in full. */
    int64_t ready_ms, handling_ms, not_ready_ms, load_ms;
    int64_t ready_cover, handling_cover, not_ready_cover, load_cover;
    double csat_sum, ces_sum, cx_peak_sum, cx_end_sum;
} cc__kpi_sums;

/* Settings the formulas need. */
typedef struct cc__kpi_formula {
    cc_sl_variant variant;
    const cc_kpi_cost_model *cost; /* NULL: no cost */
} cc__kpi_formula;

/* People figures only the whole period knows (totals). */
typedef struct cc__kpi_people {
    uint64_t leavers;
    double mean_headcount; /* NaN when no roster events */
} cc__kpi_people;

/* dst += src. */
void cc__kpi_sums_add(cc__kpi_sums *dst, const cc__kpi_sums *src);

/* Fills every figure of `out` from `s`. `across_queues`: s adds up several
 * queues, so contacts that moved between them count once. `people`: NULL
 * unless totals. */
void cc__kpi_figures_compute(const cc__kpi_sums *s, const cc__kpi_formula *fm, int across_queues,
                             const cc__kpi_people *people, cc_kpi_figures *out);

#endif
