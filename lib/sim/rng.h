/*
 * lib/sim/rng.h - internal: the simulator's seedable pseudo-random generator.
 *
 * xoshiro256** (Blackman & Vigna), seeded through splitmix64 so that any 64-bit
 * seed, including 0, gives a well-mixed state. O(1) per draw, 32 bytes of state,
 * period 2^256 - 1. Not for cryptography. Each simulation owns its generators, so
 * runs are reentrant and a seed fully determines the draws.
 */
#ifndef CC_SIM_RNG_H
#define CC_SIM_RNG_H

#include <stdint.h>

typedef struct cc__sim_rng {
    uint64_t s[4];
} cc__sim_rng;

/* Seeds the generator; `stream` selects an independent sub-stream for the same
 * seed (arrivals, handle times and patience each draw from their own stream, so
 * changing one distribution does not shift the draws of the others). */
void cc__sim_rng_seed(cc__sim_rng *r, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
uint64_t cc__sim_rng_next(cc__sim_rng *r);

/* Uniform double in the open interval (0, 1): never 0, so log() is safe. */
double cc__sim_rng_uniform(cc__sim_rng *r);

/* Uniform integer in [0, n), n > 0, without modulo bias (rejection sampling). */
uint64_t cc__sim_rng_below(cc__sim_rng *r, uint64_t n);

/* Standard normal variate (Marsaglia polar method, one value per call). */
double cc__sim_rng_normal(cc__sim_rng *r);

#endif
