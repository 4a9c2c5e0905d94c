/*
 * lib/kpi/import_anonymous_bank.c - the Technion SEE "Anonymous Bank" call
 * records (1999) as events. Data source: Technion Service Enterprise
 * Engineering lab, Avi Mandelbaum (Guedj & Mandelbaum, 2000).
 *
 * One record per call, 17 fields: vru+line call_id customer_id priority type
 * date vru_entry vru_exit vru_time q_start q_exit q_time outcome ser_start
 * ser_exit ser_time server. The mapping (issue 5, docs/kpi.md):
 *   - PHANTOM records are skipped;
 *   - a call entered the queue when q_start is not 0:00:00 or it was served;
 *     it enters at q_start (vru_exit when q_start is 0:00:00); q_start
 *     0:00:00 with a q_time above 0 is a call queued at midnight;
 *   - AGENT: answered after wait q_time, talk ser_time (server NO_SERVER:
 *     agent unknown); HANG after queueing: abandoned after q_time; HANG
 *     without queueing ended in the VRU and is skipped;
 *   - queue = type, agent = server, customer = customer_id (0 = unknown).
 * Quirks survived: fields are split at runs of TABs and spaces (some rows use
 * spaces, one type has a leading space); clock times that fall more than 12 h
 * before vru_entry are on the next day (midnight wrap); corrupted agent names
 * (NO_SERVERAMA, ANO_SERVERT) are kept as the names they are; customer ids
 * that a spreadsheet rounded into scientific notation ("6.02E+11") are
 * unknown customers (cc__ab_customer).
 *
 * Records are not in time order (files are grouped by VRU line, and months
 * may be given in any order), so records are held (O(records) memory, 64
 * bytes each) and sent by cc_import_finish as one stream in time order, as
 * a live engine sends them: the arrivals sorted by queue-entry time, and a
 * call's answer, end or abandon when its time comes, through a heap of the
 * calls in progress (O(concurrent calls)). Sending a whole call at its
 * arrival put its end before later arrivals: the aggregator then took a
 * call still in progress for the customer's latest contact, and a repeat of
 * an earlier one went uncounted. O(n log n).
 */
#include "import_format.h"
#include "import_replay.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

#define CC__AB_FIELDS 17

typedef struct cc__ab_record {
    int64_t entry_ms, wait_ms, talk_ms;
    uint64_t customer;
    uint64_t order; /* input order: ties keep it; once sorted, the contact id */
    const char *queue, *agent;
    int32_t priority;
    int answered;
} cc__ab_record;

typedef struct cc__ab_state {
    cc__ab_record *records;
    size_t n, cap;
    uint64_t order;
    cc__import_replay replay;
} cc__ab_state;

static void cc__ab_destroy(void *state)
{
    cc__ab_state *s = state;
    cc__free(s->records);
    cc__import_replay_free(&s->replay);
}

/* YYMMDD -> days since the epoch (YY < 70 is 20YY). */
static int cc__ab_date(cc__span f, int64_t *days)
{
    int64_t v;
    if (f.n != 6 || cc__span_i64(f, &v) != 0 || v < 0) return -1;
    int64_t yy = v / 10000;
    return cc__civil_days(yy < 70 ? 2000 + yy : 1900 + yy, (int)(v / 100 % 100), (int)(v % 100),
                          days);
}

/* Significant digits written in the mantissa of `f` (the text before an
 * 'E'), leading zeros not counted. */
static int cc__ab_mantissa_digits(cc__span f)
{
    int digits = 0;
    for (size_t i = 0; i < f.n && f.p[i] != 'E' && f.p[i] != 'e'; i++)
        if (f.p[i] >= '0' && f.p[i] <= '9' && (digits || f.p[i] != '0')) digits++;
    return digits;
}

static int cc__ab_decimal_digits(int64_t v)
{
    int n = 1;
    while (v >= 10) v /= 10, n++;
    return n;
}

/* customer_id: digits, or a spreadsheet's scientific notation (180 rows,
 * "6.02701E+11"). A number written with fewer digits than it has was rounded
 * by the spreadsheet: it names every customer whose id rounds to it, so it
 * would merge different callers into false repeats; it is an unknown
 * customer (0). One written in full ("4.2E+1") is the number. */
static int cc__ab_customer(cc__span f, int64_t *out)
{
    double v;
    if (cc__span_i64(f, out) == 0) return *out >= 0 ? 0 : -1;
    if (cc__span_double(f, &v) != 0 || v < 0 || v > 9e18) return -1;
    *out = (int64_t)(v + 0.5);
    if (cc__ab_mantissa_digits(f) < cc__ab_decimal_digits(*out)) *out = 0;
    return 0;
}

/* Clock time of the same call as vru_entry: a time more than 12 h earlier
 * than vru_entry is on the next day (the call crossed midnight). */
static int64_t cc__ab_unwrap(int64_t day_ms, int64_t vru_entry_s, int64_t clock_s)
{
    int64_t t = day_ms + clock_s * 1000;
    if (clock_s < vru_entry_s - 12 * 3600) t += 86400000;
    return t;
}

static void cc__ab_line(cc_import *imp, void *state, const char *line, size_t len)
{
    cc__ab_state *s = state;
    cc__span f[CC__AB_FIELDS];
    size_t n = cc__span_split_blank(line, len, f, CC__AB_FIELDS);
    if (n >= 1 && cc__span_is(f[0], "vru+line")) {
        cc__import_skip(imp); /* the header line */
        return;
    }
    if (n != CC__AB_FIELDS) {
        cc__import_reject(imp, "expected 17 fields, got %zu%s", n > CC__AB_FIELDS ? n - 1 : n,
                          n > CC__AB_FIELDS ? " or more" : "");
        return;
    }
    cc__span outcome = f[12];
    if (cc__span_is(outcome, "PHANTOM")) {
        cc__import_skip(imp);
        return;
    }
    int answered = cc__span_is(outcome, "AGENT");
    if (!answered && !cc__span_is(outcome, "HANG")) {
        cc__import_reject(imp, "outcome '%.*s' is not AGENT, HANG or PHANTOM",
                          (int)(outcome.n > 20 ? 20 : outcome.n), outcome.p);
        return;
    }
    int64_t customer, priority, days, vru_entry, vru_exit, q_start, q_time, ser_time;
    if (cc__ab_customer(f[2], &customer) != 0) {
        cc__import_reject(imp, "customer_id is not a number");
        return;
    }
    if (cc__span_i64(f[3], &priority) != 0 || priority < 0 || priority > 100) {
        cc__import_reject(imp, "priority is not a small number");
        return;
    }
    if (cc__ab_date(f[5], &days) != 0) {
        cc__import_reject(imp, "date is not a valid YYMMDD");
        return;
    }
    if (cc__span_clock(f[6], &vru_entry) != 0 || cc__span_clock(f[7], &vru_exit) != 0 ||
        cc__span_clock(f[9], &q_start) != 0) {
        cc__import_reject(imp, "vru_entry, vru_exit or q_start is not a time H:MM:SS");
        return;
    }
    if (cc__span_i64(f[11], &q_time) != 0 || q_time < 0 || q_time > 86400 ||
        cc__span_i64(f[15], &ser_time) != 0 || ser_time < 0 || ser_time > 86400) {
        cc__import_reject(imp, "q_time or ser_time is not a duration in seconds");
        return;
    }
    /* q_start 0:00:00 is "never queued", or the clock time of a call that
     * reached the queue at midnight: its q_time then says it waited. */
    int at_q_start = q_start != 0 || q_time != 0;
    int queued = at_q_start || answered;
    if (!queued) {
        cc__import_skip(imp); /* hung up in the VRU: never a queue contact */
        return;
    }
    int64_t day_ms = days * 86400000;
    cc__ab_record r = {
        .entry_ms = cc__ab_unwrap(day_ms, vru_entry, at_q_start ? q_start : vru_exit),
        .wait_ms = q_time * 1000,
        .talk_ms = answered ? ser_time * 1000 : 0,
        .customer = (uint64_t)customer,
        .order = s->order++,
        .queue = cc__import_string(imp, f[4]),
        .agent = answered && !cc__span_is(f[16], "NO_SERVER") ? cc__import_string(imp, f[16])
                                                              : NULL,
        .priority = (int32_t)priority,
        .answered = answered,
    };
    if (!r.queue) return; /* out of memory, recorded */
    if (cc__grow((void **)&s->records, &s->cap, s->n + 1, sizeof *s->records) != 0) {
        cc__import_oom(imp);
        return;
    }
    s->records[s->n++] = r;
}

static int cc__ab_cmp(const void *a, const void *b)
{
    const cc__ab_record *x = a, *y = b;
    if (x->entry_ms != y->entry_ms) return x->entry_ms < y->entry_ms ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* An event of record r at time t, with the fields every event of a call has. */
static void cc__ab_event(cc_event *ev, const cc__ab_record *r, cc_event_type type, int64_t t)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->time_ms = t;
    ev->contact_id = r->order;
    ev->customer_id = r->customer;
    ev->queue = r->queue;
    ev->channel = CC_CHANNEL_VOICE;
    ev->priority = r->priority;
    ev->virtual_start_ms = r->entry_ms;
}

/* The call arrives and queues. */
static void cc__ab_emit_arrival(cc_import *imp, const cc__ab_record *r)
{
    cc_event ev;
    cc__ab_event(&ev, r, CC_EVENT_CONTACT_ARRIVED, r->entry_ms);
    cc__import_emit(imp, &ev);
    ev.type = CC_EVENT_CONTACT_QUEUED;
    cc__import_emit(imp, &ev);
}

/* The call's wait ends: abandoned, or answered. Returns 1 when its talk is
 * still to end. */
static int cc__ab_emit_wait_end(cc_import *imp, const cc__ab_record *r)
{
    cc_event ev;
    cc__ab_event(&ev, r, r->answered ? CC_EVENT_CONTACT_CONNECTED : CC_EVENT_CONTACT_ABANDONED,
                 r->entry_ms + r->wait_ms);
    ev.wait_ms = r->wait_ms;
    if (r->answered) ev.agent = r->agent;
    cc__import_emit(imp, &ev);
    return r->answered;
}

/* The answered call's talk ends. */
static void cc__ab_emit_end(cc_import *imp, const cc__ab_record *r)
{
    cc_event ev;
    cc__ab_event(&ev, r, CC_EVENT_CONTACT_ENDED, r->entry_ms + r->wait_ms + r->talk_ms);
    ev.wait_ms = r->wait_ms;
    ev.agent = r->agent;
    ev.duration_ms = r->talk_ms;
    cc__import_emit(imp, &ev);
}

enum { CC__AB_ARRIVE = 1, CC__AB_WAITED, CC__AB_ENDED };

/* The steps of call i (import_replay.h): its arrival, the end of its wait,
 * the end of its talk. */
static int cc__ab_step(cc_import *imp, void *ctx, size_t i, int step, int64_t *due)
{
    cc__ab_record *r = &((cc__ab_state *)ctx)->records[i];
    switch (step) {
    case CC__AB_ARRIVE:
        r->order = cc__import_new_contact_id(imp); /* sorted: the order is spent */
        cc__ab_emit_arrival(imp, r);
        *due = r->entry_ms + r->wait_ms;
        return CC__AB_WAITED;
    case CC__AB_WAITED:
        if (!cc__ab_emit_wait_end(imp, r)) return 0;
        *due = r->entry_ms + r->wait_ms + r->talk_ms;
        return CC__AB_ENDED;
    default:
        cc__ab_emit_end(imp, r);
        return 0;
    }
}

static void cc__ab_finish(cc_import *imp, void *state)
{
    cc__ab_state *s = state;
    if (s->n > 1) /* records may be NULL when the files held no call */
        qsort(s->records, s->n, sizeof *s->records, cc__ab_cmp);
    for (size_t i = 0; i < s->n; i++)
        cc__import_replay_start(imp, &s->replay, cc__ab_step, s, i, s->records[i].entry_ms);
    cc__import_replay_end(imp, &s->replay, cc__ab_step, s);
    s->n = 0;
}

const cc__import_format cc__import_anonymous_bank = {
    .name = "anonymous-bank",
    .state_size = sizeof(cc__ab_state),
    .destroy = cc__ab_destroy,
    .line = cc__ab_line,
    .finish = cc__ab_finish,
};
