/*
 * lib/kpi/name_table.c - interning of names to dense ids (see name_table.h).
 */
#include "name_table.h"

#include "base/mem.h"
#include "base/span.h"

#include <string.h>

uint32_t cc__names_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

void cc__names_init(cc__names *t)
{
    memset(t, 0, sizeof *t);
}

void cc__names_free(cc__names *t)
{
    for (size_t i = 0; i < t->count; i++) cc__free(t->entries[i].name);
    cc__free(t->entries);
    cc__free(t->slots);
    memset(t, 0, sizeof *t);
}

static int cc__names_equal(const cc__names *t, uint32_t id, const char *name, size_t len)
{
    /* a span compare: an imported name may hold NUL bytes */
    return cc__span_is((cc__span){name, len}, t->entries[id - 1].name);
}

uint32_t cc__names_find(const cc__names *t, const char *name, size_t len)
{
    if (t->nslots == 0) return 0;
    uint32_t h = cc__names_hash(name, len);
    size_t mask = t->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t id = t->slots[i];
        if (id == 0) return 0;
        if (t->entries[id - 1].hash == h && cc__names_equal(t, id, name, len)) return id;
    }
}

/* Rebuilds the slot array with twice the slots. O(count). */
static int cc__names_rehash(cc__names *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 16;
    uint32_t *slots = cc__calloc(n, sizeof *slots);
    if (!slots) return -1;
    for (size_t id = 1; id <= t->count; id++) {
        size_t i = t->entries[id - 1].hash & (n - 1);
        while (slots[i]) i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)id;
    }
    cc__free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return 0;
}

uint32_t cc__names_intern(cc__names *t, const char *name, size_t len)
{
    uint32_t id = cc__names_find(t, name, len);
    if (id) return id;
    if (t->count >= UINT32_MAX - 1) return 0;
    if ((t->count + 1) * 2 > t->nslots && cc__names_rehash(t) != 0) return 0;
    if (cc__grow((void **)&t->entries, &t->cap, t->count + 1, sizeof *t->entries) != 0)
        return 0;
    char *copy = cc__malloc(len + 1);
    if (!copy) return 0;
    memcpy(copy, name, len);
    copy[len] = '\0';
    uint32_t h = cc__names_hash(name, len);
    t->entries[t->count].name = copy;
    t->entries[t->count].hash = h;
    t->count++;
    id = (uint32_t)t->count;
    size_t mask = t->nslots - 1;
    size_t i = h & mask;
    while (t->slots[i]) i = (i + 1) & mask;
    t->slots[i] = id;
    return id;
}
