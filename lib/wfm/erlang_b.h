/*
 * lib/wfm/erlang_b.h - internal: Erlang B in scaled form, shared by Erlang B, C, A and
 * the staffing solvers.
 */
#ifndef CC_WFM_ERLANG_B_H
#define CC_WFM_ERLANG_B_H

/*
 * 1/B(n, A) = m * 2^e, with unit = 2^-e (0 once it underflows). Keeping the reciprocal
 * as mantissa and binary exponent lets B underflow a double without losing its digits.
 * m >= 1 whenever e == 0; m < 2^CC__RECIP_RESCALE_BITS always.
 * excess = (1/B - 1) 2^-e, formed as the product of the last step (q R(n-1)) rather than
 * as m - unit: when B is near 1 that difference would cancel every digit it has.
 */
typedef struct cc__recip_b {
    double m;
    double excess;
    double unit;
    long e;
    double n; /* the server count this value belongs to */
} cc__recip_b;

#define CC__RECIP_RESCALE_BITS 600

/* Starts the recursion at the fractional part f = servers - floor(servers) (0 gives
 * 1/B = 1) and runs it up to `servers`. traffic > 0, 0 <= servers <= CC_ERLANG_MAX_AGENTS:
 * callers validate. O(servers). */
void cc__erlang_b_recip(cc__recip_b *r, double servers, double traffic);

/* One step of the recursion: from n to n + 1 servers. O(1). */
void cc__erlang_b_step_up(cc__recip_b *r, double traffic);

/* v * 2^-e for e >= 0 without overflowing the int exponent of ldexp (0 once it underflows). */
double cc__scale_down(double v, long e);

/* B as a double (0 on underflow). */
double cc__erlang_b_value(const cc__recip_b *r);

/* log10 B and ln B, with B near 1 kept to relative accuracy (log1p of the excess). */
double cc__erlang_b_log10_of(const cc__recip_b *r);
double cc__erlang_b_ln_of(const cc__recip_b *r);

/* Validation shared by the public entry points: returns 0 or records a message and -1. */
int cc__erlang_check_agents(const char *fn, int agents, double traffic, int need_stable);

#endif
