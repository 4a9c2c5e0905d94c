/*
 * lib/sim/sim_check.c - checking one interval's staffing by replicated
 * simulation (cc_sim_check_staffing, callcore/sim.h).
 *
 * Independent replications with different seeds give independent estimates,
 * so the 95% confidence interval of each mean is t(0.975, r - 1) * s / sqrt(r)
 * (the batch-means idea with whole runs as batches). Each run starts empty;
 * the runs are long (100 hours by default) so the start-up transient weighs
 * little.
 */
#include "sim_internal.h"

#include "base/error.h"

#include <math.h>
#include <string.h>

/* Student t quantile t(0.975, df) for df = 1..30; beyond, the normal 1.96
 * is within 2% (and errs on the generous side only below df = 30). */
static double cc__t975(int df)
{
    static const double t[31] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                 2.306,  2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                 2.120,  2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                 2.064,  2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
    if (df < 1) return NAN;
    return df <= 30 ? t[df] : 1.96;
}

static void cc__mean_ci(const double *x, int n, double *mean, double *ci)
{
    double m = 0, v = 0;
    for (int i = 0; i < n; i++) m += x[i];
    m /= n;
    for (int i = 0; i < n; i++) v += (x[i] - m) * (x[i] - m);
    v /= (n - 1);
    *mean = m;
    *ci = cc__t975(n - 1) * sqrt(v / n);
}

#define CC__CHECK_MAX_REPS 1000

cc_status cc_sim_check_staffing(cc_sim_check_result *out, const cc_sim_check *in)
{
    if (!out || !in) return cc__fail(CC_EINVAL, "cc_sim_check_staffing: NULL argument");
    memset(out, 0, sizeof *out);
    if (in->version != CC_SIM_CHECK_VERSION)
        return cc__fail(CC_EVERSION, "cc_sim_check_staffing: version %u is not supported",
                        in->version);
    int reps = in->replications ? in->replications : 5;
    if (reps < 2 || reps > CC__CHECK_MAX_REPS)
        return cc__fail(CC_EINVAL, "staffing check: replications must be 2..%d, got %d",
                        CC__CHECK_MAX_REPS, reps);
    /* 0 means the default; anything else not > 0 (negative, NaN) is an error, not
     * the default: "hours > 0 ? hours : 100" ran 100 hours for it silently. */
    if (!(in->hours == 0 || in->hours > 0))
        return cc__fail(CC_EINVAL, "staffing check: hours must be > 0 (0 = 100), got %g",
                        in->hours);
    cc_sim_quick q = CC_SIM_QUICK_INIT;
    q.agents = in->agents;
    q.calls_per_hour = in->calls_per_hour;
    q.aht_s = in->aht_s;
    q.patience_s = in->patience_s;
    q.hours = in->hours > 0 ? in->hours : 100;
    q.sl_threshold_s = in->sl_threshold_s;
    /* One report interval for the whole run: the figures are totals. */
    q.interval_min = 1440;
    cc_sim_scenario *sc;
    cc_status rc = cc_sim_scenario_quick(&sc, &q);
    if (rc) return rc;
    double sl[CC__CHECK_MAX_REPS], asa[CC__CHECK_MAX_REPS], ab[CC__CHECK_MAX_REPS],
        occ[CC__CHECK_MAX_REPS];
    uint64_t first = in->seed ? in->seed : 1;
    for (int r = 0; r < reps && rc == CC_OK; r++) {
        cc_sim_options o = CC_SIM_OPTIONS_INIT;
        o.seed = first + (uint64_t)r;
        cc_sim *run;
        if ((rc = cc_sim_new(&run, sc, &o))) break;
        rc = cc_sim_run(run);
        cc_kpi_report *rep = NULL;
        if (!rc) rc = cc_sim_report(run, &rep);
        if (!rc) {
            const cc_kpi_figures *f = &rep->totals;
            sl[r] = f->service_level;
            asa[r] = f->answered ? f->asa_s : 0.0;
            ab[r] = f->offered ? (double)f->abandoned / (double)f->offered : 0.0;
            occ[r] = f->occupancy;
            out->contacts += f->offered;
        }
        cc_kpi_report_free(rep);
        cc_sim_free(run);
    }
    cc_sim_scenario_free(sc);
    if (rc) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    out->replications = reps;
    cc__mean_ci(sl, reps, &out->service_level, &out->service_level_ci);
    cc__mean_ci(asa, reps, &out->asa_s, &out->asa_s_ci);
    cc__mean_ci(ab, reps, &out->abandon_rate, &out->abandon_rate_ci);
    cc__mean_ci(occ, reps, &out->occupancy, &out->occupancy_ci);
    return CC_OK;
}
