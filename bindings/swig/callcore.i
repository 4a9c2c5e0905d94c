/*
 * bindings/swig/callcore.i - the one SWIG module of libcallcore.
 *
 * Python builds it as the low-level extension `callcore.capi` (the Pythonic
 * package `callcore` wraps it); Lua builds it as the module `callcore`.
 * Each area has a language-neutral interface file (errors.i, events.i, ...)
 * that says what is wrapped; the per-language overlays (python/*.i, lua/*.i)
 * say how: error conversion, out-parameters, arrays and callbacks. An overlay
 * is included before its area so its typemaps are in force for that area.
 */
#if defined(SWIGPYTHON)
%module(package="callcore", docstring="Low-level SWIG wrapper of the libcallcore C API. Use the `callcore` package instead.") capi
#else
%module callcore
#endif

%{
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include "callcore/callcore.h"
%}

%include <stdint.i>

/* Things a scripting language must not touch: the allocator hook only makes
 * sense before any object exists, and library-owned strings are freed by the
 * typemaps themselves. */
%ignore cc_set_allocator;
%ignore cc_allocator;
%ignore cc_free;

%include "config.i"
#if defined(SWIGPYTHON)
%include "python/strings.i"
%include "python/errors.i"
%include "python/events.i"
%include "python/config.i"
#elif defined(SWIGLUA)
%include "lua/strings.i"
%include "lua/errors.i"
%include "lua/slots.i"
%include "lua/events.i"
%include "lua/config.i"
%include "lua/objects.i"
%include "lua/numbers.i"
#endif

%include "ranges.i"
%include "errors.i"
%include "events.i"
%include "engine.i"
%include "queues.i"
%include "agents.i"
%include "contacts.i"
%include "wfm.i"
%include "forecast.i"
%include "schedule.i"
%include "kpi.i"
%include "sim.i"
#if defined(SWIGPYTHON)
%include "python/backend.i"
#elif defined(SWIGLUA)
%include "lua/backend.i"
#endif
