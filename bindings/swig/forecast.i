/*
 * bindings/swig/forecast.i - interval volume forecasting (callcore/forecast.h).
 *
 * Scripts see:
 *   cc_forecaster_new(options) with keys method ("holt_winters_additive" or
 *     CC_FORECAST_*), period, week, window, alpha, beta, gamma, omega, phi, level;
 *   cc_forecaster_fit(f, history[]), cc_forecaster_observe(f, values[]);
 *   cc_sw_forecaster_predict(f, horizon) -> mapping {mean, lower, upper} of arrays;
 *   cc_sw_forecaster_params(f) -> mapping;
 *   cc_sw_forecast_accuracy(actual[], forecast[]) -> mapping {mape, wape, smape};
 *   cc_sw_forecast_backtest(options, {initial, horizon, step, refit}, y[]) -> mapping.
 * Arrays are sequences of numbers (numpy arrays in Python).
 */
%{
#include "callcore/forecast.h"

static const char *const cc_sw_forecast_keys[] = {"method", "period", "week", "window",
    "alpha", "beta", "gamma", "omega", "phi", "level", NULL};

static int cc_sw_fill_forecast_options(cc_sw_obj m, cc_forecast_options *o, cc_sw_arena *arena)
{
    cc_forecast_options init = CC_FORECAST_OPTIONS_INIT;
    int method = init.method;
    int64_t period = 0, week = 0, window = 0;
    (void)arena;
    *o = init;
    if (cc_sw_check_keys(m, "forecast options", cc_sw_forecast_keys)) return -1;
    if (cc_sw_kind(m, "method") == CC_SW_STR) {
        const char *name = NULL;
        cc_forecast_method parsed;
        if (cc_sw_get_str(m, "method", &name) != 0) return -1;
        if (cc_forecast_method_parse(name, &parsed) != CC_OK)
            return cc_sw_fail("unknown forecast method '%s'", name);
        method = parsed;
    } else if (cc_sw_get_int(m, "method", &method) != 0) {
        return -1;
    }
    if (cc_sw_get_i64(m, "period", &period) || cc_sw_get_i64(m, "week", &week) ||
        cc_sw_get_i64(m, "window", &window) || cc_sw_get_f64(m, "alpha", &o->alpha) ||
        cc_sw_get_f64(m, "beta", &o->beta) || cc_sw_get_f64(m, "gamma", &o->gamma) ||
        cc_sw_get_f64(m, "omega", &o->omega) || cc_sw_get_f64(m, "phi", &o->phi) ||
        cc_sw_get_f64(m, "level", &o->level))
        return -1;
    if (period < 0 || week < 0 || window < 0)
        return cc_sw_fail("period, week and window must not be negative");
    o->method = (cc_forecast_method)method;
    o->period = (size_t)period;
    o->week = (size_t)week;
    o->window = (size_t)window;
    return 0;
}

static const char *const cc_sw_backtest_keys[] = {"initial", "horizon", "step", "refit", NULL};

static int cc_sw_fill_backtest_options(cc_sw_obj m, cc_backtest_options *o, cc_sw_arena *arena)
{
    cc_backtest_options init = CC_BACKTEST_OPTIONS_INIT;
    int64_t initial = 0, horizon = 0, step = 0;
    (void)arena;
    *o = init;
    if (cc_sw_check_keys(m, "backtest options", cc_sw_backtest_keys) ||
        cc_sw_get_i64(m, "initial", &initial) || cc_sw_get_i64(m, "horizon", &horizon) ||
        cc_sw_get_i64(m, "step", &step) || cc_sw_get_int(m, "refit", &o->refit))
        return -1;
    if (initial < 0 || horizon < 0 || step < 0)
        return cc_sw_fail("initial, horizon and step must not be negative");
    o->initial = (size_t)initial;
    o->horizon = (size_t)horizon;
    o->step = (size_t)step;
    return 0;
}

/* Prediction columns (see cc_sw_forecaster_predict). */
typedef struct cc_sw_prediction {
    double *mean, *lower, *upper; /* one malloc'd block of 3 * n */
    size_t n;
} cc_sw_prediction;
#define CC_SW_PREDICTION_INIT {NULL, NULL, NULL, 0}

static void cc_sw_put_prediction(cc_sw_out d, const cc_sw_prediction *p)
{
    cc_sw_put_column_f(d, "mean", p->mean, p->n, sizeof(double), 0);
    cc_sw_put_column_f(d, "lower", p->lower, p->n, sizeof(double), 0);
    cc_sw_put_column_f(d, "upper", p->upper, p->n, sizeof(double), 0);
}

static void cc_sw_put_forecast_params(cc_sw_out d, const cc_forecast_params *p)
{
    cc_sw_put_f64(d, "alpha", p->alpha);
    cc_sw_put_f64(d, "beta", p->beta);
    cc_sw_put_f64(d, "gamma", p->gamma);
    cc_sw_put_f64(d, "omega", p->omega);
    cc_sw_put_f64(d, "phi", p->phi);
    cc_sw_put_f64(d, "sigma", p->sigma);
    cc_sw_put_f64(d, "sse", p->sse);
    cc_sw_put_u64(d, "observations", p->observations);
    cc_sw_put_i64(d, "evaluations", p->evaluations);
}

static void cc_sw_put_accuracy(cc_sw_out d, const cc_forecast_accuracy *a)
{
    cc_sw_put_f64(d, "mape", a->mape);
    cc_sw_put_f64(d, "wape", a->wape);
    cc_sw_put_f64(d, "smape", a->smape);
    cc_sw_put_f64(d, "mase", a->mase);
    cc_sw_put_f64(d, "coverage", a->coverage);
    cc_sw_put_u64(d, "points", a->points);
    cc_sw_put_u64(d, "origins", a->origins);
}
%}

%cc_owned_object(cc_forecaster, cc_forecaster_free)
%apply cc_forecaster **OUT { cc_forecaster **out };
%cc_config_in(cc_forecast_options, cc_sw_fill_forecast_options)
%apply const cc_forecast_options *CONFIG_IN { const cc_forecast_options *opt };
%cc_config_in(cc_backtest_options, cc_sw_fill_backtest_options)
%apply const cc_backtest_options *CONFIG_IN { const cc_backtest_options *bt };
%apply (const double *ARRAY_IN, size_t ARRAY_IN_LEN) { (const double *history, size_t n) };
%apply (const double *ARRAY_IN, size_t ARRAY_IN_LEN) { (const double *values, size_t n) };
%apply (const double *ARRAY_IN, size_t ARRAY_IN_LEN) { (const double *actual, size_t n) };
%apply (const double *ARRAY_IN, size_t ARRAY_IN_LEN) { (const double *forecast, size_t nforecast) };
%apply (const double *ARRAY_IN, size_t ARRAY_IN_LEN) { (const double *y, size_t n) };
%cc_result_out(cc_sw_prediction, CC_SW_PREDICTION_INIT, cc_sw_put_prediction)
%apply cc_sw_prediction *RESULT_OUT { cc_sw_prediction *prediction };
%typemap(freearg) cc_sw_prediction *prediction {
    free($1->mean);
}
%cc_result_out(cc_forecast_params, CC_SW_ZERO_INIT, cc_sw_put_forecast_params)
%apply cc_forecast_params *RESULT_OUT { cc_forecast_params *params };
%cc_result_out(cc_forecast_accuracy, CC_SW_ZERO_INIT, cc_sw_put_accuracy)
%apply cc_forecast_accuracy *RESULT_OUT { cc_forecast_accuracy *accuracy };

/* Array functions are replaced by the length-checked helpers below. */
%ignore cc_forecaster_predict;
%ignore cc_forecaster_params;
%ignore cc_forecast_mape;
%ignore cc_forecast_wape;
%ignore cc_forecast_smape;
%ignore cc_forecast_mase;
%ignore cc_forecast_backtest;
%ignore cc_forecast_method_parse;
%ignore cc_forecast_options;
%ignore cc_forecast_params;
%ignore cc_backtest_options;
%ignore cc_forecast_accuracy;

%include "callcore/forecast.h"

/* They may record a binding-level error (lengths), which needs the GIL. */
#if defined(SWIGPYTHON)
%nothreadallow cc_sw_forecast_accuracy;
#endif
%inline %{
/* Most intervals one prediction can hold: its three columns share one block, whose size
 * in bytes must fit in a size_t (3 * horizon would wrap beyond). */
#define CC_SW_PREDICT_MAX (SIZE_MAX / (3 * sizeof(double)))

/* The next `horizon` intervals: mean and prediction interval, by column. CC_ERANGE when
 * the three columns cannot be sized, CC_ENOMEM when they cannot be allocated. */
cc_status cc_sw_forecaster_predict(const cc_forecaster *self, size_t horizon,
                                   cc_sw_prediction *prediction)
{
    if (horizon > CC_SW_PREDICT_MAX)
        return cc_sw_error(CC_ERANGE, "predict: horizon %zu is too large (at most %zu intervals)",
                           horizon, (size_t)CC_SW_PREDICT_MAX);
    double *block = (double *)calloc(horizon ? 3 * horizon : 3, sizeof(double));
    if (!block)
        return cc_sw_error(CC_ENOMEM, "predict: out of memory for a horizon of %zu intervals",
                           horizon);
    prediction->mean = block;
    prediction->lower = block + horizon;
    prediction->upper = block + 2 * horizon;
    prediction->n = horizon;
    return cc_forecaster_predict(self, horizon, prediction->mean, prediction->lower,
                                 prediction->upper);
}

/* The parameters in use and the fit statistics. */
cc_status cc_sw_forecaster_params(const cc_forecaster *self, cc_forecast_params *params)
{
    return cc_forecaster_params(self, params);
}

/* MAPE, WAPE and sMAPE of `forecast` against `actual` (same length). */
cc_status cc_sw_forecast_accuracy(const double *actual, size_t n, const double *forecast,
                                  size_t nforecast, cc_forecast_accuracy *accuracy)
{
    if (n != nforecast) /* a bad value: CC_EINVAL, not a TypeError */
        return cc_sw_error(CC_EINVAL, "forecast has %zu entries but actual has %zu",
                           nforecast, n);
    /* NaN means "undefined" here (e.g. MAPE with every actual 0), not an error. */
    accuracy->mape = cc_forecast_mape(actual, forecast, n);
    accuracy->wape = cc_forecast_wape(actual, forecast, n);
    accuracy->smape = cc_forecast_smape(actual, forecast, n);
    accuracy->mase = NAN;
    accuracy->coverage = NAN;
    accuracy->points = n;
    accuracy->origins = 0;
    return CC_OK;
}

/* Rolling-origin backtest of a method on y[]. */
cc_status cc_sw_forecast_backtest(const cc_forecast_options *opt, const cc_backtest_options *bt,
                                  const double *y, size_t n, cc_forecast_accuracy *accuracy)
{
    return cc_forecast_backtest(accuracy, NULL, opt, bt, y, n);
}
%}
