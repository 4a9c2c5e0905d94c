"""The routing engine: queues, agents, contacts, events and media backends.

The engine is pure and deterministic: every call that changes state takes the
time ``now_ms`` (milliseconds, never decreasing; omitted, it is the engine's
current time) and timers fire only in :meth:`Engine.advance`::

    import callcore
    events = []
    with callcore.Engine(event_sink=events.append) as eng:
        sales = eng.add_queue("sales", strategy="longest-idle", ring_timeout_ms=15_000)
        ann = eng.add_agent("ann", queues=["sales"], now_ms=0)
        ann.login(now_ms=0)
        call = eng.add_contact(1, "sales", now_ms=1_000)      # offered to ann at once
        call.accept("ann", now_ms=3_000)
        call.end("resolved", now_ms=60_000)
    print([e.name for e in events])

Child objects (Queue, Agent, Contact) keep their Engine alive; closing the
engine (or leaving the ``with`` block) frees the C engine, after which every
call raises :class:`callcore.Closed`.
"""

import enum
import numbers
import operator
import types

from . import capi
from .errors import Closed, Error
from .owned import enter_call, leave_call, refuse_copy, take_for_close
from .events import AgentState, Channel, Event, _enum_from_capi

__all__ = ["Engine", "Queue", "Agent", "Contact", "Backend", "Strategy", "ContactState",
           "SelectPolicy", "AgentAfter", "MaxWaitAction", "JoinPolicy", "TransferKind",
           "DialResult", "SuperviseMode", "TIME_LIMIT_MS"]


Strategy = _enum_from_capi("Strategy", "CC_STRATEGY_", "Agent selection strategies of a queue; "
                           "configs also accept the names ('longest-idle', 'ring-all', ...).")
Strategy.label = property(lambda self: capi.cc_strategy_name(int(self)))
ContactState = _enum_from_capi("ContactState", "CC_CONTACT_", "States of a live contact.")
SelectPolicy = _enum_from_capi("SelectPolicy", "CC_SELECT_",
                               "How a freed agent picks among queues.")
AgentAfter = _enum_from_capi("AgentAfter", "CC_AFTER_",
                             "Agent state after a ring-no-answer/reject.")
MaxWaitAction = _enum_from_capi("MaxWaitAction", "CC_MAX_WAIT_", "What max_wait_ms does.")
JoinPolicy = _enum_from_capi("JoinPolicy", "CC_JOIN_", "Whether contacts join unstaffed queues.")
TransferKind = _enum_from_capi("TransferKind", "CC_TRANSFER_", "Blind or consult transfer.")
DialResult = _enum_from_capi("DialResult", "CC_DIAL_", "Outcome of a callback dial.")
SuperviseMode = _enum_from_capi("SuperviseMode", "CC_SUPERVISE_", "Monitor, whisper or barge.")


#: Every time (now_ms, virtual_start_ms) lies within +-TIME_LIMIT_MS and every
#: configured duration within 0..TIME_LIMIT_MS (2**48 ms, ~8,900 years).
TIME_LIMIT_MS = capi.CC_TIME_LIMIT_MS
_NO_DEADLINE = 2 ** 63 - 1  # CC_NO_DEADLINE (INT64_MAX)
_NOT_STARTED = -(2 ** 63)   # cc_engine_now() before any call (INT64_MIN)
_STATUS_MIN = -(2 ** 31)    # a cc_status is a C int


def _time_ms(value):
    """A time in ms: any real number (a float is truncated to whole ms, as a clock read in
    float seconds times 1000 gives), never a str or a bool, which int() took as "10" -> 10
    and True -> 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"a time in ms must be a number, got {value!r}")
    return int(value)


def _plain(value):
    """Enums and nested containers to the plain values the C layer reads."""
    if isinstance(value, enum.Enum):
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _status(d, **enums):
    for key, cls in enums.items():
        try:
            d[key] = cls(d[key])
        except ValueError:
            pass
    return types.SimpleNamespace(**d)


class Backend:
    """Base class of a media backend written in Python.

    Bind it with :meth:`Engine.bind_backend`; the engine calls these methods
    synchronously from inside its input functions, so they must not call the
    engine back (the engine answers :class:`callcore.Busy`): record what to
    do and report later (``contact.accept(...)``, ``callback_result(...)``).
    Return None (success) or a negative cc_status int. An exception raised
    here fails the media action (an offer becomes a reject) and is re-raised
    by the engine call that triggered it. Every method is optional.
    """

    def open(self, engine, channel):
        """Called once when bound to ``channel`` of ``engine``."""

    def close(self):
        """Called when unbound or when the engine is freed."""

    def offer(self, offer, now_ms):
        """Ring ``offer.agent`` with ``offer.contact_id`` (a namespace with
        contact_id, customer_id, channel, queue, agent, ring_timeout_ms,
        priority, ring_all)."""

    def withdraw(self, contact_id, agent, now_ms):
        """Stop ringing ``agent``."""

    def bridge(self, contact_id, agent, now_ms):
        """Connect the customer and ``agent``."""

    def announce(self, contact_id, position, ewt_ms, now_ms):
        """Tell a waiting customer their position and expected wait (-1 unknown)."""

    def dial(self, contact_id, customer_id, agent, attempt, now_ms):
        """Dial a callback for the reserved ``agent``."""

    def hangup(self, contact_id, reason, now_ms):
        """Release the customer's media (reason: ended, left, blocked, callback)."""

    def supervise(self, contact_id, agent, supervisor, mode, now_ms):
        """Monitor / whisper / barge (``mode`` is a SuperviseMode)."""


class _BackendAdapter:
    """What the C vtable calls: converts arguments, forwards to the user's
    Backend, and turns an exception into a failing status plus a pending
    exception on the engine."""

    def __init__(self, engine, backend):
        self._engine_ref = engine
        self.backend = backend

    def _run(self, fn, *args):
        try:
            r = fn(*args)
            # None or a cc_status (0 or negative). Anything else is the backend's error,
            # checked here so that it is re-raised like an exception: converted after
            # the try, a str escaped to C (printed, never raised) and 2**40 reached C's
            # int as 0, a success.
            if r is None:
                status = 0
            elif not hasattr(type(r), "__index__"):
                raise TypeError(f"backend {fn.__name__}() must return None or a negative "
                                f"cc_status, got {r!r}")
            else:
                status = operator.index(r)
                if not _STATUS_MIN <= status <= 0:
                    raise ValueError(f"backend {fn.__name__}() must return None or a "
                                     f"negative cc_status, got {r!r}")
        except BaseException as exc:  # noqa: BLE001 - re-raised by the engine call
            self._engine_ref._defer(exc)
            return capi.CC_EIO
        return status

    def open(self, channel):
        return self._run(self.backend.open, self._engine_ref, Channel(channel))

    def close(self):
        return self._run(self.backend.close)

    def offer(self, offer, now_ms):
        offer["channel"] = Channel(offer["channel"])
        offer["ring_all"] = bool(offer["ring_all"])
        return self._run(self.backend.offer, types.SimpleNamespace(**offer), now_ms)

    def withdraw(self, contact_id, agent, now_ms):
        return self._run(self.backend.withdraw, contact_id, agent, now_ms)

    def bridge(self, contact_id, agent, now_ms):
        return self._run(self.backend.bridge, contact_id, agent, now_ms)

    def announce(self, contact_id, position, ewt_ms, now_ms):
        return self._run(self.backend.announce, contact_id, position, ewt_ms, now_ms)

    def dial(self, contact_id, customer_id, agent, attempt, now_ms):
        return self._run(self.backend.dial, contact_id, customer_id, agent, attempt, now_ms)

    def hangup(self, contact_id, reason, now_ms):
        return self._run(self.backend.hangup, contact_id, reason, now_ms)

    def supervise(self, contact_id, agent, supervisor, mode, now_ms):
        return self._run(self.backend.supervise, contact_id, agent, supervisor,
                         SuperviseMode(mode), now_ms)


class Engine:
    """A routing engine (``cc_engine``): owns queues, agents and contacts.

    Keyword options (all optional): ``seed`` (PRNG of the random strategies),
    ``select`` (:class:`SelectPolicy`), ``rona_after`` / ``reject_after``
    (:class:`AgentAfter`), ``rona_reason`` / ``reject_reason`` (str),
    ``last_agent_window_ms``, ``event_sink`` (a callable receiving each
    :class:`Event`), ``kpi`` (a :class:`callcore.KpiAggregator` fed with every
    event, in C: no Python call per event). More sinks can be added with
    :meth:`subscribe`; without any, events never reach Python.

    Not thread-safe: use one engine from one thread at a time.
    """

    def __init__(self, *, event_sink=None, kpi=None, **options):
        self._ptr = None
        self._calls = 0  # C calls on this engine in progress (callbacks run inside them)
        self._depth = 0  # nesting of _call_c: >1 inside a sink or backend of another call
        # A tuple, replaced (never changed in place) by subscribe/unsubscribe: _dispatch
        # iterates it while a sink may unsubscribe itself or another one.
        self._sinks = ()
        self._pending = None
        self._backends = {}
        self._kpi = kpi
        # The C engine sends events to a hub: straight to the KPI aggregator
        # in C, and to self._dispatch while Python sinks are subscribed. C
        # borrows the hub, the aggregator and the bound method: this object
        # keeps all three for as long as the C engine lives.
        self._dispatch_ref = self._dispatch
        self._hub = capi.cc_py_hub_new(None if kpi is None else kpi._handle(), None)
        if event_sink is not None:
            self._add_sink(event_sink)  # before the C engine exists
        opts = _plain(options)
        opts["event_sink"] = self._hub
        self._ptr = capi.cc_engine_new(opts)
        if kpi is not None:
            kpi._attach(self, self._hub)

    # -- lifetime ---------------------------------------------------------
    def close(self):
        """Frees the C engine (closing its backends). Idempotent. Raises
        :class:`callcore.Busy` from inside an engine call (an event sink, a
        backend method, the aggregator's on_contact): the engine is in use."""
        ptr = take_for_close(self)
        if ptr is not None:
            self._calls += 1  # backends' close() run inside the free
            try:
                capi.cc_engine_free(ptr)
            finally:
                self._calls -= 1
            self._backends.clear()
            if self._kpi is not None:
                self._kpi._detach(self)
            self._raise_pending()

    __copy__ = __deepcopy__ = refuse_copy

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        ptr = getattr(self, "_ptr", None)
        if ptr is not None:
            # As close() does: the engine reads as closed before it is freed, so a
            # backend whose close() calls the engine back gets Closed instead of
            # running on a half-freed engine (whose other backends' state is gone).
            self._ptr = None
            capi.cc_engine_free(ptr)

    @property
    def closed(self):
        """True once :meth:`close` ran."""
        return self._ptr is None

    def _handle(self):
        if self._ptr is None:
            raise Closed(capi.CC_ECLOSED, "engine is closed")
        return self._ptr

    def _in_use(self):
        """True while a C call on this engine runs (its callbacks run inside it)."""
        return self._calls > 0

    # -- events -------------------------------------------------------------
    def subscribe(self, sink):
        """Adds a callable that receives every :class:`Event` (in order).
        Raises :class:`callcore.Closed` once the engine is closed: no event
        would ever reach it."""
        self._handle()
        return self._add_sink(sink)

    def _add_sink(self, sink):
        if not callable(sink):
            raise TypeError("event sink must be callable")
        self._sinks = self._sinks + (sink,)
        capi.cc_py_hub_set_callable(self._hub, self._dispatch_ref)
        return sink

    def unsubscribe(self, sink):
        """Removes a sink added with :meth:`subscribe` or ``event_sink``
        (:class:`callcore.Closed` once the engine is closed)."""
        self._handle()
        sinks = list(self._sinks)
        sinks.remove(sink)
        self._sinks = tuple(sinks)
        if not self._sinks:  # events then stay in C (KPI only)
            capi.cc_py_hub_set_callable(self._hub, None)

    def _dispatch(self, raw):
        try:
            ev = Event.from_dict(raw)
            for sink in self._sinks:
                sink(ev)
        except BaseException as exc:  # noqa: BLE001 - re-raised after the C call
            self._defer(exc)

    def _defer(self, exc):
        if self._pending is None:
            self._pending = exc

    def _raise_pending(self, cause=None):
        if self._pending is None and self._kpi is not None:
            self._pending, self._kpi._pending = self._kpi._pending, None  # on_contact errors
        exc, self._pending = self._pending, None
        if exc is not None:
            raise exc from cause

    def _call(self, fn, *args):
        """Runs a capi function on this engine, then re-raises an exception a
        sink or backend raised during it."""
        result = self._call_c(fn, *args)
        if not self._depth:
            self._raise_pending()
        return result

    def _call_c(self, fn, *args):
        """Runs a capi function on this engine. A failing status raises (an exception a
        sink or backend raised first, else the Error); what they raised during a call
        that succeeded stays pending for :meth:`_raise_pending`. Only the outermost call
        takes it: one a sink makes (a status read) would raise another callback's
        exception inside that sink, which then missed the rest of its events."""
        handle = enter_call(self)
        self._depth += 1  # the engine's own thread only (one thread at a time)
        try:
            return fn(handle, *args)
        except Error as err:
            if self._depth == 1:
                self._raise_pending(err)
            raise
        finally:
            self._depth -= 1
            leave_call(self)

    def _query(self, fn):
        """Runs a read-only capi function on this engine with the engine marked
        in use: the GIL is released during the C call, so a close() from another
        thread must be refused (Busy) rather than free the engine under it."""
        handle = enter_call(self)
        try:
            return fn(handle)
        finally:
            leave_call(self)

    def _now(self, now_ms):
        if now_ms is not None:
            return _time_ms(now_ms)
        now = self._query(capi.cc_engine_now)
        # 0 before any call only: a negative engine time is a time like any other
        return 0 if now == _NOT_STARTED else now

    # -- time -------------------------------------------------------------
    @property
    def now(self):
        """The engine's current time in ms (None before the first call)."""
        now = self._query(capi.cc_engine_now)
        return None if now == _NOT_STARTED else now

    @property
    def next_deadline(self):
        """Earliest pending timer in ms, or None when there is none."""
        d = self._query(capi.cc_engine_next_deadline)
        return None if d == _NO_DEADLINE else d

    def advance(self, now_ms):
        """Fires every timer due at or before ``now_ms`` and adopts that time."""
        self._call(capi.cc_engine_advance, _time_ms(now_ms))

    def _call_named(self, fn, name, config, *now):
        """Calls ``fn`` with the keyword options as a plain config dict named
        ``name`` (followed by the time, for the calls that take one)."""
        cfg = _plain(config)
        cfg["name"] = name
        self._call(fn, cfg, *now)

    # -- queues -----------------------------------------------------------
    def add_queue(self, name, **config):
        """Adds a queue; keyword options are the fields of ``cc_queue_config``
        (strategy, weight, sl_threshold_ms, ring_timeout_ms, wrapup_ms,
        max_length, max_wait_ms, max_wait_action, overflow_queue, join,
        leave_when_empty, skills={name: level}, escalations=[{...}],
        last_agent_wait_ms, callback_max_attempts, callback_retry_ms,
        aht_hint_ms). Returns the :class:`Queue`."""
        self._call_named(capi.cc_engine_queue_add, name, config)
        return Queue(self, name)

    def configure_queue(self, name, *, now_ms=None, **config):
        """Reconfigures the existing queue ``name`` in place
        (``cc_engine_queue_configure``): keyword options as for
        :meth:`add_queue`, the complete new configuration (absent options take
        their defaults, not the queue's current values). Atomic; raises
        NotFound, InvalidArgument, or InvalidState when skills change while
        contacts use the queue (or escalations once one has escalated).
        Returns the :class:`Queue`."""
        self._call_named(capi.cc_engine_queue_configure, name, config, self._now(now_ms))
        return Queue(self, name)

    def queue(self, name):
        """The :class:`Queue` called ``name`` (raises NotFound if absent)."""
        return _existing(Queue(self, name))

    def queues(self):
        """All queues, in creation order."""
        return [Queue(self, n) for n in self._query(capi.cc_sw_engine_queue_names)]

    # -- agents -----------------------------------------------------------
    def add_agent(self, name, *, now_ms=None, **config):
        """Adds a logged-out agent; keyword options: display_name,
        skills={name: level}, queues=["q", {"queue": "q2", "tier": 1}],
        capacity=[{"channel": Channel.CHAT, "max": 3, "load": 1}],
        load_budget. Returns the :class:`Agent`."""
        self._call_named(capi.cc_engine_agent_add, name, config, self._now(now_ms))
        return Agent(self, name)

    def agent(self, name):
        """The :class:`Agent` called ``name`` (raises NotFound if absent)."""
        return _existing(Agent(self, name))

    def agents(self):
        """All agents, in creation order."""
        return [Agent(self, n) for n in self._query(capi.cc_sw_engine_agent_names)]

    # -- contacts ---------------------------------------------------------
    def add_contact(self, id, queue, *, channel=Channel.VOICE, now_ms=None, **config):  # noqa: A002
        """A contact arrives in ``queue``; keyword options: customer_id,
        priority, skills={name: level}, reason, virtual_start_ms. It may be
        blocked at once (see the events / :attr:`Contact.state`). Returns the
        :class:`Contact`."""
        # operator.index, not int(): an id is an integer, never a truncated float or a str.
        cid = operator.index(id)
        cfg = _plain(config)
        cfg.update(id=cid, queue=queue, channel=operator.index(channel))
        self._call(capi.cc_engine_contact_add, cfg, self._now(now_ms))
        return Contact(self, cid)

    def contact(self, id):  # noqa: A002
        """The live :class:`Contact` with that id (raises NotFound if absent)."""
        return _existing(Contact(self, operator.index(id)))

    def contacts(self):
        """Live contacts, in creation order."""
        return [Contact(self, int(i)) for i in self._query(capi.cc_sw_engine_contact_ids)]

    # -- media ------------------------------------------------------------
    def bind_backend(self, channel, backend):
        """Binds a :class:`Backend` (any object with its methods) to
        ``channel``; the engine keeps it alive while bound."""
        adapter = _BackendAdapter(self, backend)
        self._call_c(capi.cc_py_engine_bind_backend, operator.index(channel), adapter)
        # Bound: C borrows the adapter from now on, so it is kept before what the previous
        # backend's close() raised is re-raised (else that exception freed the adapter).
        self._backends[operator.index(channel)] = adapter
        self._raise_pending()
        return backend

    # -- snapshots --------------------------------------------------------
    def snapshot(self):
        """The complete routing state as bytes (see cc_engine_snapshot)."""
        return self._call(capi.cc_engine_snapshot)

    def restore(self, blob):
        """Restores :meth:`snapshot` bytes into this (empty) engine."""
        self._call(capi.cc_engine_restore, blob)

    def __repr__(self):
        return "<callcore.Engine closed>" if self._ptr is None else \
            f"<callcore.Engine now={self.now}>"


class _Child:
    """A named object of an engine; holds a strong reference to the engine."""

    __slots__ = ("engine",)

    def __init__(self, engine):
        self.engine = engine

    def _call(self, fn, *args):
        return self.engine._call(fn, *args)

    def _now(self, now_ms):
        return self.engine._now(now_ms)

    # Two handles are equal when they name the same object of the same engine:
    # each subclass says which attribute identifies it (_IDENT) and its hash tag (_KIND).
    def __eq__(self, other):
        ident = self._IDENT
        return (isinstance(other, type(self)) and other.engine is self.engine
                and getattr(other, ident) == getattr(self, ident))

    def __hash__(self):
        return hash((self._KIND, getattr(self, self._IDENT)))

    def __repr__(self):
        return f"<callcore.{type(self).__name__} {getattr(self, self._IDENT)!r}>"


class Queue(_Child):
    """A queue of an :class:`Engine` (identified by name)."""

    __slots__ = ("name",)
    _KIND = "queue"
    _IDENT = "name"

    def __init__(self, engine, name):
        super().__init__(engine)
        self.name = name

    @property
    def status(self):
        """A namespace of ``cc_queue_status``: waiting, offered, connected,
        longest_wait_ms, members, staffed, available, aht_ms, ewt_ms (-1
        unknown), sl_threshold_ms, answered, abandoned."""
        return _status(self._call(capi.cc_engine_queue_status, self.name))

    def remove(self, now_ms=None):
        """Removes the queue (its members first)."""
        self._call(capi.cc_engine_queue_remove, self.name, self._now(now_ms))


class Agent(_Child):
    """An agent of an :class:`Engine` (identified by name)."""

    __slots__ = ("name",)
    _KIND = "agent"
    _IDENT = "name"

    def __init__(self, engine, name):
        super().__init__(engine)
        self.name = name

    @property
    def status(self):
        """A namespace of ``cc_agent_status``: state (:class:`AgentState`),
        reason, not_ready_pending, state_since_ms, idle_since_ms, contacts,
        load, offer_contact_id, answered, talk_ms."""
        return _status(self._call(capi.cc_engine_agent_status, self.name), state=AgentState)

    @property
    def state(self):
        """The agent's :class:`AgentState`."""
        return self.status.state

    def login(self, now_ms=None):
        """Logged out -> ready."""
        self._call(capi.cc_engine_agent_login, self.name, self._now(now_ms))

    def logout(self, now_ms=None):
        """-> logged out (refused while reserved or busy)."""
        self._call(capi.cc_engine_agent_logout, self.name, self._now(now_ms))

    def ready(self, now_ms=None):
        """Not-ready -> available."""
        self._call(capi.cc_engine_agent_ready, self.name, self._now(now_ms))

    def not_ready(self, reason=None, now_ms=None):
        """Not-ready with a reason (applies once the agent is free)."""
        self._call(capi.cc_engine_agent_not_ready, self.name, reason, self._now(now_ms))

    def set_skill(self, skill, level, now_ms=None):
        """Sets a skill level 1..10, or removes it with level 0."""
        self._call(capi.cc_engine_agent_set_skill, self.name, skill, operator.index(level),
                   self._now(now_ms))

    def join(self, queue, *, tier=0, penalty=0, weight=0.0, now_ms=None):
        """Adds a queue membership: tier and penalty >= 0 (linear order), weight
        the weighted-random weight in 1e-6..1e6 (0 means 1.0)."""
        qname = queue.name if isinstance(queue, Queue) else queue
        self._call(capi.cc_engine_member_add, self.name,
                   {"queue": qname, "tier": tier, "penalty": penalty, "weight": weight},
                   self._now(now_ms))

    def leave(self, queue, now_ms=None):
        """Removes a queue membership."""
        qname = queue.name if isinstance(queue, Queue) else queue
        self._call(capi.cc_engine_member_remove, self.name, qname, self._now(now_ms))

    def end_wrapup(self, contact_id=0, now_ms=None):
        """Ends the agent's wrap-up early (0 = all of them)."""
        self._call(capi.cc_engine_wrapup_end, self.name, operator.index(contact_id),
                   self._now(now_ms))

    def remove(self, now_ms=None):
        """Removes a logged-out agent."""
        self._call(capi.cc_engine_agent_remove, self.name, self._now(now_ms))


def _existing(child):
    """Returns ``child`` once its status was read (raises NotFound if absent)."""
    child.status  # noqa: B018 - checks existence
    return child


def _agent_name(agent):
    return agent.name if isinstance(agent, Agent) else agent


class Contact(_Child):
    """A contact of an :class:`Engine` (identified by its id)."""

    __slots__ = ("id",)
    _KIND = "contact"
    _IDENT = "id"

    def __init__(self, engine, contact_id):
        super().__init__(engine)
        self.id = contact_id

    @property
    def status(self):
        """A namespace of ``cc_contact_status``: state (:class:`ContactState`),
        channel, priority, held, consult_pending, queue, agent, customer_id,
        virtual_start_ms, entered_ms, callback_attempts, escalation_step."""
        return _status(self._call(capi.cc_engine_contact_status, self.id),
                       state=ContactState, channel=Channel)

    @property
    def alive(self):
        """False once the engine forgot the contact (ended and wrapped up)."""
        try:
            self.status  # noqa: B018
        except LookupError:
            return False
        return True

    @property
    def position(self):
        """(position, ewt_ms) of a waiting contact; ewt_ms is -1 when unknown."""
        return tuple(self._call(capi.cc_engine_contact_position, self.id))

    def accept(self, agent, now_ms=None):
        """The offered agent answers."""
        self._call(capi.cc_engine_offer_accept, self.id, _agent_name(agent), self._now(now_ms))

    def reject(self, agent, now_ms=None):
        """The offered agent declines."""
        self._call(capi.cc_engine_offer_reject, self.id, _agent_name(agent), self._now(now_ms))

    def ring_timeout(self, agent, now_ms=None):
        """The backend's ring timer ran out for ``agent``."""
        self._call(capi.cc_engine_offer_timeout, self.id, _agent_name(agent), self._now(now_ms))

    def hold(self, now_ms=None):
        """Puts a connected contact on hold."""
        self._call(capi.cc_engine_contact_hold, self.id, self._now(now_ms))

    def resume(self, now_ms=None):
        """Takes a held contact off hold."""
        self._call(capi.cc_engine_contact_resume, self.id, self._now(now_ms))

    def transfer(self, *, to_queue=None, to_agent=None, consult=False, now_ms=None):
        """Transfers a connected contact to a queue or an agent."""
        spec = {"kind": int(TransferKind.CONSULT if consult else TransferKind.BLIND),
                "target_queue": to_queue.name if isinstance(to_queue, Queue) else to_queue,
                "target_agent": _agent_name(to_agent) if to_agent is not None else None}
        self._call(capi.cc_engine_contact_transfer, self.id, spec, self._now(now_ms))

    def end(self, disposition=None, now_ms=None):
        """Ends a connected contact (the agent goes to wrap-up)."""
        self._call(capi.cc_engine_contact_end, self.id, disposition, self._now(now_ms))

    def abandon(self, now_ms=None):
        """The customer hangs up before being connected."""
        self._call(capi.cc_engine_contact_abandon, self.id, self._now(now_ms))

    def cancel(self, now_ms=None):
        """The switch takes the contact away before it is connected."""
        self._call(capi.cc_engine_contact_cancel, self.id, self._now(now_ms))

    def request_callback(self, now_ms=None):
        """Virtual hold: converts a waiting voice contact into a callback."""
        self._call(capi.cc_engine_callback_request, self.id, self._now(now_ms))

    def callback_result(self, result, now_ms=None):
        """Reports a callback dial (:class:`DialResult`)."""
        self._call(capi.cc_engine_callback_result, self.id, operator.index(result),
                   self._now(now_ms))

    def supervise(self, supervisor, mode=SuperviseMode.MONITOR, now_ms=None):
        """Asks the backend to let ``supervisor`` monitor/whisper/barge."""
        self._call(capi.cc_engine_supervise, self.id, supervisor, operator.index(mode),
                   self._now(now_ms))
