/*
 * examples/cli/cmd_staff.c - `callcore staff`: agents needed for one interval.
 *
 * Three steps, each its own function, so that more can be added between them (for
 * instance a simulation of the staffed interval): read the request, solve it, print it.
 */
#include "cli.h"

#include "base/json.h"
#include "callcore/staffing.h"
#include "staff_simulate.h"

#include <stdio.h>

static const char cli_staff_usage[] =
    "usage: callcore staff --calls C --interval-s I --aht-s S\n"
    "         (--target-sl X --target-s T | --target-asa-s Y | --target-abandon Z --patience-s P)\n"
    "         [--patience-s P] [--max-occupancy O] [--shrinkage H] [--json]\n"
    "  Minimum agents for C calls in I seconds with mean handle time S: service level X\n"
    "  within T seconds, average speed of answer Y seconds, or abandonment rate Z.\n"
    "  --patience-s (mean patience) switches to Erlang A, where callers hang up; without it\n"
    "  callers wait forever (Erlang C). --max-occupancy caps the agents' busy fraction,\n"
    "  --shrinkage gives scheduled = ceil(agents / (1 - H)).\n"
    "  --simulate checks the plan by simulating the interval through the routing engine\n"
    "  (5 runs of 100 hours) and reports the simulated figures and their difference.\n";

/* Everything the command was asked. */
typedef struct cli_staff_request {
    double calls, interval_s, aht_s;
    cc_staffing_options opt;
} cli_staff_request;

static int cli_staff_read(const cli_args *a, cli_staff_request *rq)
{
    cc_staffing_options init = CC_STAFFING_OPTIONS_INIT;
    rq->opt = init;
    int rc = cli_double(a, "calls", 0, 1, &rq->calls);
    if (!rc) rc = cli_double(a, "interval-s", 0, 1, &rq->interval_s);
    if (!rc) rc = cli_double(a, "aht-s", 0, 1, &rq->aht_s);
    if (!rc) rc = cli_double(a, "patience-s", 0, 0, &rq->opt.patience_s);
    if (!rc) rc = cli_double(a, "max-occupancy", 0, 0, &rq->opt.max_occupancy);
    if (!rc) rc = cli_double(a, "shrinkage", 0, 0, &rq->opt.shrinkage);
    if (rc) return rc;
    int goals = cli_has(a, "target-sl") + cli_has(a, "target-asa-s") + cli_has(a, "target-abandon");
    if (goals != 1)
        return cli_usage_error(a, "give exactly one of --target-sl, --target-asa-s, "
                                  "--target-abandon");
    if (cli_has(a, "target-sl")) {
        rq->opt.goal = CC_STAFFING_SERVICE_LEVEL;
        rc = cli_double(a, "target-sl", 0, 1, &rq->opt.target_sl);
        if (!rc) rc = cli_double(a, "target-s", 0, 1, &rq->opt.target_s);
    } else if (cli_has(a, "target-asa-s")) {
        rq->opt.goal = CC_STAFFING_ASA;
        rc = cli_double(a, "target-asa-s", 0, 1, &rq->opt.target_asa_s);
        if (!rc) rc = cli_double(a, "target-s", 20.0, 0, &rq->opt.target_s);
    } else {
        rq->opt.goal = CC_STAFFING_ABANDON;
        rc = cli_double(a, "target-abandon", 0, 1, &rq->opt.target_abandon);
        if (!rc && !cli_has(a, "patience-s"))
            return cli_usage_error(a, "--target-abandon needs --patience-s");
        if (!rc) rc = cli_double(a, "target-s", 20.0, 0, &rq->opt.target_s);
    }
    /* 0 means "default" in the options struct; on the command line it is a value. */
    if (!rc && cli_has(a, "target-sl") && rq->opt.target_sl == 0.0)
        return cli_usage_error(a, "--target-sl must be inside (0, 1)");
    if (!rc && cli_has(a, "max-occupancy") && rq->opt.max_occupancy == 0.0)
        return cli_usage_error(a, "--max-occupancy must be in (0, 1]");
    if (!rc && cli_has(a, "patience-s") && rq->opt.patience_s == 0.0)
        return cli_usage_error(a, "--patience-s must be > 0");
    /* --target-s 0 asks for "answered at once": the smallest positive threshold. */
    if (!rc && cli_has(a, "target-s") && rq->opt.target_s == 0.0) rq->opt.target_s = 1e-300;
    return rc;
}

static void cli_staff_json(cc__json *j, const cli_staff_request *rq, const cc_staffing_result *r)
{
    cc__json_kv_int(j, "agents", r->agents);
    cc__json_kv_int(j, "scheduled_agents", r->scheduled_agents);
    cc__json_kv_double(j, "traffic", r->traffic);
    cc__json_kv_double(j, "p_wait", r->p_wait);
    cc__json_kv_double(j, "service_level", r->service_level);
    cc__json_kv_double(j, "asa_s", r->asa_s);
    cc__json_kv_double(j, "occupancy", r->occupancy);
    if (rq->opt.patience_s > 0.0) cc__json_kv_double(j, "p_abandon", r->p_abandon);
}

static int cli_staff_print(const cli_args *a, const cli_staff_request *rq,
                           const cc_staffing_result *r, const cli_staff_check *chk)
{
    if (cli_has(a, "json")) {
        cc__json j;
        cc__json_init(&j, 0);
        cc__json_object_begin(&j);
        cli_staff_json(&j, rq, r);
        if (chk) cli_staff_simulate_json(&j, chk);
        cc__json_object_end(&j);
        return cli_print_json(cc__json_take(&j));
    }
    printf("agents            %d\n", r->agents);
    printf("scheduled_agents  %d\n", r->scheduled_agents);
    printf("traffic           %.17g\n", r->traffic);
    printf("p_wait            %.17g\n", r->p_wait);
    printf("service_level     %.17g\n", r->service_level);
    printf("asa_s             %.17g\n", r->asa_s);
    printf("occupancy         %.17g\n", r->occupancy);
    if (rq->opt.patience_s > 0.0) printf("p_abandon         %.17g\n", r->p_abandon);
    if (chk) cli_staff_simulate_text(chk);
    return CLI_EXIT_OK;
}

int cli_cmd_staff(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "calls", .has_arg = 1},          {.name = "interval-s", .has_arg = 1},
        {.name = "aht-s", .has_arg = 1},          {.name = "target-sl", .has_arg = 1},
        {.name = "target-s", .has_arg = 1},       {.name = "target-asa-s", .has_arg = 1},
        {.name = "target-abandon", .has_arg = 1}, {.name = "patience-s", .has_arg = 1},
        {.name = "max-occupancy", .has_arg = 1},  {.name = "shrinkage", .has_arg = 1},
        {.name = "simulate"},                    {.name = "json"}};
    cli_args a = {.opts = opts, .nopts = sizeof opts / sizeof opts[0], .usage = cli_staff_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.npos > 0) return cli_usage_error(&a, "unexpected argument '%s'", a.pos[0]);
    cli_staff_request rq;
    if ((rc = cli_staff_read(&a, &rq))) return rc;
    if (cli_has(&a, "simulate") && !(rq.opt.target_s <= 86400))
        return cli_usage_error(&a, "--simulate needs --target-s in [0, 86400]");
    cc_staffing_result r;
    cc_status st = cc_staffing_solve(&r, &rq.opt, rq.calls, rq.interval_s, rq.aht_s);
    if (st == CC_EINVAL) return cli_usage_error(&a, "%s", cc_error_last());
    if (st) return cli_fail("%s", cc_error_last());
    if (!cli_has(&a, "simulate")) return cli_staff_print(&a, &rq, &r, NULL);
    cli_staff_plan plan = {r.agents, rq.calls, rq.interval_s, rq.aht_s, rq.opt.patience_s,
                           rq.opt.target_s, r.service_level, r.asa_s, r.p_abandon};
    cli_staff_check chk;
    if ((rc = cli_staff_simulate(&plan, &chk))) return rc;
    return cli_staff_print(&a, &rq, &r, &chk);
}
