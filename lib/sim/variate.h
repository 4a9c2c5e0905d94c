/*
 * lib/sim/variate.h - internal: random variates for the simulator.
 *
 * A cc__dist describes a non-negative random duration (seconds) or count:
 * fixed, exponential, lognormal (given by its own mean and standard deviation,
 * as contact-center data is described), uniform, or empirical (resampled from
 * observed values, e.g. handle times from a call log). Sampling is O(1) for
 * every kind; an empirical distribution holds its samples sorted, O(n) memory.
 *
 * Ownership: a cc__dist owns its sample array (cc__dist_clear frees it).
 */
#ifndef CC_SIM_VARIATE_H
#define CC_SIM_VARIATE_H

#include "rng.h"

#include "callcore/status.h"

#include <stddef.h>

typedef enum cc__dist_kind {
    CC__DIST_NONE = 0,  /* never happens: +infinity (e.g. no abandonment) */
    CC__DIST_FIXED,
    CC__DIST_EXPONENTIAL,
    CC__DIST_LOGNORMAL,
    CC__DIST_UNIFORM,
    CC__DIST_EMPIRICAL
} cc__dist_kind;

typedef struct cc__dist {
    cc__dist_kind kind;
    double mean;      /* fixed value; exponential / lognormal mean */
    double sd;        /* lognormal standard deviation */
    double lo, hi;    /* uniform bounds */
    double mu, sigma; /* lognormal parameters of the underlying normal */
    double *samples;  /* empirical: sorted ascending, owned */
    size_t nsamples;
} cc__dist;

/* Builders: check the parameters (finite, >= 0, sd > 0...) and return CC_OK or
 * CC_EINVAL with a detail message naming `what` ("handle_s"). */
cc_status cc__dist_fixed(cc__dist *d, double value, const char *what);
cc_status cc__dist_exponential(cc__dist *d, double mean, const char *what);
cc_status cc__dist_lognormal(cc__dist *d, double mean, double sd, const char *what);
cc_status cc__dist_uniform(cc__dist *d, double lo, double hi, const char *what);
/* Takes ownership of `samples` (cc__malloc'd, n > 0) on success and on failure. */
cc_status cc__dist_empirical(cc__dist *d, double *samples, size_t n, const char *what);

/* Deep copy (empirical samples duplicated). CC_ENOMEM on failure. */
cc_status cc__dist_copy(cc__dist *dst, const cc__dist *src);

void cc__dist_clear(cc__dist *d);

/* One draw; +INFINITY for CC__DIST_NONE. */
double cc__dist_sample(const cc__dist *d, cc__sim_rng *r);

/* The distribution's mean (+INFINITY for NONE). */
double cc__dist_mean(const cc__dist *d);

/* The kind's name as used in scenario files ("exponential"). */
const char *cc__dist_kind_name(cc__dist_kind kind);

#endif
