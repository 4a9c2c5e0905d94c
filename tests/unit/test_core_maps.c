/*
 * tests/unit/test_core_maps.c - the routing engine's id map (lib/core/name_map.c)
 * against a model: ids as switches hand them in (consecutive), in strides
 * (every 4th, every 1024th, every 2^32th: the patterns a weak hash piles onto
 * one slot) and at random, with inserts, lookups, backward-shift removals in
 * random order and re-inserts; the table's longest run of occupied slots (the
 * worst probe) must stay short for every pattern.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/rng.h"
#include "core/name_map.h"

#include <stdint.h>
#include <stdlib.h>

#define N 50000

/* Longest run of occupied slots, wrapping around: a probe for an absent key
 * walks at most this far. O(cap). */
static size_t longest_run(const cc__core_ids *m)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < 2 * m->cap; i++) {
        run = m->slots[i & (m->cap - 1)].key ? run + 1 : 0;
        if (run > best) best = run;
    }
    return best < m->cap ? best : m->cap;
}

static uint64_t key_of(int pattern, size_t i, uint64_t *rng)
{
    switch (pattern) {
    case 0: return 1 + i;              /* consecutive */
    case 1: return 4 * (i + 1);        /* every 4th: one home per group lost */
    case 2: return 1024 * (i + 1);     /* low bits all zero */
    case 3: return (uint64_t)(i + 1) << 32;
    default: return cc__xoshiro_next(rng) | 1; /* random (odd: never 0) */
    }
}

static void ids_match_the_model(void **state)
{
    (void)state;
    static uint64_t keys[N];
    static int live[N];
    for (int pattern = 0; pattern < 5; pattern++) {
        uint64_t rng[4];
        cc__xoshiro_seed(rng, 17 + (uint64_t)pattern);
        cc__core_ids m = {0};
        for (size_t i = 0; i < N; i++) keys[i] = key_of(pattern, i, rng);
        assert_int_equal(cc__core_ids_reserve(&m, N), 0);
        for (size_t i = 0; i < N; i++) {
            assert_null(cc__core_ids_get(&m, keys[i]));
            cc__core_ids_put(&m, keys[i], &keys[i]);
            live[i] = 1;
        }
        assert_int_equal(m.len, N);
        size_t run = longest_run(&m);
        print_message("# pattern %d: longest run %zu of %zu slots\n", pattern, run, m.cap);
        assert_true(run <= 128);
        /* remove half in random order, then every key answers as the model says */
        for (size_t k = 0; k < N / 2; k++) {
            size_t i = (size_t)(cc__xoshiro_next(rng) % N);
            cc__core_ids_remove(&m, keys[i]);
            live[i] = 0;
        }
        size_t nlive = 0;
        for (size_t i = 0; i < N; i++) {
            void *v = cc__core_ids_get(&m, keys[i]);
            if (live[i]) assert_ptr_equal(v, &keys[i]);
            else assert_null(v);
            nlive += (size_t)live[i];
        }
        assert_int_equal(m.len, nlive);
        /* re-insert the removed ones; a put of a present key replaces its value */
        for (size_t i = 0; i < N; i++)
            cc__core_ids_put(&m, keys[i], live[i] ? (void *)&live[i] : (void *)&keys[i]);
        assert_int_equal(m.len, N);
        for (size_t i = 0; i < N; i++) {
            void *want = live[i] ? (void *)&live[i] : (void *)&keys[i];
            assert_ptr_equal(cc__core_ids_get(&m, keys[i]), want);
        }
        assert_null(cc__core_ids_get(&m, 0));
        cc__core_ids_free(&m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_match_the_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
