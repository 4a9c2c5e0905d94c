/*
 * lib/sim/rng.c - the simulator's sub-streams and variates on top of the
 * library's xoshiro256** generator (lib/base/rng.h; see rng.h).
 */
#include "rng.h"

#include "base/rng.h"

#include <math.h>

void cc__sim_rng_seed(cc__sim_rng *r, uint64_t seed, uint64_t stream)
{
    /* Mixing the stream number through splitmix64 first keeps sub-streams of
     * neighbouring seeds apart. */
    uint64_t x = seed ^ cc__splitmix64(&stream);
    cc__xoshiro_seed(r->s, x);
}

uint64_t cc__sim_rng_next(cc__sim_rng *r)
{
    return cc__xoshiro_next(r->s);
}

double cc__sim_rng_uniform(cc__sim_rng *r)
{
    /* 53 random bits, shifted by half a step: values in (0, 1). */
    return ((double)(cc__sim_rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

uint64_t cc__sim_rng_below(cc__sim_rng *r, uint64_t n)
{
    /* Rejecting the top partial block of 2^64 removes the modulo bias; the
     * expected number of draws is below 2. */
    uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
    uint64_t x;
    do x = cc__sim_rng_next(r);
    while (x >= limit);
    return x % n;
}

double cc__sim_rng_normal(cc__sim_rng *r)
{
    for (;;) {
        double u = 2.0 * cc__sim_rng_uniform(r) - 1.0;
        double v = 2.0 * cc__sim_rng_uniform(r) - 1.0;
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) return u * sqrt(-2.0 * log(s) / s);
    }
}
