/*
 * lib/kpi/import_journal.c - the "journal" importer: the events of a
 * libcallcore journal segment (journal-*.ccj, written by the runtime) as a
 * cc_event stream (import_format.h, journal_record.h).
 *
 * Input comes in chunks of any size: bytes are kept until a whole record is
 * there (the buffer grows to the largest record, amortised O(1) per byte) and
 * consumed records are dropped from its front. EVENT records become events;
 * COMMAND, ADVANCE and SNAPSHOT records carry no contact and are skipped.
 *
 * Steps, as recovery has them (lib/runtime/journal_read.c): a STEP record
 * [5, n, count] and the `count` records after it (the step's input and its
 * events) are one unit. Their events are emitted only once the whole step is
 * in the input; until then the step's bytes are held, not decoded (events
 * borrow their strings from the zone, cleared per record), so memory is
 * bounded by the largest step plus one chunk, and each record is framed
 * (its checksum computed) twice: O(bytes). A step that the end of the file,
 * or a bad record, leaves incomplete is not emitted and is reported once:
 * recovery cuts it, so its events never happened for the recovered server.
 * Records outside any step (journals written before steps) are emitted as
 * they come.
 *
 * A bad record (a length of zero, over the limit or past the end of the
 * file, or a checksum mismatch) ends what is read of the file. Whether it is
 * a torn tail or damage is recovery's rule, cc__valid_record_after
 * (journal_record.h): damage when a valid record starts anywhere after it
 * in the file. The importer cannot look ahead, so after a bad record it keeps
 * only the bytes that could still start a valid record, scanning them as
 * they come (cc__valid_record_scan: O(bytes), at most one record held); it
 * reports damage as soon as such a record is found, a torn tail at the end
 * of the file if none was.
 */
#include "import_format.h"

#include "base/mem.h"
#include "journal_event.h"
#include "journal_record.h"
#include "kpi_limits.h"

#include <msgpack.h>
#include <string.h>

typedef struct cc__jimport {
    unsigned char *buf;
    size_t len, cap; /* bytes held are buf[0..len) */
    size_t off;      /* bytes before buf[off] are no longer needed */
    size_t scan;     /* the next record to frame starts at buf[scan] */
    uint64_t base;   /* file offset of buf[0] */
    int magic_seen, stopped;
    int seen;         /* a record was framed: last_no is its number */
    uint64_t last_no; /* (for the damage check, as recovery has it) */
    int bad;          /* a bad record was met at file offset bad_at; */
    uint64_t bad_at;  /* buf[check..len) may still start a valid record */
    size_t check;
    int in_step;         /* a step is open: its STEP record is at file */
    uint64_t step_at;    /* offset step_at (held from there on), it */
    uint64_t step_count; /* announced step_count records and step_got */
    uint64_t step_got;   /* of them were framed */
    msgpack_zone zone;
    int zone_ok;
} cc__jimport;

static cc_status cc__jimport_init(cc_import *imp, void *state, const cc_import_options *o)
{
    (void)imp;
    (void)o;
    cc__jimport *s = state;
    s->zone_ok = msgpack_zone_init(&s->zone, 4096);
    return s->zone_ok ? CC_OK : cc__fail(CC_ENOMEM, "journal import: out of memory");
}

static void cc__jimport_destroy(void *state)
{
    cc__jimport *s = state;
    cc__free(s->buf);
    if (s->zone_ok) msgpack_zone_destroy(&s->zone);
}

static void cc__jimport_begin(cc_import *imp, void *state)
{
    (void)imp;
    cc__jimport *s = state;
    s->len = s->off = s->scan = s->check = 0;
    s->base = 0;
    s->magic_seen = s->stopped = s->seen = s->bad = s->in_step = 0;
    s->last_no = s->bad_at = s->step_at = s->step_count = s->step_got = 0;
}

/* Decodes payload p[0..n) into root (borrowing the importer's zone): 0, 1
 * when it is not msgpack, -1 when out of memory (reported). */
static int cc__jimport_unpack(cc_import *imp, cc__jimport *s, const unsigned char *p, size_t n,
                              msgpack_object *root, size_t *used)
{
    msgpack_zone_clear(&s->zone);
    *used = 0;
    msgpack_unpack_return r = msgpack_unpack((const char *)p, n, used, &s->zone, root);
    if (r == MSGPACK_UNPACK_NOMEM_ERROR) {
        cc__import_oom(imp);
        return -1;
    }
    return r == MSGPACK_UNPACK_SUCCESS ? 0 : 1;
}

/* Decodes one checked record (at file offset `at`) and emits, skips or
 * rejects it. */
static void cc__jimport_record(cc_import *imp, cc__jimport *s, const unsigned char *p, size_t n,
                               uint64_t at)
{
    msgpack_object root;
    size_t used;
    int r = cc__jimport_unpack(imp, s, p, n, &root, &used);
    if (r < 0) return;
    if (r > 0 || root.type != MSGPACK_OBJECT_ARRAY ||
        root.via.array.size < 2 || root.via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
        cc__import_reject(imp, "journal record at offset %llu is not [kind, number, ...]",
                          (unsigned long long)at);
        return;
    }
    if (root.via.array.ptr[0].via.u64 != CC__JREC_EVENT) {
        cc__import_skip(imp);
        return;
    }
    cc_event e;
    cc_status st =
        cc__event_unpack_fields(root.via.array.ptr + 2, root.via.array.size - 2, &s->zone, &e);
    if (st == CC_ENOMEM) {
        cc__import_oom(imp);
        return;
    }
    /* An event the aggregator would refuse (a time beyond its range, say) is rejected here
     * with its reason and offset, as the other importers reject their lines. */
    if (st == CC_OK) st = cc__kpi_validate(&e);
    if (st != CC_OK) {
        cc__import_reject(imp, "journal record at offset %llu: %s", (unsigned long long)at,
                          cc_error_last());
        return;
    }
    cc__import_emit(imp, &e);
}

/* The count of a STEP record [5, n, count >= 1], or 0 when it is not one. */
static uint64_t cc__jimport_step_count(cc_import *imp, cc__jimport *s, const unsigned char *p,
                                       size_t n)
{
    msgpack_object root;
    size_t used;
    uint64_t count;
    if (cc__jimport_unpack(imp, s, p, n, &root, &used) != 0 || used != n ||
        !cc__journal_step_count(&root, &count))
        return 0;
    return count;
}

/* The open step is whole (buf[step..scan)): its STEP record is skipped and
 * its records decoded and emitted, one at a time. O(the step's bytes). */
static void cc__jimport_release_step(cc_import *imp, cc__jimport *s)
{
    size_t pos = (size_t)(s->step_at - s->base);
    int first = 1;
    while (pos < s->scan) {
        const unsigned char *payload;
        size_t plen, used;
        /* Checked when it was framed: a record. */
        (void)cc__journal_next(s->buf + pos, s->scan - pos, &payload, &plen, &used);
        if (first)
            cc__import_skip(imp); /* the STEP record */
        else
            cc__jimport_record(imp, s, payload, plen, s->base + pos);
        first = 0;
        pos += used;
    }
    s->in_step = 0;
    s->off = s->scan;
}

static void cc__jimport_damaged(cc_import *imp, cc__jimport *s)
{
    if (s->in_step)
        cc__import_reject(imp,
                          "journal damaged at offset %llu: bad length or checksum, with a "
                          "valid record after it; the rest of the file, from the step at "
                          "offset %llu on, is ignored",
                          (unsigned long long)s->bad_at, (unsigned long long)s->step_at);
    else
        cc__import_reject(imp,
                          "journal damaged at offset %llu: bad length or checksum, with a "
                          "valid record after it; the rest of the file is ignored",
                          (unsigned long long)s->bad_at);
    s->stopped = 1;
}

/* After a bad record: rules out the starts of buf[check..len) that cannot
 * begin a valid record, and reports damage when one does (final: the file
 * ends at buf[len]). 1 when damage was found. */
static int cc__jimport_check(cc_import *imp, cc__jimport *s, int final)
{
    size_t undecided = 0;
    if (cc__valid_record_scan(s->buf + s->check, s->len - s->check, 0,
                              s->base + s->check - s->bad_at, CC__JOURNAL_MAX_RECORD, s->seen,
                              s->last_no, final, &undecided)) {
        cc__jimport_damaged(imp, s);
        return 1;
    }
    s->check += undecided;
    s->off = s->check;
    return 0;
}

/* A bad record at buf[scan]: nothing after it is read (an open step stays
 * incomplete); whether it is damage or a torn tail is decided as bytes come. */
static void cc__jimport_bad(cc__jimport *s)
{
    s->bad = 1;
    s->bad_at = s->base + s->scan;
    s->check = s->scan + 1;
}

/* Frames the records of buf[scan..len). O(bytes framed). */
static void cc__jimport_records(cc_import *imp, cc__jimport *s)
{
    for (;;) {
        const unsigned char *payload;
        size_t plen, used;
        cc__jscan r = cc__journal_next(s->buf + s->scan, s->len - s->scan, &payload, &plen, &used);
        if (r == CC__JSCAN_END || r == CC__JSCAN_MORE) return;
        if (r == CC__JSCAN_TORN) {
            cc__jimport_bad(s);
            return;
        }
        uint64_t at = s->base + s->scan, kind = 0, no;
        int head = cc__journal_record_head(payload, plen, &kind, &no);
        if (head) {
            s->seen = 1;
            s->last_no = no;
        }
        s->scan += used;
        if (head && kind == CC__JREC_STEP) {
            if (s->in_step) {
                cc__import_reject(imp,
                                  "journal step record at offset %llu inside the step at "
                                  "offset %llu; that step (%llu of %llu records) is ignored",
                                  (unsigned long long)at, (unsigned long long)s->step_at,
                                  (unsigned long long)s->step_got,
                                  (unsigned long long)s->step_count);
                s->in_step = 0;
            }
            uint64_t count = cc__jimport_step_count(imp, s, payload, plen);
            if (count) {
                s->in_step = 1;
                s->step_at = at;
                s->step_count = count;
                s->step_got = 0;
            } else {
                cc__import_reject(imp,
                                  "journal step record at offset %llu is not [5, n, count >= 1]",
                                  (unsigned long long)at);
                s->off = s->scan;
            }
        } else if (s->in_step) {
            if (++s->step_got == s->step_count) cc__jimport_release_step(imp, s);
        } else {
            cc__jimport_record(imp, s, payload, plen, at);
            s->off = s->scan;
        }
    }
}

static void cc__jimport_bytes(cc_import *imp, void *state, const unsigned char *data, size_t len)
{
    cc__jimport *s = state;
    if (s->stopped) return;
    if (s->off > 0 && s->off >= s->len / 2) { /* drop what is not needed: O(held) */
        memmove(s->buf, s->buf + s->off, s->len - s->off);
        s->len -= s->off;
        s->scan = s->scan > s->off ? s->scan - s->off : 0; /* (after a bad record) */
        s->check = s->check > s->off ? s->check - s->off : 0;
        s->base += s->off;
        s->off = 0;
    }
    if (cc__grow((void **)&s->buf, &s->cap, s->len + len, 1) != 0) {
        cc__import_oom(imp);
        return;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    if (!s->magic_seen) {
        if (s->len < CC__JOURNAL_MAGIC_LEN) return;
        if (memcmp(s->buf, CC__JOURNAL_MAGIC, CC__JOURNAL_MAGIC_LEN) != 0) {
            cc__import_reject(imp, "not a libcallcore journal segment (journal-*.ccj)");
            s->stopped = 1;
            return;
        }
        s->magic_seen = 1;
        s->off = s->scan = CC__JOURNAL_MAGIC_LEN;
    }
    if (!s->bad) cc__jimport_records(imp, s);
    if (s->bad) cc__jimport_check(imp, s, 0);
}

static void cc__jimport_end(cc_import *imp, void *state)
{
    cc__jimport *s = state;
    if (s->stopped) {
        /* reported already */
    } else if (!s->magic_seen) {
        if (s->len > 0) cc__import_reject(imp, "not a libcallcore journal segment (journal-*.ccj)");
    } else {
        /* A record cut short by the end of the file is a bad record too. */
        if (!s->bad && s->scan < s->len) cc__jimport_bad(s);
        if (s->bad && !cc__jimport_check(imp, s, 1))
            cc__import_reject(imp, "torn final record at offset %llu (%llu bytes) ignored",
                              (unsigned long long)s->bad_at,
                              (unsigned long long)(s->base + s->len - s->bad_at));
        if (!s->stopped && s->in_step)
            cc__import_reject(imp,
                              "incomplete final step at offset %llu (%llu of %llu records) "
                              "ignored, as recovery cuts it",
                              (unsigned long long)s->step_at, (unsigned long long)s->step_got,
                              (unsigned long long)s->step_count);
    }
    s->len = s->off = s->scan = s->check = 0;
    s->stopped = 1;
}

const cc__import_format cc__import_journal = {
    .name = "journal",
    .state_size = sizeof(cc__jimport),
    .init = cc__jimport_init,
    .destroy = cc__jimport_destroy,
    .bytes = cc__jimport_bytes,
    .begin_file = cc__jimport_begin,
    .end_file = cc__jimport_end,
};
