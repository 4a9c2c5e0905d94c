/*
 * bindings/swig/wfm.i - workforce maths: Erlang B/C/A (callcore/erlang.h) and
 * staffing (callcore/staffing.h).
 *
 * Pure functions returning NaN (or -1 for counts) on invalid input raise the
 * language's error with the detail message instead (CC_CHECKED_DOUBLE /
 * CC_CHECKED_COUNT of the overlay). Scripts see:
 *   cc_erlang_a_eval(agents, traffic, patience_aht, t_aht) -> mapping
 *   cc_staffing_solve(options, calls, interval_s, aht_s) -> mapping
 *   cc_sw_staffing_plan(options, calls[], aht_s[] or nil, aht_default_s,
 *                       interval_s) -> mapping of columns (one array per
 *                       cc_staffing_result field, one entry per interval)
 * with staffing options keys: goal ("service_level", "asa", "abandon" or
 * CC_STAFFING_*), target_sl, target_s, target_asa_s, target_abandon,
 * patience_s, max_occupancy, shrinkage. Interval arrays are any sequence of
 * numbers (and numpy arrays in Python, read without a copy when float64
 * and contiguous).
 */
%{
#include <stddef.h>
#include "callcore/erlang.h"
#define CC_SW_ZERO_INIT {0}
#include "callcore/staffing.h"

static const char *const cc_sw_staffing_keys[] = {"goal", "target_sl", "target_s",
    "target_asa_s", "target_abandon", "patience_s", "max_occupancy", "shrinkage", NULL};

static int cc_sw_fill_staffing_options(cc_sw_obj m, cc_staffing_options *o, cc_sw_arena *arena)
{
    cc_staffing_options init = CC_STAFFING_OPTIONS_INIT;
    int goal = init.goal;
    (void)arena;
    *o = init;
    if (cc_sw_kind(m, "goal") == CC_SW_STR) {
        const char *name = NULL;
        if (cc_sw_get_str(m, "goal", &name) != 0) return -1;
        if (strcmp(name, "service_level") == 0) goal = CC_STAFFING_SERVICE_LEVEL;
        else if (strcmp(name, "asa") == 0) goal = CC_STAFFING_ASA;
        else if (strcmp(name, "abandon") == 0) goal = CC_STAFFING_ABANDON;
        else return cc_sw_fail("unknown staffing goal '%s' (service_level, asa, abandon)", name);
    } else if (cc_sw_get_int(m, "goal", &goal) != 0) {
        return -1;
    }
    if (cc_sw_check_keys(m, "staffing options", cc_sw_staffing_keys) ||
        cc_sw_get_f64(m, "target_sl", &o->target_sl) ||
        cc_sw_get_f64(m, "target_s", &o->target_s) ||
        cc_sw_get_f64(m, "target_asa_s", &o->target_asa_s) ||
        cc_sw_get_f64(m, "target_abandon", &o->target_abandon) ||
        cc_sw_get_f64(m, "patience_s", &o->patience_s) ||
        cc_sw_get_f64(m, "max_occupancy", &o->max_occupancy) ||
        cc_sw_get_f64(m, "shrinkage", &o->shrinkage))
        return -1;
    o->goal = (cc_staffing_goal)goal;
    return 0;
}

static void cc_sw_put_staffing_result(cc_sw_out d, const cc_staffing_result *r)
{
    cc_sw_put_i64(d, "agents", r->agents);
    cc_sw_put_i64(d, "scheduled_agents", r->scheduled_agents);
    cc_sw_put_f64(d, "traffic", r->traffic);
    cc_sw_put_f64(d, "p_wait", r->p_wait);
    cc_sw_put_f64(d, "service_level", r->service_level);
    cc_sw_put_f64(d, "asa_s", r->asa_s);
    cc_sw_put_f64(d, "occupancy", r->occupancy);
    cc_sw_put_f64(d, "p_abandon", r->p_abandon);
}

static void cc_sw_put_erlang_a(cc_sw_out d, const cc_erlang_a_metrics *m)
{
    cc_sw_put_f64(d, "p_wait", m->p_wait);
    cc_sw_put_f64(d, "p_abandon", m->p_abandon);
    cc_sw_put_f64(d, "p_abandon_if_waiting", m->p_abandon_if_waiting);
    cc_sw_put_f64(d, "mean_wait_all", m->mean_wait_all);
    cc_sw_put_f64(d, "asa_answered", m->asa_answered);
    cc_sw_put_f64(d, "mean_queue", m->mean_queue);
    cc_sw_put_f64(d, "occupancy", m->occupancy);
    cc_sw_put_f64(d, "p_wait_gt_t", m->p_wait_gt_t);
    cc_sw_put_f64(d, "p_wait_le_t", m->p_wait_le_t);
    cc_sw_put_f64(d, "sl_offered", m->sl_offered);
    cc_sw_put_f64(d, "sl_answered", m->sl_answered);
    cc_sw_put_f64(d, "p_abandon_within_t", m->p_abandon_within_t);
}

/* A plan's results, column by column (see cc_sw_staffing_plan). */
typedef struct cc_sw_plan {
    cc_staffing_result *rows; /* malloc'd, n entries; freed after the call */
    size_t n;
} cc_sw_plan;
#define CC_SW_PLAN_INIT {NULL, 0}

static void cc_sw_put_plan(cc_sw_out d, const cc_sw_plan *p)
{
    cc_sw_put_column_i(d, "agents", p->rows, p->n, sizeof(cc_staffing_result), offsetof(cc_staffing_result, agents));
    cc_sw_put_column_i(d, "scheduled_agents", p->rows, p->n, sizeof(cc_staffing_result),
                       offsetof(cc_staffing_result, scheduled_agents));
    cc_sw_put_column_f(d, "traffic", p->rows, p->n, sizeof(cc_staffing_result), offsetof(cc_staffing_result, traffic));
    cc_sw_put_column_f(d, "p_wait", p->rows, p->n, sizeof(cc_staffing_result), offsetof(cc_staffing_result, p_wait));
    cc_sw_put_column_f(d, "service_level", p->rows, p->n, sizeof(cc_staffing_result),
                       offsetof(cc_staffing_result, service_level));
    cc_sw_put_column_f(d, "asa_s", p->rows, p->n, sizeof(cc_staffing_result), offsetof(cc_staffing_result, asa_s));
    cc_sw_put_column_f(d, "occupancy", p->rows, p->n, sizeof(cc_staffing_result), offsetof(cc_staffing_result, occupancy));
    cc_sw_put_column_f(d, "p_abandon", p->rows, p->n, sizeof(cc_staffing_result), offsetof(cc_staffing_result, p_abandon));
}
%}

/* NaN / -1 with a detail message raise; the detail is cleared first. */
%apply double CC_CHECKED_DOUBLE {
    double cc_erlang_b, double cc_erlang_b_log10, double cc_erlang_b_traffic,
    double cc_erlang_c, double cc_erlang_c_log10, double cc_erlang_c_service_level,
    double cc_erlang_c_asa, double cc_erlang_c_wait_if_waiting, double cc_erlang_c_occupancy,
    double cc_erlang_a_p_abandon, double cc_erlang_a_service_level };
%apply int CC_CHECKED_COUNT { int cc_staffing_agents_for_sl };
%cc_checked_math(cc_erlang_b)
%cc_checked_math(cc_erlang_b_log10)
%cc_checked_math(cc_erlang_b_traffic)
%cc_checked_math(cc_erlang_c)
%cc_checked_math(cc_erlang_c_log10)
%cc_checked_math(cc_erlang_c_service_level)
%cc_checked_math(cc_erlang_c_asa)
%cc_checked_math(cc_erlang_c_wait_if_waiting)
%cc_checked_math(cc_erlang_c_occupancy)
%cc_checked_math(cc_erlang_a_p_abandon)
%cc_checked_math(cc_erlang_a_service_level)
%cc_checked_math(cc_staffing_agents_for_sl)

%cc_result_out(cc_erlang_a_metrics, CC_SW_ZERO_INIT, cc_sw_put_erlang_a)
%apply cc_erlang_a_metrics *RESULT_OUT { cc_erlang_a_metrics *out };
%cc_result_out(cc_staffing_result, CC_SW_ZERO_INIT, cc_sw_put_staffing_result)
%apply cc_staffing_result *RESULT_OUT { cc_staffing_result *out };
%cc_config_in(cc_staffing_options, cc_sw_fill_staffing_options)
%apply const cc_staffing_options *CONFIG_IN { const cc_staffing_options *opt };
%ignore cc_erlang_a_metrics;
%ignore cc_staffing_options;
%ignore cc_staffing_result;
/* Replaced by cc_sw_staffing_plan (arrays in, columns out). */
%ignore cc_staffing_plan;

%include "callcore/erlang.h"
%include "callcore/staffing.h"

%apply (const double *ARRAY_IN, size_t ARRAY_IN_LEN) { (const double *calls, size_t n) };
%apply (const double *ARRAY_IN, size_t ARRAY_IN_LEN) { (const double *aht_s, size_t naht) };
%cc_result_out(cc_sw_plan, CC_SW_PLAN_INIT, cc_sw_put_plan)
%apply cc_sw_plan *RESULT_OUT { cc_sw_plan *plan };
%typemap(freearg) cc_sw_plan *plan {
    free($1->rows);
}

/* It may record a binding-level error, which needs the Python GIL held. */
#if defined(SWIGPYTHON)
%nothreadallow cc_sw_staffing_plan;
#endif
%inline %{
/* Staffs every interval of a plan: calls[n] over interval_s each, handle
 * times aht_s[n] (or aht_default_s everywhere when aht_s is empty).
 * Results come back by column in *plan. Returns the status of
 * cc_staffing_plan (CC_EINVAL when the arrays differ in length). */
cc_status cc_sw_staffing_plan(const cc_staffing_options *opt, const double *calls, size_t n,
                              const double *aht_s, size_t naht, double aht_default_s,
                              double interval_s, cc_sw_plan *plan)
{
    /* A bad value, not a bad type: CC_EINVAL with its detail, as every failing status
     * (Python's InvalidArgument, Lua's "CC_EINVAL: ..."), not a bare TypeError. */
    if (naht != 0 && naht != n)
        return cc_sw_error(CC_EINVAL, "aht_s has %zu entries but calls has %zu", naht, n);
    plan->rows = (cc_staffing_result *)calloc(n ? n : 1, sizeof(cc_staffing_result));
    if (!plan->rows) return cc_sw_error(CC_ENOMEM, "staffing plan: out of memory for %zu intervals", n);
    plan->n = n;
    return cc_staffing_plan(plan->rows, opt, calls, naht ? aht_s : NULL, aht_default_s, n,
                            interval_s);
}
%}
