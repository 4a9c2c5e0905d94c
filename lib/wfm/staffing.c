/*
 * lib/wfm/staffing.c - minimum agents for a service-level, ASA or abandonment target.
 *
 * Every target is monotone in the number of agents, so the minimum is found by walking
 * from the square-root staffing estimate. Erlang C walks with the O(1) Erlang B step, so
 * the cost is one O(N) recursion plus a few steps; Erlang A brackets and bisects.
 */
#include "erlang_b.h"

#include "base/error.h"
#include "callcore/erlang.h"
#include "callcore/staffing.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/* One interval's problem, in AHT time units. */
typedef struct cc__staff_problem {
    cc_staffing_goal goal;
    double traffic;
    double aht_s;
    double t_aht; /* service-level threshold */
    double target_sl;
    double asa_aht; /* ASA target */
    double target_ab;
    double patience_aht; /* 0: Erlang C */
    double max_occ;      /* 1 when uncapped */
} cc__staff_problem;

/* Erlang C quantities at the server count held by r (see erlang_c.c for the forms). */
typedef struct cc__staff_c_eval {
    double p_wait, sl, asa_aht;
} cc__staff_c_eval;

static cc__staff_c_eval cc__staff_c_at(const cc__staff_problem *p, const cc__recip_b *r)
{
    double n = r->n, a = p->traffic, gap = n - a;
    double den = gap * r->m + a * r->unit;
    double c = n / den;
    c = cc__scale_down(c, r->e);
    cc__staff_c_eval v;
    v.p_wait = c;
    v.sl = (gap * (r->m - r->unit) - n * r->unit * expm1(-gap * p->t_aht)) / den;
    v.asa_aht = c / gap;
    return v;
}

static int cc__staff_c_meets(const cc__staff_problem *p, const cc__recip_b *r)
{
    if (p->traffic / r->n > p->max_occ) return 0;
    cc__staff_c_eval v = cc__staff_c_at(p, r);
    if (p->goal == CC_STAFFING_SERVICE_LEVEL) return v.sl >= p->target_sl;
    return v.asa_aht <= p->asa_aht;
}

/*
 * Halfin-Whitt: with N = A + beta sqrt(A), P(wait) -> 1 / (1 + beta Phi(beta) / phi(beta)).
 * Returns the beta whose limit is `alpha`, by bisection on [0, 8] (the function is
 * decreasing in beta); a starting point only, so 40 halvings are plenty.
 */
static double cc__halfin_whitt_beta(double alpha)
{
    double lo = 0.0, hi = 8.0;
    for (int i = 0; i < 40; i++) {
        double b = 0.5 * (lo + hi);
        double phi = exp(-0.5 * b * b) * 0.39894228040143267794;
        double cdf = 0.5 * erfc(-b * 0.70710678118654752440);
        double pw = 1.0 / (1.0 + b * cdf / phi);
        if (pw > alpha)
            lo = b;
        else
            hi = b;
    }
    return 0.5 * (lo + hi);
}

static double cc__staff_alpha(const cc__staff_problem *p)
{
    switch (p->goal) {
    case CC_STAFFING_SERVICE_LEVEL:
        return fmax(1e-6, 1.0 - p->target_sl);
    case CC_STAFFING_ABANDON:
        return fmax(1e-6, fmin(0.5, 4.0 * p->target_ab));
    default:
        return 0.3;
    }
}

/* The square-root staffing estimate, at least `lo`. */
static long cc__staff_estimate(const cc__staff_problem *p, long lo)
{
    double beta = cc__halfin_whitt_beta(cc__staff_alpha(p));
    double est = floor(p->traffic + beta * sqrt(p->traffic));
    if (est > CC_ERLANG_MAX_AGENTS) est = CC_ERLANG_MAX_AGENTS;
    return (long)est < lo ? lo : (long)est;
}

static cc_status cc__staff_infeasible(const cc__staff_problem *p)
{
    return cc__fail(CC_EINFEASIBLE,
                    "staffing: %g Erlangs need more than %d agents for this "
                    "target",
                    p->traffic, CC_ERLANG_MAX_AGENTS);
}

static cc_status cc__staff_solve_c(const cc__staff_problem *p, long *agents)
{
    /* Stability (N > A) and the occupancy cap give a hard lower bound. */
    double lo_d = fmax(floor(p->traffic) + 1.0, ceil(p->traffic / p->max_occ - 1e-12));
    if (lo_d > CC_ERLANG_MAX_AGENTS) return cc__staff_infeasible(p);
    long lo = (long)lo_d;
    long start = cc__staff_estimate(p, lo);
    long back = (long)ceil(0.5 * sqrt(p->traffic)) + 1;
    cc__recip_b r;
    for (;;) {
        cc__erlang_b_recip(&r, (double)start, p->traffic);
        if (start == lo || !cc__staff_c_meets(p, &r)) break;
        /* The estimate already meets the target: the minimum is lower. */
        start = start - back < lo ? lo : start - back;
        back *= 2;
    }
    while (!cc__staff_c_meets(p, &r)) {
        if (r.n >= CC_ERLANG_MAX_AGENTS) return cc__staff_infeasible(p);
        cc__erlang_b_step_up(&r, p->traffic);
    }
    *agents = (long)r.n;
    return CC_OK;
}

static cc_status cc__staff_a_eval(const cc__staff_problem *p, long n, cc_erlang_a_metrics *m)
{
    return cc_erlang_a_eval(m, (int)n, p->traffic, p->patience_aht, p->t_aht);
}

/* What an Erlang A probe tells about n agents. */
typedef enum cc__staff_verdict {
    CC__STAFF_FAILS,
    CC__STAFF_MEETS,
    CC__STAFF_UNKNOWN /* Erlang A cannot be evaluated there (CC_ERANGE: too many terms) */
} cc__staff_verdict;

/*
 * Whether n agents meet the target under Erlang A. A staffing whose series would be too
 * long to sum is UNKNOWN, not an error: those are the staffings well below the load (the
 * length grows with (traffic - agents) * patience), which the gallop may probe on its way.
 * Any other status is returned in *st.
 */
static cc__staff_verdict cc__staff_a_probe(const cc__staff_problem *p, long n, cc_status *st)
{
    cc_erlang_a_metrics m;
    *st = cc__staff_a_eval(p, n, &m);
    if (*st == CC_ERANGE) {
        *st = CC_OK;
        return CC__STAFF_UNKNOWN;
    }
    if (*st) return CC__STAFF_FAILS;
    if (m.occupancy > p->max_occ) return CC__STAFF_FAILS;
    switch (p->goal) {
    case CC_STAFFING_SERVICE_LEVEL:
        return m.sl_offered >= p->target_sl ? CC__STAFF_MEETS : CC__STAFF_FAILS;
    case CC_STAFFING_ASA:
        return m.asa_answered <= p->asa_aht ? CC__STAFF_MEETS : CC__STAFF_FAILS;
    default:
        return m.p_abandon <= p->target_ab ? CC__STAFF_MEETS : CC__STAFF_FAILS;
    }
}

/* The answer's lower neighbour could not be evaluated: hi meets, but fewer might too. */
static cc_status cc__staff_a_uncertain(const cc__staff_problem *p, long lo, long hi)
{
    if (hi < 0)
        return cc__fail(CC_ERANGE,
                        "staffing: %g Erlangs with patience %g AHT: Erlang A cannot be "
                        "evaluated up to %d agents (its series would need more than 10^7 terms)",
                        p->traffic, p->patience_aht, CC_ERLANG_MAX_AGENTS);
    return cc__fail(CC_ERANGE,
                    "staffing: %ld agents meet the target, but Erlang A cannot be evaluated "
                    "at %ld (%g Erlangs, patience %g AHT: its series would need more than 10^7 "
                    "terms), so fewer agents may meet it too",
                    hi, lo, p->traffic, p->patience_aht);
}

/*
 * Gallops from the estimate to a bracket (lo fails or cannot be evaluated, hi meets), then
 * bisects. The target is monotone in the agents, so hi is the minimum when lo is known to
 * fail; when lo could not be evaluated the minimum cannot be certified (CC_ERANGE). Probes
 * that cannot be evaluated are passed over like failures, so one far below the answer does
 * not stop the search.
 */
static cc_status cc__staff_solve_a(const cc__staff_problem *p, long *agents)
{
    cc_status st;
    long est = cc__staff_estimate(p, 1);
    long step = (long)ceil(0.5 * sqrt(p->traffic)) + 1;
    long lo, hi;
    cc__staff_verdict v = cc__staff_a_probe(p, est, &st), lo_v;
    if (st) return st;
    if (v == CC__STAFF_MEETS) {
        hi = est;
        for (;;) {
            if (hi == 1) {
                *agents = 1;
                return CC_OK;
            }
            lo = hi - step < 1 ? 1 : hi - step;
            step *= 2;
            lo_v = cc__staff_a_probe(p, lo, &st);
            if (st) return st;
            if (lo_v != CC__STAFF_MEETS) break;
            hi = lo;
        }
    } else {
        lo = est;
        lo_v = v;
        for (;;) {
            if (lo >= CC_ERLANG_MAX_AGENTS)
                return lo_v == CC__STAFF_UNKNOWN ? cc__staff_a_uncertain(p, lo, -1)
                                                 : cc__staff_infeasible(p);
            hi = lo + step > CC_ERLANG_MAX_AGENTS ? CC_ERLANG_MAX_AGENTS : lo + step;
            step *= 2;
            v = cc__staff_a_probe(p, hi, &st);
            if (st) return st;
            if (v == CC__STAFF_MEETS) break;
            lo = hi;
            lo_v = v;
        }
    }
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        v = cc__staff_a_probe(p, mid, &st);
        if (st) return st;
        if (v == CC__STAFF_MEETS) {
            hi = mid;
        } else {
            lo = mid;
            lo_v = v;
        }
    }
    if (lo_v == CC__STAFF_UNKNOWN) return cc__staff_a_uncertain(p, lo, hi);
    *agents = hi;
    return CC_OK;
}

/* agents / (1 - shrinkage) rounded up (less 1e-9, so that 7 / 0.7 stays 10), which must
 * fit the int of the result: a shrinkage near 1 can multiply 10^6 agents by 10^4. */
static cc_status cc__staff_scheduled(long n, double shrinkage, int *out)
{
    double scheduled = ceil((double)n / (1.0 - shrinkage) - 1e-9);
    if (!(scheduled <= INT_MAX))
        return cc__fail(CC_ERANGE,
                        "staffing: %ld agents at shrinkage %g need %.17g scheduled agents, "
                        "more than %d",
                        n, shrinkage, scheduled, INT_MAX);
    *out = (int)scheduled;
    return CC_OK;
}

static cc_status cc__staff_fill(cc_staffing_result *out, const cc__staff_problem *p, long n,
                                double shrinkage)
{
    cc_status st = cc__staff_scheduled(n, shrinkage, &out->scheduled_agents);
    if (st) return st;
    out->agents = (int)n;
    out->traffic = p->traffic;
    if (n == 0) {
        out->p_wait = 0.0;
        out->service_level = 1.0;
        out->asa_s = 0.0;
        out->occupancy = 0.0;
        out->p_abandon = 0.0;
        return CC_OK;
    }
    if (p->patience_aht > 0.0) {
        cc_erlang_a_metrics m;
        if ((st = cc__staff_a_eval(p, n, &m))) return st;
        out->p_wait = m.p_wait;
        out->service_level = m.sl_offered;
        out->asa_s = m.asa_answered * p->aht_s;
        out->occupancy = m.occupancy;
        out->p_abandon = m.p_abandon;
        return CC_OK;
    }
    cc__recip_b r;
    cc__erlang_b_recip(&r, (double)n, p->traffic);
    cc__staff_c_eval v = cc__staff_c_at(p, &r);
    out->p_wait = v.p_wait;
    out->service_level = v.sl;
    out->asa_s = v.asa_aht * p->aht_s;
    out->occupancy = p->traffic / (double)n;
    out->p_abandon = 0.0;
    return CC_OK;
}

static int cc__in_open_unit(double v)
{
    return v > 0.0 && v < 1.0;
}

/* Checks the options and fills the target part of the problem; O(1). */
static cc_status cc__staff_setup(cc__staff_problem *p, const cc_staffing_options *opt, double aht_s)
{
    static const cc_staffing_options defaults = CC_STAFFING_OPTIONS_INIT;
    if (!opt) opt = &defaults;
    if (opt->version != CC_STAFFING_OPTIONS_VERSION)
        return cc__fail(CC_EVERSION, "staffing: options version %u is not supported (want %d)",
                        (unsigned)opt->version, CC_STAFFING_OPTIONS_VERSION);
    if (!isfinite(aht_s) || aht_s <= 0.0)
        return cc__fail(CC_EINVAL, "staffing: AHT must be > 0 seconds, got %g", aht_s);
    memset(p, 0, sizeof *p);
    p->goal = opt->goal;
    p->aht_s = aht_s;
    double sl = opt->target_sl == 0.0 ? 0.8 : opt->target_sl;
    double ts = opt->target_s == 0.0 ? 20.0 : opt->target_s;
    if (!cc__in_open_unit(sl))
        return cc__fail(CC_EINVAL, "staffing: service-level target must be inside (0, 1), got %g",
                        sl);
    if (!isfinite(ts) || ts < 0.0)
        return cc__fail(CC_EINVAL, "staffing: answer-time threshold must be >= 0 s, got %g", ts);
    if (!isfinite(opt->patience_s) || opt->patience_s < 0.0)
        return cc__fail(CC_EINVAL, "staffing: patience must be >= 0 s, got %g", opt->patience_s);
    double occ = opt->max_occupancy == 0.0 ? 1.0 : opt->max_occupancy;
    if (!(occ > 0.0 && occ <= 1.0))
        return cc__fail(CC_EINVAL, "staffing: max occupancy must be in (0, 1], got %g",
                        opt->max_occupancy);
    if (!(opt->shrinkage >= 0.0 && opt->shrinkage < 1.0))
        return cc__fail(CC_EINVAL, "staffing: shrinkage must be in [0, 1), got %g", opt->shrinkage);
    p->target_sl = sl;
    p->t_aht = ts / aht_s;
    p->patience_aht = opt->patience_s / aht_s;
    p->max_occ = occ;
    switch (opt->goal) {
    case CC_STAFFING_SERVICE_LEVEL:
        break;
    case CC_STAFFING_ASA:
        if (!isfinite(opt->target_asa_s) || opt->target_asa_s <= 0.0)
            return cc__fail(CC_EINVAL, "staffing: ASA target must be > 0 s, got %g",
                            opt->target_asa_s);
        p->asa_aht = opt->target_asa_s / aht_s;
        break;
    case CC_STAFFING_ABANDON:
        if (!cc__in_open_unit(opt->target_abandon))
            return cc__fail(CC_EINVAL,
                            "staffing: abandonment target must be inside (0, 1), "
                            "got %g",
                            opt->target_abandon);
        if (opt->patience_s <= 0.0)
            return cc__fail(CC_EINVAL, "staffing: an abandonment target needs the mean "
                                       "patience (patience_s > 0)");
        p->target_ab = opt->target_abandon;
        break;
    default:
        return cc__fail(CC_EINVAL, "staffing: unknown goal %d", (int)opt->goal);
    }
    return CC_OK;
}

cc_status cc_staffing_solve(cc_staffing_result *out, const cc_staffing_options *opt, double calls,
                            double interval_s, double aht_s)
{
    if (!out) return cc__fail(CC_EINVAL, "cc_staffing_solve: out is NULL");
    memset(out, 0, sizeof *out);
    out->agents = out->scheduled_agents = -1;
    cc__staff_problem p;
    cc_status st = cc__staff_setup(&p, opt, aht_s);
    if (st) return st;
    if (!isfinite(calls) || calls < 0.0)
        return cc__fail(CC_EINVAL, "staffing: calls must be >= 0, got %g", calls);
    if (!isfinite(interval_s) || interval_s <= 0.0)
        return cc__fail(CC_EINVAL, "staffing: interval must be > 0 seconds, got %g", interval_s);
    p.traffic = calls * aht_s / interval_s;
    if (!isfinite(p.traffic))
        return cc__fail(CC_EINVAL, "staffing: calls * AHT / interval is not finite");
    double shrinkage = opt ? opt->shrinkage : 0.0;
    long n = 0;
    if (p.traffic > 0.0) {
        st = p.patience_aht > 0.0 ? cc__staff_solve_a(&p, &n) : cc__staff_solve_c(&p, &n);
        if (st) return st;
    }
    st = cc__staff_fill(out, &p, n, shrinkage);
    if (st) {
        memset(out, 0, sizeof *out);
        out->agents = out->scheduled_agents = -1;
    }
    return st;
}

cc_status cc_staffing_plan(cc_staffing_result *out, const cc_staffing_options *opt,
                           const double *calls, const double *aht_s, double aht_default_s, size_t n,
                           double interval_s)
{
    if (n > 0 && (!out || !calls))
        return cc__fail(CC_EINVAL, "cc_staffing_plan: out and calls must not be NULL");
    for (size_t i = 0; i < n; i++)
        out[i].agents = out[i].scheduled_agents = -1;
    for (size_t i = 0; i < n; i++) {
        cc_status st =
            cc_staffing_solve(&out[i], opt, calls[i], interval_s, aht_s ? aht_s[i] : aht_default_s);
        if (st) {
            char detail[400];
            strncpy(detail, cc_error_last(), sizeof detail - 1);
            detail[sizeof detail - 1] = '\0';
            return cc__fail(st, "interval %zu: %s", i, detail);
        }
    }
    return CC_OK;
}

int cc_staffing_agents_for_sl(double traffic, double aht_s, double target_sl, double target_s)
{
    if (!isfinite(traffic) || traffic < 0.0)
        return cc__fail_count("cc_staffing_agents_for_sl: traffic must be >= 0, got %g", traffic);
    if (!isfinite(aht_s) || aht_s <= 0.0)
        return cc__fail_count("cc_staffing_agents_for_sl: AHT must be > 0 s, got %g", aht_s);
    if (!cc__in_open_unit(target_sl))
        return cc__fail_count("cc_staffing_agents_for_sl: target must be inside (0, 1), got %g",
                              target_sl);
    if (!isfinite(target_s) || target_s < 0.0)
        return cc__fail_count("cc_staffing_agents_for_sl: threshold must be >= 0 s, got %g",
                              target_s);
    if (traffic == 0.0) return 0;
    cc__staff_problem p = {.goal = CC_STAFFING_SERVICE_LEVEL,
                           .traffic = traffic,
                           .aht_s = aht_s,
                           .t_aht = target_s / aht_s,
                           .target_sl = target_sl,
                           .max_occ = 1.0};
    long n;
    if (cc__staff_solve_c(&p, &n)) return -1;
    return (int)n;
}
