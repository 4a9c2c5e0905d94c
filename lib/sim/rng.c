/*
 * lib/sim/rng.c - xoshiro256** with splitmix64 seeding (see rng.h).
 */
#include "rng.h"

#include <math.h>

static uint64_t cc__splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t cc__rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void cc__sim_rng_seed(cc__sim_rng *r, uint64_t seed, uint64_t stream)
{
    /* Mixing the stream number through splitmix64 first keeps sub-streams of
     * neighbouring seeds apart. */
    uint64_t x = seed ^ cc__splitmix64(&stream);
    for (int i = 0; i < 4; i++) r->s[i] = cc__splitmix64(&x);
}

uint64_t cc__sim_rng_next(cc__sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = cc__rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = cc__rotl(s[3], 45);
    return result;
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
