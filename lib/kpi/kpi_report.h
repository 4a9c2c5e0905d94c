/*
 * lib/kpi/kpi_report.h - internal: the report's owned storage and the table
 * of figure fields shared by the JSON and CSV writers.
 */
#ifndef CC_KPI_REPORT_H
#define CC_KPI_REPORT_H

#include "kpi_state.h"

#include <stddef.h>

/* A report and the strings it owns; pub is first so the public pointer and
 * this one are the same. */
typedef struct cc__kpi_report_owned {
    cc_kpi_report pub;
    char **strings;
    size_t nstrings;
} cc__kpi_report_owned;

/* One field of cc_kpi_figures, by name (the JSON key / CSV column). */
typedef struct cc__kpi_field {
    const char *name;
    size_t offset;
    int is_count; /* uint64_t; otherwise double (NaN = unknown) */
    int not_for_agents; /* a count of contacts that belong to no agent: 0 in
                           an agent row's struct, null / empty when written */
} cc__kpi_field;

extern const cc__kpi_field cc__kpi_fields[];
extern const size_t cc__kpi_nfields;

/* The field called name, or NULL. */
const cc__kpi_field *cc__kpi_field_find(const char *name);

/* Value of a field as a double (counts converted). */
double cc__kpi_field_value(const cc__kpi_field *field, const cc_kpi_figures *f);

/* "YYYY-MM-DDTHH:MM:SSZ" of a time in ms since the epoch (proleptic
 * Gregorian, UTC); buf must hold 48 bytes. */
void cc__kpi_format_utc(int64_t ms, char *buf);

#endif
