/*
 * callcore/schedule.h - shift scheduling: how many agents work each shift so that every
 * interval has the agents it needs, at minimum cost.
 *
 * The problem is the classic set-covering integer program (Dantzig 1954): one integer
 * variable per (shift template, start time, break start), each interval's working agents
 * >= its requirement. It is solved with COIN-OR CBC (EPL-1.0 in Debian 12) through its C
 * interface. A build without CBC (meson -Dcbc=disabled) keeps this API, which then returns
 * CC_EUNSUPPORTED.
 *
 * Time is counted in planning intervals (index 0 = the first requirement). Arrays passed in
 * are borrowed for the call; the schedule returned owns its arrays, which stay valid until
 * cc_schedule_free. A cc_schedule is immutable once built: any thread may read it.
 */
#ifndef CALLCORE_SCHEDULE_H
#define CALLCORE_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "callcore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A shift template. Starts are start_first, start_first + start_step, ... <= start_last.
 * The agent works `length` intervals from the start, except for one unpaid-for-coverage
 * break of break_length intervals (0 = no break) that starts between break_earliest and
 * break_latest intervals after the shift start (both inclusive). cost is per agent on the
 * shift (e.g. paid hours), in [0, 1e20].
 */
typedef struct cc_shift_template {
    int start_first, start_last, start_step; /* start_step 0 means 1 */
    int length;
    int break_earliest, break_latest, break_length;
    double cost;
} cc_shift_template;

#define CC_SCHEDULE_OPTIONS_VERSION 1

typedef struct cc_schedule_options {
    uint32_t version;   /* CC_SCHEDULE_OPTIONS_VERSION */
    double under_cost;  /* 0: every requirement is a hard constraint; > 0: shortage is allowed
                         * at this cost per missing agent-interval (at most 1e20) */
    double max_seconds; /* solver time limit; default 60 (the best schedule found is kept) */
    double interval_s;  /* interval length in seconds; default 900, must be > 0. Not used:
                         * traffic is given in Erlangs, and the steady-state Erlang C service
                         * level of an interval does not depend on its length. Kept so that
                         * version-1 callers compile and behave as before. */
    double aht_s;       /* mean handle time for the service level; default 180 */
    double target_s;    /* service-level threshold; default 20 */
} cc_schedule_options;

#define CC_SCHEDULE_OPTIONS_INIT                                                                   \
    {                                                                                              \
        CC_SCHEDULE_OPTIONS_VERSION, 0, 0, 0, 0, 0                                                 \
    }

/* One chosen shift: `agents` agents on template `shift` starting at interval `start`, with
 * their break starting at interval `break_start` (-1 when the template has no break). */
typedef struct cc_shift_assignment {
    int shift, start, break_start, agents;
} cc_shift_assignment;

typedef struct cc_schedule cc_schedule;

/*
 * Builds the cheapest schedule. required[n] are agents needed per interval (0 to
 * CC_ERLANG_MAX_AGENTS); traffic[n] (Erlangs, may be NULL) gives each interval's Erlang C
 * service level with the scheduled agents. templates[ntemplates] are the shifts. No
 * interval is given more than CC_ERLANG_MAX_AGENTS working agents (a constraint of the
 * program, so every coverage, count and service level is in range). *out is owned by the
 * caller (cc_schedule_free). Cost: a set-covering MIP with one column per (template, start,
 * break); CBC solves day-sized instances (96 intervals, thousands of columns) in well under a
 * second. Returns CC_OK; CC_EINVAL (NULL, a requirement outside [0, CC_ERLANG_MAX_AGENTS], a
 * template outside [0, n) or with a break outside its shift, more than 2,000,000 (template,
 * start, break) choices, or more than 20,000,000 cells of choices x intervals worked: the
 * size of the program); CC_EVERSION; CC_EINFEASIBLE
 * (with under_cost 0, an interval that needs agents and that no shift covers: the detail
 * names it; or no schedule meets the requirements within the coverage cap); CC_ERANGE (the
 * schedule's agents add up to more than INT_MAX); CC_ETIMEOUT (the time limit passed before
 * any schedule was found); CC_EUNSUPPORTED (built without CBC); CC_ENOMEM. Any thread;
 * solves from several threads run their CBC part one at a time (CBC keeps global state).
 */
cc_status cc_schedule_solve(cc_schedule **out, const cc_schedule_options *opt, const int *required,
                            const double *traffic, size_t n, const cc_shift_template *templates,
                            size_t ntemplates);

/* Frees the schedule; NULL is a no-op. */
void cc_schedule_free(cc_schedule *self);

/* The chosen shifts (agents > 0 only), *count set; borrowed from self. */
const cc_shift_assignment *cc_schedule_assignments(const cc_schedule *self, size_t *count);

/* Per interval, n values each, borrowed from self: working agents, agents above the
 * requirement, agents missing (only with under_cost > 0), and the Erlang C service level
 * (NaN without traffic; 0 where the agents do not exceed the traffic; 1 with no traffic). */
const int *cc_schedule_coverage(const cc_schedule *self);
const int *cc_schedule_over(const cc_schedule *self);
const int *cc_schedule_under(const cc_schedule *self);
const double *cc_schedule_service_level(const cc_schedule *self);

/* Number of intervals, total agents scheduled, total shift cost, and 1 if CBC proved the
 * schedule optimal (0 if it stopped at the time limit with a feasible one). */
size_t cc_schedule_intervals(const cc_schedule *self);
int cc_schedule_agents(const cc_schedule *self);
double cc_schedule_cost(const cc_schedule *self);
int cc_schedule_optimal(const cc_schedule *self);

/* ---- requirements and shift templates from CSV ------------------------------- */
/*
 * Both readers share these rules. The first line that is not blank and does not start
 * with '#' is the header; columns are found by name (unknown columns are ignored, the
 * first of duplicate names is used); every later such line is a row with as many fields
 * as the header (RFC 4180 fields, at most 256: a quote only opens a field; a UTF-8 byte
 * order mark before the header is skipped). Text is borrowed for the
 * call, need not be NUL-terminated and may hold any byte. Whole numbers are decimals with
 * an integral value within +-1e9 ("8", "8.0", "1e2"). Errors: CC_EINVAL (a NULL
 * argument); CC_EPARSE with a detail message starting "line N:" (1-based line) for a bad
 * row, or naming the missing column; CC_ENOMEM. The *_load_csv variants read the file at
 * `path` (at most CC_SCHEDULE_CSV_MAX_BYTES; messages start with "path:N:") and also
 * return CC_EIO and CC_ERANGE (file too large). Objects returned are owned by the caller,
 * immutable, and readable from any thread; the functions are reentrant.
 */

#define CC_SCHEDULE_CSV_MAX_BYTES ((size_t)64 * 1024 * 1024)

/* Agents required per interval (and optional traffic), as cc_schedule_solve takes them. */
typedef struct cc_interval_requirements cc_interval_requirements;

/*
 * One row per interval: column `required` (a whole number >= 0), optional `traffic`
 * (Erlangs, a finite number >= 0) for the service level each interval then gets.
 * Memory: 12 bytes per row plus the longest line.
 */
cc_status cc_interval_requirements_parse_csv(cc_interval_requirements **out, const char *text,
                                             size_t len);
cc_status cc_interval_requirements_load_csv(cc_interval_requirements **out, const char *path);

/* Frees the requirements; NULL is a no-op. */
void cc_interval_requirements_free(cc_interval_requirements *self);

/* Number of intervals (>= 1); the required agents (n values); the traffic (n values, NULL
 * without a traffic column). Arrays are borrowed from self until its free. */
size_t cc_interval_requirements_count(const cc_interval_requirements *self);
const int *cc_interval_requirements_required(const cc_interval_requirements *self);
const double *cc_interval_requirements_traffic(const cc_interval_requirements *self);

/* Shift templates with their names. */
typedef struct cc_shift_table cc_shift_table;

/*
 * One row per template: columns start_first, start_last, length (whole numbers) and cost
 * (a finite number) are required; start_step, break_earliest, break_latest, break_length
 * (whole numbers) may be omitted or left empty (0: step 1, no break); `name` is optional
 * text. Whether the numbers make a valid shift is checked by cc_schedule_solve.
 * Memory: one cc_shift_template and the name per row, plus the longest line.
 */
cc_status cc_shift_table_parse_csv(cc_shift_table **out, const char *text, size_t len);
cc_status cc_shift_table_load_csv(cc_shift_table **out, const char *path);

/* Frees the table; NULL is a no-op. */
void cc_shift_table_free(cc_shift_table *self);

/* The templates in file order, *count set (>= 1); borrowed from self until its free. */
const cc_shift_template *cc_shift_table_templates(const cc_shift_table *self, size_t *count);

/* The name of template `index` ("" without a name column), borrowed from self; NULL when
 * index is out of range. */
const char *cc_shift_table_name(const cc_shift_table *self, size_t index);

#ifdef __cplusplus
}
#endif
#endif
