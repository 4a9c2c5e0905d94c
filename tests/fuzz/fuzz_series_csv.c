/*
 * tests/fuzz/fuzz_series_csv.c - libFuzzer harness for the interval count series reader
 * (cc_volume_series_parse_csv, forecast.h) and the shared CSV field splitter under it: any
 * bytes give CC_OK with a consistent series or CC_EPARSE with a message, never a crash, a
 * leak or a hang. A series that has a calendar is forecast one day ahead (seasonal naive),
 * as `callcore forecast` would.
 */
#include "callcore/forecast.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks what the reader promises about a series it accepted. */
static void check_series(const cc_volume_series *s)
{
    size_t n;
    const double *v = cc_volume_series_values(s, &n);
    if (!v || n == 0) abort();
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]) || v[i] < 0) abort();
    size_t period = cc_volume_series_period(s), days = cc_volume_series_week_days(s);
    if (period > n || (period == 0) != (days == 0) || (days && days != 5 && days != 7)) abort();
    if (period == 0 || n < 2 * period || period > 4096) return;
    cc_forecast_options o = CC_FORECAST_OPTIONS_INIT;
    o.period = period;
    cc_forecaster *f;
    if (cc_forecaster_new(&f, &o) != CC_OK) abort();
    double mean[4096];
    if (cc_forecaster_fit(f, v, n) != CC_OK || cc_forecaster_predict(f, period, mean, NULL, NULL))
        abort();
    cc_forecaster_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The first byte chooses the value column: the default rule, or a named one. */
    cc_series_csv_options o = CC_SERIES_CSV_OPTIONS_INIT;
    if (size && data[0] == 'N') o.value_column = "calls";
    cc_volume_series *s = NULL;
    cc_status st = cc_volume_series_parse_csv(&s, (const char *)data, size, &o);
    if (st == CC_OK) {
        check_series(s);
        cc_volume_series_free(s);
    } else if (st != CC_EPARSE || s != NULL || !cc_error_last()[0]) {
        abort();
    }
    return 0;
}
