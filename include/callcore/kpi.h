/*
 * callcore/kpi.h - the KPI engine: a streaming aggregator of cc_event.
 *
 * A cc_kpi consumes events (live from an engine's event sink, or replayed by
 * an importer, see callcore/import.h) and keeps running sums per interval x
 * queue x channel, per agent, and per customer inside the repeat-contact
 * window. A report (cc_kpi_report) is a snapshot of every KPI named after its
 * formula in KPI.md, as C structs, JSON or CSV; taking one does not disturb
 * the aggregation.
 *
 * Memory: O(cells + agents + names + open contacts + customers in the repeat
 * window), where cells = active (interval, queue, channel) combinations. It
 * never grows with the number of events.
 *
 * Threads: a cc_kpi is owned by one thread at a time (no locking inside);
 * different cc_kpi objects are independent. Reports are immutable snapshots
 * that any thread may read.
 *
 * Errors: functions return cc_status; the detail message is in
 * cc_error_last(). Figures that are undefined (0/0, no data) are NaN in the
 * structs and null in JSON.
 */
#ifndef CALLCORE_KPI_H
#define CALLCORE_KPI_H

#include <stddef.h>
#include <stdint.h>

#include "callcore/event.h"
#include "callcore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Service-level formulas of KPI.md (T = threshold, S = short-abandon limit). */
typedef enum cc_sl_variant {
    CC_SL_V1 = 1, /* AnsT / Ans                       (answered only)      */
    CC_SL_V2 = 2, /* AnsT / (Ans + Ab)                (default)            */
    CC_SL_V3 = 3, /* AnsT / (Ans + Ab - AbT)                               */
    CC_SL_V4 = 4, /* (AnsT + AbT) / (Ans + Ab)                             */
    CC_SL_V5 = 5, /* (AnsT + AbS) / (Ans + Ab)                             */
    CC_SL_V6 = 6  /* AnsT / (Ans + Ab - AbS)                               */
} cc_sl_variant;

/* "V1".."V6", or "unknown". Static storage. */
const char *cc_sl_variant_name(int variant);

/* Parses "V1".."V6" (case-insensitive, the "V" optional). Returns CC_OK or
 * CC_EINVAL (detail message names the text). `out` is written only on CC_OK. */
cc_status cc_sl_variant_parse(const char *text, cc_sl_variant *out);

/*
 * The customer-experience line (peak-end rule, docs/kpi.md). Every contact
 * carries a score that starts at `start` and moves with what happens to it:
 *   wait beyond the SL threshold: + wait_per_min per minute beyond T
 *   each ring-no-answer:          + ring_no_answer
 *   each hold:                    + hold_each, then + hold_per_min per minute held
 *   each transfer:                + transfer
 *   abandon:                      + abandon
 *   handled to the end by agents: + resolved
 *   survey:                       + survey_weight x (answer mapped to -2..+2)
 * The peak is the score farthest from `start` (sign kept), the end is the
 * last score; remembered = (peak + end) / 2. Negative weights hurt.
 */
typedef struct cc_kpi_cx_model {
    uint32_t version; /* CC_KPI_CX_MODEL_VERSION */
    double start;
    double wait_per_min;
    double ring_no_answer;
    double hold_each;
    double hold_per_min;
    double transfer;
    double abandon;
    double resolved;
    double survey_weight;
} cc_kpi_cx_model;

#define CC_KPI_CX_MODEL_VERSION 1u
/* The documented default weights. */
#define CC_KPI_CX_MODEL_INIT                                                   \
    { CC_KPI_CX_MODEL_VERSION, 0.0, -1.0, -0.5, -0.5, -0.25, -1.0, -3.0, 2.0, 1.0 }

/*
 * Cost per contact = (agent paid hours x agent_hourly + telco minutes x
 * telco_per_min + fixed) / handled. Paid hours are logged-in hours when agent
 * states are known, handling hours otherwise; telco minutes are queue waits
 * plus talk and hold.
 */
typedef struct cc_kpi_cost_model {
    uint32_t version; /* CC_KPI_COST_MODEL_VERSION */
    double agent_hourly;
    double telco_per_min;
    double fixed;
} cc_kpi_cost_model;

#define CC_KPI_COST_MODEL_VERSION 1u
#define CC_KPI_COST_MODEL_INIT { CC_KPI_COST_MODEL_VERSION, 0.0, 0.0, 0.0 }

/* One finished contact's experience line, handed to cc_kpi_options.on_contact. */
typedef struct cc_kpi_contact {
    uint64_t contact_id;
    uint64_t customer_id; /* 0 when unknown */
    const char *queue;    /* last queue, NULL if none; borrowed for the call */
    const char *agent;    /* last agent, NULL if none; borrowed for the call */
    const char *reason;   /* disposition or arrival reason, NULL if none */
    cc_event_type outcome; /* the terminal event type */
    int64_t wait_ms;       /* queue wait at answer / abandon, 0 otherwise */
    double cx_start, cx_peak, cx_end;
    uint32_t cx_moves; /* how many times the score moved */
} cc_kpi_contact;

typedef void (*cc_kpi_contact_fn)(const cc_kpi_contact *contact, void *user_data);

typedef struct cc_kpi_options {
    uint32_t version;          /* CC_KPI_OPTIONS_VERSION */
    int64_t interval_ms;       /* 0: 30 min. Must be >= 60000 */
    int64_t sl_threshold_ms;   /* T; 0: 20 s */
    int32_t sl_variant;        /* cc_sl_variant; 0: V2 */
    int32_t repeat_same_reason; /* 1: a repeat must have the same reason */
    int64_t short_abandon_ms;  /* S; 0: 5 s when T > 5 s, else none; negative: no
                                  short abandons; a given S must be < T */
    int64_t repeat_window_ms;  /* W; 0: 7 days */
    double pareto_share;       /* "vital few" share; 0: 0.8; in (0, 1] */
    int64_t cx_grace_ms;       /* a contact's line stays open this long after its
                                  end for a survey; 0: 15 min; negative: none */
    const cc_kpi_cx_model *cx;     /* NULL: CC_KPI_CX_MODEL_INIT; copied */
    const cc_kpi_cost_model *cost; /* NULL: no cost per contact; copied */
    cc_kpi_contact_fn on_contact;  /* optional: each finished contact's line */
    void *user_data;               /* passed to on_contact */
} cc_kpi_options;

#define CC_KPI_OPTIONS_VERSION 1u
#define CC_KPI_OPTIONS_INIT { CC_KPI_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0.0, 0, 0, 0, 0, 0 }

/* The aggregator (opaque). */
typedef struct cc_kpi cc_kpi;

/*
 * Creates an aggregator. `options` is borrowed for the call (NULL: defaults).
 * Returns CC_OK and sets *out (owned: cc_kpi_free), CC_EVERSION for an unknown
 * options/model version, CC_EINVAL for an out-of-range option, CC_ENOMEM.
 */
cc_status cc_kpi_new(cc_kpi **out, const cc_kpi_options *options);

/* Frees the aggregator; NULL is a no-op. Does not call on_contact. */
void cc_kpi_free(cc_kpi *self);

/*
 * Adds one event (borrowed for the call; strings are copied when kept).
 * Events should come roughly in time order (the repeat window and the survey
 * grace period follow the largest time seen). Returns CC_OK; CC_EINVAL for an
 * event that makes no sense (unknown type or channel, negative duration): it
 * is counted in the report's events_rejected and changes nothing else;
 * CC_ENOMEM (the aggregator stays usable, the event is lost).
 */
cc_status cc_kpi_add(cc_kpi *self, const cc_event *event);

/*
 * cc_event_fn adapter: user_data is the cc_kpi. Failures are counted in the
 * report (events_rejected / events_lost) since a sink returns nothing.
 */
void cc_kpi_sink(const cc_event *event, void *user_data);

/*
 * Ends the period: finishes every contact line still waiting for a survey
 * (calling on_contact). Later events are still accepted.
 */
void cc_kpi_flush(cc_kpi *self);

/* Every KPI of one group, each named after its KPI.md formula. */
typedef struct cc_kpi_figures {
    /* counts (contacts are counted in the interval they entered the queue) */
    uint64_t offered;          /* Off: entered the queue */
    uint64_t answered;         /* Ans: first connect in the queue */
    uint64_t abandoned;        /* Ab: hung up while queued */
    uint64_t short_abandoned;  /* AbS: abandoned with wait <= S */
    uint64_t answered_within;  /* AnsT: answered with wait <= T */
    uint64_t abandoned_within; /* AbT: abandoned with wait <= T */
    uint64_t blocked;          /* Blk: refused entry */
    uint64_t overflowed;       /* FO: flowed out to another queue */
    uint64_t left;             /* left the queue otherwise (timeout, empty, key) */
    uint64_t callbacks;        /* contacts turned into callbacks (once each, however
                                  many dial attempts) */
    uint64_t handled;          /* contacts whose agent leg ended (talk end or transfer),
                                  once per queue and once across queues; agent legs
                                  for agents */
    uint64_t transferred;      /* handled contacts transferred out (legs for agents) */
    uint64_t rona;             /* ring-no-answer count */
    uint64_t repeat_contacts;  /* arrivals that repeat a contact within W */
    uint64_t csat_responses, nps_responses, ces_responses;
    /* service level: the configured variant, and all six (sl[0] = V1) */
    double service_level;
    double sl[6];
    /* waiting */
    double asa_s;          /* mean wait of answered contacts */
    double avg_abandon_s;  /* mean wait of abandoned contacts */
    double longest_wait_s; /* max wait over contacts */
    double abandon_rate;   /* Ab / Off */
    double abandon_rate_excl_short; /* (Ab - AbS) / (Off - AbS) */
    double blocked_rate;   /* Blk / (Off + Blk) */
    /* handling */
    double aht_s;  /* (talk + hold + ACW) / handled; across queues a contact's legs
                      in every queue add up */
    double talk_s; /* ATT: talk / handled (hold excluded) */
    double hold_s; /* hold / handled */
    double acw_s;  /* ACW: wrap-up / handled */
    double transfer_rate; /* transferred / handled */
    /* agent time: totals, interval rows (states split at interval boundaries)
     * and agents; NaN in queue and channel rows (an agent's idle time belongs
     * to no one queue or channel) and unless agent states are known */
    double occupancy;   /* handling / (handling + ready) */
    double utilisation; /* handling / logged-in */
    double load;        /* mean concurrent contacts while logged in */
    double contacts_per_agent_hour; /* handled / logged-in hours */
    /* resolution */
    double fcr;         /* 1 - handled contacts followed by a repeat / handled contacts */
    double repeat_rate; /* repeat arrivals / arrivals with a known customer */
    double frt_s;       /* digital channels: arrival to first agent connect */
    /* surveys */
    double csat;      /* top-2-box share (4-5 of 1-5) */
    double csat_mean; /* mean CSAT score */
    double nps;       /* % promoters - % detractors, -100..100 */
    double ces;       /* mean CES 2.0 (1-7) */
    /* cost and people */
    double cost_per_contact; /* NaN without a cost model */
    double attrition;        /* leavers / time-weighted mean headcount */
    /* customer experience (means over finished contacts) */
    double cx_peak, cx_end, cx_remembered;
} cc_kpi_figures;

/* A named group (queue, agent or channel). In agent rows the counts of
 * contacts that belong to no agent (offered, abandoned, short_abandoned,
 * abandoned_within, blocked, overflowed, left, callbacks, repeat_contacts)
 * are 0 here and not applicable: null in JSON, empty cells in CSV. */
typedef struct cc_kpi_group {
    const char *name; /* owned by the report */
    cc_kpi_figures f;
} cc_kpi_group;

/* One interval; `queue` is NULL for the all-queues row. */
typedef struct cc_kpi_interval {
    int64_t start_ms;
    const char *queue; /* owned by the report */
    cc_kpi_figures f;
} cc_kpi_interval;

/* One contact reason of the Pareto, ranked by contacts (ties by name). */
typedef struct cc_kpi_reason {
    const char *reason; /* owned by the report */
    uint64_t contacts;
    double share;      /* of all contacts with a reason */
    double cumulative; /* share of this reason and all ranked above it */
    int vital;         /* 1: in the smallest set reaching pareto_share */
} cc_kpi_reason;

typedef struct cc_kpi_report {
    /* settings the figures were computed with */
    int64_t interval_ms, sl_threshold_ms, short_abandon_ms, repeat_window_ms;
    cc_sl_variant sl_variant;
    double pareto_share;
    /* events seen: added, rejected (invalid), lost (out of memory) */
    uint64_t events, events_rejected, events_lost;
    int64_t first_ms, last_ms; /* time span of the events (0 when none) */
    cc_kpi_figures totals;
    size_t n_queues, n_agents, n_channels;
    cc_kpi_group *queues;   /* sorted by name */
    cc_kpi_group *agents;   /* sorted by name */
    cc_kpi_group *channels; /* by channel number */
    size_t n_intervals, n_interval_queues;
    cc_kpi_interval *intervals;       /* all-queues rows, by start */
    cc_kpi_interval *interval_queues; /* by start, then queue name */
    size_t n_reasons, vital_few;      /* vital_few: size of the vital set */
    cc_kpi_reason *reasons;
} cc_kpi_report;

/*
 * Takes a snapshot of every KPI. O(cells + agents + open contacts + reasons
 * log reasons). Returns CC_OK and sets *out (owned: cc_kpi_report_free),
 * CC_ENOMEM, CC_EINVAL for NULL arguments.
 */
cc_status cc_kpi_report_new(const cc_kpi *self, cc_kpi_report **out);

/* Frees a report; NULL is a no-op. */
void cc_kpi_report_free(cc_kpi_report *report);

struct cc_import_stats; /* callcore/import.h */

/* Flags of cc_kpi_report_json. */
#define CC_KPI_JSON_PRETTY 0x1u /* indent */
#define CC_KPI_JSON_FULL 0x2u   /* every figure, channels, interval x queue rows,
                                   Pareto and settings; otherwise the CLI keys */

/*
 * Writes the report as one JSON document: {"totals", "queues", "agents",
 * "intervals", "import"}, "import" only when `import` is non-NULL (borrowed).
 * With CC_KPI_JSON_FULL also "channels", "interval_queues", "pareto",
 * "settings", "events". Key sets are documented in docs/kpi.md. Returns CC_OK
 * and sets *out (owned: cc_free), CC_EINVAL, CC_ENOMEM.
 */
cc_status cc_kpi_report_json(const cc_kpi_report *report, const struct cc_import_stats *import,
                             uint32_t flags, char **out);

/* Tables of cc_kpi_report_csv. */
typedef enum cc_kpi_table {
    CC_KPI_TABLE_QUEUES = 0,    /* one row per queue, then a "*" totals row */
    CC_KPI_TABLE_AGENTS = 1,    /* one row per agent */
    CC_KPI_TABLE_INTERVALS = 2, /* one row per interval x queue ("*" = all) */
    CC_KPI_TABLE_CHANNELS = 3,  /* one row per channel */
    CC_KPI_TABLE_PARETO = 4     /* reason, contacts, share, cumulative, vital */
} cc_kpi_table;

/*
 * Writes one table as RFC 4180 CSV with a header line; undefined figures are
 * empty cells. Returns CC_OK and sets *out (owned: cc_free), CC_EINVAL for an
 * unknown table, CC_ENOMEM.
 */
cc_status cc_kpi_report_csv(const cc_kpi_report *report, cc_kpi_table table, char **out);

#ifdef __cplusplus
}
#endif
#endif
