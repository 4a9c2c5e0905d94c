/*
 * lib/sim/scenario.h - internal: a parsed simulation scenario (docs/sim.md).
 *
 * The scenario is plain data: queues, agent groups (with skills, capacities,
 * a shift and breaks) and arrival streams (rate per interval, handle time,
 * patience, callback behaviour). It is built from a JSON document by
 * cc__scenario_parse and read by the runner; it never changes during a run, so
 * one scenario can drive many runs (several seeds) at once.
 *
 * Ownership: the scenario owns every string and array it points to;
 * cc__scenario_clear frees them.
 */
#ifndef CC_SIM_SCENARIO_H
#define CC_SIM_SCENARIO_H

#include "variate.h"

#include "callcore/event.h"
#include "callcore/status.h"

#include <stddef.h>
#include <stdint.h>

#define CC__SIM_NAME_MAX 64

typedef struct cc__sim_skill {
    char *name;
    int32_t level; /* 1..10 */
} cc__sim_skill;

typedef struct cc__sim_member {
    char *queue;
    int32_t tier; /* 1 = first line */
} cc__sim_member;

typedef struct cc__sim_queue_spec {
    char *name;
    char *strategy;      /* engine strategy name; NULL = engine default */
    double ring_timeout_s;
    double wrapup_s;     /* queue's fixed after-call work (engine timer) */
    double sl_threshold_s;
    int64_t max_length;  /* 0 = unlimited */
    double max_wait_s;   /* 0 = none */
    char *on_max_wait;   /* "overflow", "callback", "leave" (NULL = leave) */
    char *overflow_to;
    double weight;       /* priority weight across queues (engine default 1) */
    cc__sim_skill *skills;
    size_t nskills;
} cc__sim_queue_spec;

typedef struct cc__sim_break {
    double start_s; /* from the start of the simulated day */
    double length_s;
} cc__sim_break;

typedef struct cc__sim_group_spec {
    char *name;  /* agents are named "<name>-<i>" (i from 1), or "<name>" if count is 1 */
    int64_t count;
    cc__sim_skill *skills;
    size_t nskills;
    cc__sim_member *members;
    size_t nmembers;
    int32_t capacity[CC_CHANNEL__COUNT]; /* per channel; 0 = cannot take it */
    int32_t max_load;                    /* total load budget; 0 = sum of capacities */
    double no_answer_p;                  /* probability an offer is not answered */
    double rona_ready_s;                 /* back to ready this long after a ring-out */
    cc__dist ring_delay_s;               /* time from offer to answer */
    double shift_start_s, shift_end_s;   /* logged in during [start, end) */
    cc__sim_break *breaks;
    size_t nbreaks;
} cc__sim_group_spec;

typedef struct cc__sim_stream_spec {
    char *queue;
    cc_channel channel;
    int32_t priority;
    double *rates_per_hour; /* per interval */
    size_t nrates;
    cc__dist handle_s;
    cc__dist patience_s;    /* CC__DIST_NONE: never abandons */
    cc__dist wrapup_s;      /* CC__DIST_NONE: the queue's fixed wrap-up applies */
    cc__sim_skill *skills;  /* required skills of the contact */
    size_t nskills;
    double callback_p;       /* share of customers who take a callback offer */
    double callback_after_s; /* offered after this much waiting */
    double callback_answer_p;/* probability the customer answers the dial-back */
    double callback_dial_s;  /* time until a dial-back is answered or given up */
    int64_t customers;       /* customer ids are drawn from 1..customers (0 = unique) */
} cc__sim_stream_spec;

typedef struct cc__scenario {
    char *name;
    uint64_t seed;
    double interval_s;   /* rate interval and report interval */
    double horizon_s;    /* arrivals stop here */
    double drain_s;      /* the run ends at horizon + drain at the latest */
    double sl_threshold_s;
    cc__sim_queue_spec *queues;
    size_t nqueues;
    cc__sim_group_spec *groups;
    size_t ngroups;
    cc__sim_stream_spec *streams;
    size_t nstreams;
} cc__scenario;

/*
 * Parses a scenario document (JSON, docs/sim.md). `base_dir` resolves relative
 * file names of empirical distributions (NULL = current directory).
 * Returns CC_OK, CC_EPARSE (not JSON), CC_EINVAL (a member is missing, of the
 * wrong type or out of range; the detail names its path, e.g.
 * "arrivals[1].handle_s.mean"), CC_EIO (an empirical data file), CC_ENOMEM.
 * On failure the scenario is left empty.
 */
cc_status cc__scenario_parse(cc__scenario *sc, const char *json, size_t len, const char *base_dir);

/* Frees everything the scenario owns and zeroes it. */
void cc__scenario_clear(cc__scenario *sc);

/* Total agents over all groups. */
int64_t cc__scenario_agents(const cc__scenario *sc);

#endif
