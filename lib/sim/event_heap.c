/*
 * lib/sim/event_heap.c - binary min-heap on (time_ms, seq) (see event_heap.h).
 */
#include "event_heap.h"

#include "base/mem.h"

#include <string.h>

void cc__sim_heap_init(cc__sim_heap *h)
{
    memset(h, 0, sizeof *h);
}

void cc__sim_heap_free(cc__sim_heap *h)
{
    cc__free(h->items);
    memset(h, 0, sizeof *h);
}

static int cc__sim_ev_before(const cc__sim_ev *a, const cc__sim_ev *b)
{
    return a->time_ms < b->time_ms || (a->time_ms == b->time_ms && a->seq < b->seq);
}

int cc__sim_heap_push(cc__sim_heap *h, int64_t time_ms, uint32_t kind, uint32_t gen, uint64_t arg,
                      uint64_t aux)
{
    if (cc__grow((void **)&h->items, &h->cap, h->len + 1, sizeof *h->items) != 0) return -1;
    cc__sim_ev ev = {.time_ms = time_ms, .seq = h->next_seq++, .kind = kind, .gen = gen, .arg = arg,
                     .aux = aux};
    size_t i = h->len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!cc__sim_ev_before(&ev, &h->items[parent])) break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i] = ev;
    return 0;
}

const cc__sim_ev *cc__sim_heap_peek(const cc__sim_heap *h)
{
    return h->len ? &h->items[0] : NULL;
}

int cc__sim_heap_pop(cc__sim_heap *h, cc__sim_ev *out)
{
    if (h->len == 0) return -1;
    *out = h->items[0];
    cc__sim_ev last = h->items[--h->len];
    size_t n = h->len, i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && cc__sim_ev_before(&h->items[child + 1], &h->items[child])) child++;
        if (!cc__sim_ev_before(&h->items[child], &last)) break;
        h->items[i] = h->items[child];
        i = child;
    }
    if (n) h->items[i] = last;
    return 0;
}
