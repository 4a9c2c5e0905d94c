/*
 * callcore/alloc.h - memory hooks.
 *
 * All memory libcallcore allocates goes through one allocator, replaceable
 * with cc_set_allocator(). Tests use it to fail the n-th allocation and prove
 * that every path returns CC_ENOMEM and cleans up.
 */
#ifndef CALLCORE_ALLOC_H
#define CALLCORE_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cc_allocator {
    /* Same contracts as malloc/realloc/free; user_data is passed through. */
    void *(*malloc_fn)(size_t size, void *user_data);
    void *(*realloc_fn)(void *ptr, size_t size, void *user_data);
    void (*free_fn)(void *ptr, void *user_data);
    void *user_data;
} cc_allocator;

/*
 * Replaces the process-wide allocator; NULL restores malloc/realloc/free.
 * Call it before creating any libcallcore object (memory must be freed by the
 * allocator that made it). Not thread-safe with respect to other calls.
 */
void cc_set_allocator(const cc_allocator *allocator);

/* Frees memory that libcallcore allocated and handed to the caller (strings,
 * reports). NULL is a no-op. */
void cc_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
