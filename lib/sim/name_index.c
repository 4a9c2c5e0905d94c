/*
 * lib/sim/name_index.c - open-addressing name table (see name_index.h).
 */
#include "name_index.h"

#include "base/mem.h"

#include <string.h>

static uint64_t cc__fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

int cc__name_index_build(cc__name_index *ix, char *const *names, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    memset(ix, 0, sizeof *ix);
    ix->slots = cc__calloc(cap, sizeof *ix->slots);
    if (!ix->slots) return -1;
    ix->mask = cap - 1;
    ix->names = names;
    for (size_t i = 0; i < n; i++) {
        size_t j = (size_t)cc__fnv1a(names[i]) & ix->mask;
        while (ix->slots[j]) j = (j + 1) & ix->mask;
        ix->slots[j] = (uint32_t)(i + 1);
    }
    return 0;
}

int64_t cc__name_index_find(const cc__name_index *ix, const char *name)
{
    if (!ix->slots || !name) return -1;
    size_t j = (size_t)cc__fnv1a(name) & ix->mask;
    while (ix->slots[j]) {
        uint32_t k = ix->slots[j] - 1;
        if (strcmp(ix->names[k], name) == 0) return k;
        j = (j + 1) & ix->mask;
    }
    return -1;
}

void cc__name_index_free(cc__name_index *ix)
{
    cc__free(ix->slots);
    memset(ix, 0, sizeof *ix);
}
