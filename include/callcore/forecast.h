/*
 * callcore/forecast.h - interval volume forecasting: seasonal naive (daily, weekly), seasonal
 * moving average, Holt-Winters (additive, multiplicative), Taylor's double-seasonal
 * Holt-Winters for intraday data; parameters fitted by minimising the one-step-ahead squared
 * error with NLopt; prediction intervals; accuracy metrics; rolling-origin backtests.
 *
 * Data are arrays of interval counts in time order with no gaps (for weekday-only data the
 * "week" is five days). Arrays passed in are borrowed for the duration of the call and never
 * kept; arrays written are caller-owned and must hold the stated number of elements.
 *
 * Threads: a cc_forecaster is used by one thread at a time; different forecasters and the
 * free functions are reentrant.
 *
 * Typical day of a planner (forecast tomorrow, then staff it, see staffing.h):
 *
 *     cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
 *     o.method = CC_FORECAST_DAILY_PROFILE; o.period = 169; o.week = 5 * 169;
 *     cc_forecaster *f;
 *     if (cc_forecaster_new(&f, &o) == CC_OK && cc_forecaster_fit(f, history, n) == CC_OK)
 *         cc_forecaster_predict(f, 169, mean, lower, upper);   // arrays of 169
 *     cc_forecaster_free(f);
 */
#ifndef CALLCORE_FORECAST_H
#define CALLCORE_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "callcore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cc_forecast_method {
    CC_FORECAST_SEASONAL_NAIVE_DAILY = 0,  /* same interval yesterday */
    CC_FORECAST_SEASONAL_NAIVE_WEEKLY = 1, /* same interval one week ago */
    CC_FORECAST_MOVING_AVERAGE = 2, /* mean of the same interval over the last `window` days */
    CC_FORECAST_HOLT_WINTERS_ADDITIVE = 3,       /* level, damped trend, additive daily season */
    CC_FORECAST_HOLT_WINTERS_MULTIPLICATIVE = 4, /* same, multiplicative season */
    CC_FORECAST_DOUBLE_SEASONAL =
        5,                        /* Taylor (2003): level x daily x weekly season + AR(1) error */
    CC_FORECAST_DAILY_PROFILE = 6 /* daily totals by Holt-Winters over the week (level x
                                   * day-of-week factor) times a smoothed intraday profile;
                                   * its step is a day, so its one-step error is the
                                   * day-ahead error */
} cc_forecast_method;

#define CC_FORECAST_METHOD_COUNT 7

/* Stable lower-case name ("holt_winters_additive"), or NULL for an unknown method. */
const char *cc_forecast_method_name(cc_forecast_method method);

/* Parses a name as printed by cc_forecast_method_name; CC_OK or CC_EINVAL (detail set). */
cc_status cc_forecast_method_parse(const char *name, cc_forecast_method *out);

#define CC_FORECAST_OPTIONS_VERSION 1

/*
 * Zero means default. Smoothing parameters left at 0 are fitted (when NLopt is available;
 * otherwise fitting reports CC_EUNSUPPORTED and fixed parameters must be given).
 */
typedef struct cc_forecast_options {
    uint32_t version;          /* CC_FORECAST_OPTIONS_VERSION */
    cc_forecast_method method; /* default CC_FORECAST_SEASONAL_NAIVE_DAILY */
    size_t period;             /* intervals per day (the daily season); required, >= 1 */
    size_t week;               /* intervals per week; default 7 * period. Weekly naive and
                                * double-seasonal use it. */
    size_t window;             /* moving average: number of past days; default 5 */
    double alpha;              /* level smoothing in (0, 1) */
    double beta;               /* Holt-Winters trend smoothing in (0, 1) */
    double gamma;              /* daily season smoothing (daily-profile: day-of-week
                                * factor smoothing) in (0, 1) */
    double omega;              /* double-seasonal: weekly season smoothing; daily-profile:
                                * intraday profile smoothing; in (0, 1) */
    double phi;                /* Holt-Winters: trend damping in (0, 1]; double-seasonal:
                                * AR(1) coefficient of the one-step error in (0, 1) */
    double level;              /* prediction-interval coverage in (0, 1); default 0.95 */
} cc_forecast_options;

#define CC_FORECAST_OPTIONS_INIT                                                                   \
    {                                                                                              \
        CC_FORECAST_OPTIONS_VERSION, CC_FORECAST_SEASONAL_NAIVE_DAILY, 0, 0, 0, 0, 0, 0, 0, 0, 0   \
    }

/* Largest volume accepted per interval. Counts past 2^53 are no longer exact in a double,
 * and much larger ones (1e200) make the squared one-step errors overflow; no contact centre
 * takes 10^15 calls in an interval. */
#define CC_FORECAST_MAX_VOLUME 1e15

/* Fitted state summary (read with cc_forecaster_params). */
typedef struct cc_forecast_params {
    double alpha, beta, gamma, omega, phi; /* the values in use (0 where the method has none) */
    double sigma;        /* residual standard deviation of the one-step errors (relative to
                          * the forecast for the multiplicative models) */
    double sse;          /* sum of squared one-step errors over the fitted history */
    size_t observations; /* observations the state has seen */
    int evaluations;     /* objective evaluations of the fit (0 when nothing was fitted) */
} cc_forecast_params;

typedef struct cc_forecaster cc_forecaster;

/*
 * Creates a forecaster; *out is owned by the caller (cc_forecaster_free). opt is copied.
 * Returns CC_OK, CC_EINVAL (out or opt NULL, period 0, week not a multiple of period,
 * parameters out of range), CC_EVERSION, CC_ENOMEM.
 */
cc_status cc_forecaster_new(cc_forecaster **out, const cc_forecast_options *opt);

/* Frees the forecaster; NULL is a no-op. */
void cc_forecaster_free(cc_forecaster *self);

/*
 * Initialises the state from `history` (n values, borrowed) and fits the parameters left at
 * 0 by minimising the sum of squared one-step-ahead errors (NLopt, derivative-free
 * bound-constrained), then runs the filter over the whole history. Needs n >= 2 days
 * (2 weeks for the weekly naive, double-seasonal and daily-profile methods, window + 1
 * days for the moving average). Cost: O(n) per objective evaluation, a few hundred
 * evaluations (0.2 to 0.35 s for 120 days of 5-minute data).
 * Returns CC_OK, CC_EINVAL (NULL, too short, values negative, not finite or above
 * CC_FORECAST_MAX_VOLUME), CC_ERANGE (no parameter values tried keep the one-step errors
 * finite; the forecaster stays unfitted), CC_EUNSUPPORTED (parameters to fit but built
 * without NLopt), CC_ENOMEM.
 */
cc_status cc_forecaster_fit(cc_forecaster *self, const double *history, size_t n);

/*
 * Feeds n new observations (borrowed) through the fitted model without refitting: O(n).
 * Returns CC_OK, CC_ESTATE (not fitted yet), CC_EINVAL (NULL or values outside
 * [0, CC_FORECAST_MAX_VOLUME] or not finite).
 */
cc_status cc_forecaster_observe(cc_forecaster *self, const double *values, size_t n);

/*
 * Forecasts the next `horizon` intervals after the last observation. mean[horizon] is
 * required; lower/upper[horizon] may be NULL, else they receive the prediction interval at
 * the options' `level` (normal approximation with the h-step variance of the model's
 * innovations form, clamped at 0 because volumes are not negative). Forecasts are >= 0.
 * Returns CC_OK, CC_ESTATE (not fitted), CC_EINVAL (mean NULL).
 */
cc_status cc_forecaster_predict(const cc_forecaster *self, size_t horizon, double *mean,
                                double *lower, double *upper);

/* Copies the parameters in use and fit statistics to *out. CC_OK or CC_EINVAL. */
cc_status cc_forecaster_params(const cc_forecaster *self, cc_forecast_params *out);

/* ---- accuracy ---------------------------------------------------------------- */
/* All return fractions (0.05 = 5 %), or NaN with a detail message when n == 0, an array is
 * NULL, or no term is defined (MAPE with every actual 0). */

/* Mean absolute percentage error over the points whose actual is not 0. */
double cc_forecast_mape(const double *actual, const double *forecast, size_t n);
/* Weighted APE: sum |a - f| / sum |a|. */
double cc_forecast_wape(const double *actual, const double *forecast, size_t n);
/* Symmetric MAPE: mean of 2 |a - f| / (|a| + |f|), skipping points where both are 0. */
double cc_forecast_smape(const double *actual, const double *forecast, size_t n);
/* Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive forecast with
 * lag m on train[ntrain] (Hyndman & Koehler 2006). NaN also when ntrain <= m. */
double cc_forecast_mase(const double *actual, const double *forecast, size_t n, const double *train,
                        size_t ntrain, size_t m);

/* ---- rolling-origin backtest -------------------------------------------------- */

#define CC_BACKTEST_OPTIONS_VERSION 1

typedef struct cc_backtest_options {
    uint32_t version; /* CC_BACKTEST_OPTIONS_VERSION */
    size_t initial;   /* observations before the first origin; required */
    size_t horizon;   /* intervals forecast from each origin; default the period (one day) */
    size_t step;      /* origin advance; default the horizon */
    int refit;        /* 0: fit once at the first origin, then only observe (fast);
                       * 1: refit the parameters at every origin */
} cc_backtest_options;

#define CC_BACKTEST_OPTIONS_INIT                                                                   \
    {                                                                                              \
        CC_BACKTEST_OPTIONS_VERSION, 0, 0, 0, 0                                                    \
    }

typedef struct cc_forecast_accuracy {
    double mape, wape, smape, mase; /* over every forecast point (MASE scaled on the
                                     * initial part with the weekly lag) */
    double coverage;                /* share of actuals inside the prediction interval */
    size_t points;                  /* forecast points scored */
    size_t origins;                 /* forecast origins */
} cc_forecast_accuracy;

/*
 * Rolling-origin evaluation on y[n] (borrowed): for each origin o = initial, initial + step,
 * ... < n, the model knows y[0..o) and forecasts y[o .. o + horizon) (clipped at n; a
 * horizon or step of any size is valid, memory is sized by n).
 * forecasts[n] may be NULL; else it receives, for every point, the forecast from the latest
 * origin before it (NaN before `initial`). Returns CC_OK, CC_EINVAL, CC_EVERSION,
 * CC_ERANGE and CC_EUNSUPPORTED (from the fits), CC_ENOMEM; *out is filled on CC_OK.
 */
cc_status cc_forecast_backtest(cc_forecast_accuracy *out, double *forecasts,
                               const cc_forecast_options *opt, const cc_backtest_options *bt,
                               const double *y, size_t n);

/* ---- interval count series from CSV ------------------------------------------ */

#define CC_SERIES_CSV_OPTIONS_VERSION 1

/* Zero means default. */
typedef struct cc_series_csv_options {
    uint32_t version;         /* CC_SERIES_CSV_OPTIONS_VERSION */
    const char *value_column; /* header name of the counts (borrowed for the call); NULL:
                               * the column named Calls, calls or volume, else the last */
} cc_series_csv_options;

#define CC_SERIES_CSV_OPTIONS_INIT                                                                 \
    {                                                                                              \
        CC_SERIES_CSV_OPTIONS_VERSION, 0                                                           \
    }

/* Interval counts read from a CSV file, in file order. Immutable once read: any thread may
 * read it. */
typedef struct cc_volume_series cc_volume_series;

/* Largest file cc_volume_series_load_csv reads (256 MiB): memory stays bounded. */
#define CC_VOLUME_SERIES_MAX_BYTES ((size_t)256 * 1024 * 1024)

/*
 * Reads interval counts from CSV text[len] (borrowed for the call; need not be
 * NUL-terminated, may hold any byte). The first line that is not blank and does not start
 * with '#' is the header; every later such line is one interval in time order and must
 * have as many fields as the header (RFC 4180 fields: a quote only opens a field; a UTF-8
 * byte order mark before the header is skipped). Counts are finite
 * decimal numbers in [0, CC_FORECAST_MAX_VOLUME] (what the forecaster fits). If the first data row has a field that is an ISO date
 * (YYYY-MM-DD, time after it allowed) outside the value column, that column is the
 * calendar: the period is the number of rows on the first day, and the week has 5 days
 * when no row falls on a Saturday or Sunday, else 7.
 * *out is owned by the caller (cc_volume_series_free). opt may be NULL (defaults).
 * Memory: 8 bytes per row plus the longest line. Returns CC_OK; CC_EINVAL (out or text
 * NULL); CC_EVERSION; CC_EPARSE (no header, no data rows, a row with the wrong number of
 * fields, an unterminated quote or one inside an unquoted field, a count that is not a number in [0, CC_FORECAST_MAX_VOLUME],
 * value_column absent:
 * the detail message starts with "line N:" where N is the 1-based line); CC_ENOMEM.
 * Reentrant: no shared state.
 */
cc_status cc_volume_series_parse_csv(cc_volume_series **out, const char *text, size_t len,
                                     const cc_series_csv_options *opt);

/*
 * Same, from the file at `path` (read whole; detail messages start with "path:N:").
 * Also returns CC_EIO (cannot open or read) and CC_ERANGE (larger than
 * CC_VOLUME_SERIES_MAX_BYTES).
 */
cc_status cc_volume_series_load_csv(cc_volume_series **out, const char *path,
                                    const cc_series_csv_options *opt);

/* Frees the series; NULL is a no-op. */
void cc_volume_series_free(cc_volume_series *self);

/* The counts (borrowed from self, valid until cc_volume_series_free); *n set to their
 * number (>= 1). NULL self gives NULL and *n = 0. */
const double *cc_volume_series_values(const cc_volume_series *self, size_t *n);

/* Intervals per day from the date column (rows on the first day), 0 without dates. */
size_t cc_volume_series_period(const cc_volume_series *self);

/* Days per week the dates show: 5 (no Saturday or Sunday row), 7, or 0 without dates. */
size_t cc_volume_series_week_days(const cc_volume_series *self);

#ifdef __cplusplus
}
#endif
#endif
