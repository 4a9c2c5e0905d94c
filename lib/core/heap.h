/*
 * lib/core/heap.h - internal: the min-heap behind every routing index.
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
 * Two layouts of the same entries, items[0 .. len) in both:
 *  - sorted (the common case): entries in key order. Routing keys mostly grow
 *    with time (an agent's idle start, a contact's arrival, a timer's due
 *    time), so a push usually appends, or moves at most CC__HEAP_INSERT_MAX
 *    entries up to insert; a pop advances `items` by one entry (the root moves
 *    right inside the block, `head` entries after its start). Push and pop are
 *    O(1), and a pop reads one line instead of walking the tree: at 100,000
 *    agents the sift-downs of stale entries were the largest cost of routing.
 *  - heap: after a push that lands further back, a four-ary min-heap rooted at
 *    items[0]. Four children per node, not two: a pop walks half as many
 *    levels, and the four children of a node are adjacent (128 bytes).
 *    Node i has children CC__HEAP_ARITY * i + 1 .. CC__HEAP_ARITY * i + 4.
 * A sorted array is a valid heap, so readers that walk items[0 .. len) as a
 * tree or as a list (queries, snapshots, checks) work with either layout. The
 * heap layout turns sorted again when it empties or when a compaction sorts.
 *
 * Complexity: push O(1) sorted, O(log n) heap; top O(1); pop O(1) sorted,
 * O(log n) heap; compaction O(n) when the kept entries are in order, else
 * O(n log n) (an in-place heapsort), amortised O(log n) per push either way
 * (after it at least half the capacity is free).
 */
#ifndef CC_CORE_HEAP_H
#define CC_CORE_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define CC__HEAP_SLACK 16
#define CC__HEAP_ARITY 4
/* Most entries a push into the sorted layout moves to keep it sorted. */
#define CC__HEAP_INSERT_MAX 8

typedef struct cc__hentry {
    uint64_t k1, k2, k3;
    uint32_t slot, gen;
} cc__hentry;

/* A zeroed cc__heap is an empty heap. */
typedef struct cc__heap {
    cc__hentry *items; /* the root; the block starts `head` entries before it */
    size_t len, cap;   /* cap counts from the block's start */
    size_t head;
    int unsorted; /* 0: items[0 .. len) in key order; 1: heap order */
} cc__heap;

/* Validity test for compaction: non-zero keeps the entry. */
typedef int (*cc__heap_valid_fn)(const cc__hentry *e, void *ctx);

void cc__heap_free(cc__heap *h);
/* Grows the capacity to at least `cap` entries; 0 or -1 (allocation failed,
 * heap unchanged). */
int cc__heap_reserve(cc__heap *h, size_t cap);
/* Pushes; when full, first drops the entries `valid` rejects (if given).
 * Returns 0, or -1 if the heap is still full (a reservation was missed; the
 * entry is lost). */
int cc__heap_push(cc__heap *h, const cc__hentry *e, cc__heap_valid_fn valid, void *ctx);
/* The smallest entry, or NULL when empty. O(1); inline, like cc__hentry_less:
 * the routing loops look at a heap top per matched profile. */
static inline const cc__hentry *cc__heap_top(const cc__heap *h)
{
    return h->len ? &h->items[0] : NULL;
}
void cc__heap_pop(cc__heap *h);
/* Drops invalid entries; the rest end up sorted. See the complexity above. */
void cc__heap_compact(cc__heap *h, cc__heap_valid_fn valid, void *ctx);
/* Puts the entries in key order (the sorted layout), in place, without
 * allocating: for walks that must visit them in order. O(n log n), O(n) when
 * sorted already. */
void cc__heap_sort(cc__heap *h);
/* Drops every entry (capacity kept). O(1). */
void cc__heap_clear(cc__heap *h);
/* 1 if the entries are in the order their layout promises (sorted, or heap
 * order) and fit the block; for the consistency check. O(n). */
int cc__heap_well_formed(const cc__heap *h);
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
