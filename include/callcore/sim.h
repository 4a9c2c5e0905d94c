/*
 * callcore/sim.h - the contact-center simulator.
 *
 * A discrete-event simulation in virtual time that runs the real routing
 * engine (callcore/engine.h) through a simulated media backend: customers
 * arrive as a Poisson process with a rate per interval, wait, abandon when
 * their patience runs out or take a callback, agents log in and out by shift,
 * take breaks, let some offers ring out, talk for a random handle time and
 * wrap up. Every engine event feeds a KPI aggregator (callcore/kpi.h), so a
 * run ends with the same report `callcore kpi` prints. A seed fully
 * determines a run: same scenario and seed, same events, same report.
 *
 * Scenarios are JSON documents (format in docs/sim.md) or the classic single
 * queue built by cc_sim_scenario_quick().
 *
 * Threads: a scenario is immutable once built; any number of runs on any
 * threads may share it. A cc_sim run belongs to one thread at a time.
 * Errors: every function returning cc_status sets the detail message
 * (cc_error_last()) on failure.
 */
#ifndef CALLCORE_SIM_H
#define CALLCORE_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "callcore/engine.h"
#include "callcore/event.h"
#include "callcore/kpi.h"
#include "callcore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cc_sim_scenario cc_sim_scenario; /* opaque, immutable */
typedef struct cc_sim cc_sim;                   /* opaque: one run */

/* ---- scenarios ----------------------------------------------------------- */

/*
 * Reads a scenario from `len` bytes of JSON text (borrowed for the call).
 * `base_dir` (borrowed, may be NULL = current directory) resolves relative
 * data file names of empirical distributions. *out is owned by the caller
 * (cc_sim_scenario_free). Returns CC_OK, CC_EINVAL (NULL arguments, a member
 * missing, of the wrong type, out of range or unknown: the detail names its
 * path, e.g. "arrivals[0].handle_s.mean"; also more than 1,000,000 agents or
 * 1e8 expected contacts), CC_EPARSE (not JSON; line and
 * column in the detail), CC_EVERSION (scenario "version" other than 1),
 * CC_EIO (an empirical data file cannot be read), CC_ENOMEM.
 */
cc_status cc_sim_scenario_parse(cc_sim_scenario **out, const char *json, size_t len,
                                const char *base_dir);

/* Same, from a file; relative data files resolve beside it. Adds CC_EIO. */
cc_status cc_sim_scenario_load(cc_sim_scenario **out, const char *path);

/* The classic single queue (M/M/N, or M/M/N+M with patience): N identical
 * agents on one voice queue for `hours`, Poisson arrivals, exponential handle
 * times and, when patience_s > 0, exponential patience. */
typedef struct cc_sim_quick {
    uint32_t version;      /* CC_SIM_QUICK_VERSION */
    int64_t agents;        /* 1 .. 1,000,000 */
    double calls_per_hour; /* > 0; at most 1e8 contacts over the run */
    double aht_s;          /* > 0, mean of the exponential handle time */
    double patience_s;     /* mean patience; 0 = customers never abandon */
    double hours;          /* > 0, arrivals stop after it */
    double sl_threshold_s; /* service-level threshold; 0 = 20 */
    uint64_t seed;
    double interval_min;   /* report interval; 0 = 30 */
} cc_sim_quick;

#define CC_SIM_QUICK_VERSION 1u
#define CC_SIM_QUICK_INIT {CC_SIM_QUICK_VERSION, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0u, 0.0}

/* Builds the quick scenario (`quick` borrowed for the call). Returns CC_OK,
 * CC_EINVAL (out of range; detail names the field), CC_EVERSION, CC_ENOMEM. */
cc_status cc_sim_scenario_quick(cc_sim_scenario **out, const cc_sim_quick *quick);

/* Frees a scenario. It must outlive every run made from it. NULL is a no-op. */
void cc_sim_scenario_free(cc_sim_scenario *self);

/* Facts about a scenario (O(1) unless stated). */
double cc_sim_scenario_hours(const cc_sim_scenario *self);      /* arrival horizon */
double cc_sim_scenario_interval_s(const cc_sim_scenario *self); /* rate/report interval */
uint64_t cc_sim_scenario_seed(const cc_sim_scenario *self);
int64_t cc_sim_scenario_agents(const cc_sim_scenario *self);    /* O(groups) */
/* Expected arrivals in [from_s, to_s) over all streams. O(intervals). */
double cc_sim_scenario_expected_arrivals(const cc_sim_scenario *self, double from_s,
                                         double to_s);
/* Mean number of agents logged in and not on a scheduled break during
 * [from_s, to_s), from the shifts and breaks. O(groups x breaks). */
double cc_sim_scenario_staffed(const cc_sim_scenario *self, double from_s, double to_s);

/* ---- runs ---------------------------------------------------------------- */

typedef struct cc_sim_options {
    uint32_t version;          /* CC_SIM_OPTIONS_VERSION (1 is still read:
                                  the members up to `kpi`) */
    uint64_t seed;             /* 0 = the scenario's seed, unless
                                  CC_SIM_SEED_GIVEN is set */
    cc_event_fn event_fn;      /* optional: every engine event, after the KPIs */
    void *event_user_data;     /* borrowed, passed to event_fn */
    const cc_kpi_options *kpi; /* NULL: interval and SL threshold from the
                                  scenario, other KPI defaults; copied */
    /* version 2 */
    uint32_t flags;            /* CC_SIM_SEED_GIVEN; 0 = none */
} cc_sim_options;

/* cc_sim_options.flags: `seed` is the run's seed as given, 0 included
 * (without it 0 means the scenario's seed). */
#define CC_SIM_SEED_GIVEN 1u

#define CC_SIM_OPTIONS_VERSION 2u
#define CC_SIM_OPTIONS_INIT {CC_SIM_OPTIONS_VERSION, 0u, NULL, NULL, NULL, 0u}

/*
 * Prepares a run: an engine with the scenario's queues and agents, the
 * simulated backend bound to every channel, the KPI aggregator, the shift
 * timetable and the first arrivals. `scenario` is borrowed until
 * cc_sim_free(); `options` for the call (NULL = defaults). *out is owned by
 * the caller. Returns CC_OK, CC_EINVAL (the engine refused part of the
 * scenario, e.g. an unknown strategy name: the detail says which; unknown
 * flags), CC_EVERSION (options version other than 1 or 2),
 * CC_ENOMEM.
 */
cc_status cc_sim_new(cc_sim **out, const cc_sim_scenario *scenario,
                     const cc_sim_options *options);

/*
 * Runs the simulation to its end: arrivals stop at the horizon, then the run
 * continues until every contact has finished, or until the scenario's drain
 * time has passed (contacts still open then are counted as unfinished).
 * Returns CC_OK, CC_ESTATE (already run), CC_ENOMEM (the run is stopped and
 * cannot be resumed), or an unexpected engine failure (detail kept).
 */
cc_status cc_sim_run(cc_sim *self);

/* Counters of a run (valid during and after cc_sim_run). */
typedef struct cc_sim_stats {
    uint32_t version;       /* set by the caller: CC_SIM_STATS_INIT */
    uint64_t arrivals;      /* contacts created */
    uint64_t finished;      /* contacts that got their terminal event */
    uint64_t unfinished;    /* still open when the run stopped */
    uint64_t sim_events;    /* simulator events processed */
    uint64_t engine_events; /* engine events seen */
    uint64_t offers;        /* backend offer() calls */
    uint64_t no_answers;    /* offers the simulated agent let ring out */
    uint64_t callbacks_dialed;
    int64_t end_ms;         /* virtual time at the end of the run */
} cc_sim_stats;

#define CC_SIM_STATS_VERSION 1u
#define CC_SIM_STATS_INIT {CC_SIM_STATS_VERSION, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0}

/* Fills *out (out->version set by the caller). CC_EINVAL, CC_EVERSION. */
cc_status cc_sim_get_stats(const cc_sim *self, cc_sim_stats *out);

/* The KPI report of the run so far (callcore/kpi.h); *out owned by the
 * caller (cc_kpi_report_free). CC_OK, CC_EINVAL, CC_ENOMEM. */
cc_status cc_sim_report(const cc_sim *self, cc_kpi_report **out);

/* The report as JSON, exactly as `callcore kpi --json` writes it (flags of
 * cc_kpi_report_json). *out owned by the caller (cc_free). */
cc_status cc_sim_report_json(const cc_sim *self, uint32_t flags, char **out);

/* The run's engine, borrowed until cc_sim_free (for queries only: calling
 * engine input functions during a run breaks the simulation). */
cc_engine *cc_sim_engine(cc_sim *self);

/* Frees a run (engine, aggregator, everything). NULL is a no-op. */
void cc_sim_free(cc_sim *self);

/* ---- checking a staffing plan by simulation ------------------------------ */

/*
 * One interval's staffing, simulated as a steady state: `agents` on one
 * queue, Poisson arrivals, exponential handle times and (patience_s > 0)
 * exponential patience, run `replications` times for `hours` each with seeds
 * seed, seed + 1, ... The figures are means over the replications with the
 * half-width of their 95% confidence interval (Student t), so a plan can be
 * compared with its Erlang C / Erlang A prediction.
 */
typedef struct cc_sim_check {
    uint32_t version;      /* CC_SIM_CHECK_VERSION */
    int64_t agents;        /* >= 1 */
    double calls_per_hour; /* > 0 */
    double aht_s;          /* > 0 */
    double patience_s;     /* 0 = nobody abandons (Erlang C) */
    double sl_threshold_s; /* 0 = 20 */
    double hours;          /* per replication, > 0; 0 = 100 */
    int32_t replications;  /* >= 2; 0 = 5 */
    uint64_t seed;         /* first seed; 0 = 1 */
} cc_sim_check;

#define CC_SIM_CHECK_VERSION 1u
#define CC_SIM_CHECK_INIT {CC_SIM_CHECK_VERSION, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0u}

typedef struct cc_sim_check_result {
    double service_level, service_level_ci; /* answered within T over answered +
                                               abandoned (KPI.md V2) */
    double asa_s, asa_s_ci;                 /* mean wait of answered contacts */
    double abandon_rate, abandon_rate_ci;   /* abandoned / offered */
    double occupancy, occupancy_ci;         /* busy share of logged-in agent time */
    uint64_t contacts;                      /* arrivals over all replications */
    int32_t replications;
} cc_sim_check_result;

/*
 * Runs the replications. `check` borrowed for the call; *out written.
 * Returns CC_OK, CC_EINVAL (out of range: detail names the field),
 * CC_EVERSION, CC_ENOMEM, or an engine failure. O(replications x contacts
 * x log(agents)).
 */
cc_status cc_sim_check_staffing(cc_sim_check_result *out, const cc_sim_check *check);

#ifdef __cplusplus
}
#endif
#endif
