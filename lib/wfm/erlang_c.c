/*
 * lib/wfm/erlang_c.c - Erlang C (M/M/N) from the scaled Erlang B reciprocal.
 *
 * With R = 1/B = m 2^e and unit = 2^-e, multiplying numerator and denominator by R gives
 * forms with no cancellation and no overflow:
 *   C  = N / ((N - A) R + A)
 *   SL = 1 - C e^{-(N-A)t} = [(N - A)(R - 1) - N expm1(-(N-A)t)] / ((N - A) R + A)
 * where every term is >= 0 (R >= 2 whenever A < N). Cost O(N) per call.
 */
#include "erlang_b.h"

#include "base/error.h"
#include "callcore/erlang.h"

#include <math.h>

static const double cc__log10_2 = 0.30102999566398119521373889472449302676818988;

double cc_erlang_c(int agents, double traffic)
{
    if (cc__erlang_check_agents("cc_erlang_c", agents, traffic, 1)) return NAN;
    cc__recip_b r;
    cc__erlang_b_recip(&r, agents, traffic);
    double n = agents;
    double c = n / ((n - traffic) * r.m + traffic * r.unit);
    return cc__scale_down(c, r.e);
}

double cc_erlang_c_log10(int agents, double traffic)
{
    if (cc__erlang_check_agents("cc_erlang_c_log10", agents, traffic, 1)) return NAN;
    cc__recip_b r;
    cc__erlang_b_recip(&r, agents, traffic);
    double n = agents;
    return log10(n / ((n - traffic) * r.m + traffic * r.unit)) - (double)r.e * cc__log10_2;
}

double cc_erlang_c_service_level(int agents, double traffic, double t_aht)
{
    if (cc__erlang_check_agents("cc_erlang_c_service_level", agents, traffic, 1)) return NAN;
    if (!isfinite(t_aht) || t_aht < 0.0)
        return cc__fail_nan("cc_erlang_c_service_level: threshold t must be finite and >= 0, "
                            "got %g AHT",
                            t_aht);
    cc__recip_b r;
    cc__erlang_b_recip(&r, agents, traffic);
    double n = agents, gap = n - traffic;
    double num = gap * (r.m - r.unit) - n * r.unit * expm1(-gap * t_aht);
    return num / (gap * r.m + traffic * r.unit);
}

double cc_erlang_c_asa(int agents, double traffic)
{
    double c = cc_erlang_c(agents, traffic);
    if (isnan(c)) return c;
    return c / ((double)agents - traffic);
}

double cc_erlang_c_wait_if_waiting(int agents, double traffic)
{
    if (cc__erlang_check_agents("cc_erlang_c_wait_if_waiting", agents, traffic, 1)) return NAN;
    return 1.0 / ((double)agents - traffic);
}

double cc_erlang_c_occupancy(int agents, double traffic)
{
    if (cc__erlang_check_agents("cc_erlang_c_occupancy", agents, traffic, 1)) return NAN;
    return traffic / (double)agents;
}
