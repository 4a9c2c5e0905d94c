"""Durability of `callcore serve --journal DIR --fsync always` (docs/protocol.md
"Durability"): a response that acknowledges a state change leaves only once the
journal records of that change are on disk, so whatever a client was told
succeeded is there after a crash.

The server runs on a slow, then failing, disk: journal_disk_fault.c, preloaded,
makes every fdatasync take 500 ms and the journal write carrying a chosen name
fail."""
import os
import socket
import time

import msgpack
import pytest

from ccwire import Client, Server


@pytest.fixture
def disk_fault():
    path = os.environ.get("CALLCORE_DISK_FAULT")
    if not path or not os.path.exists(path):
        pytest.fail("CALLCORE_DISK_FAULT must point at the built journal_disk_fault module")
    return path


def faulty_disk_env(module, fail_match, sync_ms):
    env = dict(os.environ, LD_PRELOAD=module, CC_FAULT_FAIL_MATCH=fail_match,
               CC_FAULT_SYNC_MS=str(sync_ms))
    # Under AddressSanitizer the preloaded module comes before the ASan runtime.
    env["ASAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                 "verify_asan_link_order=0", "detect_leaks=0"]))
    return env


def request(msgid, method, params):
    return msgpack.packb([0, msgid, method, [params]])


def test_a_response_never_leaves_before_its_record_is_synced(cli_path, disk_fault, tmp_path):
    sock = tmp_path / "s.sock"
    journal = tmp_path / "journal"
    srv = Server(cli_path, "--journal", str(journal), "--fsync", "always",
                 listen=f"unix:{sock}",
                 env=faulty_disk_env(disk_fault, "queue-lost", 500)).start()
    acked = []
    try:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(str(sock))
        u = msgpack.Unpacker(raw=False, max_buffer_size=0)
        # A large response we do not read yet: its write stays in flight.
        c.sendall(request(1, "ping", {"echo": "x" * 300000}))
        time.sleep(0.3)
        c.sendall(request(2, "queue.create", {"name": "queue-kept"}))
        time.sleep(0.1)  # the server is syncing queue-kept's record (500 ms)
        # Reading now lets the in-flight write complete in the same loop
        # iteration as the read of the next request, whose record then fails.
        c.setblocking(False)
        try:
            while True:
                u.feed(c.recv(1 << 20))
        except BlockingIOError:
            pass
        c.sendall(request(3, "queue.create", {"name": "queue-lost"}))
        c.setblocking(True)
        c.settimeout(3.0)
        try:
            while True:
                data = c.recv(1 << 20)
                if not data:
                    break
                u.feed(data)
        except socket.timeout:
            pass
        for m in u:
            if m[0] == 1 and m[2] is None and m[1] in (2, 3):
                acked.append({2: "queue-kept", 3: "queue-lost"}[m[1]])
        c.close()
    finally:
        srv.proc.kill()  # SIGKILL: no final snapshot, only what the journal holds
        srv.proc.wait()
        err = srv.proc.stderr.read()
        srv.kill()
    assert "journal write failed" in err  # the fault was injected
    srv2 = Server(cli_path, "--journal", str(journal), listen=f"unix:{sock}").start()
    try:
        queues = Client(srv2.address).call("queue.list")
    finally:
        srv2.stop()
        srv2.kill()
    assert "queue-lost" not in queues  # its only record never reached the disk
    assert "queue-kept" in queues
    for name in acked:  # so it was never acknowledged either
        assert name in queues, f"{name} was acknowledged, then lost in the crash ({err})"


def test_a_failed_journal_stops_the_engine(cli_path, disk_fault, tmp_path):
    """Fail-stop means stop: once a journal write failed, the engine's timers fire no more
    either. A max wait that fired afterwards changed state no journal holds and sent events
    a restart then sends again (the replayed contact reaches its max wait once more)."""
    journal = tmp_path / "journal"
    srv = Server(cli_path, "--journal", str(journal), "--fsync", "always",
                 env=faulty_disk_env(disk_fault, "queue-lost", 0)).start()
    try:
        c = Client(srv.address)
        c.call("queue.create", {"name": "q", "max_wait_ms": 1500})
        c.call("contact.create", {"contact_id": 7, "queue": "q"})
        with pytest.raises(Exception):  # its record fails: the connection is cut
            c.call("queue.create", {"name": "queue-lost"})
        time.sleep(2.5)  # past the max wait
        status = Client(srv.address).call("contact.status", {"contact_id": 7})
    finally:
        srv.proc.kill()
        srv.proc.wait()
        err = srv.proc.stderr.read()
        srv.kill()
    assert "journal write failed" in err
    assert status["state"] == "waiting"
