/*
 * lib/backends/sim_backend.h - internal: the simulated media backend.
 *
 * The media world of a simulation is virtual time: "ringing an agent" means
 * scheduling the moment the simulated agent answers (or not), "bridging" means
 * scheduling the end of the talk. This backend implements the engine's vtable
 * (callcore/sys/backend.h) by handing each media command to the simulator that
 * bound it, through cc__sim_media; the simulator decides the outcomes with its
 * seeded random draws and reports them back through the engine's input
 * functions from its event loop (never from inside a vtable call, which the
 * engine refuses).
 *
 * Bind with cc_engine_bind_backend(engine, channel, &cc__sim_backend, media):
 * `media` is borrowed until the engine is freed. O(1) per call; the state is
 * one pointer and a few counters per channel binding.
 */
#ifndef CC_BACKENDS_SIM_BACKEND_H
#define CC_BACKENDS_SIM_BACKEND_H

#include "callcore/sys/backend.h"

#include <stdint.h>

/* What the simulator does with each media command; `ctx` is its own. Every
 * member is required. Strings are borrowed for the call. */
typedef struct cc__sim_media {
    void *ctx;
    /* Returns CC_OK, or CC_ENOMEM when the answer could not be scheduled
     * (the engine then treats the offer as rejected). */
    cc_status (*offered)(void *ctx, const cc_backend_offer *offer, int64_t now_ms);
    void (*withdrawn)(void *ctx, uint64_t contact_id, const char *agent, int64_t now_ms);
    cc_status (*bridged)(void *ctx, uint64_t contact_id, const char *agent, int64_t now_ms);
    cc_status (*dialed)(void *ctx, uint64_t contact_id, const char *agent, int32_t attempt,
                        int64_t now_ms);
    void (*hung_up)(void *ctx, uint64_t contact_id, const char *reason, int64_t now_ms);
} cc__sim_media;

/* Per-binding counters (the engine allocates them: state_size). */
typedef struct cc__sim_backend_state {
    const cc__sim_media *media;
    cc_channel channel;
    uint64_t offers, withdrawals, bridges, announcements, dials, hangups;
} cc__sim_backend_state;

extern const cc_backend cc__sim_backend;

#endif
