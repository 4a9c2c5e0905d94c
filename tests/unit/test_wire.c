/*
 * tests/unit/test_wire.c - msgpack-RPC framing, envelopes and named arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runtime/wire_args.h"
#include "runtime/wire_codec.h"
#include "runtime/wire_frame.h"

#include <string.h>

static size_t pack_request(cc__wbuf *b, uint32_t id, const char *method, int with_args)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, b, cc__wbuf_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_uint8(&pk, 0);
    msgpack_pack_uint32(&pk, id);
    cc__pack_cstr(&pk, method);
    msgpack_pack_array(&pk, with_args ? 1 : 0);
    if (with_args) {
        msgpack_pack_map(&pk, 2);
        cc__pack_key(&pk, "queue");
        cc__pack_cstr(&pk, "sales");
        cc__pack_key(&pk, "priority");
        msgpack_pack_int(&pk, -3);
    }
    return b->len;
}

static void scan_finds_each_pipelined_frame(void **state)
{
    (void)state;
    cc__wbuf b = {0};
    size_t one = pack_request(&b, 1, "contact.create", 1);
    pack_request(&b, 2, "ping", 0);
    size_t len = 0;
    assert_int_equal(cc__wire_scan((unsigned char *)b.data, b.len, 1 << 20, &len),
                     CC__SCAN_COMPLETE);
    assert_int_equal(len, one);
    /* Every strict prefix of the first frame asks for more bytes. */
    for (size_t cut = 0; cut < one; cut++)
        assert_int_equal(cc__wire_scan((unsigned char *)b.data, cut, 1 << 20, &len), CC__SCAN_MORE);
    assert_int_equal(cc__wire_scan((unsigned char *)b.data + one, b.len - one, 1 << 20, &len),
                     CC__SCAN_COMPLETE);
    assert_int_equal(one + len, b.len);
    cc__wbuf_free(&b);
}

static void scan_refuses_bad_and_oversized_input(void **state)
{
    (void)state;
    size_t len;
    const unsigned char never_used[] = {0xc1};
    assert_int_equal(cc__wire_scan(never_used, 1, 100, &len), CC__SCAN_BAD);
    /* array32 claiming 4 billion elements: refused from its 5 header bytes,
     * long before anything would be allocated for it. */
    const unsigned char huge[] = {0xdd, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(cc__wire_scan(huge, sizeof huge, 1 << 20, &len), CC__SCAN_TOO_BIG);
    const unsigned char bigstr[] = {0xdb, 0x00, 0x10, 0x00, 0x01};
    assert_int_equal(cc__wire_scan(bigstr, sizeof bigstr, 1 << 20, &len), CC__SCAN_TOO_BIG);
    /* 17 nested arrays exceed the depth limit of 16. */
    unsigned char deep[18];
    memset(deep, 0x91, 17);
    deep[17] = 0x01;
    assert_int_equal(cc__wire_scan(deep, sizeof deep, 100, &len), CC__SCAN_BAD);
    assert_int_equal(cc__wire_scan(deep + 1, sizeof deep - 1, 100, &len), CC__SCAN_COMPLETE);
    assert_int_equal(len, 17);
}

/* A message arriving in pieces is walked once: the scan resumes where the
 * previous piece ended instead of starting the message again (the server used
 * to rescan from the first byte at every read, O(n^2) in a trickled message),
 * and reaches the same verdict as a scan of the whole bytes at every cut. */
static void scan_resumes_a_message_arriving_in_pieces(void **state)
{
    (void)state;
    /* [0, 1, "ping", [{"echo": [0, 0, ... 3000 times], "s": "xxx...(300)"}]] */
    cc__wbuf b = {0};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &b, cc__wbuf_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_uint8(&pk, 0);
    msgpack_pack_uint32(&pk, 1);
    cc__pack_cstr(&pk, "ping");
    msgpack_pack_array(&pk, 1);
    msgpack_pack_map(&pk, 2);
    cc__pack_key(&pk, "echo");
    msgpack_pack_array(&pk, 3000);
    for (int i = 0; i < 3000; i++)
        msgpack_pack_uint8(&pk, 0);
    cc__pack_key(&pk, "s");
    char text[301];
    memset(text, 'x', 300);
    text[300] = '\0';
    cc__pack_cstr(&pk, text);
    size_t whole = b.len;
    const unsigned char *d = (const unsigned char *)b.data;
    for (size_t piece = 1; piece <= 64; piece *= 4) {
        cc__scan_state st = {0};
        size_t len = 0, got = 0;
        cc__scan_result r = CC__SCAN_MORE;
        while (r == CC__SCAN_MORE) {
            got = got + piece < whole ? got + piece : whole;
            size_t walked = st.active ? st.pos : 0;
            r = cc__wire_scan_resume(&st, d, got, 1 << 20, &len);
            if (r == CC__SCAN_MORE) {
                /* Progress is kept: never behind what the last call had walked,
                 * and at most one header plus its payload short of the bytes. */
                assert_true(st.active);
                assert_true(st.pos >= walked);
                assert_true(st.pos <= got);
                assert_true(got - st.pos <= 5 + 300);
            }
        }
        assert_int_equal(r, CC__SCAN_COMPLETE);
        assert_int_equal(len, whole);
        assert_false(st.active); /* the next call starts the next message */
    }
    /* Resumed scans agree with whole scans on limits too. */
    for (size_t max = 1; max < 64; max++) {
        cc__scan_state st = {0};
        size_t l1 = 0, l2 = 0;
        cc__scan_result r = CC__SCAN_MORE;
        for (size_t got = 1; got <= whole && r == CC__SCAN_MORE; got++)
            r = cc__wire_scan_resume(&st, d, got, max, &l1);
        assert_int_equal(r, cc__wire_scan(d, whole, max, &l2));
    }
    cc__wbuf_free(&b);
}

static cc_status decode_bytes(const cc__wbuf *b, msgpack_zone *z, cc__rpc_msg *m)
{
    msgpack_object o;
    size_t off = 0;
    msgpack_zone_clear(z);
    assert_int_equal(msgpack_unpack(b->data, b->len, &off, z, &o), MSGPACK_UNPACK_SUCCESS);
    static msgpack_object keep;
    keep = o;
    return cc__rpc_decode(&keep, m);
}

static void decode_reads_spec_envelopes(void **state)
{
    (void)state;
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    cc__wbuf b = {0};
    pack_request(&b, 77, "contact.create", 1);
    cc__rpc_msg m;
    assert_int_equal(decode_bytes(&b, &z, &m), CC_OK);
    assert_int_equal(m.type, CC__RPC_REQUEST);
    assert_int_equal(m.msgid, 77);
    assert_int_equal(m.method_len, strlen("contact.create"));
    assert_memory_equal(m.method, "contact.create", m.method_len);

    cc__args a;
    assert_int_equal(cc__args_bind(&a, "contact.create", m.params, &z), CC_OK);
    const char *q;
    int64_t prio;
    assert_int_equal(cc__args_str(&a, "queue", 1, NULL, &q), CC_OK);
    assert_string_equal(q, "sales");
    assert_int_equal(cc__args_int(&a, "priority", 1, 0, &prio), CC_OK);
    assert_int_equal(prio, -3);
    static const char *const known[] = {"queue", NULL};
    assert_int_equal(cc__args_only(&a, known), CC_EINVAL);
    assert_string_equal(cc_error_last(), "contact.create: unknown argument 'priority'");
    uint64_t u;
    assert_int_equal(cc__args_uint(&a, "priority", 1, 0, &u), CC_EINVAL);
    assert_int_equal(cc__args_str(&a, "missing", 1, NULL, &q), CC_EINVAL);
    assert_string_equal(cc_error_last(), "contact.create: missing argument 'missing'");

    /* A notification [2, method, params]. */
    b.len = 0;
    msgpack_packer pk;
    msgpack_packer_init(&pk, &b, cc__wbuf_write);
    msgpack_pack_array(&pk, 3);
    msgpack_pack_uint8(&pk, 2);
    cc__pack_cstr(&pk, "ping");
    msgpack_pack_array(&pk, 0);
    assert_int_equal(decode_bytes(&b, &z, &m), CC_OK);
    assert_int_equal(m.type, CC__RPC_NOTIFY);

    /* Wrong shapes: a msgid is still recovered when it can be. */
    b.len = 0;
    msgpack_pack_array(&pk, 4);
    msgpack_pack_uint8(&pk, 0);
    msgpack_pack_uint32(&pk, 9);
    msgpack_pack_int(&pk, 5); /* method not a string */
    msgpack_pack_array(&pk, 0);
    assert_int_equal(decode_bytes(&b, &z, &m), CC_EPARSE);
    assert_true(m.has_msgid);
    assert_int_equal(m.msgid, 9);
    b.len = 0;
    msgpack_pack_map(&pk, 0);
    assert_int_equal(decode_bytes(&b, &z, &m), CC_EPARSE);
    assert_false(m.has_msgid);
    b.len = 0;
    msgpack_pack_array(&pk, 4);
    msgpack_pack_uint8(&pk, 0);
    msgpack_pack_int64(&pk, -1); /* msgid must be uint32 */
    cc__pack_cstr(&pk, "ping");
    msgpack_pack_array(&pk, 0);
    assert_int_equal(decode_bytes(&b, &z, &m), CC_EPARSE);
    cc__wbuf_free(&b);
    msgpack_zone_destroy(&z);
}

static void error_response_names_the_status(void **state)
{
    (void)state;
    cc__wbuf b = {0};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &b, cc__wbuf_write);
    cc__pack_error_response(&pk, 5, CC_ENOTFOUND, "unknown method 'x'");
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    msgpack_object o;
    size_t off = 0;
    assert_int_equal(msgpack_unpack(b.data, b.len, &off, &z, &o), MSGPACK_UNPACK_SUCCESS);
    assert_int_equal(o.via.array.size, 4);
    assert_int_equal(o.via.array.ptr[0].via.u64, 1);
    assert_int_equal(o.via.array.ptr[1].via.u64, 5);
    const msgpack_object *err = &o.via.array.ptr[2];
    assert_int_equal(err->type, MSGPACK_OBJECT_MAP);
    assert_int_equal(err->via.map.ptr[0].val.via.i64, CC_ENOTFOUND);
    assert_int_equal(o.via.array.ptr[3].type, MSGPACK_OBJECT_NIL);
    msgpack_zone_destroy(&z);
    cc__wbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scan_finds_each_pipelined_frame),
        cmocka_unit_test(scan_refuses_bad_and_oversized_input),
        cmocka_unit_test(scan_resumes_a_message_arriving_in_pieces),
        cmocka_unit_test(decode_reads_spec_envelopes),
        cmocka_unit_test(error_response_names_the_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
