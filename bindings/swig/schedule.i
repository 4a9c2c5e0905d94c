/*
 * bindings/swig/schedule.i - shift scheduling (callcore/schedule.h).
 *
 * Scripts see:
 *   cc_sw_schedule_solve(options, required[], traffic[] or nil, templates)
 *     -> mapping with the per-interval columns coverage, over, under,
 *        service_level; the chosen shifts as columns shift, start,
 *        break_start, agents (one entry per assignment, shift = 0-based
 *        template index); and agents, cost, optimal.
 *   options keys: under_cost, max_seconds, interval_s, aht_s, target_s;
 *   templates: a list of mappings {start_first, start_last, start_step,
 *     length, break_earliest, break_latest, break_length, cost}.
 * required[] holds whole agent counts (a fractional value is refused).
 */
%{
#include "callcore/schedule.h"

static const char *const cc_sw_schedule_keys[] = {"under_cost", "max_seconds", "interval_s",
    "aht_s", "target_s", NULL};

static int cc_sw_fill_schedule_options(cc_sw_obj m, cc_schedule_options *o, cc_sw_arena *arena)
{
    cc_schedule_options init = CC_SCHEDULE_OPTIONS_INIT;
    (void)arena;
    *o = init;
    if (cc_sw_check_keys(m, "schedule options", cc_sw_schedule_keys) ||
        cc_sw_get_f64(m, "under_cost", &o->under_cost) ||
        cc_sw_get_f64(m, "max_seconds", &o->max_seconds) ||
        cc_sw_get_f64(m, "interval_s", &o->interval_s) ||
        cc_sw_get_f64(m, "aht_s", &o->aht_s) || cc_sw_get_f64(m, "target_s", &o->target_s))
        return -1;
    return 0;
}

static const char *const cc_sw_shift_keys[] = {"start_first", "start_last", "start_step",
    "length", "break_earliest", "break_latest", "break_length", "cost", NULL};

typedef struct cc_sw_templates {
    cc_shift_template *items;
    size_t n;
} cc_sw_templates;

static int cc_sw_shift_item(cc_sw_obj item, const char *key, void *ud)
{
    cc_sw_templates *s = (cc_sw_templates *)ud;
    cc_shift_template *t = &s->items[s->n];
    if (key || !cc_sw_is_map(item)) return cc_sw_fail("templates: a list of mappings");
    if (cc_sw_check_keys(item, "shift template", cc_sw_shift_keys) ||
        cc_sw_get_int(item, "start_first", &t->start_first) ||
        cc_sw_get_int(item, "start_last", &t->start_last) ||
        cc_sw_get_int(item, "start_step", &t->start_step) ||
        cc_sw_get_int(item, "length", &t->length) ||
        cc_sw_get_int(item, "break_earliest", &t->break_earliest) ||
        cc_sw_get_int(item, "break_latest", &t->break_latest) ||
        cc_sw_get_int(item, "break_length", &t->break_length) ||
        cc_sw_get_f64(item, "cost", &t->cost))
        return -1;
    s->n++;
    return 0;
}

/* The shift templates of a call, read from {"templates": [...]} (the reader
 * API works on mappings). */
typedef struct cc_sw_shift_list {
    cc_shift_template *items; /* in the call's arena */
    size_t n;
} cc_sw_shift_list;

static int cc_sw_fill_shift_list(cc_sw_obj m, cc_sw_shift_list *list, cc_sw_arena *arena)
{
    size_t n = 0;
    memset(list, 0, sizeof *list);
    if (cc_sw_len(m, "templates", &n) != 0) return -1;
    if (n == 0) return cc_sw_fail("templates: at least one shift template");
    cc_sw_templates s = {(cc_shift_template *)cc_sw_alloc(arena, n, sizeof(cc_shift_template)), 0};
    if (!s.items) return cc_sw_fail("templates: out of memory");
    if (cc_sw_each(m, "templates", cc_sw_shift_item, &s) != 0) return -1;
    list->items = s.items;
    list->n = s.n;
    return 0;
}

typedef struct cc_sw_schedule_result {
    cc_schedule *schedule; /* freed after the conversion */
} cc_sw_schedule_result;
#define CC_SW_SCHEDULE_RESULT_INIT {NULL}

static void cc_sw_put_schedule(cc_sw_out d, const cc_sw_schedule_result *r)
{
    const cc_schedule *s = r->schedule;
    if (!s) return;
    size_t n = cc_schedule_intervals(s), count = 0;
    const cc_shift_assignment *a = cc_schedule_assignments(s, &count);
    cc_sw_put_column_i(d, "coverage", cc_schedule_coverage(s), n, sizeof(int), 0);
    cc_sw_put_column_i(d, "over", cc_schedule_over(s), n, sizeof(int), 0);
    cc_sw_put_column_i(d, "under", cc_schedule_under(s), n, sizeof(int), 0);
    cc_sw_put_column_f(d, "service_level", cc_schedule_service_level(s), n, sizeof(double), 0);
    cc_sw_put_column_i(d, "shift", a, count, sizeof *a, offsetof(cc_shift_assignment, shift));
    cc_sw_put_column_i(d, "start", a, count, sizeof *a, offsetof(cc_shift_assignment, start));
    cc_sw_put_column_i(d, "break_start", a, count, sizeof *a,
                       offsetof(cc_shift_assignment, break_start));
    cc_sw_put_column_i(d, "agents", a, count, sizeof *a, offsetof(cc_shift_assignment, agents));
    cc_sw_put_i64(d, "total_agents", cc_schedule_agents(s));
    cc_sw_put_f64(d, "cost", cc_schedule_cost(s));
    cc_sw_put_i64(d, "optimal", cc_schedule_optimal(s));
}
%}

%cc_config_in(cc_schedule_options, cc_sw_fill_schedule_options)
%apply const cc_schedule_options *CONFIG_IN { const cc_schedule_options *opt };
%cc_config_in(cc_sw_shift_list, cc_sw_fill_shift_list)
%apply const cc_sw_shift_list *CONFIG_IN { const cc_sw_shift_list *shifts };
%apply (const double *ARRAY_IN, size_t ARRAY_IN_LEN) { (const double *required, size_t n) };
%apply (const double *ARRAY_IN, size_t ARRAY_IN_LEN) { (const double *traffic, size_t ntraffic) };
%cc_result_out(cc_sw_schedule_result, CC_SW_SCHEDULE_RESULT_INIT, cc_sw_put_schedule)
%apply cc_sw_schedule_result *RESULT_OUT { cc_sw_schedule_result *result };
%typemap(freearg) cc_sw_schedule_result *result {
    cc_schedule_free($1->schedule);
}
/* The whole schedule API is reached through cc_sw_schedule_solve. */
%ignore cc_schedule_solve;

#if defined(SWIGPYTHON)
%nothreadallow cc_sw_schedule_solve;
#endif
%inline %{
/* Builds the cheapest schedule for required[n] agents (whole numbers) with
 * the templates of `shifts` ({"templates": [...]}); traffic[] (same length)
 * or empty. The solver runs with the calling thread. */
cc_status cc_sw_schedule_solve(const cc_schedule_options *opt, const double *required, size_t n,
                               const double *traffic, size_t ntraffic,
                               const cc_sw_shift_list *shifts, cc_sw_schedule_result *result)
{
    if (ntraffic != 0 && ntraffic != n) /* a bad value: CC_EINVAL, not a TypeError */
        return cc_sw_error(CC_EINVAL, "traffic has %zu entries but required has %zu", ntraffic,
                           n);
    if (!shifts) {
        cc_sw_fail("templates are required");
        return CC_EINVAL;
    }
    int *req = (int *)calloc(n ? n : 1, sizeof(int));
    if (!req) return cc_sw_error(CC_ENOMEM, "schedule: out of memory for %zu intervals", n);
    for (size_t i = 0; i < n; i++) {
        if (required[i] != floor(required[i]) || required[i] > INT32_MAX || required[i] < INT32_MIN) {
            free(req);
            cc_sw_fail("required[%zu] = %g is not a whole number of agents", i, required[i]);
            return CC_EINVAL;
        }
        req[i] = (int)required[i];
    }
    cc_status st = cc_schedule_solve(&result->schedule, opt, req, ntraffic ? traffic : NULL, n,
                                     shifts->items, shifts->n);
    free(req);
    return st;
}
%}
