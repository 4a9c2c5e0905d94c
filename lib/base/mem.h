/*
 * lib/base/mem.h - internal: every allocation of the library goes through here,
 * so cc_set_allocator() sees them all.
 */
#ifndef CC_BASE_MEM_H
#define CC_BASE_MEM_H

#include <stddef.h>

void *cc__malloc(size_t size);
void *cc__calloc(size_t count, size_t size); /* overflow-checked, zeroed */
void *cc__realloc(void *ptr, size_t size);
void cc__free(void *ptr);
char *cc__strdup(const char *s); /* NULL in -> NULL out */

/*
 * Grows the array *items (element size elem) so it holds at least `need`
 * elements, doubling its capacity *cap. Amortised O(1) per element.
 * Returns 0, or -1 on overflow / allocation failure (array left unchanged).
 */
int cc__grow(void **items, size_t *cap, size_t need, size_t elem);

#endif
