/*
 * lib/wfm/erlang_a.c - Erlang A (M/M/N+M, Palm): Poisson arrivals, exponential service
 * (the time unit), N agents, exponential patience with rate theta = 1 / patience.
 *
 * Birth-death view: with x = N/theta, y = A/theta, the stationary probability of j calls
 * waiting is pi_N t_j with t_j = prod_{i=1..j} y / (x + i), and below N agents it is the
 * Erlang B distribution, so 1/pi_N = 1/E - 1 + M(x, y) with E = ErlangB(N, A) and
 * M(x, w) = sum_j t_j(x, w). A caller arriving with j calls ahead of it is answered with
 * probability x / (x + j + 1), so with K(x, w) = sum_j t_j (j + 1) / (x + j + 1):
 *   P(wait) = pi_N M,  P(abandon) = pi_N K (positive series: no 1 - M(1 - 1/rho)
 *   cancellation),  E[queue] = pi_N sum_j j t_j.
 * With z = e^{-theta t} and F = z^{x+1} e^{y(1-z)} (Garnett, Mandelbaum & Reiman 2002;
 * Mandelbaum & Zeltyn 2005), the by-t quantities are
 *   P(Wq > t) = pi_N F M(x, yz),  answered after t = pi_N F (M - K)(x, yz),
 *   abandoned after t = pi_N F K(x, yz),
 * and "within t" is the whole minus "after t", summed term by term (see
 * cc__erlang_a_by_t) rather than as a difference, and "answered within t" as a positive
 * negative-binomial mixture where the difference would cancel. The sums are accumulated in
 * x87 extended precision (64-bit mantissa), and F is formed in log space as
 * -(N t + theta t) + y(1 - z).
 * Cost: O(series terms) per call, no allocation.
 */
#include "erlang_b.h"

#include "base/error.h"
#include "callcore/erlang.h"

#include <math.h>
#include <stddef.h>

/* Sums over j of t_j, t_j (j+1)/(x+j+1), t_j x/(x+j+1), j t_j and the answered-wait weight,
 * every one stored divided by 2^scale. */
typedef struct cc__erlang_a_sums {
    long double m, k, served, queue, answered_wait;
    long double left_by_t; /* sum t_j g_j: left the queue (answered or not) by t */
    long double ab_by_t;   /* sum t_j (j+1)/(x+j+1) g_j: abandoned by t */
    long scale;
    long terms;
} cc__erlang_a_sums;

#define CC__LN2L 0.693147180559945309417232121458176568L

/* The terms are kept below 2^CC__ERLANG_A_RESCALE_BITS (times one ratio): they grow past
 * the long double range (e^11356) after (y - x)^2 / 2y of about 11,000, e.g. 156 agents at
 * 250 Erlangs with patience 556 AHT; every sum is ratio to another or to pi_N, so a common
 * power of two cancels. */
#define CC__ERLANG_A_RESCALE_BITS 8000

/* ln(v 2^scale) */
static long double cc__ln_scaled(long double v, long scale)
{
    return logl(v) + (long double)scale * CC__LN2L;
}

/*
 * The by-t weights g_j = 1 - F z^j (the share of callers with j ahead whose fate is settled
 * by t, relative to pi_N t_j). They follow g_{j+1} = h + z g_j from g_0 = -expm1(ln F): a
 * recurrence of positive terms once g_j >= 0, so a tiny "within t" (small t, or
 * P(abandon) itself 1e-56) keeps its digits instead of being the difference of two sums.
 */
typedef struct cc__erlang_a_by_t {
    long double g0, h, z;
    long double log_f, theta_t; /* g_j = -expm1(log_f - j theta t) directly */
} cc__erlang_a_by_t;

/* The recurrence carries the rounding of every step before: starting from g_0 < 0 (F > 1,
 * an overload with a long patience) it runs 10^5 steps to where g_j changes sign and is
 * ~1e-5, and the error of the early steps left p_wait_le_t and p_abandon_within_t with 7
 * digits at a patience of 10^6 AHT. Every this many terms g_j is formed afresh. */
#define CC__ERLANG_A_G_RESET 64

/* Terms an evaluation may sum, over all its series: beyond this it is refused up front
 * (about 0.3 s at -O2). The loops themselves stop at twice as many, a net that the bound of
 * cc__erlang_a_series_terms keeps from ever being reached. */
#define CC__ERLANG_A_BUDGET 1e7
#define CC__ERLANG_A_MAX_TERMS 20000000L

/* ln(1e22): the series stop once a term is 1e-22 of the largest. */
#define CC__ERLANG_A_TAIL_LN 51.0

/*
 * An upper bound on the terms cc__erlang_a_series sums for ratio w over x, known before any
 * is summed. They grow until j = w - x; from x' = max(x, w) on, the k-th ratio w/(x' + k)
 * is at most w/x' and at most w/(w + k), so the terms fall at least as fast as (w/x')^k
 * and as exp(-k^2 / (2 (w + k))): past 1e-22 of the peak within
 * min(L / ln(x'/w), L + sqrt(L^2 + 2 L w)) terms, L = ln 1e22.
 */
static double cc__erlang_a_series_terms(double x, double w)
{
    const double l = CC__ERLANG_A_TAIL_LN;
    double rise = fmax(0.0, w - x), xp = fmax(x, w);
    double gauss = l + sqrt(l * l + 2.0 * l * w);
    double geometric = xp > w ? l / log1p((xp - w) / w) : INFINITY;
    return rise + fmin(gauss, geometric) + 2.0;
}

/*
 * The same for cc__erlang_a_answered_within: past the queue peak and the negative
 * binomial's mode, until the queue terms and the binomial's tail are both 1e-22 of their
 * peak; a negative binomial (r >= 1) is that far down within L standard deviations of its
 * mode (the geometric one is the slowest).
 */
static double cc__erlang_a_nb_terms(double x, double y, double nb_mean, double e_theta_t)
{
    double sd = sqrt(nb_mean * e_theta_t);
    return fmax(fmax(0.0, y - x), nb_mean) +
           fmax(cc__erlang_a_series_terms(x, y), CC__ERLANG_A_TAIL_LN * sd) + CC__ERLANG_A_TAIL_LN;
}

/*
 * Every term cc_erlang_a_eval would sum, bounded up front: the queue series, the by-t one at
 * ratio y z, and the answered-within one when it is the branch taken (see there).
 */
static double cc__erlang_a_cost(double x, double y, double theta_t)
{
    double terms_y = cc__erlang_a_series_terms(x, y);
    if (theta_t == 0.0) return terms_y;
    double z = exp(-theta_t), terms = terms_y + cc__erlang_a_series_terms(x, y * z);
    double nb_mean = (x + 1.0) * expm1(theta_t);
    if (!(nb_mean > 4.0 * terms_y + 100.0))
        terms += cc__erlang_a_nb_terms(x, y, nb_mean, exp(theta_t));
    return terms;
}

/* Sums the series for rate ratio w over x, rescaling every sum with the terms so that none
 * overflows; returns 0, or -1 past CC__ERLANG_A_MAX_TERMS terms. The harmonic H_j = sum_{i<=j+1}
 * 1/(x+i) gives the mean wait of a caller answered after j others: each stage i lasts 1/(x+i)/theta
 * on average whatever ends it. */
static int cc__erlang_a_series(long double x, long double w, int with_wait,
                               const cc__erlang_a_by_t *bt, cc__erlang_a_sums *s)
{
    long double t = 1.0L, m = 0.0L, k = 0.0L, served = 0.0L, queue = 0.0L, wait = 0.0L, h = 0.0L;
    long double g = bt ? bt->g0 : 0.0L, left = 0.0L, ab = 0.0L;
    long double peak = w - x; /* terms grow until j passes w - x, then decay */
    long j_end = 0, scale = 0;
    for (long j = 0;; j++) {
        j_end = j;
        long double denom = x + (long double)(j + 1);
        m += t;
        k += t * (long double)(j + 1) / denom;
        served += t * x / denom;
        if (with_wait) {
            h += 1.0L / denom;
            queue += t * (long double)j;
            wait += t * (x / denom) * h;
        }
        if (bt) {
            left += t * g;
            ab += t * (long double)(j + 1) / denom * g;
            g = (j + 1) % CC__ERLANG_A_G_RESET == 0
                    ? -expm1l(bt->log_f - (long double)(j + 1) * bt->theta_t)
                    : bt->h + bt->z * g;
        }
        t *= w / denom;
        if (t > 0x1p8000L) {
            const int b = -CC__ERLANG_A_RESCALE_BITS;
            t = ldexpl(t, b);
            m = ldexpl(m, b);
            k = ldexpl(k, b);
            served = ldexpl(served, b);
            queue = ldexpl(queue, b);
            wait = ldexpl(wait, b);
            left = ldexpl(left, b);
            ab = ldexpl(ab, b);
            scale += CC__ERLANG_A_RESCALE_BITS;
        }
        if ((long double)j > peak && t < m * 1e-22L) break;
        if (!isfinite(m) || j > CC__ERLANG_A_MAX_TERMS) return -1;
    }
    s->scale = scale;
    s->left_by_t = left;
    s->ab_by_t = ab;
    s->m = m;
    s->k = k;
    s->served = served;
    s->queue = queue;
    s->answered_wait = wait;
    s->terms = j_end;
    return 0;
}

/*
 * ln of sum_j t_j(x, y) x/(x+j+1) P(answered within t | j callers ahead), the answered-
 * within-t mass relative to pi_N, summed so that every term is positive. A caller with j
 * ahead is answered within t with probability x/(x+j+1) P(B >= j+1), B negative binomial
 * (r = x + 1 failures, success probability h = 1 - e^{-theta t}); exchanging the sums gives
 * sum_{i>=1} P(B = i) S(i) with S(i) = sum_{j<i} t_j x/(x+j+1). P(B = i) is formed by its
 * ratio (r+i-1)h/i from P(B = 0) = e^{-(N t + theta t)}, carried as a scaled mantissa so it
 * can start below the long double range; t_i and S(i) are rescaled as in cc__erlang_a_series. Used
 * when B's mean is not far beyond the queue lengths that matter; there the closed-form difference
 * would cancel. Cost O(i_end).
 */
static int cc__erlang_a_answered_within(long double x, long double y, long double h,
                                        long double log_p0, long double *log_out)
{
    long double r = x + 1.0L, p = 1.0L, t = 1.0L, s = 0.0L, w = 0.0L;
    long double mode = (r - 1.0L) * h / (1.0L - h), peak = y - x;
    long scale = 0;
    for (long i = 1;; i++) {
        long double c = x / (x + (long double)i);
        s += t * c;                    /* S(i) gains t_{i-1} x/(x+i) */
        t *= y / (x + (long double)i); /* t_i */
        p *= (r + (long double)(i - 1)) * h / (long double)i;
        w += p * s;
        if (p > 0x1p8000L) {
            p = ldexpl(p, -CC__ERLANG_A_RESCALE_BITS);
            w = ldexpl(w, -CC__ERLANG_A_RESCALE_BITS);
            scale += CC__ERLANG_A_RESCALE_BITS;
        }
        if (t > 0x1p8000L) { /* w = sum p S: scaled with S */
            t = ldexpl(t, -CC__ERLANG_A_RESCALE_BITS);
            s = ldexpl(s, -CC__ERLANG_A_RESCALE_BITS);
            w = ldexpl(w, -CC__ERLANG_A_RESCALE_BITS);
            scale += CC__ERLANG_A_RESCALE_BITS;
        }
        if ((long double)i > peak && (long double)i > mode && t < s * 1e-22L && p * s <= w * 1e-22L)
            break;
        if (!isfinite(s) || i > CC__ERLANG_A_MAX_TERMS) return -1;
    }
    *log_out = cc__ln_scaled(w, scale) + log_p0;
    return 0;
}

static void cc__erlang_a_fill_nan(cc_erlang_a_metrics *out)
{
    double *v = &out->p_wait;
    for (size_t i = 0; i < sizeof *out / sizeof(double); i++)
        v[i] = NAN;
}

static cc_status cc__erlang_a_check(int agents, double traffic, double patience_aht, double t_aht)
{
    const char *fn = "cc_erlang_a_eval";
    if (cc__erlang_check_agents(fn, agents, traffic, 0)) return CC_EINVAL;
    if (!isfinite(patience_aht) || patience_aht <= 0.0)
        return cc__fail(CC_EINVAL, "%s: patience must be finite and > 0 AHT, got %g", fn,
                        patience_aht);
    if (!isfinite(t_aht) || t_aht < 0.0)
        return cc__fail(CC_EINVAL, "%s: threshold t must be finite and >= 0 AHT, got %g", fn,
                        t_aht);
    return CC_OK;
}

/* D = 1/E(N, A) - 1 times 2^-scale, from Erlang B's excess (no m - unit cancellation when E
 * is near 1); infinite when E underflows (nobody waits), 0 when the queue outweighs it
 * beyond the long double range. */
static long double cc__erlang_a_below_n(int agents, double traffic, long scale)
{
    cc__recip_b r;
    cc__erlang_b_recip(&r, agents, traffic);
    long de = r.e - scale;
    if (de > 20000) return (long double)INFINITY;
    if (de < -20000) return 0.0L;
    return ldexpl((long double)r.excess, (int)de);
}

/* A loop reached CC__ERLANG_A_MAX_TERMS, which the bound checked up front should prevent. */
static cc_status cc__erlang_a_cap(int agents, double traffic, double patience_aht)
{
    return cc__fail(CC_ERANGE,
                    "cc_erlang_a_eval: %d agents, %g Erlangs, patience %g AHT: a series did not "
                    "fall below 1e-22 of its peak within %ld terms",
                    agents, traffic, patience_aht, CC__ERLANG_A_MAX_TERMS);
}

cc_status cc_erlang_a_eval(cc_erlang_a_metrics *out, int agents, double traffic,
                           double patience_aht, double t_aht)
{
    if (!out) return cc__fail(CC_EINVAL, "cc_erlang_a_eval: out is NULL");
    cc__erlang_a_fill_nan(out);
    cc_status st = cc__erlang_a_check(agents, traffic, patience_aht, t_aht);
    if (st) return st;

    long double theta = 1.0L / (long double)patience_aht;
    long double n = agents, a = traffic;
    long double x = n * (long double)patience_aht, y = a * (long double)patience_aht;
    double cost = cc__erlang_a_cost((double)x, (double)y, t_aht / patience_aht);
    if (!(cost <= CC__ERLANG_A_BUDGET))
        return cc__fail(CC_ERANGE,
                        "cc_erlang_a_eval: %d agents, %g Erlangs, patience %g AHT: the series "
                        "would need about %.2g terms, more than %g (overload times patience, "
                        "or a patience this long near full load)",
                        agents, traffic, patience_aht, cost, CC__ERLANG_A_BUDGET);

    /* By-t quantities: z = e^{-theta t}, h = 1 - z, ln F = -(N t + theta t) + y h. */
    long double tt = t_aht, h = -expm1l(-theta * tt), z = 1.0L - h;
    long double log_f = -(n * tt + theta * tt) + y * h;
    cc__erlang_a_by_t bt = {-expm1l(log_f), h, z, log_f, theta * tt};
    int termwise = t_aht > 0.0 && isfinite(bt.g0);

    cc__erlang_a_sums sy;
    if (cc__erlang_a_series(x, y, 1, termwise ? &bt : NULL, &sy))
        return cc__erlang_a_cap(agents, traffic, patience_aht);
    /* D = 1/E - 1 = excess 2^e, the probability mass below N relative to pi_N, on the scale
     * of the sums (2^-sy.scale): every quantity below is a ratio of the two. */
    long double d = cc__erlang_a_below_n(agents, traffic, sy.scale);
    long double pi_n = 1.0L / (d + sy.m); /* pi_N 2^sy.scale */
    long double ln_pi_n = cc__ln_scaled(pi_n, -sy.scale);
    /* written so that D = inf (E underflowed: nobody ever waits) gives 1, not inf * 0 */
    long double p_nowait = 1.0L / (1.0L + sy.m / d);
    long double p_wait = pi_n * sy.m;
    long double p_ab = pi_n * sy.k;

    out->p_wait = (double)p_wait;
    out->p_abandon = (double)p_ab;
    out->p_abandon_if_waiting = (double)(sy.k / sy.m);
    out->mean_wait_all = (double)(p_ab * (long double)patience_aht);
    out->asa_answered =
        (double)(pi_n * sy.answered_wait * (long double)patience_aht / (1.0L - p_ab));
    out->mean_queue = (double)(pi_n * sy.queue);
    out->occupancy = (double)(a * (1.0L - p_ab) / n);

    long double sl = p_nowait, gt = p_wait, ab_t = 0.0L, le = p_nowait;
    if (t_aht > 0.0) {
        cc__erlang_a_sums sz;
        if (cc__erlang_a_series(x, y * z, 0, NULL, &sz))
            return cc__erlang_a_cap(agents, traffic, patience_aht);
        long double lp = log_f + ln_pi_n;
        gt = expl(lp + cc__ln_scaled(sz.m, sz.scale));
        long double nb_mean = (x + 1.0L) * expm1l(theta * tt);
        if (nb_mean > 4.0L * (long double)sy.terms + 100.0L) {
            /* Nearly every waiting caller that is answered is answered by t: the
             * difference "answered - answered after t" keeps its leading digits. */
            sl = p_nowait + pi_n * sy.served - expl(lp + cc__ln_scaled(sz.served, sz.scale));
        } else {
            long double log_w;
            if (cc__erlang_a_answered_within(x, y, h, -(n * tt + theta * tt), &log_w))
                return cc__erlang_a_cap(agents, traffic, patience_aht);
            sl = p_nowait + expl(ln_pi_n + log_w);
        }
        if (termwise) {
            ab_t = pi_n * sy.ab_by_t;
            le = p_nowait + pi_n * sy.left_by_t;
        } else { /* F beyond extended range: the closed-form differences */
            ab_t = p_ab - expl(lp + cc__ln_scaled(sz.k, sz.scale));
            le = p_nowait + (p_wait - gt);
        }
    }
    out->p_wait_gt_t = (double)gt;
    out->p_wait_le_t = (double)le;
    out->sl_offered = (double)sl;
    out->sl_answered = (double)(sl / (1.0L - p_ab));
    out->p_abandon_within_t = (double)ab_t;
    return CC_OK;
}

double cc_erlang_a_p_abandon(int agents, double traffic, double patience_aht)
{
    cc_erlang_a_metrics m;
    if (cc_erlang_a_eval(&m, agents, traffic, patience_aht, 0.0)) return NAN;
    return m.p_abandon;
}

double cc_erlang_a_service_level(int agents, double traffic, double patience_aht, double t_aht)
{
    cc_erlang_a_metrics m;
    if (cc_erlang_a_eval(&m, agents, traffic, patience_aht, t_aht)) return NAN;
    return m.sl_offered;
}
