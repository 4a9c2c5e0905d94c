/*
 * lib/kpi/kpi_report.c - snapshots of a cc_kpi as cc_kpi_report structs.
 *
 * A report adds up the cells by queue, channel, interval and interval x
 * queue, and the agents; it also counts contacts still in the survey grace
 * period (their experience line so far, their reason). The aggregator is not
 * modified. Cost O(cells log cells + agents log agents + contacts + reasons
 * log reasons); memory O(cells + agents + reasons).
 */
#include "kpi_report.h"

#include "base/error.h"
#include "base/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cc_kpi_report_free(cc_kpi_report *report)
{
    if (!report) return;
    cc__kpi_report_owned *r = (cc__kpi_report_owned *)report;
    for (size_t i = 0; i < r->nstrings; i++) cc__free(r->strings[i]);
    cc__free(r->strings);
    cc__free(report->queues);
    cc__free(report->agents);
    cc__free(report->channels);
    cc__free(report->intervals);
    cc__free(report->interval_queues);
    cc__free(report->reasons);
    cc__free(r);
}

/* A copy of `s` owned by the report; NULL when out of memory. */
static const char *cc__report_string(cc__kpi_report_owned *r, const char *s)
{
    char *copy = cc__strdup(s);
    if (!copy) return NULL;
    r->strings[r->nstrings++] = copy;
    return copy;
}

/* Sort contexts: qsort has no user pointer, so the order is precomputed. */
typedef struct cc__report_cell_ref {
    int64_t interval;
    uint32_t queue_rank; /* rank of the queue name; 0 = no queue */
    uint32_t cell;
} cc__report_cell_ref;

static int cc__report_cell_cmp(const void *a, const void *b)
{
    const cc__report_cell_ref *x = a, *y = b;
    if (x->interval != y->interval) return x->interval < y->interval ? -1 : 1;
    if (x->queue_rank != y->queue_rank) return x->queue_rank < y->queue_rank ? -1 : 1;
    return (x->cell > y->cell) - (x->cell < y->cell);
}

static int cc__report_group_cmp(const void *a, const void *b)
{
    return strcmp(((const cc_kpi_group *)a)->name, ((const cc_kpi_group *)b)->name);
}

static int cc__report_reason_cmp(const void *a, const void *b)
{
    const cc_kpi_reason *x = a, *y = b;
    if (x->contacts != y->contacts) return x->contacts > y->contacts ? -1 : 1;
    return strcmp(x->reason, y->reason);
}

/* Queue name ids ranked by name (rank 1..n), so rows sort by name. */
static uint32_t *cc__report_queue_ranks(const cc_kpi *k)
{
    size_t n = k->queues.count;
    uint32_t *rank = cc__calloc(n + 1, sizeof *rank);
    cc_kpi_group *tmp = cc__calloc(n ? n : 1, sizeof *tmp);
    if (!rank || !tmp) {
        cc__free(rank);
        cc__free(tmp);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        tmp[i].name = cc__names_get(&k->queues, (uint32_t)(i + 1));
        tmp[i].f.offered = i + 1; /* carries the id through the sort */
    }
    qsort(tmp, n, sizeof *tmp, cc__report_group_cmp);
    for (size_t i = 0; i < n; i++) rank[tmp[i].f.offered] = (uint32_t)(i + 1);
    cc__free(tmp);
    return rank;
}

/* Working copies: cell and agent sums with the not-yet-finished contacts'
 * lines and the agents' current state time added. */
typedef struct cc__report_work {
    cc__kpi_sums *cells;  /* per cell */
    cc__kpi_sums *agents; /* per agent */
    uint64_t *reasons;    /* per reason */
    /* The weight of the periods still open at now (agents in each kind of
     * state, their concurrent contacts), whose split runs to the end of
     * now's interval until they close (kpi_sums.h). */
    int64_t open_weight[4];
} cc__report_work;

static void cc__report_work_free(cc__report_work *w)
{
    cc__free(w->cells);
    cc__free(w->agents);
    cc__free(w->reasons);
}

static int cc__report_work_make(const cc_kpi *k, cc__report_work *w)
{
    memset(w, 0, sizeof *w);
    w->cells = cc__calloc(k->ncells ? k->ncells : 1, sizeof *w->cells);
    w->agents = cc__calloc(k->nagents ? k->nagents : 1, sizeof *w->agents);
    w->reasons = cc__calloc(k->reasons.count ? k->reasons.count : 1, sizeof *w->reasons);
    if (!w->cells || !w->agents || !w->reasons) {
        cc__report_work_free(w);
        return -1;
    }
    for (size_t i = 0; i < k->ncells; i++) w->cells[i] = k->cells[i].sums;
    for (size_t i = 0; i < k->nreason_counts; i++) w->reasons[i] = k->reason_counts[i];
    for (size_t i = 0; i < k->nagents; i++) {
        const cc__kpi_agent *a = &k->agents[i];
        w->agents[i] = a->sums;
        cc__kpi_time_kind kind = a->state_known ? cc__kpi_time_kind_of(a->state) : CC__KPI_T_NONE;
        if (kind != CC__KPI_T_NONE) {
            w->open_weight[kind]++;
            if (k->now_ms > a->state_since_ms)
                *cc__kpi_time_ms(&w->agents[i], kind) += k->now_ms - a->state_since_ms;
        }
        w->open_weight[CC__KPI_T_LOAD] += a->active;
        if (k->now_ms > a->active_since_ms)
            w->agents[i].load_ms += (int64_t)a->active * (k->now_ms - a->active_since_ms);
    }
    for (size_t i = 0; i < k->ncontacts; i++) {
        const cc__kpi_contact *c = &k->contacts[i];
        if (!(c->flags & CC__C_LIVE) || !(c->flags & CC__C_CLOSED) || c->cell == CC__NO_CELL)
            continue;
        cc__kpi_sums *s = &w->cells[c->cell];
        s->cx_n++;
        s->cx_peak_sum += c->cx_peak;
        s->cx_end_sum += c->cx;
        if (c->agent && c->agent <= k->nagents) {
            w->agents[c->agent - 1].cx_n++;
            w->agents[c->agent - 1].cx_peak_sum += c->cx_peak;
            w->agents[c->agent - 1].cx_end_sum += c->cx;
        }
        if (c->reason) w->reasons[c->reason - 1]++;
    }
    return 0;
}

/* Agent time of all agents goes into the totals (people figures). */
static void cc__report_add_agent_time(cc__kpi_sums *dst, const cc__kpi_sums *agent)
{
    dst->ready_ms += agent->ready_ms;
    dst->handling_ms += agent->handling_ms;
    dst->not_ready_ms += agent->not_ready_ms;
    dst->load_ms += agent->load_ms;
}

/* An agent's figures: abandons belong to no agent, so of the service levels
 * only V1 (answered only) is defined; the others, and service_level unless
 * the configured variant is V1, are NaN rather than V1 under another name. */
static void cc__report_agent_figures(const cc__kpi_sums *s, const cc__kpi_formula *fm,
                                     cc_kpi_figures *f)
{
    cc__kpi_figures_compute(s, fm, 0, NULL, f);
    for (int v = 1; v < 6; v++) f->sl[v] = NAN;
    f->service_level = fm->variant == CC_SL_V1 ? f->sl[0] : NAN;
}

static int cc__report_is_agent_time(const cc__kpi_cell *c)
{
    return c->channel == (uint32_t)CC__KPI_AGENT_TIME_CHANNEL;
}

/* Agent time of one interval (kpi_sums.h): the parts its agent-time cell
 * holds are in iv already; each unit of cover carried from earlier intervals
 * counts the whole interval, and the periods still open at now run only to
 * now, not to the end of now's interval. *cover is then carried past iv. */
static void cc__report_interval_agent_time(const cc_kpi *k, const cc__report_work *w,
                                           int64_t interval, cc__kpi_sums *iv, int64_t cover[4])
{
    int64_t to_end = (interval + 1) * k->interval_ms - k->now_ms;
    int is_now = interval == cc__kpi_interval_of(k, k->now_ms);
    for (int kind = CC__KPI_T_READY; kind <= CC__KPI_T_LOAD; kind++) {
        int64_t *ms = cc__kpi_time_ms(iv, (cc__kpi_time_kind)kind);
        int64_t whole;
        /* beyond int64 only with absurd intervals (1e15 ms) and thousands
         * of agents: saturate rather than overflow */
        if (__builtin_mul_overflow(cover[kind], k->interval_ms, &whole)) whole = INT64_MAX / 8;
        *ms += whole;
        if (is_now) *ms -= w->open_weight[kind] * to_end;
        cover[kind] += *cc__kpi_time_cover(iv, (cc__kpi_time_kind)kind);
    }
}

static int cc__report_intervals(const cc_kpi *k, cc__kpi_report_owned *r,
                                const cc__report_work *w, const cc__kpi_formula *fm,
                                const cc_kpi_group *queue_rows, const uint32_t *rank)
{
    cc_kpi_report *p = &r->pub;
    size_t n = k->ncells;
    cc__report_cell_ref *refs = cc__calloc(n ? n : 1, sizeof *refs);
    if (!refs) return -1;
    for (size_t i = 0; i < n; i++) {
        refs[i].interval = k->cells[i].interval;
        refs[i].queue_rank = rank[k->cells[i].queue];
        refs[i].cell = (uint32_t)i;
    }
    qsort(refs, n, sizeof *refs, cc__report_cell_cmp);
    size_t niv = 0, niq = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || refs[i].interval != refs[i - 1].interval) niv++; /* at most */
        if (i == 0 || refs[i].interval != refs[i - 1].interval ||
            refs[i].queue_rank != refs[i - 1].queue_rank)
            niq++;
    }
    p->intervals = cc__calloc(niv ? niv : 1, sizeof *p->intervals);
    p->interval_queues = cc__calloc(niq ? niq : 1, sizeof *p->interval_queues);
    if (!p->intervals || !p->interval_queues) {
        cc__free(refs);
        return -1;
    }
    cc__kpi_sums iv_sums, iq_sums;
    int64_t cover[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n;) {
        memset(&iv_sums, 0, sizeof iv_sums);
        int contacts = 0; /* a row is an interval with contacts */
        size_t j = i;
        while (j < n && refs[j].interval == refs[i].interval) {
            memset(&iq_sums, 0, sizeof iq_sums);
            size_t m = j;
            while (m < n && refs[m].interval == refs[j].interval &&
                   refs[m].queue_rank == refs[j].queue_rank) {
                contacts |= !cc__report_is_agent_time(&k->cells[refs[m].cell]);
                cc__kpi_sums_add(&iq_sums, &w->cells[refs[m++].cell]);
            }
            cc__kpi_sums_add(&iv_sums, &iq_sums);
            if (refs[j].queue_rank) {
                cc_kpi_interval *row = &p->interval_queues[p->n_interval_queues++];
                row->start_ms = refs[j].interval * k->interval_ms;
                row->queue = queue_rows[refs[j].queue_rank - 1].name;
                cc__kpi_figures_compute(&iq_sums, fm, 0, NULL, &row->f);
            }
            j = m;
        }
        cc__report_interval_agent_time(k, w, refs[i].interval, &iv_sums, cover);
        if (contacts) {
            cc_kpi_interval *row = &p->intervals[p->n_intervals++];
            row->start_ms = refs[i].interval * k->interval_ms;
            cc__kpi_figures_compute(&iv_sums, fm, 1, NULL, &row->f);
        }
        i = j;
    }
    cc__free(refs);
    return 0;
}

static int cc__report_pareto(const cc_kpi *k, cc__kpi_report_owned *r, const cc__report_work *w)
{
    cc_kpi_report *p = &r->pub;
    size_t n = 0;
    uint64_t total = 0;
    for (size_t i = 0; i < k->reasons.count; i++)
        if (w->reasons[i]) {
            n++;
            total += w->reasons[i];
        }
    p->reasons = cc__calloc(n ? n : 1, sizeof *p->reasons);
    if (!p->reasons) return -1;
    for (size_t i = 0; i < k->reasons.count; i++) {
        if (!w->reasons[i]) continue;
        cc_kpi_reason *row = &p->reasons[p->n_reasons];
        row->reason = cc__report_string(r, cc__names_get(&k->reasons, (uint32_t)(i + 1)));
        if (!row->reason) return -1;
        row->contacts = w->reasons[i];
        p->n_reasons++;
    }
    qsort(p->reasons, p->n_reasons, sizeof *p->reasons, cc__report_reason_cmp);
    uint64_t running = 0;
    int reached = 0;
    for (size_t i = 0; i < p->n_reasons; i++) {
        cc_kpi_reason *row = &p->reasons[i];
        running += row->contacts;
        row->share = (double)row->contacts / (double)total;
        row->cumulative = (double)running / (double)total;
        /* The vital few: the smallest ranked prefix whose share reaches the target. */
        row->vital = !reached;
        if (!reached) p->vital_few++;
        if (row->cumulative >= k->pareto_share - 1e-12) reached = 1;
    }
    return 0;
}

static int cc__report_fill(const cc_kpi *k, cc__kpi_report_owned *r, const cc__report_work *w,
                           const uint32_t *rank)
{
    cc_kpi_report *p = &r->pub;
    cc__kpi_formula fm = {.variant = k->variant, .cost = k->has_cost ? &k->cost : NULL};

    /* Per queue (index = rank - 1), per channel, totals. */
    size_t nq = k->queues.count;
    cc__kpi_sums *qs = cc__calloc(nq ? nq : 1, sizeof *qs);
    cc__kpi_sums chs[CC_CHANNEL__COUNT];
    cc__kpi_sums total;
    if (!qs) return -1;
    memset(chs, 0, sizeof chs);
    memset(&total, 0, sizeof total);
    for (size_t i = 0; i < k->ncells; i++) {
        const cc__kpi_cell *c = &k->cells[i];
        if (cc__report_is_agent_time(c)) continue; /* interval splits; totals take the agents' */
        if (c->queue) cc__kpi_sums_add(&qs[rank[c->queue] - 1], &w->cells[i]);
        if (c->channel < CC_CHANNEL__COUNT) cc__kpi_sums_add(&chs[c->channel], &w->cells[i]);
        cc__kpi_sums_add(&total, &w->cells[i]);
    }
    for (size_t i = 0; i < k->nagents; i++) cc__report_add_agent_time(&total, &w->agents[i]);

    p->queues = cc__calloc(nq ? nq : 1, sizeof *p->queues);
    if (!p->queues) {
        cc__free(qs);
        return -1;
    }
    for (size_t id = 1; id <= nq; id++) {
        cc_kpi_group *g = &p->queues[rank[id] - 1];
        g->name = cc__report_string(r, cc__names_get(&k->queues, (uint32_t)id));
        if (!g->name) {
            cc__free(qs);
            return -1;
        }
        cc__kpi_figures_compute(&qs[rank[id] - 1], &fm, 0, NULL, &g->f);
    }
    p->n_queues = nq;
    cc__free(qs);

    cc__kpi_people people = {.leavers = k->leavers, .mean_headcount = NAN};
    if (k->roster_seen) {
        double hc_ms = k->headcount_ms;
        int64_t end = k->now_ms > k->roster_last_ms ? k->now_ms : k->roster_last_ms;
        hc_ms += (double)k->headcount * (double)(end - k->roster_last_ms);
        people.mean_headcount = end > k->roster_first_ms
                                    ? hc_ms / (double)(end - k->roster_first_ms)
                                    : (double)k->headcount;
    }
    cc__kpi_figures_compute(&total, &fm, 1, &people, &p->totals);

    p->channels = cc__calloc(CC_CHANNEL__COUNT, sizeof *p->channels);
    if (!p->channels) return -1;
    for (int ch = 0; ch < CC_CHANNEL__COUNT; ch++) {
        if (chs[ch].offered + chs[ch].blocked + chs[ch].handled + chs[ch].csat_n +
                chs[ch].nps_n + chs[ch].ces_n + chs[ch].acw_ms + chs[ch].rona ==
            0)
            continue;
        cc_kpi_group *g = &p->channels[p->n_channels++];
        g->name = cc_channel_name(ch); /* static storage */
        cc__kpi_figures_compute(&chs[ch], &fm, 1, NULL, &g->f);
    }

    p->agents = cc__calloc(k->nagents ? k->nagents : 1, sizeof *p->agents);
    if (!p->agents) return -1;
    for (size_t i = 0; i < k->nagents; i++) {
        cc_kpi_group *g = &p->agents[p->n_agents++];
        g->name = cc__report_string(r, cc__names_get(&k->agent_names, (uint32_t)(i + 1)));
        if (!g->name) return -1;
        cc__report_agent_figures(&w->agents[i], &fm, &g->f);
    }
    qsort(p->agents, p->n_agents, sizeof *p->agents, cc__report_group_cmp);

    if (cc__report_intervals(k, r, w, &fm, p->queues, rank) != 0) return -1;
    return cc__report_pareto(k, r, w);
}

cc_status cc_kpi_report_new(const cc_kpi *k, cc_kpi_report **out)
{
    if (!k || !out) return cc__fail(CC_EINVAL, "cc_kpi_report_new: NULL argument");
    *out = NULL;
    cc__kpi_report_owned *r = cc__calloc(1, sizeof *r);
    size_t nstrings = k->queues.count + k->agent_names.count + k->reasons.count;
    if (r) r->strings = cc__calloc(nstrings ? nstrings : 1, sizeof *r->strings);
    if (!r || !r->strings) {
        cc__free(r);
        return cc__fail(CC_ENOMEM, "kpi report: out of memory");
    }
    cc_kpi_report *p = &r->pub;
    p->interval_ms = k->interval_ms;
    p->sl_threshold_ms = k->sl_threshold_ms;
    p->short_abandon_ms = k->short_abandon_ms;
    p->repeat_window_ms = k->repeat_window_ms;
    p->sl_variant = k->variant;
    p->pareto_share = k->pareto_share;
    p->events = k->events;
    p->events_rejected = k->events_rejected;
    p->events_lost = k->events_lost;
    p->first_ms = k->events ? k->first_ms : 0;
    p->last_ms = k->events ? k->now_ms : 0;

    cc__report_work w;
    uint32_t *rank = cc__report_queue_ranks(k);
    int rc = -1;
    if (rank && cc__report_work_make(k, &w) == 0) {
        rc = cc__report_fill(k, r, &w, rank);
        cc__report_work_free(&w);
    }
    cc__free(rank);
    if (rc != 0) {
        cc_kpi_report_free(p);
        return cc__fail(CC_ENOMEM, "kpi report: out of memory");
    }
    *out = p;
    return CC_OK;
}
