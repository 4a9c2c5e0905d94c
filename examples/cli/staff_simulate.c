/*
 * examples/cli/staff_simulate.c - `callcore staff --simulate`: the Erlang plan
 * of one interval checked by simulation (cc_sim_check_staffing), and the
 * difference between what Erlang predicts and what the simulated queue gives.
 */
#include "staff_simulate.h"

#include "callcore/sim.h"

#include <math.h>
#include <stdio.h>

int cli_staff_simulate(const cli_staff_plan *plan, cli_staff_check *out)
{
    cc_sim_check c = CC_SIM_CHECK_INIT;
    c.agents = plan->agents;
    c.calls_per_hour = plan->calls * 3600.0 / plan->interval_s;
    c.aht_s = plan->aht_s;
    c.patience_s = plan->patience_s;
    c.sl_threshold_s = plan->target_s;
    /* Steady state of the interval: 5 replications of 100 hours each. */
    c.hours = 100;
    c.replications = 5;
    c.seed = 1;
    if (plan->agents < 1 || !(plan->calls > 0))
        return cli_fail("--simulate needs at least one agent and some calls");
    if (cc_sim_check_staffing(&out->sim, &c) != CC_OK)
        return cli_fail("simulation: %s", cc_error_last());
    out->sl_diff = out->sim.service_level - plan->service_level;
    out->asa_diff = out->sim.asa_s - plan->asa_s;
    out->abandon_diff = out->sim.abandon_rate - plan->p_abandon;
    return 0;
}

void cli_staff_simulate_json(cc__json *j, const cli_staff_check *c)
{
    cc__json_key(j, "simulation");
    cc__json_object_begin(j);
    cc__json_kv_int(j, "replications", c->sim.replications);
    cc__json_kv_int(j, "contacts", (int64_t)c->sim.contacts);
    cc__json_kv_double(j, "service_level", c->sim.service_level);
    cc__json_kv_double(j, "service_level_ci", c->sim.service_level_ci);
    cc__json_kv_double(j, "service_level_diff", c->sl_diff);
    cc__json_kv_double(j, "asa_s", c->sim.asa_s);
    cc__json_kv_double(j, "asa_s_ci", c->sim.asa_s_ci);
    cc__json_kv_double(j, "asa_s_diff", c->asa_diff);
    cc__json_kv_double(j, "abandon_rate", c->sim.abandon_rate);
    cc__json_kv_double(j, "abandon_rate_ci", c->sim.abandon_rate_ci);
    cc__json_kv_double(j, "abandon_rate_diff", c->abandon_diff);
    cc__json_kv_double(j, "occupancy", c->sim.occupancy);
    cc__json_object_end(j);
}

void cli_staff_simulate_text(const cli_staff_check *c)
{
    printf("simulated         %d replications, %llu contacts (95%% confidence half-widths)\n",
           c->sim.replications, (unsigned long long)c->sim.contacts);
    printf("  service_level   %.4f +- %.4f (simulated - Erlang: %+.4f)\n", c->sim.service_level,
           c->sim.service_level_ci, c->sl_diff);
    printf("  asa_s           %.2f +- %.2f (simulated - Erlang: %+.2f)\n", c->sim.asa_s,
           c->sim.asa_s_ci, c->asa_diff);
    printf("  abandon_rate    %.4f +- %.4f (simulated - Erlang: %+.4f)\n", c->sim.abandon_rate,
           c->sim.abandon_rate_ci, c->abandon_diff);
    printf("  occupancy       %.4f\n", c->sim.occupancy);
}
