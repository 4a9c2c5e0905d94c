"""Recovery of `callcore serve --journal DIR` from what a crash, or damage, left
on disk (docs/runtime.md "Recovery"): a torn end of the newest segment is cut,
damage anywhere else is refused with CC_EPARSE (the server does not start and
the files are left as they are), and what is recovered is exactly what was
there before the crash."""
import os
import shutil
import subprocess
import time

import pytest

import msgpack

from ccwire import Client, RpcError, Server

HEADER = 8  # u32 length | u32 CRC-32C
MAGIC = 8


def records(path):
    """(offset, length) of each record of a segment or snapshot file."""
    data = open(path, "rb").read()
    pos, out = MAGIC, []
    while pos + HEADER <= len(data):
        n = int.from_bytes(data[pos:pos + 4], "little")
        out.append((pos, HEADER + n))
        pos += HEADER + n
    return out


def files(journal, prefix):
    return sorted(str(journal / f) for f in os.listdir(journal) if f.startswith(prefix))


def flip_byte(path, offset):
    data = bytearray(open(path, "rb").read())
    data[offset] ^= 0xFF
    open(path, "wb").write(data)


def serve_journal(cli_path, tmp_path, journal, *args):
    return Server(cli_path, "--journal", str(journal), *args,
                  listen=f"unix:{tmp_path}/s.sock").start()


def refused(cli_path, tmp_path, journal, *args):
    """Starts a server that must refuse the journal: its error message."""
    p = subprocess.Popen([cli_path, "serve", "--listen", f"unix:{tmp_path}/s.sock",
                          "--journal", str(journal), *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()  # "listening on ..." if it started, "" when it exits
    if line:
        p.kill()
    out, err = p.communicate(timeout=30)
    assert not line and p.returncode != 0, f"the server started: {line}{out}{err}"
    return err


def contacts_alive(c, ids):
    alive = []
    for i in ids:
        try:
            c.call("contact.status", {"contact_id": i})
            alive.append(i)
        except RpcError:
            pass
    return alive


def crash_with_ten_contacts(cli_path, tmp_path, journal):
    srv = serve_journal(cli_path, tmp_path, journal, "--snapshot-interval-ms", "-1")
    c = Client(srv.address)
    c.call("queue.create", {"name": "q1"})
    for i in range(1, 11):
        c.call("contact.create", {"contact_id": i, "queue": "q1"})
    c.close()
    srv.kill()  # SIGKILL: no final snapshot


def test_damage_in_the_middle_of_the_newest_segment_is_refused(cli_path, tmp_path):
    journal = tmp_path / "j"
    crash_with_ten_contacts(cli_path, tmp_path, journal)
    (segment,) = files(journal, "journal-")
    size = os.path.getsize(segment)
    recs = records(segment)
    flip_byte(segment, recs[2][0] + HEADER + 2)  # a payload byte of the 3rd record
    err = refused(cli_path, tmp_path, journal)
    assert "damaged record at offset %d" % recs[2][0] in err
    assert os.path.getsize(segment) == size  # nothing was cut
    flip_byte(segment, recs[2][0] + HEADER + 2)
    # The same bytes damaged in the last record are a torn tail: cut with the
    # rest of its step (contact 10's creation), everything before recovered.
    flip_byte(segment, recs[-1][0] + HEADER + 2)
    srv = serve_journal(cli_path, tmp_path, journal)
    try:
        c = Client(srv.address)
        assert contacts_alive(c, range(1, 11)) == list(range(1, 10))
        c.close()
    finally:
        srv.stop()
        srv.kill()


def snapshot_then_more(cli_path, tmp_path, journal):
    """q1 and ten contacts, a clean stop (a snapshot), then q2: SIGKILL."""
    crash_with_ten_contacts(cli_path, tmp_path, journal)
    srv = serve_journal(cli_path, tmp_path, journal)
    assert srv.stop() == 0  # a clean close: the final snapshot, then a new segment
    srv.kill()
    srv = serve_journal(cli_path, tmp_path, journal, "--snapshot-interval-ms", "-1")
    c = Client(srv.address)
    c.call("queue.create", {"name": "q2"})
    c.close()
    srv.kill()


def test_a_damaged_snapshot_falls_back_to_the_segments_that_cover_it(cli_path, tmp_path):
    journal = tmp_path / "j"
    snapshot_then_more(cli_path, tmp_path, journal)
    (snap,) = files(journal, "snapshot-")
    flip_byte(snap, os.path.getsize(snap) // 2)
    srv = serve_journal(cli_path, tmp_path, journal, "--snapshot-interval-ms", "-1")
    try:
        c = Client(srv.address)
        assert c.call("queue.list") == ["q1", "q2"]
        assert contacts_alive(c, range(1, 11)) == list(range(1, 11))
        c.call("queue.create", {"name": "q3"})
        c.close()
    finally:
        srv.proc.kill()
        srv.proc.wait()
        err = srv.proc.stderr.read()
        srv.kill()
    assert "damaged snapshot" in err and os.path.basename(snap) in err  # said aloud
    # Recovered again (the snapshot still damaged): q3 went to a segment that
    # recovery reads, not into the one before the snapshot.
    srv = serve_journal(cli_path, tmp_path, journal)
    try:
        c = Client(srv.address)
        assert c.call("queue.list") == ["q1", "q2", "q3"]
        assert contacts_alive(c, range(1, 11)) == list(range(1, 11))
        c.close()
    finally:
        srv.stop()
        srv.kill()


def test_a_damaged_snapshot_is_refused_when_the_history_before_it_is_gone(cli_path, tmp_path):
    journal = tmp_path / "j"
    snapshot_then_more(cli_path, tmp_path, journal)
    (snap,) = files(journal, "snapshot-")
    os.unlink(files(journal, "journal-")[0])  # archived: the snapshot covered it
    flip_byte(snap, os.path.getsize(snap) // 2)
    err = refused(cli_path, tmp_path, journal)
    assert "snapshot '%s' is damaged" % os.path.basename(snap) in err


def event_seqs(journal):
    """The engine sequence number of every EVENT record, in journal order."""
    seqs = []
    for seg in files(journal, "journal-"):
        data = open(seg, "rb").read()
        for off, size in records(seg):
            rec = msgpack.unpackb(data[off + HEADER:off + size], raw=False)
            if rec[0] == 3:
                seqs.append(rec[5])
    return seqs


def test_a_torn_tail_cuts_whole_steps_so_no_event_is_lost_or_doubled(cli_path, tmp_path):
    """A crash can stop the last write at any record boundary: between a timer's
    ADVANCE record and its events, or a command and its events. Whatever the
    cut, the journal's events afterwards are each engine event exactly once
    (sequence numbers 1, 2, 3, ... without a gap or a repeat)."""
    base = tmp_path / "base"
    srv = serve_journal(cli_path, tmp_path, base, "--snapshot-interval-ms", "-1")
    c = Client(srv.address)
    c.call("queue.create", {"name": "q", "max_wait_ms": 200})
    c.call("contact.create", {"contact_id": 1, "queue": "q"})
    time.sleep(0.5)  # contact 1's max wait fires: a timer step
    c.call("contact.create", {"contact_id": 2, "queue": "q"})
    c.close()
    srv.kill()
    (segment,) = files(base, "journal-")
    recs = records(segment)
    assert len(event_seqs(base)) == 5  # arrived, queued, left; arrived, queued
    for off, _ in recs[1:]:
        cut = tmp_path / "cut"
        shutil.rmtree(cut, ignore_errors=True)
        shutil.copytree(base, cut)
        os.truncate(cut / os.path.basename(segment), off)
        srv = serve_journal(cli_path, tmp_path, cut, "--snapshot-interval-ms", "-1")
        c = Client(srv.address)
        time.sleep(0.3)  # max waits already past fire now
        assert contacts_alive(c, [1, 2]) == []
        c.close()
        assert srv.stop() == 0
        srv.kill()
        seqs = event_seqs(cut)
        assert seqs == list(range(1, len(seqs) + 1)), f"cut at {off}: events {seqs}"


def test_a_restart_with_another_seed_is_refused_and_the_same_seed_recovers(cli_path, tmp_path):
    """--seed decides which agent a random-strategy queue offers to: a replay
    under another seed would undo every accept (the recorded accepts would
    name agents the replayed offers never went to)."""
    journal = tmp_path / "j"
    srv = serve_journal(cli_path, tmp_path, journal, "--seed", "1")
    c = Client(srv.address)
    c.call("queue.create", {"name": "q", "strategy": "random"})
    for a in ["a1", "a2", "a3", "a4"]:
        c.call("agent.login", {"agent": a, "queues": ["q"]})
    for i in range(1, 5):
        st = c.call("contact.create", {"contact_id": i, "queue": "q"})
        c.call("contact.accept", {"contact_id": i, "agent": st["agent"]})
    live = {i: c.call("contact.status", {"contact_id": i})["agent"] for i in range(1, 5)}
    c.close()
    srv.kill()
    err = refused(cli_path, tmp_path, journal, "--seed", "2")
    assert "seed 1 (this runtime: 2)" in err
    assert "seed 1 (this runtime: 0)" in refused(cli_path, tmp_path, journal)
    srv = serve_journal(cli_path, tmp_path, journal, "--seed", "1")
    try:
        c = Client(srv.address)
        for i in range(1, 5):
            st = c.call("contact.status", {"contact_id": i})
            assert (st["state"], st["agent"]) == ("connected", live[i])
        c.close()
    finally:
        srv.stop()
        srv.kill()


def test_a_removed_snapshot_is_replaced_by_the_segments_before_it(cli_path, tmp_path):
    """The segments keep the whole history; a snapshot only saves replaying it.
    Without the snapshot (an operator removed it), the segment after it starts
    one record further than the segment before it ended: the snapshot's number,
    not a missing file."""
    journal = tmp_path / "j"
    snapshot_then_more(cli_path, tmp_path, journal)
    (snap,) = files(journal, "snapshot-")
    os.unlink(snap)
    srv = serve_journal(cli_path, tmp_path, journal)
    try:
        c = Client(srv.address)
        assert c.call("queue.list") == ["q1", "q2"]
        assert contacts_alive(c, range(1, 11)) == list(range(1, 11))
        c.close()
    finally:
        srv.stop()
        srv.kill()


def test_sigterm_right_after_listening_is_a_clean_close(cli_path, tmp_path):
    """A supervisor may stop the daemon as soon as it prints 'listening on':
    the handlers are in by then, so the close is orderly (exit 0, final
    snapshot), not SIGTERM's default action."""
    journal = tmp_path / "j"
    srv = serve_journal(cli_path, tmp_path, journal)
    assert srv.stop() == 0
    srv.kill()
    assert files(journal, "snapshot-")


def test_offers_ringing_at_a_crash_are_given_back_once(cli_path, tmp_path):
    """The restart after a crash gives back the offers that were ringing (no switch
    survives a restart). Later restarts replay that give-back and must reach the same
    state without finding anything more to give back: the switch is gone from the
    journal's point of view too, so the replayed give-back's next offer fails as it
    did live instead of going out to a switch that is not there."""
    journal = tmp_path / "j"
    srv = serve_journal(cli_path, tmp_path, journal, "--snapshot-interval-ms", "-1")
    switch = Client(srv.address)
    assert switch.call("backend.register", {"channels": ["voice"]}) is True
    c = Client(srv.address)
    c.call("queue.create", {"name": "q", "ring_timeout_ms": 600000})
    for a in ("ann", "bob"):
        c.call("agent.login", {"agent": a, "queues": ["q"]})
    c.call("contact.create", {"contact_id": 7, "queue": "q"})
    switch.wait_note(lambda m, a: m == "media.offer")
    srv.kill()  # SIGKILL while the agent's phone rings
    released, seen, events = [], [], []
    for _ in range(3):
        srv = serve_journal(cli_path, tmp_path, journal, "--snapshot-interval-ms", "-1")
        c = Client(srv.address)
        st = {a: c.call("agent.status", {"agent": a}) for a in ("ann", "bob")}
        seen.append(({a: (s["state"], s["reason"], s["offer_contact_id"]) for a, s in st.items()},
                     c.call("contact.status", {"contact_id": 7})["state"]))
        c.close()
        srv.proc.kill()  # SIGKILL again: no final snapshot stands in for the replay
        srv.proc.wait()
        err = srv.proc.stderr.read()
        srv.kill()
        released.append(int(err.split(" offer(s) released")[0].rsplit(" ", 1)[1]))
        events.append(len(event_seqs(journal)))
    assert released == [1, 0, 0]
    assert seen[0] == seen[1] == seen[2]
    assert events[0] == events[1] == events[2]  # nothing happened after the first restart
