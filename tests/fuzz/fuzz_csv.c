/*
 * tests/fuzz/fuzz_csv.c - libFuzzer harness for the call-record CSV importer
 * ("csv") and the aggregator and reports behind it.
 */
#include "import_fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_import("csv", data, size);
}
