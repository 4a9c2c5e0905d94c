/*
 * lib/wfm/forecast_model.h - internal: the forecasting models as one-pass filters.
 *
 * Each model keeps a small state (level, trend, season rings, a ring of recent values) and
 * moves one observation at a time: O(1) per observation, O(h) for an h-step forecast.
 * Memory: season rings of `period` and `week` doubles and a history ring of
 * max(week, window * period) doubles, allocated once.
 */
#ifndef CC_WFM_FORECAST_MODEL_H
#define CC_WFM_FORECAST_MODEL_H

#include "callcore/forecast.h"

typedef struct cc__fc_model {
    cc_forecast_method method;
    size_t m1, m2, window;
    double alpha, beta, gamma, omega, phi;
    /* state */
    double level, trend, err;
    double day_total, day_forecast; /* daily-profile: today's volume so far and forecast */
    double *s1;                     /* daily season, ring indexed by t % m1 */
    double *s2;                     /* weekly season (double-seasonal), ring indexed by t % m2 */
    double *hist;                   /* recent observations, ring indexed by t % hist_len */
    size_t hist_len;
    size_t t; /* observations seen */
    /* one-step error statistics from `score_from` on */
    size_t score_from;
    double sse, sse_rel;
    size_t nerr;
} cc__fc_model;

/* Allocates the rings for opt (validated by the caller). CC_OK or CC_ENOMEM. */
cc_status cc__fc_model_alloc(cc__fc_model *m, const cc_forecast_options *opt);
void cc__fc_model_release(cc__fc_model *m);

/* Observations needed to initialise the model. */
size_t cc__fc_min_history(const cc__fc_model *m);

/* 1 for the models whose error is proportional to the level (intervals on a relative scale). */
int cc__fc_is_multiplicative(const cc__fc_model *m);

/* Sets the initial state from the first cycles of y[n] (n >= cc__fc_min_history) and
 * resets t and the error statistics: the filter then runs over y from index 0. */
void cc__fc_init(cc__fc_model *m, const double *y, size_t n);

/* Feeds one observation; returns the one-step error y - forecast (NaN while the model
 * cannot forecast yet). O(1). */
double cc__fc_step(cc__fc_model *m, double y);

/* Mean forecasts for the next h intervals, clamped at 0. O(h). */
void cc__fc_forecast(const cc__fc_model *m, size_t h, double *out);

/* out[j-1] = standard deviation of the j-step error over the one-step sigma, j = 1..h
 * (relative scale for multiplicative models). O(h). */
void cc__fc_sd_factors(const cc__fc_model *m, size_t h, double *out);

/* Residual standard deviation so far (relative for multiplicative models). */
double cc__fc_sigma(const cc__fc_model *m);

#endif
