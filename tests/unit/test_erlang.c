/*
 * tests/unit/test_erlang.c - Erlang B, C and A against the 50-digit references of
 * ../shared/data/wfm (every row), published calculator examples and edge cases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "callcore/erlang.h"
#include "wfm_csv.h"

#include <string.h>

#include <math.h>

#define TOL 1e-12

/* The Erlang references must have rows: an empty file would pass every loop below. */
static int load_or_skip(wfm_csv *t, const char *file)
{
    if (wfm_csv_load_or_skip(t, file)) return -1;
    assert_true(t->nrows > 0);
    return 0;
}

/* Tracks the worst relative error of one column and names the row that gave it. */
typedef struct worst {
    const char *name;
    double err;
    int row;
} worst;

/* `allow` is the error the double input itself carries: a value like A = 19999.99 is not
 * representable, and a result that depends on N - A inherits the rounding of A magnified by
 * its condition number A / (N - A) (2e6 there). The algorithm must add at most TOL to it. */
static void track_cond(worst *w, double got, double want, int row, double allow)
{
    double e = wfm_rel_err(got, want) - allow;
    if (e < 0) e = 0;
    if (isnan(got)) e = INFINITY;
    if (e > w->err || (w->row < 0)) {
        if (e >= w->err) {
            w->err = e;
            w->row = row;
        }
    }
}

static void track(worst *w, double got, double want, int row)
{
    double e = wfm_rel_err(got, want);
    if (isnan(got)) e = INFINITY;
    if (e > w->err || (w->row < 0)) {
        if (e >= w->err) {
            w->err = e;
            w->row = row;
        }
    }
}

static void report(const worst *w, size_t n, double tol)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        print_message("# %-40s worst rel err (beyond input rounding) %.3g (row %d)\n", w[i].name,
                      w[i].err, w[i].row + 2);
        if (!(w[i].err <= tol)) bad = 1;
    }
    assert_false(bad);
}

static void test_erlang_b_reference(void **state)
{
    (void)state;
    wfm_csv t;
    if (load_or_skip(&t, "wfm/erlang_b.csv")) skip();
    worst w[2] = {{"B (where representable)", 0, -1}, {"log10 B", 0, -1}};
    for (int r = 0; r < t.nrows; r++) {
        double n = wfm_csv_num(&t, r, "N"), a = wfm_csv_num(&t, r, "A_erlangs");
        double b = wfm_csv_num(&t, r, "B_blocking"), lb = wfm_csv_num(&t, r, "log10_B");
        if (lb > -300)
            track(&w[0], cc_erlang_b(n, a), b, r);
        else
            assert_true(cc_erlang_b(n, a) < 1e-290);
        track(&w[1], cc_erlang_b_log10(n, a), lb, r);
    }
    report(w, 2, TOL);
    wfm_csv_free(&t);
}

static void test_erlang_b_inverse_reference(void **state)
{
    (void)state;
    wfm_csv t;
    if (load_or_skip(&t, "wfm/erlang_b_inverse.csv")) skip();
    worst w[1] = {{"traffic at target blocking", 0, -1}};
    for (int r = 0; r < t.nrows; r++) {
        double n = wfm_csv_num(&t, r, "N"), b = wfm_csv_num(&t, r, "B_target");
        track(&w[0], cc_erlang_b_traffic(n, b), wfm_csv_num(&t, r, "A_erlangs_at_target"), r);
    }
    report(w, 1, TOL);
    wfm_csv_free(&t);
}

static void test_erlang_c_reference(void **state)
{
    (void)state;
    wfm_csv t;
    if (load_or_skip(&t, "wfm/erlang_c.csv")) skip();
    worst w[6] = {{"P(wait) (where representable)", 0, -1},
                  {"log10 P(wait)", 0, -1},
                  {"SL P(W <= t)", 0, -1},
                  {"ASA", 0, -1},
                  {"wait if waiting", 0, -1},
                  {"occupancy", 0, -1}};
    for (int r = 0; r < t.nrows; r++) {
        int n = (int)wfm_csv_num(&t, r, "N");
        double a = wfm_csv_num(&t, r, "A_erlangs"), tt = wfm_csv_num(&t, r, "t_over_AHT");
        double lc = wfm_csv_num(&t, r, "log10_C");
        double kappa = a / (n - a) * 0x1p-53; /* input rounding of A, seen through N - A */
        if (lc > -300) {
            track_cond(&w[0], cc_erlang_c(n, a), wfm_csv_num(&t, r, "C_Pwait"), r, kappa);
            track_cond(&w[3], cc_erlang_c_asa(n, a), wfm_csv_num(&t, r, "ASA_over_AHT"), r, kappa);
        }
        /* log10 C is near 0 when C is near 1: compare it on the scale of C itself. */
        double lc_got = cc_erlang_c_log10(n, a);
        track_cond(&w[1], lc_got, lc, r, fabs(lc) < 1 ? (kappa + 1e-13) / fabs(lc) : kappa);
        track_cond(&w[2], cc_erlang_c_service_level(n, a, tt), wfm_csv_num(&t, r, "SL_P_W_le_t"), r,
                   kappa);
        track_cond(&w[4], cc_erlang_c_wait_if_waiting(n, a),
                   wfm_csv_num(&t, r, "EW_given_wait_over_AHT"), r, kappa);
        track(&w[5], cc_erlang_c_occupancy(n, a), wfm_csv_num(&t, r, "occupancy"), r);
    }
    report(w, 6, TOL);
    wfm_csv_free(&t);
}

static void test_erlang_a_reference(void **state)
{
    (void)state;
    wfm_csv t;
    if (load_or_skip(&t, "wfm/erlang_a.csv")) skip();
    static const char *cols[] = {"P_wait",
                                 "P_abandon",
                                 "P_abandon_given_wait",
                                 "EW_all_over_AHT",
                                 "ASA_answered_over_AHT",
                                 "EQ_mean_queue",
                                 "occupancy",
                                 "P_Wq_gt_t",
                                 "P_Wq_le_t_abandons_count_good",
                                 "SL_answered_within_t_over_offered",
                                 "SL_answered_within_t_over_answered",
                                 "P_abandon_within_t"};
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    worst w[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        w[c] = (worst){cols[c], 0, -1};
    for (int r = 0; r < t.nrows; r++) {
        int n = (int)wfm_csv_num(&t, r, "N");
        double a = wfm_csv_num(&t, r, "A_erlangs"), p = wfm_csv_num(&t, r, "patience_over_AHT");
        double tt = wfm_csv_num(&t, r, "t_over_AHT");
        cc_erlang_a_metrics m;
        assert_int_equal(cc_erlang_a_eval(&m, n, a, p, tt), CC_OK);
        const double got[NCOLS] = {m.p_wait,        m.p_abandon,    m.p_abandon_if_waiting,
                                   m.mean_wait_all, m.asa_answered, m.mean_queue,
                                   m.occupancy,     m.p_wait_gt_t,  m.p_wait_le_t,
                                   m.sl_offered,    m.sl_answered,  m.p_abandon_within_t};
        for (int c = 0; c < NCOLS; c++)
            track(&w[c], got[c], wfm_csv_num(&t, r, cols[c]), r);
    }
    report(w, NCOLS, TOL);
    wfm_csv_free(&t);
}

/* CRAN ErlangC README / pyworkforce: 100 calls in 30 min, AHT 180 s, 14 agents. */
static void test_published_erlang_c(void **state)
{
    (void)state;
    double a = 100.0 * 180.0 / 1800.0, t = 20.0 / 180.0;
    assert_true(fabs(cc_erlang_c(14, a) - 0.174131933595049842644707) < 1e-15);
    assert_true(fabs(cc_erlang_c_service_level(14, a, t) - 0.8883500191794668842482187) < 1e-15);
    assert_true(fabs(cc_erlang_c_asa(14, a) * 180.0 - 7.835937011777242919011814) < 1e-12);
    assert_true(fabs(cc_erlang_c_occupancy(14, a) - 10.0 / 14.0) < 1e-16);
}

/* pyworkforce test_abandonment.py: A = 10, N = 14, patience 5 min over AHT 3 min. */
static void test_published_erlang_a(void **state)
{
    (void)state;
    cc_erlang_a_metrics m;
    assert_int_equal(cc_erlang_a_eval(&m, 14, 10.0, 5.0 / 3.0, 20.0 / 180.0), CC_OK);
    assert_true(fabs(m.p_wait - 0.1452601142963612029252774) < 1e-15);
    assert_true(fabs(m.p_abandon - 0.01398374412240893753722905) < 1e-16);
    assert_true(fabs(m.occupancy - 0.7042973256268507589019792) < 1e-15);
    assert_true(fabs(m.mean_wait_all * 3.0 - 0.06991872061204468768614526) < 1e-15);
    assert_true(fabs(m.sl_offered - 0.9167920918635468711364774) < 1e-15);
}

static void test_edges(void **state)
{
    (void)state;
    /* N = 1: M/M/1, P(wait) = rho, B = A / (1 + A). */
    assert_true(fabs(cc_erlang_c(1, 0.3) - 0.3) < 1e-16);
    assert_true(fabs(cc_erlang_b(1, 0.3) - 0.3 / 1.3) < 1e-16);
    /* Load just below N: P(wait) -> 1, SL at t = 0 is 1 - C, still positive and exact. */
    double c = cc_erlang_c(100, 100.0 - 1e-9);
    assert_true(c < 1.0 && c > 1.0 - 1e-9);
    double sl = cc_erlang_c_service_level(100, 100.0 - 1e-9, 0.0);
    assert_true(sl > 0.0 && fabs(sl - (1.0 - c)) < 1e-16);
    /* N = 100,000: finite, in range, monotone in N. */
    double c1 = cc_erlang_c(100000, 99500.0), c2 = cc_erlang_c(100001, 99500.0);
    assert_true(c1 > 0.0 && c1 < 1.0 && c2 < c1);
    double lb = cc_erlang_b_log10(100000, 1000.0);
    assert_true(isfinite(lb) && lb < -60000.0);
    assert_true(cc_erlang_b(100000, 1000.0) == 0.0);
    /* Erlang A, 100,000 agents, heavy overload: still finite and consistent. */
    cc_erlang_a_metrics m;
    assert_int_equal(cc_erlang_a_eval(&m, 100000, 110000.0, 1.0, 0.1), CC_OK);
    assert_true(m.p_wait > 0.99 && m.p_abandon > 0.08 && m.p_abandon < 0.1);
    assert_true(fabs(m.p_wait_gt_t + m.p_wait_le_t - 1.0) < 1e-12);
    /* Almost no traffic: nobody waits; no NaN from an underflowed Erlang B. */
    assert_int_equal(cc_erlang_a_eval(&m, 100000, 1e-3, 100.0, 0.5), CC_OK);
    assert_true(m.p_wait == 0.0 && m.sl_offered == 1.0 && m.p_wait_le_t == 1.0);
    assert_true(cc_erlang_c(100000, 1e-300) == 0.0);
    assert_true(cc_erlang_c_service_level(100000, 1e-300, 0.1) == 1.0);
    /* 2e7 series terms, beyond the budget: a clear CC_ERANGE, refused before summing. */
    assert_int_equal(cc_erlang_a_eval(&m, 100000, 300000.0, 100.0, 1.0), CC_ERANGE);
    assert_true(isnan(m.p_abandon));
    assert_non_null(strstr(cc_error_last(), "would need about"));
    /* Fractional servers interpolate between the integers. */
    double b10 = cc_erlang_b(10, 8.0), b105 = cc_erlang_b(10.5, 8.0), b11 = cc_erlang_b(11, 8.0);
    assert_true(b11 < b105 && b105 < b10);
}

static double rel_err(double got, double want)
{
    return fabs(got - want) / fabs(want);
}

/*
 * log10 B where B is within a hair of 1 (1/B = 1 + a tiny excess): its relative accuracy
 * must not depend on how close B is to 1. References: mpmath 1.3 at 50 digits,
 * log10(A^f e^-A / gammainc(f + 1, A)); at A = 1e300, where gammainc loses the value,
 * -log1p(x)/ln 10 of the asymptotic series 1/B - 1 = f/A + f(f-1)/A^2 (the next term is
 * 1e-900 there); for one server 1/B - 1 = 1/A exactly.
 */
static void test_erlang_b_log10_near_one(void **state)
{
    (void)state;
    static const struct {
        double n, a, log10_b;
    } rows[] = {
        {1e-9, 1.0, -2.5899036879280557331e-10},   {1e-9, 0.3, -5.3094046731995164969e-10},
        {1e-6, 2.5, -1.3181960896412402911e-7},    {0.5, 1e6, -2.1714707809143044241e-7},
        {0.5, 1e300, -2.1714724095162591383e-301}, {1.0, 1e300, -4.3429448190325182765e-301},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double got = cc_erlang_b_log10(rows[i].n, rows[i].a);
        print_message("# log10 B(%g, %g) = %.17g, rel err %.3g\n", rows[i].n, rows[i].a, got,
                      rel_err(got, rows[i].log10_b));
        assert_true(rel_err(got, rows[i].log10_b) < 1e-14);
    }
}

/*
 * Loads far below one Erlang (down to subnormal doubles), where n/A overflows a double and
 * A^-f overflows for fractional servers: valid input, so values, never NaN or an infinite
 * log. References: mpmath 1.3 at 40 digits of the double inputs, 1/B by the recursion
 * 1/B(k) = 1 + (k/A)/B(k-1) from gammainc(f+1, A) e^A A^-f, log10 C = log10(N B/(N - A(1 - B)));
 * for 10^7 agents log10(1/B) = log10(N!) - N log10(A) + log10(1 + N A) (later terms 1e-294).
 */
static void test_tiny_loads(void **state)
{
    (void)state;
    static const struct {
        double n, a, log10_b;
    } b_rows[] = {
        {2.0, 1e-310, -620.30102999566398385},    {2.5, 1e-320, -800.52158829578090997},
        {0.5, 4.9e-324, -161.60065261224098756},  {3.0, 1e-200, -600.77815125038364366},
        {1000.0, 1e-306, -308567.60464422213284},
    };
    for (size_t i = 0; i < sizeof b_rows / sizeof b_rows[0]; i++) {
        double got = cc_erlang_b_log10(b_rows[i].n, b_rows[i].a);
        print_message("# log10 B(%g, %g) = %.17g\n", b_rows[i].n, b_rows[i].a, got);
        assert_true(rel_err(got, b_rows[i].log10_b) < 1e-14);
    }
    /* B(1, A) = A / (1 + A) rounds to A itself, the smallest subnormal. */
    assert_true(cc_erlang_b(1, 4.9e-324) == 4.9e-324);
    assert_true(rel_err(cc_erlang_c_log10(1000, 1e-306), -308567.60464422213284) < 1e-14);
    assert_true(rel_err(cc_erlang_c_log10(10000000, 1e-301), -3075657059.0800574192) < 1e-14);
    /* C = 10^-308568: every call is answered at once. */
    assert_true(cc_erlang_c_service_level(1000, 1e-306, 0.1) == 1.0);
    assert_true(cc_erlang_c(1000, 1e-306) == 0.0);
}

/*
 * Inverse Erlang B where the answer is far below one Erlang or the blocking is within 1e-10
 * of 1: the accuracy erlang.h promises (1e-14), not the end of an iteration cap.
 * References: mpmath 1.3 at 50 digits, 250 bisections in ln A on ln B(n, A) = ln p with B
 * from the recursion 1/B(k) = 1 + (k/A)/B(k-1) started at gammainc(f+1, A) e^A A^-f, for
 * the exact double inputs. One server: B = A/(1+A), so A = p/(1-p).
 */
static void test_erlang_b_inverse_extremes(void **state)
{
    (void)state;
    static const struct {
        double n, p, a;
    } rows[] = {
        {1, 1e-62, 1.0000000000000000395e-62},       {1, 1e-200, 9.999999999999999821e-201},
        {1, 1e-58, 1.0000000000000000257e-58},       {0.5, 1e-40, 7.8539816339744819855e-81},
        {5, 1e-280, 2.6051710846973518701e-56},      {2, 1e-100, 1.4142135623730950629e-50},
        {1000, 0.9999999999, 9999999172595.3584688}, {30, 0.0001, 14.24557464468969687},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double got = cc_erlang_b_traffic(rows[i].n, rows[i].p);
        print_message("# A(%g, %g) = %.17g, rel err %.3g\n", rows[i].n, rows[i].p, got,
                      rel_err(got, rows[i].a));
        assert_true(rel_err(got, rows[i].a) < 1e-14);
    }
    /* 1e-8 servers blocking half the calls need a load of about e^-(1/1e-8): below every
     * double, so the answer underflows to 0 like any libm function, not NaN. */
    assert_true(cc_erlang_b_traffic(1e-8, 0.5) == 0.0);
}

/*
 * A patience of 1e298 AHT. At full load (100 agents, 100 Erlangs) the queue terms fall like
 * exp(-j^2 / 2e300): 1e151 of them. The old loop ran 7.5 s to its 2e8-term cap; the
 * evaluation is now refused before summing, with the count in the detail. One agent above
 * the load the terms fall like 0.99^j and the answer is Erlang C's to the last digits (the
 * abandonment corrections are 1e-298): compared with cc_erlang_c.
 */
static void test_erlang_a_endless_series_refused(void **state)
{
    (void)state;
    cc_erlang_a_metrics m;
    cc_error_clear();
    assert_int_equal(cc_erlang_a_eval(&m, 100, 100.0, 1e298, 0.1), CC_ERANGE);
    assert_true(isnan(m.p_wait) && isnan(m.sl_offered));
    assert_non_null(strstr(cc_error_last(), "would need about 3e+151 terms"));
    assert_int_equal(cc_erlang_a_eval(&m, 100, 99.0, 1e298, 0.1), CC_OK);
    assert_true(rel_err(m.p_wait, cc_erlang_c(100, 99.0)) < 1e-13);
    assert_true(rel_err(m.sl_offered, cc_erlang_c_service_level(100, 99.0, 0.1)) < 1e-13);
    assert_true(m.p_abandon > 0.0 && m.p_abandon < 1e-297);
}

/*
 * Overloads whose queue terms grow past the long double range (e^11356) before they fall:
 * the sums are rescaled, never infinite (156 agents gave p_abandon = inf with CC_OK, 155
 * CC_ERANGE). References: mpmath 1.3 at 50 digits, the birth-death sums
 * M = sum_j prod_{i<=j} y/(x+i) in full, pi_N = 1/(1/E - 1 + M), P(abandon) =
 * pi_N (M (1 - 1/rho) + 1/rho), P(Wq > t) = pi_N F M(x, y z) and the service level
 * (1 - pi_N M) + pi_N x/(x+1) (M(x+1, y) - F M(x+1, y z)) (Mandelbaum & Zeltyn), a
 * different route from the library's positive series.
 */
static void test_erlang_a_overload_beyond_extended_range(void **state)
{
    (void)state;
    cc_erlang_a_metrics m;
    /* 2500 calls in 1800 s at 180 s AHT, patience 1e5 s, T = 1e6 s. */
    assert_int_equal(cc_erlang_a_eval(&m, 156, 250.0, 1e5 / 180, 1e6 / 180), CC_OK);
    assert_true(rel_err(m.p_abandon, 0.376) < 1e-14);
    assert_true(rel_err(m.p_wait, 1.0) < 1e-15 && rel_err(m.occupancy, 1.0) < 1e-14);
    assert_true(rel_err(m.sl_offered, 0.624) < 1e-14);
    assert_true(rel_err(m.mean_queue, 52222.222222222221035) < 1e-14);
    assert_true(m.p_wait_gt_t == 0.0); /* 1.06e-321009 */
    assert_int_equal(cc_erlang_a_eval(&m, 155, 250.0, 1e5 / 180, 1e6 / 180), CC_OK);
    assert_true(rel_err(m.p_abandon, 0.38) < 1e-14);
    /* The by-t quantities where they are neither 0 nor 1: T near the fluid wait ln(rho)/theta. */
    assert_int_equal(cc_erlang_a_eval(&m, 200, 250.0, 3000.0, 669.0), CC_OK);
    assert_true(rel_err(m.p_abandon, 0.2) < 1e-14);
    assert_true(rel_err(m.mean_queue, 150000.0) < 1e-14);
    assert_true(rel_err(m.sl_offered, 0.3648570383671538641403617) < 1e-13);
    assert_true(rel_err(m.p_wait_gt_t, 0.4356149765595241855147405) < 1e-13);
    assert_true(fabs(m.p_wait_gt_t + m.p_wait_le_t - 1.0) < 1e-14);
}

/*
 * An overload with a patience far beyond the AHT: 1 agent, 2 Erlangs, patience 10^5 AHT,
 * t = 1 AHT. Nearly every caller waits and only abandonment settles a caller's fate by t,
 * so P(Wq <= t) and P(abandon within t) are both about 1 - e^(-theta t) = 1e-5. The by-t
 * weights g_j = 1 - F z^j start negative here and cross 0 after 10^5 terms; carried by
 * their recurrence alone, they kept the rounding of every earlier step, and both values had
 * a relative error of 9e-11 (7e-9 at a patience of 10^6). Reference: mpmath 1.3 at 50
 * digits, 1 - pi_N F M(x, y z) and pi_N (K(x, y) - F K(x, y z)) summed in full.
 */
static void test_erlang_a_long_patience_by_t(void **state)
{
    (void)state;
    cc_erlang_a_metrics m;
    assert_int_equal(cc_erlang_a_eval(&m, 1, 2.0, 1e5, 1.0), CC_OK);
    assert_true(rel_err(m.p_wait_le_t, 9.99995000016666625e-6) < 1e-12);
    assert_true(rel_err(m.p_abandon_within_t, 9.99995000016666625e-6) < 1e-12);
}

static void test_invalid_inputs(void **state)
{
    (void)state;
    cc_error_clear();
    assert_true(isnan(cc_erlang_b(-1, 2.0)));
    assert_non_null(strstr(cc_error_last(), "servers"));
    assert_true(isnan(cc_erlang_b(3, -2.0)));
    assert_non_null(strstr(cc_error_last(), "traffic"));
    assert_true(isnan(cc_erlang_b(3, NAN)));
    assert_true(isnan(cc_erlang_c(10, 10.0)));
    assert_non_null(strstr(cc_error_last(), "must exceed the traffic"));
    assert_true(isnan(cc_erlang_c(0, 0.5)));
    assert_true(isnan(cc_erlang_c_service_level(10, 5.0, -1.0)));
    assert_non_null(strstr(cc_error_last(), "threshold"));
    assert_true(isnan(cc_erlang_b_traffic(10, 1.0)));
    assert_true(isnan(cc_erlang_b_traffic(10, 0.0)));
    assert_non_null(strstr(cc_error_last(), "blocking"));
    cc_erlang_a_metrics m;
    assert_int_equal(cc_erlang_a_eval(&m, 10, 5.0, 0.0, 0.1), CC_EINVAL);
    assert_true(isnan(m.p_wait));
    assert_non_null(strstr(cc_error_last(), "patience"));
    assert_int_equal(cc_erlang_a_eval(NULL, 10, 5.0, 1.0, 0.1), CC_EINVAL);
    assert_true(isnan(cc_erlang_a_p_abandon(10, -5.0, 1.0)));
    assert_true(isnan(cc_erlang_a_service_level(10, 5.0, 1.0, INFINITY)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_b_reference),
        cmocka_unit_test(test_erlang_b_inverse_reference),
        cmocka_unit_test(test_erlang_c_reference),
        cmocka_unit_test(test_erlang_a_reference),
        cmocka_unit_test(test_published_erlang_c),
        cmocka_unit_test(test_published_erlang_a),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_erlang_b_log10_near_one),
        cmocka_unit_test(test_tiny_loads),
        cmocka_unit_test(test_erlang_b_inverse_extremes),
        cmocka_unit_test(test_erlang_a_endless_series_refused),
        cmocka_unit_test(test_erlang_a_overload_beyond_extended_range),
        cmocka_unit_test(test_erlang_a_long_patience_by_t),
        cmocka_unit_test(test_invalid_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
