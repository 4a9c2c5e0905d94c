/*
 * lib/base/alloc.c - the replaceable allocator.
 */
#include "callcore/alloc.h"
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *cc__sys_malloc(size_t size, void *ud)
{
    (void)ud;
    return malloc(size);
}
static void *cc__sys_realloc(void *p, size_t size, void *ud)
{
    (void)ud;
    return realloc(p, size);
}
static void cc__sys_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

static const cc_allocator cc__system = {cc__sys_malloc, cc__sys_realloc, cc__sys_free, NULL};
static cc_allocator cc__current = {cc__sys_malloc, cc__sys_realloc, cc__sys_free, NULL};

void cc_set_allocator(const cc_allocator *allocator)
{
    if (allocator && allocator->malloc_fn && allocator->realloc_fn && allocator->free_fn)
        cc__current = *allocator;
    else
        cc__current = cc__system;
}

void *cc__malloc(size_t size)
{
    return cc__current.malloc_fn(size ? size : 1, cc__current.user_data);
}

void *cc__calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    void *p = cc__malloc(count * size);
    if (p) memset(p, 0, (count * size) > 0 ? count * size : 1);
    return p;
}

void *cc__realloc(void *ptr, size_t size)
{
    return cc__current.realloc_fn(ptr, size ? size : 1, cc__current.user_data);
}

void cc__free(void *ptr)
{
    if (ptr) cc__current.free_fn(ptr, cc__current.user_data);
}

void cc_free(void *ptr)
{
    cc__free(ptr);
}

char *cc__strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = cc__malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

int cc__grow(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) return -1;
        ncap *= 2;
    }
    if (elem && ncap > SIZE_MAX / elem) return -1;
    void *p = cc__realloc(*items, ncap * elem);
    if (!p) return -1;
    *items = p;
    *cap = ncap;
    return 0;
}
