/*
 * tests/unit/test_journal.c - journal records: checksums, torn tails, reopen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/mem.h"
#include "callcore/import.h"
#include "kpi/journal_event.h"
#include "runtime/journal.h"
#include "kpi/journal_record.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct seen {
    uint64_t numbers[64];
    size_t n;
} seen;

static cc_status collect(const msgpack_object *root, void *ud)
{
    seen *s = ud;
    if (s->n < 64) s->numbers[s->n++] = root->via.array.ptr[1].via.u64;
    return CC_OK;
}

static void make_dir(char *dir, size_t n)
{
    snprintf(dir, n, "/tmp/cc-journal-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

/* A CONTACT_ARRIVED record of `contact` in "sales" at time_ms. */
static void append_event_at(cc__journal *j, uint64_t contact, int64_t time_ms)
{
    cc_event e = {0};
    e.type = CC_EVENT_CONTACT_ARRIVED;
    e.contact_id = contact;
    e.queue = "sales";
    e.channel = CC_CHANNEL_VOICE;
    e.time_ms = time_ms;
    msgpack_packer *pk = cc__journal_begin_record(j);
    msgpack_pack_array(pk, 2 + CC__EVENT_FIELDS);
    msgpack_pack_uint8(pk, CC__JREC_EVENT);
    msgpack_pack_uint64(pk, cc__journal_next_record(j));
    cc__event_pack_fields(pk, &e);
    cc__journal_end_record(j);
}

static void append_event(cc__journal *j, uint64_t contact)
{
    append_event_at(j, contact, 1000 + (int64_t)contact);
}

static void crc32c_matches_the_standard_check_value(void **state)
{
    (void)state;
    /* The CRC-32C check value of "123456789" (RFC 3720). */
    assert_int_equal(cc__crc32c(0, "123456789", 9), 0xE3069283u);
}

static void every_torn_tail_keeps_the_valid_prefix(void **state)
{
    (void)state;
    char dir[64], path[200];
    make_dir(dir, sizeof dir);
    cc__journal *j;
    assert_int_equal(cc__journal_open(&j, dir, NULL, 0, 1, CC_FSYNC_OFF), CC_OK);
    for (uint64_t i = 1; i <= 5; i++)
        append_event(j, i);
    assert_int_equal(cc__journal_commit(j, 0), CC_OK);
    cc__journal_close(j);
    snprintf(path, sizeof path, "%s/journal-%016x.ccj", dir, 1);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    size_t full = (size_t)sb.st_size;
    seen s = {{0}, 0};
    size_t valid, torn;
    assert_int_equal(cc__journal_read_file(path, collect, &s, &valid, &torn), CC_OK);
    assert_int_equal(s.n, 5);
    assert_int_equal(torn, 0);
    assert_int_equal(valid, full);
    size_t fourth_end = 0;
    /* Cut the file at every length inside the last record: 4 records remain. */
    unsigned char *data = malloc(full);
    FILE *f = fopen(path, "rb");
    assert_int_equal(fread(data, 1, full, f), full);
    fclose(f);
    for (size_t cut = full - 1;; cut--) {
        s.n = 0;
        cc__journal_read_buffer(data, cut, CC__JOURNAL_MAGIC_LEN, collect, &s, &valid, &torn);
        if (s.n < 4) break;
        assert_int_equal(s.n, 4);
        fourth_end = valid;
        assert_int_equal(valid + torn, cut);
    }
    /* A flipped bit in the last record's payload is caught by its checksum. */
    data[full - 3] ^= 0x10;
    s.n = 0;
    cc__journal_read_buffer(data, full, CC__JOURNAL_MAGIC_LEN, collect, &s, &valid, &torn);
    assert_int_equal(s.n, 4);
    assert_int_equal(valid, fourth_end);

    /* Reopening after a tear cuts it off and continues the numbering. */
    assert_int_equal(truncate(path, (off_t)(full - 2)), 0);
    s.n = 0;
    assert_int_equal(cc__journal_read_file(path, collect, &s, &valid, &torn), CC_OK);
    assert_int_equal(s.n, 4);
    assert_int_equal(cc__journal_open(&j, dir, path, valid, 5, CC_FSYNC_ALWAYS), CC_OK);
    append_event(j, 99);
    cc__journal_close(j);
    s.n = 0;
    assert_int_equal(cc__journal_read_file(path, collect, &s, &valid, &torn), CC_OK);
    assert_int_equal(s.n, 5);
    assert_int_equal(torn, 0);
    assert_int_equal(s.numbers[4], 5);
    free(data);
    unlink(path);
    rmdir(dir);
}

static void events_round_trip_through_a_record(void **state)
{
    (void)state;
    cc_event e = {0}, back;
    e.type = CC_EVENT_CONTACT_ENDED;
    e.flags = CC_EVENT_F_CONSULT;
    e.time_ms = -5;
    e.seq = 42;
    e.contact_id = 7;
    e.customer_id = 8;
    e.queue = "sales";
    e.agent = "ann";
    e.reason = "sold";
    e.channel = CC_CHANNEL_CHAT;
    e.priority = -2;
    e.duration_ms = 123456;
    e.hold_ms = 17;
    e.value = 4.5;
    cc__wbuf b = {0};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &b, cc__wbuf_write);
    msgpack_pack_array(&pk, CC__EVENT_FIELDS);
    cc__event_pack_fields(&pk, &e);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    msgpack_object o;
    size_t off = 0;
    assert_int_equal(msgpack_unpack(b.data, b.len, &off, &z, &o), MSGPACK_UNPACK_SUCCESS);
    assert_int_equal(cc__event_unpack_fields(o.via.array.ptr, o.via.array.size, &z, &back), CC_OK);
    assert_int_equal(back.type, e.type);
    assert_int_equal(back.flags, e.flags);
    assert_int_equal(back.time_ms, -5);
    assert_int_equal(back.seq, 42);
    assert_string_equal(back.queue, "sales");
    assert_string_equal(back.agent, "ann");
    assert_null(back.target_queue);
    assert_string_equal(back.reason, "sold");
    assert_int_equal(back.channel, CC_CHANNEL_CHAT);
    assert_int_equal(back.priority, -2);
    assert_int_equal(back.duration_ms, 123456);
    assert_true(back.value == 4.5);
    /* A short array is refused, not read past its end. */
    assert_int_equal(cc__event_unpack_fields(o.via.array.ptr, 5, &z, &back), CC_EPARSE);
    msgpack_zone_destroy(&z);
    cc__wbuf_free(&b);
}

typedef struct imported {
    int n;
    uint64_t contacts[16];
    int flags_imported;
} imported;

static void on_imported(const cc_event *e, void *ud)
{
    imported *im = ud;
    if (im->n < 16) im->contacts[im->n++] = e->contact_id;
    assert_int_equal(e->type, CC_EVENT_CONTACT_ARRIVED);
    assert_string_equal(e->queue, "sales");
    im->flags_imported += (e->flags & CC_EVENT_F_IMPORTED) != 0;
}

static void kpi_importer_reads_a_segment_in_any_chunking(void **state)
{
    (void)state;
    char dir[64], path[200];
    make_dir(dir, sizeof dir);
    cc__journal *j;
    assert_int_equal(cc__journal_open(&j, dir, NULL, 0, 1, CC_FSYNC_OFF), CC_OK);
    for (uint64_t i = 1; i <= 4; i++)
        append_event(j, i);
    /* A command record: no contact, skipped by the importer. */
    msgpack_packer *pk = cc__journal_begin_record(j);
    msgpack_pack_array(pk, 3);
    msgpack_pack_uint8(pk, CC__JREC_ADVANCE);
    msgpack_pack_uint64(pk, cc__journal_next_record(j));
    msgpack_pack_int64(pk, 5000);
    cc__journal_end_record(j);
    cc__journal_close(j);
    snprintf(path, sizeof path, "%s/journal-%016x.ccj", dir, 1);
    FILE *f = fopen(path, "rb");
    unsigned char data[4096];
    size_t len = fread(data, 1, sizeof data, f);
    fclose(f);
    for (size_t chunk = 1; chunk <= len; chunk = chunk * 3 + 1) {
        cc_import_options o = CC_IMPORT_OPTIONS_INIT;
        o.format = "journal";
        cc_import *imp;
        assert_int_equal(cc_import_new(&imp, &o), CC_OK);
        imported im = {0, {0}, 0};
        /* Cut 3 bytes off the end: a torn final record, reported, not fatal. */
        size_t total = len - 3;
        for (size_t off = 0; off < total; off += chunk) {
            size_t n = total - off < chunk ? total - off : chunk;
            assert_int_equal(cc_import_feed(imp, data + off, n, on_imported, &im), CC_OK);
        }
        assert_int_equal(cc_import_end_file(imp, on_imported, &im), CC_OK);
        assert_int_equal(im.n, 4);
        assert_int_equal(im.flags_imported, 4);
        for (int i = 0; i < 4; i++)
            assert_int_equal(im.contacts[i], (uint64_t)i + 1);
        const cc_import_stats *st = cc_import_get_stats(imp);
        assert_int_equal(st->lines_rejected, 1); /* the torn record */
        cc_import_free(imp);
    }
    unlink(path);
    rmdir(dir);
}

/* An event the KPI aggregator would refuse (here a time beyond its +-1e15 ms) is rejected
 * by the importer with its reason and offset: sent on, the aggregator refused it with no
 * line to show for it. */
static void kpi_importer_rejects_an_event_beyond_the_kpi_range(void **state)
{
    (void)state;
    char dir[64], path[200];
    make_dir(dir, sizeof dir);
    cc__journal *j;
    assert_int_equal(cc__journal_open(&j, dir, NULL, 0, 1, CC_FSYNC_OFF), CC_OK);
    append_event(j, 1);
    append_event_at(j, 2, 2000000000000000LL); /* 2e15 ms */
    append_event(j, 3);
    cc__journal_close(j);
    snprintf(path, sizeof path, "%s/journal-%016x.ccj", dir, 1);
    cc_import_options o = CC_IMPORT_OPTIONS_INIT;
    o.format = "journal";
    cc_import *imp;
    assert_int_equal(cc_import_new(&imp, &o), CC_OK);
    imported im = {0, {0}, 0};
    assert_int_equal(cc_import_file(imp, path, on_imported, &im), CC_OK);
    assert_int_equal(im.n, 2);
    assert_int_equal(im.contacts[0], 1);
    assert_int_equal(im.contacts[1], 3);
    const cc_import_stats *st = cc_import_get_stats(imp);
    assert_int_equal(st->lines_rejected, 1);
    assert_non_null(strstr(st->errors[0].message, "1e15"));
    cc_import_free(imp);
    unlink(path);
    rmdir(dir);
}

static size_t file_size(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return (size_t)sb.st_size;
}

/* A write cut short by the disk (here: the file size limit) leaves at most a
 * torn record at the end of the segment. Nothing may follow it, or the next
 * recovery would find valid records after a bad one (damage) and refuse. */
static void nothing_is_written_after_a_failed_write(void **state)
{
    (void)state;
    char dir[64], path[200];
    make_dir(dir, sizeof dir);
    cc__journal *j;
    assert_int_equal(cc__journal_open(&j, dir, NULL, 0, 1, CC_FSYNC_OFF), CC_OK);
    snprintf(path, sizeof path, "%s/journal-%016x.ccj", dir, 1);
    for (uint64_t i = 1; i <= 3; i++)
        append_event(j, i);
    assert_int_equal(cc__journal_commit(j, 0), CC_OK);
    size_t good = file_size(path);

    struct rlimit saved, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    lim.rlim_cur = good + 20; /* the next write stops 20 bytes in */
    lim.rlim_max = saved.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    for (uint64_t i = 4; i <= 6; i++)
        append_event(j, i);
    cc_status failed = cc__journal_commit(j, 0);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(failed, CC_EIO);

    /* The disk is fine again, but the journal stays stopped. */
    append_event(j, 7);
    assert_int_equal(cc__journal_commit(j, 0), CC_EIO);
    cc__journal_close(j);
    assert_int_equal(file_size(path), good + 20);
    seen s = {{0}, 0};
    size_t valid, torn;
    assert_int_equal(cc__journal_read_file(path, collect, &s, &valid, &torn), CC_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(valid, good);
    assert_int_equal(torn, 20);
    unlink(path);
    rmdir(dir);
}

/* After a snapshot, records go to a new segment; if it cannot be created,
 * appending to the old one would put them where recovery (which starts at
 * the snapshot) never reads: the journal stops instead. */
static void a_failed_segment_switch_stops_the_journal(void **state)
{
    (void)state;
    char dir[64], path[200], blocker[200], snap[200];
    make_dir(dir, sizeof dir);
    cc__journal *j;
    assert_int_equal(cc__journal_open(&j, dir, NULL, 0, 1, CC_FSYNC_OFF), CC_OK);
    snprintf(path, sizeof path, "%s/journal-%016x.ccj", dir, 1);
    append_event(j, 1);
    append_event(j, 2);
    /* The snapshot takes number 3; its segment would be journal-...04.ccj. */
    snprintf(blocker, sizeof blocker, "%s/journal-%016x.ccj", dir, 4);
    snprintf(snap, sizeof snap, "%s/snapshot-%016x.ccs", dir, 3);
    assert_int_equal(mkdir(blocker, 0755), 0);
    assert_int_not_equal(cc__journal_snapshot(j, "blob", 4, 0, 0), CC_OK);
    append_event(j, 5);
    assert_int_equal(cc__journal_commit(j, 0), CC_EIO);
    cc__journal_close(j);
    seen s = {{0}, 0};
    size_t valid, torn;
    assert_int_equal(cc__journal_read_file(path, collect, &s, &valid, &torn), CC_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(torn, 0);
    rmdir(blocker);
    unlink(snap);
    unlink(path);
    rmdir(dir);
}

/* A segment of n event records (numbered 1..n) in memory: its bytes and the
 * offset where each record starts (starts[n] = the end). */
typedef struct segment_image {
    unsigned char *data;
    size_t len;
    size_t starts[17];
} segment_image;

static void segment_image_make(segment_image *img, size_t n)
{
    char dir[64], path[200];
    make_dir(dir, sizeof dir);
    cc__journal *j;
    assert_int_equal(cc__journal_open(&j, dir, NULL, 0, 1, CC_FSYNC_OFF), CC_OK);
    for (uint64_t i = 1; i <= n; i++)
        append_event(j, i);
    cc__journal_close(j);
    snprintf(path, sizeof path, "%s/journal-%016x.ccj", dir, 1);
    img->len = file_size(path);
    img->data = malloc(img->len + 8192);
    FILE *f = fopen(path, "rb");
    assert_int_equal(fread(img->data, 1, img->len, f), img->len);
    fclose(f);
    unlink(path);
    rmdir(dir);
    size_t pos = CC__JOURNAL_MAGIC_LEN;
    for (size_t i = 0; i <= n; i++) {
        img->starts[i] = pos;
        if (i < n) pos += CC__JOURNAL_HEADER + (img->data[pos] | (size_t)img->data[pos + 1] << 8);
    }
    assert_int_equal(pos, img->len);
}

/* Reads img's first len bytes: the status, and how many records were kept. */
static cc_status read_image(const segment_image *img, size_t len, size_t *kept, size_t *valid)
{
    seen s = {{0}, 0};
    size_t torn;
    cc_status st =
        cc__journal_read_buffer(img->data, len, CC__JOURNAL_MAGIC_LEN, collect, &s, valid, &torn);
    assert_int_equal(*valid + torn, len);
    *kept = s.n;
    return st;
}

/* Damage in the middle of a segment is refused, never cut: a flipped payload
 * byte, a length made too large, zero or larger than the rest of the file,
 * and a record repeated whole. The same bad record at the end, with nothing
 * valid after it (or only the zeros a torn write leaves), is a torn tail. */
static void damage_is_refused_and_only_a_torn_tail_is_cut(void **state)
{
    (void)state;
    segment_image img;
    segment_image_make(&img, 6);
    size_t kept, valid;
    const size_t third = img.starts[2], last = img.starts[5];
    unsigned char saved[8];

    img.data[third + CC__JOURNAL_HEADER + 3] ^= 0x40; /* a payload byte */
    assert_int_equal(read_image(&img, img.len, &kept, &valid), CC_EPARSE);
    assert_int_equal(kept, 0); /* nothing delivered from a damaged file */
    assert_non_null(strstr(cc_error_last(), "damaged record at offset"));
    img.data[third + CC__JOURNAL_HEADER + 3] ^= 0x40;

    static const uint32_t bad_lengths[] = {0, 5000, CC__JOURNAL_MAX_RECORD + 1};
    memcpy(saved, img.data + third, 4);
    for (size_t k = 0; k < 3; k++) {
        for (int b = 0; b < 4; b++)
            img.data[third + b] = (unsigned char)(bad_lengths[k] >> (8 * b));
        assert_int_equal(read_image(&img, img.len, &kept, &valid), CC_EPARSE);
    }
    memcpy(img.data + third, saved, 4);
    assert_int_equal(read_image(&img, img.len, &kept, &valid), CC_OK);
    assert_int_equal(kept, 6);

    /* The last record, bad in the same ways, is a torn tail: cut. */
    img.data[last + CC__JOURNAL_HEADER + 3] ^= 0x40;
    assert_int_equal(read_image(&img, img.len, &kept, &valid), CC_OK);
    assert_int_equal(kept, 5);
    assert_int_equal(valid, last);
    memset(img.data + img.len, 0, 8192); /* blocks allocated, never written */
    assert_int_equal(read_image(&img, img.len + 8192, &kept, &valid), CC_OK);
    assert_int_equal(kept, 5);
    img.data[last + CC__JOURNAL_HEADER + 3] ^= 0x40;
    for (int b = 0; b < 4; b++)
        img.data[last + b] = (unsigned char)(5000u >> (8 * b));
    assert_int_equal(read_image(&img, img.len, &kept, &valid), CC_OK);
    assert_int_equal(kept, 5);

    /* A record repeated whole (checksums fine): its number gives it away. */
    free(img.data);
    segment_image_make(&img, 3);
    size_t rec = img.starts[2] - img.starts[1];
    memmove(img.data + img.starts[2] + rec, img.data + img.starts[2], img.len - img.starts[2]);
    memcpy(img.data + img.starts[2], img.data + img.starts[1], rec);
    assert_int_equal(read_image(&img, img.len + rec, &kept, &valid), CC_EPARSE);
    assert_non_null(strstr(cc_error_last(), "numbered 2 after 2"));
    free(img.data);
}

/* A segment written by the journal: events 1 and 2 outside any step (as
 * journals before steps have them), then two steps of an ADVANCE and two
 * events each (3, 4 and 5, 6). starts[i]: where record i starts; records
 * are 0, 1 (events), 2 STEP, 3 ADVANCE, 4, 5 (events), 6 STEP, 7, 8, 9. */
typedef struct step_image {
    unsigned char data[4096];
    size_t len;
    size_t starts[11];
} step_image;

static void append_advance(cc__journal *j)
{
    msgpack_packer *pk = cc__journal_begin_record(j);
    msgpack_pack_array(pk, 3);
    msgpack_pack_uint8(pk, CC__JREC_ADVANCE);
    msgpack_pack_uint64(pk, cc__journal_next_record(j));
    msgpack_pack_int64(pk, 5000);
    cc__journal_end_record(j);
}

static void step_image_make(step_image *img)
{
    char dir[64], path[200];
    make_dir(dir, sizeof dir);
    cc__journal *j;
    assert_int_equal(cc__journal_open(&j, dir, NULL, 0, 1, CC_FSYNC_OFF), CC_OK);
    append_event(j, 1);
    append_event(j, 2);
    for (uint64_t c = 3; c <= 5; c += 2) {
        cc__journal_step_begin(j);
        append_advance(j);
        append_event(j, c);
        append_event(j, c + 1);
        cc__journal_step_end(j);
    }
    cc__journal_close(j);
    snprintf(path, sizeof path, "%s/journal-%016x.ccj", dir, 1);
    FILE *f = fopen(path, "rb");
    img->len = fread(img->data, 1, sizeof img->data, f);
    fclose(f);
    unlink(path);
    rmdir(dir);
    size_t pos = CC__JOURNAL_MAGIC_LEN;
    for (size_t i = 0; i <= 10; i++) {
        img->starts[i] = pos;
        if (i < 10) pos += CC__JOURNAL_HEADER + (img->data[pos] | (size_t)img->data[pos + 1] << 8);
    }
    assert_int_equal(pos, img->len);
    assert_int_equal(img->data[img->starts[2] + CC__JOURNAL_HEADER + 1], CC__JREC_STEP);
    assert_int_equal(img->data[img->starts[6] + CC__JOURNAL_HEADER + 1], CC__JREC_STEP);
}

typedef struct import_result {
    imported im;
    uint64_t rejected;
    char first[256], second[256]; /* the first two messages, "" if none */
} import_result;

static void on_any_imported(const cc_event *e, void *ud)
{
    imported *im = ud;
    if (im->n < 16) im->contacts[im->n++] = e->contact_id;
}

/* Imports data[0..len) in chunks of `chunk` bytes. */
static void import_bytes(const unsigned char *data, size_t len, size_t chunk, import_result *r)
{
    memset(r, 0, sizeof *r);
    cc_import_options o = CC_IMPORT_OPTIONS_INIT;
    o.format = "journal";
    cc_import *imp;
    assert_int_equal(cc_import_new(&imp, &o), CC_OK);
    assert_int_equal(cc_import_begin_file(imp, "seg", on_any_imported, &r->im), CC_OK);
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        assert_int_equal(cc_import_feed(imp, data + off, n, on_any_imported, &r->im), CC_OK);
    }
    assert_int_equal(cc_import_end_file(imp, on_any_imported, &r->im), CC_OK);
    const cc_import_stats *st = cc_import_get_stats(imp);
    r->rejected = st->lines_rejected;
    if (st->n_errors > 0) snprintf(r->first, sizeof r->first, "%s", st->errors[0].message);
    if (st->n_errors > 1) snprintf(r->second, sizeof r->second, "%s", st->errors[1].message);
    cc_import_free(imp);
}

/* The same input whole, one byte at a time and in chunks of 7 gives the same
 * result; returns it. */
static void import_any_chunking(const unsigned char *data, size_t len, import_result *r)
{
    import_result one, seven;
    import_bytes(data, len, len ? len : 1, r);
    import_bytes(data, len, 1, &one);
    import_bytes(data, len, 7, &seven);
    for (int k = 0; k < 2; k++) {
        const import_result *o = k ? &seven : &one;
        assert_int_equal(o->im.n, r->im.n);
        assert_memory_equal(o->im.contacts, r->im.contacts, sizeof r->im.contacts);
        assert_int_equal(o->rejected, r->rejected);
        assert_string_equal(o->first, r->first);
        assert_string_equal(o->second, r->second);
    }
}

static void assert_contacts(const import_result *r, size_t n)
{
    assert_int_equal(r->im.n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(r->im.contacts[i], (uint64_t)i + 1);
}

/* Events of a step are imported once the whole step is in; a step the end of
 * the file leaves incomplete is not imported (recovery cuts it) and is
 * reported once. Records outside steps are imported as before. */
static void kpi_importer_imports_whole_steps_only(void **state)
{
    (void)state;
    step_image img;
    step_image_make(&img);
    import_result r;
    char want[128];

    import_any_chunking(img.data, img.len, &r);
    assert_contacts(&r, 6);
    assert_int_equal(r.rejected, 0);

    /* The file ends after the first event of the second step. */
    import_any_chunking(img.data, img.starts[9], &r);
    assert_contacts(&r, 4);
    assert_int_equal(r.rejected, 1);
    snprintf(want, sizeof want, "incomplete final step at offset %zu (2 of 3 records)",
             img.starts[6]);
    assert_non_null(strstr(r.first, want));
    /* Recovery keeps the same records: up to the second STEP record. */
    seen s = {{0}, 0};
    size_t valid, torn;
    assert_int_equal(cc__journal_read_buffer(img.data, img.starts[9], CC__JOURNAL_MAGIC_LEN,
                                             collect, &s, &valid, &torn),
                     CC_OK);
    assert_int_equal(valid, img.starts[6]);

    /* Ends right after the STEP record: 0 of 3. */
    import_any_chunking(img.data, img.starts[7], &r);
    assert_contacts(&r, 4);
    snprintf(want, sizeof want, "incomplete final step at offset %zu (0 of 3 records)",
             img.starts[6]);
    assert_non_null(strstr(r.first, want));

    /* Torn in its last record: the torn record and the step, both reported. */
    import_any_chunking(img.data, img.len - 3, &r);
    assert_contacts(&r, 4);
    assert_int_equal(r.rejected, 2);
    snprintf(want, sizeof want, "torn final record at offset %zu", img.starts[9]);
    assert_non_null(strstr(r.first, want));
    snprintf(want, sizeof want, "incomplete final step at offset %zu (2 of 3 records)",
             img.starts[6]);
    assert_non_null(strstr(r.second, want));

    /* Outside steps, a record is imported as soon as it is whole. */
    import_any_chunking(img.data, img.starts[2], &r);
    assert_contacts(&r, 2);
    assert_int_equal(r.rejected, 0);
}

/* A bad record with a valid record after it is damage, reported as such
 * (recovery refuses the file); a bad final record is a torn tail. */
static void kpi_importer_tells_damage_from_a_torn_tail(void **state)
{
    (void)state;
    step_image img;
    step_image_make(&img);
    import_result r;
    char want[128];
    seen s = {{0}, 0};
    size_t valid, torn;

    /* A payload byte of event 3 (in the first step): damage. */
    img.data[img.starts[4] + CC__JOURNAL_HEADER + 3] ^= 0x40;
    import_any_chunking(img.data, img.len, &r);
    assert_contacts(&r, 2);
    assert_int_equal(r.rejected, 1);
    snprintf(want, sizeof want, "journal damaged at offset %zu", img.starts[4]);
    assert_non_null(strstr(r.first, want));
    assert_non_null(strstr(r.first, "the rest of the file"));
    assert_null(strstr(r.first, "torn"));
    assert_int_equal(cc__journal_read_buffer(img.data, img.len, CC__JOURNAL_MAGIC_LEN, collect, &s,
                                             &valid, &torn),
                     CC_EPARSE);
    img.data[img.starts[4] + CC__JOURNAL_HEADER + 3] ^= 0x40;

    /* Event 2's length made too long, zero or over the limit (outside steps,
     * as in journals before steps): damage too. */
    static const uint32_t bad_lengths[] = {0, 5000, CC__JOURNAL_MAX_RECORD + 1};
    unsigned char saved[4];
    memcpy(saved, img.data + img.starts[1], 4);
    for (size_t k = 0; k < 3; k++) {
        for (int b = 0; b < 4; b++)
            img.data[img.starts[1] + b] = (unsigned char)(bad_lengths[k] >> (8 * b));
        import_any_chunking(img.data, img.len, &r);
        assert_contacts(&r, 1);
        assert_int_equal(r.rejected, 1);
        snprintf(want, sizeof want, "journal damaged at offset %zu", img.starts[1]);
        assert_non_null(strstr(r.first, want));
    }
    memcpy(img.data + img.starts[1], saved, 4);

    /* The last record bad, with zeros after it (a torn write): torn, and the
     * step it leaves incomplete is reported. Recovery agrees. */
    unsigned char tail[4096 + 512];
    memcpy(tail, img.data, img.len);
    memset(tail + img.len, 0, 512);
    tail[img.starts[9] + CC__JOURNAL_HEADER + 3] ^= 0x40;
    import_any_chunking(tail, img.len + 512, &r);
    assert_contacts(&r, 4);
    assert_int_equal(r.rejected, 2);
    snprintf(want, sizeof want, "torn final record at offset %zu", img.starts[9]);
    assert_non_null(strstr(r.first, want));
    assert_non_null(strstr(r.second, "incomplete final step"));
    assert_int_equal(cc__journal_read_buffer(tail, img.len + 512, CC__JOURNAL_MAGIC_LEN, collect,
                                             &s, &valid, &torn),
                     CC_OK);
    assert_int_equal(valid, img.starts[6]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc32c_matches_the_standard_check_value),
        cmocka_unit_test(every_torn_tail_keeps_the_valid_prefix),
        cmocka_unit_test(events_round_trip_through_a_record),
        cmocka_unit_test(kpi_importer_reads_a_segment_in_any_chunking),
        cmocka_unit_test(kpi_importer_rejects_an_event_beyond_the_kpi_range),
        cmocka_unit_test(nothing_is_written_after_a_failed_write),
        cmocka_unit_test(a_failed_segment_switch_stops_the_journal),
        cmocka_unit_test(damage_is_refused_and_only_a_torn_tail_is_cut),
        cmocka_unit_test(kpi_importer_imports_whole_steps_only),
        cmocka_unit_test(kpi_importer_tells_damage_from_a_torn_tail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
