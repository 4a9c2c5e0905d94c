/*
 * tests/fuzz/fuzz_journal_import.c - libFuzzer harness for the "journal" KPI
 * importer (lib/kpi/import_journal.c), a streaming reader that holds a step's
 * bytes until the step is whole and tells damage from a torn tail over
 * chunks of any size. The input is a segment's bytes after its magic (the
 * harness writes the magic, so every input reaches the records). It is
 * imported three ways: in one chunk, cut in two where the first byte says,
 * and one byte at a time for short inputs; the three must hand the sink the
 * same events and count the same lines, since chunking is not input. The
 * one-chunk import feeds a live KPI aggregator and a full report is written.
 * Any crash, leak, hang, sanitizer report or disagreement is a bug.
 */
#include "callcore/callcore.h"
#include "kpi/journal_record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct tally {
    uint64_t events;
    uint64_t hash; /* types, ids and times of the events, in order */
    cc_kpi *kpi;
} tally;

static void tally_event(const cc_event *e, void *ud)
{
    tally *t = ud;
    t->events++;
    t->hash = (t->hash ^ (uint64_t)e->type) * 0x100000001b3ull;
    t->hash = (t->hash ^ e->contact_id) * 0x100000001b3ull;
    t->hash = (t->hash ^ (uint64_t)e->time_ms) * 0x100000001b3ull;
    if (t->kpi) cc_kpi_sink(e, t->kpi);
}

/* A full report of what the aggregator was fed, with the import's stats. */
static void report(cc_kpi *kpi, const cc_import_stats *st)
{
    cc_kpi_flush(kpi);
    cc_kpi_report *r = NULL;
    if (cc_kpi_report_new(kpi, &r) != CC_OK) abort();
    char *text = NULL;
    if (cc_kpi_report_json(r, st, CC_KPI_JSON_FULL, &text) != CC_OK) abort();
    cc_free(text);
    cc_kpi_report_free(r);
}

/* Imports magic + data[0..size) in chunks of `step` bytes after a first
 * chunk of `first`; the stats are copied out before the importer is freed. */
static void import_chunked(const uint8_t *data, size_t size, size_t first, size_t step, tally *t,
                           cc_import_stats *st)
{
    cc_import_options o = CC_IMPORT_OPTIONS_INIT;
    o.format = "journal";
    o.max_errors = 3;
    cc_import *imp = NULL;
    if (cc_import_new(&imp, &o) != CC_OK) abort();
    if (cc_import_begin_file(imp, "fuzz", tally_event, t) != CC_OK) abort();
    if (cc_import_feed(imp, CC__JOURNAL_MAGIC, CC__JOURNAL_MAGIC_LEN, tally_event, t) != CC_OK)
        abort();
    size_t at = first < size ? first : size;
    if (cc_import_feed(imp, data, at, tally_event, t) != CC_OK) abort();
    while (at < size) {
        size_t n = size - at < step ? size - at : step;
        if (cc_import_feed(imp, data + at, n, tally_event, t) != CC_OK) abort();
        at += n;
    }
    if (cc_import_finish(imp, tally_event, t) != CC_OK) abort();
    *st = *cc_import_get_stats(imp);
    if (t->kpi) report(t->kpi, st); /* the stats borrow the importer's errors */
    st->n_errors = 0, st->errors = NULL;
    cc_import_free(imp);
}

static void same_or_abort(const tally *a, const cc_import_stats *sa, const tally *b,
                          const cc_import_stats *sb)
{
    if (a->events != b->events || a->hash != b->hash || sa->events != sb->events ||
        sa->lines_rejected != sb->lines_rejected || sa->lines_skipped != sb->lines_skipped)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_kpi *kpi = NULL;
    if (cc_kpi_new(&kpi, NULL) != CC_OK) abort();
    tally whole = {0, 0, kpi}, two = {0}, bytes = {0};
    cc_import_stats sw, s2, s1;
    import_chunked(data, size, size, 1, &whole, &sw);
    import_chunked(data, size, size ? data[0] % (size + 1) : 0, size ? size : 1, &two, &s2);
    same_or_abort(&whole, &sw, &two, &s2);
    if (size <= 512) { /* one byte at a time: O(size) feeds */
        import_chunked(data, size, 0, 1, &bytes, &s1);
        same_or_abort(&whole, &sw, &bytes, &s1);
    }
    cc_kpi_free(kpi);
    return 0;
}
