/*
 * lib/runtime/wire_args.c - named arguments of a wire call (see wire_args.h).
 */
#include "wire_args.h"

#include "base/error.h"

#include <math.h>
#include <string.h>

cc_status cc__args_bind(cc__args *a, const char *method, const msgpack_object *params,
                        msgpack_zone *zone)
{
    a->method = method;
    a->map = NULL;
    a->zone = zone;
    a->lenient = 0;
    if (params->type != MSGPACK_OBJECT_ARRAY)
        return cc__fail(CC_EINVAL, "%s: params must be an array", method);
    uint32_t n = params->via.array.size;
    if (n == 0) return CC_OK;
    const msgpack_object *p = &params->via.array.ptr[0];
    if (n == 1 && p->type == MSGPACK_OBJECT_NIL) return CC_OK;
    if (n == 1 && p->type == MSGPACK_OBJECT_MAP) {
        a->map = &p->via.map;
        return CC_OK;
    }
    return cc__fail(CC_EINVAL, "%s: params must be [] or [{name: value, ...}]", method);
}

static int cc__key_is(const msgpack_object *k, const char *key, size_t klen)
{
    return k->type == MSGPACK_OBJECT_STR && k->via.str.size == klen &&
           memcmp(k->via.str.ptr, key, klen) == 0;
}

const msgpack_object *cc__args_get(const cc__args *a, const char *key)
{
    if (!a->map) return NULL;
    size_t klen = strlen(key);
    for (uint32_t i = 0; i < a->map->size; i++) {
        const msgpack_object_kv *kv = &a->map->ptr[i];
        if (cc__key_is(&kv->key, key, klen))
            return kv->val.type == MSGPACK_OBJECT_NIL ? NULL : &kv->val;
    }
    return NULL;
}

/* Every name is known and given once: a repeated name is refused rather than
 * one of its values used (which one would be a guess the client never sees).
 * O(n k) for n names and k known ones: a seen-mask over the known list, so a
 * hostile map of many repeated names costs no more than it does to read. */
cc_status cc__args_only(const cc__args *a, const char *const *known)
{
    if (!a->map) return CC_OK;
    uint64_t seen = 0;
    for (uint32_t i = 0; i < a->map->size; i++) {
        const msgpack_object *k = &a->map->ptr[i].key;
        if (k->type != MSGPACK_OBJECT_STR)
            return cc__fail(CC_EINVAL, "%s: argument names must be strings", a->method);
        int found = -1;
        for (int j = 0; known[j] && found < 0; j++)
            if (cc__key_is(k, known[j], strlen(known[j]))) found = j;
        int len = k->via.str.size > 64 ? 64 : (int)k->via.str.size;
        if (found < 0)
            return cc__fail(CC_EINVAL, "%s: unknown argument '%.*s'", a->method, len,
                            k->via.str.ptr);
        uint64_t bit = found < 64 ? 1ull << found : 0;
        if ((seen & bit) && !a->lenient)
            return cc__fail(CC_EINVAL, "%s: argument '%.*s' given twice", a->method, len,
                            k->via.str.ptr);
        seen |= bit;
    }
    return CC_OK;
}

static cc_status cc__missing(const cc__args *a, const char *key)
{
    return cc__fail(CC_EINVAL, "%s: missing argument '%s'", a->method, key);
}

cc_status cc__args_strdup(const cc__args *a, const char *key, const msgpack_object *o,
                          const char **out)
{
    if (o->type != MSGPACK_OBJECT_STR)
        return cc__fail(CC_EINVAL, "%s: '%s' must be a string", a->method, key);
    size_t n = o->via.str.size;
    if (n && memchr(o->via.str.ptr, '\0', n))
        return cc__fail(CC_EINVAL, "%s: '%s' contains a NUL byte", a->method, key);
    char *s = msgpack_zone_malloc(a->zone, n + 1);
    if (!s) return cc__fail(CC_ENOMEM, "%s: out of memory", a->method);
    if (n) memcpy(s, o->via.str.ptr, n);
    s[n] = '\0';
    *out = s;
    return CC_OK;
}

cc_status cc__args_str(const cc__args *a, const char *key, int required, const char *def,
                       const char **out)
{
    const msgpack_object *o = cc__args_get(a, key);
    if (!o) {
        if (required) return cc__missing(a, key);
        *out = def;
        return CC_OK;
    }
    return cc__args_strdup(a, key, o, out);
}

cc_status cc__args_int(const cc__args *a, const char *key, int required, int64_t def, int64_t *out)
{
    const msgpack_object *o = cc__args_get(a, key);
    if (!o) {
        if (required) return cc__missing(a, key);
        *out = def;
        return CC_OK;
    }
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *out = o->via.i64;
        return CC_OK;
    }
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX) {
        *out = (int64_t)o->via.u64;
        return CC_OK;
    }
    return cc__fail(CC_EINVAL, "%s: '%s' must be an integer in the int64 range", a->method, key);
}

cc_status cc__args_uint(const cc__args *a, const char *key, int required, uint64_t def,
                        uint64_t *out)
{
    const msgpack_object *o = cc__args_get(a, key);
    if (!o) {
        if (required) return cc__missing(a, key);
        *out = def;
        return CC_OK;
    }
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return cc__fail(CC_EINVAL, "%s: '%s' must be a non-negative integer", a->method, key);
    *out = o->via.u64;
    return CC_OK;
}

static int cc__number(const msgpack_object *o, double *out)
{
    switch (o->type) {
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        *out = (double)o->via.u64;
        return 1;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        *out = (double)o->via.i64;
        return 1;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        *out = o->via.f64;
        return 1;
    default:
        return 0;
    }
}

cc_status cc__args_double(const cc__args *a, const char *key, int required, double def, double *out)
{
    const msgpack_object *o = cc__args_get(a, key);
    if (!o) {
        if (required) return cc__missing(a, key);
        *out = def;
        return CC_OK;
    }
    if (!cc__number(o, out) || !isfinite(*out))
        return cc__fail(CC_EINVAL, "%s: '%s' must be a finite number", a->method, key);
    return CC_OK;
}

cc_status cc__args_bool(const cc__args *a, const char *key, int required, int def, int *out)
{
    const msgpack_object *o = cc__args_get(a, key);
    if (!o) {
        if (required) return cc__missing(a, key);
        *out = def;
        return CC_OK;
    }
    if (o->type != MSGPACK_OBJECT_BOOLEAN)
        return cc__fail(CC_EINVAL, "%s: '%s' must be true or false", a->method, key);
    *out = o->via.boolean ? 1 : 0;
    return CC_OK;
}

cc_status cc__args_str_list(const cc__args *a, const char *key, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const msgpack_object *o = cc__args_get(a, key);
    if (!o) return CC_OK;
    if (o->type != MSGPACK_OBJECT_ARRAY)
        return cc__fail(CC_EINVAL, "%s: '%s' must be an array of strings", a->method, key);
    uint32_t cnt = o->via.array.size;
    const char **v = msgpack_zone_malloc(a->zone, (cnt ? cnt : 1) * sizeof *v);
    if (!v) return cc__fail(CC_ENOMEM, "%s: out of memory", a->method);
    for (uint32_t i = 0; i < cnt; i++) {
        cc_status st = cc__args_strdup(a, key, &o->via.array.ptr[i], &v[i]);
        if (st) return st;
    }
    *out = v;
    *n = cnt;
    return CC_OK;
}

cc_status cc__args_double_list(const cc__args *a, const char *key, int required, double **out,
                               size_t *n)
{
    *out = NULL;
    *n = 0;
    const msgpack_object *o = cc__args_get(a, key);
    if (!o) return required ? cc__missing(a, key) : CC_OK;
    if (o->type != MSGPACK_OBJECT_ARRAY)
        return cc__fail(CC_EINVAL, "%s: '%s' must be an array of numbers", a->method, key);
    uint32_t cnt = o->via.array.size;
    double *v = msgpack_zone_malloc(a->zone, (cnt ? cnt : 1) * sizeof *v);
    if (!v) return cc__fail(CC_ENOMEM, "%s: out of memory", a->method);
    for (uint32_t i = 0; i < cnt; i++)
        if (!cc__number(&o->via.array.ptr[i], &v[i]) || !isfinite(v[i]))
            return cc__fail(CC_EINVAL, "%s: '%s'[%u] must be a finite number", a->method, key, i);
    *out = v;
    *n = cnt;
    return CC_OK;
}
