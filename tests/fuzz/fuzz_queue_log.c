/*
 * tests/fuzz/fuzz_queue_log.c - libFuzzer harness for the Asterisk queue_log importer
 * ("queue_log") and the aggregator and reports behind it.
 */
#include "import_fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_import("queue_log", data, size);
}
