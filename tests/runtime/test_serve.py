"""`callcore serve` through real sockets on loopback: scenarios, errors, limits."""
import json
import os
import socket
import time

import msgpack
import pytest

from ccwire import Client, RpcError


def offered(agent=None):
    return lambda m, a: m == "event" and a["type"] == "contact.offered" and \
        (agent is None or a.get("agent") == agent)


def test_ping_version_and_unknown_method(serve):
    s = serve()
    c = Client(s.address)
    assert c.call("ping") == "pong"
    assert c.call("ping", {"echo": [1, "x"]}) == [1, "x"]
    v = c.call("version")
    assert v["protocol"] == 1 and v["version"].count(".") == 2
    with pytest.raises(RpcError) as e:
        c.call("no.such.method")
    assert e.value.name == "CC_ENOTFOUND" and "no.such.method" in e.value.message
    with pytest.raises(RpcError) as e:
        c.call("queue.create", {"name": "q", "colour": "blue"})
    assert e.value.name == "CC_EINVAL" and "colour" in e.value.message


def test_scenario_from_login_to_kpis(serve):
    s = serve()
    c = Client(s.address)
    assert c.call("events.subscribe") is True
    assert c.call("queue.create", {"name": "sales", "ring_timeout_ms": 30000}) is True
    assert c.call("agent.login", {"agent": "ann", "queues": ["sales"]}) is True
    assert c.call("agent.status", {"agent": "ann"})["state"] == "ready"
    st = c.call("contact.create", {"contact_id": 1, "queue": "sales", "customer_id": 9})
    assert st["contact_id"] == 1 and st["state"] in ("waiting", "offered")
    _, ev = c.wait_note(offered("ann"))
    assert ev["contact_id"] == 1 and ev["queue"] == "sales" and ev["channel"] == "voice"
    assert c.call("agent.status", {"agent": "ann"})["state"] == "reserved"
    assert c.call("contact.accept", {"contact_id": 1, "agent": "ann"}) is True
    c.wait_note(lambda m, a: m == "event" and a["type"] == "contact.connected")
    assert c.call("contact.status", {"contact_id": 1})["state"] == "connected"
    assert c.call("contact.end", {"contact_id": 1, "disposition": "sold"}) is True
    _, ended = c.wait_note(lambda m, a: m == "event" and a["type"] == "contact.ended")
    assert ended["reason"] == "sold" and ended["agent"] == "ann"
    q = c.call("queue.status", {"name": "sales"})
    assert q["answered"] == 1 and q["waiting"] == 0
    kpi = c.call("kpi.snapshot")
    assert kpi["format"] == "json"
    report = json.loads(kpi["report"])
    assert report["totals"]["offered"] == 1
    assert report["totals"]["answered"] == 1



def test_typos_in_nested_argument_maps_are_errors(serve):
    """Unknown argument names are errors (docs/protocol.md), in the maps of
    escalations, queue memberships and capacity too, and nothing is created."""
    c = Client(serve().address)
    c.call("queue.create", {"name": "q"})
    typos = [
        ("queue.create", {"name": "q2", "escalations": [{"after_ms": 1000, "priorty_boost": 5}]},
         "escalations[0]: unknown argument 'priorty_boost'"),
        ("agent.add", {"agent": "a", "queues": ["q", {"queue": "q", "teir": 2}]},
         "queues[1]: unknown argument 'teir'"),
        ("agent.login", {"agent": "b", "capacity": [{"channel": "voice", "maxx": 3}]},
         "capacity[0]: unknown argument 'maxx'"),
    ]
    for method, params, detail in typos:
        with pytest.raises(RpcError) as e:
            c.call(method, params)
        assert e.value.name == "CC_EINVAL" and detail in e.value.message
    assert c.call("queue.list") == ["q"] and c.call("agent.list") == []
    # Spelled right, the same maps are accepted.
    assert c.call("queue.create", {"name": "q2", "escalations": [
        {"after_ms": 1000, "relax_levels": 1, "priority_boost": 5, "add_queue": "q"}]}) is True
    assert c.call("agent.add", {"agent": "a", "queues": [
        {"queue": "q", "tier": 2, "penalty": 1, "weight": 1.5}],
        "capacity": [{"channel": "voice", "max": 1, "load": 1}]}) is True


def test_a_client_leaving_with_responses_unread_does_not_stop_the_server(serve, tmp_path):
    """The server's write to a client that closed its socket fails with EPIPE;
    it must close that connection, not die of SIGPIPE."""
    s = serve(listen=f"unix:{tmp_path}/s.sock")
    rude = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    rude.connect(str(tmp_path / "s.sock"))
    rude.settimeout(0.5)
    req = msgpack.packb([0, 1, "ping", [{"echo": "z" * 1000}]]) * 50
    try:
        for _ in range(4000):  # until the server stops reading (backpressure)
            rude.sendall(req)
    except (socket.timeout, OSError):
        pass
    rude.close()  # responses in flight to a socket that is gone
    time.sleep(0.3)
    assert Client(s.address).call("ping") == "pong"
    assert s.proc.poll() is None

def test_two_clients_at_once(serve):
    s = serve()
    watcher, worker = Client(s.address), Client(s.address)
    watcher.call("events.subscribe", {"types": ["contact.arrived"]})
    worker.call("queue.create", {"name": "q"})
    # Both clients pipeline requests; each gets its own answers, in order.
    ids_a = [worker.send("contact.create", {"contact_id": i, "queue": "q"}) for i in range(1, 51)]
    ids_b = [watcher.send("queue.status", {"name": "q"}) for _ in range(20)]
    assert [worker.wait(i)["contact_id"] for i in ids_a] == list(range(1, 51))
    for i in ids_b:
        assert 0 <= watcher.wait(i)["waiting"] <= 50
    arrived = []
    while len(arrived) < 50:
        _, ev = watcher.wait_note(lambda m, a: m == "event")
        arrived.append(ev["contact_id"])
    assert arrived == list(range(1, 51))
    assert not worker.notes  # not subscribed: no events
    assert worker.call("queue.status", {"name": "q"})["waiting"] == 50


def test_switch_disconnecting_mid_offer_releases_the_offer(serve):
    s = serve()
    switch = Client(s.address)
    assert switch.call("backend.register", {"channels": ["voice"]}) is True
    desk = Client(s.address)
    desk.call("events.subscribe")
    desk.call("queue.create", {"name": "q", "ring_timeout_ms": 60000})
    desk.call("agent.login", {"agent": "ann", "queues": ["q"]})
    desk.call("contact.create", {"contact_id": 7, "queue": "q"})
    m, offer = switch.wait_note(lambda m, a: m == "media.offer")
    assert offer["contact_id"] == 7 and offer["agent"] == "ann"
    assert desk.call("agent.status", {"agent": "ann"})["state"] == "reserved"
    switch.close()  # the switch goes away while the agent's phone rings
    desk.wait_note(lambda m, a: m == "event" and a["type"] == "contact.rejected" and
                   a["contact_id"] == 7, timeout=5)
    # Nothing lost, nobody stuck: the contact is still held, the agent free.
    st = desk.call("contact.status", {"contact_id": 7})
    assert st["state"] in ("waiting", "offered")
    assert desk.call("agent.status", {"agent": "ann"})["state"] != "reserved" or \
        st["state"] == "offered"
    # A new switch takes over the channel and gets the next offers.
    switch2 = Client(s.address)
    assert switch2.call("backend.register", {"channels": ["voice"]}) is True
    desk.call("agent.login", {"agent": "bob", "queues": ["q"]})
    desk.call("contact.create", {"contact_id": 8, "queue": "q"})
    _, offer = switch2.wait_note(lambda m, a: m == "media.offer")
    switch2.call("contact.accept", {"contact_id": offer["contact_id"], "agent": offer["agent"]})
    switch2.wait_note(lambda m, a: m == "media.bridge")


@pytest.mark.parametrize("journaled", [False, True])
def test_switch_disconnecting_mid_dial_releases_the_agent(serve, tmp_path, journaled):
    """docs/protocol.md: a dropped connection gives back what it had pending. A
    callback being dialed counts as a failed dial: the reserved agent is free at
    once (not at the ring timer), the callback is retried after callback_retry_ms."""
    args = ["--journal", str(tmp_path / "j")] if journaled else []
    s = serve(*args)
    switch = Client(s.address)
    assert switch.call("backend.register", {"channels": ["callback"]}) is True
    desk = Client(s.address)
    desk.call("events.subscribe")
    desk.call("queue.create", {"name": "q", "ring_timeout_ms": 600000,
                               "callback_retry_ms": 600000, "callback_max_attempts": 3})
    desk.call("contact.create", {"contact_id": 5, "queue": "q", "customer_id": 55})
    desk.call("contact.callback", {"contact_id": 5})
    desk.wait_note(lambda m, a: m == "event" and a["type"] == "callback.scheduled")  # the request
    desk.call("agent.login", {"agent": "ann", "queues": ["q"]})
    _, dial = switch.wait_note(lambda m, a: m == "media.dial")
    assert dial["contact_id"] == 5 and dial["agent"] == "ann"
    assert desk.call("agent.status", {"agent": "ann"})["state"] == "reserved"
    assert desk.call("contact.status", {"contact_id": 5})["state"] == "dialing"
    switch.close()  # the switch goes away while the customer's phone rings
    _, ev = desk.wait_note(lambda m, a: m == "event" and a["type"] == "callback.scheduled" and
                           a["contact_id"] == 5, timeout=5)
    # Nobody stuck: the agent is free long before the 10-minute dial timeout,
    # the callback waits for its retry with one attempt used.
    assert desk.call("agent.status", {"agent": "ann"})["state"] == "ready"
    st = desk.call("contact.status", {"contact_id": 5})
    assert st["state"] == "callback_wait" and st["callback_attempts"] == 1
    if journaled:  # the release is journaled: a restart replays it to the same state
        s.stop()
        s2 = serve(*args)
        c = Client(s2.address)
        assert c.call("agent.status", {"agent": "ann"})["state"] == "ready"
        st = c.call("contact.status", {"contact_id": 5})
        assert st["state"] == "callback_wait" and st["callback_attempts"] == 1


def test_a_switch_cut_off_as_a_slow_consumer_gives_its_offers_back_at_once(serve):
    """A switch closed by the server itself (here: too slow to read the notifications
    of one timer step) gives back its pending offers as promptly as one that hangs
    up, without waiting for some other client's request to come along."""
    s = serve("--max-pending", "65536")
    switch = Client(s.address)
    switch.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    assert switch.call("backend.register", {"channels": ["voice"]}) is True
    switch.call("events.subscribe", {"types": ["contact.left"]})
    desk = Client(s.address)
    desk.call("events.subscribe", {"types": ["contact.rejected"]})
    desk.call("queue.create", {"name": "q", "ring_timeout_ms": 600000})
    desk.call("queue.create", {"name": "other"})
    desk.call("agent.login", {"agent": "ann", "queues": ["q"]})
    desk.call("contact.create", {"contact_id": 7, "queue": "q"})
    assert desk.call("agent.status", {"agent": "ann"})["state"] == "reserved"
    ids = [desk.send("contact.create", {"contact_id": 1000 + i, "queue": "other"})
           for i in range(5000)]
    for i in ids:
        desk.wait(i, timeout=30)
    # Every contact of 'other' leaves at the next timer tick: that engine step's
    # contact.left notifications, which the switch does not read, cut it off.
    desk.call("queue.configure", {"name": "other", "max_wait_ms": 1})
    switch.sock.settimeout(10)
    try:
        while switch.sock.recv(1 << 20):
            pass
    except ConnectionResetError:
        pass
    # No request is sent meanwhile: the release must not wait for one.
    _, ev = desk.wait_note(lambda m, a: m == "event" and a["type"] == "contact.rejected",
                           timeout=3)
    assert ev["contact_id"] == 7 and ev["agent"] == "ann"
    assert desk.call("agent.status", {"agent": "ann"})["state"] != "reserved"


def test_an_offer_made_again_to_the_agent_who_rejected_it_is_given_back_on_disconnect(serve):
    """A reject makes the agent ready again; alone in the queue, it is offered the same
    contact at once. That new offer is pending at the switch like any other: when the
    switch goes away it is given back, not left ringing nowhere until the ring timeout."""
    s = serve()
    switch = Client(s.address)
    assert switch.call("backend.register", {"channels": ["voice"]}) is True
    desk = Client(s.address)
    desk.call("events.subscribe", {"types": ["contact.rejected"]})
    desk.call("queue.create", {"name": "q", "ring_timeout_ms": 600000})
    desk.call("agent.login", {"agent": "ann", "queues": ["q"]})
    desk.call("contact.create", {"contact_id": 7, "queue": "q"})
    switch.wait_note(lambda m, a: m == "media.offer")
    assert switch.call("contact.reject", {"contact_id": 7, "agent": "ann"}) is True
    _, again = switch.wait_note(lambda m, a: m == "media.offer")
    assert again["contact_id"] == 7 and again["agent"] == "ann"
    desk.wait_note(lambda m, a: m == "event" and a["type"] == "contact.rejected")  # ann's reject
    switch.close()
    desk.wait_note(lambda m, a: m == "event" and a["type"] == "contact.rejected" and
                   a["contact_id"] == 7, timeout=3)
    assert desk.call("agent.status", {"agent": "ann"})["state"] != "reserved"
    assert desk.call("contact.status", {"contact_id": 7})["state"] == "waiting"


def test_a_reported_dial_is_not_released_again_on_disconnect(serve):
    s = serve()
    switch = Client(s.address)
    assert switch.call("backend.register", {"channels": ["callback"]}) is True
    desk = Client(s.address)
    desk.call("events.subscribe")
    desk.call("queue.create", {"name": "q", "ring_timeout_ms": 600000})
    desk.call("contact.create", {"contact_id": 6, "queue": "q"})
    desk.call("contact.callback", {"contact_id": 6})
    desk.call("agent.login", {"agent": "ann", "queues": ["q"]})
    switch.wait_note(lambda m, a: m == "media.dial")
    assert switch.call("callback.result", {"contact_id": 6, "result": "answered"}) is True
    assert desk.call("contact.status", {"contact_id": 6})["state"] == "connected"
    switch.close()
    time.sleep(0.3)
    assert desk.call("contact.status", {"contact_id": 6})["state"] == "connected"
    assert desk.call("agent.status", {"agent": "ann"})["state"] == "busy"


def test_malformed_input_gets_errors_and_others_keep_being_served(serve):
    s = serve("--max-message", "4096")
    good = Client(s.address)
    good.call("queue.create", {"name": "q"})
    # Decodable but not a request: an error, the connection stays.
    bad = Client(s.address)
    bad.send_raw(msgpack.packb({"hello": 1}))
    m, err = bad.wait_note(lambda m, a: m == "rpc.error")
    assert err["name"] == "CC_EPARSE"
    bad.send_raw(msgpack.packb([0, 5, 42, []]))  # method not a string
    with pytest.raises(RpcError) as e:
        bad.wait(5)
    assert e.value.name == "CC_EPARSE"
    assert bad.call("ping") == "pong"
    # Bytes that are not msgpack: a clean close.
    bad.send_raw(b"\xc1\xc1\xc1")
    assert bad.wait_closed()
    # Over the size limit: an error notification, then a close.
    big = Client(s.address)
    big.send_raw(msgpack.packb([0, 1, "ping", [{"echo": "x" * 10000}]]))
    _, err = big.wait_note(lambda m, a: m == "rpc.error")
    assert err["name"] == "CC_ERANGE" and "4096" in err["message"]
    assert big.wait_closed()
    # Half a message then a hang-up: nothing breaks.
    half = Client(s.address)
    half.send_raw(msgpack.packb([0, 1, "ping", []])[:3])
    half.close()
    assert good.call("queue.status", {"name": "q"})["waiting"] == 0


def test_token_is_required_when_set(serve):
    s = serve("--token", "s3cret")
    c = Client(s.address)
    assert c.call("ping") == "pong"  # liveness needs no token
    with pytest.raises(RpcError) as e:
        c.call("version")
    assert e.value.name == "CC_EAUTH"
    with pytest.raises(RpcError) as e:
        c.call("auth", {"token": "wrong"})
    assert e.value.name == "CC_EAUTH"
    assert c.call("auth", {"token": "s3cret"}) is True
    assert c.call("version")["protocol"] == 1


def test_unix_socket_and_loopback_only(serve, tmp_path, cli_path):
    path = tmp_path / "cc.sock"
    s = serve(listen=f"unix:{path}")
    assert s.address == f"unix:{path}"
    assert (os.stat(path).st_mode & 0o777) == 0o600
    assert Client(s.address).call("ping") == "pong"
    import subprocess
    r = subprocess.run([cli_path, "serve", "--listen", "tcp://0.0.0.0:0"], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 1 and "loopback" in r.stderr


def test_staffing_methods(serve):
    c = Client(serve().address)
    r = c.call("staffing.agents", {"calls_per_hour": 360, "aht_s": 240, "sl_target": 0.8,
                                   "sl_threshold_s": 20})
    assert r["traffic"] == pytest.approx(24.0)
    assert r["service_level"] >= 0.8
    below = c.call("erlang.c", {"agents": r["agents"] - 1, "traffic": 24.0,
                                "sl_threshold_s": 20, "aht_s": 240})
    assert below["service_level"] < 0.8
    assert 0 < c.call("erlang.b", {"servers": 30, "traffic": 24.0}) < 0.1
    # The WFM solver's other goals and shrinkage come through too.
    a = c.call("staffing.agents", {"calls_per_hour": 360, "aht_s": 240, "goal": "abandon",
                                   "abandon_target": 0.05, "patience_s": 120, "shrinkage": 0.3})
    assert a["p_abandon"] <= 0.05 and a["scheduled_agents"] >= a["agents"] / 0.7
    with pytest.raises(RpcError) as e:
        c.call("staffing.agents", {"calls_per_hour": 360, "aht_s": 240, "goal": "abandon"})
    assert e.value.name == "CC_EINVAL"


def test_a_subscriber_that_never_reads_is_disconnected(serve):
    s = serve("--max-pending", "65536")
    slow = Client(s.address)
    slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.call("events.subscribe")
    fast = Client(s.address)
    fast.call("queue.create", {"name": "q"})
    # ~3 events per contact: megabytes of notifications the slow client never reads.
    for batch in range(40):
        ids = [fast.send("contact.create", {"contact_id": batch * 1000 + i + 1, "queue": "q"})
               for i in range(1000)]
        for i in ids:
            fast.wait(i, timeout=30)
    # The fast client was never held up, and the slow one was cut off.
    assert fast.call("queue.status", {"name": "q"})["waiting"] == 40000
    slow.sock.settimeout(10)
    got, closed = 0, False
    try:
        while True:
            data = slow.sock.recv(1 << 20)
            if not data:
                closed = True
                break
            got += len(data)
    except ConnectionResetError:
        closed = True
    assert closed, "the slow subscriber was not disconnected"
    assert got < 40000 * 3 * 60  # it was cut off long before the end


def test_integers_beyond_32_bits_are_errors_not_clamped(serve):
    """Arguments the C API takes as 32-bit integers: a larger value is refused
    with the argument's name, and nothing is created."""
    c = Client(serve().address)
    c.call("queue.create", {"name": "q"})
    cases = [
        ("queue.create", {"name": "q2", "max_length": 2**33}, "max_length"),
        ("queue.create", {"name": "q2", "escalations": [{"after_ms": 1, "priority_boost": -2**40}]},
         "priority_boost"),
        ("agent.add", {"agent": "a", "queues": [{"queue": "q", "tier": 2**31}]}, "tier"),
        ("agent.add", {"agent": "a", "capacity": [{"channel": "chat", "max": 2**32}]}, "max"),
        ("contact.create", {"contact_id": 1, "queue": "q", "priority": 2**40}, "priority"),
    ]
    for method, params, key in cases:
        with pytest.raises(RpcError) as e:
            c.call(method, params)
        assert e.value.name == "CC_EINVAL" and f"'{key}' must fit in 32 bits" in e.value.message
    assert c.call("queue.list") == ["q"] and c.call("agent.list") == []
    with pytest.raises(RpcError):
        c.call("contact.status", {"contact_id": 1})
    c.call("contact.create", {"contact_id": 1, "queue": "q", "priority": 2**31 - 1})


def test_transfer_target_errors_name_the_wire_arguments(serve):
    """contact.transfer takes 'queue' or 'agent'; its error says so, not the C
    struct's field names."""
    c = Client(serve().address)
    for params in ({"contact_id": 1}, {"contact_id": 1, "queue": "q", "agent": "a"}):
        with pytest.raises(RpcError) as e:
            c.call("contact.transfer", params)
        assert e.value.name == "CC_EINVAL"
        assert "'queue' and 'agent'" in e.value.message and "target_" not in e.value.message


def test_every_engine_method_is_reachable(serve):
    c = Client(serve().address)
    c.call("events.subscribe")
    c.call("queue.create", {"name": "sales", "strategy": "longest-idle", "wrapup_ms": 60000,
                            "skills": {"en": 1}, "max_wait_ms": 3600000,
                            "escalations": [{"after_ms": 60000, "priority_boost": 1}]})
    c.call("queue.create", {"name": "support"})
    assert c.call("queue.list") == ["sales", "support"]
    c.call("agent.add", {"agent": "ann", "skills": {"en": 5}, "queues": [{"queue": "sales"}],
                         "capacity": [{"channel": "voice", "max": 1, "load": 1}]})
    c.call("agent.login", {"agent": "ann"})
    c.call("agent.login", {"agent": "bob", "queues": ["support"], "skills": {"en": 2}})
    assert c.call("agent.list") == ["ann", "bob"]
    c.call("member.add", {"agent": "bob", "queue": "sales", "tier": 1})
    c.call("agent.skill", {"agent": "bob", "skill": "fr", "level": 3})
    c.call("agent.not_ready", {"agent": "bob", "reason": "training"})
    st = c.call("agent.status", {"agent": "bob"})
    assert st["state"] == "not_ready" and st["reason"] == "training"
    # Two callers: the first rings at ann, the second waits with a position.
    c.call("contact.create", {"contact_id": 1, "queue": "sales", "priority": 1})
    c.call("contact.create", {"contact_id": 2, "queue": "sales", "reason": "billing"})
    pos = c.call("contact.position", {"contact_id": 2})
    assert pos["position"] == 1
    c.call("contact.callback", {"contact_id": 2})  # virtual hold, keeps its place
    assert c.call("contact.status", {"contact_id": 2})["channel"] == "callback"
    c.call("contact.accept", {"contact_id": 1, "agent": "ann"})
    c.call("contact.hold", {"contact_id": 1})
    assert c.call("contact.status", {"contact_id": 1})["held"] == 1
    c.call("contact.resume", {"contact_id": 1})
    with pytest.raises(RpcError) as e:
        c.call("contact.supervise", {"contact_id": 1, "supervisor": "sue", "mode": "monitor"})
    assert e.value.name == "CC_EUNSUPPORTED"  # no media backend bound for voice
    with pytest.raises(RpcError) as e:
        c.call("queue.remove", {"name": "sales"})
    assert e.value.name == "CC_ESTATE"  # contacts are in it
    c.call("contact.abandon", {"contact_id": 2})
    c.call("agent.not_ready", {"agent": "ann", "reason": "lunch"})  # once free
    c.call("contact.transfer", {"contact_id": 1, "queue": "support"})
    c.call("agent.wrapup_end", {"agent": "ann"})
    assert c.call("agent.status", {"agent": "ann"})["state"] == "not_ready"
    c.call("agent.ready", {"agent": "bob"})
    c.wait_note(lambda m, a: m == "event" and a["type"] == "contact.offered" and
                a["contact_id"] == 1 and a["agent"] == "bob")
    c.call("contact.reject", {"contact_id": 1, "agent": "bob"})
    c.call("contact.cancel", {"contact_id": 1})
    c.call("member.remove", {"agent": "bob", "queue": "sales"})
    for a in ("ann", "bob"):
        try:
            c.call("agent.logout", {"agent": a})
        except RpcError as e:
            assert e.name == "CC_ESTATE", e
    types = {a["type"] for m, a in c.notes if m == "event"}
    assert {"contact.held", "contact.resumed", "contact.transferred", "contact.rejected",
            "contact.left", "callback.scheduled", "contact.abandoned",
            "queue.member_added", "queue.member_removed"} <= types


def test_queue_configure_changes_routing_and_survives_a_restart(serve, tmp_path):
    journal = str(tmp_path / "journal")
    s = serve("--journal", journal, "--fsync", "always")
    c = Client(s.address)
    c.call("queue.create", {"name": "q"})
    c.call("agent.login", {"agent": "ann", "queues": ["q"], "skills": {"en": 5}})
    c.call("agent.login", {"agent": "bob", "queues": ["q"]})
    # longest idle would pick ann; least-skilled-first picks bob
    assert c.call("queue.configure", {"name": "q", "strategy": "least-skilled-first",
                                      "sl_threshold_ms": 30000}) is True
    assert c.call("contact.create", {"contact_id": 1, "queue": "q",
                                     "channel": "chat"})["agent"] == "bob"
    for params, name in [({"name": "nope"}, "CC_ENOTFOUND"),
                         ({"name": "q", "ring_timeout_ms": -1}, "CC_EINVAL"),
                         ({"name": "q", "skills": {"en": 1}}, "CC_ESTATE")]:
        with pytest.raises(RpcError) as e:
            c.call("queue.configure", params)
        assert e.value.name == name, params
    c.call("contact.accept", {"contact_id": 1, "agent": "bob"})
    c.call("contact.end", {"contact_id": 1})  # bob idles less than ann now
    assert s.stop() == 0
    # the journal replays the configuration: still least-skilled-first
    c = Client(serve("--journal", journal, "--fsync", "always").address)
    assert c.call("queue.status", {"name": "q"})["sl_threshold_ms"] == 30000
    assert c.call("contact.create", {"contact_id": 2, "queue": "q",
                                     "channel": "chat"})["agent"] == "bob"
