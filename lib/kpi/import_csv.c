/*
 * lib/kpi/import_csv.c - call-record CSV as events.
 *
 * One row per contact; the first non-empty line of each input is the header,
 * and columns are found by the names of a cc_import_csv_map (callcore/
 * import.h), so any export whose columns can be named works. Fields follow
 * RFC 4180 on one line: quoted fields may hold the delimiter and "" quotes.
 *
 * A row becomes: ARRIVED at start; then BLOCKED; or QUEUED and, at start +
 * wait, ABANDONED / LEFT, or CONNECTED, ENDED after talk + hold (then
 * TRANSFERRED when flagged) and AGENT_WRAPUP_END after the wrap-up.
 *
 * Exports are split by month, day or agent, and their files come in any
 * order (a glob gives "april" before "march"), so the rows are held and sent
 * by cc_import_finish as one stream in time order, as a live engine sends
 * them: the arrivals sorted by start, and each later event of a call when
 * its time comes, through a heap of the calls in progress. Sending rows as
 * they came put later calls before earlier ones and a call's end before the
 * arrivals during it: the aggregator then found no earlier contact for a
 * repeat. Memory: O(rows) (104 bytes each) + the longest row.
 */
#include "import_format.h"
#include "import_replay.h"
#include "kpi_limits.h"

#include "base/csv_fields.h"
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

enum {
    CC__CSV_CONTACT,
    CC__CSV_CUSTOMER,
    CC__CSV_QUEUE,
    CC__CSV_AGENT,
    CC__CSV_CHANNEL,
    CC__CSV_START,
    CC__CSV_WAIT,
    CC__CSV_TALK,
    CC__CSV_HOLD,
    CC__CSV_WRAP,
    CC__CSV_OUTCOME,
    CC__CSV_REASON,
    CC__CSV_TRANSFERRED,
    CC__CSV_NCOLS
};

static const char *const cc__csv_default_names[CC__CSV_NCOLS] = {
    "contact_id", "customer_id", "queue",   "agent",  "channel", "start",      "wait_s",
    "talk_s",     "hold_s",      "wrap_s",  "outcome", "reason", "transferred",
};

#define CC__CSV_MAX_FIELDS 256

/* A row, held until cc_import_finish. */
typedef struct cc__csv_call {
    int64_t start, wait, talk, hold, wrap;
    uint64_t contact_id, customer;
    uint64_t order; /* input order: ties keep it */
    const char *queue, *agent, *reason;
    cc_channel channel;
    int outcome; /* cc__csv_outcome */
    int transferred;
} cc__csv_call;

typedef struct cc__csv_state {
    cc__csv_call *calls;
    size_t ncalls, calls_cap;
    uint64_t order;
    cc__import_replay replay;
    char delim;
    char *names[CC__CSV_NCOLS]; /* owned */
    int column[CC__CSV_NCOLS];  /* position in the row, -1 absent */
    int have_header;
    cc__csv_fields row; /* unquoted fields of the current row (base/csv_fields.h) */
    cc__span fields[CC__CSV_MAX_FIELDS];
} cc__csv_state;

static void cc__csv_destroy(void *state)
{
    cc__csv_state *s = state;
    for (int i = 0; i < CC__CSV_NCOLS; i++) cc__free(s->names[i]);
    cc__csv_fields_free(&s->row);
    cc__free(s->calls);
    cc__import_replay_free(&s->replay);
}

static cc_status cc__csv_init(cc_import *imp, void *state, const cc_import_options *o)
{
    (void)imp;
    cc__csv_state *s = state;
    s->delim = o->csv_delimiter ? o->csv_delimiter : ',';
    if (s->delim == '"' || s->delim == '\n' || s->delim == '\r')
        return cc__fail(CC_EINVAL, "import csv: the delimiter cannot be a quote or line break");
    const cc_import_csv_map *m = o->csv_map;
    const char *given[CC__CSV_NCOLS] = {0};
    if (m) {
        given[CC__CSV_CONTACT] = m->contact_id;
        given[CC__CSV_CUSTOMER] = m->customer_id;
        given[CC__CSV_QUEUE] = m->queue;
        given[CC__CSV_AGENT] = m->agent;
        given[CC__CSV_CHANNEL] = m->channel;
        given[CC__CSV_START] = m->start;
        given[CC__CSV_WAIT] = m->wait_s;
        given[CC__CSV_TALK] = m->talk_s;
        given[CC__CSV_HOLD] = m->hold_s;
        given[CC__CSV_WRAP] = m->wrap_s;
        given[CC__CSV_OUTCOME] = m->outcome;
        given[CC__CSV_REASON] = m->reason;
        given[CC__CSV_TRANSFERRED] = m->transferred;
    }
    for (int i = 0; i < CC__CSV_NCOLS; i++) {
        const char *name = given[i] ? given[i] : cc__csv_default_names[i];
        s->names[i] = cc__strdup(name);
        if (!s->names[i]) {
            cc__csv_destroy(s);
            return cc__fail(CC_ENOMEM, "import csv: out of memory");
        }
        if (!*name) {
            cc__csv_destroy(s);
            return cc__fail(CC_EINVAL, "import csv: column name %d is empty", i);
        }
    }
    return CC_OK;
}

static void cc__csv_begin_file(cc_import *imp, void *state)
{
    (void)imp;
    ((cc__csv_state *)state)->have_header = 0;
}

static void cc__csv_header(cc_import *imp, cc__csv_state *s, int n)
{
    for (int c = 0; c < CC__CSV_NCOLS; c++) {
        s->column[c] = -1;
        for (int f = 0; f < n; f++)
            if (cc__span_is_nocase(cc__span_trim(s->fields[f]), s->names[c])) {
                s->column[c] = f;
                break;
            }
    }
    if (s->column[CC__CSV_START] < 0) {
        cc__import_reject(imp, "header has no '%s' column", s->names[CC__CSV_START]);
        return; /* the next line is tried as the header */
    }
    s->have_header = 1;
    cc__import_skip(imp);
}

static cc__span cc__csv_get(const cc__csv_state *s, int n, int col)
{
    cc__span none = {"", 0};
    int at = s->column[col];
    return at >= 0 && at < n ? cc__span_trim(s->fields[at]) : none;
}

typedef enum cc__csv_outcome {
    CC__CSV_ANSWERED,
    CC__CSV_ABANDONED,
    CC__CSV_BLOCKED,
    CC__CSV_LEFT
} cc__csv_outcome;

static int cc__csv_outcome_of(cc__span v, int has_agent, cc__csv_outcome *out)
{
    if (v.n == 0) *out = has_agent ? CC__CSV_ANSWERED : CC__CSV_ABANDONED;
    else if (cc__span_is_nocase(v, "answered") || cc__span_is_nocase(v, "served") ||
             cc__span_is_nocase(v, "agent"))
        *out = CC__CSV_ANSWERED;
    else if (cc__span_is_nocase(v, "abandoned") || cc__span_is_nocase(v, "abandon") ||
             cc__span_is_nocase(v, "hang"))
        *out = CC__CSV_ABANDONED;
    else if (cc__span_is_nocase(v, "blocked")) *out = CC__CSV_BLOCKED;
    else if (cc__span_is_nocase(v, "left") || cc__span_is_nocase(v, "timeout"))
        *out = CC__CSV_LEFT;
    else return -1;
    return 0;
}

/* A duration column in seconds (empty = 0) as ms; -1 after rejecting. */
static int cc__csv_seconds(cc_import *imp, const cc__csv_state *s, int n, int col, int64_t *ms)
{
    cc__span v = cc__csv_get(s, n, col);
    *ms = 0;
    if (v.n == 0) return 0;
    int rc = cc__span_seconds_ms(v, ms);
    if (rc == CC__SCAN_BEYOND) {
        cc__import_reject(imp,
                          "column '%s' is beyond the 1e12 s (about 31,700 years) the KPI "
                          "engine accepts",
                          s->names[col]);
        return -1;
    }
    if (rc != 0) {
        cc__import_reject(imp, "column '%s' is not a number of seconds", s->names[col]);
        return -1;
    }
    return 0;
}

/* 0 when every event of the row fits the aggregator's range (kpi_limits.h):
 * the talk (hold included) and the row's last time, start + wait + talk +
 * hold + wrap. Each part is already within the range, so the sum cannot
 * overflow. Otherwise the row is rejected and -1. */
static int cc__csv_times_fit(cc_import *imp, int64_t start, int64_t wait, int64_t talk,
                             int64_t hold, int64_t wrap)
{
    int64_t end = start + wait + talk + hold + wrap;
    if (talk + hold <= CC__KPI_MAX_MS && end <= CC__KPI_MAX_MS) return 0;
    cc__import_reject(imp, "the call's times (start + wait + talk + hold + wrap) go beyond the "
                           "+-1e15 ms (about 31,700 years) the KPI engine accepts");
    return -1;
}

static void cc__csv_row(cc_import *imp, cc__csv_state *s, int n)
{
    int64_t start, wait, talk, hold, wrap;
    int rc = cc__span_timestamp_ms(cc__csv_get(s, n, CC__CSV_START), &start);
    if (rc == CC__SCAN_BEYOND) {
        cc__import_reject(imp,
                          "column '%s' is beyond the +-1e12 epoch seconds (about 31,700 "
                          "years) the KPI engine accepts",
                          s->names[CC__CSV_START]);
        return;
    }
    if (rc != 0) {
        cc__import_reject(imp, "column '%s' is not a time (epoch seconds or YYYY-MM-DD "
                               "HH:MM:SS)",
                          s->names[CC__CSV_START]);
        return;
    }
    if (cc__csv_seconds(imp, s, n, CC__CSV_WAIT, &wait) ||
        cc__csv_seconds(imp, s, n, CC__CSV_TALK, &talk) ||
        cc__csv_seconds(imp, s, n, CC__CSV_HOLD, &hold) ||
        cc__csv_seconds(imp, s, n, CC__CSV_WRAP, &wrap) ||
        cc__csv_times_fit(imp, start, wait, talk, hold, wrap))
        return;
    cc__span chan = cc__csv_get(s, n, CC__CSV_CHANNEL);
    cc_channel channel = CC_CHANNEL_VOICE;
    if (chan.n) {
        char name[16];
        size_t k = chan.n < sizeof name - 1 ? chan.n : sizeof name - 1;
        for (size_t i = 0; i < k; i++)
            name[i] = (char)(chan.p[i] >= 'A' && chan.p[i] <= 'Z' ? chan.p[i] - 'A' + 'a' : chan.p[i]);
        name[k] = '\0';
        channel = chan.n < sizeof name ? cc_channel_from_name(name) : CC_CHANNEL_NONE;
        if (channel == CC_CHANNEL_NONE) {
            cc__import_reject(imp, "unknown channel '%.*s'", (int)k, chan.p);
            return;
        }
    }
    cc__span agent_text = cc__csv_get(s, n, CC__CSV_AGENT);
    cc__csv_outcome outcome;
    cc__span outcome_text = cc__csv_get(s, n, CC__CSV_OUTCOME);
    if (cc__csv_outcome_of(outcome_text, agent_text.n != 0, &outcome) != 0) {
        cc__import_reject(imp, "unknown outcome '%.*s' (answered, abandoned, blocked, left)",
                          (int)(outcome_text.n > 20 ? 20 : outcome_text.n), outcome_text.p);
        return;
    }
    cc__span cid = cc__csv_get(s, n, CC__CSV_CONTACT), cust = cc__csv_get(s, n, CC__CSV_CUSTOMER);
    cc__span tr = cc__csv_get(s, n, CC__CSV_TRANSFERRED);
    int64_t num;
    cc__csv_call c = {
        .start = start, .wait = wait, .talk = talk, .hold = hold, .wrap = wrap,
        .contact_id = cid.n ? cc__import_text_id(cid) : cc__import_new_contact_id(imp),
        .order = s->order++,
        .queue = cc__import_string(imp, cc__csv_get(s, n, CC__CSV_QUEUE)),
        .agent = cc__import_string(imp, agent_text),
        .reason = cc__import_string(imp, cc__csv_get(s, n, CC__CSV_REASON)),
        .channel = channel,
        .outcome = (int)outcome,
        .transferred = cc__span_is(tr, "1") || cc__span_is_nocase(tr, "true") ||
                       cc__span_is_nocase(tr, "yes"),
    };
    if (cust.n && !(cc__span_i64(cust, &num) == 0 && num == 0))
        c.customer = cc__span_i64(cust, &num) == 0 && num > 0 ? (uint64_t)num
                                                              : cc__import_text_id(cust);
    if (cc__grow((void **)&s->calls, &s->calls_cap, s->ncalls + 1, sizeof *s->calls) != 0) {
        cc__import_oom(imp);
        return;
    }
    s->calls[s->ncalls++] = c;
}

/* The steps of a call, each sent when its time comes (import_replay.h). */
typedef enum cc__csv_step {
    CC__CSV_STEP_DONE = 0,
    CC__CSV_STEP_ARRIVE = 1, /* start: ARRIVED, then BLOCKED or QUEUED */
    CC__CSV_STEP_WAITED,     /* start + wait: ABANDONED / LEFT, or CONNECTED */
    CC__CSV_STEP_ENDED,      /* + talk + hold: ENDED (TRANSFERRED), wrap-up starts */
    CC__CSV_STEP_WRAPPED     /* + wrap: AGENT_WRAPUP_END */
} cc__csv_step;

/* An event of call c at time t, with the fields every event of a call has. */
static void cc__csv_event(cc_event *ev, const cc__csv_call *c, cc_event_type type, int64_t t)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->time_ms = t;
    ev->contact_id = c->contact_id;
    ev->customer_id = c->customer;
    ev->queue = c->queue;
    ev->channel = c->channel;
    ev->virtual_start_ms = c->start;
}

/* Sends one step of call c; returns the next step and sets *due to its time. */
static cc__csv_step cc__csv_emit_step(cc_import *imp, const cc__csv_call *c, cc__csv_step step,
                                      int64_t *due)
{
    cc_event ev;
    int64_t answered_ms = c->start + c->wait, ended_ms = answered_ms + c->talk + c->hold;
    switch (step) {
    case CC__CSV_STEP_ARRIVE:
        cc__csv_event(&ev, c, CC_EVENT_CONTACT_ARRIVED, c->start);
        ev.reason = c->reason;
        cc__import_emit(imp, &ev);
        if (c->outcome == CC__CSV_BLOCKED) {
            /* The reason column is the contact's (on ARRIVED, for the
             * Pareto); a BLOCKED reason says why the queue refused, which a
             * call record does not tell. */
            ev.type = CC_EVENT_CONTACT_BLOCKED;
            ev.reason = NULL;
            cc__import_emit(imp, &ev);
            return CC__CSV_STEP_DONE;
        }
        ev.reason = NULL;
        ev.type = CC_EVENT_CONTACT_QUEUED;
        cc__import_emit(imp, &ev);
        *due = answered_ms;
        return CC__CSV_STEP_WAITED;
    case CC__CSV_STEP_WAITED:
        if (c->outcome != CC__CSV_ANSWERED) {
            cc__csv_event(&ev, c,
                          c->outcome == CC__CSV_ABANDONED ? CC_EVENT_CONTACT_ABANDONED
                                                          : CC_EVENT_CONTACT_LEFT,
                          answered_ms);
            ev.wait_ms = c->wait;
            ev.reason = c->outcome == CC__CSV_LEFT ? "left" : NULL;
            cc__import_emit(imp, &ev);
            return CC__CSV_STEP_DONE;
        }
        cc__csv_event(&ev, c, CC_EVENT_CONTACT_CONNECTED, answered_ms);
        ev.agent = c->agent;
        ev.wait_ms = c->wait;
        cc__import_emit(imp, &ev);
        *due = ended_ms;
        return CC__CSV_STEP_ENDED;
    case CC__CSV_STEP_ENDED:
        cc__csv_event(&ev, c, CC_EVENT_CONTACT_ENDED, ended_ms);
        ev.agent = c->agent;
        ev.duration_ms = c->talk + c->hold;
        ev.hold_ms = c->hold;
        cc__import_emit(imp, &ev);
        ev.duration_ms = ev.hold_ms = 0;
        if (c->transferred) {
            ev.type = CC_EVENT_CONTACT_TRANSFERRED;
            cc__import_emit(imp, &ev);
        }
        if (c->wrap <= 0 || !c->agent) return CC__CSV_STEP_DONE;
        ev.type = CC_EVENT_AGENT_WRAPUP_START;
        cc__import_emit(imp, &ev);
        *due = ended_ms + c->wrap;
        return CC__CSV_STEP_WRAPPED;
    case CC__CSV_STEP_WRAPPED:
        cc__csv_event(&ev, c, CC_EVENT_AGENT_WRAPUP_END, ended_ms + c->wrap);
        ev.agent = c->agent;
        ev.duration_ms = c->wrap;
        cc__import_emit(imp, &ev);
        return CC__CSV_STEP_DONE;
    default:
        return CC__CSV_STEP_DONE;
    }
}

/* cc__csv_emit_step as the replay calls it. */
static int cc__csv_step_fn(cc_import *imp, void *ctx, size_t call, int step, int64_t *due)
{
    const cc__csv_state *s = ctx;
    return (int)cc__csv_emit_step(imp, &s->calls[call], (cc__csv_step)step, due);
}

static int cc__csv_cmp(const void *a, const void *b)
{
    const cc__csv_call *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static void cc__csv_finish(cc_import *imp, void *state)
{
    cc__csv_state *s = state;
    if (s->ncalls > 1) /* calls may be NULL when the inputs held no row */
        qsort(s->calls, s->ncalls, sizeof *s->calls, cc__csv_cmp);
    for (size_t i = 0; i < s->ncalls; i++)
        cc__import_replay_start(imp, &s->replay, cc__csv_step_fn, s, i, s->calls[i].start);
    cc__import_replay_end(imp, &s->replay, cc__csv_step_fn, s);
    s->ncalls = 0;
}

static void cc__csv_line(cc_import *imp, void *state, const char *line, size_t len)
{
    cc__csv_state *s = state;
    int n = cc__csv_split(&s->row, line, len, s->delim, s->fields, CC__CSV_MAX_FIELDS);
    if (n == CC__CSV_ENOMEM) {
        cc__import_oom(imp);
        return;
    }
    if (n < 0) {
        if (n == CC__CSV_ETOOMANY)
            cc__import_reject(imp, "more than %d fields", CC__CSV_MAX_FIELDS);
        else cc__import_reject(imp, "unterminated quote, quote inside an unquoted field, or "
                                    "text after a closing quote");
        return;
    }
    if (!s->have_header) cc__csv_header(imp, s, n);
    else cc__csv_row(imp, s, n);
}

const cc__import_format cc__import_csv = {
    .name = "csv",
    .state_size = sizeof(cc__csv_state),
    .init = cc__csv_init,
    .destroy = cc__csv_destroy,
    .line = cc__csv_line,
    .begin_file = cc__csv_begin_file,
    .finish = cc__csv_finish,
};
