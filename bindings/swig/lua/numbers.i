/*
 * bindings/swig/lua/numbers.i - Lua value to C integer argument.
 *
 * SWIG's default read every integer argument with lua_tonumber, through a double: a
 * 64-bit id above 2^53 lost its low bits (contact 2^53 + 1 was looked up as 2^53,
 * although ids are Lua integers with the same bits: docs/bindings.md), 2.5 agents
 * became 2, and a value its C type cannot hold (4294967298 agents) was converted with
 * undefined behaviour. An integer argument now reads as Lua's own luaL_checkinteger
 * does (an integer, or a float with an integral value) and must fit its C type, else
 * the call raises an error. uint64_t takes a Lua integer's bits, as the option tables
 * do (ids from 2^63 up are negative integers), or an integral float in [0, 2^64).
 */
%{
#include <lauxlib.h>

/* The integer at idx in [lo, hi] into *out: 0, or -1 with the error message pushed. */
static int cc_lua_int_arg(lua_State *L, int idx, const char *fn, int argnum, lua_Integer lo,
                          lua_Integer hi, lua_Integer *out)
{
    int ok = 0;
    lua_Integer v = lua_tointegerx(L, idx, &ok);
    if (ok && v >= lo && v <= hi) {
        *out = v;
        return 0;
    }
    const char *got = luaL_tolstring(L, idx, NULL);
    lua_pushfstring(L, "%s: argument %d must be an integer in %I..%I, got %s", fn, argnum, lo,
                    hi, got);
    return -1;
}

static int cc_lua_u64_arg(lua_State *L, int idx, const char *fn, int argnum, uint64_t *out)
{
    int ok = 0;
    lua_Integer v = lua_tointegerx(L, idx, &ok);
    if (ok) {
        *out = (uint64_t)v;
        return 0;
    }
    lua_Number x = lua_tonumberx(L, idx, &ok);
    if (ok && x == floor(x) && x >= 0 && x < 18446744073709551616.0) {
        *out = (uint64_t)x;
        return 0;
    }
    const char *got = luaL_tolstring(L, idx, NULL);
    lua_pushfstring(L, "%s: argument %d must be an integer in 0..2^64-1, got %s", fn, argnum,
                    got);
    return -1;
}
%}

%define %cc_lua_int_in(TYPE, LO, HI)
%typemap(in, checkfn="lua_isnumber") TYPE (lua_Integer v = 0) {
    if (cc_lua_int_arg(L, $input, "$symname", $argnum, LO, HI, &v) != 0) SWIG_fail;
    $1 = ($1_ltype)v;
}
%enddef
%cc_lua_int_in(int64_t, LUA_MININTEGER, LUA_MAXINTEGER)
%cc_lua_int_in(int, INT_MIN, INT_MAX)
%cc_lua_int_in(int32_t, INT32_MIN, INT32_MAX)
%cc_lua_int_in(uint32_t, 0, (lua_Integer)UINT32_MAX)
%cc_lua_int_in(size_t, 0, LUA_MAXINTEGER)
%cc_lua_int_in(enum SWIGTYPE, INT_MIN, INT_MAX)

%typemap(in, checkfn="lua_isnumber") uint64_t {
    if (cc_lua_u64_arg(L, $input, "$symname", $argnum, &$1) != 0) SWIG_fail;
}
