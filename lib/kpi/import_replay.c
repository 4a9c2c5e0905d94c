/*
 * lib/kpi/import_replay.c - held calls sent as one stream in time order
 * (see import_replay.h).
 */
#include "import_replay.h"

#include "base/mem.h"

static int cc__replay_before(const cc__import_pending *a, const cc__import_pending *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

/* Schedules a step; -1 when out of memory (nothing changed). O(log n). */
static int cc__replay_push(cc__import_replay *r, size_t call, int step, int64_t due)
{
    if (cc__grow((void **)&r->heap, &r->cap, r->n + 1, sizeof *r->heap) != 0) return -1;
    cc__import_pending p = {due, r->seq++, call, step};
    size_t i = r->n++;
    while (i > 0 && cc__replay_before(&p, &r->heap[(i - 1) / 2])) {
        r->heap[i] = r->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    r->heap[i] = p;
    return 0;
}

static cc__import_pending cc__replay_pop(cc__import_replay *r)
{
    cc__import_pending top = r->heap[0], last = r->heap[--r->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= r->n) break;
        if (c + 1 < r->n && cc__replay_before(&r->heap[c + 1], &r->heap[c])) c++;
        if (!cc__replay_before(&r->heap[c], &last)) break;
        r->heap[i] = r->heap[c];
        i = c;
    }
    if (r->n) r->heap[i] = last;
    return top;
}

/* Sends a step of a call and schedules the next. */
static void cc__replay_run(cc_import *imp, cc__import_replay *r, cc__import_step_fn fn,
                           void *ctx, size_t call, int step)
{
    int64_t due = 0;
    step = fn(imp, ctx, call, step, &due);
    if (step == 0 || cc__replay_push(r, call, step, due) == 0) return;
    cc__import_oom(imp);
    while (step != 0) step = fn(imp, ctx, call, step, &due);
}

static void cc__replay_until(cc_import *imp, cc__import_replay *r, cc__import_step_fn fn,
                             void *ctx, int64_t t)
{
    while (r->n && r->heap[0].due <= t) {
        cc__import_pending p = cc__replay_pop(r);
        cc__replay_run(imp, r, fn, ctx, p.call, p.step);
    }
}

void cc__import_replay_start(cc_import *imp, cc__import_replay *r, cc__import_step_fn fn,
                             void *ctx, size_t call, int64_t start)
{
    cc__replay_until(imp, r, fn, ctx, start);
    cc__replay_run(imp, r, fn, ctx, call, 1);
}

void cc__import_replay_end(cc_import *imp, cc__import_replay *r, cc__import_step_fn fn,
                           void *ctx)
{
    cc__replay_until(imp, r, fn, ctx, INT64_MAX);
}

void cc__import_replay_free(cc__import_replay *r)
{
    cc__free(r->heap);
    r->heap = NULL;
    r->n = r->cap = 0;
}
