/*
 * lib/runtime/wire_codec.c - msgpack-RPC envelopes (see wire_codec.h).
 */
#include "wire_codec.h"

#include "base/error.h"
#include "base/mem.h"

#include <stdint.h>
#include <string.h>

void cc__wbuf_free(cc__wbuf *b)
{
    cc__free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

int cc__wbuf_append(cc__wbuf *b, const void *p, size_t n)
{
    if (b->failed) return -1;
    if (n == 0) return 0; /* nothing to copy (and data may still be NULL) */
    if (n > SIZE_MAX - b->len || cc__grow((void **)&b->data, &b->cap, b->len + n, 1) != 0) {
        b->failed = 1;
        return -1;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int cc__wbuf_write(void *data, const char *buf, size_t len)
{
    return cc__wbuf_append(data, buf, len);
}

static int cc__is_uint32(const msgpack_object *o)
{
    return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= UINT32_MAX;
}

cc_status cc__rpc_decode(const msgpack_object *root, cc__rpc_msg *m)
{
    memset(m, 0, sizeof *m);
    m->type = -1;
    if (root->type != MSGPACK_OBJECT_ARRAY)
        return cc__fail(CC_EPARSE, "message must be an array, got msgpack type %d",
                        (int)root->type);
    const msgpack_object *e = root->via.array.ptr;
    uint32_t n = root->via.array.size;
    if (n < 3 || n > 4) return cc__fail(CC_EPARSE, "message must have 3 or 4 elements, got %u", n);
    if (e[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER || e[0].via.u64 > 2)
        return cc__fail(CC_EPARSE, "message type must be 0, 1 or 2");
    m->type = (int)e[0].via.u64;
    if (m->type == CC__RPC_REQUEST || m->type == CC__RPC_RESPONSE) {
        if (n != 4) return cc__fail(CC_EPARSE, "a request or response has 4 elements, got %u", n);
        if (!cc__is_uint32(&e[1]))
            return cc__fail(CC_EPARSE, "msgid must be an unsigned 32-bit integer");
        m->msgid = (uint32_t)e[1].via.u64;
        m->has_msgid = 1;
        if (m->type == CC__RPC_RESPONSE) {
            m->error = &e[2];
            m->result = &e[3];
            return CC_OK;
        }
        e++;
    } else if (n != 3) {
        return cc__fail(CC_EPARSE, "a notification has 3 elements, got %u", n);
    }
    if (e[1].type != MSGPACK_OBJECT_STR) return cc__fail(CC_EPARSE, "method must be a string");
    if (e[2].type != MSGPACK_OBJECT_ARRAY) return cc__fail(CC_EPARSE, "params must be an array");
    m->method = e[1].via.str.ptr;
    m->method_len = e[1].via.str.size;
    m->params = &e[2];
    return CC_OK;
}

void cc__pack_key(msgpack_packer *pk, const char *key)
{
    cc__pack_cstr(pk, key);
}

void cc__pack_error(msgpack_packer *pk, cc_status status, const char *message)
{
    msgpack_pack_map(pk, 3);
    cc__pack_key(pk, "code");
    msgpack_pack_int(pk, (int)status);
    cc__pack_key(pk, "name");
    cc__pack_cstr(pk, cc_status_name(status));
    cc__pack_key(pk, "message");
    cc__pack_cstr(pk, message && *message ? message : cc_strerror(status));
}

void cc__pack_error_response(msgpack_packer *pk, uint32_t msgid, cc_status status,
                             const char *message)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_uint8(pk, CC__RPC_RESPONSE);
    msgpack_pack_uint32(pk, msgid);
    cc__pack_error(pk, status, message);
    msgpack_pack_nil(pk);
}

void cc__pack_response_head(msgpack_packer *pk, uint32_t msgid)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_uint8(pk, CC__RPC_RESPONSE);
    msgpack_pack_uint32(pk, msgid);
    msgpack_pack_nil(pk);
}

void cc__pack_notify_head(msgpack_packer *pk, const char *method)
{
    msgpack_pack_array(pk, 3);
    msgpack_pack_uint8(pk, CC__RPC_NOTIFY);
    cc__pack_cstr(pk, method);
    msgpack_pack_array(pk, 1);
}
