/*
 * lib/wfm/forecast_accuracy.c - forecast accuracy metrics (Hyndman & Koehler 2006).
 * Each is one O(n) pass; all return fractions.
 */
#include "base/error.h"
#include "callcore/forecast.h"

#include <math.h>

static int cc__acc_check(const char *fn, const double *a, const double *f, size_t n)
{
    if (!a || !f || n == 0) {
        cc__fail_nan("%s: need two non-NULL arrays of at least one value", fn);
        return -1;
    }
    return 0;
}

double cc_forecast_mape(const double *actual, const double *forecast, size_t n)
{
    if (cc__acc_check("cc_forecast_mape", actual, forecast, n)) return NAN;
    double s = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (actual[i] == 0.0) continue;
        s += fabs(actual[i] - forecast[i]) / fabs(actual[i]);
        k++;
    }
    if (k == 0) return cc__fail_nan("cc_forecast_mape: every actual is 0; use WAPE or MASE");
    return s / (double)k;
}

double cc_forecast_wape(const double *actual, const double *forecast, size_t n)
{
    if (cc__acc_check("cc_forecast_wape", actual, forecast, n)) return NAN;
    double err = 0.0, tot = 0.0;
    for (size_t i = 0; i < n; i++) {
        err += fabs(actual[i] - forecast[i]);
        tot += fabs(actual[i]);
    }
    if (tot == 0.0) return cc__fail_nan("cc_forecast_wape: the actuals sum to 0");
    return err / tot;
}

double cc_forecast_smape(const double *actual, const double *forecast, size_t n)
{
    if (cc__acc_check("cc_forecast_smape", actual, forecast, n)) return NAN;
    double s = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(actual[i]) + fabs(forecast[i]);
        if (d == 0.0) continue;
        s += 2.0 * fabs(actual[i] - forecast[i]) / d;
        k++;
    }
    if (k == 0) return cc__fail_nan("cc_forecast_smape: actuals and forecasts are all 0");
    return s / (double)k;
}

double cc_forecast_mase(const double *actual, const double *forecast, size_t n, const double *train,
                        size_t ntrain, size_t m)
{
    if (cc__acc_check("cc_forecast_mase", actual, forecast, n)) return NAN;
    if (!train || m == 0 || ntrain <= m)
        return cc__fail_nan("cc_forecast_mase: need more than m = %zu training values, got %zu", m,
                            ntrain);
    double scale = 0.0;
    for (size_t i = m; i < ntrain; i++)
        scale += fabs(train[i] - train[i - m]);
    scale /= (double)(ntrain - m);
    if (scale == 0.0)
        return cc__fail_nan("cc_forecast_mase: the training data repeat exactly with lag %zu", m);
    double mae = 0.0;
    for (size_t i = 0; i < n; i++)
        mae += fabs(actual[i] - forecast[i]);
    return mae / (double)n / scale;
}
