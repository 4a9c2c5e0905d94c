/*
 * bindings/swig/lua/config.i - Lua side of the reader API of config.i:
 * option structs are read from tables (keys = C field names), results are
 * returned as tables. Strings are borrowed from the argument tables, which
 * stay on the Lua stack for the whole call.
 */
%{
typedef struct cc_sw_obj {
    lua_State *L;
    int idx; /* absolute stack index of the table / value */
} cc_sw_obj;
typedef lua_State *cc_sw_out; /* the result table is on top of the stack */

/* Message of the last conversion error, raised by the typemap; the flag
 * says it has not been raised yet. */
static _Thread_local char cc_lua_conv_error[512];
static _Thread_local int cc_lua_conv_pending;

static int cc_sw_fail(const char *fmt, ...)
{
    va_list ap;
    cc_lua_conv_pending = 1;
    va_start(ap, fmt);
    vsnprintf(cc_lua_conv_error, sizeof cc_lua_conv_error, fmt, ap);
    va_end(ap);
    return -1;
}

static int cc_sw_kind_at(lua_State *L, int idx)
{
    switch (lua_type(L, idx)) {
    case LUA_TNIL: return CC_SW_ABSENT;
    case LUA_TBOOLEAN: return CC_SW_INT;
    case LUA_TNUMBER: return lua_isinteger(L, idx) ? CC_SW_INT : CC_SW_NUM;
    case LUA_TSTRING: return CC_SW_STR;
    case LUA_TTABLE: return lua_rawlen(L, idx) > 0 ? CC_SW_LIST : CC_SW_MAP;
    default: return CC_SW_OTHER;
    }
}

/* Pushes t[key] of the options table at idx, read raw: options are plain tables, and no
 * metamethod runs (Lua code run while options are read could raise past the call's
 * cleanup or make objects of its own in the middle of it). */
static int cc_lua_rawfield(lua_State *L, int idx, const char *key)
{
    idx = lua_absindex(L, idx);
    lua_pushstring(L, key);
    return lua_rawget(L, idx);
}

static int cc_sw_kind(cc_sw_obj m, const char *key)
{
    cc_lua_rawfield(m.L, m.idx, key);
    int k = cc_sw_kind_at(m.L, -1);
    lua_pop(m.L, 1);
    return k;
}

static int cc_sw_item_i64(cc_sw_obj v, int64_t *out)
{
    if (lua_isboolean(v.L, v.idx)) { *out = lua_toboolean(v.L, v.idx); return 0; }
    int ok = 0;
    lua_Integer x = lua_tointegerx(v.L, v.idx, &ok);
    if (!ok) return cc_sw_fail("expected an integer, got %s", luaL_typename(v.L, v.idx));
    *out = (int64_t)x;
    return 0;
}

/* A value outside the range of its C field; Lua has one kind of error. */
#define cc_sw_fail_range cc_sw_fail

/* uint64_t fields (contact and customer ids, seeds). A Lua integer is a signed 64-bit
 * value, so ids from 2^63 up are the negative integers with the same bits (the events
 * carry them back the same way); an integral float in [0, 2^64) is taken as it is. */
static int cc_sw_item_u64(cc_sw_obj v, uint64_t *out)
{
    if (lua_isinteger(v.L, v.idx)) {
        *out = (uint64_t)lua_tointeger(v.L, v.idx);
        return 0;
    }
    int ok = 0;
    lua_Number x = lua_tonumberx(v.L, v.idx, &ok);
    if (!ok || x != floor(x)) return cc_sw_fail("expected an integer, got %s", luaL_typename(v.L, v.idx));
    if (!(x >= 0 && x < 18446744073709551616.0))
        return cc_sw_fail_range("%.17g is out of range (0..2^64-1)", (double)x);
    *out = (uint64_t)x;
    return 0;
}

static int cc_sw_item_f64(cc_sw_obj v, double *out)
{
    int ok = 0;
    lua_Number x = lua_tonumberx(v.L, v.idx, &ok);
    if (!ok) return cc_sw_fail("expected a number, got %s", luaL_typename(v.L, v.idx));
    *out = (double)x;
    return 0;
}

static int cc_sw_item_str(cc_sw_obj v, const char **out)
{
    if (lua_type(v.L, v.idx) != LUA_TSTRING)
        return cc_sw_fail("expected a string, got %s", luaL_typename(v.L, v.idx));
    *out = cc_lua_cstring(v.L, v.idx);
    return *out ? 0 : cc_sw_fail("contains a NUL byte");
}

/* Reads field `key` with `read`; a missing field leaves *out unchanged. */
#define CC_LUA_GET(m, key, read, out)                                           \
    do {                                                                        \
        cc_lua_rawfield((m).L, (m).idx, key);                                   \
        int rc_ = 0;                                                            \
        if (!lua_isnil((m).L, -1)) {                                            \
            cc_sw_obj v_ = {(m).L, lua_absindex((m).L, -1)};                    \
            rc_ = read(v_, out);                                                \
            if (rc_) cc_sw_fail("'%s': %s", key, strcpy(cc_lua_key_tmp, cc_lua_conv_error)); \
        }                                                                       \
        lua_pop((m).L, 1);                                                      \
        return rc_;                                                             \
    } while (0)
static _Thread_local char cc_lua_key_tmp[512];

static int cc_sw_get_i64(cc_sw_obj m, const char *key, int64_t *out) { CC_LUA_GET(m, key, cc_sw_item_i64, out); }
static int cc_sw_get_u64(cc_sw_obj m, const char *key, uint64_t *out) { CC_LUA_GET(m, key, cc_sw_item_u64, out); }
static int cc_sw_get_f64(cc_sw_obj m, const char *key, double *out) { CC_LUA_GET(m, key, cc_sw_item_f64, out); }
/* The string stays referenced by the argument table for the call. */
static int cc_sw_get_str(cc_sw_obj m, const char *key, const char **out) { CC_LUA_GET(m, key, cc_sw_item_str, out); }

typedef int (*cc_sw_each_fn)(cc_sw_obj item, const char *item_key, void *ud);

static int cc_sw_len(cc_sw_obj m, const char *key, size_t *n)
{
    lua_State *L = m.L;
    *n = 0;
    cc_lua_rawfield(L, m.idx, key);
    int t = lua_type(L, -1);
    if (t == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) { (*n)++; lua_pop(L, 1); }
    }
    lua_pop(L, 1);
    if (t != LUA_TTABLE && t != LUA_TNIL) return cc_sw_fail("'%s' must be a table", key);
    return 0;
}

static int cc_sw_each(cc_sw_obj m, const char *key, cc_sw_each_fn fn, void *ud)
{
    lua_State *L = m.L;
    int rc = 0;
    cc_lua_rawfield(L, m.idx, key);
    if (lua_istable(L, -1)) {
        int t = lua_absindex(L, -1);
        if (lua_rawlen(L, t) > 0) { /* a sequence: in order */
            lua_Integer n = (lua_Integer)lua_rawlen(L, t);
            for (lua_Integer i = 1; i <= n && rc == 0; i++) {
                lua_rawgeti(L, t, i);
                cc_sw_obj item = {L, lua_absindex(L, -1)};
                rc = fn(item, NULL, ud);
                lua_pop(L, 1);
            }
        } else { /* a mapping: string keys */
            lua_pushnil(L);
            while (rc == 0 && lua_next(L, t)) {
                const char *k = lua_type(L, -2) == LUA_TSTRING ? cc_lua_cstring(L, -2) : NULL;
                if (!k) {
                    rc = cc_sw_fail("'%s': keys must be strings without NUL bytes", key);
                } else {
                    cc_sw_obj item = {L, lua_absindex(L, -1)};
                    rc = fn(item, k, ud);
                }
                lua_pop(L, 1);
            }
            if (rc != 0) lua_pop(L, 1); /* the key left by the interrupted walk */
        }
    } else if (!lua_isnil(L, -1)) {
        rc = cc_sw_fail("'%s' must be a table", key);
    }
    lua_pop(L, 1);
    return rc;
}

static int cc_sw_is_map(cc_sw_obj v)
{
    return lua_istable(v.L, v.idx);
}

static int cc_sw_check_keys(cc_sw_obj m, const char *what, const char *const *allowed)
{
    lua_State *L = m.L;
    if (!lua_istable(L, m.idx)) return cc_sw_fail("%s must be a table", what);
    lua_pushnil(L);
    while (lua_next(L, m.idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            return cc_sw_fail("%s: keys must be strings", what);
        }
        const char *k = lua_tostring(L, -1);
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, k) == 0) ok = 1;
        if (!ok) {
            cc_sw_fail("%s: unknown key '%s'", what, k);
            lua_pop(L, 1);
            return -1;
        }
    }
    return 0;
}

static void cc_sw_put_i64(cc_sw_out L, const char *key, int64_t v) { lua_pushinteger(L, (lua_Integer)v); lua_setfield(L, -2, key); }
static void cc_sw_put_u64(cc_sw_out L, const char *key, uint64_t v) { lua_pushinteger(L, (lua_Integer)v); lua_setfield(L, -2, key); }
static void cc_sw_put_f64(cc_sw_out L, const char *key, double v) { lua_pushnumber(L, v); lua_setfield(L, -2, key); }
static void cc_sw_put_str(cc_sw_out L, const char *key, const char *s)
{
    if (!s) return;
    lua_pushstring(L, s);
    lua_setfield(L, -2, key);
}

/* Event sink from the "event_sink" key: the function is held by a new loose slot
 * (slots.i); the object's argout has the object adopt it, so that the slot lives as long
 * as the object and no longer. */
static _Thread_local void *cc_lua_new_sink_key;
static int cc_sw_get_event_sink(cc_sw_obj m, const char *key, cc_event_fn *fn, void **ud)
{
    lua_State *L = m.L;
    cc_lua_rawfield(L, m.idx, key);
    if (lua_isnil(L, -1)) { lua_pop(L, 1); return 0; }
    if (!lua_isfunction(L, -1)) { lua_pop(L, 1); return cc_sw_fail("'%s' must be a function", key); }
    void *k = cc_lua_slot_new(L, -1);
    lua_pop(L, 1);
    cc_lua_new_sink_key = k;
    *fn = cc_lua_event_sink;
    *ud = k;
    return 0;
}
%}

%{
/* Takes the slot created while reading the options of the call in progress (NULL when
 * none): the object the call made adopts it, a call nested in it must not see it. */
static void *cc_lua_take_new_sink(void)
{
    void *k = cc_lua_new_sink_key;
    cc_lua_new_sink_key = NULL;
    return k;
}

/* The object just made (its userdata registered) adopts slot k (cc_lua_take_new_sink). */
static void cc_lua_adopt_sink(lua_State *L, void *k, const void *object)
{
    if (k && object) cc_lua_slot_adopt(L, k, object);
}

/* Releases the slot read from the options of a call that made no object (its cc_x_new
 * failed, or the options were refused after the sink was read): nothing will adopt it,
 * and the key left set would be adopted by the next object made. */
static void cc_lua_drop_new_sink(lua_State *L)
{
    void *k = cc_lua_new_sink_key;
    cc_lua_new_sink_key = NULL;
    if (k) cc_lua_slot_release(L, k);
}
%}

%{
static int cc_lua_is_table_or_nil(lua_State *L, int idx)
{
    return lua_istable(L, idx) || lua_isnil(L, idx);
}
%}

%define %cc_config_in(TYPE, FILL)
%typemap(in, checkfn="cc_lua_is_table_or_nil") const TYPE *CONFIG_IN (TYPE tmp, cc_sw_arena arena = {{0}, 0}, void *outer_sink = NULL, int took_outer = 0) {
    cc_sw_obj m = {L, lua_absindex(L, $input)};
    /* a call made while an outer one waits to adopt its sink (from a finalizer that ran
     * when the outer call allocated) must neither adopt nor drop the outer one's */
    outer_sink = cc_lua_take_new_sink();
    took_outer = 1;
    if (lua_isnil(L, $input)) {
        $1 = NULL;
    } else if (FILL(m, &tmp, &arena) != 0) {
        cc_sw_arena_free(&arena);
        cc_lua_conv_pending = 0;
        lua_pushstring(L, cc_lua_conv_error);
        SWIG_fail;
    } else {
        $1 = &tmp;
    }
}
%typemap(freearg) const TYPE *CONFIG_IN {
    cc_sw_arena_free(&arena$argnum);
    cc_lua_drop_new_sink(L); /* adopted already when the call made its object */
    if (took_outer$argnum) cc_lua_new_sink_key = outer_sink$argnum;
}
%enddef

%define %cc_result_out(TYPE, INIT, PUT)
%typemap(in, numinputs=0) TYPE *RESULT_OUT (TYPE tmp = INIT) {
    $1 = &tmp;
}
%typemap(argout) TYPE *RESULT_OUT {
    lua_newtable(L);
    PUT(L, $1);
    SWIG_arg++;
}
%enddef

%typemap(in, numinputs=0) cc_sw_names *NAMES_OUT (cc_sw_names tmp = {NULL, 0, 0, 0}) {
    $1 = &tmp;
}
%typemap(argout) cc_sw_names *NAMES_OUT {
    lua_createtable(L, (int)$1->n, 0);
    for (size_t i = 0; i < $1->n; i++) {
        lua_pushstring(L, $1->items[i]);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
    cc_sw_names_free($1);
    SWIG_arg++;
}
/* A call failed after the names were collected (an error raised by a callback): freed
 * here, as argout did not run. Freeing twice is a no-op. */
%typemap(freearg) cc_sw_names *NAMES_OUT {
    cc_sw_names_free($1);
}

%typemap(in, numinputs=0) (void **OUT_BYTES, size_t *OUT_BYTES_LEN) (void *buf = NULL, size_t len = 0) {
    $1 = &buf;
    $2 = &len;
}
%typemap(argout) (void **OUT_BYTES, size_t *OUT_BYTES_LEN) {
    lua_pushlstring(L, (const char *)*$1, *$2);
    cc_free(*$1);
    *$1 = NULL; /* consumed */
    SWIG_arg++;
}
%typemap(freearg) (void **OUT_BYTES, size_t *OUT_BYTES_LEN) {
    cc_free(buf$argnum); /* what a call that failed after making it left */
}
%typemap(in, checkfn="lua_isstring") (const void *BYTES_IN, size_t BYTES_IN_LEN) {
    size_t len = 0;
    $1 = (void *)lua_tolstring(L, $input, &len);
    $2 = len;
}

/* Interval arrays from a sequence table of numbers (nil = empty). */
%typemap(in) (const double *ARRAY_IN, size_t ARRAY_IN_LEN) (double *copy = NULL) {
    $1 = NULL;
    $2 = 0;
    if (!lua_isnil(L, $input)) {
        if (!lua_istable(L, $input)) {
            lua_pushfstring(L, "expected a table of numbers, got %s", luaL_typename(L, $input));
            SWIG_fail;
        }
        size_t n = (size_t)lua_rawlen(L, $input);
        copy = (double *)malloc((n ? n : 1) * sizeof(double));
        if (!copy) { lua_pushstring(L, "CC_ENOMEM: out of memory"); SWIG_fail; }
        for (size_t i = 0; i < n; i++) {
            int ok = 0;
            lua_rawgeti(L, $input, (lua_Integer)(i + 1));
            copy[i] = (double)lua_tonumberx(L, -1, &ok);
            lua_pop(L, 1);
            if (!ok) {
                free(copy);
                copy = NULL;
                lua_pushfstring(L, "item %d is not a number", (int)(i + 1));
                SWIG_fail;
            }
        }
        $1 = copy;
        $2 = n;
    }
}
%typemap(freearg) (const double *ARRAY_IN, size_t ARRAY_IN_LEN) {
    free(copy$argnum);
}

%{
static void cc_sw_put_column_i(cc_sw_out L, const char *key, const void *rows, size_t n, size_t stride, size_t offset)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        int v;
        memcpy(&v, (const char *)rows + i * stride + offset, sizeof v);
        lua_pushinteger(L, v);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
    lua_setfield(L, -2, key);
}
static void cc_sw_put_column_f(cc_sw_out L, const char *key, const void *rows, size_t n, size_t stride, size_t offset)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        double v;
        memcpy(&v, (const char *)rows + i * stride + offset, sizeof v);
        lua_pushnumber(L, v);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
    lua_setfield(L, -2, key);
}
%}

/* The "on_contact" key of KPI options: a Lua function held like an event
 * sink (a slot the new cc_kpi adopts). */
%{
struct cc_kpi_contact;
static void cc_sw_put_kpi_contact(cc_sw_out d, const struct cc_kpi_contact *c);

static void cc_lua_contact_fn(const struct cc_kpi_contact *c, void *user_data)
{
    lua_State *L = cc_lua_current;
    if (!L) return;
    if (cc_lua_slot_push(L, user_data) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return;
    }
    lua_newtable(L);
    cc_sw_put_kpi_contact(L, c);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) cc_lua_set_pending(L);
}

static int cc_sw_get_contact_fn(cc_sw_obj m, const char *key,
                                void (**fn)(const struct cc_kpi_contact *, void *), void **ud)
{
    cc_event_fn unused_fn = NULL;
    if (cc_sw_get_event_sink(m, key, &unused_fn, ud) != 0) return -1;
    if (unused_fn) *fn = cc_lua_contact_fn;
    return 0;
}
%}
