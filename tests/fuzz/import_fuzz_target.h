/*
 * tests/fuzz/import_fuzz_target.h - the body shared by the importer harnesses
 * (fuzz_queue_log.c, fuzz_csv.c, fuzz_anonymous_bank.c): outside bytes go
 * through one importer into a live KPI aggregator, then a full report is
 * written as JSON and CSV. The first byte picks where the input is cut in two
 * chunks, so line reassembly across chunks is fuzzed too. Any crash, leak,
 * hang or sanitizer report is a bug.
 */
#ifndef CC_IMPORT_FUZZ_TARGET_H
#define CC_IMPORT_FUZZ_TARGET_H

#include "callcore/callcore.h"

#include <stdint.h>
#include <stdlib.h>

static int fuzz_import(const char *format, const uint8_t *data, size_t size)
{
    cc_import_options o = CC_IMPORT_OPTIONS_INIT;
    o.format = format;
    o.max_errors = 3;
    cc_import *imp = NULL;
    cc_kpi *kpi = NULL;
    if (cc_import_new(&imp, &o) != CC_OK || cc_kpi_new(&kpi, NULL) != CC_OK) abort();
    size_t cut = size ? data[0] % (size + 1) : 0;
    if (cc_import_begin_file(imp, "fuzz", cc_kpi_sink, kpi) != CC_OK) abort();
    if (cc_import_feed(imp, data, cut, cc_kpi_sink, kpi) != CC_OK) abort();
    if (cc_import_feed(imp, data + cut, size - cut, cc_kpi_sink, kpi) != CC_OK) abort();
    if (cc_import_finish(imp, cc_kpi_sink, kpi) != CC_OK) abort();
    const cc_import_stats *st = cc_import_get_stats(imp);
    if (st->lines_rejected + st->lines_skipped > st->lines_read) abort();
    cc_kpi_flush(kpi);
    cc_kpi_report *r = NULL;
    if (cc_kpi_report_new(kpi, &r) != CC_OK) abort();
    char *text = NULL;
    if (cc_kpi_report_json(r, st, CC_KPI_JSON_FULL, &text) != CC_OK) abort();
    cc_free(text);
    if (cc_kpi_report_csv(r, CC_KPI_TABLE_INTERVALS, &text) != CC_OK) abort();
    cc_free(text);
    cc_kpi_report_free(r);
    cc_kpi_free(kpi);
    cc_import_free(imp);
    return 0;
}

#endif
