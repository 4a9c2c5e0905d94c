/*
 * lib/wfm/schedule.c - shift scheduling as a set-covering integer program solved by CBC.
 *
 * Columns: every (template, start, break start); column j works the intervals of its shift
 * except its break. Rows: one per interval, sum of the columns working it (+ a shortage
 * column when under_cost > 0) >= required. The matrix is built column by column in
 * compressed sparse column form: O(total worked intervals) memory.
 */
#include "base/error.h"
#include "base/mem.h"
#include "callcore/erlang.h"
#include "callcore/schedule.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#if defined(CC_HAVE_CBC)
#include <Cbc_C_Interface.h>
#include <pthread.h>

/* CBC 2.10's solve keeps state in globals (its command-line driver's), so two models
 * solved at once in two threads can spoil each other (seen: no solution reported within
 * seconds of a 60 s limit). Solves are serialised; everything else here is reentrant. */
static pthread_mutex_t cc__cbc_mu = PTHREAD_MUTEX_INITIALIZER;
#endif

/* Largest number of columns accepted: bounds memory and solve time. */
#define CC__SCHED_MAX_COLUMNS 2000000L

/* Largest number of (column, interval of its shift) cells accepted: the work of building
 * the program and its nonzeros (12 bytes each here, more in CBC) grow with it, not with the
 * columns alone. A week of 15-minute intervals with thousands of starts and break positions
 * stays below a tenth of it; without it, one 100,000-interval shift with a 100,000-wide
 * break window (10^5 columns) ran 10^10 steps before running out of memory. */
#define CC__SCHED_MAX_CELLS 20000000L

struct cc_schedule {
    size_t n;
    cc_shift_assignment *assign;
    size_t nassign;
    int *coverage, *over, *under;
    double *sl;
    int agents;
    double cost;
    int optimal;
};

/* One column of the program: which template, when it starts and when its break starts. */
typedef struct cc__sched_col {
    int shift, start, break_start;
} cc__sched_col;

void cc_schedule_free(cc_schedule *self)
{
    if (!self) return;
    cc__free(self->assign);
    cc__free(self->coverage);
    cc__free(self->over);
    cc__free(self->under);
    cc__free(self->sl);
    cc__free(self);
}

const cc_shift_assignment *cc_schedule_assignments(const cc_schedule *self, size_t *count)
{
    if (count) *count = self ? self->nassign : 0;
    return self ? self->assign : NULL;
}
const int *cc_schedule_coverage(const cc_schedule *self)
{
    return self ? self->coverage : NULL;
}
const int *cc_schedule_over(const cc_schedule *self)
{
    return self ? self->over : NULL;
}
const int *cc_schedule_under(const cc_schedule *self)
{
    return self ? self->under : NULL;
}
const double *cc_schedule_service_level(const cc_schedule *self)
{
    return self ? self->sl : NULL;
}
size_t cc_schedule_intervals(const cc_schedule *self)
{
    return self ? self->n : 0;
}
int cc_schedule_agents(const cc_schedule *self)
{
    return self ? self->agents : 0;
}
double cc_schedule_cost(const cc_schedule *self)
{
    return self ? self->cost : NAN;
}
int cc_schedule_optimal(const cc_schedule *self)
{
    return self ? self->optimal : 0;
}

/* Largest shift cost and under_cost. CLP aborts the process (assert: an objective
 * coefficient must be below 1e25) on a larger one, so a CSV cost of 1e25 or
 * --under-cost 1e308 killed `callcore schedule`; 1e20 stays clear of it. */
#define CC__SCHED_MAX_COST 1e20

static cc_status cc__sched_check_template(const cc_shift_template *t, size_t i, size_t n)
{
    if (t->length < 1 || t->start_first < 0 || t->start_last < t->start_first ||
        t->start_step < 0 || (size_t)t->start_last + (size_t)t->length > n)
        return cc__fail(CC_EINVAL,
                        "schedule: shift %zu must start in [0, n - length] with "
                        "start_first <= start_last and length >= 1 (n = %zu)",
                        i, n);
    /* latest > length - break_length, not latest + break_length > length: the sum of two
     * ints up to INT_MAX overflows, and a wrapped (negative) sum passed the check. */
    if (t->break_length < 0 ||
        (t->break_length > 0 && (t->break_earliest < 0 || t->break_latest < t->break_earliest ||
                                 t->break_latest > t->length - t->break_length)))
        return cc__fail(CC_EINVAL,
                        "schedule: shift %zu: its break must fit inside the shift "
                        "(0 <= earliest <= latest, latest + length <= shift length)",
                        i);
    if (!(t->cost >= 0.0 && t->cost <= CC__SCHED_MAX_COST))
        return cc__fail(CC_EINVAL, "schedule: shift %zu: cost must be in [0, %g], got %g", i,
                        CC__SCHED_MAX_COST, t->cost);
    return CC_OK;
}

#if defined(CC_HAVE_CBC)
/* Everything below up to cc__sched_options builds and reads the program: CBC builds only. */

static int cc__sched_step(const cc_shift_template *t)
{
    return t->start_step > 0 ? t->start_step : 1;
}

/* Columns of template t: starts x break starts. */
static long cc__sched_template_columns(const cc_shift_template *t)
{
    long starts = (t->start_last - t->start_first) / cc__sched_step(t) + 1;
    long breaks = t->break_length > 0 ? t->break_latest - t->break_earliest + 1 : 1;
    return starts * breaks;
}

/* 1 if column c works interval i. */
static int cc__sched_works(const cc__sched_col *c, const cc_shift_template *t, int i)
{
    if (i < c->start || i >= c->start + t->length) return 0;
    return c->break_start < 0 || i < c->break_start || i >= c->break_start + t->break_length;
}

static cc_status cc__sched_enumerate(cc__sched_col **out, long *ncols, const cc_shift_template *tpl,
                                     size_t ntpl)
{
    long total = 0, cells = 0;
    for (size_t k = 0; k < ntpl; k++) {
        long cols = cc__sched_template_columns(&tpl[k]);
        total += cols;
        if (total > CC__SCHED_MAX_COLUMNS)
            return cc__fail(CC_EINVAL, "schedule: more than %ld (shift, start, break) choices",
                            CC__SCHED_MAX_COLUMNS);
        /* cols <= 2e6 and length <= n: checked by division, the product may not fit */
        if (tpl[k].length > (CC__SCHED_MAX_CELLS - cells) / cols)
            return cc__fail(CC_EINVAL,
                            "schedule: more than %ld (choice, interval worked) cells: fewer "
                            "starts or break positions, or shorter shifts (shift %zu)",
                            CC__SCHED_MAX_CELLS, k);
        cells += cols * tpl[k].length;
    }
    cc__sched_col *cols = cc__malloc((size_t)(total ? total : 1) * sizeof *cols);
    if (!cols) return cc__fail(CC_ENOMEM, "schedule: out of memory for %ld columns", total);
    long j = 0;
    for (size_t k = 0; k < ntpl; k++) {
        const cc_shift_template *t = &tpl[k];
        /* Count the starts rather than step past start_last: s + step can exceed INT_MAX
         * (any step up to INT_MAX is valid), and the wrapped sum would start the loop again
         * below start_last, writing columns that were never counted. i * step stays at
         * most start_last - start_first. */
        long starts = (t->start_last - t->start_first) / cc__sched_step(t) + 1;
        for (long i = 0; i < starts; i++) {
            int s = t->start_first + (int)i * cc__sched_step(t);
            if (t->break_length == 0) {
                cols[j++] = (cc__sched_col){(int)k, s, -1};
                continue;
            }
            for (int b = t->break_earliest; b <= t->break_latest; b++)
                cols[j++] = (cc__sched_col){(int)k, s, s + b};
        }
    }
    *out = cols;
    *ncols = j;
    return CC_OK;
}

/*
 * Coverage, over/under, service level and assignments from the integer solution x. Every
 * x_j is at most the largest requirement and every coverage at most CC_ERLANG_MAX_AGENTS
 * (bounds of the program), so the ints below cannot overflow; the total over all shifts
 * can pass INT_MAX (10^7 agents in each of 215 intervals), which is CC_ERANGE.
 */
static cc_status cc__sched_fill(cc_schedule *s, const cc_schedule_options *o, const int *req,
                                const double *traffic, const cc__sched_col *cols, long ncols,
                                const cc_shift_template *tpl, const double *x)
{
    size_t n = s->n;
    long long total = 0;
    for (long j = 0; j < ncols; j++) {
        int a = (int)lround(x[j]);
        if (a <= 0) continue;
        const cc__sched_col *c = &cols[j];
        const cc_shift_template *t = &tpl[c->shift];
        for (int i = c->start; i < c->start + t->length; i++)
            if (cc__sched_works(c, t, i)) s->coverage[i] += a;
        s->assign[s->nassign++] = (cc_shift_assignment){c->shift, c->start, c->break_start, a};
        total += a;
        s->cost += a * t->cost;
    }
    if (total > INT_MAX)
        return cc__fail(CC_ERANGE, "schedule: the schedule has %lld agents in all, more than %d",
                        total, INT_MAX);
    s->agents = (int)total;
    double t_aht = o->target_s / o->aht_s;
    for (size_t i = 0; i < n; i++) {
        int d = s->coverage[i] - req[i];
        s->over[i] = d > 0 ? d : 0;
        s->under[i] = d < 0 ? -d : 0;
        if (!traffic) {
            s->sl[i] = NAN;
        } else if (traffic[i] <= 0.0) {
            s->sl[i] = 1.0;
        } else if ((double)s->coverage[i] <= traffic[i]) {
            s->sl[i] = 0.0; /* the queue would grow without bound */
        } else {
            s->sl[i] = cc_erlang_c_service_level(s->coverage[i], traffic[i], t_aht);
        }
    }
    return CC_OK;
}

static cc_status cc__sched_alloc(cc_schedule **out, size_t n, long ncols)
{
    cc_schedule *s = cc__calloc(1, sizeof *s);
    if (!s) return cc__fail(CC_ENOMEM, "schedule: out of memory");
    s->n = n;
    s->assign = cc__calloc((size_t)(ncols ? ncols : 1), sizeof *s->assign);
    s->coverage = cc__calloc(n ? n : 1, sizeof(int));
    s->over = cc__calloc(n ? n : 1, sizeof(int));
    s->under = cc__calloc(n ? n : 1, sizeof(int));
    s->sl = cc__calloc(n ? n : 1, sizeof(double));
    if (!s->assign || !s->coverage || !s->over || !s->under || !s->sl) {
        cc_schedule_free(s);
        return cc__fail(CC_ENOMEM, "schedule: out of memory for %zu intervals", n);
    }
    *out = s;
    return CC_OK;
}

/* With hard coverage, an interval that needs agents and that no column works makes the
 * program infeasible: say which, instead of letting the solver say "infeasible". O(cols*len). */
static cc_status cc__sched_precheck(const int *req, size_t n, const cc__sched_col *cols, long ncols,
                                    const cc_shift_template *tpl, int *worked)
{
    memset(worked, 0, n * sizeof *worked);
    for (long j = 0; j < ncols; j++) {
        const cc_shift_template *t = &tpl[cols[j].shift];
        for (int i = cols[j].start; i < cols[j].start + t->length; i++)
            if (cc__sched_works(&cols[j], t, i)) worked[i] = 1;
    }
    for (size_t i = 0; i < n; i++)
        if (req[i] > 0 && !worked[i])
            return cc__fail(CC_EINFEASIBLE,
                            "schedule: interval %zu needs %d agents but no shift "
                            "works it",
                            i, req[i]);
    return CC_OK;
}

/* Builds and solves the program; x[ncols] receives the solution. */
static cc_status cc__sched_cbc(const cc_schedule_options *o, const int *req, size_t n,
                               const cc__sched_col *cols, long ncols, const cc_shift_template *tpl,
                               double *x, int *optimal)
{
    int use_under = o->under_cost > 0.0;
    long total_cols = ncols + (use_under ? (long)n : 0);
    if (total_cols == 0) {
        /* No shift and no shortage column: the caller's precheck has found nothing
         * required, so the empty schedule is the proven optimum. CBC, given no columns,
         * reports no solution at all (which read as CC_ETIMEOUT). */
        *optimal = 1;
        return CC_OK;
    }
    size_t nnz = 0;
    for (long j = 0; j < ncols; j++) {
        const cc_shift_template *t = &tpl[cols[j].shift];
        nnz += (size_t)(t->length - t->break_length);
    }
    if (use_under) nnz += n;
    CoinBigIndex *start = cc__malloc((size_t)(total_cols + 1) * sizeof *start);
    int *index = cc__malloc((nnz ? nnz : 1) * sizeof *index);
    double *value = cc__malloc((nnz ? nnz : 1) * sizeof *value);
    double *obj = cc__malloc((size_t)(total_cols ? total_cols : 1) * sizeof *obj);
    double *rowlb = cc__malloc((n ? n : 1) * sizeof *rowlb);
    double *rowub = cc__malloc((n ? n : 1) * sizeof *rowub);
    double *colub = cc__malloc((size_t)(total_cols ? total_cols : 1) * sizeof *colub);
    cc_status st = CC_OK;
    Cbc_Model *model = NULL;
    int locked = 0;
    if (!start || !index || !value || !obj || !rowlb || !rowub || !colub) {
        st = cc__fail(CC_ENOMEM, "schedule: out of memory for the program (%zu nonzeros)", nnz);
        goto done;
    }
    /* Bounds that keep the answer in int range: no optimal schedule needs more agents on one
     * column than the largest requirement (clamping a column there leaves every interval it
     * works covered, at no more cost), and no interval may have more than
     * CC_ERLANG_MAX_AGENTS working (its service level is Erlang C's). */
    int max_req = 0;
    for (size_t i = 0; i < n; i++) {
        if (req[i] > max_req) max_req = req[i];
        rowlb[i] = req[i];
        rowub[i] = CC_ERLANG_MAX_AGENTS;
    }
    size_t k = 0;
    for (long j = 0; j < ncols; j++) {
        const cc_shift_template *t = &tpl[cols[j].shift];
        start[j] = (CoinBigIndex)k;
        obj[j] = t->cost;
        colub[j] = max_req;
        for (int i = cols[j].start; i < cols[j].start + t->length; i++)
            if (cc__sched_works(&cols[j], t, i)) {
                index[k] = i;
                value[k++] = 1.0;
            }
    }
    for (long u = 0; use_under && u < (long)n; u++) {
        start[ncols + u] = (CoinBigIndex)k;
        obj[ncols + u] = o->under_cost;
        colub[ncols + u] = req[u];
        index[k] = (int)u;
        value[k++] = 1.0;
    }
    start[total_cols] = (CoinBigIndex)k;
    pthread_mutex_lock(&cc__cbc_mu);
    locked = 1;
    model = Cbc_newModel();
    if (!model) {
        st = cc__fail(CC_ENOMEM, "schedule: CBC could not create a model");
        goto done;
    }
    Cbc_loadProblem(model, (int)total_cols, (int)n, start, index, value, NULL, colub, obj, rowlb,
                    rowub);
    for (long j = 0; j < total_cols; j++)
        Cbc_setInteger(model, (int)j);
    Cbc_setLogLevel(model, 0);
    Cbc_setMaximumSeconds(model, o->max_seconds);
    Cbc_solve(model);
    if (Cbc_isProvenInfeasible(model)) {
        st = cc__fail(CC_EINFEASIBLE, "schedule: no combination of the shifts covers every "
                                      "requirement");
        goto done;
    }
    const double *sol = Cbc_bestSolution(model);
    if (!sol) {
        st = cc__fail(CC_ETIMEOUT, "schedule: CBC found no schedule within %g s", o->max_seconds);
        goto done;
    }
    memcpy(x, sol, (size_t)ncols * sizeof *x);
    *optimal = Cbc_isProvenOptimal(model) ? 1 : 0;
done:
    if (model) Cbc_deleteModel(model);
    if (locked) pthread_mutex_unlock(&cc__cbc_mu);
    cc__free(start);
    cc__free(index);
    cc__free(value);
    cc__free(obj);
    cc__free(rowlb);
    cc__free(rowub);
    cc__free(colub);
    return st;
}
#endif

static cc_status cc__sched_options(cc_schedule_options *o, const cc_schedule_options *opt)
{
    static const cc_schedule_options defaults = CC_SCHEDULE_OPTIONS_INIT;
    *o = opt ? *opt : defaults;
    if (o->version != CC_SCHEDULE_OPTIONS_VERSION)
        return cc__fail(CC_EVERSION, "schedule options: version %u is not supported (want %d)",
                        (unsigned)o->version, CC_SCHEDULE_OPTIONS_VERSION);
    if (o->max_seconds == 0.0) o->max_seconds = 60.0;
    if (o->interval_s == 0.0) o->interval_s = 900.0;
    if (o->aht_s == 0.0) o->aht_s = 180.0;
    if (o->target_s == 0.0) o->target_s = 20.0;
    if (!(o->under_cost >= 0.0) || !isfinite(o->under_cost) || !(o->max_seconds > 0.0) ||
        !(o->interval_s > 0.0) || !(o->aht_s > 0.0) || !(o->target_s >= 0.0))
        return cc__fail(CC_EINVAL, "schedule options: under_cost >= 0, max_seconds, interval_s, "
                                   "aht_s > 0 and target_s >= 0 are required");
    if (o->under_cost > CC__SCHED_MAX_COST)
        return cc__fail(CC_EINVAL, "schedule options: under_cost must be at most %g, got %g",
                        CC__SCHED_MAX_COST, o->under_cost);
    /* The service level takes target_s / aht_s, which cc_erlang_c_service_level refuses
     * (NaN) when it is not finite: an infinite target_s or aht_s, or a ratio past the double
     * range (1e10 s over 1e-300 s), gave a NaN service level in every interval. */
    if (!isfinite(o->aht_s) || !isfinite(o->target_s) || !isfinite(o->target_s / o->aht_s))
        return cc__fail(CC_EINVAL,
                        "schedule options: aht_s (%g) and target_s (%g) must be finite, and "
                        "so must target_s / aht_s",
                        o->aht_s, o->target_s);
    return CC_OK;
}

cc_status cc_schedule_solve(cc_schedule **out, const cc_schedule_options *opt, const int *required,
                            const double *traffic, size_t n, const cc_shift_template *templates,
                            size_t ntemplates)
{
    if (!out) return cc__fail(CC_EINVAL, "cc_schedule_solve: out is NULL");
    *out = NULL;
    cc_schedule_options o;
    cc_status st = cc__sched_options(&o, opt);
    if (st) return st;
    if (n == 0 || !required || (ntemplates > 0 && !templates) || n > 1000000)
        return cc__fail(CC_EINVAL, "cc_schedule_solve: need 1..1000000 intervals of "
                                   "requirements and a template array");
    for (size_t i = 0; i < n; i++) {
        if (required[i] < 0 || required[i] > CC_ERLANG_MAX_AGENTS)
            return cc__fail(CC_EINVAL,
                            "schedule: interval %zu requires %d agents: must be in [0, %d]", i,
                            required[i], CC_ERLANG_MAX_AGENTS);
        if (traffic && (!isfinite(traffic[i]) || traffic[i] < 0.0))
            return cc__fail(CC_EINVAL, "schedule: interval %zu: traffic %g", i, traffic[i]);
    }
    for (size_t k = 0; k < ntemplates; k++)
        if ((st = cc__sched_check_template(&templates[k], k, n))) return st;
#if !defined(CC_HAVE_CBC)
    return cc__fail(CC_EUNSUPPORTED, "schedule: libcallcore was built without COIN-OR CBC "
                                     "(meson -Dcbc=enabled)");
#else
    cc__sched_col *cols = NULL;
    long ncols = 0;
    double *x = NULL;
    int *worked = NULL, optimal = 0;
    cc_schedule *s = NULL;
    if ((st = cc__sched_enumerate(&cols, &ncols, templates, ntemplates))) return st;
    x = cc__calloc((size_t)(ncols ? ncols : 1), sizeof *x);
    worked = cc__malloc(n * sizeof *worked);
    if (!x || !worked) {
        st = cc__fail(CC_ENOMEM, "schedule: out of memory");
        goto done;
    }
    if (o.under_cost == 0.0 &&
        (st = cc__sched_precheck(required, n, cols, ncols, templates, worked)))
        goto done;
    if ((st = cc__sched_cbc(&o, required, n, cols, ncols, templates, x, &optimal))) goto done;
    if ((st = cc__sched_alloc(&s, n, ncols))) goto done;
    s->optimal = optimal;
    if ((st = cc__sched_fill(s, &o, required, traffic, cols, ncols, templates, x))) {
        cc_schedule_free(s);
        goto done;
    }
    *out = s;
done:
    cc__free(cols);
    cc__free(x);
    cc__free(worked);
    return st;
#endif
}
