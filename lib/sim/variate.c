/*
 * lib/sim/variate.c - sampling the simulator's distributions (see variate.h).
 */
#include "variate.h"

#include "base/error.h"
#include "base/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static cc_status cc__dist_check(double v, const char *what, const char *param)
{
    if (!isfinite(v) || v < 0.0)
        return cc__fail(CC_EINVAL, "%s: %s must be a finite number >= 0, got %g", what, param, v);
    return CC_OK;
}

cc_status cc__dist_fixed(cc__dist *d, double value, const char *what)
{
    cc_status st = cc__dist_check(value, what, "value");
    if (st) return st;
    memset(d, 0, sizeof *d);
    d->kind = CC__DIST_FIXED;
    d->mean = value;
    return CC_OK;
}

cc_status cc__dist_exponential(cc__dist *d, double mean, const char *what)
{
    cc_status st = cc__dist_check(mean, what, "mean");
    if (st) return st;
    if (mean <= 0.0) return cc__fail(CC_EINVAL, "%s: exponential mean must be > 0", what);
    memset(d, 0, sizeof *d);
    d->kind = CC__DIST_EXPONENTIAL;
    d->mean = mean;
    return CC_OK;
}

cc_status cc__dist_lognormal(cc__dist *d, double mean, double sd, const char *what)
{
    cc_status st = cc__dist_check(mean, what, "mean");
    if (!st) st = cc__dist_check(sd, what, "sd");
    if (st) return st;
    if (mean <= 0.0 || sd <= 0.0)
        return cc__fail(CC_EINVAL, "%s: lognormal mean and sd must be > 0", what);
    memset(d, 0, sizeof *d);
    d->kind = CC__DIST_LOGNORMAL;
    d->mean = mean;
    d->sd = sd;
    /* Moments of the lognormal: E = exp(mu + s^2/2), Var = (exp(s^2) - 1) E^2. */
    d->sigma = sqrt(log1p((sd * sd) / (mean * mean)));
    d->mu = log(mean) - 0.5 * d->sigma * d->sigma;
    /* sd/mean can overflow (mean 1e-300, sd 1e9): sigma is then infinite
     * and every draw NaN. Refuse what cannot be sampled. */
    if (!isfinite(d->sigma) || !isfinite(d->mu))
        return cc__fail(CC_EINVAL,
                        "%s: lognormal with mean %g and sd %g cannot be sampled (sd/mean too "
                        "large: sigma or mu is not finite)",
                        what, mean, sd);
    return CC_OK;
}

cc_status cc__dist_uniform(cc__dist *d, double lo, double hi, const char *what)
{
    cc_status st = cc__dist_check(lo, what, "min");
    if (!st) st = cc__dist_check(hi, what, "max");
    if (st) return st;
    if (hi < lo) return cc__fail(CC_EINVAL, "%s: uniform max (%g) is below min (%g)", what, hi, lo);
    memset(d, 0, sizeof *d);
    d->kind = CC__DIST_UNIFORM;
    d->lo = lo;
    d->hi = hi;
    d->mean = 0.5 * (lo + hi);
    return CC_OK;
}

static int cc__double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

cc_status cc__dist_empirical(cc__dist *d, double *samples, size_t n, const char *what)
{
    if (!samples || n == 0) {
        cc__free(samples);
        return cc__fail(CC_EINVAL, "%s: an empirical distribution needs at least one sample", what);
    }
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        cc_status st = cc__dist_check(samples[i], what, "sample");
        if (st) {
            cc__free(samples);
            return st;
        }
        sum += samples[i];
    }
    /* Sorted so that the memory layout, and so the draws, do not depend on the
     * order the data came in. */
    qsort(samples, n, sizeof *samples, cc__double_cmp);
    memset(d, 0, sizeof *d);
    d->kind = CC__DIST_EMPIRICAL;
    d->samples = samples;
    d->nsamples = n;
    d->mean = sum / (double)n;
    return CC_OK;
}

cc_status cc__dist_copy(cc__dist *dst, const cc__dist *src)
{
    *dst = *src;
    if (src->kind != CC__DIST_EMPIRICAL) return CC_OK;
    dst->samples = cc__malloc(src->nsamples * sizeof *src->samples);
    if (!dst->samples) {
        memset(dst, 0, sizeof *dst);
        return cc__fail(CC_ENOMEM, "distribution copy: out of memory");
    }
    memcpy(dst->samples, src->samples, src->nsamples * sizeof *src->samples);
    return CC_OK;
}

void cc__dist_clear(cc__dist *d)
{
    if (!d) return;
    cc__free(d->samples);
    memset(d, 0, sizeof *d);
}

double cc__dist_sample(const cc__dist *d, cc__sim_rng *r)
{
    switch (d->kind) {
    case CC__DIST_NONE: return INFINITY;
    case CC__DIST_FIXED: return d->mean;
    case CC__DIST_EXPONENTIAL: return -d->mean * log(cc__sim_rng_uniform(r));
    case CC__DIST_LOGNORMAL: return exp(d->mu + d->sigma * cc__sim_rng_normal(r));
    case CC__DIST_UNIFORM: return d->lo + (d->hi - d->lo) * cc__sim_rng_uniform(r);
    case CC__DIST_EMPIRICAL: return d->samples[cc__sim_rng_below(r, d->nsamples)];
    }
    return INFINITY;
}

double cc__dist_mean(const cc__dist *d)
{
    return d->kind == CC__DIST_NONE ? INFINITY : d->mean;
}

const char *cc__dist_kind_name(cc__dist_kind kind)
{
    switch (kind) {
    case CC__DIST_NONE: return "none";
    case CC__DIST_FIXED: return "fixed";
    case CC__DIST_EXPONENTIAL: return "exponential";
    case CC__DIST_LOGNORMAL: return "lognormal";
    case CC__DIST_UNIFORM: return "uniform";
    case CC__DIST_EMPIRICAL: return "empirical";
    }
    return "unknown";
}
