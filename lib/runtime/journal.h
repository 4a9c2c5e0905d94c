/*
 * lib/runtime/journal.h - internal: journal directory, writer and reader.
 *
 * Format: kpi/journal_record.h. The writer keeps one open segment and a
 * user-space buffer of records not yet written; cc__journal_commit() writes
 * the buffer with one write() and fsyncs according to the policy. Record
 * numbers increase by one per record across segments and snapshots.
 */
#ifndef CC_RUNTIME_JOURNAL_H
#define CC_RUNTIME_JOURNAL_H

#include "callcore/runtime.h"
#include "kpi/journal_record.h"
#include "wire_codec.h"

#include <msgpack.h>
#include <stdint.h>

typedef struct cc__journal cc__journal;

/* A file of the journal directory. */
typedef struct cc__jfile {
    uint64_t first; /* record number in the name */
    int is_snapshot;
    char name[64];
} cc__jfile;

/* Lists segments and snapshots of `dir`, sorted by (first, snapshot before
 * segment). *files is cc__malloc'd (free with cc__free). O(f log f). */
cc_status cc__journal_list(const char *dir, cc__jfile **files, size_t *n);

/*
 * Reads one file (segment or snapshot) into memory, checks all of it, then
 * calls fn(root, ud) for each record kept (STEP records included), root
 * being the decoded msgpack array (borrowed for the call); fn returns CC_OK
 * to go on. A torn tail (a last record cut short or with a bad checksum, with
 * no valid record anywhere after it, and the records of a step it leaves
 * incomplete) ends the file: *valid_len is where it starts, *torn its size;
 * whether a file may have one is the caller's rule. Damage is refused before
 * any fn call: a bad record with a valid one after it, a payload that is not
 * a msgpack array [kind, number, ...], or a record not numbered one more than
 * the one before (journal_read.c). Returns CC_OK, CC_EIO, CC_ENOMEM,
 * CC_EPARSE (damage, not a libcallcore file), or fn's status; *valid_len +
 * *torn is always the file's size.
 */
typedef cc_status (*cc__jrecord_fn)(const msgpack_object *root, void *ud);
cc_status cc__journal_read_buffer(const unsigned char *data, size_t len, size_t skip_magic,
                                  cc__jrecord_fn fn, void *ud, size_t *valid_len, size_t *torn);
cc_status cc__journal_read_file(const char *path, cc__jrecord_fn fn, void *ud, size_t *valid_len,
                                size_t *torn);

/* Opens the writer: appends to `segment` (a path, truncated to valid_len
 * first) or, when segment is NULL, creates "journal-<next_record>.ccj". */
cc_status cc__journal_open(cc__journal **out, const char *dir, const char *segment,
                           size_t valid_len, uint64_t next_record, cc_fsync_policy policy);
void cc__journal_close(cc__journal *j); /* commits and syncs first */

/* The packer for the next record's payload: pack one array whose second
 * element is cc__journal_next_record(); then cc__journal_end_record(). */
msgpack_packer *cc__journal_begin_record(cc__journal *j);
uint64_t cc__journal_next_record(const cc__journal *j);
void cc__journal_end_record(cc__journal *j);
/* A position in the buffered records, to take back records of a call that
 * failed (nothing buffered reaches the file before cc__journal_commit). */
typedef struct cc__jmark {
    size_t len;
    uint64_t next_record, since_snapshot;
} cc__jmark;
cc__jmark cc__journal_mark(const cc__journal *j);
void cc__journal_rollback(cc__journal *j, cc__jmark m);

/*
 * Steps. The records of one engine step (the input that caused it: a
 * COMMAND or an ADVANCE, then the events it emitted, in that order) are
 * recovered as a unit: step_begin writes a STEP record [5, n, count] before
 * them, and step_end sets count to the number of records that followed. A
 * recovery that finds a step incomplete at the end of the newest segment
 * cuts the whole step, so an input is never replayed without its events
 * (they would be missing from the KPI history, and never journaled again)
 * nor its events kept without it (they would be emitted again). A step
 * begun inside a step is part of it; a step with no record is taken back
 * whole. The importer and older readers skip STEP records (only EVENT
 * records carry a contact). The kind, CC__JREC_STEP, is in
 * kpi/journal_record.h with the others.
 */
void cc__journal_step_begin(cc__journal *j);
void cc__journal_step_end(cc__journal *j);

/* Records buffered since the last snapshot. */
uint64_t cc__journal_records_since_snapshot(const cc__journal *j);
/* 1 when records are buffered or written but not yet synced. */
int cc__journal_dirty(const cc__journal *j);

/* Writes buffered records; fsyncs when `sync`. CC_EIO with the path, or
 * CC_ENOMEM (records were lost while buffering). Any failure is final: the
 * journal drops what is buffered and every later commit and snapshot fails,
 * so nothing is ever written after a record that may be lost or torn. */
cc_status cc__journal_commit(cc__journal *j, int sync);

/* Writes snapshot-<next>.ccs holding [4, n, blob, bound, attached] (atomically:
 * temp file, fsync, rename, directory fsync), then starts a new segment (if
 * that fails, the journal fails as a failed commit does).
 * bound/attached: channel bit masks of the wire backend's bindings and of
 * the channels a switch had taken, which the engine snapshot does not hold. */
cc_status cc__journal_snapshot(cc__journal *j, const void *blob, size_t len, unsigned bound,
                               unsigned attached);

#endif
