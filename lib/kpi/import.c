/*
 * lib/kpi/import.c - cc_import: the event source shared by all log formats
 * (callcore/import.h, import_format.h).
 *
 * Bytes are cut into lines here, so formats see whole lines whatever the
 * chunking; a line split across chunks is carried in a buffer that grows to
 * the longest line (amortised O(1) per byte). Strings handed out in events
 * are interned once (O(distinct names) memory).
 */
#include "import_format.h"

#include "base/c_numeric.h"
#include "base/mem.h"
#include "name_table.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CC__IMPORT_DEFAULT_MAX_ERRORS 10u

/* The formats; a new one is one row. */
static const cc__import_format *const cc__import_table[] = {
    &cc__import_queue_log,
    &cc__import_csv,
    &cc__import_anonymous_bank,
    &cc__import_journal,
};
#define CC__IMPORT_NFORMATS (sizeof cc__import_table / sizeof cc__import_table[0])

struct cc_import {
    const cc__import_format *fmt;
    void *state;
    char *file_name; /* current input's label, owned */
    int64_t line_no;
    int in_file;
    char *carry; /* start of a line cut by a chunk boundary */
    size_t carry_len, carry_cap;
    cc_import_stats stats;
    cc_import_error *errors; /* file and message owned; grown as errors come, so a
                                large max_errors costs nothing up front */
    size_t errors_cap;
    uint32_t max_errors;
    cc__names strings;
    cc_event_fn sink;
    void *user_data;
    uint64_t seq, next_contact;
    int oom;
};

const char *const *cc_import_formats(void)
{
    /* The names of cc__import_table, in order (test_import checks each). */
    static const char *const names[] = {"queue_log", "csv", "anonymous-bank", "journal", NULL};
    return names;
}

cc_status cc_import_new(cc_import **out, const cc_import_options *o)
{
    if (!out || !o) return cc__fail(CC_EINVAL, "cc_import_new: NULL argument");
    *out = NULL;
    if (o->version != CC_IMPORT_OPTIONS_VERSION)
        return cc__fail(CC_EVERSION, "cc_import_options: version %u unknown (expected %u)",
                        (unsigned)o->version, (unsigned)CC_IMPORT_OPTIONS_VERSION);
    const cc__import_format *fmt = NULL;
    for (size_t i = 0; o->format && i < CC__IMPORT_NFORMATS; i++)
        if (strcmp(cc__import_table[i]->name, o->format) == 0) fmt = cc__import_table[i];
    if (!fmt) {
        char known[128] = "";
        for (size_t i = 0; i < CC__IMPORT_NFORMATS; i++) {
            size_t used = strlen(known);
            snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                     cc__import_table[i]->name);
        }
        return cc__fail(CC_EINVAL, "import: unknown format '%s' (expected one of: %s)",
                        o->format ? o->format : "(null)", known);
    }
    cc_import *imp = cc__calloc(1, sizeof *imp);
    if (!imp) return cc__fail(CC_ENOMEM, "cc_import_new: out of memory");
    imp->fmt = fmt;
    imp->max_errors = o->max_errors ? o->max_errors : CC__IMPORT_DEFAULT_MAX_ERRORS;
    cc__names_init(&imp->strings);
    imp->state = cc__calloc(1, fmt->state_size ? fmt->state_size : 1);
    imp->file_name = cc__strdup("");
    if (!imp->state || !imp->file_name) {
        cc_import_free(imp);
        return cc__fail(CC_ENOMEM, "cc_import_new: out of memory");
    }
    imp->stats.errors = imp->errors;
    cc_status st = fmt->init ? fmt->init(imp, imp->state, o) : CC_OK;
    if (st != CC_OK) {
        /* init cleaned up after itself; destroy must not see half a state. */
        cc__free(imp->state);
        imp->state = NULL;
        cc_import_free(imp);
        return st;
    }
    *out = imp;
    return CC_OK;
}

void cc_import_free(cc_import *imp)
{
    if (!imp) return;
    if (imp->state && imp->fmt->destroy) imp->fmt->destroy(imp->state);
    cc__free(imp->state);
    for (size_t i = 0; i < imp->stats.n_errors; i++) {
        cc__free((char *)imp->errors[i].file);
        cc__free((char *)imp->errors[i].message);
    }
    cc__free(imp->errors);
    cc__free(imp->file_name);
    cc__free(imp->carry);
    cc__names_free(&imp->strings);
    cc__free(imp);
}

const cc_import_stats *cc_import_get_stats(const cc_import *imp)
{
    return imp ? &imp->stats : NULL;
}

/* ---- services for formats ------------------------------------------------ */

void cc__import_emit(cc_import *imp, cc_event *ev)
{
    ev->seq = ++imp->seq;
    ev->flags |= CC_EVENT_F_IMPORTED;
    imp->stats.events++;
    if (imp->sink) imp->sink(ev, imp->user_data);
}

void cc__import_reject(cc_import *imp, const char *fmt, ...)
{
    imp->stats.lines_rejected++;
    if (imp->stats.n_errors >= imp->max_errors) return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    cc__vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *m = cc__strdup(msg), *f = cc__strdup(imp->file_name);
    if (!m || !f ||
        cc__grow((void **)&imp->errors, &imp->errors_cap, imp->stats.n_errors + 1,
                 sizeof *imp->errors) != 0) {
        cc__free(m);
        cc__free(f);
        return; /* the count is kept; only the message is lost */
    }
    imp->stats.errors = imp->errors; /* it may have moved */
    cc_import_error *e = &imp->errors[imp->stats.n_errors++];
    e->file = f;
    e->line = imp->line_no;
    e->message = m;
}

void cc__import_skip(cc_import *imp)
{
    imp->stats.lines_skipped++;
}

void cc__import_oom(cc_import *imp)
{
    imp->oom = 1;
}

int64_t cc__import_line_no(const cc_import *imp)
{
    return imp->line_no;
}

const char *cc__import_string(cc_import *imp, cc__span text)
{
    if (text.n == 0) return NULL;
    uint32_t id = cc__names_intern(&imp->strings, text.p, text.n);
    if (!id) {
        imp->oom = 1;
        return NULL;
    }
    return cc__names_get(&imp->strings, id);
}

uint64_t cc__import_new_contact_id(cc_import *imp)
{
    return ++imp->next_contact;
}

uint64_t cc__import_text_id(cc__span text)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a 64 */
    for (size_t i = 0; i < text.n; i++) {
        h ^= (unsigned char)text.p[i];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

/* ---- lines --------------------------------------------------------------- */

/* Files saved by spreadsheets and Windows editors start with a UTF-8 byte
 * order mark; it belongs to no field, so it goes before any format sees the
 * first line of an input (the line is whole here, whatever the chunking). */
static void cc__import_skip_bom(const char **line, size_t *len)
{
    if (*len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
        *line += 3;
        *len -= 3;
    }
}

static void cc__import_one_line(cc_import *imp, const char *line, size_t len)
{
    imp->line_no++;
    if (imp->line_no == 1) cc__import_skip_bom(&line, &len);
    if (len && line[len - 1] == '\r') len--;
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
    if (i == len) return; /* blank lines are not counted */
    imp->stats.lines_read++;
    imp->fmt->line(imp, imp->state, line, len);
}

static cc_status cc__import_result(cc_import *imp, const char *what)
{
    imp->sink = NULL;
    imp->user_data = NULL;
    if (imp->oom) {
        imp->oom = 0;
        return cc__fail(CC_ENOMEM, "import %s: out of memory", what);
    }
    return CC_OK;
}

static void cc__import_feed_lines(cc_import *imp, const char *data, size_t len)
{
    size_t start = 0;
    for (;;) {
        const char *nl = memchr(data + start, '\n', len - start);
        if (!nl) break;
        size_t end = (size_t)(nl - data);
        if (imp->carry_len) {
            if (cc__grow((void **)&imp->carry, &imp->carry_cap, imp->carry_len + end - start + 1,
                         1) != 0) {
                imp->oom = 1;
                imp->carry_len = 0;
            } else {
                memcpy(imp->carry + imp->carry_len, data + start, end - start);
                imp->carry_len += end - start;
                cc__import_one_line(imp, imp->carry, imp->carry_len);
                imp->carry_len = 0;
            }
        } else {
            cc__import_one_line(imp, data + start, end - start);
        }
        start = end + 1;
    }
    if (start < len) {
        if (cc__grow((void **)&imp->carry, &imp->carry_cap, imp->carry_len + len - start + 1, 1) !=
            0) {
            imp->oom = 1;
            return;
        }
        memcpy(imp->carry + imp->carry_len, data + start, len - start);
        imp->carry_len += len - start;
    }
}

/* ---- public input functions ---------------------------------------------- */

static void cc__import_finish_file(cc_import *imp)
{
    if (!imp->in_file) return;
    if (imp->fmt->line && imp->carry_len) {
        size_t n = imp->carry_len;
        imp->carry_len = 0;
        cc__import_one_line(imp, imp->carry, n);
    }
    if (imp->fmt->end_file) imp->fmt->end_file(imp, imp->state);
    imp->in_file = 0;
}

cc_status cc_import_end_file(cc_import *imp, cc_event_fn sink, void *user_data)
{
    if (!imp) return cc__fail(CC_EINVAL, "cc_import_end_file: NULL importer");
    imp->sink = sink;
    imp->user_data = user_data;
    cc__import_finish_file(imp);
    return cc__import_result(imp, imp->file_name);
}

cc_status cc_import_finish(cc_import *imp, cc_event_fn sink, void *user_data)
{
    if (!imp) return cc__fail(CC_EINVAL, "cc_import_finish: NULL importer");
    imp->sink = sink;
    imp->user_data = user_data;
    cc__import_finish_file(imp);
    if (imp->fmt->finish) imp->fmt->finish(imp, imp->state);
    return cc__import_result(imp, "finish");
}

cc_status cc_import_begin_file(cc_import *imp, const char *name, cc_event_fn sink,
                               void *user_data)
{
    if (!imp) return cc__fail(CC_EINVAL, "cc_import_begin_file: NULL importer");
    imp->sink = sink;
    imp->user_data = user_data;
    cc__import_finish_file(imp);
    char *copy = cc__strdup(name ? name : "");
    if (!copy) {
        imp->oom = 1;
    } else {
        cc__free(imp->file_name);
        imp->file_name = copy;
    }
    imp->line_no = 0;
    imp->in_file = 1;
    imp->stats.files++;
    if (imp->fmt->begin_file) imp->fmt->begin_file(imp, imp->state);
    return cc__import_result(imp, name ? name : "");
}

cc_status cc_import_feed(cc_import *imp, const void *data, size_t len, cc_event_fn sink,
                         void *user_data)
{
    if (!imp || (!data && len)) return cc__fail(CC_EINVAL, "cc_import_feed: NULL argument");
    if (!imp->in_file) {
        cc_status st = cc_import_begin_file(imp, "", sink, user_data);
        if (st != CC_OK) return st;
    }
    imp->sink = sink;
    imp->user_data = user_data;
    if (imp->fmt->line) cc__import_feed_lines(imp, data, len);
    else if (len) imp->fmt->bytes(imp, imp->state, data, len);
    return cc__import_result(imp, imp->file_name);
}

cc_status cc_import_file(cc_import *imp, const char *path, cc_event_fn sink, void *user_data)
{
    if (!imp || !path) return cc__fail(CC_EINVAL, "cc_import_file: NULL argument");
    FILE *f = fopen(path, "rb");
    if (!f) return cc__fail(CC_EIO, "import: cannot open '%s': %s", path, strerror(errno));
    cc_status st = cc_import_begin_file(imp, path, sink, user_data);
    static const size_t chunk = 1u << 16;
    char *buf = st == CC_OK ? cc__malloc(chunk) : NULL;
    if (st == CC_OK && !buf) st = cc__fail(CC_ENOMEM, "import: out of memory");
    while (st == CC_OK) {
        errno = 0;
        size_t n = fread(buf, 1, chunk, f);
        int err = errno; /* before the feed, which may set errno itself */
        if (n) st = cc_import_feed(imp, buf, n, sink, user_data);
        if (n < chunk) {
            /* the reason, as for a file that cannot be opened: a directory opens and
             * fails its first read, and "failed" alone did not say why */
            if (ferror(f))
                st = cc__fail(CC_EIO, "import: reading '%s' failed: %s", path,
                              err ? strerror(err) : "read error");
            break;
        }
    }
    cc__free(buf);
    fclose(f);
    cc_status end = cc_import_end_file(imp, sink, user_data);
    return st != CC_OK ? st : end;
}
