"""Recovery of `callcore serve --journal DIR` from what a crash, or damage, left
on disk (docs/runtime.md "Recovery"): a torn end of the newest segment is cut,
damage anywhere else is refused with CC_EPARSE (the server does not start and
the files are left as they are), and what is recovered is exactly what was
there before the crash."""
import os
import subprocess

import pytest

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
    p = subprocess.run([cli_path, "serve", "--listen", f"unix:{tmp_path}/s.sock",
                        "--journal", str(journal), *args],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode != 0 and "listening" not in p.stdout, p.stdout + p.stderr
    return p.stderr


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
    # The same bytes damaged in the last record are a torn tail: cut, and
    # everything before it recovered.
    flip_byte(segment, recs[-1][0] + HEADER + 2)
    srv = serve_journal(cli_path, tmp_path, journal)
    try:
        c = Client(srv.address)
        assert contacts_alive(c, range(1, 11)) == list(range(1, 11))
        c.close()
    finally:
        srv.stop()
        srv.kill()
