"""The routing engine through Python: classes, events, errors, lifetimes."""
import gc
import weakref

import pytest

import callcore
from callcore import AgentState, Channel, ContactState, EventType

pytestmark = pytest.mark.usefixtures("engine_available")


def make_engine(**options):
    events = []
    eng = callcore.Engine(event_sink=events.append, seed=7, **options)
    eng.add_queue("sales", strategy="longest-idle", wrapup_ms=5_000, sl_threshold_ms=20_000)
    eng.add_agent("ann", queues=["sales"], skills={"french": 5}, now_ms=0)
    return eng, events


def test_a_call_from_arrival_to_wrapup():
    eng, events = make_engine()
    with eng:
        ann = eng.agent("ann")
        ann.login(now_ms=0)
        assert ann.state is AgentState.READY
        call = eng.add_contact(1, "sales", customer_id=42, now_ms=1_000)
        st = call.status
        assert st.state is ContactState.OFFERED and st.agent == "ann"
        assert st.channel is Channel.VOICE
        call.accept(ann, now_ms=3_000)
        call.end("resolved", now_ms=60_000)
        assert ann.state is AgentState.WRAPUP
        assert eng.next_deadline == 65_000
        eng.advance(70_000)
        assert ann.state is AgentState.READY
        assert eng.queue("sales").status.answered == 1
    types = [e.type for e in events]
    for t in (EventType.CONTACT_ARRIVED, EventType.CONTACT_OFFERED,
              EventType.CONTACT_CONNECTED, EventType.CONTACT_ENDED,
              EventType.AGENT_WRAPUP_END):
        assert t in types
    connected = next(e for e in events if e.type is EventType.CONTACT_CONNECTED)
    assert (connected.contact_id, connected.agent, connected.wait_ms) == (1, "ann", 2_000)
    ended = next(e for e in events if e.type is EventType.CONTACT_ENDED)
    assert ended.reason == "resolved" and ended.terminal
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert eng.closed


def test_membership_weight_is_bounded():
    """A weighted-random weight near zero would send the race to infinity."""
    eng, _ = make_engine()
    eng.add_queue("chat", strategy="weighted-random")
    ann = eng.agent("ann")
    with pytest.raises(callcore.InvalidArgument, match="weight"):
        ann.join("chat", weight=1e-9)
    with pytest.raises(callcore.InvalidArgument, match="weight"):
        ann.join("chat", weight=float("inf"))
    ann.join("chat", weight=2.5)


def test_failures_raise_typed_exceptions_with_detail_and_change_nothing():
    eng, events = make_engine()
    before = len(events)
    with pytest.raises(callcore.AlreadyExists) as info:
        eng.add_queue("sales")
    assert "sales" in info.value.detail and info.value.name == "CC_EEXIST"
    with pytest.raises(callcore.NotFound):
        eng.agent("bob")
    with pytest.raises(callcore.InvalidState):
        eng.agent("ann").logout(now_ms=0)  # logged out already
    with pytest.raises(TypeError, match="unknown key 'ring_timeout'"):
        eng.add_queue("x", ring_timeout=5)
    with pytest.raises(TypeError, match="unknown strategy 'fastest'"):
        eng.add_queue("x", strategy="fastest")
    with pytest.raises(callcore.InvalidArgument):
        eng.advance(-10**12)  # time went backwards
    with pytest.raises(callcore.InvalidArgument, match="CC_TIME_LIMIT_MS"):
        eng.advance(callcore.TIME_LIMIT_MS + 1)
    with pytest.raises(callcore.InvalidArgument, match="max_wait_ms"):
        eng.add_queue("x", max_wait_ms=2 ** 62)
    assert [q.name for q in eng.queues()] == ["sales"]
    assert len(events) == before
    eng.close()
    with pytest.raises(callcore.Closed):
        eng.add_queue("late")


def test_after_close_every_call_raises_closed():
    eng, events = make_engine()
    queue, ann = eng.queue("sales"), eng.agent("ann")
    eng.close()
    eng.close()  # idempotent
    calls = [lambda: eng.subscribe(print), lambda: eng.unsubscribe(events.append),
             lambda: eng.bind_backend(Channel.VOICE, callcore.Backend()),
             lambda: eng.add_queue("late"), lambda: eng.queues(), lambda: eng.snapshot(),
             lambda: eng.advance(10), lambda: eng.now, lambda: queue.status,
             lambda: ann.login(now_ms=1)]
    for call in calls:
        with pytest.raises(callcore.Closed):
            call()


def test_the_documented_kpi_snippet_feeds_an_open_aggregator():
    # docs/bindings.md: an engine feeding an aggregator, both open together
    with callcore.KpiAggregator() as live, callcore.Engine(kpi=live) as eng:
        eng.add_queue("q")
        eng.add_agent("a", queues=["q"], now_ms=0).login(now_ms=0)
        eng.add_contact(1, "q", now_ms=10).accept("a", now_ms=20)
        eng.contact(1).end("done", now_ms=30)
        assert live.totals.answered == 1


def test_strings_with_an_embedded_nul_are_refused_not_cut():
    # C reads up to the NUL: "sales\0evil" used to create a queue named 'sales'.
    eng, _ = make_engine()
    with eng:
        with pytest.raises(ValueError, match="embedded null character"):
            eng.add_queue("support\0evil")
        with pytest.raises(ValueError, match="embedded null character"):
            eng.add_agent("bob", queues=["sales\0x"], now_ms=0)
        with pytest.raises(ValueError, match="embedded null character"):
            eng.add_agent("bob", skills={"french\0x": 3}, now_ms=0)
        with pytest.raises(ValueError, match="embedded null character"):
            eng.agent("ann\0x")  # a direct argument
        with pytest.raises(ValueError, match="embedded null character"):
            eng.add_contact(1, "sales", reason="vip\0x", now_ms=1)
        assert [q.name for q in eng.queues()] == ["sales"]
        assert [a.name for a in eng.agents()] == ["ann"] and eng.contacts() == []
    with callcore.KpiAggregator() as kpi:
        with pytest.raises(ValueError, match="embedded null character"):
            kpi.add(callcore.Event(type=EventType.CONTACT_ARRIVED, contact_id=1, queue="a\0b",
                                   channel=Channel.VOICE))
        assert kpi.totals.offered == 0


def test_contact_ids_are_the_whole_uint64_range_and_negatives_are_refused():
    eng, _ = make_engine()
    kpi = callcore.KpiAggregator()
    eng.subscribe(kpi)  # engine events back into C through Python dicts
    with eng:
        with pytest.raises(OverflowError, match=r"'id' must be in 0\.\.18446744073709551615, got -1"):
            eng.add_contact(-1, "sales", now_ms=1)  # was created as id 2**64 - 1
        with pytest.raises(OverflowError, match="'customer_id' must be in 0"):
            eng.add_contact(5, "sales", customer_id=-7, now_ms=1)
        assert eng.contacts() == []
        for cid in (2 ** 63, 2 ** 64 - 2, 2 ** 64 - 1):
            call = eng.add_contact(cid, "sales", customer_id=cid, now_ms=2)
            assert call.id == cid and call.status.customer_id == cid
        assert [c.id for c in eng.contacts()] == [2 ** 63, 2 ** 64 - 2, 2 ** 64 - 1]
        assert kpi.totals.offered == 3
        with pytest.raises(OverflowError, match="must be in -9223372036854775808..9223372036854775807"):
            eng.add_queue("w", wrapup_ms=2 ** 63)  # said "must be an integer, got int"
    with pytest.raises(OverflowError, match="'seed' must be in 0"):
        callcore.Engine(seed=-1)
    kpi.close()


INT32_RANGE = r"must be in -2147483648\.\.2147483647"


def test_option_fields_the_c_field_cannot_hold_raise_overflow_error():
    # Each was cast to 32 bits: priority -2**31 - 1 became 2147483647, channel
    # 2**32 + 1 became VOICE, max_length 2**32 + 1 became 1, a skill 2**32 + 5 became 5.
    eng, _ = make_engine()
    with eng:
        for bad in (dict(max_length=2 ** 32 + 1), dict(callback_max_attempts=2 ** 32 + 3),
                    dict(skills={"fr": 2 ** 32 + 5}), dict(max_wait_action=2 ** 32),
                    dict(join=-2 ** 31 - 1), dict(leave_when_empty=2 ** 32 + 1),
                    dict(escalations=[{"after_ms": 1, "priority_boost": 2 ** 31}])):
            with pytest.raises(OverflowError, match=INT32_RANGE):
                eng.add_queue("q2", **bad)
        with pytest.raises(OverflowError, match="'strategy' " + INT32_RANGE):
            eng.add_queue("q2", strategy=2 ** 32)
        for bad in (dict(queues=[{"queue": "sales", "tier": 2 ** 32 + 2}]),
                    dict(load_budget=2 ** 32 + 1),
                    dict(capacity=[{"channel": 2 ** 32 + 1, "max": 1}]),
                    dict(capacity=[{"channel": 1, "max": 2 ** 32 + 2}])):
            with pytest.raises(OverflowError, match=INT32_RANGE):
                eng.add_agent("bob", now_ms=0, **bad)
        with pytest.raises(OverflowError, match="'priority' " + INT32_RANGE + ", got -2147483649"):
            eng.add_contact(6, "sales", priority=-2 ** 31 - 1, now_ms=2)
        with pytest.raises(OverflowError, match="'channel' " + INT32_RANGE):
            eng.add_contact(5, "sales", channel=2 ** 32 + 1, now_ms=1)
        assert [q.name for q in eng.queues()] == ["sales"]
        assert [a.name for a in eng.agents()] == ["ann"] and eng.contacts() == []
        call = eng.add_contact(7, "sales", priority=-2 ** 31, now_ms=3)  # the bounds fit
        assert call.status.priority == -2 ** 31
    with pytest.raises(OverflowError, match="'select' " + INT32_RANGE):
        callcore.Engine(select=2 ** 32 + 1)
    with pytest.raises(OverflowError, match="'sl_variant' " + INT32_RANGE):
        callcore.KpiAggregator(sl_variant=2 ** 32 + 2)
    with pytest.raises(OverflowError, match=r"'max_errors' must be in 0\.\.4294967295"):
        callcore.Importer("queue_log", max_errors=2 ** 32)
    with pytest.raises(OverflowError, match="'method' " + INT32_RANGE):
        callcore.Forecaster(2 ** 32 + 3, period=24)
    with pytest.raises(OverflowError, match="'length' " + INT32_RANGE):
        callcore.schedule_shifts([1], [callcore.shift_template(start_first=0, start_last=0,
                                                               length=2 ** 32 + 1)])
    with callcore.KpiAggregator() as kpi:
        with pytest.raises(OverflowError, match="event 'priority' " + INT32_RANGE):
            kpi.add(callcore.Event(type=EventType.CONTACT_ARRIVED, contact_id=1, queue="q",
                                   channel=Channel.VOICE, priority=2 ** 32 + 7))
        assert kpi.totals.offered == 0


def test_sink_exceptions_propagate_after_the_engine_step():
    def sink(ev):
        if ev.type is EventType.AGENT_LOGIN:
            raise RuntimeError(f"sink refused {ev.agent}")

    eng = callcore.Engine(event_sink=sink)
    eng.add_queue("q")
    eng.add_agent("bob", queues=["q"], now_ms=0)
    with pytest.raises(RuntimeError, match="sink refused bob"):
        eng.agent("bob").login(now_ms=0)
    assert eng.agent("bob").state is AgentState.READY  # the step itself completed
    eng.close()


def test_several_subscribers_see_the_same_stream():
    eng, first = make_engine()
    second = []
    eng.subscribe(second.append)
    eng.agent("ann").login(now_ms=0)
    assert [e.seq for e in first[-len(second):]] == [e.seq for e in second]
    eng.unsubscribe(second.append)
    eng.close()



def test_a_sink_that_unsubscribes_itself_does_not_hide_the_event_from_the_next():
    # The dispatcher iterated the live list of sinks: removing the current sink
    # shifted the next one into its slot and the loop skipped it for that event.
    eng, _ = make_engine()
    first, second = [], []

    def once(ev):
        first.append(ev.seq)
        eng.unsubscribe(once)

    eng.subscribe(once)
    eng.subscribe(lambda ev: second.append(ev.seq))
    eng.agent("ann").login(now_ms=0)
    assert len(first) == 1 and second[0] == first[0] and len(second) > 1
    eng.close()


class RecordingBackend(callcore.Backend):
    """A switch adapter written in Python: records media commands."""

    def __init__(self):
        self.calls = []
        self.engine = None
        self.closed = False

    def open(self, engine, channel):
        self.engine = engine  # a reference back: a cycle the GC must break
        self.calls.append(("open", channel))

    def close(self):
        self.closed = True

    def offer(self, offer, now_ms):
        self.calls.append(("offer", offer.contact_id, offer.agent, offer.queue, now_ms))

    def bridge(self, contact_id, agent, now_ms):
        self.calls.append(("bridge", contact_id, agent))

    def announce(self, contact_id, position, ewt_ms, now_ms):
        self.calls.append(("announce", contact_id, position))

    def hangup(self, contact_id, reason, now_ms):
        self.calls.append(("hangup", contact_id, reason))


def test_a_python_media_backend_receives_the_vtable_calls():
    eng, _ = make_engine()
    backend = eng.bind_backend(Channel.VOICE, RecordingBackend())
    assert backend.calls == [("open", Channel.VOICE)]
    eng.agent("ann").login(now_ms=0)
    call = eng.add_contact(9, "sales", now_ms=100)
    call.accept("ann", now_ms=200)
    call.end(now_ms=300)
    kinds = [c[0] for c in backend.calls]
    assert ("offer", 9, "ann", "sales", 100) in backend.calls
    assert ("bridge", 9, "ann") in backend.calls
    assert kinds.index("offer") < kinds.index("bridge") < kinds.index("hangup")
    eng.close()
    assert backend.closed


def test_a_failing_backend_offer_is_a_reject_and_reraises():
    class Refusing(callcore.Backend):
        def offer(self, offer, now_ms):
            raise ConnectionError("phone unreachable")

    eng, events = make_engine()
    eng.bind_backend(Channel.VOICE, Refusing())
    eng.agent("ann").login(now_ms=0)
    with pytest.raises(ConnectionError, match="phone unreachable"):
        eng.add_contact(3, "sales", now_ms=10)
    assert EventType.CONTACT_REJECTED in [e.type for e in events]
    assert eng.contact(3).status.state is ContactState.WAITING
    eng.close()



def test_a_sink_reading_the_engine_after_a_backend_failed_sees_every_event():
    # The backend's exception waits for the engine call to finish. A status read from a
    # sink (an engine call nested in it) re-raised it inside the sink: the sink stopped at
    # that read for every later event of the call (the reject, ann going not ready).
    class Refusing(callcore.Backend):
        def offer(self, offer, now_ms):
            raise ConnectionError("phone unreachable")

    eng, _ = make_engine()
    seen = []
    eng.subscribe(lambda ev: seen.append((ev.type, eng.agent("ann").state)))
    eng.bind_backend(Channel.VOICE, Refusing())
    eng.agent("ann").login(now_ms=0)
    seen.clear()
    with pytest.raises(ConnectionError, match="phone unreachable"):
        eng.add_contact(3, "sales", now_ms=10)
    assert EventType.CONTACT_REJECTED in [t for t, _ in seen]
    assert seen[-1] == (EventType.AGENT_STATE, AgentState.NOT_READY)
    eng.close()


@pytest.mark.parametrize("returned", ["x", 1.5, 1, 2 ** 40])
def test_a_backend_returning_no_status_fails_the_action_and_reraises(returned):
    # Backend methods return None or a negative cc_status. A str escaped the adapter
    # (printed as "Exception ignored", never raised), and 2**40 reached C's int as 0:
    # the failed offer counted as rung.
    class Odd(callcore.Backend):
        def offer(self, offer, now_ms):
            return returned

    eng, _ = make_engine()
    eng.bind_backend(Channel.VOICE, Odd())
    eng.agent("ann").login(now_ms=0)
    with pytest.raises((TypeError, ValueError), match="offer"):
        eng.add_contact(3, "sales", now_ms=10)
    assert eng.contact(3).status.state is ContactState.WAITING  # a failed offer: a reject
    eng.close()


def test_a_backend_bound_while_the_previous_close_raises_stays_alive(collect):
    # The bind succeeds and then re-raises what the previous backend's close() raised. The
    # engine kept only the old adapter then: the new one, which C calls from now on, was
    # freed with the exception (the next offer crashed the process).
    class FailingClose(callcore.Backend):
        def close(self):
            raise RuntimeError("switch already gone")

    eng, _ = make_engine()
    eng.bind_backend(Channel.VOICE, FailingClose())
    backend = RecordingBackend()
    with pytest.raises(RuntimeError, match="already gone"):
        eng.bind_backend(Channel.VOICE, backend)
    collect()
    eng.agent("ann").login(now_ms=0)
    eng.add_contact(5, "sales", now_ms=10)
    assert ("offer", 5, "ann", "sales", 10) in backend.calls
    eng.close()


def test_backends_must_not_reenter_the_engine():
    class Reentrant(callcore.Backend):
        def offer(self, offer, now_ms):
            self.engine.contact(offer.contact_id).accept(offer.agent, now_ms)

        def open(self, engine, channel):
            self.engine = engine

    eng, _ = make_engine()
    eng.bind_backend(Channel.VOICE, Reentrant())
    eng.agent("ann").login(now_ms=0)
    with pytest.raises(callcore.Busy):
        eng.add_contact(4, "sales", now_ms=10)
    eng.close()


def test_close_from_inside_an_engine_call_is_refused_with_busy():
    # Freeing the engine under the call that runs the callback was a use after free.
    def closing_sink(ev):
        if ev.type is EventType.CONTACT_OFFERED:
            eng.close()
    eng, _ = make_engine()
    eng.subscribe(closing_sink)
    eng.agent("ann").login(now_ms=0)
    with pytest.raises(callcore.Busy, match="close"):
        eng.add_contact(1, "sales", now_ms=10)
    assert not eng.closed and eng.contact(1).status.state is ContactState.OFFERED
    eng.unsubscribe(closing_sink)
    eng.close()

    class ClosingBackend(callcore.Backend):
        def open(self, engine, channel):
            self.engine = engine

        def offer(self, offer, now_ms):
            self.engine.close()

    eng, _ = make_engine()
    eng.bind_backend(Channel.VOICE, ClosingBackend())
    eng.agent("ann").login(now_ms=0)
    with pytest.raises(callcore.Busy):
        eng.add_contact(2, "sales", now_ms=10)
    assert not eng.closed
    eng.agent("ann").logout(now_ms=20)  # the failed offer was a reject: ann not ready
    eng.close()
    assert eng.closed


def test_children_keep_their_engine_alive(collect):
    queue = callcore.Engine().add_queue("solo")  # no other reference to the engine
    agent = queue.engine.add_agent("zoe", queues=["solo"], now_ms=0)
    collect()
    assert queue.status.members == 1
    ref = weakref.ref(queue.engine)
    del queue
    collect()
    assert ref() is not None  # the agent still holds it
    assert agent.state is AgentState.LOGGED_OUT
    del agent
    collect()
    assert ref() is None  # and then it is gone


def test_an_engine_backend_cycle_is_collected(collect):
    closed = []

    class Closing(RecordingBackend):
        def close(self):
            closed.append(self.engine is not None)

    eng = callcore.Engine()
    eng.bind_backend(Channel.CHAT, Closing())  # Closing.open keeps the engine: a cycle
    ref = weakref.ref(eng)
    del eng
    collect()
    assert ref() is None
    assert closed == [True]  # freeing the engine closed its backend, still intact



def test_a_collected_engine_reads_as_closed_while_its_backends_close(collect):
    # close() marks the engine closed before freeing it, so a backend's close() that
    # calls the engine back gets Closed. Collection freed it with the handle still set:
    # the call ran on an engine half freed (with a voice backend bound, an offer or
    # announce then reached that backend's freed state: a use after free).
    seen = []

    class Tidying(RecordingBackend):
        def close(self):
            try:
                self.engine.add_contact(99, "sales", now_ms=10)
                seen.append("ran on the engine being freed")
            except callcore.Closed:
                seen.append("closed")

    eng, _ = make_engine()
    eng.bind_backend(Channel.CHAT, Tidying())  # Tidying.open keeps the engine: a cycle
    ref = weakref.ref(eng)
    del eng
    collect()
    assert ref() is None
    assert seen == ["closed"]


def test_queries_positions_and_snapshots():
    eng, _ = make_engine()
    eng.add_contact(5, "sales", now_ms=10)
    eng.add_contact(6, "sales", channel=Channel.VOICE, priority=0, now_ms=20)
    assert eng.contact(6).position == (2, -1)  # nobody staffed: EWT unknown
    assert [c.id for c in eng.contacts()] == [5, 6]
    blob = eng.snapshot()
    assert isinstance(blob, bytes) and blob
    with callcore.Engine() as copy:
        copy.restore(blob)
        assert copy.contact(6).position == eng.contact(6).position
        assert [a.name for a in copy.agents()] == ["ann"]
    eng.contact(5).abandon(now_ms=30)
    assert not eng.contact(6).alive or eng.contact(6).position[0] == 1
    eng.close()


def test_engines_on_two_threads_call_back_into_python_safely():
    """The wrapper releases the GIL around C calls and every callback takes it
    back: two engines driven from two threads, each with a Python sink and a
    Python backend, deliver every event to the right sink."""
    import threading

    results = {}

    def drive(name):
        seen = []

        class Counting(callcore.Backend):
            offers = 0

            def offer(self, offer, now_ms):
                Counting.offers += 1

        with callcore.Engine(event_sink=seen.append) as eng:
            backend = eng.bind_backend(Channel.VOICE, Counting())
            eng.add_queue("q")
            agent = eng.add_agent(name, queues=["q"], now_ms=0)
            agent.login(now_ms=0)
            for i in range(1, 1001):
                c = eng.add_contact(i, "q", now_ms=i * 10)
                c.accept(name, now_ms=i * 10 + 1)
                c.end(now_ms=i * 10 + 2)
        results[name] = (len(seen), {e.agent for e in seen if e.agent}, backend.offers)

    threads = [threading.Thread(target=drive, args=(n,)) for n in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["left"][0] == results["right"][0] > 1000 * 5
    assert results["left"][1] == {"left"} and results["right"][1] == {"right"}
    assert results["left"][2] == results["right"][2] == 1000


def _forecaster():
    f = callcore.Forecaster("seasonal_naive_daily", period=4)
    return f.fit([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])


def _scenario():
    return callcore.Scenario.quick(agents=2, calls_per_hour=10, aht_s=60, hours=1)


def _engine():
    eng = callcore.Engine()
    eng.add_queue("q")
    return eng


# (object factory, capi function the call runs, the call)
_PLAIN_C_CALLS = [
    (_forecaster, "cc_forecaster_fit", lambda f: f.fit([1.0, 2.0, 3.0, 4.0] * 2)),
    (_forecaster, "cc_forecaster_observe", lambda f: f.observe([1.0, 2.0])),
    (_forecaster, "cc_sw_forecaster_predict", lambda f: f.predict(4)),
    (_forecaster, "cc_sw_forecaster_params", lambda f: f.params),
    (callcore.KpiAggregator, "cc_sw_kpi_json", lambda k: k.report()),
    (callcore.KpiAggregator, "cc_sw_kpi_csv", lambda k: k.csv()),
    (callcore.KpiAggregator, "cc_sw_kpi_totals", lambda k: k.totals),
    (lambda: callcore.Importer("queue_log"), "cc_sw_import_stats", lambda i: i.stats),
    (_scenario, "cc_sim_scenario_agents", lambda s: s.agents),
    (_scenario, "cc_sim_scenario_expected_arrivals", lambda s: s.expected_arrivals()),
    (_engine, "cc_engine_now", lambda e: e.now),
    (_engine, "cc_engine_next_deadline", lambda e: e.next_deadline),
    (_engine, "cc_sw_engine_queue_names", lambda e: e.queues()),
]


@pytest.mark.parametrize("make, fn_name, call", _PLAIN_C_CALLS,
                         ids=[c[1] for c in _PLAIN_C_CALLS])
def test_close_from_another_thread_during_a_plain_c_call_is_refused(monkeypatch, make, fn_name,
                                                                    call):
    # The wrapper releases the GIL around every C call, so another thread may run
    # close() while, say, a long Forecaster.fit() is inside C. Only the calls that run
    # Python callbacks marked the object in use: close() freed it under fit(), report(),
    # queues()... and the process crashed. Here the C function is wrapped so that
    # close() runs exactly while the call is in progress, as the other thread's would.
    obj = make()
    real = getattr(callcore.capi, fn_name)
    outcome = []

    def closing_meanwhile(*args):
        try:
            obj.close()
        except callcore.Busy:
            outcome.append("busy")
            return real(*args)
        outcome.append("freed")
        raise AssertionError(f"close() freed the object during {fn_name}")

    monkeypatch.setattr(callcore.capi, fn_name, closing_meanwhile)
    call(obj)
    monkeypatch.undo()
    assert outcome == ["busy"]
    obj.close()
    assert obj.closed if isinstance(obj, callcore.Engine) else obj._ptr is None


@pytest.mark.parametrize("make,fn_name", [(_engine, "cc_sw_engine_queue_names"),
                                          (_forecaster, "cc_forecaster_fit")],
                         ids=["Engine", "Forecaster"])
def test_close_from_another_thread_as_a_call_begins_is_refused(monkeypatch, make, fn_name):
    # A call read the handle, then marked the object in use: a close() in another thread
    # between the two freed the object under the call. The handle is now read with the
    # object marked, under one guard. Here the other thread's close() starts at that very
    # moment (from inside _handle) and the C call waits for it to be over: the close must
    # have found the object in use.
    import threading
    obj = make()
    real_handle, real_fn = type(obj)._handle, getattr(callcore.capi, fn_name)
    outcome, racer = [], []

    def close_elsewhere():
        try:
            obj.close()
            outcome.append("freed")
        except callcore.Busy:
            outcome.append("busy")

    def handle_with_a_close_racing(self):
        ptr = real_handle(self)
        if not racer:
            racer.append(threading.Thread(target=close_elsewhere))
            racer[0].start()
            racer[0].join(0.2)  # unguarded, the close is over by now
        return ptr

    def call_after_the_close(*args):
        racer[0].join()
        if outcome != ["busy"]:
            raise AssertionError(f"close() freed the object as {fn_name} began")
        return real_fn(*args)

    monkeypatch.setattr(type(obj), "_handle", handle_with_a_close_racing)
    monkeypatch.setattr(callcore.capi, fn_name, call_after_the_close)
    if isinstance(obj, callcore.Engine):
        assert len(obj.queues()) == 1
    else:
        obj.fit([float(i % 4) for i in range(64)])
    monkeypatch.undo()
    assert outcome == ["busy"]
    obj.close()


_OWNERS = [_engine, callcore.KpiAggregator, _forecaster, lambda: callcore.Importer("csv"),
           _scenario]


@pytest.mark.parametrize("make", _OWNERS, ids=["Engine", "KpiAggregator", "Forecaster",
                                               "Importer", "Scenario"])
def test_objects_that_own_a_c_object_refuse_copy(make):
    # copy.copy() copied the instance dict: two Python objects owning one C pointer,
    # each freeing it on close() or collection (a double free).
    import copy
    obj = make()
    try:
        twin = copy.copy(obj)
    except TypeError as e:
        assert "cannot be copied" in str(e)
    else:
        twin._ptr = None  # disown before the assertion, or the process double-frees
        pytest.fail(f"copy.copy({type(obj).__name__}) shared its C object")
    with pytest.raises(TypeError):
        copy.deepcopy(obj)
    obj.close()


def test_integer_arguments_refuse_floats_and_strings_instead_of_truncating():
    # The package ran int() over ids and levels: add_contact(1.9) made contact 1,
    # contact("7") found contact 7 and set_skill(s, 2.5) set level 2, where the same
    # fields given in an options dict (skills={"s": 2.5}) raise TypeError.
    import numpy as np
    eng, _ = make_engine()
    with pytest.raises(TypeError):
        eng.add_contact(1.9, "sales", now_ms=0)
    with pytest.raises(TypeError):
        eng.add_contact("7", "sales", now_ms=0)
    assert eng.contacts() == []
    eng.add_contact(np.uint64(7), "sales", now_ms=0)  # any integer type is an integer
    with pytest.raises(TypeError):
        eng.contact("7")
    with pytest.raises(TypeError):
        eng.contact(7.0)
    assert eng.contact(7).id == 7
    ann = eng.agent("ann")
    with pytest.raises(TypeError):
        ann.set_skill("french", 2.5)
    with pytest.raises(TypeError):
        ann.end_wrapup(7.5, now_ms=0)
    ann.set_skill("french", np.int64(3))
    # enum arguments too: channel=1.7 was channel 1
    with pytest.raises(TypeError):
        eng.add_contact(8, "sales", channel=1.7, now_ms=0)
    with pytest.raises(TypeError):
        eng.add_contact(8, "sales", channel="1", now_ms=0)
    eng.add_contact(8, "sales", channel=Channel.CHAT, now_ms=0)
    assert eng.contact(8).status.channel == Channel.CHAT
    eng.close()


def test_times_are_numbers():
    # now_ms went through int(): "10" was 10 ms and True was 1 ms. A float is a time
    # (whole ms kept), as the switch simulator's clock gives.
    eng, _ = make_engine()
    for bad in ("10", True, b"1"):
        with pytest.raises(TypeError):
            eng.add_contact(1, "sales", now_ms=bad)
        with pytest.raises(TypeError):
            eng.advance(bad)
    assert eng.contacts() == []
    eng.add_contact(1, "sales", now_ms=5.7)
    assert eng.now == 5
    eng.advance(9.0)
    assert eng.now == 9
    eng.close()


def test_an_omitted_time_is_the_engine_time_also_when_negative():
    # Times may be negative (within +-TIME_LIMIT_MS). An omitted now_ms read a negative
    # engine time as 0: the contact arrived a minute late and the engine clock jumped.
    eng = callcore.Engine()
    eng.add_queue("sales")
    eng.advance(-60_000)
    call = eng.add_contact(1, "sales")
    assert call.status.entered_ms == -60_000 and eng.now == -60_000
    eng.close()
    fresh = callcore.Engine()  # before any call there is no engine time: 0
    fresh.add_queue("q")
    assert fresh.add_contact(1, "q").status.entered_ms == 0
    fresh.close()
