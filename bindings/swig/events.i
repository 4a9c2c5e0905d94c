/*
 * bindings/swig/events.i - the event contract (callcore/event.h).
 *
 * Enums become named constants (the Python package turns them into IntEnum
 * classes). cc_event itself is read-only: events reach scripts as copies
 * (a dict in Python, a table in Lua) built by the overlay's cc_event
 * converter, because the C event is only borrowed for the callback.
 */
%immutable;
%ignore cc_event_fn;
%include "callcore/event.h"
%mutable;
