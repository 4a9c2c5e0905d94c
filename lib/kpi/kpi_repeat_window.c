/*
 * lib/kpi/kpi_repeat_window.c - repeat contacts and FCR: one small record per
 * customer whose last contact ended inside the repeat window W. Lookups are
 * O(1) expected (id map); records whose end left the window are pruned when
 * the table doubles, so pruning is amortised O(1) per contact and memory is
 * O(customers in the window), not O(events).
 */
#include "kpi_state.h"

#include "base/mem.h"

/* Counts a repeat contact: the customer's previous contact ended within the
 * window before this arrival (and had the same reason, when configured). */
void cc__kpi_repeat_check(cc_kpi *k, const cc__kpi_contact *c, uint32_t cell, int64_t t)
{
    if (!c->customer || cell == CC__NO_CELL) return;
    k->cells[cell].sums.arrivals_known++;
    uint32_t idx = cc__id_map_get(&k->customer_map, c->customer);
    if (idx == CC__ID_MAP_NONE) return;
    cc__kpi_customer *r = &k->customers[idx];
    if (t < r->last_end_ms || t - r->last_end_ms > k->repeat_window_ms) return;
    if (k->repeat_same_reason && r->reason != c->reason) return;
    k->cells[cell].sums.repeat_arrivals++;
    if (r->handled && !r->counted) {
        k->cells[r->cell].sums.fcr_repeated++;
        r->counted = 1;
    }
}

/* Forgets customers whose last contact left the window. O(pool). */
static void cc__kpi_customers_prune(cc_kpi *k)
{
    for (size_t i = 0; i < k->ncustomers; i++) {
        cc__kpi_customer *r = &k->customers[i];
        if (r->live && r->last_end_ms < k->now_ms - k->repeat_window_ms) {
            cc__id_map_del(&k->customer_map, r->id);
            r->live = 0;
            k->customer_free[k->ncustomer_free++] = (uint32_t)i;
        }
    }
    size_t live = k->customer_map.count;
    k->customers_prune_at = live * 2 > CC__KPI_SWEEP_MIN ? live * 2 : CC__KPI_SWEEP_MIN;
}

/* Remembers how the customer's contact ended, for the repeat window.
 * Returns 0, or -1 when out of memory. */
int cc__kpi_customer_record(cc_kpi *k, const cc__kpi_contact *c, int64_t t)
{
    if (!c->customer) return 0;
    uint32_t idx = cc__id_map_get(&k->customer_map, c->customer);
    if (idx == CC__ID_MAP_NONE) {
        if (k->customer_map.count >= k->customers_prune_at) cc__kpi_customers_prune(k);
        if (k->ncustomer_free) {
            idx = k->customer_free[--k->ncustomer_free];
        } else {
            if (k->ncustomers >= UINT32_MAX - 1) return -1;
            if (cc__grow((void **)&k->customers, &k->customers_cap, k->ncustomers + 1,
                         sizeof *k->customers) != 0 ||
                cc__grow((void **)&k->customer_free, &k->customer_free_cap, k->ncustomers + 1,
                         sizeof *k->customer_free) != 0)
                return -1;
            idx = (uint32_t)k->ncustomers++;
        }
        if (cc__id_map_put(&k->customer_map, c->customer, idx) != 0) {
            k->customer_free[k->ncustomer_free++] = idx;
            return -1;
        }
    } else if (t < k->customers[idx].last_end_ms) {
        return 0; /* an older contact replayed late: keep the latest end */
    }
    cc__kpi_customer *r = &k->customers[idx];
    r->id = c->customer;
    r->last_end_ms = t;
    r->cell = c->cell;
    r->reason = c->reason;
    r->handled = (c->flags & CC__C_HANDLED) != 0;
    r->counted = 0;
    r->live = 1;
    return 0;
}
