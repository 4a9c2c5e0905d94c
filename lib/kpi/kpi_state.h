/*
 * lib/kpi/kpi_state.h - internal: the state of a cc_kpi aggregator, shared by
 * the aggregation (kpi_aggregator.c) and the report snapshot (kpi_report.c).
 *
 * Memory is bounded by groups and intervals, never by events:
 *   cells      one cc__kpi_sums per active (interval, queue, channel): O(cells)
 *   agents     one record per agent name: O(agents)
 *   contacts   one record per open contact (plus closed ones for at most the
 *              survey grace period; stale open ones are evicted after a day
 *              without events): O(concurrent contacts)
 *   customers  one small record per customer whose last contact ended inside
 *              the repeat window (with same-reason repeats: per customer and
 *              reason): O(customers (x their reasons) in the window)
 *   reasons    one counter per contact reason: O(reasons)
 *   done       one small record per contact whose line closed in the last
 *              day (CC__KPI_DONE_MS), for late dispositions and surveys:
 *              O(contacts per day)
 */
#ifndef CC_KPI_STATE_H
#define CC_KPI_STATE_H

#include "callcore/kpi.h"
#include "id_map.h"
#include "kpi_sums.h"
#include "name_table.h"

#define CC__NO_CELL UINT32_MAX
/* The channel of agent-time cells (interval, no queue, this channel): no
 * contact has it (cc_kpi_add refuses it), so queue and channel rows never
 * add agent time; interval rows and totals do (kpi_sums.h). */
#define CC__KPI_AGENT_TIME_CHANNEL ((cc_channel)CC_CHANNEL__COUNT)
#define CC__NO_INDEX UINT32_MAX
/* Pools (contacts, customers) are swept when their live count doubles, and
 * never below this many. */
#define CC__KPI_SWEEP_MIN 4096u

typedef struct cc__kpi_cell {
    int64_t interval; /* floor(time / interval_ms) */
    uint32_t queue;   /* queue id, 0 = no queue */
    uint32_t channel;
    cc__kpi_sums sums;
} cc__kpi_cell;

enum {
    CC__C_QUEUED = 1u << 0,        /* entered a queue */
    CC__C_ANSWERED_HERE = 1u << 1, /* answered in its current queue */
    CC__C_ANSWERED = 1u << 2,      /* answered in some queue */
    CC__C_TRANSFERRED = 1u << 3,
    CC__C_ON_AGENT = 1u << 4, /* counted in its agent's active contacts */
    CC__C_CLOSED = 1u << 5,   /* terminal event seen */
    CC__C_HANDLED = 1u << 6,  /* an agent leg of it ended (talk ended, or transferred) */
    CC__C_LIVE = 1u << 7,     /* pool slot in use */
    /* handled / transferred in its current queue: counted once per queue */
    CC__C_HANDLED_HERE = 1u << 8,
    CC__C_TRANSFERRED_HERE = 1u << 9,
    /* its last agent leg ended with a transfer and no agent connected since */
    CC__C_LEG_TRANSFERRED = 1u << 10,
    CC__C_HELD = 1u << 11, /* on hold since held_ms */
    /* answered before and back in the queues since requeued_ms (a transfer,
     * or a consult's entry in its target queue) */
    CC__C_REQUEUED = 1u << 12,
    /* counted as a callback: the engine schedules it again before each retry */
    CC__C_CALLBACK = 1u << 13
};
/* The once-per-queue flags, cleared when the contact enters another queue. */
#define CC__C_HERE (CC__C_ANSWERED_HERE | CC__C_HANDLED_HERE | CC__C_TRANSFERRED_HERE)

typedef struct cc__kpi_contact {
    uint64_t id, customer;
    int64_t arrived_ms, connected_ms, last_ms, wait_ms;
    /* hold of the current agent leg: ended holds (CONTACT_RESUMED), and the
     * start of the hold in progress (CC__C_HELD); a transfer, which carries
     * no hold time, splits the leg into talk and hold with them */
    int64_t leg_hold_ms, held_ms;
    /* CC__C_REQUEUED: when its last agent leg handed it back to the queues;
     * the next answer's queue wait is counted from there, not from the
     * virtual start (which also holds the first wait and the legs' talk) */
    int64_t requeued_ms;
    int64_t interval; /* the interval it first entered a queue in (CC__C_QUEUED) */
    int64_t due_ms; /* closed: end of the survey grace period */
    uint32_t cell, queue, agent, reason;
    /* During a consult (the contact entered another queue while its agent
     * still talks to it): the cell of the queue that agent's leg belongs to,
     * and the contact's CC__C_HERE flags there; CC__NO_CELL otherwise. */
    uint32_t leg_cell, leg_here;
    uint32_t flags, cx_moves;
    cc_event_type outcome;
    cc_channel channel;
    double cx, cx_peak;
} cc__kpi_contact;

/* The latest end of a customer's contacts (with same-reason repeats: of the
 * customer's contacts about one reason), for the repeat window. */
typedef struct cc__kpi_customer {
    uint64_t key; /* in customer_map: the customer, or the (customer, reason) mix */
    uint64_t id;  /* the customer */
    int64_t last_end_ms;
    uint32_t cell, reason;
    uint8_t handled, counted, live;
} cc__kpi_customer;

typedef struct cc__kpi_agent {
    cc__kpi_sums sums;
    int64_t state_since_ms, active_since_ms;
    cc_agent_state state;
    uint32_t active;  /* contacts connected right now */
    uint32_t members; /* queue memberships */
    uint8_t state_known, on_roster, left;
} cc__kpi_agent;

/* A closed contact waiting out the survey grace period (FIFO by close time). */
typedef struct cc__kpi_pending {
    uint64_t contact_id;
    int64_t due_ms;
} cc__kpi_pending;

/* A contact whose line closed, remembered for CC__KPI_DONE_MS (FIFO by
 * until_ms) so that a late DISPOSITION replaces its reason in the Pareto
 * and a late SURVEY counts where it did. */
typedef struct cc__kpi_done {
    uint64_t id;
    int64_t until_ms;
    uint32_t cell, agent, reason;
} cc__kpi_done;
#define CC__KPI_DONE_MS 86400000LL

/* A one-entry cache of a name lookup: most events repeat the last name. */
typedef struct cc__kpi_name_cache {
    const char *name; /* borrowed from the names table */
    uint32_t id;
} cc__kpi_name_cache;

struct cc_kpi {
    /* settings */
    int64_t interval_ms, sl_threshold_ms, short_abandon_ms, repeat_window_ms, cx_grace_ms;
    cc_sl_variant variant;
    int repeat_same_reason;
    double pareto_share;
    cc_kpi_cx_model cx;
    cc_kpi_cost_model cost;
    int has_cost;
    cc_kpi_contact_fn on_contact;
    void *user_data;

    /* names */
    cc__names queues, agent_names, reasons;
    cc__kpi_name_cache queue_cache, agent_cache;

    /* cells: array + open-addressing index (slot = cell index + 1) */
    cc__kpi_cell *cells;
    size_t ncells, cells_cap;
    uint32_t *cell_slots;
    size_t ncell_slots;
    uint32_t last_cell;
    uint32_t last_agent_cell;   /* the agent-time cell used last ... */
    int64_t last_agent_from_ms; /* ... and its interval's start */

    /* agents, indexed by agent id - 1 */
    cc__kpi_agent *agents;
    size_t nagents, agents_cap;

    /* contacts: pool + free stack + id map */
    cc__kpi_contact *contacts;
    size_t ncontacts, contacts_cap; /* ncontacts = pool slots used so far */
    uint32_t *contact_free;
    size_t ncontact_free, contact_free_cap;
    cc__id_map contact_map;
    size_t contacts_sweep_at; /* sweep stale contacts when live count reaches this */

    /* closed contacts waiting for a survey: ring buffer */
    cc__kpi_pending *pending;
    size_t pending_head, pending_len, pending_cap;

    /* closed contacts remembered for late events: ring buffer + id map
     * (id -> ring slot) */
    cc__kpi_done *done;
    size_t done_head, done_len, done_cap;
    size_t done_indexed; /* the oldest records of the ring, those in done_map */
    cc__id_map done_map;

    /* customers in the repeat window: pool + free stack + id map */
    cc__kpi_customer *customers;
    size_t ncustomers, customers_cap;
    uint32_t *customer_free;
    size_t ncustomer_free, customer_free_cap;
    cc__id_map customer_map;
    size_t customers_prune_at;

    /* Pareto: contacts per reason id - 1 */
    uint64_t *reason_counts;
    size_t nreason_counts, reason_counts_cap;

    /* roster (attrition) */
    int roster_seen;
    int64_t roster_first_ms, roster_last_ms;
    uint64_t headcount, leavers;
    double headcount_ms; /* integral of headcount over time */

    /* event counters and time span */
    uint64_t events, events_rejected, events_lost;
    int64_t first_ms, now_ms;
};

/* Kinds of agent time: the three state buckets and load. */
typedef enum cc__kpi_time_kind {
    CC__KPI_T_NONE = -1, /* logged out, unknown: no time */
    CC__KPI_T_READY,
    CC__KPI_T_HANDLING,
    CC__KPI_T_NOT_READY,
    CC__KPI_T_LOAD
} cc__kpi_time_kind;

/* The kind of agent time of a state: ready = idle; reserved, busy and
 * wrap-up = handling; not ready. */
static inline cc__kpi_time_kind cc__kpi_time_kind_of(cc_agent_state state)
{
    switch (state) {
    case CC_AGENT_READY:
        return CC__KPI_T_READY;
    case CC_AGENT_RESERVED:
    case CC_AGENT_BUSY:
    case CC_AGENT_WRAPUP:
        return CC__KPI_T_HANDLING;
    case CC_AGENT_NOT_READY:
        return CC__KPI_T_NOT_READY;
    default:
        return CC__KPI_T_NONE;
    }
}

/* The time field of a kind in s; NULL for CC__KPI_T_NONE. */
static inline int64_t *cc__kpi_time_ms(cc__kpi_sums *s, cc__kpi_time_kind kind)
{
    int64_t *f[] = {&s->ready_ms, &s->handling_ms, &s->not_ready_ms, &s->load_ms};
    return kind == CC__KPI_T_NONE ? NULL : f[kind];
}

/* The cover field of a kind in s (kpi_sums.h); NULL for CC__KPI_T_NONE. */
static inline int64_t *cc__kpi_time_cover(cc__kpi_sums *s, cc__kpi_time_kind kind)
{
    int64_t *f[] = {&s->ready_cover, &s->handling_cover, &s->not_ready_cover, &s->load_cover};
    return kind == CC__KPI_T_NONE ? NULL : f[kind];
}

/* Bucket of agent time for the state an agent was in. */
static inline int64_t *cc__kpi_state_bucket(cc__kpi_sums *s, cc_agent_state state)
{
    return cc__kpi_time_ms(s, cc__kpi_time_kind_of(state));
}

/* ---- shared between the aggregator's files ------------------------------ */

/* Cells (kpi_cells.c): the cell of (interval, queue, channel), created when
 * new; CC__NO_CELL when out of memory. */
uint32_t cc__kpi_cell_find_or_add(cc_kpi *k, int64_t interval, uint32_t queue, uint32_t channel);

/* floor(t / interval) */
static inline int64_t cc__kpi_interval_of(const cc_kpi *k, int64_t t)
{
    int64_t q = t / k->interval_ms;
    if (t % k->interval_ms < 0) q--; /* floor for times before the epoch */
    return q;
}

/* The cell of (interval, queue, channel): the last cell used answers most
 * events. */
static inline uint32_t cc__kpi_cell_in(cc_kpi *k, int64_t iv, uint32_t queue, cc_channel channel)
{
    if (k->last_cell != CC__NO_CELL) {
        const cc__kpi_cell *c = &k->cells[k->last_cell];
        if (c->interval == iv && c->queue == queue && c->channel == (uint32_t)channel)
            return k->last_cell;
    }
    return cc__kpi_cell_find_or_add(k, iv, queue, (uint32_t)channel);
}

/* The cell of (time, queue, channel). */
static inline uint32_t cc__kpi_cell_at(cc_kpi *k, int64_t t, uint32_t queue, cc_channel channel)
{
    return cc__kpi_cell_in(k, cc__kpi_interval_of(k, t), queue, channel);
}

/* Agents (kpi_agents.c): grows the agent array to hold id; NULL when out of memory. */
cc__kpi_agent *cc__kpi_agent_grow(cc_kpi *k, uint32_t id);

/* The agent record of id (>= 1), created when new; NULL when out of memory. */
static inline cc__kpi_agent *cc__kpi_agent_at(cc_kpi *k, uint32_t id)
{
    return id <= k->nagents ? &k->agents[id - 1] : cc__kpi_agent_grow(k, id);
}

/* Changes the agent's concurrent contacts by delta (+1 / -1, never below 0)
 * at t, integrating them up to t for load, per agent and per interval.
 * Returns 0, or -1 when out of memory (the interval split of this change is
 * lost; the agent's own load is kept). */
int cc__kpi_agent_active_add(cc_kpi *k, cc__kpi_agent *a, int64_t t, int delta);

/* Login, logout, state, membership events of `agent` (id, 0 = none).
 * Returns 0, or -1 when out of memory. */
int cc__kpi_agent_event(cc_kpi *k, const cc_event *ev, uint32_t agent);

/* Repeat window (kpi_repeat_window.c): counts an arrival of contact c in
 * `cell` at t as a repeat when its customer's latest previous contact (about
 * the same reason, when configured) ended within W before. */
void cc__kpi_repeat_check(cc_kpi *k, const cc__kpi_contact *c, uint32_t cell, int64_t t);

/* Remembers how the customer's contact c ended at t. Returns 0, or -1 when
 * out of memory. */
int cc__kpi_customer_record(cc_kpi *k, const cc__kpi_contact *c, int64_t t);

#endif
