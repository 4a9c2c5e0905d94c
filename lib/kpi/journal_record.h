/*
 * lib/kpi/journal_record.h - internal: the on-disk journal format (written by
 * lib/runtime, read by the runtime's recovery and by the "journal" importer).
 *
 * A journal is a directory of segment files "journal-<first record no, 16 hex>.ccj"
 * and snapshot files "snapshot-<record no, 16 hex>.ccs". Every file starts with
 * an 8-byte magic and holds records:
 *
 *     u32 little-endian payload length (1 .. CC__JOURNAL_MAX_RECORD)
 *     u32 little-endian CRC-32C of the 4 length bytes followed by the payload
 *     payload: one msgpack value
 *
 * Records are only ever appended; record numbers increase by one from record
 * to record (across segments and snapshots). Payloads (all msgpack arrays,
 * first element the kind):
 *
 *     [1, record_no, now_ms, method, params]  COMMAND: an engine input, replayed
 *                                            at recovery (the engine is
 *                                            deterministic: same inputs, same state)
 *     [2, record_no, now_ms]                 ADVANCE: the engine's clock moved
 *     [3, record_no, event fields...]        EVENT: one cc_event (journal_event.h)
 *     [4, record_no, engine, bound, attached] SNAPSHOT: the only record of a
 *                                            snapshot file: cc_engine_snapshot()
 *                                            bytes, and the channel bit masks of
 *                                            the wire backend's bindings and of
 *                                            the channels a switch had taken
 *     [5, record_no, count]                  STEP: the `count` (>= 1) records
 *                                            after it are one engine step: its
 *                                            input (COMMAND or ADVANCE records),
 *                                            then the events it emitted
 *
 * COMMAND records named "runtime.attach" / "runtime.detach" with params [mask]
 * record a switch taking or leaving channels (what offers did depends on it).
 * A COMMAND record "runtime.options" with params [{seed, select, rona_after,
 * rona_reason, reject_after, reject_reason, last_agent_window_ms}] records the
 * engine options that change decisions, defaults resolved, at every start and
 * as the first record of every segment: recovery refuses to replay records
 * under other options (lib/runtime/decision_options.c). Records outside any
 * step (those, a direct engine call's events, journals written before steps)
 * stand alone.
 *
 * Readers (recovery, lib/runtime/journal_read.c, and the "journal" importer)
 * take a step whole or not at all: a step that the end of the file or a torn
 * tail leaves incomplete is cut whole, as if the crash came just before it.
 * A crash can leave a torn final record (short, or with a bad checksum, with
 * zeros or stale bytes after it), which readers ignore and the writer cuts
 * off when it reopens the segment. Nothing is written after a write that may
 * have failed, so a torn write never leaves a valid record after the bad one:
 * a bad record with no valid record anywhere after it in the file is a torn
 * tail; one with a valid record after it is damage (recovery refuses the
 * journal with CC_EPARSE, the importer reports it and ignores the rest of the
 * file). The check is cc__valid_record_after / cc__valid_record_scan below.
 */
#ifndef CC_KPI_JOURNAL_RECORD_H
#define CC_KPI_JOURNAL_RECORD_H

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

#define CC__JOURNAL_MAGIC "CCJRNL\0\1"
#define CC__SNAPSHOT_MAGIC "CCSNAP\0\1"
#define CC__JOURNAL_MAGIC_LEN 8
#define CC__JOURNAL_HEADER 8               /* length + checksum */
#define CC__JOURNAL_MAX_RECORD (16u << 20) /* segment records */
#define CC__SNAPSHOT_MAX_RECORD (1u << 30) /* the record of a snapshot file */

enum {
    CC__JREC_COMMAND = 1,
    CC__JREC_ADVANCE = 2,
    CC__JREC_EVENT = 3,
    CC__JREC_SNAPSHOT = 4,
    CC__JREC_STEP = 5
};

/* The smallest record: header and [kind, number] as two fixints. */
#define CC__JOURNAL_MIN_RECORD (CC__JOURNAL_HEADER + 3)
/* The longest [kind, number] head: an array32 header and two uint64s. */
#define CC__JOURNAL_MAX_HEAD (5 + 9 + 9)

/* CRC-32C (Castagnoli), table-driven: O(n), 1 KiB table. `crc` starts at 0. */
uint32_t cc__crc32c(uint32_t crc, const void *data, size_t len);

/* Writes the 8-byte record header for `payload` into hdr. */
void cc__journal_header(unsigned char hdr[CC__JOURNAL_HEADER], const void *payload, size_t len);

typedef enum cc__jscan {
    CC__JSCAN_RECORD = 0, /* payload and len set, `used` bytes consumed */
    CC__JSCAN_END = 1,    /* no bytes left */
    CC__JSCAN_TORN = 2,   /* a bad record: zero or oversized length, or a
                             checksum mismatch */
    CC__JSCAN_MORE = 3    /* a record begins but is cut short (at the end of
                             a file: a torn final record) */
} cc__jscan;

/* Reads the record at data[0..avail), of at most CC__JOURNAL_MAX_RECORD
 * payload bytes. Never reads past avail. */
cc__jscan cc__journal_next(const unsigned char *data, size_t avail, const unsigned char **payload,
                           size_t *len, size_t *used);
/* Same with another payload limit (snapshot files: CC__SNAPSHOT_MAX_RECORD). */
cc__jscan cc__journal_next_max(const unsigned char *data, size_t avail, uint32_t max,
                               const unsigned char **payload, size_t *len, size_t *used);

/* Reads the head of a payload p[0..n), [kind, number, ...] as msgpack
 * unsigned integers, without decoding the rest: 1 if it has that shape. */
int cc__journal_record_head(const unsigned char *p, size_t n, uint64_t *kind, uint64_t *no);

/*
 * The rule that tells a torn tail from damage, shared by the runtime's
 * recovery and the "journal" importer: 1 when a record that passes every
 * check starts somewhere in data(from..len), `from` being where a bad record
 * starts: a length that fits, a [kind, number] head with a known kind and,
 * once a record was read before `from` (seen, numbered last_no), a number a
 * record at that distance from the bad one could have (records are at least
 * CC__JOURNAL_MIN_RECORD bytes), and its checksum. A torn write never leaves
 * such a record after the bad one, so 1 means damage, 0 a torn tail. Cheap
 * tests first, so the scan costs about one comparison per byte, plus the
 * checksum of the rare start that passes them.
 */
int cc__valid_record_after(const unsigned char *data, size_t len, size_t from, uint32_t max,
                           int seen, uint64_t last_no);

/*
 * The same check for a reader that holds a window of the file, not all of it
 * (a stream): data[0..len) are the file's bytes from `gap` bytes after the
 * start of the bad record on, and the starts looked at are data[first..len)
 * (cc__valid_record_after is this with data + from, gap 0, first 1, final 1).
 * With `final` (the file ends at data[len]) the answer is the whole-file one.
 * Without, more bytes may follow: 1 when a valid record is there, otherwise
 * 0 with *undecided (if not NULL) set to the first start that more bytes
 * could still make a valid record (its length, head or checksum needs bytes
 * not yet there); every start before it is ruled out, so the reader may drop
 * the bytes before it and call again from there once more came. Each start
 * is ruled out once and its checksum computed once, the undecided start
 * looked at again in O(1) per call: O(bytes) over a stream fed in any
 * chunks, and the bytes to hold (from the undecided start on) are at most one
 * record, 8 + max, plus the last chunk.
 */
int cc__valid_record_scan(const unsigned char *data, size_t len, size_t first, uint64_t gap,
                          uint32_t max, int seen, uint64_t last_no, int final, size_t *undecided);

/* CRC-32C continued over more bytes: cc__crc32c(cc__crc32c(0, a), b) is the
 * CRC of a followed by b. The record checksum covers the 4 length bytes then
 * the payload. */

/* The number of records a decoded STEP record [5, n, count] announces: 1 and
 * *count set when count is 1..UINT32_MAX and the array has exactly those three
 * fields, else 0. One rule for recovery and the journal importer. O(1). */
int cc__journal_step_count(const msgpack_object *root, uint64_t *count);

#endif
