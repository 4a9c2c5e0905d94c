/*
 * lib/sim/sim_internal.h - internal: the objects behind callcore/sim.h.
 */
#ifndef CC_SIM_INTERNAL_H
#define CC_SIM_INTERNAL_H

#include "arrivals.h"
#include "event_heap.h"
#include "name_index.h"
#include "rng.h"
#include "scenario.h"

#include "backends/sim_backend.h"
#include "callcore/engine.h"
#include "callcore/kpi.h"
#include "callcore/sim.h"

#include <stdint.h>
#include <stdio.h>

struct cc_sim_scenario {
    cc__scenario sc;
};

/* One simulated agent (the name lives in cc_sim.agent_names). */
typedef struct cc__sim_agent {
    uint32_t group;
    uint8_t logged_in;
    uint8_t logout_pending; /* shift over, waiting for the agent to be free */
    uint8_t on_break;
} cc__sim_agent;

/* One contact slot of the pool (see sim.c). */
typedef struct cc__sim_contact {
    uint32_t gen;       /* bumped at each reuse: stale events are dropped */
    uint32_t round;     /* bumped at each (re-)queue and dial: stale answers are dropped */
    uint32_t next_free; /* free list link */
    uint16_t stream;
    uint8_t live;
    uint8_t connected;
    uint8_t callback; /* the customer switched to a callback */
} cc__sim_contact;

struct cc_sim {
    const cc__scenario *sc; /* borrowed from the cc_sim_scenario */
    cc_engine *engine;
    cc_kpi *kpi;
    cc__sim_media media;
    cc_event_fn user_fn;
    void *user_data;
    uint64_t seed;

    cc__sim_heap heap;
    cc__sim_ev *timetable; /* shift events sorted by (time, seq); O(agents x breaks) */
    size_t ntimetable, tt_next;
    cc__sim_rng rng_handle, rng_patience, rng_ring, rng_callback, rng_customer, rng_wrapup;
    cc__sim_rng *rng_arrivals;  /* one per stream */
    cc__arrivals *streams;  /* one per stream */
    cc_skill **stream_skills; /* engine-ready copies of each stream's skills */

    cc__sim_agent *agents;
    char **agent_names;
    size_t nagents;
    cc__name_index agent_index;

    cc__sim_contact *contacts; /* slot pool, O(peak open contacts) */
    size_t ncontacts, contacts_cap;
    uint32_t free_head;
    uint16_t last_ended_stream;

    int64_t now_ms, end_ms;
    int ran;
    cc_status failed;
    uint64_t arrivals, finished, open_contacts, unfinished;
    uint64_t sim_events, engine_events, no_answers, callbacks_dialed;
};

#endif
