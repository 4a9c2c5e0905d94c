/*
 * bindings/swig/lua/errors.i - Lua overlay: failing cc_status values and NaN
 * results of the pure maths raise a Lua error "CC_EINVAL: <detail>" carrying
 * cc_error_last()'s message (catch it with pcall); opaque out-parameters
 * become return values.
 *
 * Every wrapped call records the calling lua_State for the callbacks it may
 * trigger (callbacks run synchronously inside the call), and re-raises an
 * error a Lua callback raised during the call once the C library is done.
 */
%{
#include <lauxlib.h>

/* The lua_State of the wrapped call in progress on this thread, for the
 * callback trampolines; NULL outside a call. */
static _Thread_local lua_State *cc_lua_current;

/* Registry key of the error a callback raised during the current call. */
static const char cc_lua_pending_key = 'p';

static void cc_lua_push_status(lua_State *L, int status)
{
    lua_pushfstring(L, "%s: %s", cc_status_name(status), cc_sw_detail_of(status));
}

/* Pushes the pending callback error (removing it) and returns 1, or returns 0
 * when no callback failed. */
static int cc_lua_take_pending(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &cc_lua_pending_key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &cc_lua_pending_key);
    return 1;
}

/* A call made from a callback of another call (a status read from an event sink) puts
 * that call's pending error aside for its own duration: it raises only what its own
 * callbacks raise, and the outer call still raises its own (taken by the nested call, the
 * outer error was raised inside the sink, which then missed the rest of its events).
 * Returns the registry reference cc_lua_pending_back restores (LUA_NOREF: none). */
static int cc_lua_pending_aside(lua_State *L)
{
    if (!cc_lua_current) return LUA_NOREF; /* the outermost call: nothing is pending */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &cc_lua_pending_key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return LUA_NOREF;
    }
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &cc_lua_pending_key);
    return ref;
}

/* Ends a call begun with cc_lua_pending_aside: puts the outer call's error back, and pushes
 * the error the call's own callbacks raised and returns 1, or returns 0. */
static int cc_lua_pending_back(lua_State *L, int ref)
{
    int own = cc_lua_take_pending(L);
    if (ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &cc_lua_pending_key);
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
    }
    return own;
}
%}

%exception {
    lua_State *cc_lua_saved = cc_lua_current;
    int cc_lua_outer = cc_lua_pending_aside(L);
    cc_sw_call_begin(); /* no stale detail */
    cc_lua_current = L;
    $action
    cc_lua_current = cc_lua_saved;
    if (cc_lua_pending_back(L, cc_lua_outer)) SWIG_fail;
}

%typemap(out) cc_status {
    if ($1 != CC_OK && cc_lua_conv_pending) { /* a binding-level error */
        cc_lua_conv_pending = 0;
        lua_pushstring(L, cc_lua_conv_error);
        SWIG_fail;
    }
    if ($1 != CC_OK) {
        cc_lua_push_status(L, (int)$1);
        SWIG_fail;
    }
}

%typemap(out) double CC_CHECKED_DOUBLE {
    if (isnan($1) && cc_error_last()[0] != '\0') {
        cc_lua_push_status(L, CC_EINVAL);
        SWIG_fail;
    }
    lua_pushnumber(L, $1);
    SWIG_arg++;
}
%typemap(out) int CC_CHECKED_COUNT {
    if ($1 < 0 && cc_error_last()[0] != '\0') {
        cc_lua_push_status(L, CC_EINVAL);
        SWIG_fail;
    }
    lua_pushinteger(L, (lua_Integer)$1);
    SWIG_arg++;
}
%define %cc_checked_math(NAME)
%exception NAME {
    cc_sw_call_begin();
    $action
}
%enddef

%typemap(in, numinputs=0) int64_t *OUT (int64_t tmp = 0), uint64_t *OUT (uint64_t tmp = 0),
    double *OUT (double tmp = 0), int *OUT (int tmp = 0), size_t *OUT (size_t tmp = 0),
    uint32_t *OUT (uint32_t tmp = 0), int32_t *OUT (int32_t tmp = 0) {
    $1 = &tmp;
}
%typemap(argout) int64_t *OUT, uint64_t *OUT, int *OUT, size_t *OUT, uint32_t *OUT, int32_t *OUT {
    lua_pushinteger(L, (lua_Integer)*$1);
    SWIG_arg++;
}
%typemap(argout) double *OUT {
    lua_pushnumber(L, *$1);
    SWIG_arg++;
}

%typemap(in, numinputs=0) char **OUT_STRING (char *tmp = NULL) {
    $1 = &tmp;
}
%typemap(argout) char **OUT_STRING {
    if (tmp$argnum) lua_pushstring(L, tmp$argnum); else lua_pushnil(L);
    cc_free(tmp$argnum);
    tmp$argnum = NULL; /* consumed */
    SWIG_arg++;
}
/* A call can fail after the library made the string (an error a callback raised is
 * raised once the call is done): argout did not run, so it is freed here. */
%typemap(freearg) char **OUT_STRING {
    cc_free(tmp$argnum);
}
