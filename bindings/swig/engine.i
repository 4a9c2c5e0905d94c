/*
 * bindings/swig/engine.i - the routing engine object (callcore/engine.h):
 * creation with options, time (advance / next deadline), snapshots.
 * Queues, agents and contacts have their own files (queues.i, agents.i,
 * contacts.i); the three are included with engine.h once, here, after their
 * typemaps are declared.
 *
 * Scripts see:  cc_engine_new(options_mapping_or_None) -> engine
 *   options keys: seed, select, rona_after, rona_reason, reject_after,
 *   reject_reason, last_agent_window_ms, event_sink (a callable / function:
 *   see the overlay's events.i).
 */
%{
static const char *const cc_sw_engine_option_keys[] = {
    "seed", "select", "rona_after", "rona_reason", "reject_after", "reject_reason",
    "last_agent_window_ms", "event_sink", NULL};

static int cc_sw_fill_engine_options(cc_sw_obj m, cc_engine_options *o, cc_sw_arena *arena)
{
    cc_engine_options init = CC_ENGINE_OPTIONS_INIT;
    int select = init.select, rona = init.rona_after, reject = init.reject_after;
    (void)arena;
    *o = init;
    if (cc_sw_check_keys(m, "engine options", cc_sw_engine_option_keys) ||
        cc_sw_get_u64(m, "seed", &o->seed) || cc_sw_get_int(m, "select", &select) ||
        cc_sw_get_int(m, "rona_after", &rona) || cc_sw_get_int(m, "reject_after", &reject) ||
        cc_sw_get_str(m, "rona_reason", &o->rona_reason) ||
        cc_sw_get_str(m, "reject_reason", &o->reject_reason) ||
        cc_sw_get_i64(m, "last_agent_window_ms", &o->last_agent_window_ms) ||
        cc_sw_get_event_sink(m, "event_sink", &o->event_fn, &o->event_user_data))
        return -1;
    o->select = (cc_select_policy)select;
    o->rona_after = (cc_agent_after)rona;
    o->reject_after = (cc_agent_after)reject;
    return 0;
}
%}
%cc_config_in(cc_engine_options, cc_sw_fill_engine_options)
%apply const cc_engine_options *CONFIG_IN { const cc_engine_options *options };
%cc_owned_object(cc_engine, cc_engine_free)
%apply cc_engine **OUT { cc_engine **out };

/* Snapshots travel as byte strings. */
%apply (void **OUT_BYTES, size_t *OUT_BYTES_LEN) { (void **out_buf, size_t *out_len) };
%apply (const void *BYTES_IN, size_t BYTES_IN_LEN) { (const void *buf, size_t len) };

/* Media backends are bound through the overlay's own binder (a vtable whose
 * calls reach script objects); the raw vtable and state stay in C. */
%ignore cc_engine_bind_backend;
%ignore cc_engine_backend_state;
%ignore cc_engine_options;
/* Enumeration callbacks are replaced by cc_sw_engine_names() below. */
%ignore cc_engine_foreach_queue;
%ignore cc_engine_foreach_agent;
%ignore cc_engine_foreach_contact;
%ignore cc_skill;
%ignore cc_escalation;
%ignore cc_membership;
%ignore cc_capacity;
