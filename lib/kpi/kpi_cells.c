/*
 * lib/kpi/kpi_cells.c - the (interval, queue, channel) cells that hold the
 * running sums: an array of cells plus an open-addressing index over cell
 * numbers (linear probing, load <= 1/2), O(1) expected per lookup; memory
 * O(active cells) = O(groups x intervals). The one-cell cache in front
 * (cc__kpi_cell_at, kpi_state.h) catches most events.
 */
#include "kpi_state.h"

#include "base/mem.h"

#include <string.h>

static size_t cc__kpi_cell_hash(int64_t interval, uint32_t queue, uint32_t channel)
{
    return (size_t)cc__id_hash((uint64_t)interval * 0x9e3779b97f4a7c15ull ^
                               ((uint64_t)queue << 8) ^ channel);
}

static int cc__kpi_cells_rehash(cc_kpi *k)
{
    size_t n = k->ncell_slots ? k->ncell_slots * 2 : 256;
    uint32_t *slots = cc__calloc(n, sizeof *slots);
    if (!slots) return -1;
    for (size_t c = 0; c < k->ncells; c++) {
        const cc__kpi_cell *cell = &k->cells[c];
        size_t i = cc__kpi_cell_hash(cell->interval, cell->queue, cell->channel) & (n - 1);
        while (slots[i]) i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)(c + 1);
    }
    cc__free(k->cell_slots);
    k->cell_slots = slots;
    k->ncell_slots = n;
    return 0;
}

uint32_t cc__kpi_cell_find_or_add(cc_kpi *k, int64_t iv, uint32_t queue, uint32_t ch)
{
    size_t i = 0, mask = k->ncell_slots ? k->ncell_slots - 1 : 0;
    if (k->ncell_slots) {
        for (i = cc__kpi_cell_hash(iv, queue, ch) & mask; k->cell_slots[i]; i = (i + 1) & mask) {
            uint32_t idx = k->cell_slots[i] - 1;
            const cc__kpi_cell *c = &k->cells[idx];
            if (c->interval == iv && c->queue == queue && c->channel == ch) {
                k->last_cell = idx;
                return idx;
            }
        }
    }
    if (k->ncells >= UINT32_MAX - 1) return CC__NO_CELL;
    if ((k->ncells + 1) * 2 > k->ncell_slots) {
        if (cc__kpi_cells_rehash(k) != 0) return CC__NO_CELL;
        mask = k->ncell_slots - 1;
        for (i = cc__kpi_cell_hash(iv, queue, ch) & mask; k->cell_slots[i]; i = (i + 1) & mask)
            ;
    }
    if (cc__grow((void **)&k->cells, &k->cells_cap, k->ncells + 1, sizeof *k->cells) != 0)
        return CC__NO_CELL;
    cc__kpi_cell *c = &k->cells[k->ncells];
    memset(c, 0, sizeof *c);
    c->interval = iv;
    c->queue = queue;
    c->channel = ch;
    k->cell_slots[i] = (uint32_t)(k->ncells + 1);
    k->last_cell = (uint32_t)k->ncells;
    return (uint32_t)k->ncells++;
}
