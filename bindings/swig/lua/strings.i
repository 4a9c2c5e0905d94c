/*
 * bindings/swig/lua/strings.i - Lua string to C string: the string's own bytes, borrowed
 * while the value stays on the stack or in the argument table (the call's duration).
 *
 * A Lua string may hold NUL bytes, but C reads a string up to its first NUL: "sa\0les"
 * would name a queue 'sa'. Such a string is refused with an error instead.
 */
%{
#include <lauxlib.h>

/* The string at `idx` (a string, or a number Lua converts in place), or NULL when it
 * holds a NUL byte before its end. */
static const char *cc_lua_cstring(lua_State *L, int idx)
{
    size_t len = 0;
    const char *s = lua_tolstring(L, idx, &len);
    return s && strlen(s) == len ? s : NULL;
}
%}

/* Every const char * argument: a string (checked as above) or nil (NULL). */
%typemap(in, checkfn="SWIG_lua_isnilstring", fragment="SWIG_lua_isnilstring") const char * {
    if (lua_isnil(L, $input)) {
        $1 = NULL;
    } else if (!($1 = ($1_ltype)cc_lua_cstring(L, $input))) {
        lua_pushfstring(L, "$symname: argument $argnum contains a NUL byte");
        SWIG_fail;
    }
}
