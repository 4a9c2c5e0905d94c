/*
 * tests/fuzz/fuzz_json_read.c - libFuzzer harness for the JSON reader and the
 * scenario parser built on it: any bytes must give CC_OK or an error with a
 * message, never a crash, a leak or a hang.
 */
#include "base/json_read.h"
#include "sim/scenario.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc__jv *v = NULL;
    if (cc__json_parse((const char *)data, size, &v) == CC_OK) {
        /* Walk the tree so every node is touched under ASan. */
        const cc__jv *first = v->type == CC__JV_OBJECT && v->length ? &v->items[0] : NULL;
        if (first && first->key) (void)cc__jv_get(v, first->key);
        cc__jv_free(v);
    }
    cc__scenario sc;
    /* Data files are not read while fuzzing: a base directory that does not
     * exist keeps relative names from touching the disk. */
    if (cc__scenario_parse(&sc, (const char *)data, size, "/nonexistent-fuzz-dir") == CC_OK)
        cc__scenario_clear(&sc);
    return 0;
}
