/*
 * lib/sim/scenario_api.c - the public scenario object (callcore/sim.h):
 * parsing, loading files, the quick single-queue form, and facts used by
 * reports (expected arrivals, staffed agents per period).
 */
#include "sim_internal.h"

#include "base/error.h"
#include "base/json.h"
#include "base/mem.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define CC__SIM_MAX_FILE (64L * 1024 * 1024)

cc_status cc_sim_scenario_parse(cc_sim_scenario **out, const char *json, size_t len,
                                const char *base_dir)
{
    if (!out) return cc__fail(CC_EINVAL, "cc_sim_scenario_parse: out is NULL");
    *out = NULL;
    if (!json) return cc__fail(CC_EINVAL, "cc_sim_scenario_parse: json is NULL");
    cc_sim_scenario *s = cc__calloc(1, sizeof *s);
    if (!s) return cc__fail(CC_ENOMEM, "cc_sim_scenario_parse: out of memory");
    cc_status rc = cc__scenario_parse(&s->sc, json, len, base_dir);
    if (rc) {
        cc__free(s);
        return rc;
    }
    *out = s;
    return CC_OK;
}

cc_status cc_sim_scenario_load(cc_sim_scenario **out, const char *path)
{
    if (!out) return cc__fail(CC_EINVAL, "cc_sim_scenario_load: out is NULL");
    *out = NULL;
    if (!path) return cc__fail(CC_EINVAL, "cc_sim_scenario_load: path is NULL");
    FILE *f = fopen(path, "rb");
    if (!f) return cc__fail(CC_EIO, "scenario '%s': %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    cc_status rc = CC_OK;
    int read_errno = 0;
    for (;;) {
        if (cc__grow((void **)&buf, &cap, len + 65536, 1) != 0) {
            rc = cc__fail(CC_ENOMEM, "scenario '%s': out of memory", path);
            break;
        }
        errno = 0;
        size_t n = fread(buf + len, 1, cap - len, f);
        read_errno = errno; /* why a read failed: a directory opens, then says EISDIR */
        len += n;
        if (n == 0) break;
        if ((long)len > CC__SIM_MAX_FILE) {
            rc = cc__fail(CC_EINVAL, "scenario '%s': larger than %ld bytes", path, CC__SIM_MAX_FILE);
            break;
        }
    }
    if (rc == CC_OK && ferror(f))
        rc = cc__fail(CC_EIO, "scenario '%s': %s", path,
                      read_errno ? strerror(read_errno) : "read error");
    fclose(f);
    if (rc == CC_OK) {
        /* Data files named in the scenario resolve beside it. */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = '\0';
        rc = cc_sim_scenario_parse(out, buf ? buf : "", len, slash ? dir : NULL);
        if (rc && rc != CC_ENOMEM) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", cc_error_last());
            cc__fail(rc, "%s: %s", path, msg);
        }
    }
    cc__free(buf);
    return rc;
}

cc_status cc_sim_scenario_quick(cc_sim_scenario **out, const cc_sim_quick *q)
{
    if (!out || !q) return cc__fail(CC_EINVAL, "cc_sim_scenario_quick: NULL argument");
    *out = NULL;
    if (q->version != CC_SIM_QUICK_VERSION)
        return cc__fail(CC_EVERSION, "cc_sim_scenario_quick: version %u is not supported",
                        q->version);
    if (q->agents < 1 || q->agents > 1000000)
        return cc__fail(CC_EINVAL, "quick scenario: agents must be 1..1000000, got %lld",
                        (long long)q->agents);
    if (!(q->calls_per_hour > 0 && q->calls_per_hour <= 1e9))
        return cc__fail(CC_EINVAL, "quick scenario: calls per hour must be in (0, 1e9], got %g",
                        q->calls_per_hour);
    if (!(q->aht_s > 0 && q->aht_s <= 86400))
        return cc__fail(CC_EINVAL, "quick scenario: AHT must be in (0, 86400] s, got %g", q->aht_s);
    if (!(q->patience_s >= 0 && q->patience_s <= 864000))
        return cc__fail(CC_EINVAL, "quick scenario: patience must be in [0, 864000] s, got %g",
                        q->patience_s);
    if (!(q->hours > 0 && q->hours <= 24 * 366))
        return cc__fail(CC_EINVAL, "quick scenario: hours must be in (0, 8784], got %g", q->hours);
    if (!(q->sl_threshold_s >= 0 && q->sl_threshold_s <= 86400))
        return cc__fail(CC_EINVAL, "quick scenario: SL threshold must be in [0, 86400] s, got %g",
                        q->sl_threshold_s);
    if (!(q->interval_min >= 0 && q->interval_min <= 1440))
        return cc__fail(CC_EINVAL, "quick scenario: interval must be in [0, 1440] min, got %g",
                        q->interval_min);
    if (q->seed > 9007199254740992ull)
        return cc__fail(CC_EINVAL, "quick scenario: seed must be at most 2^53");
    /* The quick form is written as a scenario document, so it goes through
     * exactly the checks and defaults a file would. */
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    cc__json_kv_int(&j, "version", 1);
    cc__json_kv_string(&j, "name", "quick");
    cc__json_kv_int(&j, "seed", (int64_t)q->seed);
    cc__json_kv_double(&j, "hours", q->hours);
    cc__json_kv_double(&j, "interval_min", q->interval_min > 0 ? q->interval_min : 30);
    cc__json_kv_double(&j, "sl_threshold_s", q->sl_threshold_s > 0 ? q->sl_threshold_s : 20);
    cc__json_key(&j, "queues");
    cc__json_array_begin(&j);
    cc__json_object_begin(&j);
    cc__json_kv_string(&j, "name", "queue");
    cc__json_object_end(&j);
    cc__json_array_end(&j);
    cc__json_key(&j, "agents");
    cc__json_array_begin(&j);
    cc__json_object_begin(&j);
    cc__json_kv_string(&j, "name", "agent");
    cc__json_kv_int(&j, "count", q->agents);
    cc__json_key(&j, "queues");
    cc__json_array_begin(&j);
    cc__json_string(&j, "queue");
    cc__json_array_end(&j);
    cc__json_object_end(&j);
    cc__json_array_end(&j);
    cc__json_key(&j, "arrivals");
    cc__json_array_begin(&j);
    cc__json_object_begin(&j);
    cc__json_kv_string(&j, "queue", "queue");
    cc__json_kv_double(&j, "calls_per_hour", q->calls_per_hour);
    cc__json_key(&j, "handle_s");
    cc__json_object_begin(&j);
    cc__json_kv_string(&j, "dist", "exponential");
    cc__json_kv_double(&j, "mean", q->aht_s);
    cc__json_object_end(&j);
    if (q->patience_s > 0) {
        cc__json_key(&j, "patience_s");
        cc__json_object_begin(&j);
        cc__json_kv_string(&j, "dist", "exponential");
        cc__json_kv_double(&j, "mean", q->patience_s);
        cc__json_object_end(&j);
    }
    cc__json_object_end(&j);
    cc__json_array_end(&j);
    cc__json_object_end(&j);
    char *doc = cc__json_take(&j);
    if (!doc) return cc__fail(CC_ENOMEM, "quick scenario: out of memory");
    cc_status rc = cc_sim_scenario_parse(out, doc, strlen(doc), NULL);
    cc__free(doc);
    return rc;
}

void cc_sim_scenario_free(cc_sim_scenario *self)
{
    if (!self) return;
    cc__scenario_clear(&self->sc);
    cc__free(self);
}

double cc_sim_scenario_hours(const cc_sim_scenario *self)
{
    return self ? self->sc.horizon_s / 3600.0 : NAN;
}

double cc_sim_scenario_interval_s(const cc_sim_scenario *self)
{
    return self ? self->sc.interval_s : NAN;
}

uint64_t cc_sim_scenario_seed(const cc_sim_scenario *self)
{
    return self ? self->sc.seed : 0;
}

int64_t cc_sim_scenario_agents(const cc_sim_scenario *self)
{
    return self ? cc__scenario_agents(&self->sc) : -1;
}

static double cc__overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0.0;
}

double cc_sim_scenario_expected_arrivals(const cc_sim_scenario *self, double from_s, double to_s)
{
    if (!self || !(to_s >= from_s)) return cc__fail_nan("expected arrivals: bad period");
    const cc__scenario *sc = &self->sc;
    double total = 0.0;
    for (size_t i = 0; i < sc->nstreams; i++) {
        const cc__sim_stream_spec *st = &sc->streams[i];
        for (size_t k = 0; k < st->nrates; k++) {
            double a = (double)k * sc->interval_s, b = a + sc->interval_s;
            if (b > sc->horizon_s) b = sc->horizon_s;
            total += st->rates_per_hour[k] / 3600.0 * cc__overlap(a, b, from_s, to_s);
        }
    }
    return total;
}

double cc_sim_scenario_staffed(const cc_sim_scenario *self, double from_s, double to_s)
{
    if (!self || !(to_s > from_s)) return cc__fail_nan("staffed agents: bad period");
    const cc__scenario *sc = &self->sc;
    double agent_s = 0.0;
    for (size_t g = 0; g < sc->ngroups; g++) {
        const cc__sim_group_spec *gs = &sc->groups[g];
        double t = cc__overlap(gs->shift_start_s, gs->shift_end_s, from_s, to_s);
        for (size_t b = 0; b < gs->nbreaks; b++)
            t -= cc__overlap(gs->breaks[b].start_s, gs->breaks[b].start_s + gs->breaks[b].length_s,
                             from_s, to_s);
        agent_s += t * (double)gs->count;
    }
    return agent_s / (to_s - from_s);
}
