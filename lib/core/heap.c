/*
 * lib/core/heap.c - binary min-heap with lazy deletion (see heap.h).
 */
#include "heap.h"

#include "base/mem.h"

void cc__heap_free(cc__heap *h)
{
    cc__free(h->items);
    h->items = NULL;
    h->len = h->cap = 0;
}

int cc__heap_reserve(cc__heap *h, size_t cap)
{
    if (cap <= h->cap) return 0;
    size_t ncap = h->cap ? h->cap : CC__HEAP_SLACK;
    while (ncap < cap) ncap *= 2;
    cc__hentry *p = cc__realloc(h->items, ncap * sizeof *p);
    if (!p) return -1;
    h->items = p;
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

void cc__heap_compact(cc__heap *h, cc__heap_valid_fn valid, void *ctx)
{
    size_t w = 0;
    for (size_t r = 0; r < h->len; r++)
        if (valid(&h->items[r], ctx)) h->items[w++] = h->items[r];
    h->len = w;
    for (size_t i = w / CC__HEAP_ARITY + 1; i-- > 0;) heap_sift_down(h->items, w, i);
}

int cc__heap_push(cc__heap *h, const cc__hentry *e, cc__heap_valid_fn valid, void *ctx)
{
    if (h->len == h->cap && valid) cc__heap_compact(h, valid, ctx);
    if (h->len == h->cap) return -1;
    /* the new entry is written once, where it lands (usually the tail: an
     * agent's key is its idle start, later than the others') */
    heap_sift_up(h->items, h->len, *e);
    h->len++;
    return 0;
}

void cc__heap_pop(cc__heap *h)
{
    if (!h->len) return;
    h->len--;
    if (h->len) {
        h->items[0] = h->items[h->len];
        heap_sift_down(h->items, h->len, 0);
    }
}
