/*
 * lib/core/name_map.c - open-addressing hash maps (see name_map.h).
 */
#include "name_map.h"

#include "base/mem.h"

#include <string.h>

uint64_t cc__hash_str(const char *s)
{
    /* FNV-1a, then a final mix so that the low bits (the probe index) spread. */
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return cc__hash_u64(h);
}

uint64_t cc__hash_u64(uint64_t x)
{
    /* splitmix64 finaliser */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* The table size of both maps for n entries: a power of two, at least 16, that
 * keeps the load at 1/2 or below (short linear probes); `cap` itself when the
 * table already holds n. Doubling keeps reserve amortised O(1) per entry. */
static size_t table_cap(size_t cap, size_t n)
{
    if (n * 2 <= cap) return cap;
    size_t c = cap ? cap : 16;
    while (c < n * 2) c *= 2;
    return c;
}

/* ---- names ---------------------------------------------------------------- */

void cc__core_names_free(cc__core_names *m)
{
    cc__free(m->slots);
    memset(m, 0, sizeof *m);
}

static void name_map_insert_slot(cc__core_name_slot *slots, size_t cap, const cc__core_name_slot *s)
{
    size_t i = (size_t)s->hash & (cap - 1);
    while (slots[i].key) i = (i + 1) & (cap - 1);
    slots[i] = *s;
}

int cc__core_names_reserve(cc__core_names *m, size_t n)
{
    size_t cap = table_cap(m->cap, n);
    if (cap == m->cap) return 0;
    cc__core_name_slot *slots = cc__calloc(cap, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key) name_map_insert_slot(slots, cap, &m->slots[i]);
    cc__free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

static size_t name_map_find(const cc__core_names *m, const char *key, uint64_t h)
{
    if (!m->cap) return SIZE_MAX;
    size_t i = (size_t)h & (m->cap - 1);
    while (m->slots[i].key) {
        if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0) return i;
        i = (i + 1) & (m->cap - 1);
    }
    return SIZE_MAX;
}

void *cc__core_names_get(const cc__core_names *m, const char *key)
{
    size_t i = name_map_find(m, key, cc__hash_str(key));
    return i == SIZE_MAX ? NULL : m->slots[i].value;
}

void cc__core_names_put(cc__core_names *m, const char *key, void *value)
{
    uint64_t h = cc__hash_str(key);
    size_t i = name_map_find(m, key, h);
    if (i != SIZE_MAX) {
        m->slots[i].value = value;
        m->slots[i].key = key;
        return;
    }
    cc__core_name_slot s = {key, h, value};
    name_map_insert_slot(m->slots, m->cap, &s);
    m->len++;
}

void cc__core_names_remove(cc__core_names *m, const char *key)
{
    size_t i = name_map_find(m, key, cc__hash_str(key));
    if (i == SIZE_MAX) return;
    size_t mask = m->cap - 1;
    /* backward-shift deletion keeps every probe sequence unbroken */
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->slots[j].key) break;
        size_t home = (size_t)m->slots[j].hash & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].key = NULL;
    m->len--;
}

/* ---- ids ------------------------------------------------------------------ */

/* The home slot of an id: the two low bits are kept and the rest hashed, so
 * ids that differ only in those bits (four consecutive ids: what a switch
 * numbering its calls hands in) have adjacent homes, one cache line of slots,
 * and arrivals in id order touch a new line once per four; any other two ids
 * are spread as well as splitmix64 spreads them. O(1). */
static size_t id_home(uint64_t key, size_t mask)
{
    return (size_t)((cc__hash_u64(key >> 2) << 2) | (key & 3)) & mask;
}

void cc__core_ids_free(cc__core_ids *m)
{
    cc__free(m->raw);
    memset(m, 0, sizeof *m);
}

static void id_map_insert_slot(cc__core_id_slot *slots, size_t cap, uint64_t key, void *value)
{
    size_t i = id_home(key, cap - 1);
    while (slots[i].key) i = (i + 1) & (cap - 1);
    slots[i].key = key;
    slots[i].value = value;
}

int cc__core_ids_reserve(cc__core_ids *m, size_t n)
{
    size_t cap = table_cap(m->cap, n);
    if (cap == m->cap) return 0;
    /* aligned by hand (the allocator hook has no aligned call): a group of
     * four homes (id_home) is then one line, not two halves */
    void *raw = cc__calloc(cap + 4, sizeof(cc__core_id_slot));
    if (!raw) return -1;
    cc__core_id_slot *slots = (cc__core_id_slot *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key) id_map_insert_slot(slots, cap, m->slots[i].key, m->slots[i].value);
    cc__free(m->raw);
    m->slots = slots;
    m->raw = raw;
    m->cap = cap;
    return 0;
}

static size_t id_map_find(const cc__core_ids *m, uint64_t key)
{
    if (!m->cap || !key) return SIZE_MAX;
    size_t i = id_home(key, m->cap - 1);
    while (m->slots[i].key) {
        if (m->slots[i].key == key) return i;
        i = (i + 1) & (m->cap - 1);
    }
    return SIZE_MAX;
}

void *cc__core_ids_get(const cc__core_ids *m, uint64_t key)
{
    size_t i = id_map_find(m, key);
    return i == SIZE_MAX ? NULL : m->slots[i].value;
}

void cc__core_ids_put(cc__core_ids *m, uint64_t key, void *value)
{
    size_t i = id_map_find(m, key);
    if (i != SIZE_MAX) {
        m->slots[i].value = value;
        return;
    }
    id_map_insert_slot(m->slots, m->cap, key, value);
    m->len++;
}

void cc__core_ids_remove(cc__core_ids *m, uint64_t key)
{
    size_t i = id_map_find(m, key);
    if (i == SIZE_MAX) return;
    size_t mask = m->cap - 1;
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->slots[j].key) break;
        size_t home = id_home(m->slots[j].key, mask);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].key = 0;
    m->slots[i].value = NULL;
    m->len--;
}
