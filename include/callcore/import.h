/*
 * callcore/import.h - importers: real contact-center logs as cc_event streams.
 *
 * A cc_import is an event source for one log format. Bytes go in (from a file
 * or in chunks of any size), cc_event values come out through a cc_event_fn
 * sink, the same events a live engine emits, so a cc_kpi (callcore/kpi.h)
 * cannot tell an imported log from a live one. Imported events carry
 * CC_EVENT_F_IMPORTED.
 *
 * Formats (by name):
 *   "queue_log"       Asterisk queue_log: epoch|uniqueid|queue|agent|EVENT|data...
 *   "csv"             one call record per row, columns named by cc_import_csv_map
 *   "anonymous-bank"  the Technion SEE "Anonymous Bank" call-by-call format
 *   "journal"         a libcallcore journal segment (journal-*.ccj, written by
 *                     `callcore serve --journal`): its engine events as they were
 * docs/kpi.md gives the event mapping of each. Malformed lines are counted
 * and the first few kept with their file and line number; they never stop an
 * import.
 *
 * Threads: a cc_import belongs to one thread at a time. The sink runs on the
 * calling thread, inside cc_import_feed / _end_file / _file; events and their
 * strings are borrowed for the duration of the sink call.
 */
#ifndef CALLCORE_IMPORT_H
#define CALLCORE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "callcore/event.h"
#include "callcore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Column names of the call-record CSV (matched against the header line,
 * case-insensitively). NULL: the default name in brackets. A column that is
 * absent from the file is treated as empty, except `start`, which is required.
 *   contact_id  [contact_id]  any text; a new id is made when empty
 *   customer_id [customer_id] number, or text (hashed); empty / 0: unknown
 *   queue       [queue]
 *   agent       [agent]       empty: nobody answered
 *   channel     [channel]     voice, chat, email...; empty: voice
 *   start       [start]       epoch seconds, or YYYY-MM-DD[ T]HH:MM:SS (UTC)
 *   wait_s      [wait_s]      queue wait, seconds
 *   talk_s      [talk_s]      talk time, seconds (hold excluded)
 *   hold_s      [hold_s]
 *   wrap_s      [wrap_s]      after-call work
 *   outcome     [outcome]     answered|abandoned|blocked|left;
 *                             empty: answered when an agent is named
 *   reason      [reason]      contact reason (Pareto)
 *   transferred [transferred] 1/true/yes: transferred
 */
typedef struct cc_import_csv_map {
    const char *contact_id, *customer_id, *queue, *agent, *channel, *start, *wait_s,
        *talk_s, *hold_s, *wrap_s, *outcome, *reason, *transferred;
} cc_import_csv_map;

typedef struct cc_import_options {
    uint32_t version;   /* CC_IMPORT_OPTIONS_VERSION */
    const char *format; /* "queue_log", "csv", "anonymous-bank", "journal"; required */
    char csv_delimiter; /* csv: 0 means ',' */
    const cc_import_csv_map *csv_map; /* csv: NULL for the default names; copied */
    uint32_t max_errors; /* malformed lines kept with their message; 0: 10 */
} cc_import_options;

#define CC_IMPORT_OPTIONS_VERSION 1u
#define CC_IMPORT_OPTIONS_INIT { CC_IMPORT_OPTIONS_VERSION, 0, 0, 0, 0 }

/* One malformed line kept for the report. */
typedef struct cc_import_error {
    const char *file; /* as given to cc_import_begin_file; "" for none */
    int64_t line;     /* 1-based line number in that file */
    const char *message;
} cc_import_error;

/* Counters of an import (all files so far). */
typedef struct cc_import_stats {
    uint64_t files;
    uint64_t lines_read;     /* non-empty lines, headers included */
    uint64_t lines_rejected; /* malformed: counted, reported, skipped */
    uint64_t lines_skipped;  /* well-formed but carrying no contact (PHANTOM,
                                VRU-only calls, events outside the model,
                                queue_log lines of a call never seen
                                entering a queue) */
    uint64_t events;         /* events handed to the sink */
    size_t n_errors;         /* <= max_errors */
    const cc_import_error *errors; /* borrowed from the cc_import */
} cc_import_stats;

typedef struct cc_import cc_import;

/*
 * Creates an importer. `options` is borrowed for the call. Returns CC_OK and
 * sets *out (owned: cc_import_free); CC_EVERSION; CC_EINVAL for an unknown
 * format or a bad CSV map (message lists the formats); CC_ENOMEM.
 */
cc_status cc_import_new(cc_import **out, const cc_import_options *options);

/* Frees the importer; NULL is a no-op. */
void cc_import_free(cc_import *self);

/* NULL-terminated list of the format names (static storage). */
const char *const *cc_import_formats(void);

/*
 * Starts a new input (line numbers restart at 1; a header line is expected
 * again for formats that have one). `name` (borrowed, copied) labels errors.
 * Ends the previous input as cc_import_end_file would. Returns CC_OK,
 * CC_ENOMEM, or what the sink path of end_file returns.
 */
cc_status cc_import_begin_file(cc_import *self, const char *name, cc_event_fn sink,
                               void *user_data);

/*
 * Feeds bytes of the current input (borrowed for the call; any chunking).
 * Complete lines are parsed and their events sent to `sink`. Returns CC_OK
 * (malformed lines are counted, not errors) or CC_ENOMEM.
 */
cc_status cc_import_feed(cc_import *self, const void *data, size_t len, cc_event_fn sink,
                         void *user_data);

/*
 * Ends the current input: parses a last line without a newline and sends
 * the events a format holds back to the end of an input.
 * Returns CC_OK or CC_ENOMEM.
 */
cc_status cc_import_end_file(cc_import *self, cc_event_fn sink, void *user_data);

/*
 * Reads a whole file (begin_file, feed, end_file). Returns CC_OK, CC_EIO
 * (message names the file and the system error), CC_ENOMEM.
 */
cc_status cc_import_file(cc_import *self, const char *path, cc_event_fn sink, void *user_data);

/*
 * Ends the whole import (call it once, after the last input): ends the
 * current input and sends what a format holds across inputs. anonymous-bank
 * and csv hold every record until here to send them in time order whatever
 * the order of their files and rows; queue_log holds the end of a call that was transferred
 * or left a queue until it is clear the call enters no other queue (at most
 * 5 minutes of log time), and sends the ends still held here. Later inputs
 * start a new import with the same counters. Returns CC_OK or CC_ENOMEM.
 */
cc_status cc_import_finish(cc_import *self, cc_event_fn sink, void *user_data);

/* Counters so far; the pointer is borrowed until the next call on self. */
const cc_import_stats *cc_import_get_stats(const cc_import *self);

#ifdef __cplusplus
}
#endif
#endif
