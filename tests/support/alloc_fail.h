/*
 * tests/support/alloc_fail.h - inject allocation failures through cc_set_allocator().
 *
 * Usage, to prove that every allocation failure of a scenario is handled:
 *
 *     for (long n = 0;; n++) {
 *         cc_test_alloc_fail_at(n);           // the n-th allocation fails
 *         int rc = scenario();                // must return CC_ENOMEM or succeed
 *         cc_test_alloc_reset();
 *         if (!cc_test_alloc_failed()) break; // ran to the end without hitting n
 *     }
 *
 * Also counts live blocks so tests can assert that nothing leaked.
 */
#ifndef CC_TEST_ALLOC_FAIL_H
#define CC_TEST_ALLOC_FAIL_H

#include <stddef.h>

/* Installs the counting allocator; allocation number n (0-based, counting
 * malloc and realloc) fails, and so do all later ones if `sticky`. n < 0 never fails. */
void cc_test_alloc_fail_at(long n);
void cc_test_alloc_fail_from(long n); /* sticky variant */

/* Restores the system allocator (keeps the counters for inspection). */
void cc_test_alloc_reset(void);

/* 1 if the armed failure was injected since the last arming. */
int cc_test_alloc_failed(void);

/* Allocations made since arming, and blocks still live. */
long cc_test_alloc_count(void);
long cc_test_alloc_live(void);

/*
 * Runs scenario(ctx) with the n-th allocation failing for n = 0, 1, 2, ...
 * until a run makes fewer than n+1 allocations. scenario must return 0 when it
 * succeeded or cleanly reported CC_ENOMEM, and non-zero on any other outcome;
 * it must free everything it made. Returns the number of failure points tried,
 * or -(n+1) for the first n at which the scenario reported a problem or leaked.
 */
long cc_test_alloc_sweep(int (*scenario)(void *ctx), void *ctx);

#endif
