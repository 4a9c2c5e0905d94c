/*
 * tests/unit/test_import.c - the importers: Asterisk queue_log (every listed
 * event), call-record CSV with a column mapping, the Anonymous Bank format
 * with the quirks of its README; malformed lines counted with line numbers;
 * any chunking gives the same events; allocation failures are clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "callcore/callcore.h"
#include "support/alloc_fail.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) ((int64_t)(x) * 1000)

/* ---- an event recorder ----------------------------------------------------- */

#define MAX_SEEN 256

typedef struct seen_event {
    cc_event ev;
    char queue[32], agent[32], target[32], reason[32], target_queue[32];
} seen_event;

typedef struct recorder {
    int n;
    seen_event e[MAX_SEEN];
} recorder;

static void copy_str(char *dst, const char *src)
{
    snprintf(dst, 32, "%s", src ? src : "");
}

static void record(const cc_event *ev, void *user_data)
{
    recorder *r = user_data;
    if (r->n >= MAX_SEEN) return;
    seen_event *s = &r->e[r->n++];
    s->ev = *ev;
    copy_str(s->queue, ev->queue);
    copy_str(s->agent, ev->agent);
    copy_str(s->target, ev->target_agent);
    copy_str(s->reason, ev->reason);
    copy_str(s->target_queue, ev->target_queue);
}

static cc_import *importer(const char *format)
{
    cc_import_options o = CC_IMPORT_OPTIONS_INIT;
    o.format = format;
    cc_import *imp = NULL;
    assert_int_equal(cc_import_new(&imp, &o), CC_OK);
    return imp;
}

/* Feeds text in chunks of `chunk` bytes (0: all at once) as one input. */
static void feed(cc_import *imp, const char *name, const char *text, size_t chunk,
                 cc_event_fn sink, void *ud)
{
    size_t len = strlen(text);
    if (!chunk) chunk = len ? len : 1;
    assert_int_equal(cc_import_begin_file(imp, name, sink, ud), CC_OK);
    for (size_t at = 0; at < len; at += chunk)
        assert_int_equal(cc_import_feed(imp, text + at, len - at < chunk ? len - at : chunk,
                                        sink, ud),
                         CC_OK);
    assert_int_equal(cc_import_finish(imp, sink, ud), CC_OK);
}

static int count_type(const recorder *r, cc_event_type t)
{
    int n = 0;
    for (int i = 0; i < r->n; i++) n += r->e[i].ev.type == t;
    return n;
}

static const seen_event *find_type(const recorder *r, cc_event_type t, int nth)
{
    for (int i = 0; i < r->n; i++)
        if (r->e[i].ev.type == t && nth-- == 0) return &r->e[i];
    fail_msg("no %s #%d", cc_event_type_name(t), nth);
    return NULL;
}

/* ---- queue_log ------------------------------------------------------------- */

static const char queue_log[] =
    "1700000000|NONE|NONE|NONE|QUEUESTART|\n"
    "1700000000|NONE|sales|Agent/100|ADDMEMBER|\n"
    "1700000000|NONE|NONE|Agent/200|AGENTLOGIN|SIP/200\n"
    "1700000010|c1.1|sales|NONE|ENTERQUEUE||5551234|1\n"
    "1700000012|c1.1|sales|Agent/100|RINGNOANSWER|15000\n"
    "1700000030|c1.1|sales|Agent/200|CONNECT|20|b1|3\n"
    "1700000130|c1.1|sales|Agent/200|COMPLETECALLER|20|100|1\n"
    "1700000040|c2.1|sales|NONE|ENTERQUEUE||5559999|1\n"
    "1700000045|c2.1|sales|NONE|ABANDON|1|1|5\n"
    "1700000050|c3.1|sales|NONE|ENTERQUEUE||anonymous|1\n"
    "1700000110|c3.1|sales|NONE|EXITWITHTIMEOUT|1|1|60\n"
    "1700000060|c4.1|sales|NONE|ENTERQUEUE||5551234|1\n"
    "1700000061|c4.1|sales|NONE|EXITEMPTY|1|1|1\n"
    "1700000070|c5.1|sales|NONE|ENTERQUEUE||5551111|1\n"
    "1700000072|c5.1|sales|NONE|EXITWITHKEY|5|1|1|2\n"
    "1700000200|c6.1|sales|NONE|ENTERQUEUE||5552222|1\n"
    "1700000205|c6.1|sales|Agent/100|CONNECT|5|b2|1\n"
    "1700000265|c6.1|sales|Agent/100|BLINDTRANSFER|600|default|5|60|1\n"
    "1700000300|c7.1|sales|NONE|ENTERQUEUE||5553333|1\n"
    "1700000301|c7.1|sales|Agent/100|CONNECT|1|b3|1\n"
    "1700000331|c7.1|sales|Agent/100|ATTENDEDTRANSFER|BRIDGE|b9|1|30|1\n"
    "1700000400|c8.1|sales|NONE|ENTERQUEUE||5554444|1\n"
    "1700000402|c8.1|sales|Agent/100|CONNECT|2|b4|1\n"
    "1700000462|c8.1|sales|Agent/100|TRANSFER|700|default|2|60|1\n"
    "1700000500|c9.1|sales|NONE|ENTERQUEUE||5555555|1\n"
    "1700000503|c9.1|sales|Agent/200|CONNECT|3|b5|1\n"
    "1700000563|c9.1|sales|Agent/200|COMPLETEAGENT|3|60|1\n"
    "1700000600|NONE|NONE|Agent/200|PAUSE|lunch\n"
    "1700000900|NONE|NONE|Agent/200|UNPAUSE|\n"
    "1700001000|NONE|sales|Agent/100|REMOVEMEMBER|\n"
    "1700001200|NONE|NONE|Agent/200|AGENTLOGOFF|SIP/200|1200\n";

static void queue_log_every_event(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("queue_log");
    feed(imp, "queue_log", queue_log, 0, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_read, 31);
    assert_int_equal(st->lines_rejected, 0);
    assert_int_equal(st->lines_skipped, 1); /* QUEUESTART */
    assert_int_equal(st->events, (uint64_t)r->n);

    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 9);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_QUEUED), 9);
    const seen_event *c = find_type(r, CC_EVENT_CONTACT_CONNECTED, 0);
    assert_int_equal(c->ev.time_ms, S(1700000030));
    assert_int_equal(c->ev.wait_ms, S(20));
    assert_string_equal(c->agent, "Agent/200");
    assert_string_equal(c->queue, "sales");
    assert_true(c->ev.flags & CC_EVENT_F_IMPORTED);
    const seen_event *a = find_type(r, CC_EVENT_CONTACT_ARRIVED, 0);
    assert_int_equal(a->ev.customer_id, 5551234);
    assert_int_equal(a->ev.contact_id, c->ev.contact_id);
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_ARRIVED, 2)->ev.customer_id, 0); /* anonymous */
    const seen_event *e = find_type(r, CC_EVENT_CONTACT_ENDED, 0);
    assert_int_equal(e->ev.duration_ms, S(100));
    const seen_event *rt = find_type(r, CC_EVENT_CONTACT_RING_TIMEOUT, 0);
    assert_int_equal(rt->ev.duration_ms, 15000);
    assert_string_equal(rt->agent, "Agent/100");
    const seen_event *ab = find_type(r, CC_EVENT_CONTACT_ABANDONED, 0);
    assert_int_equal(ab->ev.wait_ms, S(5));
    assert_string_equal(find_type(r, CC_EVENT_CONTACT_LEFT, 0)->reason, "max-wait");
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_LEFT, 0)->ev.wait_ms, S(60));
    assert_string_equal(find_type(r, CC_EVENT_CONTACT_LEFT, 1)->reason, "empty");
    assert_string_equal(find_type(r, CC_EVENT_CONTACT_LEFT, 2)->reason, "key");
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_LEFT, 2)->ev.wait_ms, S(2));
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_TRANSFERRED), 3);
    const seen_event *bt = find_type(r, CC_EVENT_CONTACT_TRANSFERRED, 0);
    assert_string_equal(bt->target, "600");
    assert_false(bt->ev.flags & CC_EVENT_F_CONSULT);
    assert_string_equal(bt->agent, "Agent/100"); /* ends Agent/100's leg */
    /* Extension 600 is no queue: the contact's end, held in case it entered
     * one, comes later with the transfer's time and no agent leg. */
    const seen_event *bt_end = NULL;
    for (int i = 0; i < r->n; i++)
        if (r->e[i].ev.type == CC_EVENT_CONTACT_ENDED && r->e[i].ev.contact_id == bt->ev.contact_id)
            bt_end = &r->e[i];
    assert_non_null(bt_end);
    assert_true(bt_end > bt);
    assert_int_equal(bt_end->ev.time_ms, bt->ev.time_ms);
    assert_int_equal(bt_end->ev.duration_ms, 0);
    assert_string_equal(bt_end->agent, "");
    const seen_event *at = find_type(r, CC_EVENT_CONTACT_TRANSFERRED, 1);
    assert_true(at->ev.flags & CC_EVENT_F_CONSULT);
    assert_string_equal(at->target, "b9");
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ENDED), 5);
    assert_int_equal(count_type(r, CC_EVENT_QUEUE_MEMBER_ADDED), 1);
    assert_int_equal(count_type(r, CC_EVENT_QUEUE_MEMBER_REMOVED), 1);
    assert_int_equal(count_type(r, CC_EVENT_AGENT_LOGIN), 1);
    const seen_event *lo = find_type(r, CC_EVENT_AGENT_LOGOUT, 0);
    assert_int_equal(lo->ev.duration_ms, S(1200));
    /* Agent/200: ready 0-30, busy 30-130, ready 130-503, busy 503-563, ready
     * 563-600, not ready (lunch) 600-900, ready 900-1200. */
    int states = 0;
    for (int i = 0; i < r->n; i++) {
        const seen_event *s = &r->e[i];
        if (s->ev.type != CC_EVENT_AGENT_STATE || strcmp(s->agent, "Agent/200") != 0) continue;
        if (s->ev.agent_state == CC_AGENT_NOT_READY) {
            assert_string_equal(s->reason, "lunch");
            assert_int_equal(s->ev.duration_ms, S(37));
        }
        states++;
    }
    assert_int_equal(states, 7);

    /* The same log through the aggregator. */
    cc_kpi *k = NULL;
    assert_int_equal(cc_kpi_new(&k, NULL), CC_OK);
    for (int i = 0; i < r->n; i++) assert_int_equal(cc_kpi_add(k, &r->e[i].ev), CC_OK);
    cc_kpi_report *rep = NULL;
    assert_int_equal(cc_kpi_report_new(k, &rep), CC_OK);
    assert_int_equal(rep->totals.offered, 9);
    assert_int_equal(rep->totals.answered, 5);
    assert_int_equal(rep->totals.abandoned, 1);
    assert_int_equal(rep->totals.left, 3);
    assert_int_equal(rep->totals.transferred, 3);
    assert_int_equal(rep->totals.handled, 5);
    assert_int_equal(rep->totals.rona, 1);
    assert_in_range((long)llround(rep->totals.transfer_rate * 100), 60, 60);
    /* Agent/200 was logged in 1200 s, busy 160 s, not ready 300 s. */
    const cc_kpi_group *g = NULL;
    for (size_t i = 0; i < rep->n_agents; i++)
        if (strcmp(rep->agents[i].name, "Agent/200") == 0) g = &rep->agents[i];
    assert_non_null(g);
    assert_true(fabs(g->f.utilisation - 160.0 / 1200) < 1e-12);
    assert_true(fabs(g->f.occupancy - 160.0 / 900) < 1e-12);
    cc_kpi_report_free(rep);
    cc_kpi_free(k);
    cc_import_free(imp);
    free(r);
}

static void queue_log_any_chunking_same_events(void **state)
{
    (void)state;
    recorder *whole = calloc(1, sizeof *whole), *bytes = calloc(1, sizeof *bytes);
    cc_import *a = importer("queue_log"), *b = importer("queue_log");
    feed(a, "x", queue_log, 0, record, whole);
    feed(b, "x", queue_log, 1, record, bytes);
    assert_int_equal(whole->n, bytes->n);
    for (int i = 0; i < whole->n; i++) {
        assert_int_equal(whole->e[i].ev.type, bytes->e[i].ev.type);
        assert_int_equal(whole->e[i].ev.time_ms, bytes->e[i].ev.time_ms);
        assert_int_equal(whole->e[i].ev.contact_id, bytes->e[i].ev.contact_id);
        assert_string_equal(whole->e[i].agent, bytes->e[i].agent);
    }
    cc_import_free(a);
    cc_import_free(b);
    free(whole);
    free(bytes);
}

static void queue_log_malformed_lines(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import_options o = CC_IMPORT_OPTIONS_INIT;
    o.format = "queue_log";
    o.max_errors = 2;
    cc_import *imp = NULL;
    assert_int_equal(cc_import_new(&imp, &o), CC_OK);
    feed(imp, "broken.log",
         "garbage\n"
         "\n"
         "1700000000|c1|sales|NONE|ENTERQUEUE||1|1\n"
         "soon|c1|sales|NONE|ABANDON|1|1|5\n"
         "1700000005|c1|sales|NONE|ABANDON|1|1|five\n"
         "1700000005|c1|sales|NONE|ABANDON|1|1|5\r\n"
         "1700000006|NONE|sales|NONE|CONNECT|1|x|1\n"
         "1700000007|c2|q",
         0, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_read, 7); /* the blank line is not counted */
    assert_int_equal(st->lines_rejected, 5);
    assert_int_equal(st->n_errors, 2); /* the first two are kept */
    assert_string_equal(st->errors[0].file, "broken.log");
    assert_int_equal(st->errors[0].line, 1);
    assert_int_equal(st->errors[1].line, 4);
    assert_non_null(strstr(st->errors[1].message, "epoch"));
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ABANDONED), 1);
    cc_import_free(imp);
    free(r);
}

/* max_errors is a limit, not a size: the largest one costs nothing up front
 * (the kept errors grow as they come) and every malformed line is kept. */
static void max_errors_is_a_limit_not_an_allocation(void **state)
{
    (void)state;
    cc_import_options o = CC_IMPORT_OPTIONS_INIT;
    o.format = "queue_log";
    o.max_errors = UINT32_MAX;
    cc_import *imp = NULL;
    assert_int_equal(cc_import_new(&imp, &o), CC_OK);
    recorder *r = calloc(1, sizeof *r);
    char text[64 * 8 + 1];
    text[0] = '\0';
    for (int i = 0; i < 64; i++) strcat(text, "garbage\n");
    feed(imp, "many.log", text, 5, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_rejected, 64);
    assert_int_equal(st->n_errors, 64);
    assert_int_equal(st->errors[63].line, 64);
    assert_string_equal(st->errors[63].file, "many.log");
    cc_import_free(imp);
    free(r);
}

/* The recorded events through an aggregator (default options). */
static cc_kpi_report *kpi_of(const recorder *r)
{
    cc_kpi *k = NULL;
    assert_int_equal(cc_kpi_new(&k, NULL), CC_OK);
    for (int i = 0; i < r->n; i++) assert_int_equal(cc_kpi_add(k, &r->e[i].ev), CC_OK);
    cc_kpi_report *rep = NULL;
    assert_int_equal(cc_kpi_report_new(k, &rep), CC_OK);
    cc_kpi_free(k);
    return rep;
}

static const cc_kpi_figures *queue_figures(const cc_kpi_report *rep, const char *name)
{
    for (size_t i = 0; i < rep->n_queues; i++)
        if (strcmp(rep->queues[i].name, name) == 0) return &rep->queues[i].f;
    fail_msg("no queue '%s'", name);
    return NULL;
}

/* Asterisk keeps a call's uniqueid when it goes from queue to queue (a
 * transfer to a queue extension, or the dialplan after EXITWITHTIMEOUT): it
 * is one contact, offered in both queues, once in the totals, and never a
 * repeat of itself. */
static void queue_log_call_moving_between_queues_is_one_contact(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("queue_log");
    feed(imp, "transfer.log",
         "1700000000|c1|Q1|NONE|ENTERQUEUE||555|1\n"
         "1700000010|c1|Q1|SIP/a|CONNECT|10|x|1\n"
         "1700000070|c1|Q1|SIP/a|BLINDTRANSFER|2000|from-queue|10|60|1\n"
         "1700000071|c1|Q2|NONE|ENTERQUEUE||555|1\n"
         "1700000081|c1|Q2|SIP/b|CONNECT|10|x|1\n"
         "1700000141|c1|Q2|SIP/b|COMPLETECALLER|10|60|1\n",
         0, record, r);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 1);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_QUEUED), 2);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ENDED), 1); /* one terminal event */
    for (int i = 1; i < r->n; i++) assert_int_equal(r->e[i].ev.contact_id, r->e[0].ev.contact_id);
    cc_kpi_report *rep = kpi_of(r);
    const cc_kpi_figures *t = &rep->totals;
    assert_int_equal(t->offered, 1);
    assert_int_equal(t->answered, 1);
    assert_int_equal(t->handled, 1);
    assert_int_equal(t->transferred, 1);
    assert_true(fabs(t->transfer_rate - 1) < 1e-12);
    assert_int_equal(t->repeat_contacts, 0);
    assert_true(fabs(t->fcr - 1) < 1e-12);
    assert_int_equal(queue_figures(rep, "Q1")->handled, 1);
    assert_int_equal(queue_figures(rep, "Q2")->offered, 1);
    cc_kpi_report_free(rep);
    cc_import_free(imp);

    /* EXITWITHTIMEOUT, then the dialplan queues the call in Q2: it flowed
     * out of Q1 (not "left"), and its wait goes on in Q2. */
    r->n = 0;
    imp = importer("queue_log");
    feed(imp, "overflow.log",
         "1700000000|c2|Q1|NONE|ENTERQUEUE||556|1\n"
         "1700000030|c2|Q1|NONE|EXITWITHTIMEOUT|1|1|30\n"
         "1700000031|c2|Q2|NONE|ENTERQUEUE||556|1\n"
         "1700000036|c2|Q2|SIP/b|CONNECT|5|x|1\n"
         "1700000096|c2|Q2|SIP/b|COMPLETEAGENT|5|60|1\n",
         0, record, r);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_LEFT), 0);
    const seen_event *o = find_type(r, CC_EVENT_CONTACT_OVERFLOWED, 0);
    assert_string_equal(o->queue, "Q1");
    assert_string_equal(o->target_queue, "Q2");
    assert_int_equal(o->ev.wait_ms, S(30));
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_CONNECTED, 0)->ev.wait_ms, S(35));
    rep = kpi_of(r);
    t = &rep->totals;
    assert_int_equal(t->offered, 1);
    assert_int_equal(t->overflowed, 1);
    assert_int_equal(t->left, 0);
    assert_int_equal(t->answered, 1);
    assert_true(fabs(t->asa_s - 35) < 1e-12);
    assert_int_equal(t->repeat_contacts, 0);
    assert_int_equal(queue_figures(rep, "Q1")->overflowed, 1);
    cc_kpi_report_free(rep);
    cc_import_free(imp);
    free(r);
}

/* A transfer or exit that no queue entry follows ends the contact at the
 * transfer / exit time, as soon as that is clear: when the same caller
 * calls again (so the new call is a repeat), when no line of the call came
 * for a while, or at the end of the import. */
static void queue_log_transfer_out_ends_the_contact(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("queue_log");
    feed(imp, "out.log",
         "1700000000|c1|Q1|NONE|ENTERQUEUE||555|1\n"
         "1700000010|c1|Q1|SIP/a|CONNECT|10|x|1\n"
         "1700000070|c1|Q1|SIP/a|BLINDTRANSFER|2000|ctx|10|60|1\n"
         "1700000100|c2|Q1|NONE|ENTERQUEUE||555|1\n"
         "1700000105|c2|Q1|SIP/a|CONNECT|5|x|1\n"
         "1700000165|c2|Q1|SIP/a|COMPLETECALLER|5|60|1\n"
         "1700000200|c3|Q1|NONE|ENTERQUEUE||557|1\n"
         "1700000260|c3|Q1|NONE|EXITWITHTIMEOUT|1|1|60\n"
         "1700000270|c4|Q1|NONE|ENTERQUEUE||558|1\n"
         "1700000280|c4|Q1|NONE|EXITWITHKEY|5|1|1|10\n"
         "1700009000|c5|Q1|NONE|ENTERQUEUE||559|1\n"
         "1700009005|c5|Q1|NONE|ABANDON|1|1|5\n",
         0, record, r);
    const seen_event *end = find_type(r, CC_EVENT_CONTACT_ENDED, 0);
    assert_int_equal(end->ev.time_ms, S(1700000070));
    assert_string_equal(end->agent, "");
    assert_int_equal(end->ev.duration_ms, 0);
    /* ended before the caller's next call arrived */
    assert_true(end < find_type(r, CC_EVENT_CONTACT_ARRIVED, 1));
    const seen_event *left = find_type(r, CC_EVENT_CONTACT_LEFT, 0);
    assert_int_equal(left->ev.time_ms, S(1700000260));
    assert_int_equal(left->ev.wait_ms, S(60));
    assert_string_equal(left->reason, "max-wait");
    /* c3 and c4 ended while the log went on to c5, not at its end */
    assert_true(left < find_type(r, CC_EVENT_CONTACT_ARRIVED, 4));
    assert_string_equal(find_type(r, CC_EVENT_CONTACT_LEFT, 1)->reason, "key");
    cc_kpi_report *rep = kpi_of(r);
    const cc_kpi_figures *t = &rep->totals;
    assert_int_equal(t->offered, 5);
    assert_int_equal(t->handled, 2);
    assert_int_equal(t->transferred, 1);
    assert_int_equal(t->left, 2);
    assert_int_equal(t->repeat_contacts, 1);       /* c2 repeats c1 */
    assert_true(fabs(t->fcr - 1.0 / 2) < 1e-12); /* c1 was followed by a repeat */
    cc_kpi_report_free(rep);
    cc_import_free(imp);

    /* At the end of the import the held end is sent. */
    r->n = 0;
    imp = importer("queue_log");
    feed(imp, "tail.log",
         "1700000000|c1|Q1|NONE|ENTERQUEUE||555|1\n"
         "1700000010|c1|Q1|SIP/a|CONNECT|10|x|1\n"
         "1700000070|c1|Q1|SIP/a|ATTENDEDTRANSFER|BRIDGE|b9|10|60|1\n",
         0, record, r);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ENDED), 1);
    assert_int_equal(r->e[r->n - 1].ev.type, CC_EVENT_CONTACT_ENDED);
    cc_import_free(imp);
    free(r);
}

/* Lines of a call never seen entering a queue (the log starts or was rotated
 * mid-call, a COMPLETECALLER logged twice, a line after a transfer out of
 * the queues) carry no contact of the log's period: they are skipped and
 * counted, and change no offered, answered or handled figure. */
static void queue_log_lines_of_a_call_never_seen_entering_are_skipped(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("queue_log");
    feed(imp, "orphans.log",
         "1700000000|old|Q1|SIP/b|CONNECT|300|x|1\n"
         "1700000050|old|Q1|SIP/b|COMPLETEAGENT|300|50|1\n"
         "1700000100|c1|Q1|NONE|ENTERQUEUE||555|1\n"
         "1700000110|c1|Q1|SIP/a|CONNECT|10|x|1\n"
         "1700000170|c1|Q1|SIP/a|COMPLETECALLER|10|60|1\n"
         "1700000171|c1|Q1|SIP/a|COMPLETECALLER|10|60|1\n"
         "1700000200|c2|Q1|NONE|ENTERQUEUE||556|1\n"
         "1700000210|c2|Q1|SIP/a|CONNECT|10|x|1\n"
         "1700000270|c2|Q1|SIP/a|BLINDTRANSFER|2000|ctx|10|60|1\n"
         "1700000271|c2|Q1|SIP/a|COMPLETECALLER|10|60|1\n",
         0, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_rejected, 0);
    assert_int_equal(st->lines_skipped, 4);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_CONNECTED), 2);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ENDED), 2); /* c1, c2's held end */
    cc_kpi_report *rep = kpi_of(r);
    const cc_kpi_figures *t = &rep->totals;
    assert_int_equal(t->offered, 2);
    assert_int_equal(t->answered, 2);
    assert_int_equal(t->handled, 2);
    assert_true(fabs(t->aht_s - 60.0) < 1e-9);
    assert_true(fabs(t->asa_s - 10.0) < 1e-9);
    assert_int_equal(rep->n_intervals, 1);
    assert_int_equal(rep->n_agents, 1); /* SIP/b's call is not in the log */
    assert_int_equal(rep->agents[0].f.handled, 2);
    cc_kpi_report_free(rep);
    cc_import_free(imp);
    free(r);
}

/* A caller who calls again ends their own held calls before the new one
 * arrives, and only theirs: another caller's held end waits for its own
 * re-entry window (here: the end of the import). The held ends are found
 * through the caller's own list, not by scanning every held call. */
static void queue_log_new_call_ends_only_its_callers_held_calls(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("queue_log");
    feed(imp, "two.log",
         "1000|a1|Q1|NONE|ENTERQUEUE||111|1\n"
         "1001|a1|Q1|SIP/a|CONNECT|1|x|1\n"
         "1010|a1|Q1|SIP/a|BLINDTRANSFER|2000|ctx|1|9|1\n"
         "1020|b1|Q1|NONE|ENTERQUEUE||222|1\n"
         "1021|b1|Q1|SIP/b|CONNECT|1|x|1\n"
         "1030|b1|Q1|SIP/b|BLINDTRANSFER|2000|ctx|1|9|1\n"
         "1040|b2|Q1|NONE|ENTERQUEUE||222|1\n"
         "1041|b2|Q1|NONE|ABANDON|1|1|1\n",
         0, record, r);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ENDED), 2);
    const seen_event *first_end = find_type(r, CC_EVENT_CONTACT_ENDED, 0);
    const seen_event *second_end = find_type(r, CC_EVENT_CONTACT_ENDED, 1);
    const seen_event *again = find_type(r, CC_EVENT_CONTACT_ARRIVED, 2);
    assert_int_equal(first_end->ev.customer_id, 222); /* b1, ended by b2 */
    assert_int_equal(first_end->ev.time_ms, S(1030));
    assert_true(first_end < again);
    assert_int_equal(second_end->ev.customer_id, 111); /* a1, at the end of the import */
    assert_true(second_end > again);
    cc_import_free(imp);
    free(r);
}

/* FULL, JOINEMPTY and JOINUNAVAIL are logged instead of ENTERQUEUE when the
 * queue refuses the call: KPI.md's blocked (queue full or no agents), with
 * Blocked % = Blk / (Off + Blk). */
static void queue_log_blocked_calls(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("queue_log");
    feed(imp, "blocked.log",
         "1010|c1|Q1|NONE|FULL|\n"
         "1100|c2|Q1|NONE|JOINEMPTY|1|1|1\n"
         "1200|c3|Q1|NONE|JOINUNAVAIL|\n"
         "1300|c4|Q1|NONE|ENTERQUEUE||556|1\n"
         "1305|c4|Q1|SIP/a|CONNECT|5|x|1\n"
         "1400|c4|Q1|SIP/a|COMPLETEAGENT|5|95|1\n",
         0, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_skipped, 0);
    assert_int_equal(st->lines_rejected, 0);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_BLOCKED), 3);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 4);
    const seen_event *b = find_type(r, CC_EVENT_CONTACT_BLOCKED, 0);
    assert_string_equal(b->queue, "Q1");
    assert_int_equal(b->ev.time_ms, S(1010));
    assert_string_equal(b->reason, "full");
    assert_string_equal(find_type(r, CC_EVENT_CONTACT_BLOCKED, 1)->reason, "empty");
    assert_string_equal(find_type(r, CC_EVENT_CONTACT_BLOCKED, 2)->reason, "unavailable");
    cc_kpi_report *rep = kpi_of(r);
    assert_int_equal(rep->totals.offered, 1);
    assert_int_equal(rep->totals.blocked, 3);
    assert_true(fabs(rep->totals.blocked_rate - 3.0 / (1 + 3)) < 1e-12);
    assert_int_equal(rep->n_reasons, 0); /* why a queue refused is no contact reason */
    cc_kpi_report_free(rep);
    cc_import_free(imp);

    /* Timed out of Q1, refused by Q2: one contact, flowed out of Q1 and
     * blocked in Q2's row; in the totals it was offered, not refused entry. */
    r->n = 0;
    imp = importer("queue_log");
    feed(imp, "overflow-full.log",
         "1700000000|c5|Q1|NONE|ENTERQUEUE||557|1\n"
         "1700000030|c5|Q1|NONE|EXITWITHTIMEOUT|1|1|30\n"
         "1700000030|c5|Q2|NONE|FULL|\n",
         0, record, r);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 1);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_LEFT), 0);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_OVERFLOWED), 1);
    assert_string_equal(find_type(r, CC_EVENT_CONTACT_BLOCKED, 0)->queue, "Q2");
    rep = kpi_of(r);
    assert_int_equal(queue_figures(rep, "Q1")->overflowed, 1);
    assert_int_equal(queue_figures(rep, "Q2")->blocked, 1);
    assert_int_equal(rep->totals.offered, 1);
    assert_int_equal(rep->totals.blocked, 0);
    cc_kpi_report_free(rep);
    cc_import_free(imp);
    free(r);
}

/* ---- CSV ------------------------------------------------------------------- */

static void csv_with_column_map(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import_csv_map map = {0};
    map.start = "Call Start";
    map.queue = "Skill";
    map.wait_s = "Queue Secs";
    cc_import_options o = CC_IMPORT_OPTIONS_INIT;
    o.format = "csv";
    o.csv_delimiter = ';';
    o.csv_map = &map;
    cc_import *imp = NULL;
    assert_int_equal(cc_import_new(&imp, &o), CC_OK);
    feed(imp, "calls.csv",
         "contact_id;customer_id;Skill;agent;channel;Call Start;Queue Secs;talk_s;hold_s;wrap_s;"
         "outcome;reason;transferred\n"
         "a1;42;\"Sales; EU\";ann;voice;2024-03-01 09:00:00;12;100;20;30;answered;billing;yes\n"
         "a2;0;Sales;;chat;1709283600;40;;;;;\"say \"\"hi\"\"\";\n"
         "a3;;Sales;;;2024-03-01T09:05:00Z;0;;;;blocked;;\n"
         "a4;;Sales;;;2024-03-01 09:06:00;90;;;;left;;\n"
         "a5;;Sales;;fax;2024-03-01 09:07:00;1;;;;;;\n"
         "a6;;Sales;;;yesterday;1;;;;;;\n"
         "a7;;Sales;;;2024-02-30 09:07:00;1;;;;;;\n"
         "a8;;Sales;bob;;2024-03-01 09:08:00;x;;;;;;\n"
         "a9;;Sales;bob;;2024-03-01 09:09:00;1;;;;lost;;\n"
         "a10;;\"Sales;x\n",
         7, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_read, 11);
    assert_int_equal(st->lines_rejected, 6);
    assert_int_equal(st->errors[0].line, 6);
    assert_non_null(strstr(st->errors[0].message, "channel"));
    assert_int_equal(st->errors[5].line, 11);

    const seen_event *a = find_type(r, CC_EVENT_CONTACT_ARRIVED, 0);
    assert_string_equal(a->queue, "Sales; EU");
    assert_string_equal(a->reason, "billing");
    assert_int_equal(a->ev.customer_id, 42);
    assert_int_equal(a->ev.time_ms, S(1709283600)); /* 2024-03-01 09:00:00 UTC */
    const seen_event *c = find_type(r, CC_EVENT_CONTACT_CONNECTED, 0);
    assert_int_equal(c->ev.wait_ms, S(12));
    assert_string_equal(c->agent, "ann");
    const seen_event *e = find_type(r, CC_EVENT_CONTACT_ENDED, 0);
    assert_int_equal(e->ev.duration_ms, S(120));
    assert_int_equal(e->ev.hold_ms, S(20));
    assert_int_equal(e->ev.time_ms, S(1709283600 + 12 + 120));
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_TRANSFERRED), 1);
    assert_int_equal(find_type(r, CC_EVENT_AGENT_WRAPUP_END, 0)->ev.duration_ms, S(30));
    /* Row 2: no agent, no outcome -> abandoned; chat; quoted reason. */
    const seen_event *a2 = find_type(r, CC_EVENT_CONTACT_ARRIVED, 1);
    assert_int_equal(a2->ev.channel, CC_CHANNEL_CHAT);
    assert_int_equal(a2->ev.customer_id, 0);
    assert_string_equal(a2->reason, "say \"hi\"");
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_ABANDONED, 0)->ev.wait_ms, S(40));
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_BLOCKED), 1);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_LEFT), 1);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 4);
    cc_import_free(imp);
    free(r);
}

/* A blocked row's reason column is the contact's reason (Pareto, on the
 * ARRIVED); the BLOCKED event's reason says why the queue refused, which a
 * call record does not say (docs/kpi.md), so it stays empty. */
static void csv_blocked_row_reason_is_the_contacts_not_the_refusal(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("csv");
    feed(imp, "calls.csv",
         "contact_id,queue,start,outcome,reason\n"
         "b1,Sales,1709283600,blocked,billing\n",
         0, record, r);
    assert_string_equal(find_type(r, CC_EVENT_CONTACT_ARRIVED, 0)->reason, "billing");
    assert_string_equal(find_type(r, CC_EVENT_CONTACT_BLOCKED, 0)->reason, "");
    cc_kpi *k = NULL;
    assert_int_equal(cc_kpi_new(&k, NULL), CC_OK);
    for (int i = 0; i < r->n; i++) assert_int_equal(cc_kpi_add(k, &r->e[i].ev), CC_OK);
    cc_kpi_flush(k);
    cc_kpi_report *rep = NULL;
    assert_int_equal(cc_kpi_report_new(k, &rep), CC_OK);
    assert_int_equal(rep->totals.blocked, 1);
    assert_int_equal(rep->n_reasons, 1);
    assert_string_equal(rep->reasons[0].reason, "billing");
    assert_int_equal(rep->reasons[0].contacts, 1);
    cc_kpi_report_free(rep);
    cc_kpi_free(k);
    cc_import_free(imp);
    free(r);
}

static void csv_needs_start_column(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("csv");
    feed(imp, "x.csv", "queue,agent\nsales,ann\n", 0, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_rejected, 2); /* neither line is a usable header */
    assert_non_null(strstr(st->errors[0].message, "'start'"));
    assert_int_equal(r->n, 0);
    cc_import_free(imp);
    free(r);
}

/* A quote that does not open its field (a hand-written `, "Sales, EU"`) is refused with
 * its line: read on, the comma inside the quotes would shift every later field and the
 * row would count under a queue named `"Sales`. */
static void csv_quote_inside_an_unquoted_field_is_rejected(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("csv");
    feed(imp, "q.csv",
         "start,agent,queue\n"
         "1000,ann, \"Sales, EU\"\n"
         "1000,ann,\"Sales, EU\"\n",
         0, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_rejected, 1);
    assert_int_equal(st->errors[0].line, 2);
    assert_non_null(strstr(st->errors[0].message, "quote inside an unquoted field"));
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 1);
    assert_string_equal(r->e[0].queue, "Sales, EU");
    cc_import_free(imp);
    free(r);
}

/* A row whose times the aggregator could not take (beyond +-1e15 ms, about
 * 31,700 years) is rejected whole by the importer with a clear reason: none
 * of its events is sent, so a row is never half counted. */
static void csv_rows_beyond_the_aggregator_range_are_rejected(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("csv");
    feed(imp, "huge.csv",
         "queue,agent,start,wait_s,talk_s,hold_s\n"
         "Q,A,1000,5,600000000000,600000000000\n" /* talk + hold: 1.2e15 ms */
         "Q,A,20000000000000,5,60,0\n"            /* start: 2e16 ms */
         "Q,A,900000000000,5,60,200000000000\n"   /* ends at 1.1e15 ms */
         "Q,A,2000,5,60,0\n",
         0, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_rejected, 3);
    assert_non_null(strstr(st->errors[0].message, "1e15 ms"));
    assert_int_equal(st->errors[0].line, 2);
    assert_int_equal(st->errors[1].line, 3);
    assert_int_equal(st->errors[2].line, 4);
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 1);
    cc_kpi *k = NULL;
    assert_int_equal(cc_kpi_new(&k, NULL), CC_OK);
    for (int i = 0; i < r->n; i++) assert_int_equal(cc_kpi_add(k, &r->e[i].ev), CC_OK);
    cc_kpi_free(k);
    cc_import_free(imp);

    /* A single field beyond the range says so (it is a number). */
    r->n = 0;
    imp = importer("csv");
    feed(imp, "huge.csv", "queue,start,wait_s\nQ,1000,2e12\n", 0, record, r);
    st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_rejected, 1);
    assert_non_null(strstr(st->errors[0].message, "'wait_s' is beyond"));
    cc_import_free(imp);
    imp = importer("queue_log");
    feed(imp, "queue_log",
         "1000|c1|Q|NONE|ENTERQUEUE||5|1\n"
         "1010|c1|Q|SIP/a|CONNECT|2000000000000|x|1\n",
         0, record, r);
    st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_rejected, 1);
    assert_non_null(strstr(st->errors[0].message, "holdtime (data field 1) is beyond"));
    cc_import_free(imp);
    free(r);
}

/* RINGNOANSWER's ring time is milliseconds, read as an integer of any size:
 * one beyond the aggregator's range (kpi_limits.h) is rejected with a
 * message, like every other field, instead of an event that cc_kpi_add then
 * refuses without a word in the import report. */
static void queue_log_ringtime_beyond_the_aggregator_range_is_rejected(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("queue_log");
    feed(imp, "queue_log",
         "1000|c1|Q|NONE|ENTERQUEUE||5|1\n"
         "1005|c1|Q|SIP/a|RINGNOANSWER|2000000000000000\n"
         "1006|c1|Q|SIP/b|RINGNOANSWER|1000000000000000\n"
         "1010|c1|Q|SIP/c|CONNECT|10|x|1\n",
         0, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_rejected, 1);
    assert_int_equal(st->errors[0].line, 2);
    assert_non_null(strstr(st->errors[0].message, "beyond"));
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_RING_TIMEOUT), 1);
    cc_kpi *k = NULL;
    assert_int_equal(cc_kpi_new(&k, NULL), CC_OK);
    for (int i = 0; i < r->n; i++) assert_int_equal(cc_kpi_add(k, &r->e[i].ev), CC_OK);
    cc_kpi_free(k);
    cc_import_free(imp);
    free(r);
}

/* Call-record exports are often split by month or agent, and a shell glob
 * gives the files in name order ("april" before "march"): the rows of an
 * import go to the sink as one stream in time order whatever the order of
 * the files and rows, as a live engine would send them. Customer 7 calls on
 * March 1 (60 s) and March 3, 09:00 (30 min), and again at 09:10 while that
 * call still talks; the files come in reverse and the second's rows too.
 * The March 3, 09:00 call repeats the March 1 one (within 7 days), and so
 * does 09:10 (March 1 is still the latest ended call then): two repeats of
 * three, the March 1 call followed by a repeat, the 09:00 one not. In file
 * order the later calls came first, so no call found an earlier one. */
static void csv_rows_go_out_in_time_order_whatever_the_file_order(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("csv");
    const char *header = "customer_id,queue,agent,start,wait_s,talk_s,outcome\n";
    char text[512];
    snprintf(text, sizeof text, "%s7,Q,,2024-03-03 09:10:00,10,,abandoned\n"
                                "7,Q,B,2024-03-03 09:00:00,0,1800,answered\n", header);
    assert_int_equal(cc_import_begin_file(imp, "march-03.csv", record, r), CC_OK);
    assert_int_equal(cc_import_feed(imp, text, strlen(text), record, r), CC_OK);
    snprintf(text, sizeof text, "%s7,Q,A,2024-03-01 09:00:00,0,60,answered\n", header);
    assert_int_equal(cc_import_begin_file(imp, "march-01.csv", record, r), CC_OK);
    assert_int_equal(cc_import_feed(imp, text, strlen(text), record, r), CC_OK);
    assert_int_equal(cc_import_finish(imp, record, r), CC_OK);
    assert_int_equal(cc_import_get_stats(imp)->lines_rejected, 0);
    assert_int_equal(r->n, 11);
    for (int i = 1; i < r->n; i++) assert_true(r->e[i].ev.time_ms >= r->e[i - 1].ev.time_ms);
    cc_kpi *k = NULL;
    assert_int_equal(cc_kpi_new(&k, NULL), CC_OK);
    for (int i = 0; i < r->n; i++) assert_int_equal(cc_kpi_add(k, &r->e[i].ev), CC_OK);
    cc_kpi_report *rep = NULL;
    assert_int_equal(cc_kpi_report_new(k, &rep), CC_OK);
    assert_int_equal(rep->totals.offered, 3);
    assert_int_equal(rep->totals.repeat_contacts, 2);
    assert_true(fabs(rep->totals.fcr - 0.5) < 1e-12);
    cc_kpi_report_free(rep);
    cc_kpi_free(k);
    cc_import_free(imp);
    free(r);
}

/* ---- Anonymous Bank -------------------------------------------------------- */

static const char bank[] =
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\t"
    "q_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n"
    /* served after 17 s in the queue, 54 s talk */
    "AA0101\t33118\t27997683\t2\tPS\t990101\t6:55:20\t6:55:26\t6\t6:55:26\t6:55:43\t17\tAGENT\t"
    "6:55:43\t6:56:37\t54\tMICHAL\n"
    /* abandoned from the queue after 153 s */
    "AA0101\t33116\t9664491\t2\tPS\t990101\t0:00:31\t0:00:36\t5\t0:00:36\t0:03:09\t153\tHANG\t"
    "0:00:00\t0:00:00\t0\tNO_SERVER\n"
    /* hung up in the VRU: skipped */
    "AA0101\t33117\t0\t0\tPS\t990101\t0:34:12\t0:34:23\t11\t0:00:00\t0:00:00\t0\tHANG\t"
    "0:00:00\t0:00:00\t0\tNO_SERVER\n"
    /* served without queueing (q_start 0:00:00), agent unknown */
    "AA0101\t38267\t0\t0\tPS\t990101\t21:21:25\t21:21:37\t12\t0:00:00\t0:00:00\t0\tAGENT\t"
    "21:21:36\t21:21:41\t5\tNO_SERVER\n"
    /* spaces instead of a TAB before type, and a VRU hang */
    "AA0108\t3364\t0\t0       TT\t990101\t2:17:57\t2:18:09\t12\t0:00:00\t0:00:00\t0\tHANG\t"
    "0:00:00\t0:00:00\t0\tNO_SERVER\n"
    /* leading space in type; crosses midnight; scientific customer id */
    "AA0209\t36347\t3.02E+11\t1\t TT\t990101\t23:58:52\t23:58:52\t0\t23:58:57\t0:00:44\t107\t"
    "AGENT\t0:00:44\t0:00:47\t3\tNO_SERVERAMA\n"
    "AA0101\t1\t0\t0\tPS\t990101\t1:00:00\t1:00:00\t0\t1:00:00\t1:00:10\t10\tPHANTOM\t"
    "0:00:00\t0:00:00\t0\tNO_SERVER\n"
    "AA0101\t2\t0\t0\tPS\t990101\t1:00:00\t1:00:00\t0\t1:00:00\t1:00:10\t10\tMAYBE\t"
    "0:00:00\t0:00:00\t0\tNO_SERVER\n"
    "AA0101\t3\t0\t0\tPS\t991301\t1:00:00\t1:00:00\t0\t1:00:00\t1:00:10\t10\tHANG\t"
    "0:00:00\t0:00:00\t0\tNO_SERVER\n"
    "AA0101\t4\t0\t0\tPS\t990101\t1:00:00\n";

static void anonymous_bank_quirks(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("anonymous-bank");
    feed(imp, "january.txt", bank, 100, record, r);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_read, 11);
    assert_int_equal(st->lines_rejected, 3); /* MAYBE, month 13, short line */
    assert_int_equal(st->lines_skipped, 4);  /* header, 2 VRU hangs, PHANTOM */
    assert_int_equal(st->errors[0].line, 9);
    assert_int_equal(st->errors[1].line, 10);
    assert_int_equal(st->errors[2].line, 11);
    /* Four calls, sent in time order (the abandon at 0:00:36 first). */
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 4);
    int64_t day = S(915148800); /* 1999-01-01 00:00:00 UTC */
    const seen_event *first = find_type(r, CC_EVENT_CONTACT_ARRIVED, 0);
    assert_int_equal(first->ev.time_ms, day + S(36));
    assert_int_equal(first->ev.customer_id, 9664491);
    assert_string_equal(first->queue, "PS");
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_ABANDONED, 0)->ev.wait_ms, S(153));
    const seen_event *c = find_type(r, CC_EVENT_CONTACT_CONNECTED, 0);
    assert_int_equal(c->ev.time_ms, day + S(6 * 3600 + 55 * 60 + 26 + 17));
    assert_int_equal(c->ev.wait_ms, S(17));
    assert_string_equal(c->agent, "MICHAL");
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_ENDED, 0)->ev.duration_ms, S(54));
    const seen_event *vru_served = find_type(r, CC_EVENT_CONTACT_CONNECTED, 1);
    assert_string_equal(vru_served->agent, ""); /* NO_SERVER: unknown agent */
    assert_int_equal(vru_served->ev.time_ms, day + S(21 * 3600 + 21 * 60 + 37));
    const seen_event *late = find_type(r, CC_EVENT_CONTACT_ARRIVED, 3);
    assert_string_equal(late->queue, "TT"); /* the leading space is gone */
    assert_int_equal(late->ev.customer_id, 0); /* 3.02E+11: rounded, unknown */
    const seen_event *late_end = find_type(r, CC_EVENT_CONTACT_ENDED, 2);
    assert_string_equal(late_end->agent, "NO_SERVERAMA");
    assert_int_equal(late_end->ev.time_ms, day + S(23 * 3600 + 58 * 60 + 57 + 107 + 3));
    cc_import_free(imp);
    free(r);
}

/* A customer id that a spreadsheet wrote in scientific notation with fewer
 * digits than the number ("3.27E+11", 3 of 12) names no one customer: every
 * 327xxxxxxxxx became it, so different callers looked like one and made false
 * repeats. Such ids are unknown customers; one written in full ("4.2E+1")
 * is still the number. */
static void anonymous_bank_rounded_scientific_ids_are_unknown_customers(void **state)
{
    (void)state;
    static const char rounded[] =
        "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\t"
        "q_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n"
        "AA0101\t1\t3.27E+11\t2\tPS\t990101\t10:00:00\t10:00:05\t5\t10:00:05\t10:00:15\t10\t"
        "AGENT\t10:00:15\t10:01:15\t60\tMICHAL\n"
        "AA0101\t2\t3.27E+11\t2\tPS\t990102\t10:00:00\t10:00:05\t5\t10:00:05\t10:00:15\t10\t"
        "AGENT\t10:00:15\t10:01:15\t60\tMICHAL\n"
        "AA0101\t3\t4.2E+1\t2\tPS\t990103\t10:00:00\t10:00:05\t5\t10:00:05\t10:00:15\t10\t"
        "AGENT\t10:00:15\t10:01:15\t60\tMICHAL\n"
        "AA0101\t4\t42\t2\tPS\t990104\t10:00:00\t10:00:05\t5\t10:00:05\t10:00:15\t10\t"
        "AGENT\t10:00:15\t10:01:15\t60\tMICHAL\n";
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("anonymous-bank");
    feed(imp, "rounded.txt", rounded, 0, record, r);
    assert_int_equal(cc_import_get_stats(imp)->lines_rejected, 0);
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_ARRIVED, 0)->ev.customer_id, 0);
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_ARRIVED, 1)->ev.customer_id, 0);
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_ARRIVED, 2)->ev.customer_id, 42);
    cc_kpi_report *rep = kpi_of(r);
    assert_int_equal(rep->totals.offered, 4);
    assert_int_equal(rep->totals.repeat_contacts, 1); /* 42 again, not 3.27E+11 */
    assert_true(fabs(rep->totals.repeat_rate - 1.0 / 2) < 1e-12);
    cc_kpi_report_free(rep);
    cc_import_free(imp);
    free(r);
}

/* The calls of the file go to the sink as one stream in time order, like a
 * live engine's and a queue_log's: a call's answer and end come when their
 * time does, after the arrivals before them, not with the call's arrival.
 * One customer: call C (10:00:00, 60 s talk), call A on a second line while
 * C is still talking (10:00:30, 30 min talk), call B at 10:10:00 while A
 * still talks, abandoned after 10 s. When B arrives, C is the customer's
 * latest ended contact, 9 minutes earlier: B is a repeat of C (KPI.md: the
 * same customer again within W after a contact ended). Sending A's end
 * (10:30:30) before B's arrival made A the latest-ending contact, ending
 * after B arrived, so B was no repeat and C's FCR was 100 %. */
static void anonymous_bank_events_go_out_in_time_order(void **state)
{
    (void)state;
    static const char calls[] =
        "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\t"
        "vru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n"
        "AA0101\t1\t4242\t1\tPS\t990101\t9:59:55\t10:00:00\t5\t10:00:00\t10:00:00\t0\tAGENT\t"
        "10:00:00\t10:01:00\t60\tDORIT\n"
        "AA0102\t2\t4242\t1\tPS\t990101\t10:00:25\t10:00:30\t5\t10:00:30\t10:00:30\t0\tAGENT\t"
        "10:00:30\t10:30:30\t1800\tROTH\n"
        "AA0103\t3\t4242\t1\tPS\t990101\t10:09:55\t10:10:00\t5\t10:10:00\t10:10:10\t10\tHANG\t"
        "0:00:00\t0:00:00\t0\tNO_SERVER\n";
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("anonymous-bank");
    feed(imp, "january.txt", calls, 0, record, r);
    assert_int_equal(r->n, 11);
    for (int i = 1; i < r->n; i++) assert_true(r->e[i].ev.time_ms >= r->e[i - 1].ev.time_ms);
    cc_kpi *k = NULL;
    assert_int_equal(cc_kpi_new(&k, NULL), CC_OK);
    for (int i = 0; i < r->n; i++) assert_int_equal(cc_kpi_add(k, &r->e[i].ev), CC_OK);
    cc_kpi_report *rep = NULL;
    assert_int_equal(cc_kpi_report_new(k, &rep), CC_OK);
    assert_int_equal(rep->totals.repeat_contacts, 1); /* B */
    assert_true(fabs(rep->totals.repeat_rate - 1.0 / 3) < 1e-12);
    assert_true(fabs(rep->totals.fcr - 0.5) < 1e-12); /* C followed, A not */
    cc_kpi_report_free(rep);
    cc_kpi_free(k);
    cc_import_free(imp);
    free(r);
}

/* q_start 0:00:00 says "never queued", but it is also the clock time of a
 * call that reached the queue at midnight: then q_exit and q_time say it
 * waited (February 15, 1999 has one, served). Such a call is a queue
 * contact that entered at midnight, on the next day: an abandoned one was
 * skipped as a VRU hang-up, and a served one was put in the queue at its
 * vru_exit, 23:59:54 of the day before. */
static void anonymous_bank_call_queued_at_midnight(void **state)
{
    (void)state;
    static const char calls[] =
        "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\t"
        "vru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n"
        "AA0102\t31056\t15696776\t2\tPS\t990215\t23:59:54\t23:59:54\t0\t0:00:00\t0:00:27\t27\t"
        "AGENT\t0:00:26\t0:01:33\t67\tAVNI\n"
        "AA0103\t31057\t15696777\t2\tPS\t990215\t23:59:50\t0:00:00\t10\t0:00:00\t0:01:00\t60\t"
        "HANG\t0:00:00\t0:00:00\t0\tNO_SERVER\n";
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("anonymous-bank");
    feed(imp, "february.txt", calls, 0, record, r);
    assert_int_equal(cc_import_get_stats(imp)->lines_skipped, 1); /* the header only */
    assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 2);
    int64_t midnight = S(919123200); /* 1999-02-16 00:00:00 UTC */
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_ARRIVED, 0)->ev.time_ms, midnight);
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_ARRIVED, 1)->ev.time_ms, midnight);
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_CONNECTED, 0)->ev.wait_ms, S(27));
    assert_int_equal(find_type(r, CC_EVENT_CONTACT_ABANDONED, 0)->ev.wait_ms, S(60));
    cc_import_free(imp);
    free(r);
}

/* ---- byte order mark ------------------------------------------------------- */

#define BOM "\xEF\xBB\xBF"

/* Files saved by spreadsheets and Windows editors start with a UTF-8 byte
 * order mark: it is no part of the first field, in every text format and
 * whatever the chunking, for every input of an import. */
static void bom_is_stripped_in_every_text_format(void **state)
{
    (void)state;
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        recorder *r = calloc(1, sizeof *r);
        cc_import *imp = importer("csv");
        const char *csv = BOM "customer_id,queue,agent,start,wait_s,talk_s\r\n"
                              "7,Q,A,1000,5,60\r\n";
        feed(imp, "a.csv", csv, chunk, record, r);
        feed(imp, "b.csv", csv, chunk, record, r); /* the second input too */
        const cc_import_stats *st = cc_import_get_stats(imp);
        assert_int_equal(st->lines_rejected, 0);
        assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 2);
        assert_int_equal(find_type(r, CC_EVENT_CONTACT_ARRIVED, 0)->ev.customer_id, 7);
        assert_int_equal(find_type(r, CC_EVENT_CONTACT_ARRIVED, 1)->ev.customer_id, 7);
        cc_import_free(imp);

        r->n = 0;
        imp = importer("queue_log");
        feed(imp, "queue_log",
             BOM "1000|NONE|NONE|Agent/1|AGENTLOGIN|SIP/1\n"
                 "1100|c1|Q|NONE|ENTERQUEUE||555|1\n",
             chunk, record, r);
        st = cc_import_get_stats(imp);
        assert_int_equal(st->lines_rejected, 0);
        assert_int_equal(count_type(r, CC_EVENT_AGENT_LOGIN), 1);
        cc_import_free(imp);

        r->n = 0;
        imp = importer("anonymous-bank");
        char *text = malloc(sizeof bank + 3);
        snprintf(text, sizeof bank + 3, BOM "%s", bank);
        feed(imp, "january.txt", text, chunk, record, r);
        st = cc_import_get_stats(imp);
        assert_int_equal(st->lines_rejected, 3); /* as without the mark */
        assert_int_equal(st->lines_skipped, 4);  /* the header is still a header */
        assert_int_equal(count_type(r, CC_EVENT_CONTACT_ARRIVED), 4);
        free(text);
        cc_import_free(imp);
        free(r);
    }
    /* Only at the start of an input: elsewhere the bytes are data. */
    recorder *r = calloc(1, sizeof *r);
    cc_import *imp = importer("queue_log");
    feed(imp, "queue_log",
         "1000|NONE|NONE|Agent/1|AGENTLOGIN|SIP/1\n" BOM "1100|c1|Q|NONE|ENTERQUEUE||5|1\n", 0,
         record, r);
    assert_int_equal(cc_import_get_stats(imp)->lines_rejected, 1);
    cc_import_free(imp);
    free(r);
}

/* ---- API contracts ---------------------------------------------------------- */

static void api_contracts(void **state)
{
    (void)state;
    const char *const *names = cc_import_formats();
    assert_string_equal(names[0], "queue_log");
    assert_string_equal(names[1], "csv");
    assert_string_equal(names[2], "anonymous-bank");
    cc_import *imp = NULL;
    cc_import_options o = CC_IMPORT_OPTIONS_INIT;
    for (int i = 0; names[i]; i++) { /* every listed format can be made */
        o.format = names[i];
        assert_int_equal(cc_import_new(&imp, &o), CC_OK);
        cc_import_free(imp);
        imp = NULL;
    }
    o.format = "journal-v9";
    assert_int_equal(cc_import_new(&imp, &o), CC_EINVAL);
    assert_non_null(strstr(cc_error_last(), "journal-v9"));
    o.version = 7;
    assert_int_equal(cc_import_new(&imp, &o), CC_EVERSION);
    o = (cc_import_options)CC_IMPORT_OPTIONS_INIT;
    o.format = "csv";
    o.csv_delimiter = '"';
    assert_int_equal(cc_import_new(&imp, &o), CC_EINVAL);
    imp = importer("queue_log");
    assert_int_equal(cc_import_file(imp, "/nonexistent/queue_log", record, NULL), CC_EIO);
    assert_non_null(strstr(cc_error_last(), "/nonexistent/queue_log"));
    cc_import_free(imp);
    cc_import_free(NULL);
}

static int alloc_scenario(void *ctx)
{
    const char *format = ctx;
    cc_import_options o = CC_IMPORT_OPTIONS_INIT;
    o.format = format;
    cc_import *imp = NULL;
    cc_status st = cc_import_new(&imp, &o);
    if (st == CC_ENOMEM) return 0;
    if (st != CC_OK) return 1;
    const char *text = strcmp(format, "queue_log") == 0 ? queue_log
                       : strcmp(format, "anonymous-bank") == 0
                           ? bank
                           : "start,queue,agent,wait_s,talk_s,reason\n"
                             "1700000000,a,ann,3,40,x\n1700000100,b,,9,,\"y\"\nbad\n";
    recorder *r = malloc(sizeof *r);
    r->n = 0;
    size_t len = strlen(text);
    st = cc_import_begin_file(imp, "in", record, r);
    for (size_t at = 0; st == CC_OK && at < len; at += 50)
        st = cc_import_feed(imp, text + at, len - at < 50 ? len - at : 50, record, r);
    if (st == CC_OK || st == CC_ENOMEM) st = cc_import_finish(imp, record, r);
    free(r);
    cc_import_free(imp);
    return st == CC_OK || st == CC_ENOMEM ? 0 : 1;
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    assert_true(cc_test_alloc_sweep(alloc_scenario, (void *)"queue_log") > 10);
    assert_true(cc_test_alloc_sweep(alloc_scenario, (void *)"csv") > 5);
    assert_true(cc_test_alloc_sweep(alloc_scenario, (void *)"anonymous-bank") > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queue_log_every_event),
        cmocka_unit_test(queue_log_any_chunking_same_events),
        cmocka_unit_test(queue_log_malformed_lines),
        cmocka_unit_test(max_errors_is_a_limit_not_an_allocation),
        cmocka_unit_test(queue_log_call_moving_between_queues_is_one_contact),
        cmocka_unit_test(queue_log_transfer_out_ends_the_contact),
        cmocka_unit_test(queue_log_lines_of_a_call_never_seen_entering_are_skipped),
        cmocka_unit_test(queue_log_new_call_ends_only_its_callers_held_calls),
        cmocka_unit_test(queue_log_blocked_calls),
        cmocka_unit_test(csv_with_column_map),
        cmocka_unit_test(csv_blocked_row_reason_is_the_contacts_not_the_refusal),
        cmocka_unit_test(csv_rows_go_out_in_time_order_whatever_the_file_order),
        cmocka_unit_test(csv_needs_start_column),
        cmocka_unit_test(csv_quote_inside_an_unquoted_field_is_rejected),
        cmocka_unit_test(csv_rows_beyond_the_aggregator_range_are_rejected),
        cmocka_unit_test(queue_log_ringtime_beyond_the_aggregator_range_is_rejected),
        cmocka_unit_test(anonymous_bank_quirks),
        cmocka_unit_test(anonymous_bank_rounded_scientific_ids_are_unknown_customers),
        cmocka_unit_test(anonymous_bank_events_go_out_in_time_order),
        cmocka_unit_test(anonymous_bank_call_queued_at_midnight),
        cmocka_unit_test(bom_is_stripped_in_every_text_format),
        cmocka_unit_test(api_contracts),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
