/*
 * lib/runtime/journal_read.c - reading a journal file (journal.h): which of
 * its records are kept, and where a torn tail ends and damage begins.
 *
 * A crash can leave the end of the last segment torn: the final write cut
 * short (a record whose length runs past the end of the file) or only partly
 * on disk (a bad checksum, with zeros or stale bytes after it). A torn write
 * never leaves a complete, valid record after the bad one, because nothing
 * is ever written after a write that may have failed (journal.c). So the rule
 * is: a bad record with no valid record anywhere after it is a torn tail, cut
 * off; a bad record followed by a valid one is damage in the middle of the
 * file, refused with CC_EPARSE (the check, cc__valid_record_after, is in
 * kpi/journal_record.c: the "journal" importer applies it too). Record
 * numbers increase by exactly one from record to record, so a record lost or
 * repeated whole is damage too.
 *
 * Records are kept by whole steps (journal.h): a STEP record [5, n, count]
 * and the `count` records after it. A step that the end of the file, or a
 * torn tail, cuts short is part of the tail: cut whole.
 */
#include "journal.h"

#include "base/error.h"
#include "base/mem.h"
#include "kpi/journal_record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t cc__le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Decodes a checked record's payload into root: CC_OK, CC_ENOMEM, or
 * CC_EPARSE when it is not one msgpack array [kind, number, ...] (the
 * checksum matched, so that is a writer bug or a forged file, not a tear). */
static cc_status cc__record_decode(const unsigned char *payload, size_t plen, size_t pos,
                                   msgpack_zone *zone, msgpack_object *root)
{
    msgpack_zone_clear(zone);
    size_t off = 0;
    msgpack_unpack_return ur = msgpack_unpack((const char *)payload, plen, &off, zone, root);
    if (ur == MSGPACK_UNPACK_NOMEM_ERROR) return cc__fail(CC_ENOMEM, "journal: out of memory");
    if (ur != MSGPACK_UNPACK_SUCCESS || off != plen || root->type != MSGPACK_OBJECT_ARRAY ||
        root->via.array.size < 2 ||
        root->via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
        root->via.array.ptr[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return cc__fail(CC_EPARSE, "record at offset %zu is not [kind, number, ...]", pos);
    return CC_OK;
}

/* The number of records a STEP record [5, n, count] announces (>= 1), or
 * CC_EPARSE. */
static cc_status cc__step_count(const msgpack_object *root, size_t pos, uint64_t *count)
{
    if (!cc__journal_step_count(root, count))
        return cc__fail(CC_EPARSE, "step record at offset %zu is not [5, n, count >= 1]", pos);
    return CC_OK;
}

/*
 * Checks every record of data[pos..len) and sets *keep to the end of the
 * records kept: up to the last record outside any step or ending one.
 * Returns CC_OK (data[*keep..len) is a torn tail, possibly empty),
 * CC_EPARSE (damage: a bad record with a valid one after it, a record that
 * is not [kind, number, ...], a break in the numbering, a step inside a
 * step) or CC_ENOMEM.
 */
static cc_status cc__scan_records(const unsigned char *data, size_t len, size_t pos, uint32_t max,
                                  msgpack_zone *zone, size_t *keep)
{
    int seen = 0;
    uint64_t last_no = 0;
    uint64_t step_left = 0; /* records the open step still has to come */
    *keep = pos;
    for (;;) {
        const unsigned char *payload;
        size_t plen, used;
        cc__jscan r = cc__journal_next_max(data + pos, len - pos, max, &payload, &plen, &used);
        if (r == CC__JSCAN_END) return CC_OK;
        if (r != CC__JSCAN_RECORD) {
            if (cc__valid_record_after(data, len, pos, max, seen, last_no))
                return cc__fail(CC_EPARSE,
                                "damaged record at offset %zu (bad length or checksum, with "
                                "valid records after it: not a torn tail)",
                                pos);
            return CC_OK; /* a torn tail */
        }
        msgpack_object root;
        cc_status st = cc__record_decode(payload, plen, pos, zone, &root);
        if (st) return st;
        uint64_t no = root.via.array.ptr[1].via.u64;
        if (seen && no != last_no + 1)
            return cc__fail(CC_EPARSE,
                            "record at offset %zu is numbered %llu after %llu (records "
                            "missing or repeated)",
                            pos, (unsigned long long)no, (unsigned long long)last_no);
        seen = 1;
        last_no = no;
        if (root.via.array.ptr[0].via.u64 == CC__JREC_STEP) {
            if (step_left)
                return cc__fail(CC_EPARSE, "step record at offset %zu inside a step", pos);
            st = cc__step_count(&root, pos, &step_left);
            if (st) return st;
        } else if (step_left) {
            step_left--;
        }
        pos += used;
        if (!step_left) *keep = pos;
    }
}

/* Calls fn for each record of data[pos..keep), all checked by the scan. */
static cc_status cc__deliver_records(const unsigned char *data, size_t pos, size_t keep,
                                     msgpack_zone *zone, cc__jrecord_fn fn, void *ud)
{
    while (pos < keep) {
        size_t plen = cc__le32(data + pos);
        msgpack_object root;
        cc_status st = cc__record_decode(data + pos + CC__JOURNAL_HEADER, plen, pos, zone, &root);
        if (!st) st = fn(&root, ud);
        if (st) return st;
        pos += CC__JOURNAL_HEADER + plen;
    }
    return CC_OK;
}

/* Names the journal file (NULL: a buffer) before the detail message of the
 * error being returned, since the record offsets in it are within that file. */
static void cc__name_file_in_detail(const char *path)
{
    char detail[512];
    snprintf(detail, sizeof detail, "%s", cc_error_last());
    if (path)
        cc__fail(CC_EPARSE, "journal '%s': %s", path, detail);
    else
        cc__fail(CC_EPARSE, "journal: %s", detail);
}

static cc_status cc__read_records(const unsigned char *data, size_t len, size_t skip_magic,
                                  uint32_t max, cc__jrecord_fn fn, void *ud, size_t *valid_len,
                                  size_t *torn)
{
    size_t keep = skip_magic;
    msgpack_zone zone;
    cc_status st;
    if (!msgpack_zone_init(&zone, 4096)) {
        st = cc__fail(CC_ENOMEM, "journal: out of memory");
    } else {
        st = cc__scan_records(data, len, skip_magic, max, &zone, &keep);
        if (!st) st = cc__deliver_records(data, skip_magic, keep, &zone, fn, ud);
        msgpack_zone_destroy(&zone);
    }
    *valid_len = keep;
    *torn = len - keep;
    return st;
}

cc_status cc__journal_read_buffer(const unsigned char *data, size_t len, size_t skip_magic,
                                  cc__jrecord_fn fn, void *ud, size_t *valid_len, size_t *torn)
{
    cc_status st =
        cc__read_records(data, len, skip_magic, CC__JOURNAL_MAX_RECORD, fn, ud, valid_len, torn);
    if (st == CC_EPARSE) cc__name_file_in_detail(NULL);
    return st;
}

cc_status cc__journal_read_file(const char *path, cc__jrecord_fn fn, void *ud, size_t *valid_len,
                                size_t *torn)
{
    *valid_len = 0;
    *torn = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return cc__fail(CC_EIO, "journal '%s': %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return cc__fail(CC_EIO, "journal '%s': %s", path, strerror(errno));
    }
    size_t len = (size_t)sb.st_size;
    unsigned char *data = cc__malloc(len ? len : 1);
    if (!data) {
        close(fd);
        return cc__fail(CC_ENOMEM, "journal '%s': out of memory (%zu bytes)", path, len);
    }
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, data + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    cc_status st;
    int snapshot = strstr(path, ".ccs") != NULL;
    const char *magic = snapshot ? CC__SNAPSHOT_MAGIC : CC__JOURNAL_MAGIC;
    if (got < CC__JOURNAL_MAGIC_LEN) {
        /* A file cut before its magic was completed holds no record. */
        *valid_len = 0;
        *torn = got;
        st = CC_OK;
    } else if (memcmp(data, magic, CC__JOURNAL_MAGIC_LEN) != 0) {
        st = cc__fail(CC_EPARSE, "journal '%s': not a libcallcore journal file", path);
    } else {
        st = cc__read_records(data, got, CC__JOURNAL_MAGIC_LEN,
                              snapshot ? CC__SNAPSHOT_MAX_RECORD : CC__JOURNAL_MAX_RECORD, fn, ud,
                              valid_len, torn);
        if (st == CC_EPARSE) cc__name_file_in_detail(path);
    }
    cc__free(data);
    return st;
}
