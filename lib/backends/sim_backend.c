/*
 * lib/backends/sim_backend.c - the simulated media backend (see sim_backend.h).
 */
#include "sim_backend.h"

#include "base/error.h"

static cc_status cc__simb_open(void *state, cc_engine *engine, cc_channel channel, void *config)
{
    (void)engine;
    cc__sim_backend_state *s = state;
    const cc__sim_media *m = config;
    if (!m || !m->offered || !m->withdrawn || !m->bridged || !m->dialed || !m->hung_up)
        return cc__fail(CC_EINVAL, "sim backend: config must be a complete cc__sim_media");
    s->media = m;
    s->channel = channel;
    return CC_OK;
}

static cc_status cc__simb_offer(void *state, const cc_backend_offer *offer, int64_t now_ms)
{
    cc__sim_backend_state *s = state;
    s->offers++;
    return s->media->offered(s->media->ctx, offer, now_ms);
}

static cc_status cc__simb_withdraw(void *state, uint64_t contact_id, const char *agent,
                                   int64_t now_ms)
{
    cc__sim_backend_state *s = state;
    s->withdrawals++;
    s->media->withdrawn(s->media->ctx, contact_id, agent, now_ms);
    return CC_OK;
}

static cc_status cc__simb_bridge(void *state, uint64_t contact_id, const char *agent,
                                 int64_t now_ms)
{
    cc__sim_backend_state *s = state;
    s->bridges++;
    return s->media->bridged(s->media->ctx, contact_id, agent, now_ms);
}

/* A simulated customer does not react to announcements; they are counted. */
static cc_status cc__simb_announce(void *state, uint64_t contact_id, int32_t position,
                                   int64_t ewt_ms, int64_t now_ms)
{
    (void)contact_id;
    (void)position;
    (void)ewt_ms;
    (void)now_ms;
    cc__sim_backend_state *s = state;
    s->announcements++;
    return CC_OK;
}

static cc_status cc__simb_dial(void *state, uint64_t contact_id, uint64_t customer_id,
                               const char *agent, int32_t attempt, int64_t now_ms)
{
    (void)customer_id;
    cc__sim_backend_state *s = state;
    s->dials++;
    return s->media->dialed(s->media->ctx, contact_id, agent, attempt, now_ms);
}

static cc_status cc__simb_hangup(void *state, uint64_t contact_id, const char *reason,
                                 int64_t now_ms)
{
    cc__sim_backend_state *s = state;
    s->hangups++;
    s->media->hung_up(s->media->ctx, contact_id, reason, now_ms);
    return CC_OK;
}

const cc_backend cc__sim_backend = {
    .version = CC_BACKEND_VERSION,
    .state_size = sizeof(cc__sim_backend_state),
    .name = "sim",
    .open = cc__simb_open,
    .close = NULL,
    .offer = cc__simb_offer,
    .withdraw = cc__simb_withdraw,
    .bridge = cc__simb_bridge,
    .announce = cc__simb_announce,
    .dial = cc__simb_dial,
    .hangup = cc__simb_hangup,
    .supervise = NULL,
};
