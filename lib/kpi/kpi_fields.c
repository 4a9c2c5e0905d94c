/*
 * lib/kpi/kpi_fields.c - the figure fields by name, for the report writers,
 * and the UTC time format they share.
 */
#include "kpi_report.h"

#include <stdio.h>
#include <string.h>

#define CC__COUNT(f) {#f, offsetof(cc_kpi_figures, f), 1, 0}
/* A count of contacts that belong to no agent (kpi.md: agent rows count the
 * agent's own answers and legs): not applicable in agent rows. */
#define CC__QUEUE_COUNT(f) {#f, offsetof(cc_kpi_figures, f), 1, 1}
#define CC__FIG(f) {#f, offsetof(cc_kpi_figures, f), 0, 0}

const cc__kpi_field cc__kpi_fields[] = {
    CC__QUEUE_COUNT(offered), CC__COUNT(answered), CC__QUEUE_COUNT(abandoned),
    CC__QUEUE_COUNT(short_abandoned), CC__COUNT(answered_within),
    CC__QUEUE_COUNT(abandoned_within), CC__QUEUE_COUNT(blocked), CC__QUEUE_COUNT(overflowed),
    CC__QUEUE_COUNT(left), CC__QUEUE_COUNT(callbacks), CC__COUNT(handled),
    CC__COUNT(transferred), CC__COUNT(rona), CC__QUEUE_COUNT(repeat_contacts),
    CC__COUNT(csat_responses), CC__COUNT(nps_responses), CC__COUNT(ces_responses),
    CC__FIG(service_level),
    {"sl_v1", offsetof(cc_kpi_figures, sl) + 0 * sizeof(double), 0, 0},
    {"sl_v2", offsetof(cc_kpi_figures, sl) + 1 * sizeof(double), 0, 0},
    {"sl_v3", offsetof(cc_kpi_figures, sl) + 2 * sizeof(double), 0, 0},
    {"sl_v4", offsetof(cc_kpi_figures, sl) + 3 * sizeof(double), 0, 0},
    {"sl_v5", offsetof(cc_kpi_figures, sl) + 4 * sizeof(double), 0, 0},
    {"sl_v6", offsetof(cc_kpi_figures, sl) + 5 * sizeof(double), 0, 0},
    CC__FIG(asa_s), CC__FIG(avg_abandon_s), CC__FIG(longest_wait_s), CC__FIG(abandon_rate),
    CC__FIG(abandon_rate_excl_short), CC__FIG(blocked_rate), CC__FIG(aht_s), CC__FIG(talk_s),
    CC__FIG(hold_s), CC__FIG(acw_s), CC__FIG(transfer_rate), CC__FIG(occupancy),
    CC__FIG(utilisation), CC__FIG(load), CC__FIG(contacts_per_agent_hour), CC__FIG(fcr),
    CC__FIG(repeat_rate), CC__FIG(frt_s), CC__FIG(csat), CC__FIG(csat_mean), CC__FIG(nps),
    CC__FIG(ces), CC__FIG(cost_per_contact), CC__FIG(attrition), CC__FIG(cx_peak),
    CC__FIG(cx_end), CC__FIG(cx_remembered),
};
const size_t cc__kpi_nfields = sizeof cc__kpi_fields / sizeof cc__kpi_fields[0];

const cc__kpi_field *cc__kpi_field_find(const char *name)
{
    for (size_t i = 0; i < cc__kpi_nfields; i++)
        if (strcmp(cc__kpi_fields[i].name, name) == 0) return &cc__kpi_fields[i];
    return NULL;
}

double cc__kpi_field_value(const cc__kpi_field *field, const cc_kpi_figures *f)
{
    const char *base = (const char *)f + field->offset;
    if (field->is_count) {
        uint64_t v;
        memcpy(&v, base, sizeof v);
        return (double)v;
    }
    double v;
    memcpy(&v, base, sizeof v);
    return v;
}

/* Days since 1970-01-01 -> civil date (H. Hinnant's algorithm). */
static void cc__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void cc__kpi_format_utc(int64_t ms, char *buf)
{
    int64_t s = ms / 1000 - (ms % 1000 < 0);
    int64_t days = s / 86400 - (s % 86400 < 0);
    int64_t sod = s - days * 86400;
    int64_t y;
    unsigned m, d;
    cc__civil_from_days(days, &y, &m, &d);
    snprintf(buf, 48, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
             (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60), (unsigned)(sod % 60));
}
