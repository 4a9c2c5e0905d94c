/*
 * lib/kpi/kpi_formulas.c - KPI.md formulas over running sums (kpi_sums.h).
 *
 * Each figure is one line here, named after its formula; undefined ratios
 * (zero denominators) are NaN so a report never shows an invented 0 or 100%.
 */
#include "kpi_sums.h"

#include <math.h>
#include <string.h>

void cc__kpi_sums_add(cc__kpi_sums *dst, const cc__kpi_sums *src)
{
#define CC__ADD(f) dst->f += src->f
    CC__ADD(offered); CC__ADD(reoffered); CC__ADD(answered); CC__ADD(reanswered);
    CC__ADD(answered_within); CC__ADD(reanswered_within); CC__ADD(abandoned);
    CC__ADD(short_abandoned); CC__ADD(abandoned_within); CC__ADD(blocked); CC__ADD(reblocked);
    CC__ADD(overflowed); CC__ADD(left); CC__ADD(callbacks); CC__ADD(handled);
    CC__ADD(rehandled); CC__ADD(transferred); CC__ADD(retransferred); CC__ADD(rona);
    CC__ADD(arrivals_known); CC__ADD(repeat_arrivals);
    CC__ADD(fcr_contacts); CC__ADD(fcr_repeated); CC__ADD(frt_count); CC__ADD(csat_n);
    CC__ADD(csat_top2); CC__ADD(nps_n); CC__ADD(nps_promoters); CC__ADD(nps_detractors);
    CC__ADD(ces_n); CC__ADD(cx_n); CC__ADD(wait_answered_ms); CC__ADD(wait_reanswered_ms);
    CC__ADD(wait_abandoned_ms);
    CC__ADD(wait_left_ms); CC__ADD(talk_ms); CC__ADD(hold_ms); CC__ADD(acw_ms);
    CC__ADD(frt_ms); CC__ADD(ready_ms); CC__ADD(handling_ms); CC__ADD(not_ready_ms);
    CC__ADD(load_ms); CC__ADD(ready_cover); CC__ADD(handling_cover);
    CC__ADD(not_ready_cover); CC__ADD(load_cover); CC__ADD(csat_sum); CC__ADD(ces_sum); CC__ADD(cx_peak_sum);
    CC__ADD(cx_end_sum);
#undef CC__ADD
    if (src->longest_wait_ms > dst->longest_wait_ms) dst->longest_wait_ms = src->longest_wait_ms;
}

/* num / den, NaN when den is 0. */
static double cc__ratio(double num, double den)
{
    return den != 0.0 ? num / den : NAN;
}

/* The six service-level formulas of KPI.md; sl[k] is variant V(k+1). */
static void cc__kpi_service_levels(double ans, double ab, double ans_t, double ab_t,
                                   double ab_s, double sl[6])
{
    sl[0] = cc__ratio(ans_t, ans);                   /* V1 */
    sl[1] = cc__ratio(ans_t, ans + ab);              /* V2 */
    sl[2] = cc__ratio(ans_t, ans + ab - ab_t);       /* V3 */
    sl[3] = cc__ratio(ans_t + ab_t, ans + ab);       /* V4 */
    sl[4] = cc__ratio(ans_t + ab_s, ans + ab);       /* V5 */
    sl[5] = cc__ratio(ans_t, ans + ab - ab_s);       /* V6 */
}

/* Cost per contact = (paid hours x hourly + telco minutes x rate + fixed) / handled. */
static double cc__kpi_cost_per_contact(const cc__kpi_sums *s, uint64_t handled,
                                       const cc_kpi_cost_model *cost)
{
    int64_t logged = s->ready_ms + s->handling_ms + s->not_ready_ms;
    int64_t paid_ms = logged > 0 ? logged : s->talk_ms + s->hold_ms + s->acw_ms;
    /* The first answer's wait only, as ASA across queues: an answer after a
     * transfer has its wait from the virtual start, which holds the earlier
     * wait and talk already counted (the line was paid twice for them). */
    int64_t telco_ms = s->wait_answered_ms - s->wait_reanswered_ms + s->wait_abandoned_ms +
                       s->wait_left_ms + s->talk_ms + s->hold_ms;
    double total = (double)paid_ms / 3.6e6 * cost->agent_hourly +
                   (double)telco_ms / 6e4 * cost->telco_per_min + cost->fixed;
    return cc__ratio(total, (double)handled);
}

void cc__kpi_figures_compute(const cc__kpi_sums *s, const cc__kpi_formula *fm, int across_queues,
                             const cc__kpi_people *people, cc_kpi_figures *f)
{
    memset(f, 0, sizeof *f);
    /* Contacts that moved between queues count once across queues. */
    uint64_t off = s->offered - (across_queues ? s->reoffered : 0);
    uint64_t ans = s->answered - (across_queues ? s->reanswered : 0);
    uint64_t ans_t = s->answered_within - (across_queues ? s->reanswered_within : 0);
    int64_t wait_ans_ms = s->wait_answered_ms - (across_queues ? s->wait_reanswered_ms : 0);
    uint64_t blocked = s->blocked - (across_queues ? s->reblocked : 0);
    uint64_t handled = s->handled - (across_queues ? s->rehandled : 0);
    uint64_t transferred = s->transferred - (across_queues ? s->retransferred : 0);
    f->offered = off;
    f->answered = ans;
    f->abandoned = s->abandoned;
    f->short_abandoned = s->short_abandoned;
    f->answered_within = ans_t;
    f->abandoned_within = s->abandoned_within;
    f->blocked = blocked;
    f->overflowed = s->overflowed;
    f->left = s->left;
    f->callbacks = s->callbacks;
    f->handled = handled;
    f->transferred = transferred;
    f->rona = s->rona;
    f->repeat_contacts = s->repeat_arrivals;
    f->csat_responses = s->csat_n;
    f->nps_responses = s->nps_n;
    f->ces_responses = s->ces_n;

    cc__kpi_service_levels((double)ans, (double)s->abandoned, (double)ans_t,
                           (double)s->abandoned_within, (double)s->short_abandoned, f->sl);
    f->service_level = f->sl[fm->variant - 1];

    f->asa_s = cc__ratio((double)wait_ans_ms / 1e3, (double)ans);
    f->avg_abandon_s = cc__ratio((double)s->wait_abandoned_ms / 1e3, (double)s->abandoned);
    f->longest_wait_s = s->answered + s->abandoned + s->left + s->overflowed > 0
                            ? (double)s->longest_wait_ms / 1e3 : NAN;
    f->abandon_rate = cc__ratio((double)s->abandoned, (double)off);
    f->abandon_rate_excl_short = cc__ratio((double)(s->abandoned - s->short_abandoned),
                                           (double)off - (double)s->short_abandoned);
    f->blocked_rate = cc__ratio((double)blocked, (double)(off + blocked));

    /* Across queues a contact handled in two queues is one handled contact
     * carrying the talk of every leg, so offered x AHT stays its workload. */
    double hd = (double)handled;
    f->aht_s = cc__ratio((double)(s->talk_ms + s->hold_ms + s->acw_ms) / 1e3, hd);
    f->talk_s = cc__ratio((double)s->talk_ms / 1e3, hd);
    f->hold_s = cc__ratio((double)s->hold_ms / 1e3, hd);
    f->acw_s = cc__ratio((double)s->acw_ms / 1e3, hd);
    f->transfer_rate = cc__ratio((double)transferred, hd);

    double logged = (double)(s->ready_ms + s->handling_ms + s->not_ready_ms);
    f->occupancy = cc__ratio((double)s->handling_ms, (double)(s->handling_ms + s->ready_ms));
    f->utilisation = cc__ratio((double)s->handling_ms, logged);
    f->load = cc__ratio((double)s->load_ms, logged);
    f->contacts_per_agent_hour = cc__ratio(hd, logged / 3.6e6);

    f->fcr = s->fcr_contacts ? 1.0 - (double)s->fcr_repeated / (double)s->fcr_contacts : NAN;
    f->repeat_rate = cc__ratio((double)s->repeat_arrivals, (double)s->arrivals_known);
    f->frt_s = cc__ratio((double)s->frt_ms / 1e3, (double)s->frt_count);

    f->csat = cc__ratio((double)s->csat_top2, (double)s->csat_n);
    f->csat_mean = cc__ratio(s->csat_sum, (double)s->csat_n);
    f->nps = cc__ratio(100.0 * ((double)s->nps_promoters - (double)s->nps_detractors),
                       (double)s->nps_n);
    f->ces = cc__ratio(s->ces_sum, (double)s->ces_n);

    f->cost_per_contact = people && fm->cost ? cc__kpi_cost_per_contact(s, handled, fm->cost) : NAN;
    f->attrition = people ? cc__ratio((double)people->leavers, people->mean_headcount) : NAN;
    if (people && isnan(people->mean_headcount)) f->attrition = NAN;

    f->cx_peak = cc__ratio(s->cx_peak_sum, (double)s->cx_n);
    f->cx_end = cc__ratio(s->cx_end_sum, (double)s->cx_n);
    f->cx_remembered = (f->cx_peak + f->cx_end) / 2.0;
}
