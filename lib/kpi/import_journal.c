/*
 * lib/kpi/import_journal.c - the "journal" importer: the events of a
 * libcallcore journal segment (journal-*.ccj, written by the runtime) as a
 * cc_event stream (import_format.h, journal_record.h).
 *
 * Input comes in chunks of any size: bytes are kept until a whole record is
 * there (the buffer grows to the largest record, amortised O(1) per byte) and
 * consumed records are dropped from its front. EVENT records become events;
 * COMMAND, ADVANCE and SNAPSHOT records carry no contact and are skipped.
 * A torn final record (a crash mid-write) is reported once and ignored; a
 * record whose checksum does not match ends the file (nothing after it can
 * be trusted to be framed right), also reported.
 */
#include "import_format.h"

#include "base/mem.h"
#include "journal_event.h"
#include "journal_record.h"

#include <msgpack.h>
#include <string.h>

typedef struct cc__jimport {
    unsigned char *buf;
    size_t len, cap, off; /* unread bytes are buf[off..len) */
    uint64_t offset;      /* file offset of buf[off], for messages */
    int magic_seen, stopped;
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
    s->len = s->off = 0;
    s->offset = 0;
    s->magic_seen = s->stopped = 0;
}

static void cc__jimport_record(cc_import *imp, cc__jimport *s, const unsigned char *p, size_t n)
{
    msgpack_zone_clear(&s->zone);
    msgpack_object root;
    size_t used = 0;
    msgpack_unpack_return r = msgpack_unpack((const char *)p, n, &used, &s->zone, &root);
    if (r == MSGPACK_UNPACK_NOMEM_ERROR) {
        cc__import_oom(imp);
        return;
    }
    if (r != MSGPACK_UNPACK_SUCCESS || root.type != MSGPACK_OBJECT_ARRAY ||
        root.via.array.size < 2 || root.via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
        cc__import_reject(imp, "journal record at offset %llu is not [kind, number, ...]",
                          (unsigned long long)s->offset);
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
    if (st != CC_OK) {
        cc__import_reject(imp, "journal record at offset %llu: %s", (unsigned long long)s->offset,
                          cc_error_last());
        return;
    }
    cc__import_emit(imp, &e);
}

static void cc__jimport_bytes(cc_import *imp, void *state, const unsigned char *data, size_t len)
{
    cc__jimport *s = state;
    if (s->stopped) return;
    if (s->off > 0 && s->off >= s->len / 2) { /* drop consumed bytes: O(unread) */
        memmove(s->buf, s->buf + s->off, s->len - s->off);
        s->len -= s->off;
        s->off = 0;
    }
    if (cc__grow((void **)&s->buf, &s->cap, s->len + len, 1) != 0) {
        cc__import_oom(imp);
        return;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    if (!s->magic_seen) {
        if (s->len - s->off < CC__JOURNAL_MAGIC_LEN) return;
        if (memcmp(s->buf + s->off, CC__JOURNAL_MAGIC, CC__JOURNAL_MAGIC_LEN) != 0) {
            cc__import_reject(imp, "not a libcallcore journal segment (journal-*.ccj)");
            s->stopped = 1;
            return;
        }
        s->magic_seen = 1;
        s->off += CC__JOURNAL_MAGIC_LEN;
        s->offset += CC__JOURNAL_MAGIC_LEN;
    }
    for (;;) {
        const unsigned char *payload;
        size_t plen, used;
        cc__jscan r = cc__journal_next(s->buf + s->off, s->len - s->off, &payload, &plen, &used);
        if (r == CC__JSCAN_END || r == CC__JSCAN_MORE) return;
        if (r == CC__JSCAN_TORN) {
            cc__import_reject(imp,
                              "journal record at offset %llu: bad length or checksum; "
                              "the rest of the file is ignored",
                              (unsigned long long)s->offset);
            s->stopped = 1;
            return;
        }
        cc__jimport_record(imp, s, payload, plen);
        s->off += used;
        s->offset += used;
    }
}

static void cc__jimport_end(cc_import *imp, void *state)
{
    cc__jimport *s = state;
    if (!s->stopped && !s->magic_seen && s->len > 0)
        cc__import_reject(imp, "not a libcallcore journal segment (journal-*.ccj)");
    else if (!s->stopped && s->len > s->off)
        cc__import_reject(imp, "torn final record at offset %llu (%zu bytes) ignored",
                          (unsigned long long)s->offset, s->len - s->off);
    s->len = s->off = 0;
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
