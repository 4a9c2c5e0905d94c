/*
 * lib/sim/name_index.h - internal: agent name -> agent number.
 *
 * The engine names agents by string in backend calls and events; the
 * simulator keeps its agents in an array. This is an open-addressing hash
 * table (FNV-1a, linear probing, load factor <= 1/2) over that array's names:
 * O(1) expected per lookup, O(n) memory (one uint32 per slot). The names stay
 * owned by the caller's array, which must not move while the index is used.
 */
#ifndef CC_SIM_NAME_INDEX_H
#define CC_SIM_NAME_INDEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct cc__name_index {
    uint32_t *slots; /* agent number + 1; 0 = empty */
    size_t mask;     /* capacity - 1 (capacity is a power of two) */
    char *const *names;
} cc__name_index;

/* Builds the index over names[0..n); returns 0, or -1 when memory runs out. */
int cc__name_index_build(cc__name_index *ix, char *const *names, size_t n);

/* The number of `name`, or -1 when it is not there. */
int64_t cc__name_index_find(const cc__name_index *ix, const char *name);

void cc__name_index_free(cc__name_index *ix);

#endif
