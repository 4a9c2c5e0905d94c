/*
 * lib/core/engine_internal.h - internal: the routing engine's data model,
 * shared by the files of lib/core (engine.c, queue.c, agent.c, contact.c,
 * routing.c, timer.c, query.c, snapshot.c).
 *
 * Objects
 *   queue    - config + members + its skill profiles.
 *   profile  - (queue, channel, requirement set): the unit of routing. Holds
 *              the heap of waiting contacts keyed (priority desc, virtual start,
 *              arrival ordinal) and the heap of the available members whose
 *              home it is (cc__match), keyed by the queue's strategy. An agent
 *              lists the profiles it is eligible for ("matches"); a contact
 *              lists the profiles it waits in.
 *   agent    - config, presence, legs (contacts held), pending offer.
 *   contact  - routing state, virtual start, profiles, timers.
 * Agents and contacts live in slot tables (index + generation) so heap and
 * timer entries can name them without owning them (see heap.h).
 *
 * Failure atomicity: every input validates, then reserves every allocation it
 * (and the routing cascade it triggers) may need, then commits without
 * allocating. Heap capacities are kept >= 2 * bound + slack where bound is the
 * number of objects that may have a valid entry (matched agents for an agent
 * heap, attached contacts for a contact heap, 8 per contact for the timer heap).
 */
#ifndef CC_CORE_ENGINE_INTERNAL_H
#define CC_CORE_ENGINE_INTERNAL_H

#include "callcore/engine.h"
#include "callcore/sys/backend.h"

#include "heap.h"
#include "name_map.h"

#include <stdint.h>

#define CC__NONE UINT32_MAX
/* Most contacts of one channel an agent may hold (cc_capacity.max). */
#define CC__MAX_PER_CHANNEL 1000
/* Whether t lies in the engine's time domain (engine.h, CC_TIME_LIMIT_MS). */
static inline int cc__time_in_domain(int64_t t)
{
    return t >= -CC_TIME_LIMIT_MS && t <= CC_TIME_LIMIT_MS;
}
/* An agent's talk time since login saturates here: every leg an agent can
 * hold at once, each for the longest span of the time domain (engine.h). */
#define CC__AGENT_TALK_MAX_MS \
    ((int64_t)CC__MAX_PER_CHANNEL * CC_CHANNEL__COUNT * 2 * CC_TIME_LIMIT_MS)

struct cc__queue;
struct cc__agent;
struct cc__contact;

/* A skill requirement or proficiency, interned skill id + level. */
typedef struct cc__skill {
    uint32_t id;
    int32_t level;
} cc__skill;

/* Field order: what an agent's routing touches in each of its m matched
 * profiles (channel, strategy, the two heaps) comes first, so that one or two
 * cache lines per profile serve the O(m) loops of cc__route_agent and
 * cc__agent_index. */
typedef struct cc__profile {
    struct cc__queue *queue;
    cc_channel channel;
    cc_strategy strategy; /* the queue's (set at creation and by
                             queue_configure.c), kept here so index pushes do
                             not touch the queue record */
    cc__heap contacts; /* waiting contacts, (priority, vstart, ordinal) */
    cc__heap agents;   /* available eligible members, strategy key */
    cc__skill *req; /* sorted by id */
    uint32_t nreq;
    uint32_t nmatched; /* members eligible (bound of `agents`) */
    uint32_t nbound;   /* contacts attached (bound of `contacts`) */
    uint32_t compact_at; /* `agents` compacts when it holds this many entries:
                            twice what the last compaction kept, + slack */
    double race_clock; /* random strategies: key of the last winner (see agent.c) */
    /* The other profiles of this queue and channel whose requirements imply
     * this one's (every agent eligible there is eligible here). Under a
     * shared-key strategy an agent is indexed only in its "homes" (see
     * cc__match), so this profile's contacts also look at the tops of these
     * profiles' agent heaps. O(P_q) entries; kept at profile creation. */
    struct cc__profile **stronger;
    uint32_t nstronger, stronger_cap;
    struct cc__profile *txn_next; /* created by the input in progress */
} cc__profile;

/* Whether the strategy key of an agent is the same in every profile of a
 * queue (it depends on the agent and its membership, not on the requirement
 * set): then one entry per agent in its homes serves every profile it is
 * eligible for. Random draws (a race clock per profile) and best-skill (the
 * proficiency sum over the profile's requirements) are per profile. */
static inline int cc__strategy_shared(cc_strategy s)
{
    return s != CC_STRATEGY_RANDOM && s != CC_STRATEGY_WEIGHTED_RANDOM &&
           s != CC_STRATEGY_BEST_SKILL;
}

/* One profile an agent is eligible for (a "match").
 * home: the agent is indexed here while available for the channel. Under a
 *   per-profile strategy every match is a home; under a shared-key strategy
 *   only the matches for which no stronger profile (cc__profile.stronger) is
 *   also eligible: with one requirement skill and three levels in use, an
 *   agent at level 3 waits in one heap, not three. A contact of profile p
 *   finds every available eligible agent in p or in p->stronger, because the
 *   strongest eligible profiles above p are homes (implication is
 *   transitive), and the keys are equal wherever the agent is indexed.
 * A profile created later can end a home while the agent is indexed there:
 * that entry stays valid until the agent is touched, redundant, never wrong
 * (the keys are equal, and an offer touches the agent). */
typedef struct cc__match {
    struct cc__profile *p;
    int home;
} cc__match;

typedef struct cc__member {
    struct cc__agent *agent;
} cc__member;

typedef struct cc__queue {
    char *name;
    /* Contacts waiting in this queue outside its profile heaps: returning customers
     * waiting for their last agent (in that agent's heap) and callbacks between two
     * attempts (in no heap). A doubly linked list through the contacts, O(1) in and
     * out; position, EWT and the longest wait walk it, O(its length). Slots,
     * CC__NONE when empty (cc__aside_head: 0 in a zeroed record means empty). */
    uint32_t aside_head1; /* slot + 1 of the first, 0: empty */
    uint32_t index; /* creation order, position in engine->queues */
    cc_strategy strategy;
    double weight;
    int64_t sl_threshold_ms, ring_timeout_ms, wrapup_ms, max_wait_ms;
    int32_t max_length;
    cc_max_wait_action max_wait_action;
    char *overflow_queue;
    cc_join_policy join;
    int leave_when_empty;
    cc__skill *req;
    uint32_t nreq;
    cc_escalation *esc; /* add_queue strings owned */
    uint32_t nesc;
    int64_t last_agent_wait_ms;
    int32_t callback_max_attempts;
    int64_t callback_retry_ms;
    double aht_ms; /* live handle-time estimate (EWMA) */
    /* members: O(members) scans happen only when a profile is created */
    cc__member *members;
    size_t nmembers, members_cap;
    cc__profile **profiles; /* O(P) lookup, P = profiles of this queue */
    size_t nprofiles, profiles_cap;
    /* live counters */
    int32_t waiting, offered, connected, staffed;
    uint32_t refs; /* contacts routed through it + legs: removal guard */
    uint64_t answered, abandoned;
} cc__queue;

typedef struct cc__membership {
    cc__queue *queue;
    int32_t tier, penalty;
    double weight;
    uint32_t order; /* position in the agent's list */
} cc__membership;

typedef enum cc__leg_state { CC__LEG_CONNECTED, CC__LEG_HELD, CC__LEG_WRAPUP } cc__leg_state;

/* A contact an agent holds (connected, held, or in wrap-up after it). */
typedef struct cc__leg {
    uint64_t contact_id;
    uint64_t customer_id;
    uint32_t contact_slot; /* CC__NONE once the contact moved on / ended */
    cc_channel channel;
    cc__queue *queue;
    cc__leg_state state;
    uint32_t aside; /* its contact's entry set aside by contact_top_for (routing.c); else 0 */
    int64_t start_ms, hold_start_ms, hold_ms, talk_ms;
    int64_t wrap_start_ms, wrap_due_ms;
} cc__leg;

/* Bytes of an agent name kept inside the agent record (with its NUL). */
#define CC__AGENT_NAME_SHORT 16

/* Bytes of an agent's not-ready reason buffer (with its NUL). */
#define CC__REASON_SIZE (CC_NAME_MAX + 1)

/* Field order: what one routing decision reads of an agent (presence, offer,
 * load, index bookkeeping, name, legs, capacity, counters) sits in the first
 * four cache lines; configuration read only by management calls and queries
 * comes last. The legs, the memberships' and matches' tails and the reason
 * buffer follow in the same block (cc_engine_agent_add). At
 * 10,000 agents and more a decision meets most agent records cold, so every
 * line less is a miss less. */
typedef struct cc__agent {
    /* line 0: availability, offer, index */
    int logged_in, paused, pause_pending;
    uint32_t offer_contact; /* pending offer: contact slot or CC__NONE */
    int32_t budget, load;
    uint32_t slot;
    uint32_t nmatches;
    cc_agent_state state;
    uint32_t consults; /* contacts it holds that wait in a consult it made (routing.c) */
    uint64_t ordinal;
    int64_t idle_since_ms;
    cc__match *matches; /* profiles this agent is eligible for */
    /* line 1: memberships, legs, name, state times */
    cc__membership *ms;
    cc__leg *legs;
    uint32_t nlegs, legs_cap;
    uint32_t nms;
    uint32_t offer_next; /* next agent slot offered the same contact (ring-all) */
    /* the name: in name_short when it fits (most do), so that the lookups by
     * name and the events read the line the routing reads anyway; else owned */
    char *name;
    char name_short[CC__AGENT_NAME_SHORT];
    int64_t state_since_ms;
    /* line 2: capacity per channel (counts and maxima fit 16 bits:
     * CC__MAX_PER_CHANNEL) */
    int16_t count[CC_CHANNEL__COUNT], cap_max[CC_CHANNEL__COUNT];
    int32_t cap_load[CC_CHANNEL__COUNT];
    /* line 3: strategy keys and the last-agent heap */
    int64_t offer_start_ms;
    uint64_t rr_seq, answered;
    int64_t talk_ms;
    cc__heap pref; /* contacts waiting for this agent as their last agent */
    uint32_t pref_bound;
    int legs_inline; /* legs and reason live in the agent's block (locality) */
    /* Room for memberships and matches in the agent's block (NULL / 0 for a
     * restored record): ms and matches point here while they fit, so the
     * lines an agent's routing reads sit on the record's pages; outgrowing a
     * tail moves the array to an allocation of its own (agent.c). */
    cc__membership *ms_tail;
    cc__match *match_tail;
    uint32_t ms_tail_cap, match_tail_cap;
    /* cold */
    char *reason; /* not-ready reason, "" when none: a CC__REASON_SIZE buffer
                     (fixed, so routing cascades never allocate) */
    char *display;
    cc__skill *skills; /* sorted by id */
    uint32_t nskills;
    uint32_t matches_cap, ms_cap;
    uint32_t release_next; /* cc__agents_release's list (fills padding; set before read) */
    int64_t login_ms;
} cc__agent;

/* Requirements a contact keeps inside its record (most ask for 1 or 2). */
#define CC__OWN_INLINE 2

/* Contact routing states (the public cc_contact_state is derived). */
typedef enum cc__cstate {
    CC__C_NEW,     /* being created */
    CC__C_WAITING, /* in profile heaps (or the pref heap of an agent) */
    CC__C_OFFERED, /* ringing at one or more agents */
    CC__C_DIALING, /* callback dialing for a reserved agent */
    CC__C_RETRY,   /* callback waiting for its retry timer */
    CC__C_IDLE,    /* not routing: connected (see agent) */
    CC__C_ENDED    /* terminal event being emitted */
} cc__cstate;

/* Timer kinds. Contact timers keep their due time in contact->due[kind]. */
typedef enum cc__tkind {
    CC__T_RING = 0,     /* offer ring timeout / callback dial timeout */
    CC__T_MAXWAIT = 1,
    CC__T_ESCALATE = 2,
    CC__T_PREF = 3,     /* last-agent preference expiry */
    CC__T_RETRY = 4,    /* callback retry */
    CC__T_CONTACT_KINDS = 5,
    CC__T_WRAPUP = 8    /* agent wrap-up end (k3 = contact id) */
} cc__tkind;

typedef struct cc__contact {
    uint64_t id, customer_id;
    uint32_t slot;
    uint32_t aside_prev; /* the queue's aside list (cc__aside_sync): slots, CC__NONE at
                            the ends; in padding, so the record keeps its size */
    uint64_t ordinal; /* arrival order: the last heap key, total order */
    cc_channel channel;
    uint32_t aside_next;
    cc__queue *queue;
    cc__cstate state;
    int32_t base_priority, priority;
    cc__skill *own_req; /* the contact's own requirements: own_inline when they
                           fit (one allocation less per arrival), else owned */
    uint32_t nown;
    cc__skill own_inline[CC__OWN_INLINE];
    char *reason;
    int64_t vstart_ms, entered_ms, arrived_ms;
    /* profiles the contact waits in: [0] its queue's, then added queues;
     * &profile_one when there is one (most contacts: no allocation) */
    cc__profile **profiles;
    uint32_t nprofiles, profiles_cap;
    uint32_t esc_step;
    /* offers */
    uint32_t offer_head; /* first offered agent slot, CC__NONE */
    uint32_t noffers;
    uint32_t declined;   /* agent slot that last rejected / let it ring out */
    uint64_t declined_ordinal;
    /* connection */
    uint32_t agent;       /* connected agent slot, CC__NONE */
    uint32_t consult_from; /* agent slot keeping the contact during a consult */
    cc__queue *leg_queue;  /* queue of the current leg (for a consult); NULL without one */
    int direct;           /* offered directly (agent transfer): requeue on failure */
    /* last-agent preference */
    uint32_t pref_agent;
    int via_pref; /* the offer being made comes from the preference (set for
                     the duration of cc__offer, so event consumers in tests can
                     tell a preferred offer from a queue-order one) */
    int aside; /* on its queue's aside list */
    cc__profile *via_profile; /* likewise: the profile the offer was chosen from */
    /* callback */
    int32_t attempts;
    int answered; /* connected once: a callback's customer is on the line, so
                     later offers (transfers) ring agents instead of dialing */
    int maxwait_hit;
    int64_t due[CC__T_CONTACT_KINDS];
    cc__profile *profile_one;
} cc__contact;

/* Whether c's customer is on the line: any contact but a callback not
 * answered yet, which waits off the line (its place kept) to be dialed. A
 * contact turned into a callback after an answer (a transferred call) is off
 * the line again: to_callback clears `answered`. */
static inline int cc__contact_on_line(const cc__contact *c)
{
    return c->channel != CC_CHANNEL_CALLBACK || c->answered;
}

typedef struct cc__backend_binding {
    const cc_backend *vt;
    void *state;
} cc__backend_binding;

/* Customer -> last agent, for last-agent preference. */
typedef struct cc__last_agent {
    uint32_t agent_slot;
    uint64_t agent_ordinal;
    int64_t ended_ms;
} cc__last_agent;

struct cc_engine {
    cc_event_fn event_fn;
    void *event_user_data;
    cc_select_policy select;
    cc_agent_after rona_after, reject_after;
    char *rona_reason, *reject_reason;
    int64_t last_agent_window_ms;
    uint64_t rng[4];
    int64_t now_ms;
    uint64_t seq, next_ordinal, rr_counter, timer_counter;
    int busy;
    cc__backend_binding backends[CC_CHANNEL__COUNT];
    /* skills */
    cc__core_names skill_ids;
    char **skill_names;
    size_t nskills, skill_names_cap;
    /* queues by name, and in creation order (NULL = removed) */
    cc__core_names queue_map;
    cc__queue **queues;
    size_t nqueues, queues_cap;
    /* agents: slot table */
    cc__core_names agent_map;
    cc__agent **agents;
    uint32_t *agent_gen;
    size_t nagent_slots, agents_cap, nagents;
    uint32_t *agent_free;
    size_t nagent_free, agent_free_cap;
    /* contacts: slot table */
    cc__core_ids contact_map;
    cc__contact **contacts;
    uint32_t *contact_gen;
    size_t ncontact_slots, contacts_cap, ncontacts;
    uint32_t *contact_free;
    size_t ncontact_free, contact_free_cap;
    /* timers: k1 = due, k2 = creation counter, k3 = kind | aux */
    cc__heap timers;
    size_t timer_bound;
    /* input atomicity (queue.c): what the input in progress created */
    cc__profile *txn_profiles;
    size_t txn_nskills;
    uint64_t txn_rng[4];
    /* last agent per customer: id -> owned cc__last_agent */
    cc__core_ids last_agent;
};

/* Signed times as unsigned heap keys that order alike (the sign bit
 * flipped), and back. O(1); inline: every index push and head compare. */
static inline uint64_t cc__bias(int64_t v)
{
    return (uint64_t)v ^ 0x8000000000000000ull;
}

static inline int64_t cc__unbias(uint64_t k)
{
    return (int64_t)(k ^ 0x8000000000000000ull);
}

/* ---- hot predicates, inline --------------------------------------------------
 * Called per heap entry looked at and per matched profile by the routing loops
 * (routing.c) and index pushes (agent.c), which are in other files than their
 * data: as out-of-line calls they cost a call per step. All O(1) except
 * cc__agent_channels, O(channels). */

/* Whether agent a takes work at all now: logged in, not (about to go)
 * not-ready, no offer ringing. */
static inline int cc__agent_present(const cc__agent *a)
{
    return a->logged_in && !a->paused && !a->pause_pending && a->offer_contact == CC__NONE;
}

/* Whether a has room for one more contact of channel ch: the channel's
 * capacity and, when set, the total load budget. */
static inline int cc__agent_has_room(const cc__agent *a, int ch)
{
    return a->count[ch] < a->cap_max[ch] && (!a->budget || a->load + a->cap_load[ch] <= a->budget);
}

/* Whether agent a can take one more contact of channel ch now. */
static inline int cc__agent_available(const cc__agent *a, cc_channel ch)
{
    return cc__agent_present(a) && cc__agent_has_room(a, ch);
}

/* The channels (bit ch) agent a can take one more contact of now. Reads only
 * the agent's own record, O(channels), once per routing or index pass: the
 * O(m) loops over matched profiles then test a bit instead of re-checking
 * presence, capacity and load per profile, and a busy agent (the common case
 * right after an accept) skips its profiles without touching their lines. */
static inline uint32_t cc__agent_channels(const cc__agent *a)
{
    if (!cc__agent_present(a)) return 0;
    uint32_t mask = 0;
    for (int ch = 1; ch < CC_CHANNEL__COUNT; ch++)
        if (cc__agent_has_room(a, ch)) mask |= 1u << ch;
    return mask;
}

/* Asks for every line of an agent's record and its first leg at once: where a
 * record is met cold (the agent of a call that ends), the misses of the lines
 * the next steps read then overlap instead of following each other (at an
 * index top it measured no gain: the offer's reads overlap already).
 * O(record lines); a hint only. */
static inline void cc__agent_prefetch(const cc__agent *a)
{
    for (size_t off = 0; off < sizeof *a; off += 64) __builtin_prefetch((const char *)a + off);
    __builtin_prefetch(a + 1); /* the legs of a record built by cc_engine_agent_add */
}

/* Asks for every line of a contact's record at once, for the same reason as
 * cc__agent_prefetch: the contact an end or a transfer names was last touched
 * minutes before. O(record lines); a hint only. */
static inline void cc__contact_prefetch(const cc__contact *c)
{
    for (size_t off = 0; off < sizeof *c; off += 64) __builtin_prefetch((const char *)c + off);
}

/* Heap entry validity (cc__heap_valid_fn). Removing an agent or destroying a
 * contact bumps its slot's generation too, so the generation alone decides
 * (one memory access per entry, not two). */
static inline int cc__agent_entry_valid(const cc__hentry *h, void *ctx)
{
    const cc_engine *e = (const cc_engine *)ctx;
    return h->slot < e->nagent_slots && e->agent_gen[h->slot] == h->gen;
}

static inline int cc__contact_entry_valid(const cc__hentry *h, void *ctx)
{
    const cc_engine *e = (const cc_engine *)ctx;
    return h->slot < e->ncontact_slots && e->contact_gen[h->slot] == h->gen;
}

/* Generation bumps: every heap entry of the object becomes stale at once, so
 * it leaves all its indexes in O(1) (entries are dropped lazily: at the top,
 * or when a full heap compacts, each once). */
static inline void cc__agent_touch(cc_engine *e, cc__agent *a)
{
    e->agent_gen[a->slot]++;
}

static inline void cc__contact_touch(cc_engine *e, cc__contact *c)
{
    e->contact_gen[c->slot]++;
}

/* The first contact of q's aside list and the one after x (NULL at the end). */
static inline const cc__contact *cc__aside_first(const cc_engine *e, const cc__queue *q)
{
    return q->aside_head1 ? e->contacts[q->aside_head1 - 1] : NULL;
}
static inline const cc__contact *cc__aside_after(const cc_engine *e, const cc__contact *x)
{
    return x->aside_next != CC__NONE ? e->contacts[x->aside_next] : NULL;
}

/* ---- engine.c ------------------------------------------------------------ */
void cc__emit(cc_engine *e, cc_event *ev);
cc_status cc__engine_enter(cc_engine *e, int64_t now_ms, const char *what);
void cc__engine_leave(cc_engine *e);
uint64_t cc__rng_next(cc_engine *e);
double cc__rng_unit(cc_engine *e); /* (0, 1] */
const cc_backend *cc__backend(cc_engine *e, cc_channel ch, void **state);
cc_status cc__check_name(const char *what, const char *name);
int cc__skill_intern(cc_engine *e, const char *name, uint32_t *id); /* 0 / -1 ENOMEM */
cc_status cc__skills_convert(cc_engine *e, const char *owner, const cc_skill *in, size_t n,
                             int allow_zero, cc__skill **out, uint32_t *nout);
/* Like cc__skills_convert, but up to nbuf skills go into buf (no allocation:
 * *out == buf); more are allocated. Callers free *out only when != buf. */
cc_status cc__skills_convert_into(cc_engine *e, const char *owner, const cc_skill *in, size_t n,
                                  int allow_zero, cc__skill *buf, size_t nbuf, cc__skill **out,
                                  uint32_t *nout);

/* ---- slot tables --------------------------------------------------------- */
cc__agent *cc__agent_at(const cc_engine *e, uint32_t slot);
cc__contact *cc__contact_at(const cc_engine *e, uint32_t slot);
cc__agent *cc__agent_find(const cc_engine *e, const char *name);
cc__contact *cc__contact_find(const cc_engine *e, uint64_t id);
cc__queue *cc__queue_find(const cc_engine *e, const char *name);
int cc__queue_in_use(const cc__queue *q);

/* ---- queue.c: profiles --------------------------------------------------- */
/* Finds or creates the profile (q, ch, req); NULL + CC_ENOMEM detail on failure. */
cc__profile *cc__profile_get(cc_engine *e, cc__queue *q, cc_channel ch, const cc__skill *req,
                             uint32_t nreq);
int cc__profile_reserve(cc__profile *p, uint32_t more); /* room for more contacts */
/* Links profile p, read by a restore, with the profiles of q read before it
 * (stronger lists both ways, as creation does). O(P_q r); 0 / -1 ENOMEM. */
int cc__profile_link(cc__queue *q, cc__profile *p);
void cc__profile_detach(cc__profile *p);
int cc__agent_eligible(const cc__agent *a, const cc__profile *p);
cc__match *cc__match_of(const cc__agent *a, const cc__profile *p); /* O(m), NULL if none */
/* Whether profile s is stronger than w: same queue and channel, and s's
 * requirements imply w's (profiles are distinct, so never both ways). */
int cc__profile_stronger(const cc__profile *s, const cc__profile *w);
int cc__skills_merge(const cc__skill *a, uint32_t na, const cc__skill *b, uint32_t nb,
                     int32_t relax, cc__skill **out, uint32_t *nout);
void cc__queue_destroy(cc__queue *q);
cc_status cc__queue_validate(const cc_queue_config *c); /* CC_OK or CC_EINVAL + detail */
void cc__queue_set_scalars(cc__queue *q, const cc_queue_config *c); /* defaults applied */
void cc__txn_begin(cc_engine *e);  /* before an input prepares */
void cc__txn_commit(cc_engine *e); /* once it cannot fail any more */
void cc__txn_abort(cc_engine *e);  /* it failed: drop created profiles/skills */

/* ---- agent.c ------------------------------------------------------------- */
void cc__agent_index(cc_engine *e, cc__agent *a); /* (re-)insert where available */
void cc__agent_index_one(cc_engine *e, cc__agent *a, cc__match *m);
/* Sets the home flag of each of a's matches by the rule of cc__match. O(m *
 * P_q * (skills + requirements)); run when the matches, a profile set or a
 * strategy change, never per decision. */
void cc__agent_homes(cc__agent *a);
int cc__match_home(const cc__agent *a, const cc__profile *p); /* the rule, for one match */
void cc__agent_update_state(cc_engine *e, cc__agent *a, int64_t now);
void cc__agent_release(cc_engine *e, cc__agent *a, int64_t now); /* free again: route */
/* Releases the agents of an offer_next chain (withdraw_all's, ring_timeout's) together:
 * each is made available and indexed before any of them picks work, so a ring-all
 * contact one of them picks rings all the others too. O(k * m log n) for k agents. */
void cc__agents_release(cc_engine *e, uint32_t chain, int64_t now);
void cc__agent_after(cc_engine *e, cc__agent *a, cc_agent_after what, const char *reason,
                     int64_t now);
cc__leg *cc__agent_leg(cc__agent *a, uint64_t contact_id);
void cc__leg_finish(cc_engine *e, cc__agent *a, cc__leg *leg, int64_t now); /* talk ends */
void cc__leg_drop(cc_engine *e, cc__agent *a, cc__leg *leg, int64_t now);
void cc__fill_leg_event(cc_event *ev, cc_event_type t, const cc__agent *a, const cc__leg *leg,
                        int64_t now);
/* Room for `need` matches (moving them out of the block's tail if they
 * outgrow it); 0 / -1 ENOMEM with the matches unchanged. */
int cc__agent_matches_reserve(cc__agent *a, size_t need);
/* Most matches an agent's block makes room for (CC__MATCH_ROOM_MAX). */
#define CC__MATCH_ROOM_MAX 64
/* The matches an agent's block makes room for, `room` plus queue q's share:
 * the profiles q has now, or three when it has fewer (requirement levels
 * appear as contacts arrive; three levels of one skill per queue is the
 * common case); at most CC__MATCH_ROOM_MAX, beyond which the matches get an
 * allocation of their own. O(1). */
size_t cc__match_room_add(size_t room, const cc__queue *q);
/* Reallocates record *pa (it moves; a name inside it follows) into one block
 * with its legs, room for ms_room memberships and match_room matches, and
 * its reason buffer, all zeroed (cc__agent); called before the legs and the
 * reason hold anything. 0 / -1 ENOMEM with *pa unchanged. */
int cc__agent_block(cc__agent **pa, size_t legs, size_t ms_room, size_t match_room);
void cc__agent_free(cc__agent *a);
/* Sets a->name from `name`: inline when short, else an owned copy; 0 / -1
 * ENOMEM. Called once the record no longer moves (name may point into it). */
int cc__agent_name_set(cc__agent *a, const char *name);
void cc__staffing_changed(cc_engine *e, cc__agent *a, int before, int64_t now);
void cc__member_detach(cc_engine *e, cc__agent *a, cc__queue *q, int64_t now);
void cc__agent_logout_now(cc_engine *e, cc__agent *a, int64_t now);
void cc__pref_flush(cc_engine *e, cc__agent *a, int64_t now);
void cc__pref_clear(cc_engine *e, cc__contact *c);
void cc__wrapup_due(cc_engine *e, cc__agent *a, uint64_t contact_id, int64_t due);
int cc__agent_staffed(const cc__agent *a);
int cc__member_weight_ok(double w); /* in CC_MEMBER_WEIGHT_MIN..MAX (engine.h) */
uint64_t cc__agent_key1(const cc__agent *a, const cc__membership *m, const cc__profile *p,
                        cc_engine *e, uint64_t *k2);

/* ---- routing.c ----------------------------------------------------------- */
void cc__route_contact(cc_engine *e, cc__contact *c, int64_t now);
void cc__route_agent(cc_engine *e, cc__agent *a, int64_t now);
void cc__contact_push(cc_engine *e, cc__contact *c);  /* into its profile heaps */
void cc__contact_key(const cc__contact *c, cc__hentry *h); /* k1..k3 of its entries */
void cc__offer(cc_engine *e, cc__contact *c, cc__agent *a, int ring_all, int64_t now);
void cc__offer_end(cc_engine *e, cc__contact *c, cc__agent *a, cc_event_type why,
                   int call_withdraw, int64_t now);
cc__membership *cc__membership_of(const cc__agent *a, const cc__queue *q);
void cc__offer_failed(cc_engine *e, cc__contact *c, cc__agent *a, int64_t now);
void cc__dial_outcome(cc_engine *e, cc__contact *c, cc_dial_result r, int64_t now);
void cc__offers_none_left(cc_engine *e, cc__contact *c, int64_t now);
void cc__contact_timer(cc_engine *e, cc__contact *c, cc__tkind kind, int64_t due, cc_status *st);

/* ---- contact.c ----------------------------------------------------------- */
void cc__contact_set_state(cc_engine *e, cc__contact *c, cc__cstate st);
/* Puts c on its queue's aside list or takes it off, as its state says. O(1). */
void cc__aside_sync(cc_engine *e, cc__contact *c);
/* Takes c off its queue's aside list (before it changes queue or goes). O(1). */
void cc__aside_unlink(cc_engine *e, cc__contact *c);
void cc__enqueue(cc_engine *e, cc__contact *c, cc__queue *q, int fresh, int64_t now);
void cc__requeue(cc_engine *e, cc__contact *c, int64_t now);
void cc__contact_terminal(cc_engine *e, cc__contact *c, cc_event_type type,
                          const char *reason, int64_t now);
void cc__contact_destroy(cc_engine *e, cc__contact *c);
void cc__contact_free(cc__contact *c); /* the record and what it owns, nothing else */
void cc__connect(cc_engine *e, cc__contact *c, cc__agent *a, int64_t now);
void cc__fill_contact_event(cc_event *ev, cc_event_type t, const cc__contact *c, int64_t now);
int cc__contact_reserve(cc_engine *e, cc__contact *c);
void cc__leave_empty(cc_engine *e, cc__queue *q, int64_t now);

/* ---- query.c ------------------------------------------------------------- */
void cc__position(const cc_engine *e, const cc__contact *c, int32_t *pos, int64_t *ewt);

/* ---- invariants.c: full consistency check for tests; 0, or -1 + message */
int cc__engine_check(const cc_engine *e, char *msg, size_t n);

/* ---- timer.c ------------------------------------------------------------- */
void cc__timer_set(cc_engine *e, cc__contact *c, cc__tkind kind, int64_t due);
void cc__timer_wrapup(cc_engine *e, cc__agent *a, cc__leg *leg);
int cc__timer_reserve(cc_engine *e, size_t extra_bound);
int cc__timer_entry_valid(const cc__hentry *h, void *ctx);

#endif
