/*
 * lib/backends/wire_backend.h - internal: the remote media backend.
 *
 * A switch connected over the wire registers channels; for a bound channel,
 * the engine's media actions (offer, withdraw, bridge, announce, dial, hangup,
 * supervise) become commands sent to the switch's connection through a
 * transport the runtime supplies. The switch reports outcomes back with the
 * ordinary wire methods (contact.accept, callback.result, ...).
 *
 * The backend remembers, per channel, which offers are pending at the switch
 * (contact, agent): when the switch's connection drops they are listed by
 * cc__wire_backend_take_offers() so the runtime can give them back to the
 * queues (outside any engine call: the engine refuses re-entry). Callback
 * dials are pending the same way, marked `dial`, from media.dial until the
 * switch's callback.result (or the contact's hangup): on a drop the runtime
 * reports them as failed dials, so the reserved agent is freed at once.
 * Pending offers and dials: an unordered array (swap-remove), O(1) to add an
 * offer, O(p) to add a dial or to find one among the p pending on the channel
 * (p is bounded by the agents ringing or dialing at once), O(p) when a
 * connection drops.
 */
#ifndef CC_BACKENDS_WIRE_BACKEND_H
#define CC_BACKENDS_WIRE_BACKEND_H

#include "callcore/sys/backend.h"

/* How the backend reaches a switch. `send` gets a command name
 * ("media.offer") and the arguments, and packs and sends them to the owner of
 * `channel`; it returns CC_ECLOSED when no switch owns the channel. */
typedef struct cc__wire_arg {
    const char *key;
    int kind; /* 0 uint, 1 int, 2 string */
    uint64_t u;
    int64_t i;
    const char *s;
} cc__wire_arg;

typedef struct cc__wire_transport {
    cc_status (*send)(void *ctx, cc_channel channel, const char *command, const cc__wire_arg *args,
                      size_t nargs);
    void *ctx;
} cc__wire_transport;

/* The vtable; bind with cc_engine_bind_backend(engine, ch, &cc__wire_backend,
 * (void *)&transport) (the transport is copied by open()). */
extern const cc_backend cc__wire_backend;

/* A pending offer (or callback dial, `dial` = 1) handed back by take_offers
 * (agent is cc__malloc'd). */
typedef struct cc__wire_offer {
    uint64_t contact_id;
    char *agent;
    int dial;
} cc__wire_offer;

/* Marks an offer answered (accept/reject/timeout reported) or a dial reported
 * (callback.result): no longer pending. agent NULL: every entry of the
 * contact. */
void cc__wire_backend_offer_done(void *state, uint64_t contact_id, const char *agent);

/* Takes the pending offer (contact_id, agent) out of the list, before the
 * engine hears the switch's answer to it: that answer may offer the same
 * contact to the same agent again (a reject, the agent ready and alone), and
 * only that new offer is pending afterwards. Returns 1 and the entry in *out
 * (its agent owned by the caller), or 0 if none was pending. */
int cc__wire_backend_offer_take(void *state, uint64_t contact_id, const char *agent,
                                cc__wire_offer *out);

/* Puts back an entry taken by cc__wire_backend_offer_take when the engine
 * refused the answer (a failed call changes nothing, so nothing was added
 * meanwhile and its slot is still there). Takes ownership of o->agent. */
void cc__wire_backend_offer_put_back(void *state, const cc__wire_offer *o);

/* Removes and returns every pending offer of the binding (owned array of
 * owned entries: free with cc__wire_offers_free). CC_OK or CC_ENOMEM. */
cc_status cc__wire_backend_take_offers(void *state, cc__wire_offer **out, size_t *n);
void cc__wire_offers_free(cc__wire_offer *v, size_t n);

#endif
