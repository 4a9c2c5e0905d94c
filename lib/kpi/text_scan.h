/*
 * lib/kpi/text_scan.h - internal: reading fields of log lines without
 * copying or modifying them. Lines are spans (pointer + length) that may hold
 * any byte, NUL included; every function is total (bad text -> -1, never UB).
 */
#ifndef CC_KPI_TEXT_SCAN_H
#define CC_KPI_TEXT_SCAN_H

#include "base/span.h"

#include <stddef.h>
#include <stdint.h>

/* cc__span and the generic span readers (trim, compare, numbers) are in
 * base/span.h, shared with the WFM CSV readers. */

/* Splits at every `delim` byte into at most max spans; a line with more
 * fields puts the rest in the last one. Returns the field count. O(len). */
size_t cc__span_split(const char *line, size_t len, char delim, cc__span *out, size_t max);

/* Splits at runs of spaces and tabs, ignoring leading/trailing ones; returns
 * the field count, or max + 1 when there are more than max fields. */
size_t cc__span_split_blank(const char *line, size_t len, cc__span *out, size_t max);

/* Returned for a number beyond the aggregator's range (CC__KPI_MAX_MS,
 * kpi_limits.h), so that the importer can say so. */
#define CC__SCAN_BEYOND (-2)

/* Seconds as a non-negative number ("12", "12.5") -> milliseconds. Returns
 * 0, -1 when the text is no such number, CC__SCAN_BEYOND above
 * CC__KPI_MAX_MS. */
int cc__span_seconds_ms(cc__span s, int64_t *ms);

/* "H:MM:SS" or "HH:MM:SS" (H <= 47) -> seconds since midnight. */
int cc__span_clock(cc__span s, int64_t *seconds);

/* Days since 1970-01-01 of a valid Gregorian date, or -1 from the check. */
int cc__civil_days(int64_t year, int month, int day, int64_t *days);

/* "YYYY-MM-DD HH:MM:SS" / "YYYY-MM-DDTHH:MM:SS[Z]" (UTC) or epoch seconds
 * (integer or decimal) -> ms since the epoch. Returns 0, -1, or
 * CC__SCAN_BEYOND for epoch seconds beyond +-CC__KPI_MAX_MS. */
int cc__span_timestamp_ms(cc__span s, int64_t *ms);

#endif
