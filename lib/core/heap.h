/*
 * lib/core/heap.h - internal: the binary min-heap behind every routing index.
 *
 * One entry type for all indexes: a three-part key compared lexicographically
 * (k1, k2, k3) plus the (slot, gen) of the object it refers to. Entries are
 * never removed from the middle: an object that leaves an index bumps its
 * generation, which makes its entries stale, and stale entries are dropped
 * when they reach the top (lazy deletion) or when the heap is full (compaction).
 *
 * Capacity is reserved ahead (cc__heap_reserve) by the callers while they may
 * still fail, so that pushes during a routing cascade never allocate:
 * cc__heap_push compacts instead of growing, and callers keep
 * capacity >= 2 * (max valid entries) + CC__HEAP_SLACK.
 *
 * Complexity: push O(log n), top O(1), pop O(log n), compaction O(n) and
 * amortised O(1) per push (after it at least half the capacity is free).
 *
 * Four children per node, not two: a pop (the common operation: every stale
 * entry leaves by one) walks half as many levels, and the four children of a
 * node are adjacent (128 bytes), so each level costs about two cache lines
 * instead of one line per level at twice the depth. Node i has children
 * CC__HEAP_ARITY * i + 1 .. CC__HEAP_ARITY * i + CC__HEAP_ARITY. A sorted
 * array is a valid heap (snapshots store entries sorted).
 */
#ifndef CC_CORE_HEAP_H
#define CC_CORE_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define CC__HEAP_SLACK 16
#define CC__HEAP_ARITY 4

typedef struct cc__hentry {
    uint64_t k1, k2, k3;
    uint32_t slot, gen;
} cc__hentry;

typedef struct cc__heap {
    cc__hentry *items;
    size_t len, cap;
} cc__heap;

/* Validity test for compaction: non-zero keeps the entry. */
typedef int (*cc__heap_valid_fn)(const cc__hentry *e, void *ctx);

void cc__heap_free(cc__heap *h);
/* Grows the capacity to at least `cap` entries; 0 or -1 (allocation failed,
 * heap unchanged). */
int cc__heap_reserve(cc__heap *h, size_t cap);
/* Pushes; when full, first drops the entries `valid` rejects. Returns 0, or -1
 * if the heap is still full (a reservation was missed; the entry is lost). */
int cc__heap_push(cc__heap *h, const cc__hentry *e, cc__heap_valid_fn valid, void *ctx);
/* The smallest entry, or NULL when empty. O(1); inline, like cc__hentry_less:
 * the routing loops look at a heap top per matched profile. */
static inline const cc__hentry *cc__heap_top(const cc__heap *h)
{
    return h->len ? &h->items[0] : NULL;
}
void cc__heap_pop(cc__heap *h);
/* Drops invalid entries and restores the heap order. O(n). */
void cc__heap_compact(cc__heap *h, cc__heap_valid_fn valid, void *ctx);
/* 1 if a < b. O(1). Inline: every sift step of every push and pop compares,
 * and as an out-of-line call (what the compiler chose for heap.c's own sift
 * loops) it cost a call per step of the hottest loops of routing. */
static inline int cc__hentry_less(const cc__hentry *a, const cc__hentry *b)
{
    if (a->k1 != b->k1) return a->k1 < b->k1;
    if (a->k2 != b->k2) return a->k2 < b->k2;
    if (a->k3 != b->k3) return a->k3 < b->k3;
    return a->slot < b->slot;
}

#endif
