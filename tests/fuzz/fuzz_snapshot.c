/*
 * tests/fuzz/fuzz_snapshot.c - libFuzzer harness for cc_engine_restore(): the
 * input is a snapshot blob (the runtime's journal stores them). A blob is
 * either refused (CC_EPARSE / CC_EVERSION, engine left empty and usable) or
 * restored into an engine that passes the full consistency check, survives
 * timers and inputs, and snapshots back to a blob that restores again.
 */
#include "callcore/alloc.h"
#include "core/engine_internal.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int first_agent(const char *name, void *ud)
{
    *(const char **)ud = name;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_engine *e;
    if (cc_engine_new(&e, NULL) != CC_OK) return 0;
    char msg[256];
    cc_status st = cc_engine_restore(e, data, size);
    if (st != CC_OK) {
        if (st != CC_EPARSE && st != CC_EVERSION && st != CC_ENOMEM) abort();
        /* refused: still empty and usable */
        cc_queue_config q = CC_QUEUE_CONFIG_INIT;
        q.name = "q";
        if (cc_engine_queue_add(e, &q) != CC_OK) abort();
        cc_engine_free(e);
        return 0;
    }
    if (cc__engine_check(e, msg, sizeof msg) != 0) abort();
    int64_t now = cc_engine_now(e);
    if (now < 0) now = 0;
    const char *agent = NULL;
    cc_engine_foreach_agent(e, first_agent, &agent);
    if (agent) {
        (void)cc_engine_agent_login(e, agent, now);
        (void)cc_engine_agent_ready(e, agent, now);
    }
    int64_t next = cc_engine_next_deadline(e);
    if (next != CC_NO_DEADLINE && next >= now && next - now < 100000000)
        (void)cc_engine_advance(e, next);
    if (cc__engine_check(e, msg, sizeof msg) != 0) abort();
    void *buf;
    size_t len;
    if (cc_engine_snapshot(e, &buf, &len) == CC_OK) {
        cc_engine *f;
        if (cc_engine_new(&f, NULL) == CC_OK) {
            if (cc_engine_restore(f, buf, len) != CC_OK) abort();
            cc_engine_free(f);
        }
        cc_free(buf);
    }
    cc_engine_free(e);
    return 0;
}
