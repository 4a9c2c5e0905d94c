/*
 * tests/support/alloc_fail.c - counting allocator with failure injection.
 */
#include "alloc_fail.h"

#include "callcore/alloc.h"

#include <stdlib.h>

static long fail_at = -1;
static int fail_sticky;
static int failed;
static long count;
static long live;

static int should_fail(void)
{
    long n = count++;
    if (fail_at < 0) return 0;
    if (n == fail_at || (fail_sticky && n > fail_at)) {
        failed = 1;
        return 1;
    }
    return 0;
}

static void *t_malloc(size_t size, void *ud)
{
    (void)ud;
    if (should_fail()) return NULL;
    void *p = malloc(size);
    if (p) live++;
    return p;
}

static void *t_realloc(void *p, size_t size, void *ud)
{
    (void)ud;
    if (should_fail()) return NULL;
    void *q = realloc(p, size);
    if (q && !p) live++;
    return q;
}

static void t_free(void *p, void *ud)
{
    (void)ud;
    if (p) live--;
    free(p);
}

static void arm(long n, int sticky)
{
    static const cc_allocator a = {t_malloc, t_realloc, t_free, NULL};
    fail_at = n;
    fail_sticky = sticky;
    failed = 0;
    count = 0;
    live = 0;
    cc_set_allocator(&a);
}

void cc_test_alloc_fail_at(long n)
{
    arm(n, 0);
}

void cc_test_alloc_fail_from(long n)
{
    arm(n, 1);
}

void cc_test_alloc_reset(void)
{
    fail_at = -1;
}

int cc_test_alloc_failed(void)
{
    return failed;
}

long cc_test_alloc_count(void)
{
    return count;
}

long cc_test_alloc_live(void)
{
    return live;
}

long cc_test_alloc_sweep(int (*scenario)(void *ctx), void *ctx)
{
    for (long n = 0;; n++) {
        cc_test_alloc_fail_at(n);
        int rc = scenario(ctx);
        int hit = failed;
        long leaked = live;
        cc_test_alloc_reset();
        if (rc != 0 || leaked != 0) {
            cc_set_allocator(NULL);
            return -(n + 1);
        }
        if (!hit) {
            cc_set_allocator(NULL);
            return n;
        }
    }
}
