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

#include "callcore/event.h"
#include "callcore/status.h"

/* The aggregator's own check of one event (type, channel, this range, enum fields,
 * survey scores): CC_OK, or CC_EINVAL with a detail message. An importer whose input
 * carries whole events (the journal) rejects with it what the aggregator would refuse. */
cc_status cc__kpi_validate(const cc_event *ev);

#endif
