/*
 * bindings/swig/lua/objects.i - the lifetime of the C objects a script owns (engines,
 * KPI aggregators, importers, forecasters, scenarios).
 *
 * Each object is a full userdata (cc_lua_object: SWIG's swig_lua_userdata, then a count of
 * the calls using it) with a metatable per type, "callcore.<type>". The rules
 * (docs/bindings.md):
 *   - cc_x_free(obj) frees it and empties the userdata (ptr = NULL): any later call with
 *     it raises "CC_ECLOSED: ..."; freeing it again does nothing, as free(NULL) in C.
 *   - a call that takes an object counts it in use for its duration; freeing it from a
 *     callback of such a call (an event sink, a backend method, on_contact, an importer's
 *     function) raises "CC_EBUSY: ..." and leaves it alive: it would be freed under the
 *     C code that is running the callback.
 *   - the garbage collector frees what the script never freed (__gc), also when the
 *     object's own callbacks refer to it: they live in the object's side table, its
 *     userdata's user value (slots.i), not in the registry.
 * Only userdata with the type's metatable are accepted, so a freed pointer, a light
 * userdata or another object cannot reach the library.
 */
%{
/* What the module needs to know about one owned type. */
typedef struct cc_lua_kind {
    const char *name;            /* "cc_engine" */
    const char *metatable;       /* "callcore.cc_engine" */
    void (*free_fn)(void *self); /* cc_engine_free */
} cc_lua_kind;

/* The userdata of an object: SWIG's layout first, so that SWIG's own conversions still
 * read it, then how many wrapped calls in progress use the object. */
typedef struct cc_lua_object {
    swig_lua_userdata swig; /* .ptr NULL once freed */
    int in_use;
} cc_lua_object;

/* The object userdata of `kind` at idx, or NULL when the value is something else. */
static cc_lua_object *cc_lua_object_at(lua_State *L, int idx, const cc_lua_kind *kind)
{
    return (cc_lua_object *)luaL_testudata(L, idx, kind->metatable);
}

/* Whether a wrapped call in progress uses `obj`. Outside any wrapped call none can: a
 * count left there is from a call a Lua error unwound before it returned (out of memory
 * while building a result), and is dropped. */
static int cc_lua_in_use(cc_lua_object *obj)
{
    if (!cc_lua_current) obj->in_use = 0;
    return obj->in_use > 0;
}

/* Frees the object of `obj` (the userdata at idx, not freed yet) with L as the calling
 * state, so that backend close() methods run on it, and empties the userdata. Its side
 * table goes after the free: close() methods find their backends there. */
static void cc_lua_object_release(lua_State *L, int idx, cc_lua_object *obj,
                                  const cc_lua_kind *kind)
{
    void *ptr = obj->swig.ptr;
    lua_State *saved = cc_lua_current;
    obj->swig.ptr = NULL; /* first: a callback of the free sees it freed */
    cc_lua_current = L;
    kind->free_fn(ptr);
    cc_lua_current = saved;
    cc_lua_object_unregister(L, idx, ptr);
}

/* __gc: frees what the script never freed. An object in use by a call is on that call's
 * stack, so it is never collected. The collector has already emptied the object's weak
 * entry (slots.i), so it is registered again for the free. An error a backend's close()
 * raises has no call to be raised by: it is dropped, and a pending error of the call the
 * collection ran in (if any) is kept for it. */
static int cc_lua_object_gc(lua_State *L)
{
    const cc_lua_kind *kind = (const cc_lua_kind *)lua_touserdata(L, lua_upvalueindex(1));
    cc_lua_object *obj = cc_lua_object_at(L, 1, kind);
    if (!obj || !obj->swig.ptr) return 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &cc_lua_pending_key); /* the caller's pending error */
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &cc_lua_pending_key);
    cc_lua_object_register(L, 1, obj->swig.ptr);
    cc_lua_object_release(L, 1, obj, kind);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &cc_lua_pending_key); /* back as it was */
    return 0;
}

static int cc_lua_object_tostring(lua_State *L)
{
    const cc_lua_kind *kind = (const cc_lua_kind *)lua_touserdata(L, lua_upvalueindex(1));
    cc_lua_object *obj = cc_lua_object_at(L, 1, kind);
    if (obj && obj->swig.ptr) lua_pushfstring(L, "%s: %p", kind->name, obj->swig.ptr);
    else lua_pushfstring(L, "%s: freed", kind->name);
    return 1;
}

/* Pushes the metatable of `kind`, made on first use. */
static void cc_lua_kind_metatable(lua_State *L, const cc_lua_kind *kind)
{
    if (!luaL_newmetatable(L, kind->metatable)) return; /* made already */
    lua_pushlightuserdata(L, (void *)kind);
    lua_pushcclosure(L, cc_lua_object_gc, 1);
    lua_setfield(L, -2, "__gc");
    lua_pushlightuserdata(L, (void *)kind);
    lua_pushcclosure(L, cc_lua_object_tostring, 1);
    lua_setfield(L, -2, "__tostring");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable"); /* scripts cannot swap it for another type's */
}

/* Pushes a new object owning `ptr` (nil for NULL), with room for its side table. */
static void cc_lua_push_object(lua_State *L, void *ptr, swig_type_info *type,
                               const cc_lua_kind *kind)
{
    if (!ptr) {
        lua_pushnil(L);
        return;
    }
    cc_lua_object *obj = (cc_lua_object *)lua_newuserdatauv(L, sizeof *obj, 1);
    obj->swig.type = type;
    obj->swig.own = 1;
    obj->swig.ptr = ptr;
    obj->in_use = 0;
    cc_lua_kind_metatable(L, kind);
    lua_setmetatable(L, -2);
    cc_lua_object_register(L, -1, ptr);
}

/* The object argument at idx for a call of `fn`: *out is its pointer (NULL for nil, which
 * the library refuses itself) and *in_use the object, counted in use until
 * cc_lua_object_done. Returns 0, or -1 with the error message pushed: not a `kind`
 * object, or freed. */
static int cc_lua_object_in(lua_State *L, int idx, const cc_lua_kind *kind, const char *fn,
                            void **out, cc_lua_object **in_use)
{
    *out = NULL;
    *in_use = NULL;
    if (lua_isnil(L, idx)) return 0;
    cc_lua_object *obj = cc_lua_object_at(L, idx, kind);
    if (!obj) {
        lua_pushfstring(L, "%s: expected a %s, got %s", fn, kind->name, luaL_typename(L, idx));
        return -1;
    }
    if (!obj->swig.ptr) {
        lua_pushfstring(L, "%s: %s: the %s was freed", cc_status_name(CC_ECLOSED), fn, kind->name);
        return -1;
    }
    cc_lua_in_use(obj); /* drops a count left by an unwound call */
    /* The collector empties the weak entry of an object waiting for its finalizer, and a
     * call can still reach it then (another finalizer, a weak-keyed table): its
     * callbacks find it again for the call (slots.i). */
    cc_lua_object_register(L, idx, obj->swig.ptr);
    obj->in_use++;
    *out = obj->swig.ptr;
    *in_use = obj;
    return 0;
}

/* The call that counted `obj` in use (cc_lua_object_in) has returned. The userdata is
 * still alive: it is an argument of that call. */
static void cc_lua_object_done(cc_lua_object *obj)
{
    if (obj && obj->in_use > 0) obj->in_use--;
}

/* The body of cc_x_free(obj): nil or a freed object is a no-op; an object in use by a
 * call in progress is refused (CC_EBUSY); else it is freed and emptied. An error a
 * backend's close() raised is raised here. */
static int cc_lua_object_free(lua_State *L, const cc_lua_kind *kind, const char *fn)
{
    luaL_checkany(L, 1);
    if (lua_isnil(L, 1)) return 0;
    cc_lua_object *obj = cc_lua_object_at(L, 1, kind);
    if (!obj) {
        lua_pushfstring(L, "%s: expected a %s, got %s", fn, kind->name, luaL_typename(L, 1));
        return lua_error(L);
    }
    if (!obj->swig.ptr) return 0;
    if (cc_lua_in_use(obj)) {
        lua_pushfstring(L, "%s: %s: the %s is in use by a call in progress (free it once that "
                        "call has returned, not from its callbacks)",
                        cc_status_name(CC_EBUSY), fn, kind->name);
        return lua_error(L);
    }
    cc_lua_object_register(L, 1, obj->swig.ptr); /* as in cc_lua_object_in */
    int outer = cc_lua_pending_aside(L);
    cc_lua_object_release(L, 1, obj, kind);
    if (cc_lua_pending_back(L, outer)) return lua_error(L);
    return 0;
}
%}

/* TYPE is owned by the script and freed by FREE (void FREE(TYPE *)): `TYPE **out`
 * parameters return a new object, TYPE * arguments are checked and counted in use for the
 * call, and FREE is the checked free above. */
%define %cc_owned_object(TYPE, FREE)
%{
static void cc_lua_free_##TYPE(void *self) { FREE((TYPE *)self); }
static const cc_lua_kind cc_lua_kind_##TYPE = {#TYPE, "callcore." #TYPE, cc_lua_free_##TYPE};
static int cc_lua_native_##FREE(lua_State *L) { return cc_lua_object_free(L, &cc_lua_kind_##TYPE, #FREE); }
%}
%typemap(in, numinputs=0) TYPE **OUT (TYPE *tmp = NULL) {
    $1 = &tmp;
}
%typemap(argout) TYPE **OUT {
    void *sink = cc_lua_take_new_sink(); /* first: pushing may run finalizers that make objects */
    cc_lua_push_object(L, *$1, $*1_descriptor, &cc_lua_kind_##TYPE);
    cc_lua_adopt_sink(L, sink, *$1); /* once its userdata is registered */
    *$1 = NULL; /* owned by the userdata */
    SWIG_arg++;
}
/* A call that made its object and then failed (an error a callback raised) frees it. */
%typemap(freearg) TYPE **OUT {
    if (*$1) FREE(*$1);
}
%typemap(in) TYPE * (cc_lua_object *in_use = NULL), const TYPE * (cc_lua_object *in_use = NULL) {
    if (cc_lua_object_in(L, $input, &cc_lua_kind_##TYPE, "$symname", (void **)&$1, &in_use) != 0)
        SWIG_fail;
}
%typemap(freearg) TYPE *, const TYPE * {
    cc_lua_object_done(in_use$argnum);
}
%ignore FREE(TYPE *); /* the C function; the native below takes its name */
%native(FREE) int cc_lua_native_##FREE(lua_State *L);
%enddef
