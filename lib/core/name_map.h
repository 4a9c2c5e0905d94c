/*
 * lib/core/name_map.h - internal: hash maps from names (strings) and from
 * 64-bit ids to objects.
 *
 * Open addressing with linear probing and backward-shift deletion (no
 * tombstones); the table is kept at most half full. Lookup, insert and remove
 * are O(1) expected. An id's home keeps its two low bits (name_map.c,
 * id_home), so consecutive ids share a cache line of slots. Keys are
 * borrowed: a name key must live as long as its entry (the engine uses the
 * object's own copy of its name).
 * Inserting never allocates once cc__*_map_reserve() made room, so callers
 * reserve while they may still fail and insert when they commit.
 */
#ifndef CC_CORE_NAME_MAP_H
#define CC_CORE_NAME_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct cc__core_name_slot {
    const char *key; /* NULL = empty */
    uint64_t hash;
    void *value;
} cc__core_name_slot;

typedef struct cc__core_names {
    cc__core_name_slot *slots;
    size_t cap, len; /* cap is 0 or a power of two */
} cc__core_names;

void cc__core_names_free(cc__core_names *m);
int cc__core_names_reserve(cc__core_names *m, size_t n); /* room for n entries; 0 / -1 */
void *cc__core_names_get(const cc__core_names *m, const char *key);
void cc__core_names_put(cc__core_names *m, const char *key, void *value); /* after reserve */
void cc__core_names_remove(cc__core_names *m, const char *key);

typedef struct cc__core_id_slot {
    uint64_t key; /* 0 = empty (ids are non-zero) */
    void *value;
} cc__core_id_slot;

typedef struct cc__core_ids {
    cc__core_id_slot *slots; /* 64-byte aligned: four slots per cache line */
    void *raw;               /* the allocation slots lie in */
    size_t cap, len;
} cc__core_ids;

void cc__core_ids_free(cc__core_ids *m);
int cc__core_ids_reserve(cc__core_ids *m, size_t n);
void *cc__core_ids_get(const cc__core_ids *m, uint64_t key);
void cc__core_ids_put(cc__core_ids *m, uint64_t key, void *value); /* after reserve */
void cc__core_ids_remove(cc__core_ids *m, uint64_t key);

uint64_t cc__hash_str(const char *s);
uint64_t cc__hash_u64(uint64_t x);

#endif
