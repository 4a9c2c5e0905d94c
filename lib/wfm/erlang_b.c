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

/*
 * The tail E1 = b1 + a2/(b2 + a3/(b3 + ...)) of Legendre's continued fraction
 * Gamma(a, x) = e^-x x^a / (b0 + a1/E1), b_i = x + 1 - a + 2i, a_i = -i(i - a), by the
 * modified Lentz method. Kept apart from b0 + a1/E1 so that 1/B - 1 can be formed without
 * cancellation (cc__erlang_b_recip_fraction). Converges in O(sqrt(x)) terms at worst for
 * a < 2, x > 1.5.
 */
static double cc__gamma_upper_cf_tail(double a, double x)
{
    const double tiny = DBL_MIN / DBL_EPSILON;
    double b = x + 3.0 - a, c = b, d = 0.0, h = b;
    for (int i = 2; i < 10000; i++) {
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

/* zeta(k) - 1 for k = 2..41 (mpmath, 50 digits, rounded): A&S 6.1.33 below. */
static const double cc__zeta_minus_1[] = {
    6.44934066848226406e-01, 2.02056903159594292e-01, 8.23232337111381857e-02,
    3.69277551433699266e-02, 1.73430619844491402e-02, 8.34927738192282713e-03,
    4.07735619794433960e-03, 2.00839282608221426e-03, 9.94575127818085256e-04,
    4.94188604119464529e-04, 2.46086553308048320e-04, 1.22713347578489145e-04,
    6.12481350587048277e-05, 3.05882363070204933e-05, 1.52822594086518710e-05,
    7.63719763789976257e-06, 3.81729326499984022e-06, 1.90821271655393897e-06,
    9.53962033872796212e-07, 4.76932986787806447e-07, 2.38450502727733004e-07,
    1.19219925965311064e-07, 5.96081890512594801e-08, 2.98035035146522793e-08,
    1.49015548283650427e-08, 7.45071178983543006e-09, 3.72533402478845728e-09,
    1.86265972351304914e-09, 9.31327432419668166e-10, 4.65662906503378366e-10,
    2.32831183367650534e-10, 1.16415501727005193e-10, 5.82077208790270145e-11,
    2.91038504449710001e-11, 1.45519218910419849e-11, 7.27595983505748180e-12,
    3.63797954737865086e-12, 1.81898965030706607e-12, 9.09494784026388841e-13,
    4.54747378304215422e-13};

/*
 * ln Gamma(1 + f) for 0 <= f < 1 to an absolute error of a few ulps of f. lgamma(1.0 + f)
 * would round f away in 1 + f when f is small (f = 1e-9 keeps 7 digits). For f < 0.5 the
 * series ln Gamma(1+f) = -ln(1+f) + f(1 - gamma) + sum_{k>=2} (-1)^k (zeta(k) - 1) f^k / k
 * (A&S 6.1.33) converges like 4^-k.
 */
static double cc__lgamma1p(double f)
{
    if (f >= 0.5) return lgamma(1.0 + f);
    const double euler_gamma = 0.57721566490153286060651209008240243;
    double sum = 0.0, p = -f;
    for (int k = 2; k < 42; k++) {
        p *= -f;
        double term = cc__zeta_minus_1[k - 2] * p / k;
        sum += term;
        if (fabs(term) <= 1e-18 * fabs(sum)) break;
    }
    return -euler_gamma * f + (f - log1p(f)) + sum;
}

/*
 * x (S_0 - S_f) >= 0, where S_a = gamma(1+a, x) / (e^-x x^(1+a)) = sum_k x^k / prod_{i<=k+1}
 * (i + a) is the lower incomplete gamma series: term by term
 * x^k / prod (i + f) * (prod (1 + f/i) - 1), every one positive, with expm1 of the summed
 * log1p so that a tiny f keeps its digits. For x <= 1.5: about 25 terms.
 */
static double cc__gamma_series_shift(double f, double x)
{
    double term = 1.0 / (1.0 + f), lp = log1p(f), sum = 0.0;
    for (int k = 0; k < 200; k++) {
        double c = term * expm1(lp);
        sum += c;
        if (c <= sum * 1e-17) break;
        term *= x / (k + 2.0 + f);
        lp += log1p(f / (k + 2.0));
    }
    return x * sum;
}

/*
 * 1/B(f, A) for a load so small that A^-f > e^200 (A^-f overflows a double for a subnormal
 * A): 1/B = Gamma(1+f) e^A A^-f (1 + O(e^-200)), built as m 2^e. A = am 2^ae, and
 * -f ae = t + t_lo exactly (fma), so A^-f = 2^floor(t) 2^(t - floor(t) + t_lo) am^-f with
 * every factor near 1: exp of a rounded logarithm would lose 700 ulps here.
 */
static void cc__erlang_b_recip_fraction_tiny(cc__recip_b *r, double f, double traffic)
{
    int ae;
    double am = frexp(traffic, &ae);
    double t = -f * (double)ae, t_lo = fma(-f, (double)ae, -t);
    double k = floor(t);
    r->m = tgamma(1.0 + f) * exp(traffic) * exp2((t - k) + t_lo) * pow(am, -f);
    r->e = (long)k;
    r->unit = ldexp(1.0, -(int)k);
    r->excess = r->m - r->unit; /* unit < 2^-280 m: nothing cancels */
}

/*
 * 1/B(f, A) = Gamma(f+1, A) / (A^f e^-A) for 0 < f < 1, and its excess over 1, which is all
 * that log B keeps when B is near 1 (tiny f, or A huge). Neither is formed as a difference
 * of nearly equal values:
 * - A > 1.5: with D = b0 + a1/E1 = (A - f) + f/E1 (continued fraction above),
 *   1/B = A/D and 1/B - 1 = f (E1 - 1)/(E1 D), where E1 > 2 and A - f > 0.5.
 * - A <= 1.5: 1/B - 1 = e^A (Gamma(1+f) A^-f - 1) + A (S_0 - S_f), because 1/B(0, A) = 1 =
 *   e^A - A S_0. The first term is >= 0 for A < e^-gamma = 0.56, and where it is negative
 *   its size is at most about 6 times the result (A = 1.5): no digits are lost below that.
 */
static void cc__erlang_b_recip_fraction(cc__recip_b *r, double f, double traffic)
{
    r->unit = 1.0;
    r->e = 0;
    if (traffic > 1.5) {
        double e1 = cc__gamma_upper_cf_tail(f + 1.0, traffic);
        double d = (traffic - f) + f / e1;
        r->m = traffic / d;
        r->excess = f * ((e1 - 1.0) / e1) / d;
        return;
    }
    double l = cc__lgamma1p(f) - f * log(traffic); /* ln(Gamma(1+f) A^-f) */
    if (l > 200.0) {
        cc__erlang_b_recip_fraction_tiny(r, f, traffic);
        return;
    }
    /* Above ln 2 the product exceeds 2 and subtracting 1 loses nothing; below, expm1. */
    double t1 = l > 0.7 ? tgamma(1.0 + f) * pow(traffic, -f) - 1.0 : expm1(l);
    r->excess = exp(traffic) * t1 + cc__gamma_series_shift(f, traffic);
    r->m = 1.0 + r->excess;
}

static void cc__recip_rescale(cc__recip_b *r)
{
    if (r->m > 0x1p600) {
        r->m = ldexp(r->m, -CC__RECIP_RESCALE_BITS);
        r->excess = ldexp(r->excess, -CC__RECIP_RESCALE_BITS);
        r->unit = ldexp(r->unit, -CC__RECIP_RESCALE_BITS);
        r->e += CC__RECIP_RESCALE_BITS;
    }
}

/*
 * A step at a load so small that q = n/A could overflow m before the rescale (A below
 * n 2^-400), or the double range itself (A below n / DBL_MAX, e.g. a subnormal load): q is
 * formed as qm 2^qe from the mantissas of n and A, never as n/A, and qe moves into e first:
 * m' = unit + m q = 2^qe (unit 2^-qe + m qm). qm < 1, so m' is then renormalised into
 * [0.5, 1) (its exponent into e as well): ten million such steps would otherwise shrink m
 * to 0.
 */
static void cc__recip_step_huge(cc__recip_b *r, double n, double traffic)
{
    int ne, te, qe, me;
    double nm = frexp(n, &ne), tm = frexp(traffic, &te);
    double qm = frexp(nm / tm, &qe);
    qe += ne - te;
    double unit = ldexp(r->unit, -qe);
    double excess = r->m * qm;
    double m = frexp(unit + excess, &me);
    r->m = m;
    r->unit = ldexp(unit, -me);
    r->excess = ldexp(excess, -me);
    r->e += (long)qe + me;
}

void cc__erlang_b_step_up(cc__recip_b *r, double traffic)
{
    r->n += 1.0;
    double q = r->n / traffic; /* inf when A < n / DBL_MAX: the split step then */
    if (q > 0x1p400) {
        cc__recip_step_huge(r, r->n, traffic);
        return;
    }
    r->excess = r->m * q;
    r->m = r->unit + r->excess;
    cc__recip_rescale(r);
}

void cc__erlang_b_recip(cc__recip_b *r, double servers, double traffic)
{
    double whole = floor(servers);
    double f = servers - whole;
    if (f > 0.0) {
        cc__erlang_b_recip_fraction(r, f, traffic);
    } else {
        r->m = 1.0;
        r->excess = 0.0;
        r->unit = 1.0;
        r->e = 0;
    }
    r->n = f;
    cc__recip_rescale(r);
    long steps = (long)whole;
    if (servers / traffic > 0x1p400) {
        /* Vanishing load: the slow path keeps every factor inside the double range. */
        for (long k = 0; k < steps; k++) {
            r->n += 1.0;
            cc__recip_step_huge(r, r->n, traffic);
        }
        r->n = servers;
        return;
    }
    double n = f, m = r->m, unit = r->unit, ex = r->excess;
    for (long k = 0; k < steps; k++) {
        n += 1.0;
        ex = m * (n / traffic); /* 1/B(n) - 1 = (n/A) / B(n-1): a product, exact to an ulp */
        m = unit + ex;
        if (m > 0x1p600) {
            r->m = m;
            r->excess = ex;
            r->unit = unit;
            cc__recip_rescale(r);
            m = r->m;
            ex = r->excess;
            unit = r->unit;
        }
    }
    r->m = m;
    r->excess = ex;
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

/* With e == 0, m = 1 + excess: below 2, log1p of the excess keeps the digits of a B near 1
 * (B = 1 - 1e-300 has log 1e-300, where log(m) would give 0). */
double cc__erlang_b_ln_of(const cc__recip_b *r)
{
    if (r->e == 0 && r->m < 2.0) return -log1p(r->excess);
    return -(log(r->m) + (double)r->e * 0.69314718055994530941723212145817656807550013);
}

double cc__erlang_b_log10_of(const cc__recip_b *r)
{
    if (r->e == 0 && r->m < 2.0) return -log1p(r->excess) * 0.43429448190325182765112891891660508;
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

/* The blocking sought, as ln p and as p = pm 2^pe. */
typedef struct cc__b_target {
    double log_p, pm;
    int pe;
} cc__b_target;

/*
 * ln(B(n, A) / p): increasing in A. Formed so that it is exact to a few ulps of 1 near the
 * answer whatever the size of B: from B = 2^-(e + me) / mm with m = mm 2^me, the integer
 * exponents of B and p cancel exactly and only log(mm pm), in [ln 1/4, 0], is rounded
 * (ln B - ln p would carry the rounding of ln B, 1e-200 being -460: 5e-14 of B). Near B = 1
 * the excess keeps the digits (log1p). O(n).
 */
static double cc__erlang_b_gap(double servers, double traffic, const cc__b_target *t)
{
    cc__recip_b r;
    cc__erlang_b_recip(&r, servers, traffic);
    if (r.e == 0 && r.m < 2.0) return -log1p(r.excess) - t->log_p;
    int me;
    double mm = frexp(r.m, &me);
    return -(log(mm * t->pm) +
             (double)(r.e + me + t->pe) * 0.69314718055994530941723212145817656807550013);
}

/* A bracket of the inverse in u = ln A: gap(e^lo) = glo < 0 < ghi = gap(e^hi). */
typedef struct cc__b_bracket {
    double lo, hi, glo, ghi;
} cc__b_bracket;

/*
 * Brent's method (Brent 1973, "zeroin": inverse quadratic interpolation and secant steps,
 * bisection whenever they do not shrink the bracket fast enough) on g(u) = gap(e^u). The
 * search runs in u because ln B is concave in ln A and close to a straight line at both
 * ends (slope n where B ~ A^n / n!, slope n/A -> 0 as B -> 1), while the answer ranges from
 * subnormal loads to 10^22 Erlangs. Narrows *br to a few ulps of u; returns 0, or -1 if 200
 * steps (about 4 times the worst bisection count) did not get there.
 */
static int cc__erlang_b_inverse_zeroin(cc__b_bracket *br, double servers, const cc__b_target *t)
{
    double a = br->lo, fa = br->glo, b = br->hi, fb = br->ghi, c = a, fc = fa;
    double d = b - a, e = d;
    for (int it = 0; it < 200; it++) {
        if ((fb > 0.0) == (fc > 0.0)) { /* keep the root between b and c */
            c = a;
            fc = fa;
            d = e = b - a;
        }
        if (fabs(fc) < fabs(fb)) { /* b is the best estimate so far */
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        double tol = 2.0 * DBL_EPSILON * fabs(b) + DBL_EPSILON, m = 0.5 * (c - b);
        if (fabs(m) <= tol || fb == 0.0) {
            int b_low = fb < 0.0 || (fb == 0.0 && b <= c);
            br->lo = b_low ? b : c;
            br->glo = b_low ? fb : fc;
            br->hi = b_low ? c : b;
            br->ghi = b_low ? fc : fb;
            return 0;
        }
        if (fabs(e) >= tol && fabs(fa) > fabs(fb)) {
            double p, q, sr = fb / fa;
            if (a == c) { /* secant */
                p = 2.0 * m * sr;
                q = 1.0 - sr;
            } else { /* inverse quadratic interpolation */
                double qa = fa / fc, rb = fb / fc;
                p = sr * (2.0 * m * qa * (qa - rb) - (b - a) * (rb - 1.0));
                q = (qa - 1.0) * (rb - 1.0) * (sr - 1.0);
            }
            if (p > 0.0)
                q = -q;
            else
                p = -p;
            if (2.0 * p < fmin(3.0 * m * q - fabs(tol * q), fabs(e * q))) {
                e = d;
                d = p / q;
            } else {
                d = e = m;
            }
        } else {
            d = e = m;
        }
        a = b;
        fa = fb;
        b += fabs(d) > tol ? d : (m > 0.0 ? tol : -tol);
        fb = cc__erlang_b_gap(servers, exp(b), t);
    }
    return -1;
}

/*
 * Inverse Erlang B. The answer A* lies in (lower, upper) with
 *   upper = n / (1 - target)       (carried load A(1 - B) < n),
 *   lower = (target Gamma(n+1))^(1/n)  (B <= A^n / Gamma(n+1), any n > 0), and for n >= 1
 *   lower = floor(n) target / (1 - target)  (1/B >= 1 + floor(n)/A),
 * widened by a factor e on both sides against rounding. Brent's method in ln A closes the
 * bracket to a few ulps of ln A, which for A = 1e-300 is 1e-13 of A itself; a last secant
 * step in A across that bracket (where ln B is a straight line to 1e-26) gives A to the
 * accuracy of B itself. About 10 Erlang B evaluations, O(n) each.
 */
double cc_erlang_b_traffic(double servers, double blocking)
{
    const char *fn = "cc_erlang_b_traffic";
    if (!isfinite(servers) || servers <= 0.0 || servers > CC_ERLANG_MAX_AGENTS)
        return cc__fail_nan("%s: servers must be in (0, %d], got %g", fn, CC_ERLANG_MAX_AGENTS,
                            servers);
    if (!(blocking > 0.0 && blocking < 1.0))
        return cc__fail_nan("%s: blocking must be inside (0, 1), got %g", fn, blocking);
    const double u_min = log(DBL_TRUE_MIN); /* the smallest load a double holds */
    cc__b_target t;
    t.log_p = log(blocking);
    t.pm = frexp(blocking, &t.pe);
    double log_free = log1p(-blocking);
    cc__b_bracket br;
    br.hi = log(servers) - log_free + 1.0;
    br.lo = (t.log_p + lgamma(servers + 1.0)) / servers;
    if (servers >= 1.0) br.lo = fmax(br.lo, log(floor(servers)) + t.log_p - log_free);
    br.lo = fmax(fmin(br.lo, br.hi) - 1.0, u_min);
    br.ghi = cc__erlang_b_gap(servers, exp(br.hi), &t);
    br.glo = cc__erlang_b_gap(servers, exp(br.lo), &t);
    if (!(br.glo <= 0.0 && br.ghi > 0.0)) {
        if (br.lo == u_min && br.glo > 0.0) return 0.0; /* below the smallest subnormal */
        return cc__fail_nan("%s: no bracket for %g servers at blocking %g (internal error)", fn,
                            servers, blocking);
    }
    if (br.glo == 0.0) return exp(br.lo);
    if (cc__erlang_b_inverse_zeroin(&br, servers, &t))
        return cc__fail_nan("%s: %g servers at blocking %g: no convergence in 200 steps", fn,
                            servers, blocking);
    if (br.glo == 0.0) return exp(br.lo);
    double a_lo = exp(br.lo), a_hi = exp(br.hi);
    return a_lo + (a_hi - a_lo) * (-br.glo / (br.ghi - br.glo));
}
