/*
 * tests/fuzz/fuzz_anonymous_bank.c - libFuzzer harness for the Anonymous Bank call records importer
 * ("anonymous-bank") and the aggregator and reports behind it.
 */
#include "import_fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_import("anonymous-bank", data, size);
}
