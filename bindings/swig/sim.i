/*
 * bindings/swig/sim.i - the contact-center simulator (callcore/sim.h).
 *
 * Scripts see:
 *   cc_sim_scenario_parse(json_text, base_dir or nil) -> scenario
 *   cc_sim_scenario_load(path) -> scenario
 *   cc_sim_scenario_quick({agents, calls_per_hour, aht_s, patience_s, hours,
 *                          sl_threshold_s, seed, interval_min}) -> scenario
 *   cc_sim_scenario_free(scenario), cc_sim_scenario_agents(scenario), ...
 *   cc_sw_sim_run(scenario, seed, flags, sink) -> report JSON text, stats mapping
 *     (seed 0 = the scenario's; flags CC_KPI_JSON_*; sink: a function / Python
 *     callable receiving every engine event, or nil)
 */
%{
#include "callcore/sim.h"

static const char *const cc_sw_sim_quick_keys[] = {"agents", "calls_per_hour", "aht_s",
    "patience_s", "hours", "sl_threshold_s", "seed", "interval_min", NULL};

static int cc_sw_fill_sim_quick(cc_sw_obj m, cc_sim_quick *q, cc_sw_arena *arena)
{
    cc_sim_quick init = CC_SIM_QUICK_INIT;
    (void)arena;
    *q = init;
    if (cc_sw_check_keys(m, "quick scenario", cc_sw_sim_quick_keys) ||
        cc_sw_get_i64(m, "agents", &q->agents) ||
        cc_sw_get_f64(m, "calls_per_hour", &q->calls_per_hour) ||
        cc_sw_get_f64(m, "aht_s", &q->aht_s) || cc_sw_get_f64(m, "patience_s", &q->patience_s) ||
        cc_sw_get_f64(m, "hours", &q->hours) ||
        cc_sw_get_f64(m, "sl_threshold_s", &q->sl_threshold_s) ||
        cc_sw_get_u64(m, "seed", &q->seed) || cc_sw_get_f64(m, "interval_min", &q->interval_min))
        return -1;
    return 0;
}

static void cc_sw_put_sim_stats(cc_sw_out d, const cc_sim_stats *s)
{
    cc_sw_put_u64(d, "arrivals", s->arrivals);
    cc_sw_put_u64(d, "finished", s->finished);
    cc_sw_put_u64(d, "unfinished", s->unfinished);
    cc_sw_put_u64(d, "sim_events", s->sim_events);
    cc_sw_put_u64(d, "engine_events", s->engine_events);
    cc_sw_put_u64(d, "offers", s->offers);
    cc_sw_put_u64(d, "no_answers", s->no_answers);
    cc_sw_put_u64(d, "callbacks_dialed", s->callbacks_dialed);
    cc_sw_put_i64(d, "end_ms", s->end_ms);
}
%}

%cc_owned_object(cc_sim_scenario, cc_sim_scenario_free)
%apply cc_sim_scenario **OUT { cc_sim_scenario **out };
%cc_config_in(cc_sim_quick, cc_sw_fill_sim_quick)
%apply const cc_sim_quick *CONFIG_IN { const cc_sim_quick *quick };
%apply (const void *BYTES_IN, size_t BYTES_IN_LEN) { (const char *json, size_t len) };
%cc_result_out(cc_sim_stats, CC_SIM_STATS_INIT, cc_sw_put_sim_stats)
%apply cc_sim_stats *RESULT_OUT { cc_sim_stats *stats };
%apply (cc_event_fn EVENT_SINK_OR_KPI, void *EVENT_SINK_OR_KPI_DATA) { (cc_event_fn sink, void *sink_data) };

/* Runs are made and freed inside cc_sw_sim_run; the staffing check is
 * reached through `callcore staff --simulate`. */
%ignore cc_sim_new;
%ignore cc_sim_run;
%ignore cc_sim_get_stats;
%ignore cc_sim_report;
%ignore cc_sim_report_json;
%ignore cc_sim_engine;
%ignore cc_sim_free;
%ignore cc_sim_check_staffing;
%ignore cc_sim_check;
%ignore cc_sim_check_result;
%ignore cc_sim_options;
%ignore cc_sim_quick;
%ignore cc_sim_stats;

%include "callcore/sim.h"

%inline %{
/* One simulation of `scenario` (seed 0: the scenario's), every engine event
 * also sent to `sink` when given; returns the KPI report as JSON (flags of
 * cc_kpi_report_json) and the run's counters. */
cc_status cc_sw_sim_run(const cc_sim_scenario *scenario, uint64_t seed, uint32_t flags,
                        cc_event_fn sink, void *sink_data, char **out, cc_sim_stats *stats)
{
    cc_sim_options opt = CC_SIM_OPTIONS_INIT;
    cc_sim *sim = NULL;
    opt.seed = seed;
    opt.event_fn = sink;
    opt.event_user_data = sink_data;
    cc_status st = cc_sim_new(&sim, scenario, &opt);
    if (st == CC_OK) st = cc_sim_run(sim);
    if (st == CC_OK) st = cc_sim_get_stats(sim, stats);
    if (st == CC_OK) st = cc_sim_report_json(sim, flags, out);
    cc_sim_free(sim);
    return st;
}
%}
