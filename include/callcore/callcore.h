/*
 * callcore/callcore.h - everything public in libcallcore, in one include.
 * Backend authors also include callcore/sys/backend.h.
 */
#ifndef CALLCORE_CALLCORE_H
#define CALLCORE_CALLCORE_H

#include "callcore/version.h"
#include "callcore/status.h"
#include "callcore/alloc.h"
#include "callcore/event.h"
/* @CALLCORE_AREA_HEADERS@ : each area appends its header below this line. */
#include "callcore/engine.h"
#include "callcore/erlang.h"
#include "callcore/staffing.h"
#include "callcore/forecast.h"
#include "callcore/schedule.h"
#include "callcore/kpi.h"
#include "callcore/import.h"
#include "callcore/runtime.h"
#include "callcore/sim.h"

#endif
