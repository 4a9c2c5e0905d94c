/*
 * lib/base/rng.h - internal: the one pseudo-random generator of the library,
 * xoshiro256** (Blackman & Vigna) with splitmix64 seeding.
 *
 * The state is four 64-bit words owned by the caller (the engine keeps it in
 * cc_engine, the simulator in each cc__sim_rng), so every user is reentrant and
 * a seed fully determines its draws. O(1) per draw, 32 bytes of state, period
 * 2^256 - 1. Not for cryptography. Each user keeps its own seeding policy and
 * its own mapping to doubles on top of these primitives. Thread: none shared.
 */
#ifndef CC_BASE_RNG_H
#define CC_BASE_RNG_H

#include <stdint.h>

/* Advances *x by the golden-ratio step and returns its splitmix64 mix: a
 * well-spread 64-bit value for any input, 0 included. */
uint64_t cc__splitmix64(uint64_t *x);

/* Fills the xoshiro256** state s[4] with four splitmix64 outputs from x, so
 * that any seed gives a well-mixed, nonzero state. */
void cc__xoshiro_seed(uint64_t s[4], uint64_t x);

/* Next 64 random bits of xoshiro256**; advances s[4]. */
uint64_t cc__xoshiro_next(uint64_t s[4]);

#endif
