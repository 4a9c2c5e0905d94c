/*
 * lib/runtime/wire_codec.h - internal: msgpack-RPC envelopes.
 *
 * Spec (github.com/msgpack-rpc/msgpack-rpc/blob/master/spec.md):
 *   request      [0, msgid, method, params]
 *   response     [1, msgid, error, result]
 *   notification [2, method, params]
 * msgid is a 32-bit unsigned integer, method a string, params an array.
 * libcallcore methods take named arguments: params is [] or [{name: value...}].
 *
 * Output goes to a cc__wbuf, one growable byte buffer (amortised O(1) per
 * byte, cc__grow), through msgpack-c's packer.
 */
#ifndef CC_RUNTIME_WIRE_CODEC_H
#define CC_RUNTIME_WIRE_CODEC_H

#include "callcore/status.h"

#include "kpi/journal_event.h"

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

enum { CC__RPC_REQUEST = 0, CC__RPC_RESPONSE = 1, CC__RPC_NOTIFY = 2 };

/* An output byte buffer. `failed` is sticky: an allocation failed and the
 * content is incomplete (the connection is then closed). */
typedef struct cc__wbuf {
    char *data;
    size_t len, cap;
    int failed;
} cc__wbuf;

void cc__wbuf_free(cc__wbuf *b);
int cc__wbuf_append(cc__wbuf *b, const void *p, size_t n);
/* msgpack_packer write callback appending to the cc__wbuf in `data`. */
int cc__wbuf_write(void *data, const char *buf, size_t len);

/* A decoded envelope: borrowed pointers into the msgpack object tree. */
typedef struct cc__rpc_msg {
    int type;           /* CC__RPC_REQUEST / CC__RPC_NOTIFY / CC__RPC_RESPONSE */
    uint32_t msgid;     /* requests and responses */
    int has_msgid;      /* a msgid could be read, even if the rest is malformed */
    const char *method; /* not NUL-terminated */
    size_t method_len;
    const msgpack_object *params; /* array (requests, notifications) */
    const msgpack_object *error;  /* responses */
    const msgpack_object *result; /* responses */
} cc__rpc_msg;

/*
 * Reads the envelope of `root`. Returns CC_OK or CC_EPARSE with a detail
 * message; m->has_msgid says whether an error response can name the request.
 */
cc_status cc__rpc_decode(const msgpack_object *root, cc__rpc_msg *m);

/* Packs a string given as a C string: cc__pack_cstr (NULL -> nil) lives with
 * the journal's event codec in lib/kpi/journal_event.h, below this room. */
void cc__pack_key(msgpack_packer *pk, const char *key);

/* Packs the error object {"code": status, "name": "CC_X", "message": text}. */
void cc__pack_error(msgpack_packer *pk, cc_status status, const char *message);

/* Packs [1, msgid, error-object, nil]. */
void cc__pack_error_response(msgpack_packer *pk, uint32_t msgid, cc_status status,
                             const char *message);

/* Packs the head of a response [1, msgid, nil, ... : the caller packs the result. */
void cc__pack_response_head(msgpack_packer *pk, uint32_t msgid);

/* Packs the head of a notification [2, method, [ ... : the caller packs one
 * params element (the notification's argument map). */
void cc__pack_notify_head(msgpack_packer *pk, const char *method);

#endif
