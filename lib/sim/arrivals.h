/*
 * lib/sim/arrivals.h - internal: non-homogeneous Poisson arrivals.
 *
 * The arrival rate is piecewise constant: rates[k] contacts per hour during
 * interval k of length interval_ms, and zero after the last interval. The next
 * arrival is drawn exactly, not by thinning: an exponential gap at the current
 * rate, and when it crosses the interval's end the draw restarts there with the
 * next rate (memorylessness makes this exact). Arrivals stop at end_ms even
 * inside an interval. O(1) per arrival plus O(1) per
 * empty interval crossed; O(n) memory for n intervals.
 */
#ifndef CC_SIM_ARRIVALS_H
#define CC_SIM_ARRIVALS_H

#include "rng.h"

#include <stddef.h>
#include <stdint.h>

typedef struct cc__arrivals {
    const double *rates_per_hour; /* borrowed from the scenario */
    size_t nrates;
    int64_t interval_ms;
    double end_ms; /* no arrival at or after it (the horizon) */
    double t_ms;   /* time of the last arrival (exact, not rounded) */
} cc__arrivals;

void cc__arrivals_init(cc__arrivals *a, const double *rates_per_hour, size_t nrates,
                       int64_t interval_ms, double end_ms);

/* Time of the next arrival in ms (rounded to the nearest ms), or -1 when the
 * rate stays 0 until the end of the horizon. */
int64_t cc__arrivals_next(cc__arrivals *a, cc__sim_rng *r);

#endif
