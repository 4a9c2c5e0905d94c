/*
 * lib/sim/scenario.c - reading a scenario document into a cc__scenario.
 *
 * Strict on purpose: an unknown member is an error (a typo such as
 * "handel_s" would otherwise silently simulate the default), every number is
 * range-checked, and every message names the member's path.
 */
#include "scenario.h"

#include "base/c_numeric.h"
#include "base/error.h"
#include "base/json_read.h"
#include "base/mem.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CC__SIM_PATH_MAX 160
/* Limits that keep a run bounded in memory and time whatever the input:
 * a million agents, a hundred million expected contacts (minutes of CPU). */
#define CC__SIM_MAX_AGENTS 1000000
#define CC__SIM_MAX_CONTACTS 1e8
#define CC__SIM_MAX_INTERVALS 100000
#define CC__SIM_MAX_EMPIRICAL 50000000

typedef struct cc__sp {
    const char *base_dir;
} cc__sp;

/* Writes "parent<suffix>" into buf (truncated when too long: paths only
 * appear in messages). */
static void cc__sp_path(char *buf, size_t n, const char *parent, const char *fmt, ...)
    CC__PRINTF(4, 5);
static void cc__sp_path(char *buf, size_t n, const char *parent, const char *fmt, ...)
{
    size_t used = (size_t)snprintf(buf, n, "%s", parent);
    if (used >= n) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, n - used, fmt, ap);
    va_end(ap);
}

/* ---- small readers ------------------------------------------------------ */

static cc_status cc__sp_keys(const cc__jv *obj, const char *path, const char *const *allowed)
{
    if (!obj || obj->type != CC__JV_OBJECT)
        return cc__fail(CC_EINVAL, "scenario: %s must be an object", path);
    for (size_t i = 0; i < obj->length; i++) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(obj->items[i].key, *a) == 0) ok = 1;
        if (!ok)
            return cc__fail(CC_EINVAL, "scenario: %s: unknown member '%s' (line %d)", path,
                            obj->items[i].key, obj->items[i].line);
    }
    return CC_OK;
}

/* A number for a message, exact: whole numbers in full (1000001, not the
 * "1e+06" of %g, which looks in range), others in the shortest form that
 * reads back the same. */
typedef struct cc__sp_numtext {
    char s[40];
} cc__sp_numtext;

static cc__sp_numtext cc__sp_fmt(double x)
{
    cc__sp_numtext t;
    if (x == floor(x) && fabs(x) < 1e18) {
        cc__snprintf(t.s, sizeof t.s, "%.0f", x);
        return t;
    }
    cc__snprintf(t.s, sizeof t.s, "%.15g", x);
    if (cc__strtod(t.s, NULL) != x) cc__snprintf(t.s, sizeof t.s, "%.17g", x);
    return t;
}

/* Reads an optional number member within [lo, hi]; *out keeps def when absent. */
static cc_status cc__sp_num(const cc__jv *obj, const char *key, const char *path, double lo,
                            double hi, double def, double *out)
{
    const cc__jv *v = cc__jv_get(obj, key);
    *out = def;
    if (!v) return CC_OK;
    if (v->type != CC__JV_NUMBER)
        return cc__fail(CC_EINVAL, "scenario: %s.%s must be a number, got %s (line %d)", path, key,
                        cc__jv_type_name(v->type), v->line);
    if (!(v->number >= lo && v->number <= hi))
        return cc__fail(CC_EINVAL, "scenario: %s.%s must be in [%s, %s], got %s (line %d)", path,
                        key, cc__sp_fmt(lo).s, cc__sp_fmt(hi).s, cc__sp_fmt(v->number).s,
                        v->line);
    *out = v->number;
    return CC_OK;
}

static cc_status cc__sp_int(const cc__jv *obj, const char *key, const char *path, double lo,
                            double hi, int64_t def, int64_t *out)
{
    double d;
    cc_status st = cc__sp_num(obj, key, path, lo, hi, (double)def, &d);
    if (st) return st;
    if (d != floor(d))
        return cc__fail(CC_EINVAL, "scenario: %s.%s must be a whole number, got %s", path, key,
                        cc__sp_fmt(d).s);
    *out = (int64_t)d;
    return CC_OK;
}

/* Duplicates an optional string member; *out stays NULL when absent. */
static cc_status cc__sp_str(const cc__jv *obj, const char *key, const char *path, int required,
                            char **out)
{
    const cc__jv *v = cc__jv_get(obj, key);
    *out = NULL;
    if (!v) {
        if (required) return cc__fail(CC_EINVAL, "scenario: %s.%s is required", path, key);
        return CC_OK;
    }
    if (v->type != CC__JV_STRING || v->length == 0 || v->length >= CC__SIM_NAME_MAX ||
        strlen(v->string) != v->length)
        return cc__fail(CC_EINVAL,
                        "scenario: %s.%s must be a non-empty string of at most %d bytes (line %d)",
                        path, key, CC__SIM_NAME_MAX - 1, v->line);
    *out = cc__strdup(v->string);
    if (!*out) return cc__fail(CC_ENOMEM, "scenario: out of memory");
    return CC_OK;
}

/* {"skill": level, ...} -> array of (name, level 1..10). */
static cc_status cc__sp_skills(const cc__jv *obj, const char *key, const char *path,
                               cc__sim_skill **out, size_t *n)
{
    const cc__jv *v = cc__jv_get(obj, key);
    *out = NULL;
    *n = 0;
    if (!v) return CC_OK;
    if (v->type != CC__JV_OBJECT)
        return cc__fail(CC_EINVAL, "scenario: %s.%s must be an object {\"skill\": level}", path, key);
    if (v->length == 0) return CC_OK;
    cc__sim_skill *s = cc__calloc(v->length, sizeof *s);
    if (!s) return cc__fail(CC_ENOMEM, "scenario: out of memory");
    *out = s;
    for (size_t i = 0; i < v->length; i++) {
        const cc__jv *lv = &v->items[i];
        if (lv->type != CC__JV_NUMBER || lv->number != floor(lv->number) || lv->number < 1 ||
            lv->number > 10)
            return cc__fail(CC_EINVAL, "scenario: %s.%s.%s: level must be a whole number 1..10",
                            path, key, lv->key);
        if (strlen(lv->key) == 0 || strlen(lv->key) >= CC__SIM_NAME_MAX)
            return cc__fail(CC_EINVAL, "scenario: %s.%s: skill names must be 1..%d bytes", path,
                            key, CC__SIM_NAME_MAX - 1);
        s[i].name = cc__strdup(lv->key);
        if (!s[i].name) return cc__fail(CC_ENOMEM, "scenario: out of memory");
        s[i].level = (int32_t)lv->number;
        (*n)++;
    }
    return CC_OK;
}

/* Reads numbers from a text file: any separators, lines that start with a
 * letter (headers) skipped; `column` (0-based) picks a field of CSV-like rows.
 * `ordered` (rates, one per interval): only lines before the first number may
 * be skipped; after it a line without a number in the column is an error
 * naming the line (skipping it would shift every later interval), except
 * blank lines at the end of the file. A line longer than the read buffer is
 * an error, never split into two. */
static int cc__sp_blank(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    return *p == '\0';
}

/* A cell holds a number when it begins like one (a digit, sign or point: a header
 * such as "information" begins like inf, and strtod reads that). */
static int cc__sp_starts_number(const char *p)
{
    return (*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.';
}

/* The number strtod read, [p, end), is the whole cell: plain decimal characters
 * (strtod also reads hex, inf and nan), then only a closing quote, spaces and the
 * next separator or the end of the line ("20x" is not 20). */
static int cc__sp_whole_cell(const char *p, const char *end)
{
    if (strspn(p, "0123456789.+-eE") < (size_t)(end - p)) return 0;
    end += strspn(end, "\" \r\n");
    return *end == '\0' || *end == ',' || *end == ';' || *end == '\t';
}

static cc_status cc__sp_read_samples(const cc__sp *sp, const char *file, int64_t column,
                                     int ordered, const char *path, double **out, size_t *n)
{
    char full[4096];
    if (file[0] == '/' || !sp->base_dir)
        cc__sp_path(full, sizeof full, "", "%s", file);
    else
        cc__sp_path(full, sizeof full, sp->base_dir, "/%s", file);
    FILE *f = fopen(full, "r");
    if (!f) return cc__fail(CC_EIO, "scenario: %s: cannot open '%s': %s", path, full, strerror(errno));
    /* Only regular files: a device such as /dev/zero would never end. */
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return cc__fail(CC_EIO, "scenario: %s: '%s' is not a regular file", path, full);
    }
    double *v = NULL;
    size_t len = 0, cap = 0;
    char line[4096];
    cc_status st = CC_OK;
    long lineno = 0, blank_line = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t ll = strlen(line);
        if (ll == sizeof line - 1 && line[ll - 1] != '\n' && !feof(f)) {
            st = cc__fail(CC_EINVAL, "scenario: %s: '%s' line %ld is longer than %zu bytes", path,
                          full, lineno, sizeof line - 2);
            break;
        }
        if (ordered && len > 0 && cc__sp_blank(line)) {
            if (!blank_line) blank_line = lineno; /* fine if only blank lines follow */
            continue;
        }
        char *p = line;
        for (int64_t c = 0; c < column && p; c++) {
            p = strpbrk(p, ",;\t");
            if (p) p++;
        }
        char *endp = p;
        double x = 0;
        errno = 0;
        if (p) {
            while (*p == ' ' || *p == '"') p++;
            endp = p;
            if (cc__sp_starts_number(p)) x = cc__strtod(p, &endp);
        }
        if (p && endp != p && !cc__sp_whole_cell(p, endp)) {
            st = cc__fail(CC_EINVAL, "scenario: %s: '%s' line %ld: bad number in column %lld",
                          path, full, lineno, (long long)column);
            break;
        }
        if (!p || endp == p) {
            if (!ordered || len == 0) continue; /* a header (or an empty field of samples) */
            st = cc__fail(CC_EINVAL,
                          "scenario: %s: '%s' line %ld: no number in column %lld (an empty or "
                          "bad cell would shift every later interval)",
                          path, full, lineno, (long long)column);
            break;
        }
        if (blank_line) {
            st = cc__fail(CC_EINVAL,
                          "scenario: %s: '%s' line %ld is empty (a missing rate would shift "
                          "every later interval)",
                          path, full, blank_line);
            break;
        }
        if (errno != 0 || !isfinite(x) || x < 0.0) {
            st = cc__fail(CC_EINVAL, "scenario: %s: '%s' line %ld: value must be >= 0", path, full,
                          lineno);
            break;
        }
        if (len >= CC__SIM_MAX_EMPIRICAL) {
            st = cc__fail(CC_EINVAL, "scenario: %s: '%s' has more than %d samples", path, full,
                          CC__SIM_MAX_EMPIRICAL);
            break;
        }
        if (cc__grow((void **)&v, &cap, len + 1, sizeof *v) != 0) {
            st = cc__fail(CC_ENOMEM, "scenario: out of memory");
            break;
        }
        v[len++] = x;
    }
    fclose(f);
    if (st == CC_OK && len == 0)
        st = cc__fail(CC_EINVAL, "scenario: %s: '%s' holds no numbers", path, full);
    if (st != CC_OK) {
        cc__free(v);
        return st;
    }
    *out = v;
    *n = len;
    return CC_OK;
}

/*
 * A distribution: a number (fixed), null or "none" (never), or an object
 * {"dist": "exponential"|"lognormal"|"uniform"|"fixed"|"empirical", ...}.
 * When absent, *d gets `def` (copied).
 */
static cc_status cc__sp_dist(const cc__sp *sp, const cc__jv *obj, const char *key,
                             const char *parent, int allow_none, const cc__dist *def, cc__dist *d)
{
    char path[CC__SIM_PATH_MAX];
    cc__sp_path(path, sizeof path, parent, ".%s", key);
    const cc__jv *v = cc__jv_get(obj, key);
    memset(d, 0, sizeof *d);
    if (!v) return cc__dist_copy(d, def);
    if (v->type == CC__JV_NUMBER) return cc__dist_fixed(d, v->number, path);
    if (v->type == CC__JV_NULL || (v->type == CC__JV_STRING && strcmp(v->string, "none") == 0)) {
        if (!allow_none) return cc__fail(CC_EINVAL, "scenario: %s cannot be none", path);
        d->kind = CC__DIST_NONE;
        return CC_OK;
    }
    static const char *const keys[] = {"dist", "mean", "sd", "min", "max", "value", "samples",
                                        "file", "column", NULL};
    cc_status st = cc__sp_keys(v, path, keys);
    if (st) return st;
    const cc__jv *kind = cc__jv_get(v, "dist");
    if (!kind || kind->type != CC__JV_STRING)
        return cc__fail(CC_EINVAL, "scenario: %s.dist must name a distribution", path);
    double mean, sd, lo, hi, value;
    const double big = 1e9;
    if ((st = cc__sp_num(v, "mean", path, 0, big, NAN, &mean)) ||
        (st = cc__sp_num(v, "sd", path, 0, big, NAN, &sd)) ||
        (st = cc__sp_num(v, "min", path, 0, big, NAN, &lo)) ||
        (st = cc__sp_num(v, "max", path, 0, big, NAN, &hi)) ||
        (st = cc__sp_num(v, "value", path, 0, big, NAN, &value)))
        return st;
    const char *k = kind->string;
    if (strcmp(k, "fixed") == 0) {
        if (isnan(value)) value = mean;
        if (isnan(value)) return cc__fail(CC_EINVAL, "scenario: %s: fixed needs 'value'", path);
        return cc__dist_fixed(d, value, path);
    }
    if (strcmp(k, "exponential") == 0) {
        if (isnan(mean)) return cc__fail(CC_EINVAL, "scenario: %s: exponential needs 'mean'", path);
        return cc__dist_exponential(d, mean, path);
    }
    if (strcmp(k, "lognormal") == 0) {
        if (isnan(mean) || isnan(sd))
            return cc__fail(CC_EINVAL, "scenario: %s: lognormal needs 'mean' and 'sd'", path);
        return cc__dist_lognormal(d, mean, sd, path);
    }
    if (strcmp(k, "uniform") == 0) {
        if (isnan(lo) || isnan(hi))
            return cc__fail(CC_EINVAL, "scenario: %s: uniform needs 'min' and 'max'", path);
        return cc__dist_uniform(d, lo, hi, path);
    }
    if (strcmp(k, "empirical") == 0) {
        const cc__jv *samples = cc__jv_get(v, "samples");
        const cc__jv *file = cc__jv_get(v, "file");
        if (!!samples == !!file)
            return cc__fail(CC_EINVAL, "scenario: %s: empirical needs 'samples' or 'file'", path);
        if (samples) {
            if (samples->type != CC__JV_ARRAY || samples->length == 0)
                return cc__fail(CC_EINVAL, "scenario: %s.samples must be a non-empty array", path);
            double *x = cc__malloc(samples->length * sizeof *x);
            if (!x) return cc__fail(CC_ENOMEM, "scenario: out of memory");
            for (size_t i = 0; i < samples->length; i++) {
                if (samples->items[i].type != CC__JV_NUMBER) {
                    cc__free(x);
                    return cc__fail(CC_EINVAL, "scenario: %s.samples[%zu] must be a number", path, i);
                }
                x[i] = samples->items[i].number;
            }
            return cc__dist_empirical(d, x, samples->length, path);
        }
        if (file->type != CC__JV_STRING || file->length == 0 || strlen(file->string) != file->length)
            return cc__fail(CC_EINVAL, "scenario: %s.file must be a file name", path);
        int64_t column;
        if ((st = cc__sp_int(v, "column", path, 0, 1000, 0, &column))) return st;
        double *x;
        size_t n;
        if ((st = cc__sp_read_samples(sp, file->string, column, 0, path, &x, &n))) return st;
        return cc__dist_empirical(d, x, n, path);
    }
    return cc__fail(CC_EINVAL,
                    "scenario: %s.dist: unknown distribution '%s' (fixed, exponential, lognormal, "
                    "uniform, empirical)",
                    path, k);
}

/* ---- sections ------------------------------------------------------------ */

static cc_status cc__sp_queue(const cc__jv *q, const char *path, double sl_default,
                              cc__sim_queue_spec *out)
{
    static const char *const keys[] = {"name", "strategy", "ring_timeout_s", "wrapup_s",
                                       "sl_threshold_s", "max_length", "max_wait_s",
                                       "on_max_wait", "overflow_to", "weight", "skills", NULL};
    cc_status st = cc__sp_keys(q, path, keys);
    if (st || (st = cc__sp_str(q, "name", path, 1, &out->name)) ||
        (st = cc__sp_str(q, "strategy", path, 0, &out->strategy)) ||
        (st = cc__sp_num(q, "ring_timeout_s", path, 0.001, 86400, 15, &out->ring_timeout_s)) ||
        (st = cc__sp_num(q, "wrapup_s", path, 0, 86400, 0, &out->wrapup_s)) ||
        (st = cc__sp_num(q, "sl_threshold_s", path, 0, 86400, sl_default, &out->sl_threshold_s)) ||
        (st = cc__sp_int(q, "max_length", path, 0, 1e9, 0, &out->max_length)) ||
        (st = cc__sp_num(q, "max_wait_s", path, 0, 864000, 0, &out->max_wait_s)) ||
        (st = cc__sp_str(q, "on_max_wait", path, 0, &out->on_max_wait)) ||
        (st = cc__sp_str(q, "overflow_to", path, 0, &out->overflow_to)) ||
        (st = cc__sp_num(q, "weight", path, 0.001, 1000, 1, &out->weight)) ||
        (st = cc__sp_skills(q, "skills", path, &out->skills, &out->nskills)))
        return st;
    if (out->on_max_wait && strcmp(out->on_max_wait, "overflow") != 0 &&
        strcmp(out->on_max_wait, "callback") != 0 && strcmp(out->on_max_wait, "leave") != 0)
        return cc__fail(CC_EINVAL, "scenario: %s.on_max_wait must be overflow, callback or leave",
                        path);
    if (out->on_max_wait && strcmp(out->on_max_wait, "overflow") == 0 && !out->overflow_to)
        return cc__fail(CC_EINVAL, "scenario: %s: on_max_wait overflow needs overflow_to", path);
    return CC_OK;
}

static cc_status cc__sp_members(const cc__jv *g, const char *path, cc__sim_group_spec *out)
{
    const cc__jv *v = cc__jv_get(g, "queues");
    if (!v || v->type != CC__JV_ARRAY || v->length == 0)
        return cc__fail(CC_EINVAL, "scenario: %s.queues must be a non-empty array", path);
    out->members = cc__calloc(v->length, sizeof *out->members);
    if (!out->members) return cc__fail(CC_ENOMEM, "scenario: out of memory");
    for (size_t i = 0; i < v->length; i++) {
        const cc__jv *m = &v->items[i];
        char mpath[CC__SIM_PATH_MAX];
        cc__sp_path(mpath, sizeof mpath, path, ".queues[%zu]", i);
        cc__sim_member *mem = &out->members[i];
        mem->tier = 1;
        out->nmembers++;
        if (m->type == CC__JV_STRING) {
            if (m->length == 0 || m->length >= CC__SIM_NAME_MAX)
                return cc__fail(CC_EINVAL, "scenario: %s must name a queue", mpath);
            mem->queue = cc__strdup(m->string);
            if (!mem->queue) return cc__fail(CC_ENOMEM, "scenario: out of memory");
            continue;
        }
        static const char *const keys[] = {"queue", "tier", NULL};
        int64_t tier;
        cc_status st = cc__sp_keys(m, mpath, keys);
        if (st || (st = cc__sp_str(m, "queue", mpath, 1, &mem->queue)) ||
            (st = cc__sp_int(m, "tier", mpath, 1, 100, 1, &tier)))
            return st;
        mem->tier = (int32_t)tier;
    }
    return CC_OK;
}

static cc_status cc__sp_group(const cc__sp *sp, const cc__jv *g, const char *path,
                              double horizon_s, double drain_s, cc__sim_group_spec *out)
{
    static const char *const keys[] = {"name", "count", "skills", "queues", "capacity",
                                       "max_load", "no_answer_p", "rona_ready_s", "ring_delay_s", "shift",
                                       "breaks", NULL};
    cc_status st = cc__sp_keys(g, path, keys);
    cc__dist ring_default;
    cc__dist_fixed(&ring_default, 0, path);
    int64_t max_load;
    if (st || (st = cc__sp_str(g, "name", path, 1, &out->name)) ||
        (st = cc__sp_int(g, "count", path, 0, CC__SIM_MAX_AGENTS, 1, &out->count)) ||
        (st = cc__sp_skills(g, "skills", path, &out->skills, &out->nskills)) ||
        (st = cc__sp_members(g, path, out)) ||
        (st = cc__sp_int(g, "max_load", path, 0, 1000, 0, &max_load)) ||
        (st = cc__sp_num(g, "no_answer_p", path, 0, 1, 0, &out->no_answer_p)) ||
        (st = cc__sp_num(g, "rona_ready_s", path, 0, 86400, 10, &out->rona_ready_s)) ||
        (st = cc__sp_dist(sp, g, "ring_delay_s", path, 0, &ring_default, &out->ring_delay_s)))
        return st;
    out->max_load = (int32_t)max_load;
    const cc__jv *cap = cc__jv_get(g, "capacity");
    if (!cap) {
        out->capacity[CC_CHANNEL_VOICE] = 1;
        out->capacity[CC_CHANNEL_CALLBACK] = 1;
    } else {
        char cpath[CC__SIM_PATH_MAX];
        cc__sp_path(cpath, sizeof cpath, path, ".capacity");
        if (cap->type != CC__JV_OBJECT)
            return cc__fail(CC_EINVAL, "scenario: %s must be an object {\"channel\": n}", cpath);
        for (size_t i = 0; i < cap->length; i++) {
            cc_channel ch = cc_channel_from_name(cap->items[i].key);
            if (ch == CC_CHANNEL_NONE)
                return cc__fail(CC_EINVAL, "scenario: %s: unknown channel '%s'", cpath,
                                cap->items[i].key);
            int64_t n;
            if ((st = cc__sp_int(cap, cap->items[i].key, cpath, 0, 100, 0, &n))) return st;
            out->capacity[ch] = (int32_t)n;
        }
    }
    /* By default agents stay until the queues are empty: through the drain. */
    out->shift_start_s = 0;
    out->shift_end_s = horizon_s + drain_s;
    const cc__jv *shift = cc__jv_get(g, "shift");
    if (shift) {
        char spath[CC__SIM_PATH_MAX];
        cc__sp_path(spath, sizeof spath, path, ".shift");
        static const char *const skeys[] = {"start_h", "end_h", NULL};
        double a, b;
        if ((st = cc__sp_keys(shift, spath, skeys)) ||
            (st = cc__sp_num(shift, "start_h", spath, 0, 1e5, 0, &a)) ||
            (st = cc__sp_num(shift, "end_h", spath, 0, 1e5, (horizon_s + drain_s) / 3600.0, &b)))
            return st;
        if (b <= a) return cc__fail(CC_EINVAL, "scenario: %s: end_h must be after start_h", spath);
        out->shift_start_s = a * 3600.0;
        out->shift_end_s = b * 3600.0;
    }
    const cc__jv *br = cc__jv_get(g, "breaks");
    if (br) {
        if (br->type != CC__JV_ARRAY)
            return cc__fail(CC_EINVAL, "scenario: %s.breaks must be an array", path);
        if (br->length) {
            out->breaks = cc__calloc(br->length, sizeof *out->breaks);
            if (!out->breaks) return cc__fail(CC_ENOMEM, "scenario: out of memory");
        }
        double prev_end = out->shift_start_s;
        for (size_t i = 0; i < br->length; i++) {
            char bpath[CC__SIM_PATH_MAX];
            cc__sp_path(bpath, sizeof bpath, path, ".breaks[%zu]", i);
            static const char *const bkeys[] = {"start_h", "minutes", NULL};
            double s, m;
            if ((st = cc__sp_keys(&br->items[i], bpath, bkeys)) ||
                (st = cc__sp_num(&br->items[i], "start_h", bpath, 0, 1e5, NAN, &s)) ||
                (st = cc__sp_num(&br->items[i], "minutes", bpath, 0.001, 1440, NAN, &m)))
                return st;
            if (isnan(s) || isnan(m))
                return cc__fail(CC_EINVAL, "scenario: %s needs start_h and minutes", bpath);
            double start = s * 3600.0, end = start + m * 60.0;
            if (start < prev_end || end > out->shift_end_s)
                return cc__fail(CC_EINVAL,
                                "scenario: %s: breaks must lie inside the shift, in order, "
                                "without overlap",
                                bpath);
            out->breaks[i].start_s = start;
            out->breaks[i].length_s = m * 60.0;
            out->nbreaks++;
            prev_end = end;
        }
    }
    return CC_OK;
}

/* Rates: "calls_per_hour": n | [n per interval], or "calls_per_interval": [...]. */
/* Rates from a data file {"file": name, "column": c}: one number per interval. */
static cc_status cc__sp_rates_file(const cc__sp *sp, const cc__jv *v, const char *path,
                                   double scale, cc__sim_stream_spec *out)
{
    static const char *const keys[] = {"file", "column", NULL};
    cc_status st = cc__sp_keys(v, path, keys);
    if (st) return st;
    const cc__jv *file = cc__jv_get(v, "file");
    if (!file || file->type != CC__JV_STRING || file->length == 0 ||
        strlen(file->string) != file->length)
        return cc__fail(CC_EINVAL, "scenario: %s.file must be a file name", path);
    int64_t column;
    if ((st = cc__sp_int(v, "column", path, 0, 1000, 0, &column))) return st;
    double *x;
    size_t n;
    if ((st = cc__sp_read_samples(sp, file->string, column, 1, path, &x, &n))) return st;
    if (n > CC__SIM_MAX_INTERVALS) {
        cc__free(x);
        return cc__fail(CC_EINVAL, "scenario: %s: more than %d rate intervals", path,
                        CC__SIM_MAX_INTERVALS);
    }
    for (size_t i = 0; i < n; i++) x[i] *= scale;
    out->rates_per_hour = x;
    out->nrates = n;
    return CC_OK;
}

static cc_status cc__sp_rates(const cc__sp *sp, const cc__jv *s, const char *path,
                              double interval_s, size_t default_intervals,
                              cc__sim_stream_spec *out)
{
    const cc__jv *ph = cc__jv_get(s, "calls_per_hour");
    const cc__jv *pi = cc__jv_get(s, "calls_per_interval");
    if (!!ph == !!pi)
        return cc__fail(CC_EINVAL,
                        "scenario: %s needs exactly one of calls_per_hour and calls_per_interval",
                        path);
    const cc__jv *v = ph ? ph : pi;
    double scale = ph ? 1.0 : 3600.0 / interval_s;
    if (v->type == CC__JV_OBJECT) {
        char fpath[CC__SIM_PATH_MAX];
        cc__sp_path(fpath, sizeof fpath, path, ".%s", ph ? "calls_per_hour" : "calls_per_interval");
        return cc__sp_rates_file(sp, v, fpath, scale, out);
    }
    size_t n = v->type == CC__JV_ARRAY ? v->length : default_intervals;
    if (v->type != CC__JV_ARRAY && v->type != CC__JV_NUMBER)
        return cc__fail(CC_EINVAL, "scenario: %s.%s must be a number, an array or a file", path,
                        ph ? "calls_per_hour" : "calls_per_interval");
    if (n == 0 || n > CC__SIM_MAX_INTERVALS)
        return cc__fail(CC_EINVAL, "scenario: %s: 1..%d rate intervals needed", path,
                        CC__SIM_MAX_INTERVALS);
    out->rates_per_hour = cc__calloc(n, sizeof *out->rates_per_hour);
    if (!out->rates_per_hour) return cc__fail(CC_ENOMEM, "scenario: out of memory");
    out->nrates = n;
    for (size_t i = 0; i < n; i++) {
        const cc__jv *x = v->type == CC__JV_ARRAY ? &v->items[i] : v;
        /* the member path and the value: "rate 0 must be a number" read as a rate of 0 */
        if (x->type != CC__JV_NUMBER || !(x->number >= 0) || x->number > 1e9) {
            const char *key = ph ? "calls_per_hour" : "calls_per_interval";
            const char *got = x->type == CC__JV_NUMBER ? cc__sp_fmt(x->number).s
                                                       : cc__jv_type_name(x->type);
            if (v->type == CC__JV_ARRAY)
                return cc__fail(CC_EINVAL, "scenario: %s.%s[%zu] must be a number in [0, 1e9], "
                                "got %s (line %d)", path, key, i, got, x->line);
            return cc__fail(CC_EINVAL, "scenario: %s.%s must be a number in [0, 1e9], got %s "
                            "(line %d)", path, key, got, x->line);
        }
        out->rates_per_hour[i] = x->number * scale;
    }
    return CC_OK;
}

static cc_status cc__sp_stream(const cc__sp *sp, const cc__jv *s, const char *path,
                               double interval_s, size_t default_intervals,
                               cc__sim_stream_spec *out)
{
    static const char *const keys[] = {"queue", "channel", "priority", "calls_per_hour",
                                       "calls_per_interval", "handle_s", "patience_s", "wrapup_s",
                                       "skills", "callback", "customers", NULL};
    cc_status st = cc__sp_keys(s, path, keys);
    cc__dist none = {.kind = CC__DIST_NONE};
    cc__dist handle_default;
    cc__dist_exponential(&handle_default, 180, path);
    char *channel = NULL;
    int64_t prio;
    if (st || (st = cc__sp_str(s, "queue", path, 1, &out->queue)) ||
        (st = cc__sp_str(s, "channel", path, 0, &channel)) ||
        (st = cc__sp_int(s, "priority", path, -1000, 1000, 0, &prio)) ||
        (st = cc__sp_rates(sp, s, path, interval_s, default_intervals, out)) ||
        (st = cc__sp_dist(sp, s, "handle_s", path, 0, &handle_default, &out->handle_s)) ||
        (st = cc__sp_dist(sp, s, "patience_s", path, 1, &none, &out->patience_s)) ||
        (st = cc__sp_dist(sp, s, "wrapup_s", path, 1, &none, &out->wrapup_s)) ||
        (st = cc__sp_skills(s, "skills", path, &out->skills, &out->nskills)) ||
        (st = cc__sp_int(s, "customers", path, 0, 1e12, 0, &out->customers))) {
        cc__free(channel);
        return st;
    }
    out->priority = (int32_t)prio;
    out->channel = CC_CHANNEL_VOICE;
    if (channel) {
        out->channel = cc_channel_from_name(channel);
        int bad = out->channel == CC_CHANNEL_NONE || out->channel == CC_CHANNEL_CALLBACK;
        cc__free(channel);
        if (bad)
            return cc__fail(CC_EINVAL,
                            "scenario: %s.channel must be voice, chat, email, sms, social or video",
                            path);
    }
    const cc__jv *cb = cc__jv_get(s, "callback");
    if (cb) {
        char cpath[CC__SIM_PATH_MAX];
        cc__sp_path(cpath, sizeof cpath, path, ".callback");
        static const char *const ckeys[] = {"p", "after_s", "answer_p", "dial_s", NULL};
        if ((st = cc__sp_keys(cb, cpath, ckeys)) ||
            (st = cc__sp_num(cb, "p", cpath, 0, 1, 0, &out->callback_p)) ||
            (st = cc__sp_num(cb, "after_s", cpath, 0, 86400, 60, &out->callback_after_s)) ||
            (st = cc__sp_num(cb, "answer_p", cpath, 0, 1, 1, &out->callback_answer_p)) ||
            (st = cc__sp_num(cb, "dial_s", cpath, 0.001, 3600, 10, &out->callback_dial_s)))
            return st;
    }
    return CC_OK;
}

/* ---- the document ------------------------------------------------------- */

static const cc__jv *cc__sp_array(const cc__jv *root, const char *key, int required,
                                  cc_status *st)
{
    const cc__jv *v = cc__jv_get(root, key);
    *st = CC_OK;
    if (!v) {
        if (required) *st = cc__fail(CC_EINVAL, "scenario: '%s' is required", key);
        return NULL;
    }
    if (v->type != CC__JV_ARRAY || (required && v->length == 0)) {
        *st = cc__fail(CC_EINVAL, "scenario: '%s' must be a non-empty array", key);
        return NULL;
    }
    return v;
}

static cc_status cc__sp_names_check(const cc__scenario *sc)
{
    for (size_t i = 0; i < sc->nqueues; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(sc->queues[i].name, sc->queues[j].name) == 0)
                return cc__fail(CC_EINVAL, "scenario: queue '%s' is defined twice",
                                sc->queues[i].name);
    for (size_t i = 0; i < sc->ngroups; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(sc->groups[i].name, sc->groups[j].name) == 0)
                return cc__fail(CC_EINVAL, "scenario: agent group '%s' is defined twice",
                                sc->groups[i].name);
    /* Every queue reference must exist. */
    for (size_t g = 0; g < sc->ngroups; g++)
        for (size_t m = 0; m < sc->groups[g].nmembers; m++) {
            int found = 0;
            for (size_t q = 0; q < sc->nqueues; q++)
                if (strcmp(sc->queues[q].name, sc->groups[g].members[m].queue) == 0) found = 1;
            if (!found)
                return cc__fail(CC_EINVAL, "scenario: agents[%zu] ('%s') serves unknown queue '%s'",
                                g, sc->groups[g].name, sc->groups[g].members[m].queue);
        }
    for (size_t s = 0; s < sc->nstreams; s++) {
        int found = 0;
        for (size_t q = 0; q < sc->nqueues; q++)
            if (strcmp(sc->queues[q].name, sc->streams[s].queue) == 0) found = 1;
        if (!found)
            return cc__fail(CC_EINVAL, "scenario: arrivals[%zu] goes to unknown queue '%s'", s,
                            sc->streams[s].queue);
    }
    for (size_t q = 0; q < sc->nqueues; q++) {
        const char *to = sc->queues[q].overflow_to;
        if (!to) continue;
        if (strcmp(to, sc->queues[q].name) == 0)
            return cc__fail(CC_EINVAL, "scenario: queue '%s' cannot overflow to itself", to);
        int found = 0;
        for (size_t k = 0; k < sc->nqueues; k++)
            if (k != q && strcmp(sc->queues[k].name, to) == 0) found = 1;
        if (!found)
            return cc__fail(CC_EINVAL, "scenario: queue '%s' overflows to unknown queue '%s'",
                            sc->queues[q].name, to);
    }
    return CC_OK;
}

static cc_status cc__sp_document(const cc__sp *sp, const cc__jv *root, cc__scenario *sc)
{
    static const char *const keys[] = {"version", "name", "seed", "hours", "interval_min",
                                       "drain_h", "sl_threshold_s", "queues", "agents",
                                       "arrivals", NULL};
    cc_status st = cc__sp_keys(root, "document", keys);
    if (st) return st;
    int64_t version, seed;
    double interval_min, hours, drain_h;
    if ((st = cc__sp_int(root, "version", "document", 1, 1e9, 1, &version))) return st;
    if (version != 1)
        return cc__fail(CC_EVERSION, "scenario: version %lld is not supported (this library reads 1)",
                        (long long)version);
    if ((st = cc__sp_str(root, "name", "document", 0, &sc->name)) ||
        (st = cc__sp_int(root, "seed", "document", 0, 9007199254740992.0, 1, &seed)) ||
        (st = cc__sp_num(root, "interval_min", "document", 1, 1440, 30, &interval_min)) ||
        (st = cc__sp_num(root, "hours", "document", 0, 24.0 * 366, NAN, &hours)) ||
        (st = cc__sp_num(root, "drain_h", "document", 0, 24.0 * 7, 4, &drain_h)) ||
        (st = cc__sp_num(root, "sl_threshold_s", "document", 0, 86400, 20, &sc->sl_threshold_s)))
        return st;
    sc->seed = (uint64_t)seed;
    sc->interval_s = interval_min * 60.0;
    sc->drain_s = drain_h * 3600.0;

    const cc__jv *queues = cc__sp_array(root, "queues", 1, &st);
    if (st) return st;
    const cc__jv *agents = cc__sp_array(root, "agents", 1, &st);
    if (st) return st;
    const cc__jv *arrivals = cc__sp_array(root, "arrivals", 1, &st);
    if (st) return st;

    /* The horizon: "hours", else the longest per-interval rate array. */
    size_t longest = 0;
    for (size_t i = 0; i < arrivals->length; i++) {
        const cc__jv *a = &arrivals->items[i];
        const cc__jv *r = cc__jv_get(a, "calls_per_hour");
        if (!r) r = cc__jv_get(a, "calls_per_interval");
        if (r && r->type == CC__JV_ARRAY && r->length > longest) longest = r->length;
    }
    if (isnan(hours)) {
        if (longest == 0)
            return cc__fail(CC_EINVAL,
                            "scenario: 'hours' is required when no rate is given as an array");
        hours = (double)longest * sc->interval_s / 3600.0;
    }
    if (hours <= 0) return cc__fail(CC_EINVAL, "scenario: 'hours' must be > 0");
    sc->horizon_s = hours * 3600.0;
    /* ceil, less a rounding allowance (2.0000000001 intervals are 2), and at least the one
     * interval a horizon shorter than an interval falls in */
    size_t default_intervals = (size_t)ceil(sc->horizon_s / sc->interval_s - 1e-9);
    if (default_intervals == 0) default_intervals = 1;
    if (default_intervals > CC__SIM_MAX_INTERVALS)
        return cc__fail(CC_EINVAL, "scenario: more than %d intervals", CC__SIM_MAX_INTERVALS);

    sc->queues = cc__calloc(queues->length, sizeof *sc->queues);
    sc->groups = cc__calloc(agents->length, sizeof *sc->groups);
    sc->streams = cc__calloc(arrivals->length, sizeof *sc->streams);
    if (!sc->queues || !sc->groups || !sc->streams) return cc__fail(CC_ENOMEM, "scenario: out of memory");
    char path[CC__SIM_PATH_MAX];
    for (size_t i = 0; i < queues->length; i++) {
        snprintf(path, sizeof path, "queues[%zu]", i);
        sc->nqueues++;
        if ((st = cc__sp_queue(&queues->items[i], path, sc->sl_threshold_s, &sc->queues[i])))
            return st;
    }
    int64_t total = 0;
    for (size_t i = 0; i < agents->length; i++) {
        snprintf(path, sizeof path, "agents[%zu]", i);
        sc->ngroups++;
        if ((st = cc__sp_group(sp, &agents->items[i], path, sc->horizon_s, sc->drain_s,
                                &sc->groups[i])))
            return st;
        total += sc->groups[i].count;
        if (total > CC__SIM_MAX_AGENTS)
            return cc__fail(CC_EINVAL, "scenario: more than %d agents", CC__SIM_MAX_AGENTS);
    }
    for (size_t i = 0; i < arrivals->length; i++) {
        snprintf(path, sizeof path, "arrivals[%zu]", i);
        sc->nstreams++;
        if ((st = cc__sp_stream(sp, &arrivals->items[i], path, sc->interval_s, default_intervals,
                                &sc->streams[i])))
            return st;
    }
    /* Expected contacts over the horizon: the run's size. */
    double expected = 0;
    for (size_t i = 0; i < sc->nstreams; i++)
        for (size_t k = 0; k < sc->streams[i].nrates; k++) {
            double a = (double)k * sc->interval_s;
            if (a >= sc->horizon_s) break;
            double b = a + sc->interval_s < sc->horizon_s ? a + sc->interval_s : sc->horizon_s;
            expected += sc->streams[i].rates_per_hour[k] * (b - a) / 3600.0;
        }
    if (expected > CC__SIM_MAX_CONTACTS)
        return cc__fail(CC_EINVAL,
                        "scenario: %.3g contacts expected, more than the %.0f a run may simulate",
                        expected, CC__SIM_MAX_CONTACTS);
    return cc__sp_names_check(sc);
}

static int cc__sp_key_cmp(const void *a, const void *b)
{
    const cc__jv *x = *(const cc__jv *const *)a, *y = *(const cc__jv *const *)b;
    int c = strcmp(x->key, y->key);
    if (c) return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* JSON allows a member twice (the reader keeps the last); a scenario does
 * not: the first value would be ignored silently. O(n log n) per object. */
static cc_status cc__sp_no_duplicates(const cc__jv *v)
{
    if (v->type != CC__JV_OBJECT && v->type != CC__JV_ARRAY) return CC_OK;
    for (size_t i = 0; i < v->length; i++) {
        cc_status st = cc__sp_no_duplicates(&v->items[i]);
        if (st) return st;
    }
    if (v->type != CC__JV_OBJECT || v->length < 2) return CC_OK;
    const cc__jv **m = cc__malloc(v->length * sizeof *m);
    if (!m) return cc__fail(CC_ENOMEM, "scenario: out of memory");
    for (size_t i = 0; i < v->length; i++) m[i] = &v->items[i];
    qsort(m, v->length, sizeof *m, cc__sp_key_cmp);
    cc_status st = CC_OK;
    for (size_t i = 1; i < v->length && !st; i++)
        if (strcmp(m[i - 1]->key, m[i]->key) == 0)
            st = cc__fail(CC_EINVAL, "scenario: member '%s' appears twice (lines %d and %d)",
                          m[i]->key, m[i - 1]->line, m[i]->line);
    cc__free(m);
    return st;
}

cc_status cc__scenario_parse(cc__scenario *sc, const char *json, size_t len, const char *base_dir)
{
    memset(sc, 0, sizeof *sc);
    cc__jv *root;
    cc_status st = cc__json_parse(json, len, &root);
    if (st) {
        if (st == CC_EPARSE) {
            char msg[256];
            cc__sp_path(msg, sizeof msg, "", "%s", cc_error_last());
            return cc__fail(CC_EPARSE, "scenario: not valid JSON: %s", msg);
        }
        return st;
    }
    cc__sp sp = {.base_dir = base_dir};
    st = cc__sp_no_duplicates(root);
    if (!st) st = cc__sp_document(&sp, root, sc);
    cc__jv_free(root);
    if (st) cc__scenario_clear(sc);
    return st;
}

static void cc__skills_free(cc__sim_skill *s, size_t n)
{
    for (size_t i = 0; i < n; i++) cc__free(s[i].name);
    cc__free(s);
}

void cc__scenario_clear(cc__scenario *sc)
{
    if (!sc) return;
    cc__free(sc->name);
    for (size_t i = 0; i < sc->nqueues; i++) {
        cc__sim_queue_spec *q = &sc->queues[i];
        cc__free(q->name);
        cc__free(q->strategy);
        cc__free(q->on_max_wait);
        cc__free(q->overflow_to);
        cc__skills_free(q->skills, q->nskills);
    }
    cc__free(sc->queues);
    for (size_t i = 0; i < sc->ngroups; i++) {
        cc__sim_group_spec *g = &sc->groups[i];
        cc__free(g->name);
        cc__skills_free(g->skills, g->nskills);
        for (size_t m = 0; m < g->nmembers; m++) cc__free(g->members[m].queue);
        cc__free(g->members);
        cc__dist_clear(&g->ring_delay_s);
        cc__free(g->breaks);
    }
    cc__free(sc->groups);
    for (size_t i = 0; i < sc->nstreams; i++) {
        cc__sim_stream_spec *s = &sc->streams[i];
        cc__free(s->queue);
        cc__free(s->rates_per_hour);
        cc__dist_clear(&s->handle_s);
        cc__dist_clear(&s->patience_s);
        cc__dist_clear(&s->wrapup_s);
        cc__skills_free(s->skills, s->nskills);
    }
    cc__free(sc->streams);
    memset(sc, 0, sizeof *sc);
}

int64_t cc__scenario_agents(const cc__scenario *sc)
{
    int64_t n = 0;
    for (size_t i = 0; i < sc->ngroups; i++) n += sc->groups[i].count;
    return n;
}
