/*
 * bindings/swig/lua/slots.i - where the Lua values the C library calls back live (event
 * functions, KPI on_contact functions, backend tables), so that the garbage collector
 * frees an object together with the callbacks that refer to it.
 *
 * The C library hands a callback nothing but an address (its user_data). Each Lua value
 * it may call is held by a *slot*: a small userdata whose address is that user_data,
 * whose user value is the Lua value, and whose block names the C object that owns it.
 *  - A slot with an owner is anchored in the owner's *side table*, the user value of the
 *    owner's userdata (objects.i). Nothing in the registry refers to it, so an engine
 *    whose event function or backend closes over the engine forms a cycle that only the
 *    engine's userdata roots, and the collector frees the whole cycle.
 *  - A slot without an owner (a function passed for the duration of one call, or an event
 *    function read from options before the object it belongs to exists) is anchored in
 *    the registry's loose table until it is adopted or released.
 * A callback finds the owner's userdata from its C pointer through a registry table with
 * weak values (address -> userdata), which does not keep the object alive. The collector
 * empties a weak value before it runs the object's finalizer; the finalizer (objects.i)
 * registers the userdata again for the duration of the free, so that backend close()
 * methods still find their tables.
 *
 * Cost: a callback's lookup is three table reads (weak table, side table, slot), O(1).
 */
%{
/* The block of a slot userdata. */
typedef struct cc_lua_slot {
    const void *owner; /* the C object whose side table anchors the slot, or NULL: loose */
} cc_lua_slot;

static const char cc_lua_objects_key = 'o'; /* C pointer -> object userdata (weak values) */
static const char cc_lua_loose_key = 'l';   /* slot address -> slot userdata */

/* Pushes the registry table stored under `key`, made on first use (with __mode `mode`
 * when not NULL). */
static void cc_lua_registry_table(lua_State *L, const char *key, const char *mode)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_newtable(L);
    if (mode) {
        lua_createtable(L, 0, 1);
        lua_pushstring(L, mode);
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
    }
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

/* Records the object userdata at idx as the Lua side of the C object `ptr`. */
static void cc_lua_object_register(lua_State *L, int idx, const void *ptr)
{
    idx = lua_absindex(L, idx);
    cc_lua_registry_table(L, &cc_lua_objects_key, "v");
    lua_pushvalue(L, idx);
    lua_rawsetp(L, -2, ptr);
    lua_pop(L, 1);
}

/* The C object `ptr` was freed: forgets its userdata (at idx) and drops its side table,
 * and with it every slot it anchored. */
static void cc_lua_object_unregister(lua_State *L, int idx, const void *ptr)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    lua_setiuservalue(L, idx, 1);
    cc_lua_registry_table(L, &cc_lua_objects_key, "v");
    lua_pushnil(L);
    lua_rawsetp(L, -2, ptr);
    lua_pop(L, 1);
}

/* Pushes the side table of the C object `ptr`, made when `create` is set, and returns 1;
 * or pushes nil and returns 0 (no userdata for ptr, or no table and !create). */
static int cc_lua_side_table(lua_State *L, const void *ptr, int create)
{
    cc_lua_registry_table(L, &cc_lua_objects_key, "v");
    int type = lua_rawgetp(L, -1, ptr);
    lua_remove(L, -2);
    if (type != LUA_TUSERDATA) {
        lua_pop(L, 1);
        lua_pushnil(L);
        return 0;
    }
    if (lua_getiuservalue(L, -1, 1) != LUA_TTABLE && create) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, -3, 1);
    }
    lua_remove(L, -2); /* the userdata */
    return lua_istable(L, -1);
}

/* Pushes the table that anchors slot k (its owner's side table, or the loose table) and
 * returns 1; or pushes nil and returns 0 (the owner has no userdata). */
static int cc_lua_slot_home(lua_State *L, const cc_lua_slot *k, int create)
{
    if (k->owner) return cc_lua_side_table(L, k->owner, create);
    cc_lua_registry_table(L, &cc_lua_loose_key, NULL);
    return 1;
}

/* A new loose slot holding the value at idx; returns its address, the user_data to hand
 * the C library. */
static void *cc_lua_slot_new(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    cc_lua_slot *k = (cc_lua_slot *)lua_newuserdatauv(L, sizeof *k, 1);
    k->owner = NULL;
    lua_pushvalue(L, idx);
    lua_setiuservalue(L, -2, 1);
    cc_lua_registry_table(L, &cc_lua_loose_key, NULL);
    lua_insert(L, -2);
    lua_rawsetp(L, -2, k); /* loose[k] = slot */
    lua_pop(L, 1);
    return k;
}

/* Moves slot k from where it is anchored into the side table of `owner`, whose userdata
 * must be registered; when it is not, k stays where it was. */
static void cc_lua_slot_adopt(lua_State *L, void *slot, const void *owner)
{
    cc_lua_slot *k = (cc_lua_slot *)slot;
    const void *was = k->owner;
    if (was == owner) return;
    if (!cc_lua_slot_home(L, k, 0)) { /* nil */
        lua_pop(L, 1);
        return;
    }
    if (lua_rawgetp(L, -1, k) != LUA_TUSERDATA) { /* old home, nil */
        lua_pop(L, 2);
        return;
    }
    k->owner = owner;
    if (!cc_lua_slot_home(L, k, 1)) { /* old home, slot, nil */
        k->owner = was;
        lua_pop(L, 3);
        return;
    }
    lua_insert(L, -2);     /* old home, side table, slot */
    lua_rawsetp(L, -2, k); /* side[k] = slot */
    lua_pop(L, 1);
    lua_pushnil(L);
    lua_rawsetp(L, -2, k); /* old home[k] = nil */
    lua_pop(L, 1);
}

/* Releases slot k (its value can be collected once nothing else refers to it). */
static void cc_lua_slot_release(lua_State *L, void *slot)
{
    cc_lua_slot *k = (cc_lua_slot *)slot;
    if (cc_lua_slot_home(L, k, 0)) {
        lua_pushnil(L);
        lua_rawsetp(L, -2, k);
    }
    lua_pop(L, 1);
}

/* Pushes the value held by slot k (nil when released) and returns its Lua type. */
static int cc_lua_slot_push(lua_State *L, void *slot)
{
    cc_lua_slot *k = (cc_lua_slot *)slot;
    if (!cc_lua_slot_home(L, k, 0)) return LUA_TNIL; /* nil pushed */
    if (lua_rawgetp(L, -1, k) != LUA_TUSERDATA) {
        lua_pop(L, 2);
        lua_pushnil(L);
        return LUA_TNIL;
    }
    lua_getiuservalue(L, -1, 1); /* home, slot, value */
    lua_replace(L, -3);
    lua_pop(L, 1);
    return lua_type(L, -1);
}
%}
