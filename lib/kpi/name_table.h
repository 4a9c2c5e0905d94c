/*
 * lib/kpi/name_table.h - internal: interning of names (queues, agents,
 * reasons) to dense ids 1..n, so hot paths compare integers, not strings.
 *
 * Open addressing with linear probing over a power-of-two slot array, load
 * factor <= 1/2: lookup and insert are O(1) expected (O(length) to hash).
 * Names are copied; ids and the returned name pointers stay valid until the
 * table is freed (the pointers, not the array, are stable). Memory O(names).
 */
#ifndef CC_KPI_NAME_TABLE_H
#define CC_KPI_NAME_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct cc__names {
    struct cc__name_entry {
        char *name; /* owned */
        uint32_t hash;
    } *entries; /* entries[id - 1] */
    size_t count, cap;
    uint32_t *slots; /* 0 = empty, else id */
    size_t nslots;   /* power of two */
} cc__names;

void cc__names_init(cc__names *t);
void cc__names_free(cc__names *t);

/* Id of `name` (length len), interning it when new. Returns 0 on allocation
 * failure (the table is unchanged). */
uint32_t cc__names_intern(cc__names *t, const char *name, size_t len);

/* Id of `name` or 0 when absent. */
uint32_t cc__names_find(const cc__names *t, const char *name, size_t len);

/* The name of id (1..count); borrowed from the table. */
static inline const char *cc__names_get(const cc__names *t, uint32_t id)
{
    return t->entries[id - 1].name;
}

/* FNV-1a, 32 bits: fast and good enough for short names. */
uint32_t cc__names_hash(const char *s, size_t len);

#endif
