/*
 * lib/wfm/forecast.c - the public forecaster: options, fit, observe, predict.
 */
#include "forecast_fit.h"
#include "forecast_model.h"

#include "base/error.h"
#include "base/mem.h"

#include <math.h>
#include <string.h>

/* Largest period / week accepted: the rings are allocated up front. */
#define CC__FC_MAX_PERIOD ((size_t)1 << 24)

struct cc_forecaster {
    cc_forecast_options opt; /* with defaults filled in */
    cc__fc_model m;
    int fitted;
    int evals;
};

static const char *const cc__fc_names[CC_FORECAST_METHOD_COUNT] = {
    "seasonal_naive_daily",  "seasonal_naive_weekly",       "moving_average",
    "holt_winters_additive", "holt_winters_multiplicative", "double_seasonal",
    "daily_profile"};

const char *cc_forecast_method_name(cc_forecast_method method)
{
    if ((unsigned)method >= CC_FORECAST_METHOD_COUNT) return NULL;
    return cc__fc_names[method];
}

cc_status cc_forecast_method_parse(const char *name, cc_forecast_method *out)
{
    if (!name || !out) return cc__fail(CC_EINVAL, "forecast method: NULL argument");
    for (int i = 0; i < CC_FORECAST_METHOD_COUNT; i++)
        if (strcmp(name, cc__fc_names[i]) == 0) {
            *out = (cc_forecast_method)i;
            return CC_OK;
        }
    return cc__fail(CC_EINVAL, "unknown forecast method '%s'", name);
}

static cc_status cc__fc_check_unit(const char *what, double v, int closed_top)
{
    if (v == 0.0) return CC_OK;
    if (!(v > 0.0 && (closed_top ? v <= 1.0 : v < 1.0)))
        return cc__fail(CC_EINVAL, "forecast options: %s must be in (0, 1%c or 0 to fit, got %g",
                        what, closed_top ? ']' : ')', v);
    return CC_OK;
}

/* Validates opt and writes it with defaults filled in to *o. */
static cc_status cc__fc_options(cc_forecast_options *o, const cc_forecast_options *opt)
{
    if (opt->version != CC_FORECAST_OPTIONS_VERSION)
        return cc__fail(CC_EVERSION, "forecast options: version %u is not supported (want %d)",
                        (unsigned)opt->version, CC_FORECAST_OPTIONS_VERSION);
    *o = *opt;
    if ((unsigned)o->method >= CC_FORECAST_METHOD_COUNT)
        return cc__fail(CC_EINVAL, "forecast options: unknown method %d", (int)o->method);
    if (o->period < 1 || o->period > CC__FC_MAX_PERIOD)
        return cc__fail(CC_EINVAL,
                        "forecast options: period (intervals per day) must be in "
                        "[1, %zu], got %zu",
                        CC__FC_MAX_PERIOD, o->period);
    if (o->week == 0) o->week = 7 * o->period;
    if (o->week % o->period != 0 || o->week > CC__FC_MAX_PERIOD)
        return cc__fail(CC_EINVAL,
                        "forecast options: week (%zu intervals) must be a multiple of "
                        "the period (%zu) and at most %zu",
                        o->week, o->period, CC__FC_MAX_PERIOD);
    if (o->window == 0) o->window = 5;
    if (o->window > 1000)
        return cc__fail(CC_EINVAL, "forecast options: window must be at most 1000 days, got %zu",
                        o->window);
    if (o->level == 0.0) o->level = 0.95;
    cc_status st = cc__fc_check_unit("alpha", o->alpha, 0);
    if (!st) st = cc__fc_check_unit("beta", o->beta, 0);
    if (!st) st = cc__fc_check_unit("gamma", o->gamma, 0);
    if (!st) st = cc__fc_check_unit("omega", o->omega, 0);
    if (!st) st = cc__fc_check_unit("phi", o->phi, o->method != CC_FORECAST_DOUBLE_SEASONAL);
    if (!st && !(o->level > 0.0 && o->level < 1.0))
        st = cc__fail(CC_EINVAL, "forecast options: level must be inside (0, 1), got %g", o->level);
    return st;
}

cc_status cc_forecaster_new(cc_forecaster **out, const cc_forecast_options *opt)
{
    if (!out || !opt) return cc__fail(CC_EINVAL, "cc_forecaster_new: NULL argument");
    *out = NULL;
    cc_forecast_options o;
    cc_status st = cc__fc_options(&o, opt);
    if (st) return st;
    cc_forecaster *f = cc__calloc(1, sizeof *f);
    if (!f) return cc__fail(CC_ENOMEM, "cc_forecaster_new: out of memory");
    f->opt = o;
    if (cc__fc_model_alloc(&f->m, &o)) {
        cc__free(f);
        return cc__fail(CC_ENOMEM, "cc_forecaster_new: out of memory for %zu-interval seasons",
                        o.week);
    }
    *out = f;
    return CC_OK;
}

void cc_forecaster_free(cc_forecaster *self)
{
    if (!self) return;
    cc__fc_model_release(&self->m);
    cc__free(self);
}

/* Volumes are counts in [0, CC_FORECAST_MAX_VOLUME]: far larger ones square past the
 * double range in the fit's sum of squared errors (1e200 did, and the fit then read
 * parameters it never set). */
static cc_status cc__fc_check_values(const char *fn, const double *v, size_t n)
{
    if (n > 0 && !v) return cc__fail(CC_EINVAL, "%s: values are NULL", fn);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]) || v[i] < 0.0 || v[i] > CC_FORECAST_MAX_VOLUME)
            return cc__fail(CC_EINVAL, "%s: value %zu is %g; volumes must be in [0, %g]", fn, i,
                            v[i], CC_FORECAST_MAX_VOLUME);
    return CC_OK;
}

cc_status cc_forecaster_fit(cc_forecaster *self, const double *history, size_t n)
{
    if (!self) return cc__fail(CC_EINVAL, "cc_forecaster_fit: forecaster is NULL");
    cc_status st = cc__fc_check_values("cc_forecaster_fit", history, n);
    if (st) return st;
    size_t need = cc__fc_min_history(&self->m);
    if (n < need)
        return cc__fail(CC_EINVAL, "cc_forecaster_fit: %s needs at least %zu observations, got %zu",
                        cc_forecast_method_name(self->opt.method), need, n);
    self->fitted = 0;
    st = cc__fc_fit(&self->m, &self->opt, history, n, &self->evals);
    if (st) return st;
    self->fitted = 1;
    return CC_OK;
}

cc_status cc_forecaster_observe(cc_forecaster *self, const double *values, size_t n)
{
    if (!self) return cc__fail(CC_EINVAL, "cc_forecaster_observe: forecaster is NULL");
    if (!self->fitted)
        return cc__fail(CC_ESTATE, "cc_forecaster_observe: fit the forecaster first");
    cc_status st = cc__fc_check_values("cc_forecaster_observe", values, n);
    if (st) return st;
    for (size_t i = 0; i < n; i++)
        cc__fc_step(&self->m, values[i]);
    return CC_OK;
}

/* The standard normal quantile, by bisection on erfc: 60 halvings reach double precision. */
static double cc__fc_normal_quantile(double p)
{
    double lo = -40.0, hi = 40.0;
    for (int i = 0; i < 80; i++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * erfc(-mid * 0.70710678118654752440) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

cc_status cc_forecaster_predict(const cc_forecaster *self, size_t horizon, double *mean,
                                double *lower, double *upper)
{
    if (!self || (horizon > 0 && !mean))
        return cc__fail(CC_EINVAL, "cc_forecaster_predict: NULL argument");
    if (!self->fitted)
        return cc__fail(CC_ESTATE, "cc_forecaster_predict: fit the forecaster first");
    cc__fc_forecast(&self->m, horizon, mean);
    if (!lower && !upper) return CC_OK;
    double z = cc__fc_normal_quantile(0.5 + 0.5 * self->opt.level);
    double sigma = cc__fc_sigma(&self->m);
    int rel = cc__fc_is_multiplicative(&self->m);
    /* The factors go through `upper` (or `lower`) as scratch space, then become bounds. */
    double *scratch = upper ? upper : lower;
    cc__fc_sd_factors(&self->m, horizon, scratch);
    for (size_t j = 0; j < horizon; j++) {
        double half = z * (isfinite(sigma) ? sigma : 0.0) * scratch[j] * (rel ? mean[j] : 1.0);
        if (lower) lower[j] = fmax(0.0, mean[j] - half);
        if (upper) upper[j] = mean[j] + half;
    }
    return CC_OK;
}

cc_status cc_forecaster_params(const cc_forecaster *self, cc_forecast_params *out)
{
    if (!self || !out) return cc__fail(CC_EINVAL, "cc_forecaster_params: NULL argument");
    const cc__fc_model *m = &self->m;
    out->alpha = m->alpha;
    out->beta = m->beta;
    out->gamma = m->gamma;
    out->omega = m->omega;
    out->phi = m->phi;
    out->sigma = cc__fc_sigma(m);
    out->sse = m->sse;
    out->observations = m->t;
    out->evaluations = self->evals;
    return CC_OK;
}
