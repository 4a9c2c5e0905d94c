/*
 * callcore/engine.h - the routing engine: queues, agents, contacts, routing.
 *
 * The engine is PURE and DETERMINISTIC (DESIGN.md): no I/O, no clock, no
 * threads. Every call that may change state takes `now_ms` (milliseconds, any
 * epoch, never decreasing across calls: a smaller value than the engine's
 * time, cc_engine_now(), is refused with CC_EINVAL (cc_engine_supervise()
 * checks its now_ms but does not adopt it); within +-CC_TIME_LIMIT_MS, and so is every duration
 * and virtual start in a config). Timers (ring timeout, wrap-up, max wait, escalation,
 * callback retry, last-agent preference) live in a deadline heap that the
 * caller drives with cc_engine_next_deadline() / cc_engine_advance(); input
 * functions never fire timers themselves, so call cc_engine_advance(now_ms)
 * before an input whenever a deadline has passed. The same
 * inputs give the same events, bit for bit (random strategies use a PRNG seeded
 * from cc_engine_options.seed).
 *
 * Identifiers
 *   - Queues and agents are named by the caller: non-empty strings of at most
 *     CC_NAME_MAX bytes, unique per engine (copied by the engine).
 *   - Skills are named by strings too (same limits); the engine interns them.
 *   - Contacts carry a caller-chosen uint64_t id, non-zero, unique among the
 *     contacts the engine currently holds. An id is free again once its
 *     contact got its terminal event (the agent's wrap-up that follows does
 *     not hold it: it belongs to the agent).
 *   - Events carry queue/agent names as borrowed strings (callcore/event.h).
 *
 * Errors: every function returning cc_status sets the detail message
 * (cc_error_last()) on failure, and a failed call leaves the engine exactly
 * as it was (no event emitted, no backend called), CC_ENOMEM included.
 *
 * Threads: an engine is loop-affine. All functions on one engine must be called
 * from one thread at a time; different engines are independent. The event sink
 * and the backends are called synchronously from inside the input functions.
 * Calling an engine input function from inside the event sink or a backend call
 * is refused with CC_EBUSY (report asynchronously instead).
 *
 * Routing (how a decision is made and what it costs) is described in
 * docs/routing.md. In short: per (queue, channel, skill profile) a heap of
 * waiting contacts keyed (priority desc, virtual start asc, arrival order) and
 * an index of available eligible agents keyed by the queue's strategy; no
 * decision scans all agents or all contacts.
 */
#ifndef CALLCORE_ENGINE_H
#define CALLCORE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "callcore/event.h"
#include "callcore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest queue, agent, skill or reason name, in bytes (NUL excluded). */
#define CC_NAME_MAX 255
/* Skill levels (agent proficiency and required minimum) are 1..CC_SKILL_LEVEL_MAX. */
#define CC_SKILL_LEVEL_MAX 10

/* A membership's weighted-random weight lies in [CC_MEMBER_WEIGHT_MIN,
 * CC_MEMBER_WEIGHT_MAX] (0 means 1.0): the race draws clock + Exp(1) / weight,
 * and a weight near zero would push keys and the race clock to infinity. */
#define CC_MEMBER_WEIGHT_MIN 1e-6
#define CC_MEMBER_WEIGHT_MAX 1e6
/* The time domain: every now_ms and virtual_start_ms lies in
 * [-CC_TIME_LIMIT_MS, CC_TIME_LIMIT_MS] and every configured duration in
 * [0, CC_TIME_LIMIT_MS] (2^48 ms, about 8,900 years either side of the epoch);
 * anything outside is refused with CC_EINVAL (a deadline, a time plus a
 * duration, may lie beyond the limit: it never fires). Why a limit: the engine
 * subtracts and adds times and sums talk time over up to thousands of
 * concurrent legs, and inside this domain none of that can overflow int64. */
#define CC_TIME_LIMIT_MS 281474976710656LL /* 2^48; a literal so bindings see it */
/* "No deadline" for cc_engine_next_deadline(). */
#define CC_NO_DEADLINE INT64_MAX

typedef struct cc_engine cc_engine;     /* opaque */
typedef struct cc_backend cc_backend;   /* callcore/sys/backend.h */

/* ---- strategies and policies (append-only enums) ------------------------ */

/* How a queue picks among its available eligible agents. */
#define CC_STRATEGY_LIST(X)                                                    \
    X(CC_STRATEGY_LONGEST_IDLE, 0, "longest-idle")                             \
    X(CC_STRATEGY_ROUND_ROBIN, 1, "round-robin")                               \
    X(CC_STRATEGY_FEWEST_CONTACTS, 2, "fewest-contacts")                       \
    X(CC_STRATEGY_LEAST_TALK_TIME, 3, "least-talk-time")                       \
    X(CC_STRATEGY_LINEAR, 4, "linear")                                         \
    X(CC_STRATEGY_RANDOM, 5, "random")                                         \
    X(CC_STRATEGY_WEIGHTED_RANDOM, 6, "weighted-random")                       \
    X(CC_STRATEGY_RING_ALL, 7, "ring-all")                                     \
    X(CC_STRATEGY_BEST_SKILL, 8, "best-skill")                                 \
    X(CC_STRATEGY_LEAST_SKILLED, 9, "least-skilled-first")
/*
 *  longest-idle       the agent free for the longest time (idle since the end
 *                     of their last contact / wrap-up, or since ready)
 *  round-robin        with memory: the agent offered least recently (never
 *                     offered first, in agent creation order), so the
 *                     rotation continues where it left off
 *  fewest-contacts    fewest contacts answered since login, then longest idle
 *  least-talk-time    least talk time since login, then longest idle
 *  linear             top-down by (tier, penalty, then the order the agents
 *                     were added to the engine)
 *  random             uniform among available eligible agents
 *  weighted-random    probability proportional to the membership weight
 *  ring-all           offer to every available eligible agent at once; the
 *                     first accept wins, the other offers are withdrawn
 *  best-skill         highest sum of levels over the contact's required
 *                     skills, then longest idle
 *  least-skilled-first fewest skills overall, then longest idle (keeps
 *                     generalists free)
 * Ties always break on a total order (agent creation order), so decisions are
 * deterministic.
 */
typedef enum cc_strategy {
#define CC__STRATEGY_ENUM(name, value, text) name = value,
    CC_STRATEGY_LIST(CC__STRATEGY_ENUM)
#undef CC__STRATEGY_ENUM
    CC_STRATEGY__COUNT
} cc_strategy;

/* Returns the name of a strategy ("longest-idle"), or "unknown". Static. */
const char *cc_strategy_name(int strategy);
/* Parses a strategy name into *out; CC_EINVAL (with detail) for an unknown name. */
cc_status cc_strategy_from_name(const char *name, cc_strategy *out);

/* What happens to a contact that waited max_wait_ms in a queue. */
typedef enum cc_max_wait_action {
    CC_MAX_WAIT_LEAVE = 0,    /* CONTACT_LEFT, reason "max-wait" (terminal) */
    CC_MAX_WAIT_OVERFLOW = 1, /* CONTACT_OVERFLOWED to overflow_queue, keeping
                                 the virtual start; if that queue does not
                                 exist (any more) or refuses it: LEFT "max-wait" */
    CC_MAX_WAIT_CALLBACK = 2  /* converted to a callback (CALLBACK_SCHEDULED) */
} cc_max_wait_action;

/* Whether a contact may join a queue that nobody staffs. "Staffed" = members
 * logged in and not not-ready (ready, reserved, busy or in wrap-up). */
typedef enum cc_join_policy {
    CC_JOIN_ALWAYS = 0,    /* join whatever the staffing */
    CC_JOIN_IF_STAFFED = 1 /* else CONTACT_BLOCKED, reason "empty" */
} cc_join_policy;

/* What an agent becomes after a ring-no-answer (RONA) or a reject. */
typedef enum cc_agent_after {
    CC_AFTER_NOT_READY = 0, /* not-ready with the policy's reason (an agent
                               who asked for not-ready while it rang keeps
                               its own reason) */
    CC_AFTER_READY = 1,     /* stays available (idle time restarts) */
    CC_AFTER_LOGOUT = 2     /* logged out (only when holding no contact;
                               otherwise not-ready) */
} cc_agent_after;

/*
 * How an agent who becomes available chooses among the waiting contacts of
 * their queues (each queue's own order is always priority, then virtual start):
 *   CC_SELECT_PRIORITY_THEN_WAIT (default): highest priority first; among equal
 *     priorities the largest (now - virtual_start) * queue weight; then the
 *     queue listed first in the agent's memberships (lower tier first).
 *   CC_SELECT_WAIT_ONLY: the largest (now - virtual_start) * queue weight,
 *     priority only breaks ties.
 *   CC_SELECT_TIER_ORDER: the agent's memberships in (tier, penalty) order:
 *     the first queue with an eligible waiting contact wins.
 */
typedef enum cc_select_policy {
    CC_SELECT_PRIORITY_THEN_WAIT = 0,
    CC_SELECT_WAIT_ONLY = 1,
    CC_SELECT_TIER_ORDER = 2
} cc_select_policy;

/* ---- engine ------------------------------------------------------------- */

typedef struct cc_engine_options {
    uint32_t version;           /* CC_ENGINE_OPTIONS_VERSION */
    cc_event_fn event_fn;       /* event sink, may be NULL (events dropped) */
    void *event_user_data;      /* passed to event_fn, borrowed */
    uint64_t seed;              /* PRNG seed for random strategies (0 is valid) */
    cc_select_policy select;    /* see cc_select_policy */
    cc_agent_after rona_after;  /* after a ring-no-answer; default NOT_READY */
    const char *rona_reason;    /* not-ready reason; NULL = "no-answer"; copied */
    cc_agent_after reject_after; /* after a reject (see the note below) */
    const char *reject_reason;  /* NULL = "rejected"; copied */
    int64_t last_agent_window_ms; /* how long after a contact ends the customer's
                                     agent counts as "last agent"; 0 = 24 h */
} cc_engine_options;
/* Note on reject_after: rejects are routine in chat/email routing, so
 * CC_ENGINE_OPTIONS_INIT sets it to CC_AFTER_READY; a contact is never
 * re-offered to the agent who just rejected it or let it ring out while
 * another eligible agent is available. */

#define CC_ENGINE_OPTIONS_VERSION 1u
#define CC_ENGINE_OPTIONS_INIT                                                 \
    {CC_ENGINE_OPTIONS_VERSION, NULL, NULL, 0u, CC_SELECT_PRIORITY_THEN_WAIT,  \
     CC_AFTER_NOT_READY, NULL, CC_AFTER_READY, NULL, 0}

/*
 * Creates an engine. `options` is borrowed for the call (NULL = defaults;
 * strings copied). *out owns the engine until cc_engine_free().
 * Returns CC_OK, CC_EINVAL (NULL out, bad enum value, negative window),
 * CC_EVERSION (unknown options version), CC_ENOMEM.
 */
cc_status cc_engine_new(cc_engine **out, const cc_engine_options *options);

/* Frees the engine and everything it holds, closing its backends
 * (cc_backend.close). No event is emitted. NULL is a no-op. */
void cc_engine_free(cc_engine *self);

/*
 * Binds a media backend to one channel of this engine (callcore/sys/backend.h).
 * The engine allocates backend->state_size bytes of zeroed state, calls
 * backend->open(state, self, channel, config) and from then on calls the
 * backend for the media actions of contacts on that channel. `backend` is
 * borrowed until the engine is freed or the channel rebound; `config` is
 * passed to open() only. Rebinding closes the previous backend of the
 * channel; a NULL `backend` unbinds the channel (closing its backend).
 * Binding is only allowed while no contact of that channel exists
 * (CC_ESTATE). A channel without a backend is routed without media calls: the
 * caller learns everything from the events.
 * Returns CC_OK, CC_EINVAL (bad channel, no open()), CC_EVERSION
 * (backend->version below 1; a later version is accepted and only its
 * version-1 members are called, as sys/backend.h says), CC_ESTATE, CC_ENOMEM,
 * or the status open() returned.
 */
cc_status cc_engine_bind_backend(cc_engine *self, cc_channel channel,
                                 const cc_backend *backend, void *config);

/* Returns the backend state allocated for `channel` (borrowed, valid while
 * bound), or NULL when none is bound. */
void *cc_engine_backend_state(const cc_engine *self, cc_channel channel);

/*
 * Earliest pending timer, or CC_NO_DEADLINE. O(1) amortised (stale timers
 * are dropped lazily). The runtime sleeps until then and calls advance().
 */
int64_t cc_engine_next_deadline(cc_engine *self);

/*
 * Fires every timer due at or before now_ms, in (deadline, creation) order,
 * each with its own deadline as the event time, and then adopts now_ms as the
 * engine's time. Returns CC_OK, CC_EINVAL (time went backwards), CC_EBUSY
 * (re-entered), CC_ENOMEM (a timer's work could not allocate: that timer is
 * kept and will fire again on the next call).
 */
cc_status cc_engine_advance(cc_engine *self, int64_t now_ms);

/* The engine's current time (the largest now_ms seen; INT64_MIN before any). */
int64_t cc_engine_now(const cc_engine *self);

/* ---- queues ------------------------------------------------------------- */

/* A skill with a level: on an agent, proficiency 1..10; in a requirement,
 * the minimum level 1..10 (requirements are an AND of skill >= level). */
typedef struct cc_skill {
    const char *name; /* borrowed for the call, copied (interned) */
    int32_t level;
} cc_skill;

/*
 * An escalation step, applied when the contact has waited `after_ms` in the
 * queue (since it entered it). Steps are absolute, not cumulative: step i
 * says what holds from after_ms on. Effective immediately (a CONTACT_ESCALATED
 * event, then a routing attempt).
 */
typedef struct cc_escalation {
    int64_t after_ms;       /* > 0, strictly increasing across steps */
    int32_t relax_levels;   /* every required level minus this (>= 0); a
                               level that drops below 1 removes the requirement */
    int32_t priority_boost; /* added to the contact's base priority (>= 0;
                              * the sum saturates at INT32_MAX) */
    const char *add_queue;  /* NULL, or also offer to that queue's agents
                               (name resolved when the step fires) */
} cc_escalation;

typedef struct cc_queue_config {
    uint32_t version;        /* CC_QUEUE_CONFIG_VERSION */
    const char *name;        /* required; copied */
    cc_strategy strategy;
    double weight;           /* > 0, cross-queue selection weight; 0 = 1.0 */
    int64_t sl_threshold_ms; /* service-level threshold (reported in status
                                and used by KPI consumers); 0 = 20000 */
    int64_t ring_timeout_ms; /* offer ring time (and callback dial timeout);
                                0 = 15000 */
    int64_t wrapup_ms;       /* wrap-up after each contact; 0 = none */
    int32_t max_length;      /* waiting contacts beyond it are BLOCKED
                                ("full"); 0 = unlimited. Waiting as in
                                cc_queue_status: callbacks waiting for their
                                turn or a retry and consults waiting in this
                                queue take a place, ringing or dialed
                                contacts do not */
    int64_t max_wait_ms;     /* 0 = unlimited */
    cc_max_wait_action max_wait_action;
    const char *overflow_queue; /* for CC_MAX_WAIT_OVERFLOW; copied */
    cc_join_policy join;
    int leave_when_empty;    /* 1: when the last staffed member leaves (logout,
                                not-ready, removal), waiting contacts LEAVE
                                with reason "empty" (callbacks between two
                                attempts included) */
    const cc_skill *skills;  /* required by every contact of the queue, merged
                                with the contact's own (max of levels) */
    size_t nskills;
    const cc_escalation *escalations;
    size_t nescalations;
    int64_t last_agent_wait_ms; /* a returning customer waits up to this long
                                   for their last agent (if a member, logged in
                                   and not (going) not ready); 0 = off */
    int32_t callback_max_attempts; /* dial attempts per callback; 0 = 3 */
    int64_t callback_retry_ms;  /* delay before re-dialing; 0 = 60000 */
    int64_t aht_hint_ms;        /* initial handle-time estimate for EWT before
                                   the queue has history; 0 = 180000 */
} cc_queue_config;

#define CC_QUEUE_CONFIG_VERSION 1u
#define CC_QUEUE_CONFIG_INIT                                                   \
    {CC_QUEUE_CONFIG_VERSION, NULL, CC_STRATEGY_LONGEST_IDLE, 0.0, 0, 0, 0, 0,  \
     0, CC_MAX_WAIT_LEAVE, NULL, CC_JOIN_ALWAYS, 0, NULL, 0, NULL, 0, 0, 0, 0, 0}

/*
 * Adds a queue. `config` and everything it points to is borrowed for the call
 * and copied. Returns CC_OK, CC_EINVAL (missing/too long name, bad strategy,
 * negative time, weight < 0 or not finite, bad skill level, escalation steps
 * not increasing, overflow action without target), CC_EVERSION, CC_EEXIST
 * (name taken), CC_EBUSY, CC_ENOMEM. Emits nothing.
 */
cc_status cc_engine_queue_add(cc_engine *self, const cc_queue_config *config);

/*
 * Reconfigures the existing queue config->name in place, at now_ms. `config`
 * and everything it points to is borrowed for the call and copied; it is a
 * complete configuration, validated as by cc_engine_queue_add (zero fields
 * take the same defaults). Atomic: on any error nothing changes.
 * What the new values mean for contacts already in the queue:
 *   - weight, join, max_length, sl_threshold_ms, wrapup_ms, ring_timeout_ms,
 *     last_agent_wait_ms, callback_*, max_wait_action, overflow_queue: used by
 *     every decision from now on (max_length and join only gate arrivals: a
 *     shorter max_length blocks new contacts, nobody waiting is dropped).
 *     Contacts already ringing keep their current offer timer; wrap-ups
 *     already running keep their end.
 *   - max_wait_ms: the max-wait deadline of every contact waiting or ringing
 *     in the queue becomes entered + max_wait_ms (0 removes it); a deadline
 *     already past fires at the next cc_engine_advance().
 *   - strategy: the ready-agent index of each skill profile of the queue is
 *     rebuilt with the new strategy's keys, O(M * s + k log k) per profile
 *     (M members, s skills, k available eligible agents), so the very next
 *     decision uses it. Offers already ringing (ring-all included) go on.
 *   - leave_when_empty turned on while nobody staffs the queue: its waiting
 *     contacts leave at once (CONTACT_LEFT "empty"), as if the last staffed
 *     member had just left.
 *   - escalation steps: contacts of the queue not yet escalated get their
 *     first step at entered + the new first after_ms (a time already past
 *     fires at the next cc_engine_advance(); no steps: never). Refused with
 *     CC_ESTATE while a contact of the queue has passed a step (its skill
 *     profiles and priority came from the old steps).
 *   - required skills shape every skill profile of the queue, so they may
 *     only change while no contact waits in, rings from, or is connected
 *     through the queue (CC_ESTATE otherwise; contacts are never
 *     re-profiled).
 *   - aht_hint_ms is ignored: the queue's live handle-time estimate is kept.
 * Afterwards the engine routes as after any input (a waiting contact and an
 * available eligible agent never stay apart), which may emit events.
 * Thread: the engine's thread. Returns CC_OK, CC_EINVAL (NULL argument, time
 * went backwards, an invalid field: detail names it), CC_EVERSION,
 * CC_ENOTFOUND (no such queue), CC_ESTATE (skills changed while contacts use
 * the queue, or steps changed while one has escalated), CC_EBUSY
 * (re-entered), CC_ENOMEM.
 */
cc_status cc_engine_queue_configure(cc_engine *self, const cc_queue_config *config,
                                    int64_t now_ms);

/*
 * Removes a queue. Its members are removed first (QUEUE_MEMBER_REMOVED each).
 * Returns CC_OK, CC_ENOTFOUND, CC_ESTATE (contacts are waiting in, offered
 * from or connected through the queue), CC_EINVAL, CC_EBUSY, CC_ENOMEM.
 */
cc_status cc_engine_queue_remove(cc_engine *self, const char *queue, int64_t now_ms);

/* ---- agents ------------------------------------------------------------- */

typedef struct cc_membership {
    const char *queue; /* must exist when the agent or membership is added */
    int32_t tier;      /* linear strategy / tier order: lower first (>= 0) */
    int32_t penalty;   /* second key of linear (>= 0) */
    double weight;     /* weighted-random weight, CC_MEMBER_WEIGHT_MIN..MAX; 0 = 1.0 */
} cc_membership;

/* Per-channel capacity. An agent may hold `max` contacts of `channel` at a
 * time, each costing `load` units of the agent's load_budget. A voice cost
 * equal to the budget blocks every other channel while a call is held. */
typedef struct cc_capacity {
    cc_channel channel;
    int32_t max;  /* 1..1000 */
    int32_t load; /* >= 0 */
} cc_capacity;

typedef struct cc_agent_config {
    uint32_t version;          /* CC_AGENT_CONFIG_VERSION */
    const char *name;          /* id; required; copied */
    const char *display_name;  /* NULL = name; copied */
    const cc_skill *skills;    /* level 1..10, each skill once */
    size_t nskills;
    const cc_membership *queues; /* each queue once */
    size_t nqueues;
    const cc_capacity *capacity; /* each channel once; none listed = every
                                    channel max 1, load 1, budget 1 (one
                                    contact at a time) */
    size_t ncapacity;
    int32_t load_budget;       /* total load allowed; 0 = unlimited (only the
                                  per-channel max applies) */
} cc_agent_config;

#define CC_AGENT_CONFIG_VERSION 1u
#define CC_AGENT_CONFIG_INIT                                                   \
    {CC_AGENT_CONFIG_VERSION, NULL, NULL, NULL, 0, NULL, 0, NULL, 0, 0}

/*
 * Adds an agent, logged out. Config borrowed for the call, copied. Emits
 * QUEUE_MEMBER_ADDED per membership. Returns CC_OK, CC_EINVAL (names, levels
 * out of 1..10, duplicate skill/queue/channel, negative tier/penalty/load,
 * weight < 0), CC_ENOTFOUND (a queue does not exist), CC_EEXIST, CC_EVERSION,
 * CC_EBUSY, CC_ENOMEM.
 */
cc_status cc_engine_agent_add(cc_engine *self, const cc_agent_config *config, int64_t now_ms);

/* Removes a logged-out agent (QUEUE_MEMBER_REMOVED per membership).
 * CC_ESTATE if logged in. */
cc_status cc_engine_agent_remove(cc_engine *self, const char *agent, int64_t now_ms);

/* Adds / removes one queue membership at run time (QUEUE_MEMBER_ADDED /
 * _REMOVED; effective immediately). Removing is refused (CC_ESTATE) while
 * the agent holds an offer or a contact of that queue (an offer of a contact
 * that an escalation step added to that queue included). */
cc_status cc_engine_member_add(cc_engine *self, const char *agent,
                               const cc_membership *membership, int64_t now_ms);
cc_status cc_engine_member_remove(cc_engine *self, const char *agent, const char *queue,
                                  int64_t now_ms);

/* Sets an agent's level in one skill (1..10), or removes the skill (level 0).
 * Effective immediately for future decisions. */
cc_status cc_engine_agent_set_skill(cc_engine *self, const char *agent, const char *skill,
                                    int32_t level, int64_t now_ms);

/*
 * Agent presence. Each returns CC_OK, CC_ENOTFOUND, CC_ESTATE (with the
 * current state in the detail), CC_EINVAL (bad reason), CC_EBUSY, CC_ENOMEM.
 *  login:     logged out -> ready (AGENT_LOGIN, AGENT_STATE); routing runs.
 *  logout:    any state without offer or contact -> logged out (a pending
 *             wrap-up is ended first); CC_ESTATE while reserved or busy.
 *  ready:     not-ready -> available; also cancels a not-ready requested
 *             while busy. CC_ESTATE if logged out or already ready.
 *  not_ready: reason (copied; NULL = "") is reported in AGENT_STATE. From
 *             ready: immediately. While reserved/busy/wrap-up: takes effect
 *             when the agent holds no contact any more (no new offers from
 *             now on).
 */
cc_status cc_engine_agent_login(cc_engine *self, const char *agent, int64_t now_ms);
cc_status cc_engine_agent_logout(cc_engine *self, const char *agent, int64_t now_ms);
cc_status cc_engine_agent_ready(cc_engine *self, const char *agent, int64_t now_ms);
cc_status cc_engine_agent_not_ready(cc_engine *self, const char *agent, const char *reason,
                                    int64_t now_ms);

/* ---- contacts ----------------------------------------------------------- */

typedef struct cc_contact_config {
    uint32_t version;      /* CC_CONTACT_CONFIG_VERSION */
    uint64_t id;           /* non-zero, unique among live contacts */
    uint64_t customer_id;  /* 0 = anonymous (no last-agent preference) */
    cc_channel channel;    /* not NONE; CALLBACK = a scheduled callback */
    const char *queue;     /* required */
    int32_t priority;      /* higher is served first; may be negative */
    const cc_skill *skills; /* requirements, merged with the queue's */
    size_t nskills;
    const char *reason;    /* contact reason, reported in CONTACT_ARRIVED */
    int64_t virtual_start_ms; /* 0 = now_ms; else <= now_ms: a customer who
                                 already waited elsewhere keeps their place */
} cc_contact_config;

#define CC_CONTACT_CONFIG_VERSION 1u
#define CC_CONTACT_CONFIG_INIT                                                 \
    {CC_CONTACT_CONFIG_VERSION, 0u, 0u, CC_CHANNEL_NONE, NULL, 0, NULL, 0, NULL, 0}

/*
 * A contact arrives: CONTACT_ARRIVED, then CONTACT_QUEUED and possibly an
 * offer at once, or a terminal CONTACT_BLOCKED ("full": max_length reached;
 * "empty": join policy). A blocked contact is not kept; CC_OK is returned
 * either way (look at the events or cc_engine_contact_status()).
 * Returns CC_OK, CC_EINVAL, CC_EVERSION, CC_EEXIST (id live), CC_ENOTFOUND
 * (queue), CC_EBUSY, CC_ENOMEM.
 */
cc_status cc_engine_contact_add(cc_engine *self, const cc_contact_config *config,
                                int64_t now_ms);

/*
 * Offer outcomes, from the agent's desktop or from the backend (a voice
 * backend reports "the agent's phone answered" as accept). All return CC_OK,
 * CC_ENOTFOUND (contact or agent), CC_ESTATE (no pending offer of this contact
 * to this agent), CC_EBUSY, CC_ENOMEM.
 *  accept:  CONTACT_ACCEPTED + CONTACT_CONNECTED; backend bridge(); ring-all
 *           siblings withdrawn (CONTACT_WITHDRAWN). For a consult transfer,
 *           the transferring agent's leg ends (CONTACT_TRANSFERRED, wrap-up).
 *  reject:  CONTACT_REJECTED; the contact goes back to its place; the agent
 *           follows reject_after.
 *  timeout: CONTACT_RING_TIMEOUT now (the backend's own ring timer ran out);
 *           same as the engine's ring timer: the contact goes back to its
 *           original place (virtual start kept) and the agent follows
 *           rona_after.
 */
cc_status cc_engine_offer_accept(cc_engine *self, uint64_t contact_id, const char *agent,
                                 int64_t now_ms);
cc_status cc_engine_offer_reject(cc_engine *self, uint64_t contact_id, const char *agent,
                                 int64_t now_ms);
cc_status cc_engine_offer_timeout(cc_engine *self, uint64_t contact_id, const char *agent,
                                  int64_t now_ms);

/* Hold / resume a connected contact (CONTACT_HELD / CONTACT_RESUMED).
 * CC_ESTATE when not connected, or already held / not held. */
cc_status cc_engine_contact_hold(cc_engine *self, uint64_t contact_id, int64_t now_ms);
cc_status cc_engine_contact_resume(cc_engine *self, uint64_t contact_id, int64_t now_ms);

typedef enum cc_transfer_kind {
    CC_TRANSFER_BLIND = 0,  /* the agent's leg ends now */
    CC_TRANSFER_CONSULT = 1 /* the agent stays connected until the target
                               accepts; if an agent target rejects or lets it
                               ring out, the contact stays with the agent */
} cc_transfer_kind;

typedef struct cc_transfer {
    uint32_t version;          /* CC_TRANSFER_VERSION */
    cc_transfer_kind kind;
    const char *target_queue;  /* exactly one of target_queue / target_agent */
    const char *target_agent;
} cc_transfer;

#define CC_TRANSFER_VERSION 1u
#define CC_TRANSFER_INIT {CC_TRANSFER_VERSION, CC_TRANSFER_BLIND, NULL, NULL}

/*
 * Transfers a connected contact. To a queue: the contact waits there with its
 * virtual start kept. To an agent: offered to that agent directly (who must
 * be available for the channel: CC_ESTATE otherwise); if that agent rejects
 * or lets a blind transfer ring out, the contact waits in its current queue
 * (virtual start kept) as a new entry there: its max wait and escalation
 * start over (step 0, base priority), as for a blind transfer to that queue.
 * A consult to a queue is never offered to the consulting
 * agent. Emits
 * CONTACT_TRANSFERRED (blind: now; consult: when the target accepts) and, for
 * the first agent, AGENT_WRAPUP_START. Returns CC_OK, CC_ENOTFOUND, CC_EINVAL
 * (both or no target, transfer to oneself), CC_ESTATE (not connected, a
 * consult already pending), CC_EVERSION, CC_EBUSY, CC_ENOMEM.
 */
cc_status cc_engine_contact_transfer(cc_engine *self, uint64_t contact_id,
                                     const cc_transfer *transfer, int64_t now_ms);

/*
 * Ends a connected contact: CONTACT_ENDED (terminal; `disposition` copied into
 * reason, may be NULL), backend hangup(), then the agent's wrap-up for the
 * queue's wrapup_ms (AGENT_WRAPUP_START; none when 0). CC_ESTATE if the
 * contact is not connected (use abandon/cancel for waiting contacts).
 */
cc_status cc_engine_contact_end(cc_engine *self, uint64_t contact_id, const char *disposition,
                                int64_t now_ms);

/* Ends an agent's wrap-up of `contact_id` early (0 = all of the agent's
 * wrap-ups): AGENT_WRAPUP_END, then the agent is routable again.
 * CC_ESTATE when the agent is not wrapping up that contact. */
cc_status cc_engine_wrapup_end(cc_engine *self, const char *agent, uint64_t contact_id,
                               int64_t now_ms);

/*
 * The customer hangs up before being connected (waiting, ringing, waiting
 * for a callback): pending offers are withdrawn (CONTACT_WITHDRAWN), then
 * CONTACT_ABANDONED (terminal). CC_ESTATE once connected.
 */
cc_status cc_engine_contact_abandon(cc_engine *self, uint64_t contact_id, int64_t now_ms);

/* The switch takes a not-yet-connected contact away (e.g. routed elsewhere):
 * offers withdrawn, then CONTACT_LEFT with reason "cancelled" (terminal). */
cc_status cc_engine_contact_cancel(cc_engine *self, uint64_t contact_id, int64_t now_ms);

/*
 * Virtual hold: a waiting voice contact becomes a callback that keeps its
 * place (virtual start): backend hangup() on the voice channel,
 * CALLBACK_SCHEDULED, channel becomes CC_CHANNEL_CALLBACK. When it reaches
 * the head and an agent is available, the agent is reserved
 * (CONTACT_OFFERED) and the callback backend dials (CALLBACK_DIALED); the
 * backend reports with cc_engine_callback_result(). CC_ESTATE unless waiting.
 */
cc_status cc_engine_callback_request(cc_engine *self, uint64_t contact_id, int64_t now_ms);

typedef enum cc_dial_result {
    CC_DIAL_ANSWERED = 0, /* CONTACT_ACCEPTED + CONTACT_CONNECTED with the agent */
    CC_DIAL_NO_ANSWER = 1,
    CC_DIAL_BUSY = 2,
    CC_DIAL_FAILED = 3
} cc_dial_result;

/*
 * The callback backend reports a dial. Not answered: the agent is released
 * (available again) and the callback is retried after callback_retry_ms
 * (CALLBACK_SCHEDULED again, same virtual start) until callback_max_attempts,
 * then CONTACT_LEFT "callback-failed". A dial that gets no report within the
 * queue's ring_timeout_ms counts as NO_ANSWER. CC_ESTATE unless dialing.
 */
cc_status cc_engine_callback_result(cc_engine *self, uint64_t contact_id,
                                    cc_dial_result result, int64_t now_ms);

typedef enum cc_supervise_mode {
    CC_SUPERVISE_MONITOR = 0, /* listen */
    CC_SUPERVISE_WHISPER = 1, /* talk to the agent only */
    CC_SUPERVISE_BARGE = 2    /* join the conversation */
} cc_supervise_mode;

/* Asks the contact's backend to let `supervisor` (any name, copied by the
 * backend if kept) monitor/whisper/barge a connected contact. No event, no
 * state change, not even of the engine's time: now_ms must not be before
 * cc_engine_now() but is not adopted, so a later input may carry an earlier
 * now_ms (the runtime does not journal supervising; a replay reaches the same
 * state without it). CC_ESTATE when not connected, CC_EUNSUPPORTED when the
 * channel has no backend or the backend has no supervise(), else the
 * backend's status. */
cc_status cc_engine_supervise(cc_engine *self, uint64_t contact_id, const char *supervisor,
                              cc_supervise_mode mode, int64_t now_ms);

/* ---- queries (no state change, no event; O(1) unless stated) ------------ */

typedef enum cc_contact_state {
    CC_CONTACT_WAITING = 0,      /* in a queue */
    CC_CONTACT_OFFERED = 1,      /* ringing at one or more agents */
    CC_CONTACT_CONNECTED = 2,    /* with an agent (held or not) */
    CC_CONTACT_CALLBACK_WAIT = 3, /* callback waiting for its turn or a retry */
    CC_CONTACT_DIALING = 4,      /* callback being dialed for a reserved agent */
    CC_CONTACT_ENDED = 5         /* its terminal event is being delivered (seen only from
                                  * an event sink or backend method); once the input
                                  * returns the contact is gone: CC_ENOTFOUND */
} cc_contact_state;

typedef struct cc_contact_status {
    uint32_t version;        /* set by the caller: CC_CONTACT_STATUS_INIT */
    cc_contact_state state;
    cc_channel channel;
    int32_t priority;        /* current (escalations included) */
    int held;
    int consult_pending;
    const char *queue;       /* borrowed until the next call on the engine */
    const char *agent;       /* connected agent, or the one offered (ring-all: the
                                one offered last), or NULL */
    uint64_t customer_id;
    int64_t virtual_start_ms;
    int64_t entered_ms;      /* when it entered its current queue */
    int32_t callback_attempts;
    int32_t escalation_step; /* steps applied so far */
} cc_contact_status;

#define CC_CONTACT_STATUS_VERSION 1u
#define CC_CONTACT_STATUS_INIT                                                 \
    {CC_CONTACT_STATUS_VERSION, CC_CONTACT_WAITING, CC_CHANNEL_NONE, 0, 0, 0,   \
     NULL, NULL, 0u, 0, 0, 0, 0}

/* Fills *out (out->version must be set). CC_ENOTFOUND, CC_EVERSION, CC_EINVAL. */
cc_status cc_engine_contact_status(const cc_engine *self, uint64_t contact_id,
                                   cc_contact_status *out);

/*
 * Position and expected wait of a waiting contact (or callback) in its queue.
 * position: 1 + the live contacts of the queue ordered before it (higher
 * priority, or same priority and earlier virtual start), whatever their
 * skills, including returning customers waiting for their last agent and
 * callbacks waiting for their next attempt; O(position + those) (a pruned
 * walk of the queue's heaps, and its list of contacts waiting outside them).
 * EWT estimator: ewt_ms = position * AHT / N, where AHT is the queue's live
 * handle time (exponentially weighted mean of talk + wrap-up of the contacts
 * it served, alpha 1/16, seeded with aht_hint_ms) and N the queue's staffed
 * members (logged in, not not-ready), i.e. position divided by the queue's
 * current service rate N/AHT (each of the N servers frees up on average every
 * AHT, the contact is served after `position` departures). N = 0 gives
 * ewt_ms = -1 (unknown). CC_ENOTFOUND, CC_ESTATE (not waiting), CC_EINVAL.
 */
cc_status cc_engine_contact_position(const cc_engine *self, uint64_t contact_id,
                                     int32_t *position, int64_t *ewt_ms);

typedef struct cc_queue_status {
    uint32_t version;         /* set by the caller: CC_QUEUE_STATUS_INIT */
    int32_t waiting;          /* contacts waiting (callbacks included) */
    int32_t offered;          /* contacts ringing from this queue */
    int32_t connected;        /* contacts connected through this queue */
    int64_t longest_wait_ms;  /* max now - virtual_start among waiting; O(n) */
    int32_t members;
    int32_t staffed;          /* logged in and not not-ready */
    int32_t available;        /* could take a new contact of some channel now */
    int64_t aht_ms;           /* current AHT estimate (see EWT) */
    int64_t ewt_ms;           /* EWT of a new contact of priority 0; -1 unknown */
    int64_t sl_threshold_ms;
    uint64_t answered;        /* contacts connected through the queue so far */
    uint64_t abandoned;       /* contacts that abandoned while in the queue */
} cc_queue_status;

#define CC_QUEUE_STATUS_VERSION 1u
#define CC_QUEUE_STATUS_INIT                                                   \
    {CC_QUEUE_STATUS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0u, 0u}

/* Fills *out. O(waiting) for longest_wait_ms and O(members) for available.
 * CC_ENOTFOUND, CC_EVERSION, CC_EINVAL. */
cc_status cc_engine_queue_status(const cc_engine *self, const char *queue,
                                 cc_queue_status *out);

typedef struct cc_agent_status {
    uint32_t version;           /* set by the caller: CC_AGENT_STATUS_INIT */
    cc_agent_state state;
    const char *reason;         /* not-ready reason (while not_ready_pending:
                                   the one that will apply), borrowed; ""
                                   otherwise */
    int not_ready_pending;      /* not-ready requested, applies when free */
    int64_t state_since_ms;
    int64_t idle_since_ms;      /* longest-idle key */
    int32_t contacts;           /* connected + held + in wrap-up */
    int32_t load;               /* load units in use */
    uint64_t offer_contact_id;  /* pending offer, 0 if none */
    uint64_t answered;          /* contacts answered since login */
    int64_t talk_ms;            /* talk time since login */
} cc_agent_status;

#define CC_AGENT_STATUS_VERSION 1u
#define CC_AGENT_STATUS_INIT                                                   \
    {CC_AGENT_STATUS_VERSION, CC_AGENT_LOGGED_OUT, NULL, 0, 0, 0, 0, 0, 0u, 0u, 0}

/* Fills *out. CC_ENOTFOUND, CC_EVERSION, CC_EINVAL. */
cc_status cc_engine_agent_status(const cc_engine *self, const char *agent,
                                 cc_agent_status *out);

/* Enumeration, in creation order; the callback gets borrowed names and
 * returns non-zero to stop. Must not call engine input functions. O(n). */
void cc_engine_foreach_queue(const cc_engine *self,
                             int (*fn)(const char *queue, void *user_data), void *user_data);
void cc_engine_foreach_agent(const cc_engine *self,
                             int (*fn)(const char *agent, void *user_data), void *user_data);
void cc_engine_foreach_contact(const cc_engine *self,
                               int (*fn)(uint64_t contact_id, void *user_data), void *user_data);

/* ---- snapshot / restore ------------------------------------------------- */

/*
 * Serializes the complete routing state (queues, agents, contacts, timers,
 * statistics, PRNG, time, event sequence) into a self-describing, versioned
 * binary blob. *out_buf is owned by the caller (free with cc_free()). Not
 * included: the options' callbacks and the bound backends (media state is
 * the switch's). Returns CC_OK, CC_EINVAL, CC_EBUSY, CC_ENOMEM.
 */
cc_status cc_engine_snapshot(const cc_engine *self, void **out_buf, size_t *out_len);

/*
 * Restores a snapshot into an engine that has never held a queue, agent or
 * contact (CC_ESTATE otherwise, even once they are all removed), created with
 * the options and backends wanted. After
 * it, the engine behaves exactly like the one snapshotted: same future events
 * for the same inputs. Emits nothing, calls no backend. `buf` borrowed.
 * Returns CC_OK, CC_EPARSE (malformed or truncated: engine left empty),
 * CC_EVERSION (format from a newer library), CC_ESTATE, CC_EINVAL, CC_ENOMEM.
 */
cc_status cc_engine_restore(cc_engine *self, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
