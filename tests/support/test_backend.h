/*
 * tests/support/test_backend.h - a minimal in-memory media backend for tests.
 *
 * Records every call the engine makes (counts, and the last contact/agent per
 * call kind) and can be told to fail offers or dials. Bind it with
 *     cc_engine_bind_backend(engine, CC_CHANNEL_VOICE, &test_backend, NULL);
 * and read the state back with cc_engine_backend_state(engine, channel).
 */
#ifndef CC_TEST_BACKEND_H
#define CC_TEST_BACKEND_H

#include "callcore/sys/backend.h"

typedef enum test_backend_call {
    TB_OFFER,
    TB_WITHDRAW,
    TB_BRIDGE,
    TB_ANNOUNCE,
    TB_DIAL,
    TB_HANGUP,
    TB_SUPERVISE,
    TB__COUNT
} test_backend_call;

typedef struct test_backend_state {
    cc_engine *engine;
    cc_channel channel;
    int closed;
    int calls[TB__COUNT];
    uint64_t last_contact[TB__COUNT];
    char last_agent[TB__COUNT][64];
    int32_t last_position;
    int64_t last_ewt_ms;
    int32_t last_attempt;
    char last_hangup_reason[32];
    int reentry_status; /* status of an engine call tried from inside offer() */
    int try_reentry;    /* 1: offer() calls cc_engine_agent_ready() to prove EBUSY */
    int fail_offer;     /* 1: offer() returns CC_EIO */
    int fail_dial;      /* 1: dial() returns CC_EIO */
} test_backend_state;

extern const cc_backend test_backend;

#endif
