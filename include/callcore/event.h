/*
 * callcore/event.h - the typed events of libcallcore.
 *
 * Everything that happens is an event (DESIGN.md). The routing engine emits one
 * cc_event per state change through its event sink; log importers produce the
 * same events from Asterisk queue_log, CSV call records or the journal. The KPI
 * engine, the journal and the bindings consume events and nothing else.
 *
 * Ownership: a cc_event handed to a callback is borrowed for the duration of
 * that callback, and so are the strings it points to. Copy what you keep.
 *
 * Fields that do not apply to an event type are 0 / NULL. The table below says
 * which fields each type sets beyond `type`, `time_ms` and `seq`, which all
 * events set. Besides, every CONTACT_* and CALLBACK_* event the routing engine
 * emits carries the contact's channel, current priority and virtual_start_ms
 * (log importers may leave them 0), and a CALLBACK_SCHEDULED after a failed
 * dial carries in `value` the attempts made so far.
 *
 *  type                 fields set
 *  -------------------  ----------------------------------------------------------
 *  CONTACT_ARRIVED      contact_id, customer_id, channel, queue, priority, reason
 *  CONTACT_QUEUED       contact_id, channel, queue, priority, virtual_start_ms
 *                       (emitted on every (re-)entry in a queue's waiting set)
 *  CONTACT_OFFERED      contact_id, channel, queue, agent, wait_ms
 *  CONTACT_ACCEPTED     contact_id, channel, queue, agent, wait_ms
 *  CONTACT_REJECTED     contact_id, channel, queue, agent
 *  CONTACT_RING_TIMEOUT contact_id, channel, queue, agent, duration_ms (ring time)
 *  CONTACT_WITHDRAWN    contact_id, channel, queue, agent (offer taken back:
 *                       ring-all loser, cancel while ringing, backend lost)
 *  CONTACT_CONNECTED    contact_id, channel, queue, agent, wait_ms (queue wait of
 *                       this answer, from virtual_start_ms; the "answered" event)
 *  CONTACT_HELD         contact_id, channel, queue, agent
 *  CONTACT_RESUMED      contact_id, channel, queue, agent, duration_ms (hold time)
 *  CONTACT_TRANSFERRED  contact_id, channel, queue, agent, target_queue or
 *                       target_agent, flags (CC_EVENT_F_CONSULT)
 *  CONTACT_ENDED        contact_id, customer_id, channel, queue, agent,
 *                       duration_ms (talk time of this leg, hold included),
 *                       hold_ms, reason (disposition, may be NULL)      TERMINAL
 *  CONTACT_ABANDONED    contact_id, customer_id, channel, queue, wait_ms  TERMINAL
 *  CONTACT_OVERFLOWED   contact_id, channel, queue (from), target_queue (to), wait_ms
 *  CONTACT_BLOCKED      contact_id, customer_id, channel, queue, reason   TERMINAL
 *  CONTACT_LEFT         contact_id, customer_id, channel, queue, wait_ms,
 *                       reason ("max-wait", "empty", "cancelled", "callback-failed")
 *                                                                        TERMINAL
 *  CALLBACK_SCHEDULED   contact_id, customer_id, queue, virtual_start_ms, wait_ms
 *  CALLBACK_DIALED      contact_id, customer_id, queue, agent, value (attempt no.)
 *  AGENT_LOGIN          agent, channel (CC_CHANNEL_NONE)
 *  AGENT_LOGOUT         agent, duration_ms (logged-in time)
 *  AGENT_STATE          agent, agent_state, prev_agent_state, duration_ms (time in
 *                       the previous state), reason (not-ready reason code text)
 *  AGENT_WRAPUP_START   contact_id, channel, queue, agent
 *  AGENT_WRAPUP_END     contact_id, channel, queue, agent, duration_ms (wrap time)
 *  QUEUE_MEMBER_ADDED   queue, agent
 *  QUEUE_MEMBER_REMOVED queue, agent
 *  SURVEY               contact_id, customer_id, queue, agent, survey, value
 *  DISPOSITION          contact_id, customer_id, queue, agent, reason (contact
 *                       reason / wrap-up code)
 *  CONTACT_ESCALATED    contact_id, channel, queue, priority (now in force),
 *                       value (escalation step, 1-based), target_queue (queue
 *                       added by the step, or NULL), wait_ms (in this queue)
 *
 * Every contact receives exactly one TERMINAL event. A contact's "answer" for
 * service-level purposes is its first CONTACT_CONNECTED in a queue.
 */
#ifndef CALLCORE_EVENT_H
#define CALLCORE_EVENT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Event types. Append-only: the numeric values are stored in journals. */
#define CC_EVENT_TYPE_LIST(X)                                                  \
    X(CC_EVENT_NONE, 0, "none")                                                \
    X(CC_EVENT_CONTACT_ARRIVED, 1, "contact.arrived")                          \
    X(CC_EVENT_CONTACT_QUEUED, 2, "contact.queued")                            \
    X(CC_EVENT_CONTACT_OFFERED, 3, "contact.offered")                          \
    X(CC_EVENT_CONTACT_ACCEPTED, 4, "contact.accepted")                        \
    X(CC_EVENT_CONTACT_REJECTED, 5, "contact.rejected")                        \
    X(CC_EVENT_CONTACT_RING_TIMEOUT, 6, "contact.ring_timeout")                \
    X(CC_EVENT_CONTACT_WITHDRAWN, 7, "contact.withdrawn")                      \
    X(CC_EVENT_CONTACT_CONNECTED, 8, "contact.connected")                      \
    X(CC_EVENT_CONTACT_HELD, 9, "contact.held")                                \
    X(CC_EVENT_CONTACT_RESUMED, 10, "contact.resumed")                         \
    X(CC_EVENT_CONTACT_TRANSFERRED, 11, "contact.transferred")                 \
    X(CC_EVENT_CONTACT_ENDED, 12, "contact.ended")                             \
    X(CC_EVENT_CONTACT_ABANDONED, 13, "contact.abandoned")                     \
    X(CC_EVENT_CONTACT_OVERFLOWED, 14, "contact.overflowed")                   \
    X(CC_EVENT_CONTACT_BLOCKED, 15, "contact.blocked")                         \
    X(CC_EVENT_CONTACT_LEFT, 16, "contact.left")                               \
    X(CC_EVENT_CALLBACK_SCHEDULED, 17, "callback.scheduled")                   \
    X(CC_EVENT_CALLBACK_DIALED, 18, "callback.dialed")                         \
    X(CC_EVENT_AGENT_LOGIN, 19, "agent.login")                                 \
    X(CC_EVENT_AGENT_LOGOUT, 20, "agent.logout")                               \
    X(CC_EVENT_AGENT_STATE, 21, "agent.state")                                 \
    X(CC_EVENT_AGENT_WRAPUP_START, 22, "agent.wrapup_start")                   \
    X(CC_EVENT_AGENT_WRAPUP_END, 23, "agent.wrapup_end")                       \
    X(CC_EVENT_QUEUE_MEMBER_ADDED, 24, "queue.member_added")                   \
    X(CC_EVENT_QUEUE_MEMBER_REMOVED, 25, "queue.member_removed")               \
    X(CC_EVENT_SURVEY, 26, "survey")                                           \
    X(CC_EVENT_DISPOSITION, 27, "disposition")                                \
    X(CC_EVENT_CONTACT_ESCALATED, 28, "contact.escalated")

typedef enum cc_event_type {
#define CC__EVENT_ENUM(name, value, text) name = value,
    CC_EVENT_TYPE_LIST(CC__EVENT_ENUM)
#undef CC__EVENT_ENUM
    CC_EVENT__COUNT
} cc_event_type;

/* Channels. Append-only. */
#define CC_CHANNEL_LIST(X)                                                     \
    X(CC_CHANNEL_NONE, 0, "none")                                              \
    X(CC_CHANNEL_VOICE, 1, "voice")                                            \
    X(CC_CHANNEL_CALLBACK, 2, "callback")                                      \
    X(CC_CHANNEL_CHAT, 3, "chat")                                              \
    X(CC_CHANNEL_EMAIL, 4, "email")                                            \
    X(CC_CHANNEL_SMS, 5, "sms")                                                \
    X(CC_CHANNEL_SOCIAL, 6, "social")                                          \
    X(CC_CHANNEL_VIDEO, 7, "video")

typedef enum cc_channel {
#define CC__CHANNEL_ENUM(name, value, text) name = value,
    CC_CHANNEL_LIST(CC__CHANNEL_ENUM)
#undef CC__CHANNEL_ENUM
    CC_CHANNEL__COUNT
} cc_channel;

/* Agent states. Append-only. */
#define CC_AGENT_STATE_LIST(X)                                                 \
    X(CC_AGENT_LOGGED_OUT, 0, "logged_out")                                    \
    X(CC_AGENT_READY, 1, "ready")                                              \
    X(CC_AGENT_RESERVED, 2, "reserved")                                        \
    X(CC_AGENT_BUSY, 3, "busy")                                                \
    X(CC_AGENT_WRAPUP, 4, "wrapup")                                            \
    X(CC_AGENT_NOT_READY, 5, "not_ready")

typedef enum cc_agent_state {
#define CC__AGENT_STATE_ENUM(name, value, text) name = value,
    CC_AGENT_STATE_LIST(CC__AGENT_STATE_ENUM)
#undef CC__AGENT_STATE_ENUM
    CC_AGENT_STATE__COUNT
} cc_agent_state;

/* Survey kinds for CC_EVENT_SURVEY (value ranges in KPI.md). */
typedef enum cc_survey_kind {
    CC_SURVEY_NONE = 0,
    CC_SURVEY_CSAT = 1, /* 1..5 */
    CC_SURVEY_NPS = 2,  /* 0..10 */
    CC_SURVEY_CES = 3   /* 1..7 */
} cc_survey_kind;

/* cc_event.flags bits. */
#define CC_EVENT_F_CONSULT 0x1u  /* transfer was a consult (attended) transfer */
#define CC_EVENT_F_IMPORTED 0x2u /* produced by a log importer, not an engine */

typedef struct cc_event {
    cc_event_type type;
    uint32_t flags;
    int64_t time_ms;     /* when it happened (engine time, ms) */
    uint64_t seq;        /* per-source sequence number, strictly increasing */
    uint64_t contact_id; /* 0 when not about a contact */
    uint64_t customer_id;
    const char *queue;        /* borrowed; NULL when none */
    const char *agent;        /* borrowed; NULL when none */
    const char *target_queue; /* transfer / overflow target; borrowed */
    const char *target_agent; /* transfer target; borrowed */
    const char *reason;       /* not-ready reason, disposition, contact reason */
    cc_channel channel;
    int32_t priority;
    cc_agent_state agent_state;
    cc_agent_state prev_agent_state;
    cc_survey_kind survey;
    int32_t reserved0;
    int64_t virtual_start_ms; /* when the customer first asked for help */
    int64_t wait_ms;          /* queue wait (see table) */
    int64_t duration_ms;      /* type-specific duration (see table) */
    int64_t hold_ms;          /* CONTACT_ENDED: total hold time of the leg */
    double value;             /* survey score; callback attempt number */
} cc_event;

/* Returns the stable dotted name of an event type ("contact.offered"), or
 * "unknown". Static storage. */
const char *cc_event_type_name(int type);

/* Returns the name of a channel ("voice"), or "unknown". */
const char *cc_channel_name(int channel);

/* Parses a channel name; returns CC_CHANNEL_NONE for an unknown name. */
cc_channel cc_channel_from_name(const char *name);

/* Returns the name of an agent state ("ready"), or "unknown". */
const char *cc_agent_state_name(int state);

/* Returns 1 if `type` ends a contact (exactly one such event per contact). */
int cc_event_is_terminal(int type);

/*
 * Event sink: receives each event, borrowed for the duration of the call.
 * Called on the thread that drives the event source.
 */
typedef void (*cc_event_fn)(const cc_event *event, void *user_data);

#ifdef __cplusplus
}
#endif
#endif
