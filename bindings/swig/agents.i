/*
 * bindings/swig/agents.i - agents of the routing engine.
 *
 * Scripts see:  cc_engine_agent_add(engine, config, now_ms) with config keys:
 *   name, display_name, skills ({skill = level}),
 *   queues (list of queue names or of {queue, tier, penalty, weight}),
 *   capacity (list of {channel, max, load}), load_budget;
 * cc_engine_member_add(engine, agent, membership, now_ms) with one membership
 * mapping, and cc_engine_agent_status(engine, name) -> mapping.
 */
%{
static const char *const cc_sw_membership_keys[] = {"queue", "tier", "penalty", "weight", NULL};

static int cc_sw_fill_membership(cc_sw_obj item, cc_membership *ms, cc_sw_arena *arena)
{
    (void)arena;
    memset(ms, 0, sizeof *ms);
    if (cc_sw_check_keys(item, "membership", cc_sw_membership_keys) ||
        cc_sw_get_str(item, "queue", &ms->queue) || cc_sw_get_i32(item, "tier", &ms->tier) ||
        cc_sw_get_i32(item, "penalty", &ms->penalty) || cc_sw_get_f64(item, "weight", &ms->weight))
        return -1;
    return 0;
}

typedef struct cc_sw_memberships {
    cc_membership *items;
    size_t n;
} cc_sw_memberships;

static int cc_sw_membership_item(cc_sw_obj item, const char *key, void *ud)
{
    cc_sw_memberships *s = (cc_sw_memberships *)ud;
    cc_membership *ms = &s->items[s->n];
    if (key) return cc_sw_fail("queues: a list of names or mappings");
    if (cc_sw_is_map(item)) {
        if (cc_sw_fill_membership(item, ms, NULL) != 0) return -1;
    } else {
        memset(ms, 0, sizeof *ms);
        if (cc_sw_item_str(item, &ms->queue) != 0) return -1;
    }
    s->n++;
    return 0;
}

typedef struct cc_sw_capacities {
    cc_capacity *items;
    size_t n;
} cc_sw_capacities;

static const char *const cc_sw_capacity_keys[] = {"channel", "max", "load", NULL};

static int cc_sw_capacity_item(cc_sw_obj item, const char *key, void *ud)
{
    cc_sw_capacities *s = (cc_sw_capacities *)ud;
    cc_capacity *c = &s->items[s->n];
    int channel = 0;
    if (key || !cc_sw_is_map(item)) return cc_sw_fail("capacity: a list of mappings");
    memset(c, 0, sizeof *c);
    if (cc_sw_check_keys(item, "capacity", cc_sw_capacity_keys) ||
        cc_sw_get_int(item, "channel", &channel) || cc_sw_get_i32(item, "max", &c->max) ||
        cc_sw_get_i32(item, "load", &c->load))
        return -1;
    c->channel = (cc_channel)channel;
    s->n++;
    return 0;
}

static const char *const cc_sw_agent_keys[] = {"name", "display_name", "skills", "queues",
    "capacity", "load_budget", NULL};

static int cc_sw_fill_agent_config(cc_sw_obj m, cc_agent_config *a, cc_sw_arena *arena)
{
    cc_agent_config init = CC_AGENT_CONFIG_INIT;
    size_t nq = 0, nc = 0;
    *a = init;
    if (cc_sw_check_keys(m, "agent config", cc_sw_agent_keys) ||
        cc_sw_get_str(m, "name", &a->name) || cc_sw_get_str(m, "display_name", &a->display_name) ||
        cc_sw_read_skills(m, "skills", &a->skills, &a->nskills, arena) ||
        cc_sw_get_i32(m, "load_budget", &a->load_budget) || cc_sw_len(m, "queues", &nq) ||
        cc_sw_len(m, "capacity", &nc))
        return -1;
    if (nq > 0) {
        cc_sw_memberships s = {(cc_membership *)cc_sw_alloc(arena, nq, sizeof(cc_membership)), 0};
        if (!s.items) return cc_sw_fail("queues: out of memory");
        if (cc_sw_each(m, "queues", cc_sw_membership_item, &s) != 0) return -1;
        a->queues = s.items;
        a->nqueues = s.n;
    }
    if (nc > 0) {
        cc_sw_capacities s = {(cc_capacity *)cc_sw_alloc(arena, nc, sizeof(cc_capacity)), 0};
        if (!s.items) return cc_sw_fail("capacity: out of memory");
        if (cc_sw_each(m, "capacity", cc_sw_capacity_item, &s) != 0) return -1;
        a->capacity = s.items;
        a->ncapacity = s.n;
    }
    return 0;
}

static void cc_sw_put_agent_status(cc_sw_out d, const cc_agent_status *s)
{
    cc_sw_put_i64(d, "state", s->state);
    cc_sw_put_str(d, "reason", s->reason);
    cc_sw_put_i64(d, "not_ready_pending", s->not_ready_pending);
    cc_sw_put_i64(d, "state_since_ms", s->state_since_ms);
    cc_sw_put_i64(d, "idle_since_ms", s->idle_since_ms);
    cc_sw_put_i64(d, "contacts", s->contacts);
    cc_sw_put_i64(d, "load", s->load);
    cc_sw_put_u64(d, "offer_contact_id", s->offer_contact_id);
    cc_sw_put_u64(d, "answered", s->answered);
    cc_sw_put_i64(d, "talk_ms", s->talk_ms);
}
%}
%cc_config_in(cc_agent_config, cc_sw_fill_agent_config)
%apply const cc_agent_config *CONFIG_IN { const cc_agent_config *config };
%cc_config_in(cc_membership, cc_sw_fill_membership)
%apply const cc_membership *CONFIG_IN { const cc_membership *membership };
%cc_result_out(cc_agent_status, CC_AGENT_STATUS_INIT, cc_sw_put_agent_status)
%apply cc_agent_status *RESULT_OUT { cc_agent_status *out };
%ignore cc_agent_config;
%ignore cc_agent_status;
