/*
 * lib/kpi/id_map.h - internal: a hash map from 64-bit ids (contacts,
 * customers) to 32-bit record indexes.
 *
 * Open addressing, linear probing, load factor <= 1/2, deletion by backward
 * shift (no tombstones, so probe lengths stay short under churn): get, put and
 * del are O(1) expected. Memory O(live keys): the slot array shrinks never but
 * is sized by the peak number of live keys. Key 0 is allowed.
 */
#ifndef CC_KPI_ID_MAP_H
#define CC_KPI_ID_MAP_H

#include <stddef.h>
#include <stdint.h>

#define CC__ID_MAP_NONE UINT32_MAX

typedef struct cc__id_slot {
    uint64_t key;
    uint32_t value; /* CC__ID_MAP_NONE = empty slot */
} cc__id_slot;

typedef struct cc__id_map {
    cc__id_slot *slots;
    size_t nslots; /* power of two, or 0 */
    size_t count;
} cc__id_map;

void cc__id_map_init(cc__id_map *m);
void cc__id_map_free(cc__id_map *m);

/* The value of key, or CC__ID_MAP_NONE. */
uint32_t cc__id_map_get(const cc__id_map *m, uint64_t key);

/* Sets key -> value (value != CC__ID_MAP_NONE). Returns 0, or -1 when out of
 * memory (map unchanged). */
int cc__id_map_put(cc__id_map *m, uint64_t key, uint32_t value);

/* Removes key if present. */
void cc__id_map_del(cc__id_map *m, uint64_t key);

/* Mixes a 64-bit key into a well-spread hash (splitmix64 finaliser). */
static inline uint64_t cc__id_hash(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

#endif
