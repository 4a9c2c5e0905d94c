/*
 * examples/cli/staff_simulate.h - `callcore staff --simulate` (see the .c file).
 */
#ifndef CC_CLI_STAFF_SIMULATE_H
#define CC_CLI_STAFF_SIMULATE_H

#include "cli.h"

#include "base/json.h"
#include "callcore/sim.h"

/* The Erlang plan being checked (times in seconds). */
typedef struct cli_staff_plan {
    int agents;
    double calls, interval_s, aht_s, patience_s, target_s;
    double service_level, asa_s, p_abandon; /* Erlang's prediction */
} cli_staff_plan;

typedef struct cli_staff_check {
    cc_sim_check_result sim;
    double sl_diff, asa_diff, abandon_diff; /* simulated - Erlang */
} cli_staff_check;

/* Simulates the plan; 0, or prints the error and returns CLI_EXIT_FAIL. */
int cli_staff_simulate(const cli_staff_plan *plan, cli_staff_check *out);

/* Writes "simulation": {...} into an open JSON object / prints the text lines. */
void cli_staff_simulate_json(cc__json *j, const cli_staff_check *c);
void cli_staff_simulate_text(const cli_staff_check *c);

#endif
