/*
 * bindings/swig/ranges.i - integer option fields narrower than int64_t (int32_t, int,
 * enums, uint32_t), in neutral C over the overlay's reader API (config.i).
 *
 * The readers give an int64_t; casting it into the field would keep its low 32 bits
 * (priority -2**31 - 1 became 2147483647, channel 2**32 + 1 became VOICE). A value the
 * field cannot hold is a range error naming the key instead (cc_sw_fail_range: Python's
 * OverflowError, as SWIG raises for a direct argument). Whether an in-range value makes
 * sense (an enum's members, a level's 1..10) is for the library to say.
 */
%{
/* 0 when lo <= v <= hi, else the range error of `what` (a quoted key or a description). */
static int cc_sw_check_range(const char *what, int64_t v, int64_t lo, int64_t hi)
{
    if (v >= lo && v <= hi) return 0;
    return cc_sw_fail_range("%s must be in %lld..%lld, got %lld", what, (long long)lo,
                            (long long)hi, (long long)v);
}

/* Reads `key` as an int64 and checks it against [lo, hi]; absent: *v unchanged. */
static int cc_sw_get_in(cc_sw_obj m, const char *key, int64_t lo, int64_t hi, int64_t *v)
{
    char what[96];
    if (cc_sw_get_i64(m, key, v) != 0) return -1;
    snprintf(what, sizeof what, "'%s'", key);
    return cc_sw_check_range(what, *v, lo, hi);
}

static int cc_sw_get_i32(cc_sw_obj m, const char *key, int32_t *out)
{
    int64_t v = *out;
    if (cc_sw_get_in(m, key, INT32_MIN, INT32_MAX, &v) != 0) return -1;
    *out = (int32_t)v;
    return 0;
}

/* int fields, and enum fields read into an int first (an enum holds any int). */
static int cc_sw_get_int(cc_sw_obj m, const char *key, int *out)
{
    int64_t v = *out;
    if (cc_sw_get_in(m, key, INT_MIN, INT_MAX, &v) != 0) return -1;
    *out = (int)v;
    return 0;
}

static int cc_sw_get_u32(cc_sw_obj m, const char *key, uint32_t *out)
{
    int64_t v = *out;
    if (cc_sw_get_in(m, key, 0, UINT32_MAX, &v) != 0) return -1;
    *out = (uint32_t)v;
    return 0;
}

/* An int32 element of a list or mapping (a skill level); `what` names it. */
static int cc_sw_item_i32(cc_sw_obj item, const char *what, int32_t *out)
{
    int64_t v = 0;
    if (cc_sw_item_i64(item, &v) != 0 || cc_sw_check_range(what, v, INT32_MIN, INT32_MAX) != 0)
        return -1;
    *out = (int32_t)v;
    return 0;
}
%}
