/*
 * lib/kpi/import_format.h - internal: how a log format plugs into cc_import.
 *
 * cc_import (import.c) owns what every format needs: reading files, cutting
 * bytes into lines across chunk boundaries, line numbers, counting and
 * keeping malformed-line messages, stable strings for events, sequence
 * numbers and the sink. A format is one table of functions over its own state
 * (state_size bytes, zeroed, owned by the cc_import). Adding a format is one
 * file with a cc__import_format and one row in the table of import.c:
 *
 *   - a text format sets `line` (called once per non-empty line, without the
 *     line break; line numbers via cc__import_line_no);
 *   - a binary format (e.g. the msgpack journal) sets `bytes` instead and
 *     receives the input as it comes, in chunks of any size.
 *
 * Formats report problems with cc__import_reject (malformed: counted and the
 * first few kept) or cc__import_skip (well-formed, no contact), and memory
 * failure with cc__import_oom. They never stop the import.
 */
#ifndef CC_KPI_IMPORT_FORMAT_H
#define CC_KPI_IMPORT_FORMAT_H

#include "base/error.h"
#include "callcore/import.h"
#include "text_scan.h"

#include <stddef.h>

typedef struct cc__import_format {
    const char *name;
    size_t state_size;
    /* Sets up the zeroed state from the options; CC_OK, CC_EINVAL, CC_ENOMEM. */
    cc_status (*init)(cc_import *imp, void *state, const cc_import_options *options);
    /* Releases what init and the parsing allocated (state itself is freed by
     * cc_import). May be NULL. */
    void (*destroy)(void *state);
    /* One of: a text line (borrowed for the call) ... */
    void (*line)(cc_import *imp, void *state, const char *line, size_t len);
    /* ... or raw input bytes (borrowed for the call). */
    void (*bytes)(cc_import *imp, void *state, const unsigned char *data, size_t len);
    /* A new input starts / the current input ended (send what is held back).
     * May be NULL. */
    void (*begin_file)(cc_import *imp, void *state);
    void (*end_file)(cc_import *imp, void *state);
    /* All inputs ended (cc_import_finish): send what is held across inputs.
     * May be NULL. */
    void (*finish)(cc_import *imp, void *state);
} cc__import_format;

/* The formats (one file each). */
extern const cc__import_format cc__import_queue_log;
extern const cc__import_format cc__import_csv;
extern const cc__import_format cc__import_anonymous_bank;
extern const cc__import_format cc__import_journal;

/* Sends an event to the sink: sets seq and CC_EVENT_F_IMPORTED, counts it.
 * The event and its strings are borrowed for the call. */
void cc__import_emit(cc_import *imp, cc_event *ev);

/* Counts the current line as malformed and keeps the message if fewer than
 * max_errors are kept. */
void cc__import_reject(cc_import *imp, const char *fmt, ...) CC__PRINTF(2, 3);

/* Counts the current line as well-formed but carrying no contact. */
void cc__import_skip(cc_import *imp);

/* Records an allocation failure; the running call returns CC_ENOMEM. */
void cc__import_oom(cc_import *imp);

/* 1-based number of the current line in the current input. */
int64_t cc__import_line_no(const cc_import *imp);

/* A stable copy of the text (valid until cc_import_free), or NULL for an
 * empty span. Interned: equal texts give the same pointer. NULL and
 * cc__import_oom on allocation failure. O(length) expected. */
const char *cc__import_string(cc_import *imp, cc__span text);

/* A new contact id, unique within this importer (1, 2, ...). */
uint64_t cc__import_new_contact_id(cc_import *imp);

/* Hash of a text identifier (customer ids that are not numbers), never 0. */
uint64_t cc__import_text_id(cc__span text);

#endif
