/*
 * bindings/swig/contacts.i - contacts of the routing engine.
 *
 * Scripts see:  cc_engine_contact_add(engine, config, now_ms) with config keys:
 *   id, customer_id, channel, queue, priority, skills ({skill = level}),
 *   reason, virtual_start_ms;
 * cc_engine_contact_transfer(engine, id, {kind, target_queue | target_agent}, now_ms);
 * cc_engine_contact_status(engine, id) -> mapping;
 * cc_engine_contact_position(engine, id) -> position, ewt_ms.
 */
%{
static const char *const cc_sw_contact_keys[] = {"id", "customer_id", "channel", "queue",
    "priority", "skills", "reason", "virtual_start_ms", NULL};

static int cc_sw_fill_contact_config(cc_sw_obj m, cc_contact_config *c, cc_sw_arena *arena)
{
    cc_contact_config init = CC_CONTACT_CONFIG_INIT;
    int channel = init.channel;
    *c = init;
    if (cc_sw_check_keys(m, "contact config", cc_sw_contact_keys) ||
        cc_sw_get_u64(m, "id", &c->id) || cc_sw_get_u64(m, "customer_id", &c->customer_id) ||
        cc_sw_get_int(m, "channel", &channel) || cc_sw_get_str(m, "queue", &c->queue) ||
        cc_sw_get_i32(m, "priority", &c->priority) ||
        cc_sw_read_skills(m, "skills", &c->skills, &c->nskills, arena) ||
        cc_sw_get_str(m, "reason", &c->reason) ||
        cc_sw_get_i64(m, "virtual_start_ms", &c->virtual_start_ms))
        return -1;
    c->channel = (cc_channel)channel;
    return 0;
}

static const char *const cc_sw_transfer_keys[] = {"kind", "target_queue", "target_agent", NULL};

static int cc_sw_fill_transfer(cc_sw_obj m, cc_transfer *t, cc_sw_arena *arena)
{
    cc_transfer init = CC_TRANSFER_INIT;
    int kind = init.kind;
    (void)arena;
    *t = init;
    if (cc_sw_check_keys(m, "transfer", cc_sw_transfer_keys) || cc_sw_get_int(m, "kind", &kind) ||
        cc_sw_get_str(m, "target_queue", &t->target_queue) ||
        cc_sw_get_str(m, "target_agent", &t->target_agent))
        return -1;
    t->kind = (cc_transfer_kind)kind;
    return 0;
}

static void cc_sw_put_contact_status(cc_sw_out d, const cc_contact_status *s)
{
    cc_sw_put_i64(d, "state", s->state);
    cc_sw_put_i64(d, "channel", s->channel);
    cc_sw_put_i64(d, "priority", s->priority);
    cc_sw_put_i64(d, "held", s->held);
    cc_sw_put_i64(d, "consult_pending", s->consult_pending);
    cc_sw_put_str(d, "queue", s->queue);
    cc_sw_put_str(d, "agent", s->agent);
    cc_sw_put_u64(d, "customer_id", s->customer_id);
    cc_sw_put_i64(d, "virtual_start_ms", s->virtual_start_ms);
    cc_sw_put_i64(d, "entered_ms", s->entered_ms);
    cc_sw_put_i64(d, "callback_attempts", s->callback_attempts);
    cc_sw_put_i64(d, "escalation_step", s->escalation_step);
}
%}
%cc_config_in(cc_contact_config, cc_sw_fill_contact_config)
%apply const cc_contact_config *CONFIG_IN { const cc_contact_config *config };
%cc_config_in(cc_transfer, cc_sw_fill_transfer)
%apply const cc_transfer *CONFIG_IN { const cc_transfer *transfer };
%cc_result_out(cc_contact_status, CC_CONTACT_STATUS_INIT, cc_sw_put_contact_status)
%apply cc_contact_status *RESULT_OUT { cc_contact_status *out };
%apply int32_t *OUT { int32_t *position };
%apply int64_t *OUT { int64_t *ewt_ms };
%ignore cc_contact_config;
%ignore cc_contact_status;
%ignore cc_transfer;

/* All engine declarations, with the typemaps of the four files in force. */
%include "callcore/engine.h"

/* Names of the engine's queues / agents and ids of its contacts, in
 * creation order (replacing the foreach callbacks). The overlay returns them
 * as a list / sequence table. */
%{
typedef struct cc_sw_names {
    char **items; /* malloc'd copies; freed by the overlay's argout */
    size_t n, cap;
    int failed;
} cc_sw_names;

static int cc_sw_names_add(const char *name, void *ud)
{
    cc_sw_names *s = (cc_sw_names *)ud;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        char **items = (char **)realloc(s->items, cap * sizeof *items);
        if (!items) { s->failed = 1; return 1; }
        s->items = items;
        s->cap = cap;
    }
    size_t len = strlen(name);
    char *copy = (char *)malloc(len + 1);
    if (!copy) { s->failed = 1; return 1; }
    memcpy(copy, name, len + 1);
    s->items[s->n++] = copy;
    return 0;
}

static int cc_sw_ids_add(uint64_t id, void *ud)
{
    char text[24];
    snprintf(text, sizeof text, "%llu", (unsigned long long)id);
    return cc_sw_names_add(text, ud);
}

/* Frees the names and empties s (so freeing it again is a no-op). */
static void cc_sw_names_free(cc_sw_names *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->items[i]);
    free(s->items);
    s->items = NULL;
    s->n = s->cap = 0;
}
%}
%apply cc_sw_names *NAMES_OUT { cc_sw_names *names };
%inline %{
/* Queue names, in creation order. */
void cc_sw_engine_queue_names(const cc_engine *self, cc_sw_names *names)
{
    cc_engine_foreach_queue(self, cc_sw_names_add, names);
}
/* Agent names, in creation order. */
void cc_sw_engine_agent_names(const cc_engine *self, cc_sw_names *names)
{
    cc_engine_foreach_agent(self, cc_sw_names_add, names);
}
/* Live contact ids (as decimal strings, so Lua integers cannot wrap them). */
void cc_sw_engine_contact_ids(const cc_engine *self, cc_sw_names *names)
{
    cc_engine_foreach_contact(self, cc_sw_ids_add, names);
}
%}
