/*
 * lib/kpi/import_replay.h - held calls sent as one stream in time order.
 *
 * The call-record importers (Anonymous Bank, CSV) read whole calls in any
 * order. At cc_import_finish they sort them by start and replay them as a
 * live engine would send them: each call's later events (answer, end,
 * wrap-up) when their time comes, not with its arrival, so that the
 * aggregator never sees a call's end before the arrivals during it.
 *
 * A format describes a call as steps 1, 2, ... of its own: `fn` sends step
 * `step` of call `call` and returns the next step with *due set to its time,
 * or 0 when the call is done. The replay keeps a min-heap of the calls in
 * progress on (due, order scheduled): O(log calls in progress) per step.
 */
#ifndef CC_KPI_IMPORT_REPLAY_H
#define CC_KPI_IMPORT_REPLAY_H

#include "import_format.h"

typedef int (*cc__import_step_fn)(cc_import *imp, void *ctx, size_t call, int step,
                                  int64_t *due);

typedef struct cc__import_pending {
    int64_t due;
    uint64_t seq; /* steps due at the same time go in the order scheduled */
    size_t call;
    int step;
} cc__import_pending;

typedef struct cc__import_replay {
    cc__import_pending *heap; /* min-heap on (due, seq) */
    size_t n, cap;
    uint64_t seq;
} cc__import_replay;

/* Starts call `call` at `start` (calls in order of start): first sends the
 * steps of other calls due at or before it (a call that ends at t ends
 * before one arriving at t), then its step 1. Out of memory for the heap, the
 * call's remaining steps go at once (early, never lost) and cc__import_oom. */
void cc__import_replay_start(cc_import *imp, cc__import_replay *r, cc__import_step_fn fn,
                             void *ctx, size_t call, int64_t start);

/* Sends every step still due, in time order. */
void cc__import_replay_end(cc_import *imp, cc__import_replay *r, cc__import_step_fn fn,
                           void *ctx);

void cc__import_replay_free(cc__import_replay *r);

#endif
