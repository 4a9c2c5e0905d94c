/*
 * examples/cli/cmd_sim.c - `callcore sim`: simulate a contact center through
 * the routing engine and print the KPI report (the same JSON as `callcore kpi`).
 */
#include "cli.h"

#include "callcore/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char cli_sim_usage[] =
    "usage: callcore sim --scenario FILE [--seed X] [--json [--full]]\n"
    "       callcore sim --agents N --calls-per-hour L --aht-s S [--patience-s P]\n"
    "                    --hours H [--seed X] [--sl-threshold-s T] [--interval-min M]\n"
    "                    [--json [--full]]\n"
    "  Runs a discrete-event simulation in virtual time: customers arrive, wait,\n"
    "  abandon or take callbacks, the routing engine offers them to simulated agents\n"
    "  who answer, talk, wrap up and follow their shifts. Prints the KPI report of\n"
    "  the run (with --json: exactly what 'callcore kpi --json' prints; --full adds\n"
    "  every figure). The scenario format is in docs/sim.md; the quick form is one\n"
    "  voice queue with exponential handle times (and exponential patience with\n"
    "  --patience-s). Same scenario and seed, same report.\n";

static int cli_sim_quick(const cli_args *a, cc_sim_scenario **out)
{
    cc_sim_quick q = CC_SIM_QUICK_INIT;
    int64_t seed = 1;
    int rc = cli_int64(a, "agents", 0, 1, &q.agents);
    if (!rc) rc = cli_double(a, "calls-per-hour", 0, 1, &q.calls_per_hour);
    if (!rc) rc = cli_double(a, "aht-s", 0, 1, &q.aht_s);
    if (!rc) rc = cli_double(a, "patience-s", 0, 0, &q.patience_s);
    if (!rc) rc = cli_double(a, "hours", 0, 1, &q.hours);
    if (!rc) rc = cli_double(a, "sl-threshold-s", 20, 0, &q.sl_threshold_s);
    if (!rc) rc = cli_double(a, "interval-min", 30, 0, &q.interval_min);
    if (!rc) rc = cli_int64(a, "seed", 1, 0, &seed);
    if (rc) return rc;
    if (seed < 0 || seed > CLI_SEED_MAX) return cli_usage_error(a, "--seed must be in 0..2^53");
    if (!(q.sl_threshold_s >= 0 && q.sl_threshold_s <= 86400))
        return cli_usage_error(a, "--sl-threshold-s must be in [0, 86400]");
    /* 0 means "default" in cc_sim_quick; on the command line it asks for
     * "answered at once": the smallest positive threshold. */
    if (q.sl_threshold_s == 0) q.sl_threshold_s = 1e-300;
    /* 0 is cc_sim_quick's "default" too: --interval-min 0 ran 30-minute intervals.
     * Checked here so the error names the flag, not the scenario document. */
    if (!(q.interval_min >= 1 && q.interval_min <= 1440))
        return cli_usage_error(a, "--interval-min must be in [1, 1440]");
    if (cli_has(a, "patience-s") && q.patience_s <= 0)
        return cli_usage_error(a, "--patience-s must be > 0 (leave it out for no abandonment)");
    q.seed = (uint64_t)seed;
    cc_status st = cc_sim_scenario_quick(out, &q);
    if (st == CC_EINVAL) return cli_usage_error(a, "%s", cc_error_last());
    if (st) return cli_fail("%s", cc_error_last());
    return 0;
}

static void cli_sim_print_text(const cc_kpi_report *r, const cc_sim_stats *s)
{
    const cc_kpi_figures *f = &r->totals;
    printf("simulated %llu contacts, %llu engine events, %.2f hours of virtual time\n",
           (unsigned long long)s->arrivals, (unsigned long long)s->engine_events,
           (double)s->end_ms / 3600000.0);
    printf("offered           %llu\n", (unsigned long long)f->offered);
    printf("answered          %llu\n", (unsigned long long)f->answered);
    printf("abandoned         %llu\n", (unsigned long long)f->abandoned);
    printf("service_level     %.4f (%s, %g s)\n", f->service_level,
           cc_sl_variant_name(r->sl_variant), (double)r->sl_threshold_ms / 1000.0);
    printf("asa_s             %.2f\n", f->asa_s);
    printf("abandon_rate      %.4f\n", f->abandon_rate);
    printf("aht_s             %.2f\n", f->aht_s);
    printf("occupancy         %.4f\n", f->occupancy);
    if (s->unfinished)
        printf("unfinished        %llu (still open when the drain time ran out)\n",
               (unsigned long long)s->unfinished);
}

int cli_cmd_sim(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "scenario", .has_arg = 1},       {.name = "agents", .has_arg = 1},
        {.name = "calls-per-hour", .has_arg = 1}, {.name = "aht-s", .has_arg = 1},
        {.name = "patience-s", .has_arg = 1},     {.name = "hours", .has_arg = 1},
        {.name = "seed", .has_arg = 1},           {.name = "sl-threshold-s", .has_arg = 1},
        {.name = "interval-min", .has_arg = 1},   {.name = "full"},
        {.name = "json"}};
    cli_args a = {.opts = opts, .nopts = sizeof opts / sizeof opts[0], .usage = cli_sim_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.npos > 0) return cli_usage_error(&a, "unexpected argument '%s'", a.pos[0]);
    /* said, not ignored: `sim --full` printed the short text summary */
    if (cli_has(&a, "full") && !cli_has(&a, "json"))
        return cli_usage_error(&a, "--full goes with --json");

    cc_sim_scenario *sc = NULL;
    uint64_t seed = 0;
    int seed_given = 0;
    if (cli_has(&a, "scenario")) {
        static const char *const quick_only[] = {"agents", "calls-per-hour", "aht-s", "patience-s",
                                                 "hours", "sl-threshold-s", "interval-min"};
        for (size_t i = 0; i < sizeof quick_only / sizeof quick_only[0]; i++)
            if (cli_has(&a, quick_only[i]))
                return cli_usage_error(&a, "--%s belongs to the quick form, not to --scenario",
                                       quick_only[i]);
        int64_t s = 0;
        if ((rc = cli_int64(&a, "seed", 0, 0, &s))) return rc;
        if (s < 0 || s > CLI_SEED_MAX) return cli_usage_error(&a, "--seed must be in 0..2^53");
        seed = (uint64_t)s;
        seed_given = cli_has(&a, "seed"); /* --seed 0 runs seed 0 */
        cc_status st = cc_sim_scenario_load(&sc, cli_str(&a, "scenario", NULL));
        if (st) return cli_fail("%s", cc_error_last());
    } else {
        if ((rc = cli_sim_quick(&a, &sc))) return rc;
    }

    cc_sim_options o = CC_SIM_OPTIONS_INIT;
    o.seed = seed;
    if (seed_given) o.flags |= CC_SIM_SEED_GIVEN;
    cc_sim *run = NULL;
    cc_status st = cc_sim_new(&run, sc, &o);
    if (!st) st = cc_sim_run(run);
    if (st) {
        rc = cli_fail("simulation: %s", cc_error_last());
    } else if (cli_has(&a, "json")) {
        char *json = NULL;
        st = cc_sim_report_json(run, cli_has(&a, "full") ? CC_KPI_JSON_FULL : 0, &json);
        rc = st ? cli_fail("report: %s", cc_error_last()) : cli_print_json(json);
    } else {
        cc_kpi_report *r = NULL;
        cc_sim_stats stats = CC_SIM_STATS_INIT;
        st = cc_sim_report(run, &r);
        if (!st) st = cc_sim_get_stats(run, &stats);
        if (st) {
            rc = cli_fail("report: %s", cc_error_last());
        } else {
            cli_sim_print_text(r, &stats);
            rc = CLI_EXIT_OK;
        }
        cc_kpi_report_free(r);
    }
    cc_sim_free(run);
    cc_sim_scenario_free(sc);
    return rc;
}
