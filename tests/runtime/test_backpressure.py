"""Backpressure of `callcore serve` (docs/protocol.md "Backpressure"): a client that
stops reading pauses its own requests, and once it reads again every response
comes back, in order, without it having to send anything more."""
import socket
import time

import msgpack


def unix_client(address):
    """A Unix-socket client with a small receive buffer, so the server's output
    backs up after a few kilobytes the client has not read."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(address[len("unix:"):])
    return s


def read_responses(sock, unpacker, want, timeout):
    """Reads until `want` responses arrived or nothing came for `timeout` s;
    returns their msgids in arrival order. `unpacker` keeps a message cut
    between two calls."""
    got = []
    sock.settimeout(timeout)
    try:
        while len(got) < want:
            data = sock.recv(1 << 20)
            if not data:
                break
            unpacker.feed(data)
            got.extend(m[1] for m in unpacker if m[0] == 1)
    except socket.timeout:
        pass
    return got


def ping(msgid, size):
    return msgpack.packb([0, msgid, "ping", [{"echo": "x" * size}]])


def test_a_response_packed_while_paused_is_sent_once_reading_resumes(serve, tmp_path):
    s = serve("--max-pending", "1000000", listen=f"unix:{tmp_path}/s.sock")
    c = unix_client(s.address)
    u = msgpack.Unpacker(raw=False, max_buffer_size=0)
    c.sendall(ping(1, 990000))  # its response is stuck in the write: we do not read
    time.sleep(0.5)
    c.sendall(ping(2, 20000))  # served while the write is in flight: over the limit
    time.sleep(0.5)
    # Reading lets the write finish and the server resume; response 2, packed
    # meanwhile, must follow without any further request.
    assert read_responses(c, u, 2, 5.0) == [1, 2]
    c.close()


def test_every_pipelined_response_arrives_with_the_default_limits(serve, tmp_path):
    s = serve(listen=f"unix:{tmp_path}/s.sock")
    c = unix_client(s.address)
    u = msgpack.Unpacker(raw=False, max_buffer_size=0)
    for i in range(1, 5):
        c.sendall(ping(i, 900000))
    time.sleep(0.5)
    got = read_responses(c, u, 1, 5.0)  # 1 read: 2-4 become the write in flight
    time.sleep(0.5)
    c.sendall(ping(5, 900000))
    time.sleep(0.3)
    c.sendall(ping(6, 900000))  # 2.7 MB + 1.8 MB unsent: over 4 MiB, paused
    time.sleep(0.3)
    got += read_responses(c, u, 6 - len(got), 5.0)
    assert got == [1, 2, 3, 4, 5, 6]
    c.close()


def test_a_response_larger_than_twice_the_limit_is_sent_not_cut_off(serve, tmp_path):
    """Only notifications make a slow consumer (docs/protocol.md): a client that asks
    for one large answer (a long list, a full KPI report, an echo) gets it, however
    its size compares with --max-pending, and stays connected."""
    s = serve("--max-pending", "4096", listen=f"unix:{tmp_path}/s.sock")
    c = unix_client(s.address)
    u = msgpack.Unpacker(raw=False, max_buffer_size=0)
    c.sendall(ping(1, 20000))
    assert read_responses(c, u, 1, 5.0) == [1]
    c.sendall(ping(2, 10))  # still served
    assert read_responses(c, u, 1, 5.0) == [2]
    c.close()
