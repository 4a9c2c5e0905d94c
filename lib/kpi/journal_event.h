/*
 * lib/kpi/journal_event.h - internal: cc_event <-> msgpack (journal records and
 * wire notifications).
 *
 * Two shapes: a positional array for the journal (compact, fixed field order,
 * append-only: readers accept longer arrays from newer writers) and a map
 * with named fields for wire notifications (clients read names, not offsets).
 */
#ifndef CC_KPI_JOURNAL_EVENT_H
#define CC_KPI_JOURNAL_EVENT_H

#include "callcore/event.h"
#include "callcore/status.h"

#include <msgpack.h>

/* Packs a C string, or nil for NULL (the journal and the wire codec share it). */
void cc__pack_cstr(msgpack_packer *pk, const char *s);

/* Number of fields of the journal array (after the record kind and number). */
#define CC__EVENT_FIELDS 21

/* Packs the event's CC__EVENT_FIELDS fields, without an array header. */
void cc__event_pack_fields(msgpack_packer *pk, const cc_event *e);

/*
 * Reads the fields from `f[0..n)` into *e; strings are copied into `zone`
 * (NUL-terminated; borrowed by *e until the zone is cleared). Returns CC_OK
 * or CC_EPARSE with a detail message for a wrong type or a short array.
 */
cc_status cc__event_unpack_fields(const msgpack_object *f, uint32_t n, msgpack_zone *zone,
                                  cc_event *e);

/* Packs the event as a map of its non-empty fields, "type" as the dotted name. */
void cc__event_pack_map(msgpack_packer *pk, const cc_event *e);

#endif
