/*
 * bindings/swig/lua/events.i - Lua overlay: events as tables, and a Lua
 * function as the event sink of any event source.
 *
 * Ownership: the C event is borrowed for the callback, so the table holds
 * copies. The function is held by a slot (slots.i): one per call for the
 * functions a call takes, one owned by the object for an "event_sink" option.
 * An error raised by the function is re-raised by the wrapped call that
 * triggered it, after the C library has finished its step.
 */
%{
static void cc_lua_set_int(lua_State *L, const char *key, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, key);
}
static void cc_lua_set_str(lua_State *L, const char *key, const char *s)
{
    if (!s) return; /* absent fields stay nil */
    lua_pushstring(L, s);
    lua_setfield(L, -2, key);
}

static void cc_lua_push_event(lua_State *L, const cc_event *e)
{
    lua_createtable(L, 0, 24);
    cc_lua_set_int(L, "type", e->type);
    lua_pushstring(L, cc_event_type_name(e->type));
    lua_setfield(L, -2, "name");
    cc_lua_set_int(L, "flags", e->flags);
    cc_lua_set_int(L, "time_ms", e->time_ms);
    cc_lua_set_int(L, "seq", (lua_Integer)e->seq);
    cc_lua_set_int(L, "contact_id", (lua_Integer)e->contact_id);
    cc_lua_set_int(L, "customer_id", (lua_Integer)e->customer_id);
    cc_lua_set_str(L, "queue", e->queue);
    cc_lua_set_str(L, "agent", e->agent);
    cc_lua_set_str(L, "target_queue", e->target_queue);
    cc_lua_set_str(L, "target_agent", e->target_agent);
    cc_lua_set_str(L, "reason", e->reason);
    cc_lua_set_int(L, "channel", e->channel);
    cc_lua_set_int(L, "priority", e->priority);
    cc_lua_set_int(L, "agent_state", e->agent_state);
    cc_lua_set_int(L, "prev_agent_state", e->prev_agent_state);
    cc_lua_set_int(L, "survey", e->survey);
    cc_lua_set_int(L, "virtual_start_ms", e->virtual_start_ms);
    cc_lua_set_int(L, "wait_ms", e->wait_ms);
    cc_lua_set_int(L, "duration_ms", e->duration_ms);
    cc_lua_set_int(L, "hold_ms", e->hold_ms);
    lua_pushnumber(L, e->value);
    lua_setfield(L, -2, "value");
}

/* Keeps the first error a callback raises during a call. */
static void cc_lua_set_pending(lua_State *L)
{
    /* nil in the registry slot means "no error": error(nil) would be dropped and the
     * call would succeed, so it is kept as a message. */
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushliteral(L, "a callback raised an error with a nil value");
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &cc_lua_pending_key);
    int have = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (have) {
        lua_pop(L, 1);
        return;
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &cc_lua_pending_key);
}

/* cc_event_fn trampoline: user_data is the slot of the function. Runs on the
 * lua_State of the wrapped call. */
static void cc_lua_event_sink(const cc_event *e, void *user_data)
{
    lua_State *L = cc_lua_current;
    if (!L) return; /* called outside a wrapped call: nobody to deliver to */
    if (cc_lua_slot_push(L, user_data) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return;
    }
    cc_lua_push_event(L, e);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) cc_lua_set_pending(L);
}

/* Reads the integer field `key` of the event table at `idx` into *out (0 when nil),
 * within [lo, hi] (the range of its C field: a priority of 2^32 + 7 must not become 7);
 * 0, or -1 with the error message pushed. */
static int cc_lua_event_int(lua_State *L, int idx, const char *key, lua_Integer lo,
                            lua_Integer hi, lua_Integer *out)
{
    int ok = 1;
    lua_getfield(L, idx, key);
    *out = lua_isnil(L, -1) ? 0 : lua_tointegerx(L, -1, &ok);
    lua_pop(L, 1);
    if (!ok) {
        lua_pushfstring(L, "event field '%s' must be an integer", key);
        return -1;
    }
    if (*out < lo || *out > hi) {
        lua_pushfstring(L, "event field '%s' must be in %I..%I, got %I", key, lo, hi, *out);
        return -1;
    }
    return 0;
}

static int cc_lua_event_str(lua_State *L, int idx, const char *key, const char **out);

/* An event table (the keys of cc_lua_push_event) into *e; strings are borrowed from the
 * table. 0, or -1 with the error message pushed. 64-bit ids keep their bits. */
static int cc_lua_event_from_table(lua_State *L, int idx, cc_event *e)
{
    lua_Integer v[15];
    memset(e, 0, sizeof *e);
    if (cc_lua_event_int(L, idx, "type", INT_MIN, INT_MAX, &v[0]) ||
        cc_lua_event_int(L, idx, "flags", 0, UINT32_MAX, &v[1]) ||
        cc_lua_event_int(L, idx, "time_ms", LUA_MININTEGER, LUA_MAXINTEGER, &v[2]) ||
        cc_lua_event_int(L, idx, "seq", LUA_MININTEGER, LUA_MAXINTEGER, &v[3]) ||
        cc_lua_event_int(L, idx, "contact_id", LUA_MININTEGER, LUA_MAXINTEGER, &v[4]) ||
        cc_lua_event_int(L, idx, "customer_id", LUA_MININTEGER, LUA_MAXINTEGER, &v[5]) ||
        cc_lua_event_int(L, idx, "channel", INT_MIN, INT_MAX, &v[6]) ||
        cc_lua_event_int(L, idx, "priority", INT32_MIN, INT32_MAX, &v[7]) ||
        cc_lua_event_int(L, idx, "agent_state", INT_MIN, INT_MAX, &v[8]) ||
        cc_lua_event_int(L, idx, "prev_agent_state", INT_MIN, INT_MAX, &v[9]) ||
        cc_lua_event_int(L, idx, "survey", INT_MIN, INT_MAX, &v[10]) ||
        cc_lua_event_int(L, idx, "virtual_start_ms", LUA_MININTEGER, LUA_MAXINTEGER, &v[11]) ||
        cc_lua_event_int(L, idx, "wait_ms", LUA_MININTEGER, LUA_MAXINTEGER, &v[12]) ||
        cc_lua_event_int(L, idx, "duration_ms", LUA_MININTEGER, LUA_MAXINTEGER, &v[13]) ||
        cc_lua_event_int(L, idx, "hold_ms", LUA_MININTEGER, LUA_MAXINTEGER, &v[14]) ||
        cc_lua_event_str(L, idx, "queue", &e->queue) ||
        cc_lua_event_str(L, idx, "agent", &e->agent) ||
        cc_lua_event_str(L, idx, "target_queue", &e->target_queue) ||
        cc_lua_event_str(L, idx, "target_agent", &e->target_agent) ||
        cc_lua_event_str(L, idx, "reason", &e->reason))
        return -1;
    e->type = (cc_event_type)v[0];
    e->flags = (uint32_t)v[1];
    e->time_ms = v[2];
    e->seq = (uint64_t)v[3];
    e->contact_id = (uint64_t)v[4];
    e->customer_id = (uint64_t)v[5];
    e->channel = (cc_channel)v[6];
    e->priority = (int32_t)v[7];
    e->agent_state = (cc_agent_state)v[8];
    e->prev_agent_state = (cc_agent_state)v[9];
    e->survey = (cc_survey_kind)v[10];
    e->virtual_start_ms = v[11];
    e->wait_ms = v[12];
    e->duration_ms = v[13];
    e->hold_ms = v[14];
    /* a number or nothing: lua_tonumber made "abc" (and any table) a silent 0 */
    lua_getfield(L, idx, "value");
    int bad = !lua_isnil(L, -1) && lua_type(L, -1) != LUA_TNUMBER;
    e->value = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (bad) {
        lua_pushstring(L, "event field 'value' must be a number");
        return -1;
    }
    return 0;
}

/* Reads the string field `key` of the event table at `idx` into *out (NULL when nil);
 * 0, or -1 with the error message pushed when it is not a string or holds a NUL byte. */
static int cc_lua_event_str(lua_State *L, int idx, const char *key, const char **out)
{
    const char *problem = NULL;
    *out = NULL;
    lua_getfield(L, idx, key);
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING) problem = "must be a string";
        else if (!(*out = cc_lua_cstring(L, -1))) problem = "contains a NUL byte";
    }
    lua_pop(L, 1);
    if (problem) lua_pushfstring(L, "event field '%s' %s", key, problem);
    return problem ? -1 : 0;
}
%}

%typemap(in, checkfn="lua_istable") const cc_event *EVENT_IN (cc_event tmp) {
    if (cc_lua_event_from_table(L, $input, &tmp) != 0) SWIG_fail; /* the message is pushed */
    $1 = &tmp;
}

/* Importer and simulation sinks: a Lua function (held by a slot for the
 * call), or a cc_kpi, which receives the events in C (checked and marked in use for
 * the call like any object argument: objects.i; cc_lua_kind_cc_kpi is kpi.i's). */
%typemap(in, checkfn="cc_lua_is_sink") (cc_event_fn EVENT_SINK_OR_KPI, void *EVENT_SINK_OR_KPI_DATA) (cc_lua_object *in_use = NULL, void *slot = NULL) {
    void *kpi = NULL;
    if (lua_isnil(L, $input)) {
        $1 = NULL;
        $2 = NULL;
    } else if (lua_isuserdata(L, $input)) {
        if (cc_lua_object_in(L, $input, &cc_lua_kind_cc_kpi, "$symname", &kpi, &in_use) != 0)
            SWIG_fail;
        $1 = cc_kpi_sink;
        $2 = kpi;
    } else {
        slot = cc_lua_slot_new(L, $input);
        $1 = cc_lua_event_sink;
        $2 = slot;
    }
}
%typemap(freearg) (cc_event_fn EVENT_SINK_OR_KPI, void *EVENT_SINK_OR_KPI_DATA) {
    cc_lua_object_done(in_use$argnum);
    if (slot$argnum) cc_lua_slot_release(L, slot$argnum);
}
%{
static int cc_lua_is_sink(lua_State *L, int idx)
{
    return lua_isfunction(L, idx) || lua_isnil(L, idx) || lua_isuserdata(L, idx);
}
%}
