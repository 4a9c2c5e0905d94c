/*
 * examples/cli/cmd_kpi.c - `callcore kpi`: KPIs of a contact-center log.
 *
 * Imports queue_log, call-record CSV or Anonymous Bank files into a cc_kpi
 * aggregator and prints the report (text summary, JSON or one CSV table).
 */
#include "cli.h"

#include "callcore/alloc.h"
#include "callcore/import.h"
#include "callcore/kpi.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cli_kpi_usage[] =
    "usage: callcore kpi --format queue_log|csv|anonymous-bank|journal [--input FILE ...]\n"
    "                    [FILE ...] [--interval-min 30] [--sl-threshold-s 20] [--sl-variant V2]\n"
    "                    [--short-abandon-s 5] [--repeat-window-h 168] [--same-reason]\n"
    "                    [--delimiter C] [--column FIELD=NAME ...]\n"
    "                    [--agent-hourly X --telco-per-min X --fixed-cost X]\n"
    "                    [--cx-weight NAME=VALUE ...] [--cx-csv FILE]\n"
    "                    [--json [--full] [--pretty] | --csv queues|agents|intervals|channels|pareto]\n"
    "  Imports the files (standard input when none is given) and prints the KPIs. Files are\n"
    "  read in order: the --input ones, then the others, so --input logs/*.txt reads them all.\n"
    "  --format        journal: the msgpack journal written by `callcore serve --journal`.\n"
    "  --sl-variant    V1 AnsT/Ans, V2 AnsT/(Ans+Ab), V3 AnsT/(Ans+Ab-AbT),\n"
    "                  V4 (AnsT+AbT)/(Ans+Ab), V5 (AnsT+AbS)/(Ans+Ab), V6 AnsT/(Ans+Ab-AbS)\n"
    "  --column        csv: the column holding FIELD (contact_id, customer_id, queue, agent,\n"
    "                  channel, start, wait_s, talk_s, hold_s, wrap_s, outcome, reason,\n"
    "                  transferred), e.g. --column start=call_time\n"
    "  --full          JSON with every KPI, channels, interval x queue rows and the Pareto\n"
    "                  (--full and --pretty go with --json; a CSV table has every figure).\n"
    "  --agent-hourly, --telco-per-min, --fixed-cost: the cost model of cost_per_contact.\n"
    "  --cx-weight     experience-line weight: start, wait_per_min, ring_no_answer,\n"
    "                  hold_each, hold_per_min, transfer, abandon, resolved, survey_weight\n"
    "  --cx-csv        writes each contact's experience line (peak and end) to FILE.\n"
    "Anonymous Bank data: Technion SEE lab, Avi Mandelbaum.\n";

/* Reads a number option that must be > 0 (>= 0 when zero_ok), scaled to ms. */
static int cli_kpi_ms(const cli_args *a, const char *name, double def, double scale, int zero_ok,
                      int64_t *out)
{
    double v;
    int rc = cli_double(a, name, def, 0, &v);
    if (rc) return rc;
    if (v < 0 || (!zero_ok && v == 0) || v * scale > 9e15)
        return cli_usage_error(a, "--%s must be %s, got %g", name,
                               zero_ok ? ">= 0" : "> 0", v);
    *out = (int64_t)llround(v * scale);
    return 0;
}

/* --short-abandon-s as the library's option: absent, the library's default
 * (5 s, or none when T is 5 s or less); 0, none; otherwise it must be below
 * T, and the error names both options the user gave. */
static int cli_kpi_short_abandon(const cli_args *a, int64_t threshold_ms, int64_t *out)
{
    *out = 0;
    if (!cli_has(a, "short-abandon-s")) return 0;
    int64_t ms;
    int rc = cli_kpi_ms(a, "short-abandon-s", 5, 1000, 1, &ms);
    if (rc) return rc;
    if (ms >= threshold_ms)
        return cli_usage_error(a, "--short-abandon-s (%g s) must be below --sl-threshold-s (%g s)",
                               (double)ms / 1000.0, (double)threshold_ms / 1000.0);
    *out = ms ? ms : -1; /* 0 s: no short abandons */
    return 0;
}

/* --column FIELD=NAME into the CSV map (the names point into argv). */
static int cli_kpi_columns(const cli_args *a, cc_import_csv_map *map)
{
    const cli_opt *o = cli_find(a, "column");
    for (int i = 0; o && i < o->count; i++) {
        const char *eq = strchr(o->values[i], '=');
        if (!eq || eq == o->values[i] || !eq[1])
            return cli_usage_error(a, "--column expects FIELD=NAME, got '%s'", o->values[i]);
        size_t n = (size_t)(eq - o->values[i]);
        struct {
            const char *field;
            const char **slot;
        } fields[] = {
            {"contact_id", &map->contact_id}, {"customer_id", &map->customer_id},
            {"queue", &map->queue},           {"agent", &map->agent},
            {"channel", &map->channel},       {"start", &map->start},
            {"wait_s", &map->wait_s},         {"talk_s", &map->talk_s},
            {"hold_s", &map->hold_s},         {"wrap_s", &map->wrap_s},
            {"outcome", &map->outcome},       {"reason", &map->reason},
            {"transferred", &map->transferred},
        };
        size_t k = 0, nf = sizeof fields / sizeof fields[0];
        while (k < nf && !(strlen(fields[k].field) == n &&
                           strncmp(fields[k].field, o->values[i], n) == 0))
            k++;
        if (k == nf) return cli_usage_error(a, "--column: unknown field '%.*s'", (int)n, o->values[i]);
        *fields[k].slot = eq + 1;
    }
    return 0;
}

/* --cx-weight NAME=VALUE into the experience model. */
static int cli_kpi_cx_weights(const cli_args *a, cc_kpi_cx_model *m)
{
    const cli_opt *o = cli_find(a, "cx-weight");
    struct {
        const char *name;
        double *slot;
    } w[] = {
        {"start", &m->start},           {"wait_per_min", &m->wait_per_min},
        {"ring_no_answer", &m->ring_no_answer}, {"hold_each", &m->hold_each},
        {"hold_per_min", &m->hold_per_min}, {"transfer", &m->transfer},
        {"abandon", &m->abandon},       {"resolved", &m->resolved},
        {"survey_weight", &m->survey_weight},
    };
    for (int i = 0; o && i < o->count; i++) {
        const char *eq = strchr(o->values[i], '=');
        size_t n = eq ? (size_t)(eq - o->values[i]) : 0, k = 0, nw = sizeof w / sizeof w[0];
        while (k < nw && !(strlen(w[k].name) == n && strncmp(w[k].name, o->values[i], n) == 0))
            k++;
        double v = 0;
        if (!eq || k == nw || cli_parse_decimal(eq + 1, &v) != 0)
            return cli_usage_error(a, "--cx-weight expects NAME=NUMBER with a known name, got '%s'",
                                   o->values[i]);
        *w[k].slot = v;
    }
    return 0;
}

/* The cost model, when any of its options is given. */
static int cli_kpi_cost(const cli_args *a, cc_kpi_cost_model *m, int *given)
{
    int rc;
    *given = cli_has(a, "agent-hourly") || cli_has(a, "telco-per-min") || cli_has(a, "fixed-cost");
    if ((rc = cli_double(a, "agent-hourly", 0, 0, &m->agent_hourly)) ||
        (rc = cli_double(a, "telco-per-min", 0, 0, &m->telco_per_min)) ||
        (rc = cli_double(a, "fixed-cost", 0, 0, &m->fixed)))
        return rc;
    return 0;
}

/* One CSV field followed by a comma. Queue and agent names come from the logs (a
 * queue_log name may hold a comma or a quote): quoted as RFC 4180 says, else the row
 * split into extra columns. */
static void cli_kpi_csv_name(FILE *f, const char *s)
{
    if (!s) s = "";
    if (!strpbrk(s, ",\"\r\n")) {
        fprintf(f, "%s,", s);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputs("\",", f);
}

/* on_contact: one CSV line per finished contact. */
static void cli_kpi_cx_line(const cc_kpi_contact *c, void *user_data)
{
    FILE *f = user_data;
    fprintf(f, "%llu,%llu,", (unsigned long long)c->contact_id,
            (unsigned long long)c->customer_id);
    cli_kpi_csv_name(f, c->queue);
    cli_kpi_csv_name(f, c->agent);
    fprintf(f, "%s,%.3f,%.17g,%.17g,%.17g,%u\n", cc_event_type_name(c->outcome),
            (double)c->wait_ms / 1e3, c->cx_start, c->cx_peak, c->cx_end, c->cx_moves);
}

static int cli_kpi_table(const char *name, cc_kpi_table *out)
{
    static const char *const names[] = {"queues", "agents", "intervals", "channels", "pareto"};
    for (int i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (cc_kpi_table)i;
            return 0;
        }
    return -1;
}

static void cli_kpi_print_text(const cc_kpi_report *r, const cc_import_stats *st)
{
    const cc_kpi_figures *t = &r->totals;
    printf("lines read %llu, rejected %llu, skipped %llu; events %llu\n",
           (unsigned long long)st->lines_read, (unsigned long long)st->lines_rejected,
           (unsigned long long)st->lines_skipped, (unsigned long long)st->events);
    for (size_t i = 0; i < st->n_errors; i++)
        printf("  %s:%lld: %s\n", st->errors[i].file, (long long)st->errors[i].line,
               st->errors[i].message);
    printf("%-10s %9s %9s %9s %7s %7s %8s %8s\n", "queue", "offered", "answered", "abandoned",
           "SL", "ASA s", "AHT s", "aband%");
    for (size_t i = 0; i <= r->n_queues; i++) {
        const char *name = i < r->n_queues ? r->queues[i].name : "total";
        const cc_kpi_figures *f = i < r->n_queues ? &r->queues[i].f : t;
        printf("%-10s %9llu %9llu %9llu %6.1f%% %7.1f %8.1f %7.1f%%\n", name,
               (unsigned long long)f->offered, (unsigned long long)f->answered,
               (unsigned long long)f->abandoned, 100 * f->service_level, f->asa_s, f->aht_s,
               100 * f->abandon_rate);
    }
    /* %g: a threshold of 10.5 s is not 10 s */
    printf("service level %s, T = %g s\n", cc_sl_variant_name(r->sl_variant),
           (double)r->sl_threshold_ms / 1000.0);
}

static int cli_kpi_output(const cli_args *a, const cc_kpi_report *r, const cc_import_stats *st)
{
    char *text = NULL;
    cc_status s;
    if (cli_has(a, "csv")) {
        cc_kpi_table table;
        if (cli_kpi_table(cli_str(a, "csv", ""), &table) != 0)
            return cli_usage_error(a, "--csv: unknown table '%s'", cli_str(a, "csv", ""));
        s = cc_kpi_report_csv(r, table, &text);
    } else if (cli_has(a, "json")) {
        uint32_t flags = (cli_has(a, "full") ? CC_KPI_JSON_FULL : 0) |
                         (cli_has(a, "pretty") ? CC_KPI_JSON_PRETTY : 0);
        s = cc_kpi_report_json(r, st, flags, &text);
    } else {
        cli_kpi_print_text(r, st);
        return CLI_EXIT_OK;
    }
    if (s != CC_OK) return cli_fail("kpi: %s", cc_error_last());
    fputs(text, stdout);
    if (cli_has(a, "json")) fputc('\n', stdout);
    cc_free(text);
    return CLI_EXIT_OK;
}

/* Imports standard input as one input. */
static cc_status cli_kpi_stdin(cc_import *imp, cc_kpi *kpi)
{
    char buf[1 << 16];
    size_t n;
    cc_status s = cc_import_begin_file(imp, "<stdin>", cc_kpi_sink, kpi);
    while (s == CC_OK && (n = fread(buf, 1, sizeof buf, stdin)) > 0)
        s = cc_import_feed(imp, buf, n, cc_kpi_sink, kpi);
    return s;
}

/* Imports the input files: the --input values, then the file arguments (a
 * shell glob after --input, such as --input logs/ *.txt without the space,
 * gives the first file to --input and the others as arguments); standard
 * input when there are none. */
static cc_status cli_kpi_inputs(const cli_args *a, cc_import *imp, cc_kpi *kpi)
{
    const cli_opt *in = cli_find(a, "input");
    if (in->count == 0 && a->npos == 0) return cli_kpi_stdin(imp, kpi);
    cc_status s = CC_OK;
    for (int i = 0; s == CC_OK && i < in->count; i++)
        s = cc_import_file(imp, in->values[i], cc_kpi_sink, kpi);
    for (int i = 0; s == CC_OK && i < a->npos; i++)
        s = cc_import_file(imp, a->pos[i], cc_kpi_sink, kpi);
    return s;
}

static int cli_kpi_run(const cli_args *a, cc_import *imp, cc_kpi *kpi)
{
    cc_status s = cli_kpi_inputs(a, imp, kpi);
    if (s == CC_OK) s = cc_import_finish(imp, cc_kpi_sink, kpi);
    if (s != CC_OK) return cli_fail("kpi: %s", cc_error_last());
    cc_kpi_flush(kpi);
    cc_kpi_report *r = NULL;
    if (cc_kpi_report_new(kpi, &r) != CC_OK) return cli_fail("kpi: %s", cc_error_last());
    int rc = cli_kpi_output(a, r, cc_import_get_stats(imp));
    cc_kpi_report_free(r);
    return rc;
}

int cli_cmd_kpi(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "format", .has_arg = 1},       {.name = "input", .has_arg = 1, .repeat = 1},
        {.name = "interval-min", .has_arg = 1}, {.name = "sl-threshold-s", .has_arg = 1},
        {.name = "sl-variant", .has_arg = 1},   {.name = "short-abandon-s", .has_arg = 1},
        {.name = "repeat-window-h", .has_arg = 1}, {.name = "same-reason"},
        {.name = "delimiter", .has_arg = 1},    {.name = "column", .has_arg = 1, .repeat = 1},
        {.name = "json"},                       {.name = "full"},
        {.name = "pretty"},                     {.name = "csv", .has_arg = 1},
        {.name = "agent-hourly", .has_arg = 1}, {.name = "telco-per-min", .has_arg = 1},
        {.name = "fixed-cost", .has_arg = 1},   {.name = "cx-weight", .has_arg = 1, .repeat = 1},
        {.name = "cx-csv", .has_arg = 1},
    };
    cli_args a = {.opts = opts, .nopts = sizeof opts / sizeof opts[0], .usage = cli_kpi_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (!cli_has(&a, "format")) return cli_usage_error(&a, "--format is required");
    if (cli_has(&a, "json") && cli_has(&a, "csv"))
        return cli_usage_error(&a, "--json and --csv exclude each other");
    /* said, not ignored: `kpi --full` printed the short text summary */
    static const char *const json_only[] = {"full", "pretty"};
    for (size_t i = 0; i < sizeof json_only / sizeof json_only[0]; i++)
        if (cli_has(&a, json_only[i]) && !cli_has(&a, "json"))
            return cli_usage_error(&a, "--%s goes with --json", json_only[i]);
    /* Checked before any input is read (standard input to its end) or --cx-csv is
     * written; cli_kpi_output reads the name again. */
    cc_kpi_table table;
    if (cli_has(&a, "csv") && cli_kpi_table(cli_str(&a, "csv", ""), &table) != 0)
        return cli_usage_error(&a, "--csv: unknown table '%s'", cli_str(&a, "csv", ""));

    cc_kpi_options ko = CC_KPI_OPTIONS_INIT;
    if ((rc = cli_kpi_ms(&a, "interval-min", 30, 60000, 0, &ko.interval_ms)) ||
        (rc = cli_kpi_ms(&a, "sl-threshold-s", 20, 1000, 0, &ko.sl_threshold_ms)) ||
        (rc = cli_kpi_short_abandon(&a, ko.sl_threshold_ms, &ko.short_abandon_ms)) ||
        (rc = cli_kpi_ms(&a, "repeat-window-h", 168, 3600000, 0, &ko.repeat_window_ms)))
        return rc;
    cc_sl_variant variant;
    if (cc_sl_variant_parse(cli_str(&a, "sl-variant", "V2"), &variant) != CC_OK)
        return cli_usage_error(&a, "--sl-variant: %s", cc_error_last());
    ko.sl_variant = (int32_t)variant;
    ko.repeat_same_reason = cli_has(&a, "same-reason");
    cc_kpi_cx_model cx = CC_KPI_CX_MODEL_INIT;
    cc_kpi_cost_model cost = CC_KPI_COST_MODEL_INIT;
    int has_cost;
    if ((rc = cli_kpi_cx_weights(&a, &cx)) || (rc = cli_kpi_cost(&a, &cost, &has_cost))) return rc;
    ko.cx = &cx;
    ko.cost = has_cost ? &cost : NULL;

    cc_import_options io = CC_IMPORT_OPTIONS_INIT;
    cc_import_csv_map map = {0};
    io.format = cli_str(&a, "format", "");
    const char *delim = cli_str(&a, "delimiter", ",");
    if (strcmp(delim, "\\t") == 0 || strcmp(delim, "tab") == 0) delim = "\t";
    if (strlen(delim) != 1) return cli_usage_error(&a, "--delimiter must be one character");
    io.csv_delimiter = delim[0];
    if ((rc = cli_kpi_columns(&a, &map))) return rc;
    io.csv_map = &map;

    cc_import *imp = NULL;
    cc_kpi *kpi = NULL;
    if (cc_import_new(&imp, &io) != CC_OK) return cli_usage_error(&a, "%s", cc_error_last());
    FILE *cx_out = NULL;
    if (cli_has(&a, "cx-csv")) {
        cx_out = fopen(cli_str(&a, "cx-csv", ""), "w");
        if (!cx_out) {
            cc_import_free(imp);
            return cli_fail("kpi: cannot write '%s': %s", cli_str(&a, "cx-csv", ""),
                            strerror(errno));
        }
        fputs("contact_id,customer_id,queue,agent,outcome,wait_s,cx_start,cx_peak,cx_end,moves\n",
              cx_out);
        ko.on_contact = cli_kpi_cx_line;
        ko.user_data = cx_out;
    }
    if (cc_kpi_new(&kpi, &ko) != CC_OK) {
        cc_import_free(imp);
        if (cx_out) fclose(cx_out);
        return cli_usage_error(&a, "%s", cc_error_last());
    }
    rc = cli_kpi_run(&a, imp, kpi);
    cc_kpi_free(kpi);
    cc_import_free(imp);
    if (cx_out) {
        errno = 0;
        int write_error = ferror(cx_out);
        if ((fclose(cx_out) != 0 || write_error) && rc == CLI_EXIT_OK)
            rc = cli_fail("kpi: writing '%s' failed: %s", cli_str(&a, "cx-csv", ""),
                          errno ? strerror(errno) : "write error");
    }
    return rc;
}
