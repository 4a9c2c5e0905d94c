/*
 * bindings/swig/queues.i - queues of the routing engine.
 *
 * Scripts see:  cc_engine_queue_add(engine, config) with config keys:
 *   name, strategy (name "longest-idle" or CC_STRATEGY_* value), weight,
 *   sl_threshold_ms, ring_timeout_ms, wrapup_ms, max_length, max_wait_ms,
 *   max_wait_action, overflow_queue, join, leave_when_empty,
 *   skills ({skill = level} or [[skill, level], ...]),
 *   escalations ([{after_ms, relax_levels, priority_boost, add_queue}, ...]),
 *   last_agent_wait_ms, callback_max_attempts, callback_retry_ms, aht_hint_ms
 * (the same keys for cc_engine_queue_configure(engine, config, now_ms))
 * and cc_engine_queue_status(engine, name) -> mapping of cc_queue_status.
 */
%{
typedef struct cc_sw_skills {
    cc_skill *items;
    size_t n;
} cc_sw_skills;

static int cc_sw_skill_item(cc_sw_obj item, const char *key, void *ud)
{
    cc_sw_skills *s = (cc_sw_skills *)ud;
    cc_skill *k = &s->items[s->n];
    char what[96];
    if (!key) return cc_sw_fail("skills: use a mapping {skill: level}");
    k->name = key;
    snprintf(what, sizeof what, "skill '%s'", key);
    if (cc_sw_item_i32(item, what, &k->level) != 0) return -1;
    s->n++;
    return 0;
}

/* Reads skills under `key` into an arena array. */
static int cc_sw_read_skills(cc_sw_obj m, const char *key, const cc_skill **out, size_t *n,
                             cc_sw_arena *arena)
{
    size_t len = 0;
    if (cc_sw_len(m, key, &len) != 0) return -1;
    if (len == 0) return 0;
    cc_sw_skills s = {(cc_skill *)cc_sw_alloc(arena, len, sizeof(cc_skill)), 0};
    if (!s.items) return cc_sw_fail("%s: out of memory", key);
    if (cc_sw_each(m, key, cc_sw_skill_item, &s) != 0) return -1;
    *out = s.items;
    *n = s.n;
    return 0;
}

/* A strategy given by name or by value. */
static int cc_sw_get_strategy(cc_sw_obj m, const char *key, cc_strategy *out)
{
    if (cc_sw_kind(m, key) == CC_SW_STR) {
        const char *name = NULL;
        if (cc_sw_get_str(m, key, &name) != 0) return -1;
        if (cc_strategy_from_name(name, out) != CC_OK)
            return cc_sw_fail("unknown strategy '%s'", name);
        return 0;
    }
    int v = *out;
    if (cc_sw_get_int(m, key, &v) != 0) return -1;
    *out = (cc_strategy)v;
    return 0;
}

typedef struct cc_sw_escalations {
    cc_escalation *items;
    size_t n;
} cc_sw_escalations;

static const char *const cc_sw_escalation_keys[] = {"after_ms", "relax_levels",
    "priority_boost", "add_queue", NULL};

static int cc_sw_escalation_item(cc_sw_obj item, const char *key, void *ud)
{
    cc_sw_escalations *s = (cc_sw_escalations *)ud;
    cc_escalation *e = &s->items[s->n];
    if (key || !cc_sw_is_map(item)) return cc_sw_fail("escalations: a list of mappings");
    if (cc_sw_check_keys(item, "escalation", cc_sw_escalation_keys) ||
        cc_sw_get_i64(item, "after_ms", &e->after_ms) ||
        cc_sw_get_i32(item, "relax_levels", &e->relax_levels) ||
        cc_sw_get_i32(item, "priority_boost", &e->priority_boost) ||
        cc_sw_get_str(item, "add_queue", &e->add_queue))
        return -1;
    s->n++;
    return 0;
}

static const char *const cc_sw_queue_keys[] = {"name", "strategy", "weight",
    "sl_threshold_ms", "ring_timeout_ms", "wrapup_ms", "max_length", "max_wait_ms",
    "max_wait_action", "overflow_queue", "join", "leave_when_empty", "skills", "escalations",
    "last_agent_wait_ms", "callback_max_attempts", "callback_retry_ms", "aht_hint_ms", NULL};

static int cc_sw_fill_queue_config(cc_sw_obj m, cc_queue_config *q, cc_sw_arena *arena)
{
    cc_queue_config init = CC_QUEUE_CONFIG_INIT;
    int action = init.max_wait_action, join = init.join;
    size_t nesc = 0;
    *q = init;
    if (cc_sw_check_keys(m, "queue config", cc_sw_queue_keys) ||
        cc_sw_get_str(m, "name", &q->name) || cc_sw_get_strategy(m, "strategy", &q->strategy) ||
        cc_sw_get_f64(m, "weight", &q->weight) ||
        cc_sw_get_i64(m, "sl_threshold_ms", &q->sl_threshold_ms) ||
        cc_sw_get_i64(m, "ring_timeout_ms", &q->ring_timeout_ms) ||
        cc_sw_get_i64(m, "wrapup_ms", &q->wrapup_ms) ||
        cc_sw_get_i32(m, "max_length", &q->max_length) ||
        cc_sw_get_i64(m, "max_wait_ms", &q->max_wait_ms) ||
        cc_sw_get_int(m, "max_wait_action", &action) ||
        cc_sw_get_str(m, "overflow_queue", &q->overflow_queue) ||
        cc_sw_get_int(m, "join", &join) ||
        cc_sw_get_int(m, "leave_when_empty", &q->leave_when_empty) ||
        cc_sw_read_skills(m, "skills", &q->skills, &q->nskills, arena) ||
        cc_sw_get_i64(m, "last_agent_wait_ms", &q->last_agent_wait_ms) ||
        cc_sw_get_i32(m, "callback_max_attempts", &q->callback_max_attempts) ||
        cc_sw_get_i64(m, "callback_retry_ms", &q->callback_retry_ms) ||
        cc_sw_get_i64(m, "aht_hint_ms", &q->aht_hint_ms) ||
        cc_sw_len(m, "escalations", &nesc))
        return -1;
    if (nesc > 0) {
        cc_sw_escalations s = {(cc_escalation *)cc_sw_alloc(arena, nesc, sizeof(cc_escalation)), 0};
        if (!s.items) return cc_sw_fail("escalations: out of memory");
        if (cc_sw_each(m, "escalations", cc_sw_escalation_item, &s) != 0) return -1;
        q->escalations = s.items;
        q->nescalations = s.n;
    }
    q->max_wait_action = (cc_max_wait_action)action;
    q->join = (cc_join_policy)join;
    return 0;
}

static void cc_sw_put_queue_status(cc_sw_out d, const cc_queue_status *s)
{
    cc_sw_put_i64(d, "waiting", s->waiting);
    cc_sw_put_i64(d, "offered", s->offered);
    cc_sw_put_i64(d, "connected", s->connected);
    cc_sw_put_i64(d, "longest_wait_ms", s->longest_wait_ms);
    cc_sw_put_i64(d, "members", s->members);
    cc_sw_put_i64(d, "staffed", s->staffed);
    cc_sw_put_i64(d, "available", s->available);
    cc_sw_put_i64(d, "aht_ms", s->aht_ms);
    cc_sw_put_i64(d, "ewt_ms", s->ewt_ms);
    cc_sw_put_i64(d, "sl_threshold_ms", s->sl_threshold_ms);
    cc_sw_put_u64(d, "answered", s->answered);
    cc_sw_put_u64(d, "abandoned", s->abandoned);
}
%}
%cc_config_in(cc_queue_config, cc_sw_fill_queue_config)
%apply const cc_queue_config *CONFIG_IN { const cc_queue_config *config };
%cc_result_out(cc_queue_status, CC_QUEUE_STATUS_INIT, cc_sw_put_queue_status)
%apply cc_queue_status *RESULT_OUT { cc_queue_status *out };
%ignore cc_strategy_from_name; /* scripts pass names straight into configs */
%ignore cc_queue_config;
%ignore cc_queue_status;
