"""A small blocking msgpack-RPC client for the tests of `callcore serve`.

Requests are [0, msgid, method, [params]]; responses [1, msgid, error, result];
notifications [2, method, [arg]] are kept in `self.notes` in arrival order.
"""
import os
import select
import socket
import subprocess
import time

import msgpack


class RpcError(Exception):
    def __init__(self, err):
        super().__init__(f"{err.get('name')}: {err.get('message')}")
        self.code = err.get("code")
        self.name = err.get("name")
        self.message = err.get("message")


def connect(address, timeout=5.0):
    if address.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(address[len("unix:"):])
    else:
        hostport = address[len("tcp://"):]
        host, port = hostport.rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


class Client:
    def __init__(self, address, timeout=5.0):
        self.sock = connect(address, timeout)
        self.timeout = timeout
        self.unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        self.next_id = 1
        self.responses = {}
        self.notes = []
        self.closed = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, method, params=None, msgid=None):
        if msgid is None:
            msgid = self.next_id
            self.next_id += 1
        body = [params] if params is not None else []
        self.sock.sendall(msgpack.packb([0, msgid, method, body]))
        return msgid

    def notify(self, method, params=None):
        body = [params] if params is not None else []
        self.sock.sendall(msgpack.packb([2, method, body]))

    def _pump(self, deadline):
        """Reads what is available until the deadline; False once the peer closed."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return True
        r, _, _ = select.select([self.sock], [], [], remaining)
        if not r:
            return True
        data = self.sock.recv(65536)
        if not data:
            self.closed = True
            return False
        self.unpacker.feed(data)
        for msg in self.unpacker:
            if msg[0] == 1:
                self.responses[msg[1]] = msg
            elif msg[0] == 2:
                self.notes.append((msg[1], msg[2][0] if msg[2] else None))
        return True

    def wait(self, msgid, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while msgid not in self.responses:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no response to request {msgid}")
            if not self._pump(deadline):
                if msgid in self.responses:
                    break
                raise ConnectionError("server closed the connection")
        msg = self.responses.pop(msgid)
        if msg[2] is not None:
            raise RpcError(msg[2])
        return msg[3]

    def call(self, method, params=None, timeout=None):
        return self.wait(self.send(method, params), timeout)

    def wait_note(self, pred, timeout=None):
        """Waits for the first notification (method, arg) satisfying pred; removes it."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, n in enumerate(self.notes):
                if pred(*n):
                    return self.notes.pop(i)
            if time.monotonic() >= deadline:
                raise TimeoutError("no matching notification")
            if not self._pump(deadline):
                for i, n in enumerate(self.notes):
                    if pred(*n):
                        return self.notes.pop(i)
                raise ConnectionError("server closed the connection")

    def wait_closed(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self.closed and time.monotonic() < deadline:
            try:
                self._pump(deadline)
            except (ConnectionResetError, OSError):
                self.closed = True
        return self.closed


class Server:
    """`callcore serve` as a child process; always stopped by the fixture."""

    def __init__(self, cli, *args, listen="tcp://127.0.0.1:0", env=None):
        self.cli = cli
        self.args = list(args)
        self.listen = listen
        self.env = env  # None: this process's environment
        self.proc = None
        self.address = None

    def start(self, timeout=10.0):
        self.proc = subprocess.Popen([self.cli, "serve", "--listen", self.listen, *self.args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=self.env)
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if r:
                line = self.proc.stdout.readline()
                break
            if self.proc.poll() is not None:
                break
        if not line.startswith("listening on "):
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            self.kill()
            raise RuntimeError(f"serve did not start: {line!r} {err!r}")
        self.address = line.split("listening on ", 1)[1].strip()
        return self

    def stop(self, timeout=10.0):
        """SIGTERM: a clean shutdown; returns the exit code."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdout, self.proc.stderr) if self.proc else ():
            f.close()
