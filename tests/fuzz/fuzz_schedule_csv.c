/*
 * tests/fuzz/fuzz_schedule_csv.c - libFuzzer harness for the shift scheduling inputs read
 * from CSV (cc_interval_requirements_parse_csv and cc_shift_table_parse_csv, schedule.h):
 * the same bytes go to both readers, and each gives CC_OK with values that keep the
 * reader's promises, or CC_EPARSE with a message; never a crash, a leak or a hang.
 */
#include "callcore/schedule.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_requirements(const cc_interval_requirements *q)
{
    size_t n = cc_interval_requirements_count(q);
    const int *req = cc_interval_requirements_required(q);
    const double *tr = cc_interval_requirements_traffic(q);
    if (n == 0 || !req) abort();
    for (size_t i = 0; i < n; i++)
        if (req[i] < 0 || req[i] > 1000000000 || (tr && (!isfinite(tr[i]) || tr[i] < 0))) abort();
}

static int whole(int v)
{
    return v >= -1000000000 && v <= 1000000000;
}

static void check_shifts(const cc_shift_table *t)
{
    size_t n;
    const cc_shift_template *s = cc_shift_table_templates(t, &n);
    if (n == 0 || !s || cc_shift_table_name(t, n) != NULL) abort();
    for (size_t i = 0; i < n; i++) {
        const char *name = cc_shift_table_name(t, i);
        if (!name) abort();
        (void)strlen(name); /* NUL-terminated: ASan checks the read */
        if (!whole(s[i].start_first) || !whole(s[i].start_last) || !whole(s[i].start_step) ||
            !whole(s[i].length) || !whole(s[i].break_earliest) || !whole(s[i].break_latest) ||
            !whole(s[i].break_length) || !isfinite(s[i].cost))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    cc_interval_requirements *q = NULL;
    cc_status st = cc_interval_requirements_parse_csv(&q, text, size);
    if (st == CC_OK) {
        check_requirements(q);
        cc_interval_requirements_free(q);
    } else if (st != CC_EPARSE || q != NULL || !cc_error_last()[0]) {
        abort();
    }
    cc_shift_table *t = NULL;
    st = cc_shift_table_parse_csv(&t, text, size);
    if (st == CC_OK) {
        check_shifts(t);
        cc_shift_table_free(t);
    } else if (st != CC_EPARSE || t != NULL || !cc_error_last()[0]) {
        abort();
    }
    return 0;
}
