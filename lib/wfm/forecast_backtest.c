/*
 * lib/wfm/forecast_backtest.c - rolling-origin evaluation (Tashman 2000).
 *
 * The forecaster is fitted on y[0..initial) and then moved forward origin by origin: with
 * refit = 0 it only observes the new values (O(step) per origin), with refit = 1 it is
 * fitted again on everything known. Forecasts are kept in one array of n values so that the
 * metrics are computed over the same points for every method.
 */
#include "base/error.h"
#include "base/mem.h"
#include "callcore/forecast.h"

#include <math.h>
#include <string.h>

/* Scores the k forecast points packed in a[k], g[k]; MASE is scaled on y[0..initial). */
static void cc__bt_score(cc_forecast_accuracy *out, const double *a, const double *g, size_t k,
                         const double *y, size_t initial, size_t week)
{
    out->points = k;
    out->mape = cc_forecast_mape(a, g, k);
    out->wape = cc_forecast_wape(a, g, k);
    out->smape = cc_forecast_smape(a, g, k);
    out->mase = cc_forecast_mase(a, g, k, y, initial, week);
}

/* min(count, n - origin) for origin <= n: how much of `count` intervals from `origin` lies
 * inside y[n]. Written as a comparison so that a count near SIZE_MAX cannot wrap
 * origin + count. */
static size_t cc__bt_clip(size_t count, size_t origin, size_t n)
{
    return count > n - origin ? n - origin : count;
}

cc_status cc_forecast_backtest(cc_forecast_accuracy *out, double *forecasts,
                               const cc_forecast_options *opt, const cc_backtest_options *bt,
                               const double *y, size_t n)
{
    if (!out || !opt || !bt || !y)
        return cc__fail(CC_EINVAL, "cc_forecast_backtest: NULL argument");
    memset(out, 0, sizeof *out);
    if (bt->version != CC_BACKTEST_OPTIONS_VERSION)
        return cc__fail(CC_EVERSION, "backtest options: version %u is not supported (want %d)",
                        (unsigned)bt->version, CC_BACKTEST_OPTIONS_VERSION);
    if (bt->initial == 0 || bt->initial >= n)
        return cc__fail(CC_EINVAL, "backtest: initial (%zu) must be in [1, n = %zu)", bt->initial,
                        n);
    size_t horizon = bt->horizon ? bt->horizon : opt->period;
    size_t step = bt->step ? bt->step : horizon;
    if (horizon == 0)
        return cc__fail(CC_EINVAL, "backtest: horizon is 0 and the options give no period");

    /* Every forecast is clipped at n, so no origin forecasts more than the span after
     * `initial`: the bound buffers are sized by that span, never by the caller's horizon
     * (a horizon near SIZE_MAX would wrap horizon * sizeof(double)). */
    size_t span = cc__bt_clip(horizon, bt->initial, n);

    cc_forecaster *fc = NULL;
    cc_status st = cc_forecaster_new(&fc, opt);
    if (st) return st;
    double *f = cc__calloc(n, sizeof *f);
    double *lo = cc__calloc(span, sizeof *lo), *hi = cc__calloc(span, sizeof *hi);
    /* inside[i]: y[i] lies in the interval of the latest origin that forecast it. With a
     * step below the horizon a point is forecast from several origins; counting each of
     * them made the "share" of covered actuals exceed 1. */
    unsigned char *inside = cc__calloc(n, 1);
    if (!f || !lo || !hi || !inside) {
        st = cc__fail(CC_ENOMEM, "cc_forecast_backtest: out of memory for %zu values", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        f[i] = NAN;
    st = cc_forecaster_fit(fc, y, bt->initial);
    for (size_t origin = bt->initial; !st && origin < n; origin += step) {
        size_t h = cc__bt_clip(horizon, origin, n);
        st = cc_forecaster_predict(fc, h, f + origin, lo, hi);
        if (st) break;
        for (size_t j = 0; j < h; j++)
            inside[origin + j] = y[origin + j] >= lo[j] && y[origin + j] <= hi[j];
        out->origins++;
        size_t next = origin + cc__bt_clip(step, origin, n);
        if (next >= n) break;
        st = bt->refit ? cc_forecaster_fit(fc, y, next)
                       : cc_forecaster_observe(fc, y + origin, next - origin);
    }
    if (!st) {
        /* A step longer than the horizon leaves gaps: pack the forecast points (into the
         * start of f, which is read ahead of where it is written). */
        double *a = cc__calloc(n, sizeof *a);
        if (!a) {
            st = cc__fail(CC_ENOMEM, "cc_forecast_backtest: out of memory for %zu values", n);
            goto done;
        }
        if (forecasts) memcpy(forecasts, f, n * sizeof *f);
        size_t k = 0, covered = 0;
        for (size_t i = bt->initial; i < n; i++)
            if (!isnan(f[i])) {
                covered += inside[i];
                a[k] = y[i];
                f[k++] = f[i];
            }
        size_t week = opt->week ? opt->week : 7 * opt->period;
        cc__bt_score(out, a, f, k, y, bt->initial, week);
        out->coverage = k ? (double)covered / (double)k : NAN;
        cc__free(a);
    }
done:
    cc__free(f);
    cc__free(lo);
    cc__free(hi);
    cc__free(inside);
    cc_forecaster_free(fc);
    return st;
}
