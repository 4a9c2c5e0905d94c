/*
 * tests/fuzz/fuzz_journal.c - libFuzzer harness for the journal reader: the
 * input is a segment's bytes after its magic. Records are framed and checked
 * (CRC-32C), decoded, and EVENT records turned back into cc_events, as the
 * recovery and the KPI import do. The reader must never read past the input
 * and must account for every byte (valid prefix + torn tail).
 */
#include "kpi/journal_event.h"
#include "runtime/journal.h"
#include "kpi/journal_record.h"

#include <stdint.h>
#include <stdlib.h>

static cc_status on_record(const msgpack_object *root, void *ud)
{
    msgpack_zone *z = ud;
    const msgpack_object *f = root->via.array.ptr;
    if (f[0].via.u64 == CC__JREC_EVENT) {
        cc_event e;
        msgpack_zone_clear(z);
        if (cc__event_unpack_fields(f + 2, root->via.array.size - 2, z, &e) == CC_OK) {
            if (e.type <= CC_EVENT_NONE || e.type >= CC_EVENT__COUNT) abort();
            (void)cc_event_type_name(e.type);
        }
    }
    return CC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    msgpack_zone z;
    if (!msgpack_zone_init(&z, 1024)) return 0;
    size_t valid = 0, torn = 0;
    cc__journal_read_buffer(data, size, 0, on_record, &z, &valid, &torn);
    if (valid + torn != size) abort();
    msgpack_zone_destroy(&z);
    return 0;
}
