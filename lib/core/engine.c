/* lib/core/engine.c - the routing engine (being filled in; see engine.h). */
#include "callcore/engine.h"
#include "callcore/sys/backend.h"
#include "base/error.h"
#include <stdint.h>
#include <string.h>

const char *cc_strategy_name(int strategy)
{
    (void)strategy;
    return "unknown";
}

cc_status cc_strategy_from_name(const char *name, cc_strategy *out)
{
    (void)name;
    (void)out;
    return cc__fail(CC_EUNSUPPORTED, "cc_strategy_from_name: the routing engine is under construction");
}

cc_status cc_engine_new(cc_engine **out, const cc_engine_options *options)
{
    (void)out;
    (void)options;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_new: the routing engine is under construction");
}

void cc_engine_free(cc_engine *self)
{
    (void)self;
}

cc_status cc_engine_bind_backend(cc_engine *self, cc_channel channel, const cc_backend *backend, void *config)
{
    (void)self;
    (void)channel;
    (void)backend;
    (void)config;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_bind_backend: the routing engine is under construction");
}

void *cc_engine_backend_state(const cc_engine *self, cc_channel channel)
{
    (void)self;
    (void)channel;
    return NULL;
}

int64_t cc_engine_next_deadline(cc_engine *self)
{
    (void)self;
    return 0;
}

cc_status cc_engine_advance(cc_engine *self, int64_t now_ms)
{
    (void)self;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_advance: the routing engine is under construction");
}

int64_t cc_engine_now(const cc_engine *self)
{
    (void)self;
    return 0;
}

cc_status cc_engine_queue_add(cc_engine *self, const cc_queue_config *config)
{
    (void)self;
    (void)config;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_queue_add: the routing engine is under construction");
}

cc_status cc_engine_queue_remove(cc_engine *self, const char *queue, int64_t now_ms)
{
    (void)self;
    (void)queue;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_queue_remove: the routing engine is under construction");
}

cc_status cc_engine_agent_add(cc_engine *self, const cc_agent_config *config, int64_t now_ms)
{
    (void)self;
    (void)config;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_agent_add: the routing engine is under construction");
}

cc_status cc_engine_agent_remove(cc_engine *self, const char *agent, int64_t now_ms)
{
    (void)self;
    (void)agent;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_agent_remove: the routing engine is under construction");
}

cc_status cc_engine_member_add(cc_engine *self, const char *agent, const cc_membership *membership, int64_t now_ms)
{
    (void)self;
    (void)agent;
    (void)membership;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_member_add: the routing engine is under construction");
}

cc_status cc_engine_member_remove(cc_engine *self, const char *agent, const char *queue, int64_t now_ms)
{
    (void)self;
    (void)agent;
    (void)queue;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_member_remove: the routing engine is under construction");
}

cc_status cc_engine_agent_set_skill(cc_engine *self, const char *agent, const char *skill, int32_t level, int64_t now_ms)
{
    (void)self;
    (void)agent;
    (void)skill;
    (void)level;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_agent_set_skill: the routing engine is under construction");
}

cc_status cc_engine_agent_login(cc_engine *self, const char *agent, int64_t now_ms)
{
    (void)self;
    (void)agent;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_agent_login: the routing engine is under construction");
}

cc_status cc_engine_agent_logout(cc_engine *self, const char *agent, int64_t now_ms)
{
    (void)self;
    (void)agent;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_agent_logout: the routing engine is under construction");
}

cc_status cc_engine_agent_ready(cc_engine *self, const char *agent, int64_t now_ms)
{
    (void)self;
    (void)agent;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_agent_ready: the routing engine is under construction");
}

cc_status cc_engine_agent_not_ready(cc_engine *self, const char *agent, const char *reason, int64_t now_ms)
{
    (void)self;
    (void)agent;
    (void)reason;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_agent_not_ready: the routing engine is under construction");
}

cc_status cc_engine_contact_add(cc_engine *self, const cc_contact_config *config, int64_t now_ms)
{
    (void)self;
    (void)config;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_contact_add: the routing engine is under construction");
}

cc_status cc_engine_offer_accept(cc_engine *self, uint64_t contact_id, const char *agent, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)agent;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_offer_accept: the routing engine is under construction");
}

cc_status cc_engine_offer_reject(cc_engine *self, uint64_t contact_id, const char *agent, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)agent;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_offer_reject: the routing engine is under construction");
}

cc_status cc_engine_offer_timeout(cc_engine *self, uint64_t contact_id, const char *agent, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)agent;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_offer_timeout: the routing engine is under construction");
}

cc_status cc_engine_contact_hold(cc_engine *self, uint64_t contact_id, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_contact_hold: the routing engine is under construction");
}

cc_status cc_engine_contact_resume(cc_engine *self, uint64_t contact_id, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_contact_resume: the routing engine is under construction");
}

cc_status cc_engine_contact_transfer(cc_engine *self, uint64_t contact_id, const cc_transfer *transfer, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)transfer;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_contact_transfer: the routing engine is under construction");
}

cc_status cc_engine_contact_end(cc_engine *self, uint64_t contact_id, const char *disposition, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)disposition;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_contact_end: the routing engine is under construction");
}

cc_status cc_engine_wrapup_end(cc_engine *self, const char *agent, uint64_t contact_id, int64_t now_ms)
{
    (void)self;
    (void)agent;
    (void)contact_id;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_wrapup_end: the routing engine is under construction");
}

cc_status cc_engine_contact_abandon(cc_engine *self, uint64_t contact_id, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_contact_abandon: the routing engine is under construction");
}

cc_status cc_engine_contact_cancel(cc_engine *self, uint64_t contact_id, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_contact_cancel: the routing engine is under construction");
}

cc_status cc_engine_callback_request(cc_engine *self, uint64_t contact_id, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_callback_request: the routing engine is under construction");
}

cc_status cc_engine_callback_result(cc_engine *self, uint64_t contact_id, cc_dial_result result, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)result;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_callback_result: the routing engine is under construction");
}

cc_status cc_engine_supervise(cc_engine *self, uint64_t contact_id, const char *supervisor, cc_supervise_mode mode, int64_t now_ms)
{
    (void)self;
    (void)contact_id;
    (void)supervisor;
    (void)mode;
    (void)now_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_supervise: the routing engine is under construction");
}

cc_status cc_engine_contact_status(const cc_engine *self, uint64_t contact_id, cc_contact_status *out)
{
    (void)self;
    (void)contact_id;
    (void)out;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_contact_status: the routing engine is under construction");
}

cc_status cc_engine_contact_position(const cc_engine *self, uint64_t contact_id, int32_t *position, int64_t *ewt_ms)
{
    (void)self;
    (void)contact_id;
    (void)position;
    (void)ewt_ms;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_contact_position: the routing engine is under construction");
}

cc_status cc_engine_queue_status(const cc_engine *self, const char *queue, cc_queue_status *out)
{
    (void)self;
    (void)queue;
    (void)out;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_queue_status: the routing engine is under construction");
}

cc_status cc_engine_agent_status(const cc_engine *self, const char *agent, cc_agent_status *out)
{
    (void)self;
    (void)agent;
    (void)out;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_agent_status: the routing engine is under construction");
}

void cc_engine_foreach_queue(const cc_engine *self, int (*fn)(const char *queue, void *user_data), void *user_data)
{
    (void)self;
    (void)fn;
    (void)user_data;
    (void)user_data;
}

void cc_engine_foreach_agent(const cc_engine *self, int (*fn)(const char *agent, void *user_data), void *user_data)
{
    (void)self;
    (void)fn;
    (void)user_data;
    (void)user_data;
}

void cc_engine_foreach_contact(const cc_engine *self, int (*fn)(uint64_t contact_id, void *user_data), void *user_data)
{
    (void)self;
    (void)fn;
    (void)user_data;
    (void)user_data;
}

cc_status cc_engine_snapshot(const cc_engine *self, void **out_buf, size_t *out_len)
{
    (void)self;
    (void)out_buf;
    (void)out_len;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_snapshot: the routing engine is under construction");
}

cc_status cc_engine_restore(cc_engine *self, const void *buf, size_t len)
{
    (void)self;
    (void)buf;
    (void)len;
    return cc__fail(CC_EUNSUPPORTED, "cc_engine_restore: the routing engine is under construction");
}
