/*
 * tests/unit/test_core_heap.c - the routing engine's index heap (lib/core/heap.c):
 * its two layouts (sorted, heap) against a reference model under random
 * pushes (mostly growing keys, as routing makes them, and arbitrary ones),
 * pops, compactions with lazy deletion, sorting and clearing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/rng.h"
#include "core/heap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Validity for the tests: an entry is valid while its gen equals the
 * current generation of its slot. */
#define SLOTS 64
typedef struct model {
    uint32_t gen[SLOTS];
    cc__hentry live[SLOTS]; /* the valid entry of each slot, when present */
    int has[SLOTS];
} model;

static int entry_valid(const cc__hentry *h, void *ctx)
{
    const model *m = ctx;
    return m->gen[h->slot] == h->gen;
}

/* The layout invariant: sorted, or heap-ordered (four children per node),
 * checked here and by cc__heap_well_formed (the engine's consistency check). */
static void check_layout(const cc__heap *h)
{
    for (size_t i = 1; i < h->len; i++) {
        size_t parent = h->unsorted ? (i - 1) / CC__HEAP_ARITY : i - 1;
        assert_false(cc__hentry_less(&h->items[i], &h->items[parent]));
    }
    assert_true(h->head + h->len <= h->cap);
    assert_true(cc__heap_well_formed(h));
}

/* The smallest valid entry of the model, or -1. */
static int model_min(const model *m)
{
    int best = -1;
    for (int s = 0; s < SLOTS; s++)
        if (m->has[s] && (best < 0 || cc__hentry_less(&m->live[s], &m->live[best]))) best = s;
    return best;
}

/* Pops stale entries off the top, as routing does; then the top must be the
 * model's smallest valid entry. */
static void check_top(cc__heap *h, model *m)
{
    const cc__hentry *t;
    while ((t = cc__heap_top(h)) && !entry_valid(t, m)) cc__heap_pop(h);
    int best = model_min(m);
    if (best < 0) {
        assert_null(t);
        return;
    }
    assert_non_null(t);
    assert_int_equal(t->slot, (uint32_t)best);
    assert_true(memcmp(t, &m->live[best], sizeof *t) == 0);
}

/* One random run: `monotone` percent of pushes carry a key above every key
 * pushed so far (plus small ties and reorders), the rest a random key. */
static void run(uint64_t seed, int monotone, int steps)
{
    uint64_t r = seed;
    model m;
    memset(&m, 0, sizeof m);
    cc__heap h;
    memset(&h, 0, sizeof h);
    /* at most SLOTS valid entries: capacity 2 * SLOTS + slack, as routing keeps */
    assert_int_equal(cc__heap_reserve(&h, 2 * SLOTS + CC__HEAP_SLACK), 0);
    uint64_t clock = 1000;
    for (int step = 0; step < steps; step++) {
        uint64_t op = cc__splitmix64(&r) % 100;
        uint32_t s = (uint32_t)(cc__splitmix64(&r) % SLOTS);
        if (op < 55) { /* (re-)insert slot s: its old entry turns stale */
            m.gen[s]++;
            cc__hentry x = {0, cc__splitmix64(&r) % 3, cc__splitmix64(&r) % 4, s, m.gen[s]};
            if ((int)(cc__splitmix64(&r) % 100) < monotone) {
                clock += cc__splitmix64(&r) % 3; /* equal keys happen: ties on k2, k3, slot */
                x.k1 = clock - (cc__splitmix64(&r) % 8 == 0 ? cc__splitmix64(&r) % 5 : 0);
            } else {
                x.k1 = cc__splitmix64(&r) % (clock + 1);
            }
            assert_int_equal(cc__heap_push(&h, &x, entry_valid, &m), 0);
            m.live[s] = x;
            m.has[s] = 1;
        } else if (op < 75) { /* slot s leaves: lazy deletion */
            m.gen[s]++;
            m.has[s] = 0;
        } else if (op < 93) { /* take the best, as a routing decision does */
            check_top(&h, &m);
            const cc__hentry *t = cc__heap_top(&h);
            if (t) {
                uint32_t slot = t->slot;
                cc__heap_pop(&h);
                m.gen[slot]++;
                m.has[slot] = 0;
            }
        } else if (op < 96) { /* pop the best and put it back (a declined agent) */
            check_top(&h, &m);
            const cc__hentry *t = cc__heap_top(&h);
            if (t) {
                cc__hentry saved = *t;
                cc__heap_pop(&h);
                assert_int_equal(cc__heap_push(&h, &saved, NULL, NULL), 0);
            }
        } else if (op < 98) {
            cc__heap_compact(&h, entry_valid, &m);
            assert_false(h.unsorted);
        } else if (op < 99) {
            cc__heap_sort(&h);
            assert_false(h.unsorted);
        } else {
            cc__heap_clear(&h);
            assert_int_equal(h.len, 0);
            for (int k = 0; k < SLOTS; k++) m.gen[k]++, m.has[k] = 0;
        }
        check_layout(&h);
        check_top(&h, &m);
        check_layout(&h);
    }
    cc__heap_free(&h);
    assert_null(h.items);
}

static void test_growing_keys_keep_the_sorted_layout(void **state)
{
    (void)state;
    uint64_t r = 7;
    cc__heap h;
    memset(&h, 0, sizeof h);
    assert_int_equal(cc__heap_reserve(&h, 64), 0);
    uint64_t k = 0;
    for (int i = 0; i < 10000; i++) {
        /* keys grow, ties and short reorders included */
        for (int j = 0; j < 3; j++) {
            cc__hentry x = {k + cc__splitmix64(&r) % 4, 0, (uint64_t)i, (uint32_t)j, 0};
            assert_int_equal(cc__heap_push(&h, &x, NULL, NULL), 0);
        }
        k += 4;
        for (int j = 0; j < 3; j++) cc__heap_pop(&h);
        assert_false(h.unsorted);
        assert_int_equal(h.len, 0);
    }
    /* a push far behind the back switches to the heap layout, which still
     * gives the entries in order */
    for (uint64_t i = 0; i < 20; i++) {
        cc__hentry x = {100 + i, 0, 0, 0, 0};
        assert_int_equal(cc__heap_push(&h, &x, NULL, NULL), 0);
    }
    cc__hentry low = {105, 0, 0, 1, 0}; /* 15 entries from the back */
    cc__heap_pop(&h); /* the root moves: room before it */
    assert_int_equal(cc__heap_push(&h, &low, NULL, NULL), 0);
    assert_true(h.unsorted);
    check_layout(&h);
    uint64_t last = 0;
    for (int i = 0; i < 20; i++) {
        const cc__hentry *t = cc__heap_top(&h);
        assert_non_null(t);
        assert_true(t->k1 >= last);
        last = t->k1;
        cc__heap_pop(&h);
    }
    assert_null(cc__heap_top(&h));
    assert_false(h.unsorted); /* empty: sorted again */
    cc__heap_free(&h);
}

static void test_a_popped_entry_goes_back_before_the_root(void **state)
{
    (void)state;
    cc__heap h;
    memset(&h, 0, sizeof h);
    assert_int_equal(cc__heap_reserve(&h, CC__HEAP_SLACK), 0);
    /* full block: the put-back must not need tail room */
    for (uint64_t i = 0; i < h.cap; i++) {
        cc__hentry x = {i, 0, 0, (uint32_t)i, 0};
        assert_int_equal(cc__heap_push(&h, &x, NULL, NULL), 0);
    }
    cc__hentry full = {99, 0, 0, 99, 0};
    assert_int_equal(cc__heap_push(&h, &full, NULL, NULL), -1);
    cc__hentry top = *cc__heap_top(&h);
    cc__heap_pop(&h);
    assert_int_equal(cc__heap_push(&h, &top, NULL, NULL), 0);
    assert_false(h.unsorted);
    assert_int_equal(cc__heap_top(&h)->k1, 0);
    cc__heap_free(&h);
}

static void test_a_sorted_heap_stays_near_its_block_start(void **state)
{
    (void)state;
    cc__heap h;
    memset(&h, 0, sizeof h);
    assert_int_equal(cc__heap_reserve(&h, 1024), 0);
    uint64_t next = 0, first = 0;
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < 7; i++, next++) {
            cc__hentry x = {next, 0, 0, 0, 0};
            assert_int_equal(cc__heap_push(&h, &x, NULL, NULL), 0);
        }
        for (int i = 0; i < 6; i++, first++) {
            assert_int_equal(cc__heap_top(&h)->k1, first);
            cc__heap_pop(&h);
        }
        /* the root never drifts further than len + slack from the start */
        assert_true(h.head < h.len + CC__HEAP_SLACK);
        assert_false(h.unsorted);
        check_layout(&h);
    }
    /* a heap whose entries were forged out of order is not well formed */
    h.items[0].k1 = UINT64_MAX;
    assert_false(cc__heap_well_formed(&h));
    cc__heap_free(&h);
}

static void test_random_runs_match_the_model(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        run(seed, 95, 5000);  /* routing-like: keys mostly grow */
        run(seed, 50, 5000);  /* mixed */
        run(seed, 0, 5000);   /* arbitrary keys: the heap layout */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growing_keys_keep_the_sorted_layout),
        cmocka_unit_test(test_a_popped_entry_goes_back_before_the_root),
        cmocka_unit_test(test_a_sorted_heap_stays_near_its_block_start),
        cmocka_unit_test(test_random_runs_match_the_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
