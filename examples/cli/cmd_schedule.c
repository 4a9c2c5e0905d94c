/*
 * examples/cli/cmd_schedule.c - `callcore schedule`: shifts covering per-interval needs.
 *
 * --requirements: CSV with a header and one row per interval; column `required` (agents),
 *   optional `traffic` (Erlangs, for the service level each interval then gets).
 * --shifts: CSV with a header naming the columns name, start_first, start_last,
 *   start_step, length, break_earliest, break_latest, break_length, cost (times in
 *   intervals; the break columns may be omitted for shifts without a break).
 * Both are read by cc_interval_requirements_load_csv / cc_shift_table_load_csv
 * (schedule.h), which report the file and line of a malformed row.
 */
#include "cli.h"

#include "base/json.h"
#include "callcore/schedule.h"

#include <stdio.h>

static const char cli_schedule_usage[] =
    "usage: callcore schedule --requirements FILE.csv --shifts FILE.csv [--interval-s S]\n"
    "         [--aht-s S] [--target-s T] [--under-cost C] [--max-seconds M] [--json]\n"
    "  Chooses how many agents work each shift (start, break) so that every interval has\n"
    "  its required agents at minimum cost (COIN-OR CBC). Reports coverage, over and under\n"
    "  per interval and, with a traffic column, the Erlang C service level within T seconds\n"
    "  (AHT S, default 180; T default 20). --under-cost C allows shortage at C per missing\n"
    "  agent-interval instead of failing. --interval-s is accepted and has no effect: the\n"
    "  traffic column is in Erlangs, so the service level does not depend on it.\n"
    "  requirements columns: required[,traffic]\n"
    "  shifts columns: name,start_first,start_last,start_step,length,"
    "break_earliest,break_latest,break_length,cost\n";

static void cli_json_ints(cc__json *j, const char *key, const int *v, size_t n)
{
    cc__json_key(j, key);
    cc__json_array_begin(j);
    for (size_t i = 0; i < n; i++)
        cc__json_int(j, v[i]);
    cc__json_array_end(j);
}

static int cli_schedule_print(const cli_args *a, const cc_schedule *s, const cc_shift_table *shifts,
                              const int *req, int has_traffic)
{
    size_t n = cc_schedule_intervals(s), na;
    const cc_shift_assignment *as = cc_schedule_assignments(s, &na);
    const double *sl = cc_schedule_service_level(s);
    if (!cli_has(a, "json")) {
        printf("agents %d, cost %.10g%s\n", cc_schedule_agents(s), cc_schedule_cost(s),
               cc_schedule_optimal(s) ? " (optimal)" : " (time limit: best found)");
        for (size_t k = 0; k < na; k++)
            printf("  %3d x %-12s start %3d break %3d\n", as[k].agents,
                   cc_shift_table_name(shifts, (size_t)as[k].shift), as[k].start,
                   as[k].break_start);
        printf("interval,required,coverage,over,under,service_level\n");
        for (size_t i = 0; i < n; i++)
            printf("%zu,%d,%d,%d,%d,%.4f\n", i, req[i], cc_schedule_coverage(s)[i],
                   cc_schedule_over(s)[i], cc_schedule_under(s)[i], sl[i]);
        return CLI_EXIT_OK;
    }
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    cc__json_kv_int(&j, "intervals", (int64_t)n);
    cc__json_kv_int(&j, "agents", cc_schedule_agents(s));
    cc__json_kv_double(&j, "cost", cc_schedule_cost(s));
    cc__json_key(&j, "optimal");
    cc__json_bool(&j, cc_schedule_optimal(s));
    cc__json_key(&j, "shifts");
    cc__json_array_begin(&j);
    for (size_t k = 0; k < na; k++) {
        cc__json_object_begin(&j);
        cc__json_kv_string(&j, "shift", cc_shift_table_name(shifts, (size_t)as[k].shift));
        cc__json_kv_int(&j, "template", as[k].shift);
        cc__json_kv_int(&j, "start", as[k].start);
        cc__json_kv_int(&j, "break_start", as[k].break_start);
        cc__json_kv_int(&j, "agents", as[k].agents);
        cc__json_object_end(&j);
    }
    cc__json_array_end(&j);
    cli_json_ints(&j, "required", req, n);
    cli_json_ints(&j, "coverage", cc_schedule_coverage(s), n);
    cli_json_ints(&j, "over", cc_schedule_over(s), n);
    cli_json_ints(&j, "under", cc_schedule_under(s), n);
    if (has_traffic) {
        cc__json_key(&j, "service_level");
        cc__json_array_begin(&j);
        for (size_t i = 0; i < n; i++)
            cc__json_double(&j, sl[i]);
        cc__json_array_end(&j);
    }
    cc__json_object_end(&j);
    return cli_print_json(cc__json_take(&j));
}

static int cli_schedule_options(const cli_args *a, cc_schedule_options *o)
{
    cc_schedule_options init = CC_SCHEDULE_OPTIONS_INIT;
    *o = init;
    int rc = cli_double(a, "interval-s", 900.0, 0, &o->interval_s);
    if (!rc) rc = cli_double(a, "aht-s", 180.0, 0, &o->aht_s);
    if (!rc) rc = cli_double(a, "target-s", 20.0, 0, &o->target_s);
    if (!rc) rc = cli_double(a, "under-cost", 0.0, 0, &o->under_cost);
    if (!rc) rc = cli_double(a, "max-seconds", 60.0, 0, &o->max_seconds);
    if (rc) return rc;
    if (o->interval_s <= 0 || o->aht_s <= 0 || o->target_s < 0 || o->under_cost < 0 ||
        o->max_seconds <= 0)
        return cli_usage_error(a, "--interval-s, --aht-s, --max-seconds must be > 0 and "
                                  "--target-s, --under-cost >= 0");
    if (o->target_s == 0.0) o->target_s = 1e-300; /* 0 in the options means the default */
    return 0;
}

/* Solves the files' problem and prints the schedule. */
static int cli_schedule_run(const cli_args *a, const cc_schedule_options *o,
                            const cc_interval_requirements *rq, const cc_shift_table *st)
{
    size_t n = cc_interval_requirements_count(rq), ntpl;
    const int *req = cc_interval_requirements_required(rq);
    const double *traffic = cc_interval_requirements_traffic(rq);
    const cc_shift_template *tpl = cc_shift_table_templates(st, &ntpl);
    cc_schedule *s;
    cc_status status = cc_schedule_solve(&s, o, req, traffic, n, tpl, ntpl);
    if (status == CC_EINVAL) return cli_usage_error(a, "%s", cc_error_last());
    if (status) return cli_fail("%s", cc_error_last());
    int rc = cli_schedule_print(a, s, st, req, traffic != NULL);
    cc_schedule_free(s);
    return rc;
}

int cli_cmd_schedule(int argc, char **argv)
{
    cli_opt opts[] = {{.name = "requirements", .has_arg = 1}, {.name = "shifts", .has_arg = 1},
                      {.name = "interval-s", .has_arg = 1},   {.name = "aht-s", .has_arg = 1},
                      {.name = "target-s", .has_arg = 1},     {.name = "under-cost", .has_arg = 1},
                      {.name = "max-seconds", .has_arg = 1},  {.name = "json"}};
    cli_args a = {.opts = opts, .nopts = sizeof opts / sizeof opts[0], .usage = cli_schedule_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.npos > 0) return cli_usage_error(&a, "unexpected argument '%s'", a.pos[0]);
    const char *req_path = cli_str(&a, "requirements", NULL);
    const char *shift_path = cli_str(&a, "shifts", NULL);
    if (!req_path || !shift_path)
        return cli_usage_error(&a, "--requirements and --shifts are required");
    cc_schedule_options o;
    if ((rc = cli_schedule_options(&a, &o))) return rc;
    cc_interval_requirements *rq = NULL;
    cc_shift_table *st = NULL;
    if (cc_interval_requirements_load_csv(&rq, req_path) ||
        cc_shift_table_load_csv(&st, shift_path))
        rc = cli_fail("%s", cc_error_last());
    else
        rc = cli_schedule_run(&a, &o, rq, st);
    cc_interval_requirements_free(rq);
    cc_shift_table_free(st);
    return rc;
}
