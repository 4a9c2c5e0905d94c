/*
 * lib/wfm/erlang_b.c - Erlang B (integer and fractional servers) and its inverse.
 *
 * The reciprocal recursion R(n) = 1 + (n/A) R(n-1), R = 1/B, is forward stable: each step
 * shrinks the relative error already present, so the error stays at a few ulps even after
 * 100,000 steps. R only grows; rescaling it by an exact power of two keeps it finite where
 * B underflows.
 */
#include "erlang_b.h"

#include "base/error.h"
#include "callcore/erlang.h"

#include <float.h>
#include <math.h>

/* Upper incomplete gamma via its continued fraction (modified Lentz), for x > a + 1.
 * Returns Gamma(a, x) / (e^-x x^a). Converges in O(sqrt(x)) terms at worst for a < 2. */
static double cc__gamma_upper_cf(double a, double x)
{
    const double tiny = DBL_MIN / DBL_EPSILON;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 10000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-17) break;
    }
    return h;
}

/* Lower incomplete gamma series: returns gamma(a, x) / (e^-x x^a), for x <= a + 1. */
static double cc__gamma_lower_series(double a, double x)
{
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 10000; n++) {
        term *= x / (a + n);
        sum += term;
        if (term < sum * 1e-18) break;
    }
    return sum;
}

/* 1/B(f, A) for 0 < f < 1: Gamma(f+1, A) / (A^f e^-A). */
static double cc__erlang_b_recip_fraction(double f, double traffic)
{
    double a = f + 1.0;
    if (traffic > a + 1.0) return traffic * cc__gamma_upper_cf(a, traffic);
    /* Gamma(a, x) = Gamma(a) - gamma(a, x); here Q(a, x) >= 0.2, so little is cancelled. */
    return tgamma(a) * exp(traffic) * pow(traffic, -f) -
           traffic * cc__gamma_lower_series(a, traffic);
}

static void cc__recip_rescale(cc__recip_b *r)
{
    if (r->m > 0x1p600) {
        r->m = ldexp(r->m, -CC__RECIP_RESCALE_BITS);
        r->unit = ldexp(r->unit, -CC__RECIP_RESCALE_BITS);
        r->e += CC__RECIP_RESCALE_BITS;
    }
}

/* A step whose factor q = n/A could overflow m before the rescale (A below n 2^-400):
 * move q's binary exponent into e first. m' = unit + m q = 2^qe (unit 2^-qe + m qm). */
static void cc__recip_step_huge(cc__recip_b *r, double q)
{
    int qe;
    double qm = frexp(q, &qe);
    r->unit = ldexp(r->unit, -qe);
    r->m = r->unit + r->m * qm;
    r->e += qe;
    cc__recip_rescale(r);
}

void cc__erlang_b_step_up(cc__recip_b *r, double traffic)
{
    r->n += 1.0;
    double q = r->n / traffic;
    if (q > 0x1p400) {
        cc__recip_step_huge(r, q);
        return;
    }
    r->m = r->unit + r->m * q;
    cc__recip_rescale(r);
}

void cc__erlang_b_recip(cc__recip_b *r, double servers, double traffic)
{
    double whole = floor(servers);
    double f = servers - whole;
    r->m = f > 0.0 ? cc__erlang_b_recip_fraction(f, traffic) : 1.0;
    r->unit = 1.0;
    r->e = 0;
    r->n = f;
    cc__recip_rescale(r);
    long steps = (long)whole;
    if (servers / traffic > 0x1p400) {
        /* Vanishing load: the slow path keeps every factor inside the double range. */
        for (long k = 0; k < steps; k++) {
            r->n += 1.0;
            cc__recip_step_huge(r, r->n / traffic);
        }
        r->n = servers;
        return;
    }
    double n = f, m = r->m, unit = r->unit;
    for (long k = 0; k < steps; k++) {
        n += 1.0;
        m = unit + m * (n / traffic);
        if (m > 0x1p600) {
            r->m = m;
            r->unit = unit;
            cc__recip_rescale(r);
            m = r->m;
            unit = r->unit;
        }
    }
    r->m = m;
    r->unit = unit;
    r->n = servers;
}

double cc__scale_down(double v, long e)
{
    if (e > 4 * DBL_MAX_EXP) return 0.0;
    return ldexp(v, (int)-e);
}

double cc__erlang_b_value(const cc__recip_b *r)
{
    return cc__scale_down(1.0 / r->m, r->e);
}

double cc__erlang_b_log10_of(const cc__recip_b *r)
{
    return -(log10(r->m) + (double)r->e * 0.30102999566398119521373889472449302676818988);
}

static int cc__erlang_b_check(const char *fn, double servers, double traffic)
{
    if (!isfinite(servers) || servers < 0.0 || servers > CC_ERLANG_MAX_AGENTS) {
        cc__fail_nan("%s: servers must be in [0, %d], got %g", fn, CC_ERLANG_MAX_AGENTS, servers);
        return -1;
    }
    if (!isfinite(traffic) || traffic < 0.0) {
        cc__fail_nan("%s: traffic must be a finite load >= 0 Erlangs, got %g", fn, traffic);
        return -1;
    }
    return 0;
}

int cc__erlang_check_agents(const char *fn, int agents, double traffic, int need_stable)
{
    if (agents < 1 || agents > CC_ERLANG_MAX_AGENTS) {
        cc__fail_nan("%s: agents must be in [1, %d], got %d", fn, CC_ERLANG_MAX_AGENTS, agents);
        return -1;
    }
    if (!isfinite(traffic) || traffic <= 0.0) {
        cc__fail_nan("%s: traffic must be a finite load > 0 Erlangs, got %g", fn, traffic);
        return -1;
    }
    if (need_stable && (double)agents <= traffic) {
        cc__fail_nan("%s: agents (%d) must exceed the traffic (%g Erlangs), else the queue "
                     "grows without bound",
                     fn, agents, traffic);
        return -1;
    }
    return 0;
}

double cc_erlang_b(double servers, double traffic)
{
    if (cc__erlang_b_check("cc_erlang_b", servers, traffic)) return NAN;
    if (traffic == 0.0) return servers == 0.0 ? 1.0 : 0.0;
    cc__recip_b r;
    cc__erlang_b_recip(&r, servers, traffic);
    return cc__erlang_b_value(&r);
}

double cc_erlang_b_log10(double servers, double traffic)
{
    if (cc__erlang_b_check("cc_erlang_b_log10", servers, traffic)) return NAN;
    if (traffic == 0.0) return servers == 0.0 ? 0.0 : -INFINITY;
    cc__recip_b r;
    cc__erlang_b_recip(&r, servers, traffic);
    return cc__erlang_b_log10_of(&r);
}

/*
 * Newton's method on g(A) = ln B(n, A) - ln target, which is increasing and concave in
 * ln A, with d ln B / dA = n/A - 1 + B; safeguarded by the bracket [lo, hi] where
 * hi = n / (1 - target) is always high enough (carried load A(1 - B) <= n). Each step costs
 * one Erlang B evaluation, O(n); about 6 steps.
 */
double cc_erlang_b_traffic(double servers, double blocking)
{
    const char *fn = "cc_erlang_b_traffic";
    if (!isfinite(servers) || servers <= 0.0 || servers > CC_ERLANG_MAX_AGENTS)
        return cc__fail_nan("%s: servers must be in (0, %d], got %g", fn, CC_ERLANG_MAX_AGENTS,
                            servers);
    if (!(blocking > 0.0 && blocking < 1.0))
        return cc__fail_nan("%s: blocking must be inside (0, 1), got %g", fn, blocking);
    double lo = 0.0, hi = servers / (1.0 - blocking);
    double target = log(blocking);
    /* Start in the middle of the bracket; Newton on the concave log B converges from there. */
    double a = 0.5 * hi;
    for (int it = 0; it < 200; it++) {
        cc__recip_b r;
        cc__erlang_b_recip(&r, servers, a);
        double lb = -(log(r.m) + (double)r.e * M_LN2);
        double b = cc__erlang_b_value(&r);
        double g = lb - target;
        if (g > 0.0)
            hi = a;
        else
            lo = a;
        double slope = servers / a - 1.0 + b; /* d ln B / dA > 0 */
        double next = a - g / slope;
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (fabs(next - a) <= 1e-15 * a) return next;
        a = next;
        if (hi - lo <= 1e-16 * hi) return a;
    }
    return a;
}
