/*
 * lib/wfm/forecast_fit.c - least-squares fit of the smoothing parameters with NLopt.
 *
 * NLopt (MIT/LGPL, Debian libnlopt-dev) is a well-kept optimiser library; BOBYQA, its
 * derivative-free bound-constrained quadratic-model method, suits this smooth objective of
 * two to four parameters. Each evaluation runs the O(n) filter once. NLopt allocates with the
 * system allocator (outside cc_set_allocator), only while the fit runs.
 */
#include "forecast_fit.h"

#include "base/error.h"

#include <math.h>
#include <string.h>

#if defined(CC_HAVE_NLOPT)
#include <nlopt.h>
#endif

/* One free parameter: where it lives in the model, its bounds and start. */
typedef struct cc__fc_param {
    double *slot;
    double lo, hi, start;
} cc__fc_param;

typedef struct cc__fc_problem {
    cc__fc_model *m;
    const double *y;
    size_t n;
    cc__fc_param free[5];
    unsigned nfree;
    int evals;
} cc__fc_problem;

/* Runs the filter with the parameters in place; returns the scored SSE. O(n). */
static double cc__fc_run(cc__fc_model *m, const double *y, size_t n)
{
    cc__fc_init(m, y, n);
    for (size_t i = 0; i < n; i++)
        cc__fc_step(m, y[i]);
    return isfinite(m->sse) ? m->sse : HUGE_VAL;
}

static void cc__fc_param_add(cc__fc_problem *p, double *slot, double given, double lo, double hi,
                             double start)
{
    if (given != 0.0) {
        *slot = given;
        return;
    }
    *slot = start;
    p->free[p->nfree++] = (cc__fc_param){slot, lo, hi, start};
}

/* Lists the parameters of the method; fixed ones are written into the model. */
static void cc__fc_problem_setup(cc__fc_problem *p, const cc_forecast_options *o)
{
    cc__fc_model *m = p->m;
    /* 0 for what the method does not have (cc_forecast_params reports 0 there); each
     * method's own parameters are set below, given or fitted. */
    m->alpha = m->beta = m->gamma = m->omega = m->phi = 0.0;
    switch (m->method) {
    case CC_FORECAST_HOLT_WINTERS_ADDITIVE:
    case CC_FORECAST_HOLT_WINTERS_MULTIPLICATIVE:
        cc__fc_param_add(p, &m->alpha, o->alpha, 1e-4, 0.9999, 0.2);
        cc__fc_param_add(p, &m->beta, o->beta, 1e-4, 0.9999, 0.01);
        cc__fc_param_add(p, &m->gamma, o->gamma, 1e-4, 0.9999, 0.1);
        cc__fc_param_add(p, &m->phi, o->phi, 0.8, 1.0, 0.98);
        break;
    case CC_FORECAST_DOUBLE_SEASONAL:
        cc__fc_param_add(p, &m->alpha, o->alpha, 1e-4, 0.9999, 0.05);
        cc__fc_param_add(p, &m->gamma, o->gamma, 1e-4, 0.9999, 0.05);
        cc__fc_param_add(p, &m->omega, o->omega, 1e-4, 0.9999, 0.05);
        cc__fc_param_add(p, &m->phi, o->phi, 0.0, 0.99, 0.5);
        break;
    case CC_FORECAST_DAILY_PROFILE:
        cc__fc_param_add(p, &m->alpha, o->alpha, 1e-4, 0.9999, 0.2);
        cc__fc_param_add(p, &m->gamma, o->gamma, 1e-4, 0.9999, 0.1);
        cc__fc_param_add(p, &m->omega, o->omega, 1e-4, 0.9999, 0.1);
        break;
    default:
        break; /* naive and moving average have no parameters */
    }
}

#if defined(CC_HAVE_NLOPT)
static double cc__fc_objective(unsigned dim, const double *x, double *grad, void *data)
{
    (void)grad; /* derivative-free method: never asked */
    cc__fc_problem *p = data;
    for (unsigned i = 0; i < dim; i++)
        *p->free[i].slot = x[i];
    p->evals++;
    return cc__fc_run(p->m, p->y, p->n);
}

/*
 * The objective has more than one basin: a fast level (large alpha) that chases intraday
 * swings, or a slow level with the short-term persistence left to the trend / AR term. A
 * local method finds the basin it starts in, so it starts from each of `starts` points
 * (scaled between the bounds) and keeps the best.
 */
static cc_status cc__fc_minimise(cc__fc_problem *p)
{
    static const double starts[][5] = {
        {-1, -1, -1, -1, -1},          /* the per-parameter defaults */
        {0.01, 0.005, 0.05, 0.1, 0.9}, /* slow level, persistent error */
        {0.002, 0.001, 0.02, 0.05, 0.95}};
    double best_x[5], best = HUGE_VAL;
    for (unsigned i = 0; i < p->nfree; i++)
        best_x[i] = p->free[i].start; /* in bounds, even if no start improves on it */
    for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
        double x[5], lo[5], hi[5], val;
        for (unsigned i = 0; i < p->nfree; i++) {
            lo[i] = p->free[i].lo;
            hi[i] = p->free[i].hi;
            x[i] = starts[s][i] < 0 ? p->free[i].start : fmin(hi[i], fmax(lo[i], starts[s][i]));
        }
        nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, p->nfree);
        if (!opt) return cc__fail(CC_ENOMEM, "forecast fit: NLopt could not allocate");
        nlopt_set_lower_bounds(opt, lo);
        nlopt_set_upper_bounds(opt, hi);
        nlopt_set_min_objective(opt, cc__fc_objective, p);
        nlopt_set_xtol_rel(opt, 1e-5);
        nlopt_set_ftol_rel(opt, 1e-10);
        nlopt_set_maxeval(opt, 2000);
        nlopt_result r = nlopt_optimize(opt, x, &val);
        nlopt_destroy(opt);
        if (r == NLOPT_OUT_OF_MEMORY)
            return cc__fail(CC_ENOMEM, "forecast fit: NLopt out of memory");
        /* Any other stop (tolerances, evaluation cap, round-off) leaves its best point. */
        if (val < best) {
            best = val;
            memcpy(best_x, x, sizeof x);
        }
    }
    for (unsigned i = 0; i < p->nfree; i++)
        *p->free[i].slot = best_x[i];
    /* HUGE_VAL is what cc__fc_run scores a non-finite SSE: no start found any parameters
     * whose one-step errors stay finite (the slots keep the starting values). */
    if (!(best < HUGE_VAL))
        return cc__fail(CC_ERANGE, "forecast fit: the one-step errors overflow for every "
                                   "parameter value tried");
    return CC_OK;
}
#else
static cc_status cc__fc_minimise(cc__fc_problem *p)
{
    (void)p;
    return cc__fail(CC_EUNSUPPORTED, "forecast fit: libcallcore was built without NLopt; give "
                                     "every smoothing parameter in the options");
}
#endif

cc_status cc__fc_fit(cc__fc_model *m, const cc_forecast_options *opt, const double *y, size_t n,
                     int *evals)
{
    cc__fc_problem p;
    memset(&p, 0, sizeof p);
    p.m = m;
    p.y = y;
    p.n = n;
    cc__fc_problem_setup(&p, opt);
    if (p.nfree > 0) {
        cc_status st = cc__fc_minimise(&p);
        if (st) return st;
    }
    *evals = p.evals;
    cc__fc_run(m, y, n);
    return CC_OK;
}
