/*
 * lib/core/heap.c - min-heap with lazy deletion and a sorted fast path (see
 * heap.h).
 */
#include "heap.h"

#include "base/mem.h"

#include <string.h>

/* The start of the heap's block (items is `head` entries into it). */
static cc__hentry *heap_block(const cc__heap *h)
{
    return h->items ? h->items - h->head : NULL;
}

/* Free entries after items[len - 1]. */
static size_t heap_tail_room(const cc__heap *h)
{
    return h->cap - h->head - h->len;
}

/* Moves the entries to the block's start (a pop of the sorted layout moved
 * the root right). O(n). */
static void heap_rebase(cc__heap *h)
{
    if (!h->head) return;
    cc__hentry *b = heap_block(h);
    memmove(b, h->items, h->len * sizeof *b);
    h->items = b;
    h->head = 0;
}

void cc__heap_free(cc__heap *h)
{
    cc__free(heap_block(h));
    memset(h, 0, sizeof *h);
}

void cc__heap_clear(cc__heap *h)
{
    h->items = heap_block(h);
    h->head = 0;
    h->len = 0;
    h->unsorted = 0;
}

int cc__heap_reserve(cc__heap *h, size_t cap)
{
    if (cap <= h->cap) return 0;
    size_t ncap = h->cap ? h->cap : CC__HEAP_SLACK;
    while (ncap < cap) ncap *= 2;
    cc__hentry *p = cc__realloc(heap_block(h), ncap * sizeof *p);
    if (!p) return -1;
    h->items = p + h->head;
    h->cap = ncap;
    return 0;
}

/* Places e, which belongs at hole i or above, on its way up. */
static void heap_sift_up(cc__hentry *a, size_t i, cc__hentry e)
{
    while (i > 0) {
        size_t parent = (i - 1) / CC__HEAP_ARITY;
        if (!cc__hentry_less(&e, &a[parent])) break;
        a[i] = a[parent];
        i = parent;
    }
    a[i] = e;
}

/* The smallest of the children first..last-1 (first < last). */
static size_t heap_min_child(const cc__hentry *a, size_t first, size_t last)
{
    size_t m = first;
    for (size_t c = first + 1; c < last; c++)
        if (cc__hentry_less(&a[c], &a[m])) m = c;
    return m;
}

static void heap_sift_down(cc__hentry *a, size_t n, size_t i)
{
    cc__hentry e = a[i];
    for (;;) {
        size_t first = CC__HEAP_ARITY * i + 1;
        if (first >= n) break;
        size_t last = first + CC__HEAP_ARITY < n ? first + CC__HEAP_ARITY : n;
        size_t child = heap_min_child(a, first, last);
        if (!cc__hentry_less(&a[child], &e)) break;
        a[i] = a[child];
        i = child;
    }
    a[i] = e;
}

static void heap_heapify(cc__hentry *a, size_t n)
{
    for (size_t i = n / CC__HEAP_ARITY + 1; i-- > 0;) heap_sift_down(a, n, i);
}

/* Sorts a[0 .. n) in key order in place: heapsort on the min-heap (each
 * minimum swapped to the back gives descending order), then reversed.
 * O(n log n), no allocation. */
static void heap_sort_entries(cc__hentry *a, size_t n)
{
    heap_heapify(a, n);
    for (size_t end = n; end-- > 1;) {
        cc__hentry t = a[0];
        a[0] = a[end];
        a[end] = t;
        heap_sift_down(a, end, 0);
    }
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        cc__hentry t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

static int heap_in_order(const cc__hentry *a, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (cc__hentry_less(&a[i], &a[i - 1])) return 0;
    return 1;
}

int cc__heap_well_formed(const cc__heap *h)
{
    if (h->head + h->len > h->cap || (h->len && !h->items)) return 0;
    if (!h->unsorted) return heap_in_order(h->items, h->len);
    for (size_t i = 1; i < h->len; i++)
        if (cc__hentry_less(&h->items[i], &h->items[(i - 1) / CC__HEAP_ARITY])) return 0;
    return 1;
}

void cc__heap_sort(cc__heap *h)
{
    if (h->unsorted && !heap_in_order(h->items, h->len)) heap_sort_entries(h->items, h->len);
    h->unsorted = 0;
}

void cc__heap_compact(cc__heap *h, cc__heap_valid_fn valid, void *ctx)
{
    /* the kept entries move to the block's start (w <= r: never ahead of the
     * reads); the order check comes with the copy */
    cc__hentry *b = heap_block(h);
    size_t w = 0;
    int in_order = 1;
    for (size_t r = 0; r < h->len; r++) {
        cc__hentry x = h->items[r];
        if (!valid(&x, ctx)) continue;
        if (w && cc__hentry_less(&x, &b[w - 1])) in_order = 0;
        b[w++] = x;
    }
    h->items = b;
    h->head = 0;
    h->len = w;
    if (!in_order) heap_sort_entries(b, w);
    h->unsorted = 0;
}

/* Pushes into the sorted layout when e lands at most CC__HEAP_INSERT_MAX
 * entries from the back; 0 if it does not (the caller switches to the heap
 * layout). Needs tail room. */
static int sorted_push(cc__heap *h, const cc__hentry *e)
{
    size_t at = h->len;
    while (at > 0 && h->len - at < CC__HEAP_INSERT_MAX && cc__hentry_less(e, &h->items[at - 1]))
        at--;
    if (at > 0 && cc__hentry_less(e, &h->items[at - 1])) return 0;
    memmove(&h->items[at + 1], &h->items[at], (h->len - at) * sizeof *e);
    h->items[at] = *e;
    h->len++;
    return 1;
}

int cc__heap_push(cc__heap *h, const cc__hentry *e, cc__heap_valid_fn valid, void *ctx)
{
    if (!h->unsorted && h->head && h->len && !cc__hentry_less(&h->items[0], e)) {
        h->items--; /* before the root, where the last pop left room (a popped
                       entry put back, or a timer not run) */
        h->head--;
        h->items[0] = *e;
        h->len++;
        return 0;
    }
    if (!heap_tail_room(h) && valid) cc__heap_compact(h, valid, ctx);
    if (!heap_tail_room(h)) heap_rebase(h);
    if (!heap_tail_room(h)) return -1;
    if (!h->unsorted) {
        if (sorted_push(h, e)) return 0;
        h->unsorted = 1; /* items[0 .. len) is sorted, hence a valid heap */
    }
    /* the new entry is written once, where it lands (usually near the tail:
     * keys mostly grow with time) */
    heap_sift_up(h->items, h->len, *e);
    h->len++;
    return 0;
}

void cc__heap_pop(cc__heap *h)
{
    if (!h->len) return;
    h->len--;
    if (!h->len) {
        cc__heap_clear(h);
    } else if (!h->unsorted) {
        h->items++;
        h->head++;
        /* keep the entries near the block's start, where the lines are warm:
         * left alone, the window walks through the whole reserved block and
         * every other push writes a line not touched since the last
         * compaction. Amortised O(1): len + slack pops come between moves
         * of len entries. */
        if (h->head >= h->len + CC__HEAP_SLACK) heap_rebase(h);
    } else {
        h->items[0] = h->items[h->len];
        heap_sift_down(h->items, h->len, 0);
    }
}
