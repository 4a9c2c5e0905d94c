/*
 * lib/sim/arrivals.c - piecewise-constant-rate Poisson process (see arrivals.h).
 */
#include "arrivals.h"

#include <math.h>

void cc__arrivals_init(cc__arrivals *a, const double *rates_per_hour, size_t nrates,
                       int64_t interval_ms, double end_ms)
{
    a->end_ms = end_ms;
    a->rates_per_hour = rates_per_hour;
    a->nrates = nrates;
    a->interval_ms = interval_ms;
    a->t_ms = 0.0;
}

int64_t cc__arrivals_next(cc__arrivals *a, cc__sim_rng *r)
{
    for (;;) {
        size_t k = (size_t)(a->t_ms / (double)a->interval_ms);
        if (k >= a->nrates || a->t_ms >= a->end_ms) return -1;
        double end = (double)(k + 1) * (double)a->interval_ms;
        if (end > a->end_ms) end = a->end_ms;
        double rate_per_ms = a->rates_per_hour[k] / 3600000.0;
        if (rate_per_ms > 0.0) {
            double t = a->t_ms - log(cc__sim_rng_uniform(r)) / rate_per_ms;
            if (t < end) {
                a->t_ms = t;
                return (int64_t)llround(t);
            }
        }
        /* No arrival before the interval ends: restart at its end. */
        a->t_ms = end;
    }
}
