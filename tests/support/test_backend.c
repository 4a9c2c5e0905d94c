/*
 * tests/support/test_backend.c - the in-memory test backend (see test_backend.h).
 */
#include "test_backend.h"

#include <stdio.h>
#include <string.h>

static void note(test_backend_state *s, test_backend_call k, uint64_t contact, const char *agent)
{
    s->calls[k]++;
    s->last_contact[k] = contact;
    snprintf(s->last_agent[k], sizeof s->last_agent[k], "%s", agent ? agent : "");
}

static cc_status tb_open(void *state, cc_engine *engine, cc_channel channel, void *config)
{
    test_backend_state *s = state;
    (void)config;
    s->engine = engine;
    s->channel = channel;
    return CC_OK;
}

static void tb_close(void *state)
{
    ((test_backend_state *)state)->closed = 1;
}

static cc_status tb_offer(void *state, const cc_backend_offer *o, int64_t now)
{
    test_backend_state *s = state;
    note(s, TB_OFFER, o->contact_id, o->agent);
    if (s->try_reentry) s->reentry_status = cc_engine_agent_ready(s->engine, o->agent, now);
    return s->fail_offer ? CC_EIO : CC_OK;
}

static cc_status tb_withdraw(void *state, uint64_t contact, const char *agent, int64_t now)
{
    (void)now;
    note(state, TB_WITHDRAW, contact, agent);
    return CC_OK;
}

static cc_status tb_bridge(void *state, uint64_t contact, const char *agent, int64_t now)
{
    (void)now;
    note(state, TB_BRIDGE, contact, agent);
    return CC_OK;
}

static cc_status tb_announce(void *state, uint64_t contact, int32_t pos, int64_t ewt, int64_t now)
{
    test_backend_state *s = state;
    (void)now;
    note(s, TB_ANNOUNCE, contact, NULL);
    s->last_position = pos;
    s->last_ewt_ms = ewt;
    return CC_OK;
}

static cc_status tb_dial(void *state, uint64_t contact, uint64_t customer, const char *agent,
                         int32_t attempt, int64_t now)
{
    test_backend_state *s = state;
    (void)customer, (void)now;
    note(s, TB_DIAL, contact, agent);
    s->last_attempt = attempt;
    return s->fail_dial ? CC_EIO : CC_OK;
}

static cc_status tb_hangup(void *state, uint64_t contact, const char *reason, int64_t now)
{
    test_backend_state *s = state;
    (void)now;
    note(s, TB_HANGUP, contact, NULL);
    snprintf(s->last_hangup_reason, sizeof s->last_hangup_reason, "%s", reason);
    return CC_OK;
}

static cc_status tb_supervise(void *state, uint64_t contact, const char *agent,
                              const char *supervisor, cc_supervise_mode mode, int64_t now)
{
    (void)supervisor, (void)mode, (void)now;
    note(state, TB_SUPERVISE, contact, agent);
    return CC_OK;
}

const cc_backend test_backend = {
    CC_BACKEND_VERSION, sizeof(test_backend_state), "test", tb_open, tb_close, tb_offer,
    tb_withdraw, tb_bridge, tb_announce, tb_dial, tb_hangup, tb_supervise,
};
