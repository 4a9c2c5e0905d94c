/*
 * tests/unit/engine_snapshot.h - "this call changed nothing": an engine's state taken
 * through cc_engine_snapshot and compared byte for byte with a later one.
 * Uses cmocka: include <cmocka.h> before this header.
 */
#ifndef CC_TEST_ENGINE_SNAPSHOT_H
#define CC_TEST_ENGINE_SNAPSHOT_H

#include "callcore/callcore.h"

#include <stddef.h>

/* One snapshot; the caller frees buf with cc_free. */
typedef struct snap {
    void *buf;
    size_t len;
} snap;

static inline snap take(cc_engine *e)
{
    snap s;
    assert_int_equal(cc_engine_snapshot(e, &s.buf, &s.len), CC_OK);
    return s;
}

/* Fails the test unless e's state is byte for byte the one `before` holds. */
static inline void same_snapshot(cc_engine *e, const snap *before)
{
    snap after = take(e);
    assert_int_equal(after.len, before->len);
    assert_memory_equal(after.buf, before->buf, after.len);
    cc_free(after.buf);
}

#endif
