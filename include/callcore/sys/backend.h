/*
 * callcore/sys/backend.h - the media backend interface.
 *
 * The engine decides; a backend carries out: ring an agent, bridge, play
 * position/EWT, dial a callback, hang up, supervise. The model is SQLite's VFS
 * ("OS Interface Object"):
 *   - `version` comes first and members are only ever appended; a backend
 *     sets version to the CC_BACKEND_VERSION it was written against and the
 *     engine never calls a member beyond that version.
 *   - `state_size`: the engine allocates that many zeroed bytes per binding
 *     (cc_engine_bind_backend(), one binding per channel per engine) and
 *     passes them to every call as `state`. No global registry exists.
 *   - Optional members may be NULL: the engine then skips that media action
 *     (routing itself never depends on a backend).
 *
 * Calls from the engine: synchronous, on the engine's thread, from inside an
 * engine input function (or cc_engine_advance()). Strings and structs passed
 * in are borrowed for the duration of the call. A backend MUST NOT call an
 * engine input function from inside a vtable call (the engine answers
 * CC_EBUSY): it records the request and reports later (next loop iteration,
 * simulator event, network reply).
 *
 * Reports back to the engine (outcomes), through the public input functions:
 *   agent answered the offer     cc_engine_offer_accept()
 *   agent declined the offer     cc_engine_offer_reject()
 *   ring timer ran out           cc_engine_offer_timeout() (the engine also
 *                                has its own ring timer, ring_timeout_ms)
 *   callback dial outcome        cc_engine_callback_result()
 *   customer hung up             cc_engine_contact_abandon() before connect,
 *                                cc_engine_contact_end() once connected
 *
 * Return values of the calls: CC_OK, or a negative cc_status. A failed
 * offer() is handled as an immediate reject by that agent (CONTACT_REJECTED,
 * the contact keeps its place), except that the agent goes not-ready with
 * reason "offer-failed" whatever reject_after says (a backend that cannot
 * ring the agent would fail every offer to it again); a failed dial() as
 * CC_DIAL_FAILED. Failures of the other calls are ignored by the
 * routing (the engine's state is authoritative); the backend should report
 * problems through its own channel.
 */
#ifndef CALLCORE_SYS_BACKEND_H
#define CALLCORE_SYS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "callcore/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The vtable version this header describes. Append-only history:
 *   1: open, close, offer, withdraw, bridge, announce, dial, hangup, supervise */
#define CC_BACKEND_VERSION 1

/* What the engine tells a backend about an offer (borrowed for the call). */
typedef struct cc_backend_offer {
    uint64_t contact_id;
    uint64_t customer_id;
    cc_channel channel;
    const char *queue;
    const char *agent;
    int64_t ring_timeout_ms; /* the engine's own ring timer for this offer */
    int32_t priority;
    int32_t ring_all;        /* 1 when this is one of several parallel offers */
} cc_backend_offer;

struct cc_backend {
    int version;          /* CC_BACKEND_VERSION the backend implements (>= 1) */
    size_t state_size;    /* bytes of per-binding state the engine allocates */
    const char *name;     /* short name for messages ("sim", "wire", "test") */

    /* Binding lifetime. open() is called once per binding with zeroed state;
     * a failure aborts the bind (its status is returned by bind, close() is
     * not called). close() is called on rebind and on cc_engine_free() (a call
     * back into the engine from it is refused with CC_EBUSY). open
     * is required; close may be NULL. */
    cc_status (*open)(void *state, cc_engine *engine, cc_channel channel, void *config);
    void (*close)(void *state);

    /* Ring `offer->agent` with the contact (reservation). */
    cc_status (*offer)(void *state, const cc_backend_offer *offer, int64_t now_ms);
    /* Stop ringing: ring-all loser, abandon/cancel while ringing, engine timeout
     * (of a callback dial too: stop dialing). */
    cc_status (*withdraw)(void *state, uint64_t contact_id, const char *agent, int64_t now_ms);
    /* Connect the customer and the agent (after accept, or a callback answered). */
    cc_status (*bridge)(void *state, uint64_t contact_id, const char *agent, int64_t now_ms);
    /* Tell a waiting customer their position (1-based) and EWT (-1 unknown).
     * Called each time the contact enters a queue's waiting set (arrival,
     * re-queue, overflow, transfer); the backend may ask again at any time
     * with cc_engine_contact_position(). */
    cc_status (*announce)(void *state, uint64_t contact_id, int32_t position, int64_t ewt_ms,
                          int64_t now_ms);
    /* Dial a callback for `agent` (reserved); attempt counts from 1. */
    cc_status (*dial)(void *state, uint64_t contact_id, uint64_t customer_id, const char *agent,
                      int32_t attempt, int64_t now_ms);
    /* Release the customer's media: contact ended, left, blocked, or a voice
     * contact converted to a callback. `reason` names why ("ended", "left",
     * "blocked", "callback"). */
    cc_status (*hangup)(void *state, uint64_t contact_id, const char *reason, int64_t now_ms);
    /* Monitor / whisper / barge (cc_engine_supervise()). */
    cc_status (*supervise)(void *state, uint64_t contact_id, const char *agent,
                           const char *supervisor, cc_supervise_mode mode, int64_t now_ms);
};

#ifdef __cplusplus
}
#endif
#endif
