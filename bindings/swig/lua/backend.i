/*
 * bindings/swig/lua/backend.i - a media backend implemented in Lua, for
 * switches that script routing in Lua (FreeSWITCH, Kamailio).
 *
 *   callcore.cc_lua_engine_bind_backend(engine, channel, backend)
 *
 * `backend` is a table of optional methods called as backend:method(...):
 * open(channel), close(), offer(offer_table, now_ms), withdraw(contact_id,
 * agent, now_ms), bridge(contact_id, agent, now_ms), announce(contact_id,
 * position, ewt_ms, now_ms), dial(contact_id, customer_id, agent, attempt,
 * now_ms), hangup(contact_id, reason, now_ms), supervise(contact_id, agent,
 * supervisor, mode, now_ms). A method returns nothing (CC_OK) or a negative
 * status; an error it raises fails the action (CC_EIO) and is re-raised by
 * the engine call that triggered it. Methods run on the lua_State of that
 * engine call and must not call the engine back (CC_EBUSY): record and
 * report later.
 *
 * Ownership: the table is held by a slot the engine owns (slots.i), released
 * when the engine closes the binding (rebind or cc_engine_free). Nothing in the
 * registry holds it, so a backend whose methods refer to the engine does not
 * keep a dropped engine alive.
 */
%{
#include "callcore/sys/backend.h"

typedef struct cc_lua_backend_state {
    void *key; /* the slot of the backend table */
} cc_lua_backend_state;

/* Pushes backend.method and backend (as self) and returns 1, or returns 0
 * (nothing pushed) when there is no Lua state, backend or method. */
static int cc_lua_backend_push(void *state, const char *method, lua_State **out)
{
    lua_State *L = cc_lua_current;
    void *key = ((cc_lua_backend_state *)state)->key;
    if (!L || !key) return 0;
    if (cc_lua_slot_push(L, key) != LUA_TTABLE) {
        lua_pop(L, 1);
        return 0;
    }
    lua_getfield(L, -1, method);
    if (!lua_isfunction(L, -1)) {
        lua_pop(L, 2);
        return 0;
    }
    lua_insert(L, -2); /* function, self */
    *out = L;
    return 1;
}

/* Calls the pushed method with self + nargs arguments; returns its status: nothing is
 * CC_OK, a number with an integral value in INT_MIN..0 that status. Anything else is the
 * backend's error, raised like one (CC_EIO): "x", false or -1.5 read as success, and
 * 2^32 reached C's int as 0, so a failed offer counted as rung. */
static cc_status cc_lua_backend_call(lua_State *L, const char *method, int nargs)
{
    if (lua_pcall(L, nargs + 1, 1, 0) != LUA_OK) {
        cc_lua_set_pending(L);
        return CC_EIO;
    }
    int ok = 0;
    lua_Integer v = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;
    if (lua_isnil(L, -1) || (ok && v >= INT_MIN && v <= 0)) {
        lua_pop(L, 1);
        return (cc_status)v;
    }
    /* no luaL_tolstring: a __tostring metamethod could raise outside any pcall */
    if (lua_type(L, -1) == LUA_TNUMBER)
        lua_pushfstring(L, "backend %s() must return nothing or a negative cc_status, got %s",
                        method, lua_tostring(L, -1));
    else
        lua_pushfstring(L, "backend %s() must return nothing or a negative cc_status, got a %s",
                        method, luaL_typename(L, -1));
    lua_remove(L, -2);
    cc_lua_set_pending(L);
    return CC_EIO;
}

static cc_status cc_lua_backend_open(void *state, cc_engine *engine, cc_channel channel, void *config)
{
    lua_State *L;
    (void)engine;
    ((cc_lua_backend_state *)state)->key = config;
    if (!cc_lua_backend_push(state, "open", &L)) return CC_OK;
    lua_pushinteger(L, channel);
    return cc_lua_backend_call(L, "open", 1);
}

static void cc_lua_backend_close(void *state)
{
    lua_State *L;
    if (cc_lua_backend_push(state, "close", &L)) (void)cc_lua_backend_call(L, "close", 0);
    if (cc_lua_current) cc_lua_slot_release(cc_lua_current, ((cc_lua_backend_state *)state)->key);
}

static cc_status cc_lua_backend_offer(void *state, const cc_backend_offer *o, int64_t now_ms)
{
    lua_State *L;
    if (!cc_lua_backend_push(state, "offer", &L)) return CC_OK;
    lua_createtable(L, 0, 8);
    cc_lua_set_int(L, "contact_id", (lua_Integer)o->contact_id);
    cc_lua_set_int(L, "customer_id", (lua_Integer)o->customer_id);
    cc_lua_set_int(L, "channel", o->channel);
    cc_lua_set_str(L, "queue", o->queue);
    cc_lua_set_str(L, "agent", o->agent);
    cc_lua_set_int(L, "ring_timeout_ms", o->ring_timeout_ms);
    cc_lua_set_int(L, "priority", o->priority);
    lua_pushboolean(L, o->ring_all);
    lua_setfield(L, -2, "ring_all");
    lua_pushinteger(L, now_ms);
    return cc_lua_backend_call(L, "offer", 2);
}

/* The (contact, agent-or-reason, now) shaped calls. */
static cc_status cc_lua_backend_id_str(void *state, const char *method, uint64_t contact_id,
                                       const char *text, int64_t now_ms)
{
    lua_State *L;
    if (!cc_lua_backend_push(state, method, &L)) return CC_OK;
    lua_pushinteger(L, (lua_Integer)contact_id);
    if (text) lua_pushstring(L, text); else lua_pushnil(L);
    lua_pushinteger(L, now_ms);
    return cc_lua_backend_call(L, method, 3);
}

static cc_status cc_lua_backend_withdraw(void *state, uint64_t contact_id, const char *agent, int64_t now_ms)
{
    return cc_lua_backend_id_str(state, "withdraw", contact_id, agent, now_ms);
}

static cc_status cc_lua_backend_bridge(void *state, uint64_t contact_id, const char *agent, int64_t now_ms)
{
    return cc_lua_backend_id_str(state, "bridge", contact_id, agent, now_ms);
}

static cc_status cc_lua_backend_hangup(void *state, uint64_t contact_id, const char *reason, int64_t now_ms)
{
    return cc_lua_backend_id_str(state, "hangup", contact_id, reason, now_ms);
}

static cc_status cc_lua_backend_announce(void *state, uint64_t contact_id, int32_t position,
                                         int64_t ewt_ms, int64_t now_ms)
{
    lua_State *L;
    if (!cc_lua_backend_push(state, "announce", &L)) return CC_OK;
    lua_pushinteger(L, (lua_Integer)contact_id);
    lua_pushinteger(L, position);
    lua_pushinteger(L, ewt_ms);
    lua_pushinteger(L, now_ms);
    return cc_lua_backend_call(L, "announce", 4);
}

static cc_status cc_lua_backend_dial(void *state, uint64_t contact_id, uint64_t customer_id,
                                     const char *agent, int32_t attempt, int64_t now_ms)
{
    lua_State *L;
    if (!cc_lua_backend_push(state, "dial", &L)) return CC_OK;
    lua_pushinteger(L, (lua_Integer)contact_id);
    lua_pushinteger(L, (lua_Integer)customer_id);
    if (agent) lua_pushstring(L, agent); else lua_pushnil(L);
    lua_pushinteger(L, attempt);
    lua_pushinteger(L, now_ms);
    return cc_lua_backend_call(L, "dial", 5);
}

static cc_status cc_lua_backend_supervise(void *state, uint64_t contact_id, const char *agent,
                                          const char *supervisor, cc_supervise_mode mode, int64_t now_ms)
{
    lua_State *L;
    if (!cc_lua_backend_push(state, "supervise", &L)) return CC_OK;
    lua_pushinteger(L, (lua_Integer)contact_id);
    if (agent) lua_pushstring(L, agent); else lua_pushnil(L);
    if (supervisor) lua_pushstring(L, supervisor); else lua_pushnil(L);
    lua_pushinteger(L, mode);
    lua_pushinteger(L, now_ms);
    return cc_lua_backend_call(L, "supervise", 5);
}

static const cc_backend cc_lua_backend = {
    CC_BACKEND_VERSION, sizeof(cc_lua_backend_state), "lua",
    cc_lua_backend_open, cc_lua_backend_close, cc_lua_backend_offer, cc_lua_backend_withdraw,
    cc_lua_backend_bridge, cc_lua_backend_announce, cc_lua_backend_dial, cc_lua_backend_hangup,
    cc_lua_backend_supervise,
};

/* callcore.cc_lua_engine_bind_backend(engine, channel, backend_table) */
static int cc_lua_engine_bind_backend(lua_State *L)
{
    const char *fn = "cc_lua_engine_bind_backend";
    void *engine = NULL;
    cc_lua_object *in_use = NULL;
    lua_Integer channel = 0;
    /* the enum's range (numbers.i): 2^32 + 1 must not be cast to channel 1 */
    if (cc_lua_int_arg(L, 2, fn, 2, INT_MIN, INT_MAX, &channel) != 0) return lua_error(L);
    luaL_checktype(L, 3, LUA_TTABLE);
    if (lua_isnil(L, 1)) return luaL_argerror(L, 1, "expected a cc_engine");
    if (cc_lua_object_in(L, 1, &cc_lua_kind_cc_engine, fn, &engine, &in_use) != 0)
        return lua_error(L);
    void *key = cc_lua_slot_new(L, 3);
    cc_lua_slot_adopt(L, key, engine);
    lua_State *saved = cc_lua_current;
    int outer = cc_lua_pending_aside(L);
    cc_lua_current = L;
    cc_status st = cc_engine_bind_backend((cc_engine *)engine, (cc_channel)channel,
                                          &cc_lua_backend, key);
    cc_lua_current = saved;
    cc_lua_object_done(in_use); /* open() ran inside: it could not free the engine */
    int raised = cc_lua_pending_back(L, outer);
    if (st != CC_OK) {
        cc_lua_slot_release(L, key);
        if (raised) return lua_error(L);
        cc_lua_push_status(L, (int)st);
        return lua_error(L);
    }
    if (raised) return lua_error(L);
    return 0;
}
%}
%native(cc_lua_engine_bind_backend) int cc_lua_engine_bind_backend(lua_State *L);
