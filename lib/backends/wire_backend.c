/*
 * lib/backends/wire_backend.c - the remote media backend (wire_backend.h).
 */
#include "wire_backend.h"

#include "base/error.h"
#include "base/mem.h"

#include <string.h>

typedef struct cc__wire_state {
    cc__wire_transport transport;
    cc_channel channel;
    cc__wire_offer *offers; /* pending at the switch */
    size_t noffers, cap;
} cc__wire_state;

static cc_status cc__wire_open(void *state, cc_engine *engine, cc_channel channel, void *config)
{
    (void)engine;
    cc__wire_state *s = state;
    if (!config) return cc__fail(CC_EINVAL, "wire backend: a transport is required");
    s->transport = *(const cc__wire_transport *)config;
    s->channel = channel;
    return CC_OK;
}

void cc__wire_offers_free(cc__wire_offer *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cc__free(v[i].agent);
    cc__free(v);
}

static void cc__wire_close(void *state)
{
    cc__wire_state *s = state;
    cc__wire_offers_free(s->offers, s->noffers);
    s->offers = NULL;
    s->noffers = s->cap = 0;
}

static cc_status cc__send(cc__wire_state *s, const char *cmd, const cc__wire_arg *a, size_t n)
{
    return s->transport.send(s->transport.ctx, s->channel, cmd, a, n);
}

#define CC__U(k, v)                                                                                \
    {                                                                                              \
        k, 0, (uint64_t)(v), 0, NULL                                                               \
    }
#define CC__I(k, v)                                                                                \
    {                                                                                              \
        k, 1, 0, (int64_t)(v), NULL                                                                \
    }
#define CC__S(k, v)                                                                                \
    {                                                                                              \
        k, 2, 0, 0, (v)                                                                            \
    }

/* Room for one more pending entry and a copy of its agent's name. */
static cc_status cc__wire_reserve(cc__wire_state *s, const char *agent, char **copy)
{
    if (cc__grow((void **)&s->offers, &s->cap, s->noffers + 1, sizeof *s->offers) != 0)
        return cc__fail(CC_ENOMEM, "wire backend: out of memory");
    *copy = cc__strdup(agent);
    if (!*copy) return cc__fail(CC_ENOMEM, "wire backend: out of memory");
    return CC_OK;
}

static void cc__wire_add(cc__wire_state *s, uint64_t contact_id, char *agent, int dial)
{
    s->offers[s->noffers].contact_id = contact_id;
    s->offers[s->noffers].agent = agent;
    s->offers[s->noffers].dial = dial;
    s->noffers++;
}

static cc_status cc__wire_do_offer(void *state, const cc_backend_offer *o, int64_t now_ms)
{
    cc__wire_state *s = state;
    char *agent;
    cc_status rs = cc__wire_reserve(s, o->agent, &agent);
    if (rs) return rs;
    cc__wire_arg a[] = {CC__U("contact_id", o->contact_id),
                        CC__U("customer_id", o->customer_id),
                        CC__S("channel", cc_channel_name(o->channel)),
                        CC__S("queue", o->queue),
                        CC__S("agent", o->agent),
                        CC__I("ring_timeout_ms", o->ring_timeout_ms),
                        CC__I("priority", o->priority),
                        CC__I("ring_all", o->ring_all),
                        CC__I("now_ms", now_ms)};
    cc_status st = cc__send(s, "media.offer", a, sizeof a / sizeof a[0]);
    if (st) {
        cc__free(agent);
        return st; /* the engine treats it as a reject */
    }
    cc__wire_add(s, o->contact_id, agent, 0);
    return CC_OK;
}

void cc__wire_backend_offer_done(void *state, uint64_t contact_id, const char *agent)
{
    cc__wire_state *s = state;
    for (size_t i = 0; i < s->noffers; i++) {
        if (s->offers[i].contact_id == contact_id &&
            (!agent || strcmp(s->offers[i].agent, agent) == 0)) {
            cc__free(s->offers[i].agent);
            s->offers[i] = s->offers[--s->noffers];
            i--;
        }
    }
}

int cc__wire_backend_offer_take(void *state, uint64_t contact_id, const char *agent,
                                cc__wire_offer *out)
{
    cc__wire_state *s = state;
    for (size_t i = 0; i < s->noffers; i++)
        if (s->offers[i].contact_id == contact_id && strcmp(s->offers[i].agent, agent) == 0) {
            *out = s->offers[i];
            s->offers[i] = s->offers[--s->noffers];
            return 1;
        }
    return 0;
}

void cc__wire_backend_offer_put_back(void *state, const cc__wire_offer *o)
{
    cc__wire_state *s = state;
    /* The slot it was taken from is still allocated: no growth, no failure. */
    s->offers[s->noffers++] = *o;
}

cc_status cc__wire_backend_take_offers(void *state, cc__wire_offer **out, size_t *n)
{
    cc__wire_state *s = state;
    *out = s->offers;
    *n = s->noffers;
    s->offers = NULL;
    s->noffers = s->cap = 0;
    return CC_OK;
}

/* Withdraw and bridge both end the agent's pending offer, then send the same
 * (contact_id, agent, now_ms) arguments under their own method name. */
static cc_status cc__wire_offer_end(void *state, const char *method, uint64_t contact_id,
                                    const char *agent, int64_t now_ms)
{
    cc__wire_state *s = state;
    cc__wire_backend_offer_done(s, contact_id, agent);
    cc__wire_arg a[] = {CC__U("contact_id", contact_id), CC__S("agent", agent),
                        CC__I("now_ms", now_ms)};
    return cc__send(s, method, a, 3);
}

static cc_status cc__wire_withdraw(void *state, uint64_t contact_id, const char *agent,
                                   int64_t now_ms)
{
    return cc__wire_offer_end(state, "media.withdraw", contact_id, agent, now_ms);
}

static cc_status cc__wire_bridge(void *state, uint64_t contact_id, const char *agent,
                                 int64_t now_ms)
{
    return cc__wire_offer_end(state, "media.bridge", contact_id, agent, now_ms);
}

static cc_status cc__wire_announce(void *state, uint64_t contact_id, int32_t position,
                                   int64_t ewt_ms, int64_t now_ms)
{
    cc__wire_arg a[] = {CC__U("contact_id", contact_id), CC__I("position", position),
                        CC__I("ewt_ms", ewt_ms), CC__I("now_ms", now_ms)};
    return cc__send(state, "media.announce", a, 4);
}

/* A dial is pending at the switch until its callback.result, like an offer:
 * if the connection drops first, the runtime reports it as a failed dial. */
static cc_status cc__wire_dial(void *state, uint64_t contact_id, uint64_t customer_id,
                               const char *agent, int32_t attempt, int64_t now_ms)
{
    cc__wire_state *s = state;
    /* An earlier attempt the engine timed out itself is not pending any more. */
    cc__wire_backend_offer_done(s, contact_id, NULL);
    char *copy;
    cc_status st = cc__wire_reserve(s, agent, &copy);
    if (st) return st; /* the engine treats it as a failed dial */
    cc__wire_arg a[] = {CC__U("contact_id", contact_id), CC__U("customer_id", customer_id),
                        CC__S("agent", agent), CC__I("attempt", attempt), CC__I("now_ms", now_ms)};
    st = cc__send(s, "media.dial", a, 5);
    if (st) {
        cc__free(copy);
        return st;
    }
    cc__wire_add(s, contact_id, copy, 1);
    return CC_OK;
}

static cc_status cc__wire_hangup(void *state, uint64_t contact_id, const char *reason,
                                 int64_t now_ms)
{
    cc__wire_state *s = state;
    cc__wire_backend_offer_done(s, contact_id, NULL);
    cc__wire_arg a[] = {CC__U("contact_id", contact_id), CC__S("reason", reason),
                        CC__I("now_ms", now_ms)};
    return cc__send(s, "media.hangup", a, 3);
}

static const char *const cc__modes[] = {"monitor", "whisper", "barge"};

static cc_status cc__wire_supervise(void *state, uint64_t contact_id, const char *agent,
                                    const char *supervisor, cc_supervise_mode mode, int64_t now_ms)
{
    const char *m = (unsigned)mode < 3 ? cc__modes[mode] : "unknown";
    cc__wire_arg a[] = {CC__U("contact_id", contact_id), CC__S("agent", agent),
                        CC__S("supervisor", supervisor), CC__S("mode", m), CC__I("now_ms", now_ms)};
    return cc__send(state, "media.supervise", a, 5);
}

const cc_backend cc__wire_backend = {
    .version = CC_BACKEND_VERSION,
    .state_size = sizeof(cc__wire_state),
    .name = "wire",
    .open = cc__wire_open,
    .close = cc__wire_close,
    .offer = cc__wire_do_offer,
    .withdraw = cc__wire_withdraw,
    .bridge = cc__wire_bridge,
    .announce = cc__wire_announce,
    .dial = cc__wire_dial,
    .hangup = cc__wire_hangup,
    .supervise = cc__wire_supervise,
};
