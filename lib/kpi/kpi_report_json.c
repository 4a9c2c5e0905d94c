/*
 * lib/kpi/kpi_report_json.c - a cc_kpi_report as one JSON document.
 *
 * The default key set is the CLI contract of issue 5 (docs/kpi.md); with
 * CC_KPI_JSON_FULL every figure of every row is written. NaN (undefined)
 * figures are null, except occupancy in the default set, which is left out
 * when unknown ("occupancy when known").
 */
#include "kpi_report.h"

#include "base/error.h"
#include "base/json.h"
#include "callcore/import.h"

#include <math.h>
#include <string.h>

/* The contact keys of totals, queues and intervals in the default set. */
static const char *const cc__json_contact_keys[] = {
    "offered",        "answered",     "abandoned",    "short_abandoned", "blocked",
    "service_level",  "asa_s",        "avg_abandon_s", "longest_wait_s", "aht_s",
    "abandon_rate",   "transfer_rate", "fcr",         "repeat_rate",     "occupancy",
};

/* The keys of agent rows in the default set. */
static const char *const cc__json_agent_keys[] = {
    "answered", "handled", "aht_s",     "talk_s",    "hold_s",
    "acw_s",    "transfer_rate", "rona", "occupancy", "utilisation",
};

static void cc__json_field(cc__json *j, const cc__kpi_field *fd, const cc_kpi_figures *f,
                           int omit_unknown, int agent)
{
    double v = cc__kpi_field_value(fd, f);
    if (omit_unknown && isnan(v)) return;
    if (agent && fd->not_for_agents) {
        cc__json_kv_double(j, fd->name, NAN); /* null: not applicable */
    } else if (fd->is_count) {
        uint64_t u;
        memcpy(&u, (const char *)f + fd->offset, sizeof u);
        cc__json_key(j, fd->name);
        cc__json_uint(j, u);
    } else {
        cc__json_kv_double(j, fd->name, v);
    }
}

static void cc__json_figures(cc__json *j, const cc_kpi_figures *f, int full, int agent)
{
    if (full) {
        for (size_t i = 0; i < cc__kpi_nfields; i++)
            cc__json_field(j, &cc__kpi_fields[i], f, 0, agent);
        return;
    }
    const char *const *keys = agent ? cc__json_agent_keys : cc__json_contact_keys;
    size_t n = agent ? sizeof cc__json_agent_keys / sizeof *keys
                     : sizeof cc__json_contact_keys / sizeof *keys;
    for (size_t i = 0; i < n; i++) {
        int when_known = strcmp(keys[i], "occupancy") == 0 || strcmp(keys[i], "utilisation") == 0;
        cc__json_field(j, cc__kpi_field_find(keys[i]), f, when_known, agent);
    }
}

static void cc__json_groups(cc__json *j, const char *key, const char *name_key,
                            const cc_kpi_group *g, size_t n, int full, int agent)
{
    cc__json_key(j, key);
    cc__json_array_begin(j);
    for (size_t i = 0; i < n; i++) {
        cc__json_object_begin(j);
        cc__json_kv_string(j, name_key, g[i].name);
        cc__json_figures(j, &g[i].f, full, agent);
        cc__json_object_end(j);
    }
    cc__json_array_end(j);
}

static void cc__json_intervals(cc__json *j, const char *key, const cc_kpi_interval *rows,
                               size_t n, int full)
{
    char when[48];
    cc__json_key(j, key);
    cc__json_array_begin(j);
    for (size_t i = 0; i < n; i++) {
        cc__json_object_begin(j);
        cc__kpi_format_utc(rows[i].start_ms, when);
        cc__json_kv_string(j, "start", when);
        cc__json_kv_int(j, "start_ms", rows[i].start_ms);
        if (rows[i].queue) cc__json_kv_string(j, "queue", rows[i].queue);
        cc__json_figures(j, &rows[i].f, full, 0);
        cc__json_object_end(j);
    }
    cc__json_array_end(j);
}

static void cc__json_import(cc__json *j, const cc_import_stats *s)
{
    cc__json_key(j, "import");
    cc__json_object_begin(j);
    cc__json_key(j, "files");
    cc__json_uint(j, s->files);
    cc__json_key(j, "lines_read");
    cc__json_uint(j, s->lines_read);
    cc__json_key(j, "rejected");
    cc__json_uint(j, s->lines_rejected);
    cc__json_key(j, "skipped");
    cc__json_uint(j, s->lines_skipped);
    cc__json_key(j, "events");
    cc__json_uint(j, s->events);
    cc__json_key(j, "errors");
    cc__json_array_begin(j);
    for (size_t i = 0; i < s->n_errors; i++) {
        cc__json_object_begin(j);
        cc__json_kv_string(j, "file", s->errors[i].file);
        cc__json_kv_int(j, "line", s->errors[i].line);
        cc__json_kv_string(j, "message", s->errors[i].message);
        cc__json_object_end(j);
    }
    cc__json_array_end(j);
    cc__json_object_end(j);
}

static void cc__json_full_extras(cc__json *j, const cc_kpi_report *r)
{
    cc__json_key(j, "settings");
    cc__json_object_begin(j);
    cc__json_kv_int(j, "interval_ms", r->interval_ms);
    cc__json_kv_int(j, "sl_threshold_ms", r->sl_threshold_ms);
    cc__json_kv_string(j, "sl_variant", cc_sl_variant_name(r->sl_variant));
    cc__json_kv_int(j, "short_abandon_ms", r->short_abandon_ms);
    cc__json_kv_int(j, "repeat_window_ms", r->repeat_window_ms);
    cc__json_kv_double(j, "pareto_share", r->pareto_share);
    cc__json_object_end(j);
    cc__json_key(j, "events");
    cc__json_object_begin(j);
    cc__json_key(j, "added");
    cc__json_uint(j, r->events);
    cc__json_key(j, "rejected");
    cc__json_uint(j, r->events_rejected);
    cc__json_key(j, "lost");
    cc__json_uint(j, r->events_lost);
    cc__json_kv_int(j, "first_ms", r->first_ms);
    cc__json_kv_int(j, "last_ms", r->last_ms);
    cc__json_object_end(j);
    cc__json_groups(j, "channels", "channel", r->channels, r->n_channels, 1, 0);
    cc__json_intervals(j, "interval_queues", r->interval_queues, r->n_interval_queues, 1);
    cc__json_key(j, "pareto");
    cc__json_object_begin(j);
    cc__json_key(j, "vital_few");
    cc__json_uint(j, r->vital_few);
    cc__json_key(j, "reasons");
    cc__json_array_begin(j);
    for (size_t i = 0; i < r->n_reasons; i++) {
        const cc_kpi_reason *x = &r->reasons[i];
        cc__json_object_begin(j);
        cc__json_kv_string(j, "reason", x->reason);
        cc__json_key(j, "contacts");
        cc__json_uint(j, x->contacts);
        cc__json_kv_double(j, "share", x->share);
        cc__json_kv_double(j, "cumulative", x->cumulative);
        cc__json_key(j, "vital");
        cc__json_bool(j, x->vital);
        cc__json_object_end(j);
    }
    cc__json_array_end(j);
    cc__json_object_end(j);
}

cc_status cc_kpi_report_json(const cc_kpi_report *r, const struct cc_import_stats *import,
                             uint32_t flags, char **out)
{
    if (!r || !out) return cc__fail(CC_EINVAL, "cc_kpi_report_json: NULL argument");
    *out = NULL;
    int full = (flags & CC_KPI_JSON_FULL) != 0;
    cc__json j;
    cc__json_init(&j, (flags & CC_KPI_JSON_PRETTY) != 0);
    cc__json_object_begin(&j);
    cc__json_key(&j, "totals");
    cc__json_object_begin(&j);
    cc__json_figures(&j, &r->totals, full, 0);
    cc__json_object_end(&j);
    cc__json_groups(&j, "queues", "queue", r->queues, r->n_queues, full, 0);
    cc__json_groups(&j, "agents", "agent", r->agents, r->n_agents, full, 1);
    cc__json_intervals(&j, "intervals", r->intervals, r->n_intervals, full);
    if (import) cc__json_import(&j, import);
    if (full) cc__json_full_extras(&j, r);
    cc__json_object_end(&j);
    char *text = cc__json_take(&j);
    cc__json_free(&j);
    if (!text) return cc__fail(CC_ENOMEM, "kpi report JSON: out of memory");
    *out = text;
    return CC_OK;
}
