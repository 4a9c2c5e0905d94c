/*
 * lib/kpi/id_map.c - 64-bit id -> record index hash map (see id_map.h).
 */
#include "id_map.h"

#include "base/mem.h"

#include <string.h>

void cc__id_map_init(cc__id_map *m)
{
    memset(m, 0, sizeof *m);
}

void cc__id_map_free(cc__id_map *m)
{
    cc__free(m->slots);
    memset(m, 0, sizeof *m);
}

uint32_t cc__id_map_get(const cc__id_map *m, uint64_t key)
{
    if (m->nslots == 0) return CC__ID_MAP_NONE;
    size_t mask = m->nslots - 1;
    for (size_t i = cc__id_hash(key) & mask;; i = (i + 1) & mask) {
        const cc__id_slot *s = &m->slots[i];
        if (s->value == CC__ID_MAP_NONE) return CC__ID_MAP_NONE;
        if (s->key == key) return s->value;
    }
}

static void cc__id_map_place(cc__id_slot *slots, size_t nslots, uint64_t key, uint32_t value)
{
    size_t mask = nslots - 1;
    size_t i = cc__id_hash(key) & mask;
    while (slots[i].value != CC__ID_MAP_NONE) i = (i + 1) & mask;
    slots[i].key = key;
    slots[i].value = value;
}

/* Doubles the slot array. O(nslots). */
static int cc__id_map_grow(cc__id_map *m)
{
    size_t n = m->nslots ? m->nslots * 2 : 64;
    if (n > SIZE_MAX / sizeof(cc__id_slot)) return -1;
    cc__id_slot *slots = cc__malloc(n * sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < n; i++) slots[i].value = CC__ID_MAP_NONE;
    for (size_t i = 0; i < m->nslots; i++)
        if (m->slots[i].value != CC__ID_MAP_NONE)
            cc__id_map_place(slots, n, m->slots[i].key, m->slots[i].value);
    cc__free(m->slots);
    m->slots = slots;
    m->nslots = n;
    return 0;
}

int cc__id_map_put(cc__id_map *m, uint64_t key, uint32_t value)
{
    if (m->nslots) {
        size_t mask = m->nslots - 1;
        for (size_t i = cc__id_hash(key) & mask;; i = (i + 1) & mask) {
            cc__id_slot *s = &m->slots[i];
            if (s->value == CC__ID_MAP_NONE) break;
            if (s->key == key) {
                s->value = value;
                return 0;
            }
        }
    }
    if ((m->count + 1) * 2 > m->nslots && cc__id_map_grow(m) != 0) return -1;
    cc__id_map_place(m->slots, m->nslots, key, value);
    m->count++;
    return 0;
}

void cc__id_map_del(cc__id_map *m, uint64_t key)
{
    if (m->nslots == 0) return;
    size_t mask = m->nslots - 1;
    size_t i = cc__id_hash(key) & mask;
    for (;; i = (i + 1) & mask) {
        if (m->slots[i].value == CC__ID_MAP_NONE) return;
        if (m->slots[i].key == key) break;
    }
    /* Backward shift: move later members of the probe run into the hole when
     * their home slot does not lie cyclically in (hole, j]. */
    size_t hole = i;
    for (size_t j = (i + 1) & mask; m->slots[j].value != CC__ID_MAP_NONE; j = (j + 1) & mask) {
        size_t home = cc__id_hash(m->slots[j].key) & mask;
        int stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole].value = CC__ID_MAP_NONE;
    m->count--;
}
