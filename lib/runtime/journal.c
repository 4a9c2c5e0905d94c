/*
 * lib/runtime/journal.c - journal directory and writer (journal.h); reading is
 * journal_read.c.
 */
#include "journal.h"

#include "base/error.h"
#include "base/mem.h"
#include "kpi/journal_record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cc__journal {
    char *dir;
    int fd; /* current segment */
    char path[4096];
    cc_fsync_policy policy;
    uint64_t next_record;
    uint64_t since_snapshot;
    int unsynced;        /* written since the last fsync */
    int failed;          /* a write, sync or segment switch failed: fail-stop */
    cc__wbuf buf;        /* records not yet written */
    size_t record_start; /* offset of the record being packed in buf */
    msgpack_packer pk;
    /* The step being journaled (cc__journal_step_begin): */
    int step_depth;      /* 0: none open; steps inside a step are part of it */
    cc__jmark step_mark; /* where its STEP record starts in buf */
    uint64_t step_no;    /* that record's number */
};

/* ---- listing ----------------------------------------------------------- */

static int cc__jfile_cmp(const void *a, const void *b)
{
    const cc__jfile *x = a, *y = b;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    return y->is_snapshot - x->is_snapshot;
}

static int cc__parse_name(const char *name, cc__jfile *f)
{
    const char *hex;
    if (strncmp(name, "journal-", 8) == 0 && strlen(name) == 8 + 16 + 4 &&
        strcmp(name + 24, ".ccj") == 0) {
        f->is_snapshot = 0;
        hex = name + 8;
    } else if (strncmp(name, "snapshot-", 9) == 0 && strlen(name) == 9 + 16 + 4 &&
               strcmp(name + 25, ".ccs") == 0) {
        f->is_snapshot = 1;
        hex = name + 9;
    } else {
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = hex[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return 0;
        v = v << 4 | (uint64_t)d;
    }
    f->first = v;
    snprintf(f->name, sizeof f->name, "%s", name);
    return 1;
}

cc_status cc__journal_list(const char *dir, cc__jfile **files, size_t *n)
{
    *files = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return cc__fail(CC_EIO, "journal '%s': %s", dir, strerror(errno));
    cc__jfile *v = NULL;
    size_t cnt = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        cc__jfile f;
        if (!cc__parse_name(e->d_name, &f)) continue;
        if (cc__grow((void **)&v, &cap, cnt + 1, sizeof *v) != 0) {
            closedir(d);
            cc__free(v);
            return cc__fail(CC_ENOMEM, "journal '%s': out of memory", dir);
        }
        v[cnt++] = f;
    }
    closedir(d);
    if (cnt) qsort(v, cnt, sizeof *v, cc__jfile_cmp);
    *files = v;
    *n = cnt;
    return CC_OK;
}

/* ---- writing ----------------------------------------------------------- */

static cc_status cc__write_all(int fd, const void *p, size_t n, const char *path)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return cc__fail(CC_EIO, "journal '%s': write: %s", path, strerror(errno));
        c += w;
        n -= (size_t)w;
    }
    return CC_OK;
}

static cc_status cc__sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return cc__fail(CC_EIO, "journal '%s': %s", dir, strerror(errno));
    int rc = fsync(fd);
    close(fd);
    if (rc != 0) return cc__fail(CC_EIO, "journal '%s': fsync: %s", dir, strerror(errno));
    return CC_OK;
}

static cc_status cc__new_segment(cc__journal *j)
{
    snprintf(j->path, sizeof j->path, "%s/journal-%016" PRIx64 ".ccj", j->dir, j->next_record);
    int fd = open(j->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return cc__fail(CC_EIO, "journal '%s': %s", j->path, strerror(errno));
    cc_status st = cc__write_all(fd, CC__JOURNAL_MAGIC, CC__JOURNAL_MAGIC_LEN, j->path);
    if (!st && j->policy != CC_FSYNC_OFF) {
        if (fsync(fd) != 0)
            st = cc__fail(CC_EIO, "journal '%s': fsync: %s", j->path, strerror(errno));
        if (!st) st = cc__sync_dir(j->dir);
    }
    if (st) {
        close(fd);
        return st;
    }
    if (j->fd >= 0) close(j->fd);
    j->fd = fd;
    return CC_OK;
}

cc_status cc__journal_open(cc__journal **out, const char *dir, const char *segment,
                           size_t valid_len, uint64_t next_record, cc_fsync_policy policy)
{
    *out = NULL;
    cc__journal *j = cc__calloc(1, sizeof *j);
    if (!j) return cc__fail(CC_ENOMEM, "journal: out of memory");
    j->fd = -1;
    j->policy = policy;
    j->next_record = next_record;
    j->dir = cc__strdup(dir);
    if (!j->dir) {
        cc__free(j);
        return cc__fail(CC_ENOMEM, "journal: out of memory");
    }
    msgpack_packer_init(&j->pk, &j->buf, cc__wbuf_write);
    cc_status st;
    if (segment) {
        snprintf(j->path, sizeof j->path, "%s", segment);
        j->fd = open(segment, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (j->fd < 0) {
            st = cc__fail(CC_EIO, "journal '%s': %s", segment, strerror(errno));
        } else if (valid_len < CC__JOURNAL_MAGIC_LEN) {
            /* Torn before its magic: start the file again. */
            st = ftruncate(j->fd, 0) == 0
                     ? cc__write_all(j->fd, CC__JOURNAL_MAGIC, CC__JOURNAL_MAGIC_LEN, segment)
                     : cc__fail(CC_EIO, "journal '%s': truncate: %s", segment, strerror(errno));
        } else {
            /* Cut the torn tail so new records follow the last valid one. */
            st = ftruncate(j->fd, (off_t)valid_len) == 0
                     ? CC_OK
                     : cc__fail(CC_EIO, "journal '%s': truncate: %s", segment, strerror(errno));
        }
        if (!st && policy != CC_FSYNC_OFF && fsync(j->fd) != 0)
            st = cc__fail(CC_EIO, "journal '%s': fsync: %s", segment, strerror(errno));
    } else {
        st = cc__new_segment(j);
    }
    if (st) {
        cc__journal_close(j);
        return st;
    }
    *out = j;
    return CC_OK;
}

void cc__journal_close(cc__journal *j)
{
    if (!j) return;
    if (j->fd >= 0) {
        cc__journal_commit(j, j->policy != CC_FSYNC_OFF);
        close(j->fd);
    }
    cc__wbuf_free(&j->buf);
    cc__free(j->dir);
    cc__free(j);
}

msgpack_packer *cc__journal_begin_record(cc__journal *j)
{
    unsigned char hdr[CC__JOURNAL_HEADER] = {0};
    j->record_start = j->buf.len;
    cc__wbuf_append(&j->buf, hdr, sizeof hdr); /* filled by end_record */
    return &j->pk;
}

uint64_t cc__journal_next_record(const cc__journal *j)
{
    return j->next_record;
}

void cc__journal_end_record(cc__journal *j)
{
    if (j->buf.failed) return; /* reported by the next commit */
    unsigned char *rec = (unsigned char *)j->buf.data + j->record_start;
    size_t plen = j->buf.len - j->record_start - CC__JOURNAL_HEADER;
    cc__journal_header(rec, rec + CC__JOURNAL_HEADER, plen);
    j->next_record++;
    j->since_snapshot++;
}

/* The STEP record's count, packed as a fixed-width uint32 (msgpack 0xce and
 * four big-endian bytes) so it can be set in place once the step is over. */
#define CC__STEP_COUNT_BYTES 4

void cc__journal_step_begin(cc__journal *j)
{
    if (j->step_depth++ > 0) return;
    j->step_mark = cc__journal_mark(j);
    j->step_no = j->next_record;
    msgpack_packer *pk = cc__journal_begin_record(j);
    msgpack_pack_array(pk, 3);
    msgpack_pack_uint8(pk, CC__JREC_STEP);
    msgpack_pack_uint64(pk, j->step_no);
    msgpack_pack_fix_uint32(pk, 0);
    cc__journal_end_record(j);
}

/* Sets the open step's count to the records journaled after its STEP record
 * and closes it; a step with none is taken back whole. */
static void cc__journal_seal_step(cc__journal *j)
{
    j->step_depth = 0;
    if (j->buf.failed || j->step_mark.len >= j->buf.len) return; /* the commit reports it */
    uint64_t count = j->next_record - j->step_no - 1;
    if (count == 0) {
        cc__journal_rollback(j, j->step_mark);
        return;
    }
    unsigned char *rec = (unsigned char *)j->buf.data + j->step_mark.len;
    size_t plen =
        (size_t)rec[0] | (size_t)rec[1] << 8 | (size_t)rec[2] << 16 | (size_t)rec[3] << 24;
    unsigned char *payload = rec + CC__JOURNAL_HEADER;
    uint32_t c = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
    for (int i = 0; i < CC__STEP_COUNT_BYTES; i++)
        payload[plen - CC__STEP_COUNT_BYTES + i] = (unsigned char)(c >> (8 * (3 - i)));
    cc__journal_header(rec, payload, plen);
}

void cc__journal_step_end(cc__journal *j)
{
    if (j->step_depth == 0 || --j->step_depth > 0) return;
    cc__journal_seal_step(j);
}

cc__jmark cc__journal_mark(const cc__journal *j)
{
    cc__jmark m = {j->buf.len, j->next_record, j->since_snapshot};
    return m;
}

void cc__journal_rollback(cc__journal *j, cc__jmark m)
{
    if (m.len > j->buf.len) return; /* committed meanwhile: nothing to take back */
    j->buf.len = m.len;
    j->buf.failed = 0;
    j->next_record = m.next_record;
    j->since_snapshot = m.since_snapshot;
}

uint64_t cc__journal_records_since_snapshot(const cc__journal *j)
{
    return j->since_snapshot;
}

int cc__journal_dirty(const cc__journal *j)
{
    return j->buf.len > 0 || j->unsynced;
}

/* Marks the journal failed and returns st. From then on nothing more is
 * written: records buffered later would land after a lost or half-written
 * one (a gap, or damage in the middle of the segment at the next recovery),
 * and after a failed fsync the kernel's copy of the file cannot be trusted. */
static cc_status cc__journal_fail(cc__journal *j, cc_status st)
{
    j->failed = 1;
    j->buf.len = 0;
    j->buf.failed = 0;
    return st;
}

cc_status cc__journal_commit(cc__journal *j, int sync)
{
    /* Only whole steps leave the buffer (a step is never meant to span a
     * commit; should one, it ends here with what it has). */
    if (j->step_depth > 0) cc__journal_seal_step(j);
    if (j->failed)
        return cc__journal_fail(
            j, cc__fail(CC_EIO,
                        "journal '%s': an earlier write or sync failed; nothing more is "
                        "written",
                        j->path));
    if (j->buf.failed)
        return cc__journal_fail(
            j, cc__fail(CC_ENOMEM, "journal '%s': out of memory: records lost", j->path));
    if (j->buf.len > 0) {
        cc_status st = cc__write_all(j->fd, j->buf.data, j->buf.len, j->path);
        j->buf.len = 0;
        if (st) return cc__journal_fail(j, st);
        j->unsynced = 1;
    }
    if (sync && j->unsynced) {
        if (fdatasync(j->fd) != 0)
            return cc__journal_fail(
                j, cc__fail(CC_EIO, "journal '%s': fsync: %s", j->path, strerror(errno)));
        j->unsynced = 0;
    }
    return CC_OK;
}

cc_status cc__journal_snapshot(cc__journal *j, const void *blob, size_t len, unsigned bound,
                               unsigned attached)
{
    int sync = j->policy != CC_FSYNC_OFF; /* "off" never syncs, snapshots included */
    cc_status st = cc__journal_commit(j, sync);
    if (st) return st;
    char final[4200], tmp[4300];
    uint64_t no = j->next_record;
    snprintf(final, sizeof final, "%s/snapshot-%016" PRIx64 ".ccs", j->dir, no);
    snprintf(tmp, sizeof tmp, "%s.tmp", final);
    /* [4, record_no, engine-blob, bound, attached] as one record after the
     * magic, written in three pieces so the blob is never copied: a small
     * head (magic, record header, msgpack up to the bin header), the blob,
     * a small tail; the checksum runs over the pieces in order. */
    unsigned char head[64], tail[16];
    cc__wbuf hb = {0}, tb = {0};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &hb, cc__wbuf_write);
    msgpack_pack_array(&pk, 5);
    msgpack_pack_uint8(&pk, CC__JREC_SNAPSHOT);
    msgpack_pack_uint64(&pk, no);
    msgpack_pack_bin(&pk, len);
    msgpack_packer_init(&pk, &tb, cc__wbuf_write);
    msgpack_pack_uint32(&pk, bound);
    msgpack_pack_uint32(&pk, attached);
    size_t payload = hb.len + len + tb.len;
    int bad = hb.failed || tb.failed || hb.len > sizeof head - 16 || tb.len > sizeof tail ||
              payload > CC__SNAPSHOT_MAX_RECORD;
    size_t hlen = 0;
    if (!bad) {
        memcpy(head, CC__SNAPSHOT_MAGIC, CC__JOURNAL_MAGIC_LEN);
        unsigned char *h = head + CC__JOURNAL_MAGIC_LEN;
        h[0] = (unsigned char)payload;
        h[1] = (unsigned char)(payload >> 8);
        h[2] = (unsigned char)(payload >> 16);
        h[3] = (unsigned char)(payload >> 24);
        uint32_t crc = cc__crc32c(0, h, 4);
        crc = cc__crc32c(crc, hb.data, hb.len);
        crc = cc__crc32c(crc, blob, len);
        crc = cc__crc32c(crc, tb.data, tb.len);
        for (int i = 0; i < 4; i++)
            h[4 + i] = (unsigned char)(crc >> (8 * i));
        memcpy(h + CC__JOURNAL_HEADER, hb.data, hb.len);
        memcpy(tail, tb.data, tb.len);
        hlen = CC__JOURNAL_MAGIC_LEN + CC__JOURNAL_HEADER + hb.len;
    }
    size_t tlen = tb.len;
    cc__wbuf_free(&hb);
    cc__wbuf_free(&tb);
    if (bad) return cc__fail(CC_ENOMEM, "journal: snapshot too large or out of memory");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return cc__fail(CC_EIO, "journal '%s': %s", tmp, strerror(errno));
    st = cc__write_all(fd, head, hlen, tmp);
    if (!st) st = cc__write_all(fd, blob, len, tmp);
    if (!st) st = cc__write_all(fd, tail, tlen, tmp);
    if (!st && sync && fsync(fd) != 0)
        st = cc__fail(CC_EIO, "journal '%s': fsync: %s", tmp, strerror(errno));
    close(fd);
    if (!st && rename(tmp, final) != 0)
        st = cc__fail(CC_EIO, "journal '%s': rename: %s", final, strerror(errno));
    if (st) {
        unlink(tmp);
        return st;
    }
    j->next_record++;
    j->since_snapshot = 0;
    /* The snapshot holds everything so far: later records go to a new
     * segment, so recovery reads the snapshot and the segments after it.
     * Without that segment they would go on in the old one, which recovery
     * no longer replays (it sorts before the snapshot): fail-stop instead. */
    st = cc__new_segment(j);
    if (st) return cc__journal_fail(j, st);
    if (sync) st = cc__sync_dir(j->dir);
    return st;
}
