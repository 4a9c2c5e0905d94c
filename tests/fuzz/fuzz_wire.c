/*
 * tests/fuzz/fuzz_wire.c - libFuzzer harness for the wire decoder and the
 * dispatcher: the input is what one client sends on a connection. Every frame
 * goes through the same scan, decode, auth and method code as from a socket
 * (cc__server_feed), against one long-lived runtime and engine, so state
 * built by earlier inputs (queues, agents, contacts) is exercised too.
 *
 * The first byte picks the connection's options: bit 0 requires a token
 * ("fuzz"), bit 1 lowers the message limit to 256 bytes. The same bytes also
 * check the resumable scan against the whole-buffer one (check_scan_resume).
 */
#include "runtime/runtime_impl.h"

#include <stdint.h>
#include <stdlib.h>

static uv_loop_t loop;
static cc_runtime *rt;

static void setup(void)
{
    if (rt) return;
    if (uv_loop_init(&loop) != 0) abort();
    if (cc_runtime_new(&rt, &loop, NULL, NULL) != CC_OK) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The resumable scan (a message arriving in pieces, cc__wire_scan_resume) agrees with
 * the scan of the whole bytes: the same result and frame length however the bytes are
 * cut. The cut sizes (1 to 17 bytes) are drawn from the input itself. */
static void check_scan_resume(const uint8_t *data, size_t size, size_t max)
{
    size_t whole_len = 0, len = 0, have = 0, k = 0;
    cc__scan_result whole = cc__wire_scan(data, size, max, &whole_len);
    cc__scan_state st = {0};
    cc__scan_result r = CC__SCAN_MORE;
    while (r == CC__SCAN_MORE && have < size) {
        size_t piece = 1 + (size_t)data[k++ % size] % 17;
        have = piece < size - have ? have + piece : size;
        r = cc__wire_scan_resume(&st, data, have, max, &len);
    }
    if (r != whole || (r == CC__SCAN_COMPLETE && len != whole_len)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size == 0) return 0;
    cc_server_options o = CC_SERVER_OPTIONS_INIT;
    if (data[0] & 1) o.token = "fuzz";
    if (data[0] & 2) o.max_message_bytes = 256;
    o.max_pending_bytes = 64 * 1024;
    cc__wbuf out = {0};
    check_scan_resume(data + 1, size - 1, o.max_message_bytes ? o.max_message_bytes : 1u << 20);
    cc__server_feed(rt->server, data + 1, size - 1, &o, &out);
    /* Every response is itself well-formed msgpack. */
    size_t off = 0;
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    while (off < out.len) {
        msgpack_object obj;
        msgpack_unpack_return ur = msgpack_unpack(out.data, out.len, &off, &z, &obj);
        if (ur != MSGPACK_UNPACK_SUCCESS && ur != MSGPACK_UNPACK_EXTRA_BYTES) abort();
        msgpack_zone_clear(&z);
    }
    msgpack_zone_destroy(&z);
    cc__wbuf_free(&out);
    return 0;
}
