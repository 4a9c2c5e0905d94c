/*
 * bindings/swig/kpi.i - the KPI engine (callcore/kpi.h) and the log
 * importers (callcore/import.h).
 *
 * Scripts see:
 *   cc_kpi_new(options) with keys interval_ms, sl_threshold_ms, sl_variant
 *     ("V2" or 2), repeat_same_reason, short_abandon_ms, repeat_window_ms,
 *     pareto_share, cx_grace_ms, cx ({start, wait_per_min, ...}),
 *     cost ({agent_hourly, telco_per_min, fixed}), on_contact (a function
 *     receiving each finished contact's experience line as a mapping:
 *     contact_id, customer_id, queue, agent, reason, outcome, wait_ms,
 *     cx_start, cx_peak, cx_end, cx_moves);
 *   cc_kpi_add(kpi, event_mapping);
 *   cc_import_new({format, csv_delimiter, csv_map = {...}, max_errors});
 *   cc_import_file / _feed / _begin_file / _end_file / _finish(imp, ..., sink)
 *     where sink is a script function OR a cc_kpi: events then go straight
 *     to cc_kpi_sink in C, without a round trip through the script;
 *   cc_sw_kpi_json(kpi, importer or nil, flags) -> JSON text of a fresh report;
 *   cc_sw_kpi_csv(kpi, table) -> CSV text;
 *   cc_sw_kpi_totals(kpi) -> mapping of the totals' figures;
 *   cc_sw_import_stats(imp) -> mapping of the counters.
 */
%{
#include "callcore/kpi.h"
#include "callcore/import.h"

static const char *const cc_sw_kpi_keys[] = {"interval_ms", "sl_threshold_ms", "sl_variant",
    "repeat_same_reason", "short_abandon_ms", "repeat_window_ms", "pareto_share",
    "cx_grace_ms", "cx", "cost", "on_contact", NULL};

/* A finished contact's experience line as a mapping (for on_contact). */
static void cc_sw_put_kpi_contact(cc_sw_out d, const cc_kpi_contact *c)
{
    cc_sw_put_u64(d, "contact_id", c->contact_id);
    cc_sw_put_u64(d, "customer_id", c->customer_id);
    cc_sw_put_str(d, "queue", c->queue);
    cc_sw_put_str(d, "agent", c->agent);
    cc_sw_put_str(d, "reason", c->reason);
    cc_sw_put_i64(d, "outcome", c->outcome);
    cc_sw_put_i64(d, "wait_ms", c->wait_ms);
    cc_sw_put_f64(d, "cx_start", c->cx_start);
    cc_sw_put_f64(d, "cx_peak", c->cx_peak);
    cc_sw_put_f64(d, "cx_end", c->cx_end);
    cc_sw_put_i64(d, "cx_moves", c->cx_moves);
}

typedef struct cc_sw_kpi_models {
    cc_kpi_cx_model *cx;
    cc_kpi_cost_model *cost;
} cc_sw_kpi_models;

static int cc_sw_cx_item(cc_sw_obj item, const char *key, void *ud)
{
    cc_kpi_cx_model *cx = ((cc_sw_kpi_models *)ud)->cx;
    double *field = NULL;
    if (!key) return cc_sw_fail("cx: a mapping of weights");
    if (strcmp(key, "start") == 0) field = &cx->start;
    else if (strcmp(key, "wait_per_min") == 0) field = &cx->wait_per_min;
    else if (strcmp(key, "ring_no_answer") == 0) field = &cx->ring_no_answer;
    else if (strcmp(key, "hold_each") == 0) field = &cx->hold_each;
    else if (strcmp(key, "hold_per_min") == 0) field = &cx->hold_per_min;
    else if (strcmp(key, "transfer") == 0) field = &cx->transfer;
    else if (strcmp(key, "abandon") == 0) field = &cx->abandon;
    else if (strcmp(key, "resolved") == 0) field = &cx->resolved;
    else if (strcmp(key, "survey_weight") == 0) field = &cx->survey_weight;
    else return cc_sw_fail("cx: unknown key '%s'", key);
    return cc_sw_item_f64(item, field);
}

static int cc_sw_cost_item(cc_sw_obj item, const char *key, void *ud)
{
    cc_kpi_cost_model *cost = ((cc_sw_kpi_models *)ud)->cost;
    double *field = NULL;
    if (!key) return cc_sw_fail("cost: a mapping");
    if (strcmp(key, "agent_hourly") == 0) field = &cost->agent_hourly;
    else if (strcmp(key, "telco_per_min") == 0) field = &cost->telco_per_min;
    else if (strcmp(key, "fixed") == 0) field = &cost->fixed;
    else return cc_sw_fail("cost: unknown key '%s'", key);
    return cc_sw_item_f64(item, field);
}

static int cc_sw_get_sl_variant(cc_sw_obj m, const char *key, int32_t *out)
{
    if (cc_sw_kind(m, key) == CC_SW_STR) {
        const char *text = NULL;
        cc_sl_variant v;
        if (cc_sw_get_str(m, key, &text) != 0) return -1;
        if (cc_sl_variant_parse(text, &v) != CC_OK)
            return cc_sw_fail("unknown service-level variant '%s' (V1..V6)", text);
        *out = (int32_t)v;
        return 0;
    }
    return cc_sw_get_i32(m, key, out);
}

static int cc_sw_fill_kpi_options(cc_sw_obj m, cc_kpi_options *o, cc_sw_arena *arena)
{
    cc_kpi_options init = CC_KPI_OPTIONS_INIT;
    cc_sw_kpi_models models = {NULL, NULL};
    *o = init;
    if (cc_sw_check_keys(m, "kpi options", cc_sw_kpi_keys) ||
        cc_sw_get_i64(m, "interval_ms", &o->interval_ms) ||
        cc_sw_get_i64(m, "sl_threshold_ms", &o->sl_threshold_ms) ||
        cc_sw_get_sl_variant(m, "sl_variant", &o->sl_variant) ||
        cc_sw_get_i32(m, "repeat_same_reason", &o->repeat_same_reason) ||
        cc_sw_get_i64(m, "short_abandon_ms", &o->short_abandon_ms) ||
        cc_sw_get_i64(m, "repeat_window_ms", &o->repeat_window_ms) ||
        cc_sw_get_f64(m, "pareto_share", &o->pareto_share) ||
        cc_sw_get_i64(m, "cx_grace_ms", &o->cx_grace_ms) ||
        cc_sw_get_contact_fn(m, "on_contact", &o->on_contact, &o->user_data))
        return -1;
    if (cc_sw_kind(m, "cx") != CC_SW_ABSENT) {
        cc_kpi_cx_model init_cx = CC_KPI_CX_MODEL_INIT;
        models.cx = (cc_kpi_cx_model *)cc_sw_alloc(arena, 1, sizeof *models.cx);
        if (!models.cx) return cc_sw_fail("cx: out of memory");
        *models.cx = init_cx;
        if (cc_sw_each(m, "cx", cc_sw_cx_item, &models) != 0) return -1;
        o->cx = models.cx;
    }
    if (cc_sw_kind(m, "cost") != CC_SW_ABSENT) {
        cc_kpi_cost_model init_cost = CC_KPI_COST_MODEL_INIT;
        models.cost = (cc_kpi_cost_model *)cc_sw_alloc(arena, 1, sizeof *models.cost);
        if (!models.cost) return cc_sw_fail("cost: out of memory");
        *models.cost = init_cost;
        if (cc_sw_each(m, "cost", cc_sw_cost_item, &models) != 0) return -1;
        o->cost = models.cost;
    }
    return 0;
}

static int cc_sw_csv_map_item(cc_sw_obj item, const char *key, void *ud)
{
    cc_import_csv_map *map = (cc_import_csv_map *)ud;
    const char **field = NULL;
    if (!key) return cc_sw_fail("csv_map: a mapping {field: column name}");
    if (strcmp(key, "contact_id") == 0) field = &map->contact_id;
    else if (strcmp(key, "customer_id") == 0) field = &map->customer_id;
    else if (strcmp(key, "queue") == 0) field = &map->queue;
    else if (strcmp(key, "agent") == 0) field = &map->agent;
    else if (strcmp(key, "channel") == 0) field = &map->channel;
    else if (strcmp(key, "start") == 0) field = &map->start;
    else if (strcmp(key, "wait_s") == 0) field = &map->wait_s;
    else if (strcmp(key, "talk_s") == 0) field = &map->talk_s;
    else if (strcmp(key, "hold_s") == 0) field = &map->hold_s;
    else if (strcmp(key, "wrap_s") == 0) field = &map->wrap_s;
    else if (strcmp(key, "outcome") == 0) field = &map->outcome;
    else if (strcmp(key, "reason") == 0) field = &map->reason;
    else if (strcmp(key, "transferred") == 0) field = &map->transferred;
    else return cc_sw_fail("csv_map: unknown field '%s'", key);
    return cc_sw_item_str(item, field);
}
static const char *const cc_sw_import_keys[] = {"format", "csv_delimiter", "csv_map",
    "max_errors", NULL};

static int cc_sw_fill_import_options(cc_sw_obj m, cc_import_options *o, cc_sw_arena *arena)
{
    cc_import_options init = CC_IMPORT_OPTIONS_INIT;
    const char *delim = NULL;
    *o = init;
    if (cc_sw_check_keys(m, "import options", cc_sw_import_keys) ||
        cc_sw_get_str(m, "format", &o->format) || cc_sw_get_str(m, "csv_delimiter", &delim) ||
        cc_sw_get_u32(m, "max_errors", &o->max_errors))
        return -1;
    if (delim) {
        if (strlen(delim) != 1) return cc_sw_fail("csv_delimiter must be one character");
        o->csv_delimiter = delim[0];
    }
    if (cc_sw_kind(m, "csv_map") != CC_SW_ABSENT) {
        cc_import_csv_map *map = (cc_import_csv_map *)cc_sw_alloc(arena, 1, sizeof *map);
        if (!map) return cc_sw_fail("csv_map: out of memory");
        if (cc_sw_each(m, "csv_map", cc_sw_csv_map_item, map) != 0) return -1;
        o->csv_map = map;
    }
    return 0;
}

static void cc_sw_put_figures(cc_sw_out d, const cc_kpi_figures *f)
{
    cc_sw_put_u64(d, "offered", f->offered);
    cc_sw_put_u64(d, "answered", f->answered);
    cc_sw_put_u64(d, "abandoned", f->abandoned);
    cc_sw_put_u64(d, "short_abandoned", f->short_abandoned);
    cc_sw_put_u64(d, "answered_within", f->answered_within);
    cc_sw_put_u64(d, "abandoned_within", f->abandoned_within);
    cc_sw_put_u64(d, "blocked", f->blocked);
    cc_sw_put_u64(d, "overflowed", f->overflowed);
    cc_sw_put_u64(d, "left", f->left);
    cc_sw_put_u64(d, "callbacks", f->callbacks);
    cc_sw_put_u64(d, "handled", f->handled);
    cc_sw_put_u64(d, "transferred", f->transferred);
    cc_sw_put_u64(d, "rona", f->rona);
    cc_sw_put_u64(d, "repeat_contacts", f->repeat_contacts);
    cc_sw_put_f64(d, "service_level", f->service_level);
    cc_sw_put_f64(d, "asa_s", f->asa_s);
    cc_sw_put_f64(d, "avg_abandon_s", f->avg_abandon_s);
    cc_sw_put_f64(d, "longest_wait_s", f->longest_wait_s);
    cc_sw_put_f64(d, "abandon_rate", f->abandon_rate);
    cc_sw_put_f64(d, "aht_s", f->aht_s);
    cc_sw_put_f64(d, "talk_s", f->talk_s);
    cc_sw_put_f64(d, "hold_s", f->hold_s);
    cc_sw_put_f64(d, "acw_s", f->acw_s);
    cc_sw_put_f64(d, "transfer_rate", f->transfer_rate);
    cc_sw_put_f64(d, "occupancy", f->occupancy);
    cc_sw_put_f64(d, "utilisation", f->utilisation);
    cc_sw_put_f64(d, "fcr", f->fcr);
    cc_sw_put_f64(d, "repeat_rate", f->repeat_rate);
    cc_sw_put_f64(d, "csat", f->csat);
    cc_sw_put_f64(d, "nps", f->nps);
    cc_sw_put_f64(d, "ces", f->ces);
    cc_sw_put_f64(d, "cost_per_contact", f->cost_per_contact);
    cc_sw_put_f64(d, "cx_remembered", f->cx_remembered);
}

static void cc_sw_put_import_stats(cc_sw_out d, const cc_import_stats *s)
{
    cc_sw_put_u64(d, "files", s->files);
    cc_sw_put_u64(d, "lines_read", s->lines_read);
    cc_sw_put_u64(d, "lines_rejected", s->lines_rejected);
    cc_sw_put_u64(d, "lines_skipped", s->lines_skipped);
    cc_sw_put_u64(d, "events", s->events);
    /* The first malformed line, as "file:line: message" (all of them are in
     * the JSON report's "import" section). */
    if (s->n_errors > 0) {
        char text[600];
        snprintf(text, sizeof text, "%s:%lld: %s", s->errors[0].file,
                 (long long)s->errors[0].line, s->errors[0].message);
        cc_sw_put_str(d, "first_error", text);
    }
}

/* The totals of a report, copied out of it. */
typedef struct cc_sw_report_totals {
    cc_kpi_figures f;
} cc_sw_report_totals;
%}

%cc_owned_object(cc_kpi, cc_kpi_free)
%apply cc_kpi **OUT { cc_kpi **out };
%cc_owned_object(cc_import, cc_import_free)
%apply cc_import **OUT { cc_import **out };
%cc_config_in(cc_kpi_options, cc_sw_fill_kpi_options)
%apply const cc_kpi_options *CONFIG_IN { const cc_kpi_options *options };
%cc_config_in(cc_import_options, cc_sw_fill_import_options)
%apply const cc_import_options *CONFIG_IN { const cc_import_options *options };
%apply const cc_event *EVENT_IN { const cc_event *event };
%apply (cc_event_fn EVENT_SINK_OR_KPI, void *EVENT_SINK_OR_KPI_DATA) { (cc_event_fn sink, void *user_data) };
%apply (const void *BYTES_IN, size_t BYTES_IN_LEN) { (const void *data, size_t len) };
%apply char **OUT_STRING { char **out };

/* Reports reach scripts through the cc_sw_kpi_* helpers below. */
%ignore cc_kpi_report_new;
%ignore cc_kpi_report_free;
%ignore cc_kpi_report_json;
%ignore cc_kpi_report_csv;
%ignore cc_kpi_sink;
%ignore cc_import_get_stats;
%ignore cc_import_formats;
%ignore cc_sl_variant_parse;
%ignore cc_kpi_options;
%ignore cc_kpi_cx_model;
%ignore cc_kpi_cost_model;
%ignore cc_kpi_contact;
%ignore cc_kpi_contact_fn;
%ignore cc_kpi_figures;
%ignore cc_kpi_group;
%ignore cc_kpi_interval;
%ignore cc_kpi_reason;
%ignore cc_kpi_report;
%ignore cc_import_csv_map;
%ignore cc_import_options;
%ignore cc_import_error;
%ignore cc_import_stats;

%include "callcore/kpi.h"
%include "callcore/import.h"

%cc_result_out(cc_sw_report_totals, CC_SW_ZERO_INIT, cc_sw_put_totals)
%apply cc_sw_report_totals *RESULT_OUT { cc_sw_report_totals *totals };
%cc_result_out(cc_import_stats, CC_SW_ZERO_INIT, cc_sw_put_import_stats)
%apply cc_import_stats *RESULT_OUT { cc_import_stats *stats };
%{
static void cc_sw_put_totals(cc_sw_out d, const cc_sw_report_totals *t)
{
    cc_sw_put_figures(d, &t->f);
}
%}

%inline %{
/* A fresh report of `kpi` as JSON (flags CC_KPI_JSON_*), with the import
 * counters of `importer` when given. */
cc_status cc_sw_kpi_json(const cc_kpi *kpi, const cc_import *importer, uint32_t flags, char **out)
{
    cc_kpi_report *report = NULL;
    cc_status st = cc_kpi_report_new(kpi, &report);
    if (st != CC_OK) return st;
    st = cc_kpi_report_json(report, importer ? cc_import_get_stats(importer) : NULL, flags, out);
    cc_kpi_report_free(report);
    return st;
}

/* One table of a fresh report as CSV (cc_kpi_table). */
cc_status cc_sw_kpi_csv(const cc_kpi *kpi, int table, char **out)
{
    cc_kpi_report *report = NULL;
    cc_status st = cc_kpi_report_new(kpi, &report);
    if (st != CC_OK) return st;
    st = cc_kpi_report_csv(report, (cc_kpi_table)table, out);
    cc_kpi_report_free(report);
    return st;
}

/* The totals of a fresh report. */
cc_status cc_sw_kpi_totals(const cc_kpi *kpi, cc_sw_report_totals *totals)
{
    cc_kpi_report *report = NULL;
    cc_status st = cc_kpi_report_new(kpi, &report);
    if (st != CC_OK) return st;
    totals->f = report->totals;
    cc_kpi_report_free(report);
    return CC_OK;
}

/* The importer's counters so far (CC_EINVAL for a NULL importer: nil in Lua). */
cc_status cc_sw_import_stats(const cc_import *importer, cc_import_stats *stats)
{
    const cc_import_stats *s = cc_import_get_stats(importer);
    if (!s) return cc_sw_error(CC_EINVAL, "cc_sw_import_stats: importer is NULL");
    *stats = *s;
    return CC_OK;
}
%}
