/*
 * lib/sim/event_heap.h - internal: the simulator's future-event list.
 *
 * A binary min-heap of timed events in virtual time (milliseconds). Events at
 * the same time come out in insertion order (a sequence number breaks ties), so
 * a run is deterministic. push and pop are O(log n), peek O(1); memory is one
 * array of 40-byte entries, grown by doubling. Cancelled events are not removed:
 * the handler checks a generation number and drops stale ones (lazy deletion).
 */
#ifndef CC_SIM_EVENT_HEAP_H
#define CC_SIM_EVENT_HEAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct cc__sim_ev {
    int64_t time_ms;
    uint64_t seq;  /* insertion order: the tie-breaker */
    uint32_t kind; /* what happens (the runner's enum) */
    uint32_t gen;  /* generation of the target when scheduled */
    uint64_t arg;  /* target: contact slot, agent index, stream index */
    uint64_t aux;  /* a second operand (agent of an answer, result of a dial) */
} cc__sim_ev;

typedef struct cc__sim_heap {
    cc__sim_ev *items;
    size_t len, cap;
    uint64_t next_seq;
} cc__sim_heap;

void cc__sim_heap_init(cc__sim_heap *h);
void cc__sim_heap_free(cc__sim_heap *h);

/* Adds an event; returns 0, or -1 when memory runs out (heap unchanged). */
int cc__sim_heap_push(cc__sim_heap *h, int64_t time_ms, uint32_t kind, uint32_t gen, uint64_t arg,
                      uint64_t aux);

/* The earliest event, or NULL when empty (borrowed until the next push/pop). */
const cc__sim_ev *cc__sim_heap_peek(const cc__sim_heap *h);

/* Removes the earliest event into *out; returns 0, or -1 when empty. */
int cc__sim_heap_pop(cc__sim_heap *h, cc__sim_ev *out);

#endif
