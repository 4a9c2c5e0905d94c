/*
 * lib/kpi/kpi_repeat_window.c - repeat contacts and FCR: one small record per
 * customer whose last contact ended inside the repeat window W, or, when a
 * repeat must have the same reason, one per (customer, reason) pair, so that
 * a contact about billing is compared with the customer's latest billing
 * contact even when a tech contact came in between. Lookups are O(1)
 * expected (id map); records whose end left the window are pruned when the
 * table doubles, so pruning is amortised O(1) per contact and memory is
 * O(customers in the window), times the reasons each of them used when
 * reasons are compared; never O(events).
 */
#include "kpi_state.h"

#include "base/mem.h"

/* The map key of a customer's record: the customer id, or with same-reason
 * repeats the id mixed with the reason's hash. Reason 0 (none) hashes to 0,
 * so contacts without a reason share the customer's plain key. */
static uint64_t cc__kpi_repeat_key(const cc_kpi *k, uint64_t customer, uint32_t reason)
{
    return k->repeat_same_reason ? customer ^ cc__id_hash(reason) : customer;
}

/* 1 when record r is the one of (customer, reason). Two pairs can mix to one
 * key (a 64-bit hash collision): the record names its pair, so the other
 * pair finds no record rather than a wrong one. */
static int cc__kpi_repeat_is(const cc_kpi *k, const cc__kpi_customer *r, uint64_t customer,
                             uint32_t reason)
{
    return r->id == customer && (!k->repeat_same_reason || r->reason == reason);
}

/* The record of (customer, reason), or NULL. */
static cc__kpi_customer *cc__kpi_repeat_record(cc_kpi *k, uint64_t customer, uint32_t reason)
{
    uint32_t idx = cc__id_map_get(&k->customer_map, cc__kpi_repeat_key(k, customer, reason));
    if (idx == CC__ID_MAP_NONE) return NULL;
    cc__kpi_customer *r = &k->customers[idx];
    return cc__kpi_repeat_is(k, r, customer, reason) ? r : NULL;
}

/* Counts a repeat contact: the customer's previous contact (about the same
 * reason, when configured) ended within the window before this arrival. */
void cc__kpi_repeat_check(cc_kpi *k, const cc__kpi_contact *c, uint32_t cell, int64_t t)
{
    if (!c->customer || cell == CC__NO_CELL) return;
    k->cells[cell].sums.arrivals_known++;
    cc__kpi_customer *r = cc__kpi_repeat_record(k, c->customer, c->reason);
    if (!r) return;
    if (t < r->last_end_ms || t - r->last_end_ms > k->repeat_window_ms) return;
    k->cells[cell].sums.repeat_arrivals++;
    if (r->handled && !r->counted) {
        k->cells[r->cell].sums.fcr_repeated++;
        r->counted = 1;
    }
}

/* Forgets records whose last contact left the window. O(pool). */
static void cc__kpi_customers_prune(cc_kpi *k)
{
    for (size_t i = 0; i < k->ncustomers; i++) {
        cc__kpi_customer *r = &k->customers[i];
        if (r->live && r->last_end_ms < k->now_ms - k->repeat_window_ms) {
            cc__id_map_del(&k->customer_map, r->key);
            r->live = 0;
            k->customer_free[k->ncustomer_free++] = (uint32_t)i;
        }
    }
    size_t live = k->customer_map.count;
    k->customers_prune_at = live * 2 > CC__KPI_SWEEP_MIN ? live * 2 : CC__KPI_SWEEP_MIN;
}

/* A new record slot mapped from key; CC__ID_MAP_NONE when out of memory. */
static uint32_t cc__kpi_customer_slot(cc_kpi *k, uint64_t key)
{
    if (k->customer_map.count >= k->customers_prune_at) cc__kpi_customers_prune(k);
    uint32_t idx;
    if (k->ncustomer_free) {
        idx = k->customer_free[--k->ncustomer_free];
    } else {
        if (k->ncustomers >= UINT32_MAX - 1) return CC__ID_MAP_NONE;
        if (cc__grow((void **)&k->customers, &k->customers_cap, k->ncustomers + 1,
                     sizeof *k->customers) != 0 ||
            cc__grow((void **)&k->customer_free, &k->customer_free_cap, k->ncustomers + 1,
                     sizeof *k->customer_free) != 0)
            return CC__ID_MAP_NONE;
        idx = (uint32_t)k->ncustomers++;
    }
    if (cc__id_map_put(&k->customer_map, key, idx) != 0) {
        k->customer_free[k->ncustomer_free++] = idx;
        return CC__ID_MAP_NONE;
    }
    return idx;
}

/* Remembers how the customer's contact ended, for the repeat window.
 * Returns 0, or -1 when out of memory. */
int cc__kpi_customer_record(cc_kpi *k, const cc__kpi_contact *c, int64_t t)
{
    if (!c->customer) return 0;
    uint64_t key = cc__kpi_repeat_key(k, c->customer, c->reason);
    uint32_t idx = cc__id_map_get(&k->customer_map, key);
    if (idx == CC__ID_MAP_NONE) {
        idx = cc__kpi_customer_slot(k, key);
        if (idx == CC__ID_MAP_NONE) return -1;
    } else if (cc__kpi_repeat_is(k, &k->customers[idx], c->customer, c->reason) &&
               t < k->customers[idx].last_end_ms) {
        return 0; /* an older contact replayed late: keep the latest end */
    }
    /* (A record of another pair under the same key is replaced.) */
    cc__kpi_customer *r = &k->customers[idx];
    r->key = key;
    r->id = c->customer;
    r->last_end_ms = t;
    r->cell = c->cell;
    r->reason = c->reason;
    r->handled = (c->flags & CC__C_HANDLED) != 0;
    r->counted = 0;
    r->live = 1;
    return 0;
}
