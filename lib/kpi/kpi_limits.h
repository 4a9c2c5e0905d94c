/*
 * lib/kpi/kpi_limits.h - internal: the range of times and durations the KPI
 * aggregator accepts, shared with the importers so that they agree on it: an
 * importer rejects a line whose events would fall outside the range (with a
 * reason), instead of sending events the aggregator then rejects one by one,
 * which would count the line half.
 */
#ifndef CC_KPI_LIMITS_H
#define CC_KPI_LIMITS_H

/* About 31,700 years either side of the epoch: sums of times and durations
 * never overflow int64. Event times lie in [-max, max], durations and waits
 * in [0, max] (milliseconds). */
#define CC__KPI_MAX_MS 1000000000000000LL

#endif
